/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-cli-errors: techo-cli has a sentence with a next step for every
 * code of every library error domain, and prints it before the library's
 * own words. */

#include "config.h"

#include <string.h>

#include "techo-base.h"
#include "techo-cli.h"
#include "techo-formats.h"
#include "techo-import.h"
#include "techo-shl-fetch.h"
#include "techo-portal.h"
#include "techo-records.h"
#include "techo-render.h"
#include "techo-share.h"
#include "techo-store.h"

static const struct
{
  const char *name;
  GQuark (*quark) (void);
  int n_codes;
} domains[] = {
  { "consent", techo_consent_error_quark, TECHO_CONSENT_N_ERRORS },
  { "export", techo_export_error_quark, TECHO_EXPORT_N_ERRORS },
  { "shl", techo_shl_error_quark, TECHO_SHL_N_ERRORS },
  { "shl_fetch", techo_shl_fetch_error_quark, TECHO_SHL_FETCH_N_ERRORS },
  { "disclosure", techo_disclosure_error_quark, TECHO_DISCLOSURE_N_ERRORS },
  { "host", techo_host_error_quark, TECHO_HOST_N_ERRORS },
  { "share_host", techo_share_host_error_quark, TECHO_SHARE_HOST_N_ERRORS },
  { "share", techo_share_error_quark, TECHO_SHARE_N_ERRORS },
  { "report", techo_report_error_quark, TECHO_REPORT_N_ERRORS },
  { "qr", techo_qr_error_quark, TECHO_QR_N_ERRORS },
  { "cda", techo_cda_error_quark, TECHO_CDA_N_ERRORS },
  { "csv", techo_csv_error_quark, TECHO_CSV_N_ERRORS },
  { "fhir", techo_fhir_error_quark, TECHO_FHIR_N_ERRORS },
  { "jahis", techo_jahis_error_quark, TECHO_JAHIS_N_ERRORS },
  { "mhlw", techo_mhlw_error_quark, TECHO_MHLW_N_ERRORS },
  { "qr_image", techo_qr_image_error_quark, TECHO_QR_IMAGE_N_ERRORS },
  { "store", techo_store_error_quark, TECHO_STORE_N_ERRORS },
  { "vault", techo_vault_error_quark, TECHO_VAULT_N_ERRORS },
  { "json", techo_json_error_quark, TECHO_JSON_N_ERRORS },
  { "secure", techo_secure_error_quark, TECHO_SECURE_N_ERRORS },
  { "import", techo_import_error_quark, TECHO_IMPORT_N_ERRORS },
  { "portal", techo_portal_error_quark, TECHO_PORTAL_N_ERRORS },
};

static void
test_every_code (void)
{
  for (guint d = 0; d < G_N_ELEMENTS (domains); d++)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      for (int code = 0; code < domains[d].n_codes; code++)
        {
          g_autoptr(GError) error = g_error_new_literal (domains[d].quark (), code, "detail");
          const char *sentence = techo_cli_error_sentence (error);

          if (sentence == NULL)
            g_test_message ("%s code %d has no sentence", domains[d].name, code);
          g_assert_nonnull (sentence);
          g_assert_cmpuint (strlen (sentence), >, 10);
          /* A sentence of its own per code. */
          g_assert_false (g_hash_table_contains (seen, sentence));
          g_hash_table_add (seen, (gpointer) sentence);
        }
      {
        g_autoptr(GError) past = g_error_new_literal (domains[d].quark (), domains[d].n_codes, "x");

        g_assert_null (techo_cli_error_sentence (past));
      }
    }
}

/* What a failed command prints: the sentence, then the library's words. */
static GString *printed;

static void
capture_printerr (const char *text)
{
  g_string_append (printed, text);
}

static void
test_print (void)
{
  g_autoptr(GError) error = g_error_new_literal (TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                                                 "the refresh token was refused");
  g_autoptr(GError) other = g_error_new_literal (G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE,
                                                 "unknown domain words");
  GPrintFunc old;

  printed = g_string_new (NULL);
  old = g_set_printerr_handler (capture_printerr);
  techo_cli_print_error (error);
  techo_cli_print_error (other);
  g_set_printerr_handler (old);
  g_assert_cmpstr (printed->str, ==,
                   "techo-cli: Not signed in to My Number Portal; run “techo-cli login”.\n"
                   "  (the refresh token was refused)\n"
                   "techo-cli: unknown domain words\n");
  g_string_free (printed, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli-errors/every-code", test_every_code);
  g_test_add_func ("/cli-errors/print", test_print);
  return g_test_run ();
}
