/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-selection.h: what of a record set a consent lets go — its
 * categories, its period and its scope (the last N checkups, some
 * cancers, the current medicines only; techo-record-scope.h). The one
 * place that decides it: the consent gate narrows what it gathers with
 * it (so every export, print, visit and share holds exactly that), and
 * the share dialog's summary lists it before anything is recorded. */

#pragma once

#include "techo-records.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *checkups;    /* TechoCheckup, newest first, borrowed from the set */
  GPtrArray *dispensings; /* TechoDispensing, newest first, borrowed */
  GPtrArray *screenings;  /* TechoScreening, newest first, borrowed */
} TechoSelection;

/* Fills @out with what @consent covers of @set (borrowed: @set must
 * outlive it). A category the consent does not name is empty. */
void      techo_selection_init   (TechoSelection       *out,
                                  const TechoRecordSet *set,
                                  const TechoConsent   *consent);
void      techo_selection_clear  (TechoSelection       *selection);
guint     techo_selection_count  (const TechoSelection *selection);

/* Drops from @set (in place) every record @consent does not cover. For
 * a set nobody else holds yet (the gate's gathering). */
void      techo_record_set_narrow (TechoRecordSet      *set,
                                   const TechoConsent  *consent);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TechoSelection, techo_selection_clear)

G_END_DECLS
