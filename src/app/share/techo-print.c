/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-print"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-export.h"
#include "techo-format.h"
#include "techo-print.h"
#include "techo-report.h"

typedef struct
{
  TechoStore *store;
  gint64 profile_id;
  TechoConsent *consent;
  const char * const *analytes;
  TechoRecordSet *set;
  TechoReport *report;
  char *today;
  GError *error;
} PrintJob;

static void
print_job_clear (PrintJob *job)
{
  g_clear_pointer (&job->report, techo_report_free);
  g_clear_pointer (&job->set, techo_record_set_unref);
  g_clear_pointer (&job->today, g_free);
}

/* Emitted after the person pressed Print: the consent is recorded here,
 * before anything is drawn, so a cancelled dialog leaves no trace. */
static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                PrintJob          *job)
{
  TechoReportOptions options = { 0 };

  if (!techo_store_record_consent_sync (job->store, job->consent, NULL, &job->error))
    {
      gtk_print_operation_cancel (operation);
      return;
    }
  job->set = techo_record_set_gather_sync (job->store, job->profile_id, job->consent,
                                           NULL, &job->error);
  if (job->set == NULL)
    {
      gtk_print_operation_cancel (operation);
      return;
    }
  job->today = techo_format_today ();
  options.consent = job->consent;
  options.today = job->today;
  options.analytes = job->analytes;
  job->report = techo_report_new (job->set, &options);
  gtk_print_operation_set_n_pages (operation, (int) techo_report_get_n_pages (job->report));
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              PrintJob          *job)
{
  cairo_t *cr = gtk_print_context_get_cairo_context (context);
  double sx = gtk_print_context_get_width (context) / TECHO_REPORT_PAGE_WIDTH;
  double sy = gtk_print_context_get_height (context) / TECHO_REPORT_PAGE_HEIGHT;
  double scale = MIN (sx, sy);

  if (job->report == NULL || page_nr < 0)
    return;
  cairo_save (cr);
  cairo_scale (cr, scale, scale);
  techo_report_draw_page (job->report, cr, (guint) page_nr);
  cairo_restore (cr);
}

GtkPrintOperationResult
techo_print_run (TechoStore    *store,
                 gint64         profile_id,
                 TechoConsent  *consent,
                 const char * const *analytes,
                 GtkWindow     *parent,
                 const char    *export_pdf_path,
                 GError       **error)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GtkPaperSize) a4 = NULL;
  g_autoptr(GError) local_error = NULL;
  PrintJob job = { 0 };
  GtkPrintOperationResult result;

  g_return_val_if_fail (TECHO_IS_STORE (store), GTK_PRINT_OPERATION_RESULT_ERROR);
  g_return_val_if_fail (consent != NULL && consent->id == 0, GTK_PRINT_OPERATION_RESULT_ERROR);

  g_free (consent->method);
  consent->method = g_strdup (TECHO_CONSENT_METHOD_PRINT);
  /* Check the consent before any dialog, so a mistake shows at once. */
  if (!techo_consent_validate (consent, g_get_real_time () / G_USEC_PER_SEC, error))
    return GTK_PRINT_OPERATION_RESULT_ERROR;

  job.store = store;
  job.profile_id = profile_id;
  job.consent = consent;
  job.analytes = analytes;

  operation = gtk_print_operation_new ();
  setup = gtk_page_setup_new ();
  a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  /* The report keeps its own margins inside the A4 page. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_job_name (operation, _("Techo report for the doctor"));
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), &job);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), &job);

  if (export_pdf_path != NULL)
    {
      gtk_print_operation_set_export_filename (operation, export_pdf_path);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                        parent, &local_error);
    }
  else
    result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                      parent, &local_error);

  if (job.error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&job.error));
      print_job_clear (&job);
      return GTK_PRINT_OPERATION_RESULT_ERROR;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      /* GTK's own words stay for the details; the dialog says it in ours. */
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, TECHO_REPORT_ERROR, TECHO_REPORT_ERROR_FAILED,
                             "The print operation failed without saying why.");
      print_job_clear (&job);
      return result;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY && consent->id != 0 && job.report != NULL)
    {
      g_autofree char *detail = g_strdup_printf ("printed %u page(s)%s",
                                                 techo_report_get_n_pages (job.report),
                                                 export_pdf_path != NULL ? " to a PDF file" : "");

      if (!techo_store_add_consent_event_sync (store, consent->id, TECHO_CONSENT_EVENT_SENT,
                                               detail, NULL, error))
        {
          print_job_clear (&job);
          return GTK_PRINT_OPERATION_RESULT_ERROR;
        }
    }
  print_job_clear (&job);
  return result;
}
