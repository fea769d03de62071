/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-json.h: bounded JSON parsing for everything Techo reads from
 * outside (the portal, the sandbox's requests, imported files), and small
 * typed getters that never abort on a member of the wrong type.
 *
 * json-glib 1.6 recurses once per nesting level and crashes near 100,000
 * levels, so the size, the encoding and the nesting depth are checked with
 * a linear scan before json-glib sees a byte. */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TECHO_JSON_ERROR (techo_json_error_quark ())

typedef enum
{
  TECHO_JSON_ERROR_TOO_LARGE, /* more bytes than the limit allows */
  TECHO_JSON_ERROR_TOO_DEEP,  /* nested deeper than the limit allows */
  TECHO_JSON_ERROR_ENCODING,  /* not UTF-8, or a NUL byte */
  TECHO_JSON_ERROR_SYNTAX,    /* not JSON, empty or cut short */
  TECHO_JSON_ERROR_INVALID,   /* JSON, but not the shape expected */
  TECHO_JSON_ERROR_TOO_MANY,  /* more elements than the limit allows */
  TECHO_JSON_N_ERRORS /* not a code: how many codes there are */
} TechoJsonError;

GQuark techo_json_error_quark (void);

/* The default limits: 8 MiB, 64 levels of nesting, 500,000 values. */
#define TECHO_JSON_DEFAULT_MAX_BYTES (8 * 1024 * 1024)
#define TECHO_JSON_DEFAULT_MAX_DEPTH 64
#define TECHO_JSON_DEFAULT_MAX_VALUES 500000

/* Each JSON value becomes a node of ~100 bytes in json-glib, so a small
 * document of many tiny values ("[0,0,0,…]") costs far more memory than
 * its size: max_values bounds that, counted before parsing. */
typedef struct
{
  gsize max_bytes;  /* 0: TECHO_JSON_DEFAULT_MAX_BYTES */
  guint max_depth;  /* 0: TECHO_JSON_DEFAULT_MAX_DEPTH */
  guint max_values; /* 0: TECHO_JSON_DEFAULT_MAX_VALUES */
} TechoJsonLimits;

/* The checks made before any byte is parsed, in this order: empty data
 * (TECHO_JSON_ERROR_SYNTAX), size, UTF-8 with no NUL byte, depth, value
 * count. Both techo_json_parse_bounded and the streaming reader
 * (techo-json-reader.h) start with them, so both refuse the same data with
 * the same code. */
gboolean    techo_json_check_limits  (const char             *data,
                                      gsize                   length,
                                      const TechoJsonLimits  *limits,
                                      GError                **error);
/* The two halves of techo_json_check_limits: empty data, size and UTF-8;
 * then depth and value count (two lexical scans of the whole data). */
gboolean    techo_json_check_encoding  (const char             *data,
                                        gsize                   length,
                                        const TechoJsonLimits  *limits,
                                        GError                **error);
gboolean    techo_json_check_structure (const char             *data,
                                        gsize                   length,
                                        const TechoJsonLimits  *limits,
                                        GError                **error);
/* Fills @out with @limits (NULL or 0 fields: the defaults). */
void        techo_json_resolve_limits (const TechoJsonLimits *limits,
                                       TechoJsonLimits       *out);

/* Parses @length bytes at @data (no NUL terminator needed) into a new node,
 * after checking size, UTF-8 and depth against @limits (NULL: defaults).
 * An array or object nested max_depth levels deep is allowed; one more is
 * TECHO_JSON_ERROR_TOO_DEEP; more than max_values values is
 * TECHO_JSON_ERROR_TOO_MANY. The text must be strict RFC 8259 JSON as the
 * streaming reader reads it (techo_json_validate): json-glib alone would
 * accept comments, hex and leading-zero numbers, single quotes, text after
 * the value, wrap whole numbers past gint64 and cut a string at "\u0000".
 * Returns NULL with @error set on failure. */
JsonNode   *techo_json_parse_bounded (const char             *data,
                                      gsize                   length,
                                      const TechoJsonLimits  *limits,
                                      GError                **error);

/* As techo_json_parse_bounded, but the top level must be an object.
 * Returns a new reference. */
JsonObject *techo_json_parse_object_bounded (const char             *data,
                                             gsize                   length,
                                             const TechoJsonLimits  *limits,
                                             GError                **error);

/* The depth of the deepest array/object in @data (a lexical scan that
 * knows strings and escapes); stops counting once it exceeds @stop_after. */
guint       techo_json_scan_depth (const char *data,
                                   gsize       length,
                                   guint       stop_after);
/* An upper bound of the number of values in @data (1 + separators). */
guint       techo_json_scan_values (const char *data,
                                    gsize       length);

/* Typed getters. Each returns NULL/FALSE when @object is NULL, the member
 * is absent, null, or of another type; none of them warns or aborts. */
const char *techo_json_get_string  (JsonObject *object,
                                    const char *member);
gboolean    techo_json_get_int64   (JsonObject *object,
                                    const char *member,
                                    gint64     *out_value);
/* Accepts integers and numbers with a fraction. */
gboolean    techo_json_get_double  (JsonObject *object,
                                    const char *member,
                                    double     *out_value);
gboolean    techo_json_get_boolean (JsonObject *object,
                                    const char *member,
                                    gboolean   *out_value);
JsonObject *techo_json_get_object  (JsonObject *object,
                                    const char *member);
JsonArray  *techo_json_get_array   (JsonObject *object,
                                    const char *member);
/* TRUE when @member is present, even as null. */
gboolean    techo_json_has_member  (JsonObject *object,
                                    const char *member);

/* Serialises @node as compact (or @pretty) JSON text. */
char       *techo_json_node_to_string    (JsonNode   *node,
                                          gboolean    pretty);
/* Serialises the root of @builder as compact JSON text. */
char       *techo_json_builder_to_string (JsonBuilder *builder);

/* Adds "@member": @value to the object being built, skipping NULL values. */
void        techo_json_builder_add_string (JsonBuilder *builder,
                                           const char  *member,
                                           const char  *value);

G_END_DECLS
