/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-test-util.h"

static char *
nested_arrays (guint levels)
{
  GString *s = g_string_sized_new (levels * 2);

  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, '[');
  for (guint i = 0; i < levels; i++)
    g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static void
test_parse_ok (void)
{
  const char *text = "{\"a\":\"b\",\"n\":42,\"x\":1.5,\"t\":true,\"o\":{},\"l\":[1],\"z\":null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = techo_json_parse_object_bounded (text, strlen (text),
                                                                   NULL, &error);
  gint64 n = 0;
  double x = 0;
  gboolean t = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (object);
  g_assert_cmpstr (techo_json_get_string (object, "a"), ==, "b");
  g_assert_null (techo_json_get_string (object, "n"));
  g_assert_null (techo_json_get_string (object, "z"));
  g_assert_null (techo_json_get_string (object, "missing"));
  g_assert_null (techo_json_get_string (object, "o"));
  g_assert_true (techo_json_get_int64 (object, "n", &n));
  g_assert_cmpint (n, ==, 42);
  g_assert_false (techo_json_get_int64 (object, "x", &n));
  g_assert_false (techo_json_get_int64 (object, "a", &n));
  g_assert_true (techo_json_get_double (object, "x", &x));
  g_assert_cmpfloat (x, ==, 1.5);
  g_assert_true (techo_json_get_double (object, "n", &x));
  g_assert_cmpfloat (x, ==, 42.0);
  g_assert_true (techo_json_get_boolean (object, "t", &t));
  g_assert_true (t);
  g_assert_false (techo_json_get_boolean (object, "n", &t));
  g_assert_nonnull (techo_json_get_object (object, "o"));
  g_assert_null (techo_json_get_object (object, "l"));
  g_assert_nonnull (techo_json_get_array (object, "l"));
  g_assert_null (techo_json_get_array (object, "o"));
  g_assert_true (techo_json_has_member (object, "z"));
  g_assert_false (techo_json_has_member (object, "y"));
  g_assert_null (techo_json_get_string (NULL, "a"));
}

static void
test_depth_limit (void)
{
  g_autofree char *ok = nested_arrays (64);
  g_autofree char *deep = nested_arrays (65);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  TechoJsonLimits limits = { 0, 3 };
  const char *strings = "[\"[[[[[[[\", {\"k\":\"{{{{{\\\"[[[[\"}]";

  node = techo_json_parse_bounded (ok, strlen (ok), NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_clear_pointer (&node, json_node_unref);

  node = techo_json_parse_bounded (deep, strlen (deep), NULL, &error);
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP);
  g_assert_null (node);
  g_assert_nonnull (strstr (error->message, "64"));
  g_clear_error (&error);

  /* Brackets inside strings (and escaped quotes) do not count. */
  node = techo_json_parse_bounded (strings, strlen (strings), &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_cmpuint (techo_json_scan_depth (strings, strlen (strings), 100), ==, 2);
}

static void
test_depth_huge (void)
{
  /* json-glib 1.6 itself overflows its stack near here: we must refuse
   * before it sees the data, for objects as well as arrays. */
  g_autofree char *arrays = nested_arrays (100000);
  GString *objects = g_string_new (NULL);
  g_autofree char *objects_text = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = techo_json_parse_bounded (arrays, strlen (arrays), NULL, &error);
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP);
  g_assert_null (node);
  g_clear_error (&error);

  for (guint i = 0; i < 100000; i++)
    g_string_append (objects, "{\"a\":");
  g_string_append (objects, "1");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (objects, '}');
  objects_text = g_string_free (objects, FALSE);
  node = techo_json_parse_bounded (objects_text, strlen (objects_text), NULL, &error);
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP);
  g_assert_null (node);
}

static void
test_size_limit (void)
{
  TechoJsonLimits limits = { 16, 0 };
  const char *small = "{\"a\":1}";
  const char *big = "{\"a\":\"0123456789abcdef\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = techo_json_parse_bounded (small, strlen (small), &limits, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  g_assert_null (techo_json_parse_bounded (big, strlen (big), &limits, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* The default cap: 8 MiB + 1 is refused without being parsed. */
  {
    gsize length = TECHO_JSON_DEFAULT_MAX_BYTES + 1;
    g_autofree char *huge = g_malloc (length);

    memset (huge, ' ', length);
    huge[0] = '1';
    g_assert_null (techo_json_parse_bounded (huge, length, NULL, &error));
    g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_LARGE);
  }
}

static void
test_value_limit (void)
{
  TechoJsonLimits three = { 0, 0, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  GString *many = g_string_new ("[");
  g_autofree char *many_text = NULL;

  node = techo_json_parse_bounded ("[1,2]", 5, &three, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_null (techo_json_parse_bounded ("[1,2,3]", 7, &three, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY);
  g_clear_error (&error);
  /* Separators inside strings are text, not values. */
  g_assert_cmpuint (techo_json_scan_values ("[\",,,:{[\"]", 10), ==, 2);

  /* 600,000 tiny values in 1.2 MB: refused by default before json-glib
   * builds 600,000 nodes. */
  for (guint i = 0; i < 600000; i++)
    g_string_append (many, "0,");
  g_string_append (many, "0]");
  many_text = g_string_free (many, FALSE);
  g_assert_null (techo_json_parse_bounded (many_text, strlen (many_text), NULL, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY);
}

static void
test_bad_input (void)
{
  static const struct { const char *data; gsize length; int code; } cases[] = {
    { "{\"a\":\"\xff\xfe\"}", 11, TECHO_JSON_ERROR_ENCODING },
    { "{\"a\":\"\xc3\x28\"}", 10, TECHO_JSON_ERROR_ENCODING },
    { "{\"a\":\0\"b\"}", 10, TECHO_JSON_ERROR_ENCODING },
    { "", 0, TECHO_JSON_ERROR_SYNTAX },
    { "   ", 3, TECHO_JSON_ERROR_SYNTAX },
    { "{\"a\":", 5, TECHO_JSON_ERROR_SYNTAX },
    { "{\"a\":1", 6, TECHO_JSON_ERROR_SYNTAX },
    { "[1,2,", 5, TECHO_JSON_ERROR_SYNTAX },
    { "nonsense", 8, TECHO_JSON_ERROR_SYNTAX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      JsonNode *node = techo_json_parse_bounded (cases[i].data, cases[i].length, NULL, &error);

      g_test_message ("case %u", i);
      g_assert_null (node);
      g_assert_error (error, TECHO_JSON_ERROR, cases[i].code);
      g_assert_cmpuint (strlen (error->message), >, 10);
    }

  /* Not an object where one is expected. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (techo_json_parse_object_bounded ("[1]", 3, NULL, &error));
    g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
  }
}

static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = techo_json_parse_bounded (data, length, NULL, &error);

  g_assert_true ((node == NULL) != (error == NULL));
  if (error != NULL)
    g_assert_true (error->domain == TECHO_JSON_ERROR);
  if (g_str_has_prefix (name, "bad-"))
    g_assert_null (node);
}

/* Every file under tests/corpus/json/ must come back as a node or a
 * TECHO_JSON_ERROR, never a crash. */
static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("json", check_corpus_file, NULL), >, 0);
}

static void
test_builder_string (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "a", "値");
  techo_json_builder_add_string (builder, "skip", NULL);
  json_builder_end_object (builder);
  text = techo_json_builder_to_string (builder);
  g_assert_cmpstr (text, ==, "{\"a\":\"値\"}");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/parse-ok", test_parse_ok);
  g_test_add_func ("/json/depth-limit", test_depth_limit);
  g_test_add_func ("/json/depth-huge", test_depth_huge);
  g_test_add_func ("/json/size-limit", test_size_limit);
  g_test_add_func ("/json/value-limit", test_value_limit);
  g_test_add_func ("/json/bad-input", test_bad_input);
  g_test_add_func ("/json/corpus", test_corpus);
  g_test_add_func ("/json/builder-string", test_builder_string);
  return g_test_run ();
}
