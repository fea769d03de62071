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
#include "techo-serve.h"
#include "techo-share-server.h"
#include "techo-shl.h"
#include "techo-shl-responder-private.h"
#include "techo-thread.h"

G_DEFINE_QUARK (techo-share-error-quark, techo_share_error)

#define LOCATION_SECONDS 3600
#define WRONG_PASSCODE   "wrong passcode"
#define MAX_RECIPIENT    120
#define MAX_LOCATIONS    1000
/* Connections: in total and per address (a doctor's browser and a
 * viewer's parallel requests fit), seconds to send a request and to
 * answer it; every answer closes its connection. */
#define MAX_CONNECTIONS  64
#define MAX_PER_ADDRESS  32
#define REQUEST_SECONDS  10
#define ANSWER_SECONDS   30
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

struct _TechoShareServer
{
  GObject parent_instance;

  TechoStore *store;
  TechoShlResponder *responder;
  char *base_url;
  GHashTable *shares;     /* token → Share */
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

/* ---- the SHL responder's backend ------------------------------------------- */

static gpointer
shl_find (gpointer    backend,
          const char *token)
{
  return g_hash_table_lookup (((TechoShareServer *) backend)->shares, token);
}

static gboolean
shl_describe (gpointer           backend,
              gpointer           data,
              TechoShlShareInfo *info)
{
  Share *share = data;

  info->id = share->token;
  info->expires_at = share->expires_at;
  info->direct = share->direct;
  info->passcode = share->passcode != NULL;
  return share_is_live (backend, share);
}

static GBytes *
shl_read_jwe (gpointer backend,
              gpointer share)
{
  return g_bytes_new (((Share *) share)->jwe, strlen (((Share *) share)->jwe));
}

static void
shl_record (gpointer           backend,
            gpointer           share,
            SoupServerMessage *msg,
            TechoShlEvent      event,
            const char        *recipient)
{
  static const char *const what[] = {
    [TECHO_SHL_EVENT_MANIFEST] = "manifest",
    [TECHO_SHL_EVENT_FILE] = "file",
    [TECHO_SHL_EVENT_DIRECT] = "direct file",
    [TECHO_SHL_EVENT_ENDED] = "request after expiry or revocation",
    [TECHO_SHL_EVENT_FILE_ENDED] = "file after expiry or revocation",
    [TECHO_SHL_EVENT_NO_RECIPIENT] = "manifest without recipient",
    [TECHO_SHL_EVENT_DIRECT_NO_RECIPIENT] = "file without recipient",
    [TECHO_SHL_EVENT_WRONG_PASSCODE] = WRONG_PASSCODE,
    [TECHO_SHL_EVENT_NO_PASSCODE] = WRONG_PASSCODE,
  };

  log_event (backend, share, msg,
             event <= TECHO_SHL_EVENT_DIRECT ? TECHO_CONSENT_EVENT_ACCESS
                                             : TECHO_CONSENT_EVENT_DENIED,
             what[event], recipient);
}

/* In memory: no passcode, a wrong one, or one past the cap is a try. */
static void
shl_check_passcode (gpointer           backend,
                    gpointer           data,
                    SoupServerMessage *msg,
                    const char        *passcode,
                    const char        *recipient,
                    gint64             embedded_max)
{
  TechoShareServer *self = backend;
  Share *share = data;

  if (share->remaining == 0 || passcode == NULL ||
      strlen (passcode) != strlen (share->passcode) ||
      !techo_secure_equal (passcode, share->passcode))
    {
      if (share->remaining > 0)
        share->remaining--;
      techo_shl_responder_refuse_passcode (self->responder, share, msg,
                                           TECHO_SHL_EVENT_WRONG_PASSCODE, recipient,
                                           share->remaining);
      return;
    }
  techo_shl_responder_send_manifest (self->responder, share, msg, recipient, embedded_max);
}

static const TechoShlBackend shl_backend = {
  shl_find, shl_find, shl_describe, shl_read_jwe, shl_record, shl_check_passcode, NULL,
};

static const TechoShlResponderLimits shl_limits = {
  .max_connections = MAX_CONNECTIONS,
  .max_connections_per_address = MAX_PER_ADDRESS,
  .request_timeout = REQUEST_SECONDS,
  .answer_timeout = ANSWER_SECONDS,
  .requests_per_minute = 0,
  .max_body = TECHO_SHARE_MAX_REQUEST_BYTES,
  .max_other_body = 0,
  .max_locations = MAX_LOCATIONS,
  .location_seconds = LOCATION_SECONDS,
};

static void
techo_share_server_dispose (GObject *object)
{
  TechoShareServer *self = TECHO_SHARE_SERVER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->revoked_id, self->store);
  g_clear_pointer (&self->responder, techo_shl_responder_free);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_share_server_parent_class)->dispose (object);
}

static void
techo_share_server_finalize (GObject *object)
{
  TechoShareServer *self = TECHO_SHARE_SERVER (object);

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
  g_autoptr(GError) local_error = NULL;
  guint bound_port;

  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), FALSE);
  g_return_val_if_fail (self->responder == NULL, FALSE);

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
  self->responder = techo_shl_responder_new (&shl_backend, self, &shl_limits, "");
  if (!techo_shl_responder_listen (self->responder, inet, port, NULL, &bound_port, &local_error))
    {
      g_set_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN,
                   "The share server could not listen on %s: %s",
                   address != NULL ? address : "127.0.0.1", local_error->message);
      g_clear_pointer (&self->responder, techo_shl_responder_free);
      return FALSE;
    }
  self->base_url = techo_serve_base_url ("http", inet, bound_port);
  techo_shl_responder_set_base_url (self->responder, self->base_url);
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
  return g_strconcat (self->base_url, TECHO_SHL_PATH_PREFIX, share->token, NULL);
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
  g_hash_table_foreach_remove (self->shares, share_of_consent_cb, &consent_id);
}

guint
techo_share_server_get_n_connections (TechoShareServer *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (self), 0);
  return self->responder != NULL ? techo_shl_responder_get_n_connections (self->responder) : 0;
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
techo_share_publish_sync (TechoShareServer         *server,
                          gint64                    profile_id,
                          TechoConsent             *consent,
                          const TechoShareOptions  *options,
                          GCancellable             *cancellable,
                          GError                  **error)
{
  g_autoptr(Publication) p = NULL;
  g_autofree char *detail = NULL;
  gboolean prepared;

  g_return_val_if_fail (TECHO_IS_SHARE_SERVER (server), NULL);
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
  prepared = publication_prepare (p, server->store, cancellable, error);
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
techo_share_publish_async (TechoShareServer         *server,
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
  inner = g_task_new (server->store, cancellable, prepared_cb, g_steal_pointer (&task));
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
