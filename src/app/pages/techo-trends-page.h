/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-chart-view.h"
#include "techo-dataset.h"

G_BEGIN_DECLS

#define TECHO_TYPE_TRENDS_PAGE (techo_trends_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoTrendsPage, techo_trends_page, TECHO, TRENDS_PAGE, GtkWidget)

void            techo_trends_page_set_dataset   (TechoTrendsPage *self,
                                                 TechoDataset    *dataset);
/* Makes analyte @key the main chart; FALSE when it has no values. */
gboolean        techo_trends_page_show_analyte  (TechoTrendsPage *self,
                                                 const char      *key);
const char     *techo_trends_page_get_analyte   (TechoTrendsPage *self);
TechoChartView *techo_trends_page_get_chart     (TechoTrendsPage *self);
guint           techo_trends_page_get_n_multiples (TechoTrendsPage *self);
/* Builds the chart model of analyte @key from @dataset's checkups. */
TechoChartModel *techo_trends_page_build_model  (TechoDataset    *dataset,
                                                 const TechoAnalyte *analyte);

G_END_DECLS
