/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-chart-view.h: the trend chart widget. The drawing is
 * techo_chart_render (shared with the PDF report) through
 * gtk_snapshot_append_cairo; this widget adds theme colours, hover and
 * keyboard focus from point to point, a popover with the exact value and
 * date, and an accessible description that reads as a sentence. */

#pragma once

#include <gtk/gtk.h>

#include "techo-chart-model.h"

G_BEGIN_DECLS

#define TECHO_TYPE_CHART_VIEW (techo_chart_view_get_type ())
G_DECLARE_FINAL_TYPE (TechoChartView, techo_chart_view, TECHO, CHART_VIEW, GtkWidget)

GtkWidget       *techo_chart_view_new              (gboolean        sparkline);
void             techo_chart_view_set_model        (TechoChartView *self,
                                                    TechoChartModel *model);
TechoChartModel *techo_chart_view_get_model        (TechoChartView *self);
/* Shows the last @years years up to the latest point; 0 shows all. */
void             techo_chart_view_set_range_years  (TechoChartView *self,
                                                    guint           years);
guint            techo_chart_view_get_range_years  (TechoChartView *self);
/* Index into the model's sorted points, or -1. */
int              techo_chart_view_get_focus_index  (TechoChartView *self);
void             techo_chart_view_set_focus_index  (TechoChartView *self,
                                                    int             index);
/* The sentence given to assistive technology. */
const char      *techo_chart_view_get_description  (TechoChartView *self);
/* The popover's text for the focused point ("" when none). */
const char      *techo_chart_view_get_focus_text   (TechoChartView *self);

G_END_DECLS
