/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-application.h"
#include "techo-dataset.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_WINDOW (techo_window_get_type ())

G_DECLARE_FINAL_TYPE (TechoWindow, techo_window, TECHO, WINDOW, AdwApplicationWindow)

/* The page names, in sidebar order. */
extern const char * const techo_window_page_names[];
#define TECHO_WINDOW_N_PAGES 6

TechoWindow  *techo_window_new              (TechoApplication *application);

/* Opens @store (first run, unlock or straight to the records) and shows
 * what it holds. */
void          techo_window_set_store        (TechoWindow      *self,
                                             TechoStore       *store);
/* Fills every page from @dataset and shows the records. */
void          techo_window_set_dataset      (TechoWindow      *self,
                                             TechoDataset     *dataset);
TechoDataset *techo_window_get_dataset      (TechoWindow      *self);
/* Reads the store again (after a sync or an import). */
void          techo_window_reload           (TechoWindow      *self);

void          techo_window_show_page        (TechoWindow      *self,
                                             const char       *name);
const char   *techo_window_get_visible_page (TechoWindow      *self);
GtkWidget    *techo_window_get_page         (TechoWindow      *self,
                                             const char       *name);
/* "loading", "welcome", "locked" or "main". */
const char   *techo_window_get_mode         (TechoWindow      *self);
const char   *techo_window_get_title_text   (TechoWindow      *self);

void          techo_window_add_toast        (TechoWindow      *self,
                                             const char       *text);
/* A toast with a button that activates @action_name (@target may be a
 * floating GVariant or NULL). */
/* Shows @toast (taken), made by the caller (a button with a handler). */
void          techo_window_present_toast    (TechoWindow      *self,
                                             AdwToast         *toast);
void          techo_window_add_toast_with_action (TechoWindow *self,
                                                  const char  *text,
                                                  const char  *button_label,
                                                  const char  *action_name,
                                                  GVariant    *target);
/* Closes the store and shows the unlock screen. */
void          techo_window_lock             (TechoWindow      *self);

/* The first-run steps, driven by the sync controller. */
GtkWidget    *techo_window_get_welcome      (TechoWindow      *self);
void          techo_window_set_syncing      (TechoWindow      *self,
                                             gboolean          syncing);
void          techo_window_show_connect     (TechoWindow      *self,
                                             const char       *url);
void          techo_window_show_sync_progress (TechoWindow    *self);
void          techo_window_set_sync_progress  (TechoWindow    *self,
                                               TechoCategory   category,
                                               guint           records,
                                               gboolean        finished);
void          techo_window_show_welcome_error (TechoWindow    *self,
                                               const char     *message);

G_END_DECLS
