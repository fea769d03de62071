/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-dataset"

#include "config.h"

#include <string.h>

#include "techo-dataset.h"
#include "techo-format.h"

typedef struct
{
  TechoStore *store;
  TechoProfile *profile;
  GPtrArray *checkups;
  GPtrArray *dispensings;
  GPtrArray *screenings;
  guint pending;
  GError *error;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->profile, techo_profile_free);
  g_clear_pointer (&data->checkups, g_ptr_array_unref);
  g_clear_pointer (&data->dispensings, g_ptr_array_unref);
  g_clear_pointer (&data->screenings, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

static void
load_step_done (GTask *task)
{
  LoadData *data = g_task_get_task_data (task);

  if (--data->pending > 0)
    return;
  if (data->error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&data->error));
    }
  else
    {
      TechoDataset *dataset = techo_dataset_new (g_steal_pointer (&data->profile),
                                                 data->checkups, data->dispensings,
                                                 data->screenings);
      g_task_return_pointer (task, dataset, (GDestroyNotify) techo_dataset_unref);
    }
  g_object_unref (task);
}

static void
keep_first_error (LoadData *data,
                  GError   *error)
{
  if (data->error == NULL)
    data->error = error;
  else
    g_error_free (error);
}

static void
checkups_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->checkups = techo_store_list_checkups_finish (TECHO_STORE (source), result, &error);
  if (error != NULL)
    keep_first_error (data, error);
  load_step_done (task);
}

static void
dispensings_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->dispensings = techo_store_list_dispensings_finish (TECHO_STORE (source), result, &error);
  if (error != NULL)
    keep_first_error (data, error);
  load_step_done (task);
}

static void
screenings_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->screenings = techo_store_list_screenings_finish (TECHO_STORE (source), result, &error);
  if (error != NULL)
    keep_first_error (data, error);
  load_step_done (task);
}

static void
profiles_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  LoadData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GPtrArray) profiles = NULL;
  GError *error = NULL;
  gint64 profile_id;

  profiles = techo_store_list_profiles_finish (TECHO_STORE (source), result, &error);
  if (profiles == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (profiles->len == 0)
    {
      g_task_return_pointer (task, techo_dataset_new (NULL, NULL, NULL, NULL),
                             (GDestroyNotify) techo_dataset_unref);
      g_object_unref (task);
      return;
    }

  /* The store may hold a family; the first person is the one who signed in. */
  data->profile = g_ptr_array_steal_index (profiles, 0);
  profile_id = data->profile->id;
  g_ptr_array_set_free_func (profiles, (GDestroyNotify) techo_profile_free);
  data->pending = 3;
  techo_store_list_checkups_async (data->store, profile_id, 0, cancellable,
                                   checkups_cb, task);
  techo_store_list_dispensings_async (data->store, profile_id, NULL, NULL, cancellable,
                                      dispensings_cb, task);
  techo_store_list_screenings_async (data->store, profile_id, NULL, cancellable,
                                     screenings_cb, task);
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
  dataset->screenings = screenings != NULL ? g_ptr_array_ref (screenings) : g_ptr_array_new ();
  dataset->today = techo_format_today ();
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
  g_free (dataset->today);
  g_free (dataset);
}

gboolean
techo_dataset_is_empty (TechoDataset *dataset)
{
  return dataset->checkups->len == 0 && dataset->dispensings->len == 0
         && dataset->screenings->len == 0;
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
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task = g_task_new (store, cancellable, callback, user_data);
  LoadData *data = g_new0 (LoadData, 1);

  g_task_set_source_tag (task, techo_dataset_load_async);
  data->store = g_object_ref (store);
  g_task_set_task_data (task, data, (GDestroyNotify) load_data_free);
  techo_store_list_profiles_async (store, cancellable, profiles_cb, task);
}

TechoDataset *
techo_dataset_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
