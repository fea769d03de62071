/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-background.h: asking the desktop that Techo may run in the
 * background and start at login (`techo --background`), so reminders come
 * while its window is closed.
 *
 * In a sandbox (or with GIO_USE_PORTALS=1, GLib's switch for the same) the
 * xdg-desktop-portal Background interface is asked (RequestBackground,
 * answered by the Request object's Response signal). Outside a sandbox
 * the portal cannot help: xdg-desktop-portal 1.16 rewrites the command
 * line as `flatpak run --command=… APP_ID` with the sandbox's app id,
 * which a host program does not have. There Techo does what the portal's
 * GNOME backend does for a sandboxed app: an XDG autostart entry in
 * $XDG_CONFIG_HOME/autostart, written when turned on, removed when
 * turned off. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The command line that starts Techo hidden, as the portal is given it. */
#define TECHO_BACKGROUND_FLAG "--background"

/* Whether the portal is asked (else the autostart entry is written). */
gboolean  techo_background_uses_portal      (void);
/* $XDG_CONFIG_HOME/autostart/APP_ID.desktop */
char     *techo_background_autostart_path   (void);

/* Asks that Techo may run in the background and start at login (@enable)
 * or stops it starting at login (!@enable). _finish: TRUE with
 * @out_allowed set when the desktop answered (FALSE: the person said no);
 * FALSE with @error (in the user's language) when it could not be
 * asked. */
void      techo_background_request_async    (GtkWindow           *parent,
                                             gboolean             enable,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean  techo_background_request_finish   (GAsyncResult        *result,
                                             gboolean            *out_allowed,
                                             GError             **error);

G_END_DECLS
