/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli logout: revokes the portal grant and forgets the tokens; the
 * records already stored stay. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-oauth.h"
#include "techo-store.h"

int
techo_cli_logout (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoOAuth) oauth = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  gboolean revoked = FALSE;

  if (!techo_cli_parse_options (context, "logout", NULL,
                                "Sign out of the portal: the grant is revoked at the portal and "
                                "the tokens are removed from your keyring. Your records stay.",
                                NULL, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1)
    {
      techo_cli_printerr ("logout takes no arguments");
      return TECHO_EXIT_USAGE;
    }
  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    {
      /* The tokens live in the keyring, not in the store: a store that
       * cannot be opened (a full disk, a damaged file) must not keep the
       * user signed in. The sign-out then has no row in the audit log. */
      g_autoptr(TechoStore) closed = techo_store_new (context->data_dir);
      g_autoptr(GError) store_error = g_steal_pointer (&error);

      oauth = techo_oauth_new (techo_store_get_vault (closed));
      if (!techo_oauth_load_sync (oauth, NULL, &error))
        {
          if (error != NULL)
            goto failed;
          g_propagate_error (&error, g_steal_pointer (&store_error));
          goto failed;
        }
      if (!techo_oauth_sign_out_sync (oauth, &revoked, NULL, &error))
        goto failed;
      techo_cli_print_error (store_error);
      techo_cli_printerr ("The store could not be opened, so this sign-out is not in its log; "
                          "the tokens are forgotten all the same.");
      goto signed_out;
    }
  oauth = techo_cli_load_session (store, FALSE, &error);
  if (oauth == NULL)
    goto failed;
  if (!techo_oauth_is_signed_in (oauth))
    {
      g_print ("Not signed in; nothing to do.\n");
      return TECHO_EXIT_OK;
    }
  detail = g_strdup_printf ("issuer=%s", techo_oauth_get_issuer (oauth));
  if (!techo_oauth_sign_out_sync (oauth, &revoked, NULL, &error))
    goto failed;
  if (!techo_store_append_audit_sync (store, "sign-out", detail, NULL, &error))
    {
      /* Forgotten already; only the log row is missing (a full disk). */
      techo_cli_print_error (error);
      techo_cli_printerr ("This sign-out could not be written to the store's log; the tokens "
                          "are forgotten all the same.");
      g_clear_error (&error);
    }

signed_out:
  if (revoked)
    g_print ("Signed out; the portal revoked the grant. Your records stay on this computer.\n");
  else
    g_print ("Signed out; the tokens are forgotten, but the portal could not be told "
             "(it will let them expire). Your records stay on this computer.\n");
  return TECHO_EXIT_OK;

failed:
  return techo_cli_fail (error);
}
