/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's file format across SQLCipher releases. Debian 12 ships
 * SQLCipher 3.4, Debian 13 SQLCipher 4.6. SQLCipher 4 does not open a 3.x
 * file with its defaults (HMAC-SHA512 and PBKDF2-HMAC-SHA512 instead of
 * SHA-1), and SQLCipher 3.4 cannot read a 4.x file at all.
 *
 * On SQLCipher >= 4 a 3.x store is opened with the 3.x settings
 * (PRAGMA cipher_compatibility = 3) and migrated in place, once:
 *
 *   1. the old file is made self-contained and held: its WAL folded in
 *      (journal_mode = DELETE) and an exclusive lock kept until the end,
 *      so no other program writes to it meanwhile;
 *   2. a copy in the 4.x format is written beside it (techo.db.migrating,
 *      sqlcipher_export), with the same user_version and an audit row
 *      saying what happened;
 *   3. the copy is synced, reopened with the 4.x settings only and
 *      checked: integrity_check, user_version, and every table's row count
 *      against the old file's;
 *   4. techo.cipher records the format, and a rename puts the copy over
 *      the store at once; the folder is synced.
 *
 * A kill before the rename leaves the old store whole (and a copy that
 * the next open removes before starting again); after it, the new one.
 * techo.cipher lets SQLCipher 3.4 tell a 4.x store from a wrong key and
 * refuse it with its own message; it never writes to such a file. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "techo-store.h"
#include "techo-store-private.h"

/* The audit log's action for a format migration. */
#define AUDIT_ACTION "store-format"

static int
parse_major (const char *text)
{
  guint64 major = 0;

  if (text == NULL || !g_ascii_isdigit (*text))
    return 0;
  major = g_ascii_strtoull (text, NULL, 10);
  return major > 99 ? 0 : (int) major;
}

static char *
cipher_version_string (void)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  char *version = NULL;

  if (sqlite3_open_v2 (":memory:", &handle, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (handle, "PRAGMA cipher_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return version;
}

int
techo_store_cipher_major (void)
{
  static gsize major = 0;

  if (g_once_init_enter (&major))
    {
      g_autofree char *version = cipher_version_string ();
      int value = parse_major (version);

      /* Not SQLCipher at all would be a packaging error; 3 is the
       * cautious answer (no migration is tried). */
      g_once_init_leave (&major, (gsize) (value > 0 ? value : 3));
    }
  return (int) major;
}

int
techo_store_cipher_marker_major (const char *data_dir)
{
  g_autofree char *path = g_build_filename (data_dir, TECHO_STORE_CIPHER_MARKER_NAME, NULL);
  g_autofree char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  return parse_major (contents);
}

gboolean
techo_store_cipher_write_marker (const char  *data_dir,
                                 GError     **error)
{
  g_autofree char *path = g_build_filename (data_dir, TECHO_STORE_CIPHER_MARKER_NAME, NULL);
  g_autofree char *contents = g_strdup_printf ("%d\n", techo_store_cipher_major ());
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, TECHO_STORE_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOSPC)
                     ? TECHO_STORE_ERROR_DISK_FULL : TECHO_STORE_ERROR_FAILED,
                   "The store's format could not be recorded: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

void
techo_store_cipher_remove_leftovers (const char *path)
{
  g_autofree char *staging = g_strconcat (path, TECHO_STORE_MIGRATING_SUFFIX, NULL);
  g_autofree char *journal = g_strconcat (staging, "-journal", NULL);

  g_unlink (journal);
  g_unlink (staging);
}

/* One text answer of @sql on @db (a PRAGMA); NULL with @error set. */
static char *
query_text (TechoSqlite  *db,
            const char   *sql,
            GError      **error)
{
  g_autoptr(TechoSqliteStatement) statement = NULL;
  GError *local_error = NULL;

  statement = techo_sqlite_prepare (db, sql, error);
  if (statement == NULL)
    return NULL;
  if (!techo_sqlite_step (statement, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, TECHO_SQLITE_ERROR, SQLITE_ERROR,
                     "%s returned no row", sql);
      g_propagate_error (error, local_error);
      return NULL;
    }
  return techo_sqlite_column_dup_text (statement, 0);
}

/* The names of @db's own tables, sorted. */
static GPtrArray *
table_names (TechoSqlite  *db,
             GError      **error)
{
  g_autoptr(TechoSqliteStatement) statement = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;

  statement = techo_sqlite_prepare (db,
                                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                    error);
  if (statement == NULL)
    return NULL;
  while (techo_sqlite_step (statement, &local_error))
    {
      const char *name = techo_sqlite_column_text (statement, 0);

      /* Our schema's names are plain identifiers; anything else is not a
       * Techo table and is not counted by quoting games. */
      if (name == NULL || strpbrk (name, "\"'") != NULL)
        {
          g_set_error (error, TECHO_SQLITE_ERROR, SQLITE_CORRUPT,
                       "The store holds a table with an unexpected name");
          return NULL;
        }
      g_ptr_array_add (names, g_strdup (name));
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&names);
}

static gboolean
count_rows (TechoSqlite  *db,
            const char   *table,
            gint64       *out_count,
            GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table);

  return techo_sqlite_query_int64 (db, sql, out_count, error);
}

/* Step 3: the copy at @staging opens with this SQLCipher's own settings,
 * is whole, and holds what @old holds (plus the one audit row). */
static gboolean
verify_copy (TechoSqlite  *old,
             const char   *staging,
             const char   *key_material,
             gint64        version,
             gint64       *out_rows,
             guint        *out_tables,
             GError      **error)
{
  g_autoptr(GPtrArray) old_tables = NULL;
  g_autoptr(GPtrArray) new_tables = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean legacy = FALSE;
  gboolean ok = FALSE;
  gint64 new_version = -1, rows = 0;
  TechoSqlite *copy;

  copy = techo_store_open_keyed_full (staging, key_material, "store's new copy",
                                      &legacy, error);
  if (copy == NULL)
    return FALSE;
  if (legacy)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The store's new copy was written in the old format; the "
                   "store was left as it was.");
      goto out;
    }
  if (!techo_store_integrity_check (copy, "store's new copy", error))
    goto out;

  old_tables = table_names (old, &local_error);
  if (old_tables != NULL)
    new_tables = table_names (copy, &local_error);
  if (new_tables == NULL ||
      !techo_sqlite_query_int64 (copy, "PRAGMA user_version", &new_version, &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "check its new copy");
      goto out;
    }
  if (new_version != version || old_tables->len != new_tables->len)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The store's new copy does not match it (version %" G_GINT64_FORMAT
                   " for %" G_GINT64_FORMAT ", %u tables for %u); the store was "
                   "left as it was.", new_version, version,
                   new_tables->len, old_tables->len);
      goto out;
    }
  for (guint i = 0; i < old_tables->len; i++)
    {
      const char *table = old_tables->pdata[i];
      gint64 before = -1, after = -1;

      if (g_strcmp0 (table, new_tables->pdata[i]) != 0 ||
          !count_rows (old, table, &before, &local_error) ||
          !count_rows (copy, table, &after, &local_error))
        {
          if (local_error != NULL)
            techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                         "check its new copy");
          else
            g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                         "The store's new copy lacks the table %s; the store was "
                         "left as it was.", table);
          goto out;
        }
      if (g_strcmp0 (table, "audit_log") == 0)
        before++;
      if (before != after)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                       "The store's new copy holds %" G_GINT64_FORMAT " rows of %s "
                       "for %" G_GINT64_FORMAT "; the store was left as it was.",
                       after, table, before);
          goto out;
        }
      rows += after;
    }
  *out_rows = rows;
  *out_tables = old_tables->len;
  ok = TRUE;

out:
  techo_sqlite_close (copy);
  return ok;
}

/* Step 2: the old file's contents, exported into @staging in this
 * SQLCipher's format, with the audit row. */
static gboolean
write_copy (TechoSqlite  *old,
            const char   *staging,
            const char   *key_material,
            gint64        version,
            GError      **error)
{
  g_autoptr(TechoSqliteStatement) statement = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *set_version = NULL;
  g_autofree char *cipher = NULL;
  g_autofree char *detail = NULL;
  gboolean ok;

  statement = techo_sqlite_prepare (old, "ATTACH DATABASE ?1 AS migrating KEY ?2",
                                    &local_error);
  if (statement != NULL)
    {
      techo_sqlite_bind_text (statement, 1, staging);
      techo_sqlite_bind_text (statement, 2, key_material);
    }
  ok = statement != NULL && techo_sqlite_step_done (statement, &local_error);
  g_clear_pointer (&statement, techo_sqlite_statement_free);
  if (!ok)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "start its new copy");
      return FALSE;
    }

  set_version = g_strdup_printf ("PRAGMA migrating.user_version = %" G_GINT64_FORMAT,
                                 version);
  cipher = query_text (old, "PRAGMA cipher_version", NULL);
  detail = g_strdup_printf ("The store was moved from the SQLCipher 3 file format "
                            "to the SQLCipher %s format (a checked copy, then an "
                            "atomic swap).", cipher != NULL ? cipher : "4");
  ok = techo_sqlite_exec (old,
                          "PRAGMA migrating.cipher_compatibility = 4;"
                          TECHO_STORE_CIPHER_SETTINGS_SQL ("migrating."),
                          &local_error) &&
       techo_sqlite_exec (old, "SELECT sqlcipher_export ('migrating')", &local_error) &&
       techo_sqlite_exec (old, set_version, &local_error);
  if (ok)
    {
      statement = techo_sqlite_prepare (old,
                                        "INSERT INTO migrating.audit_log (at, action, detail)"
                                        " VALUES (?1, ?2, ?3)", &local_error);
      if (statement != NULL)
        {
          techo_sqlite_bind_int64 (statement, 1, techo_store_now ());
          techo_sqlite_bind_text (statement, 2, AUDIT_ACTION);
          techo_sqlite_bind_text (statement, 3, detail);
        }
      ok = statement != NULL && techo_sqlite_step_done (statement, &local_error);
      g_clear_pointer (&statement, techo_sqlite_statement_free);
    }
  techo_sqlite_exec (old, "DETACH DATABASE migrating", NULL);
  if (!ok)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "write its new copy");
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_store_cipher_migrate (TechoStore   *self,
                            TechoSqlite  *legacy_db,
                            const char   *key_material,
                            GError      **error)
{
  g_autofree char *staging = g_strconcat (self->path, TECHO_STORE_MIGRATING_SUFFIX, NULL);
  g_autofree char *journal = g_strconcat (self->path, "-journal", NULL);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *mode = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 version = 0, rows = 0;
  guint tables = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (techo_store_cipher_major () >= 4, FALSE);

  /* A copy a killed migration left is never trusted: start again. */
  techo_store_cipher_remove_leftovers (self->path);

  /* 1. Fold the WAL into the file (this needs every other connection
   * gone) and keep the file locked until it has been replaced. */
  mode = query_text (legacy_db, "PRAGMA journal_mode = DELETE", &local_error);
  if (mode == NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "be moved to the new file format");
      goto out;
    }
  if (g_ascii_strcasecmp (mode, "delete") != 0)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_BUSY,
                   "Another Techo program is using the store, so it could not "
                   "be moved to the new file format. Close it and try again.");
      goto out;
    }
  if (!techo_sqlite_exec (legacy_db,
                          "PRAGMA locking_mode = EXCLUSIVE;"
                          "BEGIN EXCLUSIVE; COMMIT;", &local_error) ||
      !techo_sqlite_query_int64 (legacy_db, "PRAGMA user_version", &version, &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "be moved to the new file format");
      goto out;
    }

  /* 2 and 3. */
  if (!write_copy (legacy_db, staging, key_material, version, error) ||
      !techo_store_fsync_path (staging, FALSE, error) ||
      !verify_copy (legacy_db, staging, key_material, version, &rows, &tables, error))
    goto out;

  /* 4. The old file must not have a journal a later open would replay
   * onto the new one. */
  if (g_file_test (journal, G_FILE_TEST_EXISTS) || g_file_test (wal, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_BUSY,
                   "The store is still being written to, so it was not moved to "
                   "the new file format. Close other Techo programs and try again.");
      goto out;
    }
  if (!techo_store_cipher_write_marker (self->data_dir, error))
    goto out;
  if (g_rename (staging, self->path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The store's new copy could not replace it: %s; the store "
                   "was left as it was.", g_strerror (saved_errno));
      goto out;
    }
  /* The swap is done: a failing folder sync is no reason to undo it. */
  techo_store_fsync_path (self->data_dir, TRUE, NULL);
  g_debug ("The store was moved to the SQLCipher %d file format "
           "(%" G_GINT64_FORMAT " rows in %u tables checked).",
           techo_store_cipher_major (), rows, tables);
  ok = TRUE;

out:
  techo_sqlite_close (legacy_db);
  if (!ok)
    techo_store_cipher_remove_leftovers (self->path);
  return ok;
}
