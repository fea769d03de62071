/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-records-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "techo-records-json.h"

/* What a reader is reading, for error messages that name the record. */
typedef struct
{
  const char *kind; /* "checkup", "medication", "screening", "profile" */
  const char *id;   /* NULL until the id is read */
  const char *where; /* e.g. "item 3", or NULL for the record itself */
} ReadContext;

G_GNUC_PRINTF (3, 4)
static void
set_field_error (GError           **error,
                 const ReadContext *ctx,
                 const char        *format,
                 ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (ctx->where != NULL)
    {
      char *with_where = g_strdup_printf ("%s (in %s)", detail, ctx->where);

      g_free (detail);
      detail = with_where;
    }
  if (ctx->id != NULL)
    g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
                 "The %s record “%s” is not valid: %s", ctx->kind, ctx->id, detail);
  else
    g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
                 "A %s record is not valid: %s", ctx->kind, detail);
}

gboolean
techo_json_is_date (const char *text)
{
  guint year, month, day;

  if (text == NULL || strlen (text) != 10)
    return FALSE;
  for (guint i = 0; i < 10; i++)
    {
      if (i == 4 || i == 7)
        {
          if (text[i] != '-')
            return FALSE;
        }
      else if (!g_ascii_isdigit (text[i]))
        return FALSE;
    }
  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  return year >= 1900 && g_date_valid_dmy (day, month, year);
}

/* Reads an optional (or @required) string member of at most @max_chars
 * characters into *@out (left NULL when absent or null). */
static gboolean
read_string (const ReadContext  *ctx,
             JsonObject         *object,
             const char         *member,
             gboolean            required,
             guint               max_chars,
             char              **out,
             GError            **error)
{
  JsonNode *node = json_object_get_member (object, member);
  JsonNodeType type = node != NULL ? json_node_get_node_type (node) : JSON_NODE_NULL;
  const char *value;
  gsize length;

  /* This runs for every field of every synced record: one member lookup
   * and one node-type test, the same checks as techo_json_get_string. */
  if (type == JSON_NODE_NULL)
    {
      if (required)
        {
          set_field_error (error, ctx, "the field “%s” is missing", member);
          return FALSE;
        }
      return TRUE;
    }
  value = type == JSON_NODE_VALUE && json_node_get_value_type (node) == G_TYPE_STRING
          ? json_node_get_string (node) : NULL;
  if (value == NULL)
    {
      set_field_error (error, ctx, "the field “%s” is not text", member);
      return FALSE;
    }
  if (required && *value == '\0')
    {
      set_field_error (error, ctx, "the field “%s” is empty", member);
      return FALSE;
    }
  /* A UTF-8 text has no more characters than bytes: count them only
   * when the bytes alone are over the limit. */
  length = strlen (value);
  if (length > max_chars && g_utf8_strlen (value, -1) > (glong) max_chars)
    {
      set_field_error (error, ctx, "the field “%s” is longer than %u characters",
                       member, max_chars);
      return FALSE;
    }
  g_free (*out);
  *out = g_memdup2 (value, length + 1);
  return TRUE;
}

static gboolean
read_date (const ReadContext  *ctx,
           JsonObject         *object,
           const char         *member,
           gboolean            required,
           char              **out,
           GError            **error)
{
  if (!read_string (ctx, object, member, required, 10, out, error))
    return FALSE;
  if (*out != NULL && !techo_json_is_date (*out))
    {
      set_field_error (error, ctx, "the field “%s” is not a date (YYYY-MM-DD)", member);
      g_clear_pointer (out, g_free);
      return FALSE;
    }
  return TRUE;
}

/* A string member that must be one of @allowed (NULL-terminated). */
static gboolean
read_choice (const ReadContext   *ctx,
             JsonObject          *object,
             const char          *member,
             gboolean             required,
             const char * const  *allowed,
             char               **out,
             GError             **error)
{
  if (!read_string (ctx, object, member, required, 32, out, error))
    return FALSE;
  if (*out != NULL && !g_strv_contains (allowed, *out))
    {
      g_autofree char *list = g_strjoinv (", ", (char **) allowed);

      set_field_error (error, ctx, "the field “%s” is “%s”, not one of %s",
                       member, *out, list);
      g_clear_pointer (out, g_free);
      return FALSE;
    }
  return TRUE;
}

/* An optional object member; a present non-object is an error. */
static gboolean
read_sub_object (const ReadContext  *ctx,
                 JsonObject         *object,
                 const char         *member,
                 JsonObject        **out,
                 GError            **error)
{
  JsonNode *node = json_object_get_member (object, member);

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      set_field_error (error, ctx, "the field “%s” is not an object", member);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

/* Reads id, revision and withdrawn, the members every record has. */
static gboolean
read_identity (ReadContext  *ctx,
               JsonObject   *object,
               char        **out_id,
               gint64       *out_revision,
               gboolean     *out_withdrawn,
               GError      **error)
{
  JsonNode *node;

  if (!read_string (ctx, object, "id", TRUE, TECHO_RECORD_MAX_ID, out_id, error))
    return FALSE;
  ctx->id = *out_id;

  if (!techo_json_has_member (object, "revision"))
    {
      set_field_error (error, ctx, "the field “revision” is missing");
      return FALSE;
    }
  if (!techo_json_get_int64 (object, "revision", out_revision) || *out_revision < 1)
    {
      set_field_error (error, ctx, "the field “revision” is not a positive whole number");
      return FALSE;
    }

  *out_withdrawn = FALSE;
  node = json_object_get_member (object, "withdrawn");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && !techo_json_get_boolean (object, "withdrawn", out_withdrawn))
    {
      set_field_error (error, ctx, "the field “withdrawn” is not true or false");
      return FALSE;
    }
  return TRUE;
}

static TechoItem *
read_item (const ReadContext  *ctx,
           JsonObject         *object,
           guint               index,
           GError            **error)
{
  g_autoptr(TechoItem) item = techo_item_new ();
  g_autofree char *type = NULL;
  g_autofree char *where = g_strdup_printf ("item %u", index + 1);
  static const char * const types[] = { "PQ", "CO", "CD", "ST", NULL };
  gboolean not_performed = FALSE;
  JsonNode *node;
  ReadContext item_ctx = *ctx;

  item_ctx.where = where;
  if (!read_string (&item_ctx, object, "code", TRUE, 32, &item->code, error)
      || !read_string (&item_ctx, object, "name", FALSE, TECHO_RECORD_MAX_NAME,
                       &item->name, error)
      || !read_choice (&item_ctx, object, "type", TRUE, types, &type, error)
      || !read_string (&item_ctx, object, "unit", FALSE, 64, &item->unit, error)
      || !read_string (&item_ctx, object, "value_system", FALSE, 128,
                       &item->value_system, error)
      || !read_string (&item_ctx, object, "display", FALSE, TECHO_RECORD_MAX_NAME,
                       &item->display, error))
    return NULL;
  techo_value_type_from_string (type, &item->type);

  node = json_object_get_member (object, "not_performed");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node)
      && !techo_json_get_boolean (object, "not_performed", &not_performed))
    {
      set_field_error (error, &item_ctx, "the field “not_performed” is not true or false");
      return NULL;
    }
  item->not_performed = not_performed;

  if (!not_performed
      && !read_string (&item_ctx, object, "value", TRUE, TECHO_RECORD_MAX_TEXT,
                       &item->value, error))
    return NULL;
  return g_steal_pointer (&item);
}

static gboolean
read_items (const ReadContext  *ctx,
            JsonObject         *object,
            gboolean            required,
            GPtrArray          *items,
            GError            **error)
{
  JsonNode *node = json_object_get_member (object, "items");
  JsonArray *array;
  guint length;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          set_field_error (error, ctx, "the field “items” is missing");
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      set_field_error (error, ctx, "the field “items” is not a list");
      return FALSE;
    }
  array = json_node_get_array (node);
  length = json_array_get_length (array);
  if (length > TECHO_RECORD_MAX_ITEMS)
    {
      set_field_error (error, ctx, "it has %u items, more than the %u allowed",
                       length, TECHO_RECORD_MAX_ITEMS);
      return FALSE;
    }
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      TechoItem *item;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_field_error (error, ctx, "item %u is not an object", i + 1);
          return FALSE;
        }
      item = read_item (ctx, json_node_get_object (element), i, error);
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }
  return TRUE;
}

TechoCheckup *
techo_checkup_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
  ReadContext ctx = { "checkup", NULL, NULL };
  JsonObject *institution = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_identity (&ctx, object, &checkup->id, &checkup->revision,
                      &checkup->withdrawn, error))
    return NULL;
  checkup->provenance.origin = TECHO_ORIGIN_PORTAL;
  if (checkup->withdrawn)
    return g_steal_pointer (&checkup);

  if (!read_date (&ctx, object, "performed_on", TRUE, &checkup->performed_on, error)
      || !read_string (&ctx, object, "kind", FALSE, 8, &checkup->kind, error)
      || !read_string (&ctx, object, "report_kind", FALSE, 8, &checkup->report_kind, error)
      || !read_sub_object (&ctx, object, "institution", &institution, error)
      || !read_items (&ctx, object, TRUE, checkup->items, error)
      || !read_string (&ctx, object, "document", FALSE, 512, &checkup->document, error))
    return NULL;

  ctx.where = "“institution”";
  if (institution != NULL
      && (!read_string (&ctx, institution, "code", FALSE, 16,
                        &checkup->institution_code, error)
          || !read_string (&ctx, institution, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &checkup->institution_name, error)))
    {
      return NULL;
    }
  return g_steal_pointer (&checkup);
}

TechoDispensing *
techo_dispensing_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  ReadContext ctx = { "medication", NULL, NULL };
  static const char * const sources[] = { "claims", "dispensing", "prescription", NULL };
  static const char * const settings[] = { "outpatient", "inpatient", NULL };
  JsonObject *pharmacy = NULL;
  JsonObject *prescriber = NULL;
  gint64 days = 0;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_identity (&ctx, object, &d->id, &d->revision, &d->withdrawn, error))
    return NULL;
  d->provenance.origin = TECHO_ORIGIN_PORTAL;
  if (d->withdrawn)
    return g_steal_pointer (&d);

  if (!read_choice (&ctx, object, "source", TRUE, sources, &d->source, error)
      || !read_date (&ctx, object, "dispensed_on", TRUE, &d->dispensed_on, error)
      || !read_date (&ctx, object, "prescribed_on", FALSE, &d->prescribed_on, error)
      || !read_choice (&ctx, object, "setting", FALSE, settings, &d->setting, error)
      || !read_sub_object (&ctx, object, "pharmacy", &pharmacy, error)
      || !read_sub_object (&ctx, object, "prescriber", &prescriber, error)
      || !read_string (&ctx, object, "receipt_code", FALSE, 16, &d->receipt_code, error)
      || !read_string (&ctx, object, "yj_code", FALSE, 16, &d->yj_code, error)
      || !read_string (&ctx, object, "drug_name", TRUE, TECHO_RECORD_MAX_NAME,
                       &d->drug_name, error)
      || !read_string (&ctx, object, "ingredient_name", FALSE, TECHO_RECORD_MAX_NAME,
                       &d->ingredient_name, error)
      || !read_string (&ctx, object, "unit", FALSE, 64, &d->unit, error)
      || !read_string (&ctx, object, "usage", FALSE, TECHO_RECORD_MAX_NAME, &d->usage, error)
      || !read_string (&ctx, object, "dosage_form", FALSE, 8, &d->dosage_form, error))
    return NULL;

  ctx.where = "“pharmacy”";
  if (pharmacy != NULL
      && (!read_string (&ctx, pharmacy, "code", FALSE, 16, &d->pharmacy_code, error)
          || !read_string (&ctx, pharmacy, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &d->pharmacy_name, error)))
    {
      return NULL;
    }
  ctx.where = "“prescriber”";
  if (prescriber != NULL
      && (!read_string (&ctx, prescriber, "code", FALSE, 16, &d->prescriber_code, error)
          || !read_string (&ctx, prescriber, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &d->prescriber_name, error)
          || !read_string (&ctx, prescriber, "department", FALSE, 64,
                           &d->prescriber_department, error)))
    {
      return NULL;
    }

  ctx.where = NULL;
  if (techo_json_has_member (object, "quantity")
      && (!techo_json_get_double (object, "quantity", &d->quantity)
          || !isfinite (d->quantity) || d->quantity < 0 || d->quantity > 1e7))
    {
      set_field_error (error, &ctx, "the field “quantity” is not a sensible amount");
      return NULL;
    }
  if (techo_json_has_member (object, "days")
      && (!techo_json_get_int64 (object, "days", &days) || days < 0 || days > 10000))
    {
      set_field_error (error, &ctx, "the field “days” is not a whole number of days");
      return NULL;
    }
  d->days = (int) days;
  return g_steal_pointer (&d);
}

TechoScreening *
techo_screening_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(TechoScreening) s = techo_screening_new ();
  ReadContext ctx = { "screening", NULL, NULL };
  static const char * const cancers[] = {
    "lung", "breast", "stomach", "cervical", "colorectal", NULL
  };
  static const char * const stages[] = { "primary", "detailed", NULL };
  JsonObject *municipality = NULL;
  JsonObject *followup = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_identity (&ctx, object, &s->id, &s->revision, &s->withdrawn, error))
    return NULL;
  s->provenance.origin = TECHO_ORIGIN_PORTAL;
  if (s->withdrawn)
    return g_steal_pointer (&s);

  if (!read_date (&ctx, object, "performed_on", TRUE, &s->performed_on, error)
      || !read_choice (&ctx, object, "cancer", TRUE, cancers, &s->cancer, error)
      || !read_string (&ctx, object, "report_kind", FALSE, 8, &s->report_kind, error)
      || !read_choice (&ctx, object, "stage", FALSE, stages, &s->stage, error)
      || !read_sub_object (&ctx, object, "municipality", &municipality, error)
      || !read_sub_object (&ctx, object, "followup", &followup, error)
      || !read_items (&ctx, object, FALSE, s->items, error))
    return NULL;

  ctx.where = "“municipality”";
  if (municipality != NULL
      && (!read_string (&ctx, municipality, "code", FALSE, 16, &s->municipality_code, error)
          || !read_string (&ctx, municipality, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &s->municipality_name, error)))
    {
      return NULL;
    }
  ctx.where = "“followup”";
  if (followup != NULL
      && (!read_string (&ctx, followup, "code", FALSE, 32, &s->followup_code, error)
          || !read_string (&ctx, followup, "value", FALSE, 8, &s->followup_value, error)
          || !read_string (&ctx, followup, "display", FALSE, TECHO_RECORD_MAX_NAME,
                           &s->followup_display, error)))
    {
      return NULL;
    }
  return g_steal_pointer (&s);
}

TechoProfile *
techo_profile_from_json (JsonObject  *object,
                         GError     **error)
{
  g_autoptr(TechoProfile) p = techo_profile_new ();
  ReadContext ctx = { "profile", NULL, NULL };
  static const char * const sexes[] = { "male", "female", NULL };

  g_return_val_if_fail (object != NULL, NULL);

  if (!read_string (&ctx, object, "subject", TRUE, TECHO_RECORD_MAX_ID, &p->subject, error))
    return NULL;
  ctx.id = p->subject;
  if (!read_string (&ctx, object, "name", FALSE, TECHO_RECORD_MAX_NAME, &p->name, error)
      || !read_string (&ctx, object, "name_kana", FALSE, TECHO_RECORD_MAX_NAME,
                       &p->name_kana, error)
      || !read_date (&ctx, object, "birth_date", FALSE, &p->birth_date, error)
      || !read_choice (&ctx, object, "sex", FALSE, sexes, &p->sex, error)
      || !read_string (&ctx, object, "insurer_number", FALSE, 16, &p->insurer_number, error))
    return NULL;
  return g_steal_pointer (&p);
}

gboolean
techo_profile_grants_from_json (JsonObject  *object,
                                guint       *out_granted,
                                char       **out_expires_at,
                                GError     **error)
{
  ReadContext ctx = { "profile", techo_json_get_string (object, "subject"), NULL };
  JsonNode *node = json_object_get_member (object, "granted");
  g_autofree char *expires_at = NULL;
  guint granted = 0;

  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node)
          || json_array_get_length (json_node_get_array (node)) > 16)
        {
          set_field_error (error, &ctx, "the field “granted” is not a short list");
          return FALSE;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          TechoCategory category;

          if (!JSON_NODE_HOLDS_VALUE (element)
              || json_node_get_value_type (element) != G_TYPE_STRING)
            {
              set_field_error (error, &ctx, "the field “granted” holds something other than names");
              return FALSE;
            }
          if (techo_category_from_string (json_node_get_string (element), &category))
            granted |= 1u << category;
        }
    }
  if (!read_string (&ctx, object, "consent_expires_at", FALSE, 64, &expires_at, error))
    return FALSE;

  if (out_granted != NULL)
    *out_granted = granted;
  if (out_expires_at != NULL)
    *out_expires_at = g_steal_pointer (&expires_at);
  return TRUE;
}

GPtrArray *
techo_records_from_json_array (TechoCategory   category,
                               JsonArray      *array,
                               guint           max_records,
                               GError        **error)
{
  g_autoptr(GPtrArray) records = NULL;
  guint length;

  g_return_val_if_fail (category < TECHO_N_CATEGORIES, NULL);
  g_return_val_if_fail (array != NULL, NULL);

  length = json_array_get_length (array);
  if (length > max_records)
    {
      g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY,
                   "The list holds %u %s records, more than the %u allowed",
                   length, techo_category_to_string (category), max_records);
      return NULL;
    }

  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      records = g_ptr_array_new_full (length, (GDestroyNotify) techo_checkup_free);
      break;
    case TECHO_CATEGORY_MEDICATION:
      records = g_ptr_array_new_full (length, (GDestroyNotify) techo_dispensing_free);
      break;
    case TECHO_CATEGORY_SCREENING:
    default:
      records = g_ptr_array_new_full (length, (GDestroyNotify) techo_screening_free);
      break;
    }

  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *object;
      gpointer record = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
                       "Element %u of the %s list is not a record object",
                       i + 1, techo_category_to_string (category));
          return NULL;
        }
      object = json_node_get_object (element);
      switch (category)
        {
        case TECHO_CATEGORY_CHECKUP:
          record = techo_checkup_from_json (object, error);
          break;
        case TECHO_CATEGORY_MEDICATION:
          record = techo_dispensing_from_json (object, error);
          break;
        case TECHO_CATEGORY_SCREENING:
        default:
          record = techo_screening_from_json (object, error);
          break;
        }
      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

/* Writers ---------------------------------------------------------------- */

static gboolean
write_identity (JsonBuilder *builder,
                const char  *id,
                gint64       revision,
                gboolean     withdrawn)
{
  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "id", id);
  json_builder_set_member_name (builder, "revision");
  json_builder_add_int_value (builder, revision);
  if (withdrawn)
    {
      json_builder_set_member_name (builder, "withdrawn");
      json_builder_add_boolean_value (builder, TRUE);
      json_builder_end_object (builder);
    }
  return withdrawn;
}

static void
write_party (JsonBuilder *builder,
             const char  *member,
             const char  *code,
             const char  *name,
             const char  *department)
{
  if (code == NULL && name == NULL && department == NULL)
    return;
  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "code", code);
  techo_json_builder_add_string (builder, "name", name);
  techo_json_builder_add_string (builder, "department", department);
  json_builder_end_object (builder);
}

static void
write_items (JsonBuilder *builder,
             GPtrArray   *items)
{
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (items, i);

      json_builder_begin_object (builder);
      techo_json_builder_add_string (builder, "code", item->code);
      techo_json_builder_add_string (builder, "name", item->name);
      techo_json_builder_add_string (builder, "type", techo_value_type_to_string (item->type));
      if (item->not_performed)
        {
          json_builder_set_member_name (builder, "not_performed");
          json_builder_add_boolean_value (builder, TRUE);
        }
      else
        techo_json_builder_add_string (builder, "value", item->value);
      techo_json_builder_add_string (builder, "unit", item->unit);
      techo_json_builder_add_string (builder, "value_system", item->value_system);
      techo_json_builder_add_string (builder, "display", item->display);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

void
techo_checkup_to_json (const TechoCheckup *checkup,
                       JsonBuilder        *builder)
{
  if (write_identity (builder, checkup->id, checkup->revision, checkup->withdrawn))
    return;
  techo_json_builder_add_string (builder, "performed_on", checkup->performed_on);
  techo_json_builder_add_string (builder, "kind", checkup->kind);
  techo_json_builder_add_string (builder, "report_kind", checkup->report_kind);
  write_party (builder, "institution", checkup->institution_code,
               checkup->institution_name, NULL);
  write_items (builder, checkup->items);
  techo_json_builder_add_string (builder, "document", checkup->document);
  json_builder_end_object (builder);
}

void
techo_dispensing_to_json (const TechoDispensing *d,
                          JsonBuilder           *builder)
{
  if (write_identity (builder, d->id, d->revision, d->withdrawn))
    return;
  techo_json_builder_add_string (builder, "source", d->source);
  techo_json_builder_add_string (builder, "dispensed_on", d->dispensed_on);
  techo_json_builder_add_string (builder, "prescribed_on", d->prescribed_on);
  techo_json_builder_add_string (builder, "setting", d->setting);
  write_party (builder, "pharmacy", d->pharmacy_code, d->pharmacy_name, NULL);
  write_party (builder, "prescriber", d->prescriber_code, d->prescriber_name,
               d->prescriber_department);
  techo_json_builder_add_string (builder, "receipt_code", d->receipt_code);
  techo_json_builder_add_string (builder, "yj_code", d->yj_code);
  techo_json_builder_add_string (builder, "drug_name", d->drug_name);
  techo_json_builder_add_string (builder, "ingredient_name", d->ingredient_name);
  json_builder_set_member_name (builder, "quantity");
  if (d->quantity == floor (d->quantity) && fabs (d->quantity) < 1e15)
    json_builder_add_int_value (builder, (gint64) d->quantity);
  else
    json_builder_add_double_value (builder, d->quantity);
  techo_json_builder_add_string (builder, "unit", d->unit);
  techo_json_builder_add_string (builder, "usage", d->usage);
  json_builder_set_member_name (builder, "days");
  json_builder_add_int_value (builder, d->days);
  techo_json_builder_add_string (builder, "dosage_form", d->dosage_form);
  json_builder_end_object (builder);
}

void
techo_screening_to_json (const TechoScreening *s,
                         JsonBuilder          *builder)
{
  if (write_identity (builder, s->id, s->revision, s->withdrawn))
    return;
  techo_json_builder_add_string (builder, "performed_on", s->performed_on);
  techo_json_builder_add_string (builder, "cancer", s->cancer);
  techo_json_builder_add_string (builder, "report_kind", s->report_kind);
  techo_json_builder_add_string (builder, "stage", s->stage);
  write_party (builder, "municipality", s->municipality_code, s->municipality_name, NULL);
  write_items (builder, s->items);
  if (s->followup_code != NULL || s->followup_value != NULL)
    {
      json_builder_set_member_name (builder, "followup");
      json_builder_begin_object (builder);
      techo_json_builder_add_string (builder, "code", s->followup_code);
      techo_json_builder_add_string (builder, "value", s->followup_value);
      techo_json_builder_add_string (builder, "display", s->followup_display);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
}

void
techo_profile_to_json (const TechoProfile *p,
                       JsonBuilder        *builder)
{
  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "subject", p->subject);
  techo_json_builder_add_string (builder, "name", p->name);
  techo_json_builder_add_string (builder, "name_kana", p->name_kana);
  techo_json_builder_add_string (builder, "birth_date", p->birth_date);
  techo_json_builder_add_string (builder, "sex", p->sex);
  techo_json_builder_add_string (builder, "insurer_number", p->insurer_number);
  json_builder_end_object (builder);
}

void
techo_record_to_json (TechoCategory  category,
                      gconstpointer  record,
                      JsonBuilder   *builder)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      techo_checkup_to_json (record, builder);
      break;
    case TECHO_CATEGORY_MEDICATION:
      techo_dispensing_to_json (record, builder);
      break;
    case TECHO_CATEGORY_SCREENING:
      techo_screening_to_json (record, builder);
      break;
    case TECHO_N_CATEGORIES:
    default:
      g_return_if_reached ();
    }
}
