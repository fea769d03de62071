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

G_END_DECLS
