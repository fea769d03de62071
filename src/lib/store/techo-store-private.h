/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-private.h: what the store's files share: the object, the job
 * queue, keyed opening. techo-store.c (thread, opening, keys, modes),
 * techo-store-backup.c, techo-store-records.c (upserts, sync state),
 * techo-store-profiles.c (profiles, documents, audit) and
 * techo-store-queries.c (typed queries, counts). */

#pragma once

#include "techo-sqlite.h"
#include "techo-store.h"

G_BEGIN_DECLS

struct _TechoStore
{
  GObject parent_instance;

  char *data_dir;
  char *path;
  TechoVault *vault;

  GThread *thread;
  GAsyncQueue *queue;

  /* Read from any thread. */
  int is_open;
  int mode;
  int schema_version;

  /* Store thread only. */
  TechoSqlite *db;
  char *key_material; /* "x'…'" or the passphrase; wiped on close */
};

/* The arguments of one queued request; which fields mean what is up to
 * the job. */
typedef struct
{
  gint64 profile_id;
  TechoCategory category;
  guint limit;
  char *first;  /* a portal id, a date, a cancer, an action … */
  char *second;
  char **codes;
  GPtrArray *records;
  GBytes *bytes;
  TechoProfile *profile;
} TechoStoreRequest;

TechoStoreRequest *techo_store_request_new  (gint64             profile_id);
void               techo_store_request_free (TechoStoreRequest *request);
/* Unix seconds, UTC. */
gint64             techo_store_now          (void);

/* SQLCipher 3.x keeps none of these in the file: send them on every open,
 * right after the key and before the first read. */
#define TECHO_STORE_CIPHER_SETTINGS_SQL(schema) \
  "PRAGMA " schema "cipher_page_size = 4096;" \
  "PRAGMA " schema "kdf_iter = " G_STRINGIFY (TECHO_STORE_KDF_ITER) ";"

/* What every connection to a store (and the benchmark's plain twin)
 * sends once it is keyed and read: docs/store.md says why each. The page
 * cache is TECHO_STORE_CACHE_KIB; the WAL is folded back into the file
 * every TECHO_STORE_WAL_AUTOCHECKPOINT pages. */
#define TECHO_STORE_CACHE_KIB 16384
#define TECHO_STORE_WAL_AUTOCHECKPOINT 2000
#define TECHO_STORE_CONNECTION_SETTINGS_SQL \
  "PRAGMA journal_mode = WAL;" \
  "PRAGMA synchronous = FULL;" \
  "PRAGMA wal_autocheckpoint = " G_STRINGIFY (TECHO_STORE_WAL_AUTOCHECKPOINT) ";" \
  "PRAGMA cache_size = -" G_STRINGIFY (TECHO_STORE_CACHE_KIB) ";" \
  "PRAGMA foreign_keys = ON;" \
  "PRAGMA temp_store = MEMORY;" \
  "PRAGMA secure_delete = ON;"

/* Store thread only. Opens @path keyed with @key_material and reads the
 * schema once: a wrong key is TECHO_STORE_ERROR_WRONG_KEY, damage
 * TECHO_STORE_ERROR_CORRUPT. @what names the file in messages. On
 * SQLCipher >= 4 a file written by SQLCipher 3.x opens too, with the 3.x
 * settings (techo-store-cipher.c). */
TechoSqlite *techo_store_open_keyed      (const char   *path,
                                          const char   *key_material,
                                          const char   *what,
                                          GError      **error);
/* The same; *@out_legacy says whether the file is in the SQLCipher 3.x
 * format, opened by SQLCipher >= 4 in compatibility mode. */
TechoSqlite *techo_store_open_keyed_full (const char   *path,
                                          const char   *key_material,
                                          const char   *what,
                                          gboolean     *out_legacy,
                                          GError      **error);

/* ---- the file format across SQLCipher releases (techo-store-cipher.c) -- */

/* The name of the file beside the store that says which SQLCipher format
 * the store is in ("4\n"), and of the copy a migration writes. */
#define TECHO_STORE_CIPHER_MARKER_NAME "techo.cipher"
#define TECHO_STORE_MIGRATING_SUFFIX   ".migrating"

/* SQLCipher's major version at run time: 3 on Debian 12, 4 on Debian 13. */
int          techo_store_cipher_major        (void);
/* The format major version techo.cipher in @data_dir records, 0 if none. */
int          techo_store_cipher_marker_major (const char   *data_dir);
/* Records the running SQLCipher's format in @data_dir (durably). */
gboolean     techo_store_cipher_write_marker (const char   *data_dir,
                                              GError      **error);
/* Store thread only, SQLCipher >= 4. Migrates the store at self->path,
 * which @legacy_db has open in the 3.x format, to the 4.x format in
 * place: a copy beside it (sqlcipher_export), reopened and checked
 * (integrity, user_version, every table's row count), with an audit row;
 * then an atomic rename over the store. Closes @legacy_db either way. On
 * failure the old store is left as it was. */
gboolean     techo_store_cipher_migrate      (TechoStore   *self,
                                              TechoSqlite  *legacy_db,
                                              const char   *key_material,
                                              GError      **error);
/* Removes what a migration killed half-way left beside @path. */
void         techo_store_cipher_remove_leftovers (const char *path);
/* PRAGMA integrity_check; anything but "ok" is TECHO_STORE_ERROR_CORRUPT. */
gboolean     techo_store_integrity_check (TechoSqlite  *db,
                                          const char   *what,
                                          GError      **error);
/* Opens self->path as the store's connection (settings, migrations). */
gboolean     techo_store_connect         (TechoStore   *self,
                                          const char   *key_material,
                                          GError      **error);
/* Closes the connection and wipes the key material. */
void         techo_store_disconnect      (TechoStore   *self);

/* Recomputes the revised medication rows whose id starts with @id_prefix
 * (techo_store_revise_dispensings_sync), inside the caller's transaction.
 * @out_before and @out_after: the profile's revised rows before and after. */
gboolean     techo_store_revise_in_transaction (TechoSqlite  *db,
                                                gint64        profile_id,
                                                const char   *id_prefix,
                                                gint64       *out_before,
                                                gint64       *out_after,
                                                GError      **error);

/* What a job returns on success when it has no value to hand back. */
#define TECHO_STORE_DONE GINT_TO_POINTER (1)

/* Runs on the store thread with the open connection @db. Returns non-NULL
 * on success (TECHO_STORE_DONE or a value), NULL with @error set. */
typedef gpointer (*TechoStoreJobFunc) (TechoStore    *self,
                                       TechoSqlite   *db,
                                       gpointer       data,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* Queues @func and waits for it. @data is freed with @data_free after the
 * job ran. Returns the job's result (owned by the caller). */
gpointer techo_store_run_sync   (TechoStore           *self,
                                 TechoStoreJobFunc     func,
                                 gpointer              data,
                                 GDestroyNotify        data_free,
                                 GCancellable         *cancellable,
                                 GError              **error);
/* Queues @func; its result comes back through a GTask tagged
 * @source_tag, freed with @result_free if nobody takes it. */
void     techo_store_run_async  (TechoStore           *self,
                                 TechoStoreJobFunc     func,
                                 gpointer              data,
                                 GDestroyNotify        data_free,
                                 GDestroyNotify        result_free,
                                 gpointer              source_tag,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
gpointer techo_store_run_finish (TechoStore           *self,
                                 GAsyncResult         *result,
                                 gpointer              source_tag,
                                 GError              **error);

/* Emits TechoStore::consent-revoked in the calling thread. */
void     techo_store_emit_consent_revoked (TechoStore *self,
                                           gint64      consent_id);

/* Turns an error from techo-sqlite into a store error whose message a user
 * understands; corruption codes become TECHO_STORE_ERROR_CORRUPT. Takes
 * ownership of @sqlite_error. */
void     techo_store_propagate_error (GError     **error,
                                      GError      *sqlite_error,
                                      const char  *doing);

/* fsyncs the file or (@directory) folder at @path; a failure sets
 * TECHO_STORE_ERROR_DISK_FULL when the disk is full. In techo-store.c. */
gboolean techo_store_fsync_path      (const char  *path,
                                      gboolean     directory,
                                      GError     **error);

/* Sets TECHO_STORE_ERROR_NOT_FOUND for a profile id the store does not
 * hold. In techo-store-profiles.c. */
void     techo_store_set_no_profile  (GError     **error,
                                      gint64       profile_id);

/* Store thread only, inside a transaction. Adds one row to record_sources
 * (nothing when the same source is there); @out_source_id (nullable) gets
 * the new row's id, or 0 when it was there already. A dispensing's portal
 * source is implicit while it is the only one (no row: the dispensing's
 * origin, id and received_at say it, and techo_store_list_sources_*
 * reads it so): a portal source is then not written, and any other source writes the
 * portal's out first. */
gboolean techo_store_add_source   (TechoSqlite            *db,
                                   TechoCategory           category,
                                   gint64                  record_row,
                                   const char             *event,
                                   const TechoProvenance  *provenance,
                                   const char             *record_id,
                                   gint64                  import_id,
                                   gint64                 *out_source_id,
                                   GError                **error);
/* Store thread only, inside a transaction: the record_sources row of
 * @provenance and @record_id on checkup @checkup_row brought each of
 * @items (checkup_item_sources, by item code). Nothing when there is no
 * such source row. */
gboolean techo_store_add_item_sources (TechoSqlite            *db,
                                       gint64                  checkup_row,
                                       const TechoProvenance  *provenance,
                                       const char             *record_id,
                                       GPtrArray              *items,
                                       GError                **error);
/* Store thread only, before the portal's checkup @checkup is upserted: a
 * checkup imported from a file with the same person, date, institution
 * and values becomes that portal checkup's row (one row, two sources). */
gboolean techo_store_adopt_file_checkup (TechoSqlite          *db,
                                         gint64                profile_id,
                                         const TechoCheckup   *checkup,
                                         GError              **error);
/* Store thread only: replaces the items of checkup or screening @row_id. */
gboolean techo_store_write_items  (TechoSqlite            *db,
                                   TechoCategory           category,
                                   gint64                  row_id,
                                   GPtrArray              *items,
                                   GError                **error);
/* Store thread only, inside a transaction: the portal's upsert of one
 * record (insert if new, update if a higher revision), its items and its
 * source; rows it inserts carry @import_id (0: none). */
gboolean techo_store_write_record (TechoSqlite            *db,
                                   TechoCategory           category,
                                   gint64                  profile_id,
                                   gconstpointer           record,
                                   gint64                  received_at,
                                   gint64                  import_id,
                                   gint64                 *out_row,
                                   gboolean               *out_inserted,
                                   GError                **error);

/* The columns techo_store_read_dispensing reads, in its order (then any
 * the caller adds: column 23 on). */
#define TECHO_STORE_DISPENSING_COLUMNS \
  "id, revision, source, dispensed_on, prescribed_on, setting, pharmacy_code," \
  " pharmacy_name, prescriber_code, prescriber_name, prescriber_department," \
  " receipt_code, yj_code, drug_name, ingredient_name, quantity, unit, usage," \
  " days, dosage_form, origin, file_name, file_sha256"

/* techo-store-queries.c: a dispensing from a row of those columns. */
TechoDispensing *techo_store_read_dispensing (TechoSqliteStatement *s);

/* techo-store-notebook.c, for jobs on the store's thread: each dispensing's
 * notebook details (回分, 調剤, notes …) read into it; the notebook entries
 * of @profile_id, newest first. */
gboolean   techo_store_notebook_load_details (TechoStore    *self,
                                              TechoSqlite   *db,
                                              gint64         profile_id,
                                              GPtrArray     *dispensings,
                                              GCancellable  *cancellable,
                                              GError       **error);
GPtrArray *techo_store_notebook_list_entries (TechoStore    *self,
                                              TechoSqlite   *db,
                                              gint64         profile_id,
                                              GCancellable  *cancellable,
                                              GError       **error);

/* techo-store-notebook.c, inside the import's transaction: a dispensing's
 * JAHIS details beside the row @dispensing_id (details held already stay);
 * a notebook file's entries and parts (@n_changes counts the rows written);
 * and undoing import @import_id's notebook rows. */
gboolean   techo_store_notebook_write_details (TechoSqlite            *db,
                                               gint64                  profile_id,
                                               const char             *dispensing_id,
                                               const TechoDispensing  *d,
                                               gint64                  import_id,
                                               GError                **error);
gboolean   techo_store_notebook_write (TechoSqlite         *db,
                                       gint64               profile_id,
                                       TechoMergeNotebook  *notebook,
                                       gint64               import_id,
                                       guint               *n_changes,
                                       GError             **error);
gboolean   techo_store_notebook_undo  (TechoSqlite  *db,
                                       gint64        import_id,
                                       guint        *n_entries,
                                       guint        *n_parts,
                                       GError      **error);

G_END_DECLS
