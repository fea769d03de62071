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
#include "techo-qr-image.h"
#include "techo-store.h"

static int
exit_for_import_error (const GError *error)
{
  if (error->domain == TECHO_JAHIS_ERROR || error->domain == TECHO_CDA_ERROR
      || error->domain == TECHO_QR_IMAGE_ERROR
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
  if (result->kind == TECHO_IMPORT_KIND_JAHIS || result->kind == TECHO_IMPORT_KIND_IMAGE)
    {
      if (result->kind == TECHO_IMPORT_KIND_IMAGE)
        g_print ("%s: %u QR code(s) read\n", path, result->n_codes);
      if (result->n_records > 0 || result->n_entries > 0)
        g_print ("%s: medication notebook (JAHIS), %u medicine line(s), %u new, "
                 "%u notebook entr%s (allergies, OTC, memos …), %u new, profile %"
                 G_GINT64_FORMAT "%s\n",
                 path, result->n_records, result->n_new, result->n_entries,
                 result->n_entries == 1 ? "y" : "ies", result->n_new_entries,
                 result->profile_id, result->profile_created ? " (new)" : "");
      if (result->n_parts_joined > 0)
        g_print ("%s: %u parts of multi-part data joined\n", path, result->n_parts_joined);
      if (result->n_parts_known > 0)
        g_print ("%s: %u part(s) of multi-part data imported whole before; nothing new\n",
                 path, result->n_parts_known);
      if (result->pending_data_id != NULL)
        g_print ("%s: %u part(s) of multi-part data %s kept until the rest arrives "
                 "(%u of %u held); import the other QR codes to finish it\n",
                 path, result->n_parts_pending, result->pending_data_id, result->pending_have,
                 result->pending_total);
      for (guint i = 0; result->warnings != NULL && i < result->warnings->len; i++)
        techo_cli_printerr ("%s: warning: %s", path,
                            (const char *) g_ptr_array_index (result->warnings, i));
      if (result->warnings != NULL && result->n_warnings > result->warnings->len)
        techo_cli_printerr ("%s: %u more warning(s)", path,
                            result->n_warnings - result->warnings->len);
      if (result->n_skipped > 0)
        g_print ("%s: %u record(s) of an unknown kind left out\n", path, result->n_skipped);
    }
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
                                "CP932 or UTF-8), photos or screenshots of its QR codes "
                                "(PNG, JPEG) and CDA checkup files (特定健診 XML). Parts "
                                "of multi-part QR data may come in several files or "
                                "imports; the parts are kept until the last arrives. "
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
