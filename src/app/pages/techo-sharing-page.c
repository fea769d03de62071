/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sharing-page"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-consent.h"
#include "techo-error-text.h"
#include "techo-format.h"
#include "techo-host-client.h"
#include "techo-sharing-page.h"
#include "techo-widget-util.h"

struct _TechoSharingPage
{
  GtkWidget parent_instance;

  GtkButton *share_button;
  AdwPreferencesGroup *ledger_group;
  AdwStatusPage *empty_page;

  TechoStore *store;
  TechoRecordSet *records;
  GHashTable *servers;      /* address → TechoShareServer */
  GCancellable *cancellable;
  GPtrArray *rows;          /* the ledger rows shown */
  GPtrArray *consents;      /* TechoConsent, newest first */
  GHashTable *stoppable;    /* consent id → TRUE for live shares */
  guint loading;
  guint refresh_id;         /* while shown: accesses to live links come in */
};

static void techo_sharing_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoSharingPage, techo_sharing_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_sharing_page_page_init))

/* ---- words ---------------------------------------------------------------- */

static const char *
method_label (TechoConsentMethod method)
{
  if (method == TECHO_CONSENT_METHOD_VISIT)
    return _("Shown in visit mode");
  if (method == TECHO_CONSENT_METHOD_PRINT)
    return _("Printed report");
  if (method == TECHO_CONSENT_METHOD_PDF)
    return _("PDF report file");
  if (method == TECHO_CONSENT_METHOD_FHIR)
    return _("FHIR file (JSON)");
  if (method == TECHO_CONSENT_METHOD_CSV)
    return _("CSV files (spreadsheet)");
  if (method == TECHO_CONSENT_METHOD_CDA)
    return _("Official CDA files");
  if (method == TECHO_CONSENT_METHOD_SHARE)
    return _("Encrypted share link");
  return "";
}

static const char *
event_label (const char *event)
{
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_CREATED) == 0)
    return _("Consent given");
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_SENT) == 0)
    return _("Sent");
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_ACCESS) == 0)
    return _("Opened by the recipient");
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_DENIED) == 0)
    return _("Access refused");
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_REVOKED) == 0)
    return _("Stopped");
  return event;
}

static char *
time_text (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);
  g_autofree char *iso = g_date_time_format (time, "%Y-%m-%d");
  g_autofree char *date = techo_format_date (iso);
  g_autofree char *clock = g_date_time_format (time, "%H:%M");

  return g_strdup_printf ("%s %s", date, clock);
}

/* ---- the ledger ----------------------------------------------------------- */

static void
add_detail_row (GtkWidget  *expander,
                const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
}

static void
stop_clicked_cb (GtkButton        *button,
                 TechoSharingPage *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (button), "consent-id");

  if (id != NULL)
    techo_sharing_page_stop (self, *id);
}

static GtkWidget *
consent_row (TechoSharingPage   *self,
             const TechoConsent *consent,
             gint64              now)
{
  GtkWidget *row = adw_expander_row_new ();
  const char *state = techo_consent_state (consent, now);
  g_autofree char *created = time_text (consent->created_at);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", method_label (consent->method), created);
  g_autofree char *what = techo_format_categories (consent->categories);
  g_autofree char *period = NULL;
  gboolean share = consent->method == TECHO_CONSENT_METHOD_SHARE;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), consent->recipient);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  if (g_strcmp0 (state, "revoked") == 0)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 techo_chip_new (_("Stopped"), NULL, NULL));
  else if (share && g_strcmp0 (state, "expired") == 0)
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                 techo_chip_new (_("Expired"), NULL, NULL));
  else if (share && techo_consent_is_live (consent, now))
    {
      GtkWidget *stop = gtk_button_new_with_mnemonic (_("_Stop"));

      gtk_widget_set_valign (stop, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (stop, "destructive-action");
      gtk_widget_set_tooltip_text (stop, _("Stop this share link now"));
      g_object_set_data_full (G_OBJECT (stop), "consent-id",
                              g_memdup2 (&consent->id, sizeof consent->id), g_free);
      g_signal_connect_object (stop, "clicked", G_CALLBACK (stop_clicked_cb), self, 0);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                                   techo_chip_new (_("Active"), NULL, "accent"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), stop);
      g_hash_table_add (self->stoppable, g_memdup2 (&consent->id, sizeof consent->id));
    }

  add_detail_row (row, _("What"), what);
  if (consent->period_from != NULL || consent->period_to != NULL)
    {
      g_autofree char *from = consent->period_from != NULL ? techo_format_date (consent->period_from) : g_strdup ("…");
      g_autofree char *to = consent->period_to != NULL ? techo_format_date (consent->period_to) : g_strdup ("…");

      period = g_strdup_printf ("%s – %s", from, to);
    }
  add_detail_row (row, _("Period"), period != NULL ? period : _("Everything"));
  add_detail_row (row, _("Why"), consent->purpose);
  if (consent->expires_at > 0)
    {
      g_autofree char *until = time_text (consent->expires_at);

      add_detail_row (row, _("Valid until"), until);
    }
  for (guint i = 0; consent->events != NULL && i < consent->events->len; i++)
    {
      const TechoConsentEvent *event = g_ptr_array_index (consent->events, i);
      g_autofree char *at = time_text (event->at);
      g_autofree char *text = event->detail != NULL && event->detail[0] != '\0'
                              ? g_strdup_printf ("%s · %s", at, event->detail)
                              : g_strdup (at);

      add_detail_row (row, event_label (event->event), text);
    }
  return row;
}

static void
show_ledger (TechoSharingPage *self)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->ledger_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->stoppable);

  for (guint i = 0; self->consents != NULL && i < self->consents->len; i++)
    {
      GtkWidget *row = consent_row (self, g_ptr_array_index (self->consents, i), now);

      adw_preferences_group_add (self->ledger_group, row);
      g_ptr_array_add (self->rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->ledger_group), self->rows->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_page), self->rows->len == 0);
}

static void
consents_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TechoSharingPage) self = user_data;
  g_autoptr(GPtrArray) consents = NULL;
  g_autoptr(GError) error = NULL;

  consents = techo_store_list_consents_finish (TECHO_STORE (source), result, &error);
  self->loading--;
  if (consents == NULL)
    {
      /* A store locked or deleted meanwhile has no ledger to show. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          && !g_error_matches (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_OPEN))
        {
          g_autofree char *text = techo_error_text_dup_message (
            _("Could not read the sharing record."), error);

          techo_error_text_log ("Reading the consent record", error);
          gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
        }
      return;
    }
  /* A later reload supersedes this one. */
  if (self->loading > 0)
    return;
  /* A family shares one ledger: the page lists the shares of the person
   * on screen (and those recorded before the ledger named a person). */
  if (self->records != NULL && self->records->profile != NULL)
    for (guint i = consents->len; i > 0; i--)
      {
        const TechoConsent *c = g_ptr_array_index (consents, i - 1);

        if (c->profile_id != 0 && c->profile_id != self->records->profile->id)
          g_ptr_array_remove_index (consents, i - 1);
      }
  g_clear_pointer (&self->consents, g_ptr_array_unref);
  self->consents = g_steal_pointer (&consents);
  show_ledger (self);
}

/* ---- callbacks ------------------------------------------------------------- */

static void
dialog_consented_cb (TechoShareDialog *dialog,
                     gint64            consent_id,
                     TechoSharingPage *self)
{
  techo_sharing_page_reload (self);
}

static void
share_clicked_cb (TechoSharingPage *self)
{
  techo_sharing_page_open_dialog (self, TECHO_CONSENT_METHOD_NONE);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TechoSharingPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!techo_host_revoke_finish (TECHO_STORE (source), result, &error))
    {
      /* A share host that does not answer: revoked here all the same. */
      if (g_error_matches (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_UNREACHABLE) ||
          g_error_matches (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_REFUSED))
        {
          g_message ("Stopping a share: %s", error->message);
          techo_sharing_page_reload (self);
        }
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = techo_error_text_dup_message (_("Could not stop sharing."),
                                                                error);

          techo_error_text_log ("Stopping a share", error);
          gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
        }
      return;
    }
  techo_sharing_page_reload (self);
}

static gboolean
refresh_cb (gpointer user_data)
{
  TechoSharingPage *self = user_data;

  /* Only live links gain events on their own. */
  if (g_hash_table_size (self->stoppable) > 0 && self->loading == 0)
    techo_sharing_page_reload (self);
  return G_SOURCE_CONTINUE;
}

static void
techo_sharing_page_map (GtkWidget *widget)
{
  TechoSharingPage *self = TECHO_SHARING_PAGE (widget);

  GTK_WIDGET_CLASS (techo_sharing_page_parent_class)->map (widget);
  /* Accesses to live shares arrive while the page is hidden. */
  techo_sharing_page_reload (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (10, refresh_cb, self);
}

static void
techo_sharing_page_unmap (GtkWidget *widget)
{
  TechoSharingPage *self = TECHO_SHARING_PAGE (widget);

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (techo_sharing_page_parent_class)->unmap (widget);
}

/* ---- lifecycle ------------------------------------------------------------ */

static void
techo_sharing_page_dispose (GObject *object)
{
  TechoSharingPage *self = TECHO_SHARING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (object), TECHO_TYPE_SHARING_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (object));
  g_clear_pointer (&self->servers, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_pointer (&self->records, techo_record_set_unref);
  G_OBJECT_CLASS (techo_sharing_page_parent_class)->dispose (object);
}

static void
techo_sharing_page_finalize (GObject *object)
{
  TechoSharingPage *self = TECHO_SHARING_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->consents, g_ptr_array_unref);
  g_clear_pointer (&self->stoppable, g_hash_table_unref);
  G_OBJECT_CLASS (techo_sharing_page_parent_class)->finalize (object);
}

static void
techo_sharing_page_set_records (TechoPage      *page,
                                TechoRecordSet *records)
{
  TechoSharingPage *self = TECHO_SHARING_PAGE (page);

  techo_page_replace_records (&self->records, records);
  gtk_widget_set_sensitive (GTK_WIDGET (self->share_button),
                            records != NULL && records->profile != NULL);
  if (records == NULL)
    {
      /* Locked: nothing of the ledger stays on screen. */
      g_clear_pointer (&self->consents, g_ptr_array_unref);
      show_ledger (self);
      return;
    }
  techo_sharing_page_reload (self);
}

static void
techo_sharing_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_sharing_page_set_records;
}

static void
techo_sharing_page_class_init (TechoSharingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_sharing_page_dispose;
  object_class->finalize = techo_sharing_page_finalize;
  widget_class->map = techo_sharing_page_map;
  widget_class->unmap = techo_sharing_page_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-sharing-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoSharingPage, share_button);
  gtk_widget_class_bind_template_child (widget_class, TechoSharingPage, ledger_group);
  gtk_widget_class_bind_template_child (widget_class, TechoSharingPage, empty_page);
  gtk_widget_class_bind_template_callback (widget_class, share_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_sharing_page_init (TechoSharingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  self->stoppable = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->servers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  show_ledger (self);
}

/* ---- public API ----------------------------------------------------------- */

void
techo_sharing_page_set_store (TechoSharingPage *self,
                              TechoStore       *store)
{
  g_return_if_fail (TECHO_IS_SHARING_PAGE (self));

  if (self->store == store)
    return;
  /* Shares of another store stop with it. */
  g_hash_table_remove_all (self->servers);
  g_set_object (&self->store, store);
}

void
techo_sharing_page_reload (TechoSharingPage *self)
{
  if (self->store == NULL || !techo_store_is_open (self->store) || self->records == NULL)
    return;
  self->loading++;
  techo_store_list_consents_async (self->store, self->cancellable, consents_listed_cb,
                                   g_object_ref (self));
}

gboolean
techo_sharing_page_is_loading (TechoSharingPage *self)
{
  return self->loading > 0;
}

guint
techo_sharing_page_get_n_consents (TechoSharingPage *self)
{
  return self->rows->len;
}

gint64 *
techo_sharing_page_dup_consent_ids (TechoSharingPage *self,
                                    guint            *n_ids)
{
  guint n = self->consents != NULL ? self->consents->len : 0;
  gint64 *ids = g_new0 (gint64, n + 1);

  for (guint i = 0; i < n; i++)
    ids[i] = ((TechoConsent *) g_ptr_array_index (self->consents, i))->id;
  if (n_ids != NULL)
    *n_ids = n;
  return ids;
}

gboolean
techo_sharing_page_can_stop (TechoSharingPage *self,
                             gint64            consent_id)
{
  return g_hash_table_contains (self->stoppable, &consent_id);
}

void
techo_sharing_page_set_expanded (TechoSharingPage *self,
                                 gint64            consent_id,
                                 gboolean          expanded)
{
  for (guint i = 0; self->consents != NULL && i < self->consents->len && i < self->rows->len; i++)
    if (((TechoConsent *) g_ptr_array_index (self->consents, i))->id == consent_id)
      adw_expander_row_set_expanded (g_ptr_array_index (self->rows, i), expanded);
}

void
techo_sharing_page_stop (TechoSharingPage *self,
                         gint64            consent_id)
{
  GHashTableIter iter;
  gpointer server;

  g_return_if_fail (TECHO_IS_SHARING_PAGE (self));

  if (self->store == NULL)
    return;
  /* Stop serving at once; the store's revocation follows, and a share
   * kept on a share host is deleted there. */
  g_hash_table_iter_init (&iter, self->servers);
  while (g_hash_table_iter_next (&iter, NULL, &server))
    techo_share_server_remove (server, consent_id);
  techo_host_revoke_async (self->store, consent_id, self->cancellable, revoked_cb,
                           g_object_ref (self));
}

TechoShareDialog *
techo_sharing_page_open_dialog (TechoSharingPage   *self,
                                TechoConsentMethod  method)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  TechoShareDialog *dialog;

  g_return_val_if_fail (TECHO_IS_SHARING_PAGE (self), NULL);

  dialog = techo_share_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   self->store, self->records, self->servers);
  if (method != TECHO_CONSENT_METHOD_NONE)
    techo_share_dialog_set_method (dialog, method);
  g_signal_connect_object (dialog, "consented", G_CALLBACK (dialog_consented_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}

guint
techo_sharing_page_get_n_servers (TechoSharingPage *self)
{
  return g_hash_table_size (self->servers);
}
