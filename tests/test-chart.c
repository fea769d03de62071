/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <math.h>
#include <string.h>

#include "techo-chart-model.h"
#include "techo-chart-render.h"

#define DAY0 733000 /* a Julian day in 2007 */

static TechoChartModel *
make_hba1c (guint n)
{
  TechoChartModel *model = techo_chart_model_new ("hba1c", "HbA1c", "%", 1);

  for (guint i = 0; i < n; i++)
    techo_chart_model_add_point (model, DAY0 + i * 365, 5.2 + 0.1 * i);
  techo_chart_model_set_thresholds (model, 5.6, 6.5, FALSE);
  return model;
}

static gboolean
pixel_near (cairo_surface_t       *surface,
            int                    x,
            int                    y,
            const TechoChartColor *color,
            double                 tolerance)
{
  unsigned char *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  guint32 pixel = *(guint32 *) (gpointer) (data + y * stride + x * 4);
  double a = ((pixel >> 24) & 0xff) / 255.0;
  double r, g, b;

  if (a == 0)
    return FALSE;
  r = ((pixel >> 16) & 0xff) / 255.0 / a;
  g = ((pixel >> 8) & 0xff) / 255.0 / a;
  b = (pixel & 0xff) / 255.0 / a;
  return fabs (r - color->red) < tolerance && fabs (g - color->green) < tolerance
         && fabs (b - color->blue) < tolerance;
}

static guint
count_hue (cairo_surface_t       *surface,
           const TechoChartColor *color)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  guint count = 0;

  cairo_surface_flush (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (pixel_near (surface, x, y, color, 0.06))
        count++;
  return count;
}

static void
test_model_sorting_and_range (void)
{
  g_autoptr(TechoChartModel) model = techo_chart_model_new ("ldl", "LDL", "mg/dL", 0);
  const TechoChartPoint *points;
  guint n, first, last;
  double lo, hi;

  techo_chart_model_add_point (model, DAY0 + 20, 130);
  techo_chart_model_add_point (model, DAY0, 110);
  techo_chart_model_add_point (model, DAY0 + 10, 150);
  g_assert_true (techo_chart_model_add_text (model, "2009-06-15", "142"));
  g_assert_false (techo_chart_model_add_text (model, "2009-13-15", "142"));
  g_assert_false (techo_chart_model_add_text (model, "2009-06-15", "142 mg"));
  g_assert_false (techo_chart_model_add_text (model, "2009-06-15", NULL));

  points = techo_chart_model_get_points (model, &n);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 1; i < n; i++)
    g_assert_cmpint (points[i - 1].day, <=, points[i].day);
  g_assert_cmpfloat (points[0].value, ==, 110);

  g_assert_true (techo_chart_model_find_range (model, DAY0 + 5, DAY0 + 20, &first, &last));
  g_assert_cmpuint (first, ==, 1);
  g_assert_cmpuint (last, ==, 2);
  g_assert_false (techo_chart_model_find_range (model, DAY0 + 21, DAY0 + 30, &first, &last));
  g_assert_true (techo_chart_model_value_range (model, DAY0, DAY0 + 20, &lo, &hi));
  g_assert_cmpfloat (lo, ==, 110);
  g_assert_cmpfloat (hi, ==, 150);
}

static void
test_model_levels_and_trend (void)
{
  g_autoptr(TechoChartModel) up = make_hba1c (8);
  g_autoptr(TechoChartModel) hdl = techo_chart_model_new ("hdl", "HDL", "mg/dL", 0);
  g_autoptr(TechoChartModel) flat = techo_chart_model_new ("bmi", "BMI", "kg/m2", 1);

  g_assert_cmpint (techo_chart_model_level (up, 5.4), ==, TECHO_CHART_LEVEL_NORMAL);
  g_assert_cmpint (techo_chart_model_level (up, 5.6), ==, TECHO_CHART_LEVEL_GUIDANCE);
  g_assert_cmpint (techo_chart_model_level (up, 6.5), ==, TECHO_CHART_LEVEL_SEE_DOCTOR);
  g_assert_cmpint (techo_chart_model_trend (up), ==, TECHO_CHART_TREND_RISING);

  techo_chart_model_set_thresholds (hdl, 39, 34, TRUE);
  g_assert_cmpint (techo_chart_model_level (hdl, 60), ==, TECHO_CHART_LEVEL_NORMAL);
  g_assert_cmpint (techo_chart_model_level (hdl, 38), ==, TECHO_CHART_LEVEL_GUIDANCE);
  g_assert_cmpint (techo_chart_model_level (hdl, 30), ==, TECHO_CHART_LEVEL_SEE_DOCTOR);
  for (int i = 0; i < 5; i++)
    techo_chart_model_add_point (hdl, DAY0 + i * 365, 70 - 6 * i);
  g_assert_cmpint (techo_chart_model_trend (hdl), ==, TECHO_CHART_TREND_FALLING);

  g_assert_cmpint (techo_chart_model_trend (flat), ==, TECHO_CHART_TREND_NONE);
  for (int i = 0; i < 5; i++)
    techo_chart_model_add_point (flat, DAY0 + i * 365, 24.0 + (i % 2) * 0.1);
  g_assert_cmpint (techo_chart_model_trend (flat), ==, TECHO_CHART_TREND_STEADY);
}

static void
test_downsample_keeps_extremes (void)
{
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (TechoChartPoint));
  g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (TechoChartPoint));
  const guint n = 100000, buckets = 500;
  const gint64 from = DAY0, to = DAY0 + n - 1;
  guint32 seed = 12345;

  for (guint i = 0; i < n; i++)
    {
      TechoChartPoint p;

      seed = seed * 1103515245 + 12345;
      p.day = DAY0 + i;
      p.value = 100 + ((seed >> 16) % 1000) / 10.0;
      g_array_append_val (points, p);
    }

  techo_chart_downsample ((TechoChartPoint *) (gpointer) points->data, n, from, to, buckets, out);
  g_assert_cmpuint (out->len, <=, buckets * 4);
  g_assert_cmpuint (out->len, >=, buckets * 2);

  /* In every bucket the output holds exactly the input's min and max. */
  {
    g_autofree double *in_lo = g_new (double, buckets);
    g_autofree double *in_hi = g_new (double, buckets);
    g_autofree double *out_lo = g_new (double, buckets);
    g_autofree double *out_hi = g_new (double, buckets);

    for (guint b = 0; b < buckets; b++)
      {
        in_lo[b] = out_lo[b] = INFINITY;
        in_hi[b] = out_hi[b] = -INFINITY;
      }
    for (guint i = 0; i < n; i++)
      {
        const TechoChartPoint *p = &g_array_index (points, TechoChartPoint, i);
        guint b = (guint) ((double) (p->day - from) * buckets / (double) (to - from + 1));

        in_lo[b] = MIN (in_lo[b], p->value);
        in_hi[b] = MAX (in_hi[b], p->value);
      }
    for (guint i = 0; i < out->len; i++)
      {
        const TechoChartPoint *p = &g_array_index (out, TechoChartPoint, i);
        guint b = (guint) ((double) (p->day - from) * buckets / (double) (to - from + 1));

        out_lo[b] = MIN (out_lo[b], p->value);
        out_hi[b] = MAX (out_hi[b], p->value);
      }
    for (guint b = 0; b < buckets; b++)
      {
        g_assert_cmpfloat (in_lo[b], ==, out_lo[b]);
        g_assert_cmpfloat (in_hi[b], ==, out_hi[b]);
      }
  }

  /* The output stays in day order. */
  for (guint i = 1; i < out->len; i++)
    g_assert_cmpint (g_array_index (out, TechoChartPoint, i - 1).day, <=,
                     g_array_index (out, TechoChartPoint, i).day);

  /* A range that holds nothing gives nothing; a sub-range only its points. */
  g_array_set_size (out, 0);
  techo_chart_downsample ((TechoChartPoint *) (gpointer) points->data, n, to + 10, to + 20, 10, out);
  g_assert_cmpuint (out->len, ==, 0);
  techo_chart_downsample ((TechoChartPoint *) (gpointer) points->data, n, from, from + 9, 100, out);
  g_assert_cmpuint (out->len, ==, 10);
}

static void
test_render_bands (void)
{
  g_autoptr(TechoChartModel) model = make_hba1c (17);
  cairo_surface_t *surface;
  cairo_t *cr;
  TechoChartStyle style;
  TechoChartFrame frame;
  TechoChartColor guidance_tint, doctor_tint;
  guint n_line, n_guidance, n_doctor;
  double y;

  techo_chart_style_init_default (&style);
  style.guidance_label = "Guidance";
  style.see_doctor_label = "See a doctor";
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 320);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  techo_chart_frame_compute (&frame, model, &style, DAY0, DAY0 + 16 * 365, 640, 320);
  techo_chart_render (cr, model, &frame, &style, -1);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  /* The band tints are the band colours at 16 % over white. */
  guidance_tint = (TechoChartColor) { 1 - 0.16 * (1 - style.guidance.red),
                                      1 - 0.16 * (1 - style.guidance.green),
                                      1 - 0.16 * (1 - style.guidance.blue), 1 };
  doctor_tint = (TechoChartColor) { 1 - 0.16 * (1 - style.see_doctor.red),
                                    1 - 0.16 * (1 - style.see_doctor.green),
                                    1 - 0.16 * (1 - style.see_doctor.blue), 1 };
  n_guidance = count_hue (surface, &guidance_tint);
  n_doctor = count_hue (surface, &doctor_tint);
  n_line = count_hue (surface, &style.line);
  g_assert_cmpuint (n_guidance, >, 1000);
  g_assert_cmpuint (n_doctor, >, 1000);
  g_assert_cmpuint (n_line, >, 200);

  /* The pixel in the middle of each band, away from the line, has the band's tint. */
  y = (techo_chart_frame_y (&frame, 5.6) + techo_chart_frame_y (&frame, 6.5)) / 2;
  g_assert_true (pixel_near (surface, (int) frame.x + 3, (int) y, &guidance_tint, 0.06));
  y = (techo_chart_frame_y (&frame, 6.5) + frame.y) / 2;
  g_assert_true (pixel_near (surface, (int) frame.x + 3, (int) y, &doctor_tint, 0.06));
  /* Below the guidance threshold: plain background. */
  y = techo_chart_frame_y (&frame, 5.3);
  g_assert_true (pixel_near (surface, (int) (frame.x + frame.width) - 3, (int) y,
                             &(TechoChartColor) { 1, 1, 1, 1 }, 0.02));

  if (g_getenv ("TECHO_BUILD_ROOT") != NULL)
    {
      g_autofree char *dir = g_build_filename (g_getenv ("TECHO_BUILD_ROOT"), "meson-logs",
                                               "screenshots", NULL);
      g_autofree char *path = g_build_filename (dir, "chart-hba1c.png", NULL);

      g_mkdir_with_parents (dir, 0700);
      g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
    }
  cairo_surface_destroy (surface);
}

static void
test_render_lower_is_worse (void)
{
  g_autoptr(TechoChartModel) model = techo_chart_model_new ("egfr", "eGFR", "mL/min/1.73m2", 1);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 400, 240);
  cairo_t *cr = cairo_create (surface);
  TechoChartStyle style;
  TechoChartFrame frame;
  TechoChartColor doctor_tint;

  for (int i = 0; i < 6; i++)
    techo_chart_model_add_point (model, DAY0 + i * 365, 70 - 5 * i);
  techo_chart_model_set_thresholds (model, 60, 45, TRUE);
  techo_chart_style_init_default (&style);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  techo_chart_frame_compute (&frame, model, &style, DAY0, DAY0 + 5 * 365, 400, 240);
  g_assert_cmpfloat (frame.y_min, <=, 45);
  techo_chart_render (cr, model, &frame, &style, 2);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  doctor_tint = (TechoChartColor) { 1 - 0.16 * (1 - style.see_doctor.red),
                                    1 - 0.16 * (1 - style.see_doctor.green),
                                    1 - 0.16 * (1 - style.see_doctor.blue), 1 };
  /* The see-a-doctor band sits at the bottom for eGFR. */
  g_assert_true (pixel_near (surface, (int) frame.x + 3,
                             (int) (frame.y + frame.height) - 3, &doctor_tint, 0.06));
  g_assert_cmpuint (count_hue (surface, &(TechoChartColor) { 0.21, 0.52, 0.89, 1 }), >, 50);
  cairo_surface_destroy (surface);
}

static void
test_hit_test (void)
{
  g_autoptr(TechoChartModel) model = make_hba1c (10);
  TechoChartStyle style;
  TechoChartFrame frame;
  const TechoChartPoint *points;
  double x, y;

  techo_chart_style_init_default (&style);
  techo_chart_frame_compute (&frame, model, &style, DAY0, DAY0 + 9 * 365, 600, 300);
  points = techo_chart_model_get_points (model, NULL);
  x = techo_chart_frame_x (&frame, points[4].day);
  y = techo_chart_frame_y (&frame, points[4].value);
  g_assert_cmpint (techo_chart_hit_test (model, &frame, x + 3, y - 2, 12), ==, 4);
  g_assert_cmpint (techo_chart_hit_test (model, &frame, x, y + 80, 12), ==, -1);
}

static double
time_render (TechoChartModel *model,
             guint            repeats)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 800, 400);
  TechoChartStyle style;
  TechoChartFrame frame;
  const TechoChartPoint *points;
  guint n;
  gint64 start;

  techo_chart_style_init_default (&style);
  points = techo_chart_model_get_points (model, &n);
  techo_chart_frame_compute (&frame, model, &style, points[0].day, points[n - 1].day, 800, 400);
  start = g_get_monotonic_time ();
  for (guint i = 0; i < repeats; i++)
    {
      cairo_t *cr = cairo_create (surface);

      techo_chart_render (cr, model, &frame, &style, -1);
      cairo_destroy (cr);
    }
  cairo_surface_flush (surface);
  cairo_surface_destroy (surface);
  return (g_get_monotonic_time () - start) / (double) repeats;
}

static void
test_render_scaling (void)
{
  g_autoptr(TechoChartModel) small = techo_chart_model_new ("glucose", "Glucose", "mg/dL", 0);
  g_autoptr(TechoChartModel) large = techo_chart_model_new ("glucose", "Glucose", "mg/dL", 0);
  double t_small, t_large;

  for (guint i = 0; i < 1000; i++)
    techo_chart_model_add_point (small, DAY0 + i * 100, 90 + (i * 37 % 60));
  for (guint i = 0; i < 100000; i++)
    techo_chart_model_add_point (large, DAY0 + i, 90 + (i * 37 % 60));
  techo_chart_model_set_thresholds (small, 100, 126, FALSE);
  techo_chart_model_set_thresholds (large, 100, 126, FALSE);

  time_render (small, 3);
  time_render (large, 3);
  t_small = time_render (small, 20);
  t_large = time_render (large, 20);
  g_test_message ("render 1000 points: %.0f µs, 100000 points: %.0f µs, ratio %.2f",
                  t_small, t_large, t_large / t_small);
  /* The benchmark's target is 2; leave room for a busy test machine. */
  g_assert_cmpfloat (t_large / t_small, <, 4.0);
}

static cairo_surface_t *
render_labelled (TechoChartModel *model,
                 gboolean         labels,
                 TechoChartFrame *frame)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 260, 145);
  cairo_t *cr = cairo_create (surface);
  TechoChartStyle style;
  const TechoChartPoint *points;
  guint n = 0;

  techo_chart_style_init_default (&style);
  style.font_size = 7.5;
  style.guidance_label = labels ? "保健指導判定値" : NULL;
  style.see_doctor_label = labels ? "受診勧奨判定値" : NULL;
  points = techo_chart_model_get_points (model, &n);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  /* As the PDF report frames its charts: two months either side. */
  techo_chart_frame_compute (frame, model, &style, points[0].day - 60, points[n - 1].day + 60,
                             260, 145);
  techo_chart_render (cr, model, frame, &style, -1);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

/* A band's label never lies over a point: the latest (on the right, in
 * the see-a-doctor band near its top, where the label goes first) looks
 * the same with labels as without. */
static void
test_labels_clear_points (void)
{
  g_autoptr(TechoChartModel) model = techo_chart_model_new ("hba1c", "HbA1c", "%", 1);
  cairo_surface_t *plain, *labelled;
  TechoChartFrame frame;
  const TechoChartPoint *points;
  guint n = 0, differ = 0, label_pixels = 0;
  int px, py, stride;
  unsigned char *a, *b;

  techo_chart_model_add_point (model, DAY0, 5.9);
  techo_chart_model_add_point (model, DAY0 + 365, 6.2);
  techo_chart_model_add_point (model, DAY0 + 730, 6.6);
  techo_chart_model_set_thresholds (model, 5.6, 6.5, FALSE);
  plain = render_labelled (model, FALSE, &frame);
  labelled = render_labelled (model, TRUE, &frame);
  points = techo_chart_model_get_points (model, &n);
  stride = cairo_image_surface_get_stride (plain);
  a = cairo_image_surface_get_data (plain);
  b = cairo_image_surface_get_data (labelled);
  for (guint i = 0; i < n; i++)
    {
      px = (int) techo_chart_frame_x (&frame, points[i].day);
      py = (int) techo_chart_frame_y (&frame, points[i].value);
      for (int y = MAX (0, py - 9); y <= MIN (144, py + 9); y++)
        for (int x = MAX (0, px - 9); x <= MIN (259, px + 9); x++)
          differ += memcmp (a + y * stride + x * 4, b + y * stride + x * 4, 4) != 0;
    }
  g_assert_cmpuint (differ, ==, 0);
  /* … and the labels were drawn. */
  for (int y = 0; y < 145; y++)
    label_pixels += memcmp (a + y * stride, b + y * stride, 260 * 4) != 0;
  g_assert_cmpuint (label_pixels, >, 4);
  cairo_surface_destroy (plain);
  cairo_surface_destroy (labelled);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/model/sorting-and-range", test_model_sorting_and_range);
  g_test_add_func ("/chart/model/levels-and-trend", test_model_levels_and_trend);
  g_test_add_func ("/chart/downsample/keeps-extremes", test_downsample_keeps_extremes);
  g_test_add_func ("/chart/render/bands", test_render_bands);
  g_test_add_func ("/chart/render/lower-is-worse", test_render_lower_is_worse);
  g_test_add_func ("/chart/render/hit-test", test_hit_test);
  g_test_add_func ("/chart/render/scaling", test_render_scaling);
  g_test_add_func ("/chart/render/labels-clear-points", test_labels_clear_points);

  return g_test_run ();
}
