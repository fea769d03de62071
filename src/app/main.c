/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "techo-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(TechoApplication) app = NULL;
  const char *locale_dir = g_getenv ("TECHO_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* TECHO_LOCALEDIR: the build's po/ folder, for running uninstalled. */
  bindtextdomain (GETTEXT_PACKAGE, locale_dir != NULL ? locale_dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = techo_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
