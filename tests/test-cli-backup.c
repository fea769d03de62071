/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli backup and restore on a real store: the backup is encrypted,
 * 0600 and checked; restore brings back exactly what was backed up; a
 * damaged backup, or one that would overwrite a file, is refused and the
 * store stays as it was. Runs the real techo-cli built next to the tests. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "techo-store.h"
#include "techo-test-util.h"

#define MARKER_DRUG "MARKERDRUG-バックアップ錠"

static int
run_cli (char       **err,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  va_list ap;

  g_ptr_array_add (args, cli);
  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

/* Opens the store at @data_dir, adds @n dispensings numbered from @first,
 * and closes it again. */
static void
add_dispensings (const char *data_dir,
                 int         first,
                 int         n)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  profile->issuer = g_strdup ("http://127.0.0.1:1");
  profile->subject = g_strdup ("backup-test");
  profile->name = g_strdup ("試験 太郎");
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error));
  g_assert_no_error (error);

  for (int i = first; i < first + n; i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("med-%04d", i);
      d->revision = 1;
      d->source = g_strdup ("dispensing");
      d->dispensed_on = g_strdup ("2026-10-01");
      d->drug_name = g_strdup (MARKER_DRUG);
      d->yj_code = g_strdup ("2171022F1020");
      d->quantity = 1;
      d->days = 28;
      g_ptr_array_add (records, d);
    }
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               records, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
}

static gint64
count_dispensings (const char *data_dir)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(GError) error = NULL;
  gint64 n;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  n = techo_store_count_sync (store, 0, TECHO_STORE_COUNT_MEDICATION, NULL, &error);
  g_assert_no_error (error);
  techo_store_close_sync (store, NULL, NULL);
  return n;
}

static void
test_backup_restore (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-backup-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *backup = g_build_filename (dir, "techo-backup.db", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.db", NULL);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  struct stat st;

  add_dispensings (data_dir, 0, 30);
  g_assert_cmpint (count_dispensings (data_dir), ==, 30);

  /* Backup: exit 0, a new 0600 file, encrypted (no marker in clear). */
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "backup", "--out", backup, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (g_stat (backup, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_false (techo_test_file_contains (backup, "MARKERDRUG"));
  g_assert_false (techo_test_file_contains (backup, "SQLite format 3"));

  /* A second backup to the same file is refused; the file is untouched. */
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "backup", "--out", backup, NULL), !=, 0);
  g_assert_nonnull (err);
  g_assert_cmpuint (strlen (err), >, 0);
  g_clear_pointer (&err, g_free);

  /* More data after the backup; restore brings back exactly the 30. */
  add_dispensings (data_dir, 30, 12);
  g_assert_cmpint (count_dispensings (data_dir), ==, 42);
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "restore", "--from", backup, NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (count_dispensings (data_dir), ==, 30);

  /* A damaged backup (bytes flipped in its middle) is refused with a
   * message, and the store keeps its 30 records. */
  g_assert_true (g_file_get_contents (backup, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 8192);
  for (gsize i = length / 2; i < length / 2 + 64; i++)
    contents[i] ^= 0x5a;
  g_assert_true (g_file_set_contents (damaged, contents, length, NULL));
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "restore", "--from", damaged, NULL), !=, 0);
  g_assert_nonnull (err);
  g_assert_cmpuint (strlen (err), >, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (count_dispensings (data_dir), ==, 30);

  /* Usage errors exit 2. */
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "backup", NULL), ==, 2);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&err, "--data-dir", data_dir, "restore", NULL), ==, 2);

  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/cli/backup-restore", test_backup_restore);
  return g_test_run ();
}
