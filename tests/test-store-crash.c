/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Writes survive crashes: a child process (test-store-crash-child) writes
 * transactions into a real store and is SIGKILLed at random moments, 50
 * times here (TECHO_STORE_KILLS overrides; `build-aux/dev soak` runs 500).
 * After every kill the store must open, pass integrity_check, and hold
 * only whole transactions: each batch has all its rows or none. */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-test-util.h"

#define ROWS 12

static gint64
query (TechoSqlite *db,
       const char  *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = -1;

  g_assert_true (techo_sqlite_query_int64 (db, sql, &value, &error));
  g_assert_no_error (error);
  return value;
}

static gint64
state_batch (TechoSqlite *db,
             const char  *category)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT ifnull ((SELECT CAST (substr (state_json, 10) AS INTEGER) FROM sync_state"
    " WHERE category = '%s'), 0)", category);

  return query (db, sql);
}

/* Opens the store as the child left it (raw connection, key from the
 * keyring: the real open path runs in the child on every round) and
 * checks that only whole transactions are there. Returns the batches
 * complete. */
static gint64
verify (const char *dir,
        const char *hex)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *key = g_strdup_printf ("x'%s'", hex);
  g_autofree char *check = NULL;
  TechoSqlite *db;
  gint64 med, chk;

  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  g_assert_no_error (error);

  {
    g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare (db, "PRAGMA integrity_check",
                                                              &error);

    g_assert_no_error (error);
    g_assert_true (techo_sqlite_step (s, &error));
    g_assert_cmpstr (techo_sqlite_column_text (s, 0), ==, "ok");
  }

  med = state_batch (db, "medication");
  chk = state_batch (db, "checkup");
  g_assert_true (chk == med || chk == med - 1);

  /* No partial batch, and no gap: batches 1..med, ROWS rows each. */
  g_assert_cmpint (query (db, "SELECT count(*) FROM (SELECT pharmacy_code FROM dispensings"
                              " GROUP BY pharmacy_code HAVING count(*) != "
                              G_STRINGIFY (ROWS) ")"), ==, 0);
  g_assert_cmpint (query (db, "SELECT count(DISTINCT pharmacy_code) FROM dispensings"), ==, med);
  g_assert_cmpint (query (db, "SELECT ifnull (max (CAST (pharmacy_code AS INTEGER)), 0)"
                              " FROM dispensings"), ==, med);
  g_assert_cmpint (query (db, "SELECT count(*) FROM checkups"), ==, chk);
  g_assert_cmpint (query (db, "SELECT ifnull (max (CAST (institution_code AS INTEGER)), 0)"
                              " FROM checkups"), ==, chk);
  g_assert_cmpint (query (db, "SELECT count(*) FROM checkup_items"), ==, chk * 5);
  /* Batches rewritten at revision 2 are whole too. */
  g_assert_cmpint (query (db, "SELECT count(*) FROM dispensings WHERE revision = 2"), ==,
                   (med / 3) * ROWS);
  techo_sqlite_close (db);
  return med;
}

static void
test_kills (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-crash-XXXXXX", &error);
  g_autofree char *child = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ?
                                             g_getenv ("G_TEST_BUILDDIR") : ".",
                                             "test-store-crash-child", NULL);
  g_autofree char *rows = g_strdup_printf ("%d", ROWS);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_auto(TechoSecret) hex = NULL;
  const char *kills_env = g_getenv ("TECHO_STORE_KILLS");
  guint kills = kills_env != NULL ? atoi (kills_env) : 50;
  guint killed_writing = 0;
  gint64 batches = 0;

  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GDataInputStream) out = NULL;
      g_autofree char *line = NULL;
      /* One kill in eight lands while the child is still opening. */
      gboolean during_open = k > 0 && g_random_int_range (0, 8) == 0;

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, child, dir, rows, NULL);
      g_assert_no_error (error);
      if (during_open)
        g_usleep (g_random_int_range (0, 30000));
      else
        {
          out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
          line = g_data_input_stream_read_line (out, NULL, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (line, ==, "ready");
          g_usleep (g_random_int_range (1000, 40000));
        }
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (proc))
        {
          g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
          killed_writing += !during_open;
        }
      else
        g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

      if (hex == NULL)
        hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                         NULL, &error);
      g_assert_no_error (error);
      if (hex == NULL)
        continue; /* killed before the store was made */
      batches = verify (dir, hex);
    }

  g_test_message ("%u kills (%u while writing), %" G_GINT64_FORMAT " batches",
                  kills, killed_writing, batches);
  g_assert_cmpuint (killed_writing, >=, kills / 2);
  g_assert_cmpint (batches, >, 0);

  /* The real open path still works and agrees. */
  {
    g_autoptr(TechoStore) store = techo_store_new (dir);

    g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_true (techo_store_check_sync (store, NULL, &error));
    g_assert_cmpint (techo_store_count_sync (store, 0, TECHO_STORE_COUNT_MEDICATION, NULL,
                                             &error), ==, batches * ROWS);
    g_assert_true (techo_store_close_sync (store, NULL, &error));
  }

  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/crash/sigkill", test_kills);
  return g_test_run ();
}
