/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-private.h: the store's job queue, shared by techo-store.c
 * (the thread, opening, keys, backup) and techo-store-records.c (the
 * record writes and queries). */

#pragma once

#include "techo-sqlite.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* What a job returns on success when it has no value to hand back. */
#define TECHO_STORE_DONE GINT_TO_POINTER (1)

/* Runs on the store thread with the open connection @db. Returns non-NULL
 * on success (TECHO_STORE_DONE or a value), NULL with @error set. */
typedef gpointer (*TechoStoreJobFunc) (TechoStore    *self,
                                       TechoSqlite   *db,
                                       gpointer       data,
                                       GCancellable  *cancellable,
                                       GError       **error);

/* Queues @func and waits for it. @data is freed with @data_free after the
 * job ran. Returns the job's result (owned by the caller). */
gpointer techo_store_run_sync   (TechoStore           *self,
                                 TechoStoreJobFunc     func,
                                 gpointer              data,
                                 GDestroyNotify        data_free,
                                 GCancellable         *cancellable,
                                 GError              **error);
/* Queues @func; its result comes back through a GTask tagged
 * @source_tag, freed with @result_free if nobody takes it. */
void     techo_store_run_async  (TechoStore           *self,
                                 TechoStoreJobFunc     func,
                                 gpointer              data,
                                 GDestroyNotify        data_free,
                                 GDestroyNotify        result_free,
                                 gpointer              source_tag,
                                 GCancellable         *cancellable,
                                 GAsyncReadyCallback   callback,
                                 gpointer              user_data);
gpointer techo_store_run_finish (TechoStore           *self,
                                 GAsyncResult         *result,
                                 gpointer              source_tag,
                                 GError              **error);

/* Turns an error from techo-sqlite into a store error whose message a user
 * understands; corruption codes become TECHO_STORE_ERROR_CORRUPT. Takes
 * ownership of @sqlite_error. */
void     techo_store_propagate_error (GError     **error,
                                      GError      *sqlite_error,
                                      const char  *doing);

G_END_DECLS
