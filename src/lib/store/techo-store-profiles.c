/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's profiles, CDA documents and the append-only audit log. Every *_job runs on the store thread; the public wrappers below
 * queue them. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"

#define MAX_ID_BYTES 256

/* ---- profiles ------------------------------------------------------------ */

void
techo_store_set_no_profile (GError **error,
                            gint64   profile_id)
{
  g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
               "There is no profile %" G_GINT64_FORMAT " in the store.", profile_id);
}

static gpointer
ensure_profile_job (TechoStore    *self,
                    TechoSqlite   *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TechoStoreRequest *r = data;
  const TechoProfile *p = r->profile;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 *id = g_new0 (gint64, 1);

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;

  /* A portal profile is found by issuer + subject; a local one by id. */
  if (p->subject != NULL)
    {
      s = techo_sqlite_prepare (db,
                                "SELECT id FROM profiles WHERE issuer IS ?1 AND subject = ?2",
                                &local_error);
      if (s == NULL)
        goto failed;
      techo_sqlite_bind_text (s, 1, p->issuer);
      techo_sqlite_bind_text (s, 2, p->subject);
      if (techo_sqlite_step (s, &local_error))
        *id = techo_sqlite_column_int64 (s, 0);
      else if (local_error != NULL)
        goto failed;
      g_clear_pointer (&s, techo_sqlite_statement_free);
    }
  else if (p->id > 0)
    *id = p->id;

  if (*id == 0)
    {
      s = techo_sqlite_prepare (db,
                                "INSERT INTO profiles (issuer, subject, created_at)"
                                " VALUES (?1, ?2, ?3)", &local_error);
      if (s == NULL)
        goto failed;
      techo_sqlite_bind_text (s, 1, p->issuer);
      techo_sqlite_bind_text (s, 2, p->subject);
      techo_sqlite_bind_int64 (s, 3, techo_store_now ());
      if (!techo_sqlite_step_done (s, &local_error))
        goto failed;
      *id = techo_sqlite_last_insert_rowid (db);
      g_clear_pointer (&s, techo_sqlite_statement_free);
    }

  /* Fields the source did not send keep their stored value. */
  s = techo_sqlite_prepare (db,
                            "UPDATE profiles SET name = ifnull (?2, name),"
                            " name_kana = ifnull (?3, name_kana),"
                            " birth_date = ifnull (?4, birth_date),"
                            " sex = ifnull (?5, sex),"
                            " insurer_number = ifnull (?6, insurer_number),"
                            " issuer = ifnull (?7, issuer)"
                            " WHERE id = ?1", &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, *id);
  techo_sqlite_bind_text (s, 2, p->name);
  techo_sqlite_bind_text (s, 3, p->name_kana);
  techo_sqlite_bind_text (s, 4, p->birth_date);
  techo_sqlite_bind_text (s, 5, p->sex);
  techo_sqlite_bind_text (s, 6, p->insurer_number);
  techo_sqlite_bind_text (s, 7, p->issuer);
  if (!techo_sqlite_step_done (s, &local_error))
    goto failed;
  if (techo_sqlite_changes (db) == 0)
    {
      techo_sqlite_rollback (db);
      g_free (id);
      techo_store_set_no_profile (error, p->id);
      return NULL;
    }
  if (!techo_sqlite_commit (db, &local_error))
    goto failed;
  return id;

failed:
  techo_sqlite_rollback (db);
  g_free (id);
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "save the profile");
  return NULL;
}

static TechoProfile *
profile_copy (const TechoProfile *p)
{
  TechoProfile *copy = techo_profile_new ();

  copy->id = p->id;
  copy->subject = g_strdup (p->subject);
  copy->issuer = g_strdup (p->issuer);
  copy->name = g_strdup (p->name);
  copy->name_kana = g_strdup (p->name_kana);
  copy->birth_date = g_strdup (p->birth_date);
  copy->sex = g_strdup (p->sex);
  copy->insurer_number = g_strdup (p->insurer_number);
  return copy;
}

gboolean
techo_store_ensure_profile_sync (TechoStore          *self,
                                 const TechoProfile  *profile,
                                 gint64              *out_id,
                                 GCancellable        *cancellable,
                                 GError             **error)
{
  TechoStoreRequest *r;
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (profile != NULL, FALSE);

  r = techo_store_request_new (0);
  r->profile = profile_copy (profile);
  id = techo_store_run_sync (self, ensure_profile_job, r, (GDestroyNotify) techo_store_request_free,
                             cancellable, error);
  if (id == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = *id;
  return TRUE;
}

static gpointer
set_profile_client_job (TechoStore    *self,
                        TechoSqlite   *db,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;

  if (techo_sqlite_run (db, &local_error,
                        "UPDATE profiles SET client_id = ifnull (?2, client_id),"
                        " scopes = ifnull (?3, scopes) WHERE id = ?1",
                        "iss", r->profile_id, r->first, r->second))
    {
      if (techo_sqlite_changes (db) == 1)
        return TECHO_STORE_DONE;
      techo_store_set_no_profile (error, r->profile_id);
      return NULL;
    }
  techo_store_propagate_error (error, g_steal_pointer (&local_error),
                               "save the profile's settings");
  return NULL;
}

gboolean
techo_store_set_profile_client_sync (TechoStore    *self,
                                     gint64         profile_id,
                                     const char    *client_id,
                                     const char    *scopes,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  TechoStoreRequest *r = techo_store_request_new (profile_id);

  r->first = g_strdup (client_id);
  r->second = g_strdup (scopes);
  return techo_store_run_sync (self, set_profile_client_job, r,
                               (GDestroyNotify) techo_store_request_free, cancellable, error) != NULL;
}

static gpointer
get_profile_client_job (TechoStore    *self,
                        TechoSqlite   *db,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db, "SELECT client_id, scopes FROM profiles WHERE id = ?1",
                            &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      if (techo_sqlite_step (s, &local_error))
        {
          r->first = techo_sqlite_column_dup_text (s, 0);
          r->second = techo_sqlite_column_dup_text (s, 1);
          return TECHO_STORE_DONE;
        }
    }
  if (local_error == NULL)
    {
      techo_store_set_no_profile (error, r->profile_id);
      return NULL;
    }
  techo_store_propagate_error (error, g_steal_pointer (&local_error),
                               "read the profile's settings");
  return NULL;
}

gboolean
techo_store_get_profile_client_sync (TechoStore    *self,
                                     gint64         profile_id,
                                     char         **out_client_id,
                                     char         **out_scopes,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  TechoStoreRequest *r = techo_store_request_new (profile_id);
  gboolean ok;

  /* The request is freed by the caller here, to take its answers. */
  ok = techo_store_run_sync (self, get_profile_client_job, r, NULL,
                             cancellable, error) != NULL;
  if (ok && out_client_id != NULL)
    *out_client_id = g_steal_pointer (&r->first);
  if (ok && out_scopes != NULL)
    *out_scopes = g_steal_pointer (&r->second);
  techo_store_request_free (r);
  return ok;
}

/* Removing a person: their records, sources, documents, notebook
 * entries, imports and sync state go with the profile (ON DELETE CASCADE,
 * and the two tables without a key to it by hand); the consent ledger and
 * the audit log keep what was shared and done. */
static gpointer
remove_profile_job (TechoStore    *self,
                    TechoSqlite   *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *detail = g_strdup_printf ("profile %" G_GINT64_FORMAT, r->profile_id);

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  if (!techo_sqlite_run (db, &local_error,
                         "DELETE FROM record_sources WHERE"
                         " (category = 'checkup' AND record_row IN"
                         "   (SELECT row_id FROM checkups WHERE profile_id = ?1))"
                         " OR (category = 'medication' AND record_row IN"
                         "   (SELECT row_id FROM dispensings WHERE profile_id = ?1))"
                         " OR (category = 'screening' AND record_row IN"
                         "   (SELECT row_id FROM screenings WHERE profile_id = ?1))",
                         "i", r->profile_id)
      || !techo_sqlite_run (db, &local_error, "DELETE FROM profiles WHERE id = ?1",
                            "i", r->profile_id))
    goto failed;
  if (techo_sqlite_changes (db) == 0)
    {
      techo_sqlite_rollback (db);
      techo_store_set_no_profile (error, r->profile_id);
      return NULL;
    }
  if (!techo_sqlite_run (db, &local_error,
                         "DELETE FROM dispensing_ingredients WHERE profile_id = ?1",
                         "i", r->profile_id)
      || !techo_sqlite_run (db, &local_error,
                            "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
                            "iss", techo_store_now (), "profile-removed", detail)
      || !techo_sqlite_commit (db, &local_error))
    goto failed;
  return TECHO_STORE_DONE;

failed:
  techo_sqlite_rollback (db);
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "remove the person");
  return NULL;
}

gboolean
techo_store_remove_profile_sync (TechoStore    *self,
                                 gint64         profile_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  return techo_store_run_sync (self, remove_profile_job, techo_store_request_new (profile_id),
                               (GDestroyNotify) techo_store_request_free, cancellable,
                               error) != NULL;
}

void
techo_store_remove_profile_async (TechoStore          *self,
                                  gint64               profile_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  techo_store_run_async (self, remove_profile_job, techo_store_request_new (profile_id),
                         (GDestroyNotify) techo_store_request_free, NULL,
                         techo_store_remove_profile_async, cancellable, callback, user_data);
}

gboolean
techo_store_remove_profile_finish (TechoStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_remove_profile_async,
                                 error) != NULL;
}

/* ---- documents ----------------------------------------------------------- */

static gboolean
find_checkup_row (TechoSqlite  *db,
                  gint64        profile_id,
                  const char   *checkup_id,
                  gint64       *out_row,
                  GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  s = techo_sqlite_prepare (db,
                            "SELECT row_id FROM checkups WHERE profile_id = ?1 AND id = ?2",
                            error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text (s, 2, checkup_id);
  if (!techo_sqlite_step (s, error))
    return FALSE;
  *out_row = techo_sqlite_column_int64 (s, 0);
  return TRUE;
}

static gpointer
save_document_job (TechoStore    *self,
                   TechoSqlite   *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 row = 0;
  gsize length;
  gconstpointer bytes = g_bytes_get_data (r->bytes, &length);

  if (length > TECHO_STORE_MAX_DOCUMENT_BYTES)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                   "The document is larger than the store keeps (%u MiB).",
                   TECHO_STORE_MAX_DOCUMENT_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!find_checkup_row (db, r->profile_id, r->first, &row, &local_error))
    {
      if (local_error == NULL)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
                       "There is no checkup %s to keep a document for.", r->first);
          return NULL;
        }
      techo_store_propagate_error (error, g_steal_pointer (&local_error), "find the checkup");
      return NULL;
    }
  s = techo_sqlite_prepare (db,
                            "INSERT OR REPLACE INTO documents (checkup_row, content, saved_at)"
                            " VALUES (?1, ?2, ?3)", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, row);
      techo_sqlite_bind_blob (s, 2, bytes, length);
      techo_sqlite_bind_int64 (s, 3, techo_store_now ());
      if (techo_sqlite_step_done (s, &local_error))
        return TECHO_STORE_DONE;
    }
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "save the document");
  return NULL;
}

gboolean
techo_store_save_document_sync (TechoStore    *self,
                                gint64         profile_id,
                                const char    *checkup_id,
                                GBytes        *document,
                                GCancellable  *cancellable,
                                GError       **error)
{
  TechoStoreRequest *r;

  g_return_val_if_fail (checkup_id != NULL && document != NULL, FALSE);

  r = techo_store_request_new (profile_id);
  r->first = g_strdup (checkup_id);
  r->bytes = g_bytes_ref (document);
  return techo_store_run_sync (self, save_document_job, r, (GDestroyNotify) techo_store_request_free,
                               cancellable, error) != NULL;
}

static gpointer
load_document_job (TechoStore    *self,
                   TechoSqlite   *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db,
                            "SELECT d.content FROM documents d"
                            " JOIN checkups c ON c.row_id = d.checkup_row"
                            " WHERE c.profile_id = ?1 AND c.id = ?2", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, r->first);
      if (techo_sqlite_step (s, &local_error))
        r->bytes = techo_sqlite_column_bytes (s, 0);
      if (local_error == NULL)
        return TECHO_STORE_DONE;
    }
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "read the document");
  return NULL;
}

GBytes *
techo_store_load_document_sync (TechoStore    *self,
                                gint64         profile_id,
                                const char    *checkup_id,
                                GCancellable  *cancellable,
                                GError       **error)
{
  TechoStoreRequest *r;
  GBytes *bytes = NULL;

  g_return_val_if_fail (checkup_id != NULL, NULL);

  r = techo_store_request_new (profile_id);
  r->first = g_strdup (checkup_id);
  if (techo_store_run_sync (self, load_document_job, r, NULL, cancellable, error) != NULL)
    bytes = g_steal_pointer (&r->bytes);
  techo_store_request_free (r);
  return bytes;
}

/* ---- audit --------------------------------------------------------------- */

static gpointer
append_audit_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;

  if (r->first == NULL || *r->first == '\0' ||
      strlen (r->first) > MAX_ID_BYTES ||
      (r->second != NULL && strlen (r->second) > TECHO_STORE_MAX_TEXT_BYTES))
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                           "An audit entry needs a short action and a detail "
                           "under 64 KiB.");
      return NULL;
    }
  if (techo_sqlite_run (db, &local_error,
                        "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)",
                        "iss", techo_store_now (), r->first, r->second))
    return TECHO_STORE_DONE;
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "write the audit log");
  return NULL;
}

static TechoStoreRequest *
audit_request (const char *action,
               const char *detail)
{
  TechoStoreRequest *r = techo_store_request_new (0);

  r->first = g_strdup (action);
  r->second = g_strdup (detail);
  return r;
}

gboolean
techo_store_append_audit_sync (TechoStore    *self,
                               const char    *action,
                               const char    *detail,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return techo_store_run_sync (self, append_audit_job, audit_request (action, detail),
                               (GDestroyNotify) techo_store_request_free, cancellable, error) != NULL;
}

void
techo_store_append_audit_async (TechoStore          *self,
                                const char          *action,
                                const char          *detail,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  techo_store_run_async (self, append_audit_job, audit_request (action, detail),
                         (GDestroyNotify) techo_store_request_free, NULL,
                         techo_store_append_audit_async, cancellable, callback, user_data);
}

gboolean
techo_store_append_audit_finish (TechoStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_append_audit_async,
                                 error) != NULL;
}
