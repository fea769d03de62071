/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli share [--categories LIST] [--from DATE] [--to DATE]
 *   [--last-checkups N] [--cancers LIST] [--current-medicines]
 *   --recipient TEXT --purpose TEXT --expires DURATION [--passcode TEXT |
 *   --passcode-file FILE]
 *   [--bind ADDR] [--port N] [--label TEXT] [--qr PNG]
 * techo-cli share … --host URL [--passcode-file FILE|-] [--direct]
 *
 * With --host, the ciphertext goes to a share host (techo-share-host) that
 * serves it from then on, with Techo closed: it prints the shlink:/ alone
 * on one line and "viewer=<host>/#shlink:/…" alone on another, writes the
 * QR of the viewer URL, and exits. The passcode then comes from a file,
 * standard input ("-") or a prompt, never from the command line.
 *
 * Records the consent, encrypts the FHIR bundle into a SMART Health Link
 * package, serves the ciphertext on ADDR (loopback by default), prints the
 * shlink:/ alone on one line of stdout, and serves until the expiry, a
 * revocation (techo-cli consents --revoke, or the app), or Ctrl-C; on
 * Ctrl-C the consent is revoked so the ledger says the share ended. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <termios.h>
#include <unistd.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-consent.h"
#include "techo-host-client.h"
#include "techo-qr.h"
#include "techo-secure.h"
#include "techo-share-server.h"
#include "techo-store.h"

#define MAX_SHARE_SECONDS (366 * 24 * 3600)
#define WATCH_SECONDS 2

typedef struct
{
  GMainLoop *loop;
  TechoShareServer *server;
  gint64 consent_id;
  gint64 expires_at;
  gboolean interrupted;
} Serving;

/* "90s", "30m", "12h", "7d" or plain seconds. */
gint64
techo_cli_parse_duration (const char *text)
{
  char *end = NULL;
  gint64 n, unit = 1;

  if (text == NULL || !g_ascii_isdigit (*text))
    return -1;
  n = g_ascii_strtoll (text, &end, 10);
  if (g_strcmp0 (end, "") == 0 || g_strcmp0 (end, "s") == 0)
    unit = 1;
  else if (g_strcmp0 (end, "m") == 0)
    unit = 60;
  else if (g_strcmp0 (end, "h") == 0)
    unit = 3600;
  else if (g_strcmp0 (end, "d") == 0)
    unit = 86400;
  else
    return -1;
  if (n <= 0 || n > MAX_SHARE_SECONDS / unit)
    return -1;
  return n * unit;
}

static gboolean
interrupt_cb (gpointer data)
{
  Serving *s = data;

  s->interrupted = TRUE;
  g_main_loop_quit (s->loop);
  return G_SOURCE_CONTINUE;
}

/* Stops at the expiry, or once the consent is revoked elsewhere (the
 * server reads its consents again off this thread; no store call here:
 * this runs inside the main loop). */
static gboolean
watch_cb (gpointer data)
{
  Serving *s = data;

  if (!techo_share_server_is_live (s->server, s->consent_id))
    g_main_loop_quit (s->loop);
  return G_SOURCE_CONTINUE;
}

/* One line from @stream (at most 4 KiB), without its newline. */
static char *
read_secret_line (FILE *stream)
{
  char buffer[4096];
  char *line;

  if (fgets (buffer, sizeof buffer, stream) == NULL)
    {
      techo_wipe (buffer, sizeof buffer);
      return NULL;
    }
  buffer[strcspn (buffer, "\r\n")] = '\0';
  line = g_strdup (buffer);
  techo_wipe (buffer, sizeof buffer);
  return line;
}

/* Asks on the terminal with echo off. */
static char *
prompt_passcode (void)
{
  struct termios saved, quiet;
  char *line;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &saved) != 0)
    return NULL;
  quiet = saved;
  quiet.c_lflag &= ~(tcflag_t) ECHO;
  g_printerr ("Passcode for the share (the doctor types it): ");
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet);
  line = read_secret_line (stdin);
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  g_printerr ("\n");
  return line;
}

static int
share_to_host (TechoCliContext *context,
               const char      *host,
               TechoConsent    *consent,
               const char      *passcode,
               const char      *label,
               gboolean         direct,
               const char      *qr)
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *link = NULL;
  g_autofree char *viewer = NULL;
  TechoHostShareOptions options = { NULL, passcode, label, direct };

  base = techo_host_normalize_url (host, &error);
  if (base == NULL)
    {
      techo_cli_printerr ("%s", error->message);
      return TECHO_EXIT_USAGE;
    }
  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  options.host_url = base;
  link = techo_host_publish_sync (store, 0, consent, &options, &viewer, NULL, &error);
  if (link == NULL)
    goto failed;
  if (qr != NULL && !techo_qr_write_png (viewer, 8, qr, &error))
    {
      techo_host_revoke_sync (store, consent->id, NULL, NULL);
      goto failed;
    }
  g_print ("%s\nviewer=%s\n", link, viewer);
  fflush (stdout);
  g_printerr ("Shared under consent %" G_GINT64_FORMAT " on %s until the expiry; "
              "“techo-cli consents --revoke %" G_GINT64_FORMAT "” ends it at once.\n",
              consent->id, base, consent->id);
  return TECHO_EXIT_OK;

failed:
  techo_cli_printerr ("%s", error->message);
  if (error->domain == TECHO_HOST_ERROR)
    return error->code == TECHO_HOST_ERROR_INVALID ? TECHO_EXIT_USAGE : TECHO_EXIT_NETWORK;
  return techo_cli_exit_for_export_error (error);
}

int
techo_cli_share (TechoCliContext *context,
                 int              argc,
                 char           **argv)
{
  g_autofree char *categories = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *recipient = NULL;
  g_autofree char *purpose = NULL;
  g_autofree char *expires = NULL;
  g_autofree char *passcode = NULL;
  g_autofree char *passcode_file = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *label = NULL;
  g_autofree char *qr = NULL;
  g_autofree char *link = NULL;
  g_autofree char *host = NULL;
  g_auto(TechoCliScope) scope = { 0 };
  gint port = 0;
  gboolean direct = FALSE;
  gboolean no_passcode = FALSE;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoShareServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  TechoShareOptions options = { 0 };
  Serving serving = { 0 };
  gint64 lifetime;
  guint sources[3];
  const GOptionEntry entries[] = {
    { "categories", 0, 0, G_OPTION_ARG_STRING, &categories,
      "checkup, medication, screening (comma-separated; default: all)", "LIST" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, "First date to include (YYYY-MM-DD)", "DATE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, "Last date to include (YYYY-MM-DD)", "DATE" },
    TECHO_CLI_SCOPE_ENTRIES (&scope),
    { "recipient", 0, 0, G_OPTION_ARG_STRING, &recipient, "Who receives it (required)", "TEXT" },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose, "What it is for (required)", "TEXT" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      "How long the link works: 90s, 30m, 12h, 7d (required)", "DURATION" },
    { "passcode", 0, 0, G_OPTION_ARG_STRING, &passcode,
      "A passcode the recipient must give (10 wrong tries end the share)", "TEXT" },
    { "passcode-file", 0, 0, G_OPTION_ARG_FILENAME, &passcode_file,
      "Read the passcode from FILE (first line), out of sight of other users", "FILE" },
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind,
      "The IP address to serve on (default 127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "The port (default: any free one)", "N" },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, "A label for the link (≤ 80 characters)", "TEXT" },
    { "direct", 0, 0, G_OPTION_ARG_NONE, &direct,
      "Let the link fetch the file directly (U flag; not with --passcode)", NULL },
    { "qr", 0, 0, G_OPTION_ARG_FILENAME, &qr,
      "Also write the link (with --host, the viewer URL) as a QR code PNG", "PNG" },
    { "host", 0, 0, G_OPTION_ARG_STRING, &host,
      "Upload the ciphertext to this share host (https://…) and exit; it serves the link", "URL" },
    { "no-passcode", 0, 0, G_OPTION_ARG_NONE, &no_passcode,
      "With --host: do not ask for a passcode", NULL },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "share", NULL,
                                "Share your records as an encrypted SMART Health Link, "
                                "under a consent that is recorded first.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1)
    {
      techo_cli_printerr ("share takes no arguments (try “techo-cli share --help”)");
      return TECHO_EXIT_USAGE;
    }
  if (host != NULL && passcode != NULL)
    {
      techo_cli_printerr ("With --host, give the passcode with --passcode-file FILE (or - for "
                          "standard input) or at the prompt: on the command line other users "
                          "can see it.");
      return TECHO_EXIT_USAGE;
    }
  if (passcode_file != NULL && strcmp (passcode_file, "-") == 0)
    {
      passcode = read_secret_line (stdin);
      if (passcode == NULL || *passcode == '\0')
        {
          techo_cli_printerr ("No passcode on standard input (one line).");
          return TECHO_EXIT_USAGE;
        }
    }
  else if (passcode_file != NULL)
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (passcode != NULL || !g_file_get_contents (passcode_file, &contents, &length, &error) ||
          length > 4096)
        {
          techo_cli_printerr ("Give one passcode: --passcode or a readable --passcode-file "
                              "(one line).");
          return TECHO_EXIT_USAGE;
        }
      contents[strcspn (contents, "\r\n")] = '\0';
      passcode = g_strdup (contents);
      techo_wipe (contents, length);
    }
  lifetime = techo_cli_parse_duration (expires);
  if (lifetime <= 0)
    {
      techo_cli_printerr ("Say how long the link works with --expires, e.g. 30m, 12h or 7d "
                          "(at most a year).");
      return TECHO_EXIT_USAGE;
    }
  if (port < 0 || port > 65535 || (direct && passcode != NULL))
    {
      techo_cli_printerr ("Give a port from 0 to 65535, and --direct without --passcode.");
      return TECHO_EXIT_USAGE;
    }
  consent = techo_cli_consent_from_options (recipient, purpose, categories, from, to, &scope,
                                            TECHO_CONSENT_METHOD_SHARE,
                                            g_get_real_time () / G_USEC_PER_SEC + lifetime,
                                            &error);
  if (consent == NULL)
    {
      techo_cli_print_error (error);
      return techo_cli_exit_for_export_error (error);
    }

  if (host != NULL)
    {
      g_auto(TechoSecret) secret = NULL;

      if (passcode == NULL && !direct && !no_passcode)
        {
          passcode = prompt_passcode ();
          if (passcode == NULL || *passcode == '\0')
            {
              techo_cli_printerr ("Give a passcode (--passcode-file FILE, --passcode-file - "
                                  "for standard input, or at the prompt on a terminal), or say "
                                  "--no-passcode or --direct.");
              return TECHO_EXIT_USAGE;
            }
        }
      secret = g_steal_pointer (&passcode);
      return share_to_host (context, host, consent, secret, label, direct, qr);
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  server = techo_share_server_new (store);
  /* Listen before the consent is recorded: a busy port costs nothing. */
  if (!techo_share_server_listen (server, bind, port, &error))
    goto failed;
  options.passcode = passcode;
  options.label = label;
  options.direct = direct;
  link = techo_share_publish_sync (server, 0, consent, &options, NULL, &error);
  if (link == NULL)
    goto failed;
  if (qr != NULL && !techo_qr_write_png (link, 8, qr, &error))
    {
      techo_store_revoke_consent_sync (store, consent->id, NULL, NULL);
      goto failed;
    }

  g_print ("%s\n", link);
  fflush (stdout);
  g_printerr ("Serving under consent %" G_GINT64_FORMAT " at %s for %" G_GINT64_FORMAT
              " seconds; Ctrl-C stops it.\n",
              consent->id, techo_share_server_get_base_url (server), lifetime);

  loop = g_main_loop_new (NULL, FALSE);
  serving.loop = loop;
  serving.server = server;
  serving.consent_id = consent->id;
  serving.expires_at = consent->expires_at;
  sources[0] = g_unix_signal_add (SIGINT, interrupt_cb, &serving);
  sources[1] = g_unix_signal_add (SIGTERM, interrupt_cb, &serving);
  sources[2] = g_timeout_add_seconds (WATCH_SECONDS, watch_cb, &serving);
  g_main_loop_run (loop);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    g_source_remove (sources[i]);

  if (serving.interrupted)
    {
      if (!techo_store_revoke_consent_sync (store, consent->id, NULL, &error))
        goto failed;
      g_printerr ("Stopped: consent %" G_GINT64_FORMAT " is revoked.\n", consent->id);
      return TECHO_EXIT_CANCELLED;
    }
  g_printerr ("The share under consent %" G_GINT64_FORMAT " has ended.\n", consent->id);
  return TECHO_EXIT_OK;

failed:
  techo_cli_print_error (error);
  return techo_cli_exit_for_export_error (error);
}
