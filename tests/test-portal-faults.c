/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sync under every fault the sandbox can make, switched at run time
 * through its admin endpoint: the final store equals the fault-free one,
 * or the sync stops with a clear error and nothing from a bad page is
 * stored. Then "fail the k-th request" for every k, each followed by a
 * resume: the store is identical to the fault-free one every time. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-test-portal.h"

/* A small citizen keeps the k loop short. */
#define CITIZEN "sato"

static TechoTestSandbox *sandbox;
static char *baseline;

static void
assert_converges_under (const char *faults)
{
  g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  test_sandbox_set_faults (sandbox, faults);
  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  test_sandbox_reset_faults (sandbox);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, baseline);
}

static void
test_latency (void)
{
  assert_converges_under ("{\"latency_ms\":30}");
}

static void
test_server_errors (void)
{
  assert_converges_under ("{\"error_rate\":0.3}");
}

static void
test_throttling (void)
{
  assert_converges_under ("{\"throttle_rate\":0.3,\"retry_after\":1}");
}

static void
test_maintenance (void)
{
  assert_converges_under ("{\"maintenance_seconds\":1}");
}

static void
test_truncated (void)
{
  assert_converges_under ("{\"truncate_rate\":0.3}");
}

static void
test_malformed (void)
{
  assert_converges_under ("{\"malformed_rate\":0.3}");
}

static void
test_mild_drip (void)
{
  g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  TechoPortalLimits limits = *techo_portal_client_get_limits (client->client);

  /* Small pages so that a drip of 16 bytes per ms ends in time. */
  limits.page_limit = 10;
  techo_portal_client_set_limits (client->client, &limits);
  test_sandbox_set_faults (sandbox, "{\"drip_ms\":1}");
  g_assert_true (test_client_sync (client, 1u << TECHO_CATEGORY_SCREENING, &error));
  g_assert_no_error (error);
  test_sandbox_reset_faults (sandbox);
  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, baseline);
}

/* A fault that never clears: the sync stops with @code, stores nothing
 * of what failed, and a fault-free sync afterwards converges. */
static void
assert_clean_failure (const char *faults,
                      guint       max_attempts,
                      guint       deadline,
                      int         code)
{
  g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  TechoPortalLimits limits;

  test_client_fast_limits (client, max_attempts);
  limits = *techo_portal_client_get_limits (client->client);
  limits.max_wait_seconds = 2;
  limits.deadline_seconds = deadline;
  techo_portal_client_set_limits (client->client, &limits);

  test_sandbox_set_faults (sandbox, faults);
  g_assert_false (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_test_message ("%s → %s", faults, error->message);
  g_assert_error (error, TECHO_PORTAL_ERROR, code);
  g_clear_error (&error);
  test_sandbox_reset_faults (sandbox);
  for (guint c = 0; c < TECHO_STORE_N_COUNTS; c++)
    g_assert_cmpint (techo_store_count_sync (client->store, client->profile_id, (TechoStoreCount) c,
                                             NULL, NULL), ==, 0);

  techo_portal_limits_init_default (&limits);
  test_client_fast_limits (client, 8);
  g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
  g_assert_no_error (error);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, baseline);
}

static void
test_never_finishes (void)
{
  assert_clean_failure ("{\"never_finish\":true}", 8, 10, TECHO_PORTAL_ERROR_TIMEOUT);
}

static void
test_always_malformed (void)
{
  assert_clean_failure ("{\"malformed_rate\":1}", 3, 10, TECHO_PORTAL_ERROR_BAD_DATA);
}

static void
test_always_down (void)
{
  assert_clean_failure ("{\"error_rate\":1}", 3, 10, TECHO_PORTAL_ERROR_UNAVAILABLE);
}

static void
test_expired_results (void)
{
  assert_clean_failure ("{\"expire_results\":true}", 3, 10, TECHO_PORTAL_ERROR_EXPIRED);
}

static void
test_slow_drip (void)
{
  assert_clean_failure ("{\"drip_ms\":200}", 2, 1, TECHO_PORTAL_ERROR_TIMEOUT);
}

static void
test_fail_kth_request (void)
{
  guint n_requests;

  /* How many counted requests a fault-free sync makes. */
  {
    g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
    g_autoptr(GError) error = NULL;

    test_sandbox_reset_faults (sandbox);
    g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
    g_assert_no_error (error);
    n_requests = test_sandbox_request_count (sandbox);
    g_test_message ("a fault-free sync makes %u requests", n_requests);
    g_assert_cmpuint (n_requests, >, 5);
  }

  for (guint k = 1; k <= n_requests + 1; k++)
    {
      g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *faults = g_strdup_printf ("{\"fail_request\":%u,\"reset_count\":true}", k);
      g_autofree char *got = NULL;
      gboolean ok;

      /* No retries: the k-th request ends the sync, which must resume. */
      test_client_fast_limits (client, 1);
      test_sandbox_set_faults (sandbox, faults);
      ok = test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error);
      if (k <= n_requests)
        {
          g_assert_false (ok);
          g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE);
        }
      g_clear_error (&error);
      test_sandbox_reset_faults (sandbox);
      g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
      g_assert_no_error (error);
      got = test_store_snapshot (client->store, client->profile_id);
      g_assert_cmpstr (got, ==, baseline);
      g_assert_true (techo_store_check_sync (client->store, NULL, &error));
      g_assert_no_error (error);
    }

  /* And with retries on, every k converges in one run. */
  for (guint k = 1; k <= n_requests; k++)
    {
      g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *faults = g_strdup_printf ("{\"fail_request\":%u,\"reset_count\":true}", k);
      g_autofree char *got = NULL;

      test_sandbox_set_faults (sandbox, faults);
      g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
      g_assert_no_error (error);
      test_sandbox_reset_faults (sandbox);
      got = test_store_snapshot (client->store, client->profile_id);
      g_assert_cmpstr (got, ==, baseline);
    }
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
  {
    g_autoptr(TestClient) client = test_client_new (sandbox, CITIZEN, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_true (test_client_sync (client, TECHO_SYNC_ALL_CATEGORIES, &error));
    g_assert_no_error (error);
    baseline = test_store_snapshot (client->store, client->profile_id);
  }

  g_test_add_func ("/portal/faults/latency", test_latency);
  g_test_add_func ("/portal/faults/server-errors", test_server_errors);
  g_test_add_func ("/portal/faults/throttling", test_throttling);
  g_test_add_func ("/portal/faults/maintenance", test_maintenance);
  g_test_add_func ("/portal/faults/truncated", test_truncated);
  g_test_add_func ("/portal/faults/malformed", test_malformed);
  g_test_add_func ("/portal/faults/mild-drip", test_mild_drip);
  g_test_add_func ("/portal/faults/never-finishes", test_never_finishes);
  g_test_add_func ("/portal/faults/always-malformed", test_always_malformed);
  g_test_add_func ("/portal/faults/always-down", test_always_down);
  g_test_add_func ("/portal/faults/expired-results", test_expired_results);
  g_test_add_func ("/portal/faults/slow-drip", test_slow_drip);
  g_test_add_func ("/portal/faults/fail-kth-request", test_fail_kth_request);
  status = g_test_run ();
  g_free (baseline);
  techo_test_sandbox_stop (sandbox);
  return status;
}
