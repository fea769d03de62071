/* SPDX-License-Identifier: GPL-3.0-or-later */
/* scrypt through libcrypto, for the owner's PIN and share passcodes. */

#define G_LOG_DOMAIN "techo-secure"

#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "techo-scrypt.h"
#include "techo-secure.h"

#define SALT_LENGTH     16
#define KEY_LENGTH      32
#define MAX_SALT_LENGTH 64
#define MAX_ENCODED     200
/* scrypt's memory: 128 · r · N = 32 MiB at N = 2^15, r = 8, the cost Techo
 * writes; room for N = 2^16 (what a share host accepts). */
#define MAX_MEMORY      (128 * 1024 * 1024)

static gboolean
derive (const char   *secret,
        const guint8 *salt,
        gsize         salt_length,
        guint         log_n,
        guint         r,
        guint         p,
        guint8       *key)
{
  return EVP_PBE_scrypt (secret, strlen (secret), salt, salt_length, (guint64) 1 << log_n, r, p,
                         MAX_MEMORY, key, KEY_LENGTH) == 1;
}

char *
techo_scrypt_hash (const char  *secret,
                   guint        log_n,
                   guint        r,
                   guint        p,
                   GError     **error)
{
  guint8 salt[SALT_LENGTH], key[KEY_LENGTH];
  g_autofree char *salt64 = NULL;
  g_autofree char *key64 = NULL;

  g_return_val_if_fail (secret != NULL, NULL);
  if (!techo_random_bytes (salt, sizeof salt, error))
    return NULL;
  if (!derive (secret, salt, sizeof salt, log_n, r, p, key))
    {
      g_set_error_literal (error, TECHO_SECURE_ERROR, TECHO_SECURE_ERROR_HASH,
                           "The secret could not be hashed (scrypt failed).");
      return NULL;
    }
  salt64 = techo_base64url_encode (salt, sizeof salt);
  key64 = techo_base64url_encode (key, sizeof key);
  techo_wipe (key, sizeof key);
  return g_strdup_printf ("scrypt$%u$%u$%u$%s$%s", log_n, r, p, salt64, key64);
}

/* The cost, the salt and the key of @encoded, or FALSE. */
static gboolean
parse (const char  *encoded,
       guint       *log_n,
       guint       *r,
       guint       *p,
       guint8     **salt,
       gsize       *salt_length,
       guint8     **key)
{
  g_auto(GStrv) parts = NULL;
  gsize key_length = 0;
  guint64 n0, r0, p0;

  if (encoded == NULL || strlen (encoded) > MAX_ENCODED)
    return FALSE;
  parts = g_strsplit (encoded, "$", -1);
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "scrypt") != 0 ||
      !g_ascii_string_to_unsigned (parts[1], 10, 10, 20, &n0, NULL) ||
      !g_ascii_string_to_unsigned (parts[2], 10, 1, 16, &r0, NULL) ||
      !g_ascii_string_to_unsigned (parts[3], 10, 1, 4, &p0, NULL))
    return FALSE;
  *salt = techo_base64url_decode (parts[4], salt_length);
  *key = techo_base64url_decode (parts[5], &key_length);
  if (*salt == NULL || *key == NULL || *salt_length < 8 || *salt_length > MAX_SALT_LENGTH ||
      key_length != KEY_LENGTH)
    {
      g_clear_pointer (salt, g_free);
      g_clear_pointer (key, g_free);
      return FALSE;
    }
  *log_n = n0;
  *r = r0;
  *p = p0;
  return TRUE;
}

gboolean
techo_scrypt_parse (const char *encoded,
                    guint      *log_n,
                    guint      *r,
                    guint      *p)
{
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *key = NULL;
  gsize salt_length = 0;

  return parse (encoded, log_n, r, p, &salt, &salt_length, &key);
}

gboolean
techo_scrypt_verify (const char *encoded,
                     const char *secret,
                     guint       min_log_n,
                     guint       min_r)
{
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  guint8 key[KEY_LENGTH];
  gsize salt_length = 0;
  guint log_n, r, p;
  guint8 diff = 0;

  if (secret == NULL || !parse (encoded, &log_n, &r, &p, &salt, &salt_length, &expected))
    return FALSE;
  /* The cost is read back, but never below what the caller sets. */
  if (log_n < min_log_n || r < min_r)
    return FALSE;
  if (!derive (secret, salt, salt_length, log_n, r, p, key))
    return FALSE;
  for (gsize i = 0; i < KEY_LENGTH; i++)
    diff |= key[i] ^ expected[i];
  techo_wipe (key, sizeof key);
  return diff == 0;
}
