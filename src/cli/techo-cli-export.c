/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli export --format fhir|csv|cda|pdf [--categories LIST]
 *   [--from DATE] [--to DATE] [--last-checkups N] [--cancers LIST]
 *   [--current-medicines] --recipient TEXT --purpose TEXT --out PATH
 *
 * Refuses to run without a recipient and a purpose; the consent is
 * recorded before anything is read for export, the files are written
 * atomically (0600), and what was written becomes an event of the
 * consent. Also holds the option helpers `share` uses. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-consent.h"
#include "techo-export.h"
#include "techo-store.h"

void
techo_cli_scope_clear (TechoCliScope *scope)
{
  g_clear_pointer (&scope->cancers, g_free);
}

/* Today as YYYY-MM-DD, local time; TECHO_TODAY overrides it, as in the
 * app (tests and demos). */
static char *
today (void)
{
  const char *fixed = g_getenv ("TECHO_TODAY");
  g_autoptr(GDateTime) now = NULL;

  if (fixed != NULL && fixed[0] != '\0')
    return g_strdup (fixed);
  now = g_date_time_new_now_local ();
  return g_date_time_format (now, "%Y-%m-%d");
}

TechoConsent *
techo_cli_consent_from_options (const char           *recipient,
                                const char           *purpose,
                                const char           *categories,
                                const char           *from,
                                const char           *to,
                                const TechoCliScope  *scope,
                                TechoConsentMethod    method,
                                gint64                expires_at,
                                GError              **error)
{
  g_autoptr(TechoConsent) consent = NULL;
  guint bits = 0;

  if (!techo_consent_categories_parse (categories != NULL ? categories : "all", &bits, error))
    return NULL;
  consent = techo_consent_new (recipient, purpose, bits, method);
  consent->period_from = g_strdup (from);
  consent->period_to = g_strdup (to);
  consent->expires_at = expires_at;
  if (scope != NULL && scope->last_checkups != 0)
    {
      if (scope->last_checkups < 0 || scope->last_checkups > TECHO_RECORD_SCOPE_MAX_CHECKUPS)
        {
          g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                               "Give --last-checkups a number from 1 to 99.");
          return NULL;
        }
      consent->scope.last_checkups = (guint) scope->last_checkups;
    }
  if (scope != NULL && scope->cancers != NULL)
    consent->scope.cancers = g_strsplit (scope->cancers, ",", 0);
  if (scope != NULL && scope->current_medicines)
    consent->scope.current_on = today ();
  /* Each narrowing needs its category: asking for one that is not shared
   * is a mistake worth saying. */
  if (consent->scope.last_checkups > 0 && !(bits & (1u << TECHO_CATEGORY_CHECKUP)))
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "--last-checkups needs the checkup category.");
      return NULL;
    }
  if (consent->scope.cancers != NULL && !(bits & (1u << TECHO_CATEGORY_SCREENING)))
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "--cancers needs the screening category.");
      return NULL;
    }
  if (consent->scope.current_on != NULL && !(bits & (1u << TECHO_CATEGORY_MEDICATION)))
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "--current-medicines needs the medication category.");
      return NULL;
    }
  if (!techo_consent_validate (consent, g_get_real_time () / G_USEC_PER_SEC, error))
    return NULL;
  return g_steal_pointer (&consent);
}

int
techo_cli_exit_for_export_error (const GError *error)
{
  if (error->domain == TECHO_CONSENT_ERROR &&
      (error->code == TECHO_CONSENT_ERROR_MISSING || error->code == TECHO_CONSENT_ERROR_INVALID))
    return TECHO_EXIT_USAGE;
  if ((error->domain == TECHO_EXPORT_ERROR && error->code == TECHO_EXPORT_ERROR_FORMAT) ||
      (error->domain == TECHO_DISCLOSURE_ERROR && error->code == TECHO_DISCLOSURE_ERROR_METHOD))
    return TECHO_EXIT_USAGE;
  return techo_cli_exit_for_error (error);
}

int
techo_cli_export (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *categories = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *out = NULL;
  g_auto(TechoCliScope) scope = { 0 };
  gboolean documents = FALSE;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TechoExportFormat format;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_name, "fhir, csv, cda or pdf", "FORMAT" },
    { "categories", 0, 0, G_OPTION_ARG_STRING, &categories,
      "checkup, medication, screening (comma-separated; default: all)", "LIST" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "First date to include (YYYY-MM-DD)", "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last date to include (YYYY-MM-DD)", "DATE" },
    TECHO_CLI_SCOPE_ENTRIES (&scope),
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient,
      "Who receives it, e.g. “みどり内科 田中先生” (required)", "TEXT" },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, "What it is for (required)", "TEXT" },
    { "documents", 0, 0, G_OPTION_ARG_NONE, &documents,
      "FHIR: each checkup as a report document (Composition)", NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      "The file to write (fhir, pdf) or the folder to create (csv, cda)", "PATH" },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "export", NULL,
                                "Export your records under a consent that is recorded first.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1)
    {
      techo_cli_printerr ("export takes no arguments (try “techo-cli export --help”)");
      return TECHO_EXIT_USAGE;
    }
  if (format_name == NULL || !techo_export_format_from_string (format_name, &format) ||
      format == TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS)
    {
      techo_cli_printerr ("Choose --format fhir, csv, cda or pdf.");
      return TECHO_EXIT_USAGE;
    }
  if (documents)
    {
      if (format != TECHO_EXPORT_FORMAT_FHIR)
        {
          techo_cli_printerr ("--documents goes with --format fhir.");
          return TECHO_EXIT_USAGE;
        }
      format = TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS;
    }
  if (out == NULL)
    {
      techo_cli_printerr ("Say where to write the export with --out PATH.");
      return TECHO_EXIT_USAGE;
    }
  /* Everything about the consent is checked before the store is opened. */
  consent = techo_cli_consent_from_options (recipient, purpose, categories, from, to, &scope,
                                            techo_export_format_method (format), 0, &error);
  if (consent == NULL)
    {
      techo_cli_print_error (error);
      return techo_cli_exit_for_export_error (error);
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL ||
      !techo_export_run_sync (store, 0, consent, &(TechoExportFile) { format, out }, NULL,
                              &error))
    {
      if (consent->id != 0)
        techo_cli_printerr ("Consent %" G_GINT64_FORMAT " was recorded, but the export failed.",
                            consent->id);
      techo_cli_print_error (error);
      return techo_cli_exit_for_export_error (error);
    }
  g_printerr ("Exported under consent %" G_GINT64_FORMAT " to %s\n", consent->id, out);
  return TECHO_EXIT_OK;
}
