/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli consents [--json] [--revoke ID] [--refresh]: the consent
 * ledger, newest first, with what left, when and to whom, and every
 * access. --revoke also deletes a hosted share from its host at once;
 * --refresh first takes the accesses the share hosts report. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <json-glib/json-glib.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-consent.h"
#include "techo-host-client.h"
#include "techo-json.h"
#include "techo-store.h"

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) utc = unix_time > 0 ? g_date_time_new_from_unix_utc (unix_time) : NULL;
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  return local != NULL ? g_date_time_format (local, "%Y-%m-%d %H:%M") : g_strdup ("—");
}

static void
print_consent (const TechoConsent *c,
               gint64              now)
{
  g_autofree char *created = format_time (c->created_at);
  g_autofree char *categories = techo_consent_categories_to_string (c->categories);
  const char *state = techo_consent_state (c, now);

  g_print ("#%" G_GINT64_FORMAT "  %s  %s  %s\n", c->id, created,
           techo_consent_method_to_string (c->method), state);
  if (c->profile_id > 0)
    g_print ("    whose: profile %" G_GINT64_FORMAT "\n", c->profile_id);
  g_print ("    to: %s\n    for: %s\n    what: %s", c->recipient, c->purpose, categories);
  if (c->period_from != NULL || c->period_to != NULL)
    g_print (" (%s – %s)", c->period_from ? c->period_from : "", c->period_to ? c->period_to : "");
  g_print ("\n");
  {
    g_autofree char *scope = techo_record_scope_to_string (&c->scope);

    if (scope != NULL)
      g_print ("    only: %s\n", scope);
  }
  if (c->expires_at > 0)
    {
      g_autofree char *until = format_time (c->expires_at);

      g_print ("    until: %s\n", until);
    }
  for (guint i = 0; i < c->events->len; i++)
    {
      const TechoConsentEvent *e = g_ptr_array_index (c->events, i);
      g_autofree char *at = format_time (e->at);

      g_print ("    %s  %-8s %s\n", at, e->event, e->detail != NULL ? e->detail : "");
    }
}

int
techo_cli_consents (TechoCliContext *context,
                    int              argc,
                    char           **argv)
{
  gboolean as_json = FALSE;
  gboolean refresh = FALSE;
  int status = TECHO_EXIT_OK;
  gint64 revoke = 0;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the ledger as JSON", NULL },
    { "revoke", 0, 0, G_OPTION_ARG_INT64, &revoke,
      "Revoke consent ID (a live share link stops working; a hosted one is deleted)", "ID" },
    { "refresh", 0, 0, G_OPTION_ARG_NONE, &refresh,
      "First ask the share hosts for the accesses of the shares kept there", NULL },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "consents", NULL,
                                "List every consent: what left, when, to whom, and every access.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1)
    {
      techo_cli_printerr ("consents takes no arguments (try “techo-cli consents --help”)");
      return TECHO_EXIT_USAGE;
    }
  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  if (revoke != 0)
    {
      if (!techo_host_revoke_sync (store, revoke, NULL, &error))
        goto failed;
      g_printerr ("Consent %" G_GINT64_FORMAT " is revoked.\n", revoke);
    }
  if (refresh)
    {
      g_autoptr(GError) refresh_error = NULL;
      gint64 added = techo_host_refresh_sync (store, NULL, &refresh_error);

      if (added < 0)
        {
          /* The ledger is still worth showing; the exit status says it is not current. */
          techo_cli_printerr ("%s", refresh_error->message);
          status = TECHO_EXIT_NETWORK;
        }
      else
        g_printerr ("%" G_GINT64_FORMAT " new access record(s) from the share hosts.\n", added);
    }
  list = techo_store_list_consents_sync (store, NULL, &error);
  if (list == NULL)
    goto failed;

  if (as_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (b);
      for (guint i = 0; i < list->len; i++)
        techo_consent_to_json (g_ptr_array_index (list, i), now, b);
      json_builder_end_array (b);
      root = json_builder_get_root (b);
      text = techo_json_node_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else if (list->len == 0)
    g_print ("No consents yet: nothing has been shared.\n");
  else
    for (guint i = 0; i < list->len; i++)
      print_consent (g_ptr_array_index (list, i), now);
  return status;

failed:
  techo_cli_print_error (error);
  if (error->domain == TECHO_CONSENT_ERROR)
    return TECHO_EXIT_USAGE;
  if (error->domain == TECHO_HOST_ERROR)
    return TECHO_EXIT_NETWORK;
  return techo_cli_exit_for_error (error);
}
