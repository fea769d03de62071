/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-print.h: prints the doctor's report through GtkPrintOperation,
 * each page drawn by techo_report_draw_page, the same code as the PDF.
 * It goes through the consent gate (techo-disclosure.h): the consent
 * (method "print") is recorded once the person has pressed Print in the
 * dialog and before the first page is drawn, and the pages show only the
 * record set the gate gathered; a cancelled dialog records nothing. When
 * the job is handed over, a "sent" event names the number of pages.
 * Nothing here blocks on the store: the gate runs on a worker thread
 * while the print operation's loop turns. */

#pragma once

#include <gtk/gtk.h>

#include "techo-consent.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* How to print (all may be NULL). */
typedef struct
{
  const char * const *analytes;  /* the trend charts to draw (NULL: the report's default) */
  GtkWindow *parent;             /* the print dialog goes over it */
  const char *export_pdf_path;   /* no dialog: the job is written to this PDF file, as
                                  * GTK's "export" action does */
} TechoPrintOptions;

/* Shows the print dialog (or exports, as @options say; NULL: the
 * defaults) and prints. @consent must not be recorded yet (id 0); it and
 * @options are copied. */
void                    techo_print_run_async  (TechoStore               *store,
                                                gint64                    profile_id,
                                                const TechoConsent       *consent,
                                                const TechoPrintOptions  *options,
                                                GCancellable             *cancellable,
                                                GAsyncReadyCallback       callback,
                                                gpointer                  user_data);
/* GTK_PRINT_OPERATION_RESULT_APPLY when the job was handed over and
 * "sent" recorded, _CANCEL when the person cancelled (nothing recorded),
 * _ERROR with @error set. @out_consent_id (may be NULL): the recorded
 * consent, 0 when none was. */
GtkPrintOperationResult techo_print_run_finish (GAsyncResult        *result,
                                                gint64              *out_consent_id,
                                                GError             **error);

G_END_DECLS
