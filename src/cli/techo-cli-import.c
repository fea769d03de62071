/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli import FILE… [--profile ID]: JAHIS medication notebook text and
 * CDA checkup XML into the store. One summary line per file on stdout; a
 * file that fails is reported on stderr and the others still import. Exit
 * 6 when any file held bad data, else the first other failure's status. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include "techo-cda.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-import.h"
#include "techo-jahis.h"
#include "techo-mhlw-xml.h"
#include "techo-store.h"

static int
exit_for_import_error (const GError *error)
{
  if (error->domain == TECHO_JAHIS_ERROR || error->domain == TECHO_CDA_ERROR
      || error->domain == TECHO_MHLW_ERROR
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
  else if (result->kind == TECHO_IMPORT_KIND_MHLW_XML
           && result->category == TECHO_CATEGORY_MEDICATION)
    g_print ("%s: 薬剤情報 (portal XML), %u medicine line(s), %u new, %u revised by "
             "電子処方箋 rows, %u treatment row(s) left out, profile %" G_GINT64_FORMAT "%s\n",
             path, result->n_records, result->n_new, result->n_revised, result->n_skipped,
             result->profile_id, result->profile_created ? " (new)" : "");
  else if (result->kind == TECHO_IMPORT_KIND_MHLW_XML)
    g_print ("%s: 特定健診情報 (portal XML), %u checkup(s), %u new, profile %"
             G_GINT64_FORMAT "%s\n",
             path, result->n_records, result->n_new, result->profile_id,
             result->profile_created ? " (new)" : "");
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
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_INT64, &profile_id,
      "Import into profile ID (needed when the store holds several people)", "ID" },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "import", "FILE…",
                                "Import JAHIS medication notebook text (電子版お薬手帳, "
                                "CP932 or UTF-8), CDA checkup files (特定健診 XML) and the "
                                "薬剤情報 / 特定健診情報 XML files saved from マイナポータル. "
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
