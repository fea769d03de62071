/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "techo-test-store.h"
#include "techo-test-util.h"

TechoStore *
techo_test_store_open (const char  *template,
                       char       **out_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *store_dir = NULL;
  TechoStore *store;

  *out_dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  store_dir = g_build_filename (*out_dir, "store", NULL);
  store = techo_store_new (store_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  return store;
}

void
techo_test_store_close (TechoStore *store,
                        const char *dir)
{
  if (store != NULL)
    {
      techo_store_erase_sync (store, NULL, NULL);
      g_object_unref (store);
    }
  techo_test_remove_tree (dir);
}
