/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-bench.c: what `techo-bench startup` asks of the window,
 * through TECHO_BENCH_FIRST_FRAME. At the first frame of the dashboard
 * with records on it, print "first-frame", the resident memory, the
 * startup marks (techo-startup-trace.h) and "marks-done"; then
 *
 *   "1" (or anything else)  close the window;
 *   "stay"                  go on running, idle;
 *   "walk"                  open every page once as a person would (one
 *                           page a frame, printing switch_PAGE_ms: the
 *                           switch to that page's first frame), scroll the
 *                           medicine history end to end (scroll_*), print
 *                           "walked" and go on running, idle, so that the
 *                           memory of a used app can be read from outside.
 *
 * The scroll moves the vertical adjustment of the scrolled window the
 * history shows in, one step a frame, whatever list it holds. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-startup-trace.h"
#include "techo-window-private.h"

/* The scroll ends at the bottom, or after this many frames or seconds. */
#define MAX_SCROLL_FRAMES 4000
#define MAX_SCROLL_SECONDS 120
/* At most this many frames from top to bottom (at least a page a frame). */
#define SCROLL_FRAMES_END_TO_END 400

typedef struct TechoWindowBench TechoWindowBench;

typedef enum
{
  STEP_SHOW,        /* show the next page */
  STEP_SHOWN,       /* the page's first frame was drawn */
  STEP_HISTORY,     /* the medicines page: wait for the history, then scroll */
  STEP_SCROLL,
  STEP_DONE,
} Step;

struct TechoWindowBench
{
  TechoWindow *window;          /* unowned: the window owns this */
  GdkFrameClock *clock;
  gulong before_paint_handler;
  gulong layout_handler;
  gulong paint_handler;
  gulong after_paint_handler;
  guint tick_id;
  gboolean walk;
  gboolean reported;

  Step step;
  int page;                     /* index into techo_window_page_names */
  gint64 switched_at;           /* µs, when the page was asked for */
  gint64 last_paint;            /* µs, the end of the last frame's paint */
  GtkAdjustment *scroll;        /* the history's, while scrolling */
  gint64 scroll_start;
  gint64 last_frame_time;
  double max_frame_ms;
  guint scroll_frames;
  guint at_bottom;              /* frames in a row at the bottom */
};

/* The text the first frame lays out: mapped labels under @widget and
 * their characters. */
static void
count_text (GtkWidget *widget,
            guint     *labels,
            gulong    *chars)
{
  if (!gtk_widget_get_mapped (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      (*labels)++;
      *chars += g_utf8_strlen (gtk_label_get_text (GTK_LABEL (widget)), -1);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count_text (child, labels, chars);
}

/* The mapped scrolled window under @widget with the most to scroll. */
static GtkScrolledWindow *
find_scrolled (GtkWidget *widget)
{
  GtkScrolledWindow *best = NULL;

  if (!gtk_widget_get_mapped (widget))
    return NULL;
  if (GTK_IS_SCROLLED_WINDOW (widget))
    best = GTK_SCROLLED_WINDOW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkScrolledWindow *found = find_scrolled (child);

      if (found != NULL
          && (best == NULL
              || gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (found))
                 > gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (best))))
        best = found;
    }
  return best;
}

/* Is the medicine history's first read still on its way? (The medicines
 * page is scrolled once its rows are there.) */
static gboolean
history_pending (TechoWindow *self)
{
  return self->medicines_page != NULL && techo_medicines_page_is_loading (self->medicines_page);
}

static void
finish_walk (TechoWindowBench *bench)
{
  bench->step = STEP_DONE;
  printf ("rss_walked_kb=%ld\nwalked\n", techo_startup_rss_kb ());
  fflush (stdout);
}

/* One step of the scroll, once a frame; FALSE at the end. */
static gboolean
scroll_step (TechoWindowBench *bench,
             GdkFrameClock    *clock)
{
  GtkAdjustment *adj = bench->scroll;
  double upper = gtk_adjustment_get_upper (adj);
  double page = gtk_adjustment_get_page_size (adj);
  double value = gtk_adjustment_get_value (adj);
  double bottom = MAX (0, upper - page);
  gint64 frame_time = gdk_frame_clock_get_frame_time (clock);

  if (bench->last_frame_time > 0)
    bench->max_frame_ms = MAX (bench->max_frame_ms,
                               (frame_time - bench->last_frame_time) / 1000.0);
  bench->last_frame_time = frame_time;
  /* At the bottom for a few frames in a row: a list that loads rows as
   * they come into view may grow meanwhile. */
  bench->at_bottom = value >= bottom - 0.5 ? bench->at_bottom + 1 : 0;
  if (bench->at_bottom >= 3 || bench->scroll_frames >= MAX_SCROLL_FRAMES
      || g_get_monotonic_time () - bench->scroll_start > MAX_SCROLL_SECONDS * G_USEC_PER_SEC)
    {
      printf ("scroll_frames=%u\nscroll_ms=%.0f\nscroll_max_frame_ms=%.1f\nscroll_px=%.0f\n"
              "scroll_reached_bottom=%d\n",
              bench->scroll_frames, (g_get_monotonic_time () - bench->scroll_start) / 1000.0,
              bench->max_frame_ms, upper, bench->at_bottom >= 3);
      fflush (stdout);
      return FALSE;
    }
  gtk_adjustment_set_value (adj, MIN (bottom, value + MAX (page, upper / SCROLL_FRAMES_END_TO_END)));
  bench->scroll_frames++;
  return TRUE;
}

static gboolean
walk_tick_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  TechoWindowBench *bench = user_data;
  TechoWindow *self = bench->window;
  const char *name;

  switch (bench->step)
    {
    case STEP_SHOW:
      bench->page++;
      name = techo_window_page_names[bench->page];
      if (name == NULL)
        {
          finish_walk (bench);
          bench->tick_id = 0;
          return G_SOURCE_REMOVE;
        }
      bench->switched_at = g_get_monotonic_time ();
      techo_window_show_page (self, name);
      bench->step = STEP_SHOWN;
      break;

    case STEP_SHOWN:
      /* This frame follows the one that drew the page. */
      name = techo_window_page_names[bench->page];
      printf ("switch_%s_ms=%.1f\n", name, (bench->last_paint - bench->switched_at) / 1000.0);
      fflush (stdout);
      if (g_str_equal (name, "medicines"))
        {
          techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (
                                            techo_window_get_page (self, name)), "history");
          bench->step = STEP_HISTORY;
        }
      else
        bench->step = STEP_SHOW;
      break;

    case STEP_HISTORY:
      if (history_pending (self))
        break;
      bench->scroll = NULL;
      {
        GtkScrolledWindow *scrolled = find_scrolled (techo_window_get_page (self, "medicines"));

        if (scrolled != NULL)
          bench->scroll = gtk_scrolled_window_get_vadjustment (scrolled);
      }
      if (bench->scroll == NULL)
        {
          printf ("scroll_frames=0\n");
          bench->step = STEP_SHOW;
          break;
        }
      g_object_ref (bench->scroll);
      bench->scroll_start = g_get_monotonic_time ();
      bench->step = STEP_SCROLL;
      G_GNUC_FALLTHROUGH;

    case STEP_SCROLL:
      if (!scroll_step (bench, clock))
        {
          g_clear_object (&bench->scroll);
          bench->step = STEP_SHOW;
        }
      break;

    case STEP_DONE:
    default:
      bench->tick_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* The frame starts (GTK's handlers of each phase run before ours, so
 * "layout" and "paint" mark the end of GTK's layout and paint). */
static void
before_paint_cb (GdkFrameClock    *clock,
                 TechoWindowBench *bench)
{
  techo_startup_mark ("frame_start");
}

static void
layout_cb (GdkFrameClock    *clock,
           TechoWindowBench *bench)
{
  techo_startup_mark ("layout");
}

static void
paint_cb (GdkFrameClock    *clock,
          TechoWindowBench *bench)
{
  techo_startup_mark ("paint");
}

static void
after_paint_cb (GdkFrameClock    *clock,
                TechoWindowBench *bench)
{
  TechoWindow *self = bench->window;
  const char *mode;

  bench->last_paint = g_get_monotonic_time ();
  if (bench->reported)
    return;
  bench->reported = TRUE;
  techo_startup_mark ("first_frame");
  g_clear_signal_handler (&bench->before_paint_handler, clock);
  g_clear_signal_handler (&bench->layout_handler, clock);
  g_clear_signal_handler (&bench->paint_handler, clock);
  printf ("first-frame\nrss_kb=%ld\n", techo_startup_rss_kb ());
  techo_startup_print ();
  {
    guint labels = 0;
    gulong chars = 0;

    count_text (GTK_WIDGET (self), &labels, &chars);
    printf ("first_frame_labels=%u\nfirst_frame_chars=%lu\n", labels, chars);
  }
  printf ("marks-done\n");
  fflush (stdout);
  mode = g_getenv ("TECHO_BENCH_FIRST_FRAME");
  if (g_strcmp0 (mode, "walk") == 0)
    {
      /* One page a frame, starting with the frame after this one. */
      bench->walk = TRUE;
      bench->page = 0;
      bench->step = STEP_SHOW;
      bench->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), walk_tick_cb, bench, NULL);
    }
  else if (g_strcmp0 (mode, "stay") != 0)
    gtk_window_destroy (GTK_WINDOW (self));
}

void
techo_window_bench_watch (TechoWindow *self)
{
  TechoWindowBench *bench;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->bench != NULL || clock == NULL)
    return;
  bench = g_new0 (TechoWindowBench, 1);
  bench->window = self;
  bench->clock = g_object_ref (clock);
  bench->before_paint_handler = g_signal_connect (clock, "before-paint",
                                                  G_CALLBACK (before_paint_cb), bench);
  bench->layout_handler = g_signal_connect (clock, "layout", G_CALLBACK (layout_cb), bench);
  bench->paint_handler = g_signal_connect (clock, "paint", G_CALLBACK (paint_cb), bench);
  bench->after_paint_handler = g_signal_connect (clock, "after-paint",
                                                 G_CALLBACK (after_paint_cb), bench);
  self->bench = bench;
}

void
techo_window_bench_stop (TechoWindow *self)
{
  TechoWindowBench *bench = self->bench;

  if (bench == NULL)
    return;
  self->bench = NULL;
  if (bench->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), bench->tick_id);
  g_clear_signal_handler (&bench->before_paint_handler, bench->clock);
  g_clear_signal_handler (&bench->layout_handler, bench->clock);
  g_clear_signal_handler (&bench->paint_handler, bench->clock);
  g_clear_signal_handler (&bench->after_paint_handler, bench->clock);
  g_clear_object (&bench->clock);
  g_clear_object (&bench->scroll);
  g_free (bench);
}
