/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli demo-login: signs in to a running techo-sandbox by filling in
 * its sign-in and consent forms with libsoup, as a user's browser would.
 * For demos and tests; it refuses any issuer that is not on loopback. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-oauth.h"
#include "techo-store.h"

#define DEMO_TIMEOUT 60
#define MAX_PAGE (256 * 1024)

typedef struct
{
  char *citizen;
  char *pin;
  GThread *thread;
  char *uri;
  GCancellable *cancellable; /* cancels the sign-in when the driver fails */
  GError *error;
} Driver;

/* Every value of inputs named @name, in page order. */
static GPtrArray *
find_input_values (const char *html,
                   const char *name)
{
  GPtrArray *values = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *needle = g_strdup_printf ("name=\"%s\"", name);
  const char *at = html;

  while ((at = strstr (at, needle)) != NULL)
    {
      const char *tag_start = at;
      const char *tag_end = strchr (at, '>');
      const char *value;

      while (tag_start > html && *tag_start != '<')
        tag_start--;
      if (tag_end == NULL)
        break;
      value = g_strstr_len (tag_start, tag_end - tag_start, "value=\"");
      if (value != NULL)
        {
          const char *end;

          value += strlen ("value=\"");
          end = strchr (value, '"');
          if (end != NULL && end < tag_end)
            g_ptr_array_add (values, g_strndup (value, end - value));
        }
      at = tag_end;
    }
  return values;
}

/* The value of the first `name="NAME" value="…"` (in either order of the
 * two attributes) in @html, or NULL. */
static char *
find_input_value (const char *html,
                  const char *name)
{
  g_autoptr(GPtrArray) values = find_input_values (html, name);

  return values->len > 0 ? g_strdup (g_ptr_array_index (values, 0)) : NULL;
}

static void
append_field (GString    *form,
              const char *name,
              const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (form->len > 0)
    g_string_append_c (form, '&');
  g_string_append_printf (form, "%s=%s", name, escaped);
}

/* One request; follows no redirect. Returns the page (or NULL) and the
 * Location of a 3xx in @out_location. */
static char *
fetch (SoupSession  *session,
       const char   *method,
       const char   *url,
       GString      *form,
       guint        *out_status,
       char        **out_location,
       GError      **error)
{
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) body = NULL;
  gsize size;

  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "bad address %s", url);
      return NULL;
    }
  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  if (form != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (form->str, form->len);

      soup_message_set_request_body_from_bytes (message, "application/x-www-form-urlencoded", bytes);
    }
  body = soup_session_send_and_read (session, message, NULL, error);
  if (body == NULL)
    return NULL;
  *out_status = soup_message_get_status (message);
  *out_location = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                          "Location"));
  size = g_bytes_get_size (body);
  if (size > MAX_PAGE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the sandbox's page is too large");
      return NULL;
    }
  /* An empty body may have no data pointer at all. */
  return size > 0 ? g_strndup (g_bytes_get_data (body, NULL), size) : g_strdup ("");
}

static char *
resolve (const char *base,
         const char *reference)
{
  return g_uri_resolve_relative (base, reference, G_URI_FLAGS_NONE, NULL);
}

static gboolean
drive_forms (Driver  *driver,
             GError **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *page = NULL;
  g_autofree char *location = NULL;
  g_autofree char *transaction = NULL;
  g_autofree char *url = g_strdup (driver->uri);
  g_autoptr(GString) form = g_string_new (NULL);
  g_autoptr(GPtrArray) scopes = NULL;
  guint status = 0;

  page = fetch (session, "GET", url, NULL, &status, &location, error);
  if (page == NULL)
    return FALSE;
  if (status != 200)
    goto unexpected;
  transaction = find_input_value (page, "transaction");
  if (transaction == NULL)
    goto unexpected;
  append_field (form, "transaction", transaction);
  append_field (form, "citizen", driver->citizen);
  append_field (form, "pin", driver->pin);
  g_free (url);
  url = resolve (driver->uri, "/authorize/pin");
  g_clear_pointer (&page, g_free);
  g_clear_pointer (&location, g_free);
  page = fetch (session, "POST", url, form, &status, &location, error);
  if (page == NULL)
    return FALSE;
  if (status >= 300 && status < 400 && location != NULL)
    {
      /* A consent page reached through a redirect. */
      g_autofree char *next = resolve (url, location);

      g_clear_pointer (&page, g_free);
      g_clear_pointer (&location, g_free);
      page = fetch (session, "GET", next, NULL, &status, &location, error);
      if (page == NULL)
        return FALSE;
    }
  if (status != 200)
    goto unexpected;

  g_clear_pointer (&transaction, g_free);
  transaction = find_input_value (page, "transaction");
  if (transaction == NULL)
    goto unexpected;
  scopes = find_input_values (page, "scope");
  g_string_truncate (form, 0);
  append_field (form, "transaction", transaction);
  for (guint i = 0; i < scopes->len; i++)
    append_field (form, "scope", g_ptr_array_index (scopes, i));
  append_field (form, "decision", "allow");
  g_free (url);
  url = resolve (driver->uri, "/authorize/consent");
  g_clear_pointer (&page, g_free);
  g_clear_pointer (&location, g_free);
  page = fetch (session, "POST", url, form, &status, &location, error);
  if (page == NULL)
    return FALSE;
  if (status < 300 || status >= 400 || location == NULL)
    goto unexpected;

  /* The final redirect goes to our own loopback listener. */
  {
    g_autofree char *redirect_page = NULL;
    g_autofree char *redirect_location = NULL;

    redirect_page = fetch (session, "GET", location, NULL, &status, &redirect_location, error);
    return redirect_page != NULL;
  }

unexpected:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "the sandbox answered HTTP %u where a sign-in step was expected "
               "(wrong citizen or PIN, or a locked card?)", status);
  return FALSE;
}

static gpointer
driver_thread (gpointer user_data)
{
  Driver *driver = user_data;

  if (!drive_forms (driver, &driver->error))
    g_cancellable_cancel (driver->cancellable);
  return NULL;
}

static gboolean
start_driver (const char  *uri,
              gpointer     user_data,
              GError     **error)
{
  Driver *driver = user_data;

  driver->uri = g_strdup (uri);
  driver->thread = g_thread_new ("demo-login", driver_thread, driver);
  return TRUE;
}

int
techo_cli_demo_login (TechoCliContext *context,
                      int              argc,
                      char           **argv)
{
  g_autofree char *issuer = NULL;
  g_autofree char *citizen = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *scope = NULL;
  const GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_STRING, &issuer,
      "The sandbox's address, as it printed it (loopback only)", "URL" },
    { "citizen", 0, 0, G_OPTION_ARG_STRING, &citizen,
      "A demo citizen: yamada, sato, suzuki or bulk", "ID" },
    { "pin", 0, 0, G_OPTION_ARG_STRING, &pin, "The card PIN (default 1234)", "PIN" },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
      "What to ask for (default: “checkup medication screening profile”)", "SCOPES" },
    { NULL }
  };
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoOAuth) oauth = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  Driver driver = { 0 };
  gboolean ok;

  if (!techo_cli_parse_options (context, "demo-login", NULL,
                                "Sign in to a running techo-sandbox as one of its demo citizens "
                                "(yamada, sato, suzuki, bulk; PIN 1234) by filling in its forms. "
                                "For demos and tests: only loopback addresses are accepted.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1 || issuer == NULL || citizen == NULL)
    {
      techo_cli_printerr ("demo-login needs --issuer URL and --citizen ID "
                          "(try “techo-cli demo-login --help”)");
      return TECHO_EXIT_USAGE;
    }
  uri = g_uri_parse (issuer, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || !techo_http_uri_is_loopback (uri))
    {
      techo_cli_printerr ("demo-login only signs in to a sandbox on this computer "
                          "(127.0.0.1, ::1 or localhost), not to “%s”", issuer);
      return TECHO_EXIT_USAGE;
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  oauth = techo_oauth_new (techo_store_get_vault (store));
  driver.citizen = citizen;
  driver.pin = pin != NULL ? pin : "1234";
  driver.cancellable = g_cancellable_new ();
  ok = techo_oauth_sign_in_sync (oauth, issuer, NULL, scope, start_driver, &driver,
                                 DEMO_TIMEOUT, driver.cancellable, &error);
  if (driver.thread != NULL)
    g_thread_join (driver.thread);
  g_object_unref (driver.cancellable);
  g_free (driver.uri);
  if (!ok)
    {
      if (driver.error != NULL)
        {
          g_clear_error (&error);
          g_set_error (&error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_FAILED,
                       "The demo sign-in failed: %s", driver.error->message);
          g_clear_error (&driver.error);
        }
      goto failed;
    }
  g_clear_error (&driver.error);
  if (!techo_cli_finish_sign_in (store, oauth, &error))
    goto failed;
  return TECHO_EXIT_OK;

failed:
  return techo_cli_fail (error);
}
