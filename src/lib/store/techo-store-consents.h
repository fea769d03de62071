/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-consents.h: the consent ledger's rows in the store. The
 * consent itself is a plain type of the records area (techo-consent.h);
 * these calls write and read it on the store's thread. Only the share
 * area's disclosure unit records consents; the rest of Techo reads. */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* Validates @consent and writes it, its "created" event and an audit row
 * in one transaction; sets consent->id and created_at. */
gboolean      techo_store_record_consent_sync  (TechoStore          *self,
                                                TechoConsent        *consent,
                                                GCancellable        *cancellable,
                                                GError             **error);
void          techo_store_record_consent_async (TechoStore          *self,
                                                const TechoConsent  *consent,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
/* Returns the new consent id, or 0 with @error set. */
gint64        techo_store_record_consent_finish (TechoStore         *self,
                                                 GAsyncResult       *result,
                                                 GError            **error);

/* Appends an event (and an audit row) to consent @consent_id. "sent" and
 * "access" are refused (TECHO_CONSENT_ERROR_NOT_LIVE) once the consent
 * is revoked or expired. */
gboolean      techo_store_add_consent_event_sync (TechoStore     *self,
                                                  gint64          consent_id,
                                                  const char     *event,
                                                  const char     *detail,
                                                  GCancellable   *cancellable,
                                                  GError        **error);

/* Marks the consent revoked (once; a second revoke changes nothing). */
gboolean      techo_store_revoke_consent_sync   (TechoStore          *self,
                                                 gint64               consent_id,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          techo_store_revoke_consent_async  (TechoStore          *self,
                                                 gint64               consent_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean      techo_store_revoke_consent_finish (TechoStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

/* One consent with its events; TECHO_CONSENT_ERROR_NOT_FOUND if none. */
TechoConsent *techo_store_get_consent_sync      (TechoStore          *self,
                                                 gint64               consent_id,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

/* Every consent with its events, newest first. GPtrArray of TechoConsent. */
GPtrArray    *techo_store_list_consents_sync    (TechoStore          *self,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void          techo_store_list_consents_async   (TechoStore          *self,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
GPtrArray    *techo_store_list_consents_finish  (TechoStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
