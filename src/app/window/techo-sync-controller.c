/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sync-controller"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-error-text.h"
#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-sync-controller.h"
#include "techo-sync.h"
#include "techo-welcome.h"

#define SIGN_IN_TIMEOUT 600
#define MAX_ISSUER_LINE 512

struct _TechoSyncController
{
  GObject parent_instance;

  TechoStore *store;
  GCancellable *cancellable;   /* the running sign-in and sync; NULL when idle */
  GSubprocess *sandbox;        /* the demo portal, while the app runs */
  TechoWindow *window;         /* weak; who shows progress */
  gboolean first_run;
  gboolean background;         /* started by the app, not the user: stay quiet */
  guint records[TECHO_N_CATEGORIES];
  char *issuer;
};

G_DEFINE_FINAL_TYPE (TechoSyncController, techo_sync_controller, G_TYPE_OBJECT)

typedef struct
{
  TechoSyncController *self;
  char *choice;
  char *issuer;        /* portal issuer from the settings */
  TechoOAuth *oauth;
  TechoPortalClient *client;
  gint64 profile_id;
  guint granted;
  gboolean never_signed_in;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_clear_object (&prepare->self);
  g_free (prepare->choice);
  g_free (prepare->issuer);
  g_clear_object (&prepare->oauth);
  g_clear_object (&prepare->client);
  g_free (prepare);
}

typedef struct
{
  TechoSyncController *self;
  char *uri;
} ShowUri;

static void
browser_opened_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* No browser: the address is on screen with a copy button. */
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error))
    techo_window_add_toast (TECHO_WINDOW (source),
                            _("No browser could be opened. Copy the address into one."));
}

static gboolean
show_uri_cb (gpointer user_data)
{
  ShowUri *show = user_data;
  TechoWindow *window = show->self->window;

  if (window != NULL)
    {
      techo_window_show_connect (window, show->uri);
      if (g_getenv ("TECHO_NO_BROWSER") == NULL)
        gtk_show_uri_full (GTK_WINDOW (window), show->uri, GDK_CURRENT_TIME, NULL,
                           browser_opened_cb, NULL);
    }
  g_object_unref (show->self);
  g_free (show->uri);
  g_free (show);
  return G_SOURCE_REMOVE;
}

/* Called on the worker thread by the sign-in: hands the URL to the main
 * thread, which opens the browser and shows it with a copy button. */
static gboolean
open_uri_cb (const char  *uri,
             gpointer     user_data,
             GError     **error)
{
  ShowUri *show = g_new0 (ShowUri, 1);

  show->self = g_object_ref (user_data);
  show->uri = g_strdup (uri);
  g_main_context_invoke (NULL, show_uri_cb, show);
  return TRUE;
}

static char *
find_sandbox (void)
{
  const char *env = g_getenv ("TECHO_SANDBOX");
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *built = g_build_filename (dir, "..", "sandbox", "techo-sandbox", NULL);

      if (g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&built);
    }
  return g_find_program_in_path ("techo-sandbox");
}

/* Starts techo-sandbox on a free loopback port and reads the issuer it
 * prints; the process lives as long as the controller. */
static char *
start_sandbox (TechoSyncController  *self,
               GCancellable         *cancellable,
               GError              **error)
{
  g_autofree char *path = find_sandbox ();
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  GSubprocess *process;

  if (path == NULL)
    {
      g_set_error_literal (error, TECHO_APP_ERROR, TECHO_APP_ERROR_NO_DEMO_PORTAL,
                           "techo-sandbox was not found next to techo nor in PATH.");
      return NULL;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, error,
                              path, "--bind", "127.0.0.1", "--port", "0", NULL);
  if (process == NULL)
    return NULL;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (lines), MAX_ISSUER_LINE);
  line = g_data_input_stream_read_line (lines, NULL, cancellable, error);
  if (line == NULL || !g_str_has_prefix (line, "issuer=http://127.0.0.1:"))
    {
      g_subprocess_force_exit (process);
      g_object_unref (process);
      if (error != NULL && *error == NULL)
        g_set_error (error, TECHO_APP_ERROR, TECHO_APP_ERROR_DEMO_PORTAL_FAILED,
                     "techo-sandbox printed no issuer line (%s).", path);
      return NULL;
    }
  if (self->sandbox != NULL)
    g_subprocess_force_exit (self->sandbox);
  g_clear_object (&self->sandbox);
  self->sandbox = process;
  return g_strdup (line + strlen ("issuer="));
}

static void
prepare_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Prepare *prepare = task_data;
  TechoSyncController *self = prepare->self;
  g_autofree char *issuer = NULL;
  GError *error = NULL;

  prepare->oauth = techo_oauth_new (techo_store_get_vault (self->store));
  if (!techo_oauth_load_sync (prepare->oauth, cancellable, &error) && error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  if (prepare->choice != NULL)
    {
      if (g_strcmp0 (prepare->choice, "demo") == 0)
        issuer = start_sandbox (self, cancellable, &error);
      else if (prepare->issuer != NULL && prepare->issuer[0] != '\0')
        issuer = g_strdup (prepare->issuer);
      else
        g_set_error_literal (&error, TECHO_APP_ERROR, TECHO_APP_ERROR_NO_ISSUER,
                             "The portal-issuer setting is empty.");
      if (issuer == NULL
          || !techo_oauth_sign_in_sync (prepare->oauth, issuer, NULL, NULL, open_uri_cb, self,
                                        SIGN_IN_TIMEOUT, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else if (!techo_oauth_is_signed_in (prepare->oauth))
    {
      prepare->never_signed_in = TRUE;
      g_task_return_new_error (task, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                               _("Techo is not signed in to My Number Portal."));
      return;
    }

  prepare->client = techo_portal_client_new (prepare->oauth, NULL);
  prepare->profile_id = techo_sync_prepare_profile (self->store, prepare->oauth, prepare->client,
                                                    &prepare->granted, cancellable, &error);
  if (prepare->profile_id == 0)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
finish (TechoSyncController *self)
{
  g_clear_object (&self->cancellable);
  if (self->window != NULL)
    techo_window_set_syncing (self->window, FALSE);
}

static void
report_error (TechoSyncController *self,
              const GError        *error)
{
  g_autofree char *text = NULL;

  if (self->window != NULL && self->background
      && g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN))
    {
      /* A sync the user did not ask for never takes the window away. */
      text = g_strdup_printf (_("Sign in again to get new records: %s"), error->message);
      techo_window_add_toast (self->window, text);
      return;
    }
  if (self->window != NULL && !self->first_run
      && g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN))
    {
      /* Not signed in (or the consent ended): offer the connect step. */
      techo_window_show_welcome_error (self->window, error->message);
      return;
    }
  if (self->window == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->window != NULL && self->first_run)
        techo_window_show_welcome_error (self->window, _("Cancelled. Your records stay as they were."));
      return;
    }
  text = g_strdup_printf (_("Sync stopped: %s"), error->message);
  if (self->first_run)
    techo_window_show_welcome_error (self->window, text);
  else
    techo_window_add_toast (self->window, text);
}

static void
progress_cb (TechoSync               *sync,
             const TechoSyncProgress *progress,
             TechoSyncController     *self)
{
  if (progress->category >= TECHO_N_CATEGORIES)
    return;
  self->records[progress->category] = progress->records;
  if (self->window != NULL && self->first_run)
    techo_window_set_sync_progress (self->window, progress->category, progress->records,
                                    progress->finished);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TechoSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  guint total = 0;

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    total += self->records[c];
  if (!techo_sync_run_finish (TECHO_SYNC (source), result, &error))
    report_error (self, error);
  else if (self->window != NULL && !(self->background && total == 0))
    {
      g_autofree char *text = NULL;

      if (total == 0)
        text = g_strdup (_("Up to date: nothing new at My Number Portal"));
      else
        text = g_strdup_printf (ngettext ("%u new or updated record from My Number Portal",
                                          "%u new or updated records from My Number Portal", total),
                                total);
      techo_window_add_toast_with_action (self->window, text, _("Show"), "win.show-page",
                                          g_variant_new_string ("checkups"));
    }
  /* Whatever was stored before a stop is kept and shown. */
  if (self->window != NULL)
    techo_window_reload (self->window);
  self->first_run = FALSE;
  finish (self);
}

static void
prepared_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TechoSyncController *self = TECHO_SYNC_CONTROLLER (source);
  Prepare *prepare = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoSync) sync = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      /* Someone who never signed in (records from files only) is not
       * asked to at every start. */
      if (!(self->background && prepare->never_signed_in))
        report_error (self, error);
      finish (self);
      return;
    }
  g_free (self->issuer);
  self->issuer = g_strdup (techo_oauth_get_issuer (prepare->oauth));
  if (self->window != NULL && self->first_run)
    techo_window_show_sync_progress (self->window);

  memset (self->records, 0, sizeof self->records);
  sync = techo_sync_new (self->store, prepare->client, prepare->profile_id);
  g_signal_connect_object (sync, "progress", G_CALLBACK (progress_cb), self, 0);
  techo_sync_run_async (sync, TECHO_SYNC_ALL_CATEGORIES & prepare->granted, self->cancellable,
                        sync_done_cb, g_object_ref (self));
}

static void
techo_sync_controller_dispose (GObject *object)
{
  TechoSyncController *self = TECHO_SYNC_CONTROLLER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->sandbox != NULL)
    g_subprocess_force_exit (self->sandbox);
  g_clear_object (&self->sandbox);
  g_clear_weak_pointer (&self->window);
  g_clear_object (&self->store);
  g_clear_pointer (&self->issuer, g_free);
  G_OBJECT_CLASS (techo_sync_controller_parent_class)->dispose (object);
}

static void
techo_sync_controller_class_init (TechoSyncControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = techo_sync_controller_dispose;
}

static void
techo_sync_controller_init (TechoSyncController *self)
{
}

TechoSyncController *
techo_sync_controller_new (TechoStore *store)
{
  TechoSyncController *self = g_object_new (TECHO_TYPE_SYNC_CONTROLLER, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
techo_sync_controller_sync (TechoSyncController *self,
                            TechoWindow         *window,
                            const char          *choice,
                            const char          *issuer)
{
  g_autoptr(GTask) task = NULL;
  Prepare *prepare;

  if (window == NULL || self->cancellable != NULL)
    return;
  if (!techo_store_is_open (self->store))
    {
      techo_window_add_toast (window, _("Unlock Techo first."));
      return;
    }
  g_set_weak_pointer (&self->window, window);
  self->first_run = choice != NULL;
  self->background = FALSE;
  self->cancellable = g_cancellable_new ();
  techo_window_set_syncing (window, TRUE);
  if (self->first_run)
    techo_window_show_connect (window, NULL);

  prepare = g_new0 (Prepare, 1);
  prepare->self = g_object_ref (self);
  prepare->choice = g_strdup (choice);
  prepare->issuer = g_strdup (issuer);
  task = g_task_new (self, self->cancellable, prepared_cb, NULL);
  g_task_set_source_tag (task, techo_sync_controller_sync);
  g_task_set_task_data (task, prepare, (GDestroyNotify) prepare_free);
  g_task_run_in_thread (task, prepare_thread);
}

void
techo_sync_controller_sync_in_background (TechoSyncController *self,
                                          TechoWindow         *window)
{
  if (window == NULL || self->cancellable != NULL || !techo_store_is_open (self->store))
    return;
  techo_sync_controller_sync (self, window, NULL, NULL);
  self->background = TRUE;
}

void
techo_sync_controller_cancel (TechoSyncController *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
techo_sync_controller_is_busy (TechoSyncController *self)
{
  return self->cancellable != NULL;
}

char *
techo_sync_controller_dup_connection (TechoSyncController *self)
{
  if (self->issuer == NULL)
    return NULL;
  /* Translators: the portal connection in Preferences, e.g. "Connected to https://…". */
  return g_strdup_printf (_("Connected to %s"), self->issuer);
}

gboolean
techo_sync_controller_sign_out (TechoSyncController *self,
                                GError             **error)
{
  g_autoptr(TechoOAuth) oauth = techo_oauth_new (techo_store_get_vault (self->store));
  GError *local_error = NULL;

  if (!techo_oauth_load_sync (oauth, NULL, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                           _("Techo is not signed in to My Number Portal."));
      return FALSE;
    }
  if (!techo_oauth_sign_out_sync (oauth, NULL, NULL, error))
    return FALSE;
  return TRUE;
}

void
techo_sync_controller_forget_connection (TechoSyncController *self)
{
  g_clear_pointer (&self->issuer, g_free);
}

static void
connection_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  TechoSyncController *self = source;
  g_autoptr(TechoOAuth) oauth = techo_oauth_new (techo_store_get_vault (self->store));
  GError *error = NULL;

  if (!techo_oauth_load_sync (oauth, cancellable, &error))
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }
  g_task_return_pointer (task, g_strdup (techo_oauth_get_issuer (oauth)), g_free);
}

void
techo_sync_controller_load_connection_async (TechoSyncController *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, techo_sync_controller_load_connection_async);
  g_task_run_in_thread (task, connection_thread);
}

char *
techo_sync_controller_load_connection_finish (TechoSyncController  *self,
                                              GAsyncResult         *result,
                                              GError              **error)
{
  g_autofree char *issuer = g_task_propagate_pointer (G_TASK (result), error);

  if (issuer == NULL)
    return NULL;
  g_free (self->issuer);
  self->issuer = g_strdup (issuer);
  return techo_sync_controller_dup_connection (self);
}
