/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Techo to Techo: what one store shares as a SMART Health Link (the share
 * server on loopback, a passcode) another store imports through the
 * received-link path, with the same number of records of each kind; a
 * wrong passcode says how many attempts are left; a withdrawn share says
 * it has expired. */

#include "config.h"

#include <string.h>

#include "techo-import.h"
#include "techo-share-server.h"
#include "techo-shl-fetch.h"
#include "techo-test-export.h"
#include "techo-test-util.h"

#define PASSCODE "fuji-2468"

typedef struct
{
  GPtrArray *results;
  GError *error;
  gboolean done;
} Wait;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *w = user_data;

  w->results = techo_import_shl_finish (TECHO_STORE (source), result, &w->error);
  w->done = TRUE;
}

/* The share server answers on this thread; the import runs on a worker. */
static GPtrArray *
import_link (TechoStore  *store,
             const char  *link,
             const char  *passcode,
             GError     **error)
{
  Wait w = { 0 };

  techo_import_shl_async (store, 0, link, passcode, NULL, done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.results;
}

static gint64
count (TechoStore      *store,
       gint64           profile_id,
       TechoStoreCount  what)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_sync (store, profile_id, what, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_round_trip (void)
{
  TechoShareOptions options = { PASSCODE, "田中先生へ", FALSE, 5 };
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoShareServer) server = techo_share_server_new (f->store);
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-shl-roundtrip-XXXXXX", NULL);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autoptr(TechoStore) receiver = techo_store_new (store_dir);
  g_autoptr(GPtrArray) results = NULL;
  const TechoImportResult *r;
  static const TechoStoreCount kinds[] = {
    TECHO_STORE_COUNT_CHECKUP, TECHO_STORE_COUNT_CHECKUP_ITEM,
    TECHO_STORE_COUNT_SCREENING, TECHO_STORE_COUNT_MEDICATION,
  };

  g_assert_true (techo_share_server_listen (server, NULL, 0, &error));
  g_assert_no_error (error);
  consent = techo_consent_new ("みどり内科 田中先生", "定期受診の相談", 7, TECHO_CONSENT_METHOD_SHARE);
  consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  link = techo_share_publish_sync (server, f->profile_id, consent, &options, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_open_sync (receiver, NULL, NULL, &error));
  g_assert_no_error (error);

  {
    g_autoptr(GError) wrong = NULL;
    g_autoptr(GPtrArray) none = import_link (receiver, link, "nope", &wrong);

    g_assert_null (none);
    g_assert_error (wrong, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE);
    g_assert_nonnull (strstr (wrong->message, "4 attempts are left"));
  }

  results = import_link (receiver, link, PASSCODE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  r = g_ptr_array_index (results, 0);
  g_assert_true (r->profile_created);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_assert_cmpint (count (receiver, r->profile_id, kinds[i]), ==,
                       count (f->store, f->profile_id, kinds[i]));
      g_assert_cmpint (count (receiver, r->profile_id, kinds[i]), >, 0);
    }

  /* Withdrawn: the server answers 404, the link says it has expired. */
  techo_share_server_remove (server, consent->id);
  {
    g_autoptr(GError) gone = NULL;
    g_autoptr(GPtrArray) none = import_link (receiver, link, PASSCODE, &gone);

    g_assert_error (gone, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EXPIRED);
  }

  techo_store_erase_sync (receiver, NULL, NULL);
  techo_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/shl-roundtrip/share-then-import", test_round_trip);
  return g_test_run ();
}
