/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Leaving visit mode: it asks for something only the owner has — the
 * passphrase of a passphrase store, proved on a second connection opened
 * and closed asynchronously; with the keyring, the owner's PIN
 * (techo-owner-pin.h: counted, with a growing wait), or, when no PIN is
 * set, a confirmation — then gives the owner's window back. */

#define G_LOG_DOMAIN "techo-visit-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-secure.h"
#include "techo-visit-window-private.h"

/* ---- leaving ----------------------------------------------------------- */

static gboolean
destroy_cb (gpointer user_data)
{
  gtk_window_destroy (GTK_WINDOW (user_data));
  return G_SOURCE_REMOVE;
}

static void
leave (TechoVisitWindow *self)
{
  self->leaving = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  if (self->owner != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->owner), TRUE);
      gtk_window_present (self->owner);
    }
  /* The question that led here is still answering (it is transient for
   * this window): go once it is done. */
  g_idle_add_full (G_PRIORITY_DEFAULT, destroy_cb, g_object_ref (self), g_object_unref);
}

static void ask_leave (TechoVisitWindow *self, const char *error_text);

static gboolean
uses_pin (TechoVisitWindow *self)
{
  return !techo_visit_window_uses_passphrase (self) && self->pin_state != TECHO_OWNER_PIN_NOT_SET;
}

static void
pin_state_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TechoVisitWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TechoOwnerPinResult answer = { 0 };

  /* A store that cannot answer asks for the PIN: never less protection. */
  if (!techo_store_check_owner_pin_finish (TECHO_STORE (source), result, &answer, &error))
    {
      techo_error_text_log ("Asking for the PIN", error);
      answer.check = TECHO_OWNER_PIN_NEEDED;
    }
  self->pin_state = answer.check;
  if (self->leave_pending && !gtk_widget_in_destruction (GTK_WIDGET (self)))
    {
      self->leave_pending = FALSE;
      ask_leave (self, NULL);
    }
}

void
techo_visit_window_load_pin_state (TechoVisitWindow *self)
{
  self->pin_state = -1;
  if (techo_visit_window_uses_passphrase (self))
    return;
  techo_store_check_owner_pin_async (self->store, NULL, NULL, pin_state_cb, g_object_ref (self));
}

static char *
wait_text (gint64 seconds)
{
  /* Translators: after too many wrong PINs. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Too many wrong PINs. Try again in %d second.",
                                       "Too many wrong PINs. Try again in %d seconds.",
                                       (gulong) seconds),
                          (int) seconds);
}

static void
pin_checked_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(TechoVisitWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  TechoOwnerPinResult answer = { 0 };

  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->leave_button), TRUE);
  if (!techo_store_check_owner_pin_finish (TECHO_STORE (source), result, &answer, &error))
    {
      ask_leave (self, techo_error_text (error));
      return;
    }
  switch (answer.check)
    {
    case TECHO_OWNER_PIN_RIGHT:
    case TECHO_OWNER_PIN_NOT_SET:
      leave (self);
      return;
    case TECHO_OWNER_PIN_WAIT:
      text = wait_text (answer.wait_seconds);
      break;
    case TECHO_OWNER_PIN_WRONG:
      if (answer.wait_seconds > 0)
        {
          g_autofree char *wait = wait_text (answer.wait_seconds);

          text = g_strdup_printf ("%s %s", _("That PIN is not right."), wait);
        }
      else
        text = g_strdup (_("That PIN is not right."));
      break;
    default:
      text = g_strdup (_("Enter your PIN."));
      break;
    }
  ask_leave (self, text);
}

static void
check_closed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  techo_store_close_finish (TECHO_STORE (source), result, NULL);
}

static void
passphrase_checked_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TechoVisitWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TechoStore *check = TECHO_STORE (source);

  if (techo_store_open_finish (check, result, &error))
    {
      /* The proof is done: close the second connection on its thread. */
      techo_store_close_async (check, NULL, check_closed_cb, NULL);
      g_clear_object (&self->check_store);
      leave (self);
      return;
    }
  g_clear_object (&self->check_store);
  if (gtk_widget_in_destruction (GTK_WIDGET (self)))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->leave_button), TRUE);
  ask_leave (self, g_error_matches (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY)
                   ? _("That passphrase is not right.") : techo_error_text (error));
}

static void
leave_response_cb (TechoAlert *dialog,
                   const char       *response,
                   TechoVisitWindow *self)
{
  g_autofree char *passphrase = NULL;

  if (self->passphrase_entry != NULL)
    passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)));
  self->leave_dialog = NULL;
  self->passphrase_entry = NULL;
#if !TECHO_ALERT_IN_WINDOW
  /* Gone before this window can go: a question left hidden would be torn
   * down with its parent, password entry and all, mid-destruction. (An
   * AdwAlertDialog lives inside the window and closes with it.) */
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_set_hide_on_close (GTK_WINDOW (dialog), FALSE);
  /* GTK 4.8's password entry warns when its window goes while it holds
   * the focus. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
#endif
  if (g_strcmp0 (response, "leave") != 0)
    return;
  if (uses_pin (self))
    {
      if (passphrase == NULL || passphrase[0] == '\0')
        {
          ask_leave (self, _("Enter your PIN."));
          return;
        }
      gtk_widget_set_sensitive (GTK_WIDGET (self->leave_button), FALSE);
      techo_store_check_owner_pin_async (self->store, passphrase, NULL, pin_checked_cb,
                                         g_object_ref (self));
      techo_wipe (passphrase, strlen (passphrase));
      return;
    }
  if (!techo_visit_window_uses_passphrase (self))
    {
      leave (self);
      return;
    }
  if (passphrase == NULL || passphrase[0] == '\0')
    {
      ask_leave (self, _("Enter your passphrase."));
      return;
    }
  /* A second connection with the passphrase proves it without touching
   * the open one; SQLCipher's key derivation runs on its own thread. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->leave_button), FALSE);
  self->check_store = techo_store_new (techo_store_get_data_dir (self->store));
  techo_store_open_async (self->check_store, passphrase, NULL, passphrase_checked_cb,
                          g_object_ref (self));
  techo_wipe (passphrase, strlen (passphrase));
}

static void
ask_leave (TechoVisitWindow *self,
           const char       *error_text)
{
  GtkWidget *dialog;
  gboolean passphrase = techo_visit_window_uses_passphrase (self) || uses_pin (self);

  if (self->leave_dialog != NULL)
    return;
  /* Until the store says whether a PIN is set, nothing is offered. */
  if (!techo_visit_window_uses_passphrase (self) && self->pin_state < 0)
    {
      self->leave_pending = TRUE;
      return;
    }
  dialog = techo_alert_new (GTK_WINDOW (self), _("Leave Visit Mode?"), NULL);
  if (passphrase)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *entry = gtk_password_entry_new ();

      techo_alert_set_body (TECHO_ALERT (dialog),
                            uses_pin (self)
                            ? _("Enter your PIN to see all your records again.")
                            : _("Enter your passphrase to see all your records again."));
      gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
      g_object_set (entry, "activates-default", TRUE, NULL);
      gtk_box_append (GTK_BOX (box), entry);
      if (error_text != NULL)
        {
          GtkWidget *label = gtk_label_new (error_text);

          gtk_widget_add_css_class (label, "error");
          gtk_box_append (GTK_BOX (box), label);
        }
      techo_alert_set_extra_child (TECHO_ALERT (dialog), box);
      self->passphrase_entry = GTK_PASSWORD_ENTRY (entry);
      techo_alert_add_responses (TECHO_ALERT (dialog),
                                        "stay", _("_Stay"),
                                        "leave", _("_Unlock"),
                                        NULL);
    }
  else
    {
      techo_alert_set_body (TECHO_ALERT (dialog),
                                   _("Leaving shows all your records again. Only you, the owner of these records, should leave visit mode."));
      techo_alert_add_responses (TECHO_ALERT (dialog),
                                        "stay", _("_Stay"),
                                        "leave", _("I Am the _Owner, Leave"),
                                        NULL);
    }
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "leave",
                                              ADW_RESPONSE_SUGGESTED);
  techo_alert_set_default_response (TECHO_ALERT (dialog),
                                           passphrase ? "leave" : "stay");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "stay");
  g_signal_connect_object (dialog, "response", G_CALLBACK (leave_response_cb), self, 0);
  self->leave_dialog = TECHO_ALERT (dialog);
  techo_alert_present (TECHO_ALERT (dialog));
  if (self->passphrase_entry != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_entry));
}

gboolean
techo_visit_window_close_request (GtkWindow *window)
{
  TechoVisitWindow *self = TECHO_VISIT_WINDOW (window);

  if (self->leaving)
    return FALSE;
  /* Closing the window is leaving it: ask for the unlock. */
  techo_visit_window_request_leave (self);
  return TRUE;
}

void
techo_visit_window_leave_action (GtkWidget  *widget,
                                 const char *action_name,
                                 GVariant   *parameter)
{
  techo_visit_window_request_leave (TECHO_VISIT_WINDOW (widget));
}

void
techo_visit_window_request_leave (TechoVisitWindow *self)
{
  ask_leave (self, NULL);
}

TechoAlert *
techo_visit_window_get_leave_dialog (TechoVisitWindow *self)
{
  return self->leave_dialog;
}

gboolean
techo_visit_window_uses_passphrase (TechoVisitWindow *self)
{
  return techo_store_get_mode (self->store) == TECHO_STORE_MODE_PASSPHRASE;
}
