/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-consent-ledger.h: the ledger's WRITING calls, behind the consent
 * gate. Only the share area's disclosure unit (techo-disclosure.c) and
 * the store's own ledger code include this header; tests/check-layers.py
 * refuses any other includer, and a call without this declaration does
 * not compile (-Werror=implicit-function-declaration). Everything that
 * lets records leave goes through techo-disclosure.h, which records the
 * consent first and what left afterwards. Reading the ledger and revoking
 * are public (techo-store-consents.h). */

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
 * is revoked or expired. The _async form is queued in order with every
 * other store job, so events keep the order they were asked in. */
gboolean      techo_store_add_consent_event_sync   (TechoStore          *self,
                                                    gint64               consent_id,
                                                    const char          *event,
                                                    const char          *detail,
                                                    GCancellable        *cancellable,
                                                    GError             **error);
void          techo_store_add_consent_event_async  (TechoStore          *self,
                                                    gint64               consent_id,
                                                    const char          *event,
                                                    const char          *detail,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean      techo_store_add_consent_event_finish (TechoStore          *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
