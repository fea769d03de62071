/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-file-import.h: "Import Files…" in the app: a file chooser, then
 * the files through techo_import_paths_async into the window's person in
 * one import off the main thread; a toast with what came in (and Undo), a
 * dialog naming each file that was refused, a question for a corrected
 * re-issue or a file about someone else. */

#pragma once

#include "techo-window.h"

G_BEGIN_DECLS

/* Opens the file chooser (JAHIS text, CDA XML, several at once) and
 * imports what is chosen into @profile_id of @store (0: the store's only
 * person, or a new one made from the file). */
void techo_file_import_choose (TechoWindow *window,
                               TechoStore  *store,
                               gint64       profile_id);

/* The same without the chooser: imports @paths (NULL-terminated) as one
 * import, then reloads the window's records and reports. */
void techo_file_import_paths  (TechoWindow        *window,
                               TechoStore         *store,
                               gint64              profile_id,
                               const char * const *paths);

/* Adding a family member from their files: the chooser, then one import
 * that makes a new person from the first file's name and birth date
 * (whoever else the store holds) and shows them; Undo removes the person
 * again with the records. */
void techo_file_import_choose_new_person (TechoWindow *window,
                                          TechoStore  *store);
void techo_file_import_new_person_paths  (TechoWindow        *window,
                                          TechoStore         *store,
                                          const char * const *paths);

/* The window's import action on @paths, bypassing the chooser (tests):
 * the same person and reports as win.import. Defined in techo-window.c. */
void techo_window_import_paths (TechoWindow        *self,
                                const char * const *paths);

G_END_DECLS
