/* SPDX-License-Identifier: GPL-3.0-or-later */
/* TECHO_BENCH_SCROLL=N: `techo-bench scale` runs the app on a big store
 * and this drives it as a user would: every page is opened once (the time
 * from switching to that page's first frame is printed), then the
 * medicines page's history, with its largest ingredient expanded, is
 * scrolled N rows, one row per frame, and each frame's work (from the
 * frame clock's update to its after-paint) and the interval between
 * frames are recorded; then the list jumps to its end, and the resident
 * memory is printed once the rows there are read. name=value lines on
 * stdout; the app quits afterwards. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-dispensing-model.h"
#include "techo-startup-trace.h"
#include "techo-window-private.h"

typedef struct
{
  TechoWindow *window;
  guint page;            /* the next page to open */
  gint64 switched_at;    /* when the page was asked for */
  guint rows;            /* rows to scroll */
  guint scrolled;
  double row_height;
  gint64 update_at;      /* this frame's update phase */
  gint64 last_frame;     /* the previous frame's frame time */
  GArray *work_ms;       /* double: each frame's work */
  GArray *interval_ms;   /* double: between frames */
  GtkListView *list;
  GtkAdjustment *adjustment;
  gulong update_id, paint_id;
  guint waits;
} Bench;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
print_figures (const char *name,
               GArray     *values)
{
  guint over = 0;

  if (values->len == 0)
    return;
  g_array_sort (values, compare_double);
  for (guint i = 0; i < values->len; i++)
    over += g_array_index (values, double, i) > 1000.0 / 60.0;
  printf ("scroll_%s_max_ms=%.1f\n", name, g_array_index (values, double, values->len - 1));
  printf ("scroll_%s_p99_ms=%.1f\n", name,
          g_array_index (values, double, MIN (values->len - 1, values->len * 99 / 100)));
  printf ("scroll_%s_median_ms=%.1f\n", name, g_array_index (values, double, values->len / 2));
  printf ("scroll_%s_over_16_7=%u\n", name, over);
}

static gboolean
finish_cb (gpointer user_data)
{
  Bench *bench = user_data;
  GtkTreeListModel *tree = techo_medicines_page_get_history_model (bench->window->medicines_page);

  /* Wait (up to 10 s) for the rows at the end to be read. */
  if (bench->waits++ < 100 && tree != NULL)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (tree));
      g_autoptr(GtkTreeListRow) first = g_list_model_get_item (G_LIST_MODEL (tree), 0);
      GListModel *children = first != NULL ? gtk_tree_list_row_get_children (first) : NULL;

      if (children != NULL && TECHO_IS_DISPENSING_MODEL (children)
          && techo_dispensing_model_get_n_pending (TECHO_DISPENSING_MODEL (children)) > 0
          && n > 0)
        return G_SOURCE_CONTINUE;
    }
  printf ("rss_after_scroll_kb=%ld\n", techo_startup_rss_kb ());
  fflush (stdout);
  gtk_window_destroy (GTK_WINDOW (bench->window));
  g_array_unref (bench->work_ms);
  g_array_unref (bench->interval_ms);
  g_free (bench);
  return G_SOURCE_REMOVE;
}

static void
frame_update_cb (GdkFrameClock *clock,
                 Bench         *bench)
{
  bench->update_at = g_get_monotonic_time ();
}

static void
frame_after_paint_cb (GdkFrameClock *clock,
                      Bench         *bench)
{
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);
  double work = (g_get_monotonic_time () - bench->update_at) / 1000.0;

  if (bench->scrolled == 0 || bench->update_at == 0)
    {
      bench->last_frame = frame_time;
      return;
    }
  g_array_append_val (bench->work_ms, work);
  if (bench->last_frame > 0)
    {
      double interval = (frame_time - bench->last_frame) / 1000.0;

      g_array_append_val (bench->interval_ms, interval);
    }
  bench->last_frame = frame_time;
}

static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  Bench *bench = user_data;

  if (bench->scrolled >= bench->rows)
    {
      g_signal_handler_disconnect (clock, bench->update_id);
      g_signal_handler_disconnect (clock, bench->paint_id);
      printf ("scroll_rows=%u\nscroll_frames=%u\n", bench->scrolled, bench->work_ms->len);
      print_figures ("frame", bench->work_ms);
      print_figures ("interval", bench->interval_ms);
      printf ("rss_scrolled_kb=%ld\n", techo_startup_rss_kb ());
      fflush (stdout);
      /* End to end: the last rows, read by a jump. */
      gtk_adjustment_set_value (bench->adjustment, gtk_adjustment_get_upper (bench->adjustment));
      g_timeout_add (100, finish_cb, bench);
      return G_SOURCE_REMOVE;
    }
  gtk_adjustment_set_value (bench->adjustment,
                            gtk_adjustment_get_value (bench->adjustment) + bench->row_height);
  bench->scrolled++;
  return G_SOURCE_CONTINUE;
}

static gboolean
start_scroll_cb (gpointer user_data)
{
  Bench *bench = user_data;
  TechoMedicinesPage *medicines = bench->window->medicines_page;
  GtkTreeListModel *tree = techo_medicines_page_get_history_model (medicines);
  g_autoptr(GtkTreeListRow) first = NULL;
  GdkFrameClock *clock;
  guint n;

  if (techo_medicines_page_is_loading (medicines) || tree == NULL
      || g_list_model_get_n_items (G_LIST_MODEL (tree)) == 0)
    return G_SOURCE_CONTINUE;
  first = g_list_model_get_item (G_LIST_MODEL (tree), 0);
  if (!gtk_tree_list_row_get_expanded (first))
    {
      /* Expanded, then a second for the list to lay its rows out. */
      gtk_tree_list_row_set_expanded (first, TRUE);
      return G_SOURCE_CONTINUE;
    }
  bench->list = techo_medicines_page_get_history_list (medicines);
  bench->adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench->list));
  n = g_list_model_get_n_items (G_LIST_MODEL (tree));
  if (bench->adjustment == NULL || n == 0 || gtk_adjustment_get_upper (bench->adjustment) / n < 8
      || bench->waits++ < 10)
    return G_SOURCE_CONTINUE;
  bench->waits = 0;
  bench->row_height = gtk_adjustment_get_upper (bench->adjustment) / n;
  printf ("scroll_list_rows=%u\nscroll_row_px=%.1f\n", n, bench->row_height);
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->list));
  bench->update_id = g_signal_connect (clock, "update", G_CALLBACK (frame_update_cb), bench);
  bench->paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_after_paint_cb), bench);
  gtk_widget_add_tick_callback (GTK_WIDGET (bench->list), scroll_tick_cb, bench, NULL);
  return G_SOURCE_REMOVE;
}

static void open_next_page (Bench *bench);

static void
page_painted_cb (GdkFrameClock *clock,
                 Bench         *bench)
{
  g_signal_handlers_disconnect_by_func (clock, page_painted_cb, bench);
  printf ("page_%s_switch_ms=%.1f\n", techo_window_page_names[bench->page],
          (g_get_monotonic_time () - bench->switched_at) / 1000.0);
  fflush (stdout);
  bench->page++;
  open_next_page (bench);
}

static gboolean
open_page_idle_cb (gpointer user_data)
{
  Bench *bench = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench->window));

  bench->switched_at = g_get_monotonic_time ();
  techo_window_show_page (bench->window, techo_window_page_names[bench->page]);
  g_signal_connect (clock, "after-paint", G_CALLBACK (page_painted_cb), bench);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  return G_SOURCE_REMOVE;
}

static void
open_next_page (Bench *bench)
{
  if (techo_window_page_names[bench->page] != NULL)
    {
      /* A moment between pages, as a person clicks. */
      g_timeout_add (300, open_page_idle_cb, bench);
      return;
    }
  printf ("rss_pages_opened_kb=%ld\n", techo_startup_rss_kb ());
  techo_window_show_page (bench->window, "medicines");
  techo_medicines_page_show_view (bench->window->medicines_page, "history");
  g_timeout_add (100, start_scroll_cb, bench);
}

void
techo_window_bench_scroll (TechoWindow *self,
                           guint        rows)
{
  Bench *bench = g_new0 (Bench, 1);

  bench->window = self;
  bench->rows = rows;
  bench->page = 1;   /* the overview is on screen */
  bench->work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  bench->interval_ms = g_array_new (FALSE, FALSE, sizeof (double));
  printf ("rss_first_records_kb=%ld\n", techo_startup_rss_kb ());
  open_next_page (bench);
}
