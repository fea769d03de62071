/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli.h: what every techo-cli command shares. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit codes, documented in `techo-cli --help` and README.md. */
typedef enum
{
  TECHO_EXIT_OK = 0,
  TECHO_EXIT_FAILURE = 1,      /* the command failed; stderr says why */
  TECHO_EXIT_USAGE = 2,        /* wrong options or arguments */
  TECHO_EXIT_LOCKED = 3,       /* the store could not be unlocked (keyring, passphrase, key) */
  TECHO_EXIT_NOT_SIGNED_IN = 4,/* sign in first, or sign in again */
  TECHO_EXIT_NETWORK = 5,      /* the portal could not be reached or kept failing */
  TECHO_EXIT_DATA = 6,         /* input data was malformed or over a limit */
  TECHO_EXIT_CANCELLED = 7,    /* interrupted by the user */
} TechoExit;

typedef struct
{
  char *data_dir; /* --data-dir, or $XDG_DATA_HOME/techo */
} TechoCliContext;

typedef int (*TechoCliCommandFunc) (TechoCliContext *context,
                                    int              argc,
                                    char           **argv);

typedef struct
{
  const char *name;
  const char *summary;
  TechoCliCommandFunc run;
} TechoCliCommand;

/* The table of commands, in techo-cli-commands.c. */
const TechoCliCommand *techo_cli_commands (guint *n_commands);

/* Parses @argv with @entries plus --data-dir; prints the error and returns
 * FALSE on bad usage. */
gboolean  techo_cli_parse_options (TechoCliContext *context,
                                   const char      *command,
                                   const char      *parameter_string,
                                   const char      *description,
                                   const GOptionEntry *entries,
                                   int             *argc,
                                   char          ***argv);

/* Prints "techo-cli: <message>" to stderr. */
void      techo_cli_printerr (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* What a failed command prints: the sentence for @error's (domain, code)
 * with the next step, then the library's message as the detail
 * (techo-cli-errors.c). */
void        techo_cli_print_error    (const GError *error);
/* The sentence alone, or NULL for a domain or code without one. */
const char *techo_cli_error_sentence (const GError *error);

G_END_DECLS
