/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-application"

#include "config.h"

#include "techo-alert.h"
#include <glib/gi18n.h>

#include "techo-application.h"
#include "techo-background.h"
#include "techo-format.h"
#include "techo-reminders.h"
#include "techo-preferences-window.h"
#include "techo-startup-trace.h"
#include "techo-sync-controller.h"
#include "techo-window.h"

struct _TechoApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  TechoStore *store;
  TechoSyncController *sync;
  GtkWidget *preferences;   /* the open Preferences window (weak), or NULL */

  /* Reminders while the window is closed (remind-when-closed). */
  gboolean start_hidden;    /* techo --background: this activation shows nothing */
  gboolean held;            /* kept running without a window */
  guint check_id;           /* the hourly look at the date */
  gboolean checking;        /* a look at the reminders is under way */
  char *checked_day;        /* the day this process last sent reminders */
};

/* How often the background service looks whether a new day has come
 * (a timer for the next morning would drift across a suspend; this does
 * not), and the hour before which it sends nothing. */
#define CHECK_INTERVAL_SECONDS 3600
#define QUIET_UNTIL_HOUR 8
/* Dispensings the reminders need: the window's 13 months. */
#define RECENT_DAYS 400

G_DEFINE_FINAL_TYPE (TechoApplication, techo_application, ADW_TYPE_APPLICATION)

/* The main window, even while Preferences (an application window too)
 * has the focus. */
static TechoWindow *
active_window (TechoApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (TECHO_IS_WINDOW (window))
    return TECHO_WINDOW (window);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (TECHO_IS_WINDOW (l->data))
      return TECHO_WINDOW (l->data);
  return NULL;
}

static void
date_style_changed_cb (GSettings        *settings,
                       const char       *key,
                       TechoApplication *self)
{
  TechoWindow *window;

  techo_format_set_japanese_era (g_settings_get_enum (settings, "date-style") == 1);
  window = active_window (self);
  if (window != NULL)
    techo_window_set_records (window, techo_window_get_records (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  static const char *developers[] = { "The Techo developers", NULL };
  TechoApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  adw_show_about_window (window,
                         "application-name", "Techo",
                         "application-icon", APP_ID,
                         "developer-name", "The Techo developers",
                         "version", PACKAGE_VERSION,
                         "developers", developers,
                         "copyright", "© 2026 The Techo developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "comments", _("Your checkups, medicines and screenings, kept encrypted on this computer."),
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
connection_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GtkWidget) preferences = user_data;
  g_autofree char *connection = NULL;

  connection = techo_sync_controller_load_connection_finish (TECHO_SYNC_CONTROLLER (source),
                                                             result, NULL);
  techo_preferences_window_set_connection (TECHO_PREFERENCES_WINDOW (preferences), connection);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TechoApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *connection = techo_sync_controller_dup_connection (self->sync);
  GtkWidget *preferences;

  if (self->preferences != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->preferences));
      return;
    }
  preferences = techo_preferences_window_new (window, self->settings, connection);
  /* Attached to the application, so its buttons' app.sign-out and
   * app.delete-everything find their actions. */
  gtk_window_set_application (GTK_WINDOW (preferences), GTK_APPLICATION (self));
  self->preferences = preferences;
  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &self->preferences);
  techo_preferences_window_set_store (TECHO_PREFERENCES_WINDOW (preferences), self->store);
  gtk_window_present (GTK_WINDOW (preferences));
  /* The keyring answers over D-Bus: ask it off the main thread. */
  if (connection == NULL && techo_store_is_open (self->store))
    techo_sync_controller_load_connection_async (self->sync, NULL, connection_loaded_cb,
                                                 g_object_ref (preferences));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  TechoApplication *self = user_data;
  TechoWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = active_window (self);
  if (window != NULL)
    techo_window_show_page (window, g_variant_get_string (parameter, NULL));
}

static void
sync_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  TechoApplication *self = user_data;

  TechoWindow *window = active_window (self);

  if (window == NULL)
    return;
  if (!techo_store_is_open (self->store))
    {
      techo_window_add_toast (window, _("Unlock Techo first."));
      return;
    }
  techo_sync_controller_sync (self->sync, NULL, NULL);
}

static void
background_sync_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  TechoApplication *self = user_data;

  if (active_window (self) != NULL)
    techo_sync_controller_sync_in_background (self->sync);
}

static void
connect_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  TechoApplication *self = user_data;

  g_autofree char *issuer = g_settings_get_string (self->settings, "portal-issuer");
  const char *env_issuer = g_getenv ("TECHO_ISSUER");

  if (env_issuer != NULL && env_issuer[0] != '\0')
    {
      g_free (issuer);
      issuer = g_strdup (env_issuer);
    }
  if (active_window (self) != NULL)
    techo_sync_controller_sync (self->sync, g_variant_get_string (parameter, NULL), issuer);
}

static void
cancel_sync_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  TechoApplication *self = user_data;

  techo_sync_controller_cancel (self->sync);
}

static void
sign_out_thread (GTask        *task,
                 gpointer      source,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  TechoSyncController *sync = task_data;
  GError *error = NULL;

  /* Revoking the tokens talks to the portal: off the main thread. */
  if (techo_sync_controller_sign_out (sync, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Runs @thread_func off the main thread with @object as its task data,
 * then @done_cb; sign-out and delete-everything talk to the portal and the
 * disk. */
static void
run_in_thread (TechoApplication    *self,
               GTaskThreadFunc      thread_func,
               GObject             *object,
               GAsyncReadyCallback  done_cb,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = g_task_new (self, NULL, done_cb, NULL);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_object_ref (object), g_object_unref);
  g_task_run_in_thread (task, thread_func);
}

/* Whether the task of run_in_thread() succeeded; if not, @failure and the
 * reason are shown in the active window. */
static gboolean
task_succeeded (TechoApplication *self,
                GAsyncResult     *result,
                const char       *failure)
{
  TechoWindow *window = active_window (self);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return TRUE;
  if (window != NULL)
    techo_window_show_error (window, failure, error);
  return FALSE;
}

static void
sign_out_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TechoApplication *self = TECHO_APPLICATION (source);
  TechoWindow *window;

  if (!task_succeeded (self, result, _("Could not sign out.")))
    return;
  techo_sync_controller_forget_connection (self->sync);
  if (self->preferences != NULL)
    techo_preferences_window_set_connection (TECHO_PREFERENCES_WINDOW (self->preferences), NULL);
  window = active_window (self);
  if (window != NULL)
    techo_window_add_toast (window, _("Signed out of My Number Portal. Your records stay here."));
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  TechoApplication *self = user_data;

  techo_sync_controller_cancel (self->sync);
  run_in_thread (self, sign_out_thread, G_OBJECT (self->sync), sign_out_done_cb,
                 sign_out_action);
}

/* ---- delete everything ---------------------------------------------- */

static void
delete_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TechoStore *store = task_data;
  g_autofree char *cache_dir = g_build_filename (g_get_user_cache_dir (), "techo", NULL);
  g_autoptr(GFile) cache = g_file_new_for_path (cache_dir);
  GError *error = NULL;

  /* The store removes its database, -wal, -shm, mode marker and every
   * keyring item of its folder. */
  if (!techo_store_erase_sync (store, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* The cache holds only derived files; remove what is there. */
  {
    g_autoptr(GFileEnumerator) children =
      g_file_enumerate_children (cache, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                 G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
    GFileInfo *info;

    while (children != NULL
           && (info = g_file_enumerator_next_file (children, NULL, NULL)) != NULL)
      {
        g_autoptr(GFile) child = g_file_get_child (cache, g_file_info_get_name (info));

        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_file_delete (cache, NULL, NULL);
  }
  g_task_return_boolean (task, TRUE);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TechoApplication *self = TECHO_APPLICATION (source);
  TechoWindow *window;

  if (!task_succeeded (self, result, _("Could not delete everything.")))
    return;
  techo_sync_controller_forget_connection (self->sync);
  /* Nothing is left to set: Preferences closes on the first-run screen. */
  if (self->preferences != NULL)
    gtk_window_destroy (GTK_WINDOW (self->preferences));
  window = active_window (self);
  if (window != NULL)
    {
      techo_window_set_records (window, NULL);
      techo_window_set_store (window, self->store);
      techo_window_add_toast (window, _("Everything Techo kept on this computer was deleted."));
    }
}

static void
delete_response_cb (TechoAlert *dialog,
                    const char       *response,
                    TechoApplication *self)
{
  if (g_strcmp0 (response, "delete") != 0)
    return;
  techo_sync_controller_cancel (self->sync);
  run_in_thread (self, delete_thread, G_OBJECT (self->store), delete_done_cb,
                 delete_response_cb);
}

static void
delete_everything_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  TechoApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *dialog;

  dialog = techo_alert_new (parent, _("Delete Everything?"),
                                   _("Your records, their encryption key and Techo's caches are "
                                     "removed from this computer. Your data at My Number Portal "
                                     "is not touched. This cannot be undone."));
  techo_alert_add_responses (TECHO_ALERT (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete Everything"),
                                    NULL);
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "cancel");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), self);
  techo_alert_present (TECHO_ALERT (dialog));
}


/* ---- reminders while the window is closed -------------------------------- */

static void check_reminders (TechoApplication *self);

/* The key is in memory only while someone looks: with no window left, the
 * background service closes the store between its daily looks. */
static void
close_store_if_hidden (TechoApplication *self)
{
  if (self->held && active_window (self) == NULL && self->store != NULL
      && techo_store_is_open (self->store) && !self->checking)
    techo_store_close_async (self->store, NULL, NULL, NULL);
}

static void
check_done (TechoApplication *self,
            const char       *today)
{
  self->checking = FALSE;
  if (today != NULL)
    {
      g_free (self->checked_day);
      self->checked_day = g_strdup (today);
    }
  close_store_if_hidden (self);
}

typedef struct
{
  TechoApplication *self;
  char *today;
  guint due;
} Check;

static void
check_free (Check *check)
{
  g_object_unref (check->self);
  g_free (check->today);
  g_free (check);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Check, check_free)

static void
check_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Check) check = user_data;
  g_autoptr(GError) error = NULL;
  gssize sent = techo_reminders_send_finish (G_APPLICATION (source), result, &error);

  if (sent < 0)
    {
      g_warning ("Could not send the reminders: %s", error->message);
      check_done (check->self, NULL);
      return;
    }
  g_info ("Reminders of %s: %u due, %" G_GSSIZE_FORMAT " sent", check->today, check->due, sent);
  check_done (check->self, check->today);
}

static void
check_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Check) check = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = techo_store_read_records_finish (TECHO_STORE (source), result,
                                                                   &error);
  g_autoptr(GPtrArray) reminders = NULL;
  TechoApplication *self = check->self;
  const char *today;

  if (set == NULL)
    {
      g_warning ("Could not read the records for the reminders: %s", error->message);
      check_done (self, NULL);
      return;
    }
  if (set->profile == NULL || set->profile->id <= 0)
    {
      g_info ("Reminders of %s: nobody in the store yet", check->today);
      check_done (self, check->today);
      return;
    }
  reminders = techo_reminders_collect (set, check->today, self->settings);
  check->due = reminders->len;
  today = check->today;   /* lives as long as check, which the callback takes */
  techo_reminders_send_async (G_APPLICATION (self), reminders, self->store, set->profile->id,
                              today, NULL, check_sent_cb, g_steal_pointer (&check));
}

static void
read_for_check (TechoApplication *self,
                const char       *today)
{
  g_autofree char *from = techo_format_add_days (today, -RECENT_DAYS);
  Check *check = g_new0 (Check, 1);

  check->self = g_object_ref (self);
  check->today = g_strdup (today);
  techo_store_read_records_async (self->store, 0, from, NULL, check_read_cb, check);
}

static void
check_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TechoApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *today = techo_format_today ();

  if (!techo_store_open_finish (TECHO_STORE (source), result, &error))
    {
      /* A locked keyring at login, typically: the next look tries again. */
      g_message ("Reminders while Techo is closed: could not open the records: %s",
                 error->message);
      check_done (self, NULL);
      return;
    }
  read_for_check (self, today);
}

/* Whether a store is there that opens with no one to type a passphrase;
 * if not, @why says so. */
static gboolean
store_opens_alone (const char **why)
{
  g_autofree char *data_dir = techo_application_data_dir ();
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;

  if (!techo_store_exists_at (data_dir, &mode))
    {
      *why = "no records are kept yet";
      return FALSE;
    }
  if (mode != TECHO_STORE_MODE_KEYRING)
    {
      *why = "the records are protected by a passphrase, which nobody is there to type "
             "(reminders while Techo is closed need the keyring)";
      return FALSE;
    }
  return TRUE;
}

/* Sends today's reminders once: opens the store with the keyring's key
 * if no window has it, reads the first person's records and sends what
 * the store has not seen sent today. */
static void
check_reminders (TechoApplication *self)
{
  g_autofree char *today = techo_format_today ();
  const char *why = NULL;

  if (self->checking || g_strcmp0 (today, self->checked_day) == 0)
    return;
  if (!store_opens_alone (&why))
    {
      g_message ("No reminders while Techo is closed: %s.", why);
      return;
    }
  self->checking = TRUE;
  if (techo_store_is_open (self->store))
    {
      read_for_check (self, today);
      return;
    }
  /* Locked, or being unlocked: the window sends them once unlocked. */
  if (active_window (self) != NULL)
    {
      self->checking = FALSE;
      return;
    }
  techo_store_open_async (self->store, NULL, NULL, check_opened_cb, g_object_ref (self));
}

static gboolean
check_timeout_cb (gpointer user_data)
{
  TechoApplication *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* Not in the night: a new day's reminders wait for the morning. */
  if (g_date_time_get_hour (now) >= QUIET_UNTIL_HOUR)
    check_reminders (self);
  return G_SOURCE_CONTINUE;
}

/* Runs on without a window while remind-when-closed is on (and a store
 * could be opened by itself); closing the last window then leaves the
 * reminders running. */
static void
update_hold (TechoApplication *self)
{
  g_autofree char *data_dir = techo_application_data_dir ();
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;
  gboolean on = g_settings_get_boolean (self->settings, "remind-when-closed");

  /* A passphrase store cannot be opened hidden: nothing to run for. */
  if (on && techo_store_exists_at (data_dir, &mode) && mode != TECHO_STORE_MODE_KEYRING)
    {
      g_message ("No reminders while Techo is closed: the records are protected by a "
                 "passphrase, which nobody is there to type (this needs the keyring).");
      on = FALSE;
    }
  if (on == self->held)
    return;
  self->held = on;
  if (on)
    {
      g_application_hold (G_APPLICATION (self));
      self->check_id = g_timeout_add_seconds (CHECK_INTERVAL_SECONDS, check_timeout_cb, self);
    }
  else
    {
      g_clear_handle_id (&self->check_id, g_source_remove);
      g_application_release (G_APPLICATION (self));
    }
}

static void
remind_when_closed_changed_cb (GSettings        *settings,
                               const char       *key,
                               TechoApplication *self)
{
  update_hold (self);
}

static void
window_removed_cb (GtkApplication   *app,
                   GtkWindow        *window,
                   TechoApplication *self)
{
  close_store_if_hidden (self);
}

gboolean
techo_application_is_held (TechoApplication *self)
{
  g_return_val_if_fail (TECHO_IS_APPLICATION (self), FALSE);

  return self->held;
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "quit", quit_action },
  { "show-page", show_page_action, "s" },
  { "sync", sync_action },
  { "background-sync", background_sync_action },
  { "connect", connect_action, "s" },
  { "cancel-sync", cancel_sync_action },
  { "sign-out", sign_out_action },
  { "delete-everything", delete_everything_action },
};

static void
techo_application_activate (GApplication *app)
{
  TechoApplication *self = TECHO_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  techo_startup_mark ("activate");
  if (self->start_hidden)
    {
      /* techo --background, at login: no window; today's reminders, then
       * the daily look while remind-when-closed holds the application. */
      self->start_hidden = FALSE;
      if (!self->held)
        {
          g_message ("Reminders while Techo is closed are switched off in Preferences; "
                     "nothing to do.");
          return;
        }
      check_reminders (self);
      return;
    }
  if (window == NULL)
    {
      window = GTK_WINDOW (techo_window_new (self));
      techo_window_watch_sync (TECHO_WINDOW (window), self->sync);
      techo_window_set_store (TECHO_WINDOW (window), self->store);
    }
  gtk_window_present (window);
  techo_startup_mark ("presented");
}

static void
early_open_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  /* The window asks again and hears the outcome (the second open of an
   * open store is a no-op job); nothing to do here. */
  techo_store_open_finish (TECHO_STORE (source), result, NULL);
}

static void
techo_application_startup (GApplication *app)
{
  TechoApplication *self = TECHO_APPLICATION (app);
  g_autofree char *data_dir = techo_application_data_dir ();

  techo_startup_mark ("app_startup");
  G_APPLICATION_CLASS (techo_application_parent_class)->startup (app);
  techo_startup_mark ("gtk_ready");

  self->settings = g_settings_new (APP_ID);
  g_signal_connect (self->settings, "changed::date-style",
                    G_CALLBACK (date_style_changed_cb), self);
  techo_format_set_japanese_era (g_settings_get_enum (self->settings, "date-style") == 1);
  self->store = techo_store_new (data_dir);
  self->sync = techo_sync_controller_new (self->store);
  {
    TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;

    /* A keyring store opens on the store's thread (keyring lookup, key,
     * schema check) while GTK builds the window. */
    if (techo_store_exists_at (data_dir, &mode) && mode == TECHO_STORE_MODE_KEYRING)
      techo_store_open_async (self->store, NULL, NULL, early_open_cb, NULL);
  }

  g_signal_connect (self->settings, "changed::remind-when-closed",
                    G_CALLBACK (remind_when_closed_changed_cb), self);
  g_signal_connect (app, "window-removed", G_CALLBACK (window_removed_cb), self);
  update_hold (self);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
}

static void
store_closed_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  techo_store_close_finish (TECHO_STORE (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
techo_application_shutdown (GApplication *app)
{
  TechoApplication *self = TECHO_APPLICATION (app);

  if (self->sync != NULL)
    techo_sync_controller_cancel (self->sync);
  g_clear_handle_id (&self->check_id, g_source_remove);
  if (self->store != NULL && techo_store_is_open (self->store))
    {
      gboolean closed = FALSE;

      /* The main loop is still ours: close on the store's thread and
       * turn the loop until it is done (the checkpoint must finish). */
      techo_store_close_async (self->store, NULL, store_closed_cb, &closed);
      while (!closed)
        g_main_context_iteration (NULL, TRUE);
    }
  G_APPLICATION_CLASS (techo_application_parent_class)->shutdown (app);
}

static void
techo_application_dispose (GObject *object)
{
  TechoApplication *self = TECHO_APPLICATION (object);

  g_clear_object (&self->sync);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->checked_day, g_free);
  G_OBJECT_CLASS (techo_application_parent_class)->dispose (object);
}

/* techo --background starts hidden in the first instance; a second one
 * has nothing to add (the first already reminds). */
static int
techo_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  TechoApplication *self = TECHO_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (!g_variant_dict_contains (options, "background"))
    return -1;
  if (!g_application_register (app, NULL, &error))
    {
      g_printerr ("techo: %s\n", error->message);
      return 1;
    }
  if (g_application_get_is_remote (app))
    return 0;
  self->start_hidden = TRUE;
  return -1;
}

static void
techo_application_class_init (TechoApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = techo_application_dispose;
  app_class->activate = techo_application_activate;
  app_class->startup = techo_application_startup;
  app_class->shutdown = techo_application_shutdown;
  app_class->handle_local_options = techo_application_handle_local_options;
}

static void
techo_application_init (TechoApplication *self)
{
  const GOptionEntry entries[] = {
    { "background", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start without a window and send today’s reminders (at login, when "
         "“Remind me when Techo is closed” is on)"), NULL },
    { NULL },
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
}

TechoApplication *
techo_application_new (void)
{
  return g_object_new (TECHO_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/techo/Techo",
                       NULL);
}

char *
techo_application_data_dir (void)
{
  const char *dir = g_getenv ("TECHO_DATA_DIR");

  if (dir != NULL && dir[0] != '\0')
    return g_strdup (dir);
  return g_build_filename (g_get_user_data_dir (), "techo", NULL);
}

TechoStore *
techo_application_get_store (TechoApplication *self)
{
  return self->store;
}

GSettings *
techo_application_get_settings (TechoApplication *self)
{
  return self->settings;
}
