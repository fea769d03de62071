/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "techo-cli.h"

void
techo_cli_printerr (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("techo-cli: %s\n", message);
}

gboolean
techo_cli_parse_options (TechoCliContext    *context,
                         const char         *command,
                         const char         *parameter_string,
                         const char         *description,
                         const GOptionEntry *entries,
                         int                *argc,
                         char             ***argv)
{
  g_autoptr(GOptionContext) option_context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *title = g_strdup_printf ("%s%s%s", command,
                                            parameter_string ? " " : "",
                                            parameter_string ? parameter_string : "");
  const GOptionEntry common_entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Keep the store in DIR (default: $XDG_DATA_HOME/techo)", "DIR" },
    { NULL }
  };

  option_context = g_option_context_new (title);
  g_option_context_set_summary (option_context, description);
  g_option_context_add_main_entries (option_context, common_entries, NULL);
  if (entries != NULL)
    g_option_context_add_main_entries (option_context, entries, NULL);
  g_option_context_set_description (option_context,
    "Exit status: 0 ok, 1 failure, 2 usage, 3 store locked or wrong key,\n"
    "4 not signed in, 5 portal unreachable, 6 bad data, 7 cancelled.");

  if (!g_option_context_parse (option_context, argc, argv, &error))
    {
      techo_cli_printerr ("%s (try “techo-cli %s --help”)", error->message, command);
      return FALSE;
    }
  if (data_dir != NULL)
    {
      g_free (context->data_dir);
      context->data_dir = g_steal_pointer (&data_dir);
    }
  return TRUE;
}
