/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FHIR export: structure (JP Core profiles, codes, UCUM, interpretation,
 * urn:uuid fullUrls, every reference resolving inside its bundle), the
 * document form, the round trip through the importer, and the importer's
 * limits. Records come from a real store filled through its API. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-fhir.h"
#include "techo-reference.h"
#include "techo-test-export.h"
#include "techo-test-util.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Collects every "reference" value under @node. */
static void
collect_references (JsonNode  *node,
                    GPtrArray *out)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);

      /* A nested bundle is checked on its own. */
      if (g_strcmp0 (json_object_get_string_member_with_default (o, "resourceType", ""), "Bundle") == 0 &&
          out->len == G_MAXUINT)
        return;
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *child = json_object_get_member (o, l->data);

          if (strcmp (l->data, "reference") == 0 && JSON_NODE_HOLDS_VALUE (child))
            g_ptr_array_add (out, (gpointer) json_node_get_string (child));
          else
            collect_references (child, out);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        collect_references (json_array_get_element (a, i), out);
    }
}

/* Checks fullUrls and references of one bundle; returns how many
 * resources of each type it holds (type → count). */
static GHashTable *
check_bundle (JsonObject *bundle)
{
  g_autoptr(GHashTable) urls = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *entries = json_object_get_array_member (bundle, "entry");
  g_autoptr(GRegex) uuid = g_regex_new ("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                        "[89ab][0-9a-f]{3}-[0-9a-f]{12}$", 0, 0, NULL);

  g_assert_cmpstr (json_object_get_string_member (bundle, "resourceType"), ==, "Bundle");
  g_assert_nonnull (json_object_get_string_member (bundle, "timestamp"));
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      const char *url = json_object_get_string_member (entry, "fullUrl");
      JsonObject *r = json_object_get_object_member (entry, "resource");
      const char *type = json_object_get_string_member (r, "resourceType");

      g_assert_true (g_regex_match (uuid, url, 0, NULL));
      g_assert_false (g_hash_table_contains (urls, url));
      g_hash_table_add (urls, (gpointer) url);
      g_hash_table_insert (types, g_strdup (type),
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (types, type)) + 1));
    }
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");
      g_autoptr(GPtrArray) refs = g_ptr_array_new ();

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), "Bundle") == 0)
        continue;
      collect_references (json_array_get_element (entries, i), refs);
      for (guint j = 0; j < refs->len; j++)
        g_assert_true (g_hash_table_contains (urls, g_ptr_array_index (refs, j)));
    }
  return types;
}

static JsonObject *
find_observation (JsonObject *bundle,
                  const char *code,
                  const char *date)
{
  JsonArray *entries = json_object_get_array_member (bundle, "entry");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");
      JsonObject *coding;

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), "Observation") != 0)
        continue;
      coding = json_array_get_object_element (json_object_get_array_member (
                   json_object_get_object_member (r, "code"), "coding"), 0);
      if (g_strcmp0 (json_object_get_string_member (coding, "code"), code) == 0 &&
          g_strcmp0 (json_object_get_string_member (r, "effectiveDateTime"), date) == 0)
        return r;
    }
  return NULL;
}

static JsonObject *
first_of_type (JsonObject *bundle,
               const char *type)
{
  JsonArray *entries = json_object_get_array_member (bundle, "entry");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), type) == 0)
        return r;
    }
  return NULL;
}

static const char *
coding_code (JsonObject *concept)
{
  return json_object_get_string_member (json_array_get_object_element (
           json_object_get_array_member (concept, "coding"), 0), "code");
}

static void
test_structure (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = techo_fhir_export (set, TECHO_FHIR_NONE, &error);
  g_autoptr(JsonObject) bundle = NULL;
  g_autoptr(GHashTable) types = NULL;
  JsonObject *patient, *obs, *quantity, *dispense, *range;
  JsonArray *names;

  g_assert_no_error (error);
  bundle = parse (json);
  g_assert_cmpstr (json_object_get_string_member (bundle, "type"), ==, "collection");
  types = check_bundle (bundle);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "Patient")), ==, 1);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "DiagnosticReport")), ==, 3 + 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "MedicationDispense")), ==, 3);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "Observation")), ==, 3 * 8 + 2);
  /* No number printed the long way. */
  g_assert_null (strstr (json, "9999999"));
  /* Every Observation names its JP Core profile (JP_Observation_Common
   * where no narrower one fits, as for screening items). */
  {
    JsonArray *entries = json_object_get_array_member (bundle, "entry");

    for (guint i = 0; i < json_array_get_length (entries); i++)
      {
        JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                       "resource");

        if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), "Observation") == 0)
          g_assert_true (g_str_has_prefix (json_array_get_string_element (json_object_get_array_member (
                                             json_object_get_object_member (r, "meta"), "profile"), 0),
                                           TECHO_URI_JP_PROFILE_PREFIX "JP_Observation_"));
      }
  }

  patient = first_of_type (bundle, "Patient");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (patient, "meta"), "profile"), 0),
                   ==, TECHO_URI_JP_PATIENT);
  names = json_object_get_array_member (patient, "name");
  g_assert_cmpuint (json_array_get_length (names), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *name = json_array_get_object_element (names, i);
      JsonObject *ext = json_array_get_object_element (json_object_get_array_member (name, "extension"), 0);

      g_assert_cmpstr (json_object_get_string_member (ext, "url"), ==, TECHO_URI_NAME_REPRESENTATION);
      g_assert_cmpstr (json_object_get_string_member (ext, "valueCode"), ==, i == 0 ? "IDE" : "SYL");
      g_assert_cmpstr (json_object_get_string_member (name, "text"), ==,
                       i == 0 ? TECHO_TEST_PATIENT_NAME : TECHO_TEST_PATIENT_KANA);
    }
  g_assert_cmpstr (json_object_get_string_member (patient, "gender"), ==, "female");
  g_assert_cmpstr (json_object_get_string_member (patient, "birthDate"), ==, "1968-04-01");

  /* HbA1c 6.6 %: lab result, UCUM, at or above 6.5 → see a doctor (HU). */
  obs = find_observation (bundle, "3D046000001906202", "2025-06-15");
  g_assert_nonnull (obs);
  g_assert_cmpstr (json_object_get_string_member (obs, "status"), ==, "final");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (obs, "meta"), "profile"), 0),
                   ==, TECHO_URI_JP_LAB_RESULT);
  g_assert_cmpstr (coding_code (json_array_get_object_element (
                     json_object_get_array_member (obs, "category"), 0)), ==, "laboratory");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json_array_get_object_element (
                       json_object_get_array_member (obs, "category"), 0), "coding"), 0), "system"),
                   ==, TECHO_URI_OBSERVATION_CATEGORY);
  quantity = json_object_get_object_member (obs, "valueQuantity");
  g_assert_cmpfloat (json_object_get_double_member (quantity, "value"), ==, 6.6);
  g_assert_cmpstr (json_object_get_string_member (quantity, "system"), ==, TECHO_URI_UCUM);
  g_assert_cmpstr (json_object_get_string_member (quantity, "code"), ==, "%");
  g_assert_cmpstr (coding_code (json_array_get_object_element (
                     json_object_get_array_member (obs, "interpretation"), 0)), ==, "HU");
  range = json_array_get_object_element (json_object_get_array_member (obs, "referenceRange"), 0);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (range, "high"),
                                                    "value"), ==, 5.6);

  /* Blood pressure in mm[Hg]; 2023's 128 is within guidance (≥130 no). */
  obs = find_observation (bundle, "9A751000000000001", "2025-06-15");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (obs, "valueQuantity"),
                                                  "code"), ==, "mm[Hg]");
  obs = find_observation (bundle, "9A751000000000001", "2023-06-10");
  g_assert_cmpstr (coding_code (json_array_get_object_element (
                     json_object_get_array_member (obs, "interpretation"), 0)), ==, "N");

  /* A test not performed carries a dataAbsentReason instead of a value. */
  obs = find_observation (bundle, "3F015000002327101", "2025-06-15");
  g_assert_cmpstr (coding_code (json_object_get_object_member (obs, "dataAbsentReason")),
                   ==, "not-performed");
  g_assert_false (json_object_has_member (obs, "valueQuantity"));

  dispense = first_of_type (bundle, "MedicationDispense");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                     json_object_get_object_member (dispense, "meta"), "profile"), 0),
                   ==, TECHO_URI_JP_MEDICATION_DISPENSE);
  g_assert_cmpstr (json_object_get_string_member (dispense, "status"), ==, "completed");
  g_assert_nonnull (json_object_get_string_member (dispense, "whenHandedOver"));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (json_object_get_object_member (
                       dispense, "medicationCodeableConcept"), "coding"), 0), "system"),
                   ==, TECHO_URI_YJ);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (dispense, "daysSupply"),
                                                  "code"), ==, "d");
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (dispense, "quantity"),
                                                    "value"), ==, 1.5);
}

static void
assert_sets_equal (const TechoRecordSet *a,
                   const TechoRecordSet *b)
{
  g_assert_cmpstr (a->profile->name, ==, b->profile->name);
  g_assert_cmpstr (a->profile->name_kana, ==, b->profile->name_kana);
  g_assert_cmpstr (a->profile->birth_date, ==, b->profile->birth_date);
  g_assert_cmpstr (a->profile->sex, ==, b->profile->sex);
  g_assert_cmpstr (a->profile->insurer_number, ==, b->profile->insurer_number);
  g_assert_cmpstr (a->profile->subject, ==, b->profile->subject);
  g_assert_cmpuint (a->checkups->len, ==, b->checkups->len);
  for (guint i = 0; i < a->checkups->len; i++)
    techo_test_assert_checkup_equal (g_ptr_array_index (a->checkups, i),
                                     g_ptr_array_index (b->checkups, i));
  g_assert_cmpuint (a->dispensings->len, ==, b->dispensings->len);
  for (guint i = 0; i < a->dispensings->len; i++)
    techo_test_assert_dispensing_equal (g_ptr_array_index (a->dispensings, i),
                                        g_ptr_array_index (b->dispensings, i));
  g_assert_cmpuint (a->screenings->len, ==, b->screenings->len);
  for (guint i = 0; i < a->screenings->len; i++)
    techo_test_assert_screening_equal (g_ptr_array_index (a->screenings, i),
                                       g_ptr_array_index (b->screenings, i));
}

static void
test_round_trip (gconstpointer data)
{
  TechoFhirFlags flags = GPOINTER_TO_UINT (data);
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(TechoRecordSet) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  TechoItem *item;

  /* Values that a number alone would lose. */
  item = g_ptr_array_index (((TechoCheckup *) g_ptr_array_index (set->checkups, 0))->items, 1);
  g_free (item->value);
  item->value = g_strdup ("62.50");
  item = g_ptr_array_index (((TechoCheckup *) g_ptr_array_index (set->checkups, 1))->items, 1);
  g_free (item->value);
  item->value = g_strdup ("<40");

  /* The judging doctor: a Practitioner, referenced as the profile says
   * (the Composition's second author; the DiagnosticReport's
   * resultsInterpreter), read back. */
  {
    TechoCheckup *c = g_ptr_array_index (set->checkups, 0);

    g_free (c->doctor_name);
    c->doctor_name = g_strdup ("判定 医師");
  }

  json = techo_fhir_export (set, flags, &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) bundle = parse (json);
    g_autoptr(GHashTable) types = check_bundle (bundle);

    /* Documents sit in Bundles of their own. */
    if ((flags & TECHO_FHIR_CHECKUP_DOCUMENTS) != 0)
      g_assert_nonnull (strstr (json, "JP_Practitioner_eCheckupGeneral"));
    else
      {
        g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "Practitioner")), ==, 1);
        g_assert_nonnull (strstr (json, "\"resultsInterpreter\""));
      }
  }
  back = techo_fhir_import (json, strlen (json), &error);
  g_assert_no_error (error);
  assert_sets_equal (set, back);
  for (guint i = 0; i < set->checkups->len; i++)
    {
      const TechoCheckup *a = g_ptr_array_index (set->checkups, i);

      for (guint j = 0; j < back->checkups->len; j++)
        {
          const TechoCheckup *z = g_ptr_array_index (back->checkups, j);

          if (g_strcmp0 (a->id, z->id) == 0)
            g_assert_cmpstr (a->doctor_name, ==, z->doctor_name);
        }
    }

  /* And the store takes it back without change. */
  g_assert_true (techo_store_upsert_page_sync (f->store, f->profile_id, TECHO_CATEGORY_CHECKUP,
                                               back->checkups, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_document (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) bundle = NULL;
  g_autoptr(GHashTable) types = NULL;
  g_autoptr(TechoRecordSet) back = NULL;
  static const char cda[] = "<ClinicalDocument>原本</ClinicalDocument>";
  JsonArray *entries;
  guint n_documents = 0, n_attached = 0;

  /* The original CDA of the latest checkup rides along. */
  g_hash_table_insert (set->documents, g_strdup ("ck-2025"), g_bytes_new_static (cda, strlen (cda)));
  json = techo_fhir_export (set, TECHO_FHIR_CHECKUP_DOCUMENTS, &error);
  g_assert_no_error (error);
  bundle = parse (json);
  types = check_bundle (bundle);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (types, "Bundle")), ==, 3);
  entries = json_object_get_array_member (bundle, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *r = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                     "resource");
      g_autoptr(GHashTable) inner = NULL;
      JsonObject *composition;

      if (g_strcmp0 (json_object_get_string_member (r, "resourceType"), "Bundle") != 0)
        continue;
      n_documents++;
      g_assert_cmpstr (json_object_get_string_member (r, "type"), ==, "document");
      g_assert_true (json_object_has_member (r, "identifier"));
      inner = check_bundle (r);
      composition = json_object_get_object_member (json_array_get_object_element (
                      json_object_get_array_member (r, "entry"), 0), "resource");
      g_assert_cmpstr (json_object_get_string_member (composition, "resourceType"), ==, "Composition");
      g_assert_cmpstr (coding_code (json_object_get_object_member (composition, "type")),
                       ==, TECHO_DOC_TYPE_CHECKUP_REPORT);
      g_assert_nonnull (json_object_get_array_member (composition, "author"));
      g_assert_nonnull (json_object_get_string_member (composition, "title"));
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (inner, "Observation")), ==, 8);
      g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (inner, "Patient")), ==, 1);
      n_attached += GPOINTER_TO_UINT (g_hash_table_lookup (inner, "DocumentReference"));
    }
  g_assert_cmpuint (n_documents, ==, 3);
  g_assert_cmpuint (n_attached, ==, 1);
  back = techo_fhir_import (json, strlen (json), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (back->documents), ==, 1);
  g_assert_cmpmem (g_bytes_get_data (g_hash_table_lookup (back->documents, "ck-2025"), NULL),
                   g_bytes_get_size (g_hash_table_lookup (back->documents, "ck-2025")),
                   cda, strlen (cda));
}

static void
expect_error (const char *json,
              int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = techo_fhir_import (json, strlen (json), &error);

  g_assert_null (set);
  g_assert_error (error, TECHO_FHIR_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "This FHIR file"));
}

static void
test_invalid (void)
{
  g_autoptr(GString) deep = g_string_new (NULL);

  expect_error ("", TECHO_FHIR_ERROR_INVALID);
  expect_error ("[1, 2]", TECHO_FHIR_ERROR_INVALID);
  expect_error ("{\"resourceType\": \"Patient\"}", TECHO_FHIR_ERROR_INVALID);
  expect_error ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": []}",
                TECHO_FHIR_ERROR_INVALID); /* no patient */
  expect_error ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
                "{\"fullUrl\": \"urn:uuid:1\", \"resource\": {\"resourceType\": \"Patient\"}},"
                "{\"fullUrl\": \"urn:uuid:2\", \"resource\": {\"resourceType\": \"DiagnosticReport\","
                " \"identifier\": [{\"system\": \"https://techo.org/fhir/NamingSystem/checkup-id\","
                " \"value\": \"x\"}], \"result\": [{\"reference\": \"urn:uuid:3\"}]}}]}",
                TECHO_FHIR_ERROR_INVALID); /* a reference that does not resolve */
  expect_error ("{\"resourceType\": \"Bundle\", \"type\": \"collection\", \"entry\": ["
                "{\"resource\": {\"resourceType\": \"Patient\", \"birthDate\": \"1990-13-01\"}}]}",
                TECHO_FHIR_ERROR_INVALID);
  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  expect_error (deep->str, TECHO_FHIR_ERROR_TOO_LARGE);
}

/* Replays tests/corpus/fhir: ok-* files must read; the others (seeds and
 * fuzzer finds) must be refused with a FHIR error or read, never crash. */
static void
check_corpus_file (const char *name,
                   const char *data,
                   gsize       length,
                   gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = techo_fhir_import (data, length, &error);

  if (g_str_has_prefix (name, "ok-"))
    {
      g_assert_no_error (error);
      g_assert_cmpuint (techo_record_set_count (set), >, 0);
    }
  else if (set == NULL)
    g_assert_true (error != NULL && error->domain == TECHO_FHIR_ERROR);
}

static void
test_corpus (void)
{
  g_assert_cmpuint (techo_test_corpus_foreach ("fhir", check_corpus_file, NULL), >=, 3);
}

static TechoRecordSet *
import_corpus_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", "fhir", name, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  TechoRecordSet *set;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  set = techo_fhir_import (data, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

static const TechoItem *
item_with_code (GPtrArray  *items,
                const char *code)
{
  for (guint i = 0; i < items->len; i++)
    if (g_strcmp0 (((TechoItem *) g_ptr_array_index (items, i))->code, code) == 0)
      return g_ptr_array_index (items, i);
  return NULL;
}

/* A 健診結果報告書 written to the JP eCheckup IG: one checkup with the
 * items the CDA path makes, the institution from the custodian, the exam
 * date from the event, the insurer from the Coverage's payor. */
static void
test_import_echeckup (void)
{
  g_autoptr(TechoRecordSet) set = import_corpus_file ("ok-echeckup.json");
  g_autoptr(TechoRecordSet) again = import_corpus_file ("ok-echeckup.json");
  const TechoCheckup *c;
  const TechoItem *item;

  g_assert_cmpstr (set->profile->name, ==, "試験 花子");
  g_assert_cmpstr (set->profile->name_kana, ==, "シケン ハナコ");
  g_assert_cmpstr (set->profile->birth_date, ==, "1970-02-03");
  g_assert_cmpstr (set->profile->sex, ==, "female");
  g_assert_cmpstr (set->profile->insurer_number, ==, "06999999");
  g_assert_cmpuint (set->checkups->len, ==, 1);
  g_assert_cmpuint (set->screenings->len, ==, 0);
  c = g_ptr_array_index (set->checkups, 0);
  g_assert_cmpstr (c->performed_on, ==, "2025-06-12");
  g_assert_cmpstr (c->kind, ==, "010");
  g_assert_cmpstr (c->report_kind, ==, "10");
  g_assert_cmpstr (c->institution_code, ==, "1319999991");
  g_assert_cmpstr (c->institution_name, ==, "試験健診センター");
  /* The Practitioner among the Composition's authors: the judging doctor. */
  g_assert_cmpstr (c->doctor_name, ==, "医師 一郎");
  g_assert_true (g_str_has_prefix (c->id, "fhir-"));
  /* The same file gives the same id (a second import changes nothing). */
  g_assert_cmpstr (c->id, ==, ((TechoCheckup *) g_ptr_array_index (again->checkups, 0))->id);
  /* 9 Observations, the Coverage in the section passed over. */
  g_assert_cmpuint (c->items->len, ==, 9);
  item = item_with_code (c->items, "9A751000000000001");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_PQ);
  g_assert_cmpstr (item->value, ==, "136");
  g_assert_cmpstr (item->unit, ==, "mmHg");
  g_assert_cmpstr (item->name, ==, "収縮期血圧(1回目)");
  /* JLAC10 coding system, same 17-character code. */
  item = item_with_code (c->items, "3D046000001906202");
  g_assert_cmpstr (item->value, ==, "5.9");
  g_assert_cmpstr (item->unit, ==, "%");
  item = item_with_code (c->items, "1A020000000191111");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_CO);
  g_assert_cmpstr (item->value, ==, "1");
  g_assert_cmpstr (item->value_system, ==, "1.2.392.200119.6.2102");
  item = item_with_code (c->items, "3B035000002327201");
  g_assert_true (item->not_performed);
  g_assert_null (item->value);
  item = item_with_code (c->items, "9N511000000000049");
  g_assert_cmpint (item->type, ==, TECHO_VALUE_ST);
  g_assert_cmpstr (item->value, ==, "血圧がやや高めです。");
  g_assert_nonnull (item_with_code (c->items, "9N736000000000011"));
}

/* 自治体検診 documents: lung (with an Observation group) and colorectal
 * screening, each a screening with its follow-up verdict. */
static void
test_import_municipal (void)
{
  g_autoptr(TechoRecordSet) lung = import_corpus_file ("ok-municipal-lung.json");
  g_autoptr(TechoRecordSet) colon = import_corpus_file ("ok-municipal-colon.json");
  const TechoScreening *s;
  const TechoItem *item;

  g_assert_cmpuint (lung->checkups->len, ==, 0);
  g_assert_cmpuint (lung->screenings->len, ==, 1);
  s = g_ptr_array_index (lung->screenings, 0);
  g_assert_cmpstr (s->cancer, ==, "lung");
  g_assert_cmpstr (s->report_kind, ==, "51");
  g_assert_cmpstr (s->stage, ==, "primary");
  g_assert_cmpstr (s->performed_on, ==, "2025-09-01");
  g_assert_cmpstr (s->municipality_name, ==, "試験市立診療所");
  /* The group's two members and the two others; the group itself is no item. */
  g_assert_cmpuint (s->items->len, ==, 4);
  item = item_with_code (s->items, "9P502000000000011");
  g_assert_cmpstr (item->value, ==, "4");
  g_assert_cmpstr (item->value_system, ==, "1.2.392.100495.100.2100");
  g_assert_cmpstr (s->followup_code, ==, "9P504000000000011");
  g_assert_cmpstr (s->followup_value, ==, "2");
  g_assert_cmpstr (s->followup_display, ==, "要精密検査");

  s = g_ptr_array_index (colon->screenings, 0);
  g_assert_cmpstr (s->cancer, ==, "colorectal");
  g_assert_cmpstr (s->performed_on, ==, "2025-09-15");
  g_assert_cmpstr (s->followup_value, ==, "1");
  g_assert_cmpstr (item_with_code (s->items, "1B040000001599811")->display, ==, "陰性");
  g_assert_cmpstr (s->id, !=, ((TechoScreening *) g_ptr_array_index (lung->screenings, 0))->id);
}

/* JP Core MedicationDispense and MedicationRequest as medicine lines. */
static void
test_import_medication (void)
{
  g_autoptr(TechoRecordSet) set = import_corpus_file ("ok-jpcore-medication.json");
  const TechoDispensing *d, *rx;

  g_assert_cmpuint (set->dispensings->len, ==, 2);
  g_assert_cmpstr (set->profile->name, ==, "試験 花子");
  d = g_ptr_array_index (set->dispensings, 0);
  g_assert_cmpstr (d->source, ==, "dispensing");
  g_assert_cmpstr (d->dispensed_on, ==, "2025-10-01");
  g_assert_cmpstr (d->drug_name, ==, "ムコダイン錠２５０ｍｇ");
  g_assert_cmpstr (d->yj_code, ==, "2233002F1096");
  g_assert_cmpfloat (d->quantity, ==, 21);
  g_assert_cmpstr (d->unit, ==, "錠");
  g_assert_cmpint (d->days, ==, 7);
  g_assert_cmpstr (d->usage, ==, "1日3回 朝昼夕食後 1回1錠");
  g_assert_cmpstr (d->pharmacy_code, ==, "1349999992");
  g_assert_cmpstr (d->pharmacy_name, ==, "試験薬局");
  g_assert_cmpstr (d->setting, ==, "outpatient");

  rx = g_ptr_array_index (set->dispensings, 1);
  g_assert_cmpstr (rx->source, ==, "prescription");
  g_assert_cmpstr (rx->prescribed_on, ==, "2025-10-01");
  g_assert_cmpstr (rx->drug_name, ==, "カロナール錠５００");
  g_assert_cmpfloat (rx->quantity, ==, 10);
  g_assert_cmpint (rx->days, ==, 5);
  g_assert_cmpstr (rx->prescriber_code, ==, "1319999993");
  g_assert_cmpstr (rx->prescriber_name, ==, "試験内科クリニック");
  g_assert_cmpstr (rx->setting, ==, "outpatient");
  g_assert_cmpstr (d->id, !=, rx->id);
}

/* Valid UCUM codes a checkup export may use (a closed list: anything else
 * labelled UCUM is a bug, like ml/min/1.73m2 was). */
static const char *const valid_ucum[] = {
  "cm", "kg", "kg/m2", "cm2", "mm[Hg]", "mg/dL", "g/dL", "U/L", "[IU]/L", "%",
  "mL/min/{1.73_m2}", "10*4/uL", "/uL", "ug/dL", "meq/L", "mmol/L", "d", NULL
};

/* Checks every Quantity under @node: a UCUM system only with a code from
 * the list. Returns how many UCUM quantities it saw. */
static guint
check_ucum (JsonNode *node)
{
  guint n = 0;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr(GList) members = json_object_get_members (o);

      if (g_strcmp0 (json_object_get_string_member_with_default (o, "system", ""),
                     TECHO_URI_UCUM) == 0)
        {
          const char *code = json_object_get_string_member_with_default (o, "code", "");

          if (!g_strv_contains (valid_ucum, code))
            g_error ("“%s” is labelled as UCUM but is not a UCUM code", code);
          n++;
        }
      for (GList *l = members; l != NULL; l = l->next)
        n += check_ucum (json_object_get_member (o, l->data));
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        n += check_ucum (json_array_get_element (a, i));
    }
  return n;
}

static const char *
profile_of (JsonObject *r)
{
  JsonObject *meta = json_object_get_object_member (r, "meta");

  if (meta == NULL || !json_object_has_member (meta, "profile"))
    return NULL;
  return json_array_get_string_element (json_object_get_array_member (meta, "profile"), 0);
}

static JsonObject *
resolve_in (JsonObject *bundle,
            JsonObject *reference_holder)
{
  JsonArray *entries = json_object_get_array_member (bundle, "entry");
  const char *ref = json_object_get_string_member (reference_holder, "reference");

  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);

      if (g_strcmp0 (json_object_get_string_member (entry, "fullUrl"), ref) == 0)
        return json_object_get_object_member (entry, "resource");
    }
  return NULL;
}

#define ECHECKUP_SD "http://jpfhir.jp/fhir/eCheckup/StructureDefinition/"

/* Techo's 健診結果報告書 follows the JP eCheckup IG's required elements
 * (as far as a test can check them): Bundle profile, identifier and
 * timestamp; Composition profile, version, identifier, type, category,
 * encounter, date, author, event, section codes; Patient with both names
 * split; Organization with insurance-medical-institution-no; Encounter;
 * Coverage with the insurer as payor; every Observation profiled; UCUM
 * only from the list. And it reads back the same. */
static void
test_echeckup_profiles (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autoptr(JsonObject) outer = NULL;
  g_autoptr(TechoRecordSet) back = NULL;
  g_autoptr(GRegex) timestamp = g_regex_new ("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"
                                             "[+-]\\d\\d:\\d\\d$", 0, 0, NULL);
  JsonArray *entries;
  TechoItem *item;
  guint n_documents = 0, n_ucum = 0;

  /* Units as files write them: one UCUM knows in another case, one it
   * does not know at all. */
  item = g_ptr_array_index (((TechoCheckup *) g_ptr_array_index (set->checkups, 0))->items, 0);
  g_free (item->code);
  item->code = g_strdup ("8A065000002391901");
  g_free (item->unit);
  item->unit = g_strdup ("ml/min/1.73m2");
  item = g_ptr_array_index (((TechoCheckup *) g_ptr_array_index (set->checkups, 1))->items, 0);
  g_free (item->unit);
  item->unit = g_strdup ("倍");

  json = techo_fhir_export (set, TECHO_FHIR_CHECKUP_DOCUMENTS, &error);
  g_assert_no_error (error);
  outer = parse (json);
  entries = json_object_get_array_member (outer, "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *doc = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                       "resource");
      JsonArray *inner;
      JsonObject *composition, *patient, *org, *encounter, *identifier, *event;
      JsonArray *sections, *names;
      gboolean seen_coverage = FALSE;

      if (g_strcmp0 (json_object_get_string_member (doc, "resourceType"), "Bundle") != 0)
        continue;
      n_documents++;
      g_assert_cmpstr (profile_of (doc), ==,
                       "http://jpfhir.jp/fhir/clins/StructureDefinition/JP_Bundle_eCheckupGeneral");
      g_assert_nonnull (json_object_get_string_member (json_object_get_object_member (doc, "meta"),
                                                       "lastUpdated"));
      g_assert_cmpstr (json_object_get_string_member (doc, "type"), ==, "document");
      g_assert_true (g_regex_match (timestamp, json_object_get_string_member (doc, "timestamp"),
                                    0, NULL));
      identifier = json_object_get_object_member (doc, "identifier");
      g_assert_cmpstr (json_object_get_string_member (identifier, "system"), ==,
                       "http://jpfhir.jp/fhir/clins/bundle-identifier");
      g_assert_true (g_str_has_prefix (json_object_get_string_member (identifier, "value"),
                                       "1312345678^20"));
      inner = json_object_get_array_member (doc, "entry");
      composition = json_object_get_object_member (json_array_get_object_element (inner, 0),
                                                   "resource");
      g_assert_cmpstr (json_object_get_string_member (composition, "resourceType"), ==,
                       "Composition");
      g_assert_cmpstr (profile_of (composition), ==, ECHECKUP_SD "JP_Composition_eCheckupGeneral");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (composition, "extension"), 0), "url"), ==,
                       "http://hl7.org/fhir/StructureDefinition/composition-clinicaldocument-versionNumber");
      identifier = json_object_get_object_member (composition, "identifier");
      g_assert_cmpstr (json_object_get_string_member (identifier, "system"), ==,
                       "http://jpfhir.jp/fhir/core/IdSystem/resourceInstance-identifier");
      g_assert_cmpstr (json_object_get_string_member (composition, "status"), ==, "final");
      g_assert_cmpstr (coding_code (json_object_get_object_member (composition, "type")), ==,
                       "53576-5");
      g_assert_cmpstr (coding_code (json_array_get_object_element (
                         json_object_get_array_member (composition, "category"), 0)), ==, "10");
      g_assert_nonnull (json_object_get_string_member (composition, "date"));
      event = json_array_get_object_element (json_object_get_array_member (composition, "event"), 0);
      g_assert_cmpstr (coding_code (json_array_get_object_element (
                         json_object_get_array_member (event, "code"), 0)), ==, "010");
      encounter = resolve_in (doc, json_object_get_object_member (composition, "encounter"));
      g_assert_nonnull (encounter);
      g_assert_cmpstr (profile_of (encounter), ==, ECHECKUP_SD "JP_Encounter_eCheckupGeneral");
      g_assert_cmpstr (json_object_get_string_member (encounter, "status"), ==, "finished");
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (encounter, "class"),
                                                      "code"), ==, "checkup");
      org = resolve_in (doc, json_array_get_object_element (
                               json_object_get_array_member (composition, "author"), 0));
      g_assert_cmpstr (json_object_get_string_member (org, "resourceType"), ==, "Organization");
      g_assert_cmpstr (profile_of (org), ==, ECHECKUP_SD "JP_Organization_eCheckupGeneral");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (org, "identifier"), 0), "system"), ==,
                       "http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no");
      g_assert_true (resolve_in (doc, json_object_get_object_member (composition, "custodian")) == org);
      sections = json_object_get_array_member (composition, "section");
      g_assert_cmpstr (coding_code (json_object_get_object_member (
                         json_array_get_object_element (sections, 0), "code")), ==, "01011");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                         json_object_get_array_member (json_object_get_object_member (
                           json_array_get_object_element (sections, 0), "code"), "coding"), 0),
                         "system"), ==, "http://jpfhir.jp/fhir/eCheckup/CodeSystem/section-code");

      patient = resolve_in (doc, json_object_get_object_member (composition, "subject"));
      g_assert_cmpstr (profile_of (patient), ==, ECHECKUP_SD "JP_Patient_eCheckupGeneral");
      names = json_object_get_array_member (patient, "name");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 0),
                                                      "family"), ==, "山田");
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                         json_array_get_object_element (names, 0), "given"), 0), ==, "花子");
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (names, 1),
                                                      "family"), ==, "ヤマダ");
      g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (
                         json_array_get_object_element (names, 1), "given"), 0), ==, "ハナコ");

      for (guint j = 0; j < json_array_get_length (inner); j++)
        {
          JsonObject *r = json_object_get_object_member (json_array_get_object_element (inner, j),
                                                         "resource");
          const char *type = json_object_get_string_member (r, "resourceType");

          if (g_strcmp0 (type, "Observation") == 0)
            {
              g_assert_cmpstr (profile_of (r), ==, ECHECKUP_SD "JP_Observation_eCheckupGeneral");
              g_assert_cmpstr (json_object_get_string_member (r, "status"), ==, "final");
            }
          if (g_strcmp0 (type, "Coverage") == 0)
            {
              JsonObject *payor = resolve_in (doc, json_array_get_object_element (
                                                     json_object_get_array_member (r, "payor"), 0));

              seen_coverage = TRUE;
              g_assert_cmpstr (profile_of (r), ==, ECHECKUP_SD "JP_CoverageInsurance_eCheckupGeneral");
              g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                                 json_object_get_array_member (payor, "identifier"), 0), "value"),
                               ==, "06139999");
            }
        }
      g_assert_true (seen_coverage);
      n_ucum += check_ucum (json_object_get_member (doc, "entry"));
    }
  g_assert_cmpuint (n_documents, ==, 3);
  g_assert_cmpuint (n_ucum, >, 10);
  /* eGFR in another case still gets its UCUM code; 倍 gets none. */
  g_assert_nonnull (strstr (json, "\"mL/min/{1.73_m2}\""));
  g_assert_null (strstr (json, "\"code\":\"倍\""));
  g_assert_null (strstr (json, "\"code\":\"ml/min/1.73m2\""));

  back = techo_fhir_import (json, strlen (json), &error);
  g_assert_no_error (error);
  assert_sets_equal (set, back);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fhir/structure", test_structure);
  g_test_add_data_func ("/fhir/round-trip/collection", GUINT_TO_POINTER (TECHO_FHIR_NONE),
                        test_round_trip);
  g_test_add_data_func ("/fhir/round-trip/documents",
                        GUINT_TO_POINTER (TECHO_FHIR_CHECKUP_DOCUMENTS | TECHO_FHIR_PRETTY),
                        test_round_trip);
  g_test_add_func ("/fhir/document", test_document);
  g_test_add_func ("/fhir/invalid", test_invalid);
  g_test_add_func ("/fhir/corpus", test_corpus);
  g_test_add_func ("/fhir/import/echeckup", test_import_echeckup);
  g_test_add_func ("/fhir/echeckup-profiles", test_echeckup_profiles);
  g_test_add_func ("/fhir/import/municipal", test_import_municipal);
  g_test_add_func ("/fhir/import/medication", test_import_medication);
  return g_test_run ();
}
