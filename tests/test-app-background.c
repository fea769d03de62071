/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-background: a later start of the whole application (real store,
 * keyring, sandbox over loopback, Xvfb) shows the dashboard from the store
 * at once, then syncs in the background and shows what is new; someone who
 * is not signed in is left on the dashboard, not sent to sign in. */

#define G_LOG_DOMAIN "test-app-background"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "techo-application.h"
#include "techo-records.h"
#include "techo-store.h"
#include "techo-test-sandbox.h"
#include "techo-test-app.h"
#include "techo-test-util.h"
#include "techo-window.h"

static gint64
count_in_store (const char      *data_dir,
                TechoStoreCount  what)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(GError) error = NULL;
  gint64 n;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  n = techo_store_count_sync (store, 0, what, NULL, &error);
  g_assert_no_error (error);
  techo_store_close_sync (store, NULL, NULL);
  return n;
}

static TechoWindow *
wait_for_main (GtkApplication *app)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GtkWindow *window = NULL;

  while (g_get_monotonic_time () < end)
    {
      window = gtk_application_get_active_window (app);
      if (TECHO_IS_WINDOW (window) && techo_window_get_records (TECHO_WINDOW (window)) != NULL
          && techo_window_get_mode (TECHO_WINDOW (window)) == TECHO_WINDOW_MODE_MAIN)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (TECHO_IS_WINDOW (window));
  g_assert_cmpint (techo_window_get_mode (TECHO_WINDOW (window)), ==, TECHO_WINDOW_MODE_MAIN);
  return TECHO_WINDOW (window);
}

static guint
n_dispensings (TechoWindow *window)
{
  TechoRecordSet *records = techo_window_get_records (window);

  return records != NULL && records->dispensings != NULL ? records->dispensings->len : 0;
}

static void
run_app_until (TechoApplication *app,
               TechoWindow     **out_window,
               gboolean        (*done) (TechoWindow *),
               guint             seconds)
{
  gint64 end;

  *out_window = wait_for_main (GTK_APPLICATION (app));
  end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end && !(done != NULL && done (*out_window)))
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
}

static gboolean
has_medicines (TechoWindow *window)
{
  return n_dispensings (window) > 0;
}

static void
test_later_start_syncs_in_background (void)
{
  const char *data_dir = g_getenv ("TECHO_DATA_DIR");
  TechoTestSandbox *sandbox = techo_test_sandbox_new ("--seed", "1", NULL);
  const char *issuer = techo_test_sandbox_get_issuer (sandbox);
  g_autoptr(TechoApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  TechoWindow *window = NULL;
  gint64 checkups;

  /* No notification service runs here; reminders have their own test. */
  g_settings_set_boolean (settings, "reminders", FALSE);
  g_settings_set_boolean (settings, "reminder-followups", FALSE);
  g_settings_set_boolean (settings, "reminder-medicines", FALSE);
  g_settings_set_boolean (settings, "reminder-new-checkups", FALSE);

  /* An earlier run: signed in, but only checkups fetched so far. */
  g_assert_cmpint (techo_test_run_cli (data_dir, "demo-login", "--issuer", issuer, "--citizen", "yamada",
                            NULL), ==, 0);
  g_assert_cmpint (techo_test_run_cli (data_dir, "sync", "--category", "checkup", NULL), ==, 0);
  checkups = count_in_store (data_dir, TECHO_STORE_COUNT_CHECKUP);
  g_assert_cmpint (checkups, >, 0);
  g_assert_cmpint (count_in_store (data_dir, TECHO_STORE_COUNT_MEDICATION), ==, 0);

  /* This start: the dashboard from the store, then the medicines arrive
   * without anyone pressing sync, and the window stays on the dashboard. */
  app = techo_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  run_app_until (app, &window, has_medicines, 30);
  g_assert_cmpuint (n_dispensings (window), >, 0);
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_MAIN);
  g_assert_cmpuint (techo_window_get_records (window)->checkups->len, ==, checkups);
  g_assert_cmpint (count_in_store (data_dir, TECHO_STORE_COUNT_MEDICATION), >, 0);

  /* Signed out: the next window shows the records and asks nothing. */
  g_assert_cmpint (techo_test_run_cli (data_dir, "logout", NULL), ==, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_application_activate (G_APPLICATION (app));
  run_app_until (app, &window, NULL, 3);
  g_assert_cmpint (techo_window_get_mode (window), ==, TECHO_WINDOW_MODE_MAIN);
  g_assert_cmpuint (n_dispensings (window), >, 0);
  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));

  techo_test_sandbox_stop (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("techo-app-background-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("TECHO_DATA_DIR", data_dir, TRUE);
  g_setenv ("TECHO_NO_BROWSER", "1", TRUE);
  techo_test_app_init_locale ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-background/later-start", test_later_start_syncs_in_background);
  status = g_test_run ();
  techo_test_remove_tree (home);
  return status;
}
