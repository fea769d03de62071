/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-secure"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "techo-secure.h"

G_DEFINE_QUARK (techo-secure-error-quark, techo_secure_error)

gboolean
techo_random_bytes (guint8  *buffer,
                    gsize    length,
                    GError **error)
{
  gsize filled = 0;

  while (filled < length)
    {
      ssize_t got = getrandom (buffer + filled, length - filled, 0);

      if (got < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, TECHO_SECURE_ERROR, TECHO_SECURE_ERROR_RANDOM,
                       "The system could not provide random numbers: %s",
                       g_strerror (saved_errno));
          return FALSE;
        }
      filled += got;
    }
  return TRUE;
}

void
techo_wipe (gpointer buffer,
            gsize    length)
{
  volatile guint8 *p = buffer;

  if (buffer == NULL)
    return;
  while (length-- > 0)
    *p++ = 0;
  /* Keep the stores above from being optimised away as dead. */
  __asm__ __volatile__ ("" : : "r" (buffer) : "memory");
}

void
techo_wipe_free (char *secret)
{
  if (secret == NULL)
    return;
  techo_wipe (secret, strlen (secret));
  g_free (secret);
}

char *
techo_hex_encode (const guint8 *data,
                  gsize         length)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (length * 2 + 1);

  for (gsize i = 0; i < length; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[length * 2] = '\0';
  return hex;
}

guint8 *
techo_hex_decode (const char *hex,
                  gsize      *out_length)
{
  gsize length = hex != NULL ? strlen (hex) : 0;
  g_autofree guint8 *data = NULL;

  if (hex == NULL || length % 2 != 0)
    return NULL;
  data = g_malloc (length / 2 + 1);
  for (gsize i = 0; i < length / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        {
          techo_wipe (data, i);
          return NULL;
        }
      data[i] = (guint8) (hi << 4 | lo);
    }
  if (out_length != NULL)
    *out_length = length / 2;
  return g_steal_pointer (&data);
}

char *
techo_base64url_encode (const guint8 *data,
                        gsize         length)
{
  char *text = g_base64_encode (data, length);
  gsize n = strlen (text);

  for (gsize i = 0; i < n; i++)
    {
      if (text[i] == '+')
        text[i] = '-';
      else if (text[i] == '/')
        text[i] = '_';
    }
  while (n > 0 && text[n - 1] == '=')
    text[--n] = '\0';
  return text;
}

guint8 *
techo_base64url_decode (const char *text,
                        gsize      *out_length)
{
  gsize n = strlen (text);
  g_autoptr(GString) padded = g_string_sized_new (n + 3);
  gsize decoded_length = 0;
  guint8 *decoded;

  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (padded, c);
    }
  if (n % 4 == 1)
    return NULL;
  while (padded->len % 4 != 0)
    g_string_append_c (padded, '=');
  decoded = g_base64_decode (padded->str, &decoded_length);
  if (out_length != NULL)
    *out_length = decoded_length;
  return decoded;
}

char *
techo_random_token (gsize    n_bytes,
                    GError **error)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  char *token;

  if (!techo_random_bytes (bytes, n_bytes, error))
    return NULL;
  token = techo_base64url_encode (bytes, n_bytes);
  techo_wipe (bytes, n_bytes);
  return token;
}

gboolean
techo_secure_equal (const char *a,
                    const char *b)
{
  gsize la, lb;
  guint8 diff = 0;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  if (la != lb)
    return FALSE;
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}
