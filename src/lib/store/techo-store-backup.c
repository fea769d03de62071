/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Backup to a new encrypted file (ATTACH … KEY + sqlcipher_export), checked
 * with integrity_check before success; restore after the same checks, by
 * an atomic rename over the store. Both run on the store thread. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-store.h"
#include "techo-store-private.h"
#include "techo-store-schema.h"

#define RESTORE_NAME "techo.db.restoring"

/* Opens the file at @path with the store's key and checks it whole. */
static gboolean
verify_copy (TechoStore  *self,
             const char  *path,
             int         *out_version,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TechoSqlite *db;
  gint64 version = 0;
  gboolean ok;

  db = techo_store_open_keyed (path, self->key_material, "backup", error);
  if (db == NULL)
    return FALSE;
  ok = techo_store_integrity_check (db, "backup", error);
  if (ok && !techo_sqlite_query_int64 (db, "PRAGMA user_version", &version, &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the backup's version");
      ok = FALSE;
    }
  techo_sqlite_close (db);
  if (ok && version > TECHO_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_TOO_NEW,
                   "The backup was made by a newer version of Techo (schema %d).",
                   (int) version);
      ok = FALSE;
    }
  if (ok && out_version != NULL)
    *out_version = version;
  return ok;
}

static int
backup_progress_cb (gpointer user_data)
{
  return g_cancellable_is_cancelled (user_data) ? 1 : 0;
}

static gpointer
backup_job (TechoStore    *self,
            TechoSqlite   *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  const char *path = data;
  g_autoptr(TechoSqliteStatement) attach = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *set_version = NULL;
  g_autofree char *parent = NULL;
  gboolean exported;
  int fd;

  /* Claim the name first (O_EXCL): a backup never overwrites a file. An
   * empty file is an empty database to SQLite. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, TECHO_STORE_ERROR,
                   saved_errno == EEXIST ? TECHO_STORE_ERROR_EXISTS
                   : saved_errno == ENOSPC ? TECHO_STORE_ERROR_DISK_FULL
                                           : TECHO_STORE_ERROR_FAILED,
                   saved_errno == EEXIST
                     ? "%s already exists; a backup never replaces a file. Choose another name."
                     : "The backup %s could not be created: %s",
                   path, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  attach = techo_sqlite_prepare (db, "ATTACH DATABASE ?1 AS backup KEY ?2", &local_error);
  if (attach != NULL)
    {
      techo_sqlite_bind_text (attach, 1, path);
      techo_sqlite_bind_text (attach, 2, self->key_material);
    }
  exported = attach != NULL && techo_sqlite_step_done (attach, &local_error);
  g_clear_pointer (&attach, techo_sqlite_statement_free);
  if (exported)
    {
      set_version = g_strdup_printf ("PRAGMA backup.user_version = %d",
                                     g_atomic_int_get (&self->schema_version));
      /* The export can take a while on a large store: let a cancel
       * interrupt it (SQLITE_INTERRUPT). */
      if (cancellable != NULL)
        sqlite3_progress_handler (techo_sqlite_get_handle (db), 1000,
                                  backup_progress_cb, cancellable);
      exported = techo_sqlite_exec (db, TECHO_STORE_CIPHER_SETTINGS_SQL ("backup."), &local_error) &&
                 techo_sqlite_exec (db, "SELECT sqlcipher_export ('backup')", &local_error) &&
                 techo_sqlite_exec (db, set_version, &local_error);
      sqlite3_progress_handler (techo_sqlite_get_handle (db), 0, NULL, NULL);
      techo_sqlite_exec (db, "DETACH DATABASE backup", NULL);
    }
  if (!exported)
    {
      g_unlink (path);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "write the backup");
      return NULL;
    }

  parent = g_path_get_dirname (path);
  if (!techo_store_fsync_path (path, FALSE, error) ||
      !techo_store_fsync_path (parent, TRUE, error) ||
      !verify_copy (self, path, NULL, error))
    {
      g_unlink (path);
      return NULL;
    }
  return TECHO_STORE_DONE;
}

static gboolean
copy_file_durably (const char  *from,
                   const char  *to,
                   GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  if (!g_file_get_contents (from, &contents, &length, &local_error) ||
      !g_file_set_contents_full (to, contents, length,
                                 G_FILE_SET_CONTENTS_DURABLE, 0600, &local_error))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The backup could not be copied into place: %s",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* A restore replaces the consent ledger with the backup's: a share that
 * is live now (a link or hosted share not revoked and not expired) would
 * lose its consent, its accesses and, for a hosted share, the token that
 * deletes it from the host. Such a restore waits until the share ends. */
static gboolean
check_no_live_share (TechoSqlite  *db,
                     GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  gint64 live;

  s = techo_sqlite_prepare (db,
                            "SELECT count(*) FROM consents WHERE method = 'share' "
                            "AND (revoked_at IS NULL OR revoked_at = 0) AND expires_at > ?1",
                            error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, techo_store_now ());
  if (!techo_sqlite_step (s, error))
    return FALSE;
  live = techo_sqlite_column_int64 (s, 0);
  if (live == 0)
    return TRUE;
  g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_SHARING,
               "%" G_GINT64_FORMAT " share(s) are live; restoring would erase their consent "
               "and accesses from the ledger. Stop them first (techo-cli consents --revoke ID, "
               "or Stop on the Sharing page), then restore. Nothing was changed.", live);
  return FALSE;
}

static gpointer
restore_job (TechoStore    *self,
             TechoSqlite   *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  const char *path = data;
  g_autofree char *staging = g_build_filename (self->data_dir, RESTORE_NAME, NULL);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);
  g_auto(TechoSecret) key_material = NULL;
  GError *local_error = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
                   "There is no backup file at %s.", path);
      return NULL;
    }

  /* Everything is checked before the store is touched. */
  if (!check_no_live_share (db, error))
    return NULL;
  if (!verify_copy (self, path, NULL, &local_error))
    {
      g_prefix_error (&local_error, "The backup was refused and your store was "
                                    "left as it was. ");
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!copy_file_durably (path, staging, error))
    {
      g_unlink (staging);
      return NULL;
    }
  if (!verify_copy (self, staging, NULL, error))
    {
      g_unlink (staging);
      return NULL;
    }

  /* Closing the last connection folds the WAL into the old file; the
   * rename then swaps the whole store at once. */
  key_material = g_steal_pointer (&self->key_material);
  techo_store_disconnect (self);
  g_unlink (wal);
  g_unlink (shm);
  if (g_rename (staging, self->path) != 0)
    {
      int saved_errno = errno;

      g_set_error (&local_error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The backup could not replace the store: %s",
                   g_strerror (saved_errno));
      g_unlink (staging);
    }
  else
    techo_store_fsync_path (self->data_dir, TRUE, NULL);

  /* Reopen either way: the restored store, or the old one if the rename
   * failed. */
  if (!techo_store_connect (self, key_material, local_error != NULL ? NULL : error))
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      return NULL;
    }
  self->key_material = g_steal_pointer (&key_material);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return TECHO_STORE_DONE;
}

gboolean
techo_store_backup_sync (TechoStore    *self,
                         const char    *path,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return techo_store_run_sync (self, backup_job, g_strdup (path), g_free,
                               cancellable, error) != NULL;
}

void
techo_store_backup_async (TechoStore          *self,
                          const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  techo_store_run_async (self, backup_job, g_strdup (path), g_free, NULL,
                         techo_store_backup_async, cancellable, callback, user_data);
}

gboolean
techo_store_backup_finish (TechoStore    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_backup_async, error) != NULL;
}

gboolean
techo_store_restore_sync (TechoStore    *self,
                          const char    *path,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  return techo_store_run_sync (self, restore_job, g_strdup (path), g_free,
                               cancellable, error) != NULL;
}

void
techo_store_restore_async (TechoStore          *self,
                           const char          *path,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  techo_store_run_async (self, restore_job, g_strdup (path), g_free, NULL,
                         techo_store_restore_async, cancellable, callback, user_data);
}

gboolean
techo_store_restore_finish (TechoStore    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_restore_async, error) != NULL;
}
