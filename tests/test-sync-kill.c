/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli as a user runs it: demo-login, then `sync` SIGKILLed at
 * random moments at least 20 times, each time resumed; the final store
 * equals a fault-free one and passes integrity_check. Also: status after
 * sign-in, no token or health value in what the CLI prints, logout. */

#include "config.h"

#include <signal.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-test-portal.h"
#include "techo-vault.h"
#include "techo-test-util.h"

/* The suite kills at least 20 syncs; `build-aux/dev soak` sets
 * TECHO_SYNC_KILLS for a longer run. */
#define MIN_KILLS 20

static guint
wanted_kills (void)
{
  const char *text = g_getenv ("TECHO_SYNC_KILLS");
  guint64 n = text != NULL ? g_ascii_strtoull (text, NULL, 10) : 0;

  return n > MIN_KILLS ? (guint) MIN (n, 100000) : MIN_KILLS;
}

static TechoTestSandbox *sandbox;

/* Runs techo-cli to the end; returns its exit status. */
static int
run_cli (const char  *data_dir,
         char       **out_stdout,
         char       **out_stderr,
         const char  *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  va_list args;

  g_ptr_array_add (argv, techo_test_program_path ("src/cli/techo-cli"));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (data_dir));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out_stdout, out_stderr, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static gint64
only_profile (TechoStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  return ((TechoProfile *) g_ptr_array_index (profiles, 0))->id;
}

static void
test_kill_and_resume (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-kill-XXXXXX", NULL);
  g_autofree char *baseline = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autofree char *got = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261125);
  guint kills = 0, finished = 0;
  int status;

  {
    g_autoptr(TestClient) reference = test_client_new (sandbox, "yamada", NULL);

    g_assert_true (test_client_sync (reference, TECHO_SYNC_ALL_CATEGORIES, &error));
    g_assert_no_error (error);
    baseline = test_store_snapshot (reference->store, reference->profile_id);
  }

  status = run_cli (data_dir, &out, &err, "demo-login", "--issuer",
                    techo_test_sandbox_get_issuer (sandbox), "--citizen", "yamada", NULL);
  g_test_message ("demo-login: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);

  /* Slow answers and small pages give the kills many places to land. */
  test_sandbox_set_faults (sandbox, "{\"latency_ms\":15}");
  for (guint round = 0; kills < wanted_kills () && round < 10 * wanted_kills (); round++)
    {
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                           G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr(GSubprocess) process = NULL;
      guint delay_ms = g_rand_int_range (rand, 30, 900);

      g_subprocess_launcher_setenv (launcher, "TECHO_SYNC_PAGE_LIMIT", "25", TRUE);
      process = g_subprocess_launcher_spawn (launcher, &error, cli, "--data-dir", data_dir,
                                             "sync", NULL);
      g_assert_no_error (error);
      g_usleep (delay_ms * 1000);
      if (g_subprocess_get_identifier (process) != NULL)
        g_subprocess_send_signal (process, SIGKILL);
      g_subprocess_wait (process, NULL, &error);
      g_assert_no_error (error);
      if (g_subprocess_get_if_signaled (process) &&
          g_subprocess_get_term_sig (process) == SIGKILL)
        kills++;
      else
        {
          g_assert_true (g_subprocess_get_if_exited (process));
          g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);
          finished++;
        }
    }
  g_test_message ("%u kills, %u syncs finished before their kill", kills, finished);
  g_assert_cmpuint (kills, >=, wanted_kills ());

  test_sandbox_set_faults (sandbox, "{\"latency_ms\":0}");
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "sync", NULL);
  g_test_message ("final sync: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  got = test_store_snapshot (store, only_profile (store));
  g_assert_cmpstr (got, ==, baseline);
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_store_close_sync (store, NULL, NULL);
}

/* Counts audit rows of @action by reading the store file directly. */
static gint64
count_audit (const char *data_dir,
             const char *action)
{
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);
  g_auto(TechoSecret) hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                                       "techo.db", NULL, NULL);
  g_autofree char *path = g_build_filename (data_dir, "techo.db", NULL);
  g_autofree char *key = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) error = NULL;
  TechoSqlite *db;
  gint64 count = -1;

  g_assert_nonnull (hex);
  key = g_strdup_printf ("x'%s'", hex);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);
  g_assert_true (techo_sqlite_query_int64 (db, sql, &count, &error));
  g_assert_no_error (error);
  techo_sqlite_close (db);
  techo_wipe (key, strlen (key));
  return count;
}

static void
test_cli_session (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-cli-XXXXXX", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) session = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GPtrArray) dispensings = NULL;
  g_autofree char *all_output = NULL;
  int status;

  /* Refused: a non-loopback issuer for demo-login, sync before sign-in. */
  status = run_cli (data_dir, &out, &err, "demo-login", "--issuer", "https://portal.example.jp",
                    "--citizen", "sato", NULL);
  g_assert_cmpint (status, ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "sync", NULL);
  g_assert_cmpint (status, ==, 4);
  g_assert_nonnull (strstr (err, "login"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (data_dir, &out, &err, "demo-login", "--issuer",
                    techo_test_sandbox_get_issuer (sandbox), "--citizen", "sato", NULL);
  g_assert_cmpint (status, ==, 0);
  all_output = g_strconcat (out, err, NULL);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "sync", NULL);
  g_test_message ("sync stdout: %s", out);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "medication: "));
  g_assert_nonnull (strstr (err, "medication: done"));
  {
    g_autofree char *json = NULL;
    g_autofree char *json_err = NULL;
    g_autoptr(JsonObject) report = NULL;
    JsonObject *counts;
    gint64 n = -1;
    gboolean signed_in = FALSE;
    const char *start;

    g_assert_cmpint (run_cli (data_dir, &json, &json_err, "status", "--json", NULL), ==, 0);
    /* With G_MESSAGES_DEBUG=all GLib writes debug lines to stdout too. */
    start = json[0] == '{' ? json : strstr (json, "\n{") + 1;

    report = techo_json_parse_object_bounded (start, strlen (start), NULL, &error);
    g_assert_no_error (error);
    g_assert_true (techo_json_get_boolean (report, "signed_in", &signed_in));
    g_assert_true (signed_in);
    g_assert_cmpstr (techo_json_get_string (report, "issuer"), ==, techo_test_sandbox_get_issuer (sandbox));
    g_assert_nonnull (techo_json_get_string (report, "consent_expires_at"));
    counts = techo_json_get_object (report, "counts");
    g_assert_true (techo_json_get_int64 (counts, "medication", &n));
    g_assert_cmpint (n, >, 0);
    g_assert_nonnull (techo_json_get_string (techo_json_get_object (report, "last_sync"), "medication"));
    g_assert_null (strstr (json, "token"));
  }
  {
    char *joined = g_strconcat (all_output, out, err, NULL);

    g_free (all_output);
    all_output = joined;
  }

  /* What the CLI printed holds no token and no health value. */
  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  session = techo_vault_lookup_secret (techo_store_get_vault (store), "oauth", "session", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  object = techo_json_parse_object_bounded (session, strlen (session), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (all_output, techo_json_get_string (object, "refresh_token")));
  g_assert_null (strstr (all_output, techo_json_get_string (object, "access_token")));
  dispensings = techo_store_list_dispensings_sync (store, only_profile (store), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (dispensings->len, >, 0);
  for (guint i = 0; i < dispensings->len; i++)
    {
      TechoDispensing *dispensing = g_ptr_array_index (dispensings, i);

      g_assert_null (strstr (all_output, dispensing->drug_name));
    }
  techo_store_close_sync (store, NULL, NULL);
  g_clear_object (&store);

  /* logout: revoked, tokens gone, data kept; sync then needs a login. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "logout", NULL);
  g_test_message ("logout: %s%s", out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "revoked"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "sync", NULL);
  g_assert_cmpint (status, ==, 4);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (data_dir, &out, &err, "status", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"signed_in\" : false"));

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_cmpint (techo_store_count_sync (store, 0, TECHO_STORE_COUNT_MEDICATION, NULL, NULL), ==,
                   (gint64) dispensings->len);
  techo_store_close_sync (store, NULL, NULL);

  /* Sign-in, sync and sign-out each left an audit row. */
  g_assert_cmpint (count_audit (data_dir, "sign-in"), ==, 1);
  g_assert_cmpint (count_audit (data_dir, "sync"), ==, 1);
  g_assert_cmpint (count_audit (data_dir, "sign-out"), ==, 1);
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
}

static void
test_cli_login_no_browser (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-login-XXXXXX", NULL);
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(TechoStore) store = NULL;

  /* Plain http to anything but loopback is refused before any request. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, "login", "--issuer", "http://portal.example.jp",
                            "--no-browser", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "https"));

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, cli, "--data-dir", data_dir,
                              "login", "--issuer", techo_test_sandbox_get_issuer (sandbox),
                              "--no-browser", "--scope", "checkup profile", NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  url = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The first line is the authorization URL and nothing else. */
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (url, techo_test_sandbox_get_issuer (sandbox)));
  g_assert_nonnull (strstr (url, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (url, "redirect_uri=http%3A%2F%2F127.0.0.1%3A"));

  location = test_browse (url, "sato", NULL, &error);
  g_assert_no_error (error);
  message = soup_message_new ("GET", location);
  body = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 0);

  /* The scope setting is kept with the profile's session. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (data_dir, &out, &err, "status", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"checkup profile\""));
  g_assert_nonnull (strstr (out, "\"signed_in\" : true"));

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_store_close_sync (store, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *binary = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  binary = g_build_filename (g_getenv ("TECHO_BUILD_ROOT") ? g_getenv ("TECHO_BUILD_ROOT") : ".",
                             "src", "sandbox", "techo-sandbox", NULL);
  if (!g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("1..0 # SKIP techo-sandbox is not built\n");
      return 0;
    }
  sandbox = techo_test_sandbox_new ("--admin", NULL);
  g_test_add_func ("/sync/cli-session", test_cli_session);
  g_test_add_func ("/sync/cli-login-no-browser", test_cli_login_no_browser);
  g_test_add_func ("/sync/kill-and-resume", test_kill_and_resume);
  status = g_test_run ();
  techo_test_sandbox_stop (sandbox);
  return status;
}
