/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The SMART Health Links responder the share server and the share host
 * share: connections, caps, deadlines and the SHL answers. */

#define G_LOG_DOMAIN "techo-share"

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-secure.h"
#include "techo-shl.h"
#include "techo-shl-responder-private.h"

typedef struct
{
  char *share_id;
  gint64 expires_at;
} Location;

typedef struct
{
  TechoShlResponder *responder;
  GObject *stream;      /* watched, not owned */
  GSocket *socket;
  char *address;
  char *key;            /* address and port: the connection's name in by_remote */
  guint deadline_id;
  gboolean closing;
  GList *link;
} Conn;

typedef struct
{
  double tokens;
  gint64 last;          /* monotonic µs */
} Bucket;

struct _TechoShlResponder
{
  const TechoShlBackend *backend;
  gpointer backend_data;
  TechoShlResponderLimits limits;
  SoupServer *server;
  GSocketService *service;
  GTlsCertificate *certificate;
  char *base_url;
  GHashTable *locations;     /* token → Location */
  GHashTable *buckets;       /* address → Bucket */
  GHashTable *per_address;   /* address → count */
  GQueue conns;              /* Conn, oldest first */
  GHashTable *by_remote;     /* address and port → Conn (borrowed) */
};

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
location_free (Location *l)
{
  g_free (l->share_id);
  g_free (l);
}

static gboolean
location_expired_cb (gpointer key,
                     gpointer value,
                     gpointer user_data)
{
  return now_seconds () >= ((Location *) value)->expires_at;
}

/* "address port": one TCP connection's name. */
static char *
remote_key (GSocketAddress *remote)
{
  g_autofree char *address = NULL;

  if (remote == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return NULL;
  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup_printf ("%s %u", address,
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (remote)));
}

/* The connection @msg came on (libsoup gives no socket for connections
 * handed to it, so it is found by the client's address and port). */
static Conn *
conn_of (TechoShlResponder *self,
         SoupServerMessage *msg)
{
  g_autofree char *key = remote_key (soup_server_message_get_remote_address (msg));

  return key != NULL ? g_hash_table_lookup (self->by_remote, key) : NULL;
}

/* ------------------------------------------------------------------ */
/* Answers */

void
techo_shl_respond_json (SoupServerMessage *msg,
                        guint              status,
                        JsonBuilder       *builder)
{
  g_autofree char *body = techo_json_builder_to_string (builder);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body,
                                    strlen (body));
}

void
techo_shl_respond_error (SoupServerMessage *msg,
                         guint              status,
                         const char        *text)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "error", text);
  json_builder_end_object (b);
  techo_shl_respond_json (msg, status, b);
}

void
techo_shl_responder_refuse_passcode (TechoShlResponder *self,
                                     gpointer           share,
                                     SoupServerMessage *msg,
                                     TechoShlEvent      event,
                                     const char        *recipient,
                                     guint              remaining)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  self->backend->record (self->backend_data, share, msg, event, recipient);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "remainingAttempts");
  json_builder_add_int_value (b, remaining);
  json_builder_end_object (b);
  techo_shl_respond_json (msg, SOUP_STATUS_UNAUTHORIZED, b);
}

static void
send_jwe (TechoShlResponder *self,
          gpointer           share,
          SoupServerMessage *msg,
          TechoShlEvent      event,
          const char        *recipient)
{
  g_autoptr(GBytes) jwe = self->backend->read_jwe (self->backend_data, share);

  if (jwe == NULL)
    {
      techo_shl_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the file could not be read");
      return;
    }
  self->backend->record (self->backend_data, share, msg, event, recipient);
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", "application/jose");
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), jwe);
}

void
techo_shl_responder_send_manifest (TechoShlResponder *self,
                                   gpointer           share,
                                   SoupServerMessage *msg,
                                   const char        *recipient,
                                   gint64             embedded_max)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GBytes) jwe = self->backend->read_jwe (self->backend_data, share);
  TechoShlShareInfo info = { 0 };

  if (jwe == NULL)
    {
      techo_shl_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "the file could not be read");
      return;
    }
  self->backend->describe (self->backend_data, share, &info);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "contentType", TECHO_SHL_CONTENT_FHIR);
  if (embedded_max > 0 && (gsize) embedded_max >= g_bytes_get_size (jwe))
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (jwe, NULL), g_bytes_get_size (jwe));

      techo_json_builder_add_string (b, "embedded", text);
    }
  else
    {
      g_autofree char *token = techo_random_token (32, NULL);
      g_autofree char *url = NULL;
      Location *l;

      /* Locations live an hour at most; keep their number bounded. */
      g_hash_table_foreach_remove (self->locations, location_expired_cb, NULL);
      if (token == NULL || g_hash_table_size (self->locations) >= self->limits.max_locations)
        {
          techo_shl_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "busy; try again later");
          return;
        }
      l = g_new0 (Location, 1);
      l->share_id = g_strdup (info.id);
      l->expires_at = MIN (info.expires_at, now_seconds () + self->limits.location_seconds);
      url = g_strconcat (self->base_url, TECHO_SHL_FILE_PREFIX, token, NULL);
      g_hash_table_insert (self->locations, g_steal_pointer (&token), l);
      techo_json_builder_add_string (b, "location", url);
    }
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  self->backend->record (self->backend_data, share, msg, TECHO_SHL_EVENT_MANIFEST, recipient);
  techo_shl_respond_json (msg, SOUP_STATUS_OK, b);
}

static void
handle_manifest (TechoShlResponder *self,
                 gpointer           share,
                 gboolean           needs_passcode,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  TechoJsonLimits limits = { self->limits.max_body, 4, 64 };
  g_autoptr(JsonObject) request = NULL;
  const char *recipient;
  gint64 embedded_max = 0;

  request = techo_json_parse_object_bounded (body->data != NULL ? body->data : "", body->length,
                                             &limits, NULL);
  recipient = techo_json_get_string (request, "recipient");
  if (recipient == NULL || *recipient == '\0')
    {
      self->backend->record (self->backend_data, share, msg, TECHO_SHL_EVENT_NO_RECIPIENT, NULL);
      techo_shl_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                               "a JSON body with a recipient is required");
      return;
    }
  techo_json_get_int64 (request, "embeddedLengthMax", &embedded_max);
  if (needs_passcode)
    self->backend->check_passcode (self->backend_data, share, msg,
                                   techo_json_get_string (request, "passcode"), recipient,
                                   embedded_max);
  else
    techo_shl_responder_send_manifest (self, share, msg, recipient, embedded_max);
}

static void
handle_shl (TechoShlResponder *self,
            SoupServerMessage *msg,
            const char        *method,
            const char        *path,
            GHashTable        *query)
{
  TechoShlShareInfo info = { 0 };
  gpointer share;

  if (g_str_has_prefix (path, TECHO_SHL_FILE_PREFIX))
    {
      Location *l = g_hash_table_lookup (self->locations, path + strlen (TECHO_SHL_FILE_PREFIX));

      share = l != NULL ? self->backend->find_by_id (self->backend_data, l->share_id) : NULL;
      if (share == NULL || strcmp (method, SOUP_METHOD_GET) != 0)
        {
          techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such file");
          return;
        }
      if (!self->backend->describe (self->backend_data, share, &info) ||
          now_seconds () >= l->expires_at)
        {
          self->backend->record (self->backend_data, share, msg, TECHO_SHL_EVENT_FILE_ENDED, NULL);
          techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "this share has ended");
          return;
        }
      send_jwe (self, share, msg, TECHO_SHL_EVENT_FILE, NULL);
      return;
    }

  share = self->backend->find (self->backend_data, path + strlen (TECHO_SHL_PATH_PREFIX));
  if (share == NULL || !self->backend->describe (self->backend_data, share, &info))
    {
      if (share != NULL)
        self->backend->record (self->backend_data, share, msg, TECHO_SHL_EVENT_ENDED, NULL);
      techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such share, or it has ended");
      return;
    }
  if (strcmp (method, SOUP_METHOD_POST) == 0)
    handle_manifest (self, share, info.passcode, msg);
  else if (strcmp (method, SOUP_METHOD_GET) == 0 && info.direct)
    {
      const char *recipient = query != NULL ? g_hash_table_lookup (query, "recipient") : NULL;

      if (recipient == NULL || *recipient == '\0')
        {
          self->backend->record (self->backend_data, share, msg,
                                 TECHO_SHL_EVENT_DIRECT_NO_RECIPIENT, NULL);
          techo_shl_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "a recipient is required");
          return;
        }
      send_jwe (self, share, msg, TECHO_SHL_EVENT_DIRECT, recipient);
    }
  else
    techo_shl_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST for the manifest");
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  TechoShlResponder *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_has_prefix (path, TECHO_SHL_PATH_PREFIX))
    {
      /* SMART Health Link viewers run in browsers on other origins. */
      soup_message_headers_replace (headers, "Access-Control-Allow-Origin", "*");
      if (strcmp (method, SOUP_METHOD_OPTIONS) == 0)
        {
          soup_message_headers_replace (headers, "Access-Control-Allow-Methods", "GET, POST");
          soup_message_headers_replace (headers, "Access-Control-Allow-Headers", "Content-Type");
          soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
          return;
        }
      handle_shl (self, msg, method, path, query);
    }
  else if (self->backend->other != NULL)
    self->backend->other (self->backend_data, msg, method, path);
  else
    techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not found");
}

/* ------------------------------------------------------------------ */
/* Before the body: the rate per address and the body's size */

static gboolean
rate_allows (TechoShlResponder *self,
             const char        *address)
{
  Bucket *b;
  double per_us = self->limits.requests_per_minute / 60e6;
  gint64 now = g_get_monotonic_time ();

  if (self->limits.requests_per_minute == 0)
    return TRUE;
  b = g_hash_table_lookup (self->buckets, address);
  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->tokens = self->limits.requests_per_minute;
      b->last = now;
      g_hash_table_insert (self->buckets, g_strdup (address), b);
    }
  b->tokens = MIN ((double) self->limits.requests_per_minute,
                   b->tokens + (now - b->last) * per_us);
  b->last = now;
  if (b->tokens < 1)
    return FALSE;
  b->tokens -= 1;
  return TRUE;
}

/* After a refusal the rest of what the client sends is read and dropped
 * for a moment (at most LINGER_BYTES, LINGER_SECONDS): closing with unread
 * data would reset the connection before the client read the answer. */
#define LINGER_BYTES   (256 * 1024)
#define LINGER_SECONDS 2

typedef struct
{
  GIOStream *stream;
  GCancellable *cancellable;
  guint timeout_id;
  gsize drained;
  guint8 buffer[4096];
} Linger;

static void
linger_read_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  Linger *l = data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n > 0 && (l->drained += n) < LINGER_BYTES)
    {
      g_input_stream_read_async (G_INPUT_STREAM (source), l->buffer, sizeof l->buffer,
                                 G_PRIORITY_DEFAULT, l->cancellable, linger_read_cb, l);
      return;
    }
  g_clear_handle_id (&l->timeout_id, g_source_remove);
  g_io_stream_close (l->stream, NULL, NULL);
  g_object_unref (l->stream);
  g_object_unref (l->cancellable);
  g_free (l);
}

static gboolean
linger_timeout_cb (gpointer data)
{
  Linger *l = data;

  l->timeout_id = 0;
  g_cancellable_cancel (l->cancellable);
  return G_SOURCE_REMOVE;
}

/* Answers at once and closes, without reading a body that is refused
 * anyway (libsoup would read it first). */
static void
refuse_now (TechoShlResponder *self,
            SoupServerMessage *msg,
            guint              status,
            const char        *reason)
{
  Conn *c = conn_of (self, msg);
  GSocket *socket = c != NULL ? g_object_ref (c->socket) : NULL;
  g_autoptr(GIOStream) stream = NULL;
  g_autofree char *head = NULL;
  Linger *l;

  stream = soup_server_message_steal_connection (msg);

  if (stream == NULL)
    {
      g_clear_object (&socket);
      techo_shl_respond_error (msg, status, reason);
      return;
    }
  head = g_strdup_printf ("HTTP/1.1 %u %s\r\nConnection: close\r\n%sContent-Length: 0\r\n\r\n",
                          status, reason, status == 429 ? "Retry-After: 60\r\n" : "");
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (stream), head, strlen (head),
                                  NULL, NULL, NULL) || socket == NULL)
    {
      g_io_stream_close (stream, NULL, NULL);
      g_clear_object (&socket);
      return;
    }
  g_socket_shutdown (socket, FALSE, TRUE, NULL);
  g_object_unref (socket);
  l = g_new0 (Linger, 1);
  l->stream = g_steal_pointer (&stream);
  l->cancellable = g_cancellable_new ();
  l->timeout_id = g_timeout_add_seconds (LINGER_SECONDS, linger_timeout_cb, l);
  g_input_stream_read_async (g_io_stream_get_input_stream (l->stream), l->buffer,
                             sizeof l->buffer, G_PRIORITY_DEFAULT, l->cancellable,
                             linger_read_cb, l);
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  TechoShlResponder *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  const char *address = soup_server_message_get_remote_host (msg);
  gsize max = g_str_has_prefix (path, TECHO_SHL_PATH_PREFIX) ? self->limits.max_body
                                                             : self->limits.max_other_body;

  if (!rate_allows (self, address != NULL ? address : ""))
    {
      refuse_now (self, msg, 429, "Too Many Requests");
      return;
    }
  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    refuse_now (self, msg, SOUP_STATUS_LENGTH_REQUIRED, "Length Required");
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
           (guint64) soup_message_headers_get_content_length (headers) > max)
    refuse_now (self, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "Payload Too Large");
}

/* Every answer closes its connection: keep-alive cannot pile them up. */
static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "Connection", "close");
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
}

/* ------------------------------------------------------------------ */
/* Connections: accepted here, capped, with a deadline */

static void
conn_close (Conn *c)
{
  c->closing = TRUE;
  /* libsoup notices on its next read or write and lets go of it. */
  g_socket_shutdown (c->socket, TRUE, TRUE, NULL);
}

static gboolean
conn_deadline_cb (gpointer data)
{
  Conn *c = data;

  c->deadline_id = 0;
  conn_close (c);
  return G_SOURCE_REMOVE;
}

/* The request is in: from here the time is ours (a passcode check may
 * wait its turn), so the deadline becomes the one for answering. */
static void
request_read_cb (SoupServer        *server,
                 SoupServerMessage *msg,
                 gpointer           user_data)
{
  TechoShlResponder *self = user_data;
  Conn *c = conn_of (self, msg);

  if (c == NULL || c->closing)
    return;
  g_clear_handle_id (&c->deadline_id, g_source_remove);
  c->deadline_id = g_timeout_add_seconds (self->limits.answer_timeout, conn_deadline_cb, c);
}

/* Forgets @c; its socket is closed by whoever held it. */
static void
conn_free (Conn *c)
{
  TechoShlResponder *self = c->responder;

  g_queue_delete_link (&self->conns, c->link);
  g_hash_table_remove (self->by_remote, c->key);
  g_clear_handle_id (&c->deadline_id, g_source_remove);
  g_object_unref (c->socket);
  g_free (c->address);
  g_free (c->key);
  g_free (c);
}

static void
conn_gone_cb (gpointer  data,
              GObject  *where_the_object_was)
{
  Conn *c = data;
  TechoShlResponder *self = c->responder;
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, c->address));

  if (n <= 1)
    g_hash_table_remove (self->per_address, c->address);
  else
    g_hash_table_insert (self->per_address, g_strdup (c->address), GUINT_TO_POINTER (n - 1));
  g_socket_close (c->socket, NULL);
  conn_free (c);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TechoShlResponder *self = user_data;
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GIOStream) stream = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  GSocket *socket = g_socket_connection_get_socket (connection);
  guint n;
  Conn *c;

  if (remote == NULL || local == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    return TRUE;
  address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));
  if (n >= self->limits.max_connections_per_address)
    {
      /* Refused at once; its descriptor is freed when we return. */
      g_socket_close (socket, NULL);
      return TRUE;
    }
  /* At the total cap the oldest goes: the newest client is most likely
   * a person waiting, the oldest a stalled or hostile one. */
  if (self->conns.length >= self->limits.max_connections)
    {
      Conn *oldest = NULL;

      for (GList *l = self->conns.head; l != NULL && oldest == NULL; l = l->next)
        if (!((Conn *) l->data)->closing)
          oldest = l->data;
      if (oldest == NULL)
        {
          g_socket_close (socket, NULL);
          return TRUE;
        }
      /* It stays counted until libsoup lets go of it. */
      g_clear_handle_id (&oldest->deadline_id, g_source_remove);
      conn_close (oldest);
    }

  if (self->certificate != NULL)
    {
      stream = G_IO_STREAM (g_tls_server_connection_new (G_IO_STREAM (connection),
                                                         self->certificate, &error));
      if (stream == NULL)
        {
          g_warning ("TLS is not available: %s", error->message);
          return TRUE;
        }
    }
  else
    stream = G_IO_STREAM (g_object_ref (connection));

  c = g_new0 (Conn, 1);
  c->responder = self;
  c->stream = G_OBJECT (connection);
  c->socket = g_object_ref (socket);
  c->address = g_steal_pointer (&address);
  c->key = remote_key (remote);
  g_queue_push_tail (&self->conns, c);
  c->link = self->conns.tail;
  g_hash_table_insert (self->by_remote, c->key, c);
  g_hash_table_insert (self->per_address, g_strdup (c->address), GUINT_TO_POINTER (n + 1));
  c->deadline_id = g_timeout_add_seconds (self->limits.request_timeout, conn_deadline_cb, c);
  g_object_weak_ref (G_OBJECT (connection), conn_gone_cb, c);

  if (!soup_server_accept_iostream (self->server, stream, local, remote, &error))
    {
      g_warning ("A connection could not be served: %s", error->message);
      conn_close (c);
    }
  return TRUE;
}

/* A bucket untouched for a minute is full again: forget it. */
static gboolean
bucket_idle_cb (gpointer key,
                gpointer value,
                gpointer user_data)
{
  return g_get_monotonic_time () - ((Bucket *) value)->last > 60 * G_USEC_PER_SEC;
}

/* ------------------------------------------------------------------ */
/* Public */

TechoShlResponder *
techo_shl_responder_new (const TechoShlBackend          *backend,
                         gpointer                        backend_data,
                         const TechoShlResponderLimits  *limits,
                         const char                     *server_header)
{
  TechoShlResponder *self = g_new0 (TechoShlResponder, 1);

  self->backend = backend;
  self->backend_data = backend_data;
  self->limits = *limits;
  self->locations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) location_free);
  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&self->conns);
  self->by_remote = g_hash_table_new (g_str_hash, g_str_equal);
  self->server = soup_server_new ("server-header", server_header, NULL);
  soup_server_add_early_handler (self->server, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->server, NULL, request_cb, self, NULL);
  g_signal_connect (self->server, "request-started", G_CALLBACK (request_started_cb), self);
  g_signal_connect (self->server, "request-read", G_CALLBACK (request_read_cb), self);
  return self;
}

void
techo_shl_responder_free (TechoShlResponder *self)
{
  if (self == NULL)
    return;
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
    }
  g_clear_object (&self->service);
  while (self->conns.head != NULL)
    {
      Conn *c = self->conns.head->data;

      g_object_weak_unref (c->stream, conn_gone_cb, c);
      conn_close (c);
      conn_free (c);
    }
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);
  g_hash_table_unref (self->locations);
  g_hash_table_unref (self->buckets);
  g_hash_table_unref (self->per_address);
  g_hash_table_unref (self->by_remote);
  g_free (self->base_url);
  g_free (self);
}

gboolean
techo_shl_responder_listen (TechoShlResponder  *self,
                            GInetAddress       *inet,
                            guint               port,
                            GTlsCertificate    *certificate,
                            guint              *bound_port,
                            GError            **error)
{
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocketAddress) effective = NULL;

  g_return_val_if_fail (self->service == NULL, FALSE);
  self->service = g_socket_service_new ();
  /* A longer queue of pending connections than the default 10 (parallel
   * clients would see resets). */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->service), 128);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    {
      g_clear_object (&self->service);
      return FALSE;
    }
  g_set_object (&self->certificate, certificate);
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);
  *bound_port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  return TRUE;
}

void
techo_shl_responder_set_base_url (TechoShlResponder *self,
                                  const char        *base_url)
{
  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
}

guint
techo_shl_responder_get_n_connections (TechoShlResponder *self)
{
  return self->conns.length;
}

void
techo_shl_responder_purge (TechoShlResponder *self)
{
  g_hash_table_foreach_remove (self->locations, location_expired_cb, NULL);
  g_hash_table_foreach_remove (self->buckets, bucket_idle_cb, NULL);
}
