/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share-server.h: the local share server of SMART Health Links. It
 * binds to the address the user picks (loopback by default), holds
 * ciphertext only (the JWE; the key lives only in the link), and answers:
 *
 *   POST /shl/<token>  {recipient, passcode?, embeddedLengthMax?}
 *        → {"files":[{"contentType":…,"embedded"|"location":…}]}
 *        wrong passcode: 401 {"remainingAttempts":n}; the cap is for the
 *        share's whole life (wrong tries are in the ledger, so a restart
 *        does not reset it) and holds under parallel requests (every
 *        request is answered on one main context);
 *   GET  /shl/<token>?recipient=…   the JWE itself, for U-flag links;
 *   GET  /shl/file/<token>          the JWE, at a manifest's location.
 *
 * It answers through the same SHL responder as the share host
 * (techo-shl-responder-private.h), with the host's protections:
 * connections capped in total and per address (the oldest closed first at
 * the total cap), a deadline to send a request and one to answer it, and
 * every answer closing its connection (Connection: close), so neither
 * half-open nor keep-alive clients can use up its descriptors.
 *
 * Unknown, expired or revoked shares answer 404. Every answer to a known
 * share, granted or refused, is an event of its consent (who asked,
 * from where; never the passcode), written through the consent gate
 * (techo_disclosure_log_answer) without blocking: no request waits on the
 * store. Whether a share is live is kept in memory: its expiry, a
 * revocation through the same TechoStore (TechoStore::consent-revoked,
 * seen at once) and, for one made by another process, a read of the
 * served consents every few seconds on the store's thread. */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"
#include "techo-disclosure.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_SHARE_ERROR (techo_share_error_quark ())

typedef enum
{
  TECHO_SHARE_ERROR_FAILED,
  TECHO_SHARE_ERROR_LISTEN,   /* could not bind the address */
  TECHO_SHARE_ERROR_INVALID,  /* bad share settings */
  TECHO_SHARE_N_ERRORS /* not a code: how many codes there are */
} TechoShareError;

GQuark techo_share_error_quark (void);

#define TECHO_SHARE_DEFAULT_MAX_ATTEMPTS 10
#define TECHO_SHARE_MAX_REQUEST_BYTES    (16 * 1024)
#define TECHO_SHARE_MAX_PASSCODE         128

#define TECHO_TYPE_SHARE_SERVER (techo_share_server_get_type ())
G_DECLARE_FINAL_TYPE (TechoShareServer, techo_share_server, TECHO, SHARE_SERVER, GObject)

TechoShareServer *techo_share_server_new          (TechoStore        *store);
/* @address: an IP address ("127.0.0.1", "::1", "192.168.1.5"); NULL for
 * 127.0.0.1. @port 0 picks a free port. */
gboolean          techo_share_server_listen       (TechoShareServer  *self,
                                                   const char        *address,
                                                   guint              port,
                                                   GError           **error);
/* "http://127.0.0.1:41234", once listening. */
const char       *techo_share_server_get_base_url (TechoShareServer  *self);

/* Serves @jwe under @consent (recorded by the gate for method "share",
 * with its events as the ledger holds them: wrong passcodes already there
 * count against the cap) until its expiry or revocation; another method
 * is refused. Returns the share's URL (for the link's
 * `url`). Makes no store call. */
char             *techo_share_server_add          (TechoShareServer    *self,
                                                   const TechoConsent  *consent,
                                                   const char          *jwe,
                                                   const char          *passcode,
                                                   guint                max_attempts,
                                                   gboolean             direct,
                                                   GError             **error);
/* Stops serving consent @consent_id's share at once (the store's
 * revocation is seen on the next request too). */
void              techo_share_server_remove       (TechoShareServer  *self,
                                                   gint64             consent_id);
/* Open connections (accepted and not yet closed). */
guint             techo_share_server_get_n_connections (TechoShareServer *self);
/* How many shares it holds. */
guint             techo_share_server_get_n_shares (TechoShareServer  *self);
/* Whether it would answer for consent @consent_id now (in memory). */
gboolean          techo_share_server_is_live      (TechoShareServer  *self,
                                                   gint64             consent_id);

typedef struct
{
  const char *passcode;  /* NULL: none (then the link may be U) */
  const char *label;     /* the link's label, ≤ 80 characters */
  gboolean direct;       /* U flag (not with a passcode) */
  guint max_attempts;    /* 0: TECHO_SHARE_DEFAULT_MAX_ATTEMPTS */
} TechoShareOptions;

/* The whole share, through the consent gate: records @consent (method
 * "share", with its expiry) in @server's store first, gathers what it
 * covers, makes the FHIR bundle, encrypts it with a new key, serves the
 * ciphertext on @server, records a "sent" event and returns the shlink:/
 * link. Not on the main thread (the CLI, tests). */
char             *techo_share_publish_sync        (TechoShareServer         *server,
                                                   gint64                    profile_id,
                                                   TechoConsent             *consent,
                                                   const TechoShareOptions  *options,
                                                   GCancellable             *cancellable,
                                                   GError                  **error);

/* The same for the app: the gate, the bundle and the encryption on a
 * worker thread, then serving and the link on the caller's main context
 * (where @server answers), then "sent" on the store's thread. @consent
 * is copied; _finish sets @out_consent_id (may be NULL) to the recorded
 * consent's id, also when a later step failed (0: nothing recorded). */
void              techo_share_publish_async       (TechoShareServer         *server,
                                                   gint64                    profile_id,
                                                   const TechoConsent       *consent,
                                                   const TechoShareOptions  *options,
                                                   GCancellable             *cancellable,
                                                   GAsyncReadyCallback       callback,
                                                   gpointer                  user_data);
char             *techo_share_publish_finish      (TechoShareServer         *server,
                                                   GAsyncResult             *result,
                                                   gint64                   *out_consent_id,
                                                   GError                  **error);

G_END_DECLS
