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
#include "techo-fhir.h"
#include "techo-import.h"
#include "techo-import-jahis-private.h"
#include "techo-jahis.h"
#include "techo-mhlw-xml.h"
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
  g_clear_pointer (&result->entries, g_ptr_array_unref);
  g_free (result);
}

const char *
techo_import_kind_to_string (TechoImportKind kind)
{
  switch (kind)
    {
    case TECHO_IMPORT_KIND_CDA:
      return "cda";
    case TECHO_IMPORT_KIND_FHIR:
      return "fhir";
    case TECHO_IMPORT_KIND_MHLW_XML:
      return "mhlw-xml";
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

/* ---- readers ------------------------------------------------------------ */

static const char *
skip_bom_and_space (const char *data,
                    gsize       length)
{
  const char *s = data;

  if (length >= 3 && memcmp (s, "\xEF\xBB\xBF", 3) == 0)
    s += 3;
  while (s < data + length && g_ascii_isspace (*s))
    s++;
  return s;
}

static gboolean
detect_cda (const char *data,
            gsize       length)
{
  const char *s = skip_bom_and_space (data, length);
  const char *end = data + length;

  return s < end && *s == '<' && g_strstr_len (s, end - s, "ClinicalDocument") != NULL;
}

static gboolean
detect_jahis (const char *data,
              gsize       length)
{
  const char *s = skip_bom_and_space (data, length);
  const char *end = data + length;

  return (gsize) (end - s) >= 7 && (memcmp (s, "JAHISTC", 7) == 0 || memcmp (s, "911,", 4) == 0);
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
  /* A guidance report is another record than the checkup of that day
   * (the checkups' ids stay as they were). */
  if (techo_cda_is_guidance (checkup))
    {
      g_checksum_update (sum, (const guchar *) "\x1fguidance\x1f", -1);
      g_checksum_update (sum, (const guchar *) checkup->report_kind, -1);
      return g_strdup_printf ("cda-g%.15s", g_checksum_get_string (sum));
    }
  return g_strdup_printf ("cda-%.16s", g_checksum_get_string (sum));
}

static gboolean
detect_image (const char *data,
              gsize       length)
{
  return techo_qr_image_sniff ((const guint8 *) data, length);
}

static gboolean
read_cda (const char       *data,
          gsize             length,
          TechoStore       *store,
          TechoImportFile  *file,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autoptr(TechoCheckup) checkup = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GBytes) document = NULL;
  char *id;

  /* A 保健指導 report (hg08) is read too: kept as a guidance record. */
  checkup = techo_cda_read_full (data, length, TECHO_CDA_READ_GUIDANCE, &file->patient, &notes,
                                 error);
  if (checkup == NULL)
    return FALSE;
  if (checkup->items->len == 0)
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY,
                   _("The checkup file has no results: its body holds no checkup items."));
      return FALSE;
    }
  for (guint i = 0; notes != NULL && i < notes->len; i++)
    g_ptr_array_add (file->notes, g_strdup (g_ptr_array_index (notes, i)));
  if (techo_cda_is_guidance (checkup))
    g_ptr_array_add (file->notes,
                     g_strdup_printf (_("This is a health guidance report (特定保健指導, "
                                        "report kind %s), not checkup results: it is kept as "
                                        "a guidance record, listed in the checkups' history."),
                                      checkup->report_kind));
  /* The stable id is made from the document's own id, then replaces it. */
  id = cda_checkup_id (checkup);
  g_free (checkup->id);
  checkup->id = id;
  checkup->revision = 1;
  checkup->withdrawn = FALSE;
  document = g_bytes_new (data, length);
  techo_import_file_add (file, TECHO_CATEGORY_CHECKUP, g_steal_pointer (&checkup), document);
  return TRUE;
}

/* JAHIS text, or a photo of its QR codes: multi-part data is joined with
 * the parts earlier files of the import brought and those the store keeps
 * (read only here); the entries, the parts still waiting and the
 * dispensings' details are written by the merge, in its transaction. */
static gboolean
read_notebook (const char       *data,
               gsize             length,
               TechoStore       *store,
               TechoImportFile  *file,
               GCancellable     *cancellable,
               GError          **error)
{
  g_autoptr(TechoImportJahis) jahis = NULL;
  TechoImportResult *notebook = g_new0 (TechoImportResult, 1);

  notebook->kind = file->kind;
  notebook->file_name = g_strdup (file->file_name);
  notebook->file_sha256 = g_strdup (file->file_sha256);
  notebook->warnings = g_ptr_array_new_with_free_func (g_free);
  g_clear_pointer (&file->notebook, techo_import_result_free);
  file->notebook = notebook;
  jahis = techo_import_jahis_prepare (store, file, data, length, cancellable, error);
  if (jahis == NULL)
    return FALSE;
  if (jahis->dispensings->len == 0 && jahis->entries->len == 0 && jahis->keep->len == 0
      && notebook->n_parts_known == 0)
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY,
                   _("The medication notebook data holds no medicines and no notes."));
      return FALSE;
    }
  /* The merge entries own the dispensings, details and all. */
  g_ptr_array_set_free_func (jahis->dispensings, NULL);
  for (guint i = 0; i < jahis->dispensings->len; i++)
    techo_import_file_add (file, TECHO_CATEGORY_MEDICATION,
                           g_ptr_array_index (jahis->dispensings, i), NULL);
  for (guint i = 0; i < jahis->entries->len; i++)
    {
      TechoProvenance *provenance =
        &((TechoNotebookEntry *) g_ptr_array_index (jahis->entries, i))->provenance;

      techo_provenance_clear (provenance);
      provenance->origin = TECHO_ORIGIN_FILE;
      provenance->file_name = g_strdup (file->file_name);
      provenance->file_sha256 = g_strdup (file->file_sha256);
    }
  file->patient = g_steal_pointer (&jahis->patient);
  file->n_left_out = notebook->n_skipped;
  notebook->n_entries = jahis->entries->len;
  notebook->entries = g_ptr_array_ref (jahis->entries);
  file->jahis = g_steal_pointer (&jahis);
  return TRUE;
}

static gboolean
detect_fhir (const char *data,
             gsize       length)
{
  const char *s = skip_bom_and_space (data, length);

  return s < data + length && *s == '{';
}

/* A FHIR bundle: checkups, screenings and medicines in one file; the
 * original CDA a Techo export carried along stays with its checkup. */
static gboolean
read_fhir (const char       *data,
           gsize             length,
           TechoStore       *store,
           TechoImportFile  *file,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(TechoRecordSet) set = techo_fhir_import (data, length, error);

  if (set == NULL)
    return FALSE;
  if (techo_record_set_is_empty (set))
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY,
                   _("The FHIR bundle holds no checkups, screenings or medicines."));
      return FALSE;
    }
  while (set->checkups->len > 0)
    {
      TechoCheckup *checkup = g_ptr_array_steal_index (set->checkups, 0);
      GBytes *document = NULL;

      if (set->documents != NULL && checkup->id != NULL)
        document = g_hash_table_lookup (set->documents, checkup->id);
      if (document != NULL && g_bytes_get_size (document) == 0)
        document = NULL;
      techo_import_file_add (file, TECHO_CATEGORY_CHECKUP, checkup, document);
    }
  while (set->screenings->len > 0)
    techo_import_file_add (file, TECHO_CATEGORY_SCREENING,
                           g_ptr_array_steal_index (set->screenings, 0), NULL);
  while (set->dispensings->len > 0)
    techo_import_file_add (file, TECHO_CATEGORY_MEDICATION,
                           g_ptr_array_steal_index (set->dispensings, 0), NULL);
  file->patient = g_steal_pointer (&set->profile);
  return TRUE;
}

/* マイナポータル's 薬剤情報 / 特定健診情報 XML: one file is one kind. */
static gboolean
read_mhlw (const char       *data,
           gsize             length,
           TechoStore       *store,
           TechoImportFile  *file,
           GCancellable     *cancellable,
           GError          **error)
{
  g_autoptr(TechoMhlwResult) mhlw = techo_mhlw_read (data, length, error);
  gboolean checkups;
  GPtrArray *rows;
  gpointer *records;
  gsize n_records;

  if (mhlw == NULL)
    return FALSE;
  checkups = mhlw->kind == TECHO_MHLW_KIND_CHECKUP;
  rows = checkups ? mhlw->checkups : mhlw->dispensings;
  if (rows->len == 0)
    {
      g_set_error_literal (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY,
                           checkups ? _("The 特定健診情報 file holds no checkup.")
                                    : _("The 薬剤情報 file holds no medicines."));
      return FALSE;
    }
  /* Taken all at once: a file may hold thousands of rows. */
  records = g_ptr_array_steal (rows, &n_records);
  for (gsize i = 0; i < n_records; i++)
    techo_import_file_add (file, checkups ? TECHO_CATEGORY_CHECKUP : TECHO_CATEGORY_MEDICATION,
                           records[i], NULL);
  g_free (records);
  file->patient = g_steal_pointer (&mhlw->person);
  file->n_left_out = mhlw->n_left_out;
  return TRUE;
}

typedef struct
{
  TechoImportKind kind;
  gboolean (*detect) (const char *data, gsize length);
  gboolean (*read) (const char *data, gsize length, TechoStore *store, TechoImportFile *file,
                    GCancellable *cancellable, GError **error);
} Reader;

/* Tried in order; the first whose detect says yes reads the file. */
static const Reader readers[] = {
  /* Before CDA: the portal's XML is no ClinicalDocument, but may name one. */
  { TECHO_IMPORT_KIND_MHLW_XML, techo_mhlw_sniff, read_mhlw },
  { TECHO_IMPORT_KIND_CDA, detect_cda, read_cda },
  { TECHO_IMPORT_KIND_JAHIS, detect_jahis, read_notebook },
  { TECHO_IMPORT_KIND_IMAGE, detect_image, read_notebook },
  { TECHO_IMPORT_KIND_FHIR, detect_fhir, read_fhir },
};

static const Reader *
find_reader (const char  *data,
             gsize        length,
             GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (readers); i++)
    if (readers[i].detect (data, length))
      return &readers[i];
  g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_UNKNOWN_KIND,
               _("This file is neither a checkup file (CDA XML), a medication notebook "
                 "file (JAHIS text) or a photo of its QR codes (PNG or JPEG), a FHIR "
                 "bundle (JSON) nor a マイナポータル 薬剤情報 or 特定健診情報 XML file."));
  return NULL;
}

/* ---- files ---------------------------------------------------------------- */

static void
import_file_free (TechoImportFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->file_name);
  g_free (file->file_sha256);
  g_clear_error (&file->error);
  g_clear_pointer (&file->notes, g_ptr_array_unref);
  g_clear_pointer (&file->patient, techo_profile_free);
  g_clear_pointer (&file->jahis, techo_import_jahis_free);
  g_clear_pointer (&file->entries, g_ptr_array_unref);
  g_clear_pointer (&file->notebook, techo_import_result_free);
  g_free (file);
}

static TechoImportFile *
import_file_new (const char *path,
                 guint       index)
{
  TechoImportFile *file = g_new0 (TechoImportFile, 1);

  file->path = g_strdup (path);
  file->file_name = g_path_get_basename (path);
  file->notes = g_ptr_array_new_with_free_func (g_free);
  file->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_merge_entry_free);
  file->status = TECHO_IMPORT_FILE_READ;
  file->index = index;
  return file;
}

static void
refuse (TechoImportFile *file,
        GError          *error)
{
  file->status = TECHO_IMPORT_FILE_REFUSED;
  g_clear_error (&file->error);
  file->error = error;
  g_ptr_array_set_size (file->entries, 0);
}

void
techo_import_file_add (TechoImportFile *file,
                       TechoCategory    category,
                       gpointer         record,
                       GBytes          *document)
{
  TechoMergeEntry *entry = techo_merge_entry_new (file->index, category, record);
  TechoProvenance *provenance;

  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      provenance = &((TechoCheckup *) record)->provenance;
      break;
    case TECHO_CATEGORY_MEDICATION:
      provenance = &((TechoDispensing *) record)->provenance;
      break;
    case TECHO_CATEGORY_SCREENING:
    case TECHO_N_CATEGORIES:
    default:
      provenance = &((TechoScreening *) record)->provenance;
      break;
    }
  techo_provenance_clear (provenance);
  provenance->origin = TECHO_ORIGIN_FILE;
  provenance->file_name = g_strdup (file->file_name);
  provenance->file_sha256 = g_strdup (file->file_sha256);
  entry->document = document != NULL ? g_bytes_ref (document) : NULL;
  g_ptr_array_add (file->entries, entry);
}

/* Reads one file's bytes into @file; a failure refuses it. */
static void
read_file_bytes (TechoStore      *store,
                 TechoImportFile *file,
                 GBytes          *contents,
                 GCancellable    *cancellable)
{
  GError *error = NULL;
  const Reader *reader;
  gsize length;
  const char *data = g_bytes_get_data (contents, &length);

  if (data == NULL)
    data = "";
  if (length > TECHO_IMPORT_MAX_FILE_SIZE)
    {
      refuse (file, g_error_new (TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_TOO_LARGE,
                                 _("The file is larger than %d MiB; Techo does not import "
                                   "files this large."),
                                 TECHO_IMPORT_MAX_FILE_SIZE / (1024 * 1024)));
      return;
    }
  file->file_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data,
                                                   length);
  reader = find_reader (data, length, &error);
  if (reader == NULL)
    {
      refuse (file, error);
      return;
    }
  file->kind = reader->kind;
  if (!reader->read (data, length, store, file, cancellable, &error))
    refuse (file, error);
}

/* Japanese names are written with and without a (full-width) space. */
static char *
name_key (const char *name)
{
  GString *key = g_string_new (NULL);

  for (const char *p = name; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_isspace (c) && c != 0x3000)
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

static gboolean
differs (const char *a,
         const char *b,
         gboolean    is_name)
{
  g_autofree char *ka = NULL;
  g_autofree char *kb = NULL;

  if (a == NULL || b == NULL || *a == '\0' || *b == '\0')
    return FALSE;
  if (!is_name)
    return g_strcmp0 (a, b) != 0;
  ka = name_key (a);
  kb = name_key (b);
  return g_strcmp0 (ka, kb) != 0;
}

/* What differs between the file's person and the profile, in words; NULL
 * when nothing that both name differs. */
static char *
other_person (const TechoProfile *patient,
              const TechoProfile *profile)
{
  g_autoptr(GPtrArray) what = g_ptr_array_new ();

  if (patient == NULL || profile == NULL)
    return NULL;
  if (differs (patient->name, profile->name, TRUE)
      || differs (patient->name_kana, profile->name_kana, TRUE))
    g_ptr_array_add (what, (gpointer) _("name"));
  if (differs (patient->birth_date, profile->birth_date, FALSE))
    g_ptr_array_add (what, (gpointer) _("birth date"));
  if (differs (patient->insurer_number, profile->insurer_number, FALSE))
    g_ptr_array_add (what, (gpointer) _("insurer number"));
  if (what->len == 0)
    return NULL;
  g_ptr_array_add (what, NULL);
  /* TRANSLATORS: joins "name", "birth date", "insurer number". */
  return g_strjoinv (_(", "), (char **) what->pdata);
}

/* The profile the records go to: @profile_id if it exists; else the only
 * one; else, in an empty store, a new local profile from @patient. */
static gboolean
resolve_profile (TechoStore          *store,
                 gint64               profile_id,
                 gboolean             new_profile,
                 const TechoProfile  *patient,
                 gint64              *out_id,
                 gboolean            *out_created,
                 TechoProfile       **out_profile,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(TechoProfile) local = NULL;

  *out_created = FALSE;
  if (new_profile)
    goto make_local;
  profiles = techo_store_list_profiles_sync (store, cancellable, error);
  if (profiles == NULL)
    return FALSE;

  if (profile_id > 0)
    {
      for (guint i = 0; i < profiles->len; i++)
        if (((TechoProfile *) g_ptr_array_index (profiles, i))->id == profile_id)
          {
            *out_id = profile_id;
            *out_profile = g_ptr_array_steal_index (profiles, i);
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
      *out_profile = g_ptr_array_steal_index (profiles, 0);
      return TRUE;
    }
  if (profiles->len > 1)
    {
      g_set_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_PROFILE,
                   _("The store holds %u people; choose whose records these are with "
                     "--profile ID."), profiles->len);
      return FALSE;
    }

  /* A local person: no issuer or subject, only what the file says. Made
   * by the merge, in the import's transaction (id 0 until then). */
make_local:
  local = techo_profile_new ();
  if (patient != NULL)
    {
      local->name = g_strdup (patient->name);
      local->name_kana = g_strdup (patient->name_kana);
      local->birth_date = g_strdup (patient->birth_date);
      local->sex = g_strdup (patient->sex);
      local->insurer_number = g_strdup (patient->insurer_number);
    }
  *out_id = 0;
  *out_profile = g_steal_pointer (&local);
  *out_created = TRUE;
  return TRUE;
}

void
techo_import_report_free (TechoImportReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->files, g_ptr_array_unref);
  g_free (report);
}

guint
techo_import_report_count (const TechoImportReport *report,
                           TechoMergeOutcome        outcome,
                           TechoCategory            category)
{
  guint n = 0;

  for (guint i = 0; i < report->files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (report->files, i);

      for (guint j = 0; j < file->entries->len; j++)
        {
          const TechoMergeEntry *entry = g_ptr_array_index (file->entries, j);

          if (entry->outcome == outcome && entry->category == category)
            n++;
        }
    }
  return n;
}

gboolean
techo_import_report_all_read (const TechoImportReport *report)
{
  for (guint i = 0; i < report->files->len; i++)
    if (((TechoImportFile *) g_ptr_array_index (report->files, i))->status
        != TECHO_IMPORT_FILE_READ)
      return FALSE;
  return TRUE;
}

static void
count_outcomes (TechoImportFile *file)
{
  file->n_added = file->n_merged = file->n_skipped = file->n_replaced = file->n_conflicts = 0;
  for (guint j = 0; j < file->entries->len; j++)
    {
      const TechoMergeEntry *entry = g_ptr_array_index (file->entries, j);

      switch (entry->outcome)
        {
        case TECHO_MERGE_ADDED:
          file->n_added++;
          break;
        case TECHO_MERGE_MERGED:
          file->n_merged++;
          break;
        case TECHO_MERGE_REPLACED:
          file->n_replaced++;
          break;
        case TECHO_MERGE_CONFLICT:
          file->n_conflicts++;
          break;
        case TECHO_MERGE_SKIPPED:
        default:
          file->n_skipped++;
          break;
        }
    }
}

/* Whether any file read is a 薬剤情報 XML with medicines to merge. */
static gboolean
mhlw_medicines_read (GPtrArray *files)
{
  for (guint i = 0; i < files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (files, i);

      if (file->status == TECHO_IMPORT_FILE_READ && file->kind == TECHO_IMPORT_KIND_MHLW_XML
          && file->entries->len > 0
          && ((TechoMergeEntry *) g_ptr_array_index (file->entries, 0))->category
             == TECHO_CATEGORY_MEDICATION)
        return TRUE;
    }
  return FALSE;
}

/* Whether any file read holds a record or a notebook entry to store. */
static gboolean
has_records (GPtrArray *files)
{
  for (guint i = 0; i < files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (files, i);
      TechoImportJahis *jahis = file->jahis;

      if (file->status != TECHO_IMPORT_FILE_READ)
        continue;
      if (file->entries->len > 0 || (jahis != NULL && jahis->entries->len > 0))
        return TRUE;
    }
  return FALSE;
}

/* What the merge counted of each notebook file's entries. */
static void
take_notebook_counts (GPtrArray *files,
                      GPtrArray *notebooks)
{
  for (guint k = 0; k < notebooks->len; k++)
    {
      const TechoMergeNotebook *notebook = g_ptr_array_index (notebooks, k);
      TechoImportFile *file = g_ptr_array_index (files, notebook->group);

      if (file->notebook != NULL)
        file->notebook->n_new_entries = notebook->n_new_entries;
    }
}

/* What import_audit sees (on the store's thread, while import_files
 * waits for the merge). */
typedef struct
{
  GPtrArray *files;     /* TechoImportFile */
  gboolean parts_only;  /* an import that only keeps parts of multi-part data */
} ImportAudit;

/* The audit rows of an import: one per file that went in (a file with a
 * conflict wrote nothing and is refused). Each names the file, never a
 * value from it. */
static GPtrArray *
import_audit (gint64   import_id,
              gint64   profile_id,
              gpointer user_data)
{
  ImportAudit *audit = user_data;
  GPtrArray *details = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < audit->files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (audit->files, i);
      g_autofree char *what = NULL;

      if (file->status != TECHO_IMPORT_FILE_READ)
        continue;
      if (audit->parts_only)
        what = g_strdup_printf ("parts-kept=%u parts-known=%u",
                                file->notebook != NULL ? file->notebook->n_parts_pending : 0,
                                file->notebook != NULL ? file->notebook->n_parts_known : 0);
      else
        {
          count_outcomes (file);
          if (file->n_conflicts > 0)
            continue;
          what = g_strdup_printf ("profile=%" G_GINT64_FORMAT " records=%u new=%u merged=%u"
                                  " replaced=%u import=%" G_GINT64_FORMAT, profile_id,
                                  file->entries->len, file->n_added, file->n_merged,
                                  file->n_replaced, import_id);
        }
      g_ptr_array_add (details, g_strdup_printf ("kind=%s file=%s sha256=%s %s",
                                                 techo_import_kind_to_string (file->kind),
                                                 file->file_name, file->file_sha256, what));
    }
  return details;
}

static TechoImportReport *
import_files (TechoStore        *store,
              gint64             profile_id,
              GPtrArray         *files,
              GPtrArray         *contents,
              TechoImportFlags   flags,
              gboolean           all_or_nothing,
              GCancellable      *cancellable,
              GError           **error)
{
  g_autoptr(TechoImportReport) report = g_new0 (TechoImportReport, 1);
  g_autoptr(TechoProfile) profile = NULL;
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  const TechoProfile *first_patient = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  gboolean any = FALSE;
  gint64 import_id;
  g_autoptr(GHashTable) pool = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) notebooks = g_ptr_array_new_with_free_func (
    (GDestroyNotify) techo_merge_notebook_free);
  TechoMergeExtras extras = { NULL };
  ImportAudit audit = { files, FALSE };

  report->files = g_ptr_array_ref (files);
  report->dry_run = (flags & TECHO_IMPORT_DRY_RUN) != 0;

  /* Read everything before anything is written. */
  for (guint i = 0; i < files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (files, i);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      /* Parts of multi-part data a file brings are seen by the later files
       * of this import (the QR codes of one receipt in several photos join,
       * on a dry run too); only a file read whole adds to them. */
      file->part_pool = pool;
      if (file->status == TECHO_IMPORT_FILE_READ)
        read_file_bytes (store, file, g_ptr_array_index (contents, i), cancellable);
      file->part_pool = NULL;
      if (file->status == TECHO_IMPORT_FILE_READ && first_patient == NULL)
        first_patient = file->patient;
      any = any || file->status == TECHO_IMPORT_FILE_READ;
    }
  if (!any)
    return g_steal_pointer (&report);
  if (all_or_nothing && !techo_import_report_all_read (report))
    return g_steal_pointer (&report);

  /* Only parts of multi-part data still waiting (or parts of data joined
   * before): no profile is made and nothing is merged; the parts are kept. */
  if (!has_records (files))
    {
      for (guint i = 0; i < files->len; i++)
        {
          TechoImportFile *file = g_ptr_array_index (files, i);

          if (file->status == TECHO_IMPORT_FILE_READ && file->jahis != NULL)
            g_ptr_array_add (notebooks, techo_import_jahis_to_merge (file->jahis, i,
                                                                     file->file_name));
          g_string_append_printf (summary, "%s%s", summary->len > 0 ? ", " : "",
                                  file->file_name);
        }
      /* Nobody's yet: one import (undone as one) that keeps the parts. */
      audit.parts_only = TRUE;
      extras.audit = import_audit;
      extras.audit_data = &audit;
      import_id = techo_store_merge_sync (store, 0, NULL, entries, notebooks,
                                          (flags & TECHO_IMPORT_DRY_RUN) ? TECHO_MERGE_DRY_RUN
                                                                         : 0,
                                          summary->str, &extras, NULL, cancellable, error);
      if (import_id < 0)
        return NULL;
      report->import_id = import_id;
      take_notebook_counts (files, notebooks);
      return g_steal_pointer (&report);
    }

  /* A dry run into an empty store makes no profile: everything would be new. */
  if (report->dry_run && profile_id == 0)
    {
      g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, cancellable, error);

      if (profiles == NULL)
        return NULL;
      if (profiles->len == 0)
        {
          for (guint i = 0; i < files->len; i++)
            {
              TechoImportFile *file = g_ptr_array_index (files, i);

              for (guint j = 0; j < file->entries->len; j++)
                ((TechoMergeEntry *) g_ptr_array_index (file->entries, j))->outcome =
                  TECHO_MERGE_ADDED;
              count_outcomes (file);
              if (file->notebook != NULL)
                file->notebook->n_new_entries = file->notebook->n_entries;
            }
          report->profile_created = TRUE;
          return g_steal_pointer (&report);
        }
    }
  if (!resolve_profile (store, profile_id, (flags & TECHO_IMPORT_NEW_PROFILE) != 0,
                        first_patient, &report->profile_id,
                        &report->profile_created, &profile, cancellable, error))
    return NULL;

  for (guint i = 0; i < files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (files, i);
      g_autofree char *what = NULL;

      if (file->status != TECHO_IMPORT_FILE_READ)
        continue;
      /* Never merged silently into someone else's records. */
      if ((flags & TECHO_IMPORT_PROFILE_GIVEN) == 0
          && (what = other_person (file->patient, profile)) != NULL)
        {
          g_autofree char *whose = NULL;

          if (profile->name != NULL)
            whose = g_strdup_printf (_("%s’s profile"), profile->name);
          else
            {
              g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                         report->profile_id);

              /* TRANSLATORS: %s is a number. */
              whose = g_strdup_printf (_("profile %s"), number);
            }
          refuse (file, g_error_new (TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_OTHER_PERSON,
                                     _("This file is about someone else: its %s differ from "
                                       "%s. Nothing was imported from it."), what, whose));
          continue;
        }
      for (guint j = 0; j < file->entries->len; j++)
        {
          TechoMergeEntry *entry = g_ptr_array_index (file->entries, j);

          entry->group = i;
          g_ptr_array_add (entries, entry);
        }
      if (file->jahis != NULL)
        g_ptr_array_add (notebooks, techo_import_jahis_to_merge (file->jahis, i,
                                                                 file->file_name));
      g_string_append_printf (summary, "%s%s", summary->len > 0 ? ", " : "", file->file_name);
    }
  /* Several files that belong together (a received link) go in whole or not at all. */
  if (all_or_nothing && !techo_import_report_all_read (report))
    {
      report->profile_created = FALSE; /* the merge would have made it */
      return g_steal_pointer (&report);
    }

  /* The 電子処方箋 rows supersede the claims rows of the same institution
   * and date, whichever file brought either (a recompute, so running it
   * again changes nothing); the marks and the audit rows go into the
   * merge's transaction. */
  if (mhlw_medicines_read (files))
    extras.revise_prefix = TECHO_MHLW_ID_PREFIX;
  extras.audit = import_audit;
  extras.audit_data = &audit;
  import_id = techo_store_merge_sync (store, report->profile_id,
                                      report->profile_created ? profile : NULL, entries,
                                      notebooks,
                                      ((flags & TECHO_IMPORT_REPLACE) ? TECHO_MERGE_REPLACE : 0)
                                      | ((flags & TECHO_IMPORT_DRY_RUN) ? TECHO_MERGE_DRY_RUN : 0),
                                      summary->str, &extras, &report->profile_id, cancellable,
                                      error);
  if (import_id < 0)
    return NULL;
  report->import_id = import_id;
  report->n_revised = extras.n_revised;
  report->n_newly_revised = extras.n_newly_revised;
  take_notebook_counts (files, notebooks);

  for (guint i = 0; i < files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (files, i);

      if (file->status != TECHO_IMPORT_FILE_READ)
        continue;
      count_outcomes (file);
      if (file->n_conflicts > 0)
        {
          file->status = TECHO_IMPORT_FILE_REFUSED;
          file->error = g_error_new (TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_REISSUE,
                                     _("This is a corrected re-issue of a checkup already "
                                       "stored (same person, date and institution; %u "
                                       "values differ). Nothing was changed."),
                                     ((TechoMergeEntry *) g_ptr_array_index (file->entries,
                                                                             0))->n_changed);
          continue;
        }
    }
  return g_steal_pointer (&report);
}

TechoImportReport *
techo_import_paths_sync (TechoStore          *store,
                         gint64               profile_id,
                         const char * const  *paths,
                         TechoImportFlags     flags,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) import_file_free);
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_return_val_if_fail (TECHO_IS_STORE (store), NULL);
  g_return_val_if_fail (paths != NULL, NULL);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      TechoImportFile *file = import_file_new (paths[i], i);
      GError *read_error = NULL;
      GBytes *bytes = read_capped (paths[i], cancellable, &read_error);

      if (bytes == NULL)
        refuse (file, read_error);
      g_ptr_array_add (files, file);
      g_ptr_array_add (contents, bytes != NULL ? bytes : g_bytes_new (NULL, 0));
    }
  return import_files (store, profile_id, files, contents, flags, FALSE, cancellable, error);
}

typedef struct
{
  gint64 profile_id;
  GStrv paths;
  TechoImportFlags flags;
} PathsTaskData;

static void
paths_task_data_free (PathsTaskData *data)
{
  g_strfreev (data->paths);
  g_free (data);
}

static void
import_paths_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  PathsTaskData *data = task_data;
  GError *error = NULL;
  TechoImportReport *report;

  report = techo_import_paths_sync (source_object, data->profile_id,
                                    (const char * const *) data->paths, data->flags,
                                    cancellable, &error);
  if (report != NULL)
    g_task_return_pointer (task, report, (GDestroyNotify) techo_import_report_free);
  else
    g_task_return_error (task, error);
}

void
techo_import_paths_async (TechoStore          *store,
                          gint64               profile_id,
                          const char * const  *paths,
                          TechoImportFlags     flags,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PathsTaskData *data;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (paths != NULL);

  data = g_new0 (PathsTaskData, 1);
  data->profile_id = profile_id;
  data->paths = g_strdupv ((char **) paths);
  data->flags = flags;
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_import_paths_async);
  g_task_set_task_data (task, data, (GDestroyNotify) paths_task_data_free);
  g_task_run_in_thread (task, import_paths_thread);
}

TechoImportReport *
techo_import_paths_finish (TechoStore    *store,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- one file (the form the first callers use) ------------------------------ */

static TechoImportResult *
result_from_file (const TechoImportReport *report,
                  const TechoImportFile   *file)
{
  TechoImportResult *result = g_new0 (TechoImportResult, 1);
  const char *latest = NULL;

  result->kind = file->kind;
  result->file_name = g_strdup (file->file_name);
  result->file_sha256 = g_strdup (file->file_sha256);
  result->profile_id = report->profile_id;
  result->profile_created = report->profile_created;
  result->n_records = file->entries->len;
  result->n_new = file->n_added;
  result->n_merged = file->n_merged;
  result->n_replaced = file->n_replaced;
  result->n_skipped = file->n_left_out;
  result->n_revised = report->n_revised;
  result->n_newly_revised = report->n_newly_revised;
  for (guint i = 0; i < file->entries->len; i++)
    {
      TechoMergeEntry *entry = g_ptr_array_index (file->entries, i);
      const TechoCheckup *checkup;

      switch (entry->category)
        {
        case TECHO_CATEGORY_CHECKUP:
          result->n_checkups++;
          /* The latest checkup's (a CDA file holds one; a portal XML
           * file several). */
          checkup = entry->record;
          if (entry->stored_id != NULL &&
              (result->checkup_id == NULL || g_strcmp0 (checkup->performed_on, latest) > 0))
            {
              latest = checkup->performed_on;
              g_free (result->checkup_id);
              result->checkup_id = g_strdup (entry->stored_id);
            }
          break;
        case TECHO_CATEGORY_SCREENING:
          result->n_screenings++;
          break;
        case TECHO_CATEGORY_MEDICATION:
        case TECHO_N_CATEGORIES:
        default:
          result->n_medicines++;
          break;
        }
    }
  if (file->notebook != NULL)
    {
      const TechoImportResult *notebook = file->notebook;

      result->n_entries = notebook->n_entries;
      result->n_new_entries = notebook->n_new_entries;
      result->n_codes = notebook->n_codes;
      result->n_parts_joined = notebook->n_parts_joined;
      result->n_parts_pending = notebook->n_parts_pending;
      result->n_parts_known = notebook->n_parts_known;
      result->pending_data_id = g_strdup (notebook->pending_data_id);
      result->pending_have = notebook->pending_have;
      result->pending_total = notebook->pending_total;
      if (notebook->warnings != NULL)
        result->warnings = g_ptr_array_ref (notebook->warnings);
      if (notebook->entries != NULL)
        result->entries = g_ptr_array_ref (notebook->entries);
      result->n_warnings = notebook->n_warnings;
    }
  if (file->kind == TECHO_IMPORT_KIND_JAHIS || file->kind == TECHO_IMPORT_KIND_IMAGE)
    result->category = TECHO_CATEGORY_MEDICATION;
  else if (file->kind == TECHO_IMPORT_KIND_FHIR)
    result->category = result->n_checkups > 0 ? TECHO_CATEGORY_CHECKUP :
                       result->n_screenings > 0 ? TECHO_CATEGORY_SCREENING :
                       TECHO_CATEGORY_MEDICATION;
  else if (file->kind == TECHO_IMPORT_KIND_MHLW_XML)
    /* One file is one category. */
    result->category = result->n_checkups > 0 ? TECHO_CATEGORY_CHECKUP
                                              : TECHO_CATEGORY_MEDICATION;
  else
    result->category = TECHO_CATEGORY_CHECKUP;
  if (file->kind != TECHO_IMPORT_KIND_FHIR)
    result->n_checkups = result->n_screenings = result->n_medicines = 0;
  return result;
}

GPtrArray *
techo_import_contents_sync (TechoStore     *store,
                            gint64          profile_id,
                            const char     *const *names,
                            GPtrArray      *contents,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) import_file_free);
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(GPtrArray) results = NULL;

  g_return_val_if_fail (store != NULL, NULL);
  g_return_val_if_fail (names != NULL, NULL);
  g_return_val_if_fail (contents != NULL && contents->len > 0, NULL);

  for (guint i = 0; i < contents->len; i++)
    {
      g_return_val_if_fail (names[i] != NULL, NULL);
      g_ptr_array_add (files, import_file_new (names[i], i));
    }
  report = import_files (store, profile_id, files, contents,
                         profile_id > 0 ? TECHO_IMPORT_PROFILE_GIVEN : TECHO_IMPORT_FLAGS_NONE,
                         TRUE, cancellable, error);
  if (report == NULL)
    return NULL;
  for (guint i = 0; i < files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (files, i);

      if (file->status != TECHO_IMPORT_FILE_READ)
        {
          g_propagate_error (error, g_steal_pointer (&file->error));
          return NULL;
        }
    }
  results = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_import_result_free);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (results, result_from_file (report, g_ptr_array_index (files, i)));
  return g_steal_pointer (&results);
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
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  g_autoptr(GPtrArray) results = NULL;
  const char *names[] = { file_name, NULL };

  g_return_val_if_fail (store != NULL, FALSE);
  g_return_val_if_fail (file_name != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  g_ptr_array_add (list, contents);
  results = techo_import_contents_sync (store, profile_id, names, list, cancellable, error);
  if (results == NULL)
    return FALSE;
  if (out_result != NULL)
    *out_result = g_ptr_array_steal_index (results, 0);
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
