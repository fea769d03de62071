/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-medical-id.h"
#include "techo-page.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_MEDICINES_PAGE (techo_medicines_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoMedicinesPage, techo_medicines_page, TECHO, MEDICINES_PAGE, GtkWidget)

guint  techo_medicines_page_get_n_current     (TechoMedicinesPage *self);
guint  techo_medicines_page_get_n_ingredients (TechoMedicinesPage *self);
guint  techo_medicines_page_get_n_duplicates  (TechoMedicinesPage *self);
/* Rows of allergies, side effects and OTC medicines from the notebook. */
guint  techo_medicines_page_get_n_notebook_rows (TechoMedicinesPage *self);
/* Lanes in the history's 12-month timeline. */
guint  techo_medicines_page_get_n_timeline_lanes (TechoMedicinesPage *self);
/* The Medical ID's changes go to @store (its async API). */
void   techo_medicines_page_set_store         (TechoMedicinesPage *self,
                                               TechoStore         *store);
TechoMedicalId *techo_medicines_page_get_medical_id (TechoMedicinesPage *self);
/* "now", "history" or "medical-id". */
void   techo_medicines_page_show_view         (TechoMedicinesPage *self,
                                               const char         *name);

/* The store the history's rows are read from (a reference is kept). */
void   techo_medicines_page_set_store         (TechoMedicinesPage *self,
                                               TechoStore         *store);
/* TRUE while the history's ingredients are being read. */
gboolean techo_medicines_page_is_loading      (TechoMedicinesPage *self);
/* The history: one row per ingredient, each expanding to its dispensings
 * (a TechoDispensingModel read a page at a time). NULL model until read. */
GtkListView      *techo_medicines_page_get_history_list  (TechoMedicinesPage *self);
GtkTreeListModel *techo_medicines_page_get_history_model (TechoMedicinesPage *self);

G_END_DECLS
