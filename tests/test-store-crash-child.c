/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-crash-child DATA_DIR ROWS: opens the store and writes
 * transactions until it is killed. Transaction b writes ROWS dispensings
 * and one checkup with 5 items, all tagged with batch b, and the sync
 * state {"batch":b}: two pages (two transactions), medication first, each
 * with the batch as its category's sync state. It resumes after the last
 * checkup batch, so a batch cut between its pages is written again (the
 * medication page then changes nothing). Prints "ready" once the store is
 * open. The parent (test-store-crash) kills it at random. */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-store.h"

static gint64
last_batch (TechoStore *store,
            gint64      profile_id)
{
  g_autofree char *state = techo_store_get_sync_state_sync (store, profile_id,
                                                            TECHO_CATEGORY_CHECKUP,
                                                            NULL, NULL);
  const char *p = state != NULL ? strchr (state, ':') : NULL;

  return p != NULL ? g_ascii_strtoll (p + 1, NULL, 10) : 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;
  guint rows;

  if (argc != 3)
    {
      g_printerr ("usage: %s DATA_DIR ROWS\n", argv[0]);
      return 2;
    }
  rows = atoi (argv[2]);

  store = techo_store_new (argv[1]);
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("crash");
  if (!techo_store_open_sync (store, NULL, NULL, &error) ||
      !techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error))
    {
      g_printerr ("child: %s\n", error->message);
      return 1;
    }
  printf ("ready\n");
  fflush (stdout);

  for (gint64 batch = last_batch (store, profile_id) + 1; ; batch++)
    {
      g_autoptr(GPtrArray) drugs = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
      g_autoptr(GPtrArray) checkups = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
      g_autofree char *state = g_strdup_printf ("{\"batch\":%" G_GINT64_FORMAT "}", batch);
      TechoCheckup *checkup = techo_checkup_new ();

      for (guint i = 0; i < rows; i++)
        {
          TechoDispensing *d = techo_dispensing_new ();

          d->id = g_strdup_printf ("b%" G_GINT64_FORMAT "-%u", batch, i);
          d->revision = 1;
          d->pharmacy_code = g_strdup_printf ("%" G_GINT64_FORMAT, batch);
          d->drug_name = g_strdup ("クラッシュ錠 10mg");
          d->dispensed_on = g_strdup ("2024-01-01");
          g_ptr_array_add (drugs, d);
        }
      /* The same rows again with a higher revision: updates, not inserts. */
      if (batch % 3 == 0)
        for (guint i = 0; i < rows; i++)
          {
            TechoDispensing *d = g_ptr_array_index (drugs, i);

            d->revision = 2;
          }
      checkup->id = g_strdup_printf ("b%" G_GINT64_FORMAT, batch);
      checkup->revision = 1;
      checkup->performed_on = g_strdup ("2024-01-01");
      checkup->institution_code = g_strdup_printf ("%" G_GINT64_FORMAT, batch);
      for (guint i = 0; i < 5; i++)
        {
          TechoItem *item = techo_item_new ();

          item->code = g_strdup_printf ("code-%u", i);
          item->value = g_strdup ("1.0");
          g_ptr_array_add (checkup->items, item);
        }
      g_ptr_array_add (checkups, checkup);

      if (!techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                         drugs, state, NULL, &error) ||
          !techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_CHECKUP,
                                         checkups, state, NULL, &error))
        {
          g_printerr ("child: %s\n", error->message);
          return 1;
        }
    }
  return 0;
}
