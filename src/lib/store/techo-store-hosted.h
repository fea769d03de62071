/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-hosted.h: shares kept on a share host. The store remembers
 * where each one is and its management token (never put in a link), and
 * takes the accesses the host reports into the consent ledger, each once. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"

G_BEGIN_DECLS

typedef struct
{
  gint64 consent_id;
  char *host_url;       /* the host's base URL */
  char *share_id;       /* the host's name for it */
  char *manage_token;   /* secret: wiped when freed */
  gint64 accesses_seen; /* how many of the host's accesses are in the ledger */
  gint64 denied_seen;   /* how many refused requests are in the ledger */
  gint64 deleted_at;    /* 0 until deleted from the host (or found gone) */
} TechoHostedShare;

void              techo_hosted_share_free (TechoHostedShare *share);

gboolean          techo_store_add_hosted_share_sync (TechoStore              *self,
                                                     const TechoHostedShare  *share,
                                                     GCancellable            *cancellable,
                                                     GError                 **error);
/* NULL without @error when consent @consent_id has no hosted share. */
TechoHostedShare *techo_store_get_hosted_share_sync (TechoStore     *self,
                                                     gint64          consent_id,
                                                     GCancellable   *cancellable,
                                                     GError        **error);
/* Those not deleted yet. GPtrArray of TechoHostedShare. */
GPtrArray        *techo_store_list_hosted_shares_sync (TechoStore    *self,
                                                       GCancellable  *cancellable,
                                                       GError       **error);
gboolean          techo_store_mark_hosted_share_deleted_sync (TechoStore    *self,
                                                              gint64         consent_id,
                                                              GCancellable  *cancellable,
                                                              GError       **error);

typedef struct
{
  gint64 at;            /* Unix seconds, the host's clock */
  char *detail;         /* "manifest from 192.0.2.7 recipient=…" */
} TechoHostedAccess;

/* What the host reports of one share. */
typedef struct
{
  GPtrArray *accesses;  /* of TechoHostedAccess, the host's oldest kept first */
  gint64 first;         /* the first one's number: how many the host dropped */
  gint64 denied_total;  /* requests refused in all */
  gint64 denied_wrong;  /* of which with a wrong passcode */
} TechoHostedReport;

/* Takes @report into the ledger in one transaction: the accesses that
 * the ledger has not seen become "access" events at their own time;
 * refused requests beyond those seen become one "denied" event that
 * counts them (a flood adds one row per refresh, not one per request).
 * Returns how many rows it added. */
gint64            techo_store_add_hosted_accesses_sync (TechoStore               *self,
                                                        gint64                    consent_id,
                                                        const TechoHostedReport  *report,
                                                        GCancellable             *cancellable,
                                                        GError                  **error);

void              techo_hosted_access_free (TechoHostedAccess *access);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoHostedShare, techo_hosted_share_free)

G_END_DECLS
