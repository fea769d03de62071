/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Medical ID (お薬手帳の基本): what a doctor or pharmacist asks first,
 * in three groups: allergies and side effects, OTC medicines and
 * supplements, and what each current medicine is for. The person's own
 * entries are AdwEntryRows (edit in place, apply to save, a button to
 * remove); what a file brought is a plain row with where it came from. */

#define G_LOG_DOMAIN "techo-medical-id"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-format.h"
#include "techo-medical-id.h"
#include "techo-widget-util.h"

struct _TechoMedicalId
{
  GtkWidget parent_instance;

  GtkBox *box;
  TechoStore *store;
  TechoRecordSet *records;
  char *today;
  GCancellable *cancellable;
  guint n_entries;
  guint n_own;
  guint n_medicines;
  guint n_pending;
};

G_DEFINE_FINAL_TYPE (TechoMedicalId, techo_medical_id, GTK_TYPE_WIDGET)

/* What a row saves: set on the row as object data. */
#define ROW_ENTRY_ID "techo-entry-id"   /* the entry's id; none: a new one */
#define ROW_KIND     "techo-entry-kind" /* TechoNotebookKind + 1 */
#define ROW_CODE     "techo-entry-code" /* a purpose note: the medicine's key */
#define ROW_ADDS     "techo-entry-adds" /* an "Add …" row: cleared once saved */
#define ROW_STORED   "techo-entry-kept" /* the store holds the row's entry */

typedef struct
{
  TechoMedicalId *self;
  GtkWidget *row;
} Pending;

static void
pending_free (Pending *pending)
{
  g_object_unref (pending->self);
  g_object_unref (pending->row);
  g_free (pending);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
toast (TechoMedicalId *self,
       const char     *text)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", text);
}

/* After a save or a removal: the message, and the window reads the
 * records again (every page, visit mode and the report see the change). */
static void
finish_change (Pending     *pending,
               gboolean     ok,
               GError      *error,
               const char  *done,
               const char  *failed)
{
  TechoMedicalId *self = pending->self;

  if (self->n_pending > 0)
    self->n_pending--;
  gtk_widget_set_sensitive (pending->row, TRUE);
  if (!ok)
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      techo_error_text_log (failed, error);
      message = techo_error_text_dup_message (failed, error);
      toast (self, message);
      return;
    }
  if (g_object_get_data (G_OBJECT (pending->row), ROW_ADDS) != NULL)
    gtk_editable_set_text (GTK_EDITABLE (pending->row), "");
  toast (self, done);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.reload", NULL);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = techo_store_save_notebook_entry_finish (TECHO_STORE (source), result,
                                                                 &error);

  finish_change (pending, id != NULL, error, _("Saved in your Medical ID"),
                 _("Could not save your note."));
  pending_free (pending);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Pending *pending = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = techo_store_remove_notebook_entry_finish (TECHO_STORE (source), result, &error);

  finish_change (pending, ok, error, _("Removed from your Medical ID"),
                 _("Could not remove your note."));
  pending_free (pending);
}

static gboolean
can_change (TechoMedicalId *self)
{
  return self->store != NULL && techo_store_is_open (self->store) && self->records != NULL
         && self->records->profile != NULL;
}

static Pending *
pending_new (TechoMedicalId *self,
             GtkWidget      *row)
{
  Pending *pending = g_new0 (Pending, 1);

  pending->self = g_object_ref (self);
  pending->row = g_object_ref (row);
  self->n_pending++;
  gtk_widget_set_sensitive (row, FALSE);
  return pending;
}

static void
remove_entry (TechoMedicalId *self,
              GtkWidget      *row,
              const char     *id)
{
  if (!can_change (self) || id == NULL)
    return;
  techo_store_remove_notebook_entry_async (self->store, self->records->profile->id, id,
                                           self->cancellable, removed_cb,
                                           pending_new (self, row));
}

/* An entry row's apply: saves what it says (an own entry emptied is
 * removed; an empty "Add …" row does nothing). */
static void
entry_apply_cb (AdwEntryRow    *row,
                TechoMedicalId *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  const char *id = g_object_get_data (G_OBJECT (row), ROW_ENTRY_ID);
  TechoNotebookEntry entry = { 0 };

  if (!can_change (self))
    return;
  if (text[0] == '\0')
    {
      if (g_object_get_data (G_OBJECT (row), ROW_STORED) != NULL)
        remove_entry (self, GTK_WIDGET (row), id);
      return;
    }
  entry.id = (char *) id;
  entry.kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), ROW_KIND)) - 1;
  entry.code = g_object_get_data (G_OBJECT (row), ROW_CODE);
  entry.text = text;
  techo_store_save_notebook_entry_async (self->store, self->records->profile->id, &entry,
                                         self->cancellable, saved_cb,
                                         pending_new (self, GTK_WIDGET (row)));
}

static void
remove_clicked_cb (GtkButton      *button,
                   TechoMedicalId *self)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "techo-row");

  remove_entry (self, row, g_object_get_data (G_OBJECT (row), ROW_ENTRY_ID));
}

static GtkWidget *
entry_row_new (TechoMedicalId    *self,
               const char        *title,
               TechoNotebookKind  kind,
               const char        *id,
               const char        *code,
               const char        *text)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
  g_object_set_data_full (G_OBJECT (row), ROW_ENTRY_ID, g_strdup (id), g_free);
  g_object_set_data_full (G_OBJECT (row), ROW_CODE, g_strdup (code), g_free);
  g_object_set_data (G_OBJECT (row), ROW_KIND, GINT_TO_POINTER (kind + 1));
  if (id == NULL && code == NULL)
    g_object_set_data (G_OBJECT (row), ROW_ADDS, GINT_TO_POINTER (1));
  if (text != NULL && text[0] != '\0')
    g_object_set_data (G_OBJECT (row), ROW_STORED, GINT_TO_POINTER (1));
  g_signal_connect_object (row, "apply", G_CALLBACK (entry_apply_cb), self, 0);
  return row;
}

/* The person's own entry: edited in place, with a button to remove it. */
static GtkWidget *
own_row_new (TechoMedicalId           *self,
             const TechoNotebookEntry *e)
{
  g_autofree char *origin = techo_format_entry_origin (e);
  /* Translators: an entry's kind and where it came from, e.g.
   * "Allergy · Entered by you". */
  g_autofree char *title = g_strdup_printf (_("%s · %s"), techo_format_notebook_kind (e->kind), origin);
  g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), e->text);
  GtkWidget *row = entry_row_new (self, title, e->kind, e->id, NULL, e->text);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  remove_label, -1);
  g_object_set_data (G_OBJECT (remove), "techo-row", row);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_clicked_cb), self, 0);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);
  return row;
}

/* What a file brought: as the pharmacy wrote it, with where it came from. */
static GtkWidget *
imported_row_new (const TechoNotebookEntry *e)
{
  g_autofree char *origin = techo_format_entry_origin (e);
  g_autoptr(GString) subtitle = g_string_new (techo_format_notebook_kind (e->kind));
  GtkWidget *row = adw_action_row_new ();

  techo_format_append_entry_details (subtitle, e);
  g_string_append_printf (subtitle, "\n%s", origin);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), e->text);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  if (e->kind != TECHO_NOTEBOOK_OTC)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      techo_format_notebook_kind (e->kind), -1);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

/* One group of entries of @kinds, with an "Add …" row for each. */
static void
build_entries (TechoMedicalId          *self,
               const char              *title,
               const char              *description,
               const TechoNotebookKind *kinds,
               const char * const      *add_titles,
               const char * const      *add_names,
               guint                    n_kinds)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  for (guint k = 0; k < n_kinds; k++)
    for (guint i = 0; i < self->records->entries->len; i++)
      {
        const TechoNotebookEntry *e = g_ptr_array_index (self->records->entries, i);
        gboolean own = e->provenance.origin == TECHO_ORIGIN_MANUAL;

        if (e->kind != kinds[k] || e->text == NULL)
          continue;
        adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                   own ? own_row_new (self, e) : imported_row_new (e));
        self->n_entries++;
        self->n_own += own ? 1 : 0;
      }
  for (guint k = 0; k < n_kinds; k++)
    {
      GtkWidget *row = entry_row_new (self, add_titles[k], kinds[k], NULL, NULL, NULL);

      gtk_widget_set_name (row, add_names[k]);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->box, group);
}

/* Each current medicine: its class and what such a medicine is for (the
 * reference tables), and the person's own note, which they may change. */
static void
build_medicines (TechoMedicalId *self)
{
  g_autoptr(GPtrArray) current = techo_analysis_current_medicines (self->records->dispensings,
                                                                   self->today);
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group),
                                   _("What each medicine is for"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("The class of each medicine you take now, from the "
                                           "national drug classification, and a note of your "
                                           "own."));
  for (guint i = 0; i < current->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (current, i);
      g_autofree char *key = techo_analysis_medicine_key (d);
      g_autofree char *purpose = techo_format_medicine_purpose (d, self->records->entries, FALSE);
      g_autofree char *id = g_strdup_printf ("manual:purpose:%s", key);
      const char *note = techo_analysis_medicine_note (self->records->entries, d);
      GtkWidget *expander = adw_expander_row_new ();
      GtkWidget *row;

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (expander), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), d->drug_name);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander),
                                     purpose != NULL ? purpose
                                                     : _("Class not known: add a note of "
                                                         "what it is for"));
      row = entry_row_new (self, _("Your note of what it is for"), TECHO_NOTEBOOK_PURPOSE,
                           id, key, note);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), expander);
      self->n_medicines++;
    }
  if (current->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("No medicine supply runs today"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_box_append (self->box, group);
}

static void
rebuild (TechoMedicalId *self)
{
  static const TechoNotebookKind warnings[] = { TECHO_NOTEBOOK_ALLERGY,
                                                TECHO_NOTEBOOK_SIDE_EFFECT };
  static const TechoNotebookKind otc[] = { TECHO_NOTEBOOK_OTC };
  const char *warning_adds[] = { _("Add an allergy"), _("Add a side effect") };
  const char * const warning_names[] = { "medical-id-add-allergy", "medical-id-add-side-effect" };
  const char *otc_adds[] = { _("Add an OTC medicine or supplement") };
  const char * const otc_names[] = { "medical-id-add-otc" };

  clear_box (self->box);
  self->n_entries = self->n_own = self->n_medicines = 0;
  if (self->records == NULL)
    return;
  build_entries (self, _("Allergies and side effects"),
                 _("Doctors and pharmacists ask about these first. What your medication "
                   "notebook says is kept as written; add what you know yourself."),
                 warnings, warning_adds, warning_names, G_N_ELEMENTS (warnings));
  build_entries (self, _("OTC medicines and supplements"),
                 _("Medicines bought without a prescription, and supplements, can act "
                   "together with prescribed ones."),
                 otc, otc_adds, otc_names, G_N_ELEMENTS (otc));
  build_medicines (self);
}

static void
techo_medical_id_dispose (GObject *object)
{
  TechoMedicalId *self = TECHO_MEDICAL_ID (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  techo_widget_unparent_children (GTK_WIDGET (self));
  self->box = NULL;
  g_clear_object (&self->store);
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_pointer (&self->today, g_free);
  G_OBJECT_CLASS (techo_medical_id_parent_class)->dispose (object);
}

static void
techo_medical_id_class_init (TechoMedicalIdClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_medical_id_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_medical_id_init (TechoMedicalId *self)
{
  self->cancellable = g_cancellable_new ();
  self->box = GTK_BOX (gtk_box_new (GTK_ORIENTATION_VERTICAL, 18));
  gtk_widget_set_parent (GTK_WIDGET (self->box), GTK_WIDGET (self));
}

GtkWidget *
techo_medical_id_new (void)
{
  return g_object_new (TECHO_TYPE_MEDICAL_ID, NULL);
}

void
techo_medical_id_set_store (TechoMedicalId *self,
                            TechoStore     *store)
{
  g_return_if_fail (TECHO_IS_MEDICAL_ID (self));
  g_set_object (&self->store, store);
}

void
techo_medical_id_set_records (TechoMedicalId *self,
                              TechoRecordSet *records,
                              const char     *today)
{
  g_return_if_fail (TECHO_IS_MEDICAL_ID (self));

  if (records != NULL)
    techo_record_set_ref (records);
  g_clear_pointer (&self->records, techo_record_set_unref);
  self->records = records;
  g_free (self->today);
  self->today = g_strdup (today);
  rebuild (self);
}

guint
techo_medical_id_get_n_entries (TechoMedicalId *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICAL_ID (self), 0);
  return self->n_entries;
}

guint
techo_medical_id_get_n_own_entries (TechoMedicalId *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICAL_ID (self), 0);
  return self->n_own;
}

guint
techo_medical_id_get_n_medicines (TechoMedicalId *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICAL_ID (self), 0);
  return self->n_medicines;
}

guint
techo_medical_id_get_n_pending (TechoMedicalId *self)
{
  g_return_val_if_fail (TECHO_IS_MEDICAL_ID (self), 0);
  return self->n_pending;
}
