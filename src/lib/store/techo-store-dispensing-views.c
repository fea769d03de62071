/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The medication history a window at a time: one row per ingredient from
 * dispensing_ingredients (counted by the writers that insert, schema v12;
 * by triggers on update and delete) and pages of
 * dispensings by keyset on (dispensed_on, row_id) through the
 * dispensings_by_ingredient and dispensings_by_date indexes. Every *_job
 * runs on the store thread. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <stdio.h>
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
/* The first person, as techo_store_read_records_* takes person 0. */
#define SQL_FIRST_PERSON "SELECT id FROM profiles ORDER BY id LIMIT 1"
#define SQL_NEWEST \
  "SELECT dispensed_on, ingredient_name, drug_name FROM dispensings WHERE " SCOPE_ONE \
  " ORDER BY dispensed_on DESC, row_id DESC LIMIT 1"

/* The recent read, per ingredient: ?1 the person, ?2 the ingredient, ?3
 * the first day, ?4 the day after a span, ?5 the limit. */
#define SQL_RECENT_NEWEST \
  "SELECT " COLUMNS " FROM dispensings WHERE " SCOPE_ONE " AND dispensed_on >= ?3" \
  " AND ?4 IS ?4 ORDER BY dispensed_on DESC, row_id DESC LIMIT ?5"
#define SQL_CHAIN_NEXT \
  "SELECT " COLUMNS " FROM dispensings WHERE " SCOPE_ONE " AND dispensed_on >= ?3" \
  " AND ?4 IS ?4 ORDER BY dispensed_on, row_id LIMIT ?5"
#define SQL_CHAIN_LAST \
  "SELECT " COLUMNS " FROM dispensings WHERE " SCOPE_ONE " AND dispensed_on >= ?3" \
  " AND dispensed_on < ?4 ORDER BY dispensed_on DESC, row_id DESC LIMIT ?5"

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

/* A TechoDispensingQuery with its strings owned, for the store's
 * thread. */
typedef struct
{
  gint64 profile_id;
  char *key;
  TechoDispensingPageAnchor anchor;
  char *edge_date;
  gint64 edge_row;
  guint offset;
  guint limit;
  char *from;
  char *to;
} PageQuery;

static void
page_query_free (PageQuery *q)
{
  g_free (q->key);
  g_free (q->edge_date);
  g_free (q->from);
  g_free (q->to);
  g_free (q);
}

static PageQuery *
page_query_new (const TechoDispensingQuery *query)
{
  PageQuery *q = g_new0 (PageQuery, 1);

  q->profile_id = query->profile_id;
  q->key = g_strdup (query->ingredient_key);
  q->anchor = query->anchor;
  q->edge_date = g_strdup (query->edge_date);
  q->edge_row = query->edge_row;
  q->offset = query->offset;
  q->limit = query->limit;
  q->from = g_strdup (query->from);
  q->to = g_strdup (query->to);
  return q;
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

TechoDispensingPage *
techo_store_list_dispensing_page_sync (TechoStore                 *self,
                                       const TechoDispensingQuery *query,
                                       GCancellable               *cancellable,
                                       GError                    **error)
{
  return techo_store_run_sync (self, list_page_job, page_query_new (query),
                               (GDestroyNotify) page_query_free, cancellable, error);
}

void
techo_store_list_dispensing_page_async (TechoStore                 *self,
                                        const TechoDispensingQuery *query,
                                        GCancellable               *cancellable,
                                        GAsyncReadyCallback         callback,
                                        gpointer                    user_data)
{
  techo_store_run_async (self, list_page_job, page_query_new (query),
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
  if (q->from != NULL)
    g_string_append (where, " AND dispensed_on >= ?2");
  if (q->to != NULL)
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
          techo_sqlite_bind_text (both[i], 2, q->from);
          techo_sqlite_bind_text (both[i], 3, q->to);
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

TechoDispensingSummary *
techo_store_summarize_dispensings_sync (TechoStore                 *self,
                                        const TechoDispensingQuery *query,
                                        GCancellable               *cancellable,
                                        GError                    **error)
{
  return techo_store_run_sync (self, summarize_job, page_query_new (query),
                               (GDestroyNotify) page_query_free, cancellable, error);
}

void
techo_store_summarize_dispensings_async (TechoStore                 *self,
                                         const TechoDispensingQuery *query,
                                         GCancellable               *cancellable,
                                         GAsyncReadyCallback         callback,
                                         gpointer                    user_data)
{
  techo_store_run_async (self, summarize_job, page_query_new (query),
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

/* ---- what the analysis needs of the recent period ------------------------ */

typedef struct
{
  TechoDispensing *dispensing;
  gint64 row;
} RecentRow;

static int
compare_recent_rows (gconstpointer a,
                     gconstpointer b)
{
  const RecentRow *x = a;
  const RecentRow *y = b;
  int by_date = -g_strcmp0 (x->dispensing->dispensed_on, y->dispensing->dispensed_on);

  if (by_date != 0)
    return by_date;
  return x->row < y->row ? 1 : x->row > y->row ? -1 : 0;
}

/* Runs @s (bound but for ?3 ?4 ?5) and keeps the rows @seen has not. */
static gboolean
collect_recent (TechoSqliteStatement  *s,
                const char            *from,
                const char            *before,
                guint                  limit,
                GArray                *rows,
                GHashTable            *seen,
                guint                 *out_n,
                char                 **out_date,
                int                   *out_days,
                GError               **error)
{
  GError *local_error = NULL;
  guint n = 0;

  if (out_date != NULL)
    g_clear_pointer (out_date, g_free);

  techo_sqlite_bind_text (s, 3, from);
  techo_sqlite_bind_text (s, 4, before);
  techo_sqlite_bind_int64 (s, 5, limit);
  while (techo_sqlite_step (s, &local_error))
    {
      gint64 row = techo_sqlite_column_int64 (s, ROW_COLUMN);
      RecentRow r;

      n++;
      if (out_date != NULL)
        {
          g_free (*out_date);
          *out_date = techo_sqlite_column_dup_text (s, 3);   /* dispensed_on */
          *out_days = (int) techo_sqlite_column_int64 (s, 18); /* days */
        }
      if (g_hash_table_contains (seen, &row))
        continue;
      r.dispensing = techo_store_read_dispensing (s);
      r.row = row;
      g_array_append_val (rows, r);
      g_hash_table_add (seen, g_memdup2 (&row, sizeof row));
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (out_n != NULL)
    *out_n = n;
  return TRUE;
}

static char *
date_after (const char *date,
            guint       days)
{
  GDate d;
  char text[16];
  guint year, month, day;

  /* YYYY-MM-DD, as the store keeps dates. */
  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-'
      || sscanf (date, "%4u-%2u-%2u", &year, &month, &day) != 3
      || !g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    return NULL;
  g_date_clear (&d, 1);
  g_date_set_dmy (&d, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  g_date_add_days (&d, days);
  g_snprintf (text, sizeof text, "%04u-%02u-%02u", g_date_get_year (&d), g_date_get_month (&d),
              g_date_get_day (&d));
  return g_strdup (text);
}

static void
recent_row_clear (RecentRow *r)
{
  g_clear_pointer (&r->dispensing, techo_dispensing_free);
}

static gpointer
list_recent_job (TechoStore    *self,
                 TechoSqlite   *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  PageQuery *q = data;
  guint limit = q->limit > 0 ? MIN (q->limit, MAX_PAGE_ROWS) : TECHO_RECENT_PER_INGREDIENT;
  const char *from = q->from != NULL ? q->from : "";
  g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (RecentRow));
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(TechoSqliteStatement) ingredients = NULL;
  g_autoptr(GPtrArray) list = NULL;
  GError *local_error = NULL;
  gboolean ok = TRUE;

  g_array_set_clear_func (rows, (GDestroyNotify) recent_row_clear);
  /* Person 0: the first, as techo_store_read_records_* takes it. */
  if (q->profile_id == 0)
    {
      g_autoptr(TechoSqliteStatement) first = techo_sqlite_prepare (db, SQL_FIRST_PERSON,
                                                                    &local_error);

      if (first != NULL && techo_sqlite_step (first, &local_error))
        q->profile_id = techo_sqlite_column_int64 (first, 0);
    }
  /* The person's ingredients, kept by the store (a read per ingredient). */
  if (local_error == NULL)
    ingredients = techo_sqlite_prepare_cached (db, SQL_INGREDIENTS, &local_error);
  if (ingredients != NULL)
    {
      techo_sqlite_bind_int64 (ingredients, 1, q->profile_id);
      while (techo_sqlite_step (ingredients, &local_error))
        g_ptr_array_add (keys, techo_sqlite_column_dup_text (ingredients, 0));
    }
  ok = local_error == NULL;
  for (guint k = 0; ok && k < keys->len; k++)
    {
      const char *key = g_ptr_array_index (keys, k);
      g_autoptr(TechoSqliteStatement) newest = NULL;
      g_autoptr(TechoSqliteStatement) next = NULL;
      g_autoptr(TechoSqliteStatement) last = NULL;
      g_autofree char *cursor = NULL;
      g_autofree char *in_hand = NULL;
      gboolean reached = FALSE;
      guint n = 0;

      if ((newest = techo_sqlite_prepare_cached (db, SQL_RECENT_NEWEST, &local_error)) == NULL)
        break;
      techo_sqlite_bind_int64 (newest, 1, q->profile_id);
      techo_sqlite_bind_text (newest, 2, key);
      if (!(ok = collect_recent (newest, from, NULL, limit, rows, seen, &n, NULL, NULL,
                                 &local_error)))
        break;
      /* Fewer than asked for: every one of the period is in hand. Else
       * every one from the oldest of those on. */
      if (n < limit || rows->len == 0)
        continue;
      in_hand = g_strdup (g_array_index (rows, RecentRow, rows->len - 1).dispensing->dispensed_on);
      if ((next = techo_sqlite_prepare_cached (db, SQL_CHAIN_NEXT, &local_error)) == NULL
          || (last = techo_sqlite_prepare_cached (db, SQL_CHAIN_LAST, &local_error)) == NULL)
        break;
      /* Else the chain of supplies that covers its days: from a day on,
       * the first dispensing, then again and again the last one that
       * starts before the supply in hand runs out, while that reaches
       * further; then the first after the gap; up to the rows in hand. A
       * seek a link, so decades of daily lines cost a few reads a month. */
      cursor = g_strdup (from);
      while (ok && !reached)
        {
          g_autofree char *date = NULL;
          g_autofree char *end = NULL;
          int days = 0;

          ok = techo_sqlite_statement_reset (next, &local_error);
          if (!ok)
            break;
          techo_sqlite_bind_int64 (next, 1, q->profile_id);
          techo_sqlite_bind_text (next, 2, key);
          ok = collect_recent (next, cursor, NULL, 1, rows, seen, NULL, &date, &days,
                               &local_error);
          if (!ok || date == NULL || g_strcmp0 (date, in_hand) >= 0
              || (end = date_after (date, MAX (days, 1))) == NULL)
            break;
          while (ok)
            {
              g_autofree char *last_date = NULL;
              g_autofree char *last_end = NULL;
              int last_days = 0;

              ok = techo_sqlite_statement_reset (last, &local_error);
              if (!ok)
                break;
              techo_sqlite_bind_int64 (last, 1, q->profile_id);
              techo_sqlite_bind_text (last, 2, key);
              ok = collect_recent (last, date, end, 1, rows, seen, NULL, &last_date, &last_days,
                                   &local_error);
              if (!ok || last_date == NULL
                  || (last_end = date_after (last_date, MAX (last_days, 1))) == NULL
                  || strcmp (last_end, end) <= 0)
                break;
              if (g_strcmp0 (last_date, in_hand) >= 0)
                {
                  reached = TRUE;
                  break;
                }
              g_free (date);
              date = g_steal_pointer (&last_date);
              g_free (end);
              end = g_steal_pointer (&last_end);
            }
          g_free (cursor);
          cursor = g_steal_pointer (&end);
        }
      if (ok && g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        ok = FALSE;
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, local_error, "list the medicines");
      return NULL;
    }
  g_array_sort (rows, compare_recent_rows);
  list = g_ptr_array_new_full (rows->len, (GDestroyNotify) techo_dispensing_free);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (list, g_steal_pointer (&g_array_index (rows, RecentRow, i).dispensing));
  if (!techo_store_notebook_load_details (self, db, q->profile_id, list, cancellable, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&list);
}

GPtrArray *
techo_store_list_recent_dispensings_sync (TechoStore                 *self,
                                          const TechoDispensingQuery *query,
                                          GCancellable               *cancellable,
                                          GError                    **error)
{
  return techo_store_run_sync (self, list_recent_job, page_query_new (query),
                               (GDestroyNotify) page_query_free, cancellable, error);
}

void
techo_store_list_recent_dispensings_async (TechoStore                 *self,
                                           const TechoDispensingQuery *query,
                                           GCancellable               *cancellable,
                                           GAsyncReadyCallback         callback,
                                           gpointer                    user_data)
{
  techo_store_run_async (self, list_recent_job, page_query_new (query),
                         (GDestroyNotify) page_query_free, (GDestroyNotify) g_ptr_array_unref,
                         techo_store_list_recent_dispensings_async, cancellable, callback,
                         user_data);
}

GPtrArray *
techo_store_list_recent_dispensings_finish (TechoStore    *self,
                                            GAsyncResult  *result,
                                            GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_recent_dispensings_async, error);
}

/* ---- the app's records ------------------------------------------------------ */

/* Read with a first day past any date: the set's other records whole,
 * no dispensing (the recent read adds those the analysis needs). */
#define NO_DISPENSINGS "9999-99-99"

static TechoRecordSet *
with_recent (TechoRecordSet *set,
             GPtrArray      *dispensings)
{
  g_ptr_array_unref (set->dispensings);
  set->dispensings = dispensings;
  set->complete = FALSE;
  return set;
}

TechoRecordSet *
techo_store_read_recent_records_sync (TechoStore    *self,
                                      gint64         profile_id,
                                      const char    *dispensed_from,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  g_autoptr(TechoRecordSet) set = NULL;
  TechoDispensingQuery query = { 0 };
  GPtrArray *recent;

  set = techo_store_read_records_sync (self, profile_id, NO_DISPENSINGS, cancellable, error);
  if (set == NULL || set->profile == NULL)
    return g_steal_pointer (&set);
  query.profile_id = profile_id;
  query.from = dispensed_from;
  recent = techo_store_list_recent_dispensings_sync (self, &query, cancellable, error);
  if (recent == NULL)
    return NULL;
  return with_recent (g_steal_pointer (&set), recent);
}

/* Both jobs are queued at once (the store's thread runs them back to
 * back, so the set is ready after one hop to the caller's thread, not
 * two); the set waits for the dispensings. */
typedef struct
{
  TechoRecordSet *set;
  GPtrArray *recent;
  GError *error;
  guint pending;
} RecentRead;

static void
recent_read_free (RecentRead *read)
{
  g_clear_pointer (&read->set, techo_record_set_unref);
  g_clear_pointer (&read->recent, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_free (read);
}

static void
recent_read_done (GTask *task)
{
  RecentRead *read = g_task_get_task_data (task);

  if (--read->pending > 0)
    return;
  if (read->error != NULL)
    g_task_return_error (task, g_steal_pointer (&read->error));
  else
    g_task_return_pointer (task, with_recent (g_steal_pointer (&read->set),
                                              g_steal_pointer (&read->recent)),
                           (GDestroyNotify) techo_record_set_unref);
}

static void
recent_listed_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecentRead *read = g_task_get_task_data (task);
  GError *error = NULL;

  read->recent = techo_store_list_recent_dispensings_finish (TECHO_STORE (source), result, &error);
  if (read->recent == NULL && read->error == NULL)
    read->error = error;
  else
    g_clear_error (&error);
  recent_read_done (task);
}

static void
recent_records_read_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RecentRead *read = g_task_get_task_data (task);
  GError *error = NULL;

  read->set = techo_store_read_records_finish (TECHO_STORE (source), result, &error);
  if (read->set == NULL)
    {
      g_clear_error (&read->error);
      read->error = error;
    }
  recent_read_done (task);
}

void
techo_store_read_recent_records_async (TechoStore          *self,
                                       gint64               profile_id,
                                       const char          *dispensed_from,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  RecentRead *read = g_new0 (RecentRead, 1);
  TechoDispensingQuery query = { .profile_id = profile_id, .from = dispensed_from };

  g_task_set_source_tag (task, techo_store_read_recent_records_async);
  read->pending = 2;
  g_task_set_task_data (task, read, (GDestroyNotify) recent_read_free);
  techo_store_read_records_async (self, profile_id, NO_DISPENSINGS, cancellable,
                                  recent_records_read_cb, g_object_ref (task));
  techo_store_list_recent_dispensings_async (self, &query, cancellable, recent_listed_cb,
                                             g_object_ref (task));
}

TechoRecordSet *
techo_store_read_recent_records_finish (TechoStore    *self,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == techo_store_read_recent_records_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
                   " ORDER BY dispensed_on DESC, row_id DESC", plans, &local_error)
       && explain (db, "recent_newest", SQL_RECENT_NEWEST, plans, &local_error)
       && explain (db, "recent_chain_next", SQL_CHAIN_NEXT, plans, &local_error)
       && explain (db, "recent_chain_last", SQL_CHAIN_LAST, plans, &local_error);
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
