/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sign-in and sync against a real techo-sandbox over loopback: every demo
 * citizen, idempotence, documents, consent subsets, token refresh (one at
 * a time, rotation, reuse), access-token expiry, sign-out, and no
 * plaintext in the data dir. */

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-test-portal.h"
#include "techo-vault.h"

static TechoTestSandbox *shared_sandbox;

static void
check_citizen (TechoTestSandbox *sandbox,
               const char       *citizen)
{
  g_autoptr(TestClient) client = test_client_new (sandbox, citizen, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  gint64 items = 0;
  gint64 expected[TECHO_N_CATEGORIES];

  g_assert_cmpuint (client->granted, ==, TECHO_SYNC_ALL_CATEGORIES);
  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      gint64 c_items = 0;

      expected[c] = test_sandbox_count (sandbox, client, (TechoCategory) c, &c_items, NULL);
      if (c == TECHO_CATEGORY_CHECKUP)
        items = c_items;
    }
  g_test_message ("%s: %" G_GINT64_FORMAT " checkups (%" G_GINT64_FORMAT " items), %"
                  G_GINT64_FORMAT " medication lines, %" G_GINT64_FORMAT " screenings", citizen,
                  expected[0], items, expected[1], expected[2]);
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_CHECKUP, NULL, NULL), ==, expected[0]);
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_CHECKUP_ITEM, NULL, NULL), ==, items);
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_MEDICATION, NULL, NULL), ==, expected[1]);
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_SCREENING, NULL, NULL), ==, expected[2]);

  /* A second sync changes nothing, and says so: the months it re-reads
   * come back, none counts as changed. */
  first = test_store_snapshot (client->store, client->profile_id);
  {
    g_autoptr(TechoSync) sync = techo_sync_new (client->store, client->client,
                                                client->profile_id);
    TechoSyncProgress progress[TECHO_N_CATEGORIES];
    guint reread = 0;

    techo_sync_set_today_month (sync, TEST_TODAY_MONTH);
    g_assert_true (techo_sync_run_sync (sync, TECHO_SYNC_ALL_CATEGORIES, progress, NULL,
                                        &error));
    g_assert_no_error (error);
    for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
      {
        reread += progress[c].records;
        g_assert_cmpuint (progress[c].changed, ==, 0);
      }
    g_test_message ("%s: second sync re-read %u records, 0 changed", citizen, reread);
  }
  second = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (first, ==, second);

  /* Every checkup has its CDA document. */
  if (expected[0] > 0)
    {
      g_autoptr(GPtrArray) checkups = techo_store_list_checkups_sync (client->store, client->profile_id,
                                                                      0, NULL, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < checkups->len; i++)
        {
          TechoCheckup *checkup = g_ptr_array_index (checkups, i);
          g_autoptr(GBytes) document = techo_store_load_document_sync (client->store, client->profile_id,
                                                                       checkup->id, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (document);
          g_assert_nonnull (g_strstr_len (g_bytes_get_data (document, NULL),
                                          g_bytes_get_size (document), "ClinicalDocument"));
        }
    }
}

static void
test_citizens (void)
{
  const char *citizens[] = { "yamada", "sato", "suzuki" };

  for (guint i = 0; i < G_N_ELEMENTS (citizens); i++)
    check_citizen (shared_sandbox, citizens[i]);
}

static void
test_bulk_citizen (void)
{
  /* The bulk citizen, made small for the suite. */
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--bulk-years=2",
                                                                "--bulk-dispensings-per-month=30",
                                                                NULL);

  check_citizen (sandbox, "bulk");
}

static void
test_no_plaintext (void)
{
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "yamada", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *drug = NULL;
  g_auto(TechoSecret) session = NULL;
  g_autoptr(JsonObject) object = NULL;

  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  test_sandbox_count (shared_sandbox, client, TECHO_CATEGORY_MEDICATION, NULL, &drug);
  g_assert_nonnull (drug);
  session = techo_vault_lookup_secret (techo_store_get_vault (client->store), "oauth", "session",
                                       NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);
  object = techo_json_parse_object_bounded (session, strlen (session), NULL, &error);
  g_assert_no_error (error);

  techo_store_close_sync (client->store, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("looking for %s", drug);
  g_assert_false (test_dir_contains (client->data_dir, drug));
  g_assert_false (test_dir_contains (client->data_dir, techo_json_get_string (object, "refresh_token")));
  g_assert_false (test_dir_contains (client->data_dir, techo_json_get_string (object, "access_token")));
}

static void
test_consent_subset (void)
{
  const char *grant[] = { "checkup", "profile", NULL };
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "sato", grant);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (client->granted, ==, 1u << TECHO_CATEGORY_CHECKUP);
  g_assert_true (test_client_sync (client, 1u << TECHO_CATEGORY_CHECKUP, &error));
  g_assert_no_error (error);
  g_assert_false (test_client_sync (client, 1u << TECHO_CATEGORY_MEDICATION, &error));
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_CONSENT);
  g_assert_nonnull (strstr (error->message, "medication"));
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_MEDICATION, NULL, NULL), ==, 0);
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_CHECKUP, NULL, NULL), >, 0);
}

typedef struct
{
  TechoOAuth *oauth;
  const char *stale;
  GMutex lock;
  GPtrArray *results;
} Race;

static gpointer
refresh_thread (gpointer data)
{
  Race *race = data;
  g_autoptr(GError) error = NULL;
  char *token = techo_oauth_refresh_sync (race->oauth, race->stale, NULL, &error);

  g_assert_no_error (error);
  g_mutex_lock (&race->lock);
  g_ptr_array_add (race->results, token);
  g_mutex_unlock (&race->lock);
  return NULL;
}

static void
test_refresh_one_at_a_time (void)
{
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "sato", NULL);
  g_auto(TechoSecret) stale = techo_oauth_get_access_token (client->oauth, NULL, NULL);
  GThread *threads[10];
  Race race = { client->oauth, stale, { 0 }, g_ptr_array_new_with_free_func (g_free) };
  guint before = techo_oauth_get_n_refreshes (client->oauth);

  g_mutex_init (&race.lock);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("refresh", refresh_thread, &race);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (techo_oauth_get_n_refreshes (client->oauth) - before, ==, 1);
  g_assert_cmpuint (race.results->len, ==, 10);
  for (guint i = 0; i < race.results->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (race.results, i), !=, stale);
      g_assert_cmpstr (g_ptr_array_index (race.results, i), ==, g_ptr_array_index (race.results, 0));
    }
  g_ptr_array_unref (race.results);
  g_mutex_clear (&race.lock);
}

static void
test_reused_refresh_token (void)
{
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "sato", NULL);
  TechoVault *vault = techo_store_get_vault (client->store);
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) old_session = NULL;
  g_auto(TechoSecret) stale = NULL;
  g_autofree char *token = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(TechoOAuth) copy = NULL;
  g_autoptr(TechoPortalClient) copy_client = NULL;
  g_autoptr(TechoSync) sync = NULL;

  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  before = test_store_snapshot (client->store, client->profile_id);

  /* Keep the session as it is, then rotate the refresh token. */
  old_session = techo_vault_lookup_secret (vault, "oauth", "session", NULL, &error);
  g_assert_no_error (error);
  stale = techo_oauth_get_access_token (client->oauth, NULL, &error);
  token = techo_oauth_refresh_sync (client->oauth, stale, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (token);

  /* A stale copy presents the rotated-out refresh token: the server
   * revokes the grant, and the client says to sign in again. */
  g_assert_true (techo_vault_store_secret (vault, "oauth", "session", old_session, NULL, &error));
  copy = techo_oauth_new (vault);
  g_assert_true (techo_oauth_load_sync (copy, NULL, &error));
  g_clear_pointer (&stale, techo_wipe_free);
  stale = techo_oauth_get_access_token (copy, NULL, &error);
  g_clear_pointer (&token, g_free);
  token = techo_oauth_refresh_sync (copy, stale, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN);
  g_assert_nonnull (strstr (error->message, "sign in again"));
  g_clear_error (&error);
  g_assert_false (techo_oauth_is_signed_in (copy));

  /* A sync now stops cleanly, and the data is untouched. */
  copy_client = techo_portal_client_new (copy, techo_test_sandbox_get_issuer (shared_sandbox));
  sync = techo_sync_new (client->store, copy_client, client->profile_id);
  g_assert_false (techo_sync_run_sync (sync, TECHO_SYNC_ALL_CATEGORIES, NULL, NULL, &error));
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN);
  after = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (before, ==, after);
}

static void
test_access_token_expiry (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--access-ttl=1", NULL);
  g_autoptr(TestClient) client = test_client_new (sandbox, "yamada", NULL);
  g_autoptr(TestClient) reference = test_client_new (sandbox, "yamada", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  TechoPortalLimits limits = *techo_portal_client_get_limits (client->client);

  /* Small pages make the sync last several token lifetimes. */
  limits.page_limit = 20;
  techo_portal_client_set_limits (client->client, &limits);
  g_usleep (1100 * 1000);
  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  g_test_message ("%u refreshes", techo_oauth_get_n_refreshes (client->oauth));
  g_assert_cmpuint (techo_oauth_get_n_refreshes (client->oauth), >=, 1);

  g_usleep (1100 * 1000);
  g_assert_true (test_client_sync (reference, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  expected = test_store_snapshot (reference->store, reference->profile_id);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (expected, ==, got);
}

static void
test_sign_out (void)
{
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "sato", NULL);
  TechoVault *vault = techo_store_get_vault (client->store);
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) old_session = NULL;
  g_autoptr(TechoOAuth) copy = NULL;
  g_autofree char *token = NULL;
  g_auto(TechoSecret) lookup = NULL;
  gboolean revoked = FALSE;
  gint64 count;

  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  count = techo_store_count_sync (client->store, client->profile_id, TECHO_STORE_COUNT_MEDICATION,
                                  NULL, NULL);
  old_session = techo_vault_lookup_secret (vault, "oauth", "session", NULL, &error);

  g_assert_true (techo_oauth_sign_out_sync (client->oauth, &revoked, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (revoked);
  g_assert_false (techo_oauth_is_signed_in (client->oauth));
  lookup = techo_vault_lookup_secret (vault, "oauth", "session", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (lookup);

  /* The revoked refresh token no longer works anywhere. */
  g_assert_true (techo_vault_store_secret (vault, "oauth", "session", old_session, NULL, &error));
  copy = techo_oauth_new (vault);
  g_assert_true (techo_oauth_load_sync (copy, NULL, &error));
  token = techo_oauth_refresh_sync (copy, "not-the-current-token", NULL, &error);
  if (token != NULL)
    {
      /* The stored access token was still current: force a refresh. */
      g_autofree char *again = techo_oauth_refresh_sync (copy, token, NULL, &error);

      g_assert_null (again);
    }
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN);

  /* The data stays. */
  g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id,
                                           TECHO_STORE_COUNT_MEDICATION, NULL, NULL), ==, count);
}

typedef struct
{
  GMainLoop *loop;
  guint emissions;
  gboolean ok;
  GError *error;
} AsyncRun;

static void
async_progress_cb (TechoSync               *sync,
                   const TechoSyncProgress *progress,
                   AsyncRun                *run)
{
  g_assert_cmpint (progress->category, <, TECHO_N_CATEGORIES);
  run->emissions++;
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->ok = techo_sync_run_finish (TECHO_SYNC (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

static void
test_async_and_cancel (void)
{
  g_autoptr(TestClient) client = test_client_new (shared_sandbox, "yamada", NULL);
  g_autoptr(TestClient) reference = test_client_new (shared_sandbox, "yamada", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;
  AsyncRun run = { g_main_loop_new (NULL, FALSE), 0, FALSE, NULL };
  TechoPortalLimits limits = *techo_portal_client_get_limits (client->client);

  g_assert_true (test_client_sync (reference, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  expected = test_store_snapshot (reference->store, reference->profile_id);

  /* Cancelled from the main loop after the first progress: a clean
   * G_IO_ERROR_CANCELLED. */
  limits.page_limit = 10;
  techo_portal_client_set_limits (client->client, &limits);
  {
    g_autoptr(TechoSync) sync = techo_sync_new (client->store, client->client, client->profile_id);

    techo_sync_set_today_month (sync, TEST_TODAY_MONTH);
    g_signal_connect_swapped (sync, "progress", G_CALLBACK (g_cancellable_cancel), cancellable);
    techo_sync_run_async (sync, TECHO_SYNC_ALL_CATEGORIES, cancellable, async_done_cb, &run);
    g_main_loop_run (run.loop);
    g_assert_false (run.ok);
    g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&run.error);
  }

  /* Then the same sync, resumed, with progress on the main loop. */
  {
    g_autoptr(TechoSync) sync = techo_sync_new (client->store, client->client, client->profile_id);

    techo_sync_set_today_month (sync, TEST_TODAY_MONTH);
    g_signal_connect (sync, "progress", G_CALLBACK (async_progress_cb), &run);
    techo_sync_run_async (sync, TECHO_SYNC_ALL_CATEGORIES, NULL, async_done_cb, &run);
    g_main_loop_run (run.loop);
    g_assert_no_error (run.error);
    g_assert_true (run.ok);
    while (g_main_context_iteration (NULL, FALSE))
      ;
    g_assert_cmpuint (run.emissions, >, 3);
  }
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, expected);
  g_main_loop_unref (run.loop);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  {
    g_autofree char *binary = g_build_filename (g_getenv ("TECHO_BUILD_ROOT") ? g_getenv ("TECHO_BUILD_ROOT") : ".",
                                                "src", "sandbox", "techo-sandbox", NULL);

    if (!g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
      {
        g_print ("1..0 # SKIP techo-sandbox is not built\n");
        return 0;
      }
  }
  shared_sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_test_add_func ("/portal/citizens", test_citizens);
  g_test_add_func ("/portal/bulk-citizen", test_bulk_citizen);
  g_test_add_func ("/portal/no-plaintext", test_no_plaintext);
  g_test_add_func ("/portal/consent-subset", test_consent_subset);
  g_test_add_func ("/portal/refresh/one-at-a-time", test_refresh_one_at_a_time);
  g_test_add_func ("/portal/refresh/reused-token", test_reused_refresh_token);
  g_test_add_func ("/portal/access-token-expiry", test_access_token_expiry);
  g_test_add_func ("/portal/sign-out", test_sign_out);
  g_test_add_func ("/portal/async-and-cancel", test_async_and_cancel);
  status = g_test_run ();
  techo_test_sandbox_stop (shared_sandbox);
  return status;
}
