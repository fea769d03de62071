/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reads a FHIR Bundle as techo_fhir_export writes it (collection with
 * DiagnosticReports, or document Bundles with a Composition) back into
 * records, and the bundles others write: the 健診結果報告書 document
 * (JP eCheckup IG), 自治体検診 screening documents and JP Core
 * MedicationDispense/MedicationRequest. Size and depth are checked before json-glib sees a byte, the
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
  JsonObject *single = techo_json_get_object (resource, "identifier");

  /* Composition and Bundle have one Identifier, not a list. */
  if (single != NULL)
    return system == NULL || g_strcmp0 (techo_json_get_string (single, "system"), system) == 0 ?
           techo_json_get_string (single, "value") : NULL;

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

/* The coding of a checkup item code: the MHLW item code OID or JLAC10
 * (both 17 characters), else the first. */
static JsonObject *
item_coding (JsonObject *concept)
{
  JsonArray *codings = techo_json_get_array (concept, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = array_object (concept, "coding", i);
      const char *system = techo_json_get_string (c, "system");

      if (g_strcmp0 (system, TECHO_URI_CHECKUP_ITEM) == 0 ||
          g_strcmp0 (system, TECHO_URI_JLAC10) == 0 ||
          g_strcmp0 (system, TECHO_FHIR_URI_ECHECKUP_JLAC10) == 0)
        return c;
    }
  return first_coding (concept);
}

static TechoItem *
read_item (JsonObject  *obs,
           GError     **error)
{
  g_autoptr(TechoItem) item = techo_item_new ();
  JsonObject *code = techo_json_get_object (obs, "code");
  JsonObject *coding = item_coding (code);
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
      if (item->unit == NULL &&
          !get_text (quantity, "code", TECHO_RECORD_MAX_NAME, &item->unit, error))
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

static gboolean collect_section_items (Reader      *reader,
                                       JsonObject  *composition,
                                       GPtrArray   *items,
                                       GError     **error);

/* A Practitioner's name (JP Core HumanName): the kanji one (representation
 * IDE) before the kana one, its text, else family and given. NULL when
 * @practitioner names nobody. */
static gboolean
practitioner_name (JsonObject  *practitioner,
                   char       **out,
                   GError     **error)
{
  JsonArray *names = techo_json_get_array (practitioner, "name");
  JsonObject *best = NULL;
  g_autoptr(GString) joined = g_string_new (NULL);
  JsonArray *given;

  for (guint i = 0; names != NULL && i < json_array_get_length (names); i++)
    {
      JsonObject *name = array_object (practitioner, "name", i);
      JsonObject *representation = extension (name, TECHO_URI_NAME_REPRESENTATION);

      if (best == NULL
          || g_strcmp0 (techo_json_get_string (representation, "valueCode"), "IDE") == 0)
        best = name;
    }
  if (best == NULL)
    return TRUE;
  if (techo_json_get_string (best, "text") != NULL)
    return get_text (best, "text", TECHO_RECORD_MAX_NAME, out, error);
  if (techo_json_get_string (best, "family") != NULL)
    g_string_append (joined, techo_json_get_string (best, "family"));
  given = techo_json_get_array (best, "given");
  for (guint i = 0; given != NULL && i < json_array_get_length (given); i++)
    {
      JsonNode *node = json_array_get_element (given, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "",
                                json_node_get_string (node));
    }
  if (joined->len == 0)
    return TRUE;
  if (joined->len > TECHO_RECORD_MAX_NAME)
    return invalid (error, "a practitioner's name is too long");
  g_free (*out);
  *out = g_string_free (g_steal_pointer (&joined), FALSE);
  return TRUE;
}

/* The judging doctor of a report: the first of @member's references that
 * is a Practitioner (or a PractitionerRole's practitioner); with
 * @party, the references sit in each element's "party" (attester). */
static gboolean
report_practitioner (Reader      *reader,
                     JsonObject  *r,
                     const char  *member,
                     gboolean     party,
                     char       **out,
                     GError     **error)
{
  JsonArray *list = techo_json_get_array (r, member);

  for (guint i = 0; *out == NULL && list != NULL && i < json_array_get_length (list); i++)
    {
      JsonObject *holder = array_object (r, member, i);
      JsonObject *p;

      if (party)
        holder = techo_json_get_object (holder, "party");
      p = resolve (reader, holder, "Practitioner");
      if (p == NULL)
        {
          JsonObject *role = resolve (reader, holder, "PractitionerRole");

          p = resolve (reader, techo_json_get_object (role, "practitioner"), "Practitioner");
        }
      if (p != NULL && !practitioner_name (p, out, error))
        return FALSE;
    }
  return TRUE;
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
  if (c->id == NULL && composition)
    c->id = g_strdup (identifier_value (r, TECHO_FHIR_URI_RESOURCE_INSTANCE));
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
                              &c->institution_code, &c->institution_name, error) ||
          !report_practitioner (reader, r, "author", FALSE, &c->doctor_name, error) ||
          !report_practitioner (reader, r, "attester", TRUE, &c->doctor_name, error))
        return FALSE;
      if (!collect_section_items (reader, r, c->items, error))
        return FALSE;
      g_ptr_array_add (reader->set->checkups, g_steal_pointer (&c));
      return TRUE;
    }
  else
    {
      if (!read_date (r, "effectiveDateTime", &c->performed_on, error) ||
          !get_text (first_coding (array_object (r, "category", 0)), "code",
                     TECHO_RECORD_MAX_ID, &c->report_kind, error) ||
          !get_text (first_coding (techo_json_get_object (r, "code")), "code",
                     TECHO_RECORD_MAX_ID, &c->kind, error) ||
          !read_organization (reader, array_object (r, "performer", 0),
                              &c->institution_code, &c->institution_name, error) ||
          !report_practitioner (reader, r, "resultsInterpreter", FALSE, &c->doctor_name,
                                error) ||
          !report_practitioner (reader, r, "performer", FALSE, &c->doctor_name, error))
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

/* ---- bundles from others: 健診結果報告書, 自治体検診, JP Core medicines ---- */

/* A stable id for a record read from someone else's bundle: the same
 * record read again (from this or another copy of the file) gets the same
 * id, so a second import changes nothing. */
static char *
stable_id (const char *prefix,
           ...)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  va_list args;
  const char *part;

  va_start (args, prefix);
  while ((part = va_arg (args, const char *)) != (const char *) -1)
    {
      if (part != NULL)
        g_checksum_update (sum, (const guchar *) part, -1);
      g_checksum_update (sum, (const guchar *) "\x1f", 1);
    }
  va_end (args);
  return g_strdup_printf ("%s-%.16s", prefix, g_checksum_get_string (sum));
}
#define END_OF_PARTS ((const char *) -1)

/* The value of the first identifier whose system is one of @systems (or
 * any, when none matches). */
static const char *
preferred_identifier (JsonObject         *resource,
                      const char * const *systems)
{
  for (guint i = 0; systems[i] != NULL; i++)
    {
      const char *value = identifier_value (resource, systems[i]);

      if (value != NULL)
        return value;
    }
  return identifier_value (resource, NULL);
}

static const char * const institution_systems[] = {
  TECHO_FHIR_URI_INSTITUTION_NO, TECHO_URI_INSTITUTION, NULL
};

/* An Organization's number and name into @code/@name. */
static gboolean
take_organization (JsonObject  *org,
                   char       **code,
                   char       **name,
                   GError     **error)
{
  const char *value = preferred_identifier (org, institution_systems);

  if (value != NULL && strlen (value) > TECHO_RECORD_MAX_ID)
    return invalid (error, "an organisation number is too long");
  g_free (*code);
  *code = g_strdup (value);
  return get_text (org, "name", TECHO_RECORD_MAX_NAME, name, error);
}

/* The document's issuing organisation: the custodian, else the first
 * author that is an Organization. */
static JsonObject *
document_organization (Reader     *reader,
                       JsonObject *composition)
{
  JsonObject *org = resolve (reader, techo_json_get_object (composition, "custodian"),
                             "Organization");
  JsonArray *authors = techo_json_get_array (composition, "author");

  for (guint i = 0; org == NULL && authors != NULL && i < json_array_get_length (authors); i++)
    org = resolve (reader, array_object (composition, "author", i), "Organization");
  return org;
}

/* The exam date of a document: event.period.start, else the Encounter's
 * period, else the Composition's date. */
static gboolean
document_date (Reader      *reader,
               JsonObject  *composition,
               char       **out,
               GError     **error)
{
  JsonObject *period = techo_json_get_object (array_object (composition, "event", 0), "period");
  JsonObject *encounter = resolve (reader, techo_json_get_object (composition, "encounter"),
                                   "Encounter");

  if (!read_date (period, "start", out, error))
    return FALSE;
  if (*out == NULL &&
      !read_date (techo_json_get_object (encounter, "period"), "start", out, error))
    return FALSE;
  if (*out == NULL && !read_date (composition, "date", out, error))
    return FALSE;
  if (*out == NULL)
    return invalid (error, "a report has no exam date (event.period, Encounter or date)");
  return TRUE;
}

static gboolean
has_value (JsonObject *obs)
{
  static const char * const members[] = {
    "valueQuantity", "valueCodeableConcept", "valueString", "valueBoolean", "valueInteger",
    "dataAbsentReason", NULL
  };

  for (guint i = 0; members[i] != NULL; i++)
    if (json_object_has_member (obs, members[i]))
      return TRUE;
  return FALSE;
}

/* Observations a section entry (or a group's hasMember) points at, as
 * items; other resources a section lists (Coverage …) are passed over. */
static gboolean
collect_items (Reader      *reader,
               JsonArray   *refs,
               GPtrArray   *items,
               guint        depth,
               GError     **error)
{
  for (guint i = 0; refs != NULL && i < json_array_get_length (refs); i++)
    {
      JsonNode *node = json_array_get_element (refs, i);
      JsonObject *holder = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *ref = techo_json_get_string (holder, "reference");
      JsonObject *r = resolve (reader, holder, NULL);

      if (r == NULL)
        return invalid (error, "a report refers to “%s”, which is not in the file",
                        ref != NULL ? ref : "(nothing)");
      if (g_strcmp0 (techo_json_get_string (r, "resourceType"), "Observation") != 0)
        continue;
      if (json_object_has_member (r, "hasMember"))
        {
          if (depth >= 2)
            return invalid (error, "Observation groups are nested too deep");
          if (!collect_items (reader, techo_json_get_array (r, "hasMember"), items,
                              depth + 1, error))
            return FALSE;
        }
      if (has_value (r))
        {
          TechoItem *item;

          if (items->len >= TECHO_RECORD_MAX_ITEMS)
            return g_set_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_TOO_LARGE,
                                "A report in this FHIR file lists more than %d results.",
                                TECHO_RECORD_MAX_ITEMS), FALSE;
          item = read_item (r, error);
          if (item == NULL)
            return FALSE;
          g_ptr_array_add (items, item);
        }
    }
  return TRUE;
}

static gboolean
collect_section_items (Reader      *reader,
                       JsonObject  *composition,
                       GPtrArray   *items,
                       GError     **error)
{
  JsonArray *sections = techo_json_get_array (composition, "section");

  for (guint i = 0; sections != NULL && i < json_array_get_length (sections); i++)
    {
      JsonObject *section = array_object (composition, "section", i);

      if (!collect_items (reader, techo_json_get_array (section, "entry"), items, 0, error))
        return FALSE;
      /* Sub-sections, one level. */
      for (guint j = 0; array_object (section, "section", j) != NULL; j++)
        if (!collect_items (reader, techo_json_get_array (array_object (section, "section", j),
                                                          "entry"),
                            items, 0, error))
          return FALSE;
    }
  return TRUE;
}

/* A 健診結果報告書 (JP_Composition_eCheckupGeneral) as a checkup. */
static gboolean
read_echeckup (Reader      *reader,
               JsonObject  *r,
               const char  *bundle_id,
               GError     **error)
{
  g_autoptr(TechoCheckup) c = techo_checkup_new ();
  JsonObject *org = document_organization (reader, r);
  JsonObject *event = array_object (r, "event", 0);

  c->revision = 1;
  c->provenance.origin = TECHO_ORIGIN_FILE;
  if (!document_date (reader, r, &c->performed_on, error) ||
      !get_text (first_coding (array_object (r, "category", 0)), "code",
                 TECHO_RECORD_MAX_ID, &c->report_kind, error) ||
      !get_text (first_coding (array_object (event, "code", 0)), "code",
                 TECHO_RECORD_MAX_ID, &c->kind, error) ||
      (org != NULL &&
       !take_organization (org, &c->institution_code, &c->institution_name, error)) ||
      /* The judging doctor: an author (the profile's two: facility and
       * author), else the legal attester. */
      !report_practitioner (reader, r, "author", FALSE, &c->doctor_name, error) ||
      !report_practitioner (reader, r, "attester", TRUE, &c->doctor_name, error) ||
      !collect_section_items (reader, r, c->items, error))
    return FALSE;
  if (c->items->len == 0)
    return invalid (error, "the checkup report of %s has no results", c->performed_on);
  c->id = stable_id ("fhir", c->institution_code, c->performed_on, c->kind,
                     identifier_value (r, NULL), bundle_id, END_OF_PARTS);
  g_ptr_array_add (reader->set->checkups, g_steal_pointer (&c));
  return TRUE;
}

/* A 自治体検診 report (lung, colorectal … screening) as a screening. */
static gboolean
read_municipal (Reader                 *reader,
                JsonObject             *r,
                const TechoCancerInfo  *info,
                const char             *bundle_id,
                GError                **error)
{
  g_autoptr(TechoScreening) s = techo_screening_new ();
  JsonObject *org = document_organization (reader, r);
  const char *category = techo_json_get_string (first_coding (array_object (r, "category", 0)),
                                                "code");

  s->revision = 1;
  s->provenance.origin = TECHO_ORIGIN_FILE;
  s->cancer = g_strdup (info->key);
  s->report_kind = g_strdup (info->report_kind);
  /* 511 一次検診, 512 精密検査 (the IG's per-stage profiles); else primary. */
  s->stage = g_strdup (category != NULL && strlen (category) == 3 && category[2] == '2' ?
                       "detailed" : "primary");
  if (!document_date (reader, r, &s->performed_on, error) ||
      (org != NULL &&
       !take_organization (org, &s->municipality_code, &s->municipality_name, error)) ||
      !collect_section_items (reader, r, s->items, error))
    return FALSE;
  if (s->items->len == 0)
    return invalid (error, "the screening report of %s has no results", s->performed_on);
  for (guint i = 0; i < s->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (s->items, i);

      if (info->followup_code != NULL && g_strcmp0 (item->code, info->followup_code) == 0)
        {
          s->followup_code = g_strdup (item->code);
          s->followup_value = g_strdup (item->value);
          s->followup_display = g_strdup (item->display);
        }
    }
  s->id = stable_id ("fhir", info->key, s->municipality_code, s->performed_on,
                     identifier_value (r, NULL), bundle_id, END_OF_PARTS);
  g_ptr_array_add (reader->set->screenings, g_steal_pointer (&s));
  return TRUE;
}

/* Which kind of document a Composition without Techo's id is: the
 * screening's cancer, or NULL for a checkup report. */
static const TechoCancerInfo *
municipal_cancer (JsonObject *composition)
{
  JsonObject *coding = first_coding (array_object (composition, "category", 0));
  const char *code = techo_json_get_string (coding, "code");
  g_autofree char *kind = NULL;

  if (code == NULL || strlen (code) < 2)
    return NULL;
  kind = g_strndup (code, 2);
  /* 51–58 are screening report kinds in both code systems. */
  return techo_reference_cancer_for_report_kind (kind);
}

/* Codes of a drug: YJ and receipt (レセ電) codes in the systems JP Core
 * and Techo use. */
static gboolean
read_drug_codes (JsonObject       *medication,
                 TechoDispensing  *d,
                 GError          **error)
{
  JsonArray *codings = techo_json_get_array (medication, "coding");

  for (guint i = 0; codings != NULL && i < json_array_get_length (codings); i++)
    {
      JsonObject *c = array_object (medication, "coding", i);
      const char *system = techo_json_get_string (c, "system");

      if ((g_strcmp0 (system, TECHO_URI_YJ) == 0 || g_strcmp0 (system, TECHO_FHIR_URI_YJ_OID) == 0) &&
          d->yj_code == NULL &&
          !get_text (c, "code", TECHO_RECORD_MAX_ID, &d->yj_code, error))
        return FALSE;
      if (g_strcmp0 (system, TECHO_URI_RECEIPT_CODE) == 0 && d->receipt_code == NULL &&
          !get_text (c, "code", TECHO_RECORD_MAX_ID, &d->receipt_code, error))
        return FALSE;
      if (d->drug_name == NULL &&
          !get_text (c, "display", TECHO_RECORD_MAX_NAME, &d->drug_name, error))
        return FALSE;
    }
  return TRUE;
}

/* MERIT-9 categories (OHP 院外処方 …) and FHIR's own words. */
static char *
dispense_setting (const char *code)
{
  if (code == NULL)
    return NULL;
  if (g_str_equal (code, "outpatient") || g_str_equal (code, "inpatient") ||
      g_str_equal (code, "community") || g_str_equal (code, "discharge"))
    return g_strdup (code);
  if (code[0] == 'O')
    return g_strdup ("outpatient");
  if (code[0] == 'I')
    return g_strdup ("inpatient");
  return NULL;
}

static gboolean
read_days (JsonObject  *duration,
           int         *days,
           GError     **error)
{
  gint64 n = 0;
  double value = 0;
  const char *code = techo_json_get_string (duration, "code");
  const char *unit = techo_json_get_string (duration, "unit");

  if (duration == NULL)
    return TRUE;
  if (code != NULL && g_strcmp0 (code, "d") != 0)
    return TRUE;
  if (code == NULL && unit != NULL && g_strcmp0 (unit, "日") != 0 && g_strcmp0 (unit, "d") != 0)
    return TRUE;
  if (techo_json_get_int64 (duration, "value", &n))
    value = n;
  else if (!techo_json_get_double (duration, "value", &value))
    return TRUE;
  if (value < 0 || value > 10000)
    return invalid (error, "a supply of %g days is out of range", value);
  *days = (int) value;
  return TRUE;
}

/* A JP_MedicationRequest (処方) as a prescription line. */
static gboolean
read_request (Reader      *reader,
              JsonObject  *r,
              GError     **error)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  JsonObject *medication = techo_json_get_object (r, "medicationCodeableConcept");
  JsonObject *dispense = techo_json_get_object (r, "dispenseRequest");
  JsonObject *requester = resolve (reader, techo_json_get_object (r, "requester"), NULL);
  JsonObject *dosage = array_object (r, "dosageInstruction", 0);
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  d->revision = 1;
  d->provenance.origin = TECHO_ORIGIN_FILE;
  d->source = g_strdup ("prescription");
  if (medication == NULL)
    return invalid (error, "a MedicationRequest names no medicine (medicationCodeableConcept)");
  if (!read_date (r, "authoredOn", &d->prescribed_on, error) ||
      !get_text (medication, "text", TECHO_RECORD_MAX_NAME, &d->drug_name, error) ||
      !read_drug_codes (medication, d, error) ||
      !get_text (techo_json_get_object (dispense, "quantity"), "unit", TECHO_RECORD_MAX_NAME,
                 &d->unit, error) ||
      !get_text (dosage, "text", TECHO_RECORD_MAX_TEXT, &d->usage, error) ||
      !read_days (techo_json_get_object (dispense, "expectedSupplyDuration"), &d->days, error))
    return FALSE;
  if (d->prescribed_on == NULL)
    return invalid (error, "a MedicationRequest has no authoredOn date");
  if (d->drug_name == NULL)
    return invalid (error, "a MedicationRequest names no medicine");
  d->dispensed_on = g_strdup (d->prescribed_on);
  d->setting = dispense_setting (techo_json_get_string (first_coding (array_object (r, "category", 0)),
                                                        "code"));
  techo_json_get_double (techo_json_get_object (dispense, "quantity"), "value", &d->quantity);
  if (requester != NULL)
    {
      const char *type = techo_json_get_string (requester, "resourceType");

      if (g_strcmp0 (type, "Organization") == 0 &&
          !take_organization (requester, &d->prescriber_code, &d->prescriber_name, error))
        return FALSE;
      if (g_strcmp0 (type, "Practitioner") == 0 &&
          !get_text (array_object (requester, "name", 0), "text", TECHO_RECORD_MAX_NAME,
                     &d->prescriber_name, error))
        return FALSE;
    }
  techo_fhir_format_number (buffer, sizeof buffer, d->quantity);
  d->id = stable_id ("fhir-rx", identifier_value (r, NULL), d->prescribed_on, d->yj_code,
                     d->receipt_code, d->drug_name, buffer, d->usage, END_OF_PARTS);
  g_ptr_array_add (reader->set->dispensings, g_steal_pointer (&d));
  return TRUE;
}

static gboolean
read_dispensing (Reader      *reader,
                 JsonObject  *r,
                 GError     **error)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  JsonObject *medication = techo_json_get_object (r, "medicationCodeableConcept");
  JsonObject *days = techo_json_get_object (r, "daysSupply");
  JsonObject *prescriber = extension (r, TECHO_FHIR_EXT_PRESCRIBER);
  gint64 n_days = 0;

  d->id = g_strdup (identifier_value (r, TECHO_FHIR_URI_DISPENSING_ID));
  if (d->id != NULL && strlen (d->id) > TECHO_RECORD_MAX_ID)
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
  if (!read_drug_codes (medication, d, error))
    return FALSE;
  techo_json_get_double (techo_json_get_object (r, "quantity"), "value", &d->quantity);
  if (techo_json_get_int64 (days, "value", &n_days))
    {
      if (n_days < 0 || n_days > 10000)
        return invalid (error, "daysSupply is out of range");
      d->days = n_days;
    }
  if (d->id == NULL)
    {
      /* Someone else's JP_MedicationDispense: a stable id, the file's
       * provenance, and the setting from a MERIT-9 category. */
      char buffer[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *setting = dispense_setting (d->setting);

      if (d->drug_name == NULL)
        return invalid (error, "a MedicationDispense names no medicine");
      g_free (d->setting);
      d->setting = g_steal_pointer (&setting);
      if (d->source == NULL)
        d->source = g_strdup ("dispensing");
      d->provenance.origin = TECHO_ORIGIN_FILE;
      techo_fhir_format_number (buffer, sizeof buffer, d->quantity);
      d->id = stable_id ("fhir-md", identifier_value (r, NULL), d->dispensed_on,
                         d->pharmacy_code, d->pharmacy_name, d->yj_code, d->receipt_code,
                         d->drug_name, buffer, d->usage, END_OF_PARTS);
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
      char **target = g_strcmp0 (representation, "SYL") == 0 ? &p->name_kana : &p->name;

      if (*target != NULL)
        continue;
      if (!get_text (name, "text", TECHO_RECORD_MAX_NAME, target, error))
        return FALSE;
      if (*target == NULL)
        {
          /* family + given, as JP Core writes them (with a space). */
          const char *family = techo_json_get_string (name, "family");
          JsonArray *given = techo_json_get_array (name, "given");
          g_autoptr(GString) text = g_string_new (family);

          for (guint k = 0; given != NULL && k < json_array_get_length (given); k++)
            {
              JsonNode *g = json_array_get_element (given, k);

              if (!JSON_NODE_HOLDS_VALUE (g) || json_node_get_value_type (g) != G_TYPE_STRING)
                continue;
              if (text->len > 0)
                g_string_append_c (text, ' ');
              g_string_append (text, json_node_get_string (g));
            }
          if (text->len > TECHO_RECORD_MAX_NAME)
            return invalid (error, "a name is longer than %d bytes", TECHO_RECORD_MAX_NAME);
          if (text->len > 0)
            *target = g_string_free (g_steal_pointer (&text), FALSE);
        }
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


/* The insurer number of a 健診結果報告書 sits on the Coverage's payor. */
static gboolean
read_insurer (Reader      *reader,
              JsonObject  *bundle,
              GError     **error)
{
  static const char * const systems[] = {
    TECHO_FHIR_URI_INSURER_NUMBER, TECHO_FHIR_URI_INSURER, NULL
  };
  TechoProfile *p = reader->set->profile;

  for (guint i = 0; p != NULL && p->insurer_number == NULL; i++)
    {
      JsonObject *entry = array_object (bundle, "entry", i);
      JsonObject *r = techo_json_get_object (entry, "resource");
      JsonObject *payor;
      const char *value;

      if (entry == NULL)
        break;
      if (g_strcmp0 (techo_json_get_string (r, "resourceType"), "Coverage") != 0)
        continue;
      payor = resolve (reader, array_object (r, "payor", 0), "Organization");
      value = payor != NULL ? preferred_identifier (payor, systems) : NULL;
      if (value == NULL)
        continue;
      if (strlen (value) > TECHO_RECORD_MAX_ID)
        return invalid (error, "the insurer number is too long");
      p->insurer_number = g_strdup (value);
    }
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
               (identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID) != NULL ||
                extension (r, TECHO_FHIR_EXT_REVISION) != NULL))
        ok = read_checkup (reader, r, TRUE, error);
      else if (g_strcmp0 (rt, "DiagnosticReport") == 0 &&
               identifier_value (r, TECHO_FHIR_URI_CHECKUP_ID) != NULL)
        ok = read_checkup (reader, r, FALSE, error);
      else if (g_strcmp0 (rt, "DiagnosticReport") == 0 &&
               identifier_value (r, TECHO_FHIR_URI_SCREENING_ID) != NULL)
        ok = read_screening (reader, r, error);
      else if (g_strcmp0 (rt, "Composition") == 0 && i == 0 &&
               g_strcmp0 (type, "document") == 0)
        {
          /* Someone else's document: a 自治体検診 report by its category
           * (51 lung … 55 colorectal), else a 健診結果報告書. */
          const TechoCancerInfo *cancer = municipal_cancer (r);
          const char *bundle_id = techo_json_get_string (techo_json_get_object (bundle, "identifier"),
                                                         "value");

          ok = cancer != NULL ? read_municipal (reader, r, cancer, bundle_id, error) :
                                read_echeckup (reader, r, bundle_id, error);
        }
      else if (g_strcmp0 (rt, "MedicationRequest") == 0)
        ok = read_request (reader, r, error);
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
  return read_insurer (reader, bundle, error);
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
