/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which thread a call runs on. */

#define G_LOG_DOMAIN "techo"

#include "config.h"

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
