/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync's pipeline (techo-sync.c): the fetch side runs ahead of the
 * store side by a bounded number of pages, and a sync stopped anywhere in
 * it — a page that fails to come, or a cancel between two stored pages —
 * leaves the stored state at the last stored page: the resumed sync
 * fetches exactly the pages not yet stored, so that no page is stored
 * twice and none is skipped. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-test-portal.h"

/* The bulk citizen, small: 2 years × 40 lines a month, in pages of 40. */
#define LINES_PER_MONTH 40
#define PAGE_LIMIT 40
/* How far the fetch side may be ahead of the page being stored: the
 * queue (2 pages) and the one being fetched. */
#define MAX_AHEAD 3
#define MAX_PAGES 64

static TechoTestSandbox *sandbox;

/* The fault-free sync, page by page: records sent and lines stored after
 * each page, and the store it ends with. */
static struct
{
  guint pages;
  guint records;
  guint records_after[MAX_PAGES + 1];
  gint64 stored_after[MAX_PAGES + 1];
  guint n_requests;
  char *snapshot;
} baseline;

static void
small_pages (TestClient *client)
{
  TechoPortalLimits limits = *techo_portal_client_get_limits (client->client);

  test_client_fast_limits (client, 1);
  limits = *techo_portal_client_get_limits (client->client);
  limits.page_limit = PAGE_LIMIT;
  techo_portal_client_set_limits (client->client, &limits);
}

/* What one run stored, page by page, as its progress said. */
typedef struct
{
  guint pages;
  guint records;
  guint cancel_after;      /* cancel once this many pages are stored; 0 never */
  GCancellable *cancellable;
  guint requests_seen_max; /* requests the sandbox had seen, less those of
                            * stored pages, at the most */
  gboolean count_requests;
  TestClient *client;      /* to count stored lines after each page */
  guint records_after[MAX_PAGES + 1];
  gint64 stored_after[MAX_PAGES + 1];
} Run;

static gint64 stored_lines (TestClient *client);

static void
progress_cb (const TechoSyncProgress *progress,
             gpointer                 user_data)
{
  Run *run = user_data;

  if (progress->finished)
    return;
  run->pages = progress->pages;
  run->records = progress->records;
  g_assert_cmpuint (progress->pages, <=, MAX_PAGES);
  run->records_after[progress->pages] = progress->records;
  if (run->client != NULL)
    run->stored_after[progress->pages] = stored_lines (run->client);
  if (run->count_requests && progress->pages == 2)
    {
      guint seen;

      /* Give the fetch side time to run as far ahead as it may. */
      g_usleep (300 * 1000);
      seen = test_sandbox_request_count (sandbox);
      run->requests_seen_max = MAX (run->requests_seen_max, seen - progress->pages);
    }
  if (run->cancel_after != 0 && progress->pages == run->cancel_after)
    g_cancellable_cancel (run->cancellable);
}

static gboolean
sync_medication (TestClient  *client,
                 Run         *run,
                 GError     **error)
{
  g_autoptr(TechoSync) sync = techo_sync_new (client->store, client->client, client->profile_id);

  techo_sync_set_today_month (sync, TEST_TODAY_MONTH);
  techo_sync_set_progress_func (sync, progress_cb, run, NULL);
  return techo_sync_run_sync (sync, 1u << TECHO_CATEGORY_MEDICATION, NULL, run->cancellable,
                              error);
}

static gint64
stored_lines (TestClient *client)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_sync (client->store, client->profile_id,
                                     TECHO_STORE_COUNT_MEDICATION, NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* The fault-free sync of a fresh client, once. */
static void
ensure_baseline (void)
{
  g_autoptr(TestClient) client = NULL;
  g_autoptr(GError) error = NULL;
  Run run = { 0 };

  if (baseline.snapshot != NULL)
    return;
  client = test_client_new (sandbox, "bulk", NULL);
  small_pages (client);
  test_sandbox_reset_faults (sandbox);
  run.client = client;
  g_assert_true (sync_medication (client, &run, &error));
  g_assert_no_error (error);
  baseline.n_requests = test_sandbox_request_count (sandbox);
  baseline.pages = run.pages;
  baseline.records = run.records;
  memcpy (baseline.records_after, run.records_after, sizeof run.records_after);
  memcpy (baseline.stored_after, run.stored_after, sizeof run.stored_after);
  baseline.snapshot = test_store_snapshot (client->store, client->profile_id);
  g_test_message ("%u pages, %u records, %u requests", baseline.pages, baseline.records,
                  baseline.n_requests);
  /* Many pages, so that the fetch side has room to run ahead. */
  g_assert_cmpuint (baseline.pages, >=, 12);
  g_assert_cmpuint (baseline.n_requests, >, baseline.pages);
}

/* After a run that stopped with @stopped's pages stored: the store holds
 * exactly those pages, and the resumed run stores exactly the others. */
static void
assert_resumes_exactly (TestClient *client,
                        const Run  *stopped)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  Run resumed = { 0 };

  g_assert_cmpuint (stopped->records, ==, baseline.records_after[stopped->pages]);
  g_assert_cmpint (stored_lines (client), ==, baseline.stored_after[stopped->pages]);
  g_assert_true (sync_medication (client, &resumed, &error));
  g_assert_no_error (error);
  /* Not one page fetched again, not one left out. */
  g_assert_cmpuint (stopped->pages + resumed.pages, ==, baseline.pages);
  g_assert_cmpuint (stopped->records + resumed.records, ==, baseline.records);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, baseline.snapshot);
  g_assert_true (techo_store_check_sync (client->store, NULL, &error));
  g_assert_no_error (error);
}

static void
test_bounded_ahead (void)
{
  g_autoptr(TestClient) client = test_client_new (sandbox, "bulk", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  Run run = { 0 };

  ensure_baseline ();
  small_pages (client);
  test_sandbox_reset_faults (sandbox);
  run.count_requests = TRUE;
  g_assert_true (sync_medication (client, &run, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (run.pages, ==, baseline.pages);
  got = test_store_snapshot (client->store, client->profile_id);
  g_assert_cmpstr (got, ==, baseline.snapshot);
  /* The request and its polls come before the pages; however long the
   * store side takes (here 300 ms more after the second page), the fetch
   * side has asked for at most MAX_AHEAD pages beyond the stored ones. */
  g_test_message ("requests beyond the stored pages: %u (before the pages: %u)",
                  run.requests_seen_max, baseline.n_requests - baseline.pages);
  g_assert_cmpuint (run.requests_seen_max, <=, baseline.n_requests - baseline.pages + MAX_AHEAD);
}

static void
test_failing_page (void)
{
  guint first_page;

  ensure_baseline ();
  first_page = baseline.n_requests - baseline.pages + 1;
  /* The k-th page fails (no retries): a first, middle and last one. */
  for (guint k = 1; k <= baseline.pages; k += 5)
    {
      g_autoptr(TestClient) client = test_client_new (sandbox, "bulk", NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *faults = g_strdup_printf ("{\"fail_request\":%u,\"reset_count\":true}",
                                                 first_page + k - 1);
      Run run = { 0 };

      small_pages (client);
      test_sandbox_set_faults (sandbox, faults);
      g_assert_false (sync_medication (client, &run, &error));
      g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE);
      test_sandbox_reset_faults (sandbox);
      /* Every page before the failed one was stored, none after it. */
      g_assert_cmpuint (run.pages, ==, k - 1);
      assert_resumes_exactly (client, &run);
    }
}

static void
test_cancel_between_pages (void)
{
  ensure_baseline ();
  for (guint after = 1; after < baseline.pages; after += 7)
    {
      g_autoptr(TestClient) client = test_client_new (sandbox, "bulk", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      Run run = { 0 };

      small_pages (client);
      test_sandbox_reset_faults (sandbox);
      run.cancellable = cancellable;
      run.cancel_after = after;
      g_assert_false (sync_medication (client, &run, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      /* The pages fetched ahead were dropped, not stored. */
      g_assert_cmpuint (run.pages, ==, after);
      assert_resumes_exactly (client, &run);
    }
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sandbox = techo_test_sandbox_new ("--admin", "--bulk-years=2",
                                    "--bulk-dispensings-per-month=" G_STRINGIFY (LINES_PER_MONTH),
                                    NULL);
  g_test_add_func ("/sync/pipeline/bounded-ahead", test_bounded_ahead);
  g_test_add_func ("/sync/pipeline/failing-page", test_failing_page);
  g_test_add_func ("/sync/pipeline/cancel-between-pages", test_cancel_between_pages);
  status = g_test_run ();
  g_free (baseline.snapshot);
  techo_test_sandbox_stop (sandbox);
  return status;
}
