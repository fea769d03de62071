/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-import.h: files people already hold (a JAHIS medication notebook
 * text, a CDA checkup XML …) into the store, merged with what the portal
 * sent. Two steps: a reader per format turns a file's bytes into records
 * (TechoMergeEntry) plus who the file is about; then one merge step writes
 * every file of the import in one transaction (techo_store_merge_sync),
 * each record remembering every source it arrived from. An import can be
 * undone (techo_store_undo_import_sync).
 *
 * To add a format: a TechoImportKind, and a row in `readers` in
 * techo-import.c with a detect function (a cheap look at the first bytes)
 * and a read function that adds records with techo_import_file_add. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"
#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_IMPORT_ERROR (techo_import_error_quark ())

typedef enum
{
  TECHO_IMPORT_ERROR_TOO_LARGE,    /* the file is over the size cap */
  TECHO_IMPORT_ERROR_UNKNOWN_KIND, /* neither CDA, JAHIS nor portal XML */
  TECHO_IMPORT_ERROR_EMPTY,        /* parsed, but holds no records */
  TECHO_IMPORT_ERROR_PROFILE,      /* no such profile, or several to choose from */
  TECHO_IMPORT_ERROR_OTHER_PERSON, /* the file names someone else than the profile */
  TECHO_IMPORT_ERROR_REISSUE,      /* a re-issue with other values, --replace not given */
  TECHO_IMPORT_ERROR_NOT_A_FILE,   /* a folder, FIFO or device, not a regular file */
  TECHO_IMPORT_N_ERRORS /* not a code: how many codes there are */
} TechoImportError;

GQuark techo_import_error_quark (void);

/* Larger than each parser's own cap, which each checks again (a phone's
 * photo of a QR code may be several MiB). */
#define TECHO_IMPORT_MAX_FILE_SIZE (32 * 1024 * 1024)

typedef enum
{
  TECHO_IMPORT_KIND_JAHIS,
  TECHO_IMPORT_KIND_CDA,
  TECHO_IMPORT_KIND_FHIR,  /* a FHIR R4 JSON Bundle (techo-fhir.h) */
  TECHO_IMPORT_KIND_MHLW_XML, /* マイナポータル 薬剤情報 / 特定健診情報 XML */
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
  guint n_merged;         /* records the store held from another source */
  guint n_replaced;       /* checkups whose values a re-issue replaced */
  guint n_skipped;        /* JAHIS records read and left out (notes …);
                           * portal XML: MeTrInf (treatment) rows */
  guint n_revised;        /* portal XML medicines: rows of the profile a
                           * 電子処方箋 row supersedes (kept, not shown) */
  guint n_newly_revised;  /* of which this import marked; n_new minus
                           * these is what the lists show more */
  char *checkup_id;       /* CDA: the stored checkup's id; portal XML:
                           * the latest checkup's */
  guint n_checkups;       /* FHIR: records of each kind in the file */
  guint n_screenings;
  guint n_medicines;
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
  GPtrArray *entries;     /* of TechoNotebookEntry: the entries read (allergies,
                           * side effects, OTC …); nullable */
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

/* Several files already read (GBytes in @contents, named by @names) as one
 * import: one merge, one undo. Nothing is written unless every file reads
 * and none is refused; the first refusal is the error. Returns one
 * TechoImportResult per file. */
GPtrArray *techo_import_contents_sync (TechoStore     *store,
                                       gint64          profile_id,
                                       const char     *const *names,
                                       GPtrArray      *contents,
                                       GCancellable   *cancellable,
                                       GError        **error);

/* ---- an import of several files, merged ------------------------------- */

typedef enum
{
  TECHO_IMPORT_FLAGS_NONE    = 0,
  TECHO_IMPORT_REPLACE       = 1 << 0, /* a corrected re-issue replaces the values */
  TECHO_IMPORT_DRY_RUN       = 1 << 1, /* say what would happen, write nothing */
  TECHO_IMPORT_PROFILE_GIVEN = 1 << 2, /* the user chose the profile: a file naming
                                        * someone else goes to it anyway */
  TECHO_IMPORT_NEW_PROFILE   = 1 << 3, /* a new person (a family member), made from
                                        * the first file's patient in the import's
                                        * transaction, however many the store holds
                                        * (@profile_id must be 0); undoing the import
                                        * removes them again */
} TechoImportFlags;

typedef enum
{
  TECHO_IMPORT_FILE_READ,    /* read; its records added, merged or skipped */
  TECHO_IMPORT_FILE_REFUSED, /* not read, or refused whole; `error` says why */
} TechoImportFileStatus;

/* One file of an import: what its reader made of it, then what the merge
 * did with each record. */
typedef struct
{
  char *path;
  guint index;              /* its place in the import (the merge's group) */
  char *file_name;          /* base name, as stored in the provenance */
  char *file_sha256;        /* lowercase hex */
  TechoImportKind kind;
  TechoImportFileStatus status;
  GError *error;            /* REFUSED: why, in words */
  GPtrArray *notes;         /* char *: what the reader wants said (a date taken
                             * from effectiveTime/low …) */
  TechoProfile *patient;    /* who the file says it is about; nullable */
  GPtrArray *entries;       /* TechoMergeEntry, group = this file's index */
  guint n_left_out;         /* records the reader read and did not keep */
  TechoImportResult *notebook; /* JAHIS and images: parts, codes, warnings; nullable */
  gpointer jahis;           /* private: the notebook's part, written by the merge */
  GHashTable *part_pool;    /* private: the import's parts of multi-part data read so far */
  guint n_added, n_merged, n_skipped, n_replaced, n_conflicts;
} TechoImportFile;

/* For readers: adds @record (taken) of @category with the file's
 * provenance; @document (nullable) is kept with a checkup. */
void techo_import_file_add (TechoImportFile *file,
                            TechoCategory    category,
                            gpointer         record,
                            GBytes          *document);

typedef struct
{
  gint64 profile_id;
  gboolean profile_created;
  gint64 import_id;         /* for undo; 0 when nothing changed or a dry run */
  gboolean dry_run;
  GPtrArray *files;         /* TechoImportFile, in the order given */
  /* When a 薬剤情報 XML file was read (not a dry run): the profile's
   * medication rows a 電子処方箋 row supersedes (kept, not listed), and
   * how many of them this import marked. */
  guint n_revised;
  guint n_newly_revised;
} TechoImportReport;

void techo_import_report_free (TechoImportReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoImportReport, techo_import_report_free)

/* Counts over the report's files. */
guint techo_import_report_count (const TechoImportReport *report,
                                 TechoMergeOutcome        outcome,
                                 TechoCategory            category);
/* Whether every file was read (none refused). */
gboolean techo_import_report_all_read (const TechoImportReport *report);

/* Reads every file at @paths (NULL-terminated), then merges them into
 * profile @profile_id (0: the only profile, or a new one from the first
 * file's patient in an empty store) in one transaction. A file that cannot
 * be read, names another person (unless TECHO_IMPORT_PROFILE_GIVEN), or
 * holds a re-issue with other values (unless TECHO_IMPORT_REPLACE) is
 * refused whole; the others go in. Returns NULL only when nothing could be
 * tried (no store, no such profile). */
TechoImportReport *techo_import_paths_sync   (TechoStore           *store,
                                              gint64                profile_id,
                                              const char * const   *paths,
                                              TechoImportFlags      flags,
                                              GCancellable         *cancellable,
                                              GError              **error);
void               techo_import_paths_async  (TechoStore           *store,
                                              gint64                profile_id,
                                              const char * const   *paths,
                                              TechoImportFlags      flags,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
TechoImportReport *techo_import_paths_finish (TechoStore           *store,
                                              GAsyncResult         *result,
                                              GError              **error);

G_END_DECLS
