/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox over real HTTP on loopback: the authorization server, the
 * resource API and the demo data, driven as the app and a browser would. */

#include "config.h"

#include <string.h>

#include "techo-cda.h"
#include "techo-json.h"
#include "techo-records-json.h"
#include "techo-test-sandbox.h"

#define FORM "application/x-www-form-urlencoded"
#define REDIRECT "http://127.0.0.1:1/callback"

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  g_assert_nonnull (text);
  object = techo_json_parse_object_bounded (text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  return object;
}

static char *
api (TechoTestSandbox     *sandbox,
     const char           *method,
     const char           *path,
     const char           *bearer,
     const char           *json,
     guint                *out_status,
     SoupMessageHeaders  **out_headers)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), path, NULL);
  char *body = techo_test_sandbox_http (method, url, bearer, "application/json", json,
                                        out_status, out_headers, &error);

  g_assert_no_error (error);
  return body;
}

static char *
post_form (TechoTestSandbox *sandbox,
           const char       *path,
           const char       *form,
           guint            *out_status)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), path, NULL);
  char *body = techo_test_sandbox_http ("POST", url, NULL, FORM, form, out_status, NULL, &error);

  g_assert_no_error (error);
  return body;
}

/* Browses to a code for @citizen with a fresh PKCE pair. */
static char *
get_code (TechoTestSandbox  *sandbox,
          const char        *citizen,
          char             **out_verifier)
{
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autoptr(GError) error = NULL;

  techo_test_sandbox_pkce (out_verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup medication screening profile",
                                          "s-42", challenge, "S256");
  location = techo_test_sandbox_browse (url, citizen, "1234", NULL, TRUE, &error);
  g_assert_no_error (error);
  return techo_test_sandbox_query_param (location, "code");
}

static char *
exchange_form (const char *code,
               const char *verifier)
{
  g_autofree char *c = g_uri_escape_string (code, NULL, FALSE);
  g_autofree char *v = g_uri_escape_string (verifier, NULL, FALSE);

  return g_strdup_printf ("grant_type=authorization_code&code=%s&redirect_uri=%s"
                          "&client_id=techo-desktop&code_verifier=%s",
                          c, "http%3A%2F%2F127.0.0.1%3A1%2Fcallback", v);
}

static void
assert_error_member (const char *body,
                     const char *expected)
{
  g_autoptr(JsonObject) object = parse_object (body);

  g_assert_cmpstr (techo_json_get_string (object, "error"), ==, expected);
  g_assert_nonnull (techo_json_get_string (object, "error_description"));
}

/* request → poll → all pages; returns the concatenated record arrays'
 * JSON pages in @out_pages (for byte comparison) and the records. */
static GPtrArray *
fetch_all (TechoTestSandbox *sandbox,
           const char       *access,
           const char       *category,
           const char       *from,
           const char       *to,
           guint             limit,
           GString          *out_pages)
{
  g_autofree char *body = NULL;
  g_autofree char *request = g_strdup_printf ("{\"category\":\"%s\",\"from\":\"%s\",\"to\":\"%s\"}",
                                              category, from, to);
  g_autoptr(JsonObject) created = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *poll_path = NULL;
  TechoCategory cat;
  const char *process_id;
  guint status = 0;
  guint polls = 0;

  g_assert_true (techo_category_from_string (category, &cat));
  body = api (sandbox, "POST", "/api/v1/requests", access, request, &status, NULL);
  g_assert_cmpuint (status, ==, 202);
  created = parse_object (body);
  g_assert_cmpstr (techo_json_get_string (created, "status"), ==, "PENDING");
  process_id = techo_json_get_string (created, "process_id");
  g_assert_nonnull (process_id);
  poll_path = g_strdup_printf ("/api/v1/requests/%s", process_id);

  for (;;)
    {
      g_autoptr(SoupMessageHeaders) headers = NULL;
      g_autoptr(JsonObject) poll = NULL;
      g_autofree char *poll_body = api (sandbox, "GET", poll_path, access, NULL, &status, &headers);

      g_assert_cmpuint (status, ==, 200);
      poll = parse_object (poll_body);
      polls++;
      if (g_strcmp0 (techo_json_get_string (poll, "status"), "SUCCESS") == 0)
        break;
      g_assert_cmpstr (techo_json_get_string (poll, "status"), ==, "PENDING");
      g_assert_nonnull (soup_message_headers_get_one (headers, "Retry-After"));
      g_assert_cmpuint (polls, <, 5);
    }
  /* The default is one PENDING answer, then SUCCESS. */
  g_assert_cmpuint (polls, ==, 2);

  all = g_ptr_array_new_with_free_func (NULL);
  for (guint pages = 0; ; pages++)
    {
      g_autofree char *path = NULL;
      g_autofree char *page = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(GError) error = NULL;
      GPtrArray *records;
      JsonNode *next;

      g_assert_cmpuint (pages, <, 100000);
      path = cursor != NULL
             ? g_strdup_printf ("%s/result?limit=%u&cursor=%s", poll_path, limit, cursor)
             : g_strdup_printf ("%s/result?limit=%u", poll_path, limit);
      page = api (sandbox, "GET", path, access, NULL, &status, NULL);
      g_assert_cmpuint (status, ==, 200);
      if (out_pages != NULL)
        g_string_append (out_pages, page);
      object = parse_object (page);
      g_assert_cmpstr (techo_json_get_string (object, "category"), ==, category);
      records = techo_records_from_json_array (cat, techo_json_get_array (object, "records"),
                                               limit, &error);
      g_assert_no_error (error);
      g_ptr_array_extend_and_steal (all, records);
      next = json_object_get_member (object, "next_cursor");
      g_assert_nonnull (next);
      g_clear_pointer (&cursor, g_free);
      if (JSON_NODE_HOLDS_NULL (next))
        break;
      cursor = g_strdup (json_node_get_string (next));
    }
  return g_steal_pointer (&all);
}

/* --- Tests -------------------------------------------------------------- */

static void
test_metadata (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  const char *issuer = techo_test_sandbox_get_issuer (sandbox);
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autofree char *expected = NULL;
  guint status = 0;

  g_assert_true (g_str_has_prefix (issuer, "http://127.0.0.1:"));
  a = api (sandbox, "GET", "/.well-known/oauth-authorization-server", NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  b = api (sandbox, "GET", "/.well-known/openid-configuration", NULL, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (a, ==, b);
  object = parse_object (a);
  g_assert_cmpstr (techo_json_get_string (object, "issuer"), ==, issuer);
  expected = g_strconcat (issuer, "/token", NULL);
  g_assert_cmpstr (techo_json_get_string (object, "token_endpoint"), ==, expected);
  g_assert_nonnull (strstr (a, "\"code_challenge_methods_supported\":[\"S256\"]"));
  g_assert_nonnull (strstr (a, "\"authorization_response_iss_parameter_supported\":true"));
  g_assert_nonnull (strstr (a, "\"token_endpoint_auth_methods_supported\":[\"none\"]"));
  g_assert_nonnull (strstr (a, "\"scopes_supported\":[\"checkup\",\"medication\",\"screening\",\"profile\","
                               "\"openid\",\"offline_access\"]"));
  /* An OpenID provider too: keys, userinfo and the signing algorithms. */
  expected = g_strconcat (issuer, "/jwks", NULL);
  g_assert_cmpstr (techo_json_get_string (object, "jwks_uri"), ==, expected);
  g_free (expected);
  expected = g_strconcat (issuer, "/userinfo", NULL);
  g_assert_cmpstr (techo_json_get_string (object, "userinfo_endpoint"), ==, expected);
  g_assert_nonnull (strstr (a, "\"id_token_signing_alg_values_supported\":[\"RS256\",\"ES256\"]"));
}

static void
test_flow (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  const char *issuer = techo_test_sandbox_get_issuer (sandbox);
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  g_autofree char *iss = NULL;
  g_autofree char *state = NULL;
  g_autofree char *form = NULL;
  g_autofree char *body = NULL;
  g_autofree char *me = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autoptr(JsonObject) profile = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;
  gint64 expires_in = 0;

  techo_test_sandbox_pkce (&verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, "http://127.0.0.1:49152/callback",
                                          "checkup medication screening profile",
                                          "xyz-state", challenge, "S256");
  location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (location, "http://127.0.0.1:49152/callback?"));
  code = techo_test_sandbox_query_param (location, "code");
  iss = techo_test_sandbox_query_param (location, "iss");
  state = techo_test_sandbox_query_param (location, "state");
  g_assert_nonnull (code);
  g_assert_cmpuint (strlen (code), >=, 22); /* ≥ 128 bits in base64url */
  g_assert_cmpstr (iss, ==, issuer);
  g_assert_cmpstr (state, ==, "xyz-state");

  /* The token request must name the same redirect URI. */
  form = g_strdup_printf ("grant_type=authorization_code&code=%s&client_id=techo-desktop"
                          "&redirect_uri=http%%3A%%2F%%2F127.0.0.1%%3A49152%%2Fcallback"
                          "&code_verifier=%s", code, verifier);
  body = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 200);
  tokens = parse_object (body);
  g_assert_cmpstr (techo_json_get_string (tokens, "token_type"), ==, "Bearer");
  g_assert_true (techo_json_get_int64 (tokens, "expires_in", &expires_in));
  g_assert_cmpint (expires_in, ==, 300);
  g_assert_cmpstr (techo_json_get_string (tokens, "scope"), ==, "checkup medication screening profile");
  g_assert_cmpuint (strlen (techo_json_get_string (tokens, "access_token")), >=, 22);
  g_assert_cmpuint (strlen (techo_json_get_string (tokens, "refresh_token")), >=, 22);

  me = api (sandbox, "GET", "/api/v1/me", techo_json_get_string (tokens, "access_token"),
            NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  profile = parse_object (me);
  g_assert_cmpstr (techo_json_get_string (profile, "subject"), ==, "sub-yamada");
  g_assert_cmpstr (techo_json_get_string (profile, "name"), ==, "山田 太郎");
  g_assert_cmpstr (techo_json_get_string (profile, "birth_date"), ==, "1968-04-02");
  g_assert_cmpstr (techo_json_get_string (profile, "sex"), ==, "male");
  g_assert_nonnull (strstr (me, "\"granted\":[\"checkup\",\"medication\",\"screening\"]"));
  g_assert_nonnull (techo_json_get_string (profile, "consent_expires_at"));

  /* 17 yearly checkups, read 5 to a page. */
  checkups = fetch_all (sandbox, techo_json_get_string (tokens, "access_token"), "checkup",
                        "190001", "209912", 5, NULL);
  g_assert_cmpuint (checkups->len, ==, 17);
  g_ptr_array_set_free_func (checkups, (GDestroyNotify) techo_checkup_free);
}

static void
test_pkce_rules (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  const char * const cases[][4] = {
    /* state, challenge method, expected error, why */
    { "s", "plain", "invalid_request", "plain" },
    { NULL, "S256", "invalid_request", "missing state" },
    { "s", NULL, "invalid_request", "missing method" },
  };

  techo_test_sandbox_pkce (&verifier, &challenge);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup",
                                                               cases[i][0], challenge, cases[i][1]);
      g_autofree char *location = NULL;
      g_autofree char *error_code = NULL;
      g_autofree char *iss = NULL;
      g_autofree char *state = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("%s", cases[i][3]);
      location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, &error);
      g_assert_no_error (error);
      error_code = techo_test_sandbox_query_param (location, "error");
      iss = techo_test_sandbox_query_param (location, "iss");
      state = techo_test_sandbox_query_param (location, "state");
      g_assert_cmpstr (error_code, ==, cases[i][2]);
      g_assert_cmpstr (iss, ==, techo_test_sandbox_get_issuer (sandbox));
      g_assert_cmpstr (state, ==, cases[i][0]);
      g_assert_null (techo_test_sandbox_query_param (location, "code"));
    }

  /* Missing challenge, unknown scope. */
  {
    g_autofree char *url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup", "s",
                                                             NULL, "S256");
    g_autofree char *location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, NULL);
    g_autofree char *error_code = techo_test_sandbox_query_param (location, "error");

    g_assert_cmpstr (error_code, ==, "invalid_request");
  }
  {
    g_autofree char *url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup email", "s",
                                                             challenge, "S256");
    g_autofree char *location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, NULL);
    g_autofree char *error_code = techo_test_sandbox_query_param (location, "error");

    g_assert_cmpstr (error_code, ==, "invalid_scope");
  }
}

static void
test_wrong_verifier (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *other_verifier = NULL;
  g_autofree char *other_challenge = NULL;
  g_autofree char *code = get_code (sandbox, "sato", &verifier);
  g_autofree char *form = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  techo_test_sandbox_pkce (&other_verifier, &other_challenge);
  form = exchange_form (code, other_verifier);
  body = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_error_member (body, "invalid_grant");
}

static void
test_reused_code (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *code = get_code (sandbox, "sato", &verifier);
  g_autofree char *form = exchange_form (code, verifier);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *me = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  guint status = 0;

  first = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 200);
  tokens = parse_object (first);
  me = api (sandbox, "GET", "/api/v1/me", techo_json_get_string (tokens, "access_token"),
            NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&me, g_free);

  second = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_error_member (second, "invalid_grant");

  /* What the first exchange issued is revoked. */
  me = api (sandbox, "GET", "/api/v1/me", techo_json_get_string (tokens, "access_token"),
            NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 401);
}

static void
test_refresh_rotation (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *form = NULL;
  g_autofree char *body = NULL;
  g_autofree char *again = NULL;
  g_autofree char *third = NULL;
  g_autofree char *me = NULL;
  g_autoptr(JsonObject) rotated = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *newer_form = NULL;
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "suzuki", NULL, &access, &refresh, &error));
  g_assert_no_error (error);

  form = g_strdup_printf ("grant_type=refresh_token&client_id=techo-desktop&refresh_token=%s",
                          refresh);
  body = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 200);
  rotated = parse_object (body);
  g_assert_cmpstr (techo_json_get_string (rotated, "refresh_token"), !=, refresh);
  g_assert_cmpstr (techo_json_get_string (rotated, "access_token"), !=, access);

  /* The rotated-out token comes back: the whole grant is revoked. */
  again = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 400);
  assert_error_member (again, "invalid_grant");

  newer_form = g_strdup_printf ("grant_type=refresh_token&client_id=techo-desktop&refresh_token=%s",
                                techo_json_get_string (rotated, "refresh_token"));
  third = post_form (sandbox, "/token", newer_form, &status);
  g_assert_cmpuint (status, ==, 400);
  me = api (sandbox, "GET", "/api/v1/me", techo_json_get_string (rotated, "access_token"),
            NULL, &status, &headers);
  g_assert_cmpuint (status, ==, 401);
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "WWW-Authenticate"),
                            "error=\"invalid_token\""));
}

static void
test_redirect_refused (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  const char * const bad[] = {
    "http://127.0.0.1:8080/other",
    "http://localhost:8080/callback",
    "https://127.0.0.1/callback",
    "http://127.0.0.1:8080/callback?x=1",
    "http://evil.example/callback",
  };

  techo_test_sandbox_pkce (&verifier, &challenge);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *url = techo_test_sandbox_authorize_url (sandbox, bad[i], "checkup", "s",
                                                               challenge, "S256");
      g_autoptr(GError) error = NULL;
      g_autoptr(SoupMessageHeaders) headers = NULL;
      g_autofree char *body = NULL;
      guint status = 0;

      g_test_message ("%s", bad[i]);
      body = techo_test_sandbox_http ("GET", url, NULL, NULL, NULL, &status, &headers, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (status, ==, 400);
      g_assert_null (soup_message_headers_get_one (headers, "Location"));
      g_assert_nonnull (strstr (body, "<html"));
    }

  /* IPv6 loopback with any port is registered too. */
  {
    g_autofree char *url = techo_test_sandbox_authorize_url (sandbox, "http://[::1]:5000/callback",
                                                             "checkup", "s", challenge, "S256");
    g_autoptr(GError) error = NULL;
    g_autofree char *location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, &error);

    g_assert_no_error (error);
    g_assert_true (g_str_has_prefix (location, "http://[::1]:5000/callback?code="));
  }
}

static void
test_subset_consent (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  const char * const grant[] = { "checkup", NULL };
  g_autofree char *access = NULL;
  g_autofree char *me = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", grant, &access, NULL, &error));
  me = api (sandbox, "GET", "/api/v1/me", access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (strstr (me, "\"granted\":[\"checkup\"]"));

  body = api (sandbox, "POST", "/api/v1/requests", access,
              "{\"category\":\"medication\",\"from\":\"202001\",\"to\":\"202612\"}",
              &status, &headers);
  g_assert_cmpuint (status, ==, 403);
  assert_error_member (body, "insufficient_scope");
  g_assert_nonnull (strstr (soup_message_headers_get_one (headers, "WWW-Authenticate"),
                            "insufficient_scope"));
  g_clear_pointer (&body, g_free);

  body = api (sandbox, "POST", "/api/v1/requests", access,
              "{\"category\":\"checkup\",\"from\":\"202001\",\"to\":\"202612\"}", &status, NULL);
  g_assert_cmpuint (status, ==, 202);
}

static void
test_deny (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  const char * const nothing[] = { NULL };

  techo_test_sandbox_pkce (&verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup medication", "st",
                                          challenge, "S256");
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *location = NULL;
      g_autofree char *error_code = NULL;
      g_autofree char *iss = NULL;
      g_autoptr(GError) error = NULL;

      /* "deny", or "allow" with every box unticked. */
      location = techo_test_sandbox_browse (url, "sato", "1234", i == 0 ? NULL : nothing,
                                            i != 0, &error);
      g_assert_no_error (error);
      error_code = techo_test_sandbox_query_param (location, "error");
      iss = techo_test_sandbox_query_param (location, "iss");
      g_assert_cmpstr (error_code, ==, "access_denied");
      g_assert_cmpstr (iss, ==, techo_test_sandbox_get_issuer (sandbox));
    }
}

static void
test_pin_lock (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;

  techo_test_sandbox_pkce (&verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup", "st", challenge, "S256");
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *location = techo_test_sandbox_browse (url, "suzuki", "9999", NULL, TRUE,
                                                             &error);

      g_assert_null (location);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, i < 2 ? "401" : "403"));
    }
  /* Now even the right PIN is refused, for this card only. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *location = techo_test_sandbox_browse (url, "suzuki", "1234", NULL, TRUE,
                                                           &error);

    g_assert_null (location);
    g_assert_nonnull (strstr (error->message, "403"));
    g_assert_nonnull (strstr (error->message, "ロック"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE,
                                                           &error);

    g_assert_no_error (error);
    g_assert_nonnull (strstr (location, "code="));
  }
}

static void
test_revoke_and_expiry (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--access-ttl=1", NULL);
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *me = NULL;
  g_autofree char *form = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "sato", NULL, &access, &refresh, &error));
  me = api (sandbox, "GET", "/api/v1/me", access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_usleep (1500 * 1000);
  g_clear_pointer (&me, g_free);
  me = api (sandbox, "GET", "/api/v1/me", access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 401);

  /* RFC 7009: revoking ends the grant; the refresh token stops working. */
  form = g_strdup_printf ("token=%s&client_id=techo-desktop", refresh);
  body = post_form (sandbox, "/revoke", form, &status);
  g_assert_cmpuint (status, ==, 200);
  g_clear_pointer (&body, g_free);
  g_clear_pointer (&form, g_free);
  form = g_strdup_printf ("grant_type=refresh_token&client_id=techo-desktop&refresh_token=%s",
                          refresh);
  body = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 400);
  g_clear_pointer (&body, g_free);
  body = post_form (sandbox, "/revoke", "token=unknown&client_id=techo-desktop", &status);
  g_assert_cmpuint (status, ==, 200);
}

static void
test_consent_period (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--consent-seconds=1", NULL);
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *form = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "sato", NULL, &access, &refresh, &error));
  g_usleep (1200 * 1000);
  form = g_strdup_printf ("grant_type=refresh_token&client_id=techo-desktop&refresh_token=%s",
                          refresh);
  body = post_form (sandbox, "/token", form, &status);
  g_assert_cmpuint (status, ==, 400);
  g_assert_nonnull (strstr (body, "consent"));
}

static void
test_bad_requests (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *access = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *big = NULL;
  g_autofree char *deep = NULL;
  const char * const bodies[] = {
    "{\"category\":\"checkup\"",
    "[]",
    "{\"category\":\"dental\"}",
    "{\"category\":\"checkup\",\"from\":\"2024-01\"}",
    "{\"category\":\"checkup\",\"from\":\"202413\"}",
    "{\"category\":\"checkup\",\"from\":\"202402\",\"to\":\"202401\"}",
    "\xff\xfe",
  };
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", NULL, &access, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *body = api (sandbox, "POST", "/api/v1/requests", access, bodies[i],
                                   &status, NULL);

      g_test_message ("body %u", i);
      g_assert_cmpuint (status, ==, 400);
      assert_error_member (body, "invalid_request");
    }

  big = g_strnfill (64 * 1024, ' ');
  {
    g_autofree char *body = api (sandbox, "POST", "/api/v1/requests", access, big, &status, NULL);

    g_assert_cmpuint (status, ==, 413);
  }
  deep = g_strnfill (100000, '[');
  {
    g_autofree char *body = api (sandbox, "POST", "/admin/faults", NULL, "{}", &status, NULL);

    /* The admin endpoint is off without --admin. */
    g_assert_cmpuint (status, ==, 404);
  }
  {
    g_autofree char *text = g_strndup (deep, 10000);
    g_autofree char *body = api (sandbox, "POST", "/api/v1/requests", access, text, &status, NULL);

    g_assert_cmpuint (status, ==, 400);
    g_assert_nonnull (strstr (body, "deeply"));
  }
  {
    g_autofree char *body = api (sandbox, "GET", "/api/v1/me", "not-a-token", NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 401);
  }
  {
    g_autofree char *body = api (sandbox, "GET", "/api/v1/requests/prc-nope/result?limit=5",
                                 access, NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 404);
  }
  {
    g_autofree char *body = post_form (sandbox, "/token", "grant_type=password&client_id=techo-desktop",
                                       &status);

    g_assert_cmpuint (status, ==, 400);
    assert_error_member (body, "unsupported_grant_type");
  }
  {
    g_autofree char *body = post_form (sandbox, "/token", "grant_type=authorization_code&client_id=x",
                                       &status);

    g_assert_cmpuint (status, ==, 401);
    assert_error_member (body, "invalid_client");
  }
  /* Bad limit and cursor on a real result. */
  {
    g_autofree char *created = api (sandbox, "POST", "/api/v1/requests", access,
                                    "{\"category\":\"checkup\",\"from\":\"200001\",\"to\":\"209912\"}",
                                    &status, NULL);
    g_autoptr(JsonObject) object = parse_object (created);
    const char *id = techo_json_get_string (object, "process_id");
    const char * const queries[] = { "limit=0", "limit=1001", "limit=abc", "cursor=zz", "cursor=r999" };
    g_autofree char *poll = g_strdup_printf ("/api/v1/requests/%s", id);
    g_autofree char *early = g_strdup_printf ("/api/v1/requests/%s/result", id);
    g_autofree char *p1 = api (sandbox, "GET", early, access, NULL, &status, NULL);

    /* Not ready yet. */
    g_assert_cmpuint (status, ==, 409);
    g_free (api (sandbox, "GET", poll, access, NULL, &status, NULL));
    g_free (api (sandbox, "GET", poll, access, NULL, &status, NULL));
    for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/requests/%s/result?%s", id, queries[i]);
        g_autofree char *body = api (sandbox, "GET", path, access, NULL, &status, NULL);

        g_test_message ("%s", queries[i]);
        g_assert_cmpuint (status, ==, 400);
      }
  }
}

static void
test_data (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *access = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) meds = NULL;
  g_autoptr(GPtrArray) screenings = NULL;
  gboolean withdrawn = FALSE, dispensing = FALSE, revised = FALSE;
  gboolean from_internist = FALSE, from_ortho = FALSE;
  gboolean positive = FALSE, detailed = FALSE;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "suzuki", NULL, &access, NULL, &error));
  meds = fetch_all (sandbox, access, "medication", "190001", "209912", 1000, NULL);
  g_ptr_array_set_free_func (meds, (GDestroyNotify) techo_dispensing_free);
  g_assert_cmpuint (meds->len, >, 200);
  for (guint i = 0; i < meds->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (meds, i);

      if (d->withdrawn)
        {
          withdrawn = TRUE;
          continue;
        }
      if (g_str_equal (d->source, "dispensing"))
        dispensing = TRUE;
      if (d->revision > 1)
        revised = TRUE;
      /* Claims lag: nothing from the last month before --today. */
      if (g_str_equal (d->source, "claims"))
        g_assert_cmpstr (d->dispensed_on, <, "2026-10-01");
      if (g_strcmp0 (d->yj_code, NULL) != 0 && g_str_has_prefix (d->yj_code, "1149019")
          && g_strcmp0 (d->dispensed_on, "2026-06-01") > 0)
        {
          if (g_str_equal (d->prescriber_department, "内科"))
            from_internist = TRUE;
          if (g_str_equal (d->prescriber_department, "整形外科"))
            from_ortho = TRUE;
        }
    }
  g_assert_true (withdrawn);
  g_assert_true (dispensing);
  g_assert_true (revised);
  g_assert_true (from_internist && from_ortho);

  g_clear_pointer (&access, g_free);
  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", NULL, &access, NULL, &error));
  screenings = fetch_all (sandbox, access, "screening", "190001", "209912", 1000, NULL);
  g_ptr_array_set_free_func (screenings, (GDestroyNotify) techo_screening_free);
  for (guint i = 0; i < screenings->len; i++)
    {
      TechoScreening *s = g_ptr_array_index (screenings, i);

      if (g_str_equal (s->cancer, "stomach") && g_strcmp0 (s->followup_value, "2") == 0)
        positive = TRUE;
      if (g_str_equal (s->cancer, "stomach") && g_str_equal (s->stage, "detailed"))
        detailed = TRUE;
    }
  g_assert_true (positive);
  g_assert_true (detailed);
}

static void
test_determinism (void)
{
  g_autoptr(GString) first = g_string_new (NULL);
  g_autoptr(GString) second = g_string_new (NULL);
  g_autoptr(GString) other_seed = g_string_new (NULL);

  for (guint run = 0; run < 3; run++)
    {
      g_autoptr(TechoTestSandbox) sandbox =
        techo_test_sandbox_new (run == 2 ? "--seed=2" : "--seed=7", NULL);
      g_autofree char *access = NULL;
      g_autoptr(GError) error = NULL;
      GString *pages = run == 0 ? first : run == 1 ? second : other_seed;
      GPtrArray *records;

      g_assert_true (techo_test_sandbox_sign_in (sandbox, "sato", NULL, &access, NULL, &error));
      for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
        {
          records = fetch_all (sandbox, access, techo_category_to_string (c), "190001", "209912",
                               7, pages);
          g_ptr_array_set_free_func (records, c == 0 ? (GDestroyNotify) techo_checkup_free
                                              : c == 1 ? (GDestroyNotify) techo_dispensing_free
                                              : (GDestroyNotify) techo_screening_free);
          g_ptr_array_unref (records);
        }
    }
  g_assert_cmpuint (first->len, >, 1000);
  g_assert_true (g_string_equal (first, second));
  g_assert_false (g_string_equal (first, other_seed));
}

static void
test_document (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *access = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  const TechoCheckup *last;
  g_autoptr(TechoCheckup) read_back = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *xml = NULL;
  const char * const only_meds[] = { "medication", NULL };
  guint status = 0;
  guint compared = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", NULL, &access, NULL, &error));
  checkups = fetch_all (sandbox, access, "checkup", "190001", "209912", 100, NULL);
  g_ptr_array_set_free_func (checkups, (GDestroyNotify) techo_checkup_free);
  last = g_ptr_array_index (checkups, checkups->len - 1);
  g_assert_nonnull (last->document);
  xml = api (sandbox, "GET", last->document, access, NULL, &status, &headers);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "application/xml");

  read_back = techo_cda_read_checkup (xml, strlen (xml), &patient, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read_back->performed_on, ==, last->performed_on);
  g_assert_cmpstr (patient->birth_date, ==, "1968-04-02");
  for (guint i = 0; i < last->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (last->items, i);
      const TechoItem *other = techo_checkup_find_item (read_back, item->code);

      if (item->type != TECHO_VALUE_PQ)
        continue;
      g_assert_nonnull (other);
      g_assert_cmpstr (other->value, ==, item->value);
      compared++;
    }
  g_assert_cmpuint (compared, >=, 10);

  /* No checkup scope, no document. */
  g_clear_pointer (&access, g_free);
  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", only_meds, &access, NULL, &error));
  g_clear_pointer (&xml, g_free);
  xml = api (sandbox, "GET", last->document, access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 403);
}


/* Moving --today forward only adds to the history: every record seen
 * earlier is still there with the same or a higher revision, and claims
 * published before the pharmacy's e-prescription backfill come back
 * withdrawn next to their dispensing records. */
static void
test_history_grows (void)
{
  g_autoptr(GHashTable) before = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint superseded = 0;

  for (guint run = 0; run < 2; run++)
    {
      g_autoptr(TechoTestSandbox) sandbox =
        techo_test_sandbox_new (run == 0 ? "--today=2025-08-20" : "--today=2025-09-10", NULL);
      g_autofree char *access = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) meds = NULL;
      g_autoptr(GHashTable) after = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_true (techo_test_sandbox_sign_in (sandbox, "suzuki", NULL, &access, NULL, &error));
      meds = fetch_all (sandbox, access, "medication", "190001", "209912", 1000, NULL);
      g_ptr_array_set_free_func (meds, (GDestroyNotify) techo_dispensing_free);
      for (guint i = 0; i < meds->len; i++)
        {
          TechoDispensing *d = g_ptr_array_index (meds, i);

          if (run == 0)
            {
              g_assert_false (d->withdrawn);
              g_hash_table_insert (before, g_strdup (d->id), GINT_TO_POINTER ((int) d->revision));
            }
          else
            g_hash_table_insert (after, d->id, d);
        }
      if (run == 1)
        {
          GHashTableIter iter;
          gpointer key, value;

          g_hash_table_iter_init (&iter, before);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              TechoDispensing *now = g_hash_table_lookup (after, key);

              g_assert_nonnull (now);
              g_assert_cmpint (now->revision, >=, GPOINTER_TO_INT (value));
              if (now->withdrawn)
                superseded++;
            }
        }
    }
  g_assert_cmpuint (superseded, >, 0);
}

/* Sends @request as raw bytes and returns what came back (maybe empty). */
static char *
raw_exchange (TechoTestSandbox *sandbox,
              const char       *request,
              gsize             length,
              gboolean          wait_for_answer)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  GString *answer = g_string_new (NULL);
  char buffer[4096];

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                techo_test_sandbox_get_port (sandbox),
                                                NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             request, length, NULL, NULL, NULL);
  if (wait_for_answer)
    {
      for (;;)
        {
          gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)),
                                          buffer, sizeof buffer, NULL, NULL);

          if (n <= 0 || answer->len > 1024 * 1024)
            break;
          g_string_append_len (answer, buffer, n);
          if (strstr (answer->str, "\r\n\r\n") != NULL
              && (g_str_has_prefix (answer->str, "HTTP/1.1 4") || g_str_has_prefix (answer->str, "HTTP/1.1 5")))
            break;
        }
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return g_string_free (answer, FALSE);
}

static void
assert_alive (TechoTestSandbox *sandbox)
{
  guint status = 0;
  g_autofree char *body = api (sandbox, "GET", "/.well-known/oauth-authorization-server",
                               NULL, NULL, &status, NULL);

  g_assert_cmpuint (status, ==, 200);
  g_assert_nonnull (g_subprocess_get_identifier (techo_test_sandbox_get_process (sandbox)));
}

/* Hostile input of every kind gets an error answer, and the sandbox lives
 * on; so do clients that hang up while an answer is delayed or dripping. */
static void
test_garbage (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autoptr(TechoTestSandbox) slow = techo_test_sandbox_new ("--latency=300", NULL);
  g_autoptr(TechoTestSandbox) drip = techo_test_sandbox_new ("--drip=50", NULL);
  g_autofree char *access = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_query = g_strnfill (20000, 'a');
  g_autofree char *long_bearer = g_strnfill (10000, 'b');
  g_autofree char *huge_header = g_strnfill (200000, 'h');
  g_autoptr(GString) many_fields = g_string_new ("client_id=techo-desktop");
  const char * const forms[] = {
    "grant_type=authorization_code&code=%ZZ&client_id=techo-desktop",
    "grant_type=authorization_code&code=a%00b&client_id=techo-desktop",
    "grant_type=refresh_token&refresh_token=%FF%FE&client_id=techo-desktop",
    "=&&&=&client_id=techo-desktop",
  };
  const char * const paths[] = {
    "/api/v1/requests/../../etc/passwd",
    "/api/v1/checkups/x/document/extra",
    "/api/v1/requests/%00/result",
    "/admin/faults",
    "/authorize/pin",
    "/authorize/consent",
  };
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "yamada", NULL, &access, NULL, &error));

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (many_fields, "&f%u=%u", i, i);
  {
    g_autofree char *body = post_form (sandbox, "/token", many_fields->str, &status);

    g_assert_cmpuint (status, ==, 400);
  }
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autofree char *body = post_form (sandbox, "/token", forms[i], &status);

      g_test_message ("form %u: %u", i, status);
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
    }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *body = api (sandbox, "GET", paths[i], access, NULL, &status, NULL);

      g_test_message ("%s: %u", paths[i], status);
      g_assert_cmpuint (status, >=, 400);
      g_assert_cmpuint (status, <, 500);
    }
  {
    g_autofree char *path = g_strdup_printf ("/authorize?state=%s", long_query);
    g_autofree char *body = api (sandbox, "GET", path, NULL, NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 414);
  }
  {
    g_autofree char *body = api (sandbox, "GET", "/api/v1/me", long_bearer, NULL, &status, NULL);

    g_assert_cmpuint (status, ==, 401);
  }

  /* Raw HTTP that no client library would send. */
  {
    const char *chunked = "POST /token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n\r\n5\r\nab=cd\r\n0\r\n\r\n";
    const char *too_long = "POST /api/v1/requests HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n";
    g_autofree char *a = raw_exchange (sandbox, chunked, strlen (chunked), TRUE);
    g_autofree char *b = raw_exchange (sandbox, too_long, strlen (too_long), TRUE);
    g_autofree char *c = raw_exchange (sandbox, "\x01\x02\x03\r\n\r\n", 7, TRUE);
    g_autofree char *header = g_strdup_printf ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: %s\r\n\r\n",
                                               huge_header);
    g_autofree char *d = raw_exchange (sandbox, header, strlen (header), TRUE);

    g_assert_true (g_str_has_prefix (a, "HTTP/1.1 411"));
    g_assert_true (g_str_has_prefix (b, "HTTP/1.1 413"));
    g_test_message ("junk: %.40s / huge header: %.40s", c, d);
  }
  assert_alive (sandbox);

  /* Hang up while the answer waits or drips. */
  for (guint i = 0; i < 5; i++)
    {
      const char *get = "GET /.well-known/oauth-authorization-server HTTP/1.1\r\nHost: x\r\n\r\n";
      g_autofree char *a = raw_exchange (slow, get, strlen (get), FALSE);
      g_autofree char *b = raw_exchange (drip, get, strlen (get), FALSE);
    }
  g_usleep (500 * 1000);
  assert_alive (slow);
  assert_alive (drip);
}

/* bulk is big enough for the benchmarks: ≥ 50,000 medication lines. */
static void
test_bulk_size (void)
{
  g_autoptr(TechoTestSandbox) sandbox = techo_test_sandbox_new ("--seed=1", NULL);
  g_autofree char *access = NULL;
  g_autofree char *created = NULL;
  g_autofree char *poll_path = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count = 0;
  guint status = 0;

  g_assert_true (techo_test_sandbox_sign_in (sandbox, "bulk", NULL, &access, NULL, &error));
  created = api (sandbox, "POST", "/api/v1/requests", access, "{\"category\":\"medication\"}",
                 &status, NULL);
  g_assert_cmpuint (status, ==, 202);
  object = parse_object (created);
  poll_path = g_strdup_printf ("/api/v1/requests/%s", techo_json_get_string (object, "process_id"));
  g_free (api (sandbox, "GET", poll_path, access, NULL, &status, NULL));
  {
    g_autofree char *done = api (sandbox, "GET", poll_path, access, NULL, &status, NULL);
    g_autoptr(JsonObject) result = parse_object (done);

    g_assert_cmpstr (techo_json_get_string (result, "status"), ==, "SUCCESS");
    g_assert_true (techo_json_get_int64 (result, "record_count", &count));
  }
  g_assert_cmpint (count, >=, 50000);
}

static void
test_help (void)
{
  g_autofree char *binary = g_build_filename (g_getenv ("TECHO_BUILD_ROOT"), "src", "sandbox",
                                              "techo-sandbox", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char * const expected[] = {
    "--port", "--bind", "--seed", "--today", "--bulk-years", "--bulk-dispensings-per-month",
    "--access-ttl", "--consent-days", "--admin", "--latency", "--error-rate", "--throttle-rate",
    "--maintenance", "--truncate-rate", "--malformed-rate", "--drip", "--never-finish",
    "--expire-results", "--fail-request", "yamada", "sato", "suzuki", "bulk", "PIN 1234",
  };

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, binary, "--help", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_test_message ("%s", expected[i]);
      g_assert_nonnull (strstr (out, expected[i]));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sandbox/metadata", test_metadata);
  g_test_add_func ("/sandbox/flow", test_flow);
  g_test_add_func ("/sandbox/pkce-rules", test_pkce_rules);
  g_test_add_func ("/sandbox/wrong-verifier", test_wrong_verifier);
  g_test_add_func ("/sandbox/reused-code", test_reused_code);
  g_test_add_func ("/sandbox/refresh-rotation", test_refresh_rotation);
  g_test_add_func ("/sandbox/redirect-refused", test_redirect_refused);
  g_test_add_func ("/sandbox/subset-consent", test_subset_consent);
  g_test_add_func ("/sandbox/deny", test_deny);
  g_test_add_func ("/sandbox/pin-lock", test_pin_lock);
  g_test_add_func ("/sandbox/revoke-and-expiry", test_revoke_and_expiry);
  g_test_add_func ("/sandbox/consent-period", test_consent_period);
  g_test_add_func ("/sandbox/bad-requests", test_bad_requests);
  g_test_add_func ("/sandbox/data", test_data);
  g_test_add_func ("/sandbox/determinism", test_determinism);
  g_test_add_func ("/sandbox/document", test_document);
  g_test_add_func ("/sandbox/history-grows", test_history_grows);
  g_test_add_func ("/sandbox/garbage", test_garbage);
  g_test_add_func ("/sandbox/bulk-size", test_bulk_size);
  g_test_add_func ("/sandbox/help", test_help);
  return g_test_run ();
}
