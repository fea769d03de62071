/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The JAHIS medication notebook reader: fields of every record kind it
 * keeps (all of them, from text written here after the 2.x layouts),
 * 和暦 and Gregorian dates with the era rules, 日分/回分/調剤, CP932 and
 * UTF-8 (BOM, CRLF, LF, CR), stable ids, multi-part data (911 first or at
 * the end of each part) joined in any order and split for keeping, a
 * missing part named, files cut anywhere from 60 to 99 % refused, warnings
 * for what the wild deviates in, every limit, clear messages for bad lines,
 * and the kept corpus replayed. */

#include "config.h"

#include <string.h>

#include "techo-jahis.h"
#include "techo-test-util.h"

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
  "501,備考です,1",
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
  g_assert_cmpuint (r->n_skipped, ==, 0);
  g_assert_cmpuint (r->n_warnings, ==, 0);
  g_assert_cmpuint (r->entries->len, ==, 1);
  g_assert_cmpint (((TechoNotebookEntry *) g_ptr_array_index (r->entries, 0))->kind, ==,
                   TECHO_NOTEBOOK_ALLERGY);
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
  g_assert_cmpstr (d->notes, ==, "501\t備考です");

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
    g_string_append_printf (drugs, "201,1,薬%d,1,錠,1,,1,,,\n", i);
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
      "Line 4: the name of the medicine is missing" },
    { "JAHISTC08,1\n5,20261001\n201,,薬\n", TECHO_JAHIS_ERROR_INVALID, "RP number" },
    { "JAHISTC08,1\n5,20261001\n201,1,薬,abc,錠\n", TECHO_JAHIS_ERROR_INVALID,
      "amount of the medicine “abc”" },
    { "JAHISTC08,1\n5,R020230\n", TECHO_JAHIS_ERROR_INVALID,
      "Line 2: the dispensing date “R020230” is not a real date" },
    { "JAHISTC08,1\n5,H010107\n", TECHO_JAHIS_ERROR_INVALID, "“H010107” is not a real date" },
    { "JAHISTC08,1\n1,名前,1,X330303\n", TECHO_JAHIS_ERROR_INVALID, "Line 2: the birth date" },
    { "JAHISTC08,1\n3,OTC薬,R061301,,2,1,\n", TECHO_JAHIS_ERROR_INVALID, "start date" },
    { "JAHISTC08,1\n5,20261001\n201,1,薬,1,錠,1,,1\n301,1,毎食後,7,日分,1,1,,1\n"
      "201,2,薬2,1,錠,1,,1\n5,20261002,1\n", TECHO_JAHIS_ERROR_TRUNCATED,
      "Line 5: the medicine of RP 2 (dispensed on 2026-10-01) has no usage" },
    { "JAHISTC08,1\n5,20261001\n301,1,毎食後,7,日分,1,1,,1\n", TECHO_JAHIS_ERROR_TRUNCATED,
      "Line 3: the usage of RP 1" },
    { "JAHISTC08,1\n31,1,成分,1,,2\n", TECHO_JAHIS_ERROR_INVALID, "before any OTC" },
    { "JAHISTC08,1\n911,X,2,1\n5,20261001,1\nJAHISTC08,1\n911,X,2,2\n501,a,1\n"
      "911,X,2,2\n501,b,1\n",
      TECHO_JAHIS_ERROR_INVALID, "appears twice" },
    { "JAHISTC08,1\n5,20261001,1\n911,X,2,1\n501,備考,1\n", TECHO_JAHIS_ERROR_TRUNCATED,
      "Line 4: the records from here on have no part marker" },
    { "JAHISTC08,1\n5,20261001\n201,1,薬,1,錠\n301,1,毎食後,7.5,日分\n", TECHO_JAHIS_ERROR_INVALID,
      "Line 4: the number of days “7.5”" },
    { "JAHISTC08,1\nabc,1\n", TECHO_JAHIS_ERROR_MALFORMED, "Line 2: this is not a JAHIS record" },
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
                     "301,1 , 1日2回 , 14 ,日分,5,1,,1\n";
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
  /* One warning per padded line, each naming it. */
  g_assert_cmpuint (r->warnings->len, ==, 3);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r->warnings, 0), "Line 2: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r->warnings, 1), "Line 3: "));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (r->warnings, 2), "Line 4: "));
}

/* What the wild deviates in is read, with a warning naming the line. */
static void
test_warnings (void)
{
  const char *text = "JAHISTC08,1\n5,H310501,1\n11,薬局,13,4,1234567,,,,1\n11,別の薬局,,,,,,,1\n"
                     "201,1,薬,1,錠,,,1,,,\n301,1,毎食後,3,日,1,1,,1\n999,未来のレコード,1\n"
                     "501,備考,1\n";
  g_autoptr(TechoJahisResult) r = parse_ok (text, strlen (text));
  const TechoDispensing *d;
  static const char *const expected[] = {
    "Line 2: the dispensing date “H310501” lies after its era ended; read as 2019-05-01.",
    "Line 4: a second dispensing institution",
    "Line 5: the medicine has no code kind.",
    "Line 6: the unit “日” is not 日分, 回分 or 調剤",
    "Line 7: record number 999 is not one Techo knows",
  };

  g_assert_cmpuint (r->dispensings->len, ==, 1);
  d = g_ptr_array_index (r->dispensings, 0);
  g_assert_cmpstr (d->dispensed_on, ==, "2019-05-01");
  g_assert_cmpstr (d->pharmacy_name, ==, "薬局");
  g_assert_cmpstr (d->dispensing_unit, ==, "日");
  g_assert_cmpint (d->days, ==, 0);
  g_assert_cmpuint (r->n_skipped, ==, 1);
  g_assert_cmpuint (r->warnings->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    if (!g_str_has_prefix (g_ptr_array_index (r->warnings, i), expected[i]))
      g_error ("warning %u is “%s”, not “%s…”", i, (char *) g_ptr_array_index (r->warnings, i),
               expected[i]);
}

/* Shapes of the specification's own appendix examples that deviate from
 * its layouts (an information-only dispensing with a 411 of more fields
 * than the layout; a 701 without contact as the last line): read, with a
 * warning where a field is missing. */
static void
test_appendix_shapes (void)
{
  const char *info_only = "JAHISTC08,1\r\n1,鈴木 太郎,1,S330303,,,,,,,\r\n5,R020410,1\r\n"
                          "15,工業会 次郎,,1\r\n411,嚥下困難のため錠剤は粉砕して投与する。,31,,1";
  const char *pharmacist = "JAHISTC08,1\r\n5,R020410,1\r\n11,工業会薬局 駅前店,13,4,1234567,,,,1\r\n"
                           "201,1,ﾉﾙﾊﾞｽｸ錠2.5mg,1,錠,2,610463177,1,,,\r\n"
                           "301,1,【分1 朝食後服用】,14,日分,1,1,,1\r\n"
                           "701,薬剤師 太郎,工業会薬局 駅前店,,R020401,,1\r\n";
  g_autoptr(TechoJahisResult) a = parse_ok (info_only, strlen (info_only));
  g_autoptr(TechoJahisResult) b = parse_ok (pharmacist, strlen (pharmacist));

  g_assert_cmpuint (a->dispensings->len, ==, 0);
  g_assert_cmpstr (a->patient->birth_date, ==, "1958-03-03");
  g_assert_cmpuint (b->dispensings->len, ==, 1);
  g_assert_cmpuint (b->entries->len, ==, 1);
  g_assert_cmpstr (((TechoNotebookEntry *) g_ptr_array_index (b->entries, 0))->started_on, ==,
                   "2020-04-01");
  g_assert_cmpuint (b->warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (b->warnings, 0),
                                   "Line 6: the family pharmacist has no contact."));
}

/* A drug line with no usage at all is the mark of a cut file. */
static void
test_no_usage (void)
{
  const char *text = "JAHISTC01,1\n5,20261001\n201,7,外用薬,1,本,1,,1\n";

  assert_error (text, strlen (text), TECHO_JAHIS_ERROR_TRUNCATED,
                "Line 3: the medicine of RP 7 (dispensed on 2026-10-01) has no usage record");
}

static void
test_era_dates (void)
{
  static const struct
  {
    const char *text;
    const char *iso;  /* NULL: refused */
  } cases[] = {
    { "R020410", "2020-04-10" }, { "H310401", "2019-04-01" }, { "S330303", "1958-03-03" },
    { "H010108", "1989-01-08" }, { "H010107", NULL },         { "S640107", "1989-01-07" },
    { "R010501", "2019-05-01" }, { "R010430", NULL },         { "T010730", "1912-07-30" },
    { "T010729", NULL },         { "M450729", "1912-07-29" }, { "M060101", "1873-01-01" },
    { "M050101", NULL },         { "S010101", NULL },         { "S011225", "1926-12-25" },
    { "R060229", "2024-02-29" }, { "R050229", NULL },         { "R001010", NULL },
    { "X020410", NULL },         { "R0204", NULL },           { "r020410", "2020-04-10" },
    { "20200410", "2020-04-10" }, { "20200231", NULL },       { "18720101", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("JAHISTC08,1\n5,%s,1\n501,備考,1\n",
                                               cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoJahisResult) r = techo_jahis_parse (text, strlen (text), &error);

      if (cases[i].iso == NULL)
        {
          g_assert_null (r);
          g_assert_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, "Line 2: the dispensing date"));
          continue;
        }
      g_assert_no_error (error);
      /* A dispensing of notes only: no drug, the date read all the same. */
      g_assert_cmpuint (r->dispensings->len, ==, 0);
      {
        g_autofree char *with_drug = g_strdup_printf (
          "JAHISTC08,1\n5,%s,1\n201,1,薬,1,錠,1,,1,,,\n301,1,毎食後,1,日分,1,1,,1\n",
          cases[i].text);
        g_autoptr(TechoJahisResult) d = parse_ok (with_drug, strlen (with_drug));

        g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (d->dispensings, 0))->dispensed_on,
                         ==, cases[i].iso);
      }
    }
}

static char *
notebook_text (void)
{
  return g_strjoinv ("\r\n", (char **) techo_test_jahis_notebook);
}

static const TechoNotebookEntry *
entry_of (const TechoJahisResult *r,
          TechoNotebookKind       kind)
{
  for (guint i = 0; i < r->entries->len; i++)
    if (((TechoNotebookEntry *) g_ptr_array_index (r->entries, i))->kind == kind)
      return g_ptr_array_index (r->entries, i);
  g_error ("no entry of kind %s", techo_notebook_kind_to_string (kind));
  return NULL;
}

/* Every record type kept, with its fields. */
static void
test_all_records (void)
{
  g_autofree char *text = notebook_text ();
  g_autoptr(TechoJahisResult) r = parse_ok (text, strlen (text));
  const TechoDispensing *d;
  const TechoNotebookEntry *e;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (r->n_warnings, ==, 0);
  g_assert_cmpuint (r->n_skipped, ==, 0);
  g_assert_cmpstr (r->patient->name, ==, "手帳 花子");
  g_assert_cmpstr (r->patient->sex, ==, "female");
  g_assert_cmpstr (r->patient->birth_date, ==, "1958-03-03");
  g_assert_cmpstr (r->patient->name_kana, ==, "テチョウ ハナコ");

  g_assert_cmpuint (r->entries->len, ==, 7);
  g_assert_cmpstr (entry_of (r, TECHO_NOTEBOOK_ALLERGY)->text, ==, "卵");
  g_assert_cmpstr (entry_of (r, TECHO_NOTEBOOK_ALLERGY)->author, ==, "1");
  g_assert_cmpstr (entry_of (r, TECHO_NOTEBOOK_SIDE_EFFECT)->text, ==, "セフェム系抗菌薬で発疹");
  g_assert_cmpstr (entry_of (r, TECHO_NOTEBOOK_HISTORY)->text, ==, "高血圧症");
  g_assert_cmpstr (entry_of (r, TECHO_NOTEBOOK_REMARK)->text, ==, "錠剤が飲みにくい");
  e = entry_of (r, TECHO_NOTEBOOK_OTC);
  g_assert_cmpstr (e->text, ==, "ビタミンC錠");
  g_assert_cmpstr (e->started_on, ==, "2024-04-01");
  g_assert_cmpstr (e->ended_on, ==, "2024-04-30");
  g_assert_cmpstr (e->code, ==, "4900000000001");
  g_assert_cmpstr (e->detail, ==, "アスコルビン酸、リボフラビン (1234567)");
  e = entry_of (r, TECHO_NOTEBOOK_MEMO);
  g_assert_cmpstr (e->text, ==, "健康診断を受けた");
  g_assert_cmpstr (e->started_on, ==, "2024-04-10");
  g_assert_cmpstr (e->author, ==, "2");
  e = entry_of (r, TECHO_NOTEBOOK_PHARMACIST);
  g_assert_cmpstr (e->text, ==, "薬剤師 一郎");
  g_assert_cmpstr (e->detail, ==, "さくら薬局 03-1111-2222");
  g_assert_cmpstr (e->started_on, ==, "2023-04-01");
  g_assert_null (e->ended_on);
  for (guint i = 0; i < r->entries->len; i++)
    {
      e = g_ptr_array_index (r->entries, i);
      g_assert_true (g_str_has_prefix (e->id, "jahis-note-"));
      g_assert_true (g_hash_table_add (ids, e->id));
    }

  g_assert_cmpuint (r->dispensings->len, ==, 3);
  /* 日分: days. */
  d = g_ptr_array_index (r->dispensings, 0);
  g_assert_cmpstr (d->dispensed_on, ==, "2024-04-15");
  g_assert_cmpstr (d->drug_name, ==, "アムロジピン錠5mg「テスト」");
  g_assert_cmpstr (d->receipt_code, ==, "620000001");
  g_assert_cmpstr (d->drug_code, ==, "620000001");
  g_assert_cmpstr (d->drug_code_kind, ==, "2");
  g_assert_cmpstr (d->generic_name, ==, "【般】アムロジピン錠5mg");
  g_assert_cmpstr (d->generic_code, ==, "2171022F1ZZZ");
  g_assert_cmpstr (d->generic_code_kind, ==, "2");
  g_assert_cmpstr (d->dispensing_unit, ==, "日分");
  g_assert_cmpfloat (d->dispensing_quantity, ==, 28);
  g_assert_cmpint (d->days, ==, 28);
  g_assert_cmpstr (d->pharmacy_name, ==, "さくら薬局");
  g_assert_cmpstr (d->pharmacy_code, ==, "1341234567");
  g_assert_cmpstr (d->pharmacist_name, ==, "薬剤師 一郎");
  g_assert_cmpstr (d->prescriber_name, ==, "みどり内科");
  g_assert_cmpstr (d->doctor_name, ==, "医師 二郎");
  g_assert_cmpstr (d->prescriber_department, ==, "内科");
  g_assert_cmpstr (d->notes, ==,
                   "281\t粉砕\n291\tグレープフルーツに注意\n311\t一包化\n"
                   "401\t他の薬と飲むときは相談を\n411\t提供情報です\n421\tアムロジピン5錠残薬\n"
                   "501\t正しい飲み方は薬袋を参照\n601\t夜眠れない (2024-04-16)");
  /* 回分: a count of doses, not days. */
  d = g_ptr_array_index (r->dispensings, 1);
  g_assert_cmpstr (d->yj_code, ==, "1149019F1560");
  g_assert_cmpstr (d->dispensing_unit, ==, "回分");
  g_assert_cmpfloat (d->dispensing_quantity, ==, 10);
  g_assert_cmpint (d->days, ==, 0);
  g_assert_cmpstr (d->dosage_form, ==, "3");
  g_assert_true (g_str_has_prefix (d->notes, "391\t空腹時を避ける\n401\t"));
  /* 調剤: one dispensing, no days either. */
  d = g_ptr_array_index (r->dispensings, 2);
  g_assert_cmpstr (d->dispensing_unit, ==, "調剤");
  g_assert_cmpfloat (d->dispensing_quantity, ==, 1);
  g_assert_cmpint (d->days, ==, 0);
  g_assert_cmpfloat (d->quantity, ==, 14);
  g_assert_cmpstr (d->unit, ==, "枚");
  g_assert_cmpstr (d->drug_code_kind, ==, "6");
  g_assert_null (d->yj_code);
  g_assert_null (d->receipt_code);
}

/* Multi-part data with 911 at the end of each part, each part with its
 * own header (as the 2.x versions print them), in any order; the same
 * parts split out, kept as text and joined from separate texts. */
static void
test_multipart_at_end (void)
{
  static const guint starts[] = { 1, 11, 20, 31 }; /* the notebook in three parts */
  static const guint order[] = { 2, 3, 1 };
  g_autofree char *whole = notebook_text ();
  g_autoptr(TechoJahisResult) a = parse_ok (whole, strlen (whole));
  g_autoptr(GString) joined = g_string_new (NULL);
  g_autoptr(GString) one_header = g_string_new ("JAHISTC08,1\n");
  g_autoptr(GPtrArray) collected = g_ptr_array_new_with_free_func (
    (GDestroyNotify) techo_jahis_part_free);
  g_autoptr(TechoJahisResult) b = NULL;
  g_autoptr(TechoJahisResult) c = NULL;
  g_autoptr(TechoJahisResult) d = NULL;
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (order); k++)
    {
      guint part = order[k];
      g_autoptr(GString) text = g_string_new ("JAHISTC08,1\r\n");
      g_autoptr(GPtrArray) parts = NULL;
      g_autofree char *kept = NULL;
      g_autoptr(GPtrArray) again = NULL;

      for (guint i = starts[part - 1]; i < starts[part]; i++)
        g_string_append_printf (text, "%s\r\n", techo_test_jahis_notebook[i]);
      g_string_append_printf (text, "911,12345678901234,3,%u\r\n", part);
      g_string_append (joined, text->str);

      /* Split: one part, its number, its lines without header or 911. */
      parts = techo_jahis_split (text->str, text->len, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (parts->len, ==, 1);
      g_assert_cmpstr (((TechoJahisPart *) g_ptr_array_index (parts, 0))->data_id, ==,
                       "12345678901234");
      g_assert_cmpuint (((TechoJahisPart *) g_ptr_array_index (parts, 0))->number, ==, part);
      g_assert_cmpuint (((TechoJahisPart *) g_ptr_array_index (parts, 0))->total, ==, 3);
      g_assert_cmpuint (((TechoJahisPart *) g_ptr_array_index (parts, 0))->lines->len, ==,
                        starts[part] - starts[part - 1]);
      /* Kept as text and read back: the same part. */
      kept = techo_jahis_part_to_text (g_ptr_array_index (parts, 0));
      again = techo_jahis_split (kept, strlen (kept), &error);
      g_assert_no_error (error);
      g_assert_cmpuint (((TechoJahisPart *) g_ptr_array_index (again, 0))->number, ==, part);
      g_ptr_array_add (collected, g_ptr_array_steal_index (again, 0));

      /* Without the other parts: the missing ones named. */
      if (k == 0)
        {
          g_autoptr(TechoJahisResult) alone = techo_jahis_parse_parts (parts, &error);

          g_assert_null (alone);
          g_assert_error (error, TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_MISSING_PART);
          g_assert_nonnull (strstr (error->message, "Parts 1, 3 of 3"));
          g_clear_error (&error);
        }
    }
  b = parse_ok (joined->str, joined->len);
  g_assert_cmpuint (b->n_parts, ==, 3);
  assert_same_dispensings (a, b);
  g_assert_cmpuint (b->entries->len, ==, a->entries->len);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (b->dispensings, 0))->notes, ==,
                   ((TechoDispensing *) g_ptr_array_index (a->dispensings, 0))->notes);

  c = techo_jahis_parse_parts (collected, &error);
  g_assert_no_error (error);
  assert_same_dispensings (a, c);

  /* One header for all, 911 closing each part. */
  for (guint part = 1; part <= 3; part++)
    {
      for (guint i = starts[part - 1]; i < starts[part]; i++)
        g_string_append_printf (one_header, "%s\n", techo_test_jahis_notebook[i]);
      g_string_append_printf (one_header, "911,12345678901234,3,%u\n", part);
    }
  d = parse_ok (one_header->str, one_header->len);
  assert_same_dispensings (a, d);
}

/* A file cut anywhere from 60 % to 99 % of its length: every cut inside
 * a line is refused; a cut at a line's end is refused too when it leaves
 * a drug without usage or the reverse. Nothing cut is read silently as
 * whole when the cut falls in a record. */
static void
test_truncated (void)
{
  g_autofree char *text = notebook_text ();
  gsize length = strlen (text);
  guint n_refused = 0, n_cuts = 0, n_line_ends = 0;

  for (gsize cut = length * 60 / 100; cut < length * 99 / 100; cut++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoJahisResult) r = NULL;
      gboolean at_line_end = text[cut] == '\r' || text[cut] == '\n' || text[cut - 1] == '\n';

      /* Only cuts between whole characters. */
      if (((guchar) text[cut] & 0xc0) == 0x80)
        continue;
      n_cuts++;
      r = techo_jahis_parse (text, cut, &error);
      if (r == NULL)
        {
          n_refused++;
          g_assert_true (error->domain == TECHO_JAHIS_ERROR);
          if (!g_str_has_prefix (error->message, "Line "))
            g_error ("the refusal of a cut at %" G_GSIZE_FORMAT " names no line: %s", cut,
                     error->message);
          continue;
        }
      if (!at_line_end)
        g_error ("a cut inside a line at byte %" G_GSIZE_FORMAT " was read as whole", cut);
      n_line_ends++;
    }
  g_test_message ("%u cuts, %u refused, %u read (each at a line's end)", n_cuts, n_refused,
                  n_line_ends);
  g_assert_cmpuint (n_refused, >=, n_cuts * 8 / 10);
}

/* CR-only line ends and an end-of-file mark. */
static void
test_line_ends (void)
{
  g_autofree char *lf = sample_text ("\n");
  g_autofree char *cr = sample_text ("\r");
  g_autofree char *eof = g_strconcat (lf, "\n\x1a", NULL);
  g_autoptr(TechoJahisResult) a = parse_ok (lf, strlen (lf));
  g_autoptr(TechoJahisResult) b = parse_ok (cr, strlen (cr));
  g_autoptr(TechoJahisResult) c = parse_ok (eof, strlen (eof));

  assert_same_dispensings (a, b);
  assert_same_dispensings (a, c);
}

/* Replays tests/corpus/jahis: ok-* must read with at least one medicine;
 * anything else (seeds, crashes the fuzzer found) must read or fail with a
 * message, never crash. */
static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoJahisResult) r = techo_jahis_parse (data, length, &error);

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
}

static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("jahis", check_corpus_file, NULL), >=, 4);
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
  g_test_add_func ("/jahis/warnings", test_warnings);
  g_test_add_func ("/jahis/appendix-shapes", test_appendix_shapes);
  g_test_add_func ("/jahis/era-dates", test_era_dates);
  g_test_add_func ("/jahis/all-records", test_all_records);
  g_test_add_func ("/jahis/multipart-at-end", test_multipart_at_end);
  g_test_add_func ("/jahis/truncated", test_truncated);
  g_test_add_func ("/jahis/line-ends", test_line_ends);
  g_test_add_func ("/jahis/no-usage", test_no_usage);
  g_test_add_func ("/jahis/corpus", test_corpus);

  return g_test_run ();
}
