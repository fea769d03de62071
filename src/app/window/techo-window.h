/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-application.h"
#include "techo-records.h"
#include "techo-sync-controller.h"
#include "techo-store.h"

G_BEGIN_DECLS

/* What the window shows: the main stack's page. */
typedef enum
{
  TECHO_WINDOW_MODE_LOADING,
  TECHO_WINDOW_MODE_WELCOME,
  TECHO_WINDOW_MODE_LOCKED,
  TECHO_WINDOW_MODE_MAIN,
  TECHO_WINDOW_N_MODES
} TechoWindowMode;

/* "loading", "welcome", "locked", "main": the stack's page names. */
const char   *techo_window_mode_to_string   (TechoWindowMode   mode);
gboolean      techo_window_mode_from_string (const char       *name,
                                             TechoWindowMode  *out_mode);

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
/* Hands @records to every page (the TechoPage interface: the dashboard
 * now, the others when shown or idle, those that need the whole history
 * once it is read) and shows the records. NULL empties every page. */
void          techo_window_set_records      (TechoWindow      *self,
                                             TechoRecordSet   *records);
TechoRecordSet *techo_window_get_records    (TechoWindow      *self);
/* Reads the store again (after a sync or an import). */
void          techo_window_reload           (TechoWindow      *self);

void          techo_window_show_page        (TechoWindow      *self,
                                             const char       *name);
const char   *techo_window_get_visible_page (TechoWindow      *self);
GtkWidget    *techo_window_get_page         (TechoWindow      *self,
                                             const char       *name);
/* The main stack's page, as a mode. */
TechoWindowMode techo_window_get_mode       (TechoWindow      *self);
const char   *techo_window_get_title_text   (TechoWindow      *self);
/* The name of the person whose records are shown ("" with none). */
const char   *techo_window_get_person_text  (TechoWindow      *self);

/* The family (techo-window-family.c). The person whose records are shown
 * (their profile id; 0 before the first read of an empty store). */
gint64        techo_window_get_profile_id   (TechoWindow      *self);
/* Shows @profile_id's records on every page and remembers the choice
 * (GSettings "profile") for the next start. */
void          techo_window_show_person      (TechoWindow      *self,
                                             gint64            profile_id);
/* The switcher at the top of the sidebar (visible with two or more). */
GtkWidget    *techo_window_get_profile_switcher (TechoWindow  *self);
/* Adding a person from their files, past the chooser (tests): as "Add a
 * Person…" does after the files are chosen. */
void          techo_window_add_person_paths (TechoWindow        *self,
                                             const char * const *paths);
/* The last "Add a Person" or "Remove …?" question asked (a TechoAlert),
 * while it is open; NULL otherwise (tests). */
GtkWidget    *techo_window_get_family_alert (TechoWindow      *self);

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
/* What a person does on the unlock screen: types @secret (the
 * passphrase, or the owner's PIN of a keyring store; NULL: nothing) when
 * it asks for one, and presses Unlock. */
void          techo_window_unlock           (TechoWindow      *self,
                                             const char       *secret);
/* Whether the unlock screen asks for a passphrase or PIN, and what it
 * says. */
gboolean      techo_window_get_asks_secret  (TechoWindow      *self);
const char   *techo_window_get_locked_text  (TechoWindow      *self);

/* An error toast: "@what" plus the translated sentence for @error, with
 * a Details button showing the library's words; @error is logged. A
 * cancellation is only logged. */
void          techo_window_show_error       (TechoWindow      *self,
                                             const char       *what,
                                             const GError     *error);

/* The first-run steps (the welcome) and the sync banner follow @sync's
 * properties from now on (techo-window-sync.c). */
GtkWidget    *techo_window_get_welcome      (TechoWindow      *self);
void          techo_window_watch_sync       (TechoWindow         *self,
                                             TechoSyncController *sync);

G_END_DECLS
