/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SMART Health Links: making JWE packages with cjose. Opening them and
 * the shlink payload are in the formats area (techo-shl-payload.c). */

#define G_LOG_DOMAIN "techo-shl"

#include "config.h"

#include <string.h>

#include <cjose/cjose.h>

#include "techo-secure.h"
#include "techo-shl.h"

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

  jwk = techo_shl_key_new (key, key_length, error);
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

char *
techo_shl_new_path_token (GError **error)
{
  return techo_random_token (32, error);
}
