/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `techo-cli --data-dir DIR status` creates or opens the store there and
 * reports it, as text or JSON; a locked store exits 3. Runs the real
 * techo-cli built next to the tests. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-store-schema.h"

#include <glib/gstdio.h>

#include "techo-store-schema.h"
#include "techo-store.h"
#include "techo-store-schema.h"
#include "techo-test-util.h"

static int
run_cli (char       **out,
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
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out, NULL, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static void
test_status (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autofree char *dir = g_dir_make_tmp ("techo-cli-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *locked_dir = g_build_filename (dir, "locked", NULL);
  g_autofree char *passphrase_file = g_build_filename (dir, "passphrase", NULL);
  g_autofree char *db = g_build_filename (data_dir, "techo.db", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);
  g_autofree char *out = NULL;
  JsonObject *root;
  JsonObject *counts;
  JsonObject *store;

  if (!g_file_test (cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("techo-cli is not built");
      return;
    }

  /* Creates the store, then reports it as JSON in the agreed shape. */
  g_assert_cmpint (run_cli (&out, "--data-dir", data_dir, "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "techo.db"));
  g_assert_true (g_file_test (db, G_FILE_TEST_IS_REGULAR));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (&out, "status", "--json", "--data-dir", data_dir, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (root, "signed_in"));
  g_assert_true (json_object_get_null_member (root, "issuer"));
  counts = json_object_get_object_member (root, "counts");
  g_assert_cmpint (json_object_get_int_member (counts, "checkup"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (counts, "checkup_item"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (counts, "medication"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (counts, "screening"), ==, 0);
  g_assert_true (json_object_has_member (json_object_get_object_member (root, "last_sync"),
                                         "medication"));
  store = json_object_get_object_member (root, "store");
  g_assert_cmpstr (json_object_get_string_member (store, "path"), ==, db);
  g_assert_cmpstr (json_object_get_string_member (store, "mode"), ==, "keyring");
  g_assert_cmpint (json_object_get_int_member (store, "schema_version"), ==, TECHO_STORE_SCHEMA_VERSION);
  g_clear_pointer (&out, g_free);

  /* A passphrase store: made with --passphrase-file, locked without. */
  g_assert_true (g_file_set_contents (passphrase_file, "a long passphrase\n", -1, NULL));
  g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "status", "--json",
                            "--passphrase-file", passphrase_file, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"passphrase\""));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "status", NULL), ==, 3);
  g_clear_pointer (&out, g_free);

  /* --passphrase-file is global: before the command, for any command. */
  g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "--passphrase-file", passphrase_file,
                            "consents", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "["));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, "--passphrase-file", passphrase_file, "--data-dir", locked_dir,
                            "status", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"passphrase\""));
  g_clear_pointer (&out, g_free);
  /* …and from the file $TECHO_PASSPHRASE_FILE names. */
  g_setenv ("TECHO_PASSPHRASE_FILE", passphrase_file, TRUE);
  g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "consents", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_unsetenv ("TECHO_PASSPHRASE_FILE");
  /* A wrong passphrase is a locked store, not a new one. */
  {
    g_autofree char *wrong = g_build_filename (dir, "wrong", NULL);

    g_assert_true (g_file_set_contents (wrong, "not the passphrase\n", -1, NULL));
    g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "--passphrase-file", wrong,
                              "consents", NULL), ==, 3);
    g_clear_pointer (&out, g_free);
  }
  /* No keyring at all (no session bus): a passphrase store still opens and
   * reports what it holds; the sign-in, kept in the keyring, is unknown. */
  {
    g_autofree char *bus = g_strdup (g_getenv ("DBUS_SESSION_BUS_ADDRESS"));
    g_autofree char *display = g_strdup (g_getenv ("DISPLAY"));
    g_autoptr(JsonParser) no_keyring = json_parser_new ();
    JsonObject *object;

    g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/techo-test-bus", TRUE);
    g_unsetenv ("DISPLAY");
    g_setenv ("TECHO_KEYRING_TIMEOUT", "10", TRUE);
    g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "--passphrase-file",
                              passphrase_file, "status", "--json", NULL), ==, 0);
    g_assert_true (json_parser_load_from_data (no_keyring, out, -1, &error));
    g_assert_no_error (error);
    object = json_node_get_object (json_parser_get_root (no_keyring));
    g_assert_true (json_object_get_null_member (object, "signed_in"));
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object,
                                                                                    "store"),
                                                    "mode"), ==, "passphrase");
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "--passphrase-file",
                              passphrase_file, "status", NULL), ==, 0);
    g_assert_nonnull (strstr (out, "unknown"));
    g_clear_pointer (&out, g_free);
    /* What needs the sign-in says the keyring is missing (exit 3). */
    g_assert_cmpint (run_cli (&out, "--data-dir", locked_dir, "--passphrase-file",
                              passphrase_file, "sync", NULL), ==, 3);
    g_clear_pointer (&out, g_free);
    g_unsetenv ("TECHO_KEYRING_TIMEOUT");
    if (bus != NULL)
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", bus, TRUE);
    if (display != NULL)
      g_setenv ("DISPLAY", display, TRUE);
  }

  /* An empty --data-dir never means the current folder. */
  g_assert_cmpint (run_cli (&out, "--data-dir", "", "status", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  /* Keyring answering nothing while the store exists: exit 3, too. */
  g_assert_true (techo_vault_clear_all (vault, NULL, &error));
  g_assert_cmpint (run_cli (&out, "--data-dir", data_dir, "status", NULL), ==, 3);

  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/cli/status", test_status);
  return g_test_run ();
}
