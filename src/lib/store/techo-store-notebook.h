/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-notebook.h: what a medication notebook carries beyond the
 * portal's rows: each dispensing's JAHIS details (quantity and its unit,
 * codes and their kind, generic name, pharmacist, doctor, notes), the
 * notebook entries (allergies, side effects, history, OTC medicines and
 * supplements, memos, family pharmacist), and the parts of multi-part data
 * (record 911) kept until the last part arrives. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"

G_BEGIN_DECLS

/* Included from techo-store.h, after TechoStore is declared. */

/* What a medication notebook file adds beside its dispensings, written by
 * techo_store_merge_sync in the import's transaction, inside the file's
 * savepoint (a failure or a refused file writes none of it), and taken back
 * by techo_store_undo_import_sync. The dispensings' JAHIS details travel
 * on the TechoDispensing records of the merge entries. */
typedef struct
{
  char *data_id;
  guint number;
  guint total;
  char *text;             /* the part as text of its own (techo_jahis_part_to_text) */
} TechoPendingPart;

void techo_pending_part_free (TechoPendingPart *part);

struct _TechoMergeNotebook
{
  guint group;            /* the file, as TechoMergeEntry.group */
  char *file_name;        /* kept with the pending parts */
  GPtrArray *entries;     /* of TechoNotebookEntry; an entry held already (same id) stays */
  GPtrArray *parts;       /* of TechoPendingPart: kept until the rest arrives; a part held
                           * already stays as it is */
  GPtrArray *joined;      /* of char *: data ids now whole: their kept parts are marked
                           * joined (not pending) and the id remembered as joined */
  /* Set by techo_store_merge_sync (also on a dry run): */
  guint n_new_entries;    /* entries the store did not hold */
};

TechoMergeNotebook *techo_merge_notebook_new  (guint               group,
                                               const char         *file_name);
void                techo_merge_notebook_free (TechoMergeNotebook *notebook);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoMergeNotebook, techo_merge_notebook_free)

/* Fills the JAHIS details into @dispensings (of TechoDispensing, e.g. from
 * techo_store_list_dispensings_sync) where the store holds them. */
gboolean   techo_store_load_dispensing_details_sync (TechoStore    *self,
                                                     gint64         profile_id,
                                                     GPtrArray     *dispensings,
                                                     GCancellable  *cancellable,
                                                     GError       **error);

/* The notebook entries of @profile_id, of @kind or of every kind (-1),
 * newest first. */
GPtrArray *techo_store_list_notebook_entries_sync (TechoStore    *self,
                                                   gint64         profile_id,
                                                   int            kind,
                                                   GCancellable  *cancellable,
                                                   GError       **error);

/* The texts of the parts of @data_id held (not yet joined), in part
 * order (of char *). */
GPtrArray *techo_store_list_pending_parts_sync (TechoStore    *self,
                                                const char    *data_id,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* 1 when every part of @data_id was joined by an earlier import, 0 when
 * not, -1 with @error set. */
int        techo_store_pending_was_joined_sync (TechoStore    *self,
                                                const char    *data_id,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* How many parts are held for every data id not yet whole. */
gint64     techo_store_count_pending_parts_sync (TechoStore    *self,
                                                 GCancellable  *cancellable,
                                                 GError       **error);

G_END_DECLS
