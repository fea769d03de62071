/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli import FILE… [--profile ID] [--passcode-file FILE]: JAHIS
 * medication notebook text, CDA checkup XML, FHIR bundles and received
 * SMART Health Links into the store. One summary line per file on stdout; a
 * file that fails is reported on stderr and the others still import. Exit
 * 6 when any file held bad data, else the first other failure's status. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <string.h>

#include "techo-cda.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-import.h"
#include "techo-fhir.h"
#include "techo-jahis.h"
#include "techo-secure.h"
#include "techo-shl-fetch.h"
#include "techo-shl-payload.h"
#include "techo-store.h"

static int
exit_for_import_error (const GError *error)
{
  if (error->domain == TECHO_SHL_FETCH_ERROR &&
      error->code == TECHO_SHL_FETCH_ERROR_NETWORK)
    return TECHO_EXIT_NETWORK;
  if (error->domain == TECHO_SHL_FETCH_ERROR && error->code == TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE)
    return TECHO_EXIT_USAGE;
  if (error->domain == TECHO_JAHIS_ERROR || error->domain == TECHO_CDA_ERROR
      || error->domain == TECHO_FHIR_ERROR || error->domain == TECHO_SHL_ERROR
      || error->domain == TECHO_SHL_FETCH_ERROR
      || (error->domain == TECHO_IMPORT_ERROR && error->code != TECHO_IMPORT_ERROR_PROFILE))
    return TECHO_EXIT_DATA;
  if (error->domain == TECHO_IMPORT_ERROR)
    return TECHO_EXIT_USAGE;
  return techo_cli_exit_for_error (error);
}

static void
print_summary (const char              *path,
               const TechoImportResult *result)
{
  if (result->kind == TECHO_IMPORT_KIND_JAHIS)
    g_print ("%s: medication notebook (JAHIS), %u medicine line(s), %u new, "
             "%u note(s) left out, profile %" G_GINT64_FORMAT "%s\n",
             path, result->n_records, result->n_new, result->n_skipped, result->profile_id,
             result->profile_created ? " (new)" : "");
  else if (result->kind == TECHO_IMPORT_KIND_FHIR)
    g_print ("%s: FHIR bundle, %u checkup(s), %u screening(s), %u medicine line(s), %u new, "
             "profile %" G_GINT64_FORMAT "%s\n",
             path, result->n_checkups, result->n_screenings, result->n_medicines, result->n_new,
             result->profile_id, result->profile_created ? " (new)" : "");
  else
    g_print ("%s: checkup (CDA), %u new, kept with its document, profile %"
             G_GINT64_FORMAT "%s\n",
             path, result->n_new, result->profile_id,
             result->profile_created ? " (new)" : "");
}

int
techo_cli_import (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 profile_id = 0;
  int status = TECHO_EXIT_OK;
  g_autofree char *passcode_file = NULL;
  g_auto(TechoSecret) passcode = NULL;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_INT64, &profile_id,
      "Import into profile ID (needed when the store holds several people)", "ID" },
    { "passcode-file", 0, 0, G_OPTION_ARG_FILENAME, &passcode_file,
      "Read the passcode of a shared link (flag P) from FILE, never from the command line",
      "FILE" },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "import", "FILE…|SHLINK…",
                                "Import JAHIS medication notebook text (電子版お薬手帳, "
                                "CP932 or UTF-8), CDA checkup files (特定健診 XML), FHIR R4 "
                                "JSON bundles (健診結果報告書, 自治体検診, JP Core medicines, "
                                "Techo's own export) and SMART Health Links someone shared "
                                "(shlink:/… or a viewer URL ending in #shlink:/…). "
                                "Each row remembers the file's name and SHA-256; importing "
                                "a file again changes nothing. When the store holds nobody "
                                "yet, a local profile is made from the file's patient data.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc < 2)
    {
      techo_cli_printerr ("import needs at least one FILE");
      return TECHO_EXIT_USAGE;
    }
  if (profile_id < 0)
    {
      techo_cli_printerr ("--profile needs a positive profile id");
      return TECHO_EXIT_USAGE;
    }

  if (passcode_file != NULL)
    {
      gsize length = 0;

      if (!g_file_get_contents (passcode_file, &passcode, &length, &error))
        {
          techo_cli_printerr ("%s", error->message);
          return TECHO_EXIT_USAGE;
        }
      /* One line; the newline an editor adds is not part of it. */
      passcode[strcspn (passcode, "\r\n")] = '\0';
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    {
      techo_cli_printerr ("%s", error->message);
      return techo_cli_exit_for_error (error);
    }

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(TechoImportResult) result = NULL;
      g_autoptr(GError) file_error = NULL;
      int file_status;

      if (techo_shl_link_looks_like (argv[i]))
        {
          g_autoptr(GPtrArray) results = NULL;

          /* The link holds its key: it is never printed. */
          results = techo_import_shl_sync (store, profile_id, argv[i], passcode, NULL,
                                           &file_error);
          for (guint j = 0; results != NULL && j < results->len; j++)
            {
              const TechoImportResult *r = g_ptr_array_index (results, j);

              print_summary (r->file_name, r);
              profile_id = r->profile_id;
            }
          if (results != NULL)
            continue;
          techo_cli_printerr ("shared link: %s", file_error->message);
          file_status = exit_for_import_error (file_error);
          if (file_status == TECHO_EXIT_DATA || status == TECHO_EXIT_OK)
            status = file_status;
          continue;
        }
      if (techo_import_file_sync (store, profile_id, argv[i], &result, NULL, &file_error))
        {
          print_summary (argv[i], result);
          /* Later files go to the same person as the first. */
          profile_id = result->profile_id;
          continue;
        }
      techo_cli_printerr ("%s: %s", argv[i], file_error->message);
      file_status = exit_for_import_error (file_error);
      if (file_status == TECHO_EXIT_DATA || status == TECHO_EXIT_OK)
        status = file_status;
    }
  return status;
}
