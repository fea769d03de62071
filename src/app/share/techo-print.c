/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-print"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-disclosure.h"
#include "techo-format.h"
#include "techo-print.h"
#include "techo-report.h"

typedef struct
{
  TechoStore *store;
  gint64 profile_id;
  TechoConsent *consent;
  char **analytes;
  char *export_pdf_path;
  GtkWindow *parent;
  TechoDisclosure *disclosure;
  TechoReport *report;
  char *today;
  gboolean opening;     /* the gate is recording and gathering */
  gint64 consent_id;
  GError *error;
  GtkPrintOperationResult result;
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->consent, techo_consent_free);
  g_strfreev (job->analytes);
  g_free (job->export_pdf_path);
  g_clear_object (&job->parent);
  g_clear_pointer (&job->report, techo_report_free);
  g_clear_object (&job->disclosure);
  g_free (job->today);
  g_clear_error (&job->error);
  g_free (job);
}

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  PrintJob *job = g_task_get_task_data (task);

  job->disclosure = techo_disclosure_open_finish (TECHO_STORE (source), result,
                                                  &job->consent_id, &job->error);
  job->opening = FALSE;
  g_object_unref (task);
}

/* Emitted after the person pressed Print: the gate records the consent
 * here, before anything is drawn, so a cancelled dialog leaves no trace.
 * It runs on a worker thread; "paginate" waits for it. */
static void
begin_print_cb (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                GTask             *task)
{
  PrintJob *job = g_task_get_task_data (task);

  job->opening = TRUE;
  techo_disclosure_open_async (job->store, job->profile_id, job->consent,
                               TECHO_CONSENT_METHOD_PRINT, g_task_get_cancellable (task),
                               opened_cb, g_object_ref (task));
}

/* Called again and again by the operation's idle until it returns TRUE;
 * the main loop turns in between, so the gate's answer arrives. */
static gboolean
paginate_cb (GtkPrintOperation *operation,
             GtkPrintContext   *context,
             GTask             *task)
{
  PrintJob *job = g_task_get_task_data (task);
  TechoReportOptions options = { 0 };

  if (job->opening)
    {
      g_usleep (1000);
      return FALSE;
    }
  if (job->disclosure == NULL)
    {
      gtk_print_operation_cancel (operation);
      return TRUE;
    }
  job->today = techo_format_today ();
  options.consent = techo_disclosure_get_consent (job->disclosure);
  options.today = job->today;
  options.analytes = (const char * const *) job->analytes;
  job->report = techo_report_new (techo_disclosure_get_record_set (job->disclosure), &options);
  gtk_print_operation_set_n_pages (operation, (int) techo_report_get_n_pages (job->report));
  return TRUE;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              GTask             *task)
{
  PrintJob *job = g_task_get_task_data (task);
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

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!techo_disclosure_sent_finish (TECHO_DISCLOSURE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_int (task, GTK_PRINT_OPERATION_RESULT_APPLY);
}

/* The operation is over (the nested loop of a synchronous run has
 * returned): record what left, or say why nothing did. */
static void
finish (GTask                   *task,
        GtkPrintOperationResult  result,
        GError                  *run_error)
{
  PrintJob *job = g_task_get_task_data (task);

  if (job->error != NULL)
    {
      GError *error = g_steal_pointer (&job->error);

      g_prefix_error (&error, "%s ", _("Could not print the report."));
      g_task_return_error (task, error);
      return;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s",
                               _("Could not print the report."),
                               run_error != NULL ? run_error->message : "");
      return;
    }
  if (result == GTK_PRINT_OPERATION_RESULT_APPLY && job->disclosure != NULL && job->report != NULL)
    {
      g_autofree char *detail = g_strdup_printf ("printed %u page(s)%s",
                                                 techo_report_get_n_pages (job->report),
                                                 job->export_pdf_path != NULL ? " to a PDF file" : "");

      techo_disclosure_sent_async (job->disclosure, detail, g_task_get_cancellable (task),
                                   sent_cb, g_object_ref (task));
      return;
    }
  g_task_return_int (task, result == GTK_PRINT_OPERATION_RESULT_APPLY
                           ? GTK_PRINT_OPERATION_RESULT_CANCEL : result);
}

void
techo_print_run_async (TechoStore               *store,
                       gint64                    profile_id,
                       const TechoConsent       *consent,
                       const TechoPrintOptions  *options,
                       GCancellable             *cancellable,
                       GAsyncReadyCallback       callback,
                       gpointer                  user_data)
{
  static const TechoPrintOptions defaults = { 0 };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GtkPaperSize) a4 = NULL;
  g_autoptr(GError) run_error = NULL;
  GError *error = NULL;
  GtkPrintOperationResult result;
  GtkWindow *parent;
  PrintJob *job;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (consent != NULL && consent->id == 0);

  if (options == NULL)
    options = &defaults;
  parent = options->parent;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_print_run_async);
  job = g_new0 (PrintJob, 1);
  job->store = g_object_ref (store);
  job->profile_id = profile_id;
  job->consent = techo_consent_copy (consent);
  job->consent->method = TECHO_CONSENT_METHOD_PRINT;
  job->analytes = g_strdupv ((char **) options->analytes);
  job->export_pdf_path = g_strdup (options->export_pdf_path);
  job->parent = parent != NULL ? g_object_ref (parent) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);

  /* Check the consent before any dialog, so a mistake shows at once. */
  if (!techo_consent_validate (job->consent, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      g_task_return_error (task, error);
      return;
    }

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
  g_signal_connect (operation, "begin-print", G_CALLBACK (begin_print_cb), task);
  g_signal_connect (operation, "paginate", G_CALLBACK (paginate_cb), task);
  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), task);

  /* GTK runs the job in a nested main loop: the window stays alive, and
   * the gate's worker reports back into that loop. */
  if (job->export_pdf_path != NULL)
    {
      gtk_print_operation_set_export_filename (operation, job->export_pdf_path);
      result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT,
                                        parent, &run_error);
    }
  else
    result = gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG,
                                      parent, &run_error);
  finish (task, result, run_error);
}

GtkPrintOperationResult
techo_print_run_finish (GAsyncResult  *result,
                        gint64        *out_consent_id,
                        GError       **error)
{
  PrintJob *job;
  GError *local_error = NULL;
  gssize value;

  g_return_val_if_fail (g_task_is_valid (result, NULL), GTK_PRINT_OPERATION_RESULT_ERROR);
  job = g_task_get_task_data (G_TASK (result));
  if (out_consent_id != NULL)
    *out_consent_id = job->consent_id;
  value = g_task_propagate_int (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return GTK_PRINT_OPERATION_RESULT_ERROR;
    }
  return (GtkPrintOperationResult) value;
}
