/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-link-import.h: "Open a Shared Link…" in the app: a dialog with a
 * field to paste a SMART Health Link (shlink:/… or a viewer URL) and one
 * for its passcode, then techo_import_shl_async into the window's person;
 * a toast with what came in, or a dialog saying why not (expired, wrong
 * passcode with the attempts left, wrong key). */

#pragma once

#include "techo-window.h"

G_BEGIN_DECLS

/* Shows the dialog; imports into @profile_id of @store (0: the store's
 * only person, or a new one made from the records). */
void techo_link_import_ask (TechoWindow *window,
                            TechoStore  *store,
                            gint64       profile_id);

/* Without the dialog (tests): imports @link with @passcode (may be NULL)
 * and reports as the dialog does. */
void techo_link_import_run (TechoWindow *window,
                            TechoStore  *store,
                            gint64       profile_id,
                            const char  *link,
                            const char  *passcode);

G_END_DECLS
