/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli share --host against the real techo-share-host on loopback:
 * the CLI uploads and exits, the host serves the link afterwards (a
 * doctor's fetch decrypts to the records and the consent), the QR holds
 * the viewer URL, the management token is in the store and not in the
 * link, `consents --refresh` takes the host's accesses into the ledger
 * (refused ones as one counted row), `consents --revoke` deletes the share
 * from the host at once; a passcode on the command line, a plain-http host
 * on the network and an unreachable host are refused clearly. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-fhir.h"
#include "techo-host-client.h"
#include "techo-shl.h"
#include "techo-test-export.h"
#include "techo-test-util.h"

static int
run_cli (TechoTestExport  *f,
         char            **out,
         char            **err,
         ...)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  int status;

  /* The CLI opens the store itself: this process lets go of it meanwhile. */
  g_assert_true (techo_store_close_sync (f->store, NULL, &error));
  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, f->dir);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  {
    /* Output nobody asked for is dropped, not mixed into the test's TAP. */
    g_autofree char *unused = NULL;

    status = techo_test_spawn ((const char * const *) argv->pdata,
                               out != NULL ? out : &unused, err);
  }
  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);
  return status;
}

/* POSTs the manifest request; returns the status, the answer in @out. */
static guint
manifest (const char  *url,
          const char  *passcode,
          JsonObject **out)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autofree char *text = g_strdup_printf ("{\"recipient\":\"佐藤医師\",\"passcode\":\"%s\","
                                           "\"embeddedLengthMax\":100000000}", passcode);
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  answer = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = techo_json_parse_object_bounded (g_bytes_get_data (answer, NULL),
                                            g_bytes_get_size (answer), NULL, NULL);
  return soup_message_get_status (msg);
}

static TechoConsent *
the_consent (TechoTestExport *f,
             gint64           id)
{
  g_autoptr(GError) error = NULL;
  TechoConsent *c = techo_store_get_consent_sync (f->store, id, NULL, &error);

  g_assert_no_error (error);
  return c;
}

static guint
count_events (const TechoConsent *c,
              const char         *event,
              const char         *containing)
{
  guint n = 0;

  for (guint i = 0; i < c->events->len; i++)
    {
      TechoConsentEvent *e = g_ptr_array_index (c->events, i);

      n += g_strcmp0 (e->event, event) == 0 &&
           (containing == NULL || strstr (e->detail != NULL ? e->detail : "", containing) != NULL);
    }
  return n;
}

static void
test_share_to_host (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoTestHost) host = techo_test_host_start ();
  g_autoptr(GError) error = NULL;
  g_autofree char *passfile = g_build_filename (f->dir, "passcode.txt", NULL);
  g_autofree char *qr = g_build_filename (f->dir, "share.png", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GBytes) opened = NULL;
  g_autoptr(TechoHostedShare) hosted = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *viewer, *jwe;
  gint64 id;

  g_assert_true (g_file_set_contents (passfile, "8642\n", -1, NULL));
  g_assert_cmpint (run_cli (f, &out, &err, "share", "--recipient", "みなと内科 佐藤医師",
                            "--purpose", "糖尿病の定期診察", "--expires", "1h", "--host", host->url,
                            "--passcode-file", passfile, "--label", "健診と薬", "--qr", qr, NULL),
                   ==, 0);
  /* Two lines: the link alone, then viewer=. */
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "shlink:/"));
  g_assert_true (g_str_has_prefix (lines[1], "viewer="));
  viewer = lines[1] + strlen ("viewer=");
  g_assert_true (g_str_has_prefix (viewer, host->url));
  g_assert_true (g_str_has_suffix (viewer, lines[0]));
  g_assert_nonnull (strstr (viewer, "/#shlink:/"));
  payload = techo_shl_link_decode (lines[0], &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload->flag, ==, "P");
  g_assert_cmpstr (payload->label, ==, "健診と薬");
  g_assert_true (g_str_has_prefix (payload->url, host->url));

  /* The QR holds the viewer URL a phone's camera opens. */
  {
    const char *zbar[] = { "zbarimg", "--quiet", "--raw", qr, NULL };
    g_autofree char *decoded = NULL;

    g_assert_cmpint (techo_test_spawn (zbar, &decoded, NULL), ==, 0);
    g_assert_cmpstr (g_strchomp (decoded), ==, viewer);
  }

  /* The CLI has exited; the host serves the share: records and consent. */
  g_assert_cmpuint (manifest (payload->url, "8642", &answer), ==, 200);
  jwe = techo_json_get_string (json_array_get_object_element (
          techo_json_get_array (answer, "files"), 0), "embedded");
  g_assert_nonnull (jwe);
  opened = techo_shl_decrypt (payload->key, sizeof payload->key, jwe, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = g_strndup (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened));
    g_autoptr(TechoRecordSet) set = techo_fhir_import (text, strlen (text), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (set->checkups->len, ==, 3);
    g_assert_nonnull (strstr (text, TECHO_TEST_PATIENT_NAME));
    g_assert_nonnull (strstr (text, "\"resourceType\":\"Consent\""));
    g_assert_nonnull (strstr (text, "糖尿病の定期診察"));
  }

  /* The store keeps the management token; the link does not hold it. */
  list = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  id = ((TechoConsent *) g_ptr_array_index (list, 0))->id;
  hosted = techo_store_get_hosted_share_sync (f->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hosted);
  g_assert_cmpstr (hosted->host_url, ==, host->url);
  g_assert_cmpuint (strlen (hosted->manage_token), ==, 43);
  g_assert_null (strstr (viewer, hosted->manage_token));
  g_assert_null (strstr (out, hosted->manage_token));
  g_assert_null (strstr (err, "8642"));

  /* Two wrong tries, then refresh: the access as a row, the refusals as one. */
  g_assert_cmpuint (manifest (payload->url, "0000", NULL), ==, 401);
  g_assert_cmpuint (manifest (payload->url, "1111", NULL), ==, 401);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, NULL, "consents", "--json", "--refresh", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "host: manifest from 127.0.0.1 recipient=佐藤医師"));
  consent = the_consent (f, id);
  g_assert_cmpuint (count_events (consent, "access", "host: manifest"), ==, 1);
  g_assert_cmpuint (count_events (consent, "denied", "2 request(s) refused"), ==, 1);
  g_assert_cmpuint (count_events (consent, "sent", "hosted at"), ==, 1);
  /* A second refresh adds nothing. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "consents", "--refresh", NULL), ==, 0);
  g_clear_pointer (&consent, techo_consent_free);
  consent = the_consent (f, id);
  g_assert_cmpuint (count_events (consent, "access", NULL), ==, 1);
  g_assert_cmpuint (count_events (consent, "denied", NULL), ==, 1);

  /* Revoke: deleted from the host at once. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "consents", "--revoke", "1", NULL), ==, 0);
  g_assert_cmpuint (manifest (payload->url, "8642", NULL), ==, 404);
  g_clear_pointer (&hosted, techo_hosted_share_free);
  hosted = techo_store_get_hosted_share_sync (f->store, id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (hosted->deleted_at, >, 0);
  g_clear_pointer (&consent, techo_consent_free);
  consent = the_consent (f, id);
  g_assert_cmpint (consent->revoked_at, >, 0);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_host_revoke_finish (TECHO_STORE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

/* The app's 停止: the same through the async call, off the main thread. */
static void
test_revoke_async (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoTestHost) host = techo_test_host_start ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoConsent) consent = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autofree char *link = NULL;
  g_autofree char *viewer = NULL;
  TechoHostShareOptions options = { NULL, "2468", NULL, FALSE };
  guint categories = 0;
  gboolean done = FALSE;

  g_assert_true (techo_consent_categories_parse ("all", &categories, NULL));
  consent = techo_consent_new ("佐藤医師", "定期診察", categories, TECHO_CONSENT_METHOD_SHARE);
  consent->expires_at = g_get_real_time () / G_USEC_PER_SEC + 600;
  options.host_url = host->url;
  link = techo_host_publish_sync (f->store, 0, consent, &options, &viewer, NULL, &error);
  g_assert_no_error (error);
  payload = techo_shl_link_decode (link, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (manifest (payload->url, "2468", NULL), ==, 200);
  techo_host_revoke_async (f->store, consent->id, NULL, revoked_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (manifest (payload->url, "2468", NULL), ==, 404);
}

static void
test_refusals (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoTestHost) host = techo_test_host_start ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *err = NULL;
  g_autofree char *passfile = g_build_filename (f->dir, "passcode.txt", NULL);
  g_autoptr(GSocket) closed = NULL;
  g_autoptr(GSocketAddress) any = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *dead = NULL;

  g_assert_true (g_file_set_contents (passfile, "8642\n", -1, NULL));
  /* A passcode on the command line, with a host: refused before anything. */
  g_assert_cmpint (run_cli (f, NULL, &err, "share", "--recipient", "a", "--purpose", "b",
                            "--expires", "1h", "--host", host->url, "--passcode", "1234", NULL),
                   ==, 2);
  g_assert_nonnull (strstr (err, "--passcode-file"));
  g_clear_pointer (&err, g_free);
  /* Plain http across a network: refused. */
  g_assert_cmpint (run_cli (f, NULL, &err, "share", "--recipient", "a", "--purpose", "b",
                            "--expires", "1h", "--host", "http://192.0.2.1:8443",
                            "--passcode-file", passfile, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "https://"));
  g_clear_pointer (&err, g_free);
  /* No passcode and no terminal to ask on: refused, with what to do. */
  g_assert_cmpint (run_cli (f, NULL, &err, "share", "--recipient", "a", "--purpose", "b",
                            "--expires", "1h", "--host", host->url, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--no-passcode"));
  g_clear_pointer (&err, g_free);
  list = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A host that does not answer: a clear error, exit 5, the consent revoked. */
  closed = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  any = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_assert_true (g_socket_bind (closed, any, TRUE, &error));
  bound = g_socket_get_local_address (closed, &error);
  dead = g_strdup_printf ("http://127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_assert_cmpint (run_cli (f, NULL, &err, "share", "--recipient", "a", "--purpose", "b",
                            "--expires", "1h", "--host", dead, "--passcode-file", passfile, NULL),
                   ==, 5);
  g_assert_nonnull (strstr (err, "could not be reached"));
  list = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpint (((TechoConsent *) g_ptr_array_index (list, 0))->revoked_at, >, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/share-host-cli/share", test_share_to_host);
  g_test_add_func ("/share-host-cli/revoke-async", test_revoke_async);
  g_test_add_func ("/share-host-cli/refusals", test_refusals);
  return g_test_run ();
}
