/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-dataset"

#include "config.h"

#include <string.h>

#include "techo-dataset.h"
#include "techo-format.h"

/* How far back the first load reads dispensings: the dashboard shows only
 * what is current (a supply rarely exceeds 90 days), so 13 months is ample
 * and spares reading decades of history before the first frame. */
#define RECENT_DAYS 400

/* Runs in a worker thread: the store's *_sync calls queue onto the store's
 * own thread and wait, so the whole read is one hop for the main loop. */
static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TechoStore *store = source_object;
  gboolean recent_only = GPOINTER_TO_INT (task_data);
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GPtrArray) dispensings = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) screenings = NULL;
  g_autofree char *from = NULL;
  TechoProfile *profile;
  TechoDataset *dataset;
  GError *error = NULL;

  profiles = techo_store_list_profiles_sync (store, cancellable, &error);
  if (profiles == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (profiles->len == 0)
    {
      dataset = techo_dataset_new (NULL, NULL, NULL, NULL);
      g_task_return_pointer (task, dataset, (GDestroyNotify) techo_dataset_unref);
      return;
    }

  /* The store may hold a family; the first person is the one who signed in. */
  profile = g_ptr_array_index (profiles, 0);
  if (recent_only)
    {
      g_autofree char *today = techo_format_today ();   /* honours TECHO_TODAY */
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_parse (&date, today);
      if (g_date_valid (&date))
        {
          char text[16];

          g_date_subtract_days (&date, RECENT_DAYS);
          g_snprintf (text, sizeof text, "%04d-%02d-%02d", g_date_get_year (&date),
                      g_date_get_month (&date), g_date_get_day (&date));
          from = g_strdup (text);
        }
      else
        recent_only = FALSE;
    }
  checkups = techo_store_list_checkups_sync (store, profile->id, 0, cancellable, &error);
  if (checkups != NULL)
    dispensings = techo_store_list_dispensings_sync (store, profile->id, from, NULL,
                                                     cancellable, &error);
  if (dispensings != NULL)
    screenings = techo_store_list_screenings_sync (store, profile->id, NULL, cancellable,
                                                   &error);
  /* The notebook's units (回分, 調剤) and notes beside each dispensing. */
  if (screenings != NULL
      && techo_store_load_dispensing_details_sync (store, profile->id, dispensings, cancellable,
                                                   &error))
    entries = techo_store_list_notebook_entries_sync (store, profile->id, -1, cancellable,
                                                      &error);
  if (entries == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_ptr_array_set_free_func (profiles, (GDestroyNotify) techo_profile_free);
  dataset = techo_dataset_new (g_ptr_array_steal_index (profiles, 0),
                               checkups, dispensings, screenings);
  g_ptr_array_unref (dataset->entries);
  dataset->entries = g_steal_pointer (&entries);
  dataset->complete = !recent_only;
  g_task_return_pointer (task, dataset, (GDestroyNotify) techo_dataset_unref);
}

TechoDataset *
techo_dataset_new (TechoProfile *profile,
                   GPtrArray    *checkups,
                   GPtrArray    *dispensings,
                   GPtrArray    *screenings)
{
  TechoDataset *dataset = g_new0 (TechoDataset, 1);

  g_atomic_ref_count_init (&dataset->ref_count);
  dataset->profile = profile;
  dataset->checkups = checkups != NULL ? g_ptr_array_ref (checkups) : g_ptr_array_new ();
  dataset->dispensings = dispensings != NULL ? g_ptr_array_ref (dispensings) : g_ptr_array_new ();
  dataset->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  dataset->screenings = screenings != NULL ? g_ptr_array_ref (screenings) : g_ptr_array_new ();
  dataset->today = techo_format_today ();
  dataset->complete = TRUE;
  return dataset;
}

TechoDataset *
techo_dataset_ref (TechoDataset *dataset)
{
  g_atomic_ref_count_inc (&dataset->ref_count);
  return dataset;
}

void
techo_dataset_unref (TechoDataset *dataset)
{
  if (!g_atomic_ref_count_dec (&dataset->ref_count))
    return;
  g_clear_pointer (&dataset->profile, techo_profile_free);
  g_ptr_array_unref (dataset->checkups);
  g_ptr_array_unref (dataset->dispensings);
  g_ptr_array_unref (dataset->screenings);
  g_ptr_array_unref (dataset->entries);
  g_free (dataset->today);
  g_free (dataset);
}

gboolean
techo_dataset_is_empty (TechoDataset *dataset)
{
  return dataset->checkups->len == 0 && dataset->dispensings->len == 0
         && dataset->screenings->len == 0 && dataset->entries->len == 0;
}

const char *
techo_dataset_sex (TechoDataset *dataset)
{
  return dataset->profile != NULL ? dataset->profile->sex : NULL;
}

int
techo_dataset_age (TechoDataset *dataset)
{
  if (dataset->profile == NULL || dataset->profile->birth_date == NULL)
    return -1;
  return techo_reference_age_on (dataset->profile->birth_date, dataset->today);
}

const TechoItem *
techo_dataset_find_analyte (const TechoCheckup *checkup,
                            const char         *key)
{
  if (checkup == NULL || checkup->items == NULL)
    return NULL;
  for (guint i = 0; i < checkup->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, i);
      const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);

      if (analyte != NULL && g_strcmp0 (analyte->key, key) == 0)
        return item;
    }
  return NULL;
}

int
techo_dataset_days_left (TechoDataset          *dataset,
                         const TechoDispensing *dispensing)
{
  int used = techo_format_days_between (dispensing->dispensed_on, dataset->today);

  if (used == G_MININT)
    return 0;
  return MAX (0, dispensing->days - MAX (used, 0));
}

gboolean
techo_dataset_dispensing_is_current (TechoDataset          *dataset,
                                     const TechoDispensing *dispensing)
{
  return techo_dataset_days_left (dataset, dispensing) > 0;
}

#define MAX_OVERLAP_SCAN 64

typedef struct
{
  const TechoDispensing *dispensing;
  int start;   /* days from the first dispensing considered */
  int end;     /* start + days supplied */
} Supply;

static int
compare_supply (gconstpointer a,
                gconstpointer b)
{
  const Supply *sa = a;
  const Supply *sb = b;

  return (sa->start > sb->start) - (sa->start < sb->start);
}

GPtrArray *
techo_dataset_find_duplicates (TechoDataset *dataset,
                               gboolean      current_only,
                               GHashTable   *out_flagged)
{
  GPtrArray *pairs = g_ptr_array_new ();
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  const char *origin = NULL;

  /* Group by ingredient (first 7 characters of the YJ code), then sweep
   * each group in date order: a long history stays linear, not n². */
  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_array_unref);
  for (guint i = 0; i < dataset->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (dataset->dispensings, i);
      GArray *group;
      Supply supply;
      int start;

      if (d->yj_code == NULL || strlen (d->yj_code) < 7 || d->dispensed_on == NULL)
        continue;
      if (current_only && !techo_dataset_dispensing_is_current (dataset, d))
        continue;
      if (origin == NULL)
        origin = d->dispensed_on;
      start = techo_format_days_between (origin, d->dispensed_on);
      if (start == G_MININT)
        continue;
      {
        g_autofree char *group_key = g_strndup (d->yj_code, 7);

        group = g_hash_table_lookup (groups, group_key);
        if (group == NULL)
          {
            group = g_array_new (FALSE, FALSE, sizeof (Supply));
            g_hash_table_insert (groups, g_steal_pointer (&group_key), group);
          }
      }
      supply.dispensing = d;
      supply.start = start;
      supply.end = start + MAX (d->days, 1);
      g_array_append_val (group, supply);
    }

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *group = value;

      g_array_sort (group, compare_supply);
      for (guint i = 0; i < group->len; i++)
        {
          const Supply *a = &g_array_index (group, Supply, i);

          /* Supplies overlap only a few neighbours in date order; the cap
           * keeps a pathological history (years of daily refills) linear. */
          for (guint j = i + 1; j < group->len && j <= i + MAX_OVERLAP_SCAN; j++)
            {
              const Supply *b = &g_array_index (group, Supply, j);
              const char *pa, *pb;
              g_autofree char *pair_key = NULL;

              if (b->start >= a->end)
                break;
              pa = a->dispensing->prescriber_code != NULL ? a->dispensing->prescriber_code
                                                         : a->dispensing->prescriber_name;
              pb = b->dispensing->prescriber_code != NULL ? b->dispensing->prescriber_code
                                                         : b->dispensing->prescriber_name;
              if (g_strcmp0 (pa, pb) == 0)
                continue;
              if (out_flagged != NULL)
                {
                  g_hash_table_add (out_flagged, (gpointer) a->dispensing);
                  g_hash_table_add (out_flagged, (gpointer) b->dispensing);
                }
              /* One warning per ingredient and pair of prescribers: the
               * latest overlap (the sweep goes forward in time). */
              pair_key = g_strdup_printf ("%s|%s|%s", (const char *) key,
                                          g_strcmp0 (pa, pb) < 0 ? pa : pb,
                                          g_strcmp0 (pa, pb) < 0 ? pb : pa);
              g_hash_table_insert (latest, g_steal_pointer (&pair_key),
                                   g_memdup2 ((const TechoDispensing *[2]) { a->dispensing,
                                                                             b->dispensing },
                                              2 * sizeof (gpointer)));
            }
        }
    }

  g_hash_table_iter_init (&iter, latest);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      const TechoDispensing **pair = value;

      g_ptr_array_add (pairs, (gpointer) pair[0]);
      g_ptr_array_add (pairs, (gpointer) pair[1]);
    }
  return pairs;
}

void
techo_dataset_load_async (TechoStore          *store,
                          gboolean             recent_only,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);

  g_task_set_source_tag (task, techo_dataset_load_async);
  g_task_set_task_data (task, GINT_TO_POINTER (recent_only), NULL);
  g_task_run_in_thread (task, load_thread);
}

TechoDataset *
techo_dataset_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
