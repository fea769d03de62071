/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sharing-page"

#include "config.h"

#include "techo-sharing-page.h"

struct _TechoSharingPage
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (TechoSharingPage, techo_sharing_page, GTK_TYPE_WIDGET)

static void
techo_sharing_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TECHO_TYPE_SHARING_PAGE);
  /* Template children that are not bound are still ours to unparent. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (object));
       child != NULL;
       child = gtk_widget_get_first_child (GTK_WIDGET (object)))
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (techo_sharing_page_parent_class)->dispose (object);
}

static void
techo_sharing_page_class_init (TechoSharingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_sharing_page_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-sharing-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_sharing_page_init (TechoSharingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
