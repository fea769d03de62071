/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-private.h: what the window shows of a sync, for
 * techo-window-sync.c (which listens on the sync controller) only. */

#pragma once

#include "techo-window.h"

G_BEGIN_DECLS

void techo_window_set_syncing        (TechoWindow   *self,
                                      gboolean       syncing);
void techo_window_show_connect       (TechoWindow   *self,
                                      const char    *url);
void techo_window_show_sync_progress (TechoWindow   *self);
void techo_window_set_sync_progress  (TechoWindow   *self,
                                      TechoCategory  category,
                                      guint          records,
                                      gboolean       finished);
void techo_window_show_welcome_error (TechoWindow   *self,
                                      const char    *message);
/* The welcome's error for @error: its sentence, and Details. */
void techo_window_show_welcome_failure (TechoWindow  *self,
                                        const GError *error);
/* The banner for a failed sync: its sentence, Details, and the next step
 * (Retry or Sign In Again) as a button; it stays until hidden. */
void techo_window_show_sync_error    (TechoWindow   *self,
                                      const GError  *error);
void techo_window_hide_sync_error    (TechoWindow   *self);
/* The sync button's tooltip names when the last sync ended well. */
void techo_window_set_last_sync      (TechoWindow   *self,
                                      GDateTime     *when);

G_END_DECLS
