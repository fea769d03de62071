/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-import: Import Files… in the window (real store and keyring,
 * Xvfb), past the file chooser: a JAHIS medication notebook and a CDA
 * checkup land in the window's person, the Medicines page lists the
 * drugs and a toast counts them; a refused file gets a dialog naming it
 * and changes nothing. Open a Shared Link…: the link pasted in the
 * dialog is fetched from a libsoup server on loopback in the test and the
 * checkup lands; a link with the wrong key gets a dialog saying so. */

#define G_LOG_DOMAIN "test-app-import"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include <libsoup/soup.h>

#include "techo-alert.h"
#include "techo-checkups-page.h"
#include "techo-disclosure.h"
#include "techo-import.h"
#include "techo-file-import.h"
#include "techo-medicines-page.h"
#include "techo-secure.h"
#include "techo-shl.h"
#include "techo-store.h"
#include "techo-vault.h"
#include "techo-visit-window.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

#define TODAY "2026-10-20"  /* both dispensings still being taken */

/* Two dispensings, four drug lines (one of 回分, doses), a note, an
 * allergy and an OTC medicine. */
static const char * const jahis_lines[] = {
  "JAHISTC08,1",
  "1,山田 太郎,1,19600115,1000001,東京都千代田区1-1,03-0000-0000,,A,65,ヤマダ タロウ",
  "2,1,ペニシリン系抗菌薬で発疹,1",
  "3,ビタミンC錠,20260901,,2,1,",
  "5,20261001,1",
  "11,みなと薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1",
  "51,千代田内科クリニック,13,1,7654321,1",
  "55,内科 一郎,内科,1",
  "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1",
  "301,1,1日1回朝食後,28,日分,1,1",
  "201,2,ロキソプロフェンNa錠60mg,3,錠,2,620098801,1",
  "301,2,1日3回毎食後,7,日分,1,1",
  "201,3,頭痛薬錠,1,錠,4,1149019F1560,1",
  "301,3,頭痛時,10,回分,3,1,,1",
  "5,20261015,1",
  "11,さくら薬局,13,4,2345678,,,,1",
  "51,港整形外科,13,1,8765432,1",
  "201,1,セレコキシブ錠100mg,2,錠,4,1149037F1020,1",
  "301,1,1日2回朝夕食後,14,日分,1,1",
  "501,備考です,1",
  NULL,
};

typedef struct
{
  char *data_dir;
  char *files_dir;
  TechoStore *store;
  TechoWindow *window;
} Fixture;

/* Whether a visible label under @widget says exactly @text (or contains
 * it, when @exact is FALSE). */
static gboolean
shows_label (GtkWidget  *widget,
             const char *text,
             gboolean    exact)
{
  if (!gtk_widget_get_visible (widget))
    return FALSE;
  if (GTK_IS_LABEL (widget))
    {
      const char *shown = gtk_label_get_text (GTK_LABEL (widget));

      if (exact ? g_strcmp0 (shown, text) == 0 : strstr (shown, text) != NULL)
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_label (child, text, exact))
      return TRUE;
  return FALSE;
}

static TechoAlert *
find_message_dialog (void)
{
  return techo_alert_find_shown ();
}

static void
wait_for_main (Fixture *fixture)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end
         && techo_window_get_mode (fixture->window) != TECHO_WINDOW_MODE_MAIN)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_MAIN);
}

/* Waits for the reloaded records to hold @n_dispensings and @n_checkups. */
static TechoRecordSet *
wait_for_counts (Fixture *fixture,
                 guint    n_dispensings,
                 guint    n_checkups)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoRecordSet *records;

  while (g_get_monotonic_time () < end)
    {
      records = techo_window_get_records (fixture->window);
      if (records != NULL && records->dispensings->len == n_dispensings
          && records->checkups->len == n_checkups)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  records = techo_window_get_records (fixture->window);
  g_assert_nonnull (records);
  g_assert_cmpuint (records->dispensings->len, ==, n_dispensings);
  g_assert_cmpuint (records->checkups->len, ==, n_checkups);
  return records;
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (fixture->files_dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;

  fixture->data_dir = g_dir_make_tmp ("techo-app-import-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->files_dir = g_dir_make_tmp ("techo-app-import-files-XXXXXX", &error);
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

  fixture->window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  techo_window_set_store (fixture->window, fixture->store);
  wait_for_main (fixture);
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

static TechoAlert *
wait_for_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  TechoAlert *dialog = NULL;

  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  return dialog;
}

/* The last visible button labelled @label under @widget (a toast on its
 * way out comes before the one that replaced it). */
static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  GtkWidget *found = NULL;

  if (!gtk_widget_get_visible (widget))
    return NULL;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *in_child = find_button (child, label);

      if (in_child != NULL)
        found = in_child;
    }
  return found;
}

/* Waits for @toast on the window. */
static void
import_wait_for_toast (Fixture    *fixture,
                       const char *toast)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!shows_label (GTK_WIDGET (fixture->window), toast, TRUE)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (shows_label (GTK_WIDGET (fixture->window), toast, TRUE));
}

/* Runs the import of @paths and waits for @toast on the window. */
static void
import_and_wait_for_toast (Fixture            *fixture,
                           const char * const *paths,
                           const char         *toast)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  techo_window_import_paths (fixture->window, paths);
  while (!shows_label (GTK_WIDGET (fixture->window), toast, TRUE)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (shows_label (GTK_WIDGET (fixture->window), toast, TRUE));
}

static void
test_import_files (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *jahis_text = g_strjoinv ("\r\n", (char **) jahis_lines);
  g_autofree char *jahis = write_file (fixture, "okusuri.txt", jahis_text);
  g_autofree char *cda = g_test_build_filename (G_TEST_DIST, "corpus", "cda", "ok-sample.xml",
                                                NULL);
  const char * const paths[] = { jahis, cda, NULL };
  TechoRecordSet *records = techo_window_get_records (fixture->window);
  gint64 profile_id = records->profile->id;
  TechoAlert *dialog;
  GtkWidget *medicines;
  GtkWidget *undo;

  g_assert_cmpuint (records->dispensings->len, ==, 0);
  g_assert_cmpuint (records->checkups->len, ==, 0);

  /* The notebook goes in; the checkup file names someone else (テスト
   * タロウ, not 山田太郎), so the window asks before it goes in too. */
  import_and_wait_for_toast (fixture, paths,
                             techo_test_app_is_japanese () ? "4件のお薬を取り込みました" : "Imported 4 medicines");
  dialog = wait_for_dialog ();
  g_assert_cmpstr (techo_alert_get_heading (dialog), ==, _("Import Anyway?"));
  g_assert_nonnull (strstr (techo_alert_get_body (dialog), "ok-sample.xml"));
  techo_test_app_save_screenshot_as (GTK_WIDGET (dialog), "import", "ask", 250);
  techo_alert_response (dialog, "import");
  import_wait_for_toast (fixture, techo_test_app_is_japanese () ? "1件の健診を取り込みました"
                                                 : "Imported 1 checkup");
  records = wait_for_counts (fixture, 4, 1);
  g_assert_cmpint (records->profile->id, ==, profile_id);
  g_assert_null (find_message_dialog ());

  /* The notebook's allergy and OTC medicine above the medicines. */
  techo_window_show_page (fixture->window, "medicines");
  medicines = techo_window_get_page (fixture->window, "medicines");
  techo_test_app_pump (100);
  g_assert_cmpuint (techo_medicines_page_get_n_notebook_rows (TECHO_MEDICINES_PAGE (medicines)),
                    ==, 2);
  g_assert_true (shows_label (medicines, "ペニシリン系抗菌薬で発疹", FALSE));
  g_assert_true (shows_label (medicines, "ビタミンC錠", FALSE));
  /* 10 回分 is ten doses, not ten days (in the history, each ingredient
   * opened: its dispensings are read from the store when it is). */
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (medicines), "history");
  {
    GtkTreeListModel *tree = techo_medicines_page_get_history_model (TECHO_MEDICINES_PAGE (medicines));
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while ((tree == NULL || techo_medicines_page_is_loading (TECHO_MEDICINES_PAGE (medicines)))
           && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, TRUE);
        tree = techo_medicines_page_get_history_model (TECHO_MEDICINES_PAGE (medicines));
      }
    g_assert_nonnull (tree);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
      {
        g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);

        if (gtk_tree_list_row_is_expandable (row))
          gtk_tree_list_row_set_expanded (row, TRUE);
      }
    while (!shows_label (medicines, techo_test_app_is_japanese () ? "10回分" : "10 doses", FALSE)
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  techo_test_app_pump (100);
  g_assert_true (shows_label (medicines, techo_test_app_is_japanese () ? "10回分" : "10 doses", FALSE));
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (medicines), "now");

  /* The checkup's detail: the laboratory's own H beside Techo's status,
   * and where the checkup came from. */
  {
    g_autofree char *lab = g_strdup_printf (_("Lab: %s"), "H");
    g_autofree char *source = g_strdup_printf (_("Imported file %s"), "ok-sample.xml");
    GtkWidget *page;
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    techo_window_show_page (fixture->window, "checkups");
    page = techo_window_get_page (fixture->window, "checkups");
    techo_checkups_page_show_detail (TECHO_CHECKUPS_PAGE (page), 0);
    while (!shows_label (page, source, TRUE) && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (shows_label (page, source, TRUE));
    g_assert_true (shows_label (page, lab, TRUE));
    /* Each value names its sources (here the one file). */
    {
      TechoRecordSet *shown = techo_window_get_records (fixture->window);
      const TechoCheckup *checkup = g_ptr_array_index (shown->checkups, 0);
      const char *code = ((TechoItem *) g_ptr_array_index (checkup->items, 0))->code;

      while (techo_checkups_page_get_value_sources (TECHO_CHECKUPS_PAGE (page), code) == NULL
             && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpstr (techo_checkups_page_get_value_sources (TECHO_CHECKUPS_PAGE (page), code),
                       ==, "ok-sample.xml");
    }
    techo_test_app_save_screenshot_as (GTK_WIDGET (fixture->window),
                                       "import", "checkup-sources", 250);
  }
  techo_test_app_pump (600); /* the first toast has gone */

  /* Undo on that toast takes the checkup back out. */
  undo = find_button (GTK_WIDGET (fixture->window), _("_Undo"));
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  import_wait_for_toast (fixture, _("Import undone"));
  wait_for_counts (fixture, 4, 0);

  techo_window_show_page (fixture->window, "medicines");
  medicines = techo_window_get_page (fixture->window, "medicines");
  techo_test_app_pump (100);
  g_assert_true (shows_label (medicines, "アムロジピン", FALSE));
  g_assert_true (shows_label (medicines, "セレコキシブ", FALSE));
  /* Amlodipine and celecoxib last to the 28th; loxoprofen ended. */
  g_assert_cmpuint (techo_medicines_page_get_n_current (TECHO_MEDICINES_PAGE (medicines)), ==, 2);
  /* The notebook's allergy and OTC medicine above the medicines. */
  g_assert_cmpuint (techo_medicines_page_get_n_notebook_rows (TECHO_MEDICINES_PAGE (medicines)),
                    ==, 2);
  g_assert_true (shows_label (medicines, "ペニシリン系抗菌薬で発疹", FALSE));
  g_assert_true (shows_label (medicines, "ビタミンC錠", FALSE));
  /* 10 回分 is ten doses, not ten days (in the history, each ingredient
   * opened: its dispensings are read from the store when it is). */
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (medicines), "history");
  {
    GtkTreeListModel *tree = techo_medicines_page_get_history_model (TECHO_MEDICINES_PAGE (medicines));
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while ((tree == NULL || techo_medicines_page_is_loading (TECHO_MEDICINES_PAGE (medicines)))
           && g_get_monotonic_time () < end)
      {
        g_main_context_iteration (NULL, TRUE);
        tree = techo_medicines_page_get_history_model (TECHO_MEDICINES_PAGE (medicines));
      }
    g_assert_nonnull (tree);
    for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
      {
        g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);

        if (gtk_tree_list_row_is_expandable (row))
          gtk_tree_list_row_set_expanded (row, TRUE);
      }
    while (!shows_label (medicines, techo_test_app_is_japanese () ? "10回分" : "10 doses", FALSE)
           && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
  }
  techo_test_app_pump (100);
  g_assert_true (shows_label (medicines, techo_test_app_is_japanese () ? "10回分" : "10 doses", FALSE));
  techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (medicines), "now");
  techo_test_app_save_screenshot_as (GTK_WIDGET (fixture->window), "import", "medicines", 250);

  /* The same files again: nothing new, and the toast says so; the
   * checkup file is asked about again, and cancelling leaves it out. */
  import_and_wait_for_toast (fixture, paths,
                             _("Nothing new: these records are already in Techo"));
  dialog = wait_for_dialog ();
  techo_alert_response (dialog, "cancel");
  techo_test_app_pump (200);
  wait_for_counts (fixture, 4, 0);
}

static void
test_import_refused (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *bad = write_file (fixture, "notes.txt", "shopping list: milk, eggs\n");
  g_autofree char *jahis_text = g_strjoinv ("\n", (char **) jahis_lines);
  g_autofree char *good = write_file (fixture, "okusuri.txt", jahis_text);
  g_autofree char *heading = g_strdup_printf (_("Could not import “%s”"), "notes.txt");
  const char * const bad_only[] = { bad, NULL };
  const char * const both[] = { bad, good, NULL };
  TechoRecordSet *before = techo_window_get_records (fixture->window);
  TechoAlert *dialog = NULL;
  const char *body;
  gint64 end;

  techo_window_import_paths (fixture->window, bad_only);
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (techo_alert_get_heading (dialog), ==, heading);
  body = techo_alert_get_body (dialog);
  /* The import's own message, then that nothing changed. */
  g_assert_true (strlen (body) > strlen (_("Nothing was changed by this file.")) + 2);
  g_assert_true (g_str_has_suffix (body, _("Nothing was changed by this file.")));
  g_test_message ("dialog: %s / %s", techo_alert_get_heading (dialog), body);
  techo_test_app_save_screenshot_as (GTK_WIDGET (dialog), "import", "refused", 250);
  techo_test_app_pump (200);
  /* No reload: the same records, none added. */
  g_assert_true (techo_window_get_records (fixture->window) == before);
  g_assert_cmpuint (before->dispensings->len, ==, 0);
  g_assert_false (shows_label (GTK_WIDGET (fixture->window), "Imported", FALSE));
  /* Its button: the response, and the dialog closes. */
  techo_alert_response (dialog, "close");
  techo_test_app_pump (100);
  g_assert_null (find_message_dialog ());

  /* A bad file among good ones: the good one goes in, the bad one is
   * named in the dialog. */
  import_and_wait_for_toast (fixture, both,
                             techo_test_app_is_japanese () ? "4件のお薬を取り込みました" : "Imported 4 medicines");
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (techo_alert_get_heading (dialog), ==, heading);
  /* Its button: the response, and the dialog closes. */
  techo_alert_response (dialog, "close");
  wait_for_counts (fixture, 4, 0);
}

/* A 薬剤情報 download of the window's person (CP932): a claims row, its
 * 電子処方箋 twin (another name for the same drug), and a claims row of
 * another pharmacy. */
static const char portal_xml[] =
  "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\r\n"
  "<XmlMsg><MessageHeader><QuaInf><Name>山田太郎</Name><KanaName>ヤマダ　タロウ</KanaName>"
  "<Birth>19600115</Birth><AdmGendCode>1</AdmGendCode></QuaInf></MessageHeader>\r\n"
  "<MessageBody>\r\n"
  "<MeTrMonthInf><MeTrDiHCd>1340023456</MeTrDiHCd><MeTrDiHNm>さくら薬局</MeTrDiHNm>"
  "<MeTrMonth>202610</MeTrMonth><PrlsHCd>1310054321</PrlsHCd><InOut>2</InOut>"
  "<DiDateInfs><DiDateInf><DiDate>20261005</DiDate><PrDate>20261005</PrDate><DrugInfs>"
  "<DrugInf><DrugC>612320261</DrugC><DrugN>レバミピド錠１００ｍｇ</DrugN><Qua1>3</Qua1>"
  "<Unit>錠</Unit><UsageN>１日３回毎食後</UsageN><Times>28</Times><MeTrIdCl>21</MeTrIdCl>"
  "</DrugInf></DrugInfs></DiDateInf></DiDateInfs></MeTrMonthInf>\r\n"
  "<MeTrMonthInf><MeTrDiHCd>1340012345</MeTrDiHCd><MeTrDiHNm>みなと薬局</MeTrDiHNm>"
  "<MeTrMonth>202610</MeTrMonth><PrlsHCd>1310098765</PrlsHCd><InOut>2</InOut>"
  "<DiDateInfs><DiDateInf><DiDate>20261008</DiDate><DrugInfs>"
  "<DrugInf><DrugC>621986301</DrugC><DrugN>ファモチジン錠２０ｍｇ</DrugN><Qua1>2</Qua1>"
  "<Unit>錠</Unit><UsageN>１日２回朝夕食後</UsageN><Times>28</Times><MeTrIdCl>21</MeTrIdCl>"
  "</DrugInf></DrugInfs></DiDateInf></DiDateInfs></MeTrMonthInf>\r\n"
  "<CzDiInf><CzDiMonthInf><CzMeTrDiHCd>1340023456</CzMeTrDiHCd>"
  "<CzMeTrDiHNm>さくら薬局</CzMeTrDiHNm><CzDiMonth>202610</CzDiMonth>"
  "<CzPrlsHCd>1310054321</CzPrlsHCd><CzDiDateInfs><CzDiDateInf><CzDiDate>20261005</CzDiDate>"
  "<CzPrDate>20261005</CzPrDate><CzDrugInfs><CzDrugInf><CzDrugC>612320261</CzDrugC>"
  "<CzDrugN>ムコスタ錠１００ｍｇ</CzDrugN><CzQua1>3</CzQua1><CzUnit>錠</CzUnit>"
  "<CzUsageN>１日３回毎食後</CzUsageN><CzTimes>28</CzTimes><CzUsageCl>1</CzUsageCl>"
  "</CzDrugInf></CzDrugInfs></CzDiDateInf></CzDiDateInfs></CzDiMonthInf></CzDiInf>\r\n"
  "</MessageBody></XmlMsg>\r\n";

static void
test_import_portal_xml (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *cp932 = g_convert (portal_xml, -1, "CP932", "UTF-8", NULL, &length, &error);
  g_autofree char *path = g_build_filename (fixture->files_dir, "yakuzai.dat", NULL);
  const char * const paths[] = { path, NULL };
  GtkWidget *medicines;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, cp932, (gssize) length, &error));
  g_assert_no_error (error);

  /* Three rows stored, the claims row revised: two shown, two counted. */
  import_and_wait_for_toast (fixture, paths,
                             techo_test_app_is_japanese () ? "2件のお薬を取り込みました" : "Imported 2 medicines");
  wait_for_counts (fixture, 2, 0);
  g_assert_null (find_message_dialog ());
  techo_window_show_page (fixture->window, "medicines");
  medicines = techo_window_get_page (fixture->window, "medicines");
  techo_test_app_pump (100);
  g_assert_true (shows_label (medicines, "ムコスタ", FALSE));
  g_assert_true (shows_label (medicines, "ファモチジン", FALSE));
  g_assert_false (shows_label (medicines, "レバミピド", FALSE));
  techo_test_app_save_screenshot_as (GTK_WIDGET (fixture->window), "import", "portal-xml", 250);

  import_and_wait_for_toast (fixture, paths,
                             _("Nothing new: these records are already in Techo"));
  wait_for_counts (fixture, 2, 0);
}

/* Ctrl+O is listed; the action opens the chooser on the records screen
 * and does nothing off it (no chooser while locked, no import). */
static void
test_import_action (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/org/techo/Techo/gtk/help-overlay.ui");
  g_autoptr(GSList) objects = gtk_builder_get_objects (builder);
  g_autofree char *jahis_text = g_strjoinv ("\n", (char **) jahis_lines);
  g_autofree char *good = write_file (fixture, "okusuri.txt", jahis_text);
  const char * const paths[] = { good, NULL };
  guint n_toplevels;
  gboolean listed = FALSE;

  for (GSList *l = objects; l != NULL; l = l->next)
    if (GTK_IS_SHORTCUTS_SHORTCUT (l->data))
      {
        g_autofree char *accel = NULL;

        g_object_get (l->data, "accelerator", &accel, NULL);
        listed |= g_strcmp0 (accel, "<Control>o") == 0;
      }
  g_assert_true (listed);
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));

  /* On the records screen the action opens the chooser, several files
   * at once; cancelling it imports nothing. */
  n_toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import", NULL));
  techo_test_app_pump (300);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
    GtkFileChooser *chooser = NULL;
    g_autoptr(GListModel) filters = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
          chooser = GTK_FILE_CHOOSER (window);
      }
    g_assert_nonnull (chooser);
    g_assert_true (gtk_file_chooser_get_select_multiple (chooser));
    filters = gtk_file_chooser_get_filters (chooser);
    g_assert_cmpuint (g_list_model_get_n_items (filters), ==, 7);
    {
      /* One of them for マイナポータル's XML downloads. */
      g_autoptr(GtkFileFilter) portal = g_list_model_get_item (filters, 5);

      g_assert_cmpstr (gtk_file_filter_get_name (portal), ==,
                       _("Medicines and checkups saved from Mynaportal (XML)"));
    }
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_CANCEL);
    techo_test_app_pump (200);
  }
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_toplevels);
  g_assert_cmpuint (techo_window_get_records (fixture->window)->dispensings->len, ==, 0);

  techo_window_lock (fixture->window);
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_LOCKED);
  n_toplevels = g_list_model_get_n_items (gtk_window_get_toplevels ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import", NULL));
  techo_window_import_paths (fixture->window, paths);
  techo_test_app_pump (300);
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, n_toplevels);
  g_assert_null (techo_window_get_records (fixture->window));
  g_assert_cmpint (techo_window_get_mode (fixture->window), ==, TECHO_WINDOW_MODE_LOCKED);
}

/* A 健診結果報告書 for the fixture's person, two results. */
static const char shared_bundle[] =
  "{\"resourceType\":\"Bundle\",\"type\":\"document\","
  "\"identifier\":{\"system\":\"http://jpfhir.jp/fhir/clins/bundle-identifier\",\"value\":\"x^2026^1\"},"
  "\"entry\":["
  "{\"fullUrl\":\"urn:uuid:1\",\"resource\":{\"resourceType\":\"Composition\",\"status\":\"final\","
  "\"category\":[{\"coding\":[{\"system\":\"urn:oid:2.16.840.1.113883.2.2.1.6.1001\",\"code\":\"10\"}]}],"
  "\"subject\":{\"reference\":\"urn:uuid:2\"},\"date\":\"2026-09-30\",\"title\":\"健診結果\","
  "\"custodian\":{\"reference\":\"urn:uuid:3\"},"
  "\"event\":[{\"code\":[{\"coding\":[{\"system\":\"urn:oid:1.2.392.200119.6.1002\",\"code\":\"010\"}]}],"
  "\"period\":{\"start\":\"2026-09-30\"}}],"
  "\"section\":[{\"entry\":[{\"reference\":\"urn:uuid:4\"},{\"reference\":\"urn:uuid:5\"}]}]}},"
  "{\"fullUrl\":\"urn:uuid:2\",\"resource\":{\"resourceType\":\"Patient\",\"name\":[{\"text\":\"山田太郎\"}],"
  "\"gender\":\"male\",\"birthDate\":\"1960-01-15\"}},"
  "{\"fullUrl\":\"urn:uuid:3\",\"resource\":{\"resourceType\":\"Organization\",\"identifier\":[{"
  "\"system\":\"http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no\",\"value\":\"1319999991\"}],"
  "\"name\":\"試験健診センター\"}},"
  "{\"fullUrl\":\"urn:uuid:4\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
  "\"code\":{\"coding\":[{\"system\":\"urn:oid:1.2.392.200119.6.1005\",\"code\":\"9N001000000000001\",\"display\":\"身長\"}]},"
  "\"valueQuantity\":{\"value\":170.2,\"unit\":\"cm\"}}},"
  "{\"fullUrl\":\"urn:uuid:5\",\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
  "\"code\":{\"coding\":[{\"system\":\"urn:oid:1.2.392.200119.6.1005\",\"code\":\"9N006000000000001\",\"display\":\"体重\"}]},"
  "\"valueQuantity\":{\"value\":65.0,\"unit\":\"kg\"}}}]}";

static void
serve_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  const char *jwe = user_data;

  if (query == NULL || g_hash_table_lookup (query, "recipient") == NULL)
    {
      soup_server_message_set_status (msg, 400, NULL);
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/jose", SOUP_MEMORY_COPY, jwe, strlen (jwe));
}

/* Opens the dialog through win.import-link, pastes @link, presses Open. */
static void
open_shared_link (Fixture    *fixture,
                  const char *link,
                  const char *screenshot)
{
  TechoAlert *dialog;
  GtkWidget *entry;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  gtk_widget_activate_action (GTK_WIDGET (fixture->window), "win.import-link", NULL);
  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  entry = techo_test_app_find_widget (techo_alert_get_extra_child (dialog), GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  g_assert_nonnull (techo_test_app_find_widget (techo_alert_get_extra_child (dialog),
                                         GTK_TYPE_PASSWORD_ENTRY));
  g_assert_false (techo_alert_get_response_enabled (dialog, "open"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "not a link");
  g_assert_false (techo_alert_get_response_enabled (dialog, "open"));
  gtk_editable_set_text (GTK_EDITABLE (entry), link);
  g_assert_true (techo_alert_get_response_enabled (dialog, "open"));
  techo_test_app_pump (100);
  if (screenshot != NULL)
    techo_test_app_save_screenshot_as (GTK_WIDGET (dialog), "import", screenshot, 250);
  /* As the Open button does: the response, then the dialog closes. */
  techo_alert_response (dialog, "open");
  techo_test_app_pump (50);
}

static void
test_import_shared_link (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(TechoShlPayload) payload = techo_shl_payload_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *jwe = NULL;
  g_autofree char *link = NULL;
  g_autofree char *wrong = NULL;
  TechoAlert *dialog;
  GSList *uris;
  gint64 end;

  g_assert_true (techo_random_bytes (payload->key, sizeof payload->key, &error));
  jwe = techo_shl_encrypt (payload->key, sizeof payload->key, NULL, shared_bundle,
                           strlen (shared_bundle), &error);
  g_assert_no_error (error);
  soup_server_add_handler (server, "/direct", serve_cb, jwe, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  payload->url = g_strdup_printf ("http://127.0.0.1:%d/direct", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  payload->flag = g_strdup ("U");
  link = techo_shl_link_encode (payload, &error);
  g_assert_no_error (error);

  open_shared_link (fixture, link, "shared-link");
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!shows_label (GTK_WIDGET (fixture->window),
                       techo_test_app_is_japanese () ? "共有リンクから1件の記録を取り込みました"
                                      : "Imported 1 record from the shared link", TRUE)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  wait_for_counts (fixture, 0, 1);
  g_assert_null (find_message_dialog ());

  /* The same link with another key: a dialog says why; nothing changes. */
  payload->key[0] ^= 0x01;
  wrong = techo_shl_link_encode (payload, &error);
  g_assert_no_error (error);
  open_shared_link (fixture, wrong, NULL);
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  g_assert_true (shows_label (GTK_WIDGET (dialog),
                              techo_test_app_is_japanese () ? "共有リンクを開けませんでした"
                                             : "Could not open the shared link", TRUE));
  techo_test_app_save_screenshot_as (GTK_WIDGET (dialog), "import", "shared-link-refused", 250);
  techo_alert_close (dialog);
  techo_test_app_pump (50);
  wait_for_counts (fixture, 0, 1);
  soup_server_disconnect (server);
}

/* Visit mode shows what the medication notebook says a doctor must see
 * (allergies, side effects, OTC medicines), gathered under the consent
 * from a real store; memos and history stay out. */
static void
test_visit_notebook (void)
{
  static const char notebook[] =
    "JAHISTC08,1\n"
    "1,手帳 花子,2,S330303\n"
    "2,1,卵,1\n"
    "2,2,セフェム系抗菌薬で発疹,1\n"
    "2,3,高血圧症,1\n"
    "3,ビタミンC錠,,,2,1,4900000000001\n"
    "4,健康診断を受けた,R060410,2\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-visit-notebook-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "okusuri.txt", NULL);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  const char *paths[] = { path, NULL };
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoRecordSet) records = NULL;
  g_auto(GStrv) sections = NULL;
  g_autofree char *text = NULL;
  GtkWindow *owner;
  TechoVisitWindow *visit;

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, notebook, -1, &error));
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  report = techo_import_paths_sync (store, 0, paths, TECHO_IMPORT_FLAGS_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (techo_import_report_all_read (report));
  consent = techo_consent_new ("みどり内科", "受診のため", 1u << TECHO_CATEGORY_MEDICATION,
                               TECHO_CONSENT_METHOD_VISIT);
  records = techo_record_set_gather_sync (store, 0, consent, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->entries->len, ==, 3);

  owner = GTK_WINDOW (gtk_window_new ());
  visit = techo_visit_window_new (owner, store, records, consent, NULL);
  techo_test_app_pump (50);
  sections = techo_visit_window_dup_sections (visit);
  g_assert_cmpstr (sections[0], ==, "notebook");
  g_assert_cmpuint (techo_visit_window_get_n_rows (visit, "notebook"), ==, 3);
  text = techo_visit_window_dup_text (visit);
  g_assert_nonnull (strstr (text, "卵"));
  g_assert_nonnull (strstr (text, "セフェム系抗菌薬で発疹"));
  g_assert_nonnull (strstr (text, "ビタミンC錠"));
  g_assert_null (strstr (text, "高血圧症"));
  g_assert_null (strstr (text, "健康診断を受けた"));

  gtk_window_destroy (GTK_WINDOW (visit));
  gtk_window_destroy (owner);
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  techo_test_remove_tree (dir);
}

/* A 特定保健指導 (health guidance) record is listed in the checkups'
 * history after the checkups, and opens no detail of results. */
static void
test_guidance_history (void)
{
  g_autoptr(TechoRecordSet) records = techo_record_set_new ();
  TechoCheckup *checkup = techo_checkup_new ();
  TechoCheckup *guidance = techo_checkup_new ();
  GtkWidget *page = g_object_ref_sink (g_object_new (TECHO_TYPE_CHECKUPS_PAGE, NULL));
  GtkWindow *host = GTK_WINDOW (gtk_window_new ());

  records->profile = techo_profile_new ();
  checkup->id = g_strdup ("c1");
  checkup->performed_on = g_strdup ("2026-06-15");
  checkup->report_kind = g_strdup ("10");
  checkup->institution_name = g_strdup ("健診センター");
  g_ptr_array_add (records->checkups, checkup);
  guidance->id = g_strdup ("g1");
  guidance->performed_on = g_strdup ("2026-08-01");
  guidance->report_kind = g_strdup ("20");
  guidance->institution_name = g_strdup ("保健指導センター");
  g_ptr_array_add (records->guidance, guidance);

  gtk_window_set_child (host, page);
  gtk_window_present (host);
  techo_page_set_records (TECHO_PAGE (page), records);
  techo_test_app_pump (50);
  g_assert_cmpuint (techo_checkups_page_get_n_rows (TECHO_CHECKUPS_PAGE (page)), ==, 1);
  g_assert_cmpuint (techo_checkups_page_get_n_guidance_rows (TECHO_CHECKUPS_PAGE (page)), ==, 1);
  g_assert_true (shows_label (page, "保健指導センター", FALSE));
  g_assert_false (techo_checkups_page_show_detail (TECHO_CHECKUPS_PAGE (page), 1));
  g_assert_true (techo_checkups_page_show_detail (TECHO_CHECKUPS_PAGE (page), 0));
  gtk_window_destroy (host);
  g_object_unref (page);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add ("/app-import/files", Fixture, NULL, fixture_set_up, test_import_files,
              fixture_tear_down);
  g_test_add ("/app-import/refused", Fixture, NULL, fixture_set_up, test_import_refused,
              fixture_tear_down);
  g_test_add ("/app-import/action", Fixture, NULL, fixture_set_up, test_import_action,
              fixture_tear_down);
  g_test_add ("/app-import/shared-link", Fixture, NULL, fixture_set_up, test_import_shared_link,
              fixture_tear_down);
  g_test_add ("/app-import/portal-xml", Fixture, NULL, fixture_set_up, test_import_portal_xml,
              fixture_tear_down);
  g_test_add_func ("/app-import/visit-notebook", test_visit_notebook);
  g_test_add_func ("/app-import/guidance-history", test_guidance_history);
  return g_test_run ();
}
