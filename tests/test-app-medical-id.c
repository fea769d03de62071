/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-medical-id: the Medical ID view of the Medicines page in the
 * window (real store and keyring, Xvfb). A JAHIS notebook brings an
 * allergy, a side effect and an OTC medicine, shown as the pharmacy wrote
 * them; the person adds an allergy and an OTC supplement through the
 * "Add …" rows, notes what a medicine is for, changes the allergy and
 * removes the supplement (each press goes through the store's async API
 * and the window reads the records again). The entries stay through the
 * same file imported again and a new window on the reopened store (an app
 * restart), and visit mode shows them with the medicine's class and note.
 * Every button there is named for screen readers; screenshots at
 * 1100×760 and 360×800. */

#define G_LOG_DOMAIN "test-app-medical-id"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "techo-disclosure.h"
#include "techo-file-import.h"
#include "techo-format.h"
#include "techo-medical-id.h"
#include "techo-medicines-page.h"
#include "techo-store.h"
#include "techo-vault.h"
#include "techo-visit-window.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

#define TODAY "2026-10-20"

static const char notebook[] =
  "JAHISTC08,1\n"
  "1,山田 太郎,1,19600115\n"
  "2,1,卵,1\n"
  "2,2,セフェム系抗菌薬で発疹,1\n"
  "3,ビタミンC錠,20260901,,2,1,\n"
  "5,20261001,1\n"
  "11,みなと薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1\n"
  "51,千代田内科クリニック,13,1,7654321,1\n"
  "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n"
  "301,1,1日1回朝食後,28,日分,1,1,,1\n";

typedef struct
{
  char *data_dir;
  char *files_dir;
  TechoStore *store;
  TechoWindow *window;
} Fixture;

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  if (GTK_IS_EDITABLE (widget) && GTK_IS_TEXT (widget)
      && strstr (gtk_editable_get_text (GTK_EDITABLE (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* The AdwEntryRow under @widget named @name, or whose text is @text. */
static GtkWidget *
find_entry_row (GtkWidget  *widget,
                const char *name,
                const char *text)
{
  if (ADW_IS_ENTRY_ROW (widget)
      && ((name != NULL && g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
          || (text != NULL
              && g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (widget)), text) == 0)))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row (child, name, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_entry_row_titled (GtkWidget  *widget,
                       const char *title)
{
  if (ADW_IS_ENTRY_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_entry_row_titled (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The button under @widget whose tooltip is @tooltip. */
static GtkWidget *
find_button_by_tooltip (GtkWidget  *widget,
                        const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_by_tooltip (child, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Every button of @widget that shows no words has an accessible name;
 * every entry row a title (its name). Returns the buttons checked. */
static guint
check_names (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL
      && gtk_widget_get_mapped (widget))
    {
      g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL)
                     || gtk_widget_get_tooltip_text (widget) == NULL);
      n++;
    }
  if (ADW_IS_ENTRY_ROW (widget))
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));

      g_assert_true (title != NULL && title[0] != '\0');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += check_names (child);
  return n;
}

static TechoRecordSet *
wait_for_records (Fixture *fixture,
                  guint    n_entries)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoRecordSet *records = NULL;

  while (g_get_monotonic_time () < end)
    {
      records = techo_window_get_records (fixture->window);
      if (techo_window_get_mode (fixture->window) == TECHO_WINDOW_MODE_MAIN && records != NULL
          && records->entries->len == n_entries)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  records = techo_window_get_records (fixture->window);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->entries->len, ==, n_entries);
  techo_test_app_pump (100);
  return records;
}

static TechoMedicalId *
show_medical_id (Fixture *fixture)
{
  GtkWidget *page;

  techo_window_show_page (fixture->window, "medicines");
  page = techo_window_get_page (fixture->window, "medicines");
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (page), "medical-id");
  techo_test_app_pump (200);
  return techo_medicines_page_get_medical_id (TECHO_MEDICINES_PAGE (page));
}

/* Types @text into @row and presses its apply button; waits for the
 * window's records to hold @n_entries notebook entries. */
static void
apply (Fixture    *fixture,
       GtkWidget  *row,
       const char *text,
       guint       n_entries)
{
  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
  wait_for_records (fixture, n_entries);
}

static void
open_window (Fixture *fixture,
             int      width,
             int      height)
{
  fixture->window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), width, height);
  gtk_window_present (GTK_WINDOW (fixture->window));
  techo_window_set_store (fixture->window, fixture->store);
}

static void
import_notebook (Fixture *fixture,
                 guint    n_entries)
{
  g_autofree char *path = g_build_filename (fixture->files_dir, "okusuri.txt", NULL);
  const char * const paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, notebook, -1, &error));
  g_assert_no_error (error);
  techo_window_import_paths (fixture->window, paths);
  wait_for_records (fixture, n_entries);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;

  fixture->data_dir = g_dir_make_tmp ("techo-app-medid-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->files_dir = g_dir_make_tmp ("techo-app-medid-files-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = techo_store_new (fixture->data_dir);
  g_assert_true (techo_store_open_sync (fixture->store, NULL, NULL, &error));
  g_assert_no_error (error);
  profile->issuer = g_strdup ("https://portal.test");
  profile->subject = g_strdup ("citizen-1");
  profile->name = g_strdup ("山田太郎");
  profile->birth_date = g_strdup ("1960-01-15");
  profile->sex = g_strdup ("male");
  g_assert_true (techo_store_ensure_profile_sync (fixture->store, profile, &profile_id, NULL,
                                                  &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (fixture->store, NULL, &error));
  g_assert_no_error (error);
  open_window (fixture, GPOINTER_TO_INT (data) ? 360 : 1100, GPOINTER_TO_INT (data) ? 800 : 760);
  wait_for_records (fixture, 0);
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
  techo_test_remove_tree (fixture->files_dir);
  g_free (fixture->data_dir);
  g_free (fixture->files_dir);
}

static void
test_edit (Fixture       *fixture,
           gconstpointer  data)
{
  gboolean narrow = GPOINTER_TO_INT (data);
  g_autofree char *remove_dha = g_strdup_printf (_("Remove “%s”"), "DHAサプリ");
  g_autofree char *entered = NULL;
  const TechoDrugClass *drug_class = techo_reference_drug_class ("2171022F1020");
  g_autofree char *class_text = techo_format_drug_class ("2171022F1020");
  TechoMedicalId *medical_id;
  TechoRecordSet *records;
  GtkWidget *row;

  g_assert_nonnull (drug_class);
  /* Whose records these are, under the page's title. */
  g_assert_cmpstr (techo_window_get_person_text (fixture->window), ==, "山田太郎");
  /* Nothing yet: the view is there, with its "Add …" rows. */
  medical_id = show_medical_id (fixture);
  g_assert_cmpuint (techo_medical_id_get_n_entries (medical_id), ==, 0);
  g_assert_nonnull (find_entry_row (GTK_WIDGET (medical_id), "medical-id-add-allergy", NULL));

  /* The pharmacy's notebook: three entries as written. */
  import_notebook (fixture, 3);
  medical_id = show_medical_id (fixture);
  g_assert_cmpuint (techo_medical_id_get_n_entries (medical_id), ==, 3);
  g_assert_cmpuint (techo_medical_id_get_n_own_entries (medical_id), ==, 0);
  g_assert_cmpuint (techo_medical_id_get_n_medicines (medical_id), ==, 1);
  g_assert_true (shows_label (GTK_WIDGET (medical_id), "卵"));
  g_assert_true (shows_label (GTK_WIDGET (medical_id), class_text));

  /* The person adds an allergy and an OTC supplement, and a note of
   * what the amlodipine is for. */
  apply (fixture, find_entry_row (GTK_WIDGET (medical_id), "medical-id-add-allergy", NULL),
         "ペニシリン", 4);
  medical_id = show_medical_id (fixture);
  apply (fixture, find_entry_row (GTK_WIDGET (medical_id), "medical-id-add-otc", NULL),
         "DHAサプリ", 5);
  medical_id = show_medical_id (fixture);
  g_assert_cmpuint (techo_medical_id_get_n_own_entries (medical_id), ==, 2);
  /* The "Add …" row is empty again for the next one. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (
    find_entry_row (GTK_WIDGET (medical_id), "medical-id-add-allergy", NULL))), ==, "");
  {
    /* The note's row sits in the medicine's expander. */
    GtkWidget *note = find_entry_row_titled (GTK_WIDGET (medical_id),
                                             _("Your note of what it is for"));

    g_assert_nonnull (note);
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (note)), ==,
                     _("Your note of what it is for"));
    apply (fixture, note, "朝の血圧", 6);
  }
  records = techo_window_get_records (fixture->window);
  g_assert_cmpstr (techo_analysis_medicine_note (records->entries,
                                                 g_ptr_array_index (records->dispensings, 0)),
                   ==, "朝の血圧");
  medical_id = show_medical_id (fixture);
  techo_test_app_save_screenshot_as (GTK_WIDGET (fixture->window),
                                     "medical-id", narrow ? "narrow" : "added", 300);
  /* The whole view, below the fold too. */
  techo_test_app_save_screenshot_as (GTK_WIDGET (medical_id),
                                     "medical-id", narrow ? "narrow-all" : "added-all", 300);
  g_assert_cmpuint (check_names (GTK_WIDGET (medical_id)), >=, 2);

  /* Changed in place, and the supplement removed with its button. */
  apply (fixture, find_entry_row (GTK_WIDGET (medical_id), NULL, "ペニシリン"),
         "ペニシリン系抗菌薬", 6);
  medical_id = show_medical_id (fixture);
  row = find_button_by_tooltip (GTK_WIDGET (medical_id), remove_dha);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "clicked");
  wait_for_records (fixture, 5);
  medical_id = show_medical_id (fixture);
  g_assert_cmpuint (techo_medical_id_get_n_own_entries (medical_id), ==, 1);
  g_assert_nonnull (find_entry_row (GTK_WIDGET (medical_id), NULL, "ペニシリン系抗菌薬"));
  g_assert_false (shows_label (GTK_WIDGET (medical_id), "DHAサプリ"));
  entered = g_strdup_printf (_("%s · %s"), _("Allergy"), _("Entered by you"));
  g_assert_true (shows_label (GTK_WIDGET (medical_id), entered));
  /* The Now view lists it too, with the way back here. */
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (techo_window_get_page (fixture->window,
                                                                               "medicines")),
                                  "now");
  techo_test_app_pump (100);
  g_assert_true (shows_label (techo_window_get_page (fixture->window, "medicines"),
                              "ペニシリン系抗菌薬"));
  if (narrow)
    return;

  /* The same file again changes nothing of the person's. */
  import_notebook (fixture, 5);
  /* An app restart: a new window on the reopened store. */
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  techo_test_app_pump (50);
  g_assert_true (techo_store_close_sync (fixture->store, NULL, NULL));
  open_window (fixture, 1100, 760);
  wait_for_records (fixture, 5);
  medical_id = show_medical_id (fixture);
  g_assert_cmpuint (techo_medical_id_get_n_own_entries (medical_id), ==, 1);
  g_assert_nonnull (find_entry_row (GTK_WIDGET (medical_id), NULL, "ペニシリン系抗菌薬"));
  g_assert_nonnull (find_entry_row (GTK_WIDGET (medical_id), NULL, "朝の血圧"));

  /* Visit mode: the allergies with their origin, the medicine with its
   * class and the person's note. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TechoConsent) consent = techo_consent_new ("みどり内科", "受診のため",
                                                         1u << TECHO_CATEGORY_MEDICATION,
                                                         TECHO_CONSENT_METHOD_VISIT);
    g_autoptr(TechoRecordSet) gathered = NULL;
    g_autofree char *text = NULL;
    g_autofree char *note = g_strdup_printf (_("Patient's note: %s"), "朝の血圧");
    TechoVisitWindow *visit;

    gathered = techo_record_set_gather_sync (fixture->store, 0, consent, NULL, &error);
    g_assert_no_error (error);
    visit = techo_visit_window_new (GTK_WINDOW (fixture->window), fixture->store, gathered,
                                    consent, NULL);
    gtk_window_set_default_size (GTK_WINDOW (visit), 1100, 760);
    gtk_window_present (GTK_WINDOW (visit));
    techo_test_app_pump (300);
    text = techo_visit_window_dup_text (visit);
    g_assert_nonnull (strstr (text, "ペニシリン系抗菌薬"));
    g_assert_nonnull (strstr (text, _("Entered by you")));
    g_assert_nonnull (strstr (text, "卵"));
    g_assert_nonnull (strstr (text, class_text));
    g_assert_nonnull (strstr (text, note));
    g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "notebook"), ==, 4);
    techo_test_app_save_screenshot (GTK_WIDGET (visit),
                                    techo_test_app_is_japanese () ? "app-ja-medical-id-visit.png"
                                                   : "app-en-medical-id-visit.png", 300);
    gtk_window_destroy (GTK_WINDOW (visit));
    techo_test_app_pump (50);
  }
}

/* A urine test's "−" is said to be negative wherever the app shows it
 * (a bare dash reads as a missing value). */
static void
test_urine_negative (void)
{
  const TechoAnalyte *analyte = techo_reference_analyte ("urine_glucose");
  g_autoptr(TechoItem) item = techo_item_new ();
  g_autofree char *text = NULL;

  g_assert_nonnull (analyte);
  item->code = g_strdup (analyte->codes[0]);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup ("1");
  item->value_system = g_strdup (analyte->value_system);
  text = techo_format_value (analyte, item);
  g_assert_cmpstr (text, ==, techo_test_app_is_japanese () ? "−（陰性）" : "− (negative)");
}

int
main (int   argc,
      char *argv[])
{
  const char *build_root = g_getenv ("TECHO_BUILD_ROOT");

  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  setlocale (LC_ALL, "");
  if (build_root != NULL)
    {
      g_autofree char *locale_dir = g_build_filename (build_root, "po", NULL);

      bindtextdomain (GETTEXT_PACKAGE, locale_dir);
    }
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/app-medical-id/edit", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_edit, fixture_tear_down);
  g_test_add ("/app-medical-id/narrow", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_edit, fixture_tear_down);
  g_test_add_func ("/app-medical-id/urine-negative", test_urine_negative);
  return g_test_run ();
}
