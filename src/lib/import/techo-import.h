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
} TechoImportError;

GQuark techo_import_error_quark (void);

/* Larger than either parser's own cap, which each checks again. */
#define TECHO_IMPORT_MAX_FILE_SIZE (4 * 1024 * 1024)

typedef enum
{
  TECHO_IMPORT_KIND_JAHIS,
  TECHO_IMPORT_KIND_CDA,
  TECHO_IMPORT_KIND_MHLW_XML, /* マイナポータル 薬剤情報 / 特定健診情報 XML */
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
  guint n_skipped;        /* JAHIS records read and left out (notes …);
                           * portal XML: MeTrInf (treatment) rows */
  guint n_revised;        /* portal XML medicines: rows of the profile a
                           * 電子処方箋 row supersedes (kept, not shown) */
  guint n_newly_revised;  /* of which this import marked; n_new minus
                           * these is what the lists show more */
  char *checkup_id;       /* CDA: the stored checkup's id; portal XML:
                           * the latest checkup's */
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
