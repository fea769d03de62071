/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-screenings-page"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-format.h"
#include "techo-screenings-page.h"
#include "techo-widget-util.h"

struct _TechoScreeningsPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkBox *box;

  TechoRecordSet *records;
  char *today;            /* YYYY-MM-DD, when the records were last shown */
  GHashTable *states;     /* cancer key → state words */
  GHashTable *urgent;     /* cancer key → "followup" / "due" / "overdue" */
  guint n_cancers;
  guint n_followups;
};

static void techo_screenings_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoScreeningsPage, techo_screenings_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_screenings_page_page_init))

/* The plain words of a screening's result: the main item's display. */
static char *
result_words (const TechoCancerInfo *info,
              const TechoScreening  *screening)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; screening->items != NULL && i < screening->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (screening->items, i);
      const char *display = item->display;

      if (!techo_analysis_item_has_value (item))
        continue;
      if (display == NULL)
        display = techo_reference_item_value_display (item->code, item->value);
      if (display == NULL)
        continue;
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append (text, display);
    }
  if (screening->followup_value != NULL)
    {
      const char *display = screening->followup_display;

      if (display == NULL && screening->followup_code != NULL)
        display = techo_reference_item_value_display (screening->followup_code,
                                                      screening->followup_value);
      if (display != NULL)
        {
          if (text->len > 0)
            g_string_append (text, " · ");
          g_string_append (text, display);
        }
    }
  if (text->len == 0)
    g_string_append (text, _("Result not recorded"));
  return g_string_free (text, FALSE);
}

static void
add_cancer (TechoScreeningsPage   *self,
            const TechoCancerInfo *info)
{
  g_auto(TechoScreeningSummary) summary = { 0 };
  GPtrArray *of_cancer;
  const char *last_primary;
  const char *due_on;
  g_autofree char *state = NULL;
  TechoScreeningDue due;
  gboolean followup;
  GtkWidget *group, *row;

  techo_analysis_screening (self->records, info->cancer, self->today, &summary);
  of_cancer = summary.screenings;
  last_primary = summary.last_primary_on;
  due = summary.due;
  due_on = summary.due_on;
  /* Not eligible and nothing on record: leave it out rather than call it due. */
  if (due == TECHO_SCREENING_NOT_ELIGIBLE && of_cancer->len == 0)
    return;
  followup = summary.followup_outstanding;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), techo_format_cancer_name (info));

  row = adw_action_row_new ();
  if (followup)
    {
      state = g_strdup (_("Follow-up needed: a detailed examination is recommended"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 techo_chip_new_folding (_("Follow-up needed"), "dialog-error-symbolic",
                                                   "error"));
      g_hash_table_insert (self->urgent, g_strdup (info->key), (gpointer) "followup");
      self->n_followups++;
    }
  else if (due == TECHO_SCREENING_NOT_YET)
    {
      g_autofree char *date = techo_format_date (due_on);

      state = g_strdup_printf (_("Next due: %s"), date);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 techo_chip_new_folding (_("Up to date"), "object-select-symbolic", NULL));
    }
  else if (due == TECHO_SCREENING_DUE || due == TECHO_SCREENING_OVERDUE)
    {
      /* With nothing on record Techo cannot tell late from never (it may
       * have been done at work): the summary says "due", not "overdue". */
      state = g_strdup (last_primary == NULL ? _("No screening recorded: one is due")
                                             : _("It is time for the next screening"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 due == TECHO_SCREENING_OVERDUE
                                   ? techo_chip_new_folding (_("Overdue"), "dialog-warning-symbolic",
                                                       "warning")
                                   : techo_chip_new_folding (_("Due"), "alarm-symbolic", "accent"));
      g_hash_table_insert (self->urgent, g_strdup (info->key),
                           (gpointer) (due == TECHO_SCREENING_OVERDUE ? "overdue" : "due"));
    }
  else
    {
      state = g_strdup (_("Not in the national programme for your age and sex"));
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), state);
  gtk_widget_add_css_class (row, followup ? "error-row" : "state-row");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  g_hash_table_insert (self->states, g_strdup (info->key), g_strdup (state));

  for (guint i = 0; i < of_cancer->len; i++)
    {
      const TechoScreening *s = g_ptr_array_index (of_cancer, i);
      g_autofree char *date = techo_format_date (s->performed_on);
      g_autofree char *words = result_words (info, s);
      g_autofree char *title = NULL;
      GtkWidget *history = adw_action_row_new ();

      title = techo_reference_screening_is_detailed (s)
                ? g_strdup_printf (_("%s · detailed examination"), date)
                : g_strdup (date);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (history), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (history), words);
      if (s->municipality_name != NULL)
        {
          GtkWidget *place = gtk_label_new (s->municipality_name);

          gtk_widget_add_css_class (place, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (history), place);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), history);
    }

  /* Follow-ups first: they are the most urgent. */
  if (followup)
    gtk_box_prepend (self->box, group);
  else
    gtk_box_append (self->box, group);
  self->n_cancers++;
}

static void
rebuild (TechoScreeningsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->box))) != NULL)
    gtk_box_remove (self->box, child);
  g_hash_table_remove_all (self->states);
  g_hash_table_remove_all (self->urgent);
  self->n_cancers = self->n_followups = 0;
  g_free (self->today);
  self->today = techo_format_today ();   /* honours TECHO_TODAY */

  if (self->records != NULL && self->records->profile != NULL)
    for (guint c = 0; c < TECHO_N_CANCERS; c++)
      add_cancer (self, techo_reference_cancer (c));
  gtk_stack_set_visible_child_name (self->stack, self->n_cancers > 0 ? "content" : "empty");
}

static void
techo_screenings_page_dispose (GObject *object)
{
  TechoScreeningsPage *self = TECHO_SCREENINGS_PAGE (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_SCREENINGS_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->records, techo_record_set_unref);
  G_OBJECT_CLASS (techo_screenings_page_parent_class)->dispose (object);
}

static void
techo_screenings_page_finalize (GObject *object)
{
  TechoScreeningsPage *self = TECHO_SCREENINGS_PAGE (object);

  g_hash_table_unref (self->states);
  g_hash_table_unref (self->urgent);
  g_free (self->today);
  G_OBJECT_CLASS (techo_screenings_page_parent_class)->finalize (object);
}

static void
techo_screenings_page_set_records (TechoPage      *page,
                                   TechoRecordSet *records)
{
  TechoScreeningsPage *self = TECHO_SCREENINGS_PAGE (page);

  techo_page_replace_records (&self->records, records);
  rebuild (self);
}

static void
techo_screenings_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_screenings_page_set_records;
}

static void
techo_screenings_page_class_init (TechoScreeningsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_screenings_page_dispose;
  object_class->finalize = techo_screenings_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-screenings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoScreeningsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoScreeningsPage, box);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_screenings_page_init (TechoScreeningsPage *self)
{
  self->states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->urgent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
}

guint
techo_screenings_page_get_n_cancers (TechoScreeningsPage *self)
{
  return self->n_cancers;
}

guint
techo_screenings_page_get_n_followups (TechoScreeningsPage *self)
{
  return self->n_followups;
}

const char *
techo_screenings_page_get_state (TechoScreeningsPage *self,
                                 const char          *cancer)
{
  return g_hash_table_lookup (self->states, cancer);
}
