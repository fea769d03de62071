/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_APPLICATION (techo_application_get_type ())

G_DECLARE_FINAL_TYPE (TechoApplication, techo_application, TECHO, APPLICATION, AdwApplication)

TechoApplication *techo_application_new        (void);
/* $TECHO_DATA_DIR, or $XDG_DATA_HOME/techo. */
char             *techo_application_data_dir   (void);
TechoStore       *techo_application_get_store  (TechoApplication *self);
GSettings        *techo_application_get_settings (TechoApplication *self);
/* Whether it keeps running with no window (remind-when-closed is on and
 * the store opens with the keyring's key): closing the last window does
 * not stop the reminders. */
gboolean          techo_application_is_held    (TechoApplication *self);

G_END_DECLS
