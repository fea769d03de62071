/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "techo-json.h"
#include "techo-records-json.h"
#include "techo-secure.h"
#include "techo-test-portal.h"
#include "techo-vault.h"
#include "techo-test-util.h"

typedef struct
{
  TechoTestSandbox *sandbox;
  const char *citizen;
  const char * const *grant;
  GThread *thread;
  char *uri;
  GError *error;
} Browser;

/* One step of the browser; follows no redirect. */
static char *
browse_step (SoupSession  *session,
             const char   *method,
             const char   *url,
             const char   *form,
             guint        *out_status,
             char        **out_location,
             GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  gsize size;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  *out_status = soup_message_get_status (message);
  *out_location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                          "Location"));
  size = g_bytes_get_size (body);
  /* An empty body (a redirect) may have no data pointer. */
  return size > 0 ? g_strndup (g_bytes_get_data (body, NULL), size) : g_strdup ("");
}

static void
form_add (GString    *form,
          const char *name,
          const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  g_string_append_printf (form, "%s%s=%s", form->len > 0 ? "&" : "", name, escaped);
}

/* Signs in as @citizen (PIN 1234) and consents to @grant (NULL: all the
 * page offers); returns the Location of the final redirect. */
char *
test_browse (const char          *authorize_url,
        const char          *citizen,
        const char * const  *grant,
        GError             **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *html = NULL;
  g_autofree char *location = NULL;
  g_autofree char *transaction = NULL;
  g_autofree char *pin_url = g_uri_resolve_relative (authorize_url, "/authorize/pin", G_URI_FLAGS_NONE, NULL);
  g_autofree char *consent_url = g_uri_resolve_relative (authorize_url, "/authorize/consent",
                                                         G_URI_FLAGS_NONE, NULL);
  g_autoptr(GString) form = g_string_new (NULL);
  guint status = 0;

  html = browse_step (session, "GET", authorize_url, NULL, &status, &location, error);
  if (html == NULL)
    return NULL;
  transaction = techo_test_sandbox_find_transaction (html);
  if (status != 200 || transaction == NULL)
    goto unexpected;
  form_add (form, "transaction", transaction);
  form_add (form, "citizen", citizen);
  form_add (form, "pin", "1234");
  g_clear_pointer (&html, g_free);
  g_clear_pointer (&location, g_free);
  html = browse_step (session, "POST", pin_url, form->str, &status, &location, error);
  if (html == NULL)
    return NULL;
  g_clear_pointer (&transaction, g_free);
  transaction = techo_test_sandbox_find_transaction (html);
  if (status != 200 || transaction == NULL)
    goto unexpected;
  g_string_truncate (form, 0);
  form_add (form, "transaction", transaction);
  if (grant != NULL)
    for (guint i = 0; grant[i] != NULL; i++)
      form_add (form, "scope", grant[i]);
  else
    {
      const char *marker = "name=\"scope\" value=\"";
      const char *p = html;

      while ((p = strstr (p, marker)) != NULL)
        {
          const char *end = strchr (p + strlen (marker), '"');
          g_autofree char *scope = NULL;

          if (end == NULL)
            break;
          scope = g_strndup (p + strlen (marker), end - (p + strlen (marker)));
          form_add (form, "scope", scope);
          p = end;
        }
    }
  form_add (form, "decision", "allow");
  g_clear_pointer (&html, g_free);
  g_clear_pointer (&location, g_free);
  html = browse_step (session, "POST", consent_url, form->str, &status, &location, error);
  if (html == NULL)
    return NULL;
  if (status == 302 && location != NULL)
    return g_steal_pointer (&location);

unexpected:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the sandbox answered %u: %.300s", status,
               html != NULL ? html : "");
  return NULL;
}

static gpointer
browser_thread (gpointer data)
{
  Browser *browser = data;
  g_autofree char *location = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) body = NULL;

  location = test_browse (browser->uri, browser->citizen, browser->grant, &browser->error);
  if (location == NULL)
    return NULL;
  /* The browser follows the last redirect to our loopback listener. */
  session = soup_session_new ();
  message = soup_message_new ("GET", location);
  body = soup_session_send_and_read (session, message, NULL, &browser->error);
  return NULL;
}

static gboolean
open_in_test_browser (const char  *uri,
                      gpointer     user_data,
                      GError     **error)
{
  Browser *browser = user_data;

  browser->uri = g_strdup (uri);
  browser->thread = g_thread_new ("browser", browser_thread, browser);
  return TRUE;
}

gboolean
test_sign_in (TechoOAuth         *oauth,
              TechoTestSandbox   *sandbox,
              const char         *citizen,
              const char * const *grant,
              GError            **error)
{
  return test_sign_in_full (oauth, sandbox, citizen, grant, NULL, error);
}

gboolean
test_sign_in_full (TechoOAuth         *oauth,
                   TechoTestSandbox   *sandbox,
                   const char         *citizen,
                   const char * const *grant,
                   const char         *scopes,
                   GError            **error)
{
  Browser browser = { sandbox, citizen, grant, NULL, NULL, NULL };
  gboolean ok;

  ok = techo_oauth_sign_in_sync (oauth, techo_test_sandbox_get_issuer (sandbox), NULL, scopes,
                                 open_in_test_browser, &browser, 20, NULL, error);
  if (browser.thread != NULL)
    g_thread_join (browser.thread);
  g_free (browser.uri);
  if (browser.error != NULL)
    {
      g_test_message ("browser: %s", browser.error->message);
      g_clear_error (&browser.error);
    }
  return ok;
}

TestClient *
test_client_new_unsigned (void)
{
  TestClient *client = g_new0 (TestClient, 1);
  g_autoptr(GError) error = NULL;

  client->data_dir = g_dir_make_tmp ("techo-portal-XXXXXX", &error);
  g_assert_no_error (error);
  client->store = techo_store_new (client->data_dir);
  techo_store_open_sync (client->store, NULL, NULL, &error);
  g_assert_no_error (error);
  client->oauth = techo_oauth_new (techo_store_get_vault (client->store));
  return client;
}

void
test_client_fast_limits (TestClient *client,
                         guint       max_attempts)
{
  TechoPortalLimits limits;

  techo_portal_limits_init_default (&limits);
  limits.max_attempts = max_attempts;
  limits.backoff_base_ms = 5;
  limits.backoff_cap_ms = 200;
  limits.max_wait_seconds = 20;
  limits.io_timeout_seconds = 5;
  limits.deadline_seconds = 10;
  techo_portal_client_set_limits (client->client, &limits);
}

TestClient *
test_client_new (TechoTestSandbox   *sandbox,
                 const char         *citizen,
                 const char * const *grant)
{
  TestClient *client = test_client_new_unsigned ();
  g_autoptr(GError) error = NULL;

  test_sign_in (client->oauth, sandbox, citizen, grant, &error);
  g_assert_no_error (error);
  client->client = techo_portal_client_new (client->oauth, NULL);
  test_client_fast_limits (client, 8);
  client->profile_id = techo_sync_prepare_profile (client->store, client->oauth, client->client,
                                                   &client->granted, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (client->profile_id, >, 0);
  return client;
}

void
test_client_free (TestClient *client)
{
  if (client == NULL)
    return;
  if (client->store != NULL)
    {
      techo_vault_clear_all (techo_store_get_vault (client->store), NULL, NULL);
      techo_store_close_sync (client->store, NULL, NULL);
    }
  g_clear_object (&client->client);
  g_clear_object (&client->oauth);
  g_clear_object (&client->store);
  if (client->data_dir != NULL)
    techo_test_remove_tree (client->data_dir);
  g_free (client->data_dir);
  g_free (client);
}

gboolean
test_client_sync (TestClient  *client,
                  guint        categories,
                  GError     **error)
{
  g_autoptr(TechoSync) sync = techo_sync_new (client->store, client->client, client->profile_id);

  techo_sync_set_today_month (sync, TEST_TODAY_MONTH);
  return techo_sync_run_sync (sync, categories, NULL, NULL, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
add_records (GPtrArray     *lines,
             TechoCategory  category,
             GPtrArray     *records)
{
  for (guint i = 0; records != NULL && i < records->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      techo_record_to_json (category, g_ptr_array_index (records, i), builder);
      g_ptr_array_add (lines, techo_json_builder_to_string (builder));
    }
}

char *
test_store_snapshot (TechoStore *store,
                     gint64      profile_id)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GPtrArray) dispensings = NULL;
  g_autoptr(GPtrArray) screenings = NULL;
  g_autoptr(GError) error = NULL;
  GString *text = g_string_new (NULL);

  checkups = techo_store_list_checkups_sync (store, profile_id, 0, NULL, &error);
  g_assert_no_error (error);
  dispensings = techo_store_list_dispensings_sync (store, profile_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  screenings = techo_store_list_screenings_sync (store, profile_id, NULL, NULL, &error);
  g_assert_no_error (error);
  add_records (lines, TECHO_CATEGORY_CHECKUP, checkups);
  add_records (lines, TECHO_CATEGORY_MEDICATION, dispensings);
  add_records (lines, TECHO_CATEGORY_SCREENING, screenings);
  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    {
      g_string_append (text, g_ptr_array_index (lines, i));
      g_string_append_c (text, '\n');
    }
  for (guint c = 0; c < TECHO_STORE_N_COUNTS; c++)
    g_string_append_printf (text, "%s=%" G_GINT64_FORMAT "\n",
                            techo_store_count_to_string ((TechoStoreCount) c),
                            techo_store_count_sync (store, profile_id, (TechoStoreCount) c, NULL, NULL));
  return g_string_free (text, FALSE);
}

static JsonObject *
bare_call (SoupSession *session,
           const char  *method,
           const char  *url,
           const char  *token,
           const char  *body,
           guint       *out_status)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization",
                                authorization);
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  *out_status = soup_message_get_status (message);
  return techo_json_parse_object_bounded (g_bytes_get_data (answer, NULL),
                                          g_bytes_get_size (answer), NULL, NULL);
}

gint64
test_sandbox_count (TechoTestSandbox *sandbox,
                    TestClient       *client,
                    TechoCategory     category,
                    gint64           *out_items,
                    char            **out_some_name)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) json_object_unref);
  g_autoptr(GHashTable) revisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(TechoSecret) token = techo_oauth_get_access_token (client->oauth, NULL, NULL);
  g_autofree char *body = g_strdup_printf ("{\"category\":\"%s\",\"from\":\"190001\",\"to\":\"%s\"}",
                                           techo_category_to_string (category), TEST_TODAY_MONTH);
  g_autofree char *base = g_strdup (techo_test_sandbox_get_issuer (sandbox));
  g_autofree char *url = g_strconcat (base, "/api/v1/requests", NULL);
  g_autofree char *process_id = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(JsonObject) started = NULL;
  GHashTableIter iter;
  gpointer value;
  gint64 count = 0, items = 0;
  guint status = 0;

  g_assert_nonnull (token);
  started = bare_call (session, "POST", url, token, body, &status);
  g_assert_cmpuint (status, ==, 202);
  process_id = g_strdup (techo_json_get_string (started, "process_id"));
  for (guint polls = 0;; polls++)
    {
      g_autofree char *poll_url = g_strdup_printf ("%s/%s", url, process_id);
      g_autoptr(JsonObject) polled = bare_call (session, "GET", poll_url, token, NULL, &status);

      if (g_strcmp0 (techo_json_get_string (polled, "status"), "SUCCESS") == 0)
        break;
      g_assert_cmpstr (techo_json_get_string (polled, "status"), ==, "PENDING");
      g_assert_cmpuint (polls, <, 100);
      g_usleep (100 * 1000);
    }
  for (;;)
    {
      g_autofree char *page_url = cursor == NULL
        ? g_strdup_printf ("%s/%s/result?limit=1000", url, process_id)
        : g_strdup_printf ("%s/%s/result?limit=1000&cursor=%s", url, process_id, cursor);
      g_autoptr(JsonObject) page = bare_call (session, "GET", page_url, token, NULL, &status);
      JsonArray *records;

      g_assert_cmpuint (status, ==, 200);
      records = techo_json_get_array (page, "records");
      g_assert_nonnull (records);
      for (guint i = 0; i < json_array_get_length (records); i++)
        {
          JsonObject *record = json_array_get_object_element (records, i);
          const char *id = techo_json_get_string (record, "id");
          gint64 revision = 0;

          techo_json_get_int64 (record, "revision", &revision);
          if (revision >= GPOINTER_TO_INT (g_hash_table_lookup (revisions, id)))
            {
              g_hash_table_insert (revisions, g_strdup (id), GINT_TO_POINTER ((int) revision));
              g_hash_table_insert (best, g_strdup (id), json_object_ref (record));
            }
        }
      g_clear_pointer (&cursor, g_free);
      cursor = g_strdup (techo_json_get_string (page, "next_cursor"));
      if (cursor == NULL)
        break;
    }

  g_hash_table_iter_init (&iter, best);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JsonObject *record = value;
      gboolean withdrawn = FALSE;
      JsonArray *record_items;

      techo_json_get_boolean (record, "withdrawn", &withdrawn);
      if (withdrawn)
        continue;
      count++;
      record_items = techo_json_get_array (record, "items");
      if (record_items != NULL)
        items += json_array_get_length (record_items);
      if (out_some_name != NULL && *out_some_name == NULL &&
          techo_json_get_string (record, "drug_name") != NULL)
        *out_some_name = g_strdup (techo_json_get_string (record, "drug_name"));
    }
  if (out_items != NULL)
    *out_items = items;
  return count;
}

void
test_sandbox_set_faults (TechoTestSandbox *sandbox,
                         const char       *json)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), "/admin/faults", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  soup_message_set_request_body_from_bytes (message, "application/json", bytes);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (soup_message_get_status (message) != 200)
    g_test_message ("admin answered %u: %.*s", soup_message_get_status (message),
                    (int) g_bytes_get_size (answer), (const char *) g_bytes_get_data (answer, NULL));
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
}

gboolean
test_dir_contains (const char *dir,
                   const char *needle)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return FALSE;
  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) ? test_dir_contains (path, needle)
                                                 : techo_test_file_contains (path, needle))
        return TRUE;
    }
  return FALSE;
}

void
test_sandbox_reset_faults (TechoTestSandbox *sandbox)
{
  test_sandbox_set_faults (sandbox, "{\"latency_ms\":0,\"error_rate\":0,\"throttle_rate\":0,"
                                    "\"maintenance_seconds\":0,\"truncate_rate\":0,"
                                    "\"malformed_rate\":0,\"drip_ms\":0,\"never_finish\":false,"
                                    "\"expire_results\":false,\"fail_request\":0,"
                                    "\"reset_count\":true}");
}

guint
test_sandbox_request_count (TechoTestSandbox *sandbox)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strconcat (techo_test_sandbox_get_issuer (sandbox), "/admin/faults", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, message, NULL, NULL);
  g_autoptr(JsonObject) object = NULL;
  gint64 count = -1;

  g_assert_nonnull (body);
  object = techo_json_parse_object_bounded (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                            NULL, NULL);
  g_assert_true (techo_json_get_int64 (object, "request_count", &count));
  return (guint) count;
}
