/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-dispensing-model.h: the medication history as list models that
 * read only what is on screen.
 *
 * TechoDispensingModel is a GListModel of TechoDispensingItem over the
 * store: dispensings of one ingredient (or of all), newest first. It knows
 * its length from the start (the store's count) and fetches rows a page
 * at a time with the store's async API when a list view asks for them:
 * a row not read yet is a placeholder (no dispensing) that is filled in,
 * with items-changed, once its page arrives. The next page is found by
 * keyset (the date and row of the page beside it), a jump by offset; at
 * most max_pages pages are kept (least recently used go), so the model
 * holds at most its window of rows however far the view scrolls.
 *
 * TechoIngredientItem is one row per ingredient (the store's aggregate),
 * with what the analysis of the recent dispensings says of it (taking
 * now, overlapping supply). */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_DISPENSING_ITEM (techo_dispensing_item_get_type ())
G_DECLARE_FINAL_TYPE (TechoDispensingItem, techo_dispensing_item, TECHO, DISPENSING_ITEM, GObject)

/* NULL for a placeholder (its page is on its way). */
const TechoDispensing *techo_dispensing_item_get_dispensing (TechoDispensingItem *self);
/* Overlapping supply from different prescribers (the analysis said so). */
gboolean               techo_dispensing_item_get_flagged    (TechoDispensingItem *self);

#define TECHO_TYPE_INGREDIENT_ITEM (techo_ingredient_item_get_type ())
G_DECLARE_FINAL_TYPE (TechoIngredientItem, techo_ingredient_item, TECHO, INGREDIENT_ITEM, GObject)

TechoIngredientItem          *techo_ingredient_item_new         (TechoIngredientSummary *summary,
                                                                 gboolean                current,
                                                                 gboolean                flagged);
const TechoIngredientSummary *techo_ingredient_item_get_summary (TechoIngredientItem    *self);
gboolean                      techo_ingredient_item_get_current (TechoIngredientItem    *self);
gboolean                      techo_ingredient_item_get_flagged (TechoIngredientItem    *self);

#define TECHO_TYPE_DISPENSING_MODEL (techo_dispensing_model_get_type ())
G_DECLARE_FINAL_TYPE (TechoDispensingModel, techo_dispensing_model, TECHO, DISPENSING_MODEL, GObject)

#define TECHO_DISPENSING_MODEL_PAGE_ROWS 50
#define TECHO_DISPENSING_MODEL_MAX_PAGES 8

/* @ingredient_key NULL: every dispensing. @n_items: how many the store
 * counts. @flagged_ids (nullable, a set of dispensing ids; a reference is
 * kept): the dispensings the analysis flagged. */
TechoDispensingModel *techo_dispensing_model_new (TechoStore *store,
                                                  gint64      profile_id,
                                                  const char *ingredient_key,
                                                  guint       n_items,
                                                  GHashTable *flagged_ids);
/* Rows held now (the pages kept), and how many the model may hold. */
guint    techo_dispensing_model_get_n_cached     (TechoDispensingModel *self);
guint    techo_dispensing_model_get_max_cached   (TechoDispensingModel *self);
/* Pages asked of the store and not back yet. */
guint    techo_dispensing_model_get_n_pending    (TechoDispensingModel *self);
/* Whether the row at @position is read (not a placeholder). */
gboolean techo_dispensing_model_is_loaded        (TechoDispensingModel *self,
                                                  guint                 position);

G_END_DECLS
