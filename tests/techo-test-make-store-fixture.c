/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-make-store-fixture OUT: writes the store fixtures that
 * test-store-format opens, with the SQLCipher this machine has (3.4 on
 * Debian 12, 4.x on Debian 13). tests/fixtures/README.md says how they
 * were made; run it in the headless session, for example
 *
 *   build-aux/dev run _build/tests/techo-test-make-store-fixture \
 *     tests/fixtures/sqlcipher3
 *
 * OUT/passphrase/  a passphrase store (passphrase in OUT/fixture.ini)
 * OUT/keyring/     a keyring store; its raw key in OUT/keyring.key, for
 *                  the test to put in its own throwaway keyring
 * OUT/fixture.ini  what was made, with which SQLCipher, and the counts a
 *                  test expects to find again
 *
 * Both stores hold the demo person of techo-test-export.c (made-up data,
 * no real person). OUT must not exist yet: a fixture is never replaced
 * by accident. */

#include "config.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-store.h"
#include "techo-test-export.h"
#include "techo-vault.h"

#define FIXTURE_PASSPHRASE "techo-fixture-passphrase"

static char *
cipher_version (void)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  char *version = NULL;

  if (sqlite3_open (":memory:", &handle) == SQLITE_OK &&
      sqlite3_prepare_v2 (handle, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return version;
}

/* Makes one store in @dir, fills it and records its counts in @ini under
 * [@group]. Returns the keyring key (keyring mode) or NULL. */
static char *
make_store (const char *dir,
            gboolean    passphrase,
            GKeyFile   *ini,
            const char *group)
{
  g_autoptr(TechoStore) store = techo_store_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  char *key = NULL;
  gint64 profile_id;

  if (!techo_store_open_sync (store, passphrase ? FIXTURE_PASSPHRASE : NULL, NULL, &error))
    g_error ("%s: %s", dir, error->message);
  profile_id = techo_test_export_fill (store);
  for (int what = 0; what < TECHO_STORE_N_COUNTS; what++)
    {
      gint64 n = techo_store_count_sync (store, 0, what, NULL, &error);

      if (n < 0)
        g_error ("%s", error->message);
      g_key_file_set_int64 (ini, group, techo_store_count_to_string (what), n);
    }
  set = techo_store_read_records_sync (store, 0, NULL, NULL, &error);
  if (set == NULL)
    g_error ("%s", error->message);
  g_key_file_set_int64 (ini, group, "profile_id", profile_id);
  g_key_file_set_string (ini, group, "name", set->profile->name);
  g_key_file_set_int64 (ini, group, "schema", techo_store_get_schema_version (store));
  g_key_file_set_string (ini, group, "mode",
                         techo_store_mode_to_string (techo_store_get_mode (store)));
  if (!passphrase)
    {
      key = techo_vault_lookup_secret (techo_store_get_vault (store),
                                       TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                       NULL, &error);
      if (key == NULL)
        g_error ("the new store's key: %s", error != NULL ? error->message : "none");
    }
  if (!techo_store_close_sync (store, NULL, &error))
    g_error ("%s", error->message);
  if (!passphrase)
    techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  return key;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GKeyFile) ini = g_key_file_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *version = cipher_version ();
  g_autofree char *out = NULL;
  g_autofree char *passphrase_dir = NULL;
  g_autofree char *keyring_dir = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *key_line = NULL;
  g_auto(TechoSecret) key = NULL;

  if (argc != 2)
    {
      g_printerr ("Usage: %s OUT\n", argv[0]);
      return 2;
    }
  if (g_file_test (argv[1], G_FILE_TEST_EXISTS))
    {
      g_printerr ("%s exists; a fixture is never replaced. Remove it first.\n", argv[1]);
      return 1;
    }
  out = g_canonicalize_filename (argv[1], NULL);
  passphrase_dir = g_build_filename (out, "passphrase", NULL);
  keyring_dir = g_build_filename (out, "keyring", NULL);
  if (g_mkdir_with_parents (out, 0755) != 0)
    g_error ("%s: %s", out, g_strerror (errno));

  g_key_file_set_string (ini, "fixture", "sqlcipher", version != NULL ? version : "unknown");
  g_key_file_set_string (ini, "fixture", "sqlite", sqlite3_libversion ());
  g_key_file_set_string (ini, "fixture", "made_by", "tests/techo-test-make-store-fixture.c");
  g_key_file_set_string (ini, "fixture", "passphrase", FIXTURE_PASSPHRASE);

  make_store (passphrase_dir, TRUE, ini, "passphrase");
  key = make_store (keyring_dir, FALSE, ini, "keyring");

  /* Demo data under a throwaway key: not a secret. */
  key_path = g_build_filename (out, "keyring.key", NULL);
  key_line = g_strdup_printf ("%s\n", key);
  ini_path = g_build_filename (out, "fixture.ini", NULL);
  if (!g_file_set_contents (key_path, key_line, -1, &error) ||
      !g_key_file_save_to_file (ini, ini_path, &error))
    g_error ("%s", error->message);
  techo_wipe (key_line, strlen (key_line));
  g_print ("Made %s with SQLCipher %s\n", out, version != NULL ? version : "unknown");
  return 0;
}
