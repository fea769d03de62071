/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sync-controller.h: signing in to the portal and syncing, as the
 * app drives them. The controller knows no window: it exposes its state
 * as properties (state, first-run, background, sign-in-uri, progress,
 * new-records, last-sync, last-error) that the window listens on
 * (techo-window-sync.c), and "records-changed" after a sync ran. */

#pragma once

#include <gio/gio.h>

#include "techo-store.h"

G_BEGIN_DECLS

typedef enum
{
  TECHO_SYNC_STATE_IDLE,       /* nothing ran yet, or a quiet run ended */
  TECHO_SYNC_STATE_SIGNING_IN, /* first run: waiting for the portal's sign-in */
  TECHO_SYNC_STATE_SYNCING,    /* fetching records */
  TECHO_SYNC_STATE_SUCCEEDED,  /* the last run ended well (new-records says what came) */
  TECHO_SYNC_STATE_FAILED,     /* the last run stopped (last-error says why) */
} TechoSyncState;

GType techo_sync_state_get_type (void) G_GNUC_CONST;
#define TECHO_TYPE_SYNC_STATE (techo_sync_state_get_type ())

#define TECHO_TYPE_SYNC_CONTROLLER (techo_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (TechoSyncController, techo_sync_controller, TECHO, SYNC_CONTROLLER, GObject)

TechoSyncController *techo_sync_controller_new            (TechoStore          *store);
/* Signs in when @choice says so and syncs every category the consent
 * covers. @choice: "portal" (sign in at @issuer) or "demo" (start
 * techo-sandbox on loopback and sign in there), or NULL for a plain sync
 * of the signed-in session. Nothing happens while a run is going or the
 * store is locked. */
void                 techo_sync_controller_sync           (TechoSyncController *self,
                                                           const char          *choice,
                                                           const char          *issuer);
/* The sync a later start runs on its own once the dashboard shows: the
 * "background" property is TRUE for it, and when never signed in it ends
 * quietly (state back to idle, no error). */
void                 techo_sync_controller_sync_in_background (TechoSyncController *self);
void                 techo_sync_controller_cancel         (TechoSyncController *self);
gboolean             techo_sync_controller_is_busy        (TechoSyncController *self);

TechoSyncState       techo_sync_controller_get_state      (TechoSyncController *self);
gboolean             techo_sync_controller_get_first_run  (TechoSyncController *self);
gboolean             techo_sync_controller_get_background (TechoSyncController *self);
/* The portal's sign-in address once known (first run), else NULL. */
const char          *techo_sync_controller_get_sign_in_uri (TechoSyncController *self);
/* Finished categories over requested ones, 0 to 1. */
double               techo_sync_controller_get_progress   (TechoSyncController *self);
/* Records of @category the running (or last) sync stored so far. */
guint                techo_sync_controller_get_category_records (TechoSyncController *self,
                                                                 TechoCategory        category,
                                                                 gboolean            *finished);
/* Of the last run's records of @category, how many the store did not
 * already hold (new, or a higher revision). */
guint                techo_sync_controller_get_category_changed (TechoSyncController *self,
                                                                 TechoCategory        category);
/* The sum of techo_sync_controller_get_category_changed over the
 * categories: what the last run brought that is news. */
guint                techo_sync_controller_get_new_records (TechoSyncController *self);
/* What the last run brought, in words ("New from My Number Portal: 1
 * checkup result, 3 medicine records"), or NULL when it brought nothing
 * the store did not already hold. */
char                *techo_sync_controller_dup_summary    (TechoSyncController *self);
/* The page that shows the first kind of record the last run brought
 * ("checkups", "medicines", "screenings"), or NULL. */
const char          *techo_sync_controller_get_summary_page (TechoSyncController *self);
/* When the last sync ended well, or NULL. */
GDateTime           *techo_sync_controller_get_last_sync  (TechoSyncController *self);
/* Why the last run stopped (cancellation included), or NULL. */
const GError        *techo_sync_controller_get_last_error (TechoSyncController *self);
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
