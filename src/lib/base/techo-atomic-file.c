/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Atomic file writes: temp + fsync + rename + fsync of the folder. */

/* O_TMPFILE and linkat. */
#define _GNU_SOURCE

#define G_LOG_DOMAIN "techo-export"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"

/* Written in chunks so a cancel is seen within one chunk. */
#define CHUNK_BYTES (256 * 1024)

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *doing,
                 const char  *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "Could not %s “%s”: %s", doing, display, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
fsync_dir (const char  *dir,
           GError     **error)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int saved_errno;

  if (fd < 0)
    return set_errno_error (error, errno, "open the folder", dir);
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      saved_errno = errno;
      close (fd);
      return set_errno_error (error, saved_errno, "flush the folder", dir);
    }
  close (fd);
  return TRUE;
}

gboolean
techo_atomic_file_write (const char    *path,
                         const void    *data,
                         gsize          length,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  const guint8 *p = data;
  gsize done = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);

  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   "“%s” is a folder; give a file name to write to.", display);
      return FALSE;
    }

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  /* An unnamed file where the system has them: a kill while writing
   * leaves nothing behind at all. Otherwise a hidden named one. */
  fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      tmp_path = g_strdup_printf ("%s/.techo-%s-XXXXXX.tmp", dir, base);
      fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
      if (fd < 0)
        return set_errno_error (error, errno, "create a file in", dir);
    }
  /* Both honour the mode, but be explicit about it. */
  if (fchmod (fd, 0600) != 0)
    goto errno_failed;

  while (done < length)
    {
      gsize chunk = MIN (length - done, CHUNK_BYTES);
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto failed;
      n = write (fd, p + done, chunk);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          goto errno_failed;
        }
      done += n;
    }
  if (fsync (fd) != 0)
    goto errno_failed;
  if (tmp_path == NULL)
    {
      /* Complete and on disk: only now does it get a (hidden) name. */
      g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);

      for (guint attempt = 0; tmp_path == NULL && attempt < 100; attempt++)
        {
          tmp_path = g_strdup_printf ("%s/.techo-%s-%d-%" G_GINT64_FORMAT "-%u.tmp", dir, base,
                                      (int) getpid (), g_get_monotonic_time (), attempt);
          if (linkat (AT_FDCWD, proc, AT_FDCWD, tmp_path, AT_SYMLINK_FOLLOW) != 0)
            {
              int saved_errno = errno;

              g_clear_pointer (&tmp_path, g_free);
              if (saved_errno != EEXIST)
                {
                  errno = saved_errno;
                  goto errno_failed;
                }
            }
        }
      if (tmp_path == NULL)
        {
          errno = EEXIST;
          goto errno_failed;
        }
    }
  if (close (fd) != 0)
    {
      fd = -1;
      goto errno_failed;
    }
  fd = -1;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto failed;
  if (rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_unlink (tmp_path);
      return set_errno_error (error, saved_errno, "write", path);
    }
  return fsync_dir (dir, error);

errno_failed:
  {
    int saved_errno = errno;

    if (fd >= 0)
      close (fd);
    if (tmp_path != NULL)
      g_unlink (tmp_path);
    return set_errno_error (error, saved_errno, "write", path);
  }
failed:
  if (fd >= 0)
    close (fd);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  return FALSE;
}

gboolean
techo_atomic_file_write_bytes (const char    *path,
                               GBytes        *bytes,
                               GCancellable  *cancellable,
                               GError       **error)
{
  gsize length = 0;
  const void *data = g_bytes_get_data (bytes, &length);

  return techo_atomic_file_write (path, data != NULL ? data : "", length, cancellable, error);
}
