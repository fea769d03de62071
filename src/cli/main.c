/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli: the Techo core from a terminal.
 *
 *   techo-cli [--data-dir DIR] COMMAND [OPTIONS…]
 *
 * --data-dir may stand before or after the command. */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "techo-cli.h"

static void
print_usage (void)
{
  guint n_commands = 0;
  const TechoCliCommand *commands = techo_cli_commands (&n_commands);

  g_print ("Usage: techo-cli [--data-dir DIR] [--passphrase-file FILE] COMMAND [OPTIONS…]\n"
           "       techo-cli --version\n\n"
           "Techo keeps your checkups, medicines and cancer screenings encrypted\n"
           "on this computer. Commands:\n");
  for (guint i = 0; i < n_commands; i++)
    g_print ("  %-12s %s\n", commands[i].name, commands[i].summary);
  g_print ("\n“techo-cli COMMAND --help” describes a command.\n"
           "Exit status: 0 ok, 1 failure, 2 usage, 3 store locked or wrong key,\n"
           "4 not signed in, 5 portal unreachable, 6 bad data, 7 cancelled.\n");
}

/* The index in @argv of the command word: the first argument that is not an
 * option nor the value of --data-dir. */
static int
find_command (int    argc,
              char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--data-dir") == 0 || strcmp (argv[i], "--passphrase-file") == 0)
        {
          i++;
          continue;
        }
      if (argv[i][0] != '-')
        return i;
    }
  return -1;
}

int
main (int   argc,
      char *argv[])
{
  TechoCliContext context = { NULL };
  guint n_commands = 0;
  const TechoCliCommand *commands = techo_cli_commands (&n_commands);
  g_autofree char **command_argv = NULL;
  int command_index;
  int status;

  setlocale (LC_ALL, "");
  /* stdout carries results (a URL, --json): GLib's messages go to stderr
   * even with G_MESSAGES_DEBUG set. */
  g_log_writer_default_set_use_stderr (TRUE);

  command_index = find_command (argc, argv);
  if (command_index < 0)
    {
      for (int i = 1; i < argc; i++)
        {
          if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
            {
              print_usage ();
              return TECHO_EXIT_OK;
            }
          /* The usual spelling of the `version` command. */
          if (strcmp (argv[i], "--version") == 0)
            {
              g_print ("techo-cli %s\n", PACKAGE_VERSION);
              return TECHO_EXIT_OK;
            }
        }
      print_usage ();
      return TECHO_EXIT_USAGE;
    }

  for (guint i = 0; i < n_commands; i++)
    {
      int command_argc = 0;

      if (strcmp (commands[i].name, argv[command_index]) != 0)
        continue;

      /* The command sees "techo-cli COMMAND" as argv[0] and every other
       * argument, wherever it stood. */
      command_argv = g_new0 (char *, argc + 1);
      command_argv[command_argc++] = argv[0];
      for (int j = 1; j < argc; j++)
        if (j != command_index)
          command_argv[command_argc++] = argv[j];

      context.data_dir = g_build_filename (g_get_user_data_dir (), "techo", NULL);
      status = commands[i].run (&context, command_argc, command_argv);
      g_free (context.data_dir);
      g_free (context.passphrase_file);
      return status;
    }

  techo_cli_printerr ("unknown command “%s” (try “techo-cli --help”)", argv[command_index]);
  return TECHO_EXIT_USAGE;
}
