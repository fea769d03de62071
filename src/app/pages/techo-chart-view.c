/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-chart-view"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "techo-chart-render.h"
#include "techo-chart-view.h"
#include "techo-format.h"

struct _TechoChartView
{
  GtkWidget parent_instance;

  TechoChartModel *model;
  gboolean sparkline;
  guint range_years;
  int focus_index;
  TechoChartStyle style;
  TechoChartFrame frame;
  double frame_width, frame_height;
  GtkPopover *popover;
  GtkLabel *popover_label;
  char *description;
  char *focus_text;
};

G_DEFINE_FINAL_TYPE (TechoChartView, techo_chart_view, GTK_TYPE_WIDGET)

enum {
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
rgba_to_color (const GdkRGBA   *rgba,
               TechoChartColor *color)
{
  color->red = rgba->red;
  color->green = rgba->green;
  color->blue = rgba->blue;
  color->alpha = rgba->alpha;
}

static void
update_colors (TechoChartView *self)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));
  GdkRGBA rgba;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (context, &rgba);
  rgba_to_color (&rgba, &self->style.foreground);
  rgba.alpha = 0.1;
  rgba_to_color (&rgba, &self->style.grid);
  if (gtk_style_context_lookup_color (context, "accent_color", &rgba))
    {
      rgba_to_color (&rgba, &self->style.line);
      rgba.alpha = 0.7;
      rgba_to_color (&rgba, &self->style.focus);
    }
  if (gtk_style_context_lookup_color (context, "warning_color", &rgba))
    rgba_to_color (&rgba, &self->style.guidance);
  if (gtk_style_context_lookup_color (context, "error_color", &rgba))
    rgba_to_color (&rgba, &self->style.see_doctor);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
visible_days (TechoChartView *self,
              gint64         *from_day,
              gint64         *to_day)
{
  const TechoChartPoint *points;
  guint n;

  points = techo_chart_model_get_points (self->model, &n);
  if (n == 0)
    {
      *from_day = 0;
      *to_day = 1;
      return;
    }
  *to_day = points[n - 1].day;
  *from_day = self->range_years > 0 ? *to_day - (gint64) self->range_years * 365 - 1
                                    : points[0].day;
  /* Some air on each side so the first and last dots are not cut. */
  {
    gint64 span = MAX (*to_day - *from_day, 30);

    *from_day -= span / 40 + 1;
    *to_day += span / 40 + 1;
  }
}

static TechoStatus
status_for_level (TechoChartLevel level)
{
  switch (level)
    {
    case TECHO_CHART_LEVEL_SEE_DOCTOR:
      return TECHO_STATUS_SEE_DOCTOR;
    case TECHO_CHART_LEVEL_GUIDANCE:
      return TECHO_STATUS_GUIDANCE;
    case TECHO_CHART_LEVEL_NORMAL:
    default:
      return TECHO_STATUS_NORMAL;
    }
}

static char *
format_day (gint64 day)
{
  GDate date;
  char iso[16];

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) CLAMP (day, 1, G_MAXUINT32));
  g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &date);
  return techo_format_date (iso);
}

static int
year_of_day (gint64 day)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, (guint32) CLAMP (day, 1, G_MAXUINT32));
  return g_date_get_year (&date);
}

static char *
format_value (TechoChartView *self,
              double          value)
{
  const char *unit = techo_chart_model_get_unit (self->model);

  return g_strdup_printf ("%.*f%s%s", techo_chart_model_get_decimals (self->model), value,
                          unit != NULL ? " " : "", unit != NULL ? unit : "");
}

static void
update_description (TechoChartView *self)
{
  const TechoChartPoint *points;
  guint n;
  GString *text;
  g_autofree char *latest = NULL;
  double guidance, see_doctor, value;
  /* Translators: separates the parts of a chart's spoken description. */
  const char *sep = _(", ");

  g_clear_pointer (&self->description, g_free);
  if (self->model == NULL)
    return;
  points = techo_chart_model_get_points (self->model, &n);
  text = g_string_new (techo_chart_model_get_title (self->model));
  if (n == 0)
    {
      g_string_append_printf (text, "%s%s", sep, _("no measurements"));
      self->description = g_string_free (text, FALSE);
      goto out;
    }

  value = points[n - 1].value;
  latest = format_value (self, value);
  g_string_append (text, sep);
  /* Translators: part of a chart's spoken description: "17 measurements from 2009 to 2025". */
  g_string_append_printf (text, ngettext ("%u measurement from %d to %d",
                                          "%u measurements from %d to %d", n),
                          n, year_of_day (points[0].day), year_of_day (points[n - 1].day));
  g_string_append (text, sep);
  g_string_append_printf (text, _("latest %s"), latest);

  guidance = techo_chart_model_get_guidance (self->model);
  see_doctor = techo_chart_model_get_see_doctor (self->model);
  switch (techo_chart_model_level (self->model, value))
    {
    case TECHO_CHART_LEVEL_SEE_DOCTOR:
      {
        g_autofree char *limit = format_value (self, see_doctor);

        g_string_append (text, sep);
        g_string_append_printf (text, techo_chart_model_get_lower_is_worse (self->model)
                                        ? _("below the see-a-doctor threshold of %s")
                                        : _("above the see-a-doctor threshold of %s"),
                                limit);
      }
      break;
    case TECHO_CHART_LEVEL_GUIDANCE:
      {
        g_autofree char *limit = format_value (self, guidance);

        g_string_append (text, sep);
        g_string_append_printf (text, techo_chart_model_get_lower_is_worse (self->model)
                                        ? _("below the guidance threshold of %s")
                                        : _("above the guidance threshold of %s"),
                                limit);
      }
      break;
    case TECHO_CHART_LEVEL_NORMAL:
    default:
      if (isfinite (guidance))
        {
          g_string_append (text, sep);
          g_string_append (text, _("within the normal range"));
        }
      break;
    }

  switch (techo_chart_model_trend (self->model))
    {
    case TECHO_CHART_TREND_RISING:
      g_string_append_printf (text, "%s%s", sep, _("rising"));
      break;
    case TECHO_CHART_TREND_FALLING:
      g_string_append_printf (text, "%s%s", sep, _("falling"));
      break;
    case TECHO_CHART_TREND_STEADY:
      g_string_append_printf (text, "%s%s", sep, _("steady"));
      break;
    case TECHO_CHART_TREND_NONE:
    default:
      break;
    }
  g_string_append (text, _("."));
  self->description = g_string_free (text, FALSE);

out:
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  techo_chart_model_get_title (self->model),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), self->sparkline ? self->description : NULL);
}

static void
ensure_frame (TechoChartView *self)
{
  double width = gtk_widget_get_width (GTK_WIDGET (self));
  double height = gtk_widget_get_height (GTK_WIDGET (self));
  gint64 from_day, to_day;

  if (self->model == NULL)
    return;
  visible_days (self, &from_day, &to_day);
  techo_chart_frame_compute (&self->frame, self->model, &self->style, from_day, to_day,
                             width, height);
  self->frame_width = width;
  self->frame_height = height;
}

static void
update_popover (TechoChartView *self)
{
  const TechoChartPoint *points;
  guint n;
  GdkRectangle rect;
  g_autofree char *date = NULL;
  g_autofree char *value = NULL;
  const char *status;

  g_clear_pointer (&self->focus_text, g_free);
  if (self->model == NULL || self->focus_index < 0 || self->sparkline)
    {
      if (self->popover != NULL)
        gtk_popover_popdown (self->popover);
      return;
    }
  points = techo_chart_model_get_points (self->model, &n);
  if ((guint) self->focus_index >= n)
    return;

  date = format_day (points[self->focus_index].day);
  value = format_value (self, points[self->focus_index].value);
  status = techo_format_status_label (status_for_level (techo_chart_model_level (self->model,
                                                                                  points[self->focus_index].value)));
  self->focus_text = g_strdup_printf ("%s\n%s · %s", date, value, status);
  gtk_label_set_text (self->popover_label, self->focus_text);

  ensure_frame (self);
  rect.x = (int) techo_chart_frame_x (&self->frame, points[self->focus_index].day) - 6;
  rect.y = (int) techo_chart_frame_y (&self->frame, points[self->focus_index].value) - 6;
  rect.width = 12;
  rect.height = 12;
  gtk_popover_set_pointing_to (self->popover, &rect);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    gtk_popover_popup (self->popover);
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TechoChartView           *self)
{
  int index;

  if (self->model == NULL || self->sparkline)
    return;
  ensure_frame (self);
  index = techo_chart_hit_test (self->model, &self->frame, x, y, 16);
  if (index >= 0 && index != self->focus_index)
    techo_chart_view_set_focus_index (self, index);
}

static void
leave_cb (GtkEventControllerMotion *controller,
          TechoChartView           *self)
{
  if (!gtk_widget_has_focus (GTK_WIDGET (self)) && self->popover != NULL)
    gtk_popover_popdown (self->popover);
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            TechoChartView  *self)
{
  if (self->sparkline)
    g_signal_emit (self, signals[ACTIVATE], 0);
  else
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TechoChartView        *self)
{
  guint first, last;
  gint64 from_day, to_day;
  int index = self->focus_index;

  if (self->model == NULL)
    return FALSE;
  if (self->sparkline)
    {
      if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_space)
        {
          g_signal_emit (self, signals[ACTIVATE], 0);
          return TRUE;
        }
      return FALSE;
    }
  visible_days (self, &from_day, &to_day);
  if (!techo_chart_model_find_range (self->model, from_day, to_day, &first, &last))
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      index = index < 0 ? (int) last : MAX ((int) first, index - 1);
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      index = index < 0 ? (int) last : MIN ((int) last, index + 1);
      break;
    case GDK_KEY_Home:
      index = (int) first;
      break;
    case GDK_KEY_End:
      index = (int) last;
      break;
    default:
      return FALSE;
    }
  techo_chart_view_set_focus_index (self, index);
  return TRUE;
}

static void
focus_enter_cb (GtkEventControllerFocus *controller,
                TechoChartView          *self)
{
  if (self->focus_index < 0 && self->model != NULL && !self->sparkline
      && techo_chart_model_get_n_points (self->model) > 0)
    techo_chart_view_set_focus_index (self, (int) techo_chart_model_get_n_points (self->model) - 1);
  else
    update_popover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
focus_leave_cb (GtkEventControllerFocus *controller,
                TechoChartView          *self)
{
  if (self->popover != NULL)
    gtk_popover_popdown (self->popover);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
techo_chart_view_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TechoChartView *self = TECHO_CHART_VIEW (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  cairo_t *cr;

  if (self->model == NULL || width < 2 || height < 2)
    return;
  ensure_frame (self);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  techo_chart_render (cr, self->model, &self->frame, &self->style,
                      gtk_widget_has_focus (widget) || !self->sparkline ? self->focus_index : -1);
  cairo_destroy (cr);
}

static void
techo_chart_view_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  TechoChartView *self = TECHO_CHART_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = self->sparkline ? 120 : 240;
      *natural = self->sparkline ? 160 : 640;
    }
  else
    {
      *minimum = self->sparkline ? 40 : 200;
      *natural = self->sparkline ? 48 : 320;
    }
}

static void
techo_chart_view_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  TechoChartView *self = TECHO_CHART_VIEW (widget);

  if (self->popover != NULL)
    gtk_popover_present (self->popover);
}

static void
techo_chart_view_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (techo_chart_view_parent_class)->css_changed (widget, change);
  update_colors (TECHO_CHART_VIEW (widget));
  gtk_widget_queue_draw (widget);
}

static void
techo_chart_view_dispose (GObject *object)
{
  TechoChartView *self = TECHO_CHART_VIEW (object);

  if (self->popover != NULL)
    {
      gtk_widget_unparent (GTK_WIDGET (self->popover));
      self->popover = NULL;
    }
  g_clear_pointer (&self->model, techo_chart_model_unref);
  G_OBJECT_CLASS (techo_chart_view_parent_class)->dispose (object);
}

static void
techo_chart_view_finalize (GObject *object)
{
  TechoChartView *self = TECHO_CHART_VIEW (object);

  g_free (self->description);
  g_free (self->focus_text);
  G_OBJECT_CLASS (techo_chart_view_parent_class)->finalize (object);
}

static void
techo_chart_view_class_init (TechoChartViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_chart_view_dispose;
  object_class->finalize = techo_chart_view_finalize;
  widget_class->snapshot = techo_chart_view_snapshot;
  widget_class->measure = techo_chart_view_measure;
  widget_class->size_allocate = techo_chart_view_size_allocate;
  widget_class->css_changed = techo_chart_view_css_changed;

  /* A sparkline was clicked or activated with the keyboard. */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass),
                                    G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, 0, NULL, NULL, NULL,
                                    G_TYPE_NONE, 0);
  gtk_widget_class_set_activate_signal (widget_class, signals[ACTIVATE]);

  gtk_widget_class_set_css_name (widget_class, "chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
techo_chart_view_init (TechoChartView *self)
{
  GtkEventController *controller;
  GtkGesture *click;

  self->focus_index = -1;
  techo_chart_style_init_default (&self->style);
  self->style.guidance_label = _("Guidance");
  self->style.see_doctor_label = _("See a doctor");
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  controller = gtk_event_controller_focus_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (focus_leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
}

GtkWidget *
techo_chart_view_new (gboolean sparkline)
{
  TechoChartView *self = g_object_new (TECHO_TYPE_CHART_VIEW, NULL);

  self->sparkline = sparkline;
  self->style.show_axes = !sparkline;
  if (sparkline)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "sparkline");
      gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "pointer");
    }
  else
    {
      self->popover = GTK_POPOVER (gtk_popover_new ());
      self->popover_label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_justify (self->popover_label, GTK_JUSTIFY_CENTER);
      gtk_popover_set_child (self->popover, GTK_WIDGET (self->popover_label));
      gtk_popover_set_autohide (self->popover, FALSE);
      gtk_popover_set_position (self->popover, GTK_POS_TOP);
      gtk_widget_set_can_target (GTK_WIDGET (self->popover), FALSE);
      gtk_widget_set_parent (GTK_WIDGET (self->popover), GTK_WIDGET (self));
    }
  return GTK_WIDGET (self);
}

void
techo_chart_view_set_model (TechoChartView  *self,
                            TechoChartModel *model)
{
  g_return_if_fail (TECHO_IS_CHART_VIEW (self));

  if (self->model == model)
    return;
  g_clear_pointer (&self->model, techo_chart_model_unref);
  if (model != NULL)
    self->model = techo_chart_model_ref (model);
  self->focus_index = -1;
  update_description (self);
  update_popover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

TechoChartModel *
techo_chart_view_get_model (TechoChartView *self)
{
  return self->model;
}

void
techo_chart_view_set_range_years (TechoChartView *self,
                                  guint           years)
{
  self->range_years = years;
  update_popover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
techo_chart_view_get_range_years (TechoChartView *self)
{
  return self->range_years;
}

int
techo_chart_view_get_focus_index (TechoChartView *self)
{
  return self->focus_index;
}

void
techo_chart_view_set_focus_index (TechoChartView *self,
                                  int             index)
{
  if (self->model == NULL || index >= (int) techo_chart_model_get_n_points (self->model))
    index = -1;
  self->focus_index = index;
  update_popover (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
techo_chart_view_get_description (TechoChartView *self)
{
  return self->description;
}

const char *
techo_chart_view_get_focus_text (TechoChartView *self)
{
  return self->focus_text != NULL ? self->focus_text : "";
}
