/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-http"

#include "config.h"

#include <string.h>

#include "techo-http.h"
#include "techo-secure.h"
#include "techo-thread.h"

G_DEFINE_QUARK (techo-portal-error-quark, techo_portal_error)

#define READ_CHUNK 65536

void
techo_http_response_free (TechoHttpResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->body, g_bytes_unref);
  g_free (response->content_type);
  g_free (response->location);
  g_free (response->www_authenticate);
  g_free (response);
}

SoupSession *
techo_http_session_new (guint timeout_seconds)
{
  SoupSession *session = soup_session_new_with_options ("timeout", timeout_seconds,
                                                        "idle-timeout", 60,
                                                        "user-agent", "Techo/" PACKAGE_VERSION,
                                                        NULL);

  return session;
}

static gint64
parse_retry_after (const char *value)
{
  gint64 seconds;
  char *end = NULL;

  if (value == NULL)
    return -1;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0' && seconds >= 0)
    return MIN (seconds, 3600);

  /* An HTTP date: how far from now. */
  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (when == NULL)
      return -1;
    seconds = g_date_time_difference (when, now) / G_TIME_SPAN_SECOND;
    return CLAMP (seconds, 0, 3600);
  }
}

static void
map_transport_error (GError      *source,
                     const char  *what,
                     GError     **error)
{
  if (g_error_matches (source, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (source));
  else if (g_error_matches (source, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT,
                 "The portal did not answer %s in time.", what);
  else if (source->domain == G_TLS_ERROR)
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_INSECURE,
                 "The portal's certificate could not be trusted during %s (%s).",
                 what, source->message);
  else if (g_error_matches (source, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_REFUSED,
                 "The portal refused the connection for %s: %s", what, source->message);
  else
    g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NETWORK,
                 "Could not reach the portal for %s: %s", what, source->message);
}

static TechoHttpResponse *
send_and_read (SoupSession   *session,
               SoupMessage   *message,
               gsize          max_body,
               const char    *what,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(TechoHttpResponse) response = g_new0 (TechoHttpResponse, 1);
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GByteArray) body = NULL;
  SoupMessageHeaders *headers;
  goffset content_length;
  const char *content_type;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  stream = soup_session_send (session, message, cancellable, &local_error);
  if (stream == NULL)
    {
      map_transport_error (local_error, what, error);
      return NULL;
    }

  response->status = soup_message_get_status (message);
  headers = soup_message_get_response_headers (message);
  content_length = soup_message_headers_get_content_length (headers);
  if (content_length > 0 && (guint64) content_length > max_body)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TOO_LARGE,
                   "The portal's answer to %s is larger than Techo accepts "
                   "(%" G_GINT64_FORMAT " bytes, limit %" G_GSIZE_FORMAT ").",
                   what, (gint64) content_length, max_body);
      return NULL;
    }

  body = g_byte_array_new ();
  for (;;)
    {
      guint8 chunk[READ_CHUNK];
      gssize got;

      got = g_input_stream_read (stream, chunk, sizeof chunk, cancellable, &local_error);
      if (got < 0)
        {
          map_transport_error (local_error, what, error);
          return NULL;
        }
      if (got == 0)
        break;
      if (body->len + (gsize) got > max_body)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TOO_LARGE,
                       "The portal's answer to %s is larger than Techo accepts "
                       "(limit %" G_GSIZE_FORMAT " bytes).", what, max_body);
          return NULL;
        }
      g_byte_array_append (body, chunk, got);
    }
  g_input_stream_close (stream, NULL, NULL);

  if (content_length > 0 && (guint64) content_length != body->len)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "The portal's answer to %s was cut short.", what);
      return NULL;
    }

  response->body = g_byte_array_free_to_bytes (g_steal_pointer (&body));
  content_type = soup_message_headers_get_content_type (headers, NULL);
  response->content_type = g_strdup (content_type);
  response->retry_after = parse_retry_after (soup_message_headers_get_one (headers, "Retry-After"));
  response->location = g_strdup (soup_message_headers_get_one (headers, "Location"));
  response->www_authenticate = g_strdup (soup_message_headers_get_one (headers, "WWW-Authenticate"));
  return g_steal_pointer (&response);
}

/* The whole exchange runs under a TechoDeadline, so that neither a status
 * line and headers dripped a byte at a time nor a body that never ends is
 * waited for longer (the I/O timeout restarts with every byte). */
TechoHttpResponse *
techo_http_send (SoupSession   *session,
                 SoupMessage   *message,
                 gsize          max_body,
                 guint          deadline_seconds,
                 const char    *what,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(TechoDeadline) deadline = NULL;
  g_autoptr(GError) local_error = NULL;
  TechoHttpResponse *response;

  if (deadline_seconds == 0)
    return send_and_read (session, message, max_body, what, cancellable, error);

  deadline = techo_deadline_new (cancellable, deadline_seconds);
  response = send_and_read (session, message, max_body, what,
                            techo_deadline_get_cancellable (deadline), &local_error);
  /* An answer read in full stands, even if the time ran out just after. */
  if (response == NULL && techo_deadline_expired (deadline) &&
      !g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&local_error);
      g_set_error (&local_error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT,
                   "The portal did not finish its answer to %s within %u seconds; Techo gave up "
                   "waiting. Please try again later.", what, deadline_seconds);
    }
  if (response == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return response;
}

gboolean
techo_http_sleep (guint          milliseconds,
                  GCancellable  *cancellable,
                  GError       **error)
{
  gint64 end = g_get_monotonic_time () + (gint64) milliseconds * 1000;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (now >= end)
        return TRUE;
      g_usleep (MIN (end - now, 20000));
    }
}

gboolean
techo_http_uri_is_loopback (GUri *uri)
{
  const char *host = g_uri_get_host (uri);

  if (host == NULL)
    return FALSE;
  return g_str_equal (host, "127.0.0.1") || g_str_equal (host, "::1") ||
         g_str_equal (host, "[::1]") || g_ascii_strcasecmp (host, "localhost") == 0;
}

gboolean
techo_http_check_secure_url (const char  *url,
                             GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "“%s” is not a web address Techo can use.", url);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "https") == 0)
    return TRUE;
  if (g_ascii_strcasecmp (scheme, "http") == 0 && techo_http_uri_is_loopback (uri))
    return TRUE;
  g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_INSECURE,
               "Techo only talks to a portal over https (plain http is allowed "
               "for this computer's own loopback address only): “%s”.", url);
  return FALSE;
}

char *
techo_http_printable (const char *text,
                      gsize       max_chars)
{
  GString *out = g_string_new (NULL);
  const char *p = text;
  gsize n = 0;

  if (text == NULL)
    return g_string_free (out, FALSE);
  while (*p != '\0')
    {
      gunichar c = g_utf8_get_char_validated (p, -1);

      if (n == max_chars)
        {
          g_string_append (out, "…");
          break;
        }
      n++;
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* An invalid byte: skip it alone. */
          g_string_append_c (out, '?');
          p++;
          continue;
        }
      if (g_unichar_iscntrl (c) || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) ||
          c == 0x200E || c == 0x200F || c == 0x061C)
        g_string_append_c (out, '?');
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

guint32
techo_http_jitter (guint32 bound)
{
  guint32 value = 0;

  if (bound == 0)
    return 0;
  if (!techo_random_bytes ((guint8 *) &value, sizeof value, NULL))
    return 0;
  return value % bound;
}
