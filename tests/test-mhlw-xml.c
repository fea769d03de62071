/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The マイナポータル 薬剤情報 / 特定健診情報 XML reader on files written from
 * the layouts (tests/corpus/mhlw/ok-*.xml, CP932 with CRLF, and UTF-8):
 * every field where it belongs, days only for 内服, the 電子処方箋 twins
 * kept as their own sources, stable ids, era and day-of-month dates, and
 * refusals that name the element and its line; the kept corpus replayed. */

#include "config.h"

#include <string.h>

#include "techo-mhlw-xml.h"
#include "techo-reference.h"
#include "techo-test-util.h"

static char *
read_corpus_file (const char *name,
                  gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", "mhlw", name, NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, length, &error));
  g_assert_no_error (error);
  return data;
}

static TechoMhlwResult *
read_text (const char  *text,
           GError     **error)
{
  return techo_mhlw_read (text, strlen (text), error);
}

static const TechoDispensing *
find_dispensing (const TechoMhlwResult *result,
                 const char            *source,
                 const char            *name_start)
{
  for (guint i = 0; i < result->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (result->dispensings, i);

      if (g_strcmp0 (d->source, source) == 0 && g_str_has_prefix (d->drug_name, name_start))
        return d;
    }
  g_assert_not_reached ();
  return NULL;
}

static void
test_medication (void)
{
  gsize length = 0;
  g_autofree char *data = read_corpus_file ("ok-medication-cp932.xml", &length);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = NULL;
  g_autoptr(TechoMhlwResult) again = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  const TechoDispensing *d;

  /* The file is CP932, not UTF-8: the reader must decode it. */
  g_assert_false (g_utf8_validate (data, length, NULL));
  g_assert_true (techo_mhlw_sniff (data, length));
  result = techo_mhlw_read (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpint (result->kind, ==, TECHO_MHLW_KIND_MEDICATION);
  g_assert_cmpstr (result->person->name, ==, "手帳　太郎");
  g_assert_cmpstr (result->person->name_kana, ==, "テチョウ　タロウ");
  g_assert_cmpstr (result->person->birth_date, ==, "1970-04-15");
  g_assert_cmpstr (result->person->sex, ==, "male");
  g_assert_cmpuint (result->dispensings->len, ==, 7);
  g_assert_cmpuint (result->n_left_out, ==, 1);

  for (guint i = 0; i < result->dispensings->len; i++)
    {
      d = g_ptr_array_index (result->dispensings, i);
      g_assert_true (g_str_has_prefix (d->id, TECHO_MHLW_ID_PREFIX));
      g_assert_cmpuint (strlen (d->id), ==, strlen (TECHO_MHLW_ID_PREFIX) + 16);
      g_assert_false (g_hash_table_contains (ids, d->id));
      g_hash_table_add (ids, d->id);
      g_assert_cmpint (d->revision, ==, 1);
    }

  /* A claims row of 内服: days from Times, the レセプト電算 code. */
  d = find_dispensing (result, "claims", "アムロジピン");
  g_assert_cmpstr (d->dispensed_on, ==, "2026-09-05");
  g_assert_cmpstr (d->prescribed_on, ==, "2026-09-05");
  g_assert_cmpstr (d->pharmacy_code, ==, "1340012345");
  g_assert_cmpstr (d->pharmacy_name, ==, "みなと薬局");
  g_assert_cmpstr (d->prescriber_code, ==, "1310054321");
  g_assert_cmpstr (d->prescriber_name, ==, "千代田内科クリニック");
  g_assert_cmpstr (d->setting, ==, "outpatient");
  g_assert_cmpstr (d->receipt_code, ==, "610443047");
  g_assert_null (d->yj_code);
  g_assert_cmpstr (d->ingredient_name, ==, "アムロジピンベシル酸塩");
  g_assert_cmpfloat (d->quantity, ==, 1.0);
  g_assert_cmpstr (d->unit, ==, "錠");
  g_assert_cmpstr (d->usage, ==, "１日１回朝食後");
  g_assert_cmpint (d->days, ==, 28);
  g_assert_cmpstr (d->dosage_form, ==, "1");

  /* 屯服: Times counts doses, not days; the special instruction is kept. */
  d = find_dispensing (result, "claims", "ロキソプロフェン");
  g_assert_cmpint (d->days, ==, 0);
  g_assert_cmpstr (d->dosage_form, ==, "3");
  g_assert_cmpstr (d->usage, ==, "疼痛時 / １日２回まで");

  /* 外用 at a clinic (院内処方): the clinic is where it was dispensed;
   * "～" is CP932's FULLWIDTH TILDE. */
  d = find_dispensing (result, "claims", "モーラステープ");
  g_assert_cmpint (d->days, ==, 0);
  g_assert_cmpfloat (d->quantity, ==, 14.0);
  g_assert_cmpstr (d->pharmacy_name, ==, "港整形外科");
  g_assert_cmpstr (d->usage, ==, "１日１回\xEF\xBD\x9E２回　患部に貼付");

  /* The 電子処方箋 dispensing twin. */
  d = find_dispensing (result, "dispensing", "レバミピド");
  g_assert_cmpstr (d->dispensed_on, ==, "2026-09-20");
  g_assert_cmpstr (d->pharmacy_code, ==, "1340023456");
  g_assert_cmpstr (d->prescriber_code, ==, "1310054321");
  g_assert_cmpstr (d->ingredient_name, ==, "レバミピド");
  g_assert_cmpint (d->days, ==, 14);
  g_assert_null (d->setting);
  g_assert_nonnull (find_dispensing (result, "claims", "レバミピド"));

  /* The prescription twin names the prescriber, no pharmacy. */
  d = find_dispensing (result, "prescription", "アムロジピン");
  g_assert_cmpstr (d->dispensed_on, ==, "2026-09-05");
  g_assert_cmpstr (d->prescribed_on, ==, "2026-09-05");
  g_assert_null (d->pharmacy_code);
  g_assert_cmpstr (d->prescriber_code, ==, "1310054321");
  g_assert_cmpstr (d->prescriber_name, ==, "千代田内科クリニック");
  g_assert_cmpint (d->days, ==, 28);
  d = find_dispensing (result, "prescription", "ロキソプロフェン");
  g_assert_cmpint (d->days, ==, 0);

  /* The same bytes give the same ids. */
  again = techo_mhlw_read (data, length, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < again->dispensings->len; i++)
    g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (again->dispensings, i))->id, ==,
                     ((TechoDispensing *) g_ptr_array_index (result->dispensings, i))->id);
}

static void
assert_same_checkups (const TechoMhlwResult *a,
                      const TechoMhlwResult *b)
{
  g_assert_cmpuint (a->checkups->len, ==, b->checkups->len);
  for (guint i = 0; i < a->checkups->len; i++)
    {
      const TechoCheckup *ca = g_ptr_array_index (a->checkups, i);
      const TechoCheckup *cb = g_ptr_array_index (b->checkups, i);

      g_assert_cmpstr (ca->id, ==, cb->id);
      g_assert_cmpuint (ca->items->len, ==, cb->items->len);
      for (guint j = 0; j < ca->items->len; j++)
        {
          const TechoItem *ia = g_ptr_array_index (ca->items, j);
          const TechoItem *ib = g_ptr_array_index (cb->items, j);

          g_assert_cmpstr (ia->code, ==, ib->code);
          g_assert_cmpstr (ia->value, ==, ib->value);
          g_assert_cmpstr (ia->display, ==, ib->display);
        }
    }
}

static void
test_checkup (void)
{
  gsize length = 0, utf8_length = 0;
  g_autofree char *data = read_corpus_file ("ok-checkup-cp932.xml", &length);
  g_autofree char *utf8 = read_corpus_file ("ok-checkup-utf8.xml", &utf8_length);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = NULL;
  g_autoptr(TechoMhlwResult) from_utf8 = NULL;
  const TechoCheckup *first, *second;
  const TechoItem *item;

  g_assert_false (g_utf8_validate (data, length, NULL));
  result = techo_mhlw_read (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result->kind, ==, TECHO_MHLW_KIND_CHECKUP);
  g_assert_cmpuint (result->dispensings->len, ==, 0);
  g_assert_cmpstr (result->person->name, ==, "手帳　花子");
  g_assert_cmpstr (result->person->name_kana, ==, "テチョウ　ハナコ");
  g_assert_cmpstr (result->person->birth_date, ==, "1975-04-02");
  g_assert_cmpstr (result->person->sex, ==, "female");
  g_assert_cmpuint (result->checkups->len, ==, 2);

  first = g_ptr_array_index (result->checkups, 0);
  second = g_ptr_array_index (result->checkups, 1);
  g_assert_cmpstr (first->performed_on, ==, "2025-06-15");
  g_assert_cmpstr (second->performed_on, ==, "2026-06-10");
  g_assert_cmpstr (second->kind, ==, "010");
  g_assert_cmpstr (first->id, !=, second->id);
  g_assert_true (g_str_has_prefix (first->id, TECHO_MHLW_ID_PREFIX));
  g_assert_cmpuint (first->items->len, ==, 3);
  g_assert_cmpuint (second->items->len, ==, 7);

  /* The same items the CDA path makes: PQ with its unit … */
  item = techo_checkup_find_item (second, "9A751000000000001");
  g_assert_nonnull (item);
  g_assert_cmpint (item->type, ==, TECHO_VALUE_PQ);
  g_assert_cmpstr (item->value, ==, "136");
  g_assert_cmpstr (item->unit, ==, "mmHg");
  g_assert_cmpint (techo_reference_classify (techo_reference_analyte_for_code (item->code),
                                             item->value, "female"),
                   ==, TECHO_STATUS_GUIDANCE);
  /* … coded ordinal with its system and words … */
  item = techo_checkup_find_item (second, "1A010000000191111");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_CO);
  g_assert_cmpstr (item->value, ==, "2");
  g_assert_cmpstr (item->value_system, ==, TECHO_OID_URINE_ORDINAL);
  g_assert_cmpstr (item->display, ==, "±");
  item = techo_checkup_find_item (second, TECHO_CODE_GUIDANCE_LEVEL);
  g_assert_cmpint (item->type, ==, TECHO_VALUE_CD);
  g_assert_cmpstr (item->value_system, ==, TECHO_OID_GUIDANCE_LEVEL);
  /* … text (CP932's ① and ～ decoded) … */
  item = techo_checkup_find_item (second, TECHO_CODE_DOCTOR_OPINION);
  g_assert_cmpint (item->type, ==, TECHO_VALUE_ST);
  g_assert_nonnull (strstr (item->value, "①"));
  g_assert_nonnull (strstr (item->value, "\xEF\xBD\x9E"));
  /* … and an item without a value is not performed. */
  item = techo_checkup_find_item (second, "2A030000001930101");
  g_assert_true (item->not_performed);
  g_assert_null (item->value);
  g_assert_false (techo_checkup_find_item (second, "9N001000000000001")->not_performed);

  /* The UTF-8 copy reads the same. */
  from_utf8 = techo_mhlw_read (utf8, utf8_length, &error);
  g_assert_no_error (error);
  assert_same_checkups (result, from_utf8);
}

#define MED_HEAD \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<XmlMsg>\n" \
  "<MessageHeader><QuaInf><Name>手帳 太郎</Name></QuaInf></MessageHeader>\n" \
  "<MessageBody>\n" \
  "<MeTrMonthInf><MeTrDiHCd>1340012345</MeTrDiHCd><MeTrMonth>%s</MeTrMonth>\n" \
  "<DiDateInfs><DiDateInf><DiDate>%s</DiDate>\n" \
  "<DrugInfs>\n"
#define MED_TAIL \
  "</DrugInfs></DiDateInf></DiDateInfs></MeTrMonthInf>\n" \
  "</MessageBody></XmlMsg>\n"
#define DRUG \
  "<DrugInf><DrugC>610443047</DrugC><DrugN>アムロジピン錠5mg</DrugN><Qua1>%s</Qua1>" \
  "<Times>28</Times><MeTrIdCl>21</MeTrIdCl></DrugInf>\n"

static char *
medication_text (const char *month,
                 const char *day,
                 const char *quantity,
                 guint       n_drugs)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, MED_HEAD, month, day);
  for (guint i = 0; i < n_drugs; i++)
    g_string_append_printf (text, DRUG, quantity);
  g_string_append (text, MED_TAIL);
  return g_string_free (text, FALSE);
}

static void
test_dates (void)
{
  const char *const days[][3] = {
    { "202609", "20260905", "2026-09-05" },
    { "202609", "2026-09-05", "2026-09-05" },
    { "202609", "R080905", "2026-09-05" },   /* 令和8年 */
    { "202609", "5080905", "2026-09-05" },   /* era digit 5: 令和 */
    { "H3104", "H310430", "2019-04-30" },    /* 平成31年 */
    { "202609", "5", "2026-09-05" },         /* a day of MeTrMonth */
    { "2026-09", "12", "2026-09-12" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *text = medication_text (days[i][0], days[i][1], "1", 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoMhlwResult) result = read_text (text, &error);
      const TechoDispensing *d;

      g_assert_no_error (error);
      g_assert_cmpuint (result->dispensings->len, ==, 1);
      d = g_ptr_array_index (result->dispensings, 0);
      g_assert_cmpstr (d->dispensed_on, ==, days[i][2]);
    }
}

static void
test_repeated_lines (void)
{
  g_autofree char *text = medication_text ("202609", "20260905", "1", 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = read_text (text, &error);

  /* The same line twice on one day is kept twice, with its own id. */
  g_assert_no_error (error);
  g_assert_cmpuint (result->dispensings->len, ==, 2);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (result->dispensings, 0))->id, !=,
                   ((TechoDispensing *) g_ptr_array_index (result->dispensings, 1))->id);
}

/* Refused, with the error's code and words the message must hold. */
static void
assert_refused (const char *text,
                int         code,
                const char *words,
                const char *more_words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = read_text (text, &error);

  g_assert_null (result);
  g_assert_error (error, TECHO_MHLW_ERROR, code);
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  if (more_words != NULL && strstr (error->message, more_words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, more_words);
}

static void
test_refused (void)
{
  g_autofree char *bad_day = medication_text ("202609", "20261340", "1", 1);
  g_autofree char *bad_era = medication_text ("202609", "X080905", "1", 1);
  g_autofree char *bad_amount = medication_text ("202609", "20260905", "一錠", 1);
  g_autofree char *unclosed = NULL;
  g_autofree char *deep = NULL;
  g_autofree char *too_long = NULL;
  GString *nest = g_string_new ("<XmlMsg><MessageBody>");
  char binary[] = "<XmlMsg>\0</XmlMsg>";

  /* The line of the date element: line 6 of MED_HEAD. */
  assert_refused (bad_day, TECHO_MHLW_ERROR_INVALID, "<DiDate>", "line 6");
  assert_refused (bad_era, TECHO_MHLW_ERROR_INVALID, "<DiDate>", "X080905");
  assert_refused (bad_amount, TECHO_MHLW_ERROR_INVALID, "<DrugInf>", "line 8");

  unclosed = g_strdup ("<XmlMsg>\n<MessageHeader>\n<QuaInf><Name>x</Name>\n"
                       "</MessageHeader>\n</XmlMsg>\n");
  assert_refused (unclosed, TECHO_MHLW_ERROR_MALFORMED, "line 4", NULL);

  assert_refused ("<XmlMsg><MessageHeader><QualificationsInfo/></MessageHeader><MessageBody>\n"
                  "<SpecificHealthCheckupInfo><EffectiveTime>20250615</EffectiveTime>\n"
                  "<HealthCheckupResultAndQuestionInfos><HealthCheckupResultAndQuestionInfo>\n"
                  "<ItemCode>9N0010</ItemCode><DataType>PQ</DataType><DataValue>1</DataValue>\n"
                  "</HealthCheckupResultAndQuestionInfo></HealthCheckupResultAndQuestionInfos>\n"
                  "</SpecificHealthCheckupInfo></MessageBody></XmlMsg>",
                  TECHO_MHLW_ERROR_INVALID, "<ItemCode>", "line 4");
  assert_refused ("<XmlMsg><MessageBody>\n<SpecificHealthCheckupInfo>\n"
                  "<HealthCheckupResultAndQuestionInfos/></SpecificHealthCheckupInfo>\n"
                  "</MessageBody></XmlMsg>",
                  TECHO_MHLW_ERROR_INVALID, "<EffectiveTime>", "line 2");
  assert_refused ("<XmlMsg><MessageBody><SpecificHealthCheckupInfo>\n"
                  "<EffectiveTime>20250615</EffectiveTime><HealthCheckupResultAndQuestionInfos>\n"
                  "<HealthCheckupResultAndQuestionInfo><ItemCode>9N001000000000001</ItemCode>\n"
                  "<DataType>XX</DataType></HealthCheckupResultAndQuestionInfo>\n"
                  "</HealthCheckupResultAndQuestionInfos></SpecificHealthCheckupInfo>\n"
                  "</MessageBody></XmlMsg>",
                  TECHO_MHLW_ERROR_INVALID, "<DataType>", "line 4");

  assert_refused ("<?xml version=\"1.0\"?>\n<!DOCTYPE XmlMsg [<!ENTITY a \"b\">]>\n"
                  "<XmlMsg>&a;</XmlMsg>", TECHO_MHLW_ERROR_FORBIDDEN, NULL, NULL);
  assert_refused ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>", TECHO_MHLW_ERROR_NOT_PORTAL,
                  "<ClinicalDocument>", NULL);
  assert_refused ("<XmlMsg><MessageHeader/><MessageBody/></XmlMsg>",
                  TECHO_MHLW_ERROR_NOT_PORTAL, NULL, NULL);
  assert_refused ("", TECHO_MHLW_ERROR_MALFORMED, NULL, NULL);
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (techo_mhlw_read (binary, sizeof binary, &error));
    g_assert_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_ENCODING);
  }
  assert_refused ("<XmlMsg>\x82\xA0\x82</XmlMsg>", TECHO_MHLW_ERROR_ENCODING, NULL, NULL);

  for (guint i = 0; i < TECHO_MHLW_MAX_DEPTH + 2; i++)
    g_string_append (nest, "<MeTrMonthInf>");
  for (guint i = 0; i < TECHO_MHLW_MAX_DEPTH + 2; i++)
    g_string_append (nest, "</MeTrMonthInf>");
  g_string_append (nest, "</MessageBody></XmlMsg>");
  deep = g_string_free (nest, FALSE);
  assert_refused (deep, TECHO_MHLW_ERROR_TOO_LARGE, NULL, NULL);

  {
    g_autofree char *name = g_strnfill (TECHO_MHLW_MAX_VALUE_LENGTH + 1, 'A');

    too_long = g_strdup_printf ("<XmlMsg>\n<MessageHeader><QuaInf>\n<Name>%s</Name>"
                                "</QuaInf></MessageHeader></XmlMsg>", name);
    assert_refused (too_long, TECHO_MHLW_ERROR_TOO_LARGE, "<Name>", "line 3");
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *big = g_strnfill (TECHO_MHLW_MAX_SIZE + 1, ' ');

    g_assert_null (techo_mhlw_read (big, TECHO_MHLW_MAX_SIZE + 1, &error));
    g_assert_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_TOO_LARGE);
  }
}

static void
test_sniff (void)
{
  const char *yes[] = {
    "<XmlMsg>",
    "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\r\n<XmlMsg>",
    "<?xml version=\"1.0\"?>\n<!-- a comment -->\n  <XmlMsg xmlns=\"x\">",
  };
  const char *no[] = {
    "<XmlMsgs>", "<ClinicalDocument>", "JAHISTC08,1", "", "<?xml version=\"1.0\"?>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    g_assert_true (techo_mhlw_sniff (yes[i], strlen (yes[i])));
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    g_assert_false (techo_mhlw_sniff (no[i], strlen (no[i])));
}

/* Replays tests/corpus/mhlw: ok-* must read with at least one record; the
 * others (fuzzer finds) must be refused with a message, or read. */
static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = techo_mhlw_read (data, length, &error);

  if (g_str_has_prefix (name, "ok-"))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (result->dispensings->len + result->checkups->len, >, 0);
    }
  else if (result == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == TECHO_MHLW_ERROR);
      g_assert_cmpstr (error->message, !=, "");
    }
}

static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("mhlw", check_corpus_file, NULL), >=, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mhlw/medication", test_medication);
  g_test_add_func ("/mhlw/checkup", test_checkup);
  g_test_add_func ("/mhlw/dates", test_dates);
  g_test_add_func ("/mhlw/repeated-lines", test_repeated_lines);
  g_test_add_func ("/mhlw/refused", test_refused);
  g_test_add_func ("/mhlw/sniff", test_sniff);
  g_test_add_func ("/mhlw/corpus", test_corpus);

  return g_test_run ();
}
