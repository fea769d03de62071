/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-thread.h"
#include "techo-store.h"
#include "techo-store-private.h"
#include "techo-store-schema.h"

#define DB_NAME      "techo.db"
#define MODE_NAME    "techo.mode"
#define KEY_BYTES    32

G_DEFINE_FINAL_TYPE (TechoStore, techo_store, G_TYPE_OBJECT)

enum {
  CONSENT_REVOKED,
  N_SIGNALS
};

static guint techo_store_signals[N_SIGNALS];

G_DEFINE_QUARK (techo-store-error-quark, techo_store_error)

typedef struct
{
  TechoStoreJobFunc func;
  gboolean requires_open;
  gboolean quit;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
  GCancellable *cancellable;

  GTask *task; /* async jobs */

  GMutex mutex; /* sync jobs */
  GCond cond;
  gboolean done;
  gpointer result;
  GError *error;
} Job;

static Job *
job_new (TechoStoreJobFunc  func,
         gboolean           requires_open,
         gpointer           data,
         GDestroyNotify     data_free,
         GCancellable      *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->func = func;
  job->requires_open = requires_open;
  job->data = data;
  job->data_free = data_free;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  return job;
}

static void
job_free (Job *job)
{
  if (job->data_free != NULL && job->data != NULL)
    job->data_free (job->data);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->task);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

static gboolean
unref_task_cb (gpointer user_data)
{
  g_object_unref (user_data);
  return G_SOURCE_REMOVE;
}

void
techo_store_disconnect (TechoStore *self)
{
  if (self->db != NULL)
    {
      /* The last connection to close checkpoints and removes the WAL. */
      techo_sqlite_close (self->db);
      self->db = NULL;
    }
  g_clear_pointer (&self->key_material, techo_wipe_free);
  g_atomic_int_set (&self->is_open, FALSE);
}

static void
run_job (TechoStore *self,
         Job        *job)
{
  GError *error = NULL;
  gpointer result = NULL;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    ;
  else if (job->requires_open && self->db == NULL)
    g_set_error_literal (&error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_OPEN,
                         "The store is not open");
  else
    {
      result = job->func (self, self->db, job->data, job->cancellable, &error);
      if (result == NULL && error == NULL)
        g_set_error_literal (&error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                             "The store could not finish the request");
    }
  if (error != NULL && result != NULL && job->result_free != NULL)
    g_clear_pointer (&result, job->result_free);

  if (job->data_free != NULL && job->data != NULL)
    g_clear_pointer (&job->data, job->data_free);

  if (job->task != NULL)
    {
      GTask *task = g_steal_pointer (&job->task);
      GSource *source;

      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, result, job->result_free);

      /* Drop our reference on the task's own context: the task holds the
       * store, and the last reference to the store must never go on this
       * thread (dispose joins it). */
      source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_LOW);
      g_source_set_callback (source, unref_task_cb, task, NULL);
      g_source_attach (source, g_task_get_context (task));
      g_source_unref (source);
      job_free (job);
      return;
    }

  g_mutex_lock (&job->mutex);
  job->result = result;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);
}

static gpointer
store_thread (gpointer user_data)
{
  TechoStore *self = user_data;

  for (;;)
    {
      Job *job = g_async_queue_pop (self->queue);

      if (job->quit)
        {
          techo_store_disconnect (self);
          job_free (job);
          break;
        }
      run_job (self, job);
    }
  return NULL;
}

static gpointer
queue_and_wait (TechoStore    *self,
                Job           *job,
                GError       **error)
{
  gpointer result;

  g_return_val_if_fail (g_thread_self () != self->thread, NULL);
  /* Every _sync entry point comes through here: the app's main thread
   * must use the _async forms. */
  techo_assert_not_main_thread ();

  g_async_queue_push (self->queue, job);
  g_mutex_lock (&job->mutex);
  while (!job->done)
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);

  result = job->result;
  if (job->error != NULL)
    g_propagate_error (error, g_steal_pointer (&job->error));
  job_free (job);
  return result;
}

void
techo_store_propagate_error (GError     **error,
                             GError      *sqlite_error,
                             const char  *doing)
{
  if (sqlite_error->domain != TECHO_SQLITE_ERROR)
    {
      g_propagate_error (error, sqlite_error);
      return;
    }

  switch (sqlite_error->code)
    {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_NOMEM: /* SQLCipher 3.x reports a page failing its HMAC so */
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT,
                   "The store is damaged and could not %s (%s). Restore it "
                   "from a backup; nothing damaged was used.",
                   doing, sqlite_error->message);
      break;
    case SQLITE_FULL:
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_DISK_FULL,
                   "The disk is full, so the store could not %s. Nothing was "
                   "changed.", doing);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_BUSY,
                   "Another Techo program is using the store, so it could not "
                   "%s. Close it and try again.", doing);
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                   "The store refused to %s: %s", doing, sqlite_error->message);
      break;
    default:
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The store could not %s: %s", doing, sqlite_error->message);
      break;
    }
  g_error_free (sqlite_error);
}

/* Tightens a file we own to 0600 if it exists. */
static void
restrict_file (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) == 0 && (st.st_mode & 077) != 0)
    g_chmod (path, 0600);
}

static void
restrict_store_files (TechoStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (self->path, "-shm", NULL);

  restrict_file (self->path);
  restrict_file (wal);
  restrict_file (shm);
}

gboolean
techo_store_fsync_path (const char  *path,
                        gboolean     directory,
                        GError     **error)
{
  int fd = g_open (path, (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC, 0);
  int saved_errno;

  if (fd >= 0 && fsync (fd) == 0)
    {
      close (fd);
      return TRUE;
    }
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_set_error (error, TECHO_STORE_ERROR,
               saved_errno == ENOSPC ? TECHO_STORE_ERROR_DISK_FULL : TECHO_STORE_ERROR_FAILED,
               "%s could not be written to disk: %s", path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_mode_marker (TechoStore      *self,
                   TechoStoreMode   mode,
                   GError         **error)
{
  g_autofree char *path = g_build_filename (self->data_dir, MODE_NAME, NULL);
  g_autofree char *contents = g_strdup_printf ("%s\n", techo_store_mode_to_string (mode));
  g_autoptr(GError) local_error = NULL;

  if (!g_file_set_contents_full (path, contents, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT |
                                 G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The store's mode could not be saved: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

static char *
raw_key_material (const char *hex)
{
  return g_strdup_printf ("x'%s'", hex);
}

static gboolean
is_key_hex (const char *hex)
{
  if (strlen (hex) != KEY_BYTES * 2)
    return FALSE;
  for (const char *p = hex; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

static char *
new_key_hex (GError **error)
{
  guint8 key[KEY_BYTES];
  char *hex;

  if (!techo_random_bytes (key, sizeof key, error))
    return NULL;
  hex = techo_hex_encode (key, sizeof key);
  techo_wipe (key, sizeof key);
  return hex;
}

/* No room left (under 64 KiB for the user) in the folder of @path. */
static gboolean
folder_is_full (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  struct statvfs st;

  if (statvfs (dir, &st) != 0)
    return FALSE;
  return (guint64) st.f_bavail * st.f_frsize < 64 * 1024;
}

static gboolean
file_size_fits_pages (const char *path)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    return TRUE;
  return st.st_size % 4096 == 0;
}

/* What a user can do about a damaged file: the store is mended from a
 * backup; a damaged backup can only be replaced by another. */
static const char *
damage_advice (const char *what)
{
  if (g_strcmp0 (what, "backup") == 0)
    return "Use another backup; nothing was changed.";
  return "Restore it from a backup; nothing was changed.";
}

/* Opens and keys @path; @legacy sends SQLCipher 3.x's settings first
 * (SQLCipher >= 4 only). Reads the schema once: a wrong key (or the wrong
 * format) shows up only at that read, as *@out_read_error. */
static TechoSqlite *
open_attempt (const char  *path,
              const char  *key_material,
              const char  *what,
              gboolean     legacy,
              GError     **out_read_error,
              GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TechoSqlite *db;
  gint64 count = 0;

  db = techo_sqlite_open (path, &local_error);
  if (db == NULL)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The %s %s could not be opened: %s", what, path,
                   local_error->message);
      return NULL;
    }
  if (!techo_sqlite_key (db, key_material, &local_error) ||
      (legacy && !techo_sqlite_exec (db, "PRAGMA cipher_compatibility = 3", &local_error)) ||
      !techo_sqlite_exec (db, TECHO_STORE_CIPHER_SETTINGS_SQL (""), &local_error))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "The %s could not be keyed: %s", what, local_error->message);
      techo_sqlite_close (db);
      return NULL;
    }
  if (!techo_sqlite_query_int64 (db, "SELECT count(*) FROM sqlite_master",
                                 &count, out_read_error))
    {
      techo_sqlite_close (db);
      return NULL;
    }
  return db;
}

TechoSqlite *
techo_store_open_keyed_full (const char  *path,
                             const char  *key_material,
                             const char  *what,
                             gboolean    *out_legacy,
                             GError     **error)
{
  g_autoptr(GError) read_error = NULL;
  TechoSqlite *db;

  if (out_legacy != NULL)
    *out_legacy = FALSE;
  db = open_attempt (path, key_material, what, FALSE, &read_error, error);
  if (db != NULL)
    return db;
  if (read_error == NULL)
    return NULL;

  /* SQLCipher 4 reads a 3.x file only with the 3.x settings; a file that
   * opens neither way is reported as the first attempt failed. */
  if (read_error->code == SQLITE_NOTADB && techo_store_cipher_major () >= 4)
    {
      g_autoptr(GError) legacy_read_error = NULL;

      db = open_attempt (path, key_material, what, TRUE, &legacy_read_error, NULL);
      if (db != NULL)
        {
          if (out_legacy != NULL)
            *out_legacy = TRUE;
          return db;
        }
    }

  /* A full disk at open: SQLite cannot make the -wal/-shm files or write
   * the WAL header, and says "disk I/O error" or "database or disk is
   * full". Nothing is damaged; say what is wrong. */
  if ((read_error->code == SQLITE_IOERR || read_error->code == SQLITE_FULL
       || read_error->code == SQLITE_CANTOPEN)
      && folder_is_full (path))
    g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_DISK_FULL,
                 "The disk holding the %s is full, so it could not be opened (%s). Free "
                 "some space and try again; nothing was changed.", what,
                 read_error->message);
  /* Page 1 failing to decrypt looks the same for a wrong key and for a
   * damaged first page; a size that is not whole pages means damage. */
  else if (read_error->code == SQLITE_NOTADB && file_size_fits_pages (path))
    g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY,
                 "The key does not open this %s. If you changed the "
                 "passphrase, use the new one; if the file was damaged, "
                 "restore a backup. Nothing was changed.", what);
  else
    g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT,
                 "The %s is damaged and cannot be read (%s). %s", what,
                 read_error->message, damage_advice (what));
  return NULL;
}

TechoSqlite *
techo_store_open_keyed (const char  *path,
                        const char  *key_material,
                        const char  *what,
                        GError     **error)
{
  return techo_store_open_keyed_full (path, key_material, what, NULL, error);
}

gboolean
techo_store_integrity_check (TechoSqlite  *db,
                     const char   *what,
                     GError      **error)
{
  g_autoptr(TechoSqliteStatement) statement = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *first;

  statement = techo_sqlite_prepare (db, "PRAGMA integrity_check", &local_error);
  if (statement != NULL && techo_sqlite_step (statement, &local_error))
    {
      first = techo_sqlite_column_text (statement, 0);
      if (g_strcmp0 (first, "ok") == 0)
        return TRUE;
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT,
                   "The %s is damaged (%s). %s",
                   what, first != NULL ? first : "no answer", damage_advice (what));
      return FALSE;
    }
  if (local_error == NULL)
    g_set_error_literal (&local_error, TECHO_SQLITE_ERROR, SQLITE_CORRUPT,
                         "integrity_check gave no answer");
  if (local_error->code == SQLITE_NOTADB || local_error->code == SQLITE_CORRUPT ||
      local_error->code == SQLITE_NOMEM || local_error->code == SQLITE_ERROR)
    g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT,
                 "The %s is damaged (%s). %s",
                 what, local_error->message, damage_advice (what));
  else
    techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                 "check itself");
  return FALSE;
}

gboolean
techo_store_connect (TechoStore  *self,
               const char  *key_material,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  TechoSqlite *db;
  gboolean legacy = FALSE;
  int version = 0;

  db = techo_store_open_keyed_full (self->path, key_material, "store", &legacy,
                                    &local_error);
  /* SQLCipher 3.4 cannot read a store SQLCipher 4 wrote; the marker beside
   * it tells that apart from a wrong key. Nothing is written. */
  if (db == NULL &&
      g_error_matches (local_error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY) &&
      techo_store_cipher_major () < 4 &&
      techo_store_cipher_marker_major (self->data_dir) >= 4)
    {
      g_clear_error (&local_error);
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NEWER_CIPHER,
                   "The store was written by SQLCipher %d (as on Debian 13), "
                   "which this system's SQLCipher %d cannot read. Open it "
                   "where it was written, or restore a backup made on this "
                   "system. Nothing was changed.",
                   techo_store_cipher_marker_major (self->data_dir),
                   techo_store_cipher_major ());
      return FALSE;
    }
  if (db == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (legacy)
    {
      /* Written by SQLCipher 3.x (Debian 12): moved to this SQLCipher's
       * format once, in place, before anything else touches it. */
      if (!techo_store_cipher_migrate (self, db, key_material, error))
        return FALSE;
      db = techo_store_open_keyed_full (self->path, key_material, "store", &legacy,
                                        error);
      if (db == NULL)
        return FALSE;
      g_assert (!legacy);
    }
  else if (techo_store_cipher_major () >= 4)
    {
      techo_store_cipher_remove_leftovers (self->path);
      if (techo_store_cipher_marker_major (self->data_dir) != techo_store_cipher_major () &&
          !techo_store_cipher_write_marker (self->data_dir, &local_error))
        {
          /* Only a message on SQLCipher 3.4 depends on it. */
          g_debug ("%s", local_error->message);
          g_clear_error (&local_error);
        }
    }

  if (!techo_sqlite_exec (db,
                          "PRAGMA journal_mode = WAL;"
                          "PRAGMA synchronous = FULL;"
                          "PRAGMA foreign_keys = ON;"
                          "PRAGMA temp_store = MEMORY;"
                          "PRAGMA secure_delete = ON;", &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "be set up");
      techo_sqlite_close (db);
      return FALSE;
    }

  if (!techo_store_schema_migrate (db, NULL, 0, &version, &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "be upgraded");
      techo_sqlite_close (db);
      return FALSE;
    }

  self->db = db;
  restrict_store_files (self);
  g_atomic_int_set (&self->schema_version, version);
  g_atomic_int_set (&self->is_open, TRUE);
  return TRUE;
}

/* Sets TECHO_STORE_ERROR_KEYRING_UNAVAILABLE (or passes a cancellation
 * on) and takes @cause, which may be NULL. Returns NULL for the job. */
static gpointer
keyring_unavailable (GError     **error,
                     GError      *cause)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, cause);
      return NULL;
    }
  g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_KEYRING_UNAVAILABLE,
               "The keyring is locked or unavailable, so the key to your store "
               "cannot be read. Unlock the keyring (log in again) and retry; "
               "your data is untouched.%s%s%s",
               cause != NULL ? " (" : "",
               cause != NULL ? cause->message : "",
               cause != NULL ? ")" : "");
  g_clear_error (&cause);
  return NULL;
}

/* ---- jobs --------------------------------------------------------------- */

static gpointer
open_job (TechoStore    *self,
          TechoSqlite   *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  const char *passphrase = data;
  g_auto(TechoSecret) key_material = NULL;
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;
  GError *local_error = NULL;
  gboolean existed;

  if (self->db != NULL)
    return TECHO_STORE_DONE;

  umask (077);
  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, TECHO_STORE_ERROR,
                   saved_errno == ENOSPC ? TECHO_STORE_ERROR_DISK_FULL : TECHO_STORE_ERROR_FAILED,
                   "The folder %s could not be created: %s", self->data_dir,
                   g_strerror (saved_errno));
      return NULL;
    }
  g_chmod (self->data_dir, 0700);

  existed = techo_store_exists_at (self->data_dir, &mode);
  if (existed && mode == TECHO_STORE_MODE_PASSPHRASE)
    {
      if (passphrase == NULL || *passphrase == '\0')
        {
          g_set_error_literal (error, TECHO_STORE_ERROR,
                               TECHO_STORE_ERROR_PASSPHRASE_REQUIRED,
                               "This store is protected by a passphrase; enter "
                               "it to open the store.");
          return NULL;
        }
      key_material = g_strdup (passphrase);
    }
  else if (existed)
    {
      g_auto(TechoSecret) hex = NULL;

      hex = techo_vault_lookup_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                       DB_NAME, cancellable, &local_error);
      /* Nothing from the keyring while a store exists means a locked or
       * missing keyring, never a first run: no new key over the data. */
      if (hex == NULL)
        return keyring_unavailable (error, local_error);
      if (!is_key_hex (hex))
        {
          g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY,
                               "The keyring holds something that is not a Techo "
                               "key for this store. Nothing was changed.");
          return NULL;
        }
      key_material = raw_key_material (hex);
    }
  else if (passphrase != NULL)
    {
      if (*passphrase == '\0')
        {
          g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                               "The passphrase is empty; choose one.");
          return NULL;
        }
      mode = TECHO_STORE_MODE_PASSPHRASE;
      if (!write_mode_marker (self, mode, error))
        return NULL;
      key_material = g_strdup (passphrase);
    }
  else
    {
      g_auto(TechoSecret) hex = new_key_hex (error);

      if (hex == NULL)
        return NULL;
      if (!techo_vault_store_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                     DB_NAME, hex, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_propagate_error (error, local_error);
              return NULL;
            }
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_KEYRING_UNAVAILABLE,
                       "The keyring is locked or unavailable, so no key could be "
                       "kept for a new store. Unlock it, or protect the store "
                       "with a passphrase instead. (%s)", local_error->message);
          g_error_free (local_error);
          return NULL;
        }
      if (!write_mode_marker (self, mode, error))
        return NULL;
      key_material = raw_key_material (hex);
    }

  if (!techo_store_connect (self, key_material, error))
    return NULL;
  self->key_material = g_steal_pointer (&key_material);
  g_atomic_int_set (&self->mode, mode);
  return TECHO_STORE_DONE;
}

static gpointer
close_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  techo_store_disconnect (self);
  return TECHO_STORE_DONE;
}

static gpointer
erase_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal", ".restoring",
                             TECHO_STORE_MIGRATING_SUFFIX,
                             TECHO_STORE_MIGRATING_SUFFIX "-journal" };
  g_autofree char *marker = g_build_filename (self->data_dir, MODE_NAME, NULL);
  g_autofree char *cipher_marker = g_build_filename (self->data_dir,
                                                     TECHO_STORE_CIPHER_MARKER_NAME, NULL);

  techo_store_disconnect (self);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (self->path, suffixes[i], NULL);

      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                       "%s could not be deleted: %s", path, g_strerror (saved_errno));
          return NULL;
        }
    }
  g_unlink (marker);
  g_unlink (cipher_marker);
  techo_store_fsync_path (self->data_dir, TRUE, NULL);

  if (!techo_vault_clear_all (self->vault, cancellable, error))
    return NULL;
  return TECHO_STORE_DONE;
}

/* Rekeys with the journal out of WAL mode, so every page is rewritten in
 * the main file under the new key before the change is reported. */
static gboolean
rekey_store (TechoSqlite  *db,
             const char   *key_material,
             GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (!techo_sqlite_exec (db, "PRAGMA journal_mode = DELETE", &local_error))
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "change its key");
      return FALSE;
    }
  ok = techo_sqlite_rekey (db, key_material, &local_error);
  techo_sqlite_exec (db, "PRAGMA journal_mode = WAL", NULL);
  if (!ok)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "change its key");
      return FALSE;
    }
  return TRUE;
}

static gpointer
change_passphrase_job (TechoStore    *self,
                       TechoSqlite   *db,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  const char *new_passphrase = data;
  g_autoptr(GError) local_error = NULL;
  TechoStoreMode old_mode = g_atomic_int_get (&self->mode);

  if (new_passphrase == NULL || *new_passphrase == '\0')
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                           "The new passphrase is empty; choose one.");
      return NULL;
    }
  if (!rekey_store (db, new_passphrase, error))
    return NULL;

  if (old_mode == TECHO_STORE_MODE_KEYRING)
    {
      if (!write_mode_marker (self, TECHO_STORE_MODE_PASSPHRASE, error))
        {
          rekey_store (db, self->key_material, NULL);
          return NULL;
        }
      /* The old key no longer opens anything; a failure to remove it only
       * leaves a useless item behind. */
      if (!techo_vault_clear_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                     DB_NAME, cancellable, &local_error))
        g_warning ("The old store key stayed in the keyring: %s", local_error->message);
    }

  techo_wipe_free (self->key_material);
  self->key_material = g_strdup (new_passphrase);
  g_atomic_int_set (&self->mode, TECHO_STORE_MODE_PASSPHRASE);
  return TECHO_STORE_DONE;
}

static gpointer
use_keyring_job (TechoStore    *self,
                 TechoSqlite   *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_auto(TechoSecret) hex = NULL;
  g_auto(TechoSecret) key_material = NULL;
  GError *local_error = NULL;

  if (g_atomic_int_get (&self->mode) == TECHO_STORE_MODE_KEYRING)
    return TECHO_STORE_DONE;

  hex = new_key_hex (error);
  if (hex == NULL)
    return NULL;
  if (!techo_vault_store_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                 DB_NAME, hex, cancellable, &local_error))
    return keyring_unavailable (error, local_error);

  key_material = raw_key_material (hex);
  if (!rekey_store (db, key_material, error))
    {
      techo_vault_clear_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                DB_NAME, NULL, NULL);
      return NULL;
    }
  if (!write_mode_marker (self, TECHO_STORE_MODE_KEYRING, error))
    {
      rekey_store (db, self->key_material, NULL);
      techo_vault_clear_secret (self->vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                DB_NAME, NULL, NULL);
      return NULL;
    }

  techo_wipe_free (self->key_material);
  self->key_material = g_steal_pointer (&key_material);
  g_atomic_int_set (&self->mode, TECHO_STORE_MODE_KEYRING);
  return TECHO_STORE_DONE;
}

static gpointer
check_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  return techo_store_integrity_check (db, "store", error) ? TECHO_STORE_DONE : NULL;
}

/* ---- GObject ------------------------------------------------------------ */

static void
techo_store_dispose (GObject *object)
{
  TechoStore *self = TECHO_STORE (object);

  if (self->thread != NULL)
    {
      Job *quit = job_new (NULL, FALSE, NULL, NULL, NULL);

      quit->quit = TRUE;
      g_async_queue_push (self->queue, quit);
      if (g_thread_self () == self->thread)
        g_critical ("The last reference to the store was dropped on its own thread");
      else
        g_thread_join (self->thread);
      self->thread = NULL;
    }
  g_clear_object (&self->vault);

  G_OBJECT_CLASS (techo_store_parent_class)->dispose (object);
}

static void
techo_store_finalize (GObject *object)
{
  TechoStore *self = TECHO_STORE (object);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_free (self->data_dir);
  g_free (self->path);

  G_OBJECT_CLASS (techo_store_parent_class)->finalize (object);
}

static void
techo_store_class_init (TechoStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_store_dispose;
  object_class->finalize = techo_store_finalize;

  /**
   * TechoStore::consent-revoked:
   * @consent_id: the consent now revoked
   *
   * A consent was revoked through this store object. Emitted in the
   * thread that revoked it: after techo_store_revoke_consent_sync returns
   * there, or on the caller's context before the _async callback. A
   * share server listens to stop serving at once.
   */
  techo_store_signals[CONSENT_REVOKED] =
    g_signal_new ("consent-revoked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
techo_store_init (TechoStore *self)
{
  self->queue = g_async_queue_new ();
}

/* ---- public API ---------------------------------------------------------- */

void
techo_store_emit_consent_revoked (TechoStore *self,
                                  gint64      consent_id)
{
  g_signal_emit (self, techo_store_signals[CONSENT_REVOKED], 0, consent_id);
}

const char *
techo_store_mode_to_string (TechoStoreMode mode)
{
  return mode == TECHO_STORE_MODE_PASSPHRASE ? "passphrase" : "keyring";
}

const char *
techo_store_count_to_string (TechoStoreCount what)
{
  static const char * const names[TECHO_STORE_N_COUNTS] = {
    "checkup", "checkup_item", "medication", "screening",
  };

  g_return_val_if_fail (what < TECHO_STORE_N_COUNTS, NULL);
  return names[what];
}

TechoStore *
techo_store_new (const char *data_dir)
{
  TechoStore *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TECHO_TYPE_STORE, NULL);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->path = g_build_filename (self->data_dir, DB_NAME, NULL);
  self->vault = techo_vault_new (self->data_dir);
  self->thread = g_thread_new ("techo-store", store_thread, self);
  return self;
}

const char *
techo_store_get_data_dir (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  return self->data_dir;
}

const char *
techo_store_get_path (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  return self->path;
}

TechoVault *
techo_store_get_vault (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  return self->vault;
}

gboolean
techo_store_is_open (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  return g_atomic_int_get (&self->is_open);
}

TechoStoreMode
techo_store_get_mode (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), TECHO_STORE_MODE_KEYRING);
  return g_atomic_int_get (&self->mode);
}

int
techo_store_get_schema_version (TechoStore *self)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), 0);
  return g_atomic_int_get (&self->schema_version);
}

gboolean
techo_store_exists_at (const char     *data_dir,
                       TechoStoreMode *out_mode)
{
  g_autofree char *db_path = g_build_filename (data_dir, DB_NAME, NULL);
  g_autofree char *mode_path = g_build_filename (data_dir, MODE_NAME, NULL);
  g_autofree char *contents = NULL;
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;

  if (g_file_get_contents (mode_path, &contents, NULL, NULL) &&
      g_str_has_prefix (contents, "passphrase"))
    mode = TECHO_STORE_MODE_PASSPHRASE;
  if (out_mode != NULL)
    *out_mode = mode;
  return g_file_test (db_path, G_FILE_TEST_IS_REGULAR);
}

gpointer
techo_store_run_sync (TechoStore         *self,
                      TechoStoreJobFunc   func,
                      gpointer            data,
                      GDestroyNotify      data_free,
                      GCancellable       *cancellable,
                      GError            **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  return queue_and_wait (self, job_new (func, TRUE, data, data_free, cancellable),
                         error);
}

static void
queue_async (TechoStore          *self,
             Job                 *job,
             GDestroyNotify       result_free,
             gpointer             source_tag,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  job->result_free = result_free;
  job->task = g_task_new (self, job->cancellable, callback, user_data);
  g_task_set_source_tag (job->task, source_tag);
  g_async_queue_push (self->queue, job);
}

void
techo_store_run_async (TechoStore          *self,
                       TechoStoreJobFunc    func,
                       gpointer             data,
                       GDestroyNotify       data_free,
                       GDestroyNotify       result_free,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (TECHO_IS_STORE (self));
  queue_async (self, job_new (func, TRUE, data, data_free, cancellable),
               result_free, source_tag, callback, user_data);
}

gpointer
techo_store_run_finish (TechoStore    *self,
                        GAsyncResult  *result,
                        gpointer       source_tag,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
techo_store_open_sync (TechoStore    *self,
                       const char    *passphrase,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  return queue_and_wait (self, job_new (open_job, FALSE, g_strdup (passphrase),
                                        (GDestroyNotify) techo_wipe_free,
                                        cancellable),
                         error) != NULL;
}

void
techo_store_open_async (TechoStore          *self,
                        const char          *passphrase,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (TECHO_IS_STORE (self));
  queue_async (self, job_new (open_job, FALSE, g_strdup (passphrase),
                              (GDestroyNotify) techo_wipe_free, cancellable),
               NULL, techo_store_open_async, callback, user_data);
}

gboolean
techo_store_open_finish (TechoStore    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_open_async, error) != NULL;
}

gboolean
techo_store_close_sync (TechoStore    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  return queue_and_wait (self, job_new (close_job, FALSE, NULL, NULL, cancellable),
                         error) != NULL;
}

void
techo_store_close_async (TechoStore          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_return_if_fail (TECHO_IS_STORE (self));
  /* Closing from now on: whoever asks sees it closed (a job queued after
   * this one finds no connection anyway). */
  g_atomic_int_set (&self->is_open, FALSE);
  queue_async (self, job_new (close_job, FALSE, NULL, NULL, cancellable),
               NULL, techo_store_close_async, callback, user_data);
}

gboolean
techo_store_close_finish (TechoStore    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_close_async, error) != NULL;
}

gboolean
techo_store_erase_sync (TechoStore    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  return queue_and_wait (self, job_new (erase_job, FALSE, NULL, NULL, cancellable),
                         error) != NULL;
}

gboolean
techo_store_change_passphrase_sync (TechoStore    *self,
                                    const char    *new_passphrase,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return techo_store_run_sync (self, change_passphrase_job, g_strdup (new_passphrase),
                               (GDestroyNotify) techo_wipe_free, cancellable,
                               error) != NULL;
}

gboolean
techo_store_use_keyring_sync (TechoStore    *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return techo_store_run_sync (self, use_keyring_job, NULL, NULL, cancellable,
                               error) != NULL;
}

gboolean
techo_store_check_sync (TechoStore    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return techo_store_run_sync (self, check_job, NULL, NULL, cancellable, error) != NULL;
}
