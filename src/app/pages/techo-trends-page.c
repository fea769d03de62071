/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-trends-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "techo-format.h"
#include "techo-trends-page.h"
#include "techo-widget-util.h"

struct _TechoTrendsPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkLabel *title_label;
  GtkLabel *latest_label;
  GtkLabel *description_label;
  GtkFrame *chart_frame;
  GtkFlowBox *multiples;
  GtkToggleButton *range_1y;
  GtkToggleButton *range_5y;
  GtkToggleButton *range_all;

  TechoChartView *chart;
  TechoRecordSet *records;
  GHashTable *models;   /* analyte key → TechoChartModel */
  char *analyte;
  guint n_multiples;
};

static void techo_trends_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoTrendsPage, techo_trends_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_trends_page_page_init))

static void
show_model (TechoTrendsPage *self,
            const char      *key)
{
  TechoChartModel *model = g_hash_table_lookup (self->models, key);
  const TechoChartPoint *points;
  guint n;
  g_autofree char *latest = NULL;

  if (model == NULL)
    return;
  g_free (self->analyte);
  self->analyte = g_strdup (key);
  techo_chart_view_set_model (self->chart, model);
  gtk_label_set_text (self->title_label, techo_chart_model_get_title (model));
  points = techo_chart_model_get_points (model, &n);
  if (n > 0)
    {
      GDate date;
      char iso[16];
      g_autofree char *when = NULL;

      g_date_clear (&date, 1);
      g_date_set_julian (&date, (guint32) points[n - 1].day);
      g_date_strftime (iso, sizeof iso, "%Y-%m-%d", &date);
      when = techo_format_date (iso);
      /* Translators: "Latest: 6.6 % (15 Jun 2025)". */
      latest = g_strdup_printf (_("Latest: %.*f %s (%s)"), techo_chart_model_get_decimals (model),
                                points[n - 1].value,
                                techo_chart_model_get_unit (model) != NULL
                                  ? techo_chart_model_get_unit (model) : "",
                                when);
    }
  gtk_label_set_text (self->latest_label, latest != NULL ? latest : "");
  gtk_label_set_text (self->description_label, techo_chart_view_get_description (self->chart));
}

static void
multiple_activate_cb (TechoChartView  *view,
                      TechoTrendsPage *self)
{
  TechoChartModel *model = techo_chart_view_get_model (view);

  show_model (self, techo_chart_model_get_key (model));
  gtk_widget_grab_focus (GTK_WIDGET (self->chart));
}

static void
range_toggled_cb (GtkToggleButton *button,
                  TechoTrendsPage *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  if (button == self->range_1y)
    techo_chart_view_set_range_years (self->chart, 1);
  else if (button == self->range_5y)
    techo_chart_view_set_range_years (self->chart, 5);
  else
    techo_chart_view_set_range_years (self->chart, 0);
}

static GtkWidget *
multiple_new (TechoTrendsPage *self,
              TechoChartModel *model)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (techo_chart_model_get_title (model));
  GtkWidget *view = techo_chart_view_new (TRUE);
  const TechoChartPoint *points;
  guint n;
  g_autofree char *latest = NULL;
  GtkWidget *value;

  points = techo_chart_model_get_points (model, &n);
  latest = g_strdup_printf ("%.*f %s", techo_chart_model_get_decimals (model),
                            points[n - 1].value,
                            techo_chart_model_get_unit (model) != NULL
                              ? techo_chart_model_get_unit (model) : "");
  value = gtk_label_new (latest);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "caption-heading");
  gtk_label_set_xalign (GTK_LABEL (value), 0);
  gtk_widget_add_css_class (value, "caption");
  gtk_widget_add_css_class (value, "numeric");

  techo_chart_view_set_model (TECHO_CHART_VIEW (view), model);
  g_signal_connect (view, "activate", G_CALLBACK (multiple_activate_cb), self);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), view);
  gtk_box_append (GTK_BOX (box), value);
  gtk_widget_add_css_class (box, "card");
  gtk_widget_add_css_class (box, "multiple");
  return box;
}

static void
rebuild (TechoTrendsPage *self)
{
  const TechoAnalyte *analytes;
  guint n_analytes;
  GtkWidget *child;
  const char *first = NULL;
  g_autofree char *keep = g_strdup (self->analyte);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->multiples))) != NULL)
    gtk_flow_box_remove (self->multiples, child);
  g_hash_table_remove_all (self->models);
  self->n_multiples = 0;
  techo_chart_view_set_model (self->chart, NULL);

  if (self->records == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  analytes = techo_reference_analytes (&n_analytes);
  for (guint i = 0; i < n_analytes; i++)
    {
      g_autoptr(TechoChartModel) model = NULL;

      if (analytes[i].value_type != TECHO_VALUE_PQ)
        continue;
      model = techo_trends_page_build_model (self->records, &analytes[i]);
      if (techo_chart_model_get_n_points (model) == 0)
        continue;
      g_hash_table_insert (self->models, g_strdup (analytes[i].key),
                           techo_chart_model_ref (model));
      gtk_flow_box_append (self->multiples, multiple_new (self, model));
      self->n_multiples++;
      if (first == NULL)
        first = analytes[i].key;
    }

  if (first == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (keep == NULL || !g_hash_table_contains (self->models, keep))
    {
      g_free (keep);
      /* HbA1c is what most people come to see first. */
      keep = g_strdup (g_hash_table_contains (self->models, "hba1c") ? "hba1c" : first);
    }
  show_model (self, keep);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
techo_trends_page_dispose (GObject *object)
{
  TechoTrendsPage *self = TECHO_TRENDS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_TRENDS_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->records, techo_record_set_unref);
  G_OBJECT_CLASS (techo_trends_page_parent_class)->dispose (object);
}

static void
techo_trends_page_finalize (GObject *object)
{
  TechoTrendsPage *self = TECHO_TRENDS_PAGE (object);

  g_hash_table_unref (self->models);
  g_free (self->analyte);
  G_OBJECT_CLASS (techo_trends_page_parent_class)->finalize (object);
}

static void
techo_trends_page_set_records (TechoPage      *page,
                               TechoRecordSet *records)
{
  TechoTrendsPage *self = TECHO_TRENDS_PAGE (page);

  techo_page_replace_records (&self->records, records);
  rebuild (self);
}

static void
techo_trends_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_trends_page_set_records;
}

static void
techo_trends_page_class_init (TechoTrendsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_trends_page_dispose;
  object_class->finalize = techo_trends_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-trends-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, latest_label);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, description_label);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, chart_frame);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, multiples);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, range_1y);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, range_5y);
  gtk_widget_class_bind_template_child (widget_class, TechoTrendsPage, range_all);
  gtk_widget_class_bind_template_callback (widget_class, range_toggled_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_trends_page_init (TechoTrendsPage *self)
{
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify) techo_chart_model_unref);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chart = TECHO_CHART_VIEW (techo_chart_view_new (FALSE));
  gtk_widget_set_size_request (GTK_WIDGET (self->chart), -1, 320);
  gtk_frame_set_child (self->chart_frame, GTK_WIDGET (self->chart));
}

TechoChartModel *
techo_trends_page_build_model (TechoRecordSet     *records,
                               const TechoAnalyte *analyte)
{
  return techo_chart_model_new_for_analyte (records, analyte, techo_format_analyte_name (analyte),
                                            techo_format_unit (analyte->unit));
}

gboolean
techo_trends_page_show_analyte (TechoTrendsPage *self,
                                const char      *key)
{
  if (!g_hash_table_contains (self->models, key))
    return FALSE;
  show_model (self, key);
  return TRUE;
}

const char *
techo_trends_page_get_analyte (TechoTrendsPage *self)
{
  return self->analyte;
}

TechoChartView *
techo_trends_page_get_chart (TechoTrendsPage *self)
{
  return self->chart;
}

guint
techo_trends_page_get_n_multiples (TechoTrendsPage *self)
{
  return self->n_multiples;
}

TechoChartModel *
techo_trends_page_get_model (TechoTrendsPage *self,
                             const char      *key)
{
  return g_hash_table_lookup (self->models, key);
}
