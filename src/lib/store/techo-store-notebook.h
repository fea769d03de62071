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

/* ---- the Medical ID: what the person writes in ------------------------- */

/* Longest text a person's own entry may hold (characters). */
#define TECHO_NOTEBOOK_ENTRY_MAX_TEXT 500

/* Saves @entry (its kind, text, detail, code, dates) as the person's own:
 * origin "manual", author 2 (患者等). With no id a new entry is added under
 * a fresh id ("manual:…"); with an id, that entry is changed, or added if
 * the store does not hold it yet (a TECHO_NOTEBOOK_PURPOSE note keeps one id
 * per medicine). An entry a file brought is never changed here
 * (TECHO_STORE_ERROR_INVALID): it is the pharmacy's record. Imports and
 * syncs leave the person's entries alone (their ids cannot collide with a
 * file's, and undo takes back only an import's own rows). Returns the
 * entry's id. */
char      *techo_store_save_notebook_entry_sync     (TechoStore                *self,
                                                     gint64                     profile_id,
                                                     const TechoNotebookEntry  *entry,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
void       techo_store_save_notebook_entry_async    (TechoStore                *self,
                                                     gint64                     profile_id,
                                                     const TechoNotebookEntry  *entry,
                                                     GCancellable              *cancellable,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
char      *techo_store_save_notebook_entry_finish   (TechoStore                *self,
                                                     GAsyncResult              *result,
                                                     GError                   **error);
/* Removes the person's own entry @id; an entry a file brought is refused
 * (TECHO_STORE_ERROR_INVALID), an unknown id is TECHO_STORE_ERROR_NOT_FOUND. */
gboolean   techo_store_remove_notebook_entry_sync   (TechoStore                *self,
                                                     gint64                     profile_id,
                                                     const char                *id,
                                                     GCancellable              *cancellable,
                                                     GError                   **error);
void       techo_store_remove_notebook_entry_async  (TechoStore                *self,
                                                     gint64                     profile_id,
                                                     const char                *id,
                                                     GCancellable              *cancellable,
                                                     GAsyncReadyCallback        callback,
                                                     gpointer                   user_data);
gboolean   techo_store_remove_notebook_entry_finish (TechoStore                *self,
                                                     GAsyncResult              *result,
                                                     GError                   **error);

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
