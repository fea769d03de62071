/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-analysis.h: what one person's records mean, worked out in one
 * place. The one analyte finder (which item of a checkup carries an
 * analyte's value), the status of a value against the national
 * thresholds, the supply left of a dispensing and duplicate therapy, the
 * summaries the pages show (the latest checkup against the one before,
 * the metabolic and guidance assessment, the state of each cancer
 * screening) and the series an analyte's chart draws.
 *
 * Every view asks here: the pages and the visit window, the doctor's
 * report, the FHIR and CSV exports. So the screen, the paper and a file
 * cannot show different values for the same record. The clinical facts
 * themselves (analytes, codes, thresholds, rules) stay in the reference
 * tables; this unit only applies them. Pure functions over records: no
 * store, no GTK, callable from any thread. */

#pragma once

#include <glib.h>

#include "techo-records.h"
#include "techo-reference-tables.h"

G_BEGIN_DECLS

/* --- Values ------------------------------------------------------------- */

/* TRUE when @item carries a value: it is not marked not performed and its
 * value is neither missing (a CDA nullFlavor, a FHIR dataAbsentReason)
 * nor blank. */
gboolean          techo_analysis_item_has_value (const TechoItem *item);

/* THE analyte finder: the item of @checkup that carries @analyte's value.
 * The analyte's codes are tried in the reference's order (the preferred
 * method first); an item that has no value (not performed, nullFlavor,
 * blank) never answers, so a later code of the same analyte may; then any
 * other item whose code maps to the analyte (another JDS HbA1c method), in
 * the checkup's order. NULL when no item of the analyte has a value. */
const TechoItem  *techo_analysis_find           (const TechoCheckup *checkup,
                                                 const TechoAnalyte *analyte);
/* The same by analyte key ("hba1c"); NULL for an unknown key. */
const TechoItem  *techo_analysis_find_key       (const TechoCheckup *checkup,
                                                 const char         *key);

/* The status of @item's value against the national thresholds of its own
 * analyte for @sex: TECHO_STATUS_UNKNOWN when it has no value, is not one
 * of the reference's analytes, is not a number or has no threshold. */
TechoStatus       techo_analysis_item_status    (const TechoItem    *item,
                                                 const char         *sex);

/* One analyte's value at one checkup, as every view shows it. Pointers are
 * borrowed from the checkup (and the reference). */
typedef struct
{
  const TechoAnalyte *analyte;
  const TechoCheckup *checkup;
  const TechoItem *item;   /* the item techo_analysis_find chose */
  const char *date;        /* the checkup's performed_on */
  TechoStatus status;
  gboolean numeric;        /* the value is a plain number (@number) */
  double number;
} TechoReading;

/* Fills @out with @analyte's reading at @checkup (statuses for @sex);
 * FALSE (and @out cleared) when the checkup has no value for it. */
gboolean          techo_analysis_reading        (const TechoCheckup *checkup,
                                                 const TechoAnalyte *analyte,
                                                 const char         *sex,
                                                 TechoReading       *out);

/* The sex the statuses of @set are judged for (NULL when unknown). */
const char       *techo_analysis_sex            (const TechoRecordSet *set);
/* Full years of age of @set's person on @date (YYYY-MM-DD); -1 when
 * unknown. */
int               techo_analysis_age_on         (const TechoRecordSet *set,
                                                 const char           *date);

/* --- Series ------------------------------------------------------------- */

/* Every reading of @analyte in @set, oldest first, one per checkup that
 * has a value (checkups of the same day keep their order in the set):
 * a GArray of TechoReading whose pointers are borrowed from @set. The
 * Trends page's charts and the report's charts are drawn from this. */
GArray           *techo_analysis_series         (const TechoRecordSet *set,
                                                 const TechoAnalyte   *analyte);
/* How many checkups of @set have a numeric value of @analyte (stops
 * counting at @at_most when it is not 0). */
guint             techo_analysis_count_numeric  (const TechoRecordSet *set,
                                                 const TechoAnalyte   *analyte,
                                                 guint                 at_most);

/* --- The latest checkup -------------------------------------------------- */

/* The overview's and the visit window's "latest checkup": @analyte's
 * reading at the newest checkup of @set into @out_latest and at the
 * checkup before it into @out_previous (nullable; cleared when that
 * checkup has no value). FALSE when the newest checkup has no value. */
gboolean          techo_analysis_latest         (const TechoRecordSet *set,
                                                 const TechoAnalyte   *analyte,
                                                 TechoReading         *out_latest,
                                                 TechoReading         *out_previous);

/* The metabolic syndrome result and the guidance level of one checkup:
 * the source's own reported values when present, else worked out from the
 * values, the sex and the age on the checkup's day. */
typedef struct
{
  TechoMetabolicResult metabolic;
  gboolean metabolic_reported;  /* FALSE: computed by Techo */
  TechoGuidanceLevel level;
  gboolean level_reported;      /* FALSE: computed by Techo */
  /* Why, by the national rules applied to the values and the answers
   * (also when the source reported the level: UNKNOWN when the rules give
   * another level than the source's). */
  TechoGuidanceReason reason;
  guint risks;                  /* added risks counted (REASON_RISKS, _AGE) */
} TechoAssessment;

void              techo_analysis_assess         (const TechoRecordSet *set,
                                                 const TechoCheckup   *checkup,
                                                 TechoAssessment      *out);

/* --- Medicines ---------------------------------------------------------- */

/* Days between two YYYY-MM-DD dates (@to − @from); G_MININT when either is
 * not a date. */
int               techo_analysis_days_between   (const char *from,
                                                 const char *to);
/* Days of supply of @dispensing left on @today (0 when used up or when a
 * date is missing). */
int               techo_analysis_days_left      (const TechoDispensing *dispensing,
                                                 const char            *today);
/* The supply (dispensed_on + days) still runs on @today. */
gboolean          techo_analysis_is_current     (const TechoDispensing *dispensing,
                                                 const char            *today);

/* The Medical ID's key of a medicine, under which the person's own note
 * of what it is for is kept (TECHO_NOTEBOOK_PURPOSE's code): the first 7
 * characters of the YJ code (ingredient and route, so a note outlives a
 * change of brand), else the drug's name. NULL without either. */
char             *techo_analysis_medicine_key   (const TechoDispensing *dispensing);
/* The medicines still being taken on @today, one per drug (its latest
 * dispensing, borrowed from @dispensings, newest first). */
GPtrArray        *techo_analysis_current_medicines (GPtrArray   *dispensings,
                                                    const char  *today);
/* The person's own note of what @dispensing's medicine is for, from
 * @entries (TechoNotebookEntry), or NULL. Borrowed. */
const char       *techo_analysis_medicine_note  (GPtrArray             *entries,
                                                 const TechoDispensing *dispensing);

/* Duplicate therapy: two dispensings of the same ingredient (the first 7
 * characters of the YJ code) from different prescribers whose supplies
 * overlap. @dispensings: TechoDispensing, any order. @today: only
 * supplies current on that day are considered (NULL: the whole history).
 * Returns one pair per ingredient and pair of prescribers (the latest
 * overlap) as consecutive entries (a, b, a, b …), borrowed from
 * @dispensings. @out_flagged (nullable, a pointer set) receives every
 * dispensing that overlaps another prescriber's. */
GPtrArray        *techo_analysis_duplicates     (GPtrArray   *dispensings,
                                                 const char  *today,
                                                 GHashTable  *out_flagged);

/* --- Cancer screenings --------------------------------------------------- */

typedef struct
{
  const TechoCancerInfo *info;
  GPtrArray *screenings;         /* this cancer's, newest first (borrowed) */
  const TechoScreening *last;    /* the newest of any stage, or NULL */
  const char *last_primary_on;   /* the newest primary screening's date, or NULL */
  gboolean followup_outstanding; /* positive, and no detailed exam since */
  TechoScreeningDue due;         /* OVERDUE only when a screening is on record:
                                  * with none, Techo cannot tell late from never */
  char *due_on;                  /* next due date, or NULL */
} TechoScreeningSummary;

/* The state of @cancer's screening for @set's person on @today. */
void              techo_analysis_screening      (const TechoRecordSet  *set,
                                                 TechoCancer            cancer,
                                                 const char            *today,
                                                 TechoScreeningSummary *out);
void              techo_screening_summary_clear (TechoScreeningSummary *summary);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TechoScreeningSummary, techo_screening_summary_clear)

G_END_DECLS
