/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-errors: every code of every library error domain has a
 * sentence of its own in the user's language (run in English and in
 * Japanese), and a sync against a portal that is gone shows that sentence
 * in a banner with Retry, the library's words only under Details (real
 * store, keyring, sandbox over loopback, Xvfb). */

#define G_LOG_DOMAIN "test-app-errors"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "techo-alert.h"
#include "techo-cda.h"
#include "techo-consent.h"
#include "techo-csv.h"
#include "techo-error-text.h"
#include "techo-disclosure.h"
#include "techo-export.h"
#include "techo-host-client.h"
#include "techo-share-host.h"
#include "techo-fhir.h"
#include "techo-http.h"
#include "techo-import.h"
#include "techo-jahis.h"
#include "techo-mhlw-xml.h"
#include "techo-qr-image.h"
#include "techo-json.h"
#include "techo-qr.h"
#include "techo-report.h"
#include "techo-secure.h"
#include "techo-share-server.h"
#include "techo-shl.h"
#include "techo-shl-fetch.h"
#include "techo-store.h"
#include "techo-sync-controller.h"
#include "techo-test-app.h"
#include "techo-test-sandbox.h"
#include "techo-test-util.h"
#include "techo-vault.h"
#include "techo-window.h"

/* The domains and how many codes each enum has (its N_ERRORS sentinel). */
static const struct
{
  const char *function;
  GQuark (*quark) (void);
  int n_codes;
} domains[] = {
  { "techo_consent_error", techo_consent_error_quark, TECHO_CONSENT_N_ERRORS },
  { "techo_export_error", techo_export_error_quark, TECHO_EXPORT_N_ERRORS },
  { "techo_shl_error", techo_shl_error_quark, TECHO_SHL_N_ERRORS },
  { "techo_shl_fetch_error", techo_shl_fetch_error_quark, TECHO_SHL_FETCH_N_ERRORS },
  { "techo_share_error", techo_share_error_quark, TECHO_SHARE_N_ERRORS },
  { "techo_report_error", techo_report_error_quark, TECHO_REPORT_N_ERRORS },
  { "techo_qr_error", techo_qr_error_quark, TECHO_QR_N_ERRORS },
  { "techo_cda_error", techo_cda_error_quark, TECHO_CDA_N_ERRORS },
  { "techo_csv_error", techo_csv_error_quark, TECHO_CSV_N_ERRORS },
  { "techo_fhir_error", techo_fhir_error_quark, TECHO_FHIR_N_ERRORS },
  { "techo_jahis_error", techo_jahis_error_quark, TECHO_JAHIS_N_ERRORS },
  { "techo_mhlw_error", techo_mhlw_error_quark, TECHO_MHLW_N_ERRORS },
  { "techo_qr_image_error", techo_qr_image_error_quark, TECHO_QR_IMAGE_N_ERRORS },
  { "techo_store_error", techo_store_error_quark, TECHO_STORE_N_ERRORS },
  { "techo_vault_error", techo_vault_error_quark, TECHO_VAULT_N_ERRORS },
  { "techo_json_error", techo_json_error_quark, TECHO_JSON_N_ERRORS },
  { "techo_secure_error", techo_secure_error_quark, TECHO_SECURE_N_ERRORS },
  { "techo_import_error", techo_import_error_quark, TECHO_IMPORT_N_ERRORS },
  { "techo_portal_error", techo_portal_error_quark, TECHO_PORTAL_N_ERRORS },
  { "techo_disclosure_error", techo_disclosure_error_quark, TECHO_DISCLOSURE_N_ERRORS },
  { "techo_host_error", techo_host_error_quark, TECHO_HOST_N_ERRORS },
  { "techo_share_host_error", techo_share_host_error_quark, TECHO_SHARE_HOST_N_ERRORS },
  { "techo_app_error", techo_app_error_quark, TECHO_APP_N_ERRORS },
};

static gboolean
japanese (void)
{
  const char *language = g_getenv ("LANGUAGE");

  return language != NULL && g_str_has_prefix (language, "ja");
}

/* Every G_DEFINE_QUARK under src/lib names a domain listed above, except
 * the SQLite wrapper's, whose codes the store maps to its own. */
static void
scan_quarks (const char *dir,
             GPtrArray  *found)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      const char *at;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          scan_quarks (path, found);
          continue;
        }
      if (!g_str_has_suffix (name, ".c") || !g_file_get_contents (path, &text, NULL, NULL))
        continue;
      for (at = strstr (text, "G_DEFINE_QUARK ("); at != NULL;
           at = strstr (at + 1, "G_DEFINE_QUARK ("))
        {
          const char *comma = strchr (at, ',');
          const char *close = comma != NULL ? strchr (comma, ')') : NULL;

          g_assert_nonnull (close);
          g_ptr_array_add (found, g_strstrip (g_strndup (comma + 1, close - comma - 1)));
        }
    }
}

static void
test_every_code_has_a_sentence (void)
{
  const char *source_root = g_getenv ("TECHO_SOURCE_ROOT");
  g_autoptr(GPtrArray) quarks = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) sentences = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_codes = 0;

  if (source_root == NULL)
    {
      g_test_skip ("TECHO_SOURCE_ROOT is not set");
      return;
    }
  {
    g_autofree char *lib = g_build_filename (source_root, "src", "lib", NULL);

    scan_quarks (lib, quarks);
  }
  g_assert_cmpuint (quarks->len, >=, 16);
  for (guint i = 0; i < quarks->len; i++)
    {
      const char *function = g_ptr_array_index (quarks, i);
      gboolean listed = g_str_equal (function, "techo_sqlite_error");

      for (guint d = 0; d < G_N_ELEMENTS (domains) && !listed; d++)
        listed = g_str_equal (domains[d].function, function);
      if (!listed)
        g_test_message ("a library error domain without sentences: %s", function);
      g_assert_true (listed);
    }

  for (guint d = 0; d < G_N_ELEMENTS (domains); d++)
    {
      g_assert_cmpint (domains[d].n_codes, >, 0);
      for (int code = 0; code < domains[d].n_codes; code++)
        {
          g_autoptr(GError) error = g_error_new_literal (domains[d].quark (), code,
                                                         "the library's own words");
          const char *english = techo_error_text_lookup (domains[d].quark (), code);
          const char *shown = techo_error_text (error);
          TechoErrorNext next = techo_error_text_next (error);

          if (english == NULL)
            g_test_message ("%s code %d has no sentence", domains[d].function, code);
          g_assert_nonnull (english);
          g_assert_nonnull (shown);
          /* The library's words never stand in for the sentence. */
          g_assert_null (strstr (shown, "the library's own words"));
          if (japanese ())
            {
              if (g_str_equal (shown, english))
                g_test_message ("untranslated: %s", english);
              g_assert_cmpstr (shown, !=, english);
              /* A sentence offering a retry says so in Japanese, too. */
              if (next == TECHO_ERROR_NEXT_RETRY)
                g_assert_nonnull (strstr (shown, "再試行"));
            }
          else
            {
              g_assert_cmpstr (shown, ==, english);
              if (next == TECHO_ERROR_NEXT_RETRY)
                {
                  g_autofree char *lower = g_ascii_strdown (shown, -1);

                  g_assert_nonnull (strstr (lower, "retry"));
                }
            }
          /* One code, one sentence: none is a copy of another domain's
           * fallback, and no two codes of a domain read the same. */
          g_assert_cmpstr (shown, !=, _("Something went wrong. Retry; the details say more."));
          {
            g_autofree char *key = g_strdup_printf ("%d:%s", (int) d, english);

            g_assert_false (g_hash_table_contains (sentences, key));
            g_hash_table_add (sentences, g_steal_pointer (&key));
          }
          n_codes++;
        }
      /* Past the last code: the general sentence, not a crash. */
      {
        g_autoptr(GError) past = g_error_new_literal (domains[d].quark (), domains[d].n_codes,
                                                      "past the end");

        g_assert_null (techo_error_text_lookup (domains[d].quark (), domains[d].n_codes));
        g_assert_cmpstr (techo_error_text (past), ==,
                         _("Something went wrong. Retry; the details say more."));
      }
    }
  g_test_message ("%u codes in %u domains", n_codes, (guint) G_N_ELEMENTS (domains));
}

/* ---- the app's enums --------------------------------------------------- */

/* Window modes: the main stack's page names, read back as written; sync
 * states: a registered enum the window's property bindings can use. */
static void
test_enum_round_trips (void)
{
  g_autoptr(GEnumClass) states = g_type_class_ref (TECHO_TYPE_SYNC_STATE);
  TechoWindowMode mode = TECHO_WINDOW_N_MODES;

  for (guint i = 0; i < TECHO_WINDOW_N_MODES; i++)
    {
      const char *name = techo_window_mode_to_string (i);

      g_assert_nonnull (name);
      g_assert_true (techo_window_mode_from_string (name, &mode));
      g_assert_cmpuint (mode, ==, i);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (techo_window_mode_to_string (j), !=, name);
    }
  g_assert_cmpstr (techo_window_mode_to_string (TECHO_WINDOW_MODE_MAIN), ==, "main");
  mode = TECHO_WINDOW_MODE_LOCKED;
  g_assert_false (techo_window_mode_from_string ("Main", &mode));
  g_assert_false (techo_window_mode_from_string (NULL, &mode));
  g_assert_cmpuint (mode, ==, TECHO_WINDOW_MODE_LOCKED);

  g_assert_cmpuint (states->n_values, ==, TECHO_SYNC_STATE_FAILED + 1);
  for (int state = TECHO_SYNC_STATE_IDLE; state <= TECHO_SYNC_STATE_FAILED; state++)
    {
      GEnumValue *value = g_enum_get_value (states, state);

      g_assert_nonnull (value);
      g_assert_true (g_enum_get_value_by_nick (states, value->value_nick) == value);
    }
}

/* ---- a sync against a portal that is gone ------------------------------ */

/* A visible label under @widget whose text is @text (or holds it). */
static GtkLabel *
find_label (GtkWidget  *widget,
            const char *text,
            gboolean    exact)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget))
    {
      const char *shown = gtk_label_get_text (GTK_LABEL (widget));

      if (exact ? g_str_equal (shown, text) : strstr (shown, text) != NULL)
        return GTK_LABEL (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = find_label (child, text, exact);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A visible button labelled @label. */
static GtkButton *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_is_drawable (widget)
      && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return GTK_BUTTON (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkButton *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static TechoAlert *
find_message_dialog (void)
{
  return techo_alert_find_shown ();
}

static void
test_sync_unreachable (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-app-errors-XXXXXX", NULL);
  TechoTestSandbox *sandbox = techo_test_sandbox_new ("--seed", "1", NULL);
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoSyncController) controller = NULL;
  g_autoptr(GError) error = NULL;
  const GError *last_error;
  TechoWindow *window;
  TechoAlert *dialog = NULL;
  GtkWidget *expander;
  GtkLabel *banner_label;
  GtkButton *retry;
  const char *sentence;
  gint64 end;

  /* Signed in, with checkups stored; then the portal goes away. */
  g_assert_cmpint (techo_test_run_cli (data_dir, "demo-login", "--issuer",
                            techo_test_sandbox_get_issuer (sandbox), "--citizen", "yamada",
                            NULL), ==, 0);
  g_assert_cmpint (techo_test_run_cli (data_dir, "sync", "--category", "checkup", NULL), ==, 0);
  techo_test_sandbox_stop (sandbox);

  store = techo_store_new (data_dir);
  window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  techo_window_set_store (window, store);
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while ((techo_window_get_mode (window) != TECHO_WINDOW_MODE_MAIN
          || techo_window_get_records (window) == NULL)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_MAIN);

  controller = techo_sync_controller_new (store);
  techo_window_watch_sync (window, controller);
  techo_sync_controller_sync (controller, NULL, NULL);
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_SYNCING);
  /* The portal client retries a connection that fails (~30 s). */
  end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  while (techo_sync_controller_is_busy (controller) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  techo_test_app_pump (300);
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_FAILED);
  last_error = techo_sync_controller_get_last_error (controller);
  g_assert_nonnull (last_error);
  g_test_message ("sync error: %s", last_error->message);
  g_assert_true (g_error_matches (last_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_REFUSED)
                 || g_error_matches (last_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NETWORK));
  g_assert_null (techo_sync_controller_get_last_sync (controller));

  /* The window stays on the records, with the sentence in a banner that
   * stays (not a toast), and Retry. */
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_MAIN);
  sentence = techo_error_text (last_error);
  banner_label = find_label (GTK_WIDGET (window), sentence, TRUE);
  g_assert_nonnull (banner_label);
  g_assert_null (find_label (GTK_WIDGET (window), last_error->message, FALSE));
  if (japanese ())
    {
      g_assert_nonnull (strstr (sentence, "マイナポータル"));
      g_assert_nonnull (strstr (sentence, "再試行"));
      g_assert_nonnull (find_label (GTK_WIDGET (window), "再試行", FALSE));
    }
  else
    g_assert_nonnull (strstr (sentence, "My Number Portal"));
  retry = find_button (GTK_WIDGET (window), _("_Retry"));
  g_assert_nonnull (retry);
  g_assert_cmpstr (gtk_button_get_label (retry), ==, _("_Retry"));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (retry)), ==, "win.sync");
  techo_test_app_save_screenshot (GTK_WIDGET (window), japanese () ? "errors-ja-sync-unreachable.png"
                                                                  : "errors-en-sync-unreachable.png", 300);
  techo_test_app_pump (6000);
  /* Still there after a toast would have gone. */
  g_assert_true (gtk_widget_is_drawable (GTK_WIDGET (banner_label)));

  /* Details: the library's own words, under an expander. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sync-error-details", NULL);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((dialog = find_message_dialog ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (techo_alert_get_body (dialog), ==, sentence);
  expander = techo_test_app_find_widget (GTK_WIDGET (dialog), GTK_TYPE_EXPANDER);
  g_assert_nonnull (expander);
  g_assert_false (gtk_expander_get_expanded (GTK_EXPANDER (expander)));
  gtk_expander_set_expanded (GTK_EXPANDER (expander), TRUE);
  techo_test_app_pump (200);
  g_assert_true (GTK_IS_LABEL (gtk_expander_get_child (GTK_EXPANDER (expander))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_expander_get_child (GTK_EXPANDER (expander)))),
                            last_error->message));
  g_assert_nonnull (strstr (last_error->message, "portal"));
  techo_test_app_save_screenshot (GTK_WIDGET (dialog), japanese () ? "errors-ja-details.png"
                                                                  : "errors-en-details.png", 200);
  techo_alert_response (dialog, "close");
  techo_test_app_pump (100);

  /* Dismissed: the banner goes. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.dismiss-sync-error", NULL);
  techo_test_app_pump (500);
  g_assert_null (find_label (GTK_WIDGET (window), sentence, TRUE));

  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (50);
  g_clear_object (&controller);
  techo_store_close_sync (store, NULL, NULL);
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  g_clear_object (&store);
  techo_test_remove_tree (data_dir);
}

/* First run, the portal's sign-in server gone: the welcome says so in
 * the user's language, with the library's words under Details. */
static void
test_first_run_unreachable (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-app-errors-XXXXXX", NULL);
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoSyncController) controller = NULL;
  g_autoptr(GError) error = NULL;
  const GError *last_error;
  TechoWindow *window;
  GtkWidget *expander;
  gint64 end;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  window = techo_window_new (NULL);
  gtk_window_present (GTK_WINDOW (window));
  techo_window_set_store (window, store);
  controller = techo_sync_controller_new (store);
  techo_window_watch_sync (window, controller);
  /* Port 1 on loopback: nothing listens there. */
  techo_sync_controller_sync (controller, "portal", "http://127.0.0.1:1");
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_SIGNING_IN);
  end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (techo_sync_controller_is_busy (controller) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  techo_test_app_pump (200);
  g_assert_cmpint (techo_sync_controller_get_state (controller), ==, TECHO_SYNC_STATE_FAILED);
  last_error = techo_sync_controller_get_last_error (controller);
  g_assert_nonnull (last_error);
  g_test_message ("sign-in error: %s", last_error->message);
  g_assert_true (last_error->domain == TECHO_PORTAL_ERROR);
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_WELCOME);
  g_assert_nonnull (find_label (techo_window_get_welcome (window), techo_error_text (last_error),
                                TRUE));
  g_assert_null (find_label (techo_window_get_welcome (window), last_error->message, FALSE));
  expander = techo_test_app_find_widget (techo_window_get_welcome (window), GTK_TYPE_EXPANDER);
  g_assert_nonnull (expander);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (gtk_expander_get_child (GTK_EXPANDER (expander)))),
                            last_error->message));
  techo_test_app_save_screenshot (GTK_WIDGET (window), japanese () ? "errors-ja-first-run.png"
                                                                  : "errors-en-first-run.png", 300);

  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (50);
  g_clear_object (&controller);
  techo_store_close_sync (store, NULL, NULL);
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_test_remove_tree (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("TECHO_NO_BROWSER", "1", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add_func ("/app-errors/every-code-has-a-sentence", test_every_code_has_a_sentence);
  g_test_add_func ("/app-errors/enum-round-trips", test_enum_round_trips);
  g_test_add_func ("/app-errors/sync-unreachable", test_sync_unreachable);
  g_test_add_func ("/app-errors/first-run-unreachable", test_first_run_unreachable);
  return g_test_run ();
}
