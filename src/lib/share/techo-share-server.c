/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share server (SoupServer) and the share's publication. */

#define G_LOG_DOMAIN "techo-share"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-disclosure.h"
#include "techo-fhir.h"
#include "techo-json.h"
#include "techo-secure.h"
#include "techo-share-server.h"
#include "techo-shl.h"
#include "techo-thread.h"

G_DEFINE_QUARK (techo-share-error-quark, techo_share_error)

#define PATH_PREFIX      "/shl/"
#define FILE_PREFIX      "/shl/file/"
#define LOCATION_SECONDS 3600
#define WRONG_PASSCODE   "wrong passcode"
#define MAX_RECIPIENT    120
#define MAX_LOCATIONS    1000
/* How often the served consents are read again (off the main thread), to
 * see a revocation made by another process. */
#define REFRESH_SECONDS  5

typedef struct
{
  gint64 consent_id;
  char *token;
  char *jwe;            /* ciphertext only */
  char *passcode;
  guint remaining;      /* wrong passcodes still allowed */
  gint64 expires_at;
  gboolean direct;
  gboolean revoked;     /* seen revoked: for good */
  gboolean readable;    /* the last refresh could read the consent (FALSE: locked store) */
} Share;

typedef struct
{
  Share *share;         /* borrowed from shares */
  gint64 expires_at;
} Location;

struct _TechoShareServer
{
  GObject parent_instance;

  TechoStore *store;
  SoupServer *server;
  char *base_url;
  GHashTable *shares;     /* token → Share */
  GHashTable *locations;  /* token → Location */
  GMainContext *context;  /* where it answers */
  gulong revoked_id;
  guint refresh_id;
  GCancellable *cancellable;
};

G_DEFINE_TYPE (TechoShareServer, techo_share_server, G_TYPE_OBJECT)

static void
share_free (Share *s)
{
  g_free (s->token);
  g_free (s->jwe);
  techo_wipe_free (s->passcode);
  g_free (s);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonBuilder       *builder)
{
  g_autofree char *body = techo_json_builder_to_string (builder);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
respond_status (SoupServerMessage *msg,
                guint              status)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "", 0);
}

/* Records an event of the share's consent; a failure is only logged (the
 * answer has been decided already). */
static void
log_event (TechoShareServer  *self,
           Share             *share,
           SoupServerMessage *msg,
           const char        *event,
           const char        *what,
           const char        *recipient)
{
  g_autofree char *who = NULL;
  g_autofree char *detail = NULL;

  if (recipient != NULL)
    {
      /* One line, bounded: it is text from outside. */
      who = g_utf8_make_valid (recipient, -1);
      if (g_utf8_strlen (who, -1) > MAX_RECIPIENT)
        *g_utf8_offset_to_pointer (who, MAX_RECIPIENT) = '\0';
      g_strdelimit (who, "\r\n\t", ' ');
    }
  detail = g_strdup_printf ("%s from %s%s%s", what,
                            soup_server_message_get_remote_host (msg),
                            who != NULL ? " recipient=" : "", who != NULL ? who : "");
  /* Through the gate, never blocking: queued in order to the store. */
  techo_disclosure_log_answer (self->store, share->consent_id, event, detail);
}

/* A share is live while its time has not passed and its consent has not
 * been revoked: known in memory, without a store call per request (a
 * revocation through this store object is seen at once, one by another
 * process within REFRESH_SECONDS). */
static gboolean
share_is_live (TechoShareServer *self,
               Share            *share)
{
  return now_seconds () < share->expires_at && !share->revoked && share->readable;
}

static void
mark_revoked (TechoShareServer *self,
              gint64            consent_id)
{
  GHashTableIter iter;
  Share *share;

  g_hash_table_iter_init (&iter, self->shares);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &share))
    if (share->consent_id == consent_id)
      share->revoked = TRUE;
}

typedef struct
{
  TechoShareServer *self;
  gint64 consent_id;
} ServedConsent;

static gboolean
mark_revoked_cb (gpointer data)
{
  ServedConsent *r = data;

  mark_revoked (r->self, r->consent_id);
  return G_SOURCE_REMOVE;
}

static void
served_consent_free (ServedConsent *r)
{
  g_object_unref (r->self);
  g_free (r);
}

/* TechoStore::consent-revoked, in whichever thread revoked: marked on
 * the server's context (at once when that context is free or ours). */
static void
consent_revoked_cb (TechoStore *store,
                    gint64      consent_id,
                    gpointer    user_data)
{
  ServedConsent *r = g_new0 (ServedConsent, 1);

  r->self = g_object_ref (user_data);
  r->consent_id = consent_id;
  g_main_context_invoke_full (r->self->context, G_PRIORITY_HIGH, mark_revoked_cb, r,
                              (GDestroyNotify) served_consent_free);
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ServedConsent *r = user_data;
  TechoShareServer *self = r->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  GHashTableIter iter;
  Share *share;
  gint64 id = r->consent_id;

  consent = techo_store_get_consent_finish (TECHO_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->shares == NULL)
    {
      served_consent_free (r);
      return;
    }
  g_hash_table_iter_init (&iter, self->shares);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &share))
    {
      if (share->consent_id != id)
        continue;
      if (consent != NULL)
        {
          share->readable = TRUE;
          if (!techo_consent_is_live (consent, now_seconds ()))
            share->revoked = TRUE;
        }
      else if (g_error_matches (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_FOUND))
        share->revoked = TRUE;
      else
        /* The store is locked or failing: answer nothing until it reads again. */
        share->readable = FALSE;
    }
  served_consent_free (r);
}

/* Reads every served consent again, on the store's thread. */
static gboolean
refresh_cb (gpointer user_data)
{
  TechoShareServer *self = user_data;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  GHashTableIter iter;
  Share *share;

  g_hash_table_iter_init (&iter, self->shares);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &share))
    if (!share->revoked && !g_hash_table_contains (ids, &share->consent_id))
      {
        ServedConsent *r = g_new0 (ServedConsent, 1);

        g_hash_table_add (ids, &share->consent_id);
        r->self = g_object_ref (self);
        r->consent_id = share->consent_id;
        techo_store_get_consent_async (self->store, share->consent_id, self->cancellable,
                                       refreshed_cb, r);
      }
  return G_SOURCE_CONTINUE;
}

static void
send_jwe (SoupServerMessage *msg,
          Share             *share)
{
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/jose", SOUP_MEMORY_COPY,
                                    share->jwe, strlen (share->jwe));
}

static gboolean
location_expired_cb (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  return now_seconds () >= ((Location *) value)->expires_at;
}

static void
handle_manifest (TechoShareServer  *self,
                 Share             *share,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  TechoJsonLimits limits = { TECHO_SHARE_MAX_REQUEST_BYTES, 8 };
  const char *recipient, *passcode;
  gint64 embedded_max = 0;
  gsize length = body->length;

  request = techo_json_parse_object_bounded (body->data != NULL ? body->data : "", length,
                                             &limits, NULL);
  recipient = techo_json_get_string (request, "recipient");
  if (request == NULL || recipient == NULL || *recipient == '\0')
    {
      json_builder_begin_object (b);
      techo_json_builder_add_string (b, "error", "a JSON body with a recipient is required");
      json_builder_end_object (b);
      log_event (self, share, msg, TECHO_CONSENT_EVENT_DENIED, "manifest without recipient", NULL);
      respond_json (msg, SOUP_STATUS_BAD_REQUEST, b);
      return;
    }

  if (share->passcode != NULL)
    {
      passcode = techo_json_get_string (request, "passcode");
      if (share->remaining == 0 || passcode == NULL ||
          strlen (passcode) != strlen (share->passcode) ||
          !techo_secure_equal (passcode, share->passcode))
        {
          if (share->remaining > 0)
            share->remaining--;
          log_event (self, share, msg, TECHO_CONSENT_EVENT_DENIED, WRONG_PASSCODE, recipient);
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "remainingAttempts");
          json_builder_add_int_value (b, share->remaining);
          json_builder_end_object (b);
          respond_json (msg, SOUP_STATUS_UNAUTHORIZED, b);
          return;
        }
    }

  techo_json_get_int64 (request, "embeddedLengthMax", &embedded_max);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "contentType", TECHO_SHL_CONTENT_FHIR);
  if (embedded_max > 0 && (gsize) embedded_max >= strlen (share->jwe))
    techo_json_builder_add_string (b, "embedded", share->jwe);
  else
    {
      g_autofree char *token = techo_random_token (32, NULL);
      g_autofree char *url = NULL;
      Location *location;

      /* Locations live an hour at most; keep their number bounded. */
      g_hash_table_foreach_remove (self->locations, location_expired_cb, NULL);
      if (token == NULL || g_hash_table_size (self->locations) >= MAX_LOCATIONS)
        {
          respond_status (msg, SOUP_STATUS_SERVICE_UNAVAILABLE);
          return;
        }
      location = g_new0 (Location, 1);
      location->share = share;
      location->expires_at = MIN (share->expires_at, now_seconds () + LOCATION_SECONDS);
      url = g_strconcat (self->base_url, FILE_PREFIX, token, NULL);
      g_hash_table_insert (self->locations, g_steal_pointer (&token), location);
      techo_json_builder_add_string (b, "location", url);
    }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  log_event (self, share, msg, TECHO_CONSENT_EVENT_ACCESS, "manifest", recipient);
  respond_json (msg, SOUP_STATUS_OK, b);
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TechoShareServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  Share *share;

  /* SMART Health Link viewers run in browsers on other origins. */
  soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  if (strcmp (method, SOUP_METHOD_OPTIONS) == 0)
    {
      soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "GET, POST");
      soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
      respond_status (msg, SOUP_STATUS_NO_CONTENT);
      return;
    }

  if (g_str_has_prefix (path, FILE_PREFIX))
    {
      Location *location = g_hash_table_lookup (self->locations, path + strlen (FILE_PREFIX));

      if (location == NULL || strcmp (method, SOUP_METHOD_GET) != 0)
        {
          respond_status (msg, SOUP_STATUS_NOT_FOUND);
          return;
        }
      if (now_seconds () >= location->expires_at || !share_is_live (self, location->share))
        {
          log_event (self, location->share, msg, TECHO_CONSENT_EVENT_DENIED,
                     "file after expiry or revocation", NULL);
          respond_status (msg, SOUP_STATUS_NOT_FOUND);
          return;
        }
      log_event (self, location->share, msg, TECHO_CONSENT_EVENT_ACCESS, "file", NULL);
      send_jwe (msg, location->share);
      return;
    }

  share = g_str_has_prefix (path, PATH_PREFIX) ?
          g_hash_table_lookup (self->shares, path + strlen (PATH_PREFIX)) : NULL;
  if (share == NULL)
    {
      respond_status (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  if (!share_is_live (self, share))
    {
      log_event (self, share, msg, TECHO_CONSENT_EVENT_DENIED, "request after expiry or revocation",
                 NULL);
      respond_status (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }

  if (strcmp (method, SOUP_METHOD_POST) == 0)
    handle_manifest (self, share, msg);
  else if (strcmp (method, SOUP_METHOD_GET) == 0 && share->direct)
    {
      const char *recipient = query != NULL ? g_hash_table_lookup (query, "recipient") : NULL;

      if (recipient == NULL || *recipient == '\0')
        {
          log_event (self, share, msg, TECHO_CONSENT_EVENT_DENIED, "file without recipient", NULL);
          respond_status (msg, SOUP_STATUS_BAD_REQUEST);
          return;
        }
      log_event (self, share, msg, TECHO_CONSENT_EVENT_ACCESS, "direct file", recipient);
      send_jwe (msg, share);
    }
  else
    respond_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
}

/* Refuses bodies over the cap before they are read. */
static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_CHUNKED ||
      (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
       soup_message_headers_get_content_length (headers) > TECHO_SHARE_MAX_REQUEST_BYTES))
    respond_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
}

static void
techo_share_server_dispose (GObject *object)
{
  TechoShareServer *self = TECHO_SHARE_SERVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->revoked_id, self->store);
  if (self->server != NULL)
    soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_share_server_parent_class)->dispose (object);
}

static void
techo_share_server_finalize (GObject *object)
{
  TechoShareServer *self = TECHO_SHARE_SERVER (object);

  g_clear_pointer (&self->locations, g_hash_table_unref);
  g_clear_pointer (&self->shares, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->cancellable);
  g_free (self->base_url);
  G_OBJECT_CLASS (techo_share_server_parent_class)->finalize (object);
}

static void
techo_share_server_class_init (TechoShareServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_share_server_dispose;
  object_class->finalize = techo_share_server_finalize;
}

static void
techo_share_server_init (TechoShareServer *self)
{
  self->shares = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) share_free);
  self->locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->context = g_main_context_ref_thread_default ();
  self->cancellable = g_cancellable_new ();
}

TechoShareServer *
techo_share_server_new (TechoStore *store)
{
  TechoShareServer *self = g_object_new (TECHO_TYPE_SHARE_SERVER, NULL);

  g_return_val_if_fail (TECHO_IS_STORE (store), NULL);
  self->store = g_object_ref (store);
  self->revoked_id = g_signal_connect (store, "consent-revoked",
                                       G_CALLBACK (consent_revoked_cb), self);
  return self;
}

gboolean
techo_share_server_listen (TechoShareServer  *self,
                           const char        *address,
                           guint              port,
                           GError           **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) socket_address = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocket) listener = NULL;
  GSList *uris;
  g_autofree char *host = NULL;

  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  inet = g_inet_address_new_from_string (address != NULL ? address : "127.0.0.1");
  if (inet == NULL || port > 65535)
    {
      g_set_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN,
                   "“%s” is not an IP address to share on.", address);
      return FALSE;
    }
  /* The link names the address: "any" would name none a recipient can reach. */
  if (g_inet_address_get_is_any (inet))
    {
      g_set_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN,
                   "Share on the address of one network interface (for example "
                   "192.168.1.5), not on “%s”.", address);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (inet, port);
  self->server = soup_server_new ("server-header", "", NULL);
  soup_server_add_early_handler (self->server, "/shl", early_cb, self, NULL);
  soup_server_add_handler (self->server, "/shl", request_cb, self, NULL);
  /* Our own socket, for a longer queue of pending connections than the
   * default 10 (parallel clients would see resets). */
  listener = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, &local_error);
  if (listener != NULL)
    {
      g_socket_set_listen_backlog (listener, 128);
      if (!g_socket_bind (listener, socket_address, TRUE, &local_error) ||
          !g_socket_listen (listener, &local_error))
        g_clear_object (&listener);
    }
  if (listener == NULL ||
      !soup_server_listen_socket (self->server, listener, 0, &local_error))
    {
      g_set_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN,
                   "The share server could not listen on %s: %s",
                   address != NULL ? address : "127.0.0.1", local_error->message);
      g_clear_object (&self->server);
      return FALSE;
    }
  uris = soup_server_get_uris (self->server);
  host = g_inet_address_to_string (inet);
  self->base_url = g_strdup_printf (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6 ?
                                    "http://[%s]:%d" : "http://%s:%d",
                                    host, g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

const char *
techo_share_server_get_base_url (TechoShareServer *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), NULL);
  return self->base_url;
}

char *
techo_share_server_add (TechoShareServer    *self,
                        const TechoConsent  *consent,
                        const char          *jwe,
                        const char          *passcode,
                        guint                max_attempts,
                        gboolean             direct,
                        GError             **error)
{
  Share *share;
  guint wrong = 0;

  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), NULL);
  g_return_val_if_fail (consent != NULL && consent->id > 0, NULL);
  /* Only what the gate recorded for a share is served. */
  if (consent->method != TECHO_CONSENT_METHOD_SHARE)
    {
      g_set_error_literal (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                           "A share is served only under a consent given for a share link.");
      return NULL;
    }
  if (self->base_url == NULL || jwe == NULL ||
      (passcode != NULL && (direct || *passcode == '\0' ||
                            strlen (passcode) > TECHO_SHARE_MAX_PASSCODE)))
    {
      g_set_error_literal (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                           "A share needs a listening server and a package; a passcode "
                           "is 1 to 128 bytes and cannot go with a direct link.");
      return NULL;
    }
  /* Wrong passcodes already in the ledger count against the cap. */
  for (guint i = 0; consent->events != NULL && i < consent->events->len; i++)
    {
      TechoConsentEvent *e = g_ptr_array_index (consent->events, i);

      if (g_strcmp0 (e->event, TECHO_CONSENT_EVENT_DENIED) == 0 &&
          g_str_has_prefix (e->detail != NULL ? e->detail : "", WRONG_PASSCODE))
        wrong++;
    }
  share = g_new0 (Share, 1);
  share->token = techo_shl_new_path_token (error);
  if (share->token == NULL)
    {
      share_free (share);
      return NULL;
    }
  share->consent_id = consent->id;
  share->jwe = g_strdup (jwe);
  share->passcode = g_strdup (passcode);
  max_attempts = max_attempts > 0 ? max_attempts : TECHO_SHARE_DEFAULT_MAX_ATTEMPTS;
  share->remaining = wrong >= max_attempts ? 0 : max_attempts - wrong;
  share->expires_at = consent->expires_at;
  share->direct = direct;
  share->revoked = !techo_consent_is_live (consent, now_seconds ());
  share->readable = TRUE;
  g_hash_table_insert (self->shares, share->token, share);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh_cb, self);
  return g_strconcat (self->base_url, PATH_PREFIX, share->token, NULL);
}

static gboolean
location_of_share_cb (gpointer key,
                      gpointer value,
                      gpointer user_data)
{
  return ((Location *) value)->share->consent_id == *(gint64 *) user_data;
}

static gboolean
share_of_consent_cb (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  return ((Share *) value)->consent_id == *(gint64 *) user_data;
}

void
techo_share_server_remove (TechoShareServer *self,
                           gint64            consent_id)
{
  g_return_if_fail (TECHO_IS_SHARE_SERVER (self));
  g_hash_table_foreach_remove (self->locations, location_of_share_cb, &consent_id);
  g_hash_table_foreach_remove (self->shares, share_of_consent_cb, &consent_id);
}

guint
techo_share_server_get_n_shares (TechoShareServer *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), 0);
  return g_hash_table_size (self->shares);
}

gboolean
techo_share_server_is_live (TechoShareServer *self,
                            gint64            consent_id)
{
  GHashTableIter iter;
  Share *share;

  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), FALSE);
  g_hash_table_iter_init (&iter, self->shares);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &share))
    if (share->consent_id == consent_id && share_is_live (self, share))
      return TRUE;
  return FALSE;
}

typedef struct
{
  gint64 profile_id;
  TechoConsent *consent;   /* its id is set once the gate recorded it */
  char *passcode;
  char *label;
  gboolean direct;
  guint max_attempts;
  /* Filled by the preparation. */
  TechoDisclosure *disclosure;
  char *jwe;
  guint8 key[TECHO_SHL_KEY_BYTES];
  char *link;
} Publication;

static void
publication_free (Publication *p)
{
  techo_consent_free (p->consent);
  techo_wipe_free (p->passcode);
  g_free (p->label);
  g_clear_object (&p->disclosure);
  g_free (p->jwe);
  g_free (p->link);
  techo_wipe (p->key, sizeof p->key);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Publication, publication_free)

static Publication *
publication_new (gint64                    profile_id,
                 const TechoConsent       *consent,
                 const TechoShareOptions  *options,
                 GError                  **error)
{
  Publication *p;
  gboolean direct = options != NULL && options->direct;
  const char *passcode = options != NULL ? options->passcode : NULL;

  if (consent->method != TECHO_CONSENT_METHOD_SHARE || (direct && passcode != NULL))
    {
      g_set_error_literal (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                           "A share link needs a share consent; a passcode cannot go with "
                           "a direct link.");
      return NULL;
    }
  if (options != NULL && options->label != NULL &&
      g_utf8_strlen (options->label, -1) > TECHO_SHL_MAX_LABEL)
    {
      g_set_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                   "A share link's label is at most %d characters.", TECHO_SHL_MAX_LABEL);
      return NULL;
    }
  p = g_new0 (Publication, 1);
  p->profile_id = profile_id;
  p->consent = techo_consent_copy (consent);
  p->passcode = g_strdup (passcode);
  p->label = g_strdup (options != NULL ? options->label : NULL);
  p->direct = direct;
  p->max_attempts = options != NULL ? options->max_attempts : 0;
  return p;
}

/* A worker thread (or the CLI's): through the gate (the consent first),
 * then the package. */
static gboolean
publication_prepare (Publication   *p,
                     TechoStore    *store,
                     GCancellable  *cancellable,
                     GError       **error)
{
  TechoRecordSet *set;
  g_autofree char *json = NULL;

  p->disclosure = techo_disclosure_open_sync (store, p->profile_id, p->consent,
                                              TECHO_CONSENT_METHOD_SHARE, cancellable, error);
  if (p->disclosure == NULL)
    return FALSE;
  set = techo_disclosure_get_record_set (p->disclosure);
  json = techo_fhir_export (set, TECHO_FHIR_NONE, error);
  if (json == NULL || !techo_random_bytes (p->key, sizeof p->key, error))
    return FALSE;
  p->jwe = techo_shl_encrypt (p->key, sizeof p->key, TECHO_SHL_CONTENT_FHIR,
                              json, strlen (json), error);
  techo_wipe (json, strlen (json));
  return p->jwe != NULL;
}

/* The server's context: serve and make the link (no store call). */
static gboolean
publication_serve (Publication       *p,
                   TechoShareServer  *server,
                   GError           **error)
{
  g_autoptr(TechoShlPayload) payload = techo_shl_payload_new ();
  const TechoConsent *consent = techo_disclosure_get_consent (p->disclosure);
  g_autofree char *url = NULL;

  url = techo_share_server_add (server, consent, p->jwe, p->passcode, p->max_attempts,
                                p->direct, error);
  if (url == NULL)
    return FALSE;
  payload->url = g_strdup (url);
  memcpy (payload->key, p->key, sizeof payload->key);
  payload->exp = consent->expires_at;
  payload->flag = g_strdup (p->passcode != NULL ? "P" : p->direct ? "U" : "");
  payload->label = g_strdup (p->label);
  p->link = techo_shl_link_encode (payload, error);
  if (p->link == NULL)
    {
      techo_share_server_remove (server, consent->id);
      return FALSE;
    }
  return TRUE;
}

/* The "sent" detail: what left, and how. */
static char *
publication_detail (Publication      *p,
                    TechoShareServer *server)
{
  return g_strdup_printf ("share link: %u records, %s, served at %s",
                          techo_record_set_count (techo_disclosure_get_record_set (p->disclosure)),
                          p->passcode != NULL ? "passcode" : p->direct ? "direct" : "no passcode",
                          techo_share_server_get_base_url (server));
}

char *
techo_share_publish_sync (TechoStore               *store,
                          TechoShareServer         *server,
                          gint64                    profile_id,
                          TechoConsent             *consent,
                          const TechoShareOptions  *options,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  g_autoptr(Publication) p = NULL;
  g_autofree char *detail = NULL;
  gboolean prepared;

  g_return_val_if_fail (TECHO_IS_STORE (store) && TECHO_IS_SHARE_SERVER (server), NULL);
  g_return_val_if_fail (consent != NULL, NULL);

  techo_assert_not_main_thread ();
  if (techo_share_server_get_base_url (server) == NULL)
    {
      g_set_error_literal (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                           "The share server is not listening.");
      return NULL;
    }
  p = publication_new (profile_id, consent, options, error);
  if (p == NULL)
    return NULL;
  prepared = publication_prepare (p, store, cancellable, error);
  consent->id = p->consent->id;
  consent->created_at = p->consent->created_at;
  if (!prepared || !publication_serve (p, server, error))
    return NULL;
  detail = publication_detail (p, server);
  if (!techo_disclosure_sent_sync (p->disclosure, detail, cancellable, error))
    {
      techo_share_server_remove (server, consent->id);
      return NULL;
    }
  return g_steal_pointer (&p->link);
}

static void
publish_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Publication *p = task_data;
  GError *error = NULL;

  if (publication_prepare (p, source_object, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TechoShareServer *server = g_task_get_source_object (task);
  Publication *p = g_task_get_task_data (task);
  GError *error = NULL;

  if (!techo_disclosure_sent_finish (TECHO_DISCLOSURE (object), result, &error))
    {
      techo_share_server_remove (server, p->consent->id);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&p->link), g_free);
}

static void
prepared_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TechoShareServer *server = g_task_get_source_object (task);
  Publication *p = g_task_get_task_data (task);
  g_autofree char *detail = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error) ||
      !publication_serve (p, server, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  detail = publication_detail (p, server);
  cancellable = g_task_get_cancellable (task);
  techo_disclosure_sent_async (p->disclosure, detail, cancellable, sent_cb,
                               g_steal_pointer (&task));
}

void
techo_share_publish_async (TechoStore               *store,
                           TechoShareServer         *server,
                           gint64                    profile_id,
                           const TechoConsent       *consent,
                           const TechoShareOptions  *options,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  g_autoptr(GTask) task = g_task_new (server, cancellable, callback, user_data);
  g_autoptr(GTask) inner = NULL;
  GError *error = NULL;
  Publication *p;

  g_task_set_source_tag (task, techo_share_publish_async);
  if (techo_share_server_get_base_url (server) == NULL)
    {
      g_task_return_new_error (task, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_INVALID,
                               "The share server is not listening.");
      return;
    }
  p = publication_new (profile_id, consent, options, &error);
  if (p == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The outer task owns the publication; the worker borrows it. */
  g_task_set_task_data (task, p, (GDestroyNotify) publication_free);
  inner = g_task_new (store, cancellable, prepared_cb, g_steal_pointer (&task));
  g_task_set_task_data (inner, p, NULL);
  g_task_run_in_thread (inner, publish_thread);
}

char *
techo_share_publish_finish (TechoShareServer  *server,
                            GAsyncResult      *result,
                            gint64            *out_consent_id,
                            GError           **error)
{
  Publication *p;

  g_return_val_if_fail (g_task_is_valid (result, server), NULL);
  p = g_task_get_task_data (G_TASK (result));
  if (out_consent_id != NULL)
    *out_consent_id = p != NULL ? p->consent->id : 0;
  return g_task_propagate_pointer (G_TASK (result), error);
}
