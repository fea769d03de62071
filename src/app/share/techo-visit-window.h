/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-visit-window.h: visit mode. A full-screen window with type half
 * as large again that shows only what one consent covers (the latest
 * checkup with statuses, large trend charts, current medicines,
 * screenings), and nothing else: the main window is hidden while it is
 * up, and leaving asks for something only the owner has (the passphrase
 * of a passphrase store; with the keyring, the owner's PIN, or without
 * one a confirmation that the owner is the one who leaves). */

#pragma once

#include <adwaita.h>

#include "techo-consent.h"
#include "techo-alert.h"
#include "techo-records.h"
#include "techo-reference.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_VISIT_WINDOW (techo_visit_window_get_type ())
G_DECLARE_FINAL_TYPE (TechoVisitWindow, techo_visit_window, TECHO, VISIT_WINDOW, AdwWindow)

/* @records holds only the consented records (gathered under @consent);
 * @analytes: the trend charts to show (NULL: the first few with two or
 * more values). */
TechoVisitWindow *techo_visit_window_new            (GtkWindow          *owner,
                                                     TechoStore         *store,
                                                     TechoRecordSet     *records,
                                                     const TechoConsent *consent,
                                                     const char * const *analytes);
/* Hides the owner and shows visit mode full screen. */
void              techo_visit_window_start          (TechoVisitWindow   *self);
/* The sections shown, in order: "checkup", "trends", "notebook"
 * (allergies, side effects, OTC), "medication", "screening". */
char            **techo_visit_window_dup_sections   (TechoVisitWindow   *self);
/* How many rows (or charts) a section shows. */
guint             techo_visit_window_get_n_rows     (TechoVisitWindow   *self,
                                                     const char         *section);
/* Every label's text in the window, joined by newlines (for tests that
 * check nothing outside the consent is on screen). */
char             *techo_visit_window_dup_text       (TechoVisitWindow   *self);
/* The value shown for analyte @key in the latest checkup ("6.6 %") and
 * its status (nullable), or NULL when the analyte has no row. */
const char       *techo_visit_window_get_value      (TechoVisitWindow   *self,
                                                     const char         *key,
                                                     TechoStatus        *out_status);
/* What the exit button does: asks for the unlock. */
void              techo_visit_window_request_leave  (TechoVisitWindow   *self);
/* The question shown by request_leave, or NULL. */
TechoAlert *techo_visit_window_get_leave_dialog (TechoVisitWindow *self);
gboolean          techo_visit_window_uses_passphrase (TechoVisitWindow  *self);

G_END_DECLS
