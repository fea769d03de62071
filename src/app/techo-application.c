/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-application"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-application.h"
#include "techo-window.h"

struct _TechoApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (TechoApplication, techo_application, ADW_TYPE_APPLICATION)

static void
techo_application_about_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  static const char *developers[] = { "The Techo developers", NULL };
  TechoApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", "Techo",
                         "application-icon", APP_ID,
                         "developer-name", "The Techo developers",
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "copyright", "© 2026 The Techo developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Your checkups, medicines and screenings, kept encrypted on this computer."),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
techo_application_quit_action (GSimpleAction *action,
                               GVariant      *parameter,
                               gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", techo_application_about_action },
  { "quit", techo_application_quit_action },
};

static void
techo_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (techo_window_new (TECHO_APPLICATION (app)));
  gtk_window_present (window);
}

static void
techo_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (techo_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
}

static void
techo_application_class_init (TechoApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = techo_application_activate;
  app_class->startup = techo_application_startup;
}

static void
techo_application_init (TechoApplication *self)
{
}

TechoApplication *
techo_application_new (void)
{
  return g_object_new (TECHO_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/techo/Techo",
                       NULL);
}
