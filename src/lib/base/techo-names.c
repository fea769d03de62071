/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Enums spelled as names (techo-names.h). */

#include "config.h"

#include "techo-names.h"

gboolean
techo_names_lookup (const char *const *names,
                    guint              n_names,
                    const char        *name,
                    guint             *out_index)
{
  for (guint i = 0; name != NULL && i < n_names; i++)
    if (names[i] != NULL && g_str_equal (name, names[i]))
      {
        if (out_index != NULL)
          *out_index = i;
        return TRUE;
      }
  return FALSE;
}
