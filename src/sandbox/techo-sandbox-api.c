/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The resource API of techo-sandbox (RFC 6750 Bearer): /api/v1/me,
 * request → poll → paged result, and the CDA document of a checkup. */

#define G_LOG_DOMAIN "techo-sandbox"

#include "config.h"

#include <string.h>

#include "techo-cda.h"
#include "techo-json.h"
#include "techo-records-json.h"
#include "techo-secure.h"
#include "techo-sandbox-private.h"

#define MAX_REQUESTS 10000
#define DEFAULT_LIMIT 100
#define MAX_LIMIT 1000

static void
process_request_free (ProcessRequest *request)
{
  g_free (request->id);
  sandbox_grant_unref (request->grant);
  g_clear_pointer (&request->records, g_ptr_array_unref);
  g_free (request);
}

static void
insufficient_scope (SoupServerMessage *msg,
                    const char        *scope)
{
  g_autofree char *header = g_strdup_printf ("Bearer realm=\"techo-sandbox\", "
                                             "error=\"insufficient_scope\", scope=\"%s\"", scope);
  g_autofree char *description = g_strdup_printf ("The user did not grant “%s”", scope);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "WWW-Authenticate", header);
  sandbox_send_error (msg, 403, "insufficient_scope", description);
}

static gboolean
parse_month (const char *text,
             guint      *out_month)
{
  guint64 value;

  if (text == NULL || strlen (text) != 6)
    return FALSE;
  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  value = g_ascii_strtoull (text, NULL, 10);
  if (value % 100 < 1 || value % 100 > 12 || value / 100 < 1900)
    return FALSE;
  *out_month = (guint) value;
  return TRUE;
}

static guint
record_month (TechoCategory category,
              gconstpointer record)
{
  const char *date = techo_sandbox_record_date (category, record);

  /* YYYY-MM-DD → YYYYMM */
  return (guint) (g_ascii_strtoull (date, NULL, 10) * 100
                  + g_ascii_strtoull (date + 5, NULL, 10));
}

static void
handle_me (TechoSandbox      *self,
           SoupServerMessage *msg,
           Grant             *grant)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) expires = NULL;
  g_autofree char *expires_text = NULL;
  g_autofree char *text = NULL;
  const TechoProfile *p = grant->citizen->profile;

  if (self->faults.no_profile)
    {
      sandbox_send_error (msg, 404, "not_found", "There is nothing at this address");
      return;
    }
  if ((grant->scopes & SANDBOX_SCOPE_PROFILE) == 0)
    {
      insufficient_scope (msg, "profile");
      return;
    }
  expires = g_date_time_new_from_unix_utc (grant->consent_expires_real / G_USEC_PER_SEC);
  expires_text = g_date_time_format (expires, "%Y-%m-%dT%H:%M:%SZ");

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "subject", p->subject);
  techo_json_builder_add_string (b, "name", p->name);
  techo_json_builder_add_string (b, "name_kana", p->name_kana);
  techo_json_builder_add_string (b, "birth_date", p->birth_date);
  techo_json_builder_add_string (b, "sex", p->sex);
  techo_json_builder_add_string (b, "insurer_number", p->insurer_number);
  json_builder_set_member_name (b, "granted");
  json_builder_begin_array (b);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    if (grant->scopes & (1u << i))
      json_builder_add_string_value (b, techo_category_to_string (i));
  json_builder_end_array (b);
  techo_json_builder_add_string (b, "consent_expires_at", expires_text);
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static void
purge_requests (TechoSandbox *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();
  gint64 ttl = (gint64) self->options.result_ttl * G_USEC_PER_SEC;

  g_hash_table_iter_init (&iter, self->requests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      ProcessRequest *request = value;

      if (request->finished && now - request->finished_at > ttl + (gint64) 3600 * G_USEC_PER_SEC)
        g_hash_table_iter_remove (&iter);
    }
}

static void
handle_new_request (TechoSandbox      *self,
                    SoupServerMessage *msg,
                    Grant             *grant)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  TechoJsonLimits limits = { SANDBOX_MAX_BODY, 4 };
  const char *category_name, *from, *to;
  TechoCategory category;
  guint from_month = 190001, to_month = 999912;
  g_autofree char *token = NULL;
  ProcessRequest *request;
  GPtrArray *all;

  object = techo_json_parse_object_bounded (g_bytes_get_data (bytes, NULL),
                                            g_bytes_get_size (bytes), &limits, &error);
  if (object == NULL)
    {
      sandbox_send_error (msg, 400, "invalid_request", error->message);
      return;
    }
  category_name = techo_json_get_string (object, "category");
  if (!techo_category_from_string (category_name, &category))
    {
      sandbox_send_error (msg, 400, "invalid_request",
                          "“category” must be checkup, medication or screening");
      return;
    }
  from = techo_json_get_string (object, "from");
  to = techo_json_get_string (object, "to");
  if ((techo_json_has_member (object, "from") && !parse_month (from, &from_month))
      || (techo_json_has_member (object, "to") && !parse_month (to, &to_month))
      || from_month > to_month)
    {
      sandbox_send_error (msg, 400, "invalid_request",
                          "“from” and “to” must be months written YYYYMM, from ≤ to");
      return;
    }
  if ((grant->scopes & (1u << category)) == 0)
    {
      insufficient_scope (msg, category_name);
      return;
    }
  purge_requests (self);
  token = techo_random_token (16, NULL);
  if (g_hash_table_size (self->requests) >= MAX_REQUESTS || token == NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", "60");
      sandbox_send_error (msg, 429, "too_many_requests", "Too many open requests");
      return;
    }

  request = g_new0 (ProcessRequest, 1);
  request->id = g_strconcat ("prc-", token, NULL);
  request->grant = sandbox_grant_ref (grant);
  request->category = category;
  request->from_month = from_month;
  request->to_month = to_month;
  request->records = g_ptr_array_new ();
  techo_sandbox_citizen_ensure (grant->citizen);
  all = grant->citizen->records[category];
  for (guint i = 0; i < all->len; i++)
    {
      gpointer record = g_ptr_array_index (all, i);
      guint month = record_month (category, record);

      if (month >= from_month && month <= to_month)
        g_ptr_array_add (request->records, record);
    }
  g_hash_table_insert (self->requests, request->id, request);

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "process_id", request->id);
  techo_json_builder_add_string (b, "status", "PENDING");
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 202, text);
}

typedef enum
{
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_EXPIRED,
} RequestStatus;

static RequestStatus
request_status (TechoSandbox   *self,
                ProcessRequest *request,
                gboolean        count_poll)
{
  gint64 now = g_get_monotonic_time ();

  if (!request->finished)
    {
      if (self->faults.never_finish)
        return STATUS_PENDING;
      if (count_poll)
        request->polls++;
      if (request->polls <= self->options.pending_polls)
        return STATUS_PENDING;
      request->finished = TRUE;
      request->finished_at = now;
    }
  if (self->faults.expire_results
      || now - request->finished_at > (gint64) self->options.result_ttl * G_USEC_PER_SEC)
    return STATUS_EXPIRED;
  return STATUS_SUCCESS;
}

static ProcessRequest *
lookup_request (TechoSandbox      *self,
                SoupServerMessage *msg,
                Grant             *grant,
                const char        *id)
{
  ProcessRequest *request = g_hash_table_lookup (self->requests, id);

  if (request == NULL || request->grant->citizen != grant->citizen)
    {
      sandbox_send_error (msg, 404, "not_found", "No such request");
      return NULL;
    }
  if ((grant->scopes & (1u << request->category)) == 0)
    {
      insufficient_scope (msg, techo_category_to_string (request->category));
      return NULL;
    }
  return request;
}

static void
handle_poll (TechoSandbox      *self,
             SoupServerMessage *msg,
             Grant             *grant,
             const char        *id)
{
  ProcessRequest *request = lookup_request (self, msg, grant, id);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  RequestStatus status;

  if (request == NULL)
    return;
  status = request_status (self, request, TRUE);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "process_id", request->id);
  switch (status)
    {
    case STATUS_PENDING:
      {
        g_autofree char *retry = g_strdup_printf ("%u", MAX (self->faults.retry_after, 1));

        soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                      "Retry-After", retry);
        techo_json_builder_add_string (b, "status", "PENDING");
      }
      break;
    case STATUS_SUCCESS:
      techo_json_builder_add_string (b, "status", "SUCCESS");
      json_builder_set_member_name (b, "record_count");
      json_builder_add_int_value (b, request->records->len);
      break;
    case STATUS_EXPIRED:
    default:
      techo_json_builder_add_string (b, "status", "EXPIRED");
      techo_json_builder_add_string (b, "error", "The result has expired; make a new request");
      break;
    }
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static gboolean
parse_uint (const char *text,
            guint       max,
            guint      *out)
{
  guint64 value;

  if (text == NULL || *text == '\0' || strlen (text) > 9)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  value = g_ascii_strtoull (text, NULL, 10);
  if (value > max)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static void
handle_result (TechoSandbox      *self,
               SoupServerMessage *msg,
               Grant             *grant,
               const char        *id)
{
  ProcessRequest *request = lookup_request (self, msg, grant, id);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GPtrArray) form = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  const char *cursor, *limit_text;
  guint offset = 0, limit = DEFAULT_LIMIT, end;

  if (request == NULL)
    return;
  switch (request_status (self, request, FALSE))
    {
    case STATUS_PENDING:
      sandbox_send_error (msg, 409, "not_ready", "The request is still being processed");
      return;
    case STATUS_EXPIRED:
      sandbox_send_error (msg, 410, "expired", "The result has expired; make a new request");
      return;
    case STATUS_SUCCESS:
    default:
      break;
    }

  form = sandbox_parse_form (query, query != NULL ? strlen (query) : 0);
  if (form == NULL)
    {
      sandbox_send_error (msg, 400, "invalid_request", "The query is malformed");
      return;
    }
  cursor = sandbox_form_get (form, "cursor");
  limit_text = sandbox_form_get (form, "limit");
  if (limit_text != NULL && (!parse_uint (limit_text, MAX_LIMIT, &limit) || limit < 1))
    {
      sandbox_send_error (msg, 400, "invalid_request", "“limit” must be from 1 to 1000");
      return;
    }
  /* A cursor is "r" and the offset of the next record. */
  if (cursor != NULL
      && (cursor[0] != 'r' || !parse_uint (cursor + 1, request->records->len, &offset)))
    {
      sandbox_send_error (msg, 400, "invalid_request", "The cursor is not one we gave out");
      return;
    }

  end = MIN (request->records->len, offset + limit);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "category", techo_category_to_string (request->category));
  json_builder_set_member_name (b, "records");
  json_builder_begin_array (b);
  for (guint i = offset; i < end; i++)
    techo_record_to_json (request->category, g_ptr_array_index (request->records, i), b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "next_cursor");
  if (end < request->records->len)
    {
      g_autofree char *next = g_strdup_printf ("r%u", end);

      json_builder_add_string_value (b, next);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static void
handle_document (TechoSandbox      *self,
                 SoupServerMessage *msg,
                 Grant             *grant,
                 const char        *id)
{
  const TechoCheckup *checkup;
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  gsize length = 0;

  if ((grant->scopes & (1u << TECHO_CATEGORY_CHECKUP)) == 0)
    {
      insufficient_scope (msg, "checkup");
      return;
    }
  checkup = techo_sandbox_citizen_find_checkup (grant->citizen, id);
  if (checkup == NULL)
    {
      sandbox_send_error (msg, 404, "not_found", "No such checkup");
      return;
    }
  xml = techo_cda_write_checkup (checkup, grant->citizen->profile, &length, &error);
  if (xml == NULL)
    {
      g_warning ("Could not write the CDA of a checkup: %s", error->message);
      sandbox_send_error (msg, 500, "server_error", "The document could not be made");
      return;
    }
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/xml", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&xml), length);
}

gboolean
sandbox_api_handle (TechoSandbox      *self,
                    SoupServerMessage *msg,
                    const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto(GStrv) parts = NULL;
  guint n_parts;
  Grant *grant;

  if (!g_str_has_prefix (path, "/api/v1/"))
    return FALSE;
  grant = sandbox_oauth_authenticate (self, msg);
  if (grant == NULL)
    return TRUE;

  parts = g_strsplit (path + strlen ("/api/v1/"), "/", 5);
  n_parts = g_strv_length (parts);
  for (guint i = 0; i < n_parts; i++)
    {
      if (strlen (parts[i]) > 256)
        {
          sandbox_send_error (msg, 404, "not_found", "There is nothing at this address");
          return TRUE;
        }
    }

  if (n_parts == 1 && g_str_equal (parts[0], "me") && g_str_equal (method, "GET"))
    handle_me (self, msg, grant);
  else if (n_parts == 1 && g_str_equal (parts[0], "requests") && g_str_equal (method, "POST"))
    handle_new_request (self, msg, grant);
  else if (n_parts == 2 && g_str_equal (parts[0], "requests") && g_str_equal (method, "GET"))
    handle_poll (self, msg, grant, parts[1]);
  else if (n_parts == 3 && g_str_equal (parts[0], "requests") && g_str_equal (parts[2], "result")
           && g_str_equal (method, "GET"))
    handle_result (self, msg, grant, parts[1]);
  else if (n_parts == 3 && g_str_equal (parts[0], "checkups")
           && g_str_equal (parts[2], "document") && g_str_equal (method, "GET"))
    handle_document (self, msg, grant, parts[1]);
  else
    sandbox_send_error (msg, 404, "not_found", "There is nothing at this address");
  return TRUE;
}

void
sandbox_api_init (TechoSandbox *self)
{
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) process_request_free);
}

void
sandbox_api_clear (TechoSandbox *self)
{
  g_clear_pointer (&self->requests, g_hash_table_unref);
}
