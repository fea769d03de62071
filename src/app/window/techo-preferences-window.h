/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_PREFERENCES_WINDOW (techo_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TechoPreferencesWindow, techo_preferences_window, TECHO,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *techo_preferences_window_new (GtkWindow  *parent,
                                         GSettings  *settings,
                                         const char *connection);

void       techo_preferences_window_set_connection (TechoPreferencesWindow *self,
                                                    const char             *connection);

/* The store whose owner's PIN the "Visit Mode and Lock" group sets. */
void       techo_preferences_window_set_store      (TechoPreferencesWindow *self,
                                                    TechoStore             *store);
GtkButton *techo_preferences_window_get_pin_button (TechoPreferencesWindow *self);
/* The PIN row's subtitle (whether one is set), for tests. */
const char *techo_preferences_window_get_pin_state (TechoPreferencesWindow *self);
/* "Remind me when Techo is closed": its switch (whose state follows the
 * desktop's answer) and the row's subtitle, for tests. */
GtkSwitch  *techo_preferences_window_get_background_switch (TechoPreferencesWindow *self);
const char *techo_preferences_window_get_background_state  (TechoPreferencesWindow *self);

G_END_DECLS
