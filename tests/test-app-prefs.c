/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-prefs: the whole application (TechoApplication registered on
 * the test session's D-Bus, real store and keyring, Xvfb): screening
 * reminders reach the notification service, Preferences → Sharing takes
 * an https share host and refuses plain http on the network,
 * Preferences → Sign Out (pressed as a user does) ends the portal session
 * in the keyring, and Preferences → Delete… leaves no file, cache or
 * keyring item behind and shows the first-run screen. */

#define G_LOG_DOMAIN "test-app-prefs"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <string.h>

#include "techo-alert.h"
#include "techo-application.h"
#include "techo-oauth.h"
#include "techo-preferences-window.h"
#include "techo-format.h"
#include "techo-reference.h"
#include "techo-pin-dialog.h"
#include "techo-store.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-sandbox.h"
#include "techo-test-util.h"

#define TODAY "2025-09-01"

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  char *id;
  char *title;
  char *body;
} Received;

static void
received_free (Received *received)
{
  g_free (received->id);
  g_free (received->title);
  g_free (received->body);
  g_free (received);
}

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  GPtrArray *received = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr(GVariant) notification = NULL;
      Received *r = g_new0 (Received, 1);
      const char *app_id;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, NULL, &notification);
      g_variant_get_child (parameters, 1, "s", &r->id);
      g_variant_lookup (notification, "title", "s", &r->title);
      g_variant_lookup (notification, "body", "s", &r->body);
      g_assert_cmpstr (app_id, ==, APP_ID);
      g_ptr_array_add (received, r);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static TechoWindow *
wait_for_mode (GtkApplication *app,
               const char     *mode)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GtkWindow *window = NULL;

  while (g_get_monotonic_time () < end)
    {
      window = gtk_application_get_active_window (app);
      if (TECHO_IS_WINDOW (window)
          && g_strcmp0 (techo_window_mode_to_string (techo_window_get_mode (TECHO_WINDOW (window))), mode) == 0)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (TECHO_IS_WINDOW (window));
  g_assert_cmpstr (techo_window_mode_to_string (techo_window_get_mode (TECHO_WINDOW (window))), ==, mode);
  return TECHO_WINDOW (window);
}

/* A woman born 1965 with a stomach screening that needs a detailed exam
 * and none recorded. */
static void
fill_store (const char *data_dir)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  const TechoCancerInfo *stomach = techo_reference_cancer (TECHO_CANCER_STOMACH);
  g_autoptr(GError) error = NULL;
  TechoScreening *screening;
  TechoItem *item;
  gint64 profile_id = 0;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  profile->issuer = g_strdup ("https://portal.test");
  profile->subject = g_strdup ("citizen-1");
  profile->name = g_strdup ("山田花子");
  profile->birth_date = g_strdup ("1965-04-01");
  profile->sex = g_strdup ("female");
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &profile_id, NULL, &error));
  g_assert_no_error (error);

  screening = techo_screening_new ();
  screening->id = g_strdup ("scr-1");
  screening->revision = 1;
  screening->performed_on = g_strdup ("2025-03-01");
  screening->cancer = g_strdup (stomach->key);
  screening->report_kind = g_strdup (stomach->report_kind);
  screening->stage = g_strdup ("primary");
  item = techo_item_new ();
  item->code = g_strdup (stomach->items[0].code);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup ("2");
  item->value_system = g_strdup (stomach->items[0].value_system);
  g_ptr_array_add (screening->items, item);
  screening->followup_code = g_strdup (stomach->followup_code);
  screening->followup_value = g_strdup ("2");
  g_ptr_array_add (page, screening);
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_SCREENING,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_assert_no_error (error);
}

/* Keyring items of the vault schema for @data_dir. */
static guint
count_keyring_items (const char *data_dir)
{
  static const SecretSchema schema = {
    "org.techo.Techo.Vault", SECRET_SCHEMA_NONE,
    {
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };
  g_autoptr(GError) error = NULL;
  GList *items;
  guint n;

  items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL, NULL, &error,
                                       "data-dir", data_dir, NULL);
  g_assert_no_error (error);
  n = g_list_length (items);
  g_list_free_full (items, g_object_unref);
  return n;
}

static gboolean
exists_in (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static const char *
lang_file (const char *name)
{
  static char buffer[128];

  g_snprintf (buffer, sizeof buffer, "app-%s-%s.png",
              techo_format_is_japanese () ? "ja" : "en", name);
  return buffer;
}

/* Whether the keyring holds a portal session for the app's store. */
static gboolean
is_signed_in (TechoApplication *app)
{
  TechoStore *store = techo_application_get_store (app);
  g_autoptr(TechoOAuth) oauth = techo_oauth_new (techo_store_get_vault (store));
  g_autoptr(GError) error = NULL;
  gboolean loaded = techo_oauth_load_sync (oauth, NULL, &error);

  g_assert_no_error (error);
  return loaded;
}

/* The alert on screen, waiting up to 10 s for it (an AdwAlertDialog
 * appears inside its window once the window has been laid out). */
static TechoAlert *
find_message_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  TechoAlert *alert;

  while ((alert = techo_alert_find_shown ()) == NULL && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  return alert;
}

static GtkWidget *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TECHO_IS_PREFERENCES_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }
  return NULL;
}

/* Preferences as the primary menu opens it. */
static GtkWidget *
open_preferences (GApplication *app)
{
  GtkWidget *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  techo_test_app_pump (200);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  /* It belongs to the application: that is how its buttons reach app.*. */
  g_assert_true (gtk_window_get_application (GTK_WINDOW (preferences)) == GTK_APPLICATION (app));
  return preferences;
}

/* The button under @widget whose action is @action_name. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action_name)
{
  if (GTK_IS_BUTTON (widget)
      && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action_name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_action_button (child, action_name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The subtitle of Preferences' row titled @title. */
static const char *
row_subtitle (GtkWidget  *widget,
              const char *title)
{
  if (ADW_IS_ACTION_ROW (widget)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *found = row_subtitle (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Presses @button as a pointer would: it must be on screen and sensitive
 * (what a screen reader reports as sensitive=True). */
static void
press (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_widget_activate (button));
}

static GtkWidget *
find_label_text (GtkWidget  *widget,
                 const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_text (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static TechoAlert *
find_pin_dialog (void)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      TechoAlert *alert = techo_alert_find_shown ();

      if (alert != NULL
          && g_strcmp0 (techo_alert_get_heading (alert), _("Set the Owner’s PIN")) == 0)
        return alert;
      g_main_context_iteration (NULL, FALSE);
    }
  return NULL;
}

static void
wait_for_pin_state (TechoPreferencesWindow *preferences,
                    const char             *state)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (g_strcmp0 (techo_preferences_window_get_pin_state (preferences), state) != 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (techo_preferences_window_get_pin_state (preferences), ==, state);
}

/* Preferences → Visit Mode and Lock: the owner's PIN, twice; two that
 * differ ask again; once set the row says so (read back from the store). */
static void
check_pin_preference (GApplication *app)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */
  TechoPreferencesWindow *preferences = NULL;
  TechoAlert *dialog;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  techo_test_app_pump (200);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && preferences == NULL; i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (TECHO_IS_PREFERENCES_WINDOW (window))
        preferences = TECHO_PREFERENCES_WINDOW (window);
    }
  g_assert_nonnull (preferences);
  wait_for_pin_state (preferences, _("Not set: anyone at this computer can leave visit mode"));
  gtk_widget_activate (GTK_WIDGET (techo_preferences_window_get_pin_button (preferences)));
  dialog = find_pin_dialog ();
  g_assert_nonnull (dialog);
  techo_test_app_save_screenshot (GTK_WIDGET (dialog), "preferences-pin.png", 100);
  {
    TechoAlert *first = dialog;

    g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
    techo_pin_dialog_set (dialog, "1357", "1358");
    techo_test_app_pump (200);
    /* Answered, the first is gone; a new one says why. */
    g_assert_null (first);
  }
  dialog = find_pin_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (find_label_text (GTK_WIDGET (dialog), _("The two PINs are not the same.")));
  techo_pin_dialog_set (dialog, "1357", "1357");
  wait_for_pin_state (preferences, _("Set"));
  gtk_window_destroy (GTK_WINDOW (preferences));
  techo_test_app_pump (50);
}


/* Preferences → Sharing: the share host's URL, checked before it is kept. */
static void
check_share_host_preference (GApplication *app)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *preferences = open_preferences (app);
  GtkWidget *row;

  row = techo_test_app_find_widget (preferences, ADW_TYPE_ENTRY_ROW);
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");

  /* Plain http across a network: refused, nothing kept, the row says so. */
  gtk_editable_set_text (GTK_EDITABLE (row), "http://192.0.2.7:8443");
  g_signal_emit_by_name (row, "apply");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  {
    g_autofree char *kept = g_settings_get_string (settings, "share-host-url");

    g_assert_cmpstr (kept, ==, "");
  }
  /* https: kept without the trailing slash. */
  gtk_editable_set_text (GTK_EDITABLE (row), " https://share.example.org/ ");
  g_signal_emit_by_name (row, "apply");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  {
    g_autofree char *kept = g_settings_get_string (settings, "share-host-url");

    g_assert_cmpstr (kept, ==, "https://share.example.org");
  }
  techo_test_app_save_screenshot (preferences, "preferences-sharing.png", 200);
  gtk_window_destroy (GTK_WINDOW (preferences));
  techo_test_app_pump (50);
}

static void
test_reminders_and_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  g_autoptr(TechoApplication) app = NULL;
  const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  const char *data_dir = g_getenv ("TECHO_DATA_DIR");
  g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "techo", NULL);
  g_autofree char *cache_file = g_build_filename (cache_dir, "derived.bin", NULL);
  g_autofree char *followup_title = NULL;
  const TechoCancerInfo *stomach = techo_reference_cancer (TECHO_CANCER_STOMACH);
  TechoAlert *dialog;
  TechoTestSandbox *sandbox;
  GtkWidget *preferences;
  TechoWindow *window;
  const Received *first;
  guint object_id, owner_id;
  gint64 end;

  g_assert_no_error (error);
  fill_store (data_dir);
  g_assert_cmpuint (count_keyring_items (data_dir), >=, 1);
  g_assert_cmpint (g_mkdir_with_parents (cache_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (cache_file, "derived", -1, NULL));

  /* A notification service on the test's session bus, as GNOME Shell
   * provides org.gtk.Notifications. */
  object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications",
                                                 node->interfaces[0], &vtable,
                                                 received, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  techo_test_app_pump (200);

  app = techo_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  g_application_activate (G_APPLICATION (app));
  window = wait_for_mode (GTK_APPLICATION (app), "main");

  /* Reminders go out once the Screenings page is filled (idle, or when
   * shown): the follow-up first, then the screenings due. */
  techo_window_get_page (window, "screenings");
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (received->len < 5 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (received->len, ==, 5);
  first = g_ptr_array_index (received, 0);
  followup_title = g_strdup_printf (_("%s: follow-up needed"), techo_format_cancer_name (stomach));
  g_assert_cmpstr (first->id, ==, "screening-stomach");
  g_assert_cmpstr (first->title, ==, followup_title);
  g_assert_cmpstr (first->body, ==, _("A detailed examination is recommended and none is recorded."));
  for (guint i = 1; i < received->len; i++)
    {
      const Received *due = g_ptr_array_index (received, i);

      g_assert_true (g_str_has_prefix (due->id, "screening-"));
      g_assert_cmpstr (due->id, !=, "screening-stomach");
      g_assert_cmpstr (due->body, ==,
                       _("Your municipality offers this screening. Open Techo for the details."));
    }

  /* The store is open in WAL mode: its -wal and -shm are there. */
  g_assert_true (exists_in (data_dir, "techo.db"));
  g_assert_true (exists_in (data_dir, "techo.db-wal"));
  g_assert_true (exists_in (data_dir, "techo.mode"));

  check_share_host_preference (G_APPLICATION (app));
  check_pin_preference (G_APPLICATION (app));

  /* Signed in to the demo portal meanwhile (the CLI, on the same store and
   * keyring): Preferences names the connection and Sign Out works. */
  sandbox = techo_test_sandbox_new ("--seed", "1", NULL);
  g_assert_cmpint (techo_test_run_cli (data_dir, "demo-login", "--issuer",
                            techo_test_sandbox_get_issuer (sandbox), "--citizen", "yamada",
                            NULL), ==, 0);
  g_assert_true (is_signed_in (app));
  preferences = open_preferences (G_APPLICATION (app));
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_strcmp0 (row_subtitle (preferences, _("Connection")), _("Not connected")) == 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_nonnull (strstr (row_subtitle (preferences, _("Connection")),
                            techo_test_sandbox_get_issuer (sandbox)));
  techo_test_app_save_screenshot (preferences, lang_file ("preferences-connected"), 200);
  press (find_action_button (preferences, "app.sign-out"));
  end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (g_strcmp0 (row_subtitle (preferences, _("Connection")), _("Not connected")) != 0
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpstr (row_subtitle (preferences, _("Connection")), ==, _("Not connected"));
  g_assert_false (gtk_widget_is_sensitive (find_action_button (preferences, "app.sign-out")));
  g_assert_false (is_signed_in (app));
  techo_test_sandbox_stop (sandbox);

  /* Preferences → Delete… → confirm: the button, as a user presses it. */
  press (find_action_button (preferences, "app.delete-everything"));
  techo_test_app_pump (100);
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  techo_test_app_save_screenshot (GTK_WIDGET (dialog), lang_file ("preferences-delete"), 200);
  techo_alert_response (dialog, "delete");
  window = wait_for_mode (GTK_APPLICATION (app), "welcome");
  /* Nothing left to set: Preferences closed with the store. */
  g_assert_null (find_preferences ());

  g_assert_false (exists_in (data_dir, "techo.db"));
  g_assert_false (exists_in (data_dir, "techo.db-wal"));
  g_assert_false (exists_in (data_dir, "techo.db-shm"));
  g_assert_false (exists_in (data_dir, "techo.mode"));
  g_assert_false (g_file_test (cache_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_keyring_items (data_dir), ==, 0);
  g_assert_null (techo_window_get_records (window));

  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (50);
  g_application_quit (G_APPLICATION (app));
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("techo-app-prefs-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  g_autofree char *cache_home = g_build_filename (home, "cache", NULL);
  int status;

  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("TECHO_DATA_DIR", data_dir, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache_home, TRUE);
  techo_test_app_init_locale ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app-prefs/reminders-and-delete", test_reminders_and_delete);
  status = g_test_run ();
  g_rmdir (data_dir);
  g_rmdir (cache_home);
  g_rmdir (home);
  return status;
}
