/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-reminders.h: which reminders a person has been sent today,
 * kept in the encrypted store (a reminder's id names a health fact, e.g.
 * "screening-stomach": it must not sit in plain settings). A reminder goes
 * out at most once a day, whether the window or the background service
 * (techo --background) sends it. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"

G_BEGIN_DECLS

/* Of @ids (reminder ids), those not yet sent to person @profile_id on @day
 * (YYYY-MM-DD), in their order; they are marked sent in the same
 * transaction, so a second claim the same day returns none. Marks of
 * other days are dropped. Returns a NULL-terminated array (empty when all
 * were sent), NULL with @error on failure. */
GStrv techo_store_claim_reminders_sync   (TechoStore          *self,
                                          gint64               profile_id,
                                          const char          *day,
                                          const char * const  *ids,
                                          GCancellable        *cancellable,
                                          GError             **error);
void  techo_store_claim_reminders_async  (TechoStore          *self,
                                          gint64               profile_id,
                                          const char          *day,
                                          const char * const  *ids,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
GStrv techo_store_claim_reminders_finish (TechoStore          *self,
                                          GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
