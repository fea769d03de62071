/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-medicine-timeline.h: the medicine history as lanes, one per
 * ingredient: a bar from each dispensing date for the days supplied,
 * coloured by prescriber, with overlaps from different prescribers
 * outlined in the warning colour. Shows the last @months months. */

#pragma once

#include <gtk/gtk.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_TYPE_MEDICINE_TIMELINE (techo_medicine_timeline_get_type ())
G_DECLARE_FINAL_TYPE (TechoMedicineTimeline, techo_medicine_timeline, TECHO, MEDICINE_TIMELINE,
                      GtkWidget)

GtkWidget *techo_medicine_timeline_new       (void);
/* The dispensings of @records (NULL: none) around @today (YYYY-MM-DD).
 * @flagged: the dispensings that overlap another prescriber's (a pointer
 * set, referenced), may be NULL. */
void       techo_medicine_timeline_set_data  (TechoMedicineTimeline *self,
                                              TechoRecordSet        *records,
                                              const char            *today,
                                              GHashTable            *flagged);
guint      techo_medicine_timeline_get_n_lanes (TechoMedicineTimeline *self);
guint      techo_medicine_timeline_get_n_bars  (TechoMedicineTimeline *self);

G_END_DECLS
