/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share host: SMART Health Links served from ciphertext kept on disk. */

#define G_LOG_DOMAIN "techo-share-host"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-atomic-file.h"
#include "techo-json.h"
#include "techo-scrypt.h"
#include "techo-secure.h"
#include "techo-serve.h"
#include "techo-share-host.h"
#include "techo-shl.h"
#include "techo-shl-responder-private.h"

G_DEFINE_QUARK (techo-share-host-error-quark, techo_share_host_error)

#define API_PREFIX        "/api/shares"
#define MAX_SHL_BODY      (16 * 1024)
#define MAX_META_BYTES    (1024 * 1024)
#define MAX_RECIPIENT     120
#define MAX_PASSCODE      128
#define MAX_ACCESSES      500
#define MAX_LOCATIONS     10000
#define LOCATION_SECONDS  3600
#define PURGE_SECONDS     60
#define ANSWER_SECONDS    60
#define MAX_EXPIRY_DAYS   366
#define SCRYPT_LOG_N      15
#define SCRYPT_R          8
#define SCRYPT_P          1
#define STATE_ACTIVE      "active"
#define STATE_LOCKED      "locked"
#define CSP "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " \
            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

typedef struct
{
  gint64 at;
  char *event;      /* manifest, file, direct */
  char *from;       /* the client's address */
  char *recipient;  /* as the client said, bounded, one line */
} Access;

typedef struct
{
  guint refs;
  char *id;             /* 16 random bytes, base64url: the API's name */
  char *token_hash;     /* SHA-256 of the manifest path token */
  char *manage_hash;    /* SHA-256 of the management token */
  char *passcode_hash;  /* scrypt$…, NULL without a passcode */
  char *label;
  char *state;
  gint64 created_at;
  gint64 expires_at;
  guint remaining;      /* wrong passcodes still allowed */
  guint pending;        /* passcode checks in flight (not on disk) */
  gboolean direct;
  gboolean deleted;
  GArray *accesses;     /* Access */
  gint64 accesses_dropped;
  gint64 denied_wrong;
  gint64 denied_other;
  gint64 denied_last;
} Share;

struct _TechoShareHost
{
  GObject parent_instance;

  char *data_dir;
  char *shares_dir;
  TechoShareHostLimits limits;
  char *upload_key_hash;
  GMainContext *context;
  TechoShlResponder *responder;
  char *base_url;
  GHashTable *shares;        /* id → Share */
  GHashTable *by_token;      /* token hash → Share (borrowed) */
  GBytes *viewer_html, *viewer_js, *viewer_css;
  GThreadPool *kdf_pool;
  guint purge_id;
};

G_DEFINE_TYPE (TechoShareHost, techo_share_host, G_TYPE_OBJECT)

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static char *
sha256_hex (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static Share *
share_ref (Share *s)
{
  s->refs++;
  return s;
}

static void
share_unref (Share *s)
{
  if (--s->refs > 0)
    return;
  for (guint i = 0; i < s->accesses->len; i++)
    {
      Access *a = &g_array_index (s->accesses, Access, i);

      g_free (a->event);
      g_free (a->from);
      g_free (a->recipient);
    }
  g_array_unref (s->accesses);
  g_free (s->id);
  g_free (s->token_hash);
  g_free (s->manage_hash);
  g_free (s->passcode_hash);
  g_free (s->label);
  g_free (s->state);
  g_free (s);
}

static Share *
share_new (void)
{
  Share *s = g_new0 (Share, 1);

  s->refs = 1;
  s->accesses = g_array_new (FALSE, TRUE, sizeof (Access));
  s->state = g_strdup (STATE_ACTIVE);
  return s;
}

/* ------------------------------------------------------------------ */
/* Passcodes: scrypt with a fresh salt */

char *
techo_share_host_hash_passcode (const char  *passcode,
                                GError     **error)
{
  g_return_val_if_fail (passcode != NULL, NULL);
  return techo_scrypt_hash (passcode, SCRYPT_LOG_N, SCRYPT_R, SCRYPT_P, error);
}

gboolean
techo_share_host_check_passcode (const char *hash,
                                 const char *passcode)
{
  return techo_scrypt_verify (hash, passcode, 0, 0);
}

/* ------------------------------------------------------------------ */
/* The data folder: <id>.json (metadata) and <id>.jwe (ciphertext) */

static char *
share_path (TechoShareHost *self,
            const char     *id,
            const char     *suffix)
{
  g_autofree char *name = g_strconcat (id, suffix, NULL);

  return g_build_filename (self->shares_dir, name, NULL);
}

/* The accesses and the denied counts, in the data file and the API alike. */
static void
add_accesses (JsonBuilder *b,
              Share       *s)
{
  json_builder_set_member_name (b, "accesses");
  json_builder_begin_array (b);
  for (guint i = 0; i < s->accesses->len; i++)
    {
      Access *a = &g_array_index (s->accesses, Access, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "at");
      json_builder_add_int_value (b, a->at);
      techo_json_builder_add_string (b, "event", a->event);
      techo_json_builder_add_string (b, "from", a->from);
      techo_json_builder_add_string (b, "recipient", a->recipient);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "accessesDropped");
  json_builder_add_int_value (b, s->accesses_dropped);
  json_builder_set_member_name (b, "denied");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "wrongPasscode");
  json_builder_add_int_value (b, s->denied_wrong);
  json_builder_set_member_name (b, "other");
  json_builder_add_int_value (b, s->denied_other);
  json_builder_set_member_name (b, "lastAt");
  json_builder_add_int_value (b, s->denied_last);
  json_builder_end_object (b);
}

static char *
share_to_json (Share *s)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "v");
  json_builder_add_int_value (b, 1);
  techo_json_builder_add_string (b, "id", s->id);
  techo_json_builder_add_string (b, "tokenHash", s->token_hash);
  techo_json_builder_add_string (b, "manageHash", s->manage_hash);
  techo_json_builder_add_string (b, "passcodeHash", s->passcode_hash);
  techo_json_builder_add_string (b, "label", s->label);
  techo_json_builder_add_string (b, "state", s->state);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, s->created_at);
  json_builder_set_member_name (b, "expiresAt");
  json_builder_add_int_value (b, s->expires_at);
  json_builder_set_member_name (b, "remainingAttempts");
  json_builder_add_int_value (b, s->remaining);
  json_builder_set_member_name (b, "direct");
  json_builder_add_boolean_value (b, s->direct);
  add_accesses (b, s);
  json_builder_end_object (b);
  return techo_json_builder_to_string (b);
}

static gboolean
share_save (TechoShareHost  *self,
            Share           *s,
            GError         **error)
{
  g_autofree char *json = share_to_json (s);
  g_autofree char *path = share_path (self, s->id, ".json");

  return techo_atomic_file_write (path, json, strlen (json), NULL, error);
}

/* A failure to write is logged (without anything secret) and the answer
 * turns into a 503: the lock must not be weaker than what is on disk. */
static gboolean
share_save_or_warn (TechoShareHost *self,
                    Share          *s)
{
  g_autoptr(GError) error = NULL;

  if (share_save (self, s, &error))
    return TRUE;
  g_warning ("Could not write a share's state: %s", error->message);
  return FALSE;
}

static void
share_forget (TechoShareHost *self,
              Share          *s)
{
  g_autofree char *meta = share_path (self, s->id, ".json");
  g_autofree char *jwe = share_path (self, s->id, ".jwe");

  /* The ciphertext first: a kill between the two leaves metadata only. */
  if (g_unlink (jwe) != 0 && errno != ENOENT)
    g_warning ("Could not delete a share's file: %s", g_strerror (errno));
  if (g_unlink (meta) != 0 && errno != ENOENT)
    g_warning ("Could not delete a share's metadata: %s", g_strerror (errno));
  s->deleted = TRUE;
  g_hash_table_remove (self->by_token, s->token_hash);
  g_hash_table_remove (self->shares, s->id);
}

static gboolean
valid_hex64 (const char *s)
{
  if (s == NULL || strlen (s) != 64)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

static gboolean
valid_id (const char *id)
{
  gsize n = id != NULL ? strlen (id) : 0;

  if (n < 16 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_')
      return FALSE;
  return TRUE;
}

static Share *
share_from_json (const char  *data,
                 gsize        length,
                 GError     **error)
{
  TechoJsonLimits limits = { MAX_META_BYTES, 8, 20000 };
  g_autoptr(JsonObject) o = techo_json_parse_object_bounded (data, length, &limits, error);
  Share *s;
  JsonArray *accesses;
  JsonObject *denied;
  gint64 remaining = 0;

  if (o == NULL)
    return NULL;
  s = share_new ();
  s->id = g_strdup (techo_json_get_string (o, "id"));
  s->token_hash = g_strdup (techo_json_get_string (o, "tokenHash"));
  s->manage_hash = g_strdup (techo_json_get_string (o, "manageHash"));
  s->passcode_hash = g_strdup (techo_json_get_string (o, "passcodeHash"));
  s->label = g_strdup (techo_json_get_string (o, "label"));
  g_free (s->state);
  s->state = g_strdup (techo_json_get_string (o, "state"));
  techo_json_get_int64 (o, "createdAt", &s->created_at);
  techo_json_get_int64 (o, "remainingAttempts", &remaining);
  techo_json_get_boolean (o, "direct", &s->direct);
  techo_json_get_int64 (o, "accessesDropped", &s->accesses_dropped);
  if (!valid_id (s->id) || !valid_hex64 (s->token_hash) || !valid_hex64 (s->manage_hash) ||
      !techo_json_get_int64 (o, "expiresAt", &s->expires_at) ||
      remaining < 0 || remaining > TECHO_SHARE_HOST_MAX_ATTEMPTS ||
      (g_strcmp0 (s->state, STATE_ACTIVE) != 0 && g_strcmp0 (s->state, STATE_LOCKED) != 0))
    {
      share_unref (s);
      g_set_error_literal (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_DATA,
                           "a member is missing or out of range");
      return NULL;
    }
  s->remaining = remaining;
  denied = techo_json_get_object (o, "denied");
  techo_json_get_int64 (denied, "wrongPasscode", &s->denied_wrong);
  techo_json_get_int64 (denied, "other", &s->denied_other);
  techo_json_get_int64 (denied, "lastAt", &s->denied_last);
  accesses = techo_json_get_array (o, "accesses");
  for (guint i = 0; accesses != NULL && i < json_array_get_length (accesses) &&
                    i < MAX_ACCESSES; i++)
    {
      JsonObject *e = json_array_get_object_element (accesses, i);
      Access a = { 0 };

      if (e == NULL)
        continue;
      techo_json_get_int64 (e, "at", &a.at);
      a.event = g_strdup (techo_json_get_string (e, "event"));
      a.from = g_strdup (techo_json_get_string (e, "from"));
      a.recipient = g_strdup (techo_json_get_string (e, "recipient"));
      g_array_append_val (s->accesses, a);
    }
  return s;
}

static void
add_share (TechoShareHost *self,
           Share          *s)
{
  g_hash_table_insert (self->shares, s->id, s);
  g_hash_table_insert (self->by_token, s->token_hash, s);
}

static gboolean
load_shares (TechoShareHost  *self,
             GError         **error)
{
  g_autoptr(GDir) dir = g_dir_open (self->shares_dir, 0, error);
  const char *name;

  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->shares_dir, name, NULL);
      g_autofree char *data = NULL;
      g_autoptr(GError) local_error = NULL;
      gsize length = 0;
      Share *s;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      if (!g_file_get_contents (path, &data, &length, &local_error) ||
          (s = share_from_json (data, length, &local_error)) == NULL)
        {
          g_warning ("Skipping %s: %s", path, local_error->message);
          continue;
        }
      if (g_hash_table_contains (self->shares, s->id))
        {
          share_unref (s);
          continue;
        }
      add_share (self, s);
    }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* The SHL answers' backend (techo-shl-responder) */

static void
respond_bytes (SoupServerMessage *msg,
               guint              status,
               const char        *type,
               GBytes            *bytes)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Content-Type", type);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

/* A share answers while its time has not passed and it is not locked. */
static gboolean
share_is_live (Share *s)
{
  return !s->deleted && now_seconds () < s->expires_at && strcmp (s->state, STATE_ACTIVE) == 0;
}

static char *
bounded_line (const char *text)
{
  char *line;

  if (text == NULL)
    return NULL;
  line = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (line, -1) > MAX_RECIPIENT)
    *g_utf8_offset_to_pointer (line, MAX_RECIPIENT) = '\0';
  for (char *c = line; *c; c++)
    if ((guchar) *c < 0x20 || *c == 0x7f)
      *c = ' ';
  return line;
}

static void
record_access (TechoShareHost    *self,
               Share             *s,
               SoupServerMessage *msg,
               const char        *event,
               const char        *recipient)
{
  Access a = { now_seconds (), g_strdup (event),
               g_strdup (soup_server_message_get_remote_host (msg)), bounded_line (recipient) };

  if (s->accesses->len >= MAX_ACCESSES)
    {
      Access *old = &g_array_index (s->accesses, Access, 0);

      g_free (old->event);
      g_free (old->from);
      g_free (old->recipient);
      g_array_remove_index (s->accesses, 0);
      s->accesses_dropped++;
    }
  g_array_append_val (s->accesses, a);
  share_save_or_warn (self, s);
}

/* Denied requests are counted, not listed: a flood adds no rows. */
static void
record_denied (TechoShareHost *self,
               Share          *s,
               gboolean        wrong_passcode)
{
  if (wrong_passcode)
    s->denied_wrong++;
  else
    s->denied_other++;
  s->denied_last = now_seconds ();
  if (!s->deleted)
    share_save_or_warn (self, s);
}

static void
shl_record (gpointer           backend,
            gpointer           share,
            SoupServerMessage *msg,
            TechoShlEvent      event,
            const char        *recipient)
{
  switch (event)
    {
    case TECHO_SHL_EVENT_MANIFEST:
      record_access (backend, share, msg, "manifest", recipient);
      break;
    case TECHO_SHL_EVENT_FILE:
      record_access (backend, share, msg, "file", recipient);
      break;
    case TECHO_SHL_EVENT_DIRECT:
      record_access (backend, share, msg, "direct", recipient);
      break;
    default:
      record_denied (backend, share, event == TECHO_SHL_EVENT_WRONG_PASSCODE);
      break;
    }
}

static gpointer
shl_find (gpointer    backend,
          const char *token)
{
  TechoShareHost *self = backend;
  g_autofree char *hash = sha256_hex (token);

  return g_hash_table_lookup (self->by_token, hash);
}

static gpointer
shl_find_by_id (gpointer    backend,
                const char *id)
{
  return g_hash_table_lookup (((TechoShareHost *) backend)->shares, id);
}

static gboolean
shl_describe (gpointer           backend,
              gpointer           share,
              TechoShlShareInfo *info)
{
  Share *s = share;

  info->id = s->id;
  info->expires_at = s->expires_at;
  info->direct = s->direct;
  info->passcode = s->passcode_hash != NULL;
  return share_is_live (s);
}

static GBytes *
shl_read_jwe (gpointer backend,
              gpointer share)
{
  g_autofree char *path = share_path (backend, ((Share *) share)->id, ".jwe");
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, &error))
    {
      g_warning ("A share's file could not be read: %s", error->message);
      return NULL;
    }
  return g_bytes_new_take (data, length);
}

/* Passcode checks on a worker (scrypt is slow on purpose) */

typedef struct
{
  TechoShareHost *host;
  Share *share;
  SoupServerMessage *msg;
  char *passcode;
  char *recipient;
  gint64 embedded_max;
  gboolean ok;
} Check;

static void
check_free (Check *c)
{
  g_object_unref (c->host);
  share_unref (c->share);
  g_object_unref (c->msg);
  techo_wipe_free (c->passcode);
  g_free (c->recipient);
  g_free (c);
}

static gboolean
check_done_cb (gpointer data)
{
  Check *c = data;
  TechoShareHost *self = c->host;
  Share *s = c->share;

  s->pending--;
  if (!share_is_live (s))
    techo_shl_respond_error (c->msg, SOUP_STATUS_NOT_FOUND, "this share has ended");
  else if (c->ok)
    {
      /* The try counted in advance was not a wrong one. */
      s->remaining++;
      techo_shl_responder_send_manifest (self->responder, s, c->msg, c->recipient,
                                         c->embedded_max);
    }
  else
    {
      techo_shl_responder_refuse_passcode (self->responder, s, c->msg,
                                           TECHO_SHL_EVENT_WRONG_PASSCODE, c->recipient,
                                           s->remaining);
      if (s->remaining == 0 && s->pending == 0)
        {
          g_autofree char *jwe = share_path (self, s->id, ".jwe");

          /* Ten wrong passcodes end the share: the ciphertext goes. */
          g_free (s->state);
          s->state = g_strdup (STATE_LOCKED);
          share_save_or_warn (self, s);
          if (g_unlink (jwe) != 0 && errno != ENOENT)
            g_warning ("Could not delete a locked share's file: %s", g_strerror (errno));
          g_message ("A share was locked after too many wrong passcodes.");
        }
    }
  soup_server_message_unpause (c->msg);
  return G_SOURCE_REMOVE;
}

static void
check_thread (gpointer data,
              gpointer user_data)
{
  Check *c = data;

  c->ok = techo_share_host_check_passcode (c->share->passcode_hash, c->passcode);
  g_main_context_invoke_full (c->host->context, G_PRIORITY_DEFAULT, check_done_cb, c,
                              (GDestroyNotify) check_free);
}

static void
shl_check_passcode (gpointer           backend,
                    gpointer           share,
                    SoupServerMessage *msg,
                    const char        *passcode,
                    const char        *recipient,
                    gint64             embedded_max)
{
  TechoShareHost *self = backend;
  Share *s = share;
  Check *c;

  if (s->remaining == 0 || passcode == NULL || *passcode == '\0' ||
      strlen (passcode) > MAX_PASSCODE)
    {
      /* No passcode at all is not a try; a guess past the cap is refused
       * without the cost of checking it. */
      techo_shl_responder_refuse_passcode (self->responder, s, msg,
                                           passcode != NULL ? TECHO_SHL_EVENT_WRONG_PASSCODE
                                                            : TECHO_SHL_EVENT_NO_PASSCODE,
                                           recipient, s->remaining);
      return;
    }
  /* Count the try as wrong, on disk, before checking it. */
  s->remaining--;
  if (!share_save_or_warn (self, s))
    {
      s->remaining++;
      techo_shl_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE,
                               "the host cannot write its state");
      return;
    }
  s->pending++;
  c = g_new0 (Check, 1);
  c->host = g_object_ref (self);
  c->share = share_ref (s);
  c->msg = g_object_ref (msg);
  c->passcode = g_strdup (passcode);
  c->recipient = g_strdup (recipient);
  c->embedded_max = embedded_max;
  soup_server_message_pause (msg);
  g_thread_pool_push (self->kdf_pool, c, NULL);
}

/* ------------------------------------------------------------------ */
/* The management API */

static gboolean
valid_jwe (const char *jwe,
           gsize       length)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *header = NULL;
  g_autoptr(JsonObject) o = NULL;
  gsize header_length = 0;

  if (length < 20 || strlen (jwe) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (jwe[i]) && jwe[i] != '-' && jwe[i] != '_' && jwe[i] != '.')
      return FALSE;
  parts = g_strsplit (jwe, ".", -1);
  if (g_strv_length (parts) != 5 || *parts[1] != '\0')
    return FALSE;
  header = techo_base64url_decode (parts[0], &header_length);
  if (header == NULL || header_length > 1024)
    return FALSE;
  o = techo_json_parse_object_bounded ((const char *) header, header_length, NULL, NULL);
  return g_strcmp0 (techo_json_get_string (o, "alg"), "dir") == 0 &&
         g_strcmp0 (techo_json_get_string (o, "enc"), "A256GCM") == 0;
}

static const char *
bearer (SoupServerMessage *msg)
{
  const char *h = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                "Authorization");

  if (h == NULL || g_ascii_strncasecmp (h, "Bearer ", 7) != 0)
    return NULL;
  return h + 7;
}

static gboolean
token_matches (const char *token,
               const char *hash)
{
  g_autofree char *h = NULL;

  if (token == NULL || hash == NULL || strlen (token) > 256)
    return FALSE;
  h = sha256_hex (token);
  return strlen (h) == strlen (hash) && techo_secure_equal (h, hash);
}

static gboolean
write_jwe (TechoShareHost  *self,
           const char      *id,
           const char      *jwe,
           gsize            length,
           GError         **error)
{
  g_autofree char *path = share_path (self, id, ".jwe");

  return techo_atomic_file_write (path, jwe, length, NULL, error);
}

static void
respond_share (SoupServerMessage *msg,
               guint              status,
               Share             *s,
               const char        *url,
               const char        *manage_token)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "id", s->id);
  techo_json_builder_add_string (b, "url", url);
  techo_json_builder_add_string (b, "manageToken", manage_token);
  techo_json_builder_add_string (b, "state", s->state);
  json_builder_set_member_name (b, "expiresAt");
  json_builder_add_int_value (b, s->expires_at);
  json_builder_set_member_name (b, "remainingAttempts");
  json_builder_add_int_value (b, s->remaining);
  if (url == NULL)
    add_accesses (b, s);
  json_builder_end_object (b);
  techo_shl_respond_json (msg, status, b);
}

static void
handle_create (TechoShareHost    *self,
               SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  TechoJsonLimits limits = { self->limits.max_upload_bytes + 4096, 4, 64 };
  g_autoptr(JsonObject) o = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *manage = NULL;
  g_autofree char *url = NULL;
  const char *jwe, *passcode, *passcode_hash, *label;
  gint64 expires_at = 0, max_attempts = TECHO_SHARE_HOST_MAX_ATTEMPTS;
  gboolean direct = FALSE;
  Share *s;

  if (self->upload_key_hash != NULL && !token_matches (bearer (msg), self->upload_key_hash))
    {
      techo_shl_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "this host needs its upload key");
      return;
    }
  if (g_hash_table_size (self->shares) >= self->limits.max_shares)
    {
      techo_share_host_purge (self);
      if (g_hash_table_size (self->shares) >= self->limits.max_shares)
        {
          techo_shl_respond_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "this host holds too many shares");
          return;
        }
    }
  o = techo_json_parse_object_bounded (body->data != NULL ? body->data : "", body->length,
                                       &limits, &error);
  jwe = techo_json_get_string (o, "jwe");
  passcode = techo_json_get_string (o, "passcode");
  passcode_hash = techo_json_get_string (o, "passcodeHash");
  label = techo_json_get_string (o, "label");
  techo_json_get_boolean (o, "direct", &direct);
  techo_json_get_int64 (o, "maxAttempts", &max_attempts);
  if (o == NULL || jwe == NULL || !valid_jwe (jwe, strlen (jwe)) ||
      !techo_json_get_int64 (o, "expiresAt", &expires_at) ||
      expires_at <= now_seconds () ||
      expires_at > now_seconds () + (gint64) MAX_EXPIRY_DAYS * 86400 ||
      (passcode != NULL && (*passcode == '\0' || strlen (passcode) > MAX_PASSCODE)) ||
      (passcode != NULL && passcode_hash != NULL) ||
      ((passcode != NULL || passcode_hash != NULL) && direct) ||
      max_attempts < 1 || max_attempts > TECHO_SHARE_HOST_MAX_ATTEMPTS ||
      (label != NULL && g_utf8_strlen (label, -1) > TECHO_SHL_MAX_LABEL))
    {
      techo_shl_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                     "a share needs {jwe (dir/A256GCM), expiresAt (in the future, at most a "
                     "year), and at most one of passcode or passcodeHash (not with direct)}");
      return;
    }
  if (passcode_hash != NULL)
    {
      guint log_n, r, p;

      /* The cost is bounded both ways: too cheap helps a thief of the
       * data folder, too dear would let one share hog the checks. */
      if (!techo_scrypt_parse (passcode_hash, &log_n, &r, &p) ||
          log_n < 14 || log_n > 16 || r != SCRYPT_R || p != SCRYPT_P)
        {
          techo_shl_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                         "passcodeHash must be scrypt$N$8$1$salt$hash with N from 14 to 16");
          return;
        }
    }

  s = share_new ();
  token = techo_shl_new_path_token (NULL);
  manage = techo_random_token (32, NULL);
  s->id = techo_random_token (16, NULL);
  if (token == NULL || manage == NULL || s->id == NULL)
    {
      share_unref (s);
      techo_shl_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "no random bytes");
      return;
    }
  s->token_hash = sha256_hex (token);
  s->manage_hash = sha256_hex (manage);
  s->passcode_hash = passcode != NULL ? techo_share_host_hash_passcode (passcode, NULL)
                                      : g_strdup (passcode_hash);
  s->label = bounded_line (label);
  s->created_at = now_seconds ();
  s->expires_at = expires_at;
  s->remaining = max_attempts;
  s->direct = direct;
  if ((passcode != NULL && s->passcode_hash == NULL) ||
      !write_jwe (self, s->id, jwe, strlen (jwe), &error) ||
      !share_save (self, s, &error))
    {
      g_autofree char *path = share_path (self, s->id, ".jwe");

      g_warning ("A share could not be stored: %s", error != NULL ? error->message : "scrypt");
      g_unlink (path);
      share_unref (s);
      techo_shl_respond_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "the host could not store the share");
      return;
    }
  add_share (self, s);
  url = g_strconcat (self->base_url, TECHO_SHL_PATH_PREFIX, token, NULL);
  g_message ("Share %.6s… created (%s, %" G_GSIZE_FORMAT " bytes).", s->id,
             s->passcode_hash != NULL ? "passcode" : direct ? "direct" : "no passcode",
             strlen (jwe));
  techo_wipe (token, strlen (token));
  respond_share (msg, SOUP_STATUS_CREATED, s, url, manage);
  techo_wipe (manage, strlen (manage));
}

static void
handle_api (TechoShareHost    *self,
            SoupServerMessage *msg,
            const char        *method,
            const char        *path)
{
  const char *rest = path + strlen (API_PREFIX);
  g_autofree char *id = NULL;
  gboolean file = FALSE;
  Share *s;

  if (*rest == '\0' || strcmp (rest, "/") == 0)
    {
      if (strcmp (method, SOUP_METHOD_POST) == 0)
        handle_create (self, msg);
      else
        techo_shl_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "use POST to create a share");
      return;
    }
  if (*rest != '/')
    {
      techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such resource");
      return;
    }
  rest++;
  if (g_str_has_suffix (rest, "/file"))
    {
      id = g_strndup (rest, strlen (rest) - strlen ("/file"));
      file = TRUE;
    }
  else
    id = g_strdup (rest);
  s = valid_id (id) ? g_hash_table_lookup (self->shares, id) : NULL;
  /* An unknown share and a wrong token look the same from outside. */
  if (s == NULL || !token_matches (bearer (msg), s->manage_hash))
    {
      techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "no such share, or not yours");
      return;
    }
  if (file && strcmp (method, SOUP_METHOD_PUT) == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autofree char *jwe = g_strndup (body->data != NULL ? body->data : "", body->length);
      g_autoptr(GError) error = NULL;

      if (!valid_jwe (jwe, body->length))
        techo_shl_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "the body must be a compact JWE (dir/A256GCM)");
      else if (!share_is_live (s))
        techo_shl_respond_error (msg, SOUP_STATUS_CONFLICT, "this share has ended");
      else if (!write_jwe (self, s->id, jwe, body->length, &error))
        {
          g_warning ("A share's file could not be replaced: %s", error->message);
          techo_shl_respond_error (msg, SOUP_STATUS_INSUFFICIENT_STORAGE, "the file could not be stored");
        }
      else
        {
          soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
          g_message ("Share %.6s…: file replaced.", s->id);
        }
    }
  else if (!file && strcmp (method, SOUP_METHOD_DELETE) == 0)
    {
      g_message ("Share %.6s… deleted by its owner.", s->id);
      share_forget (self, s);
      soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
    }
  else if (!file && strcmp (method, SOUP_METHOD_GET) == 0)
    respond_share (msg, SOUP_STATUS_OK, s, NULL, NULL);
  else
    techo_shl_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "not a method of this resource");
}

/* ------------------------------------------------------------------ */
/* The viewer and the management API: paths outside /shl/ */

static void
shl_other (gpointer           backend,
           SoupServerMessage *msg,
           const char        *method,
           const char        *path)
{
  TechoShareHost *self = backend;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (g_str_has_prefix (path, API_PREFIX))
    {
      handle_api (self, msg, method, path);
      return;
    }
  if (strcmp (method, SOUP_METHOD_GET) == 0 || strcmp (method, SOUP_METHOD_HEAD) == 0)
    {
      GBytes *bytes = NULL;
      const char *type = NULL;

      if (strcmp (path, "/") == 0 || strcmp (path, "/index.html") == 0)
        bytes = self->viewer_html, type = "text/html; charset=utf-8";
      else if (strcmp (path, "/viewer.js") == 0)
        bytes = self->viewer_js, type = "text/javascript; charset=utf-8";
      else if (strcmp (path, "/viewer.css") == 0)
        bytes = self->viewer_css, type = "text/css; charset=utf-8";
      if (bytes != NULL)
        {
          soup_message_headers_replace (headers, "Content-Security-Policy", CSP);
          respond_bytes (msg, SOUP_STATUS_OK, type, bytes);
          return;
        }
    }
  techo_shl_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not found");
}

static const TechoShlBackend shl_backend = {
  shl_find, shl_find_by_id, shl_describe, shl_read_jwe, shl_record, shl_check_passcode,
  shl_other,
};

static gboolean
purge_cb (gpointer data)
{
  techo_share_host_purge (data);
  return G_SOURCE_CONTINUE;
}

static void
techo_share_host_dispose (GObject *object)
{
  TechoShareHost *self = TECHO_SHARE_HOST (object);

  if (self->kdf_pool != NULL)
    {
      g_thread_pool_free (self->kdf_pool, FALSE, TRUE);
      self->kdf_pool = NULL;
    }
  g_clear_handle_id (&self->purge_id, g_source_remove);
  g_clear_pointer (&self->responder, techo_shl_responder_free);
  G_OBJECT_CLASS (techo_share_host_parent_class)->dispose (object);
}

static void
techo_share_host_finalize (GObject *object)
{
  TechoShareHost *self = TECHO_SHARE_HOST (object);

  g_clear_pointer (&self->by_token, g_hash_table_unref);
  g_clear_pointer (&self->shares, g_hash_table_unref);
  g_clear_pointer (&self->viewer_html, g_bytes_unref);
  g_clear_pointer (&self->viewer_js, g_bytes_unref);
  g_clear_pointer (&self->viewer_css, g_bytes_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->upload_key_hash);
  g_free (self->data_dir);
  g_free (self->shares_dir);
  g_free (self->base_url);
  G_OBJECT_CLASS (techo_share_host_parent_class)->finalize (object);
}

static void
techo_share_host_class_init (TechoShareHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_share_host_dispose;
  object_class->finalize = techo_share_host_finalize;
}

static void
techo_share_host_init (TechoShareHost *self)
{
  self->shares = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) share_unref);
  self->by_token = g_hash_table_new (g_str_hash, g_str_equal);
  self->context = g_main_context_ref_thread_default ();
}

/* ------------------------------------------------------------------ */
/* Public API */

void
techo_share_host_limits_init (TechoShareHostLimits *limits)
{
  limits->max_connections = 256;
  limits->max_connections_per_address = 16;
  limits->request_timeout = 15;
  limits->requests_per_minute = 120;
  limits->max_upload_bytes = 8 * 1024 * 1024;
  limits->max_shares = 1000;
}

static GBytes *
load_viewer_file (const char  *dir,
                  const char  *name,
                  GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *data = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &data, &length, error))
    return NULL;
  return g_bytes_new_take (data, length);
}

TechoShareHost *
techo_share_host_new (const char                  *data_dir,
                      const char                  *viewer_dir,
                      const TechoShareHostLimits  *limits,
                      GError                     **error)
{
  g_autoptr(TechoShareHost) self = NULL;
  g_autofree char *key_path = NULL;
  TechoShlResponderLimits shl_limits = {
    .answer_timeout = ANSWER_SECONDS, .max_body = MAX_SHL_BODY,
    .max_locations = MAX_LOCATIONS, .location_seconds = LOCATION_SECONDS,
  };

  g_return_val_if_fail (data_dir != NULL, NULL);
  if (*data_dir == '\0')
    {
      g_set_error_literal (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                           "The data folder must be named (it was empty).");
      return NULL;
    }
  self = g_object_new (TECHO_TYPE_SHARE_HOST, NULL);
  if (limits != NULL)
    self->limits = *limits;
  else
    techo_share_host_limits_init (&self->limits);
  shl_limits.max_connections = self->limits.max_connections;
  shl_limits.max_connections_per_address = self->limits.max_connections_per_address;
  shl_limits.request_timeout = self->limits.request_timeout;
  shl_limits.requests_per_minute = self->limits.requests_per_minute;
  shl_limits.max_other_body = self->limits.max_upload_bytes + 4096;
  self->responder = techo_shl_responder_new (&shl_backend, self, &shl_limits, "techo-share-host");
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  self->shares_dir = g_build_filename (self->data_dir, "shares", NULL);
  if (g_mkdir_with_parents (self->shares_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_DATA,
                   "The data folder %s could not be made: %s", self->shares_dir,
                   g_strerror (saved));
      return NULL;
    }
  if (!load_shares (self, error))
    return NULL;
  if (viewer_dir != NULL &&
      ((self->viewer_html = load_viewer_file (viewer_dir, "index.html", error)) == NULL ||
       (self->viewer_js = load_viewer_file (viewer_dir, "viewer.js", error)) == NULL ||
       (self->viewer_css = load_viewer_file (viewer_dir, "viewer.css", error)) == NULL))
    return NULL;
  /* Two checks at once at most: scrypt takes 32 MiB each. */
  self->kdf_pool = g_thread_pool_new (check_thread, NULL, 2, FALSE, NULL);
  techo_share_host_purge (self);
  self->purge_id = g_timeout_add_seconds (PURGE_SECONDS, purge_cb, self);
  return g_steal_pointer (&self);
}

void
techo_share_host_set_upload_key (TechoShareHost *self,
                                 const char     *key)
{
  g_free (self->upload_key_hash);
  self->upload_key_hash = key != NULL ? sha256_hex (key) : NULL;
}

static gboolean
is_loopback (GInetAddress *inet)
{
  return g_inet_address_get_is_loopback (inet);
}

gboolean
techo_share_host_listen (TechoShareHost               *self,
                         const TechoShareHostAddress  *address,
                         GError                      **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *bind, *public_url, *tls_cert, *tls_key;
  guint port, bound_port;

  g_return_val_if_fail (TECHO_IS_SHARE_HOST (self), FALSE);
  g_return_val_if_fail (self->base_url == NULL && address != NULL, FALSE);

  bind = address->bind;
  port = address->port;
  public_url = address->public_url;
  tls_cert = address->tls_cert;
  tls_key = address->tls_key;

  inet = g_inet_address_new_from_string (bind != NULL ? bind : "127.0.0.1");
  if (inet == NULL || port > 65535)
    {
      g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                   "“%s” is not an IP address to listen on.", bind);
      return FALSE;
    }
  if ((tls_cert == NULL) != (tls_key == NULL))
    {
      g_set_error_literal (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                           "Give both --tls-cert and --tls-key, or neither.");
      return FALSE;
    }
  if (tls_cert == NULL && !is_loopback (inet) && !address->insecure_lan)
    {
      g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                   "Listening on %s without TLS would send the shares' passcodes in the "
                   "clear: give --tls-cert and --tls-key, run behind a TLS proxy on "
                   "127.0.0.1, or say --insecure-lan.", bind);
      return FALSE;
    }
  if (g_inet_address_get_is_any (inet) && public_url == NULL)
    {
      g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                   "Listening on “%s” needs --public-url: the links must name an address "
                   "the doctor's device can reach.", bind);
      return FALSE;
    }
  if (public_url != NULL)
    {
      g_autoptr(GUri) uri = g_uri_parse (public_url, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "http") != 0) ||
          g_uri_get_host (uri) == NULL || g_uri_get_query (uri) != NULL ||
          g_uri_get_fragment (uri) != NULL || strlen (public_url) > 80)
        {
          g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_INVALID,
                       "“%s” is not a base URL for the links (http or https, no query, "
                       "at most 80 characters so a link's URL stays within 128).", public_url);
          return FALSE;
        }
    }
  if (tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (tls_cert, tls_key, &local_error);
      if (certificate == NULL)
        {
          g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_LISTEN,
                       "The TLS certificate could not be loaded: %s", local_error->message);
          return FALSE;
        }
    }
  if (!techo_shl_responder_listen (self->responder, inet, port, certificate, &bound_port,
                                   &local_error))
    {
      g_set_error (error, TECHO_SHARE_HOST_ERROR, TECHO_SHARE_HOST_ERROR_LISTEN,
                   "Could not listen on %s port %u: %s", bind != NULL ? bind : "127.0.0.1",
                   port, local_error->message);
      return FALSE;
    }
  if (public_url != NULL)
    {
      self->base_url = g_strdup (public_url);
      while (g_str_has_suffix (self->base_url, "/"))
        self->base_url[strlen (self->base_url) - 1] = '\0';
    }
  else
    self->base_url = techo_serve_base_url (tls_cert != NULL ? "https" : "http", inet, bound_port);
  techo_shl_responder_set_base_url (self->responder, self->base_url);
  return TRUE;
}

const char *
techo_share_host_get_base_url (TechoShareHost *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_HOST (self), NULL);
  return self->base_url;
}

guint
techo_share_host_get_n_shares (TechoShareHost *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_HOST (self), 0);
  return g_hash_table_size (self->shares);
}

guint
techo_share_host_get_n_connections (TechoShareHost *self)
{
  g_return_val_if_fail (TECHO_IS_SHARE_HOST (self), 0);
  return techo_shl_responder_get_n_connections (self->responder);
}

guint
techo_share_host_purge (TechoShareHost *self)
{
  g_autoptr(GPtrArray) expired = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  gint64 now = now_seconds ();

  g_return_val_if_fail (TECHO_IS_SHARE_HOST (self), 0);
  g_hash_table_iter_init (&iter, self->shares);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Share *) value)->expires_at <= now && ((Share *) value)->pending == 0)
      g_ptr_array_add (expired, value);
  for (guint i = 0; i < expired->len; i++)
    share_forget (self, g_ptr_array_index (expired, i));
  if (expired->len > 0)
    g_message ("Purged %u expired share(s).", expired->len);
  techo_shl_responder_purge (self->responder);
  return expired->len;
}