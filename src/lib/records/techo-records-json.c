/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-records-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "techo-json-reader.h"
#include "techo-records-json.h"

/* Values ------------------------------------------------------------------
 *
 * The readers below see JSON through Val, a small view of one value that
 * comes either from json-glib's tree (JsonObject, JsonArray, JsonNode) or
 * from a FlatStore, which the streaming page reader fills from
 * TechoJsonReader one record at a time. The same validation code runs over
 * both, so both paths give the same records and the same messages. */

typedef enum
{
  VAL_ABSENT,
  VAL_NULL,
  VAL_STRING,
  VAL_INT,
  VAL_DOUBLE,
  VAL_BOOLEAN,
  VAL_OBJECT,
  VAL_ARRAY,
} ValType;

#define FLAT_NONE G_MAXUINT

/* One value of a record read by the streaming reader. The members of an
 * object and the elements of a list are linked through @next. */
typedef struct
{
  const char *name;   /* the member name, or NULL in a list */
  gsize name_length;
  ValType type;
  const char *string; /* not NUL-terminated */
  gsize length;
  gint64 int_value;
  double double_value;
  gboolean boolean_value;
  guint first_child;
  guint n_children;
  guint next;
} FlatEntry;

typedef struct
{
  GArray *entries;       /* FlatEntry */
  GStringChunk *strings; /* the decoded text of strings that had escapes */
} FlatStore;

typedef struct
{
  ValType type;
  const char *string;    /* not NUL-terminated; @length bytes */
  gsize length;
  gint64 int_value;
  double double_value;
  gboolean boolean_value;
  JsonObject *object;    /* tree */
  JsonArray *array;      /* tree */
  const FlatStore *flat; /* flat: the store and the entry */
  guint index;
} Val;

static void
val_from_node (JsonNode *node,
               Val      *out)
{
  memset (out, 0, sizeof *out);
  if (node == NULL)
    {
      out->type = VAL_ABSENT;
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      out->type = VAL_OBJECT;
      out->object = json_node_get_object (node);
      return;
    case JSON_NODE_ARRAY:
      out->type = VAL_ARRAY;
      out->array = json_node_get_array (node);
      return;
    case JSON_NODE_VALUE:
      break;
    case JSON_NODE_NULL:
    default:
      out->type = VAL_NULL;
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      out->type = VAL_STRING;
      out->string = json_node_get_string (node);
      out->length = out->string != NULL ? strlen (out->string) : 0;
      break;
    case G_TYPE_INT64:
      out->type = VAL_INT;
      out->int_value = json_node_get_int (node);
      break;
    case G_TYPE_DOUBLE:
      out->type = VAL_DOUBLE;
      out->double_value = json_node_get_double (node);
      break;
    case G_TYPE_BOOLEAN:
      out->type = VAL_BOOLEAN;
      out->boolean_value = json_node_get_boolean (node);
      break;
    default:
      out->type = VAL_NULL;
      break;
    }
}

static void
val_from_object (JsonObject *object,
                 Val        *out)
{
  memset (out, 0, sizeof *out);
  out->type = VAL_OBJECT;
  out->object = object;
}

static void
val_from_entry (const FlatStore *flat,
                guint            index,
                Val             *out)
{
  const FlatEntry *entry = &g_array_index (flat->entries, FlatEntry, index);

  out->type = entry->type;
  out->string = entry->string;
  out->length = entry->length;
  out->int_value = entry->int_value;
  out->double_value = entry->double_value;
  out->boolean_value = entry->boolean_value;
  out->object = NULL;
  out->array = NULL;
  out->flat = flat;
  out->index = index;
}

/* The member @member of the object @object (VAL_ABSENT when it has none);
 * of repeated members the last counts, as in json-glib. */
static void
val_member (const Val  *object,
            const char *member,
            Val        *out)
{
  const FlatEntry *entries;
  gsize member_length;
  guint found = FLAT_NONE;

  if (object->flat == NULL)
    {
      val_from_node (json_object_get_member (object->object, member), out);
      return;
    }
  entries = (const FlatEntry *) (gpointer) object->flat->entries->data;
  member_length = strlen (member);
  for (guint i = entries[object->index].first_child; i != FLAT_NONE; i = entries[i].next)
    if (entries[i].name_length == member_length
        && memcmp (entries[i].name, member, member_length) == 0)
      found = i;
  if (found == FLAT_NONE)
    {
      memset (out, 0, sizeof *out);
      out->type = VAL_ABSENT;
      return;
    }
  val_from_entry (object->flat, found, out);
}

static guint
val_length (const Val *array)
{
  if (array->flat == NULL)
    return json_array_get_length (array->array);
  return g_array_index (array->flat->entries, FlatEntry, array->index).n_children;
}

/* Walks the elements of a list in order. */
typedef struct
{
  const Val *array;
  guint i;
  guint next; /* flat: the next entry */
} ValIter;

static void
val_iter_init (ValIter   *iter,
               const Val *array)
{
  iter->array = array;
  iter->i = 0;
  iter->next = array->flat != NULL
               ? g_array_index (array->flat->entries, FlatEntry, array->index).first_child
               : FLAT_NONE;
}

static gboolean
val_iter_next (ValIter *iter,
               Val     *out)
{
  const Val *array = iter->array;

  if (array->flat == NULL)
    {
      if (iter->i >= json_array_get_length (array->array))
        return FALSE;
      val_from_node (json_array_get_element (array->array, iter->i++), out);
      return TRUE;
    }
  if (iter->next == FLAT_NONE)
    return FALSE;
  val_from_entry (array->flat, iter->next, out);
  iter->next = g_array_index (array->flat->entries, FlatEntry, iter->next).next;
  iter->i++;
  return TRUE;
}

/* Reading ---------------------------------------------------------------- */

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
             const Val          *object,
             const char         *member,
             gboolean            required,
             guint               max_chars,
             char              **out,
             GError            **error)
{
  Val value;

  val_member (object, member, &value);
  /* This runs for every field of every synced record: one member lookup
   * and one type test, the same checks as techo_json_get_string. */
  if (value.type == VAL_ABSENT || value.type == VAL_NULL)
    {
      if (required)
        {
          set_field_error (error, ctx, "the field “%s” is missing", member);
          return FALSE;
        }
      return TRUE;
    }
  if (value.type != VAL_STRING)
    {
      set_field_error (error, ctx, "the field “%s” is not text", member);
      return FALSE;
    }
  if (required && value.length == 0)
    {
      set_field_error (error, ctx, "the field “%s” is empty", member);
      return FALSE;
    }
  /* A UTF-8 text has no more characters than bytes: count them only
   * when the bytes alone are over the limit. Neither path lets a NUL into
   * a string, so the length in bytes is the C string's. */
  if (value.length > max_chars
      && g_utf8_strlen (value.string, (gssize) value.length) > (glong) max_chars)
    {
      set_field_error (error, ctx, "the field “%s” is longer than %u characters",
                       member, max_chars);
      return FALSE;
    }
  g_free (*out);
  *out = g_strndup (value.string, value.length);
  return TRUE;
}

static gboolean
read_date (const ReadContext  *ctx,
           const Val          *object,
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
             const Val           *object,
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

/* An optional object member; a present non-object is an error. *@out is
 * VAL_OBJECT when there is one. */
static gboolean
read_sub_object (const ReadContext  *ctx,
                 const Val          *object,
                 const char         *member,
                 Val                *out,
                 GError            **error)
{
  val_member (object, member, out);
  if (out->type == VAL_ABSENT || out->type == VAL_NULL)
    return TRUE;
  if (out->type != VAL_OBJECT)
    {
      set_field_error (error, ctx, "the field “%s” is not an object", member);
      return FALSE;
    }
  return TRUE;
}

/* An optional true/false member into *@out (left alone when absent or null). */
static gboolean
read_boolean (const ReadContext  *ctx,
              const Val          *object,
              const char         *member,
              gboolean           *out,
              GError            **error)
{
  Val value;

  val_member (object, member, &value);
  if (value.type == VAL_ABSENT || value.type == VAL_NULL)
    return TRUE;
  if (value.type != VAL_BOOLEAN)
    {
      set_field_error (error, ctx, "the field “%s” is not true or false", member);
      return FALSE;
    }
  *out = value.boolean_value;
  return TRUE;
}

/* Reads id, revision and withdrawn, the members every record has. */
static gboolean
read_identity (ReadContext  *ctx,
               const Val    *object,
               char        **out_id,
               gint64       *out_revision,
               gboolean     *out_withdrawn,
               GError      **error)
{
  Val revision;

  if (!read_string (ctx, object, "id", TRUE, TECHO_RECORD_MAX_ID, out_id, error))
    return FALSE;
  ctx->id = *out_id;

  val_member (object, "revision", &revision);
  if (revision.type == VAL_ABSENT)
    {
      set_field_error (error, ctx, "the field “revision” is missing");
      return FALSE;
    }
  if (revision.type != VAL_INT || revision.int_value < 1)
    {
      set_field_error (error, ctx, "the field “revision” is not a positive whole number");
      return FALSE;
    }
  *out_revision = revision.int_value;

  *out_withdrawn = FALSE;
  return read_boolean (ctx, object, "withdrawn", out_withdrawn, error);
}

static TechoItem *
read_item (const ReadContext  *ctx,
           const Val          *object,
           guint               index,
           GError            **error)
{
  g_autoptr(TechoItem) item = techo_item_new ();
  g_autofree char *type = NULL;
  g_autofree char *where = g_strdup_printf ("item %u", index + 1);
  static const char * const types[] = { "PQ", "CO", "CD", "ST", NULL };
  gboolean not_performed = FALSE;
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

  if (!read_boolean (&item_ctx, object, "not_performed", &not_performed, error))
    return NULL;
  item->not_performed = not_performed;

  if (!not_performed
      && !read_string (&item_ctx, object, "value", TRUE, TECHO_RECORD_MAX_TEXT,
                       &item->value, error))
    return NULL;
  return g_steal_pointer (&item);
}

static gboolean
read_items (const ReadContext  *ctx,
            const Val          *object,
            gboolean            required,
            GPtrArray          *items,
            GError            **error)
{
  Val array;
  Val element;
  ValIter iter;
  guint length;

  val_member (object, "items", &array);
  if (array.type == VAL_ABSENT || array.type == VAL_NULL)
    {
      if (required)
        {
          set_field_error (error, ctx, "the field “items” is missing");
          return FALSE;
        }
      return TRUE;
    }
  if (array.type != VAL_ARRAY)
    {
      set_field_error (error, ctx, "the field “items” is not a list");
      return FALSE;
    }
  length = val_length (&array);
  if (length > TECHO_RECORD_MAX_ITEMS)
    {
      set_field_error (error, ctx, "it has %u items, more than the %u allowed",
                       length, TECHO_RECORD_MAX_ITEMS);
      return FALSE;
    }
  val_iter_init (&iter, &array);
  while (val_iter_next (&iter, &element))
    {
      guint i = iter.i - 1;
      TechoItem *item;

      if (element.type != VAL_OBJECT)
        {
          set_field_error (error, ctx, "item %u is not an object", i + 1);
          return FALSE;
        }
      item = read_item (ctx, &element, i, error);
      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }
  return TRUE;
}

static TechoCheckup *
checkup_from_val (const Val  *object,
                  GError    **error)
{
  g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
  ReadContext ctx = { "checkup", NULL, NULL };
  Val institution;

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
  if (institution.type == VAL_OBJECT
      && (!read_string (&ctx, &institution, "code", FALSE, 16,
                        &checkup->institution_code, error)
          || !read_string (&ctx, &institution, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &checkup->institution_name, error)))
    {
      return NULL;
    }
  return g_steal_pointer (&checkup);
}

static TechoDispensing *
dispensing_from_val (const Val  *object,
                     GError    **error)
{
  g_autoptr(TechoDispensing) d = techo_dispensing_new ();
  ReadContext ctx = { "medication", NULL, NULL };
  static const char * const sources[] = { "claims", "dispensing", "prescription", NULL };
  static const char * const settings[] = { "outpatient", "inpatient", NULL };
  Val pharmacy;
  Val prescriber;
  Val quantity;
  gint64 days = 0;
  Val days_value;

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
  if (pharmacy.type == VAL_OBJECT
      && (!read_string (&ctx, &pharmacy, "code", FALSE, 16, &d->pharmacy_code, error)
          || !read_string (&ctx, &pharmacy, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &d->pharmacy_name, error)))
    {
      return NULL;
    }
  ctx.where = "“prescriber”";
  if (prescriber.type == VAL_OBJECT
      && (!read_string (&ctx, &prescriber, "code", FALSE, 16, &d->prescriber_code, error)
          || !read_string (&ctx, &prescriber, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &d->prescriber_name, error)
          || !read_string (&ctx, &prescriber, "department", FALSE, 64,
                           &d->prescriber_department, error)))
    {
      return NULL;
    }

  ctx.where = NULL;
  val_member (object, "quantity", &quantity);
  if (quantity.type == VAL_INT)
    d->quantity = (double) quantity.int_value;
  else if (quantity.type == VAL_DOUBLE)
    d->quantity = quantity.double_value;
  if (quantity.type != VAL_ABSENT
      && ((quantity.type != VAL_INT && quantity.type != VAL_DOUBLE)
          || !isfinite (d->quantity) || d->quantity < 0 || d->quantity > 1e7))
    {
      set_field_error (error, &ctx, "the field “quantity” is not a sensible amount");
      return NULL;
    }
  val_member (object, "days", &days_value);
  if (days_value.type == VAL_INT)
    days = days_value.int_value;
  if (days_value.type != VAL_ABSENT
      && (days_value.type != VAL_INT || days < 0 || days > 10000))
    {
      set_field_error (error, &ctx, "the field “days” is not a whole number of days");
      return NULL;
    }
  d->days = (int) days;
  return g_steal_pointer (&d);
}

static TechoScreening *
screening_from_val (const Val  *object,
                    GError    **error)
{
  g_autoptr(TechoScreening) s = techo_screening_new ();
  ReadContext ctx = { "screening", NULL, NULL };
  static const char * const cancers[] = {
    "lung", "breast", "stomach", "cervical", "colorectal", NULL
  };
  static const char * const stages[] = { "primary", "detailed", NULL };
  Val municipality;
  Val followup;

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
  if (municipality.type == VAL_OBJECT
      && (!read_string (&ctx, &municipality, "code", FALSE, 16, &s->municipality_code, error)
          || !read_string (&ctx, &municipality, "name", FALSE, TECHO_RECORD_MAX_NAME,
                           &s->municipality_name, error)))
    {
      return NULL;
    }
  ctx.where = "“followup”";
  if (followup.type == VAL_OBJECT
      && (!read_string (&ctx, &followup, "code", FALSE, 32, &s->followup_code, error)
          || !read_string (&ctx, &followup, "value", FALSE, 8, &s->followup_value, error)
          || !read_string (&ctx, &followup, "display", FALSE, TECHO_RECORD_MAX_NAME,
                           &s->followup_display, error)))
    {
      return NULL;
    }
  return g_steal_pointer (&s);
}

TechoCheckup *
techo_checkup_from_json (JsonObject  *object,
                         GError     **error)
{
  Val value;

  g_return_val_if_fail (object != NULL, NULL);
  val_from_object (object, &value);
  return checkup_from_val (&value, error);
}

TechoDispensing *
techo_dispensing_from_json (JsonObject  *object,
                            GError     **error)
{
  Val value;

  g_return_val_if_fail (object != NULL, NULL);
  val_from_object (object, &value);
  return dispensing_from_val (&value, error);
}

TechoScreening *
techo_screening_from_json (JsonObject  *object,
                           GError     **error)
{
  Val value;

  g_return_val_if_fail (object != NULL, NULL);
  val_from_object (object, &value);
  return screening_from_val (&value, error);
}

/* A record of @category from the object @object. */
static gpointer
record_from_val (TechoCategory   category,
                 const Val      *object,
                 GError        **error)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return checkup_from_val (object, error);
    case TECHO_CATEGORY_MEDICATION:
      return dispensing_from_val (object, error);
    case TECHO_CATEGORY_SCREENING:
    default:
      return screening_from_val (object, error);
    }
}

static GPtrArray *
new_record_array (TechoCategory category,
                  guint         reserve)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return g_ptr_array_new_full (reserve, (GDestroyNotify) techo_checkup_free);
    case TECHO_CATEGORY_MEDICATION:
      return g_ptr_array_new_full (reserve, (GDestroyNotify) techo_dispensing_free);
    case TECHO_CATEGORY_SCREENING:
    default:
      return g_ptr_array_new_full (reserve, (GDestroyNotify) techo_screening_free);
    }
}

static void
set_too_many_records (GError        **error,
                      TechoCategory   category,
                      guint           length,
                      guint           max_records)
{
  g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_MANY,
               "The list holds %u %s records, more than the %u allowed",
               length, techo_category_to_string (category), max_records);
}

static void
set_not_a_record (GError        **error,
                  TechoCategory   category,
                  guint           index)
{
  g_set_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
               "Element %u of the %s list is not a record object",
               index + 1, techo_category_to_string (category));
}

TechoProfile *
techo_profile_from_json (JsonObject  *json,
                         GError     **error)
{
  g_autoptr(TechoProfile) p = techo_profile_new ();
  Val object_value;
  const Val *object = &object_value;
  ReadContext ctx = { "profile", NULL, NULL };
  static const char * const sexes[] = { "male", "female", NULL };

  g_return_val_if_fail (json != NULL, NULL);
  val_from_object (json, &object_value);

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
  Val object_value;

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
  val_from_object (object, &object_value);
  if (!read_string (&ctx, &object_value, "consent_expires_at", FALSE, 64, &expires_at, error))
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
      set_too_many_records (error, category, length, max_records);
      return NULL;
    }

  records = new_record_array (category, length);
  for (guint i = 0; i < length; i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      Val object;
      gpointer record;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          set_not_a_record (error, category, i);
          return NULL;
        }
      val_from_object (json_node_get_object (element), &object);
      record = record_from_val (category, &object, error);
      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

/* Pages ------------------------------------------------------------------ */

TechoRecordsPage *
techo_records_page_new (TechoCategory category)
{
  TechoRecordsPage *page = g_new0 (TechoRecordsPage, 1);

  page->category = category;
  return page;
}

void
techo_records_page_free (TechoRecordsPage *page)
{
  if (page == NULL)
    return;
  g_free (page->page_category);
  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_clear_error (&page->records_error);
  g_free (page->next_cursor);
  g_free (page);
}

TechoRecordsPage *
techo_records_page_from_object (JsonObject    *object,
                                TechoCategory  category,
                                guint          max_records)
{
  g_autoptr(TechoRecordsPage) page = techo_records_page_new (category);
  JsonArray *records;
  JsonNode *next;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (category < TECHO_N_CATEGORIES, NULL);

  page->page_category = g_strdup (techo_json_get_string (object, "category"));
  records = techo_json_get_array (object, "records");
  if (records != NULL)
    {
      page->has_records = TRUE;
      page->n_records = json_array_get_length (records);
      page->records = techo_records_from_json_array (category, records, max_records,
                                                     &page->records_error);
    }
  next = json_object_get_member (object, "next_cursor");
  if (next != NULL && !JSON_NODE_HOLDS_NULL (next))
    {
      page->has_next_cursor = TRUE;
      page->next_cursor = g_strdup (techo_json_get_string (object, "next_cursor"));
    }
  return g_steal_pointer (&page);
}

/* Keeps the text of the current STRING or MEMBER token for the record
 * being read: borrowed text lives as long as the data, decoded text is
 * copied into the store. */
static const char *
flat_keep_string (TechoJsonReader *reader,
                  FlatStore       *store,
                  gsize           *out_length)
{
  gboolean borrowed;
  const char *text = techo_json_reader_get_string (reader, out_length, &borrowed);

  if (borrowed)
    return text;
  return g_string_chunk_insert_len (store->strings, text, (gssize) *out_length);
}

/* Reads the value whose first token is @token into the store; returns its
 * entry's index, or FLAT_NONE with @error set. The nesting is bounded by
 * the reader's depth limit. */
static guint
flat_read_value (TechoJsonReader  *reader,
                 FlatStore        *store,
                 TechoJsonToken    token,
                 GError          **error)
{
  FlatEntry entry = { 0 };
  guint index;
  guint last = FLAT_NONE;

  entry.first_child = FLAT_NONE;
  entry.next = FLAT_NONE;
  switch (token)
    {
    case TECHO_JSON_TOKEN_STRING:
      entry.type = VAL_STRING;
      entry.string = flat_keep_string (reader, store, &entry.length);
      break;
    case TECHO_JSON_TOKEN_INT:
      entry.type = VAL_INT;
      entry.int_value = techo_json_reader_get_int (reader);
      break;
    case TECHO_JSON_TOKEN_DOUBLE:
      entry.type = VAL_DOUBLE;
      entry.double_value = techo_json_reader_get_double (reader);
      break;
    case TECHO_JSON_TOKEN_BOOLEAN:
      entry.type = VAL_BOOLEAN;
      entry.boolean_value = techo_json_reader_get_boolean (reader);
      break;
    case TECHO_JSON_TOKEN_NULL:
      entry.type = VAL_NULL;
      break;
    case TECHO_JSON_TOKEN_BEGIN_OBJECT:
      entry.type = VAL_OBJECT;
      break;
    case TECHO_JSON_TOKEN_BEGIN_ARRAY:
      entry.type = VAL_ARRAY;
      break;
    case TECHO_JSON_TOKEN_ERROR:
    default:
      /* The reader has reported the error already (ERROR is the only token
       * that can reach here). */
      return FLAT_NONE;
    }
  index = store->entries->len;
  g_array_append_val (store->entries, entry);
  if (token != TECHO_JSON_TOKEN_BEGIN_OBJECT && token != TECHO_JSON_TOKEN_BEGIN_ARRAY)
    return index;

  for (;;)
    {
      TechoJsonToken next = techo_json_reader_next (reader, error);
      const char *name = NULL;
      gsize name_length = 0;
      guint child;
      FlatEntry *child_entry;

      if (next == TECHO_JSON_TOKEN_ERROR)
        return FLAT_NONE;
      if (next == TECHO_JSON_TOKEN_END_OBJECT || next == TECHO_JSON_TOKEN_END_ARRAY)
        break;
      if (next == TECHO_JSON_TOKEN_MEMBER)
        {
          name = flat_keep_string (reader, store, &name_length);
          next = techo_json_reader_next (reader, error);
        }
      child = flat_read_value (reader, store, next, error);
      if (child == FLAT_NONE)
        return FLAT_NONE;
      child_entry = &g_array_index (store->entries, FlatEntry, child);
      child_entry->name = name;
      child_entry->name_length = name_length;
      if (last == FLAT_NONE)
        g_array_index (store->entries, FlatEntry, index).first_child = child;
      else
        g_array_index (store->entries, FlatEntry, last).next = child;
      g_array_index (store->entries, FlatEntry, index).n_children++;
      last = child;
    }
  return index;
}

/* Reads the page's "records" list, whose '[' the reader has just read. */
static gboolean
read_records_list (TechoJsonReader   *reader,
                   FlatStore         *store,
                   TechoRecordsPage  *page,
                   guint              max_records,
                   GError           **error)
{
  g_autoptr(GPtrArray) records = new_record_array (page->category, 0);
  g_autoptr(GError) first_error = NULL;
  guint n = 0;

  for (;;)
    {
      TechoJsonToken token = techo_json_reader_next (reader, error);

      if (token == TECHO_JSON_TOKEN_ERROR)
        return FALSE;
      if (token == TECHO_JSON_TOKEN_END_ARRAY)
        break;
      /* After the first bad record, or past the most allowed, the rest is
       * only checked to be JSON and counted, as the tree path counts it. */
      if (first_error != NULL || n >= max_records)
        {
          if (!techo_json_reader_skip (reader, token, error))
            return FALSE;
        }
      else if (token != TECHO_JSON_TOKEN_BEGIN_OBJECT)
        {
          set_not_a_record (&first_error, page->category, n);
          if (!techo_json_reader_skip (reader, token, error))
            return FALSE;
        }
      else
        {
          guint index;
          Val object;
          gpointer record;

          g_array_set_size (store->entries, 0);
          g_string_chunk_clear (store->strings);
          index = flat_read_value (reader, store, token, error);
          if (index == FLAT_NONE)
            return FALSE;
          val_from_entry (store, index, &object);
          record = record_from_val (page->category, &object, &first_error);
          if (record != NULL)
            g_ptr_array_add (records, record);
        }
      n++;
    }

  page->has_records = TRUE;
  page->n_records = n;
  if (n > max_records)
    set_too_many_records (&page->records_error, page->category, n, max_records);
  else if (first_error != NULL)
    page->records_error = g_steal_pointer (&first_error);
  else
    page->records = g_steal_pointer (&records);
  return TRUE;
}

static void
flat_store_clear (FlatStore *store)
{
  g_clear_pointer (&store->entries, g_array_unref);
  g_clear_pointer (&store->strings, g_string_chunk_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlatStore, flat_store_clear)

TechoRecordsPage *
techo_records_page_read (const char             *data,
                         gsize                   length,
                         const TechoJsonLimits  *limits,
                         TechoCategory           category,
                         guint                   max_records,
                         GError                **error)
{
  g_auto(TechoJsonReader) reader = { 0 };
  g_auto(FlatStore) store = { 0 };
  g_autoptr(TechoRecordsPage) page = techo_records_page_new (category);
  TechoJsonToken token;

  g_return_val_if_fail (category < TECHO_N_CATEGORIES, NULL);

  techo_json_reader_init (&reader, data, length, limits);
  store.entries = g_array_sized_new (FALSE, FALSE, sizeof (FlatEntry), 64);
  store.strings = g_string_chunk_new (1024);

  token = techo_json_reader_next (&reader, error);
  if (token == TECHO_JSON_TOKEN_ERROR)
    return NULL;
  if (token != TECHO_JSON_TOKEN_BEGIN_OBJECT)
    {
      /* Whether it is JSON at all comes first, as in the tree path. */
      if (!techo_json_reader_skip (&reader, token, error)
          || !techo_json_reader_finish (&reader, error))
        return NULL;
      g_set_error_literal (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_INVALID,
                           "The JSON data is not an object");
      return NULL;
    }

  for (;;)
    {
      enum { OTHER, CATEGORY, RECORDS, NEXT_CURSOR } member = OTHER;
      const char *name;
      gsize name_length;

      token = techo_json_reader_next (&reader, error);
      if (token == TECHO_JSON_TOKEN_ERROR)
        return NULL;
      if (token == TECHO_JSON_TOKEN_END_OBJECT)
        break;
      name = techo_json_reader_get_string (&reader, &name_length, NULL);
      if (name_length == 8 && memcmp (name, "category", 8) == 0)
        member = CATEGORY;
      else if (name_length == 7 && memcmp (name, "records", 7) == 0)
        member = RECORDS;
      else if (name_length == 11 && memcmp (name, "next_cursor", 11) == 0)
        member = NEXT_CURSOR;

      token = techo_json_reader_next (&reader, error);
      if (token == TECHO_JSON_TOKEN_ERROR)
        return NULL;
      /* A repeated member replaces the earlier one, as in json-glib. */
      switch (member)
        {
        case CATEGORY:
          g_clear_pointer (&page->page_category, g_free);
          if (token == TECHO_JSON_TOKEN_STRING)
            {
              gsize text_length;
              const char *text = techo_json_reader_get_string (&reader, &text_length, NULL);

              page->page_category = g_strndup (text, text_length);
            }
          break;
        case NEXT_CURSOR:
          g_clear_pointer (&page->next_cursor, g_free);
          page->has_next_cursor = token != TECHO_JSON_TOKEN_NULL;
          if (token == TECHO_JSON_TOKEN_STRING)
            {
              gsize text_length;
              const char *text = techo_json_reader_get_string (&reader, &text_length, NULL);

              page->next_cursor = g_strndup (text, text_length);
            }
          break;
        case RECORDS:
          page->has_records = FALSE;
          page->n_records = 0;
          g_clear_pointer (&page->records, g_ptr_array_unref);
          g_clear_error (&page->records_error);
          if (token == TECHO_JSON_TOKEN_BEGIN_ARRAY)
            {
              if (!read_records_list (&reader, &store, page, max_records, error))
                return NULL;
              continue;
            }
          break;
        case OTHER:
        default:
          break;
        }
      if (!techo_json_reader_skip (&reader, token, error))
        return NULL;
    }

  if (!techo_json_reader_finish (&reader, error))
    return NULL;
  return g_steal_pointer (&page);
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
