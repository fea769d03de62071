/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sync-controller.h: signing in to the portal and syncing, as the
 * app drives them: the sync button, the first-run connect and progress
 * steps, cancel, the toast saying what is new, sign out. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"
#include "techo-window.h"

G_BEGIN_DECLS

#define TECHO_TYPE_SYNC_CONTROLLER (techo_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (TechoSyncController, techo_sync_controller, TECHO, SYNC_CONTROLLER, GObject)

TechoSyncController *techo_sync_controller_new            (TechoStore          *store);
/* Signs in when @choice says so and syncs every category the consent
 * covers, reporting to @window. @choice: "portal" (sign in at @issuer) or
 * "demo" (start techo-sandbox on loopback and sign in there), or NULL for
 * a plain sync of the signed-in session. */
void                 techo_sync_controller_sync           (TechoSyncController *self,
                                                           TechoWindow         *window,
                                                           const char          *choice,
                                                           const char          *issuer);
/* The sync a later start runs on its own once the dashboard shows: quiet
 * when not signed in, a toast only when something is new, never a screen
 * change. */
void                 techo_sync_controller_sync_in_background (TechoSyncController *self,
                                                               TechoWindow         *window);
void                 techo_sync_controller_cancel         (TechoSyncController *self);
gboolean             techo_sync_controller_is_busy        (TechoSyncController *self);
/* "Connected to https://…" words for Preferences, or NULL. */
char                *techo_sync_controller_dup_connection (TechoSyncController *self);
/* Revokes and forgets the portal session; blocks on the network: call it
 * from a worker thread. */
gboolean             techo_sync_controller_sign_out       (TechoSyncController *self,
                                                           GError             **error);

/* Reads the signed-in session from the keyring (off the main thread) and
 * returns the Preferences words for it, or NULL when not signed in. */
void                 techo_sync_controller_load_connection_async  (TechoSyncController  *self,
                                                                   GCancellable         *cancellable,
                                                                   GAsyncReadyCallback   callback,
                                                                   gpointer              user_data);
char                *techo_sync_controller_load_connection_finish (TechoSyncController  *self,
                                                                   GAsyncResult         *result,
                                                                   GError              **error);
/* After a sign-out: Preferences says "Not connected" again. */
void                 techo_sync_controller_forget_connection (TechoSyncController *self);

G_END_DECLS
