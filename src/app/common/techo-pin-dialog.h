/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-pin-dialog.h: setting the owner's PIN (techo-owner-pin.h): a
 * question with the PIN twice, checked (4 to 12 digits, the same twice)
 * and stored through the store's thread. Preferences and visit mode's
 * "set a PIN first" use it. */

#pragma once

#include <adwaita.h>

#include "techo-alert.h"

#include "techo-store.h"

G_BEGIN_DECLS

/* @done runs once: TRUE when a PIN was set, FALSE when the person
 * declined ("later") or cancelled. @later_label: a third answer (e.g.
 * "Start Without a PIN"), or NULL. */
typedef void (*TechoPinDialogDone) (gboolean  pin_set,
                                    gboolean  later,
                                    gpointer  user_data);

TechoAlert       *techo_pin_dialog_new (GtkWindow          *parent,
                                        TechoStore         *store,
                                        const char         *heading,
                                        const char         *body,
                                        const char         *later_label,
                                        TechoPinDialogDone  done,
                                        gpointer            user_data);
/* Types @pin and @again in the entries and presses Set PIN (tests). */
void              techo_pin_dialog_set (TechoAlert         *dialog,
                                        const char         *pin,
                                        const char         *again);

G_END_DECLS
