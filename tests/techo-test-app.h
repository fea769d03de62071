/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-app.h: what the app's window tests share. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Runs the default main context for @milliseconds, so redraws, idles and
 * async callbacks happen. */
void techo_test_app_pump            (guint       milliseconds);

/* The user's locale, with Techo's translations from the build tree
 * ($TECHO_BUILD_ROOT/po), as an installed app has them. */
void techo_test_app_init_locale     (void);

/* gtk_test_init and libadwaita, with animations off (screenshots show a
 * page, not a crossfade half way) and Techo's style sheet loaded. */
void techo_test_app_init_gtk        (int        *argc,
                                     char     ***argv);

/* The first widget of @type in the tree under @widget (itself included),
 * or NULL. */
GtkWidget *techo_test_app_find_widget (GtkWidget  *widget,
                                       GType       type);

/* Renders @widget and saves it as meson-logs/screenshots/@file_name under
 * the build root ($MESON_BUILD_ROOT, else $TECHO_BUILD_ROOT; nothing is
 * saved when neither is set), after letting it settle for @settle_ms. */
/* Whether the test runs in Japanese (LANGUAGE=ja). */
gboolean techo_test_app_is_japanese (void);
/* techo_test_app_save_screenshot() as "app-LANG-@test-@name.png". */
void techo_test_app_save_screenshot_as (GtkWidget  *widget,
                                        const char *test,
                                        const char *name,
                                        guint       settle_ms);
void techo_test_app_save_screenshot (GtkWidget  *widget,
                                     const char *file_name,
                                     guint       settle_ms);

/* Renders @widget as it is now into the PNG file @path (asserts). */
void techo_test_app_render_png      (GtkWidget  *widget,
                                     const char *path);

G_END_DECLS
