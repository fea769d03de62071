/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-portal-client.h: the portal's resource API (docs/portal-api.md §2)
 * as blocking calls for a worker thread: /me, request → poll honouring
 * Retry-After → paged result, CDA documents. Every call sends the bearer
 * token of a TechoOAuth; a 401 gets one refresh and one retry; 429, 503
 * and other 5xx answers, timeouts and cut-short or malformed bodies are
 * retried with capped exponential backoff and jitter; a 403 names the
 * consent that is missing. Sizes, depth and counts are checked before a
 * body is parsed. */

#pragma once

#include <gio/gio.h>

#include "techo-http.h"
#include "techo-oauth.h"
#include "techo-records.h"

G_BEGIN_DECLS

typedef struct
{
  guint max_attempts;         /* tries of one exchange (default 8) */
  guint backoff_base_ms;      /* first wait (default 250) */
  guint backoff_cap_ms;       /* longest wait, also caps Retry-After (default 30,000) */
  guint max_wait_seconds;     /* longest wait for a PENDING request, polls included
                               * (default 180); then TECHO_PORTAL_ERROR_TIMEOUT */
  guint page_limit;           /* records asked for per page, 1..1000 (default 500) */
  guint max_records;          /* records accepted per page (default 1000) */
  gsize max_body;             /* bytes of one answer (default 8 MiB) */
  gsize max_document;         /* bytes of one CDA document (default 4 MiB) */
  guint io_timeout_seconds;   /* one read or write (default 30) */
  guint deadline_seconds;     /* one whole exchange (default 120) */
} TechoPortalLimits;

void techo_portal_limits_init_default (TechoPortalLimits *limits);

typedef struct
{
  TechoCategory category;
  GPtrArray *records;         /* of the category's record type */
  char *next_cursor;          /* NULL on the last page */
} TechoPortalPage;

void techo_portal_page_free (TechoPortalPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoPortalPage, techo_portal_page_free)

typedef struct
{
  TechoProfile *profile;      /* issuer filled in */
  guint granted;              /* a bit per TechoCategory */
  char *consent_expires_at;   /* may be NULL */
} TechoPortalMe;

void techo_portal_me_free (TechoPortalMe *me);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoPortalMe, techo_portal_me_free)

#define TECHO_TYPE_PORTAL_CLIENT (techo_portal_client_get_type ())
G_DECLARE_FINAL_TYPE (TechoPortalClient, techo_portal_client, TECHO, PORTAL_CLIENT, GObject)

/* @api_base is where /api/v1 lives; NULL means the issuer of @oauth. */
TechoPortalClient *techo_portal_client_new        (TechoOAuth              *oauth,
                                                   const char              *api_base);
void               techo_portal_client_set_limits (TechoPortalClient       *self,
                                                   const TechoPortalLimits *limits);
const TechoPortalLimits *techo_portal_client_get_limits (TechoPortalClient *self);
/* HTTP exchanges sent so far, retries included (for tests and figures). */
guint              techo_portal_client_get_n_requests (TechoPortalClient *self);

TechoPortalMe     *techo_portal_client_get_me     (TechoPortalClient  *self,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

/* POST /api/v1/requests for @from..@to (YYYYMM). Returns the process id. */
char              *techo_portal_client_request    (TechoPortalClient  *self,
                                                   TechoCategory       category,
                                                   const char         *from,
                                                   const char         *to,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

/* Polls until the request is SUCCESS; EXPIRED is TECHO_PORTAL_ERROR_EXPIRED,
 * ERROR is TECHO_PORTAL_ERROR_FAILED, still PENDING after
 * max_wait_seconds is TECHO_PORTAL_ERROR_TIMEOUT. */
gboolean           techo_portal_client_wait       (TechoPortalClient  *self,
                                                   const char         *process_id,
                                                   gint64             *out_record_count,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

/* One page of a finished request (@cursor NULL for the first). An expired
 * or unknown result is TECHO_PORTAL_ERROR_EXPIRED. */
TechoPortalPage   *techo_portal_client_fetch_page (TechoPortalClient  *self,
                                                   TechoCategory       category,
                                                   const char         *process_id,
                                                   const char         *cursor,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

/* The CDA file of a checkup, from its `document` path. */
GBytes            *techo_portal_client_fetch_document (TechoPortalClient  *self,
                                                       const char         *path,
                                                       GCancellable       *cancellable,
                                                       GError            **error);

G_END_DECLS
