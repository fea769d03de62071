/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-store.h: a real store of a test's own, in a fresh temporary
 * folder, and its removal. */

#pragma once

#include "techo-store.h"

G_BEGIN_DECLS

/* Makes a temporary folder from @template ("techo-import-XXXXXX") and
 * opens a new store in its "store" subfolder; *@out_dir gets the folder. */
TechoStore *techo_test_store_open  (const char  *template,
                                    char       **out_dir);

/* Erases @store (NULL allowed), drops it and removes the folder @dir. */
void        techo_test_store_close (TechoStore  *store,
                                    const char  *dir);

/* The @i-th (from 0) dispensing of a made-up history. */
typedef TechoDispensing *(*TechoTestDispensingFunc) (guint i);

/* A history for the views tests: ensures @profile in @store and gives it
 * the @n dispensings @make makes, upserted in pages as the sync writes
 * them. Returns the person's id. */
gint64      techo_test_store_add_history (TechoStore               *store,
                                          const TechoProfile       *profile,
                                          guint                     n,
                                          TechoTestDispensingFunc   make);

G_END_DECLS
