/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-records.h: the plain record types that flow through every path:
 * portal → records → store → views and exports, and file imports into the
 * same store. One type per kind; no behaviour beyond allocation. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Limits every reader and the store enforce. */
#define TECHO_RECORD_MAX_DOCUMENT_BYTES (16 * 1024 * 1024) /* a CDA file as received */
#define TECHO_RECORD_MAX_PAGE_RECORDS   10000   /* records of one portal page */
#define TECHO_RECORD_MAX_FILE_RECORDS   1000000 /* records of one imported file */

/* Every id the マイナポータル XML reader (formats) makes starts with this;
 * the store's merge tells such rows apart by it (five characters). */
#define TECHO_MHLW_ID_PREFIX "mhlw-"

typedef enum
{
  TECHO_CATEGORY_CHECKUP,
  TECHO_CATEGORY_MEDICATION,
  TECHO_CATEGORY_SCREENING,
  TECHO_N_CATEGORIES
} TechoCategory;

const char   *techo_category_to_string   (TechoCategory  category);
gboolean      techo_category_from_string (const char    *name,
                                          TechoCategory *out_category);

/* HL7 value types used by checkup and screening items. */
typedef enum
{
  TECHO_VALUE_PQ, /* physical quantity: value + unit */
  TECHO_VALUE_CO, /* coded ordinal: value is a code in value_system */
  TECHO_VALUE_CD, /* coded: as CO */
  TECHO_VALUE_ST, /* free text */
} TechoValueType;

const char   *techo_value_type_to_string   (TechoValueType  type);
gboolean      techo_value_type_from_string (const char     *name,
                                            TechoValueType *out_type);

/* Where a stored row came from. */
typedef enum
{
  TECHO_ORIGIN_PORTAL, /* id + revision from the portal */
  TECHO_ORIGIN_FILE,   /* an imported file: name + SHA-256 */
  TECHO_ORIGIN_MANUAL, /* typed in by the user */
  TECHO_N_ORIGINS
} TechoOrigin;

/* "portal", "file", "manual": the one spelling the store, FHIR and CSV
 * use. from_string is FALSE for anything else (NULL included). */
const char   *techo_origin_to_string   (TechoOrigin  origin);
gboolean      techo_origin_from_string (const char  *name,
                                        TechoOrigin *out_origin);

typedef struct
{
  TechoOrigin origin;
  char *file_name;   /* TECHO_ORIGIN_FILE only */
  char *file_sha256; /* TECHO_ORIGIN_FILE only, lowercase hex */
} TechoProvenance;

/* One measured item of a checkup or screening. Values stay text as
 * received ("170.2", "1"), so nothing is lost by a float round trip. */
typedef struct
{
  char *code;          /* 17-character checkup item code */
  char *name;          /* as the source names it, e.g. 身長 */
  TechoValueType type;
  char *value;         /* NULL when not performed */
  char *unit;          /* PQ */
  char *value_system;  /* CO/CD: the code system OID */
  char *display;       /* CO/CD: the code's words, e.g. 陰性 */
  gboolean not_performed;
  /* What a checkup file says beyond the value (NULL when it says nothing). */
  char *null_flavor;     /* HL7 nullFlavor of the value: NI, UNK, NA, ASKU … */
  char *interpretation;  /* the laboratory's own flag (interpretationCode): H, L, N … */
  char *reference_range; /* the laboratory's range as written, e.g. "70-109 mg/dL" */
  char *method_code;     /* methodCode@code */
  char *other_values;    /* further <value>s, one per line: "TYPE\tvalue\tunit-or-system" */
} TechoItem;

TechoItem    *techo_item_new  (void);
TechoItem    *techo_item_copy (const TechoItem *item);
void          techo_item_free (TechoItem *item);

typedef struct
{
  char *id;
  gint64 revision;
  gboolean withdrawn;      /* a withdrawal carries only id + revision */
  char *performed_on;      /* YYYY-MM-DD */
  char *kind;              /* serviceEvent code: 010 特定健診, 030 事業者健診 … */
  char *report_kind;       /* report kind code: 10 … */
  char *institution_code;  /* 10 digits */
  char *institution_name;
  GPtrArray *items;        /* of TechoItem */
  char *document;          /* portal path of the CDA file, may be NULL */
  char *doctor_name;       /* the doctor who judged (legalAuthenticator or author) */
  char *insurer_symbol;    /* 被保険者証等記号 */
  char *insurer_card_number; /* 被保険者証等番号 */
  char *patient_address;   /* the person's address as the file gives it */
  TechoProvenance provenance;
} TechoCheckup;

TechoCheckup *techo_checkup_new  (void);
void          techo_checkup_free (TechoCheckup *checkup);
const TechoItem *techo_checkup_find_item (const TechoCheckup *checkup,
                                          const char         *code);

/* One drug line of one dispensing (or claim, or prescription). */
typedef struct
{
  char *id;
  gint64 revision;
  gboolean withdrawn;
  char *source;            /* claims | dispensing | prescription */
  char *dispensed_on;      /* YYYY-MM-DD */
  char *prescribed_on;     /* YYYY-MM-DD, may be NULL */
  char *setting;           /* outpatient | inpatient */
  char *pharmacy_code;
  char *pharmacy_name;
  char *prescriber_code;
  char *prescriber_name;
  char *prescriber_department;
  char *receipt_code;      /* 9-digit レセプト電算 code */
  char *yj_code;           /* 12-character YJ code */
  char *drug_name;
  char *ingredient_name;
  double quantity;
  char *unit;
  char *usage;
  int days;                /* days supplied: JAHIS 日分 only, else 0 */
  char *dosage_form;       /* JAHIS 剤形 code */
  TechoProvenance provenance;
  /* What a JAHIS notebook says beyond the portal's fields (NULL / 0 from
   * the portal). The store keeps them beside the row. */
  double dispensing_quantity; /* 調剤数量 as written, with its unit: */
  char *dispensing_unit;      /* 日分 (days), 回分 (doses) or 調剤 (once) */
  char *drug_code;            /* the code as given … */
  char *drug_code_kind;       /* … and its kind: 1 none, 2 レセ電, 3 厚労省, 4 YJ, 6 HOT */
  char *generic_name;         /* 一般名 (JAHISTC08) */
  char *generic_code;
  char *generic_code_kind;
  char *pharmacist_name;      /* record 15 */
  char *doctor_name;          /* record 55 */
  char *notes;                /* "NNN\ttext" lines: 281 291 311 391 401 411 421 501 601 */
} TechoDispensing;

TechoDispensing *techo_dispensing_new  (void);
void             techo_dispensing_free (TechoDispensing *dispensing);

/* What a medication notebook says about the person rather than one
 * dispensing: allergies, side effects, history, OTC medicines and
 * supplements, memos, the family pharmacist. */
typedef enum
{
  TECHO_NOTEBOOK_ALLERGY,     /* JAHIS 2, 種別 1 アレルギー歴 */
  TECHO_NOTEBOOK_SIDE_EFFECT, /* JAHIS 2, 種別 2 副作用歴 */
  TECHO_NOTEBOOK_HISTORY,     /* JAHIS 2, 種別 3 既往歴 */
  TECHO_NOTEBOOK_REMARK,      /* JAHIS 2, 種別 9 その他 */
  TECHO_NOTEBOOK_OTC,         /* JAHIS 3 with its 31 ingredients */
  TECHO_NOTEBOOK_MEMO,        /* JAHIS 4 手帳メモ */
  TECHO_NOTEBOOK_PHARMACIST,  /* JAHIS 701 かかりつけ薬剤師 */
  TECHO_NOTEBOOK_PURPOSE,     /* the person's own note of what a medicine is
                               * for (no JAHIS record): code is the medicine's
                               * key (techo_analysis_medicine_key) */
  TECHO_NOTEBOOK_N_KINDS
} TechoNotebookKind;

const char *techo_notebook_kind_to_string   (TechoNotebookKind  kind);
gboolean    techo_notebook_kind_from_string (const char        *name,
                                             TechoNotebookKind *out_kind);

typedef struct
{
  char *id;                /* stable: same entry, same id */
  TechoNotebookKind kind;
  char *text;              /* the content; OTC: the product; 701: the name */
  char *detail;            /* OTC: ingredients; 701: pharmacy and contact */
  char *code;              /* OTC: JAN code */
  char *started_on;        /* YYYY-MM-DD: OTC start, memo date, 701 start */
  char *ended_on;          /* OTC end, 701 end */
  char *author;            /* レコード作成者: 1 医療関係者, 2 患者等, 8 その他, 9 不明 */
  TechoProvenance provenance;
} TechoNotebookEntry;

TechoNotebookEntry *techo_notebook_entry_new  (void);
void                techo_notebook_entry_free (TechoNotebookEntry *entry);

typedef struct
{
  char *id;
  gint64 revision;
  gboolean withdrawn;
  char *performed_on;       /* YYYY-MM-DD */
  char *cancer;             /* lung | breast | stomach | cervical | colorectal */
  char *report_kind;        /* 51 … 55 */
  char *stage;              /* primary | detailed */
  char *municipality_code;
  char *municipality_name;
  GPtrArray *items;         /* of TechoItem */
  char *followup_code;      /* 9P5x2000000000011, may be NULL */
  char *followup_value;     /* 1 不要, 2 要精密検査, 9 判定不能 */
  char *followup_display;
  TechoProvenance provenance;
} TechoScreening;

TechoScreening *techo_screening_new  (void);
void            techo_screening_free (TechoScreening *screening);

/* The person the records belong to, as the portal's /me describes them. */
typedef struct
{
  gint64 id;               /* store row id; 0 before it is stored */
  char *subject;           /* portal subject, NULL for a local-only person */
  char *issuer;
  char *name;              /* kanji */
  char *name_kana;
  char *birth_date;        /* YYYY-MM-DD */
  char *sex;               /* male | female */
  char *insurer_number;
} TechoProfile;

TechoProfile *techo_profile_new  (void);
void          techo_profile_free (TechoProfile *profile);
TechoProfile *techo_profile_copy (const TechoProfile *profile);

void          techo_provenance_clear (TechoProvenance *provenance);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoItem, techo_item_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoCheckup, techo_checkup_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoDispensing, techo_dispensing_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoScreening, techo_screening_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoNotebookEntry, techo_notebook_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoProfile, techo_profile_free)

G_END_DECLS
