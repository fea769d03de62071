/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sync"

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-sync.h"

/* A result that keeps expiring is given up after this many new requests. */
#define MAX_RESTARTS 3
/* Documents owed are kept in the sync state; cap their number. */
#define MAX_PENDING_DOCUMENTS 1000

struct _TechoSync
{
  GObject parent_instance;

  TechoStore *store;
  TechoPortalClient *client;
  gint64 profile_id;
  char *today_month;
  char *earliest_month;
  gboolean fetch_documents;
  TechoSyncProgressFunc progress_func;
  gpointer progress_data;
  GDestroyNotify progress_destroy;
};

G_DEFINE_FINAL_TYPE (TechoSync, techo_sync, G_TYPE_OBJECT)

enum
{
  SIGNAL_PROGRESS,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The sync state of one category, as kept in the store. */
typedef struct
{
  char *watermark;       /* YYYYMM fully fetched, NULL before the first sync */
  char *from;            /* the running request's range, NULL when idle */
  char *to;
  char *process_id;
  char *cursor;          /* next page; NULL: first page */
  GPtrArray *documents;  /* "id\npath" strings owed, of the last page */
} SyncState;

static void
sync_state_clear (SyncState *state)
{
  g_clear_pointer (&state->watermark, g_free);
  g_clear_pointer (&state->from, g_free);
  g_clear_pointer (&state->to, g_free);
  g_clear_pointer (&state->process_id, g_free);
  g_clear_pointer (&state->cursor, g_free);
  g_clear_pointer (&state->documents, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SyncState, sync_state_clear)

static gboolean
is_month (const char *text)
{
  int month;

  if (text == NULL || strlen (text) != 6)
    return FALSE;
  for (int i = 0; i < 6; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  month = (text[4] - '0') * 10 + (text[5] - '0');
  return month >= 1 && month <= 12;
}

static int
month_index (const char *yyyymm)
{
  int year = 0;

  for (int i = 0; i < 4; i++)
    year = year * 10 + (yyyymm[i] - '0');
  return year * 12 + (yyyymm[4] - '0') * 10 + (yyyymm[5] - '0') - 1;
}

static char *
month_string (int index)
{
  if (index < 0)
    index = 0;
  return g_strdup_printf ("%04d%02d", index / 12, index % 12 + 1);
}

static gboolean
sync_state_parse (const char  *json,
                  SyncState   *state,
                  GError     **error)
{
  g_autoptr(JsonObject) object = NULL;
  JsonArray *documents;

  memset (state, 0, sizeof *state);
  state->documents = g_ptr_array_new_with_free_func (g_free);
  if (json == NULL)
    return TRUE;
  object = techo_json_parse_object_bounded (json, strlen (json), NULL, error);
  if (object == NULL)
    return FALSE;
  state->watermark = g_strdup (techo_json_get_string (object, "watermark"));
  state->from = g_strdup (techo_json_get_string (object, "from"));
  state->to = g_strdup (techo_json_get_string (object, "to"));
  state->process_id = g_strdup (techo_json_get_string (object, "process_id"));
  state->cursor = g_strdup (techo_json_get_string (object, "cursor"));
  documents = techo_json_get_array (object, "documents");
  for (guint i = 0; documents != NULL && i < json_array_get_length (documents) &&
                    i < MAX_PENDING_DOCUMENTS; i++)
    {
      JsonNode *node = json_array_get_element (documents, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (state->documents, g_strdup (json_node_get_string (node)));
    }
  /* A state from a damaged or older writer: start the request over. */
  if (state->watermark != NULL && !is_month (state->watermark))
    g_clear_pointer (&state->watermark, g_free);
  if (state->process_id == NULL || !is_month (state->from) || !is_month (state->to))
    {
      g_clear_pointer (&state->from, g_free);
      g_clear_pointer (&state->to, g_free);
      g_clear_pointer (&state->process_id, g_free);
      g_clear_pointer (&state->cursor, g_free);
    }
  return TRUE;
}

static char *
sync_state_to_json (const SyncState *state)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "watermark", state->watermark);
  techo_json_builder_add_string (builder, "from", state->from);
  techo_json_builder_add_string (builder, "to", state->to);
  techo_json_builder_add_string (builder, "process_id", state->process_id);
  techo_json_builder_add_string (builder, "cursor", state->cursor);
  if (state->documents != NULL && state->documents->len > 0)
    {
      json_builder_set_member_name (builder, "documents");
      json_builder_begin_array (builder);
      for (guint i = 0; i < state->documents->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (state->documents, i));
      json_builder_end_array (builder);
    }
  json_builder_end_object (builder);
  return techo_json_builder_to_string (builder);
}

static void
report (TechoSync               *self,
        const TechoSyncProgress *progress)
{
  if (self->progress_func != NULL)
    self->progress_func (progress, self->progress_data);
}

static GPtrArray *
empty_records (TechoCategory category)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
    case TECHO_CATEGORY_MEDICATION:
      return g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
    case TECHO_CATEGORY_SCREENING:
    case TECHO_N_CATEGORIES:
    default:
      return g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
    }
}

/* Fetches and stores the documents @state still owes, then writes the
 * state without them. */
static gboolean
settle_documents (TechoSync          *self,
                  TechoCategory       category,
                  SyncState          *state,
                  TechoSyncProgress  *progress,
                  GCancellable       *cancellable,
                  GError            **error)
{
  g_autoptr(GPtrArray) none = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) local_error = NULL;

  if (state->documents == NULL || state->documents->len == 0)
    return TRUE;
  for (guint i = 0; i < state->documents->len; i++)
    {
      const char *entry = g_ptr_array_index (state->documents, i);
      const char *newline = strchr (entry, '\n');
      g_autofree char *id = NULL;
      g_autoptr(GBytes) document = NULL;

      if (newline == NULL)
        continue;
      id = g_strndup (entry, newline - entry);
      document = techo_portal_client_fetch_document (self->client, newline + 1, cancellable,
                                                     &local_error);
      if (document == NULL &&
          g_error_matches (local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NOT_FOUND))
        {
          /* A checkup without its file is still a checkup: keep going
           * rather than owe this document forever. */
          g_debug ("a checkup document is missing at the portal; skipped");
          g_clear_error (&local_error);
          continue;
        }
      if (document == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!techo_store_save_document_sync (self->store, self->profile_id, id, document,
                                           cancellable, error))
        return FALSE;
      progress->documents++;
    }
  g_ptr_array_set_size (state->documents, 0);
  none = empty_records (category);
  json = sync_state_to_json (state);
  return techo_store_upsert_page_sync (self->store, self->profile_id, category, none, json,
                                       cancellable, error);
}

static void
collect_documents (GPtrArray *records,
                   SyncState *state)
{
  for (guint i = 0; i < records->len; i++)
    {
      TechoCheckup *checkup = g_ptr_array_index (records, i);

      if (checkup->withdrawn || checkup->document == NULL || checkup->id == NULL ||
          state->documents->len >= MAX_PENDING_DOCUMENTS)
        continue;
      g_ptr_array_add (state->documents, g_strconcat (checkup->id, "\n", checkup->document, NULL));
    }
}

/* ---- the pipeline ------------------------------------------------------ */

/* Pages fetched (and parsed) ahead of the store, at most this many. With
 * the page being stored and the one being fetched, at most
 * MAX_PAGES_AHEAD + 2 pages are in memory at once. */
#define MAX_PAGES_AHEAD 2

/* The fetch side of a category's sync: a thread that fetches and parses
 * the pages of one request in order, from a cursor, into a bounded queue
 * that the store side (the syncing thread) empties. It stops after the
 * last page, at its first error (which the store side sees once it has
 * taken every page fetched before it), or when the store side stops it. */
typedef struct
{
  TechoPortalClient *client;
  TechoCategory category;
  char *process_id;
  char *cursor;               /* the next page to fetch; the fetch thread's */
  GCancellable *cancellable;  /* ours: the caller's cancels it too */
  GCancellable *caller_cancellable;
  gulong cancelled_id;
  GThread *thread;

  GMutex lock;
  GCond changed;
  GQueue pages;               /* TechoPortalPage *, in order */
  GError *error;              /* the fetch side's failure, after pages */
  gboolean done;              /* the last page is queued, or it failed */
  gboolean stop;              /* the store side wants no more */
} Fetcher;

static void
fetcher_cancelled_cb (GCancellable *caller,
                      gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

static gpointer
fetcher_thread (gpointer data)
{
  Fetcher *f = data;

  for (;;)
    {
      TechoPortalPage *page;
      GError *error = NULL;
      gboolean last;

      g_mutex_lock (&f->lock);
      while (!f->stop && g_queue_get_length (&f->pages) >= MAX_PAGES_AHEAD)
        g_cond_wait (&f->changed, &f->lock);
      if (f->stop)
        {
          f->done = TRUE;
          g_mutex_unlock (&f->lock);
          break;
        }
      g_mutex_unlock (&f->lock);

      page = techo_portal_client_fetch_page (f->client, f->category, f->process_id, f->cursor,
                                             f->cancellable, &error);

      g_mutex_lock (&f->lock);
      if (page == NULL)
        {
          f->error = error;
          f->done = TRUE;
          g_cond_broadcast (&f->changed);
          g_mutex_unlock (&f->lock);
          break;
        }
      g_free (f->cursor);
      f->cursor = g_strdup (page->next_cursor);
      last = page->next_cursor == NULL;
      g_queue_push_tail (&f->pages, page);
      f->done = last;
      g_cond_broadcast (&f->changed);
      g_mutex_unlock (&f->lock);
      if (last)
        break;
    }
  return NULL;
}

/* Starts fetching @process_id's pages from @cursor (NULL: the first). */
static Fetcher *
fetcher_start (TechoPortalClient *client,
               TechoCategory      category,
               const char        *process_id,
               const char        *cursor,
               GCancellable      *cancellable)
{
  Fetcher *f = g_new0 (Fetcher, 1);

  f->client = g_object_ref (client);
  f->category = category;
  f->process_id = g_strdup (process_id);
  f->cursor = g_strdup (cursor);
  f->cancellable = g_cancellable_new ();
  g_mutex_init (&f->lock);
  g_cond_init (&f->changed);
  g_queue_init (&f->pages);
  if (cancellable != NULL)
    {
      f->caller_cancellable = g_object_ref (cancellable);
      f->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (fetcher_cancelled_cb),
                                               f->cancellable, NULL);
    }
  f->thread = g_thread_new ("techo-fetch", fetcher_thread, f);
  return f;
}

/* The next page in order, waiting for it; NULL with the fetch side's
 * error once every page fetched before the error has been taken. */
static TechoPortalPage *
fetcher_next (Fetcher  *f,
              GError  **error)
{
  TechoPortalPage *page = NULL;

  g_mutex_lock (&f->lock);
  while (g_queue_is_empty (&f->pages) && !f->done)
    g_cond_wait (&f->changed, &f->lock);
  page = g_queue_pop_head (&f->pages);
  if (page != NULL)
    g_cond_broadcast (&f->changed);
  else if (f->error != NULL)
    g_propagate_error (error, g_steal_pointer (&f->error));
  else
    g_set_error_literal (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                         "The portal's pages ended before the last one.");
  g_mutex_unlock (&f->lock);
  return page;
}

/* Stops the fetch side (an HTTP exchange under way is cancelled) and
 * drops what it fetched and nobody stored. */
static void
fetcher_stop (Fetcher *f)
{
  if (f == NULL)
    return;
  g_mutex_lock (&f->lock);
  f->stop = TRUE;
  g_cond_broadcast (&f->changed);
  g_mutex_unlock (&f->lock);
  g_cancellable_cancel (f->cancellable);
  g_thread_join (f->thread);

  if (f->caller_cancellable != NULL)
    {
      g_cancellable_disconnect (f->caller_cancellable, f->cancelled_id);
      g_object_unref (f->caller_cancellable);
    }
  g_queue_clear_full (&f->pages, (GDestroyNotify) techo_portal_page_free);
  g_clear_error (&f->error);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->changed);
  g_object_unref (f->cancellable);
  g_object_unref (f->client);
  g_free (f->process_id);
  g_free (f->cursor);
  g_free (f);
}

static gboolean
sync_category (TechoSync          *self,
               TechoCategory       category,
               TechoSyncProgress  *progress,
               GCancellable       *cancellable,
               GError            **error)
{
  g_auto(SyncState) state = { 0 };
  g_autofree char *json = NULL;
  g_autoptr(GError) local_error = NULL;
  guint restarts = 0;
  Fetcher *fetcher = NULL;

  memset (progress, 0, sizeof *progress);
  progress->category = category;

  json = techo_store_get_sync_state_sync (self->store, self->profile_id, category,
                                          cancellable, error);
  if (json == NULL && error != NULL && *error != NULL)
    return FALSE;
  if (!sync_state_parse (json, &state, &local_error))
    {
      g_debug ("unreadable sync state for %s; starting over: %s",
               techo_category_to_string (category), local_error->message);
      g_clear_error (&local_error);
      sync_state_clear (&state);
      sync_state_parse (NULL, &state, NULL);
    }

  /* A killed run may owe documents of its last page. */
  if (self->fetch_documents && !settle_documents (self, category, &state, progress,
                                                  cancellable, error))
    return FALSE;

  if (state.process_id == NULL)
    {
      int from = state.watermark != NULL
                 ? month_index (state.watermark) - TECHO_SYNC_REREAD_MONTHS
                 : month_index (self->earliest_month);

      from = MAX (from, month_index (self->earliest_month));
      from = MIN (from, month_index (self->today_month));
      state.from = month_string (from);
      state.to = g_strdup (self->today_month);
    }

  for (;;)
    {
      g_autoptr(TechoPortalPage) page = NULL;
      guint changed = 0;

      if (state.process_id == NULL)
        {
          g_clear_pointer (&state.cursor, g_free);
          state.process_id = techo_portal_client_request (self->client, category, state.from,
                                                          state.to, cancellable, error);
          if (state.process_id == NULL)
            return FALSE;
          if (!techo_portal_client_wait (self->client, state.process_id, NULL, cancellable,
                                         &local_error))
            goto request_failed;
        }

      /* The fetch side runs ahead from the stored cursor; this side
       * stores the pages in order, each with the state that follows it. */
      if (fetcher == NULL)
        fetcher = fetcher_start (self->client, category, state.process_id, state.cursor,
                                 cancellable);
      page = fetcher_next (fetcher, &local_error);
      if (page == NULL)
        goto request_failed;

      g_clear_pointer (&state.cursor, g_free);
      state.cursor = g_strdup (page->next_cursor);
      if (page->next_cursor == NULL)
        {
          /* The last page: the range is done, and its end the watermark. */
          g_free (state.watermark);
          state.watermark = g_strdup (state.to);
          g_clear_pointer (&state.from, g_free);
          g_clear_pointer (&state.to, g_free);
          g_clear_pointer (&state.process_id, g_free);
        }
      if (category == TECHO_CATEGORY_CHECKUP && self->fetch_documents)
        collect_documents (page->records, &state);

      g_clear_pointer (&json, g_free);
      json = sync_state_to_json (&state);
      if (!techo_store_upsert_page_counted_sync (self->store, self->profile_id, category,
                                                 page->records, json, &changed, cancellable,
                                                 error))
        {
          g_clear_pointer (&fetcher, fetcher_stop);
          return FALSE;
        }
      progress->pages++;
      progress->records += page->records->len;
      progress->changed += changed;

      if (self->fetch_documents && !settle_documents (self, category, &state, progress,
                                                      cancellable, error))
        {
          g_clear_pointer (&fetcher, fetcher_stop);
          return FALSE;
        }
      report (self, progress);

      if (state.process_id == NULL)
        break;
      continue;

request_failed:
      g_clear_pointer (&fetcher, fetcher_stop);
      if (g_error_matches (local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_EXPIRED) &&
          restarts < MAX_RESTARTS)
        {
          /* Ask again for the same range; pages already stored are
           * re-read, which changes nothing. */
          g_debug ("%s: %s; requesting again", techo_category_to_string (category),
                   local_error->message);
          g_clear_error (&local_error);
          g_clear_pointer (&state.process_id, g_free);
          restarts++;
          continue;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  g_clear_pointer (&fetcher, fetcher_stop);
  progress->finished = TRUE;
  report (self, progress);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
techo_sync_finalize (GObject *object)
{
  TechoSync *self = (TechoSync *) object;

  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_free (self->today_month);
  g_free (self->earliest_month);
  G_OBJECT_CLASS (techo_sync_parent_class)->finalize (object);
}

static void
techo_sync_class_init (TechoSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_sync_finalize;

  /* TechoSync::progress: (const TechoSyncProgress *) progress. */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_POINTER);
}

static void
techo_sync_init (TechoSync *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  self->today_month = g_date_time_format (now, "%Y%m");
  self->earliest_month = g_strdup ("190001");
  self->fetch_documents = TRUE;
}

/* ---- Public API ---------------------------------------------------------- */

TechoSync *
techo_sync_new (TechoStore        *store,
                TechoPortalClient *client,
                gint64             profile_id)
{
  TechoSync *self = g_object_new (TECHO_TYPE_SYNC, NULL);

  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->profile_id = profile_id;
  return self;
}

void
techo_sync_set_today_month (TechoSync  *self,
                            const char *yyyymm)
{
  g_return_if_fail (is_month (yyyymm));
  g_free (self->today_month);
  self->today_month = g_strdup (yyyymm);
}

void
techo_sync_set_earliest_month (TechoSync  *self,
                               const char *yyyymm)
{
  g_return_if_fail (is_month (yyyymm));
  g_free (self->earliest_month);
  self->earliest_month = g_strdup (yyyymm);
}

void
techo_sync_set_fetch_documents (TechoSync *self,
                                gboolean   fetch)
{
  self->fetch_documents = fetch;
}

void
techo_sync_set_progress_func (TechoSync             *self,
                              TechoSyncProgressFunc  func,
                              gpointer               user_data,
                              GDestroyNotify         destroy)
{
  if (self->progress_destroy != NULL)
    self->progress_destroy (self->progress_data);
  self->progress_func = func;
  self->progress_data = user_data;
  self->progress_destroy = destroy;
}

gboolean
techo_sync_run_sync (TechoSync          *self,
                     guint               categories,
                     TechoSyncProgress  *out_progress,
                     GCancellable       *cancellable,
                     GError            **error)
{
  g_return_val_if_fail (TECHO_IS_SYNC (self), FALSE);

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      TechoSyncProgress progress = { 0 };
      gboolean ok;

      if ((categories & (1u << c)) == 0)
        continue;
      ok = sync_category (self, (TechoCategory) c, &progress, cancellable, error);
      if (out_progress != NULL)
        out_progress[c] = progress;
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  TechoSync *sync;
  TechoSyncProgress progress;
} ProgressEmission;

static gboolean
emit_progress_cb (gpointer user_data)
{
  ProgressEmission *emission = user_data;

  g_signal_emit (emission->sync, signals[SIGNAL_PROGRESS], 0, &emission->progress);
  g_object_unref (emission->sync);
  g_free (emission);
  return G_SOURCE_REMOVE;
}

static void
thread_progress_cb (const TechoSyncProgress *progress,
                    gpointer                 user_data)
{
  GTask *task = user_data;
  ProgressEmission *emission = g_new0 (ProgressEmission, 1);

  emission->sync = g_object_ref (g_task_get_source_object (task));
  emission->progress = *progress;
  g_main_context_invoke (g_task_get_context (task), emit_progress_cb, emission);
}

static void
run_thread_cb (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TechoSync *self = source_object;
  guint categories = GPOINTER_TO_UINT (task_data);
  g_autoptr(GError) error = NULL;
  TechoSyncProgressFunc saved_func = self->progress_func;
  gpointer saved_data = self->progress_data;

  self->progress_func = thread_progress_cb;
  self->progress_data = task;
  if (techo_sync_run_sync (self, categories, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
  self->progress_func = saved_func;
  self->progress_data = saved_data;
}

void
techo_sync_run_async (TechoSync           *self,
                      guint                categories,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, techo_sync_run_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (categories), NULL);
  g_task_run_in_thread (task, run_thread_cb);
}

gboolean
techo_sync_run_finish (TechoSync     *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The record categories named in a granted scope. */
static guint
granted_from_scope (const char *scope)
{
  g_auto(GStrv) words = g_strsplit (scope != NULL ? scope : "", " ", 64);
  guint granted = 0;

  for (guint i = 0; words[i] != NULL; i++)
    {
      TechoCategory category;

      if (techo_category_from_string (words[i], &category))
        granted |= 1u << category;
    }
  return granted;
}

gint64
techo_sync_prepare_profile (TechoStore         *store,
                            TechoOAuth         *oauth,
                            TechoPortalClient  *client,
                            guint              *out_granted,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_autoptr(TechoPortalMe) me = NULL;
  g_autoptr(TechoProfile) identity = techo_oauth_dup_identity (oauth);
  g_autoptr(GError) local_error = NULL;
  const TechoProfile *profile;
  const char *consent_expires_at = NULL;
  gint64 profile_id = 0;
  guint granted = 0;

  /* Who signed in: the OpenID identity (ID token, then userinfo) when the
   * sign-in had one; the portal's own profile resource adds what it knows
   * (the consent), and is the only source for a plain OAuth sign-in. */
  me = techo_portal_client_get_me (client, cancellable, &local_error);
  if (me == NULL)
    {
      if (identity == NULL ||
          !g_error_matches (local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NOT_FOUND))
        {
          if (identity == NULL &&
              g_error_matches (local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NOT_FOUND))
            local_error->code = TECHO_PORTAL_ERROR_PROTOCOL;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return 0;
        }
      profile = identity;
      granted = granted_from_scope (techo_oauth_get_granted_scope (oauth) != NULL
                                    ? techo_oauth_get_granted_scope (oauth)
                                    : techo_oauth_get_scopes (oauth));
    }
  else
    {
      if (identity != NULL && g_strcmp0 (identity->subject, me->profile->subject) != 0)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,
                       "The portal's profile is of another person than the one who signed in "
                       "(the subjects differ); Techo stored nothing.");
          return 0;
        }
      profile = me->profile;
      granted = me->granted;
      consent_expires_at = me->consent_expires_at;
    }
  if (!techo_store_ensure_profile_sync (store, profile, &profile_id, cancellable, error))
    return 0;
  if (!techo_store_set_profile_client_sync (store, profile_id, techo_oauth_get_client_id (oauth),
                                            techo_oauth_get_scopes (oauth), cancellable, error))
    return 0;
  if (!techo_oauth_set_consent_expires_at (oauth, consent_expires_at, cancellable, error))
    return 0;
  if (out_granted != NULL)
    *out_granted = granted;
  return profile_id;
}
