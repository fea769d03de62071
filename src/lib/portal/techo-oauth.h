/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-oauth.h: Techo as an OAuth 2.0 native public client (RFC 8252)
 * of any standards-compliant authorization server: metadata discovery
 * (RFC 8414, then OpenID configuration), PKCE S256 (RFC 7636), a one-time
 * state, the iss check of RFC 9207, the loopback redirect, the system
 * browser, refresh one at a time with the rotated token stored before it
 * is used, and revocation (RFC 7009) on sign-out.
 *
 * Tokens live only in the keyring (TechoVault, kind "oauth", name
 * "session"), never on disk and never in a log. Every call blocks; run it
 * on a worker thread. */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "techo-http.h"
#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_OAUTH_DEFAULT_CLIENT_ID "techo-desktop"
#define TECHO_OAUTH_DEFAULT_SCOPES    "checkup medication screening profile"

/* ---- Discovery ---------------------------------------------------------- */

typedef struct
{
  char *issuer;
  char *authorization_endpoint;
  char *token_endpoint;
  char *revocation_endpoint;        /* NULL when the server has none */
  gboolean iss_parameter_supported; /* RFC 9207 */
  gboolean s256_supported;          /* listed, or the list absent */
  /* OpenID Connect Discovery; NULL when the server is no OpenID provider */
  char *jwks_uri;
  char *userinfo_endpoint;          /* may be NULL */
  char **id_token_algs;             /* id_token_signing_alg_values_supported */
  gboolean openid_scope;            /* scopes_supported lists "openid" */
} TechoOAuthMetadata;

void                techo_oauth_metadata_free  (TechoOAuthMetadata *metadata);
/* TRUE when the metadata describes an OpenID provider: jwks_uri and
 * id_token_signing_alg_values_supported are present. */
gboolean            techo_oauth_metadata_is_openid (const TechoOAuthMetadata *metadata);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoOAuthMetadata, techo_oauth_metadata_free)

/* Checks a metadata document against @issuer (RFC 8414 §3.3: the issuer
 * member must equal it) and the endpoints' schemes. */
TechoOAuthMetadata *techo_oauth_metadata_parse (const char  *issuer,
                                                GBytes      *json,
                                                GError     **error);

/* GET {issuer}/.well-known/oauth-authorization-server (the RFC 8414 path,
 * inserted after the host for an issuer with a path), then
 * {issuer}/.well-known/openid-configuration. */
TechoOAuthMetadata *techo_oauth_discover       (SoupSession   *session,
                                                const char    *issuer,
                                                GCancellable  *cancellable,
                                                GError       **error);

/* ---- PKCE --------------------------------------------------------------- */

/* A new verifier from 32 random bytes (43 base64url characters) and its
 * S256 challenge. */
gboolean  techo_pkce_new_pair  (char   **out_verifier,
                                char   **out_challenge,
                                GError **error);
/* base64url (SHA-256 (@verifier)), no padding. */
char     *techo_pkce_challenge (const char *verifier);

/* ---- One authorization attempt ----------------------------------------- */

typedef struct _TechoAuthAttempt TechoAuthAttempt;

TechoAuthAttempt *techo_auth_attempt_new      (const TechoOAuthMetadata *metadata,
                                               const char               *client_id,
                                               const char               *scopes,
                                               const char               *redirect_uri,
                                               GError                  **error);
void              techo_auth_attempt_free     (TechoAuthAttempt *attempt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoAuthAttempt, techo_auth_attempt_free)

/* The nonce sent (OpenID Connect: when @scopes hold "openid"), or NULL. */
const char       *techo_auth_attempt_get_nonce    (TechoAuthAttempt *attempt);

/* The URL to hand to the browser. */
const char       *techo_auth_attempt_get_url      (TechoAuthAttempt *attempt);
const char       *techo_auth_attempt_get_verifier (TechoAuthAttempt *attempt);
const char       *techo_auth_attempt_get_state    (TechoAuthAttempt *attempt);

/* Checks a redirect's parameters: the state (once only: the attempt's
 * state is forgotten by the first call, so a replay fails), iss against
 * the issuer (required when the metadata promises it), and error=…
 * Returns the authorization code. */
char             *techo_auth_attempt_take_code    (TechoAuthAttempt  *attempt,
                                                   GHashTable        *params,
                                                   GError           **error);

/* ---- The signed-in session --------------------------------------------- */

#define TECHO_TYPE_OAUTH (techo_oauth_get_type ())
G_DECLARE_FINAL_TYPE (TechoOAuth, techo_oauth, TECHO, OAUTH, GObject)

/* Called with the authorization URL; it must return promptly (open a
 * browser, print it, or start something that follows it). */
typedef gboolean (*TechoOAuthOpenUriFunc) (const char  *uri,
                                           gpointer     user_data,
                                           GError     **error);

/* Opens the URL in the user's default browser. */
gboolean    techo_oauth_open_uri_in_browser (const char  *uri,
                                             gpointer     user_data,
                                             GError     **error);

typedef struct _TechoVault TechoVault;

/* @vault (a TechoVault) keeps the tokens. */
TechoOAuth *techo_oauth_new               (TechoVault    *vault);

/* Loads the session from the keyring. FALSE with no error: not signed in. */
gboolean    techo_oauth_load_sync         (TechoOAuth    *self,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* Runs one sign-in: discovery, PKCE, loopback listener, @open_uri, wait
 * (up to @timeout_seconds) for the redirect, checks, code exchange, then
 * stores the session in the keyring. @issuer must be https, or http on a
 * loopback address. */
gboolean    techo_oauth_sign_in_sync      (TechoOAuth            *self,
                                           const char            *issuer,
                                           const char            *client_id,
                                           const char            *scopes,
                                           TechoOAuthOpenUriFunc  open_uri,
                                           gpointer               user_data,
                                           guint                  timeout_seconds,
                                           GCancellable          *cancellable,
                                           GError               **error);

gboolean    techo_oauth_is_signed_in      (TechoOAuth *self);
const char *techo_oauth_get_issuer        (TechoOAuth *self);
const char *techo_oauth_get_client_id     (TechoOAuth *self);
const char *techo_oauth_get_scopes        (TechoOAuth *self);
/* Who signed in, as the OpenID provider's checked ID token (and its
 * userinfo) said; NULL when the sign-in was plain OAuth. */
const char *techo_oauth_get_subject       (TechoOAuth *self);
/* A new profile (subject, issuer and what the provider told of name, kana
 * name, birth date and sex), or NULL without an OpenID identity. */
TechoProfile *techo_oauth_dup_identity    (TechoOAuth *self);

/* The whole-exchange deadline of every request the sign-in makes
 * (default 60 s). */
void        techo_oauth_set_http_deadline (TechoOAuth *self,
                                           guint       seconds);
/* How many times the provider's JWKS was fetched (for tests). */
guint       techo_oauth_get_n_jwks_fetches (TechoOAuth *self);

/* RFC 6750 §2.1 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 * "/" ) *"=", at most TECHO_OAUTH_MAX_TOKEN bytes. Tokens that are not are
 * neither stored nor sent. */
#define TECHO_OAUTH_MAX_TOKEN 4096
gboolean    techo_oauth_token_is_valid    (const char *token);

/* What the server granted (space separated), may be NULL. */
const char *techo_oauth_get_granted_scope (TechoOAuth *self);
/* The consent's end as the portal reported it (ISO 8601), may be NULL. */
const char *techo_oauth_get_consent_expires_at (TechoOAuth *self);
gboolean    techo_oauth_set_consent_expires_at (TechoOAuth    *self,
                                                const char    *expires_at,
                                                GCancellable  *cancellable,
                                                GError       **error);

/* A valid access token (refreshed first if it expires within 30 s).
 * Free with techo_wipe_free. */
char       *techo_oauth_get_access_token  (TechoOAuth    *self,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* Called after a 401 for @rejected_token: refreshes unless another thread
 * or another process already did (one refresh at a time, whatever the
 * number of callers: a file lock beside the store is held across the
 * refresh, and the keyring is read again under it),
 * stores the rotated refresh token in the keyring before returning the new
 * access token. A refresh the server refuses ends the session:
 * TECHO_PORTAL_ERROR_SIGN_IN, "please sign in again". */
char       *techo_oauth_refresh_sync      (TechoOAuth    *self,
                                           const char    *rejected_token,
                                           GCancellable  *cancellable,
                                           GError       **error);

/* How many refresh requests this object sent (for tests). */
guint       techo_oauth_get_n_refreshes   (TechoOAuth *self);

/* Revokes the refresh token (RFC 7009) when the server offers it, then
 * forgets the session in the keyring whatever the server said. */
gboolean    techo_oauth_sign_out_sync     (TechoOAuth    *self,
                                           gboolean      *out_revoked,
                                           GCancellable  *cancellable,
                                           GError       **error);

G_END_DECLS
