/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app under Xvfb on a real encrypted store (real SQLCipher, the test
 * session's keyring): the window opens the store, reads it off the main
 * thread and every page shows what the store holds. Screenshots of each
 * page go to meson-logs/screenshots, in the language the test runs in
 * (the suite runs it once in English and once in Japanese). */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "techo-cda.h"
#include "techo-checkup-table.h"
#include "techo-checkups-page.h"
#include "techo-format.h"
#include "techo-http.h"
#include "techo-dispensing-model.h"
#include "techo-medicines-page.h"
#include "techo-overview-page.h"
#include "techo-preferences-window.h"
#include "techo-reminders.h"
#include "techo-screenings-page.h"
#include "techo-sharing-page.h"
#include "techo-store.h"
#include "techo-sync-controller.h"
#include "techo-test-sandbox.h"
#include "techo-trends-page.h"
#include "techo-visit-window.h"
#include "techo-welcome.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

#define TODAY "2025-09-01"

typedef struct
{
  char *data_dir;
  TechoStore *store;
  gint64 profile_id;
  TechoWindow *window;
} Fixture;

/* HbA1c, LDL and the rest over three yearly checkups; the latest is the
 * one the overview must show. */
static const struct
{
  const char *date;
  const char *values[8]; /* hba1c, ldl, hdl, tg_fasting, sbp, dbp, bmi, waist */
} checkups[] = {
  { "2023-06-10", { "5.7", "128", "58", "120", "126", "80", "23.9", "82.0" } },
  { "2024-06-12", { "6.1", "136", "55", "140", "131", "84", "24.4", "84.5" } },
  { "2025-06-15", { "6.6", "142", "52", "165", "138", "88", "24.8", "86.0" } },
};

static const char * const checkup_keys[] = {
  "hba1c", "ldl", "hdl", "tg_fasting", "sbp", "dbp", "bmi", "waist",
};

static const char *
lang (void)
{
  return techo_format_is_japanese () ? "ja" : "en";
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *file_name = g_strdup_printf ("app-%s-%s.png", lang (), name);

  techo_test_app_save_screenshot (widget, file_name, 250);
}

static TechoItem *
make_item (const char *key,
           const char *value)
{
  const TechoAnalyte *analyte = techo_reference_analyte (key);
  TechoItem *item = techo_item_new ();

  g_assert_nonnull (analyte);
  item->code = g_strdup (analyte->codes[0]);
  item->name = g_strdup (analyte->name_ja);
  item->type = TECHO_VALUE_PQ;
  item->value = g_strdup (value);
  item->unit = g_strdup (analyte->unit);
  return item;
}

static TechoDispensing *
make_dispensing (const char *id,
                 const char *date,
                 const char *yj,
                 const char *drug,
                 const char *ingredient,
                 const char *prescriber_code,
                 const char *prescriber,
                 int         days)
{
  TechoDispensing *d = techo_dispensing_new ();

  d->id = g_strdup (id);
  d->revision = 1;
  d->source = g_strdup ("dispensing");
  d->dispensed_on = g_strdup (date);
  d->setting = g_strdup ("outpatient");
  d->pharmacy_code = g_strdup ("1312345678");
  d->pharmacy_name = g_strdup ("さくら薬局");
  d->prescriber_code = g_strdup (prescriber_code);
  d->prescriber_name = g_strdup (prescriber);
  d->yj_code = g_strdup (yj);
  d->drug_name = g_strdup (drug);
  d->ingredient_name = g_strdup (ingredient);
  d->quantity = 1;
  d->unit = g_strdup ("錠");
  d->usage = g_strdup ("1日1回 朝食後");
  d->days = days;
  return d;
}

static void
fill_store (Fixture *fixture)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GError) error = NULL;
  const TechoCancerInfo *stomach = techo_reference_cancer (TECHO_CANCER_STOMACH);
  TechoScreening *screening;
  TechoItem *item;

  profile->issuer = g_strdup ("https://portal.test");
  profile->subject = g_strdup ("citizen-1");
  profile->name = g_strdup ("山田花子");
  profile->name_kana = g_strdup ("ヤマダハナコ");
  profile->birth_date = g_strdup ("1965-04-01");
  profile->sex = g_strdup ("female");
  g_assert_true (techo_store_ensure_profile_sync (fixture->store, profile, &fixture->profile_id,
                                                  NULL, &error));
  g_assert_no_error (error);

  page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  for (guint c = 0; c < G_N_ELEMENTS (checkups); c++)
    {
      TechoCheckup *checkup = techo_checkup_new ();

      checkup->id = g_strdup_printf ("chk-%u", c);
      checkup->revision = 1;
      checkup->performed_on = g_strdup (checkups[c].date);
      checkup->kind = g_strdup ("010");
      checkup->report_kind = g_strdup ("10");
      checkup->institution_code = g_strdup ("1311234567");
      checkup->institution_name = g_strdup ("みなと健診センター");
      for (guint k = 0; k < G_N_ELEMENTS (checkup_keys); k++)
        g_ptr_array_add (checkup->items, make_item (checkup_keys[k], checkups[c].values[k]));
      g_ptr_array_add (page, checkup);
    }
  g_assert_true (techo_store_upsert_page_sync (fixture->store, fixture->profile_id,
                                               TECHO_CATEGORY_CHECKUP, page, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* Amlodipine from two clinics for overlapping days: duplicate therapy.
   * Atorvastatin from one: no flag. */
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_ptr_array_add (page, make_dispensing ("rx-1", "2025-08-20", "2171022F1020", "アムロジピン錠5mg",
                                          "アムロジピン", "1310000001", "みなと内科", 30));
  g_ptr_array_add (page, make_dispensing ("rx-2", "2025-08-25", "2171022F2026", "ノルバスク錠5mg",
                                          "アムロジピン", "1310000002", "しながわ循環器クリニック", 28));
  g_ptr_array_add (page, make_dispensing ("rx-3", "2025-08-20", "2189015F1020", "アトルバスタチン錠10mg",
                                          "アトルバスタチン", "1310000001", "みなと内科", 30));
  g_ptr_array_add (page, make_dispensing ("rx-4", "2024-01-10", "2189015F1020", "アトルバスタチン錠10mg",
                                          "アトルバスタチン", "1310000001", "みなと内科", 30));
  g_assert_true (techo_store_upsert_page_sync (fixture->store, fixture->profile_id,
                                               TECHO_CATEGORY_MEDICATION, page, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&page, g_ptr_array_unref);

  /* A stomach screening that needs a detailed exam, none recorded. */
  page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  screening = techo_screening_new ();
  screening->id = g_strdup ("scr-1");
  screening->revision = 1;
  screening->performed_on = g_strdup ("2025-03-01");
  screening->cancer = g_strdup (stomach->key);
  screening->report_kind = g_strdup (stomach->report_kind);
  screening->stage = g_strdup ("primary");
  screening->municipality_code = g_strdup ("131032");
  screening->municipality_name = g_strdup ("港区");
  item = techo_item_new ();
  item->code = g_strdup (stomach->items[0].code);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup ("2");
  item->value_system = g_strdup (stomach->items[0].value_system);
  g_ptr_array_add (screening->items, item);
  screening->followup_code = g_strdup (stomach->followup_code);
  screening->followup_value = g_strdup ("2");
  g_ptr_array_add (page, screening);
  g_assert_true (techo_store_upsert_page_sync (fixture->store, fixture->profile_id,
                                               TECHO_CATEGORY_SCREENING, page, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->data_dir = g_dir_make_tmp ("techo-app-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = techo_store_new (fixture->data_dir);
  g_assert_true (techo_store_open_sync (fixture->store, NULL, NULL, &error));
  g_assert_no_error (error);
  if (data != NULL)
    fill_store (fixture);
  /* The window opens the store itself, as the app does on start. */
  g_assert_true (techo_store_close_sync (fixture->store, NULL, &error));

  fixture->window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  techo_window_set_store (fixture->window, fixture->store);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  techo_test_app_pump (50);
  techo_store_close_sync (fixture->store, NULL, NULL);
  techo_vault_clear_all (techo_store_get_vault (fixture->store), NULL, NULL);
  g_clear_object (&fixture->store);
  techo_test_remove_tree (fixture->data_dir);
  g_free (fixture->data_dir);
}

/* The medicines page's history reads its ingredients from the store. */
static void
wait_for_medicines (TechoMedicinesPage *medicines)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (techo_medicines_page_is_loading (medicines) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (techo_medicines_page_is_loading (medicines));
}

/* The history's rows are the store's ingredients, in its order, with its
 * counts; an ingredient opens on its dispensings, read from the store a
 * page at a time, newest first. */
static void
check_medicine_history (Fixture            *fixture,
                        TechoMedicinesPage *medicines)
{
  GtkTreeListModel *tree = techo_medicines_page_get_history_model (medicines);
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkTreeListRow) first = NULL;
  g_autoptr(TechoIngredientItem) ingredient = NULL;
  const TechoIngredientSummary *summary;
  GListModel *children;
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint shown = 0;

  summaries = techo_store_list_ingredients_sync (fixture->store, fixture->profile_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (tree);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (tree)), ==, summaries->len);
  for (guint i = 0; i < summaries->len; i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);
      g_autoptr(TechoIngredientItem) item = gtk_tree_list_row_get_item (row);
      const TechoIngredientSummary *want = g_ptr_array_index (summaries, i);

      g_assert_true (TECHO_IS_INGREDIENT_ITEM (item));
      g_assert_cmpstr (techo_ingredient_item_get_summary (item)->key, ==, want->key);
      g_assert_cmpstr (techo_ingredient_item_get_summary (item)->name, ==, want->name);
      g_assert_cmpuint (techo_ingredient_item_get_summary (item)->n, ==, want->n);
    }

  /* Expanded: its dispensings, as the whole read of the store lists them. */
  first = g_list_model_get_item (G_LIST_MODEL (tree), 0);
  ingredient = gtk_tree_list_row_get_item (first);
  summary = techo_ingredient_item_get_summary (ingredient);
  gtk_tree_list_row_set_expanded (first, TRUE);
  children = gtk_tree_list_row_get_children (first);
  g_assert_nonnull (children);
  g_assert_cmpuint (g_list_model_get_n_items (children), ==, summary->n);
  all = techo_store_list_dispensings_sync (fixture->store, fixture->profile_id, NULL, NULL,
                                           NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (all, i);
      g_autoptr(TechoDispensingItem) item = NULL;
      g_autofree char *key = d->yj_code != NULL && strlen (d->yj_code) >= 7
                             ? g_strndup (d->yj_code, 7) : g_strdup (d->drug_name);

      if (g_strcmp0 (key, summary->key) != 0)
        continue;
      while (TRUE)
        {
          g_clear_object (&item);
          item = g_list_model_get_item (children, shown);
          if (techo_dispensing_item_get_dispensing (item) != NULL || g_get_monotonic_time () > end)
            break;
          g_main_context_iteration (NULL, TRUE);
        }
      g_assert_nonnull (techo_dispensing_item_get_dispensing (item));
      g_assert_cmpstr (techo_dispensing_item_get_dispensing (item)->id, ==, d->id);
      shown++;
    }
  g_assert_cmpuint (shown, ==, summary->n);
  gtk_tree_list_row_set_expanded (first, FALSE);
}

static void
wait_for_mode (Fixture    *fixture,
               const char *mode)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_strcmp0 (techo_window_mode_to_string (techo_window_get_mode (fixture->window)), mode) != 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (techo_window_mode_to_string (techo_window_get_mode (fixture->window)), ==, mode);
  /* The window holds the recent dispensings only: no whole history follows. */
  if (g_str_equal (mode, "main"))
    g_assert_false (techo_window_get_records (fixture->window)->complete);
}


/* Saves the open checkup's official file and reads it back. */
static TechoCheckup *
save_and_read_official_file (TechoCheckupsPage *page)
{
  g_autofree char *dir = g_dir_make_tmp ("techo-save-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "checkup.xml", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoCheckup *checkup;
  gsize length = 0;

  techo_checkups_page_save_official_file (page, file);
  g_assert_true (techo_checkups_page_is_saving (page));
  while (techo_checkups_page_is_saving (page) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  checkup = techo_cda_read_checkup (contents, length, NULL, &error);
  g_assert_no_error (error);
  g_unlink (path);
  g_rmdir (dir);
  return checkup;
}

/* The overview's four answers (latest checkup, medicines, screenings,
 * the last sync) each lie wholly inside the window: seen without
 * scrolling. */
static void
assert_answers_in_window (TechoWindow       *window,
                          TechoOverviewPage *overview)
{
  static const char * const answers[] = { "checkup", "medicines", "screenings", "sync" };
  int width, height;

  techo_test_app_pump (300);   /* laid out */
  width = gtk_widget_get_width (GTK_WIDGET (window));
  height = gtk_widget_get_height (GTK_WIDGET (window));
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      GtkWidget *card = techo_overview_page_get_answer (overview, answers[i]);
      graphene_rect_t bounds;

      g_assert_nonnull (card);
      g_assert_true (gtk_widget_get_mapped (card));
      g_assert_true (gtk_widget_compute_bounds (card, GTK_WIDGET (window), &bounds));
      g_test_message ("%s: %.0f,%.0f %.0f×%.0f in %d×%d", answers[i], bounds.origin.x,
                      bounds.origin.y, bounds.size.width, bounds.size.height, width, height);
      g_assert_cmpfloat (bounds.size.height, >, 0);
      g_assert_cmpfloat (bounds.origin.x, >=, 0);
      g_assert_cmpfloat (bounds.origin.y, >=, 0);
      g_assert_cmpfloat (bounds.origin.x + bounds.size.width, <=, width);
      g_assert_cmpfloat (bounds.origin.y + bounds.size.height, <=, height);
    }
}

/* The cell of @key in @column starts with @value and ends with @mark
 * (NULL: no mark). */
static void
assert_cell (TechoCheckupTable *table,
             const char        *key,
             guint              column,
             const char        *value,
             const char        *mark)
{
  const char *cell = techo_checkup_table_get_cell (table, key, column);
  g_autofree char *expected = mark != NULL ? g_strdup_printf ("%s %s", value, mark)
                                           : g_strdup (value);

  g_assert_cmpstr (cell, ==, expected);
}

/* The year-by-year table: the last three checkups, newest first, each a
 * specific health checkup (a woman of 58–60), the values marked as on the
 * paper form (△ guidance level, ▲ see-a-doctor level, by the national
 * thresholds: HbA1c 5.6/6.5 %, LDL 120/140 mg/dL, HDL below 40). */
static void
check_year_by_year (TechoCheckupsPage *page)
{
  TechoCheckupTable *table = techo_checkups_page_get_table (page);
  g_auto(GStrv) groups = NULL;

  g_assert_cmpuint (techo_checkup_table_get_max_columns (table), ==, 3);
  g_assert_cmpuint (techo_checkup_table_get_n_columns (table), ==, 3);
  for (guint c = 0; c < 3; c++)
    {
      g_autofree char *date = techo_format_date (checkups[2 - c].date);

      g_assert_cmpstr (techo_checkup_table_get_column_date (table, c), ==, date);
      g_assert_cmpstr (techo_checkup_table_get_column_kind (table, c), ==,
                       _("Specific health checkup"));
      /* The kind is named on every row of the list too. */
      g_assert_true (g_str_has_prefix (techo_checkups_page_get_row_subtitle (page, c),
                                       _("Specific health checkup")));
      /* Every item of every checkup has its cell. */
      for (guint k = 0; k < G_N_ELEMENTS (checkup_keys); k++)
        {
          const char *cell = techo_checkup_table_get_cell (table, checkup_keys[k], c);
          g_autofree char *number = techo_format_number (techo_reference_analyte (checkup_keys[k]),
                                                         checkups[2 - c].values[k]);

          g_assert_nonnull (cell);
          g_assert_true (g_str_has_prefix (cell, number));
        }
    }
  assert_cell (table, "hba1c", 0, "6.6", "▲");
  assert_cell (table, "hba1c", 1, "6.1", "△");
  assert_cell (table, "hba1c", 2, "5.7", "△");
  assert_cell (table, "ldl", 0, "142", "▲");
  assert_cell (table, "ldl", 1, "136", "△");
  assert_cell (table, "hdl", 0, "52", NULL);
  g_assert_cmpuint (techo_checkup_table_get_n_rows (table), ==, G_N_ELEMENTS (checkup_keys));
  /* Rows in the official grouping. */
  groups = techo_checkup_table_dup_groups (table);
  g_assert_cmpuint (g_strv_length (groups), ==, 4);
  g_assert_cmpstr (groups[0], ==, techo_format_group_name (TECHO_FORM_GROUP_BODY));
  g_assert_cmpstr (groups[1], ==, techo_format_group_name (TECHO_FORM_GROUP_BLOOD_PRESSURE));
  g_assert_cmpstr (groups[2], ==, techo_format_group_name (TECHO_FORM_GROUP_LIPIDS));
  g_assert_cmpstr (groups[3], ==, techo_format_group_name (TECHO_FORM_GROUP_GLUCOSE));

  /* Two columns chosen: the oldest goes. */
  techo_checkups_page_set_table_columns (page, 2);
  g_assert_cmpuint (techo_checkup_table_get_n_columns (table), ==, 2);
  g_assert_null (techo_checkup_table_get_cell (table, "hba1c", 2));
  assert_cell (table, "hba1c", 1, "6.1", "△");
  techo_checkups_page_set_table_columns (page, 3);
  g_assert_cmpuint (techo_checkup_table_get_n_columns (table), ==, 3);
}

static void
test_walk_pages (Fixture       *fixture,
                 gconstpointer  data)
{
  TechoOverviewPage *overview;
  TechoCheckupsPage *checkups_page;
  TechoTrendsPage *trends;
  TechoMedicinesPage *medicines;
  TechoScreeningsPage *screenings;
  TechoChartView *chart;
  const TechoAnalyte *hba1c = techo_reference_analyte ("hba1c");
  g_autoptr(TechoCheckup) latest = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_auto(GStrv) groups = NULL;
  const TechoItem *latest_item;

  wait_for_mode (fixture, "main");

  /* The dashboard's HbA1c is the latest checkup's, as the store says. */
  g_assert_true (techo_store_is_open (fixture->store));
  latest = techo_store_latest_checkup_sync (fixture->store, fixture->profile_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (latest);
  g_assert_cmpstr (latest->performed_on, ==, "2025-06-15");
  latest_item = techo_analysis_find_key (latest, "hba1c");
  g_assert_nonnull (latest_item);
  expected = techo_format_value (hba1c, latest_item);
  g_assert_cmpstr (expected, ==, "6.6 %");

  overview = TECHO_OVERVIEW_PAGE (techo_window_get_page (fixture->window, "overview"));
  g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "overview");
  g_assert_cmpstr (techo_overview_page_get_value (overview, "hba1c"), ==, expected);
  g_assert_cmpstr (techo_overview_page_get_status (overview, "hba1c"), ==,
                   techo_format_status_label (TECHO_STATUS_SEE_DOCTOR));
  g_assert_cmpstr (techo_overview_page_get_value (overview, "ldl"), ==, "142 mg/dL");
  g_assert_cmpstr (techo_overview_page_get_status (overview, "ldl"), ==,
                   techo_format_status_label (TECHO_STATUS_SEE_DOCTOR));
  g_assert_cmpstr (techo_overview_page_get_status (overview, "hdl"), ==,
                   techo_format_status_label (TECHO_STATUS_NORMAL));
  /* Computed (the source did not say), marked so without doubled
   * brackets; the guidance level says why (waist 86 cm and BMI 24.8 are
   * under the criteria for a woman). */
  {
    g_autofree char *computed = techo_format_assessment (
      techo_metabolic_result_label_ja (TECHO_METABOLIC_NOT_MET), FALSE);

    g_assert_cmpstr (techo_overview_page_get_metabolic (overview), ==, computed);
    g_assert_null (strstr (computed, "）（"));
    g_assert_null (strstr (computed, ") ("));
    g_assert_cmpstr (techo_overview_page_get_guidance_reason (overview), ==,
                     _("Waist and BMI are below the criteria, so no health guidance is needed."));
  }
  g_assert_cmpuint (techo_overview_page_get_n_duplicates (overview), ==, 1);
  /* The items out of range come first, the rest are folded. */
  {
    guint out_of_range = 0;

    for (guint k = 0; k < G_N_ELEMENTS (checkup_keys); k++)
      {
        const char *status = techo_overview_page_get_status (overview, checkup_keys[k]);

        if (g_strcmp0 (status, techo_format_status_label (TECHO_STATUS_GUIDANCE)) == 0
            || g_strcmp0 (status, techo_format_status_label (TECHO_STATUS_SEE_DOCTOR)) == 0)
          out_of_range++;
      }
    g_assert_cmpuint (out_of_range, >, 0);
    g_assert_cmpuint (techo_overview_page_get_n_out_of_range (overview), ==, out_of_range);
  }
  /* Never synced (the records came in another way): the card says so. */
  g_assert_true (g_str_has_prefix (techo_overview_page_get_sync_text (overview),
                                   _("Not synced with My Number Portal")));
  techo_test_app_pump (300);
  /* The default size (less the frame's few pixels). */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), >=, 1080);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <=, 1100);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture->window)), >=, 740);
  g_assert_cmpint (gtk_widget_get_height (GTK_WIDGET (fixture->window)), <=, 760);
  g_assert_true (techo_overview_page_is_two_columns (overview));
  assert_answers_in_window (fixture->window, overview);
  save_screenshot (GTK_WIDGET (fixture->window), "1-overview");

  /* Ctrl+2 … the keyboard path to every page. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 2);
  g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "checkups");
  g_assert_cmpstr (techo_window_get_title_text (fixture->window), ==, _("Checkups"));
  checkups_page = TECHO_CHECKUPS_PAGE (techo_window_get_page (fixture->window, "checkups"));
  g_assert_cmpuint (techo_checkups_page_get_n_rows (checkups_page), ==, 3);
  check_year_by_year (checkups_page);
  save_screenshot (GTK_WIDGET (fixture->window), "2-checkups");
  g_assert_true (techo_checkups_page_show_detail (checkups_page, 0));
  g_assert_cmpstr (techo_checkups_page_get_detail_value (checkups_page, "hba1c"), ==, expected);
  groups = techo_checkups_page_dup_detail_groups (checkups_page);
  /* Groups in the order of the official form: body, blood pressure, lipids, glucose. */
  g_assert_cmpuint (g_strv_length (groups), ==, 4);
  g_assert_cmpstr (groups[0], ==, techo_format_group_name (TECHO_FORM_GROUP_BODY));
  g_assert_cmpstr (groups[3], ==, techo_format_group_name (TECHO_FORM_GROUP_GLUCOSE));
  save_screenshot (GTK_WIDGET (fixture->window), "3-checkup-detail");
  /* "Save official file…": the national CDA format, read back the same. */
  {
    g_autoptr(TechoCheckup) saved = save_and_read_official_file (checkups_page);
    const TechoItem *item = techo_analysis_find_key (saved, "hba1c");

    g_assert_cmpstr (saved->performed_on, ==, "2025-06-15");
    g_assert_nonnull (item);
    g_assert_cmpstr (item->value, ==, "6.6");
  }
  techo_checkups_page_show_list (checkups_page);

  /* The overview's HbA1c row opens its trend. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 3);
  trends = TECHO_TRENDS_PAGE (techo_window_get_page (fixture->window, "trends"));
  g_assert_cmpstr (techo_trends_page_get_analyte (trends), ==, "hba1c");
  g_assert_cmpuint (techo_trends_page_get_n_multiples (trends), ==, G_N_ELEMENTS (checkup_keys));
  g_assert_true (techo_trends_page_show_analyte (trends, "ldl"));
  g_assert_false (techo_trends_page_show_analyte (trends, "egfr"));
  g_signal_emit_by_name (overview, "show-trend", "hba1c");
  g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "trends");
  g_assert_cmpstr (techo_trends_page_get_analyte (trends), ==, "hba1c");
  chart = techo_trends_page_get_chart (trends);
  g_assert_cmpuint (techo_chart_model_get_n_points (techo_chart_view_get_model (chart)), ==, 3);
  /* The description reads as a sentence with the count, the latest value
   * and the direction. */
  g_assert_nonnull (strstr (techo_chart_view_get_description (chart), "6.6 %"));
  g_assert_nonnull (strstr (techo_chart_view_get_description (chart), "2023"));
  g_assert_nonnull (strstr (techo_chart_view_get_description (chart), _("rising")));
  /* Keyboard focus moves from point to point and the popover says the value. */
  gtk_widget_grab_focus (GTK_WIDGET (chart));
  techo_test_app_pump (50);
  g_assert_cmpint (techo_chart_view_get_focus_index (chart), ==, 2);
  techo_chart_view_set_focus_index (chart, 0);
  g_assert_nonnull (strstr (techo_chart_view_get_focus_text (chart), "5.7 %"));
  techo_chart_view_set_focus_index (chart, 2);
  save_screenshot (GTK_WIDGET (fixture->window), "4-trends");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 4);
  medicines = TECHO_MEDICINES_PAGE (techo_window_get_page (fixture->window, "medicines"));
  g_assert_cmpuint (techo_medicines_page_get_n_duplicates (medicines), ==, 1);
  g_assert_cmpuint (techo_medicines_page_get_n_current (medicines), ==, 3);
  wait_for_medicines (medicines);
  g_assert_cmpuint (techo_medicines_page_get_n_ingredients (medicines), ==, 2);
  check_medicine_history (fixture, medicines);
  /* Within the last 12 months: amlodipine and atorvastatin lanes. */
  g_assert_cmpuint (techo_medicines_page_get_n_timeline_lanes (medicines), ==, 2);
  save_screenshot (GTK_WIDGET (fixture->window), "5-medicines");
  techo_medicines_page_show_view (medicines, "history");
  save_screenshot (GTK_WIDGET (fixture->window), "6-medicines-history");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 5);
  screenings = TECHO_SCREENINGS_PAGE (techo_window_get_page (fixture->window, "screenings"));
  /* A 60-year-old woman: all five national screenings apply. */
  g_assert_cmpuint (techo_screenings_page_get_n_cancers (screenings), ==, 5);
  g_assert_cmpuint (techo_screenings_page_get_n_followups (screenings), ==, 1);
  g_assert_nonnull (techo_screenings_page_get_state (screenings, "stomach"));
  save_screenshot (GTK_WIDGET (fixture->window), "7-screenings");

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 6);
  g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "sharing");
  save_screenshot (GTK_WIDGET (fixture->window), "8-sharing");

  /* Lock: nothing of the records stays on screen. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.lock", NULL);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_LOCKED);
  g_assert_null (techo_overview_page_get_value (overview, "hba1c"));
  g_assert_false (techo_store_is_open (fixture->store));
  save_screenshot (GTK_WIDGET (fixture->window), "9-locked");
}

/* The first frame builds one page: only the overview is in the window's
 * stack at start, and stays alone once the work deferred past the first
 * frame is done; every other page is built when first shown (or asked
 * for), filled with the records, and shown. */
static void
test_lazy_pages (Fixture       *fixture,
                 gconstpointer  data)
{
  static const struct
  {
    const char *name;
    GType (*get_type) (void);
  } pages[] = {
    { "overview", techo_overview_page_get_type },
    { "checkups", techo_checkups_page_get_type },
    { "trends", techo_trends_page_get_type },
    { "medicines", techo_medicines_page_get_type },
    { "screenings", techo_screenings_page_get_type },
    { "sharing", techo_sharing_page_get_type },
  };
  GtkWidget *overview;
  GtkStack *stack;
  guint n_children = 0;

  wait_for_mode (fixture, "main");
  techo_test_app_pump (500);
  overview = techo_window_get_page (fixture->window, "overview");
  g_assert_true (TECHO_IS_OVERVIEW_PAGE (overview));
  g_assert_true (gtk_widget_get_mapped (overview));
  stack = GTK_STACK (gtk_widget_get_parent (overview));
  g_assert_true (GTK_IS_STACK (stack));
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_children++;
  g_assert_cmpuint (n_children, ==, 1);
  for (guint i = 1; i < G_N_ELEMENTS (pages); i++)
    g_assert_null (gtk_stack_get_child_by_name (stack, pages[i].name));
  /* Nor are the first run's steps: their place in the window's own stack
   * is empty until a first run (or a sign-in) needs them. */
  {
    GtkStack *main_stack = GTK_STACK (gtk_widget_get_ancestor (
                                        gtk_widget_get_parent (GTK_WIDGET (stack)), GTK_TYPE_STACK));
    GtkWidget *place = gtk_stack_get_child_by_name (main_stack, "welcome");

    g_assert_true (ADW_IS_BIN (place));
    g_assert_null (adw_bin_get_child (ADW_BIN (place)));
    g_assert_true (TECHO_IS_WELCOME (techo_window_get_welcome (fixture->window)));
    g_assert_true (adw_bin_get_child (ADW_BIN (place)) == techo_window_get_welcome (fixture->window));
    g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "overview");
  }

  /* Asked for by name (as a test or an action does): built and filled,
   * not shown. */
  {
    GtkWidget *screenings = techo_window_get_page (fixture->window, "screenings");

    g_assert_true (TECHO_IS_SCREENINGS_PAGE (screenings));
    g_assert_true (gtk_stack_get_child_by_name (stack, "screenings") == screenings);
    g_assert_cmpuint (techo_screenings_page_get_n_cancers (TECHO_SCREENINGS_PAGE (screenings)),
                      ==, 5);
    g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "overview");
    g_assert_null (gtk_stack_get_child_by_name (stack, "checkups"));
  }

  /* Ctrl+2 … Ctrl+6: each page appears when switched to, with its
   * records, under its title. */
  for (guint i = 1; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *page;

      gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", i + 1);
      g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, pages[i].name);
      page = gtk_stack_get_child_by_name (stack, pages[i].name);
      g_assert_nonnull (page);
      g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (page, pages[i].get_type ()));
      g_assert_true (gtk_stack_get_visible_child (stack) == page);
      g_assert_true (techo_window_get_page (fixture->window, pages[i].name) == page);
      techo_test_app_pump (100);
      g_assert_true (gtk_widget_get_mapped (page));
      g_assert_cmpstr (techo_window_get_title_text (fixture->window), !=, NULL);
    }
  g_assert_cmpuint (techo_checkups_page_get_n_rows (TECHO_CHECKUPS_PAGE (
                      gtk_stack_get_child_by_name (stack, "checkups"))), ==, 3);
  g_assert_cmpuint (techo_medicines_page_get_n_current (TECHO_MEDICINES_PAGE (
                      gtk_stack_get_child_by_name (stack, "medicines"))), ==, 3);

  /* Built once: switching back and forth keeps the same pages. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 1);
  g_assert_cmpstr (techo_window_get_visible_page (fixture->window), ==, "overview");
  n_children = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n_children++;
  g_assert_cmpuint (n_children, ==, G_N_ELEMENTS (pages));
}

static void
test_narrow (Fixture       *fixture,
             gconstpointer  data)
{
  wait_for_mode (fixture, "main");
  /* Dark style: the named colours follow. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 3);
  save_screenshot (GTK_WIDGET (fixture->window), "dark-trends");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 1);
  save_screenshot (GTK_WIDGET (fixture->window), "dark-overview");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 360, 700);
  techo_test_app_pump (400);
  /* At 360 px the leaflet folds; the content stays usable. */
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (fixture->window)), <=, 400);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 1);
  techo_test_app_pump (300);
  /* One column: the cards one below the other. */
  g_assert_false (techo_overview_page_is_two_columns (TECHO_OVERVIEW_PAGE (
    techo_window_get_page (fixture->window, "overview"))));
  save_screenshot (GTK_WIDGET (fixture->window), "narrow-overview");
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 3);
  save_screenshot (GTK_WIDGET (fixture->window), "narrow-trends");
}

static void
test_first_run (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* A store folder with nothing in it: the welcome steps. */
  wait_for_mode (fixture, "main");
  techo_window_lock (fixture->window);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_LOCKED);
  techo_vault_clear_all (techo_store_get_vault (fixture->store), NULL, NULL);
  {
    g_autofree char *db = g_build_filename (fixture->data_dir, "techo.db", NULL);
    g_autofree char *mode = g_build_filename (fixture->data_dir, "techo.mode", NULL);

    g_unlink (db);
    g_unlink (mode);
  }
  techo_window_set_store (fixture->window, fixture->store);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_WELCOME);
  save_screenshot (GTK_WIDGET (fixture->window), "0-welcome");
}

static void
test_empty_store (Fixture       *fixture,
                  gconstpointer  data)
{
  TechoOverviewPage *overview;

  wait_for_mode (fixture, "main");
  overview = TECHO_OVERVIEW_PAGE (techo_window_get_page (fixture->window, "overview"));
  g_assert_null (techo_overview_page_get_value (overview, "hba1c"));
  save_screenshot (GTK_WIDGET (fixture->window), "empty-overview");
}


typedef struct
{
  char *url;
  GError *error;
  gboolean done;
} Browser;

/* Acts as the citizen's browser on the demo portal's sign-in pages, then
 * delivers the redirect to the app's loopback listener. */
static gpointer
browser_thread (gpointer user_data)
{
  Browser *browser = user_data;
  g_autofree char *location = NULL;
  g_autofree char *page = NULL;
  guint status = 0;

  location = techo_test_sandbox_browse (browser->url, "yamada", "1234", NULL, TRUE,
                                        &browser->error);
  if (location != NULL)
    page = techo_test_sandbox_http ("GET", location, NULL, NULL, NULL, &status, NULL,
                                    &browser->error);
  g_atomic_int_set (&browser->done, TRUE);
  return NULL;
}


static void
connection_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  char **out = user_data;

  *out = techo_sync_controller_load_connection_finish (TECHO_SYNC_CONTROLLER (source), result,
                                                       NULL);
  if (*out == NULL)
    *out = g_strdup ("");
}

static char *
load_connection (TechoSyncController *controller)
{
  char *connection = NULL;

  techo_sync_controller_forget_connection (controller);
  techo_sync_controller_load_connection_async (controller, NULL, connection_loaded_cb,
                                               &connection);
  while (connection == NULL)
    g_main_context_iteration (NULL, TRUE);
  return connection;
}

/* The tooltip of the header's sync button (action win.sync), or NULL. */
static const char *
sync_button_tooltip (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.sync") == 0
      && gtk_widget_get_tooltip_text (widget) != NULL
      && strstr (gtk_widget_get_tooltip_text (widget), "Ctrl+R") != NULL)
    return gtk_widget_get_tooltip_text (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = sync_button_tooltip (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether a label under @widget (a toast's, say) starts with @prefix. */
static gboolean
has_label_with_prefix (GtkWidget  *widget,
                       const char *prefix)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_with_prefix (child, prefix))
      return TRUE;
  return FALSE;
}

/* The part of "New from My Number Portal: %s" before the list. */
static char *
news_prefix (void)
{
  const char *format = _("New from My Number Portal: %s");

  return g_strndup (format, strstr (format, "%s") - format);
}

static void
test_demo_sync (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TechoSyncController) controller = NULL;
  g_autoptr(TechoCheckup) latest = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  TechoWelcome *welcome;
  TechoOverviewPage *overview;
  TechoCheckupsPage *checkups_page;
  Browser browser = { 0 };
  GThread *thread;
  gint64 end;
  const char *key;

  if (g_getenv ("TECHO_SANDBOX") == NULL)
    {
      g_test_skip ("TECHO_SANDBOX is not set");
      return;
    }
  g_setenv ("TECHO_NO_BROWSER", "1", TRUE);
  wait_for_mode (fixture, "main");
  controller = techo_sync_controller_new (fixture->store);
  techo_window_watch_sync (fixture->window, controller);
  techo_sync_controller_sync (controller, "demo", NULL);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_WELCOME);
  welcome = TECHO_WELCOME (techo_window_get_welcome (fixture->window));
  g_assert_cmpstr (techo_welcome_get_step (welcome), ==, "connect");

  /* The sign-in address appears with its copy button. */
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((techo_welcome_get_url (welcome) == NULL || techo_welcome_get_url (welcome)[0] == '\0')
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_str_has_prefix (techo_welcome_get_url (welcome), "http://127.0.0.1:"));
  save_screenshot (GTK_WIDGET (fixture->window), "first-run-connect");

  browser.url = g_strdup (techo_welcome_get_url (welcome));
  thread = g_thread_new ("browser", browser_thread, &browser);
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((techo_sync_controller_is_busy (controller) || !g_atomic_int_get (&browser.done))
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  g_assert_no_error (browser.error);
  g_assert_false (techo_sync_controller_is_busy (controller));
  wait_for_mode (fixture, "main");
  /* The controller's state is what the window followed. */
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_SUCCEEDED);
  g_assert_nonnull (techo_sync_controller_get_last_sync (controller));
  g_assert_null (techo_sync_controller_get_last_error (controller));
  g_assert_cmpfloat (techo_sync_controller_get_progress (controller), ==, 1.0);
  g_assert_cmpuint (techo_sync_controller_get_new_records (controller), >, 0);
  g_assert_cmpuint (techo_sync_controller_get_category_changed (controller, TECHO_CATEGORY_CHECKUP),
                    ==, techo_sync_controller_get_category_records (controller,
                                                                    TECHO_CATEGORY_CHECKUP, NULL));
  {
    g_autofree char *prefix = news_prefix ();

    /* The toast says what came, by kind. */
    techo_test_app_pump (100);
    g_assert_true (has_label_with_prefix (GTK_WIDGET (fixture->window), prefix));
    /* And the overview keeps saying it, with the time. */
    overview = TECHO_OVERVIEW_PAGE (techo_window_get_page (fixture->window, "overview"));
    g_assert_nonnull (strstr (techo_overview_page_get_sync_text (overview), prefix));
  }
  {
    g_autofree char *time = g_date_time_format (techo_sync_controller_get_last_sync (controller),
                                                "%H:%M");

    /* Bound to last-sync: the sync button says when. */
    g_assert_nonnull (strstr (sync_button_tooltip (GTK_WIDGET (fixture->window)), time));
  }

  /* The dashboard shows the latest checkup the sync stored. */
  latest = techo_store_latest_checkup_sync (fixture->store, techo_window_get_records (fixture->window)->profile->id,
                                            NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (latest);
  overview = TECHO_OVERVIEW_PAGE (techo_window_get_page (fixture->window, "overview"));
  key = techo_analysis_find_key (latest, "hba1c") != NULL ? "hba1c" : "glucose_fasting";
  if (techo_analysis_find_key (latest, key) != NULL)
    {
      g_autofree char *expected = techo_format_value (techo_reference_analyte (key),
                                                      techo_analysis_find_key (latest, key));

      g_assert_cmpstr (techo_overview_page_get_value (overview, key), ==, expected);
    }
  all = techo_store_list_checkups_sync (fixture->store,
                                        techo_window_get_records (fixture->window)->profile->id,
                                        0, NULL, &error);
  g_assert_no_error (error);
  checkups_page = TECHO_CHECKUPS_PAGE (techo_window_get_page (fixture->window, "checkups"));
  g_assert_cmpuint (techo_checkups_page_get_n_rows (checkups_page), ==, all->len);
  g_assert_cmpuint (all->len, >, 0);
  /* The demo citizen's last three checkups, year by year, as the store
   * holds them. */
  {
    TechoCheckupTable *table = techo_checkups_page_get_table (checkups_page);
    const TechoAnalyte *hba1c = techo_reference_analyte ("hba1c");

    g_assert_cmpuint (all->len, >=, 3);
    g_assert_cmpuint (techo_checkup_table_get_n_columns (table), ==, 3);
    for (guint c = 0; c < 3; c++)
      {
        const TechoCheckup *stored = g_ptr_array_index (all, c);
        const TechoItem *item = techo_analysis_find (stored, hba1c);
        g_autofree char *date = techo_format_date (stored->performed_on);

        g_assert_cmpstr (techo_checkup_table_get_column_date (table, c), ==, date);
        if (item != NULL)
          {
            g_autofree char *number = techo_format_number (hba1c, item->value);

            g_assert_true (g_str_has_prefix (techo_checkup_table_get_cell (table, "hba1c", c),
                                             number));
          }
      }
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 2);
    save_screenshot (GTK_WIDGET (fixture->window), "synced-checkups");
  }
  save_screenshot (GTK_WIDGET (fixture->window), "synced-overview");
  /* The portal's own CDA document, kept in the store, is what is saved. */
  g_assert_true (techo_checkups_page_show_detail (checkups_page, 0));
  {
    g_autoptr(TechoCheckup) saved = save_and_read_official_file (checkups_page);

    g_assert_cmpstr (saved->performed_on, ==, latest->performed_on);
  }
  techo_checkups_page_show_list (checkups_page);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 3);
  save_screenshot (GTK_WIDGET (fixture->window), "synced-trends");
  g_free (browser.url);

  /* A second sync re-reads the last three months: the same records come
   * back, none is new, and the toast says so instead of counting them. */
  techo_sync_controller_sync (controller, NULL, NULL);
  g_assert_true (techo_sync_controller_is_busy (controller));
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (techo_sync_controller_is_busy (controller) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_SUCCEEDED);
  {
    g_autofree char *prefix = news_prefix ();
    guint fetched = 0;

    for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
      {
        fetched += techo_sync_controller_get_category_records (controller, c, NULL);
        g_assert_cmpuint (techo_sync_controller_get_category_changed (controller, c), ==, 0);
      }
    /* Records did come back (the re-read), and none counted as new. */
    g_assert_cmpuint (fetched, >, 0);
    g_assert_cmpuint (techo_sync_controller_get_new_records (controller), ==, 0);
    g_assert_null (techo_sync_controller_dup_summary (controller));
    /* Toasts queue: the first sync's may still be up. */
    end = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
    while (!has_label_with_prefix (GTK_WIDGET (fixture->window),
                                   _("Up to date: nothing new at My Number Portal"))
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, FALSE);
    g_assert_true (has_label_with_prefix (GTK_WIDGET (fixture->window),
                                          _("Up to date: nothing new at My Number Portal")));
    save_screenshot (GTK_WIDGET (fixture->window), "synced-again");
    g_assert_false (has_label_with_prefix (GTK_WIDGET (fixture->window), prefix));
    g_assert_null (strstr (techo_overview_page_get_sync_text (overview), prefix));
    g_assert_nonnull (strstr (techo_overview_page_get_sync_text (overview),
                              _("Nothing new since the sync before.")));
    gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.page", "i", 1);
    assert_answers_in_window (fixture->window, overview);
    save_screenshot (GTK_WIDGET (fixture->window), "synced-again-overview");
  }

  /* Preferences name the connection; signing out forgets it and a plain
   * sync then asks to connect instead of failing quietly. */
  {
    g_autofree char *connection = techo_sync_controller_dup_connection (controller);

    g_assert_nonnull (connection);
    g_assert_nonnull (strstr (connection, "http://127.0.0.1:"));
  }
  {
    /* As Preferences asks after a restart: from the keyring. */
    g_autofree char *connection = load_connection (controller);

    g_assert_nonnull (strstr (connection, "http://127.0.0.1:"));
  }
  g_assert_true (techo_sync_controller_sign_out (controller, &error));
  g_assert_no_error (error);
  techo_sync_controller_forget_connection (controller);
  g_assert_null (techo_sync_controller_dup_connection (controller));
  {
    g_autofree char *connection = load_connection (controller);

    g_assert_cmpstr (connection, ==, "");
  }
  techo_sync_controller_sync (controller, NULL, NULL);
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (techo_sync_controller_is_busy (controller) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_WELCOME);
  g_assert_cmpstr (techo_welcome_get_step (welcome), ==, "welcome");
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_FAILED);
  g_assert_error ((GError *) techo_sync_controller_get_last_error (controller),
                  TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN);
}

/* Duplicate therapy over a long history: the same ingredient from two
 * prescribers with overlapping supply is flagged, back-to-back supplies
 * from one prescriber are not, and 50,000 dispensings take well under a
 * second (the sweep is per ingredient in date order, not n²). */
static void
test_duplicates_scale (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GDate) date = g_date_new_dmy (1, G_DATE_JANUARY, 1990);
  gint64 start;

  for (guint i = 0; i < 50000; i++)
    {
      char iso[16];
      g_autofree char *yj = g_strdup_printf ("%04u%03uF1020", 2100 + i % 40, i % 40);
      g_autofree char *id = g_strdup_printf ("rx-%u", i);

      /* Each of 40 ingredients every 40 days for 28 days: no overlap. */
      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", date);
      g_ptr_array_add (list, make_dispensing (id, iso, yj, "薬", "成分", "1310000001",
                                              "みなと内科", 28));
      if (i % 40 == 39)
        g_date_add_days (date, 40);
    }
  /* One overlapping supply of ingredient 0 from another clinic. */
  g_ptr_array_add (list, make_dispensing ("rx-dup", "1990-01-10", "2100000F2026", "別の薬", "成分",
                                          "1310000002", "しながわクリニック", 14));
  start = g_get_monotonic_time ();
  pairs = techo_analysis_duplicates (list, NULL, NULL);
  g_test_message ("find_duplicates over %u dispensings: %.1f ms", list->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpuint (pairs->len, ==, 2);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (pairs, 0))->id, ==, "rx-0");
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (pairs, 1))->id, ==, "rx-dup");
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

/* A 40-year medication history (about 50,000 dispensings, as the bulk
 * demo citizen has) fills every page in well under two seconds. */
static void
test_bulk_records (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(TechoRecordSet) records = NULL;
  g_autoptr(GDate) date = g_date_new_dmy (1, G_DATE_JANUARY, 1985);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  TechoWindow *window;
  gint64 start;

  for (guint i = 0; i < 52000; i++)
    {
      char iso[16];
      g_autofree char *yj = g_strdup_printf ("%04u%03uF1020", 1100 + i % 10, i % 10);
      g_autofree char *id = g_strdup_printf ("rx-%u", i);
      g_autofree char *clinic = g_strdup_printf ("131000000%u", i % 3);

      /* Ten ingredients, eleven times a month each from three clinics:
       * overlaps everywhere, as in the bulk demo citizen. */
      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", date);
      g_ptr_array_add (list, make_dispensing (id, iso, yj, "薬", "成分", clinic, clinic, 28));
      if (i % 110 == 109)
        g_date_add_days (date, 28);
    }
  profile->id = 1;
  profile->sex = g_strdup ("male");
  profile->birth_date = g_strdup ("1963-01-01");
  records = techo_record_set_new ();
  records->profile = g_steal_pointer (&profile);
  g_ptr_array_unref (records->dispensings);
  records->dispensings = g_ptr_array_ref (list);
  window = techo_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  start = g_get_monotonic_time ();
  techo_window_set_records (window, records);
  g_test_message ("filling the pages from %u dispensings: %.0f ms", list->len,
                  (g_get_monotonic_time () - start) / 1000.0);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
  /* One warning per ingredient and pair of clinics, not one per overlap. */
  g_assert_cmpuint (techo_medicines_page_get_n_duplicates (TECHO_MEDICINES_PAGE (techo_window_get_page (window, "medicines"))),
                    ==, 10 * 3);
  gtk_window_destroy (GTK_WINDOW (window));
}

static guint
count_css_class (GtkWidget  *widget,
                 const char *css_class)
{
  guint n = gtk_widget_has_css_class (widget, css_class) ? 1 : 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_css_class (child, css_class);
  return n;
}

/* Many overlapping supplies now: the overview's card names three and
 * counts the rest in one row that opens the Medicines page, so it stays
 * a glance (and the first frame lays out a few rows). */
static void
test_overview_duplicates (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(TechoRecordSet) records = techo_record_set_new ();
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  TechoWindow *window;
  TechoOverviewPage *overview;
  GtkWidget *card;

  /* Eight ingredients, each from two clinics over the same weeks. */
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *yj = g_strdup_printf ("%04u%03uF1020", 1100 + i % 8, i % 8);
      g_autofree char *id = g_strdup_printf ("rx-%u", i);
      g_autofree char *clinic = g_strdup_printf ("131000000%u", i / 8);
      g_autofree char *ingredient = g_strdup_printf ("成分%u", i % 8);

      g_ptr_array_add (list, make_dispensing (id, i < 8 ? "2025-08-20" : "2025-08-25", yj,
                                              "薬", ingredient, clinic, clinic, 28));
    }
  profile->id = 1;
  profile->sex = g_strdup ("male");
  profile->birth_date = g_strdup ("1963-01-01");
  records->profile = g_steal_pointer (&profile);
  g_ptr_array_unref (records->dispensings);
  records->dispensings = g_ptr_array_ref (list);
  records->complete = TRUE;
  window = techo_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  techo_window_set_records (window, records);
  overview = TECHO_OVERVIEW_PAGE (techo_window_get_page (window, "overview"));
  g_assert_cmpuint (techo_overview_page_get_n_duplicates (overview), ==, 8);
  card = techo_overview_page_get_answer (overview, "medicines");
  g_assert_nonnull (card);
  /* Three named, one "5 more possible duplicates". */
  g_assert_cmpuint (count_css_class (card, "warning-row"), ==, 4);
  gtk_window_destroy (GTK_WINDOW (window));
}

static TechoItem *
finder_item (const char *code,
             const char *value,
             gboolean    not_performed)
{
  TechoItem *item = techo_item_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (code);

  item->code = g_strdup (code);
  item->name = g_strdup (analyte->name_ja);
  item->type = analyte->value_type;
  item->value = g_strdup (value);
  item->unit = g_strdup (analyte->unit);
  item->not_performed = not_performed;
  return item;
}

static TechoCheckup *
finder_checkup (const char *id,
                const char *date)
{
  TechoCheckup *c = techo_checkup_new ();

  c->id = g_strdup (id);
  c->performed_on = g_strdup (date);
  c->kind = g_strdup ("010");
  c->institution_name = g_strdup ("みなと健診センター");
  return c;
}

/* The screen shows what the one finder picks: a checkup whose preferred
 * HbA1c method was not performed and whose second one was, a nullFlavor
 * LDL, a blank first blood-pressure reading. The dashboard, the Trends
 * page, the checkup's detail and visit mode show the same value and
 * status, the values techo-analysis gives (and the report and exports
 * carry: tests/test-analysis.c). */
static void
test_one_finder (void)
{
  g_autoptr(TechoRecordSet) records = techo_record_set_new ();
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-finder-XXXXXX", &error);
  g_autoptr(TechoStore) store = NULL;
  TechoCheckup *older, *newer;
  GtkWidget *overview, *trends, *checkups_page;
  GtkWindow *host, *owner;
  TechoVisitWindow *visit;
  const char * const keys[] = { "hba1c", "sbp", "hdl", "ldl" };

  g_assert_no_error (error);
  records->profile = techo_profile_new ();
  records->profile->id = 1;
  records->profile->name = g_strdup ("山田太郎");
  records->profile->birth_date = g_strdup ("1960-01-15");
  records->profile->sex = g_strdup ("male");
  older = finder_checkup ("c-1", "2024-06-12");
  g_ptr_array_add (older->items, finder_item ("3D046000001906202", "6.2", FALSE));
  g_ptr_array_add (older->items, finder_item ("3F077000002327101", "128", FALSE));
  g_ptr_array_add (older->items, finder_item ("9A751000000000001", "128", FALSE));
  g_ptr_array_add (older->items, finder_item ("3F070000002327101", "52", FALSE));
  newer = finder_checkup ("c-2", "2025-06-15");
  g_ptr_array_add (newer->items, finder_item ("3D046000001906202", NULL, TRUE));
  g_ptr_array_add (newer->items, finder_item ("3D046000001920402", "7.1", FALSE));
  g_ptr_array_add (newer->items, finder_item ("3F077000002327101", NULL, TRUE));
  g_ptr_array_add (newer->items, finder_item ("9A751000000000001", " ", FALSE));
  g_ptr_array_add (newer->items, finder_item ("9A752000000000001", "150", FALSE));
  g_ptr_array_add (newer->items, finder_item ("3F070000002327101", "36", FALSE));
  g_ptr_array_add (records->checkups, newer);
  g_ptr_array_add (records->checkups, older);

  overview = g_object_ref_sink (g_object_new (TECHO_TYPE_OVERVIEW_PAGE, NULL));
  trends = g_object_ref_sink (g_object_new (TECHO_TYPE_TRENDS_PAGE, NULL));
  checkups_page = g_object_ref_sink (g_object_new (TECHO_TYPE_CHECKUPS_PAGE, NULL));
  host = GTK_WINDOW (gtk_window_new ());
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

    gtk_box_append (GTK_BOX (box), overview);
    gtk_box_append (GTK_BOX (box), trends);
    gtk_box_append (GTK_BOX (box), checkups_page);
    gtk_window_set_child (host, box);
  }
  gtk_window_present (host);
  /* Through the interface the window uses. */
  g_assert_true (TECHO_IS_PAGE (overview) && TECHO_IS_PAGE (trends) && TECHO_IS_PAGE (checkups_page));
  techo_page_set_records (TECHO_PAGE (overview), records);
  techo_page_set_records (TECHO_PAGE (trends), records);
  techo_page_set_records (TECHO_PAGE (checkups_page), records);
  g_assert_true (techo_checkups_page_show_detail (TECHO_CHECKUPS_PAGE (checkups_page), 0));

  store = techo_store_new (dir);
  consent = techo_consent_new ("みどり内科", "受診のため", 1u << TECHO_CATEGORY_CHECKUP,
                               TECHO_CONSENT_METHOD_VISIT);
  owner = GTK_WINDOW (gtk_window_new ());
  visit = techo_visit_window_new (owner, store, records, consent, NULL);
  techo_test_app_pump (50);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const TechoAnalyte *analyte = techo_reference_analyte (keys[i]);
      TechoReading latest, previous;
      gboolean has = techo_analysis_latest (records, analyte, &latest, &previous);
      g_autofree char *expected = has ? techo_format_value (analyte, latest.item) : NULL;
      TechoChartModel *model = techo_trends_page_get_model (TECHO_TRENDS_PAGE (trends), keys[i]);
      const TechoChartPoint *points;
      TechoStatus visit_status = TECHO_STATUS_UNKNOWN;
      guint n = 0;

      g_assert_cmpstr (techo_overview_page_get_value (TECHO_OVERVIEW_PAGE (overview), keys[i]), ==,
                       expected);
      g_assert_cmpstr (techo_visit_window_get_value (visit, keys[i], &visit_status), ==, expected);
      g_assert_cmpstr (techo_checkups_page_get_detail_value (TECHO_CHECKUPS_PAGE (checkups_page), keys[i]),
                       ==, has ? expected : NULL);
      g_assert_nonnull (model);
      points = techo_chart_model_get_points (model, &n);
      if (has)
        {
          g_assert_cmpstr (techo_overview_page_get_status (TECHO_OVERVIEW_PAGE (overview), keys[i]),
                           ==, techo_format_status_label (latest.status));
          g_assert_cmpint (visit_status, ==, latest.status);
          g_assert_cmpuint (n, ==, 2);
          g_assert_cmpfloat (points[1].value, ==, latest.number);
        }
      else
        {
          /* No value that day: the chart holds the older one only. */
          g_assert_cmpuint (n, ==, 1);
        }
    }
  /* The values themselves. */
  g_assert_cmpstr (techo_overview_page_get_value (TECHO_OVERVIEW_PAGE (overview), "hba1c"), ==,
                   "7.1 %");
  g_assert_cmpstr (techo_overview_page_get_status (TECHO_OVERVIEW_PAGE (overview), "hba1c"), ==,
                   techo_format_status_label (TECHO_STATUS_SEE_DOCTOR));
  g_assert_cmpstr (techo_visit_window_get_value (visit, "sbp", NULL), ==,
                   techo_format_value (techo_reference_analyte ("sbp"),
                                       techo_analysis_find_key (newer, "sbp")));
  g_assert_cmpstr (techo_analysis_find_key (newer, "sbp")->value, ==, "150");
  g_assert_null (techo_overview_page_get_value (TECHO_OVERVIEW_PAGE (overview), "ldl"));
  g_assert_cmpstr (techo_overview_page_get_status (TECHO_OVERVIEW_PAGE (overview), "hdl"), ==,
                   techo_format_status_label (TECHO_STATUS_GUIDANCE));
  save_screenshot (GTK_WIDGET (host), "one-finder");

  gtk_window_destroy (GTK_WINDOW (visit));
  gtk_window_destroy (owner);
  gtk_window_destroy (host);
  g_object_unref (overview);
  g_object_unref (trends);
  g_object_unref (checkups_page);
  techo_test_remove_tree (dir);
}

/* The shortcuts window lists every binding the window installs; the
 * preferences window builds and follows the settings. */
/* Whether any label or row text under @widget contains @needle. */
static gboolean
widget_shows (GtkWidget  *widget,
              const char *needle)
{
  const char *text = NULL;

  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    text = gtk_label_get_text (GTK_LABEL (widget));
  else if (ADW_IS_PREFERENCES_ROW (widget))
    text = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (text != NULL && strstr (text, needle) != NULL)
    return TRUE;
  if (ADW_IS_ACTION_ROW (widget))
    {
      text = adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
      if (text != NULL && strstr (text, needle) != NULL)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (widget_shows (child, needle))
      return TRUE;
  return FALSE;
}

/* The date-style preference (western or 和暦) turns the checkup dates on
 * screen into 令和 and back, as the app does when the setting changes. */
static void
test_japanese_era (Fixture       *fixture,
                   gconstpointer  data)
{
  GtkWidget *page;

  wait_for_mode (fixture, "main");
  techo_window_show_page (fixture->window, "checkups");
  page = techo_window_get_page (fixture->window, "checkups");
  techo_test_app_pump (50);
  /* The latest checkup, 2025-06-15, is 令和7年. */
  g_assert_false (widget_shows (page, "令和"));

  techo_format_set_japanese_era (TRUE);
  techo_window_set_records (fixture->window, techo_window_get_records (fixture->window));
  page = techo_window_get_page (fixture->window, "checkups");
  techo_test_app_pump (50);
  g_assert_true (widget_shows (page, "令和7"));
  save_screenshot (GTK_WIDGET (fixture->window), "checkups-era");

  techo_format_set_japanese_era (FALSE);
  techo_window_set_records (fixture->window, techo_window_get_records (fixture->window));
  page = techo_window_get_page (fixture->window, "checkups");
  techo_test_app_pump (50);
  g_assert_false (widget_shows (page, "令和"));
  g_assert_true (widget_shows (page, "2025"));
}

/* Screening reminders: the follow-up outstanding first, then the
 * screenings due; none while the preference is off. */
static void
test_reminders (Fixture       *fixture,
                gconstpointer  data)
{
  const TechoCancerInfo *stomach = techo_reference_cancer (TECHO_CANCER_STOMACH);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GPtrArray) reminders = NULL;
  g_autoptr(GPtrArray) off = NULL;
  g_autoptr(TechoRecordSet) pills = NULL;
  g_autofree char *followup_title = NULL;
  g_autofree char *today = techo_format_today ();
  TechoRecordSet *records;
  const TechoReminder *first;

  wait_for_mode (fixture, "main");
  records = techo_window_get_records (fixture->window);
  reminders = techo_reminders_collect (records, today, settings);
  /* Stomach needs a detailed exam; the four others are due for a
   * 60-year-old woman with no record of them. */
  g_assert_cmpuint (reminders->len, ==, 5);
  first = g_ptr_array_index (reminders, 0);
  g_assert_cmpint (first->kind, ==, TECHO_REMINDER_FOLLOWUP);
  g_assert_cmpstr (first->cancer, ==, stomach->key);
  g_assert_cmpstr (first->id, ==, "screening-stomach");
  g_assert_cmpstr (first->page, ==, "screenings");
  followup_title = g_strdup_printf (_("%s: follow-up needed"), techo_format_cancer_name (stomach));
  g_assert_cmpstr (first->title, ==, followup_title);
  g_assert_cmpstr (first->body, ==, _("A detailed examination is recommended and none is recorded."));
  for (guint i = 1; i < reminders->len; i++)
    {
      const TechoReminder *due = g_ptr_array_index (reminders, i);
      const TechoCancerInfo *info = techo_reference_cancer_for_key (due->cancer);
      g_autofree char *title = g_strdup_printf (_("%s is due"), techo_format_cancer_name (info));

      g_assert_cmpint (due->kind, ==, TECHO_REMINDER_SCREENING);
      g_assert_cmpstr (due->title, ==, title);
      g_assert_cmpstr (due->body, ==,
                       _("Your municipality offers this screening. Open Techo for the details."));
    }

  /* Each kind has its own switch. */
  g_settings_set_boolean (settings, "reminder-followups", FALSE);
  off = techo_reminders_collect (records, today, settings);
  g_assert_cmpuint (off->len, ==, 4);
  g_clear_pointer (&off, g_ptr_array_unref);
  g_settings_set_boolean (settings, "reminders", FALSE);
  off = techo_reminders_collect (records, today, settings);
  g_assert_cmpuint (off->len, ==, 0);
  g_clear_pointer (&off, g_ptr_array_unref);
  g_settings_reset (settings, "reminder-followups");
  g_settings_reset (settings, "reminders");

  /* Medicines: one dispensing lasting 3 more days, one 40; a drug whose
   * refill lasts longer does not run out. One notification names what runs
   * out and the days left. */
  pills = techo_record_set_new ();
  {
    const char *names[] = { "アムロジピン錠5mg", "メトホルミン錠250mg", "ロキソプロフェン錠60mg",
                            "ロキソプロフェン錠60mg" };
    const int ago[] = { 11, 5, 12, 2 };
    const int days[] = { 14, 45, 14, 28 };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        TechoDispensing *d = techo_dispensing_new ();

        d->id = g_strdup_printf ("pill-%u", i);
        d->drug_name = g_strdup (names[i]);
        d->dispensed_on = techo_format_add_days (today, -ago[i]);
        d->days = days[i];
        g_ptr_array_add (pills->dispensings, d);
      }
  }
  off = techo_reminders_collect (pills, today, settings);
  g_assert_cmpuint (off->len, ==, 1);
  first = g_ptr_array_index (off, 0);
  g_assert_cmpint (first->kind, ==, TECHO_REMINDER_MEDICINES);
  g_assert_cmpstr (first->page, ==, "medicines");
  g_assert_nonnull (strstr (first->body, "アムロジピン錠5mg"));
  g_assert_null (strstr (first->body, "メトホルミン"));
  g_assert_null (strstr (first->body, "ロキソプロフェン"));
  {
    g_autofree char *line = g_strdup_printf (ngettext ("%s: %d day left", "%s: %d days left", 3),
                                             "アムロジピン錠5mg", 3);

    g_assert_cmpstr (first->body, ==, line);
  }
  g_clear_pointer (&off, g_ptr_array_unref);
  g_settings_set_boolean (settings, "reminder-medicines", FALSE);
  off = techo_reminders_collect (pills, today, settings);
  g_assert_cmpuint (off->len, ==, 0);
  g_settings_reset (settings, "reminder-medicines");

  /* A sync that brought checkups: one reminder naming the newest; none
   * when nothing came or the switch is off. */
  {
    g_autoptr(TechoReminder) none = techo_reminder_new_checkups (0, NULL, settings);
    g_autoptr(TechoReminder) news = NULL;
    const TechoCheckup *latest = g_ptr_array_index (records->checkups, 0);

    g_assert_null (none);
    news = techo_reminder_new_checkups (1, latest, settings);
    g_assert_nonnull (news);
    g_assert_cmpstr (news->page, ==, "checkups");
    g_settings_set_boolean (settings, "reminder-new-checkups", FALSE);
    g_assert_null (techo_reminder_new_checkups (1, latest, settings));
    g_settings_reset (settings, "reminder-new-checkups");
  }

  /* No notification service runs on this session bus (as in a demo on a
   * bare session): sending them reaches nobody and warns of nothing
   * (warnings abort a test). */
  {
    g_autoptr(GApplication) app = g_application_new ("org.techo.TechoReminderTest",
                                                     G_APPLICATION_DEFAULT_FLAGS);
    g_autoptr(GPtrArray) all = techo_reminders_collect (records, today, settings);
    g_autoptr(GError) error = NULL;

    g_assert_cmpuint (all->len, >, 0);
    g_assert_true (g_application_register (app, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (techo_reminders_send (app, all), ==, all->len);
    techo_test_app_pump (1500);
  }
}

/* Duplicate therapy in words: both prescribers and the overlapping days,
 * in the present tense while the supplies run, in the past once over. */
static void
test_duplicate_words (void)
{
  g_autoptr(TechoDispensing) a = make_dispensing ("a", "2025-08-20", "2171022F1020",
                                                  "アムロジピン錠5mg", "アムロジピン",
                                                  "1310000001", "みなと内科", 30);
  g_autoptr(TechoDispensing) b = make_dispensing ("b", "2025-08-25", "2171022F2026",
                                                  "ノルバスク錠5mg", "アムロジピン",
                                                  "1310000002", "しながわ循環器クリニック", 28);
  g_autofree char *start = techo_format_date ("2025-08-25");
  g_autofree char *end = techo_format_date ("2025-09-18");   /* 8/20 + 30 − 1 */
  g_autofree char *now = techo_format_duplicate (a, b, "2025-09-01");
  g_autofree char *past = techo_format_duplicate (a, b, "2025-12-01");
  g_autofree char *last_day = techo_format_duplicate_end (a, b);
  g_autofree char *expected_now = g_strdup_printf (
    _("Prescribed by both %s and %s for the same days, %s to %s"),
    "みなと内科", "しながわ循環器クリニック", start, end);
  g_autofree char *expected_past = g_strdup_printf (
    _("Both %s and %s prescribed it from %s to %s"),
    "みなと内科", "しながわ循環器クリニック", start, end);

  g_assert_cmpstr (last_day, ==, "2025-09-18");
  g_assert_cmpstr (now, ==, expected_now);
  g_assert_cmpstr (past, ==, expected_past);
  g_assert_cmpstr (now, !=, past);
}

/* Units as people read them; the UCUM codes stay in the official files. */
static void
test_units (void)
{
  const TechoAnalyte *bmi = techo_reference_analyte ("bmi");
  TechoItem item = { 0 };
  g_autofree char *value = NULL;

  g_assert_cmpstr (techo_format_unit ("kg/m2"), ==, "kg/m²");
  g_assert_cmpstr (techo_format_unit ("mL/min/1.73m2"), ==, "mL/min/1.73m²");
  g_assert_cmpstr (techo_format_unit ("mg/dL"), ==, "mg/dL");
  g_assert_nonnull (bmi);
  item.code = (char *) bmi->codes[0];
  item.type = TECHO_VALUE_PQ;
  item.value = (char *) "22.04";
  value = techo_format_value (bmi, &item);
  g_assert_cmpstr (value, ==, "22.0 kg/m²");
}

static void
test_shortcuts_and_preferences (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/org/techo/Techo/gtk/help-overlay.ui");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GObject *overlay = gtk_builder_get_object (builder, "help_overlay");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  GtkWidget *preferences;
  g_autofree char *connection = NULL;
  guint n_shortcuts = 0;
  gboolean has_lock = FALSE, has_visit = FALSE, has_print = FALSE;

  g_assert_true (GTK_IS_SHORTCUTS_WINDOW (overlay));
  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL;

        g_object_get (l->data, "accelerator", &accel, NULL);
        n_shortcuts++;
        has_lock |= g_strcmp0 (accel, "<Control>l") == 0;
        has_visit |= g_strcmp0 (accel, "F11") == 0;
        has_print |= g_strcmp0 (accel, "<Control>p") == 0;
      }
  /* Ctrl+1…6, Ctrl+R, Ctrl+O, Ctrl+L, F11, Ctrl+P, arrows, Ctrl+comma, Ctrl+?, Ctrl+Q. */
  g_assert_cmpuint (n_shortcuts, ==, 15);
  g_assert_true (has_lock);
  g_assert_true (has_visit);
  g_assert_true (has_print);
  gtk_window_destroy (GTK_WINDOW (overlay));

  g_settings_set_uint (settings, "auto-lock-minutes", 5);
  /* The words the sync controller gives, as the app shows them. */
  connection = g_strdup_printf (_("Connected to %s"), "http://127.0.0.1");
  preferences = techo_preferences_window_new (NULL, settings, connection);
  gtk_window_present (GTK_WINDOW (preferences));
  save_screenshot (preferences, "preferences");
  g_assert_cmpuint (g_settings_get_uint (settings, "auto-lock-minutes"), ==, 5);
  gtk_window_destroy (GTK_WINDOW (preferences));
}

/* ---- legibility ------------------------------------------------------------ */

#define SCALE 3

/* WCAG relative luminance of an sRGB colour (0–255 channels). */
static double
luminance (const guchar *bgra)
{
  double c[3];

  for (int i = 0; i < 3; i++)
    {
      double v = bgra[2 - i] / 255.0;

      c[i] = v <= 0.03928 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
    }
  return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
}

static double
contrast (const guchar *a,
          const guchar *b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* The contrast of the text in @rect of the rendered window: the most
 * common colour there is the background; the pixel farthest from it is the
 * core of a glyph (anti-aliased edges are only lighter). */
static double
text_contrast (const guchar          *pixels,
               gsize                  stride,
               const graphene_rect_t *rect)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  guint32 background = 0;
  guint best = 0;
  double ratio = 1.0;
  int x0 = (int) rect->origin.x, y0 = (int) rect->origin.y;
  int x1 = x0 + (int) rect->size.width, y1 = y0 + (int) rect->size.height;

  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 p = *(const guint32 *) (pixels + y * stride + x * 4) | 0xff000000u;
        guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, GUINT_TO_POINTER (p))) + 1;

        g_hash_table_insert (counts, GUINT_TO_POINTER (p), GUINT_TO_POINTER (n));
        if (n > best)
          {
            best = n;
            background = p;
          }
      }
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      {
        guint32 p = *(const guint32 *) (pixels + y * stride + x * 4) | 0xff000000u;

        ratio = MAX (ratio, contrast ((const guchar *) &p, (const guchar *) &background));
      }
  return ratio;
}

/* The label's font size in pixels, as GTK lays it out. */
static double
font_pixels (GtkWidget *label)
{
  PangoContext *context = gtk_widget_get_pango_context (label);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  int xft_dpi = 0;
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  if (pango_font_description_get_size_is_absolute (font))
    return size;
  g_object_get (gtk_widget_get_settings (label), "gtk-xft-dpi", &xft_dpi, NULL);
  return size * (xft_dpi > 0 ? xft_dpi / 1024.0 : 96.0) / 72.0;
}

static gboolean
is_small_text (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  return GTK_IS_LABEL (widget)
         && (gtk_widget_has_css_class (widget, "caption")
             || gtk_widget_has_css_class (widget, "dim-label")
             || (parent != NULL && gtk_widget_has_css_class (parent, "chip")));
}

/* Every chip, caption and dimmed label on screen, measured from the
 * rendered window: text ≥ 12 px and ≥ 4.5:1 against what is behind it. */
static guint
check_small_text (GtkWidget  *window,
                  GtkWidget  *widget,
                  const guchar *pixels,
                  gsize       stride,
                  int         width,
                  int         height,
                  const char *where)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if (is_small_text (widget) && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    {
      graphene_rect_t bounds;

      if (gtk_widget_compute_bounds (widget, window, &bounds)
          && (graphene_rect_scale (&bounds, SCALE, SCALE, &bounds), TRUE)
          && bounds.origin.x >= 0 && bounds.origin.y >= 0
          && bounds.origin.x + bounds.size.width <= width
          && bounds.origin.y + bounds.size.height <= height
          && bounds.size.width >= 4 && bounds.size.height >= 4)
        {
          double ratio = text_contrast (pixels, stride, &bounds);
          double px = font_pixels (widget);

          if (ratio < 4.5 || px < 11.95)
            g_test_message ("%s: “%s” %.1f px, contrast %.2f:1", where,
                            gtk_label_get_text (GTK_LABEL (widget)), px, ratio);
          g_assert_cmpfloat (px, >=, 11.95);
          g_assert_cmpfloat (ratio, >=, 4.5);
          n++;
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_small_text (window, child, pixels, stride, width, height, where);
  return n;
}

/* A button that shows no words must be named for screen readers. */
static gboolean
has_visible_words (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
      && gtk_label_get_text (GTK_LABEL (widget))[0] != '\0')
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_visible_words (child))
      return TRUE;
  return FALSE;
}

static guint
check_button_names (GtkWidget  *widget,
                    const char *where)
{
  guint n = 0;

  if (!gtk_widget_get_mapped (widget))
    return 0;
  if ((GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget)) && !has_visible_words (widget))
    {
      GtkAccessible *accessible = GTK_ACCESSIBLE (widget);
      gboolean named = gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL)
                       || gtk_test_accessible_has_relation (accessible,
                                                            GTK_ACCESSIBLE_RELATION_LABELLED_BY);

      if (!named)
        g_test_message ("%s: an icon-only %s (%s) has no accessible name", where,
                        G_OBJECT_TYPE_NAME (widget),
                        gtk_widget_get_tooltip_text (widget) != NULL
                        ? gtk_widget_get_tooltip_text (widget) : "no tooltip");
      g_assert_true (named);
      n++;
    }
  /* A menu button's inner toggle button, and a spin button's − and +, are
   * parts of a control named as a whole. */
  if (GTK_IS_MENU_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget))
    return n;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_button_names (child, where);
  return n;
}

static void
test_legibility (Fixture       *fixture,
                 gconstpointer  data)
{
  const char * const pages[] = { "overview", "checkups", "trends", "medicines", "screenings",
                                 "sharing" };
  AdwStyleManager *style = adw_style_manager_get_default ();
  GtkWidget *window = GTK_WIDGET (fixture->window);
  guint n_text = 0, n_buttons = 0;

  wait_for_mode (fixture, "main");
  for (int dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                      : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint p = 0; p < G_N_ELEMENTS (pages); p++)
        {
          g_autoptr(GdkPaintable) paintable = NULL;
          g_autoptr(GtkSnapshot) snapshot = NULL;
          g_autoptr(GskRenderNode) node = NULL;
          g_autoptr(GskRenderNode) scaled = NULL;
          g_autoptr(GdkTexture) texture = NULL;
          g_autofree guchar *pixels = NULL;
          g_autofree char *where = g_strdup_printf ("%s (%s)", pages[p], dark ? "dark" : "light");
          int width, height;

          techo_window_show_page (fixture->window, pages[p]);
          techo_test_app_pump (300);
          if (p == 0 || p == 4)
            {
              g_autofree char *name = g_strdup_printf ("legibility-%s-%s", pages[p],
                                                       dark ? "dark" : "light");

              save_screenshot (window, name);
            }
          width = gtk_widget_get_width (window);
          height = gtk_widget_get_height (window);
          paintable = gtk_widget_paintable_new (window);
          snapshot = gtk_snapshot_new ();
          gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
          node = gtk_snapshot_to_node (snapshot);
          /* Drawn three times larger: a glyph's strokes then cover whole
           * pixels, so its core shows the text's own colour (at 1:1 a thin
           * kanji stroke is only ever part of a pixel). */
          scaled = gsk_transform_node_new (node, gsk_transform_scale (NULL, SCALE, SCALE));
          texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)),
                                                 scaled,
                                                 &GRAPHENE_RECT_INIT (0, 0, width * SCALE,
                                                                      height * SCALE));
          width = gdk_texture_get_width (texture);
          height = gdk_texture_get_height (texture);
          pixels = g_malloc ((gsize) width * height * 4);
          gdk_texture_download (texture, pixels, (gsize) width * 4);
          n_text += check_small_text (window, window, pixels, (gsize) width * 4, width, height,
                                      where);
          if (!dark)
            n_buttons += check_button_names (window, where);
        }
    }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  g_test_message ("%u chips, captions and dimmed labels measured; %u wordless buttons named",
                  n_text, n_buttons);
  /* The demo person's pages have status chips and captions to measure. */
  g_assert_cmpuint (n_text, >, 20);
  g_assert_cmpuint (n_buttons, >, 2);
}

/* A status chip, pressed, says what the status means, what to do and
 * whose thresholds these are; a value with no threshold has nothing to
 * explain. */
static gboolean
popover_says (GtkWidget  *widget,
              const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return gtk_widget_get_mapped (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (popover_says (child, text))
      return TRUE;
  return FALSE;
}

static void
test_status_explained (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *see_doctor = techo_status_chip_new (TECHO_STATUS_SEE_DOCTOR);
  GtkWidget *unknown = techo_status_chip_new (TECHO_STATUS_UNKNOWN);
  GtkPopover *popover;

  g_assert_true (GTK_IS_MENU_BUTTON (see_doctor));
  g_assert_false (GTK_IS_MENU_BUTTON (unknown));
  g_assert_null (techo_format_status_meaning (TECHO_STATUS_UNKNOWN));
  for (TechoStatus s = TECHO_STATUS_NORMAL; s <= TECHO_STATUS_SEE_DOCTOR; s++)
    {
      g_assert_nonnull (techo_format_status_meaning (s));
      g_assert_nonnull (techo_format_status_next_step (s));
    }
  gtk_box_append (GTK_BOX (box), see_doctor);
  gtk_box_append (GTK_BOX (box), unknown);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  techo_test_app_pump (200);
  gtk_menu_button_popup (GTK_MENU_BUTTON (see_doctor));
  techo_test_app_pump (300);
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (see_doctor));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (popover)));
  g_assert_true (popover_says (GTK_WIDGET (popover),
                               techo_format_status_meaning (TECHO_STATUS_SEE_DOCTOR)));
  g_assert_true (popover_says (GTK_WIDGET (popover),
                               techo_format_status_next_step (TECHO_STATUS_SEE_DOCTOR)));
  g_assert_true (popover_says (GTK_WIDGET (popover), techo_format_threshold_source ()));
  save_screenshot (GTK_WIDGET (popover), "status-explained");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add_func ("/app/duplicates-scale", test_duplicates_scale);
  g_test_add_func ("/app/bulk-records", test_bulk_records);
  g_test_add_func ("/app/overview-duplicates", test_overview_duplicates);
  g_test_add_func ("/app/one-finder", test_one_finder);
  g_test_add_func ("/app/shortcuts-and-preferences", test_shortcuts_and_preferences);
  g_test_add_func ("/app/units", test_units);
  g_test_add_func ("/app/duplicate-words", test_duplicate_words);
  g_test_add_func ("/app/status-explained", test_status_explained);
  g_test_add ("/app/walk-pages", Fixture, "filled", fixture_set_up, test_walk_pages,
              fixture_tear_down);
  g_test_add ("/app/japanese-era", Fixture, "filled", fixture_set_up, test_japanese_era,
              fixture_tear_down);
  g_test_add ("/app/reminders", Fixture, "filled", fixture_set_up, test_reminders,
              fixture_tear_down);
  g_test_add ("/app/narrow", Fixture, "filled", fixture_set_up, test_narrow, fixture_tear_down);
  g_test_add ("/app/lazy-pages", Fixture, "filled", fixture_set_up, test_lazy_pages,
              fixture_tear_down);
  g_test_add ("/app/legibility", Fixture, "filled", fixture_set_up, test_legibility,
              fixture_tear_down);
  g_test_add ("/app/empty-store", Fixture, NULL, fixture_set_up, test_empty_store,
              fixture_tear_down);
  g_test_add ("/app/first-run", Fixture, NULL, fixture_set_up, test_first_run,
              fixture_tear_down);
  g_test_add ("/app/demo-sync", Fixture, NULL, fixture_set_up, test_demo_sync,
              fixture_tear_down);

  return g_test_run ();
}
