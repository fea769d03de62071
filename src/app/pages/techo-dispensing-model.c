/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-dispensing-model"

#include "config.h"

#include "techo-dispensing-model.h"

/* ---- items ---------------------------------------------------------------- */

struct _TechoDispensingItem
{
  GObject parent_instance;

  TechoDispensing *dispensing;  /* NULL: a placeholder */
  gboolean flagged;
};

G_DEFINE_FINAL_TYPE (TechoDispensingItem, techo_dispensing_item, G_TYPE_OBJECT)

static void
techo_dispensing_item_finalize (GObject *object)
{
  TechoDispensingItem *self = TECHO_DISPENSING_ITEM (object);

  g_clear_pointer (&self->dispensing, techo_dispensing_free);
  G_OBJECT_CLASS (techo_dispensing_item_parent_class)->finalize (object);
}

static void
techo_dispensing_item_class_init (TechoDispensingItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_dispensing_item_finalize;
}

static void
techo_dispensing_item_init (TechoDispensingItem *self)
{
}

/* Takes @dispensing (NULL: a placeholder). */
static TechoDispensingItem *
dispensing_item_new (TechoDispensing *dispensing,
                     gboolean         flagged)
{
  TechoDispensingItem *self = g_object_new (TECHO_TYPE_DISPENSING_ITEM, NULL);

  self->dispensing = dispensing;
  self->flagged = flagged;
  return self;
}

const TechoDispensing *
techo_dispensing_item_get_dispensing (TechoDispensingItem *self)
{
  g_return_val_if_fail (TECHO_IS_DISPENSING_ITEM (self), NULL);
  return self->dispensing;
}

gboolean
techo_dispensing_item_get_flagged (TechoDispensingItem *self)
{
  g_return_val_if_fail (TECHO_IS_DISPENSING_ITEM (self), FALSE);
  return self->flagged;
}

struct _TechoIngredientItem
{
  GObject parent_instance;

  TechoIngredientSummary *summary;
  gboolean current;
  gboolean flagged;
};

G_DEFINE_FINAL_TYPE (TechoIngredientItem, techo_ingredient_item, G_TYPE_OBJECT)

static void
techo_ingredient_item_finalize (GObject *object)
{
  TechoIngredientItem *self = TECHO_INGREDIENT_ITEM (object);

  g_clear_pointer (&self->summary, techo_ingredient_summary_free);
  G_OBJECT_CLASS (techo_ingredient_item_parent_class)->finalize (object);
}

static void
techo_ingredient_item_class_init (TechoIngredientItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_ingredient_item_finalize;
}

static void
techo_ingredient_item_init (TechoIngredientItem *self)
{
}

/* Takes @summary. */
TechoIngredientItem *
techo_ingredient_item_new (TechoIngredientSummary *summary,
                           gboolean                current,
                           gboolean                flagged)
{
  TechoIngredientItem *self = g_object_new (TECHO_TYPE_INGREDIENT_ITEM, NULL);

  self->summary = summary;
  self->current = current;
  self->flagged = flagged;
  return self;
}

const TechoIngredientSummary *
techo_ingredient_item_get_summary (TechoIngredientItem *self)
{
  g_return_val_if_fail (TECHO_IS_INGREDIENT_ITEM (self), NULL);
  return self->summary;
}

gboolean
techo_ingredient_item_get_current (TechoIngredientItem *self)
{
  g_return_val_if_fail (TECHO_IS_INGREDIENT_ITEM (self), FALSE);
  return self->current;
}

gboolean
techo_ingredient_item_get_flagged (TechoIngredientItem *self)
{
  g_return_val_if_fail (TECHO_IS_INGREDIENT_ITEM (self), FALSE);
  return self->flagged;
}

/* ---- the paged model ---------------------------------------------------- */

typedef struct
{
  GPtrArray *items;   /* TechoDispensingItem, newest first */
  char *first_date;   /* the edges, for the pages beside it */
  gint64 first_row;
  char *last_date;
  gint64 last_row;
  guint64 used;       /* when last asked for (the model's clock) */
} Page;

static void
page_free (Page *page)
{
  g_clear_pointer (&page->items, g_ptr_array_unref);
  g_free (page->first_date);
  g_free (page->last_date);
  g_free (page);
}

struct _TechoDispensingModel
{
  GObject parent_instance;

  TechoStore *store;
  gint64 profile_id;
  char *key;
  guint n_items;
  GHashTable *flagged_ids;
  GHashTable *pages;     /* page index → Page */
  GHashTable *pending;   /* page indexes asked for */
  GCancellable *cancellable;
  guint64 clock;
};

static void techo_dispensing_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoDispensingModel, techo_dispensing_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      techo_dispensing_model_list_init))

typedef struct
{
  TechoDispensingModel *model;
  guint index;
} Request;

static void
evict (TechoDispensingModel *self,
       guint                 keep)
{
  while (g_hash_table_size (self->pages) > TECHO_DISPENSING_MODEL_MAX_PAGES)
    {
      GHashTableIter iter;
      gpointer key, value;
      gpointer oldest = NULL;
      gboolean found = FALSE;
      guint64 oldest_used = G_MAXUINT64;

      g_hash_table_iter_init (&iter, self->pages);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (GPOINTER_TO_UINT (key) != keep && ((Page *) value)->used < oldest_used)
          {
            oldest = key;   /* page 0's key is NULL: hence found */
            found = TRUE;
            oldest_used = ((Page *) value)->used;
          }
      if (!found)
        break;
      g_hash_table_remove (self->pages, oldest);
    }
}

static void
page_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Request *request = user_data;
  g_autoptr(TechoDispensingModel) self = request->model;
  guint index = request->index;
  g_autoptr(TechoDispensingPage) read = NULL;
  g_autoptr(GError) error = NULL;
  Page *page;
  guint start, n;

  g_free (request);
  read = techo_store_list_dispensing_page_finish (TECHO_STORE (source), result, &error);
  g_hash_table_remove (self->pending, GUINT_TO_POINTER (index));
  if (read == NULL)
    {
      /* Cancelled (the model is gone or replaced) or the store failed:
       * the rows stay placeholders; the page shows the store's error. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the medicines: %s", error->message);
      return;
    }
  page = g_new0 (Page, 1);
  page->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < read->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (read->dispensings, i);
      gboolean flagged = self->flagged_ids != NULL && d->id != NULL
                         && g_hash_table_contains (self->flagged_ids, d->id);

      read->dispensings->pdata[i] = NULL;
      g_ptr_array_add (page->items, dispensing_item_new (d, flagged));
    }
  page->first_date = g_steal_pointer (&read->first_date);
  page->first_row = read->first_row;
  page->last_date = g_steal_pointer (&read->last_date);
  page->last_row = read->last_row;
  page->used = ++self->clock;
  g_hash_table_replace (self->pages, GUINT_TO_POINTER (index), page);
  evict (self, index);
  start = index * TECHO_DISPENSING_MODEL_PAGE_ROWS;
  if (start >= self->n_items)
    return;
  n = MIN (TECHO_DISPENSING_MODEL_PAGE_ROWS, self->n_items - start);
  g_list_model_items_changed (G_LIST_MODEL (self), start, n, n);
}

static void
request_page (TechoDispensingModel *self,
              guint                 index)
{
  TechoDispensingQuery query = { 0 };
  Page *before, *after;
  Request *request;

  if (g_hash_table_contains (self->pending, GUINT_TO_POINTER (index))
      || self->store == NULL || !techo_store_is_open (self->store))
    return;
  g_hash_table_add (self->pending, GUINT_TO_POINTER (index));
  request = g_new0 (Request, 1);
  request->model = g_object_ref (self);
  request->index = index;
  /* Beside a page held: by keyset, from its edge (no rows skipped over);
   * else a jump, by offset. */
  before = index > 0 ? g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index - 1)) : NULL;
  after = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index + 1));
  query.profile_id = self->profile_id;
  query.ingredient_key = self->key;
  query.limit = TECHO_DISPENSING_MODEL_PAGE_ROWS;
  if (before != NULL && before->items->len == TECHO_DISPENSING_MODEL_PAGE_ROWS)
    {
      query.anchor = TECHO_DISPENSING_PAGE_OLDER;
      query.edge_date = before->last_date;
      query.edge_row = before->last_row;
    }
  else if (after != NULL && after->items->len > 0)
    {
      query.anchor = TECHO_DISPENSING_PAGE_NEWER;
      query.edge_date = after->first_date;
      query.edge_row = after->first_row;
    }
  else
    {
      query.anchor = TECHO_DISPENSING_PAGE_AT;
      query.offset = index * TECHO_DISPENSING_MODEL_PAGE_ROWS;
    }
  techo_store_list_dispensing_page_async (self->store, &query, self->cancellable, page_read_cb,
                                          request);
}

static GType
techo_dispensing_model_get_item_type (GListModel *list)
{
  return TECHO_TYPE_DISPENSING_ITEM;
}

static guint
techo_dispensing_model_get_n_items (GListModel *list)
{
  return TECHO_DISPENSING_MODEL (list)->n_items;
}

static gpointer
techo_dispensing_model_get_item (GListModel *list,
                                 guint       position)
{
  TechoDispensingModel *self = TECHO_DISPENSING_MODEL (list);
  guint index = position / TECHO_DISPENSING_MODEL_PAGE_ROWS;
  guint offset = position % TECHO_DISPENSING_MODEL_PAGE_ROWS;
  Page *page;

  if (position >= self->n_items)
    return NULL;
  page = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (index));
  if (page == NULL)
    {
      request_page (self, index);
      return dispensing_item_new (NULL, FALSE);
    }
  page->used = ++self->clock;
  if (offset >= page->items->len)
    return dispensing_item_new (NULL, FALSE);   /* the store holds fewer now */
  return g_object_ref (g_ptr_array_index (page->items, offset));
}

static void
techo_dispensing_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = techo_dispensing_model_get_item_type;
  iface->get_n_items = techo_dispensing_model_get_n_items;
  iface->get_item = techo_dispensing_model_get_item;
}

static void
techo_dispensing_model_dispose (GObject *object)
{
  TechoDispensingModel *self = TECHO_DISPENSING_MODEL (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_dispensing_model_parent_class)->dispose (object);
}

static void
techo_dispensing_model_finalize (GObject *object)
{
  TechoDispensingModel *self = TECHO_DISPENSING_MODEL (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->flagged_ids, g_hash_table_unref);
  g_free (self->key);
  G_OBJECT_CLASS (techo_dispensing_model_parent_class)->finalize (object);
}

static void
techo_dispensing_model_class_init (TechoDispensingModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_dispensing_model_dispose;
  object_class->finalize = techo_dispensing_model_finalize;
}

static void
techo_dispensing_model_init (TechoDispensingModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) page_free);
  self->pending = g_hash_table_new (NULL, NULL);
  self->cancellable = g_cancellable_new ();
}

TechoDispensingModel *
techo_dispensing_model_new (TechoStore *store,
                            gint64      profile_id,
                            const char *ingredient_key,
                            guint       n_items,
                            GHashTable *flagged_ids)
{
  TechoDispensingModel *self;

  g_return_val_if_fail (TECHO_IS_STORE (store), NULL);

  self = g_object_new (TECHO_TYPE_DISPENSING_MODEL, NULL);
  self->store = g_object_ref (store);
  self->profile_id = profile_id;
  self->key = g_strdup (ingredient_key);
  self->n_items = n_items;
  self->flagged_ids = flagged_ids != NULL ? g_hash_table_ref (flagged_ids) : NULL;
  return self;
}

guint
techo_dispensing_model_get_n_cached (TechoDispensingModel *self)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_return_val_if_fail (TECHO_IS_DISPENSING_MODEL (self), 0);

  g_hash_table_iter_init (&iter, self->pages);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    n += ((Page *) value)->items->len;
  return n;
}

guint
techo_dispensing_model_get_max_cached (TechoDispensingModel *self)
{
  return TECHO_DISPENSING_MODEL_PAGE_ROWS * TECHO_DISPENSING_MODEL_MAX_PAGES;
}

guint
techo_dispensing_model_get_n_pending (TechoDispensingModel *self)
{
  g_return_val_if_fail (TECHO_IS_DISPENSING_MODEL (self), 0);
  return g_hash_table_size (self->pending);
}

gboolean
techo_dispensing_model_is_loaded (TechoDispensingModel *self,
                                  guint                 position)
{
  Page *page;

  g_return_val_if_fail (TECHO_IS_DISPENSING_MODEL (self), FALSE);

  page = g_hash_table_lookup (self->pages,
                              GUINT_TO_POINTER (position / TECHO_DISPENSING_MODEL_PAGE_ROWS));
  return page != NULL && position % TECHO_DISPENSING_MODEL_PAGE_ROWS < page->items->len;
}
