/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-page.h"

G_BEGIN_DECLS

/* The dashboard (a TechoPage): the latest checkup against the one before,
 * the metabolic assessment, the medicines whose supply runs today and the
 * screenings due, all from techo-analysis. */
#define TECHO_TYPE_OVERVIEW_PAGE (techo_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoOverviewPage, techo_overview_page, TECHO, OVERVIEW_PAGE, GtkWidget)

/* What the page shows for analyte @key ("6.6 %"), NULL when no row. */
const char *techo_overview_page_get_value   (TechoOverviewPage *self,
                                             const char        *key);
/* The status words shown for @key, NULL when no row. */
const char *techo_overview_page_get_status  (TechoOverviewPage *self,
                                             const char        *key);
/* The metabolic syndrome line as shown. */
const char *techo_overview_page_get_metabolic (TechoOverviewPage *self);
/* The number of duplicate-therapy warnings shown. */
guint       techo_overview_page_get_n_duplicates (TechoOverviewPage *self);

G_END_DECLS
