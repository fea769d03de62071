/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-json"

#include "config.h"

#include <string.h>

#include "techo-json.h"

G_DEFINE_QUARK (techo-json-error-quark, techo_json_error)

static void
resolve_limits (const TechoJsonLimits *limits,
                TechoJsonLimits       *out)
{
  out->max_bytes = TECHO_JSON_DEFAULT_MAX_BYTES;
  out->max_depth = TECHO_JSON_DEFAULT_MAX_DEPTH;
  out->max_values = TECHO_JSON_DEFAULT_MAX_VALUES;
  if (limits != NULL && limits->max_bytes > 0)
    out->max_bytes = limits->max_bytes;
  if (limits != NULL && limits->max_depth > 0)
    out->max_depth = limits->max_depth;
  if (limits != NULL && limits->max_values > 0)
    out->max_values = limits->max_values;
}

/* One lexical pass (it knows strings and escapes): how many values
 * (1 + separators and openers) and how deep the nesting goes; stops once
 * the depth passes @stop_after. */
static void
scan (const char *data,
      gsize       length,
      guint       stop_after,
      guint      *out_values,
      guint      *out_deepest)
{
  gboolean in_string = FALSE;
  gboolean escaped = FALSE;
  guint values = 1;
  guint depth = 0;
  guint deepest = 0;

  for (gsize i = 0; i < length && deepest <= stop_after; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (escaped)
            escaped = FALSE;
          else if (c == '\\')
            escaped = TRUE;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if ((c == ',' || c == ':' || c == '[' || c == '{') && values < G_MAXUINT)
        values++;
      if (c == '"')
        in_string = TRUE;
      else if (c == '[' || c == '{')
        {
          depth++;
          deepest = MAX (deepest, depth);
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }
  *out_values = values;
  *out_deepest = deepest;
}

guint
techo_json_scan_values (const char *data,
                        gsize       length)
{
  guint values, deepest;

  scan (data, length, G_MAXUINT, &values, &deepest);
  return values;
}

guint
techo_json_scan_depth (const char *data,
                       gsize       length,
                       guint       stop_after)
{
  guint values, deepest;

  scan (data, length, stop_after, &values, &deepest);
  return deepest;
}

JsonNode *
techo_json_parse_bounded (const char             *data,
                          gsize                   length,
                          const TechoJsonLimits  *limits,
                          GError                **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  TechoJsonLimits resolved;
  gsize max_bytes;
  guint max_depth;
  JsonNode *root;

  resolve_limits (limits, &resolved);
  max_bytes = resolved.max_bytes;
  max_depth = resolved.max_depth;

  if (data == NULL || length == 0)
    {
      g_set_error_literal (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX,
                           "The data is empty where JSON was expected");
      return NULL;
    }
  if (length > max_bytes)
    {
      g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_LARGE,
                   "The JSON data is too large (%" G_GSIZE_FORMAT
                   " bytes; at most %" G_GSIZE_FORMAT " are accepted)",
                   length, max_bytes);
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error_literal (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING,
                           "The JSON data is not valid UTF-8 text");
      return NULL;
    }
  if (techo_json_scan_depth (data, length, max_depth) > max_depth)
    {
      g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP,
                   "The JSON data is nested too deeply (more than %u levels)",
                   max_depth);
      return NULL;
    }

  if (techo_json_scan_values (data, length) > resolved.max_values)
    {
      g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY,
                   "The JSON data holds too many values (more than %u)",
                   resolved.max_values);
      return NULL;
    }

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX,
                   "The data is not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX,
                           "The data holds no JSON value");
      return NULL;
    }
  return json_node_copy (root);
}

JsonObject *
techo_json_parse_object_bounded (const char             *data,
                                 gsize                   length,
                                 const TechoJsonLimits  *limits,
                                 GError                **error)
{
  g_autoptr(JsonNode) node = techo_json_parse_bounded (data, length, limits, error);

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
                           "The JSON data is not an object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

/* @member of @object when it holds a node of @type, else NULL. */
static JsonNode *
get_member (JsonObject   *object,
            const char   *member,
            JsonNodeType  type)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || JSON_NODE_TYPE (node) != type)
    return NULL;
  return node;
}

/* @member of @object when it is a value of @type, else NULL. */
static JsonNode *
get_value_node (JsonObject *object,
                const char *member,
                GType       type)
{
  JsonNode *node = get_member (object, member, JSON_NODE_VALUE);

  return node != NULL && json_node_get_value_type (node) == type ? node : NULL;
}

const char *
techo_json_get_string (JsonObject *object,
                       const char *member)
{
  JsonNode *node = get_value_node (object, member, G_TYPE_STRING);

  return node != NULL ? json_node_get_string (node) : NULL;
}

gboolean
techo_json_get_int64 (JsonObject *object,
                      const char *member,
                      gint64     *out_value)
{
  JsonNode *node = get_value_node (object, member, G_TYPE_INT64);

  if (node != NULL && out_value != NULL)
    *out_value = json_node_get_int (node);
  return node != NULL;
}

gboolean
techo_json_get_double (JsonObject *object,
                       const char *member,
                       double     *out_value)
{
  JsonNode *node = get_value_node (object, member, G_TYPE_DOUBLE);
  gint64 n = 0;

  if (node == NULL && !techo_json_get_int64 (object, member, &n))
    return FALSE;
  if (out_value != NULL)
    *out_value = node != NULL ? json_node_get_double (node) : (double) n;
  return TRUE;
}

gboolean
techo_json_get_boolean (JsonObject *object,
                        const char *member,
                        gboolean   *out_value)
{
  JsonNode *node = get_value_node (object, member, G_TYPE_BOOLEAN);

  if (node != NULL && out_value != NULL)
    *out_value = json_node_get_boolean (node);
  return node != NULL;
}

JsonObject *
techo_json_get_object (JsonObject *object,
                       const char *member)
{
  JsonNode *node = get_member (object, member, JSON_NODE_OBJECT);

  return node != NULL ? json_node_get_object (node) : NULL;
}

JsonArray *
techo_json_get_array (JsonObject *object,
                      const char *member)
{
  JsonNode *node = get_member (object, member, JSON_NODE_ARRAY);

  return node != NULL ? json_node_get_array (node) : NULL;
}

gboolean
techo_json_has_member (JsonObject *object,
                       const char *member)
{
  return object != NULL && member != NULL && json_object_has_member (object, member);
}

char *
techo_json_node_to_string (JsonNode *node,
                           gboolean  pretty)
{
  g_return_val_if_fail (node != NULL, NULL);
  return json_to_string (node, pretty);
}

char *
techo_json_builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  g_return_val_if_fail (root != NULL, NULL);
  return json_to_string (root, FALSE);
}

void
techo_json_builder_add_string (JsonBuilder *builder,
                               const char  *member,
                               const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}
