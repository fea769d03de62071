/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent ledger in the store: consents, their events and the audit
 * rows that go with them, each write in one transaction. Every *_job runs
 * on the store thread; the public wrappers queue them. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-consent.h"
#include "techo-consent-ledger.h"
#include "techo-store-consents.h"
#include "techo-store-private.h"

#define MAX_CONSENTS 100000

typedef struct
{
  gint64 consent_id;
  TechoConsent *consent;
  char *event;
  char *detail;
} ConsentRequest;

static void
consent_request_free (ConsentRequest *r)
{
  g_clear_pointer (&r->consent, techo_consent_free);
  g_free (r->event);
  g_free (r->detail);
  g_free (r);
}

static TechoConsent *
consent_copy (const TechoConsent *c)
{
  TechoConsent *copy = techo_consent_new (c->recipient, c->purpose, c->categories, c->method);

  copy->period_from = g_strdup (c->period_from);
  copy->period_to = g_strdup (c->period_to);
  techo_record_scope_copy (&c->scope, &copy->scope);
  copy->expires_at = c->expires_at;
  copy->profile_id = c->profile_id;
  return copy;
}

/* Every change of the ledger writes its event and a line of the audit log
 * (@action, @audit) together. */
static gboolean
insert_event (TechoSqlite  *db,
              gint64        consent_id,
              const char   *event,
              const char   *detail,
              const char   *action,
              const char   *audit,
              GError      **error)
{
  gint64 now = techo_store_now ();

  return techo_sqlite_run (db, error,
                           "INSERT INTO consent_events (consent_id, at, event, detail) "
                           "VALUES (?1, ?2, ?3, ?4)",
                           "iiss", consent_id, now, event, detail) &&
         techo_sqlite_run (db, error,
                           "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
                           "iss", now, action, audit);
}

/* The audit action an event stands for. */
static const char *
audit_action (TechoConsentMethod  method,
              const char        *event)
{
  gboolean share = method == TECHO_CONSENT_METHOD_SHARE;

  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_CREATED) == 0)
    return "consent";
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_SENT) == 0)
    return share ? "share" : "export";
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_ACCESS) == 0)
    return "share-access";
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_DENIED) == 0)
    return "share-denied";
  if (g_strcmp0 (event, TECHO_CONSENT_EVENT_REVOKED) == 0)
    return "consent-revoke";
  return "consent-event";
}

static void
fail (GError     **error,
      GError      *local_error,
      const char  *doing)
{
  if (local_error->domain == TECHO_CONSENT_ERROR)
    g_propagate_error (error, local_error);
  else
    techo_store_propagate_error (error, local_error, doing);
}

static TechoConsent *
read_consent (TechoSqlite  *db,
              gint64        consent_id,
              GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoConsent) c = NULL;

  s = techo_sqlite_prepare (db,
                            "SELECT id, created_at, recipient, purpose, categories, "
                            "period_from, period_to, method, expires_at, revoked_at, scope, profile_id "
                            "FROM consents WHERE id = ?1", error);
  if (s == NULL)
    return NULL;
  techo_sqlite_bind_int64 (s, 1, consent_id);
  if (!techo_sqlite_step (s, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_FOUND,
                     "There is no consent number %" G_GINT64_FORMAT ".", consent_id);
      return NULL;
    }
  c = techo_consent_new (techo_sqlite_column_text (s, 2), techo_sqlite_column_text (s, 3),
                         0, TECHO_CONSENT_METHOD_NONE);
  techo_consent_method_from_string (techo_sqlite_column_text (s, 7), &c->method);
  c->id = techo_sqlite_column_int64 (s, 0);
  c->created_at = techo_sqlite_column_int64 (s, 1);
  if (!techo_consent_categories_parse (techo_sqlite_column_text (s, 4), &c->categories, NULL))
    c->categories = 0;
  c->period_from = techo_sqlite_column_dup_text (s, 5);
  c->period_to = techo_sqlite_column_dup_text (s, 6);
  c->expires_at = techo_sqlite_column_int64 (s, 8);
  c->revoked_at = techo_sqlite_column_int64 (s, 9);
  /* A scope this version cannot read is not widened to everything: the
   * consent keeps its categories and reads as a scope of nothing else. */
  if (!techo_record_scope_parse (techo_sqlite_column_text (s, 10), &c->scope, NULL))
    g_warning ("Consent %" G_GINT64_FORMAT " has a scope Techo cannot read", c->id);
  c->profile_id = techo_sqlite_column_int64 (s, 11);
  g_clear_pointer (&s, techo_sqlite_statement_free);

  s = techo_sqlite_prepare (db,
                            "SELECT id, at, event, detail FROM consent_events "
                            "WHERE consent_id = ?1 ORDER BY at, id", error);
  if (s == NULL)
    return NULL;
  techo_sqlite_bind_int64 (s, 1, consent_id);
  while (techo_sqlite_step (s, error))
    {
      TechoConsentEvent *e = g_new0 (TechoConsentEvent, 1);

      e->id = techo_sqlite_column_int64 (s, 0);
      e->at = techo_sqlite_column_int64 (s, 1);
      e->event = techo_sqlite_column_dup_text (s, 2);
      e->detail = techo_sqlite_column_dup_text (s, 3);
      g_ptr_array_add (c->events, e);
    }
  if (error != NULL && *error != NULL)
    return NULL;
  return g_steal_pointer (&c);
}

/* Opens a transaction and reads consent @consent_id in it: what a change
 * of the ledger starts with. NULL with @error set (the caller rolls back). */
static TechoConsent *
begin_on_consent (TechoSqlite  *db,
                  gint64        consent_id,
                  GError      **error)
{
  if (!techo_sqlite_begin (db, error))
    return NULL;
  return read_consent (db, consent_id, error);
}

/* ---- jobs ------------------------------------------------------------------ */

static gpointer
record_consent_job (TechoStore    *self,
                    TechoSqlite   *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  ConsentRequest *r = data;
  TechoConsent *c = r->consent;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *categories = NULL;
  g_autofree char *scope = NULL;
  g_autofree char *audit = NULL;
  gint64 now = techo_store_now ();
  gint64 *id;

  if (!techo_consent_validate (c, now, error))
    return NULL;
  categories = techo_consent_categories_to_string (c->categories);

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  s = techo_sqlite_prepare (db,
                            "INSERT INTO consents (created_at, recipient, purpose, categories, "
                            "period_from, period_to, method, expires_at, revoked_at, status, scope, "
                            "profile_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, 'active', ?9, ?10)",
                            &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, now);
  techo_sqlite_bind_text (s, 2, c->recipient);
  techo_sqlite_bind_text (s, 3, c->purpose);
  techo_sqlite_bind_text (s, 4, categories);
  techo_sqlite_bind_text (s, 5, c->period_from);
  techo_sqlite_bind_text (s, 6, c->period_to);
  techo_sqlite_bind_text (s, 7, techo_consent_method_to_string (c->method));
  if (c->expires_at > 0)
    techo_sqlite_bind_int64 (s, 8, c->expires_at);
  else
    techo_sqlite_bind_null (s, 8);
  scope = techo_record_scope_to_string (&c->scope);
  techo_sqlite_bind_text (s, 9, scope);
  if (c->profile_id > 0)
    techo_sqlite_bind_int64 (s, 10, c->profile_id);
  else
    techo_sqlite_bind_null (s, 10);
  if (!techo_sqlite_step_done (s, &local_error))
    goto failed;
  id = g_new (gint64, 1);
  *id = techo_sqlite_last_insert_rowid (db);
  /* The recipient and purpose stay in the consent row; the audit log
   * names only the consent and its method and categories. */
  audit = g_strdup_printf ("consent %" G_GINT64_FORMAT " method=%s categories=%s%s%s"
                           " profile=%" G_GINT64_FORMAT,
                           *id, techo_consent_method_to_string (c->method), categories,
                           scope != NULL ? " scope=" : "", scope != NULL ? scope : "",
                           c->profile_id);
  if (!insert_event (db, *id, TECHO_CONSENT_EVENT_CREATED, NULL, "consent", audit,
                     &local_error) ||
      !techo_sqlite_commit (db, &local_error))
    {
      g_free (id);
      goto failed;
    }
  return id;

failed:
  techo_sqlite_rollback (db);
  fail (error, g_steal_pointer (&local_error), "record the consent");
  return NULL;
}

/* The ledger's changes of one consent: in one transaction, reads consent
 * @r->consent_id, lets @change write beside it, commits. On failure
 * nothing is written, and @error says what could not be done (@what). */
typedef gboolean (*LedgerChange) (TechoSqlite     *db,
                                  ConsentRequest  *r,
                                  TechoConsent    *c,
                                  GError         **error);

static gpointer
change_ledger (TechoSqlite     *db,
               ConsentRequest  *r,
               LedgerChange     change,
               const char      *what,
               GError         **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoConsent) c = begin_on_consent (db, r->consent_id, &local_error);

  if (c != NULL && change (db, r, c, &local_error) && techo_sqlite_commit (db, &local_error))
    return TECHO_STORE_DONE;
  techo_sqlite_rollback (db);
  fail (error, g_steal_pointer (&local_error), what);
  return NULL;
}

static gboolean
write_event (TechoSqlite     *db,
             ConsentRequest  *r,
             TechoConsent    *c,
             GError         **error)
{
  g_autofree char *audit = NULL;

  if ((g_strcmp0 (r->event, TECHO_CONSENT_EVENT_SENT) == 0 ||
       g_strcmp0 (r->event, TECHO_CONSENT_EVENT_ACCESS) == 0) &&
      !techo_consent_is_live (c, techo_store_now ()))
    {
      g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_LIVE,
                   "Consent %" G_GINT64_FORMAT " is %s: nothing more may be sent under it.",
                   c->id, techo_consent_state (c, techo_store_now ()));
      return FALSE;
    }
  audit = g_strdup_printf ("consent %" G_GINT64_FORMAT "%s%s", c->id,
                           r->detail != NULL ? ": " : "", r->detail != NULL ? r->detail : "");
  return insert_event (db, c->id, r->event, r->detail, audit_action (c->method, r->event), audit,
                       error);
}

static gpointer
add_event_job (TechoStore    *self,
               TechoSqlite   *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ConsentRequest *r = data;

  if (r->event == NULL || strlen (r->event) > 32 ||
      (r->detail != NULL && strlen (r->detail) > TECHO_CONSENT_MAX_DETAIL))
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "A consent event needs a short name and a detail under 1 KiB.");
      return NULL;
    }
  return change_ledger (db, r, write_event, "write the consent ledger", error);
}

/* Revoking twice is revoking once. */
static gboolean
write_revocation (TechoSqlite     *db,
                  ConsentRequest  *r,
                  TechoConsent    *c,
                  GError         **error)
{
  g_autofree char *audit = NULL;

  if (c->revoked_at != 0)
    return TRUE;
  audit = g_strdup_printf ("consent %" G_GINT64_FORMAT, c->id);
  return techo_sqlite_run (db, error,
                           "UPDATE consents SET revoked_at = ?2, status = 'revoked' WHERE id = ?1",
                           "ii", c->id, techo_store_now ()) &&
         insert_event (db, c->id, TECHO_CONSENT_EVENT_REVOKED, NULL, "consent-revoke", audit,
                       error);
}

static gpointer
revoke_job (TechoStore    *self,
            TechoSqlite   *db,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  return change_ledger (db, data, write_revocation, "revoke the consent", error);
}

static gpointer
get_consent_job (TechoStore    *self,
                 TechoSqlite   *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  ConsentRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  TechoConsent *c = read_consent (db, r->consent_id, &local_error);

  if (c == NULL)
    fail (error, g_steal_pointer (&local_error), "read the consent");
  return c;
}

static gpointer
list_consents_job (TechoStore    *self,
                   TechoSqlite   *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_consent_free);

  s = techo_sqlite_prepare (db, "SELECT id FROM consents ORDER BY created_at DESC, id DESC",
                            &local_error);
  if (s == NULL)
    goto failed;
  while (ids->len < MAX_CONSENTS && techo_sqlite_step (s, &local_error))
    {
      gint64 id = techo_sqlite_column_int64 (s, 0);

      g_array_append_val (ids, id);
    }
  if (local_error != NULL)
    goto failed;
  for (guint i = 0; i < ids->len; i++)
    {
      TechoConsent *c = read_consent (db, g_array_index (ids, gint64, i), &local_error);

      if (c == NULL)
        goto failed;
      g_ptr_array_add (list, c);
    }
  return g_steal_pointer (&list);

failed:
  fail (error, g_steal_pointer (&local_error), "list the consents");
  return NULL;
}

/* ---- public API -------------------------------------------------------------- */

static ConsentRequest *
request_new (gint64 consent_id)
{
  ConsentRequest *r = g_new0 (ConsentRequest, 1);

  r->consent_id = consent_id;
  return r;
}

gboolean
techo_store_record_consent_sync (TechoStore    *self,
                                 TechoConsent  *consent,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  ConsentRequest *r = request_new (0);
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  g_return_val_if_fail (consent != NULL && consent->id == 0, FALSE);

  r->consent = consent_copy (consent);
  id = techo_store_run_sync (self, record_consent_job, r, (GDestroyNotify) consent_request_free,
                             cancellable, error);
  if (id == NULL)
    return FALSE;
  consent->id = *id;
  consent->created_at = techo_store_now ();
  return TRUE;
}

void
techo_store_record_consent_async (TechoStore          *self,
                                  const TechoConsent  *consent,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  ConsentRequest *r = request_new (0);

  r->consent = consent_copy (consent);
  techo_store_run_async (self, record_consent_job, r, (GDestroyNotify) consent_request_free,
                         g_free, techo_store_record_consent_async, cancellable,
                         callback, user_data);
}

gint64
techo_store_record_consent_finish (TechoStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_autofree gint64 *id = techo_store_run_finish (self, result,
                                                  techo_store_record_consent_async, error);

  return id != NULL ? *id : 0;
}

gboolean
techo_store_add_consent_event_sync (TechoStore    *self,
                                    gint64         consent_id,
                                    const char    *event,
                                    const char    *detail,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  ConsentRequest *r = request_new (consent_id);

  r->event = g_strdup (event);
  r->detail = g_strdup (detail);
  return techo_store_run_sync (self, add_event_job, r, (GDestroyNotify) consent_request_free,
                               cancellable, error) != NULL;
}

void
techo_store_add_consent_event_async (TechoStore          *self,
                                     gint64               consent_id,
                                     const char          *event,
                                     const char          *detail,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  ConsentRequest *r = request_new (consent_id);

  r->event = g_strdup (event);
  r->detail = g_strdup (detail);
  techo_store_run_async (self, add_event_job, r, (GDestroyNotify) consent_request_free, NULL,
                         techo_store_add_consent_event_async, cancellable, callback, user_data);
}

gboolean
techo_store_add_consent_event_finish (TechoStore    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_add_consent_event_async,
                                 error) != NULL;
}

gboolean
techo_store_revoke_consent_sync (TechoStore    *self,
                                 gint64         consent_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  if (techo_store_run_sync (self, revoke_job, request_new (consent_id),
                            (GDestroyNotify) consent_request_free, cancellable, error) == NULL)
    return FALSE;
  techo_store_emit_consent_revoked (self, consent_id);
  return TRUE;
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gint64 *consent_id = g_task_get_task_data (task);
  GError *error = NULL;

  if (techo_store_run_finish (TECHO_STORE (source), result, revoked_cb, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  techo_store_emit_consent_revoked (TECHO_STORE (source), *consent_id);
  g_task_return_boolean (task, TRUE);
}

void
techo_store_revoke_consent_async (TechoStore          *self,
                                  gint64               consent_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, techo_store_revoke_consent_async);
  g_task_set_task_data (task, g_memdup2 (&consent_id, sizeof consent_id), g_free);
  techo_store_run_async (self, revoke_job, request_new (consent_id),
                         (GDestroyNotify) consent_request_free, NULL,
                         revoked_cb, cancellable, revoked_cb, task);
}

gboolean
techo_store_revoke_consent_finish (TechoStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

TechoConsent *
techo_store_get_consent_sync (TechoStore    *self,
                              gint64         consent_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  return techo_store_run_sync (self, get_consent_job, request_new (consent_id),
                               (GDestroyNotify) consent_request_free, cancellable, error);
}

void
techo_store_get_consent_async (TechoStore          *self,
                               gint64               consent_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  techo_store_run_async (self, get_consent_job, request_new (consent_id),
                         (GDestroyNotify) consent_request_free,
                         (GDestroyNotify) techo_consent_free,
                         techo_store_get_consent_async, cancellable, callback, user_data);
}

TechoConsent *
techo_store_get_consent_finish (TechoStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_get_consent_async, error);
}

GPtrArray *
techo_store_list_consents_sync (TechoStore    *self,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return techo_store_run_sync (self, list_consents_job, request_new (0),
                               (GDestroyNotify) consent_request_free, cancellable, error);
}

void
techo_store_list_consents_async (TechoStore          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  techo_store_run_async (self, list_consents_job, request_new (0),
                         (GDestroyNotify) consent_request_free,
                         (GDestroyNotify) g_ptr_array_unref,
                         techo_store_list_consents_async, cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_consents_finish (TechoStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_consents_async, error);
}
