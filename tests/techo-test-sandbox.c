/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-test-sandbox"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-test-sandbox.h"

struct _TechoTestSandbox
{
  GSubprocess *process;
  GDataInputStream *stdout_stream;
  char *issuer;
  guint16 port;
};

typedef struct
{
  char *line;
  GError *error;
  gboolean done;
} LineRead;

static void
child_setup (gpointer user_data)
{
  /* A sandbox must not outlive a test that crashed. */
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
read_line_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  LineRead *read = user_data;

  read->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source),
                                                          result, NULL, &read->error);
  read->done = TRUE;
}

static gboolean
timeout_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Reads one line of the child's stdout, giving up after @seconds. */
static char *
read_line_with_timeout (GDataInputStream  *stream,
                        guint              seconds,
                        GError           **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GSource) timeout = g_timeout_source_new_seconds (seconds);
  LineRead read = { NULL, NULL, FALSE };

  g_main_context_push_thread_default (context);
  g_source_set_callback (timeout, timeout_cb, cancellable, NULL);
  g_source_attach (timeout, context);
  g_data_input_stream_read_line_async (stream, G_PRIORITY_DEFAULT, cancellable,
                                       read_line_cb, &read);
  while (!read.done)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_main_context_pop_thread_default (context);

  if (read.error != NULL)
    {
      g_propagate_error (error, read.error);
      return NULL;
    }
  if (read.line == NULL)
    g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED,
                         "techo-sandbox exited before printing its issuer");
  return read.line;
}

TechoTestSandbox *
techo_test_sandbox_start (const char * const  *extra_args,
                          GError             **error)
{
  return techo_test_sandbox_start_full (extra_args, NULL, error);
}

TechoTestSandbox *
techo_test_sandbox_start_full (const char * const  *extra_args,
                               const char          *stderr_path,
                               GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *binary = NULL;
  const char *build_root = g_getenv ("TECHO_BUILD_ROOT");
  TechoTestSandbox *sandbox;

  if (build_root == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "TECHO_BUILD_ROOT is not set (run the test through meson)");
      return NULL;
    }
  binary = g_build_filename (build_root, "src", "sandbox", "techo-sandbox", NULL);

  g_ptr_array_add (argv, g_strdup (binary));
  g_ptr_array_add (argv, g_strdup ("--port=0"));
  g_ptr_array_add (argv, g_strdup ("--seed=1"));
  g_ptr_array_add (argv, g_strdup ("--today=2026-11-25"));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  if (stderr_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);

  sandbox = g_new0 (TechoTestSandbox, 1);
  sandbox->process = g_subprocess_launcher_spawnv (launcher,
                                                   (const char * const *) argv->pdata,
                                                   error);
  if (sandbox->process == NULL)
    {
      g_free (sandbox);
      return NULL;
    }
  sandbox->stdout_stream =
    g_data_input_stream_new (g_subprocess_get_stdout_pipe (sandbox->process));

  for (guint lines = 0; lines < 16 && sandbox->issuer == NULL; lines++)
    {
      g_autofree char *line = read_line_with_timeout (sandbox->stdout_stream, 30, error);

      if (line == NULL)
        {
          techo_test_sandbox_stop (sandbox);
          return NULL;
        }
      if (g_str_has_prefix (line, "issuer="))
        sandbox->issuer = g_strdup (line + strlen ("issuer="));
    }
  if (sandbox->issuer == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "techo-sandbox printed no issuer= line");
      techo_test_sandbox_stop (sandbox);
      return NULL;
    }
  {
    const char *colon = strrchr (sandbox->issuer, ':');

    sandbox->port = colon != NULL ? (guint16) g_ascii_strtoull (colon + 1, NULL, 10) : 0;
  }
  return sandbox;
}

TechoTestSandbox *
techo_test_sandbox_new (const char *first_arg,
                        ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  TechoTestSandbox *sandbox;
  va_list ap;

  va_start (ap, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  sandbox = techo_test_sandbox_start ((const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_assert_nonnull (sandbox);
  return sandbox;
}

const char *
techo_test_sandbox_get_issuer (TechoTestSandbox *sandbox)
{
  return sandbox->issuer;
}

guint16
techo_test_sandbox_get_port (TechoTestSandbox *sandbox)
{
  return sandbox->port;
}

GSubprocess *
techo_test_sandbox_get_process (TechoTestSandbox *sandbox)
{
  return sandbox->process;
}

void
techo_test_sandbox_stop (TechoTestSandbox *sandbox)
{
  if (sandbox == NULL)
    return;
  if (sandbox->process != NULL)
    {
      g_subprocess_send_signal (sandbox->process, SIGTERM);
      for (guint i = 0; i < 500 && g_subprocess_get_identifier (sandbox->process) != NULL; i++)
        {
          /* The identifier goes NULL once the child is reaped. */
          g_main_context_iteration (NULL, FALSE);
          g_usleep (10 * 1000);
        }
      if (g_subprocess_get_identifier (sandbox->process) != NULL)
        g_subprocess_force_exit (sandbox->process);
      g_subprocess_wait (sandbox->process, NULL, NULL);
    }
  g_clear_object (&sandbox->stdout_stream);
  g_clear_object (&sandbox->process);
  g_free (sandbox->issuer);
  g_free (sandbox);
}

char *
techo_test_sandbox_query_param (const char *url,
                                const char *name)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_autoptr(GHashTable) params = NULL;
  const char *query;

  if (uri == NULL || (query = g_uri_get_query (uri)) == NULL)
    return NULL;
  params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  if (params == NULL)
    return NULL;
  return g_strdup (g_hash_table_lookup (params, name));
}

char *
techo_test_sandbox_find_transaction (const char *html)
{
  const char *marker = "name=\"transaction\" value=\"";
  const char *start;
  const char *end;

  if (html == NULL || (start = strstr (html, marker)) == NULL)
    return NULL;
  start += strlen (marker);
  end = strchr (start, '"');
  if (end == NULL)
    return NULL;
  return g_strndup (start, end - start);
}

static void
append_param (GString    *form,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append_printf (form, "%s=%s", name, escaped);
}

/* One request without following redirects. Returns the body as text. */
static char *
exchange (SoupSession  *session,
          const char   *method,
          const char   *url,
          const char   *form,
          guint        *out_status,
          char        **out_location,
          GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  const char *location;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Bad URL %s", url);
      return NULL;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form, strlen (form));

      soup_message_set_request_body_from_bytes (message,
                                                "application/x-www-form-urlencoded",
                                                bytes);
    }
  body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  *out_status = soup_message_get_status (message);
  location = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                           "Location");
  *out_location = g_strdup (location);
  if (g_bytes_get_size (body) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
}

static char *
page_error (GError     **error,
            const char  *step,
            guint        status,
            const char  *html)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s answered %u: %.400s",
               step, status, html != NULL ? html : "");
  return NULL;
}

char *
techo_test_sandbox_browse (const char          *authorize_url,
                           const char          *citizen,
                           const char          *pin,
                           const char * const  *grant,
                           gboolean             allow,
                           GError             **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *html = NULL;
  g_autofree char *location = NULL;
  g_autofree char *transaction = NULL;
  g_autofree char *pin_url = NULL;
  g_autofree char *consent_url = NULL;
  g_autoptr(GString) form = g_string_new (NULL);
  guint status = 0;

  html = exchange (session, "GET", authorize_url, NULL, &status, &location, error);
  if (html == NULL)
    return NULL;
  if (status == 302 && location != NULL)
    return g_steal_pointer (&location);
  transaction = techo_test_sandbox_find_transaction (html);
  if (status != 200 || transaction == NULL)
    return page_error (error, "The authorization page", status, html);

  pin_url = g_uri_resolve_relative (authorize_url, "/authorize/pin", G_URI_FLAGS_NONE, error);
  consent_url = g_uri_resolve_relative (authorize_url, "/authorize/consent",
                                        G_URI_FLAGS_NONE, error);
  if (pin_url == NULL || consent_url == NULL)
    return NULL;

  append_param (form, "transaction", transaction);
  append_param (form, "citizen", citizen);
  append_param (form, "pin", pin);
  g_clear_pointer (&html, g_free);
  g_clear_pointer (&location, g_free);
  html = exchange (session, "POST", pin_url, form->str, &status, &location, error);
  if (html == NULL)
    return NULL;
  if (status == 302 && location != NULL)
    return g_steal_pointer (&location);
  if (status != 200 || strstr (html, "action=\"/authorize/consent\"") == NULL)
    return page_error (error, "The sign-in page", status, html);

  g_clear_pointer (&transaction, g_free);
  transaction = techo_test_sandbox_find_transaction (html);
  g_string_truncate (form, 0);
  append_param (form, "transaction", transaction != NULL ? transaction : "");
  if (grant != NULL)
    {
      for (guint i = 0; grant[i] != NULL; i++)
        append_param (form, "scope", grant[i]);
    }
  else
    {
      /* Tick every box the page offers. */
      const char *marker = "name=\"scope\" value=\"";
      const char *p = html;

      while ((p = strstr (p, marker)) != NULL)
        {
          const char *end;
          g_autofree char *scope = NULL;

          p += strlen (marker);
          end = strchr (p, '"');
          if (end == NULL)
            break;
          scope = g_strndup (p, end - p);
          append_param (form, "scope", scope);
          p = end;
        }
    }
  append_param (form, "decision", allow ? "allow" : "deny");
  g_clear_pointer (&html, g_free);
  g_clear_pointer (&location, g_free);
  html = exchange (session, "POST", consent_url, form->str, &status, &location, error);
  if (html == NULL)
    return NULL;
  if (status == 302 && location != NULL)
    return g_steal_pointer (&location);
  return page_error (error, "The consent page", status, html);
}

char *
techo_test_sandbox_http (const char           *method,
                         const char           *url,
                         const char           *bearer,
                         const char           *content_type,
                         const char           *body,
                         guint                *out_status,
                         SoupMessageHeaders  **out_headers,
                         GError              **error)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) response = NULL;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Bad URL %s", url);
      return NULL;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (bearer != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", bearer, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", value);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, content_type, bytes);
    }
  response = soup_session_send_and_read (session, message, NULL, error);
  if (response == NULL)
    return NULL;
  if (out_status != NULL)
    *out_status = soup_message_get_status (message);
  if (out_headers != NULL)
    *out_headers = soup_message_headers_ref (soup_message_get_response_headers (message));
  if (g_bytes_get_size (response) == 0)
    return g_strdup ("");
  return g_strndup (g_bytes_get_data (response, NULL), g_bytes_get_size (response));
}

void
techo_test_sandbox_pkce (char **out_verifier,
                         char **out_challenge)
{
  guint8 random[32];
  guint8 digest[32];
  gsize digest_length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *verifier = NULL;

  g_autoptr(GFile) file = g_file_new_for_path ("/dev/urandom");
  g_autoptr(GFileInputStream) stream = g_file_read (file, NULL, NULL);
  gsize got = 0;

  g_assert_nonnull (stream);
  g_assert_true (g_input_stream_read_all (G_INPUT_STREAM (stream), random, sizeof random,
                                          &got, NULL, NULL));
  g_assert_cmpuint (got, ==, sizeof random);
  verifier = g_base64_encode (random, sizeof random);
  g_strdelimit (verifier, "+", '-');
  g_strdelimit (verifier, "/", '_');
  verifier[43] = '\0';
  g_checksum_update (checksum, (const guchar *) verifier, strlen (verifier));
  g_checksum_get_digest (checksum, digest, &digest_length);
  *out_challenge = g_base64_encode (digest, digest_length);
  g_strdelimit (*out_challenge, "+", '-');
  g_strdelimit (*out_challenge, "/", '_');
  (*out_challenge)[43] = '\0';
  *out_verifier = g_steal_pointer (&verifier);
}

char *
techo_test_sandbox_authorize_url (TechoTestSandbox *sandbox,
                                  const char       *redirect_uri,
                                  const char       *scope,
                                  const char       *state,
                                  const char       *challenge,
                                  const char       *method)
{
  GString *url = g_string_new (sandbox->issuer);
  g_autoptr(GString) form = g_string_new (NULL);

  append_param (form, "response_type", "code");
  append_param (form, "client_id", "techo-desktop");
  append_param (form, "redirect_uri", redirect_uri != NULL ? redirect_uri
                                                           : "http://127.0.0.1:1/callback");
  if (scope != NULL)
    append_param (form, "scope", scope);
  if (state != NULL)
    append_param (form, "state", state);
  if (challenge != NULL)
    append_param (form, "code_challenge", challenge);
  if (method != NULL)
    append_param (form, "code_challenge_method", method);
  g_string_append_printf (url, "/authorize?%s", form->str);
  return g_string_free (url, FALSE);
}

gboolean
techo_test_sandbox_sign_in (TechoTestSandbox     *sandbox,
                            const char           *citizen,
                            const char * const   *grant,
                            char                **out_access,
                            char                **out_refresh,
                            GError              **error)
{
  g_autofree char *verifier = NULL;
  g_autofree char *challenge = NULL;
  g_autofree char *url = NULL;
  g_autofree char *location = NULL;
  g_autofree char *code = NULL;
  g_autofree char *token_url = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  guint status = 0;

  techo_test_sandbox_pkce (&verifier, &challenge);
  url = techo_test_sandbox_authorize_url (sandbox, NULL, "checkup medication screening profile",
                                          "state-1", challenge, "S256");
  location = techo_test_sandbox_browse (url, citizen, "1234", grant, TRUE, error);
  if (location == NULL)
    return FALSE;
  code = techo_test_sandbox_query_param (location, "code");
  if (code == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "No code in %s", location);
      return FALSE;
    }
  append_param (form, "grant_type", "authorization_code");
  append_param (form, "code", code);
  append_param (form, "redirect_uri", "http://127.0.0.1:1/callback");
  append_param (form, "client_id", "techo-desktop");
  append_param (form, "code_verifier", verifier);
  token_url = g_strconcat (sandbox->issuer, "/token", NULL);
  response = techo_test_sandbox_http ("POST", token_url, NULL,
                                      "application/x-www-form-urlencoded", form->str,
                                      &status, NULL, error);
  if (response == NULL)
    return FALSE;
  if (status != 200 || !json_parser_load_from_data (parser, response, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Token exchange answered %u: %s",
                   status, response);
      return FALSE;
    }
  object = json_node_get_object (json_parser_get_root (parser));
  if (out_access != NULL)
    *out_access = g_strdup (json_object_get_string_member (object, "access_token"));
  if (out_refresh != NULL)
    *out_refresh = g_strdup (json_object_get_string_member (object, "refresh_token"));
  return TRUE;
}
