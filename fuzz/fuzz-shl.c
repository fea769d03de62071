/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-shl: the SMART Health Link payload under libFuzzer. An input that
 * holds "shlink:/" is a link to decode; any other is a compact JWE to open
 * with a fixed key (bytes 0…31, as the seeds in tests/corpus/shl/ are made),
 * DEFLATE included. Each must be read or refused with a TECHO_SHL_ERROR
 * and a message; a decoded link must encode and decode again the same. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-shl-payload.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;

  if (strstr (text, "shlink:/") != NULL)
    {
      g_autoptr(TechoShlPayload) p = techo_shl_link_decode (text, &error);
      g_autoptr(TechoShlPayload) again = NULL;
      g_autofree char *link = NULL;

      if (p == NULL)
        {
          if (error == NULL || error->domain != TECHO_SHL_ERROR || error->message[0] == '\0')
            abort ();
          return 0;
        }
      link = techo_shl_link_encode (p, &error);
      if (link == NULL)
        abort ();
      again = techo_shl_link_decode (link, &error);
      if (again == NULL || g_strcmp0 (again->url, p->url) != 0 ||
          memcmp (again->key, p->key, sizeof p->key) != 0 || again->exp != p->exp)
        abort ();
    }
  else
    {
      guint8 key[TECHO_SHL_KEY_BYTES];
      g_autoptr(GBytes) plain = NULL;

      for (guint i = 0; i < sizeof key; i++)
        key[i] = i;
      plain = techo_shl_decrypt (key, sizeof key, text, &error);
      if (plain == NULL &&
          (error == NULL || error->domain != TECHO_SHL_ERROR || error->message[0] == '\0'))
        abort ();
      if (plain != NULL && g_bytes_get_size (plain) > TECHO_SHL_MAX_PLAIN_BYTES)
        abort ();
    }
  return 0;
}
