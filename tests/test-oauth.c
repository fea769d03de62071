/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The parts of sign-in that need no authorization server: PKCE, the state
 * and iss checks, the loopback listener, metadata checks, URL policy. */

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "techo-http.h"
#include "techo-loopback-redirect.h"
#include "techo-oauth.h"

/* base64url of SHA-256, computed the long way round for comparison. */
static char *
reference_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  g_autofree char *b64 = NULL;
  GString *out = g_string_new (NULL);

  g_checksum_update (checksum, (const guchar *) verifier, -1);
  g_checksum_get_digest (checksum, digest, &len);
  b64 = g_base64_encode (digest, len);
  for (const char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        g_string_append_c (out, '-');
      else if (*p == '/')
        g_string_append_c (out, '_');
      else if (*p != '=')
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
test_pkce_pairs (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 1000; i++)
    {
      g_autofree char *verifier = NULL;
      g_autofree char *challenge = NULL;
      g_autofree char *expected = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (techo_pkce_new_pair (&verifier, &challenge, &error));
      g_assert_no_error (error);
      /* 32 bytes → 43 characters of the unreserved set (RFC 7636 §4.1). */
      g_assert_cmpuint (strlen (verifier), ==, 43);
      for (const char *p = verifier; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      expected = reference_challenge (verifier);
      g_assert_cmpstr (challenge, ==, expected);
      g_assert_false (g_hash_table_contains (seen, verifier));
      g_hash_table_add (seen, g_steal_pointer (&verifier));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
}

static void
test_pkce_known_value (void)
{
  /* Computed independently (Python hashlib + base64.urlsafe_b64encode). */
  g_autofree char *challenge = techo_pkce_challenge ("dBjjJiHi1OEaOQVW7AtXTcSEe5-SNhQ3kpf2_W9_YfY");

  g_assert_cmpstr (challenge, ==, "hBoRp-OU6omYOWM5QAbhSGXB7250p99EwsaPfUBrfto");
}

static TechoOAuthMetadata *
test_metadata (gboolean iss_supported)
{
  const char *json_text = iss_supported
    ? "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/authorize\","
      "\"token_endpoint\":\"http://127.0.0.1:9/token\",\"code_challenge_methods_supported\":[\"S256\"],"
      "\"response_types_supported\":[\"code\"],\"authorization_response_iss_parameter_supported\":true}"
    : "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/authorize\","
      "\"token_endpoint\":\"http://127.0.0.1:9/token\"}";
  g_autoptr(GBytes) bytes = g_bytes_new_static (json_text, strlen (json_text));
  g_autoptr(GError) error = NULL;
  TechoOAuthMetadata *metadata = techo_oauth_metadata_parse ("http://127.0.0.1:9", bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (metadata);
  return metadata;
}

static GHashTable *
params_new (const char *first_name,
            ...)
{
  GHashTable *params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  va_list args;
  const char *name = first_name;

  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      g_hash_table_insert (params, g_strdup (name), g_strdup (value));
      name = va_arg (args, const char *);
    }
  va_end (args);
  return params;
}

static void
test_authorization_url (void)
{
  g_autoptr(TechoOAuthMetadata) metadata = test_metadata (TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoAuthAttempt) attempt = techo_auth_attempt_new (metadata, "techo-desktop",
                                                                "checkup medication",
                                                                "http://127.0.0.1:5555/callback",
                                                                &error);
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GHashTable) query = NULL;
  g_autofree char *challenge = NULL;

  g_assert_no_error (error);
  uri = g_uri_parse (techo_auth_attempt_get_url (attempt), G_URI_FLAGS_ENCODED_QUERY, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_path (uri), ==, "/authorize");
  query = soup_form_decode (g_uri_get_query (uri));
  g_assert_cmpstr (g_hash_table_lookup (query, "response_type"), ==, "code");
  g_assert_cmpstr (g_hash_table_lookup (query, "client_id"), ==, "techo-desktop");
  g_assert_cmpstr (g_hash_table_lookup (query, "scope"), ==, "checkup medication");
  g_assert_cmpstr (g_hash_table_lookup (query, "redirect_uri"), ==, "http://127.0.0.1:5555/callback");
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge_method"), ==, "S256");
  g_assert_cmpstr (g_hash_table_lookup (query, "state"), ==, techo_auth_attempt_get_state (attempt));
  challenge = techo_pkce_challenge (techo_auth_attempt_get_verifier (attempt));
  g_assert_cmpstr (g_hash_table_lookup (query, "code_challenge"), ==, challenge);
  /* The verifier itself never travels in the URL. */
  g_assert_null (strstr (techo_auth_attempt_get_url (attempt), techo_auth_attempt_get_verifier (attempt)));
}

static TechoAuthAttempt *
new_attempt (gboolean iss_supported)
{
  g_autoptr(TechoOAuthMetadata) metadata = test_metadata (iss_supported);
  g_autoptr(GError) error = NULL;
  TechoAuthAttempt *attempt = techo_auth_attempt_new (metadata, "techo-desktop", "checkup",
                                                      "http://127.0.0.1:5555/callback", &error);

  g_assert_no_error (error);
  return attempt;
}

static void
test_state_and_iss (void)
{
  struct {
    gboolean iss_supported;
    const char *state;     /* NULL: missing; "=": the right one */
    const char *iss;       /* NULL: missing */
    const char *error;
    int expect;            /* -1 ok, else TechoPortalError */
  } cases[] = {
    { TRUE, "=", "http://127.0.0.1:9", NULL, -1 },
    { TRUE, "=", "http://127.0.0.1:9/", NULL, -1 },
    { TRUE, "wrong-state-wrong-state-wrong-state-wrong", "http://127.0.0.1:9", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, NULL, "http://127.0.0.1:9", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, "", "http://127.0.0.1:9", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, "=", "http://127.0.0.1:10", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, "=", "https://evil.example", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, "=", NULL, NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { FALSE, "=", NULL, NULL, -1 },
    { FALSE, "=", "http://127.0.0.1:10", NULL, TECHO_PORTAL_ERROR_PROTOCOL },
    { TRUE, "=", "http://127.0.0.1:9", "access_denied", TECHO_PORTAL_ERROR_DENIED },
    { TRUE, "=", "http://127.0.0.1:9", "invalid_scope", TECHO_PORTAL_ERROR_PROTOCOL },
    /* An error answer with a wrong state is still a wrong state. */
    { TRUE, "nope", "http://127.0.0.1:9", "access_denied", TECHO_PORTAL_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TechoAuthAttempt) attempt = new_attempt (cases[i].iss_supported);
      g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_autoptr(GError) error = NULL;
      g_autofree char *code = NULL;

      if (cases[i].error == NULL)
        g_hash_table_insert (params, g_strdup ("code"), g_strdup ("the-code"));
      else
        g_hash_table_insert (params, g_strdup ("error"), g_strdup (cases[i].error));
      if (cases[i].state != NULL)
        g_hash_table_insert (params, g_strdup ("state"),
                             g_strdup (g_str_equal (cases[i].state, "=")
                                       ? techo_auth_attempt_get_state (attempt) : cases[i].state));
      if (cases[i].iss != NULL)
        g_hash_table_insert (params, g_strdup ("iss"), g_strdup (cases[i].iss));

      code = techo_auth_attempt_take_code (attempt, params, &error);
      if (cases[i].expect < 0)
        {
          g_assert_no_error (error);
          g_assert_cmpstr (code, ==, "the-code");
        }
      else
        {
          g_test_message ("case %u: %s", i, error != NULL ? error->message : "(no error)");
          g_assert_error (error, TECHO_PORTAL_ERROR, cases[i].expect);
          g_assert_null (code);
        }
    }
}

static void
test_state_replay (void)
{
  g_autoptr(TechoAuthAttempt) attempt = new_attempt (TRUE);
  g_autofree char *state = g_strdup (techo_auth_attempt_get_state (attempt));
  g_autoptr(GHashTable) params = params_new ("code", "c1", "state", state,
                                             "iss", "http://127.0.0.1:9", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = techo_auth_attempt_take_code (attempt, params, &error);
  g_autofree char *second = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, "c1");
  /* The same answer again: the state was one-time. */
  second = techo_auth_attempt_take_code (attempt, params, &error);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  g_assert_null (second);

  /* And a wrong state also uses the attempt up. */
  {
    g_autoptr(TechoAuthAttempt) other = new_attempt (TRUE);
    g_autofree char *good = g_strdup (techo_auth_attempt_get_state (other));
    g_autoptr(GHashTable) bad = params_new ("code", "c2", "state", "x", "iss", "http://127.0.0.1:9", NULL);
    g_autoptr(GHashTable) right = params_new ("code", "c2", "state", good, "iss", "http://127.0.0.1:9", NULL);
    g_autoptr(GError) e1 = NULL;
    g_autoptr(GError) e2 = NULL;
    g_autofree char *c1 = techo_auth_attempt_take_code (other, bad, &e1);
    g_autofree char *c2 = techo_auth_attempt_take_code (other, right, &e2);

    g_assert_null (c1);
    g_assert_null (c2);
    g_assert_error (e2, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  }
}

static void
test_metadata_checks (void)
{
  struct {
    const char *json;
    int expect;
  } cases[] = {
    /* Another issuer's document. */
    { "{\"issuer\":\"http://127.0.0.1:10\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\","
      "\"token_endpoint\":\"http://127.0.0.1:9/t\"}", TECHO_PORTAL_ERROR_PROTOCOL },
    /* No S256. */
    { "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\","
      "\"token_endpoint\":\"http://127.0.0.1:9/t\",\"code_challenge_methods_supported\":[\"plain\"]}",
      TECHO_PORTAL_ERROR_PROTOCOL },
    /* A token endpoint over plain http to another host. */
    { "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\","
      "\"token_endpoint\":\"http://tokens.example/t\"}", TECHO_PORTAL_ERROR_INSECURE },
    /* No token endpoint. */
    { "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\"}",
      TECHO_PORTAL_ERROR_PROTOCOL },
    /* Not JSON, and too deep. */
    { "{\"issuer\":", TECHO_PORTAL_ERROR_PROTOCOL },
    { "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", TECHO_PORTAL_ERROR_PROTOCOL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].json, strlen (cases[i].json));
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoOAuthMetadata) metadata = techo_oauth_metadata_parse ("http://127.0.0.1:9",
                                                                           bytes, &error);

      g_assert_null (metadata);
      g_assert_error (error, TECHO_PORTAL_ERROR, cases[i].expect);
    }
}

static void
test_secure_urls (void)
{
  const char *good[] = { "https://portal.example.jp", "http://127.0.0.1:8443", "http://[::1]:80",
                         "http://localhost:1234/x" };
  const char *bad[] = { "http://portal.example.jp", "http://192.168.1.2:8443", "ftp://127.0.0.1",
                        "not a url", "http://127.0.0.1.evil.example" };
  g_autoptr(SoupSession) session = techo_http_session_new (5);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoOAuthMetadata) metadata = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (techo_http_check_secure_url (good[i], NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (techo_http_check_secure_url (bad[i], NULL));

  /* Discovery refuses before sending anything. */
  metadata = techo_oauth_discover (session, "http://portal.example.jp", NULL, &error);
  g_assert_null (metadata);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_INSECURE);
}

typedef struct
{
  char *url;
  guint status;
  char *body;
} Visit;

static gpointer
visit_thread (gpointer data)
{
  Visit *visit = data;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) message = soup_message_new ("GET", visit->url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);

  visit->status = soup_message_get_status (message);
  if (body != NULL)
    visit->body = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  return NULL;
}

static gboolean
port_accepts (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  return connection != NULL;
}

static void
test_loopback_one_response (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TechoLoopbackRedirect) redirect = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  Visit visit = { 0 };
  GThread *thread;
  guint16 port;

  g_main_context_push_thread_default (context);
  redirect = techo_loopback_redirect_new (&error);
  g_assert_no_error (error);
  port = techo_loopback_redirect_get_port (redirect);
  g_assert_cmpuint (port, >, 0);
  g_assert_true (g_str_has_prefix (techo_loopback_redirect_get_uri (redirect), "http://127.0.0.1:"));
  g_assert_true (g_str_has_suffix (techo_loopback_redirect_get_uri (redirect), "/callback"));

  visit.url = g_strdup_printf ("%s?code=abc&state=s%%20t&iss=http%%3A%%2F%%2F127.0.0.1%%3A9",
                               techo_loopback_redirect_get_uri (redirect));
  thread = g_thread_new ("visit", visit_thread, &visit);
  params = techo_loopback_redirect_wait (redirect, 10, NULL, &error);
  g_thread_join (thread);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (params, "code"), ==, "abc");
  g_assert_cmpstr (g_hash_table_lookup (params, "state"), ==, "s t");
  g_assert_cmpstr (g_hash_table_lookup (params, "iss"), ==, "http://127.0.0.1:9");
  g_assert_cmpuint (visit.status, ==, 200);
  g_assert_nonnull (strstr (visit.body, "Techo"));

  /* Afterwards the port refuses. */
  g_assert_false (port_accepts (port));
  g_main_context_pop_thread_default (context);
  g_free (visit.url);
  g_free (visit.body);
}

static void
test_loopback_timeout_and_cancel (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(TechoLoopbackRedirect) first = NULL;
  g_autoptr(TechoLoopbackRedirect) second = NULL;
  g_autoptr(GHashTable) params = NULL;

  g_main_context_push_thread_default (context);
  first = techo_loopback_redirect_new (&error);
  g_assert_no_error (error);
  g_assert_true (port_accepts (techo_loopback_redirect_get_port (first)));
  params = techo_loopback_redirect_wait (first, 1, NULL, &error);
  g_assert_null (params);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT);
  g_assert_false (port_accepts (techo_loopback_redirect_get_port (first)));
  g_clear_error (&error);

  second = techo_loopback_redirect_new (&error);
  g_assert_no_error (error);
  g_cancellable_cancel (cancellable);
  params = techo_loopback_redirect_wait (second, 10, cancellable, &error);
  g_assert_null (params);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_main_context_pop_thread_default (context);
}

static void
test_loopback_repeated_parameter (void)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(TechoLoopbackRedirect) redirect = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  Visit visit = { 0 };
  GThread *thread;

  g_main_context_push_thread_default (context);
  redirect = techo_loopback_redirect_new (&error);
  g_assert_no_error (error);
  visit.url = g_strdup_printf ("%s?code=a&state=x&state=y", techo_loopback_redirect_get_uri (redirect));
  thread = g_thread_new ("visit", visit_thread, &visit);
  params = techo_loopback_redirect_wait (redirect, 10, NULL, &error);
  g_thread_join (thread);
  g_assert_null (params);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  g_main_context_pop_thread_default (context);
  g_free (visit.url);
  g_free (visit.body);
}

/* A tiny metadata server on its own thread: answers only the paths it is
 * given, so the discovery order can be seen. */
typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *base;
  const char *serve_path;   /* the one well-known path it answers */
  const char *issuer_path;  /* the issuer's path, "" for none */
  GPtrArray *seen;          /* paths requested */
  GMutex lock;
  GCond ready;
  gboolean started;
} MetaServer;

static void
meta_handler (SoupServer        *server,
              SoupServerMessage *message,
              const char        *path,
              GHashTable        *query,
              gpointer           user_data)
{
  MetaServer *meta = user_data;
  g_autofree char *issuer = g_strconcat (meta->base, meta->issuer_path, NULL);
  g_autofree char *body = NULL;

  g_mutex_lock (&meta->lock);
  g_ptr_array_add (meta->seen, g_strdup (path));
  g_mutex_unlock (&meta->lock);
  if (!g_str_equal (path, meta->serve_path))
    {
      soup_server_message_set_status (message, 404, NULL);
      return;
    }
  body = g_strdup_printf ("{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/authorize\","
                          "\"token_endpoint\":\"%s/token\",\"revocation_endpoint\":\"%s/revoke\","
                          "\"code_challenge_methods_supported\":[\"S256\"]}",
                          issuer, issuer, issuer, issuer);
  soup_server_message_set_status (message, 200, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gpointer
meta_thread (gpointer data)
{
  MetaServer *meta = data;
  GSList *uris;
  g_autofree char *uri = NULL;

  g_main_context_push_thread_default (meta->context);
  meta->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (meta->server, NULL, meta_handler, meta, NULL);
  g_assert_true (soup_server_listen_local (meta->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, NULL));
  uris = soup_server_get_uris (meta->server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  meta->base = g_strndup (uri, strlen (uri) - (g_str_has_suffix (uri, "/") ? 1 : 0));
  g_mutex_lock (&meta->lock);
  meta->started = TRUE;
  g_cond_signal (&meta->ready);
  g_mutex_unlock (&meta->lock);
  g_main_loop_run (meta->loop);
  soup_server_disconnect (meta->server);
  g_clear_object (&meta->server);
  g_main_context_pop_thread_default (meta->context);
  return NULL;
}

static void
check_discovery (const char *serve_path,
                 const char *issuer_path,
                 gboolean    expect_ok,
                 const char *first_path)
{
  MetaServer meta = { 0 };
  g_autoptr(SoupSession) session = techo_http_session_new (5);
  g_autoptr(TechoOAuthMetadata) metadata = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  GThread *thread;

  meta.context = g_main_context_new ();
  meta.loop = g_main_loop_new (meta.context, FALSE);
  meta.serve_path = serve_path;
  meta.issuer_path = issuer_path;
  meta.seen = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&meta.lock);
  g_cond_init (&meta.ready);
  thread = g_thread_new ("meta", meta_thread, &meta);
  g_mutex_lock (&meta.lock);
  while (!meta.started)
    g_cond_wait (&meta.ready, &meta.lock);
  g_mutex_unlock (&meta.lock);

  issuer = g_strconcat (meta.base, issuer_path, NULL);
  metadata = techo_oauth_discover (session, issuer, NULL, &error);
  if (expect_ok)
    {
      g_assert_no_error (error);
      g_assert_cmpstr (metadata->issuer, ==, issuer);
      g_assert_true (g_str_has_suffix (metadata->token_endpoint, "/token"));
      g_assert_true (g_str_has_suffix (metadata->revocation_endpoint, "/revoke"));
    }
  else
    {
      g_assert_null (metadata);
      g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
    }
  g_mutex_lock (&meta.lock);
  g_assert_cmpuint (meta.seen->len, >=, 1);
  /* RFC 8414's path is always asked first. */
  g_assert_cmpstr (g_ptr_array_index (meta.seen, 0), ==, first_path);
  g_mutex_unlock (&meta.lock);

  g_main_loop_quit (meta.loop);
  g_main_context_wakeup (meta.context);
  g_thread_join (thread);
  g_main_loop_unref (meta.loop);
  g_main_context_unref (meta.context);
  g_ptr_array_unref (meta.seen);
  g_free (meta.base);
  g_mutex_clear (&meta.lock);
  g_cond_clear (&meta.ready);
}

static void
test_discovery_order (void)
{
  /* RFC 8414 metadata. */
  check_discovery ("/.well-known/oauth-authorization-server", "", TRUE,
                   "/.well-known/oauth-authorization-server");
  /* Only OpenID configuration: the fallback finds it. */
  check_discovery ("/.well-known/openid-configuration", "", TRUE,
                   "/.well-known/oauth-authorization-server");
  /* An issuer with a path: the RFC 8414 suffix goes after the host, the
   * OpenID one after the path. */
  check_discovery ("/.well-known/oauth-authorization-server/tenant/a", "/tenant/a", TRUE,
                   "/.well-known/oauth-authorization-server/tenant/a");
  check_discovery ("/tenant/a/.well-known/openid-configuration", "/tenant/a", TRUE,
                   "/.well-known/oauth-authorization-server/tenant/a");
  /* Neither: a clear error. */
  check_discovery ("/nothing", "", FALSE, "/.well-known/oauth-authorization-server");
}

/* A self-signed certificate for 127.0.0.1 made for this test (valid for
 * 100 years), and its key: a server no trust store knows. */
static const char untrusted_pem[] =
  "-----BEGIN CERTIFICATE-----\n"
  "MIIBkDCCATagAwIBAgIUaCAbfpgYyNnUCqPUo2kZoDJH6D0wCgYIKoZIzj0EAwIw\n"
  "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNTE4MDczM1oYDzIxMjYxMTAx\n"
  "MTgwNzMzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO\n"
  "PQMBBwNCAATQEysnTvfr2HRFvbtqcqQD42BbCCSu46LO/0h/ibJDDdaRjI0Gws0O\n"
  "gd3dgkw+e7XS1jvWdrmasK4wOeEcZF6Eo2QwYjAdBgNVHQ4EFgQUCaK66kSzz9CC\n"
  "HWghNLJLKe8kkCYwHwYDVR0jBBgwFoAUCaK66kSzz9CCHWghNLJLKe8kkCYwDwYD\n"
  "VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0gAMEUC\n"
  "IH/1g1adrCUsrqjiazFWcc5Fwrg4FLLmCSrRQ3RC6AEdAiEAls3AeG+UitlUa4o3\n"
  "XJYdH/bKKZtjSM6vx8zdjCazkPs=\n"
  "-----END CERTIFICATE-----\n"
  "-----BEGIN PRIVATE KEY-----\n"
  "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsniV43QMIgI2r/h+\n"
  "ci+ImP7SigBd59jiRrxu7IsnCfihRANCAATQEysnTvfr2HRFvbtqcqQD42BbCCSu\n"
  "46LO/0h/ibJDDdaRjI0Gws0Ogd3dgkw+e7XS1jvWdrmasK4wOeEcZF6E\n"
  "-----END PRIVATE KEY-----\n"
;

static gpointer
tls_thread (gpointer data)
{
  MetaServer *meta = data;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  g_autofree char *uri = NULL;

  g_main_context_push_thread_default (meta->context);
  certificate = g_tls_certificate_new_from_pem (untrusted_pem, -1, &error);
  g_assert_no_error (error);
  meta->server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (meta->server, NULL, meta_handler, meta, NULL);
  g_assert_true (soup_server_listen_local (meta->server, 0,
                                           SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                                           &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (meta->server);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  meta->base = g_strndup (uri, strlen (uri) - (g_str_has_suffix (uri, "/") ? 1 : 0));
  g_mutex_lock (&meta->lock);
  meta->started = TRUE;
  g_cond_signal (&meta->ready);
  g_mutex_unlock (&meta->lock);
  g_main_loop_run (meta->loop);
  soup_server_disconnect (meta->server);
  g_clear_object (&meta->server);
  g_main_context_pop_thread_default (meta->context);
  return NULL;
}

static void
test_untrusted_certificate (void)
{
  MetaServer meta = { 0 };
  g_autoptr(SoupSession) session = techo_http_session_new (5);
  g_autoptr(TechoOAuthMetadata) metadata = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("no TLS backend");
      return;
    }
  meta.context = g_main_context_new ();
  meta.loop = g_main_loop_new (meta.context, FALSE);
  meta.serve_path = "/.well-known/oauth-authorization-server";
  meta.issuer_path = "";
  meta.seen = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&meta.lock);
  g_cond_init (&meta.ready);
  thread = g_thread_new ("tls", tls_thread, &meta);
  g_mutex_lock (&meta.lock);
  while (!meta.started)
    g_cond_wait (&meta.ready, &meta.lock);
  g_mutex_unlock (&meta.lock);

  g_assert_true (g_str_has_prefix (meta.base, "https://"));
  metadata = techo_oauth_discover (session, meta.base, NULL, &error);
  g_test_message ("%s", error != NULL ? error->message : "(no error)");
  g_assert_null (metadata);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_INSECURE);
  /* Nothing was served: the handshake failed first. */
  g_assert_cmpuint (meta.seen->len, ==, 0);

  g_main_loop_quit (meta.loop);
  g_main_context_wakeup (meta.context);
  g_thread_join (thread);
  g_main_loop_unref (meta.loop);
  g_main_context_unref (meta.context);
  g_ptr_array_unref (meta.seen);
  g_free (meta.base);
  g_mutex_clear (&meta.lock);
  g_cond_clear (&meta.ready);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/oauth/pkce/pairs", test_pkce_pairs);
  g_test_add_func ("/oauth/pkce/known-value", test_pkce_known_value);
  g_test_add_func ("/oauth/authorization-url", test_authorization_url);
  g_test_add_func ("/oauth/state-and-iss", test_state_and_iss);
  g_test_add_func ("/oauth/state-replay", test_state_replay);
  g_test_add_func ("/oauth/metadata-checks", test_metadata_checks);
  g_test_add_func ("/oauth/secure-urls", test_secure_urls);
  g_test_add_func ("/oauth/discovery-order", test_discovery_order);
  g_test_add_func ("/oauth/untrusted-certificate", test_untrusted_certificate);
  g_test_add_func ("/oauth/loopback/one-response", test_loopback_one_response);
  g_test_add_func ("/oauth/loopback/timeout-and-cancel", test_loopback_timeout_and_cancel);
  g_test_add_func ("/oauth/loopback/repeated-parameter", test_loopback_repeated_parameter);

  return g_test_run ();
}
