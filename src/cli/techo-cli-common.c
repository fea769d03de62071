/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "techo-cli.h"
#include "techo-secure.h"

#define MAX_PASSPHRASE_BYTES 4096

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
  g_autofree char *passphrase_file = NULL;
  g_autofree char *title = g_strdup_printf ("%s%s%s", command,
                                            parameter_string ? " " : "",
                                            parameter_string ? parameter_string : "");
  const GOptionEntry common_entries[] = {
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Keep the store in DIR (default: $XDG_DATA_HOME/techo)", "DIR" },
    { "passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &passphrase_file,
      "Read the store's passphrase from FILE (also $TECHO_PASSPHRASE_FILE; a new store is "
      "then protected by it)", "FILE" },
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
  if (data_dir != NULL && *data_dir == '\0')
    {
      techo_cli_printerr ("--data-dir needs a folder, not an empty name (try “techo-cli %s --help”)",
                          command);
      return FALSE;
    }
  if (passphrase_file != NULL)
    {
      g_free (context->passphrase_file);
      context->passphrase_file = g_steal_pointer (&passphrase_file);
    }
  if (data_dir != NULL)
    {
      g_free (context->data_dir);
      context->data_dir = g_steal_pointer (&data_dir);
    }
  return TRUE;
}

char *
techo_cli_read_passphrase (TechoCliContext  *context,
                           GError          **error)
{
  const char *path = context->passphrase_file;
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (path == NULL)
    path = g_getenv ("TECHO_PASSPHRASE_FILE");
  if (path == NULL || *path == '\0')
    return NULL;
  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length > MAX_PASSPHRASE_BYTES || memchr (contents, '\0', length) != NULL)
    {
      techo_wipe (contents, length);
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s does not hold a passphrase (one line, under 4 KiB)", path);
      return NULL;
    }
  /* One trailing newline is the end of the line, not the passphrase. */
  if (length > 0 && contents[length - 1] == '\n')
    contents[--length] = '\0';
  if (length > 0 && contents[length - 1] == '\r')
    contents[--length] = '\0';
  return g_steal_pointer (&contents);
}

char *
techo_cli_prompt_passphrase (void)
{
  char buffer[MAX_PASSPHRASE_BYTES + 2];
  struct termios saved, quiet;
  char *result = NULL;
  int fd;
  FILE *tty;

  fd = open ("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  tty = fdopen (fd, "r+");
  if (tty == NULL)
    {
      close (fd);
      return NULL;
    }
  if (tcgetattr (fd, &saved) != 0)
    {
      fclose (tty);
      return NULL;
    }
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  fputs ("Passphrase of the store: ", tty);
  fflush (tty);
  if (tcsetattr (fd, TCSAFLUSH, &quiet) == 0)
    {
      if (fgets (buffer, sizeof buffer, tty) != NULL)
        {
          buffer[strcspn (buffer, "\r\n")] = '\0';
          result = g_strdup (buffer);
        }
      tcsetattr (fd, TCSAFLUSH, &saved);
    }
  fputs ("\n", tty);
  techo_wipe (buffer, sizeof buffer);
  fclose (tty);
  return result;
}
