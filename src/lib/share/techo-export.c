/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent-gated export: record the consent, gather what it covers,
 * render, write atomically, record what left. */

#define G_LOG_DOMAIN "techo-export"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"
#include "techo-csv.h"
#include "techo-export.h"
#include "techo-fhir.h"
#include "techo-report.h"

G_DEFINE_QUARK (techo-export-error-quark, techo_export_error)

/* Keeps the records whose date (at @offset in the struct) the consent
 * covers. */
static void
filter_period (GPtrArray          *records,
               const TechoConsent *consent,
               gsize               date_offset)
{
  for (guint i = records->len; i > 0; i--)
    {
      gpointer record = g_ptr_array_index (records, i - 1);
      const char *date = G_STRUCT_MEMBER (const char *, record, date_offset);

      if (!techo_consent_covers_date (consent, date))
        g_ptr_array_remove_index (records, i - 1);
    }
}

TechoRecordSet *
techo_record_set_gather_sync (TechoStore          *store,
                              gint64               profile_id,
                              const TechoConsent  *consent,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(TechoRecordSet) set = techo_record_set_new ();
  g_autoptr(GPtrArray) profiles = NULL;

  profiles = techo_store_list_profiles_sync (store, cancellable, error);
  if (profiles == NULL)
    return NULL;
  for (guint i = 0; i < profiles->len; i++)
    {
      TechoProfile *p = g_ptr_array_index (profiles, i);

      if (profile_id == 0 || p->id == profile_id)
        {
          set->profile = g_ptr_array_steal_index (profiles, i);
          break;
        }
    }
  if (set->profile == NULL)
    {
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_NO_PROFILE,
                           "There is nobody's record to export yet: sign in and sync first.");
      return NULL;
    }
  profile_id = set->profile->id;

  if (techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP))
    {
      g_clear_pointer (&set->checkups, g_ptr_array_unref);
      set->checkups = techo_store_list_checkups_sync (store, profile_id, 0, cancellable, error);
      if (set->checkups == NULL)
        return NULL;
      filter_period (set->checkups, consent, G_STRUCT_OFFSET (TechoCheckup, performed_on));
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION))
    {
      g_clear_pointer (&set->dispensings, g_ptr_array_unref);
      set->dispensings = techo_store_list_dispensings_sync (store, profile_id,
                                                            consent->period_from,
                                                            consent->period_to,
                                                            cancellable, error);
      if (set->dispensings == NULL)
        return NULL;
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING))
    {
      g_clear_pointer (&set->screenings, g_ptr_array_unref);
      set->screenings = techo_store_list_screenings_sync (store, profile_id, NULL,
                                                          cancellable, error);
      if (set->screenings == NULL)
        return NULL;
      filter_period (set->screenings, consent, G_STRUCT_OFFSET (TechoScreening, performed_on));
    }
  return g_steal_pointer (&set);
}

gboolean
techo_export_check_profile_sync (TechoStore    *store,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, cancellable, error);

  if (profiles == NULL)
    return FALSE;
  if (profiles->len == 0)
    {
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_NO_PROFILE,
                           "There is nobody's record to export yet: sign in and sync first.");
      return FALSE;
    }
  return TRUE;
}

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
  for (guint i = 0; i < G_N_ELEMENTS (format_names); i++)
    if (g_strcmp0 (name, format_names[i]) == 0)
      {
        *out_format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
techo_export_format_method (TechoExportFormat format)
{
  g_return_val_if_fail (format < TECHO_EXPORT_N_FORMATS, NULL);
  if (format == TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS)
    return TECHO_CONSENT_METHOD_FHIR;
  return format_names[format];
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

gboolean
techo_export_run_sync (TechoStore         *store,
                       gint64              profile_id,
                       TechoConsent       *consent,
                       TechoExportFormat   format,
                       const char         *path,
                       GCancellable       *cancellable,
                       GError            **error)
{
  g_autoptr(TechoRecordSet) set = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *base = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (store), FALSE);
  g_return_val_if_fail (consent != NULL && path != NULL, FALSE);

  if (g_strcmp0 (consent->method, techo_export_format_method (format)) != 0)
    {
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_FORMAT,
                           "The consent was given for another way of sharing.");
      return FALSE;
    }
  /* Nobody to export: say so before a consent is recorded for nothing. */
  if (!techo_export_check_profile_sync (store, cancellable, error))
    return FALSE;
  /* The consent first: nothing is read for export before it is stored. */
  if (consent->id == 0 &&
      !techo_store_record_consent_sync (store, consent, cancellable, error))
    return FALSE;

  set = techo_record_set_gather_sync (store, profile_id, consent, cancellable, error);
  if (set == NULL)
    return FALSE;
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
                  return FALSE;
              }
          }
        json = techo_fhir_export (set, flags, error);

        if (json == NULL ||
            !techo_atomic_file_write (path, json, strlen (json), cancellable, error))
          return FALSE;
        detail = g_strdup_printf ("fhir: %u records to %s", techo_record_set_count (set), base);
      }
      break;
    case TECHO_EXPORT_FORMAT_CSV:
      {
        guint n_files = 0;

        if (!ensure_dir (path, error) ||
            !techo_csv_export_dir (set, path, &n_files, cancellable, error))
          return FALSE;
        detail = g_strdup_printf ("csv: %u records in %u files to %s/",
                                  techo_record_set_count (set), n_files, base);
      }
      break;
    case TECHO_EXPORT_FORMAT_CDA:
      {
        guint n_files = 0;

        if (!ensure_dir (path, error) ||
            !write_cda_files (store, set, path, &n_files, cancellable, error))
          return FALSE;
        detail = g_strdup_printf ("cda: %u files to %s/", n_files, base);
      }
      break;
    case TECHO_EXPORT_FORMAT_PDF:
      {
        g_autoptr(GBytes) pdf = NULL;
        TechoReportOptions options = { 0 };

        options.consent = consent;
        pdf = techo_report_render_pdf (set, &options, error);
        if (pdf == NULL ||
            !techo_atomic_file_write_bytes (path, pdf, cancellable, error))
          return FALSE;
        detail = g_strdup_printf ("pdf: %u records to %s", techo_record_set_count (set), base);
      }
      break;
    default:
      g_set_error_literal (error, TECHO_EXPORT_ERROR, TECHO_EXPORT_ERROR_FORMAT,
                           "Unknown export format.");
      return FALSE;
    }
  return techo_store_add_consent_event_sync (store, consent->id, TECHO_CONSENT_EVENT_SENT,
                                             detail, cancellable, error);
}

typedef struct
{
  gint64 profile_id;
  TechoConsent *consent;
  TechoExportFormat format;
  char *path;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  techo_consent_free (job->consent);
  g_free (job->path);
  g_free (job);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;

  if (techo_export_run_sync (source_object, job->profile_id, job->consent, job->format,
                             job->path, cancellable, &error))
    g_task_return_int (task, job->consent->id);
  else
    g_task_return_error (task, error);
}

void
techo_export_run_async (TechoStore          *store,
                        gint64               profile_id,
                        const TechoConsent  *consent,
                        TechoExportFormat    format,
                        const char          *path,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  ExportJob *job = g_new0 (ExportJob, 1);

  g_task_set_source_tag (task, techo_export_run_async);
  job->profile_id = profile_id;
  job->consent = techo_consent_copy (consent);
  job->format = format;
  job->path = g_strdup (path);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

gint64
techo_export_run_finish (TechoStore    *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, store), 0);
  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}
