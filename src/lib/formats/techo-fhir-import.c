/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads a FHIR Bundle as techo_fhir_export writes it (collection with
 * DiagnosticReports, or document Bundles with a Composition) back into
 * records. Size and depth are checked before json-glib sees a byte, the
 * entry count before anything is read, every kept string's length as it
 * is read. Resources of other types are skipped. */

#define G_LOG_DOMAIN "techo-fhir"

#include "config.h"

#include <string.h>

#include "techo-fhir.h"
#include "techo-fhir-private.h"
#include "techo-json.h"
#include "techo-records-json.h"
#include "techo-reference.h"

typedef struct
{
  GHashTable *resources; /* fullUrl → JsonObject (borrowed from the tree) */
  TechoRecordSet *set;
  guint n_entries;       /* over all nested bundles */
} Reader;

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_INVALID,
               "This FHIR file cannot be read: %s.", message);
  return FALSE;
}

/* A string member, refused when longer than @max bytes. */
static gboolean
get_text (JsonObject  *object,
          const char  *member,
          gsize        max,
          char       **out,
          GError     **error)
{
  const char *value = techo_json_get_string (object, member);

  if (value != NULL && strlen (value) > max)
    return invalid (error, "“%s” is longer than %" G_GSIZE_FORMAT " bytes", member, max);
  g_free (*out);
  *out = g_strdup (value);
  return TRUE;
}

static JsonObject *
array_object (JsonObject *object,
              const char *member,
              guint       index)
{
  JsonArray *array = techo_json_get_array (object, member);
  JsonNode *node;

  if (array == NULL || index >= json_array_get_length (array))
    return NULL;
  node = json_array_get_element (array, index);
  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
first_coding (JsonObject *concept)
{
  return array_object (concept, "coding", 0);
}

/* The value of the identifier with @system, or NULL. */
static const char *
identifier_value (JsonObject *resource,
                  const char *system)
{
  JsonArray *ids = techo_json_get_array (resource, "identifier");

  for (guint i = 0; ids != NULL && i < json_array_get_length (ids); i++)
    {
      JsonNode *node = json_array_get_element (ids, i);
      JsonObject *id = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (system == NULL || g_strcmp0 (techo_json_get_string (id, "system"), system) == 0)
        return techo_json_get_string (id, "value");
    }
  return NULL;
}

/* The Techo extension @name on @object: its JsonObject, or NULL. */
static JsonObject *
extension (JsonObject *object,
           const char *name)
{
  JsonArray *list = techo_json_get_array (object, "extension");
  g_autofree char *url = g_strconcat (TECHO_FHIR_EXTENSION, name, NULL);

  for (guint i = 0; list != NULL && i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *e = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (g_strcmp0 (techo_json_get_string (e, "url"), url) == 0)
        return e;
    }
  return NULL;
}

static gboolean
ext_text (JsonObject  *object,
          const char  *name,
          char       **out,
          GError     **error)
{
  JsonObject *e = extension (object, name);

  if (e == NULL)
    return TRUE;
  return get_text (e, "valueString", TECHO_RECORD_MAX_TEXT, out, error);
}

static JsonObject *
resolve (Reader     *reader,
         JsonObject *reference_holder,
         const char *type)
{
  const char *ref = techo_json_get_string (reference_holder, "reference");
  JsonObject *target;

  if (ref == NULL)
    return NULL;
  target = g_hash_table_lookup (reader->resources, ref);
  if (target != NULL && type != NULL &&
      g_strcmp0 (techo_json_get_string (target, "resourceType"), type) != 0)
    return NULL;
  return target;
}

static gboolean
read_record_extensions (JsonObject       *resource,
                        gint64           *revision,
                        TechoProvenance  *provenance,
                        GError          **error)
{
  JsonObject *e = extension (resource, TECHO_FHIR_EXT_REVISION);
  g_autofree char *origin = NULL;

  *revision = 1;
  if (e != NULL)
    techo_json_get_int64 (e, "valueInteger", revision);
  if (!ext_text (resource, TECHO_FHIR_EXT_ORIGIN, &origin, error) ||
      !ext_text (resource, TECHO_FHIR_EXT_FILE_NAME, &provenance->file_name, error) ||
      !ext_text (resource, TECHO_FHIR_EXT_FILE_SHA256, &provenance->file_sha256, error))
    return FALSE;
  /* Our own extension absent (another app's Bundle): from the portal. */
  if (!techo_origin_from_string (origin, &provenance->origin))
    provenance->origin = TECHO_ORIGIN_PORTAL;
  return TRUE;
}

static gboolean
read_date (JsonObject  *object,
           const char  *member,
           char       **out,
           GError     **error)
{
  const char *value = techo_json_get_string (object, member);
  g_autofree char *date = NULL;

  if (value == NULL)
    return TRUE;
  /* Dates may come as dateTime; keep the date part. */
  date = g_strndup (value, 10);
  if (strlen (value) < 10 || !techo_json_is_date (date))
    return invalid (error, "“%s” is not a date", member);
  g_free (*out);
  *out = g_steal_pointer (&date);
  return TRUE;
}

static TechoItem *
read_item (JsonObject  *obs,
           GError     **error)
{
  g_autoptr(TechoItem) item = techo_item_new ();
  JsonObject *code = techo_json_get_object (obs, "code");
  JsonObject *coding = first_coding (code);
  JsonObject *quantity = techo_json_get_object (obs, "valueQuantity");
  JsonObject *concept = techo_json_get_object (obs, "valueCodeableConcept");
  JsonObject *absent = techo_json_get_object (obs, "dataAbsentReason");
  g_autofree char *type = NULL;

  if (!get_text (coding, "code", TECHO_RECORD_MAX_ID, &item->code, error) ||
      !get_text (code, "text", TECHO_RECORD_MAX_NAME, &item->name, error))
    return NULL;
  if (item->code == NULL)
    return invalid (error, "an Observation has no code"), NULL;
  if (item->name == NULL &&
      !get_text (coding, "display", TECHO_RECORD_MAX_NAME, &item->name, error))
    return NULL;
  if (!ext_text (obs, TECHO_FHIR_EXT_VALUE_TYPE, &type, error) ||
      !ext_text (obs, TECHO_FHIR_EXT_UNIT, &item->unit, error))
    return NULL;

  if (absent != NULL)
    {
      item->not_performed = g_strcmp0 (techo_json_get_string (first_coding (absent), "code"),
                                       "not-performed") == 0;
      item->type = TECHO_VALUE_PQ;
    }
  else if (quantity != NULL)
    {
      JsonObject *meta = techo_json_get_object (quantity, "_value");
      double value;

      item->type = TECHO_VALUE_PQ;
      if (!techo_json_get_double (quantity, "value", &value))
        return invalid (error, "a quantity has no number"), NULL;
      if (!ext_text (meta, TECHO_FHIR_EXT_ORIGINAL_TEXT, &item->value, error))
        return NULL;
      if (item->value == NULL)
        {
          char buffer[G_ASCII_DTOSTR_BUF_SIZE];

          techo_fhir_format_number (buffer, sizeof buffer, value);
          item->value = g_strdup (buffer);
        }
      if (!get_text (quantity, "unit", TECHO_RECORD_MAX_NAME, &item->unit, error))
        return NULL;
    }
  else if (concept != NULL)
    {
      JsonObject *c = first_coding (concept);
      const char *system = techo_json_get_string (c, "system");

      item->type = TECHO_VALUE_CO;
      if (!get_text (c, "code", TECHO_RECORD_MAX_TEXT, &item->value, error) ||
          !get_text (c, "display", TECHO_RECORD_MAX_TEXT, &item->display, error))
        return NULL;
      if (system != NULL && strlen (system) > TECHO_RECORD_MAX_NAME)
        return invalid (error, "a code system is too long"), NULL;
      item->value_system = g_strdup (system != NULL && g_str_has_prefix (system, "urn:oid:") ?
                                     system + strlen ("urn:oid:") : system);
    }
  else
    {
      item->type = TECHO_VALUE_ST;
      if (!get_text (obs, "valueString", TECHO_RECORD_MAX_TEXT, &item->value, error))
        return NULL;
    }
  if (type != NULL && !techo_value_type_from_string (type, &item->type))
    return invalid (error, "“%s” is not a value type", type), NULL;
  return g_steal_pointer (&item);
}

/* The Observations a report lists (result[] or section[].entry[]). */
static gboolean
read_items (Reader      *reader,
            JsonArray   *refs,
            GPtrArray   *items,
            GError     **error)
{
  guint n = refs != NULL ? json_array_get_length (refs) : 0;

  if (n > TECHO_RECORD_MAX_ITEMS)
    return g_set_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_TOO_LARGE,
                        "A report in this FHIR file lists more than %d results.",
                        TECHO_RECORD_MAX_ITEMS), FALSE;
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (refs, i);
      JsonObject *obs = resolve (reader, JSON_NODE_HOLDS_OBJECT (node) ?
                                 json_node_get_object (node) : NULL, "Observation");
      TechoItem *item;

      if (obs == NULL)
        return invalid (error, "a report refers to an Observation that is not in the file");
      item = read_item (obs, error);
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }
  return TRUE;
}

static gboolean
read_organization (Reader      *reader,
                   JsonObject  *reference_holder,
                   char       **code,
                   char       **name,
                   GError     **error)
{
  JsonObject *org = resolve (reader, reference_holder, "Organization");
  const char *value;

  if (org == NULL)
    return TRUE;
  value = identifier_value (org, NULL);
  if (value != NULL && strlen (value) > TECHO_RECORD_MAX_ID)
    return invalid (error, "an organisation code is too long");
  *code = g_strdup (value);
  return get_text (org, "name", TECHO_RECORD_MAX_NAME, name, error);
}

static gboolean
read_checkup (Reader      *reader,
              JsonObject  *r,
              gboolean     composition,
              GError     **error)
{
  g_autoptr(TechoCheckup) c = techo_checkup_new ();
  JsonArray *refs;

  c->id = g_strdup (identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID));
  if (c->id == NULL || strlen (c->id) > TECHO_RECORD_MAX_ID)
    return invalid (error, "a checkup has no usable id");
  if (!read_record_extensions (r, &c->revision, &c->provenance, error) ||
      !ext_text (r, TECHO_FHIR_EXT_DOCUMENT_PATH, &c->document, error))
    return FALSE;
  if (composition)
    {
      JsonObject *event = array_object (r, "event", 0);

      if (!read_date (r, "date", &c->performed_on, error) ||
          !get_text (first_coding (array_object (r, "category", 0)), "code",
                     TECHO_RECORD_MAX_ID, &c->report_kind, error) ||
          !get_text (first_coding (array_object (event, "code", 0)), "code",
                     TECHO_RECORD_MAX_ID, &c->kind, error) ||
          !read_organization (reader, array_object (r, "author", 0),
                              &c->institution_code, &c->institution_name, error))
        return FALSE;
      refs = techo_json_get_array (array_object (r, "section", 0), "entry");
    }
  else
    {
      if (!read_date (r, "effectiveDateTime", &c->performed_on, error) ||
          !get_text (first_coding (array_object (r, "category", 0)), "code",
                     TECHO_RECORD_MAX_ID, &c->report_kind, error) ||
          !get_text (first_coding (techo_json_get_object (r, "code")), "code",
                     TECHO_RECORD_MAX_ID, &c->kind, error) ||
          !read_organization (reader, array_object (r, "performer", 0),
                              &c->institution_code, &c->institution_name, error))
        return FALSE;
      refs = techo_json_get_array (r, "result");
    }
  if (!read_items (reader, refs, c->items, error))
    return FALSE;
  g_ptr_array_add (reader->set->checkups, g_steal_pointer (&c));
  return TRUE;
}

static gboolean
read_screening (Reader      *reader,
                JsonObject  *r,
                GError     **error)
{
  g_autoptr(TechoScreening) s = techo_screening_new ();
  JsonObject *conclusion = array_object (r, "conclusionCode", 0);

  s->id = g_strdup (identifier_value (r, TECHO_FHIR_URI_SCREENING_ID));
  if (s->id == NULL || strlen (s->id) > TECHO_RECORD_MAX_ID)
    return invalid (error, "a screening has no usable id");
  if (!read_record_extensions (r, &s->revision, &s->provenance, error) ||
      !ext_text (r, TECHO_FHIR_EXT_CANCER, &s->cancer, error) ||
      !ext_text (r, TECHO_FHIR_EXT_STAGE, &s->stage, error) ||
      !read_date (r, "effectiveDateTime", &s->performed_on, error) ||
      !get_text (first_coding (array_object (r, "category", 0)), "code",
                 TECHO_RECORD_MAX_ID, &s->report_kind, error) ||
      !read_organization (reader, array_object (r, "performer", 0),
                          &s->municipality_code, &s->municipality_name, error) ||
      !read_items (reader, techo_json_get_array (r, "result"), s->items, error))
    return FALSE;
  if (conclusion != NULL &&
      (!get_text (conclusion, "text", TECHO_RECORD_MAX_ID, &s->followup_code, error) ||
       !get_text (first_coding (conclusion), "code", TECHO_RECORD_MAX_ID, &s->followup_value, error) ||
       !get_text (first_coding (conclusion), "display", TECHO_RECORD_MAX_NAME,
                  &s->followup_display, error)))
    return FALSE;
  g_ptr_array_add (reader->set->screenings, g_steal_pointer (&s));
  return TRUE;
}

static gboolean
read_dispensing (Reader      *reader,
                 JsonObject  *r,
                 GError     **error)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  JsonObject *medication = techo_json_get_object (r, "medicationCodeableConcept");
  JsonArray *codings = techo_json_get_array (medication, "coding");
  JsonObject *days = techo_json_get_object (r, "daysSupply");
  JsonObject *prescriber = extension (r, TECHO_FHIR_EXT_PRESCRIBER);
  gint64 n_days = 0;

  d->id = g_strdup (identifier_value (r, TECHO_FHIR_URI_DISPENSING_ID));
  if (d->id == NULL || strlen (d->id) > TECHO_RECORD_MAX_ID)
    return invalid (error, "a dispensing has no usable id");
  if (!read_record_extensions (r, &d->revision, &d->provenance, error) ||
      !ext_text (r, TECHO_FHIR_EXT_SOURCE, &d->source, error) ||
      !ext_text (r, TECHO_FHIR_EXT_PRESCRIBED_ON, &d->prescribed_on, error) ||
      !ext_text (r, TECHO_FHIR_EXT_DEPARTMENT, &d->prescriber_department, error) ||
      !ext_text (r, TECHO_FHIR_EXT_INGREDIENT, &d->ingredient_name, error) ||
      !ext_text (r, TECHO_FHIR_EXT_DOSAGE_FORM, &d->dosage_form, error) ||
      !read_date (r, "whenHandedOver", &d->dispensed_on, error) ||
      !get_text (first_coding (techo_json_get_object (r, "category")), "code",
                 TECHO_RECORD_MAX_ID, &d->setting, error) ||
      !get_text (medication, "text", TECHO_RECORD_MAX_NAME, &d->drug_name, error) ||
      !get_text (techo_json_get_object (r, "quantity"), "unit", TECHO_RECORD_MAX_NAME,
                 &d->unit, error) ||
      !get_text (array_object (r, "dosageInstruction", 0), "text", TECHO_RECORD_MAX_TEXT,
                 &d->usage, error) ||
      !read_organization (reader, techo_json_get_object (array_object (r, "performer", 0), "actor"),
                          &d->pharmacy_code, &d->pharmacy_name, error) ||
      !read_organization (reader, techo_json_get_object (prescriber, "valueReference"),
                          &d->prescriber_code, &d->prescriber_name, error))
    return FALSE;
  if (d->dispensed_on == NULL)
    return invalid (error, "a MedicationDispense has no whenHandedOver");
  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonNode *node = json_array_get_element (codings, i);
      JsonObject *c = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *system = techo_json_get_string (c, "system");

      if (g_strcmp0 (system, TECHO_URI_YJ) == 0 &&
          !get_text (c, "code", TECHO_RECORD_MAX_ID, &d->yj_code, error))
        return FALSE;
      if (g_strcmp0 (system, TECHO_URI_RECEIPT_CODE) == 0 &&
          !get_text (c, "code", TECHO_RECORD_MAX_ID, &d->receipt_code, error))
        return FALSE;
    }
  techo_json_get_double (techo_json_get_object (r, "quantity"), "value", &d->quantity);
  if (techo_json_get_int64 (days, "value", &n_days))
    {
      if (n_days < 0 || n_days > 10000)
        return invalid (error, "daysSupply is out of range");
      d->days = n_days;
    }
  g_ptr_array_add (reader->set->dispensings, g_steal_pointer (&d));
  return TRUE;
}

/* The original CDA of a checkup (a DocumentReference with its id). */
static gboolean
read_document (Reader      *reader,
               JsonObject  *r,
               GError     **error)
{
  const char *id = identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID);
  JsonObject *attachment = techo_json_get_object (array_object (r, "content", 0), "attachment");
  const char *data = techo_json_get_string (attachment, "data");
  guchar *bytes;
  gsize length = 0;

  if (id == NULL || data == NULL)
    return TRUE;
  if (strlen (id) > TECHO_RECORD_MAX_ID ||
      strlen (data) / 4 * 3 > TECHO_RECORD_MAX_DOCUMENT_BYTES)
    return g_set_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_TOO_LARGE,
                        "A document in this FHIR file is larger than %d MiB.",
                        TECHO_RECORD_MAX_DOCUMENT_BYTES / (1024 * 1024)), FALSE;
  bytes = g_base64_decode (data, &length);
  g_hash_table_replace (reader->set->documents, g_strdup (id),
                        g_bytes_new_take (bytes, length));
  return TRUE;
}

static gboolean
read_patient (JsonObject      *r,
              TechoRecordSet  *set,
              GError         **error)
{
  g_autoptr(TechoProfile) p = techo_profile_new ();
  JsonArray *names = techo_json_get_array (r, "name");
  const char *gender = techo_json_get_string (r, "gender");

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonNode *node = json_array_get_element (names, i);
      JsonObject *name = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonArray *exts = techo_json_get_array (name, "extension");
      const char *representation = NULL;

      for (guint j = 0; exts != NULL && j < json_array_get_length (exts); j++)
        {
          JsonNode *e = json_array_get_element (exts, j);

          if (JSON_NODE_HOLDS_OBJECT (e) &&
              g_strcmp0 (techo_json_get_string (json_node_get_object (e), "url"),
                         TECHO_URI_NAME_REPRESENTATION) == 0)
            representation = techo_json_get_string (json_node_get_object (e), "valueCode");
        }
      if (!get_text (name, "text", TECHO_RECORD_MAX_NAME,
                     g_strcmp0 (representation, "SYL") == 0 ? &p->name_kana : &p->name, error))
        return FALSE;
    }
  if (!read_date (r, "birthDate", &p->birth_date, error) ||
      !ext_text (r, TECHO_FHIR_EXT_SUBJECT, &p->subject, error) ||
      !ext_text (r, TECHO_FHIR_EXT_ISSUER, &p->issuer, error))
    return FALSE;
  if (g_strcmp0 (gender, "male") == 0 || g_strcmp0 (gender, "female") == 0)
    p->sex = g_strdup (gender);
  p->insurer_number = g_strdup (identifier_value (r, TECHO_FHIR_URI_INSURER));
  if (p->insurer_number != NULL && strlen (p->insurer_number) > TECHO_RECORD_MAX_ID)
    return invalid (error, "the insurer number is too long");
  if (set->profile == NULL)
    set->profile = g_steal_pointer (&p);
  return TRUE;
}

static gboolean
read_bundle (Reader      *reader,
             JsonObject  *bundle,
             guint        level,
             GError     **error)
{
  JsonArray *entries = techo_json_get_array (bundle, "entry");
  const char *type = techo_json_get_string (bundle, "type");
  guint n;

  if (g_strcmp0 (techo_json_get_string (bundle, "resourceType"), "Bundle") != 0)
    return invalid (error, "it is not a FHIR Bundle");
  if (type == NULL || !g_strv_contains ((const char * const[]) { "collection", "document",
                                                                  "searchset", "transaction",
                                                                  NULL }, type))
    return invalid (error, "a Bundle of type “%s” holds no records", type ? type : "(none)");
  n = entries != NULL ? json_array_get_length (entries) : 0;
  reader->n_entries += n;
  if (reader->n_entries > TECHO_FHIR_MAX_ENTRIES)
    return g_set_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_TOO_LARGE,
                        "This FHIR file holds more than %d entries.",
                        TECHO_FHIR_MAX_ENTRIES), FALSE;

  /* References resolve within one bundle: index it first. */
  g_hash_table_remove_all (reader->resources);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *entry = array_object (bundle, "entry", i);
      JsonObject *resource = techo_json_get_object (entry, "resource");
      const char *url = techo_json_get_string (entry, "fullUrl");

      if (resource == NULL)
        return invalid (error, "entry %u has no resource", i + 1);
      if (url != NULL)
        g_hash_table_insert (reader->resources, (gpointer) url, resource);
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *r = techo_json_get_object (array_object (bundle, "entry", i), "resource");
      const char *rt = techo_json_get_string (r, "resourceType");
      gboolean ok = TRUE;

      if (g_strcmp0 (rt, "Patient") == 0)
        ok = read_patient (r, reader->set, error);
      else if (g_strcmp0 (rt, "MedicationDispense") == 0)
        ok = read_dispensing (reader, r, error);
      else if (g_strcmp0 (rt, "DocumentReference") == 0)
        ok = read_document (reader, r, error);
      else if (g_strcmp0 (rt, "Composition") == 0 &&
               identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID) != NULL)
        ok = read_checkup (reader, r, TRUE, error);
      else if (g_strcmp0 (rt, "DiagnosticReport") == 0 &&
               identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID) != NULL)
        ok = read_checkup (reader, r, FALSE, error);
      else if (g_strcmp0 (rt, "DiagnosticReport") == 0 &&
               identifier_value (r, TECHO_FHIR_URI_SCREENING_ID) != NULL)
        ok = read_screening (reader, r, error);
      else if (g_strcmp0 (rt, "Bundle") == 0)
        {
          if (level > 0)
            return invalid (error, "Bundles are nested more than one level deep");
          ok = read_bundle (reader, r, level + 1, error);
          /* Back to this bundle's references. */
          g_hash_table_remove_all (reader->resources);
          for (guint j = 0; ok && j < n; j++)
            {
              JsonObject *entry = array_object (bundle, "entry", j);
              const char *url = techo_json_get_string (entry, "fullUrl");

              if (url != NULL)
                g_hash_table_insert (reader->resources, (gpointer) url,
                                     techo_json_get_object (entry, "resource"));
            }
        }
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

TechoRecordSet *
techo_fhir_import (const char  *data,
                   gsize        length,
                   GError     **error)
{
  TechoJsonLimits limits = { TECHO_FHIR_MAX_BYTES, TECHO_FHIR_MAX_DEPTH };
  g_autoptr(GError) json_error = NULL;
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(GHashTable) resources = NULL;
  Reader reader = { 0 };

  root = techo_json_parse_object_bounded (data, length, &limits, &json_error);
  if (root == NULL)
    {
      gboolean too_large = g_error_matches (json_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_LARGE) ||
                           g_error_matches (json_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP);

      g_set_error (error, TECHO_FHIR_ERROR,
                   too_large ? TECHO_FHIR_ERROR_TOO_LARGE : TECHO_FHIR_ERROR_INVALID,
                   "This FHIR file cannot be read: %s", json_error->message);
      return NULL;
    }
  set = techo_record_set_new ();
  resources = g_hash_table_new (g_str_hash, g_str_equal);
  reader.resources = resources;
  reader.set = set;
  if (!read_bundle (&reader, root, 0, error))
    return NULL;
  if (set->profile == NULL)
    {
      invalid (error, "it names no patient");
      return NULL;
    }
  return g_steal_pointer (&set);
}
