/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-sync.c: the window follows the sync controller's
 * properties. The controller knows no window; what a state means on
 * screen (the welcome's steps, the header's spinner, the banner for a
 * failed sync, the toast saying what is new) is decided here. */

#define G_LOG_DOMAIN "techo-window-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-http.h"
#include "techo-overview-page.h"
#include "techo-reminders.h"
#include "techo-window-private.h"

static void
browser_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* No browser: the address is on screen with a copy button. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    techo_window_add_toast (TECHO_WINDOW (source),
                            _("No browser could be opened. Copy the address into one."));
}

static void
sign_in_uri_cb (TechoSyncController *sync,
                GParamSpec          *pspec,
                TechoWindow         *window)
{
  const char *uri = techo_sync_controller_get_sign_in_uri (sync);

  if (uri == NULL)
    return;
  techo_window_show_connect (window, uri);
  if (g_getenv ("TECHO_NO_BROWSER") == NULL)
    gtk_show_uri_full (GTK_WINDOW (window), uri, GDK_CURRENT_TIME, NULL,
                       browser_opened_cb, NULL);
}

static void
progress_cb (TechoSyncController *sync,
             GParamSpec          *pspec,
             TechoWindow         *window)
{
  if (!techo_sync_controller_get_first_run (sync)
      || techo_sync_controller_get_state (sync) != TECHO_SYNC_STATE_SYNCING)
    return;
  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      gboolean finished = FALSE;
      guint records = techo_sync_controller_get_category_records (sync, c, &finished);

      if (records > 0 || finished)
        techo_window_set_sync_progress (window, c, records, finished);
    }
}

static void
show_failure (TechoSyncController *sync,
              TechoWindow         *window)
{
  const GError *error = techo_sync_controller_get_last_error (sync);
  gboolean first_run = techo_sync_controller_get_first_run (sync);

  if (error == NULL)
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (first_run)
        techo_window_show_welcome_error (window, _("Cancelled. Your records stay as they were."));
      return;
    }
  /* Signed out (or the consent ended) in a sync the user asked for: the
   * connect step. A sync the user did not ask for never takes the window
   * away: the banner offers to sign in again. */
  if (first_run
      || (!techo_sync_controller_get_background (sync)
          && g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN)))
    {
      techo_window_show_welcome_failure (window, error);
      return;
    }
  techo_window_show_sync_error (window, error);
}

static void
show_success (TechoSyncController *sync,
              TechoWindow         *window)
{
  g_autofree char *text = techo_sync_controller_dup_summary (sync);
  const char *page = techo_sync_controller_get_summary_page (sync);
  GtkWidget *overview = techo_window_get_page (window, "overview");

  /* The overview's "since the last sync" says the same, and stays. */
  if (TECHO_IS_OVERVIEW_PAGE (overview))
    techo_overview_page_set_sync_news (TECHO_OVERVIEW_PAGE (overview),
                                       techo_sync_controller_get_last_sync (sync), text, page);

  /* Only rows the store did not hold are news; a sync in the background
   * that brought none says nothing, one the user asked for says so. */
  if (text == NULL)
    {
      if (!techo_sync_controller_get_background (sync))
        techo_window_add_toast (window, _("Up to date: nothing new at My Number Portal"));
      return;
    }
  techo_window_add_toast_with_action (window, text, _("Show"), "win.show-page",
                                      g_variant_new_string (page));
  /* New checkup results are also a notification (if switched on), for
   * when the window is not in sight. */
  {
    GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
    g_autoptr(GSettings) settings = g_settings_new (APP_ID);
    g_autoptr(GPtrArray) reminders = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_reminder_free);
    TechoReminder *news = techo_reminder_new_checkups (
      techo_sync_controller_get_category_changed (sync, TECHO_CATEGORY_CHECKUP), NULL, settings);

    if (news != NULL && app != NULL)
      {
        g_ptr_array_add (reminders, news);
        techo_reminders_send (G_APPLICATION (app), reminders);
      }
    else
      techo_reminder_free (news);
  }
}

static void
state_cb (TechoSyncController *sync,
          GParamSpec          *pspec,
          TechoWindow         *window)
{
  TechoSyncState state = techo_sync_controller_get_state (sync);

  techo_window_set_syncing (window, state == TECHO_SYNC_STATE_SIGNING_IN
                                    || state == TECHO_SYNC_STATE_SYNCING);
  switch (state)
    {
    case TECHO_SYNC_STATE_SIGNING_IN:
      techo_window_hide_sync_error (window);
      techo_window_show_connect (window, NULL);
      break;
    case TECHO_SYNC_STATE_SYNCING:
      if (!techo_sync_controller_get_background (sync))
        techo_window_hide_sync_error (window);
      if (techo_sync_controller_get_first_run (sync))
        techo_window_show_sync_progress (window);
      break;
    case TECHO_SYNC_STATE_SUCCEEDED:
      techo_window_hide_sync_error (window);
      show_success (sync, window);
      break;
    case TECHO_SYNC_STATE_FAILED:
      show_failure (sync, window);
      break;
    case TECHO_SYNC_STATE_IDLE:
    default:
      break;
    }
}

static void
last_sync_cb (TechoSyncController *sync,
              GParamSpec          *pspec,
              TechoWindow         *window)
{
  techo_window_set_last_sync (window, techo_sync_controller_get_last_sync (sync));
}

static void
records_changed_cb (TechoSyncController *sync,
                    TechoWindow         *window)
{
  techo_window_reload (window);
}

void
techo_window_watch_sync (TechoWindow         *self,
                         TechoSyncController *sync)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));
  g_return_if_fail (TECHO_IS_SYNC_CONTROLLER (sync));

  g_signal_connect_object (sync, "notify::state", G_CALLBACK (state_cb), self, 0);
  g_signal_connect_object (sync, "notify::sign-in-uri", G_CALLBACK (sign_in_uri_cb), self, 0);
  g_signal_connect_object (sync, "notify::progress", G_CALLBACK (progress_cb), self, 0);
  g_signal_connect_object (sync, "notify::last-sync", G_CALLBACK (last_sync_cb), self, 0);
  g_signal_connect_object (sync, "records-changed", G_CALLBACK (records_changed_cb), self, 0);
  techo_window_set_last_sync (self, techo_sync_controller_get_last_sync (sync));
}

/* ---- what the window shows of a sync ------------------------------------ */

void
techo_window_set_syncing (TechoWindow *self,
                          gboolean     syncing)
{
  gtk_stack_set_visible_child_name (self->sync_stack, syncing ? "busy" : "idle");
  gtk_spinner_set_spinning (self->sync_spinner, syncing);
}

void
techo_window_show_connect (TechoWindow *self,
                           const char  *url)
{
  techo_welcome_show_connect (techo_window_ensure_welcome (self), url);
  techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
}

void
techo_window_show_sync_progress (TechoWindow *self)
{
  techo_welcome_show_progress (techo_window_ensure_welcome (self));
  techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
}

void
techo_window_set_sync_progress (TechoWindow   *self,
                                TechoCategory  category,
                                guint          records,
                                gboolean       finished)
{
  techo_welcome_set_progress (techo_window_ensure_welcome (self), category, records, finished);
}

void
techo_window_show_welcome_error (TechoWindow *self,
                                 const char  *message)
{
  techo_welcome_set_protect_needed (techo_window_ensure_welcome (self),
                                    self->store == NULL
                                    || !techo_store_exists_at (techo_store_get_data_dir (self->store),
                                                               NULL));
  techo_welcome_show_error (techo_window_ensure_welcome (self), message);
  techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
}

void
techo_window_show_welcome_failure (TechoWindow  *self,
                                   const GError *error)
{
  g_autofree char *details = techo_error_text_dup_details (error);

  techo_window_show_welcome_error (self, techo_error_text (error));
  techo_welcome_set_error_details (techo_window_ensure_welcome (self), details);
}

void
techo_window_show_sync_error (TechoWindow  *self,
                              const GError *error)
{
  const char *label;

  g_return_if_fail (TECHO_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  g_clear_error (&self->sync_error);
  self->sync_error = g_error_copy (error);
  gtk_label_set_text (self->sync_banner_label, techo_error_text (error));
  label = techo_error_text_next_label (techo_error_text_next (error));
  gtk_widget_set_visible (GTK_WIDGET (self->sync_banner_button), label != NULL);
  if (label != NULL)
    {
      gtk_button_set_label (self->sync_banner_button, label);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (self->sync_banner_button),
                                      techo_error_text_next (error) == TECHO_ERROR_NEXT_SIGN_IN
                                      ? "win.sign-in-again" : "win.sync");
    }
  gtk_revealer_set_reveal_child (self->sync_banner, TRUE);
}

void
techo_window_hide_sync_error (TechoWindow *self)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));

  gtk_revealer_set_reveal_child (self->sync_banner, FALSE);
  g_clear_error (&self->sync_error);
}

void
techo_window_set_last_sync (TechoWindow *self,
                             GDateTime   *when)
{
  g_autofree char *time = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (TECHO_IS_WINDOW (self));

  if (when == NULL)
    {
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_button), _("Sync (Ctrl+R)"));
      return;
    }
  time = g_date_time_format (when, "%H:%M");
  /* Translators: the sync button's tooltip; %s is a time like 14:05. */
  text = g_strdup_printf (_("Sync (Ctrl+R). Last synced at %s."), time);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_button), text);
}
