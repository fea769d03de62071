/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Received SMART Health Links: the manifest or file over libsoup (bounded,
 * https or loopback only), the JWE opened with the link's key
 * (techo-shl-payload.c), the FHIR files imported like files. */

#define G_LOG_DOMAIN "techo-import"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-shl-fetch.h"
#include "techo-shl-payload.h"

G_DEFINE_QUARK (techo-shl-fetch-error-quark, techo_shl_fetch_error)

#define READ_CHUNK 65536
#define RECIPIENT "Techo"

/* https anywhere; http only to this machine. */
static gboolean
check_url (const char  *url,
           GError     **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || host == NULL || *host == '\0')
    {
      g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                   _("The shared link points at “%s”, which is not a web address."), url);
      return FALSE;
    }
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 &&
      (g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
       g_str_equal (host, "[::1]") || g_ascii_strcasecmp (host, "localhost") == 0))
    return TRUE;
  g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_INSECURE,
               _("The shared link points at %s without encryption (http); Techo only opens "
                 "links over https."), host);
  return FALSE;
}

/* Sends @message and reads at most @max_body bytes of the answer. */
static GBytes *
send_capped (SoupSession   *session,
             SoupMessage   *message,
             gsize          max_body,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autoptr(GError) local = NULL;

  stream = soup_session_send (session, message, cancellable, &local);
  if (stream == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NETWORK,
                     _("The server of the shared link could not be reached (%s)."),
                     local->message);
      return NULL;
    }
  for (;;)
    {
      gssize n;

      g_byte_array_set_size (buffer, buffer->len + READ_CHUNK);
      n = g_input_stream_read (stream, buffer->data + buffer->len - READ_CHUNK, READ_CHUNK,
                               cancellable, &local);
      if (n < 0)
        {
          g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NETWORK,
                       _("The server of the shared link stopped answering (%s)."),
                       local->message);
          return NULL;
        }
      g_byte_array_set_size (buffer, buffer->len - READ_CHUNK + n);
      if (n == 0)
        break;
      if (buffer->len > max_body)
        {
          g_input_stream_close (stream, NULL, NULL);
          g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_TOO_LARGE,
                       _("The shared link's server sent more than %u KiB; Techo stopped "
                         "reading."), (guint) (max_body / 1024));
          return NULL;
        }
    }
  g_input_stream_close (stream, NULL, NULL);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buffer));
}

/* The status of an answer as an error, or TRUE for 2xx. */
static gboolean
check_status (SoupMessage  *message,
              GBytes       *body,
              int          *remaining_attempts,
              GError      **error)
{
  guint status = soup_message_get_status (message);

  if (status >= 200 && status < 300)
    return TRUE;
  if (status == 404 || status == 410)
    {
      g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EXPIRED,
                           _("This shared link has expired or was withdrawn by the person "
                             "who shared it."));
      return FALSE;
    }
  if (status == 401)
    {
      gsize length = 0;
      const char *data = g_bytes_get_data (body, &length);
      g_autoptr(JsonObject) object = data != NULL ?
        techo_json_parse_object_bounded (data, length, NULL, NULL) : NULL;
      gint64 left = -1;

      if (object == NULL || !techo_json_get_int64 (object, "remainingAttempts", &left))
        left = -1;
      if (remaining_attempts != NULL)
        *remaining_attempts = left < 0 ? -1 : (int) MIN (left, G_MAXINT);
      if (left == 0)
        g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE,
                             _("The passcode is wrong, and no attempts are left: the link "
                               "is now closed."));
      else if (left > 0)
        g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The passcode is wrong; %d attempt is left.",
                                  "The passcode is wrong; %d attempts are left.",
                                  (gulong) left),
                     (int) MIN (left, G_MAXINT));
      else
        g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE,
                             _("The passcode is wrong."));
      return FALSE;
    }
  g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NETWORK,
               _("The server of the shared link refused the request (HTTP %u)."), status);
  return FALSE;
}

/* GET @url?recipient=…: the JWE itself. */
static char *
get_file (SoupSession   *session,
          const char    *url,
          const char    *recipient,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autofree char *escaped = g_uri_escape_string (recipient, NULL, FALSE);
  g_autofree char *full = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  gsize length = 0;
  const char *data;

  if (!check_url (url, error))
    return NULL;
  full = g_strdup_printf ("%s%crecipient=%s", url, strchr (url, '?') != NULL ? '&' : '?',
                          escaped);
  message = soup_message_new ("GET", full);
  if (message == NULL)
    {
      g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                   _("The shared link points at “%s”, which is not a web address."), url);
      return NULL;
    }
  /* A redirect could lead to plain http elsewhere: none is followed. */
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  body = send_capped (session, message, TECHO_SHL_MAX_JWE_BYTES, cancellable, error);
  if (body == NULL || !check_status (message, body, NULL, error))
    return NULL;
  data = g_bytes_get_data (body, &length);
  return g_strstrip (g_strndup (data != NULL ? data : "", length));
}

static GBytes *
open_file (const TechoShlPayload  *payload,
           const char             *jwe,
           GError                **error)
{
  g_autoptr(GError) local = NULL;
  GBytes *plain = techo_shl_decrypt (payload->key, sizeof payload->key, jwe, &local);

  if (plain == NULL)
    {
      if (g_error_matches (local, TECHO_SHL_ERROR, TECHO_SHL_ERROR_DECRYPT))
        g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                             _("The shared file does not open with the link's key: the link "
                               "was copied wrong, or the file was changed."));
      else
        g_propagate_error (error, g_steal_pointer (&local));
    }
  return plain;
}

/* POST the manifest request and open every FHIR file it lists. */
static gboolean
fetch_manifest (SoupSession            *session,
                const TechoShlPayload  *payload,
                const char             *recipient,
                const char             *passcode,
                int                    *remaining_attempts,
                GPtrArray              *files,
                GCancellable           *cancellable,
                GError                **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_auto(TechoSecret) request = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) request_bytes = NULL;
  g_autoptr(JsonObject) manifest = NULL;
  g_autoptr(GError) parse_error = NULL;
  TechoJsonLimits limits = { TECHO_SHL_FETCH_MAX_MANIFEST, 8, 0 };
  JsonArray *list;
  const char *data;
  gsize length = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "recipient");
  json_builder_add_string_value (b, recipient);
  if (passcode != NULL)
    {
      json_builder_set_member_name (b, "passcode");
      json_builder_add_string_value (b, passcode);
    }
  json_builder_end_object (b);
  request = techo_json_builder_to_string (b);
  message = soup_message_new ("POST", payload->url);
  if (message == NULL)
    {
      g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                   _("The shared link points at “%s”, which is not a web address."),
                   payload->url);
      return FALSE;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  request_bytes = g_bytes_new (request, strlen (request));
  soup_message_set_request_body_from_bytes (message, "application/json", request_bytes);
  body = send_capped (session, message, TECHO_SHL_FETCH_MAX_MANIFEST, cancellable, error);
  if (body == NULL || !check_status (message, body, remaining_attempts, error))
    return FALSE;
  data = g_bytes_get_data (body, &length);
  manifest = techo_json_parse_object_bounded (data != NULL ? data : "", length, &limits,
                                              &parse_error);
  list = manifest != NULL ? techo_json_get_array (manifest, "files") : NULL;
  if (list == NULL)
    {
      g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                           _("The shared link's server sent no list of files (manifest)."));
      return FALSE;
    }
  if (json_array_get_length (list) > TECHO_SHL_FETCH_MAX_FILES)
    {
      g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_TOO_LARGE,
                   _("The shared link lists more than %d files."), TECHO_SHL_FETCH_MAX_FILES);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *file = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = techo_json_get_string (file, "contentType");
      const char *embedded = techo_json_get_string (file, "embedded");
      const char *location = techo_json_get_string (file, "location");
      g_autofree char *fetched = NULL;
      GBytes *plain;

      /* Only FHIR bundles; a SMART Health Card or another kind is left. */
      if (g_strcmp0 (type, TECHO_SHL_CONTENT_FHIR) != 0)
        continue;
      if (embedded == NULL && location != NULL)
        {
          fetched = get_file (session, location, recipient, cancellable, error);
          if (fetched == NULL)
            return FALSE;
          embedded = fetched;
        }
      if (embedded == NULL)
        {
          g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA,
                               _("A file in the shared link's list has neither content nor "
                                 "an address."));
          return FALSE;
        }
      plain = open_file (payload, embedded, error);
      if (plain == NULL)
        return FALSE;
      g_ptr_array_add (files, plain);
    }
  return TRUE;
}

GPtrArray *
techo_shl_fetch_sync (const char    *link,
                      const char    *recipient,
                      const char    *passcode,
                      int           *remaining_attempts,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_auto(TechoSecret) trimmed = NULL;

  g_return_val_if_fail (link != NULL, NULL);

  if (remaining_attempts != NULL)
    *remaining_attempts = -1;
  if (recipient == NULL)
    recipient = RECIPIENT;
  trimmed = g_strstrip (g_strdup (link));
  payload = techo_shl_link_decode (trimmed, error);
  if (payload == NULL)
    return NULL;
  if (payload->exp > 0 && payload->exp < g_get_real_time () / G_USEC_PER_SEC)
    {
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (payload->exp);
      g_autofree char *text = g_date_time_format (when, "%Y-%m-%d %H:%M");

      g_set_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EXPIRED,
                   _("This shared link expired on %s."), text);
      return NULL;
    }
  if (!check_url (payload->url, error))
    return NULL;
  if (techo_shl_payload_has_flag (payload, 'P') && (passcode == NULL || *passcode == '\0'))
    {
      g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE,
                           _("This shared link needs a passcode; ask the person who shared it."));
      return NULL;
    }
  session = soup_session_new_with_options ("timeout", TECHO_SHL_FETCH_TIMEOUT,
                                           "idle-timeout", TECHO_SHL_FETCH_TIMEOUT, NULL);
  if (techo_shl_payload_has_flag (payload, 'U'))
    {
      g_autofree char *jwe = get_file (session, payload->url, recipient, cancellable, error);
      GBytes *plain;

      if (jwe == NULL)
        return NULL;
      plain = open_file (payload, jwe, error);
      if (plain == NULL)
        return NULL;
      g_ptr_array_add (files, plain);
    }
  else if (!fetch_manifest (session, payload, recipient, passcode, remaining_attempts, files,
                            cancellable, error))
    return NULL;
  if (files->len == 0)
    {
      g_set_error_literal (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EMPTY,
                           _("The shared link holds no health records Techo can read "
                             "(FHIR)."));
      return NULL;
    }
  return g_steal_pointer (&files);
}

GPtrArray *
techo_import_shl_sync (TechoStore    *store,
                       gint64         profile_id,
                       const char    *link,
                       const char    *passcode,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autofree char *base = NULL;
  g_auto(TechoSecret) trimmed = NULL;

  files = techo_shl_fetch_sync (link, NULL, passcode, NULL, cancellable, error);
  if (files == NULL)
    return NULL;
  trimmed = g_strstrip (g_strdup (link));
  payload = techo_shl_link_decode (trimmed, NULL);
  /* The provenance names the link by its label (or host), never its key. */
  if (payload != NULL && payload->label != NULL)
    base = g_strdelimit (g_strdup (payload->label), "/\\:", '_');
  else if (payload != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (payload->url, G_URI_FLAGS_NONE, NULL);

      base = g_strdup (uri != NULL && g_uri_get_host (uri) != NULL ? g_uri_get_host (uri) :
                       "link");
    }
  /* One import: every file must read before any is written, and all go
   * in with one merge (one undo). */
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (names, g_strdup_printf ("shlink-%s-%u.json", base ? base : "link", i + 1));
  g_ptr_array_add (names, NULL);
  results = techo_import_contents_sync (store, profile_id, (const char * const *) names->pdata,
                                        files, cancellable, error);
  if (results == NULL)
    return NULL;
  return g_steal_pointer (&results);
}

typedef struct
{
  gint64 profile_id;
  char *link;
  char *passcode;
} ShlTaskData;

static void
shl_task_data_free (ShlTaskData *data)
{
  techo_wipe_free (data->link);
  techo_wipe_free (data->passcode);
  g_free (data);
}

static void
import_shl_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  ShlTaskData *data = task_data;
  GError *error = NULL;
  GPtrArray *results = techo_import_shl_sync (source_object, data->profile_id, data->link,
                                              data->passcode, cancellable, &error);

  if (results != NULL)
    g_task_return_pointer (task, results, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

void
techo_import_shl_async (TechoStore          *store,
                        gint64               profile_id,
                        const char          *link,
                        const char          *passcode,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ShlTaskData *data;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (link != NULL);

  data = g_new0 (ShlTaskData, 1);
  data->profile_id = profile_id;
  data->link = g_strdup (link);
  data->passcode = g_strdup (passcode);
  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_import_shl_async);
  g_task_set_task_data (task, data, (GDestroyNotify) shl_task_data_free);
  g_task_run_in_thread (task, import_shl_thread);
}

GPtrArray *
techo_import_shl_finish (TechoStore    *store,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
