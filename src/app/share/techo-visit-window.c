/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Visit mode's window: what it shows (only the record set the consent
 * gate gathered). Leaving it is techo-visit-leave.c. */

#define G_LOG_DOMAIN "techo-visit-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-chart-view.h"
#include "techo-error-text.h"
#include "techo-checkup-table.h"
#include "techo-format.h"
#include "techo-trends-page.h"
#include "techo-visit-window-private.h"

#define MAX_CHARTS 4

/* The analytes whose trends a doctor asks about first, in order. */
static const char * const trend_keys[] = {
  "hba1c", "sbp", "ldl", "bmi", "glucose_fasting", "tg_fasting", "hdl", "egfr", "waist", "dbp",
};

G_DEFINE_FINAL_TYPE (TechoVisitWindow, techo_visit_window, ADW_TYPE_WINDOW)

/* ---- building the page ----------------------------------------------------- */

static void
ensure_css (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  /* Half as large again; headings and captions scale with it. */
  gtk_css_provider_load_from_data (provider,
                                   "window.techo-visit { font-size: 150%; }\n"
                                   "window.techo-visit .visit-value { font-weight: bold; }\n",
                                   -1);
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static AdwPreferencesGroup *
add_section (TechoVisitWindow *self,
             const char       *name,
             const char       *title,
             const char       *description)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *heading = gtk_label_new (title);

  /* A heading of our own: the group's title keeps a fixed small size. */
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_label_set_wrap (GTK_LABEL (heading), TRUE);
  gtk_widget_add_css_class (heading, "title-2");
  gtk_widget_set_margin_top (heading, 12);
  gtk_box_append (self->content_box, heading);
  if (description != NULL)
    {
      GtkWidget *label = gtk_label_new (description);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (self->content_box, label);
    }
  gtk_box_append (self->content_box, group);
  g_ptr_array_add (self->sections, g_strdup (name));
  return ADW_PREFERENCES_GROUP (group);
}

static void
count_row (TechoVisitWindow *self,
           const char       *section)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, section));

  g_hash_table_insert (self->counts, g_strdup (section), GUINT_TO_POINTER (n + 1));
}

static GtkWidget *
value_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "visit-value");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  return label;
}

static void
build_checkup (TechoVisitWindow *self)
{
  const TechoCheckup *latest;
  g_autofree char *date = NULL;
  g_autofree char *description = NULL;
  AdwPreferencesGroup *group;
  guint n_analytes;
  const TechoAnalyte *analytes = techo_reference_analytes (&n_analytes);

  if (self->records->checkups->len == 0)
    return;
  latest = g_ptr_array_index (self->records->checkups, 0);
  date = techo_format_date (latest->performed_on);
  description = latest->institution_name != NULL
                ? g_strdup_printf ("%s · %s", date, latest->institution_name)
                : g_strdup (date);
  group = add_section (self, "checkup", _("Latest checkup"), description);

  /* In the reference's order, which follows the official form. */
  for (guint i = 0; i < n_analytes; i++)
    {
      const TechoAnalyte *analyte = &analytes[i];
      TechoReading reading, before;
      g_autofree char *value = NULL;
      GtkWidget *row, *label;

      if (!techo_analysis_latest (self->records, analyte, &reading, &before))
        continue;
      value = techo_format_value (analyte, reading.item);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_analyte_name (analyte));
      if (before.item != NULL)
        {
          g_autofree char *previous_value = techo_format_value (analyte, before.item);
          g_autofree char *previous_date = techo_format_date (before.date);
          /* Translators: the value at the checkup before, e.g. "Previous: 6.1 % (12 Jun 2024)". */
          g_autofree char *subtitle = g_strdup_printf (_("Previous: %s (%s)"), previous_value,
                                                       previous_date);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
      label = value_label (value);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      /* Items without thresholds (height, the doctor's opinion) carry no chip. */
      if (reading.status != TECHO_STATUS_UNKNOWN)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), techo_status_chip_new (reading.status));
      adw_preferences_group_add (group, row);
      g_hash_table_insert (self->values, g_strdup (analyte->key), label);
      g_hash_table_insert (self->statuses, g_strdup (analyte->key),
                           GINT_TO_POINTER (reading.status));
      count_row (self, "checkup");
    }

  /* The checkups before it side by side, as on the paper result form. */
  if (self->records->checkups->len > 1)
    {
      GtkWidget *table = techo_checkup_table_new ();
      GtkWidget *frame = gtk_scrolled_window_new ();

      techo_checkup_table_set_records (TECHO_CHECKUP_TABLE (table), self->records);
      gtk_widget_set_margin_top (table, 12);
      gtk_widget_set_margin_bottom (table, 12);
      gtk_widget_set_margin_start (table, 12);
      gtk_widget_set_margin_end (table, 12);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (frame), GTK_POLICY_AUTOMATIC,
                                      GTK_POLICY_NEVER);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (frame), TRUE);
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (frame), table);
      gtk_widget_add_css_class (frame, "card");
      gtk_box_append (self->content_box, frame);
    }
}

static void
build_trends (TechoVisitWindow   *self,
              const char * const *analytes)
{
  const char * const *keys = analytes != NULL ? analytes : trend_keys;
  guint n_keys = analytes != NULL ? g_strv_length ((char **) analytes) : G_N_ELEMENTS (trend_keys);
  guint most = analytes != NULL ? n_keys : MAX_CHARTS;
  AdwPreferencesGroup *group = NULL;
  guint shown = 0;

  if (self->records->checkups->len < 2)
    return;
  for (guint i = 0; i < n_keys && shown < most; i++)
    {
      const TechoAnalyte *analyte = techo_reference_analyte (keys[i]);
      g_autoptr(TechoChartModel) model = NULL;
      GtkWidget *box, *title, *chart, *frame;

      if (analyte == NULL)
        continue;
      model = techo_trends_page_build_model (self->records, analyte);
      if (techo_chart_model_get_n_points (model) < 2)
        continue;
      if (group == NULL)
        group = add_section (self, "trends", _("Trends"), NULL);
      box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      title = gtk_label_new (techo_format_analyte_name (analyte));
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_add_css_class (title, "heading");
      gtk_box_append (GTK_BOX (box), title);
      chart = techo_chart_view_new (FALSE);
      techo_chart_view_set_model (TECHO_CHART_VIEW (chart), model);
      gtk_widget_set_size_request (chart, -1, 280);
      frame = gtk_frame_new (NULL);
      gtk_widget_add_css_class (frame, "view");
      gtk_frame_set_child (GTK_FRAME (frame), chart);
      gtk_box_append (GTK_BOX (box), frame);
      gtk_widget_set_margin_bottom (box, 12);
      adw_preferences_group_add (group, box);
      count_row (self, "trends");
      shown++;
    }
}

static void
build_medication (TechoVisitWindow *self)
{
  g_autoptr(GPtrArray) duplicates = techo_analysis_duplicates (self->records->dispensings,
                                                               self->today, NULL);
  AdwPreferencesGroup *group;

  group = add_section (self, "medication", _("Current medicines"),
                       _("Dispensed medicines whose supply reaches today."));
  for (guint i = 0; i < self->records->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (self->records->dispensings, i);
      g_autofree char *date = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *purpose = NULL;
      GtkWidget *row;
      gboolean duplicate = FALSE;

      if (!techo_analysis_is_current (d, self->today))
        continue;
      for (guint k = 0; duplicates != NULL && k < duplicates->len; k++)
        if (g_ptr_array_index (duplicates, k) == d)
          duplicate = TRUE;
      date = techo_format_date (d->dispensed_on);
      purpose = techo_format_medicine_purpose (d, self->records->entries, TRUE);
      /* Translators: usage · date dispensed · prescriber, e.g. "1日1回 朝食後 · 20 Aug 2025 · みなと内科". */
      subtitle = g_strdup_printf (_("%s · %s · %s"), d->usage != NULL ? d->usage : "", date,
                                  d->prescriber_name != NULL ? d->prescriber_name : "");
      /* What it is for first: its class and the person's own note. */
      if (purpose != NULL)
        {
          char *both = g_strdup_printf ("%s\n%s", purpose, subtitle);

          g_free (subtitle);
          subtitle = both;
        }
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->drug_name != NULL ? d->drug_name : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      if (duplicate)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                     techo_chip_new (_("Same ingredient from another clinic"),
                                                     "dialog-warning-symbolic", "warning"));
          gtk_widget_add_css_class (row, "warning-row");
        }
      adw_preferences_group_add (group, row);
      count_row (self, "medication");
    }
  if (g_hash_table_lookup (self->counts, "medication") == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No current medicines"));
      adw_preferences_group_add (group, row);
    }
}

/* What the medication notebook says a doctor must see: allergies and side
 * effects first, then OTC medicines and supplements. */
static void
build_notebook (TechoVisitWindow *self)
{
  AdwPreferencesGroup *group = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (techo_format_notebook_shown); k++)
    for (guint i = 0; i < self->records->entries->len; i++)
      {
        const TechoNotebookEntry *e = g_ptr_array_index (self->records->entries, i);
        g_autofree char *origin = NULL;
        g_autofree char *subtitle = NULL;
        GtkWidget *row;

        if (e->kind != techo_format_notebook_shown[k] || e->text == NULL)
          continue;
        if (group == NULL)
          group = add_section (self, "notebook", _("Allergies, side effects and OTC medicines"),
                               _("From the medication notebook and the person's own notes."));
        origin = techo_format_entry_origin (e);
        /* Translators: an entry's detail (or kind) · where it came from. */
        subtitle = g_strdup_printf (_("%s · %s"),
                                    e->detail != NULL ? e->detail
                                                      : techo_format_notebook_kind (e->kind),
                                    origin);
        row = adw_action_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->text);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   techo_chip_new (techo_format_notebook_kind (e->kind),
                                                   e->kind != TECHO_NOTEBOOK_OTC
                                                     ? "dialog-warning-symbolic" : NULL,
                                                   e->kind != TECHO_NOTEBOOK_OTC
                                                     ? "warning" : NULL));
        adw_preferences_group_add (group, row);
        count_row (self, "notebook");
      }
}

static char *
screening_result (const TechoScreening *screening)
{
  const char *display = screening->followup_display;

  if (display == NULL && screening->followup_code != NULL && screening->followup_value != NULL)
    display = techo_reference_item_value_display (screening->followup_code,
                                                  screening->followup_value);
  if (display != NULL)
    return g_strdup (display);
  return g_strdup (techo_reference_screening_positive (screening)
                   ? _("Detailed examination needed") : _("No abnormality"));
}

/* The latest screening of each cancer (of any stage), not every one on
 * record: what the doctor needs is where each stands now. */
static void
build_screening (TechoVisitWindow *self)
{
  AdwPreferencesGroup *group = NULL;

  for (int cancer = 0; cancer < TECHO_N_CANCERS; cancer++)
    {
      g_auto(TechoScreeningSummary) summary = { 0 };
      const TechoScreening *s;
      g_autofree char *date = NULL;
      g_autofree char *result = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      techo_analysis_screening (self->records, cancer, self->today, &summary);
      s = summary.last;
      if (s == NULL)
        continue;
      if (group == NULL)
        group = add_section (self, "screening", _("Cancer screenings"),
                             _("The latest result of each screening."));
      date = techo_format_date (s->performed_on);
      result = screening_result (s);
      row = adw_action_row_new ();
      /* Translators: date · municipality, e.g. "1 Mar 2025 · 港区". */
      subtitle = g_strdup_printf (_("%s · %s"), date,
                                  s->municipality_name != NULL ? s->municipality_name : "");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     techo_format_cancer_name (summary.info));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 techo_chip_new (result, NULL,
                                                 techo_reference_screening_positive (s) ? "warning" : NULL));
      adw_preferences_group_add (group, row);
      count_row (self, "screening");
    }
}

static void
build (TechoVisitWindow   *self,
       const TechoConsent *consent,
       const char * const *analytes)
{
  TechoProfile *profile = self->records->profile;
  g_autofree char *subtitle = NULL;

  /* Translators: the visit-mode subtitle: who it is shown to, and why. */
  subtitle = g_strdup_printf (_("For %s · %s"), consent->recipient, consent->purpose);
  adw_window_title_set_subtitle (self->window_title, subtitle);
  /* Whose records these are, in the header at all times (a family shares
   * one store): the person's name, with "Visit Mode" beside it. */
  if (profile != NULL && (profile->name != NULL || profile->name_kana != NULL))
    {
      g_autofree char *title = NULL;

      /* Translators: the visit-mode title: the person whose records are shown. */
      title = g_strdup_printf (_("%s · Visit Mode"),
                               profile->name != NULL ? profile->name : profile->name_kana);
      adw_window_title_set_title (self->window_title, title);
    }
  if (profile != NULL && profile->name != NULL)
    {
      GtkWidget *name = gtk_label_new (profile->name);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_widget_add_css_class (name, "title-1");
      gtk_box_append (self->content_box, name);
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP))
    {
      build_checkup (self);
      build_trends (self, analytes);
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION))
    {
      build_notebook (self);
      build_medication (self);
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING))
    build_screening (self);
  if (self->sections->len == 0)
    {
      GtkWidget *empty = adw_status_page_new ();

      adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "folder-open-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("Nothing to Show"));
      adw_status_page_set_description (ADW_STATUS_PAGE (empty),
                                       _("There are no records in the chosen categories and period."));
      gtk_box_append (self->content_box, empty);
    }
}

static void
leave_clicked_cb (TechoVisitWindow *self)
{
  techo_visit_window_request_leave (self);
}

/* ---- lifecycle ------------------------------------------------------ */

static void
techo_visit_window_dispose (GObject *object)
{
  TechoVisitWindow *self = TECHO_VISIT_WINDOW (object);

  if (self->leave_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->leave_dialog));
  self->leave_dialog = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_VISIT_WINDOW);
  G_OBJECT_CLASS (techo_visit_window_parent_class)->dispose (object);
}

static void
techo_visit_window_finalize (GObject *object)
{
  TechoVisitWindow *self = TECHO_VISIT_WINDOW (object);

  if (self->owner != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->owner), (gpointer *) &self->owner);
  g_clear_object (&self->store);
  g_clear_object (&self->check_store);
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_pointer (&self->today, g_free);
  g_clear_pointer (&self->values, g_hash_table_unref);
  g_clear_pointer (&self->statuses, g_hash_table_unref);
  g_clear_pointer (&self->sections, g_ptr_array_unref);
  g_clear_pointer (&self->counts, g_hash_table_unref);
  G_OBJECT_CLASS (techo_visit_window_parent_class)->finalize (object);
}

static void
techo_visit_window_class_init (TechoVisitWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = techo_visit_window_dispose;
  object_class->finalize = techo_visit_window_finalize;
  window_class->close_request = techo_visit_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-visit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoVisitWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TechoVisitWindow, leave_button);
  gtk_widget_class_bind_template_child (widget_class, TechoVisitWindow, content_box);
  gtk_widget_class_bind_template_callback (widget_class, leave_clicked_cb);

  gtk_widget_class_install_action (widget_class, "visit.leave", NULL,
                                   techo_visit_window_leave_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "visit.leave", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "visit.leave", NULL);
}

static void
techo_visit_window_init (TechoVisitWindow *self)
{
  ensure_css ();
  gtk_widget_init_template (GTK_WIDGET (self));
  self->sections = g_ptr_array_new_with_free_func (g_free);
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* ---- public API ------------------------------------------------------ */

TechoVisitWindow *
techo_visit_window_new (GtkWindow          *owner,
                        TechoStore         *store,
                        TechoRecordSet     *records,
                        const TechoConsent *consent,
                        const char * const *analytes)
{
  TechoVisitWindow *self;

  g_return_val_if_fail (TECHO_IS_STORE (store), NULL);
  g_return_val_if_fail (records != NULL && consent != NULL, NULL);

  self = g_object_new (TECHO_TYPE_VISIT_WINDOW, NULL);
  self->owner = owner;
  /* Not added to the application: its shortcuts and app.* actions
   * (preferences, delete everything) stay out of reach; the hidden main
   * window keeps the application running. */
  if (owner != NULL)
    g_object_add_weak_pointer (G_OBJECT (owner), (gpointer *) &self->owner);
  self->store = g_object_ref (store);
  self->records = techo_record_set_ref (records);
  self->today = techo_format_today ();   /* honours TECHO_TODAY */
  build (self, consent, analytes);
  techo_visit_window_load_pin_state (self);
  return self;
}

void
techo_visit_window_start (TechoVisitWindow *self)
{
  gtk_window_fullscreen (GTK_WINDOW (self));
  gtk_window_present (GTK_WINDOW (self));
  /* Nothing else is reachable: the main window is hidden until the
   * owner leaves. */
  if (self->owner != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->owner), FALSE);
}

char **
techo_visit_window_dup_sections (TechoVisitWindow *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **sections;

  for (guint i = 0; i < self->sections->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->sections, i));
  sections = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return sections;
}

guint
techo_visit_window_get_n_rows (TechoVisitWindow *self,
                               const char       *section)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (self->counts, section));
}

static void
collect_text (GtkWidget *widget,
              GString   *text)
{
  if (GTK_IS_LABEL (widget))
    {
      g_string_append (text, gtk_label_get_text (GTK_LABEL (widget)));
      g_string_append_c (text, '\n');
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, text);
}

char *
techo_visit_window_dup_text (TechoVisitWindow *self)
{
  GString *text = g_string_new (NULL);

  collect_text (GTK_WIDGET (self), text);
  return g_string_free (text, FALSE);
}

const char *
techo_visit_window_get_value (TechoVisitWindow *self,
                              const char       *key,
                              TechoStatus      *out_status)
{
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  if (out_status != NULL)
    *out_status = GPOINTER_TO_INT (g_hash_table_lookup (self->statuses, key));
  return label != NULL ? gtk_label_get_text (label) : NULL;
}
