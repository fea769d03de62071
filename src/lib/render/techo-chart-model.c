/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-chart-model"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "techo-chart-model.h"

struct _TechoChartModel
{
  gatomicrefcount ref_count;
  char *key;
  char *title;
  char *unit;
  int decimals;
  GArray *points;      /* of TechoChartPoint */
  gboolean sorted;
  double guidance;
  double see_doctor;
  gboolean lower_is_worse;
};

static int
compare_points (gconstpointer a,
                gconstpointer b)
{
  const TechoChartPoint *pa = a;
  const TechoChartPoint *pb = b;

  return (pa->day > pb->day) - (pa->day < pb->day);
}

static void
ensure_sorted (TechoChartModel *model)
{
  if (model->sorted)
    return;
  /* g_array_sort is a merge sort in GLib 2.74: stable, so points of the
   * same day keep the order they were added in. */
  g_array_sort (model->points, compare_points);
  model->sorted = TRUE;
}

/* First index whose day is ≥ @day. */
static guint
lower_bound (const TechoChartPoint *points,
             guint                  n_points,
             gint64                 day)
{
  guint lo = 0, hi = n_points;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (points[mid].day < day)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

TechoChartModel *
techo_chart_model_new (const char *key,
                       const char *title,
                       const char *unit,
                       int         decimals)
{
  TechoChartModel *model = g_new0 (TechoChartModel, 1);

  g_atomic_ref_count_init (&model->ref_count);
  model->key = g_strdup (key);
  model->title = g_strdup (title);
  model->unit = g_strdup (unit);
  model->decimals = CLAMP (decimals, 0, 4);
  model->points = g_array_new (FALSE, FALSE, sizeof (TechoChartPoint));
  model->sorted = TRUE;
  model->guidance = NAN;
  model->see_doctor = NAN;
  return model;
}

TechoChartModel *
techo_chart_model_new_for_analyte (const TechoRecordSet *set,
                                   const TechoAnalyte   *analyte,
                                   const char           *title,
                                   const char           *unit)
{
  TechoChartModel *model;
  const TechoThreshold *threshold;
  g_autoptr(GArray) series = NULL;

  g_return_val_if_fail (set != NULL && analyte != NULL, NULL);

  model = techo_chart_model_new (analyte->key, title, unit, (int) analyte->decimals);
  threshold = techo_reference_threshold (analyte, techo_analysis_sex (set));
  if (threshold != NULL && threshold->direction != TECHO_THRESHOLD_NONE)
    {
      /* "below" is strict; the chart's bands include their edge, so move
       * the edge by less than any shown decimal. */
      double nudge = threshold->direction == TECHO_THRESHOLD_BELOW ? 1e-9 : 0;

      techo_chart_model_set_thresholds (model,
                                        threshold->has_guidance ? threshold->guidance - nudge : NAN,
                                        threshold->has_see_doctor ? threshold->see_doctor - nudge : NAN,
                                        threshold->direction != TECHO_THRESHOLD_AT_LEAST);
    }
  series = techo_analysis_series (set, analyte);
  for (guint i = 0; i < series->len; i++)
    {
      const TechoReading *reading = &g_array_index (series, TechoReading, i);
      int year = 0, month = 0, mday = 0;

      if (!reading->numeric
          || sscanf (reading->date, "%4d-%2d-%2d", &year, &month, &mday) != 3
          || !g_date_valid_dmy (mday, month, year))
        continue;
      {
        g_autoptr(GDate) date = g_date_new_dmy (mday, month, year);

        techo_chart_model_add_point (model, g_date_get_julian (date), reading->number);
      }
    }
  return model;
}

TechoChartModel *
techo_chart_model_ref (TechoChartModel *model)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_atomic_ref_count_inc (&model->ref_count);
  return model;
}

void
techo_chart_model_unref (TechoChartModel *model)
{
  g_return_if_fail (model != NULL);
  if (!g_atomic_ref_count_dec (&model->ref_count))
    return;
  g_free (model->key);
  g_free (model->title);
  g_free (model->unit);
  g_array_unref (model->points);
  g_free (model);
}

const char *
techo_chart_model_get_key (TechoChartModel *model)
{
  return model->key;
}

const char *
techo_chart_model_get_title (TechoChartModel *model)
{
  return model->title;
}

const char *
techo_chart_model_get_unit (TechoChartModel *model)
{
  return model->unit;
}

int
techo_chart_model_get_decimals (TechoChartModel *model)
{
  return model->decimals;
}

void
techo_chart_model_add_point (TechoChartModel *model,
                             gint64           day,
                             double           value)
{
  TechoChartPoint point = { day, value };

  g_return_if_fail (model != NULL);
  if (!isfinite (value))
    return;
  if (model->points->len > 0
      && g_array_index (model->points, TechoChartPoint, model->points->len - 1).day > day)
    model->sorted = FALSE;
  g_array_append_val (model->points, point);
}

gboolean
techo_chart_model_add_text (TechoChartModel *model,
                            const char      *iso_date,
                            const char      *value_text)
{
  int year = 0, month = 0, mday = 0;
  char *end = NULL;
  double value;

  if (iso_date == NULL || value_text == NULL)
    return FALSE;
  if (sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &mday) != 3
      || !g_date_valid_dmy (mday, month, year))
    return FALSE;
  value = g_ascii_strtod (value_text, &end);
  if (end == value_text || *end != '\0' || !isfinite (value))
    return FALSE;

  {
    g_autoptr(GDate) date = g_date_new_dmy (mday, month, year);

    techo_chart_model_add_point (model, g_date_get_julian (date), value);
  }
  return TRUE;
}

guint
techo_chart_model_get_n_points (TechoChartModel *model)
{
  return model->points->len;
}

const TechoChartPoint *
techo_chart_model_get_points (TechoChartModel *model,
                              guint           *n_points)
{
  ensure_sorted (model);
  if (n_points != NULL)
    *n_points = model->points->len;
  return (const TechoChartPoint *) (gpointer) model->points->data;
}

void
techo_chart_model_set_thresholds (TechoChartModel *model,
                                  double           guidance,
                                  double           see_doctor,
                                  gboolean         lower_is_worse)
{
  model->guidance = guidance;
  model->see_doctor = see_doctor;
  model->lower_is_worse = lower_is_worse;
}

double
techo_chart_model_get_guidance (TechoChartModel *model)
{
  return model->guidance;
}

double
techo_chart_model_get_see_doctor (TechoChartModel *model)
{
  return model->see_doctor;
}

gboolean
techo_chart_model_get_lower_is_worse (TechoChartModel *model)
{
  return model->lower_is_worse;
}

TechoChartLevel
techo_chart_model_level (TechoChartModel *model,
                         double           value)
{
  if (model->lower_is_worse)
    {
      if (isfinite (model->see_doctor) && value <= model->see_doctor)
        return TECHO_CHART_LEVEL_SEE_DOCTOR;
      if (isfinite (model->guidance) && value <= model->guidance)
        return TECHO_CHART_LEVEL_GUIDANCE;
    }
  else
    {
      if (isfinite (model->see_doctor) && value >= model->see_doctor)
        return TECHO_CHART_LEVEL_SEE_DOCTOR;
      if (isfinite (model->guidance) && value >= model->guidance)
        return TECHO_CHART_LEVEL_GUIDANCE;
    }
  return TECHO_CHART_LEVEL_NORMAL;
}

gboolean
techo_chart_model_find_range (TechoChartModel *model,
                              gint64           from_day,
                              gint64           to_day,
                              guint           *first,
                              guint           *last)
{
  const TechoChartPoint *points;
  guint n, lo, hi;

  points = techo_chart_model_get_points (model, &n);
  lo = lower_bound (points, n, from_day);
  hi = lower_bound (points, n, to_day + 1);
  if (lo >= hi)
    return FALSE;
  *first = lo;
  *last = hi - 1;
  return TRUE;
}

gboolean
techo_chart_model_value_range (TechoChartModel *model,
                               gint64           from_day,
                               gint64           to_day,
                               double          *min_value,
                               double          *max_value)
{
  const TechoChartPoint *points;
  guint first, last;
  double lo = INFINITY, hi = -INFINITY;

  if (!techo_chart_model_find_range (model, from_day, to_day, &first, &last))
    return FALSE;
  points = techo_chart_model_get_points (model, NULL);
  for (guint i = first; i <= last; i++)
    {
      lo = MIN (lo, points[i].value);
      hi = MAX (hi, points[i].value);
    }
  *min_value = lo;
  *max_value = hi;
  return TRUE;
}

TechoChartTrend
techo_chart_model_trend (TechoChartModel *model)
{
  const TechoChartPoint *points;
  guint n, k, start;
  double mean_x = 0, mean_y = 0, sxx = 0, sxy = 0, slope, change, scale;

  points = techo_chart_model_get_points (model, &n);
  if (n < 2)
    return TECHO_CHART_TREND_NONE;

  /* A least-squares line through the last five measurements, read as the
   * change it predicts over their span, compared with their level. */
  k = MIN (n, 5);
  start = n - k;
  for (guint i = start; i < n; i++)
    {
      mean_x += (double) (points[i].day - points[start].day);
      mean_y += points[i].value;
    }
  mean_x /= k;
  mean_y /= k;
  for (guint i = start; i < n; i++)
    {
      double dx = (double) (points[i].day - points[start].day) - mean_x;

      sxx += dx * dx;
      sxy += dx * (points[i].value - mean_y);
    }
  if (sxx <= 0)
    return TECHO_CHART_TREND_STEADY;
  slope = sxy / sxx;
  change = slope * (double) (points[n - 1].day - points[start].day);
  scale = MAX (fabs (mean_y), pow (10, -model->decimals));
  if (change > 0.03 * scale)
    return TECHO_CHART_TREND_RISING;
  if (change < -0.03 * scale)
    return TECHO_CHART_TREND_FALLING;
  return TECHO_CHART_TREND_STEADY;
}

void
techo_chart_downsample (const TechoChartPoint *points,
                        guint                  n_points,
                        gint64                 from_day,
                        gint64                 to_day,
                        guint                  n_buckets,
                        GArray                *out)
{
  guint i, end;
  double span;

  g_return_if_fail (out != NULL);
  if (n_points == 0 || to_day < from_day)
    return;
  n_buckets = MAX (n_buckets, 1);
  span = (double) (to_day - from_day + 1);

  i = lower_bound (points, n_points, from_day);
  end = lower_bound (points, n_points, to_day + 1);

  while (i < end)
    {
      guint bucket = (guint) ((double) (points[i].day - from_day) * n_buckets / span);
      guint first = i, lowest = i, highest = i, last = i;
      guint picks[4];
      guint n_picks = 0;

      for (i = first + 1; i < end; i++)
        {
          guint b = (guint) ((double) (points[i].day - from_day) * n_buckets / span);

          if (b != bucket)
            break;
          if (points[i].value < points[lowest].value)
            lowest = i;
          if (points[i].value > points[highest].value)
            highest = i;
          last = i;
        }

      /* The four picks in day order, each once. */
      picks[n_picks++] = first;
      if (lowest != first)
        picks[n_picks++] = lowest;
      if (highest != first && highest != lowest)
        picks[n_picks++] = highest;
      if (n_picks == 3 && picks[1] > picks[2])
        {
          guint t = picks[1];
          picks[1] = picks[2];
          picks[2] = t;
        }
      if (last != first && last != lowest && last != highest)
        picks[n_picks++] = last;
      for (guint p = 0; p < n_picks; p++)
        g_array_append_val (out, points[picks[p]]);
    }
}
