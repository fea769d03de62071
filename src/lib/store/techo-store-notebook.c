/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The notebook's rows: JAHIS details beside each dispensing, the notebook
 * entries, and the pending parts of multi-part data. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"

typedef struct
{
  gint64 profile_id;
  GPtrArray *dispensings;
  GPtrArray *entries;
  int kind;
  char *data_id;
  guint number;
  guint total;
  char *text;
  char *file_name;
  guint n_new;
} NotebookRequest;

static void
notebook_request_free (NotebookRequest *r)
{
  g_clear_pointer (&r->dispensings, g_ptr_array_unref);
  g_clear_pointer (&r->entries, g_ptr_array_unref);
  g_free (r->data_id);
  g_free (r->text);
  g_free (r->file_name);
  g_free (r);
}

static gboolean
has_details (const TechoDispensing *d)
{
  return d->dispensing_unit != NULL || d->drug_code != NULL || d->drug_code_kind != NULL
         || d->generic_name != NULL || d->pharmacist_name != NULL || d->doctor_name != NULL
         || d->notes != NULL;
}

static const char *
origin_name (TechoOrigin origin)
{
  switch (origin)
    {
    case TECHO_ORIGIN_PORTAL:
      return "portal";
    case TECHO_ORIGIN_MANUAL:
      return "manual";
    case TECHO_ORIGIN_FILE:
    default:
      return "file";
    }
}

void
techo_pending_part_free (TechoPendingPart *part)
{
  if (part == NULL)
    return;
  g_free (part->data_id);
  g_free (part->text);
  g_free (part);
}

TechoMergeNotebook *
techo_merge_notebook_new (guint       group,
                          const char *file_name)
{
  TechoMergeNotebook *notebook = g_new0 (TechoMergeNotebook, 1);

  notebook->group = group;
  notebook->file_name = g_strdup (file_name);
  notebook->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  notebook->parts = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_pending_part_free);
  notebook->joined = g_ptr_array_new_with_free_func (g_free);
  return notebook;
}

void
techo_merge_notebook_free (TechoMergeNotebook *notebook)
{
  if (notebook == NULL)
    return;
  g_free (notebook->file_name);
  g_clear_pointer (&notebook->entries, g_ptr_array_unref);
  g_clear_pointer (&notebook->parts, g_ptr_array_unref);
  g_clear_pointer (&notebook->joined, g_ptr_array_unref);
  g_free (notebook);
}

static void
bind_import (TechoSqliteStatement *s,
             int                   column,
             gint64                import_id)
{
  if (import_id > 0)
    techo_sqlite_bind_int64 (s, column, import_id);
  else
    techo_sqlite_bind_null (s, column);
}

gboolean
techo_store_notebook_write_details (TechoSqlite            *db,
                                    gint64                  profile_id,
                                    const char             *dispensing_id,
                                    const TechoDispensing  *d,
                                    gint64                  import_id,
                                    GError                **error)
{
  g_autoptr(TechoSqliteStatement) details = NULL;
  const char *text[] = { d->dispensing_unit, d->drug_code, d->drug_code_kind,
                         d->generic_name, d->generic_code, d->generic_code_kind,
                         d->pharmacist_name, d->doctor_name, d->notes };

  if (dispensing_id == NULL || !has_details (d))
    return TRUE;
  /* Details held already (from the row's first file) stay as they are, so
   * that undoing this import takes away exactly what it added. */
  details = techo_sqlite_prepare_cached (db,
                                         "INSERT OR IGNORE INTO dispensing_details (profile_id,"
                                         " dispensing_id, dispensing_quantity, dispensing_unit,"
                                         " drug_code, drug_code_kind, generic_name, generic_code,"
                                         " generic_code_kind, pharmacist_name, doctor_name, notes,"
                                         " import_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                                         " ?10, ?11, ?12, ?13)", error);
  if (details == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (details, 1, profile_id);
  techo_sqlite_bind_text (details, 2, dispensing_id);
  techo_sqlite_bind_double (details, 3, d->dispensing_quantity);
  for (guint j = 0; j < G_N_ELEMENTS (text); j++)
    techo_sqlite_bind_text (details, 4 + j, text[j]);
  bind_import (details, 13, import_id);
  return techo_sqlite_step_done (details, error);
}

gboolean
techo_store_notebook_write (TechoSqlite         *db,
                            gint64               profile_id,
                            TechoMergeNotebook  *notebook,
                            gint64               import_id,
                            guint               *n_changes,
                            GError             **error)
{
  g_autoptr(TechoSqliteStatement) entry = NULL;
  g_autoptr(TechoSqliteStatement) part = NULL;
  g_autoptr(TechoSqliteStatement) join = NULL;
  g_autoptr(TechoSqliteStatement) joined = NULL;
  gint64 now = techo_store_now ();

  notebook->n_new_entries = 0;
  if (notebook->entries->len > 0 && profile_id <= 0)
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                           "Notebook entries need a profile.");
      return FALSE;
    }
  entry = techo_sqlite_prepare_cached (db,
                                       "INSERT OR IGNORE INTO notebook_entries (profile_id, id,"
                                       " kind, text, detail, code, started_on, ended_on, author,"
                                       " origin, file_name, file_sha256, received_at, import_id)"
                                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
                                       " ?12, ?13, ?14)", error);
  if (entry == NULL)
    return FALSE;
  for (guint i = 0; i < notebook->entries->len; i++)
    {
      const TechoNotebookEntry *e = g_ptr_array_index (notebook->entries, i);
      const char *text[] = { e->text, e->detail, e->code, e->started_on, e->ended_on,
                             e->author };

      if (e->id == NULL)
        continue;
      if (!techo_sqlite_statement_reset (entry, error))
        return FALSE;
      techo_sqlite_bind_int64 (entry, 1, profile_id);
      techo_sqlite_bind_text (entry, 2, e->id);
      techo_sqlite_bind_text (entry, 3, techo_notebook_kind_to_string (e->kind));
      for (guint j = 0; j < G_N_ELEMENTS (text); j++)
        techo_sqlite_bind_text (entry, 4 + j, text[j]);
      techo_sqlite_bind_text (entry, 10, origin_name (e->provenance.origin));
      techo_sqlite_bind_text (entry, 11, e->provenance.file_name);
      techo_sqlite_bind_text (entry, 12, e->provenance.file_sha256);
      techo_sqlite_bind_int64 (entry, 13, now);
      bind_import (entry, 14, import_id);
      if (!techo_sqlite_step_done (entry, error))
        return FALSE;
      if (techo_sqlite_changes (db) > 0)
        {
          notebook->n_new_entries++;
          (*n_changes)++;
        }
    }

  /* A part held already (pending, or joined) stays as it is. */
  part = techo_sqlite_prepare_cached (db,
                                      "INSERT OR IGNORE INTO jahis_pending_parts (data_id, part,"
                                      " total, content, file_name, received_at, import_id)"
                                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
  if (part == NULL)
    return FALSE;
  for (guint i = 0; i < notebook->parts->len; i++)
    {
      const TechoPendingPart *p = g_ptr_array_index (notebook->parts, i);

      if (!techo_sqlite_statement_reset (part, error))
        return FALSE;
      techo_sqlite_bind_text (part, 1, p->data_id);
      techo_sqlite_bind_int64 (part, 2, p->number);
      techo_sqlite_bind_int64 (part, 3, p->total);
      techo_sqlite_bind_text (part, 4, p->text);
      techo_sqlite_bind_text (part, 5, notebook->file_name);
      techo_sqlite_bind_int64 (part, 6, now);
      bind_import (part, 7, import_id);
      if (!techo_sqlite_step_done (part, error))
        return FALSE;
      *n_changes += techo_sqlite_changes (db) > 0 ? 1 : 0;
    }

  /* Data now whole: its kept parts are joined (kept for undo, no longer
   * pending) and the id remembered. */
  join = techo_sqlite_prepare_cached (db,
                                      "UPDATE jahis_pending_parts SET joined_by = ?2"
                                      " WHERE data_id = ?1 AND joined_by IS NULL", error);
  joined = techo_sqlite_prepare_cached (db,
                                        "INSERT OR IGNORE INTO jahis_joined (data_id, joined_at,"
                                        " import_id) VALUES (?1, ?2, ?3)", error);
  if (join == NULL || joined == NULL)
    return FALSE;
  for (guint i = 0; i < notebook->joined->len; i++)
    {
      const char *data_id = g_ptr_array_index (notebook->joined, i);

      if (!techo_sqlite_statement_reset (join, error))
        return FALSE;
      techo_sqlite_bind_text (join, 1, data_id);
      bind_import (join, 2, import_id);
      if (!techo_sqlite_step_done (join, error))
        return FALSE;
      *n_changes += techo_sqlite_changes (db) > 0 ? 1 : 0;
      if (!techo_sqlite_statement_reset (joined, error))
        return FALSE;
      techo_sqlite_bind_text (joined, 1, data_id);
      techo_sqlite_bind_int64 (joined, 2, now);
      bind_import (joined, 3, import_id);
      if (!techo_sqlite_step_done (joined, error))
        return FALSE;
      *n_changes += techo_sqlite_changes (db) > 0 ? 1 : 0;
    }
  return TRUE;
}

gboolean
techo_store_notebook_undo (TechoSqlite  *db,
                           gint64        import_id,
                           guint        *n_entries,
                           guint        *n_parts,
                           GError      **error)
{
  static const char *const sql[] = {
    "DELETE FROM dispensing_details WHERE import_id = ?1",
    "DELETE FROM notebook_entries WHERE import_id = ?1",
    /* parts it kept go (also those it kept and joined at once) … */
    "DELETE FROM jahis_pending_parts WHERE import_id = ?1",
    /* … parts kept before that it joined wait again … */
    "UPDATE jahis_pending_parts SET joined_by = NULL WHERE joined_by = ?1",
    /* … and the data is no longer known as joined. */
    "DELETE FROM jahis_joined WHERE import_id = ?1",
  };

  *n_entries = *n_parts = 0;
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare (db, sql[i], error);

      if (s == NULL)
        return FALSE;
      techo_sqlite_bind_int64 (s, 1, import_id);
      if (!techo_sqlite_step_done (s, error))
        return FALSE;
      if (i == 1)
        *n_entries += techo_sqlite_changes (db);
      else if (i == 2 || i == 3)
        *n_parts += techo_sqlite_changes (db);
    }
  return TRUE;
}

static gpointer
load_details_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  NotebookRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db,
                            "SELECT dispensing_quantity, dispensing_unit, drug_code,"
                            " drug_code_kind, generic_name, generic_code, generic_code_kind,"
                            " pharmacist_name, doctor_name, notes FROM dispensing_details"
                            " WHERE profile_id = ?1 AND dispensing_id = ?2", &local_error);
  for (guint i = 0; s != NULL && i < r->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (r->dispensings, i);
      char **text[] = { &d->dispensing_unit, &d->drug_code, &d->drug_code_kind,
                        &d->generic_name, &d->generic_code, &d->generic_code_kind,
                        &d->pharmacist_name, &d->doctor_name, &d->notes };

      if (d->id == NULL || !techo_sqlite_statement_reset (s, &local_error))
        {
          if (local_error != NULL)
            break;
          continue;
        }
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, d->id);
      if (!techo_sqlite_step (s, &local_error))
        {
          if (local_error != NULL)
            break;
          continue;
        }
      d->dispensing_quantity = techo_sqlite_column_double (s, 0);
      for (guint j = 0; j < G_N_ELEMENTS (text); j++)
        {
          g_free (*text[j]);
          *text[j] = techo_sqlite_column_dup_text (s, 1 + j);
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the medicines' details");
      return NULL;
    }
  return TECHO_STORE_DONE;
}

gboolean
techo_store_load_dispensing_details_sync (TechoStore    *self,
                                          gint64         profile_id,
                                          GPtrArray     *dispensings,
                                          GCancellable  *cancellable,
                                          GError       **error)
{
  NotebookRequest *r;

  g_return_val_if_fail (TECHO_IS_STORE (self), FALSE);
  g_return_val_if_fail (dispensings != NULL, FALSE);

  r = g_new0 (NotebookRequest, 1);
  r->profile_id = profile_id;
  r->dispensings = g_ptr_array_ref (dispensings);
  return techo_store_run_sync (self, load_details_job, r,
                               (GDestroyNotify) notebook_request_free, cancellable,
                               error) != NULL;
}

static gpointer
list_entries_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  NotebookRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) local_error = NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  s = techo_sqlite_prepare (db,
                            r->kind >= 0
                            ? "SELECT id, kind, text, detail, code, started_on, ended_on,"
                              " author, origin, file_name, file_sha256 FROM notebook_entries"
                              " WHERE profile_id = ?1 AND kind = ?2"
                              " ORDER BY started_on DESC, row_id DESC"
                            : "SELECT id, kind, text, detail, code, started_on, ended_on,"
                              " author, origin, file_name, file_sha256 FROM notebook_entries"
                              " WHERE profile_id = ?1 ORDER BY started_on DESC, row_id DESC",
                            &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      if (r->kind >= 0)
        techo_sqlite_bind_text (s, 2, techo_notebook_kind_to_string (r->kind));
      while (techo_sqlite_step (s, &local_error))
        {
          g_autoptr(TechoNotebookEntry) e = techo_notebook_entry_new ();
          TechoNotebookKind kind;

          if (!techo_notebook_kind_from_string (techo_sqlite_column_text (s, 1), &kind))
            continue; /* a kind a newer Techo wrote */
          e->kind = kind;
          e->id = techo_sqlite_column_dup_text (s, 0);
          e->text = techo_sqlite_column_dup_text (s, 2);
          e->detail = techo_sqlite_column_dup_text (s, 3);
          e->code = techo_sqlite_column_dup_text (s, 4);
          e->started_on = techo_sqlite_column_dup_text (s, 5);
          e->ended_on = techo_sqlite_column_dup_text (s, 6);
          e->author = techo_sqlite_column_dup_text (s, 7);
          /* The store's own spelling; anything else was a file. */
          if (!techo_origin_from_string (techo_sqlite_column_text (s, 8), &e->provenance.origin))
            e->provenance.origin = TECHO_ORIGIN_FILE;
          e->provenance.file_name = techo_sqlite_column_dup_text (s, 9);
          e->provenance.file_sha256 = techo_sqlite_column_dup_text (s, 10);
          g_ptr_array_add (list, g_steal_pointer (&e));
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "list the notebook entries");
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_notebook_entries_sync (TechoStore    *self,
                                        gint64         profile_id,
                                        int            kind,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  NotebookRequest *r;

  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  g_return_val_if_fail (kind < TECHO_NOTEBOOK_N_KINDS, NULL);

  r = g_new0 (NotebookRequest, 1);
  r->profile_id = profile_id;
  r->kind = kind;
  return techo_store_run_sync (self, list_entries_job, r,
                               (GDestroyNotify) notebook_request_free, cancellable, error);
}

static gpointer
list_pending_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  NotebookRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db,
                            "SELECT content FROM jahis_pending_parts WHERE data_id = ?1"
                            " AND joined_by IS NULL ORDER BY part", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_text (s, 1, r->data_id);
      while (techo_sqlite_step (s, &local_error))
        g_ptr_array_add (list, techo_sqlite_column_dup_text (s, 0));
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the parts of the medication data");
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_pending_parts_sync (TechoStore    *self,
                                     const char    *data_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  NotebookRequest *r;

  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);
  g_return_val_if_fail (data_id != NULL, NULL);

  r = g_new0 (NotebookRequest, 1);
  r->data_id = g_strdup (data_id);
  return techo_store_run_sync (self, list_pending_job, r,
                               (GDestroyNotify) notebook_request_free, cancellable, error);
}

static gpointer
was_joined_job (TechoStore    *self,
                TechoSqlite   *db,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  NotebookRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db, "SELECT 1 FROM jahis_joined WHERE data_id = ?1", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_text (s, 1, r->data_id);
      r->n_new = techo_sqlite_step (s, &local_error) ? 1 : 0;
      if (local_error == NULL)
        return TECHO_STORE_DONE;
    }
  techo_store_propagate_error (error, g_steal_pointer (&local_error),
                               "look up the medication data");
  return NULL;
}

int
techo_store_pending_was_joined_sync (TechoStore    *self,
                                     const char    *data_id,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  NotebookRequest *r;
  int joined;

  g_return_val_if_fail (TECHO_IS_STORE (self), -1);
  g_return_val_if_fail (data_id != NULL, -1);

  r = g_new0 (NotebookRequest, 1);
  r->data_id = g_strdup (data_id);
  if (techo_store_run_sync (self, was_joined_job, r, NULL, cancellable, error) == NULL)
    {
      notebook_request_free (r);
      return -1;
    }
  joined = r->n_new > 0;
  notebook_request_free (r);
  return joined;
}

static gpointer
count_pending_job (TechoStore    *self,
                   TechoSqlite   *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  gint64 *count = data;
  g_autoptr(GError) local_error = NULL;

  if (techo_sqlite_query_int64 (db, "SELECT COUNT(*) FROM jahis_pending_parts WHERE joined_by IS NULL", count,
                                &local_error))
    return TECHO_STORE_DONE;
  techo_store_propagate_error (error, g_steal_pointer (&local_error),
                               "count the parts of medication data");
  return NULL;
}

gint64
techo_store_count_pending_parts_sync (TechoStore    *self,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  gint64 *count = g_new0 (gint64, 1);
  gint64 value;

  g_return_val_if_fail (TECHO_IS_STORE (self), -1);

  if (techo_store_run_sync (self, count_pending_job, count, NULL, cancellable, error) == NULL)
    {
      g_free (count);
      return -1;
    }
  value = *count;
  g_free (count);
  return value;
}

/* For jobs already on the store's thread (techo_store_read_records_*). */
gboolean
techo_store_notebook_load_details (TechoStore    *self,
                                   TechoSqlite   *db,
                                   gint64         profile_id,
                                   GPtrArray     *dispensings,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  NotebookRequest r = { 0 };

  r.profile_id = profile_id;
  r.dispensings = dispensings;
  return load_details_job (self, db, &r, cancellable, error) != NULL;
}

GPtrArray *
techo_store_notebook_list_entries (TechoStore    *self,
                                   TechoSqlite   *db,
                                   gint64         profile_id,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  NotebookRequest r = { 0 };

  r.profile_id = profile_id;
  r.kind = -1;
  return list_entries_job (self, db, &r, cancellable, error);
}
