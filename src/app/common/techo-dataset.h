/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-dataset.h: one person's records as the pages show them, read from
 * the store off the main thread (the store's own worker answers every
 * query), and the small derived views several pages share. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"
#include "techo-reference.h"
#include "techo-store.h"

G_BEGIN_DECLS

typedef struct
{
  gatomicrefcount ref_count;
  TechoProfile *profile;    /* NULL when the store holds nobody yet */
  GPtrArray *checkups;      /* TechoCheckup, newest first */
  GPtrArray *dispensings;   /* TechoDispensing, newest first */
  GPtrArray *screenings;    /* TechoScreening, newest first */
  GPtrArray *entries;       /* TechoNotebookEntry: allergies, OTC … (never NULL) */
  char *today;              /* YYYY-MM-DD */
  gboolean complete;        /* FALSE: dispensings of the last 13 months only */
} TechoDataset;

/* Takes ownership of @profile and references the arrays (NULL: empty). */
TechoDataset *techo_dataset_new         (TechoProfile  *profile,
                                         GPtrArray     *checkups,
                                         GPtrArray     *dispensings,
                                         GPtrArray     *screenings);
TechoDataset *techo_dataset_ref         (TechoDataset  *dataset);
void          techo_dataset_unref       (TechoDataset  *dataset);

gboolean      techo_dataset_is_empty    (TechoDataset  *dataset);
const char   *techo_dataset_sex         (TechoDataset  *dataset);
/* Age today, or -1 when the birth date is unknown. */
int           techo_dataset_age         (TechoDataset  *dataset);

/* The item of @checkup that carries analyte @key, or NULL. */
const TechoItem *techo_dataset_find_analyte (const TechoCheckup *checkup,
                                             const char         *key);

/* Dispensing whose supply (dispensed_on + days) reaches today. */
gboolean      techo_dataset_dispensing_is_current (TechoDataset          *dataset,
                                                   const TechoDispensing *dispensing);
/* Days of supply left today (0 when used up). */
int           techo_dataset_days_left  (TechoDataset          *dataset,
                                        const TechoDispensing *dispensing);

/* Duplicate therapy: two dispensings of the same ingredient (first 7
 * characters of the YJ code) from different prescribers whose supplies
 * overlap. Returns one pair per ingredient and pair of prescribers (the
 * latest overlap) as consecutive entries (a, b, a, b …), borrowed from
 * the dataset. @out_flagged (nullable, a pointer set) receives every
 * dispensing that overlaps another prescriber's. */
GPtrArray    *techo_dataset_find_duplicates (TechoDataset *dataset,
                                             gboolean      current_only,
                                             GHashTable   *out_flagged);

/* Reads the first profile's records in a worker thread. @recent_only:
 * dispensings of the last 13 months only (enough for what is current;
 * the dataset's complete is then FALSE), for a quick first frame. */
void          techo_dataset_load_async  (TechoStore           *store,
                                         gboolean              recent_only,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
TechoDataset *techo_dataset_load_finish (GAsyncResult         *result,
                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoDataset, techo_dataset_unref)

G_END_DECLS
