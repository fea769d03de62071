/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Stores across SQLCipher releases, with the fixtures of tests/fixtures/
 * (made by techo-test-make-store-fixture; see the README there):
 *
 * - sqlcipher3/: a passphrase store and a keyring store written by the
 *   Debian 12 build (SQLCipher 3.4). They open with whichever SQLCipher
 *   this machine has, with every record: as they are on SQLCipher 3.4;
 *   migrated in place to the 4.x format on SQLCipher 4 (Debian 13), with
 *   an audit row, once.
 * - sqlcipher4/: the same written by SQLCipher 4.6 (Debian 13). SQLCipher
 *   4 opens them; SQLCipher 3.4 refuses them with
 *   TECHO_STORE_ERROR_NEWER_CIPHER and leaves every byte as it was.
 * - a migration killed at points spread over its run (techo-cli status
 *   SIGKILLed; TECHO_MIGRATE_KILLS rounds, 10 here) leaves one good
 *   store, which the next open finishes migrating. SQLCipher 4 only. */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-test-export.h"
#include "techo-test-util.h"
#include "techo-vault.h"

static int
cipher_major (void)
{
  g_autoptr(GError) error = NULL;
  TechoSqlite *db = techo_sqlite_open (":memory:", &error);
  g_autoptr(TechoSqliteStatement) s = NULL;
  int major = 0;

  g_assert_no_error (error);
  s = techo_sqlite_prepare (db, "PRAGMA cipher_version", &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_step (s, &error));
  major = atoi (techo_sqlite_column_text (s, 0));
  g_clear_pointer (&s, techo_sqlite_statement_free);
  techo_sqlite_close (db);
  g_assert_cmpint (major, >=, 3);
  return major;
}

static GKeyFile *
load_fixture (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", name,
                                                 "fixture.ini", NULL);
  g_autoptr(GError) error = NULL;
  GKeyFile *ini = g_key_file_new ();

  g_assert_true (g_key_file_load_from_file (ini, path, G_KEY_FILE_NONE, &error));
  g_assert_no_error (error);
  return ini;
}

/* Copies the fixture's store folder @fixture/@kind into a new temporary
 * folder and returns its path. */
static char *
copy_store (const char *fixture,
            const char *kind)
{
  g_autofree char *from = g_test_build_filename (G_TEST_DIST, "fixtures", fixture, kind, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open (from, 0, &error);
  char *to = g_dir_make_tmp ("techo-format-XXXXXX", &error);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *src = g_build_filename (from, name, NULL);
      g_autofree char *dst = g_build_filename (to, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (src, &contents, &length, &error));
      g_assert_true (g_file_set_contents_full (dst, contents, length, 0, 0600, &error));
      g_assert_no_error (error);
    }
  g_chmod (to, 0700);
  return to;
}

/* Puts the fixture's keyring key into this session's keyring for @dir. */
static void
put_key (const char *fixture,
         const char *dir)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", fixture,
                                                 "keyring.key", NULL);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) key = NULL;

  g_assert_true (g_file_get_contents (path, &key, NULL, &error));
  g_strstrip (key);
  g_assert_true (techo_vault_store_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                           key, NULL, &error));
  g_assert_no_error (error);
}

static void
remove_store (const char *dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (dir);

  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (dir);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

/* Every file of @dir and its bytes, to prove nothing was touched. */
static char *
snapshot (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open (dir, 0, &error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  const char *name;

  g_assert_no_error (error);
  while ((name = g_dir_read_name (listing)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      g_autofree char *sum = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, &error));
      sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      g_string_append_printf (out, "%s %s\n", (char *) names->pdata[i], sum);
    }
  return g_string_free (out, FALSE);
}

/* Opens @dir's techo.db directly with the 4.x (or 3.4's own) settings
 * only, as a later open does; returns how many audit rows say the format
 * was migrated. Asserts the file is whole. */
static gint64
raw_format_rows (const char *dir,
                 const char *key_material)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *settings = g_strdup_printf ("PRAGMA cipher_page_size = 4096;"
                                               "PRAGMA kdf_iter = %d;", TECHO_STORE_KDF_ITER);
  TechoSqlite *db = techo_sqlite_open (path, &error);
  gint64 rows = -1;

  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key_material, &error));
  g_assert_true (techo_sqlite_exec (db, settings, &error));
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM audit_log"
                                           " WHERE action = 'store-format'", &rows, &error));
  g_assert_no_error (error);
  techo_sqlite_close (db);
  return rows;
}

/* The store at @dir opens with @passphrase (NULL: the keyring) and holds
 * every record the fixture's [group] lists. */
static void
assert_store_holds (const char *dir,
                    const char *passphrase,
                    GKeyFile   *ini,
                    const char *group)
{
  g_autoptr(TechoStore) store = techo_store_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  g_autofree char *name = g_key_file_get_string (ini, group, "name", NULL);

  g_assert_true (techo_store_open_sync (store, passphrase, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_schema_version (store), >=,
                   g_key_file_get_int64 (ini, group, "schema", NULL));
  for (int what = 0; what < TECHO_STORE_N_COUNTS; what++)
    {
      const char *key = techo_store_count_to_string (what);

      g_assert_cmpint (techo_store_count_sync (store, 0, what, NULL, &error), ==,
                       g_key_file_get_int64 (ini, group, key, NULL));
      g_assert_no_error (error);
      g_assert_cmpint (g_key_file_get_int64 (ini, group, key, NULL), >, 0);
    }
  set = techo_store_read_records_sync (store, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set->profile);
  g_assert_cmpstr (set->profile->name, ==, name);
  g_assert_cmpstr (name, ==, TECHO_TEST_PATIENT_NAME);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
}

static void
test_sqlcipher3 (gconstpointer data)
{
  const char *kind = data;
  gboolean keyring = g_str_equal (kind, "keyring");
  g_autoptr(GKeyFile) ini = load_fixture ("sqlcipher3");
  g_autofree char *passphrase = g_key_file_get_string (ini, "fixture", "passphrase", NULL);
  g_autofree char *dir = copy_store ("sqlcipher3", kind);
  g_autofree char *marker = g_build_filename (dir, "techo.cipher", NULL);
  g_autofree char *staging = g_build_filename (dir, "techo.db.migrating", NULL);
  g_auto(TechoSecret) key_material = NULL;
  g_autofree char *sqlcipher = g_key_file_get_string (ini, "fixture", "sqlcipher", NULL);
  int major = cipher_major ();

  g_test_message ("fixture made with SQLCipher %s; running SQLCipher %d", sqlcipher, major);
  g_assert_true (g_str_has_prefix (sqlcipher, "3."));
  if (keyring)
    {
      g_autofree char *key_path = g_test_build_filename (G_TEST_DIST, "fixtures", "sqlcipher3",
                                                         "keyring.key", NULL);
      g_autofree char *hex = NULL;

      put_key ("sqlcipher3", dir);
      g_assert_true (g_file_get_contents (key_path, &hex, NULL, NULL));
      key_material = g_strdup_printf ("x'%s'", g_strstrip (hex));
    }
  else
    key_material = g_strdup (passphrase);

  assert_store_holds (dir, keyring ? NULL : passphrase, ini, kind);
  g_assert_false (g_file_test (staging, G_FILE_TEST_EXISTS));
  if (major >= 4)
    {
      g_autofree char *recorded = NULL;

      /* Migrated: the file opens with the 4.x settings alone, says so in
       * its audit log once, and techo.cipher records the format. */
      g_assert_cmpint (raw_format_rows (dir, key_material), ==, 1);
      g_assert_true (g_file_get_contents (marker, &recorded, NULL, NULL));
      g_assert_cmpint (atoi (recorded), ==, major);
    }
  else
    {
      g_assert_cmpint (raw_format_rows (dir, key_material), ==, 0);
      g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
    }

  /* A second open changes nothing more. */
  assert_store_holds (dir, keyring ? NULL : passphrase, ini, kind);
  g_assert_cmpint (raw_format_rows (dir, key_material), ==, major >= 4 ? 1 : 0);
  remove_store (dir);
}

static void
test_sqlcipher4 (gconstpointer data)
{
  const char *kind = data;
  gboolean keyring = g_str_equal (kind, "keyring");
  g_autoptr(GKeyFile) ini = load_fixture ("sqlcipher4");
  g_autofree char *passphrase = g_key_file_get_string (ini, "fixture", "passphrase", NULL);
  g_autofree char *sqlcipher = g_key_file_get_string (ini, "fixture", "sqlcipher", NULL);
  g_autofree char *dir = copy_store ("sqlcipher4", kind);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_str_has_prefix (sqlcipher, "4."));
  if (keyring)
    put_key ("sqlcipher4", dir);
  if (cipher_major () >= 4)
    {
      assert_store_holds (dir, keyring ? NULL : passphrase, ini, kind);
      remove_store (dir);
      return;
    }

  /* SQLCipher 3.4: refused with its own code, every byte left alone, on
   * every try; a wrong passphrase is no different (nothing can open it). */
  before = snapshot (dir);
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(TechoStore) store = techo_store_new (dir);

      g_assert_false (techo_store_open_sync (store, keyring ? NULL
                                                    : round == 0 ? passphrase
                                                                 : "a wrong passphrase",
                                             NULL, &error));
      g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NEWER_CIPHER);
      g_assert_nonnull (strstr (error->message, "Nothing was changed"));
      g_clear_error (&error);
      after = snapshot (dir);
      g_assert_cmpstr (after, ==, before);
      g_clear_pointer (&after, g_free);
    }

  /* Without techo.cipher beside it, it is a key that does not open it. */
  {
    g_autofree char *marker = g_build_filename (dir, "techo.cipher", NULL);
    g_autoptr(TechoStore) store = techo_store_new (dir);

    g_assert_cmpint (g_unlink (marker), ==, 0);
    g_assert_false (techo_store_open_sync (store, keyring ? NULL : passphrase, NULL, &error));
    g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY);
  }
  remove_store (dir);
}

/* Runs `techo-cli --data-dir DIR --passphrase-file F status` and, when
 * @kill_after_us >= 0, SIGKILLs it after that many microseconds. Returns
 * how long it ran (µs). */
static gint64
run_status (const char *dir,
            const char *passphrase_file,
            gint64      kill_after_us,
            gboolean   *out_killed)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  const char *argv[] = { cli, "--data-dir", dir, "--passphrase-file", passphrase_file,
                         "status", NULL };
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  GPid pid;
  int status = 0;

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  if (kill_after_us >= 0)
    {
      g_usleep (kill_after_us);
      kill (pid, SIGKILL);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  *out_killed = WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL;
  if (!*out_killed)
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_spawn_close_pid (pid);
  return g_get_monotonic_time () - start;
}

static void
test_kill_during_migration (void)
{
  g_autoptr(GKeyFile) ini = load_fixture ("sqlcipher3");
  g_autofree char *passphrase = g_key_file_get_string (ini, "fixture", "passphrase", NULL);
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  const char *env = g_getenv ("TECHO_MIGRATE_KILLS");
  int kills = env != NULL ? atoi (env) : 10;
  int swapped = 0, before_swap = 0, with_copy = 0, finished = 0;
  g_autofree char *scratch = NULL;
  g_autofree char *passphrase_file = NULL;
  gint64 full;
  gboolean killed;

  if (cipher_major () < 4)
    {
      g_test_skip ("SQLCipher 3.x has nothing to migrate (runs on Debian 13)");
      return;
    }
  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("techo-cli is not built");
      return;
    }
  scratch = g_dir_make_tmp ("techo-format-kill-XXXXXX", NULL);
  passphrase_file = g_build_filename (scratch, "passphrase", NULL);
  g_assert_true (g_file_set_contents (passphrase_file, passphrase, -1, NULL));

  /* How long a whole migration takes here; the kills spread over it. */
  {
    g_autofree char *dir = copy_store ("sqlcipher3", "passphrase");

    full = run_status (dir, passphrase_file, -1, &killed);
    g_assert_false (killed);
    g_assert_cmpint (raw_format_rows (dir, passphrase), ==, 1);
    remove_store (dir);
  }

  for (int i = 0; i < kills; i++)
    {
      g_autofree char *dir = copy_store ("sqlcipher3", "passphrase");
      g_autofree char *staging = g_build_filename (dir, "techo.db.migrating", NULL);
      gint64 at = full * (i + 1) / (kills + 1);

      run_status (dir, passphrase_file, at, &killed);
      if (!killed)
        finished++;
      else if (g_file_test (staging, G_FILE_TEST_EXISTS))
        with_copy++;

      /* One good store: the old one (a 4.x open fails, and the next open
       * migrates it) or the new one, never both half-way. */
      {
        g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
        g_autofree char *settings = g_strdup_printf ("PRAGMA cipher_page_size = 4096;"
                                                     "PRAGMA kdf_iter = %d;",
                                                     TECHO_STORE_KDF_ITER);
        g_autoptr(GError) error = NULL;
        TechoSqlite *db = techo_sqlite_open (path, &error);
        gint64 n = 0;

        g_assert_no_error (error);
        g_assert_true (techo_sqlite_key (db, passphrase, &error));
        g_assert_true (techo_sqlite_exec (db, settings, &error));
        if (techo_sqlite_query_int64 (db, "SELECT count(*) FROM sqlite_master", &n, &error))
          swapped++;
        else
          {
            g_assert_error (error, TECHO_SQLITE_ERROR, SQLITE_NOTADB);
            before_swap++;
          }
        techo_sqlite_close (db);
      }

      assert_store_holds (dir, passphrase, ini, "passphrase");
      g_assert_false (g_file_test (staging, G_FILE_TEST_EXISTS));
      g_assert_cmpint (raw_format_rows (dir, passphrase), ==, 1);
      remove_store (dir);
    }
  g_test_message ("migration %" G_GINT64_FORMAT " ms; %d kills: %d before the swap "
                  "(%d with a copy left), %d after it, %d finished first",
                  full / 1000, kills, before_swap, with_copy, swapped - finished, finished);
  g_assert_cmpint (before_swap + swapped, ==, kills);
  techo_test_remove_tree (scratch);
}

/* Medication lines of a made-up person, ids @first … @first + @n - 1. */
static GPtrArray *
made_up_lines (guint first,
               guint n)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);

  for (guint i = first; i < first + n; i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("med-old-settings-%05u", i);
      d->revision = 1;
      d->dispensed_on = g_strdup_printf ("20%02u-%02u-15", 10 + i / 300, 1 + (i / 25) % 12);
      d->pharmacy_name = g_strdup ("さくら薬局");
      d->drug_name = g_strdup ("アムロジピン錠5mg");
      d->quantity = 28;
      d->days = 28;
      d->provenance.origin = TECHO_ORIGIN_PORTAL;
      g_ptr_array_add (lines, d);
    }
  return lines;
}

/* A store written with the connection settings of earlier builds (the
 * default 2 MiB page cache, the WAL folded back every 1000 pages; the file
 * format, cipher_page_size 4096, never changed) opens with today's and
 * keeps every record: those folded into the file and those still in the
 * WAL of a connection that is still open. */
static void
test_old_connection_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-format-XXXXXX", &error);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) first = made_up_lines (0, 300);
  g_autoptr(GPtrArray) second = made_up_lines (300, 300);
  g_autoptr(GPtrArray) third = made_up_lines (600, 300);
  g_autofree char *state = NULL;
  g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "techo.db-wal", NULL);
  TechoStore *store;
  TechoSqlite *old;
  gint64 profile_id = 0, pages = 0, count;

  g_assert_no_error (error);
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("old-settings");
  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, "old settings passphrase", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error));
  g_assert_no_error (error);
  techo_store_close_sync (store, NULL, NULL);
  g_clear_object (&store);

  /* A connection as earlier builds made it, writing two pages: the first
   * is folded into the file, the second stays in the WAL. */
  old = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (old, "old settings passphrase", &error));
  g_assert_true (techo_sqlite_exec (old, "PRAGMA cipher_page_size = 4096;"
                                         "PRAGMA kdf_iter = 256000;", &error));
  g_assert_true (techo_sqlite_query_int64 (old, "PRAGMA page_size", &pages, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pages, ==, 4096);
  g_assert_true (techo_sqlite_exec (old, "PRAGMA journal_mode = WAL;"
                                         "PRAGMA synchronous = FULL;"
                                         "PRAGMA cache_size = -2000;"
                                         "PRAGMA wal_autocheckpoint = 1000;"
                                         "PRAGMA foreign_keys = ON;"
                                         "PRAGMA temp_store = MEMORY;"
                                         "PRAGMA secure_delete = ON;", &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_upsert_page_on (old, profile_id, TECHO_CATEGORY_MEDICATION, first,
                                             "{\"watermark\":\"201912\"}", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_exec (old, "PRAGMA wal_checkpoint (TRUNCATE);"
                                         "PRAGMA wal_autocheckpoint = 0;", &error));
  g_assert_true (techo_store_upsert_page_on (old, profile_id, TECHO_CATEGORY_MEDICATION, second,
                                             "{\"watermark\":\"202012\"}", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* Today's settings read both, check the file whole and write on. */
  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, "old settings passphrase", NULL, &error));
  g_assert_no_error (error);
  count = techo_store_count_sync (store, profile_id, TECHO_STORE_COUNT_MEDICATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 600);
  state = techo_store_get_sync_state_sync (store, profile_id, TECHO_CATEGORY_MEDICATION, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state, ==, "{\"watermark\":\"202012\"}");
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               third, NULL, NULL, &error));
  g_assert_no_error (error);
  techo_sqlite_close (old);
  techo_store_close_sync (store, NULL, NULL);
  g_clear_object (&store);

  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, "old settings passphrase", NULL, &error));
  g_assert_no_error (error);
  count = techo_store_count_sync (store, profile_id, TECHO_STORE_COUNT_MEDICATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count, ==, 900);
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  techo_store_close_sync (store, NULL, NULL);
  g_clear_object (&store);
  remove_store (dir);
}

/* With the WAL folded back only every 2000 pages, a sync's pages sit in
 * techo.db-wal for a while: SQLCipher encrypts its frames as it does the
 * file's pages, so neither the WAL nor its index holds a stored value,
 * and the store checks whole while they are there. */
static void
test_wal_encrypted (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-format-XXXXXX", &error);
  g_autofree char *wal = g_build_filename (dir, "techo.db-wal", NULL);
  g_autofree char *shm = g_build_filename (dir, "techo.db-shm", NULL);
  g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) lines = made_up_lines (0, 500);
  TechoStore *store;
  gint64 profile_id = 0;
  GStatBuf st;

  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (lines, i);

      g_free (d->drug_name);
      d->drug_name = g_strdup ("WALMARKERDRUG テクノ錠");
    }
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("wal-marker");
  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, "wal passphrase", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error));
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               lines, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Still open: the pages are in the WAL, not yet in the file. */
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 100 * 1024);
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_false (techo_test_file_contains (wal, "WALMARKERDRUG"));
  g_assert_false (techo_test_file_contains (wal, "テクノ錠"));
  g_assert_false (techo_test_file_contains (wal, "med-old-settings-00042"));
  g_assert_false (techo_test_file_contains (shm, "WALMARKERDRUG"));
  g_assert_false (techo_test_file_contains (db, "WALMARKERDRUG"));
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_count_sync (store, profile_id, TECHO_STORE_COUNT_MEDICATION,
                                           NULL, &error), ==, 500);

  techo_store_close_sync (store, NULL, NULL);
  g_clear_object (&store);
  g_assert_false (techo_test_file_contains (db, "WALMARKERDRUG"));
  remove_store (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/store/format/sqlcipher3/passphrase", "passphrase", test_sqlcipher3);
  g_test_add_data_func ("/store/format/sqlcipher3/keyring", "keyring", test_sqlcipher3);
  g_test_add_data_func ("/store/format/sqlcipher4/passphrase", "passphrase", test_sqlcipher4);
  g_test_add_data_func ("/store/format/sqlcipher4/keyring", "keyring", test_sqlcipher4);
  g_test_add_func ("/store/format/kill-during-migration", test_kill_during_migration);
  g_test_add_func ("/store/format/old-connection-settings", test_old_connection_settings);
  g_test_add_func ("/store/format/wal-encrypted", test_wal_encrypted);
  return g_test_run ();
}
