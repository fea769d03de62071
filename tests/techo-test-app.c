/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include <adwaita.h>

#include "techo-test-app.h"

void
techo_test_app_pump (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
}

/* The widget as drawn now; NULL until a window just presented has been
 * mapped and laid out (a loaded machine may take a while). */
static GskRenderNode *
render_node (GtkWidget *widget)
{
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width <= 0 || height <= 0 || !gtk_widget_get_mapped (widget))
    return NULL;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  return gtk_snapshot_to_node (snapshot);
}

void
techo_test_app_render_png (GtkWidget  *widget,
                           const char *path)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  int width, height;

  while ((node = render_node (widget)) == NULL && g_get_monotonic_time () < end)
    techo_test_app_pump (50);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_assert_nonnull (node);
  /* A window, or a widget inside one (an AdwAlertDialog): its window
   * renders it. */
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

void
techo_test_app_save_screenshot (GtkWidget  *widget,
                                const char *file_name,
                                guint       settle_ms)
{
  const char *root = g_getenv ("MESON_BUILD_ROOT");
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (root == NULL)
    root = g_getenv ("TECHO_BUILD_ROOT");
  if (root == NULL)
    return;
  techo_test_app_pump (settle_ms);
  dir = g_build_filename (root, "meson-logs", "screenshots", NULL);
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, file_name, NULL);
  techo_test_app_render_png (widget, path);
  g_test_message ("screenshot: %s", path);
}

GtkWidget *
techo_test_app_find_widget (GtkWidget *widget,
                            GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = techo_test_app_find_widget (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

void
techo_test_app_init_locale (void)
{
  const char *build_root = g_getenv ("TECHO_BUILD_ROOT");

  setlocale (LC_ALL, "");
  if (build_root != NULL)
    {
      g_autofree char *locale_dir = g_build_filename (build_root, "po", NULL);

      bindtextdomain (GETTEXT_PACKAGE, locale_dir);
    }
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

void
techo_test_app_init_gtk (int    *argc,
                         char ***argv)
{
  g_autoptr(GtkCssProvider) css = NULL;

  gtk_test_init (argc, argv, NULL);
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/org/techo/Techo/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

gboolean
techo_test_app_is_japanese (void)
{
  return g_strcmp0 (g_getenv ("LANGUAGE"), "ja") == 0;
}

void
techo_test_app_save_screenshot_as (GtkWidget  *widget,
                                   const char *test,
                                   const char *name,
                                   guint       settle_ms)
{
  g_autofree char *file_name = g_strdup_printf ("app-%s-%s-%s.png",
                                                techo_test_app_is_japanese () ? "ja" : "en",
                                                test, name);

  techo_test_app_save_screenshot (widget, file_name, settle_ms);
}
