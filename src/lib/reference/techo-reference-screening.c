/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference-screening.c: municipal cancer screening (§4): report
 * kinds, main items and the results that need a detailed exam, eligibility,
 * intervals and due dates, follow-up outstanding. */

#define G_LOG_DOMAIN "techo-reference"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "techo-reference.h"
#include "techo-reference-private.h"

/* §4. Detailed-exam item codes complete the 5-character stems of the
 * reference with the usual …000000000011 (inferred). Stomach: from 50 every
 * two years (X-ray may be offered yearly from 40; not modelled). */
static const TechoCancerInfo cancers[TECHO_N_CANCERS] = {
  { TECHO_CANCER_LUNG, "lung", N_("Lung cancer screening"), "肺がん検診", "51",
    NULL, 40, 12, "9P504000000000011", "9P507000000000011",
    { { "9P502000000000011", "胸部エックス線検査", SCREENING_OID ("2100"), { "4" } },
      { "7A030000006144311", "喀痰細胞診", SCREENING_OID ("2101"), { "4", "5", "D", "E" } },
      { "9N737000000000012", "喫煙指数", NULL, { NULL } } } },
  { TECHO_CANCER_BREAST, "breast", N_("Breast cancer screening"), "乳がん検診", "52",
    "female", 40, 24, "9P522000000000011", "9P525000000000011",
    { { "9N281000000000011", "マンモグラフィ", SCREENING_OID ("2200"), { "3", "4", "5" } } } },
  { TECHO_CANCER_STOMACH, "stomach", N_("Stomach cancer screening"), "胃がん検診", "53",
    NULL, 50, 24, "9P546000000000011", "9P549000000000011",
    { { "9P542160700000011", "胃部エックス線検査", SCREENING_OID ("2050"), { "2" } },
      { "9P544160700000011", "胃内視鏡検査", SCREENING_OID ("2050"), { "2" } } } },
  { TECHO_CANCER_CERVICAL, "cervical", N_("Cervical cancer screening"), "子宮頸がん検診", "54",
    "female", 20, 24, "9P562000000000011", "9P565000000000011",
    { { "7A021000008543311", "子宮頸部細胞診", SCREENING_OID ("2400"),
        { "2", "3", "4", "5", "6", "7", "8", "9" } } } },
  { TECHO_CANCER_COLORECTAL, "colorectal", N_("Colorectal cancer screening"), "大腸がん検診", "55",
    NULL, 40, 12, "9P582000000000011", "9P585000000000011",
    { { "1B040000001599811", "便潜血検査", SCREENING_OID ("2500"), { "2" } } } },
};

const TechoCancerInfo *
techo_reference_cancer (TechoCancer cancer)
{
  g_return_val_if_fail (cancer < TECHO_N_CANCERS, NULL);
  return &cancers[cancer];
}

const TechoCancerInfo *
techo_reference_cancer_for_key (const char *key)
{
  for (guint i = 0; key != NULL && i < TECHO_N_CANCERS; i++)
    if (strcmp (cancers[i].key, key) == 0)
      return &cancers[i];
  return NULL;
}

const TechoCancerInfo *
techo_reference_cancer_for_report_kind (const char *report_kind)
{
  for (guint i = 0; report_kind != NULL && i < TECHO_N_CANCERS; i++)
    if (strcmp (cancers[i].report_kind, report_kind) == 0)
      return &cancers[i];
  return NULL;
}

TechoScreeningDue
techo_reference_screening_due (TechoCancer  cancer,
                               const char  *sex,
                               const char  *birth_date,
                               const char  *last_performed_on,
                               const char  *today,
                               char       **out_due_on)
{
  const TechoCancerInfo *info;
  GDate birth, now, last, due, eligible, overdue;

  g_return_val_if_fail (cancer < TECHO_N_CANCERS, TECHO_SCREENING_NOT_ELIGIBLE);
  info = &cancers[cancer];
  if (out_due_on != NULL)
    *out_due_on = NULL;

  if (!techo_reference_parse_date (birth_date, &birth) || !techo_reference_parse_date (today, &now))
    return TECHO_SCREENING_NOT_ELIGIBLE;
  if (info->sex != NULL && g_strcmp0 (info->sex, sex) != 0)
    return TECHO_SCREENING_NOT_ELIGIBLE;
  if (techo_reference_age_on (birth_date, today) < info->min_age)
    return TECHO_SCREENING_NOT_ELIGIBLE;

  eligible = birth;
  g_date_add_years (&eligible, info->min_age);
  due = eligible;
  if (techo_reference_parse_date (last_performed_on, &last))
    {
      g_date_add_months (&last, info->interval_months);
      if (g_date_compare (&last, &due) > 0)
        due = last;
    }
  if (out_due_on != NULL)
    *out_due_on = techo_reference_format_gdate (&due);

  if (g_date_compare (&now, &due) < 0)
    return TECHO_SCREENING_NOT_YET;
  overdue = due;
  g_date_add_months (&overdue, TECHO_SCREENING_GRACE_MONTHS);
  if (g_date_compare (&now, &overdue) < 0)
    return TECHO_SCREENING_DUE;
  return TECHO_SCREENING_OVERDUE;
}

static const TechoCancerInfo *
screening_cancer (const TechoScreening *screening)
{
  const TechoCancerInfo *info = techo_reference_cancer_for_key (screening->cancer);

  return info != NULL ? info : techo_reference_cancer_for_report_kind (screening->report_kind);
}

static const TechoItem *
screening_item (const TechoScreening *screening,
                const char           *code)
{
  for (guint i = 0; screening->items != NULL && i < screening->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (screening->items, i);

      /* The same rule as the analyte finder: only an item with a value. */
      if (g_strcmp0 (item->code, code) == 0 && techo_analysis_item_has_value (item))
        return item;
    }
  return NULL;
}

gboolean
techo_reference_screening_positive (const TechoScreening *screening)
{
  const TechoCancerInfo *info;
  const char *followup = NULL;

  g_return_val_if_fail (screening != NULL, FALSE);
  info = screening_cancer (screening);

  if (screening->followup_value != NULL)
    followup = screening->followup_value;
  else if (info != NULL && screening_item (screening, info->followup_code) != NULL)
    followup = screening_item (screening, info->followup_code)->value;
  if (followup != NULL)
    return techo_reference_code_equals (followup, "2");
  if (info == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (info->items) && info->items[i].code; i++)
    {
      const TechoItem *item = screening_item (screening, info->items[i].code);

      if (item == NULL || item->value == NULL)
        continue;
      for (guint j = 0; info->items[i].positive[j] != NULL; j++)
        if (techo_reference_code_equals (item->value, info->items[i].positive[j]))
          return TRUE;
    }
  return FALSE;
}

gboolean
techo_reference_screening_is_detailed (const TechoScreening *screening)
{
  const TechoCancerInfo *info;

  g_return_val_if_fail (screening != NULL, FALSE);
  if (g_strcmp0 (screening->stage, "detailed") == 0)
    return TRUE;
  info = screening_cancer (screening);
  return info != NULL && screening_item (screening, info->detailed_code) != NULL;
}

gboolean
techo_reference_screening_followup_outstanding (GPtrArray *screenings)
{
  const TechoScreening *latest = NULL;

  g_return_val_if_fail (screenings != NULL, FALSE);

  for (guint i = 0; i < screenings->len; i++)
    {
      const TechoScreening *s = g_ptr_array_index (screenings, i);

      if (s->withdrawn || s->performed_on == NULL || techo_reference_screening_is_detailed (s))
        continue;
      if (latest == NULL || strcmp (s->performed_on, latest->performed_on) > 0)
        latest = s;
    }
  if (latest == NULL || !techo_reference_screening_positive (latest))
    return FALSE;

  for (guint i = 0; i < screenings->len; i++)
    {
      const TechoScreening *s = g_ptr_array_index (screenings, i);

      if (!s->withdrawn && s->performed_on != NULL
          && techo_reference_screening_is_detailed (s)
          && strcmp (s->performed_on, latest->performed_on) >= 0)
        return FALSE;
    }
  return TRUE;
}
