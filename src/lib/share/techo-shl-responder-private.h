/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-shl-responder-private.h: the one SMART Health Links responder
 * that both the app's share server and the share host answer through.
 *
 * It owns the HTTP side: the SoupServer, connections accepted here and
 * capped in total and per address (at the total cap the oldest is closed
 * first), each closed after one answer (Connection: close) or at a
 * deadline (one to send the request, one to answer it), an optional
 * request rate per address, bodies refused over their cap before they are
 * read; and the SHL side:
 *
 *   OPTIONS /shl/…                 CORS preflight (viewers on other origins)
 *   POST    /shl/<token>           the manifest {recipient, passcode?,
 *                                  embeddedLengthMax?} → {"files":[…]};
 *                                  a wrong passcode: 401 {remainingAttempts}
 *   GET     /shl/<token>?recipient=…   the JWE itself (U links)
 *   GET     /shl/file/<token>      the JWE at a manifest's location
 *
 * The backend keeps the shares: it finds them, says whether they are
 * live, hands out the ciphertext, checks passcodes and records every
 * answer to a known share. Every other path goes to the backend's
 * `other` handler (none: 404). Not thread-safe: it answers on the main
 * context it was made on. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define TECHO_SHL_PATH_PREFIX "/shl/"
#define TECHO_SHL_FILE_PREFIX "/shl/file/"

/* What an answer to a known share was, for the backend's record. */
typedef enum
{
  TECHO_SHL_EVENT_MANIFEST,             /* access: a manifest was sent */
  TECHO_SHL_EVENT_FILE,                 /* access: the file at a location */
  TECHO_SHL_EVENT_DIRECT,               /* access: the file of a U link */
  TECHO_SHL_EVENT_ENDED,                /* denied: expired, revoked or locked */
  TECHO_SHL_EVENT_FILE_ENDED,           /* denied: a location after that */
  TECHO_SHL_EVENT_NO_RECIPIENT,         /* denied: a manifest without recipient */
  TECHO_SHL_EVENT_DIRECT_NO_RECIPIENT,  /* denied: a U fetch without recipient */
  TECHO_SHL_EVENT_WRONG_PASSCODE,       /* denied: a passcode that counts as a try */
  TECHO_SHL_EVENT_NO_PASSCODE,          /* denied: none given (not a try) */
} TechoShlEvent;

/* What the responder needs to know of one share. */
typedef struct
{
  const char *id;        /* what a location names; passed back to find_by_id */
  gint64 expires_at;
  gboolean direct;       /* U flag */
  gboolean passcode;     /* needs one */
} TechoShlShareInfo;

typedef struct _TechoShlResponder TechoShlResponder;

typedef struct
{
  /* The share a manifest path's token names, or NULL. */
  gpointer (*find)           (gpointer           backend,
                              const char        *token);
  /* The share a location was made for (TechoShlShareInfo.id), or NULL. */
  gpointer (*find_by_id)     (gpointer           backend,
                              const char        *id);
  /* Fills @info; returns whether the share answers now. */
  gboolean (*describe)       (gpointer           backend,
                              gpointer           share,
                              TechoShlShareInfo *info);
  /* The ciphertext (NULL: it cannot be read; the answer is a 503). */
  GBytes  *(*read_jwe)       (gpointer           backend,
                              gpointer           share);
  /* Every answer to a known share; @recipient may be NULL. */
  void     (*record)         (gpointer           backend,
                              gpointer           share,
                              SoupServerMessage *msg,
                              TechoShlEvent      event,
                              const char        *recipient);
  /* A manifest request to a share with a passcode; answers, now or later
   * (pausing @msg), with techo_shl_responder_send_manifest or
   * techo_shl_responder_refuse_passcode. @passcode may be NULL. */
  void     (*check_passcode) (gpointer           backend,
                              gpointer           share,
                              SoupServerMessage *msg,
                              const char        *passcode,
                              const char        *recipient,
                              gint64             embedded_max);
  /* Any path outside /shl/ (NULL: 404). */
  void     (*other)          (gpointer           backend,
                              SoupServerMessage *msg,
                              const char        *method,
                              const char        *path);
} TechoShlBackend;

typedef struct
{
  guint max_connections;             /* open at once, in total */
  guint max_connections_per_address;
  guint request_timeout;             /* seconds to send a whole request */
  guint answer_timeout;              /* seconds to answer it once it is in */
  guint requests_per_minute;         /* per address; 0: no rate limit */
  gsize max_body;                    /* an SHL request's body */
  gsize max_other_body;              /* another path's body */
  guint max_locations;               /* manifest locations alive at once */
  guint location_seconds;            /* how long a location works at most */
} TechoShlResponderLimits;

TechoShlResponder *techo_shl_responder_new      (const TechoShlBackend          *backend,
                                                 gpointer                        backend_data,
                                                 const TechoShlResponderLimits  *limits,
                                                 const char                     *server_header);
/* Stops listening and closes every connection. */
void               techo_shl_responder_free     (TechoShlResponder              *self);

/* Listens on @inet:@port (0: any free one), with TLS when @certificate is
 * given; sets @bound_port. The error says why, in words. */
gboolean           techo_shl_responder_listen   (TechoShlResponder              *self,
                                                 GInetAddress                   *inet,
                                                 guint                           port,
                                                 GTlsCertificate                *certificate,
                                                 guint                          *bound_port,
                                                 GError                        **error);
/* The base URL the manifest's locations name ("http://127.0.0.1:41234"). */
void               techo_shl_responder_set_base_url (TechoShlResponder          *self,
                                                     const char                 *base_url);
/* Open connections (accepted and not yet let go of). */
guint              techo_shl_responder_get_n_connections (TechoShlResponder     *self);
/* Forgets expired locations and idle rate counters. */
void               techo_shl_responder_purge    (TechoShlResponder              *self);

/* The manifest of @share for @msg (embedded when it fits @embedded_max,
 * else a new location), recorded as TECHO_SHL_EVENT_MANIFEST. */
void               techo_shl_responder_send_manifest  (TechoShlResponder        *self,
                                                       gpointer                  share,
                                                       SoupServerMessage        *msg,
                                                       const char               *recipient,
                                                       gint64                    embedded_max);
/* 401 {"remainingAttempts": @remaining}, recorded as @event. */
void               techo_shl_responder_refuse_passcode (TechoShlResponder       *self,
                                                        gpointer                 share,
                                                        SoupServerMessage       *msg,
                                                        TechoShlEvent            event,
                                                        const char              *recipient,
                                                        guint                    remaining);

/* Answers: a JSON body, or {"error": @text}. */
void               techo_shl_respond_json       (SoupServerMessage              *msg,
                                                 guint                           status,
                                                 JsonBuilder                    *builder);
void               techo_shl_respond_error      (SoupServerMessage              *msg,
                                                 guint                           status,
                                                 const char                     *text);

G_END_DECLS
