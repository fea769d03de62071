/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "techo-cda.h"
#include "techo-reference.h"
#include "techo-test-util.h"

static TechoItem *
make_item (const char     *code,
           TechoValueType  type,
           const char     *value,
           const char     *unit,
           const char     *system,
           const char     *display)
{
  TechoItem *item = techo_item_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (code);

  item->code = g_strdup (code);
  item->name = g_strdup (analyte != NULL ? analyte->name_ja : "その他の項目");
  item->type = type;
  item->value = g_strdup (value);
  item->unit = g_strdup (unit);
  item->value_system = g_strdup (system);
  item->display = g_strdup (display);
  item->not_performed = value == NULL;
  return item;
}

static TechoCheckup *
sample_checkup (void)
{
  TechoCheckup *checkup = techo_checkup_new ();
  GPtrArray *items = checkup->items;

  checkup->id = g_strdup ("C-2025-0001");
  checkup->performed_on = g_strdup ("2025-06-15");
  checkup->kind = g_strdup ("010");
  checkup->report_kind = g_strdup ("10");
  checkup->institution_code = g_strdup ("1312345678");
  checkup->institution_name = g_strdup ("テスト健診センター & <クリニック>");

  g_ptr_array_add (items, make_item ("9N001000000000001", TECHO_VALUE_PQ, "170.2", "cm", NULL, NULL));
  g_ptr_array_add (items, make_item ("9N016160100000001", TECHO_VALUE_PQ, "86.0", "cm", NULL, NULL));
  g_ptr_array_add (items, make_item ("9A751000000000001", TECHO_VALUE_PQ, "142", "mmHg", NULL, NULL));
  g_ptr_array_add (items, make_item ("3F070000002327101", TECHO_VALUE_PQ, "38", "mg/dL", NULL, NULL));
  g_ptr_array_add (items, make_item ("8A065000002391901", TECHO_VALUE_PQ, "58.5", "mL/min/1.73m2", NULL, NULL));
  g_ptr_array_add (items, make_item ("3D046000001906202", TECHO_VALUE_PQ, "6.6", "%", NULL, NULL));
  g_ptr_array_add (items, make_item ("3D045000001906202", TECHO_VALUE_PQ, "6.2", "%", NULL, NULL));
  g_ptr_array_add (items, make_item ("3F077000002327101", TECHO_VALUE_PQ, NULL, NULL, NULL, NULL));
  g_ptr_array_add (items, make_item ("1A010000000191111", TECHO_VALUE_CO, "3",
                                     NULL, TECHO_OID_URINE_ORDINAL, "+"));
  g_ptr_array_add (items, make_item (TECHO_CODE_METABOLIC, TECHO_VALUE_CO, "1",
                                     NULL, TECHO_OID_METABOLIC, "基準該当"));
  g_ptr_array_add (items, make_item ("9N736000000000011", TECHO_VALUE_CD, "2",
                                     NULL, "1.2.392.200119.6.9999", "以前は吸っていた"));
  g_ptr_array_add (items, make_item (TECHO_CODE_DOCTOR_OPINION, TECHO_VALUE_ST,
                                     "要再検査 <血圧> & \"脂質\"", NULL, NULL, NULL));
  return checkup;
}

static TechoProfile *
sample_patient (void)
{
  TechoProfile *patient = techo_profile_new ();

  patient->name = g_strdup ("手帳 太郎");
  patient->name_kana = g_strdup ("テチョウ タロウ");
  patient->sex = g_strdup ("male");
  patient->birth_date = g_strdup ("1970-03-10");
  patient->insurer_number = g_strdup ("06139999");
  return patient;
}

static void
assert_items_equal (const TechoItem *a,
                    const TechoItem *b)
{
  g_assert_cmpstr (a->code, ==, b->code);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpstr (a->value, ==, b->value);
  g_assert_cmpstr (a->unit, ==, b->unit);
  g_assert_cmpint (a->not_performed, ==, b->not_performed);
  if (!a->not_performed && (a->type == TECHO_VALUE_CO || a->type == TECHO_VALUE_CD))
    {
      g_assert_cmpstr (a->value_system, ==, b->value_system);
      g_assert_cmpstr (a->display, ==, b->display);
    }
}

static char *
read_corpus_file (const char *name,
                  gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", "cda", name, NULL);
  char *data = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &data, length, &error);
  g_assert_no_error (error);
  return data;
}

static void
test_round_trip (void)
{
  g_autoptr(TechoCheckup) checkup = sample_checkup ();
  g_autoptr(TechoProfile) patient = sample_patient ();
  g_autoptr(TechoCheckup) back = NULL;
  g_autoptr(TechoProfile) patient_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *again = NULL;
  gsize length = 0, length_again = 0;

  xml = techo_cda_write_checkup (checkup, patient, &length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (xml);
  g_assert_cmpuint (length, ==, strlen (xml));

  back = techo_cda_read_checkup (xml, length, &patient_back, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (back->id, ==, checkup->id);
  g_assert_cmpstr (back->performed_on, ==, "2025-06-15");
  g_assert_cmpstr (back->kind, ==, "010");
  g_assert_cmpstr (back->report_kind, ==, "10");
  g_assert_cmpstr (back->institution_code, ==, "1312345678");
  g_assert_cmpstr (back->institution_name, ==, checkup->institution_name);
  g_assert_cmpuint (back->items->len, ==, checkup->items->len);
  for (guint i = 0; i < checkup->items->len; i++)
    assert_items_equal (g_ptr_array_index (checkup->items, i),
                        g_ptr_array_index (back->items, i));

  g_assert_nonnull (patient_back);
  g_assert_cmpstr (patient_back->name, ==, patient->name);
  g_assert_cmpstr (patient_back->name_kana, ==, patient->name_kana);
  g_assert_cmpstr (patient_back->sex, ==, "male");
  g_assert_cmpstr (patient_back->birth_date, ==, "1970-03-10");
  g_assert_cmpstr (patient_back->insurer_number, ==, "06139999");

  /* Writing what was read gives the same bytes: nothing drifts. */
  again = techo_cda_write_checkup (back, patient_back, &length_again, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length_again, ==, length);
  g_assert_cmpstr (again, ==, xml);
}

/* Random text from characters that XML must escape, without blanks at the
 * ends (the reader trims those). */
static char *
random_text (guint max_length)
{
  static const char * const pieces[] = {
    "a", "Z", "0", "日", "本", "語", "<", ">", "&", "\"", "'", " ", "-", "。", "\n",
  };
  g_autoptr(GString) text = g_string_new ("x");
  guint length = g_test_rand_int_range (0, max_length);

  for (guint i = 0; i < length; i++)
    g_string_append (text, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);
  g_string_append (text, "y");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Many random checkups built from the reference table: each one written
 * and read back must give the same items. */
static void
test_round_trip_random (void)
{
  guint n_analytes = 0;
  const TechoAnalyte *analytes = techo_reference_analytes (&n_analytes);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
      g_autoptr(TechoProfile) patient = techo_profile_new ();
      g_autoptr(TechoCheckup) back = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *xml = NULL;
      gsize length = 0;
      guint n_items = g_test_rand_int_range (0, 40);

      checkup->performed_on = g_strdup_printf ("%04d-%02d-%02d", g_test_rand_int_range (1990, 2030),
                                               g_test_rand_int_range (1, 13),
                                               g_test_rand_int_range (1, 29));
      checkup->institution_name = random_text (20);
      patient->sex = g_strdup (g_test_rand_bit () ? "male" : "female");
      patient->name = random_text (10);
      for (guint i = 0; i < n_items; i++)
        {
          const TechoAnalyte *analyte = &analytes[g_test_rand_int_range (0, n_analytes)];
          const char *code = analyte->codes[0];
          g_autofree char *value = NULL;
          TechoItem *item;

          switch (analyte->value_type)
            {
            case TECHO_VALUE_PQ:
              value = g_strdup_printf ("%d.%d", g_test_rand_int_range (0, 400),
                                       g_test_rand_int_range (0, 10));
              /* One in ten not performed: no value, and so no unit. */
              if (g_test_rand_int_range (0, 10) == 0)
                g_clear_pointer (&value, g_free);
              item = make_item (code, TECHO_VALUE_PQ, value, value ? analyte->unit : NULL,
                                NULL, NULL);
              break;
            case TECHO_VALUE_CO:
            case TECHO_VALUE_CD:
              value = g_strdup_printf ("%d", g_test_rand_int_range (1, 6));
              item = make_item (code, TECHO_VALUE_CO, value, NULL, "1.2.3.4", "表示");
              break;
            case TECHO_VALUE_ST:
            default:
              value = random_text (60);
              item = make_item (code, TECHO_VALUE_ST, value, NULL, NULL, NULL);
              break;
            }
          g_ptr_array_add (checkup->items, item);
        }

      xml = techo_cda_write_checkup (checkup, patient, &length, &error);
      g_assert_no_error (error);
      back = techo_cda_read_checkup (xml, length, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (back->performed_on, ==, checkup->performed_on);
      g_assert_cmpstr (back->institution_name, ==, checkup->institution_name);
      g_assert_cmpuint (back->items->len, ==, checkup->items->len);
      for (guint i = 0; i < checkup->items->len; i++)
        assert_items_equal (g_ptr_array_index (checkup->items, i),
                            g_ptr_array_index (back->items, i));
    }
}

static void
test_output_shape (void)
{
  g_autoptr(TechoCheckup) checkup = sample_checkup ();
  g_autoptr(TechoProfile) patient = sample_patient ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = techo_cda_write_checkup (checkup, patient, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
  g_assert_nonnull (strstr (xml, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\""));
  g_assert_nonnull (strstr (xml, "<typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>"));
  g_assert_nonnull (strstr (xml, "<code code=\"10\" codeSystem=\"1.2.392.200119.6.1001\"/>"));
  g_assert_nonnull (strstr (xml, "<code code=\"010\" codeSystem=\"1.2.392.200119.6.1002\"/>"));
  g_assert_nonnull (strstr (xml, "<effectiveTime value=\"20250615\"/>"));
  g_assert_nonnull (strstr (xml, "<id root=\"1.2.392.200119.6.101\" extension=\"06139999\"/>"));
  g_assert_nonnull (strstr (xml, "<administrativeGenderCode code=\"1\" codeSystem=\"1.2.392.200119.6.1104\"/>"));
  g_assert_nonnull (strstr (xml, "<birthTime value=\"19700310\"/>"));
  g_assert_nonnull (strstr (xml, "<id root=\"1.2.392.200119.6.102\" extension=\"1312345678\"/>"));
  g_assert_nonnull (strstr (xml, "<representedCustodianOrganization>"));
  g_assert_nonnull (strstr (xml, "<code code=\"01010\" codeSystem=\"1.2.392.200119.6.1010\"/>"));
  g_assert_nonnull (strstr (xml, "<observation classCode=\"OBS\" moodCode=\"EVN\" negationInd=\"true\">"));
  g_assert_nonnull (strstr (xml, "xsi:type=\"PQ\" value=\"142\" unit=\"mmHg\""));
  g_assert_nonnull (strstr (xml, "xsi:type=\"CO\" code=\"3\" codeSystem=\"1.2.392.200119.6.2102\""));
  /* SBP 142 is over: H, and the range ends (exclusive) at 130. */
  g_assert_nonnull (strstr (xml, "<high value=\"130\" unit=\"mmHg\" inclusive=\"false\"/>"));
  g_assert_nonnull (strstr (xml, "<interpretationCode code=\"H\""));
  /* HDL 38 and eGFR 58.5 are low. */
  g_assert_nonnull (strstr (xml, "<low value=\"39\" unit=\"mg/dL\" inclusive=\"false\"/>"));
  g_assert_nonnull (strstr (xml, "<low value=\"60\" unit=\"mL/min/1.73m2\" inclusive=\"true\"/>"));
  g_assert_nonnull (strstr (xml, "<interpretationCode code=\"L\""));
  /* Male waist threshold 85. */
  g_assert_nonnull (strstr (xml, "<high value=\"85\" unit=\"cm\" inclusive=\"false\"/>"));
  /* Markup in values is escaped, never interpreted. */
  g_assert_nonnull (strstr (xml, "&lt;クリニック&gt;"));
  g_assert_null (strstr (xml, "<血圧>"));
}

static void
test_sample_file (void)
{
  gsize length = 0;
  g_autofree char *data = read_corpus_file ("ok-sample.xml", &length);
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoCheckup) checkup = techo_cda_read_checkup (data, length, &patient, &error);
  const TechoItem *item;

  g_assert_no_error (error);
  g_assert_cmpstr (checkup->performed_on, ==, "2012-05-19");
  g_assert_cmpstr (checkup->institution_name, ==, "テスト健診センター");
  g_assert_cmpuint (checkup->items->len, ==, 8);
  item = techo_checkup_find_item (checkup, "9N006000000000001");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_PQ);
  g_assert_cmpstr (item->value, ==, "65.4");
  g_assert_cmpstr (item->unit, ==, "kg");

  /* The grouped series: the group header is not an item, its parts are. */
  g_assert_null (techo_checkup_find_item (checkup, "9A750000000000001"));
  item = techo_checkup_find_item (checkup, "9A751000000000001");
  g_assert_cmpstr (item->value, ==, "142");
  g_assert_cmpstr (item->unit, ==, "mmHg");
  g_assert_cmpstr (techo_checkup_find_item (checkup, "9A761000000000001")->value, ==, "88");

  item = techo_checkup_find_item (checkup, "3D045000001906202");
  g_assert_cmpstr (techo_reference_analyte_for_code (item->code)->key, ==, "hba1c_jds");
  g_assert_cmpstr (item->value, ==, "5.9");

  item = techo_checkup_find_item (checkup, "3F077000002327101");
  g_assert_true (item->not_performed);
  g_assert_null (item->value);

  item = techo_checkup_find_item (checkup, "1A010000000191111");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_CO);
  g_assert_cmpstr (item->display, ==, "±"); /* filled from the reference */

  item = techo_checkup_find_item (checkup, TECHO_CODE_DOCTOR_OPINION);
  g_assert_cmpint (item->type, ==, TECHO_VALUE_ST);
  g_assert_cmpstr (item->value, ==, "血圧が高めです。<再検査>をおすすめします。");

  g_assert_cmpstr (patient->name_kana, ==, "テスト タロウ");
  g_assert_null (patient->name);
  g_assert_cmpstr (patient->sex, ==, "male");
  g_assert_cmpstr (patient->birth_date, ==, "1960-04-01");
  g_assert_cmpstr (patient->insurer_number, ==, "06139999");
}

static void
assert_refused (const char   *data,
                gsize         length,
                TechoCdaError code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(TechoCheckup) checkup = techo_cda_read_checkup (data, length, &patient, &error);

  g_assert_null (checkup);
  g_assert_null (patient);
  g_assert_error (error, TECHO_CDA_ERROR, (gint) code);
  g_assert_cmpuint (strlen (error->message), >, 10);
}

static void
test_malformed (void)
{
  g_autoptr(TechoCheckup) checkup = sample_checkup ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *xml = techo_cda_write_checkup (checkup, NULL, &length, &error);
  static const char not_cda[] = "<?xml version=\"1.0\"?><html><body/></html>";
  static const char no_ns[] = "<ClinicalDocument><component/></ClinicalDocument>";
  static const char no_date[] =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><component><structuredBody/></component>"
    "</ClinicalDocument>";
  static const char no_body[] =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><effectiveTime value=\"20250101\"/>"
    "</ClinicalDocument>";
  static const char sjis[] = "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a>\x83\x65</a>";
  static const char utf16[] = "<\0a\0/\0>\0";

  g_assert_no_error (error);
  assert_refused ("", 0, TECHO_CDA_ERROR_MALFORMED);
  assert_refused ("not xml at all", 14, TECHO_CDA_ERROR_MALFORMED);
  assert_refused (not_cda, strlen (not_cda), TECHO_CDA_ERROR_NOT_CHECKUP);
  assert_refused (no_ns, strlen (no_ns), TECHO_CDA_ERROR_NOT_CHECKUP);
  assert_refused (no_date, strlen (no_date), TECHO_CDA_ERROR_INVALID);
  assert_refused (no_body, strlen (no_body), TECHO_CDA_ERROR_INVALID);
  assert_refused (sjis, strlen (sjis), TECHO_CDA_ERROR_FORBIDDEN);
  assert_refused (utf16, sizeof utf16 - 1, TECHO_CDA_ERROR_FORBIDDEN);

  /* Every truncation of a real file is refused, none crashes. */
  for (gsize cut = 0; cut + 1 < length; cut += 1 + cut / 8)
    {
      g_autoptr(GError) cut_error = NULL;
      g_autoptr(TechoCheckup) partial = techo_cda_read_checkup (xml, cut, NULL, &cut_error);

      g_assert_null (partial);
      g_assert_nonnull (cut_error);
    }
}

static void
test_entities (void)
{
  static const char laughs[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol9 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    "]>\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">&lol9;</ClinicalDocument>\n";
  static const char xxe[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE ClinicalDocument [ <!ENTITY xxe SYSTEM \"file:///etc/passwd\"> ]>\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<effectiveTime value=\"20250101\"/><component><structuredBody><component><section>"
    "<entry><observation><code code=\"9N511000000000049\"/>"
    "<value xsi:type=\"ST\">&xxe;</value></observation></entry>"
    "</section></component></structuredBody></component></ClinicalDocument>\n";
  static const char external_dtd[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE ClinicalDocument SYSTEM \"file:///etc/passwd\">\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"/>\n";
  /* Without a DOCTYPE an entity reference is simply not well-formed. */
  static const char undeclared[] =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\">&xxe;</ClinicalDocument>";
  /* XInclude is never processed: the include stays an unknown element. */
  static const char xinclude[] =
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
    "xmlns:xi=\"http://www.w3.org/2001/XInclude\" "
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
    "<effectiveTime value=\"20250101\"/><component><structuredBody><component><section>"
    "<entry><observation><code code=\"9N511000000000049\"/>"
    "<value xsi:type=\"ST\"><xi:include href=\"file:///etc/passwd\" parse=\"text\"/></value>"
    "</observation></entry></section></component></structuredBody></component>"
    "</ClinicalDocument>";
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoCheckup) checkup = NULL;
  gint64 start = g_get_monotonic_time ();

  assert_refused (laughs, strlen (laughs), TECHO_CDA_ERROR_FORBIDDEN);
  assert_refused (xxe, strlen (xxe), TECHO_CDA_ERROR_FORBIDDEN);
  assert_refused (external_dtd, strlen (external_dtd), TECHO_CDA_ERROR_FORBIDDEN);
  assert_refused (undeclared, strlen (undeclared), TECHO_CDA_ERROR_MALFORMED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  checkup = techo_cda_read_checkup (xinclude, strlen (xinclude), NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < checkup->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, i);

      g_assert_true (item->value == NULL || strstr (item->value, "root:") == NULL);
    }
}

static void
test_limits (void)
{
  g_autoptr(GString) deep = g_string_new ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\">");
  g_autoptr(GString) very_deep = g_string_new ("<a>");
  g_autoptr(GString) many = g_string_new (NULL);
  g_autoptr(TechoCheckup) big = techo_checkup_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_malloc (TECHO_CDA_MAX_SIZE + 1);
  g_autofree char *written = NULL;

  memset (huge, ' ', TECHO_CDA_MAX_SIZE + 1);
  assert_refused (huge, TECHO_CDA_MAX_SIZE + 1, TECHO_CDA_ERROR_TOO_LARGE);

  for (guint i = 0; i < 100; i++)
    g_string_append (deep, "<component>");
  for (guint i = 0; i < 100; i++)
    g_string_append (deep, "</component>");
  g_string_append (deep, "</ClinicalDocument>");
  assert_refused (deep->str, deep->len, TECHO_CDA_ERROR_TOO_LARGE);

  /* Far deeper than libxml2's own limit: refused, no stack overflow. */
  for (guint i = 0; i < 50000; i++)
    g_string_append (very_deep, "<a>");
  {
    g_autoptr(GError) deep_error = NULL;
    g_autoptr(TechoCheckup) none = techo_cda_read_checkup (very_deep->str, very_deep->len,
                                                           NULL, &deep_error);
    g_assert_null (none);
    g_assert_error (deep_error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_MALFORMED);
  }

  /* More observations than the item cap. */
  g_string_append (many, "<ClinicalDocument xmlns=\"urn:hl7-org:v3\" "
                         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                         "<effectiveTime value=\"20250101\"/><component><structuredBody>"
                         "<component><section>");
  for (guint i = 0; i <= TECHO_CDA_MAX_ITEMS; i++)
    g_string_append (many, "<entry><observation><code code=\"9N001000000000001\"/>"
                           "<value xsi:type=\"PQ\" value=\"170\" unit=\"cm\"/></observation></entry>");
  g_string_append (many, "</section></component></structuredBody></component></ClinicalDocument>");
  assert_refused (many->str, many->len, TECHO_CDA_ERROR_TOO_LARGE);

  /* The writer keeps the same caps and refuses bad input. */
  big->performed_on = g_strdup ("2025-01-01");
  for (guint i = 0; i <= TECHO_CDA_MAX_ITEMS; i++)
    g_ptr_array_add (big->items, make_item ("9N001000000000001", TECHO_VALUE_PQ, "170", "cm",
                                            NULL, NULL));
  written = techo_cda_write_checkup (big, NULL, NULL, &error);
  g_assert_null (written);
  g_assert_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_TOO_LARGE);
  g_clear_error (&error);

  g_ptr_array_set_size (big->items, 1);
  g_free (((TechoItem *) g_ptr_array_index (big->items, 0))->value);
  ((TechoItem *) g_ptr_array_index (big->items, 0))->value = g_strdup ("17\x01" "0");
  written = techo_cda_write_checkup (big, NULL, NULL, &error);
  g_assert_null (written);
  g_assert_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_pointer (&big->performed_on, g_free);
  written = techo_cda_write_checkup (big, NULL, NULL, &error);
  g_assert_null (written);
  g_assert_error (error, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID);
}

/* Replays every file kept in tests/corpus/cda: files named ok-* must read;
 * the others (fuzzer finds) must be refused or read, never crash. */
static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(TechoCheckup) checkup = techo_cda_read_checkup (data, length, &patient, &error);

  if (g_str_has_prefix (name, "ok-"))
    {
      g_assert_no_error (error);
      g_assert_nonnull (checkup);
    }
  else if (checkup == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == TECHO_CDA_ERROR);
    }
}

static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("cda", check_corpus_file, NULL), >=, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cda/round-trip", test_round_trip);
  g_test_add_func ("/cda/round-trip-random", test_round_trip_random);
  g_test_add_func ("/cda/output-shape", test_output_shape);
  g_test_add_func ("/cda/sample-file", test_sample_file);
  g_test_add_func ("/cda/malformed", test_malformed);
  g_test_add_func ("/cda/entities", test_entities);
  g_test_add_func ("/cda/limits", test_limits);
  g_test_add_func ("/cda/corpus", test_corpus);

  return g_test_run ();
}
