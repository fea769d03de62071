/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-format.h"
#include "techo-overview-page.h"
#include "techo-widget-util.h"

struct _TechoOverviewPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkFlowBox *flow;

  TechoRecordSet *records;
  char *today;           /* YYYY-MM-DD, when the records were last shown */
  GHashTable *values;    /* analyte key → GtkLabel (value) */
  GHashTable *statuses;  /* analyte key → status words */
  char *metabolic_text;
  guint n_duplicates;
};

static void techo_overview_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoOverviewPage, techo_overview_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_overview_page_page_init))

enum {
  SHOW_TREND,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The analytes of the "latest checkup" card, in the order of the form.
 * Which of glucose or HbA1c shows depends on what was measured. */
static const char * const key_analytes[] = {
  "bmi", "waist", "sbp", "dbp", "hba1c", "glucose_fasting", "glucose_random",
  "ldl", "hdl", "tg_fasting", "tg_random", "ast", "alt", "ggt", "egfr",
};

static void
row_activated_cb (AdwActionRow      *row,
                  TechoOverviewPage *self)
{
  const char *key = g_object_get_data (G_OBJECT (row), "analyte-key");

  g_signal_emit (self, signals[SHOW_TREND], 0, key);
}

static void
add_card (TechoOverviewPage *self,
          GtkWidget         *group)
{
  gtk_widget_set_size_request (group, 300, -1);
  gtk_widget_set_valign (group, GTK_ALIGN_START);
  gtk_flow_box_append (self->flow, group);
  /* The flow box child itself is no stop for the keyboard; the rows are. */
  gtk_widget_set_focusable (gtk_widget_get_parent (group), FALSE);
}

static GtkWidget *
suffix_label (const char *text,
              const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (style_class != NULL)
    gtk_widget_add_css_class (label, style_class);
  return label;
}

static void
add_latest_checkup_card (TechoOverviewPage *self)
{
  const TechoCheckup *latest = g_ptr_array_index (self->records->checkups, 0);
  g_autofree char *date = techo_format_date (latest->performed_on);
  g_autofree char *description = NULL;
  GtkWidget *group = adw_preferences_group_new ();
  gboolean has_hba1c = techo_analysis_find_key (latest, "hba1c") != NULL;

  description = latest->institution_name != NULL
                  ? g_strdup_printf ("%s · %s", date, latest->institution_name)
                  : g_strdup (date);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Latest checkup"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);

  for (guint i = 0; i < G_N_ELEMENTS (key_analytes); i++)
    {
      const char *key = key_analytes[i];
      const TechoAnalyte *analyte = techo_reference_analyte (key);
      TechoReading reading, before;
      g_autofree char *value = NULL;
      g_autofree char *change = NULL;
      GtkWidget *row, *value_label;

      if (analyte == NULL || !techo_analysis_latest (self->records, analyte, &reading, &before))
        continue;
      /* HbA1c, when measured, stands for blood glucose on this card. */
      if (has_hba1c && g_str_has_prefix (key, "glucose_"))
        continue;

      value = techo_format_value (analyte, reading.item);
      if (before.item != NULL)
        change = techo_format_change (analyte, reading.item->value, before.item->value);

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_analyte_name (analyte));
      if (change != NULL)
        {
          /* Translators: the change since the previous checkup, e.g. "↑ 0.3 since last time". */
          g_autofree char *subtitle = g_strdup_printf (_("%s since last time"), change);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      value_label = suffix_label (value, "numeric");
      gtk_widget_add_css_class (value_label, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), value_label);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), techo_status_chip_new (reading.status));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "analyte-key", g_strdup (key), g_free);
      g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

      g_hash_table_insert (self->values, g_strdup (key), value_label);
      g_hash_table_insert (self->statuses, g_strdup (key),
                           g_strdup (techo_format_status_label (reading.status)));
    }
  add_card (self, group);
}

/* What the official words mean, for a reader of the English interface;
 * the Japanese translation is the official word itself, so Japanese
 * readers see it once. */
static const char *
metabolic_meaning (TechoMetabolicResult result)
{
  switch (result)
    {
    case TECHO_METABOLIC_MET:
      return _("Meets the criteria");
    case TECHO_METABOLIC_PRE:
      return _("Borderline");
    case TECHO_METABOLIC_NOT_MET:
      return _("Does not meet the criteria");
    case TECHO_METABOLIC_UNKNOWN:
    default:
      return _("Cannot be judged");
    }
}

static const char *
guidance_meaning (TechoGuidanceLevel level)
{
  switch (level)
    {
    case TECHO_GUIDANCE_ACTIVE:
      return _("Intensive support");
    case TECHO_GUIDANCE_MOTIVATIONAL:
      return _("Motivational support");
    case TECHO_GUIDANCE_INFORMATION:
      return _("None (information only)");
    case TECHO_GUIDANCE_UNKNOWN:
    default:
      return _("Cannot be judged");
    }
}

/* Sets @meaning as @row's subtitle unless it only repeats @official
 * (in Japanese the meaning is the official word). */
static void
set_meaning (GtkWidget  *row,
             const char *meaning,
             const char *official)
{
  if (g_strcmp0 (meaning, official) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), meaning);
}

static void
add_metabolic_card (TechoOverviewPage *self)
{
  const TechoCheckup *latest = g_ptr_array_index (self->records->checkups, 0);
  GtkWidget *group = adw_preferences_group_new ();
  TechoAssessment assessment;
  TechoMetabolicResult metabolic;
  TechoGuidanceLevel level;
  gboolean metabolic_reported, level_reported;
  GtkWidget *row;
  g_autofree char *metabolic_text = NULL;
  g_autofree char *level_text = NULL;

  techo_analysis_assess (self->records, latest, &assessment);
  metabolic = assessment.metabolic;
  metabolic_reported = assessment.metabolic_reported;
  level = assessment.level;
  level_reported = assessment.level_reported;

  /* The official words as on the result sheet; "(computed)" when Techo
   * worked them out because the source did not say. */
  metabolic_text = metabolic_reported
                     ? g_strdup (techo_metabolic_result_label_ja (metabolic))
                     : g_strdup_printf ("%s %s", techo_metabolic_result_label_ja (metabolic),
                                        _("(computed)"));
  level_text = level_reported
                 ? g_strdup (techo_guidance_level_label_ja (level))
                 : g_strdup_printf ("%s %s", techo_guidance_level_label_ja (level),
                                    _("(computed)"));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   _("Metabolic syndrome and guidance"));
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Metabolic syndrome"));
  set_meaning (row, metabolic_meaning (metabolic), techo_metabolic_result_label_ja (metabolic));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             techo_chip_new (metabolic_text,
                                             metabolic == TECHO_METABOLIC_MET ? "dialog-warning-symbolic" : NULL,
                                             metabolic == TECHO_METABOLIC_MET ? "warning" : NULL));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Health guidance level"));
  set_meaning (row, guidance_meaning (level), techo_guidance_level_label_ja (level));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             techo_chip_new (level_text,
                                             level == TECHO_GUIDANCE_ACTIVE ? "dialog-warning-symbolic" : NULL,
                                             level == TECHO_GUIDANCE_ACTIVE ? "warning" : NULL));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_free (self->metabolic_text);
  self->metabolic_text = g_steal_pointer (&metabolic_text);
  add_card (self, group);
}

static void
add_medicines_card (TechoOverviewPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GPtrArray) duplicates = techo_analysis_duplicates (self->records->dispensings,
                                                               self->today, NULL);
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_rows = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Medicines now"));

  for (guint i = 0; i + 1 < duplicates->len; i += 2)
    {
      const TechoDispensing *a = g_ptr_array_index (duplicates, i);
      const TechoDispensing *b = g_ptr_array_index (duplicates, i + 1);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      title = g_strdup_printf (_("Possible duplicate: %s"),
                               a->ingredient_name != NULL ? a->ingredient_name : a->drug_name);
      subtitle = g_strdup_printf (_("Prescribed by both %s and %s for the same days"),
                                  a->prescriber_name, b->prescriber_name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "warning-row");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  self->n_duplicates = duplicates->len / 2;

  for (guint i = 0; i < self->records->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (self->records->dispensings, i);
      int days_left = techo_analysis_days_left (d, self->today);
      g_autofree char *left = NULL;
      GtkWidget *row;

      if (days_left <= 0 || d->drug_name == NULL
          || g_hash_table_contains (shown, d->drug_name))
        continue;
      g_hash_table_add (shown, d->drug_name);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->drug_name);
      if (d->prescriber_name != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), d->prescriber_name);
      left = g_strdup_printf (ngettext ("%d day left", "%d days left", days_left),
                              days_left);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix_label (left, "dim-label"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      n_rows++;
    }
  if (n_rows == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No medicine supply runs today"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  add_card (self, group);
}

static void
add_screenings_card (TechoOverviewPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  guint n_rows = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Cancer screenings"));

  for (guint c = 0; c < TECHO_N_CANCERS; c++)
    {
      g_auto(TechoScreeningSummary) summary = { 0 };
      const TechoCancerInfo *info;
      const char *last_primary;
      const char *due_on;
      TechoScreeningDue due;
      GtkWidget *row;

      techo_analysis_screening (self->records, c, self->today, &summary);
      info = summary.info;
      last_primary = summary.last_primary_on;
      due = summary.due;
      due_on = summary.due_on;

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_cancer_name (info));
      if (summary.followup_outstanding)
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       _("A detailed examination is recommended and none is recorded"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     techo_chip_new (_("Follow-up needed"), "dialog-error-symbolic",
                                                     "error"));
          /* Outstanding follow-ups come first. */
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          n_rows++;
          continue;
        }

      if (due == TECHO_SCREENING_NOT_ELIGIBLE)
        {
          g_object_ref_sink (row);
          g_object_unref (row);
          continue;
        }
      if (due == TECHO_SCREENING_NOT_YET)
        {
          g_autofree char *date = techo_format_date (due_on);
          g_autofree char *subtitle = g_strdup_printf (_("Next due: %s"), date);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     techo_chip_new (_("Up to date"), "object-select-symbolic", NULL));
        }
      else
        {
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       last_primary == NULL ? _("No screening recorded")
                                                            : _("It is time for the next screening"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     due == TECHO_SCREENING_OVERDUE
                                       ? techo_chip_new (_("Overdue"), "dialog-warning-symbolic", "warning")
                                       : techo_chip_new (_("Due"), "alarm-symbolic", "accent"));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      n_rows++;
    }
  if (n_rows > 0)
    add_card (self, group);
  else
    {
      g_object_ref_sink (group);
      g_object_unref (group);
    }
}

static void
rebuild (TechoOverviewPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->statuses);
  g_clear_pointer (&self->metabolic_text, g_free);
  self->n_duplicates = 0;

  g_free (self->today);
  self->today = techo_format_today ();   /* honours TECHO_TODAY */
  if (self->records == NULL || techo_record_set_is_empty (self->records))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (self->records->checkups->len > 0)
    {
      add_latest_checkup_card (self);
      add_metabolic_card (self);
    }
  add_medicines_card (self);
  add_screenings_card (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
techo_overview_page_dispose (GObject *object)
{
  TechoOverviewPage *self = TECHO_OVERVIEW_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_OVERVIEW_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->records, techo_record_set_unref);
  G_OBJECT_CLASS (techo_overview_page_parent_class)->dispose (object);
}

static void
techo_overview_page_finalize (GObject *object)
{
  TechoOverviewPage *self = TECHO_OVERVIEW_PAGE (object);

  g_hash_table_unref (self->values);
  g_hash_table_unref (self->statuses);
  g_free (self->metabolic_text);
  g_free (self->today);
  G_OBJECT_CLASS (techo_overview_page_parent_class)->finalize (object);
}

static void
techo_overview_page_set_records (TechoPage      *page,
                                 TechoRecordSet *records)
{
  TechoOverviewPage *self = TECHO_OVERVIEW_PAGE (page);

  techo_page_replace_records (&self->records, records);
  rebuild (self);
}

static void
techo_overview_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_overview_page_set_records;
}

static void
techo_overview_page_class_init (TechoOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_overview_page_dispose;
  object_class->finalize = techo_overview_page_finalize;

  /* The user picked an analyte: show its trend. */
  signals[SHOW_TREND] = g_signal_new ("show-trend", G_TYPE_FROM_CLASS (klass),
                                      G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                      G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoOverviewPage, flow);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_overview_page_init (TechoOverviewPage *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

const char *
techo_overview_page_get_value (TechoOverviewPage *self,
                               const char        *key)
{
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  return label != NULL ? gtk_label_get_text (label) : NULL;
}

const char *
techo_overview_page_get_status (TechoOverviewPage *self,
                                const char        *key)
{
  return g_hash_table_lookup (self->statuses, key);
}

const char *
techo_overview_page_get_metabolic (TechoOverviewPage *self)
{
  return self->metabolic_text;
}

guint
techo_overview_page_get_n_duplicates (TechoOverviewPage *self)
{
  return self->n_duplicates;
}
