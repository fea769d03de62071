/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench parse: the two ways of reading a page of records, on the same
 * saved pages (see techo-bench-parse.h). */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <string.h>

#include "techo-bench-parse.h"
#include "techo-json.h"
#include "techo-records-json.h"

/* Not static, so that callgrind's --toggle-collect can name them. */
guint techo_bench_parse_pages_tree   (GPtrArray  *pages,
                                      GError    **error);

/* Adds the records of page @i to *@n; FALSE with @error set when the page
 * had none it could read. */
static gboolean
count_records (TechoRecordsPage  *page,
               guint              i,
               guint             *n,
               GError           **error)
{
  if (page->records == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "page %u: %s", i,
                   page->records_error != NULL ? page->records_error->message : "no records");
      return FALSE;
    }
  *n += page->records->len;
  return TRUE;
}

/* Each returns the number of records read (0 with @error set on failure). */
G_GNUC_NO_INLINE guint
techo_bench_parse_pages_tree (GPtrArray  *pages,
                              GError    **error)
{
  guint n = 0;

  for (guint i = 0; i < pages->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (pages, i);
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(TechoRecordsPage) page = NULL;

      object = techo_json_parse_object_bounded (g_bytes_get_data (bytes, NULL),
                                                g_bytes_get_size (bytes), NULL, error);
      if (object == NULL)
        return 0;
      page = techo_records_page_from_object (object, TECHO_CATEGORY_MEDICATION, 1000);
      if (!count_records (page, i, &n, error))
        return 0;
    }
  return n;
}

G_GNUC_NO_INLINE guint
techo_bench_parse_pages_stream (GPtrArray  *pages,
                                GError    **error)
{
  guint n = 0;

  for (guint i = 0; i < pages->len; i++)
    {
      GBytes *bytes = g_ptr_array_index (pages, i);
      g_autoptr(TechoRecordsPage) page = NULL;

      page = techo_records_page_read (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      NULL, TECHO_CATEGORY_MEDICATION, 1000, error);
      if (page == NULL)
        return 0;
      if (!count_records (page, i, &n, error))
        return 0;
    }
  return n;
}

/* g_ptr_array_sort passes pointers to the elements. */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static GPtrArray *
load_pages (const char  *dir_path,
            GError     **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, error);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "page-") && g_str_has_suffix (name, ".json"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir_path, g_ptr_array_index (names, i), NULL);
      char *data = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &data, &length, error))
        return NULL;
      g_ptr_array_add (pages, g_bytes_new_take (data, length));
    }
  if (pages->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   "no page-*.json in %s (save them with `techo-bench sync --save-pages DIR`)",
                   dir_path);
      return NULL;
    }
  return g_steal_pointer (&pages);
}

int
techo_bench_parse (int    argc,
                   char **argv)
{
  g_autofree char *pages_dir = NULL;
  g_autofree char *path = NULL;
  int rounds = 1;
  const GOptionEntry entries[] = {
    { "pages", 0, 0, G_OPTION_ARG_FILENAME, &pages_dir, "Directory of saved pages", "DIR" },
    { "path", 0, 0, G_OPTION_ARG_STRING, &path, "tree, stream or both (default both)", "PATH" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Times to parse the pages (default 1)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("parse");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  gsize bytes = 0;
  gboolean tree, stream;

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options, "Parse saved result pages into medication records with "
                                         "json-glib's tree and with the streaming reader.");
  if (!g_option_context_parse (options, &argc, &argv, &error) || pages_dir == NULL
      || (path != NULL && !g_str_equal (path, "tree") && !g_str_equal (path, "stream")
          && !g_str_equal (path, "both")))
    {
      g_printerr ("techo-bench parse: %s\n",
                  error != NULL ? error->message : "--pages DIR is needed; --path is tree, stream or both");
      return 2;
    }
  tree = path == NULL || !g_str_equal (path, "stream");
  stream = path == NULL || !g_str_equal (path, "tree");

  pages = load_pages (pages_dir, &error);
  if (pages == NULL)
    {
      g_printerr ("techo-bench parse: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < pages->len; i++)
    bytes += g_bytes_get_size (g_ptr_array_index (pages, i));
  g_print ("pages=%u\n", pages->len);
  g_print ("bytes=%" G_GSIZE_FORMAT "\n", bytes);

  for (int round = 0; round < MAX (rounds, 1); round++)
    {
      if (tree)
        {
          gint64 start = g_get_monotonic_time ();
          guint n = techo_bench_parse_pages_tree (pages, &error);

          if (n == 0)
            goto failed;
          g_print ("records=%u\n", n);
          g_print ("parse_tree_seconds=%.3f\n", (g_get_monotonic_time () - start) / 1e6);
        }
      if (stream)
        {
          gint64 start = g_get_monotonic_time ();
          guint n = techo_bench_parse_pages_stream (pages, &error);

          if (n == 0)
            goto failed;
          g_print ("records=%u\n", n);
          g_print ("parse_stream_seconds=%.3f\n", (g_get_monotonic_time () - start) / 1e6);
        }
    }
  return 0;

failed:
  g_printerr ("techo-bench parse: %s\n", error != NULL ? error->message : "failed");
  return 1;
}
