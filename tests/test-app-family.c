/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-family: a family in one store, in the window (real store and
 * keyring, Xvfb, en and ja, 1100×760 and 360×800). With one person there
 * is no switcher; "Add a Person" from a medication notebook makes a
 * second person in one import and shows them; the switcher at the top of
 * the sidebar appears, names the person shown for screen readers, and
 * switching reloads the overview, Checkups and Medicines for that person
 * (values that differ between the two are asserted). The choice
 * survives a restart (a new window on the reopened store); a remembered
 * person no longer stored falls back to the first. Visit mode started
 * while the second person is shown has their name in its header and only
 * their records, and its consent names their profile in the ledger; the
 * Sharing page lists each person's shares only. Undoing the import that
 * made the person removes them and the window goes back to the first. */

#define G_LOG_DOMAIN "test-app-family"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "techo-alert.h"
#include "techo-checkups-page.h"
#include "techo-medicines-page.h"
#include "techo-profile-switcher.h"
#include "techo-share-dialog.h"
#include "techo-sharing-page.h"
#include "techo-store.h"
#include "techo-test-export.h"
#include "techo-visit-window.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

/* The first person's (techo-test-export) amlodipine ran out in June;
 * the second person's loxoprofen is current. */
#define TODAY "2025-07-01"
#define PERSON_B "佐藤 一郎"
#define DRUG_B "ロキソプロフェンナトリウム錠60mg"

static const char notebook_b[] =
  "JAHISTC08,1\n"
  "1,佐藤 一郎,1,19480302\n"
  "5,20250620,1\n"
  "11,ひまわり薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1\n"
  "51,さくら整形外科,13,1,7654321,1\n"
  "201,1,ロキソプロフェンナトリウム錠60mg,3,錠,4,1149019F1560,1\n"
  "301,1,1日3回毎食後,14,日分,1,1,,1\n";

typedef struct
{
  TechoTestExport *data;
  char *files_dir;
  TechoWindow *window;
  gboolean narrow;
} Fixture;

static gboolean
shows_label (GtkWidget  *widget,
             const char *text)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text))
      return TRUE;
  return FALSE;
}

/* The label showing @text inside a header's AdwWindowTitle under @widget. */
static GtkWidget *
find_title_label (GtkWidget  *widget,
                  const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0
      && gtk_widget_get_ancestor (widget, ADW_TYPE_WINDOW_TITLE) != NULL)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_title_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static TechoProfileSwitcher *
switcher (Fixture *fixture)
{
  return TECHO_PROFILE_SWITCHER (techo_window_get_profile_switcher (fixture->window));
}

/* Waits until the window shows @name's records and the switcher lists
 * @n_people (it is visible with two or more). */
static void
wait_for_person (Fixture    *fixture,
                 const char *name,
                 guint       n_people)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoRecordSet *records;

  while (g_get_monotonic_time () < end)
    {
      records = techo_window_get_records (fixture->window);
      if (techo_window_get_mode (fixture->window) == TECHO_WINDOW_MODE_MAIN && records != NULL
          && records->profile != NULL && g_strcmp0 (records->profile->name, name) == 0
          && techo_profile_switcher_get_n_profiles (switcher (fixture)) == n_people)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  records = techo_window_get_records (fixture->window);
  g_assert_nonnull (records);
  g_assert_nonnull (records->profile);
  g_assert_cmpstr (records->profile->name, ==, name);
  g_assert_cmpuint (techo_profile_switcher_get_n_profiles (switcher (fixture)), ==, n_people);
  g_assert_cmpint (gtk_widget_get_visible (GTK_WIDGET (switcher (fixture))), ==, n_people > 1);
  /* Whose records these are, under every page's title. */
  g_assert_cmpstr (techo_window_get_person_text (fixture->window), ==, name);
  techo_test_app_pump (200);
}

static void
open_window (Fixture *fixture)
{
  fixture->window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), fixture->narrow ? 360 : 1100,
                               fixture->narrow ? 800 : 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  techo_window_set_store (fixture->window, fixture->data->store);
}

static void
restart (Fixture *fixture)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  techo_test_app_pump (50);
  g_assert_true (techo_store_close_sync (fixture->data->store, NULL, NULL));
  open_window (fixture);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;

  /* Nobody remembered from an earlier test of this run. */
  g_settings_reset (settings, "profile");
  fixture->narrow = GPOINTER_TO_INT (data);
  fixture->data = techo_test_export_new ();
  fixture->files_dir = g_dir_make_tmp ("techo-app-family-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (fixture->data->store, NULL, &error));
  g_assert_no_error (error);
  open_window (fixture);
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 1);
}

static void
close_toplevels (void)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (TECHO_IS_SHARE_DIALOG (l->data) || TECHO_IS_VISIT_WINDOW (l->data))
      gtk_window_destroy (GTK_WINDOW (l->data));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  close_toplevels ();
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  techo_test_app_pump (50);
  techo_test_export_free (fixture->data);
  techo_test_remove_tree (fixture->files_dir);
  g_free (fixture->files_dir);
}

static void
screenshot (Fixture    *fixture,
            GtkWidget  *widget,
            const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s%s", name, fixture->narrow ? "-narrow" : "");

  techo_test_app_save_screenshot_as (widget, "family", full, 300);
}

static guint
checkup_rows (Fixture *fixture)
{
  GtkWidget *page = techo_window_get_page (fixture->window, "checkups");

  techo_test_app_pump (100);
  return techo_checkups_page_get_n_rows (TECHO_CHECKUPS_PAGE (page));
}

/* The Medicines page's ingredients, once it has read them. */
static guint
ingredients (Fixture *fixture)
{
  TechoMedicinesPage *page =
    TECHO_MEDICINES_PAGE (techo_window_get_page (fixture->window, "medicines"));
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  techo_test_app_pump (100);
  while (techo_medicines_page_is_loading (page) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  return techo_medicines_page_get_n_ingredients (page);
}

/* The overview and pages show @b's records (else the first person's). */
static void
assert_pages_show (Fixture  *fixture,
                   gboolean  b)
{
  GtkWidget *overview = techo_window_get_page (fixture->window, "overview");

  techo_window_show_page (fixture->window, "overview");
  techo_test_app_pump (200);
  /* The first person's latest HbA1c (6.6 %) and three checkups; the
   * second person has no checkup, and a current loxoprofen. */
  g_assert_cmpint (shows_label (overview, TECHO_TEST_LATEST_HBA1C), ==, !b);
  g_assert_cmpint (shows_label (overview, "ロキソプロフェン"), ==, b);
  g_assert_cmpuint (checkup_rows (fixture), ==, b ? 0 : 3);
  /* Amlodipine and metformin, or loxoprofen. */
  g_assert_cmpuint (ingredients (fixture), ==, b ? 1 : 2);
  techo_window_show_page (fixture->window, "medicines");
  techo_test_app_pump (200);
  g_assert_cmpint (shows_label (techo_window_get_page (fixture->window, "medicines"),
                                "ロキソプロフェン"), ==, b);
  techo_window_show_page (fixture->window, "overview");
  techo_test_app_pump (100);
}

static void
wait_for_ledger (TechoSharingPage *page,
                 guint             n)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  techo_sharing_page_reload (page);
  while ((techo_sharing_page_is_loading (page) || techo_sharing_page_get_n_consents (page) != n)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (techo_sharing_page_get_n_consents (page), ==, n);
}

/* Visit mode through the share dialog, as F11 starts it. */
static TechoVisitWindow *
start_visit (Fixture *fixture)
{
  TechoSharingPage *page =
    TECHO_SHARING_PAGE (techo_window_get_page (fixture->window, "sharing"));
  g_autoptr(TechoShareDialog) dialog = NULL;
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoVisitWindow *visit;

  dialog = g_object_ref (techo_sharing_page_open_dialog (page, TECHO_CONSENT_METHOD_VISIT));
  techo_share_dialog_fill (dialog, "みどり内科 田中先生", "受診のため",
                           (1u << TECHO_CATEGORY_CHECKUP) | (1u << TECHO_CATEGORY_MEDICATION)
                           | (1u << TECHO_CATEGORY_SCREENING));
  g_assert_true (techo_share_dialog_next (dialog));
  g_assert_true (techo_share_dialog_next (dialog));
  while (techo_share_dialog_get_visit_window (dialog) == NULL && g_get_monotonic_time () < end)
    {
      TechoAlert *offer = techo_share_dialog_get_pin_dialog (dialog);

      if (offer != NULL)
        techo_alert_response (offer, "later");
      g_main_context_iteration (NULL, TRUE);
    }
  visit = techo_share_dialog_get_visit_window (dialog);
  g_assert_nonnull (visit);
  techo_test_app_pump (300);
  return visit;
}

static void
test_family (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->files_dir, "sato-okusuri.txt", NULL);
  const char * const paths[] = { path, NULL };
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autofree char *age = NULL;
  gint64 a_id = fixture->data->profile_id, b_id;
  GtkWidget *button;
  GtkWidget *alert;

  /* One person: no switcher, the name under the title. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (switcher (fixture))));
  assert_pages_show (fixture, FALSE);

  /* Add a Person… says what it needs before the file chooser. */
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.add-person", NULL);
  techo_test_app_pump (200);
  alert = techo_window_get_family_alert (fixture->window);
  g_assert_nonnull (alert);
  g_assert_cmpstr (techo_alert_get_heading (TECHO_ALERT (alert)), ==, _("Add a Person"));
  if (!fixture->narrow && !TECHO_ALERT_IN_WINDOW)
    techo_test_app_save_screenshot_as (alert, "family", "add-dialog", 300);
  techo_alert_response (TECHO_ALERT (alert), "cancel");
  techo_test_app_pump (100);

  /* Add a Person from their medication notebook: one import makes them
   * and shows them. */
  g_assert_true (g_file_set_contents (path, notebook_b, -1, &error));
  g_assert_no_error (error);
  techo_window_add_person_paths (fixture->window, paths);
  wait_for_person (fixture, PERSON_B, 2);
  b_id = techo_window_get_profile_id (fixture->window);
  g_assert_cmpint (b_id, >, a_id);
  g_assert_cmpint (techo_profile_switcher_get_current (switcher (fixture)), ==, b_id);
  g_assert_cmpint (g_settings_get_int64 (settings, "profile"), ==, b_id);
  assert_pages_show (fixture, TRUE);

  /* The switcher names the person shown for screen readers; each row
   * its person, age and whether they are shown. */
  button = techo_profile_switcher_get_button (switcher (fixture));
  label = g_strdup_printf (_("Person shown: %s. Switch to another person"), PERSON_B);
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (button),
                                                     GTK_ACCESSIBLE_PROPERTY_LABEL, label));
  {
    TechoProfile b = { .name = (char *) PERSON_B, .birth_date = (char *) "1948-03-02" };
    g_autofree char *shown = g_strdup_printf (_("%s, shown now"), PERSON_B);
    g_autofree char *row_label = NULL;
    GtkListBoxRow *row;

    age = techo_profile_describe_age (&b, TODAY);
    g_assert_nonnull (strstr (age, "1948"));
    g_assert_nonnull (strstr (age, "77"));
    row_label = g_strdup_printf (C_("family row", "%s, %s"), shown, age);
    row = gtk_list_box_get_row_at_index (techo_profile_switcher_get_list (switcher (fixture)), 1);
    g_assert_nonnull (row);
    g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (row),
                                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                       row_label));
    g_assert_true (shows_label (GTK_WIDGET (switcher (fixture)), age));
  }

  /* The name in the header is one line that ellipsizes, never wrapped
   * mid-word, at 360 px too. */
  {
    GtkWidget *subtitle = find_title_label (GTK_WIDGET (fixture->window), PERSON_B);

    g_assert_nonnull (subtitle);
    g_assert_true (gtk_widget_get_mapped (subtitle));
    g_assert_false (gtk_label_get_wrap (GTK_LABEL (subtitle)));
    g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (subtitle)), !=, PANGO_ELLIPSIZE_NONE);
  }
  screenshot (fixture, GTK_WIDGET (fixture->window), "b-overview");
  if (fixture->narrow)
    {
      /* Folded: the switcher sits atop the page list, behind Back. */
      gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.show-page", "s",
                                  "overview");
      {
        AdwLeaflet *leaflet =
          ADW_LEAFLET (techo_test_app_find_widget (GTK_WIDGET (fixture->window),
                                                   ADW_TYPE_LEAFLET));

        adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_BACK);
        techo_test_app_pump (300);
        screenshot (fixture, GTK_WIDGET (fixture->window), "sidebar");
        adw_leaflet_navigate (leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
      }
    }
  else
    {
      /* The list of people, open. */
      GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (techo_profile_switcher_get_list (
                                                      switcher (fixture))), GTK_TYPE_POPOVER);

      gtk_menu_button_popup (GTK_MENU_BUTTON (button));
      techo_test_app_pump (300);
      g_assert_true (gtk_widget_get_mapped (popover));
      screenshot (fixture, popover, "list");
      gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
    }

  /* Switching back to the first person reloads every page. */
  techo_profile_switcher_choose (switcher (fixture), 0);
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 2);
  g_assert_cmpint (g_settings_get_int64 (settings, "profile"), ==, a_id);
  assert_pages_show (fixture, FALSE);
  screenshot (fixture, GTK_WIDGET (fixture->window), "a-overview");
  techo_window_show_page (fixture->window, "checkups");
  techo_test_app_pump (100);
  g_assert_cmpstr (techo_window_get_person_text (fixture->window), ==, TECHO_TEST_PATIENT_NAME);

  /* … and to the second again; a restart shows them still. */
  techo_profile_switcher_choose (switcher (fixture), 1);
  wait_for_person (fixture, PERSON_B, 2);
  restart (fixture);
  wait_for_person (fixture, PERSON_B, 2);
  g_assert_cmpint (techo_profile_switcher_get_current (switcher (fixture)), ==, b_id);
  assert_pages_show (fixture, TRUE);
  if (fixture->narrow)
    return;

  /* Visit mode while the second person is shown: their name in the
   * header, their records only, and the consent names their profile. */
  {
    TechoVisitWindow *visit = start_visit (fixture);
    AdwWindowTitle *title =
      ADW_WINDOW_TITLE (techo_test_app_find_widget (GTK_WIDGET (visit), ADW_TYPE_WINDOW_TITLE));
    g_autofree char *text = techo_visit_window_dup_text (visit);
    g_autoptr(GPtrArray) consents = NULL;
    const TechoConsent *consent;

    g_assert_nonnull (title);
    g_assert_nonnull (strstr (adw_window_title_get_title (title), PERSON_B));
    g_assert_nonnull (strstr (text, DRUG_B));
    g_assert_null (strstr (text, TECHO_TEST_DRUG_NAME));
    g_assert_null (strstr (text, "6.6 %"));
    techo_test_app_save_screenshot_as (GTK_WIDGET (visit), "family", "b-visit", 300);
    gtk_window_destroy (GTK_WINDOW (visit));
    techo_test_app_pump (100);

    consents = techo_store_list_consents_sync (fixture->data->store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (consents->len, ==, 1);
    consent = g_ptr_array_index (consents, 0);
    g_assert_cmpint (consent->method, ==, TECHO_CONSENT_METHOD_VISIT);
    g_assert_cmpint (consent->profile_id, ==, b_id);
  }
  /* Each person's Sharing page lists their own shares. */
  close_toplevels ();
  wait_for_ledger (TECHO_SHARING_PAGE (techo_window_get_page (fixture->window, "sharing")), 1);
  techo_profile_switcher_choose (switcher (fixture), 0);
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 2);
  wait_for_ledger (TECHO_SHARING_PAGE (techo_window_get_page (fixture->window, "sharing")), 0);

  /* Undoing the import that made the second person removes them; shown
   * again, the window falls back to the first and hides the switcher. */
  techo_profile_switcher_choose (switcher (fixture), 1);
  wait_for_person (fixture, PERSON_B, 2);
  {
    g_autoptr(TechoUndoResult) undone = NULL;

    /* The visit's consent names the person; the import's undo keeps the
     * ledger and removes the person only when nothing else is left. */
    undone = techo_store_undo_import_sync (fixture->data->store, 0, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (undone->profile_removed);
  }
  techo_window_reload (fixture->window);
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 1);
  g_assert_cmpint (g_settings_get_int64 (settings, "profile"), ==, 0);
  assert_pages_show (fixture, FALSE);

  /* Added again, then removed from the switcher's list after the
   * question: the person and every record of theirs go; the first
   * person's stay. */
  techo_window_add_person_paths (fixture->window, paths);
  wait_for_person (fixture, PERSON_B, 2);
  b_id = techo_window_get_profile_id (fixture->window);
  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.remove-person", NULL);
  techo_test_app_pump (200);
  alert = techo_window_get_family_alert (fixture->window);
  g_assert_nonnull (alert);
  g_assert_nonnull (strstr (techo_alert_get_heading (TECHO_ALERT (alert)), PERSON_B));
  if (!TECHO_ALERT_IN_WINDOW)
    techo_test_app_save_screenshot_as (alert, "family", "remove-dialog", 300);
  techo_alert_response (TECHO_ALERT (alert), "remove");
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 1);
  assert_pages_show (fixture, FALSE);
  {
    g_autoptr(GPtrArray) people = techo_store_list_profiles_sync (fixture->data->store, NULL,
                                                                  &error);
    g_autoptr(TechoRecordSet) gone = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (people->len, ==, 1);
    gone = techo_store_read_records_sync (fixture->data->store, b_id, NULL, NULL, &error);
    g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
    g_assert_null (gone);
    g_clear_error (&error);
  }
}

/* A remembered person no longer in the store: the first is shown. */
static void
test_remembered_gone (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_int64 (settings, "profile", 4242);
  restart (fixture);
  wait_for_person (fixture, TECHO_TEST_PATIENT_NAME, 1);
  g_assert_cmpint (g_settings_get_int64 (settings, "profile"), ==, 0);
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
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add ("/app-family/switch", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_family, fixture_tear_down);
  g_test_add ("/app-family/narrow", Fixture, GINT_TO_POINTER (TRUE), fixture_set_up,
              test_family, fixture_tear_down);
  g_test_add ("/app-family/remembered-gone", Fixture, GINT_TO_POINTER (FALSE), fixture_set_up,
              test_remembered_gone, fixture_tear_down);
  return g_test_run ();
}
