/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-columns.h: two columns side by side when the width allows two of
 * at least the minimum column width, else one above the other (GTK 4.8
 * and libadwaita 1.2 have no breakpoints). */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TECHO_TYPE_COLUMNS (techo_columns_get_type ())
G_DECLARE_FINAL_TYPE (TechoColumns, techo_columns, TECHO, COLUMNS, GtkWidget)

/* @min_column_width: the narrowest a column may be when there are two. */
GtkWidget *techo_columns_new             (int           min_column_width,
                                          int           spacing);
/* The first column (left, or top when folded) and the second. */
GtkBox    *techo_columns_get_start       (TechoColumns *self);
GtkBox    *techo_columns_get_end         (TechoColumns *self);
/* Whether the last allocation put the columns side by side. */
gboolean   techo_columns_is_side_by_side (TechoColumns *self);

G_END_DECLS
