/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli status [--json] [--passphrase-file FILE]: creates or opens the
 * store in the data dir and reports where it is, how it is protected, its
 * schema version, the profiles and the records per category.
 *
 * The report is gathered into a Status first, then printed as text or
 * JSON, so a new fact (sign-in, consent, …) is one field, one line in
 * status_to_json and one in status_print. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-oauth.h"
#include "techo-secure.h"
#include "techo-store.h"


typedef struct
{
  /* session: filled by the portal side when signed in */
  gboolean signed_in;
  char *session_unknown; /* why the session could not be read (the keyring
                          * is not there; a passphrase store opens without
                          * it), or NULL */
  char *issuer;
  char *client_id;
  char *scopes;
  char *consent_expires_at;

  /* store */
  char *path;
  TechoStoreMode mode;
  int schema_version;
  guint n_profiles;
  gint64 counts[TECHO_STORE_N_COUNTS];
  gint64 last_sync[TECHO_N_CATEGORIES]; /* Unix time, 0 never */
} Status;

static void
status_clear (Status *status)
{
  g_free (status->issuer);
  g_free (status->session_unknown);
  g_free (status->client_id);
  g_free (status->scopes);
  g_free (status->consent_expires_at);
  g_free (status->path);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Status, status_clear)

static gboolean
status_gather (TechoStore  *store,
               Status      *status,
               GError     **error)
{
  g_autoptr(GPtrArray) profiles = NULL;

  status->path = g_strdup (techo_store_get_path (store));
  status->mode = techo_store_get_mode (store);
  status->schema_version = techo_store_get_schema_version (store);

  /* The portal session lives in the keyring: tokens are never read out.
   * A passphrase store opens without the keyring; with none running, what
   * it holds is reported and the session said to be unknown. */
  {
    g_autoptr(GError) session_error = NULL;
    g_autoptr(TechoOAuth) oauth = techo_cli_load_session (store, FALSE, &session_error);

    if (oauth == NULL)
      {
        if (status->mode != TECHO_STORE_MODE_PASSPHRASE
            || !g_error_matches (session_error, TECHO_VAULT_ERROR,
                                 TECHO_VAULT_ERROR_UNAVAILABLE))
          {
            g_propagate_error (error, g_steal_pointer (&session_error));
            return FALSE;
          }
        status->session_unknown = g_strdup (session_error->message);
      }
    else
      {
        status->signed_in = techo_oauth_is_signed_in (oauth);
        status->issuer = g_strdup (techo_oauth_get_issuer (oauth));
        status->client_id = g_strdup (techo_oauth_get_client_id (oauth));
        status->scopes = g_strdup (techo_oauth_get_scopes (oauth));
        status->consent_expires_at = g_strdup (techo_oauth_get_consent_expires_at (oauth));
      }
  }

  profiles = techo_store_list_profiles_sync (store, NULL, error);
  if (profiles == NULL)
    return FALSE;
  status->n_profiles = profiles->len;

  for (guint i = 0; i < TECHO_STORE_N_COUNTS; i++)
    {
      status->counts[i] = techo_store_count_sync (store, 0, i, NULL, error);
      if (status->counts[i] < 0)
        return FALSE;
    }
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      status->last_sync[i] = techo_store_get_last_sync_sync (store, 0, i, NULL, error);
      if (status->last_sync[i] < 0)
        return FALSE;
    }
  return TRUE;
}

static char *
format_time (gint64 unix_time)
{
  g_autoptr(GDateTime) time = NULL;

  if (unix_time <= 0)
    return NULL;
  time = g_date_time_new_from_unix_utc (unix_time);
  return time != NULL ? g_date_time_format_iso8601 (time) : NULL;
}

/* {"signed_in":…,"issuer":…,"counts":{…},"last_sync":{…},"store":{…}} */
static JsonNode *
status_to_json (const Status *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);

  json_builder_set_member_name (builder, "signed_in");
  if (status->session_unknown != NULL)
    json_builder_add_null_value (builder); /* unknown: no keyring to ask */
  else
    json_builder_add_boolean_value (builder, status->signed_in);
  json_builder_set_member_name (builder, "issuer");
  if (status->issuer != NULL)
    json_builder_add_string_value (builder, status->issuer);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "client_id");
  if (status->client_id != NULL)
    json_builder_add_string_value (builder, status->client_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "scopes");
  if (status->scopes != NULL)
    json_builder_add_string_value (builder, status->scopes);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "consent_expires_at");
  if (status->consent_expires_at != NULL)
    json_builder_add_string_value (builder, status->consent_expires_at);
  else
    json_builder_add_null_value (builder);

  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < TECHO_STORE_N_COUNTS; i++)
    {
      json_builder_set_member_name (builder, techo_store_count_to_string (i));
      json_builder_add_int_value (builder, status->counts[i]);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "last_sync");
  json_builder_begin_object (builder);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      g_autofree char *when = format_time (status->last_sync[i]);

      json_builder_set_member_name (builder, techo_category_to_string (i));
      if (when != NULL)
        json_builder_add_string_value (builder, when);
      else
        json_builder_add_null_value (builder);
    }
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "store");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, status->path);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, techo_store_mode_to_string (status->mode));
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, status->schema_version);
  json_builder_set_member_name (builder, "profiles");
  json_builder_add_int_value (builder, status->n_profiles);
  json_builder_end_object (builder);

  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
status_print (const Status *status)
{
  static const char * const count_labels[TECHO_STORE_N_COUNTS] = {
    "Checkups:", "Checkup items:", "Medicines:", "Cancer screenings:",
  };

  g_print ("%-24s %s\n", "Store:", status->path);
  g_print ("%-24s %s\n", "Protected by:", status->mode == TECHO_STORE_MODE_PASSPHRASE
                                         ? "a passphrase" : "the keyring");
  g_print ("%-24s %d\n", "Schema version:", status->schema_version);
  if (status->session_unknown != NULL)
    g_print ("%-24s %s\n", "Signed in:",
             "unknown (the sign-in is kept in the keyring, which is not available)");
  else
    g_print ("%-24s %s\n", "Signed in:", status->signed_in ? status->issuer : "no");
  if (status->issuer != NULL)
    g_print ("%-24s %s\n", "Consent until:",
             status->consent_expires_at != NULL ? status->consent_expires_at : "unknown");
  g_print ("%-24s %u\n", "Profiles:", status->n_profiles);
  for (guint i = 0; i < TECHO_STORE_N_COUNTS; i++)
    g_print ("%-24s %" G_GINT64_FORMAT "\n", count_labels[i], status->counts[i]);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      g_autofree char *when = format_time (status->last_sync[i]);

      g_autofree char *label = g_strdup_printf ("Last sync (%s):",
                                                techo_category_to_string (i));

      g_print ("%-24s %s\n", label, when != NULL ? when : "never");
    }
}

int
techo_cli_status (TechoCliContext *context,
                  int              argc,
                  char           **argv)
{
  gboolean as_json = FALSE;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Status) status = { 0 };
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print the report as JSON", NULL },
    { NULL }
  };

  if (!techo_cli_parse_options (context, "status", NULL,
                                "Create or open the store and report what it holds.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1)
    {
      techo_cli_printerr ("status takes no arguments (try “techo-cli status --help”)");
      return TECHO_EXIT_USAGE;
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL || !status_gather (store, &status, &error))
    {
      return techo_cli_fail (error);
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = status_to_json (&status);
      g_autofree char *text = json_to_string (root, TRUE);

      g_print ("%s\n", text);
    }
  else
    status_print (&status);

  if (!techo_store_close_sync (store, NULL, &error))
    {
      return techo_cli_fail (error);
    }
  return TECHO_EXIT_OK;
}
