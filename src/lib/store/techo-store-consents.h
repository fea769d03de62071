/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-consents.h: the consent ledger's rows in the store. The
 * consent itself is a plain type of the records area (techo-consent.h);
 * these calls read it and revoke on the store's thread. Recording a
 * consent and its events is declared apart, in techo-consent-ledger.h,
 * which only the share area's disclosure unit (the consent gate) may
 * include. */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* Marks the consent revoked (once; a second revoke changes nothing) and
 * emits TechoStore::consent-revoked in the calling thread (the _async
 * form: before its callback). */
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

void          techo_store_get_consent_async     (TechoStore          *self,
                                                 gint64               consent_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TechoConsent *techo_store_get_consent_finish    (TechoStore          *self,
                                                 GAsyncResult        *result,
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
