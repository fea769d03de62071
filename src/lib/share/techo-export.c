/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The file export: step 2 of the consent gate (techo-disclosure.c does
 * steps 1 and 3): render what the disclosure gathered, write atomically. */

#define G_LOG_DOMAIN "techo-export"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"
#include "techo-csv.h"
#include "techo-export.h"
#include "techo-fhir.h"
#include "techo-names.h"
#include "techo-report.h"
#include "techo-thread.h"

G_DEFINE_QUARK (techo-export-error-quark, techo_export_error)

static const char * const format_names[TECHO_EXPORT_N_FORMATS] = {
  [TECHO_EXPORT_FORMAT_FHIR] = "fhir",
  [TECHO_EXPORT_FORMAT_CSV] = "csv",
  [TECHO_EXPORT_FORMAT_CDA] = "cda",
  [TECHO_EXPORT_FORMAT_PDF] = "pdf",
  [TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS] = "fhir-documents",
};

const char *
techo_export_format_to_string (TechoExportFormat format)
{
  g_return_val_if_fail (format < TECHO_EXPORT_N_FORMATS, NULL);
  return format_names[format];
}

gboolean
techo_export_format_from_string (const char        *name,
                                 TechoExportFormat *out_format)
{
  guint i;

  if (!techo_names_lookup (format_names, G_N_ELEMENTS (format_names), name, &i))
    return FALSE;
  *out_format = i;
  return TRUE;
}

TechoConsentMethod
techo_export_format_method (TechoExportFormat format)
{
  TechoConsentMethod method;

  g_return_val_if_fail (format < TECHO_EXPORT_N_FORMATS, TECHO_CONSENT_METHOD_NONE);
  if (format == TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS)
    return TECHO_CONSENT_METHOD_FHIR;
  techo_consent_method_from_string (format_names[format], &method);
  return method;
}

/* CDA files as received, one per checkup that has one. */
static gboolean
write_cda_files (TechoStore            *store,
                 const TechoRecordSet  *set,
                 const char            *dir,
                 guint                 *out_n_files,
                 GCancellable          *cancellable,
                 GError               **error)
{
  *out_n_files = 0;
  for (guint i = 0; i < set->checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (set->checkups, i);
      g_autoptr(GBytes) document = NULL;
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;

      document = techo_store_load_document_sync (store, set->profile->id, c->id,
                                                 cancellable, error);
      if (document == NULL)
        {
          if (error != NULL && *error != NULL)
            return FALSE;
          continue;
        }
      /* The id may be any text: keep the file name to safe characters. */
      name = g_strdup_printf ("%s_%s.xml", c->performed_on ? c->performed_on : "undated", c->id);
      g_strcanon (name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", '_');
      path = g_build_filename (dir, name, NULL);
      if (!techo_atomic_file_write_bytes (path, document, cancellable, error))
        return FALSE;
      (*out_n_files)++;
    }
  return TRUE;
}

static gboolean
ensure_dir (const char  *path,
            GError     **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved_errno = errno;
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the folder “%s”: %s", display, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

char *
techo_export_write (TechoDisclosure        *disclosure,
                    const TechoExportFile  *file,
                    GCancellable           *cancellable,
                    GError                **error)
{
  TechoStore *store = techo_disclosure_get_store (disclosure);
  const TechoConsent *consent = techo_disclosure_get_consent (disclosure);
  TechoRecordSet *set = techo_disclosure_get_record_set (disclosure);
  TechoExportFormat format;
  const char *path;
  g_autofree char *base = NULL;

  g_return_val_if_fail (file != NULL && file->path != NULL, NULL);

  techo_assert_not_main_thread ();
  format = file->format;
  path = file->path;
  base = g_path_get_basename (path);
  switch (format)
    {
    case TECHO_EXPORT_FORMAT_FHIR:
    case TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS:
      {
        TechoFhirFlags flags = TECHO_FHIR_PRETTY;
        g_autofree char *json = NULL;

        /* Report documents carry the original CDA where there is one. */
        if (format == TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS)
          {
            flags |= TECHO_FHIR_CHECKUP_DOCUMENTS;
            for (guint i = 0; i < set->checkups->len; i++)
              {
                const TechoCheckup *c = g_ptr_array_index (set->checkups, i);
                GBytes *document = techo_store_load_document_sync (store, set->profile->id, c->id,
                                                                   cancellable, error);

                if (document != NULL)
                  g_hash_table_insert (set->documents, g_strdup (c->id), document);
                else if (error != NULL && *error != NULL)
                  return NULL;
              }
          }
        json = techo_fhir_export (set, flags, error);

        if (json == NULL ||
            !techo_atomic_file_write (path, json, strlen (json), cancellable, error))
          return NULL;
        return g_strdup_printf ("fhir: %u records to %s", techo_record_set_count (set), base);
      }
    case TECHO_EXPORT_FORMAT_CSV:
      {
        guint n_files = 0;

        if (!ensure_dir (path, error) ||
            !techo_csv_export_dir (set, path, &n_files, cancellable, error))
          return NULL;
        return g_strdup_printf ("csv: %u records in %u files to %s/",
                                techo_record_set_count (set), n_files, base);
      }
    case TECHO_EXPORT_FORMAT_CDA:
      {
        guint n_files = 0;

        if (!ensure_dir (path, error) ||
            !write_cda_files (store, set, path, &n_files, cancellable, error))
          return NULL;
        return g_strdup_printf ("cda: %u files to %s/", n_files, base);
      }
    case TECHO_EXPORT_FORMAT_PDF:
      {
        g_autoptr(GBytes) pdf = NULL;
        TechoReportOptions report = { 0 };

        report.consent = consent;
        report.analytes = file->analytes;
        report.today = file->today;
        pdf = techo_report_render_pdf (set, &report, error);
        if (pdf == NULL ||
            !techo_atomic_file_write_bytes (path, pdf, cancellable, error))
          return NULL;
        return g_strdup_printf ("pdf: %u records to %s", techo_record_set_count (set), base);
      }
    default:
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_FORMAT,
                           "Unknown export format.");
      return NULL;
    }
}

/* A copy of a TechoExportFile that owns its strings, for a worker. */
typedef struct
{
  TechoExportFile file;
  char *path;
  char **analytes;
  char *today;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_free (job->path);
  g_strfreev (job->analytes);
  g_free (job->today);
  g_free (job);
}

static ExportJob *
export_job_new (const TechoExportFile *file)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->path = g_strdup (file->path);
  job->analytes = g_strdupv ((char **) file->analytes);
  job->today = g_strdup (file->today);
  job->file.format = file->format;
  job->file.path = job->path;
  job->file.analytes = (const char * const *) job->analytes;
  job->file.today = job->today;
  return job;
}

static char *
write_cb (TechoDisclosure  *disclosure,
          gpointer          user_data,
          GCancellable     *cancellable,
          GError          **error)
{
  ExportJob *job = user_data;

  return techo_export_write (disclosure, &job->file, cancellable, error);
}

static gboolean
check_format (TechoExportFormat   format,
              GError            **error)
{
  if ((guint) format >= G_N_ELEMENTS (format_names))
    {
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_FORMAT,
                           "Unknown export format.");
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_export_run_sync (TechoStore             *store,
                       gint64                  profile_id,
                       TechoConsent           *consent,
                       const TechoExportFile  *file,
                       GCancellable           *cancellable,
                       GError                **error)
{
  TechoDisclosureWriter writer = { 0 };
  ExportJob job = { 0 };

  g_return_val_if_fail (TECHO_IS_STORE (store), FALSE);
  g_return_val_if_fail (consent != NULL && file != NULL && file->path != NULL, FALSE);

  if (!check_format (file->format, error))
    return FALSE;
  /* The caller's strings outlive this call: no copy. */
  job.file = *file;
  writer.method = techo_export_format_method (file->format);
  writer.write = write_cb;
  writer.user_data = &job;
  return techo_disclosure_run_sync (store, profile_id, consent, &writer, cancellable, error);
}

void
techo_export_run_async (TechoStore             *store,
                        gint64                  profile_id,
                        const TechoConsent     *consent,
                        const TechoExportFile  *file,
                        GCancellable           *cancellable,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  TechoDisclosureWriter writer = { 0 };

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (consent != NULL && file != NULL && file->path != NULL);
  g_return_if_fail ((guint) file->format < G_N_ELEMENTS (format_names));

  writer.method = techo_export_format_method (file->format);
  writer.write = write_cb;
  writer.user_data = export_job_new (file);
  writer.user_data_free = (GDestroyNotify) export_job_free;
  techo_disclosure_run_async (store, profile_id, consent, &writer, cancellable, callback,
                              user_data);
}

gint64
techo_export_run_finish (TechoStore    *store,
                         GAsyncResult  *result,
                         gint64        *out_consent_id,
                         GError       **error)
{
  gint64 id = 0;

  if (!techo_disclosure_run_finish (store, result, &id, error))
    {
      if (out_consent_id != NULL)
        *out_consent_id = id;
      return 0;
    }
  if (out_consent_id != NULL)
    *out_consent_id = id;
  return id;
}
