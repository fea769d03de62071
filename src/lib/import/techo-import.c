/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File import: read with a cap, hash, detect, parse completely, and only
 * then write: profile, one upsert page, the CDA document, an audit row. */

#define G_LOG_DOMAIN "techo-import"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "techo-cda.h"
#include "techo-import.h"
#include "techo-import-jahis-private.h"
#include "techo-jahis.h"
#include "techo-qr-image.h"

G_DEFINE_QUARK (techo-import-error-quark, techo_import_error)

#define READ_CHUNK 65536

void
techo_import_result_free (TechoImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->file_name);
  g_free (result->file_sha256);
  g_free (result->checkup_id);
  g_free (result->pending_data_id);
  g_clear_pointer (&result->warnings, g_ptr_array_unref);
  g_free (result);
}

const char *
techo_import_kind_to_string (TechoImportKind kind)
{
  switch (kind)
    {
    case TECHO_IMPORT_KIND_CDA:
      return "cda";
    case TECHO_IMPORT_KIND_IMAGE:
      return "image";
    case TECHO_IMPORT_KIND_JAHIS:
    default:
      return "jahis";
    }
}

/* Reads at most TECHO_IMPORT_MAX_FILE_SIZE bytes of a regular file; a
 * larger file is an error before anything is parsed. Anything else (a
 * FIFO, a device, a directory) is refused without waiting on it: opened
 * non-blocking, checked with fstat on what was opened. */
static GBytes *
read_capped (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autofree char *display = g_filename_display_basename (path);
  struct stat st;
  int fd, saved_errno;

  fd = g_open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not open %s: %s"), display, g_strerror (saved_errno));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_NOT_A_FILE,
                   _("%s is not a regular file (a folder, pipe or device); Techo imports "
                     "only files."), display);
      return NULL;
    }
  if (st.st_size > TECHO_IMPORT_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_TOO_LARGE,
                   _("The file is larger than %d MiB; Techo does not import files this "
                     "large."), TECHO_IMPORT_MAX_FILE_SIZE / (1024 * 1024));
      return NULL;
    }
  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          close (fd);
          return NULL;
        }
      g_byte_array_set_size (buffer, buffer->len + READ_CHUNK);
      do
        n = read (fd, buffer->data + buffer->len - READ_CHUNK, READ_CHUNK);
      while (n < 0 && errno == EINTR);
      if (n < 0)
        {
          saved_errno = errno;
          close (fd);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not read %s: %s"), display, g_strerror (saved_errno));
          return NULL;
        }
      g_byte_array_set_size (buffer, buffer->len - READ_CHUNK + n);
      if (n == 0)
        break;
      /* A file that grows while it is read is held to the same cap. */
      if (buffer->len > TECHO_IMPORT_MAX_FILE_SIZE)
        {
          close (fd);
          g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_TOO_LARGE,
                       _("The file is larger than %d MiB; Techo does not import files this "
                         "large."), TECHO_IMPORT_MAX_FILE_SIZE / (1024 * 1024));
          return NULL;
        }
    }
  close (fd);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

static gboolean
detect_kind (const char       *data,
             gsize             length,
             TechoImportKind  *out_kind,
             GError          **error)
{
  const char *s = data;
  const char *end = data + length;

  if (length >= 3 && memcmp (s, "\xEF\xBB\xBF", 3) == 0)
    s += 3;
  while (s < end && g_ascii_isspace (*s))
    s++;
  if (techo_qr_image_sniff ((const guint8 *) data, length))
    {
      *out_kind = TECHO_IMPORT_KIND_IMAGE;
      return TRUE;
    }
  if (s < end && *s == '<' && g_strstr_len (s, end - s, "ClinicalDocument") != NULL)
    {
      *out_kind = TECHO_IMPORT_KIND_CDA;
      return TRUE;
    }
  if ((gsize) (end - s) >= 7 && (memcmp (s, "JAHISTC", 7) == 0 || memcmp (s, "911,", 4) == 0))
    {
      *out_kind = TECHO_IMPORT_KIND_JAHIS;
      return TRUE;
    }
  g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_UNKNOWN_KIND,
               _("This file is neither a checkup file (CDA XML), a medication notebook "
                 "file (JAHIS text) nor a photo of its QR codes (PNG or JPEG)."));
  return FALSE;
}

/* The profile the records go to: @profile_id if it exists; else the only
 * one; else, in an empty store, a new local profile from @patient. */
static gboolean
resolve_profile (TechoStore          *store,
                 gint64               profile_id,
                 const TechoProfile  *patient,
                 gint64              *out_id,
                 gboolean            *out_created,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(TechoProfile) local = NULL;

  *out_created = FALSE;
  profiles = techo_store_list_profiles_sync (store, cancellable, error);
  if (profiles == NULL)
    return FALSE;

  if (profile_id > 0)
    {
      for (guint i = 0; i < profiles->len; i++)
        if (((TechoProfile *) g_ptr_array_index (profiles, i))->id == profile_id)
          {
            *out_id = profile_id;
            return TRUE;
          }
      {
        g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, profile_id);

        g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_PROFILE,
                     _("There is no profile %s in the store."), number);
        return FALSE;
      }
    }
  if (profiles->len == 1)
    {
      *out_id = ((TechoProfile *) g_ptr_array_index (profiles, 0))->id;
      return TRUE;
    }
  if (profiles->len > 1)
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_PROFILE,
                   _("The store holds %u people; choose whose records these are with "
                     "--profile ID."), profiles->len);
      return FALSE;
    }

  /* A local person: no issuer or subject, only what the file says. */
  local = techo_profile_new ();
  if (patient != NULL)
    {
      local->name = g_strdup (patient->name);
      local->name_kana = g_strdup (patient->name_kana);
      local->birth_date = g_strdup (patient->birth_date);
      local->sex = g_strdup (patient->sex);
      local->insurer_number = g_strdup (patient->insurer_number);
    }
  if (!techo_store_ensure_profile_sync (store, local, out_id, cancellable, error))
    return FALSE;
  *out_created = TRUE;
  return TRUE;
}

static void
set_provenance (TechoProvenance   *provenance,
                TechoImportResult *result)
{
  techo_provenance_clear (provenance);
  provenance->origin = TECHO_ORIGIN_FILE;
  provenance->file_name = g_strdup (result->file_name);
  provenance->file_sha256 = g_strdup (result->file_sha256);
}

/* A stable id for an imported checkup: the same checkup read from the
 * same or another copy of its file gets the same id. */
static char *
cda_checkup_id (const TechoCheckup *checkup)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *base = g_strjoin ("\x1f",
                                     checkup->institution_code ? checkup->institution_code : "",
                                     checkup->performed_on ? checkup->performed_on : "",
                                     checkup->kind ? checkup->kind : "",
                                     checkup->id ? checkup->id : "", NULL);

  g_checksum_update (sum, (const guchar *) base, -1);
  return g_strdup_printf ("cda-%.16s", g_checksum_get_string (sum));
}

gboolean
techo_import_bytes_sync (TechoStore         *store,
                         gint64              profile_id,
                         const char         *file_name,
                         GBytes             *contents,
                         TechoImportResult **out_result,
                         GCancellable       *cancellable,
                         GError            **error)
{
  g_autoptr(TechoImportResult) result = g_new0 (TechoImportResult, 1);
  g_autoptr(TechoImportJahis) jahis = NULL;
  g_autoptr(TechoCheckup) checkup = NULL;
  g_autoptr(TechoProfile) cda_patient = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *cda_id = NULL;
  const TechoProfile *patient = NULL;
  TechoStoreCount what;
  const char *data;
  gsize length;
  gint64 before, after;

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (file_name != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  data = g_bytes_get_data (contents, &length);
  if (data == NULL)
    data = "";
  if (length > TECHO_IMPORT_MAX_FILE_SIZE)
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_TOO_LARGE,
                   _("The file is larger than %d MiB; Techo does not import files this "
                     "large."), TECHO_IMPORT_MAX_FILE_SIZE / (1024 * 1024));
      return FALSE;
    }
  result->file_name = g_path_get_basename (file_name);
  result->file_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                     (const guchar *) data, length);
  if (!detect_kind (data, length, &result->kind, error))
    return FALSE;

  /* Parse everything before anything is written. */
  records = g_ptr_array_new ();
  if (result->kind == TECHO_IMPORT_KIND_JAHIS || result->kind == TECHO_IMPORT_KIND_IMAGE)
    {
      result->warnings = g_ptr_array_new_with_free_func (g_free);
      jahis = techo_import_jahis_prepare (store, result->kind, data, length, result,
                                          cancellable, error);
      if (jahis == NULL)
        return FALSE;
      if (jahis->dispensings->len == 0 && jahis->entries->len == 0)
        {
          if (jahis->keep->len == 0 && result->n_parts_known > 0)
            {
              /* Parts of a receipt imported whole before: nothing new. */
              result->category = TECHO_CATEGORY_MEDICATION;
              detail = g_strdup_printf ("kind=%s file=%s sha256=%s parts-known=%u",
                                        techo_import_kind_to_string (result->kind),
                                        result->file_name, result->file_sha256,
                                        result->n_parts_known);
              if (!techo_store_append_audit_sync (store, "import", detail, cancellable, error))
                return FALSE;
              if (out_result != NULL)
                *out_result = g_steal_pointer (&result);
              return TRUE;
            }
          if (jahis->keep->len == 0)
            {
              g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY,
                           _("The medication notebook data holds no medicines and no notes."));
              return FALSE;
            }
          /* Only parts of data still incomplete: kept, nothing else. */
          result->category = TECHO_CATEGORY_MEDICATION;
          if (!techo_import_jahis_commit (store, 0, jahis, result, cancellable, error))
            return FALSE;
          detail = g_strdup_printf ("kind=%s file=%s sha256=%s parts-kept=%u",
                                    techo_import_kind_to_string (result->kind),
                                    result->file_name, result->file_sha256,
                                    result->n_parts_pending);
          if (!techo_store_append_audit_sync (store, "import", detail, cancellable, error))
            return FALSE;
          if (out_result != NULL)
            *out_result = g_steal_pointer (&result);
          return TRUE;
        }
      for (guint i = 0; i < jahis->dispensings->len; i++)
        {
          TechoDispensing *d = g_ptr_array_index (jahis->dispensings, i);

          set_provenance (&d->provenance, result);
          g_ptr_array_add (records, d);
        }
      for (guint i = 0; i < jahis->entries->len; i++)
        set_provenance (&((TechoNotebookEntry *) g_ptr_array_index (jahis->entries, i))->provenance,
                        result);
      patient = jahis->patient;
      result->category = TECHO_CATEGORY_MEDICATION;
      what = TECHO_STORE_COUNT_MEDICATION;
    }
  else
    {
      checkup = techo_cda_read_checkup (data, length, &cda_patient, error);
      if (checkup == NULL)
        return FALSE;
      /* The stable id is made from the document's own id, then replaces it. */
      cda_id = cda_checkup_id (checkup);
      g_free (checkup->id);
      checkup->id = g_steal_pointer (&cda_id);
      checkup->revision = 1;
      checkup->withdrawn = FALSE;
      set_provenance (&checkup->provenance, result);
      result->checkup_id = g_strdup (checkup->id);
      g_ptr_array_add (records, checkup);
      patient = cda_patient;
      result->category = TECHO_CATEGORY_CHECKUP;
      what = TECHO_STORE_COUNT_CHECKUP;
    }
  result->n_records = records->len;

  if (!resolve_profile (store, profile_id, patient, &result->profile_id,
                        &result->profile_created, cancellable, error))
    return FALSE;
  before = techo_store_count_sync (store, result->profile_id, what, cancellable, error);
  if (before < 0)
    return FALSE;
  if (!techo_store_upsert_page_sync (store, result->profile_id, result->category, records,
                                     NULL, cancellable, error))
    return FALSE;
  if (checkup != NULL)
    {
      g_autoptr(GBytes) document = g_bytes_new (data, length);

      if (!techo_store_save_document_sync (store, result->profile_id, checkup->id, document,
                                           cancellable, error))
        return FALSE;
    }
  if (jahis != NULL
      && !techo_import_jahis_commit (store, result->profile_id, jahis, result, cancellable,
                                     error))
    return FALSE;
  after = techo_store_count_sync (store, result->profile_id, what, cancellable, error);
  if (after < 0)
    return FALSE;
  result->n_new = after > before ? (guint) (after - before) : 0;

  /* The audit row names the file, never a value from it. */
  detail = g_strdup_printf ("kind=%s file=%s sha256=%s profile=%" G_GINT64_FORMAT
                            " records=%u new=%u",
                            techo_import_kind_to_string (result->kind), result->file_name,
                            result->file_sha256, result->profile_id, result->n_records,
                            result->n_new);
  if (!techo_store_append_audit_sync (store, "import", detail, cancellable, error))
    return FALSE;

  if (out_result != NULL)
    *out_result = g_steal_pointer (&result);
  return TRUE;
}

gboolean
techo_import_file_sync (TechoStore         *store,
                        gint64              profile_id,
                        const char         *path,
                        TechoImportResult **out_result,
                        GCancellable       *cancellable,
                        GError            **error)
{
  g_autoptr(GBytes) contents = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  contents = read_capped (path, cancellable, error);
  if (contents == NULL)
    return FALSE;
  return techo_import_bytes_sync (store, profile_id, path, contents, out_result,
                                  cancellable, error);
}

typedef struct
{
  gint64 profile_id;
  char *path;
} ImportTaskData;

static void
import_task_data_free (ImportTaskData *data)
{
  g_free (data->path);
  g_free (data);
}

static void
import_file_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  ImportTaskData *data = task_data;
  TechoImportResult *result = NULL;
  GError *error = NULL;

  if (techo_import_file_sync (source_object, data->profile_id, data->path, &result,
                              cancellable, &error))
    g_task_return_pointer (task, result, (GDestroyNotify) techo_import_result_free);
  else
    g_task_return_error (task, error);
}

void
techo_import_file_async (TechoStore          *store,
                         gint64               profile_id,
                         const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportTaskData *data;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (path != NULL);

  data = g_new0 (ImportTaskData, 1);
  data->profile_id = profile_id;
  data->path = g_strdup (path);
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_import_file_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_task_data_free);
  g_task_run_in_thread (task, import_file_thread);
}

TechoImportResult *
techo_import_file_finish (TechoStore    *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
