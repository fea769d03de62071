/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-checkup-table"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-checkup-table.h"
#include "techo-widget-util.h"
#include "techo-format.h"
#include "techo-reference.h"

struct _TechoCheckupTable
{
  GtkWidget parent_instance;

  GtkWidget *box;        /* the grid and the legend */
  GtkGrid *grid;
  TechoRecordSet *records;
  guint max_columns;
  guint n_columns;
  guint n_rows;
  GPtrArray *dates;      /* column → date as shown */
  GPtrArray *kinds;      /* column → kind as shown */
  GPtrArray *groups;     /* group headings shown, in order */
  GHashTable *cells;     /* "key\ncolumn" → cell text */
};

G_DEFINE_FINAL_TYPE (TechoCheckupTable, techo_checkup_table, GTK_TYPE_WIDGET)

/* The mark of the paper form: △ at the guidance level, ▲ at the
 * see-a-doctor level. */
static const char *
status_mark (TechoStatus status)
{
  switch (status)
    {
    case TECHO_STATUS_GUIDANCE:
      return "△";
    case TECHO_STATUS_SEE_DOCTOR:
      return "▲";
    case TECHO_STATUS_NORMAL:
    case TECHO_STATUS_UNKNOWN:
    default:
      return NULL;
    }
}

static GtkWidget *
cell_label (const char *text,
            float       xalign,
            const char *style_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  if (style_class != NULL)
    gtk_widget_add_css_class (label, style_class);
  return label;
}

static void
clear (TechoCheckupTable *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->grid))) != NULL)
    gtk_grid_remove (self->grid, child);
  g_ptr_array_set_size (self->dates, 0);
  g_ptr_array_set_size (self->kinds, 0);
  g_ptr_array_set_size (self->groups, 0);
  g_hash_table_remove_all (self->cells);
  self->n_columns = 0;
  self->n_rows = 0;
}

static void
add_header (TechoCheckupTable *self)
{
  gtk_grid_attach (self->grid, cell_label (_("Item"), 0, "caption-heading"), 0, 0, 1, 1);
  for (guint c = 0; c < self->n_columns; c++)
    {
      const TechoCheckup *checkup = g_ptr_array_index (self->records->checkups, c);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      char *date = techo_format_date (checkup->performed_on);
      const char *kind = techo_format_checkup_kind (self->records, checkup);
      GtkWidget *date_label = cell_label (date, 1, "heading");
      GtkWidget *kind_label = cell_label (kind, 1, "caption");

      /* "Specific health checkup" over two lines rather than a wide column. */
      gtk_label_set_wrap (GTK_LABEL (kind_label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (kind_label), 12);
      gtk_label_set_justify (GTK_LABEL (kind_label), GTK_JUSTIFY_RIGHT);
      gtk_widget_add_css_class (kind_label, "dim-label");
      gtk_box_append (GTK_BOX (box), date_label);
      gtk_box_append (GTK_BOX (box), kind_label);
      gtk_grid_attach (self->grid, box, (int) c + 1, 0, 1, 1);
      g_ptr_array_add (self->dates, date);
      g_ptr_array_add (self->kinds, g_strdup (kind));
    }
}

/* One row: the item's name and unit, then its value in each column. */
static void
add_item_row (TechoCheckupTable  *self,
              const TechoAnalyte *analyte,
              int                 row)
{
  const char *sex = techo_analysis_sex (self->records);
  GtkWidget *name_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name = cell_label (techo_format_analyte_name (analyte), 0, NULL);

  /* Whole words on a line; a name as wide as about 20 characters. */
  techo_label_wrap_words (GTK_LABEL (name));
  gtk_label_set_width_chars (GTK_LABEL (name), 10);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 20);
  gtk_box_append (GTK_BOX (name_box), name);
  if (analyte->unit != NULL)
    {
      GtkWidget *unit = cell_label (techo_format_unit (analyte->unit), 0, "caption");

      gtk_widget_add_css_class (unit, "dim-label");
      gtk_box_append (GTK_BOX (name_box), unit);
    }
  gtk_widget_set_margin_start (name_box, 12);
  gtk_widget_set_hexpand (name_box, TRUE);
  gtk_grid_attach (self->grid, name_box, 0, row, 1, 1);

  for (guint c = 0; c < self->n_columns; c++)
    {
      const TechoCheckup *checkup = g_ptr_array_index (self->records->checkups, c);
      TechoReading reading;
      g_autofree char *value = NULL;
      g_autofree char *text = NULL;
      g_autofree char *spoken = NULL;
      const char *mark;
      GtkWidget *label;

      if (techo_analysis_reading (checkup, analyte, sex, &reading))
        {
          /* A measurement as a number (its unit heads the row); a code
           * (食後10時間以上, ±) in its words. */
          value = reading.numeric && analyte->value_type == TECHO_VALUE_PQ
                    ? techo_format_number (analyte, reading.item->value)
                    : techo_format_value (analyte, reading.item);
          mark = status_mark (reading.status);
          text = mark != NULL ? g_strdup_printf ("%s %s", value, mark) : g_strdup (value);
          /* Read out as "HbA1c (NGSP), 15 Jun 2025: 6.6 %, See a doctor". */
          {
            g_autofree char *with_unit = techo_format_value (analyte, reading.item);

            spoken = g_strdup_printf ("%s, %s: %s%s%s", techo_format_analyte_name (analyte),
                                      (const char *) g_ptr_array_index (self->dates, c),
                                      with_unit,
                                      reading.status != TECHO_STATUS_UNKNOWN ? ", " : "",
                                      reading.status != TECHO_STATUS_UNKNOWN
                                        ? techo_format_status_label (reading.status) : "");
          }
        }
      else
        {
          text = g_strdup ("");
          reading.status = TECHO_STATUS_UNKNOWN;
        }
      label = cell_label (text, 1, "numeric");
      /* Words (a doctor's opinion) wrap in a column of numbers. */
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      if (reading.status == TECHO_STATUS_SEE_DOCTOR)
        gtk_widget_add_css_class (label, "error");
      else if (reading.status == TECHO_STATUS_GUIDANCE)
        gtk_widget_add_css_class (label, "warning");
      if (spoken != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (label), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        spoken, -1);
      gtk_grid_attach (self->grid, label, (int) c + 1, row, 1, 1);
      g_hash_table_insert (self->cells, g_strdup_printf ("%s\n%u", analyte->key, c),
                           g_steal_pointer (&text));
    }
}

static gboolean
any_column_has (TechoCheckupTable  *self,
                const TechoAnalyte *analyte)
{
  for (guint c = 0; c < self->n_columns; c++)
    if (techo_analysis_find (g_ptr_array_index (self->records->checkups, c), analyte) != NULL)
      return TRUE;
  return FALSE;
}

static void
rebuild (TechoCheckupTable *self)
{
  const TechoAnalyte *analytes;
  guint n_analytes = 0;
  int row = 1;

  clear (self);
  if (self->records == NULL || self->records->checkups->len == 0)
    return;
  self->n_columns = MIN (self->max_columns, self->records->checkups->len);
  add_header (self);

  analytes = techo_reference_analytes (&n_analytes);
  /* The groups of the official form, in its order; the questionnaire is
   * answers, not results, and stays on each checkup's page. */
  for (guint g = 0; g < TECHO_N_FORM_GROUPS; g++)
    {
      gboolean heading = FALSE;

      if (g == TECHO_FORM_GROUP_QUESTIONNAIRE)
        continue;
      for (guint a = 0; a < n_analytes; a++)
        {
          const TechoAnalyte *analyte = &analytes[a];

          if (analyte->group != g || !any_column_has (self, analyte))
            continue;
          if (!heading)
            {
              GtkWidget *label = cell_label (techo_format_group_name (g), 0, "heading");

              gtk_widget_set_margin_top (label, row > 1 ? 12 : 6);
              gtk_grid_attach (self->grid, label, 0, row++, (int) self->n_columns + 1, 1);
              g_ptr_array_add (self->groups, g_strdup (techo_format_group_name (g)));
              heading = TRUE;
            }
          add_item_row (self, analyte, row++);
          self->n_rows++;
        }
    }
}

static void
techo_checkup_table_dispose (GObject *object)
{
  TechoCheckupTable *self = TECHO_CHECKUP_TABLE (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->records, techo_record_set_unref);
  G_OBJECT_CLASS (techo_checkup_table_parent_class)->dispose (object);
}

static void
techo_checkup_table_finalize (GObject *object)
{
  TechoCheckupTable *self = TECHO_CHECKUP_TABLE (object);

  g_ptr_array_unref (self->dates);
  g_ptr_array_unref (self->kinds);
  g_ptr_array_unref (self->groups);
  g_hash_table_unref (self->cells);
  G_OBJECT_CLASS (techo_checkup_table_parent_class)->finalize (object);
}

static void
techo_checkup_table_class_init (TechoCheckupTableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_checkup_table_dispose;
  object_class->finalize = techo_checkup_table_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
techo_checkup_table_init (TechoCheckupTable *self)
{
  GtkWidget *legend;

  self->max_columns = TECHO_CHECKUP_TABLE_DEFAULT_COLUMNS;
  self->dates = g_ptr_array_new_with_free_func (g_free);
  self->kinds = g_ptr_array_new_with_free_func (g_free);
  self->groups = g_ptr_array_new_with_free_func (g_free);
  self->cells = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  self->grid = GTK_GRID (gtk_grid_new ());
  gtk_grid_set_row_spacing (self->grid, 6);
  gtk_grid_set_column_spacing (self->grid, 24);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->grid));
  /* Translators: the marks of the year-by-year table, as on the paper
   * result form. */
  legend = cell_label (_("△ at or above the guidance level · ▲ at or above the see-a-doctor level"),
                       0, "caption");
  gtk_label_set_wrap (GTK_LABEL (legend), TRUE);
  gtk_widget_add_css_class (legend, "dim-label");
  gtk_box_append (GTK_BOX (self->box), legend);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Year-by-year results"), -1);
}

GtkWidget *
techo_checkup_table_new (void)
{
  return g_object_new (TECHO_TYPE_CHECKUP_TABLE, NULL);
}

void
techo_checkup_table_set_records (TechoCheckupTable *self,
                                 TechoRecordSet    *records)
{
  g_return_if_fail (TECHO_IS_CHECKUP_TABLE (self));

  if (records != NULL)
    techo_record_set_ref (records);
  g_clear_pointer (&self->records, techo_record_set_unref);
  self->records = records;
  rebuild (self);
}

void
techo_checkup_table_set_max_columns (TechoCheckupTable *self,
                                     guint              max_columns)
{
  g_return_if_fail (TECHO_IS_CHECKUP_TABLE (self));

  max_columns = MAX (max_columns, 1);
  if (self->max_columns == max_columns)
    return;
  self->max_columns = max_columns;
  rebuild (self);
}

guint
techo_checkup_table_get_max_columns (TechoCheckupTable *self)
{
  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), 0);

  return self->max_columns;
}

guint
techo_checkup_table_get_n_columns (TechoCheckupTable *self)
{
  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), 0);

  return self->n_columns;
}

guint
techo_checkup_table_get_n_rows (TechoCheckupTable *self)
{
  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), 0);

  return self->n_rows;
}

const char *
techo_checkup_table_get_column_date (TechoCheckupTable *self,
                                     guint              column)
{
  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), NULL);

  return column < self->dates->len ? g_ptr_array_index (self->dates, column) : NULL;
}

const char *
techo_checkup_table_get_column_kind (TechoCheckupTable *self,
                                     guint              column)
{
  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), NULL);

  return column < self->kinds->len ? g_ptr_array_index (self->kinds, column) : NULL;
}

const char *
techo_checkup_table_get_cell (TechoCheckupTable *self,
                              const char        *key,
                              guint              column)
{
  g_autofree char *cell = NULL;

  g_return_val_if_fail (TECHO_IS_CHECKUP_TABLE (self), NULL);

  cell = g_strdup_printf ("%s\n%u", key, column);
  return g_hash_table_lookup (self->cells, cell);
}

GStrv
techo_checkup_table_dup_groups (TechoCheckupTable *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; i < self->groups->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->groups, i));
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}
