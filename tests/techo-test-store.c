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

gint64
techo_test_store_add_history (TechoStore               *store,
                              const TechoProfile       *profile,
                              guint                     n,
                              TechoTestDispensingFunc   make)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;

  g_assert_true (techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (page, make (i));
      if (page->len == 500 || i + 1 == n)
        {
          g_assert_true (techo_store_upsert_page_sync (store, profile_id,
                                                       TECHO_CATEGORY_MEDICATION, page, NULL,
                                                       NULL, &error));
          g_assert_no_error (error);
          g_ptr_array_set_size (page, 0);
        }
    }
  return profile_id;
}
