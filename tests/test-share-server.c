/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share server over real HTTP on loopback: the manifest, the file at
 * its location, the JWE opening with the link's key only, the passcode
 * cap under 24 parallel requests, U-flag links, expiry, revocation, the
 * body cap, every access in the consent's events (never the passcode),
 * and the connection caps: half-open and unclosed keep-alive clients
 * neither use up its descriptors nor keep an honest client waiting. The server answers on this thread's main context; clients
 * run in worker threads with their own sessions. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <glib/gstdio.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-secure.h"
#include "techo-share-server.h"
#include "techo-shl.h"
#include "techo-test-export.h"

#define PASSCODE "kiku-1234"

typedef struct
{
  guint status;
  char *body;
} Reply;

static void
reply_clear (Reply *r)
{
  g_clear_pointer (&r->body, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

/* Blocking HTTP, for worker threads. */
static Reply
http (const char *method,
      const char *url,
      const char *body)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  Reply reply = { 0 };

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  reply.status = soup_message_get_status (msg);
  reply.body = g_strndup (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer));
  return reply;
}

typedef struct
{
  GThreadFunc func;
  gpointer data;
  gpointer result;
  gint done;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  job->result = job->func (job->data);
  g_atomic_int_set (&job->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

/* Runs @func in a thread while this thread's main context serves. */
static gpointer
serve_while (GThreadFunc func,
             gpointer    data)
{
  Job job = { func, data, NULL, 0 };
  GThread *thread = g_thread_new ("client", job_thread, &job);

  while (!g_atomic_int_get (&job.done))
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);
  return job.result;
}

typedef struct
{
  TechoTestExport *f;
  TechoShareServer *server;
  TechoConsent *consent;
  TechoShlPayload *payload;
  char *link;
} Fixture;

static void
fixture_setup (Fixture      *fx,
               const char   *passcode,
               gboolean      direct,
               gint64        lifetime,
               guint         max_attempts)
{
  TechoShareOptions options = { passcode, "みどり内科 田中先生へ", direct, max_attempts };
  g_autoptr(GError) error = NULL;

  fx->f = techo_test_export_new ();
  fx->server = techo_share_server_new (fx->f->store);
  g_assert_true (techo_share_server_listen (fx->server, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (techo_share_server_get_base_url (fx->server), "http://127.0.0.1:"));
  fx->consent = techo_consent_new ("みどり内科 田中先生", "定期受診の相談", 7, TECHO_CONSENT_METHOD_SHARE);
  fx->consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + lifetime;
  fx->link = techo_share_publish_sync (fx->server, fx->f->profile_id, fx->consent,
                                       &options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fx->link);
  fx->payload = techo_shl_link_decode (fx->link, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *fx)
{
  g_clear_object (&fx->server);
  g_clear_pointer (&fx->consent, techo_consent_free);
  g_clear_pointer (&fx->payload, techo_shl_payload_free);
  g_clear_pointer (&fx->link, g_free);
  g_clear_pointer (&fx->f, techo_test_export_free);
}

static TechoConsent *
reload_consent (Fixture *fx)
{
  g_autoptr(GError) error = NULL;
  TechoConsent *c = techo_store_get_consent_sync (fx->f->store, fx->consent->id, NULL, &error);

  g_assert_no_error (error);
  return c;
}

static guint
count_events (TechoConsent *c,
              const char   *event,
              const char   *detail_part)
{
  guint n = 0;

  for (guint i = 0; i < c->events->len; i++)
    {
      TechoConsentEvent *e = g_ptr_array_index (c->events, i);

      if (g_strcmp0 (e->event, event) == 0 &&
          (detail_part == NULL || (e->detail != NULL && strstr (e->detail, detail_part) != NULL)))
        n++;
    }
  return n;
}

/* ---- client threads --------------------------------------------------------- */

typedef struct
{
  const char *url;
  const char *body;
  const char *method;
} Request;

static gpointer
request_thread (gpointer data)
{
  Request *r = data;
  Reply *reply = g_new0 (Reply, 1);

  *reply = http (r->method, r->url, r->body);
  return reply;
}

static Reply *
request (const char *method,
         const char *url,
         const char *body)
{
  Request r = { url, body, method };

  return serve_while (request_thread, &r);
}

static void
reply_free (Reply *r)
{
  reply_clear (r);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reply, reply_free)

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* ---- tests --------------------------------------------------------------------- */

static void
test_manifest (void)
{
  Fixture fx = { 0 };
  g_autoptr(Reply) manifest = NULL;
  g_autoptr(Reply) file = NULL;
  g_autoptr(Reply) embedded = NULL;
  g_autoptr(Reply) get = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoConsent) logged = NULL;
  guint8 other[TECHO_SHL_KEY_BYTES];
  JsonObject *entry;
  const char *location;

  fixture_setup (&fx, PASSCODE, FALSE, 600, 0);
  g_assert_cmpstr (fx.payload->flag, ==, "P");

  manifest = request ("POST", fx.payload->url,
                      "{\"recipient\":\"みどり内科 田中先生\",\"passcode\":\"" PASSCODE "\"}");
  g_assert_cmpuint (manifest->status, ==, 200);
  answer = parse_object (manifest->body);
  entry = json_array_get_object_element (json_object_get_array_member (answer, "files"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "contentType"), ==, "application/fhir+json");
  location = json_object_get_string_member (entry, "location");
  g_assert_nonnull (location);

  file = request ("GET", location, NULL);
  g_assert_cmpuint (file->status, ==, 200);
  /* Ciphertext only on the wire. */
  g_assert_null (strstr (file->body, TECHO_TEST_PATIENT_NAME));
  g_assert_null (strstr (file->body, "Bundle"));
  opened = techo_shl_decrypt (fx.payload->key, sizeof fx.payload->key, file->body, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened),
                                  TECHO_TEST_PATIENT_NAME));
  g_assert_true (techo_random_bytes (other, sizeof other, NULL));
  g_assert_null (techo_shl_decrypt (other, sizeof other, file->body, &error));
  g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_DECRYPT);
  g_clear_error (&error);

  embedded = request ("POST", fx.payload->url,
                      "{\"recipient\":\"田中\",\"passcode\":\"" PASSCODE "\",\"embeddedLengthMax\":10000000}");
  g_assert_cmpuint (embedded->status, ==, 200);
  g_assert_nonnull (strstr (embedded->body, "\"embedded\""));

  /* A browser viewer's preflight. */
  {
    g_autoptr(Reply) preflight = request ("OPTIONS", fx.payload->url, NULL);

    g_assert_cmpuint (preflight->status, ==, 204);
  }

  /* No recipient: refused. A GET on a manifest URL without U: refused. */
  get = request ("POST", fx.payload->url, "{\"passcode\":\"" PASSCODE "\"}");
  g_assert_cmpuint (get->status, ==, 400);
  g_clear_pointer (&get, reply_free);
  get = request ("GET", fx.payload->url, NULL);
  g_assert_cmpuint (get->status, ==, 405);
  g_clear_pointer (&get, reply_free);
  {
    g_autofree char *unknown = g_strconcat (techo_share_server_get_base_url (fx.server),
                                            "/shl/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);

    get = request ("POST", unknown, "{\"recipient\":\"x\"}");
    g_assert_cmpuint (get->status, ==, 404);
  }

  logged = reload_consent (&fx);
  g_assert_cmpuint (count_events (logged, "sent", "share link"), ==, 1);
  g_assert_cmpuint (count_events (logged, "access", "manifest from 127.0.0.1 recipient=みどり内科 田中先生"), ==, 1);
  g_assert_cmpuint (count_events (logged, "access", "file from 127.0.0.1"), ==, 1);
  g_assert_cmpuint (count_events (logged, "access", NULL), ==, 3);
  g_assert_cmpuint (count_events (logged, "denied", "without recipient"), ==, 1);
  for (guint i = 0; i < logged->events->len; i++)
    {
      TechoConsentEvent *e = g_ptr_array_index (logged->events, i);

      g_assert_null (strstr (e->detail ? e->detail : "", PASSCODE));
    }
  fixture_teardown (&fx);
}

#define N_PARALLEL 24
#define CAP        5

typedef struct
{
  const char *url;
  guint statuses[N_PARALLEL];
  gint64 remaining[N_PARALLEL];
} Burst;

static gpointer
one_wrong_guess (gpointer data)
{
  Request *r = data;
  Reply *reply = g_new0 (Reply, 1);

  *reply = http ("POST", r->url, "{\"recipient\":\"guesser\",\"passcode\":\"wrong-guess\"}");
  return reply;
}

static gpointer
burst_thread (gpointer data)
{
  Burst *burst = data;
  GThread *threads[N_PARALLEL];
  Request request_data = { burst->url, NULL, "POST" };

  for (guint i = 0; i < N_PARALLEL; i++)
    threads[i] = g_thread_new ("guess", one_wrong_guess, &request_data);
  for (guint i = 0; i < N_PARALLEL; i++)
    {
      g_autoptr(Reply) reply = g_thread_join (threads[i]);
      g_autoptr(JsonObject) answer = parse_object (reply->body);

      burst->statuses[i] = reply->status;
      burst->remaining[i] = json_object_get_int_member (answer, "remainingAttempts");
    }
  return NULL;
}

static void
test_passcode_cap (void)
{
  Fixture fx = { 0 };
  Burst burst = { 0 };
  gboolean seen[CAP] = { FALSE };
  guint n_zero = 0;
  g_autoptr(Reply) right = NULL;
  g_autoptr(TechoConsent) logged = NULL;

  fixture_setup (&fx, PASSCODE, FALSE, 600, CAP);
  burst.url = fx.payload->url;
  serve_while (burst_thread, &burst);

  /* Each remaining count from CAP-1 down to 0 was handed out exactly
   * once; every other guess found the cap used up. */
  for (guint i = 0; i < N_PARALLEL; i++)
    {
      g_assert_cmpuint (burst.statuses[i], ==, 401);
      g_assert_cmpint (burst.remaining[i], >=, 0);
      g_assert_cmpint (burst.remaining[i], <, CAP);
      if (burst.remaining[i] == 0)
        n_zero++;
      else
        {
          g_assert_false (seen[burst.remaining[i]]);
          seen[burst.remaining[i]] = TRUE;
        }
    }
  g_assert_cmpuint (n_zero, ==, N_PARALLEL - (CAP - 1));

  /* The cap is for life: the right passcode is refused now. */
  right = request ("POST", fx.payload->url,
                   "{\"recipient\":\"田中\",\"passcode\":\"" PASSCODE "\"}");
  g_assert_cmpuint (right->status, ==, 401);
  g_assert_nonnull (strstr (right->body, "\"remainingAttempts\":0"));

  /* And it survives a restart of the server: the ledger remembers. */
  {
    g_autoptr(TechoShareServer) again = techo_share_server_new (fx.f->store);
    g_autoptr(GError) error = NULL;
    g_autofree char *url = NULL;
    g_autoptr(Reply) retry = NULL;

    g_autoptr(TechoConsent) held = NULL;

    g_assert_true (techo_share_server_listen (again, "127.0.0.1", 0, &error));
    /* What a restarted server is given: the consent as the ledger holds it. */
    held = reload_consent (&fx);
    url = techo_share_server_add (again, held, "a.b.c.d.e", PASSCODE, CAP, FALSE, &error);
    g_assert_no_error (error);
    retry = request ("POST", url, "{\"recipient\":\"田中\",\"passcode\":\"" PASSCODE "\"}");
    g_assert_cmpuint (retry->status, ==, 401);
  }

  logged = reload_consent (&fx);
  g_assert_cmpuint (count_events (logged, "denied", "wrong passcode"), ==, N_PARALLEL + 2);
  g_assert_cmpuint (count_events (logged, "access", NULL), ==, 0);
  fixture_teardown (&fx);
}

static void
test_direct (void)
{
  Fixture fx = { 0 };
  g_autoptr(Reply) file = NULL;
  g_autoptr(Reply) anonymous = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fixture_setup (&fx, NULL, TRUE, 600, 0);
  g_assert_cmpstr (fx.payload->flag, ==, "U");
  url = g_strconcat (fx.payload->url, "?recipient=%E7%94%B0%E4%B8%AD", NULL);
  file = request ("GET", url, NULL);
  g_assert_cmpuint (file->status, ==, 200);
  opened = techo_shl_decrypt (fx.payload->key, sizeof fx.payload->key, file->body, &error);
  g_assert_no_error (error);
  anonymous = request ("GET", fx.payload->url, NULL);
  g_assert_cmpuint (anonymous->status, ==, 400);
  fixture_teardown (&fx);
}

static void
test_expiry_and_revocation (void)
{
  Fixture fx = { 0 };
  Fixture fy = { 0 };
  g_autoptr(Reply) before = NULL;
  g_autoptr(Reply) after = NULL;
  g_autoptr(Reply) revoked = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoConsent) logged = NULL;

  fixture_setup (&fx, NULL, FALSE, 2, 0);
  before = request ("POST", fx.payload->url, "{\"recipient\":\"田中\"}");
  g_assert_cmpuint (before->status, ==, 200);
  g_usleep (2500 * 1000);
  after = request ("POST", fx.payload->url, "{\"recipient\":\"田中\"}");
  g_assert_cmpuint (after->status, ==, 404);
  logged = reload_consent (&fx);
  g_assert_cmpuint (count_events (logged, "denied", "after expiry or revocation"), ==, 1);
  fixture_teardown (&fx);

  fixture_setup (&fy, NULL, FALSE, 600, 0);
  g_assert_true (techo_store_revoke_consent_sync (fy.f->store, fy.consent->id, NULL, &error));
  g_assert_no_error (error);
  revoked = request ("POST", fy.payload->url, "{\"recipient\":\"田中\"}");
  g_assert_cmpuint (revoked->status, ==, 404);
  techo_share_server_remove (fy.server, fy.consent->id);
  g_assert_cmpuint (techo_share_server_get_n_shares (fy.server), ==, 0);
  fixture_teardown (&fy);
}

static void
test_limits (void)
{
  Fixture fx = { 0 };
  g_autoptr(Reply) big = NULL;
  g_autoptr(Reply) garbage = NULL;
  g_autofree char *body = NULL;
  g_autofree char *padding = g_strnfill (TECHO_SHARE_MAX_REQUEST_BYTES + 10, 'x');
  g_autoptr(TechoShareServer) nowhere = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setup (&fx, NULL, FALSE, 600, 0);
  body = g_strdup_printf ("{\"recipient\":\"%s\"}", padding);
  big = request ("POST", fx.payload->url, body);
  g_assert_cmpuint (big->status, ==, 413);
  garbage = request ("POST", fx.payload->url, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[");
  g_assert_cmpuint (garbage->status, ==, 400);

  nowhere = techo_share_server_new (fx.f->store);
  g_assert_false (techo_share_server_listen (nowhere, "not-an-address", 0, &error));
  g_assert_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN);
  g_clear_error (&error);
  g_clear_object (&nowhere);
  nowhere = techo_share_server_new (fx.f->store);
  g_assert_false (techo_share_server_listen (nowhere, "0.0.0.0", 0, &error));
  g_assert_error (error, TECHO_SHARE_ERROR, TECHO_SHARE_ERROR_LISTEN);
  fixture_teardown (&fx);
}

/* TRUE when a regular file under @path (recursively) holds @marker. */
static gboolean
tree_contains (const char *path,
               const char *marker,
               guint       depth)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL || depth > 4)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          if (tree_contains (child, marker, depth + 1))
            return TRUE;
        }
      else
        {
          GStatBuf st;

          /* Regular files only (never a FIFO), and not huge ones. */
          if (g_stat (child, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > 64 * 1024 * 1024)
            continue;
          if (g_file_get_contents (child, &contents, &length, NULL) &&
              g_strstr_len (contents, length, marker) != NULL)
            return TRUE;
        }
    }
  return FALSE;
}

/* Security promise 13 for shares: a value only this test knows is served
 * (encrypted) but lands in no file of the data dir or the temp dir. */
static void
test_no_plaintext (void)
{
  Fixture fx = { 0 };
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = g_strdup_printf ("所見-%08x%08x", g_test_rand_int (), g_test_rand_int ());
  g_autoptr(Reply) manifest = NULL;
  g_autoptr(GBytes) opened = NULL;
  TechoCheckup *c = techo_checkup_new ();

  fx.f = techo_test_export_new ();
  c->id = g_strdup ("ck-marker");
  c->revision = 1;
  c->performed_on = g_strdup ("2025-08-01");
  g_ptr_array_add (c->items, techo_test_item_new ("9N511000000000049", "医師の判断", marker, NULL));
  g_ptr_array_add (page, c);
  g_assert_true (techo_store_upsert_page_sync (fx.f->store, fx.f->profile_id, TECHO_CATEGORY_CHECKUP,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
  fx.server = techo_share_server_new (fx.f->store);
  g_assert_true (techo_share_server_listen (fx.server, NULL, 0, &error));
  fx.consent = techo_consent_new ("田中先生", "相談", 1u << TECHO_CATEGORY_CHECKUP,
                                  TECHO_CONSENT_METHOD_SHARE);
  fx.consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  fx.link = techo_share_publish_sync (fx.server, 0, fx.consent, NULL, NULL, &error);
  g_assert_no_error (error);
  fx.payload = techo_shl_link_decode (fx.link, &error);
  g_assert_no_error (error);
  manifest = request ("POST", fx.payload->url, "{\"recipient\":\"田中\",\"embeddedLengthMax\":100000000}");
  g_assert_cmpuint (manifest->status, ==, 200);
  g_assert_null (strstr (manifest->body, marker));
  {
    g_autoptr(JsonObject) answer = parse_object (manifest->body);
    const char *jwe = json_object_get_string_member (json_array_get_object_element (
                        json_object_get_array_member (answer, "files"), 0), "embedded");

    opened = techo_shl_decrypt (fx.payload->key, sizeof fx.payload->key, jwe, &error);
    g_assert_no_error (error);
    g_assert_nonnull (g_strstr_len (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), marker));
  }
  g_assert_true (techo_store_close_sync (fx.f->store, NULL, &error));
  g_assert_false (tree_contains (fx.f->dir, marker, 0));
  g_assert_false (tree_contains (g_get_tmp_dir (), marker, 0));
  g_assert_true (techo_store_open_sync (fx.f->store, NULL, NULL, &error));
  fixture_teardown (&fx);
}

/* The first non-loopback IPv4 address of this machine, or NULL. */
static char *
lan_address (void)
{
  struct ifaddrs *list = NULL;
  char *found = NULL;

  if (getifaddrs (&list) != 0)
    return NULL;
  for (struct ifaddrs *i = list; i != NULL && found == NULL; i = i->ifa_next)
    if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET && !(i->ifa_flags & IFF_LOOPBACK))
      {
        g_autoptr(GSocketAddress) address =
          g_socket_address_new_from_native (i->ifa_addr, sizeof (struct sockaddr_in));

        found = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
      }
  freeifaddrs (list);
  return found;
}

static gpointer
connect_thread (gpointer data)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", data);
  static const char text[] = "{\"recipient\":\"x\"}";
  g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  return GUINT_TO_POINTER (answer != NULL ? soup_message_get_status (msg) : 0);
}

/* Only the address asked for answers: loopback stays off the network, and
 * a share on one interface is not on loopback. */
static void
test_bind (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoShareServer) server = techo_share_server_new (f->store);
  g_autoptr(TechoShareServer) v6 = techo_share_server_new (f->store);
  g_autoptr(TechoConsent) consent = techo_consent_new ("田中先生", "相談", 1, TECHO_CONSENT_METHOD_SHARE);
  g_autoptr(GError) error = NULL;
  g_autofree char *lan = lan_address ();
  g_autofree char *url = NULL;
  g_autofree char *v6_url = NULL;
  g_autofree char *elsewhere = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(TechoDisclosure) disclosure = NULL;

  consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  /* Recorded through the gate, as a publication would. */
  disclosure = techo_disclosure_open_sync (f->store, 0, consent, TECHO_CONSENT_METHOD_SHARE,
                                           NULL, &error);
  g_assert_no_error (error);
  g_assert_true (techo_share_server_listen (server, NULL, 0, &error));
  url = techo_share_server_add (server, consent, "a.b.c.d.e", NULL, 0, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (GPOINTER_TO_UINT (serve_while (connect_thread, url)), ==, 200);
  if (lan != NULL)
    {
      uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
      elsewhere = g_strdup_printf ("http://%s:%d%s", lan, g_uri_get_port (uri), g_uri_get_path (uri));
      g_assert_cmpuint (GPOINTER_TO_UINT (serve_while (connect_thread, elsewhere)), ==, 0);
    }
  else
    g_test_message ("no network interface besides loopback: the LAN half is skipped");

  if (techo_share_server_listen (v6, "::1", 0, &error))
    {
      g_assert_true (g_str_has_prefix (techo_share_server_get_base_url (v6), "http://[::1]:"));
      v6_url = techo_share_server_add (v6, consent, "a.b.c.d.e", NULL, 0, FALSE, &error);
      g_assert_cmpuint (GPOINTER_TO_UINT (serve_while (connect_thread, v6_url)), ==, 200);
    }
  else
    g_test_message ("no IPv6 loopback here: %s", error->message);
}

/* ---- connections: half-open and keep-alive clients ------------------------------ */

#define HALF_OPEN   300
#define KEEP_ALIVE  1010
#define MAX_OPEN    64   /* the server's cap (MAX_CONNECTIONS) */

typedef struct
{
  guint16 port;
  const char *manifest_url;
  int half_open[HALF_OPEN];
  int kept[KEEP_ALIVE];
  guint n_half_open;
  guint n_kept;
  guint answered;          /* keep-alive requests answered */
  guint closed_by_server;  /* … and then closed by the server */
  guint served;            /* the honest client's manifests */
  double took;             /* seconds for them */
} Crowd;

static int
connect_from (const char *source,
              guint16     port)
{
  struct sockaddr_in from = { .sin_family = AF_INET };
  struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons (port) };
  int fd = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  inet_pton (AF_INET, source, &from.sin_addr);
  inet_pton (AF_INET, "127.0.0.1", &to.sin_addr);
  if (bind (fd, (struct sockaddr *) &from, sizeof from) != 0 ||
      connect (fd, (struct sockaddr *) &to, sizeof to) != 0)
    {
      close (fd);
      return -1;
    }
  return fd;
}

/* Reads until the peer closes or @seconds pass; returns what came. */
static GString *
read_until_closed (int    fd,
                   double seconds,
                   gboolean *closed)
{
  GString *got = g_string_new (NULL);
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  char buffer[4096];

  *closed = FALSE;
  while (g_get_monotonic_time () < end)
    {
      struct pollfd p = { fd, POLLIN, 0 };
      gssize n;

      if (poll (&p, 1, (end - g_get_monotonic_time ()) / 1000 + 1) <= 0)
        break;
      n = recv (fd, buffer, sizeof buffer, 0);
      if (n <= 0)
        {
          *closed = TRUE;  /* end of stream, or reset */
          break;
        }
      g_string_append_len (got, buffer, n);
    }
  return got;
}

static gpointer
crowd_thread (gpointer data)
{
  static const char half[] = "POST /shl/x HTTP/1.1\r\nHost: x\r\n";
  static const char keep[] = "GET /shl/file/none HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n";
  Crowd *c = data;
  gint64 t0;

  for (guint i = 0; i < HALF_OPEN; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.2.%u", i % 40 + 1);
      int fd = connect_from (source, c->port);

      if (fd >= 0 && send (fd, half, strlen (half), MSG_NOSIGNAL) > 0)
        c->half_open[c->n_half_open++] = fd;
      else if (fd >= 0)
        close (fd);
    }
  for (guint i = 0; i < KEEP_ALIVE; i++)
    {
      g_autofree char *source = g_strdup_printf ("127.0.3.%u", i % 50 + 1);
      int fd = connect_from (source, c->port);

      if (fd >= 0 && send (fd, keep, strlen (keep), MSG_NOSIGNAL) > 0)
        c->kept[c->n_kept++] = fd;
      else if (fd >= 0)
        close (fd);
      if (i % 50 == 49)
        g_usleep (20 * 1000);
    }

  /* An honest client beside them all. */
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 5; i++)
    {
      Reply r = http ("POST", c->manifest_url, "{\"recipient\":\"田中\",\"embeddedLengthMax\":100000}");

      c->served += r.status == 200 && strstr (r.body, "\"embedded\"") != NULL;
      reply_clear (&r);
    }
  c->took = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;

  /* Every keep-alive request is answered, and the server closes the
   * connection itself (the client never does). */
  for (guint i = 0; i < c->n_kept; i++)
    {
      gboolean closed;
      g_autoptr(GString) got = read_until_closed (c->kept[i], 5, &closed);

      if (g_str_has_prefix (got->str, "HTTP/1.1 "))
        {
          c->answered++;
          c->closed_by_server += closed;
        }
    }
  return NULL;
}

static gpointer
deadline_thread (gpointer data)
{
  Crowd *c = data;
  guint closed = 0;

  /* REQUEST_SECONDS (10) and a margin: every half-open one is gone. */
  g_usleep (11 * G_USEC_PER_SEC);
  for (guint i = 0; i < c->n_half_open; i++)
    {
      gboolean gone;
      g_autoptr(GString) got = read_until_closed (c->half_open[i], 0.2, &gone);

      closed += gone;
    }
  return GUINT_TO_POINTER (closed);
}

static guint
count_descriptors (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Issue 14: ~1,010 unclosed keep-alive requests used to take one
 * descriptor each for good. Now every answer closes its connection, at
 * most MAX_OPEN are open at once (the oldest closed first), half-open ones
 * are closed at the deadline, and an honest client is served throughout. */
static void
test_connections (void)
{
  Fixture fx = { 0 };
  g_autofree Crowd *c = g_new0 (Crowd, 1);
  g_autoptr(GUri) uri = NULL;
  struct rlimit limit;
  guint before, server_side, closed;

  /* The clients' own descriptors (1,300 and more) must fit this process. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  if (limit.rlim_cur < 4096)
    {
      limit.rlim_cur = MIN (limit.rlim_max, 4096);
      g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &limit), ==, 0);
    }
  if (limit.rlim_cur < HALF_OPEN + KEEP_ALIVE + 256)
    {
      g_test_skip ("too few descriptors allowed for the clients");
      return;
    }

  fixture_setup (&fx, NULL, FALSE, 600, 0);
  uri = g_uri_parse (fx.payload->url, G_URI_FLAGS_NONE, NULL);
  c->port = g_uri_get_port (uri);
  c->manifest_url = fx.payload->url;
  before = count_descriptors ();

  serve_while (crowd_thread, c);
  for (guint i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);

  g_test_message ("%u half-open, %u keep-alive connections; %u answered, %u closed by the "
                  "server; 5 manifests in %.2f s; %u open on the server",
                  c->n_half_open, c->n_kept, c->answered, c->closed_by_server, c->took,
                  techo_share_server_get_n_connections (fx.server));
  g_assert_cmpuint (c->n_half_open, ==, HALF_OPEN);
  g_assert_cmpuint (c->n_kept, ==, KEEP_ALIVE);
  g_assert_cmpuint (c->served, ==, 5);
  g_assert_cmpfloat (c->took, <, 10);
  g_assert_cmpuint (c->answered, >=, KEEP_ALIVE * 3 / 4);
  g_assert_cmpuint (c->closed_by_server, ==, c->answered);
  g_assert_cmpuint (techo_share_server_get_n_connections (fx.server), <=, MAX_OPEN);
  /* The clients hold theirs open; what the server holds stays bounded. */
  server_side = count_descriptors () - before - c->n_half_open - c->n_kept;
  g_test_message ("the server side holds %u descriptors", server_side);
  g_assert_cmpuint (server_side, <=, MAX_OPEN + 16);

  closed = GPOINTER_TO_UINT (serve_while (deadline_thread, c));
  g_assert_cmpuint (closed, ==, c->n_half_open);

  for (guint i = 0; i < c->n_half_open; i++)
    close (c->half_open[i]);
  for (guint i = 0; i < c->n_kept; i++)
    close (c->kept[i]);
  fixture_teardown (&fx);
}

static void
published_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **link = user_data;
  g_autoptr(GError) error = NULL;

  *link = techo_share_publish_finish (TECHO_SHARE_SERVER (object), result, NULL, &error);
  g_assert_no_error (error);
}

static void
test_publish_async (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoShareServer) server = techo_share_server_new (f->store);
  g_autoptr(TechoConsent) consent = techo_consent_new ("田中先生", "相談", 1u << TECHO_CATEGORY_SCREENING,
                                                       TECHO_CONSENT_METHOD_SHARE);
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Reply) manifest = NULL;
  g_autoptr(GPtrArray) ledger = NULL;
  TechoShareOptions options = { 0 };
  char *link = NULL;

  g_assert_true (techo_share_server_listen (server, "127.0.0.1", 0, &error));
  consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  techo_share_publish_async (server, 0, consent, &options, NULL, published_cb, &link);
  while (link == NULL)
    g_main_context_iteration (NULL, TRUE);
  payload = techo_shl_link_decode (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload->flag, ==, NULL);
  manifest = request ("POST", payload->url, "{\"recipient\":\"田中\",\"embeddedLengthMax\":1}");
  g_assert_cmpuint (manifest->status, ==, 200);
  g_assert_nonnull (strstr (manifest->body, "\"location\""));
  ledger = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_cmpuint (ledger->len, ==, 1);
  g_assert_cmpint (((TechoConsent *) g_ptr_array_index (ledger, 0))->method, ==, TECHO_CONSENT_METHOD_SHARE);
  g_free (link);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/share-server/manifest", test_manifest);
  g_test_add_func ("/share-server/passcode-cap", test_passcode_cap);
  g_test_add_func ("/share-server/direct", test_direct);
  g_test_add_func ("/share-server/expiry-revocation", test_expiry_and_revocation);
  g_test_add_func ("/share-server/limits", test_limits);
  g_test_add_func ("/share-server/publish-async", test_publish_async);
  g_test_add_func ("/share-server/no-plaintext", test_no_plaintext);
  g_test_add_func ("/share-server/bind", test_bind);
  g_test_add_func ("/share-server/connections", test_connections);
  return g_test_run ();
}
