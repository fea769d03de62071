/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-medicines-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-dispensing-model.h"
#include "techo-format.h"
#include "techo-medical-id.h"
#include "techo-medicine-timeline.h"
#include "techo-medicines-page.h"
#include "techo-widget-util.h"

struct _TechoMedicinesPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  AdwViewStack *views;
  GtkBox *now_box;
  GtkBox *history_box;
  TechoMedicalId *medical_id;
  GtkListView *history_list;

  TechoStore *store;
  TechoRecordSet *records;
  GCancellable *cancellable;   /* the ingredients' read, if running */
  GHashTable *flagged_ids;     /* ids of the dispensings the analysis flagged */
  GHashTable *current_keys;    /* ingredient keys taking now */
  GHashTable *flagged_keys;    /* ingredient keys with an overlapping supply */
  gboolean loading;
  char *today;               /* YYYY-MM-DD, when the records were last shown */
  TechoMedicineTimeline *timeline;
  guint n_current;
  guint n_ingredients;
  guint n_duplicates;
  guint n_notebook;      /* allergies, side effects, OTC rows shown */
};

static void techo_medicines_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoMedicinesPage, techo_medicines_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_medicines_page_page_init))

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

/* "1日3回 毎食後 · 14 days · 3 tablets" style details of one dispensing. */
static char *
dispensing_details (const TechoDispensing *d)
{
  GString *text = g_string_new (NULL);

  if (d->usage != NULL)
    g_string_append (text, d->usage);
  if (d->quantity > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, "%g %s", d->quantity, d->unit != NULL ? d->unit : "");
    }
  if (d->days > 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("%d day", "%d days", d->days), d->days);
    }
  else if (g_strcmp0 (d->dispensing_unit, "回分") == 0 && d->dispensing_quantity > 0)
    {
      guint doses = (guint) d->dispensing_quantity;

      /* A notebook's 回分: doses to take when needed, not days. */
      if (text->len > 0)
        g_string_append (text, " · ");
      g_string_append_printf (text, ngettext ("%u dose", "%u doses", doses), doses);
    }
  else if (g_strcmp0 (d->dispensing_unit, "調剤") == 0)
    {
      if (text->len > 0)
        g_string_append (text, " · ");
      /* TRANSLATORS: a notebook's 調剤: handed over once (a cream, a
       * tape), not for a number of days. */
      g_string_append (text, _("dispensed once"));
    }
  return g_string_free (text, FALSE);
}

static char *
dispensing_places (const TechoDispensing *d)
{
  return g_strdup_printf ("%s%s%s",
                          d->prescriber_name != NULL ? d->prescriber_name : "",
                          d->prescriber_name != NULL && d->pharmacy_name != NULL ? " · " : "",
                          d->pharmacy_name != NULL ? d->pharmacy_name : "");
}

static char *
ingredient_key (const TechoDispensing *d)
{
  if (d->yj_code != NULL && strlen (d->yj_code) >= 7)
    return g_strndup (d->yj_code, 7);
  return g_strdup (d->drug_name != NULL ? d->drug_name : "");
}

static void
build_duplicates (TechoMedicinesPage *self,
                  GHashTable         *flagged)
{
  g_autoptr(GPtrArray) pairs = techo_analysis_duplicates (self->records->dispensings, NULL, flagged);
  GtkWidget *group;

  self->n_duplicates = pairs->len / 2;
  if (pairs->len == 0)
    return;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Possible duplicate therapy"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The same ingredient came from different prescribers "
                                           "for overlapping days. Show this to your doctor or pharmacist."));
  for (guint i = 0; i + 1 < pairs->len; i += 2)
    {
      const TechoDispensing *a = g_ptr_array_index (pairs, i);
      const TechoDispensing *b = g_ptr_array_index (pairs, i + 1);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *date_a = techo_format_date (a->dispensed_on);
      g_autofree char *date_b = techo_format_date (b->dispensed_on);
      g_autofree char *subtitle = NULL;

      subtitle = g_strdup_printf ("%s (%s) · %s (%s)",
                                  a->prescriber_name != NULL ? a->prescriber_name : "", date_a,
                                  b->prescriber_name != NULL ? b->prescriber_name : "", date_b);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     a->ingredient_name != NULL ? a->ingredient_name : a->drug_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_widget_add_css_class (row, "warning-row");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->now_box, group);
}

static void
build_now (TechoMedicinesPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Taking now"));
  for (guint i = 0; i < self->records->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (self->records->dispensings, i);
      int left = techo_analysis_days_left (d, self->today);
      g_autofree char *key = NULL;
      g_autofree char *places = NULL;
      g_autofree char *details = NULL;
      g_autofree char *left_text = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *drug_class = NULL;
      GtkWidget *row, *label;

      if (left <= 0)
        continue;
      key = g_strdup_printf ("%s|%s", d->drug_name, d->prescriber_name);
      if (g_hash_table_contains (seen, key))
        continue;
      g_hash_table_add (seen, g_steal_pointer (&key));

      places = dispensing_places (d);
      details = dispensing_details (d);
      drug_class = techo_format_drug_class (d->yj_code);
      subtitle = drug_class != NULL ? g_strdup_printf ("%s\n%s\n%s", drug_class, details, places)
                                    : g_strdup_printf ("%s\n%s", details, places);
      left_text = g_strdup_printf (ngettext ("%d day left", "%d days left", left), left);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), d->drug_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      label = gtk_label_new (left_text);
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->n_current++;
    }
  if (self->n_current == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No medicine supply runs today"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->now_box, group);
}

/* ---- the history: rows by ingredient, read from the store -------------- */

/* Shows one of a row's chips (NULL: none). The chips are made once per
 * row widget (history_setup_cb): a bind only says which one shows. */
static void
show_chip (GtkWidget  *expander,
           const char *which)
{
  static const char * const chips[] = { "taking-chip", "overlaps-chip" };

  for (guint i = 0; i < G_N_ELEMENTS (chips); i++)
    gtk_widget_set_visible (g_object_get_data (G_OBJECT (expander), chips[i]),
                            g_strcmp0 (which, chips[i]) == 0);
}

static void
history_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *suffix = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *taking = techo_chip_new (_("Taking now"), NULL, "accent");
  GtkWidget *overlaps = techo_chip_new (_("Overlaps"), "dialog-warning-symbolic", "warning");

  gtk_widget_set_visible (taking, FALSE);
  gtk_widget_set_visible (overlaps, FALSE);
  gtk_box_append (GTK_BOX (suffix), taking);
  gtk_box_append (GTK_BOX (suffix), overlaps);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_label_set_lines (GTK_LABEL (subtitle), 2);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (texts), title);
  gtk_box_append (GTK_BOX (texts), subtitle);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), suffix);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_end (box, 6);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  g_object_set_data (G_OBJECT (expander), "title", title);
  g_object_set_data (G_OBJECT (expander), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (expander), "taking-chip", taking);
  g_object_set_data (G_OBJECT (expander), "overlaps-chip", overlaps);
  gtk_list_item_set_child (item, expander);
}

static void
history_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 TechoMedicinesPage       *self)
{
  GtkWidget *expander = gtk_list_item_get_child (item);
  GtkTreeListRow *row = gtk_list_item_get_item (item);
  GtkLabel *title = g_object_get_data (G_OBJECT (expander), "title");
  GtkLabel *subtitle = g_object_get_data (G_OBJECT (expander), "subtitle");
  g_autoptr(GObject) object = gtk_tree_list_row_get_item (row);

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), row);
  if (TECHO_IS_INGREDIENT_ITEM (object))
    {
      TechoIngredientItem *ingredient = TECHO_INGREDIENT_ITEM (object);
      const TechoIngredientSummary *summary = techo_ingredient_item_get_summary (ingredient);
      g_autofree char *newest = techo_format_date (summary->newest);
      g_autofree char *text = NULL;

      /* TRANSLATORS: an ingredient's row in the medicine history: how many
       * times it was dispensed, and the date of the latest. */
      text = g_strdup_printf (ngettext ("%u dispensing, the latest on %s",
                                        "%u dispensings, the latest on %s", summary->n),
                              summary->n, newest != NULL ? newest : "");
      if (techo_ingredient_item_get_flagged (ingredient))
        {
          g_autofree char *both = g_strdup_printf ("%s\n%s", text,
                                                   _("Overlapping supply from different prescribers"));

          g_free (text);
          text = g_steal_pointer (&both);
        }
      gtk_label_set_text (title, summary->name);
      gtk_label_set_text (subtitle, text);
      gtk_widget_remove_css_class (GTK_WIDGET (title), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (title), "heading");
      show_chip (expander, techo_ingredient_item_get_current (ingredient) ? "taking-chip" : NULL);
    }
  else
    {
      TechoDispensingItem *entry = TECHO_DISPENSING_ITEM (object);
      const TechoDispensing *d = techo_dispensing_item_get_dispensing (entry);

      gtk_widget_remove_css_class (GTK_WIDGET (title), "heading");
      if (d == NULL)
        {
          /* Its page is on its way from the store. */
          gtk_label_set_text (title, "…");
          gtk_label_set_text (subtitle, "");
          gtk_widget_add_css_class (GTK_WIDGET (title), "dim-label");
          show_chip (expander, NULL);
        }
      else
        {
          g_autofree char *date = techo_format_date (d->dispensed_on);
          g_autofree char *places = dispensing_places (d);
          g_autofree char *details = dispensing_details (d);
          g_autofree char *title_text = NULL;
          g_autofree char *subtitle_text = NULL;

          title_text = g_strdup_printf ("%s · %s", date != NULL ? date : "",
                                        d->drug_name != NULL ? d->drug_name : "");
          subtitle_text = g_strdup_printf ("%s\n%s", details, places);
          gtk_widget_remove_css_class (GTK_WIDGET (title), "dim-label");
          gtk_label_set_text (title, title_text);
          gtk_label_set_text (subtitle, subtitle_text);
          show_chip (expander, techo_dispensing_item_get_flagged (entry) ? "overlaps-chip" : NULL);
        }
    }
}

static void
history_unbind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  user_data)
{
  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (gtk_list_item_get_child (item)), NULL);
}

/* An ingredient's dispensings, read from the store a page at a time when
 * it is expanded. */
static GListModel *
create_child_model_cb (gpointer item,
                       gpointer user_data)
{
  TechoMedicinesPage *self = user_data;
  const TechoIngredientSummary *summary;

  if (!TECHO_IS_INGREDIENT_ITEM (item) || self->store == NULL || self->records == NULL
      || self->records->profile == NULL)
    return NULL;
  summary = techo_ingredient_item_get_summary (item);
  return G_LIST_MODEL (techo_dispensing_model_new (self->store, self->records->profile->id,
                                                   summary->key, summary->n,
                                                   self->flagged_ids));
}

static void
set_history_model (TechoMedicinesPage *self,
                   GListModel         *ingredients)
{
  GtkTreeListModel *tree = NULL;
  GtkSelectionModel *selection;

  if (ingredients != NULL)
    tree = gtk_tree_list_model_new (g_object_ref (ingredients), FALSE, FALSE,
                                    create_child_model_cb, self, NULL);
  selection = GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (tree)));
  gtk_list_view_set_model (self->history_list, selection);
  g_object_unref (selection);
}

static void
ingredients_listed_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(TechoMedicinesPage) self = user_data;
  g_autoptr(GPtrArray) summaries = NULL;
  g_autoptr(GListStore) ingredients = NULL;
  g_autoptr(GError) error = NULL;

  summaries = techo_store_list_ingredients_finish (TECHO_STORE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (summaries == NULL)
    {
      g_warning ("Could not list the medicines: %s", error->message);
      return;
    }
  ingredients = g_list_store_new (TECHO_TYPE_INGREDIENT_ITEM);
  for (guint i = 0; i < summaries->len; i++)
    {
      TechoIngredientSummary *summary = g_ptr_array_index (summaries, i);
      gboolean current = g_hash_table_contains (self->current_keys, summary->key);
      gboolean flagged = g_hash_table_contains (self->flagged_keys, summary->key);
      g_autoptr(TechoIngredientItem) item = NULL;

      summaries->pdata[i] = NULL;
      item = techo_ingredient_item_new (summary, current, flagged);
      g_list_store_append (ingredients, item);
    }
  self->n_ingredients = summaries->len;
  set_history_model (self, G_LIST_MODEL (ingredients));
  /* Dispensings older than the window the app holds are medicines too. */
  if (summaries->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "content");
}

static void
build_history (TechoMedicinesPage *self,
               GHashTable         *flagged)
{
  GtkWidget *heading = gtk_label_new (_("Last 12 months"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *title = gtk_label_new (_("By ingredient"));
  GtkWidget *description = gtk_label_new (_("Every dispensing, newest first"));
  GHashTableIter iter;
  gpointer key;

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (self->history_box, heading);
  self->timeline = TECHO_MEDICINE_TIMELINE (techo_medicine_timeline_new ());
  techo_medicine_timeline_set_data (self->timeline, self->records, self->today, flagged);
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (self->timeline));
  gtk_widget_add_css_class (frame, "view");
  gtk_box_append (self->history_box, frame);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (self->history_box, title);
  gtk_label_set_xalign (GTK_LABEL (description), 0);
  gtk_widget_add_css_class (description, "dim-label");
  gtk_box_append (self->history_box, description);

  /* What the analysis says of the dispensings the app holds (the recent
   * window: what is current, what overlaps) marks the store's rows. */
  for (guint i = 0; i < self->records->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (self->records->dispensings, i);

      if (techo_analysis_is_current (d, self->today))
        g_hash_table_add (self->current_keys, ingredient_key (d));
    }
  g_hash_table_iter_init (&iter, flagged);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const TechoDispensing *d = key;

      g_hash_table_add (self->flagged_keys, ingredient_key (d));
      if (d->id != NULL)
        g_hash_table_add (self->flagged_ids, g_strdup (d->id));
    }

  if (self->store == NULL || !techo_store_is_open (self->store)
      || self->records->profile == NULL)
    return;
  self->loading = TRUE;
  techo_store_list_ingredients_async (self->store, self->records->profile->id,
                                      self->cancellable, ingredients_listed_cb,
                                      g_object_ref (self));
}

static void
edit_medical_id_cb (TechoMedicinesPage *self)
{
  techo_medicines_page_show_view (self, "medical-id");
}

/* The group above the medicines, with the way to the Medical ID where
 * these are added and changed. */
static GtkWidget *
notebook_group_new (TechoMedicinesPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();

  /* Named as the view it leads to; the title stays one short line at
   * 360 px (a group's title is ellipsized). */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Medical ID"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Allergies, side effects and OTC medicines"));
  return group;
}

/* The last row: the way to the Medical ID, where these are changed. */
static void
add_edit_row (TechoMedicinesPage *self,
              GtkWidget          *group)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 _("Add or change allergies, side effects and OTC "
                                   "medicines in your Medical ID"));
  gtk_widget_set_name (row, "medicines-edit-medical-id");
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);
  g_signal_connect_object (row, "activated", G_CALLBACK (edit_medical_id_cb), self,
                           G_CONNECT_SWAPPED);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

/* What the medication notebook says about the person, above the medicines:
 * allergies and side effects first (what a doctor must see), then OTC
 * medicines and supplements. */
static void
build_notebook (TechoMedicinesPage *self)
{
  GtkWidget *group = NULL;

  for (guint k = 0; k < G_N_ELEMENTS (techo_format_notebook_shown); k++)
    for (guint i = 0; i < self->records->entries->len; i++)
      {
        const TechoNotebookEntry *e = g_ptr_array_index (self->records->entries, i);
        g_autoptr(GString) subtitle = NULL;
        GtkWidget *row;

        if (e->kind != techo_format_notebook_shown[k] || e->text == NULL)
          continue;
        if (group == NULL)
          group = notebook_group_new (self);
        subtitle = g_string_new (techo_format_notebook_kind (e->kind));
        techo_format_append_entry_details (subtitle, e);
        if (e->provenance.origin == TECHO_ORIGIN_MANUAL)
          {
            g_autofree char *origin = techo_format_entry_origin (e);

            g_string_append_printf (subtitle, " · %s", origin);
          }
        row = adw_action_row_new ();
        adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
        adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->text);
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
        if (e->kind != TECHO_NOTEBOOK_OTC)
          {
            GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

            gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                            GTK_ACCESSIBLE_PROPERTY_LABEL,
                                            techo_format_notebook_kind (e->kind), -1);
            adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
          }
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        self->n_notebook++;
      }
  if (group == NULL)
    {
      GtkWidget *row = adw_action_row_new ();

      group = notebook_group_new (self);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No allergies, side effects or OTC medicines noted"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  add_edit_row (self, group);
  gtk_box_append (self->now_box, group);
}

static void
rebuild (TechoMedicinesPage *self)
{
  g_autoptr(GHashTable) flagged = g_hash_table_new (NULL, NULL);

  clear_box (self->now_box);
  clear_box (self->history_box);
  self->timeline = NULL;
  /* A read of the ingredients still on its way is for the records replaced. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = FALSE;
  set_history_model (self, NULL);
  g_clear_pointer (&self->flagged_ids, g_hash_table_unref);
  self->flagged_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_remove_all (self->current_keys);
  g_hash_table_remove_all (self->flagged_keys);
  self->n_current = self->n_ingredients = self->n_duplicates = self->n_notebook = 0;
  g_free (self->today);
  self->today = techo_format_today ();   /* honours TECHO_TODAY */
  techo_medical_id_set_records (self->medical_id, self->records, self->today);
  if (self->records == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  build_notebook (self);
  build_duplicates (self, flagged);
  build_now (self);
  build_history (self, flagged);
  /* With a person in the store, the Medical ID is open to notes even
   * before any medicine arrives. Without a person, recent dispensings or
   * notebook entries the page stays empty until the store says there are
   * older dispensings. */
  gtk_stack_set_visible_child_name (self->stack,
                                    self->records->dispensings->len > 0
                                    || self->records->entries->len > 0
                                    || self->records->profile != NULL ? "content" : "empty");
}

static void
techo_medicines_page_dispose (GObject *object)
{
  TechoMedicinesPage *self = TECHO_MEDICINES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_MEDICINES_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->flagged_ids, g_hash_table_unref);
  g_clear_pointer (&self->current_keys, g_hash_table_unref);
  g_clear_pointer (&self->flagged_keys, g_hash_table_unref);
  g_clear_pointer (&self->today, g_free);
  G_OBJECT_CLASS (techo_medicines_page_parent_class)->dispose (object);
}

static void
techo_medicines_page_set_records (TechoPage      *page,
                                  TechoRecordSet *records)
{
  TechoMedicinesPage *self = TECHO_MEDICINES_PAGE (page);

  techo_page_replace_records (&self->records, records);
  rebuild (self);
}

static void
techo_medicines_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_medicines_page_set_records;
}

static void
techo_medicines_page_class_init (TechoMedicinesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (TECHO_TYPE_MEDICAL_ID);
  object_class->dispose = techo_medicines_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-medicines-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, views);
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, now_box);
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, history_box);
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, medical_id);
  gtk_widget_class_bind_template_child (widget_class, TechoMedicinesPage, history_list);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_medicines_page_init (TechoMedicinesPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->current_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->flagged_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_signal_connect (factory, "setup", G_CALLBACK (history_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (history_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (history_unbind_cb), NULL);
  gtk_list_view_set_factory (self->history_list, factory);
  g_object_unref (factory);
}

guint
techo_medicines_page_get_n_notebook_rows (TechoMedicinesPage *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICINES_PAGE (self), 0);
  return self->n_notebook;
}

guint
techo_medicines_page_get_n_current (TechoMedicinesPage *self)
{
  return self->n_current;
}

guint
techo_medicines_page_get_n_ingredients (TechoMedicinesPage *self)
{
  return self->n_ingredients;
}

guint
techo_medicines_page_get_n_duplicates (TechoMedicinesPage *self)
{
  return self->n_duplicates;
}

void
techo_medicines_page_show_view (TechoMedicinesPage *self,
                                const char         *name)
{
  adw_view_stack_set_visible_child_name (self->views, name);
}

guint
techo_medicines_page_get_n_timeline_lanes (TechoMedicinesPage *self)
{
  return self->timeline != NULL ? techo_medicine_timeline_get_n_lanes (self->timeline) : 0;
}

void
techo_medicines_page_set_store (TechoMedicinesPage *self,
                                TechoStore         *store)
{
  g_return_if_fail (TECHO_IS_MEDICINES_PAGE (self));
  g_set_object (&self->store, store);
  techo_medical_id_set_store (self->medical_id, store);
}

TechoMedicalId *
techo_medicines_page_get_medical_id (TechoMedicinesPage *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICINES_PAGE (self), NULL);
  return self->medical_id;
}

gboolean
techo_medicines_page_is_loading (TechoMedicinesPage *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICINES_PAGE (self), FALSE);
  return self->loading;
}

GtkListView *
techo_medicines_page_get_history_list (TechoMedicinesPage *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICINES_PAGE (self), NULL);
  return self->history_list;
}

GtkTreeListModel *
techo_medicines_page_get_history_model (TechoMedicinesPage *self)
{
  GtkSelectionModel *selection;

  g_return_val_if_fail (TECHO_IS_MEDICINES_PAGE (self), NULL);
  selection = gtk_list_view_get_model (self->history_list);
  if (selection == NULL)
    return NULL;
  return GTK_TREE_LIST_MODEL (gtk_no_selection_get_model (GTK_NO_SELECTION (selection)));
}
