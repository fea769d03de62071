/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-json-reader.c: the pull JSON reader (RFC 8259), written for Techo.
 *
 * The whole buffer is first checked for size and UTF-8
 * (techo_json_check_encoding), so every string holds valid UTF-8. Depth
 * and value count are counted as the tokens go by: for well-formed data
 * they are exactly what the lexical scans of techo_json_check_structure
 * find, so those two passes are only made when something is wrong, to
 * report the error techo_json_check_limits would have reported first
 * (depth, then count, then the grammar). */

#define G_LOG_DOMAIN "techo-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "techo-json-reader.h"

enum
{
  STATE_VALUE,          /* a value is expected (top level, after ':' or ',' in an array) */
  STATE_ARRAY_FIRST,    /* after '[': a value or ']' */
  STATE_OBJECT_FIRST,   /* after '{': a member name or '}' */
  STATE_MEMBER,         /* after ',' in an object: a member name */
  STATE_AFTER_VALUE,    /* after a value: ',', a closing bracket, or the end */
  STATE_DONE,           /* END was returned */
  STATE_FAILED,
};

void
techo_json_reader_init (TechoJsonReader        *reader,
                        const char             *data,
                        gsize                   length,
                        const TechoJsonLimits  *limits)
{
  memset (reader, 0, sizeof *reader);
  reader->data = data;
  reader->length = length;
  techo_json_resolve_limits (limits, &reader->limits);
  reader->state = STATE_VALUE;
}

void
techo_json_reader_clear (TechoJsonReader *reader)
{
  g_clear_pointer (&reader->stack, g_free);
  g_clear_error (&reader->error);
  if (reader->scratch != NULL)
    g_string_free (reader->scratch, TRUE);
  reader->scratch = NULL;
}

/* Sets the reader's error at byte @at, naming the line and column. */
G_GNUC_PRINTF (4, 5)
static TechoJsonToken
fail_at (TechoJsonReader *reader,
         gsize            at,
         TechoJsonError   code,
         const char      *format,
         ...)
{
  g_autofree char *reason = NULL;
  guint line = 1;
  guint column = 1;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  /* Columns count characters, not bytes. */
  for (gsize i = 0; i < at && i < reader->length; i++)
    {
      guchar c = (guchar) reader->data[i];

      if (c == '\n')
        {
          line++;
          column = 1;
        }
      else if ((c & 0xC0) != 0x80)
        column++;
    }
  g_clear_error (&reader->error);
  if (!techo_json_check_structure (reader->data, reader->length, &reader->limits,
                                   &reader->error))
    {
      reader->state = STATE_FAILED;
      return TECHO_JSON_TOKEN_ERROR;
    }
  reader->error = g_error_new (TECHO_JSON_ERROR, code,
                               "The data is not valid JSON: line %u, column %u: %s",
                               line, column, reason);
  reader->state = STATE_FAILED;
  return TECHO_JSON_TOKEN_ERROR;
}

/* Counts a value separator or opening bracket, as techo_json_scan_values
 * counts them. */
static gboolean
count_value (TechoJsonReader *reader)
{
  reader->values++;
  return reader->values <= reader->limits.max_values;
}

static inline void
skip_whitespace (TechoJsonReader *reader)
{
  const char *data = reader->data;
  gsize pos = reader->pos;

  while (pos < reader->length
         && (data[pos] == ' ' || data[pos] == '\n' || data[pos] == '\r' || data[pos] == '\t'))
    pos++;
  reader->pos = pos;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits at @at, or -1. */
static int
read_hex4 (TechoJsonReader *reader,
           gsize            at)
{
  int value = 0;

  if (at + 4 > reader->length)
    return -1;
  for (guint i = 0; i < 4; i++)
    {
      int digit = hex_value (reader->data[at + i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  return value;
}

/* Reads the string whose opening quote is at reader->pos. */
static TechoJsonToken
read_string (TechoJsonReader *reader,
             TechoJsonToken   token)
{
  const char *data = reader->data;
  gsize start = reader->pos + 1;
  gsize pos = start;
  GString *out;

  /* The common case: no escape, the text is borrowed from the data. */
  while (pos < reader->length)
    {
      guchar c = (guchar) data[pos];

      if (c == '"')
        {
          reader->string = data + start;
          reader->string_length = pos - start;
          reader->string_borrowed = TRUE;
          reader->pos = pos + 1;
          return token;
        }
      if (c == '\\')
        break;
      if (c < 0x20)
        return fail_at (reader, pos, TECHO_JSON_ERROR_SYNTAX,
                        "a control character inside a string must be escaped");
      pos++;
    }
  if (pos >= reader->length)
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    "a string is not closed (the data is cut short)");

  if (reader->scratch == NULL)
    reader->scratch = g_string_sized_new (256);
  out = reader->scratch;
  g_string_truncate (out, 0);
  g_string_append_len (out, data + start, (gssize) (pos - start));

  while (pos < reader->length)
    {
      guchar c = (guchar) data[pos];
      gsize run = pos;

      if (c == '"')
        {
          reader->string = out->str;
          reader->string_length = out->len;
          reader->string_borrowed = FALSE;
          reader->pos = pos + 1;
          return token;
        }
      if (c < 0x20)
        return fail_at (reader, pos, TECHO_JSON_ERROR_SYNTAX,
                        "a control character inside a string must be escaped");
      if (c != '\\')
        {
          while (run < reader->length && data[run] != '"' && data[run] != '\\'
                 && (guchar) data[run] >= 0x20)
            run++;
          g_string_append_len (out, data + pos, (gssize) (run - pos));
          pos = run;
          continue;
        }

      if (pos + 1 >= reader->length)
        break;
      switch (data[pos + 1])
        {
        case '"':
          g_string_append_c (out, '"');
          break;
        case '\\':
          g_string_append_c (out, '\\');
          break;
        case '/':
          g_string_append_c (out, '/');
          break;
        case 'b':
          g_string_append_c (out, '\b');
          break;
        case 'f':
          g_string_append_c (out, '\f');
          break;
        case 'n':
          g_string_append_c (out, '\n');
          break;
        case 'r':
          g_string_append_c (out, '\r');
          break;
        case 't':
          g_string_append_c (out, '\t');
          break;
        case 'u':
          {
            int unit = read_hex4 (reader, pos + 2);
            gunichar ch;

            if (unit < 0)
              return fail_at (reader, pos, TECHO_JSON_ERROR_SYNTAX,
                              "“\\u” is not followed by four hexadecimal digits");
            if (unit == 0)
              return fail_at (reader, pos, TECHO_JSON_ERROR_ENCODING,
                              "a string holds a NUL character (\\u0000), which Techo "
                              "does not accept");
            if (unit >= 0xDC00 && unit <= 0xDFFF)
              return fail_at (reader, pos, TECHO_JSON_ERROR_ENCODING,
                              "a string holds a lone low surrogate (\\u%04X)", (guint) unit);
            if (unit >= 0xD800 && unit <= 0xDBFF)
              {
                int low = -1;

                if (pos + 7 < reader->length && data[pos + 6] == '\\' && data[pos + 7] == 'u')
                  low = read_hex4 (reader, pos + 8);
                if (low < 0xDC00 || low > 0xDFFF)
                  return fail_at (reader, pos, TECHO_JSON_ERROR_ENCODING,
                                  "a string holds a high surrogate (\\u%04X) without its "
                                  "low half", (guint) unit);
                ch = 0x10000 + (((gunichar) unit - 0xD800) << 10) + ((gunichar) low - 0xDC00);
                pos += 6;
              }
            else
              ch = (gunichar) unit;
            g_string_append_unichar (out, ch);
            pos += 4;
          }
          break;
        default:
          return fail_at (reader, pos, TECHO_JSON_ERROR_SYNTAX,
                          "“\\%c” is not a JSON escape",
                          g_ascii_isprint (data[pos + 1]) ? data[pos + 1] : '?');
        }
      pos += 2;
    }
  return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                  "a string is not closed (the data is cut short)");
}

static TechoJsonToken
read_number (TechoJsonReader *reader)
{
  const char *data = reader->data;
  gsize start = reader->pos;
  gsize pos = start;
  gboolean negative = FALSE;
  gboolean is_double = FALSE;
  guint64 magnitude = 0;
  gboolean overflow = FALSE;

  if (data[pos] == '-')
    {
      negative = TRUE;
      pos++;
    }
  if (pos >= reader->length || !g_ascii_isdigit (data[pos]))
    return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX, "a number has no digits");
  if (data[pos] == '0')
    {
      pos++;
      if (pos < reader->length && g_ascii_isdigit (data[pos]))
        return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX,
                        "a number starts with a zero followed by digits");
    }
  else
    {
      while (pos < reader->length && g_ascii_isdigit (data[pos]))
        {
          guint digit = (guint) (data[pos] - '0');

          if (magnitude > (G_MAXUINT64 - digit) / 10)
            overflow = TRUE;
          else
            magnitude = magnitude * 10 + digit;
          pos++;
        }
    }
  if (pos < reader->length && data[pos] == '.')
    {
      is_double = TRUE;
      pos++;
      if (pos >= reader->length || !g_ascii_isdigit (data[pos]))
        return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX,
                        "a number has no digits after its decimal point");
      while (pos < reader->length && g_ascii_isdigit (data[pos]))
        pos++;
    }
  if (pos < reader->length && (data[pos] == 'e' || data[pos] == 'E'))
    {
      is_double = TRUE;
      pos++;
      if (pos < reader->length && (data[pos] == '+' || data[pos] == '-'))
        pos++;
      if (pos >= reader->length || !g_ascii_isdigit (data[pos]))
        return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX,
                        "a number has no digits in its exponent");
      while (pos < reader->length && g_ascii_isdigit (data[pos]))
        pos++;
    }

  if (!is_double)
    {
      if (overflow
          || (!negative && magnitude > (guint64) G_MAXINT64)
          || (negative && magnitude > (guint64) G_MAXINT64 + 1))
        return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX,
                        "a whole number is too large for Techo (beyond ±9223372036854775807)");
      reader->int_value = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
      reader->pos = pos;
      return TECHO_JSON_TOKEN_INT;
    }

  {
    char stack_buffer[64];
    g_autofree char *heap_buffer = NULL;
    gsize n = pos - start;
    char *text;

    if (n < sizeof stack_buffer)
      text = stack_buffer;
    else
      text = heap_buffer = g_malloc (n + 1);
    memcpy (text, data + start, n);
    text[n] = '\0';
    reader->double_value = g_ascii_strtod (text, NULL);
  }
  if (!isfinite (reader->double_value))
    return fail_at (reader, start, TECHO_JSON_ERROR_SYNTAX,
                    "a number is too large for Techo");
  reader->pos = pos;
  return TECHO_JSON_TOKEN_DOUBLE;
}

static TechoJsonToken
read_literal (TechoJsonReader *reader,
              const char      *word,
              gsize            word_length,
              TechoJsonToken   token)
{
  if (reader->length - reader->pos < word_length
      || memcmp (reader->data + reader->pos, word, word_length) != 0)
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    "a value is not a string, number, object, list, true, false or null");
  reader->pos += word_length;
  return token;
}

static TechoJsonToken
push (TechoJsonReader *reader,
      gboolean         object)
{
  if (reader->depth >= reader->limits.max_depth)
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_TOO_DEEP,
                    "nested more deeply than %u levels", reader->limits.max_depth);
  if (!count_value (reader))
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_TOO_MANY,
                    "more than %u values", reader->limits.max_values);
  reader->stack[reader->depth++] = object ? 1 : 0;
  reader->pos++;
  reader->state = object ? STATE_OBJECT_FIRST : STATE_ARRAY_FIRST;
  return object ? TECHO_JSON_TOKEN_BEGIN_OBJECT : TECHO_JSON_TOKEN_BEGIN_ARRAY;
}

static TechoJsonToken
pop (TechoJsonReader *reader,
     gboolean         object)
{
  reader->depth--;
  reader->pos++;
  reader->state = STATE_AFTER_VALUE;
  return object ? TECHO_JSON_TOKEN_END_OBJECT : TECHO_JSON_TOKEN_END_ARRAY;
}

static TechoJsonToken
read_value (TechoJsonReader *reader)
{
  TechoJsonToken token;

  if (reader->pos >= reader->length)
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    reader->depth == 0 ? "the data holds no JSON value"
                                       : "a value is missing (the data is cut short)");
  switch (reader->data[reader->pos])
    {
    case '{':
      return push (reader, TRUE);
    case '[':
      return push (reader, FALSE);
    case '"':
      token = read_string (reader, TECHO_JSON_TOKEN_STRING);
      break;
    case 't':
      reader->boolean_value = TRUE;
      token = read_literal (reader, "true", 4, TECHO_JSON_TOKEN_BOOLEAN);
      break;
    case 'f':
      reader->boolean_value = FALSE;
      token = read_literal (reader, "false", 5, TECHO_JSON_TOKEN_BOOLEAN);
      break;
    case 'n':
      token = read_literal (reader, "null", 4, TECHO_JSON_TOKEN_NULL);
      break;
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      token = read_number (reader);
      break;
    default:
      return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                      "a value is not a string, number, object, list, true, false or null");
    }
  if (token != TECHO_JSON_TOKEN_ERROR)
    reader->state = STATE_AFTER_VALUE;
  return token;
}

static TechoJsonToken
read_member (TechoJsonReader *reader)
{
  TechoJsonToken token;

  if (reader->pos >= reader->length)
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    "an object is not closed (the data is cut short)");
  if (reader->data[reader->pos] != '"')
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    "a member name (a quoted string) is expected");
  token = read_string (reader, TECHO_JSON_TOKEN_MEMBER);
  if (token == TECHO_JSON_TOKEN_ERROR)
    return token;
  skip_whitespace (reader);
  if (reader->pos >= reader->length || reader->data[reader->pos] != ':')
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                    "“:” is expected after a member name");
  if (!count_value (reader))
    return fail_at (reader, reader->pos, TECHO_JSON_ERROR_TOO_MANY,
                    "more than %u values", reader->limits.max_values);
  reader->pos++;
  reader->state = STATE_VALUE;
  return token;
}

TechoJsonToken
techo_json_reader_next (TechoJsonReader  *reader,
                        GError          **error)
{
  TechoJsonToken token;

  if (!reader->checked)
    {
      GError *local_error = NULL;

      reader->checked = TRUE;
      reader->values = 1;
      if (!techo_json_check_encoding (reader->data, reader->length, &reader->limits,
                                      &local_error))
        {
          reader->error = local_error;
          reader->state = STATE_FAILED;
        }
      else
        {
          reader->stack = g_malloc (reader->limits.max_depth);
          /* A UTF-8 byte order mark at the start is ignored (RFC 8259 §8.1). */
          if (reader->length >= 3 && memcmp (reader->data, "\xEF\xBB\xBF", 3) == 0)
            reader->pos = 3;
        }
    }

  skip_whitespace (reader);
  switch (reader->state)
    {
    case STATE_VALUE:
      token = read_value (reader);
      break;

    case STATE_ARRAY_FIRST:
      if (reader->pos < reader->length && reader->data[reader->pos] == ']')
        token = pop (reader, FALSE);
      else
        token = read_value (reader);
      break;

    case STATE_OBJECT_FIRST:
      if (reader->pos < reader->length && reader->data[reader->pos] == '}')
        token = pop (reader, TRUE);
      else
        token = read_member (reader);
      break;

    case STATE_MEMBER:
      token = read_member (reader);
      break;

    case STATE_AFTER_VALUE:
      if (reader->depth == 0)
        {
          if (reader->pos < reader->length)
            token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                             "there is more after the JSON value");
          else
            {
              reader->state = STATE_DONE;
              token = TECHO_JSON_TOKEN_END;
            }
          break;
        }
      if (reader->pos >= reader->length)
        {
          token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                           reader->stack[reader->depth - 1]
                           ? "an object is not closed (the data is cut short)"
                           : "a list is not closed (the data is cut short)");
          break;
        }
      switch (reader->data[reader->pos])
        {
        case ',':
          if (!count_value (reader))
            {
              token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_TOO_MANY,
                               "more than %u values", reader->limits.max_values);
              break;
            }
          reader->pos++;
          skip_whitespace (reader);
          if (reader->stack[reader->depth - 1])
            token = read_member (reader);
          else
            token = read_value (reader);
          break;
        case ']':
          if (reader->stack[reader->depth - 1])
            token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                             "“]” closes an object");
          else
            token = pop (reader, FALSE);
          break;
        case '}':
          if (!reader->stack[reader->depth - 1])
            token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                             "“}” closes a list");
          else
            token = pop (reader, TRUE);
          break;
        default:
          token = fail_at (reader, reader->pos, TECHO_JSON_ERROR_SYNTAX,
                           reader->stack[reader->depth - 1]
                           ? "“,” or “}” is expected after a member"
                           : "“,” or “]” is expected after a list element");
          break;
        }
      break;

    case STATE_DONE:
      token = TECHO_JSON_TOKEN_END;
      break;

    case STATE_FAILED:
    default:
      token = TECHO_JSON_TOKEN_ERROR;
      break;
    }

  if (token == TECHO_JSON_TOKEN_ERROR && error != NULL)
    *error = g_error_copy (reader->error);
  return token;
}

gboolean
techo_json_reader_skip (TechoJsonReader  *reader,
                        TechoJsonToken    token,
                        GError          **error)
{
  guint level;

  if (token == TECHO_JSON_TOKEN_ERROR)
    {
      if (error != NULL && reader->error != NULL)
        *error = g_error_copy (reader->error);
      return FALSE;
    }
  if (token != TECHO_JSON_TOKEN_BEGIN_OBJECT && token != TECHO_JSON_TOKEN_BEGIN_ARRAY)
    return TRUE;
  level = 1;
  while (level > 0)
    {
      switch (techo_json_reader_next (reader, error))
        {
        case TECHO_JSON_TOKEN_ERROR:
          return FALSE;
        case TECHO_JSON_TOKEN_BEGIN_OBJECT:
        case TECHO_JSON_TOKEN_BEGIN_ARRAY:
          level++;
          break;
        case TECHO_JSON_TOKEN_END_OBJECT:
        case TECHO_JSON_TOKEN_END_ARRAY:
          level--;
          break;
        case TECHO_JSON_TOKEN_END:
          /* Cannot happen inside a container. */
          g_return_val_if_reached (FALSE);
        default:
          break;
        }
    }
  return TRUE;
}

gboolean
techo_json_reader_finish (TechoJsonReader  *reader,
                          GError          **error)
{
  for (;;)
    {
      TechoJsonToken token = techo_json_reader_next (reader, error);

      if (token == TECHO_JSON_TOKEN_ERROR)
        return FALSE;
      if (token == TECHO_JSON_TOKEN_END)
        return TRUE;
    }
}

const char *
techo_json_reader_get_string (TechoJsonReader *reader,
                              gsize           *out_length,
                              gboolean        *out_borrowed)
{
  if (out_length != NULL)
    *out_length = reader->string_length;
  if (out_borrowed != NULL)
    *out_borrowed = reader->string_borrowed;
  return reader->string;
}

gint64
techo_json_reader_get_int (TechoJsonReader *reader)
{
  return reader->int_value;
}

double
techo_json_reader_get_double (TechoJsonReader *reader)
{
  return reader->double_value;
}

gboolean
techo_json_reader_get_boolean (TechoJsonReader *reader)
{
  return reader->boolean_value;
}

gboolean
techo_json_validate (const char             *data,
                     gsize                   length,
                     const TechoJsonLimits  *limits,
                     GError                **error)
{
  g_auto(TechoJsonReader) reader = { 0 };

  techo_json_reader_init (&reader, data, length, limits);
  return techo_json_reader_finish (&reader, error);
}
