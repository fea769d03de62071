/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which thread a call runs on. */

#define G_LOG_DOMAIN "techo"

#include "config.h"

#include <stdio.h>

#include <glib-unix.h>

#include "techo-thread.h"

gboolean
techo_thread_is_main (void)
{
  return g_main_context_is_owner (g_main_context_default ());
}

void
techo_thread_check_not_main (const char *func)
{
  if (techo_thread_is_main ())
    g_critical ("%s: a blocking call on the main thread (it owns the main loop); "
                "use the _async form", func);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
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
