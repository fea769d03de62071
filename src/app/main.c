/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "techo-application.h"
#include "techo-startup-trace.h"

/* Where the translations are: the installed locale folder, or, for a
 * program run from its build tree (`meson devenv` sets TECHO_LOCALEDIR to
 * the build's po/), that folder. An installed program ignores the
 * variable. */
static const char *
locale_dir (void)
{
  const char *dir = g_getenv ("TECHO_LOCALEDIR");
  g_autofree char *exe = NULL;

  if (dir == NULL || dir[0] == '\0')
    return LOCALEDIR;
  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe == NULL || !g_str_has_prefix (exe, TECHO_BUILD_ROOT G_DIR_SEPARATOR_S))
    return LOCALEDIR;
  return dir;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TechoApplication) app = NULL;

  techo_startup_mark ("main");
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = techo_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
