/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-dispensing-views.h: the medication history read a window at
 * a time, for views that show decades of dispensings without holding
 * them: one row per ingredient (its count kept by the store, its newest
 * row found through an index), and pages of dispensings newest first,
 * of one ingredient or of all, fetched by keyset (the date and row of a
 * page's edge) or, for a jump, by offset. Every query uses an index; none
 * reads the whole history (tests/test-store-views.c checks the plans).
 * See docs/store.md. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"

G_BEGIN_DECLS

/* Included from techo-store.h, after TechoStore is declared. */

/* One ingredient: the first 7 characters of the YJ code, else the drug
 * name (TECHO_STORE_INGREDIENT_KEY). */
typedef struct
{
  char *key;
  char *name;    /* the newest row's ingredient name, else its drug name */
  char *newest;  /* YYYY-MM-DD of the newest dispensing; NULL: undated only */
  guint n;       /* dispensings listed (withdrawn and revised rows left out) */
} TechoIngredientSummary;

void techo_ingredient_summary_free (TechoIngredientSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoIngredientSummary, techo_ingredient_summary_free)

/* Where a page starts. */
typedef enum
{
  TECHO_DISPENSING_PAGE_AT,     /* @offset rows from the newest */
  TECHO_DISPENSING_PAGE_OLDER,  /* the rows just older than the edge (date, row) */
  TECHO_DISPENSING_PAGE_NEWER,  /* the rows just newer than the edge */
} TechoDispensingPageAnchor;

typedef struct
{
  GPtrArray *dispensings;  /* TechoDispensing, newest first */
  /* The edges, for the next page by keyset: the date (NULL: an undated
   * row, which sorts after every dated one) and store row of the first
   * (newest) and last (oldest) dispensing. Unset when empty. */
  char *first_date;
  gint64 first_row;
  char *last_date;
  gint64 last_row;
} TechoDispensingPage;

void techo_dispensing_page_free (TechoDispensingPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoDispensingPage, techo_dispensing_page_free)

/* What a query of the medication history asks. Each call reads the
 * fields it names and ignores the others, so a caller fills only those
 * (TechoDispensingQuery q = { .profile_id = id, .limit = 50 }). The
 * strings are copied: the struct may live on the caller's stack. */
typedef struct
{
  gint64 profile_id;
  const char *ingredient_key;        /* NULL: every ingredient */
  TechoDispensingPageAnchor anchor;  /* a page: where it starts */
  const char *edge_date;             /* a page read before: its edge (NULL: undated) */
  gint64 edge_row;
  guint offset;
  guint limit;                       /* rows of a page; of each ingredient for the recent read */
  const char *from;                  /* YYYY-MM-DD, the first day (NULL: open) */
  const char *to;                    /* the last day (NULL: open) */
} TechoDispensingQuery;

/* GPtrArray of TechoIngredientSummary of person @profile_id, newest
 * ingredient first (undated last). */
GPtrArray *techo_store_list_ingredients_sync   (TechoStore          *self,
                                                gint64               profile_id,
                                                GCancellable        *cancellable,
                                                GError             **error);
void       techo_store_list_ingredients_async  (TechoStore          *self,
                                                gint64               profile_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GPtrArray *techo_store_list_ingredients_finish (TechoStore          *self,
                                                GAsyncResult        *result,
                                                GError             **error);

/* Up to @query's limit (1…1000) dispensings of its person, of its
 * ingredient (NULL: every ingredient), newest first, with the notebook's
 * details: anchor AT: from offset rows after the newest; OLDER / NEWER:
 * next to the edge (edge_date, NULL for undated; edge_row) of a page read
 * before. */
TechoDispensingPage *techo_store_list_dispensing_page_sync   (TechoStore                 *self,
                                                              const TechoDispensingQuery *query,
                                                              GCancellable               *cancellable,
                                                              GError                    **error);
void                 techo_store_list_dispensing_page_async  (TechoStore                 *self,
                                                              const TechoDispensingQuery *query,
                                                              GCancellable               *cancellable,
                                                              GAsyncReadyCallback         callback,
                                                              gpointer                    user_data);
TechoDispensingPage *techo_store_list_dispensing_page_finish (TechoStore                 *self,
                                                              GAsyncResult               *result,
                                                              GError                    **error);

/* What a period of dispensings holds, in a few figures (the share
 * dialog's summary before a consent; the disclosure itself gathers the
 * rows). */
typedef struct
{
  guint n;           /* dispensings */
  char *first;       /* the oldest date, NULL when none */
  char *last;        /* the newest date */
  GPtrArray *names;  /* char *: the drug names, each once, newest first */
} TechoDispensingSummary;

void techo_dispensing_summary_free (TechoDispensingSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoDispensingSummary, techo_dispensing_summary_free)

/* Dispensings of @query's person with from <= dispensed_on <= to (either
 * NULL: open), as techo_store_list_dispensings_sync would list them. */
TechoDispensingSummary *techo_store_summarize_dispensings_sync   (TechoStore                 *self,
                                                                  const TechoDispensingQuery *query,
                                                                  GCancellable               *cancellable,
                                                                  GError                    **error);
void                    techo_store_summarize_dispensings_async  (TechoStore                 *self,
                                                                  const TechoDispensingQuery *query,
                                                                  GCancellable               *cancellable,
                                                                  GAsyncReadyCallback         callback,
                                                                  gpointer                    user_data);
TechoDispensingSummary *techo_store_summarize_dispensings_finish (TechoStore                 *self,
                                                                  GAsyncResult               *result,
                                                                  GError                    **error);

/* The recent dispensings the analysis needs, not every line: what is
 * taken now and its days left, duplicate therapy and the 12-month
 * timeline (techo-analysis.h decides what they mean). Of each of
 * @query's person's (0: the first person's) ingredients, dated on or
 * after from: its newest
 * limit (0: TECHO_RECENT_PER_INGREDIENT) dispensings and, when it has
 * more, the chain of dispensings whose supplies cover the days its
 * supplies cover (the first, then the last to start before that supply
 * runs out, …; a supply longer than the next one's may be cut short). The
 * cost grows with the ingredients and the gaps between supplies, not the
 * lines: a person with up to limit dispensings of each ingredient in the
 * period gets every one. A GPtrArray of TechoDispensing, newest first
 * (date, then store row), with the notebook's details. */
#define TECHO_RECENT_PER_INGREDIENT 16
GPtrArray *techo_store_list_recent_dispensings_sync   (TechoStore                 *self,
                                                       const TechoDispensingQuery *query,
                                                       GCancellable               *cancellable,
                                                       GError                    **error);
void       techo_store_list_recent_dispensings_async  (TechoStore                 *self,
                                                       const TechoDispensingQuery *query,
                                                       GCancellable               *cancellable,
                                                       GAsyncReadyCallback         callback,
                                                       gpointer                    user_data);
GPtrArray *techo_store_list_recent_dispensings_finish (TechoStore                 *self,
                                                       GAsyncResult               *result,
                                                       GError                    **error);

/* The app's records: techo_store_read_records_* of @profile_id (0: the
 * first person) with, of the dispensings on or after @dispensed_from, only
 * those techo_store_list_recent_dispensings_* reads (complete is FALSE).
 * Two jobs queued together on the store's thread: one hop back. */
TechoRecordSet *techo_store_read_recent_records_sync   (TechoStore          *self,
                                                        gint64               profile_id,
                                                        const char          *dispensed_from,
                                                        GCancellable        *cancellable,
                                                        GError             **error);
void            techo_store_read_recent_records_async  (TechoStore          *self,
                                                        gint64               profile_id,
                                                        const char          *dispensed_from,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
TechoRecordSet *techo_store_read_recent_records_finish (TechoStore          *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* EXPLAIN QUERY PLAN of every query the views run on dispensings (these
 * and the app's recent read): a GPtrArray of strings "name: detail; …",
 * one per query, for tests and `techo-bench scale`. */
GPtrArray *techo_store_explain_dispensing_views_sync (TechoStore    *self,
                                                      GCancellable  *cancellable,
                                                      GError       **error);

G_END_DECLS
