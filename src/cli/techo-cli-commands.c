/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The table of techo-cli commands. Each command's code is in
 * techo-cli-<name>.c; add a line here when you add one. */

#include "config.h"

#include "techo-cli.h"
#include "techo-cli-commands.h"

static const TechoCliCommand commands[] = {
  { "version", "Print the version of Techo", techo_cli_version },
  { "login", "Sign in to the portal", techo_cli_login },
  { "demo-login", "Sign in to a local techo-sandbox as a demo citizen", techo_cli_demo_login },
  { "sync", "Fetch your records from the portal", techo_cli_sync },
  { "logout", "Sign out of the portal (your records stay)", techo_cli_logout },
  { "status", "Open or create the store and report what it holds", techo_cli_status },
  { "export", "Export records (FHIR, CSV, CDA, PDF) under a recorded consent", techo_cli_export },
  { "share", "Share records as an encrypted SMART Health Link", techo_cli_share },
  { "consents", "List the consent ledger (what left, when, to whom)", techo_cli_consents },
  { "backup", "Write an encrypted, checked copy of the store", techo_cli_backup },
  { "restore", "Replace the store with a checked backup", techo_cli_restore },
  { "import", "Import JAHIS medication notebook and CDA checkup files", techo_cli_import },
};

const TechoCliCommand *
techo_cli_commands (guint *n_commands)
{
  *n_commands = G_N_ELEMENTS (commands);
  return commands;
}

int
techo_cli_version (TechoCliContext *context,
                   int              argc,
                   char           **argv)
{
  if (!techo_cli_parse_options (context, "version", NULL,
                                "Print the version of Techo.", NULL, &argc, &argv))
    return TECHO_EXIT_USAGE;
  g_print ("techo-cli %s\n", PACKAGE_VERSION);
  return TECHO_EXIT_OK;
}
