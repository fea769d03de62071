/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-checkups-page"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-cda.h"
#include "techo-checkup-table.h"
#include "techo-checkups-page.h"
#include "techo-error-text.h"
#include "techo-format.h"
#include "techo-widget-util.h"

/* Rows of the history built with the page, then each idle turn. */
#define FIRST_ROWS 8
#define ROWS_A_TURN 8

struct _TechoCheckupsPage
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkListBox *list;
  TechoCheckupTable *table;
  GtkSpinButton *columns_spin;
  GtkLabel *detail_title;
  GtkLabel *detail_subtitle;
  GtkBox *groups;
  GtkButton *save_button;

  TechoRecordSet *records;
  TechoStore *store;
  const TechoCheckup *shown;       /* borrowed from the records */
  GHashTable *detail_values;       /* analyte key → GtkLabel */
  GHashTable *value_sources;       /* item code → the names of its sources, joined */
  GPtrArray *detail_groups;        /* of char* */
  GtkFileChooserNative *chooser;
  GCancellable *cancellable;
  guint n_rows;
  guint n_guidance_rows;           /* 特定保健指導 records listed after the checkups */
  guint rows_idle_id;              /* adds the rows below the first screenful */
  guint detail_serial;             /* which detail an answer of the store is for */
  gboolean saving;
};

static void techo_checkups_page_page_init (TechoPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TechoCheckupsPage, techo_checkups_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (TECHO_TYPE_PAGE,
                                                      techo_checkups_page_page_init))

static void
columns_changed_cb (GtkSpinButton     *spin,
                    TechoCheckupsPage *self)
{
  techo_checkup_table_set_max_columns (self->table,
                                       (guint) gtk_spin_button_get_value_as_int (spin));
}

static void
toast (TechoCheckupsPage *self,
       const char        *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

/* ---- saving the official file ----------------------------------------- */

typedef struct
{
  TechoStore *store;
  gint64 profile_id;
  TechoCheckup *checkup;     /* borrowed; the records outlive the task */
  TechoProfile *profile;     /* borrowed */
  GFile *file;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->file);
  g_free (data);
}

static void
save_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  SaveData *data = task_data;
  g_autoptr(GBytes) document = NULL;
  GError *error = NULL;

  /* The portal's own file when the store keeps it; otherwise the same
   * national format written from the stored values. */
  if (data->store != NULL && data->checkup->id != NULL)
    document = techo_store_load_document_sync (data->store, data->profile_id,
                                                data->checkup->id, cancellable, &error);
  g_clear_error (&error);
  if (document == NULL)
    {
      gsize length = 0;
      char *text = techo_cda_write_checkup (data->checkup, data->profile, &length, &error);

      if (text == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      document = g_bytes_new_take (text, length);
    }
  if (!g_file_replace_contents (data->file, g_bytes_get_data (document, NULL),
                                g_bytes_get_size (document), NULL, FALSE,
                                G_FILE_CREATE_PRIVATE | G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
save_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  TechoCheckupsPage *self = TECHO_CHECKUPS_PAGE (source);
  g_autoptr(GError) error = NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
  self->saving = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      techo_error_text_log ("Saving the official file", error);
      message = techo_error_text_dup_message (_("Could not save the file."), error);
      toast (self, message);
      return;
    }
  toast (self, _("Official file saved"));
}

static void
chooser_response_cb (GtkNativeDialog   *dialog,
                     int                response,
                     TechoCheckupsPage *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_clear_object (&self->chooser);
  if (file != NULL)
    techo_checkups_page_save_official_file (self, file);
}

static void
save_clicked_cb (GtkButton         *button,
                 TechoCheckupsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;

  if (self->shown == NULL || self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Save Official File"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("checkup-%s.xml",
                          self->shown->performed_on != NULL ? self->shown->performed_on : "");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- the detail ---------------------------------------------------------- */

/* Why a file gave no value (HL7 nullFlavor), in words. */
static char *
null_flavor_words (const char *flavor)
{
  if (g_strcmp0 (flavor, "NI") == 0)
    return g_strdup (_("No information"));
  if (g_strcmp0 (flavor, "UNK") == 0 || g_strcmp0 (flavor, "ASKU") == 0)
    return g_strdup (_("Unknown"));
  if (g_strcmp0 (flavor, "NA") == 0)
    return g_strdup (_("Not applicable"));
  /* TRANSLATORS: %s is an HL7 nullFlavor code such as NAV or MSK. */
  return g_strdup_printf (_("No value (%s)"), flavor);
}

/* Whether the laboratory's own flag and Techo's national-threshold status
 * say different things (a high or low flag on a normal value, or a normal
 * flag on a value over a threshold). */
static gboolean
lab_disagrees (const char  *interpretation,
               TechoStatus  status)
{
  gboolean lab_normal = g_strcmp0 (interpretation, "N") == 0;

  if (status == TECHO_STATUS_UNKNOWN || interpretation == NULL)
    return FALSE;
  return lab_normal ? status != TECHO_STATUS_NORMAL : status == TECHO_STATUS_NORMAL;
}

/* The laboratory's own flag and range, as the file gave them. */
static GtkWidget *
lab_label (const TechoItem *item,
           TechoStatus      status)
{
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *label;

  if (item->interpretation == NULL && item->reference_range == NULL)
    return NULL;
  if (item->interpretation != NULL)
    /* TRANSLATORS: the laboratory's own flag, e.g. "Lab: H". */
    g_string_append_printf (text, _("Lab: %s"), item->interpretation);
  if (item->reference_range != NULL)
    {
      if (text->len > 0)
        g_string_append_c (text, ' ');
      /* TRANSLATORS: the laboratory's reference range, e.g. "(range 4.6-6.2 %)". */
      g_string_append_printf (text, _("(range %s)"), item->reference_range);
    }
  label = gtk_label_new (text->str);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "caption");
  if (lab_disagrees (item->interpretation, status))
    {
      gtk_widget_add_css_class (label, "warning");
      gtk_widget_set_tooltip_text (label, _("The laboratory’s own flag differs from the "
                                            "national checkup threshold shown beside it."));
    }
  else
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static GtkWidget *
item_row (TechoCheckupsPage  *self,
          const TechoAnalyte *analyte,
          const TechoItem    *item)
{
  GtkWidget *row = adw_action_row_new ();
  const char *sex = techo_analysis_sex (self->records);
  const char *title = analyte != NULL ? techo_format_analyte_name (analyte) : item->name;
  g_autofree char *value = item->null_flavor != NULL ? null_flavor_words (item->null_flavor)
                                                     : techo_format_value (analyte, item);
  g_autofree char *thresholds = techo_format_thresholds (analyte, sex);
  TechoStatus status = TECHO_STATUS_UNKNOWN;
  GtkWidget *label;
  GtkWidget *lab;

  /* Values and names are the file's text, never markup ("<再検査>"). */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title != NULL ? title : item->code);

  if (item->type == TECHO_VALUE_ST && !item->not_performed)
    {
      /* Free text (the doctor's opinion) reads as a paragraph. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
      gtk_widget_add_css_class (row, "property");
      label = NULL;
    }
  else
    {
      label = gtk_label_new (value);
      gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (label, "numeric");
      if (item->not_performed || item->null_flavor != NULL)
        gtk_widget_add_css_class (label, "dim-label");
      if (!item->not_performed && item->value != NULL && analyte != NULL)
        status = techo_reference_classify (analyte, item->value, sex);
      /* The laboratory's flag and range beside Techo's own status. */
      lab = lab_label (item, status);
      if (lab != NULL)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), lab);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      if (thresholds != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), thresholds);
      if (status != TECHO_STATUS_UNKNOWN)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), techo_status_chip_new (status));
    }
  /* The analyte's value is the item the one finder picks (another item
   * of the same analyte, not performed, is listed but is not its value). */
  if (analyte != NULL && label != NULL && item == techo_analysis_find (self->shown, analyte))
    g_hash_table_insert (self->detail_values, g_strdup (analyte->key), label);
  return row;
}

typedef struct
{
  TechoCheckupsPage *self;   /* alive while its cancellable is not cancelled */
  guint serial;
} SourcesRequest;

static char *
source_name (const TechoRecordSource *s)
{
  if (s->origin == TECHO_ORIGIN_FILE)
    return g_strdup (s->file_name);
  if (s->origin == TECHO_ORIGIN_PORTAL)
    return g_strdup (_("My Number Portal"));
  return g_strdup (_("Entered by hand"));
}

/* Every source of each value, in one expander under the sources. */
static void
item_sources_loaded_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autofree SourcesRequest *request = user_data;
  g_autoptr(GHashTable) by_code = NULL;
  TechoCheckupsPage *self;
  GtkWidget *group, *expander;

  by_code = techo_store_list_item_sources_finish (TECHO_STORE (source), result, NULL);
  if (by_code == NULL)
    return;
  self = request->self;
  if (request->serial != self->detail_serial || self->shown == NULL
      || g_hash_table_size (by_code) == 0)
    return;
  group = adw_preferences_group_new ();
  expander = adw_expander_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), _("Sources of Each Value"));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                 _("Every source that gave the same value"));
  for (guint i = 0; self->shown->items != NULL && i < self->shown->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (self->shown->items, i);
      const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);
      GPtrArray *list = item->code != NULL ? g_hash_table_lookup (by_code, item->code) : NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *joined = NULL;
      const char *title;
      GtkWidget *row;

      if (list == NULL || g_hash_table_contains (self->value_sources, item->code))
        continue;
      for (guint j = 0; j < list->len; j++)
        g_ptr_array_add (names, source_name (g_ptr_array_index (list, j)));
      g_ptr_array_add (names, NULL);
      /* TRANSLATORS: joins the names of a value's sources. */
      joined = g_strjoinv (_(", "), (char **) names->pdata);
      title = analyte != NULL ? techo_format_analyte_name (analyte) : item->name;
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     title != NULL ? title : item->code);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), joined);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
      g_hash_table_insert (self->value_sources, g_strdup (item->code), g_steal_pointer (&joined));
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
  gtk_box_append (self->groups, group);
}

static void
sources_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree SourcesRequest *request = user_data;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;
  TechoCheckupsPage *self;
  GtkWidget *group;

  sources = techo_store_list_sources_finish (TECHO_STORE (source), result, &error);
  if (sources == NULL)
    return; /* cancelled with the page, or nothing to show */
  self = request->self;
  /* Another checkup is shown by now. */
  if (request->serial != self->detail_serial || sources->len == 0)
    return;
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Sources and History"));
  for (guint i = 0; i < sources->len; i++)
    {
      const TechoRecordSource *s = g_ptr_array_index (sources, i);
      GtkWidget *row = adw_action_row_new ();
      g_autoptr(GDateTime) when = g_date_time_new_from_unix_local (s->added_at);
      g_autofree char *day = g_date_time_format (when, "%Y-%m-%d");
      g_autofree char *title = NULL;

      if (g_strcmp0 (s->event, "replaced") == 0)
        title = g_strdup_printf (ngettext ("Values replaced by a corrected file, %s (%u value "
                                           "changed)",
                                           "Values replaced by a corrected file, %s (%u values "
                                           "changed)", s->n_changed),
                                 s->file_name, s->n_changed);
      else if (s->origin == TECHO_ORIGIN_FILE)
        title = g_strdup_printf (_("Imported file %s"), s->file_name);
      else if (s->origin == TECHO_ORIGIN_PORTAL)
        title = g_strdup (_("Synced from My Number Portal"));
      else
        title = g_strdup (_("Entered by hand"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), day);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->groups, group);

  /* Then the sources of each value, below. */
  if (self->shown != NULL && self->shown->id != NULL && self->records != NULL
      && self->records->profile != NULL)
    {
      SourcesRequest *next = g_new0 (SourcesRequest, 1);

      next->self = self;
      next->serial = request->serial;
      techo_store_list_item_sources_async (TECHO_STORE (source), self->records->profile->id,
                                           self->shown->id, self->cancellable,
                                           item_sources_loaded_cb, next);
    }
}

static void
fill_detail (TechoCheckupsPage  *self,
             const TechoCheckup *checkup)
{
  GtkWidget *child;
  g_autofree char *date = techo_format_date (checkup->performed_on);
  g_autofree char *subtitle = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->groups))) != NULL)
    gtk_box_remove (self->groups, child);
  g_hash_table_remove_all (self->detail_values);
  g_hash_table_remove_all (self->value_sources);
  g_ptr_array_set_size (self->detail_groups, 0);
  self->shown = checkup;

  gtk_label_set_text (self->detail_title, date);
  subtitle = g_strdup_printf ("%s · %s", techo_format_checkup_kind (self->records, checkup),
                              checkup->institution_name != NULL ? checkup->institution_name : "");
  gtk_label_set_text (self->detail_subtitle, subtitle);

  /* The groups of the official form, in its order. */
  for (guint g = 0; g < TECHO_N_FORM_GROUPS; g++)
    {
      GtkWidget *group = NULL;

      for (guint i = 0; checkup->items != NULL && i < checkup->items->len; i++)
        {
          const TechoItem *item = g_ptr_array_index (checkup->items, i);
          const TechoAnalyte *analyte = techo_reference_analyte_for_code (item->code);

          if (analyte == NULL ? g != TECHO_FORM_GROUP_QUESTIONNAIRE : analyte->group != g)
            continue;
          if (group == NULL)
            {
              group = adw_preferences_group_new ();
              adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                               techo_format_group_name (g));
              g_ptr_array_add (self->detail_groups, g_strdup (techo_format_group_name (g)));
            }
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), item_row (self, analyte, item));
        }
      if (group != NULL)
        gtk_box_append (self->groups, group);
    }

  /* Who judged, then every way this checkup arrived (read off the main
   * thread; the group comes last when the store answers). */
  if (checkup->doctor_name != NULL)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Judging doctor"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), checkup->doctor_name);
      gtk_widget_add_css_class (row, "property");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      gtk_box_append (self->groups, group);
    }
  self->detail_serial++;
  if (self->store != NULL && self->records != NULL && self->records->profile != NULL
      && checkup->id != NULL)
    {
      SourcesRequest *request = g_new0 (SourcesRequest, 1);

      request->self = self;
      request->serial = self->detail_serial;
      techo_store_list_sources_async (self->store, self->records->profile->id,
                                      TECHO_CATEGORY_CHECKUP, checkup->id, self->cancellable,
                                      sources_loaded_cb, request);
    }
}

static void
row_activated_cb (GtkListBox        *list,
                  GtkListBoxRow     *row,
                  TechoCheckupsPage *self)
{
  techo_checkups_page_show_detail (self, (guint) gtk_list_box_row_get_index (row));
}

static void
back_clicked_cb (GtkButton         *button,
                 TechoCheckupsPage *self)
{
  techo_checkups_page_show_list (self);
}

/* The list's row for checkup @i. */
static void
add_checkup_row (TechoCheckupsPage *self,
                 guint              i)
{
  const TechoCheckup *checkup = g_ptr_array_index (self->records->checkups, i);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *date = techo_format_date (checkup->performed_on);
  g_autofree char *subtitle = NULL;
  g_autofree char *chip_text = NULL;
  TechoAssessment assessment;
  TechoGuidanceLevel level;

  /* The kind on every row: 特定健診, 後期高齢者健診, 事業主健診 … */
  subtitle = g_strdup_printf ("%s · %s", techo_format_checkup_kind (self->records, checkup),
                              checkup->institution_name != NULL ? checkup->institution_name : "");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  /* The guidance level as the source says it, or worked out (and
   * labelled so) from the values, the sex and the age on that day. */
  techo_analysis_assess (self->records, checkup, &assessment);
  level = assessment.level;
  chip_text = techo_format_assessment (techo_guidance_level_label_ja (level),
                                       assessment.level_reported);
  if (level != TECHO_GUIDANCE_UNKNOWN)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               techo_chip_new (chip_text,
                                               level == TECHO_GUIDANCE_ACTIVE
                                                 ? "dialog-warning-symbolic" : NULL,
                                               level == TECHO_GUIDANCE_ACTIVE ? "warning" : NULL));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_list_box_append (self->list, row);
  self->n_rows++;
}

/* The list's row for 特定保健指導 (health guidance) record @i: after the
 * checkups (whose rows keep their indexes), no results to open. */
static void
add_guidance_row (TechoCheckupsPage *self,
                  guint              i)
{
  const TechoCheckup *guidance = g_ptr_array_index (self->records->guidance, i);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *date = techo_format_date (guidance->performed_on);
  g_autofree char *subtitle = NULL;

  /* TRANSLATORS: "Health guidance · institution". */
  subtitle = g_strdup_printf (_("Health guidance (特定保健指導) · %s"),
                              guidance->institution_name != NULL
                              ? guidance->institution_name : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             techo_chip_new (_("Health guidance"), NULL, NULL));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_list_box_append (self->list, row);
  self->n_guidance_rows++;
}

/* Adds up to @max rows of those still to come (every one: G_MAXUINT);
 * FALSE when none is left. */
static gboolean
add_rows (TechoCheckupsPage *self,
          guint              max)
{
  guint n_checkups = self->records != NULL ? self->records->checkups->len : 0;
  guint n_guidance = self->records != NULL ? self->records->guidance->len : 0;

  for (guint added = 0; added < max; added++)
    {
      if (self->n_rows < n_checkups)
        add_checkup_row (self, self->n_rows);
      else if (self->n_guidance_rows < n_guidance)
        add_guidance_row (self, self->n_guidance_rows);
      else
        return FALSE;
    }
  return self->n_rows < n_checkups || self->n_guidance_rows < n_guidance;
}

static gboolean
rows_idle_cb (gpointer user_data)
{
  TechoCheckupsPage *self = user_data;

  if (add_rows (self, ROWS_A_TURN))
    return G_SOURCE_CONTINUE;
  self->rows_idle_id = 0;
  return G_SOURCE_REMOVE;
}

/* Every row now, for a caller that reads them. */
static void
finish_rows (TechoCheckupsPage *self)
{
  g_clear_handle_id (&self->rows_idle_id, g_source_remove);
  add_rows (self, G_MAXUINT);
}

static void
rebuild (TechoCheckupsPage *self)
{
  GtkWidget *child;

  g_clear_handle_id (&self->rows_idle_id, g_source_remove);
  self->shown = NULL;
  self->n_rows = 0;
  self->n_guidance_rows = 0;
  self->detail_serial++;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  techo_checkup_table_set_records (self->table, self->records);
  if (self->records == NULL
      || (self->records->checkups->len == 0 && self->records->guidance->len == 0))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  /* As many columns as there are checkups, at most. */
  gtk_adjustment_set_upper (gtk_spin_button_get_adjustment (self->columns_spin),
                            MAX (self->records->checkups->len, 1));

  /* A screenful of rows now; the rest below the fold once the page is
   * drawn, a few each idle turn (a lifetime is ~40 checkups: ~180 ms of
   * rows on the switch to the page). */
  if (add_rows (self, FIRST_ROWS))
    self->rows_idle_id = g_idle_add_full (G_PRIORITY_LOW, rows_idle_cb, self, NULL);
  gtk_stack_set_visible_child_name (self->stack, "list");
}

static void
techo_checkups_page_dispose (GObject *object)
{
  TechoCheckupsPage *self = TECHO_CHECKUPS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rows_idle_id, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_CHECKUPS_PAGE);
  techo_widget_unparent_children (GTK_WIDGET (self));
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_checkups_page_parent_class)->dispose (object);
}

static void
techo_checkups_page_finalize (GObject *object)
{
  TechoCheckupsPage *self = TECHO_CHECKUPS_PAGE (object);

  g_hash_table_unref (self->detail_values);
  g_hash_table_unref (self->value_sources);
  g_ptr_array_unref (self->detail_groups);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (techo_checkups_page_parent_class)->finalize (object);
}

static void
techo_checkups_page_set_records (TechoPage      *page,
                                 TechoRecordSet *records)
{
  TechoCheckupsPage *self = TECHO_CHECKUPS_PAGE (page);

  techo_page_replace_records (&self->records, records);
  rebuild (self);
}

static void
techo_checkups_page_page_init (TechoPageInterface *iface)
{
  iface->set_records = techo_checkups_page_set_records;
}

static void
techo_checkups_page_class_init (TechoCheckupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_checkups_page_dispose;
  object_class->finalize = techo_checkups_page_finalize;

  g_type_ensure (TECHO_TYPE_CHECKUP_TABLE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-checkups-page.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, list);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, table);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, columns_spin);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, detail_subtitle);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, groups);
  gtk_widget_class_bind_template_child (widget_class, TechoCheckupsPage, save_button);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, columns_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_checkups_page_init (TechoCheckupsPage *self)
{
  self->detail_values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->value_sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->detail_groups = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
techo_checkups_page_set_store (TechoCheckupsPage *self,
                               TechoStore        *store)
{
  g_set_object (&self->store, store);
}

guint
techo_checkups_page_get_n_rows (TechoCheckupsPage *self)
{
  finish_rows (self);
  return self->n_rows;
}

gboolean
techo_checkups_page_show_detail (TechoCheckupsPage *self,
                                 guint              index)
{
  if (self->records == NULL || index >= self->records->checkups->len)
    return FALSE;
  fill_detail (self, g_ptr_array_index (self->records->checkups, index));
  gtk_stack_set_visible_child_name (self->stack, "detail");
  return TRUE;
}

void
techo_checkups_page_show_list (TechoCheckupsPage *self)
{
  if (self->records != NULL && self->records->checkups->len > 0)
    gtk_stack_set_visible_child_name (self->stack, "list");
}

const char *
techo_checkups_page_get_detail_value (TechoCheckupsPage *self,
                                      const char        *key)
{
  GtkLabel *label = g_hash_table_lookup (self->detail_values, key);

  return label != NULL ? gtk_label_get_text (label) : NULL;
}

guint
techo_checkups_page_get_n_guidance_rows (TechoCheckupsPage *self)
{
  finish_rows (self);
  return self->n_guidance_rows;
}

const char *
techo_checkups_page_get_value_sources (TechoCheckupsPage *self,
                                       const char        *code)
{
  return g_hash_table_lookup (self->value_sources, code);
}

GStrv
techo_checkups_page_dup_detail_groups (TechoCheckupsPage *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv result;

  for (guint i = 0; i < self->detail_groups->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->detail_groups, i));
  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

void
techo_checkups_page_save_official_file (TechoCheckupsPage *self,
                                        GFile             *file)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (G_IS_FILE (file));
  if (self->shown == NULL || self->records == NULL)
    return;

  data = g_new0 (SaveData, 1);
  data->store = self->store != NULL ? g_object_ref (self->store) : NULL;
  data->profile_id = self->records->profile != NULL ? self->records->profile->id : 0;
  data->checkup = (TechoCheckup *) self->shown;
  data->profile = self->records->profile;
  data->file = g_object_ref (file);

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  self->saving = TRUE;
  task = g_task_new (self, self->cancellable, save_done_cb, NULL);
  g_task_set_source_tag (task, techo_checkups_page_save_official_file);
  /* The records (and so the checkup) live as long as the task. */
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);
  g_object_set_data_full (G_OBJECT (task), "records", techo_record_set_ref (self->records),
                          (GDestroyNotify) techo_record_set_unref);
  g_task_run_in_thread (task, save_thread);
}

gboolean
techo_checkups_page_is_saving (TechoCheckupsPage *self)
{
  return self->saving;
}

TechoCheckupTable *
techo_checkups_page_get_table (TechoCheckupsPage *self)
{
  return self->table;
}

const char *
techo_checkups_page_get_row_subtitle (TechoCheckupsPage *self,
                                      guint              index)
{
  GtkListBoxRow *row;

  finish_rows (self);
  row = gtk_list_box_get_row_at_index (self->list, (int) index);
  return row != NULL ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) : NULL;
}

void
techo_checkups_page_set_table_columns (TechoCheckupsPage *self,
                                       guint              n_columns)
{
  gtk_spin_button_set_value (self->columns_spin, n_columns);
}
