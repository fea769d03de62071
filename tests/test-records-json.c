/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "techo-records-json.h"

static const char checkup_json[] =
  "{\"id\":\"chk-yamada-2024\",\"revision\":2,\"performed_on\":\"2024-06-15\","
  "\"kind\":\"010\",\"report_kind\":\"10\","
  "\"institution\":{\"code\":\"1312345678\",\"name\":\"千代田健診センター\"},"
  "\"items\":["
  "{\"code\":\"9N001000000000001\",\"name\":\"身長\",\"type\":\"PQ\",\"value\":\"170.2\",\"unit\":\"cm\"},"
  "{\"code\":\"1A020000000191111\",\"name\":\"尿糖\",\"type\":\"CO\",\"value\":\"1\","
  "\"value_system\":\"1.2.392.200119.6.2102\",\"display\":\"−\"},"
  "{\"code\":\"3F077000002327101\",\"name\":\"LDLコレステロール\",\"type\":\"PQ\",\"not_performed\":true},"
  "{\"code\":\"9N511000000000049\",\"name\":\"医師の判断\",\"type\":\"ST\",\"value\":\"異常なし\"}],"
  "\"document\":\"/api/v1/checkups/chk-yamada-2024/document\"}";

static const char dispensing_json[] =
  "{\"id\":\"med-1\",\"revision\":1,\"source\":\"dispensing\","
  "\"dispensed_on\":\"2024-10-03\",\"prescribed_on\":\"2024-10-01\",\"setting\":\"outpatient\","
  "\"pharmacy\":{\"code\":\"1312345678\",\"name\":\"さくら薬局\"},"
  "\"prescriber\":{\"code\":\"1311234567\",\"name\":\"山田内科\",\"department\":\"内科\"},"
  "\"receipt_code\":\"620004422\",\"yj_code\":\"2171022F1020\","
  "\"drug_name\":\"アムロジピン錠5mg\",\"ingredient_name\":\"アムロジピンベシル酸塩\","
  "\"quantity\":1.5,\"unit\":\"錠\",\"usage\":\"1日1回 朝食後\",\"days\":28,\"dosage_form\":\"1\"}";

static const char screening_json[] =
  "{\"id\":\"scr-1\",\"revision\":1,\"performed_on\":\"2024-09-10\",\"cancer\":\"colorectal\","
  "\"report_kind\":\"55\",\"stage\":\"primary\","
  "\"municipality\":{\"code\":\"131016\",\"name\":\"千代田区\"},"
  "\"items\":[{\"code\":\"1B040000001599811\",\"name\":\"便潜血\",\"type\":\"CO\",\"value\":\"1\","
  "\"value_system\":\"1.2.392.100495.100.2500\",\"display\":\"陰性\"}],"
  "\"followup\":{\"code\":\"9P582000000000011\",\"value\":\"1\",\"display\":\"精密検査不要\"}}";

static JsonObject *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = techo_json_parse_object_bounded (text, strlen (text), NULL, &error);

  g_assert_no_error (error);
  return object;
}

static char *
checkup_to_string (const TechoCheckup *checkup)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  techo_checkup_to_json (checkup, builder);
  return techo_json_builder_to_string (builder);
}

static void
test_checkup_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (checkup_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoCheckup) checkup = techo_checkup_from_json (object, &error);
  g_autoptr(TechoCheckup) again = NULL;
  g_autoptr(JsonObject) reparsed = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  const TechoItem *item;

  g_assert_no_error (error);
  g_assert_cmpstr (checkup->id, ==, "chk-yamada-2024");
  g_assert_cmpint (checkup->revision, ==, 2);
  g_assert_false (checkup->withdrawn);
  g_assert_cmpstr (checkup->performed_on, ==, "2024-06-15");
  g_assert_cmpstr (checkup->kind, ==, "010");
  g_assert_cmpstr (checkup->institution_code, ==, "1312345678");
  g_assert_cmpstr (checkup->institution_name, ==, "千代田健診センター");
  g_assert_cmpuint (checkup->items->len, ==, 4);
  item = techo_checkup_find_item (checkup, "9N001000000000001");
  g_assert_cmpstr (item->value, ==, "170.2");
  g_assert_cmpstr (item->unit, ==, "cm");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_PQ);
  item = techo_checkup_find_item (checkup, "1A020000000191111");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_CO);
  g_assert_cmpstr (item->value_system, ==, "1.2.392.200119.6.2102");
  g_assert_cmpstr (item->display, ==, "−");
  item = techo_checkup_find_item (checkup, "3F077000002327101");
  g_assert_true (item->not_performed);
  g_assert_null (item->value);
  g_assert_cmpstr (checkup->document, ==, "/api/v1/checkups/chk-yamada-2024/document");

  text = checkup_to_string (checkup);
  reparsed = parse (text);
  again = techo_checkup_from_json (reparsed, &error);
  g_assert_no_error (error);
  text2 = checkup_to_string (again);
  g_assert_cmpstr (text, ==, text2);
  g_assert_nonnull (strstr (text, "\"not_performed\":true"));
}

static void
test_dispensing_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (dispensing_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoDispensing) d = techo_dispensing_from_json (object, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonObject) reparsed = NULL;
  g_autoptr(TechoDispensing) again = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (d->source, ==, "dispensing");
  g_assert_cmpstr (d->dispensed_on, ==, "2024-10-03");
  g_assert_cmpstr (d->prescribed_on, ==, "2024-10-01");
  g_assert_cmpstr (d->pharmacy_name, ==, "さくら薬局");
  g_assert_cmpstr (d->prescriber_department, ==, "内科");
  g_assert_cmpstr (d->yj_code, ==, "2171022F1020");
  g_assert_cmpfloat (d->quantity, ==, 1.5);
  g_assert_cmpint (d->days, ==, 28);
  g_assert_cmpstr (d->dosage_form, ==, "1");

  techo_dispensing_to_json (d, builder);
  text = techo_json_builder_to_string (builder);
  reparsed = parse (text);
  again = techo_dispensing_from_json (reparsed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->drug_name, ==, d->drug_name);
  g_assert_cmpfloat (again->quantity, ==, 1.5);
  g_assert_cmpstr (again->prescriber_code, ==, "1311234567");
}

static void
test_screening_round_trip (void)
{
  g_autoptr(JsonObject) object = parse (screening_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoScreening) s = techo_screening_from_json (object, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) reparsed = NULL;
  g_autoptr(TechoScreening) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (s->cancer, ==, "colorectal");
  g_assert_cmpstr (s->municipality_name, ==, "千代田区");
  g_assert_cmpstr (s->followup_code, ==, "9P582000000000011");
  g_assert_cmpstr (s->followup_display, ==, "精密検査不要");
  g_assert_cmpuint (s->items->len, ==, 1);

  techo_screening_to_json (s, builder);
  text = techo_json_builder_to_string (builder);
  reparsed = parse (text);
  again = techo_screening_from_json (reparsed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->followup_value, ==, "1");
  g_assert_cmpstr (again->stage, ==, "primary");
}

static void
test_withdrawn (void)
{
  g_autoptr(JsonObject) object = parse ("{\"id\":\"med-9\",\"revision\":3,\"withdrawn\":true}");
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoDispensing) d = techo_dispensing_from_json (object, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_true (d->withdrawn);
  g_assert_cmpint (d->revision, ==, 3);
  g_assert_null (d->drug_name);
  techo_dispensing_to_json (d, builder);
  text = techo_json_builder_to_string (builder);
  g_assert_cmpstr (text, ==, "{\"id\":\"med-9\",\"revision\":3,\"withdrawn\":true}");
}

/* Replaces the first occurrence of @from in @text by @to. */
static char *
replace (const char *text,
         const char *from,
         const char *to)
{
  const char *at = strstr (text, from);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, to, at + strlen (from));
}

static void
test_checkup_errors (void)
{
  static const struct { const char *from; const char *to; const char *expect; } cases[] = {
    { "\"id\":\"chk-yamada-2024\",", "", "“id” is missing" },
    { "\"revision\":2,", "", "“revision” is missing" },
    { "\"revision\":2", "\"revision\":\"2\"", "“revision”" },
    { "\"revision\":2", "\"revision\":0", "“revision”" },
    { "\"performed_on\":\"2024-06-15\"", "\"performed_on\":\"2024-02-30\"", "“performed_on” is not a date" },
    { "\"performed_on\":\"2024-06-15\"", "\"performed_on\":\"20240615\"", "“performed_on”" },
    { "\"performed_on\":\"2024-06-15\"", "\"performed_on\":15", "“performed_on” is not text" },
    { "\"type\":\"PQ\",\"value\":\"170.2\"", "\"type\":\"XX\",\"value\":\"170.2\"", "“type”" },
    { "\"value\":\"170.2\"", "\"value\":170.2", "item 1" },
    { "\"items\":[", "\"items\":{\"a\":[", "“items” is not a list" },
    { "\"institution\":{", "\"institution\":[{", "“institution” is not an object" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = replace (checkup_json, cases[i].from, cases[i].to);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(TechoCheckup) checkup = NULL;
      g_autoptr(JsonNode) node = techo_json_parse_bounded (text, strlen (text), NULL, &error);

      g_test_message ("case %u: %s", i, cases[i].expect);
      if (node == NULL)
        {
          /* A replacement that broke the JSON itself (the items case
           * leaves brackets unbalanced on purpose) is still refused. */
          g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX);
          continue;
        }
      object = json_object_ref (json_node_get_object (node));
      checkup = techo_checkup_from_json (object, &error);
      g_assert_null (checkup);
      g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
      g_test_message ("%s", error->message);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
      /* Every message after the id is read names the record. */
      if (i > 0)
        g_assert_nonnull (strstr (error->message, "chk-yamada-2024"));
    }
}

static void
test_length_caps (void)
{
  GString *long_name = g_string_new ("\"drug_name\":\"");
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i <= TECHO_RECORD_MAX_NAME; i++)
    g_string_append (long_name, "薬");
  g_string_append_c (long_name, '"');
  text = replace (dispensing_json, "\"drug_name\":\"アムロジピン錠5mg\"", long_name->str);
  g_string_free (long_name, TRUE);
  object = parse (text);
  g_assert_null (techo_dispensing_from_json (object, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "drug_name"));
  g_assert_nonnull (strstr (error->message, "med-1"));
}

static void
test_dispensing_errors (void)
{
  static const struct { const char *from; const char *to; const char *expect; } cases[] = {
    { "\"source\":\"dispensing\"", "\"source\":\"guess\"", "“source”" },
    { "\"days\":28", "\"days\":-1", "“days”" },
    { "\"quantity\":1.5", "\"quantity\":\"1\"", "“quantity”" },
    { "\"drug_name\":\"アムロジピン錠5mg\",", "", "“drug_name” is missing" },
    { "\"setting\":\"outpatient\"", "\"setting\":\"home\"", "“setting”" },
    { "\"prescriber\":{\"code\":\"1311234567\"", "\"prescriber\":{\"code\":7", "“prescriber”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = replace (dispensing_json, cases[i].from, cases[i].to);
      g_autoptr(JsonObject) object = parse (text);
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u", i);
      g_assert_null (techo_dispensing_from_json (object, &error));
      g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, cases[i].expect));
    }
}

static void
test_array (void)
{
  g_autofree char *text = g_strdup_printf ("[%s,{\"id\":\"chk-2\",\"revision\":1,\"withdrawn\":true}]",
                                           checkup_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = techo_json_parse_bounded (text, strlen (text), NULL, &error);
  JsonArray *array;
  g_autoptr(GPtrArray) records = NULL;
  TechoCheckup *second;

  g_assert_no_error (error);
  array = json_node_get_array (node);
  records = techo_records_from_json_array (TECHO_CATEGORY_CHECKUP, array, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);
  second = g_ptr_array_index (records, 1);
  g_assert_true (second->withdrawn);

  g_assert_null (techo_records_from_json_array (TECHO_CATEGORY_CHECKUP, array, 1, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY);
  g_clear_error (&error);

  /* A checkup is not a screening: the wrong category fails cleanly. */
  g_assert_null (techo_records_from_json_array (TECHO_CATEGORY_SCREENING, array, 10, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID);
}

static void
test_profile (void)
{
  const char *me = "{\"subject\":\"sub-yamada\",\"name\":\"山田 太郎\",\"name_kana\":\"ヤマダ タロウ\","
                   "\"birth_date\":\"1968-04-02\",\"sex\":\"male\",\"insurer_number\":\"06130012\","
                   "\"granted\":[\"checkup\",\"screening\",\"unknown\"],"
                   "\"consent_expires_at\":\"2027-02-23T00:00:00Z\"}";
  g_autoptr(JsonObject) object = parse (me);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) profile = techo_profile_from_json (object, &error);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *expires = NULL;
  g_autofree char *text = NULL;
  guint granted = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (profile->subject, ==, "sub-yamada");
  g_assert_cmpstr (profile->name_kana, ==, "ヤマダ タロウ");
  g_assert_cmpstr (profile->sex, ==, "male");
  g_assert_true (techo_profile_grants_from_json (object, &granted, &expires, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (granted, ==, (1u << TECHO_CATEGORY_CHECKUP) | (1u << TECHO_CATEGORY_SCREENING));
  g_assert_cmpstr (expires, ==, "2027-02-23T00:00:00Z");

  techo_profile_to_json (profile, builder);
  text = techo_json_builder_to_string (builder);
  g_assert_nonnull (strstr (text, "\"insurer_number\":\"06130012\""));
}

static void
test_dates (void)
{
  g_assert_true (techo_json_is_date ("2024-02-29"));
  g_assert_false (techo_json_is_date ("2023-02-29"));
  g_assert_false (techo_json_is_date ("2024-13-01"));
  g_assert_false (techo_json_is_date ("2024-1-01"));
  g_assert_false (techo_json_is_date ("2024-01-01T"));
  g_assert_false (techo_json_is_date (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/records-json/checkup-round-trip", test_checkup_round_trip);
  g_test_add_func ("/records-json/dispensing-round-trip", test_dispensing_round_trip);
  g_test_add_func ("/records-json/screening-round-trip", test_screening_round_trip);
  g_test_add_func ("/records-json/withdrawn", test_withdrawn);
  g_test_add_func ("/records-json/checkup-errors", test_checkup_errors);
  g_test_add_func ("/records-json/dispensing-errors", test_dispensing_errors);
  g_test_add_func ("/records-json/length-caps", test_length_caps);
  g_test_add_func ("/records-json/array", test_array);
  g_test_add_func ("/records-json/profile", test_profile);
  g_test_add_func ("/records-json/dates", test_dates);
  return g_test_run ();
}
