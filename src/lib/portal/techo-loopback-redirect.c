/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-oauth"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "techo-http.h"
#include "techo-loopback-redirect.h"

/* The most a redirect's query may hold: codes and states are short. */
#define MAX_QUERY_LENGTH 8192

struct _TechoLoopbackRedirect
{
  GObject parent_instance;

  SoupServer *server;
  char *uri;
  guint16 port;
  GHashTable *query;   /* set once the one redirect arrived */
  GError *query_error; /* or why it could not be read */
  gboolean answered;   /* the answer to it was sent */
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (TechoLoopbackRedirect, techo_loopback_redirect, G_TYPE_OBJECT)

static const char done_page[] =
  "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
  "<title>Techo</title></head><body>"
  "<h1>Techo</h1><p>サインインの結果を Techo に渡しました。このタブを閉じて Techo に戻ってください。</p>"
  "<p>Techo has the answer of the portal. You can close this tab and return to Techo.</p>"
  "</body></html>";

static void
message_finished_cb (SoupServerMessage     *message,
                     TechoLoopbackRedirect *self)
{
  self->answered = TRUE;
}

static GHashTable *
decode_query (const char  *query,
              GError     **error)
{
  g_autoptr(GHashTable) params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) pairs = NULL;

  if (query == NULL)
    return g_steal_pointer (&params);
  if (strlen (query) > MAX_QUERY_LENGTH)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The sign-in answer was too long to be genuine.");
      return NULL;
    }
  pairs = g_strsplit (query, "&", -1);
  for (guint i = 0; pairs[i] != NULL; i++)
    {
      char *eq = strchr (pairs[i], '=');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      if (*pairs[i] == '\0')
        continue;
      if (eq != NULL)
        *eq = '\0';
      /* Form encoding writes spaces as '+'. */
      g_strdelimit (pairs[i], "+", ' ');
      if (eq != NULL)
        g_strdelimit (eq + 1, "+", ' ');
      name = g_uri_unescape_string (pairs[i], NULL);
      value = g_uri_unescape_string (eq != NULL ? eq + 1 : "", NULL);
      if (name == NULL || value == NULL || !g_utf8_validate (value, -1, NULL))
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                       "The sign-in answer was not well formed.");
          return NULL;
        }
      if (g_hash_table_contains (params, name))
        {
          /* RFC 6749 §3.1: parameters must not be repeated. */
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                       "The sign-in answer repeated the parameter “%s”.", name);
          return NULL;
        }
      g_hash_table_insert (params, g_steal_pointer (&name), g_steal_pointer (&value));
    }
  return g_steal_pointer (&params);
}

static void
callback_cb (SoupServer        *server,
             SoupServerMessage *message,
             const char        *path,
             GHashTable        *unused_query,
             gpointer           user_data)
{
  TechoLoopbackRedirect *self = user_data;
  GUri *uri = soup_server_message_get_uri (message);

  if (self->query != NULL || self->query_error != NULL || !g_str_equal (path, "/callback") ||
      g_strcmp0 (soup_server_message_get_method (message), "GET") != 0)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }

  self->query = decode_query (g_uri_get_query (uri), &self->query_error);
  g_signal_connect_object (message, "finished", G_CALLBACK (message_finished_cb), self, 0);
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Cache-Control", "no-store");
  soup_message_headers_replace (soup_server_message_get_response_headers (message),
                                "Referrer-Policy", "no-referrer");
  soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (message, "text/html; charset=utf-8", SOUP_MEMORY_STATIC,
                                    done_page, sizeof done_page - 1);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  return G_SOURCE_REMOVE;
}

static void
techo_loopback_redirect_finalize (GObject *object)
{
  TechoLoopbackRedirect *self = (TechoLoopbackRedirect *) object;

  techo_loopback_redirect_close (self);
  g_clear_object (&self->server);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_error (&self->query_error);
  g_free (self->uri);
  G_OBJECT_CLASS (techo_loopback_redirect_parent_class)->finalize (object);
}

static void
techo_loopback_redirect_class_init (TechoLoopbackRedirectClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_loopback_redirect_finalize;
}

static void
techo_loopback_redirect_init (TechoLoopbackRedirect *self)
{
}

TechoLoopbackRedirect *
techo_loopback_redirect_new (GError **error)
{
  g_autoptr(TechoLoopbackRedirect) self = g_object_new (TECHO_TYPE_LOOPBACK_REDIRECT, NULL);
  g_autoptr(GError) local_error = NULL;
  GSList *uris;

  self->server = soup_server_new ("server-header", NULL, NULL);
  soup_server_add_handler (self->server, NULL, callback_cb, self, NULL);
  /* IPV4_ONLY with listen_local binds 127.0.0.1 and nothing else. */
  if (!soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &local_error))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_FAILED,
                   "Could not open a port on this computer to receive the sign-in: %s",
                   local_error->message);
      return NULL;
    }
  uris = soup_server_get_uris (self->server);
  g_assert (uris != NULL);
  self->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  self->uri = g_strdup_printf ("http://127.0.0.1:%u/callback", self->port);
  return g_steal_pointer (&self);
}

const char *
techo_loopback_redirect_get_uri (TechoLoopbackRedirect *self)
{
  g_return_val_if_fail (TECHO_IS_LOOPBACK_REDIRECT (self), NULL);
  return self->uri;
}

guint16
techo_loopback_redirect_get_port (TechoLoopbackRedirect *self)
{
  g_return_val_if_fail (TECHO_IS_LOOPBACK_REDIRECT (self), 0);
  return self->port;
}

void
techo_loopback_redirect_close (TechoLoopbackRedirect *self)
{
  g_return_if_fail (TECHO_IS_LOOPBACK_REDIRECT (self));
  if (self->closed || self->server == NULL)
    return;
  self->closed = TRUE;
  soup_server_disconnect (self->server);
}

GHashTable *
techo_loopback_redirect_wait (TechoLoopbackRedirect  *self,
                              guint                   timeout_seconds,
                              GCancellable           *cancellable,
                              GError                **error)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  g_autoptr(GSource) timeout_source = NULL;
  g_autoptr(GSource) cancel_source = NULL;
  gboolean timed_out = FALSE;
  GHashTable *result = NULL;

  g_return_val_if_fail (TECHO_IS_LOOPBACK_REDIRECT (self), NULL);

  if (timeout_seconds > 0)
    {
      timeout_source = g_timeout_source_new_seconds (timeout_seconds);
      g_source_set_callback (timeout_source, timeout_cb, &timed_out, NULL);
      g_source_attach (timeout_source, context);
    }
  if (cancellable != NULL)
    {
      /* Wakes the loop below when another thread cancels. */
      cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (cancel_source, G_SOURCE_FUNC (cancelled_cb), NULL, NULL);
      g_source_attach (cancel_source, context);
    }

  while (!self->closed && !timed_out && !g_cancellable_is_cancelled (cancellable) &&
         !((self->query != NULL || self->query_error != NULL) && self->answered))
    g_main_context_iteration (context, TRUE);

  if (timeout_source != NULL)
    g_source_destroy (timeout_source);
  if (cancel_source != NULL)
    g_source_destroy (cancel_source);
  techo_loopback_redirect_close (self);
  /* Let the server drop the connection it just answered. */
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_unref (context);

  if (self->query_error != NULL)
    g_propagate_error (error, g_error_copy (self->query_error));
  else if (self->query != NULL)
    result = g_hash_table_ref (self->query);
  else if (g_cancellable_set_error_if_cancelled (cancellable, error))
    ;
  else if (timed_out)
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT,
                 "No answer came back from the portal's sign-in page in time. "
                 "Please try signing in again.");
  else
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_FAILED,
                 "The sign-in was stopped before the portal answered.");
  return result;
}
