/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-widget-util.h: small helpers the app's widgets share. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Unparents every child of @widget. A composite widget calls it in dispose
 * after gtk_widget_dispose_template(), which only unparents the template
 * children it has bound. */
void techo_widget_unparent_children (GtkWidget *widget);

G_END_DECLS
