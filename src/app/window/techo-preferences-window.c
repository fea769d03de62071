/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-preferences-window.h"

struct _TechoPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkSpinButton *auto_lock_spin;
  GtkSwitch *reminders_switch;
  GtkSwitch *era_switch;
  AdwActionRow *connection_row;
};

G_DEFINE_FINAL_TYPE (TechoPreferencesWindow, techo_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
era_get_mapping (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  g_value_set_boolean (value, g_strcmp0 (g_variant_get_string (variant, NULL),
                                         "japanese-era") == 0);
  return TRUE;
}

static GVariant *
era_set_mapping (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  return g_variant_new_string (g_value_get_boolean (value) ? "japanese-era" : "western");
}

static void
techo_preferences_window_class_init (TechoPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, reminders_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, era_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, connection_row);
}

static void
techo_preferences_window_init (TechoPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
techo_preferences_window_new (GtkWindow  *parent,
                              GSettings  *settings,
                              const char *connection)
{
  TechoPreferencesWindow *self = g_object_new (TECHO_TYPE_PREFERENCES_WINDOW,
                                               "transient-for", parent,
                                               "modal", TRUE,
                                               NULL);

  g_settings_bind (settings, "auto-lock-minutes", self->auto_lock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reminders", self->reminders_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "date-style", self->era_switch, "active",
                                G_SETTINGS_BIND_DEFAULT, era_get_mapping, era_set_mapping,
                                NULL, NULL);
  adw_action_row_set_subtitle (self->connection_row,
                               connection != NULL ? connection : _("Not connected"));
  return GTK_WIDGET (self);
}

void
techo_preferences_window_set_connection (TechoPreferencesWindow *self,
                                         const char             *connection)
{
  adw_action_row_set_subtitle (self->connection_row,
                               connection != NULL ? connection : _("Not connected"));
}
