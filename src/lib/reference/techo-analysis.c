/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-analysis.c: the one analyte finder and what the views derive from
 * the records (statuses, supplies, duplicates, summaries, series). */

#define G_LOG_DOMAIN "techo-analysis"

#include "config.h"

#include <string.h>

#include "techo-analysis.h"
#include "techo-reference-private.h"

/* Supplies overlap only a few neighbours in date order; the cap keeps a
 * pathological history (years of daily refills) linear. */
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

static const char *
prescriber_of (const TechoDispensing *d)
{
  return d->prescriber_code != NULL ? d->prescriber_code : d->prescriber_name;
}

/* ---- values ------------------------------------------------------------ */

gboolean
techo_analysis_item_has_value (const TechoItem *item)
{
  if (item == NULL || item->not_performed || item->value == NULL)
    return FALSE;
  for (const char *p = item->value; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return TRUE;
  return FALSE;
}

const TechoItem *
techo_analysis_find (const TechoCheckup *checkup,
                     const TechoAnalyte *analyte)
{
  if (checkup == NULL || checkup->items == NULL || analyte == NULL)
    return NULL;
  /* The analyte's own codes, preferred method first. */
  for (guint i = 0; analyte->codes[i] != NULL; i++)
    for (guint j = 0; j < checkup->items->len; j++)
      {
        const TechoItem *item = g_ptr_array_index (checkup->items, j);

        if (g_strcmp0 (item->code, analyte->codes[i]) == 0 && techo_analysis_item_has_value (item))
          return item;
      }
  /* Then any other code the reference maps to it (JDS HbA1c methods). */
  for (guint j = 0; j < checkup->items->len; j++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, j);

      if (techo_analysis_item_has_value (item)
          && techo_reference_analyte_for_code (item->code) == analyte)
        return item;
    }
  return NULL;
}

const TechoItem *
techo_analysis_find_key (const TechoCheckup *checkup,
                         const char         *key)
{
  return techo_analysis_find (checkup, techo_reference_analyte (key));
}

TechoStatus
techo_analysis_item_status (const TechoItem *item,
                            const char      *sex)
{
  if (!techo_analysis_item_has_value (item))
    return TECHO_STATUS_UNKNOWN;
  return techo_reference_classify (techo_reference_analyte_for_code (item->code), item->value,
                                   sex);
}

gboolean
techo_analysis_reading (const TechoCheckup *checkup,
                        const TechoAnalyte *analyte,
                        const char         *sex,
                        TechoReading       *out)
{
  const TechoItem *item = techo_analysis_find (checkup, analyte);

  memset (out, 0, sizeof *out);
  if (item == NULL)
    return FALSE;
  out->analyte = analyte;
  out->checkup = checkup;
  out->item = item;
  out->date = checkup->performed_on;
  out->status = techo_reference_classify (analyte, item->value, sex);
  out->numeric = techo_reference_parse_number (item->value, &out->number);
  return TRUE;
}

const char *
techo_analysis_sex (const TechoRecordSet *set)
{
  return set != NULL && set->profile != NULL ? set->profile->sex : NULL;
}

int
techo_analysis_age_on (const TechoRecordSet *set,
                       const char           *date)
{
  if (set == NULL || set->profile == NULL || set->profile->birth_date == NULL)
    return -1;
  return techo_reference_age_on (set->profile->birth_date, date);
}

/* ---- series ------------------------------------------------------------ */

GArray *
techo_analysis_series (const TechoRecordSet *set,
                       const TechoAnalyte   *analyte)
{
  GArray *series = g_array_new (FALSE, FALSE, sizeof (TechoReading));
  const char *sex = techo_analysis_sex (set);

  g_return_val_if_fail (set != NULL && analyte != NULL, series);

  /* The set is newest first: walk it backwards, then make sure of the
   * order with an insertion sort (stable, linear on sorted input). */
  for (guint i = set->checkups->len; i > 0; i--)
    {
      const TechoCheckup *checkup = g_ptr_array_index (set->checkups, i - 1);
      TechoReading reading;
      guint at;

      if (checkup->performed_on == NULL
          || !techo_analysis_reading (checkup, analyte, sex, &reading))
        continue;
      at = series->len;
      while (at > 0 && g_strcmp0 (g_array_index (series, TechoReading, at - 1).date,
                                  reading.date) > 0)
        at--;
      g_array_insert_val (series, at, reading);
    }
  return series;
}

guint
techo_analysis_count_numeric (const TechoRecordSet *set,
                              const TechoAnalyte   *analyte,
                              guint                 at_most)
{
  guint n = 0;

  for (guint i = 0; i < set->checkups->len && (at_most == 0 || n < at_most); i++)
    {
      TechoReading reading;

      if (techo_analysis_reading (g_ptr_array_index (set->checkups, i), analyte, NULL, &reading)
          && reading.numeric)
        n++;
    }
  return n;
}

/* ---- the latest checkup --------------------------------------------------- */

gboolean
techo_analysis_latest (const TechoRecordSet *set,
                       const TechoAnalyte   *analyte,
                       TechoReading         *out_latest,
                       TechoReading         *out_previous)
{
  const char *sex = techo_analysis_sex (set);

  if (out_previous != NULL)
    memset (out_previous, 0, sizeof *out_previous);
  if (set->checkups->len == 0)
    {
      memset (out_latest, 0, sizeof *out_latest);
      return FALSE;
    }
  if (out_previous != NULL && set->checkups->len > 1)
    techo_analysis_reading (g_ptr_array_index (set->checkups, 1), analyte, sex, out_previous);
  return techo_analysis_reading (g_ptr_array_index (set->checkups, 0), analyte, sex, out_latest);
}

void
techo_analysis_assess (const TechoRecordSet *set,
                       const TechoCheckup   *checkup,
                       TechoAssessment      *out)
{
  const char *sex = techo_analysis_sex (set);
  TechoGuidanceLevel computed;

  out->metabolic_reported = techo_reference_reported_metabolic (checkup, &out->metabolic);
  if (!out->metabolic_reported)
    out->metabolic = techo_reference_metabolic (checkup, sex);
  computed = techo_reference_guidance_level_full (checkup, sex,
                                                  techo_analysis_age_on (set, checkup->performed_on),
                                                  &out->reason, &out->risks);
  out->level_reported = techo_reference_reported_guidance_level (checkup, &out->level);
  if (!out->level_reported)
    out->level = computed;
  else if (out->level != computed)
    /* The source knew more (or judged otherwise): no reason of ours. */
    out->reason = TECHO_GUIDANCE_REASON_UNKNOWN;
}

/* ---- medicines ----------------------------------------------------------- */

int
techo_analysis_days_between (const char *from,
                             const char *to)
{
  GDate a, b;

  if (!techo_reference_parse_date (from, &a) || !techo_reference_parse_date (to, &b))
    return G_MININT;
  return g_date_days_between (&a, &b);
}

int
techo_analysis_days_left (const TechoDispensing *dispensing,
                          const char            *today)
{
  int used = techo_analysis_days_between (dispensing->dispensed_on, today);

  if (used == G_MININT)
    return 0;
  return MAX (0, dispensing->days - MAX (used, 0));
}

gboolean
techo_analysis_is_current (const TechoDispensing *dispensing,
                           const char            *today)
{
  return techo_analysis_days_left (dispensing, today) > 0;
}

char *
techo_analysis_medicine_key (const TechoDispensing *dispensing)
{
  g_return_val_if_fail (dispensing != NULL, NULL);

  if (dispensing->yj_code != NULL && strlen (dispensing->yj_code) >= 7)
    return g_strndup (dispensing->yj_code, 7);
  if (dispensing->drug_name != NULL && dispensing->drug_name[0] != '\0')
    return g_strdup (dispensing->drug_name);
  return NULL;
}

GPtrArray *
techo_analysis_current_medicines (GPtrArray  *dispensings,
                                  const char *today)
{
  GPtrArray *current = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (dispensings != NULL, current);

  for (guint i = 0; i < dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (dispensings, i);

      if (d->drug_name == NULL || !techo_analysis_is_current (d, today))
        continue;
      if (g_hash_table_add (seen, d->drug_name))
        g_ptr_array_add (current, d);
    }
  return current;
}

const char *
techo_analysis_medicine_note (GPtrArray             *entries,
                              const TechoDispensing *dispensing)
{
  g_autofree char *key = NULL;

  if (entries == NULL || dispensing == NULL)
    return NULL;
  key = techo_analysis_medicine_key (dispensing);
  if (key == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      const TechoNotebookEntry *e = g_ptr_array_index (entries, i);

      if (e->kind == TECHO_NOTEBOOK_PURPOSE && g_strcmp0 (e->code, key) == 0
          && e->text != NULL && e->text[0] != '\0')
        return e->text;
    }
  return NULL;
}

GPtrArray *
techo_analysis_duplicates (GPtrArray   *dispensings,
                           const char  *today,
                           GHashTable  *out_flagged)
{
  GPtrArray *pairs = g_ptr_array_new ();
  g_autoptr(GHashTable) groups = NULL;
  g_autoptr(GHashTable) latest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;
  const char *origin = NULL;

  /* Group by ingredient, then sweep each group in date order: a long
   * history stays linear, not n². */
  groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                  (GDestroyNotify) g_array_unref);
  for (guint i = 0; dispensings != NULL && i < dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (dispensings, i);
      g_autofree char *group_key = NULL;
      GArray *group;
      Supply supply;
      int start;

      if (d->yj_code == NULL || strlen (d->yj_code) < 7 || d->dispensed_on == NULL)
        continue;
      if (today != NULL && !techo_analysis_is_current (d, today))
        continue;
      if (origin == NULL)
        origin = d->dispensed_on;
      start = techo_analysis_days_between (origin, d->dispensed_on);
      if (start == G_MININT)
        continue;
      group_key = g_strndup (d->yj_code, 7);
      group = g_hash_table_lookup (groups, group_key);
      if (group == NULL)
        {
          group = g_array_new (FALSE, FALSE, sizeof (Supply));
          g_hash_table_insert (groups, g_steal_pointer (&group_key), group);
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

          for (guint j = i + 1; j < group->len && j <= i + MAX_OVERLAP_SCAN; j++)
            {
              const Supply *b = &g_array_index (group, Supply, j);
              const char *pa = prescriber_of (a->dispensing);
              const char *pb = prescriber_of (b->dispensing);
              g_autofree char *pair_key = NULL;

              if (b->start >= a->end)
                break;
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

/* ---- cancer screenings ------------------------------------------------------ */

static int
compare_screening_newest_first (gconstpointer a,
                                gconstpointer b)
{
  const TechoScreening *sa = *(const TechoScreening * const *) a;
  const TechoScreening *sb = *(const TechoScreening * const *) b;

  return -g_strcmp0 (sa->performed_on, sb->performed_on);
}

void
techo_analysis_screening (const TechoRecordSet  *set,
                          TechoCancer            cancer,
                          const char            *today,
                          TechoScreeningSummary *out)
{
  const TechoProfile *profile = set->profile;

  memset (out, 0, sizeof *out);
  out->info = techo_reference_cancer (cancer);
  out->screenings = g_ptr_array_new ();
  g_return_if_fail (out->info != NULL);

  for (guint i = 0; i < set->screenings->len; i++)
    {
      TechoScreening *s = g_ptr_array_index (set->screenings, i);

      if (g_strcmp0 (s->cancer, out->info->key) == 0)
        g_ptr_array_add (out->screenings, s);
    }
  g_ptr_array_sort (out->screenings, compare_screening_newest_first);
  for (guint i = 0; i < out->screenings->len; i++)
    {
      const TechoScreening *s = g_ptr_array_index (out->screenings, i);

      if (out->last == NULL)
        out->last = s;
      if (out->last_primary_on == NULL && !techo_reference_screening_is_detailed (s))
        out->last_primary_on = s->performed_on;
    }
  out->followup_outstanding = techo_reference_screening_followup_outstanding (out->screenings);
  out->due = techo_reference_screening_due (cancer, profile != NULL ? profile->sex : NULL,
                                            profile != NULL ? profile->birth_date : NULL,
                                            out->last_primary_on, today, &out->due_on);
  if (out->due == TECHO_SCREENING_OVERDUE && out->last_primary_on == NULL)
    out->due = TECHO_SCREENING_DUE;
}

void
techo_screening_summary_clear (TechoScreeningSummary *summary)
{
  g_clear_pointer (&summary->screenings, g_ptr_array_unref);
  g_clear_pointer (&summary->due_on, g_free);
}
