/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <stdio.h>

#include "techo-bench-chart.h"
#include "techo-chart-render.h"

#define DAY0    733000
#define WIDTH   800
#define HEIGHT  400

static TechoChartModel *
make_series (guint n_points,
             gint64 step_days)
{
  TechoChartModel *model = techo_chart_model_new ("glucose", "Glucose", "mg/dL", 0);
  guint32 seed = 1;

  for (guint i = 0; i < n_points; i++)
    {
      seed = seed * 1103515245 + 12345;
      techo_chart_model_add_point (model, DAY0 + (gint64) i * step_days,
                                   85 + (seed >> 16) % 60);
    }
  techo_chart_model_set_thresholds (model, 100, 126, FALSE);
  return model;
}

/* Median of @repeats renders into an ARGB image surface the size of the
 * app's chart, in microseconds. */
static double
time_render (TechoChartModel *model,
             guint            repeats)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, WIDTH, HEIGHT);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  const TechoChartPoint *points;
  TechoChartStyle style;
  TechoChartFrame frame;
  guint n;

  techo_chart_style_init_default (&style);
  style.guidance_label = "Guidance";
  style.see_doctor_label = "See a doctor";
  points = techo_chart_model_get_points (model, &n);
  for (guint r = 0; r < repeats; r++)
    {
      gint64 start = g_get_monotonic_time ();
      cairo_t *cr = cairo_create (surface);
      double t;

      /* Layout included: the widget lays out on every draw. */
      techo_chart_frame_compute (&frame, model, &style, points[0].day, points[n - 1].day,
                                 WIDTH, HEIGHT);
      techo_chart_render (cr, model, &frame, &style, -1);
      cairo_destroy (cr);
      cairo_surface_flush (surface);
      t = (double) (g_get_monotonic_time () - start);
      g_array_append_val (times, t);
    }
  cairo_surface_destroy (surface);
  {
    /* Insertion sort: a few dozen values. */
    double *v = (double *) (gpointer) times->data;

    for (guint i = 1; i < times->len; i++)
      for (guint j = i; j > 0 && v[j - 1] > v[j]; j--)
        {
          double tmp = v[j];

          v[j] = v[j - 1];
          v[j - 1] = tmp;
        }
    return v[times->len / 2];
  }
}

int
techo_bench_chart (int    argc,
                   char **argv)
{
  g_autoptr(TechoChartModel) small = make_series (1000, 14);
  g_autoptr(TechoChartModel) large = make_series (100000, 1);
  double t_small, t_large;

  time_render (small, 5);
  time_render (large, 5);
  t_small = time_render (small, 41);
  t_large = time_render (large, 41);
  printf ("chart_1k_us=%.0f\n", t_small);
  printf ("chart_100k_us=%.0f\n", t_large);
  printf ("chart_scaling_ratio=%.2f\n", t_large / t_small);
  return 0;
}
