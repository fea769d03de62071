/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-host-client.h: the desktop side of a share host
 * (techo-share-host.h): the bundle that goes, with its consent, and the
 * upload API (create, replace, delete, accesses). */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_HOST_ERROR (techo_host_error_quark ())

typedef enum
{
  TECHO_HOST_ERROR_INVALID,      /* bad host URL or share settings */
  TECHO_HOST_ERROR_UNREACHABLE,  /* no answer from the host */
  TECHO_HOST_ERROR_REFUSED,      /* the host answered with an error */
  TECHO_HOST_N_ERRORS /* not a code: how many codes there are */
} TechoHostError;

GQuark techo_host_error_quark (void);

/* Where a share goes and how it may be opened. */
typedef struct
{
  const char *host_url;  /* the host's base URL (required; see normalize_url) */
  const char *passcode;  /* NULL: none (flag P otherwise) */
  const char *label;     /* ≤ 80 characters */
  gboolean direct;       /* flag U, not with a passcode */
} TechoHostShareOptions;

/* Checks a share host's base URL: https, or http on a loopback address
 * only (the management token must not cross a network in the clear).
 * Returns it without a trailing slash. */
char     *techo_host_normalize_url (const char   *url,
                                    GError      **error);

/* The whole share to a host: records @consent (method "share") first,
 * gathers what it covers, makes the FHIR bundle with the consent in it,
 * encrypts it with a new key, hashes the passcode (scrypt, here: the host
 * never sees it), uploads the ciphertext, keeps the management token in
 * the store, logs a "sent" event and returns the shlink:/ link. The
 * viewer URL (<host>/#shlink:/…, for the QR) is in @out_viewer_url. If
 * the upload fails, the consent is revoked so the ledger says so. */
char     *techo_host_publish_sync (TechoStore                   *store,
                                   gint64                        profile_id,
                                   TechoConsent                 *consent,
                                   const TechoHostShareOptions  *options,
                                   char                        **out_viewer_url,
                                   GCancellable                 *cancellable,
                                   GError                      **error);

/* The same on a worker thread, for the app: @consent and @options are
 * copied. finish returns the shlink:/ link (NULL with @error set), the
 * viewer URL in @out_viewer_url and the recorded consent's id in
 * @out_consent_id (also when a step after recording failed: the
 * consent is then revoked; 0 when nothing was recorded). */
void      techo_host_publish_async  (TechoStore                   *store,
                                     gint64                        profile_id,
                                     const TechoConsent           *consent,
                                     const TechoHostShareOptions  *options,
                                     GCancellable                 *cancellable,
                                     GAsyncReadyCallback           callback,
                                     gpointer                      user_data);
char     *techo_host_publish_finish (TechoStore                   *store,
                                     GAsyncResult                 *result,
                                     char                        **out_viewer_url,
                                     gint64                       *out_consent_id,
                                     GError                      **error);

/* Revokes consent @consent_id in the store and, when its share is on a
 * host, deletes it there at once. The revocation stands even if the host
 * cannot be reached (then the error says so). */
gboolean  techo_host_revoke_sync  (TechoStore     *store,
                                   gint64          consent_id,
                                   GCancellable   *cancellable,
                                   GError        **error);

/* The same on a worker thread, for the app's 停止. */
void      techo_host_revoke_async  (TechoStore          *store,
                                    gint64               consent_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean  techo_host_revoke_finish (TechoStore          *store,
                                    GAsyncResult        *result,
                                    GError             **error);

/* Asks each host for the accesses of the shares kept there and adds the
 * new ones to the ledger. Returns the number of ledger rows added, or -1
 * with @error set (the first failure; the others are still tried). */
gint64    techo_host_refresh_sync (TechoStore     *store,
                                   GCancellable   *cancellable,
                                   GError        **error);

/* @bundle_json (a FHIR Bundle) with a FHIR Consent entry added that says
 * who receives it, why and until when, so the doctor's viewer shows the
 * terms beside the records. */
char *techo_host_bundle_with_consent (const char          *bundle_json,
                                      const TechoConsent  *consent,
                                      GError             **error);

G_END_DECLS
