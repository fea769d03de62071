/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-columns"

#include "config.h"

#include "techo-columns.h"

struct _TechoColumns
{
  GtkWidget parent_instance;

  GtkWidget *start;
  GtkWidget *end;
  int min_column_width;
  int spacing;
  gboolean side_by_side;
};

G_DEFINE_FINAL_TYPE (TechoColumns, techo_columns, GTK_TYPE_WIDGET)

static gboolean
fits_two (TechoColumns *self,
          int           width)
{
  return width >= 2 * self->min_column_width + self->spacing;
}

static int
column_width (TechoColumns *self,
              int           width)
{
  return (width - self->spacing) / 2;
}

static void
techo_columns_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  TechoColumns *self = TECHO_COLUMNS (widget);
  int min_a = 0, nat_a = 0, min_b = 0, nat_b = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* One column is always possible; two side by side is natural. */
      gtk_widget_measure (self->start, orientation, -1, &min_a, &nat_a, NULL, NULL);
      gtk_widget_measure (self->end, orientation, -1, &min_b, &nat_b, NULL, NULL);
      *minimum = MAX (min_a, min_b);
      *natural = MAX (nat_a + self->spacing + nat_b,
                      2 * self->min_column_width + self->spacing);
    }
  else if (for_size >= 0 && fits_two (self, for_size))
    {
      int width = column_width (self, for_size);

      gtk_widget_measure (self->start, orientation, width, &min_a, &nat_a, NULL, NULL);
      gtk_widget_measure (self->end, orientation, width, &min_b, &nat_b, NULL, NULL);
      *minimum = MAX (min_a, min_b);
      *natural = MAX (nat_a, nat_b);
    }
  else
    {
      gtk_widget_measure (self->start, orientation, for_size, &min_a, &nat_a, NULL, NULL);
      gtk_widget_measure (self->end, orientation, for_size, &min_b, &nat_b, NULL, NULL);
      *minimum = min_a + self->spacing + min_b;
      *natural = nat_a + self->spacing + nat_b;
    }
  *minimum_baseline = *natural_baseline = -1;
}

static void
techo_columns_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  TechoColumns *self = TECHO_COLUMNS (widget);
  int min = 0, nat_a = 0, nat_b = 0;

  self->side_by_side = fits_two (self, width);
  if (self->side_by_side)
    {
      int column = column_width (self, width);

      gtk_widget_measure (self->start, GTK_ORIENTATION_VERTICAL, column, &min, &nat_a, NULL, NULL);
      gtk_widget_measure (self->end, GTK_ORIENTATION_VERTICAL, column, &min, &nat_b, NULL, NULL);
      gtk_widget_size_allocate (self->start,
                                &(GtkAllocation) { 0, 0, column, MIN (nat_a, height) }, -1);
      gtk_widget_size_allocate (self->end,
                                &(GtkAllocation) { width - column, 0, column, MIN (nat_b, height) },
                                -1);
      return;
    }
  gtk_widget_measure (self->start, GTK_ORIENTATION_VERTICAL, width, &min, &nat_a, NULL, NULL);
  gtk_widget_measure (self->end, GTK_ORIENTATION_VERTICAL, width, &min, &nat_b, NULL, NULL);
  gtk_widget_size_allocate (self->start, &(GtkAllocation) { 0, 0, width, nat_a }, -1);
  gtk_widget_size_allocate (self->end,
                            &(GtkAllocation) { 0, nat_a + self->spacing, width, nat_b }, -1);
}

static GtkSizeRequestMode
techo_columns_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
techo_columns_dispose (GObject *object)
{
  TechoColumns *self = TECHO_COLUMNS (object);

  g_clear_pointer (&self->start, gtk_widget_unparent);
  g_clear_pointer (&self->end, gtk_widget_unparent);
  G_OBJECT_CLASS (techo_columns_parent_class)->dispose (object);
}

static void
techo_columns_class_init (TechoColumnsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_columns_dispose;
  widget_class->measure = techo_columns_measure;
  widget_class->size_allocate = techo_columns_size_allocate;
  widget_class->get_request_mode = techo_columns_get_request_mode;
}

static void
techo_columns_init (TechoColumns *self)
{
  self->start = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  self->end = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_parent (self->start, GTK_WIDGET (self));
  gtk_widget_set_parent (self->end, GTK_WIDGET (self));
}

GtkWidget *
techo_columns_new (int min_column_width,
                   int spacing)
{
  TechoColumns *self = g_object_new (TECHO_TYPE_COLUMNS, NULL);

  self->min_column_width = min_column_width;
  self->spacing = spacing;
  return GTK_WIDGET (self);
}

GtkBox *
techo_columns_get_start (TechoColumns *self)
{
  g_return_val_if_fail (TECHO_IS_COLUMNS (self), NULL);

  return GTK_BOX (self->start);
}

GtkBox *
techo_columns_get_end (TechoColumns *self)
{
  g_return_val_if_fail (TECHO_IS_COLUMNS (self), NULL);

  return GTK_BOX (self->end);
}

gboolean
techo_columns_is_side_by_side (TechoColumns *self)
{
  g_return_val_if_fail (TECHO_IS_COLUMNS (self), FALSE);

  return self->side_by_side;
}
