/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JAHIS medication notebook reader: fields of every record kind it
 * keeps, CP932 and UTF-8 (BOM, CRLF), stable ids, multi-part data joined
 * in any order, a missing part named, every limit, clear messages for bad
 * lines, and the kept corpus replayed. */

#include "config.h"

#include <string.h>

#include "techo-jahis.h"

/* Two dispensing days, two pharmacies, two prescribing clinics, three RPs. */
static const char *const sample_lines[] = {
  "JAHISTC08,1",
  "1,山田 太郎,1,19600115,1000001,東京都千代田区1-1,03-0000-0000,,A,65,ヤマダ タロウ",
  "2,1,ペニシリン系抗菌薬で発疹",
  "5,20261001,1",
  "11,みなと薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1",
  "15,薬剤 花子,1",
  "51,千代田内科クリニック,13,1,7654321,1",
  "55,内科 一郎,内科,1",
  "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1",
  "201,1,ロサルタンカリウム錠50mg,1,錠,4,2149039F1020,1",
  "301,1,1日1回朝食後,28,日分,1,1",
  "201,2,ロキソプロフェンNa錠60mg,3,錠,2,620098801,1",
  "301,2,1日3回毎食後,7,日分,1,1",
  "5,20261015,1",
  "11,さくら薬局,13,4,2345678,,,,1",
  "51,港整形外科,13,1,8765432,1",
  "55,整形 次郎,整形外科,1",
  "201,1,\"セレコキシブ錠100mg, \"\"OD\"\"\",2,錠,4,1149037F1020,1",
  "301,1,\"1日2回朝夕食後\",14,日分,1,1",
  "501,備考です",
  NULL
};

static char *
sample_text (const char *newline)
{
  return g_strjoinv (newline, (char **) sample_lines);
}

static TechoJahisResult *
parse_ok (const char *data,
          gsize       length)
{
  g_autoptr(GError) error = NULL;
  TechoJahisResult *result = techo_jahis_parse (data, length, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
assert_error (const char *data,
              gsize       length,
              int         code,
              const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoJahisResult) result = techo_jahis_parse (data, length, &error);

  if (result != NULL)
    g_error ("expected an error saying “%s”", fragment);
  g_assert_error (error, TECHO_JAHIS_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
assert_same_dispensings (const TechoJahisResult *a,
                         const TechoJahisResult *b)
{
  g_assert_cmpuint (a->dispensings->len, ==, b->dispensings->len);
  for (guint i = 0; i < a->dispensings->len; i++)
    {
      const TechoDispensing *x = g_ptr_array_index (a->dispensings, i);
      const TechoDispensing *y = g_ptr_array_index (b->dispensings, i);

      g_assert_cmpstr (x->id, ==, y->id);
      g_assert_cmpstr (x->drug_name, ==, y->drug_name);
      g_assert_cmpstr (x->usage, ==, y->usage);
      g_assert_cmpstr (x->pharmacy_name, ==, y->pharmacy_name);
      g_assert_cmpint (x->days, ==, y->days);
    }
}

static void
test_fields (void)
{
  g_autofree char *text = sample_text ("\n");
  g_autoptr(TechoJahisResult) r = parse_ok (text, strlen (text));
  const TechoDispensing *d;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (r->version, ==, 8);
  g_assert_cmpuint (r->n_parts, ==, 0);
  g_assert_cmpuint (r->n_skipped, ==, 3); /* 2, 15, 501 */
  g_assert_nonnull (r->patient);
  g_assert_cmpstr (r->patient->name, ==, "山田 太郎");
  g_assert_cmpstr (r->patient->name_kana, ==, "ヤマダ タロウ");
  g_assert_cmpstr (r->patient->sex, ==, "male");
  g_assert_cmpstr (r->patient->birth_date, ==, "1960-01-15");
  g_assert_cmpuint (r->dispensings->len, ==, 4);

  d = g_ptr_array_index (r->dispensings, 0);
  g_assert_cmpstr (d->dispensed_on, ==, "2026-10-01");
  g_assert_cmpstr (d->source, ==, "dispensing");
  g_assert_cmpint (d->revision, ==, 1);
  g_assert_cmpstr (d->pharmacy_name, ==, "みなと薬局");
  g_assert_cmpstr (d->pharmacy_code, ==, "1341234567");
  g_assert_cmpstr (d->prescriber_name, ==, "千代田内科クリニック");
  g_assert_cmpstr (d->prescriber_code, ==, "1317654321");
  g_assert_cmpstr (d->prescriber_department, ==, "内科");
  g_assert_cmpstr (d->drug_name, ==, "アムロジピン錠5mg");
  g_assert_cmpstr (d->yj_code, ==, "2171022F1020");
  g_assert_null (d->receipt_code);
  g_assert_cmpfloat (d->quantity, ==, 1.0);
  g_assert_cmpstr (d->unit, ==, "錠");
  g_assert_cmpstr (d->usage, ==, "1日1回朝食後");
  g_assert_cmpint (d->days, ==, 28);
  g_assert_cmpstr (d->dosage_form, ==, "1");
  g_assert_true (g_str_has_prefix (d->id, "jahis-"));
  g_assert_cmpuint (strlen (d->id), ==, 6 + 16);

  d = g_ptr_array_index (r->dispensings, 2);
  g_assert_cmpstr (d->drug_name, ==, "ロキソプロフェンNa錠60mg");
  g_assert_cmpstr (d->receipt_code, ==, "620098801");
  g_assert_null (d->yj_code);
  g_assert_cmpfloat (d->quantity, ==, 3.0);
  g_assert_cmpstr (d->usage, ==, "1日3回毎食後");
  g_assert_cmpint (d->days, ==, 7);

  d = g_ptr_array_index (r->dispensings, 3);
  g_assert_cmpstr (d->dispensed_on, ==, "2026-10-15");
  g_assert_cmpstr (d->pharmacy_name, ==, "さくら薬局");
  g_assert_cmpstr (d->prescriber_name, ==, "港整形外科");
  g_assert_cmpstr (d->prescriber_department, ==, "整形外科");
  g_assert_cmpstr (d->drug_name, ==, "セレコキシブ錠100mg, \"OD\"");
  g_assert_cmpint (d->days, ==, 14);

  for (guint i = 0; i < r->dispensings->len; i++)
    {
      d = g_ptr_array_index (r->dispensings, i);
      g_assert_true (g_hash_table_add (ids, d->id));
    }
}

static void
test_encodings (void)
{
  g_autofree char *utf8 = sample_text ("\n");
  g_autofree char *crlf = sample_text ("\r\n");
  g_autofree char *bom = g_strconcat ("\xEF\xBB\xBF", crlf, NULL);
  g_autoptr(GError) error = NULL;
  gsize cp932_length = 0;
  g_autofree char *cp932 = g_convert (crlf, -1, "CP932", "UTF-8", NULL, &cp932_length, &error);
  g_autoptr(TechoJahisResult) a = NULL;
  g_autoptr(TechoJahisResult) b = NULL;
  g_autoptr(TechoJahisResult) c = NULL;
  g_autoptr(TechoJahisResult) d = NULL;

  g_assert_no_error (error);
  /* Really CP932 bytes, not UTF-8. */
  g_assert_false (g_utf8_validate (cp932, cp932_length, NULL));

  a = parse_ok (utf8, strlen (utf8));
  b = parse_ok (crlf, strlen (crlf));
  c = parse_ok (bom, strlen (bom));
  d = parse_ok (cp932, cp932_length);
  assert_same_dispensings (a, b);
  assert_same_dispensings (a, c);
  assert_same_dispensings (a, d);
  g_assert_cmpstr (d->patient->name, ==, "山田 太郎");
}

static void
test_stable_ids (void)
{
  g_autofree char *text = sample_text ("\n");
  g_autoptr(GString) changed = g_string_new (text);
  g_autoptr(TechoJahisResult) a = parse_ok (text, strlen (text));
  g_autoptr(TechoJahisResult) b = parse_ok (text, strlen (text));
  g_autoptr(TechoJahisResult) c = NULL;
  g_autoptr(GString) doubled = NULL;
  g_autoptr(TechoJahisResult) twice = NULL;

  assert_same_dispensings (a, b);

  /* One drug line changed: only its id changes. */
  g_string_replace (changed, "アムロジピン錠5mg", "アムロジピン錠2.5mg", 1);
  c = parse_ok (changed->str, changed->len);
  g_assert_cmpuint (c->dispensings->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const char *x = ((TechoDispensing *) g_ptr_array_index (a->dispensings, i))->id;
      const char *y = ((TechoDispensing *) g_ptr_array_index (c->dispensings, i))->id;

      if (i == 0)
        g_assert_cmpstr (x, !=, y);
      else
        g_assert_cmpstr (x, ==, y);
    }

  /* The same drug line twice in one RP stays two records. */
  doubled = g_string_new (text);
  g_string_replace (doubled, "301,2,", "201,2,ロキソプロフェンNa錠60mg,3,錠,2,620098801,1\n301,2,", 1);
  twice = parse_ok (doubled->str, doubled->len);
  g_assert_cmpuint (twice->dispensings->len, ==, 5);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (twice->dispensings, 2))->id, !=,
                   ((TechoDispensing *) g_ptr_array_index (twice->dispensings, 3))->id);
}

/* @order: the part numbers (1-based) in the order they are written. */
static char *
multipart_text (const guint *order,
                guint        n_order,
                const char  *newline)
{
  /* Parts split at line boundaries: header … 8, 9 … 14, 15 … end. */
  static const guint starts[] = { 1, 8, 14, 20 };
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint k = 0; k < n_order; k++)
    {
      guint part = order[k];

      g_string_append_printf (out, "JAHISTC08,1%s911,20261001123456,3,%u%s", newline, part, newline);
      for (guint i = starts[part - 1]; i < starts[part]; i++)
        g_string_append_printf (out, "%s%s", sample_lines[i], newline);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_multipart (void)
{
  static const guint shuffled[] = { 3, 1, 2 };
  static const guint repeated[] = { 2, 3, 2, 1 };
  static const guint missing[] = { 3, 1 };
  static const guint only_one[] = { 2 };
  g_autofree char *whole = sample_text ("\n");
  g_autofree char *parts = multipart_text (shuffled, 3, "\r\n");
  g_autofree char *again = multipart_text (repeated, 4, "\n");
  g_autofree char *gap = multipart_text (missing, 2, "\n");
  g_autofree char *lonely = multipart_text (only_one, 1, "\n");
  g_autoptr(TechoJahisResult) a = parse_ok (whole, strlen (whole));
  g_autoptr(TechoJahisResult) b = parse_ok (parts, strlen (parts));
  g_autoptr(TechoJahisResult) c = parse_ok (again, strlen (again));
  g_autoptr(GString) mixed = NULL;
  g_autoptr(GString) conflicting = NULL;

  g_assert_cmpuint (b->n_parts, ==, 3);
  assert_same_dispensings (a, b);
  assert_same_dispensings (a, c);
  g_assert_cmpstr (b->patient->name, ==, "山田 太郎");

  assert_error (gap, strlen (gap), TECHO_JAHIS_ERROR_MISSING_PART, "Part 2 of 3");
  assert_error (lonely, strlen (lonely), TECHO_JAHIS_ERROR_MISSING_PART, "Parts 1, 3 of 3");

  /* A part of other data (another data id) is refused. */
  mixed = g_string_new (parts);
  g_string_replace (mixed, "911,20261001123456,3,1", "911,20261001999999,3,1", 1);
  assert_error (mixed->str, mixed->len, TECHO_JAHIS_ERROR_INVALID, "other medication data");

  /* The same part twice with different content is refused. */
  conflicting = g_string_new (again);
  g_string_replace (conflicting, "1日3回毎食後", "1日2回朝夕食後", 1);
  assert_error (conflicting->str, conflicting->len, TECHO_JAHIS_ERROR_INVALID, "appears twice");

  assert_error ("JAHISTC08,1\n911,1,0,1\n", 22, TECHO_JAHIS_ERROR_INVALID, "part marker");
  assert_error ("JAHISTC08,1\n911,1,2,3\n", 22, TECHO_JAHIS_ERROR_INVALID, "part marker");
}

static void
test_limits (void)
{
  g_autofree char *text = sample_text ("\n");
  g_autoptr(GString) big = g_string_new (text);
  g_autoptr(GString) lines = g_string_new ("JAHISTC08,1\n");
  g_autoptr(GString) fields = g_string_new ("JAHISTC08,1\n501");
  g_autoptr(GString) drugs = g_string_new ("JAHISTC08,1\n5,20261001\n");
  g_autofree char *long_field = NULL;
  g_autofree char *long_quoted = NULL;
  guchar garbage[4096];

  /* Size: one byte over the cap. */
  while (big->len <= TECHO_JAHIS_MAX_SIZE)
    g_string_append (big, "\n501,備考");
  g_string_truncate (big, TECHO_JAHIS_MAX_SIZE + 1);
  assert_error (big->str, big->len, TECHO_JAHIS_ERROR_TOO_LARGE, "larger than");

  /* Lines. */
  for (int i = 0; i < TECHO_JAHIS_MAX_LINES; i++)
    g_string_append (lines, "\n");
  assert_error (lines->str, lines->len, TECHO_JAHIS_ERROR_TOO_LARGE, "lines");

  /* Fields per line. */
  for (int i = 0; i < TECHO_JAHIS_MAX_FIELDS; i++)
    g_string_append (fields, ",x");
  assert_error (fields->str, fields->len, TECHO_JAHIS_ERROR_TOO_LARGE, "Line 2");

  /* Field length, plain and quoted. */
  long_field = g_strdup_printf ("JAHISTC08,1\n5,20261001\n201,1,%0*d,1,錠,1,,1\n",
                                TECHO_JAHIS_MAX_FIELD_LENGTH + 1, 7);
  assert_error (long_field, strlen (long_field), TECHO_JAHIS_ERROR_TOO_LARGE, "Line 3: field 3");
  long_quoted = g_strdup_printf ("JAHISTC08,1\n5,20261001\n201,1,\"%0*d\",1,錠,1,,1\n",
                                 TECHO_JAHIS_MAX_FIELD_LENGTH * 2, 7);
  assert_error (long_quoted, strlen (long_quoted), TECHO_JAHIS_ERROR_TOO_LARGE, "field 3");

  /* Drug lines. */
  for (int i = 0; i <= TECHO_JAHIS_MAX_DISPENSINGS; i++)
    g_string_append_printf (drugs, "201,1,薬%d,1,錠,1,,1\n", i);
  assert_error (drugs->str, drugs->len, TECHO_JAHIS_ERROR_TOO_LARGE, "medicine lines");

  /* Binary garbage, with and without NUL bytes. */
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (guchar) g_test_rand_int_range (0, 256);
  garbage[100] = 0;
  assert_error ((const char *) garbage, sizeof garbage, TECHO_JAHIS_ERROR_ENCODING, "binary");
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (guchar) g_test_rand_int_range (0x80, 0x100);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TechoJahisResult) r = techo_jahis_parse ((const char *) garbage, sizeof garbage,
                                                       &error);
    g_assert_null (r);
    g_assert_nonnull (error);
    g_assert_true (error->domain == TECHO_JAHIS_ERROR);
  }

  /* A truncated line: the quote never closes. */
  assert_error ("JAHISTC08,1\n5,20261001\n201,1,\"アムロジ", strlen ("JAHISTC08,1\n5,20261001\n201,1,\"アムロジ"),
                TECHO_JAHIS_ERROR_MALFORMED, "Line 3: a quoted field is not closed");
}

static void
test_errors (void)
{
  static const struct
  {
    const char *text;
    int code;
    const char *fragment;
  } cases[] = {
    { "", TECHO_JAHIS_ERROR_NOT_JAHIS, "no JAHISTC header" },
    { "hello,world\n", TECHO_JAHIS_ERROR_NOT_JAHIS, "first line should start with JAHISTC" },
    { "JAHISTC09,1\n", TECHO_JAHIS_ERROR_VERSION, "version 9" },
    { "JAHISTC00,1\n", TECHO_JAHIS_ERROR_VERSION, "versions 1 to 8" },
    { "JAHISTCx\n", TECHO_JAHIS_ERROR_NOT_JAHIS, "Line 1" },
    { "JAHISTC08,1\n201,1,薬,1,錠,1,,1\n", TECHO_JAHIS_ERROR_INVALID,
      "Line 2: record 201 comes before any dispensing date" },
    { "JAHISTC08,1\n5,20261301\n", TECHO_JAHIS_ERROR_INVALID, "Line 2: the dispensing date “20261301”" },
    { "JAHISTC08,1\n\n5,20261001\n201,1,,1,錠\n", TECHO_JAHIS_ERROR_INVALID,
      "Line 4: the medicine record has no name" },
    { "JAHISTC08,1\n5,20261001\n201,,薬\n", TECHO_JAHIS_ERROR_INVALID, "no RP number" },
    { "JAHISTC08,1\n5,20261001\n201,1,薬,abc,錠\n", TECHO_JAHIS_ERROR_INVALID, "amount “abc”" },
    { "JAHISTC08,1\n5,20261001\n201,1,薬,1,錠\n301,1,毎食後,7.5,日分\n", TECHO_JAHIS_ERROR_INVALID,
      "Line 4: the number of days “7.5”" },
    { "JAHISTC08,1\nabc,1\n", TECHO_JAHIS_ERROR_MALFORMED, "Line 2 is not a JAHIS record" },
    { "JAHISTC08,1\n5,20261001\n201,1,\"薬\"x\n", TECHO_JAHIS_ERROR_MALFORMED, "after a closing quote" },
    { "JAHISTC08,1\n5,2026\x01" "1001\n", TECHO_JAHIS_ERROR_MALFORMED, "control characters" },
    { "911,1,1,1\n5,20261001\n", TECHO_JAHIS_ERROR_NOT_JAHIS, "no JAHISTC header" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_error (cases[i].text, strlen (cases[i].text), cases[i].code, cases[i].fragment);
}

static void
test_padding (void)
{
  const char *text = "JAHISTC08,1\n5, 20261001 ,1\n201, 1 ,外用薬 , 2 ,本,4, 2649729S1020\n"
                     "301,1 , 1日2回 , 14 ,日分,5\n";
  g_autoptr(TechoJahisResult) r = parse_ok (text, strlen (text));
  const TechoDispensing *d;

  g_assert_cmpuint (r->dispensings->len, ==, 1);
  d = g_ptr_array_index (r->dispensings, 0);
  g_assert_cmpstr (d->dispensed_on, ==, "2026-10-01");
  g_assert_cmpstr (d->drug_name, ==, "外用薬");
  g_assert_cmpstr (d->yj_code, ==, "2649729S1020");
  g_assert_cmpfloat (d->quantity, ==, 2.0);
  g_assert_cmpstr (d->usage, ==, "1日2回");
  g_assert_cmpint (d->days, ==, 14);
  g_assert_cmpstr (d->dosage_form, ==, "5");
}

static void
test_no_usage (void)
{
  const char *text = "JAHISTC01,1\n5,20261001\n201,7,外用薬,1,本,1,,1\n";
  g_autoptr(TechoJahisResult) r = parse_ok (text, strlen (text));
  const TechoDispensing *d;

  g_assert_cmpuint (r->version, ==, 1);
  g_assert_null (r->patient);
  g_assert_cmpuint (r->dispensings->len, ==, 1);
  d = g_ptr_array_index (r->dispensings, 0);
  g_assert_null (d->usage);
  g_assert_cmpint (d->days, ==, 0);
  g_assert_null (d->pharmacy_name);
  g_assert_null (d->yj_code);
  g_assert_null (d->receipt_code);
}

/* Replays tests/corpus/jahis: ok-* must read with at least one medicine;
 * anything else (seeds, crashes the fuzzer found) must read or fail with a
 * message, never crash. */
static void
test_corpus (void)
{
  g_autofree char *dir_path = g_test_build_filename (G_TEST_DIST, "corpus", "jahis", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoJahisResult) r = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      r = techo_jahis_parse (data, length, &error);
      if (g_str_has_prefix (name, "ok-"))
        {
          g_assert_no_error (error);
          g_assert_cmpuint (r->dispensings->len, >, 0);
        }
      else if (r == NULL)
        {
          g_assert_true (error->domain == TECHO_JAHIS_ERROR);
          g_assert_cmpstr (error->message, !=, "");
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/jahis/fields", test_fields);
  g_test_add_func ("/jahis/encodings", test_encodings);
  g_test_add_func ("/jahis/stable-ids", test_stable_ids);
  g_test_add_func ("/jahis/multipart", test_multipart);
  g_test_add_func ("/jahis/limits", test_limits);
  g_test_add_func ("/jahis/errors", test_errors);
  g_test_add_func ("/jahis/padding", test_padding);
  g_test_add_func ("/jahis/no-usage", test_no_usage);
  g_test_add_func ("/jahis/corpus", test_corpus);

  return g_test_run ();
}
