/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-secure.h: random bytes for keys and secrets, wiping secrets before
 * they are freed, and hex/base64url encodings. Every crypto path takes its
 * randomness from here (getrandom), never from g_random. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TECHO_SECURE_ERROR (techo_secure_error_quark ())

typedef enum
{
  TECHO_SECURE_ERROR_RANDOM, /* the kernel would not give random bytes */
  TECHO_SECURE_ERROR_HASH, /* scrypt could not run (not enough memory) */
  TECHO_SECURE_N_ERRORS /* not a code: how many codes there are */
} TechoSecureError;

GQuark    techo_secure_error_quark (void);

/* Fills @buffer with @length bytes from getrandom(); blocks until the
 * kernel's pool is ready. */
gboolean  techo_random_bytes   (guint8   *buffer,
                                gsize     length,
                                GError  **error);

/* Overwrites @length bytes at @buffer in a way the compiler keeps. */
void      techo_wipe           (gpointer  buffer,
                                gsize     length);

/* Wipes a NUL-terminated string, then frees it. NULL is allowed. */
void      techo_wipe_free      (char     *secret);

char     *techo_hex_encode     (const guint8 *data,
                                gsize         length);
/* Returns NULL unless @hex is exactly an even number of hex digits. */
guint8   *techo_hex_decode     (const char   *hex,
                                gsize        *out_length);

char     *techo_base64url_encode (const guint8 *data,
                                  gsize         length);
guint8   *techo_base64url_decode (const char   *text,
                                  gsize        *out_length);

/* A fresh random token of @n_bytes bytes, base64url without padding. */
char     *techo_random_token   (gsize    n_bytes,
                                GError **error);

/* Constant-time comparison of two strings of equal length. */
gboolean  techo_secure_equal   (const char *a,
                                const char *b);

/* g_auto(TechoSecret) wipes and frees a secret string on scope exit. */
typedef char *TechoSecret;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (TechoSecret, techo_wipe_free, NULL)

G_END_DECLS
