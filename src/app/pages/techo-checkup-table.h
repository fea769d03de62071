/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-checkup-table.h: the year-by-year table of the paper result form
 * (経年表): the items as rows in the official grouping, the last N
 * checkups as columns (newest first), each value marked △ at the guidance
 * level and ▲ at the see-a-doctor level. The Checkups page shows it, and
 * visit mode can: it takes any record set. */

#pragma once

#include <gtk/gtk.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_CHECKUP_TABLE_DEFAULT_COLUMNS 3

#define TECHO_TYPE_CHECKUP_TABLE (techo_checkup_table_get_type ())
G_DECLARE_FINAL_TYPE (TechoCheckupTable, techo_checkup_table, TECHO, CHECKUP_TABLE, GtkWidget)

GtkWidget  *techo_checkup_table_new             (void);
/* The records to tabulate (NULL empties the table). */
void        techo_checkup_table_set_records     (TechoCheckupTable *self,
                                                 TechoRecordSet    *records);
/* How many of the latest checkups to show as columns (at least 1). */
void        techo_checkup_table_set_max_columns (TechoCheckupTable *self,
                                                 guint              max_columns);
guint       techo_checkup_table_get_max_columns (TechoCheckupTable *self);
/* The columns shown: the smaller of the maximum and the checkups there are. */
guint       techo_checkup_table_get_n_columns   (TechoCheckupTable *self);
/* The item rows shown (group headings not counted). */
guint       techo_checkup_table_get_n_rows      (TechoCheckupTable *self);
/* The date of column @column (0: the newest) as shown, or NULL. */
const char *techo_checkup_table_get_column_date (TechoCheckupTable *self,
                                                 guint              column);
/* The checkup kind of column @column as shown, or NULL. */
const char *techo_checkup_table_get_column_kind (TechoCheckupTable *self,
                                                 guint              column);
/* The cell of analyte @key in column @column as shown ("6.6 ▲"; "" for
 * no value), or NULL when the analyte has no row. */
const char *techo_checkup_table_get_cell        (TechoCheckupTable *self,
                                                 const char        *key,
                                                 guint              column);
/* The form groups with a row, in order, as their headings say. */
GStrv       techo_checkup_table_dup_groups      (TechoCheckupTable *self);

G_END_DECLS
