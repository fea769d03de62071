/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CSV: BOM, header, quoting, formula guard, round trip of every category,
 * the reader's limits; and the atomic writer's mode and replace. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"
#include "techo-csv.h"
#include "techo-test-export.h"

static void
test_render (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(GBytes) bytes = techo_csv_render (set, TECHO_CATEGORY_CHECKUP);
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = g_strndup (data, length);

  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF" "checkup_id,revision,performed_on,"));
  g_assert_nonnull (strstr (text, "\r\n"));
  /* ISO dates, Japanese as UTF-8, a quoted cell with a quote and a newline. */
  g_assert_nonnull (strstr (text, "ck-2025,2,2025-06-15,010,10,1312345678,みどり健診センター"));
  g_assert_nonnull (strstr (text, "\"経過観察, \"\"要注意\"\"\n次回も受診\""));
  /* The latest HbA1c is flagged for a doctor. */
  g_assert_nonnull (strstr (text, "3D046000001906202,HbA1c(NGSP値),PQ,6.6,%,,,0,see-doctor"));
}

static void
test_round_trip (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  TechoDispensing *d = g_ptr_array_index (set->dispensings, 0);

  /* Cells a spreadsheet would run as formulas. */
  g_free (d->usage);
  d->usage = g_strdup ("=HYPERLINK(\"http://x\")");
  g_free (d->pharmacy_name);
  d->pharmacy_name = g_strdup ("'+already guarded");

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      g_autoptr(GBytes) bytes = techo_csv_render (set, c);
      g_autoptr(GPtrArray) back = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;
      const char *data = g_bytes_get_data (bytes, &length);

      back = techo_csv_read_records (c, data, length, &error);
      g_assert_no_error (error);
      if (c == TECHO_CATEGORY_CHECKUP)
        {
          g_assert_cmpuint (back->len, ==, set->checkups->len);
          for (guint i = 0; i < back->len; i++)
            techo_test_assert_checkup_equal (g_ptr_array_index (set->checkups, i),
                                             g_ptr_array_index (back, i));
        }
      else if (c == TECHO_CATEGORY_MEDICATION)
        {
          g_assert_null (g_strstr_len (data, length, ",=HYPERLINK"));
          g_assert_cmpuint (back->len, ==, set->dispensings->len);
          for (guint i = 0; i < back->len; i++)
            techo_test_assert_dispensing_equal (g_ptr_array_index (set->dispensings, i),
                                                g_ptr_array_index (back, i));
        }
      else
        {
          g_assert_cmpuint (back->len, ==, set->screenings->len);
          for (guint i = 0; i < back->len; i++)
            techo_test_assert_screening_equal (g_ptr_array_index (set->screenings, i),
                                               g_ptr_array_index (back, i));
        }
    }
}

static void
test_parse_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) wide = g_string_new (NULL);
  g_autofree char *huge_cell = NULL;

  rows = techo_csv_parse ("a,\"b\"\"c\",d\r\n1,,3", 16, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[1], ==, "b\"c");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[1], ==, "");
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 1))[2], ==, "3");

  g_assert_null (techo_csv_parse ("a,\"open", 7, &error));
  g_assert_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (techo_csv_parse ("a\xff", 2, &error));
  g_assert_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID);
  g_clear_error (&error);
  for (int i = 0; i < 100; i++)
    g_string_append (wide, "x,");
  g_assert_null (techo_csv_parse (wide->str, wide->len, &error));
  g_assert_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_TOO_LARGE);
  g_clear_error (&error);
  huge_cell = g_strnfill (TECHO_CSV_MAX_FIELD_BYTES + 10, 'y');
  g_assert_null (techo_csv_parse (huge_cell, strlen (huge_cell), &error));
  g_assert_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_null (techo_csv_read_records (TECHO_CATEGORY_CHECKUP, "x,y\r\n", 5, &error));
  g_assert_error (error, TECHO_CSV_ERROR, TECHO_CSV_ERROR_INVALID);
}

static void
test_atomic_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-atomic-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;
  GStatBuf st;
  guint n_files = 0;

  g_assert_true (techo_atomic_file_write (path, "old", 3, NULL, &error));
  g_assert_true (techo_atomic_file_write (path, "new contents", 12, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "new contents");
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  /* No temporary file left beside it. */
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_files++;
  g_assert_cmpuint (n_files, ==, 1);
  /* A folder as target, or a missing folder: a clear error. */
  g_assert_false (techo_atomic_file_write (dir, "x", 1, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);
  {
    g_autofree char *missing = g_build_filename (dir, "no", "such", NULL);

    g_assert_false (techo_atomic_file_write (missing, "x", 1, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  g_unlink (path);
  g_rmdir (dir);
}

static void
exported_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gint64 *id = user_data;
  g_autoptr(GError) error = NULL;

  *id = techo_export_run_finish (TECHO_STORE (object), result, NULL, &error);
  g_assert_no_error (error);
}

static void
test_export_async (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) consent = techo_consent_new ("田中先生", "相談",
                                                       1u << TECHO_CATEGORY_SCREENING, TECHO_CONSENT_METHOD_CSV);
  g_autoptr(TechoConsent) recorded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (f->dir, "out", NULL);
  g_autofree char *file = g_build_filename (dir, "screenings.csv", NULL);
  g_autofree char *other = g_build_filename (dir, "checkups.csv", NULL);
  TechoExportFile csv = { TECHO_EXPORT_FORMAT_CSV, dir };
  gint64 id = 0;

  techo_export_run_async (f->store, 0, consent, &csv, NULL, exported_cb, &id);
  while (id == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
  recorded = techo_store_get_consent_sync (f->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->events->len, ==, 2);
  g_assert_nonnull (strstr (((TechoConsentEvent *) g_ptr_array_index (recorded->events, 1))->detail,
                            "csv: 2 records in 1 files"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv/render", test_render);
  g_test_add_func ("/csv/round-trip", test_round_trip);
  g_test_add_func ("/csv/parse-limits", test_parse_limits);
  g_test_add_func ("/csv/atomic-file", test_atomic_file);
  g_test_add_func ("/csv/export-async", test_export_async);
  return g_test_run ();
}
