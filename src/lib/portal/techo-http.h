/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-http.h: what the OAuth client, the portal client and the sync
 * engine share: the portal error domain, one bounded HTTP exchange (the
 * body is capped before anything parses it), and waits that a
 * GCancellable interrupts. All calls here block; run them on a worker
 * thread (the _async wrappers elsewhere do). */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define TECHO_PORTAL_ERROR (techo_portal_error_quark ())

typedef enum
{
  TECHO_PORTAL_ERROR_NETWORK,       /* could not reach the portal */
  TECHO_PORTAL_ERROR_TIMEOUT,       /* the portal took too long */
  TECHO_PORTAL_ERROR_UNAVAILABLE,   /* 5xx/429 kept coming after retries */
  TECHO_PORTAL_ERROR_TOO_LARGE,     /* a body, depth or count over a limit */
  TECHO_PORTAL_ERROR_BAD_DATA,      /* malformed or truncated data */
  TECHO_PORTAL_ERROR_SIGN_IN,       /* not signed in, or must sign in again */
  TECHO_PORTAL_ERROR_CONSENT,       /* a category was not granted */
  TECHO_PORTAL_ERROR_PROTOCOL,      /* the server broke the OAuth/API rules */
  TECHO_PORTAL_ERROR_INSECURE,      /* plain http to a non-loopback host */
  TECHO_PORTAL_ERROR_DENIED,        /* the user declined at the portal */
  TECHO_PORTAL_ERROR_EXPIRED,       /* a prepared result expired: request again */
  TECHO_PORTAL_ERROR_NOT_FOUND,     /* the portal has no such thing (404/410) */
  TECHO_PORTAL_ERROR_REFUSED,       /* the portal refused the connection (down) */
  TECHO_PORTAL_ERROR_BROWSER,       /* no web browser could be opened to sign in */
  TECHO_PORTAL_ERROR_FAILED,        /* anything else */
  TECHO_PORTAL_ERROR_ID_TOKEN,      /* the OpenID identity token failed a check */
  TECHO_PORTAL_N_ERRORS /* not a code: how many codes there are */
} TechoPortalError;

GQuark techo_portal_error_quark (void);

/* The default cap of a response body: 8 MiB. */
#define TECHO_HTTP_DEFAULT_MAX_BODY (8 * 1024 * 1024)

typedef struct
{
  guint status;
  GBytes *body;            /* never NULL; empty when there was none */
  char *content_type;      /* without parameters, may be NULL */
  gint64 retry_after;      /* seconds from Retry-After, -1 if absent */
  char *location;          /* Location header, may be NULL */
  char *www_authenticate;  /* may be NULL */
} TechoHttpResponse;

void techo_http_response_free (TechoHttpResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoHttpResponse, techo_http_response_free)

/* A session for one worker thread: no cookies, no automatic redirects are
 * followed by techo_http_send (it reports the 3xx), I/O timeout
 * @timeout_seconds. */
SoupSession       *techo_http_session_new (guint timeout_seconds);

/* Sends @message and reads at most @max_body bytes of the answer (more is
 * TECHO_PORTAL_ERROR_TOO_LARGE). The whole exchange must end within
 * @deadline_seconds (0: no overall deadline), which defeats a server that
 * drips one byte at a time. Transport errors become
 * TECHO_PORTAL_ERROR_NETWORK/TIMEOUT; cancellation stays G_IO_ERROR_CANCELLED.
 * @what names the exchange in error messages ("the token request"). */
TechoHttpResponse *techo_http_send (SoupSession   *session,
                                    SoupMessage   *message,
                                    gsize          max_body,
                                    guint          deadline_seconds,
                                    const char    *what,
                                    GCancellable  *cancellable,
                                    GError       **error);

/* Sleeps @milliseconds, waking early with G_IO_ERROR_CANCELLED when
 * @cancellable fires. */
gboolean           techo_http_sleep (guint          milliseconds,
                                     GCancellable  *cancellable,
                                     GError       **error);

/* TRUE when @uri's host is 127.0.0.1, ::1 or localhost. */
gboolean           techo_http_uri_is_loopback (GUri *uri);

/* Refuses anything but https, except http to a loopback host. */
gboolean           techo_http_check_secure_url (const char  *url,
                                                GError     **error);

/* @text as it may be shown to a person or printed on a terminal: control
 * characters (escape sequences among them), bidirectional overrides and
 * invalid UTF-8 become "?", and more than @max_chars characters end in
 * "…". NULL gives "". */
char              *techo_http_printable (const char *text,
                                         gsize       max_chars);

/* A random number in [0, @bound) from getrandom (for backoff jitter). */
guint32            techo_http_jitter (guint32 bound);

G_END_DECLS
