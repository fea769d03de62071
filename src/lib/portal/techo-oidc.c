/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-oidc"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <cjose/cjose.h>

#include "techo-json.h"
#include "techo-oidc.h"
#include "techo-portal-private.h"
#include "techo-secure.h"

struct _TechoJwks
{
  GPtrArray *keys;   /* of JsonObject, usable signing keys only */
};

/* Asymmetric signatures only: a public client holds no shared secret, and
 * an HS256 token "signed" with the provider's public key as the secret is
 * the classic forgery. */
static const struct
{
  const char *alg;
  const char *kty;
  const char *crv;   /* EC only */
} known_algs[] = {
  { "RS256", "RSA", NULL }, { "RS384", "RSA", NULL }, { "RS512", "RSA", NULL },
  { "PS256", "RSA", NULL }, { "PS384", "RSA", NULL }, { "PS512", "RSA", NULL },
  { "ES256", "EC", "P-256" }, { "ES384", "EC", "P-384" }, { "ES512", "EC", "P-521" },
};

/* ---- JWKS --------------------------------------------------------------- */

/* cjose's base64url decoder asserts (aborts the process) on a length of
 * 4n+1 characters: every part handed to it is checked here first. */
static gboolean
is_base64url_part (const char *text,
                   gsize       length,
                   gsize       max)
{
  if (text == NULL || length == 0 || length > max || length % 4 == 1)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

static gboolean
member_is_base64url (JsonObject *key,
                     const char *member,
                     gsize       max)
{
  const char *value = techo_json_get_string (key, member);

  return value != NULL && is_base64url_part (value, strlen (value), max);
}

/* The public key alone, rebuilt from checked members, for cjose: nothing
 * else of what the server sent reaches its parser. NULL when a member is
 * missing or malformed. */
static JsonObject *
clean_public_key (JsonObject *key)
{
  const char *kty = techo_json_get_string (key, "kty");
  const char *kid = techo_json_get_string (key, "kid");
  JsonObject *clean;

  if (g_strcmp0 (kty, "RSA") == 0)
    {
      /* n up to 8192 bits, e up to 64 bits */
      if (!member_is_base64url (key, "n", 1366) || !member_is_base64url (key, "e", 12))
        return NULL;
      clean = json_object_new ();
      json_object_set_string_member (clean, "kty", "RSA");
      json_object_set_string_member (clean, "n", techo_json_get_string (key, "n"));
      json_object_set_string_member (clean, "e", techo_json_get_string (key, "e"));
    }
  else if (g_strcmp0 (kty, "EC") == 0)
    {
      const char *crv = techo_json_get_string (key, "crv");

      if ((g_strcmp0 (crv, "P-256") != 0 && g_strcmp0 (crv, "P-384") != 0 &&
           g_strcmp0 (crv, "P-521") != 0) ||
          !member_is_base64url (key, "x", 88) || !member_is_base64url (key, "y", 88))
        return NULL;
      clean = json_object_new ();
      json_object_set_string_member (clean, "kty", "EC");
      json_object_set_string_member (clean, "crv", crv);
      json_object_set_string_member (clean, "x", techo_json_get_string (key, "x"));
      json_object_set_string_member (clean, "y", techo_json_get_string (key, "y"));
    }
  else
    return NULL;
  if (kid != NULL)
    json_object_set_string_member (clean, "kid", kid);
  if (techo_json_get_string (key, "alg") != NULL)
    json_object_set_string_member (clean, "alg", techo_json_get_string (key, "alg"));
  return clean;
}

void
techo_jwks_free (TechoJwks *jwks)
{
  if (jwks == NULL)
    return;
  g_ptr_array_unref (jwks->keys);
  g_free (jwks);
}

guint
techo_jwks_get_n_keys (TechoJwks *jwks)
{
  return jwks->keys->len;
}

TechoJwks *
techo_jwks_parse (GBytes  *json,
                  GError **error)
{
  TechoJsonLimits limits = { TECHO_OIDC_MAX_JWKS, 8, 0 };
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) local_error = NULL;
  TechoJwks *jwks;
  JsonArray *keys;

  object = techo_json_parse_object_bounded (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                            &limits, &local_error);
  keys = object != NULL ? techo_json_get_array (object, "keys") : NULL;
  if (keys == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,
                   "The sign-in server's list of signing keys (JWKS) could not be read.");
      return NULL;
    }
  jwks = g_new0 (TechoJwks, 1);
  jwks->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < json_array_get_length (keys) && jwks->keys->len < TECHO_OIDC_MAX_KEYS; i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *key;
      const char *kty, *use;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      key = json_node_get_object (node);
      kty = techo_json_get_string (key, "kty");
      use = techo_json_get_string (key, "use");
      /* Only public keys that may sign; a JWKS never publishes a secret. */
      if (g_strcmp0 (kty, "RSA") != 0 && g_strcmp0 (kty, "EC") != 0)
        continue;
      if (use != NULL && !g_str_equal (use, "sig"))
        continue;
      if (json_object_has_member (key, "d"))
        continue;
      key = clean_public_key (key);
      if (key == NULL)
        continue;
      g_ptr_array_add (jwks->keys, key);
    }
  return jwks;
}

/* ---- Helpers ------------------------------------------------------------ */

static JsonObject *
decode_json_part (const char *part,
                  gsize       length)
{
  TechoJsonLimits limits = { TECHO_OIDC_MAX_ID_TOKEN, 8, 0 };
  g_autofree char *text = g_strndup (part, length);
  g_autofree guint8 *data = NULL;
  gsize size = 0;

  data = techo_base64url_decode (text, &size);
  if (data == NULL)
    return NULL;
  return techo_json_parse_object_bounded ((const char *) data, size, &limits, NULL);
}


static gboolean
strv_has (const char * const *strv,
          const char         *value)
{
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    if (g_str_equal (strv[i], value))
      return TRUE;
  return FALSE;
}

/* A NumericDate (RFC 7519 §2): a JSON number of seconds. */
static gboolean
get_time (JsonObject *object,
          const char *member,
          gint64     *out_value)
{
  double value;

  if (!techo_json_get_double (object, member, &value) || value < 0 || value > 1e12)
    return FALSE;
  *out_value = (gint64) value;
  return TRUE;
}

/* RFC 8414 compares issuers as strings; a trailing slash is the one
 * difference we forgive, as many servers and users add one. */
gboolean
techo_issuer_equal (const char *a,
                    const char *b)
{
  gsize la, lb;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && strncmp (a, b, la) == 0;
}

/* The key @header names, or NULL. */
static JsonObject *
find_key (TechoJwks  *jwks,
          const char *alg,
          const char *kid,
          guint      *out_candidates)
{
  const char *kty = NULL, *crv = NULL;
  JsonObject *found = NULL;
  guint candidates = 0;

  for (guint i = 0; i < G_N_ELEMENTS (known_algs); i++)
    if (g_str_equal (known_algs[i].alg, alg))
      {
        kty = known_algs[i].kty;
        crv = known_algs[i].crv;
      }
  for (guint i = 0; jwks != NULL && i < jwks->keys->len; i++)
    {
      JsonObject *key = g_ptr_array_index (jwks->keys, i);
      const char *key_alg = techo_json_get_string (key, "alg");

      if (g_strcmp0 (techo_json_get_string (key, "kty"), kty) != 0)
        continue;
      if (crv != NULL && g_strcmp0 (techo_json_get_string (key, "crv"), crv) != 0)
        continue;
      if (key_alg != NULL && !g_str_equal (key_alg, alg))
        continue;
      if (kid != NULL && g_strcmp0 (techo_json_get_string (key, "kid"), kid) != 0)
        continue;
      candidates++;
      if (found == NULL)
        found = key;
    }
  *out_candidates = candidates;
  return found;
}

static gboolean
verify_signature (const char  *id_token,
                  JsonObject  *key,
                  char       **out_payload,
                  gsize       *out_length)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), key);
  g_autofree char *key_json = techo_json_node_to_string (node, FALSE);
  cjose_err err = { 0 };
  cjose_jwk_t *jwk;
  cjose_jws_t *jws;
  uint8_t *plaintext = NULL;
  size_t plaintext_length = 0;
  gboolean ok = FALSE;

  jwk = cjose_jwk_import (key_json, strlen (key_json), &err);
  if (jwk == NULL)
    return FALSE;
  jws = cjose_jws_import (id_token, strlen (id_token), &err);
  if (jws != NULL && cjose_jws_verify (jws, jwk, &err) &&
      cjose_jws_get_plaintext (jws, &plaintext, &plaintext_length, &err))
    {
      *out_payload = g_strndup ((const char *) plaintext, plaintext_length);
      *out_length = plaintext_length;
      ok = TRUE;
    }
  if (jws != NULL)
    cjose_jws_release (jws);
  cjose_jwk_release (jwk);
  return ok;
}

#define REFUSE(...) G_STMT_START {                                          \
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,   \
                 __VA_ARGS__);                                              \
    return NULL;                                                            \
  } G_STMT_END

/* ---- ID token ----------------------------------------------------------- */

JsonObject *
techo_id_token_verify (const char              *id_token,
                       TechoJwks               *jwks,
                       const TechoIdTokenCheck *check,
                       gboolean                *out_unknown_key,
                       GError                 **error)
{
  static const char * const default_algs[] = { "RS256", NULL };
  const char * const *algs = check->algs != NULL ? check->algs : default_algs;
  TechoJsonLimits limits = { TECHO_OIDC_MAX_ID_TOKEN, 8, 0 };
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *printable = NULL;
  const char *first_dot, *second_dot, *alg, *kid, *azp, *nonce, *sub;
  JsonNode *aud;
  JsonObject *key;
  gboolean known = FALSE, aud_ok = FALSE;
  guint n_audiences = 0, candidates = 0;
  gsize length, payload_length = 0;
  gint64 exp = 0, iat = 0;

  if (out_unknown_key != NULL)
    *out_unknown_key = FALSE;
  length = id_token != NULL ? strnlen (id_token, TECHO_OIDC_MAX_ID_TOKEN + 1) : 0;
  if (length == 0)
    REFUSE ("The sign-in server sent no identity token (id_token), which OpenID Connect requires.");
  if (length > TECHO_OIDC_MAX_ID_TOKEN)
    REFUSE ("The sign-in server's identity token is longer than Techo accepts.");

  /* Compact JWS: three base64url parts; a JWE (five parts) is not used. */
  first_dot = strchr (id_token, '.');
  second_dot = first_dot != NULL ? strchr (first_dot + 1, '.') : NULL;
  if (first_dot == NULL || second_dot == NULL || strchr (second_dot + 1, '.') != NULL ||
      !is_base64url_part (id_token, first_dot - id_token, length) ||
      !is_base64url_part (first_dot + 1, second_dot - first_dot - 1, length) ||
      (second_dot[1] != '\0' &&
       !is_base64url_part (second_dot + 1, strlen (second_dot + 1), length)))
    REFUSE ("The sign-in server's identity token is not a signed token (JWS) Techo can read.");
  header = decode_json_part (id_token, first_dot - id_token);
  alg = header != NULL ? techo_json_get_string (header, "alg") : NULL;
  if (alg == NULL)
    REFUSE ("The sign-in server's identity token has no readable header.");
  printable = techo_http_printable (alg, 16);
  if (g_ascii_strcasecmp (alg, "none") == 0 || second_dot[1] == '\0')
    REFUSE ("The sign-in server's identity token is not signed (alg “none”); Techo refuses it.");
  if (g_str_has_prefix (alg, "HS"))
    REFUSE ("The sign-in server's identity token is signed with a shared secret (%s), which "
            "an application on your computer cannot check; Techo refuses it.", printable);
  for (guint i = 0; i < G_N_ELEMENTS (known_algs); i++)
    if (g_str_equal (known_algs[i].alg, alg))
      known = TRUE;
  if (!known || !strv_has (algs, alg))
    REFUSE ("The sign-in server's identity token is signed with %s, which the server does not "
            "announce or Techo does not accept.", printable);
  if (json_object_has_member (header, "crit"))
    REFUSE ("The sign-in server's identity token needs extensions (crit) Techo does not know.");

  kid = techo_json_get_string (header, "kid");
  key = find_key (jwks, alg, kid, &candidates);
  if (key == NULL || (kid == NULL && candidates > 1))
    {
      g_autofree char *kid_text = techo_http_printable (kid != NULL ? kid : "(none)", 64);

      if (out_unknown_key != NULL)
        *out_unknown_key = TRUE;
      REFUSE ("The sign-in server's identity token is signed with a key it does not publish "
              "(kid “%s”); Techo refuses it.", kid_text);
    }
  if (!verify_signature (id_token, key, &payload, &payload_length))
    REFUSE ("The signature of the sign-in server's identity token is wrong: it was not made "
            "with the server's published key. Techo refuses it.");

  claims = techo_json_parse_object_bounded (payload, payload_length, &limits, NULL);
  if (claims == NULL)
    REFUSE ("The sign-in server's identity token carries no readable claims.");

  if (!techo_issuer_equal (techo_json_get_string (claims, "iss"), check->issuer))
    REFUSE ("The identity token was issued by another server than the one signed in to (iss); "
            "Techo refuses it.");

  aud = json_object_get_member (claims, "aud");
  if (aud != NULL && JSON_NODE_HOLDS_VALUE (aud) && json_node_get_value_type (aud) == G_TYPE_STRING)
    {
      n_audiences = 1;
      aud_ok = g_strcmp0 (json_node_get_string (aud), check->client_id) == 0;
    }
  else if (aud != NULL && JSON_NODE_HOLDS_ARRAY (aud))
    {
      JsonArray *array = json_node_get_array (aud);

      n_audiences = json_array_get_length (array);
      for (guint i = 0; i < n_audiences; i++)
        {
          JsonNode *element = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
              g_strcmp0 (json_node_get_string (element), check->client_id) == 0)
            aud_ok = TRUE;
        }
    }
  if (!aud_ok)
    REFUSE ("The identity token was issued for another application (aud), not for Techo; "
            "Techo refuses it.");
  azp = techo_json_get_string (claims, "azp");
  if ((n_audiences > 1 || azp != NULL) && g_strcmp0 (azp, check->client_id) != 0)
    REFUSE ("The identity token names several applications and was not issued to Techo (azp); "
            "Techo refuses it.");

  if (!get_time (claims, "exp", &exp))
    REFUSE ("The identity token has no expiry time (exp).");
  if (exp + TECHO_OIDC_CLOCK_SKEW <= check->now)
    REFUSE ("The identity token has expired. If this computer's clock is right, sign in again.");
  if (!get_time (claims, "iat", &iat))
    REFUSE ("The identity token has no issue time (iat).");
  if (iat > check->now + TECHO_OIDC_CLOCK_SKEW ||
      iat < check->now - TECHO_OIDC_IAT_WINDOW - TECHO_OIDC_CLOCK_SKEW)
    REFUSE ("The identity token was issued at a time too far from now (iat); check that this "
            "computer's clock is right, then sign in again.");

  nonce = techo_json_get_string (claims, "nonce");
  if (check->nonce != NULL)
    {
      if (nonce == NULL)
        REFUSE ("The identity token lacks the one-time value (nonce) of this sign-in; it may be "
                "replayed. Techo refuses it.");
      if (strlen (nonce) != strlen (check->nonce) || !techo_secure_equal (nonce, check->nonce))
        REFUSE ("The identity token belongs to another sign-in (nonce mismatch); it may be "
                "replayed. Techo refuses it.");
    }

  sub = techo_json_get_string (claims, "sub");
  if (sub == NULL || *sub == '\0' || strlen (sub) > 255)
    REFUSE ("The identity token does not say who signed in (sub).");
  return g_steal_pointer (&claims);
}

#undef REFUSE

/* ---- Identity ----------------------------------------------------------- */

static const char * const identity_claims[] = {
  "sub", "name", "name#ja-Kana-JP", "birthdate", "gender",
};

static gboolean
is_plain_string (const char *value,
                 gsize       max)
{
  if (value == NULL || *value == '\0' || strlen (value) > max || !g_utf8_validate (value, -1, NULL))
    return FALSE;
  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

JsonObject *
techo_oidc_identity_from_claims (JsonObject *claims)
{
  g_autoptr(JsonObject) identity = json_object_new ();

  if (!is_plain_string (techo_json_get_string (claims, "sub"), 255))
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (identity_claims); i++)
    {
      const char *value = techo_json_get_string (claims, identity_claims[i]);

      if (is_plain_string (value, 255))
        json_object_set_string_member (identity, identity_claims[i], value);
    }
  return g_steal_pointer (&identity);
}

gboolean
techo_oidc_identity_merge_userinfo (JsonObject  *identity,
                                    JsonObject  *userinfo,
                                    GError     **error)
{
  if (g_strcmp0 (techo_json_get_string (userinfo, "sub"),
                 techo_json_get_string (identity, "sub")) != 0)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_ID_TOKEN,
                   "The sign-in server's user information describes another person than its "
                   "identity token (sub); Techo refuses it.");
      return FALSE;
    }
  for (guint i = 1; i < G_N_ELEMENTS (identity_claims); i++)
    {
      const char *value = techo_json_get_string (userinfo, identity_claims[i]);

      if (!json_object_has_member (identity, identity_claims[i]) && is_plain_string (value, 255))
        json_object_set_string_member (identity, identity_claims[i], value);
    }
  return TRUE;
}

TechoProfile *
techo_oidc_identity_to_profile (JsonObject *identity,
                                const char *issuer)
{
  TechoProfile *profile;
  const char *birthdate = techo_json_get_string (identity, "birthdate");
  const char *gender = techo_json_get_string (identity, "gender");

  if (techo_json_get_string (identity, "sub") == NULL)
    return NULL;
  profile = techo_profile_new ();
  profile->subject = g_strdup (techo_json_get_string (identity, "sub"));
  profile->issuer = g_strdup (issuer);
  profile->name = g_strdup (techo_json_get_string (identity, "name"));
  profile->name_kana = g_strdup (techo_json_get_string (identity, "name#ja-Kana-JP"));
  /* OpenID's birthdate may be "0000-MM-DD" or a year alone: keep a full
   * date only. */
  if (birthdate != NULL && strlen (birthdate) == 10 && birthdate[4] == '-' && birthdate[7] == '-')
    {
      guint year = 0, month = 0, day = 0;

      if (sscanf (birthdate, "%4u-%2u-%2u", &year, &month, &day) == 3 && year > 0 &&
          g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
        profile->birth_date = g_strdup (birthdate);
    }
  if (g_strcmp0 (gender, "male") == 0 || g_strcmp0 (gender, "female") == 0)
    profile->sex = g_strdup (gender);
  return profile;
}
