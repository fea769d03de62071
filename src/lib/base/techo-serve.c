/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What every server does alike (techo-serve.h). */

#include "config.h"

#include <stdio.h>

#include <glib-unix.h>

#include "techo-serve.h"

char *
techo_serve_base_url (const char   *scheme,
                      GInetAddress *inet,
                      guint         port)
{
  g_autofree char *host = g_inet_address_to_string (inet);

  return g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ?
                          "%s://[%s]:%u" : "%s://%s:%u", scheme, host, port);
}

/* Kept until the loop has ended (both are removed then). */
static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

void
techo_serve_until_signal (const char *key,
                          const char *value)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigint = g_unix_signal_add (SIGINT, quit_cb, loop);
  guint sigterm = g_unix_signal_add (SIGTERM, quit_cb, loop);

  printf ("%s=%s\n", key, value);
  fflush (stdout);
  g_main_loop_run (loop);
  g_source_remove (sigint);
  g_source_remove (sigterm);
}
