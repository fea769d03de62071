/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sqlite"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "techo-sqlite.h"

struct _TechoSqlite
{
  sqlite3 *handle;
  GHashTable *cache; /* SQL text → TechoSqliteStatement, owned */
};

struct _TechoSqliteStatement
{
  TechoSqlite *db;
  sqlite3_stmt *stmt;
  gboolean cached;   /* owned by db->cache: free resets it instead */
  gboolean in_use;
};

G_DEFINE_QUARK (techo-sqlite-error-quark, techo_sqlite_error)

static void
cached_statement_finalize (gpointer data)
{
  TechoSqliteStatement *statement = data;

  sqlite3_finalize (statement->stmt);
  g_free (statement);
}

/* Finalises the cached statements; one a caller still holds becomes an
 * ordinary statement, finalised when that caller frees it. */
static void
clear_cache (TechoSqlite *db)
{
  GHashTableIter iter;
  gpointer key, value;

  if (db->cache == NULL)
    return;
  g_hash_table_iter_init (&iter, db->cache);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TechoSqliteStatement *statement = value;

      if (statement->in_use)
        {
          statement->cached = FALSE;
          g_hash_table_iter_steal (&iter);
          g_free (key);
        }
      else
        g_hash_table_iter_remove (&iter);
    }
}

/* The GError code is the primary result code, so callers can compare it
 * with SQLITE_NOTADB, SQLITE_CORRUPT and friends. */
static void
set_error (TechoSqlite  *db,
           int           rc,
           GError      **error)
{
  const char *message = NULL;

  if (db != NULL && db->handle != NULL)
    message = sqlite3_errmsg (db->handle);
  if (message == NULL || *message == '\0')
    message = sqlite3_errstr (rc);
  g_set_error (error, TECHO_SQLITE_ERROR, rc & 0xff, "%s", message);
}

TechoSqlite *
techo_sqlite_open (const char  *path,
                   GError     **error)
{
  TechoSqlite *db = g_new0 (TechoSqlite, 1);
  int rc;

  rc = sqlite3_open_v2 (path, &db->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (db, rc, error);
      techo_sqlite_close (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, 0);
  sqlite3_busy_timeout (db->handle, 5000);
  return db;
}

void
techo_sqlite_close (TechoSqlite *db)
{
  if (db == NULL)
    return;
  clear_cache (db);
  g_clear_pointer (&db->cache, g_hash_table_unref);
  if (db->handle != NULL)
    {
      int rc = sqlite3_close (db->handle);

      if (rc != SQLITE_OK)
        {
          g_warning ("A statement was still open when the store closed (%s)",
                     sqlite3_errstr (rc));
          sqlite3_close_v2 (db->handle);
        }
    }
  g_free (db);
}

sqlite3 *
techo_sqlite_get_handle (TechoSqlite *db)
{
  return db->handle;
}

gboolean
techo_sqlite_key (TechoSqlite  *db,
                  const char   *key_material,
                  GError      **error)
{
  int rc = sqlite3_key (db->handle, key_material, strlen (key_material));

  if (rc != SQLITE_OK)
    {
      set_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_sqlite_rekey (TechoSqlite  *db,
                    const char   *key_material,
                    GError      **error)
{
  int rc;

  /* Rekeying rewrites every page; hold no statements across it. */
  clear_cache (db);
  rc = sqlite3_rekey (db->handle, key_material, strlen (key_material));

  if (rc != SQLITE_OK)
    {
      set_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_sqlite_exec (TechoSqlite  *db,
                   const char   *sql,
                   GError      **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db->handle, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, TECHO_SQLITE_ERROR, rc & 0xff, "%s",
                   message != NULL ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_sqlite_query_int64 (TechoSqlite  *db,
                          const char   *sql,
                          gint64       *out_value,
                          GError      **error)
{
  g_autoptr(TechoSqliteStatement) statement = NULL;
  GError *local_error = NULL;

  statement = techo_sqlite_prepare (db, sql, error);
  if (statement == NULL)
    return FALSE;
  if (!techo_sqlite_step (statement, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_set_error (error, TECHO_SQLITE_ERROR, SQLITE_ERROR,
                   "The query returned no row");
      return FALSE;
    }
  *out_value = techo_sqlite_column_int64 (statement, 0);
  return TRUE;
}

gboolean
techo_sqlite_begin (TechoSqlite  *db,
                    GError      **error)
{
  /* IMMEDIATE takes the write lock at once, so a transaction never fails
   * half-way for want of it. */
  return techo_sqlite_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
techo_sqlite_commit (TechoSqlite  *db,
                     GError      **error)
{
  return techo_sqlite_exec (db, "COMMIT", error);
}

void
techo_sqlite_rollback (TechoSqlite *db)
{
  if (!sqlite3_get_autocommit (db->handle))
    sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
}

gint64
techo_sqlite_last_insert_rowid (TechoSqlite *db)
{
  return sqlite3_last_insert_rowid (db->handle);
}

int
techo_sqlite_changes (TechoSqlite *db)
{
  return sqlite3_changes (db->handle);
}

TechoSqliteStatement *
techo_sqlite_prepare (TechoSqlite  *db,
                      const char   *sql,
                      GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  TechoSqliteStatement *statement;
  int rc;

  rc = sqlite3_prepare_v2 (db->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (db, rc, error);
      sqlite3_finalize (stmt);
      return NULL;
    }
  statement = g_new0 (TechoSqliteStatement, 1);
  statement->db = db;
  statement->stmt = stmt;
  return statement;
}

TechoSqliteStatement *
techo_sqlite_prepare_cached (TechoSqlite  *db,
                             const char   *sql,
                             GError      **error)
{
  TechoSqliteStatement *statement = NULL;

  if (db->cache == NULL)
    db->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       cached_statement_finalize);
  else
    statement = g_hash_table_lookup (db->cache, sql);

  if (statement != NULL && statement->in_use)
    return techo_sqlite_prepare (db, sql, error);
  if (statement == NULL)
    {
      statement = techo_sqlite_prepare (db, sql, error);
      if (statement == NULL)
        return NULL;
      statement->cached = TRUE;
      g_hash_table_insert (db->cache, g_strdup (sql), statement);
    }
  statement->in_use = TRUE;
  return statement;
}

void
techo_sqlite_statement_free (TechoSqliteStatement *statement)
{
  if (statement == NULL)
    return;
  if (statement->cached)
    {
      /* Back to the cache, holding no cursor and no copies of values. */
      sqlite3_reset (statement->stmt);
      sqlite3_clear_bindings (statement->stmt);
      statement->in_use = FALSE;
      return;
    }
  sqlite3_finalize (statement->stmt);
  g_free (statement);
}

gboolean
techo_sqlite_statement_reset (TechoSqliteStatement  *statement,
                              GError               **error)
{
  int rc = sqlite3_reset (statement->stmt);

  sqlite3_clear_bindings (statement->stmt);
  if (rc != SQLITE_OK)
    {
      set_error (statement->db, rc, error);
      return FALSE;
    }
  return TRUE;
}

void
techo_sqlite_bind_text (TechoSqliteStatement *statement,
                        int                   index,
                        const char           *text)
{
  if (text == NULL)
    sqlite3_bind_null (statement->stmt, index);
  else
    sqlite3_bind_text (statement->stmt, index, text, -1, SQLITE_TRANSIENT);
}

void
techo_sqlite_bind_text_static (TechoSqliteStatement *statement,
                               int                   index,
                               const char           *text)
{
  if (text == NULL)
    sqlite3_bind_null (statement->stmt, index);
  else
    sqlite3_bind_text (statement->stmt, index, text, -1, SQLITE_STATIC);
}

void
techo_sqlite_bind_int64 (TechoSqliteStatement *statement,
                         int                   index,
                         gint64                value)
{
  sqlite3_bind_int64 (statement->stmt, index, value);
}

void
techo_sqlite_bind_double (TechoSqliteStatement *statement,
                          int                   index,
                          double                value)
{
  sqlite3_bind_double (statement->stmt, index, value);
}

void
techo_sqlite_bind_blob (TechoSqliteStatement *statement,
                        int                   index,
                        gconstpointer         data,
                        gsize                 length)
{
  /* A zero-length blob is still a blob, not NULL. */
  sqlite3_bind_blob64 (statement->stmt, index, length > 0 ? data : "", length,
                       SQLITE_TRANSIENT);
}

void
techo_sqlite_bind_null (TechoSqliteStatement *statement,
                        int                   index)
{
  sqlite3_bind_null (statement->stmt, index);
}

gboolean
techo_sqlite_step (TechoSqliteStatement  *statement,
                   GError               **error)
{
  int rc = sqlite3_step (statement->stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    set_error (statement->db, rc, error);
  return FALSE;
}

gboolean
techo_sqlite_step_done (TechoSqliteStatement  *statement,
                        GError               **error)
{
  int rc = sqlite3_step (statement->stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  set_error (statement->db, rc, error);
  return FALSE;
}

gboolean
techo_sqlite_run (TechoSqlite  *db,
                  GError      **error,
                  const char   *sql,
                  const char   *types,
                  ...)
{
  g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare (db, sql, error);
  va_list args;

  if (s == NULL)
    return FALSE;
  va_start (args, types);
  for (int i = 0; types[i] != '\0'; i++)
    switch (types[i])
      {
      case 'i':
        techo_sqlite_bind_int64 (s, i + 1, va_arg (args, gint64));
        break;
      case 's':
        techo_sqlite_bind_text (s, i + 1, va_arg (args, const char *));
        break;
      case 'd':
        techo_sqlite_bind_double (s, i + 1, va_arg (args, double));
        break;
      default:
        g_assert_not_reached ();
      }
  va_end (args);
  return techo_sqlite_step_done (s, error);
}

const char *
techo_sqlite_column_text (TechoSqliteStatement *statement,
                          int                   column)
{
  return (const char *) sqlite3_column_text (statement->stmt, column);
}

char *
techo_sqlite_column_dup_text (TechoSqliteStatement *statement,
                              int                   column)
{
  return g_strdup (techo_sqlite_column_text (statement, column));
}

gint64
techo_sqlite_column_int64 (TechoSqliteStatement *statement,
                           int                   column)
{
  return sqlite3_column_int64 (statement->stmt, column);
}

double
techo_sqlite_column_double (TechoSqliteStatement *statement,
                            int                   column)
{
  return sqlite3_column_double (statement->stmt, column);
}

gboolean
techo_sqlite_column_is_null (TechoSqliteStatement *statement,
                             int                   column)
{
  return sqlite3_column_type (statement->stmt, column) == SQLITE_NULL;
}

GBytes *
techo_sqlite_column_bytes (TechoSqliteStatement *statement,
                           int                   column)
{
  const void *data;
  int length;

  if (techo_sqlite_column_is_null (statement, column))
    return NULL;
  data = sqlite3_column_blob (statement->stmt, column);
  length = sqlite3_column_bytes (statement->stmt, column);
  return g_bytes_new (data, length);
}
