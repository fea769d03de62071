/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The マイナポータル 医療保険情報 XML files: decoded to UTF-8 first (CP932
 * or UTF-8), checked for size, tags, DOCTYPE and entities before libxml2
 * sees a byte, parsed without network or entity expansion, walked with the
 * element and depth caps, then read into TechoDispensing / TechoCheckup.
 * Element names are matched without their namespace. Layout notes and what
 * could not be confirmed: docs/import.md. */

#define G_LOG_DOMAIN "techo-mhlw-xml"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "techo-mhlw-xml.h"
#include "techo-xml-private.h"
#include "techo-reference.h"

G_DEFINE_QUARK (techo-mhlw-error-quark, techo_mhlw_error)

/* The element names of one kind of medication rows: the claims rows and
 * their two 電子処方箋 twins name the same things with their own prefixes. */
typedef struct
{
  const char *source;      /* TechoDispensing.source */
  const char *container;   /* parent under MessageBody, NULL: none */
  const char *month;       /* one institution and month */
  const char *di_code;     /* the institution that treated or dispensed */
  const char *di_name;
  const char *pr_code;     /* the prescribing institution */
  const char *pr_name;
  const char *month_text;  /* YYYYMM */
  const char *setting;     /* 入外区分 (claims) or its twin */
  const char *date_list;
  const char *date_inf;
  const char *di_date;
  const char *pr_date;
  const char *drug_list;
  const char *drug_inf;
  const char *prefix;      /* of the drug fields: "", "Cz", "Sh" */
  const char *usage_kind;  /* MeTrIdCl or its twin */
} Layout;

static const Layout layouts[] = {
  { "claims", NULL, "MeTrMonthInf", "MeTrDiHCd", "MeTrDiHNm", "PrlsHCd", "PrlsHNm",
    "MeTrMonth", "InOut", "DiDateInfs", "DiDateInf", "DiDate", "PrDate",
    "DrugInfs", "DrugInf", "", "MeTrIdCl" },
  { "dispensing", "CzDiInf", "CzDiMonthInf", "CzMeTrDiHCd", "CzMeTrDiHNm", "CzPrlsHCd",
    "CzPrlsHNm", "CzDiMonth", "CzPrCl", "CzDiDateInfs", "CzDiDateInf", "CzDiDate",
    "CzPrDate", "CzDrugInfs", "CzDrugInf", "Cz", "CzUsageCl" },
  { "prescription", "ShPrInf", "ShPrMonthInf", "ShMeTrDiHCd", "ShMeTrDiHNm", "ShPrHCd",
    "ShPrHNm", "ShPrMonth", "ShPrCl", "ShPrDateInfs", "ShPrDateInf", "ShPrDate",
    "ShPrDate", "ShDrugInfs", "ShDrugInf", "Sh", "ShUsageCl" },
};

typedef struct
{
  TechoMhlwResult *result;
  GHashTable *seen;        /* id base → times seen, for repeated lines */
  GError **error;
} Reader;

void
techo_mhlw_result_free (TechoMhlwResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->person, techo_profile_free);
  g_clear_pointer (&result->dispensings, g_ptr_array_unref);
  g_clear_pointer (&result->checkups, g_ptr_array_unref);
  g_free (result);
}

/* ---- the tree ------------------------------------------------------------ */

static gboolean
is_element (xmlNodePtr  node,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE
         && strcmp ((const char *) node->name, name) == 0;
}

static xmlNodePtr
child (xmlNodePtr  node,
       const char *name)
{
  if (name == NULL)
    return NULL;
  for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
    if (is_element (c, name))
      return c;
  return NULL;
}

static long
line_of (xmlNodePtr node)
{
  return node != NULL ? xmlGetLineNo (node) : 0;
}

/* The text of the first child called @name (else @fallback) into @out:
 * stripped, NULL when absent or empty. FALSE with an error when longer
 * than the cap. */
static gboolean
field (Reader      *reader,
       xmlNodePtr   parent,
       const char  *name,
       const char  *fallback,
       char       **out)
{
  xmlNodePtr node = child (parent, name);
  xmlChar *content;
  char *copy = NULL;

  *out = NULL;
  if (node == NULL && fallback != NULL)
    node = child (parent, fallback);
  if (node == NULL)
    return TRUE;
  content = xmlNodeGetContent (node);
  if (content != NULL)
    {
      if (strlen ((const char *) content) > TECHO_MHLW_MAX_VALUE_LENGTH)
        {
          g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                       _("<%s> on line %ld is longer than %d bytes."),
                       (const char *) node->name, line_of (node), TECHO_MHLW_MAX_VALUE_LENGTH);
          xmlFree (content);
          return FALSE;
        }
      copy = g_strstrip (g_strdup ((const char *) content));
    }
  xmlFree (content);
  if (copy != NULL && *copy == '\0')
    g_clear_pointer (&copy, g_free);
  *out = copy;
  return TRUE;
}

/* The element @field read from, for messages: @name if present, else
 * @fallback, else @name. */
static xmlNodePtr
field_node (xmlNodePtr  parent,
            const char *name,
            const char *fallback)
{
  xmlNodePtr node = child (parent, name);

  return node != NULL || fallback == NULL ? node : child (parent, fallback);
}

/* The error for what techo_xml_precheck or _check_tree found. */
static gboolean
xml_problem (TechoXmlProblem   problem,
             xmlNodePtr        where,
             GError          **error)
{
  switch (problem)
    {
    case TECHO_XML_OK:
      return TRUE;
    case TECHO_XML_TOO_MANY:
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("The file has more than %d elements."), TECHO_MHLW_MAX_ELEMENTS);
      break;
    case TECHO_XML_TOO_DEEP:
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("The file is nested more than %d levels deep (line %ld)."),
                   TECHO_MHLW_MAX_DEPTH, line_of (where));
      break;
    case TECHO_XML_DOCTYPE:
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_FORBIDDEN,
                   _("The file declares a DOCTYPE or entities, which Techo does not "
                     "accept."));
      break;
    case TECHO_XML_ENTITIES:
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_FORBIDDEN,
                   _("The file uses XML entities, which Techo does not accept."));
      break;
    }
  return FALSE;
}

/* ---- values -------------------------------------------------------------- */

static gboolean
all_digits (const char *s,
            gsize       n)
{
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static guint
number_at (const char *s,
           gsize       n)
{
  guint value = 0;

  for (gsize i = 0; i < n; i++)
    value = value * 10 + (guint) (s[i] - '0');
  return value;
}

/* The Gregorian year of Japanese era @era (letter M T S H R or digit 1–5)
 * year @year; 0 when unknown. */
static guint
era_year (char  era,
          guint year)
{
  static const char letters[] = "MTSHR";
  static const guint offsets[] = { 1867, 1911, 1925, 1988, 2018 };
  const char *at;
  guint index;

  if (era >= '1' && era <= '5')
    index = (guint) (era - '1');
  else if ((at = strchr (letters, g_ascii_toupper (era))) != NULL && era != '\0')
    index = (guint) (at - letters);
  else
    return 0;
  return year > 0 ? offsets[index] + year : 0;
}

/* "20250615", "2025-06-15", "2025/06/15", 和暦 "R070615" / "5070615"
 * → "2025-06-15"; with @month_only "202506", "2025-06", "R0706" →
 * "2025-06-01". NULL when not a real date. */
static char *
parse_date (const char *text,
            gboolean    month_only)
{
  guint year = 0, month = 0, day = 1;
  gsize n = text != NULL ? strlen (text) : 0;

  if (!month_only && n == 8 && all_digits (text, 8))
    {
      year = number_at (text, 4);
      month = number_at (text + 4, 2);
      day = number_at (text + 6, 2);
    }
  else if (!month_only && n == 10 && all_digits (text, 4) && (text[4] == '-' || text[4] == '/')
           && text[7] == text[4] && all_digits (text + 5, 2) && all_digits (text + 8, 2))
    {
      year = number_at (text, 4);
      month = number_at (text + 5, 2);
      day = number_at (text + 8, 2);
    }
  else if (!month_only && n == 7 && all_digits (text + 1, 6))
    {
      year = era_year (text[0], number_at (text + 1, 2));
      month = number_at (text + 3, 2);
      day = number_at (text + 5, 2);
    }
  else if (month_only && n == 6 && all_digits (text, 6))
    {
      year = number_at (text, 4);
      month = number_at (text + 4, 2);
    }
  else if (month_only && n == 7 && all_digits (text, 4) && (text[4] == '-' || text[4] == '/')
           && all_digits (text + 5, 2))
    {
      year = number_at (text, 4);
      month = number_at (text + 5, 2);
    }
  else if (month_only && n == 5 && all_digits (text + 1, 4))
    {
      year = era_year (text[0], number_at (text + 1, 2));
      month = number_at (text + 3, 2);
    }
  if (year < 1868 || year > 9999 || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month,
                                                       (GDateYear) year))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

/* A date field: NULL without error when absent; an error naming the
 * element and its line when present and not a date. */
static gboolean
date_field (Reader      *reader,
            xmlNodePtr   parent,
            const char  *name,
            const char  *fallback,
            gboolean     month_only,
            char       **out)
{
  g_autofree char *raw = NULL;

  *out = NULL;
  if (!field (reader, parent, name, fallback, &raw))
    return FALSE;
  if (raw == NULL)
    return TRUE;
  *out = parse_date (raw, month_only);
  if (*out == NULL)
    {
      xmlNodePtr node = field_node (parent, name, fallback);

      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<%s> on line %ld is not a valid date: “%s”."),
                   (const char *) node->name, line_of (node), raw);
      return FALSE;
    }
  return TRUE;
}

static gboolean
number_ok (const char *text,
           double     *out)
{
  char *end = NULL;
  double value;

  if (text == NULL)
    {
      *out = 0;
      return TRUE;
    }
  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value >= 0 && value < 1e9))
    return FALSE;
  *out = value;
  return TRUE;
}

static char *
hash_id (const char *base)
{
  g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, base, -1);

  return g_strdup_printf (TECHO_MHLW_ID_PREFIX "%.16s", sum);
}

/* The id of a row whose identifying text is @base; a second identical row
 * of the same file gets its occurrence number, so both are kept. */
static char *
stable_id (Reader     *reader,
           const char *base)
{
  guint seen = GPOINTER_TO_UINT (g_hash_table_lookup (reader->seen, base));
  g_autofree char *numbered = g_strdup_printf ("%s\x1f%u", base, seen);

  g_hash_table_insert (reader->seen, g_strdup (base), GUINT_TO_POINTER (seen + 1));
  return hash_id (numbered);
}

/* ---- the person ---------------------------------------------------------- */

static gboolean
read_person (Reader     *reader,
             xmlNodePtr  header)
{
  TechoProfile *person = reader->result->person;
  xmlNodePtr qua = child (header, "QuaInf");
  g_autofree char *sex = NULL;

  if (qua != NULL)
    {
      if (!field (reader, qua, "Name", NULL, &person->name)
          || !field (reader, qua, "KanaName", NULL, &person->name_kana)
          || !date_field (reader, qua, "Birth", NULL, FALSE, &person->birth_date)
          || !field (reader, qua, "AdmGendCode", NULL, &sex))
        return FALSE;
    }
  else if ((qua = child (header, "QualificationsInfo")) != NULL)
    {
      if (!field (reader, qua, "Name", NULL, &person->name)
          || !field (reader, qua, "KanasName", "KanaName", &person->name_kana)
          || !date_field (reader, qua, "Birthday", NULL, FALSE, &person->birth_date)
          || !field (reader, qua, "AdministrativeGenderCode", NULL, &sex))
        return FALSE;
    }
  /* 1 男, 2 女 as in the other MHLW layouts; anything else is not said. */
  if (g_strcmp0 (sex, "1") == 0)
    person->sex = g_strdup ("male");
  else if (g_strcmp0 (sex, "2") == 0)
    person->sex = g_strdup ("female");
  return TRUE;
}

/* ---- 薬剤情報 ------------------------------------------------------------- */

/* The JAHIS 剤形 code of a 診療識別 (claims) code: 21 内服 → 1, 22 屯服 →
 * 3, 23 外用 → 5, 31–33 注射 → 4; NULL for others. */
static const char *
dosage_form_of (const char *usage_kind)
{
  if (g_strcmp0 (usage_kind, "21") == 0)
    return "1";
  if (g_strcmp0 (usage_kind, "22") == 0)
    return "3";
  if (g_strcmp0 (usage_kind, "23") == 0)
    return "5";
  if (g_strcmp0 (usage_kind, "31") == 0 || g_strcmp0 (usage_kind, "32") == 0
      || g_strcmp0 (usage_kind, "33") == 0)
    return "4";
  return NULL;
}

/* One DrugInf (or its twin) into a TechoDispensing. */
static gboolean
read_drug (Reader                *reader,
           const Layout          *layout,
           const TechoDispensing *day,
           xmlNodePtr             drug_node)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  g_autofree char *code = NULL, *quantity = NULL, *times = NULL, *usage = NULL;
  g_autofree char *instruction = NULL, *usage_kind = NULL, *base = NULL;
  char name[32];
#define DRUG_FIELD(suffix, out) \
  (g_snprintf (name, sizeof name, "%s%s", layout->prefix, suffix), \
   field (reader, drug_node, name, suffix, out))

  if (reader->result->dispensings->len >= TECHO_MHLW_MAX_DISPENSINGS)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("The file has more than %d medicine lines."), TECHO_MHLW_MAX_DISPENSINGS);
      return FALSE;
    }
  if (!DRUG_FIELD ("DrugC", &code) || !DRUG_FIELD ("DrugN", &d->drug_name)
      || !DRUG_FIELD ("IngreN", &d->ingredient_name) || !DRUG_FIELD ("Qua1", &quantity)
      || !DRUG_FIELD ("Unit", &d->unit) || !DRUG_FIELD ("UsageN", &usage)
      || !DRUG_FIELD ("SpInst", &instruction) || !DRUG_FIELD ("Times", &times)
      || !field (reader, drug_node, layout->usage_kind, "MeTrIdCl", &usage_kind))
    return FALSE;
#undef DRUG_FIELD

  if (code == NULL && d->drug_name == NULL)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<%s> on line %ld names no medicine (no code and no name)."),
                   (const char *) drug_node->name, line_of (drug_node));
      return FALSE;
    }
  if (!number_ok (quantity, &d->quantity))
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("The amount of <%s> on line %ld is not a number: “%s”."),
                   (const char *) drug_node->name, line_of (drug_node), quantity);
      return FALSE;
    }
  if (times != NULL)
    {
      char *end = NULL;
      guint64 value = g_ascii_strtoull (times, &end, 10);

      if (!all_digits (times, strlen (times)) || *end != '\0' || value > 3650)
        {
          g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                       _("The count of <%s> on line %ld is not a whole number of at most "
                         "3650: “%s”."),
                       (const char *) drug_node->name, line_of (drug_node), times);
          return FALSE;
        }
      /* Days only for 内服 (21; 1 in the twins): a count of 屯服 doses or
       * of 外用 dispensings is not days. */
      if (g_strcmp0 (usage_kind, "21") == 0
          || (*layout->prefix != '\0' && g_strcmp0 (usage_kind, "1") == 0))
        d->days = (int) value;
    }

  /* 9 digits: the レセプト電算 code; 12 characters: a YJ code. */
  if (code != NULL && strlen (code) == 9 && all_digits (code, 9))
    d->receipt_code = g_steal_pointer (&code);
  else if (code != NULL && strlen (code) == 12)
    d->yj_code = g_steal_pointer (&code);
  if (d->drug_name == NULL)
    d->drug_name = g_strdup (d->receipt_code != NULL ? d->receipt_code
                             : d->yj_code != NULL ? d->yj_code : code);
  d->usage = instruction == NULL ? g_steal_pointer (&usage)
             : usage == NULL ? g_steal_pointer (&instruction)
             : g_strdup_printf ("%s / %s", usage, instruction);
  d->dosage_form = g_strdup (dosage_form_of (usage_kind));

  d->source = g_strdup (day->source);
  d->dispensed_on = g_strdup (day->dispensed_on);
  d->prescribed_on = g_strdup (day->prescribed_on);
  d->setting = g_strdup (day->setting);
  d->pharmacy_code = g_strdup (day->pharmacy_code);
  d->pharmacy_name = g_strdup (day->pharmacy_name);
  d->prescriber_code = g_strdup (day->prescriber_code);
  d->prescriber_name = g_strdup (day->prescriber_name);
  d->revision = 1;

  base = g_strjoin ("\x1f", "med", d->source, d->dispensed_on,
                    d->prescribed_on ? d->prescribed_on : "",
                    d->pharmacy_code ? d->pharmacy_code : "",
                    d->prescriber_code ? d->prescriber_code : "",
                    d->receipt_code ? d->receipt_code : d->yj_code ? d->yj_code : "",
                    d->drug_name ? d->drug_name : "", quantity ? quantity : "",
                    d->unit ? d->unit : "", d->usage ? d->usage : "",
                    times ? times : "", usage_kind ? usage_kind : "", NULL);
  d->id = stable_id (reader, base);
  g_ptr_array_add (reader->result->dispensings, g_steal_pointer (&d));
  return TRUE;
}

static gboolean
read_day (Reader          *reader,
          const Layout    *layout,
          TechoDispensing *day,
          const char      *month,
          xmlNodePtr       date_node)
{
  g_autofree char *raw_day = NULL;
  xmlNodePtr drugs;

  g_clear_pointer (&day->dispensed_on, g_free);
  g_clear_pointer (&day->prescribed_on, g_free);
  /* A day of the month alone ("5", "05") counts within MeTrMonth. */
  if (!field (reader, date_node, layout->di_date, "DiDate", &raw_day))
    return FALSE;
  if (raw_day != NULL && month != NULL && strlen (raw_day) <= 2 && all_digits (raw_day, strlen (raw_day)))
    {
      g_autofree char *full = g_strdup_printf ("%.4s%.2s%02u", month, month + 5,
                                               number_at (raw_day, strlen (raw_day)));

      day->dispensed_on = parse_date (full, FALSE);
    }
  if (day->dispensed_on == NULL
      && !date_field (reader, date_node, layout->di_date, "DiDate", FALSE, &day->dispensed_on))
    return FALSE;
  if (!date_field (reader, date_node, layout->pr_date, "PrDate", FALSE, &day->prescribed_on))
    return FALSE;
  if (day->dispensed_on == NULL)
    day->dispensed_on = g_strdup (day->prescribed_on);
  if (day->dispensed_on == NULL)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<%s> on line %ld has no date (<%s>)."),
                   (const char *) date_node->name, line_of (date_node), layout->di_date);
      return FALSE;
    }

  drugs = child (date_node, layout->drug_list);
  if (drugs == NULL)
    drugs = child (date_node, "DrugInfs");
  for (xmlNodePtr c = drugs != NULL ? drugs->children : NULL; c != NULL; c = c->next)
    if ((is_element (c, layout->drug_inf) || is_element (c, "DrugInf"))
        && !read_drug (reader, layout, day, c))
      return FALSE;

  /* 診療行為 rows (treatments, procedures) have no place among medicines. */
  for (xmlNodePtr c = child (date_node, "MeTrInfs") ? child (date_node, "MeTrInfs")->children
                      : NULL; c != NULL; c = c->next)
    if (is_element (c, "MeTrInf"))
      reader->result->n_left_out++;
  return TRUE;
}

static gboolean
read_month (Reader       *reader,
            const Layout *layout,
            xmlNodePtr    month_node)
{
  g_autoptr(TechoDispensing) day = techo_dispensing_new ();
  g_autofree char *di_code = NULL, *di_name = NULL, *setting = NULL, *month = NULL;
  xmlNodePtr dates;

  if (!field (reader, month_node, layout->di_code, "MeTrDiHCd", &di_code)
      || !field (reader, month_node, layout->di_name, "MeTrDiHNm", &di_name)
      || !field (reader, month_node, layout->pr_code, "PrlsHCd", &day->prescriber_code)
      || !field (reader, month_node, layout->pr_name, "PrlsHNm", &day->prescriber_name)
      || !field (reader, month_node, layout->setting, "InOut", &setting)
      || !date_field (reader, month_node, layout->month_text, "MeTrMonth", TRUE, &month))
    return FALSE;

  day->source = g_strdup (layout->source);
  /* A prescription names the institution that wrote it; the others the
   * institution that treated or dispensed (a clinic for 院内処方). */
  if (strcmp (layout->source, "prescription") == 0)
    {
      if (day->prescriber_code == NULL)
        day->prescriber_code = g_steal_pointer (&di_code);
      if (day->prescriber_name == NULL)
        day->prescriber_name = g_steal_pointer (&di_name);
    }
  else
    {
      day->pharmacy_code = g_steal_pointer (&di_code);
      day->pharmacy_name = g_steal_pointer (&di_name);
    }
  /* 入外区分: 1 入院, 2 入院外 (claims). */
  if (g_strcmp0 (setting, "1") == 0 && strcmp (layout->source, "claims") == 0)
    day->setting = g_strdup ("inpatient");
  else if (g_strcmp0 (setting, "2") == 0 && strcmp (layout->source, "claims") == 0)
    day->setting = g_strdup ("outpatient");

  dates = child (month_node, layout->date_list);
  if (dates == NULL)
    dates = child (month_node, "DiDateInfs");
  for (xmlNodePtr c = dates != NULL ? dates->children : NULL; c != NULL; c = c->next)
    if ((is_element (c, layout->date_inf) || is_element (c, "DiDateInf"))
        && !read_day (reader, layout, day, month, c))
      return FALSE;
  return TRUE;
}

/* Reads every kind of medication row under MessageBody; TRUE with
 * *out_found FALSE when there is none. */
static gboolean
read_medication (Reader     *reader,
                 xmlNodePtr  body,
                 gboolean   *out_found)
{
  *out_found = FALSE;
  for (guint k = 0; k < G_N_ELEMENTS (layouts); k++)
    {
      const Layout *layout = &layouts[k];

      for (xmlNodePtr c = body != NULL ? body->children : NULL; c != NULL; c = c->next)
        {
          /* The twins stand in their container; a file that leaves the
           * container out is read too. */
          if (layout->container != NULL && is_element (c, layout->container))
            {
              *out_found = TRUE;
              for (xmlNodePtr m = c->children; m != NULL; m = m->next)
                if (is_element (m, layout->month) && !read_month (reader, layout, m))
                  return FALSE;
            }
          else if (is_element (c, layout->month))
            {
              *out_found = TRUE;
              if (!read_month (reader, layout, c))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* ---- 特定健診情報 ---------------------------------------------------------- */

static gboolean
item_code_ok (const char *code)
{
  if (code == NULL || strlen (code) != 17)
    return FALSE;
  for (guint i = 0; i < 17; i++)
    if (!g_ascii_isalnum (code[i]))
      return FALSE;
  return TRUE;
}

static gboolean
read_item (Reader       *reader,
           TechoCheckup *checkup,
           xmlNodePtr    node)
{
  g_autoptr(TechoItem) item = techo_item_new ();
  g_autofree char *type = NULL, *value = NULL, *unit = NULL, *oid = NULL, *display = NULL;
  const TechoAnalyte *analyte;

  if (checkup->items->len >= TECHO_MHLW_MAX_ITEMS)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("A checkup in the file has more than %d items."), TECHO_MHLW_MAX_ITEMS);
      return FALSE;
    }
  if (!field (reader, node, "ItemCode", NULL, &item->code)
      || !field (reader, node, "ItemName", NULL, &item->name)
      || !field (reader, node, "DataType", NULL, &type)
      || !field (reader, node, "DataValue", NULL, &value)
      || !field (reader, node, "Unit", NULL, &unit)
      || !field (reader, node, "Oid", NULL, &oid)
      || !field (reader, node, "DataValueName", NULL, &display))
    return FALSE;
  if (!item_code_ok (item->code))
    {
      xmlNodePtr code_node = child (node, "ItemCode");

      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<ItemCode> on line %ld is not a 17-character checkup item code: “%s”."),
                   line_of (code_node != NULL ? code_node : node),
                   item->code != NULL ? item->code : "");
      return FALSE;
    }

  analyte = techo_reference_analyte_for_code (item->code);
  if (item->name == NULL && analyte != NULL)
    item->name = g_strdup (analyte->name_ja);
  if (g_strcmp0 (type, "PQ") == 0)
    item->type = TECHO_VALUE_PQ;
  else if (g_strcmp0 (type, "CD") == 0)
    item->type = TECHO_VALUE_CD;
  else if (g_strcmp0 (type, "CO") == 0)
    item->type = TECHO_VALUE_CO;
  else if (g_strcmp0 (type, "ST") == 0)
    item->type = TECHO_VALUE_ST;
  else if (type == NULL)
    item->type = analyte != NULL ? analyte->value_type : TECHO_VALUE_ST;
  else
    {
      xmlNodePtr type_node = child (node, "DataType");

      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<DataType> on line %ld is “%s”; PQ, CD, CO or ST was expected."),
                   line_of (type_node), type);
      return FALSE;
    }

  item->value = g_steal_pointer (&value);
  switch (item->type)
    {
    case TECHO_VALUE_PQ:
      item->unit = g_steal_pointer (&unit);
      break;
    case TECHO_VALUE_CD:
    case TECHO_VALUE_CO:
      item->value_system = oid != NULL ? g_steal_pointer (&oid)
                           : g_strdup (analyte != NULL ? analyte->value_system : NULL);
      item->display = display != NULL ? g_steal_pointer (&display)
                      : g_strdup (techo_reference_item_value_display (item->code, item->value));
      break;
    case TECHO_VALUE_ST:
    default:
      break;
    }
  /* No value: the item was not performed (or not answered). */
  item->not_performed = item->value == NULL;
  g_ptr_array_add (checkup->items, g_steal_pointer (&item));
  return TRUE;
}

static gboolean
read_checkup (Reader     *reader,
              xmlNodePtr  node)
{
  g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
  g_autofree char *base = NULL;
  xmlNodePtr list;

  if (reader->result->checkups->len >= TECHO_MHLW_MAX_CHECKUPS)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("The file has more than %d checkups."), TECHO_MHLW_MAX_CHECKUPS);
      return FALSE;
    }
  if (!date_field (reader, node, "EffectiveTime", NULL, FALSE, &checkup->performed_on))
    return FALSE;
  if (checkup->performed_on == NULL)
    {
      g_set_error (reader->error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("<SpecificHealthCheckupInfo> on line %ld has no <EffectiveTime> (the "
                     "date of the checkup)."), line_of (node));
      return FALSE;
    }
  /* 特定健診 (kind 010), reported as a checkup result (10). */
  checkup->kind = g_strdup ("010");
  checkup->report_kind = g_strdup ("10");
  checkup->revision = 1;

  list = child (node, "HealthCheckupResultAndQuestionInfos");
  for (xmlNodePtr c = list != NULL ? list->children : node->children; c != NULL; c = c->next)
    if (is_element (c, "HealthCheckupResultAndQuestionInfo") && !read_item (reader, checkup, c))
      return FALSE;

  base = g_strjoin ("\x1f", "checkup", checkup->kind, checkup->performed_on, NULL);
  checkup->id = stable_id (reader, base);
  g_ptr_array_add (reader->result->checkups, g_steal_pointer (&checkup));
  return TRUE;
}

/* Every SpecificHealthCheckupInfo anywhere under @node (the layout's
 * //SpecificHealthCheckupInfo). The depth is already capped. */
static gboolean
read_checkups (Reader     *reader,
               xmlNodePtr  node,
               gboolean   *found)
{
  for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
    {
      if (c->type != XML_ELEMENT_NODE)
        continue;
      if (is_element (c, "SpecificHealthCheckupInfo"))
        {
          *found = TRUE;
          if (!read_checkup (reader, c))
            return FALSE;
        }
      else if (!read_checkups (reader, c, found))
        return FALSE;
    }
  return TRUE;
}

/* ---- the file ------------------------------------------------------------ */

/* The first bytes after a BOM, whitespace and the XML declaration or
 * comments start with <XmlMsg (ASCII is the same in CP932 and UTF-8). */
gboolean
techo_mhlw_sniff (const char *data,
                  gsize       length)
{
  const char *s = data, *end;

  if (data == NULL)
    return FALSE;
  end = data + MIN (length, 4096);
  if (end - s >= 3 && memcmp (s, "\xEF\xBB\xBF", 3) == 0)
    s += 3;
  while (s < end)
    {
      while (s < end && g_ascii_isspace (*s))
        s++;
      if (end - s >= 2 && (memcmp (s, "<?", 2) == 0 || memcmp (s, "<!--", MIN (4, end - s)) == 0))
        {
          const char *close = memchr (s, '>', end - s);

          if (close == NULL)
            return FALSE;
          s = close + 1;
          continue;
        }
      return end - s >= 7 && memcmp (s, "<XmlMsg", 7) == 0
             && (end - s == 7 || !g_ascii_isalnum (s[7]));
    }
  return FALSE;
}

/* UTF-8 as is (BOM dropped), else CP932, else Shift_JIS. The XML
 * declaration is blanked out (same length, so lines keep their numbers):
 * what it says of the encoding is no longer true. */
static char *
decode (const char  *data,
        gsize        length,
        gsize       *out_length,
        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;
  gsize n = 0;

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_ENCODING,
                   _("The file holds binary data, not XML text."));
      return NULL;
    }
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (g_utf8_validate (data, length, NULL))
    {
      text = g_strndup (data, length);
      n = length;
    }
  else
    {
      text = g_convert (data, length, "UTF-8", "CP932", NULL, &n, &local_error);
      if (text == NULL)
        {
          g_clear_error (&local_error);
          text = g_convert (data, length, "UTF-8", "SHIFT_JIS", NULL, &n, &local_error);
        }
      if (text == NULL)
        {
          g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_ENCODING,
                       _("The file is neither UTF-8 nor Shift_JIS (CP932) text; it may be "
                         "damaged."));
          return NULL;
        }
    }
  if (n >= 5 && memcmp (text, "<?xml", 5) == 0)
    {
      char *close = strstr (text, "?>");

      if (close != NULL)
        for (char *p = text; p < close + 2; p++)
          if (*p != '\n' && *p != '\r')
            *p = ' ';
    }
  *out_length = n;
  return text;
}

/* What we never parse: DOCTYPE and entity declarations, and more tags
 * than the element cap allows. */
static xmlDocPtr
parse (const char  *text,
       gsize        length,
       GError     **error)
{
  g_autofree char *message = NULL;
  int line = 0;
  xmlDocPtr doc;

  if (!xml_problem (techo_xml_precheck (text, length, TECHO_MHLW_MAX_ELEMENTS), NULL, error))
    return NULL;
  doc = techo_xml_parse (text, length, "portal.xml", &line, &message);
  if (doc == NULL)
    g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_MALFORMED,
                 _("The file is not well-formed XML (line %d: %s)."), line, message);
  return doc;
}

static TechoMhlwResult *
read_document (xmlDocPtr   doc,
               GError    **error)
{
  g_autoptr(TechoMhlwResult) result = g_new0 (TechoMhlwResult, 1);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  xmlNodePtr root = xmlDocGetRootElement (doc);
  xmlNodePtr header = child (root, "MessageHeader");
  xmlNodePtr body = child (root, "MessageBody");
  gboolean medication = FALSE, checkups = FALSE;
  Reader reader = { NULL, NULL, error };

  if (!is_element (root, "XmlMsg"))
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_NOT_PORTAL,
                   _("This is not a マイナポータル 薬剤情報 or 特定健診情報 XML file (its root "
                     "element is <%s>, not <XmlMsg>)."),
                   root != NULL ? (const char *) root->name : "");
      return NULL;
    }
  result->person = techo_profile_new ();
  result->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  result->checkups = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  reader.result = result;
  reader.seen = seen;

  if (!read_person (&reader, header)
      || !read_medication (&reader, body, &medication)
      || !read_checkups (&reader, root, &checkups))
    return NULL;

  if (medication && checkups)
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID,
                   _("The file holds both 薬剤情報 and 特定健診情報; Techo expects one kind "
                     "per file."));
      return NULL;
    }
  if (medication || child (header, "QuaInf") != NULL)
    result->kind = TECHO_MHLW_KIND_MEDICATION;
  else if (checkups || child (header, "QualificationsInfo") != NULL)
    result->kind = TECHO_MHLW_KIND_CHECKUP;
  else
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_NOT_PORTAL,
                   _("The <XmlMsg> file holds neither 薬剤情報 (MeTrMonthInf, CzDiInf, "
                     "ShPrInf) nor 特定健診情報 (SpecificHealthCheckupInfo)."));
      return NULL;
    }
  return g_steal_pointer (&result);
}

TechoMhlwResult *
techo_mhlw_read (const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autofree char *text = NULL;
  TechoMhlwResult *result;
  xmlDocPtr doc;
  TechoXmlProblem tree;
  xmlNodePtr where = NULL;
  gsize text_length = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > TECHO_MHLW_MAX_SIZE)
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE,
                   _("The file is larger than %d MiB."), TECHO_MHLW_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (length == 0)
    {
      g_set_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_MALFORMED, _("The file is empty."));
      return NULL;
    }
  text = decode (data, length, &text_length, error);
  if (text == NULL)
    return NULL;
  doc = parse (text, text_length, error);
  if (doc == NULL)
    return NULL;
  tree = techo_xml_check_tree (doc, TECHO_MHLW_MAX_DEPTH, TECHO_MHLW_MAX_ELEMENTS, &where);
  if (!xml_problem (tree, where, error))
    {
      xmlFreeDoc (doc);
      return NULL;
    }
  result = read_document (doc, error);
  xmlFreeDoc (doc);
  return result;
}
