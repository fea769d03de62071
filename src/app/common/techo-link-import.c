/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-link-import"

#include "config.h"

#include "techo-alert.h"
#include <glib/gi18n.h>

#include "techo-link-import.h"
#include "techo-secure.h"
#include "techo-shl-fetch.h"
#include "techo-shl-payload.h"

typedef struct
{
  GWeakRef window;  /* TechoWindow: closed meanwhile, no report */
  TechoStore *store;
  gint64 profile_id;
  GtkWidget *link;      /* GtkEntry, in the dialog */
  GtkWidget *passcode;  /* GtkPasswordEntry */
} LinkRun;

static void
link_run_free (LinkRun *run)
{
  g_weak_ref_clear (&run->window);
  g_clear_object (&run->store);
  g_free (run);
}

static void
show_error (TechoWindow  *window,
            const GError *error)
{
  GtkWidget *dialog = techo_alert_new (GTK_WINDOW (window),
                                              _("Could not open the shared link"),
                                              error->message);

  techo_alert_add_response (TECHO_ALERT (dialog), "close", _("_Close"));
  techo_alert_set_close_response (TECHO_ALERT (dialog), "close");
  techo_alert_present (TECHO_ALERT (dialog));
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  LinkRun *run = user_data;
  g_autoptr(TechoWindow) window = g_weak_ref_get (&run->window);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;
  guint n_new = 0;

  results = techo_import_shl_finish (TECHO_STORE (source), result, &error);
  if (window != NULL && gtk_widget_get_realized (GTK_WIDGET (window)))
    {
      if (results == NULL)
        show_error (window, error);
      else
        {
          g_autofree char *text = NULL;

          for (guint i = 0; i < results->len; i++)
            n_new += ((TechoImportResult *) g_ptr_array_index (results, i))->n_new;
          text = n_new == 0 ? g_strdup (_("Nothing new: these records are already in Techo"))
                            : g_strdup_printf (ngettext ("Imported %u record from the shared link",
                                                         "Imported %u records from the shared link",
                                                         n_new), n_new);
          techo_window_reload (window);
          techo_window_add_toast (window, text);
        }
    }
  link_run_free (run);
}

void
techo_link_import_run (TechoWindow *window,
                       TechoStore  *store,
                       gint64       profile_id,
                       const char  *link,
                       const char  *passcode)
{
  LinkRun *run;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (link != NULL);

  run = g_new0 (LinkRun, 1);
  g_weak_ref_init (&run->window, window);
  run->store = g_object_ref (store);
  run->profile_id = profile_id;
  techo_import_shl_async (store, profile_id, link,
                          passcode != NULL && *passcode != '\0' ? passcode : NULL,
                          NULL, imported_cb, run);
}

static void
response_cb (TechoAlert *dialog,
             const char       *response,
             gpointer          user_data)
{
  LinkRun *run = user_data;
  g_autoptr(TechoWindow) window = g_weak_ref_get (&run->window);

  if (window != NULL && g_strcmp0 (response, "open") == 0)
    {
      g_auto(TechoSecret) link = g_strdup (gtk_editable_get_text (GTK_EDITABLE (run->link)));
      g_auto(TechoSecret) passcode = g_strdup (gtk_editable_get_text (GTK_EDITABLE (run->passcode)));

      techo_link_import_run (window, run->store, run->profile_id, g_strstrip (link), passcode);
    }
  /* The fields held the key and the passcode. A close after a response
   * answers again ("cancel"); the run lives as long as the dialog. */
  gtk_editable_set_text (GTK_EDITABLE (run->link), "");
  gtk_editable_set_text (GTK_EDITABLE (run->passcode), "");
}

static void
link_changed_cb (GtkEditable      *editable,
                 TechoAlert *dialog)
{
  techo_alert_set_response_enabled (dialog, "open",
                                           techo_shl_link_looks_like (gtk_editable_get_text (editable)));
}

void
techo_link_import_ask (TechoWindow *window,
                       TechoStore  *store,
                       gint64       profile_id)
{
  GtkWidget *dialog;
  GtkWidget *box;
  LinkRun *run;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));

  run = g_new0 (LinkRun, 1);
  g_weak_ref_init (&run->window, window);
  run->store = g_object_ref (store);
  run->profile_id = profile_id;

  dialog = techo_alert_new (GTK_WINDOW (window), _("Open a Shared Link"),
                                   _("Paste the link someone shared with you (it starts with "
                                     "shlink:/ or holds #shlink:/). If they gave you a "
                                     "passcode, enter it too."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  run->link = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (run->link), _("Shared link"));
  gtk_entry_set_input_hints (GTK_ENTRY (run->link), GTK_INPUT_HINT_NO_SPELLCHECK);
  gtk_accessible_update_property (GTK_ACCESSIBLE (run->link), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Shared link"), -1);
  run->passcode = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (run->passcode), TRUE);
  g_object_set (run->passcode, "placeholder-text", _("Passcode (if any)"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (run->passcode), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Passcode"), -1);
  gtk_box_append (GTK_BOX (box), run->link);
  gtk_box_append (GTK_BOX (box), run->passcode);
  techo_alert_set_extra_child (TECHO_ALERT (dialog), box);
  techo_alert_add_responses (TECHO_ALERT (dialog),
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "open",
                                              ADW_RESPONSE_SUGGESTED);
  techo_alert_set_response_enabled (TECHO_ALERT (dialog), "open", FALSE);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "open");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  gtk_entry_set_activates_default (GTK_ENTRY (run->link), TRUE);
  g_signal_connect (run->link, "changed", G_CALLBACK (link_changed_cb), dialog);
  g_object_set_data_full (G_OBJECT (dialog), "techo-link-run", run,
                          (GDestroyNotify) link_run_free);
  g_signal_connect (dialog, "response", G_CALLBACK (response_cb), run);
  techo_alert_present (TECHO_ALERT (dialog));
}
