/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMART Health Links: JWE packages with cjose, and the shlink payload. */

#define G_LOG_DOMAIN "techo-shl"

#include "config.h"

#include <string.h>

#include <cjose/cjose.h>
#include <json-glib/json-glib.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-shl.h"

G_DEFINE_QUARK (techo-shl-error-quark, techo_shl_error)

#define LINK_PREFIX "shlink:/"
/* A package larger than this is not ours to open. */
#define MAX_JWE_BYTES (96 * 1024 * 1024)

static gboolean
crypto_error (GError          **error,
              int               code,
              const char       *doing,
              const cjose_err  *err)
{
  /* cjose's messages name the failing step; they carry no key bytes. */
  g_set_error (error, TECHO_SHL_ERROR, code, "%s (%s).", doing,
               err->message != NULL ? err->message : "unknown error");
  return FALSE;
}

static cjose_jwk_t *
make_key (const guint8  *key,
          gsize          key_length,
          GError       **error)
{
  cjose_err err = { 0 };
  cjose_jwk_t *jwk;

  if (key == NULL || key_length != TECHO_SHL_KEY_BYTES)
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                   "A share key must be %d bytes.", TECHO_SHL_KEY_BYTES);
      return NULL;
    }
  jwk = cjose_jwk_create_oct_spec (key, key_length, &err);
  if (jwk == NULL)
    crypto_error (error, TECHO_SHL_ERROR_CRYPTO, "The share key could not be prepared", &err);
  return jwk;
}

char *
techo_shl_encrypt (const guint8  *key,
                   gsize          key_length,
                   const char    *content_type,
                   const void    *plaintext,
                   gsize          length,
                   GError       **error)
{
  cjose_err err = { 0 };
  cjose_jwk_t *jwk = NULL;
  cjose_header_t *header = NULL;
  cjose_jwe_t *jwe = NULL;
  char *compact = NULL;
  char *result = NULL;
  guint8 iv[TECHO_SHL_IV_BYTES];

  jwk = make_key (key, key_length, error);
  if (jwk == NULL)
    return NULL;
  /* A fresh IV per package, from getrandom like every secret here. */
  if (!techo_random_bytes (iv, sizeof iv, error))
    goto out;
  header = cjose_header_new (&err);
  if (header == NULL ||
      !cjose_header_set (header, CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR, &err) ||
      !cjose_header_set (header, CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM, &err) ||
      !cjose_header_set (header, CJOSE_HDR_CTY,
                         content_type != NULL ? content_type : TECHO_SHL_CONTENT_FHIR, &err))
    {
      crypto_error (error, TECHO_SHL_ERROR_CRYPTO, "The share package could not be made", &err);
      goto out;
    }
  jwe = cjose_jwe_encrypt_iv (jwk, header, iv, sizeof iv, plaintext, length, &err);
  if (jwe == NULL)
    {
      crypto_error (error, TECHO_SHL_ERROR_CRYPTO, "The share package could not be encrypted", &err);
      goto out;
    }
  compact = cjose_jwe_export (jwe, &err);
  if (compact == NULL)
    {
      crypto_error (error, TECHO_SHL_ERROR_CRYPTO, "The share package could not be written", &err);
      goto out;
    }
  result = g_strdup (compact);
  cjose_get_dealloc () (compact);

out:
  techo_wipe (iv, sizeof iv);
  if (jwe != NULL)
    cjose_jwe_release (jwe);
  if (header != NULL)
    cjose_header_release (header);
  cjose_jwk_release (jwk);
  return result;
}

GBytes *
techo_shl_decrypt (const guint8  *key,
                   gsize          key_length,
                   const char    *compact,
                   GError       **error)
{
  cjose_err err = { 0 };
  cjose_jwk_t *jwk = NULL;
  cjose_jwe_t *jwe = NULL;
  cjose_header_t *header;
  guint8 *plain = NULL;
  size_t plain_length = 0;
  GBytes *result = NULL;

  if (compact == NULL || strlen (compact) > MAX_JWE_BYTES)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This share package is missing or too large.");
      return NULL;
    }
  jwk = make_key (key, key_length, error);
  if (jwk == NULL)
    return NULL;
  jwe = cjose_jwe_import (compact, strlen (compact), &err);
  if (jwe == NULL)
    {
      crypto_error (error, TECHO_SHL_ERROR_INVALID, "This is not a share package", &err);
      goto out;
    }
  header = cjose_jwe_get_protected (jwe);
  if (g_strcmp0 (cjose_header_get (header, CJOSE_HDR_ALG, &err), CJOSE_HDR_ALG_DIR) != 0 ||
      g_strcmp0 (cjose_header_get (header, CJOSE_HDR_ENC, &err), CJOSE_HDR_ENC_A256GCM) != 0)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This share package is not encrypted as SMART Health Links "
                           "require (dir, A256GCM).");
      goto out;
    }
  plain = cjose_jwe_decrypt (jwe, jwk, &plain_length, &err);
  if (plain == NULL)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_DECRYPT,
                           "This share package does not open with this key, or it was changed.");
      goto out;
    }
  result = g_bytes_new (plain, plain_length);
  techo_wipe (plain, plain_length);
  cjose_get_dealloc () (plain);

out:
  if (jwe != NULL)
    cjose_jwe_release (jwe);
  cjose_jwk_release (jwk);
  return result;
}

TechoShlPayload *
techo_shl_payload_new (void)
{
  return g_new0 (TechoShlPayload, 1);
}

void
techo_shl_payload_free (TechoShlPayload *payload)
{
  if (payload == NULL)
    return;
  techo_wipe (payload->key, sizeof payload->key);
  g_free (payload->url);
  g_free (payload->flag);
  g_free (payload->label);
  g_free (payload);
}

static gboolean
check_payload (const TechoShlPayload  *p,
               GError                **error)
{
  const char *flag = p->flag != NULL ? p->flag : "";
  const char *order = "LPU";
  const char *at = order;

  if (p->url == NULL || strlen (p->url) > TECHO_SHL_MAX_URL ||
      !(g_str_has_prefix (p->url, "https://") || g_str_has_prefix (p->url, "http://")))
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                   "A share link's address must be an http(s) URL of at most %d characters.",
                   TECHO_SHL_MAX_URL);
      return FALSE;
    }
  for (const char *c = flag; *c != '\0'; c++)
    {
      const char *found = strchr (at, *c);

      if (found == NULL)
        {
          g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                               "A share link's flags are L, P and U, in that order.");
          return FALSE;
        }
      at = found + 1;
    }
  if (strchr (flag, 'U') != NULL && strchr (flag, 'P') != NULL)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "A share link with a passcode cannot point at the file directly.");
      return FALSE;
    }
  if (p->label != NULL && g_utf8_strlen (p->label, -1) > TECHO_SHL_MAX_LABEL)
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                   "A share link's label is at most %d characters.", TECHO_SHL_MAX_LABEL);
      return FALSE;
    }
  return TRUE;
}

char *
techo_shl_link_encode (const TechoShlPayload  *p,
                       GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(TechoSecret) key = NULL;
  g_auto(TechoSecret) json = NULL;
  g_auto(TechoSecret) encoded = NULL;

  if (!check_payload (p, error))
    return NULL;
  key = techo_base64url_encode (p->key, sizeof p->key);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "url");
  json_builder_add_string_value (b, p->url);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, key);
  if (p->exp > 0)
    {
      json_builder_set_member_name (b, "exp");
      json_builder_add_int_value (b, p->exp);
    }
  if (p->flag != NULL && *p->flag != '\0')
    {
      json_builder_set_member_name (b, "flag");
      json_builder_add_string_value (b, p->flag);
    }
  techo_json_builder_add_string (b, "label", p->label);
  json_builder_set_member_name (b, "v");
  json_builder_add_int_value (b, 1);
  json_builder_end_object (b);
  json = techo_json_builder_to_string (b);
  encoded = techo_base64url_encode ((const guint8 *) json, strlen (json));
  return g_strconcat (LINK_PREFIX, encoded, NULL);
}

TechoShlPayload *
techo_shl_link_decode (const char  *link,
                       GError     **error)
{
  g_autoptr(TechoShlPayload) p = techo_shl_payload_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autofree guint8 *json = NULL;
  g_autofree guint8 *key = NULL;
  const char *at;
  gsize length = 0, key_length = 0;
  gint64 v = 0;

  if (link == NULL || strlen (link) > TECHO_SHL_MAX_LINK_BYTES ||
      (at = strstr (link, LINK_PREFIX)) == NULL)
    goto invalid;
  json = techo_base64url_decode (at + strlen (LINK_PREFIX), &length);
  if (json == NULL)
    goto invalid;
  object = techo_json_parse_object_bounded ((const char *) json, length, NULL, NULL);
  techo_wipe (json, length);
  if (object == NULL ||
      !techo_json_get_int64 (object, "v", &v) || v != 1 ||
      techo_json_get_string (object, "url") == NULL ||
      techo_json_get_string (object, "key") == NULL)
    goto invalid;
  key = techo_base64url_decode (techo_json_get_string (object, "key"), &key_length);
  if (key == NULL || key_length != TECHO_SHL_KEY_BYTES)
    goto invalid;
  memcpy (p->key, key, sizeof p->key);
  techo_wipe (key, key_length);
  p->url = g_strdup (techo_json_get_string (object, "url"));
  p->flag = g_strdup (techo_json_get_string (object, "flag"));
  p->label = g_strdup (techo_json_get_string (object, "label"));
  techo_json_get_int64 (object, "exp", &p->exp);
  if (!check_payload (p, error))
    return NULL;
  return g_steal_pointer (&p);

invalid:
  g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                       "This is not a SMART Health Link (shlink:/…, version 1).");
  return NULL;
}

char *
techo_shl_new_path_token (GError **error)
{
  return techo_random_token (32, error);
}
