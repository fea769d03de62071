/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent gate on a real store: every way records leave records its
 * consent ("created") before a byte is written, served or shown, and what
 * left ("sent") after — export in each format, a share link and the share
 * server's answers (print and visit mode are proved through the app in
 * test-app-sharing). A consent that fails validation, names another
 * method or was used already lets nothing leave. The share server sees a
 * revocation at once without a store call per request, and one made by
 * another process (a second store connection) within its refresh. The
 * blocking _sync calls refuse the main thread: a critical when called
 * from a main-loop callback, none from a test body or a worker thread.
 * (That the ledger cannot be written around the gate is proved at build
 * time: src/lib/meson.build and tests/check-layers.py.) */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "techo-share.h"
#include "techo-test-export.h"
#include "techo-thread.h"

static TechoConsent *
consent_for (TechoConsentMethod method)
{
  TechoConsent *c = techo_consent_new ("みどり内科 田中先生", "定期受診の相談",
                                       (1u << TECHO_CATEGORY_CHECKUP) |
                                       (1u << TECHO_CATEGORY_MEDICATION) |
                                       (1u << TECHO_CATEGORY_SCREENING),
                                       method);

  if (method == TECHO_CONSENT_METHOD_SHARE)
    c->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  return c;
}

static TechoConsent *
reload (TechoStore *store,
        gint64      id)
{
  g_autoptr(GError) error = NULL;
  TechoConsent *c = techo_store_get_consent_sync (store, id, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);
  return c;
}

static const char *
event_at (const TechoConsent *c,
          guint               i)
{
  g_assert_cmpuint (i, <, c->events->len);
  return ((TechoConsentEvent *) g_ptr_array_index (c->events, i))->event;
}

static guint
n_consents (TechoStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = techo_store_list_consents_sync (store, NULL, &error);

  g_assert_no_error (error);
  return list->len;
}

/* ---- export, each format --------------------------------------------------- */

typedef struct
{
  TechoExportFile file;
  gboolean checked;
} Writing;

/* The writer the gate hands the record set to: by now the consent must
 * be in the ledger with its "created" event and nothing else, and not a
 * byte written. Then the real export writes. */
static char *
checking_write (TechoDisclosure  *disclosure,
                gpointer          user_data,
                GCancellable     *cancellable,
                GError          **error)
{
  Writing *w = user_data;
  TechoStore *store = techo_disclosure_get_store (disclosure);
  g_autoptr(TechoConsent) in_ledger = reload (store, techo_disclosure_get_consent_id (disclosure));

  g_assert_cmpuint (in_ledger->events->len, ==, 1);
  g_assert_cmpstr (event_at (in_ledger, 0), ==, TECHO_CONSENT_EVENT_CREATED);
  g_assert_false (g_file_test (w->file.path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (techo_record_set_count (techo_disclosure_get_record_set (disclosure)), >, 0);
  w->checked = TRUE;
  return techo_export_write (disclosure, &w->file, cancellable, error);
}

static void
test_export_formats (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  static const char * const formats[] = { "fhir", "fhir-documents", "csv", "cda", "pdf" };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      TechoExportFormat format;
      g_autofree char *gated = g_strdup_printf ("%s/gated-%s", f->dir, formats[i]);
      g_autofree char *direct = g_strdup_printf ("%s/direct-%s", f->dir, formats[i]);
      g_autoptr(TechoConsent) a = NULL;
      g_autoptr(TechoConsent) b = NULL;
      g_autoptr(TechoConsent) logged = NULL;
      g_autoptr(GError) error = NULL;
      Writing w = { 0 };
      TechoDisclosureWriter writer = { 0 };
      struct stat st;

      g_assert_true (techo_export_format_from_string (formats[i], &format));
      a = consent_for (techo_export_format_method (format));
      w.file.format = format;
      w.file.path = gated;
      writer.method = techo_export_format_method (format);
      writer.write = checking_write;
      writer.user_data = &w;
      g_assert_true (techo_disclosure_run_sync (f->store, 0, a, &writer, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (w.checked);
      logged = reload (f->store, a->id);
      g_assert_cmpuint (logged->events->len, ==, 2);
      g_assert_cmpstr (event_at (logged, 1), ==, TECHO_CONSENT_EVENT_SENT);

      /* The export's own entry point is the same gate: consent first
       * (recorded no later than the file's time), "sent" last. */
      b = consent_for (techo_export_format_method (format));
      g_assert_true (techo_export_run_sync (f->store, 0, b, &(TechoExportFile) { format, direct },
                                            NULL, &error));
      g_assert_no_error (error);
      g_clear_pointer (&logged, techo_consent_free);
      logged = reload (f->store, b->id);
      g_assert_cmpuint (logged->events->len, ==, 2);
      g_assert_cmpstr (event_at (logged, 0), ==, TECHO_CONSENT_EVENT_CREATED);
      g_assert_cmpstr (event_at (logged, 1), ==, TECHO_CONSENT_EVENT_SENT);
      g_assert_cmpint (g_stat (direct, &st), ==, 0);
      g_assert_cmpint (logged->created_at, <=, (gint64) st.st_mtime);
      g_test_message ("%s: %s", formats[i],
                      ((TechoConsentEvent *) g_ptr_array_index (logged->events, 1))->detail);
    }
  g_assert_cmpuint (n_consents (f->store), ==, 2 * G_N_ELEMENTS (formats));
}

/* ---- what the gate refuses --------------------------------------------------- */

static char *
never_write (TechoDisclosure  *disclosure,
             gpointer          user_data,
             GCancellable     *cancellable,
             GError          **error)
{
  g_assert_not_reached ();
  return NULL;
}

static char *
failing_write (TechoDisclosure  *disclosure,
               gpointer          user_data,
               GCancellable     *cancellable,
               GError          **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "The disk is full.");
  return NULL;
}

static void
test_refusals (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) nobody = consent_for (TECHO_CONSENT_METHOD_FHIR);
  g_autoptr(TechoConsent) wrong_method = consent_for (TECHO_CONSENT_METHOD_CSV);
  g_autoptr(TechoConsent) used = consent_for (TECHO_CONSENT_METHOD_PDF);
  g_autoptr(TechoConsent) failing = consent_for (TECHO_CONSENT_METHOD_FHIR);
  g_autoptr(TechoConsent) revoked = consent_for (TECHO_CONSENT_METHOD_PRINT);
  g_autoptr(TechoConsent) logged = NULL;
  g_autoptr(TechoDisclosure) disclosure = NULL;
  g_autoptr(GError) error = NULL;
  const TechoDisclosureWriter never = { TECHO_CONSENT_METHOD_NONE, never_write };
  const TechoDisclosureWriter never_fhir = { TECHO_CONSENT_METHOD_FHIR, never_write };
  const TechoDisclosureWriter fails = { TECHO_CONSENT_METHOD_NONE, failing_write };

  /* No recipient: refused before anything is recorded or written. */
  g_clear_pointer (&nobody->recipient, g_free);
  g_assert_false (techo_disclosure_run_sync (f->store, 0, nobody, &never, NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
  g_clear_error (&error);

  /* A consent for CSV does not open a FHIR export. */
  g_assert_false (techo_disclosure_run_sync (f->store, 0, wrong_method, &never_fhir, NULL,
                                             &error));
  g_assert_error (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_METHOD);
  g_clear_error (&error);
  g_assert_cmpuint (n_consents (f->store), ==, 0);

  /* One consent, one disclosure: a recorded consent does not open a second. */
  disclosure = techo_disclosure_open_sync (f->store, 0, used, TECHO_CONSENT_METHOD_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (techo_disclosure_run_sync (f->store, 0, used, &never, NULL, &error));
  g_assert_error (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_RECORDED);
  g_clear_error (&error);
  /* …and "sent" is recorded once. */
  g_assert_true (techo_disclosure_sent_sync (disclosure, "pdf: test", NULL, &error));
  g_assert_no_error (error);
  g_assert_false (techo_disclosure_sent_sync (disclosure, "pdf: again", NULL, &error));
  g_assert_error (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_SENT);
  g_clear_error (&error);
  g_clear_object (&disclosure);

  /* A writer that fails: the consent stays (it was given), nothing "sent". */
  g_assert_false (techo_disclosure_run_sync (f->store, 0, failing, &fails, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_cmpint (failing->id, >, 0);
  logged = reload (f->store, failing->id);
  g_assert_cmpuint (logged->events->len, ==, 1);

  /* Revoked between gathering and sending: "sent" is refused. */
  disclosure = techo_disclosure_open_sync (f->store, 0, revoked, TECHO_CONSENT_METHOD_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_revoke_consent_sync (f->store, revoked->id, NULL, &error));
  g_assert_false (techo_disclosure_sent_sync (disclosure, "printed 1 page(s)", NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_LIVE);
  g_assert_cmpuint (n_consents (f->store), ==, 3);
}

/* A family in one store: the consent names whose records it let out (the
 * first person for 0), the set is that person's, and a person not in the
 * store opens nothing and records nothing. */
static void
test_person (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoProfile) child = techo_profile_new ();
  g_autoptr(TechoConsent) first = consent_for (TECHO_CONSENT_METHOD_PRINT);
  g_autoptr(TechoConsent) second = consent_for (TECHO_CONSENT_METHOD_PRINT);
  g_autoptr(TechoConsent) gone = consent_for (TECHO_CONSENT_METHOD_PRINT);
  g_autoptr(TechoConsent) logged = NULL;
  g_autoptr(TechoDisclosure) disclosure = NULL;
  g_autoptr(GError) error = NULL;
  gint64 child_id = 0;

  child->name = g_strdup ("山田 一郎");
  child->birth_date = g_strdup ("1940-02-03");
  g_assert_true (techo_store_ensure_profile_sync (f->store, child, &child_id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (child_id, !=, f->profile_id);

  disclosure = techo_disclosure_open_sync (f->store, 0, first, TECHO_CONSENT_METHOD_NONE, NULL,
                                           &error);
  g_assert_no_error (error);
  g_assert_cmpint (first->profile_id, ==, f->profile_id);
  logged = reload (f->store, first->id);
  g_assert_cmpint (logged->profile_id, ==, f->profile_id);
  g_clear_pointer (&logged, techo_consent_free);
  g_clear_object (&disclosure);

  disclosure = techo_disclosure_open_sync (f->store, child_id, second, TECHO_CONSENT_METHOD_NONE,
                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (techo_disclosure_get_record_set (disclosure)->profile->name, ==, "山田 一郎");
  g_assert_cmpuint (techo_disclosure_get_record_set (disclosure)->checkups->len, ==, 0);
  logged = reload (f->store, second->id);
  g_assert_cmpint (logged->profile_id, ==, child_id);
  g_clear_object (&disclosure);

  disclosure = techo_disclosure_open_sync (f->store, child_id + 100, gone,
                                           TECHO_CONSENT_METHOD_NONE, NULL, &error);
  g_assert_error (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_NO_PROFILE);
  g_assert_null (disclosure);
  g_assert_cmpint (gone->id, ==, 0);
  g_assert_cmpuint (n_consents (f->store), ==, 2);
}

/* ---- the async gate from a main loop --------------------------------------- */

typedef struct
{
  TechoDisclosure *disclosure;
  gint64 consent_id;
  gboolean done;
  gboolean ok;
} Waiting;

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiting *w = user_data;
  g_autoptr(GError) error = NULL;

  w->disclosure = techo_disclosure_open_finish (TECHO_STORE (source), result, &w->consent_id,
                                                &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Waiting *w = user_data;
  g_autoptr(GError) error = NULL;

  w->ok = techo_disclosure_sent_finish (TECHO_DISCLOSURE (source), result, &error);
  g_assert_no_error (error);
  w->done = TRUE;
}

static void
wait_for (Waiting *w)
{
  while (!w->done)
    g_main_context_iteration (NULL, TRUE);
  w->done = FALSE;
}

/* As visit mode and print use it: open, show, sent — every store call
 * off this thread, so a callback of this loop never blocks (the debug
 * check would make a blocking call here fatal). */
static void
test_async (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) consent = consent_for (TECHO_CONSENT_METHOD_VISIT);
  g_autoptr(TechoConsent) logged = NULL;
  Waiting w = { 0 };

  consent->categories = 1u << TECHO_CATEGORY_SCREENING;
  techo_disclosure_open_async (f->store, 0, consent, TECHO_CONSENT_METHOD_VISIT, NULL,
                               opened_cb, &w);
  wait_for (&w);
  g_assert_nonnull (w.disclosure);
  g_assert_cmpint (w.consent_id, ==, techo_disclosure_get_consent_id (w.disclosure));
  /* Only what the consent covers was gathered. */
  g_assert_cmpuint (techo_disclosure_get_record_set (w.disclosure)->checkups->len, ==, 0);
  g_assert_cmpuint (techo_disclosure_get_record_set (w.disclosure)->dispensings->len, ==, 0);
  g_assert_cmpuint (techo_disclosure_get_record_set (w.disclosure)->screenings->len, >, 0);
  techo_disclosure_sent_async (w.disclosure, "shown in visit mode", NULL, sent_cb, &w);
  wait_for (&w);
  g_assert_true (w.ok);
  g_assert_true (techo_disclosure_is_sent (w.disclosure));
  logged = reload (f->store, w.consent_id);
  g_assert_cmpstr (event_at (logged, 0), ==, TECHO_CONSENT_EVENT_CREATED);
  g_assert_cmpstr (event_at (logged, 1), ==, TECHO_CONSENT_EVENT_SENT);
  g_clear_object (&w.disclosure);
}

/* ---- the share link and the server's answers ------------------------------- */

typedef struct
{
  char *url;
  guint status;
  gint done;
} Asking;

static gpointer
ask_thread (gpointer data)
{
  Asking *a = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", a->url);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"recipient\":\"田中\"}",
                                               strlen ("{\"recipient\":\"田中\"}"));
  g_autoptr(GBytes) answer = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  answer = soup_session_send_and_read (session, msg, NULL, NULL);
  a->status = soup_message_get_status (msg);
  g_atomic_int_set (&a->done, 1);
  return NULL;
}

/* POSTs a manifest request from a client thread while this loop answers. */
static guint
ask (const char *url)
{
  Asking a = { (char *) url, 0, 0 };
  GThread *thread = g_thread_new ("client", ask_thread, &a);

  while (!g_atomic_int_get (&a.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  return a.status;
}

static void
test_share_answers (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoShareServer) server = techo_share_server_new (f->store);
  g_autoptr(TechoConsent) first = consent_for (TECHO_CONSENT_METHOD_SHARE);
  g_autoptr(TechoConsent) second = consent_for (TECHO_CONSENT_METHOD_SHARE);
  g_autoptr(TechoShlPayload) p1 = NULL;
  g_autoptr(TechoShlPayload) p2 = NULL;
  g_autoptr(TechoStore) elsewhere = NULL;
  g_autoptr(TechoConsent) logged = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link1 = NULL;
  g_autofree char *link2 = NULL;
  gint64 end;

  g_assert_true (techo_share_server_listen (server, "127.0.0.1", 0, &error));
  link1 = techo_share_publish_sync (server, 0, first, NULL, NULL, &error);
  g_assert_no_error (error);
  link2 = techo_share_publish_sync (server, 0, second, NULL, NULL, &error);
  g_assert_no_error (error);
  p1 = techo_shl_link_decode (link1, &error);
  p2 = techo_shl_link_decode (link2, &error);
  g_assert_no_error (error);

  /* The server serves nothing under a consent given for another way out. */
  {
    g_autoptr(TechoConsent) print = consent_for (TECHO_CONSENT_METHOD_PRINT);
    g_autoptr(TechoDisclosure) printing = techo_disclosure_open_sync (f->store, 0, print, TECHO_CONSENT_METHOD_NONE,
                                                                      NULL, &error);
    g_autofree char *url = NULL;

    g_assert_no_error (error);
    url = techo_share_server_add (server, techo_disclosure_get_consent (printing), "a.b.c.d.e",
                                  NULL, 0, FALSE, &error);
    g_assert_null (url);
    g_assert_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_cmpuint (techo_share_server_get_n_shares (server), ==, 2);
  }

  /* Answered: the answer is an event after "created" and "sent". */
  g_assert_cmpuint (ask (p1->url), ==, 200);
  logged = reload (f->store, first->id);
  g_assert_cmpuint (logged->events->len, ==, 3);
  g_assert_cmpstr (event_at (logged, 0), ==, TECHO_CONSENT_EVENT_CREATED);
  g_assert_cmpstr (event_at (logged, 1), ==, TECHO_CONSENT_EVENT_SENT);
  g_assert_cmpstr (event_at (logged, 2), ==, TECHO_CONSENT_EVENT_ACCESS);
  g_clear_pointer (&logged, techo_consent_free);

  /* Revoked through this store: refused at the very next request. */
  g_assert_true (techo_store_revoke_consent_sync (f->store, first->id, NULL, &error));
  g_assert_false (techo_share_server_is_live (server, first->id));
  g_assert_cmpuint (ask (p1->url), ==, 404);
  logged = reload (f->store, first->id);
  g_assert_cmpstr (event_at (logged, logged->events->len - 1), ==, TECHO_CONSENT_EVENT_DENIED);

  /* Revoked by another process (here a second connection, which the
   * server does not hear): seen by the server's refresh, off this thread. */
  g_assert_cmpuint (ask (p2->url), ==, 200);
  elsewhere = techo_store_new (f->dir);
  g_assert_true (techo_store_open_sync (elsewhere, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_revoke_consent_sync (elsewhere, second->id, NULL, &error));
  g_assert_true (techo_share_server_is_live (server, second->id));
  end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (techo_share_server_is_live (server, second->id) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (techo_share_server_is_live (server, second->id));
  g_assert_cmpuint (ask (p2->url), ==, 404);
  techo_store_close_sync (elsewhere, NULL, NULL);
}

/* ---- the main-thread check --------------------------------------------------- */

static gboolean
blocking_cb (gpointer user_data)
{
  TechoStore *store = user_data;
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, NULL, NULL);

  return G_SOURCE_REMOVE;
}

static gpointer
worker_thread (gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  return techo_store_list_profiles_sync (user_data, NULL, &error);
}

static void
test_main_thread (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(TechoTestExport) f = techo_test_export_new ();
      g_autoptr(GPtrArray) here = NULL;
      g_autoptr(GPtrArray) there = NULL;
      g_autoptr(GError) error = NULL;

      /* A test body (no loop running) and a worker thread may block. */
      g_assert_false (techo_thread_is_main ());
      here = techo_store_list_profiles_sync (f->store, NULL, &error);
      g_assert_no_error (error);
      there = g_thread_join (g_thread_new ("worker", worker_thread, f->store));
      g_assert_nonnull (there);
      /* A callback of the main loop may not. */
      g_idle_add (blocking_cb, f->store);
      g_main_context_iteration (NULL, FALSE);
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
#ifdef TECHO_CHECK_THREADS
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*a blocking call on the main thread*");
#else
  g_test_trap_assert_passed ();
#endif
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/disclosure/export-formats", test_export_formats);
  g_test_add_func ("/disclosure/refusals", test_refusals);
  g_test_add_func ("/disclosure/person", test_person);
  g_test_add_func ("/disclosure/async", test_async);
  g_test_add_func ("/disclosure/share-answers", test_share_answers);
  g_test_add_func ("/disclosure/main-thread", test_main_thread);
  return g_test_run ();
}
