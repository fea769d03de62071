/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench scale: the scale axis is data, not users. Each query a
 * view runs, timed on stores of ~5k, ~52k and ~525k dispensing lines
 * (the median of --runs), with the largest over the smallest as a ratio
 * (a query that reads only what it shows stays near 1); then the real
 * app on the largest store under the display it is given (Xvfb in
 * `build-aux/dev bench`): every page opened once, the medicine history
 * scrolled --scroll-rows rows one row per frame, the frame times, and
 * the memory after it all (see techo-window-bench.c). The app draws with
 * GSK_RENDERER=cairo unless --renderer says otherwise: under Xvfb GTK's
 * GL renderer runs on llvmpipe, whose cost per frame swamps the app's.
 *
 * The stores are written through the store's API (not a sync: the
 * figures are about reading), with the bulk citizen's shape: 40 years
 * of claims lines ending this month, N a month, the sandbox's eight
 * drugs (seven ingredients) from three clinics and two pharmacies. */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "techo-bench.h"
#include "techo-bench-scale.h"
#include "techo-store.h"

#define MAX_SIZES 4
#define MAX_RUNS 25

static const struct
{
  const char *name;
  const char *ingredient;
  const char *yj;
  const char *usage;
} drugs[] = {
  { "ノルバスク錠2.5mg", "アムロジピンベシル酸塩", "2171022F1029", "1日1回 朝食後" },
  { "メトグルコ錠250mg", "メトホルミン塩酸塩", "3962002F2027", "1日2回 朝夕食後" },
  { "リピトール錠10mg", "アトルバスタチンカルシウム水和物", "2189015F2020", "1日1回 夕食後" },
  { "ロキソニン錠60mg", "ロキソプロフェンナトリウム水和物", "1149019F1560", "1日3回 毎食後" },
  { "ロキソプロフェンNa錠60mg「TCK」", "ロキソプロフェンナトリウム水和物", "1149019F1706",
    "1日2回 朝夕食後" },
  { "フェキソフェナジン塩酸塩錠60mg「サワイ」", "フェキソフェナジン塩酸塩", "4490023F1270",
    "1日2回 朝夕食後" },
  { "酸化マグネシウム錠330mg", "酸化マグネシウム", NULL, "1日3回 毎食後" },
  { "レバミピド錠100mg", "レバミピド", NULL, "1日3回 毎食後" },
};

static const char * const clinics[] = { "さくら内科クリニック", "青葉整形外科",
                                        "みなみ耳鼻咽喉科クリニック" };
static const char * const pharmacies[] = { "駅前薬局", "みどり薬局" };

/* A store in @data_dir with @per_month lines a month for @years years. */
static TechoStore *
fill_store (const char  *data_dir,
            int          years,
            int          per_month,
            gint64      *out_profile,
            guint       *out_lines,
            GError     **error)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);   /* the same data every run */
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) start = NULL;
  guint lines = 0;

  if (!techo_store_open_sync (store, NULL, NULL, error))
    return NULL;
  profile->issuer = g_strdup ("https://bench.invalid");
  profile->subject = g_strdup ("sub-bulk");
  profile->name = g_strdup ("高橋 健");
  profile->birth_date = g_strdup ("1964-04-01");
  profile->sex = g_strdup ("male");
  if (!techo_store_ensure_profile_sync (store, profile, out_profile, NULL, error))
    return NULL;
  start = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  for (int m = years * 12; m > 0; m--)
    {
      g_autoptr(GDateTime) month = g_date_time_add_months (start, -m + 1);
      int days = g_date_get_days_in_month (g_date_time_get_month (month),
                                           g_date_time_get_year (month));

      for (int k = 0; k < per_month; k++)
        {
          TechoDispensing *d = techo_dispensing_new ();
          guint pick = g_rand_int_range (rand, 0, G_N_ELEMENTS (drugs));
          g_autoptr(GDateTime) day = g_date_time_add_days (month, g_rand_int_range (rand, 0, days));

          d->id = g_strdup_printf ("bench-%d-%d", m, k);
          d->revision = 1;
          d->dispensed_on = g_date_time_format (day, "%Y-%m-%d");
          d->prescribed_on = g_strdup (d->dispensed_on);
          d->setting = g_strdup ("outpatient");
          d->drug_name = g_strdup (drugs[pick].name);
          d->ingredient_name = g_strdup (drugs[pick].ingredient);
          d->yj_code = g_strdup (drugs[pick].yj);
          d->usage = g_strdup (drugs[pick].usage);
          d->quantity = 1 + pick % 3;
          d->unit = g_strdup ("錠");
          d->days = 28;
          d->prescriber_name = g_strdup (clinics[k % G_N_ELEMENTS (clinics)]);
          d->pharmacy_name = g_strdup (pharmacies[k % G_N_ELEMENTS (pharmacies)]);
          g_ptr_array_add (page, d);
          lines++;
          if (page->len == TECHO_STORE_MAX_PAGE_RECORDS)
            {
              if (!techo_store_upsert_page_sync (store, *out_profile, TECHO_CATEGORY_MEDICATION,
                                                 page, NULL, NULL, error))
                return NULL;
              g_ptr_array_set_size (page, 0);
            }
        }
    }
  if (page->len > 0
      && !techo_store_upsert_page_sync (store, *out_profile, TECHO_CATEGORY_MEDICATION, page,
                                        NULL, NULL, error))
    return NULL;
  *out_lines = lines;
  return g_steal_pointer (&store);
}

/* The views' queries. */
typedef enum
{
  VIEW_INGREDIENTS,       /* the history's rows */
  VIEW_INGREDIENT_FIRST,  /* the largest ingredient expanded: its first page */
  VIEW_INGREDIENT_NEXT,   /* … its next page, halfway down (keyset) */
  VIEW_ALL_FIRST,         /* every dispensing: the first page */
  VIEW_ALL_NEXT,          /* … the next page halfway down (keyset) */
  VIEW_RECENT,            /* the old window's read: 13 months of dispensings, the rest whole */
  VIEW_RECENT_DISPENSINGS, /* what the analysis needs of those 13 months */
  VIEW_WINDOW,            /* the window's read: the rest whole, and those */
  N_VIEWS
} View;

static const char * const view_names[N_VIEWS] = {
  "ingredients", "ingredient_page", "ingredient_next_page", "all_page", "all_next_page",
  "recent_read", "recent_dispensings", "window_read",
};

typedef struct
{
  char *key;            /* the largest ingredient */
  guint key_n;
  guint all_n;
  char *key_edge_date;  /* a page edge halfway down */
  gint64 key_edge_row;
  char *all_edge_date;
  gint64 all_edge_row;
  char *recent_from;
} Probe;

static void
probe_clear (Probe *p)
{
  g_free (p->key);
  g_free (p->key_edge_date);
  g_free (p->all_edge_date);
  g_free (p->recent_from);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Probe, probe_clear)

static gboolean
probe_store (TechoStore  *store,
             gint64       profile,
             Probe       *p,
             GError     **error)
{
  g_autoptr(GPtrArray) summaries = techo_store_list_ingredients_sync (store, profile, NULL, error);
  g_autoptr(TechoDispensingPage) key_half = NULL;
  g_autoptr(TechoDispensingPage) all_half = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -400);

  if (summaries == NULL)
    return FALSE;
  for (guint i = 0; i < summaries->len; i++)
    {
      const TechoIngredientSummary *s = g_ptr_array_index (summaries, i);

      p->all_n += s->n;
      if (s->n > p->key_n)
        {
          g_free (p->key);
          p->key = g_strdup (s->key);
          p->key_n = s->n;
        }
    }
  key_half = techo_store_list_dispensing_page_sync (store, &(TechoDispensingQuery) {
                                                      .profile_id = profile, .ingredient_key = p->key,
                                                      .offset = p->key_n / 2, .limit = 50 },
                                                    NULL, error);
  if (key_half == NULL)
    return FALSE;
  all_half = techo_store_list_dispensing_page_sync (store, &(TechoDispensingQuery) {
                                                      .profile_id = profile,
                                                      .offset = p->all_n / 2, .limit = 50 },
                                                    NULL, error);
  if (all_half == NULL)
    return FALSE;
  p->key_edge_date = g_strdup (key_half->last_date);
  p->key_edge_row = key_half->last_row;
  p->all_edge_date = g_strdup (all_half->last_date);
  p->all_edge_row = all_half->last_row;
  p->recent_from = g_date_time_format (from, "%Y-%m-%d");
  return TRUE;
}

static gboolean
run_view (TechoStore  *store,
          gint64       profile,
          const Probe *p,
          View         view,
          GError     **error)
{
  TechoDispensingQuery query = { .profile_id = profile, .limit = 50 };
  gpointer result = NULL;

  switch (view)
    {
    case VIEW_INGREDIENTS:
      result = techo_store_list_ingredients_sync (store, profile, NULL, error);
      if (result != NULL)
        g_ptr_array_unref (result);
      return result != NULL;
    case VIEW_INGREDIENT_FIRST:
    case VIEW_ALL_FIRST:
      query.ingredient_key = view == VIEW_ALL_FIRST ? NULL : p->key;
      result = techo_store_list_dispensing_page_sync (store, &query, NULL, error);
      break;
    case VIEW_INGREDIENT_NEXT:
    case VIEW_ALL_NEXT:
      query.ingredient_key = view == VIEW_ALL_NEXT ? NULL : p->key;
      query.anchor = TECHO_DISPENSING_PAGE_OLDER;
      query.edge_date = view == VIEW_ALL_NEXT ? p->all_edge_date : p->key_edge_date;
      query.edge_row = view == VIEW_ALL_NEXT ? p->all_edge_row : p->key_edge_row;
      result = techo_store_list_dispensing_page_sync (store, &query, NULL, error);
      break;
    case VIEW_RECENT_DISPENSINGS:
      query.limit = 0;
      query.from = p->recent_from;
      result = techo_store_list_recent_dispensings_sync (store, &query, NULL, error);
      if (result != NULL)
        g_ptr_array_unref (result);
      return result != NULL;
    case VIEW_WINDOW:
      result = techo_store_read_recent_records_sync (store, profile, p->recent_from, NULL, error);
      if (result != NULL)
        techo_record_set_unref (result);
      return result != NULL;
    case VIEW_RECENT:
      result = techo_store_read_records_sync (store, profile, p->recent_from, NULL, error);
      if (result != NULL)
        techo_record_set_unref (result);
      return result != NULL;
    default:
      g_assert_not_reached ();
    }
  if (result == NULL)
    return FALSE;
  techo_dispensing_page_free (result);
  return TRUE;
}

/* The median ms of @runs runs of @view (after one to warm the cache). */
static gboolean
time_view (TechoStore  *store,
           gint64       profile,
           const Probe *p,
           View         view,
           int          runs,
           double      *out_ms,
           GError     **error)
{
  double ms[MAX_RUNS];

  if (!run_view (store, profile, p, view, error))
    return FALSE;
  for (int i = 0; i < runs; i++)
    {
      gint64 start = g_get_monotonic_time ();

      if (!run_view (store, profile, p, view, error))
        return FALSE;
      ms[i] = (g_get_monotonic_time () - start) / 1000.0;
    }
  qsort (ms, runs, sizeof (double), techo_bench_compare_double);
  *out_ms = ms[runs / 2];
  return TRUE;
}

/* The app on @data_dir, scrolling @rows rows: its lines, as they come. */
static gboolean
run_app_scroll (const char  *app,
                const char  *prefix,
                const char  *data_dir,
                int          rows,
                const char  *renderer,
                GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *rows_text = g_strdup_printf ("%d", rows);
  const char * const argv[] = { app, NULL };
  gboolean done = FALSE;
  char *line;

  g_subprocess_launcher_setenv (launcher, "TECHO_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TECHO_BENCH_SCROLL", rows_text, TRUE);
  /* No sync of its own: the store is all there is. */
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  if (g_strcmp0 (renderer, "default") != 0)
    g_subprocess_launcher_setenv (launcher, "GSK_RENDERER", renderer, TRUE);
  printf ("%sscroll_renderer=%s\n", prefix, renderer);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, error)) != NULL)
    {
      if (strchr (line, '=') != NULL)
        printf ("%s%s\n", prefix, line);
      done = done || g_str_has_prefix (line, "rss_after_scroll_kb=");
      g_free (line);
      fflush (stdout);
      if (done)
        break;
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  if (!done && error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the app stopped before the scroll ended");
  return done;
}

int
techo_bench_scale (int    argc,
                   char **argv)
{
  int years = 40, runs = 5, scroll_rows = 2000;
  g_autofree char *sizes_text = g_strdup ("11,110,1100");
  g_autofree char *renderer = g_strdup ("cairo");
  gboolean no_scroll = FALSE;
  g_autofree char *compare = NULL;
  g_autofree char *app = techo_bench_built_program ("src/app/techo");
  GOptionEntry entries[] = {
    /* Another build of Techo (e.g. main's) scrolled on the same store
     * after this one: before and after in one run. */
    { "compare-app", 0, 0, G_OPTION_ARG_FILENAME, &compare,
      "Also scroll with this techo program, its lines prefixed compare_", "PATH" },
    { "per-month", 0, 0, G_OPTION_ARG_STRING, &sizes_text,
      "Lines a month of each store, comma-separated (11,110,1100: ~5k, ~52k, ~525k)", "N,…" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, "Years of history (40)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each query; medians are printed (5)", "N" },
    { "scroll-rows", 0, 0, G_OPTION_ARG_INT, &scroll_rows,
      "Rows the app's medicine history is scrolled on the largest store (2000)", "N" },
    { "no-scroll", 0, 0, G_OPTION_ARG_NONE, &no_scroll, "Do not run the app", NULL },
    /* Xvfb has no GPU: GTK's GL renderer runs on llvmpipe there and costs
     * any window ~100 ms a frame, whatever it shows. */
    { "renderer", 0, 0, G_OPTION_ARG_STRING, &renderer,
      "GSK_RENDERER of the app (cairo; default: GTK's own choice)", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— view queries at 5k, 52k, 525k lines");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sizes = NULL;
  double ms[MAX_SIZES][N_VIEWS];
  guint lines[MAX_SIZES];
  guint n_sizes = 0;
  g_autofree char *largest_dir = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    goto failed;
  runs = CLAMP (runs, 1, MAX_RUNS);
  sizes = g_strsplit (sizes_text, ",", MAX_SIZES);
  for (guint s = 0; sizes[s] != NULL; s++, n_sizes++)
    {
      int per_month = atoi (sizes[s]);
      g_autofree char *data_dir = g_dir_make_tmp ("techo-bench-scale-XXXXXX", &error);
      g_autoptr(TechoStore) store = NULL;
      g_auto(Probe) probe = { 0 };
      gint64 profile = 0;
      gint64 start;

      if (data_dir == NULL)
        goto failed;
      start = g_get_monotonic_time ();
      store = fill_store (data_dir, years, CLAMP (per_month, 1, 10000), &profile, &lines[s], &error);
      if (store == NULL)
        goto failed;
      printf ("store_%u_fill_s=%.1f\n", lines[s], (g_get_monotonic_time () - start) / 1e6);
      if (!probe_store (store, profile, &probe, &error))
        goto failed;
      for (guint v = 0; v < N_VIEWS; v++)
        {
          if (!time_view (store, profile, &probe, v, runs, &ms[s][v], &error))
            goto failed;
          printf ("scale_%s_%u_ms=%.2f\n", view_names[v], lines[s], ms[s][v]);
        }
      fflush (stdout);
      if (!techo_store_close_sync (store, NULL, &error))
        goto failed;
      if (sizes[s + 1] != NULL || no_scroll)
        {
          g_autoptr(TechoStore) eraser = techo_store_new (data_dir);

          /* The key in the keyring and the files. */
          techo_store_erase_sync (eraser, NULL, NULL);
          g_rmdir (data_dir);
        }
      else
        largest_dir = g_steal_pointer (&data_dir);
    }
  if (n_sizes < 2)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "give two sizes or more");
      goto failed;
    }
  printf ("scale_lines_small=%u\nscale_lines_large=%u\n", lines[0], lines[n_sizes - 1]);
  for (guint v = 0; v < N_VIEWS; v++)
    printf ("scale_%s_ratio=%.2f\n", view_names[v],
            ms[n_sizes - 1][v] / MAX (ms[0][v], 0.001));
  fflush (stdout);

  if (largest_dir != NULL)
    {
      gboolean ok = run_app_scroll (app, "", largest_dir, scroll_rows, renderer, &error);

      if (ok && compare != NULL)
        ok = run_app_scroll (compare, "compare_", largest_dir, scroll_rows, renderer, &error);
      g_autoptr(TechoStore) eraser = techo_store_new (largest_dir);

      techo_store_erase_sync (eraser, NULL, NULL);
      g_rmdir (largest_dir);
      if (!ok)
        goto failed;
    }
  return 0;

failed:
  g_printerr ("techo-bench scale: %s\n", error != NULL ? error->message : "failed");
  return 1;
}
