/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-shl-fetch.h: opening a SMART Health Link someone sent: fetch the
 * manifest (POST with recipient and passcode) or, with flag U, the file
 * itself (GET url?recipient=…), decrypt each FHIR file with the link's key
 * and import it like a file. Only https, or http to a loopback host;
 * every body is capped before it is parsed. Blocking: run it on a worker
 * thread (the _async wrapper does). */

#pragma once

#include <gio/gio.h>

#include "techo-import.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_SHL_FETCH_ERROR (techo_shl_fetch_error_quark ())

typedef enum
{
  TECHO_SHL_FETCH_ERROR_INSECURE,        /* plain http to a host that is not loopback */
  TECHO_SHL_FETCH_ERROR_EXPIRED,         /* exp passed, or the server says 404/410 */
  TECHO_SHL_FETCH_ERROR_NEEDS_PASSCODE,  /* flag P and no passcode given */
  TECHO_SHL_FETCH_ERROR_PASSCODE,        /* wrong passcode (401) */
  TECHO_SHL_FETCH_ERROR_NETWORK,         /* could not reach the server, or it failed */
  TECHO_SHL_FETCH_ERROR_BAD_DATA,        /* a manifest or file of the wrong shape */
  TECHO_SHL_FETCH_ERROR_TOO_LARGE,       /* a body over its cap */
  TECHO_SHL_FETCH_ERROR_EMPTY,           /* the link holds no FHIR file */
  TECHO_SHL_FETCH_N_ERRORS /* not a code: how many codes there are */
} TechoShlFetchError;

GQuark techo_shl_fetch_error_quark (void);

#define TECHO_SHL_FETCH_MAX_MANIFEST (1024 * 1024)
#define TECHO_SHL_FETCH_MAX_FILES    100
#define TECHO_SHL_FETCH_TIMEOUT      30 /* seconds, each exchange */

/* The decrypted FHIR files (GBytes of JSON) the link leads to. With
 * TECHO_SHL_FETCH_ERROR_PASSCODE, *@remaining_attempts (when not NULL) is
 * what the server said is left, or -1 when it did not say. */
GPtrArray *techo_shl_fetch_sync (const char    *link,
                                 const char    *recipient,
                                 const char    *passcode,
                                 int           *remaining_attempts,
                                 GCancellable  *cancellable,
                                 GError       **error);

/* Fetches and imports every FHIR file of @link into @profile_id (as
 * techo_import_bytes_sync). Returns the results, one per file; nothing is
 * imported unless every file was fetched, decrypted and read as FHIR. */
GPtrArray *techo_import_shl_sync (TechoStore    *store,
                                  gint64         profile_id,
                                  const char    *link,
                                  const char    *passcode,
                                  GCancellable  *cancellable,
                                  GError       **error);

void       techo_import_shl_async  (TechoStore          *store,
                                    gint64               profile_id,
                                    const char          *link,
                                    const char          *passcode,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
GPtrArray *techo_import_shl_finish (TechoStore    *store,
                                    GAsyncResult  *result,
                                    GError       **error);

G_END_DECLS
