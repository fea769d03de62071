/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-actions.c: the window's actions (win.*) and their
 * keyboard shortcuts: pages, sync, errors, import, visit mode, print. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-file-import.h"
#include "techo-link-import.h"
#include "techo-window-private.h"

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  techo_window_show_page (TECHO_WINDOW (widget), g_variant_get_string (parameter, NULL));
  adw_leaflet_navigate (TECHO_WINDOW (widget)->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
page_number_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  int index = g_variant_get_int32 (parameter) - 1;

  if (index >= 0 && index < TECHO_WINDOW_N_PAGES
      && techo_window_get_mode (TECHO_WINDOW (widget)) == TECHO_WINDOW_MODE_MAIN)
    show_page_action (widget, NULL, g_variant_new_string (techo_window_page_names[index]));
}

static void
lock_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  techo_window_lock (TECHO_WINDOW (widget));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  techo_window_add_toast (TECHO_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

/* A page changed what the store holds (the Medical ID): read it again. */
static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  techo_window_reload (TECHO_WINDOW (widget));
}

static void
sync_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  /* Signing in and syncing live in the application, which owns the
   * portal connection; it calls back through techo_window_reload. */
  gtk_widget_activate_action (GTK_WIDGET (self), "app.sync", NULL);
}

static void
cancel_sync_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  gtk_widget_activate_action (widget, "app.cancel-sync", NULL);
}

static void
sync_error_details_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  if (self->sync_error != NULL)
    techo_error_dialog_show (GTK_WINDOW (self), _("Sync stopped"), self->sync_error);
}

static void
sign_in_again_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);
  g_autoptr(GError) error = g_steal_pointer (&self->sync_error);

  /* The welcome's connect step signs in again. */
  techo_window_hide_sync_error (self);
  techo_window_show_welcome_error (self, error != NULL ? techo_error_text (error) : NULL);
}

static void
dismiss_sync_error_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  techo_window_hide_sync_error (TECHO_WINDOW (widget));
}

static void
error_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  if (self->toast_error != NULL)
    techo_error_dialog_show (GTK_WINDOW (self), g_variant_get_string (parameter, NULL),
                             self->toast_error);
}

static void
show_records_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  if (self->store == NULL || !techo_store_is_open (self->store))
    return;
  if (self->records != NULL)
    techo_window_show_mode (self, TECHO_WINDOW_MODE_MAIN);
  else
    techo_window_load_records (self);
}

/* The person the records on screen belong to (0: none yet; the import
 * then makes one from the file). */
static gint64
current_profile_id (TechoWindow *self)
{
  if (self->records == NULL || self->records->profile == NULL)
    return 0;
  return self->records->profile->id;
}

static gboolean
can_import (TechoWindow *self)
{
  return self->store != NULL && techo_store_is_open (self->store)
         && techo_window_get_mode (self) == TECHO_WINDOW_MODE_MAIN;
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  if (can_import (self))
    techo_file_import_choose (self, self->store, current_profile_id (self));
}

static void
import_link_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);

  if (can_import (self))
    techo_link_import_ask (self, self->store, current_profile_id (self));
}

/* Visit mode and printing both start from the share dialog, so that the
 * consent (to whom, why, what) is asked for and recorded first. */
static void
share_with_method (TechoWindow        *self,
                   TechoConsentMethod  method)
{
  if (techo_window_get_mode (self) != TECHO_WINDOW_MODE_MAIN || self->records == NULL
      || self->records->profile == NULL)
    return;
  techo_sharing_page_open_dialog (TECHO_SHARING_PAGE (techo_window_get_page (self, "sharing")),
                                  method);
}

static void
visit_mode_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  share_with_method (TECHO_WINDOW (widget), TECHO_CONSENT_METHOD_VISIT);
}

static void
print_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  share_with_method (TECHO_WINDOW (widget), TECHO_CONSENT_METHOD_PRINT);
}

void
techo_window_import_paths (TechoWindow        *self,
                           const char * const *paths)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));

  if (can_import (self))
    techo_file_import_paths (self, self->store, current_profile_id (self), paths);
}

void
techo_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.page", "i", page_number_action);
  gtk_widget_class_install_action (widget_class, "win.lock", NULL, lock_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-sync", NULL, cancel_sync_action);
  gtk_widget_class_install_action (widget_class, "win.sync-error-details", NULL,
                                   sync_error_details_action);
  gtk_widget_class_install_action (widget_class, "win.sign-in-again", NULL, sign_in_again_action);
  gtk_widget_class_install_action (widget_class, "win.dismiss-sync-error", NULL,
                                   dismiss_sync_error_action);
  gtk_widget_class_install_action (widget_class, "win.error-details", "s", error_details_action);
  gtk_widget_class_install_action (widget_class, "win.show-records", NULL, show_records_action);
  gtk_widget_class_install_action (widget_class, "win.visit-mode", NULL, visit_mode_action);
  gtk_widget_class_install_action (widget_class, "win.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "win.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "win.import-link", NULL, import_link_action);

  for (int i = 0; i < TECHO_WINDOW_N_PAGES; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.page", "i", i + 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK,
                                       "win.sync", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_l, GDK_CONTROL_MASK,
                                       "win.lock", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "win.visit-mode", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK,
                                       "win.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK,
                                       "win.import", NULL);
}
