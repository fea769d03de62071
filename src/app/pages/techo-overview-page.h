/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-page.h"

G_BEGIN_DECLS

/* The dashboard (a TechoPage): four answers at a glance, in two columns
 * at the default size and one when narrow — the latest checkup (items out
 * of range first), the medicines whose supply runs today (and duplicate
 * therapy), the screenings due or followed up, and the last sync — plus
 * the metabolic assessment, all from techo-analysis. */
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
/* The reason shown beside the guidance level, or NULL. */
const char *techo_overview_page_get_guidance_reason (TechoOverviewPage *self);
/* The number of duplicate-therapy warnings shown. */
guint       techo_overview_page_get_n_duplicates (TechoOverviewPage *self);
/* The card of one of the four answers: "checkup", "medicines",
 * "screenings", "sync"; NULL when not shown. */
GtkWidget  *techo_overview_page_get_answer  (TechoOverviewPage *self,
                                             const char        *name);
/* Whether the cards stand in two columns (the window is wide enough). */
gboolean    techo_overview_page_is_two_columns (TechoOverviewPage *self);
/* The latest checkup's items shown above the fold (out of range). */
guint       techo_overview_page_get_n_out_of_range (TechoOverviewPage *self);
/* The sync card's title and subtitle as shown, joined by a newline. */
const char *techo_overview_page_get_sync_text (TechoOverviewPage *self);
/* What the last sync of this run brought: when it ended, @news in words
 * (NULL: nothing new) and the page that shows it; the card says so. */
void        techo_overview_page_set_sync_news (TechoOverviewPage *self,
                                               GDateTime         *when,
                                               const char        *news,
                                               const char        *page);

G_END_DECLS
