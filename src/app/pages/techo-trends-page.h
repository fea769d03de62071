/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-chart-view.h"
#include "techo-page.h"

G_BEGIN_DECLS

/* Trends (a TechoPage): one chart per analyte with values, drawn from the
 * analysis' series, the same the report and the visit window draw. */
#define TECHO_TYPE_TRENDS_PAGE (techo_trends_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoTrendsPage, techo_trends_page, TECHO, TRENDS_PAGE, GtkWidget)

/* Makes analyte @key the main chart; FALSE when it has no values. */
gboolean        techo_trends_page_show_analyte  (TechoTrendsPage *self,
                                                 const char      *key);
const char     *techo_trends_page_get_analyte   (TechoTrendsPage *self);
TechoChartView *techo_trends_page_get_chart     (TechoTrendsPage *self);
guint           techo_trends_page_get_n_multiples (TechoTrendsPage *self);
/* The chart of @analyte in @records as the page draws it: the analysis'
 * series (techo_chart_model_new_for_analyte) with the translated name. */
TechoChartModel *techo_trends_page_build_model  (TechoRecordSet  *records,
                                                 const TechoAnalyte *analyte);
/* The chart the page shows for analyte @key, or NULL (borrowed). */
TechoChartModel *techo_trends_page_get_model    (TechoTrendsPage *self,
                                                 const char      *key);

G_END_DECLS
