/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-window.h"

struct _TechoWindow
{
  AdwApplicationWindow parent_instance;

  AdwStatusPage *welcome_page;
};

G_DEFINE_FINAL_TYPE (TechoWindow, techo_window, ADW_TYPE_APPLICATION_WINDOW)

static void
techo_window_class_init (TechoWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/techo/Techo/techo-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, welcome_page);
}

static void
techo_window_init (TechoWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

TechoWindow *
techo_window_new (TechoApplication *application)
{
  return g_object_new (TECHO_TYPE_WINDOW,
                       "application", application,
                       NULL);
}
