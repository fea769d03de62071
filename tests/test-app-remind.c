/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-remind: reminders while Techo is closed.
 *
 * /app-remind/headless: the real `techo --background` (real store and
 * keyring, a notification service on the test's session bus as GNOME
 * Shell provides org.gtk.Notifications) sends today's reminders with no
 * window, keeps running, and a second run the same day sends nothing; a
 * passphrase store and a switched-off setting do nothing and say why.
 *
 * /app-remind/switch: Preferences' "Remind me when Techo is closed"
 * against a fake xdg-desktop-portal (org.freedesktop.portal.Background on
 * org.freedesktop.portal.Desktop, answering through the Request object's
 * Response signal): on asks with autostart true and the command line,
 * closing the window leaves the application running (store closed), off
 * asks with autostart false, a refusal turns the switch back off with a
 * sentence; outside a sandbox the XDG autostart entry is written and
 * removed instead. */

#define G_LOG_DOMAIN "test-app-remind"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "techo-application.h"
#include "techo-background.h"
#include "techo-format.h"
#include "techo-preferences-window.h"
#include "techo-reference.h"
#include "techo-reminders.h"
#include "techo-store.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-util.h"

#define TODAY "2025-09-01"

/* ---- a notification service ---------------------------------------------- */

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
  char *action;
  char *target;
} Received;

static void
received_free (Received *r)
{
  g_free (r->id);
  g_free (r->title);
  g_free (r->body);
  g_free (r->action);
  g_free (r->target);
  g_free (r);
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
      g_autoptr(GVariant) target = NULL;
      Received *r = g_new0 (Received, 1);
      const char *app_id;

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, NULL, &notification);
      g_variant_get_child (parameters, 1, "s", &r->id);
      g_variant_lookup (notification, "title", "s", &r->title);
      g_variant_lookup (notification, "body", "s", &r->body);
      g_variant_lookup (notification, "default-action", "s", &r->action);
      target = g_variant_lookup_value (notification, "default-action-target", NULL);
      if (target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING))
        r->target = g_variant_dup_string (target, NULL);
      g_assert_cmpstr (app_id, ==, APP_ID);
      g_ptr_array_add (received, r);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

/* ---- the store --------------------------------------------------------------- */

/* A woman born 1965: a stomach screening that needs a detailed exam and
 * none recorded, and a medicine with 3 days left on TODAY. */
static void
fill_store (const char *data_dir,
            const char *passphrase)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) screenings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  g_autoptr(GPtrArray) dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  const TechoCancerInfo *stomach = techo_reference_cancer (TECHO_CANCER_STOMACH);
  g_autoptr(GError) error = NULL;
  TechoScreening *screening;
  TechoDispensing *d;
  TechoItem *item;
  gint64 profile_id = 0;

  g_assert_true (techo_store_open_sync (store, passphrase, NULL, &error));
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
  g_ptr_array_add (screenings, screening);
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_SCREENING,
                                               screenings, NULL, NULL, &error));
  g_assert_no_error (error);

  d = techo_dispensing_new ();
  d->id = g_strdup ("pill-1");
  d->revision = 1;
  d->drug_name = g_strdup ("アムロジピン錠5mg");
  d->dispensed_on = techo_format_add_days (TODAY, -25);
  d->days = 28;
  g_ptr_array_add (dispensings, d);
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               dispensings, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_assert_no_error (error);
}

/* What the existing reminder code says is due on TODAY for the store at
 * @data_dir, every kind on. */
static GPtrArray *
expected_reminders (const char *data_dir)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  set = techo_store_read_records_sync (store, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  return techo_reminders_collect (set, TODAY, NULL);
}

/* ---- the headless run ------------------------------------------------------ */

typedef struct
{
  GSubprocess *process;
  GDataInputStream *err;
  GString *log;        /* its output and log so far (info goes to stdout) */
  gboolean eof;
} Child;

static void
child_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Child *child = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                                     result, NULL, &error);

  if (line == NULL)
    {
      if (error != NULL)
        g_string_append_printf (child->log, "(reading its errors: %s)\n", error->message);
      child->eof = TRUE;
      return;
    }
  g_string_append_printf (child->log, "%s\n", line);
  g_data_input_stream_read_line_async (child->err, G_PRIORITY_DEFAULT, NULL, child_read_cb, child);
}

/* `techo --background` with the data dir @data_dir and the setting
 * remind-when-closed @on (a keyfile settings backend of its own: the
 * memory backend of this process is not shared). */
static Child *
child_start (const char *home,
             const char *data_dir,
             gboolean    on)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_autofree char *program = techo_test_program_path ("src/app/techo");
  g_autofree char *config = g_build_filename (home, "child-config", NULL);
  g_autofree char *settings_dir = g_build_filename (config, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile = g_strdup_printf ("[org/techo/Techo]\nremind-when-closed=%s\n",
                                              on ? "true" : "false");
  g_autofree char *written = NULL;
  g_autofree char *locale_dir = g_build_filename (g_getenv ("TECHO_BUILD_ROOT"), "po", NULL);
  g_autoptr(GError) error = NULL;
  Child *child = g_new0 (Child, 1);

  g_assert_cmpint (g_mkdir_with_parents (settings_dir, 0700), ==, 0);
  written = techo_test_write_file (settings_dir, "keyfile", keyfile, -1);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "keyfile", TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "TECHO_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "techo-application", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "GIO_USE_PORTALS");
  /* Its translations from the build tree, as `meson devenv` gives them. */
  g_subprocess_launcher_setenv (launcher, "TECHO_LOCALEDIR", locale_dir, TRUE);
  child->process = g_subprocess_launcher_spawn (launcher, &error, program,
                                                TECHO_BACKGROUND_FLAG, NULL);
  g_assert_no_error (error);
  child->err = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
  child->log = g_string_new (NULL);
  g_data_input_stream_read_line_async (child->err, G_PRIORITY_DEFAULT, NULL, child_read_cb, child);
  return child;
}

static void
child_free (Child *child)
{
  if (g_subprocess_get_identifier (child->process) != NULL)
    g_subprocess_force_exit (child->process);
  while (!child->eof)
    g_main_context_iteration (NULL, TRUE);
  g_object_unref (child->err);
  g_object_unref (child->process);
  g_string_free (child->log, TRUE);
  g_free (child);
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Turns the main context until its log holds @needle (30 s). */
static void
child_wait_for (Child      *child,
                const char *needle)
{
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (100, wake_cb, NULL);

  while (strstr (child->log->str, needle) == NULL && !child->eof
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  if (strstr (child->log->str, needle) == NULL)
    {
      int status = -1;

      if (child->eof && g_subprocess_wait (child->process, NULL, NULL))
        status = g_subprocess_get_status (child->process);
      g_error ("techo --background never said “%s” (wait status %d); it said:\n%s", needle,
               status, child->log->str);
    }
}

static void
child_wait_exit (Child *child)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  guint wake = g_timeout_add (100, wake_cb, NULL);

  while (!child->eof && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_true (child->eof);
  g_assert_true (g_subprocess_wait (child->process, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (child->process));
  g_assert_cmpint (g_subprocess_get_exit_status (child->process), ==, 0);
}

static gboolean
name_has_owner (GDBusConnection *bus,
                const char      *name)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean owned = FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", name), G_VARIANT_TYPE ("(b)"),
                                       G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &owned);
  return owned;
}

/* Quits the running application as its menu's Quit would (app.quit over
 * org.gtk.Actions), then waits for it to exit cleanly. */
static void
child_quit (GDBusConnection *bus,
            Child           *child)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (bus, APP_ID, "/org/techo/Techo", "org.gtk.Actions",
                                       "Activate",
                                       g_variant_new ("(sav@a{sv})", "quit", NULL,
                                                      g_variant_new_array (G_VARIANT_TYPE ("{sv}"),
                                                                           NULL, 0)),
                                       NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
  child_wait_exit (child);
}

static void
test_headless (void)
{
  const char *home = g_getenv ("TEST_HOME");
  g_autofree char *data_dir = g_build_filename (home, "headless-data", NULL);
  g_autofree char *locked_dir = g_build_filename (home, "passphrase-data", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_autoptr(GPtrArray) received = g_ptr_array_new_with_free_func ((GDestroyNotify) received_free);
  g_autoptr(GPtrArray) expected = NULL;
  g_autofree char *sent_line = NULL;
  g_autofree char *again_line = NULL;
  const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  Child *child;
  guint object_id, owner_id;
  gint64 end;

  g_assert_no_error (error);
  fill_store (data_dir, NULL);
  expected = expected_reminders (data_dir);
  /* The follow-up and the medicine at least (the screenings due by age
   * besides). */
  g_assert_cmpuint (expected->len, >=, 2);
  g_assert_cmpint (((TechoReminder *) g_ptr_array_index (expected, 0))->kind, ==,
                   TECHO_REMINDER_FOLLOWUP);
  g_assert_cmpint (((TechoReminder *) g_ptr_array_index (expected, expected->len - 1))->kind, ==,
                   TECHO_REMINDER_MEDICINES);

  object_id = g_dbus_connection_register_object (bus, "/org/gtk/Notifications",
                                                 node->interfaces[0], &vtable,
                                                 received, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.gtk.Notifications",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!name_has_owner (bus, "org.gtk.Notifications") && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);

  /* First run of the day: every reminder, no window, and it stays. */
  sent_line = g_strdup_printf ("Reminders of %s: %u due, %u sent", TODAY, expected->len,
                               expected->len);
  child = child_start (home, data_dir, TRUE);
  child_wait_for (child, sent_line);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (received->len < expected->len && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (received->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const TechoReminder *want = g_ptr_array_index (expected, i);
      const Received *got = g_ptr_array_index (received, i);

      g_assert_cmpstr (got->id, ==, want->id);
      g_assert_cmpstr (got->title, ==, want->title);
      g_assert_cmpstr (got->body, ==, want->body);
      /* Clicked, it opens the page the reminder is about. */
      g_assert_cmpstr (got->action, ==, "app.show-page");
      g_assert_cmpstr (got->target, ==, want->page);
    }
  {
    const Received *medicine = g_ptr_array_index (received, received->len - 1);

    g_assert_nonnull (strstr (medicine->body, "アムロジピン錠5mg"));
    g_test_message ("medicine reminder: %s / %s", medicine->title, medicine->body);
  }
  techo_test_app_pump (500);
  g_assert_nonnull (g_subprocess_get_identifier (child->process));   /* still running */
  g_assert_true (name_has_owner (bus, APP_ID));
  child_quit (bus, child);
  child_free (child);

  /* Second run the same day: the store remembers; nothing is sent. */
  again_line = g_strdup_printf ("Reminders of %s: %u due, 0 sent", TODAY, expected->len);
  child = child_start (home, data_dir, TRUE);
  child_wait_for (child, again_line);
  techo_test_app_pump (300);
  g_assert_cmpuint (received->len, ==, expected->len);
  child_quit (bus, child);
  child_free (child);

  /* A passphrase store cannot be opened with nobody there: it says why
   * and exits. */
  fill_store (locked_dir, "correct horse battery staple");
  child = child_start (home, locked_dir, TRUE);
  child_wait_exit (child);
  g_assert_nonnull (strstr (child->log->str, "protected by a passphrase"));
  child_free (child);

  /* Switched off in Preferences (an old autostart entry): nothing. */
  child = child_start (home, data_dir, FALSE);
  child_wait_exit (child);
  g_assert_nonnull (strstr (child->log->str, "switched off in Preferences"));
  child_free (child);
  g_assert_cmpuint (received->len, ==, expected->len);

  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
}

/* ---- a fake xdg-desktop-portal ---------------------------------------------- */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Background'>"
  "    <method name='RequestBackground'>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  GPtrArray *requests;   /* of GVariant (sa{sv}), as received */
  guint answer;          /* 0 granted, 1 cancelled (denied), 2 error */
  GDBusConnection *bus;
} Portal;

typedef struct
{
  Portal *portal;
  char *sender;
  char *path;
  gboolean autostart;
} Answer;

static gboolean
answer_cb (gpointer user_data)
{
  Answer *a = user_data;
  GVariantBuilder results;
  g_autoptr(GError) error = NULL;

  g_variant_builder_init (&results, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&results, "{sv}", "background",
                         g_variant_new_boolean (a->portal->answer == 0));
  g_variant_builder_add (&results, "{sv}", "autostart",
                         g_variant_new_boolean (a->portal->answer == 0 && a->autostart));
  g_dbus_connection_emit_signal (a->portal->bus, a->sender, a->path,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(ua{sv})", a->portal->answer, &results), &error);
  g_assert_no_error (error);
  g_free (a->sender);
  g_free (a->path);
  g_free (a);
  return G_SOURCE_REMOVE;
}

static void
portal_method_cb (GDBusConnection       *connection,
                  const char            *sender,
                  const char            *object_path,
                  const char            *interface_name,
                  const char            *method_name,
                  GVariant              *parameters,
                  GDBusMethodInvocation *invocation,
                  gpointer               user_data)
{
  Portal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  g_autofree char *escaped = g_strdup (sender + 1);
  const char *token = NULL;
  Answer *a = g_new0 (Answer, 1);

  g_ptr_array_add (portal->requests, g_variant_ref (parameters));
  g_variant_get (parameters, "(&s@a{sv})", NULL, &options);
  g_assert_true (g_variant_lookup (options, "handle_token", "&s", &token));
  g_variant_lookup (options, "autostart", "b", &a->autostart);
  g_strdelimit (escaped, ".", '_');
  /* The portal's rule: /org/freedesktop/portal/desktop/request/SENDER/TOKEN */
  a->path = g_strdup_printf ("/org/freedesktop/portal/desktop/request/%s/%s", escaped, token);
  g_assert_true (g_variant_is_object_path (a->path));
  a->sender = g_strdup (sender);
  a->portal = portal;
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", a->path));
  g_timeout_add (50, answer_cb, a);
}

static GVariant *
portal_get_property_cb (GDBusConnection  *connection,
                        const char       *sender,
                        const char       *object_path,
                        const char       *interface_name,
                        const char       *property_name,
                        GError          **error,
                        gpointer          user_data)
{
  return g_variant_new_uint32 (1);
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

static TechoPreferencesWindow *
open_preferences (GApplication *app)
{
  GtkWidget *preferences;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  techo_test_app_pump (200);
  preferences = find_preferences ();
  g_assert_nonnull (preferences);
  return TECHO_PREFERENCES_WINDOW (preferences);
}

static TechoWindow *
wait_for_main (GtkApplication *app)
{
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  GtkWindow *window = NULL;

  while (g_get_monotonic_time () < end)
    {
      window = gtk_application_get_active_window (app);
      if (TECHO_IS_WINDOW (window) && techo_window_get_records (TECHO_WINDOW (window)) != NULL)
        break;
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_true (TECHO_IS_WINDOW (window));
  return TECHO_WINDOW (window);
}

/* Flips the switch as a click does and waits for the answer. */
static void
flip (TechoPreferencesWindow *preferences,
      gboolean                on,
      guint                   n_requests,
      Portal                 *portal)
{
  GtkSwitch *sw = techo_preferences_window_get_background_switch (preferences);
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (sw)));
  gtk_switch_set_active (sw, on);
  while (g_get_monotonic_time () < end
         && (portal->requests->len < n_requests
             || g_strcmp0 (techo_preferences_window_get_background_state (preferences),
                           _("Asking your desktop…")) == 0))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (portal->requests->len, ==, n_requests);
  g_assert_cmpstr (techo_preferences_window_get_background_state (preferences), !=,
                   _("Asking your desktop…"));
}

static GVariant *
request_options (Portal *portal,
                 guint   i)
{
  return g_variant_get_child_value (g_ptr_array_index (portal->requests, i), 1);
}

static void
test_switch (void)
{
  const char *home = g_getenv ("TEST_HOME");
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  g_autofree char *autostart = techo_background_autostart_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_autoptr(GDBusNodeInfo) node = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(TechoApplication) app = NULL;
  const GDBusInterfaceVTable vtable = { portal_method_cb, portal_get_property_cb, NULL, { 0 } };
  Portal portal = { g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref), 0, bus };
  TechoPreferencesWindow *preferences;
  GtkSwitch *sw;
  TechoWindow *window;
  guint object_id, owner_id;

  g_assert_no_error (error);
  fill_store (data_dir, NULL);
  g_setenv ("TECHO_DATA_DIR", data_dir, TRUE);
  object_id = g_dbus_connection_register_object (bus, "/org/freedesktop/portal/desktop",
                                                 node->interfaces[0], &vtable, &portal, NULL,
                                                 &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (bus, "org.freedesktop.portal.Desktop",
                                           G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
  techo_test_app_pump (200);

  app = techo_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = wait_for_main (GTK_APPLICATION (app));
  g_assert_false (techo_application_is_held (app));

  /* Off by default. */
  preferences = open_preferences (G_APPLICATION (app));
  sw = techo_preferences_window_get_background_switch (preferences);
  g_assert_false (gtk_switch_get_active (sw));
  g_assert_cmpstr (techo_preferences_window_get_background_state (preferences), ==,
                   _("Techo starts hidden at login and sends the reminders above once a day"));

  /* On: the portal is asked for autostart with the command line. */
  g_assert_true (techo_background_uses_portal ());
  portal.answer = 0;
  flip (preferences, TRUE, 1, &portal);
  {
    g_autoptr(GVariant) options = request_options (&portal, 0);
    g_autofree const char **commandline = NULL;
    const char *reason = NULL;
    gboolean on = FALSE;

    g_assert_true (g_variant_lookup (options, "autostart", "b", &on));
    g_assert_true (on);
    g_assert_true (g_variant_lookup (options, "commandline", "^a&s", &commandline));
    g_assert_cmpuint (g_strv_length ((char **) commandline), ==, 2);
    g_assert_cmpstr (commandline[0], ==, "techo");
    g_assert_cmpstr (commandline[1], ==, "--background");
    g_assert_true (g_variant_lookup (options, "reason", "&s", &reason));
    g_assert_cmpstr (reason, ==, _("Techo reminds you of screenings, follow-up exams and "
                                   "medicines running out while it is closed."));
  }
  g_assert_true (gtk_switch_get_active (sw));
  g_assert_true (gtk_switch_get_state (sw));
  g_assert_true (g_settings_get_boolean (settings, "remind-when-closed"));
  g_assert_true (techo_application_is_held (app));
  techo_test_app_save_screenshot_as (GTK_WIDGET (preferences), "remind", "switch-on", 200);

  /* Closing the window leaves the application running, the key out of
   * memory: the store is closed until the next daily look. */
  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  {
    TechoStore *store = techo_application_get_store (app);
    gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (techo_store_is_open (store) && g_get_monotonic_time () < end)
      g_main_context_iteration (NULL, TRUE);
    g_assert_false (techo_store_is_open (store));
  }
  g_assert_true (techo_application_is_held (app));
  g_assert_true (g_application_get_is_registered (G_APPLICATION (app)));

  /* Opened again; off: asked with autostart false, no longer held. */
  g_application_activate (G_APPLICATION (app));
  window = wait_for_main (GTK_APPLICATION (app));
  preferences = open_preferences (G_APPLICATION (app));
  sw = techo_preferences_window_get_background_switch (preferences);
  g_assert_true (gtk_switch_get_active (sw));
  flip (preferences, FALSE, 2, &portal);
  {
    g_autoptr(GVariant) options = request_options (&portal, 1);
    gboolean on = TRUE;

    g_assert_true (g_variant_lookup (options, "autostart", "b", &on));
    g_assert_false (on);
  }
  g_assert_false (gtk_switch_get_state (sw));
  g_assert_false (g_settings_get_boolean (settings, "remind-when-closed"));
  g_assert_false (techo_application_is_held (app));

  /* Refused: the switch goes back off and the row says why. */
  portal.answer = 1;
  flip (preferences, TRUE, 3, &portal);
  g_assert_false (gtk_switch_get_active (sw));
  g_assert_false (gtk_switch_get_state (sw));
  g_assert_false (g_settings_get_boolean (settings, "remind-when-closed"));
  g_assert_cmpstr (techo_preferences_window_get_background_state (preferences), ==,
                   _("Your desktop did not allow Techo to run in the background, so reminders "
                     "come only while Techo is open. You can allow it in Settings → Apps → "
                     "Techo."));
  techo_test_app_save_screenshot_as (GTK_WIDGET (preferences), "remind", "switch-refused", 200);

  /* Outside a sandbox: the XDG autostart entry, no portal. */
  g_unsetenv ("GIO_USE_PORTALS");
  g_assert_false (techo_background_uses_portal ());
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  flip (preferences, TRUE, 3, &portal);
  g_assert_true (gtk_switch_get_state (sw));
  g_assert_true (g_settings_get_boolean (settings, "remind-when-closed"));
  {
    g_autoptr(GKeyFile) entry = g_key_file_new ();
    g_autofree char *exec = NULL;
    g_auto(GStrv) argv = NULL;

    g_assert_true (g_key_file_load_from_file (entry, autostart, G_KEY_FILE_NONE, &error));
    g_assert_no_error (error);
    exec = g_key_file_get_string (entry, G_KEY_FILE_DESKTOP_GROUP, "Exec", &error);
    g_assert_no_error (error);
    /* This program (here the test's own, as /proc/self/exe names it),
     * started hidden. */
    g_assert_true (g_shell_parse_argv (exec, NULL, &argv, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (g_strv_length (argv), ==, 2);
    g_assert_true (g_path_is_absolute (argv[0]));
    g_assert_true (g_file_test (argv[0], G_FILE_TEST_IS_EXECUTABLE));
    g_assert_cmpstr (argv[1], ==, "--background");
    g_assert_true (g_key_file_get_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "NoDisplay", NULL));
  }
  flip (preferences, FALSE, 3, &portal);
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  g_assert_false (g_settings_get_boolean (settings, "remind-when-closed"));
  g_setenv ("GIO_USE_PORTALS", "1", TRUE);

  gtk_window_destroy (GTK_WINDOW (preferences));
  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (100);
  g_application_quit (G_APPLICATION (app));
  g_bus_unown_name (owner_id);
  g_dbus_connection_unregister_object (bus, object_id);
  g_ptr_array_unref (portal.requests);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("techo-app-remind-XXXXXX", NULL);
  g_autofree char *config = g_build_filename (home, "config", NULL);
  g_autofree char *cache = g_build_filename (home, "cache", NULL);
  int status;

  /* Before GLib reads any of them. */
  g_setenv ("TEST_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_setenv ("TECHO_TODAY", TODAY, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  /* GLib's switch for "use the portals as in a sandbox". */
  g_setenv ("GIO_USE_PORTALS", "1", TRUE);
  techo_test_app_init_locale ();
  g_test_init (&argc, &argv, NULL);

  /* The headless run first: the in-process application of /switch then
   * owns the application's name. */
  g_test_add_func ("/app-remind/headless", test_headless);
  g_test_add_func ("/app-remind/switch", test_switch);
  status = g_test_run ();
  techo_test_remove_tree (home);
  return status;
}
