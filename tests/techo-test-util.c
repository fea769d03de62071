/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-test-util.h"

char *
techo_test_program_path (const char *relative_path)
{
  const char *root = g_getenv ("TECHO_BUILD_ROOT");

  return g_build_filename (root != NULL ? root : ".", relative_path, NULL);
}

void
techo_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR)
            && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          techo_test_remove_tree (child);
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

gboolean
techo_test_file_contains (const char *path,
                          const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  gsize needle_length = strlen (needle);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  for (gsize i = 0; i + needle_length <= length; i++)
    if (memcmp (contents + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}
