/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-profile-switcher.h: the family's people at the top of the
 * sidebar: a button naming the person on screen (name, birth year and
 * age) whose popover lists everyone in the store, the current one
 * checked, and "Add a Person…" (win.add-person). The window shows it
 * once the store holds more than one person. */

#pragma once

#include <gtk/gtk.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_TYPE_PROFILE_SWITCHER (techo_profile_switcher_get_type ())

G_DECLARE_FINAL_TYPE (TechoProfileSwitcher, techo_profile_switcher, TECHO, PROFILE_SWITCHER,
                      GtkWidget)

/* The name a person goes by on screen: the name, else the kana name,
 * else "Unnamed person". */
const char *techo_profile_display_name     (const TechoProfile *profile);
/* "Born 1960 · 66 years old" on @today (YYYY-MM-DD); NULL without a
 * birth date. */
char       *techo_profile_describe_age     (const TechoProfile *profile,
                                            const char         *today);

/* Copies @profiles (of TechoProfile) and marks @current_id. */
void        techo_profile_switcher_set_profiles (TechoProfileSwitcher *self,
                                                 GPtrArray            *profiles,
                                                 gint64                current_id);
void        techo_profile_switcher_set_current  (TechoProfileSwitcher *self,
                                                 gint64                current_id);
gint64      techo_profile_switcher_get_current  (TechoProfileSwitcher *self);
guint       techo_profile_switcher_get_n_profiles (TechoProfileSwitcher *self);
/* What choosing the @index-th person in the list does (tests, keyboard). */
void        techo_profile_switcher_choose       (TechoProfileSwitcher *self,
                                                 guint                 index);
/* The button that opens the list (for tests: its accessible name). */
GtkWidget  *techo_profile_switcher_get_button   (TechoProfileSwitcher *self);
/* The rows of the list, one per person (for tests). */
GtkListBox *techo_profile_switcher_get_list     (TechoProfileSwitcher *self);

G_END_DECLS
