/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-id-token: the OpenID Connect checks under libFuzzer. The input is a
 * JWKS document, a newline, then an ID token (as the seeds in
 * tests/corpus/id-token/ are made). The JWKS is read or refused; the token
 * is then checked against it and must come back as claims or be refused
 * with TECHO_PORTAL_ERROR_ID_TOKEN and a message. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-json.h"
#include "techo-oidc.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const char * const algs[] = { "RS256", "ES256", "PS256", NULL };
  const uint8_t *newline = memchr (data, '\n', size);
  gsize jwks_size = newline != NULL ? (gsize) (newline - data) : size;
  g_autoptr(GBytes) jwks_json = g_bytes_new (data, jwks_size);
  g_autofree char *token = newline != NULL
                           ? g_strndup ((const char *) newline + 1, size - jwks_size - 1)
                           : g_strdup ("");
  g_autoptr(TechoJwks) jwks = NULL;
  g_autoptr(JsonObject) claims = NULL;
  g_autoptr(GError) error = NULL;
  TechoIdTokenCheck check = { "https://op.example", "techo-desktop", "n-0S6_WzA2Mj", algs,
                              1700000000 };
  gboolean unknown = FALSE;

  jwks = techo_jwks_parse (jwks_json, &error);
  if (jwks == NULL)
    {
      if (error == NULL || error->domain != TECHO_PORTAL_ERROR || error->message[0] == '\0')
        abort ();
      g_clear_error (&error);
    }
  claims = techo_id_token_verify (token, jwks, &check, &unknown, &error);
  if (claims == NULL && (error == NULL || !g_error_matches (error, TECHO_PORTAL_ERROR,
                                                            TECHO_PORTAL_ERROR_ID_TOKEN) ||
                         error->message[0] == '\0'))
    abort ();
  if (claims != NULL && (error != NULL || techo_json_get_string (claims, "sub") == NULL))
    abort ();
  return 0;
}
