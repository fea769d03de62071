/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Views that read only what they show, under Xvfb on a real encrypted
 * store of decades of dispensings: the window holds the last 13 months
 * only; the medicines page's history is the store's ingredients with the
 * store's counts; a paged list model scrolled end to end (and back, and
 * by jumps) gives the store's order while holding at most its window of
 * rows; and an export still discloses the whole history, older than the
 * window included. No timed assertions. */

#include "config.h"

#include <string.h>

#include "techo-dispensing-model.h"
#include "techo-export.h"
#include "techo-format.h"
#include "techo-medicines-page.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-store.h"
#include "techo-test-util.h"

#define TODAY "2025-09-01"
#define N_ROWS 3000

typedef struct
{
  char *dir;
  TechoStore *store;
  gint64 profile_id;
} Fixture;

static const char * const codes[] = {
  "2149044F1020", "3969007F1025", "1124017F1030", "2189015F1020", "6250002F1020",
};

/* 1990 to late August 2025, a few rows a week. */
static TechoDispensing *
dispensing_new (guint i)
{
  TechoDispensing *d = techo_dispensing_new ();
  g_autoptr(GDateTime) when = g_date_time_new_utc (1990, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) day = g_date_time_add_days (when, (int) (i * 13028ull / N_ROWS));

  d->id = g_strdup_printf ("views-%05u", i);
  d->revision = 1;
  d->dispensed_on = g_date_time_format (day, "%Y-%m-%d");
  d->yj_code = g_strdup (codes[i % G_N_ELEMENTS (codes)]);
  d->drug_name = g_strdup_printf ("Medicine %c", 'A' + (int) (i % G_N_ELEMENTS (codes)));
  d->ingredient_name = g_strdup_printf ("Ingredient %c", 'A' + (int) (i % G_N_ELEMENTS (codes)));
  d->prescriber_name = g_strdup ("Clinic");
  d->days = 28;
  d->quantity = 1;
  return d;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();

  f->store = techo_test_store_open ("techo-app-views-XXXXXX", &f->dir);
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("sub-views");
  profile->name = g_strdup ("山田 花子");
  profile->birth_date = g_strdup ("1950-04-01");
  profile->sex = g_strdup ("female");
  f->profile_id = techo_test_store_add_history (f->store, profile, N_ROWS, dispensing_new);
}

static void
fixture_tear_down (Fixture       *f,
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
  g_assert_cmpuint (all->len, ==, N_ROWS);
  return all;
}

/* The row at @position once its page is read. */
static void
check_row (TechoDispensingModel *model,
           guint                 position,
           GPtrArray            *all)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autoptr(TechoDispensingItem) item = NULL;

  while (TRUE)
    {
      g_clear_object (&item);
      item = g_list_model_get_item (G_LIST_MODEL (model), position);
      if (techo_dispensing_item_get_dispensing (item) != NULL || g_get_monotonic_time () > end)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_nonnull (techo_dispensing_item_get_dispensing (item));
  g_assert_cmpstr (techo_dispensing_item_get_dispensing (item)->id, ==,
                   ((TechoDispensing *) g_ptr_array_index (all, position))->id);
  /* However far it went, no more than its window. */
  g_assert_cmpuint (techo_dispensing_model_get_n_cached (model), <=,
                    techo_dispensing_model_get_max_cached (model));
}

static void
test_model_window (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) all = list_all (f);
  g_autoptr(TechoDispensingModel) model = techo_dispensing_model_new (f->store, f->profile_id,
                                                                       NULL, N_ROWS, NULL);
  guint max = techo_dispensing_model_get_max_cached (model);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, N_ROWS);
  g_assert_cmpuint (max, <, N_ROWS / 4);
  /* Down to the end, then back up to the top: by keyset both ways. */
  for (guint i = 0; i < N_ROWS; i++)
    check_row (model, i, all);
  g_assert_false (techo_dispensing_model_is_loaded (model, 0));
  for (guint i = N_ROWS; i > 0; i--)
    check_row (model, i - 1, all);
  /* Jumps (a dragged scrollbar): by offset. */
  for (guint i = 0; i < 40; i++)
    check_row (model, (i * 7919u) % N_ROWS, all);
  g_assert_cmpuint (techo_dispensing_model_get_n_cached (model), <=, max);
}

static TechoWindow *
open_window (Fixture *f)
{
  TechoWindow *window = techo_window_new (NULL);
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  techo_window_set_store (window, f->store);
  while (techo_window_get_mode (window) != TECHO_WINDOW_MODE_MAIN
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_MAIN);
  return window;
}

/* Each history row bound on screen holds the two chips its widget was
 * made with (a bind shows one, hides the other; it makes none): every
 * ingredient here is taken now. Returns the rows seen. */
static guint
check_row_chips (GtkWidget *widget)
{
  guint rows = 0;

  if (GTK_IS_TREE_EXPANDER (widget) && gtk_widget_get_mapped (widget))
    {
      GtkWidget *taking = g_object_get_data (G_OBJECT (widget), "taking-chip");
      GtkWidget *overlaps = g_object_get_data (G_OBJECT (widget), "overlaps-chip");
      GtkWidget *suffix = taking != NULL ? gtk_widget_get_parent (taking) : NULL;
      guint chips = 0;

      g_assert_nonnull (suffix);
      g_assert_true (gtk_widget_get_parent (overlaps) == suffix);
      for (GtkWidget *c = gtk_widget_get_first_child (suffix); c != NULL;
           c = gtk_widget_get_next_sibling (c))
        chips++;
      g_assert_cmpuint (chips, ==, 2);
      g_assert_true (gtk_widget_get_visible (taking));
      g_assert_false (gtk_widget_get_visible (overlaps));
      return 1;
    }
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    rows += check_row_chips (c);
  return rows;
}

/* The window holds 13 months; the history shows the store's ingredients,
 * each with all its dispensings counted; an export still holds them all. */
static void
test_window_and_export (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GPtrArray) all = list_all (f);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *exported = NULL;
  const TechoDispensing *oldest = g_ptr_array_index (all, all->len - 1);
  TechoWindow *window = open_window (f);
  TechoRecordSet *records = techo_window_get_records (window);
  TechoMedicinesPage *medicines;
  GtkTreeListModel *tree;
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint total = 0;

  g_assert_false (records->complete);
  g_assert_cmpuint (records->dispensings->len, >, 0);
  g_assert_cmpuint (records->dispensings->len, <, N_ROWS / 20);
  for (guint i = 0; i < records->dispensings->len; i++)
    g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (records->dispensings, i))->dispensed_on,
                     >=, "2024-07-28");

  techo_window_show_page (window, "medicines");
  medicines = TECHO_MEDICINES_PAGE (techo_window_get_page (window, "medicines"));
  while (techo_medicines_page_is_loading (medicines) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (techo_medicines_page_is_loading (medicines));
  techo_medicines_page_show_view (medicines, "history");
  summaries = techo_store_list_ingredients_sync (f->store, f->profile_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summaries->len, ==, G_N_ELEMENTS (codes));
  g_assert_cmpuint (techo_medicines_page_get_n_ingredients (medicines), ==, summaries->len);
  tree = techo_medicines_page_get_history_model (medicines);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tree)), ==, summaries->len);
  for (guint i = 0; i < summaries->len; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);
      g_autoptr(TechoIngredientItem) item = gtk_tree_list_row_get_item (row);
      const TechoIngredientSummary *s = techo_ingredient_item_get_summary (item);

      g_assert_cmpstr (s->key, ==, ((TechoIngredientSummary *) g_ptr_array_index (summaries, i))->key);
      g_assert_cmpuint (s->n, ==, N_ROWS / G_N_ELEMENTS (codes));
      /* Every one is still dispensed within 28 days of today. */
      g_assert_true (techo_ingredient_item_get_current (item));
      total += s->n;
    }
  g_assert_cmpuint (total, ==, N_ROWS);
  techo_test_app_save_screenshot (GTK_WIDGET (window), "app-views-history.png", 300);
  g_assert_cmpuint (check_row_chips (GTK_WIDGET (medicines)), >, 0);

  /* An export of everything, while the window holds 13 months. */
  out_dir = g_dir_make_tmp ("techo-app-views-out-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (out_dir, "all.json", NULL);
  consent = techo_consent_new ("Dr. Views", "test", 1u << TECHO_CATEGORY_MEDICATION,
                               TECHO_CONSENT_METHOD_FHIR);
  g_assert_true (techo_export_run_sync (f->store, f->profile_id, consent,
                                        &(TechoExportFile) { TECHO_EXPORT_FORMAT_FHIR, path },
                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &exported, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (exported, oldest->dispensed_on));
  g_assert_cmpstr (oldest->dispensed_on, <, "1991-01-01");
  techo_test_remove_tree (out_dir);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);
  g_test_add ("/app/views/model-window", Fixture, NULL, fixture_set_up, test_model_window,
              fixture_tear_down);
  g_test_add ("/app/views/window-and-export", Fixture, NULL, fixture_set_up,
              test_window_and_export, fixture_tear_down);
  return g_test_run ();
}
