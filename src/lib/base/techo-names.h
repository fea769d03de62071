/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-names.h: enums spelled as names. Every enum with a to/from-string
 * pair keeps its names in one table indexed by value; this reads it back. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Sets @out_index (may be NULL) to the index of @name among the @n_names
 * entries of @names (NULL entries never match). FALSE when @name is NULL
 * or not there. */
gboolean techo_names_lookup (const char *const *names,
                             guint              n_names,
                             const char        *name,
                             guint             *out_index);

G_END_DECLS
