/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-overview-page"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-columns.h"
#include "techo-format.h"
#include "techo-overview-page.h"
#include "techo-widget-util.h"

struct _TechoOverviewPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  AdwClamp *clamp;
  TechoColumns *columns;

  TechoRecordSet *records;
  char *today;           /* YYYY-MM-DD, when the records were last shown */
  GHashTable *values;    /* analyte key → GtkLabel (value) */
  GHashTable *statuses;  /* analyte key → status words */
  GHashTable *answers;   /* "checkup", "medicines", "screenings", "sync" → card */
  char *metabolic_text;
  char *guidance_reason; /* the reason shown beside the level, or NULL */
  char *sync_text;       /* the sync card's words as shown */
  guint n_duplicates;
  guint n_out_of_range;

  /* What the last sync of this run brought (none yet: NULL when). */
  GDateTime *sync_when;
  char *sync_news;       /* NULL: nothing new */
  char *sync_page;       /* the page that shows it */
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

/* A card in the first or the second column; @answer names it for
 * techo_overview_page_get_answer (NULL: not one of the four answers). */
static void
add_card (TechoOverviewPage *self,
          GtkWidget         *group,
          gboolean           second_column,
          const char        *answer)
{
  gtk_box_append (second_column ? techo_columns_get_end (self->columns)
                                : techo_columns_get_start (self->columns),
                  group);
  if (answer != NULL)
    g_hash_table_insert (self->answers, g_strdup (answer), group);
}

/* @row opens @page (win.show-page) when activated. */
static void
link_row (GtkWidget  *row,
          const char *page)
{
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "win.show-page");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (row), g_variant_new_string (page));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
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

static GtkWidget *
analyte_row (TechoOverviewPage  *self,
             const char         *key,
             const TechoAnalyte *analyte,
             const TechoReading *reading,
             const TechoReading *before)
{
  g_autofree char *value = techo_format_value (analyte, reading->item);
  g_autofree char *change = NULL;
  GtkWidget *row, *value_label;

  if (before->item != NULL)
    change = techo_format_change (analyte, reading->item->value, before->item->value);
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
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), techo_status_chip_new (reading->status));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "analyte-key", g_strdup (key), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (row_activated_cb), self);

  g_hash_table_insert (self->values, g_strdup (key), value_label);
  g_hash_table_insert (self->statuses, g_strdup (key),
                       g_strdup (techo_format_status_label (reading->status)));
  return row;
}

/* The latest checkup: the items out of range first (see a doctor, then
 * guidance), the rest folded behind "All items". */
static void
add_latest_checkup_card (TechoOverviewPage *self)
{
  const TechoCheckup *latest = g_ptr_array_index (self->records->checkups, 0);
  g_autofree char *date = techo_format_date (latest->performed_on);
  g_autofree char *description = NULL;
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *expander = adw_expander_row_new ();
  gboolean has_hba1c = techo_analysis_find_key (latest, "hba1c") != NULL;
  guint n_folded = 0;

  description = g_strdup_printf ("%s · %s%s%s", date, techo_format_checkup_kind (self->records, latest),
                                 latest->institution_name != NULL ? " · " : "",
                                 latest->institution_name != NULL ? latest->institution_name : "");
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Latest checkup"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  self->n_out_of_range = 0;

  /* Three passes: see a doctor, guidance, then the rest. */
  for (guint pass = 0; pass < 3; pass++)
    for (guint i = 0; i < G_N_ELEMENTS (key_analytes); i++)
      {
        const char *key = key_analytes[i];
        const TechoAnalyte *analyte = techo_reference_analyte (key);
        TechoReading reading, before;
        gboolean out_of_range;
        GtkWidget *row;

        if (analyte == NULL || !techo_analysis_latest (self->records, analyte, &reading, &before))
          continue;
        /* HbA1c, when measured, stands for blood glucose on this card. */
        if (has_hba1c && g_str_has_prefix (key, "glucose_"))
          continue;
        out_of_range = reading.status == TECHO_STATUS_SEE_DOCTOR
                       || reading.status == TECHO_STATUS_GUIDANCE;
        if ((pass == 0 && reading.status != TECHO_STATUS_SEE_DOCTOR)
            || (pass == 1 && reading.status != TECHO_STATUS_GUIDANCE)
            || (pass == 2 && out_of_range))
          continue;
        row = analyte_row (self, key, analyte, &reading, &before);
        if (out_of_range)
          {
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
            self->n_out_of_range++;
          }
        else
          {
            adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
            n_folded++;
          }
      }

  if (self->n_out_of_range == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("object-select-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("Every item is within the normal range"));
      gtk_widget_add_css_class (icon, "success");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (n_folded > 0)
    {
      g_autofree char *subtitle = g_strdup_printf (ngettext ("%u more item, within the normal range",
                                                             "%u more items, within the normal range",
                                                             n_folded), n_folded);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("All items"));
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
    }
  else
    {
      g_object_ref_sink (expander);
      g_object_unref (expander);
    }
  add_card (self, group, FALSE, "checkup");
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

  /* The official words as on the result sheet; marked "computed" when
   * Techo worked them out because the source did not say. */
  metabolic_text = techo_format_assessment (techo_metabolic_result_label_ja (metabolic),
                                            metabolic_reported);
  level_text = techo_format_assessment (techo_guidance_level_label_ja (level), level_reported);

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
  /* The reason beside the level: a 基準該当 next to なし（情報提供） is
   * explained where both are seen. */
  {
    g_autofree char *reason = techo_format_guidance_reason (&assessment);

    if (reason != NULL)
      {
        const char *meaning = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
        g_autofree char *subtitle = meaning != NULL && *meaning != '\0'
                                      ? g_strdup_printf ("%s. %s", meaning, reason)
                                      : g_strdup (reason);

        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        g_free (self->guidance_reason);
        self->guidance_reason = g_steal_pointer (&reason);
      }
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             techo_chip_new (level_text,
                                             level == TECHO_GUIDANCE_ACTIVE ? "dialog-warning-symbolic" : NULL,
                                             level == TECHO_GUIDANCE_ACTIVE ? "warning" : NULL));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_free (self->metabolic_text);
  self->metabolic_text = g_steal_pointer (&metabolic_text);
  add_card (self, group, FALSE, NULL);
}

/* Medicines whose supply runs today are listed up to this many; the
 * rest are one row away, on the Medicines page. */
#define MAX_MEDICINE_ROWS 4
/* A duplicate that ended within this many days is still worth a word. */
#define RECENT_DUPLICATE_DAYS 90
/* Duplicates are named up to this many; the rest are counted in one row
 * that opens the Medicines page, so the card stays a glance (and the
 * first frame lays out a few rows, not decades of overlaps). */
#define MAX_DUPLICATE_ROWS 3

static void
add_medicines_card (TechoOverviewPage *self,
                    gboolean           second_column)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GPtrArray) supplies = g_ptr_array_new ();
  g_autoptr(GPtrArray) duplicates = NULL;
  g_autoptr(GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *recent = techo_format_add_days (self->today, -RECENT_DUPLICATE_DAYS);
  guint n_rows = 0;
  guint n_more = 0;
  guint n_more_duplicates = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Medicines now"));

  /* Only supplies still running on the day RECENT_DUPLICATE_DAYS ago can
   * make a duplicate worth a word or run today: the card sweeps those
   * (newest first, as the records are), not the months before (a
   * household's 13 months can hold 14,000 lines). */
  for (guint i = 0; i < self->records->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (self->records->dispensings, i);

      if (techo_analysis_is_current (d, recent))
        g_ptr_array_add (supplies, d);
    }
  duplicates = techo_analysis_duplicates (supplies, NULL, NULL);

  /* Duplicate therapy first: going on now, or over within three months
   * (said in the past tense, with its days). */
  self->n_duplicates = 0;
  for (guint i = 0; i + 1 < duplicates->len; i += 2)
    {
      const TechoDispensing *a = g_ptr_array_index (duplicates, i);
      const TechoDispensing *b = g_ptr_array_index (duplicates, i + 1);
      g_autofree char *end = techo_format_duplicate_end (a, b);
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row, *icon;

      if (end == NULL || g_strcmp0 (end, recent) < 0)
        continue;
      self->n_duplicates++;
      if (self->n_duplicates > MAX_DUPLICATE_ROWS)
        {
          n_more_duplicates++;
          continue;
        }
      row = adw_action_row_new ();
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      title = g_strdup_printf (_("Possible duplicate: %s"),
                               a->ingredient_name != NULL ? a->ingredient_name : a->drug_name);
      subtitle = techo_format_duplicate (a, b, self->today);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "warning-row");
      link_row (row, "medicines");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (n_more_duplicates > 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *title = g_strdup_printf (ngettext ("%u more possible duplicate",
                                                          "%u more possible duplicates",
                                                          n_more_duplicates),
                                                n_more_duplicates);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "warning-row");
      link_row (row, "medicines");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }

  for (guint i = 0; i < supplies->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (supplies, i);
      int days_left = techo_analysis_days_left (d, self->today);
      g_autofree char *left = NULL;
      GtkWidget *row, *label;

      if (days_left <= 0 || d->drug_name == NULL
          || g_hash_table_contains (shown, d->drug_name))
        continue;
      g_hash_table_add (shown, d->drug_name);
      if (n_rows >= MAX_MEDICINE_ROWS)
        {
          n_more++;
          continue;
        }
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->drug_name);
      if (d->prescriber_name != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), d->prescriber_name);
      left = g_strdup_printf (ngettext ("%d day left", "%d days left", days_left),
                              days_left);
      /* Running out within a week: said in the warning style too. */
      label = suffix_label (left, days_left <= 7 ? "warning" : "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      n_rows++;
    }
  if (n_more > 0)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (ngettext ("%u more medicine",
                                                          "%u more medicines", n_more), n_more);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      link_row (row, "medicines");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (n_rows == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No medicine supply runs today"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  add_card (self, group, second_column, "medicines");
}

/* One row naming every cancer in @names (a GPtrArray of const char *). */
static void
add_screening_list_row (GtkWidget  *group,
                        const char *title,
                        GPtrArray  *names,
                        GtkWidget  *chip)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *list = NULL;

  g_ptr_array_add (names, NULL);
  /* Translators: joins cancer names: "Lung, Colorectal, Breast". */
  list = g_strjoinv (_(", "), (char **) names->pdata);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), list);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), chip);
  link_row (row, "screenings");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* Follow-ups outstanding first (one row each, in the error style), then
 * the screenings overdue, due, and up to date, one row for each. */
static void
add_screenings_card (TechoOverviewPage *self,
                     gboolean           second_column)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GPtrArray) overdue = g_ptr_array_new ();
  g_autoptr(GPtrArray) due = g_ptr_array_new ();
  g_autoptr(GPtrArray) later = g_ptr_array_new_with_free_func (g_free);
  guint n_rows = 0;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Cancer screenings"));

  for (guint c = 0; c < TECHO_N_CANCERS; c++)
    {
      g_auto(TechoScreeningSummary) summary = { 0 };
      const char *name;

      techo_analysis_screening (self->records, c, self->today, &summary);
      name = techo_format_cancer_name (summary.info);
      if (summary.followup_outstanding)
        {
          GtkWidget *row = adw_action_row_new ();

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                       _("A detailed examination is recommended and none is recorded"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     techo_chip_new (_("Follow-up needed"), "dialog-error-symbolic",
                                                     "error"));
          link_row (row, "screenings");
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          n_rows++;
          continue;
        }
      switch (summary.due)
        {
        case TECHO_SCREENING_NOT_ELIGIBLE:
          break;
        case TECHO_SCREENING_NOT_YET:
          {
            g_autofree char *date = techo_format_date (summary.due_on);

            /* Translators: a cancer and when its next screening is due. */
            g_ptr_array_add (later, g_strdup_printf (_("%s (next: %s)"), name, date));
          }
          break;
        case TECHO_SCREENING_OVERDUE:
          g_ptr_array_add (overdue, (gpointer) name);
          break;
        case TECHO_SCREENING_DUE:
        default:
          g_ptr_array_add (due, (gpointer) name);
          break;
        }
    }
  if (overdue->len > 0)
    add_screening_list_row (group, _("Overdue"), overdue,
                            techo_chip_new_folding (_("Overdue"), "dialog-warning-symbolic", "warning"));
  if (due->len > 0)
    add_screening_list_row (group, _("Due now"), due,
                            techo_chip_new_folding (_("Due"), "alarm-symbolic", "accent"));
  if (later->len > 0)
    add_screening_list_row (group, _("Up to date"), later,
                            techo_chip_new_folding (_("Up to date"), "object-select-symbolic", NULL));
  n_rows += overdue->len + due->len + later->len;
  if (n_rows > 0)
    add_card (self, group, second_column, "screenings");
  else
    {
      g_object_ref_sink (group);
      g_object_unref (group);
    }
}

/* When the portal last sent anything, and what the last sync brought. */
static void
add_sync_card (TechoOverviewPage *self,
               gboolean           second_column)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_from_icon_name ("view-refresh-symbolic");
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *title = NULL;
  const char *subtitle = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Since the last sync"));
  if (self->sync_when != NULL)
    when = g_date_time_ref (self->sync_when);
  else if (self->records->synced_at > 0)
    when = g_date_time_new_from_unix_local (self->records->synced_at);

  if (when == NULL)
    {
      title = g_strdup (_("Not synced with My Number Portal"));
      subtitle = _("These records came from files. Sync to add what the portal holds.");
    }
  else
    {
      g_autofree char *time = techo_format_sync_time (when);

      /* Translators: %s is "Today at 14:05" or a date and time. */
      title = g_strdup_printf (_("Last sync: %s"), time);
      if (self->sync_when == NULL)
        subtitle = _("Sync to see what is new.");
      else if (self->sync_news == NULL)
        subtitle = _("Nothing new since the sync before.");
      else
        subtitle = self->sync_news;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Sync Now"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Sync Now"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.sync");
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  if (self->sync_when != NULL && self->sync_news != NULL && self->sync_page != NULL)
    link_row (row, self->sync_page);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_free (self->sync_text);
  self->sync_text = g_strdup_printf ("%s\n%s", title, subtitle);
  add_card (self, group, second_column, "sync");
}

static void
clear_column (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
rebuild (TechoOverviewPage *self)
{
  gboolean has_checkups;

  clear_column (techo_columns_get_start (self->columns));
  clear_column (techo_columns_get_end (self->columns));
  g_hash_table_remove_all (self->values);
  g_hash_table_remove_all (self->statuses);
  g_hash_table_remove_all (self->answers);
  g_clear_pointer (&self->metabolic_text, g_free);
  g_clear_pointer (&self->guidance_reason, g_free);
  g_clear_pointer (&self->sync_text, g_free);
  self->n_duplicates = 0;
  self->n_out_of_range = 0;

  g_free (self->today);
  self->today = techo_format_today ();   /* honours TECHO_TODAY */
  if (self->records == NULL || techo_record_set_is_empty (self->records))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  /* The checkup (and its assessment) on the left; medicines, screenings
   * and the sync on the right: the four answers in one screen. */
  has_checkups = self->records->checkups->len > 0;
  if (has_checkups)
    {
      add_latest_checkup_card (self);
      add_metabolic_card (self);
    }
  add_medicines_card (self, has_checkups);
  add_screenings_card (self, TRUE);
  add_sync_card (self, TRUE);
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
  g_hash_table_unref (self->answers);
  g_free (self->metabolic_text);
  g_free (self->guidance_reason);
  g_free (self->sync_text);
  g_free (self->today);
  g_clear_pointer (&self->sync_when, g_date_time_unref);
  g_free (self->sync_news);
  g_free (self->sync_page);
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
  gtk_widget_class_bind_template_child (widget_class, TechoOverviewPage, clamp);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_overview_page_init (TechoOverviewPage *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->answers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Two columns from 2 × 340 px, one below. */
  self->columns = TECHO_COLUMNS (techo_columns_new (340, 24));
  gtk_widget_set_margin_top (GTK_WIDGET (self->columns), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->columns), 24);
  gtk_widget_set_margin_start (GTK_WIDGET (self->columns), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->columns), 12);
  adw_clamp_set_child (self->clamp, GTK_WIDGET (self->columns));
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

GtkWidget *
techo_overview_page_get_answer (TechoOverviewPage *self,
                                const char        *name)
{
  return g_hash_table_lookup (self->answers, name);
}

gboolean
techo_overview_page_is_two_columns (TechoOverviewPage *self)
{
  return techo_columns_is_side_by_side (self->columns);
}

guint
techo_overview_page_get_n_out_of_range (TechoOverviewPage *self)
{
  return self->n_out_of_range;
}

const char *
techo_overview_page_get_sync_text (TechoOverviewPage *self)
{
  return self->sync_text;
}

void
techo_overview_page_set_sync_news (TechoOverviewPage *self,
                                   GDateTime         *when,
                                   const char        *news,
                                   const char        *page)
{
  g_return_if_fail (TECHO_IS_OVERVIEW_PAGE (self));

  g_clear_pointer (&self->sync_when, g_date_time_unref);
  if (when != NULL)
    self->sync_when = g_date_time_ref (when);
  g_free (self->sync_news);
  self->sync_news = g_strdup (news);
  g_free (self->sync_page);
  self->sync_page = g_strdup (page);
  if (self->records != NULL && !techo_record_set_is_empty (self->records))
    rebuild (self);
}

const char *
techo_overview_page_get_guidance_reason (TechoOverviewPage *self)
{
  return self->guidance_reason;
}
