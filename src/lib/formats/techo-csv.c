/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV export per category and its reader. */

#define G_LOG_DOMAIN "techo-csv"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "techo-atomic-file.h"
#include "techo-csv.h"
#include "techo-fhir-private.h"
#include "techo-records-json.h"
#include "techo-reference.h"

G_DEFINE_QUARK (techo-csv-error-quark, techo_csv_error)

#define BOM "\xEF\xBB\xBF"

static const char * const checkup_columns[] = {
  "checkup_id", "revision", "performed_on", "kind", "report_kind",
  "institution_code", "institution_name", "document",
  "origin", "file_name", "file_sha256",
  "item_code", "item_name", "value_type", "value", "unit", "value_system",
  "display", "not_performed", "status", NULL
};

static const char * const screening_columns[] = {
  "screening_id", "revision", "performed_on", "cancer", "report_kind", "stage",
  "municipality_code", "municipality_name", "followup_code", "followup_value",
  "followup_display", "origin", "file_name", "file_sha256",
  "item_code", "item_name", "value_type", "value", "unit", "value_system",
  "display", "not_performed", NULL
};

static const char * const medication_columns[] = {
  "dispensing_id", "revision", "source", "dispensed_on", "prescribed_on", "setting",
  "pharmacy_code", "pharmacy_name", "prescriber_code", "prescriber_name",
  "prescriber_department", "receipt_code", "yj_code", "drug_name",
  "ingredient_name", "quantity", "unit", "usage", "days", "dosage_form",
  "origin", "file_name", "file_sha256", NULL
};

static const char * const *
columns_for (TechoCategory category)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP: return checkup_columns;
    case TECHO_CATEGORY_SCREENING: return screening_columns;
    case TECHO_CATEGORY_MEDICATION:
    default: return medication_columns;
    }
}

const char *
techo_csv_file_name (TechoCategory category)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP: return "checkups.csv";
    case TECHO_CATEGORY_SCREENING: return "screenings.csv";
    case TECHO_CATEGORY_MEDICATION:
    default: return "medications.csv";
    }
}

/* ---- writing ------------------------------------------------------------------ */

static gboolean
needs_guard (const char *cell)
{
  return cell[0] == '=' || cell[0] == '+' || cell[0] == '@' ||
         cell[0] == '\t' || cell[0] == '\r' ||
         /* A guard already there must survive the reader's strip. */
         (cell[0] == '\'' && needs_guard (cell + 1));
}

static void
write_cell (GString    *out,
            const char *cell)
{
  g_autofree char *guarded = NULL;

  if (cell == NULL || *cell == '\0')
    return;
  if (needs_guard (cell))
    cell = guarded = g_strconcat ("'", cell, NULL);
  if (strpbrk (cell, ",\"\r\n") != NULL)
    {
      g_string_append_c (out, '"');
      for (const char *p = cell; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (out, '"');
          g_string_append_c (out, *p);
        }
      g_string_append_c (out, '"');
    }
  else
    g_string_append (out, cell);
}

static void
write_row (GString           *out,
           const char * const *cells,
           guint               n)
{
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      write_cell (out, cells[i]);
    }
  g_string_append (out, "\r\n");
}

/* Fills cells[at…] with the item's columns (8 cells). */
static void
item_cells (const char      **cells,
            guint             at,
            const TechoItem  *item)
{
  if (item == NULL)
    return;
  cells[at] = item->code;
  cells[at + 1] = item->name;
  cells[at + 2] = techo_value_type_to_string (item->type);
  cells[at + 3] = item->value;
  cells[at + 4] = item->unit;
  cells[at + 5] = item->value_system;
  cells[at + 6] = item->display;
  cells[at + 7] = item->not_performed ? "1" : "0";
}

static void
render_checkups (GString   *out,
                 GPtrArray *checkups,
                 const char *sex)
{
  for (guint i = 0; i < checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (checkups, i);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, c->revision);
      guint n_rows = MAX (c->items->len, 1);

      for (guint j = 0; j < n_rows; j++)
        {
          const TechoItem *item = j < c->items->len ? g_ptr_array_index (c->items, j) : NULL;
          const char *cells[G_N_ELEMENTS (checkup_columns)] = {
            c->id, revision, c->performed_on, c->kind, c->report_kind,
            c->institution_code, c->institution_name, c->document,
            techo_origin_to_string (c->provenance.origin), c->provenance.file_name,
            c->provenance.file_sha256,
          };
          /* The status every view shows for this item (techo-analysis). */
          TechoStatus status = techo_analysis_item_status (item, sex);

          item_cells (cells, 11, item);
          if (status != TECHO_STATUS_UNKNOWN)
            cells[19] = techo_status_to_string (status);
          write_row (out, cells, G_N_ELEMENTS (checkup_columns) - 1);
        }
    }
}

static void
render_screenings (GString   *out,
                   GPtrArray *screenings)
{
  for (guint i = 0; i < screenings->len; i++)
    {
      const TechoScreening *s = g_ptr_array_index (screenings, i);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, s->revision);
      guint n_rows = MAX (s->items->len, 1);

      for (guint j = 0; j < n_rows; j++)
        {
          const char *cells[G_N_ELEMENTS (screening_columns)] = {
            s->id, revision, s->performed_on, s->cancer, s->report_kind, s->stage,
            s->municipality_code, s->municipality_name, s->followup_code,
            s->followup_value, s->followup_display, techo_origin_to_string (s->provenance.origin),
            s->provenance.file_name, s->provenance.file_sha256,
          };

          item_cells (cells, 14, j < s->items->len ? g_ptr_array_index (s->items, j) : NULL);
          write_row (out, cells, G_N_ELEMENTS (screening_columns) - 1);
        }
    }
}

static void
render_medications (GString   *out,
                    GPtrArray *dispensings)
{
  for (guint i = 0; i < dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (dispensings, i);
      g_autofree char *revision = g_strdup_printf ("%" G_GINT64_FORMAT, d->revision);
      g_autofree char *days = g_strdup_printf ("%d", d->days);
      char quantity[G_ASCII_DTOSTR_BUF_SIZE];
      const char *cells[G_N_ELEMENTS (medication_columns)] = {
        d->id, revision, d->source, d->dispensed_on, d->prescribed_on, d->setting,
        d->pharmacy_code, d->pharmacy_name, d->prescriber_code, d->prescriber_name,
        d->prescriber_department, d->receipt_code, d->yj_code, d->drug_name,
        d->ingredient_name, quantity, d->unit, d->usage, days, d->dosage_form,
        techo_origin_to_string (d->provenance.origin), d->provenance.file_name,
        d->provenance.file_sha256,
      };

      techo_fhir_format_number (quantity, sizeof quantity, d->quantity);
      write_row (out, cells, G_N_ELEMENTS (medication_columns) - 1);
    }
}

GBytes *
techo_csv_render (const TechoRecordSet *set,
                  TechoCategory         category)
{
  const char * const *columns = columns_for (category);
  GString *out = g_string_new (BOM);

  write_row (out, columns, g_strv_length ((char **) columns));
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      render_checkups (out, set->checkups, set->profile ? set->profile->sex : NULL);
      break;
    case TECHO_CATEGORY_SCREENING:
      render_screenings (out, set->screenings);
      break;
    case TECHO_CATEGORY_MEDICATION:
    default:
      render_medications (out, set->dispensings);
    }
  return g_string_free_to_bytes (out);
}

gboolean
techo_csv_export_dir (const TechoRecordSet  *set,
                      const char            *dir,
                      guint                 *out_n_files,
                      GCancellable          *cancellable,
                      GError               **error)
{
  GPtrArray *by_category[TECHO_N_CATEGORIES] = {
    [TECHO_CATEGORY_CHECKUP] = set->checkups,
    [TECHO_CATEGORY_MEDICATION] = set->dispensings,
    [TECHO_CATEGORY_SCREENING] = set->screenings,
  };

  *out_n_files = 0;
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *path = NULL;

      if (by_category[i] == NULL || by_category[i]->len == 0)
        continue;
      bytes = techo_csv_render (set, i);
      path = g_build_filename (dir, techo_csv_file_name (i), NULL);
      if (!techo_atomic_file_write_bytes (path, bytes, cancellable, error))
        return FALSE;
      (*out_n_files)++;
    }
  return TRUE;
}

/* ---- reading ------------------------------------------------------------------ */

static gboolean
too_large (GError     **error,
           const char  *what)
{
  g_set_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_TOO_LARGE,
               "This CSV file has too many %s to be read.", what);
  return FALSE;
}

GPtrArray *
techo_csv_parse (const char  *data,
                 gsize        length,
                 GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) field = g_string_new (NULL);
  const char *p = data, *end = data + length;
  gboolean quoted = FALSE, was_quoted = FALSE;

  if (length > TECHO_CSV_MAX_BYTES)
    return too_large (error, "bytes"), NULL;
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID,
                           "This CSV file is not UTF-8 text.");
      return NULL;
    }
  if (length >= 3 && memcmp (data, BOM, 3) == 0)
    p += 3;

  while (p < end)
    {
      char ch = *p++;

      if (quoted)
        {
          if (ch == '"' && p < end && *p == '"')
            {
              g_string_append_c (field, '"');
              p++;
            }
          else if (ch == '"')
            quoted = FALSE;
          else
            g_string_append_c (field, ch);
        }
      else if (ch == '"' && field->len == 0 && !was_quoted)
        quoted = was_quoted = TRUE;
      else if (ch == ',' || ch == '\n' || (ch == '\r' && p < end && *p == '\n'))
        {
          if (ch == '\r')
            p++;
          if (fields->len >= TECHO_CSV_MAX_FIELDS)
            return too_large (error, "columns"), NULL;
          g_ptr_array_add (fields, g_strndup (field->str, field->len));
          g_string_truncate (field, 0);
          was_quoted = FALSE;
          if (ch != ',')
            {
              if (rows->len >= TECHO_CSV_MAX_ROWS)
                return too_large (error, "rows"), NULL;
              g_ptr_array_add (fields, NULL);
              g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
              g_ptr_array_unref (fields);
              fields = g_ptr_array_new_with_free_func (g_free);
            }
        }
      else
        g_string_append_c (field, ch);

      if (field->len > TECHO_CSV_MAX_FIELD_BYTES)
        return too_large (error, "characters in one cell"), NULL;
    }
  if (quoted)
    {
      g_set_error_literal (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID,
                           "This CSV file ends inside a quoted cell.");
      return NULL;
    }
  if (field->len > 0 || fields->len > 0)
    {
      g_ptr_array_add (fields, g_strndup (field->str, field->len));
      g_ptr_array_add (fields, NULL);
      g_ptr_array_add (rows, g_ptr_array_steal (fields, NULL));
    }
  return g_steal_pointer (&rows);
}

/* The cell as stored: NULL when empty, the formula guard taken off. */
static char *
cell (char  **row,
      guint   column)
{
  const char *value = row[column];

  if (value == NULL || *value == '\0')
    return NULL;
  if (value[0] == '\'' && needs_guard (value + 1))
    value++;
  return g_strdup (value);
}

/* Cells @first, @first + 1, … of @row into @fields, in order. */
static void
read_cells (char         **row,
            guint          first,
            char **const  *fields,
            guint          n_fields)
{
  for (guint i = 0; i < n_fields; i++)
    *fields[i] = cell (row, first + i);
}

static gboolean
read_origin (char           **row,
             guint            at,
             TechoProvenance *provenance)
{
  const char *origin = row[at];

  if (!techo_origin_from_string (origin, &provenance->origin))
    provenance->origin = TECHO_ORIGIN_PORTAL;
  provenance->file_name = cell (row, at + 1);
  provenance->file_sha256 = cell (row, at + 2);
  return TRUE;
}

static TechoItem *
read_item (char **row,
           guint  at)
{
  TechoItem *item;

  if (row[at][0] == '\0')
    return NULL;
  item = techo_item_new ();
  item->code = cell (row, at);
  item->name = cell (row, at + 1);
  if (!techo_value_type_from_string (row[at + 2], &item->type))
    item->type = TECHO_VALUE_ST;
  item->value = cell (row, at + 3);
  item->unit = cell (row, at + 4);
  item->value_system = cell (row, at + 5);
  item->display = cell (row, at + 6);
  item->not_performed = g_strcmp0 (row[at + 7], "1") == 0;
  return item;
}

GPtrArray *
techo_csv_read_records (TechoCategory   category,
                        const char     *data,
                        gsize           length,
                        GError        **error)
{
  const char * const *columns = columns_for (category);
  guint n_columns = g_strv_length ((char **) columns);
  g_autoptr(GPtrArray) rows = techo_csv_parse (data, length, error);
  g_autoptr(GPtrArray) records = NULL;

  if (rows == NULL)
    return NULL;
  if (rows->len == 0 || !g_strv_equal (g_ptr_array_index (rows, 0), columns))
    {
      g_set_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID,
                   "This is not a Techo %s file: its header row differs.",
                   techo_csv_file_name (category));
      return NULL;
    }
  records = g_ptr_array_new_with_free_func (category == TECHO_CATEGORY_CHECKUP ?
                                            (GDestroyNotify) techo_checkup_free :
                                            category == TECHO_CATEGORY_SCREENING ?
                                            (GDestroyNotify) techo_screening_free :
                                            (GDestroyNotify) techo_dispensing_free);
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      if (g_strv_length (row) != n_columns)
        {
          g_set_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID,
                       "Row %u of this CSV file has %u cells instead of %u.",
                       i + 1, g_strv_length (row), n_columns);
          return NULL;
        }
      if (category == TECHO_CATEGORY_CHECKUP)
        {
          TechoCheckup *c = records->len > 0 ? g_ptr_array_index (records, records->len - 1) : NULL;
          TechoItem *item;

          /* Rows of one checkup follow each other. */
          if (c == NULL || g_strcmp0 (c->id, row[0]) != 0)
            {
              c = techo_checkup_new ();
              {
                char **const fields[] = { &c->performed_on, &c->kind, &c->report_kind,
                                          &c->institution_code, &c->institution_name,
                                          &c->document };

                c->id = cell (row, 0);
                c->revision = g_ascii_strtoll (row[1], NULL, 10);
                read_cells (row, 2, fields, G_N_ELEMENTS (fields));
              }
              read_origin (row, 8, &c->provenance);
              g_ptr_array_add (records, c);
            }
          item = read_item (row, 11);
          if (item != NULL)
            g_ptr_array_add (c->items, item);
        }
      else if (category == TECHO_CATEGORY_SCREENING)
        {
          TechoScreening *s = records->len > 0 ? g_ptr_array_index (records, records->len - 1) : NULL;
          TechoItem *item;

          if (s == NULL || g_strcmp0 (s->id, row[0]) != 0)
            {
              s = techo_screening_new ();
              {
                char **const fields[] = { &s->performed_on, &s->cancer, &s->report_kind,
                                          &s->stage, &s->municipality_code,
                                          &s->municipality_name, &s->followup_code,
                                          &s->followup_value, &s->followup_display };

                s->id = cell (row, 0);
                s->revision = g_ascii_strtoll (row[1], NULL, 10);
                read_cells (row, 2, fields, G_N_ELEMENTS (fields));
              }
              read_origin (row, 11, &s->provenance);
              g_ptr_array_add (records, s);
            }
          item = read_item (row, 14);
          if (item != NULL)
            g_ptr_array_add (s->items, item);
        }
      else
        {
          TechoDispensing *d = techo_dispensing_new ();
          char **const fields[] = { &d->source, &d->dispensed_on, &d->prescribed_on,
                                    &d->setting, &d->pharmacy_code, &d->pharmacy_name,
                                    &d->prescriber_code, &d->prescriber_name,
                                    &d->prescriber_department, &d->receipt_code,
                                    &d->yj_code, &d->drug_name, &d->ingredient_name };

          d->id = cell (row, 0);
          d->revision = g_ascii_strtoll (row[1], NULL, 10);
          read_cells (row, 2, fields, G_N_ELEMENTS (fields));
          d->quantity = g_ascii_strtod (row[15], NULL);
          d->unit = cell (row, 16);
          d->usage = cell (row, 17);
          d->days = atoi (row[18]);
          d->dosage_form = cell (row, 19);
          read_origin (row, 20, &d->provenance);
          g_ptr_array_add (records, d);
        }
      if (records->len > TECHO_RECORD_MAX_FILE_RECORDS)
        return too_large (error, "records"), NULL;
    }
  return g_steal_pointer (&records);
}
