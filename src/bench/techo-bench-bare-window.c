/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The yardstick of `techo-bench startup`: a bare AdwApplicationWindow with
 * a header bar, reporting its first frame as the app does. */

#include "config.h"

#include <adwaita.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
report (void)
{
  g_autofree char *status = NULL;
  const char *rss;

  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  rss = status != NULL ? strstr (status, "VmRSS:") : NULL;
  printf ("first-frame\nrss_kb=%ld\nmarks-done\n", rss != NULL ? strtol (rss + 6, NULL, 10) : 0L);
  fflush (stdout);
}

static void
after_paint_cb (GdkFrameClock *clock,
                GtkWindow     *window)
{
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
activate_cb (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_widget_realize (window);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (after_paint_cb), window);
  gtk_window_present (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.techo.BenchBareWindow",
                                                       G_APPLICATION_NON_UNIQUE);

  g_signal_connect (app, "activate", G_CALLBACK (activate_cb), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
