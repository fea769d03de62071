/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-welcome.h: the first run, one step at a time: welcome (connect or
 * explore with demo data) → protect (keyring or passphrase) → connect (the
 * sign-in URL with a copy button, cancel) → first sync (a progress bar per
 * category). */

#pragma once

#include <adwaita.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_TYPE_WELCOME (techo_welcome_get_type ())
G_DECLARE_FINAL_TYPE (TechoWelcome, techo_welcome, TECHO, WELCOME, GtkWidget)

void        techo_welcome_reset          (TechoWelcome  *self);
/* FALSE when a store exists: the protect step is skipped and ::connect
 * is emitted instead of ::protect. */
void        techo_welcome_set_protect_needed (TechoWelcome *self,
                                              gboolean      needed);
/* "portal" or "demo": what the person chose on the first step. */
const char *techo_welcome_get_choice     (TechoWelcome  *self);
/* "welcome", "protect", "connect" or "progress". */
const char *techo_welcome_get_step       (TechoWelcome  *self);
/* Shows the connect step; @url is what the browser was sent to (NULL
 * while it is being prepared). */
void        techo_welcome_show_connect   (TechoWelcome  *self,
                                          const char    *url);
/* The sign-in address shown on the connect step ("" before). */
const char *techo_welcome_get_url        (TechoWelcome  *self);
void        techo_welcome_show_progress  (TechoWelcome  *self);
void        techo_welcome_set_progress   (TechoWelcome  *self,
                                          TechoCategory  category,
                                          guint          records,
                                          gboolean       finished);
/* A Details expander under the welcome's error, holding @details (the
 * library's words); NULL removes it. show_error() removes it too. */
void        techo_welcome_set_error_details (TechoWelcome *self,
                                             const char   *details);
/* Back to the first step with @message explaining what went wrong. */
void        techo_welcome_show_error     (TechoWelcome  *self,
                                          const char    *message);

G_END_DECLS
