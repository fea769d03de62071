/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JAHIS medication notebook reader. The text is decoded to UTF-8
 * (CP932 or UTF-8), split into lines and into its parts (record 911, at the
 * first line of a part or at its end); the parts of one data are put back
 * in part order; then each line is one CSV record whose first field is the
 * record number. A dispensing group opens at record 5; its drug lines
 * (201) take the usage (301) and the notes of their RP, and the group's
 * notes. A drug without its usage or a usage without its drugs is the mark
 * of a cut file and refused, naming the line.
 *
 * Layouts (JAHIS 電子版お薬手帳データフォーマット仕様書 Ver.2.x; field 0 is
 * the record number, "作成者" is the record's author):
 *   1  氏名, 性別, 生年月日, 郵便番号, 住所, 電話, 緊急連絡先, 血液型, 体重, カナ
 *   2  種別 (1 アレルギー 2 副作用 3 既往歴 9 その他), 内容, 作成者
 *   3  薬品名称, 開始日, 終了日, 作成者, 通番, JAN
 *   31 通番, 成分名, コード種別, 成分コード, 作成者
 *   4  メモ, 入力日, 作成者
 *   5  調剤等年月日, 作成者
 *   11 名称, 都道府県, 点数表, 機関コード, 郵便番号, 住所, 電話, 作成者
 *   15 氏名, 連絡先, 作成者          51 名称, 都道府県, 点数表, 機関コード, 作成者
 *   55 氏名, 診療科, 作成者
 *   201 RP, 名称, 用量, 単位, コード種別, コード, 作成者, 一般名, 一般名コード種別, 一般名コード
 *   281 / 291 RP, 内容, 作成者 (of the drug before)   311 / 391 RP, 内容, 作成者 (of the RP)
 *   301 RP, 用法名称, 調剤数量, 調剤単位, 剤形, 用法コード種別, 用法コード, 作成者
 *   401 / 421 / 501 内容, 作成者     411 内容, 種別, 作成者     601 内容, 入力日
 *   701 氏名, 薬局名称, 連絡先, 開始日, 終了日, 作成者
 *   911 データID, 分割数, 分割番号 */

#define G_LOG_DOMAIN "techo-jahis"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "techo-jahis.h"
#include "techo-reference.h"

G_DEFINE_QUARK (techo-jahis-error-quark, techo_jahis_error)

#define HEADER_PREFIX "JAHISTC"
#define MAX_VERSION   8
#define MAX_DAYS      3650

/* One line of the logical (joined) text. */
typedef struct
{
  const char *text;
  guint number;  /* in its source text */
  guint part;    /* its 911 part number, 0 for single-part data */
} Line;

/* A drug line waiting for the end of its dispensing group. */
typedef struct
{
  TechoDispensing *dispensing;
  char *rp;
  char *line_text;
  Line line;
  GString *notes;            /* 281, 291 */
} Pending;

typedef struct
{
  char *usage;
  double quantity;
  char *unit;
  char *dosage_form;
  Line line;
  gboolean used;
} Usage;

typedef struct
{
  TechoJahisResult *result;
  gboolean in_group;
  char *date;
  Line group_line;
  char *pharmacy_code;
  char *pharmacy_name;
  char *pharmacist_name;
  char *prescriber_code;
  char *prescriber_name;
  char *doctor_name;
  char *doctor_department;
  GPtrArray *pending;        /* of Pending */
  GHashTable *usage_by_rp;   /* RP → Usage */
  GHashTable *rp_notes;      /* RP → GString (311, 391) */
  GString *group_notes;      /* 401, 411, 421, 501, 601 */
  GHashTable *seen_ids;      /* id base → times seen */
  GHashTable *otc_by_seq;    /* 通番 → TechoNotebookEntry (borrowed) */
  TechoNotebookEntry *last_otc;
} Parser;

static void
pending_free (Pending *p)
{
  techo_dispensing_free (p->dispensing);
  g_free (p->rp);
  g_free (p->line_text);
  g_string_free (p->notes, TRUE);
  g_free (p);
}

static void
usage_free (Usage *u)
{
  g_free (u->usage);
  g_free (u->unit);
  g_free (u->dosage_form);
  g_free (u);
}

static void
gstring_free (GString *s)
{
  g_string_free (s, TRUE);
}

void
techo_jahis_part_free (TechoJahisPart *part)
{
  if (part == NULL)
    return;
  g_free (part->data_id);
  g_clear_pointer (&part->lines, g_ptr_array_unref);
  g_clear_pointer (&part->numbers, g_array_unref);
  g_free (part);
}

static TechoJahisPart *
part_new (guint version)
{
  TechoJahisPart *part = g_new0 (TechoJahisPart, 1);

  part->version = version;
  part->lines = g_ptr_array_new_with_free_func (g_free);
  part->numbers = g_array_new (FALSE, FALSE, sizeof (guint));
  return part;
}

char *
techo_jahis_part_to_text (const TechoJahisPart *part)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (part != NULL, NULL);
  g_string_append_printf (text, "JAHISTC%02u,1\r\n", part->version);
  for (guint i = 0; i < part->lines->len; i++)
    g_string_append_printf (text, "%s\r\n", (const char *) g_ptr_array_index (part->lines, i));
  if (part->data_id != NULL)
    g_string_append_printf (text, "911,%s,%u,%u\r\n", part->data_id, part->total, part->number);
  return g_string_free (text, FALSE);
}

void
techo_jahis_result_free (TechoJahisResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->patient, techo_profile_free);
  g_clear_pointer (&result->dispensings, g_ptr_array_unref);
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}

/* "Line 12" or "Part 2, line 3". */
static char *
where (const Line *line)
{
  if (line->part > 0)
    return g_strdup_printf (_("Part %u, line %u"), line->part, line->number);
  return g_strdup_printf (_("Line %u"), line->number);
}

static void line_error (GError    **error,
                        int         code,
                        const Line *line,
                        const char *format,
                        ...) G_GNUC_PRINTF (4, 5);

static void
line_error (GError    **error,
            int         code,
            const Line *line,
            const char *format,
            ...)
{
  g_autofree char *place = where (line);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TECHO_JAHIS_ERROR, code, "%s: %s", place, reason);
}

static void warn (Parser     *p,
                  const Line *line,
                  const char *format,
                  ...) G_GNUC_PRINTF (3, 4);

static void
warn (Parser     *p,
      const Line *line,
      const char *format,
      ...)
{
  g_autofree char *place = NULL;
  g_autofree char *reason = NULL;
  va_list args;

  p->result->n_warnings++;
  if (p->result->warnings->len >= TECHO_JAHIS_MAX_WARNINGS)
    return;
  place = where (line);
  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (p->result->warnings, g_strdup_printf ("%s: %s", place, reason));
}

static void
clear_group (Parser *p)
{
  p->in_group = FALSE;
  g_clear_pointer (&p->date, g_free);
  g_clear_pointer (&p->pharmacy_code, g_free);
  g_clear_pointer (&p->pharmacy_name, g_free);
  g_clear_pointer (&p->pharmacist_name, g_free);
  g_clear_pointer (&p->prescriber_code, g_free);
  g_clear_pointer (&p->prescriber_name, g_free);
  g_clear_pointer (&p->doctor_name, g_free);
  g_clear_pointer (&p->doctor_department, g_free);
  g_ptr_array_set_size (p->pending, 0);
  g_hash_table_remove_all (p->usage_by_rp);
  g_hash_table_remove_all (p->rp_notes);
  g_string_truncate (p->group_notes, 0);
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

/* YYYYMMDD or 和暦 GYYMMDD → YYYY-MM-DD, or NULL when it is not a real
 * date; *past_era when a 和暦 day lies after its era ended. */
static char *
parse_date (const char *text,
            gboolean   *past_era)
{
  guint year, month, day;
  char *iso = NULL;

  if (past_era != NULL)
    *past_era = FALSE;
  if (g_ascii_isalpha (text[0]))
    {
      TechoEraDate kind = techo_reference_parse_era_date (text, &iso);

      if (past_era != NULL)
        *past_era = kind == TECHO_ERA_DATE_PAST_ERA;
      return iso;
    }
  if (!all_digits (text, 8, 8))
    return NULL;
  year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  month = (text[4] - '0') * 10 + (text[5] - '0');
  day = (text[6] - '0') * 10 + (text[7] - '0');
  if (year < 1873 || !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", year, month, day);
}

/* An optional date field: empty gives NULL and TRUE; a date that is no
 * day at all is an error naming the line. */
static gboolean
read_date (Parser      *p,
           const Line  *line,
           GPtrArray   *fields,
           guint        index,
           const char  *what,
           gboolean     required,
           char       **out_date,
           GError     **error)
{
  const char *text = field_get (fields, index);
  gboolean past_era = FALSE;

  *out_date = NULL;
  if (text[0] == '\0')
    {
      if (!required)
        return TRUE;
      line_error (error, TECHO_JAHIS_ERROR_INVALID, line, _("the %s is missing."), what);
      return FALSE;
    }
  *out_date = parse_date (text, &past_era);
  if (*out_date == NULL)
    {
      line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                  _("the %s “%s” is not a real date (YYYYMMDD, or 和暦 GYYMMDD such as "
                    "R020410)."), what, text);
      return FALSE;
    }
  if (past_era)
    warn (p, line, _("the %s “%s” lies after its era ended; read as %s."), what, text, *out_date);
  return TRUE;
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

/* Splits one CSV line into @fields (quoted fields with "" escapes).
 * *out_padded tells whether an unquoted field had spaces around it. */
static gboolean
split_fields (const Line  *line,
              GPtrArray   *fields,
              gboolean    *out_padded,
              GError     **error)
{
  const char *s = line->text;

  g_ptr_array_set_size (fields, 0);
  if (out_padded != NULL)
    *out_padded = FALSE;
  for (;;)
    {
      GString *field = g_string_new (NULL);

      if (fields->len >= TECHO_JAHIS_MAX_FIELDS)
        {
          g_string_free (field, TRUE);
          line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                      _("the line has more than %d fields."), TECHO_JAHIS_MAX_FIELDS);
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
                  line_error (error, TECHO_JAHIS_ERROR_MALFORMED, line,
                              _("a quoted field is not closed (the line may be cut off)."));
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
                  line_error (error, TECHO_JAHIS_ERROR_MALFORMED, line,
                              _("there is text right after a closing quote."));
                  return FALSE;
                }
            }
        }
      else
        {
          const char *end = strchr (s, ',');
          gsize n = end != NULL ? (gsize) (end - s) : strlen (s);
          gsize before;

          g_string_append_len (field, s, MIN (n, TECHO_JAHIS_MAX_FIELD_LENGTH + 1));
          s += n;
          /* Spaces around an unquoted field (" 28") are padding. */
          before = field->len;
          g_strstrip (field->str);
          g_string_set_size (field, strlen (field->str));
          if (field->len != before && out_padded != NULL)
            *out_padded = TRUE;
        }
      if (field->len > TECHO_JAHIS_MAX_FIELD_LENGTH)
        {
          g_string_free (field, TRUE);
          line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                      _("field %u is longer than %d bytes."), fields->len + 1,
                      TECHO_JAHIS_MAX_FIELD_LENGTH);
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
  /* An end-of-file mark (Ctrl-Z) some writers still add. */
  while (length > 0 && (data[length - 1] == '\x1a'))
    length--;
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
read_header (const Line  *line,
             guint       *version,
             GError     **error)
{
  const char *digits = line->text + strlen (HEADER_PREFIX);

  if (!g_ascii_isdigit (digits[0]) || !g_ascii_isdigit (digits[1])
      || (digits[2] != ',' && digits[2] != '\0'))
    {
      line_error (error, TECHO_JAHIS_ERROR_NOT_JAHIS, line,
                  _("the JAHIS header should read JAHISTC01 … JAHISTC08."));
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

static gboolean
check_line_text (const Line  *line,
                 GError     **error)
{
  for (const char *s = line->text; *s != '\0'; s++)
    if ((guchar) *s < 0x20 && *s != '\t')
      {
        line_error (error, TECHO_JAHIS_ERROR_MALFORMED, line,
                    _("the line holds control characters; the file may be damaged."));
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_header (const char *text)
{
  return g_str_has_prefix (text, HEADER_PREFIX);
}

static gboolean
is_marker (const char *text)
{
  return g_str_has_prefix (text, "911,") || strcmp (text, "911") == 0;
}

/* Reads a 911 record into @part. */
static gboolean
read_marker (const Line      *line,
             TechoJahisPart  *part,
             GError         **error)
{
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  const char *id;
  guint64 n_total, n_part;

  if (!split_fields (line, fields, NULL, error))
    return FALSE;
  id = field_get (fields, 1);
  if (fields->len < 4
      || !g_ascii_string_to_unsigned (field_get (fields, 2), 10, 1, TECHO_JAHIS_MAX_PARTS,
                                      &n_total, NULL)
      || !g_ascii_string_to_unsigned (field_get (fields, 3), 10, 1, n_total, &n_part, NULL)
      || id[0] == '\0' || strlen (id) > TECHO_JAHIS_DATA_ID_LENGTH)
    {
      line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                  _("the part marker (record 911) needs a data id, the number of parts "
                    "(1 to %d) and this part's number."), TECHO_JAHIS_MAX_PARTS);
      return FALSE;
    }
  for (const char *s = id; *s != '\0'; s++)
    if (!g_ascii_isalnum (*s) && *s != '-' && *s != '_')
      {
        line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                    _("the data id of the part marker (record 911) holds characters other "
                      "than letters and digits."));
        return FALSE;
      }
  part->data_id = g_strdup (id);
  part->total = n_total;
  part->number = n_part;
  return TRUE;
}

static void
part_add_line (TechoJahisPart *part,
               const Line     *line)
{
  g_ptr_array_add (part->lines, g_strdup (line->text));
  g_array_append_val (part->numbers, line->number);
}

GPtrArray *
techo_jahis_split (const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_jahis_part_free);
  g_autoptr(GArray) lines = NULL;
  g_autofree char *text = NULL;
  TechoJahisPart *current = NULL;
  guint n_lines = 1, number = 0, version = 0, n_markers = 0;
  gboolean have_header = FALSE, marker_first = FALSE, seen_record = FALSE;
  char separator = '\n';
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
  if (length > 0 && memchr (data, '\n', length) == NULL && memchr (data, '\r', length) != NULL)
    separator = '\r'; /* old Mac line ends */
  for (gsize i = 0; i < length; i++)
    if (data[i] == separator && ++n_lines > TECHO_JAHIS_MAX_LINES)
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
      char *end = strchr (s, separator);
      Line line = { 0 };

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
      if (line.text[0] != '\0')
        g_array_append_val (lines, line);
      s = end != NULL ? end + 1 : NULL;
    }

  /* The first line must be the header (or, in multi-part data, a part
   * marker before it). */
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (i == 0 && !is_header (line->text) && !is_marker (line->text))
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                       _("This is not a JAHIS medication notebook file (its first line should "
                         "start with JAHISTC)."));
          return NULL;
        }
      if (is_header (line->text))
        {
          guint v;

          if (!read_header (line, &v, error))
            return NULL;
          if (!have_header)
            version = v;
          have_header = TRUE;
        }
      else if (is_marker (line->text))
        {
          if (!seen_record)
            marker_first = TRUE;
          seen_record = TRUE;
          n_markers++;
        }
      else
        seen_record = TRUE;
    }
  if (!have_header)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                   _("This medication data has no JAHISTC header line."));
      return NULL;
    }
  if (n_markers > TECHO_JAHIS_MAX_PARTS)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE,
                   _("The medication data has more than %d parts."), TECHO_JAHIS_MAX_PARTS);
      return NULL;
    }

  if (n_markers == 0)
    {
      current = part_new (version);
      for (guint i = 0; i < lines->len; i++)
        {
          const Line *line = &g_array_index (lines, Line, i);

          if (!is_header (line->text))
            part_add_line (current, line);
        }
      g_ptr_array_add (parts, current);
      return g_steal_pointer (&parts);
    }

  /* Each 911 opens its part (it stands before the part's records) or
   * closes it (it stands after them): the first record tells which. */
  for (guint i = 0; i < lines->len; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);

      if (is_header (line->text))
        continue;
      if (!is_marker (line->text))
        {
          if (current == NULL)
            {
              current = part_new (version);
              g_ptr_array_add (parts, current);
            }
          part_add_line (current, line);
          continue;
        }
      if (marker_first)
        {
          current = part_new (version);
          g_ptr_array_add (parts, current);
          if (!read_marker (line, current, error))
            return NULL;
        }
      else
        {
          if (current == NULL)
            {
              current = part_new (version);
              g_ptr_array_add (parts, current);
            }
          if (!read_marker (line, current, error))
            return NULL;
          current = NULL;
        }
    }
  if (current != NULL && current->data_id == NULL)
    {
      guint last = g_array_index (current->numbers, guint, 0);

      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TRUNCATED,
                   _("Line %u: the records from here on have no part marker (record 911) "
                     "after them; the last part may be cut off."), last);
      return NULL;
    }
  return g_steal_pointer (&parts);
}

static int
compare_parts (gconstpointer a,
               gconstpointer b)
{
  const TechoJahisPart *pa = *(TechoJahisPart * const *) a;
  const TechoJahisPart *pb = *(TechoJahisPart * const *) b;

  return (pa->number > pb->number) - (pa->number < pb->number);
}

static gboolean
same_lines (const TechoJahisPart *a,
            const TechoJahisPart *b)
{
  if (a->lines->len != b->lines->len)
    return FALSE;
  for (guint i = 0; i < a->lines->len; i++)
    if (g_strcmp0 (g_ptr_array_index (a->lines, i), g_ptr_array_index (b->lines, i)) != 0)
      return FALSE;
  return TRUE;
}

/* Puts the parts in order into @joined (of Line, borrowing their text). */
static gboolean
join_parts (GPtrArray  *parts,
            GArray     *joined,
            guint      *out_version,
            guint      *out_n_parts,
            GError    **error)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  g_autoptr(GString) missing = g_string_new (NULL);
  const TechoJahisPart *first;
  guint n_missing = 0;

  if (parts->len == 0)
    {
      g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_NOT_JAHIS,
                   _("This medication data is empty."));
      return FALSE;
    }
  first = g_ptr_array_index (parts, 0);
  *out_version = first->version;
  if (first->data_id == NULL)
    {
      if (parts->len > 1)
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Several medication data without part markers cannot be joined."));
          return FALSE;
        }
      for (guint i = 0; i < first->lines->len; i++)
        {
          Line line = { g_ptr_array_index (first->lines, i),
                        g_array_index (first->numbers, guint, i), 0 };

          g_array_append_val (joined, line);
        }
      *out_n_parts = 0;
      return TRUE;
    }

  for (guint i = 0; i < parts->len; i++)
    {
      TechoJahisPart *part = g_ptr_array_index (parts, i);

      if (part->data_id == NULL || strcmp (part->data_id, first->data_id) != 0
          || part->total != first->total)
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Part %u belongs to other medication data (the data id or the number "
                         "of parts differ). Import each receipt's codes on their own."),
                       part->number);
          return FALSE;
        }
      g_ptr_array_add (sorted, part);
    }
  g_ptr_array_sort (sorted, compare_parts);
  for (guint i = 1; i < sorted->len;)
    {
      const TechoJahisPart *a = g_ptr_array_index (sorted, i - 1);
      const TechoJahisPart *b = g_ptr_array_index (sorted, i);

      if (a->number != b->number)
        {
          i++;
          continue;
        }
      if (!same_lines (a, b))
        {
          g_set_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID,
                       _("Part %u of %u appears twice with different content."),
                       a->number, first->total);
          return FALSE;
        }
      g_ptr_array_remove_index (sorted, i);
    }
  for (guint n = 1, i = 0; n <= first->total; n++)
    {
      if (i < sorted->len && ((TechoJahisPart *) g_ptr_array_index (sorted, i))->number == n)
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
                                "Part %s of %u of this medication data is missing. Import "
                                "every QR code of the receipt.",
                                "Parts %s of %u of this medication data are missing. Import "
                                "every QR code of the receipt.", n_missing),
                   missing->str, first->total);
      return FALSE;
    }
  for (guint i = 0; i < sorted->len; i++)
    {
      TechoJahisPart *part = g_ptr_array_index (sorted, i);

      for (guint j = 0; j < part->lines->len; j++)
        {
          Line line = { g_ptr_array_index (part->lines, j),
                        g_array_index (part->numbers, guint, j), part->number };

          g_array_append_val (joined, line);
        }
    }
  *out_n_parts = first->total;
  return TRUE;
}

static void
append_note (GString    *notes,
             guint       record,
             const char *text)
{
  if (text == NULL || text[0] == '\0')
    return;
  if (notes->len > 0)
    g_string_append_c (notes, '\n');
  g_string_append_printf (notes, "%u\t%s", record, text);
}

/* Ends the current dispensing group: usage, notes and ids by RP. A drug
 * without its usage, or a usage without its drugs, is refused: the file
 * was cut or its parts mixed. */
static gboolean
finish_group (Parser  *p,
              GError **error)
{
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < p->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (p->pending, i);
      Usage *usage = g_hash_table_lookup (p->usage_by_rp, pending->rp);

      if (usage == NULL)
        {
          line_error (error, TECHO_JAHIS_ERROR_TRUNCATED, &pending->line,
                      _("the medicine of RP %s (dispensed on %s) has no usage record (301); "
                        "the file may be cut off or a part missing."), pending->rp, p->date);
          return FALSE;
        }
      usage->used = TRUE;
    }
  g_hash_table_iter_init (&iter, p->usage_by_rp);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Usage *usage = value;

      if (!usage->used)
        {
          line_error (error, TECHO_JAHIS_ERROR_TRUNCATED, &usage->line,
                      _("the usage of RP %s (dispensed on %s) has no medicine record (201) "
                        "before it; the file may be cut off or a part missing."),
                      (const char *) key, p->date);
          return FALSE;
        }
    }

  for (guint i = 0; i < p->pending->len; i++)
    {
      Pending *pending = g_ptr_array_index (p->pending, i);
      TechoDispensing *d = g_steal_pointer (&pending->dispensing);
      Usage *usage = g_hash_table_lookup (p->usage_by_rp, pending->rp);
      GString *rp_notes = g_hash_table_lookup (p->rp_notes, pending->rp);
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      g_autoptr(GString) notes = g_string_new (pending->notes->str);
      g_autofree char *base = NULL;
      guint seen;

      d->usage = g_strdup (usage->usage);
      d->dosage_form = g_strdup (usage->dosage_form);
      d->dispensing_quantity = usage->quantity;
      d->dispensing_unit = g_strdup (usage->unit);
      /* Days only for 日分; 回分 (doses) and 調剤 (once) are no days. */
      if (g_strcmp0 (usage->unit, "日分") == 0 && usage->quantity == (int) usage->quantity)
        d->days = (int) usage->quantity;
      d->pharmacy_code = g_strdup (p->pharmacy_code);
      d->pharmacy_name = g_strdup (p->pharmacy_name);
      d->pharmacist_name = g_strdup (p->pharmacist_name);
      d->prescriber_code = g_strdup (p->prescriber_code);
      d->prescriber_name = g_strdup (p->prescriber_name);
      if (rp_notes != NULL && rp_notes->len > 0)
        g_string_append_printf (notes, "%s%s", notes->len > 0 ? "\n" : "", rp_notes->str);
      if (p->group_notes->len > 0)
        g_string_append_printf (notes, "%s%s", notes->len > 0 ? "\n" : "", p->group_notes->str);
      d->notes = notes->len > 0 ? g_strdup (notes->str) : NULL;

      /* Unit separators keep "ab"+"c" apart from "a"+"bc". */
      base = g_strjoin ("\x1f", p->date,
                        p->pharmacy_code != NULL ? p->pharmacy_code : "",
                        p->pharmacy_name != NULL ? p->pharmacy_name : "",
                        p->prescriber_code != NULL ? p->prescriber_code : "",
                        p->prescriber_name != NULL ? p->prescriber_name : "",
                        pending->rp, pending->line_text, NULL);
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
  return TRUE;
}

static gboolean
require_group (Parser      *p,
               const Line  *line,
               guint        record,
               GError     **error)
{
  if (p->in_group)
    return TRUE;
  line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
              _("record %u comes before any dispensing date (record 5)."), record);
  return FALSE;
}

static gboolean
require_field (const Line  *line,
               GPtrArray   *fields,
               guint        index,
               const char  *what,
               GError     **error)
{
  if (field_get (fields, index)[0] != '\0')
    return TRUE;
  line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
              _("the %s is missing (the line may be cut off)."), what);
  return FALSE;
}

static gboolean
read_number (const Line  *line,
             const char  *text,
             const char  *what,
             double      *out_value,
             GError     **error)
{
  char *end = NULL;
  double value;

  value = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !(value >= 0 && value < 1e9))
    {
      line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                  _("the %s “%s” is not a number."), what, text);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

/* A notebook entry of @kind whose text is field @text_field, which the
 * record must have (@what names it in the error). */
static TechoNotebookEntry *
add_entry (Parser            *p,
           const Line        *line,
           GPtrArray         *fields,
           TechoNotebookKind  kind,
           guint              text_field,
           const char        *what,
           GError           **error)
{
  TechoNotebookEntry *entry;

  if (!require_field (line, fields, text_field, what, error))
    return NULL;
  if (p->result->entries->len >= TECHO_JAHIS_MAX_ENTRIES)
    {
      line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                  _("the file holds more than %d notebook entries."), TECHO_JAHIS_MAX_ENTRIES);
      return NULL;
    }
  entry = techo_notebook_entry_new ();
  entry->kind = kind;
  entry->text = field_dup (fields, text_field);
  g_ptr_array_add (p->result->entries, entry);
  return entry;
}

static gboolean
read_patient (Parser      *p,
              const Line  *line,
              GPtrArray   *fields,
              GError     **error)
{
  g_autoptr(TechoProfile) patient = NULL;
  const char *sex = field_get (fields, 2);

  if (p->result->patient != NULL)
    {
      warn (p, line, _("a second patient record; the first is kept."));
      return TRUE;
    }
  patient = techo_profile_new ();
  patient->name = field_dup (fields, 1);
  if (g_strcmp0 (sex, "1") == 0)
    patient->sex = g_strdup ("male");
  else if (g_strcmp0 (sex, "2") == 0)
    patient->sex = g_strdup ("female");
  else if (sex[0] != '\0')
    warn (p, line, _("the sex code “%s” is neither 1 nor 2; left out."), sex);
  if (!read_date (p, line, fields, 3, _("birth date"), FALSE, &patient->birth_date, error))
    return FALSE;
  patient->name_kana = field_dup (fields, 10);
  p->result->patient = g_steal_pointer (&patient);
  return TRUE;
}

static gboolean
read_remark (Parser      *p,
             const Line  *line,
             GPtrArray   *fields,
             GError     **error)
{
  const char *kind = field_get (fields, 1);
  TechoNotebookKind entry_kind = TECHO_NOTEBOOK_REMARK;
  TechoNotebookEntry *entry;

  if (strcmp (kind, "1") == 0)
    entry_kind = TECHO_NOTEBOOK_ALLERGY;
  else if (strcmp (kind, "2") == 0)
    entry_kind = TECHO_NOTEBOOK_SIDE_EFFECT;
  else if (strcmp (kind, "3") == 0)
    entry_kind = TECHO_NOTEBOOK_HISTORY;
  else if (strcmp (kind, "9") != 0)
    warn (p, line, _("the kind “%s” of the patient note is not 1, 2, 3 or 9; kept as a "
                     "remark."), kind);
  entry = add_entry (p, line, fields, entry_kind, 2, _("content of the patient note"), error);
  if (entry == NULL)
    return FALSE;
  entry->author = field_dup (fields, 3);
  return TRUE;
}

static gboolean
read_otc (Parser      *p,
          const Line  *line,
          GPtrArray   *fields,
          GError     **error)
{
  TechoNotebookEntry *entry;
  const char *seq = field_get (fields, 5);

  entry = add_entry (p, line, fields, TECHO_NOTEBOOK_OTC, 1, _("name of the OTC medicine"),
                     error);
  if (entry == NULL)
    return FALSE;
  if (!read_date (p, line, fields, 2, _("start date"), FALSE, &entry->started_on, error)
      || !read_date (p, line, fields, 3, _("end date"), FALSE, &entry->ended_on, error))
    return FALSE;
  entry->author = field_dup (fields, 4);
  entry->code = field_dup (fields, 6);
  if (seq[0] != '\0')
    g_hash_table_insert (p->otc_by_seq, g_strdup (seq), entry);
  p->last_otc = entry;
  return TRUE;
}

static gboolean
read_otc_ingredient (Parser      *p,
                     const Line  *line,
                     GPtrArray   *fields,
                     GError     **error)
{
  const char *seq = field_get (fields, 1);
  const char *name = field_get (fields, 2);
  const char *code = field_get (fields, 4);
  TechoNotebookEntry *entry = g_hash_table_lookup (p->otc_by_seq, seq);
  g_autoptr(GString) detail = NULL;

  if (!require_field (line, fields, 2, _("ingredient name"), error))
    return FALSE;
  if (entry == NULL)
    {
      entry = p->last_otc;
      if (entry == NULL)
        {
          line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                      _("an OTC ingredient (record 31) comes before any OTC medicine "
                        "(record 3)."));
          return FALSE;
        }
      warn (p, line, _("the OTC ingredient names no known medicine number; kept with the "
                       "medicine before it."));
    }
  detail = g_string_new (entry->detail);
  if (detail->len > 0)
    g_string_append (detail, "、");
  g_string_append (detail, name);
  if (code[0] != '\0')
    g_string_append_printf (detail, " (%s)", code);
  if (detail->len > TECHO_JAHIS_MAX_FIELD_LENGTH * 8)
    {
      line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                  _("the OTC medicine has too many ingredients."));
      return FALSE;
    }
  g_free (entry->detail);
  entry->detail = g_string_free (g_steal_pointer (&detail), FALSE);
  return TRUE;
}

static gboolean
read_memo (Parser      *p,
           const Line  *line,
           GPtrArray   *fields,
           GError     **error)
{
  TechoNotebookEntry *entry;

  entry = add_entry (p, line, fields, TECHO_NOTEBOOK_MEMO, 1, _("memo"), error);
  if (entry == NULL)
    return FALSE;
  entry->author = field_dup (fields, 3);
  return read_date (p, line, fields, 2, _("memo date"), FALSE, &entry->started_on, error);
}

static gboolean
read_family_pharmacist (Parser      *p,
                        const Line  *line,
                        GPtrArray   *fields,
                        GError     **error)
{
  TechoNotebookEntry *entry;
  const char *pharmacy = field_get (fields, 2);
  const char *contact = field_get (fields, 3);

  entry = add_entry (p, line, fields, TECHO_NOTEBOOK_PHARMACIST, 1, _("pharmacist's name"),
                     error);
  if (entry == NULL)
    return FALSE;
  if (contact[0] == '\0')
    warn (p, line, _("the family pharmacist has no contact."));
  if (pharmacy[0] != '\0' || contact[0] != '\0')
    entry->detail = g_strjoin (pharmacy[0] != '\0' && contact[0] != '\0' ? " " : "",
                               pharmacy, contact, NULL);
  entry->author = field_dup (fields, 6);
  return read_date (p, line, fields, 4, _("start date"), FALSE, &entry->started_on, error)
         && read_date (p, line, fields, 5, _("end date"), FALSE, &entry->ended_on, error);
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
  const char *kind = field_get (fields, 5);
  const char *code = field_get (fields, 6);
  double quantity = 0;

  if (!require_group (p, line, 201, error)
      || !require_field (line, fields, 1, _("RP number of the medicine"), error)
      || !require_field (line, fields, 2, _("name of the medicine"), error)
      || !require_field (line, fields, 3, _("amount of the medicine"), error)
      || !read_number (line, field_get (fields, 3), _("amount of the medicine"), &quantity,
                       error)
      || !require_field (line, fields, 4, _("unit of the medicine"), error))
    return FALSE;
  if (kind[0] == '\0')
    warn (p, line, _("the medicine has no code kind."));
  else if (strcmp (kind, "1") != 0 && code[0] == '\0')
    warn (p, line, _("the medicine's code kind is %s but the code is missing."), kind);
  if (p->result->dispensings->len + p->pending->len >= TECHO_JAHIS_MAX_DISPENSINGS)
    {
      line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                  _("the file holds more than %d medicine lines."), TECHO_JAHIS_MAX_DISPENSINGS);
      return FALSE;
    }

  d = techo_dispensing_new ();
  d->revision = 1;
  d->source = g_strdup ("dispensing");
  d->dispensed_on = g_strdup (p->date);
  d->drug_name = field_dup (fields, 2);
  d->quantity = quantity;
  d->unit = field_dup (fields, 4);
  d->drug_code_kind = field_dup (fields, 5);
  d->drug_code = field_dup (fields, 6);
  if (code[0] != '\0' && strcmp (kind, "4") == 0)
    d->yj_code = g_strdup (code);
  else if (code[0] != '\0' && strcmp (kind, "2") == 0)
    d->receipt_code = g_strdup (code);
  d->generic_name = field_dup (fields, 8);
  d->generic_code_kind = field_dup (fields, 9);
  d->generic_code = field_dup (fields, 10);
  d->ingredient_name = g_strdup (d->generic_name);
  d->doctor_name = g_strdup (p->doctor_name);
  d->prescriber_department = g_strdup (p->doctor_department);

  pending = g_new0 (Pending, 1);
  pending->dispensing = d;
  pending->rp = g_strdup (rp);
  pending->line_text = g_strdup (line->text);
  pending->line = *line;
  pending->line.text = NULL;
  pending->notes = g_string_new (NULL);
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
  const char *unit = field_get (fields, 4);
  const char *form = field_get (fields, 5);
  double quantity = 0;
  Usage *usage;

  if (!require_group (p, line, 301, error)
      || !require_field (line, fields, 1, _("RP number of the usage"), error)
      || !require_field (line, fields, 3, _("quantity dispensed"), error)
      || !read_number (line, field_get (fields, 3), _("quantity dispensed"), &quantity, error)
      || !require_field (line, fields, 4, _("unit of the quantity dispensed (日分, 回分 or "
                                            "調剤)"), error))
    return FALSE;
  if (strcmp (unit, "日分") == 0)
    {
      if (quantity > MAX_DAYS || quantity != (int) quantity)
        {
          line_error (error, TECHO_JAHIS_ERROR_INVALID, line,
                      _("the number of days “%s” is not a whole number from 0 to %d."),
                      field_get (fields, 3), MAX_DAYS);
          return FALSE;
        }
    }
  else if (strcmp (unit, "回分") != 0 && strcmp (unit, "調剤") != 0)
    warn (p, line, _("the unit “%s” is not 日分, 回分 or 調剤; kept as written, with no "
                     "days."), unit);
  if (form[0] == '\0')
    warn (p, line, _("the usage has no dosage form."));
  if (g_hash_table_contains (p->usage_by_rp, rp))
    {
      warn (p, line, _("a second usage for RP %s; the first is kept."), rp);
      return TRUE;
    }
  usage = g_new0 (Usage, 1);
  usage->usage = field_dup (fields, 2);
  usage->quantity = quantity;
  usage->unit = g_strdup (unit);
  usage->dosage_form = field_dup (fields, 5);
  usage->line = *line;
  usage->line.text = NULL;
  g_hash_table_insert (p->usage_by_rp, g_strdup (rp), usage);
  return TRUE;
}

/* 281 薬品補足 / 291 薬品服用注意: a note of the drug before it in its RP. */
static gboolean
read_drug_note (Parser      *p,
                const Line  *line,
                guint        record,
                GPtrArray   *fields,
                GError     **error)
{
  const char *rp = field_get (fields, 1);

  if (!require_group (p, line, record, error)
      || !require_field (line, fields, 2, _("content of the note"), error))
    return FALSE;
  for (guint i = p->pending->len; i-- > 0;)
    {
      Pending *pending = g_ptr_array_index (p->pending, i);

      if (strcmp (pending->rp, rp) == 0)
        {
          append_note (pending->notes, record, field_get (fields, 2));
          return TRUE;
        }
    }
  warn (p, line, _("the note names RP %s, which has no medicine before it; kept with the "
                   "RP."), rp);
  return TRUE;
}

/* 311 用法補足 / 391 処方服用注意: a note of the whole RP. */
static gboolean
read_rp_note (Parser      *p,
              const Line  *line,
              guint        record,
              GPtrArray   *fields,
              GError     **error)
{
  const char *rp = field_get (fields, 1);
  GString *notes;

  if (!require_group (p, line, record, error)
      || !require_field (line, fields, 1, _("RP number of the note"), error)
      || !require_field (line, fields, 2, _("content of the note"), error))
    return FALSE;
  notes = g_hash_table_lookup (p->rp_notes, rp);
  if (notes == NULL)
    {
      notes = g_string_new (NULL);
      g_hash_table_insert (p->rp_notes, g_strdup (rp), notes);
    }
  if (notes->len > TECHO_JAHIS_MAX_FIELD_LENGTH * 16)
    {
      line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line, _("too many notes for one RP."));
      return FALSE;
    }
  append_note (notes, record, field_get (fields, 2));
  return TRUE;
}

/* 401 服用注意, 411 提供情報, 421 残薬確認, 501 備考, 601 患者等記入:
 * notes of the whole dispensing. */
static gboolean
read_group_note (Parser      *p,
                 const Line  *line,
                 guint        record,
                 GPtrArray   *fields,
                 GError     **error)
{
  if (!require_group (p, line, record, error)
      || !require_field (line, fields, 1, _("content of the note"), error))
    return FALSE;
  if (p->group_notes->len > TECHO_JAHIS_MAX_FIELD_LENGTH * 32)
    {
      line_error (error, TECHO_JAHIS_ERROR_TOO_LARGE, line,
                  _("too many notes for one dispensing."));
      return FALSE;
    }
  if (record == 601)
    {
      g_autofree char *date = NULL;

      if (!read_date (p, line, fields, 2, _("date of the patient's note"), FALSE, &date, error))
        return FALSE;
      if (date != NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s (%s)", field_get (fields, 1), date);

          append_note (p->group_notes, record, text);
          return TRUE;
        }
    }
  append_note (p->group_notes, record, field_get (fields, 1));
  return TRUE;
}

/* The number of fields of each record in the 2.x layouts (JAHISTC03 on),
 * the record number included; 0 for a record of no fixed length. */
static guint
layout_fields (guint record,
               guint version)
{
  switch (record)
    {
    case 1:
      return 11;
    case 2: case 4: case 15: case 55: case 281: case 291: case 311: case 391: case 411:
      return 4;
    case 3:
      return 7;
    case 31: case 51:
      return 6;
    case 5: case 401: case 421: case 501: case 601:
      return 3;
    case 11:
      return 9;
    case 201:
      return version >= 8 ? 11 : 8;
    case 301:
      return 9;
    case 701:
      return 7;
    default:
      return 0;
    }
}

/* The index of the record's last required field (mostly its author, レコード
 * 作成者; 601's date), 0 for none. */
static guint
author_field (guint record)
{
  switch (record)
    {
    case 5: case 401: case 421: case 501: case 601:
      return 2;
    case 2: case 4: case 15: case 55: case 281: case 291: case 311: case 391: case 411:
      return 3;
    case 3:
      return 4;
    case 31: case 51:
      return 5;
    case 701:
      return 6;
    case 201:
      return 7;
    case 11: case 301:
      return 8;
    default:
      return 0;
    }
}

/* The last line of the data must be whole: writers put every field of a
 * record, empty ones included, and the last (the record's author) is
 * required. A last line short of fields is a file cut off. Lines before
 * it are read as they are. */
static gboolean
check_last_line (Parser      *p,
                 const Line  *line,
                 guint        record,
                 GPtrArray   *fields,
                 GError     **error)
{
  guint expected = layout_fields (record, p->result->version);
  guint author = author_field (record);

  if (expected == 0)
    {
      /* "20" of a cut "201,…" */
      line_error (error, TECHO_JAHIS_ERROR_TRUNCATED, line,
                  _("the last record (%u) is of no kind Techo knows: the file looks cut off. "
                    "Save or scan it again."), record);
      return FALSE;
    }
  /* More fields than the layout is a writer's own layout, never a cut. */
  if (p->result->version < 3 || fields->len > expected
      || (fields->len == expected && (author == 0 || field_get (fields, author)[0] != '\0')))
    return TRUE;
  if (fields->len >= expected)
    line_error (error, TECHO_JAHIS_ERROR_TRUNCATED, line,
                _("the last record (%u) lacks its field %u: the file looks cut off. Save "
                  "or scan it again."), record, author);
  else
    line_error (error, TECHO_JAHIS_ERROR_TRUNCATED, line,
                _("the last record (%u) has %u of its %u fields: the file looks cut off. "
                  "Save or scan it again."), record, fields->len, expected);
  return FALSE;
}

static gboolean
read_fields (Parser      *p,
             const Line  *line,
             guint        record,
             GPtrArray   *fields,
             GError     **error)
{

  switch (record)
    {
    case 1:
      return read_patient (p, line, fields, error);
    case 2:
      return read_remark (p, line, fields, error);
    case 3:
      return read_otc (p, line, fields, error);
    case 31:
      return read_otc_ingredient (p, line, fields, error);
    case 4:
      return read_memo (p, line, fields, error);
    case 5:
      {
        g_autofree char *date = NULL;

        if (!read_date (p, line, fields, 1, _("dispensing date"), TRUE, &date, error))
          return FALSE;
        if (p->in_group && !finish_group (p, error))
          return FALSE;
        p->in_group = TRUE;
        p->date = g_steal_pointer (&date);
        p->group_line = *line;
        return TRUE;
      }
    case 11:
      if (!require_group (p, line, record, error))
        return FALSE;
      if (p->pharmacy_name != NULL || p->pharmacy_code != NULL)
        {
          warn (p, line, _("a second dispensing institution for one date; the first is "
                           "kept."));
          return TRUE;
        }
      p->pharmacy_name = field_dup (fields, 1);
      p->pharmacy_code = institution_code (fields, 2);
      return TRUE;
    case 15:
      if (!require_group (p, line, record, error))
        return FALSE;
      g_free (p->pharmacist_name);
      p->pharmacist_name = field_dup (fields, 1);
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
      /* A doctor record starts that doctor's RPs. */
      if (!require_group (p, line, record, error))
        return FALSE;
      g_free (p->doctor_name);
      g_free (p->doctor_department);
      p->doctor_name = field_dup (fields, 1);
      p->doctor_department = field_dup (fields, 2);
      return TRUE;
    case 201:
      return read_drug (p, line, fields, error);
    case 281:
    case 291:
      return read_drug_note (p, line, record, fields, error);
    case 301:
      return read_usage (p, line, fields, error);
    case 311:
    case 391:
      return read_rp_note (p, line, record, fields, error);
    case 401:
    case 411:
    case 421:
    case 501:
    case 601:
      return read_group_note (p, line, record, fields, error);
    case 701:
      return read_family_pharmacist (p, line, fields, error);
    case 911:
      line_error (error, TECHO_JAHIS_ERROR_MALFORMED, line,
                  _("a part marker (record 911) inside a part."));
      return FALSE;
    default:
      warn (p, line, _("record number %u is not one Techo knows; left out."), record);
      p->result->n_skipped++;
      return TRUE;
    }
}

static gboolean
read_record (Parser      *p,
             const Line  *line,
             GPtrArray   *fields,
             gboolean     is_last,
             GError     **error)
{
  guint64 record;

  if (!g_ascii_string_to_unsigned (field_get (fields, 0), 10, 1, 999, &record, NULL))
    {
      line_error (error, TECHO_JAHIS_ERROR_MALFORMED, line,
                  _("this is not a JAHIS record (it should start with a record number)."));
      return FALSE;
    }
  return read_fields (p, line, record, fields, error)
         && (!is_last || check_last_line (p, line, record, fields, error));
}

/* A stable id for each notebook entry: the same entry from another copy
 * of the notebook is the same row. */
static void
set_entry_ids (TechoJahisResult *result)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < result->entries->len; i++)
    {
      TechoNotebookEntry *e = g_ptr_array_index (result->entries, i);
      g_autofree char *base = g_strdup_printf ("%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s",
                                               techo_notebook_kind_to_string (e->kind),
                                               e->text ? e->text : "",
                                               e->detail ? e->detail : "",
                                               e->code ? e->code : "",
                                               e->started_on ? e->started_on : "",
                                               e->ended_on ? e->ended_on : "");
      guint n = GPOINTER_TO_UINT (g_hash_table_lookup (seen, base));
      g_autofree char *keyed = g_strdup_printf ("%s\x1f%u", base, n);
      g_autofree char *sum = g_compute_checksum_for_string (G_CHECKSUM_SHA256, keyed, -1);

      g_hash_table_insert (seen, g_strdup (base), GUINT_TO_POINTER (n + 1));
      e->id = g_strdup_printf ("jahis-note-%.16s", sum);
    }
}

TechoJahisResult *
techo_jahis_parse_parts (GPtrArray  *parts,
                         GError    **error)
{
  g_autoptr(TechoJahisResult) result = NULL;
  g_autoptr(GArray) body = g_array_new (FALSE, FALSE, sizeof (Line));
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  Parser p = { 0 };
  gboolean ok = TRUE;

  g_return_val_if_fail (parts != NULL, NULL);

  result = g_new0 (TechoJahisResult, 1);
  result->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  result->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  if (!join_parts (parts, body, &result->version, &result->n_parts, error))
    return NULL;

  p.result = result;
  p.pending = g_ptr_array_new_with_free_func ((GDestroyNotify) pending_free);
  p.usage_by_rp = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) usage_free);
  p.rp_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) gstring_free);
  p.group_notes = g_string_new (NULL);
  p.seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.otc_by_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; ok && i < body->len; i++)
    {
      const Line *line = &g_array_index (body, Line, i);
      gboolean padded = FALSE;

      ok = split_fields (line, fields, &padded, error);
      if (ok && padded)
        warn (&p, line, _("spaces around a field were left out."));
      if (ok)
        ok = read_record (&p, line, fields, i == body->len - 1, error);
    }
  if (ok && p.in_group)
    ok = finish_group (&p, error);
  if (ok)
    set_entry_ids (result);

  clear_group (&p);
  g_ptr_array_unref (p.pending);
  g_hash_table_unref (p.usage_by_rp);
  g_hash_table_unref (p.rp_notes);
  g_string_free (p.group_notes, TRUE);
  g_hash_table_unref (p.seen_ids);
  g_hash_table_unref (p.otc_by_seq);
  if (!ok)
    return NULL;
  return g_steal_pointer (&result);
}

TechoJahisResult *
techo_jahis_parse (const char  *data,
                   gsize        length,
                   GError     **error)
{
  g_autoptr(GPtrArray) parts = techo_jahis_split (data, length, error);

  if (parts == NULL)
    return NULL;
  return techo_jahis_parse_parts (parts, error);
}
