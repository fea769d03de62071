/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-alert.c: AdwAlertDialog where libadwaita has it, AdwMessageDialog
 * on libadwaita 1.2; see techo-alert.h. */

#define G_LOG_DOMAIN "techo-app"

#include "config.h"

#include "techo-alert.h"

#define PARENT_KEY "techo-alert-parent"

GtkWidget *
techo_alert_new (GtkWindow  *parent,
                 const char *heading,
                 const char *body)
{
#if TECHO_ALERT_IN_WINDOW
  GtkWidget *alert = GTK_WIDGET (adw_alert_dialog_new (heading, body));

  /* The parent is needed only when it is shown; held till then. */
  if (parent != NULL)
    g_object_set_data_full (G_OBJECT (alert), PARENT_KEY,
                            g_object_ref (parent), g_object_unref);
  return alert;
#else
  return adw_message_dialog_new (parent, heading, body);
#endif
}

void
techo_alert_present (TechoAlert *alert)
{
#if TECHO_ALERT_IN_WINDOW
  GtkWidget *parent = g_object_get_data (G_OBJECT (alert), PARENT_KEY);

  adw_dialog_present (ADW_DIALOG (alert), parent);
  /* Shown: from now on the window keeps it, not the other way round. */
  g_object_set_data (G_OBJECT (alert), PARENT_KEY, NULL);
#else
  gtk_window_present (GTK_WINDOW (alert));
#endif
}

/* The button showing @label in @widget, or NULL. */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) &&
      g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
techo_alert_response (TechoAlert *alert,
                      const char *response)
{
#if TECHO_ALERT_IN_WINDOW
  const char *label = adw_alert_dialog_get_response_label (alert, response);
#else
  const char *label = adw_message_dialog_get_response_label (alert, response);
#endif
  GtkWidget *button = find_button (GTK_WIDGET (alert), label);

  /* Through the button itself: the dialog closes and answers exactly as
   * it does for a click. */
  g_return_if_fail (button != NULL);
  g_signal_emit_by_name (button, "clicked");
}

void
techo_alert_close (TechoAlert *alert)
{
#if TECHO_ALERT_IN_WINDOW
  adw_dialog_close (ADW_DIALOG (alert));
#else
  gtk_window_close (GTK_WINDOW (alert));
#endif
}

TechoAlert *
techo_alert_find_shown (void)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (!gtk_widget_get_visible (window))
        continue;
#if TECHO_ALERT_IN_WINDOW
      {
        AdwDialog *dialog = NULL;

        if (ADW_IS_APPLICATION_WINDOW (window))
          dialog = adw_application_window_get_visible_dialog (ADW_APPLICATION_WINDOW (window));
        else if (ADW_IS_WINDOW (window))
          dialog = adw_window_get_visible_dialog (ADW_WINDOW (window));
        if (dialog != NULL && ADW_IS_ALERT_DIALOG (dialog))
          return ADW_ALERT_DIALOG (dialog);
        /* A dialog over a plain GtkWindow gets a window of its own. */
        if (GTK_IS_WINDOW (window) && ADW_IS_ALERT_DIALOG (gtk_window_get_child (GTK_WINDOW (window))))
          return ADW_ALERT_DIALOG (gtk_window_get_child (GTK_WINDOW (window)));
      }
#else
      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
#endif
    }
  return NULL;
}
