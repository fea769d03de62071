/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share-host [--bind ADDR] [--port N] [--data-dir DIR]
 *   [--public-url URL] [--tls-cert PEM --tls-key PEM] [--insecure-lan]
 *   [--viewer-dir DIR] [--upload-key-file FILE] [--max-connections N]
 *   [--max-connections-per-address N] [--request-timeout SECONDS]
 *   [--requests-per-minute N]
 *
 * Serves SMART Health Links from ciphertext kept in DIR, and the viewer
 * page at its base URL. Prints "url=<base URL>" alone on a line of stdout
 * once it listens; stops on SIGINT or SIGTERM. */

#define G_LOG_DOMAIN "techo-share-host"

#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>


#include "techo-secure.h"
#include "techo-share-host.h"
#include "techo-serve.h"

static char *
default_data_dir (void)
{
  const char *state = g_getenv ("STATE_DIRECTORY");  /* systemd's StateDirectory= */

  if (state != NULL && *state != '\0')
    return g_strdup (state);
  return g_build_filename (g_get_user_data_dir (), "techo-share-host", NULL);
}

static char *
read_key_file (const char  *path,
               GError     **error)
{
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  g_strstrip (data);
  if (*data == '\0' || strlen (data) > 256)
    {
      techo_wipe_free (data);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The upload key file %s must hold one key of 1 to 256 characters.", path);
      return NULL;
    }
  return data;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *bind = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *public_url = NULL;
  g_autofree char *tls_cert = NULL;
  g_autofree char *tls_key = NULL;
  g_autofree char *viewer_dir = NULL;
  g_autofree char *upload_key_file = NULL;
  gboolean insecure_lan = FALSE;
  TechoShareHostAddress address = { 0 };
  int port = 8443;
  int max_connections = -1, max_per_address = -1, timeout = -1, rate = -1;
  TechoShareHostLimits limits;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(TechoShareHost) host = NULL;
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, "IP address to listen on (127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (8443; 0 picks a free one)", "N" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Where the shares are kept", "DIR" },
    { "public-url", 0, 0, G_OPTION_ARG_STRING, &public_url,
      "The base URL the links name (behind a proxy)", "URL" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, "TLS certificate chain (PEM)", "PEM" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, "TLS private key (PEM)", "PEM" },
    { "insecure-lan", 0, 0, G_OPTION_ARG_NONE, &insecure_lan,
      "Allow plain HTTP on an address that is not loopback", NULL },
    { "viewer-dir", 0, 0, G_OPTION_ARG_FILENAME, &viewer_dir, "The viewer page's files", "DIR" },
    { "upload-key-file", 0, 0, G_OPTION_ARG_FILENAME, &upload_key_file,
      "Creating a share needs the key in this file", "FILE" },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections, "Open connections (256)", "N" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      "Open connections per client address (16)", "N" },
    { "request-timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      "Seconds a connection may take (15)", "SECONDS" },
    { "requests-per-minute", 0, 0, G_OPTION_ARG_INT, &rate,
      "Requests per client address and minute (120)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("— serve SMART Health Links from ciphertext");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("techo-share-host: %s\n", error->message);
      return 2;
    }
  techo_share_host_limits_init (&limits);
  if (port < 0 || port > 65535 || max_connections == 0 || max_per_address == 0 ||
      timeout == 0 || rate == 0)
    {
      g_printerr ("techo-share-host: a port is 0 to 65535, and each cap at least 1.\n");
      return 2;
    }
  if (max_connections > 0)
    limits.max_connections = max_connections;
  if (max_per_address > 0)
    limits.max_connections_per_address = max_per_address;
  if (timeout > 0)
    limits.request_timeout = timeout;
  if (rate > 0)
    limits.requests_per_minute = rate;
  if (data_dir == NULL)
    data_dir = default_data_dir ();
  if (viewer_dir == NULL)
    viewer_dir = g_strdup (TECHO_VIEWER_DIR);

  host = techo_share_host_new (data_dir, viewer_dir, &limits, &error);
  if (host == NULL)
    {
      g_printerr ("techo-share-host: %s\n", error->message);
      return 1;
    }
  if (upload_key_file != NULL)
    {
      g_auto(TechoSecret) key = read_key_file (upload_key_file, &error);

      if (key == NULL)
        {
          g_printerr ("techo-share-host: %s\n", error->message);
          return 1;
        }
      techo_share_host_set_upload_key (host, key);
    }
  address.bind = bind;
  address.port = (guint) port;
  address.public_url = public_url;
  address.tls_cert = tls_cert;
  address.tls_key = tls_key;
  address.insecure_lan = insecure_lan;
  if (!techo_share_host_listen (host, &address, &error))
    {
      g_printerr ("techo-share-host: %s\n", error->message);
      return 1;
    }
  g_message ("Serving %u share(s) from %s.", techo_share_host_get_n_shares (host), data_dir);
  techo_serve_until_signal ("url", techo_share_host_get_base_url (host));
  return 0;
}
