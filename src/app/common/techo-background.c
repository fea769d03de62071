/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running in the background: the Background portal, or an XDG autostart
 * entry where no portal can help (see techo-background.h). */

#define G_LOG_DOMAIN "techo-background"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include "techo-background.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#define PORTAL_NAME "org.freedesktop.portal.Desktop"
#define PORTAL_PATH "/org/freedesktop/portal/desktop"
#define PORTAL_BACKGROUND "org.freedesktop.portal.Background"
#define PORTAL_REQUEST "org.freedesktop.portal.Request"

typedef struct
{
  GDBusConnection *bus;
  char *request_path;   /* where the Response signal comes from */
  guint response_id;
  gboolean enable;
} Request;

static void
request_free (Request *request)
{
  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_clear_object (&request->bus);
  g_free (request->request_path);
  g_free (request);
}

gboolean
techo_background_uses_portal (void)
{
  const char *force = g_getenv ("GIO_USE_PORTALS");

  return g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS)
         || (force != NULL && force[0] == '1');
}

char *
techo_background_autostart_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "autostart", APP_ID ".desktop", NULL);
}

/* ---- outside a sandbox: the autostart entry ------------------------------ */

/* This program as installed (or as built, when run from the build tree). */
static char *
own_program (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

  return exe != NULL ? g_steal_pointer (&exe) : g_strdup ("techo");
}

/* @argument as the desktop entry specification quotes an Exec argument:
 * bare when it can be, else in double quotes with " ` $ \\ escaped. */
static char *
exec_quote (const char *argument)
{
  GString *quoted;

  if (strpbrk (argument, " \t\n\"'\\><~|&;$*?#()`%=") == NULL)
    return g_strdup (argument);
  quoted = g_string_new ("\"");
  for (const char *p = argument; *p != '\0'; p++)
    {
      if (strchr ("\"`$\\", *p) != NULL)
        g_string_append_c (quoted, '\\');
      else if (*p == '%')
        g_string_append_c (quoted, '%');   /* a field code otherwise */
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');
  return g_string_free (quoted, FALSE);
}

static gboolean
write_autostart (gboolean   enable,
                 GError   **error)
{
  g_autofree char *path = techo_background_autostart_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GKeyFile) entry = NULL;
  g_autofree char *program = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *exec = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  if (!enable)
    {
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved = errno;

          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       _("Could not remove %s: %s. Remove it to stop Techo starting at login."),
                       path, g_strerror (saved));
          return FALSE;
        }
      return TRUE;
    }
  program = own_program ();
  quoted = exec_quote (program);
  exec = g_strdup_printf ("%s %s", quoted, TECHO_BACKGROUND_FLAG);
  entry = g_key_file_new ();
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TYPE,
                         G_KEY_FILE_DESKTOP_TYPE_APPLICATION);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NAME, "Techo");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_COMMENT,
                         "Reminders of checkups, screenings and medicines while Techo is closed");
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_EXEC, exec);
  g_key_file_set_string (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_ICON, APP_ID);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_TERMINAL, FALSE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, G_KEY_FILE_DESKTOP_KEY_NO_DISPLAY, TRUE);
  g_key_file_set_boolean (entry, G_KEY_FILE_DESKTOP_GROUP, "X-GNOME-Autostart-enabled", TRUE);
  data = g_key_file_to_data (entry, &length, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (path, data, length, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                    &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write %s: %s. Check that your home folder has space and "
                     "can be written to."), path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* ---- in a sandbox: the Background portal --------------------------------- */

/* "x11:XID" for the parent on X11; "" elsewhere (the portal then shows
 * its question on its own). */
static char *
parent_handle (GtkWindow *parent)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = parent != NULL ? gtk_native_get_surface (GTK_NATIVE (parent)) : NULL;

  if (surface != NULL && GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("x11:%lx", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  return g_strdup ("");
}

static void
response_cb (GDBusConnection *bus,
             const char      *sender,
             const char      *path,
             const char      *interface,
             const char      *signal,
             GVariant        *parameters,
             gpointer         user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GVariant) results = NULL;
  gboolean background = TRUE;
  gboolean autostart = request->enable;
  guint32 response;

  if (!g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(ua{sv})")))
    return;
  g_variant_get (parameters, "(u@a{sv})", &response, &results);
  g_dbus_connection_signal_unsubscribe (bus, request->response_id);
  request->response_id = 0;
  switch (response)
    {
    case 0:
      g_variant_lookup (results, "background", "b", &background);
      g_variant_lookup (results, "autostart", "b", &autostart);
      /* Turned off, whatever the answer; turned on only if it both may
       * run in the background and will start at login. */
      g_task_return_boolean (task, !request->enable || (background && autostart));
      break;
    case 1:
      g_task_return_boolean (task, FALSE);
      break;
    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("Your desktop could not set Techo to run in the background. "
                                 "Try again later."));
      break;
    }
  g_object_unref (task);
}

static void
subscribe (GTask      *task,
           const char *path)
{
  Request *request = g_task_get_task_data (task);

  if (request->response_id != 0)
    g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
  g_free (request->request_path);
  request->request_path = g_strdup (path);
  request->response_id = g_dbus_connection_signal_subscribe (request->bus, PORTAL_NAME,
                                                             PORTAL_REQUEST, "Response", path,
                                                             NULL,
                                                             G_DBUS_SIGNAL_FLAGS_NONE,
                                                             response_cb, task, NULL);
}

static void
requested_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             &error);
  const char *handle = NULL;

  if (reply == NULL)
    {
      g_dbus_connection_signal_unsubscribe (request->bus, request->response_id);
      request->response_id = 0;
      g_dbus_error_strip_remote_error (error);
      g_info ("RequestBackground: %s", error->message);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Your desktop did not answer the request to run Techo in the "
                                 "background. Check that xdg-desktop-portal is installed."));
      g_object_unref (task);
      return;
    }
  /* A portal older than handle_token answers with a path of its own. */
  g_variant_get (reply, "(&o)", &handle);
  if (g_strcmp0 (handle, request->request_path) != 0)
    subscribe (task, handle);
}

static void
request_portal (GTask     *task,
                GtkWindow *parent)
{
  static guint counter;
  Request *request = g_task_get_task_data (task);
  g_autofree char *sender = NULL;
  g_autofree char *token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *window = parent_handle (parent);
  GVariantBuilder options;
  const char *commandline[] = { "techo", TECHO_BACKGROUND_FLAG, NULL };

  /* The request's path is known before the call (the portal's Request
   * documentation): subscribe first, so its answer cannot be missed. */
  token = g_strdup_printf ("techo_%u_%u", (guint) getpid (), ++counter);
  sender = g_strdup (g_dbus_connection_get_unique_name (request->bus) + 1);
  g_strdelimit (sender, ".", '_');
  path = g_strdup_printf (PORTAL_PATH "/request/%s/%s", sender, token);
  subscribe (task, path);

  g_variant_builder_init (&options, G_VARIANT_TYPE_VARDICT);
  g_variant_builder_add (&options, "{sv}", "handle_token", g_variant_new_string (token));
  g_variant_builder_add (&options, "{sv}", "reason",
                         g_variant_new_string (_("Techo reminds you of screenings, follow-up "
                                                 "exams and medicines running out while it is "
                                                 "closed.")));
  g_variant_builder_add (&options, "{sv}", "autostart", g_variant_new_boolean (request->enable));
  g_variant_builder_add (&options, "{sv}", "commandline", g_variant_new_strv (commandline, -1));
  g_variant_builder_add (&options, "{sv}", "dbus-activatable", g_variant_new_boolean (FALSE));
  g_dbus_connection_call (request->bus, PORTAL_NAME, PORTAL_PATH, PORTAL_BACKGROUND,
                          "RequestBackground", g_variant_new ("(sa{sv})", window, &options),
                          G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, G_MAXINT,
                          g_task_get_cancellable (task), requested_cb, task);
}

void
techo_background_request_async (GtkWindow           *parent,
                                gboolean             enable,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  GApplication *app = g_application_get_default ();
  GDBusConnection *bus = app != NULL ? g_application_get_dbus_connection (app) : NULL;
  g_autoptr(GError) error = NULL;
  Request *request;

  g_task_set_source_tag (task, techo_background_request_async);
  if (!techo_background_uses_portal ())
    {
      if (write_autostart (enable, &error))
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (bus == NULL)
    bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  else
    g_object_ref (bus);
  if (bus == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Your desktop did not answer the request to run Techo in the "
                                 "background. Check that xdg-desktop-portal is installed."));
      g_object_unref (task);
      return;
    }
  request = g_new0 (Request, 1);
  request->bus = bus;
  request->enable = enable;
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);
  request_portal (task, parent);
}

gboolean
techo_background_request_finish (GAsyncResult  *result,
                                 gboolean      *out_allowed,
                                 GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean allowed;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  allowed = g_task_propagate_boolean (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (out_allowed != NULL)
    *out_allowed = allowed;
  return TRUE;
}
