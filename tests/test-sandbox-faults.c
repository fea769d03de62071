/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox's faults on demand, by flag and through /admin/, and its
 * logs: every fault must be observable by a client over real HTTP. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-json.h"
#include "techo-test-sandbox.h"

typedef struct
{
  TechoTestSandbox *sandbox;
  char *access;
} Fixture;

static char *
call (TechoTestSandbox     *sandbox,
      const char           *method,
      const char           *path,
      const char           *bearer,
      const char           *json,
      guint                *out_status,
      SoupMessageHeaders  **out_headers,
      GError              **error)
{
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), path, NULL);

  return techo_test_sandbox_http (method, url, bearer, "application/json", json,
                                  out_status, out_headers, error);
}

static char *
call_ok (TechoTestSandbox     *sandbox,
         const char           *method,
         const char           *path,
         const char           *bearer,
         const char           *json,
         guint                *out_status,
         SoupMessageHeaders  **out_headers)
{
  g_autoptr(GError) error = NULL;
  char *body = call (sandbox, method, path, bearer, json, out_status, out_headers, &error);

  g_assert_no_error (error);
  return body;
}

static void
admin (Fixture    *f,
       const char *json)
{
  guint status = 0;
  g_autofree char *body = call_ok (f->sandbox, "POST", json != NULL ? "/admin/faults" : "/admin/reset",
                                   NULL, json != NULL ? json : "", &status, NULL);

  g_assert_cmpuint (status, ==, 200);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->sandbox = techo_test_sandbox_new ("--admin", NULL);
  g_assert_true (techo_test_sandbox_sign_in (f->sandbox, "yamada", NULL, &f->access, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  techo_test_sandbox_stop (f->sandbox);
  g_free (f->access);
}

static guint
me_status (Fixture *f)
{
  guint status = 0;
  g_autofree char *body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL);

  return status;
}

static char *
new_request (Fixture *f)
{
  guint status = 0;
  g_autofree char *body = call_ok (f->sandbox, "POST", "/api/v1/requests", f->access,
                                   "{\"category\":\"checkup\",\"from\":\"200001\",\"to\":\"209912\"}",
                                   &status, NULL);
  g_autoptr(JsonObject) object = techo_json_parse_object_bounded (body, strlen (body), NULL, NULL);

  g_assert_cmpuint (status, ==, 202);
  return g_strdup (techo_json_get_string (object, "process_id"));
}

static char *
poll_status (Fixture    *f,
             const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/requests/%s", id);
  guint status = 0;
  g_autofree char *body = call_ok (f->sandbox, "GET", path, f->access, NULL, &status, NULL);
  g_autoptr(JsonObject) object = techo_json_parse_object_bounded (body, strlen (body), NULL, NULL);

  g_assert_cmpuint (status, ==, 200);
  return g_strdup (techo_json_get_string (object, "status"));
}

static void
test_latency (Fixture       *f,
              gconstpointer  data)
{
  gint64 start;

  admin (f, "{\"latency_ms\":300}");
  start = g_get_monotonic_time ();
  g_assert_cmpuint (me_status (f), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 300 * 1000);
  admin (f, NULL);
  start = g_get_monotonic_time ();
  g_assert_cmpuint (me_status (f), ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 300 * 1000);
}

static void
test_errors_and_throttle (Fixture       *f,
                          gconstpointer  data)
{
  guint status = 0;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *body = NULL;

  admin (f, "{\"error_rate\":1}");
  body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 500);
  g_assert_nonnull (strstr (body, "\"error\":\"server_error\""));
  g_clear_pointer (&body, g_free);

  admin (f, "{\"error_rate\":0,\"throttle_rate\":1,\"retry_after\":3}");
  body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, &headers);
  g_assert_cmpuint (status, ==, 429);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Retry-After"), ==, "3");
  admin (f, NULL);
  g_assert_cmpuint (me_status (f), ==, 200);
}

static void
test_maintenance (Fixture       *f,
                  gconstpointer  data)
{
  guint status = 0;
  g_autoptr(SoupMessageHeaders) headers = NULL;
  g_autofree char *body = NULL;
  g_autofree char *faults = NULL;
  guint64 retry;

  admin (f, "{\"maintenance_seconds\":30}");
  body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, &headers);
  g_assert_cmpuint (status, ==, 503);
  retry = g_ascii_strtoull (soup_message_headers_get_one (headers, "Retry-After"), NULL, 10);
  g_assert_cmpuint (retry, >=, 1);
  g_assert_cmpuint (retry, <=, 30);
  faults = call_ok (f->sandbox, "GET", "/admin/faults", NULL, NULL, &status, NULL);
  g_assert_nonnull (strstr (faults, "\"maintenance_seconds\":"));
  g_assert_null (strstr (faults, "\"maintenance_seconds\":0"));
  admin (f, "{\"maintenance_seconds\":0}");
  g_assert_cmpuint (me_status (f), ==, 200);
}

static void
test_truncated (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  admin (f, "{\"truncate_rate\":1}");
  body = call (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL, &error);
  /* The connection closes halfway through the declared length. */
  if (error == NULL)
    {
      g_autoptr(GError) parse_error = NULL;

      g_assert_null (techo_json_parse_bounded (body, strlen (body), NULL, &parse_error));
    }
  else
    g_test_message ("transport error as expected: %s", error->message);
  admin (f, NULL);
  g_assert_cmpuint (me_status (f), ==, 200);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  admin (f, "{\"malformed_rate\":1}");
  body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_null (techo_json_parse_bounded (body, strlen (body), NULL, &error));
  g_assert_error (error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_SYNTAX);
}

static void
test_drip (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *plain = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 0;
  gint64 start;

  plain = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL);
  admin (f, "{\"drip_ms\":20}");
  start = g_get_monotonic_time ();
  body = call_ok (f->sandbox, "GET", "/api/v1/me", f->access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (body, ==, plain);
  /* ≥ (chunks − 1) × 20 ms */
  g_assert_cmpint (g_get_monotonic_time () - start, >=,
                   (gint64) ((strlen (body) + 15) / 16 - 1) * 20 * 1000);
  node = techo_json_parse_bounded (body, strlen (body), NULL, NULL);
  g_assert_nonnull (node);
}

static void
test_never_finish (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *id = NULL;

  admin (f, "{\"never_finish\":true}");
  id = new_request (f);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *status = poll_status (f, id);

      g_assert_cmpstr (status, ==, "PENDING");
    }
  admin (f, NULL);
  {
    /* Once released, the request runs its normal course: one PENDING. */
    g_autofree char *pending = poll_status (f, id);
    g_autofree char *status = poll_status (f, id);

    g_assert_cmpstr (pending, ==, "PENDING");
    g_assert_cmpstr (status, ==, "SUCCESS");
  }
}

static void
test_expired (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *id = new_request (f);
  g_autofree char *first = poll_status (f, id);
  g_autofree char *second = poll_status (f, id);
  g_autofree char *third = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  guint status = 0;

  g_assert_cmpstr (first, ==, "PENDING");
  g_assert_cmpstr (second, ==, "SUCCESS");
  admin (f, "{\"expire_results\":true}");
  third = poll_status (f, id);
  g_assert_cmpstr (third, ==, "EXPIRED");
  path = g_strdup_printf ("/api/v1/requests/%s/result", id);
  body = call_ok (f->sandbox, "GET", path, f->access, NULL, &status, NULL);
  g_assert_cmpuint (status, ==, 410);
  g_assert_nonnull (strstr (body, "\"error\":\"expired\""));
}

static void
test_fail_kth (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *faults = NULL;
  guint status = 0;

  admin (f, "{\"fail_request\":3,\"reset_count\":true}");
  g_assert_cmpuint (me_status (f), ==, 200);
  g_assert_cmpuint (me_status (f), ==, 200);
  /* Admin calls are not counted. */
  faults = call_ok (f->sandbox, "GET", "/admin/faults", NULL, NULL, &status, NULL);
  g_assert_nonnull (strstr (faults, "\"request_count\":2"));
  g_assert_cmpuint (me_status (f), ==, 500);
  g_assert_cmpuint (me_status (f), ==, 200);
  admin (f, NULL);
  g_clear_pointer (&faults, g_free);
  faults = call_ok (f->sandbox, "GET", "/admin/faults", NULL, NULL, &status, NULL);
  g_assert_nonnull (strstr (faults, "\"request_count\":0"));
  g_assert_nonnull (strstr (faults, "\"fail_request\":0"));
}

static void
test_admin_validation (Fixture       *f,
                       gconstpointer  data)
{
  const char * const bad[] = {
    "{\"error_rate\":2}", "{\"latency_ms\":-1}", "{\"never_finish\":1}", "not json", "[[[[[[[[",
    "{\"id_token_fault\":\"bogus\"}", "{\"id_token_fault\":3}", "{\"id_token_alg\":\"HS256\"}",
    "{\"rotate_keys\":\"yes\"}", "{\"no_profile\":0}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      guint status = 0;
      g_autofree char *body = call_ok (f->sandbox, "POST", "/admin/faults", NULL, bad[i],
                                       &status, NULL);

      g_assert_cmpuint (status, ==, 400);
      g_assert_nonnull (strstr (body, "invalid_request"));
    }
}

/* The same seed draws the same faults; another seed differs. */
static void
test_rates_deterministic (void)
{
  GString *runs[3] = { g_string_new (NULL), g_string_new (NULL), g_string_new (NULL) };

  for (guint run = 0; run < 3; run++)
    {
      g_autoptr(TechoTestSandbox) sandbox =
        techo_test_sandbox_new ("--error-rate=0.5", run == 2 ? "--seed=99" : "--seed=5", NULL);

      for (guint i = 0; i < 40; i++)
        {
          guint status = 0;
          g_autofree char *body = call_ok (sandbox, "GET", "/.well-known/oauth-authorization-server",
                                           NULL, NULL, &status, NULL);

          g_string_append_c (runs[run], status == 200 ? '.' : 'x');
        }
    }
  g_test_message ("%s / %s", runs[0]->str, runs[2]->str);
  g_assert_true (g_string_equal (runs[0], runs[1]));
  g_assert_false (g_string_equal (runs[0], runs[2]));
  g_assert_nonnull (strchr (runs[0]->str, '.'));
  g_assert_nonnull (strchr (runs[0]->str, 'x'));
  for (guint run = 0; run < 3; run++)
    g_string_free (runs[run], TRUE);
}

static void
test_flags (void)
{
  g_autoptr(TechoTestSandbox) first = techo_test_sandbox_new ("--fail-request=1", NULL);
  g_autoptr(TechoTestSandbox) maintenance = techo_test_sandbox_new ("--maintenance=60", NULL);
  g_autoptr(TechoTestSandbox) short_results = techo_test_sandbox_new ("--result-ttl=1",
                                                                      "--pending-polls=0", NULL);
  g_autoptr(SoupMessageHeaders) headers = NULL;
  const char *metadata = "/.well-known/oauth-authorization-server";
  guint status = 0;

  g_free (call_ok (first, "GET", metadata, NULL, NULL, &status, NULL));
  g_assert_cmpuint (status, ==, 500);
  g_free (call_ok (first, "GET", metadata, NULL, NULL, &status, NULL));
  g_assert_cmpuint (status, ==, 200);

  g_free (call_ok (maintenance, "GET", metadata, NULL, NULL, &status, &headers));
  g_assert_cmpuint (status, ==, 503);
  g_assert_nonnull (soup_message_headers_get_one (headers, "Retry-After"));

  {
    Fixture f = { short_results, NULL };
    g_autoptr(GError) error = NULL;
    g_autofree char *id = NULL;
    g_autofree char *now = NULL;
    g_autofree char *later = NULL;

    g_assert_true (techo_test_sandbox_sign_in (short_results, "sato", NULL, &f.access, NULL, &error));
    id = new_request (&f);
    now = poll_status (&f, id);
    g_assert_cmpstr (now, ==, "SUCCESS");
    g_usleep (2100 * 1000);
    later = poll_status (&f, id);
    g_assert_cmpstr (later, ==, "EXPIRED");
    g_free (f.access);
  }
}

/* With --verbose every request is logged, and no token, code or PIN. */
static void
test_logs_hold_no_secrets (void)
{
  g_autofree char *dir = g_dir_make_tmp ("techo-sandbox-log-XXXXXX", NULL);
  g_autofree char *log_path = g_build_filename (dir, "stderr.log", NULL);
  const char * const args[] = { "--verbose", NULL };
  g_autoptr(GError) error = NULL;
  TechoTestSandbox *sandbox = techo_test_sandbox_start_full (args, log_path, &error);
  g_autofree char *access = NULL;
  g_autofree char *refresh = NULL;
  g_autofree char *log = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  guint status = 0;

  g_assert_no_error (error);
  g_assert_true (techo_test_sandbox_sign_in (sandbox, "sato", NULL, &access, &refresh, &error));
  g_free (call_ok (sandbox, "GET", "/api/v1/me", access, NULL, &status, NULL));
  g_assert_cmpuint (status, ==, 200);
  techo_test_sandbox_pkce (&verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup", "state-secret", challenge, "S256");
  location = techo_test_sandbox_browse (url, "yamada", "1234", NULL, TRUE, &error);
  g_assert_no_error (error);
  code = techo_test_sandbox_query_param (location, "code");
  techo_test_sandbox_stop (sandbox);

  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_assert_nonnull (strstr (log, "GET /api/v1/me"));
  g_assert_nonnull (strstr (log, "POST /token"));
  g_assert_null (strstr (log, access));
  g_assert_null (strstr (log, refresh));
  g_assert_null (strstr (log, code));
  g_assert_null (strstr (log, challenge));
  g_assert_null (strstr (log, "state-secret"));
  g_assert_null (strstr (log, "pin="));
  g_unlink (log_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
#define FIXTURE_TEST(path, func) \
  g_test_add ("/sandbox-faults/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  FIXTURE_TEST ("latency", test_latency);
  FIXTURE_TEST ("errors-and-throttle", test_errors_and_throttle);
  FIXTURE_TEST ("maintenance", test_maintenance);
  FIXTURE_TEST ("truncated", test_truncated);
  FIXTURE_TEST ("malformed", test_malformed);
  FIXTURE_TEST ("drip", test_drip);
  FIXTURE_TEST ("never-finish", test_never_finish);
  FIXTURE_TEST ("expired", test_expired);
  FIXTURE_TEST ("fail-kth", test_fail_kth);
  FIXTURE_TEST ("admin-validation", test_admin_validation);
#undef FIXTURE_TEST
  g_test_add_func ("/sandbox-faults/rates-deterministic", test_rates_deterministic);
  g_test_add_func ("/sandbox-faults/flags", test_flags);
  g_test_add_func ("/sandbox-faults/logs-hold-no-secrets", test_logs_hold_no_secrets);
  return g_test_run ();
}
