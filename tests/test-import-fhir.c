/* SPDX-License-Identifier: GPL-3.0-or-later */
/* FHIR files into a real store (健診結果報告書, 自治体検診, JP Core
 * medicines: counts, items, provenance, a second import changing nothing,
 * a bad bundle changing nothing), and received SMART Health Links, end to
 * end on loopback: a libsoup server in
 * the test serves a manifest (flag L, with passcode P) and files (one
 * embedded and DEFLATE-compressed, one by location without `cty`), or a
 * file directly (flag U); the link is made here with a key the test makes.
 * What arrives lands in a real store. A wrong passcode says how many
 * attempts are left, an expired link (404, or exp passed) and a wrong key
 * say so, and nothing is stored; a body over its cap is refused;
 * techo-cli import takes a viewer URL and --passcode-file. */

#include "config.h"

#include <string.h>

#include <cjose/cjose.h>
#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-fhir.h"
#include "techo-import.h"
#include "techo-secure.h"
#include "techo-shl-fetch.h"
#include "techo-shl-payload.h"
#include "techo-store.h"
#include "techo-test-store.h"
#include "techo-test-util.h"

#define PASSCODE "7302"

typedef struct
{
  char *dir;
  TechoStore *store;
  SoupServer *server;
  char *base;              /* http://127.0.0.1:PORT */
  guint8 key[TECHO_SHL_KEY_BYTES];
  char *checkup_jwe;       /* zip: DEF, cty, embedded */
  char *medication_jwe;    /* no cty, no zip, by location */
  char *bad_jwe;           /* opens, but holds no FHIR Bundle */
  int remaining;           /* passcode attempts left */
  guint n_requests;
  char *last_recipient;
  gboolean big_manifest;
} Fixture;

static char *
read_corpus (const char *name,
             gsize      *length)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", "fhir", name, NULL);
  char *data = NULL;

  g_assert_true (g_file_get_contents (path, &data, length, NULL));
  return data;
}

static GBytes *
deflate_raw (const char *data,
             gsize       length)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_at = 0;

  for (;;)
    {
      guint8 buffer[16384];
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (G_CONVERTER (z), data + in_at, length - in_at,
                                                buffer, sizeof buffer,
                                                G_CONVERTER_INPUT_AT_END, &read, &written, NULL);

      g_assert_cmpint (r, !=, G_CONVERTER_ERROR);
      in_at += read;
      g_byte_array_append (out, buffer, written);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* A compact JWE (dir, A256GCM) made with cjose, as another app would. */
static char *
make_jwe (const guint8 *key,
          const void   *plain,
          gsize         length,
          const char   *cty,
          gboolean      zip)
{
  cjose_err err = { 0 };
  cjose_jwk_t *jwk = cjose_jwk_create_oct_spec (key, TECHO_SHL_KEY_BYTES, &err);
  cjose_header_t *header = cjose_header_new (&err);
  g_autoptr(GBytes) packed = zip ? deflate_raw (plain, length) : NULL;
  cjose_jwe_t *jwe;
  char *compact, *result;

  g_assert_nonnull (jwk);
  g_assert_true (cjose_header_set (header, CJOSE_HDR_ALG, CJOSE_HDR_ALG_DIR, &err));
  g_assert_true (cjose_header_set (header, CJOSE_HDR_ENC, CJOSE_HDR_ENC_A256GCM, &err));
  if (cty != NULL)
    g_assert_true (cjose_header_set (header, CJOSE_HDR_CTY, cty, &err));
  if (zip)
    g_assert_true (cjose_header_set (header, "zip", "DEF", &err));
  jwe = cjose_jwe_encrypt (jwk, header,
                           zip ? g_bytes_get_data (packed, NULL) : plain,
                           zip ? g_bytes_get_size (packed) : length, &err);
  g_assert_nonnull (jwe);
  compact = cjose_jwe_export (jwe, &err);
  result = g_strdup (compact);
  cjose_get_dealloc () (compact);
  cjose_jwe_release (jwe);
  cjose_header_release (header);
  cjose_jwk_release (jwk);
  return result;
}

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

/* POST /manifest[-gone]: {recipient, passcode} → files; GET /file, /direct. */
static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;
  const char *method = soup_server_message_get_method (msg);

  f->n_requests++;
  if (g_str_has_prefix (path, "/manifest") && g_strcmp0 (method, "POST") == 0)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);
      g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *request;
      const char *passcode;
      g_autofree char *manifest = NULL;

      if (g_str_equal (path, "/manifest-gone"))
        {
          reply_json (msg, 404, "{}");
          return;
        }
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                                 g_bytes_get_size (bytes), NULL));
      request = json_node_get_object (json_parser_get_root (parser));
      g_free (f->last_recipient);
      f->last_recipient = g_strdup (json_object_get_string_member (request, "recipient"));
      passcode = json_object_get_string_member_with_default (request, "passcode", NULL);
      if (g_str_equal (path, "/manifest-p") && g_strcmp0 (passcode, PASSCODE) != 0)
        {
          g_autofree char *answer = NULL;

          f->remaining = MAX (f->remaining - 1, 0);
          answer = g_strdup_printf ("{\"remainingAttempts\":%d}", f->remaining);
          reply_json (msg, 401, answer);
          return;
        }
      if (f->big_manifest)
        {
          GString *big = g_string_new ("{\"files\":[],\"pad\":\"");

          while (big->len < 2 * 1024 * 1024)
            g_string_append (big, "0123456789abcdef");
          g_string_append (big, "\"}");
          reply_json (msg, 200, big->str);
          g_string_free (big, TRUE);
          return;
        }
      if (g_str_equal (path, "/manifest-badfile"))
        {
          /* A good file, then one that is no bundle: neither may land. */
          manifest = g_strdup_printf ("{\"files\":["
                                      "{\"contentType\":\"application/fhir+json\",\"embedded\":\"%s\"},"
                                      "{\"contentType\":\"application/fhir+json\",\"embedded\":\"%s\"}]}",
                                      f->checkup_jwe, f->bad_jwe);
          reply_json (msg, 200, manifest);
          return;
        }
      manifest = g_strdup_printf ("{\"files\":["
                                  "{\"contentType\":\"application/smart-health-card\","
                                  "\"embedded\":\"not-for-techo\"},"
                                  "{\"contentType\":\"application/fhir+json\",\"embedded\":\"%s\"},"
                                  "{\"contentType\":\"application/fhir+json\","
                                  "\"location\":\"%s/file\"}]}",
                                  f->checkup_jwe, f->base);
      reply_json (msg, 200, manifest);
      return;
    }
  if ((g_str_equal (path, "/file") || g_str_equal (path, "/direct")) &&
      g_strcmp0 (method, "GET") == 0)
    {
      const char *recipient = query != NULL ? g_hash_table_lookup (query, "recipient") : NULL;
      const char *jwe = g_str_equal (path, "/file") ? f->medication_jwe : f->checkup_jwe;

      g_free (f->last_recipient);
      f->last_recipient = g_strdup (recipient);
      if (recipient == NULL)
        {
          soup_server_message_set_status (msg, 400, NULL);
          return;
        }
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/jose", SOUP_MEMORY_COPY, jwe,
                                        strlen (jwe));
      return;
    }
  if (g_str_equal (path, "/redirect"))
    {
      soup_server_message_set_redirect (msg, 302, "http://records.example.org/file");
      return;
    }
  soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *checkup = NULL;
  g_autofree char *medication = NULL;
  GSList *uris;
  gsize length = 0;

  f->store = techo_test_store_open ("techo-import-fhir-XXXXXX", &f->dir);

  g_assert_true (techo_random_bytes (f->key, sizeof f->key, &error));
  checkup = read_corpus ("ok-echeckup.json", &length);
  f->checkup_jwe = make_jwe (f->key, checkup, length, "application/fhir+json", TRUE);
  medication = read_corpus ("ok-jpcore-medication.json", &length);
  f->medication_jwe = make_jwe (f->key, medication, length, NULL, FALSE);
  f->bad_jwe = make_jwe (f->key, "{\"resourceType\":\"Basic\"}", 24, NULL, FALSE);
  f->remaining = 3;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  techo_test_store_close (g_steal_pointer (&f->store), f->dir);
  g_free (f->dir);
  g_free (f->base);
  g_free (f->checkup_jwe);
  g_free (f->medication_jwe);
  g_free (f->bad_jwe);
  g_free (f->last_recipient);
}

static char *
make_link (Fixture    *f,
           const char *path,
           const char *flag,
           gint64      exp,
           gboolean    wrong_key)
{
  g_autoptr(TechoShlPayload) p = techo_shl_payload_new ();
  g_autoptr(GError) error = NULL;
  char *link;

  p->url = g_strconcat (f->base, path, NULL);
  memcpy (p->key, f->key, sizeof p->key);
  if (wrong_key)
    p->key[0] ^= 0x55;
  p->flag = g_strdup (flag);
  p->exp = exp;
  p->label = g_strdup ("健診 2025");
  link = techo_shl_link_encode (p, &error);
  g_assert_no_error (error);
  return link;
}

typedef struct
{
  GPtrArray *results;
  GError *error;
  gboolean done;
} Wait;

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Wait *w = user_data;

  w->results = techo_import_shl_finish (TECHO_STORE (source), result, &w->error);
  w->done = TRUE;
}

/* Imports @link on a worker thread while this thread serves it. */
static GPtrArray *
import_link (Fixture     *f,
             const char  *link,
             const char  *passcode,
             GError     **error)
{
  Wait w = { 0 };

  techo_import_shl_async (f->store, 0, link, passcode, NULL, import_done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  if (w.error != NULL)
    g_propagate_error (error, w.error);
  return w.results;
}

static gint64
count (Fixture         *f,
       TechoStoreCount  what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (f->store, NULL, &error);
  gint64 n;

  g_assert_no_error (error);
  if (profiles->len == 0)
    return 0;
  n = techo_store_count_sync (f->store, ((TechoProfile *) g_ptr_array_index (profiles, 0))->id,
                              what, NULL, &error);
  g_assert_no_error (error);
  return n;
}

/* Flag L with P: the manifest, an embedded compressed file and one by
 * location, into the store; again, nothing new. */
static void
test_manifest (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *link = make_link (f, "/manifest-p", "LP",
                                     g_get_real_time () / G_USEC_PER_SEC + 3600, FALSE);
  g_autofree char *viewer = g_strconcat ("https://viewer.example/#", link, NULL);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  const TechoImportResult *r;

  results = import_link (f, viewer, PASSCODE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_recipient, ==, "Techo");
  /* The SMART Health Card in the list is left; two FHIR files came. */
  g_assert_cmpuint (results->len, ==, 2);
  r = g_ptr_array_index (results, 0);
  g_assert_cmpint (r->kind, ==, TECHO_IMPORT_KIND_FHIR);
  g_assert_cmpuint (r->n_checkups, ==, 1);
  g_assert_true (r->profile_created);
  g_assert_cmpstr (r->file_name, ==, "shlink-健診 2025-1.json");
  r = g_ptr_array_index (results, 1);
  g_assert_cmpuint (r->n_medicines, ==, 2);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 9);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 2);

  again = import_link (f, link, PASSCODE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (((TechoImportResult *) g_ptr_array_index (again, 0))->n_new, ==, 0);
  g_assert_cmpuint (((TechoImportResult *) g_ptr_array_index (again, 1))->n_new, ==, 0);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 2);

  /* The link's two files were one import: one undo takes both back. */
  {
    g_autoptr(TechoUndoResult) undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (undone);
    g_assert_cmpuint (undone->n_removed, ==, 3);
    g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 0);
    g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 0);
  }
}

/* Flag U: GET url?recipient=… returns the file itself. */
static void
test_direct (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *link = make_link (f, "/direct", "U", 0, FALSE);
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GError) error = NULL;

  results = import_link (f, link, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpstr (f->last_recipient, ==, "Techo");
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
}

/* Refusals: each says why in words, and nothing is stored. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *with_p = make_link (f, "/manifest-p", "P", 0, FALSE);
  g_autofree char *gone = make_link (f, "/manifest-gone", "L", 0, FALSE);
  g_autofree char *past = make_link (f, "/manifest", "", now - 60, FALSE);
  g_autofree char *bad_key = make_link (f, "/manifest", "", 0, TRUE);
  g_autofree char *plain_http = NULL;
  g_autoptr(TechoShlPayload) p = techo_shl_payload_new ();
  guint before;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = import_link (f, with_p, "0000", &error);

    g_assert_null (r);
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE);
    g_assert_nonnull (strstr (error->message, "2 attempts are left"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = import_link (f, with_p, "0001", &error);

    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_PASSCODE);
    g_assert_nonnull (strstr (error->message, "1 attempt is left"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = NULL;

    before = f->n_requests;
    r = import_link (f, with_p, NULL, &error);
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE);
    g_assert_cmpuint (f->n_requests, ==, before);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = import_link (f, gone, NULL, &error);

    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EXPIRED);
    g_assert_nonnull (strstr (error->message, "expired"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = NULL;

    before = f->n_requests;
    r = import_link (f, past, NULL, &error);
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_EXPIRED);
    g_assert_cmpuint (f->n_requests, ==, before);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = import_link (f, bad_key, NULL, &error);

    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_BAD_DATA);
    g_assert_nonnull (strstr (error->message, "key"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = NULL;
    g_autofree char *big = make_link (f, "/manifest", "", 0, FALSE);

    f->big_manifest = TRUE;
    r = import_link (f, big, NULL, &error);
    f->big_manifest = FALSE;
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_TOO_LARGE);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = NULL;

    p->url = g_strdup ("http://records.example.org/manifest");
    memcpy (p->key, f->key, sizeof p->key);
    plain_http = techo_shl_link_encode (p, &error);
    g_assert_no_error (error);
    r = import_link (f, plain_http, NULL, &error);
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_INSECURE);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) r = import_link (f, "shlink:/bm90IGpzb24", NULL, &error);

    g_assert_error (error, TECHO_SHL_ERROR, TECHO_SHL_ERROR_INVALID);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *redirect = make_link (f, "/redirect", "U", 0, FALSE);
    g_autoptr(GPtrArray) r = import_link (f, redirect, NULL, &error);

    /* Not followed: it could lead to plain http elsewhere. */
    g_assert_error (error, TECHO_SHL_FETCH_ERROR, TECHO_SHL_FETCH_ERROR_NETWORK);
    g_assert_nonnull (strstr (error->message, "302"));
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *badfile = make_link (f, "/manifest-badfile", "L", 0, FALSE);
    g_autoptr(GPtrArray) r = import_link (f, badfile, NULL, &error);

    g_assert_null (r);
    g_assert_nonnull (error);
    g_assert_true (g_str_has_prefix (error->message, "This FHIR file"));
  }
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 0);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 0);
}

typedef struct
{
  gboolean done;
  char *out;
  char *err;
} CliWait;

static void
cli_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CliWait *w = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), result,
                                                       &w->out, &w->err, &error));
  g_assert_no_error (error);
  w->done = TRUE;
}

/* techo-cli import with a viewer URL and --passcode-file, served from
 * this thread while the CLI runs. */
static int
run_cli (Fixture     *f,
         const char  *link,
         const char  *passcode,
         char       **out,
         char       **err)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autofree char *data_dir = g_build_filename (f->dir, "cli", NULL);
  g_autofree char *passcode_path = g_build_filename (f->dir, "passcode.txt", NULL);
  g_autofree char *contents = g_strconcat (passcode, "\n", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  CliWait w = { 0 };

  g_assert_true (g_file_set_contents (passcode_path, contents, -1, &error));
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, cli, "--data-dir", data_dir, "import", "--passcode-file",
                           passcode_path, link, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, cli_done_cb, &w);
  while (!w.done)
    g_main_context_iteration (NULL, TRUE);
  *out = w.out;
  *err = w.err;
  return g_subprocess_get_exit_status (proc);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *link = make_link (f, "/manifest-p", "LP", 0, FALSE);
  g_autofree char *viewer = g_strconcat ("https://viewer.example/app#", link, NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  int status;

  status = run_cli (f, viewer, "9999", &out, &err);
  g_assert_cmpint (status, ==, 6);
  g_assert_nonnull (strstr (err, "attempts are left"));
  /* The link carries its key: it never shows in the output. */
  g_assert_null (strstr (err, "shlink:/"));

  status = run_cli (f, viewer, PASSCODE, &out2, &err2);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out2, "FHIR bundle, 1 checkup(s)"));
  g_assert_nonnull (strstr (out2, "2 medicine line(s)"));
  g_assert_null (strstr (out2, "shlink:/"));
}

static TechoImportResult *
import_corpus_file (Fixture     *f,
                    const char  *name,
                    GError     **error)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "corpus", "fhir", name, NULL);
  TechoImportResult *result = NULL;

  if (!techo_import_file_sync (f->store, 0, path, &result, NULL, error))
    return NULL;
  return result;
}

/* The bundles of tests/corpus/fhir into the store, as `techo-cli import`
 * does them. */
static void
test_files (Fixture       *f,
            gconstpointer  data)
{
  static const char * const names[] = {
    "ok-echeckup.json", "ok-municipal-lung.json", "ok-municipal-colon.json",
    "ok-jpcore-medication.json", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GPtrArray) screenings = NULL;
  gint64 profile_id = 0;
  const TechoCheckup *c;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(TechoImportResult) r = import_corpus_file (f, names[i], &error);

      g_assert_no_error (error);
      g_assert_cmpint (r->kind, ==, TECHO_IMPORT_KIND_FHIR);
      g_assert_cmpuint (r->n_new, ==, r->n_records);
      g_assert_cmpuint (r->n_new, >, 0);
      g_assert_cmpint (r->profile_created, ==, i == 0);
      profile_id = r->profile_id;
    }
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 9);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_SCREENING), ==, 2);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 2);

  checkups = techo_store_list_checkups_sync (f->store, profile_id, 0, NULL, &error);
  g_assert_no_error (error);
  c = g_ptr_array_index (checkups, 0);
  g_assert_cmpint (c->provenance.origin, ==, TECHO_ORIGIN_FILE);
  g_assert_cmpstr (c->provenance.file_name, ==, "ok-echeckup.json");
  g_assert_cmpuint (strlen (c->provenance.file_sha256), ==, 64);
  g_assert_cmpstr (c->institution_code, ==, "1319999991");
  g_assert_cmpstr (techo_checkup_find_item (c, "9A751000000000001")->value, ==, "136");
  screenings = techo_store_list_screenings_sync (f->store, profile_id, "lung", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (screenings->len, ==, 1);
  g_assert_cmpstr (((TechoScreening *) g_ptr_array_index (screenings, 0))->followup_value, ==, "2");

  /* Again: nothing new. */
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(TechoImportResult) r = import_corpus_file (f, names[i], &error);

      g_assert_no_error (error);
      g_assert_cmpuint (r->n_new, ==, 0);
    }
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_SCREENING), ==, 2);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 2);

  /* A bundle whose report refers to a result it does not hold: refused
   * with the reason, and nothing changes. */
  {
    g_autofree char *path = g_build_filename (f->dir, "broken.json", NULL);
    g_autofree char *text = NULL;
    g_autofree char *broken = NULL;
    gsize length = 0;
    g_autoptr(TechoImportResult) r = NULL;
    g_autofree char *source = g_test_build_filename (G_TEST_DIST, "corpus", "fhir",
                                                     "ok-echeckup.json", NULL);

    g_assert_true (g_file_get_contents (source, &text, &length, NULL));
    /* Another date, so it would be a new checkup, and one result gone. */
    {
      g_auto(GStrv) dates = g_strsplit (text, "2025-06-12", -1);
      g_auto(GStrv) urls = NULL;
      g_autofree char *redated = g_strjoinv ("2025-07-01", dates);

      urls = g_strsplit (redated, "\"fullUrl\": \"urn:uuid:0a000000-0000-4000-8000-000000000018\"", -1);
      broken = g_strjoinv ("\"fullUrl\": \"urn:uuid:0a000000-0000-4000-8000-0000000000ff\"", urls);
      g_assert_cmpuint (g_strv_length (urls), ==, 2);
    }
    g_assert_true (g_file_set_contents (path, broken, -1, NULL));
    g_assert_false (techo_import_file_sync (f->store, 0, path, &r, NULL, &error));
    g_assert_error (error, TECHO_FHIR_ERROR, TECHO_FHIR_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "urn:uuid:0a000000-0000-4000-8000-000000000018"));
    g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/import-fhir/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);
  g_test_add ("/import-fhir/link-manifest", Fixture, NULL, fixture_set_up, test_manifest,
              fixture_tear_down);
  g_test_add ("/import-fhir/link-direct", Fixture, NULL, fixture_set_up, test_direct,
              fixture_tear_down);
  g_test_add ("/import-fhir/link-refused", Fixture, NULL, fixture_set_up, test_refused,
              fixture_tear_down);
  g_test_add ("/import-fhir/link-cli", Fixture, NULL, fixture_set_up, test_cli, fixture_tear_down);
  return g_test_run ();
}
