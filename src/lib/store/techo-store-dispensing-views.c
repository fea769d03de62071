/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The medication history a window at a time: one row per ingredient from
 * dispensing_ingredients (kept by trigger, schema v10) and pages of
 * dispensings by keyset on (dispensed_on, row_id) through the
 * dispensings_by_ingredient and dispensings_by_date indexes. Every *_job
 * runs on the store thread. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"
#include "techo-store-schema.h"

#define MAX_PAGE_ROWS 1000

#define LISTED "withdrawn = 0 AND revised_by IS NULL"
#define COLUMNS TECHO_STORE_DISPENSING_COLUMNS ", row_id"
#define ROW_COLUMN 23
/* ?1 the person, ?2 the ingredient (unused for every ingredient), ?3 the
 * edge's date, ?4 its row, ?5 the limit, ?6 the offset. */
#define SCOPE_ALL "profile_id = ?1 AND " LISTED
#define SCOPE_ONE "profile_id = ?1 AND " TECHO_STORE_INGREDIENT_KEY " = ?2 AND " LISTED

#define SQL_INGREDIENTS "SELECT key, n FROM dispensing_ingredients WHERE profile_id = ?1"
#define SQL_NEWEST \
  "SELECT dispensed_on, ingredient_name, drug_name FROM dispensings WHERE " SCOPE_ONE \
  " ORDER BY dispensed_on DESC, row_id DESC LIMIT 1"

/* The page queries, each for one ingredient and for all. */
typedef enum
{
  Q_DATED_AT,      /* dated rows from the newest, by offset */
  Q_DATED_OLDER,   /* dated rows older than the edge */
  Q_DATED_NEWER,   /* dated rows newer than the edge, oldest first */
  Q_DATED_OLDEST,  /* dated rows from the oldest, oldest first */
  Q_UNDATED_OLDER, /* undated rows below the edge's row, by offset */
  Q_UNDATED_NEWER, /* undated rows above the edge's row, oldest first */
  Q_DATED_COUNT,   /* how many dated rows (only to jump into the undated tail) */
  N_QUERIES
} QueryKind;

static const char * const query_names[N_QUERIES] = {
  "dated_at", "dated_older", "dated_newer", "dated_oldest", "undated_older",
  "undated_newer", "dated_count",
};

/* Each query: what it selects, then (after the scope) its conditions and
 * order. */
#define ROWS "SELECT " COLUMNS
static const struct
{
  const char *select;
  const char *tail;
} query_sql[N_QUERIES] = {
  [Q_DATED_AT] = { ROWS, " AND dispensed_on >= ''"
                         " ORDER BY dispensed_on DESC, row_id DESC LIMIT ?5 OFFSET ?6" },
  [Q_DATED_OLDER] = { ROWS, " AND dispensed_on <= ?3 AND (dispensed_on < ?3 OR row_id < ?4)"
                            " ORDER BY dispensed_on DESC, row_id DESC LIMIT ?5 OFFSET ?6" },
  [Q_DATED_NEWER] = { ROWS, " AND dispensed_on >= ?3 AND (dispensed_on > ?3 OR row_id > ?4)"
                            " ORDER BY dispensed_on, row_id LIMIT ?5 OFFSET ?6" },
  [Q_DATED_OLDEST] = { ROWS, " AND dispensed_on >= ''"
                             " ORDER BY dispensed_on, row_id LIMIT ?5 OFFSET ?6" },
  [Q_UNDATED_OLDER] = { ROWS, " AND dispensed_on IS NULL AND row_id < ?4"
                              " ORDER BY row_id DESC LIMIT ?5 OFFSET ?6" },
  [Q_UNDATED_NEWER] = { ROWS, " AND dispensed_on IS NULL AND row_id > ?4"
                              " ORDER BY row_id LIMIT ?5 OFFSET ?6" },
  [Q_DATED_COUNT] = { "SELECT count (*)", " AND dispensed_on >= ''"
                      " AND ?3 IS ?3 AND ?4 IS ?4 AND ?5 IS ?5 AND ?6 IS ?6" },
};

typedef struct
{
  gint64 profile_id;
  char *key;
  TechoDispensingPageAnchor anchor;
  char *edge_date;
  gint64 edge_row;
  guint offset;
  guint limit;
} PageQuery;

static void
page_query_free (PageQuery *q)
{
  g_free (q->key);
  g_free (q->edge_date);
  g_free (q);
}

void
techo_ingredient_summary_free (TechoIngredientSummary *summary)
{
  if (summary == NULL)
    return;
  g_free (summary->key);
  g_free (summary->name);
  g_free (summary->newest);
  g_free (summary);
}

void
techo_dispensing_page_free (TechoDispensingPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->dispensings, g_ptr_array_unref);
  g_free (page->first_date);
  g_free (page->last_date);
  g_free (page);
}

/* ---- ingredients --------------------------------------------------------- */

static int
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const TechoIngredientSummary *x = *(TechoIngredientSummary * const *) a;
  const TechoIngredientSummary *y = *(TechoIngredientSummary * const *) b;
  int by_date;

  /* Newest first; undated last; then by name, for a stable order. */
  if (x->newest == NULL || y->newest == NULL)
    by_date = (x->newest == NULL) - (y->newest == NULL);
  else
    by_date = -strcmp (x->newest, y->newest);
  return by_date != 0 ? by_date : g_strcmp0 (x->key, y->key);
}

static gpointer
list_ingredients_job (TechoStore    *self,
                      TechoSqlite   *db,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  gint64 profile_id = *(gint64 *) data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) newest = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *local_error = NULL;

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_ingredient_summary_free);
  s = techo_sqlite_prepare (db, SQL_INGREDIENTS, &local_error);
  if (s != NULL)
    newest = techo_sqlite_prepare (db, SQL_NEWEST, &local_error);
  if (newest != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, profile_id);
      while (techo_sqlite_step (s, &local_error))
        {
          TechoIngredientSummary *summary = g_new0 (TechoIngredientSummary, 1);

          g_ptr_array_add (list, summary);
          summary->key = techo_sqlite_column_dup_text (s, 0);
          summary->n = (guint) techo_sqlite_column_int64 (s, 1);
          if (!techo_sqlite_statement_reset (newest, &local_error))
            break;
          techo_sqlite_bind_int64 (newest, 1, profile_id);
          techo_sqlite_bind_text (newest, 2, summary->key);
          if (techo_sqlite_step (newest, &local_error))
            {
              summary->newest = techo_sqlite_column_dup_text (newest, 0);
              summary->name = techo_sqlite_column_dup_text (newest, 1);
              if (summary->name == NULL || summary->name[0] == '\0')
                {
                  g_free (summary->name);
                  summary->name = techo_sqlite_column_dup_text (newest, 2);
                }
            }
          if (local_error != NULL)
            break;
          if (summary->name == NULL)
            summary->name = g_strdup (summary->key);
          if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
            break;
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, local_error, "list the medicines");
      return NULL;
    }
  g_ptr_array_sort (list, compare_summaries);
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_ingredients_sync (TechoStore    *self,
                                   gint64         profile_id,
                                   GCancellable  *cancellable,
                                   GError       **error)
{
  return techo_store_run_sync (self, list_ingredients_job, g_memdup2 (&profile_id, sizeof profile_id),
                               g_free, cancellable, error);
}

void
techo_store_list_ingredients_async (TechoStore          *self,
                                    gint64               profile_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  techo_store_run_async (self, list_ingredients_job, g_memdup2 (&profile_id, sizeof profile_id),
                         g_free, (GDestroyNotify) g_ptr_array_unref,
                         techo_store_list_ingredients_async, cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_ingredients_finish (TechoStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_ingredients_async, error);
}

/* ---- pages --------------------------------------------------------------- */

static char *
query_text (QueryKind kind,
            gboolean  one_ingredient)
{
  return g_strconcat (query_sql[kind].select, " FROM dispensings WHERE ",
                      one_ingredient ? SCOPE_ONE : SCOPE_ALL, query_sql[kind].tail, NULL);
}

/* Runs query @kind and appends its rows to @rows (with their store rows to
 * @row_ids); for Q_DATED_COUNT sets @out_count instead. */
static gboolean
run_page_query (TechoSqlite      *db,
                const PageQuery  *q,
                QueryKind         kind,
                const char       *edge_date,
                gint64            edge_row,
                guint             limit,
                guint             offset,
                GPtrArray        *rows,
                GArray           *row_ids,
                gint64           *out_count,
                GError          **error)
{
  g_autofree char *sql = query_text (kind, q->key != NULL);
  g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare_cached (db, sql, error);
  GError *local_error = NULL;

  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, q->profile_id);
  if (q->key != NULL)
    techo_sqlite_bind_text (s, 2, q->key);
  if (edge_date != NULL)
    techo_sqlite_bind_text (s, 3, edge_date);
  techo_sqlite_bind_int64 (s, 4, edge_row);
  techo_sqlite_bind_int64 (s, 5, limit);
  techo_sqlite_bind_int64 (s, 6, offset);
  while (techo_sqlite_step (s, &local_error))
    {
      gint64 row;

      if (kind == Q_DATED_COUNT)
        {
          *out_count = techo_sqlite_column_int64 (s, 0);
          continue;
        }
      row = techo_sqlite_column_int64 (s, ROW_COLUMN);
      g_ptr_array_add (rows, techo_store_read_dispensing (s));
      g_array_append_val (row_ids, row);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gpointer
list_page_job (TechoStore    *self,
               TechoSqlite   *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  PageQuery *q = data;
  g_autoptr(TechoDispensingPage) page = g_new0 (TechoDispensingPage, 1);
  g_autoptr(GArray) row_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GPtrArray *rows;
  GError *local_error = NULL;
  guint limit = CLAMP (q->limit, 1, MAX_PAGE_ROWS);
  gboolean ok = TRUE;

  page->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  rows = page->dispensings;
  /* Newest first: the dated rows (newest date first), then the undated
   * ones (newest row first). */
  switch (q->anchor)
    {
    case TECHO_DISPENSING_PAGE_AT:
      ok = run_page_query (db, q, Q_DATED_AT, NULL, 0, limit, q->offset, rows, row_ids, NULL,
                           &local_error);
      if (ok && rows->len < limit)
        {
          gint64 n_dated = q->offset + rows->len;

          /* Past the dated rows: how many there are says where the
           * undated tail starts (counted only for a jump right into it). */
          if (rows->len == 0 && q->offset > 0)
            ok = run_page_query (db, q, Q_DATED_COUNT, NULL, 0, 0, 0, NULL, NULL, &n_dated,
                                 &local_error);
          if (ok)
            ok = run_page_query (db, q, Q_UNDATED_OLDER, NULL, G_MAXINT64, limit - rows->len,
                                 (guint) MAX (0, (gint64) q->offset - n_dated), rows, row_ids,
                                 NULL, &local_error);
        }
      break;
    case TECHO_DISPENSING_PAGE_OLDER:
      if (q->edge_date != NULL)
        ok = run_page_query (db, q, Q_DATED_OLDER, q->edge_date, q->edge_row, limit, 0, rows,
                             row_ids, NULL, &local_error);
      if (ok && rows->len < limit)
        ok = run_page_query (db, q, Q_UNDATED_OLDER, NULL,
                             q->edge_date != NULL ? G_MAXINT64 : q->edge_row,
                             limit - rows->len, 0, rows, row_ids, NULL, &local_error);
      break;
    case TECHO_DISPENSING_PAGE_NEWER:
      /* Read oldest first from the edge up, then turned round. */
      if (q->edge_date == NULL)
        ok = run_page_query (db, q, Q_UNDATED_NEWER, NULL, q->edge_row, limit, 0, rows,
                             row_ids, NULL, &local_error);
      if (ok && rows->len < limit)
        ok = run_page_query (db, q, q->edge_date != NULL ? Q_DATED_NEWER : Q_DATED_OLDEST,
                             q->edge_date, q->edge_row, limit - rows->len, 0, rows, row_ids,
                             NULL, &local_error);
      for (guint i = 0, j = rows->len; ok && i + 1 < j; i++, j--)
        {
          gpointer d = rows->pdata[i];
          gint64 row = g_array_index (row_ids, gint64, i);

          rows->pdata[i] = rows->pdata[j - 1];
          rows->pdata[j - 1] = d;
          g_array_index (row_ids, gint64, i) = g_array_index (row_ids, gint64, j - 1);
          g_array_index (row_ids, gint64, j - 1) = row;
        }
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    {
      techo_store_propagate_error (error, local_error, "list the medicines");
      return NULL;
    }
  if (rows->len > 0)
    {
      const TechoDispensing *first = g_ptr_array_index (rows, 0);
      const TechoDispensing *last = g_ptr_array_index (rows, rows->len - 1);

      page->first_date = g_strdup (first->dispensed_on);
      page->first_row = g_array_index (row_ids, gint64, 0);
      page->last_date = g_strdup (last->dispensed_on);
      page->last_row = g_array_index (row_ids, gint64, rows->len - 1);
    }
  if (!techo_store_notebook_load_details (self, db, q->profile_id, rows, cancellable, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&page);
}

static PageQuery *
page_query_new (gint64                     profile_id,
                const char                *ingredient_key,
                TechoDispensingPageAnchor  anchor,
                const char                *edge_date,
                gint64                     edge_row,
                guint                      offset,
                guint                      limit)
{
  PageQuery *q = g_new0 (PageQuery, 1);

  q->profile_id = profile_id;
  q->key = g_strdup (ingredient_key);
  q->anchor = anchor;
  q->edge_date = g_strdup (edge_date);
  q->edge_row = edge_row;
  q->offset = offset;
  q->limit = limit;
  return q;
}

TechoDispensingPage *
techo_store_list_dispensing_page_sync (TechoStore                *self,
                                       gint64                     profile_id,
                                       const char                *ingredient_key,
                                       TechoDispensingPageAnchor  anchor,
                                       const char                *edge_date,
                                       gint64                     edge_row,
                                       guint                      offset,
                                       guint                      limit,
                                       GCancellable              *cancellable,
                                       GError                   **error)
{
  return techo_store_run_sync (self, list_page_job,
                               page_query_new (profile_id, ingredient_key, anchor, edge_date,
                                               edge_row, offset, limit),
                               (GDestroyNotify) page_query_free, cancellable, error);
}

void
techo_store_list_dispensing_page_async (TechoStore                *self,
                                        gint64                     profile_id,
                                        const char                *ingredient_key,
                                        TechoDispensingPageAnchor  anchor,
                                        const char                *edge_date,
                                        gint64                     edge_row,
                                        guint                      offset,
                                        guint                      limit,
                                        GCancellable              *cancellable,
                                        GAsyncReadyCallback        callback,
                                        gpointer                   user_data)
{
  techo_store_run_async (self, list_page_job,
                         page_query_new (profile_id, ingredient_key, anchor, edge_date,
                                         edge_row, offset, limit),
                         (GDestroyNotify) page_query_free,
                         (GDestroyNotify) techo_dispensing_page_free,
                         techo_store_list_dispensing_page_async, cancellable, callback,
                         user_data);
}

TechoDispensingPage *
techo_store_list_dispensing_page_finish (TechoStore    *self,
                                         GAsyncResult  *result,
                                         GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_dispensing_page_async, error);
}

/* ---- a period in figures ------------------------------------------------- */

void
techo_dispensing_summary_free (TechoDispensingSummary *summary)
{
  if (summary == NULL)
    return;
  g_clear_pointer (&summary->names, g_ptr_array_unref);
  g_free (summary->first);
  g_free (summary->last);
  g_free (summary);
}

static gpointer
summarize_job (TechoStore    *self,
               TechoSqlite   *db,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  PageQuery *q = data;
  g_autoptr(TechoDispensingSummary) summary = g_new0 (TechoDispensingSummary, 1);
  g_autoptr(GString) where = g_string_new ("profile_id = ?1 AND " LISTED);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *figures = NULL;
  g_autofree char *names = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) t = NULL;
  GError *local_error = NULL;

  summary->names = g_ptr_array_new_with_free_func (g_free);
  /* Only the bounds asked for, so that the date index serves the range. */
  if (q->key != NULL)
    g_string_append (where, " AND dispensed_on >= ?2");
  if (q->edge_date != NULL)
    g_string_append (where, " AND dispensed_on <= ?3");
  figures = g_strdup_printf ("SELECT count (*), min (dispensed_on), max (dispensed_on)"
                             " FROM dispensings WHERE %s AND ?2 IS ?2 AND ?3 IS ?3", where->str);
  names = g_strdup_printf ("SELECT drug_name FROM dispensings WHERE %s AND ?2 IS ?2"
                           " AND ?3 IS ?3 ORDER BY dispensed_on DESC, row_id DESC", where->str);
  s = techo_sqlite_prepare (db, figures, &local_error);
  if (s != NULL)
    t = techo_sqlite_prepare (db, names, &local_error);
  if (t != NULL)
    {
      TechoSqliteStatement *both[] = { s, t };

      for (guint i = 0; i < G_N_ELEMENTS (both); i++)
        {
          techo_sqlite_bind_int64 (both[i], 1, q->profile_id);
          techo_sqlite_bind_text (both[i], 2, q->key);
          techo_sqlite_bind_text (both[i], 3, q->edge_date);
        }
      if (techo_sqlite_step (s, &local_error))
        {
          summary->n = (guint) techo_sqlite_column_int64 (s, 0);
          summary->first = techo_sqlite_column_dup_text (s, 1);
          summary->last = techo_sqlite_column_dup_text (s, 2);
        }
      while (local_error == NULL && techo_sqlite_step (t, &local_error))
        {
          const char *name = techo_sqlite_column_text (t, 0);

          if (name != NULL && !g_hash_table_contains (seen, name))
            {
              char *copy = g_strdup (name);

              g_ptr_array_add (summary->names, copy);
              g_hash_table_add (seen, copy);
            }
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, local_error, "count the medicines");
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&summary);
}

/* The period rides in a PageQuery: key = from, edge_date = to. */
TechoDispensingSummary *
techo_store_summarize_dispensings_sync (TechoStore    *self,
                                        gint64         profile_id,
                                        const char    *from,
                                        const char    *to,
                                        GCancellable  *cancellable,
                                        GError       **error)
{
  return techo_store_run_sync (self, summarize_job,
                               page_query_new (profile_id, from, 0, to, 0, 0, 0),
                               (GDestroyNotify) page_query_free, cancellable, error);
}

void
techo_store_summarize_dispensings_async (TechoStore          *self,
                                         gint64               profile_id,
                                         const char          *from,
                                         const char          *to,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  techo_store_run_async (self, summarize_job, page_query_new (profile_id, from, 0, to, 0, 0, 0),
                         (GDestroyNotify) page_query_free,
                         (GDestroyNotify) techo_dispensing_summary_free,
                         techo_store_summarize_dispensings_async, cancellable, callback,
                         user_data);
}

TechoDispensingSummary *
techo_store_summarize_dispensings_finish (TechoStore    *self,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_summarize_dispensings_async, error);
}

/* ---- plans --------------------------------------------------------------- */

static gboolean
explain (TechoSqlite  *db,
         const char   *name,
         const char   *sql,
         GPtrArray    *plans,
         GError      **error)
{
  g_autofree char *text = g_strdup_printf ("EXPLAIN QUERY PLAN %s", sql);
  g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare (db, text, error);
  g_autoptr(GString) plan = g_string_new (name);
  GError *local_error = NULL;
  gboolean first = TRUE;

  if (s == NULL)
    return FALSE;
  g_string_append (plan, ":");
  while (techo_sqlite_step (s, &local_error))
    {
      /* The last column is the detail (3.15: selectid, order, from, detail;
       * later releases: id, parent, notused, detail). */
      g_string_append_printf (plan, "%s %s", first ? "" : ";", techo_sqlite_column_text (s, 3));
      first = FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_ptr_array_add (plans, g_string_free (g_steal_pointer (&plan), FALSE));
  return TRUE;
}

static gpointer
explain_job (TechoStore    *self,
             TechoSqlite   *db,
             gpointer       data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func (g_free);
  GError *local_error = NULL;
  gboolean ok;

  ok = explain (db, "ingredients", SQL_INGREDIENTS, plans, &local_error)
       && explain (db, "ingredient_newest", SQL_NEWEST, plans, &local_error)
       /* The app's recent read (techo_store_read_records_async from a date). */
       && explain (db, "recent", "SELECT " TECHO_STORE_DISPENSING_COLUMNS " FROM dispensings"
                   " WHERE " LISTED " AND profile_id = ?1 AND dispensed_on >= ?2"
                   " ORDER BY dispensed_on DESC, row_id DESC", plans, &local_error);
  for (guint k = 0; ok && k < N_QUERIES; k++)
    for (guint one = 0; ok && one < 2; one++)
      {
        g_autofree char *sql = query_text (k, one);
        g_autofree char *name = g_strdup_printf ("%s_%s", one ? "ingredient" : "all",
                                                 query_names[k]);

        ok = explain (db, name, sql, plans, &local_error);
      }
  if (!ok)
    {
      techo_store_propagate_error (error, local_error, "explain the medicines' queries");
      return NULL;
    }
  return g_steal_pointer (&plans);
}

GPtrArray *
techo_store_explain_dispensing_views_sync (TechoStore    *self,
                                           GCancellable  *cancellable,
                                           GError       **error)
{
  return techo_store_run_sync (self, explain_job, NULL, NULL, cancellable, error);
}
