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
  gboolean echeckup;   /* a 健診結果報告書 document (JP eCheckup IG profiles) */
  char *bundle_id;     /* its Bundle.identifier value (clins bundle-identifier) */
  char *timestamp;     /* meta.lastUpdated of the document's resources */
} Bundler;

static void
bundler_clear (Bundler *b)
{
  g_clear_pointer (&b->entries, g_ptr_array_unref);
  g_clear_pointer (&b->orgs, g_hash_table_unref);
  g_clear_pointer (&b->patient_urn, g_free);
  g_clear_pointer (&b->bundle_id, g_free);
  g_clear_pointer (&b->timestamp, g_free);
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

/* meta {lastUpdated, profile}: the eCheckup profiles require both; the
 * others have the profile only (@last_updated NULL). */
static void
add_meta (JsonBuilder *b,
          const char  *profile,
          const char  *last_updated)
{
  json_builder_set_member_name (b, "meta");
  json_builder_begin_object (b);
  member_string (b, "lastUpdated", last_updated);
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

/* "member": [{"reference": urn}] */
static void
add_reference_list (JsonBuilder *b,
                    const char  *member,
                    const char  *urn)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  add_reference (b, NULL, urn);
  json_builder_end_array (b);
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

/* Extensions are added inside an open "extension" array: each opens
 * {"url": <Techo's extension @name>, and the caller adds the value. */
static void
ext_open (JsonBuilder *b,
          const char  *name)
{
  g_autofree char *url = g_strconcat (TECHO_FHIR_EXTENSION, name, NULL);

  json_builder_begin_object (b);
  member_string (b, "url", url);
}

static void
ext_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  ext_open (b, name);
  member_string (b, "valueString", value);
  json_builder_end_object (b);
}

static void
ext_integer (JsonBuilder *b,
             const char  *name,
             gint64       value)
{
  ext_open (b, name);
  json_builder_set_member_name (b, "valueInteger");
  json_builder_add_int_value (b, value);
  json_builder_end_object (b);
}

static void
ext_reference (JsonBuilder *b,
               const char  *name,
               const char  *urn)
{
  if (urn == NULL)
    return;
  ext_open (b, name);
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

/* Adds @b's resource to the bundle under a new urn; returns the urn
 * (NULL with @error set when no random bytes were to be had). */
static const char *
add_new_entry (Bundler      *bundler,
               JsonBuilder  *b,
               GError      **error)
{
  char *urn = techo_fhir_new_urn_uuid (error);

  if (urn == NULL)
    return NULL;
  return add_entry (bundler, urn, json_builder_get_root (b));
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
build_patient (const TechoProfile *p,
               const Bundler      *bundler)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  member_string (b, "resourceType", "Patient");
  if (bundler->echeckup)
    add_meta (b, TECHO_FHIR_PROFILE_PATIENT_ECHECKUP, bundler->timestamp);
  else
    add_meta (b, TECHO_URI_JP_PATIENT, NULL);
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
  if (bundler->echeckup && g_strcmp0 (system, TECHO_URI_INSTITUTION) == 0)
    {
      /* JP_Organization_eCheckupGeneral names the institution by its
       * 保険医療機関番号 system. */
      add_meta (b, TECHO_FHIR_PROFILE_ORGANIZATION_ECHECKUP, bundler->timestamp);
      system = TECHO_FHIR_URI_INSTITUTION_NO;
    }
  if (code != NULL)
    add_identifier (b, system, code);
  member_string (b, "name", name);
  json_builder_end_object (b);
  urn = add_entry (bundler, new_urn, json_builder_get_root (b));
  g_hash_table_insert (bundler->orgs, g_steal_pointer (&key), (gpointer) urn);
  return urn;
}

/* The urn of a JP Core Practitioner named @name (the judging doctor),
 * NULL when there is no name. */
static const char *
practitioner (Bundler     *bundler,
              const char  *name,
              GError     **error)
{
  g_autoptr(JsonBuilder) b = NULL;
  char *urn;

  if (name == NULL)
    return NULL;
  urn = techo_fhir_new_urn_uuid (error);
  if (urn == NULL)
    return NULL;
  b = json_builder_new ();
  json_builder_begin_object (b);
  member_string (b, "resourceType", "Practitioner");
  if (bundler->echeckup)
    add_meta (b, TECHO_FHIR_PROFILE_PRACTITIONER_ECHECKUP, bundler->timestamp);
  else
    add_meta (b, TECHO_URI_JP_PRACTITIONER, NULL);
  json_builder_set_member_name (b, "name");
  json_builder_begin_array (b);
  add_human_name (b, name, "IDE");
  json_builder_end_array (b);
  json_builder_end_object (b);
  return add_entry (bundler, urn, json_builder_get_root (b));
}

/* Units as checkup files write them → their UCUM code. A unit not here
 * is written as text alone, never labelled as UCUM. */
static const struct
{
  const char *unit;
  const char *ucum;
} ucum_units[] = {
  { "cm", "cm" }, { "kg", "kg" }, { "kg/m2", "kg/m2" }, { "cm2", "cm2" },
  { "mmHg", "mm[Hg]" }, { "mm[Hg]", "mm[Hg]" }, { "mg/dL", "mg/dL" }, { "g/dL", "g/dL" },
  { "U/L", "U/L" }, { "IU/L", "[IU]/L" }, { "%", "%" }, { "mL/min/1.73m2", "mL/min/{1.73_m2}" },
  { "mL/min/{1.73_m2}", "mL/min/{1.73_m2}" }, { "10^4/uL", "10*4/uL" }, { "10^4/μL", "10*4/uL" },
  { "10*4/uL", "10*4/uL" }, { "/uL", "/uL" }, { "/μL", "/uL" }, { "ug/dL", "ug/dL" },
  { "μg/dL", "ug/dL" }, { "mEq/L", "meq/L" }, { "mmol/L", "mmol/L" }, { "ng/mL", "ng/mL" },
  { "pg/mL", "pg/mL" }, { "fL", "fL" }, { "pg", "pg" }, { "d", "d" }, { "日", "d" },
  { "/min", "/min" }, { "回/分", "/min" }, { "mm", "mm" }, { "g", "g" }, { "mL", "mL" },
};

static const char *
ucum_for (const TechoAnalyte *analyte,
          const char         *unit)
{
  if (unit == NULL)
    return NULL;
  if (analyte != NULL && analyte->ucum != NULL && analyte->unit != NULL &&
      g_ascii_strcasecmp (analyte->unit, unit) == 0)
    return analyte->ucum;
  for (guint i = 0; i < G_N_ELEMENTS (ucum_units); i++)
    if (strcmp (ucum_units[i].unit, unit) == 0)
      return ucum_units[i].ucum;
  /* "mg/dl", "ml/min/1.73m2": the same units in another case. */
  for (guint i = 0; i < G_N_ELEMENTS (ucum_units); i++)
    if (g_ascii_strcasecmp (ucum_units[i].unit, unit) == 0)
      return ucum_units[i].ucum;
  return NULL;
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
build_observation (const Bundler   *bundler,
                   const TechoItem *item,
                   const char      *date,
                   const char      *performer_urn,
                   const char      *sex,
                   const char      *default_category)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);
  const char *category = analyte != NULL && analyte->fhir_category != NULL ?
                         analyte->fhir_category : default_category;
  const char *profile = profile_for_category (category);
  const char *patient_urn = bundler->patient_urn;
  double number;

  json_builder_begin_object (b);
  member_string (b, "resourceType", "Observation");
  if (bundler->echeckup)
    add_meta (b, TECHO_FHIR_PROFILE_OBSERVATION_ECHECKUP, bundler->timestamp);
  else
    add_meta (b, profile != NULL ? profile : TECHO_FHIR_PROFILE_OBSERVATION_COMMON, NULL);
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
      add_reference_list (b, "performer", performer_urn);
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
                                                   build_observation (bundler,
                                                                      g_ptr_array_index (items, i),
                                                                      date, performer_urn, sex,
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
      add_reference_list (b, "author", org);
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
  return add_new_entry (bundler, b, error);
}

/* The section codes of a 健診結果報告書 by checkup kind (serviceEvent
 * code): results and questionnaire (問診) sections. */
typedef struct
{
  const char *kind;
  const char *results;
  const char *results_title;
  const char *questions;
  const char *questions_title;
} SectionCodes;

static const SectionCodes section_table[] = {
  { "010", "01011", "特定健診検査結果セクション", "01012", "特定健診問診結果セクション" },
  { "020", "01021", "広域連合保健事業検査結果セクション", "01022", "広域連合保健事業問診結果セクション" },
  { "030", "01031", "事業者健診検査結果セクション", "01032", "事業者健診問診結果セクション" },
  { "040", "01041", "学校職員健診検査結果セクション", "01042", "学校職員健診問診結果セクション" },
  { "070", "01071", "保険者以外が行う特定健診等に相当する健診検査結果セクション",
    "01072", "保険者以外が行う特定健診等に相当する健診問診結果セクション" },
  { "080", "01081", "保険者が実施する特定健診等以外の健診検査結果セクション",
    "01082", "保険者が実施する特定健診等以外の健診問診結果セクション" },
  { NULL, "01910", "検査結果セクション", "01920", "問診結果セクション" },
};

static const SectionCodes *
section_codes (const char *kind)
{
  guint i;

  for (i = 0; section_table[i].kind != NULL; i++)
    if (g_strcmp0 (section_table[i].kind, kind) == 0)
      break;
  return &section_table[i];
}

static void
add_section (JsonBuilder *b,
             const char  *code,
             const char  *title,
             GPtrArray   *urns)
{
  g_autofree char *div = g_strdup_printf ("<div xmlns=\"http://www.w3.org/1999/xhtml\">%s</div>",
                                          title);

  json_builder_begin_object (b);
  member_string (b, "title", title);
  add_concept (b, "code", TECHO_FHIR_URI_SECTION_CODE, code, title, NULL);
  json_builder_set_member_name (b, "text");
  json_builder_begin_object (b);
  member_string (b, "status", "generated");
  member_string (b, "div", div);
  json_builder_end_object (b);
  add_references (b, "entry", urns);
  json_builder_end_object (b);
}

/* JP_Encounter_eCheckupGeneral: the visit, by the institution. */
static const char *
add_encounter (Bundler             *bundler,
               const TechoCheckup  *c,
               const char          *org,
               GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  member_string (b, "resourceType", "Encounter");
  add_meta (b, TECHO_FHIR_PROFILE_ENCOUNTER_ECHECKUP, bundler->timestamp);
  member_string (b, "status", "finished");
  json_builder_set_member_name (b, "class");
  add_coding (b, TECHO_FHIR_URI_ENCOUNTER_CATEGORY, "checkup", "健診");
  add_reference (b, "subject", bundler->patient_urn);
  json_builder_set_member_name (b, "period");
  json_builder_begin_object (b);
  member_string (b, "start", c->performed_on);
  member_string (b, "end", c->performed_on);
  json_builder_end_object (b);
  if (org != NULL)
    add_reference (b, "serviceProvider", org);
  json_builder_end_object (b);
  return add_new_entry (bundler, b, error);
}

/* JP_CoverageInsurance_eCheckupGeneral with the insurer as payor, when
 * the person's insurer number is known. */
static gboolean
add_coverage (Bundler  *bundler,
              GError  **error)
{
  const TechoProfile *p = bundler->set->profile;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonBuilder) insurer = NULL;
  const char *insurer_urn;

  if (p->insurer_number == NULL)
    return TRUE;
  insurer = json_builder_new ();
  json_builder_begin_object (insurer);
  member_string (insurer, "resourceType", "Organization");
  add_meta (insurer, TECHO_FHIR_PROFILE_INSURER_ECHECKUP, bundler->timestamp);
  add_identifier (insurer, TECHO_FHIR_URI_INSURER_NUMBER, p->insurer_number);
  json_builder_set_member_name (insurer, "type");
  json_builder_begin_array (insurer);
  add_concept (insurer, NULL, "http://terminology.hl7.org/CodeSystem/organization-type", "ins",
               NULL, NULL);
  json_builder_end_array (insurer);
  json_builder_end_object (insurer);
  insurer_urn = add_new_entry (bundler, insurer, error);
  if (insurer_urn == NULL)
    return FALSE;
  b = json_builder_new ();
  json_builder_begin_object (b);
  member_string (b, "resourceType", "Coverage");
  add_meta (b, TECHO_FHIR_PROFILE_COVERAGE_ECHECKUP, bundler->timestamp);
  member_string (b, "status", "active");
  add_reference (b, "beneficiary", bundler->patient_urn);
  add_reference_list (b, "payor", insurer_urn);
  json_builder_end_object (b);
  return add_new_entry (bundler, b, error) != NULL;
}

static gboolean
add_checkup (Bundler             *bundler,
             const TechoCheckup  *c,
             gboolean             as_document,
             GError             **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) urns = NULL;
  g_autoptr(GPtrArray) results = g_ptr_array_new ();
  g_autoptr(GPtrArray) questions = g_ptr_array_new ();
  const char *org;
  const char *doctor;
  const char *document_urn = NULL;
  const char *encounter = NULL;
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
  doctor = practitioner (bundler, c->doctor_name, error);
  if (doctor == NULL && c->doctor_name != NULL)
    return FALSE;
  urns = add_observations (bundler, c->items, c->performed_on, org, "exam", error);
  if (urns == NULL)
    return FALSE;
  /* 問診 (questionnaire) items, 9N7…, go to their own section. */
  for (guint i = 0; i < c->items->len; i++)
    g_ptr_array_add (g_str_has_prefix (((TechoItem *) g_ptr_array_index (c->items, i))->code,
                                       "9N7") ? questions : results,
                     g_ptr_array_index (urns, i));
  cda = as_document && bundler->set->documents != NULL ?
        g_hash_table_lookup (bundler->set->documents, c->id) : NULL;
  if (cda != NULL)
    {
      document_urn = add_document_reference (bundler, c, cda, org, error);
      if (document_urn == NULL)
        return FALSE;
    }

  if (as_document)
    {
      encounter = add_encounter (bundler, c, org, error);
      if (encounter == NULL || !add_coverage (bundler, error))
        return FALSE;
    }

  json_builder_begin_object (b);
  member_string (b, "resourceType", as_document ? "Composition" : "DiagnosticReport");
  if (as_document)
    add_meta (b, TECHO_FHIR_PROFILE_COMPOSITION_ECHECKUP, bundler->timestamp);
  json_builder_set_member_name (b, "extension");
  json_builder_begin_array (b);
  if (as_document)
    {
      json_builder_begin_object (b);
      member_string (b, "url", TECHO_FHIR_URI_VERSION_NUMBER);
      member_string (b, "valueString", "1.0");
      json_builder_end_object (b);
    }
  ext_record (b, c->revision, &c->provenance);
  ext_string (b, TECHO_FHIR_EXT_DOCUMENT_PATH, c->document);
  json_builder_end_array (b);
  if (as_document)
    {
      /* Composition.identifier is one Identifier, of the profile's system. */
      json_builder_set_member_name (b, "identifier");
      json_builder_begin_object (b);
      member_string (b, "system", TECHO_FHIR_URI_RESOURCE_INSTANCE);
      member_string (b, "value", c->id);
      json_builder_end_object (b);
    }
  else
    add_identifier (b, TECHO_FHIR_URI_CHECKUP_ID, c->id);
  member_string (b, "status", "final");
  if (as_document)
    {
      const SectionCodes *codes = section_codes (c->kind);

      add_concept (b, "type", TECHO_URI_DOC_TYPECODES, TECHO_DOC_TYPE_CHECKUP_REPORT,
                   "検診・健診報告書", NULL);
      json_builder_set_member_name (b, "category");
      json_builder_begin_array (b);
      add_concept (b, NULL, TECHO_URI_DOC_CATEGORY, c->report_kind, NULL, NULL);
      json_builder_end_array (b);
      add_reference (b, "subject", bundler->patient_urn);
      add_reference (b, "encounter", encounter);
      member_string (b, "date", c->performed_on);
      /* The profile's two authors: the facility and who wrote (judged) it. */
      json_builder_set_member_name (b, "author");
      json_builder_begin_array (b);
      add_reference (b, NULL, org != NULL ? org : bundler->patient_urn);
      if (doctor != NULL)
        add_reference (b, NULL, doctor);
      json_builder_end_array (b);
      member_string (b, "title", "健診結果報告書");
      if (org != NULL)
        add_reference (b, "custodian", org);
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
      add_reference_list (b, "detail", encounter);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "section");
      json_builder_begin_array (b);
      add_section (b, codes->results, codes->results_title, results);
      if (questions->len > 0)
        add_section (b, codes->questions, codes->questions_title, questions);
      if (document_urn != NULL)
        {
          g_autoptr(GPtrArray) attached = g_ptr_array_new ();

          g_ptr_array_add (attached, (gpointer) document_urn);
          add_section (b, "01995", "添付書類セクション", attached);
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
          add_reference_list (b, "performer", org);
        }
      /* The doctor who judged the results. */
      if (doctor != NULL)
        {
          json_builder_set_member_name (b, "resultsInterpreter");
          json_builder_begin_array (b);
          add_reference (b, NULL, doctor);
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
      add_reference_list (b, "performer", org);
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

  return add_new_entry (bundler, b, error) != NULL;
}

static gboolean
add_dispensing (Bundler                *bundler,
                const TechoDispensing  *d,
                GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const char *pharmacy, *prescriber;

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
  add_meta (b, TECHO_URI_JP_MEDICATION_DISPENSE, NULL);
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

  return add_new_entry (bundler, b, error) != NULL;
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
  add_entry (bundler, urn, build_patient (set->profile, bundler));
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
  /* The eCheckup profile wants milliseconds and a time zone. */
  timestamp = bundler->echeckup ? g_strdup (bundler->timestamp) : g_date_time_format_iso8601 (now);
  json_object_set_string_member (bundle, "timestamp", timestamp);
  if (bundler->echeckup)
    {
      JsonObject *meta = json_object_new ();
      JsonArray *profiles = json_array_new ();
      JsonObject *identifier = json_object_new ();

      json_object_set_string_member (meta, "lastUpdated", bundler->timestamp);
      json_array_add_string_element (profiles, TECHO_FHIR_PROFILE_BUNDLE_ECHECKUP);
      json_object_set_array_member (meta, "profile", profiles);
      json_object_set_object_member (bundle, "meta", meta);
      json_object_set_string_member (bundle, "language", "ja");
      json_object_set_string_member (identifier, "system", TECHO_FHIR_URI_BUNDLE_IDENTIFIER);
      json_object_set_string_member (identifier, "value", bundler->bundle_id);
      json_object_set_object_member (bundle, "identifier", identifier);
    }
  else if (g_strcmp0 (type, "document") == 0)
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

/* Now as 2025-06-20T10:00:00.123+09:00. */
static char *
document_timestamp (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *zone = g_date_time_format (now, "%:z");

  return g_strdup_printf ("%s.%03d%s", date, g_date_time_get_microsecond (now) / 1000, zone);
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

          /* JP_Bundle_eCheckupGeneral: Bundle-ID is
           * 医療機関番号^年^id, unique per document. */
          document.echeckup = TRUE;
          document.timestamp = document_timestamp ();
          document.bundle_id = g_strdup_printf ("%s^%.4s^%s",
                                                c->institution_code != NULL ?
                                                c->institution_code : "0000000000",
                                                c->performed_on != NULL ?
                                                c->performed_on : "0000", c->id);
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
