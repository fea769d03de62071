/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's recent read (techo_store_read_recent_records_sync: a few
 * dispensings per ingredient and span of days) against the full read of
 * the same 400 days (techo_store_read_records_sync), as the overview and
 * the medicines page use them: what is taken now and its days left, the
 * duplicate therapy found (the overview's last 90 days, the medicines
 * page's whole period, and the dispensings it flags), and the days the
 * 12-month timeline covers for each ingredient. For every demo citizen
 * of the sandbox the answers are the same, and so is the set; for a
 * dense history (the bulk citizen at hundreds of lines a month) the read
 * stays bounded per ingredient and the answers still agree. Real
 * SQLCipher, real keyring, the sandbox's own data. */

#include "config.h"

#include <string.h>

#include "techo-reference.h"
#include "techo-sandbox-data.h"
#include "techo-store.h"
#include "techo-test-util.h"

#define TODAY "2026-11-25"
#define RECENT_DAYS 400
#define DUPLICATE_DAYS 90   /* the overview's RECENT_DUPLICATE_DAYS */
#define TIMELINE_BACK 300   /* the timeline's first day: (MONTHS - 2) * 30 */
#define TIMELINE_DAYS 360

static char *
add_days (const char *date,
          int         days)
{
  GDate d;
  char text[16];

  g_date_clear (&d, 1);
  g_date_set_parse (&d, date);
  g_assert_true (g_date_valid (&d));
  if (days >= 0)
    g_date_add_days (&d, days);
  else
    g_date_subtract_days (&d, -days);
  g_date_strftime (text, sizeof text, "%Y-%m-%d", &d);
  return g_strdup (text);
}

static char *
key_of (const TechoDispensing *d)
{
  if (d->yj_code != NULL && strlen (d->yj_code) >= 7)
    return g_strndup (d->yj_code, 7);
  return g_strdup (d->drug_name != NULL ? d->drug_name : "");
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* @lines sorted and joined, one a line. */
static char *
joined (GPtrArray *lines)
{
  g_ptr_array_sort (lines, compare_strings);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* A pair of techo_analysis_duplicates: by @ids its dispensings, else what
 * it warns of (the ingredient and the two prescribers). */
static char *
pair_text (const TechoDispensing *a,
           const TechoDispensing *b,
           gboolean               ids)
{
  g_autofree char *key = key_of (a);
  const char *pa = a->prescriber_name != NULL ? a->prescriber_name : "";
  const char *pb = b->prescriber_name != NULL ? b->prescriber_name : "";

  if (ids)
    return g_strdup_printf ("%s %s", a->id, b->id);
  return g_strdup_printf ("%s|%s|%s", key, strcmp (pa, pb) < 0 ? pa : pb,
                          strcmp (pa, pb) < 0 ? pb : pa);
}

/* What the overview's medicines card says (techo-overview-page.c): the
 * duplicates among the supplies running DUPLICATE_DAYS ago, and the
 * medicines taken today, one per drug, with their days left. */
static char *
overview_says (const TechoRecordSet *set,
               gboolean              ids)
{
  g_autofree char *recent = add_days (TODAY, -DUPLICATE_DAYS);
  g_autoptr(GPtrArray) supplies = g_ptr_array_new ();
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GPtrArray) current = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < set->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (set->dispensings, i);

      if (techo_analysis_is_current (d, recent))
        g_ptr_array_add (supplies, d);
    }
  pairs = techo_analysis_duplicates (supplies, NULL, NULL);
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      g_autofree char *pair = pair_text (g_ptr_array_index (pairs, i),
                                         g_ptr_array_index (pairs, i + 1), ids);

      g_ptr_array_add (lines, g_strdup_printf ("duplicate %s", pair));
    }
  current = techo_analysis_current_medicines (supplies, TODAY);
  for (guint i = 0; i < current->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (current, i);

      g_ptr_array_add (lines, g_strdup_printf ("now %s %d %s", d->drug_name,
                                               techo_analysis_days_left (d, TODAY),
                                               ids ? d->id : ""));
    }
  return joined (lines);
}

/* What the medicines page says (techo-medicines-page.c): its duplicate
 * therapy over the whole set and the dispensings flagged, and "Taking
 * now", one row per drug and prescriber. */
static char *
medicines_page_says (const TechoRecordSet *set,
                     gboolean              ids)
{
  g_autoptr(GHashTable) flagged = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) pairs = techo_analysis_duplicates (set->dispensings, NULL, flagged);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      g_autofree char *pair = pair_text (g_ptr_array_index (pairs, i),
                                         g_ptr_array_index (pairs, i + 1), ids);

      g_ptr_array_add (lines, g_strdup_printf ("duplicate %s", pair));
    }
  g_hash_table_iter_init (&iter, flagged);
  while (ids && g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (lines, g_strdup_printf ("flagged %s", ((TechoDispensing *) key)->id));
  for (guint i = 0; i < set->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (set->dispensings, i);
      int left = techo_analysis_days_left (d, TODAY);
      char *row = g_strdup_printf ("%s|%s", d->drug_name, d->prescriber_name);

      if (left <= 0 || !g_hash_table_add (seen, row))
        continue;
      g_ptr_array_add (lines, g_strdup_printf ("taking %s %d %s", row, left, ids ? d->id : ""));
    }
  return joined (lines);
}

/* The days of the 12-month timeline each ingredient's supplies cover
 * (techo-medicine-timeline.c: a lane per ingredient, newest first). */
static char *
timeline_says (const TechoRecordSet *set)
{
  g_autofree char *first_day = add_days (TODAY, -TIMELINE_BACK);
  g_autoptr(GPtrArray) lanes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) by_ingredient = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               NULL);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < set->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (set->dispensings, i);
      int start = techo_analysis_days_between (first_day, d->dispensed_on);
      const char *ingredient = d->ingredient_name != NULL ? d->ingredient_name : d->drug_name;
      GString *lane;

      if (start == G_MININT || ingredient == NULL || start + d->days < 0 || start > TIMELINE_DAYS)
        continue;
      lane = g_hash_table_lookup (by_ingredient, ingredient);
      if (lane == NULL)
        {
          lane = g_string_new (NULL);
          g_string_append_printf (lane, "%s ", ingredient);
          for (int day = 0; day < TIMELINE_DAYS; day++)
            g_string_append_c (lane, '.');
          g_ptr_array_add (lanes, lane);
          g_hash_table_insert (by_ingredient, g_strdup (ingredient), lane);
        }
      for (int day = MAX (start, 0); day < MIN (start + MAX (d->days, 1), TIMELINE_DAYS); day++)
        lane->str[lane->len - TIMELINE_DAYS + day] = '#';
    }
  /* In the order the timeline draws them. */
  for (guint i = 0; i < lanes->len; i++)
    g_ptr_array_add (lines, g_string_free (g_ptr_array_index (lanes, i), FALSE));
  g_ptr_array_set_free_func (lanes, NULL);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **) lines->pdata);
}

/* @citizen's published records in a new store; the full and the recent
 * read of its last RECENT_DAYS. */
static void
read_both (TechoSandboxCitizen  *citizen,
           const char           *dir,
           TechoRecordSet      **out_full,
           TechoRecordSet      **out_recent,
           guint                *out_ingredients)
{
  g_autoptr(TechoStore) store = techo_store_new (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ingredients = NULL;
  g_autofree char *from = add_days (TODAY, -RECENT_DAYS);
  GPtrArray *lines = citizen->records[TECHO_CATEGORY_MEDICATION];
  gint64 profile_id = 0;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_ensure_profile_sync (store, citizen->profile, &profile_id, NULL,
                                                  &error));
  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i += TECHO_STORE_MAX_PAGE_RECORDS)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new ();

      for (guint j = i; j < lines->len && j < i + TECHO_STORE_MAX_PAGE_RECORDS; j++)
        g_ptr_array_add (page, g_ptr_array_index (lines, j));
      g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                                   page, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  *out_full = techo_store_read_records_sync (store, profile_id, from, NULL, &error);
  g_assert_no_error (error);
  *out_recent = techo_store_read_recent_records_sync (store, profile_id, from, NULL, &error);
  g_assert_no_error (error);
  g_assert_false ((*out_recent)->complete);
  ingredients = techo_store_list_ingredients_sync (store, profile_id, NULL, &error);
  g_assert_no_error (error);
  *out_ingredients = ingredients->len;
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TechoVault) vault = techo_vault_new (dir);

    techo_vault_clear_all (vault, NULL, NULL);
  }
}

/* Every dispensing of @recent is one of @full's, in the same order. */
static void
assert_subset (const TechoRecordSet *full,
               const TechoRecordSet *recent)
{
  guint j = 0;

  for (guint i = 0; i < recent->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (recent->dispensings, i);

      while (j < full->dispensings->len
             && g_strcmp0 (((TechoDispensing *) g_ptr_array_index (full->dispensings, j))->id,
                           d->id) != 0)
        j++;
      g_assert_cmpuint (j, <, full->dispensings->len);
      j++;
    }
}

static void
check_citizen (TechoSandboxCitizen *citizen,
               gboolean             dense)
{
  g_autofree char *dir = g_dir_make_tmp ("techo-recent-XXXXXX", NULL);
  g_autoptr(TechoRecordSet) full = NULL;
  g_autoptr(TechoRecordSet) recent = NULL;
  g_autofree char *overview_full = NULL, *overview_recent = NULL;
  g_autofree char *page_full = NULL, *page_recent = NULL;
  g_autofree char *timeline_full = NULL, *timeline_recent = NULL;
  guint n_ingredients = 0;
  gboolean whole;

  techo_sandbox_citizen_ensure (citizen);
  read_both (citizen, dir, &full, &recent, &n_ingredients);
  g_test_message ("%s: %u of %u dispensings read, %u ingredients", citizen->id,
                  recent->dispensings->len, full->dispensings->len, n_ingredients);
  assert_subset (full, recent);
  g_assert_cmpuint (recent->checkups->len, ==, full->checkups->len);
  g_assert_cmpuint (recent->screenings->len, ==, full->screenings->len);
  g_assert_cmpuint (recent->entries->len, ==, full->entries->len);

  /* Every answer the same: to the dispensing when the read is whole (an
   * ingredient with up to TECHO_RECENT_PER_INGREDIENT lines in the
   * period), else in what it says (the ingredients and prescribers of the
   * duplicates, the drugs taken now and their days left). */
  whole = recent->dispensings->len == full->dispensings->len;
  overview_full = overview_says (full, whole);
  overview_recent = overview_says (recent, whole);
  g_assert_cmpstr (overview_recent, ==, overview_full);
  page_full = medicines_page_says (full, whole);
  page_recent = medicines_page_says (recent, whole);
  g_assert_cmpstr (page_recent, ==, page_full);
  timeline_full = timeline_says (full);
  timeline_recent = timeline_says (recent);
  g_assert_cmpstr (timeline_recent, ==, timeline_full);
  if (dense)
    {
      /* The chain: a link per supply (28 days) and a few for gaps. */
      guint links = RECENT_DAYS / 28 + 8;

      g_assert_cmpuint (full->dispensings->len, >, 10 * recent->dispensings->len);
      g_assert_cmpuint (recent->dispensings->len, <=,
                        n_ingredients * (TECHO_RECENT_PER_INGREDIENT + links));
    }
  g_test_message ("%s\n%s", overview_recent, timeline_recent);
  techo_test_remove_tree (dir);
}

static GPtrArray *
citizens_new (TechoSandboxDataOptions *options,
              guint                    per_month)
{
  techo_sandbox_data_options_init (options);
  g_date_set_dmy (&options->today, 25, G_DATE_NOVEMBER, 2026);
  options->bulk_years = 2;
  options->bulk_dispensings_per_month = per_month;
  return techo_sandbox_citizens_new (options);
}

static void
test_demo_citizens (void)
{
  TechoSandboxDataOptions options;
  g_autoptr(GPtrArray) citizens = citizens_new (&options, 4);

  for (guint i = 0; i < citizens->len; i++)
    check_citizen (g_ptr_array_index (citizens, i), FALSE);
}

static void
test_dense (void)
{
  TechoSandboxDataOptions options;
  g_autoptr(GPtrArray) citizens = citizens_new (&options, 600);

  check_citizen (techo_sandbox_citizens_find (citizens, "bulk"), TRUE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/recent/demo-citizens", test_demo_citizens);
  g_test_add_func ("/store/recent/dense", test_dense);
  return g_test_run ();
}
