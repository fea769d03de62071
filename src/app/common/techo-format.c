/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-format"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <adwaita.h>

#include "techo-format.h"

static gboolean japanese_era;

static gboolean
parse_date (const char *iso_date,
            GDate      *date)
{
  int year, month, day;

  g_date_clear (date, 1);
  if (iso_date == NULL || sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3
      || !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

gboolean
techo_format_is_japanese (void)
{
  const char * const *languages = g_get_language_names ();

  /* The first language gettext will use, as LANGUAGE/LC_MESSAGES set it. */
  return languages[0] != NULL && g_str_has_prefix (languages[0], "ja");
}

void
techo_format_set_japanese_era (gboolean value)
{
  japanese_era = value;
}

gboolean
techo_format_get_japanese_era (void)
{
  return japanese_era;
}

char *
techo_format_date (const char *iso_date)
{
  GDate date;
  char buffer[64];

  if (!parse_date (iso_date, &date))
    return g_strdup (iso_date != NULL ? iso_date : "");
  if (techo_format_is_japanese () || japanese_era)
    {
      char *text = techo_reference_format_date (iso_date, japanese_era);

      if (text != NULL)
        return text;
    }
  g_date_strftime (buffer, sizeof buffer, "%-d %b %Y", &date);
  return g_strdup (buffer);
}

char *
techo_format_today (void)
{
  const char *fixed = g_getenv ("TECHO_TODAY");
  g_autoptr(GDateTime) now = NULL;
  GDate date;

  if (fixed != NULL && parse_date (fixed, &date))
    return g_strdup (fixed);
  now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

char *
techo_format_add_days (const char *iso_date,
                       int         days)
{
  GDate date;
  char buffer[16];

  if (!parse_date (iso_date, &date))
    return NULL;
  if (days >= 0)
    g_date_add_days (&date, days);
  else
    g_date_subtract_days (&date, -days);
  g_date_strftime (buffer, sizeof buffer, "%Y-%m-%d", &date);
  return g_strdup (buffer);
}

const char *
techo_format_checkup_kind (const TechoRecordSet *set,
                           const TechoCheckup   *checkup)
{
  const char *kind = checkup != NULL ? checkup->kind : NULL;

  if (kind == NULL)
    return _("Health checkup");
  /* 特定健診 is for 40–74; the same checkup at 75 or older is the
   * 後期高齢者医療広域連合's health checkup. */
  if (g_str_equal (kind, "010"))
    return set != NULL && techo_analysis_age_on (set, checkup->performed_on) >= 75
             ? _("Checkup for people 75 and over")
             : _("Specific health checkup");
  if (g_str_equal (kind, "020"))
    return _("Checkup for people 75 and over");
  if (g_str_equal (kind, "030"))
    return _("Employer's health checkup");
  if (g_str_equal (kind, "040"))
    return _("School health checkup");
  if (g_str_equal (kind, "060"))
    return _("Cancer screening");
  return _("Health checkup");
}

/* The last day a supply runs: dispensed_on + days − 1; NULL without days. */
static char *
supply_end (const TechoDispensing *d)
{
  if (d->days <= 0)
    return NULL;
  return techo_format_add_days (d->dispensed_on, d->days - 1);
}

char *
techo_format_duplicate_end (const TechoDispensing *a,
                            const TechoDispensing *b)
{
  g_autofree char *end_a = supply_end (a);
  g_autofree char *end_b = supply_end (b);

  if (end_a == NULL || end_b == NULL)
    return NULL;
  return g_strdup (strcmp (end_a, end_b) < 0 ? end_a : end_b);
}

char *
techo_format_duplicate (const TechoDispensing *a,
                        const TechoDispensing *b,
                        const char            *today)
{
  const char *start_iso = g_strcmp0 (a->dispensed_on, b->dispensed_on) > 0
                            ? a->dispensed_on : b->dispensed_on;
  g_autofree char *end_iso = techo_format_duplicate_end (a, b);
  g_autofree char *start = techo_format_date (start_iso);
  g_autofree char *end = end_iso != NULL ? techo_format_date (end_iso) : NULL;
  const char *who_a = a->prescriber_name != NULL ? a->prescriber_name : _("a prescriber");
  const char *who_b = b->prescriber_name != NULL ? b->prescriber_name : _("another prescriber");

  if (end == NULL)
    /* Translators: both prescribers, then the day the overlap began. */
    return g_strdup_printf (_("Prescribed by both %s and %s, from %s"), who_a, who_b, start);
  if (today != NULL && strcmp (end_iso, today) < 0)
    /* Translators: past tense: the overlap is over. Both prescribers, then
     * the first and the last day both supplies ran. */
    return g_strdup_printf (_("Both %s and %s prescribed it from %s to %s"),
                            who_a, who_b, start, end);
  /* Translators: the overlap goes on. Both prescribers, then the first and
   * the last day both supplies run. */
  return g_strdup_printf (_("Prescribed by both %s and %s for the same days, %s to %s"),
                          who_a, who_b, start, end);
}

char *
techo_format_categories (guint categories)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (categories & (1u << TECHO_CATEGORY_CHECKUP))
    g_ptr_array_add (names, (gpointer) _("Checkups"));
  if (categories & (1u << TECHO_CATEGORY_MEDICATION))
    g_ptr_array_add (names, (gpointer) _("Medicines"));
  if (categories & (1u << TECHO_CATEGORY_SCREENING))
    g_ptr_array_add (names, (gpointer) _("Cancer screenings"));
  g_ptr_array_add (names, NULL);
  /* Translators: the separator between category names in a list. */
  return g_strjoinv (_(", "), (char **) names->pdata);
}

char *
techo_format_sync_time (GDateTime *when)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) local = g_date_time_to_local (when);
  g_autofree char *time = g_date_time_format (local, "%H:%M");
  g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *yesterday = techo_format_add_days (today, -1);
  g_autofree char *date = NULL;

  if (g_strcmp0 (day, today) == 0)
    /* Translators: when the last sync was, e.g. "Today at 14:05". */
    return g_strdup_printf (_("Today at %s"), time);
  if (g_strcmp0 (day, yesterday) == 0)
    return g_strdup_printf (_("Yesterday at %s"), time);
  date = techo_format_date (day);
  /* Translators: a date, then a time: "15 Jun 2025 at 14:05". */
  return g_strdup_printf (_("%s at %s"), date, time);
}

char *
techo_format_assessment (const char *official,
                         gboolean    reported)
{
  if (reported)
    return g_strdup (official);
  /* Translators: a result Techo worked out because the source did not
   * say, e.g. "非該当 · computed". The official words have brackets of
   * their own (なし（情報提供）): do not add more. */
  return g_strdup_printf (_("%s · computed"), official);
}

char *
techo_format_guidance_reason (const TechoAssessment *assessment)
{
  switch (assessment->reason)
    {
    case TECHO_GUIDANCE_REASON_MEDICATION:
      return g_strdup (_("You answered that you take medicine for blood pressure, blood glucose "
                         "or lipids: your doctor follows this up, so no health guidance is "
                         "offered."));
    case TECHO_GUIDANCE_REASON_NO_OBESITY:
      return g_strdup (_("Waist and BMI are below the criteria, so no health guidance is "
                         "needed."));
    case TECHO_GUIDANCE_REASON_NO_RISK:
      return g_strdup (_("Waist or BMI is over the criteria, but no added risk (blood glucose, "
                         "lipids, blood pressure) was found."));
    case TECHO_GUIDANCE_REASON_RISKS:
      return g_strdup_printf (ngettext ("Waist or BMI over the criteria, with %u added risk "
                                        "(blood glucose, lipids, blood pressure or smoking).",
                                        "Waist or BMI over the criteria, with %u added risks "
                                        "(blood glucose, lipids, blood pressure or smoking).",
                                        assessment->risks),
                              assessment->risks);
    case TECHO_GUIDANCE_REASON_AGE:
      return g_strdup (_("From 65 to 74, intensive support is given as motivational support."));
    case TECHO_GUIDANCE_REASON_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
techo_format_analyte_name (const TechoAnalyte *analyte)
{
  if (analyte == NULL)
    return "";
  return techo_format_is_japanese () ? analyte->name_ja : _(analyte->name);
}

char *
techo_format_drug_class (const char *yj_code)
{
  const TechoDrugClass *drug_class = techo_reference_drug_class (yj_code);

  if (drug_class == NULL)
    return NULL;
  /* A colon, not brackets: what it is for may hold brackets of its own
   * (血管を広げる（血圧・狭心症）). */
  if (techo_format_is_japanese ())
    return g_strdup_printf ("%s：%s", drug_class->name_ja, drug_class->purpose_ja);
  /* Translators: a medicine's class and what it is for, e.g.
   * "Vasodilators: widening blood vessels (blood pressure, angina)". */
  return g_strdup_printf (_("%s: %s"), _(drug_class->name), _(drug_class->purpose));
}

char *
techo_format_medicine_purpose (const TechoDispensing *dispensing,
                               GPtrArray             *entries,
                               gboolean               for_doctor)
{
  g_autofree char *drug_class = techo_format_drug_class (dispensing->yj_code);
  const char *note = techo_analysis_medicine_note (entries, dispensing);
  g_autofree char *note_text = NULL;

  if (note != NULL && for_doctor)
    /* Translators: in visit mode, the patient's own note of what a
     * medicine is for. */
    note_text = g_strdup_printf (_("Patient's note: %s"), note);
  else if (note != NULL)
    /* Translators: the person's own note of what a medicine is for. */
    note_text = g_strdup_printf (_("Your note: %s"), note);
  if (drug_class != NULL && note_text != NULL)
    return g_strdup_printf ("%s · %s", drug_class, note_text);
  if (drug_class != NULL)
    return g_steal_pointer (&drug_class);
  return g_steal_pointer (&note_text);
}

const TechoNotebookKind techo_format_notebook_shown[3] = {
  TECHO_NOTEBOOK_ALLERGY, TECHO_NOTEBOOK_SIDE_EFFECT, TECHO_NOTEBOOK_OTC,
};

const char *
techo_format_notebook_kind (TechoNotebookKind kind)
{
  switch (kind)
    {
    case TECHO_NOTEBOOK_ALLERGY:
      return _("Allergy");
    case TECHO_NOTEBOOK_SIDE_EFFECT:
      return _("Side effect");
    case TECHO_NOTEBOOK_OTC:
      return _("OTC medicine or supplement");
    case TECHO_NOTEBOOK_HISTORY:
    case TECHO_NOTEBOOK_REMARK:
    case TECHO_NOTEBOOK_MEMO:
    case TECHO_NOTEBOOK_PHARMACIST:
    case TECHO_NOTEBOOK_PURPOSE:
    case TECHO_NOTEBOOK_N_KINDS:
    default:
      return "";
    }
}

void
techo_format_append_entry_details (GString                  *subtitle,
                                   const TechoNotebookEntry *entry)
{
  if (entry->detail != NULL)
    g_string_append_printf (subtitle, " · %s", entry->detail);
  if (entry->started_on != NULL || entry->ended_on != NULL)
    {
      g_autofree char *from = techo_format_date (entry->started_on);
      g_autofree char *to = techo_format_date (entry->ended_on);

      /* The days an OTC medicine was taken, "from – to". */
      g_string_append_printf (subtitle, " · %s – %s", from != NULL ? from : "",
                              to != NULL ? to : "");
    }
}

char *
techo_format_entry_origin (const TechoNotebookEntry *entry)
{
  switch (entry->provenance.origin)
    {
    case TECHO_ORIGIN_MANUAL:
      return g_strdup (_("Entered by you"));
    case TECHO_ORIGIN_PORTAL:
      return g_strdup (_("From My Number Portal"));
    case TECHO_ORIGIN_FILE:
    case TECHO_N_ORIGINS:
    default:
      if (entry->provenance.file_name != NULL)
        return g_strdup_printf (_("From the medication notebook file %s"),
                                entry->provenance.file_name);
      return g_strdup (_("From your medication notebook"));
    }
}

const char *
techo_format_cancer_name (const TechoCancerInfo *info)
{
  if (info == NULL)
    return "";
  return techo_format_is_japanese () ? info->name_ja : _(info->name);
}

const char *
techo_format_group_name (TechoFormGroup group)
{
  return techo_format_is_japanese () ? techo_form_group_name_ja (group)
                                     : _(techo_form_group_name (group));
}

static int
analyte_decimals (const TechoAnalyte *analyte)
{
  return analyte != NULL ? (int) analyte->decimals : 1;
}

char *
techo_format_number (const TechoAnalyte *analyte,
                     const char         *value_text)
{
  double value;

  if (value_text == NULL)
    return g_strdup ("");
  if (!techo_reference_parse_number (value_text, &value))
    return g_strdup (value_text);
  return g_strdup_printf ("%.*f", analyte_decimals (analyte), value);
}

char *
techo_format_value (const TechoAnalyte *analyte,
                    const TechoItem    *item)
{
  g_autofree char *number = NULL;

  /* Not performed, a missing (nullFlavor) or a blank value: the same rule
   * as the analyte finder's. */
  if (!techo_analysis_item_has_value (item))
    return g_strdup (_("Not performed"));
  if (item->type == TECHO_VALUE_CO || item->type == TECHO_VALUE_CD)
    {
      const char *display = item->display;

      if (display == NULL)
        display = techo_reference_item_value_display (item->code, item->value);
      /* A bare "−" (urine tests) reads as a missing value: say it is
       * negative, as the PDF does. */
      if (g_strcmp0 (display, "−") == 0 || g_strcmp0 (display, "-") == 0)
        return g_strdup (_("− (negative)"));
      return g_strdup (display != NULL ? display : item->value);
    }
  if (item->type == TECHO_VALUE_ST)
    return g_strdup (item->value);

  number = techo_format_number (analyte, item->value);
  if (analyte != NULL && analyte->unit != NULL)
    return g_strdup_printf ("%s %s", number, techo_format_unit (analyte->unit));
  if (item->unit != NULL)
    return g_strdup_printf ("%s %s", number, techo_format_unit (item->unit));
  return g_steal_pointer (&number);
}

const char *
techo_format_unit (const char *unit)
{
  /* The reference keeps UCUM codes (as the official files carry them);
   * people read superscripts. */
  static const char * const display[][2] = {
    { "kg/m2", "kg/m²" },
    { "mL/min/1.73m2", "mL/min/1.73m²" },
    { "mL/min/{1.73_m2}", "mL/min/1.73m²" },
    { "cm2", "cm²" },
  };

  for (guint i = 0; unit != NULL && i < G_N_ELEMENTS (display); i++)
    if (g_str_equal (unit, display[i][0]))
      return display[i][1];
  return unit;
}

char *
techo_format_change (const TechoAnalyte *analyte,
                     const char         *value_text,
                     const char         *previous_text)
{
  double value, previous, change;
  int decimals = analyte_decimals (analyte);
  double step = pow (10, -decimals) / 2;

  if (!techo_reference_parse_number (value_text, &value)
      || !techo_reference_parse_number (previous_text, &previous))
    return NULL;
  change = value - previous;
  if (change >= step)
    return g_strdup_printf ("↑ %.*f", decimals, change);
  if (change <= -step)
    return g_strdup_printf ("↓ %.*f", decimals, -change);
  return g_strdup_printf ("→ %.*f", decimals, 0.0);
}

static const char *
direction_sign (TechoThresholdDirection direction)
{
  switch (direction)
    {
    case TECHO_THRESHOLD_AT_LEAST:
      return "≥";
    case TECHO_THRESHOLD_AT_MOST:
      return "≤";
    case TECHO_THRESHOLD_BELOW:
      return "<";
    case TECHO_THRESHOLD_NONE:
    default:
      return "";
    }
}

char *
techo_format_thresholds (const TechoAnalyte *analyte,
                         const char         *sex)
{
  const TechoThreshold *threshold;
  const char *sign, *unit;
  int decimals;

  if (analyte == NULL || analyte->value_type != TECHO_VALUE_PQ)
    return NULL;
  threshold = techo_reference_threshold (analyte, sex);
  if (threshold == NULL || threshold->direction == TECHO_THRESHOLD_NONE)
    return NULL;
  sign = direction_sign (threshold->direction);
  unit = analyte->unit != NULL ? techo_format_unit (analyte->unit) : "";
  decimals = analyte_decimals (analyte);
  if (threshold->has_guidance && threshold->has_see_doctor)
    /* Translators: the thresholds of a checkup value, e.g. "Guidance ≥ 5.6 %,
     * see a doctor ≥ 6.5 %". */
    return g_strdup_printf (_("Guidance %s %.*f %s, see a doctor %s %.*f %s"),
                            sign, decimals, threshold->guidance, unit,
                            sign, decimals, threshold->see_doctor, unit);
  if (threshold->has_guidance)
    return g_strdup_printf (_("Guidance %s %.*f %s"), sign, decimals,
                            threshold->guidance, unit);
  if (threshold->has_see_doctor)
    return g_strdup_printf (_("See a doctor %s %.*f %s"), sign, decimals,
                            threshold->see_doctor, unit);
  return NULL;
}

const char *
techo_format_status_label (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_NORMAL:
      return _("Normal");
    case TECHO_STATUS_GUIDANCE:
      return _("Guidance");
    case TECHO_STATUS_SEE_DOCTOR:
      return _("See a doctor");
    case TECHO_STATUS_UNKNOWN:
    default:
      return _("No threshold");
    }
}

const char *
techo_format_status_icon (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_NORMAL:
      return "object-select-symbolic";
    case TECHO_STATUS_GUIDANCE:
      return "dialog-warning-symbolic";
    case TECHO_STATUS_SEE_DOCTOR:
      return "dialog-error-symbolic";
    case TECHO_STATUS_UNKNOWN:
    default:
      return NULL;
    }
}

/* In a folded window (the leaflet shows one pane: a phone-sized width) a
 * chip with an icon shows the icon only, so that the row's title keeps
 * room enough not to break inside a word (収縮期血/圧); its words stay in
 * the tooltip and the icon's accessible name. */
static void
chip_fold (GtkWidget *chip,
           gboolean   folded)
{
  GtkWidget *label = gtk_widget_get_last_child (chip);

  if (label == NULL || !GTK_IS_LABEL (label) || gtk_widget_get_first_child (chip) == label)
    return;
  gtk_widget_set_visible (label, !folded);
  gtk_widget_set_tooltip_text (chip, folded ? gtk_label_get_text (GTK_LABEL (label)) : NULL);
  if (folded)
    gtk_widget_add_css_class (chip, "folded");
  else
    gtk_widget_remove_css_class (chip, "folded");
}

static void
chip_leaflet_folded_cb (AdwLeaflet *leaflet,
                        GParamSpec *pspec,
                        GtkWidget  *chip)
{
  chip_fold (chip, adw_leaflet_get_folded (leaflet));
}

static void
chip_map_cb (GtkWidget *chip)
{
  GtkWidget *leaflet = gtk_widget_get_ancestor (chip, ADW_TYPE_LEAFLET);

  if (leaflet == NULL)
    return;
  if (g_object_get_data (G_OBJECT (chip), "techo-chip-leaflet") != leaflet)
    {
      g_object_set_data (G_OBJECT (chip), "techo-chip-leaflet", leaflet);
      g_signal_connect_object (leaflet, "notify::folded", G_CALLBACK (chip_leaflet_folded_cb),
                               chip, 0);
    }
  chip_fold (chip, adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
}

GtkWidget *
techo_chip_new (const char *text,
                const char *icon_name,
                const char *style_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (box, "chip");
  if (style_class != NULL)
    gtk_widget_add_css_class (box, style_class);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
      gtk_box_append (GTK_BOX (box), icon);
    }
  gtk_box_append (GTK_BOX (box), label);
  return box;
}

void
techo_chip_set_folds (GtkWidget *chip)
{
  g_return_if_fail (GTK_IS_BOX (chip));

  if (g_object_get_data (G_OBJECT (chip), "techo-chip-folds") != NULL)
    return;
  g_object_set_data (G_OBJECT (chip), "techo-chip-folds", GINT_TO_POINTER (1));
  g_signal_connect (chip, "map", G_CALLBACK (chip_map_cb), NULL);
}

GtkWidget *
techo_chip_new_folding (const char *text,
                        const char *icon_name,
                        const char *style_class)
{
  GtkWidget *chip = techo_chip_new (text, icon_name, style_class);

  techo_chip_set_folds (chip);
  return chip;
}

GtkWidget *
techo_status_chip_new (TechoStatus status)
{
  const char *style_class = NULL;
  GtkWidget *chip;
  GtkWidget *button;
  GtkWidget *popover;
  GtkWidget *box;
  GtkWidget *label;
  const char *meaning = techo_format_status_meaning (status);

  if (status == TECHO_STATUS_GUIDANCE)
    style_class = "warning";
  else if (status == TECHO_STATUS_SEE_DOCTOR)
    style_class = "error";
  else if (status == TECHO_STATUS_NORMAL)
    style_class = "normal";
  chip = techo_chip_new (techo_format_status_label (status),
                         techo_format_status_icon (status), style_class);
  /* The status's icon says it on a phone; the row's title needs the room. */
  if (techo_format_status_icon (status) != NULL)
    techo_chip_set_folds (chip);
  if (meaning == NULL)
    return chip;

  /* Pressed, the chip says what the status means, what to do, and whose
   * thresholds these are. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  label = gtk_label_new (techo_format_status_label (status));
  gtk_widget_add_css_class (label, "heading");
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (meaning);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (techo_format_status_next_step (status));
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "next-step");
  gtk_box_append (GTK_BOX (box), label);
  label = gtk_label_new (techo_format_threshold_source ());
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 36);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  popover = gtk_popover_new ();
  gtk_popover_set_child (GTK_POPOVER (popover), box);

  button = gtk_menu_button_new ();
  gtk_menu_button_set_child (GTK_MENU_BUTTON (button), chip);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_add_css_class (button, "chip-button");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("What this means"));
  /* Named by its status also when a folded window shows its icon only. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, techo_format_status_label (status),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("What this means"),
                                  -1);
  return button;
}

const char *
techo_format_status_meaning (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_NORMAL:
      return _("The value is within the range the national checkup programme sets.");
    case TECHO_STATUS_GUIDANCE:
      return _("The value has reached the level at which the national programme "
               "recommends health guidance (保健指導判定値). It is not a diagnosis.");
    case TECHO_STATUS_SEE_DOCTOR:
      return _("The value has reached the level at which the national programme "
               "recommends seeing a doctor (受診勧奨判定値).");
    case TECHO_STATUS_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
techo_format_status_next_step (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_NORMAL:
      return _("What to do: keep having your checkup every year.");
    case TECHO_STATUS_GUIDANCE:
      return _("What to do: look at your meals, exercise, drinking and smoking; your "
               "health insurer may offer free health guidance (特定保健指導).");
    case TECHO_STATUS_SEE_DOCTOR:
      return _("What to do: see your family doctor (かかりつけ医) soon and take this "
               "result with you. If you are already being treated, tell your doctor.");
    case TECHO_STATUS_UNKNOWN:
    default:
      return NULL;
    }
}

const char *
techo_format_threshold_source (void)
{
  return _("Thresholds: Ministry of Health, Labour and Welfare, “Standard Health "
           "Checkup and Guidance Programme” (標準的な健診・保健指導プログラム).");
}
