/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FHIR R4 export with JP Core profiles. Resources are built as JsonNodes,
 * gathered as bundle entries, and written by techo-fhir-json.c. The
 * importer is in techo-fhir-import.c. */

#define G_LOG_DOMAIN "techo-fhir"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-fhir.h"
#include "techo-fhir-private.h"
#include "techo-reference.h"
#include "techo-secure.h"

G_DEFINE_QUARK (techo-fhir-error-quark, techo_fhir_error)

typedef struct
{
  char *urn;
  JsonNode *resource;
} Entry;

static void
entry_free (Entry *e)
{
  g_free (e->urn);
  json_node_unref (e->resource);
  g_free (e);
}

typedef struct
{
  const TechoRecordSet *set;
  GPtrArray *entries;  /* of Entry: the bundle being built */
  GHashTable *orgs;    /* "system|code|name" → urn, within this bundle */
  char *patient_urn;
} Bundler;

static void
bundler_clear (Bundler *b)
{
  g_clear_pointer (&b->entries, g_ptr_array_unref);
  g_clear_pointer (&b->orgs, g_hash_table_unref);
  g_clear_pointer (&b->patient_urn, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Bundler, bundler_clear)

/* ---- small builders -------------------------------------------------------- */

static void
member_string (JsonBuilder *b,
               const char  *name,
               const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_profile (JsonBuilder *b,
             const char  *profile)
{
  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "profile");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, profile);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
add_coding (JsonBuilder *b,
            const char  *system,
            const char  *code,
            const char  *display)
{
  json_builder_begin_object (b);
  member_string (b, "system", system);
  member_string (b, "code", code);
  member_string (b, "display", display);
  json_builder_end_object (b);
}

/* "member": {"coding": [{system, code, display}], "text": text} */
static void
add_concept (JsonBuilder *b,
             const char  *member,
             const char  *system,
             const char  *code,
             const char  *display,
             const char  *text)
{
  if (member != NULL)
    json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  if (code != NULL)
    {
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      add_coding (b, system, code, display);
      json_builder_end_array (b);
    }
  member_string (b, "text", text);
  json_builder_end_object (b);
}

static void
add_reference (JsonBuilder *b,
               const char  *member,
               const char  *urn)
{
  if (member != NULL)
    json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  member_string (b, "reference", urn);
  json_builder_end_object (b);
}

static void
add_identifier (JsonBuilder *b,
                const char  *system,
                const char  *value)
{
  json_builder_set_member_name (b, "identifier");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  member_string (b, "system", system);
  member_string (b, "value", value);
  json_builder_end_object (b);
  json_builder_end_array (b);
}

/* Extensions are added inside an open "extension" array. */
static void
ext_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  g_autofree char *url = NULL;

  if (value == NULL)
    return;
  url = g_strconcat (TECHO_FHIR_EXTENSION, name, NULL);
  json_builder_begin_object (b);
  member_string (b, "url", url);
  member_string (b, "valueString", value);
  json_builder_end_object (b);
}

static void
ext_integer (JsonBuilder *b,
             const char  *name,
             gint64       value)
{
  g_autofree char *url = g_strconcat (TECHO_FHIR_EXTENSION, name, NULL);

  json_builder_begin_object (b);
  member_string (b, "url", url);
  json_builder_set_member_name (b, "valueInteger");
  json_builder_add_int_value (b, value);
  json_builder_end_object (b);
}

static void
ext_reference (JsonBuilder *b,
               const char  *name,
               const char  *urn)
{
  g_autofree char *url = NULL;

  if (urn == NULL)
    return;
  url = g_strconcat (TECHO_FHIR_EXTENSION, name, NULL);
  json_builder_begin_object (b);
  member_string (b, "url", url);
  add_reference (b, "valueReference", urn);
  json_builder_end_object (b);
}

static void
ext_record (JsonBuilder           *b,
            gint64                 revision,
            const TechoProvenance *provenance)
{
  ext_integer (b, TECHO_FHIR_EXT_REVISION, revision);
  ext_string (b, TECHO_FHIR_EXT_ORIGIN, techo_origin_to_string (provenance->origin));
  ext_string (b, TECHO_FHIR_EXT_FILE_NAME, provenance->file_name);
  ext_string (b, TECHO_FHIR_EXT_FILE_SHA256, provenance->file_sha256);
}

static const char *
add_entry (Bundler   *bundler,
           char      *urn,
           JsonNode  *resource)
{
  Entry *e = g_new0 (Entry, 1);

  e->urn = urn;
  e->resource = resource;
  g_ptr_array_add (bundler->entries, e);
  return e->urn;
}

/* ---- resources ------------------------------------------------------------- */

static void
add_human_name (JsonBuilder *b,
                const char  *text,
                const char  *representation)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL)
    return;
  parts = g_regex_split_simple ("[ 　]+", text, 0, 0);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  member_string (b, "url", TECHO_URI_NAME_REPRESENTATION);
  member_string (b, "valueCode", representation);
  json_builder_end_object (b);
  json_builder_end_array (b);
  member_string (b, "use", "official");
  member_string (b, "text", text);
  if (parts != NULL && parts[0] != NULL && *parts[0] != '\0')
    {
      member_string (b, "family", parts[0]);
      if (parts[1] != NULL)
        {
          json_builder_set_member_name (b, "given");
          json_builder_begin_array (b);
          for (guint i = 1; parts[i] != NULL; i++)
            if (*parts[i] != '\0')
              json_builder_add_string_value (b, parts[i]);
          json_builder_end_array (b);
        }
    }
  json_builder_end_object (b);
}

static JsonNode *
build_patient (const TechoProfile *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  member_string (b, "resourceType", "Patient");
  add_profile (b, TECHO_URI_JP_PATIENT);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  ext_string (b, TECHO_FHIR_EXT_SUBJECT, p->subject);
  ext_string (b, TECHO_FHIR_EXT_ISSUER, p->issuer);
  json_builder_end_array (b);
  if (p->insurer_number != NULL)
    add_identifier (b, TECHO_FHIR_URI_INSURER, p->insurer_number);
  json_builder_set_member_name (b, "name");
  json_builder_begin_array (b);
  add_human_name (b, p->name, "IDE");
  add_human_name (b, p->name_kana, "SYL");
  json_builder_end_array (b);
  if (p->sex != NULL)
    member_string (b, "gender", g_strcmp0 (p->sex, "male") == 0 ? "male" :
                                g_strcmp0 (p->sex, "female") == 0 ? "female" : "unknown");
  member_string (b, "birthDate", p->birth_date);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The urn of the Organization with @code/@name, added to the bundle once. */
static const char *
organization (Bundler     *bundler,
              const char  *system,
              const char  *code,
              const char  *name,
              GError     **error)
{
  g_autofree char *key = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  const char *urn;
  char *new_urn;

  if (code == NULL && name == NULL)
    return NULL;
  key = g_strdup_printf ("%s|%s|%s", system, code ? code : "", name ? name : "");
  urn = g_hash_table_lookup (bundler->orgs, key);
  if (urn != NULL)
    return urn;

  new_urn = techo_fhir_new_urn_uuid (error);
  if (new_urn == NULL)
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  member_string (b, "resourceType", "Organization");
  if (code != NULL)
    add_identifier (b, system, code);
  member_string (b, "name", name);
  json_builder_end_object (b);
  urn = add_entry (bundler, new_urn, json_builder_get_root (b));
  g_hash_table_insert (bundler->orgs, g_steal_pointer (&key), (gpointer) urn);
  return urn;
}

static const char *
ucum_for (const TechoAnalyte *analyte,
          const char         *unit)
{
  if (analyte != NULL && analyte->ucum != NULL &&
      g_strcmp0 (analyte->unit, unit) == 0)
    return analyte->ucum;
  if (g_strcmp0 (unit, "mmHg") == 0)
    return "mm[Hg]";
  return unit;
}

static void
add_quantity (JsonBuilder *b,
              const char  *member,
              double       value,
              const char  *original,
              const char  *unit,
              const char  *ucum)
{
  char canonical[G_ASCII_DTOSTR_BUF_SIZE];

  json_builder_set_member_name (b, member);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, value);
  techo_fhir_format_number (canonical, sizeof canonical, value);
  /* The value exactly as received, when the number alone would lose it
   * ("6.50", "+3"): a primitive extension on `value`. */
  if (original != NULL && strcmp (original, canonical) != 0)
    {
      json_builder_set_member_name (b, "_value");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "extension");
      json_builder_begin_array (b);
      ext_string (b, TECHO_FHIR_EXT_ORIGINAL_TEXT, original);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  member_string (b, "unit", unit);
  if (ucum != NULL)
    {
      member_string (b, "system", TECHO_URI_UCUM);
      member_string (b, "code", ucum);
    }
  json_builder_end_object (b);
}

static void
add_interpretation (JsonBuilder        *b,
                    const TechoAnalyte *analyte,
                    const TechoItem    *item,
                    const char         *sex)
{
  const TechoThreshold *t = techo_reference_threshold (analyte, sex);
  /* The status every view shows for this item (techo-analysis). */
  TechoStatus status = techo_analysis_item_status (item, sex);
  gboolean low = t != NULL && t->direction != TECHO_THRESHOLD_AT_LEAST;
  const char *code = NULL, *display = NULL;

  switch (status)
    {
    case TECHO_STATUS_NORMAL:
      code = "N";
      display = "基準範囲内";
      break;
    case TECHO_STATUS_GUIDANCE:
      code = low ? "L" : "H";
      display = "保健指導判定値";
      break;
    case TECHO_STATUS_SEE_DOCTOR:
      code = low ? "LU" : "HU";
      display = "受診勧奨判定値";
      break;
    case TECHO_STATUS_UNKNOWN:
    default:
      return;
    }
  json_builder_set_member_name (b, "interpretation");
  json_builder_begin_array (b);
  add_concept (b, NULL, TECHO_URI_INTERPRETATION, code, display, display);
  json_builder_end_array (b);
}

static void
add_reference_range (JsonBuilder        *b,
                     const TechoAnalyte *analyte,
                     const char         *unit,
                     const char         *sex)
{
  const TechoThreshold *t = techo_reference_threshold (analyte, sex);
  const char *ucum = ucum_for (analyte, unit);
  const char *words;
  g_autofree char *text = NULL;
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  if (t == NULL || !t->has_guidance || analyte->value_type != TECHO_VALUE_PQ)
    return;
  techo_fhir_format_number (number, sizeof number, t->guidance);
  words = t->direction == TECHO_THRESHOLD_AT_LEAST ? "以上" :
          t->direction == TECHO_THRESHOLD_AT_MOST ? "以下" : "未満";
  text = g_strdup_printf ("保健指導判定値 %s %s%s", number, unit ? unit : "", words);
  json_builder_set_member_name (b, "referenceRange");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  /* Normal lies below the guidance value (or above it, for HDL, eGFR). */
  add_quantity (b, t->direction == TECHO_THRESHOLD_AT_LEAST ? "high" : "low",
                t->guidance, NULL, unit, ucum);
  member_string (b, "text", text);
  json_builder_end_object (b);
  json_builder_end_array (b);
}

static const char *
profile_for_category (const char *category)
{
  if (g_strcmp0 (category, "laboratory") == 0)
    return TECHO_URI_JP_LAB_RESULT;
  if (g_strcmp0 (category, "vital-signs") == 0)
    return TECHO_URI_JP_VITAL_SIGNS;
  if (g_strcmp0 (category, "body-measurement") == 0)
    return TECHO_URI_JP_BODY_MEASUREMENT;
  return NULL;
}

static JsonNode *
build_observation (const TechoItem *item,
                   const char      *date,
                   const char      *patient_urn,
                   const char      *performer_urn,
                   const char      *sex,
                   const char      *default_category)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);
  const char *category = analyte != NULL && analyte->fhir_category != NULL ?
                         analyte->fhir_category : default_category;
  const char *profile = profile_for_category (category);
  double number;

  json_builder_begin_object (b);
  member_string (b, "resourceType", "Observation");
  if (profile != NULL)
    add_profile (b, profile);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  ext_string (b, TECHO_FHIR_EXT_VALUE_TYPE, techo_value_type_to_string (item->type));
  /* The unit of a value that is not a plain number, or not there. */
  if (item->type == TECHO_VALUE_PQ &&
      (item->not_performed || item->value == NULL ||
       !techo_reference_parse_number (item->value, &number)))
    ext_string (b, TECHO_FHIR_EXT_UNIT, item->unit);
  json_builder_end_array (b);
  member_string (b, "status", "final");
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  add_concept (b, NULL, TECHO_URI_OBSERVATION_CATEGORY, category, NULL, NULL);
  json_builder_end_array (b);
  add_concept (b, "code", TECHO_URI_CHECKUP_ITEM, item->code, item->name, item->name);
  add_reference (b, "subject", patient_urn);
  member_string (b, "effectiveDateTime", date);
  if (performer_urn != NULL)
    {
      json_builder_set_member_name (b, "performer");
      json_builder_begin_array (b);
      add_reference (b, NULL, performer_urn);
      json_builder_end_array (b);
    }

  if (item->not_performed || item->value == NULL)
    {
      add_concept (b, "dataAbsentReason", TECHO_FHIR_URI_DATA_ABSENT,
                   item->not_performed ? "not-performed" : "unknown", NULL, NULL);
    }
  else if (item->type == TECHO_VALUE_PQ && techo_reference_parse_number (item->value, &number))
    {
      add_quantity (b, "valueQuantity", number, item->value, item->unit,
                    ucum_for (analyte, item->unit));
    }
  else if (item->type == TECHO_VALUE_CO || item->type == TECHO_VALUE_CD)
    {
      g_autofree char *system = item->value_system != NULL &&
                                !g_str_has_prefix (item->value_system, "urn:") &&
                                !g_str_has_prefix (item->value_system, "http") ?
                                g_strconcat ("urn:oid:", item->value_system, NULL) :
                                g_strdup (item->value_system);
      const char *display = item->display != NULL ? item->display :
                            techo_reference_item_value_display (item->code, item->value);

      add_concept (b, "valueCodeableConcept", system, item->value, display, NULL);
    }
  else
    {
      /* Text, or a PQ that is not a plain number ("<5"). */
      member_string (b, "valueString", item->value);
    }

  if (analyte != NULL && techo_analysis_item_has_value (item))
    {
      add_interpretation (b, analyte, item, sex);
      add_reference_range (b, analyte, item->unit, sex);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Adds an Observation per item; returns their urns. */
static GPtrArray *
add_observations (Bundler     *bundler,
                  GPtrArray   *items,
                  const char  *date,
                  const char  *performer_urn,
                  const char  *default_category,
                  GError     **error)
{
  g_autoptr(GPtrArray) urns = g_ptr_array_new ();
  const char *sex = bundler->set->profile->sex;

  for (guint i = 0; i < items->len; i++)
    {
      char *urn = techo_fhir_new_urn_uuid (error);

      if (urn == NULL)
        return NULL;
      g_ptr_array_add (urns, (gpointer) add_entry (bundler, urn,
                                                   build_observation (g_ptr_array_index (items, i),
                                                                      date, bundler->patient_urn,
                                                                      performer_urn, sex,
                                                                      default_category)));
    }
  return g_steal_pointer (&urns);
}

static void
add_references (JsonBuilder *b,
                const char  *member,
                GPtrArray   *urns)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (guint i = 0; i < urns->len; i++)
    add_reference (b, NULL, g_ptr_array_index (urns, i));
  json_builder_end_array (b);
}

/* The CDA file as received, attached as base64. */
static const char *
add_document_reference (Bundler             *bundler,
                        const TechoCheckup  *c,
                        GBytes              *cda,
                        const char          *org,
                        GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *data = NULL;
  g_autofree char *title = NULL;
  gsize length = 0;
  const guint8 *bytes = g_bytes_get_data (cda, &length);
  char *urn = techo_fhir_new_urn_uuid (error);

  if (urn == NULL)
    return NULL;
  data = g_base64_encode (bytes, length);
  title = g_strdup_printf ("%s_%s.xml", c->performed_on ? c->performed_on : "undated", c->id);
  json_builder_begin_object (b);
  member_string (b, "resourceType", "DocumentReference");
  add_identifier (b, TECHO_FHIR_URI_CHECKUP_ID, c->id);
  member_string (b, "status", "current");
  add_concept (b, "type", TECHO_URI_DOC_TYPECODES, TECHO_DOC_TYPE_CHECKUP_REPORT,
               "検診・健診報告書", NULL);
  add_reference (b, "subject", bundler->patient_urn);
  if (org != NULL)
    {
      json_builder_set_member_name (b, "author");
      json_builder_begin_array (b);
      add_reference (b, NULL, org);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "content");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "attachment");
  json_builder_begin_object (b);
  member_string (b, "contentType", "application/xml");
  member_string (b, "data", data);
  member_string (b, "title", title);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return add_entry (bundler, urn, json_builder_get_root (b));
}

static gboolean
add_checkup (Bundler             *bundler,
             const TechoCheckup  *c,
             gboolean             as_document,
             GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) urns = NULL;
  const char *org;
  const char *document_urn = NULL;
  GBytes *cda;
  char *urn;

  org = organization (bundler, TECHO_URI_INSTITUTION, c->institution_code,
                      c->institution_name, error);
  if (org == NULL && (c->institution_code != NULL || c->institution_name != NULL))
    return FALSE;
  urn = techo_fhir_new_urn_uuid (error);
  if (urn == NULL)
    return FALSE;
  /* The report goes first (a document's Composition must). */
  add_entry (bundler, urn, json_node_new (JSON_NODE_NULL));
  urns = add_observations (bundler, c->items, c->performed_on, org, "exam", error);
  if (urns == NULL)
    return FALSE;
  cda = as_document && bundler->set->documents != NULL ?
        g_hash_table_lookup (bundler->set->documents, c->id) : NULL;
  if (cda != NULL)
    {
      document_urn = add_document_reference (bundler, c, cda, org, error);
      if (document_urn == NULL)
        return FALSE;
    }

  json_builder_begin_object (b);
  member_string (b, "resourceType", as_document ? "Composition" : "DiagnosticReport");
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  ext_record (b, c->revision, &c->provenance);
  ext_string (b, TECHO_FHIR_EXT_DOCUMENT_PATH, c->document);
  json_builder_end_array (b);
  add_identifier (b, TECHO_FHIR_URI_CHECKUP_ID, c->id);
  member_string (b, "status", "final");
  if (as_document)
    {
      add_concept (b, "type", TECHO_URI_DOC_TYPECODES, TECHO_DOC_TYPE_CHECKUP_REPORT,
                   "検診・健診報告書", NULL);
      json_builder_set_member_name (b, "category");
      json_builder_begin_array (b);
      add_concept (b, NULL, TECHO_URI_DOC_CATEGORY, c->report_kind, NULL, NULL);
      json_builder_end_array (b);
      add_reference (b, "subject", bundler->patient_urn);
      member_string (b, "date", c->performed_on);
      json_builder_set_member_name (b, "author");
      json_builder_begin_array (b);
      add_reference (b, NULL, org != NULL ? org : bundler->patient_urn);
      json_builder_end_array (b);
      member_string (b, "title", "特定健診結果報告書");
      json_builder_set_member_name (b, "event");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "code");
      json_builder_begin_array (b);
      add_concept (b, NULL, TECHO_URI_CHECKUP_KIND, c->kind, NULL, NULL);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "period");
      json_builder_begin_object (b);
      member_string (b, "start", c->performed_on);
      member_string (b, "end", c->performed_on);
      json_builder_end_object (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "section");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      member_string (b, "title", "検査結果");
      add_references (b, "entry", urns);
      json_builder_end_object (b);
      if (document_urn != NULL)
        {
          json_builder_begin_object (b);
          member_string (b, "title", "原本（CDA）");
          json_builder_set_member_name (b, "entry");
          json_builder_begin_array (b);
          add_reference (b, NULL, document_urn);
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
    }
  else
    {
      json_builder_set_member_name (b, "category");
      json_builder_begin_array (b);
      add_concept (b, NULL, TECHO_FHIR_URI_REPORT_KIND, c->report_kind, NULL, NULL);
      json_builder_end_array (b);
      add_concept (b, "code", TECHO_URI_CHECKUP_KIND, c->kind, NULL, "特定健診結果");
      add_reference (b, "subject", bundler->patient_urn);
      member_string (b, "effectiveDateTime", c->performed_on);
      if (org != NULL)
        {
          json_builder_set_member_name (b, "performer");
          json_builder_begin_array (b);
          add_reference (b, NULL, org);
          json_builder_end_array (b);
        }
      add_references (b, "result", urns);
    }
  json_builder_end_object (b);

  for (guint i = 0; i < bundler->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (bundler->entries, i);

      if (e->urn == urn)
        {
          json_node_unref (e->resource);
          e->resource = json_builder_get_root (b);
        }
    }
  return TRUE;
}

static gboolean
add_screening (Bundler               *bundler,
               const TechoScreening  *s,
               GError               **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) urns = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();
  g_autoptr(TechoItem) followup = NULL;
  const TechoCancerInfo *info = techo_reference_cancer_for_key (s->cancer);
  const char *org;
  char *urn;

  org = organization (bundler, TECHO_FHIR_URI_MUNICIPALITY, s->municipality_code,
                      s->municipality_name, error);
  if (org == NULL && (s->municipality_code != NULL || s->municipality_name != NULL))
    return FALSE;
  for (guint i = 0; i < s->items->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (s->items, i));
  urns = add_observations (bundler, items, s->performed_on, org, "exam", error);
  if (urns == NULL)
    return FALSE;

  json_builder_begin_object (b);
  member_string (b, "resourceType", "DiagnosticReport");
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  ext_record (b, s->revision, &s->provenance);
  ext_string (b, TECHO_FHIR_EXT_CANCER, s->cancer);
  ext_string (b, TECHO_FHIR_EXT_STAGE, s->stage);
  json_builder_end_array (b);
  add_identifier (b, TECHO_FHIR_URI_SCREENING_ID, s->id);
  member_string (b, "status", "final");
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  add_concept (b, NULL, TECHO_FHIR_URI_REPORT_KIND, s->report_kind, NULL, NULL);
  json_builder_end_array (b);
  add_concept (b, "code", TECHO_FHIR_URI_REPORT_KIND, s->report_kind, NULL,
               info != NULL ? info->name_ja : s->cancer);
  add_reference (b, "subject", bundler->patient_urn);
  member_string (b, "effectiveDateTime", s->performed_on);
  if (org != NULL)
    {
      json_builder_set_member_name (b, "performer");
      json_builder_begin_array (b);
      add_reference (b, NULL, org);
      json_builder_end_array (b);
    }
  add_references (b, "result", urns);
  /* The follow-up verdict: 不要 / 要精密検査 / 判定不能. */
  if (s->followup_code != NULL)
    {
      json_builder_set_member_name (b, "conclusionCode");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "coding");
      json_builder_begin_array (b);
      add_coding (b, TECHO_FHIR_URI_FOLLOWUP, s->followup_value, s->followup_display);
      json_builder_end_array (b);
      member_string (b, "text", s->followup_code);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  urn = techo_fhir_new_urn_uuid (error);
  if (urn == NULL)
    return FALSE;
  add_entry (bundler, urn, json_builder_get_root (b));
  return TRUE;
}

static gboolean
add_dispensing (Bundler                *bundler,
                const TechoDispensing  *d,
                GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *pharmacy, *prescriber;
  char *urn;

  pharmacy = organization (bundler, TECHO_URI_INSTITUTION, d->pharmacy_code,
                           d->pharmacy_name, error);
  if (pharmacy == NULL && (d->pharmacy_code != NULL || d->pharmacy_name != NULL))
    return FALSE;
  prescriber = organization (bundler, TECHO_URI_INSTITUTION, d->prescriber_code,
                             d->prescriber_name, error);
  if (prescriber == NULL && (d->prescriber_code != NULL || d->prescriber_name != NULL))
    return FALSE;

  json_builder_begin_object (b);
  member_string (b, "resourceType", "MedicationDispense");
  add_profile (b, TECHO_URI_JP_MEDICATION_DISPENSE);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  ext_record (b, d->revision, &d->provenance);
  ext_string (b, TECHO_FHIR_EXT_SOURCE, d->source);
  ext_string (b, TECHO_FHIR_EXT_PRESCRIBED_ON, d->prescribed_on);
  ext_reference (b, TECHO_FHIR_EXT_PRESCRIBER, prescriber);
  ext_string (b, TECHO_FHIR_EXT_DEPARTMENT, d->prescriber_department);
  ext_string (b, TECHO_FHIR_EXT_INGREDIENT, d->ingredient_name);
  ext_string (b, TECHO_FHIR_EXT_DOSAGE_FORM, d->dosage_form);
  json_builder_end_array (b);
  add_identifier (b, TECHO_FHIR_URI_DISPENSING_ID, d->id);
  member_string (b, "status", "completed");
  if (d->setting != NULL)
    add_concept (b, "category", TECHO_FHIR_URI_DISPENSE_CATEGORY, d->setting, NULL, NULL);
  json_builder_set_member_name (b, "medicationCodeableConcept");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  if (d->yj_code != NULL)
    add_coding (b, TECHO_URI_YJ, d->yj_code, d->drug_name);
  if (d->receipt_code != NULL)
    add_coding (b, TECHO_URI_RECEIPT_CODE, d->receipt_code, d->drug_name);
  json_builder_end_array (b);
  member_string (b, "text", d->drug_name);
  json_builder_end_object (b);
  add_reference (b, "subject", bundler->patient_urn);
  if (pharmacy != NULL)
    {
      json_builder_set_member_name (b, "performer");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      add_reference (b, "actor", pharmacy);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_set_member_name (b, "quantity");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_double_value (b, d->quantity);
  member_string (b, "unit", d->unit);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "daysSupply");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_add_int_value (b, d->days);
  member_string (b, "unit", "日");
  member_string (b, "system", TECHO_URI_UCUM);
  member_string (b, "code", "d");
  json_builder_end_object (b);
  member_string (b, "whenHandedOver", d->dispensed_on);
  if (d->usage != NULL)
    {
      json_builder_set_member_name (b, "dosageInstruction");
      json_builder_begin_array (b);
      json_builder_begin_object (b);
      member_string (b, "text", d->usage);
      json_builder_end_object (b);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);

  urn = techo_fhir_new_urn_uuid (error);
  if (urn == NULL)
    return FALSE;
  add_entry (bundler, urn, json_builder_get_root (b));
  return TRUE;
}

static gboolean
bundler_init (Bundler               *bundler,
              const TechoRecordSet  *set,
              GError               **error)
{
  char *urn;

  bundler->set = set;
  bundler->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  bundler->orgs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  urn = techo_fhir_new_urn_uuid (error);
  if (urn == NULL)
    return FALSE;
  bundler->patient_urn = g_strdup (urn);
  add_entry (bundler, urn, build_patient (set->profile));
  return TRUE;
}

/* {"resourceType":"Bundle","type":…,"timestamp":…,"entry":[…]} */
static JsonNode *
bundler_finish (Bundler    *bundler,
                const char *type,
                gboolean    document_first)
{
  JsonObject *bundle = json_object_new ();
  JsonArray *entries = json_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *id = NULL;
  g_autofree char *timestamp = NULL;
  JsonNode *root;

  json_object_set_string_member (bundle, "resourceType", "Bundle");
  json_object_set_string_member (bundle, "type", type);
  timestamp = g_date_time_format_iso8601 (now);
  json_object_set_string_member (bundle, "timestamp", timestamp);
  if (g_strcmp0 (type, "document") == 0)
    {
      /* A document Bundle needs a persistent identifier. */
      JsonObject *identifier = json_object_new ();
      g_autoptr(GError) error = NULL;

      id = techo_fhir_new_urn_uuid (&error);
      json_object_set_string_member (identifier, "system", "urn:ietf:rfc:3986");
      json_object_set_string_member (identifier, "value", id != NULL ? id : "urn:uuid:0");
      json_object_set_object_member (bundle, "identifier", identifier);
    }
  /* A Composition must be the first entry of a document. */
  if (document_first)
    for (guint i = 0; i < bundler->entries->len; i++)
      {
        Entry *e = g_ptr_array_index (bundler->entries, i);
        JsonObject *r = JSON_NODE_HOLDS_OBJECT (e->resource) ?
                        json_node_get_object (e->resource) : NULL;

        if (r != NULL && g_strcmp0 (json_object_get_string_member_with_default (r, "resourceType", ""),
                                    "Composition") == 0 && i > 0)
          {
            g_ptr_array_steal_index (bundler->entries, i);
            g_ptr_array_insert (bundler->entries, 0, e);
            break;
          }
      }
  for (guint i = 0; i < bundler->entries->len; i++)
    {
      Entry *e = g_ptr_array_index (bundler->entries, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "fullUrl", e->urn);
      json_object_set_member (entry, "resource", json_node_ref (e->resource));
      json_array_add_object_element (entries, entry);
    }
  json_object_set_array_member (bundle, "entry", entries);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, bundle);
  return root;
}

char *
techo_fhir_export (const TechoRecordSet  *set,
                   TechoFhirFlags         flags,
                   GError               **error)
{
  g_auto(Bundler) bundler = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) out = NULL;

  g_return_val_if_fail (set != NULL && set->profile != NULL, NULL);

  if (!bundler_init (&bundler, set, error))
    return NULL;

  for (guint i = 0; set->checkups != NULL && i < set->checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (set->checkups, i);

      if (flags & TECHO_FHIR_CHECKUP_DOCUMENTS)
        {
          g_auto(Bundler) document = { 0 };
          char *urn;

          if (!bundler_init (&document, set, error) ||
              !add_checkup (&document, c, TRUE, error))
            return NULL;
          urn = techo_fhir_new_urn_uuid (error);
          if (urn == NULL)
            return NULL;
          add_entry (&bundler, urn, bundler_finish (&document, "document", TRUE));
        }
      else if (!add_checkup (&bundler, c, FALSE, error))
        return NULL;
    }
  for (guint i = 0; set->screenings != NULL && i < set->screenings->len; i++)
    if (!add_screening (&bundler, g_ptr_array_index (set->screenings, i), error))
      return NULL;
  for (guint i = 0; set->dispensings != NULL && i < set->dispensings->len; i++)
    if (!add_dispensing (&bundler, g_ptr_array_index (set->dispensings, i), error))
      return NULL;

  root = bundler_finish (&bundler, "collection", FALSE);
  out = g_string_new (NULL);
  techo_fhir_write_json (out, root, (flags & TECHO_FHIR_PRETTY) != 0);
  if (flags & TECHO_FHIR_PRETTY)
    g_string_append_c (out, '\n');
  return g_string_free (g_steal_pointer (&out), FALSE);
}
