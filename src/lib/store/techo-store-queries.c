/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's typed queries for the views: profiles, checkups with items,
 * one analyte's series, dispensings in a period, screenings per cancer:
 * one table of reads (`reads`), each run on the store thread by read_sync
 * or read_async. Withdrawn records are left out. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"

#define MAX_SERIES_CODES 32

/* The typed reads of this file; each has a row in `reads` below. */
typedef enum
{
  READ_PROFILES,
  READ_CHECKUPS,
  READ_SERIES,
  READ_DISPENSINGS,
  READ_SCREENINGS,
  N_READS
} ReadKind;

typedef struct
{
  ReadKind read;      /* read_job's: which read */
  gint64 profile_id;
  guint limit;
  char *first;
  char *second;
  char **codes;
  gboolean guidance;  /* checkups: the 特定保健指導 records (report kind 2x) instead */
} Query;

static Query *
query_new (gint64      profile_id,
           guint       limit,
           const char *first,
           const char *second)
{
  Query *q = g_new0 (Query, 1);

  q->profile_id = profile_id;
  q->limit = limit;
  q->first = g_strdup (first);
  q->second = g_strdup (second);
  return q;
}

static void
query_free (Query *q)
{
  g_free (q->first);
  g_free (q->second);
  g_strfreev (q->codes);
  g_free (q);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Query, query_free)

void
techo_series_point_free (TechoSeriesPoint *point)
{
  if (point == NULL)
    return;
  g_free (point->date);
  g_free (point->code);
  g_free (point->value);
  g_free (point->unit);
  g_free (point->checkup_id);
  g_free (point);
}

static void
read_provenance (TechoSqliteStatement *s,
                 int                   column,
                 TechoProvenance      *provenance)
{
  const char *origin = techo_sqlite_column_text (s, column);

  if (!techo_origin_from_string (origin, &provenance->origin))
    provenance->origin = TECHO_ORIGIN_PORTAL;
  provenance->file_name = techo_sqlite_column_dup_text (s, column + 1);
  provenance->file_sha256 = techo_sqlite_column_dup_text (s, column + 2);
}

static gboolean
read_items (TechoSqliteStatement  *s,
            gint64                 row_id,
            GPtrArray             *items,
            GError               **error)
{
  GError *local_error = NULL;

  techo_sqlite_statement_reset (s, NULL);
  techo_sqlite_bind_int64 (s, 1, row_id);
  while (techo_sqlite_step (s, &local_error))
    {
      TechoItem *item = techo_item_new ();
      TechoValueType type = TECHO_VALUE_ST;

      item->code = techo_sqlite_column_dup_text (s, 0);
      item->name = techo_sqlite_column_dup_text (s, 1);
      if (techo_value_type_from_string (techo_sqlite_column_text (s, 2), &type))
        item->type = type;
      item->value = techo_sqlite_column_dup_text (s, 3);
      item->unit = techo_sqlite_column_dup_text (s, 4);
      item->value_system = techo_sqlite_column_dup_text (s, 5);
      item->display = techo_sqlite_column_dup_text (s, 6);
      item->not_performed = techo_sqlite_column_int64 (s, 7) != 0;
      item->null_flavor = techo_sqlite_column_dup_text (s, 8);
      item->interpretation = techo_sqlite_column_dup_text (s, 9);
      item->reference_range = techo_sqlite_column_dup_text (s, 10);
      item->method_code = techo_sqlite_column_dup_text (s, 11);
      item->other_values = techo_sqlite_column_dup_text (s, 12);
      g_ptr_array_add (items, item);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

#define ITEM_SELECT "SELECT code, name, value_type, value, unit, value_system, display," \
                    " not_performed, null_flavor, interpretation, reference_range," \
                    " method_code, other_values FROM %s WHERE %s = ?1 ORDER BY position"

/* A read on the store's thread; its errors are SQLite's own. */
typedef gpointer ReadFunc (TechoSqlite   *db,
                           Query         *q,
                           GCancellable  *cancellable,
                           GError       **error);

static ReadFunc read_profiles, read_checkups, read_series, read_dispensings, read_screenings;

/* Each read: how, how to free what it returns, and what it does in an
 * error's words ("Could not list the checkups: …"). */
static const struct
{
  ReadFunc *read;
  GDestroyNotify result_free;
  const char *what;
} reads[N_READS] = {
  [READ_PROFILES] = { read_profiles, (GDestroyNotify) g_ptr_array_unref, "list the profiles" },
  [READ_CHECKUPS] = { read_checkups, (GDestroyNotify) g_ptr_array_unref, "list the checkups" },
  [READ_SERIES] = { read_series, (GDestroyNotify) g_ptr_array_unref, "read the series" },
  [READ_DISPENSINGS] = { read_dispensings, (GDestroyNotify) g_ptr_array_unref,
                         "list the medicines" },
  [READ_SCREENINGS] = { read_screenings, (GDestroyNotify) g_ptr_array_unref,
                        "list the screenings" },
};

/* @read of @q on the store's thread, its errors in the store's words. */
static gpointer
run_read (TechoSqlite   *db,
          ReadKind       read,
          Query         *q,
          GCancellable  *cancellable,
          GError       **error)
{
  GError *local_error = NULL;
  gpointer result = reads[read].read (db, q, cancellable, &local_error);

  if (local_error != NULL)
    techo_store_propagate_error (error, local_error, reads[read].what);
  return result;
}

static gpointer
read_job (TechoStore    *self,
          TechoSqlite   *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Query *q = data;

  return run_read (db, q->read, q, cancellable, error);
}

/* Runs @read of @q (taken) on the store's thread and waits for it. */
static gpointer
read_sync (TechoStore    *self,
           ReadKind       read,
           Query         *q,
           GCancellable  *cancellable,
           GError       **error)
{
  q->read = read;
  return techo_store_run_sync (self, read_job, q, (GDestroyNotify) query_free, cancellable, error);
}

/* The same queued; the result comes back through a GTask tagged
 * @source_tag (techo_store_run_finish). */
static void
read_async (TechoStore          *self,
            ReadKind             read,
            Query               *q,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  q->read = read;
  techo_store_run_async (self, read_job, q, (GDestroyNotify) query_free, reads[read].result_free,
                         source_tag, cancellable, callback, user_data);
}

/* ---- profiles ------------------------------------------------------------ */

static gpointer
read_profiles (TechoSqlite   *db,
               Query         *q,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  GError *local_error = NULL;

  profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_profile_free);
  s = techo_sqlite_prepare (db,
                            "SELECT id, subject, issuer, name, name_kana, birth_date,"
                            " sex, insurer_number FROM profiles ORDER BY id", &local_error);
  if (s != NULL)
    while (techo_sqlite_step (s, &local_error))
      {
        TechoProfile *p = techo_profile_new ();

        p->id = techo_sqlite_column_int64 (s, 0);
        p->subject = techo_sqlite_column_dup_text (s, 1);
        p->issuer = techo_sqlite_column_dup_text (s, 2);
        p->name = techo_sqlite_column_dup_text (s, 3);
        p->name_kana = techo_sqlite_column_dup_text (s, 4);
        p->birth_date = techo_sqlite_column_dup_text (s, 5);
        p->sex = techo_sqlite_column_dup_text (s, 6);
        p->insurer_number = techo_sqlite_column_dup_text (s, 7);
        g_ptr_array_add (profiles, p);
      }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&profiles);
}

GPtrArray *
techo_store_list_profiles_sync (TechoStore    *self,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return read_sync (self, READ_PROFILES, query_new (0, 0, NULL, NULL), cancellable, error);
}

void
techo_store_list_profiles_async (TechoStore          *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  read_async (self, READ_PROFILES, query_new (0, 0, NULL, NULL), techo_store_list_profiles_async,
              cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_profiles_finish (TechoStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_profiles_async, error);
}

/* ---- checkups ------------------------------------------------------------ */

static gpointer
read_checkups (TechoSqlite   *db,
               Query         *q,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) items = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autofree char *items_sql = g_strdup_printf (ITEM_SELECT, "checkup_items", "checkup_row");
  GError *local_error = NULL;

  checkups = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  s = techo_sqlite_prepare (db,
                            "SELECT row_id, id, revision, performed_on, kind, report_kind,"
                            " institution_code, institution_name, document_path,"
                            " origin, file_name, file_sha256, doctor_name, insurer_symbol,"
                            " insurer_card_number, patient_address FROM checkups"
                            " WHERE withdrawn = 0 AND (?1 = 0 OR profile_id = ?1)"
                            /* 特定保健指導 (report kind 2x) apart from checkups */
                            " AND (substr (ifnull (report_kind, ''), 1, 1) = '2') = ?3"
                            " ORDER BY performed_on DESC, row_id DESC LIMIT ?2",
                            &local_error);
  if (s != NULL)
    items = techo_sqlite_prepare (db, items_sql, &local_error);
  if (items != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, q->profile_id);
      techo_sqlite_bind_int64 (s, 2, q->limit > 0 ? (gint64) q->limit : -1);
      techo_sqlite_bind_int64 (s, 3, q->guidance ? 1 : 0);
      while (techo_sqlite_step (s, &local_error))
        {
          TechoCheckup *c = techo_checkup_new ();

          g_ptr_array_add (checkups, c);
          c->id = techo_sqlite_column_dup_text (s, 1);
          c->revision = techo_sqlite_column_int64 (s, 2);
          c->performed_on = techo_sqlite_column_dup_text (s, 3);
          c->kind = techo_sqlite_column_dup_text (s, 4);
          c->report_kind = techo_sqlite_column_dup_text (s, 5);
          c->institution_code = techo_sqlite_column_dup_text (s, 6);
          c->institution_name = techo_sqlite_column_dup_text (s, 7);
          c->document = techo_sqlite_column_dup_text (s, 8);
          read_provenance (s, 9, &c->provenance);
          c->doctor_name = techo_sqlite_column_dup_text (s, 12);
          c->insurer_symbol = techo_sqlite_column_dup_text (s, 13);
          c->insurer_card_number = techo_sqlite_column_dup_text (s, 14);
          c->patient_address = techo_sqlite_column_dup_text (s, 15);
          if (!read_items (items, techo_sqlite_column_int64 (s, 0), c->items, &local_error))
            break;
          if (g_cancellable_is_cancelled (cancellable))
            break;
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&checkups);
}

GPtrArray *
techo_store_list_checkups_sync (TechoStore    *self,
                                gint64         profile_id,
                                guint          limit,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return read_sync (self, READ_CHECKUPS, query_new (profile_id, limit, NULL, NULL), cancellable,
                    error);
}

void
techo_store_list_checkups_async (TechoStore          *self,
                                 gint64               profile_id,
                                 guint                limit,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  read_async (self, READ_CHECKUPS, query_new (profile_id, limit, NULL, NULL),
              techo_store_list_checkups_async, cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_checkups_finish (TechoStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_checkups_async, error);
}

/* The newest checkup comes as a one-element array (a list with limit 1),
 * so that "none" is a success. */
static TechoCheckup *
unbox_checkup (GPtrArray *box)
{
  TechoCheckup *checkup = NULL;

  if (box == NULL)
    return NULL;
  if (box->len > 0)
    checkup = g_ptr_array_steal_index (box, 0);
  g_ptr_array_unref (box);
  return checkup;
}

TechoCheckup *
techo_store_latest_checkup_sync (TechoStore    *self,
                                 gint64         profile_id,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  return unbox_checkup (read_sync (self, READ_CHECKUPS, query_new (profile_id, 1, NULL, NULL),
                                   cancellable, error));
}

void
techo_store_latest_checkup_async (TechoStore          *self,
                                  gint64               profile_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  read_async (self, READ_CHECKUPS, query_new (profile_id, 1, NULL, NULL),
              techo_store_latest_checkup_async, cancellable, callback, user_data);
}

TechoCheckup *
techo_store_latest_checkup_finish (TechoStore    *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  return unbox_checkup (techo_store_run_finish (self, result,
                                                techo_store_latest_checkup_async, error));
}

/* ---- series -------------------------------------------------------------- */

static gpointer
read_series (TechoSqlite   *db,
             Query         *q,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) points = NULL;
  g_autoptr(GString) sql = NULL;
  guint n_codes = q->codes != NULL ? g_strv_length (q->codes) : 0;
  GError *local_error = NULL;

  if (n_codes == 0 || n_codes > MAX_SERIES_CODES)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                   "A series needs between 1 and %d item codes.", MAX_SERIES_CODES);
      return NULL;
    }

  sql = g_string_new ("SELECT c.performed_on, i.code, i.value, i.unit, c.id"
                      " FROM checkup_items i JOIN checkups c ON c.row_id = i.checkup_row"
                      " WHERE c.withdrawn = 0 AND (?1 = 0 OR c.profile_id = ?1)"
                      " AND i.not_performed = 0 AND i.value IS NOT NULL"
                      " AND i.code IN (");
  for (guint i = 0; i < n_codes; i++)
    g_string_append_printf (sql, "%s?%u", i > 0 ? ", " : "", i + 2);
  g_string_append (sql, ") ORDER BY c.performed_on, c.row_id, i.position");

  points = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_series_point_free);
  s = techo_sqlite_prepare (db, sql->str, &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, q->profile_id);
      for (guint i = 0; i < n_codes; i++)
        techo_sqlite_bind_text (s, i + 2, q->codes[i]);
      while (techo_sqlite_step (s, &local_error))
        {
          TechoSeriesPoint *point = g_new0 (TechoSeriesPoint, 1);

          point->date = techo_sqlite_column_dup_text (s, 0);
          point->code = techo_sqlite_column_dup_text (s, 1);
          point->value = techo_sqlite_column_dup_text (s, 2);
          point->unit = techo_sqlite_column_dup_text (s, 3);
          point->checkup_id = techo_sqlite_column_dup_text (s, 4);
          g_ptr_array_add (points, point);
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&points);
}

static Query *
series_query (gint64              profile_id,
              const char * const *codes)
{
  Query *q = query_new (profile_id, 0, NULL, NULL);

  q->codes = g_strdupv ((char **) codes);
  return q;
}

GPtrArray *
techo_store_series_sync (TechoStore          *self,
                         gint64               profile_id,
                         const char * const  *codes,
                         GCancellable        *cancellable,
                         GError             **error)
{
  return read_sync (self, READ_SERIES, series_query (profile_id, codes), cancellable, error);
}

void
techo_store_series_async (TechoStore          *self,
                          gint64               profile_id,
                          const char * const  *codes,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  read_async (self, READ_SERIES, series_query (profile_id, codes), techo_store_series_async,
              cancellable, callback, user_data);
}

GPtrArray *
techo_store_series_finish (TechoStore    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_series_async, error);
}

/* ---- dispensings --------------------------------------------------------- */

TechoDispensing *
techo_store_read_dispensing (TechoSqliteStatement *s)
{
  TechoDispensing *d = techo_dispensing_new ();
  char **text[] = { &d->source, &d->dispensed_on, &d->prescribed_on, &d->setting,
                    &d->pharmacy_code, &d->pharmacy_name, &d->prescriber_code,
                    &d->prescriber_name, &d->prescriber_department,
                    &d->receipt_code, &d->yj_code, &d->drug_name,
                    &d->ingredient_name };

  d->id = techo_sqlite_column_dup_text (s, 0);
  d->revision = techo_sqlite_column_int64 (s, 1);
  for (guint i = 0; i < G_N_ELEMENTS (text); i++)
    *text[i] = techo_sqlite_column_dup_text (s, 2 + i);
  d->quantity = techo_sqlite_column_double (s, 15);
  d->unit = techo_sqlite_column_dup_text (s, 16);
  d->usage = techo_sqlite_column_dup_text (s, 17);
  d->days = techo_sqlite_column_int64 (s, 18);
  d->dosage_form = techo_sqlite_column_dup_text (s, 19);
  read_provenance (s, 20, &d->provenance);
  return d;
}

static gpointer
read_dispensings (TechoSqlite   *db,
                  Query         *q,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GString) sql = NULL;
  GError *local_error = NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  /* Only the conditions asked for are written, so SQLite 3.15 can use the
   * (profile_id, dispensed_on) index; "?x IS NULL OR …" would defeat it. */
  sql = g_string_new ("SELECT " TECHO_STORE_DISPENSING_COLUMNS
                      " FROM dispensings WHERE withdrawn = 0 AND revised_by IS NULL");
  if (q->profile_id != 0)
    g_string_append (sql, " AND profile_id = :profile");
  if (q->first != NULL)
    g_string_append (sql, " AND dispensed_on >= :from");
  if (q->second != NULL)
    g_string_append (sql, " AND dispensed_on <= :to");
  g_string_append (sql, " ORDER BY dispensed_on DESC, row_id DESC");
  s = techo_sqlite_prepare (db, sql->str, &local_error);
  if (s != NULL)
    {
      guint n = 1;

      /* Parameters are numbered in the order they appear above. */
      if (q->profile_id != 0)
        techo_sqlite_bind_int64 (s, n++, q->profile_id);
      if (q->first != NULL)
        techo_sqlite_bind_text (s, n++, q->first);
      if (q->second != NULL)
        techo_sqlite_bind_text (s, n++, q->second);
      while (techo_sqlite_step (s, &local_error))
        {
          TechoDispensing *d = techo_store_read_dispensing (s);

          g_ptr_array_add (list, d);
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_dispensings_sync (TechoStore    *self,
                                   gint64         profile_id,
                                   const char    *from,
                                   const char    *to,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  return read_sync (self, READ_DISPENSINGS, query_new (profile_id, 0, from, to), cancellable,
                    error);
}

void
techo_store_list_dispensings_async (TechoStore          *self,
                                    gint64               profile_id,
                                    const char          *from,
                                    const char          *to,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  read_async (self, READ_DISPENSINGS, query_new (profile_id, 0, from, to),
              techo_store_list_dispensings_async, cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_dispensings_finish (TechoStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_dispensings_async, error);
}

/* ---- screenings ---------------------------------------------------------- */

static gpointer
read_screenings (TechoSqlite   *db,
                 Query         *q,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) items = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *items_sql = g_strdup_printf (ITEM_SELECT, "screening_items",
                                                "screening_row");
  GError *local_error = NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  s = techo_sqlite_prepare (db,
                            "SELECT row_id, id, revision, performed_on, cancer, report_kind,"
                            " stage, municipality_code, municipality_name, followup_code,"
                            " followup_value, followup_display, origin, file_name,"
                            " file_sha256 FROM screenings"
                            " WHERE withdrawn = 0 AND (?1 = 0 OR profile_id = ?1)"
                            " AND (?2 IS NULL OR cancer = ?2)"
                            " ORDER BY performed_on DESC, row_id DESC", &local_error);
  if (s != NULL)
    items = techo_sqlite_prepare (db, items_sql, &local_error);
  if (items != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, q->profile_id);
      techo_sqlite_bind_text (s, 2, q->first);
      while (techo_sqlite_step (s, &local_error))
        {
          TechoScreening *r = techo_screening_new ();
          char **text[] = { &r->performed_on, &r->cancer, &r->report_kind, &r->stage,
                            &r->municipality_code, &r->municipality_name,
                            &r->followup_code, &r->followup_value,
                            &r->followup_display };

          g_ptr_array_add (list, r);
          r->id = techo_sqlite_column_dup_text (s, 1);
          r->revision = techo_sqlite_column_int64 (s, 2);
          for (guint i = 0; i < G_N_ELEMENTS (text); i++)
            *text[i] = techo_sqlite_column_dup_text (s, 3 + i);
          read_provenance (s, 12, &r->provenance);
          if (!read_items (items, techo_sqlite_column_int64 (s, 0), r->items, &local_error))
            break;
        }
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_screenings_sync (TechoStore    *self,
                                  gint64         profile_id,
                                  const char    *cancer,
                                  GCancellable  *cancellable,
                                  GError       **error)
{
  return read_sync (self, READ_SCREENINGS, query_new (profile_id, 0, cancer, NULL), cancellable,
                    error);
}

void
techo_store_list_screenings_async (TechoStore          *self,
                                   gint64               profile_id,
                                   const char          *cancer,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  read_async (self, READ_SCREENINGS, query_new (profile_id, 0, cancer, NULL),
              techo_store_list_screenings_async, cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_screenings_finish (TechoStore    *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_screenings_async, error);
}

/* ---- one person's records -------------------------------------------------- */

/* When the portal last sent @set's person anything (the sync state's
 * newest write), so the overview can say when the last sync was. */
static gboolean
read_synced_at (TechoSqlite     *db,
                TechoRecordSet  *set,
                GError         **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare_cached (db, "SELECT ifnull (max (last_sync_at), 0) FROM sync_state"
                                       " WHERE profile_id = ?1", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, set->profile->id);
      if (techo_sqlite_step (s, &local_error))
        set->synced_at = techo_sqlite_column_int64 (s, 0);
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the time of the last sync");
      return FALSE;
    }
  return TRUE;
}

/* The profile, checkups, dispensings (from q->first on) and screenings in
 * one job: one hop for the caller, one consistent read of the store. */
static gpointer
read_records_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  Query *q = data;
  g_autoptr(TechoRecordSet) set = techo_record_set_new ();
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(Query) of_person = NULL;
  GPtrArray *list;

  profiles = run_read (db, READ_PROFILES, q, cancellable, error);
  if (profiles == NULL)
    return NULL;
  set->complete = q->first == NULL;
  for (guint i = 0; i < profiles->len && set->profile == NULL; i++)
    {
      TechoProfile *p = g_ptr_array_index (profiles, i);

      /* The store may hold a family; the first person is the one who
       * signed in. */
      if (q->profile_id == 0 || p->id == q->profile_id)
        set->profile = g_ptr_array_steal_index (profiles, i);
    }
  if (set->profile == NULL)
    {
      if (q->profile_id != 0)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
                       "No such person in the store.");
          return NULL;
        }
      return g_steal_pointer (&set);
    }

  of_person = query_new (set->profile->id, 0, NULL, NULL);
  if ((list = run_read (db, READ_CHECKUPS, of_person, cancellable, error)) == NULL)
    return NULL;
  g_ptr_array_unref (set->checkups);
  set->checkups = list;
  of_person->guidance = TRUE;
  list = run_read (db, READ_CHECKUPS, of_person, cancellable, error);
  of_person->guidance = FALSE;
  if (list == NULL)
    return NULL;
  g_ptr_array_unref (set->guidance);
  set->guidance = list;
  g_free (of_person->first);
  of_person->first = g_strdup (q->first);
  if ((list = run_read (db, READ_DISPENSINGS, of_person, cancellable, error)) == NULL)
    return NULL;
  g_ptr_array_unref (set->dispensings);
  set->dispensings = list;
  /* The notebook's units (回分, 調剤) and notes beside each dispensing. */
  if (!techo_store_notebook_load_details (self, db, set->profile->id, set->dispensings,
                                          cancellable, error))
    return NULL;
  if ((list = techo_store_notebook_list_entries (self, db, set->profile->id, cancellable,
                                                 error)) == NULL)
    return NULL;
  g_ptr_array_unref (set->entries);
  set->entries = list;
  g_clear_pointer (&of_person->first, g_free);
  if ((list = run_read (db, READ_SCREENINGS, of_person, cancellable, error)) == NULL)
    return NULL;
  g_ptr_array_unref (set->screenings);
  set->screenings = list;
  if (!read_synced_at (db, set, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&set);
}

TechoRecordSet *
techo_store_read_records_sync (TechoStore    *self,
                               gint64         profile_id,
                               const char    *dispensed_from,
                               GCancellable  *cancellable,
                               GError       **error)
{
  return techo_store_run_sync (self, read_records_job,
                               query_new (profile_id, 0, dispensed_from, NULL),
                               (GDestroyNotify) query_free, cancellable, error);
}

void
techo_store_read_records_async (TechoStore          *self,
                                gint64               profile_id,
                                const char          *dispensed_from,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  techo_store_run_async (self, read_records_job,
                         query_new (profile_id, 0, dispensed_from, NULL),
                         (GDestroyNotify) query_free, (GDestroyNotify) techo_record_set_unref,
                         techo_store_read_records_async, cancellable, callback, user_data);
}

TechoRecordSet *
techo_store_read_records_finish (TechoStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_read_records_async, error);
}

/* ---- counts -------------------------------------------------------------- */

static gpointer
count_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  static const char * const sql[TECHO_STORE_N_COUNTS] = {
    "SELECT count(*) FROM checkups WHERE withdrawn = 0 AND (?1 = 0 OR profile_id = ?1)"
    " AND substr (ifnull (report_kind, ''), 1, 1) <> '2'",
    "SELECT count(*) FROM checkup_items i JOIN checkups c ON c.row_id = i.checkup_row"
    " WHERE c.withdrawn = 0 AND (?1 = 0 OR c.profile_id = ?1)"
    " AND substr (ifnull (c.report_kind, ''), 1, 1) <> '2'",
    "SELECT count(*) FROM dispensings WHERE withdrawn = 0 AND (?1 = 0 OR profile_id = ?1)",
    "SELECT count(*) FROM screenings WHERE withdrawn = 0 AND (?1 = 0 OR profile_id = ?1)",
  };
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db, sql[r->limit], &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      if (techo_sqlite_step (s, &local_error))
        {
          gint64 *count = g_new (gint64, 1);

          *count = techo_sqlite_column_int64 (s, 0);
          return count;
        }
    }
  if (local_error == NULL)
    g_set_error_literal (&local_error, TECHO_SQLITE_ERROR, SQLITE_ERROR, "no count");
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "count the records");
  return NULL;
}

gint64
techo_store_count_sync (TechoStore       *self,
                        gint64            profile_id,
                        TechoStoreCount   what,
                        GCancellable     *cancellable,
                        GError          **error)
{
  TechoStoreRequest *r;
  g_autofree gint64 *count = NULL;

  g_return_val_if_fail (what < TECHO_STORE_N_COUNTS, -1);

  r = techo_store_request_new (profile_id);
  r->limit = what;
  count = techo_store_run_sync (self, count_job, r, (GDestroyNotify) techo_store_request_free,
                                cancellable, error);
  return count != NULL ? *count : -1;
}
