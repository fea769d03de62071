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
