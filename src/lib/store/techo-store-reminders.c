/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reminders sent today, one row each. Every *_job runs on the store
 * thread. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include "techo-store-private.h"
#include "techo-store-reminders.h"

typedef struct
{
  gint64 profile_id;
  char *day;
  GStrv ids;
} ClaimRequest;

static void
claim_request_free (ClaimRequest *r)
{
  g_free (r->day);
  g_strfreev (r->ids);
  g_free (r);
}

static gpointer
claim_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  ClaimRequest *r = data;
  g_autoptr(GStrvBuilder) unsent = g_strv_builder_new ();
  g_autoptr(GError) local_error = NULL;

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  if (!techo_sqlite_run (db, &local_error,
                         "DELETE FROM reminders_sent WHERE profile_id = ?1 AND sent_on <> ?2",
                         "is", r->profile_id, r->day))
    goto rollback;
  for (guint i = 0; r->ids[i] != NULL; i++)
    {
      if (!techo_sqlite_run (db, &local_error,
                             "INSERT OR IGNORE INTO reminders_sent (profile_id, reminder, sent_on) "
                             "VALUES (?1, ?2, ?3)",
                             "iss", r->profile_id, r->ids[i], r->day))
        goto rollback;
      if (techo_sqlite_changes (db) > 0)
        g_strv_builder_add (unsent, r->ids[i]);
    }
  if (!techo_sqlite_commit (db, &local_error))
    goto rollback;
  return g_strv_builder_end (unsent);

rollback:
  techo_sqlite_rollback (db);
failed:
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "remember the reminders sent");
  return NULL;
}

static ClaimRequest *
claim_request_new (gint64              profile_id,
                   const char         *day,
                   const char * const *ids)
{
  ClaimRequest *r = g_new0 (ClaimRequest, 1);

  r->profile_id = profile_id;
  r->day = g_strdup (day);
  r->ids = g_strdupv ((char **) ids);
  return r;
}

GStrv
techo_store_claim_reminders_sync (TechoStore          *self,
                                  gint64               profile_id,
                                  const char          *day,
                                  const char * const  *ids,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  g_return_val_if_fail (day != NULL && ids != NULL, NULL);

  return techo_store_run_sync (self, claim_job, claim_request_new (profile_id, day, ids),
                               (GDestroyNotify) claim_request_free, cancellable, error);
}

void
techo_store_claim_reminders_async (TechoStore          *self,
                                   gint64               profile_id,
                                   const char          *day,
                                   const char * const  *ids,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (day != NULL && ids != NULL);

  techo_store_run_async (self, claim_job, claim_request_new (profile_id, day, ids),
                         (GDestroyNotify) claim_request_free, (GDestroyNotify) g_strfreev,
                         techo_store_claim_reminders_async, cancellable, callback, user_data);
}

GStrv
techo_store_claim_reminders_finish (TechoStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_claim_reminders_async, error);
}
