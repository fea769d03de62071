/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli login: signs in to the portal with the system browser (or
 * prints the address with --no-browser), and what the portal commands
 * share: opening the store, the session and the exit status of an error. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <stdio.h>
#include <unistd.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-secure.h"
#include "techo-store.h"
#include "techo-sync.h"

/* How long login waits for the browser to come back. */
#define SIGN_IN_TIMEOUT 600

int
techo_cli_fail (const GError *error)
{
  techo_cli_print_error (error);
  return techo_cli_exit_for_error (error);
}

int
techo_cli_exit_for_error (const GError *error)
{
  if (error == NULL)
    return TECHO_EXIT_FAILURE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return TECHO_EXIT_CANCELLED;
  if (error->domain == TECHO_STORE_ERROR)
    switch (error->code)
      {
      case TECHO_STORE_ERROR_KEYRING_UNAVAILABLE:
      case TECHO_STORE_ERROR_WRONG_KEY:
      case TECHO_STORE_ERROR_PASSPHRASE_REQUIRED:
        return TECHO_EXIT_LOCKED;
      default:
        return TECHO_EXIT_FAILURE;
      }
  if (error->domain == TECHO_VAULT_ERROR)
    return TECHO_EXIT_LOCKED;
  if (error->domain == TECHO_PORTAL_ERROR)
    switch ((TechoPortalError) error->code)
      {
      case TECHO_PORTAL_ERROR_SIGN_IN:
      case TECHO_PORTAL_ERROR_CONSENT:
      case TECHO_PORTAL_ERROR_DENIED:
      case TECHO_PORTAL_ERROR_ID_TOKEN:
        return TECHO_EXIT_NOT_SIGNED_IN;
      case TECHO_PORTAL_ERROR_NETWORK:
      case TECHO_PORTAL_ERROR_REFUSED:
      case TECHO_PORTAL_ERROR_TIMEOUT:
      case TECHO_PORTAL_ERROR_UNAVAILABLE:
      case TECHO_PORTAL_ERROR_EXPIRED:
        return TECHO_EXIT_NETWORK;
      case TECHO_PORTAL_ERROR_TOO_LARGE:
      case TECHO_PORTAL_ERROR_BAD_DATA:
        return TECHO_EXIT_DATA;
      case TECHO_PORTAL_ERROR_PROTOCOL:
      case TECHO_PORTAL_ERROR_NOT_FOUND:
      case TECHO_PORTAL_ERROR_INSECURE:
      case TECHO_PORTAL_ERROR_BROWSER:
      case TECHO_PORTAL_ERROR_FAILED:
      default:
        return TECHO_EXIT_FAILURE;
      }
  return TECHO_EXIT_FAILURE;
}

TechoStore *
techo_cli_open_store (TechoCliContext  *context,
                      GError          **error)
{
  g_autoptr(TechoStore) store = techo_store_new (context->data_dir);
  g_autoptr(GError) local_error = NULL;
  char *passphrase;
  gboolean opened;

  passphrase = techo_cli_read_passphrase (context, error);
  if (passphrase == NULL && error != NULL && *error != NULL)
    return NULL;
  opened = techo_store_open_sync (store, passphrase, NULL, &local_error);
  if (passphrase != NULL)
    techo_wipe_free (passphrase);
  /* A passphrase store and nothing given: ask on the terminal, once. */
  if (!opened && passphrase == NULL && isatty (STDIN_FILENO) &&
      g_error_matches (local_error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_PASSPHRASE_REQUIRED) &&
      (passphrase = techo_cli_prompt_passphrase ()) != NULL)
    {
      g_clear_error (&local_error);
      g_clear_object (&store);
      store = techo_store_new (context->data_dir);
      opened = techo_store_open_sync (store, passphrase, NULL, &local_error);
      techo_wipe_free (passphrase);
    }
  if (!opened)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&store);
}

TechoOAuth *
techo_cli_load_session (TechoStore  *store,
                        gboolean     required,
                        GError     **error)
{
  g_autoptr(TechoOAuth) oauth = techo_oauth_new (techo_store_get_vault (store));
  g_autoptr(GError) local_error = NULL;

  if (!techo_oauth_load_sync (oauth, NULL, &local_error))
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (required)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                       "Not signed in to the portal; run “techo-cli login” first.");
          return NULL;
        }
    }
  return g_steal_pointer (&oauth);
}

gboolean
techo_cli_finish_sign_in (TechoStore  *store,
                          TechoOAuth  *oauth,
                          GError     **error)
{
  g_autoptr(TechoPortalClient) client = techo_portal_client_new (oauth, NULL);
  g_autofree char *detail = NULL;
  g_autoptr(TechoProfile) identity = NULL;
  guint granted = 0;
  GString *names = g_string_new (NULL);

  if (techo_sync_prepare_profile (store, oauth, client, &granted, NULL, error) == 0)
    {
      g_string_free (names, TRUE);
      return FALSE;
    }
  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    if (granted & (1u << c))
      g_string_append_printf (names, "%s%s", names->len > 0 ? " " : "",
                              techo_category_to_string ((TechoCategory) c));
  detail = g_strdup_printf ("issuer=%s client_id=%s granted=%s", techo_oauth_get_issuer (oauth),
                            techo_oauth_get_client_id (oauth), names->str);
  g_string_free (names, TRUE);
  if (!techo_store_append_audit_sync (store, "sign-in", detail, NULL, error))
    return FALSE;
  g_print ("Signed in to %s (consent until %s).\n", techo_oauth_get_issuer (oauth),
           techo_oauth_get_consent_expires_at (oauth) != NULL
           ? techo_oauth_get_consent_expires_at (oauth) : "unknown");
  identity = techo_oauth_dup_identity (oauth);
  if (identity != NULL)
    {
      /* Who the provider's checked ID token named; its words escaped. */
      g_autofree char *name = techo_http_printable (identity->name, 80);
      g_autofree char *subject = techo_http_printable (identity->subject, 80);

      if (*name != '\0')
        g_print ("Signed in as %s (subject %s).\n", name, subject);
      else
        g_print ("Signed in as subject %s.\n", subject);
    }
  return TRUE;
}

static gboolean
print_uri (const char  *uri,
           gpointer     user_data,
           GError     **error)
{
  /* Alone on its line, so a script or test can read it. */
  g_print ("%s\n", uri);
  fflush (stdout);
  return TRUE;
}

int
techo_cli_login (TechoCliContext *context,
                 int              argc,
                 char           **argv)
{
  g_autofree char *issuer = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *scope = NULL;
  gboolean no_browser = FALSE;
  int timeout = SIGN_IN_TIMEOUT;
  const GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_STRING, &issuer,
      "The portal's sign-in server (default: the one signed in to before)", "URL" },
    { "client-id", 0, 0, G_OPTION_ARG_STRING, &client_id,
      "The client id Techo is registered under (default: techo-desktop)", "ID" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
      "What to ask for (default: “checkup medication screening profile”)", "SCOPES" },
    { "no-browser", 0, 0, G_OPTION_ARG_NONE, &no_browser,
      "Print the sign-in address on one line of stdout instead of opening a browser", NULL },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout,
      "Seconds to wait for the sign-in to come back (default 600)", "SECONDS" },
    { NULL }
  };
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoOAuth) previous = NULL;
  g_autoptr(TechoOAuth) oauth = NULL;
  g_autoptr(GError) error = NULL;

  if (!techo_cli_parse_options (context, "login", NULL,
                                "Sign in to the portal. Techo opens the portal's sign-in page in "
                                "your web browser and waits for it on this computer's loopback "
                                "address; the tokens are kept in your keyring only.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1 || timeout <= 0)
    {
      techo_cli_printerr ("login takes no arguments (try “techo-cli login --help”)");
      return TECHO_EXIT_USAGE;
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  previous = techo_cli_load_session (store, FALSE, &error);
  if (previous == NULL)
    goto failed;
  if (issuer == NULL)
    issuer = g_strdup (techo_oauth_get_issuer (previous));
  if (client_id == NULL && techo_oauth_get_client_id (previous) != NULL)
    client_id = g_strdup (techo_oauth_get_client_id (previous));
  if (scope == NULL && techo_oauth_get_scopes (previous) != NULL)
    scope = g_strdup (techo_oauth_get_scopes (previous));
  if (issuer == NULL)
    {
      techo_cli_printerr ("which portal? give --issuer URL");
      return TECHO_EXIT_USAGE;
    }

  oauth = techo_oauth_new (techo_store_get_vault (store));
  if (!no_browser)
    g_printerr ("Opening the portal's sign-in page in your web browser…\n");
  if (!techo_oauth_sign_in_sync (oauth, issuer, client_id, scope,
                                 no_browser ? print_uri : techo_oauth_open_uri_in_browser, NULL,
                                 timeout, NULL, &error))
    goto failed;
  if (!techo_cli_finish_sign_in (store, oauth, &error))
    goto failed;
  return TECHO_EXIT_OK;

failed:
  return techo_cli_fail (error);
}
