/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-print.h: prints the doctor's report through GtkPrintOperation,
 * each page drawn by techo_report_draw_page, the same code as the PDF.
 * The consent (method "print") is recorded once the person has pressed
 * Print in the dialog and before the first page is drawn; a cancelled
 * dialog records nothing. When the job is handed over, a "sent" event
 * names the number of pages. */

#pragma once

#include <gtk/gtk.h>

#include "techo-consent.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* @analytes: the trend charts to draw (NULL: the report's default).
 * Shows the print dialog over @parent (or, with @export_pdf_path, writes
 * the job to that PDF file without a dialog, as GTK's "export" action
 * does). @consent must not be recorded yet (id 0); on success its id is
 * set. Returns GTK_PRINT_OPERATION_RESULT_APPLY when the job was handed
 * over, _CANCEL when the person cancelled (nothing recorded), _ERROR with
 * @error set. */
GtkPrintOperationResult techo_print_run (TechoStore    *store,
                                         gint64         profile_id,
                                         TechoConsent  *consent,
                                         const char * const *analytes,
                                         GtkWindow     *parent,
                                         const char    *export_pdf_path,
                                         GError       **error);

G_END_DECLS
