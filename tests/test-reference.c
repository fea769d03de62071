/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "techo-reference.h"

static void
add_item (TechoCheckup *checkup,
          const char   *code,
          const char   *value)
{
  TechoItem *item = techo_item_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (code);

  item->code = g_strdup (code);
  item->value = g_strdup (value);
  item->type = analyte != NULL ? analyte->value_type : TECHO_VALUE_PQ;
  g_ptr_array_add (checkup->items, item);
}

static void
test_table (void)
{
  guint n = 0;
  const TechoAnalyte *all = techo_reference_analytes (&n);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  static const char * const required[] = {
    "height", "weight", "bmi", "waist", "visceral_fat_area", "sbp", "dbp",
    "tg_fasting", "tg_random", "hdl", "ldl", "non_hdl", "ast", "alt", "ggt",
    "glucose_fasting", "glucose_random", "hba1c", "hba1c_jds", "urine_glucose",
    "urine_protein", "creatinine", "egfr", "blood_sampling_time",
    "metabolic_syndrome", "guidance_level", "doctor_opinion", "med_bp",
    "med_glucose", "med_lipid", "smoking", "haemoglobin",
  };

  g_assert_cmpuint (n, >=, G_N_ELEMENTS (required));
  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    g_assert_nonnull (techo_reference_analyte (required[i]));

  /* Every code is 17 characters and belongs to exactly one analyte; every
   * analyte is in a real form group and its codes find it back. */
  for (guint i = 0; i < n; i++)
    {
      g_assert_nonnull (all[i].codes[0]);
      g_assert_cmpuint (all[i].group, <, TECHO_N_FORM_GROUPS);
      g_assert_nonnull (all[i].name_ja);
      g_assert_nonnull (all[i].fhir_category);
      for (guint j = 0; all[i].codes[j] != NULL; j++)
        {
          g_assert_cmpuint (strlen (all[i].codes[j]), ==, 17);
          g_assert_false (g_hash_table_contains (seen, all[i].codes[j]));
          g_hash_table_add (seen, (gpointer) all[i].codes[j]);
          g_assert_true (techo_reference_analyte_for_code (all[i].codes[j]) == &all[i]);
        }
      if (all[i].value_type == TECHO_VALUE_PQ)
        g_assert_nonnull (all[i].ucum);
    }

  g_assert_cmpstr (techo_reference_analyte_for_code ("3D010000002227101")->key, ==,
                   "glucose_fasting");
  g_assert_cmpstr (techo_reference_analyte_for_code ("9A752000000000001")->key, ==, "sbp");
  g_assert_cmpstr (techo_reference_analyte ("sbp")->ucum, ==, "mm[Hg]");
  g_assert_cmpstr (techo_reference_analyte ("sbp")->name_ja, ==, "収縮期血圧");
  g_assert_cmpstr (techo_reference_analyte ("urine_protein")->value_system, ==,
                   "1.2.392.200119.6.2102");
  g_assert_null (techo_reference_analyte_for_code ("9Z999000000000001"));
  g_assert_null (techo_reference_analyte_for_code (NULL));
  g_assert_null (techo_reference_analyte ("cholesterol"));
  g_assert_cmpstr (techo_form_group_name_ja (techo_reference_analyte ("ast")->group), ==,
                   "肝機能");
  g_assert_cmpstr (techo_form_group_name (TECHO_FORM_GROUP_URINE), ==, "Urine");
}

static void
test_hba1c_jds (void)
{
  const TechoAnalyte *ngsp = techo_reference_analyte_for_code ("3D046000001906202");
  const TechoAnalyte *jds = techo_reference_analyte_for_code ("3D045000001906202");
  const TechoAnalyte *jds_other = techo_reference_analyte_for_code ("3D045000001999999");

  g_assert_cmpstr (ngsp->key, ==, "hba1c");
  g_assert_cmpstr (jds->key, ==, "hba1c_jds");
  g_assert_true (jds_other == jds);
  /* JDS values are never judged against the NGSP thresholds. */
  g_assert_cmpint (techo_reference_classify (jds, "7.0", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (ngsp, "7.0", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
}

static void
test_classify (void)
{
  const TechoAnalyte *sbp = techo_reference_analyte ("sbp");
  const TechoAnalyte *hdl = techo_reference_analyte ("hdl");
  const TechoAnalyte *egfr = techo_reference_analyte ("egfr");
  const TechoAnalyte *hba1c = techo_reference_analyte ("hba1c");
  const TechoAnalyte *urine = techo_reference_analyte ("urine_protein");
  const TechoAnalyte *waist = techo_reference_analyte ("waist");
  const TechoAnalyte *hb = techo_reference_analyte ("haemoglobin");

  g_assert_cmpint (techo_reference_classify (sbp, "129", NULL), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (sbp, "130", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (sbp, "139.9", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (sbp, " 140 ", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
  g_assert_cmpint (techo_reference_classify (hdl, "40", NULL), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (hdl, "39", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (hdl, "34", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
  g_assert_cmpint (techo_reference_classify (egfr, "60", NULL), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (egfr, "59.9", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (egfr, "45", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (egfr, "44.9", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
  g_assert_cmpint (techo_reference_classify (hba1c, "5.5", NULL), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (hba1c, "5.6", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (hba1c, "6.5", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
  /* Urine ordinals: 1 −, 2 ±, 3 +. */
  g_assert_cmpint (techo_reference_classify (urine, "1", NULL), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (urine, "2", NULL), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (urine, "5", NULL), ==, TECHO_STATUS_SEE_DOCTOR);
  g_assert_cmpint (techo_reference_classify (urine, "7", NULL), ==, TECHO_STATUS_UNKNOWN);
  /* Sex-specific thresholds. */
  g_assert_cmpint (techo_reference_classify (waist, "87", "male"), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (waist, "87", "female"), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (waist, "87", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (hb, "12.5", "male"), ==, TECHO_STATUS_GUIDANCE);
  g_assert_cmpint (techo_reference_classify (hb, "12.5", "female"), ==, TECHO_STATUS_NORMAL);
  g_assert_cmpint (techo_reference_classify (hb, "11.0", "female"), ==, TECHO_STATUS_SEE_DOCTOR);
  /* Not numbers. */
  g_assert_cmpint (techo_reference_classify (sbp, NULL, NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (sbp, "", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (sbp, "<5", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (sbp, "nan", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (sbp, "0x100", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (sbp, "1e9", NULL), ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (techo_reference_analyte ("height"), "170", NULL),
                   ==, TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_reference_classify (NULL, "1", NULL), ==, TECHO_STATUS_UNKNOWN);
}

static void
test_displays (void)
{
  g_assert_cmpstr (techo_reference_code_display ("1.2.392.200119.6.2102", "2"), ==, "±");
  g_assert_cmpstr (techo_reference_code_display ("urn:oid:1.2.392.200119.6.2102", "4"), ==, "++");
  g_assert_cmpstr (techo_reference_code_display (TECHO_OID_METABOLIC, "1"), ==, "基準該当");
  g_assert_cmpstr (techo_reference_code_display (TECHO_OID_GUIDANCE_LEVEL, "2"), ==,
                   "動機付け支援");
  g_assert_cmpstr (techo_reference_code_display (TECHO_OID_YES_NO, "2"), ==, "いいえ");
  g_assert_cmpstr (techo_reference_code_display (TECHO_OID_SAMPLING_TIME, "2"), ==,
                   "食後10時間以上");
  g_assert_cmpstr (techo_reference_code_display ("1.2.392.100495.100.2400", "1"), ==, "NILM");
  g_assert_cmpstr (techo_reference_code_display ("1.2.392.100495.100.2500", "2"), ==, "陽性");
  g_assert_null (techo_reference_code_display (TECHO_OID_YES_NO, "3"));
  g_assert_null (techo_reference_code_display ("1.2.3", "1"));
  g_assert_cmpstr (techo_reference_item_value_display ("9N736000000000011", "3"), ==, "いいえ");
  g_assert_cmpstr (techo_reference_item_value_display ("9N701000000000011", "1"), ==, "はい");
  g_assert_cmpstr (techo_reference_item_value_display ("1A010000000191111", "3"), ==, "+");
  g_assert_cmpstr (techo_reference_item_value_display ("9P582000000000011", "2"), ==,
                   "要精密検査");
  g_assert_cmpstr (techo_reference_item_value_display ("9N281000000000011", "4"), ==,
                   "カテゴリー4");
  g_assert_cmpstr (techo_metabolic_result_label_ja (TECHO_METABOLIC_PRE), ==, "予備群該当");
  g_assert_cmpstr (techo_guidance_level_to_code (TECHO_GUIDANCE_INFORMATION), ==, "3");
}

static TechoCheckup *
base_checkup (const char *waist,
              const char *bmi)
{
  TechoCheckup *checkup = techo_checkup_new ();

  if (waist != NULL)
    add_item (checkup, "9N016160100000001", waist);
  if (bmi != NULL)
    add_item (checkup, "9N011000000000001", bmi);
  return checkup;
}

static void
test_metabolic (void)
{
  g_autoptr(TechoCheckup) none = base_checkup (NULL, NULL);
  g_autoptr(TechoCheckup) slim = base_checkup ("80", "22");
  g_autoptr(TechoCheckup) pre = base_checkup ("90", "26");
  g_autoptr(TechoCheckup) met = base_checkup ("90", "26");
  g_autoptr(TechoCheckup) hba1c_only = base_checkup ("90", "26");
  g_autoptr(TechoCheckup) fat = base_checkup ("80", "22");
  g_autoptr(TechoCheckup) medicated = base_checkup ("90", "26");
  TechoMetabolicResult reported = TECHO_METABOLIC_UNKNOWN;

  g_assert_cmpint (techo_reference_metabolic (none, "male"), ==, TECHO_METABOLIC_UNKNOWN);
  g_assert_cmpint (techo_reference_metabolic (slim, "male"), ==, TECHO_METABOLIC_NOT_MET);

  /* BP only: 1st 128 + 2nd 134 average 131 ≥ 130. */
  add_item (pre, "9A751000000000001", "128");
  add_item (pre, "9A752000000000001", "134");
  add_item (pre, "9A761000000000001", "70");
  add_item (pre, "3D010000001926101", "105");
  g_assert_cmpint (techo_reference_metabolic (pre, "male"), ==, TECHO_METABOLIC_PRE);
  /* 90 cm is exactly the female threshold: still over. */
  g_assert_cmpint (techo_reference_metabolic (pre, "female"), ==, TECHO_METABOLIC_PRE);

  add_item (met, "9A751000000000001", "135");
  add_item (met, "3F070000002327101", "38");
  g_assert_cmpint (techo_reference_metabolic (met, "male"), ==, TECHO_METABOLIC_MET);

  /* HbA1c 6.1 counts only because no glucose was measured. */
  add_item (hba1c_only, "3D046000001906202", "6.1");
  add_item (hba1c_only, "3F015000002327101", "160");
  g_assert_cmpint (techo_reference_metabolic (hba1c_only, "male"), ==, TECHO_METABOLIC_MET);
  add_item (hba1c_only, "3D010000001926101", "95");
  g_assert_cmpint (techo_reference_metabolic (hba1c_only, "male"), ==, TECHO_METABOLIC_PRE);

  /* Visceral fat ≥ 100 stands in for the waist. */
  add_item (fat, "9N021000000000001", "120");
  add_item (fat, "9N706000000000011", "1");
  g_assert_cmpint (techo_reference_metabolic (fat, "male"), ==, TECHO_METABOLIC_PRE);

  /* Medication counts as the factor met. */
  add_item (medicated, "9N701000000000011", "1");
  add_item (medicated, "9N711000000000011", "1");
  g_assert_cmpint (techo_reference_metabolic (medicated, "male"), ==, TECHO_METABOLIC_MET);

  g_assert_false (techo_reference_reported_metabolic (medicated, &reported));
  add_item (medicated, TECHO_CODE_METABOLIC, "2");
  g_assert_true (techo_reference_reported_metabolic (medicated, &reported));
  g_assert_cmpint (reported, ==, TECHO_METABOLIC_PRE);
}

static void
test_guidance_level (void)
{
  g_autoptr(TechoCheckup) none = base_checkup (NULL, NULL);
  g_autoptr(TechoCheckup) slim = base_checkup ("80", "22");
  g_autoptr(TechoCheckup) waist2 = base_checkup ("88", "24");
  g_autoptr(TechoCheckup) waist1 = base_checkup ("88", "24");
  g_autoptr(TechoCheckup) random_tg = base_checkup ("88", "24");
  g_autoptr(TechoCheckup) bmi = base_checkup ("80", "26");
  g_autoptr(TechoCheckup) smoker = base_checkup ("88", "24");
  g_autoptr(TechoCheckup) medicated = base_checkup ("95", "30");
  TechoGuidanceLevel reported = TECHO_GUIDANCE_UNKNOWN;

  g_assert_cmpint (techo_reference_guidance_level (none, "male", 50), ==, TECHO_GUIDANCE_UNKNOWN);
  g_assert_cmpint (techo_reference_guidance_level (slim, "male", 50), ==,
                   TECHO_GUIDANCE_INFORMATION);

  add_item (waist2, "3D046000001906202", "5.7");
  add_item (waist2, "9A751000000000001", "132");
  g_assert_cmpint (techo_reference_guidance_level (waist2, "male", 50), ==,
                   TECHO_GUIDANCE_ACTIVE);
  g_assert_cmpint (techo_reference_guidance_level (waist2, "male", 70), ==,
                   TECHO_GUIDANCE_MOTIVATIONAL);
  /* 88 cm is under the female threshold, and BMI 24 is under 25. */
  g_assert_cmpint (techo_reference_guidance_level (waist2, "female", 50), ==,
                   TECHO_GUIDANCE_INFORMATION);

  add_item (waist1, "3F015000002327101", "200");
  g_assert_cmpint (techo_reference_guidance_level (waist1, "male", 50), ==,
                   TECHO_GUIDANCE_MOTIVATIONAL);
  /* Random TG 170 is under the (inferred) 175 non-fasting limit; 180 is not. */
  add_item (random_tg, "3F015129902327101", "170");
  g_assert_cmpint (techo_reference_guidance_level (random_tg, "male", 50), ==,
                   TECHO_GUIDANCE_INFORMATION);
  g_free (((TechoItem *) g_ptr_array_index (random_tg->items, 2))->value);
  ((TechoItem *) g_ptr_array_index (random_tg->items, 2))->value = g_strdup ("180");
  g_assert_cmpint (techo_reference_guidance_level (random_tg, "male", 50), ==,
                   TECHO_GUIDANCE_MOTIVATIONAL);

  /* Waist under, BMI ≥ 25: 1–2 risks motivational, 3 active. */
  add_item (bmi, "3D010000001926101", "101");
  add_item (bmi, "3F070000002327101", "35");
  g_assert_cmpint (techo_reference_guidance_level (bmi, "male", 50), ==,
                   TECHO_GUIDANCE_MOTIVATIONAL);
  add_item (bmi, "9A761000000000001", "86");
  g_assert_cmpint (techo_reference_guidance_level (bmi, "male", 50), ==,
                   TECHO_GUIDANCE_ACTIVE);

  /* Smoking counts only with another risk. */
  add_item (smoker, "9N736000000000011", "1");
  g_assert_cmpint (techo_reference_guidance_level (smoker, "male", 50), ==,
                   TECHO_GUIDANCE_INFORMATION);
  add_item (smoker, "3F070000002327101", "39");
  g_assert_cmpint (techo_reference_guidance_level (smoker, "male", 50), ==,
                   TECHO_GUIDANCE_ACTIVE);

  /* Anyone on medication: information only. */
  add_item (medicated, "3D010000001926101", "130");
  add_item (medicated, "9A751000000000001", "150");
  add_item (medicated, "9N706000000000011", "1");
  g_assert_cmpint (techo_reference_guidance_level (medicated, "male", 50), ==,
                   TECHO_GUIDANCE_INFORMATION);

  g_assert_false (techo_reference_reported_guidance_level (medicated, &reported));
  add_item (medicated, TECHO_CODE_GUIDANCE_LEVEL, "1");
  g_assert_true (techo_reference_reported_guidance_level (medicated, &reported));
  g_assert_cmpint (reported, ==, TECHO_GUIDANCE_ACTIVE);
}

static void
test_screening_due (void)
{
  g_autofree char *due = NULL;

  /* Too young, wrong sex. */
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_LUNG, "male", "1990-01-01",
                                                  NULL, "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_ELIGIBLE);
  g_assert_null (due);
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_BREAST, "male", "1960-01-01",
                                                  NULL, "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_ELIGIBLE);
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_CERVICAL, NULL, "1960-01-01",
                                                  NULL, "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_ELIGIBLE);

  /* Yearly colorectal, screened 2024-09-01: not yet until 2025-09-01. */
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_COLORECTAL, "male", "1970-03-10",
                                                  "2024-09-01", "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_YET);
  g_assert_cmpstr (due, ==, "2025-09-01");
  g_clear_pointer (&due, g_free);
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_COLORECTAL, "male", "1970-03-10",
                                                  "2024-09-01", "2025-09-01", &due),
                   ==, TECHO_SCREENING_DUE);
  g_clear_pointer (&due, g_free);
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_COLORECTAL, "male", "1970-03-10",
                                                  "2024-09-01", "2026-03-01", &due),
                   ==, TECHO_SCREENING_OVERDUE);
  g_clear_pointer (&due, g_free);

  /* Breast every two years. */
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_BREAST, "female", "1975-05-05",
                                                  "2024-01-31", "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_YET);
  g_assert_cmpstr (due, ==, "2026-01-31");
  g_clear_pointer (&due, g_free);

  /* Never screened: due from the birthday that made them eligible. */
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_STOMACH, "male", "1975-05-05",
                                                  NULL, "2025-06-15", &due),
                   ==, TECHO_SCREENING_DUE);
  g_assert_cmpstr (due, ==, "2025-05-05");
  g_clear_pointer (&due, g_free);
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_LUNG, "female", "1950-05-05",
                                                  NULL, "2025-06-15", NULL),
                   ==, TECHO_SCREENING_OVERDUE);
  /* Invalid dates never claim anything. */
  g_assert_cmpint (techo_reference_screening_due (TECHO_CANCER_LUNG, "male", "1950-02-30",
                                                  NULL, "2025-06-15", &due),
                   ==, TECHO_SCREENING_NOT_ELIGIBLE);
  g_assert_null (due);
}

static TechoScreening *
screening (const char *cancer,
           const char *performed_on,
           const char *stage,
           const char *item_code,
           const char *value,
           const char *followup)
{
  TechoScreening *s = techo_screening_new ();
  TechoItem *item = techo_item_new ();

  s->cancer = g_strdup (cancer);
  s->performed_on = g_strdup (performed_on);
  s->stage = g_strdup (stage);
  s->followup_value = g_strdup (followup);
  item->code = g_strdup (item_code);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup (value);
  g_ptr_array_add (s->items, item);
  return s;
}

static void
test_screening_followup (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  g_autoptr(TechoScreening) by_item = screening ("colorectal", "2025-01-01", "primary",
                                                 "1B040000001599811", "2", NULL);
  g_autoptr(TechoScreening) negative = screening ("breast", "2025-01-01", "primary",
                                                  "9N281000000000011", "3", "1");

  g_assert_true (techo_reference_screening_positive (by_item));
  /* The follow-up answer wins over the main item. */
  g_assert_false (techo_reference_screening_positive (negative));

  g_ptr_array_add (list, screening ("colorectal", "2023-05-01", "primary",
                                    "1B040000001599811", "1", "1"));
  g_assert_false (techo_reference_screening_followup_outstanding (list));
  g_ptr_array_add (list, screening ("colorectal", "2024-05-01", "primary",
                                    "1B040000001599811", "2", "2"));
  g_assert_true (techo_reference_screening_followup_outstanding (list));
  /* A detailed exam before the positive result does not close it. */
  g_ptr_array_add (list, screening ("colorectal", "2023-06-01", "detailed",
                                    "9P585000000000011", "1", NULL));
  g_assert_true (techo_reference_screening_followup_outstanding (list));
  g_ptr_array_add (list, screening ("colorectal", "2024-06-20", NULL,
                                    "9P585000000000011", "1", NULL));
  g_assert_true (techo_reference_screening_is_detailed (g_ptr_array_index (list, 3)));
  g_assert_false (techo_reference_screening_followup_outstanding (list));

  g_assert_cmpstr (techo_reference_cancer_for_report_kind ("52")->key, ==, "breast");
  g_assert_cmpstr (techo_reference_cancer (TECHO_CANCER_LUNG)->followup_code, ==,
                   "9P504000000000011");
  g_assert_cmpint (techo_reference_cancer_for_key ("cervical")->min_age, ==, 20);
  g_assert_null (techo_reference_cancer_for_key ("liver"));
}

static void
test_medication (void)
{
  g_autofree char *klass = techo_reference_therapeutic_class ("2149039F1020");

  g_assert_true (techo_reference_same_ingredient ("2149039F1020", "2149039F2027"));
  g_assert_false (techo_reference_same_ingredient ("2149039F1020", "2149040F1020"));
  g_assert_true (techo_reference_same_class ("2149039F1020", "2149040F1020"));
  g_assert_false (techo_reference_same_ingredient ("214903", "214903"));
  g_assert_false (techo_reference_same_ingredient (NULL, "2149039F1020"));
  g_assert_cmpstr (klass, ==, "2149");
  g_assert_null (techo_reference_therapeutic_class ("21"));
  g_assert_cmpstr (TECHO_URI_RECEIPT_CODE, ==, "urn:oid:1.2.392.100495.20.2.74");
  g_assert_cmpstr (TECHO_URI_JP_PATIENT, ==,
                   "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient");
}

static void
test_dates (void)
{
  static const struct { const char *iso; gboolean era; const char *expected; } cases[] = {
    { "2025-06-15", FALSE, "2025年6月15日" },
    { "2025-06-15", TRUE, "令和7年6月15日" },
    { "2019-05-01", TRUE, "令和元年5月1日" },
    { "2019-04-30", TRUE, "平成31年4月30日" },
    { "1989-01-08", TRUE, "平成元年1月8日" },
    { "1989-01-07", TRUE, "昭和64年1月7日" },
    { "1970-03-10", TRUE, "昭和45年3月10日" },
    { "1926-12-24", TRUE, "大正15年12月24日" },
    { "1900-01-01", TRUE, "1900年1月1日" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = techo_reference_format_date (cases[i].iso, cases[i].era);

      g_assert_cmpstr (text, ==, cases[i].expected);
    }
  g_assert_null (techo_reference_format_date ("2025-02-29", FALSE));
  g_assert_null (techo_reference_format_date ("2025/06/15", TRUE));
  g_assert_null (techo_reference_format_date (NULL, TRUE));
  g_assert_cmpint (techo_reference_age_on ("1970-06-15", "2025-06-14"), ==, 54);
  g_assert_cmpint (techo_reference_age_on ("1970-06-15", "2025-06-15"), ==, 55);
  g_assert_cmpint (techo_reference_age_on ("2030-01-01", "2025-06-15"), ==, -1);
}

/* 和暦 GYYMMDD: the era's first and last days, 元年, leap days, and a day
 * after the era ended read but flagged. Every ISO date read back formats
 * to the same era text (one era table for both). */
static void
test_era_dates (void)
{
  static const struct { const char *text; TechoEraDate kind; const char *iso; } cases[] = {
    { "R020410", TECHO_ERA_DATE_OK, "2020-04-10" },
    { "R010501", TECHO_ERA_DATE_OK, "2019-05-01" },
    { "R010430", TECHO_ERA_DATE_INVALID, NULL },
    { "H310430", TECHO_ERA_DATE_OK, "2019-04-30" },
    { "H310501", TECHO_ERA_DATE_PAST_ERA, "2019-05-01" },
    { "H010108", TECHO_ERA_DATE_OK, "1989-01-08" },
    { "H010107", TECHO_ERA_DATE_INVALID, NULL },
    { "S640107", TECHO_ERA_DATE_OK, "1989-01-07" },
    { "S011225", TECHO_ERA_DATE_OK, "1926-12-25" },
    { "T150101", TECHO_ERA_DATE_OK, "1926-01-01" },
    { "T010730", TECHO_ERA_DATE_OK, "1912-07-30" },
    { "M450729", TECHO_ERA_DATE_OK, "1912-07-29" },
    { "M060101", TECHO_ERA_DATE_OK, "1873-01-01" },
    { "M051231", TECHO_ERA_DATE_INVALID, NULL },
    { "H120229", TECHO_ERA_DATE_OK, "2000-02-29" },
    { "H130229", TECHO_ERA_DATE_INVALID, NULL },
    { "R000101", TECHO_ERA_DATE_INVALID, NULL },
    { "Q020410", TECHO_ERA_DATE_INVALID, NULL },
    { "R02041", TECHO_ERA_DATE_INVALID, NULL },
    { "R02041X", TECHO_ERA_DATE_INVALID, NULL },
    { "", TECHO_ERA_DATE_INVALID, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *iso = NULL;

      g_assert_cmpint (techo_reference_parse_era_date (cases[i].text, &iso), ==, cases[i].kind);
      g_assert_cmpstr (iso, ==, cases[i].iso);
      if (cases[i].kind == TECHO_ERA_DATE_OK && cases[i].text[0] != 'M')
        {
          g_autofree char *formatted = techo_reference_format_date (iso, TRUE);
          guint year = (cases[i].text[1] - '0') * 10 + (cases[i].text[2] - '0');
          g_autofree char *prefix = year == 1 ? g_strdup ("元年")
                                              : g_strdup_printf ("%u年", year);

          g_assert_nonnull (strstr (formatted, prefix));
        }
    }
}

/* The therapeutic class of a drug from the first three digits of its YJ
 * code: the classes of the demo citizens' medicines, codes in order and
 * unique, and nothing for a missing or malformed code. */
static void
test_drug_classes (void)
{
  const struct { const char *yj; const char *code; const char *name_ja; } drugs[] = {
    { "2171022F1029", "217", "血管拡張剤" },      /* amlodipine */
    { "3962002F2027", "396", "糖尿病用剤" },      /* metformin */
    { "2189015F2020", "218", "高脂血症用剤" },    /* atorvastatin */
    { "1149019F1560", "114", "解熱鎮痛消炎剤" },  /* loxoprofen */
    { "4490023F1270", "449", "その他のアレルギー用薬" }, /* fexofenadine */
  };
  const TechoDrugClass *all;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (drugs); i++)
    {
      const TechoDrugClass *c = techo_reference_drug_class (drugs[i].yj);

      g_assert_nonnull (c);
      g_assert_cmpstr (c->code, ==, drugs[i].code);
      g_assert_cmpstr (c->name_ja, ==, drugs[i].name_ja);
      g_assert_nonnull (c->purpose_ja);
      g_assert_nonnull (c->purpose);
    }
  all = techo_reference_drug_classes (&n);
  g_assert_cmpuint (n, >, 40);
  for (guint i = 1; i < n; i++)
    g_assert_cmpstr (all[i - 1].code, <, all[i].code);
  g_assert_null (techo_reference_drug_class (NULL));
  g_assert_null (techo_reference_drug_class ("21"));
  g_assert_null (techo_reference_drug_class ("X171022F1029"));
  g_assert_null (techo_reference_drug_class ("9990000F0000"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reference/drug-classes", test_drug_classes);
  g_test_add_func ("/reference/table", test_table);
  g_test_add_func ("/reference/hba1c-jds", test_hba1c_jds);
  g_test_add_func ("/reference/classify", test_classify);
  g_test_add_func ("/reference/displays", test_displays);
  g_test_add_func ("/reference/metabolic", test_metabolic);
  g_test_add_func ("/reference/guidance-level", test_guidance_level);
  g_test_add_func ("/reference/screening-due", test_screening_due);
  g_test_add_func ("/reference/screening-followup", test_screening_followup);
  g_test_add_func ("/reference/medication", test_medication);
  g_test_add_func ("/reference/dates", test_dates);
  g_test_add_func ("/reference/era-dates", test_era_dates);

  return g_test_run ();
}
