/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-medical-id.h: the Medical ID (お薬手帳の基本), a view of the
 * Medicines page: allergies and side effects, OTC medicines and
 * supplements, and what each current medicine is for (its class from the
 * reference tables and the person's own note). What a medication notebook
 * file brought is listed as the pharmacy wrote it; what the person types
 * is theirs to change and remove, saved through the store's async API
 * only. After a save it asks the window to read the records again
 * (win.reload). */

#pragma once

#include <adwaita.h>

#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_MEDICAL_ID (techo_medical_id_get_type ())
G_DECLARE_FINAL_TYPE (TechoMedicalId, techo_medical_id, TECHO, MEDICAL_ID, GtkWidget)

GtkWidget *techo_medical_id_new          (void);
void       techo_medical_id_set_store    (TechoMedicalId *self,
                                          TechoStore     *store);
/* Shows @records (NULL: nothing) as on @today (YYYY-MM-DD). */
void       techo_medical_id_set_records  (TechoMedicalId *self,
                                          TechoRecordSet *records,
                                          const char     *today);

/* For the tests: rows of allergies, side effects and OTC medicines shown,
 * the person's own among them, and the current medicines listed. */
guint      techo_medical_id_get_n_entries     (TechoMedicalId *self);
guint      techo_medical_id_get_n_own_entries (TechoMedicalId *self);
guint      techo_medical_id_get_n_medicines   (TechoMedicalId *self);
/* Saves still on their way to the store. */
guint      techo_medical_id_get_n_pending     (TechoMedicalId *self);

G_END_DECLS
