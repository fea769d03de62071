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
#include "techo-thread.h"

#define SIGN_IN_TIMEOUT 600
#define MAX_ISSUER_LINE 512

struct _TechoSyncController
{
  GObject parent_instance;

  TechoStore *store;
  GCancellable *cancellable;   /* the running sign-in and sync; NULL when idle */
  GSubprocess *sandbox;        /* the demo portal, while the app runs */
  TechoSyncState state;
  gboolean first_run;          /* the run signs in first (the welcome's connect) */
  gboolean background;         /* started by the app, not the user: stay quiet */
  guint records[TECHO_N_CATEGORIES];
  gboolean finished[TECHO_N_CATEGORIES];
  guint requested;             /* categories the running sync fetches (bits) */
  guint new_records;
  char *sign_in_uri;
  GDateTime *last_sync;
  GError *last_error;
  char *issuer;
};

G_DEFINE_FINAL_TYPE (TechoSyncController, techo_sync_controller, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  PROP_FIRST_RUN,
  PROP_BACKGROUND,
  PROP_SIGN_IN_URI,
  PROP_PROGRESS,
  PROP_NEW_RECORDS,
  PROP_LAST_SYNC,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RECORDS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
techo_sync_state_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TECHO_SYNC_STATE_IDLE, "TECHO_SYNC_STATE_IDLE", "idle" },
        { TECHO_SYNC_STATE_SIGNING_IN, "TECHO_SYNC_STATE_SIGNING_IN", "signing-in" },
        { TECHO_SYNC_STATE_SYNCING, "TECHO_SYNC_STATE_SYNCING", "syncing" },
        { TECHO_SYNC_STATE_SUCCEEDED, "TECHO_SYNC_STATE_SUCCEEDED", "succeeded" },
        { TECHO_SYNC_STATE_FAILED, "TECHO_SYNC_STATE_FAILED", "failed" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("TechoSyncState"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static void
set_state (TechoSyncController *self,
           TechoSyncState       state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_last_error (TechoSyncController *self,
                const GError        *error)
{
  if (self->last_error == NULL && error == NULL)
    return;
  g_clear_error (&self->last_error);
  if (error != NULL)
    self->last_error = g_error_copy (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_sign_in_uri (TechoSyncController *self,
                 const char          *uri)
{
  if (g_strcmp0 (self->sign_in_uri, uri) == 0)
    return;
  g_free (self->sign_in_uri);
  self->sign_in_uri = g_strdup (uri);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGN_IN_URI]);
}

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

static gboolean
show_uri_cb (gpointer user_data)
{
  ShowUri *show = user_data;

  /* Whoever shows the sync opens the browser and shows the address. */
  if (show->self->state == TECHO_SYNC_STATE_SIGNING_IN)
    set_sign_in_uri (show->self, show->uri);
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

/* Ends a run: @error NULL for success, else what stopped it (a
 * cancellation included); @quiet for a background run of someone who
 * never signed in, which ends as if it never started. */
static void
finish (TechoSyncController *self,
        const GError        *error,
        gboolean             quiet)
{
  g_clear_object (&self->cancellable);
  if (quiet)
    {
      set_state (self, TECHO_SYNC_STATE_IDLE);
      return;
    }
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Sync stopped: %s (%s %d)", error->message,
                   g_quark_to_string (error->domain), error->code);
      set_last_error (self, error);
      set_state (self, TECHO_SYNC_STATE_FAILED);
      return;
    }
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  self->last_sync = g_date_time_new_now_local ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNC]);
  set_last_error (self, NULL);
  set_state (self, TECHO_SYNC_STATE_SUCCEEDED);
}

static void
progress_cb (TechoSync               *sync,
             const TechoSyncProgress *progress,
             TechoSyncController     *self)
{
  if (progress->category >= TECHO_N_CATEGORIES)
    return;
  self->records[progress->category] = progress->records;
  self->finished[progress->category] = progress->finished;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
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
  techo_sync_run_finish (TECHO_SYNC (source), result, &error);
  if (self->new_records != total)
    {
      self->new_records = total;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NEW_RECORDS]);
    }
  /* Whatever was stored before a stop is kept and shown. */
  g_signal_emit (self, signals[RECORDS_CHANGED], 0);
  finish (self, error, FALSE);
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
      finish (self, error, self->background && prepare->never_signed_in);
      return;
    }
  g_free (self->issuer);
  self->issuer = g_strdup (techo_oauth_get_issuer (prepare->oauth));

  memset (self->records, 0, sizeof self->records);
  memset (self->finished, 0, sizeof self->finished);
  self->requested = TECHO_SYNC_ALL_CATEGORIES & prepare->granted;
  set_state (self, TECHO_SYNC_STATE_SYNCING);
  sync = techo_sync_new (self->store, prepare->client, prepare->profile_id);
  g_signal_connect_object (sync, "progress", G_CALLBACK (progress_cb), self, 0);
  techo_sync_run_async (sync, self->requested, self->cancellable,
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
  g_clear_object (&self->store);
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->sign_in_uri, g_free);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_error (&self->last_error);
  G_OBJECT_CLASS (techo_sync_controller_parent_class)->dispose (object);
}

static void
techo_sync_controller_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  TechoSyncController *self = TECHO_SYNC_CONTROLLER (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_FIRST_RUN:
      g_value_set_boolean (value, self->first_run);
      break;
    case PROP_BACKGROUND:
      g_value_set_boolean (value, self->background);
      break;
    case PROP_SIGN_IN_URI:
      g_value_set_string (value, self->sign_in_uri);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, techo_sync_controller_get_progress (self));
      break;
    case PROP_NEW_RECORDS:
      g_value_set_uint (value, self->new_records);
      break;
    case PROP_LAST_SYNC:
      g_value_set_boxed (value, self->last_sync);
      break;
    case PROP_LAST_ERROR:
      g_value_set_boxed (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
techo_sync_controller_class_init (TechoSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_sync_controller_dispose;
  object_class->get_property = techo_sync_controller_get_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TECHO_TYPE_SYNC_STATE, TECHO_SYNC_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_FIRST_RUN] =
    g_param_spec_boolean ("first-run", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BACKGROUND] =
    g_param_spec_boolean ("background", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGN_IN_URI] =
    g_param_spec_string ("sign-in-uri", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NEW_RECORDS] =
    g_param_spec_uint ("new-records", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNC] =
    g_param_spec_boxed ("last-sync", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_ERROR] =
    g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After a sync ran (whole or stopped): what it stored is worth reading. */
  signals[RECORDS_CHANGED] =
    g_signal_new ("records-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
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

static void
start (TechoSyncController *self,
       const char          *choice,
       const char          *issuer,
       gboolean             background)
{
  g_autoptr(GTask) task = NULL;
  Prepare *prepare;

  if (self->cancellable != NULL || !techo_store_is_open (self->store))
    return;
  self->cancellable = g_cancellable_new ();
  g_object_freeze_notify (G_OBJECT (self));
  if (self->first_run != (choice != NULL))
    {
      self->first_run = choice != NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FIRST_RUN]);
    }
  if (self->background != background)
    {
      self->background = background;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BACKGROUND]);
    }
  memset (self->records, 0, sizeof self->records);
  memset (self->finished, 0, sizeof self->finished);
  self->requested = 0;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
  set_sign_in_uri (self, NULL);
  set_last_error (self, NULL);
  set_state (self, self->first_run ? TECHO_SYNC_STATE_SIGNING_IN : TECHO_SYNC_STATE_SYNCING);
  g_object_thaw_notify (G_OBJECT (self));

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
techo_sync_controller_sync (TechoSyncController *self,
                            const char          *choice,
                            const char          *issuer)
{
  g_return_if_fail (TECHO_IS_SYNC_CONTROLLER (self));

  start (self, choice, issuer, FALSE);
}

void
techo_sync_controller_sync_in_background (TechoSyncController *self)
{
  g_return_if_fail (TECHO_IS_SYNC_CONTROLLER (self));

  start (self, NULL, NULL, TRUE);
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

TechoSyncState
techo_sync_controller_get_state (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), TECHO_SYNC_STATE_IDLE);

  return self->state;
}

gboolean
techo_sync_controller_get_first_run (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), FALSE);

  return self->first_run;
}

gboolean
techo_sync_controller_get_background (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), FALSE);

  return self->background;
}

const char *
techo_sync_controller_get_sign_in_uri (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), NULL);

  return self->sign_in_uri;
}

double
techo_sync_controller_get_progress (TechoSyncController *self)
{
  guint wanted = 0;
  guint done = 0;

  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), 0.0);

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    if (self->requested & (1u << c))
      {
        wanted++;
        done += self->finished[c] ? 1 : 0;
      }
  return wanted > 0 ? (double) done / wanted : 0.0;
}

guint
techo_sync_controller_get_category_records (TechoSyncController *self,
                                            TechoCategory        category,
                                            gboolean            *finished)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), 0);
  g_return_val_if_fail (category < TECHO_N_CATEGORIES, 0);

  if (finished != NULL)
    *finished = self->finished[category];
  return self->records[category];
}

guint
techo_sync_controller_get_new_records (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), 0);

  return self->new_records;
}

GDateTime *
techo_sync_controller_get_last_sync (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), NULL);

  return self->last_sync;
}

const GError *
techo_sync_controller_get_last_error (TechoSyncController *self)
{
  g_return_val_if_fail (TECHO_IS_SYNC_CONTROLLER (self), NULL);

  return self->last_error;
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
  g_autoptr(TechoOAuth) oauth = NULL;
  GError *local_error = NULL;

  techo_assert_not_main_thread ();
  oauth = techo_oauth_new (techo_store_get_vault (self->store));
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
