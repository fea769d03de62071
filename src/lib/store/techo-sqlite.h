/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sqlite.h: a small wrapper around one SQLCipher connection and its
 * statements. Errors are GErrors in TECHO_SQLITE_ERROR whose code is the
 * sqlite result code (SQLITE_NOTADB, SQLITE_CORRUPT, …). Only the store
 * thread uses it; nothing here is thread-safe on its own. */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define TECHO_SQLITE_ERROR (techo_sqlite_error_quark ())

GQuark techo_sqlite_error_quark (void);

typedef struct _TechoSqlite          TechoSqlite;
typedef struct _TechoSqliteStatement TechoSqliteStatement;

/* Opens (creating if needed) the database at @path, read-write. */
TechoSqlite *techo_sqlite_open      (const char   *path,
                                     GError      **error);
/* Closes the connection, finalising the cached statements (free the
 * others first). */
void         techo_sqlite_close     (TechoSqlite  *db);
sqlite3     *techo_sqlite_get_handle (TechoSqlite *db);

/* Applies key material: "x'<64 hex digits>'" for a raw key, or a
 * passphrase for SQLCipher's KDF. Does not read the file. */
gboolean     techo_sqlite_key       (TechoSqlite  *db,
                                     const char   *key_material,
                                     GError      **error);
gboolean     techo_sqlite_rekey     (TechoSqlite  *db,
                                     const char   *key_material,
                                     GError      **error);

gboolean     techo_sqlite_exec      (TechoSqlite  *db,
                                     const char   *sql,
                                     GError      **error);
/* Runs a statement that yields one integer (a PRAGMA or count). */
gboolean     techo_sqlite_query_int64 (TechoSqlite *db,
                                       const char  *sql,
                                       gint64      *out_value,
                                       GError     **error);

gboolean     techo_sqlite_begin     (TechoSqlite  *db,
                                     GError      **error);
gboolean     techo_sqlite_commit    (TechoSqlite  *db,
                                     GError      **error);
/* Rolls back if a transaction is open; never fails loudly. */
void         techo_sqlite_rollback  (TechoSqlite  *db);

gint64       techo_sqlite_last_insert_rowid (TechoSqlite *db);
int          techo_sqlite_changes   (TechoSqlite  *db);

TechoSqliteStatement *techo_sqlite_prepare (TechoSqlite  *db,
                                            const char   *sql,
                                            GError      **error);
/* The connection's own copy of the statement for @sql, prepared on first
 * use and kept until the connection closes (or is rekeyed): for
 * statements run once per record. Free it as any other: a cached
 * statement is then reset, its bindings cleared, and kept for the next
 * caller. While one caller holds it, another gets a fresh, uncached
 * statement, so nesting is safe. */
TechoSqliteStatement *techo_sqlite_prepare_cached (TechoSqlite  *db,
                                                   const char   *sql,
                                                   GError      **error);
void         techo_sqlite_statement_free  (TechoSqliteStatement *statement);
gboolean     techo_sqlite_statement_reset (TechoSqliteStatement *statement,
                                           GError              **error);

/* Parameters are numbered from 1, as in sqlite. Text and blobs are
 * copied by sqlite (SQLITE_TRANSIENT). NULL text binds NULL. */
void         techo_sqlite_bind_text   (TechoSqliteStatement *statement,
                                       int                   index,
                                       const char           *text);
/* The same without a copy: @text must stay as it is until the statement
 * is stepped for the last time and freed or reset (a row's fields bound
 * for one step). */
void         techo_sqlite_bind_text_static (TechoSqliteStatement *statement,
                                            int                   index,
                                            const char           *text);
void         techo_sqlite_bind_int64  (TechoSqliteStatement *statement,
                                       int                   index,
                                       gint64                value);
void         techo_sqlite_bind_double (TechoSqliteStatement *statement,
                                       int                   index,
                                       double                value);
void         techo_sqlite_bind_blob   (TechoSqliteStatement *statement,
                                       int                   index,
                                       gconstpointer         data,
                                       gsize                 length);
void         techo_sqlite_bind_null   (TechoSqliteStatement *statement,
                                       int                   index);

/* Returns TRUE when a row is ready; FALSE when done (no error) or on
 * failure (@error set). */
gboolean     techo_sqlite_step        (TechoSqliteStatement *statement,
                                       GError              **error);
/* Steps a statement that returns no rows. */
gboolean     techo_sqlite_step_done   (TechoSqliteStatement *statement,
                                       GError              **error);

/* Prepares @sql, binds the values after @types as ?1, ?2, … by the
 * letters of @types ('i' a gint64, 's' a text or NULL, 'd' a double) and
 * runs it to its end: one statement that returns no rows, in one call. */
gboolean     techo_sqlite_run         (TechoSqlite          *db,
                                       GError              **error,
                                       const char           *sql,
                                       const char           *types,
                                       ...);

/* Columns are numbered from 0. */
char        *techo_sqlite_column_dup_text (TechoSqliteStatement *statement,
                                           int                   column);
const char  *techo_sqlite_column_text     (TechoSqliteStatement *statement,
                                           int                   column);
gint64       techo_sqlite_column_int64    (TechoSqliteStatement *statement,
                                           int                   column);
double       techo_sqlite_column_double   (TechoSqliteStatement *statement,
                                           int                   column);
gboolean     techo_sqlite_column_is_null  (TechoSqliteStatement *statement,
                                           int                   column);
GBytes      *techo_sqlite_column_bytes    (TechoSqliteStatement *statement,
                                           int                   column);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoSqliteStatement, techo_sqlite_statement_free)

G_END_DECLS
