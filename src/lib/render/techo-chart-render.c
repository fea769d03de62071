/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-chart-render"

#include "config.h"

#include <math.h>

#include "techo-chart-render.h"

#define AXIS_LEFT_EM   3.6
#define AXIS_BOTTOM_EM 1.8
#define MARGIN         6.0
#define DOT_RADIUS     3.5
#define DOT_SPACING    7.0

static void
set_color (cairo_t               *cr,
           const TechoChartColor *color,
           double                 alpha_scale)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue,
                         color->alpha * alpha_scale);
}

/* A step of 1, 2 or 5 × 10^k giving about @n_ticks ticks over @span. */
static double
nice_step (double span,
           int    n_ticks)
{
  double raw, magnitude, fraction;

  if (span <= 0 || n_ticks < 1)
    return 1;
  raw = span / n_ticks;
  magnitude = pow (10, floor (log10 (raw)));
  fraction = raw / magnitude;
  if (fraction < 1.5)
    return magnitude;
  if (fraction < 3.5)
    return 2 * magnitude;
  if (fraction < 7.5)
    return 5 * magnitude;
  return 10 * magnitude;
}

static int
decimals_for_step (double step)
{
  int d = 0;

  while (d < 4 && fabs (step * pow (10, d) - round (step * pow (10, d))) > 1e-6)
    d++;
  return d;
}

static gint64
julian_for_year (int year)
{
  g_autoptr(GDate) date = NULL;

  year = CLAMP (year, 1, 9999);
  date = g_date_new_dmy (1, G_DATE_JANUARY, year);
  return g_date_get_julian (date);
}

static int
year_of_julian (gint64 day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) CLAMP (day, 1, G_MAXUINT32));
  return g_date_get_year (&date);
}

static void
draw_text (cairo_t    *cr,
           const char *text,
           double      x,
           double      y,
           double      x_align,
           double      y_align)
{
  cairo_text_extents_t extents;

  cairo_text_extents (cr, text, &extents);
  cairo_move_to (cr,
                 x - extents.x_advance * x_align,
                 y - extents.y_bearing - extents.height * y_align);
  cairo_show_text (cr, text);
}

/* Whether a point of @model lies within @margin of the rectangle. */
static gboolean
covers_a_point (TechoChartModel       *model,
                const TechoChartFrame *frame,
                double                 x,
                double                 y,
                double                 width,
                double                 height,
                double                 margin)
{
  guint n_points = 0;
  const TechoChartPoint *points = techo_chart_model_get_points (model, &n_points);

  for (guint i = 0; i < n_points; i++)
    {
      double px = techo_chart_frame_x (frame, points[i].day);
      double py = techo_chart_frame_y (frame, points[i].value);

      if (px >= x - margin && px <= x + width + margin
          && py >= y - margin && py <= y + height + margin)
        return TRUE;
    }
  return FALSE;
}

/* The band's label goes at its outer edge, on the right; where a point
 * (the latest, as a rule, sits on the right) would lie under it, on the
 * left, then at the band's threshold edge, so that no label hides a point. */
static void
draw_band_label (cairo_t                *cr,
                 TechoChartModel        *model,
                 const TechoChartFrame  *frame,
                 const TechoChartStyle  *style,
                 const char             *label,
                 double                  top,
                 double                  bottom,
                 gboolean                label_at_top)
{
  cairo_text_extents_t extents;
  double width, height, margin = DOT_RADIUS * 2.4 + 1;
  double outer = label_at_top ? top + 3 : bottom - 3 - style->font_size;
  double inner = label_at_top ? bottom - 3 - style->font_size : top + 3;
  const double ys[] = { outer, outer, inner, inner };
  double xs[4];
  guint i;

  cairo_text_extents (cr, label, &extents);
  width = extents.x_advance;
  height = style->font_size;
  xs[0] = xs[2] = frame->x + frame->width - 4 - width;
  xs[1] = xs[3] = frame->x + 4;
  for (i = 0; i < G_N_ELEMENTS (xs); i++)
    if ((i < 2 || bottom - top > 2 * style->font_size + 6)
        && !covers_a_point (model, frame, xs[i], ys[i], width, height, margin))
      break;
  if (i == G_N_ELEMENTS (xs))
    i = 0;   /* points everywhere: the usual place */
  draw_text (cr, label, xs[i], ys[i], 0.0, 0.0);
}

static void
draw_band (cairo_t                *cr,
           TechoChartModel        *model,
           const TechoChartFrame  *frame,
           const TechoChartStyle  *style,
           const TechoChartColor  *color,
           double                  from_value,
           double                  to_value,
           const char             *label,
           gboolean                label_at_top)
{
  double y0, y1, top, bottom;

  y0 = techo_chart_frame_y (frame, from_value);
  y1 = techo_chart_frame_y (frame, to_value);
  top = CLAMP (MIN (y0, y1), frame->y, frame->y + frame->height);
  bottom = CLAMP (MAX (y0, y1), frame->y, frame->y + frame->height);
  if (bottom - top < 0.5)
    return;

  set_color (cr, color, 0.16);
  cairo_rectangle (cr, frame->x, top, frame->width, bottom - top);
  cairo_fill (cr);

  /* The threshold edge as a thin dashed line in the band's colour. */
  set_color (cr, color, 0.8);
  cairo_set_line_width (cr, 1.0);
  cairo_set_dash (cr, (double[]) { 4, 3 }, 2, 0);
  cairo_move_to (cr, frame->x, label_at_top ? bottom : top);
  cairo_line_to (cr, frame->x + frame->width, label_at_top ? bottom : top);
  cairo_stroke (cr);
  cairo_set_dash (cr, NULL, 0, 0);

  if (label != NULL && style->show_axes && bottom - top > style->font_size * 1.2)
    {
      set_color (cr, color, 1.0);
      draw_band_label (cr, model, frame, style, label, top, bottom, label_at_top);
    }
}

static void
draw_bands (cairo_t               *cr,
            TechoChartModel       *model,
            const TechoChartFrame *frame,
            const TechoChartStyle *style)
{
  double guidance = techo_chart_model_get_guidance (model);
  double see_doctor = techo_chart_model_get_see_doctor (model);

  if (!techo_chart_model_get_lower_is_worse (model))
    {
      double guidance_top = isfinite (see_doctor) ? see_doctor : frame->y_max;

      if (isfinite (guidance))
        draw_band (cr, model, frame, style, &style->guidance, guidance, guidance_top,
                   style->guidance_label, !isfinite (see_doctor));
      if (isfinite (see_doctor))
        draw_band (cr, model, frame, style, &style->see_doctor, see_doctor, frame->y_max,
                   style->see_doctor_label, TRUE);
    }
  else
    {
      double guidance_bottom = isfinite (see_doctor) ? see_doctor : frame->y_min;

      if (isfinite (guidance))
        draw_band (cr, model, frame, style, &style->guidance, guidance_bottom, guidance,
                   style->guidance_label, FALSE);
      if (isfinite (see_doctor))
        draw_band (cr, model, frame, style, &style->see_doctor, frame->y_min, see_doctor,
                   style->see_doctor_label, FALSE);
    }
}

static void
draw_axes (cairo_t               *cr,
           TechoChartModel       *model,
           const TechoChartFrame *frame,
           const TechoChartStyle *style)
{
  double step, value;
  int decimals, first_year, last_year, year_step;

  cairo_set_line_width (cr, 1.0);

  /* Horizontal grid lines with value labels on the left. */
  step = nice_step (frame->y_max - frame->y_min, MAX (2, (int) (frame->height / 48)));
  decimals = decimals_for_step (step);
  for (value = ceil (frame->y_min / step) * step;
       value <= frame->y_max + step * 1e-6;
       value += step)
    {
      double y = round (techo_chart_frame_y (frame, value)) + 0.5;
      char text[32];

      set_color (cr, &style->grid, 1.0);
      cairo_move_to (cr, frame->x, y);
      cairo_line_to (cr, frame->x + frame->width, y);
      cairo_stroke (cr);

      g_snprintf (text, sizeof text, "%.*f", decimals, value);
      set_color (cr, &style->foreground, 0.75);
      draw_text (cr, text, frame->x - 6, y, 1.0, 0.5);
    }

  /* Year ticks along the bottom. */
  first_year = year_of_julian (frame->from_day);
  last_year = year_of_julian (frame->to_day);
  year_step = (int) MAX (1, nice_step (last_year - first_year + 1,
                                       MAX (2, (int) (frame->width / 90))));
  for (int year = first_year + 1; year <= last_year; year++)
    {
      double x;
      char text[16];

      if (year % year_step != 0)
        continue;
      x = round (techo_chart_frame_x (frame, julian_for_year (year))) + 0.5;
      set_color (cr, &style->grid, 1.0);
      cairo_move_to (cr, x, frame->y);
      cairo_line_to (cr, x, frame->y + frame->height);
      cairo_stroke (cr);

      g_snprintf (text, sizeof text, "%d", year);
      set_color (cr, &style->foreground, 0.75);
      draw_text (cr, text, x, frame->y + frame->height + 4, 0.5, 0.0);
    }

  set_color (cr, &style->foreground, 0.4);
  cairo_move_to (cr, frame->x, frame->y + frame->height + 0.5);
  cairo_line_to (cr, frame->x + frame->width, frame->y + frame->height + 0.5);
  cairo_stroke (cr);

  if (techo_chart_model_get_unit (model) != NULL)
    {
      set_color (cr, &style->foreground, 0.75);
      draw_text (cr, techo_chart_model_get_unit (model), frame->x, frame->y - 2, 0.0, 1.0);
    }
}

static const TechoChartColor *
color_for_level (const TechoChartStyle *style,
                 TechoChartLevel        level)
{
  switch (level)
    {
    case TECHO_CHART_LEVEL_SEE_DOCTOR:
      return &style->see_doctor;
    case TECHO_CHART_LEVEL_GUIDANCE:
      return &style->guidance;
    case TECHO_CHART_LEVEL_NORMAL:
    default:
      return &style->line;
    }
}

/* Fills the band between each pixel column's lowest and highest value,
 * at least 2 × @half_width tall so a flat stretch still shows as a line.
 * @sampled holds up to four points per column, in day order. */
static void
draw_envelope (cairo_t               *cr,
               const TechoChartFrame *frame,
               const TechoChartPoint *sampled,
               guint                  n_sampled,
               double                 half_width)
{
  g_autoptr(GArray) columns = g_array_new (FALSE, FALSE, sizeof (double) * 3);
  guint i = 0;

  /* One (x, top, bottom) triple per column. */
  while (i < n_sampled)
    {
      double x = floor (techo_chart_frame_x (frame, sampled[i].day)) + 0.5;
      double top = techo_chart_frame_y (frame, sampled[i].value);
      double bottom = top;
      double column[3];

      for (i++; i < n_sampled; i++)
        {
          double y;

          if (floor (techo_chart_frame_x (frame, sampled[i].day)) + 0.5 != x)
            break;
          y = techo_chart_frame_y (frame, sampled[i].value);
          top = MIN (top, y);
          bottom = MAX (bottom, y);
        }
      column[0] = x;
      column[1] = top - half_width;
      column[2] = bottom + half_width;
      g_array_append_val (columns, column);
    }
  if (columns->len == 0)
    return;

  for (guint c = 0; c < columns->len; c++)
    {
      const double *column = (const double *) (gpointer) columns->data + 3 * c;

      if (c == 0)
        cairo_move_to (cr, column[0] - 0.5, column[1]);
      cairo_line_to (cr, column[0], column[1]);
    }
  for (guint c = columns->len; c-- > 0;)
    {
      const double *column = (const double *) (gpointer) columns->data + 3 * c;

      cairo_line_to (cr, column[0] + (c == columns->len - 1 ? 0.5 : 0), column[2]);
    }
  cairo_close_path (cr);
  cairo_fill (cr);
}

void
techo_chart_style_init_default (TechoChartStyle *style)
{
  *style = (TechoChartStyle) {
    .foreground = { 0.14, 0.14, 0.16, 1.0 },
    .grid = { 0.0, 0.0, 0.0, 0.08 },
    .line = { 0.21, 0.52, 0.89, 1.0 },        /* libadwaita blue_3 */
    .guidance = { 0.90, 0.65, 0.04, 1.0 },    /* yellow_4 */
    .see_doctor = { 0.88, 0.11, 0.14, 1.0 },  /* red_3 */
    .focus = { 0.21, 0.52, 0.89, 0.6 },
    .font_family = "Noto Sans CJK JP",
    .font_size = 11.0,
    .guidance_label = NULL,
    .see_doctor_label = NULL,
    .show_axes = TRUE,
  };
}

void
techo_chart_frame_compute (TechoChartFrame       *frame,
                           TechoChartModel       *model,
                           const TechoChartStyle *style,
                           gint64                 from_day,
                           gint64                 to_day,
                           double                 width,
                           double                 height)
{
  double lo, hi, guidance, see_doctor, pad;
  double left = MARGIN, bottom = MARGIN, top = MARGIN, right = MARGIN;

  if (style->show_axes)
    {
      left = style->font_size * AXIS_LEFT_EM;
      bottom = style->font_size * AXIS_BOTTOM_EM;
      top = style->font_size * 1.6;
      right = MARGIN * 2;
    }
  else
    {
      left = right = top = bottom = DOT_RADIUS + 1;
    }

  if (to_day <= from_day)
    to_day = from_day + 1;
  frame->from_day = from_day;
  frame->to_day = to_day;
  frame->x = left;
  frame->y = top;
  frame->width = MAX (1, width - left - right);
  frame->height = MAX (1, height - top - bottom);

  if (!techo_chart_model_value_range (model, from_day, to_day, &lo, &hi))
    {
      lo = 0;
      hi = 1;
    }
  /* Keep the threshold lines in view when the values come near them, so a
   * reader sees how close they are. */
  guidance = techo_chart_model_get_guidance (model);
  see_doctor = techo_chart_model_get_see_doctor (model);
  if (isfinite (guidance))
    {
      lo = MIN (lo, guidance);
      hi = MAX (hi, guidance);
    }
  if (isfinite (see_doctor) && style->show_axes)
    {
      double span = hi - lo;

      if (see_doctor <= hi + span * 0.5 && see_doctor >= lo - span * 0.5)
        {
          lo = MIN (lo, see_doctor);
          hi = MAX (hi, see_doctor);
        }
    }
  pad = (hi - lo) * 0.12;
  if (pad <= 0)
    pad = MAX (fabs (hi) * 0.1, 1);
  frame->y_min = lo - pad;
  frame->y_max = hi + pad;
  if (lo >= 0 && frame->y_min < 0)
    frame->y_min = 0;
}

double
techo_chart_frame_x (const TechoChartFrame *frame,
                     gint64                 day)
{
  return frame->x + frame->width * (double) (day - frame->from_day)
                    / (double) (frame->to_day - frame->from_day);
}

double
techo_chart_frame_y (const TechoChartFrame *frame,
                     double                 value)
{
  return frame->y + frame->height * (frame->y_max - value) / (frame->y_max - frame->y_min);
}

void
techo_chart_render (cairo_t               *cr,
                    TechoChartModel       *model,
                    const TechoChartFrame *frame,
                    const TechoChartStyle *style,
                    int                    focus_index)
{
  const TechoChartPoint *points;
  guint n_points, first, last, n_visible;
  g_autoptr(GArray) sampled = NULL;
  gboolean draw_dots, dense;

  g_return_if_fail (cr != NULL && model != NULL && frame != NULL && style != NULL);

  cairo_save (cr);
  cairo_select_font_face (cr, style->font_family != NULL ? style->font_family : "sans-serif",
                          CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, style->font_size);

  draw_bands (cr, model, frame, style);
  if (style->show_axes)
    draw_axes (cr, model, frame, style);

  points = techo_chart_model_get_points (model, &n_points);
  if (!techo_chart_model_find_range (model, frame->from_day, frame->to_day, &first, &last))
    {
      cairo_restore (cr);
      return;
    }
  n_visible = last - first + 1;

  /* More points than pixel columns: the line would only scribble over
   * itself. Keep each column's lowest and highest value (the same
   * min/max-per-bucket rule as techo_chart_downsample) and fill the
   * envelope between them, which looks the same as the scribble and costs
   * one polygon of 2 × width vertices however long the series. */
  dense = n_visible > frame->width;
  if (dense)
    {
      sampled = g_array_sized_new (FALSE, FALSE, sizeof (TechoChartPoint),
                                   (guint) frame->width * 4);
      techo_chart_downsample (points, n_points, frame->from_day, frame->to_day,
                              (guint) MAX (1, frame->width), sampled);
    }
  draw_dots = n_visible * DOT_SPACING <= frame->width;

  cairo_rectangle (cr, frame->x - DOT_RADIUS * 2, frame->y - DOT_RADIUS * 2,
                   frame->width + DOT_RADIUS * 4, frame->height + DOT_RADIUS * 4);
  cairo_clip (cr);

  set_color (cr, &style->line, 1.0);
  if (dense)
    draw_envelope (cr, frame, (const TechoChartPoint *) (gpointer) sampled->data,
                   sampled->len, style->show_axes ? 1.0 : 0.75);
  else
    {
      cairo_set_line_width (cr, style->show_axes ? 2.0 : 1.5);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint i = first; i <= last; i++)
        {
          double x = techo_chart_frame_x (frame, points[i].day);
          double y = techo_chart_frame_y (frame, points[i].value);

          if (i == first)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      if (n_visible == 1)
        cairo_rel_line_to (cr, 0.01, 0);
      cairo_stroke (cr);
    }

  if (draw_dots)
    {
      for (guint i = first; i <= last; i++)
        {
          double x = techo_chart_frame_x (frame, points[i].day);
          double y = techo_chart_frame_y (frame, points[i].value);
          double radius = i == last ? DOT_RADIUS * 1.6 : DOT_RADIUS;

          set_color (cr, color_for_level (style, techo_chart_model_level (model, points[i].value)),
                     1.0);
          cairo_arc (cr, x, y, radius, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  else
    {
      /* Still mark the latest value: it is what a reader looks for. */
      double x = techo_chart_frame_x (frame, points[last].day);
      double y = techo_chart_frame_y (frame, points[last].value);

      set_color (cr, color_for_level (style, techo_chart_model_level (model, points[last].value)),
                 1.0);
      cairo_arc (cr, x, y, DOT_RADIUS * 1.4, 0, 2 * G_PI);
      cairo_fill (cr);
    }

  if (focus_index >= 0 && (guint) focus_index < n_points)
    {
      double x = techo_chart_frame_x (frame, points[focus_index].day);
      double y = techo_chart_frame_y (frame, points[focus_index].value);

      set_color (cr, &style->focus, 1.0);
      cairo_set_line_width (cr, 2.5);
      cairo_arc (cr, x, y, DOT_RADIUS * 2.4, 0, 2 * G_PI);
      cairo_stroke (cr);
    }

  cairo_restore (cr);
}

int
techo_chart_hit_test (TechoChartModel       *model,
                      const TechoChartFrame *frame,
                      double                 x,
                      double                 y,
                      double                 max_distance)
{
  const TechoChartPoint *points;
  guint first, last;
  double days_per_unit, best = max_distance * max_distance;
  gint64 from, to;
  int found = -1;

  days_per_unit = (double) (frame->to_day - frame->from_day) / frame->width;
  from = frame->from_day + (gint64) floor ((x - frame->x - max_distance) * days_per_unit);
  to = frame->from_day + (gint64) ceil ((x - frame->x + max_distance) * days_per_unit);
  from = MAX (from, frame->from_day);
  to = MIN (to, frame->to_day);
  if (!techo_chart_model_find_range (model, from, to, &first, &last))
    return -1;

  points = techo_chart_model_get_points (model, NULL);
  for (guint i = first; i <= last; i++)
    {
      double dx = techo_chart_frame_x (frame, points[i].day) - x;
      double dy = techo_chart_frame_y (frame, points[i].value) - y;
      double d = dx * dx + dy * dy;

      if (d <= best)
        {
          best = d;
          found = (int) i;
        }
    }
  return found;
}
