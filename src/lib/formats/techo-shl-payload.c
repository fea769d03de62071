/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMART Health Links: the shlink payload and opening a JWE file (cjose,
 * with raw DEFLATE through GIO's zlib decompressor). */

#define G_LOG_DOMAIN "techo-shl"

#include "config.h"

#include <string.h>

#include <cjose/cjose.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-shl-payload.h"

G_DEFINE_QUARK (techo-shl-error-quark, techo_shl_error)

#define LINK_PREFIX "shlink:/"

cjose_jwk_t *
techo_shl_key_new (const guint8  *key,
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
    g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_CRYPTO,
                 "The share key could not be prepared (%s).",
                 err.message != NULL ? err.message : "unknown error");
  return jwk;
}

/* Raw DEFLATE (RFC 1951) of @length bytes, refused past the cap. */
static GBytes *
inflate_raw (const guint8  *data,
             gsize          length,
             GError       **error)
{
  g_autoptr(GZlibDecompressor) z = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_at = 0;

  for (;;)
    {
      guint8 buffer[65536];
      gsize read = 0, written = 0;
      GConverterResult r;
      g_autoptr(GError) local = NULL;

      r = g_converter_convert (G_CONVERTER (z), data + in_at, length - in_at,
                               buffer, sizeof buffer, G_CONVERTER_INPUT_AT_END,
                               &read, &written, &local);
      if (r == G_CONVERTER_ERROR)
        {
          techo_wipe (out->data, out->len);
          g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                       "This share package is compressed, but its data is damaged (%s).",
                       local->message);
          return NULL;
        }
      in_at += read;
      g_byte_array_append (out, buffer, written);
      techo_wipe (buffer, written);
      if (out->len > TECHO_SHL_MAX_PLAIN_BYTES)
        {
          techo_wipe (out->data, out->len);
          g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_TOO_LARGE,
                       "This share package unpacks to more than %d MiB.",
                       TECHO_SHL_MAX_PLAIN_BYTES / (1024 * 1024));
          return NULL;
        }
      if (r == G_CONVERTER_FINISHED)
        break;
      if (read == 0 && written == 0)
        {
          techo_wipe (out->data, out->len);
          g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                               "This share package is compressed, but its data ends early.");
          return NULL;
        }
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A compact JWE for `dir` + A256GCM is five base64url parts: header, an
 * empty encrypted key, a 96-bit IV (16 characters), the ciphertext and a
 * 128-bit tag (22 characters). cjose asserts (aborts the process) on
 * base64url of a length 4n+1 and reads past an IV shorter than 12 bytes,
 * so the shape is checked here before cjose sees it. */
static gboolean
compact_shape_ok (const char *compact)
{
  static const gssize expected[5] = { -1, 0, 16, -1, 22 };
  guint part = 0;
  gsize run = 0;

  for (const char *p = compact; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (part >= 5 || run % 4 == 1 ||
              (expected[part] >= 0 && run != (gsize) expected[part]) ||
              (part == 0 && run == 0))
            return FALSE;
          part++;
          if (*p == '\0')
            break;
          run = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
        return FALSE;
      run++;
    }
  return part == 5;
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
  const char *zip;
  guint8 *plain = NULL;
  size_t plain_length = 0;
  GBytes *result = NULL;

  if (compact == NULL)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This share package is empty.");
      return NULL;
    }
  if (strlen (compact) > TECHO_SHL_MAX_JWE_BYTES)
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_TOO_LARGE,
                   "This share package is larger than %d MiB.",
                   TECHO_SHL_MAX_JWE_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!compact_shape_ok (compact))
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This is not a share package (a JWE of dir and A256GCM: five "
                           "base64url parts, a 96-bit IV and a 128-bit tag).");
      return NULL;
    }
  jwk = techo_shl_key_new (key, key_length, error);
  if (jwk == NULL)
    return NULL;
  jwe = cjose_jwe_import (compact, strlen (compact), &err);
  if (jwe == NULL)
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                   "This is not a share package (%s).",
                   err.message != NULL ? err.message : "not a JWE");
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
  zip = cjose_header_get (header, "zip", &err);
  if (zip != NULL && g_strcmp0 (zip, "DEF") != 0)
    {
      g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                   "This share package is compressed with “%s”, which Techo cannot unpack.",
                   zip);
      goto out;
    }
  plain = cjose_jwe_decrypt (jwe, jwk, &plain_length, &err);
  if (plain == NULL)
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_DECRYPT,
                           "This share package does not open with the link's key, or it "
                           "was changed.");
      goto out;
    }
  if (zip != NULL)
    result = inflate_raw (plain, plain_length, error);
  else if (plain_length > TECHO_SHL_MAX_PLAIN_BYTES)
    g_set_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_TOO_LARGE,
                 "This share package holds more than %d MiB.",
                 TECHO_SHL_MAX_PLAIN_BYTES / (1024 * 1024));
  else
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

gboolean
techo_shl_payload_has_flag (const TechoShlPayload *payload,
                            char                   flag)
{
  return payload->flag != NULL && strchr (payload->flag, flag) != NULL;
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

gboolean
techo_shl_link_looks_like (const char *text)
{
  return text != NULL && strstr (text, LINK_PREFIX) != NULL &&
         (g_str_has_prefix (text, LINK_PREFIX) || g_str_has_prefix (text, "https://") ||
          g_str_has_prefix (text, "http://"));
}

TechoShlPayload *
techo_shl_link_decode (const char  *link,
                       GError     **error)
{
  g_autoptr(TechoShlPayload) p = techo_shl_payload_new ();
  g_autoptr(JsonObject) object = NULL;
  g_autofree guint8 *json = NULL;
  g_autofree guint8 *key = NULL;
  TechoJsonLimits limits = { TECHO_SHL_MAX_LINK_BYTES, 4 };
  const char *at;
  const char *url, *flag, *label;
  gsize length = 0, key_length = 0;
  gint64 v = 1;

  if (link == NULL || strlen (link) > TECHO_SHL_MAX_LINK_BYTES ||
      (at = strstr (link, LINK_PREFIX)) == NULL)
    goto invalid;
  json = techo_base64url_decode (at + strlen (LINK_PREFIX), &length);
  if (json == NULL)
    goto invalid;
  object = techo_json_parse_object_bounded ((const char *) json, length, &limits, NULL);
  techo_wipe (json, length);
  if (object == NULL)
    goto invalid;
  /* `v` is optional and means version 1 when absent. */
  if (json_object_has_member (object, "v") &&
      (!techo_json_get_int64 (object, "v", &v) || v != 1))
    {
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This SMART Health Link is of a version Techo does not know.");
      return NULL;
    }
  url = techo_json_get_string (object, "url");
  flag = techo_json_get_string (object, "flag");
  label = techo_json_get_string (object, "label");
  if (url == NULL || techo_json_get_string (object, "key") == NULL)
    goto invalid;
  key = techo_base64url_decode (techo_json_get_string (object, "key"), &key_length);
  if (key == NULL || key_length != TECHO_SHL_KEY_BYTES)
    {
      if (key != NULL)
        techo_wipe (key, key_length);
      g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                           "This SMART Health Link's key is not a 256-bit key.");
      return NULL;
    }
  memcpy (p->key, key, sizeof p->key);
  techo_wipe (key, key_length);
  p->url = g_strdup (url);
  p->flag = g_strdup (flag);
  p->label = g_strdup (label);
  techo_json_get_int64 (object, "exp", &p->exp);
  if (!check_payload (p, error))
    return NULL;
  return g_steal_pointer (&p);

invalid:
  g_set_error_literal (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID,
                       "This is not a SMART Health Link (shlink:/…).");
  return NULL;
}
