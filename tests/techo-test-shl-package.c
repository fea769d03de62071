/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-shl-package JWE_FILE [JSON_FILE]: makes the test store of
 * techo-test-export.c, exports it as Techo's FHIR bundle with a Consent
 * of the share, encrypts it as an SHL package with a fresh key, writes the
 * JWE to JWE_FILE (and the plain bundle to JSON_FILE, for a test to look
 * at), and prints "key=<base64url>" on stdout. Used by the share-host
 * and browser tests, which are scripts. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "techo-fhir.h"
#include "techo-host-client.h"
#include "techo-secure.h"
#include "techo-shl.h"
#include "techo-test-export.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TechoTestExport) fixture = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  guint categories = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *jwe = NULL;
  g_autofree char *key64 = NULL;
  guint8 key[TECHO_SHL_KEY_BYTES];

  if (argc < 2)
    {
      g_printerr ("usage: %s JWE_FILE [JSON_FILE]\n", argv[0]);
      return 2;
    }
  fixture = techo_test_export_new ();
  set = techo_test_export_all (fixture);
  json = techo_fhir_export (set, TECHO_FHIR_NONE, &error);
  g_assert_no_error (error);
  g_assert_true (techo_consent_categories_parse ("all", &categories, NULL));
  consent = techo_consent_new ("みなと内科クリニック 佐藤医師", "糖尿病の定期診察", categories,
                               TECHO_CONSENT_METHOD_SHARE);
  consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600;
  bundle = techo_host_bundle_with_consent (json, consent, &error);
  g_assert_no_error (error);
  g_assert_true (techo_random_bytes (key, sizeof key, NULL));
  jwe = techo_shl_encrypt (key, sizeof key, TECHO_SHL_CONTENT_FHIR, bundle, strlen (bundle),
                           &error);
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (argv[1], jwe, -1, NULL));
  if (argc > 2)
    g_assert_true (g_file_set_contents (argv[2], bundle, -1, NULL));
  key64 = techo_base64url_encode (key, sizeof key);
  printf ("key=%s\n", key64);
  return 0;
}
