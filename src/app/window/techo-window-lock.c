/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-lock.c: opening the store (first run, keyring, passphrase),
 * the locked page, locking by hand or after idle minutes. Nothing of the
 * records stays on screen or in memory while locked. Unlocking asks for
 * something only the owner has: the passphrase of a passphrase store;
 * for a keyring store with an owner's PIN (techo-owner-pin.h), the PIN,
 * checked right after the store opens and before any record is read —
 * a wrong one closes it again. This holds for a fresh start of Techo
 * too, so quitting and restarting is no way around the lock. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-secure.h"
#include "techo-startup-trace.h"
#include "techo-window-private.h"

void
techo_window_show_locked (TechoWindow  *self,
                          const GError *error)
{
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;
  gboolean passphrase;

  techo_store_exists_at (techo_store_get_data_dir (self->store), &mode);
  passphrase = mode == TECHO_STORE_MODE_PASSPHRASE;
  if (passphrase)
    self->pin_required = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->unlock_entry), passphrase || self->pin_required);
  g_object_set (self->unlock_entry, "placeholder-text",
                passphrase ? _("Passphrase") : _("PIN"), NULL);
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
                                     : self->pin_required ? _("Enter your PIN to open your records.")
                                     : _("Your records are encrypted on this computer."));
  techo_window_show_mode (self, TECHO_WINDOW_MODE_LOCKED);
  if (passphrase || self->pin_required)
    gtk_widget_grab_focus (GTK_WIDGET (self->unlock_entry));
}

static void
closed_after_pin_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!techo_store_close_finish (TECHO_STORE (source), result, &error))
    g_warning ("Closing the store: %s", error->message);
}

static void
owner_pin_checked_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(TechoWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TechoOwnerPinResult answer = { 0 };

  techo_startup_mark ("pin_checked");
  if (!techo_store_check_owner_pin_finish (TECHO_STORE (source), result, &answer, &error))
    {
      techo_store_close_async (TECHO_STORE (source), NULL, closed_after_pin_cb, NULL);
      techo_window_show_locked (self, error);
      return;
    }
  switch (answer.check)
    {
    case TECHO_OWNER_PIN_NOT_SET:
    case TECHO_OWNER_PIN_RIGHT:
      self->pin_required = answer.check == TECHO_OWNER_PIN_RIGHT;
      self->sync_when_shown = TRUE;
      techo_window_load_records (self);
      return;
    case TECHO_OWNER_PIN_NEEDED:
      break;
    case TECHO_OWNER_PIN_WRONG:
      text = g_strdup (_("That PIN is not right."));
      if (answer.wait_seconds > 0)
        {
          g_autofree char *before = g_steal_pointer (&text);

          /* Translators: after a wrong PIN, when the next try must wait. */
          text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                               "%s Try again in %d second.",
                                               "%s Try again in %d seconds.",
                                               (gulong) answer.wait_seconds),
                                  before, (int) answer.wait_seconds);
        }
      break;
    case TECHO_OWNER_PIN_WAIT:
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Too many wrong PINs. Try again in %d second.",
                                           "Too many wrong PINs. Try again in %d seconds.",
                                           (gulong) answer.wait_seconds),
                              (int) answer.wait_seconds);
      break;
    }
  /* Not the owner (yet): closed again before anything was read. */
  self->pin_required = TRUE;
  techo_store_close_async (TECHO_STORE (source), NULL, closed_after_pin_cb, NULL);
  techo_window_show_locked (self, NULL);
  if (text != NULL)
    adw_status_page_set_description (self->locked_page, text);
}

static void
store_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TechoWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  techo_startup_mark ("store_opened");
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
      techo_welcome_set_protect_needed (techo_window_ensure_welcome (self), FALSE);
      gtk_widget_activate_action (GTK_WIDGET (self), "app.connect", "s", choice);
      return;
    }
  if (techo_store_get_mode (TECHO_STORE (source)) == TECHO_STORE_MODE_KEYRING)
    {
      g_autofree char *pin = g_steal_pointer (&self->pending_pin);

      /* The keyring opened it without a secret: the owner's PIN, if one
       * is set, before any record is read. */
      techo_store_check_owner_pin_async (TECHO_STORE (source), pin, self->cancellable,
                                         owner_pin_checked_cb, g_object_ref (self));
      if (pin != NULL)
        techo_wipe (pin, strlen (pin));
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
  /* A keyring store opens without a secret: what was typed is the PIN. */
  if (passphrase != NULL && self->pin_required)
    {
      techo_wipe_free (self->pending_pin);
      self->pending_pin = g_strdup (passphrase);
      passphrase = NULL;
    }
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
  /* A page not built yet is handed the store when it is. */
  if (self->checkups_page != NULL)
    techo_checkups_page_set_store (self->checkups_page, store);
  if (self->sharing_page != NULL)
    techo_sharing_page_set_store (self->sharing_page, store);
  if (self->medicines_page != NULL)
    techo_medicines_page_set_store (self->medicines_page, store);
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
      techo_welcome_reset (techo_window_ensure_welcome (self));
      techo_welcome_set_protect_needed (techo_window_ensure_welcome (self), TRUE);
      techo_window_show_mode (self, TECHO_WINDOW_MODE_WELCOME);
      return;
    }
  if (mode == TECHO_STORE_MODE_PASSPHRASE)
    techo_window_show_locked (self, NULL);
  else
    techo_window_open_store (self, NULL);
}

void
techo_window_unlock (TechoWindow *self,
                     const char  *secret)
{
  if (secret != NULL && gtk_widget_get_visible (GTK_WIDGET (self->unlock_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->unlock_entry), secret);
  unlock_cb (self);
}

gboolean
techo_window_get_asks_secret (TechoWindow *self)
{
  return gtk_widget_get_visible (GTK_WIDGET (self->unlock_entry));
}

const char *
techo_window_get_locked_text (TechoWindow *self)
{
  return adw_status_page_get_description (self->locked_page);
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
