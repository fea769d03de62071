/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli backup --out FILE: an encrypted copy of the store, checked
 * before it is reported done. techo-cli restore --from FILE: replaces the
 * store with a backup after checking that the store's key opens it and that
 * it is whole; otherwise the store stays as it was. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-store.h"

/* Opens the store and runs @operation with @path, adding an audit row. */
static int
run_store_file_operation (TechoCliContext *context,
                          const char      *action,
                          const char      *path,
                          gboolean       (*operation) (TechoStore *, const char *,
                                                       GCancellable *, GError **))
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *detail = g_strdup_printf ("file=%s", absolute);

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  if (!operation (store, absolute, NULL, &error))
    goto failed;
  if (!techo_store_append_audit_sync (store, action, detail, NULL, &error))
    goto failed;
  return TECHO_EXIT_OK;

failed:
  return techo_cli_fail (error);
}

int
techo_cli_backup (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  g_autofree char *out = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out,
      "Write the backup to FILE (it must not exist yet)", "FILE" },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "backup", NULL,
                                "Write an encrypted copy of the store to a new file and check "
                                "it before reporting success. The copy opens with the same "
                                "key or passphrase as the store.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (out == NULL || argc > 1)
    {
      techo_cli_printerr ("backup needs --out FILE and no other arguments");
      return TECHO_EXIT_USAGE;
    }
  status = run_store_file_operation (context, "backup", out, techo_store_backup_sync);
  if (status == TECHO_EXIT_OK)
    g_print ("Backup written and checked: %s\n", out);
  return status;
}

int
techo_cli_restore (TechoCliContext *context,
                   int              argc,
                   char           **argv)
{
  g_autofree char *from = NULL;
  int status;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_FILENAME, &from,
      "Restore from the backup FILE", "FILE" },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "restore", NULL,
                                "Replace the store with a backup. The backup is checked first "
                                "(the store's key must open it and it must be whole); a damaged "
                                "backup or one made with another key is refused and the store "
                                "stays as it was.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (from == NULL || argc > 1)
    {
      techo_cli_printerr ("restore needs --from FILE and no other arguments");
      return TECHO_EXIT_USAGE;
    }
  status = run_store_file_operation (context, "restore", from, techo_store_restore_sync);
  if (status == TECHO_EXIT_OK)
    g_print ("Store restored from %s\n", from);
  return status;
}
