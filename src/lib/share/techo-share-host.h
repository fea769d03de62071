/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share-host.h: the share host, a SMART Health Links server that
 * runs away from the patient's computer and holds ciphertext only.
 *
 * It keeps, per share, the JWE file and what an SHL server needs (expiry,
 * a scrypt hash of the passcode, wrong tries left, the accesses) in its
 * own data folder, each file written atomically, and answers:
 *
 *   POST   /api/shares            create {jwe, expiresAt, passcode |
 *                                 passcodeHash, label, direct} → 201
 *                                 {id, url, manageToken, expiresAt}
 *   PUT    /api/shares/<id>/file  replace the JWE (Bearer manageToken)
 *   GET    /api/shares/<id>       state and accesses (Bearer manageToken)
 *   DELETE /api/shares/<id>       delete at once (Bearer manageToken)
 *   POST   /shl/<token>           the SHL manifest {recipient, passcode?,
 *                                 embeddedLengthMax?}; 401
 *                                 {remainingAttempts} on a wrong passcode
 *   GET    /shl/<token>?recipient=…   the JWE itself (flag U)
 *   GET    /shl/file/<token>      the JWE at a manifest's location
 *   GET    /, /viewer.js, /viewer.css  the viewer page
 *
 * Wrong passcodes are counted before the passcode is checked (the count
 * is on disk first), so the cap holds under parallel requests and across
 * restarts; at zero the ciphertext is deleted and the share answers 404.
 * Connections are accepted here, not by libsoup: capped in total and per
 * address, each closed after one request (Connection: close) or at a
 * deadline, the oldest closed first when the total cap is reached. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TECHO_SHARE_HOST_ERROR (techo_share_host_error_quark ())

typedef enum
{
  TECHO_SHARE_HOST_ERROR_FAILED,
  TECHO_SHARE_HOST_ERROR_LISTEN,    /* could not bind or load the TLS files */
  TECHO_SHARE_HOST_ERROR_INVALID,   /* bad settings */
  TECHO_SHARE_HOST_ERROR_DATA,      /* the data folder is unusable */
  TECHO_SHARE_HOST_N_ERRORS /* not a code: how many codes there are */
} TechoShareHostError;

GQuark techo_share_host_error_quark (void);

#define TECHO_SHARE_HOST_MAX_ATTEMPTS 10

typedef struct
{
  guint max_connections;           /* in total (256) */
  guint max_connections_per_address; /* (16) */
  guint request_timeout;           /* seconds a connection may live (15) */
  guint requests_per_minute;       /* per address (120) */
  gsize max_upload_bytes;          /* a JWE upload (8 MiB) */
  guint max_shares;                /* stored at once (1000) */
} TechoShareHostLimits;

/* Fills @limits with the defaults above. */
void techo_share_host_limits_init (TechoShareHostLimits *limits);

#define TECHO_TYPE_SHARE_HOST (techo_share_host_get_type ())
G_DECLARE_FINAL_TYPE (TechoShareHost, techo_share_host, TECHO, SHARE_HOST, GObject)

/* Opens @data_dir (created 0700 if missing), loads the shares in it and
 * purges the expired ones. @viewer_dir holds index.html, viewer.js and
 * viewer.css (NULL: no viewer). */
TechoShareHost *techo_share_host_new          (const char                  *data_dir,
                                               const char                  *viewer_dir,
                                               const TechoShareHostLimits  *limits,
                                               GError                     **error);

/* With a key, creating a share needs "Authorization: Bearer <key>"
 * (NULL: anyone who reaches the host may create one). */
void            techo_share_host_set_upload_key (TechoShareHost *self,
                                                 const char     *key);

/* Where and how the host listens. A bind that is not loopback needs TLS
 * unless insecure_lan. */
typedef struct
{
  const char *bind;        /* an IP address (NULL: 127.0.0.1) */
  guint port;              /* 0: a free one */
  const char *public_url;  /* the base URL the links name (NULL: the scheme, address
                            * and port listened on; required for a wildcard bind) */
  const char *tls_cert;    /* PEM files, both or neither */
  const char *tls_key;
  gboolean insecure_lan;
} TechoShareHostAddress;

gboolean        techo_share_host_listen       (TechoShareHost               *self,
                                               const TechoShareHostAddress  *address,
                                               GError                      **error);
/* "https://share.example.org" (no trailing slash), once listening. */
const char     *techo_share_host_get_base_url (TechoShareHost  *self);
guint           techo_share_host_get_n_shares (TechoShareHost  *self);
/* Open connections (accepted and not yet closed). */
guint           techo_share_host_get_n_connections (TechoShareHost *self);

/* Deletes expired shares now (also done every minute). Returns how many. */
guint           techo_share_host_purge        (TechoShareHost  *self);

/* "scrypt$15$8$1$<salt>$<hash>" for @passcode, with a fresh salt. */
char           *techo_share_host_hash_passcode (const char  *passcode,
                                                GError     **error);
gboolean        techo_share_host_check_passcode (const char *hash,
                                                 const char *passcode);

G_END_DECLS
