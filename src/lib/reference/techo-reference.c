/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference.c: checkup analytes (§1), thresholds and classification,
 * code displays, metabolic syndrome and guidance level, drug codes, dates.
 * Cancer screening is in techo-reference-screening.c. */

#define G_LOG_DOMAIN "techo-reference"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "techo-reference.h"
#include "techo-reference-private.h"

/* Shorthands that keep the tables readable. */
#define PQ TECHO_VALUE_PQ
#define CO TECHO_VALUE_CO
#define ST TECHO_VALUE_ST
#define GE TECHO_THRESHOLD_AT_LEAST
#define LE TECHO_THRESHOLD_AT_MOST
#define LT TECHO_THRESHOLD_BELOW
/* A row for both sexes with both limits, and one with a guidance limit only. */
#define BOTH(dir, g, s) { { dir, NULL, TRUE, g, TRUE, s } }, 1
#define GUIDANCE_ONLY(dir, g) { { dir, NULL, TRUE, g, FALSE, 0 } }, 1
#define NO_THRESHOLDS { { 0 } }, 0

static const char * const form_group_names[TECHO_N_FORM_GROUPS] = {
  N_("Body measurements"), N_("Blood pressure"), N_("Lipids"),
  N_("Liver function"), N_("Blood glucose"), N_("Urine"),
  N_("Kidney function"), N_("Anaemia"), N_("Assessment"),
  N_("Questionnaire"),
};

static const char * const form_group_names_ja[TECHO_N_FORM_GROUPS] = {
  "身体計測", "血圧", "脂質", "肝機能", "血糖", "尿", "腎機能", "貧血",
  "判定", "質問票",
};

/* §1 of the clinical reference, in the order of the checkup form. */
static const TechoAnalyte analytes[] = {
  { "height", N_("Height"), "身長", "cm", "cm",
    { "9N001000000000001" }, PQ, NULL, TECHO_FORM_GROUP_BODY, 1,
    NO_THRESHOLDS, "body-measurement" },
  { "weight", N_("Weight"), "体重", "kg", "kg",
    { "9N006000000000001" }, PQ, NULL, TECHO_FORM_GROUP_BODY, 1,
    NO_THRESHOLDS, "body-measurement" },
  { "bmi", N_("BMI"), "BMI", "kg/m2", "kg/m2",
    { "9N011000000000001" }, PQ, NULL, TECHO_FORM_GROUP_BODY, 1,
    GUIDANCE_ONLY (GE, 25), "body-measurement" },
  { "waist", N_("Waist circumference"), "腹囲", "cm", "cm",
    { "9N016160100000001", "9N016160200000001", "9N016160300000001" },
    PQ, NULL, TECHO_FORM_GROUP_BODY, 1,
    { { GE, "male", TRUE, 85, FALSE, 0 }, { GE, "female", TRUE, 90, FALSE, 0 } }, 2,
    "body-measurement" },
  { "visceral_fat_area", N_("Visceral fat area"), "内臓脂肪面積", "cm2", "cm2",
    { "9N021000000000001" }, PQ, NULL, TECHO_FORM_GROUP_BODY, 1,
    GUIDANCE_ONLY (GE, 100), "body-measurement" },
  { "sbp", N_("Systolic blood pressure"), "収縮期血圧", "mmHg", "mm[Hg]",
    { "9A751000000000001", "9A752000000000001", "9A755000000000001" },
    PQ, NULL, TECHO_FORM_GROUP_BLOOD_PRESSURE, 0,
    BOTH (GE, 130, 140), "vital-signs" },
  { "dbp", N_("Diastolic blood pressure"), "拡張期血圧", "mmHg", "mm[Hg]",
    { "9A761000000000001", "9A762000000000001", "9A765000000000001" },
    PQ, NULL, TECHO_FORM_GROUP_BLOOD_PRESSURE, 0,
    BOTH (GE, 85, 90), "vital-signs" },
  { "tg_fasting", N_("Triglycerides (fasting)"), "空腹時中性脂肪", "mg/dL", "mg/dL",
    { "3F015000002327101", "3F015000002327201", "3F015000002399901" },
    PQ, NULL, TECHO_FORM_GROUP_LIPIDS, 0, BOTH (GE, 150, 300), "laboratory" },
  { "tg_random", N_("Triglycerides (non-fasting)"), "随時中性脂肪", "mg/dL", "mg/dL",
    { "3F015129902327101", "3F015129902327201", "3F015129902399901" },
    PQ, NULL, TECHO_FORM_GROUP_LIPIDS, 0, BOTH (GE, 175, 300), "laboratory" },
  { "hdl", N_("HDL cholesterol"), "HDLコレステロール", "mg/dL", "mg/dL",
    { "3F070000002327101" }, PQ, NULL, TECHO_FORM_GROUP_LIPIDS, 0,
    BOTH (LE, 39, 34), "laboratory" },
  { "ldl", N_("LDL cholesterol"), "LDLコレステロール", "mg/dL", "mg/dL",
    { "3F077000002327101", "3F077000002391901" },
    PQ, NULL, TECHO_FORM_GROUP_LIPIDS, 0, BOTH (GE, 120, 140), "laboratory" },
  { "non_hdl", N_("Non-HDL cholesterol"), "Non-HDLコレステロール", "mg/dL", "mg/dL",
    { "3F069000002391901" }, PQ, NULL, TECHO_FORM_GROUP_LIPIDS, 0,
    BOTH (GE, 150, 170), "laboratory" },
  { "ast", N_("AST (GOT)"), "AST（GOT）", "U/L", "U/L",
    { "3B035000002327201" }, PQ, NULL, TECHO_FORM_GROUP_LIVER, 0,
    BOTH (GE, 31, 51), "laboratory" },
  { "alt", N_("ALT (GPT)"), "ALT（GPT）", "U/L", "U/L",
    { "3B045000002327201" }, PQ, NULL, TECHO_FORM_GROUP_LIVER, 0,
    BOTH (GE, 31, 51), "laboratory" },
  { "ggt", N_("γ-GT (γ-GTP)"), "γ-GT（γ-GTP）", "U/L", "U/L",
    { "3B090000002327101", "3B090000002399901" },
    PQ, NULL, TECHO_FORM_GROUP_LIVER, 0, BOTH (GE, 51, 101), "laboratory" },
  { "glucose_fasting", N_("Fasting blood glucose"), "空腹時血糖", "mg/dL", "mg/dL",
    { "3D010000001926101", "3D010000002227101", "3D010000001927201",
      "3D010000001999901" },
    PQ, NULL, TECHO_FORM_GROUP_GLUCOSE, 0, BOTH (GE, 100, 126), "laboratory" },
  { "glucose_random", N_("Non-fasting blood glucose"), "随時血糖", "mg/dL", "mg/dL",
    { "3D010129901926101" }, PQ, NULL, TECHO_FORM_GROUP_GLUCOSE, 0,
    BOTH (GE, 100, 126), "laboratory" },
  { "hba1c", N_("HbA1c (NGSP)"), "HbA1c", "%", "%",
    { "3D046000001906202", "3D046000001920402", "3D046000001927102",
      "3D046000001999902" },
    PQ, NULL, TECHO_FORM_GROUP_GLUCOSE, 1, BOTH (GE, 5.6, 6.5), "laboratory" },
  /* Old files carry JDS values (code family 3D045…): their own series,
   * no thresholds (the national thresholds are NGSP values). The method
   * parts mirror the NGSP codes; any 3D045 code maps here. */
  { "hba1c_jds", N_("HbA1c (JDS)"), "HbA1c（JDS値）", "%", "%",
    { "3D045000001906202", "3D045000001920402", "3D045000001927102",
      "3D045000001999902" },
    PQ, NULL, TECHO_FORM_GROUP_GLUCOSE, 1, NO_THRESHOLDS, "laboratory" },
  { "blood_sampling_time", N_("Time since last meal"), "採血時間（食後）", NULL, NULL,
    { "9N141000000000011" }, CO, TECHO_OID_SAMPLING_TIME,
    TECHO_FORM_GROUP_GLUCOSE, 0, NO_THRESHOLDS, "laboratory" },
  { "urine_glucose", N_("Urine glucose"), "尿糖", NULL, NULL,
    { "1A020000000191111", "1A020000000190111" }, CO, TECHO_OID_URINE_ORDINAL,
    TECHO_FORM_GROUP_URINE, 0, NO_THRESHOLDS, "laboratory" },
  { "urine_protein", N_("Urine protein"), "尿蛋白", NULL, NULL,
    { "1A010000000191111", "1A010000000190111" }, CO, TECHO_OID_URINE_ORDINAL,
    TECHO_FORM_GROUP_URINE, 0, BOTH (GE, 2, 3), "laboratory" },
  { "creatinine", N_("Serum creatinine"), "血清クレアチニン", "mg/dL", "mg/dL",
    { "3C015000002327101" }, PQ, NULL, TECHO_FORM_GROUP_KIDNEY, 2,
    NO_THRESHOLDS, "laboratory" },
  { "egfr", N_("eGFR"), "eGFR", "mL/min/1.73m2", "mL/min/{1.73_m2}",
    { "8A065000002391901" }, PQ, NULL, TECHO_FORM_GROUP_KIDNEY, 1,
    BOTH (LT, 60, 45), "laboratory" },
  /* (inferred: the haemoglobin code is the standard 血色素量 code; §1 lists
   * its thresholds but not its code.) */
  { "haemoglobin", N_("Haemoglobin"), "血色素量（ヘモグロビン値）", "g/dL", "g/dL",
    { "2A030000001930101" }, PQ, NULL, TECHO_FORM_GROUP_ANAEMIA, 1,
    { { LE, "male", TRUE, 13.0, TRUE, 12.0 }, { LE, "female", TRUE, 12.0, TRUE, 11.0 } }, 2,
    "laboratory" },
  { "metabolic_syndrome", N_("Metabolic syndrome"), "メタボリックシンドローム判定", NULL, NULL,
    { TECHO_CODE_METABOLIC }, CO, TECHO_OID_METABOLIC,
    TECHO_FORM_GROUP_ASSESSMENT, 0, NO_THRESHOLDS, "exam" },
  { "guidance_level", N_("Health guidance level"), "保健指導レベル", NULL, NULL,
    { TECHO_CODE_GUIDANCE_LEVEL }, CO, TECHO_OID_GUIDANCE_LEVEL,
    TECHO_FORM_GROUP_ASSESSMENT, 0, NO_THRESHOLDS, "exam" },
  { "doctor_opinion", N_("Doctor's opinion"), "医師の判断", NULL, NULL,
    { TECHO_CODE_DOCTOR_OPINION }, ST, NULL,
    TECHO_FORM_GROUP_ASSESSMENT, 0, NO_THRESHOLDS, "exam" },
  { "med_bp", N_("Takes blood pressure medicine"), "服薬1（血圧）", NULL, NULL,
    { "9N701000000000011" }, CO, TECHO_OID_YES_NO,
    TECHO_FORM_GROUP_QUESTIONNAIRE, 0, NO_THRESHOLDS, "survey" },
  { "med_glucose", N_("Takes blood glucose medicine"), "服薬2（血糖）", NULL, NULL,
    { "9N706000000000011" }, CO, TECHO_OID_YES_NO,
    TECHO_FORM_GROUP_QUESTIONNAIRE, 0, NO_THRESHOLDS, "survey" },
  { "med_lipid", N_("Takes lipid medicine"), "服薬3（脂質）", NULL, NULL,
    { "9N711000000000011" }, CO, TECHO_OID_YES_NO,
    TECHO_FORM_GROUP_QUESTIONNAIRE, 0, NO_THRESHOLDS, "survey" },
  /* The OID of the three-answer smoking value set is not in our sources;
   * its words are looked up by item code (techo_reference_item_value_display). */
  { "smoking", N_("Smoking"), "喫煙歴", NULL, NULL,
    { "9N736000000000011" }, CO, NULL,
    TECHO_FORM_GROUP_QUESTIONNAIRE, 0, NO_THRESHOLDS, "social-history" },
};

/* The numbers the metabolic and guidance rules use beyond the threshold
 * table (§1, "Metabolic syndrome and guidance level"). */
static const struct
{
  double visceral_fat;          /* cm2, in place of waist */
  double metabolic_glucose;     /* fasting glucose ≥ */
  double metabolic_hba1c;       /* HbA1c ≥, only without glucose */
  double risk_glucose;          /* fasting (or random) glucose ≥ */
  double risk_hba1c;            /* HbA1c ≥ */
  double risk_tg_fasting;       /* TG ≥ */
  double risk_tg_random;        /* (inferred: 4th period) random TG ≥ */
  double risk_hdl_below;        /* HDL < */
  double risk_sbp;              /* SBP ≥ */
  double risk_dbp;              /* DBP ≥ */
  double bmi;                   /* BMI ≥, when waist is under */
  int older_from, older_to;     /* ages where 積極的支援 becomes 動機付け支援 */
} rules = {
  100, 110, 6.0, 100, 5.6, 150, 175, 40, 130, 85, 25, 65, 74,
};

typedef struct
{
  const char *system; /* OID, or an item code for sets without a known OID */
  const char *code;
  const char *display;
} CodeDisplay;


static const CodeDisplay code_displays[] = {
  { TECHO_OID_URINE_ORDINAL, "1", "−" },
  { TECHO_OID_URINE_ORDINAL, "2", "±" },
  { TECHO_OID_URINE_ORDINAL, "3", "+" },
  { TECHO_OID_URINE_ORDINAL, "4", "++" },
  { TECHO_OID_URINE_ORDINAL, "5", "+++" },
  { TECHO_OID_SAMPLING_TIME, "2", "食後10時間以上" },
  { TECHO_OID_SAMPLING_TIME, "3", "食後3.5時間以上10時間未満" },
  { TECHO_OID_SAMPLING_TIME, "4", "食後3.5時間未満" },
  { TECHO_OID_METABOLIC, "1", "基準該当" },
  { TECHO_OID_METABOLIC, "2", "予備群該当" },
  { TECHO_OID_METABOLIC, "3", "非該当" },
  { TECHO_OID_METABOLIC, "4", "判定不能" },
  { TECHO_OID_GUIDANCE_LEVEL, "1", "積極的支援" },
  { TECHO_OID_GUIDANCE_LEVEL, "2", "動機付け支援" },
  { TECHO_OID_GUIDANCE_LEVEL, "3", "なし（情報提供）" },
  { TECHO_OID_GUIDANCE_LEVEL, "4", "判定不能" },
  { TECHO_OID_YES_NO, "1", "はい" },
  { TECHO_OID_YES_NO, "2", "いいえ" },
  { SMOKING_ITEM, "1", "はい" },
  { SMOKING_ITEM, "2", "以前は吸っていたが最近1ヶ月は吸っていない" },
  { SMOKING_ITEM, "3", "いいえ" },
  { FOLLOWUP_SET, "1", "不要" },
  { FOLLOWUP_SET, "2", "要精密検査" },
  { FOLLOWUP_SET, "9", "判定不能" },
  /* Lung: chest X-ray. */
  { SCREENING_OID ("2100"), "1", "B 異常なし" },
  { SCREENING_OID ("2100"), "2", "C 精査不要" },
  { SCREENING_OID ("2100"), "3", "D 他疾患要治療" },
  { SCREENING_OID ("2100"), "4", "E 肺癌疑い" },
  { SCREENING_OID ("2100"), "9", "A 読影不能" },
  /* Lung: sputum cytology, A–E (inferred: codes 1–5 stand for A–E). */
  { SCREENING_OID ("2101"), "1", "A" },
  { SCREENING_OID ("2101"), "2", "B" },
  { SCREENING_OID ("2101"), "3", "C" },
  { SCREENING_OID ("2101"), "4", "D" },
  { SCREENING_OID ("2101"), "5", "E" },
  /* Breast: mammography category. */
  { SCREENING_OID ("2200"), "1", "カテゴリー1" },
  { SCREENING_OID ("2200"), "2", "カテゴリー2" },
  { SCREENING_OID ("2200"), "3", "カテゴリー3" },
  { SCREENING_OID ("2200"), "4", "カテゴリー4" },
  { SCREENING_OID ("2200"), "5", "カテゴリー5" },
  { SCREENING_OID ("2200"), "9", "N-1 要再撮影" },
  { SCREENING_OID ("2200"), "99", "N-2" },
  /* Stomach: X-ray or endoscopy. */
  { SCREENING_OID ("2050"), "1", "所見なし" },
  { SCREENING_OID ("2050"), "2", "所見あり" },
  /* Cervical: cytology (Bethesda). */
  { SCREENING_OID ("2400"), "1", "NILM" },
  { SCREENING_OID ("2400"), "2", "ASC-US" },
  { SCREENING_OID ("2400"), "3", "ASC-H" },
  { SCREENING_OID ("2400"), "4", "LSIL" },
  { SCREENING_OID ("2400"), "5", "HSIL" },
  { SCREENING_OID ("2400"), "6", "SCC" },
  { SCREENING_OID ("2400"), "7", "AGC" },
  { SCREENING_OID ("2400"), "8", "AIS" },
  { SCREENING_OID ("2400"), "9", "腺癌" },
  { SCREENING_OID ("2400"), "10", "その他の悪性腫瘍" },
  { SCREENING_OID ("2400"), "99", "判定不能" },
  /* Colorectal: faecal occult blood. */
  { SCREENING_OID ("2500"), "1", "陰性" },
  { SCREENING_OID ("2500"), "2", "陽性" },
  { SCREENING_OID ("2500"), "9", "判定不能" },
};

static const char *
strip_urn_oid (const char *system)
{
  if (system != NULL && g_str_has_prefix (system, "urn:oid:"))
    return system + strlen ("urn:oid:");
  return system;
}

gboolean
techo_reference_parse_date (const char *text,
                            GDate      *date)
{
  guint year, month, day;

  g_date_clear (date, 1);
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

char *
techo_reference_format_gdate (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
}

gboolean
techo_reference_code_equals (const char *value,
                             const char *code)
{
  gsize length;

  if (value == NULL || code == NULL)
    return FALSE;
  while (g_ascii_isspace (*value))
    value++;
  length = strlen (value);
  while (length > 0 && g_ascii_isspace (value[length - 1]))
    length--;
  return length == strlen (code) && strncmp (value, code, length) == 0;
}

/* The item that carries @analyte's value: the one finder every view uses. */
static const TechoItem *
find_analyte_item (const TechoCheckup  *checkup,
                   const TechoAnalyte  *analyte)
{
  return techo_analysis_find (checkup, analyte);
}

static gboolean
checkup_number (const TechoCheckup *checkup,
                const char         *key,
                double             *out_value)
{
  const TechoItem *item = find_analyte_item (checkup, techo_reference_analyte (key));

  return item != NULL && techo_reference_parse_number (item->value, out_value);
}

/* Blood pressure: the mean of the 1st and 2nd readings when both exist,
 * else whichever exists, else the "other" reading. */
static gboolean
checkup_blood_pressure (const TechoCheckup *checkup,
                        const char         *key,
                        double             *out_value)
{
  const TechoAnalyte *analyte = techo_reference_analyte (key);
  double readings[3];
  gboolean have[3] = { FALSE, FALSE, FALSE };

  for (guint i = 0; i < 3; i++)
    {
      const TechoItem *item = techo_checkup_find_item (checkup, analyte->codes[i]);

      have[i] = techo_analysis_item_has_value (item)
                && techo_reference_parse_number (item->value, &readings[i]);
    }
  if (have[0] && have[1])
    *out_value = (readings[0] + readings[1]) / 2;
  else if (have[0] || have[1])
    *out_value = have[0] ? readings[0] : readings[1];
  else if (have[2])
    *out_value = readings[2];
  else
    return FALSE;
  return TRUE;
}

static gboolean
answered_yes (const TechoCheckup *checkup,
              const char         *key)
{
  const TechoItem *item = find_analyte_item (checkup, techo_reference_analyte (key));

  return item != NULL && techo_reference_code_equals (item->value, "1");
}

/* Waist at or over the sex's threshold, or visceral fat at or over 100 cm2.
 * @out_known: FALSE when neither could be judged. */
static gboolean
waist_over (const TechoCheckup *checkup,
            const char         *sex,
            gboolean           *out_known)
{
  const TechoThreshold *threshold =
    techo_reference_threshold (techo_reference_analyte ("waist"), sex);
  double waist, fat;
  gboolean waist_known = threshold != NULL && checkup_number (checkup, "waist", &waist);
  gboolean fat_known = checkup_number (checkup, "visceral_fat_area", &fat);

  *out_known = waist_known || fat_known;
  if (fat_known && fat >= rules.visceral_fat)
    return TRUE;
  return waist_known && waist >= threshold->guidance;
}

static gboolean
bp_risk (const TechoCheckup *checkup)
{
  double sbp, dbp;

  return (checkup_blood_pressure (checkup, "sbp", &sbp) && sbp >= rules.risk_sbp)
         || (checkup_blood_pressure (checkup, "dbp", &dbp) && dbp >= rules.risk_dbp);
}

static gboolean
lipid_risk (const TechoCheckup *checkup)
{
  double tg, hdl;

  return (checkup_number (checkup, "tg_fasting", &tg) && tg >= rules.risk_tg_fasting)
         || (checkup_number (checkup, "tg_random", &tg) && tg >= rules.risk_tg_random)
         || (checkup_number (checkup, "hdl", &hdl) && hdl < rules.risk_hdl_below);
}

/* ------------------------------------------------------------------------ */

const char *
techo_form_group_name (TechoFormGroup group)
{
  g_return_val_if_fail (group < TECHO_N_FORM_GROUPS, NULL);
  return form_group_names[group];
}

const char *
techo_form_group_name_ja (TechoFormGroup group)
{
  g_return_val_if_fail (group < TECHO_N_FORM_GROUPS, NULL);
  return form_group_names_ja[group];
}

const TechoAnalyte *
techo_reference_analytes (guint *n_analytes)
{
  if (n_analytes != NULL)
    *n_analytes = G_N_ELEMENTS (analytes);
  return analytes;
}

const TechoAnalyte *
techo_reference_analyte (const char *key)
{
  if (key == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (analytes); i++)
    if (strcmp (analytes[i].key, key) == 0)
      return &analytes[i];
  return NULL;
}

const TechoAnalyte *
techo_reference_analyte_for_code (const char *code)
{
  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (analytes); i++)
    for (guint j = 0; analytes[i].codes[j] != NULL; j++)
      if (strcmp (analytes[i].codes[j], code) == 0)
        return &analytes[i];
  /* Any other method of the JDS HbA1c family is still JDS. */
  if (strlen (code) == 17 && g_str_has_prefix (code, "3D045"))
    return techo_reference_analyte ("hba1c_jds");
  return NULL;
}

const TechoThreshold *
techo_reference_threshold (const TechoAnalyte *analyte,
                           const char         *sex)
{
  g_return_val_if_fail (analyte != NULL, NULL);

  for (guint i = 0; i < analyte->n_thresholds; i++)
    {
      const TechoThreshold *threshold = &analyte->thresholds[i];

      if (threshold->sex == NULL || g_strcmp0 (threshold->sex, sex) == 0)
        return threshold;
    }
  return NULL;
}

gboolean
techo_reference_parse_number (const char *text,
                              double     *out_value)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double value;

  if (text == NULL || strlen (text) > 64)
    return FALSE;
  copy = g_strstrip (g_strdup (text));
  if (*copy == '\0')
    return FALSE;
  /* Digits, one sign, one point: nothing strtod would read as hex, inf
   * or nan. */
  for (const char *p = copy; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '.' && !((*p == '-' || *p == '+') && p == copy))
      return FALSE;
  value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (value))
    return FALSE;
  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

TechoStatus
techo_reference_classify (const TechoAnalyte *analyte,
                          const char         *value_text,
                          const char         *sex)
{
  const TechoThreshold *threshold;
  double value;
  gboolean guidance = FALSE, see_doctor = FALSE;

  if (analyte == NULL || !techo_reference_parse_number (value_text, &value))
    return TECHO_STATUS_UNKNOWN;
  threshold = techo_reference_threshold (analyte, sex);
  if (threshold == NULL)
    return TECHO_STATUS_UNKNOWN;
  /* Urine ordinals are codes 1..5; anything else is not a result. */
  if (g_strcmp0 (analyte->value_system, TECHO_OID_URINE_ORDINAL) == 0
      && (value < 1 || value > 5 || value != floor (value)))
    return TECHO_STATUS_UNKNOWN;

  switch (threshold->direction)
    {
    case TECHO_THRESHOLD_AT_LEAST:
      guidance = threshold->has_guidance && value >= threshold->guidance;
      see_doctor = threshold->has_see_doctor && value >= threshold->see_doctor;
      break;
    case TECHO_THRESHOLD_AT_MOST:
      guidance = threshold->has_guidance && value <= threshold->guidance;
      see_doctor = threshold->has_see_doctor && value <= threshold->see_doctor;
      break;
    case TECHO_THRESHOLD_BELOW:
      guidance = threshold->has_guidance && value < threshold->guidance;
      see_doctor = threshold->has_see_doctor && value < threshold->see_doctor;
      break;
    case TECHO_THRESHOLD_NONE:
    default:
      return TECHO_STATUS_UNKNOWN;
    }
  if (see_doctor)
    return TECHO_STATUS_SEE_DOCTOR;
  if (guidance)
    return TECHO_STATUS_GUIDANCE;
  return TECHO_STATUS_NORMAL;
}

const char *
techo_status_to_string (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_NORMAL: return "normal";
    case TECHO_STATUS_GUIDANCE: return "guidance";
    case TECHO_STATUS_SEE_DOCTOR: return "see-doctor";
    case TECHO_STATUS_UNKNOWN:
    default: return "unknown";
    }
}

const char *
techo_reference_code_display (const char *value_system,
                              const char *code)
{
  const char *system = strip_urn_oid (value_system);
  g_autofree char *trimmed = NULL;

  if (system == NULL || code == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (code));
  for (guint i = 0; i < G_N_ELEMENTS (code_displays); i++)
    if (strcmp (code_displays[i].system, system) == 0
        && strcmp (code_displays[i].code, trimmed) == 0)
      return code_displays[i].display;
  return NULL;
}

const char *
techo_reference_item_value_display (const char *item_code,
                                    const char *value)
{
  const TechoAnalyte *analyte;

  if (item_code == NULL || value == NULL)
    return NULL;
  if (strcmp (item_code, SMOKING_ITEM) == 0)
    return techo_reference_code_display (SMOKING_ITEM, value);
  for (TechoCancer c = 0; c < TECHO_N_CANCERS; c++)
    {
      const TechoCancerInfo *info = techo_reference_cancer (c);

      if (strcmp (info->followup_code, item_code) == 0)
        return techo_reference_code_display (FOLLOWUP_SET, value);
      for (guint j = 0; j < G_N_ELEMENTS (info->items) && info->items[j].code; j++)
        if (strcmp (info->items[j].code, item_code) == 0)
          return techo_reference_code_display (info->items[j].value_system, value);
    }
  analyte = techo_reference_analyte_for_code (item_code);
  if (analyte != NULL && analyte->value_system != NULL)
    return techo_reference_code_display (analyte->value_system, value);
  return NULL;
}

const char *
techo_metabolic_result_to_code (TechoMetabolicResult result)
{
  static const char * const codes[] = { "4", "1", "2", "3" };

  g_return_val_if_fail (result <= TECHO_METABOLIC_NOT_MET, NULL);
  return codes[result];
}

const char *
techo_metabolic_result_label_ja (TechoMetabolicResult result)
{
  return techo_reference_code_display (TECHO_OID_METABOLIC,
                                       techo_metabolic_result_to_code (result));
}

const char *
techo_guidance_level_to_code (TechoGuidanceLevel level)
{
  static const char * const codes[] = { "4", "1", "2", "3" };

  g_return_val_if_fail (level <= TECHO_GUIDANCE_INFORMATION, NULL);
  return codes[level];
}

const char *
techo_guidance_level_label_ja (TechoGuidanceLevel level)
{
  return techo_reference_code_display (TECHO_OID_GUIDANCE_LEVEL,
                                       techo_guidance_level_to_code (level));
}

TechoMetabolicResult
techo_reference_metabolic (const TechoCheckup *checkup,
                           const char         *sex)
{
  gboolean known = FALSE;
  double glucose, hba1c;
  guint factors = 0;

  g_return_val_if_fail (checkup != NULL, TECHO_METABOLIC_UNKNOWN);

  if (!waist_over (checkup, sex, &known))
    return known ? TECHO_METABOLIC_NOT_MET : TECHO_METABOLIC_UNKNOWN;

  if (answered_yes (checkup, "med_glucose"))
    factors++;
  else if (checkup_number (checkup, "glucose_fasting", &glucose))
    factors += glucose >= rules.metabolic_glucose;
  else if (checkup_number (checkup, "hba1c", &hba1c))
    factors += hba1c >= rules.metabolic_hba1c;

  if (answered_yes (checkup, "med_lipid") || lipid_risk (checkup))
    factors++;
  if (answered_yes (checkup, "med_bp") || bp_risk (checkup))
    factors++;

  if (factors >= 2)
    return TECHO_METABOLIC_MET;
  if (factors == 1)
    return TECHO_METABOLIC_PRE;
  return TECHO_METABOLIC_NOT_MET;
}

TechoGuidanceLevel
techo_reference_guidance_level (const TechoCheckup *checkup,
                                const char         *sex,
                                int                 age)
{
  gboolean known = FALSE, over, bmi_known;
  double bmi = 0, glucose, hba1c;
  gboolean glucose_known = FALSE, glucose_risk = FALSE;
  guint risks = 0;
  TechoGuidanceLevel level;

  g_return_val_if_fail (checkup != NULL, TECHO_GUIDANCE_UNKNOWN);

  if (answered_yes (checkup, "med_bp") || answered_yes (checkup, "med_glucose")
      || answered_yes (checkup, "med_lipid"))
    return TECHO_GUIDANCE_INFORMATION;

  over = waist_over (checkup, sex, &known);
  bmi_known = checkup_number (checkup, "bmi", &bmi);
  if (!over && !(bmi_known && bmi >= rules.bmi))
    return known ? TECHO_GUIDANCE_INFORMATION : TECHO_GUIDANCE_UNKNOWN;

  if (checkup_number (checkup, "glucose_fasting", &glucose))
    {
      glucose_known = TRUE;
      glucose_risk |= glucose >= rules.risk_glucose;
    }
  if (checkup_number (checkup, "hba1c", &hba1c))
    {
      glucose_known = TRUE;
      glucose_risk |= hba1c >= rules.risk_hba1c;
    }
  /* (inferred: 4th period) random glucose only when neither exists. */
  if (!glucose_known && checkup_number (checkup, "glucose_random", &glucose))
    glucose_risk = glucose >= rules.risk_glucose;

  risks += glucose_risk;
  risks += lipid_risk (checkup);
  risks += bp_risk (checkup);
  if (risks > 0 && answered_yes (checkup, "smoking"))
    risks++;

  if (over)
    level = risks >= 2 ? TECHO_GUIDANCE_ACTIVE
            : risks == 1 ? TECHO_GUIDANCE_MOTIVATIONAL : TECHO_GUIDANCE_INFORMATION;
  else
    level = risks >= 3 ? TECHO_GUIDANCE_ACTIVE
            : risks >= 1 ? TECHO_GUIDANCE_MOTIVATIONAL : TECHO_GUIDANCE_INFORMATION;

  if (level == TECHO_GUIDANCE_ACTIVE && age >= rules.older_from && age <= rules.older_to)
    level = TECHO_GUIDANCE_MOTIVATIONAL;
  return level;
}

gboolean
techo_reference_reported_metabolic (const TechoCheckup   *checkup,
                                    TechoMetabolicResult *out_result)
{
  const TechoItem *item;

  g_return_val_if_fail (checkup != NULL, FALSE);

  item = find_analyte_item (checkup, techo_reference_analyte ("metabolic_syndrome"));
  if (item == NULL)
    return FALSE;
  for (TechoMetabolicResult r = TECHO_METABOLIC_UNKNOWN; r <= TECHO_METABOLIC_NOT_MET; r++)
    if (techo_reference_code_equals (item->value, techo_metabolic_result_to_code (r)))
      {
        if (out_result != NULL)
          *out_result = r;
        return TRUE;
      }
  return FALSE;
}

gboolean
techo_reference_reported_guidance_level (const TechoCheckup *checkup,
                                         TechoGuidanceLevel *out_level)
{
  const TechoItem *item;

  g_return_val_if_fail (checkup != NULL, FALSE);

  item = find_analyte_item (checkup, techo_reference_analyte ("guidance_level"));
  if (item == NULL)
    return FALSE;
  for (TechoGuidanceLevel l = TECHO_GUIDANCE_UNKNOWN; l <= TECHO_GUIDANCE_INFORMATION; l++)
    if (techo_reference_code_equals (item->value, techo_guidance_level_to_code (l)))
      {
        if (out_level != NULL)
          *out_level = l;
        return TRUE;
      }
  return FALSE;
}

gboolean
techo_reference_same_ingredient (const char *yj_a,
                                 const char *yj_b)
{
  return yj_a != NULL && yj_b != NULL && strlen (yj_a) >= 7 && strlen (yj_b) >= 7
         && strncmp (yj_a, yj_b, 7) == 0;
}

gboolean
techo_reference_same_class (const char *yj_a,
                            const char *yj_b)
{
  return yj_a != NULL && yj_b != NULL && strlen (yj_a) >= 4 && strlen (yj_b) >= 4
         && strncmp (yj_a, yj_b, 4) == 0;
}

char *
techo_reference_therapeutic_class (const char *yj)
{
  if (yj == NULL || strlen (yj) < 4)
    return NULL;
  return g_strndup (yj, 4);
}

/* 薬効分類 (the three-digit classes of 日本標準商品分類 87 医薬品 that
 * outpatient medicines mostly fall in), by code. */
static const TechoDrugClass drug_classes[] = {
  { "111", "全身麻酔剤", N_("General anaesthetics"), "麻酔", N_("anaesthesia") },
  { "112", "催眠鎮静剤，抗不安剤", N_("Hypnotics, sedatives and anxiolytics"), "眠りや不安をやわらげる", N_("sleep and anxiety") },
  { "113", "抗てんかん剤", N_("Antiepileptics"), "てんかんの発作を抑える", N_("epilepsy") },
  { "114", "解熱鎮痛消炎剤", N_("Antipyretics, analgesics and anti-inflammatories"), "痛み・熱・炎症を抑える", N_("pain, fever and inflammation") },
  { "116", "抗パーキンソン剤", N_("Antiparkinsonian agents"), "パーキンソン病", N_("Parkinson's disease") },
  { "117", "精神神経用剤", N_("Psychotropic agents"), "こころの病気", N_("mental health") },
  { "119", "その他の中枢神経系用薬", N_("Other central nervous system agents"), "脳や神経", N_("the brain and nerves") },
  { "121", "局所麻酔剤", N_("Local anaesthetics"), "局所の麻酔", N_("local anaesthesia") },
  { "122", "骨格筋弛緩剤", N_("Skeletal muscle relaxants"), "筋肉のこわばりをほぐす", N_("muscle stiffness") },
  { "124", "鎮けい剤", N_("Antispasmodics"), "胃腸などのけいれんを抑える", N_("cramps and spasms") },
  { "131", "眼科用剤", N_("Ophthalmic agents"), "目", N_("the eyes") },
  { "132", "耳鼻科用剤", N_("Otorhinological agents"), "耳や鼻", N_("the ears and nose") },
  { "211", "強心剤", N_("Cardiotonics"), "心臓の働きを助ける", N_("the heart's pumping") },
  { "212", "不整脈用剤", N_("Antiarrhythmics"), "脈の乱れを整える", N_("heart rhythm") },
  { "213", "利尿剤", N_("Diuretics"), "尿を出してむくみや血圧を下げる", N_("fluid and blood pressure") },
  { "214", "血圧降下剤", N_("Antihypertensives"), "血圧を下げる", N_("lowering blood pressure") },
  { "217", "血管拡張剤", N_("Vasodilators"), "血管を広げる（血圧・狭心症）", N_("widening blood vessels (blood pressure, angina)") },
  { "218", "高脂血症用剤", N_("Lipid-lowering agents"), "コレステロールや中性脂肪を下げる", N_("lowering cholesterol and triglycerides") },
  { "219", "その他の循環器官用薬", N_("Other cardiovascular agents"), "心臓や血管", N_("the heart and blood vessels") },
  { "222", "鎮咳剤", N_("Antitussives"), "せきを鎮める", N_("cough") },
  { "223", "去たん剤", N_("Expectorants"), "たんを出しやすくする", N_("phlegm") },
  { "224", "鎮咳去たん剤", N_("Antitussive expectorants"), "せきとたん", N_("cough and phlegm") },
  { "225", "気管支拡張剤", N_("Bronchodilators"), "気管支を広げる（ぜんそくなど）", N_("widening the airways (asthma and others)") },
  { "229", "その他の呼吸器官用薬", N_("Other respiratory agents"), "呼吸器", N_("breathing") },
  { "231", "止しゃ剤，整腸剤", N_("Antidiarrhoeals and intestinal regulators"), "下痢を止め腸を整える", N_("diarrhoea and the gut") },
  { "232", "消化性潰瘍用剤", N_("Peptic ulcer agents"), "胃酸を抑え胃や十二指腸を守る", N_("stomach acid and ulcers") },
  { "233", "健胃消化剤", N_("Stomachics and digestives"), "消化を助ける", N_("digestion") },
  { "234", "制酸剤", N_("Antacids"), "胃酸を中和する", N_("stomach acid") },
  { "235", "下剤，浣腸剤", N_("Laxatives and enemas"), "便通をよくする", N_("constipation") },
  { "236", "利胆剤", N_("Cholagogues"), "胆汁の流れを助ける", N_("bile flow") },
  { "239", "その他の消化器官用薬", N_("Other digestive agents"), "胃腸", N_("the digestive system") },
  { "243", "甲状腺，副甲状腺ホルモン剤", N_("Thyroid and parathyroid hormones"), "甲状腺のホルモン", N_("thyroid hormones") },
  { "245", "副腎ホルモン剤", N_("Adrenal hormones"), "炎症や免疫を抑える（ステロイド）", N_("inflammation and immunity (steroids)") },
  { "249", "その他のホルモン剤（抗ホルモン剤を含む）", N_("Other hormones (including insulin)"), "ホルモン（インスリンなど）", N_("hormones (insulin and others)") },
  { "259", "その他の泌尿生殖器官及び肛門用薬", N_("Other urogenital and anal agents"), "排尿など", N_("urination and others") },
  { "264", "鎮痛，鎮痒，収斂，消炎剤", N_("Topical analgesics, antipruritics and anti-inflammatories"), "皮膚の痛み・かゆみ・炎症", N_("skin pain, itching and inflammation") },
  { "311", "ビタミンA及びD剤", N_("Vitamin A and D preparations"), "ビタミンA・D（骨など）", N_("vitamins A and D (bones and others)") },
  { "313", "ビタミンB剤", N_("Vitamin B preparations"), "ビタミンB", N_("vitamin B") },
  { "322", "無機質製剤", N_("Mineral preparations"), "鉄などのミネラルを補う", N_("minerals such as iron") },
  { "325", "たん白アミノ酸製剤", N_("Protein and amino acid preparations"), "栄養を補う", N_("nutrition") },
  { "332", "止血剤", N_("Haemostatics"), "血を止める", N_("stopping bleeding") },
  { "333", "血液凝固阻止剤", N_("Anticoagulants"), "血液を固まりにくくする", N_("preventing blood clots") },
  { "339", "その他の血液・体液用薬", N_("Other blood agents"), "血液（血栓の予防など）", N_("the blood (preventing clots and others)") },
  { "392", "解毒剤", N_("Detoxicants"), "解毒", N_("detoxification") },
  { "394", "痛風治療剤", N_("Gout agents"), "尿酸を下げる・痛風", N_("uric acid and gout") },
  { "395", "酵素製剤", N_("Enzyme preparations"), "酵素", N_("enzymes") },
  { "396", "糖尿病用剤", N_("Antidiabetics"), "血糖を下げる", N_("lowering blood sugar") },
  { "399", "他に分類されない代謝性医薬品", N_("Other metabolic agents"), "代謝（骨粗しょう症など）", N_("metabolism (osteoporosis and others)") },
  { "422", "代謝拮抗剤", N_("Antimetabolites"), "がんの治療", N_("cancer treatment") },
  { "429", "その他の腫瘍用薬", N_("Other antineoplastics"), "がんの治療", N_("cancer treatment") },
  { "441", "抗ヒスタミン剤", N_("Antihistamines"), "アレルギー", N_("allergy") },
  { "449", "その他のアレルギー用薬", N_("Other antiallergics"), "アレルギー", N_("allergy") },
  { "613", "主としてグラム陽性・陰性菌に作用するもの", N_("Antibiotics (Gram-positive and -negative)"), "細菌の感染症", N_("bacterial infections") },
  { "614", "主としてグラム陽性菌，マイコプラズマに作用するもの", N_("Antibiotics (Gram-positive, mycoplasma)"), "細菌の感染症", N_("bacterial infections") },
  { "624", "合成抗菌剤", N_("Synthetic antibacterials"), "細菌の感染症", N_("bacterial infections") },
  { "625", "抗ウイルス剤", N_("Antivirals"), "ウイルスの感染症", N_("viral infections") },
  { "629", "その他の化学療法剤", N_("Other chemotherapeutics"), "真菌などの感染症", N_("fungal and other infections") },
  { "631", "ワクチン類", N_("Vaccines"), "予防接種", N_("vaccination") },
};

const TechoDrugClass *
techo_reference_drug_classes (guint *out_n)
{
  if (out_n != NULL)
    *out_n = G_N_ELEMENTS (drug_classes);
  return drug_classes;
}

const TechoDrugClass *
techo_reference_drug_class (const char *yj_code)
{
  if (yj_code == NULL || strlen (yj_code) < 4 || !g_ascii_isdigit (yj_code[0])
      || !g_ascii_isdigit (yj_code[1]) || !g_ascii_isdigit (yj_code[2]))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (drug_classes); i++)
    if (strncmp (drug_classes[i].code, yj_code, 3) == 0)
      return &drug_classes[i];
  return NULL;
}

/* The Japanese eras since the Gregorian calendar (明治6年), first day
 * and last day (YYYYMMDD), oldest first. The one era table of Techo. */
static const struct
{
  char letter;
  const char *name;
  guint first_year;  /* 元年 */
  guint first_day;   /* the first day a GYYMMDD of this era can name */
  guint last_day;
} eras[] = {
  /* 明治元年 is 1868; dates before 明治6年 were lunisolar, so only the
   * Gregorian days from 1873-01-01 are real dates here. */
  { 'M', "明治", 1868, 18730101, 19120729 },
  { 'T', "大正", 1912, 19120730, 19261224 },
  { 'S', "昭和", 1926, 19261225, 19890107 },
  { 'H', "平成", 1989, 19890108, 20190430 },
  { 'R', "令和", 2019, 20190501, 99991231 },
};

TechoEraDate
techo_reference_parse_era_date (const char *text,
                                char      **out_iso)
{
  guint digits[6];
  guint year, month, day, ymd;

  g_return_val_if_fail (out_iso != NULL, TECHO_ERA_DATE_INVALID);
  *out_iso = NULL;
  if (text == NULL || strlen (text) != 7)
    return TECHO_ERA_DATE_INVALID;
  for (guint i = 0; i < 6; i++)
    {
      if (!g_ascii_isdigit (text[i + 1]))
        return TECHO_ERA_DATE_INVALID;
      digits[i] = text[i + 1] - '0';
    }
  month = digits[2] * 10 + digits[3];
  day = digits[4] * 10 + digits[5];
  for (guint i = 0; i < G_N_ELEMENTS (eras); i++)
    {
      guint era_year = digits[0] * 10 + digits[1];

      if (g_ascii_toupper (text[0]) != eras[i].letter)
        continue;
      if (era_year == 0)
        return TECHO_ERA_DATE_INVALID;
      year = eras[i].first_year + era_year - 1;
      if (!g_date_valid_dmy (day, month, year))
        return TECHO_ERA_DATE_INVALID;
      ymd = year * 10000 + month * 100 + day;
      /* Before the era began (平成元年1月7日) there is no such date. */
      if (ymd < eras[i].first_day)
        return TECHO_ERA_DATE_INVALID;
      *out_iso = g_strdup_printf ("%04u-%02u-%02u", year, month, day);
      /* After it ended (平成31年5月1日) the day is clear, but the writer
       * did not know the new era: the caller may warn. */
      return ymd > eras[i].last_day ? TECHO_ERA_DATE_PAST_ERA : TECHO_ERA_DATE_OK;
    }
  return TECHO_ERA_DATE_INVALID;
}

char *
techo_reference_format_date (const char *iso_date,
                             gboolean    japanese_era)
{
  GDate date;
  guint year, month, day, ymd;

  if (!techo_reference_parse_date (iso_date, &date))
    return NULL;
  year = g_date_get_year (&date);
  month = g_date_get_month (&date);
  day = g_date_get_day (&date);
  ymd = year * 10000 + month * 100 + day;

  /* 大正 onwards, as the app has always written them. */
  if (japanese_era)
    for (guint i = G_N_ELEMENTS (eras); i-- > 1;)
      if (ymd >= eras[i].first_day)
        {
          guint era_year = year - eras[i].first_year + 1;

          if (era_year == 1)
            return g_strdup_printf ("%s元年%u月%u日", eras[i].name, month, day);
          return g_strdup_printf ("%s%u年%u月%u日", eras[i].name, era_year, month, day);
        }
  return g_strdup_printf ("%u年%u月%u日", year, month, day);
}

int
techo_reference_age_on (const char *birth_date,
                        const char *date)
{
  GDate birth, on;
  int age;

  if (!techo_reference_parse_date (birth_date, &birth) || !techo_reference_parse_date (date, &on)
      || g_date_compare (&on, &birth) < 0)
    return -1;
  age = g_date_get_year (&on) - g_date_get_year (&birth);
  if (g_date_get_month (&on) < g_date_get_month (&birth)
      || (g_date_get_month (&on) == g_date_get_month (&birth)
          && g_date_get_day (&on) < g_date_get_day (&birth)))
    age--;
  return age;
}
