/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-cda"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "techo-cda.h"
#include "techo-cda-private.h"
#include "techo-xml-private.h"
#include "techo-reference.h"

/* Longest attribute or text we keep from one value; longer is refused. */
#define MAX_VALUE_LENGTH 4096
/* Nested groups (entryRelationship) deeper than this are refused. */
#define MAX_GROUP_DEPTH 8

G_DEFINE_QUARK (techo-cda-error-quark, techo_cda_error)

typedef struct
{
  TechoCheckup *checkup;
  GError **error;
} Reader;

/* The HL7 codes of ObservationInterpretation a laboratory writes as a
 * coded value beside the number, when it gives no interpretationCode. */
static const char *const interpretation_codes[] = {
  "H", "L", "N", "A", "HH", "LL", "AA", "<", ">", "HU", "LU", NULL
};

static gboolean
is_hl7 (xmlNodePtr  node,
        const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE && node->ns != NULL
         && node->ns->href != NULL
         && strcmp ((const char *) node->ns->href, TECHO_CDA_NS_HL7) == 0
         && strcmp ((const char *) node->name, name) == 0;
}

/* The first HL7 child element called @name. */
static xmlNodePtr
child (xmlNodePtr  node,
       const char *name)
{
  for (xmlNodePtr c = node != NULL ? node->children : NULL; c != NULL; c = c->next)
    if (is_hl7 (c, name))
      return c;
  return NULL;
}

/* child (child (…)) along a path of names separated by '/'. */
static xmlNodePtr
path (xmlNodePtr  node,
      const char *names)
{
  g_auto(GStrv) parts = g_strsplit (names, "/", -1);

  for (guint i = 0; node != NULL && parts[i] != NULL; i++)
    node = child (node, parts[i]);
  return node;
}

/* An attribute as a new string; NULL when absent or empty. */
static char *
attr (xmlNodePtr  node,
      const char *name)
{
  xmlChar *value;
  char *copy = NULL;

  if (node == NULL)
    return NULL;
  value = xmlGetNoNsProp (node, (const xmlChar *) name);
  if (value != NULL && *value != '\0')
    copy = g_strstrip (g_strdup ((const char *) value));
  xmlFree (value);
  if (copy != NULL && *copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

static gboolean
attr_is (xmlNodePtr  node,
         const char *name,
         const char *expected)
{
  g_autofree char *value = attr (node, name);

  return g_strcmp0 (value, expected) == 0;
}

static char *
text (xmlNodePtr node)
{
  xmlChar *content;
  char *copy = NULL;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  if (content != NULL)
    copy = g_strstrip (g_strdup ((const char *) content));
  xmlFree (content);
  if (copy != NULL && *copy == '\0')
    g_clear_pointer (&copy, g_free);
  return copy;
}

/* "20250615" or "20250615093000+0900" → "2025-06-15"; NULL otherwise. */
static char *
iso_date (const char *hl7)
{
  guint year, month, day;

  if (hl7 == NULL || strlen (hl7) < 8)
    return NULL;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isdigit (hl7[i]))
      return NULL;
  year = (hl7[0] - '0') * 1000 + (hl7[1] - '0') * 100 + (hl7[2] - '0') * 10 + (hl7[3] - '0');
  month = (hl7[4] - '0') * 10 + (hl7[5] - '0');
  day = (hl7[6] - '0') * 10 + (hl7[7] - '0');
  if (year < 1800 || !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

static char *
date_of (xmlNodePtr node)
{
  g_autofree char *value = attr (node, "value");

  return iso_date (value);
}

static gboolean
too_long (const char *value)
{
  return value != NULL && strlen (value) > MAX_VALUE_LENGTH;
}

/* Reads the value element into @item. FALSE (without error) when the
 * value is of a kind Techo does not keep. */
static gboolean
read_value (xmlNodePtr  value,
            TechoItem  *item)
{
  xmlChar *raw_type = xmlGetNsProp (value, (const xmlChar *) "type",
                                    (const xmlChar *) TECHO_CDA_NS_XSI);
  g_autofree char *type = NULL;
  const char *local;
  g_autofree char *null_flavor = attr (value, "nullFlavor");

  if (raw_type != NULL)
    type = g_strdup ((const char *) raw_type);
  xmlFree (raw_type);
  /* "xsi:type" may carry an HL7 prefix of its own, as in "hl7:PQ". */
  local = type != NULL && strchr (type, ':') != NULL ? strchr (type, ':') + 1 : type;
  /* Without a type, the attributes tell: a quantity has a value, a code
   * has a code, text has neither. */
  if (local == NULL)
    {
      if (xmlHasProp (value, (const xmlChar *) "value"))
        local = "PQ";
      else if (xmlHasProp (value, (const xmlChar *) "code"))
        local = item->type == TECHO_VALUE_CD ? "CD" : "CO";
      else
        local = "ST";
    }

  if (g_strcmp0 (local, "PQ") == 0 || g_strcmp0 (local, "INT") == 0
      || g_strcmp0 (local, "REAL") == 0)
    {
      item->type = TECHO_VALUE_PQ;
      item->value = attr (value, "value");
      item->unit = attr (value, "unit");
    }
  else if (g_strcmp0 (local, "CO") == 0 || g_strcmp0 (local, "CD") == 0
           || g_strcmp0 (local, "CV") == 0 || g_strcmp0 (local, "CE") == 0)
    {
      g_autofree char *system = attr (value, "codeSystem");

      item->type = g_strcmp0 (local, "CO") == 0 ? TECHO_VALUE_CO : TECHO_VALUE_CD;
      item->value = attr (value, "code");
      item->value_system = g_strdup (system);
      item->display = attr (value, "displayName");
      if (item->display == NULL)
        item->display = g_strdup (techo_reference_item_value_display (item->code, item->value));
    }
  else if (g_strcmp0 (local, "ST") == 0 || g_strcmp0 (local, "ED") == 0)
    {
      item->type = TECHO_VALUE_ST;
      item->value = text (value);
    }
  else
    {
      g_debug ("Skipping item %s: value type %s", item->code, local != NULL ? local : "(none)");
      return FALSE;
    }

  /* nullFlavor says why there is no value (NI no information, UNK
   * unknown, NA not applicable …): kept as such, which is not the same as
   * "not performed" (negationInd). */
  if (null_flavor != NULL)
    {
      g_clear_pointer (&item->value, g_free);
      item->null_flavor = g_steal_pointer (&null_flavor);
    }
  else if (item->value == NULL)
    item->not_performed = TRUE;
  return TRUE;
}

/* One further <value> as a line of other_values: TYPE, value, and the unit
 * (a quantity) or code system and words (a code), tab-separated. */
static void
append_other_value (GString    *out,
                    xmlNodePtr  value,
                    TechoItem  *item)
{
  g_autoptr(TechoItem) other = techo_item_new ();

  other->code = g_strdup (item->code);
  other->type = item->type;
  if (!read_value (value, other))
    return;
  if (out->len > 0)
    g_string_append_c (out, '\n');
  g_string_append_printf (out, "%s\t%s", techo_value_type_to_string (other->type),
                          other->value != NULL ? other->value
                          : other->null_flavor != NULL ? other->null_flavor : "");
  if (other->type == TECHO_VALUE_PQ)
    g_string_append_printf (out, "\t%s", other->unit != NULL ? other->unit : "");
  else if (other->type != TECHO_VALUE_ST)
    g_string_append_printf (out, "\t%s\t%s", other->value_system != NULL ? other->value_system : "",
                            other->display != NULL ? other->display : "");
  /* A coded H or L beside the number is the laboratory's own flag. */
  if (item->interpretation == NULL && other->type != TECHO_VALUE_PQ && other->value != NULL
      && (g_strcmp0 (other->value_system, TECHO_CDA_OID_INTERPRETATION) == 0
          || g_strv_contains (interpretation_codes, other->value)))
    item->interpretation = g_strdup (other->value);
}

/* referenceRange/observationRange: "low-high unit", or its text. */
static char *
read_range (xmlNodePtr observation)
{
  xmlNodePtr range = path (observation, "referenceRange/observationRange");
  xmlNodePtr value = child (range, "value");
  g_autofree char *low = attr (child (value, "low"), "value");
  g_autofree char *high = attr (child (value, "high"), "value");
  g_autofree char *unit = attr (child (value, "low"), "unit");

  if (range == NULL)
    return NULL;
  if (unit == NULL)
    unit = attr (child (value, "high"), "unit");
  if (low != NULL || high != NULL)
    return g_strdup_printf ("%s-%s%s%s", low != NULL ? low : "", high != NULL ? high : "",
                            unit != NULL ? " " : "", unit != NULL ? unit : "");
  return text (child (range, "text"));
}

static gboolean read_observation (Reader *reader, xmlNodePtr observation, guint depth);

/* A <value> that is a number: xsi:type PQ, INT or REAL, or untyped with a
 * value attribute and no code. */
static gboolean
is_quantity (xmlNodePtr value)
{
  xmlChar *raw = xmlGetNsProp (value, (const xmlChar *) "type",
                               (const xmlChar *) TECHO_CDA_NS_XSI);
  const char *type = (const char *) raw;
  const char *local;
  gboolean quantity;

  if (type == NULL)
    return xmlHasProp (value, (const xmlChar *) "value") != NULL
           && xmlHasProp (value, (const xmlChar *) "code") == NULL;
  local = strchr (type, ':') != NULL ? strchr (type, ':') + 1 : type;
  quantity = strcmp (local, "PQ") == 0 || strcmp (local, "INT") == 0
             || strcmp (local, "REAL") == 0;
  xmlFree (raw);
  return quantity;
}

static gboolean
read_relationships (Reader     *reader,
                    xmlNodePtr  observation,
                    guint       depth)
{
  for (xmlNodePtr c = observation->children; c != NULL; c = c->next)
    {
      xmlNodePtr inner;

      if (!is_hl7 (c, "entryRelationship"))
        continue;
      inner = child (c, "observation");
      if (inner != NULL && !read_observation (reader, inner, depth + 1))
        return FALSE;
    }
  return TRUE;
}

/* Adds the observation's own item, if it has one. */
static gboolean
read_item (Reader     *reader,
           xmlNodePtr  observation)
{
  xmlNodePtr code = child (observation, "code");
  xmlNodePtr value = NULL;
  g_autoptr(TechoItem) item = NULL;
  g_autoptr(GString) others = g_string_new (NULL);
  g_autofree char *item_code = attr (code, "code");
  g_autofree char *system = attr (code, "codeSystem");
  gboolean negated = attr_is (observation, "negationInd", "true");
  const TechoAnalyte *analyte;

  /* The value is the first quantity; a first coded or text value when
   * there is no quantity. Every other <value> is kept beside it. */
  for (xmlNodePtr c = observation->children; c != NULL; c = c->next)
    if (is_hl7 (c, "value"))
      {
        if (value == NULL)
          value = c;
        if (is_quantity (c))
          {
            value = c;
            break;
          }
      }

  /* A group's own observation carries no value; its items follow. */
  if (item_code == NULL || (system != NULL && strcmp (system, TECHO_OID_CHECKUP_ITEM) != 0))
    return TRUE;
  if (value == NULL && !negated)
    return TRUE;
  if (strlen (item_code) > 64)
    {
      g_set_error (reader->error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup file has an item code that is too long."));
      return FALSE;
    }
  if (reader->checkup->items->len >= TECHO_CDA_MAX_ITEMS)
    {
      g_set_error (reader->error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup file has more than %d items."), TECHO_CDA_MAX_ITEMS);
      return FALSE;
    }

  analyte = techo_reference_analyte_for_code (item_code);
  item = techo_item_new ();
  item->code = g_steal_pointer (&item_code);
  item->name = attr (code, "displayName");
  if (item->name == NULL && analyte != NULL)
    item->name = g_strdup (analyte->name_ja);
  item->type = analyte != NULL ? analyte->value_type : TECHO_VALUE_ST;

  if (negated)
    {
      item->not_performed = TRUE;
      if (analyte != NULL && analyte->value_system != NULL)
        item->value_system = g_strdup (analyte->value_system);
    }
  else if (!read_value (value, item))
    return TRUE;
  else
    {
      guint n_values = 0;

      for (xmlNodePtr c = observation->children; c != NULL; c = c->next)
        if (is_hl7 (c, "value") && c != value && ++n_values <= 8)
          append_other_value (others, c, item);
      if (others->len > 0)
        item->other_values = g_strdup (others->str);
    }
  {
    g_autofree char *interpretation = attr (child (observation, "interpretationCode"), "code");

    if (interpretation != NULL)
      {
        g_free (item->interpretation);
        item->interpretation = g_steal_pointer (&interpretation);
      }
  }
  item->reference_range = read_range (observation);
  item->method_code = attr (child (observation, "methodCode"), "code");

  if (too_long (item->name) || too_long (item->value) || too_long (item->unit)
      || too_long (item->value_system) || too_long (item->display)
      || too_long (item->null_flavor) || too_long (item->interpretation)
      || too_long (item->reference_range) || too_long (item->method_code)
      || too_long (item->other_values))
    {
      g_set_error (reader->error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup file has a value longer than %d characters (item %s)."),
                   MAX_VALUE_LENGTH, item->code);
      return FALSE;
    }
  g_ptr_array_add (reader->checkup->items, g_steal_pointer (&item));
  return TRUE;
}

static gboolean
read_observation (Reader     *reader,
                  xmlNodePtr  observation,
                  guint       depth)
{
  if (depth > MAX_GROUP_DEPTH)
    {
      g_set_error (reader->error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup file nests item groups more than %d levels deep."),
                   MAX_GROUP_DEPTH);
      return FALSE;
    }
  return read_item (reader, observation) && read_relationships (reader, observation, depth);
}

static gboolean
read_body (Reader     *reader,
           xmlNodePtr  root)
{
  xmlNodePtr body = path (root, "component/structuredBody");

  if (body == NULL)
    {
      g_set_error (reader->error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup file has no results: it has no structured body."));
      return FALSE;
    }
  for (xmlNodePtr component = body->children; component != NULL; component = component->next)
    {
      xmlNodePtr section = child (component, "section");

      if (!is_hl7 (component, "component") || section == NULL)
        continue;
      for (xmlNodePtr entry = section->children; entry != NULL; entry = entry->next)
        {
          xmlNodePtr observation = child (entry, "observation");

          /* An organizer may also hold a group's observations. */
          if (observation == NULL && child (entry, "organizer") != NULL)
            {
              for (xmlNodePtr c = child (entry, "organizer")->children; c != NULL; c = c->next)
                if (is_hl7 (c, "component") && child (c, "observation") != NULL
                    && !read_observation (reader, child (c, "observation"), 1))
                  return FALSE;
              continue;
            }
          if (is_hl7 (entry, "entry") && observation != NULL
              && !read_observation (reader, observation, 0))
            return FALSE;
        }
    }
  return TRUE;
}

static TechoProfile *
read_patient (xmlNodePtr root)
{
  xmlNodePtr role = path (root, "recordTarget/patientRole");
  xmlNodePtr person = child (role, "patient");
  g_autoptr(TechoProfile) patient = techo_profile_new ();
  g_autofree char *gender = NULL;

  for (xmlNodePtr c = role != NULL ? role->children : NULL; c != NULL; c = c->next)
    if (is_hl7 (c, "id") && attr_is (c, "root", TECHO_OID_INSURER_NUMBER)
        && patient->insurer_number == NULL)
      patient->insurer_number = attr (c, "extension");

  for (xmlNodePtr c = person != NULL ? person->children : NULL; c != NULL; c = c->next)
    {
      g_autofree char *use = NULL;

      if (!is_hl7 (c, "name"))
        continue;
      use = attr (c, "use");
      if (use != NULL && strstr (use, "IDE") != NULL && patient->name == NULL)
        patient->name = text (c);
      else if ((use == NULL || strstr (use, "SYL") != NULL) && patient->name_kana == NULL)
        patient->name_kana = text (c);
    }
  gender = attr (child (person, "administrativeGenderCode"), "code");
  if (g_strcmp0 (gender, "1") == 0)
    patient->sex = g_strdup ("male");
  else if (g_strcmp0 (gender, "2") == 0)
    patient->sex = g_strdup ("female");
  patient->birth_date = date_of (child (person, "birthTime"));

  if (too_long (patient->name) || too_long (patient->name_kana)
      || too_long (patient->insurer_number))
    return NULL;
  return g_steal_pointer (&patient);
}

/* The error for what techo_xml_precheck or _check_tree found. */
static gboolean
xml_problem (TechoXmlProblem   problem,
             GError          **error)
{
  switch (problem)
    {
    case TECHO_XML_OK:
      return TRUE;
    case TECHO_XML_TOO_MANY:
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup file has more than %d elements."), TECHO_CDA_MAX_ELEMENTS);
      break;
    case TECHO_XML_TOO_DEEP:
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup file is nested more than %d levels deep."),
                   TECHO_CDA_MAX_DEPTH);
      break;
    case TECHO_XML_DOCTYPE:
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_FORBIDDEN,
                   _("The checkup file declares a DOCTYPE or entities, which Techo does not accept."));
      break;
    case TECHO_XML_ENTITIES:
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_FORBIDDEN,
                   _("The checkup file uses XML entities, which Techo does not accept."));
      break;
    }
  return FALSE;
}

/* Refuses, before libxml2 sees a byte, what we never parse: over-size
 * input, NUL bytes (UTF-16 and binary), invalid UTF-8, DOCTYPE and entity
 * declarations, and more tags than the element cap allows. */
static gboolean
precheck (const char  *data,
          gsize        length,
          GError     **error)
{

  if (length > TECHO_CDA_MAX_SIZE)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE,
                   _("The checkup file is larger than %d MiB."),
                   TECHO_CDA_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }
  if (length == 0)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_MALFORMED,
                   _("The checkup file is empty."));
      return FALSE;
    }
  if (memchr (data, '\0', length) != NULL || !g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_FORBIDDEN,
                   _("The checkup file is not UTF-8 text."));
      return FALSE;
    }
  return xml_problem (techo_xml_precheck (data, length, TECHO_CDA_MAX_ELEMENTS), error);
}

static xmlDocPtr
parse (const char  *data,
       gsize        length,
       GError     **error)
{
  g_autofree char *message = NULL;
  int line = 0;
  xmlDocPtr doc = techo_xml_parse (data, length, "checkup.xml", &line, &message);

  if (doc == NULL)
    g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_MALFORMED,
                 _("The checkup file is not well-formed XML (line %d)."), line);
  return doc;
}

/* The exam date: effectiveTime@value; a file that gives only a period
 * (low/high) has its date taken from low (else high), and says so. */
static char *
exam_date (xmlNodePtr  time,
           GPtrArray  *notes)
{
  char *date = date_of (time);

  if (date != NULL || time == NULL)
    return date;
  date = date_of (child (time, "low"));
  if (date != NULL)
    {
      g_ptr_array_add (notes, g_strdup (_("The file gives the checkup a period, not a day: "
                                          "the exam date was taken from effectiveTime/low.")));
      return date;
    }
  date = date_of (child (time, "high"));
  if (date != NULL)
    g_ptr_array_add (notes, g_strdup (_("The file gives the checkup only an end: the exam "
                                        "date was taken from effectiveTime/high.")));
  return date;
}

static char *
person_name (xmlNodePtr person)
{
  g_autoptr(GString) name = g_string_new (NULL);
  xmlNodePtr n = child (person, "name");

  if (n == NULL)
    return NULL;
  /* family and given, or the name as one text */
  for (xmlNodePtr c = n->children; c != NULL; c = c->next)
    if (is_hl7 (c, "family") || is_hl7 (c, "given"))
      {
        g_autofree char *part = text (c);

        if (part != NULL)
          g_string_append_printf (name, "%s%s", name->len > 0 ? " " : "", part);
      }
  if (name->len > 0)
    return g_string_free (g_steal_pointer (&name), FALSE);
  return text (n);
}

TechoCheckup *
techo_cda_read_checkup (const char    *data,
                        gsize          length,
                        TechoProfile **out_patient,
                        GError       **error)
{
  return techo_cda_read (data, length, out_patient, NULL, error);
}

TechoCheckup *
techo_cda_read (const char    *data,
                gsize          length,
                TechoProfile **out_patient,
                GPtrArray    **out_notes,
                GError       **error)
{
  return techo_cda_read_full (data, length, TECHO_CDA_READ_NONE, out_patient, out_notes, error);
}

gboolean
techo_cda_is_guidance (const TechoCheckup *checkup)
{
  return checkup != NULL && checkup->report_kind != NULL && checkup->report_kind[0] == '2';
}

TechoCheckup *
techo_cda_read_full (const char        *data,
                     gsize              length,
                     TechoCdaReadFlags  flags,
                     TechoProfile     **out_patient,
                     GPtrArray        **out_notes,
                     GError           **error)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  xmlNodePtr role;
  g_autoptr(TechoCheckup) checkup = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  xmlDocPtr doc;
  xmlNodePtr root, org;
  Reader reader;
  gboolean ok;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!precheck (data, length, error))
    return NULL;
  doc = parse (data, length, error);
  if (doc == NULL)
    return NULL;

  if (!xml_problem (techo_xml_check_tree (doc, TECHO_CDA_MAX_DEPTH, TECHO_CDA_MAX_ELEMENTS, NULL),
                    error))
    {
      xmlFreeDoc (doc);
      return NULL;
    }

  root = xmlDocGetRootElement (doc);
  if (!is_hl7 (root, "ClinicalDocument"))
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_NOT_CHECKUP,
                   _("This is not an HL7 CDA checkup file."));
      xmlFreeDoc (doc);
      return NULL;
    }

  checkup = techo_checkup_new ();
  checkup->id = attr (child (root, "id"), "extension");
  checkup->report_kind = attr (child (root, "code"), "code");
  /* Report kind 2x is a 特定保健指導 (health guidance) report (hg08):
   * the plan and support given, not checkup results. Read (as a guidance
   * record, its observations as items) only when asked for. */
  if (techo_cda_is_guidance (checkup) && (flags & TECHO_CDA_READ_GUIDANCE) == 0)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_NOT_CHECKUP,
                   _("This is a health guidance report (特定保健指導, report kind %s), not "
                     "checkup results; Techo does not keep guidance reports, so nothing "
                     "was imported from it."), checkup->report_kind);
      xmlFreeDoc (doc);
      return NULL;
    }
  checkup->kind = attr (path (root, "documentationOf/serviceEvent/code"), "code");
  checkup->performed_on = exam_date (path (root, "documentationOf/serviceEvent/effectiveTime"),
                                     notes);
  if (checkup->performed_on == NULL)
    checkup->performed_on = date_of (child (root, "effectiveTime"));
  checkup->doctor_name = person_name (path (root, "legalAuthenticator/assignedEntity/"
                                                  "assignedPerson"));
  if (checkup->doctor_name == NULL)
    checkup->doctor_name = person_name (path (root, "author/assignedAuthor/assignedPerson"));
  role = path (root, "recordTarget/patientRole");
  for (xmlNodePtr c = role != NULL ? role->children : NULL; c != NULL; c = c->next)
    {
      if (!is_hl7 (c, "id"))
        continue;
      if (attr_is (c, "root", TECHO_OID_INSURED_SYMBOL) && checkup->insurer_symbol == NULL)
        checkup->insurer_symbol = attr (c, "extension");
      else if (attr_is (c, "root", TECHO_OID_INSURED_NUMBER)
               && checkup->insurer_card_number == NULL)
        checkup->insurer_card_number = attr (c, "extension");
    }
  checkup->patient_address = text (child (role, "addr"));
  if (checkup->patient_address != NULL)
    {
      /* The parts of an address, one space apart. */
      g_auto(GStrv) parts = g_strsplit_set (checkup->patient_address, " \t\r\n", -1);
      g_autoptr(GString) joined = g_string_new (NULL);

      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0')
          g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "", parts[i]);
      g_free (checkup->patient_address);
      checkup->patient_address = g_string_free (g_steal_pointer (&joined), FALSE);
    }
  org = path (root, "author/assignedAuthor/representedOrganization");
  for (xmlNodePtr c = org != NULL ? org->children : NULL; c != NULL; c = c->next)
    if (is_hl7 (c, "id") && attr_is (c, "root", TECHO_OID_INSTITUTION)
        && checkup->institution_code == NULL)
      checkup->institution_code = attr (c, "extension");
  checkup->institution_name = text (child (org, "name"));

  if (checkup->performed_on == NULL)
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup file has no valid date of the checkup."));
      xmlFreeDoc (doc);
      return NULL;
    }
  if (too_long (checkup->id) || too_long (checkup->report_kind) || too_long (checkup->kind)
      || too_long (checkup->institution_code) || too_long (checkup->institution_name)
      || too_long (checkup->doctor_name) || too_long (checkup->insurer_symbol)
      || too_long (checkup->insurer_card_number) || too_long (checkup->patient_address))
    {
      g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                   _("The checkup file has a header value that is too long."));
      xmlFreeDoc (doc);
      return NULL;
    }

  reader.checkup = checkup;
  reader.error = error;
  ok = read_body (&reader, root);
  if (ok && out_patient != NULL)
    {
      patient = read_patient (root);
      if (patient == NULL)
        {
          g_set_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                       _("The checkup file has a patient value that is too long."));
          ok = FALSE;
        }
    }
  xmlFreeDoc (doc);
  if (!ok)
    return NULL;

  if (out_patient != NULL)
    *out_patient = g_steal_pointer (&patient);
  if (out_notes != NULL)
    *out_notes = g_steal_pointer (&notes);
  return g_steal_pointer (&checkup);
}
