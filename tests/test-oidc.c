/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sign-in with OpenID Connect against the sandbox as an OpenID provider:
 * the ID token is checked (RS256 and ES256 signatures by the JWKS, iss,
 * aud/azp, exp, iat, nonce) and names the person, userinfo adds what it
 * lacks, and login needs no profile resource of the portal. Every bad ID
 * token the sandbox can issue is refused with TECHO_PORTAL_ERROR_ID_TOKEN
 * and nothing is kept in the keyring. Then the ID token checks alone, on
 * tokens made here with cjose, and the audit's OAuth findings: tokens that
 * are no b64token, a dripped metadata document, the server's error text. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include <cjose/cjose.h>
#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-oidc.h"
#include "techo-secure.h"
#include "techo-test-portal.h"
#include "techo-test-util.h"
#include "techo-vault.h"

static TechoTestSandbox *sandbox;

static void
reset_faults (void)
{
  test_sandbox_set_faults (sandbox, "{\"id_token_fault\":\"none\",\"id_token_alg\":\"RS256\","
                                    "\"no_profile\":false,\"crlf_token\":false,"
                                    "\"reset_count\":true}");
}

static gint64
sandbox_counter (const char *name)
{
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), "/admin/faults", NULL);
  g_autofree char *body = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  gint64 value = -1;
  guint status = 0;

  body = techo_test_sandbox_http ("GET", url, NULL, NULL, NULL, &status, NULL, &error);
  g_assert_no_error (error);
  object = techo_json_parse_object_bounded (body, strlen (body), NULL, NULL);
  g_assert_true (techo_json_get_int64 (object, name, &value));
  return value;
}

static char *
saved_session (TestClient *client)
{
  g_autoptr(GError) error = NULL;
  char *text = techo_vault_lookup_secret (techo_store_get_vault (client->store), "oauth", "session",
                                          NULL, &error);

  g_assert_no_error (error);
  return text;
}

/* ---- Against the sandbox ------------------------------------------------ */

static void
assert_identity (TestClient *client,
                 const char *citizen)
{
  g_autoptr(TechoProfile) identity = techo_oauth_dup_identity (client->oauth);
  g_autoptr(TechoPortalMe) me = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stored = FALSE;

  g_assert_nonnull (identity);
  g_assert_cmpstr (identity->subject, ==, techo_oauth_get_subject (client->oauth));
  g_assert_cmpstr (identity->issuer, ==, techo_test_sandbox_get_issuer (sandbox));
  /* Name, kana, birth date and sex came from userinfo. */
  g_assert_nonnull (identity->name);
  g_assert_nonnull (identity->name_kana);
  g_assert_nonnull (identity->birth_date);
  g_assert_nonnull (identity->sex);
  g_assert_true (strstr (techo_oauth_get_granted_scope (client->oauth), "openid") != NULL);

  /* The same person as the portal's own profile resource. */
  me = techo_portal_client_get_me (client->client, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (me->profile->subject, ==, identity->subject);
  g_assert_cmpstr (me->profile->name, ==, identity->name);
  g_assert_cmpstr (me->profile->birth_date, ==, identity->birth_date);

  profiles = techo_store_list_profiles_sync (client->store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < profiles->len; i++)
    {
      TechoProfile *p = g_ptr_array_index (profiles, i);

      if (g_strcmp0 (p->subject, identity->subject) == 0 && p->id == client->profile_id)
        stored = TRUE;
    }
  g_assert_true (stored);
  (void) citizen;
}

static void
test_sign_in_rs256 (void)
{
  g_autoptr(TestClient) client = NULL;
  g_autofree char *session = NULL;

  reset_faults ();
  client = test_client_new (sandbox, "yamada", NULL);
  assert_identity (client, "yamada");
  /* The keys were fetched once, for this sign-in. */
  g_assert_cmpuint (techo_oauth_get_n_jwks_fetches (client->oauth), ==, 1);
  g_assert_cmpint (sandbox_counter ("jwks_requests"), ==, 1);
  /* The identity is kept with the session, and comes back with it. */
  session = saved_session (client);
  g_assert_nonnull (strstr (session, "\"identity\""));
  {
    g_autoptr(TechoOAuth) again = techo_oauth_new (techo_store_get_vault (client->store));
    g_autoptr(GError) error = NULL;

    g_assert_true (techo_oauth_load_sync (again, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (techo_oauth_get_subject (again), ==, techo_oauth_get_subject (client->oauth));
  }
}

static void
test_sign_in_es256 (void)
{
  g_autoptr(TestClient) client = NULL;

  reset_faults ();
  test_sandbox_set_faults (sandbox, "{\"id_token_alg\":\"ES256\"}");
  client = test_client_new (sandbox, "sato", NULL);
  assert_identity (client, "sato");
  reset_faults ();
}

/* An OpenID provider with no profile resource: login and the profile rest
 * on the ID token and userinfo alone. */
static void
test_no_profile_resource (void)
{
  g_autoptr(TestClient) client = NULL;
  g_autoptr(TestClient) plain = NULL;
  g_autoptr(TechoProfile) identity = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  guint granted = 0;

  reset_faults ();
  test_sandbox_set_faults (sandbox, "{\"no_profile\":true}");
  client = test_client_new (sandbox, "suzuki", NULL);
  identity = techo_oauth_dup_identity (client->oauth);
  g_assert_nonnull (identity);
  /* What was granted comes from the token answer's scope. */
  g_assert_cmpuint (client->granted, ==, (1u << TECHO_N_CATEGORIES) - 1);
  profiles = techo_store_list_profiles_sync (client->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  g_assert_cmpstr (((TechoProfile *) g_ptr_array_index (profiles, 0))->subject, ==, identity->subject);
  g_assert_cmpstr (((TechoProfile *) g_ptr_array_index (profiles, 0))->name, ==, identity->name);

  /* A plain OAuth sign-in (no openid) has nobody to name without it. */
  plain = test_client_new_unsigned ();
  g_assert_true (test_sign_in_full (plain->oauth, sandbox, "suzuki", NULL,
                                    "checkup medication screening profile", &error));
  g_assert_no_error (error);
  g_assert_null (techo_oauth_get_subject (plain->oauth));
  plain->client = techo_portal_client_new (plain->oauth, NULL);
  g_assert_cmpint (techo_sync_prepare_profile (plain->store, plain->oauth, plain->client, &granted,
                                               NULL, &error), ==, 0);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  reset_faults ();
}

typedef struct
{
  const char *fault;
  const char *words;   /* in the message */
} RefusedCase;

static const RefusedCase refused_cases[] = {
  { "bad_signature", "signature" },
  { "wrong_aud", "(aud)" },
  { "several_aud", "(azp)" },
  { "wrong_iss", "(iss)" },
  { "expired", "expired" },
  { "iat_future", "(iat)" },
  { "no_nonce", "lacks the one-time value (nonce)" },
  { "replay_nonce", "nonce mismatch" },
  { "unknown_kid", "does not publish" },
  { "alg_none", "not signed (alg “none”)" },
  { "hs256", "shared secret (HS256)" },
  { "missing", "no identity token" },
  { "userinfo_other_sub", "another person" },
};

static void
test_refused (gconstpointer data)
{
  const RefusedCase *c = data;
  g_autoptr(TestClient) client = test_client_new_unsigned ();
  g_autoptr(TestClient) before = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *faults = g_strdup_printf ("{\"id_token_fault\":\"%s\"}", c->fault);
  g_autofree char *session = NULL;

  reset_faults ();
  /* A sign-in first, so that a replayed nonce exists. */
  before = test_client_new (sandbox, "sato", NULL);
  test_sandbox_set_faults (sandbox, faults);
  g_assert_false (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_test_message ("%s → %s", c->fault, error->message);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN);
  g_assert_nonnull (strstr (error->message, c->words));
  /* Nothing kept: not signed in, no session in the keyring. */
  g_assert_false (techo_oauth_is_signed_in (client->oauth));
  session = saved_session (client);
  g_assert_null (session);
  reset_faults ();
}

/* The provider rotates its keys: the kept JWKS lacks the new kid, so it is
 * fetched once more; a kid that is still unknown then is refused after
 * exactly one more fetch. */
static void
test_jwks_refetch (void)
{
  g_autoptr(TestClient) client = test_client_new_unsigned ();
  g_autoptr(GError) error = NULL;

  reset_faults ();
  g_assert_true (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (techo_oauth_get_n_jwks_fetches (client->oauth), ==, 1);

  /* Same keys: the kept JWKS serves. */
  g_assert_true (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (techo_oauth_get_n_jwks_fetches (client->oauth), ==, 1);

  test_sandbox_set_faults (sandbox, "{\"rotate_keys\":true}");
  g_assert_true (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (techo_oauth_get_n_jwks_fetches (client->oauth), ==, 2);

  test_sandbox_set_faults (sandbox, "{\"id_token_fault\":\"unknown_kid\",\"reset_count\":true}");
  g_assert_false (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN);
  g_assert_cmpuint (techo_oauth_get_n_jwks_fetches (client->oauth), ==, 3);
  g_assert_cmpint (sandbox_counter ("jwks_requests"), ==, 1);
  reset_faults ();
}

/* A token answer whose access token carries CR LF and a header line
 * (RFC 6750 b64token) is refused; nothing is stored or sent. */
static void
test_crlf_token (void)
{
  g_autoptr(TestClient) client = test_client_new_unsigned ();
  g_autoptr(GError) error = NULL;
  g_autofree char *session = NULL;

  reset_faults ();
  test_sandbox_set_faults (sandbox, "{\"crlf_token\":true}");
  g_assert_false (test_sign_in (client->oauth, sandbox, "yamada", NULL, &error));
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  g_assert_nonnull (strstr (error->message, "neither stored nor used"));
  session = saved_session (client);
  g_assert_null (session);
  reset_faults ();
}

/* ---- The ID token checks alone ------------------------------------------- */

typedef struct
{
  cjose_jwk_t *rsa;
  cjose_jwk_t *ec;
  TechoJwks *jwks;
  gint64 now;
} Keys;

static JsonNode *
public_node (cjose_jwk_t *key)
{
  char *text = cjose_jwk_to_json (key, false, NULL);
  JsonNode *node = json_from_string (text, NULL);

  free (text);
  return node;
}

static void
keys_init (Keys *k)
{
  static const uint8_t e[] = { 1, 0, 1 };
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  k->rsa = cjose_jwk_create_RSA_random (2048, e, sizeof e, NULL);
  k->ec = cjose_jwk_create_EC_random (CJOSE_JWK_EC_P_256, NULL);
  cjose_jwk_set_kid (k->rsa, "r1", 2, NULL);
  cjose_jwk_set_kid (k->ec, "e1", 2, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keys");
  json_builder_begin_array (b);
  json_builder_add_value (b, public_node (k->rsa));
  json_builder_add_value (b, public_node (k->ec));
  /* A secret key and a key for encryption are never used to check. */
  json_builder_add_value (b, json_from_string ("{\"kty\":\"oct\",\"kid\":\"s1\",\"k\":\"c2VjcmV0\"}", NULL));
  json_builder_end_array (b);
  json_builder_end_object (b);
  text = techo_json_builder_to_string (b);
  bytes = g_bytes_new (text, strlen (text));
  k->jwks = techo_jwks_parse (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (techo_jwks_get_n_keys (k->jwks), ==, 2);
  k->now = g_get_real_time () / G_USEC_PER_SEC;
}

static void
keys_clear (Keys *k)
{
  cjose_jwk_release (k->rsa);
  cjose_jwk_release (k->ec);
  techo_jwks_free (k->jwks);
}

static char *
sign (cjose_jwk_t *key,
      const char  *alg,
      const char  *kid,
      const char  *claims)
{
  cjose_header_t *header = cjose_header_new (NULL);
  const char *compact = NULL;
  cjose_jws_t *jws;
  char *token;

  cjose_header_set (header, CJOSE_HDR_ALG, alg, NULL);
  if (kid != NULL)
    cjose_header_set (header, CJOSE_HDR_KID, kid, NULL);
  jws = cjose_jws_sign (key, header, (const uint8_t *) claims, strlen (claims), NULL);
  g_assert_nonnull (jws);
  g_assert_true (cjose_jws_export (jws, &compact, NULL));
  token = g_strdup (compact);
  cjose_jws_release (jws);
  cjose_header_release (header);
  return token;
}

static char *
claims_json (gint64      now,
             const char *aud,
             const char *extra)
{
  return g_strdup_printf ("{\"iss\":\"https://op.example\",\"sub\":\"u-1\",\"aud\":%s,"
                          "\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT ","
                          "\"nonce\":\"n-0S6_WzA2Mj\"%s}",
                          aud, now + 300, now, extra != NULL ? extra : "");
}

static JsonObject *
check (Keys        *k,
       const char  *token,
       gboolean    *out_unknown,
       GError     **error)
{
  static const char * const algs[] = { "RS256", "ES256", NULL };
  TechoIdTokenCheck c = { "https://op.example", "techo-desktop", "n-0S6_WzA2Mj", algs, k->now };

  return techo_id_token_verify (token, k->jwks, &c, out_unknown, error);
}

static void
assert_refused (Keys       *k,
                const char *token,
                const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) claims = check (k, token, NULL, &error);

  g_assert_null (claims);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” not in “%s”", words, error->message);
}

static void
test_verify (void)
{
  Keys k;
  g_autofree char *claims = NULL;
  g_autofree char *rs = NULL;
  g_autofree char *es = NULL;
  g_autoptr(GError) error = NULL;

  keys_init (&k);
  claims = claims_json (k.now, "\"techo-desktop\"", NULL);

  /* Good tokens, RS256 and ES256; and without a kid when one key fits. */
  rs = sign (k.rsa, "RS256", "r1", claims);
  es = sign (k.ec, "ES256", "e1", claims);
  {
    g_autoptr(JsonObject) a = check (&k, rs, NULL, &error);
    g_autoptr(JsonObject) b = NULL;
    g_autofree char *no_kid = sign (k.ec, "ES256", NULL, claims);
    g_autoptr(JsonObject) c = NULL;

    g_assert_no_error (error);
    g_assert_cmpstr (techo_json_get_string (a, "sub"), ==, "u-1");
    b = check (&k, es, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (b);
    c = check (&k, no_kid, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (c);
  }

  /* A payload changed after signing. */
  {
    g_auto(GStrv) parts = g_strsplit (rs, ".", 3);
    g_autofree char *other = claims_json (k.now, "\"techo-desktop\"", ",\"name\":\"Mallory\"");
    g_autofree char *payload = techo_base64url_encode ((const guint8 *) other, strlen (other));
    g_autofree char *forged = g_strjoin (".", parts[0], payload, parts[2], NULL);

    assert_refused (&k, forged, "signature");
  }
  /* The RSA key's signature under the EC key's kid: wrong key type. */
  {
    g_autofree char *swapped = sign (k.rsa, "RS256", "e1", claims);
    gboolean unknown = FALSE;
    g_autoptr(JsonObject) none = check (&k, swapped, &unknown, &error);

    g_assert_null (none);
    g_assert_true (unknown);
    g_clear_error (&error);
  }
  /* alg none, and HS256 keyed with the public key as the JWKS shows it. */
  {
    g_autofree char *header = techo_base64url_encode ((const guint8 *) "{\"alg\":\"none\"}", 14);
    g_autofree char *payload = techo_base64url_encode ((const guint8 *) claims, strlen (claims));
    g_autofree char *unsigned_token = g_strconcat (header, ".", payload, ".", NULL);
    g_autoptr(JsonNode) public_jwk = public_node (k.rsa);
    g_autofree char *secret = techo_json_node_to_string (public_jwk, FALSE);
    cjose_jwk_t *oct = cjose_jwk_create_oct_spec ((const uint8_t *) secret, strlen (secret), NULL);
    g_autofree char *hs = sign (oct, "HS256", "r1", claims);

    assert_refused (&k, unsigned_token, "alg “none”");
    assert_refused (&k, hs, "shared secret");
    cjose_jwk_release (oct);
  }
  /* An algorithm the provider does not announce. */
  {
    g_autofree char *ps = sign (k.rsa, "PS256", "r1", claims);

    assert_refused (&k, ps, "does not announce");
  }
  /* aud: another client; several with azp Techo is fine, without not. */
  {
    g_autofree char *c1 = claims_json (k.now, "\"someone\"", NULL);
    g_autofree char *c2 = claims_json (k.now, "[\"techo-desktop\",\"api\"]", ",\"azp\":\"techo-desktop\"");
    g_autofree char *c3 = claims_json (k.now, "[\"techo-desktop\",\"api\"]", NULL);
    g_autofree char *t1 = sign (k.rsa, "RS256", "r1", c1);
    g_autofree char *t2 = sign (k.rsa, "RS256", "r1", c2);
    g_autofree char *t3 = sign (k.rsa, "RS256", "r1", c3);
    g_autoptr(JsonObject) ok = NULL;

    assert_refused (&k, t1, "(aud)");
    ok = check (&k, t2, NULL, &error);
    g_assert_no_error (error);
    assert_refused (&k, t3, "(azp)");
  }
  /* Times: expired beyond the skew; issued too long ago; in the future. */
  {
    g_autofree char *c1 = g_strdup_printf ("{\"iss\":\"https://op.example\",\"sub\":\"u\",\"aud\":\"techo-desktop\","
                                           "\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT
                                           ",\"nonce\":\"n-0S6_WzA2Mj\"}", k.now - 200, k.now - 400);
    g_autofree char *c2 = g_strdup_printf ("{\"iss\":\"https://op.example\",\"sub\":\"u\",\"aud\":\"techo-desktop\","
                                           "\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT
                                           ",\"nonce\":\"n-0S6_WzA2Mj\"}", k.now + 9000, k.now - 3600);
    g_autofree char *c3 = g_strdup_printf ("{\"iss\":\"https://op.example\",\"sub\":\"u\",\"aud\":\"techo-desktop\","
                                           "\"exp\":%" G_GINT64_FORMAT ",\"iat\":%" G_GINT64_FORMAT
                                           ",\"nonce\":\"n-0S6_WzA2Mj\"}", k.now + 9000, k.now + 600);
    g_autofree char *t1 = sign (k.ec, "ES256", "e1", c1);
    g_autofree char *t2 = sign (k.ec, "ES256", "e1", c2);
    g_autofree char *t3 = sign (k.ec, "ES256", "e1", c3);

    assert_refused (&k, t1, "expired");
    assert_refused (&k, t2, "(iat)");
    assert_refused (&k, t3, "(iat)");
  }
  /* Not a JWS at all; a JWE-shaped token; over the size cap. */
  {
    g_autofree char *huge = g_strnfill (TECHO_OIDC_MAX_ID_TOKEN + 10, 'a');

    assert_refused (&k, "not-a-token", "not a signed token");
    assert_refused (&k, "a.b.c.d.e", "not a signed token");
    assert_refused (&k, huge, "longer than");
    assert_refused (&k, "", "no identity token");
  }
  keys_clear (&k);
}

/* Replays tests/corpus/id-token (the fuzz target's seeds and finds): a
 * JWKS line, then a token, checked at a fixed time. ok-* must give claims,
 * every other file a refusal with a message, none a crash. */
static void
test_corpus (void)
{
  static const char * const algs[] = { "RS256", "ES256", "PS256", NULL };
  g_autofree char *dir_path = g_build_filename (g_getenv ("TECHO_SOURCE_ROOT"), "tests", "corpus",
                                                "id-token", NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0, n_ok = 0;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GBytes) jwks_json = NULL;
      g_autoptr(TechoJwks) jwks = NULL;
      g_autoptr(JsonObject) claims = NULL;
      g_autoptr(GError) error = NULL;
      TechoIdTokenCheck c = { "https://op.example", "techo-desktop", "n-0S6_WzA2Mj", algs, 1700000000 };
      gsize length = 0;
      char *newline;

      g_assert_true (g_file_get_contents (path, &data, &length, NULL));
      newline = memchr (data, '\n', length);
      jwks_json = g_bytes_new (data, newline != NULL ? (gsize) (newline - data) : length);
      jwks = techo_jwks_parse (jwks_json, &error);
      if (jwks == NULL)
        {
          g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN);
          g_clear_error (&error);
        }
      claims = techo_id_token_verify (newline != NULL ? newline + 1 : "", jwks, &c, NULL, &error);
      if (g_str_has_prefix (name, "ok-"))
        {
          g_assert_no_error (error);
          g_assert_cmpstr (techo_json_get_string (claims, "sub"), ==, "u-1");
          n_ok++;
        }
      else
        {
          g_assert_null (claims);
          g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN);
          g_assert_cmpstr (error->message, !=, "");
        }
      n++;
    }
  g_assert_cmpuint (n, >=, 9);
  g_assert_cmpuint (n_ok, >=, 3);
}

/* ---- The audit's OAuth findings ------------------------------------------ */

static void
test_token_characters (void)
{
  g_autofree char *longest = g_strnfill (TECHO_OAUTH_MAX_TOKEN, 'x');
  g_autofree char *too_long = g_strnfill (TECHO_OAUTH_MAX_TOKEN + 1, 'x');

  g_assert_true (techo_oauth_token_is_valid ("mF_9.B5f-4.1JqM"));
  g_assert_true (techo_oauth_token_is_valid ("abc+/~=="));
  g_assert_true (techo_oauth_token_is_valid (longest));
  g_assert_false (techo_oauth_token_is_valid (too_long));
  g_assert_false (techo_oauth_token_is_valid (""));
  g_assert_false (techo_oauth_token_is_valid (NULL));
  g_assert_false (techo_oauth_token_is_valid ("abc\r\nX-Injected: yes"));
  g_assert_false (techo_oauth_token_is_valid ("abc def"));
  g_assert_false (techo_oauth_token_is_valid ("ab=c"));
  g_assert_false (techo_oauth_token_is_valid ("=abc"));
  g_assert_false (techo_oauth_token_is_valid ("ab\"c"));
}

static void
test_printable (void)
{
  g_autofree char *a = techo_http_printable ("\x1b[31mred\x1b[0m\x07 \xe2\x80\xae" "evil", 100);
  g_autofree char *b = techo_http_printable ("手帳 ok", 100);
  g_autofree char *c = techo_http_printable ("abcdef", 3);
  g_autofree char *d = techo_http_printable ("bad \xff byte", 100);

  g_assert_cmpstr (a, ==, "?[31mred?[0m? ?evil");
  g_assert_cmpstr (b, ==, "手帳 ok");
  g_assert_cmpstr (c, ==, "abc…");
  g_assert_cmpstr (d, ==, "bad ? byte");
}

/* The sign-in server's error text goes through the escaping before it
 * reaches a message. */
static void
test_error_text_escaped (void)
{
  g_autoptr(GBytes) json = NULL;
  g_autoptr(TechoOAuthMetadata) metadata = NULL;
  g_autoptr(TechoAuthAttempt) attempt = NULL;
  g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  const char *text = "{\"issuer\":\"http://127.0.0.1:9\",\"authorization_endpoint\":\"http://127.0.0.1:9/a\","
                     "\"token_endpoint\":\"http://127.0.0.1:9/t\"}";

  json = g_bytes_new_static (text, strlen (text));
  metadata = techo_oauth_metadata_parse ("http://127.0.0.1:9", json, &error);
  g_assert_no_error (error);
  attempt = techo_auth_attempt_new (metadata, "techo-desktop", "checkup", "http://127.0.0.1:1/callback",
                                    &error);
  g_assert_no_error (error);
  g_hash_table_insert (params, "state", (gpointer) techo_auth_attempt_get_state (attempt));
  g_hash_table_insert (params, "error", "server_error\x1b]0;pwned\x07");
  g_hash_table_insert (params, "error_description", "\x1b[2J\x1b[HYour disk \xe2\x80\xae is full\r\nrun rm -rf");
  code = techo_auth_attempt_take_code (attempt, params, &error);
  g_assert_null (code);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL);
  g_test_message ("%s", error->message);
  for (const char *p = error->message; *p != '\0'; p++)
    g_assert_false (*p == '\x1b' || *p == '\x07' || *p == '\r' || *p == '\n');
  g_assert_null (strstr (error->message, "\xe2\x80\xae"));
  g_assert_nonnull (strstr (error->message, "server_error"));
  g_assert_nonnull (strstr (error->message, "Your disk"));
}

/* A server that sends its status line and headers one byte at a time:
 * every read gets a byte before the I/O timeout, so only the whole
 * exchange's deadline ends it. */
static gpointer
drip_server (gpointer data)
{
  GSocketListener *listener = data;
  const char *head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: "
                     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n{}";
  g_autoptr(GSocketConnection) connection = g_socket_listener_accept (listener, NULL, NULL, NULL);
  GOutputStream *out;

  if (connection == NULL)
    return NULL;
  out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  for (const char *p = head; *p != '\0'; p++)
    {
      if (!g_output_stream_write_all (out, p, 1, NULL, NULL, NULL))
        break;
      g_usleep (200 * 1000);
    }
  return NULL;
}

static gboolean
no_browser (const char  *uri,
            gpointer     user_data,
            GError     **error)
{
  g_assert_not_reached ();
  return FALSE;
}

static void
test_dripped_metadata (void)
{
  g_autoptr(TestClient) client = test_client_new_unsigned ();
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  GThread *thread;
  guint16 port;
  gint64 start;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  issuer = g_strdup_printf ("http://127.0.0.1:%u", port);
  thread = g_thread_new ("drip", drip_server, listener);
  techo_oauth_set_http_deadline (client->oauth, 2);
  start = g_get_monotonic_time ();
  g_assert_false (techo_oauth_sign_in_sync (client->oauth, issuer, NULL, NULL, no_browser, NULL, 10,
                                            NULL, &error));
  g_test_message ("%s", error->message);
  g_assert_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "within 2 seconds"));
  /* Ended by the deadline, not after the whole drip (~20 s). */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 6 * G_USEC_PER_SEC);
  g_socket_listener_close (listener);
  g_thread_join (thread);
}

/* ---- Two processes, one refresh ---------------------------------------- */

static GSubprocess *
spawn_cli (const char *data_dir,
           GError    **error,
           const char *first_arg,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  va_list args;

  g_ptr_array_add (argv, techo_test_program_path ("src/cli/techo-cli"));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (data_dir));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "techo-oauth", TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, error);
}

static int
finish_cli (GSubprocess *process,
            char       **out_stderr)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, out_stderr, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static gint64
counter_of (TechoTestSandbox *other,
            const char       *name)
{
  TechoTestSandbox *saved = sandbox;
  gint64 value;

  sandbox = other;
  value = sandbox_counter (name);
  sandbox = saved;
  return value;
}

/* Two syncs start at once after the access token expired. The sandbox
 * revokes a grant whose rotated-out refresh token comes back, so two
 * refreshes with the same token would sign the user out; with the refresh
 * lock beside the store the second process takes the first one's tokens. */
static void
test_two_processes_one_refresh (void)
{
  g_autoptr(TechoTestSandbox) short_lived = techo_test_sandbox_new ("--admin", "--access-ttl", "20",
                                                                    NULL);
  g_autofree char *data_dir = g_dir_make_tmp ("techo-refresh-XXXXXX", NULL);
  g_autoptr(GSubprocess) login = NULL;
  g_autoptr(GSubprocess) a = NULL;
  g_autoptr(GSubprocess) b = NULL;
  g_autoptr(GSubprocess) c = NULL;
  g_autofree char *err_a = NULL;
  g_autofree char *err_b = NULL;
  g_autofree char *err_c = NULL;
  g_autofree char *lock = g_build_filename (data_dir, "oauth-refresh.lock", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoStore) store = NULL;
  int status_a, status_b;

  login = spawn_cli (data_dir, &error, "demo-login", "--issuer",
                     techo_test_sandbox_get_issuer (short_lived), "--citizen", "sato", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (finish_cli (login, NULL), ==, 0);
  g_usleep (21 * G_USEC_PER_SEC);
  /* Slow answers keep the first refresh in flight while the other
   * process reads the keyring: the race the audit lost. */
  test_sandbox_set_faults (short_lived, "{\"reset_count\":true,\"latency_ms\":400}");

  a = spawn_cli (data_dir, &error, "sync", NULL);
  g_assert_no_error (error);
  b = spawn_cli (data_dir, &error, "sync", NULL);
  g_assert_no_error (error);
  status_a = finish_cli (a, &err_a);
  status_b = finish_cli (b, &err_b);
  g_test_message ("a: %d %s", status_a, err_a);
  g_test_message ("b: %d %s", status_b, err_b);
  g_assert_cmpint (status_a, ==, 0);
  g_assert_cmpint (status_b, ==, 0);
  /* No rotated-out token came back, and one process used the other's. */
  g_assert_cmpint (counter_of (short_lived, "refresh_reuses"), ==, 0);
  g_assert_cmpint (counter_of (short_lived, "refreshes"), ==, 1);
  g_assert_true (g_file_test (lock, G_FILE_TEST_EXISTS));

  /* Still signed in: a third sync works. */
  c = spawn_cli (data_dir, &error, "sync", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (finish_cli (c, &err_c), ==, 0);

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_store_close_sync (store, NULL, NULL);
  techo_test_remove_tree (data_dir);
}

/* ---- A request that never finishes ----------------------------------------- */

/* The never_finish fault: every request stays PENDING. The sync polls
 * until its overall deadline, then stops with a sentence and exit 5. */
static void
test_never_finish_deadline (void)
{
  g_autofree char *data_dir = g_dir_make_tmp ("techo-pending-XXXXXX", NULL);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autofree char *err = NULL;
  gint64 start;

  reset_faults ();
  process = spawn_cli (data_dir, &error, "demo-login", "--issuer", techo_test_sandbox_get_issuer (sandbox),
                       "--citizen", "sato", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (finish_cli (process, NULL), ==, 0);
  g_clear_object (&process);

  test_sandbox_set_faults (sandbox, "{\"never_finish\":true}");
  start = g_get_monotonic_time ();
  process = spawn_cli (data_dir, &error, "sync", "--category", "screening", "--max-wait", "3", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (finish_cli (process, &err), ==, 5);
  g_test_message ("%s", err);
  g_assert_nonnull (strstr (err, "still preparing the data after 3 seconds"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  test_sandbox_set_faults (sandbox, "{\"never_finish\":false}");

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_store_close_sync (store, NULL, NULL);
  techo_test_remove_tree (data_dir);
}

/* ---- logout on a full disk ---------------------------------------------- */

static gboolean
run_command (const char *command)
{
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_spawn_command_line_sync (command, NULL, NULL, &status, &error))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

/* A store on a tmpfs of its own that is then filled to the last byte:
 * logout must still forget the tokens in the keyring (and revoke them). */
static void
test_logout_full_disk (void)
{
  g_autofree char *mount_point = g_dir_make_tmp ("techo-full-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (mount_point, "data", NULL);
  g_autofree char *filler = g_build_filename (mount_point, "filler", NULL);
  g_autofree char *command = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *left = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoStore) closed = NULL;
  static char block[65536];
  FILE *fill;
  int status;

  command = g_strdup_printf ("mount -t tmpfs -o size=6m tmpfs %s", mount_point);
  if (!run_command (command))
    {
      g_rmdir (mount_point);
      g_test_skip ("mounting a small tmpfs needs root (CI and build-aux/dev run as root)");
      return;
    }
  process = spawn_cli (data_dir, &error, "demo-login", "--issuer", techo_test_sandbox_get_issuer (sandbox),
                       "--citizen", "sato", NULL);
  g_assert_no_error (error);
  g_assert_cmpint (finish_cli (process, NULL), ==, 0);
  g_clear_object (&process);

  /* Fill the disk. */
  fill = fopen (filler, "w");
  g_assert_nonnull (fill);
  while (fwrite (block, 1, sizeof block, fill) == sizeof block)
    ;
  while (fwrite (block, 1, 1, fill) == 1)
    ;
  fclose (fill);

  /* Opening the store on the full disk says the disk is full (it is not
   * damaged), with the store's own exit code. */
  process = spawn_cli (data_dir, &error, "status", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  g_test_message ("status on a full disk: %d\n%s", g_subprocess_get_exit_status (process), err);
  g_assert_cmpint (g_subprocess_get_exit_status (process), !=, 0);
  g_assert_nonnull (strstr (err, "disk is full"));
  g_assert_null (strstr (err, "damaged"));
  g_clear_object (&process);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  process = spawn_cli (data_dir, &error, "logout", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error);
  g_assert_no_error (error);
  status = g_subprocess_get_exit_status (process);
  g_test_message ("logout on a full disk: %d\n%s%s", status, out, err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Signed out"));
  g_assert_nonnull (strstr (err, "tokens are forgotten all the same"));

  /* Nothing left in the keyring for this store. */
  closed = techo_store_new (data_dir);
  left = techo_vault_lookup_secret (techo_store_get_vault (closed), "oauth", "session", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (left);

  techo_vault_clear_all (techo_store_get_vault (closed), NULL, NULL);
  g_clear_object (&closed);
  g_free (command);
  command = g_strdup_printf ("umount %s", mount_point);
  g_assert_true (run_command (command));
  g_rmdir (mount_point);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  sandbox = techo_test_sandbox_new ("--admin", NULL);

  g_test_add_func ("/oidc/sign-in/rs256", test_sign_in_rs256);
  g_test_add_func ("/oidc/sign-in/es256", test_sign_in_es256);
  g_test_add_func ("/oidc/no-profile-resource", test_no_profile_resource);
  g_test_add_func ("/oidc/jwks-refetch", test_jwks_refetch);
  for (guint i = 0; i < G_N_ELEMENTS (refused_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/oidc/refused/%s", refused_cases[i].fault);

      g_test_add_data_func (path, &refused_cases[i], test_refused);
    }
  g_test_add_func ("/oidc/verify", test_verify);
  g_test_add_func ("/oidc/corpus", test_corpus);
  g_test_add_func ("/oauth/hardening/crlf-token", test_crlf_token);
  g_test_add_func ("/oauth/hardening/token-characters", test_token_characters);
  g_test_add_func ("/oauth/hardening/printable", test_printable);
  g_test_add_func ("/oauth/hardening/error-text-escaped", test_error_text_escaped);
  g_test_add_func ("/oauth/hardening/dripped-metadata", test_dripped_metadata);
  g_test_add_func ("/oauth/hardening/two-processes-one-refresh", test_two_processes_one_refresh);
  g_test_add_func ("/oauth/hardening/logout-full-disk", test_logout_full_disk);
  g_test_add_func ("/oauth/hardening/never-finish-deadline", test_never_finish_deadline);

  status = g_test_run ();
  techo_test_sandbox_stop (sandbox);
  return status;
}
