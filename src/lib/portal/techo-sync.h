/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sync.h: pulls a person's records from the portal into the store.
 *
 * Per category: a watermark (the last month fully fetched); each sync asks
 * again for the last 3 months before it (claims lag, revisions); each page
 * is upserted with the category's sync state (watermark, request, cursor)
 * in ONE store transaction, so a sync killed anywhere resumes where the
 * last committed page left it. The store keeps the highest revision and
 * applies withdrawals, so re-reading a range changes nothing. Checkup CDA
 * documents are fetched and stored after their page; a killed sync
 * fetches the ones it still owed first.
 *
 * techo_sync_run_sync blocks (worker thread, CLI); techo_sync_run_async
 * runs it on a GTask thread and emits ::progress on the caller's main
 * context. */

#pragma once

#include <gio/gio.h>

#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* Months re-read before the watermark on every sync. */
#define TECHO_SYNC_REREAD_MONTHS 3

typedef struct
{
  TechoCategory category;
  guint pages;        /* pages stored in this run */
  guint records;      /* records in them (withdrawals included) */
  guint changed;      /* of those, the ones the store did not hold as sent:
                       * new, or a higher revision (the months re-read
                       * before the watermark are mostly not) */
  guint documents;    /* CDA documents stored */
  gboolean finished;  /* the category is done for this run */
} TechoSyncProgress;

typedef void (*TechoSyncProgressFunc) (const TechoSyncProgress *progress,
                                       gpointer                 user_data);

/* A bit per TechoCategory. */
#define TECHO_SYNC_ALL_CATEGORIES ((1u << TECHO_N_CATEGORIES) - 1)

#define TECHO_TYPE_SYNC (techo_sync_get_type ())
G_DECLARE_FINAL_TYPE (TechoSync, techo_sync, TECHO, SYNC, GObject)

TechoSync  *techo_sync_new     (TechoStore        *store,
                                TechoPortalClient *client,
                                gint64             profile_id);

/* The month sync runs up to, YYYYMM (default: this month, UTC). */
void        techo_sync_set_today_month (TechoSync  *self,
                                        const char *yyyymm);
/* The first month asked for on a first sync (default 190001). */
void        techo_sync_set_earliest_month (TechoSync  *self,
                                           const char *yyyymm);
/* Whether checkup documents are fetched (default TRUE). */
void        techo_sync_set_fetch_documents (TechoSync *self,
                                            gboolean   fetch);

/* Called on the syncing thread after every stored page and when a
 * category finishes. */
void        techo_sync_set_progress_func (TechoSync             *self,
                                          TechoSyncProgressFunc  func,
                                          gpointer               user_data,
                                          GDestroyNotify         destroy);

/* Syncs the categories in @categories (bits of TechoCategory), one after
 * the other; stops at the first error. @out_progress (nullable) receives
 * one TechoSyncProgress per category, indexed by TechoCategory. */
gboolean    techo_sync_run_sync  (TechoSync          *self,
                                  guint               categories,
                                  TechoSyncProgress  *out_progress,
                                  GCancellable       *cancellable,
                                  GError            **error);

/* The same on a worker thread; emits ::progress (a TechoSyncProgress
 * boxed as a pointer valid during the emission) on the caller's main
 * context. */
void        techo_sync_run_async  (TechoSync           *self,
                                   guint                categories,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
gboolean    techo_sync_run_finish (TechoSync     *self,
                                   GAsyncResult  *result,
                                   GError       **error);

/* Asks the portal who is signed in (/me), records the profile in the store
 * with the client settings of @oauth and keeps the consent expiry with
 * the session. Returns the profile's store id (0 on error). */
gint64      techo_sync_prepare_profile (TechoStore         *store,
                                        TechoOAuth         *oauth,
                                        TechoPortalClient  *client,
                                        guint              *out_granted,
                                        GCancellable       *cancellable,
                                        GError            **error);

G_END_DECLS
