/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop side of a share host. */

#define G_LOG_DOMAIN "techo-host-client"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-export.h"
#include "techo-fhir.h"
#include "techo-disclosure.h"
#include "techo-host-client.h"
#include "techo-json.h"
#include "techo-secure.h"
#include "techo-share-host.h"
#include "techo-shl.h"

static char *
iso_time (gint64 seconds)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (seconds);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

char *
techo_host_bundle_with_consent (const char          *bundle_json,
                                const TechoConsent  *consent,
                                GError             **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) entry = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *full_url = g_strconcat ("urn:uuid:", uuid, NULL);
  g_autofree char *start = iso_time (consent->created_at > 0 ? consent->created_at
                                                             : g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *end = consent->expires_at > 0 ? iso_time (consent->expires_at) : NULL;
  JsonObject *bundle;
  JsonArray *entries;

  root = techo_json_parse_bounded (bundle_json, strlen (bundle_json), NULL, error);
  if (root == NULL)
    return NULL;
  bundle = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  entries = techo_json_get_array (bundle, "entry");
  if (entries == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The export is not a FHIR Bundle with entries.");
      return NULL;
    }

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "fullUrl", full_url);
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "resourceType", "Consent");
  techo_json_builder_add_string (b, "status", "active");
  json_builder_set_member_name (b, "scope");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system",
                                 "http://terminology.hl7.org/CodeSystem/consentscope");
  techo_json_builder_add_string (b, "code", "patient-privacy");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system", "http://loinc.org");
  techo_json_builder_add_string (b, "code", "59284-0");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  techo_json_builder_add_string (b, "dateTime", start);
  json_builder_set_member_name (b, "provision");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "type", "permit");
  json_builder_set_member_name (b, "period");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "start", start);
  techo_json_builder_add_string (b, "end", end);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "actor");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system",
                                 "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
  techo_json_builder_add_string (b, "code", "IRCP");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "display", consent->recipient);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "purpose");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "display", consent->purpose);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  entry = json_builder_get_root (b);
  json_array_add_element (entries, g_steal_pointer (&entry));
  return techo_json_node_to_string (root, FALSE);
}

/* ------------------------------------------------------------------ */
/* The upload API */

G_DEFINE_QUARK (techo-host-error-quark, techo_host_error)

#define MAX_ANSWER_BYTES (4 * 1024 * 1024)
#define HTTP_TIMEOUT     30

char *
techo_host_normalize_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  g_autoptr(GInetAddress) inet = NULL;
  const char *scheme, *host;
  char *base;

  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  host = uri != NULL ? g_uri_get_host (uri) : NULL;
  if (host == NULL || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_INVALID,
                   _("“%s” is not a share host’s address: give its https:// URL, e.g. "
                     "https://share.example.org."), url != NULL ? url : "");
      return NULL;
    }
  inet = g_inet_address_new_from_string (host);
  if (g_strcmp0 (scheme, "http") == 0 &&
      !(g_strcmp0 (host, "localhost") == 0 || (inet != NULL && g_inet_address_get_is_loopback (inet))))
    {
      g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_INVALID,
                   _("The share host %s is plain http on the network: its management "
                     "token would travel in the clear. Give its https:// address."), url);
      return NULL;
    }
  base = g_strdup (url);
  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  return base;
}

static SoupSession *
new_session (void)
{
  return soup_session_new_with_options ("timeout", HTTP_TIMEOUT, "idle-timeout", HTTP_TIMEOUT,
                                        "user-agent", "Techo/" PACKAGE_VERSION, NULL);
}

/* One request; the answer's JSON object in @out (may be NULL for 204). */
static guint
call (SoupSession   *session,
      const char    *method,
      const char    *url,
      const char    *token,
      const char    *body,
      JsonObject   **out,
      GCancellable  *cancellable,
      GError       **error)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  guint status;

  if (msg == NULL)
    {
      g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_INVALID, "“%s” is not a URL.", url);
      return 0;
    }
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      techo_wipe (auth, strlen (auth));
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, cancellable, &local_error);
  if (answer == NULL)
    {
      g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_UNREACHABLE,
                   "The share host %s could not be reached: %s", g_uri_get_host (uri),
                   local_error->message);
      return 0;
    }
  status = soup_message_get_status (msg);
  if (out != NULL && g_bytes_get_size (answer) > 0 && g_bytes_get_size (answer) <= MAX_ANSWER_BYTES)
    *out = techo_json_parse_object_bounded (g_bytes_get_data (answer, NULL),
                                            g_bytes_get_size (answer), NULL, NULL);
  return status;
}

static void
set_refused (GError      **error,
             const char   *doing,
             const char   *host,
             guint         status,
             JsonObject   *answer)
{
  const char *why = techo_json_get_string (answer, "error");

  g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_REFUSED,
               "The share host %s refused to %s (HTTP %u%s%s).", host, doing, status,
               why != NULL ? ": " : "", why != NULL ? why : "");
}

static char *
bounded_text (const char *text)
{
  char *line = g_utf8_make_valid (text != NULL ? text : "", -1);

  if (g_utf8_strlen (line, -1) > 120)
    *g_utf8_offset_to_pointer (line, 120) = '\0';
  for (char *c = line; *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      *c = ' ';
  return line;
}

char *
techo_host_publish_sync (TechoStore                   *store,
                         gint64                        profile_id,
                         TechoConsent                 *consent,
                         const TechoHostShareOptions  *options,
                         char                        **out_viewer_url,
                         GCancellable                 *cancellable,
                         GError                      **error)
{
  g_autofree char *base = NULL;
  g_autoptr(TechoDisclosure) disclosure = NULL;
  TechoRecordSet *set;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(TechoShlPayload) payload = techo_shl_payload_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *bundle = NULL;
  g_autofree char *jwe = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *body = NULL;
  g_autofree char *create_url = NULL;
  g_autofree char *link = NULL;
  g_autofree char *detail = NULL;
  TechoHostedShare hosted = { 0 };
  const char *passcode, *label;
  gboolean direct;
  const char *url, *id, *token, *shl;
  guint status;
  guint n_records;

  g_return_val_if_fail (TECHO_IS_STORE (store) && consent != NULL && options != NULL, NULL);
  passcode = options->passcode;
  label = options->label;
  direct = options->direct;
  base = techo_host_normalize_url (options->host_url, error);
  if (base == NULL)
    return NULL;
  if (consent->method != TECHO_CONSENT_METHOD_SHARE ||
      (direct && passcode != NULL) ||
      (passcode != NULL && (*passcode == '\0' || strlen (passcode) > 128)) ||
      (label != NULL && g_utf8_strlen (label, -1) > TECHO_SHL_MAX_LABEL))
    {
      g_set_error_literal (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_INVALID,
                           "A hosted share needs a share consent; a passcode is 1 to 128 bytes "
                           "and cannot go with a direct link; a label is at most 80 characters.");
      return NULL;
    }

  /* Through the consent gate: the consent is recorded first, then only
   * what it covers is gathered. */
  disclosure = techo_disclosure_open_sync (store, profile_id, consent,
                                           TECHO_CONSENT_METHOD_SHARE, cancellable, &local_error);
  if (disclosure == NULL)
    {
      if (consent->id != 0)
        goto failed;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  set = techo_disclosure_get_record_set (disclosure);
  n_records = techo_record_set_count (set);
  json = techo_fhir_export (set, TECHO_FHIR_NONE, &local_error);
  if (json == NULL)
    goto failed;
  bundle = techo_host_bundle_with_consent (json, consent, &local_error);
  techo_wipe (json, strlen (json));
  if (bundle == NULL || !techo_random_bytes (payload->key, sizeof payload->key, &local_error))
    goto failed;
  jwe = techo_shl_encrypt (payload->key, sizeof payload->key, TECHO_SHL_CONTENT_FHIR,
                           bundle, strlen (bundle), &local_error);
  techo_wipe (bundle, strlen (bundle));
  if (jwe == NULL)
    goto failed;
  if (passcode != NULL && (hash = techo_share_host_hash_passcode (passcode, &local_error)) == NULL)
    goto failed;

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "jwe", jwe);
  json_builder_set_member_name (b, "expiresAt");
  json_builder_add_int_value (b, consent->expires_at);
  techo_json_builder_add_string (b, "passcodeHash", hash);
  techo_json_builder_add_string (b, "label", label);
  json_builder_set_member_name (b, "direct");
  json_builder_add_boolean_value (b, direct);
  json_builder_end_object (b);
  body = techo_json_builder_to_string (b);
  session = new_session ();
  create_url = g_strconcat (base, "/api/shares", NULL);
  status = call (session, "POST", create_url, NULL, body, &answer, cancellable, &local_error);
  if (status == 0)
    goto failed;
  url = techo_json_get_string (answer, "url");
  id = techo_json_get_string (answer, "id");
  token = techo_json_get_string (answer, "manageToken");
  shl = url != NULL ? strstr (url, "/shl/") : NULL;
  if (status != SOUP_STATUS_CREATED || id == NULL || token == NULL || shl == NULL ||
      strlen (url) > TECHO_SHL_MAX_URL || strlen (id) > 64 || strlen (token) > 256 ||
      !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
    {
      set_refused (&local_error, "store the share", base, status, answer);
      goto failed;
    }

  hosted.consent_id = consent->id;
  hosted.host_url = base;
  hosted.share_id = (char *) id;
  hosted.manage_token = (char *) token;
  if (!techo_store_add_hosted_share_sync (store, &hosted, cancellable, &local_error))
    {
      g_autofree char *delete_url = g_strconcat (base, "/api/shares/", id, NULL);

      call (session, "DELETE", delete_url, token, NULL, NULL, NULL, NULL);
      goto failed;
    }

  payload->url = g_strdup (url);
  payload->exp = consent->expires_at;
  payload->flag = g_strdup (passcode != NULL ? "P" : direct ? "U" : "");
  payload->label = g_strdup (label);
  link = techo_shl_link_encode (payload, &local_error);
  detail = g_strdup_printf ("share link: %u records, %s, hosted at %s", n_records,
                            passcode != NULL ? "passcode" : direct ? "direct" : "no passcode", base);
  if (link == NULL ||
      !techo_disclosure_sent_sync (disclosure, detail, cancellable, &local_error))
    {
      techo_host_revoke_sync (store, consent->id, NULL, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_viewer_url != NULL)
    {
      g_autofree char *viewer_base = g_strndup (url, shl - url);

      *out_viewer_url = g_strconcat (viewer_base, "/#", link, NULL);
    }
  return g_steal_pointer (&link);

failed:
  techo_store_revoke_consent_sync (store, consent->id, NULL, NULL);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

typedef struct
{
  char *host_url;
  gint64 profile_id;
  TechoConsent *consent;
  char *passcode;
  char *label;
  gboolean direct;
  char *link;
  char *viewer_url;
} Publishing;

static void
publishing_free (Publishing *p)
{
  g_free (p->host_url);
  g_clear_pointer (&p->consent, techo_consent_free);
  if (p->passcode != NULL)
    techo_wipe_free (p->passcode);
  g_free (p->label);
  g_free (p->link);
  g_free (p->viewer_url);
  g_free (p);
}

static void
publish_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Publishing *p = task_data;
  TechoHostShareOptions options = { p->host_url, p->passcode, p->label, p->direct };
  GError *error = NULL;

  p->link = techo_host_publish_sync (source, p->profile_id, p->consent, &options, &p->viewer_url,
                                     cancellable, &error);
  if (p->link == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
techo_host_publish_async (TechoStore                   *store,
                          gint64                        profile_id,
                          const TechoConsent           *consent,
                          const TechoHostShareOptions  *options,
                          GCancellable                 *cancellable,
                          GAsyncReadyCallback           callback,
                          gpointer                      user_data)
{
  g_autoptr(GTask) task = NULL;
  Publishing *p;

  g_return_if_fail (options != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  p = g_new0 (Publishing, 1);
  g_task_set_source_tag (task, techo_host_publish_async);
  p->host_url = g_strdup (options->host_url);
  p->profile_id = profile_id;
  p->consent = techo_consent_copy (consent);
  p->passcode = g_strdup (options->passcode);
  p->label = g_strdup (options->label);
  p->direct = options->direct;
  g_task_set_task_data (task, p, (GDestroyNotify) publishing_free);
  g_task_run_in_thread (task, publish_thread);
}

char *
techo_host_publish_finish (TechoStore    *store,
                           GAsyncResult  *result,
                           char         **out_viewer_url,
                           gint64        *out_consent_id,
                           GError       **error)
{
  Publishing *p;

  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  p = g_task_get_task_data (G_TASK (result));
  if (out_consent_id != NULL)
    *out_consent_id = p->consent->id;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  if (out_viewer_url != NULL)
    *out_viewer_url = g_steal_pointer (&p->viewer_url);
  return g_steal_pointer (&p->link);
}

gboolean
techo_host_revoke_sync (TechoStore     *store,
                        gint64          consent_id,
                        GCancellable   *cancellable,
                        GError        **error)
{
  g_autoptr(TechoHostedShare) hosted = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *url = NULL;
  g_autoptr(GError) local_error = NULL;
  guint status;

  if (!techo_store_revoke_consent_sync (store, consent_id, cancellable, error))
    return FALSE;
  hosted = techo_store_get_hosted_share_sync (store, consent_id, cancellable, &local_error);
  if (hosted == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (hosted->deleted_at != 0)
    return TRUE;
  session = new_session ();
  url = g_strconcat (hosted->host_url, "/api/shares/", hosted->share_id, NULL);
  status = call (session, "DELETE", url, hosted->manage_token, NULL, &answer, cancellable,
                 &local_error);
  if (status == 0)
    {
      g_set_error (error, TECHO_HOST_ERROR, TECHO_HOST_ERROR_UNREACHABLE,
                   "Consent %" G_GINT64_FORMAT " is revoked here, but %s Try again with "
                   "“techo-cli consents --revoke %" G_GINT64_FORMAT "” once it answers.",
                   consent_id, local_error->message, consent_id);
      return FALSE;
    }
  /* 404: gone already (expired, locked or deleted before). */
  if (status != SOUP_STATUS_NO_CONTENT && status != SOUP_STATUS_NOT_FOUND)
    {
      set_refused (error, "delete the share", hosted->host_url, status, answer);
      return FALSE;
    }
  return techo_store_mark_hosted_share_deleted_sync (store, consent_id, cancellable, error);
}

static void
revoke_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (techo_host_revoke_sync (source_object, *(gint64 *) task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
techo_host_revoke_async (TechoStore          *store,
                         gint64               consent_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (store, cancellable, callback, user_data);
  gint64 *id = g_new (gint64, 1);

  g_task_set_source_tag (task, techo_host_revoke_async);
  *id = consent_id;
  g_task_set_task_data (task, id, g_free);
  g_task_run_in_thread (task, revoke_thread);
}

gboolean
techo_host_revoke_finish (TechoStore    *store,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gint64
refresh_one (TechoStore        *store,
             SoupSession       *session,
             TechoHostedShare  *hosted,
             GCancellable      *cancellable,
             GError           **error)
{
  g_autofree char *url = g_strconcat (hosted->host_url, "/api/shares/", hosted->share_id, NULL);
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GPtrArray) accesses = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_hosted_access_free);
  JsonArray *list;
  JsonObject *denied;
  TechoHostedReport report = { 0 };
  gint64 denied_other = 0;
  guint status;

  status = call (session, "GET", url, hosted->manage_token, NULL, &answer, cancellable, error);
  if (status == 0)
    return -1;
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      /* Expired and purged, or ended after wrong passcodes. */
      if (!techo_store_mark_hosted_share_deleted_sync (store, hosted->consent_id, cancellable, error))
        return -1;
      return 0;
    }
  list = techo_json_get_array (answer, "accesses");
  if (status != SOUP_STATUS_OK || list == NULL)
    {
      set_refused (error, "report the accesses", hosted->host_url, status, answer);
      return -1;
    }
  techo_json_get_int64 (answer, "accessesDropped", &report.first);
  denied = techo_json_get_object (answer, "denied");
  techo_json_get_int64 (denied, "wrongPasscode", &report.denied_wrong);
  techo_json_get_int64 (denied, "other", &denied_other);
  for (guint i = 0; i < json_array_get_length (list) && i < 10000; i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);
      g_autofree char *event = bounded_text (techo_json_get_string (e, "event"));
      g_autofree char *from = bounded_text (techo_json_get_string (e, "from"));
      g_autofree char *recipient = bounded_text (techo_json_get_string (e, "recipient"));
      TechoHostedAccess *a = g_new0 (TechoHostedAccess, 1);

      techo_json_get_int64 (e, "at", &a->at);
      a->detail = g_strdup_printf ("host: %s from %s%s%s", event, from,
                                   *recipient != '\0' ? " recipient=" : "", recipient);
      g_ptr_array_add (accesses, a);
    }
  report.accesses = accesses;
  report.denied_total = report.denied_wrong + denied_other;
  return techo_store_add_hosted_accesses_sync (store, hosted->consent_id, &report, cancellable,
                                               error);
}

gint64
techo_host_refresh_sync (TechoStore     *store,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GPtrArray) list = techo_store_list_hosted_shares_sync (store, cancellable, error);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GError) first_error = NULL;
  gint64 added = 0;

  if (list == NULL)
    return -1;
  session = new_session ();
  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      gint64 n = refresh_one (store, session, g_ptr_array_index (list, i), cancellable, &local_error);

      if (n < 0 && first_error == NULL)
        first_error = g_steal_pointer (&local_error);
      else if (n > 0)
        added += n;
    }
  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return -1;
    }
  return added;
}
