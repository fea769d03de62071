/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JAHIS medication notebook reader. The text is decoded to UTF-8 first
 * (CP932 or UTF-8), then split into lines; multi-part data (record 911) is
 * put back in part order; then each line is one CSV record whose first field
 * is the record number. Dispensing groups open at record 5; drug lines (201)
 * take their usage and days from the 301 record of the same RP number. */

#define G_LOG_DOMAIN "techo-jahis"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "techo-jahis.h"

G_DEFINE_QUARK (techo-jahis-error-quark, techo_jahis_error)

#define HEADER_PREFIX "JAHISTC"
#define MAX_VERSION   8
#define MAX_DAYS      3650

/* One line of the logical (joined) text, with its line number in the file. */
typedef struct
{
  const char *text;
  guint number;
} Line;

/* A drug line waiting for the end of its dispensing group. */
typedef struct
{
  TechoDispensing *dispensing;
  char *rp;
  char *line;
} Pending;

typedef struct
{
  char *usage;
  int days;
  char *dosage_form;
} Usage;

typedef struct
{
  TechoJahisResult *result;
  gboolean in_group;
  char *date;
  char *pharmacy_code;
  char *pharmacy_name;
  char *prescriber_code;
  char *prescriber_name;
  char *prescriber_department;
  GPtrArray *pending;        /* of Pending */
  GHashTable *usage_by_rp;   /* RP → Usage */
  GHashTable *seen_ids;      /* id base → times seen */
} Parser;

/* A part of multi-part data: the lines after its 911 record. */
typedef struct
{
  guint number;
  GArray *lines;             /* of Line */
} Part;

static void
pending_free (Pending *p)
{
  techo_dispensing_free (p->dispensing);
  g_free (p->rp);
  g_free (p->line);
  g_free (p);
}

static void
usage_free (Usage *u)
{
  g_free (u->usage);
  g_free (u->dosage_form);
  g_free (u);
}

static void
part_free (Part *part)
{
  g_array_unref (part->lines);
  g_free (part);
}

void
techo_jahis_result_free (TechoJahisResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->patient, techo_profile_free);
  g_clear_pointer (&result->dispensings, g_ptr_array_unref);
  g_free (result);
}

static void
clear_group (Parser *p)
{
  p->in_group = FALSE;
  g_clear_pointer (&p->date, g_free);
  g_clear_pointer (&p->pharmacy_code, g_free);
  g_clear_pointer (&p->pharmacy_name, g_free);
  g_clear_pointer (&p->prescriber_code, g_free);
  g_clear_pointer (&p->prescriber_name, g_free);
  g_clear_pointer (&p->prescriber_department, g_free);
  g_ptr_array_set_size (p->pending, 0);
  g_hash_table_remove_all (p->usage_by_rp);
}

/* NULL for an empty field, so the store holds NULL rather than "". */
static char *
field_dup (GPtrArray *fields,
           guint      index)
{
  const char *value;

  if (index >= fields->len)
    return NULL;
  value = g_ptr_array_index (fields, index);
  return value[0] != '\0' ? g_strdup (value) : NULL;
}

static const char *
field_get (GPtrArray *fields,
           guint      index)
{
  return index < fields->len ? g_ptr_array_index (fields, index) : "";
}

static gboolean
all_digits (const char *text,
            gsize       min_length,
            gsize       max_length)
{
  gsize n = strlen (text);

  if (n < min_length || n > max_length)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

/* YYYYMMDD → YYYY-MM-DD, or NULL when it is not a real date. */
static char *
parse_date (const char *text)
{
  guint year, month, day;

  if (!all_digits (text, 8, 8))
    return NULL;
  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[4] - '0') * 10 + (text[5] - '0');
  day = (text[6] - '0') * 10 + (text[7] - '0');
  if (year < 1900 || !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

/* The 10-digit institution code (prefecture 2 + table 1 + code 7) when
 * all three parts are there, else the code as given. */
static char *
institution_code (GPtrArray *fields,
                  guint      first)
{
  const char *prefecture = field_get (fields, first);
  const char *table = field_get (fields, first + 1);
  const char *code = field_get (fields, first + 2);

  if (code[0] == '\0')
    return NULL;
  if (all_digits (prefecture, 2, 2) && all_digits (table, 1, 1) && all_digits (code, 7, 7))
    return g_strconcat (prefecture, table, code, NULL);
  return g_strdup (code);
}

/* Splits one CSV line into @fields (quoted fields with "" escapes). */
static gboolean
split_fields (const char  *line,
              guint        number,
              GPtrArray   *fields,
              GError     **error)
{
  const char *s = line;

  g_ptr_array_set_size (fields, 0);
  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (fields->len >= TECHO_JAHIS_MAX_FIELDS)
        {
          g_string_free (field, TRUE);
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                       _("Line %u has more than %d fields."), number, TECHO_JAHIS_MAX_FIELDS);
          return FALSE;
        }
      if (*s == '"')
        {
          s++;
          for (;;)
            {
              if (*s == '\0')
                {
                  g_string_free (field, TRUE);
                  g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MALFORMED,
                               _("Line %u: a quoted field is not closed (the line may be cut off)."),
                               number);
                  return FALSE;
                }
              if (*s == '"' && s[1] == '"')
                s++;
              else if (*s == '"')
                break;
              g_string_append_c (field, *s);
              s++;
              if (field->len > TECHO_JAHIS_MAX_FIELD_LENGTH)
                break;
            }
          if (field->len <= TECHO_JAHIS_MAX_FIELD_LENGTH)
            {
              s++; /* the closing quote */
              if (*s != ',' && *s != '\0')
                {
                  g_string_free (field, TRUE);
                  g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MALFORMED,
                               _("Line %u: there is text right after a closing quote."), number);
                  return FALSE;
                }
            }
        }
      else
        {
          const char *end = strchr (s, ',');
          gsize n = end != NULL ? (gsize) (end - s) : strlen (s);

          g_string_append_len (field, s, MIN (n, TECHO_JAHIS_MAX_FIELD_LENGTH + 1));
          s += n;
          /* Spaces around an unquoted field (" 28") are padding. */
          g_strstrip (field->str);
          g_string_set_size (field, strlen (field->str));
        }
      if (field->len > TECHO_JAHIS_MAX_FIELD_LENGTH)
        {
          g_string_free (field, TRUE);
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                       _("Line %u: field %u is longer than %d bytes."),
                       number, fields->len + 1, TECHO_JAHIS_MAX_FIELD_LENGTH);
          return FALSE;
        }
      g_ptr_array_add (fields, g_string_free (field, FALSE));
      if (*s != ',')
        return TRUE;
      s++;
    }
}

/* Decodes @data to UTF-8: BOM stripped, UTF-8 as is, else CP932. */
static char *
decode (const char  *data,
        gsize        length,
        GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *text;

  if (memchr (data, '\0', length) != NULL)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_ENCODING,
                   _("The file holds binary data, not medication notebook text."));
      return NULL;
    }
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (g_utf8_validate (data, length, NULL))
    return g_strndup (data, length);
  text = g_convert (data, length, "UTF-8", "CP932", NULL, NULL, &local_error);
  if (text == NULL)
    {
      g_clear_error (&local_error);
      text = g_convert (data, length, "UTF-8", "SHIFT_JIS", NULL, NULL, &local_error);
    }
  if (text == NULL)
    g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_ENCODING,
                 _("The text is neither UTF-8 nor Shift_JIS (CP932); it may be damaged or "
                   "not a medication notebook file."));
  return text;
}

/* Reads "JAHISTC0n" into @version. */
static gboolean
read_header (const char  *line,
             guint        number,
             guint       *version,
             GError     **error)
{
  const char *digits = line + strlen (HEADER_PREFIX);

  if (!g_ascii_isdigit (digits[0]) || !g_ascii_isdigit (digits[1])
      || (digits[2] != ',' && digits[2] != '\0'))
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                   _("Line %u: the JAHIS header should read JAHISTC01 … JAHISTC08."), number);
      return FALSE;
    }
  *version = (digits[0] - '0') * 10 + (digits[1] - '0');
  if (*version < 1 || *version > MAX_VERSION)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_VERSION,
                   _("This medication notebook file is JAHIS version %u; Techo reads "
                     "versions 1 to %d."), *version, MAX_VERSION);
      return FALSE;
    }
  return TRUE;
}

static int
compare_parts (gconstpointer a,
               gconstpointer b)
{
  const Part *pa = *(Part * const *) a;
  const Part *pb = *(Part * const *) b;

  return (pa->number > pb->number) - (pa->number < pb->number);
}

static gboolean
same_lines (GArray *a,
            GArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    if (g_strcmp0 (g_array_index (a, Line, i).text, g_array_index (b, Line, i).text) != 0)
      return FALSE;
  return TRUE;
}

/* Puts multi-part data back together: each 911 record opens a part; its
 * lines run to the next 911 record. Parts may come in any order; a part
 * read twice with the same content counts once. */
static GArray *
join_parts (GArray     *lines,
            guint      *out_n_parts,
            GError    **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) part_free);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *data_id = NULL;
  g_autoptr(GString) missing = NULL;
  GArray *joined;
  Part *current = NULL;
  guint total = 0, n_missing = 0;

  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);
      guint64 n_total, n_part;

      if (!g_str_has_prefix (line->text, "911,"))
        {
          if (current != NULL)
            g_array_append_val (current->lines, *line);
          else if (line->text[0] != '\0')
            {
              g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MALFORMED,
                           _("Line %u comes before the first part marker (record 911)."),
                           line->number);
              return NULL;
            }
          continue;
        }
      if (!split_fields (line->text, line->number, fields, error))
        return NULL;
      if (fields->len < 4
          || !g_ascii_string_to_unsigned (field_get (fields, 2), 10, 1, TECHO_JAHIS_MAX_PARTS,
                                          &n_total, NULL)
          || !g_ascii_string_to_unsigned (field_get (fields, 3), 10, 1, n_total, &n_part, NULL)
          || field_get (fields, 1)[0] == '\0')
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Line %u: the part marker (record 911) needs a data id, the number "
                         "of parts (1 to %d) and this part's number."),
                       line->number, TECHO_JAHIS_MAX_PARTS);
          return NULL;
        }
      if (data_id == NULL)
        {
          data_id = g_strdup (field_get (fields, 1));
          total = n_total;
        }
      else if (g_strcmp0 (data_id, field_get (fields, 1)) != 0 || total != n_total)
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Line %u: this part belongs to other medication data (data id or "
                         "number of parts differ). Import each receipt on its own."),
                       line->number);
          return NULL;
        }
      current = g_new0 (Part, 1);
      current->number = n_part;
      current->lines = g_array_new (FALSE, FALSE, sizeof (Line));
      g_ptr_array_add (parts, current);
    }

  g_ptr_array_sort (parts, compare_parts);
  for (guint i = 1; i < parts->len;)
    {
      Part *a = g_ptr_array_index (parts, i - 1);
      Part *b = g_ptr_array_index (parts, i);

      if (a->number != b->number)
        {
          i++;
          continue;
        }
      if (!same_lines (a->lines, b->lines))
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Part %u of %u appears twice with different content."),
                       a->number, total);
          return NULL;
        }
      g_ptr_array_remove_index (parts, i);
    }

  missing = g_string_new (NULL);
  for (guint n = 1, i = 0; n <= total; n++)
    {
      if (i < parts->len && ((Part *) g_ptr_array_index (parts, i))->number == n)
        {
          i++;
          continue;
        }
      g_string_append_printf (missing, "%s%u", missing->len > 0 ? ", " : "", n);
      n_missing++;
    }
  if (n_missing > 0)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MISSING_PART,
                   g_dngettext (GETTEXT_PACKAGE,
                                "Part %s of %u of this medication data is missing. Scan every "
                                "QR code of the receipt into one file.",
                                "Parts %s of %u of this medication data are missing. Scan every "
                                "QR code of the receipt into one file.", n_missing),
                   missing->str, total);
      return NULL;
    }

  joined = g_array_new (FALSE, FALSE, sizeof (Line));
  for (guint i = 0; i < parts->len; i++)
    {
      Part *part = g_ptr_array_index (parts, i);

      g_array_append_vals (joined, part->lines->data, part->lines->len);
    }
  *out_n_parts = total;
  return joined;
}

/* Ends the current dispensing group: usage and days by RP, then ids. */
static void
finish_group (Parser *p)
{
  for (guint i = 0; i < p->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (p->pending, i);
      TechoDispensing *d = g_steal_pointer (&pending->dispensing);
      Usage *usage = g_hash_table_lookup (p->usage_by_rp, pending->rp);
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autofree char *base = NULL;
      guint seen;

      if (usage != NULL)
        {
          d->usage = g_strdup (usage->usage);
          d->days = usage->days;
          d->dosage_form = g_strdup (usage->dosage_form);
        }
      d->pharmacy_code = g_strdup (p->pharmacy_code);
      d->pharmacy_name = g_strdup (p->pharmacy_name);
      d->prescriber_code = g_strdup (p->prescriber_code);
      d->prescriber_name = g_strdup (p->prescriber_name);
      d->prescriber_department = g_strdup (p->prescriber_department);

      /* Unit separators keep "ab"+"c" apart from "a"+"bc". */
      base = g_strjoin ("\x1f", p->date,
                        p->pharmacy_code != NULL ? p->pharmacy_code : "",
                        p->pharmacy_name != NULL ? p->pharmacy_name : "",
                        p->prescriber_code != NULL ? p->prescriber_code : "",
                        p->prescriber_name != NULL ? p->prescriber_name : "",
                        pending->rp, pending->line, NULL);
      seen = GPOINTER_TO_UINT (g_hash_table_lookup (p->seen_ids, base));
      g_hash_table_insert (p->seen_ids, g_strdup (base), GUINT_TO_POINTER (seen + 1));
      g_checksum_update (sum, (const guchar *) base, -1);
      if (seen > 0)
        {
          /* The same drug line twice in one RP stays two records. */
          g_autofree char *again = g_strdup_printf ("\x1f%u", seen);

          g_checksum_update (sum, (const guchar *) again, -1);
        }
      d->id = g_strdup_printf ("jahis-%.16s", g_checksum_get_string (sum));
      g_ptr_array_add (p->result->dispensings, d);
    }
  clear_group (p);
}

static gboolean
require_group (Parser      *p,
               const Line  *line,
               guint        record,
               GError     **error)
{
  if (p->in_group)
    return TRUE;
  g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
               _("Line %u: record %u comes before any dispensing date (record 5)."),
               line->number, record);
  return FALSE;
}

static gboolean
read_patient (Parser    *p,
              GPtrArray *fields)
{
  TechoProfile *patient;
  const char *sex = field_get (fields, 2);

  if (p->result->patient != NULL)
    return TRUE;
  patient = techo_profile_new ();
  patient->name = field_dup (fields, 1);
  if (g_strcmp0 (sex, "1") == 0)
    patient->sex = g_strdup ("male");
  else if (g_strcmp0 (sex, "2") == 0)
    patient->sex = g_strdup ("female");
  patient->birth_date = parse_date (field_get (fields, 3));
  patient->name_kana = field_dup (fields, 10);
  p->result->patient = patient;
  return TRUE;
}

static gboolean
read_drug (Parser      *p,
           const Line  *line,
           GPtrArray   *fields,
           GError     **error)
{
  TechoDispensing *d;
  Pending *pending;
  const char *rp = field_get (fields, 1);
  const char *name = field_get (fields, 2);
  const char *dose = field_get (fields, 3);
  const char *kind = field_get (fields, 5);
  const char *code = field_get (fields, 6);
  double quantity = 0;

  if (!require_group (p, line, 201, error))
    return FALSE;
  if (rp[0] == '\0')
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                   _("Line %u: the medicine record has no RP number."), line->number);
      return FALSE;
    }
  if (name[0] == '\0')
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                   _("Line %u: the medicine record has no name."), line->number);
      return FALSE;
    }
  if (dose[0] != '\0')
    {
      char *end = NULL;

      quantity = g_ascii_strtod (dose, &end);
      if (end == dose || *end != '\0' || !(quantity >= 0 && quantity < 1e9))
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Line %u: the amount “%s” of the medicine is not a number."),
                       line->number, dose);
          return FALSE;
        }
    }
  if (p->result->dispensings->len + p->pending->len >= TECHO_JAHIS_MAX_DISPENSINGS)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                   _("The file holds more than %d medicine lines."), TECHO_JAHIS_MAX_DISPENSINGS);
      return FALSE;
    }

  d = techo_dispensing_new ();
  d->revision = 1;
  d->source = g_strdup ("dispensing");
  d->dispensed_on = g_strdup (p->date);
  d->drug_name = g_strdup (name);
  d->quantity = quantity;
  d->unit = field_dup (fields, 4);
  if (code[0] != '\0' && g_strcmp0 (kind, "4") == 0)
    d->yj_code = g_strdup (code);
  else if (code[0] != '\0' && g_strcmp0 (kind, "2") == 0)
    d->receipt_code = g_strdup (code);

  pending = g_new0 (Pending, 1);
  pending->dispensing = d;
  pending->rp = g_strdup (rp);
  pending->line = g_strdup (line->text);
  g_ptr_array_add (p->pending, pending);
  return TRUE;
}

static gboolean
read_usage (Parser      *p,
            const Line  *line,
            GPtrArray   *fields,
            GError     **error)
{
  const char *rp = field_get (fields, 1);
  const char *count = field_get (fields, 3);
  guint64 days = 0;
  Usage *usage;

  if (!require_group (p, line, 301, error))
    return FALSE;
  if (rp[0] == '\0')
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                   _("Line %u: the usage record has no RP number."), line->number);
      return FALSE;
    }
  if (count[0] != '\0' && !g_ascii_string_to_unsigned (count, 10, 0, MAX_DAYS, &days, NULL))
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                   _("Line %u: the number of days “%s” is not a whole number from 0 to %d."),
                   line->number, count, MAX_DAYS);
      return FALSE;
    }
  if (g_hash_table_contains (p->usage_by_rp, rp))
    return TRUE; /* the first usage of an RP counts */
  usage = g_new0 (Usage, 1);
  usage->usage = field_dup (fields, 2);
  usage->days = (int) days;
  usage->dosage_form = field_dup (fields, 5);
  g_hash_table_insert (p->usage_by_rp, g_strdup (rp), usage);
  return TRUE;
}

static gboolean
read_record (Parser      *p,
             const Line  *line,
             GPtrArray   *fields,
             GError     **error)
{
  guint64 record;

  if (!g_ascii_string_to_unsigned (field_get (fields, 0), 10, 1, 999, &record, NULL))
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MALFORMED,
                   _("Line %u is not a JAHIS record (it should start with a record number)."),
                   line->number);
      return FALSE;
    }

  switch (record)
    {
    case 1:
      return read_patient (p, fields);
    case 5:
      {
        g_autofree char *date = parse_date (field_get (fields, 1));

        if (date == NULL)
          {
            g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                         _("Line %u: the dispensing date “%s” is not a date (YYYYMMDD)."),
                         line->number, field_get (fields, 1));
            return FALSE;
          }
        finish_group (p);
        p->in_group = TRUE;
        p->date = g_steal_pointer (&date);
        return TRUE;
      }
    case 11:
      if (!require_group (p, line, record, error))
        return FALSE;
      g_free (p->pharmacy_name);
      g_free (p->pharmacy_code);
      p->pharmacy_name = field_dup (fields, 1);
      p->pharmacy_code = institution_code (fields, 2);
      return TRUE;
    case 51:
      if (!require_group (p, line, record, error))
        return FALSE;
      g_free (p->prescriber_name);
      g_free (p->prescriber_code);
      p->prescriber_name = field_dup (fields, 1);
      p->prescriber_code = institution_code (fields, 2);
      return TRUE;
    case 55:
      /* The doctor's name has no place in a TechoDispensing; only the
       * department is kept. */
      if (!require_group (p, line, record, error))
        return FALSE;
      g_free (p->prescriber_department);
      p->prescriber_department = field_dup (fields, 2);
      return TRUE;
    case 201:
      return read_drug (p, line, fields, error);
    case 301:
      return read_usage (p, line, fields, error);
    default:
      /* Notes, OTC medicines, memos, pharmacist, supplements, cautions:
       * read and left out. */
      p->result->n_skipped++;
      return TRUE;
    }
}

static gboolean
check_line_text (const Line  *line,
                 GError     **error)
{
  for (const char *s = line->text; *s != '\0'; s++)
    if ((guchar) *s < 0x20 && *s != '\t')
      {
        g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MALFORMED,
                     _("Line %u holds control characters; the file may be damaged."),
                     line->number);
        return FALSE;
      }
  return TRUE;
}

TechoJahisResult *
techo_jahis_parse (const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(TechoJahisResult) result = NULL;
  g_autoptr(GArray) lines = NULL;
  g_autoptr(GArray) joined = NULL;
  g_autoptr(GPtrArray) fields = NULL;
  g_autofree char *text = NULL;
  GArray *body;
  Parser p = { 0 };
  guint n_lines = 1, number = 0;
  gboolean have_header = FALSE, ok = TRUE;
  char *s;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* Limits first, on the bytes as given. */
  if (length > TECHO_JAHIS_MAX_SIZE)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                   _("The medication notebook file is larger than %d KiB."),
                   TECHO_JAHIS_MAX_SIZE / 1024);
      return NULL;
    }
  for (gsize i = 0; i < length; i++)
    if (data[i] == '\n' && ++n_lines > TECHO_JAHIS_MAX_LINES)
      {
        g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                     _("The medication notebook file has more than %d lines."),
                     TECHO_JAHIS_MAX_LINES);
        return NULL;
      }

  text = decode (data, length, error);
  if (text == NULL)
    return NULL;

  lines = g_array_new (FALSE, FALSE, sizeof (Line));
  s = text;
  while (s != NULL)
    {
      char *end = strchr (s, '\n');
      Line line;

      if (end != NULL)
        *end = '\0';
      if (end != NULL && end > s && end[-1] == '\r')
        end[-1] = '\0';
      else if (end == NULL && *s != '\0' && s[strlen (s) - 1] == '\r')
        s[strlen (s) - 1] = '\0';
      line.text = s;
      line.number = ++number;
      if (!check_line_text (&line, error))
        return NULL;
      g_array_append_val (lines, line);
      s = end != NULL ? end + 1 : NULL;
    }

  result = g_new0 (TechoJahisResult, 1);
  result->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);

  /* The first line that is not empty must be the header (or, for
   * multi-part data, a part marker). */
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (line->text[0] == '\0')
        continue;
      if (!g_str_has_prefix (line->text, HEADER_PREFIX) && !g_str_has_prefix (line->text, "911,"))
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                       _("This is not a JAHIS medication notebook file (its first line should "
                         "start with JAHISTC)."));
          return NULL;
        }
      break;
    }
  /* Every header line (one per part in multi-part data) is framing. */
  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (!g_str_has_prefix (line->text, HEADER_PREFIX))
        {
          if (g_str_has_prefix (line->text, "911,"))
            result->n_parts++;
          continue;
        }
      if (!have_header && !read_header (line->text, line->number, &result->version, error))
        return NULL;
      have_header = TRUE;
      line->text = "";
    }
  if (!have_header)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                   _("This medication data has no JAHISTC header line."));
      return NULL;
    }

  body = lines;
  if (result->n_parts > 0)
    {
      joined = join_parts (lines, &result->n_parts, error);
      if (joined == NULL)
        return NULL;
      body = joined;
    }

  p.result = result;
  p.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  p.usage_by_rp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) usage_free);
  p.seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fields = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; ok && i < body->len; i++)
    {
      const Line *line = &g_array_index (body, Line, i);

      if (line->text[0] == '\0')
        continue;
      ok = split_fields (line->text, line->number, fields, error)
           && read_record (&p, line, fields, error);
    }
  if (ok)
    finish_group (&p);

  clear_group (&p);
  g_ptr_array_unref (p.pending);
  g_hash_table_unref (p.usage_by_rp);
  g_hash_table_unref (p.seen_ids);
  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}
