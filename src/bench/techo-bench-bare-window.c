/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The yardstick of `techo-bench startup`: a bare AdwApplicationWindow with
 * a header bar, reporting its first frame as the app does, with the marks
 * the app's phases can be held against (mark_NAME_ms, from the bench's
 * spawn: TECHO_BENCH_START_US, as techo-startup-trace.c). */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MARKS 16

static struct
{
  const char *name;
  gint64 when;
} marks[MAX_MARKS];
static guint n_marks;

/* Records @name (a static string) once. */
static void
mark (const char *name)
{
  for (guint i = 0; i < n_marks; i++)
    if (g_str_equal (marks[i].name, name))
      return;
  if (n_marks < MAX_MARKS)
    {
      marks[n_marks].name = name;
      marks[n_marks].when = g_get_monotonic_time ();
      n_marks++;
    }
}

static void
print_marks (void)
{
  const char *start = g_getenv ("TECHO_BENCH_START_US");
  gint64 origin = start != NULL ? g_ascii_strtoll (start, NULL, 10) : 0;

  if (origin <= 0)
    return;
  for (guint i = 0; i < n_marks; i++)
    printf ("mark_%s_ms=%.1f\n", marks[i].name, (marks[i].when - origin) / 1000.0);
}

static void
report (void)
{
  g_autofree char *status = NULL;
  const char *rss;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  rss = status != NULL ? strstr (status, "VmRSS:") : NULL;
  printf ("first-frame\nrss_kb=%ld\n", rss != NULL ? strtol (rss + 6, NULL, 10) : 0L);
  print_marks ();
  printf ("marks-done\n");
  fflush (stdout);
}

/* The phases of the first frame, as the app marks them. */
static void
before_paint_cb (GdkFrameClock *clock)
{
  mark ("frame_start");
}

static void
layout_cb (GdkFrameClock *clock)
{
  mark ("layout");
}

static void
paint_cb (GdkFrameClock *clock)
{
  mark ("paint");
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWindow     *window)
{
  mark ("first_frame");
  g_signal_handlers_disconnect_by_func (clock, before_paint_cb, NULL);
  g_signal_handlers_disconnect_by_func (clock, layout_cb, NULL);
  g_signal_handlers_disconnect_by_func (clock, paint_cb, NULL);
  g_signal_handlers_disconnect_by_func (clock, after_paint_cb, window);
  report ();
  /* A bare window has no pages to walk: it settles from here. */
  if (g_strcmp0 (g_getenv ("TECHO_BENCH_FIRST_FRAME"), "walk") == 0)
    {
      printf ("walked\n");
      fflush (stdout);
    }
  else if (g_strcmp0 (g_getenv ("TECHO_BENCH_FIRST_FRAME"), "stay") != 0)
    gtk_window_destroy (window);
}

static void
startup_cb (GApplication *app)
{
  mark ("gtk_ready");
}

static void
activate_cb (GApplication *app)
{
  GtkWidget *window;
  GtkWidget *box;
  GdkFrameClock *clock;

  mark ("activate");
  window = adw_application_window_new (GTK_APPLICATION (app));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  mark ("window_built");
  gtk_widget_realize (window);
  mark ("realized");
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "before-paint", G_CALLBACK (before_paint_cb), NULL);
  g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), NULL);
  g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), NULL);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), window);
  gtk_window_present (GTK_WINDOW (window));
  mark ("presented");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.techo.BenchBareWindow",
                                                       G_APPLICATION_NON_UNIQUE);

  mark ("main");
  g_signal_connect (app, "startup", G_CALLBACK (startup_cb), NULL);
  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
