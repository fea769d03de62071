/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-import.h: files people already hold (a JAHIS medication notebook
 * text, a CDA checkup XML) into the store through the same upsert path as
 * the portal, each row marked with the file's name and SHA-256. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_IMPORT_ERROR (techo_import_error_quark ())

typedef enum
{
  TECHO_IMPORT_ERROR_TOO_LARGE,    /* the file is over the size cap */
  TECHO_IMPORT_ERROR_UNKNOWN_KIND, /* neither CDA nor JAHIS */
  TECHO_IMPORT_ERROR_EMPTY,        /* parsed, but holds no records */
  TECHO_IMPORT_ERROR_PROFILE,      /* no such profile, or several to choose from */
  TECHO_IMPORT_ERROR_NOT_A_FILE,   /* a folder, FIFO or device, not a regular file */
} TechoImportError;

GQuark techo_import_error_quark (void);

/* Larger than each parser's own cap, which each checks again (a phone's
 * photo of a QR code may be several MiB). */
#define TECHO_IMPORT_MAX_FILE_SIZE (32 * 1024 * 1024)

typedef enum
{
  TECHO_IMPORT_KIND_JAHIS,
  TECHO_IMPORT_KIND_CDA,
  TECHO_IMPORT_KIND_IMAGE, /* a PNG or JPEG of JAHIS QR codes */
} TechoImportKind;

typedef struct
{
  TechoImportKind kind;
  char *file_name;        /* base name, as stored in the provenance */
  char *file_sha256;      /* lowercase hex */
  gint64 profile_id;      /* the profile the records went to */
  gboolean profile_created;
  TechoCategory category;
  guint n_records;        /* records in the file */
  guint n_new;            /* rows the store did not hold before */
  guint n_skipped;        /* JAHIS records of an unknown number, left out */
  char *checkup_id;       /* CDA: the stored checkup's id */
  /* JAHIS and images: */
  guint n_entries;        /* notebook entries (allergies, OTC …) read */
  guint n_new_entries;    /* … the store did not hold before */
  guint n_codes;          /* QR codes read in the image */
  guint n_parts_joined;   /* parts of multi-part data joined now */
  guint n_parts_pending;  /* parts of this file kept until the rest arrives */
  guint n_parts_known;    /* parts of data an earlier import joined: skipped */
  char *pending_data_id;  /* the data still incomplete, if any … */
  guint pending_have;     /* … its parts held … */
  guint pending_total;    /* … of its total */
  GPtrArray *warnings;    /* of char *: lines read despite deviating */
  guint n_warnings;       /* all warnings, also those not kept */
} TechoImportResult;

void techo_import_result_free (TechoImportResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoImportResult, techo_import_result_free)

const char *techo_import_kind_to_string (TechoImportKind kind);

/* Imports the file at @path into profile @profile_id (0: the only profile,
 * or a new local profile made from the file's patient data when the store
 * holds nobody). Detects the kind from the content. Nothing is written
 * unless the whole file parses. Writes an "import" audit row (file name,
 * hash and counts; never a health value). Importing the same file again
 * changes nothing. The CDA bytes are kept as the checkup's document. */
gboolean techo_import_file_sync (TechoStore         *store,
                                 gint64              profile_id,
                                 const char         *path,
                                 TechoImportResult **out_result,
                                 GCancellable       *cancellable,
                                 GError            **error);

/* The same on a worker thread (the store calls wait on the store thread,
 * never on the caller's main context), for the app. */
void     techo_import_file_async  (TechoStore          *store,
                                   gint64               profile_id,
                                   const char          *path,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
TechoImportResult *techo_import_file_finish (TechoStore    *store,
                                             GAsyncResult  *result,
                                             GError       **error);

/* The same on bytes already read; @file_name is what the provenance keeps. */
gboolean techo_import_bytes_sync (TechoStore         *store,
                                  gint64              profile_id,
                                  const char         *file_name,
                                  GBytes             *contents,
                                  TechoImportResult **out_result,
                                  GCancellable       *cancellable,
                                  GError            **error);

G_END_DECLS
