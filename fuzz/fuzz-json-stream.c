/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json-stream: the streaming page reader (techo_records_page_read)
 * against the tree path (techo_json_parse_object_bounded +
 * techo_records_page_from_object) on any input, as every category: both
 * must accept it with the same records or refuse it with the same error.
 * Any difference aborts. Seeds and crashes: tests/corpus/json-stream/,
 * replayed by test-json-stream. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-json-reader.h"
#include "techo-records-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static char *
record_text (TechoCategory category,
             gconstpointer record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  techo_record_to_json (category, record, builder);
  return techo_json_builder_to_string (builder);
}

static gboolean
same_error (const GError *a,
            const GError *b)
{
  return a != NULL && b != NULL && a->domain == b->domain && a->code == b->code
         && g_strcmp0 (a->message, b->message) == 0;
}

static void
compare (const char    *text,
         gsize          length,
         TechoCategory  category)
{
  g_autoptr(GError) tree_error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TechoRecordsPage) tree = NULL;
  g_autoptr(TechoRecordsPage) stream = NULL;
  /* Small limits, so that the fuzzer reaches them. */
  TechoJsonLimits limits = { 1 << 16, 16, 2000 };
  const guint max_records = 8;

  object = techo_json_parse_object_bounded (text, length, &limits, &tree_error);
  if (object != NULL)
    tree = techo_records_page_from_object (object, category, max_records);
  stream = techo_records_page_read (text, length, &limits, category, max_records, &stream_error);

  if (tree == NULL || stream == NULL)
    {
      if (tree != NULL || stream != NULL || !same_error (tree_error, stream_error))
        abort ();
      return;
    }
  if (g_strcmp0 (tree->page_category, stream->page_category) != 0
      || tree->has_records != stream->has_records
      || tree->n_records != stream->n_records
      || tree->has_next_cursor != stream->has_next_cursor
      || g_strcmp0 (tree->next_cursor, stream->next_cursor) != 0
      || (tree->records == NULL) != (stream->records == NULL)
      || (tree->records_error == NULL) != (stream->records_error == NULL))
    abort ();
  if (tree->records_error != NULL && !same_error (tree->records_error, stream->records_error))
    abort ();
  if (tree->records != NULL)
    {
      if (tree->records->len != stream->records->len)
        abort ();
      for (guint i = 0; i < tree->records->len; i++)
        {
          g_autofree char *a = record_text (category, g_ptr_array_index (tree->records, i));
          g_autofree char *b = record_text (category, g_ptr_array_index (stream->records, i));

          if (strcmp (a, b) != 0)
            abort ();
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
    compare ((const char *) data, size, k);
  return 0;
}
