/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-record-set.h: one person's records as one ref-counted bundle. The
 * same set is what the pages show, what an export writes, what a print,
 * visit or share discloses: every path reads records through it, so no
 * two paths can disagree about what a person's records are. */

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
} TechoRecordSet;

TechoRecordSet *techo_record_set_new   (void);
TechoRecordSet *techo_record_set_ref   (TechoRecordSet       *set);
void            techo_record_set_unref (TechoRecordSet       *set);
guint           techo_record_set_count (const TechoRecordSet *set);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoRecordSet, techo_record_set_unref)

G_END_DECLS
