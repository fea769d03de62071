/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-medicine-timeline"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-format.h"
#include "techo-medicine-timeline.h"

#define MONTHS        12
#define MAX_LANES     12
#define LANE_HEIGHT   26.0
#define LABEL_WIDTH   150.0
#define AXIS_HEIGHT   20.0

typedef struct
{
  int start;      /* days from the window's first day */
  int end;
  guint prescriber;
  gboolean flagged;
} Bar;

typedef struct
{
  char *label;
  GArray *bars;   /* of Bar */
} Lane;

struct _TechoMedicineTimeline
{
  GtkWidget parent_instance;

  GPtrArray *lanes;        /* of Lane */
  char *first_day;         /* YYYY-MM-DD */
  int span_days;
  int today_offset;        /* days from first_day to today */
  guint n_bars;
  GdkRGBA fg, warning;
};

G_DEFINE_FINAL_TYPE (TechoMedicineTimeline, techo_medicine_timeline, GTK_TYPE_WIDGET)

/* Prescribers told apart by hue; the warning colour is kept for overlaps. */
static const GdkRGBA palette[] = {
  { 0.21, 0.52, 0.89, 1 }, { 0.18, 0.76, 0.49, 1 }, { 0.57, 0.25, 0.67, 1 },
  { 0.10, 0.63, 0.70, 1 }, { 0.39, 0.27, 0.18, 1 }, { 0.75, 0.38, 0.64, 1 },
};

/* Month labels on the axis, by the program's language (the system may
 * lack the locale for dates). */
static const char * const month_names[] = {
  NC_("month", "Jan"), NC_("month", "Feb"), NC_("month", "Mar"), NC_("month", "Apr"),
  NC_("month", "May"), NC_("month", "Jun"), NC_("month", "Jul"), NC_("month", "Aug"),
  NC_("month", "Sep"), NC_("month", "Oct"), NC_("month", "Nov"), NC_("month", "Dec"),
};

static void
lane_free (Lane *lane)
{
  g_free (lane->label);
  g_array_unref (lane->bars);
  g_free (lane);
}

static void
techo_medicine_timeline_snapshot (GtkWidget   *widget,
                                  GtkSnapshot *snapshot)
{
  TechoMedicineTimeline *self = TECHO_MEDICINE_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double plot = MAX (10, width - LABEL_WIDTH);
  PangoLayout *layout;

  if (self->lanes->len == 0 || self->span_days <= 0)
    return;
  layout = gtk_widget_create_pango_layout (widget, NULL);
  pango_layout_set_width (layout, (int) ((LABEL_WIDTH - 8) * PANGO_SCALE));
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  for (guint l = 0; l < self->lanes->len; l++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, l);
      double y = AXIS_HEIGHT + l * LANE_HEIGHT;
      GdkRGBA stripe = self->fg;

      stripe.alpha = l % 2 == 0 ? 0.04 : 0.0;
      gtk_snapshot_append_color (snapshot, &stripe,
                                 &GRAPHENE_RECT_INIT (0, y, width, LANE_HEIGHT));
      pango_layout_set_text (layout, lane->label, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (4, y + 4));
      gtk_snapshot_append_layout (snapshot, layout, &self->fg);
      gtk_snapshot_restore (snapshot);

      for (guint b = 0; b < lane->bars->len; b++)
        {
          const Bar *bar = &g_array_index (lane->bars, Bar, b);
          double x0 = LABEL_WIDTH + plot * MAX (bar->start, 0) / self->span_days;
          double x1 = LABEL_WIDTH + plot * MIN (bar->end, self->span_days) / self->span_days;
          graphene_rect_t rect = GRAPHENE_RECT_INIT (x0, y + 6, MAX (x1 - x0, 2), LANE_HEIGHT - 12);
          GdkRGBA color = palette[bar->prescriber % G_N_ELEMENTS (palette)];

          color.alpha = 0.75;
          gtk_snapshot_append_color (snapshot, &color, &rect);
          if (bar->flagged)
            {
              GskRoundedRect outline;
              const float widths[4] = { 2, 2, 2, 2 };
              const GdkRGBA colors[4] = { self->warning, self->warning, self->warning,
                                          self->warning };

              gsk_rounded_rect_init_from_rect (&outline, &rect, 0);
              gtk_snapshot_append_border (snapshot, &outline, widths, colors);
            }
        }
    }

  /* A tick and a label at the start of each month, and today marked, so
   * the bars read as dates. */
  if (self->first_day != NULL)
    {
      g_autoptr(GDateTime) first = NULL;
      g_autofree char *iso = g_strconcat (self->first_day, "T00:00:00Z", NULL);
      GdkRGBA tick = self->fg, label_color = self->fg;
      double month_width = plot * 30 / self->span_days;
      int every = month_width >= 40 ? 1 : month_width >= 20 ? 3 : 6;

      tick.alpha = 0.25;
      label_color.alpha = 0.6;
      pango_layout_set_width (layout, -1);
      first = g_date_time_new_from_iso8601 (iso, NULL);
      for (int m = 1; first != NULL && m <= MONTHS + 1; m++)
        {
          g_autoptr(GDateTime) start = g_date_time_new_utc (g_date_time_get_year (first),
                                                            g_date_time_get_month (first), 1,
                                                            0, 0, 0);
          g_autoptr(GDateTime) month = g_date_time_add_months (start, m);
          int days = (int) (g_date_time_difference (month, first) / G_TIME_SPAN_DAY);
          double x = LABEL_WIDTH + plot * days / self->span_days;

          if (days < 0 || days > self->span_days)
            continue;
          gtk_snapshot_append_color (snapshot, &tick,
                                     &GRAPHENE_RECT_INIT (x, AXIS_HEIGHT - 4, 1,
                                                          4 + self->lanes->len * LANE_HEIGHT));
          if ((g_date_time_get_month (month) - 1) % every == 0
              && x + month_width <= width + 1)
            {
              const char *name = g_dpgettext2 (NULL, "month",
                                               month_names[g_date_time_get_month (month) - 1]);

              pango_layout_set_text (layout, name, -1);
              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 3, 1));
              gtk_snapshot_append_layout (snapshot, layout, &label_color);
              gtk_snapshot_restore (snapshot);
            }
        }
      if (self->today_offset >= 0 && self->today_offset <= self->span_days)
        {
          double x = LABEL_WIDTH + plot * self->today_offset / self->span_days;

          gtk_snapshot_append_color (snapshot, &self->fg,
                                     &GRAPHENE_RECT_INIT (x - 1, AXIS_HEIGHT - 4, 2,
                                                          4 + self->lanes->len * LANE_HEIGHT));
        }
    }
  g_object_unref (layout);
}

static void
techo_medicine_timeline_measure (GtkWidget      *widget,
                                 GtkOrientation  orientation,
                                 int             for_size,
                                 int            *minimum,
                                 int            *natural,
                                 int            *minimum_baseline,
                                 int            *natural_baseline)
{
  TechoMedicineTimeline *self = TECHO_MEDICINE_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = (int) LABEL_WIDTH + 120;
      *natural = 640;
    }
  else
    *minimum = *natural = (int) (AXIS_HEIGHT + self->lanes->len * LANE_HEIGHT + 4);
}

static void
techo_medicine_timeline_css_changed (GtkWidget         *widget,
                                     GtkCssStyleChange *change)
{
  TechoMedicineTimeline *self = TECHO_MEDICINE_TIMELINE (widget);
  GtkStyleContext *context = gtk_widget_get_style_context (widget);

  GTK_WIDGET_CLASS (techo_medicine_timeline_parent_class)->css_changed (widget, change);
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (context, &self->fg);
  if (!gtk_style_context_lookup_color (context, "warning_color", &self->warning))
    gdk_rgba_parse (&self->warning, "#e5a50a");
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_widget_queue_draw (widget);
}

static void
techo_medicine_timeline_finalize (GObject *object)
{
  TechoMedicineTimeline *self = TECHO_MEDICINE_TIMELINE (object);

  g_ptr_array_unref (self->lanes);
  g_free (self->first_day);
  G_OBJECT_CLASS (techo_medicine_timeline_parent_class)->finalize (object);
}

static void
techo_medicine_timeline_class_init (TechoMedicineTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = techo_medicine_timeline_finalize;
  widget_class->snapshot = techo_medicine_timeline_snapshot;
  widget_class->measure = techo_medicine_timeline_measure;
  widget_class->css_changed = techo_medicine_timeline_css_changed;
  gtk_widget_class_set_css_name (widget_class, "timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
techo_medicine_timeline_init (TechoMedicineTimeline *self)
{
  self->lanes = g_ptr_array_new_with_free_func ((GDestroyNotify) lane_free);
  gdk_rgba_parse (&self->warning, "#e5a50a");
}

static int
compare_bars (gconstpointer a,
              gconstpointer b)
{
  const Bar *x = a, *y = b;

  if (x->prescriber != y->prescriber)
    return x->prescriber < y->prescriber ? -1 : 1;
  if (x->flagged != y->flagged)
    return x->flagged ? 1 : -1;
  return (x->start > y->start) - (x->start < y->start);
}

GtkWidget *
techo_medicine_timeline_new (void)
{
  return g_object_new (TECHO_TYPE_MEDICINE_TIMELINE, NULL);
}

void
techo_medicine_timeline_set_data (TechoMedicineTimeline *self,
                                  TechoRecordSet        *records,
                                  const char            *today,
                                  GHashTable            *flagged)
{
  g_autoptr(GHashTable) by_ingredient = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) prescribers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *description = NULL;

  g_ptr_array_set_size (self->lanes, 0);
  self->n_bars = 0;
  g_clear_pointer (&self->first_day, g_free);
  if (records == NULL || today == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }
  /* Ten months back and two ahead: supplies running now show their end. */
  self->first_day = techo_format_add_days (today, -(MONTHS - 2) * 30);
  self->span_days = MONTHS * 30;
  self->today_offset = techo_analysis_days_between (self->first_day, today);

  /* Newest first: the first lanes are the medicines taken most recently. */
  for (guint i = 0; i < records->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (records->dispensings, i);
      int start = techo_analysis_days_between (self->first_day, d->dispensed_on);
      const char *ingredient = d->ingredient_name != NULL ? d->ingredient_name : d->drug_name;
      const char *prescriber = d->prescriber_name != NULL ? d->prescriber_name : "";
      Lane *lane;
      Bar bar;

      if (start == G_MININT || ingredient == NULL || start + d->days < 0 || start > self->span_days)
        continue;
      lane = g_hash_table_lookup (by_ingredient, ingredient);
      if (lane == NULL)
        {
          if (self->lanes->len >= MAX_LANES)
            continue;
          lane = g_new0 (Lane, 1);
          lane->label = g_strdup (ingredient);
          lane->bars = g_array_new (FALSE, FALSE, sizeof (Bar));
          g_ptr_array_add (self->lanes, lane);
          g_hash_table_insert (by_ingredient, lane->label, lane);
        }
      if (!g_hash_table_contains (prescribers, prescriber))
        g_hash_table_insert (prescribers, g_strdup (prescriber),
                             GUINT_TO_POINTER (g_hash_table_size (prescribers)));
      bar.start = start;
      bar.end = start + MAX (d->days, 1);
      bar.prescriber = GPOINTER_TO_UINT (g_hash_table_lookup (prescribers, prescriber));
      bar.flagged = flagged != NULL && g_hash_table_contains (flagged, d);
      g_array_append_val (lane->bars, bar);
      self->n_bars++;
    }

  /* One prescriber's supplies that touch or overlap, and are marked alike,
   * are drawn as one bar: a decade of daily lines stays a few nodes to
   * render each frame, not thousands. */
  for (guint l = 0; l < self->lanes->len; l++)
    {
      Lane *lane = g_ptr_array_index (self->lanes, l);
      guint kept = 0;

      g_array_sort (lane->bars, compare_bars);
      for (guint b = 0; b < lane->bars->len; b++)
        {
          Bar *bar = &g_array_index (lane->bars, Bar, b);
          Bar *last = kept > 0 ? &g_array_index (lane->bars, Bar, kept - 1) : NULL;

          if (last != NULL && last->prescriber == bar->prescriber
              && last->flagged == bar->flagged && bar->start <= last->end)
            last->end = MAX (last->end, bar->end);
          else
            g_array_index (lane->bars, Bar, kept++) = *bar;
        }
      g_array_set_size (lane->bars, kept);
    }

  /* Translators: the accessible summary of the medicine timeline. */
  description = g_strdup_printf (ngettext ("%u medicine over the last 12 months",
                                           "%u medicines over the last 12 months",
                                           self->lanes->len),
                                 self->lanes->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
techo_medicine_timeline_get_n_lanes (TechoMedicineTimeline *self)
{
  return self->lanes->len;
}

guint
techo_medicine_timeline_get_n_bars (TechoMedicineTimeline *self)
{
  return self->n_bars;
}
