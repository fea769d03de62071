/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference.h: the single home of clinical facts. Checkup item codes
 * grouped by analyte, units, thresholds, code displays, the metabolic
 * syndrome and guidance level rules, cancer screening intervals, drug code
 * helpers, FHIR system URIs and Japanese era dates. Nothing clinical is
 * hard-coded anywhere else. Sources: /shared/design/clinical-reference.md. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

/* --- Code systems and FHIR URIs ------------------------------------------ */

#define TECHO_OID_CHECKUP_ITEM        "1.2.392.200119.6.1005"
#define TECHO_OID_REPORT_KIND         "1.2.392.200119.6.1001"
#define TECHO_OID_CHECKUP_KIND        "1.2.392.200119.6.1002"
#define TECHO_OID_SECTION             "1.2.392.200119.6.1010"
#define TECHO_OID_GENDER              "1.2.392.200119.6.1104"
#define TECHO_OID_INSURER_NUMBER      "1.2.392.200119.6.101"
#define TECHO_OID_INSURED_SYMBOL      "1.2.392.200119.6.204"
#define TECHO_OID_INSURED_NUMBER      "1.2.392.200119.6.205"
#define TECHO_OID_INSURED_BRANCH      "1.2.392.200119.6.211"
#define TECHO_OID_INSTITUTION         "1.2.392.200119.6.102"
#define TECHO_OID_URINE_ORDINAL       "1.2.392.200119.6.2102"
#define TECHO_OID_SAMPLING_TIME       "1.2.392.200119.6.2202"
#define TECHO_OID_METABOLIC           "1.2.392.200119.6.1008"
#define TECHO_OID_GUIDANCE_LEVEL      "1.2.392.200119.6.3001"
#define TECHO_OID_YES_NO              "1.2.392.200119.6.2003"
/* Municipal cancer screening value sets are this prefix + ".NNNN". */
#define TECHO_OID_SCREENING_PREFIX    "1.2.392.100495.100"

#define TECHO_URI_CHECKUP_ITEM        "urn:oid:1.2.392.200119.6.1005"
#define TECHO_URI_CHECKUP_KIND        "urn:oid:1.2.392.200119.6.1002"
#define TECHO_URI_JLAC10              "http://medis.or.jp/CodeSystem/master-JLAC10-17digits"
#define TECHO_URI_UCUM                "http://unitsofmeasure.org"
#define TECHO_URI_YJ                  "http://capstandard.jp/iyaku.info/CodeSystem/YJ-code"
#define TECHO_URI_HOT9                "http://medis.or.jp/CodeSystem/master-HOT9"
/* (inferred: no JP Core URI was found for the 9-digit receipt code) */
#define TECHO_URI_RECEIPT_CODE        "urn:oid:1.2.392.100495.20.2.74"
#define TECHO_URI_MERIT9_UNIT         "http://jpfhir.jp/fhir/core/mhlw/CodeSystem/MedicationUnitMERIT9Code"
#define TECHO_URI_JP_CORE             "http://jpfhir.jp/fhir/core"
#define TECHO_URI_JP_PROFILE_PREFIX   "http://jpfhir.jp/fhir/core/StructureDefinition/"
#define TECHO_URI_JP_PATIENT          TECHO_URI_JP_PROFILE_PREFIX "JP_Patient"
#define TECHO_URI_JP_LAB_RESULT       TECHO_URI_JP_PROFILE_PREFIX "JP_Observation_LabResult"
#define TECHO_URI_JP_VITAL_SIGNS      TECHO_URI_JP_PROFILE_PREFIX "JP_Observation_VitalSigns"
#define TECHO_URI_JP_BODY_MEASUREMENT TECHO_URI_JP_PROFILE_PREFIX "JP_Observation_BodyMeasurement"
#define TECHO_URI_JP_MEDICATION_DISPENSE TECHO_URI_JP_PROFILE_PREFIX "JP_MedicationDispense"
#define TECHO_URI_OBSERVATION_CATEGORY "http://jpfhir.jp/fhir/core/CodeSystem/JP_SimpleObservationCategory_CS"
#define TECHO_URI_DOC_TYPECODES       "http://jpfhir.jp/fhir/Common/CodeSystem/doc-typecodes"
#define TECHO_DOC_TYPE_CHECKUP_REPORT "53576-5"
#define TECHO_URI_DOC_CATEGORY        "urn:oid:2.16.840.1.113883.2.2.1.6.1001"
#define TECHO_URI_INTERPRETATION      "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
#define TECHO_URI_NAME_REPRESENTATION "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation"

/* Special checkup items read by the rules below. */
#define TECHO_CODE_METABOLIC          "9N501000000000011"
#define TECHO_CODE_GUIDANCE_LEVEL     "9N506000000000011"
#define TECHO_CODE_DOCTOR_OPINION     "9N511000000000049"

/* --- Analytes --------------------------------------------------------- */

typedef enum
{
  TECHO_STATUS_UNKNOWN,    /* no value, not a number, or no threshold known */
  TECHO_STATUS_NORMAL,
  TECHO_STATUS_GUIDANCE,   /* 保健指導判定値 */
  TECHO_STATUS_SEE_DOCTOR, /* 受診勧奨判定値 */
} TechoStatus;

/* The groups of the checkup form, in the order the form shows them. */
typedef enum
{
  TECHO_FORM_GROUP_BODY,           /* 身体計測 */
  TECHO_FORM_GROUP_BLOOD_PRESSURE, /* 血圧 */
  TECHO_FORM_GROUP_LIPIDS,         /* 脂質 */
  TECHO_FORM_GROUP_LIVER,          /* 肝機能 */
  TECHO_FORM_GROUP_GLUCOSE,        /* 血糖 */
  TECHO_FORM_GROUP_URINE,          /* 尿 */
  TECHO_FORM_GROUP_KIDNEY,         /* 腎機能 */
  TECHO_FORM_GROUP_ANAEMIA,        /* 貧血 */
  TECHO_FORM_GROUP_ASSESSMENT,     /* 判定 */
  TECHO_FORM_GROUP_QUESTIONNAIRE,  /* 質問票 */
  TECHO_N_FORM_GROUPS
} TechoFormGroup;

/* English (translatable, pass through gettext) and official Japanese. */
const char *techo_form_group_name    (TechoFormGroup group);
const char *techo_form_group_name_ja (TechoFormGroup group);

typedef enum
{
  TECHO_THRESHOLD_NONE,
  TECHO_THRESHOLD_AT_LEAST, /* value ≥ limit */
  TECHO_THRESHOLD_AT_MOST,  /* value ≤ limit */
  TECHO_THRESHOLD_BELOW,    /* value < limit */
} TechoThresholdDirection;

/* One row of thresholds. For CO urine items the limits are ordinal codes
 * (2 ±, 3 +). A sex-specific analyte has one row per sex. */
typedef struct
{
  TechoThresholdDirection direction;
  const char *sex;          /* NULL: both sexes; "male" / "female" */
  gboolean has_guidance;
  double guidance;
  gboolean has_see_doctor;
  double see_doctor;
} TechoThreshold;

#define TECHO_ANALYTE_MAX_CODES 5

typedef struct
{
  const char *key;           /* series key: "hba1c" */
  const char *name;          /* English, N_() marked: "HbA1c (NGSP)" */
  const char *name_ja;       /* official Japanese: "HbA1c" / "収縮期血圧" */
  const char *unit;          /* as printed: "mg/dL"; NULL for codes/text */
  const char *ucum;          /* UCUM unit for FHIR; NULL for codes/text */
  const char *codes[TECHO_ANALYTE_MAX_CODES + 1]; /* preferred first, NULL-ended */
  TechoValueType value_type;
  const char *value_system;  /* CO: OID of the value set, may be NULL */
  TechoFormGroup group;
  guint decimals;            /* usual decimals when shown */
  TechoThreshold thresholds[2];
  guint n_thresholds;
  const char *fhir_category; /* laboratory, vital-signs, body-measurement, exam, survey, social-history */
} TechoAnalyte;

/* NULL when the code (or key) is not one of ours. JDS HbA1c codes (3D045…)
 * map to the analyte "hba1c_jds", never to "hba1c". */
const TechoAnalyte *techo_reference_analyte_for_code (const char *code);
const TechoAnalyte *techo_reference_analyte          (const char *key);
/* The whole table, in form order. */
const TechoAnalyte *techo_reference_analytes         (guint      *n_analytes);

/* The threshold row that applies to @sex (NULL when none applies). */
const TechoThreshold *techo_reference_threshold (const TechoAnalyte *analyte,
                                                 const char         *sex);

/* Classifies a value as received (text). Urine ordinal codes ("1".."5")
 * are compared as codes. Sex-specific analytes need @sex. */
TechoStatus techo_reference_classify (const TechoAnalyte *analyte,
                                      const char         *value_text,
                                      const char         *sex);

const char *techo_status_to_string (TechoStatus status); /* "normal", … */

/* Parses a decimal number as written in a record ("6.5", " 120 ");
 * FALSE for anything else (including "<5", NaN, infinities). */
gboolean    techo_reference_parse_number (const char *text,
                                          double     *out_value);

/* --- Code displays ------------------------------------------------------ */

/* The Japanese words of @code in the value set @value_system (an OID,
 * with or without "urn:oid:"): "±", "基準該当", "動機付け支援", "はい",
 * "食後10時間以上", "陰性", "NILM" … NULL when unknown. */
const char *techo_reference_code_display (const char *value_system,
                                          const char *code);

/* The same, looked up by the item that carries the value; this also covers
 * value sets whose OID is not known (smoking, follow-up needed). */
const char *techo_reference_item_value_display (const char *item_code,
                                                const char *value);

/* --- Metabolic syndrome and guidance level ------------------------------ */

typedef enum
{
  TECHO_METABOLIC_UNKNOWN, /* 4 判定不能 (also: not enough data) */
  TECHO_METABOLIC_MET,     /* 1 基準該当 */
  TECHO_METABOLIC_PRE,     /* 2 予備群該当 */
  TECHO_METABOLIC_NOT_MET, /* 3 非該当 */
} TechoMetabolicResult;

typedef enum
{
  TECHO_GUIDANCE_UNKNOWN,      /* 4 判定不能 (also: not enough data) */
  TECHO_GUIDANCE_ACTIVE,       /* 1 積極的支援 */
  TECHO_GUIDANCE_MOTIVATIONAL, /* 2 動機付け支援 */
  TECHO_GUIDANCE_INFORMATION,  /* 3 なし (情報提供) */
} TechoGuidanceLevel;

/* Codes of the national value sets ("1".."4") and Japanese labels. */
const char *techo_metabolic_result_to_code  (TechoMetabolicResult result);
const char *techo_metabolic_result_label_ja (TechoMetabolicResult result);
const char *techo_guidance_level_to_code    (TechoGuidanceLevel level);
const char *techo_guidance_level_label_ja   (TechoGuidanceLevel level);

/* Computed from the measured items (waist, visceral fat, glucose/HbA1c,
 * TG/HDL, blood pressure, medication answers). */
TechoMetabolicResult techo_reference_metabolic      (const TechoCheckup *checkup,
                                                     const char         *sex);
TechoGuidanceLevel   techo_reference_guidance_level (const TechoCheckup *checkup,
                                                     const char         *sex,
                                                     int                 age);

/* The source's own reported values (9N501…, 9N506…). Prefer these when
 * present; label computed values as computed. FALSE when absent. */
gboolean techo_reference_reported_metabolic      (const TechoCheckup   *checkup,
                                                  TechoMetabolicResult *out_result);
gboolean techo_reference_reported_guidance_level (const TechoCheckup   *checkup,
                                                  TechoGuidanceLevel   *out_level);

/* --- Cancer screening ---------------------------------------------------- */

typedef enum
{
  TECHO_CANCER_LUNG,
  TECHO_CANCER_BREAST,
  TECHO_CANCER_STOMACH,
  TECHO_CANCER_CERVICAL,
  TECHO_CANCER_COLORECTAL,
  TECHO_N_CANCERS
} TechoCancer;

typedef struct
{
  const char *code;          /* 17 characters */
  const char *name_ja;
  const char *value_system;  /* OID, NULL for numbers */
  const char *positive[8];   /* value codes that need a detailed exam, NULL-ended */
} TechoScreeningItemInfo;

typedef struct
{
  TechoCancer cancer;
  const char *key;              /* "lung", as TechoScreening.cancer */
  const char *name;             /* English, N_() marked */
  const char *name_ja;          /* 肺がん検診 */
  const char *report_kind;      /* "51" */
  const char *sex;              /* NULL: both; "female" */
  int min_age;
  int interval_months;
  const char *followup_code;    /* 9P5x2000000000011 */
  const char *detailed_code;    /* detailed-exam result item */
  TechoScreeningItemInfo items[3]; /* main items; code NULL ends */
} TechoCancerInfo;

const TechoCancerInfo *techo_reference_cancer          (TechoCancer  cancer);
/* "lung" → info; NULL when unknown. */
const TechoCancerInfo *techo_reference_cancer_for_key  (const char  *key);
/* "51" → info; NULL when unknown. */
const TechoCancerInfo *techo_reference_cancer_for_report_kind (const char *report_kind);

typedef enum
{
  TECHO_SCREENING_NOT_ELIGIBLE, /* wrong sex or too young (today) */
  TECHO_SCREENING_NOT_YET,      /* screened recently; next due on @due_on */
  TECHO_SCREENING_DUE,          /* due now (or never screened) */
  TECHO_SCREENING_OVERDUE,      /* due for a while: more than the grace period */
} TechoScreeningDue;

#define TECHO_SCREENING_GRACE_MONTHS 6 /* (inferred) DUE → OVERDUE after this */

/* Dates are YYYY-MM-DD; @last_performed_on may be NULL (never screened).
 * @out_due_on (nullable) receives the next due date as YYYY-MM-DD (NULL
 * when not eligible). @sex is "male"/"female"/NULL. */
TechoScreeningDue techo_reference_screening_due (TechoCancer  cancer,
                                                 const char  *sex,
                                                 const char  *birth_date,
                                                 const char  *last_performed_on,
                                                 const char  *today,
                                                 char       **out_due_on);

/* TRUE when the result needs a detailed exam: follow-up value "2"
 * (要精密検査), or, when there is no follow-up item, a positive main item. */
gboolean techo_reference_screening_positive (const TechoScreening *screening);

/* TRUE when this screening is a detailed exam (stage "detailed", or it
 * carries the cancer's detailed-exam result item). */
gboolean techo_reference_screening_is_detailed (const TechoScreening *screening);

/* @screenings: TechoScreening of one cancer, any order. TRUE when the most
 * recent primary (not detailed) screening is positive and no detailed exam
 * is recorded on or after its date. */
gboolean techo_reference_screening_followup_outstanding (GPtrArray *screenings);

/* --- Medication --------------------------------------------------------- */

/* Same first 7 characters of the YJ code: same ingredient and route. */
gboolean techo_reference_same_ingredient (const char *yj_a,
                                          const char *yj_b);
/* Same first 4 characters: same therapeutic class (薬効分類). */
gboolean techo_reference_same_class      (const char *yj_a,
                                          const char *yj_b);
/* The 4-character therapeutic class of a YJ code, NULL if too short. */
char    *techo_reference_therapeutic_class (const char *yj);

/* A drug's class in the Japanese therapeutic classification (薬効分類,
 * 日本標準商品分類 87): the first three digits of its YJ code, the class's
 * official name, and what such a medicine is for in plain words. */
typedef struct
{
  const char *code;       /* "214" */
  const char *name_ja;    /* 血圧降下剤 */
  const char *name;       /* English, for translation */
  const char *purpose_ja; /* 血圧を下げる */
  const char *purpose;    /* English, for translation */
} TechoDrugClass;

/* The class of the drug with @yj_code, or NULL when the code is missing,
 * malformed, or of a class the table does not name. */
const TechoDrugClass *techo_reference_drug_class (const char *yj_code);
/* Every class the table names, in code order; @out_n receives how many. */
const TechoDrugClass *techo_reference_drug_classes (guint *out_n);

/* --- Dates ---------------------------------------------------------------- */

/* "2025-06-15" → "2025年6月15日", or with @japanese_era "令和7年6月15日"
 * (令和, 平成, 昭和, 大正; the first year is 元年). NULL if not a date. */
char    *techo_reference_format_date (const char *iso_date,
                                      gboolean    japanese_era);

typedef enum
{
  TECHO_ERA_DATE_INVALID,  /* not GYYMMDD, or no such day in that era */
  TECHO_ERA_DATE_OK,
  TECHO_ERA_DATE_PAST_ERA, /* a real day, but after its era ended (H310501) */
} TechoEraDate;

/* "R020410" → "2020-04-10": 和暦 GYYMMDD with M 明治 (from 明治6年, the
 * first Gregorian year), T 大正, S 昭和, H 平成, R 令和; year 01 is 元年 and
 * a day before its era began (H010107) is invalid. @out_iso is set unless
 * the result is TECHO_ERA_DATE_INVALID. */
TechoEraDate techo_reference_parse_era_date (const char  *text,
                                             char       **out_iso);

/* Full years of age on @date (both YYYY-MM-DD); -1 if either is invalid. */
int      techo_reference_age_on (const char *birth_date,
                                 const char *date);

G_END_DECLS
