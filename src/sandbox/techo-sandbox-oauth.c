/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The OAuth 2.0 authorization server of techo-sandbox: RFC 8414 metadata,
 * the authorization code flow with PKCE S256 (RFC 7636) and the iss
 * parameter (RFC 9207), refresh rotation with reuse detection, RFC 7009
 * revocation and RFC 6750 Bearer checks; and an OpenID provider: signed ID
 * tokens (RS256 or ES256, keys made at start), the JWKS, userinfo, and
 * every kind of bad ID token on demand (the id_token_fault switch). */

#define G_LOG_DOMAIN "techo-sandbox"

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-sandbox-private.h"

#define TRANSACTION_TTL (10 * 60 * G_USEC_PER_SEC)
#define MAX_PIN_TRIES 3

typedef struct
{
  char *client_id;
  char *redirect_uri;
  char *state;
  char *challenge;
  char *nonce;
  guint scopes;
  char *citizen;               /* set once the PIN was right */
  gint64 created;
} Transaction;

typedef struct
{
  TechoSandboxCitizen *citizen;
  guint scopes;
  char *client_id;
  char *redirect_uri;
  char *challenge;
  char *nonce;
  gint64 expires;
  gboolean used;
  Grant *issued;               /* the grant its exchange created */
} Code;

static void
transaction_free (Transaction *t)
{
  g_free (t->client_id);
  g_free (t->redirect_uri);
  g_free (t->state);
  g_free (t->challenge);
  g_free (t->nonce);
  g_free (t->citizen);
  g_free (t);
}

static void
code_free (Code *code)
{
  g_free (code->client_id);
  g_free (code->redirect_uri);
  g_free (code->challenge);
  g_free (code->nonce);
  g_clear_pointer (&code->issued, sandbox_grant_unref);
  g_free (code);
}

static void
access_token_free (AccessToken *token)
{
  sandbox_grant_unref (token->grant);
  g_free (token);
}

Grant *
sandbox_grant_ref (Grant *grant)
{
  grant->ref_count++;
  return grant;
}

void
sandbox_grant_unref (Grant *grant)
{
  if (--grant->ref_count > 0)
    return;
  g_free (grant->refresh_token);
  g_free (grant);
}

void
sandbox_grant_revoke (TechoSandbox *self,
                      Grant        *grant)
{
  grant->revoked = TRUE;
}

/* Tokens live in hash tables keyed by the token itself; the wipe on free
 * keeps them out of freed memory. */
static void
token_key_free (gpointer data)
{
  techo_wipe_free (data);
}

/* --- Helpers ------------------------------------------------------------ */

static gint64
consent_period_us (TechoSandbox *self)
{
  if (self->options.consent_seconds > 0)
    return (gint64) self->options.consent_seconds * G_USEC_PER_SEC;
  return (gint64) self->options.consent_days * 24 * 3600 * G_USEC_PER_SEC;
}

static char *
new_token (void)
{
  g_autoptr(GError) error = NULL;
  char *token = techo_random_token (32, &error);

  if (token == NULL)
    g_error ("No random bytes for a token: %s", error->message);
  return token;
}

/* RFC 8252 §7.3: http://127.0.0.1/callback or http://[::1]/callback with
 * any port; everything else must match exactly. */
static gboolean
redirect_uri_allowed (const char *text)
{
  g_autoptr(GUri) uri = NULL;
  const char *host;

  if (text == NULL || strlen (text) > 256)
    return FALSE;
  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  host = g_uri_get_host (uri);
  return g_strcmp0 (g_uri_get_scheme (uri), "http") == 0
         && (g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0)
         && g_uri_get_userinfo (uri) == NULL
         && g_strcmp0 (g_uri_get_path (uri), "/callback") == 0
         && g_uri_get_query (uri) == NULL
         && g_uri_get_fragment (uri) == NULL;
}

static void
append_query (GString    *url,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = g_uri_escape_string (value, NULL, FALSE);
  g_string_append_c (url, strchr (url->str, '?') != NULL ? '&' : '?');
  g_string_append_printf (url, "%s=%s", name, escaped);
}

/* 302 back to the client with code or error, state and iss. */
static void
redirect_to_client (TechoSandbox      *self,
                    SoupServerMessage *msg,
                    const char        *redirect_uri,
                    const char        *code,
                    const char        *error,
                    const char        *description,
                    const char        *state)
{
  g_autoptr(GString) url = g_string_new (redirect_uri);

  append_query (url, "code", code);
  append_query (url, "error", error);
  append_query (url, "error_description", description);
  append_query (url, "state", state);
  append_query (url, "iss", self->issuer);
  soup_server_message_set_redirect (msg, 302, url->str);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Cache-Control", "no-store");
}

static void
error_page (SoupServerMessage *msg,
            guint              status,
            const char        *message)
{
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  g_autofree char *body = g_strdup_printf ("<p class=\"error\">%s</p>\n", escaped);

  sandbox_send_html (msg, status, "エラー / Error", body);
}

static GPtrArray *
read_form_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  return sandbox_parse_form (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* The form an OAuth endpoint (token, revoke) was POSTed, or NULL after
 * answering with the OAuth error (RFC 6749 §5.2) for another method or a
 * bad form. */
static GPtrArray *
read_endpoint_form (SoupServerMessage *msg)
{
  GPtrArray *form;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST"))
    {
      sandbox_send_error (msg, 405, "invalid_request", "Use POST");
      return NULL;
    }
  form = read_form_body (msg);
  if (form == NULL)
    sandbox_send_error (msg, 400, "invalid_request", "The form is malformed or too large");
  return form;
}

static void
purge_expired (TechoSandbox *self)
{
  GHashTableIter iter;
  gpointer value;
  gint64 now = g_get_monotonic_time ();

  g_hash_table_iter_init (&iter, self->transactions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now - ((Transaction *) value)->created > TRANSACTION_TTL)
      g_hash_table_iter_remove (&iter);

  /* Used codes stay a while longer so that a replay can be detected. */
  g_hash_table_iter_init (&iter, self->codes);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now > ((Code *) value)->expires + TRANSACTION_TTL)
      g_hash_table_iter_remove (&iter);

  g_hash_table_iter_init (&iter, self->access_tokens);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now > ((AccessToken *) value)->expires)
      g_hash_table_iter_remove (&iter);
}

/* --- Pages -------------------------------------------------------------- */

static void
sign_in_page (TechoSandbox      *self,
              SoupServerMessage *msg,
              const char        *transaction_id,
              const char        *message,
              guint              status)
{
  g_autoptr(GString) body = g_string_new (NULL);

  g_string_append (body, "<p>マイナンバーカードをカードリーダーに置き、利用者を選んで"
                         "暗証番号（4桁）を入力してください。</p>\n");
  if (message != NULL)
    {
      g_autofree char *escaped = g_markup_escape_text (message, -1);

      g_string_append_printf (body, "<p class=\"error\">%s</p>\n", escaped);
    }
  g_string_append_printf (body,
                          "<form method=\"post\" action=\"/authorize/pin\">\n"
                          "<input type=\"hidden\" name=\"transaction\" value=\"%s\">\n"
                          "<fieldset><legend>カード（デモ利用者）</legend>\n",
                          transaction_id);
  for (guint i = 0; i < self->citizens->len; i++)
    {
      TechoSandboxCitizen *citizen = g_ptr_array_index (self->citizens, i);
      g_autofree char *name = g_markup_escape_text (citizen->profile->name, -1);

      g_string_append_printf (body,
                              "<label><input type=\"radio\" name=\"citizen\" value=\"%s\"%s> "
                              "%s (%s)</label><br>\n",
                              citizen->id, i == 0 ? " checked" : "", name, citizen->id);
    }
  g_string_append (body,
                   "</fieldset>\n"
                   "<label>暗証番号 <input type=\"password\" name=\"pin\" inputmode=\"numeric\" "
                   "maxlength=\"4\" autocomplete=\"off\" required></label>\n"
                   "<p><button type=\"submit\">次へ</button></p>\n</form>\n");
  sandbox_send_html (msg, status, "マイナポータル（サンドボックス）サインイン", body->str);
}

static void
consent_page (TechoSandbox      *self,
              SoupServerMessage *msg,
              const char        *transaction_id,
              Transaction       *t)
{
  static const char * const labels[TECHO_N_CATEGORIES] = {
    "特定健診情報（checkup）", "薬剤情報（medication）", "がん検診情報（screening）",
  };
  g_autoptr(GString) body = g_string_new (NULL);
  TechoSandboxCitizen *citizen = techo_sandbox_citizens_find (self->citizens, t->citizen);
  g_autofree char *name = g_markup_escape_text (citizen->profile->name, -1);
  guint days = self->options.consent_days;

  g_string_append_printf (body,
                          "<p>%s さん、アプリ「%s」が次の情報を取得します。"
                          "提供する情報を選んでください。同意の有効期間は%u日間です。</p>\n"
                          "<form method=\"post\" action=\"/authorize/consent\">\n"
                          "<input type=\"hidden\" name=\"transaction\" value=\"%s\">\n"
                          "<fieldset><legend>提供する情報</legend>\n",
                          name, t->client_id, days, transaction_id);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      if ((t->scopes & (1u << i)) == 0)
        continue;
      g_string_append_printf (body,
                              "<label><input type=\"checkbox\" name=\"scope\" value=\"%s\" "
                              "checked> %s</label><br>\n",
                              techo_category_to_string (i), labels[i]);
    }
  if (t->scopes & SANDBOX_SCOPE_PROFILE)
    g_string_append (body, "<p>基本情報（氏名・生年月日・性別・保険者番号）は常に提供されます。</p>\n");
  g_string_append (body,
                   "</fieldset>\n"
                   "<p><button type=\"submit\" name=\"decision\" value=\"allow\">同意する</button>\n"
                   "<button type=\"submit\" name=\"decision\" value=\"deny\">同意しない</button></p>\n"
                   "</form>\n");
  sandbox_send_html (msg, 200, "情報提供への同意", body->str);
}

/* --- Endpoints ---------------------------------------------------------- */

static void
handle_metadata (TechoSandbox      *self,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autofree char *authorize = g_strconcat (self->issuer, "/authorize", NULL);
  g_autofree char *token = g_strconcat (self->issuer, "/token", NULL);
  g_autofree char *revoke = g_strconcat (self->issuer, "/revoke", NULL);
  g_autofree char *jwks = g_strconcat (self->issuer, "/jwks", NULL);
  g_autofree char *userinfo = g_strconcat (self->issuer, "/userinfo", NULL);
  const char * const scopes[] = {
    "checkup", "medication", "screening", "profile", "openid", "offline_access",
  };

#define STRINGS(name, ...) G_STMT_START {                                    \
    const char * const values[] = { __VA_ARGS__ };                           \
    json_builder_set_member_name (b, name);                                  \
    json_builder_begin_array (b);                                            \
    for (guint i = 0; i < G_N_ELEMENTS (values); i++)                        \
      json_builder_add_string_value (b, values[i]);                          \
    json_builder_end_array (b);                                              \
  } G_STMT_END

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "issuer", self->issuer);
  techo_json_builder_add_string (b, "authorization_endpoint", authorize);
  techo_json_builder_add_string (b, "token_endpoint", token);
  techo_json_builder_add_string (b, "revocation_endpoint", revoke);
  techo_json_builder_add_string (b, "jwks_uri", jwks);
  techo_json_builder_add_string (b, "userinfo_endpoint", userinfo);
  STRINGS ("id_token_signing_alg_values_supported", "RS256", "ES256");
  STRINGS ("subject_types_supported", "public");
  STRINGS ("claims_supported", "sub", "iss", "aud", "exp", "iat", "nonce", "name",
           "name#ja-Kana-JP", "birthdate", "gender");
  STRINGS ("response_types_supported", "code");
  STRINGS ("grant_types_supported", "authorization_code", "refresh_token");
  STRINGS ("code_challenge_methods_supported", "S256");
  STRINGS ("token_endpoint_auth_methods_supported", "none");
  STRINGS ("revocation_endpoint_auth_methods_supported", "none");
  json_builder_set_member_name (b, "scopes_supported");
  json_builder_begin_array (b);
  for (guint i = 0; i < G_N_ELEMENTS (scopes); i++)
    json_builder_add_string_value (b, scopes[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "authorization_response_iss_parameter_supported");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_end_object (b);
#undef STRINGS
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static gboolean
is_pkce_value (const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;

  if (length < 43 || length > 128)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && strchr ("-._~", text[i]) == NULL)
      return FALSE;
  return TRUE;
}

static void
handle_authorize (TechoSandbox      *self,
                  SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autoptr(GPtrArray) form = sandbox_parse_form (query, query != NULL ? strlen (query) : 0);
  const char *client_id, *redirect_uri, *state, *challenge, *method, *scope;
  gboolean unknown_scope = FALSE;
  Transaction *t;
  guint scopes;
  char *id;

  if (!g_str_equal (soup_server_message_get_method (msg), "GET"))
    {
      error_page (msg, 405, "This page is opened with GET.");
      return;
    }
  if (form == NULL)
    {
      error_page (msg, 400, "The sign-in request is malformed or too large.");
      return;
    }
  client_id = sandbox_form_get (form, "client_id");
  redirect_uri = sandbox_form_get (form, "redirect_uri");
  if (g_strcmp0 (client_id, SANDBOX_CLIENT_ID) != 0)
    {
      error_page (msg, 400, "This application is not registered with the portal (unknown client_id).");
      return;
    }
  if (!redirect_uri_allowed (redirect_uri))
    {
      error_page (msg, 400, "The return address (redirect_uri) is not registered for this application.");
      return;
    }

  state = sandbox_form_get (form, "state");
  challenge = sandbox_form_get (form, "code_challenge");
  method = sandbox_form_get (form, "code_challenge_method");
  scope = sandbox_form_get (form, "scope");
  if (g_strcmp0 (sandbox_form_get (form, "response_type"), "code") != 0)
    {
      redirect_to_client (self, msg, redirect_uri, NULL, "unsupported_response_type",
                          "response_type must be code", state);
      return;
    }
  if (state == NULL || *state == '\0')
    {
      redirect_to_client (self, msg, redirect_uri, NULL, "invalid_request",
                          "state is required", NULL);
      return;
    }
  if (challenge == NULL || !is_pkce_value (challenge) || strlen (challenge) != 43)
    {
      redirect_to_client (self, msg, redirect_uri, NULL, "invalid_request",
                          "code_challenge (S256) is required", state);
      return;
    }
  if (g_strcmp0 (method, "S256") != 0)
    {
      redirect_to_client (self, msg, redirect_uri, NULL, "invalid_request",
                          "code_challenge_method must be S256", state);
      return;
    }
  scopes = scope != NULL ? sandbox_scopes_from_string (scope, &unknown_scope) : SANDBOX_ALL_SCOPES;
  if (unknown_scope || scopes == 0)
    {
      redirect_to_client (self, msg, redirect_uri, NULL, "invalid_scope",
                          "scope may hold checkup, medication, screening and profile", state);
      return;
    }

  purge_expired (self);
  if (g_hash_table_size (self->transactions) >= SANDBOX_MAX_TRANSACTIONS)
    {
      error_page (msg, 503, "Too many sign-ins are in progress; try again later.");
      return;
    }
  t = g_new0 (Transaction, 1);
  t->client_id = g_strdup (client_id);
  t->redirect_uri = g_strdup (redirect_uri);
  t->state = g_strdup (state);
  t->challenge = g_strdup (challenge);
  t->nonce = g_strdup (sandbox_form_get (form, "nonce"));
  t->scopes = scopes;
  t->created = g_get_monotonic_time ();
  id = new_token ();
  g_hash_table_insert (self->transactions, id, t);
  sign_in_page (self, msg, id, NULL, 200);
}

static Transaction *
lookup_transaction (TechoSandbox      *self,
                    SoupServerMessage *msg,
                    GPtrArray         *form)
{
  const char *id = sandbox_form_get (form, "transaction");
  Transaction *t = id != NULL ? g_hash_table_lookup (self->transactions, id) : NULL;

  if (t == NULL || g_get_monotonic_time () - t->created > TRANSACTION_TTL)
    {
      error_page (msg, 400, "This sign-in has expired or is unknown. Start again from the application.");
      return NULL;
    }
  return t;
}

static void
handle_pin (TechoSandbox      *self,
            SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) form = read_form_body (msg);
  const char *citizen_id, *pin;
  TechoSandboxCitizen *citizen;
  Transaction *t;
  guint failures;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST") || form == NULL)
    {
      error_page (msg, 400, "The form is malformed.");
      return;
    }
  if ((t = lookup_transaction (self, msg, form)) == NULL)
    return;
  citizen_id = sandbox_form_get (form, "citizen");
  pin = sandbox_form_get (form, "pin");
  citizen = techo_sandbox_citizens_find (self->citizens, citizen_id);
  if (citizen == NULL)
    {
      sign_in_page (self, msg, sandbox_form_get (form, "transaction"),
                    "利用者を選んでください。 / Choose a card.", 400);
      return;
    }
  failures = GPOINTER_TO_UINT (g_hash_table_lookup (self->failed_pins, citizen->id));
  if (failures >= MAX_PIN_TRIES)
    {
      error_page (msg, 403, "このカードは暗証番号の誤りが3回続いたためロックされています。"
                            " / This card is locked after 3 wrong PINs.");
      return;
    }
  if (g_strcmp0 (pin, "1234") != 0)
    {
      g_autofree char *message = NULL;

      failures++;
      g_hash_table_insert (self->failed_pins, g_strdup (citizen->id), GUINT_TO_POINTER (failures));
      if (failures >= MAX_PIN_TRIES)
        {
          error_page (msg, 403, "暗証番号が3回違ったため、このカードはロックされました。"
                                " / Wrong PIN 3 times: this card is now locked.");
          return;
        }
      message = g_strdup_printf ("暗証番号が違います。あと%u回間違えるとロックされます。"
                                 " / Wrong PIN: %u tries left.",
                                 MAX_PIN_TRIES - failures, MAX_PIN_TRIES - failures);
      sign_in_page (self, msg, sandbox_form_get (form, "transaction"), message, 401);
      return;
    }
  g_hash_table_remove (self->failed_pins, citizen->id);
  g_free (t->citizen);
  t->citizen = g_strdup (citizen->id);
  consent_page (self, msg, sandbox_form_get (form, "transaction"), t);
}

static void
handle_consent (TechoSandbox      *self,
                SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) form = read_form_body (msg);
  guint granted = 0;
  Transaction *t;
  Code *code;
  char *code_text;

  if (!g_str_equal (soup_server_message_get_method (msg), "POST") || form == NULL)
    {
      error_page (msg, 400, "The form is malformed.");
      return;
    }
  if ((t = lookup_transaction (self, msg, form)) == NULL)
    return;
  if (t->citizen == NULL)
    {
      error_page (msg, 400, "Sign in with the card first.");
      return;
    }

  for (guint i = 0; i < form->len; i++)
    {
      char **pair = g_ptr_array_index (form, i);
      TechoCategory category;

      if (g_str_equal (pair[0], "scope") && techo_category_from_string (pair[1], &category))
        granted |= 1u << category;
    }
  granted &= t->scopes;
  if (g_strcmp0 (sandbox_form_get (form, "decision"), "allow") != 0
      || (granted == 0 && (t->scopes & ~SANDBOX_SCOPES_NOT_RECORDS) != 0))
    {
      redirect_to_client (self, msg, t->redirect_uri, NULL, "access_denied",
                          "The user did not consent", t->state);
      g_hash_table_remove (self->transactions, sandbox_form_get (form, "transaction"));
      return;
    }
  granted |= t->scopes & SANDBOX_SCOPES_NOT_RECORDS;

  code = g_new0 (Code, 1);
  code->citizen = techo_sandbox_citizens_find (self->citizens, t->citizen);
  code->scopes = granted;
  code->client_id = g_strdup (t->client_id);
  code->redirect_uri = g_strdup (t->redirect_uri);
  code->challenge = g_strdup (t->challenge);
  code->nonce = g_strdup (t->nonce);
  code->expires = g_get_monotonic_time () + (gint64) self->options.code_ttl * G_USEC_PER_SEC;
  code_text = new_token ();
  g_hash_table_insert (self->codes, code_text, code);
  redirect_to_client (self, msg, t->redirect_uri, code_text, NULL, NULL, t->state);
  g_hash_table_remove (self->transactions, sandbox_form_get (form, "transaction"));
}

/* --- OpenID Connect ---------------------------------------------------- */

void
sandbox_oauth_rotate_keys (TechoSandbox *self)
{
  static const uint8_t exponent[] = { 0x01, 0x00, 0x01 };
  cjose_err err = { 0 };
  g_autofree char *rsa_kid = NULL;
  g_autofree char *ec_kid = NULL;
  g_autofree char *rsa_suffix = new_token ();
  g_autofree char *ec_suffix = new_token ();
  cjose_jwk_t *rsa, *ec;

  rsa = cjose_jwk_create_RSA_random (2048, exponent, sizeof exponent, &err);
  ec = cjose_jwk_create_EC_random (CJOSE_JWK_EC_P_256, &err);
  if (rsa == NULL || ec == NULL)
    g_error ("No signing keys: %s", err.message);
  rsa_kid = g_strdup_printf ("rsa-%.8s", rsa_suffix);
  ec_kid = g_strdup_printf ("ec-%.8s", ec_suffix);
  cjose_jwk_set_kid (rsa, rsa_kid, strlen (rsa_kid), &err);
  cjose_jwk_set_kid (ec, ec_kid, strlen (ec_kid), &err);
  g_clear_pointer (&self->rsa_key, cjose_jwk_release);
  g_clear_pointer (&self->ec_key, cjose_jwk_release);
  self->rsa_key = rsa;
  self->ec_key = ec;
}

/* The public half of @key as a JWK object with use and alg. */
static JsonNode *
public_jwk (cjose_jwk_t *key,
            const char  *alg)
{
  cjose_err err = { 0 };
  char *text = cjose_jwk_to_json (key, false, &err);
  JsonNode *node = json_from_string (text, NULL);
  JsonObject *object = json_node_get_object (node);

  json_object_set_string_member (object, "use", "sig");
  json_object_set_string_member (object, "alg", alg);
  free (text);
  return node;
}

static void
handle_jwks (TechoSandbox      *self,
             SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;

  self->jwks_requests++;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_add_value (b, public_jwk (self->rsa_key, "RS256"));
  json_builder_add_value (b, public_jwk (self->ec_key, "ES256"));
  json_builder_end_array (b);
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static char *
b64 (const char *text)
{
  return techo_base64url_encode ((const guint8 *) text, strlen (text));
}

/* The ID token of @grant's sign-in, spoiled as the id_token_fault switch
 * says. */
static char *
sign_id_token (TechoSandbox *self,
               Grant        *grant,
               const char   *nonce)
{
  TechoSandboxIdTokenFault fault = self->faults.id_token_fault;
  cjose_jwk_t *key = self->faults.id_token_es256 ? self->ec_key : self->rsa_key;
  const char *alg = self->faults.id_token_es256 ? "ES256" : "RS256";
  const TechoProfile *p = grant->citizen->profile;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *claims = NULL;
  g_autofree char *kid = g_strdup (cjose_jwk_get_kid (key, NULL));
  g_autofree char *replayed = NULL;
  cjose_err err = { 0 };
  char *token = NULL;

  if (fault == TECHO_SANDBOX_ID_TOKEN_REPLAY_NONCE)
    replayed = self->last_nonce != NULL ? g_strdup (self->last_nonce) : new_token ();
  else if (nonce != NULL)
    {
      g_free (self->last_nonce);
      self->last_nonce = g_strdup (nonce);
    }

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "iss", fault == TECHO_SANDBOX_ID_TOKEN_WRONG_ISS
                                            ? "https://another-issuer.invalid" : self->issuer);
  techo_json_builder_add_string (b, "sub", p->subject);
  json_builder_set_member_name (b, "aud");
  if (fault == TECHO_SANDBOX_ID_TOKEN_SEVERAL_AUD)
    {
      json_builder_begin_array (b);
      json_builder_add_string_value (b, SANDBOX_CLIENT_ID);
      json_builder_add_string_value (b, "another-client");
      json_builder_end_array (b);
    }
  else
    json_builder_add_string_value (b, fault == TECHO_SANDBOX_ID_TOKEN_WRONG_AUD
                                      ? "another-client" : SANDBOX_CLIENT_ID);
  json_builder_set_member_name (b, "exp");
  json_builder_add_int_value (b, fault == TECHO_SANDBOX_ID_TOKEN_EXPIRED ? now - 3600 : now + 300);
  json_builder_set_member_name (b, "iat");
  json_builder_add_int_value (b, fault == TECHO_SANDBOX_ID_TOKEN_EXPIRED ? now - 3900
                                 : fault == TECHO_SANDBOX_ID_TOKEN_IAT_FUTURE ? now + 3600 : now);
  if (replayed != NULL)
    techo_json_builder_add_string (b, "nonce", replayed);
  else if (fault != TECHO_SANDBOX_ID_TOKEN_NO_NONCE)
    techo_json_builder_add_string (b, "nonce", nonce);
  if (grant->scopes & SANDBOX_SCOPE_PROFILE)
    techo_json_builder_add_string (b, "name", p->name);
  json_builder_end_object (b);
  claims = techo_json_builder_to_string (b);

  if (fault == TECHO_SANDBOX_ID_TOKEN_ALG_NONE)
    {
      g_autofree char *header = b64 ("{\"alg\":\"none\",\"typ\":\"JWT\"}");
      g_autofree char *payload = b64 (claims);

      return g_strconcat (header, ".", payload, ".", NULL);
    }
  if (fault == TECHO_SANDBOX_ID_TOKEN_HS256)
    {
      /* The forgery of the key-confusion attack: HMAC keyed with the
       * public key exactly as the JWKS publishes it. */
      g_autoptr(JsonNode) jwk = public_jwk (self->rsa_key, "RS256");
      g_autofree char *secret = techo_json_node_to_string (jwk, FALSE);
      g_autofree char *header_json = g_strdup_printf ("{\"alg\":\"HS256\",\"typ\":\"JWT\","
                                                      "\"kid\":\"%s\"}",
                                                      cjose_jwk_get_kid (self->rsa_key, NULL));
      g_autofree char *header = b64 (header_json);
      g_autofree char *payload = b64 (claims);
      g_autofree char *input = g_strconcat (header, ".", payload, NULL);
      g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, (const guchar *) secret, strlen (secret));
      guint8 digest[32];
      gsize digest_length = sizeof digest;
      g_autofree char *signature = NULL;

      g_hmac_update (hmac, (const guchar *) input, strlen (input));
      g_hmac_get_digest (hmac, digest, &digest_length);
      signature = techo_base64url_encode (digest, digest_length);
      return g_strconcat (input, ".", signature, NULL);
    }

  {
    cjose_header_t *header = cjose_header_new (&err);
    cjose_jws_t *jws;
    const char *compact = NULL;

    if (fault == TECHO_SANDBOX_ID_TOKEN_UNKNOWN_KID)
      {
        g_free (kid);
        kid = g_strdup ("retired-key-0");
      }
    cjose_header_set (header, CJOSE_HDR_ALG, alg, &err);
    cjose_header_set (header, CJOSE_HDR_KID, kid, &err);
    cjose_header_set (header, "typ", "JWT", &err);
    jws = cjose_jws_sign (key, header, (const uint8_t *) claims, strlen (claims), &err);
    if (jws == NULL || !cjose_jws_export (jws, &compact, &err))
      g_error ("Could not sign an ID token: %s", err.message);
    token = g_strdup (compact);
    cjose_jws_release (jws);
    cjose_header_release (header);
  }
  if (fault == TECHO_SANDBOX_ID_TOKEN_BAD_SIGNATURE)
    {
      /* Another signature of the right length: flip its first character. */
      char *signature = strrchr (token, '.') + 1;

      signature[0] = signature[0] == 'A' ? 'B' : 'A';
    }
  return token;
}

static void
handle_userinfo (TechoSandbox      *self,
                 SoupServerMessage *msg)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  const TechoProfile *p;
  Grant *grant;

  grant = sandbox_oauth_authenticate (self, msg);
  if (grant == NULL)
    return;
  if ((grant->scopes & SANDBOX_SCOPE_OPENID) == 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "WWW-Authenticate",
                                    "Bearer realm=\"techo-sandbox\", error=\"insufficient_scope\", "
                                    "scope=\"openid\"");
      sandbox_send_error (msg, 403, "insufficient_scope", "userinfo needs the openid scope");
      return;
    }
  p = grant->citizen->profile;
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "sub", self->faults.id_token_fault == TECHO_SANDBOX_ID_TOKEN_USERINFO_OTHER
                                           ? "someone-else" : p->subject);
  if (grant->scopes & SANDBOX_SCOPE_PROFILE)
    {
      techo_json_builder_add_string (b, "name", p->name);
      techo_json_builder_add_string (b, "name#ja-Kana-JP", p->name_kana);
      techo_json_builder_add_string (b, "birthdate", p->birth_date);
      techo_json_builder_add_string (b, "gender", p->sex);
    }
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
}

static void
send_tokens (TechoSandbox      *self,
             SoupServerMessage *msg,
             Grant             *grant,
             const char        *nonce)
{
  g_autofree char *id_token = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autofree char *scope = sandbox_scopes_to_string (grant->scopes);
  g_auto(TechoSecret) access = new_token ();
  AccessToken *entry = g_new0 (AccessToken, 1);

  entry->grant = sandbox_grant_ref (grant);
  entry->expires = g_get_monotonic_time () + (gint64) self->options.access_ttl * G_USEC_PER_SEC;
  g_hash_table_insert (self->access_tokens, g_strdup (access), entry);

  g_free (grant->refresh_token);
  grant->refresh_token = new_token ();
  g_hash_table_insert (self->refresh_tokens, g_strdup (grant->refresh_token),
                       sandbox_grant_ref (grant));

  json_builder_begin_object (b);
  if (self->faults.crlf_token)
    {
      /* A header injection through the token (the audit's case). */
      g_autofree char *spoiled = g_strconcat (access, "\r\nX-Injected: yes", NULL);

      techo_json_builder_add_string (b, "access_token", spoiled);
    }
  else
    techo_json_builder_add_string (b, "access_token", access);
  techo_json_builder_add_string (b, "token_type", "Bearer");
  json_builder_set_member_name (b, "expires_in");
  json_builder_add_int_value (b, self->options.access_ttl);
  techo_json_builder_add_string (b, "refresh_token", grant->refresh_token);
  techo_json_builder_add_string (b, "scope", scope);
  if ((grant->scopes & SANDBOX_SCOPE_OPENID) &&
      self->faults.id_token_fault != TECHO_SANDBOX_ID_TOKEN_MISSING)
    {
      id_token = sign_id_token (self, grant, nonce);
      techo_json_builder_add_string (b, "id_token", id_token);
    }
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  sandbox_send_json (msg, 200, text);
  techo_wipe (text, strlen (text));
}

static gboolean
verifier_matches (const char *verifier,
                  const char *challenge)
{
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *computed = NULL;

  if (!is_pkce_value (verifier))
    return FALSE;
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_length);
  computed = techo_base64url_encode (digest, digest_length);
  return strlen (computed) == strlen (challenge) && techo_secure_equal (computed, challenge);
}

static void
token_from_code (TechoSandbox      *self,
                 SoupServerMessage *msg,
                 GPtrArray         *form)
{
  const char *code_text = sandbox_form_get (form, "code");
  Code *code = code_text != NULL ? g_hash_table_lookup (self->codes, code_text) : NULL;
  Grant *grant;

  if (code == NULL)
    {
      sandbox_send_error (msg, 400, "invalid_grant", "The code is unknown");
      return;
    }
  if (code->used)
    {
      /* A replayed code: whatever it produced is revoked (RFC 6749 §4.1.2). */
      if (code->issued != NULL)
        sandbox_grant_revoke (self, code->issued);
      sandbox_send_error (msg, 400, "invalid_grant", "The code was already used");
      return;
    }
  if (g_get_monotonic_time () > code->expires)
    {
      sandbox_send_error (msg, 400, "invalid_grant", "The code has expired");
      return;
    }
  if (g_strcmp0 (sandbox_form_get (form, "redirect_uri"), code->redirect_uri) != 0
      || g_strcmp0 (sandbox_form_get (form, "client_id"), code->client_id) != 0)
    {
      sandbox_send_error (msg, 400, "invalid_grant",
                          "The code was issued to another client or redirect URI");
      return;
    }
  code->used = TRUE;
  if (!verifier_matches (sandbox_form_get (form, "code_verifier"), code->challenge))
    {
      sandbox_send_error (msg, 400, "invalid_grant", "The code_verifier does not match");
      return;
    }

  grant = g_new0 (Grant, 1);
  grant->ref_count = 1;
  grant->citizen = code->citizen;
  grant->scopes = code->scopes;
  grant->consent_expires_real = g_get_real_time () + consent_period_us (self);
  code->issued = grant;
  send_tokens (self, msg, grant, code->nonce);
}

static void
token_from_refresh (TechoSandbox      *self,
                    SoupServerMessage *msg,
                    GPtrArray         *form)
{
  const char *token = sandbox_form_get (form, "refresh_token");
  Grant *grant = token != NULL ? g_hash_table_lookup (self->refresh_tokens, token) : NULL;

  self->refreshes++;
  if (grant == NULL || grant->revoked)
    {
      sandbox_send_error (msg, 400, "invalid_grant", "The refresh token is not valid");
      return;
    }
  if (g_strcmp0 (grant->refresh_token, token) != 0)
    {
      self->refresh_reuses++;
      /* A rotated-out token came back: someone else may hold it. */
      sandbox_grant_revoke (self, grant);
      sandbox_send_error (msg, 400, "invalid_grant",
                          "The refresh token was already used; the grant is revoked");
      return;
    }
  if (g_get_real_time () >= grant->consent_expires_real)
    {
      sandbox_grant_revoke (self, grant);
      sandbox_send_error (msg, 400, "invalid_grant", "The consent period has ended");
      return;
    }
  send_tokens (self, msg, grant, NULL);
}

static void
handle_token (TechoSandbox      *self,
              SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) form = NULL;
  const char *grant_type;

  form = read_endpoint_form (msg);
  if (form == NULL)
    return;
  purge_expired (self);
  if (g_strcmp0 (sandbox_form_get (form, "client_id"), SANDBOX_CLIENT_ID) != 0)
    {
      sandbox_send_error (msg, 401, "invalid_client", "Unknown client_id");
      return;
    }
  grant_type = sandbox_form_get (form, "grant_type");
  if (g_strcmp0 (grant_type, "authorization_code") == 0)
    token_from_code (self, msg, form);
  else if (g_strcmp0 (grant_type, "refresh_token") == 0)
    token_from_refresh (self, msg, form);
  else if (grant_type == NULL)
    sandbox_send_error (msg, 400, "invalid_request", "grant_type is required");
  else
    sandbox_send_error (msg, 400, "unsupported_grant_type",
                        "Use authorization_code or refresh_token");
}

static void
handle_revoke (TechoSandbox      *self,
               SoupServerMessage *msg)
{
  g_autoptr(GPtrArray) form = NULL;
  const char *token;
  AccessToken *access;
  Grant *grant;

  form = read_endpoint_form (msg);
  if (form == NULL)
    return;
  token = sandbox_form_get (form, "token");
  if (token != NULL)
    {
      access = g_hash_table_lookup (self->access_tokens, token);
      grant = g_hash_table_lookup (self->refresh_tokens, token);
      if (access != NULL)
        sandbox_grant_revoke (self, access->grant);
      if (grant != NULL)
        sandbox_grant_revoke (self, grant);
    }
  /* RFC 7009 §2.2: 200 whether or not the token was known. */
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
}

Grant *
sandbox_oauth_authenticate (TechoSandbox      *self,
                            SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);
  const char *header = soup_message_headers_get_one (request, "Authorization");
  AccessToken *access = NULL;

  if (header == NULL || !g_str_has_prefix (header, "Bearer ") || strlen (header) > 512)
    {
      soup_message_headers_replace (response, "WWW-Authenticate", "Bearer realm=\"techo-sandbox\"");
      sandbox_send_error (msg, 401, "invalid_token", "A Bearer access token is required");
      return NULL;
    }
  access = g_hash_table_lookup (self->access_tokens, header + strlen ("Bearer "));
  if (access == NULL || access->grant->revoked
      || g_get_monotonic_time () > access->expires
      || g_get_real_time () >= access->grant->consent_expires_real)
    {
      soup_message_headers_replace (response, "WWW-Authenticate",
                                    "Bearer realm=\"techo-sandbox\", error=\"invalid_token\"");
      sandbox_send_error (msg, 401, "invalid_token",
                          "The access token is unknown, expired or revoked");
      return NULL;
    }
  return access->grant;
}

gboolean
sandbox_oauth_handle (TechoSandbox      *self,
                      SoupServerMessage *msg,
                      const char        *path)
{
  if (g_str_equal (path, "/.well-known/oauth-authorization-server")
      || g_str_equal (path, "/.well-known/openid-configuration"))
    handle_metadata (self, msg);
  else if (g_str_equal (path, "/authorize"))
    handle_authorize (self, msg);
  else if (g_str_equal (path, "/authorize/pin"))
    handle_pin (self, msg);
  else if (g_str_equal (path, "/authorize/consent"))
    handle_consent (self, msg);
  else if (g_str_equal (path, "/token"))
    handle_token (self, msg);
  else if (g_str_equal (path, "/revoke"))
    handle_revoke (self, msg);
  else if (g_str_equal (path, "/jwks"))
    handle_jwks (self, msg);
  else if (g_str_equal (path, "/userinfo"))
    handle_userinfo (self, msg);
  else
    return FALSE;
  return TRUE;
}

void
sandbox_oauth_init (TechoSandbox *self)
{
  self->transactions = g_hash_table_new_full (g_str_hash, g_str_equal, token_key_free,
                                              (GDestroyNotify) transaction_free);
  self->codes = g_hash_table_new_full (g_str_hash, g_str_equal, token_key_free,
                                       (GDestroyNotify) code_free);
  self->access_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, token_key_free,
                                               (GDestroyNotify) access_token_free);
  self->refresh_tokens = g_hash_table_new_full (g_str_hash, g_str_equal, token_key_free,
                                                (GDestroyNotify) sandbox_grant_unref);
  self->failed_pins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sandbox_oauth_rotate_keys (self);
}

void
sandbox_oauth_clear (TechoSandbox *self)
{
  g_clear_pointer (&self->transactions, g_hash_table_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->failed_pins, g_hash_table_unref);
  g_clear_pointer (&self->rsa_key, cjose_jwk_release);
  g_clear_pointer (&self->ec_key, cjose_jwk_release);
  g_clear_pointer (&self->last_nonce, g_free);
}
