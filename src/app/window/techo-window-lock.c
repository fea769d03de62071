/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-lock.c: opening the store (first run, keyring, passphrase),
 * the locked page, locking by hand or after idle minutes. Nothing of the
 * records stays on screen or in memory while locked. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-window-private.h"

void
techo_window_show_locked (TechoWindow  *self,
                          const GError *error)
{
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;
  gboolean passphrase;

  techo_store_exists_at (techo_store_get_data_dir (self->store), &mode);
  passphrase = mode == TECHO_STORE_MODE_PASSPHRASE;
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_entry), passphrase);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), TRUE);
  if (error != NULL)
    {
      techo_error_text_log ("Opening the store", error);
      adw_status_page_set_description (self->locked_page, techo_error_text (error));
    }
  else
    adw_status_page_set_description (self->locked_page,
                                     passphrase ? _("Enter your passphrase to open your records.")
                                                : _("Your records are encrypted on this computer."));
  techo_window_show_mode (self, TECHO_WINDOW_MODE_LOCKED);
  if (passphrase)
    gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TechoWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!techo_store_open_finish (TECHO_STORE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (self->pending_choice != NULL)
        {
          g_clear_pointer (&self->pending_choice, g_free);
          techo_error_text_log ("Creating the store", error);
          techo_window_show_welcome_failure (self, error);
          techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
          return;
        }
      techo_window_show_locked (self, error);
      return;
    }
  if (self->pending_choice != NULL)
    {
      g_autofree char *choice = g_steal_pointer (&self->pending_choice);

      /* The store is made: sign in and bring the records in. */
      techo_welcome_set_protect_needed (self->welcome, FALSE);
      gtk_widget_activate_action (GTK_WIDGET (self), "app.connect", "s", choice);
      return;
    }
  self->sync_when_shown = TRUE;
  techo_window_load_records (self);
}

void
techo_window_open_store (TechoWindow *self,
                         const char  *passphrase)
{
  techo_window_show_mode (self, TECHO_WINDOW_MODE_LOADING);
  techo_store_open_async (self->store, passphrase, self->cancellable, store_opened_cb,
                          g_object_ref (self));
}

static void
unlock_cb (TechoWindow *self)
{
  const char *passphrase = NULL;

  if (gtk_widget_get_visible (GTK_WIDGET (self->unlock_entry)))
    {
      passphrase = gtk_editable_get_text (GTK_EDITABLE (self->unlock_entry));
      if (passphrase[0] == '\0')
        {
          gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
          return;
        }
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->unlock_button), FALSE);
  techo_window_open_store (self, passphrase);
  gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), "");
}

static gboolean
input_event_cb (GtkEventControllerLegacy *controller,
                GdkEvent                 *event,
                TechoWindow              *self)
{
  self->last_activity = g_get_monotonic_time ();
  return GDK_EVENT_PROPAGATE;
}

static gboolean
idle_check_cb (gpointer user_data)
{
  TechoWindow *self = user_data;
  guint minutes = g_settings_get_uint (self->settings, "auto-lock-minutes");

  if (minutes > 0 && techo_window_get_mode (self) == TECHO_WINDOW_MODE_MAIN
      && g_get_monotonic_time () - self->last_activity >= (gint64) minutes * 60 * G_USEC_PER_SEC)
    techo_window_lock (self);
  return G_SOURCE_CONTINUE;
}

static void
store_closed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!techo_store_close_finish (TECHO_STORE (source), result, &error))
    g_warning ("Closing the store: %s", error->message);
}

void
techo_window_lock (TechoWindow *self)
{
  if (self->store == NULL || !techo_store_is_open (self->store))
    return;
  /* Nothing of the records stays on screen or in memory while locked. */
  techo_window_set_records (self, NULL);
  /* Closed on the store's thread; it reads as closed from now on. */
  techo_store_close_async (self->store, NULL, store_closed_cb, NULL);
  techo_window_show_locked (self, NULL);
}

void
techo_window_set_store (TechoWindow *self,
                        TechoStore  *store)
{
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;

  g_return_if_fail (TECHO_IS_WINDOW (self));

  g_set_object (&self->store, store);
  techo_checkups_page_set_store (self->checkups_page, store);
  techo_sharing_page_set_store (self->sharing_page, store);
  if (store == NULL)
    return;
  if (techo_store_is_open (store))
    {
      self->sync_when_shown = TRUE;
      techo_window_load_records (self);
      return;
    }
  if (!techo_store_exists_at (techo_store_get_data_dir (store), &mode))
    {
      techo_welcome_reset (self->welcome);
      techo_welcome_set_protect_needed (self->welcome, TRUE);
      techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
      return;
    }
  if (mode == TECHO_STORE_MODE_PASSPHRASE)
    techo_window_show_locked (self, NULL);
  else
    techo_window_open_store (self, NULL);
}

void
techo_window_init_lock (TechoWindow *self)
{
  GtkEventController *controller = gtk_event_controller_legacy_new ();

  /* Any key, click or pointer motion in the window counts as activity. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (input_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
  self->last_activity = g_get_monotonic_time ();
  self->idle_check_id = g_timeout_add_seconds (15, idle_check_cb, self);
}

void
techo_window_class_init_lock (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, unlock_cb);
}
