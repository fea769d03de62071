/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-widget-util.h: small helpers the app's widgets share. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Unparents every child of @widget. A composite widget calls it in dispose
 * after gtk_widget_dispose_template(), which only unparents the template
 * children it has bound. */
void techo_widget_unparent_children (GtkWidget *widget);

/* Lets @label wrap only between words: a short name in Japanese (where
 * any two characters may be broken apart: 収縮期血/圧) stays on one line,
 * other text wraps at spaces (PANGO_WRAP_WORD; a word longer than the
 * line is not broken inside). */
void techo_label_wrap_words (GtkLabel *label);

G_END_DECLS
