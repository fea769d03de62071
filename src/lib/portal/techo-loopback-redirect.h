/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-loopback-redirect.h: the redirect receiver of a native OAuth
 * client (RFC 8252 §7.3). It listens on 127.0.0.1 at a port the kernel
 * picks, takes exactly one request to /callback, answers it with a short
 * page, and closes the port. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TECHO_TYPE_LOOPBACK_REDIRECT (techo_loopback_redirect_get_type ())
G_DECLARE_FINAL_TYPE (TechoLoopbackRedirect, techo_loopback_redirect,
                      TECHO, LOOPBACK_REDIRECT, GObject)

/* Starts listening on the thread-default main context of the caller. */
TechoLoopbackRedirect *techo_loopback_redirect_new (GError **error);

/* http://127.0.0.1:PORT/callback */
const char  *techo_loopback_redirect_get_uri  (TechoLoopbackRedirect *self);
guint16      techo_loopback_redirect_get_port (TechoLoopbackRedirect *self);

/* Iterates the caller's thread-default main context until the one
 * redirect arrives and its answer is sent, @timeout_seconds pass, or
 * @cancellable fires. Returns the query parameters (name → value; a name
 * given twice is an error) of the redirect. The port is closed when this
 * returns, whatever the outcome. */
GHashTable  *techo_loopback_redirect_wait (TechoLoopbackRedirect  *self,
                                           guint                   timeout_seconds,
                                           GCancellable           *cancellable,
                                           GError                **error);

/* Closes the port now (also done on finalize). */
void         techo_loopback_redirect_close (TechoLoopbackRedirect *self);

G_END_DECLS
