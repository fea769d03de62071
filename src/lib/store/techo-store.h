/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store.h: the encrypted store (SQLCipher). One worker thread owns
 * the only connection; every request is queued to it. `_async` calls
 * return through GTask on the caller's thread-default main context;
 * `_sync` calls queue the same job and wait (for the CLI, tests and other
 * worker threads; never call them from the store thread itself, nor from
 * the app's main thread: in debug builds every `_sync` logs a critical
 * when the calling thread owns the default main context, see
 * techo-thread.h).
 *
 * Every `_finish` and `_sync` that fails sets a GError, in
 * TECHO_STORE_ERROR with a message a user understands, or
 * G_IO_ERROR_CANCELLED. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"
#include "techo-sqlite.h"
#include "techo-vault.h"

G_BEGIN_DECLS

#define TECHO_STORE_ERROR (techo_store_error_quark ())

typedef enum
{
  TECHO_STORE_ERROR_FAILED,               /* anything else; the message says what */
  TECHO_STORE_ERROR_KEYRING_UNAVAILABLE,  /* keyring locked, absent or answering nothing */
  TECHO_STORE_ERROR_WRONG_KEY,            /* the key or passphrase does not open it */
  TECHO_STORE_ERROR_CORRUPT,              /* the file is damaged */
  TECHO_STORE_ERROR_PASSPHRASE_REQUIRED,  /* a passphrase store opened without one */
  TECHO_STORE_ERROR_NOT_OPEN,             /* used before techo_store_open_* */
  TECHO_STORE_ERROR_INVALID,              /* bad input: missing id, over a limit */
  TECHO_STORE_ERROR_NOT_FOUND,            /* no such profile, checkup or file */
  TECHO_STORE_ERROR_EXISTS,               /* a backup would overwrite a file */
  TECHO_STORE_ERROR_TOO_NEW,              /* written by a newer Techo */
  TECHO_STORE_ERROR_DISK_FULL,            /* no space left: nothing was changed */
  TECHO_STORE_ERROR_BUSY,                 /* another Techo program holds the store */
  TECHO_STORE_ERROR_SHARING,              /* a restore would erase a live share's ledger */
  TECHO_STORE_ERROR_NEWER_CIPHER,         /* written by SQLCipher 4, opened by 3.x */
  TECHO_STORE_N_ERRORS /* not a code: how many codes there are */
} TechoStoreError;

GQuark techo_store_error_quark (void);

typedef enum
{
  TECHO_STORE_MODE_KEYRING,    /* random 256-bit key kept in the keyring */
  TECHO_STORE_MODE_PASSPHRASE, /* SQLCipher's KDF over the user's passphrase */
} TechoStoreMode;

const char *techo_store_mode_to_string (TechoStoreMode mode);

/* What techo_store_count_sync counts. Withdrawn records never count. */
typedef enum
{
  TECHO_STORE_COUNT_CHECKUP,
  TECHO_STORE_COUNT_CHECKUP_ITEM,
  TECHO_STORE_COUNT_MEDICATION,
  TECHO_STORE_COUNT_SCREENING,
  TECHO_STORE_N_COUNTS
} TechoStoreCount;

const char *techo_store_count_to_string (TechoStoreCount what);

/* Limits checked before anything is written. */
#define TECHO_STORE_MAX_PAGE_RECORDS   TECHO_RECORD_MAX_PAGE_RECORDS
#define TECHO_STORE_MAX_RECORD_ITEMS   1000
#define TECHO_STORE_MAX_DOCUMENT_BYTES TECHO_RECORD_MAX_DOCUMENT_BYTES
#define TECHO_STORE_MAX_TEXT_BYTES     (64 * 1024)

/* The iteration count of SQLCipher's KDF in passphrase mode. */
#define TECHO_STORE_KDF_ITER 256000

/* One point of an analyte's series. */
typedef struct
{
  char *date;  /* YYYY-MM-DD, the checkup's date */
  char *code;  /* the item code this value came under */
  char *value; /* as received */
  char *unit;
  char *checkup_id;
} TechoSeriesPoint;

void techo_series_point_free (TechoSeriesPoint *point);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoSeriesPoint, techo_series_point_free)

#define TECHO_TYPE_STORE (techo_store_get_type ())
G_DECLARE_FINAL_TYPE (TechoStore, techo_store, TECHO, STORE, GObject)

/* Starts the store thread; nothing touches the disk before open. */
TechoStore     *techo_store_new                (const char *data_dir);
const char     *techo_store_get_data_dir       (TechoStore *self);
/* data_dir/techo.db */
const char     *techo_store_get_path           (TechoStore *self);
TechoVault     *techo_store_get_vault          (TechoStore *self);
gboolean        techo_store_is_open            (TechoStore *self);
/* Valid once open. */
TechoStoreMode  techo_store_get_mode           (TechoStore *self);
int             techo_store_get_schema_version (TechoStore *self);

/* Whether @data_dir holds a store, and which mode its marker names
 * (keyring when there is no marker). Touches nothing. */
gboolean        techo_store_exists_at          (const char     *data_dir,
                                                TechoStoreMode *out_mode);

/* Opens the store, creating it when there is none. @passphrase: NULL for
 * keyring mode; for a new store, a passphrase makes it a passphrase
 * store; an existing store's mode is kept (see techo.mode). */
gboolean  techo_store_open_sync   (TechoStore           *self,
                                   const char           *passphrase,
                                   GCancellable         *cancellable,
                                   GError              **error);
void      techo_store_open_async  (TechoStore           *self,
                                   const char           *passphrase,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data);
gboolean  techo_store_open_finish (TechoStore           *self,
                                   GAsyncResult         *result,
                                   GError              **error);
/* Checkpoints and closes the connection; the object may be opened again. */
gboolean  techo_store_close_sync  (TechoStore           *self,
                                   GCancellable         *cancellable,
                                   GError              **error);
/* The _async form reports the store closed (techo_store_is_open) at once. */
void      techo_store_close_async  (TechoStore          *self,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  techo_store_close_finish (TechoStore          *self,
                                    GAsyncResult        *result,
                                    GError             **error);

/* Passphrase mode with @new_passphrase (PRAGMA rekey): changes the
 * passphrase, or switches a keyring store to a passphrase (and removes
 * the key from the keyring). */
gboolean  techo_store_change_passphrase_sync (TechoStore    *self,
                                              const char    *new_passphrase,
                                              GCancellable  *cancellable,
                                              GError       **error);
/* Switches a passphrase store to a new random key in the keyring. */
gboolean  techo_store_use_keyring_sync       (TechoStore    *self,
                                              GCancellable  *cancellable,
                                              GError       **error);

/* "Delete everything" for the store: closes it, removes techo.db, its
 * -wal and -shm, the mode marker, and every keyring item of this data dir
 * (database key and tokens). Other files in the data dir are the
 * caller's. The object may be opened again (a new, empty store). */
gboolean  techo_store_erase_sync  (TechoStore    *self,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* PRAGMA integrity_check; a damaged store is TECHO_STORE_ERROR_CORRUPT. */
gboolean  techo_store_check_sync  (TechoStore    *self,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* ---- profiles ---------------------------------------------------------- */

/* Finds the profile with the same issuer + subject (or adds one) and
 * updates its fields from @profile. */
gboolean   techo_store_ensure_profile_sync (TechoStore          *self,
                                            const TechoProfile  *profile,
                                            gint64              *out_id,
                                            GCancellable        *cancellable,
                                            GError             **error);
/* The OAuth settings of a profile; NULL leaves a value as it is. */
gboolean   techo_store_set_profile_client_sync (TechoStore    *self,
                                                gint64         profile_id,
                                                const char    *client_id,
                                                const char    *scopes,
                                                GCancellable  *cancellable,
                                                GError       **error);
gboolean   techo_store_get_profile_client_sync (TechoStore    *self,
                                                gint64         profile_id,
                                                char         **out_client_id,
                                                char         **out_scopes,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* Removes person @profile_id with every record of theirs (checkups,
 * medicines, screenings, their sources and documents, notebook entries,
 * imports, sync state) in one transaction and writes a "profile-removed"
 * audit row; the consent ledger keeps what was shared. NOT_FOUND when
 * there is no such person. */
gboolean   techo_store_remove_profile_sync   (TechoStore          *self,
                                              gint64               profile_id,
                                              GCancellable        *cancellable,
                                              GError             **error);
void       techo_store_remove_profile_async  (TechoStore          *self,
                                              gint64               profile_id,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean   techo_store_remove_profile_finish (TechoStore          *self,
                                              GAsyncResult        *result,
                                              GError             **error);
/* GPtrArray of TechoProfile, oldest first. */
GPtrArray *techo_store_list_profiles_sync   (TechoStore          *self,
                                             GCancellable        *cancellable,
                                             GError             **error);
void       techo_store_list_profiles_async  (TechoStore          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray *techo_store_list_profiles_finish (TechoStore          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* ---- records (the sync engine and importers) ---------------------------- */

/* Upserts @records (TechoCheckup, TechoDispensing or TechoScreening, as
 * @category says) in ONE transaction, with @sync_state_json (nullable)
 * written as the category's sync state in the same transaction. The
 * highest revision wins; a lower or equal revision changes nothing; a
 * withdrawn record with a higher revision marks the row withdrawn. */
gboolean   techo_store_upsert_page_sync (TechoStore     *self,
                                         gint64          profile_id,
                                         TechoCategory   category,
                                         GPtrArray      *records,
                                         const char     *sync_state_json,
                                         GCancellable   *cancellable,
                                         GError        **error);
/* The same, with @out_changed (nullable) set to how many rows it inserted
 * or moved to a higher revision: the rest were already stored as sent. */
gboolean   techo_store_upsert_page_counted_sync (TechoStore     *self,
                                                 gint64          profile_id,
                                                 TechoCategory   category,
                                                 GPtrArray      *records,
                                                 const char     *sync_state_json,
                                                 guint          *out_changed,
                                                 GCancellable   *cancellable,
                                                 GError        **error);
/* The last sync state written for the category, or NULL (no error) if
 * none was. */
char      *techo_store_get_sync_state_sync (TechoStore    *self,
                                            gint64         profile_id,
                                            TechoCategory  category,
                                            GCancellable  *cancellable,
                                            GError       **error);
/* Unix time of the last sync state written; 0 never; -1 on error.
 * @profile_id 0: the latest over all profiles. */
gint64     techo_store_get_last_sync_sync  (TechoStore    *self,
                                            gint64         profile_id,
                                            TechoCategory  category,
                                            GCancellable  *cancellable,
                                            GError       **error);

/* The CDA file of checkup @checkup_id (portal id), kept encrypted in the
 * store. The checkup must be stored first. */
gboolean   techo_store_save_document_sync (TechoStore    *self,
                                           gint64         profile_id,
                                           const char    *checkup_id,
                                           GBytes        *document,
                                           GCancellable  *cancellable,
                                           GError       **error);
/* NULL without error when there is none. */
GBytes    *techo_store_load_document_sync (TechoStore    *self,
                                           gint64         profile_id,
                                           const char    *checkup_id,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* Marks the medication rows whose id starts with @id_prefix (of
 * @profile_id; 0: every profile) that a row of a later kind supersedes: a
 * 電子処方箋 dispensing row over the prescription and the claims row, a
 * prescription over the claims row, of the same institution and date (two
 * rows with a pharmacy: the same pharmacy and dispensing date; else the
 * same prescriber and prescription date). A revised row stays in the
 * store with the superseding row's id in `revised_by`;
 * list_dispensings leaves it out. Recomputed whole each time: idempotent,
 * whatever the order of imports. @out_n_revised (nullable): the revised
 * rows of the profile afterwards; @out_n_newly_revised (nullable): how many
 * more than before. */
gboolean   techo_store_revise_dispensings_sync (TechoStore    *self,
                                                gint64         profile_id,
                                                const char    *id_prefix,
                                                guint         *out_n_revised,
                                                guint         *out_n_newly_revised,
                                                GCancellable  *cancellable,
                                                GError       **error);

/* Appends a row to the append-only audit log. */
gboolean   techo_store_append_audit_sync   (TechoStore          *self,
                                            const char          *action,
                                            const char          *detail,
                                            GCancellable        *cancellable,
                                            GError             **error);
void       techo_store_append_audit_async  (TechoStore          *self,
                                            const char          *action,
                                            const char          *detail,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean   techo_store_append_audit_finish (TechoStore          *self,
                                            GAsyncResult        *result,
                                            GError             **error);

/* Counts rows for `status`; @profile_id 0 counts every profile. Returns
 * -1 on error. */
gint64     techo_store_count_sync (TechoStore       *self,
                                   gint64            profile_id,
                                   TechoStoreCount   what,
                                   GCancellable     *cancellable,
                                   GError          **error);

/* ---- file imports: merge, never duplicate -------------------------------- */

typedef enum
{
  TECHO_MERGE_ADDED,    /* a new row */
  TECHO_MERGE_MERGED,   /* the store held it: one more source on that row */
  TECHO_MERGE_SKIPPED,  /* the store held it from this very file already */
  TECHO_MERGE_REPLACED, /* a corrected re-issue replaced the values */
  TECHO_MERGE_CONFLICT, /* a re-issue with other values, not asked to replace */
} TechoMergeOutcome;

const char *techo_merge_outcome_to_string (TechoMergeOutcome outcome);

/* One record read from a file, on its way into the store. */
typedef struct
{
  guint group;            /* the file it came from: a conflict refuses the whole file */
  TechoCategory category;
  gpointer record;        /* owned: TechoCheckup, TechoDispensing or TechoScreening */
  GBytes *document;       /* a checkup's file as received, kept with it; nullable */
  /* Set by techo_store_merge_sync: */
  TechoMergeOutcome outcome;
  char *stored_id;        /* the id of the row it went into or merged with */
  guint n_changed;        /* REPLACED or CONFLICT: values that differ */
} TechoMergeEntry;

TechoMergeEntry *techo_merge_entry_new  (guint           group,
                                         TechoCategory   category,
                                         gpointer        record);
void             techo_merge_entry_free (TechoMergeEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoMergeEntry, techo_merge_entry_free)

/* A medication notebook file's entries and parts (techo-store-notebook.h). */
typedef struct _TechoMergeNotebook TechoMergeNotebook;

typedef enum
{
  TECHO_MERGE_FLAGS_NONE = 0,
  TECHO_MERGE_REPLACE    = 1 << 0, /* a re-issue replaces (else CONFLICT) */
  TECHO_MERGE_DRY_RUN    = 1 << 1, /* decide every outcome, write nothing */
} TechoMergeFlags;

/* Called by techo_store_merge_sync on the store's thread, inside the
 * merge's transaction, once every entry's outcome is set (never on a dry
 * run): the audit details (GPtrArray of strings, action "import") to write
 * with the records, so the log and the records are committed together or
 * not at all. @import_id is 0 when the import changed nothing. */
typedef GPtrArray *(*TechoMergeAuditFunc) (gint64   import_id,
                                           gint64   profile_id,
                                           gpointer user_data);

/* What else a merge does in its transaction. */
typedef struct
{
  /* Nullable: recompute the revised medication rows whose id starts with
   * this prefix, as techo_store_revise_dispensings_sync does. */
  const char *revise_prefix;
  TechoMergeAuditFunc audit;   /* nullable */
  gpointer audit_data;
  /* Set by techo_store_merge_sync: */
  guint n_revised;             /* revised rows of the profile afterwards */
  guint n_newly_revised;       /* how many more than before */
} TechoMergeExtras;

/* Writes @entries (of TechoMergeEntry, grouped by file, in group order)
 * into profile @profile_id in ONE transaction and sets each entry's
 * outcome: a checkup matches a stored one by id, or by person, date,
 * institution (and kind); equal values make it MERGED (its file becomes
 * one more source, its document is kept when the row had none, and what
 * it says beyond the values fills in what the row lacks); other values
 * make it CONFLICT, or REPLACED with TECHO_MERGE_REPLACE (the old values
 * kept in the checkup's history). A dispensing matches by id, or by
 * person, date, pharmacy (code or name) and drug (YJ, receipt code or
 * name); its JAHIS details (TechoDispensing's notebook fields) are kept
 * beside the row it went into. @notebooks (of TechoMergeNotebook, nullable)
 * are written in the same transaction, each in its file's savepoint. A file
 * with a conflict writes nothing. With @new_profile (nullable; then
 * @profile_id 0) the person is made in the same transaction (a failure or a
 * kill leaves no profile behind; undoing the import removes it again when
 * nothing else is left in it) and *@out_profile_id
 * (nullable) gets its id. @profile_id may be 0 without @new_profile only
 * when nothing but pending parts is written. Returns the import's id (for
 * techo_store_undo_import_sync), 0 when nothing changed or on a dry run, -1
 * on error. @extras (nullable) adds the revision marks and audit rows to
 * the same transaction. */
gint64 techo_store_merge_sync (TechoStore          *self,
                               gint64               profile_id,
                               const TechoProfile  *new_profile,
                               GPtrArray           *entries,
                               GPtrArray           *notebooks,
                               TechoMergeFlags      flags,
                               const char          *summary,
                               TechoMergeExtras    *extras,
                               gint64              *out_profile_id,
                               GCancellable        *cancellable,
                               GError             **error);

typedef struct
{
  gint64 import_id;
  gint64 at;          /* when the import ran, Unix seconds */
  char *summary;      /* as the import described itself (file names, counts) */
  guint n_removed;    /* rows it had added, now gone */
  guint n_sources;    /* sources it had added to rows that stay */
  guint n_restored;   /* checkups whose replaced values came back */
  guint n_entries;    /* notebook entries it had added, now gone */
  guint n_parts;      /* parts of multi-part data: kept ones gone, joined ones
                       * pending again */
  gboolean profile_removed; /* the import had made the person, and nothing
                             * else was left in that profile: it went too */
} TechoUndoResult;

void techo_undo_result_free (TechoUndoResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoUndoResult, techo_undo_result_free)

/* Undoes import @import_id (0: the last one not yet undone) in one
 * transaction. TECHO_STORE_ERROR_NOT_FOUND when there is none. */
TechoUndoResult *techo_store_undo_import_sync   (TechoStore           *self,
                                                 gint64                import_id,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void             techo_store_undo_import_async  (TechoStore           *self,
                                                 gint64                import_id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
TechoUndoResult *techo_store_undo_import_finish (TechoStore           *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* One way a record arrived ("source"), or a re-issue that replaced its
 * values ("replaced", with the number of values that changed). */
typedef struct
{
  char *event;         /* source | replaced */
  TechoOrigin origin;
  char *record_id;     /* the id the source gave it (the portal's id, or the one made
                        * from the file's content) */
  char *file_name;     /* "" unless from a file */
  char *file_sha256;
  gint64 added_at;
  guint n_changed;
} TechoRecordSource;

void techo_record_source_free (TechoRecordSource *source);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoRecordSource, techo_record_source_free)

/* GPtrArray of TechoRecordSource of record @record_id, oldest first. */
GPtrArray *techo_store_list_sources_sync   (TechoStore           *self,
                                            gint64                profile_id,
                                            TechoCategory         category,
                                            const char           *record_id,
                                            GCancellable         *cancellable,
                                            GError              **error);
void       techo_store_list_sources_async  (TechoStore           *self,
                                            gint64                profile_id,
                                            TechoCategory         category,
                                            const char           *record_id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GPtrArray *techo_store_list_sources_finish (TechoStore           *self,
                                            GAsyncResult         *result,
                                            GError              **error);

/* Every source of each value of checkup @checkup_id: a GHashTable from the
 * item's code (char *) to a GPtrArray of TechoRecordSource, oldest first.
 * A source whose value a corrected re-issue replaced is not listed for it
 * (undoing the re-issue lists it again). */
GHashTable *techo_store_list_item_sources_sync   (TechoStore           *self,
                                                  gint64                profile_id,
                                                  const char           *checkup_id,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void        techo_store_list_item_sources_async  (TechoStore           *self,
                                                  gint64                profile_id,
                                                  const char           *checkup_id,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
GHashTable *techo_store_list_item_sources_finish (TechoStore           *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* ---- typed queries for the views ---------------------------------------- */

/* GPtrArray of TechoCheckup with items, newest first; withdrawn left out.
 * @limit 0: all. */
GPtrArray    *techo_store_list_checkups_sync   (TechoStore          *self,
                                                gint64               profile_id,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GError             **error);
void          techo_store_list_checkups_async  (TechoStore          *self,
                                                gint64               profile_id,
                                                guint                limit,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray    *techo_store_list_checkups_finish (TechoStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* The newest checkup, or NULL without error when there is none. */
TechoCheckup *techo_store_latest_checkup_sync   (TechoStore          *self,
                                                 gint64               profile_id,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          techo_store_latest_checkup_async  (TechoStore          *self,
                                                 gint64               profile_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TechoCheckup *techo_store_latest_checkup_finish (TechoStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* One analyte over time: every stored value under any of @codes (an
 * analyte may have several item codes), oldest first. GPtrArray of
 * TechoSeriesPoint; items not performed are left out. */
GPtrArray *techo_store_series_sync   (TechoStore          *self,
                                      gint64               profile_id,
                                      const char * const  *codes,
                                      GCancellable        *cancellable,
                                      GError             **error);
void       techo_store_series_async  (TechoStore          *self,
                                      gint64               profile_id,
                                      const char * const  *codes,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
GPtrArray *techo_store_series_finish (TechoStore          *self,
                                      GAsyncResult        *result,
                                      GError             **error);

/* Dispensings with @from <= dispensed_on <= @to (YYYY-MM-DD, either may be
 * NULL for open), newest first. GPtrArray of TechoDispensing. */
GPtrArray *techo_store_list_dispensings_sync   (TechoStore          *self,
                                                gint64               profile_id,
                                                const char          *from,
                                                const char          *to,
                                                GCancellable        *cancellable,
                                                GError             **error);
void       techo_store_list_dispensings_async  (TechoStore          *self,
                                                gint64               profile_id,
                                                const char          *from,
                                                const char          *to,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray *techo_store_list_dispensings_finish (TechoStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Screenings of @cancer (lung, breast, …; NULL for all) with items,
 * newest first. GPtrArray of TechoScreening. */
GPtrArray *techo_store_list_screenings_sync   (TechoStore          *self,
                                               gint64               profile_id,
                                               const char          *cancer,
                                               GCancellable        *cancellable,
                                               GError             **error);
void       techo_store_list_screenings_async  (TechoStore          *self,
                                               gint64               profile_id,
                                               const char          *cancer,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray *techo_store_list_screenings_finish (TechoStore          *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* One person's records as one TechoRecordSet, read in a single job on the
 * store thread: the person @profile_id (0: the first, the one who signed
 * in; with nobody in the store the set's profile stays NULL), every
 * checkup and screening, and the dispensings on or after @dispensed_from
 * (NULL: all of them; the set's complete is then TRUE). Withdrawn records
 * are left out; the set's documents stay empty. */
TechoRecordSet *techo_store_read_records_sync   (TechoStore          *self,
                                                 gint64               profile_id,
                                                 const char          *dispensed_from,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void            techo_store_read_records_async  (TechoStore          *self,
                                                 gint64               profile_id,
                                                 const char          *dispensed_from,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TechoRecordSet *techo_store_read_records_finish (TechoStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* ---- backup ------------------------------------------------------------- */

/* Writes an encrypted copy (same key as the store) to @path, which must
 * not exist, and checks it with integrity_check before succeeding. */
gboolean  techo_store_backup_sync    (TechoStore          *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GError             **error);
void      techo_store_backup_async   (TechoStore          *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  techo_store_backup_finish  (TechoStore          *self,
                                      GAsyncResult        *result,
                                      GError             **error);
/* Replaces the store with the backup at @path after checking that the
 * store's key opens it and integrity_check passes; otherwise the store
 * is left untouched. */
gboolean  techo_store_restore_sync   (TechoStore          *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GError             **error);
void      techo_store_restore_async  (TechoStore          *self,
                                      const char          *path,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);
gboolean  techo_store_restore_finish (TechoStore          *self,
                                      GAsyncResult        *result,
                                      GError             **error);

/* ---- benchmarks ---------------------------------------------------------- */

/* For techo-bench and tests only: a connection of the calling thread to
 * @path, set up as the store sets up its own (cipher settings, then the
 * connection settings, then the schema), keyed with @key_material, or
 * plain SQLite when it is NULL, so that a benchmark can weigh what the
 * encryption costs on the store's own writes. @page_size 0 is the
 * store's; another is for measuring only (stores never use it). Close it
 * with techo_sqlite_close. */
TechoSqlite *techo_store_open_connection (const char  *path,
                                          const char  *key_material,
                                          guint        page_size,
                                          GError     **error);
/* techo_store_upsert_page_counted_sync's work, on such a connection. */
gboolean     techo_store_upsert_page_on  (TechoSqlite    *db,
                                          gint64          profile_id,
                                          TechoCategory   category,
                                          GPtrArray      *records,
                                          const char     *sync_state_json,
                                          guint          *out_changed,
                                          GError        **error);

G_END_DECLS

/* The store area's umbrella: the consent ledger's rows come with it. */
#include "techo-store-consents.h"
#include "techo-store-notebook.h"
#include "techo-store-hosted.h"
#include "techo-store-dispensing-views.h"
#include "techo-owner-pin.h"
