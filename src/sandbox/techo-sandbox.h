/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox.h: a local portal of the national portal's shape: an
 * OAuth 2.0 authorization server, the resource API and faults on demand
 * (docs/portal-api.md). One instance serves on the thread-default main
 * context until it is freed. */

#pragma once

#include <gio/gio.h>

#include "techo-sandbox-data.h"

G_BEGIN_DECLS

#define TECHO_SANDBOX_ERROR (techo_sandbox_error_quark ())

typedef enum
{
  TECHO_SANDBOX_ERROR_LISTEN,  /* could not bind */
  TECHO_SANDBOX_ERROR_OPTIONS, /* a bad option value */
} TechoSandboxError;

GQuark techo_sandbox_error_quark (void);

/* What is wrong with the ID tokens the sandbox issues (the `id_token_fault`
 * switch of /admin/faults): each is a forgery or a mistake a client must
 * refuse. */
typedef enum
{
  TECHO_SANDBOX_ID_TOKEN_OK,
  TECHO_SANDBOX_ID_TOKEN_BAD_SIGNATURE,  /* the signature does not match */
  TECHO_SANDBOX_ID_TOKEN_WRONG_AUD,      /* issued to another client */
  TECHO_SANDBOX_ID_TOKEN_SEVERAL_AUD,    /* several audiences, no azp */
  TECHO_SANDBOX_ID_TOKEN_WRONG_ISS,      /* another issuer */
  TECHO_SANDBOX_ID_TOKEN_EXPIRED,        /* exp an hour ago */
  TECHO_SANDBOX_ID_TOKEN_IAT_FUTURE,     /* issued an hour from now */
  TECHO_SANDBOX_ID_TOKEN_NO_NONCE,       /* nonce left out */
  TECHO_SANDBOX_ID_TOKEN_REPLAY_NONCE,   /* the nonce of the previous sign-in */
  TECHO_SANDBOX_ID_TOKEN_UNKNOWN_KID,    /* a kid the JWKS does not hold */
  TECHO_SANDBOX_ID_TOKEN_ALG_NONE,       /* unsigned */
  TECHO_SANDBOX_ID_TOKEN_HS256,          /* HMAC with the public key as secret */
  TECHO_SANDBOX_ID_TOKEN_MISSING,        /* no id_token in the token answer */
  TECHO_SANDBOX_ID_TOKEN_USERINFO_OTHER, /* userinfo describes someone else */
  TECHO_SANDBOX_N_ID_TOKEN_FAULTS
} TechoSandboxIdTokenFault;

const char *techo_sandbox_id_token_fault_to_string   (TechoSandboxIdTokenFault fault);
gboolean    techo_sandbox_id_token_fault_from_string (const char               *text,
                                                      TechoSandboxIdTokenFault *out_fault);

/* Faults on demand. Rates are 0..1, decided per request by a generator
 * seeded from the seed and the request's number, so a run repeats. */
typedef struct
{
  guint latency_ms;         /* every faulted request waits this long */
  double error_rate;        /* answer 500 */
  double throttle_rate;     /* answer 429 with Retry-After */
  guint retry_after;        /* seconds in Retry-After of 429/503/PENDING */
  gint64 maintenance_until; /* monotonic µs; 503 until then (0: off) */
  double truncate_rate;     /* close the connection halfway through a body */
  double malformed_rate;    /* send broken JSON */
  guint drip_ms;            /* send bodies 16 bytes at a time, this far apart */
  gboolean never_finish;    /* requests stay PENDING */
  gboolean expire_results;  /* finished results are EXPIRED at once */
  guint fail_request;       /* the k-th counted request answers 500 (0: off) */
  TechoSandboxIdTokenFault id_token_fault;
  gboolean id_token_es256;  /* sign ID tokens with the EC key (else RSA) */
  gboolean no_profile;      /* /api/v1/me answers 404, as at a bare OpenID provider */
  gboolean crlf_token;      /* access tokens carry CR LF and a header line */
} TechoSandboxFaults;

typedef struct
{
  TechoSandboxDataOptions data;
  char *bind_address;       /* default 127.0.0.1 */
  guint port;               /* 0: any free port */
  guint access_ttl;         /* seconds, default 300 */
  guint consent_days;       /* default 90 */
  guint consent_seconds;    /* overrides consent_days when > 0 */
  guint code_ttl;           /* seconds, default 60 */
  guint result_ttl;         /* seconds, default 600 */
  guint pending_polls;      /* polls answered PENDING before SUCCESS, default 1 */
  gboolean admin;           /* serve /admin/ */
  gboolean verbose;         /* log each request (never tokens) */
  TechoSandboxFaults faults;
} TechoSandboxOptions;

typedef struct _TechoSandbox TechoSandbox;

void          techo_sandbox_options_init  (TechoSandboxOptions *options);
void          techo_sandbox_options_clear (TechoSandboxOptions *options);

/* Builds the data and starts listening. */
TechoSandbox *techo_sandbox_new        (const TechoSandboxOptions  *options,
                                        GError                    **error);
/* "http://127.0.0.1:PORT" */
const char   *techo_sandbox_get_issuer (TechoSandbox *sandbox);
void          techo_sandbox_free       (TechoSandbox *sandbox);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoSandbox, techo_sandbox_free)

G_END_DECLS
