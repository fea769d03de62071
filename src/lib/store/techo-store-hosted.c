/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shares kept on a share host: their rows and the accesses the host
 * reports. Every *_job runs on the store thread. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-consent.h"
#include "techo-secure.h"
#include "techo-store-hosted.h"
#include "techo-store-private.h"

typedef struct
{
  TechoHostedShare share;
  TechoHostedReport report;  /* accesses_job; its accesses are ours (a reference) */
} HostedRequest;

void
techo_hosted_share_free (TechoHostedShare *share)
{
  if (share == NULL)
    return;
  g_free (share->host_url);
  g_free (share->share_id);
  techo_wipe_free (share->manage_token);
  g_free (share);
}

void
techo_hosted_access_free (TechoHostedAccess *access)
{
  g_free (access->detail);
  g_free (access);
}

static void
request_free (HostedRequest *r)
{
  g_free (r->share.host_url);
  g_free (r->share.share_id);
  techo_wipe_free (r->share.manage_token);
  g_clear_pointer (&r->report.accesses, g_ptr_array_unref);
  g_free (r);
}

static gboolean
insert_row (TechoSqlite  *db,
            const char   *sql,
            gint64        consent_id,
            gint64        at,
            const char   *a,
            const char   *b,
            GError      **error)
{
  return techo_sqlite_run (db, error, sql, "iiss", consent_id, at, a, b);
}

static gpointer
add_job (TechoStore    *self,
         TechoSqlite   *db,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  HostedRequest *r = data;
  g_autoptr(GError) local_error = NULL;

  if (techo_sqlite_run (db, &local_error,
                        "INSERT INTO hosted_shares (consent_id, host_url, share_id, manage_token) "
                        "VALUES (?1, ?2, ?3, ?4)",
                        "isss", r->share.consent_id, r->share.host_url, r->share.share_id,
                        r->share.manage_token))
    return TECHO_STORE_DONE;
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "remember the hosted share");
  return NULL;
}

static TechoHostedShare *
read_row (TechoSqliteStatement *s)
{
  TechoHostedShare *h = g_new0 (TechoHostedShare, 1);

  h->consent_id = techo_sqlite_column_int64 (s, 0);
  h->host_url = techo_sqlite_column_dup_text (s, 1);
  h->share_id = techo_sqlite_column_dup_text (s, 2);
  h->manage_token = techo_sqlite_column_dup_text (s, 3);
  h->accesses_seen = techo_sqlite_column_int64 (s, 4);
  h->denied_seen = techo_sqlite_column_int64 (s, 5);
  h->deleted_at = techo_sqlite_column_is_null (s, 6) ? 0 : techo_sqlite_column_int64 (s, 6);
  return h;
}

#define SELECT_HOSTED "SELECT consent_id, host_url, share_id, manage_token, accesses_seen, " \
                      "denied_seen, deleted_at FROM hosted_shares "

static gpointer
list_job (TechoStore    *self,
          TechoSqlite   *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  HostedRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_hosted_share_free);

  if (r->share.consent_id != 0)
    s = techo_sqlite_prepare (db, SELECT_HOSTED "WHERE consent_id = ?1", &local_error);
  else
    s = techo_sqlite_prepare (db, SELECT_HOSTED "WHERE deleted_at IS NULL ORDER BY consent_id",
                              &local_error);
  if (s == NULL)
    goto failed;
  if (r->share.consent_id != 0)
    techo_sqlite_bind_int64 (s, 1, r->share.consent_id);
  while (techo_sqlite_step (s, &local_error))
    g_ptr_array_add (list, read_row (s));
  if (local_error != NULL)
    goto failed;
  return g_steal_pointer (&list);

failed:
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "read the hosted shares");
  return NULL;
}

static gpointer
mark_deleted_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  HostedRequest *r = data;
  g_autoptr(GError) local_error = NULL;

  if (techo_sqlite_run (db, &local_error,
                        "UPDATE hosted_shares SET deleted_at = ?2 "
                        "WHERE consent_id = ?1 AND deleted_at IS NULL",
                        "ii", r->share.consent_id, techo_store_now ()))
    return TECHO_STORE_DONE;
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "mark the hosted share deleted");
  return NULL;
}

static gpointer
accesses_job (TechoStore    *self,
              TechoSqlite   *db,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  HostedRequest *r = data;
  const TechoHostedReport *report = &r->report;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  gint64 seen, denied_seen, added = 0;
  gint64 *result;
  const char *event_sql = "INSERT INTO consent_events (consent_id, at, event, detail) "
                          "VALUES (?1, ?2, ?3, ?4)";
  const char *audit_sql = "INSERT INTO audit_log (at, action, detail) "
                          "VALUES (?2, ?3, 'consent ' || ?1 || ': ' || ?4)";

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  s = techo_sqlite_prepare (db, "SELECT accesses_seen, denied_seen FROM hosted_shares "
                                "WHERE consent_id = ?1", &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, r->share.consent_id);
  if (!techo_sqlite_step (s, &local_error))
    {
      if (local_error == NULL)
        g_set_error (&local_error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_FOUND,
                     "Consent %" G_GINT64_FORMAT " has no share on a host.", r->share.consent_id);
      goto failed;
    }
  seen = techo_sqlite_column_int64 (s, 0);
  denied_seen = techo_sqlite_column_int64 (s, 1);

  for (guint i = 0; i < report->accesses->len; i++)
    {
      TechoHostedAccess *a = g_ptr_array_index (report->accesses, i);

      if (report->first + (gint64) i < seen)
        continue;
      if (!insert_row (db, event_sql, r->share.consent_id, a->at, TECHO_CONSENT_EVENT_ACCESS,
                       a->detail, &local_error) ||
          !insert_row (db, audit_sql, r->share.consent_id, techo_store_now (),
                       "share-host-access", a->detail, &local_error))
        goto failed;
      added++;
    }
  if (report->denied_total > denied_seen)
    {
      g_autofree char *detail = g_strdup_printf ("%" G_GINT64_FORMAT " request(s) refused by "
                                                 "the share host (%" G_GINT64_FORMAT
                                                 " wrong passcode(s) in all)",
                                                 report->denied_total - denied_seen,
                                                 report->denied_wrong);

      if (!insert_row (db, event_sql, r->share.consent_id, techo_store_now (),
                       TECHO_CONSENT_EVENT_DENIED, detail, &local_error) ||
          !insert_row (db, audit_sql, r->share.consent_id, techo_store_now (),
                       "share-host-denied", detail, &local_error))
        goto failed;
      added++;
    }
  if (!techo_sqlite_run (db, &local_error,
                         "UPDATE hosted_shares SET accesses_seen = MAX (accesses_seen, ?2), "
                         "denied_seen = MAX (denied_seen, ?3) WHERE consent_id = ?1",
                         "iii", r->share.consent_id,
                         (gint64) (report->first + report->accesses->len),
                         report->denied_total) ||
      !techo_sqlite_commit (db, &local_error))
    goto failed;
  result = g_new (gint64, 1);
  *result = added;
  return result;

failed:
  techo_sqlite_rollback (db);
  if (local_error->domain == TECHO_CONSENT_ERROR)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    techo_store_propagate_error (error, g_steal_pointer (&local_error), "record the host's accesses");
  return NULL;
}

gboolean
techo_store_add_hosted_share_sync (TechoStore              *self,
                                   const TechoHostedShare  *share,
                                   GCancellable            *cancellable,
                                   GError                 **error)
{
  HostedRequest *r = g_new0 (HostedRequest, 1);

  g_return_val_if_fail (TECHO_IS_STORE (self) && share != NULL, FALSE);
  r->share.consent_id = share->consent_id;
  r->share.host_url = g_strdup (share->host_url);
  r->share.share_id = g_strdup (share->share_id);
  r->share.manage_token = g_strdup (share->manage_token);
  return techo_store_run_sync (self, add_job, r, (GDestroyNotify) request_free, cancellable,
                               error) != NULL;
}

TechoHostedShare *
techo_store_get_hosted_share_sync (TechoStore    *self,
                                   gint64         consent_id,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  HostedRequest *r = g_new0 (HostedRequest, 1);
  g_autoptr(GPtrArray) list = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (self) && consent_id > 0, NULL);
  r->share.consent_id = consent_id;
  list = techo_store_run_sync (self, list_job, r, (GDestroyNotify) request_free, cancellable, error);
  if (list == NULL || list->len == 0)
    return NULL;
  return g_ptr_array_steal_index (list, 0);
}

GPtrArray *
techo_store_list_hosted_shares_sync (TechoStore    *self,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  return techo_store_run_sync (self, list_job, g_new0 (HostedRequest, 1),
                               (GDestroyNotify) request_free, cancellable, error);
}

gboolean
techo_store_mark_hosted_share_deleted_sync (TechoStore    *self,
                                            gint64         consent_id,
                                            GCancellable  *cancellable,
                                            GError       **error)
{
  HostedRequest *r = g_new0 (HostedRequest, 1);

  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  r->share.consent_id = consent_id;
  return techo_store_run_sync (self, mark_deleted_job, r, (GDestroyNotify) request_free,
                               cancellable, error) != NULL;
}

gint64
techo_store_add_hosted_accesses_sync (TechoStore               *self,
                                      gint64                    consent_id,
                                      const TechoHostedReport  *report,
                                      GCancellable             *cancellable,
                                      GError                  **error)
{
  HostedRequest *r;
  g_autofree gint64 *added = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (self), -1);
  g_return_val_if_fail (report != NULL && report->accesses != NULL, -1);
  r = g_new0 (HostedRequest, 1);
  r->share.consent_id = consent_id;
  r->report = *report;
  g_ptr_array_ref (r->report.accesses);
  added = techo_store_run_sync (self, accesses_job, r, (GDestroyNotify) request_free, cancellable,
                                error);
  return added != NULL ? *added : -1;
}
