/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-chart-render.h: draws a trend chart on any cairo_t. The app's
 * chart widget calls it through gtk_snapshot_append_cairo; the doctor's PDF
 * report calls it on a PDF surface. Colours and words come from the caller
 * (the widget takes them from the theme and from gettext). */

#pragma once

#include <cairo.h>
#include <glib.h>

#include "techo-chart-model.h"

G_BEGIN_DECLS

typedef struct
{
  double red, green, blue, alpha;
} TechoChartColor;

typedef struct
{
  TechoChartColor foreground;  /* axis labels and text */
  TechoChartColor grid;
  TechoChartColor line;        /* the series */
  TechoChartColor guidance;    /* band and points in the guidance zone */
  TechoChartColor see_doctor;  /* band and points in the see-a-doctor zone */
  TechoChartColor focus;       /* the focus ring */
  const char *font_family;
  double font_size;            /* in user units */
  const char *guidance_label;  /* e.g. 保健指導判定値, drawn at the band's edge */
  const char *see_doctor_label;
  gboolean show_axes;          /* FALSE for sparklines */
} TechoChartStyle;

/* Light-theme colours and a CJK-capable font; the caller overrides what
 * its theme says. */
void     techo_chart_style_init_default (TechoChartStyle *style);

/* Where the plot sits and which days and values it shows. */
typedef struct
{
  double x, y, width, height;  /* the plot area inside the margins */
  gint64 from_day, to_day;
  double y_min, y_max;
} TechoChartFrame;

/* Lays out a chart of @width × @height for the days [from_day, to_day]:
 * the value range covers the points in range and the threshold lines, with
 * some air. Axes take margins when @style->show_axes. */
void     techo_chart_frame_compute      (TechoChartFrame       *frame,
                                         TechoChartModel       *model,
                                         const TechoChartStyle *style,
                                         gint64                 from_day,
                                         gint64                 to_day,
                                         double                 width,
                                         double                 height);
double   techo_chart_frame_x            (const TechoChartFrame *frame,
                                         gint64                 day);
double   techo_chart_frame_y            (const TechoChartFrame *frame,
                                         double                 value);

/* Draws bands, grid, axes, the line and the points; the point at
 * @focus_index (an index into the model's sorted points, or -1) gets a
 * focus ring. Dots are drawn only while they stay apart; beyond that the
 * line is drawn from min/max-per-pixel downsampling. */
void     techo_chart_render             (cairo_t               *cr,
                                         TechoChartModel       *model,
                                         const TechoChartFrame *frame,
                                         const TechoChartStyle *style,
                                         int                    focus_index);

/* The index of the point nearest to (@x, @y) within @max_distance user
 * units, or -1. */
int      techo_chart_hit_test           (TechoChartModel       *model,
                                         const TechoChartFrame *frame,
                                         double                 x,
                                         double                 y,
                                         double                 max_distance);

G_END_DECLS
