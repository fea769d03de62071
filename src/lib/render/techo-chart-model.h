/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-chart-model.h: the data behind one trend chart, kept apart from the
 * drawing: dated values of one analyte, its thresholds as bands, and the
 * min/max-per-bucket downsampling that lets 100,000 points draw as fast as
 * a thousand. No GTK, no cairo. techo_chart_model_new_for_analyte builds
 * an analyte's chart from the analysis' series: the Trends page, the
 * visit window and the report all draw that one. */

#pragma once

#include <glib.h>

#include "techo-records.h"
#include "techo-reference.h"

G_BEGIN_DECLS

/* One measurement. @day is a Julian day number (g_date_get_julian), so one
 * unit is one day and dates compare as integers. */
typedef struct
{
  gint64 day;
  double value;
} TechoChartPoint;

typedef enum
{
  TECHO_CHART_LEVEL_NORMAL,
  TECHO_CHART_LEVEL_GUIDANCE,
  TECHO_CHART_LEVEL_SEE_DOCTOR,
} TechoChartLevel;

typedef enum
{
  TECHO_CHART_TREND_NONE,   /* fewer than two points */
  TECHO_CHART_TREND_STEADY,
  TECHO_CHART_TREND_RISING,
  TECHO_CHART_TREND_FALLING,
} TechoChartTrend;

typedef struct _TechoChartModel TechoChartModel;

TechoChartModel *techo_chart_model_new            (const char      *key,
                                                   const char      *title,
                                                   const char      *unit,
                                                   int              decimals);
/* The chart of @analyte for @set's person: the numeric readings of
 * techo_analysis_series and the thresholds for the person's sex as bands.
 * @title and @unit are as the caller shows them (translated or official
 * Japanese). */
TechoChartModel *techo_chart_model_new_for_analyte (const TechoRecordSet *set,
                                                    const TechoAnalyte   *analyte,
                                                    const char           *title,
                                                    const char           *unit);
TechoChartModel *techo_chart_model_ref            (TechoChartModel *model);
void             techo_chart_model_unref          (TechoChartModel *model);

const char      *techo_chart_model_get_key        (TechoChartModel *model);
const char      *techo_chart_model_get_title      (TechoChartModel *model);
const char      *techo_chart_model_get_unit       (TechoChartModel *model);
int              techo_chart_model_get_decimals   (TechoChartModel *model);

void             techo_chart_model_add_point      (TechoChartModel *model,
                                                   gint64           day,
                                                   double           value);
/* Parses an ISO date (YYYY-MM-DD) and a decimal text; FALSE when either
 * does not parse (nothing is added then). */
gboolean         techo_chart_model_add_text       (TechoChartModel *model,
                                                   const char      *iso_date,
                                                   const char      *value_text);
guint            techo_chart_model_get_n_points   (TechoChartModel *model);
/* Points sorted by day (sorted lazily on first access after adds). */
const TechoChartPoint *techo_chart_model_get_points (TechoChartModel *model,
                                                     guint           *n_points);

/* Thresholds as the reference gives them; NAN when the analyte has none.
 * @lower_is_worse: TRUE for analytes such as HDL or eGFR, where a value at
 * or below the threshold is the concern. */
void             techo_chart_model_set_thresholds (TechoChartModel *model,
                                                   double           guidance,
                                                   double           see_doctor,
                                                   gboolean         lower_is_worse);
double           techo_chart_model_get_guidance   (TechoChartModel *model);
double           techo_chart_model_get_see_doctor (TechoChartModel *model);
gboolean         techo_chart_model_get_lower_is_worse (TechoChartModel *model);
/* Which band @value falls in (for colouring points; the words shown to a
 * person come from techo_reference_classify). */
TechoChartLevel  techo_chart_model_level          (TechoChartModel *model,
                                                   double           value);

/* Index range [*first, *last] of the points with from_day ≤ day ≤ to_day;
 * FALSE when none. */
gboolean         techo_chart_model_find_range     (TechoChartModel *model,
                                                   gint64           from_day,
                                                   gint64           to_day,
                                                   guint           *first,
                                                   guint           *last);
/* Value range of points in [from_day, to_day]; FALSE when none. */
gboolean         techo_chart_model_value_range    (TechoChartModel *model,
                                                   gint64           from_day,
                                                   gint64           to_day,
                                                   double          *min_value,
                                                   double          *max_value);
/* Direction of the last few measurements. */
TechoChartTrend  techo_chart_model_trend          (TechoChartModel *model);

/* Appends to @out (of TechoChartPoint) at most four points per bucket of
 * the day range split into @n_buckets: the first, the lowest, the highest
 * and the last point of the bucket, in day order. Lines drawn through them
 * look the same as through every point at one bucket per pixel column. */
void             techo_chart_downsample           (const TechoChartPoint *points,
                                                   guint                  n_points,
                                                   gint64                 from_day,
                                                   gint64                 to_day,
                                                   guint                  n_buckets,
                                                   GArray                *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoChartModel, techo_chart_model_unref)

G_END_DECLS
