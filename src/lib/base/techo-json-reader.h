/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-json-reader.h: a pull (streaming) JSON reader over a byte buffer,
 * written for Techo from RFC 8259. It hands out one token at a time and
 * builds no tree, so a caller can turn a portal page straight into
 * records.
 *
 * The reader is strict: only what RFC 8259 allows is read (no comments,
 * no trailing commas, no leading zeros, no raw control characters in
 * strings, nothing after the value but whitespace; a UTF-8 byte order mark
 * at the very start is ignored). Beyond the RFC, and because a C string
 * cannot hold it, a "\u0000" escape is refused (TECHO_JSON_ERROR_ENCODING)
 * instead of cutting the text short; a lone surrogate escape is refused
 * too; a whole number outside gint64 and a number too large for a double
 * are refused (TECHO_JSON_ERROR_SYNTAX) rather than wrapped or made
 * infinite.
 *
 * The same limits as techo_json_parse_bounded apply, with the same errors
 * in the same order (size, UTF-8 and NUL bytes, depth, value count, then
 * the grammar): see techo_json_check_limits. Size and UTF-8 are checked
 * before the first token; depth and count as the tokens go by. */

#pragma once

#include "techo-json.h"

G_BEGIN_DECLS

typedef enum
{
  TECHO_JSON_TOKEN_ERROR,        /* see the GError; every later call fails too */
  TECHO_JSON_TOKEN_END,          /* the document ended after its one value */
  TECHO_JSON_TOKEN_BEGIN_OBJECT,
  TECHO_JSON_TOKEN_END_OBJECT,
  TECHO_JSON_TOKEN_BEGIN_ARRAY,
  TECHO_JSON_TOKEN_END_ARRAY,
  TECHO_JSON_TOKEN_MEMBER,       /* a member name; its value comes next */
  TECHO_JSON_TOKEN_STRING,
  TECHO_JSON_TOKEN_INT,          /* a number without fraction or exponent */
  TECHO_JSON_TOKEN_DOUBLE,       /* a number with a fraction or exponent */
  TECHO_JSON_TOKEN_BOOLEAN,
  TECHO_JSON_TOKEN_NULL,
} TechoJsonToken;

/* Lives on the caller's stack; its fields are private. */
typedef struct
{
  /*< private >*/
  const char *data;
  gsize length;
  gsize pos;
  TechoJsonLimits limits;
  guint8 *stack;       /* 1: object, 0: array; max_depth entries */
  guint depth;
  guint64 values;
  int state;
  GError *error;
  gboolean checked;
  /* The current token's value. */
  const char *string;
  gsize string_length;
  gboolean string_borrowed;
  GString *scratch;
  gint64 int_value;
  double double_value;
  gboolean boolean_value;
} TechoJsonReader;

/* Starts reading @length bytes at @data (no NUL terminator needed; the
 * bytes must outlive the reader) within @limits (NULL: the defaults). */
void            techo_json_reader_init     (TechoJsonReader        *reader,
                                            const char             *data,
                                            gsize                   length,
                                            const TechoJsonLimits  *limits);
void            techo_json_reader_clear    (TechoJsonReader        *reader);

/* The next token, or TECHO_JSON_TOKEN_ERROR with @error set (a
 * TECHO_JSON_ERROR whose message names the line and column). */
TechoJsonToken  techo_json_reader_next     (TechoJsonReader        *reader,
                                            GError                **error);

/* Skips the value whose first token was @token (a whole object or array
 * after BEGIN_OBJECT/BEGIN_ARRAY; nothing for a scalar). */
gboolean        techo_json_reader_skip     (TechoJsonReader        *reader,
                                            TechoJsonToken          token,
                                            GError                **error);

/* Reads to the end, checking that the rest is well-formed. */
gboolean        techo_json_reader_finish   (TechoJsonReader        *reader,
                                            GError                **error);

/* The text of a STRING or MEMBER token, decoded to UTF-8 (never holding a
 * NUL byte), not NUL-terminated, @out_length bytes long. When
 * *@out_borrowed is TRUE the text points into the reader's data and lives
 * as long as it; otherwise it is valid until the next call. */
const char     *techo_json_reader_get_string  (TechoJsonReader *reader,
                                               gsize           *out_length,
                                               gboolean        *out_borrowed);
gint64          techo_json_reader_get_int     (TechoJsonReader *reader);
double          techo_json_reader_get_double  (TechoJsonReader *reader);
gboolean        techo_json_reader_get_boolean (TechoJsonReader *reader);

/* Checks that @data is one well-formed JSON value within @limits, reading
 * it with the reader: what techo_json_parse_bounded checks before it lets
 * json-glib build a tree. */
gboolean        techo_json_validate        (const char             *data,
                                            gsize                   length,
                                            const TechoJsonLimits  *limits,
                                            GError                **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TechoJsonReader, techo_json_reader_clear)

G_END_DECLS
