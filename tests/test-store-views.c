/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The medication history a window at a time (techo-store-dispensing-views.h):
 * every view query's plan uses an index (no scan of the dispensings), the
 * per-ingredient rows the trigger keeps agree with the rows themselves
 * through inserts, withdrawals and revisions, and paging by keyset or
 * offset, either way, gives exactly the list the whole read gives. Real
 * SQLCipher, real keyring. */

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-test-store.h"
#include "techo-test-util.h"

#define N_ROWS 1200

typedef struct
{
  char *dir;
  TechoStore *store;
  gint64 profile_id;
} Fixture;

/* Ingredients as the store groups them (TECHO_STORE_INGREDIENT_KEY). */
static char *
key_of (const TechoDispensing *d)
{
  if (d->yj_code != NULL && strlen (d->yj_code) >= 7)
    return g_strndup (d->yj_code, 7);
  return g_strdup (d->drug_name != NULL ? d->drug_name : "");
}

static TechoDispensing *
dispensing_new (guint i)
{
  static const char * const codes[] = { "2149044F1020", "3969007F1025", "1124017F1030",
                                        NULL, "2149044F2025", "114" };
  TechoDispensing *d = techo_dispensing_new ();
  guint day = i % 28 + 1;
  guint month = i / 28 % 12 + 1;
  guint year = 1990 + i / (28 * 12);

  d->id = g_strdup_printf ("rx-%05u", i);
  d->revision = 1;
  /* Several rows a day (the keyset's ties), some undated. */
  if (i % 97 != 5)
    d->dispensed_on = g_strdup_printf ("%04u-%02u-%02u", year, month, (day / 3) * 3 + 1);
  d->yj_code = g_strdup (codes[i % G_N_ELEMENTS (codes)]);
  d->drug_name = g_strdup_printf ("Drug %u", i % 7);
  d->ingredient_name = i % 3 == 0 ? g_strdup_printf ("Ingredient %u", i % 6) : NULL;
  d->prescriber_name = g_strdup (i % 2 ? "A Clinic" : "B Hospital");
  d->days = 14;
  d->quantity = 3;
  return d;
}

static void
upsert (Fixture   *f,
        GPtrArray *page)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_upsert_page_sync (f->store, f->profile_id, TECHO_CATEGORY_MEDICATION,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();

  f->store = techo_test_store_open ("techo-views-XXXXXX", &f->dir);
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("sub-views");
  profile->name = g_strdup ("山田 花子");
  f->profile_id = techo_test_store_add_history (f->store, profile, N_ROWS, dispensing_new);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  techo_test_store_close (g_steal_pointer (&f->store), f->dir);
  g_free (f->dir);
}

static GPtrArray *
list_all (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = techo_store_list_dispensings_sync (f->store, f->profile_id, NULL, NULL,
                                                      NULL, &error);

  g_assert_no_error (error);
  return all;
}

/* Each view query finds its rows through an index: no plan step reads the
 * dispensings table whole, none sorts in a temporary b-tree, and the
 * per-ingredient ones use the ingredient index. */
static void
test_plans (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) plans = techo_store_explain_dispensing_views_sync (f->store, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (plans->len, >=, 10);
  for (guint i = 0; i < plans->len; i++)
    {
      const char *plan = g_ptr_array_index (plans, i);
      g_auto(GStrv) steps = g_strsplit (strchr (plan, ':') + 1, ";", -1);

      g_test_message ("%s", plan);
      for (guint j = 0; steps[j] != NULL; j++)
        if (strstr (steps[j], "dispensings") != NULL && strstr (steps[j], "dispensing_ingredients") == NULL)
          {
            g_assert_nonnull (strstr (steps[j], "USING"));
            g_assert_null (strstr (steps[j], "SCAN TABLE dispensings "));
          }
      g_assert_null (strstr (plan, "TEMP B-TREE"));
      if (g_str_has_prefix (plan, "ingredient_") || g_str_has_prefix (plan, "recent_"))
        g_assert_nonnull (strstr (plan, "dispensings_by_ingredient"));
      if (g_str_has_prefix (plan, "ingredients:"))
        g_assert_nonnull (strstr (plan, "dispensing_ingredients"));
    }
}

/* The ingredient rows against the rows themselves. */
static void
check_ingredients (Fixture *f)
{
  g_autoptr(GPtrArray) all = list_all (f);
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) newest = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  for (guint i = 0; i < all->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (all, i);
      char *key = key_of (d);

      if (!g_hash_table_contains (newest, key))
        g_hash_table_insert (newest, g_strdup (key), (gpointer) d);
      g_hash_table_insert (counts, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) + 1));
    }
  summaries = techo_store_list_ingredients_sync (f->store, f->profile_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, g_hash_table_size (counts));
  for (guint i = 0; i < summaries->len; i++)
    {
      const TechoIngredientSummary *s = g_ptr_array_index (summaries, i);
      const TechoDispensing *d = g_hash_table_lookup (newest, s->key);

      g_assert_nonnull (d);
      g_assert_cmpuint (s->n, ==, GPOINTER_TO_UINT (g_hash_table_lookup (counts, s->key)));
      g_assert_cmpstr (s->newest, ==, d->dispensed_on);
      g_assert_cmpstr (s->name, ==, d->ingredient_name != NULL ? d->ingredient_name : d->drug_name);
      if (i > 0)
        {
          const TechoIngredientSummary *before = g_ptr_array_index (summaries, i - 1);

          g_assert_true (s->newest == NULL || g_strcmp0 (before->newest, s->newest) >= 0);
        }
      total += s->n;
    }
  g_assert_cmpuint (total, ==, all->len);
}

static void
test_ingredients (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;
  guint n_revised = 0;

  check_ingredients (f);
  /* Withdrawn (a higher revision), changed ingredient, a row revised by
   * a 電子処方箋 row: the counts follow. */
  for (guint i = 0; i < 40; i++)
    {
      TechoDispensing *d = dispensing_new (i * 7);

      d->revision = 2;
      if (i % 2 == 0)
        d->withdrawn = TRUE;
      else
        {
          g_free (d->yj_code);
          d->yj_code = g_strdup ("6250002F1020");
        }
      g_ptr_array_add (page, d);
    }
  upsert (f, page);
  check_ingredients (f);
  g_assert_true (techo_store_revise_dispensings_sync (f->store, f->profile_id, "rx-", &n_revised,
                                                     NULL, NULL, &error));
  g_assert_no_error (error);
  check_ingredients (f);
}

/* Pages newest first: keyset forwards, keyset backwards and offset all
 * give the whole read's order, for all and for each ingredient. */
/* A page as the views read it. */
static TechoDispensingPage *
read_page (Fixture                   *f,
           const char                *key,
           TechoDispensingPageAnchor  anchor,
           const char                *edge_date,
           gint64                     edge_row,
           guint                      offset,
           guint                      limit,
           GCancellable              *cancellable,
           GError                   **error)
{
  TechoDispensingQuery query = {
    .profile_id = f->profile_id, .ingredient_key = key, .anchor = anchor,
    .edge_date = edge_date, .edge_row = edge_row, .offset = offset, .limit = limit,
  };

  return techo_store_list_dispensing_page_sync (f->store, &query, cancellable, error);
}

static void
check_pages (Fixture    *f,
             const char *key,
             GPtrArray  *expected,
             guint       limit)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_page_free);
  g_autoptr(GError) error = NULL;
  guint seen = 0;

  /* Forwards by keyset. */
  while (TRUE)
    {
      TechoDispensingPage *last = pages->len > 0 ? g_ptr_array_index (pages, pages->len - 1) : NULL;
      TechoDispensingPage *page;

      page = last == NULL
             ? read_page (f, key,
                                                      TECHO_DISPENSING_PAGE_AT, NULL, 0, 0, limit,
                                                      NULL, &error)
             : read_page (f, key,
                                                      TECHO_DISPENSING_PAGE_OLDER, last->last_date,
                                                      last->last_row, 0, limit, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (page->dispensings->len, <=, limit);
      for (guint i = 0; i < page->dispensings->len; i++, seen++)
        {
          const TechoDispensing *d = g_ptr_array_index (page->dispensings, i);
          const TechoDispensing *want = g_ptr_array_index (expected, seen);

          g_assert_cmpuint (seen, <, expected->len);
          g_assert_cmpstr (d->id, ==, want->id);
        }
      if (page->dispensings->len == 0)
        {
          techo_dispensing_page_free (page);
          break;
        }
      g_ptr_array_add (pages, page);
    }
  g_assert_cmpuint (seen, ==, expected->len);

  /* Backwards by keyset from each page, and each page by offset. */
  for (guint p = 0; p < pages->len; p++)
    {
      TechoDispensingPage *page = g_ptr_array_index (pages, p);
      g_autoptr(TechoDispensingPage) at = NULL;

      at = read_page (f, key,
                                                  TECHO_DISPENSING_PAGE_AT, NULL, 0, p * limit,
                                                  limit, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (at->dispensings->len, ==, page->dispensings->len);
      for (guint i = 0; i < at->dispensings->len; i++)
        g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (at->dispensings, i))->id, ==,
                         ((TechoDispensing *) g_ptr_array_index (page->dispensings, i))->id);
      if (p + 1 < pages->len)
        {
          TechoDispensingPage *next = g_ptr_array_index (pages, p + 1);
          g_autoptr(TechoDispensingPage) back = NULL;

          back = read_page (f, key,
                                                        TECHO_DISPENSING_PAGE_NEWER,
                                                        next->first_date, next->first_row, 0,
                                                        limit, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpuint (back->dispensings->len, ==, page->dispensings->len);
          for (guint i = 0; i < back->dispensings->len; i++)
            g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (back->dispensings, i))->id, ==,
                             ((TechoDispensing *) g_ptr_array_index (page->dispensings, i))->id);
        }
    }
}

static void
test_pages (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GPtrArray) all = list_all (f);
  g_autoptr(GPtrArray) undated = g_ptr_array_new ();
  g_autoptr(GPtrArray) expected = g_ptr_array_new ();
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;

  /* The whole read puts undated rows last (as SQLite sorts NULL); the
   * pages do too, the newest row first. */
  for (guint i = 0; i < all->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (all, i);

      g_ptr_array_add (d->dispensed_on != NULL ? expected : undated, d);
    }
  g_assert_cmpuint (undated->len, >, 0);
  for (guint i = 0; i < undated->len; i++)
    g_ptr_array_add (expected, g_ptr_array_index (undated, i));
  check_pages (f, NULL, expected, 73);

  summaries = techo_store_list_ingredients_sync (f->store, f->profile_id, NULL, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < summaries->len; k++)
    {
      const TechoIngredientSummary *s = g_ptr_array_index (summaries, k);
      g_autoptr(GPtrArray) of_key = g_ptr_array_new ();

      for (guint i = 0; i < expected->len; i++)
        {
          g_autofree char *key = key_of (g_ptr_array_index (expected, i));

          if (g_str_equal (key, s->key))
            g_ptr_array_add (of_key, g_ptr_array_index (expected, i));
        }
      g_assert_cmpuint (of_key->len, ==, s->n);
      check_pages (f, s->key, of_key, 31);
    }
}

/* The share dialog's figures for a period, against the whole read's. */
static void
test_summary (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) period = techo_store_list_dispensings_sync (f->store, f->profile_id,
                                                                   "1991-03-01", "1992-02-28",
                                                                   NULL, &error);
  g_autoptr(TechoDispensingSummary) summary = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_no_error (error);
  summary = techo_store_summarize_dispensings_sync (f->store, &(TechoDispensingQuery) {
                                                      .profile_id = f->profile_id,
                                                      .from = "1991-03-01", .to = "1992-02-28" },
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->n, ==, period->len);
  g_assert_cmpuint (period->len, >, 0);
  g_assert_cmpstr (summary->last, ==, ((TechoDispensing *) g_ptr_array_index (period, 0))->dispensed_on);
  g_assert_cmpstr (summary->first, ==,
                   ((TechoDispensing *) g_ptr_array_index (period, period->len - 1))->dispensed_on);
  for (guint i = 0; i < period->len; i++)
    g_hash_table_add (names, ((TechoDispensing *) g_ptr_array_index (period, i))->drug_name);
  g_assert_cmpuint (summary->names->len, ==, g_hash_table_size (names));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/store/views/plans", Fixture, NULL, setup, test_plans, teardown);
  g_test_add ("/store/views/ingredients", Fixture, NULL, setup, test_ingredients, teardown);
  g_test_add ("/store/views/pages", Fixture, NULL, setup, test_pages, teardown);
  g_test_add ("/store/views/summary", Fixture, NULL, setup, test_summary, teardown);
  return g_test_run ();
}
