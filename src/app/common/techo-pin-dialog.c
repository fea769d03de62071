/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Setting the owner's PIN: twice, checked, stored on the store's thread.
 * A message dialog closes on any answer, so a mistake asks again with a
 * new one that says what was wrong. */

#define G_LOG_DOMAIN "techo-pin-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-error-text.h"
#include "techo-pin-dialog.h"
#include "techo-secure.h"

typedef struct
{
  GtkWindow *parent;
  TechoStore *store;
  char *heading;
  char *body;
  char *later;
  TechoPinDialogDone done;
  gpointer user_data;
} PinRequest;

static void
pin_request_free (PinRequest *r)
{
  g_clear_object (&r->parent);
  g_clear_object (&r->store);
  g_free (r->heading);
  g_free (r->body);
  g_free (r->later);
  g_free (r);
}

static TechoAlert *present (PinRequest *r, const char *error_text);

static void
pin_set_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PinRequest *r = user_data;
  g_autoptr(GError) error = NULL;

  if (!techo_store_set_owner_pin_finish (TECHO_STORE (source), result, &error))
    {
      techo_error_text_log ("Setting the PIN", error);
      present (r, techo_error_text (error));
      return;
    }
  r->done (TRUE, FALSE, r->user_data);
  pin_request_free (r);
}

static void
response_cb (TechoAlert       *dialog,
             const char       *response,
             PinRequest       *r)
{
  GtkEditable *pin_entry = g_object_get_data (G_OBJECT (dialog), "pin");
  GtkEditable *again_entry = g_object_get_data (G_OBJECT (dialog), "again");
  g_autofree char *pin = g_strdup (gtk_editable_get_text (pin_entry));
  const char *again = gtk_editable_get_text (again_entry);
  gboolean same = g_strcmp0 (pin, again) == 0;

  /* One answer per dialog: closing after it must not answer again. */
  g_signal_handlers_disconnect_by_func (dialog, response_cb, r);

  gtk_editable_set_text (pin_entry, "");
  gtk_editable_set_text (again_entry, "");
  /* As visit mode's question: let go of the parent before it closes, so
   * it is not torn down with it, password entries and all. */
#if !TECHO_ALERT_IN_WINDOW
  gtk_window_set_transient_for (GTK_WINDOW (dialog), NULL);
  gtk_window_set_hide_on_close (GTK_WINDOW (dialog), FALSE);
#endif
  if (g_strcmp0 (response, "set") != 0)
    {
      r->done (FALSE, g_strcmp0 (response, "later") == 0, r->user_data);
      pin_request_free (r);
    }
  else if (!techo_owner_pin_is_valid (pin))
    present (r, _("A PIN is 4 to 12 digits."));
  else if (!same)
    present (r, _("The two PINs are not the same."));
  else
    techo_store_set_owner_pin_async (r->store, pin, NULL, pin_set_cb, r);
  techo_wipe (pin, strlen (pin));
}

/* A hidden-text GtkEntry for digits. Not a GtkPasswordEntry: GTK 4.8's
 * keeps a handler on the keyboard that outlives a message dialog closed
 * by its own button (a crash on the next caps-lock notification). */
static GtkWidget *
pin_entry (const char *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_visibility (GTK_ENTRY (entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_PIN);
  gtk_entry_set_max_length (GTK_ENTRY (entry), TECHO_OWNER_PIN_MAX_LENGTH);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  return entry;
}

static TechoAlert *
present (PinRequest *r,
         const char *error_text)
{
  GtkWidget *dialog = techo_alert_new (r->parent, r->heading, r->body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *pin = pin_entry (_("PIN (4 to 12 digits)"));
  GtkWidget *again = pin_entry (_("The same PIN again"));

  gtk_box_append (GTK_BOX (box), pin);
  gtk_box_append (GTK_BOX (box), again);
  if (error_text != NULL)
    {
      GtkWidget *error = gtk_label_new (error_text);

      gtk_widget_add_css_class (error, "error");
      gtk_label_set_wrap (GTK_LABEL (error), TRUE);
      gtk_box_append (GTK_BOX (box), error);
    }
  techo_alert_set_extra_child (TECHO_ALERT (dialog), box);
  techo_alert_add_response (TECHO_ALERT (dialog), "cancel", _("_Cancel"));
  if (r->later != NULL)
    techo_alert_add_response (TECHO_ALERT (dialog), "later", r->later);
  techo_alert_add_response (TECHO_ALERT (dialog), "set", _("_Set PIN"));
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "set", ADW_RESPONSE_SUGGESTED);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "set");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "pin", pin);
  g_object_set_data (G_OBJECT (dialog), "again", again);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), r);
  techo_alert_present (TECHO_ALERT (dialog));
  gtk_widget_grab_focus (pin);
  return TECHO_ALERT (dialog);
}

TechoAlert *
techo_pin_dialog_new (GtkWindow          *parent,
                      TechoStore         *store,
                      const char         *heading,
                      const char         *body,
                      const char         *later_label,
                      TechoPinDialogDone  done,
                      gpointer            user_data)
{
  PinRequest *r = g_new0 (PinRequest, 1);

  r->parent = parent != NULL ? g_object_ref (parent) : NULL;
  r->store = g_object_ref (store);
  r->heading = g_strdup (heading);
  r->body = g_strdup (body);
  r->later = g_strdup (later_label);
  r->done = done;
  r->user_data = user_data;
  return present (r, NULL);
}

void
techo_pin_dialog_set (TechoAlert       *dialog,
                      const char       *pin,
                      const char       *again)
{
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "pin"), pin);
  gtk_editable_set_text (g_object_get_data (G_OBJECT (dialog), "again"), again);
  /* As the button does: answer, then close. */
  techo_alert_response (dialog, "set");
}
