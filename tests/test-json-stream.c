/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The streaming page reader (techo_records_page_read) against the tree path
 * (techo_json_parse_object_bounded + techo_records_page_from_object): for
 * every page the sandbox serves for every demo citizen, for hostile pages
 * built field by field, for every truncation of a page and for the kept
 * fuzz corpus, both must give the same records or the same error (domain,
 * code and message). */

#include "config.h"

#include <string.h>

#include "techo-json-reader.h"
#include "techo-records-json.h"
#include "techo-test-sandbox.h"

/* Every record written back as JSON, for comparison. */
static char *
record_text (TechoCategory category,
             gconstpointer record)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  techo_record_to_json (category, record, builder);
  return techo_json_builder_to_string (builder);
}

static void
assert_same_error (const GError *a,
                   const GError *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (a->domain == b->domain);
  g_assert_cmpint (a->code, ==, b->code);
  g_assert_cmpstr (a->message, ==, b->message);
}

/* Reads @data both ways and asserts the same outcome. Returns the
 * streaming path's page (NULL when both refused it; *@out_error then holds
 * the error). */
static TechoRecordsPage *
compare_paths (const char             *data,
               gsize                   length,
               const TechoJsonLimits  *limits,
               TechoCategory           category,
               guint                   max_records,
               GError                **out_error)
{
  g_autoptr(GError) tree_error = NULL;
  g_autoptr(GError) stream_error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TechoRecordsPage) tree = NULL;
  g_autoptr(TechoRecordsPage) stream = NULL;

  object = techo_json_parse_object_bounded (data, length, limits, &tree_error);
  if (object != NULL)
    tree = techo_records_page_from_object (object, category, max_records);
  stream = techo_records_page_read (data, length, limits, category, max_records, &stream_error);

  if (tree == NULL || stream == NULL)
    {
      if ((tree == NULL) != (stream == NULL))
        g_test_message ("differs on %.*s", (int) MIN (length, 300), data);
      g_assert_null (tree);
      g_assert_null (stream);
      assert_same_error (tree_error, stream_error);
      g_assert_true (stream_error->domain == TECHO_JSON_ERROR);
      if (out_error != NULL)
        *out_error = g_steal_pointer (&stream_error);
      return NULL;
    }

  g_assert_no_error (tree_error);
  g_assert_no_error (stream_error);
  g_assert_cmpint (tree->category, ==, stream->category);
  g_assert_cmpstr (tree->page_category, ==, stream->page_category);
  g_assert_cmpint (tree->has_records, ==, stream->has_records);
  g_assert_cmpuint (tree->n_records, ==, stream->n_records);
  g_assert_cmpint (tree->has_next_cursor, ==, stream->has_next_cursor);
  g_assert_cmpstr (tree->next_cursor, ==, stream->next_cursor);
  g_assert_cmpint (tree->records == NULL, ==, stream->records == NULL);
  g_assert_cmpint (tree->records_error == NULL, ==, stream->records_error == NULL);
  if (tree->records_error != NULL)
    assert_same_error (tree->records_error, stream->records_error);
  if (tree->records != NULL)
    {
      g_assert_cmpuint (tree->records->len, ==, stream->records->len);
      for (guint i = 0; i < tree->records->len; i++)
        {
          g_autofree char *a = record_text (category, g_ptr_array_index (tree->records, i));
          g_autofree char *b = record_text (category, g_ptr_array_index (stream->records, i));

          g_assert_cmpstr (a, ==, b);
        }
    }
  return g_steal_pointer (&stream);
}

/* --- The sandbox's pages ------------------------------------------------- */

static char *
call (TechoTestSandbox  *sandbox,
      const char        *method,
      const char        *path,
      const char        *access,
      const char        *body,
      guint             *out_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), path, NULL);
  char *answer = techo_test_sandbox_http (method, url, access, "application/json", body,
                                          out_status, NULL, &error);

  g_assert_no_error (error);
  return answer;
}

/* Fetches every page of @category for the signed-in citizen and compares
 * both paths on each; returns how many records they held. */
static guint
compare_citizen_category (TechoTestSandbox *sandbox,
                          const char       *access,
                          TechoCategory     category,
                          guint             limit)
{
  g_autofree char *request = g_strdup_printf ("{\"category\":\"%s\",\"from\":\"190001\","
                                              "\"to\":\"209912\"}",
                                              techo_category_to_string (category));
  g_autofree char *created = NULL;
  g_autofree char *poll_path = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) object = NULL;
  guint status = 0;
  guint total = 0;

  created = call (sandbox, "POST", "/api/v1/requests", access, request, &status);
  g_assert_cmpuint (status, ==, 202);
  object = techo_json_parse_object_bounded (created, strlen (created), NULL, NULL);
  g_assert_nonnull (object);
  poll_path = g_strdup_printf ("/api/v1/requests/%s",
                               techo_json_get_string (object, "process_id"));
  for (guint polls = 0; ; polls++)
    {
      g_autofree char *poll = call (sandbox, "GET", poll_path, access, NULL, &status);
      g_autoptr(JsonObject) state = techo_json_parse_object_bounded (poll, strlen (poll), NULL, NULL);

      g_assert_cmpuint (polls, <, 10);
      g_assert_nonnull (state);
      if (g_strcmp0 (techo_json_get_string (state, "status"), "SUCCESS") == 0)
        break;
    }

  for (guint pages = 0; ; pages++)
    {
      g_autofree char *path = NULL;
      g_autofree char *page = NULL;
      g_autoptr(TechoRecordsPage) read = NULL;

      g_assert_cmpuint (pages, <, 10000);
      path = cursor != NULL
             ? g_strdup_printf ("%s/result?limit=%u&cursor=%s", poll_path, limit, cursor)
             : g_strdup_printf ("%s/result?limit=%u", poll_path, limit);
      page = call (sandbox, "GET", path, access, NULL, &status);
      g_assert_cmpuint (status, ==, 200);
      read = compare_paths (page, strlen (page), NULL, category, limit, NULL);
      g_assert_nonnull (read);
      g_assert_nonnull (read->records);
      g_assert_cmpstr (read->page_category, ==, techo_category_to_string (category));
      total += read->records->len;
      g_clear_pointer (&cursor, g_free);
      if (!read->has_next_cursor)
        break;
      g_assert_nonnull (read->next_cursor);
      cursor = g_uri_escape_string (read->next_cursor, NULL, FALSE);
    }
  return total;
}

static void
test_sandbox_pages (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--bulk-years=2",
                                                                "--bulk-dispensings-per-month=30",
                                                                NULL);
  const char *citizens[] = { "yamada", "sato", "suzuki", "bulk" };
  guint per_category[TECHO_N_CATEGORIES] = { 0 };

  for (guint c = 0; c < G_N_ELEMENTS (citizens); c++)
    {
      g_autofree char *access = NULL;
      g_autofree char *refresh = NULL;
      g_autoptr(GError) error = NULL;

      techo_test_sandbox_sign_in (sandbox, citizens[c], NULL, &access, &refresh, &error);
      g_assert_no_error (error);
      for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
        {
          /* Small pages (many page boundaries) and the client's size. */
          guint small = compare_citizen_category (sandbox, access, k, 7);
          guint large = compare_citizen_category (sandbox, access, k, 500);

          g_assert_cmpuint (small, ==, large);
          per_category[k] += large;
        }
    }
  /* The demo data has records of every category. */
  for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
    g_assert_cmpuint (per_category[k], >, 0);
  g_test_message ("compared %u checkups, %u medication lines, %u screenings",
                  per_category[TECHO_CATEGORY_CHECKUP], per_category[TECHO_CATEGORY_MEDICATION],
                  per_category[TECHO_CATEGORY_SCREENING]);
}

/* --- Hostile pages ------------------------------------------------------- */

typedef struct
{
  const char *name;
  const char *value; /* JSON text */
} Field;

static const Field medication_fields[] = {
  { "id", "\"m-1\"" },
  { "revision", "2" },
  { "source", "\"dispensing\"" },
  { "dispensed_on", "\"2026-01-05\"" },
  { "prescribed_on", "\"2026-01-04\"" },
  { "setting", "\"outpatient\"" },
  { "pharmacy", "{\"code\":\"1312345\",\"name\":\"みどり薬局\"}" },
  { "prescriber", "{\"code\":\"1311111\",\"name\":\"山田医院\",\"department\":\"内科\"}" },
  { "receipt_code", "\"610463147\"" },
  { "yj_code", "\"2171022F1020\"" },
  { "drug_name", "\"アムロジピン錠５ｍｇ「\\u30b5\\u30ef\\u30A4」\\ud83d\\udc8a\"" },
  { "ingredient_name", "\"amlodipine\\tbesilate \\\"5\\\" \\\\ \\/\"" },
  { "quantity", "30.5" },
  { "unit", "\"錠\"" },
  { "usage", "\"1日1回朝食後\"" },
  { "days", "30" },
  { "dosage_form", "\"1\"" },
  { "withdrawn", "false" },
};

static const Field checkup_fields[] = {
  { "id", "\"c-1\"" },
  { "revision", "1" },
  { "performed_on", "\"2025-06-01\"" },
  { "kind", "\"1\"" },
  { "report_kind", "\"1\"" },
  { "institution", "{\"code\":\"1310000001\",\"name\":\"健診センター\"}" },
  { "items", "[{\"code\":\"9N001000000000001\",\"name\":\"身長\",\"type\":\"PQ\",\"value\":\"170.2\","
             "\"unit\":\"cm\"},{\"code\":\"9A755000000000001\",\"type\":\"CD\",\"value\":\"1\","
             "\"value_system\":\"1.2.392.200119.6.1005\",\"display\":\"所見なし\"},"
             "{\"code\":\"3D045000001906202\",\"type\":\"PQ\",\"not_performed\":true}]" },
  { "document", "\"/api/v1/documents/c-1\"" },
};

static const Field screening_fields[] = {
  { "id", "\"s-1\"" },
  { "revision", "3" },
  { "performed_on", "\"2024-10-10\"" },
  { "cancer", "\"stomach\"" },
  { "report_kind", "\"2\"" },
  { "stage", "\"primary\"" },
  { "municipality", "{\"code\":\"131016\",\"name\":\"千代田区\"}" },
  { "items", "[{\"code\":\"X1\",\"type\":\"ST\",\"value\":\"要精検\"}]" },
  { "followup", "{\"code\":\"F1\",\"value\":\"2\",\"display\":\"精検受診\"}" },
};

/* Values put in place of each field in turn. */
static const char * const hostile_values[] = {
  "null", "0", "-1", "1", "1.0", "1e2", "-0", "9223372036854775807", "-9223372036854775808",
  "9223372036854775808", "99999999999999999999", "1e400", "-1e400", "1e-400", "10000", "10001",
  "1e7", "10000001", "true", "false", "\"\"", "\"x\"", "\"2026-02-29\"", "\"2024-02-29\"",
  "\"1899-12-31\"", "\"2026-1-05\"", "\"２０２６-01-05\"", "[]", "{}", "[1,2]", "{\"a\":1}",
  "[{}]", "[null]", "[{\"code\":\"x\",\"type\":\"PQ\"}]",
  "[{\"code\":\"x\",\"type\":\"XX\",\"value\":\"1\"}]",
  "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
  "\"\\x41\"", "\"\\u12\"", "\"\\u12G4\"", "\"a\tb\"", "\"\\'\"", "'x'", "01", ".5", "1.",
  "+1", "0x10", "tru", "nul", "\"dispensing\"", "\"claims\"", "\"inpatient\"", "\"lung\"",
  "\"detailed\"", "{\"code\":1}", "{\"name\":[]}", "{\"code\":\"1\",\"code\":2}",
  "[[[[[[[[[[]]]]]]]]]]", "/* c */ 1", "1 // c",
};

static GString *
build_record (const Field *fields,
              guint        n_fields,
              guint        replace,      /* G_MAXUINT: none */
              const char  *value,        /* NULL: leave the field out */
              gboolean     duplicate)    /* repeat the field with @value after it */
{
  GString *record = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < n_fields; i++)
    {
      const char *v = fields[i].value;

      if (i == replace && !duplicate)
        {
          if (value == NULL)
            continue;
          v = value;
        }
      g_string_append_printf (record, "%s\"%s\":%s", first ? "" : ",", fields[i].name, v);
      first = FALSE;
      if (i == replace && duplicate)
        g_string_append_printf (record, ",\"%s\":%s", fields[i].name, value);
    }
  g_string_append_c (record, '}');
  return record;
}

static char *
build_page (TechoCategory  category,
            const char    *records)
{
  return g_strdup_printf ("{\"category\":\"%s\",\"records\":[%s],\"next_cursor\":\"n-2\","
                          "\"extra\":{\"x\":[1,2.5,true,null,\"\\u00e9\"]}}",
                          techo_category_to_string (category), records);
}

static void
fields_of (TechoCategory   category,
           const Field   **out_fields,
           guint          *out_n)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      *out_fields = checkup_fields;
      *out_n = G_N_ELEMENTS (checkup_fields);
      break;
    case TECHO_CATEGORY_MEDICATION:
      *out_fields = medication_fields;
      *out_n = G_N_ELEMENTS (medication_fields);
      break;
    case TECHO_CATEGORY_SCREENING:
    default:
      *out_fields = screening_fields;
      *out_n = G_N_ELEMENTS (screening_fields);
      break;
    }
}

static void
test_hostile_fields (void)
{
  guint n_pages = 0;
  guint n_refused = 0;

  for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
    {
      const Field *fields;
      guint n_fields;
      g_autoptr(GString) good = NULL;
      g_autofree char *good_page = NULL;
      g_autoptr(TechoRecordsPage) read = NULL;

      fields_of (k, &fields, &n_fields);
      good = build_record (fields, n_fields, G_MAXUINT, NULL, FALSE);
      good_page = build_page (k, good->str);
      read = compare_paths (good_page, strlen (good_page), NULL, k, 10, NULL);
      /* The template itself is a good record. */
      g_assert_nonnull (read);
      g_assert_nonnull (read->records);
      g_assert_cmpuint (read->records->len, ==, 1);

      for (guint f = 0; f < n_fields; f++)
        for (guint v = 0; v <= G_N_ELEMENTS (hostile_values); v++)
          for (guint dup = 0; dup < 2; dup++)
            {
              const char *value = v < G_N_ELEMENTS (hostile_values) ? hostile_values[v] : NULL;
              g_autoptr(GString) bad = NULL;
              g_autofree char *records = NULL;
              g_autofree char *page = NULL;
              g_autoptr(TechoRecordsPage) result = NULL;
              g_autoptr(GError) error = NULL;

              if (value == NULL && dup)
                continue;
              bad = build_record (fields, n_fields, f, value, dup);
              /* The bad record between two good ones. */
              records = g_strdup_printf ("%s,%s,%s", good->str, bad->str, good->str);
              page = build_page (k, records);
              result = compare_paths (page, strlen (page), NULL, k, 10, &error);
              n_pages++;
              if (result == NULL || result->records == NULL)
                n_refused++;
              /* A NUL escape is refused, never cut short. */
              if (value != NULL && strstr (value, "\\u0000") != NULL)
                g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING);
            }
    }
  g_test_message ("%u hostile pages, %u refused", n_pages, n_refused);
  /* Most of the variants are bad, and some are fine. */
  g_assert_cmpuint (n_refused, >, n_pages / 2);
  g_assert_cmpuint (n_refused, <, n_pages);
}

/* Every prefix of a good page is refused the same way by both. */
static void
test_truncation (void)
{
  for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
    {
      const Field *fields;
      guint n_fields;
      g_autoptr(GString) good = NULL;
      g_autofree char *page = NULL;
      gsize length;

      fields_of (k, &fields, &n_fields);
      good = build_record (fields, n_fields, G_MAXUINT, NULL, FALSE);
      page = build_page (k, good->str);
      length = strlen (page);
      for (gsize cut = 0; cut < length; cut++)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(TechoRecordsPage) read = NULL;

          /* A cut inside a UTF-8 sequence is an encoding error; any other
           * cut is a syntax error. */
          read = compare_paths (page, cut, NULL, k, 10, &error);
          g_assert_null (read);
          g_assert_true (g_error_matches (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX)
                         || g_error_matches (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING));
        }
    }
}

static void
test_hostile_pages (void)
{
  static const struct
  {
    const char *page;
    int code; /* -1: read */
  } cases[] = {
    { "", TECHO_JSON_ERROR_SYNTAX },
    { "   ", TECHO_JSON_ERROR_SYNTAX },
    { "[]", TECHO_JSON_ERROR_INVALID },
    { "\"page\"", TECHO_JSON_ERROR_INVALID },
    { "[] x", TECHO_JSON_ERROR_SYNTAX },
    { "{}", -1 },
    { "{\"records\":null}", -1 },
    { "{\"records\":{}}", -1 },
    { "{\"records\":[]}", -1 },
    { "{\"records\":[1]}", -1 },
    { "{\"records\":[[]],\"records\":[]}", -1 },
    { "{\"records\":[],\"records\":[{}]}", -1 },
    { "{\"records\":[{}],\"records\":7}", -1 },
    { "{\"records\":[{},1,2,3,4,5,6,7,8,9,10,11]}", -1 },
    { "{\"records\":[],\"category\":\"checkup\",\"category\":5}", -1 },
    { "{\"records\":[],\"category\":5,\"category\":\"screening\"}", -1 },
    { "{\"records\":[],\"next_cursor\":null}", -1 },
    { "{\"records\":[],\"next_cursor\":\"a\",\"next_cursor\":null}", -1 },
    { "{\"records\":[],\"next_cursor\":null,\"next_cursor\":[1]}", -1 },
    { "{\"records\":[],\"next_cursor\":\"\"}", -1 },
    { "{\"records\":[],\"next_cursor\":\"a\\u0000b\"}", TECHO_JSON_ERROR_ENCODING },
    { "{\"records\":[],\"next_cursor\":\"\\ud83d\\ude00\"}", -1 },
    { "{\"records\":[]} ", -1 },
    { "\xEF\xBB\xBF{\"records\":[]}", -1 },
    { "{\"records\":[],}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[,]}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\" []}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[]]", TECHO_JSON_ERROR_SYNTAX },
    { "{'records':[]}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[], \"x\": \"\xC3\x28\"}", TECHO_JSON_ERROR_ENCODING },
    { "{\"records\":[], \"x\": \"\xED\xA0\x80\"}", TECHO_JSON_ERROR_ENCODING },
    { "{\"records\":[], \"x\": \"\xF4\x90\x80\x80\"}", TECHO_JSON_ERROR_ENCODING },
    { "{\"records\":[], \"x\": \"\xC0\xAF\"}", TECHO_JSON_ERROR_ENCODING },
    { "{\"records\":[], \"x\": 1e99999}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[], \"x\": -}", TECHO_JSON_ERROR_SYNTAX },
    { "{\"records\":[], \"x\": \"\\u00\"}", TECHO_JSON_ERROR_SYNTAX },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(TechoRecordsPage) read = NULL;
        read = compare_paths (cases[i].page, strlen (cases[i].page), NULL, k, 10, &error);
        if (cases[i].code < 0)
          g_assert_nonnull (read);
        else
          g_assert_error (error, TECHO_JSON_ERROR, cases[i].code);
      }

  /* A NUL byte in the data (not an escape) is an encoding error. */
  {
    static const char with_nul[] = "{\"records\":[],\"x\":\"a\0b\"}";
    g_autoptr(GError) error = NULL;

    g_assert_null (compare_paths (with_nul, sizeof with_nul - 1, NULL,
                                  TECHO_CATEGORY_CHECKUP, 10, &error));
    g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING);
  }
}

/* The limits: both paths refuse at the same size, depth and count. */
static void
test_limits (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"records\":[{\"id\":\"a\",\"x\":");
  g_autoptr(GString) many = g_string_new ("{\"records\":[");
  TechoJsonLimits limits = { 0 };

  /* Depth: the page is 2 levels, the record 3, then the nesting. */
  for (guint depth = 0; depth < 70; depth++)
    {
      g_autofree char *page = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoRecordsPage) read = NULL;
      g_autoptr(GString) nest = g_string_new (deep->str);

      for (guint i = 0; i < depth; i++)
        g_string_append_c (nest, '[');
      g_string_append (nest, "1");
      for (guint i = 0; i < depth; i++)
        g_string_append_c (nest, ']');
      g_string_append (nest, "}]}");
      page = g_string_free (g_steal_pointer (&nest), FALSE);
      read = compare_paths (page, strlen (page), NULL, TECHO_CATEGORY_MEDICATION, 10, &error);
      if (depth + 3 > TECHO_JSON_DEFAULT_MAX_DEPTH)
        g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP);
      else
        g_assert_nonnull (read);
    }

  /* Value count and size, with small limits. */
  for (guint i = 0; i < 60; i++)
    g_string_append_printf (many, "%s{}", i == 0 ? "" : ",");
  g_string_append (many, "]}");
  for (guint max_values = 50; max_values < 70; max_values++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoRecordsPage) read = NULL;

      limits.max_values = max_values;
      read = compare_paths (many->str, many->len, &limits, TECHO_CATEGORY_CHECKUP, 100, &error);
      if (read == NULL)
        g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY);
    }
  limits.max_values = 0;
  for (gsize max_bytes = many->len - 2; max_bytes <= many->len + 1; max_bytes++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoRecordsPage) read = NULL;

      limits.max_bytes = max_bytes;
      read = compare_paths (many->str, many->len, &limits, TECHO_CATEGORY_CHECKUP, 100, &error);
      g_assert_cmpint (read == NULL, ==, max_bytes < many->len);
      /* "{}" is no record. */
      if (read != NULL)
        g_assert_error (read->records_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
    }
  {
    g_autoptr(TechoRecordsPage) read = compare_paths (many->str, many->len, NULL,
                                                      TECHO_CATEGORY_CHECKUP, 10, NULL);

    /* 60 records where 10 are allowed: counted, not built. */
    g_assert_nonnull (read);
    g_assert_cmpuint (read->n_records, ==, 60);
    g_assert_null (read->records);
    g_assert_error (read->records_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY);
  }
}

/* The reader's tokens for a small document, and its strings decoded. */
static void
test_reader_tokens (void)
{
  static const char text[] = " {\"a\\u00e9\":[1,-2.5e1,true,false,null,\"x\\ud83d\\ude00\\n\"],"
                             "\"b\":{}} ";
  static const TechoJsonToken expected[] = {
    TECHO_JSON_TOKEN_BEGIN_OBJECT, TECHO_JSON_TOKEN_MEMBER, TECHO_JSON_TOKEN_BEGIN_ARRAY,
    TECHO_JSON_TOKEN_INT, TECHO_JSON_TOKEN_DOUBLE, TECHO_JSON_TOKEN_BOOLEAN,
    TECHO_JSON_TOKEN_BOOLEAN, TECHO_JSON_TOKEN_NULL, TECHO_JSON_TOKEN_STRING,
    TECHO_JSON_TOKEN_END_ARRAY, TECHO_JSON_TOKEN_MEMBER, TECHO_JSON_TOKEN_BEGIN_OBJECT,
    TECHO_JSON_TOKEN_END_OBJECT, TECHO_JSON_TOKEN_END_OBJECT, TECHO_JSON_TOKEN_END,
  };
  g_auto(TechoJsonReader) reader = { 0 };
  g_autoptr(GError) error = NULL;
  const char *s;
  gsize length;
  gboolean borrowed;

  techo_json_reader_init (&reader, text, sizeof text - 1, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      TechoJsonToken token = techo_json_reader_next (&reader, &error);

      g_assert_no_error (error);
      g_assert_cmpint (token, ==, expected[i]);
      switch (i)
        {
        case 1:
          s = techo_json_reader_get_string (&reader, &length, &borrowed);
          g_assert_cmpmem (s, length, "a\xC3\xA9", 3);
          g_assert_false (borrowed);
          break;
        case 3:
          g_assert_cmpint (techo_json_reader_get_int (&reader), ==, 1);
          break;
        case 4:
          g_assert_cmpfloat (techo_json_reader_get_double (&reader), ==, -25.0);
          break;
        case 5:
          g_assert_true (techo_json_reader_get_boolean (&reader));
          break;
        case 8:
          s = techo_json_reader_get_string (&reader, &length, &borrowed);
          g_assert_cmpmem (s, length, "x\xF0\x9F\x98\x80\n", 6);
          break;
        case 10:
          s = techo_json_reader_get_string (&reader, &length, &borrowed);
          g_assert_cmpmem (s, length, "b", 1);
          g_assert_true (borrowed);
          break;
        default:
          break;
        }
    }
  /* After the end, the end again. */
  g_assert_cmpint (techo_json_reader_next (&reader, &error), ==, TECHO_JSON_TOKEN_END);

  /* An error names where it is. */
  {
    g_auto(TechoJsonReader) bad = { 0 };

    techo_json_reader_init (&bad, "[1,\n  \"a\\u0000\"]", 16, NULL);
    g_assert_cmpint (techo_json_reader_next (&bad, NULL), ==, TECHO_JSON_TOKEN_BEGIN_ARRAY);
    g_assert_cmpint (techo_json_reader_next (&bad, NULL), ==, TECHO_JSON_TOKEN_INT);
    g_assert_cmpint (techo_json_reader_next (&bad, &error), ==, TECHO_JSON_TOKEN_ERROR);
    g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING);
    g_assert_nonnull (strstr (error->message, "line 2, column 5"));
    g_clear_error (&error);
    /* It stays failed. */
    g_assert_cmpint (techo_json_reader_next (&bad, &error), ==, TECHO_JSON_TOKEN_ERROR);
    g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_ENCODING);
  }
}

/* Replays tests/corpus/json-stream (crashes and seeds of fuzz-json-stream)
 * and tests/corpus/json through both paths, as every category. */
static void
test_corpus (void)
{
  const char *dirs[] = { "json-stream", "json" };
  guint n = 0;

  for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
    {
      g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "corpus", dirs[d], NULL);
      g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir_path, name, NULL);
          g_autofree char *data = NULL;
          gsize length = 0;

          g_assert_true (g_file_get_contents (path, &data, &length, NULL));
          for (guint k = 0; k < TECHO_N_CATEGORIES; k++)
            {
              g_autoptr(TechoRecordsPage) read = compare_paths (data, length, NULL, k, 500, NULL);

              if (g_str_has_prefix (name, "ok-") && d == 0)
                g_assert_nonnull (read);
            }
          n++;
        }
    }
  g_assert_cmpuint (n, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-stream/reader-tokens", test_reader_tokens);
  g_test_add_func ("/json-stream/hostile-pages", test_hostile_pages);
  g_test_add_func ("/json-stream/hostile-fields", test_hostile_fields);
  g_test_add_func ("/json-stream/truncation", test_truncation);
  g_test_add_func ("/json-stream/limits", test_limits);
  g_test_add_func ("/json-stream/corpus", test_corpus);
  g_test_add_func ("/json-stream/sandbox-pages", test_sandbox_pages);
  return g_test_run ();
}
