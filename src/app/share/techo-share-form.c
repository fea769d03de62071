/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share dialog's form: what the person chose (categories, period,
 * trend charts, to whom, why, how, for how long) read into a consent
 * that is not recorded yet. */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-format.h"
#include "techo-share-dialog-private.h"

/* The rows of the "How" combo, in order; the two share rows differ by
 * where the link is served. */
static const TechoConsentMethod methods[] = {
  TECHO_CONSENT_METHOD_VISIT,
  TECHO_CONSENT_METHOD_PRINT,
  TECHO_CONSENT_METHOD_PDF,
  TECHO_CONSENT_METHOD_FHIR,
  TECHO_CONSENT_METHOD_CSV,
  TECHO_CONSENT_METHOD_CDA,
  TECHO_CONSENT_METHOD_SHARE,
  TECHO_CONSENT_METHOD_SHARE,
};
#define HOST_ROW 6
#define THIS_COMPUTER_ROW 7

/* Trend charts offered first, in the order a doctor asks about them. */
static const char * const trend_keys[] = {
  "hba1c", "sbp", "ldl", "bmi", "glucose_fasting", "tg_fasting", "hdl", "dbp", "waist",
  "weight", "egfr", "ast", "alt", "ggt",
};

#define DEFAULT_CHARTS 4

static const gint64 expiry_seconds[] = { 3600, 86400, 7 * 86400, 30 * 86400 };
static const int period_years[] = { 0, 1, 3, 5 };

TechoConsentMethod
techo_share_dialog_current_method (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->method_row);

  return index < G_N_ELEMENTS (methods) ? methods[index] : methods[0];
}

TechoShareLinkKind
techo_share_dialog_current_link_kind (TechoShareDialog *self)
{
  return adw_combo_row_get_selected (self->method_row) == THIS_COMPUTER_ROW
         ? TECHO_SHARE_LINK_THIS_COMPUTER : TECHO_SHARE_LINK_HOST;
}

static guint
chosen_categories (TechoShareDialog *self)
{
  guint categories = 0;

  if (gtk_switch_get_active (self->checkup_switch))
    categories |= 1u << TECHO_CATEGORY_CHECKUP;
  if (gtk_switch_get_active (self->medication_switch))
    categories |= 1u << TECHO_CATEGORY_MEDICATION;
  if (gtk_switch_get_active (self->screening_switch))
    categories |= 1u << TECHO_CATEGORY_SCREENING;
  return categories;
}

static char *
period_from (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->period_row);
  g_autofree char *today = techo_format_today ();
  GDate date;

  if (index >= G_N_ELEMENTS (period_years) || period_years[index] == 0)
    return NULL;
  g_date_clear (&date, 1);
  g_date_set_parse (&date, today);
  if (!g_date_valid (&date))
    return NULL;
  g_date_subtract_years (&date, (guint) period_years[index]);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

static gint64
chosen_expiry (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->expiry_row);

  if (index >= G_N_ELEMENTS (expiry_seconds))
    index = 1;
  return g_get_real_time () / G_USEC_PER_SEC + expiry_seconds[index];
}

TechoConsent *
techo_share_dialog_build_consent (TechoShareDialog *self)
{
  g_autofree char *recipient = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->recipient_row))));
  g_autofree char *purpose = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->purpose_row))));
  TechoConsentMethod method = techo_share_dialog_current_method (self);
  TechoConsent *consent;

  consent = techo_consent_new (recipient, purpose, chosen_categories (self), method);
  consent->period_from = period_from (self);
  if (gtk_switch_get_active (self->checkup_switch) && gtk_switch_get_active (self->latest_switch))
    consent->scope.last_checkups = (guint) gtk_spin_button_get_value_as_int (self->latest_spin);
  if (gtk_switch_get_active (self->medication_switch) && gtk_switch_get_active (self->current_switch))
    consent->scope.current_on = techo_format_today ();
  if (gtk_switch_get_active (self->screening_switch))
    {
      GStrvBuilder *builder = g_strv_builder_new ();
      guint on = 0;

      for (guint i = 0; i < self->cancer_switches->len; i++)
        {
          GtkSwitch *sw = g_ptr_array_index (self->cancer_switches, i);

          if (gtk_switch_get_active (sw))
            {
              g_strv_builder_add (builder, g_object_get_data (G_OBJECT (sw), "cancer-key"));
              on++;
            }
        }
      /* All on is every cancer, also those Techo learns of later. */
      if (on < self->cancer_switches->len)
        consent->scope.cancers = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }
  if (method == TECHO_CONSENT_METHOD_SHARE)
    consent->expires_at = chosen_expiry (self);
  return consent;
}

/* The trend charts chosen, as a NULL-terminated array of keys (empty
 * when none is chosen). */
char **
techo_share_dialog_chosen_analytes (TechoShareDialog *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **keys;

  for (guint i = 0; i < self->analyte_switches->len; i++)
    {
      GtkSwitch *sw = g_ptr_array_index (self->analyte_switches, i);

      if (gtk_switch_get_active (sw))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (sw), "analyte-key"));
    }
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

/* One switch per analyte with at least two values to draw; the first
 * few are on. */
void
techo_share_dialog_fill_analytes (TechoShareDialog *self)
{
  guint on = 0;

  for (guint k = 0; self->records != NULL && k < G_N_ELEMENTS (trend_keys); k++)
    {
      const TechoAnalyte *analyte = techo_reference_analyte (trend_keys[k]);
      GtkWidget *row, *sw;
      guint n;

      if (analyte == NULL)
        continue;
      /* Values the chart can draw, by the one finder. */
      n = techo_analysis_count_numeric (self->records, analyte, 2);
      if (n < 2)
        continue;
      row = adw_action_row_new ();
      sw = gtk_switch_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_analyte_name (analyte));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (sw), on < DEFAULT_CHARTS);
      on += on < DEFAULT_CHARTS;
      g_object_set_data (G_OBJECT (sw), "analyte-key", (gpointer) analyte->key);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      adw_expander_row_add_row (self->analytes_row, row);
      g_ptr_array_add (self->analyte_switches, sw);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->analytes_row), self->analyte_switches->len > 0);
}

/* One switch per cancer, all on: turning some off narrows the share. */
void
techo_share_dialog_fill_cancers (TechoShareDialog *self)
{
  const char * const *keys = techo_record_scope_cancer_keys ();

  for (guint i = 0; keys[i] != NULL; i++)
    {
      const TechoCancerInfo *info = techo_reference_cancer_for_key (keys[i]);
      GtkWidget *row, *sw;

      if (info == NULL)
        continue;
      row = adw_action_row_new ();
      sw = gtk_switch_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_cancer_name (info));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
      g_object_set_data (G_OBJECT (sw), "cancer-key", (gpointer) info->key);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      adw_expander_row_add_row (self->cancers_row, row);
      g_ptr_array_add (self->cancer_switches, sw);
    }
}

void
techo_share_dialog_set_scope (TechoShareDialog   *self,
                              guint               last_checkups,
                              const char * const *cancers,
                              gboolean            current_medicines)
{
  gtk_switch_set_active (self->latest_switch, last_checkups > 0);
  if (last_checkups > 0)
    gtk_spin_button_set_value (self->latest_spin, last_checkups);
  gtk_switch_set_active (self->current_switch, current_medicines);
  for (guint i = 0; i < self->cancer_switches->len; i++)
    {
      GtkSwitch *sw = g_ptr_array_index (self->cancer_switches, i);

      gtk_switch_set_active (sw, cancers == NULL
                                 || g_strv_contains (cancers, g_object_get_data (G_OBJECT (sw),
                                                                                  "cancer-key")));
    }
}

void
techo_share_dialog_set_method (TechoShareDialog   *self,
                               TechoConsentMethod  method)
{
  for (guint i = 0; i < G_N_ELEMENTS (methods); i++)
    if (methods[i] == method)
      {
        adw_combo_row_set_selected (self->method_row, i);
        return;
      }
}

void
techo_share_dialog_set_link_kind (TechoShareDialog   *self,
                                  TechoShareLinkKind  kind)
{
  adw_combo_row_set_selected (self->method_row,
                              kind == TECHO_SHARE_LINK_THIS_COMPUTER ? THIS_COMPUTER_ROW : HOST_ROW);
}

TechoConsentMethod
techo_share_dialog_get_method (TechoShareDialog *self)
{
  return techo_share_dialog_current_method (self);
}

char *
techo_share_time_text (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);
  g_autofree char *iso = g_date_time_format (time, "%Y-%m-%d");
  g_autofree char *date = techo_format_date (iso);
  g_autofree char *clock = g_date_time_format (time, "%H:%M");

  return g_strdup_printf ("%s %s", date, clock);
}
