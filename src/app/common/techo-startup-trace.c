/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-startup"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-startup-trace.h"

#define MAX_MARKS 32

static struct
{
  const char *name;
  gint64 when;
} marks[MAX_MARKS];
static guint n_marks;
static gint64 origin = -1;   /* µs; -1: not yet decided, 0: off */

static gboolean
enabled (void)
{
  if (origin < 0)
    {
      const char *start = g_getenv ("TECHO_BENCH_START_US");

      if (g_getenv ("TECHO_BENCH_FIRST_FRAME") == NULL)
        origin = 0;
      else if (start != NULL && g_ascii_strtoll (start, NULL, 10) > 0)
        origin = g_ascii_strtoll (start, NULL, 10);
      else
        origin = g_get_monotonic_time ();
    }
  return origin > 0;
}

gboolean
techo_startup_traced (void)
{
  return enabled ();
}

void
techo_startup_mark (const char *name)
{
  if (!enabled () || n_marks == MAX_MARKS)
    return;
  for (guint i = 0; i < n_marks; i++)
    if (g_str_equal (marks[i].name, name))
      return;
  marks[n_marks].name = name;
  marks[n_marks].when = g_get_monotonic_time ();
  n_marks++;
}

void
techo_startup_print (void)
{
  if (!enabled ())
    return;
  for (guint i = 0; i < n_marks; i++)
    printf ("mark_%s_ms=%.1f\n", marks[i].name, (marks[i].when - origin) / 1000.0);
  fflush (stdout);
}

long
techo_startup_rss_kb (void)
{
  g_autofree char *status = NULL;
  const char *rss;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  rss = status != NULL ? strstr (status, "VmRSS:") : NULL;
  return rss != NULL ? strtol (rss + 6, NULL, 10) : 0L;
}
