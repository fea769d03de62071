/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Sharing page, the share dialog, visit mode and printing under Xvfb
 * on a real encrypted store: the consent is in the store before a file
 * is written, Cancel records nothing, the ledger lists what left, Stop
 * makes a live link answer 404 over real HTTP on loopback, visit mode
 * shows only the consented categories and leaving it asks first.
 * Screenshots go to meson-logs/screenshots (the suite runs this once in
 * English and once in Japanese). */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>

#include "techo-alert.h"
#include "techo-consent.h"
#include "techo-format.h"
#include "techo-pin-dialog.h"
#include "techo-record-scope.h"
#include "techo-share-dialog.h"
#include "techo-sharing-page.h"
#include "techo-shl.h"
#include "techo-test-export.h"
#include "techo-visit-window.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

#define TODAY "2025-05-25"

typedef struct
{
  TechoTestExport *data;
  TechoWindow *window;
  TechoSharingPage *page;
  char *out_dir;
} Fixture;

static const char *
lang (void)
{
  return techo_format_is_japanese () ? "ja" : "en";
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *file_name = g_strdup_printf ("app-%s-sharing-%s.png", lang (), name);

  techo_test_app_save_screenshot (widget, file_name, 300);
}

static void
wait_for_main (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (techo_window_get_mode (fixture->window) != TECHO_WINDOW_MODE_MAIN
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_MAIN);
  g_assert_nonnull (techo_window_get_records (fixture->window));
  /* Sharing offers the whole history, which follows the dashboard. */
  while (!techo_window_get_records (fixture->window)->complete
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (techo_window_get_records (fixture->window)->complete);
}

static void
wait_for_ledger (Fixture *fixture,
                 guint    n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  techo_sharing_page_reload (fixture->page);
  while ((techo_sharing_page_is_loading (fixture->page)
          || techo_sharing_page_get_n_consents (fixture->page) != n)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (techo_sharing_page_get_n_consents (fixture->page), ==, n);
}

static void
wait_for_step (TechoShareDialog *dialog,
               const char       *step)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (techo_share_dialog_get_step (dialog), step) != 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  if (g_strcmp0 (techo_share_dialog_get_step (dialog), step) != 0)
    g_test_message ("dialog error: %s", techo_share_dialog_get_error (dialog));
  g_assert_cmpstr (techo_share_dialog_get_step (dialog), ==, step);
}

static GPtrArray *
list_consents (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *consents = techo_store_list_consents_sync (fixture->data->store, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (consents);
  return consents;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data = techo_test_export_new ();
  fixture->out_dir = g_dir_make_tmp ("techo-share-out-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  techo_window_set_store (fixture->window, fixture->data->store);
  fixture->page = TECHO_SHARING_PAGE (techo_window_get_page (fixture->window, "sharing"));
  wait_for_main (fixture);
  techo_window_show_page (fixture->window, "sharing");
  wait_for_ledger (fixture, 0);
}

static void
close_toplevels (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (TECHO_IS_SHARE_DIALOG (l->data) || TECHO_IS_VISIT_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  close_toplevels ();
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  techo_test_app_pump (50);
  techo_test_export_free (fixture->data);
  techo_test_remove_tree (fixture->out_dir);
  g_free (fixture->out_dir);
}

static TechoShareDialog *
open_dialog (Fixture            *fixture,
             TechoConsentMethod  method,
             guint               categories)
{
  TechoShareDialog *dialog = techo_sharing_page_open_dialog (fixture->page, method);

  g_object_ref (dialog);
  techo_share_dialog_fill (dialog, "みどり内科 田中先生", "受診のため", categories);
  return dialog;
}

#define ALL_CATEGORIES ((1u << TECHO_CATEGORY_CHECKUP) | (1u << TECHO_CATEGORY_MEDICATION) \
                        | (1u << TECHO_CATEGORY_SCREENING))

/* ---- the tests ----------------------------------------------------------- */

static void
test_empty_and_cancel (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autofree char *target = g_build_filename (fixture->out_dir, "cancelled.json", NULL);

  g_assert_cmpuint (techo_sharing_page_get_n_consents (fixture->page), ==, 0);
  save_screenshot (GTK_WIDGET (fixture->window), "1-empty");

  /* An incomplete form does not go on, and says why. */
  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_FHIR, ALL_CATEGORIES);
  techo_share_dialog_fill (dialog, "", "", ALL_CATEGORIES);
  g_assert_false (techo_share_dialog_next (dialog));
  g_assert_cmpstr (techo_share_dialog_get_step (dialog), ==, "form");
  g_assert_nonnull (techo_share_dialog_get_error (dialog));
  techo_share_dialog_fill (dialog, "みどり内科 田中先生", "受診のため", 0);
  g_assert_false (techo_share_dialog_next (dialog));

  /* Filled in, to the summary, then Back and Cancel: nothing recorded,
   * nothing written. */
  techo_share_dialog_fill (dialog, "みどり内科 田中先生", "受診のため", ALL_CATEGORIES);
  techo_share_dialog_set_output_path (dialog, target);
  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_cmpstr (techo_share_dialog_get_step (dialog), ==, "summary");
  save_screenshot (GTK_WIDGET (dialog), "2-summary");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "window.close", NULL);
  techo_test_app_pump (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (dialog)));
  g_assert_cmpint (techo_share_dialog_get_consent_id (dialog), ==, 0);
  consents = list_consents (fixture);
  g_assert_cmpuint (consents->len, ==, 0);
  g_assert_false (g_file_test (target, G_FILE_TEST_EXISTS));
  wait_for_ledger (fixture, 0);
}

static void
test_export_consent_first (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autofree char *target = g_build_filename (fixture->out_dir, "for-the-doctor.json", NULL);
  g_autofree char *contents = NULL;
  const TechoConsent *consent;
  const TechoConsentEvent *first, *last;
  struct stat st;

  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_FHIR, ALL_CATEGORIES);
  techo_share_dialog_set_output_path (dialog, target);
  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_true (techo_share_dialog_next (dialog));
  wait_for_step (dialog, "done");
  save_screenshot (GTK_WIDGET (dialog), "3-saved");

  /* The file is there, 0600, and holds the records. */
  g_assert_true (g_file_get_contents (target, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"resourceType\""));
  g_assert_nonnull (strstr (contents, "Bundle"));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* One consent, given before the file was sent: "created" is its first
   * event, "sent" comes after and names the file. */
  consents = list_consents (fixture);
  g_assert_cmpuint (consents->len, ==, 1);
  consent = g_ptr_array_index (consents, 0);
  g_assert_cmpint (consent->id, ==, techo_share_dialog_get_consent_id (dialog));
  g_assert_cmpint (consent->method, ==, TECHO_CONSENT_METHOD_FHIR);
  g_assert_cmpstr (consent->recipient, ==, "みどり内科 田中先生");
  g_assert_cmpuint (consent->events->len, >=, 2);
  first = g_ptr_array_index (consent->events, 0);
  last = g_ptr_array_index (consent->events, consent->events->len - 1);
  g_assert_cmpstr (first->event, ==, TECHO_CONSENT_EVENT_CREATED);
  g_assert_cmpstr (last->event, ==, TECHO_CONSENT_EVENT_SENT);
  g_assert_cmpint (first->id, <, last->id);
  g_assert_cmpint (consent->created_at, <=, (gint64) st.st_mtime);

  /* The ledger lists it; a file export has nothing to stop. */
  wait_for_ledger (fixture, 1);
  g_assert_false (techo_sharing_page_can_stop (fixture->page, consent->id));
  save_screenshot (GTK_WIDGET (fixture->window), "4-ledger");
}

typedef struct
{
  guint status;
  gboolean done;
} Reply;

static void
reply_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Reply *reply = user_data;
  g_autoptr(GBytes) body = NULL;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  reply->status = soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source),
                                                                                  result));
  reply->done = TRUE;
}

/* POSTs the manifest request on loopback; the share server answers on
 * this (the main) context, so the loop turns while waiting. */
static guint
post_manifest (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new_static ("{\"recipient\":\"田中\"}",
                                               strlen ("{\"recipient\":\"田中\"}"));
  Reply reply = { 0 };
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, reply_cb, &reply);
  while (!reply.done && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (reply.done);
  return reply.status;
}

static void
test_link_and_stop (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(GError) error = NULL;
  gboolean accessed = FALSE, revoked = FALSE;
  gint64 id;

  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_SHARE, ALL_CATEGORIES);
  techo_share_dialog_set_link_kind (dialog, TECHO_SHARE_LINK_THIS_COMPUTER);
  g_assert_cmpint (techo_share_dialog_get_method (dialog), ==, TECHO_CONSENT_METHOD_SHARE);
  save_screenshot (GTK_WIDGET (dialog), "5a-link-form");
  g_assert_true (techo_share_dialog_next (dialog));
  save_screenshot (GTK_WIDGET (dialog), "5-link-summary");
  g_assert_true (techo_share_dialog_next (dialog));
  wait_for_step (dialog, "link");
  g_assert_true (g_str_has_prefix (techo_share_dialog_get_link (dialog), "shlink:/"));
  save_screenshot (GTK_WIDGET (dialog), "6-link-qr");
  id = techo_share_dialog_get_consent_id (dialog);
  g_assert_cmpint (id, >, 0);

  /* The link points at the share server on loopback, which answers. */
  payload = techo_shl_link_decode (techo_share_dialog_get_link (dialog), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (payload->url, "http://127.0.0.1:"));
  /* Served on this computer only by default: one server, on loopback. */
  g_assert_cmpuint (techo_sharing_page_get_n_servers (fixture->page), ==, 1);
  g_assert_cmpuint (post_manifest (payload->url), ==, 200);

  /* The ledger shows it live, with Stop. */
  techo_share_dialog_next (dialog);
  wait_for_ledger (fixture, 1);
  g_assert_true (techo_sharing_page_can_stop (fixture->page, id));
  save_screenshot (GTK_WIDGET (fixture->window), "7-live-share");

  /* Stop: revoked in the store, and the server answers 404 at once. */
  techo_sharing_page_stop (fixture->page, id);
  g_assert_cmpuint (post_manifest (payload->url), ==, 404);
  wait_for_ledger (fixture, 1);
  {
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (techo_sharing_page_can_stop (fixture->page, id) && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        wait_for_ledger (fixture, 1);
      }
  }
  g_assert_false (techo_sharing_page_can_stop (fixture->page, id));
  consent = techo_store_get_consent_sync (fixture->data->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (consent->revoked_at, >, 0);
  for (guint i = 0; i < consent->events->len; i++)
    {
      const TechoConsentEvent *event = g_ptr_array_index (consent->events, i);

      accessed |= g_strcmp0 (event->event, TECHO_CONSENT_EVENT_ACCESS) == 0;
      revoked |= g_strcmp0 (event->event, TECHO_CONSENT_EVENT_REVOKED) == 0;
    }
  g_assert_true (accessed);
  g_assert_true (revoked);
  techo_sharing_page_set_expanded (fixture->page, id, TRUE);
  save_screenshot (GTK_WIDGET (fixture->window), "7b-stopped-share");
}

static gboolean
strv_equal (char       **a,
            const char  *first,
            ...)
{
  va_list args;
  const char *want = first;
  guint i = 0;
  gboolean equal = TRUE;

  va_start (args, first);
  for (; want != NULL; want = va_arg (args, const char *), i++)
    if (a[i] == NULL || g_strcmp0 (a[i], want) != 0)
      equal = FALSE;
  va_end (args);
  return equal && a[i] == NULL;
}

static GtkScrolledWindow *
find_scrolled (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    return GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scrolled (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Scrolls the visit window to @fraction of its height, for screenshots. */
static void
scroll_visit (TechoVisitWindow *visit,
              double            fraction)
{
  GtkScrolledWindow *scrolled = find_scrolled (GTK_WIDGET (visit));
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  gtk_adjustment_set_value (adjustment,
                            (gtk_adjustment_get_upper (adjustment)
                             - gtk_adjustment_get_page_size (adjustment)) * fraction);
}

static TechoVisitWindow *
start_visit (Fixture            *fixture,
             guint               categories,
             const char * const *analytes)
{
  g_autoptr(TechoShareDialog) dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_VISIT, categories);
  TechoVisitWindow *visit;

  if (analytes != NULL)
    techo_share_dialog_set_analytes (dialog, analytes);

  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_true (techo_share_dialog_next (dialog));
  /* The gate records and gathers on a worker thread; the window follows.
   * With the keyring and no PIN, visit mode offers to set one first:
   * these tests start without. */
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (techo_share_dialog_get_visit_window (dialog) == NULL
           && g_get_monotonic_time () < end)
      {
        TechoAlert *offer = techo_share_dialog_get_pin_dialog (dialog);

        if (offer != NULL)
          techo_alert_response (offer, "later");
        g_main_context_iteration (NULL, TRUE);
      }
  }
  visit = techo_share_dialog_get_visit_window (dialog);
  g_assert_nonnull (visit);
  g_assert_cmpint (techo_share_dialog_get_consent_id (dialog), >, 0);
  techo_test_app_pump (200);
  return visit;
}

static void
test_visit_mode (Fixture       *fixture,
                 gconstpointer  data)
{
  TechoVisitWindow *visit;
  g_auto(GStrv) sections = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  TechoAlert *question;

  /* Checkups only: the latest checkup and trends, no medicine, no
   * screening, anywhere on screen. */
  visit = start_visit (fixture, 1u << TECHO_CATEGORY_CHECKUP,
                       (const char * const[]) { "ldl", "hba1c", NULL });
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  sections = techo_visit_window_dup_sections (visit);
  g_assert_true (strv_equal (sections, "checkup", "trends", NULL));
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "checkup"), >, 0);
  /* Exactly the trend charts chosen. */
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "trends"), ==, 2);
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "medication"), ==, 0);
  text = techo_visit_window_dup_text (visit);
  g_assert_nonnull (strstr (text, "6.6 %"));
  g_assert_null (strstr (text, TECHO_TEST_DRUG_NAME));
  g_assert_null (strstr (text, "アムロジピン"));
  g_assert_null (strstr (text, _("Cancer screenings")));
  /* Nothing else is reachable: the main window is hidden. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  consents = list_consents (fixture);
  g_assert_cmpuint (consents->len, ==, 1);
  g_assert_cmpint (((TechoConsent *) g_ptr_array_index (consents, 0))->method, ==,
                   TECHO_CONSENT_METHOD_VISIT);
  /* Through the gate: "created" before the window showed anything, "sent" after. */
  {
    const TechoConsent *given = g_ptr_array_index (consents, 0);

    g_assert_cmpuint (given->events->len, ==, 2);
    g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (given->events, 0))->event, ==,
                     TECHO_CONSENT_EVENT_CREATED);
    g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (given->events, 1))->event, ==,
                     TECHO_CONSENT_EVENT_SENT);
  }
  save_screenshot (GTK_WIDGET (visit), "8-visit-checkups");

  /* Leaving asks first (the test store uses the keyring: the owner
   * confirms); "Stay" stays. Closing the window asks too. */
  g_assert_false (techo_visit_window_uses_passphrase (visit));
  gtk_window_close (GTK_WINDOW (visit));
  techo_test_app_pump (100);
  g_assert_nonnull (visit);
  question = techo_visit_window_get_leave_dialog (visit);
  g_assert_nonnull (question);
  save_screenshot (GTK_WIDGET (question), "9-visit-leave");
  techo_alert_response (question, "stay");
  techo_test_app_pump (100);
  g_assert_nonnull (visit);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (visit)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  techo_visit_window_request_leave (visit);
  question = techo_visit_window_get_leave_dialog (visit);
  g_assert_nonnull (question);
  techo_alert_response (question, "leave");
  techo_test_app_pump (200);
  g_assert_null (visit);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));

  /* Everything: medicines (with the duplicate flagged) and screenings too. */
  visit = start_visit (fixture, ALL_CATEGORIES, NULL);
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  g_clear_pointer (&sections, g_strfreev);
  sections = techo_visit_window_dup_sections (visit);
  g_assert_true (strv_equal (sections, "checkup", "trends", "medication", "screening", NULL));
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "medication"), ==, 2);
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "screening"), ==, 2);
  save_screenshot (GTK_WIDGET (visit), "10-visit-all");
  scroll_visit (visit, 0.45);
  save_screenshot (GTK_WIDGET (visit), "10b-visit-all-trends");
  scroll_visit (visit, 1.0);
  save_screenshot (GTK_WIDGET (visit), "10c-visit-all-medicines");
  techo_visit_window_request_leave (visit);
  techo_alert_response (techo_visit_window_get_leave_dialog (visit), "leave");
  techo_test_app_pump (200);
  g_assert_null (visit);
  wait_for_ledger (fixture, 2);
}

static TechoScreening *
screening (const char *date,
           const char *cancer,
           const char *followup)
{
  TechoScreening *s = techo_screening_new ();

  s->id = g_strdup_printf ("%s-%s", cancer, date);
  s->revision = 1;
  s->performed_on = g_strdup (date);
  s->cancer = g_strdup (cancer);
  s->stage = g_strdup ("primary");
  s->municipality_name = g_strdup ("千代田区");
  s->followup_code = g_strdup ("9P502000000000011");
  s->followup_value = g_strdup (followup);
  s->followup_display = g_strdup (g_str_equal (followup, "2") ? "要精密検査" : "不要");
  return s;
}

/* Visit mode shows the latest result of each cancer, not every
 * screening on record: three lung and two stomach screenings are two
 * rows, each the newest. */
static void
test_visit_latest_screening (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoRecordSet) records = techo_record_set_new ();
  g_autofree char *text = NULL;
  g_autofree char *old_date = techo_format_date ("2021-10-01");
  g_autofree char *new_date = techo_format_date ("2024-10-01");
  g_autofree char *stomach_date = techo_format_date ("2023-03-01");
  TechoVisitWindow *visit;

  /* Newest first, as a record set holds them. */
  g_ptr_array_add (records->screenings, screening ("2024-10-01", "lung", "1"));
  g_ptr_array_add (records->screenings, screening ("2023-03-01", "stomach", "2"));
  g_ptr_array_add (records->screenings, screening ("2022-10-01", "lung", "1"));
  g_ptr_array_add (records->screenings, screening ("2021-10-01", "lung", "2"));
  g_ptr_array_add (records->screenings, screening ("2020-03-01", "stomach", "1"));
  consent = techo_consent_new ("みどり内科 田中先生", "受診のため", 1u << TECHO_CATEGORY_SCREENING,
                               TECHO_CONSENT_METHOD_VISIT);
  visit = techo_visit_window_new (GTK_WINDOW (fixture->window), fixture->data->store, records,
                                  consent, NULL);
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "screening"), ==, 2);
  text = techo_visit_window_dup_text (visit);
  g_assert_nonnull (strstr (text, new_date));
  g_assert_nonnull (strstr (text, stomach_date));
  g_assert_null (strstr (text, old_date));
  /* The newest lung result is clear; the older positive one is not shown. */
  g_assert_nonnull (strstr (text, "不要"));
  techo_visit_window_start (visit);
  techo_test_app_pump (200);
  save_screenshot (GTK_WIDGET (visit), "10d-visit-latest-screening");
  gtk_window_destroy (GTK_WINDOW (visit));
  techo_test_app_pump (50);
  g_assert_null (visit);
}

static GtkEditable *
leave_entry (TechoAlert *question)
{
  GtkWidget *box = techo_alert_get_extra_child (question);

  g_assert_nonnull (box);
  g_assert_true (GTK_IS_PASSWORD_ENTRY (gtk_widget_get_first_child (box)));
  return GTK_EDITABLE (gtk_widget_get_first_child (box));
}

static TechoAlert *
wait_for_question (TechoVisitWindow **visit)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (*visit != NULL && techo_visit_window_get_leave_dialog (*visit) == NULL
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (*visit);
  return techo_visit_window_get_leave_dialog (*visit);
}

/* A passphrase store: leaving visit mode needs the passphrase, proved on
 * a second connection; a wrong one keeps visit mode up and says so. */
static void
test_visit_passphrase (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-visit-XXXXXX", &error);
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoRecordSet) records = NULL;
  GtkWindow *owner;
  TechoVisitWindow *visit;
  TechoAlert *question;
  gint64 end;

  g_assert_no_error (error);
  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, "correct horse battery", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_mode (store), ==, TECHO_STORE_MODE_PASSPHRASE);
  consent = techo_consent_new ("みどり内科 田中先生", "受診のため", 1u << TECHO_CATEGORY_CHECKUP,
                               TECHO_CONSENT_METHOD_VISIT);
  records = techo_record_set_new ();
  owner = GTK_WINDOW (gtk_window_new ());
  gtk_window_present (owner);
  visit = techo_visit_window_new (owner, store, records, consent, NULL);
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  techo_visit_window_start (visit);
  techo_test_app_pump (100);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (owner)));
  g_assert_true (techo_visit_window_uses_passphrase (visit));

  /* Wrong passphrase: still in visit mode, asked again with a reason. */
  techo_visit_window_request_leave (visit);
  question = techo_visit_window_get_leave_dialog (visit);
  gtk_editable_set_text (leave_entry (question), "wrong guess");
  save_screenshot (GTK_WIDGET (question), "11-visit-passphrase");
  techo_alert_response (question, "leave");
  question = wait_for_question (&visit);
  g_assert_nonnull (question);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (visit)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (owner)));

  /* The right one: visit mode ends and the owner's window returns. */
  gtk_editable_set_text (leave_entry (question), "correct horse battery");
  techo_alert_response (question, "leave");
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (visit != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (visit);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (owner)));
  /* The open store was not touched. */
  g_assert_true (techo_store_is_open (store));

  gtk_window_destroy (owner);
  techo_store_close_sync (store, NULL, NULL);
  techo_test_remove_tree (dir);
}

static void
wait_for_window_mode (Fixture         *fixture,
                      TechoWindowMode  mode)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (techo_window_get_mode (fixture->window) != mode && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, mode);
}

/* Waits until the locked page says something other than @before. */
static void
wait_for_locked_text (Fixture    *fixture,
                      const char *expected)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_strcmp0 (techo_window_get_locked_text (fixture->window), expected) != 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (techo_window_get_locked_text (fixture->window), ==, expected);
}

/* With the keyring: visit mode offers to set a PIN first; leaving then
 * asks for it (a wrong one refused and counted, the right one leaves);
 * locking the window and unlocking it ask for it too. */
static void
test_visit_pin (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_VISIT,
                                                    1u << TECHO_CATEGORY_CHECKUP);
  TechoVisitWindow *visit;
  TechoAlert *offer;
  TechoAlert *question;
  TechoOwnerPinResult state = { 0 };
  g_autoptr(GError) error = NULL;
  gint64 end;

  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_true (techo_share_dialog_next (dialog));
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (techo_share_dialog_get_pin_dialog (dialog) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  offer = techo_share_dialog_get_pin_dialog (dialog);
  g_assert_nonnull (offer);
  save_screenshot (GTK_WIDGET (offer), "13a-visit-pin-offer");
  /* Nothing recorded yet: the consent waits for the answer. */
  {
    g_autoptr(GPtrArray) consents = list_consents (fixture);

    g_assert_cmpuint (consents->len, ==, 0);
  }
  techo_pin_dialog_set (offer, "2468", "2468");
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (techo_share_dialog_get_visit_window (dialog) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  visit = techo_share_dialog_get_visit_window (dialog);
  g_assert_nonnull (visit);
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &visit);
  techo_test_app_pump (200);
  g_assert_true (techo_store_check_owner_pin_sync (fixture->data->store, NULL, &state, NULL, &error));
  g_assert_cmpint (state.check, ==, TECHO_OWNER_PIN_NEEDED);

  /* Leaving asks for the PIN: a wrong one keeps visit mode up, counted. */
  techo_visit_window_request_leave (visit);
  question = techo_visit_window_get_leave_dialog (visit);
  g_assert_nonnull (question);
  gtk_editable_set_text (leave_entry (question), "1111");
  save_screenshot (GTK_WIDGET (question), "13b-visit-leave-pin");
  techo_alert_response (question, "leave");
  question = wait_for_question (&visit);
  g_assert_nonnull (question);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (visit)));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (techo_store_check_owner_pin_sync (fixture->data->store, NULL, &state, NULL, &error));
  g_assert_cmpuint (state.failures, ==, 1);
  save_screenshot (GTK_WIDGET (question), "13c-visit-leave-pin-wrong");

  /* The right one: visit mode ends, the count goes back to zero. */
  gtk_editable_set_text (leave_entry (question), "2468");
  techo_alert_response (question, "leave");
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (visit != NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (visit);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fixture->window)));
  g_assert_true (techo_store_check_owner_pin_sync (fixture->data->store, NULL, &state, NULL, &error));
  g_assert_cmpuint (state.failures, ==, 0);

  /* The lock: unlocking without the PIN opens nothing and asks for it. */
  techo_window_lock (fixture->window);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_LOCKED);
  techo_window_unlock (fixture->window, NULL);
  wait_for_locked_text (fixture, _("Enter your PIN to open your records."));
  wait_for_window_mode (fixture, TECHO_WINDOW_MODE_LOCKED);
  g_assert_true (techo_window_get_asks_secret (fixture->window));
  g_assert_null (techo_window_get_records (fixture->window));
  save_screenshot (GTK_WIDGET (fixture->window), "13d-locked-pin");
  techo_window_unlock (fixture->window, "9999");
  wait_for_locked_text (fixture, _("That PIN is not right."));
  wait_for_window_mode (fixture, TECHO_WINDOW_MODE_LOCKED);
  g_assert_null (techo_window_get_records (fixture->window));
  techo_test_app_pump (200);
  g_assert_false (techo_store_is_open (fixture->data->store));
  techo_window_unlock (fixture->window, "2468");
  wait_for_window_mode (fixture, TECHO_WINDOW_MODE_MAIN);
  g_assert_nonnull (techo_window_get_records (fixture->window));
}

static void
test_print (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autofree char *target = g_build_filename (fixture->out_dir, "printed.pdf", NULL);
  g_autofree char *contents = NULL;
  const TechoConsent *consent;
  gsize length = 0;
  TechoShareDialog *found = NULL;

  /* Ctrl+P opens the share dialog on "Print"; F11 on visit mode. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.print", NULL);
  {
    g_autoptr(GList) windows = gtk_window_list_toplevels ();

    for (GList *l = windows; l != NULL; l = l->next)
      if (TECHO_IS_SHARE_DIALOG (l->data))
        found = l->data;
  }
  g_assert_nonnull (found);
  g_assert_cmpint (techo_share_dialog_get_method (found), ==, TECHO_CONSENT_METHOD_PRINT);
  gtk_window_destroy (GTK_WINDOW (found));
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.visit-mode", NULL);
  found = NULL;
  {
    g_autoptr(GList) windows = gtk_window_list_toplevels ();

    for (GList *l = windows; l != NULL; l = l->next)
      if (TECHO_IS_SHARE_DIALOG (l->data))
        found = l->data;
  }
  g_assert_nonnull (found);
  g_assert_cmpint (techo_share_dialog_get_method (found), ==, TECHO_CONSENT_METHOD_VISIT);
  gtk_window_destroy (GTK_WINDOW (found));
  g_assert_cmpuint (((GPtrArray *) (consents = list_consents (fixture)))->len, ==, 0);
  g_clear_pointer (&consents, g_ptr_array_unref);

  /* The print job, exported to PDF by GTK instead of a printer, drawn by
   * the report's code; the consent comes first. */
  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_PRINT, ALL_CATEGORIES);
  techo_share_dialog_set_output_path (dialog, target);
  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_true (techo_share_dialog_next (dialog));
  wait_for_step (dialog, "done");
  g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 1000);
  g_assert_true (g_str_has_prefix (contents, "%PDF"));
  consents = list_consents (fixture);
  g_assert_cmpuint (consents->len, ==, 1);
  consent = g_ptr_array_index (consents, 0);
  g_assert_cmpint (consent->method, ==, TECHO_CONSENT_METHOD_PRINT);
  g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (consent->events, 0))->event, ==,
                   TECHO_CONSENT_EVENT_CREATED);
  g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (consent->events,
                                                              consent->events->len - 1))->event,
                   ==, TECHO_CONSENT_EVENT_SENT);

  /* A PDF file with one chosen chart: consent first, written atomically. */
  {
    g_autoptr(TechoShareDialog) pdf_dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_PDF,
                                                          ALL_CATEGORIES);
    g_autofree char *pdf_path = g_build_filename (fixture->out_dir, "report.pdf", NULL);
    g_autofree char *pdf = NULL;
    g_autoptr(GPtrArray) after = NULL;
    const TechoConsent *latest;

    techo_share_dialog_set_analytes (pdf_dialog, (const char * const[]) { "ldl", NULL });
    techo_share_dialog_set_output_path (pdf_dialog, pdf_path);
    g_assert_true (techo_share_dialog_next (pdf_dialog));
    g_assert_true (techo_share_dialog_next (pdf_dialog));
    wait_for_step (pdf_dialog, "done");
    g_assert_true (g_file_get_contents (pdf_path, &pdf, NULL, NULL));
    g_assert_true (g_str_has_prefix (pdf, "%PDF"));
    after = list_consents (fixture);
    g_assert_cmpuint (after->len, ==, 2);
    latest = g_ptr_array_index (after, 0);
    g_assert_cmpint (latest->method, ==, TECHO_CONSENT_METHOD_PDF);
    g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (latest->events, 0))->event, ==,
                     TECHO_CONSENT_EVENT_CREATED);
    g_assert_cmpstr (((TechoConsentEvent *) g_ptr_array_index (latest->events,
                                                                latest->events->len - 1))->event,
                     ==, TECHO_CONSENT_EVENT_SENT);
  }

  /* The PDF names the patient, as the report does. */
  {
    const char *argv[] = { "pdftotext", "-layout", target, "-", NULL };
    g_autofree char *out = NULL;
    int status = 0;

    if (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                      NULL, NULL, &out, NULL, &status, NULL))
      g_assert_nonnull (strstr (out, TECHO_TEST_LATEST_HBA1C));
  }
}

/* ---- a share host ---------------------------------------------------------- */

static void
set_share_host (const char *url)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_string (settings, "share-host-url", url != NULL ? url : "");
}

/* "Show this to a doctor" with no share host set: refused on the form,
 * with the way to set one, and nothing recorded. */
static void
test_no_share_host (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(GPtrArray) consents = NULL;

  set_share_host (NULL);
  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_SHARE, ALL_CATEGORIES);
  save_screenshot (GTK_WIDGET (dialog), "5c-no-share-host");
  g_assert_false (techo_share_dialog_next (dialog));
  g_assert_cmpstr (techo_share_dialog_get_step (dialog), ==, "form");
  g_assert_cmpstr (techo_share_dialog_get_error (dialog), ==,
                   _("No share host is set, so a doctor’s phone could not open a link. "
                     "Set one in Preferences → Sharing (a share host you, your family or "
                     "your clinic runs), or show your records on this screen with visit mode."));
  save_screenshot (GTK_WIDGET (dialog), "5d-no-share-host-refused");
  consents = list_consents (fixture);
  g_assert_cmpuint (consents->len, ==, 0);
  g_assert_cmpuint (techo_sharing_page_get_n_servers (fixture->page), ==, 0);

  /* The same computer stays possible, and says so. */
  techo_share_dialog_set_link_kind (dialog, TECHO_SHARE_LINK_THIS_COMPUTER);
  g_assert_true (techo_share_dialog_next (dialog));
  {
    g_autofree char *summary = techo_share_dialog_dup_summary (dialog);

    g_assert_nonnull (strstr (summary, _("This computer only (127.0.0.1), while Techo is open")));
  }
}

/* With a share host: the upload goes through the gate (a consent with the
 * scope chosen, the records narrowed as the summary listed), the QR on
 * screen decodes to the viewer URL, and 停止 deletes it on the host. */
static void
test_share_host (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(TechoTestHost) host = techo_test_host_start ();
  g_autoptr(TechoShareDialog) dialog = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoHostedShare) hosted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *png = g_build_filename (fixture->out_dir, "qr.png", NULL);
  g_autofree char *newest = techo_format_date ("2025-06-15");
  g_autofree char *second = techo_format_date ("2024-06-12");
  g_autofree char *oldest = techo_format_date ("2023-06-10");
  const char *cancers[] = { "colorectal", NULL };
  gint64 id;

  set_share_host (host->url);
  dialog = open_dialog (fixture, TECHO_CONSENT_METHOD_SHARE, ALL_CATEGORIES);
  techo_share_dialog_set_scope (dialog, 2, cancers, TRUE);
  techo_share_dialog_set_passcode (dialog, "1234");
  save_screenshot (GTK_WIDGET (dialog), "12a-host-form");
  g_assert_true (techo_share_dialog_next (dialog));
  save_screenshot (GTK_WIDGET (dialog), "12b-host-summary");

  /* The summary lists exactly what will go, and where. */
  summary = techo_share_dialog_dup_summary (dialog);
  g_test_message ("summary:\n%s", summary);
  g_assert_nonnull (strstr (summary, newest));
  g_assert_nonnull (strstr (summary, second));
  g_assert_null (strstr (summary, oldest));
  g_assert_nonnull (strstr (summary, TECHO_TEST_DRUG_NAME));
  g_assert_null (strstr (summary, "メトホルミン"));
  g_assert_nonnull (strstr (summary, techo_format_cancer_name (techo_reference_cancer_for_key ("colorectal"))));
  g_assert_null (strstr (summary, techo_format_cancer_name (techo_reference_cancer_for_key ("stomach"))));
  g_assert_nonnull (strstr (summary, host->url));

  g_assert_true (techo_share_dialog_next (dialog));
  wait_for_step (dialog, "link");
  save_screenshot (GTK_WIDGET (dialog), "12c-host-qr");
  id = techo_share_dialog_get_consent_id (dialog);
  g_assert_cmpint (id, >, 0);
  /* Nothing was served from this computer. */
  g_assert_cmpuint (techo_sharing_page_get_n_servers (fixture->page), ==, 0);

  /* The consent, with its scope; the share kept on the host. */
  consent = techo_store_get_consent_sync (fixture->data->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (consent->method, ==, TECHO_CONSENT_METHOD_SHARE);
  {
    g_autofree char *scope = techo_record_scope_to_string (&consent->scope);

    g_assert_cmpstr (scope, ==, "checkups=2;cancers=colorectal;medicines=current:" TODAY);
  }
  hosted = techo_store_get_hosted_share_sync (fixture->data->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hosted);
  g_assert_cmpstr (hosted->host_url, ==, host->url);

  /* The QR on screen holds the viewer URL, which holds the link. */
  prefix = g_strconcat (host->url, "/#shlink:/", NULL);
  g_assert_true (g_str_has_prefix (techo_share_dialog_get_viewer_url (dialog), prefix));
  g_assert_true (g_str_has_suffix (techo_share_dialog_get_viewer_url (dialog),
                                   techo_share_dialog_get_link (dialog)));
  techo_test_app_render_png (GTK_WIDGET (dialog), png);
  {
    const char *argv[] = { "zbarimg", "--raw", "-q", png, NULL };
    g_autofree char *decoded = NULL;

    g_assert_cmpint (techo_test_spawn (argv, &decoded, NULL), ==, 0);
    g_strchomp (decoded);
    g_assert_cmpstr (decoded, ==, techo_share_dialog_get_viewer_url (dialog));
  }

  /* The host serves it (passcode asked), with Techo's server never involved. */
  payload = techo_shl_link_decode (techo_share_dialog_get_link (dialog), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (payload->url, host->url));
  g_assert_cmpstr (payload->flag, ==, "P");
  g_assert_cmpuint (post_manifest (payload->url), ==, 401);

  /* 停止: revoked here and deleted on the host at once. */
  techo_share_dialog_next (dialog);
  wait_for_ledger (fixture, 1);
  g_assert_true (techo_sharing_page_can_stop (fixture->page, id));
  techo_sharing_page_stop (fixture->page, id);
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

    while (techo_sharing_page_can_stop (fixture->page, id) && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, FALSE);
        wait_for_ledger (fixture, 1);
      }
  }
  g_assert_false (techo_sharing_page_can_stop (fixture->page, id));
  {
    gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    guint status;

    while ((status = post_manifest (payload->url)) != 404 && g_get_monotonic_time () < end)
      techo_test_app_pump (100);
    g_assert_cmpuint (status, ==, 404);
  }
  g_clear_pointer (&hosted, techo_hosted_share_free);
  hosted = techo_store_get_hosted_share_sync (fixture->data->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hosted);
  g_assert_cmpint (hosted->deleted_at, >, 0);
  set_share_host (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add ("/sharing/empty-and-cancel", Fixture, NULL, fixture_set_up, test_empty_and_cancel,
              fixture_tear_down);
  g_test_add ("/sharing/export-consent-first", Fixture, NULL, fixture_set_up,
              test_export_consent_first, fixture_tear_down);
  g_test_add ("/sharing/link-and-stop", Fixture, NULL, fixture_set_up, test_link_and_stop,
              fixture_tear_down);
  g_test_add ("/sharing/no-share-host", Fixture, NULL, fixture_set_up, test_no_share_host,
              fixture_tear_down);
  g_test_add ("/sharing/share-host", Fixture, NULL, fixture_set_up, test_share_host,
              fixture_tear_down);
  g_test_add ("/sharing/visit-mode", Fixture, NULL, fixture_set_up, test_visit_mode,
              fixture_tear_down);
  g_test_add ("/sharing/visit-latest-screening", Fixture, NULL, fixture_set_up,
              test_visit_latest_screening, fixture_tear_down);
  g_test_add_func ("/sharing/visit-passphrase", test_visit_passphrase);
  g_test_add ("/sharing/visit-pin", Fixture, NULL, fixture_set_up, test_visit_pin,
              fixture_tear_down);
  g_test_add ("/sharing/print", Fixture, NULL, fixture_set_up, test_print, fixture_tear_down);

  return g_test_run ();
}
