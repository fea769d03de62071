/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-serve.h: what every server of Techo's does alike (the share
 * server and host, the portal sandbox): the base URL of the address it
 * listens on, and, for the programs, announcing it and serving until a
 * signal. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "http://127.0.0.1:41234", "https://[::1]:8443": @scheme, @inet, @port. */
char *techo_serve_base_url     (const char   *scheme,
                                GInetAddress *inet,
                                guint         port);

/* For the programs that serve (the sandbox, the share host): prints
 * "@key=@value" alone on a line of standard output, flushed, so a test or
 * a script can read where to connect, then runs the default main context
 * until SIGINT or SIGTERM. */
void  techo_serve_until_signal (const char   *key,
                                const char   *value);

G_END_DECLS
