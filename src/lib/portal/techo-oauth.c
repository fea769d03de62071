/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-oauth"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "techo-json.h"
#include "techo-loopback-redirect.h"
#include "techo-oauth.h"
#include "techo-oidc.h"
#include "techo-portal-private.h"
#include "techo-secure.h"
#include "techo-vault.h"

/* Metadata documents and token answers are small. */
#define MAX_METADATA_BYTES (256 * 1024)
#define MAX_TOKEN_BYTES    (64 * 1024)
#define HTTP_TIMEOUT       30
#define HTTP_DEADLINE      60
/* An access token this close to its end is refreshed before use. */
#define EXPIRY_MARGIN      30

#define VAULT_KIND "oauth"
#define VAULT_NAME "session"
/* Beside the store: held across a refresh by whichever process does it. */
#define REFRESH_LOCK_FILE "oauth-refresh.lock"
#define REFRESH_LOCK_WAIT 90

struct _TechoAuthAttempt
{
  TechoOAuthMetadata *metadata;
  char *client_id;
  char *redirect_uri;
  char *verifier;
  char *state;    /* NULL once a redirect has been checked */
  char *nonce;    /* OpenID Connect only */
  char *url;
};

struct _TechoOAuth
{
  GObject parent_instance;

  TechoVault *vault;
  GMutex lock;           /* guards everything below; held across a refresh */
  gboolean loaded;
  char *issuer;
  char *client_id;
  char *scopes;
  char *granted_scope;
  char *token_endpoint;
  char *revocation_endpoint;
  char *consent_expires_at;
  char *access_token;    /* secret */
  char *refresh_token;   /* secret */
  gint64 expires_at;     /* unix seconds, 0 = unknown */
  gint64 lifetime;       /* expires_in of the last token answer */
  JsonObject *identity;  /* OpenID claims kept (sub, name, …), or NULL */
  guint n_refreshes;

  /* The provider's keys, kept between sign-ins of this object. */
  char *jwks_uri;
  TechoJwks *jwks;
  guint n_jwks_fetches;
  guint http_deadline;
};

G_DEFINE_FINAL_TYPE (TechoOAuth, techo_oauth, G_TYPE_OBJECT)

/* ---- Metadata ----------------------------------------------------------- */

void
techo_oauth_metadata_free (TechoOAuthMetadata *metadata)
{
  if (metadata == NULL)
    return;
  g_free (metadata->issuer);
  g_free (metadata->authorization_endpoint);
  g_free (metadata->token_endpoint);
  g_free (metadata->revocation_endpoint);
  g_free (metadata->jwks_uri);
  g_free (metadata->userinfo_endpoint);
  g_strfreev (metadata->id_token_algs);
  g_free (metadata);
}

gboolean
techo_oauth_metadata_is_openid (const TechoOAuthMetadata *metadata)
{
  return metadata->jwks_uri != NULL && metadata->id_token_algs != NULL;
}

static char **
string_array (JsonArray *array,
              guint      max)
{
  GPtrArray *strings = g_ptr_array_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array) && strings->len < max; i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (strings, g_strdup (json_node_get_string (node)));
    }
  g_ptr_array_add (strings, NULL);
  return (char **) g_ptr_array_free (strings, FALSE);
}

static gboolean
array_contains_string (JsonArray  *array,
                       const char *value)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
          g_strcmp0 (json_node_get_string (node), value) == 0)
        return TRUE;
    }
  return FALSE;
}

TechoOAuthMetadata *
techo_oauth_metadata_parse (const char  *issuer,
                            GBytes      *json,
                            GError     **error)
{
  TechoJsonLimits limits = { MAX_METADATA_BYTES, 16 };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(TechoOAuthMetadata) metadata = g_new0 (TechoOAuthMetadata, 1);
  g_autoptr(GError) local_error = NULL;
  const char *endpoints[5];
  JsonArray *methods;
  JsonArray *algs;
  JsonArray *response_types;
  gboolean iss_supported = FALSE;

  object = techo_json_parse_object_bounded (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                            &limits, &local_error);
  if (object == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server's description could not be read: %s",
                   local_error->message);
      return NULL;
    }

  metadata->issuer = g_strdup (techo_json_get_string (object, "issuer"));
  if (!techo_issuer_equal (metadata->issuer, issuer))
    {
      /* RFC 8414 §3.3: a mismatch means the document is not this issuer's. */
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server at “%s” describes itself as another server; "
                   "Techo will not use it.", issuer);
      return NULL;
    }
  metadata->authorization_endpoint = g_strdup (techo_json_get_string (object, "authorization_endpoint"));
  metadata->token_endpoint = g_strdup (techo_json_get_string (object, "token_endpoint"));
  metadata->revocation_endpoint = g_strdup (techo_json_get_string (object, "revocation_endpoint"));
  if (metadata->authorization_endpoint == NULL || metadata->token_endpoint == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server's description lacks its authorization or token address.");
      return NULL;
    }
  metadata->jwks_uri = g_strdup (techo_json_get_string (object, "jwks_uri"));
  metadata->userinfo_endpoint = g_strdup (techo_json_get_string (object, "userinfo_endpoint"));
  algs = techo_json_get_array (object, "id_token_signing_alg_values_supported");
  if (algs != NULL)
    metadata->id_token_algs = string_array (algs, 16);
  metadata->openid_scope = array_contains_string (techo_json_get_array (object, "scopes_supported"),
                                                  "openid");
  endpoints[0] = metadata->authorization_endpoint;
  endpoints[1] = metadata->token_endpoint;
  endpoints[2] = metadata->revocation_endpoint;
  endpoints[3] = metadata->jwks_uri;
  endpoints[4] = metadata->userinfo_endpoint;
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (endpoints[i] != NULL && !techo_http_check_secure_url (endpoints[i], error))
      return NULL;

  methods = techo_json_get_array (object, "code_challenge_methods_supported");
  metadata->s256_supported = methods == NULL || array_contains_string (methods, "S256");
  if (!metadata->s256_supported)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server does not offer PKCE with S256, which Techo requires.");
      return NULL;
    }
  response_types = techo_json_get_array (object, "response_types_supported");
  if (response_types != NULL && !array_contains_string (response_types, "code"))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server does not offer the authorization code flow.");
      return NULL;
    }
  techo_json_get_boolean (object, "authorization_response_iss_parameter_supported", &iss_supported);
  metadata->iss_parameter_supported = iss_supported;
  return g_steal_pointer (&metadata);
}

/* The well-known URL of RFC 8414 §3.1: the suffix goes between the host
 * and the issuer's path. */
static char *
well_known_url (GUri       *issuer_uri,
                const char *suffix,
                gboolean    rfc8414)
{
  const char *path = g_uri_get_path (issuer_uri);
  g_autofree char *trimmed = g_strdup (path != NULL ? path : "");
  g_autofree char *new_path = NULL;
  g_autoptr(GUri) uri = NULL;
  gsize len = strlen (trimmed);

  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';
  if (rfc8414)
    new_path = g_strconcat ("/.well-known/", suffix, trimmed, NULL);
  else
    new_path = g_strconcat (trimmed, "/.well-known/", suffix, NULL);
  uri = g_uri_build (G_URI_FLAGS_NONE, g_uri_get_scheme (issuer_uri), NULL,
                     g_uri_get_host (issuer_uri), g_uri_get_port (issuer_uri),
                     new_path, NULL, NULL);
  return g_uri_to_string (uri);
}

static TechoOAuthMetadata *
discover (SoupSession   *session,
          const char    *issuer,
          guint          deadline,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(GUri) issuer_uri = NULL;
  g_autoptr(GError) first_error = NULL;
  char *urls[2] = { NULL, NULL };
  TechoOAuthMetadata *metadata = NULL;

  if (!techo_http_check_secure_url (issuer, error))
    return NULL;
  issuer_uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);
  if (g_uri_get_query (issuer_uri) != NULL || g_uri_get_fragment (issuer_uri) != NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "A sign-in server address has no query or fragment: “%s”.", issuer);
      return NULL;
    }
  urls[0] = well_known_url (issuer_uri, "oauth-authorization-server", TRUE);
  urls[1] = well_known_url (issuer_uri, "openid-configuration", FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (urls) && metadata == NULL; i++)
    {
      g_autoptr(SoupMessage) message = soup_message_new ("GET", urls[i]);
      g_autoptr(TechoHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Accept", "application/json");
      response = techo_http_send (session, message, MAX_METADATA_BYTES, deadline,
                                  "the sign-in server's description", cancellable, &local_error);
      if (response == NULL)
        {
          /* A network failure will not differ for the second path. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      if (response->status != 200)
        {
          if (first_error == NULL)
            first_error = g_error_new (TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                                       "“%s” does not describe a sign-in server (HTTP %u).",
                                       issuer, response->status);
          continue;
        }
      metadata = techo_oauth_metadata_parse (issuer, response->body, &local_error);
      if (metadata == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
    }
  g_free (urls[0]);
  g_free (urls[1]);
  if (metadata == NULL && error != NULL && *error == NULL && first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));
  return metadata;
}

TechoOAuthMetadata *
techo_oauth_discover (SoupSession   *session,
                      const char    *issuer,
                      GCancellable  *cancellable,
                      GError       **error)
{
  return discover (session, issuer, HTTP_DEADLINE, cancellable, error);
}

/* ---- PKCE --------------------------------------------------------------- */

char *
techo_pkce_challenge (const char *verifier)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  char *challenge;

  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_len);
  challenge = techo_base64url_encode (digest, digest_len);
  techo_wipe (digest, sizeof digest);
  return challenge;
}

gboolean
techo_pkce_new_pair (char   **out_verifier,
                     char   **out_challenge,
                     GError **error)
{
  guint8 bytes[32];
  char *verifier;

  if (!techo_random_bytes (bytes, sizeof bytes, error))
    return FALSE;
  verifier = techo_base64url_encode (bytes, sizeof bytes);
  techo_wipe (bytes, sizeof bytes);
  *out_challenge = techo_pkce_challenge (verifier);
  *out_verifier = verifier;
  return TRUE;
}

/* ---- Authorization attempt ---------------------------------------------- */

static gboolean
scope_has (const char *scopes,
           const char *scope)
{
  g_auto(GStrv) words = g_strsplit (scopes != NULL ? scopes : "", " ", 64);

  return g_strv_contains ((const char * const *) words, scope);
}

void
techo_auth_attempt_free (TechoAuthAttempt *attempt)
{
  if (attempt == NULL)
    return;
  techo_oauth_metadata_free (attempt->metadata);
  g_free (attempt->client_id);
  g_free (attempt->redirect_uri);
  techo_wipe_free (attempt->verifier);
  techo_wipe_free (attempt->state);
  techo_wipe_free (attempt->nonce);
  techo_wipe_free (attempt->url);
  g_free (attempt);
}

static TechoOAuthMetadata *
metadata_copy (const TechoOAuthMetadata *metadata)
{
  TechoOAuthMetadata *copy = g_new0 (TechoOAuthMetadata, 1);

  copy->issuer = g_strdup (metadata->issuer);
  copy->authorization_endpoint = g_strdup (metadata->authorization_endpoint);
  copy->token_endpoint = g_strdup (metadata->token_endpoint);
  copy->revocation_endpoint = g_strdup (metadata->revocation_endpoint);
  copy->iss_parameter_supported = metadata->iss_parameter_supported;
  copy->s256_supported = metadata->s256_supported;
  copy->jwks_uri = g_strdup (metadata->jwks_uri);
  copy->userinfo_endpoint = g_strdup (metadata->userinfo_endpoint);
  copy->id_token_algs = g_strdupv (metadata->id_token_algs);
  copy->openid_scope = metadata->openid_scope;
  return copy;
}

TechoAuthAttempt *
techo_auth_attempt_new (const TechoOAuthMetadata *metadata,
                        const char               *client_id,
                        const char               *scopes,
                        const char               *redirect_uri,
                        GError                  **error)
{
  g_autoptr(TechoAuthAttempt) attempt = g_new0 (TechoAuthAttempt, 1);
  g_autofree char *challenge = NULL;
  g_autofree char *query = NULL;
  g_autoptr(GUri) base = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *existing;

  attempt->metadata = metadata_copy (metadata);
  attempt->client_id = g_strdup (client_id);
  attempt->redirect_uri = g_strdup (redirect_uri);
  if (!techo_pkce_new_pair (&attempt->verifier, &challenge, error))
    return NULL;
  attempt->state = techo_random_token (32, error);
  if (attempt->state == NULL)
    return NULL;
  if (scope_has (scopes, "openid"))
    {
      attempt->nonce = techo_random_token (32, error);
      if (attempt->nonce == NULL)
        return NULL;
    }

  base = g_uri_parse (metadata->authorization_endpoint, G_URI_FLAGS_ENCODED_QUERY, error);
  if (base == NULL)
    return NULL;
  query = soup_form_encode ("response_type", "code",
                            "client_id", client_id,
                            "redirect_uri", redirect_uri,
                            "scope", scopes,
                            "state", attempt->state,
                            "code_challenge", challenge,
                            "code_challenge_method", "S256",
                            NULL);
  if (attempt->nonce != NULL)
    {
      char *joined = g_strconcat (query, "&nonce=", attempt->nonce, NULL);

      g_free (query);
      query = joined;
    }
  /* OpenID Connect Core §11: offline_access is ignored unless the user is
   * asked for consent. */
  if (scope_has (scopes, "openid") && scope_has (scopes, "offline_access"))
    {
      char *joined = g_strconcat (query, "&prompt=consent", NULL);

      g_free (query);
      query = joined;
    }
  existing = g_uri_get_query (base);
  if (existing != NULL && *existing != '\0')
    {
      char *joined = g_strconcat (existing, "&", query, NULL);

      g_free (query);
      query = joined;
    }
  uri = g_uri_build (G_URI_FLAGS_ENCODED_QUERY, g_uri_get_scheme (base), NULL,
                     g_uri_get_host (base), g_uri_get_port (base), g_uri_get_path (base),
                     query, NULL);
  attempt->url = g_uri_to_string (uri);
  return g_steal_pointer (&attempt);
}

const char *
techo_auth_attempt_get_url (TechoAuthAttempt *attempt)
{
  return attempt->url;
}

const char *
techo_auth_attempt_get_nonce (TechoAuthAttempt *attempt)
{
  return attempt->nonce;
}

const char *
techo_auth_attempt_get_verifier (TechoAuthAttempt *attempt)
{
  return attempt->verifier;
}

const char *
techo_auth_attempt_get_state (TechoAuthAttempt *attempt)
{
  return attempt->state;
}

char *
techo_auth_attempt_take_code (TechoAuthAttempt  *attempt,
                              GHashTable        *params,
                              GError           **error)
{
  g_auto(TechoSecret) expected_state = g_steal_pointer (&attempt->state);
  const char *state = g_hash_table_lookup (params, "state");
  const char *iss = g_hash_table_lookup (params, "iss");
  const char *oauth_error = g_hash_table_lookup (params, "error");
  const char *code = g_hash_table_lookup (params, "code");

  /* The state is checked first, even for an error answer: an answer that
   * is not to our request says nothing. */
  if (expected_state == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "This sign-in answer was already used; please sign in again.");
      return NULL;
    }
  if (state == NULL || strlen (state) != strlen (expected_state) ||
      !techo_secure_equal (state, expected_state))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in answer does not belong to this sign-in (state mismatch); "
                   "it was ignored. Please sign in again.");
      return NULL;
    }
  /* RFC 9207: iss must match when present, and be present when promised. */
  if (iss != NULL ? !techo_issuer_equal (iss, attempt->metadata->issuer)
                  : attempt->metadata->iss_parameter_supported)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in answer did not come from the expected server (issuer "
                   "mismatch); it was ignored. Please sign in again.");
      return NULL;
    }
  if (oauth_error != NULL)
    {
      /* The server's words reach a terminal and the screen: no escape
       * sequences, no bidirectional tricks, no pages of text. */
      g_autofree char *shown_error = techo_http_printable (oauth_error, 64);
      g_autofree char *shown_description =
        techo_http_printable (g_hash_table_lookup (params, "error_description"), 200);

      if (g_str_equal (oauth_error, "access_denied"))
        g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_DENIED,
                     "The sign-in was declined at the portal; nothing was shared.");
      else if (*shown_description != '\0')
        g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                     "The portal refused the sign-in (%s: %s).", shown_error, shown_description);
      else
        g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                     "The portal refused the sign-in (%s).", shown_error);
      return NULL;
    }
  if (code == NULL || *code == '\0')
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in answer carried no authorization code.");
      return NULL;
    }
  return g_strdup (code);
}

/* ---- Session persistence ------------------------------------------------ */

static void
clear_session_locked (TechoOAuth *self)
{
  g_clear_pointer (&self->issuer, g_free);
  g_clear_pointer (&self->client_id, g_free);
  g_clear_pointer (&self->scopes, g_free);
  g_clear_pointer (&self->granted_scope, g_free);
  g_clear_pointer (&self->token_endpoint, g_free);
  g_clear_pointer (&self->revocation_endpoint, g_free);
  g_clear_pointer (&self->consent_expires_at, g_free);
  g_clear_pointer (&self->access_token, techo_wipe_free);
  g_clear_pointer (&self->refresh_token, techo_wipe_free);
  g_clear_pointer (&self->identity, json_object_unref);
  self->expires_at = 0;
  self->lifetime = 0;
}

static gboolean
save_session_locked (TechoOAuth    *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(TechoSecret) text = NULL;

  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "issuer", self->issuer);
  techo_json_builder_add_string (builder, "client_id", self->client_id);
  techo_json_builder_add_string (builder, "scopes", self->scopes);
  techo_json_builder_add_string (builder, "granted_scope", self->granted_scope);
  techo_json_builder_add_string (builder, "token_endpoint", self->token_endpoint);
  techo_json_builder_add_string (builder, "revocation_endpoint", self->revocation_endpoint);
  techo_json_builder_add_string (builder, "consent_expires_at", self->consent_expires_at);
  techo_json_builder_add_string (builder, "access_token", self->access_token);
  techo_json_builder_add_string (builder, "refresh_token", self->refresh_token);
  json_builder_set_member_name (builder, "expires_at");
  json_builder_add_int_value (builder, self->expires_at);
  json_builder_set_member_name (builder, "lifetime");
  json_builder_add_int_value (builder, self->lifetime);
  if (self->identity != NULL)
    {
      JsonNode *node = json_node_init_object (json_node_alloc (), self->identity);

      json_builder_set_member_name (builder, "identity");
      json_builder_add_value (builder, node);
    }
  json_builder_end_object (builder);
  text = techo_json_builder_to_string (builder);
  return techo_vault_store_secret (self->vault, VAULT_KIND, VAULT_NAME, text, cancellable, error);
}

/* The tokens of the saved session as JSON text; NULL when the item holds
 * none (an empty string is stored by no one). */
static JsonObject *
parse_saved (const char *text)
{
  return techo_json_parse_object_bounded (text, strlen (text), NULL, NULL);
}

static void
wipe_saved_tokens (JsonObject *object)
{
  static const char * const members[] = { "access_token", "refresh_token" };

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *value = techo_json_get_string (object, members[i]);

      if (value != NULL)
        techo_wipe ((char *) value, strlen (value));
    }
}

/* A saved token that is not a b64token (written by an older Techo) is not
 * sent: it counts as absent. */
static char *
saved_token (JsonObject *object,
             const char *member)
{
  const char *value = techo_json_get_string (object, member);

  return techo_oauth_token_is_valid (value) ? g_strdup (value) : NULL;
}

gboolean
techo_oauth_load_sync (TechoOAuth    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_auto(TechoSecret) text = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  JsonObject *identity;

  clear_session_locked (self);
  self->loaded = TRUE;
  text = techo_vault_lookup_secret (self->vault, VAULT_KIND, VAULT_NAME, cancellable, &local_error);
  if (text == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return FALSE;
    }
  object = parse_saved (text);
  if (object == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                   "The saved sign-in could not be read; please sign in again.");
      return FALSE;
    }
  self->issuer = g_strdup (techo_json_get_string (object, "issuer"));
  self->client_id = g_strdup (techo_json_get_string (object, "client_id"));
  self->scopes = g_strdup (techo_json_get_string (object, "scopes"));
  self->granted_scope = g_strdup (techo_json_get_string (object, "granted_scope"));
  self->token_endpoint = g_strdup (techo_json_get_string (object, "token_endpoint"));
  self->revocation_endpoint = g_strdup (techo_json_get_string (object, "revocation_endpoint"));
  self->consent_expires_at = g_strdup (techo_json_get_string (object, "consent_expires_at"));
  self->access_token = saved_token (object, "access_token");
  self->refresh_token = saved_token (object, "refresh_token");
  techo_json_get_int64 (object, "expires_at", &self->expires_at);
  techo_json_get_int64 (object, "lifetime", &self->lifetime);
  identity = techo_json_get_object (object, "identity");
  if (identity != NULL)
    self->identity = techo_oidc_identity_from_claims (identity);
  /* Wipe the parsed copies of the tokens too. */
  wipe_saved_tokens (object);
  return self->issuer != NULL && (self->refresh_token != NULL || self->access_token != NULL);
}

/* With the lock held and the refresh lock taken: when another process
 * refreshed since this one read the keyring, take its tokens. TRUE when
 * the saved tokens differ from ours (and were taken). */
static gboolean
adopt_saved_tokens_locked (TechoOAuth    *self,
                           GCancellable  *cancellable)
{
  g_auto(TechoSecret) text = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_auto(TechoSecret) refresh = NULL;
  g_auto(TechoSecret) access = NULL;
  gboolean changed;

  text = techo_vault_lookup_secret (self->vault, VAULT_KIND, VAULT_NAME, cancellable, NULL);
  if (text == NULL || (object = parse_saved (text)) == NULL)
    return FALSE;
  refresh = saved_token (object, "refresh_token");
  access = saved_token (object, "access_token");
  changed = refresh != NULL && g_strcmp0 (refresh, self->refresh_token) != 0 &&
            g_strcmp0 (techo_json_get_string (object, "issuer"), self->issuer) == 0;
  if (changed)
    {
      g_clear_pointer (&self->refresh_token, techo_wipe_free);
      g_clear_pointer (&self->access_token, techo_wipe_free);
      self->refresh_token = g_steal_pointer (&refresh);
      self->access_token = g_steal_pointer (&access);
      self->expires_at = 0;
      self->lifetime = 0;
      techo_json_get_int64 (object, "expires_at", &self->expires_at);
      techo_json_get_int64 (object, "lifetime", &self->lifetime);
    }
  wipe_saved_tokens (object);
  return changed;
}

/* The cross-process refresh lock: an flock on a file beside the store,
 * waited for (at most REFRESH_LOCK_WAIT seconds). -1 when there is no
 * such folder (then only this process's mutex serialises). */
static int
take_refresh_lock (TechoOAuth    *self,
                   GCancellable  *cancellable,
                   GError       **error)
{
  const char *dir = techo_vault_get_data_dir (self->vault);
  g_autofree char *path = NULL;
  gint64 give_up = g_get_monotonic_time () + REFRESH_LOCK_WAIT * G_TIME_SPAN_SECOND;
  int fd;

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return -1;
  path = g_build_filename (dir, REFRESH_LOCK_FILE, NULL);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      g_debug ("no refresh lock (%s): %s", path, g_strerror (errno));
      return -1;
    }
  while (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      if (errno != EWOULDBLOCK && errno != EINTR)
        {
          g_debug ("refresh lock: %s", g_strerror (errno));
          close (fd);
          return -1;
        }
      if (g_get_monotonic_time () > give_up)
        {
          close (fd);
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT,
                       "Another Techo has been renewing the sign-in for too long; please try "
                       "again later.");
          return -2;
        }
      if (!techo_http_sleep (50, cancellable, error))
        {
          close (fd);
          return -2;
        }
    }
  return fd;
}

static void
release_refresh_lock (int fd)
{
  if (fd >= 0)
    {
      flock (fd, LOCK_UN);
      close (fd);
    }
}

/* ---- Token endpoint ----------------------------------------------------- */

/* Reads a token answer into @self (locked). An error answer of the
 * server becomes @error; invalid_grant means the grant is gone. */
gboolean
techo_oauth_token_is_valid (const char *token)
{
  gsize length, i;

  if (token == NULL)
    return FALSE;
  length = strnlen (token, TECHO_OAUTH_MAX_TOKEN + 1);
  if (length == 0 || length > TECHO_OAUTH_MAX_TOKEN)
    return FALSE;
  for (i = 0; i < length; i++)
    if (!g_ascii_isalnum (token[i]) && strchr ("-._~+/", token[i]) == NULL)
      break;
  if (i == 0)
    return FALSE;
  for (; i < length; i++)
    if (token[i] != '=')
      return FALSE;
  return TRUE;
}

static gboolean
apply_token_response_locked (TechoOAuth         *self,
                             TechoHttpResponse  *response,
                             gboolean            refreshing,
                             char              **out_id_token,
                             GError            **error)
{
  TechoJsonLimits limits = { MAX_TOKEN_BYTES, 8 };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *access_token, *token_type, *refresh_token, *scope;
  gint64 expires_in = 0;

  object = techo_json_parse_object_bounded (g_bytes_get_data (response->body, NULL),
                                            g_bytes_get_size (response->body), &limits, &local_error);
  if (response->status != 200)
    {
      const char *code = object != NULL ? techo_json_get_string (object, "error") : NULL;

      if (response->status >= 500)
        g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE,
                     "The sign-in server is not answering properly right now (HTTP %u); "
                     "please try again later.", response->status);
      else if (g_strcmp0 (code, "invalid_grant") == 0 || refreshing)
        g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                     "The portal no longer accepts this sign-in; please sign in again.");
      else
        {
          g_autofree char *shown = techo_http_printable (code != NULL ? code : "no reason given", 64);
          g_autofree char *description =
            techo_http_printable (object != NULL ? techo_json_get_string (object, "error_description")
                                                 : NULL, 200);

          if (*description != '\0')
            g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                         "The sign-in server refused to issue tokens (%s: %s).", shown, description);
          else
            g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                         "The sign-in server refused to issue tokens (%s).", shown);
        }
      return FALSE;
    }
  if (object == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server's token answer could not be read: %s",
                   local_error->message);
      return FALSE;
    }
  access_token = techo_json_get_string (object, "access_token");
  token_type = techo_json_get_string (object, "token_type");
  refresh_token = techo_json_get_string (object, "refresh_token");
  scope = techo_json_get_string (object, "scope");
  if (access_token == NULL || *access_token == '\0' || token_type == NULL ||
      g_ascii_strcasecmp (token_type, "Bearer") != 0)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server's token answer lacks a bearer access token.");
      return FALSE;
    }
  /* RFC 6750 §2.1: a token that is not a b64token would be sent as
   * something else than one header value (CR/LF) or not at all. */
  if (!techo_oauth_token_is_valid (access_token) ||
      (refresh_token != NULL && !techo_oauth_token_is_valid (refresh_token)))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server sent a token with characters or a length that tokens do "
                   "not have; Techo neither stored nor used it.");
      return FALSE;
    }
  techo_json_get_int64 (object, "expires_in", &expires_in);
  if (out_id_token != NULL)
    *out_id_token = g_strdup (techo_json_get_string (object, "id_token"));

  g_clear_pointer (&self->access_token, techo_wipe_free);
  self->access_token = g_strdup (access_token);
  techo_wipe ((char *) access_token, strlen (access_token));
  if (refresh_token != NULL)
    {
      /* Rotation: the old refresh token is dead from now on. */
      g_clear_pointer (&self->refresh_token, techo_wipe_free);
      self->refresh_token = g_strdup (refresh_token);
      techo_wipe ((char *) refresh_token, strlen (refresh_token));
    }
  if (scope != NULL)
    {
      g_free (self->granted_scope);
      self->granted_scope = g_strdup (scope);
    }
  self->expires_at = expires_in > 0 ? g_get_real_time () / G_USEC_PER_SEC + expires_in : 0;
  self->lifetime = MAX (expires_in, 0);
  return TRUE;
}

static TechoHttpResponse *
post_form (const char    *url,
           char          *encoded_form,
           guint          deadline,
           const char    *what,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(SoupSession) session = techo_http_session_new (HTTP_TIMEOUT);
  g_autoptr(SoupMessage) message = NULL;

  message = soup_message_new_from_encoded_form ("POST", url, encoded_form);
  if (message == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server gave an address Techo cannot use.");
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Accept", "application/json");
  return techo_http_send (session, message, MAX_TOKEN_BYTES, deadline, what,
                          cancellable, error);
}

/* With the lock held: one refresh request, the rotated token saved. */
static gboolean
refresh_request_locked (TechoOAuth    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(TechoHttpResponse) response = NULL;
  g_autoptr(GError) local_error = NULL;

  if (self->refresh_token == NULL || self->token_endpoint == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                   "The sign-in has ended; please sign in again.");
      return FALSE;
    }
  self->n_refreshes++;
  g_debug ("refreshing the access token");
  response = post_form (self->token_endpoint,
                        soup_form_encode ("grant_type", "refresh_token",
                                          "refresh_token", self->refresh_token,
                                          "client_id", self->client_id,
                                          NULL),
                        self->http_deadline, "the token refresh", cancellable, error);
  if (response == NULL)
    return FALSE;
  if (!apply_token_response_locked (self, response, TRUE, NULL, &local_error))
    {
      if (g_error_matches (local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN))
        {
          /* The grant is gone (expired, revoked, or a reused token made
           * the server revoke it): forget the tokens, keep the settings
           * and the data. */
          g_clear_pointer (&self->access_token, techo_wipe_free);
          g_clear_pointer (&self->refresh_token, techo_wipe_free);
          self->expires_at = 0;
          save_session_locked (self, cancellable, NULL);
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* Stored before anyone uses the new access token: if this fails, the
   * rotated refresh token would be lost with the process. */
  return save_session_locked (self, cancellable, error);
}

/* ---- OpenID Connect ------------------------------------------------------ */

static gboolean
fetch_jwks (TechoOAuth    *self,
            SoupSession   *session,
            const char    *uri,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", uri);
  g_autoptr(TechoHttpResponse) response = NULL;
  TechoJwks *jwks;

  if (message == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in server gave an address for its keys Techo cannot use.");
      return FALSE;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/jwk-set+json, application/json");
  self->n_jwks_fetches++;
  response = techo_http_send (session, message, TECHO_OIDC_MAX_JWKS, self->http_deadline,
                              "the sign-in server's keys", cancellable, error);
  if (response == NULL)
    return FALSE;
  if (response->status != 200)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,
                   "The sign-in server did not give its signing keys (HTTP %u), so its identity "
                   "token cannot be checked.", response->status);
      return FALSE;
    }
  jwks = techo_jwks_parse (response->body, error);
  if (jwks == NULL)
    return FALSE;
  g_clear_pointer (&self->jwks, techo_jwks_free);
  g_free (self->jwks_uri);
  self->jwks = jwks;
  self->jwks_uri = g_strdup (uri);
  return TRUE;
}

/* Checks @id_token against the provider's keys: those kept from before,
 * fetched once more when the token names a key they lack (the provider
 * may have rotated its keys), or fetched now. */
static JsonObject *
verify_id_token (TechoOAuth               *self,
                 SoupSession              *session,
                 const TechoOAuthMetadata *metadata,
                 const char               *client_id,
                 const char               *nonce,
                 const char               *id_token,
                 GCancellable             *cancellable,
                 GError                  **error)
{
  TechoIdTokenCheck check = {
    metadata->issuer, client_id, nonce, (const char * const *) metadata->id_token_algs,
    g_get_real_time () / G_USEC_PER_SEC,
  };
  g_autoptr(GError) local_error = NULL;
  gboolean fresh = FALSE, unknown_key = FALSE;
  JsonObject *claims;

  if (self->jwks == NULL || g_strcmp0 (self->jwks_uri, metadata->jwks_uri) != 0)
    {
      if (!fetch_jwks (self, session, metadata->jwks_uri, cancellable, error))
        return NULL;
      fresh = TRUE;
    }
  claims = techo_id_token_verify (id_token, self->jwks, &check, &unknown_key, &local_error);
  if (claims == NULL && unknown_key && !fresh)
    {
      g_debug ("the ID token names a key not in the kept JWKS; fetching it once more");
      g_clear_error (&local_error);
      if (!fetch_jwks (self, session, metadata->jwks_uri, cancellable, error))
        return NULL;
      claims = techo_id_token_verify (id_token, self->jwks, &check, NULL, &local_error);
    }
  if (claims == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return claims;
}

/* Adds what userinfo says to @identity. A userinfo that cannot be had is
 * no failure (the ID token already said who it is); one about another
 * person is. */
static gboolean
merge_userinfo (TechoOAuth    *self,
                SoupSession   *session,
                const char    *endpoint,
                JsonObject    *identity,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(SoupMessage) message = soup_message_new ("GET", endpoint);
  g_autoptr(TechoHttpResponse) response = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *authorization = NULL;
  TechoJsonLimits limits = { MAX_TOKEN_BYTES, 8, 0 };

  if (message == NULL)
    return TRUE;
  authorization = g_strconcat ("Bearer ", self->access_token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  techo_wipe (authorization, strlen (authorization));
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json");
  response = techo_http_send (session, message, MAX_TOKEN_BYTES, self->http_deadline,
                              "your user information", cancellable, &local_error);
  if (response == NULL || response->status != 200 ||
      g_strcmp0 (response->content_type, "application/json") != 0)
    {
      g_debug ("userinfo not used: %s", response == NULL ? local_error->message : "not a JSON 200");
      return TRUE;
    }
  object = techo_json_parse_object_bounded (g_bytes_get_data (response->body, NULL),
                                            g_bytes_get_size (response->body), &limits, NULL);
  if (object == NULL)
    return TRUE;
  return techo_oidc_identity_merge_userinfo (identity, object, error);
}

static gint64
expiry_margin (TechoOAuth *self)
{
  /* Refresh a little early, unless tokens live so briefly that early
   * would mean always. */
  return self->lifetime >= 4 * EXPIRY_MARGIN ? EXPIRY_MARGIN : 0;
}

/* With the lock held: a refresh, once across processes. Under the file
 * lock the keyring is read again: when another process has refreshed in
 * the meantime, its tokens are used and no request is sent (sending our
 * rotated-out refresh token would make the server revoke the grant). */
static gboolean
refresh_locked (TechoOAuth    *self,
                const char    *rejected_token,
                GCancellable  *cancellable,
                GError       **error)
{
  gboolean ok;
  int fd;

  fd = take_refresh_lock (self, cancellable, error);
  if (fd == -2)
    return FALSE;
  if (adopt_saved_tokens_locked (self, cancellable))
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;

      if (self->access_token != NULL && g_strcmp0 (self->access_token, rejected_token) != 0 &&
          (self->expires_at == 0 || self->expires_at - expiry_margin (self) > now))
        {
          g_debug ("another process refreshed the sign-in; using its tokens");
          release_refresh_lock (fd);
          return TRUE;
        }
    }
  ok = refresh_request_locked (self, cancellable, error);
  release_refresh_lock (fd);
  return ok;
}

/* ---- GObject ------------------------------------------------------------ */

static void
techo_oauth_finalize (GObject *object)
{
  TechoOAuth *self = (TechoOAuth *) object;

  clear_session_locked (self);
  g_clear_pointer (&self->jwks, techo_jwks_free);
  g_free (self->jwks_uri);
  g_clear_object (&self->vault);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (techo_oauth_parent_class)->finalize (object);
}

static void
techo_oauth_class_init (TechoOAuthClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_oauth_finalize;
}

static void
techo_oauth_init (TechoOAuth *self)
{
  g_mutex_init (&self->lock);
  self->http_deadline = HTTP_DEADLINE;
}

/* ---- Public API ---------------------------------------------------------- */

TechoOAuth *
techo_oauth_new (TechoVault *vault)
{
  TechoOAuth *self = g_object_new (TECHO_TYPE_OAUTH, NULL);

  self->vault = g_object_ref (vault);
  return self;
}

gboolean
techo_oauth_open_uri_in_browser (const char  *uri,
                                 gpointer     user_data,
                                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!g_app_info_launch_default_for_uri (uri, NULL, &local_error))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BROWSER,
                   "Could not open a web browser for the sign-in (%s). Try again "
                   "with --no-browser and open the printed address yourself.",
                   local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_oauth_sign_in_sync (TechoOAuth            *self,
                          const char            *issuer,
                          const char            *client_id,
                          const char            *scopes,
                          TechoOAuthOpenUriFunc  open_uri,
                          gpointer               user_data,
                          guint                  timeout_seconds,
                          GCancellable          *cancellable,
                          GError               **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(TechoOAuthMetadata) metadata = NULL;
  g_autoptr(TechoLoopbackRedirect) redirect = NULL;
  g_autoptr(TechoAuthAttempt) attempt = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(TechoHttpResponse) response = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(JsonObject) identity = NULL;
  g_autofree char *chosen_scopes = NULL;
  g_auto(TechoSecret) code = NULL;
  g_auto(TechoSecret) id_token = NULL;
  gboolean ok = FALSE, openid;

  g_return_val_if_fail (TECHO_IS_OAUTH (self), FALSE);

  if (client_id == NULL || *client_id == '\0')
    client_id = TECHO_OAUTH_DEFAULT_CLIENT_ID;

  /* The listener and the HTTP session run on a context of our own, so a
   * sign-in works the same from a worker thread and from the CLI. */
  g_main_context_push_thread_default (context);
  session = techo_http_session_new (HTTP_TIMEOUT);
  metadata = discover (session, issuer, self->http_deadline, cancellable, error);
  if (metadata == NULL)
    goto out;

  /* The default asks for openid too when the server is an OpenID provider
   * that offers it: then the ID token says who signed in. */
  if (scopes == NULL || *scopes == '\0')
    chosen_scopes = techo_oauth_metadata_is_openid (metadata) && metadata->openid_scope
                    ? g_strdup ("openid " TECHO_OAUTH_DEFAULT_SCOPES)
                    : g_strdup (TECHO_OAUTH_DEFAULT_SCOPES);
  else
    chosen_scopes = g_strdup (scopes);
  scopes = chosen_scopes;
  openid = scope_has (scopes, "openid");
  if (openid && !techo_oauth_metadata_is_openid (metadata))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "Techo was asked to sign in with OpenID (scope “openid”), but the sign-in "
                   "server does not describe itself as an OpenID provider (no jwks_uri or "
                   "id_token_signing_alg_values_supported).");
      goto out;
    }

  redirect = techo_loopback_redirect_new (error);
  if (redirect == NULL)
    goto out;
  attempt = techo_auth_attempt_new (metadata, client_id, scopes,
                                    techo_loopback_redirect_get_uri (redirect), error);
  if (attempt == NULL)
    goto out;
  if (!open_uri (techo_auth_attempt_get_url (attempt), user_data, error))
    goto out;
  params = techo_loopback_redirect_wait (redirect, timeout_seconds, cancellable, error);
  if (params == NULL)
    goto out;
  code = techo_auth_attempt_take_code (attempt, params, error);
  if (code == NULL)
    goto out;

  response = post_form (metadata->token_endpoint,
                        soup_form_encode ("grant_type", "authorization_code",
                                          "code", code,
                                          "redirect_uri", techo_loopback_redirect_get_uri (redirect),
                                          "client_id", client_id,
                                          "code_verifier", techo_auth_attempt_get_verifier (attempt),
                                          NULL),
                        self->http_deadline, "the token request", cancellable, error);
  if (response == NULL)
    goto out;

  locker = g_mutex_locker_new (&self->lock);
  clear_session_locked (self);
  self->loaded = TRUE;
  self->issuer = g_strdup (metadata->issuer);
  self->client_id = g_strdup (client_id);
  self->scopes = g_strdup (scopes);
  self->token_endpoint = g_strdup (metadata->token_endpoint);
  self->revocation_endpoint = g_strdup (metadata->revocation_endpoint);
  if (!apply_token_response_locked (self, response, FALSE, &id_token, error))
    {
      clear_session_locked (self);
      goto out;
    }
  if (openid)
    {
      /* Who signed in: the ID token, checked; then userinfo for what the
       * token does not say. */
      claims = verify_id_token (self, session, metadata, client_id,
                                techo_auth_attempt_get_nonce (attempt), id_token,
                                cancellable, error);
      if (claims == NULL || (identity = techo_oidc_identity_from_claims (claims)) == NULL)
        {
          if (claims != NULL)
            g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,
                         "The identity token does not say who signed in (sub).");
          clear_session_locked (self);
          goto out;
        }
      if (metadata->userinfo_endpoint != NULL &&
          !merge_userinfo (self, session, metadata->userinfo_endpoint, identity, cancellable, error))
        {
          clear_session_locked (self);
          goto out;
        }
      self->identity = g_steal_pointer (&identity);
    }
  if (!save_session_locked (self, cancellable, error))
    {
      clear_session_locked (self);
      goto out;
    }
  ok = TRUE;

out:
  if (redirect != NULL)
    techo_loopback_redirect_close (redirect);
  g_main_context_pop_thread_default (context);
  return ok;
}

const char *
techo_oauth_get_subject (TechoOAuth *self)
{
  return self->identity != NULL ? techo_json_get_string (self->identity, "sub") : NULL;
}

TechoProfile *
techo_oauth_dup_identity (TechoOAuth *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (self->identity == NULL)
    return NULL;
  return techo_oidc_identity_to_profile (self->identity, self->issuer);
}

void
techo_oauth_set_http_deadline (TechoOAuth *self,
                               guint       seconds)
{
  self->http_deadline = seconds;
}

guint
techo_oauth_get_n_jwks_fetches (TechoOAuth *self)
{
  return self->n_jwks_fetches;
}

gboolean
techo_oauth_is_signed_in (TechoOAuth *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->refresh_token != NULL || self->access_token != NULL;
}

const char *
techo_oauth_get_issuer (TechoOAuth *self)
{
  return self->issuer;
}

const char *
techo_oauth_get_client_id (TechoOAuth *self)
{
  return self->client_id;
}

const char *
techo_oauth_get_scopes (TechoOAuth *self)
{
  return self->scopes;
}

const char *
techo_oauth_get_granted_scope (TechoOAuth *self)
{
  return self->granted_scope;
}

const char *
techo_oauth_get_consent_expires_at (TechoOAuth *self)
{
  return self->consent_expires_at;
}

gboolean
techo_oauth_set_consent_expires_at (TechoOAuth    *self,
                                    const char    *expires_at,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  if (g_strcmp0 (self->consent_expires_at, expires_at) == 0)
    return TRUE;
  g_free (self->consent_expires_at);
  self->consent_expires_at = g_strdup (expires_at);
  return save_session_locked (self, cancellable, error);
}

char *
techo_oauth_get_access_token (TechoOAuth    *self,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 margin = expiry_margin (self);

  if (self->access_token == NULL && self->refresh_token == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                   "Techo is not signed in to the portal; please sign in first.");
      return NULL;
    }
  if (self->access_token == NULL || (self->expires_at != 0 && self->expires_at - margin <= now))
    {
      if (!refresh_locked (self, NULL, cancellable, error))
        return NULL;
    }
  return g_strdup (self->access_token);
}

char *
techo_oauth_refresh_sync (TechoOAuth    *self,
                          const char    *rejected_token,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  /* Someone refreshed while we waited for the lock: use theirs. */
  if (self->access_token != NULL && rejected_token != NULL &&
      g_strcmp0 (rejected_token, self->access_token) != 0)
    return g_strdup (self->access_token);
  if (!refresh_locked (self, rejected_token, cancellable, error))
    return NULL;
  return g_strdup (self->access_token);
}

guint
techo_oauth_get_n_refreshes (TechoOAuth *self)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->n_refreshes;
}

gboolean
techo_oauth_sign_out_sync (TechoOAuth    *self,
                           gboolean      *out_revoked,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  const char *token = self->refresh_token != NULL ? self->refresh_token : self->access_token;
  gboolean revoked = FALSE;

  if (token != NULL && self->revocation_endpoint != NULL)
    {
      g_autoptr(TechoHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;

      response = post_form (self->revocation_endpoint,
                            soup_form_encode ("token", token,
                                              "token_type_hint",
                                              self->refresh_token != NULL ? "refresh_token" : "access_token",
                                              "client_id", self->client_id,
                                              NULL),
                            self->http_deadline, "the sign-out", cancellable, &local_error);
      /* RFC 7009 §2.2: 200 whether or not the token was still valid. */
      revoked = response != NULL && response->status == 200;
      if (!revoked)
        g_debug ("revocation did not succeed; forgetting the tokens anyway");
    }
  clear_session_locked (self);
  if (out_revoked != NULL)
    *out_revoked = revoked;
  return techo_vault_clear_secret (self->vault, VAULT_KIND, VAULT_NAME, cancellable, error);
}
