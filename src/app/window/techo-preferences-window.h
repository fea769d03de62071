/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TECHO_TYPE_PREFERENCES_WINDOW (techo_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TechoPreferencesWindow, techo_preferences_window, TECHO,
                      PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *techo_preferences_window_new (GtkWindow  *parent,
                                         GSettings  *settings,
                                         const char *connection);

void       techo_preferences_window_set_connection (TechoPreferencesWindow *self,
                                                    const char             *connection);

G_END_DECLS
