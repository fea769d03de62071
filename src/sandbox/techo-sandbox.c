/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sandbox"

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-names.h"
#include "techo-sandbox-private.h"
#include "techo-serve.h"

G_DEFINE_QUARK (techo-sandbox-error-quark, techo_sandbox_error)

typedef enum
{
  FAULT_ERROR = 1,
  FAULT_THROTTLE,
  FAULT_TRUNCATE,
  FAULT_MALFORMED,
} FaultKind;

typedef struct
{
  TechoSandbox *self;
  SoupServerMessage *msg;
  GBytes *body;
  gsize offset;
  guint source_id;
  gulong finished_id;
} Drip;

typedef struct
{
  TechoSandbox *self;
  SoupServerMessage *msg;
  char *path;
  guint64 number;
} Delayed;

static const char * const scope_names[] = {
  "checkup", "medication", "screening", "profile", "openid", "offline_access",
};

static const char * const id_token_fault_names[TECHO_SANDBOX_N_ID_TOKEN_FAULTS] = {
  [TECHO_SANDBOX_ID_TOKEN_OK] = "none",
  [TECHO_SANDBOX_ID_TOKEN_BAD_SIGNATURE] = "bad_signature",
  [TECHO_SANDBOX_ID_TOKEN_WRONG_AUD] = "wrong_aud",
  [TECHO_SANDBOX_ID_TOKEN_SEVERAL_AUD] = "several_aud",
  [TECHO_SANDBOX_ID_TOKEN_WRONG_ISS] = "wrong_iss",
  [TECHO_SANDBOX_ID_TOKEN_EXPIRED] = "expired",
  [TECHO_SANDBOX_ID_TOKEN_IAT_FUTURE] = "iat_future",
  [TECHO_SANDBOX_ID_TOKEN_NO_NONCE] = "no_nonce",
  [TECHO_SANDBOX_ID_TOKEN_REPLAY_NONCE] = "replay_nonce",
  [TECHO_SANDBOX_ID_TOKEN_UNKNOWN_KID] = "unknown_kid",
  [TECHO_SANDBOX_ID_TOKEN_ALG_NONE] = "alg_none",
  [TECHO_SANDBOX_ID_TOKEN_HS256] = "hs256",
  [TECHO_SANDBOX_ID_TOKEN_MISSING] = "missing",
  [TECHO_SANDBOX_ID_TOKEN_USERINFO_OTHER] = "userinfo_other_sub",
};

const char *
techo_sandbox_id_token_fault_to_string (TechoSandboxIdTokenFault fault)
{
  g_return_val_if_fail (fault < TECHO_SANDBOX_N_ID_TOKEN_FAULTS, NULL);
  return id_token_fault_names[fault];
}

gboolean
techo_sandbox_id_token_fault_from_string (const char               *text,
                                          TechoSandboxIdTokenFault *out_fault)
{
  guint i;

  if (!techo_names_lookup (id_token_fault_names, TECHO_SANDBOX_N_ID_TOKEN_FAULTS, text, &i))
    return FALSE;
  *out_fault = (TechoSandboxIdTokenFault) i;
  return TRUE;
}

/* --- Small shared helpers ---------------------------------------------- */

guint
sandbox_scopes_from_string (const char *text,
                            gboolean   *out_unknown)
{
  g_auto(GStrv) words = NULL;
  guint scopes = 0;

  *out_unknown = FALSE;
  if (text == NULL)
    return 0;
  words = g_strsplit (text, " ", 16);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gboolean known = FALSE;

      if (words[i][0] == '\0')
        continue;
      for (guint k = 0; k < G_N_ELEMENTS (scope_names); k++)
        {
          if (g_str_equal (words[i], scope_names[k]))
            {
              scopes |= 1u << k;
              known = TRUE;
            }
        }
      if (!known)
        *out_unknown = TRUE;
    }
  return scopes;
}

char *
sandbox_scopes_to_string (guint scopes)
{
  GString *text = g_string_new (NULL);

  for (guint k = 0; k < G_N_ELEMENTS (scope_names); k++)
    {
      if ((scopes & (1u << k)) == 0)
        continue;
      if (text->len > 0)
        g_string_append_c (text, ' ');
      g_string_append (text, scope_names[k]);
    }
  return g_string_free (text, FALSE);
}

static void
free_pair (gpointer data)
{
  g_strfreev (data);
}

GPtrArray *
sandbox_parse_form (const char *data,
                    gsize       length)
{
  g_autoptr(GPtrArray) form = g_ptr_array_new_with_free_func (free_pair);
  g_autofree char *text = NULL;
  g_auto(GStrv) parts = NULL;

  if (data == NULL)
    return g_steal_pointer (&form);
  if (length > SANDBOX_MAX_BODY || memchr (data, '\0', length) != NULL)
    return NULL;
  text = g_strndup (data, length);
  parts = g_strsplit (text, "&", 65);
  if (g_strv_length (parts) > 64)
    return NULL;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *eq;
      char **pair;
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (parts[i][0] == '\0')
        continue;
      g_strdelimit (parts[i], "+", ' ');
      eq = strchr (parts[i], '=');
      if (eq != NULL)
        *eq = '\0';
      name = g_uri_unescape_string (parts[i], NULL);
      value = g_uri_unescape_string (eq != NULL ? eq + 1 : "", NULL);
      if (name == NULL || value == NULL || strlen (value) > SANDBOX_MAX_PARAM
          || !g_utf8_validate (value, -1, NULL) || !g_utf8_validate (name, -1, NULL))
        return NULL;
      pair = g_new0 (char *, 3);
      pair[0] = g_steal_pointer (&name);
      pair[1] = g_steal_pointer (&value);
      g_ptr_array_add (form, pair);
    }
  return g_steal_pointer (&form);
}

const char *
sandbox_form_get (GPtrArray  *form,
                  const char *name)
{
  for (guint i = 0; form != NULL && i < form->len; i++)
    {
      char **pair = g_ptr_array_index (form, i);

      if (g_str_equal (pair[0], name))
        return pair[1];
    }
  return NULL;
}

void
sandbox_send_json (SoupServerMessage *msg,
                   guint              status,
                   const char        *json)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                    json, strlen (json));
}

void
sandbox_send_error (SoupServerMessage *msg,
                    guint              status,
                    const char        *error,
                    const char        *description)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "error", error);
  techo_json_builder_add_string (builder, "error_description", description);
  json_builder_end_object (builder);
  text = techo_json_builder_to_string (builder);
  sandbox_send_json (msg, status, text);
}

void
sandbox_send_html (SoupServerMessage *msg,
                   guint              status,
                   const char        *title,
                   const char        *body_html)
{
  g_autofree char *escaped_title = g_markup_escape_text (title, -1);
  g_autofree char *page = g_strdup_printf (
    "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<title>%s</title>\n"
    "<style>body{font-family:sans-serif;max-width:36em;margin:2em auto;padding:0 1em}"
    "fieldset{margin:1em 0}.error{color:#c01c28}</style>\n"
    "</head>\n<body>\n<h1>%s</h1>\n%s</body>\n</html>\n",
    escaped_title, escaped_title, body_html);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Frame-Options", "DENY");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY,
                                    page, strlen (page));
}

/* --- Faults ------------------------------------------------------------- */

static double
fault_draw (TechoSandbox *self,
            guint64       number,
            FaultKind     kind)
{
  guint64 z = self->options.data.seed * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)
              + number * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9) + kind;

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  z ^= z >> 31;
  return (z >> 11) * (1.0 / 9007199254740992.0);
}

static void
set_retry_after (SoupServerMessage *msg,
                 guint              seconds)
{
  g_autofree char *text = g_strdup_printf ("%u", seconds);

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", text);
}

static void
drip_free (Drip *drip)
{
  g_clear_handle_id (&drip->source_id, g_source_remove);
  g_clear_signal_handler (&drip->finished_id, drip->msg);
  g_bytes_unref (drip->body);
  g_object_unref (drip->msg);
  g_free (drip);
}

static void
drip_finished_cb (SoupServerMessage *msg,
                  gpointer           user_data)
{
  drip_free (user_data);
}

static gboolean
drip_cb (gpointer user_data)
{
  Drip *drip = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (drip->msg);
  gsize size = g_bytes_get_size (drip->body);
  gsize n = MIN (16, size - drip->offset);

  soup_message_body_append (body, SOUP_MEMORY_COPY,
                            (const char *) g_bytes_get_data (drip->body, NULL) + drip->offset, n);
  drip->offset += n;
  if (drip->offset >= size)
    {
      drip->source_id = 0;
      soup_message_body_complete (body);
      soup_server_message_unpause (drip->msg);
      return G_SOURCE_REMOVE;
    }
  soup_server_message_unpause (drip->msg);
  return G_SOURCE_CONTINUE;
}

/* Resends the answer already set on @msg 16 bytes at a time. */
static void
start_drip (TechoSandbox      *self,
            SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  Drip *drip;

  if (g_bytes_get_size (bytes) == 0)
    return;
  drip = g_new0 (Drip, 1);
  drip->self = self;
  drip->msg = g_object_ref (msg);
  drip->body = g_bytes_ref (bytes);
  soup_message_body_truncate (body);
  soup_message_headers_set_content_length (headers, g_bytes_get_size (bytes));
  drip->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (drip_finished_cb), drip);
  soup_server_message_pause (msg);
  drip->source_id = g_timeout_add (self->faults.drip_ms, drip_cb, drip);
}

/* Writes the status line, the headers with the full Content-Length and
 * half of the body, then closes the connection. */
static void
send_truncated (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *head = NULL;
  GOutputStream *out;
  gsize size = g_bytes_get_size (bytes);

  head = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: %s\r\nContent-Length: %"
                          G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                          soup_server_message_get_status (msg),
                          soup_status_get_phrase (soup_server_message_get_status (msg)),
                          content_type != NULL ? content_type : "application/json",
                          size);
  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  out = g_io_stream_get_output_stream (stream);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL);
  g_output_stream_write_all (out, g_bytes_get_data (bytes, NULL), size / 2, NULL, NULL, NULL);
  g_output_stream_flush (out, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* Spoils a JSON answer so that it no longer parses. */
static void
make_malformed (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  gsize size = g_bytes_get_size (bytes);
  g_autofree char *broken = g_strdup_printf ("%.*s,\"\x01broken:]",
                                             (int) (size * 2 / 3),
                                             (const char *) g_bytes_get_data (bytes, NULL));
  g_autofree char *content_type =
    g_strdup (soup_message_headers_get_content_type (soup_server_message_get_response_headers (msg),
                                                     NULL));

  soup_server_message_set_response (msg, content_type != NULL ? content_type : "application/json",
                                    SOUP_MEMORY_COPY, broken, strlen (broken));
}

/* --- Admin -------------------------------------------------------------- */

static void
send_faults (TechoSandbox      *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  TechoSandboxFaults *f = &self->faults;
  gint64 now = g_get_monotonic_time ();
  gint64 maintenance = f->maintenance_until > now
                       ? (f->maintenance_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC : 0;

  json_builder_begin_object (b);
#define INT(name, value) json_builder_set_member_name (b, name); json_builder_add_int_value (b, value)
#define DBL(name, value) json_builder_set_member_name (b, name); json_builder_add_double_value (b, value)
#define BOOL(name, value) json_builder_set_member_name (b, name); json_builder_add_boolean_value (b, value)
  INT ("latency_ms", f->latency_ms);
  DBL ("error_rate", f->error_rate);
  DBL ("throttle_rate", f->throttle_rate);
  INT ("retry_after", f->retry_after);
  INT ("maintenance_seconds", maintenance);
  DBL ("truncate_rate", f->truncate_rate);
  DBL ("malformed_rate", f->malformed_rate);
  INT ("drip_ms", f->drip_ms);
  BOOL ("never_finish", f->never_finish);
  BOOL ("expire_results", f->expire_results);
  INT ("fail_request", f->fail_request);
  json_builder_set_member_name (b, "id_token_fault");
  json_builder_add_string_value (b, techo_sandbox_id_token_fault_to_string (f->id_token_fault));
  json_builder_set_member_name (b, "id_token_alg");
  json_builder_add_string_value (b, f->id_token_es256 ? "ES256" : "RS256");
  BOOL ("no_profile", f->no_profile);
  BOOL ("crlf_token", f->crlf_token);
  INT ("request_count", (gint64) self->request_count);
  INT ("jwks_requests", (gint64) self->jwks_requests);
  INT ("refreshes", (gint64) self->refreshes);
  INT ("refresh_reuses", (gint64) self->refresh_reuses);
#undef INT
#undef DBL
#undef BOOL
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static gboolean
read_rate (JsonObject  *object,
           const char  *name,
           double      *inout,
           GError     **error)
{
  double value;

  if (!techo_json_has_member (object, name))
    return TRUE;
  if (!techo_json_get_double (object, name, &value) || value < 0 || value > 1)
    {
      g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                   "“%s” must be a number from 0 to 1", name);
      return FALSE;
    }
  *inout = value;
  return TRUE;
}

static gboolean
read_count (JsonObject  *object,
            const char  *name,
            guint        max,
            guint       *inout,
            GError     **error)
{
  gint64 value;

  if (!techo_json_has_member (object, name))
    return TRUE;
  if (!techo_json_get_int64 (object, name, &value) || value < 0 || value > max)
    {
      g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                   "“%s” must be a whole number from 0 to %u", name, max);
      return FALSE;
    }
  *inout = (guint) value;
  return TRUE;
}

static gboolean
read_flag (JsonObject  *object,
           const char  *name,
           gboolean    *inout,
           GError     **error)
{
  if (!techo_json_has_member (object, name))
    return TRUE;
  if (!techo_json_get_boolean (object, name, inout))
    {
      g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                   "“%s” must be true or false", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_id_token_faults (JsonObject          *object,
                      TechoSandboxFaults  *f,
                      GError             **error)
{
  const char *alg = techo_json_get_string (object, "id_token_alg");

  if (techo_json_has_member (object, "id_token_fault") &&
      !techo_sandbox_id_token_fault_from_string (techo_json_get_string (object, "id_token_fault"),
                                                 &f->id_token_fault))
    {
      g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                   "“id_token_fault” must be one of none, bad_signature, wrong_aud, several_aud, "
                   "wrong_iss, expired, iat_future, no_nonce, replay_nonce, unknown_kid, "
                   "alg_none, hs256, missing, userinfo_other_sub");
      return FALSE;
    }
  if (techo_json_has_member (object, "id_token_alg"))
    {
      if (g_strcmp0 (alg, "RS256") != 0 && g_strcmp0 (alg, "ES256") != 0)
        {
          g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                       "“id_token_alg” must be RS256 or ES256");
          return FALSE;
        }
      f->id_token_es256 = g_str_equal (alg, "ES256");
    }
  return TRUE;
}

static void
handle_admin (TechoSandbox      *self,
              SoupServerMessage *msg,
              const char        *path)
{
  const char *method = soup_server_message_get_method (msg);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (!self->options.admin)
    {
      sandbox_send_error (msg, 404, "not_found", "The admin endpoint is off (start with --admin)");
      return;
    }
  if (!G_IS_INET_SOCKET_ADDRESS (remote)
      || !g_inet_address_get_is_loopback (
            g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote))))
    {
      sandbox_send_error (msg, 403, "forbidden", "The admin endpoint answers loopback only");
      return;
    }

  if (g_str_equal (path, "/admin/reset") && g_str_equal (method, "POST"))
    {
      self->faults = self->options.faults;
      self->request_count = 0;
      send_faults (self, msg);
      return;
    }
  if (!g_str_equal (path, "/admin/faults"))
    {
      sandbox_send_error (msg, 404, "not_found", "No such admin endpoint");
      return;
    }
  if (g_str_equal (method, "GET"))
    {
      send_faults (self, msg);
      return;
    }
  if (g_str_equal (method, "POST"))
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = NULL;
      TechoSandboxFaults f = self->faults;
      guint maintenance = G_MAXUINT;
      gboolean reset_count = FALSE;
      gboolean rotate_keys = FALSE;
      TechoJsonLimits limits = { SANDBOX_MAX_BODY, 4 };

      object = techo_json_parse_object_bounded (g_bytes_get_data (bytes, NULL),
                                                g_bytes_get_size (bytes), &limits, &error);
      if (object == NULL
          || !read_count (object, "latency_ms", 600000, &f.latency_ms, &error)
          || !read_rate (object, "error_rate", &f.error_rate, &error)
          || !read_rate (object, "throttle_rate", &f.throttle_rate, &error)
          || !read_count (object, "retry_after", 86400, &f.retry_after, &error)
          || !read_count (object, "maintenance_seconds", 86400, &maintenance, &error)
          || !read_rate (object, "truncate_rate", &f.truncate_rate, &error)
          || !read_rate (object, "malformed_rate", &f.malformed_rate, &error)
          || !read_count (object, "drip_ms", 60000, &f.drip_ms, &error)
          || !read_flag (object, "never_finish", &f.never_finish, &error)
          || !read_flag (object, "expire_results", &f.expire_results, &error)
          || !read_count (object, "fail_request", G_MAXINT32, &f.fail_request, &error)
          || !read_flag (object, "reset_count", &reset_count, &error)
          || !read_flag (object, "rotate_keys", &rotate_keys, &error)
          || !read_flag (object, "no_profile", &f.no_profile, &error)
          || !read_flag (object, "crlf_token", &f.crlf_token, &error)
          || !read_id_token_faults (object, &f, &error))
        {
          sandbox_send_error (msg, 400, "invalid_request", error->message);
          return;
        }
      if (maintenance != G_MAXUINT)
        f.maintenance_until = maintenance > 0
                              ? g_get_monotonic_time () + (gint64) maintenance * G_USEC_PER_SEC
                              : 0;
      self->faults = f;
      if (reset_count)
        {
          self->request_count = 0;
          self->jwks_requests = 0;
          self->refreshes = 0;
          self->refresh_reuses = 0;
        }
      if (rotate_keys)
        sandbox_oauth_rotate_keys (self);
      send_faults (self, msg);
      return;
    }
  sandbox_send_error (msg, 405, "invalid_request", "Use GET or POST");
}

/* --- Dispatch ----------------------------------------------------------- */

static void
dispatch (TechoSandbox      *self,
          SoupServerMessage *msg,
          const char        *path)
{
  if (sandbox_oauth_handle (self, msg, path))
    return;
  if (sandbox_api_handle (self, msg, path))
    return;
  sandbox_send_error (msg, 404, "not_found", "There is nothing at this address");
}

/* The sign-in pages are what a person sees in the browser: faults and the
 * request count leave them alone. */
static gboolean
is_browser_page (const char *path)
{
  return g_str_equal (path, "/authorize") || g_str_has_prefix (path, "/authorize/");
}

static void
serve_with_faults (TechoSandbox      *self,
                   SoupServerMessage *msg,
                   const char        *path,
                   guint64            number)
{
  TechoSandboxFaults *f = &self->faults;
  gint64 now = g_get_monotonic_time ();
  guint status;

  if (f->maintenance_until > now)
    {
      guint left = (guint) ((f->maintenance_until - now + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);

      set_retry_after (msg, MAX (left, 1));
      sandbox_send_error (msg, 503, "temporarily_unavailable",
                          "The portal is down for maintenance");
      return;
    }
  if (f->fail_request > 0 && number == f->fail_request)
    {
      sandbox_send_error (msg, 500, "server_error", "Request failed on purpose (fail_request)");
      return;
    }
  if (fault_draw (self, number, FAULT_ERROR) < f->error_rate)
    {
      sandbox_send_error (msg, 500, "server_error", "Request failed on purpose (error_rate)");
      return;
    }
  if (fault_draw (self, number, FAULT_THROTTLE) < f->throttle_rate)
    {
      set_retry_after (msg, MAX (f->retry_after, 1));
      sandbox_send_error (msg, 429, "too_many_requests", "Too many requests; try again later");
      return;
    }

  dispatch (self, msg, path);

  status = soup_server_message_get_status (msg);
  if (status < 200 || status >= 300)
    return;
  if (fault_draw (self, number, FAULT_MALFORMED) < f->malformed_rate)
    make_malformed (msg);
  if (fault_draw (self, number, FAULT_TRUNCATE) < f->truncate_rate)
    {
      send_truncated (msg);
      return;
    }
  if (f->drip_ms > 0)
    start_drip (self, msg);
}

static gboolean
delayed_cb (gpointer user_data)
{
  Delayed *delayed = user_data;

  serve_with_faults (delayed->self, delayed->msg, delayed->path, delayed->number);
  soup_server_message_unpause (delayed->msg);
  g_object_unref (delayed->msg);
  g_free (delayed->path);
  g_free (delayed);
  return G_SOURCE_REMOVE;
}

static void
log_finished_cb (SoupServerMessage *msg,
                 gpointer           user_data)
{
  /* The path only: queries carry codes and state, never log them. */
  g_message ("%s %s → %u", soup_server_message_get_method (msg),
             g_uri_get_path (soup_server_message_get_uri (msg)),
             soup_server_message_get_status (msg));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  TechoSandbox *self = user_data;
  guint64 number;

  if (self->options.verbose)
    g_signal_connect (msg, "finished", G_CALLBACK (log_finished_cb), NULL);

  if (g_str_has_prefix (path, "/admin/"))
    {
      handle_admin (self, msg, path);
      return;
    }
  if (is_browser_page (path))
    {
      dispatch (self, msg, path);
      return;
    }

  number = ++self->request_count;
  if (self->faults.latency_ms > 0)
    {
      Delayed *delayed = g_new0 (Delayed, 1);

      delayed->self = self;
      delayed->msg = g_object_ref (msg);
      delayed->path = g_strdup (path);
      delayed->number = number;
      soup_server_message_pause (msg);
      g_timeout_add (self->faults.latency_ms, delayed_cb, delayed);
      return;
    }
  serve_with_faults (self, msg, path, number);
}

/* Answers @status with a JSON error on the raw connection and closes it:
 * libsoup would otherwise read (and keep) the whole body first. */
static void
refuse_early (SoupServerMessage *msg,
              guint              status,
              const char        *description)
{
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *body = g_strdup_printf ("{\"error\":\"invalid_request\",\"error_description\":\"%s\"}",
                                           description);
  g_autofree char *answer = g_strdup_printf ("HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                                             "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                             "Connection: close\r\n\r\n%s",
                                             status, soup_status_get_phrase (status),
                                             strlen (body), body);

  stream = soup_server_message_steal_connection (msg);
  if (stream == NULL)
    return;
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), answer, strlen (answer),
                             NULL, NULL, NULL);
  g_io_stream_close (stream, NULL, NULL);
}

/* Refuses bodies over the cap before they are read. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  GUri *uri = soup_server_message_get_uri (msg);
  const char *raw_query = g_uri_get_query (uri);

  if (raw_query != NULL && strlen (raw_query) > 8 * SANDBOX_MAX_PARAM)
    sandbox_send_error (msg, 414, "invalid_request", "The address is too long");
  else if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    refuse_early (msg, 411, "Send a Content-Length");
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH
           && soup_message_headers_get_content_length (headers) > 64 * SANDBOX_MAX_BODY)
    refuse_early (msg, 413, "The request body is too large");
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH
           && soup_message_headers_get_content_length (headers) > SANDBOX_MAX_BODY)
    {
      /* A little over: read and drop it, then answer, so that the client
       * sees the 413 rather than a broken pipe. */
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      sandbox_send_error (msg, 413, "invalid_request", "The request body is too large");
    }
}

/* --- Public API --------------------------------------------------------- */

void
techo_sandbox_options_init (TechoSandboxOptions *options)
{
  memset (options, 0, sizeof *options);
  techo_sandbox_data_options_init (&options->data);
  options->bind_address = g_strdup ("127.0.0.1");
  options->access_ttl = 300;
  options->consent_days = 90;
  options->code_ttl = 60;
  options->result_ttl = 600;
  options->pending_polls = 1;
  options->faults.retry_after = 1;
}

void
techo_sandbox_options_clear (TechoSandboxOptions *options)
{
  g_clear_pointer (&options->bind_address, g_free);
}

TechoSandbox *
techo_sandbox_new (const TechoSandboxOptions  *options,
                   GError                    **error)
{
  g_autoptr(TechoSandbox) self = g_new0 (TechoSandbox, 1);
  g_autoptr(GInetAddress) address = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  GSList *uris;
  int port = 0;

  self->options = *options;
  self->options.bind_address = g_strdup (options->bind_address);
  self->faults = options->faults;
  self->citizens = techo_sandbox_citizens_new (&self->options.data);
  sandbox_oauth_init (self);
  sandbox_api_init (self);

  address = g_inet_address_new_from_string (options->bind_address);
  if (address == NULL)
    {
      g_set_error (error, TECHO_SANDBOX_ERROR, TECHO_SANDBOX_ERROR_OPTIONS,
                   "“%s” is not an IP address", options->bind_address);
      return NULL;
    }
  socket_address = g_inet_socket_address_new (address, options->port);
  self->server = soup_server_new ("server-header", "techo-sandbox ", NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  if (!soup_server_listen (self->server, socket_address, 0, error))
    {
      g_prefix_error (error, "Could not listen on %s:%u: ", options->bind_address, options->port);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  if (uris != NULL)
    port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  self->issuer = techo_serve_base_url ("http", address, port);
  return g_steal_pointer (&self);
}

const char *
techo_sandbox_get_issuer (TechoSandbox *self)
{
  return self->issuer;
}

void
techo_sandbox_free (TechoSandbox *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  sandbox_api_clear (self);
  sandbox_oauth_clear (self);
  g_clear_pointer (&self->citizens, g_ptr_array_unref);
  g_free (self->issuer);
  techo_sandbox_options_clear (&self->options);
  g_free (self);
}
