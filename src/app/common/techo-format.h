/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-format.h: how the app writes dates, values and statuses, and the
 * status chip (colour AND icon AND words). */

#pragma once

#include <gtk/gtk.h>

#include "techo-reference.h"

G_BEGIN_DECLS

/* Whether the user interface speaks Japanese (names then come from the
 * reference's official Japanese fields). */
gboolean     techo_format_is_japanese       (void);
/* The date style preference (和暦); the application keeps it current. */
void         techo_format_set_japanese_era  (gboolean    japanese_era);
gboolean     techo_format_get_japanese_era  (void);

/* "2025年6月15日" / "令和7年6月15日" in Japanese, "15 Jun 2025" in English;
 * a copy of @iso_date when it does not parse. */
char        *techo_format_date              (const char *iso_date);
/* Today as YYYY-MM-DD (TECHO_TODAY overrides, for tests and demos). */
char        *techo_format_today             (void);
/* @unit as people read it ("kg/m2" → "kg/m²"); other units unchanged. */
const char  *techo_format_unit              (const char *unit);
/* @iso_date plus @days, as YYYY-MM-DD. */
char        *techo_format_add_days          (const char *iso_date,
                                             int         days);

const char  *techo_format_analyte_name      (const TechoAnalyte *analyte);
const char  *techo_format_cancer_name       (const TechoCancerInfo *info);
/* "血圧降下剤：血圧を下げる" / "Antihypertensives: lowering blood
 * pressure": the class of a drug by its YJ code and what it is for;
 * NULL when the code names no class Techo knows. */
char        *techo_format_drug_class        (const char *yj_code);
/* What a current medicine is for, in one line: its class (as above) and
 * the person's own note from @entries (TechoNotebookEntry, may be NULL),
 * e.g. "血圧降下剤：血圧を下げる · 自分のメモ：朝の血圧" (@for_doctor:
 * "本人のメモ"); NULL when neither is known. */
char        *techo_format_medicine_purpose  (const TechoDispensing *dispensing,
                                             GPtrArray             *entries,
                                             gboolean               for_doctor);
/* Where a notebook entry came from: "Entered by you", "From the
 * medication notebook file okusuri.txt", "From My Number Portal". */
char        *techo_format_entry_origin      (const TechoNotebookEntry *entry);
/* Appends what @entry says beyond its text to @subtitle: " · detail" and
 * " · from – to" (the days an OTC medicine was taken), where known. */
void         techo_format_append_entry_details (GString                  *subtitle,
                                                const TechoNotebookEntry *entry);
/* The notebook's kinds a doctor must see, in the order the medicines page
 * and visit mode show them: allergies and side effects first, then OTC
 * medicines and supplements. */
extern const TechoNotebookKind techo_format_notebook_shown[3];
/* "Allergy", "Side effect", "OTC medicine or supplement" (translated);
 * "" for a kind no page shows. */
const char  *techo_format_notebook_kind     (TechoNotebookKind kind);
const char  *techo_format_group_name        (TechoFormGroup group);

/* "6.6" with the analyte's usual decimals; a copy of the text when it is
 * not a number. */
char        *techo_format_number            (const TechoAnalyte *analyte,
                                             const char         *value_text);
/* "6.6 %", "142 mg/dL", "±" (coded values through the reference). */
char        *techo_format_value             (const TechoAnalyte *analyte,
                                             const TechoItem    *item);
/* "↑ 0.3" / "↓ 4" / "→ 0"; NULL when either value is not a number. */
char        *techo_format_change            (const TechoAnalyte *analyte,
                                             const char         *value_text,
                                             const char         *previous_text);
/* "Guidance at ≥ 5.6 %, see a doctor at ≥ 6.5 %"; NULL without thresholds. */
char        *techo_format_thresholds        (const TechoAnalyte *analyte,
                                             const char         *sex);

/* The kind of @checkup in the words on people's papers: 特定健診,
 * 後期高齢者健診 (a 特定健診-kind record of someone 75 or older on the day,
 * or kind 020), 事業主健診, 学校健診 … from its serviceEvent code
 * (1.2.392.200119.6.1002) and @set's person's age; "健診" when unknown. */
const char  *techo_format_checkup_kind      (const TechoRecordSet *set,
                                             const TechoCheckup   *checkup);
/* The duplicate-therapy sentence for the pair (@a, @b) of
 * techo_analysis_duplicates: both prescribers and the overlapping days,
 * in the past tense when the overlap ended before @today. */
char        *techo_format_duplicate         (const TechoDispensing *a,
                                             const TechoDispensing *b,
                                             const char            *today);
/* The last day (YYYY-MM-DD) both supplies of the pair ran, or NULL. */
char        *techo_format_duplicate_end     (const TechoDispensing *a,
                                             const TechoDispensing *b);
/* The categories a consent covers (a TechoCategory bit mask), named in a
 * list: "Checkups, Medicines". */
char        *techo_format_categories        (guint       categories);
/* "Today at 14:05", "Yesterday at 09:10", or the date and time. */
char        *techo_format_sync_time         (GDateTime  *when);

/* A metabolic or guidance result in the official words, marked when
 * Techo worked it out: "なし（情報提供）・計算値" (never doubled brackets). */
char        *techo_format_assessment        (const char *official,
                                             gboolean    reported);
/* Why the guidance level is what it is, in a sentence (the medication
 * answers of the questionnaire, waist and BMI, the risks counted, the
 * age rule), or NULL when Techo cannot say. */
char        *techo_format_guidance_reason   (const TechoAssessment *assessment);

const char  *techo_format_status_label      (TechoStatus status);
const char  *techo_format_status_icon       (TechoStatus status);
/* A pill with an icon and the status words, styled by status. */
GtkWidget   *techo_status_chip_new          (TechoStatus status);
/* What a status means, in plain words, and what to do about it; NULL for
 * TECHO_STATUS_UNKNOWN. The status chip shows both when pressed. */
const char  *techo_format_status_meaning    (TechoStatus status);
const char  *techo_format_status_next_step  (TechoStatus status);
/* Where the thresholds come from, named for the person. */
const char  *techo_format_threshold_source  (void);
/* A pill with plain words and a style class ("warning", "error", NULL). */
GtkWidget   *techo_chip_new                 (const char *text,
                                             const char *icon_name,
                                             const char *style_class);
/* @chip (with an icon) shows its icon only while its window is folded
 * (phone width), its words then in its tooltip and accessible name. For
 * chips whose icon alone says enough (a status, a due screening). */
void         techo_chip_set_folds           (GtkWidget  *chip);
/* techo_chip_new() with techo_chip_set_folds(): a chip whose row says the
 * same in words. */
GtkWidget   *techo_chip_new_folding         (const char *text,
                                             const char *icon_name,
                                             const char *style_class);

G_END_DECLS
