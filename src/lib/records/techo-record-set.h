/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-record-set.h: one person's records as one ref-counted bundle. The
 * same set is what the pages show, what an export writes, what a print,
 * visit or share discloses: every path reads records through it, so no
 * two paths can disagree about what a person's records are.
 *
 * The app reads it with techo_store_read_records_async with the recent
 * dispensings only (see complete; nothing in the app holds the whole
 * history: older dispensings are read from the store a window at a time);
 * a consent's disclosure reads it, whole, with
 * techo_record_set_gather_sync. What the records mean (the analyte
 * finder, statuses, supplies, summaries, chart series) is worked out from
 * a set by techo-analysis.h in the reference area. A set is not changed
 * after it is handed out: share it by reference. */

#pragma once

#include <gio/gio.h>

#include "techo-record-types.h"

G_BEGIN_DECLS

typedef struct
{
  gatomicrefcount ref_count;
  TechoProfile *profile;  /* NULL until the store holds somebody */
  GPtrArray *checkups;    /* TechoCheckup, newest first */
  GPtrArray *dispensings; /* TechoDispensing, newest first */
  GPtrArray *screenings;  /* TechoScreening, newest first */
  GHashTable *documents;  /* checkup id → GBytes: the CDA as received (may be empty) */
  GPtrArray *entries;     /* TechoNotebookEntry: what a medication notebook says about
                           * the person (allergies, OTC medicines …), never NULL */
  gboolean complete;      /* FALSE: dispensings of a recent period only (the
                           * app's set); everything else is always whole */
  GPtrArray *guidance;    /* TechoCheckup of report kind 2x: 特定保健指導 (health
                           * guidance) records, newest first, never NULL; kept apart
                           * from the checkups (no results, no analysis) */
  gint64 synced_at;       /* Unix time the portal last sent this person's
                           * records (0: never synced) */
} TechoRecordSet;

TechoRecordSet *techo_record_set_new   (void);
TechoRecordSet *techo_record_set_ref   (TechoRecordSet       *set);
void            techo_record_set_unref (TechoRecordSet       *set);
guint           techo_record_set_count (const TechoRecordSet *set);
/* No checkup, dispensing or screening (the profile may still be there). */
gboolean        techo_record_set_is_empty (const TechoRecordSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoRecordSet, techo_record_set_unref)

G_END_DECLS
