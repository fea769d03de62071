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

/* Keeps the JAHIS details of @dispensings (rows already upserted, matched
 * by id) and adds @entries (either may be NULL) for @profile_id, in one
 * transaction. An entry already held (same id) is left as it is.
 * @out_n_new_entries: entries the store did not hold before. */
gboolean   techo_store_save_notebook_sync (TechoStore    *self,
                                           gint64         profile_id,
                                           GPtrArray     *dispensings,
                                           GPtrArray     *entries,
                                           guint         *out_n_new_entries,
                                           GCancellable  *cancellable,
                                           GError       **error);

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

/* One part of multi-part data as text of its own (techo_jahis_part_to_text),
 * kept until the others arrive. The same part again replaces it. */
gboolean   techo_store_save_pending_part_sync (TechoStore    *self,
                                               const char    *data_id,
                                               guint          number,
                                               guint          total,
                                               const char    *text,
                                               const char    *file_name,
                                               GCancellable  *cancellable,
                                               GError       **error);
/* The texts of the parts of @data_id held, in part order (of char *). */
GPtrArray *techo_store_list_pending_parts_sync (TechoStore    *self,
                                                const char    *data_id,
                                                GCancellable  *cancellable,
                                                GError       **error);
/* Forgets the kept parts of @data_id and remembers it as joined. */
gboolean   techo_store_delete_pending_parts_sync (TechoStore    *self,
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
