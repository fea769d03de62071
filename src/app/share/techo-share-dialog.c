/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share dialog's wizard: the form (what, to whom, why, how), the
 * summary the person confirms, and the steps after it. Carrying out is
 * the methods' (techo-share-methods.c, techo-share-link.c), each through
 * the consent gate. */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-consent.h"
#include "techo-error-text.h"
#include "techo-export.h"
#include "techo-format.h"
#include "techo-share-dialog-private.h"

G_DEFINE_FINAL_TYPE (TechoShareDialog, techo_share_dialog, ADW_TYPE_WINDOW)

enum {
  CONSENTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the request -------------------------------------------------------- */


gint64
techo_share_dialog_profile_id (TechoShareDialog *self)
{
  if (self->records != NULL && self->records->profile != NULL)
    return self->records->profile->id;
  return 0;
}

static char *
categories_text (guint categories)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  if (categories & (1u << TECHO_CATEGORY_CHECKUP))
    g_ptr_array_add (names, (gpointer) _("Checkups"));
  if (categories & (1u << TECHO_CATEGORY_MEDICATION))
    g_ptr_array_add (names, (gpointer) _("Medicines"));
  if (categories & (1u << TECHO_CATEGORY_SCREENING))
    g_ptr_array_add (names, (gpointer) _("Cancer screenings"));
  g_ptr_array_add (names, NULL);
  /* Translators: the separator between category names in a list. */
  return g_strjoinv (_(", "), (char **) names->pdata);
}

/* ---- steps ------------------------------------------------------------ */

static void
set_error (TechoShareDialog *self,
           GtkLabel         *label,
           const char       *message)
{
  g_free (self->error);
  self->error = g_strdup (message);
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL);
}

static const char *
confirm_label (TechoConsentMethod method)
{
  if (method == TECHO_CONSENT_METHOD_VISIT)
    return _("_Start Visit Mode");
  if (method == TECHO_CONSENT_METHOD_PRINT)
    return _("_Print…");
  if (method == TECHO_CONSENT_METHOD_SHARE)
    return _("_Create Link");
  return _("_Save…");
}

void
techo_share_dialog_show_step (TechoShareDialog *self,
           const char       *step)
{
  gboolean form = g_str_equal (step, "form");
  gboolean summary = g_str_equal (step, "summary");
  gboolean busy = g_str_equal (step, "busy");

  gtk_stack_set_visible_child_name (self->stack, step);
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), form || summary);
  gtk_button_set_label (self->back_button, form ? _("_Cancel") : _("_Back"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->next_button), !busy);
  if (form)
    gtk_button_set_label (self->next_button, _("_Next"));
  else if (summary)
    gtk_button_set_label (self->next_button, confirm_label (techo_share_dialog_current_method (self)));
  else
    gtk_button_set_label (self->next_button, _("_Done"));
}

static void
add_summary_row (TechoShareDialog *self,
                 const char       *title,
                 const char       *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  /* The value is what is being agreed to: it reads at full strength. */
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (self->summary_group, row);
  g_ptr_array_add (self->summary_rows, row);
}

static void
fill_summary (TechoShareDialog   *self,
              const TechoConsent *consent)
{
  g_autofree char *what = categories_text (consent->categories);
  g_autoptr(GObject) how = NULL;
  const char *how_text;

  for (guint i = 0; i < self->summary_rows->len; i++)
    adw_preferences_group_remove (self->summary_group, g_ptr_array_index (self->summary_rows, i));
  g_ptr_array_set_size (self->summary_rows, 0);

  add_summary_row (self, _("What"), what);
  if (consent->period_from != NULL)
    {
      g_autofree char *from = techo_format_date (consent->period_from);
      /* Translators: a period that starts on a date and runs to today. */
      g_autofree char *text = g_strdup_printf (_("From %s to today"), from);

      add_summary_row (self, _("Period"), text);
    }
  else
    add_summary_row (self, _("Period"), _("Everything"));
  if (techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP)
      && self->analyte_switches->len > 0
      && !techo_consent_method_is_file (consent->method))
    {
      g_auto(GStrv) keys = techo_share_dialog_chosen_analytes (self);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autofree char *text = NULL;

      for (guint i = 0; keys[i] != NULL; i++)
        g_ptr_array_add (names, (gpointer) techo_format_analyte_name (techo_reference_analyte (keys[i])));
      g_ptr_array_add (names, NULL);
      text = g_strjoinv (_(", "), (char **) names->pdata);
      add_summary_row (self, _("Trend charts"), text[0] != '\0' ? text : _("None"));
    }
  add_summary_row (self, _("To whom"), consent->recipient);
  add_summary_row (self, _("Why"), consent->purpose);
  how = g_list_model_get_item (adw_combo_row_get_model (self->method_row),
                               adw_combo_row_get_selected (self->method_row));
  how_text = how != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (how))
                         : techo_consent_method_to_string (consent->method);
  add_summary_row (self, _("How"), how_text);
  if (consent->expires_at > 0)
    {
      g_autofree char *until = techo_share_time_text (consent->expires_at);
      const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));

      add_summary_row (self, _("Valid until"), until);
      add_summary_row (self, _("Passcode"), passcode[0] != '\0' ? _("Required") : _("None"));
      {
        g_autoptr(GObject) where = g_list_model_get_item (adw_combo_row_get_model (self->address_row),
                                                          adw_combo_row_get_selected (self->address_row));

        if (where != NULL)
          add_summary_row (self, _("Reachable from"),
                           gtk_string_object_get_string (GTK_STRING_OBJECT (where)));
      }
    }
}

static gboolean
go_to_summary (TechoShareDialog *self)
{
  g_autoptr(TechoConsent) consent = techo_share_dialog_build_consent (self);
  g_autoptr(GError) error = NULL;
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));

  if (!techo_consent_validate (consent, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      techo_error_text_log ("Checking the consent", error);
      set_error (self, self->error_label, techo_error_text (error));
      return FALSE;
    }
  if (consent->method == TECHO_CONSENT_METHOD_SHARE
      && strlen (passcode) > TECHO_SHARE_MAX_PASSCODE)
    {
      set_error (self, self->error_label, _("The passcode is too long."));
      return FALSE;
    }
  if (self->store == NULL || !techo_store_is_open (self->store))
    {
      set_error (self, self->error_label, _("Your records are locked. Unlock them first."));
      return FALSE;
    }
  set_error (self, self->error_label, NULL);
  set_error (self, self->summary_error_label, NULL);
  fill_summary (self, consent);
  techo_share_dialog_show_step (self, "summary");
  return TRUE;
}

void
techo_share_dialog_finish_done (TechoShareDialog *self,
             const char       *title,
             const char       *description)
{
  adw_status_page_set_title (self->done_page, title);
  adw_status_page_set_description (self->done_page, description);
  techo_share_dialog_show_step (self, "done");
}

void
techo_share_dialog_fail (TechoShareDialog *self,
      const GError     *error)
{
  techo_share_dialog_show_step (self, "summary");
  techo_error_text_log ("Sharing", error);
  set_error (self, self->summary_error_label, techo_error_text (error));
}

void
techo_share_dialog_consented (TechoShareDialog *self,
                              gint64            consent_id)
{
  if (consent_id == 0)
    return;
  self->consent_id = consent_id;
  g_signal_emit (self, signals[CONSENTED], 0, consent_id);
}

/* ---- callbacks ------------------------------------------------------------ */

static void
carry_out (TechoShareDialog *self)
{
  TechoConsent *consent = techo_share_dialog_build_consent (self);
  TechoConsentMethod method = consent->method;

  set_error (self, self->summary_error_label, NULL);
  /* Each method takes the consent and goes through the gate. */
  if (method == TECHO_CONSENT_METHOD_VISIT)
    techo_share_dialog_start_visit (self, consent);
  else if (method == TECHO_CONSENT_METHOD_PRINT)
    techo_share_dialog_start_print (self, consent);
  else if (techo_consent_method_is_file (method))
    techo_share_dialog_start_file (self, consent);
  else
    techo_share_dialog_start_link (self, consent);
}

static void
next_clicked_cb (TechoShareDialog *self)
{
  techo_share_dialog_next (self);
}

static void
back_clicked_cb (TechoShareDialog *self)
{
  if (g_str_equal (techo_share_dialog_get_step (self), "summary"))
    techo_share_dialog_show_step (self, "form");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
method_changed_cb (TechoShareDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->link_group),
                          techo_share_dialog_current_method (self) == TECHO_CONSENT_METHOD_SHARE);
}

static void
copy_clicked_cb (TechoShareDialog *self)
{
  if (self->link == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->link);
}

/* ---- lifecycle ------------------------------------------------------------ */

static void
techo_share_dialog_dispose (GObject *object)
{
  TechoShareDialog *self = TECHO_SHARE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_SHARE_DIALOG);
  G_OBJECT_CLASS (techo_share_dialog_parent_class)->dispose (object);
}

static void
techo_share_dialog_finalize (GObject *object)
{
  TechoShareDialog *self = TECHO_SHARE_DIALOG (object);

  if (self->visit_window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->visit_window), (gpointer *) &self->visit_window);
  g_clear_object (&self->store);
  g_clear_pointer (&self->servers, g_hash_table_unref);
  g_clear_pointer (&self->addresses, g_ptr_array_unref);
  g_clear_pointer (&self->analyte_switches, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_pointer (&self->summary_rows, g_ptr_array_unref);
  g_free (self->output_path);
  g_free (self->link);
  g_free (self->error);
  G_OBJECT_CLASS (techo_share_dialog_parent_class)->finalize (object);
}

static void
techo_share_dialog_class_init (TechoShareDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_share_dialog_dispose;
  object_class->finalize = techo_share_dialog_finalize;

  /* The consent was recorded (the ledger has a new entry). */
  signals[CONSENTED] = g_signal_new ("consented", G_TYPE_FROM_CLASS (klass),
                                     G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                     G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-share-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, back_button);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, next_button);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, checkup_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, medication_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, screening_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, period_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, analytes_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, recipient_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, purpose_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_group);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, passcode_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, summary_group);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, summary_error_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, qr_area);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_expiry_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, done_page);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, method_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
techo_share_dialog_init (TechoShareDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->summary_rows = g_ptr_array_new ();
  self->addresses = g_ptr_array_new_with_free_func (g_free);
  self->analyte_switches = g_ptr_array_new ();
  /* Charts come from checkups: offered only while checkups are chosen. */
  g_object_bind_property (self->checkup_switch, "active", self->analytes_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  techo_share_dialog_fill_addresses (self);
  gtk_drawing_area_set_draw_func (self->qr_area, techo_share_dialog_draw_qr, self, NULL);
  techo_share_dialog_show_step (self, "form");
}

/* ---- public API ---------------------------------------------------------- */

TechoShareDialog *
techo_share_dialog_new (GtkWindow        *parent,
                        TechoStore       *store,
                        TechoRecordSet   *records,
                        GHashTable       *servers)
{
  TechoShareDialog *self = g_object_new (TECHO_TYPE_SHARE_DIALOG,
                                         "transient-for", parent,
                                         NULL);

  self->parent = parent;
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->records = records != NULL ? techo_record_set_ref (records) : NULL;
  techo_share_dialog_fill_analytes (self);
  self->servers = servers != NULL ? g_hash_table_ref (servers)
                                  : g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_object_unref);
  return self;
}

void
techo_share_dialog_fill (TechoShareDialog *self,
                         const char       *recipient,
                         const char       *purpose,
                         guint             categories)
{
  gtk_editable_set_text (GTK_EDITABLE (self->recipient_row), recipient != NULL ? recipient : "");
  gtk_editable_set_text (GTK_EDITABLE (self->purpose_row), purpose != NULL ? purpose : "");
  gtk_switch_set_active (self->checkup_switch, (categories & (1u << TECHO_CATEGORY_CHECKUP)) != 0);
  gtk_switch_set_active (self->medication_switch,
                         (categories & (1u << TECHO_CATEGORY_MEDICATION)) != 0);
  gtk_switch_set_active (self->screening_switch,
                         (categories & (1u << TECHO_CATEGORY_SCREENING)) != 0);
}

void
techo_share_dialog_set_analytes (TechoShareDialog   *self,
                                 const char * const *keys)
{
  for (guint i = 0; i < self->analyte_switches->len; i++)
    {
      GtkSwitch *sw = g_ptr_array_index (self->analyte_switches, i);

      gtk_switch_set_active (sw, keys != NULL
                                 && g_strv_contains (keys, g_object_get_data (G_OBJECT (sw),
                                                                               "analyte-key")));
    }
}

void
techo_share_dialog_set_passcode (TechoShareDialog *self,
                                 const char       *passcode)
{
  gtk_editable_set_text (GTK_EDITABLE (self->passcode_row), passcode != NULL ? passcode : "");
}

void
techo_share_dialog_set_output_path (TechoShareDialog *self,
                                    const char       *path)
{
  g_free (self->output_path);
  self->output_path = g_strdup (path);
}

gboolean
techo_share_dialog_next (TechoShareDialog *self)
{
  const char *step = techo_share_dialog_get_step (self);

  if (g_str_equal (step, "form"))
    return go_to_summary (self);
  if (g_str_equal (step, "summary"))
    {
      carry_out (self);
      return TRUE;
    }
  if (g_str_equal (step, "link") || g_str_equal (step, "done"))
    gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

const char *
techo_share_dialog_get_step (TechoShareDialog *self)
{
  return gtk_stack_get_visible_child_name (self->stack);
}

const char *
techo_share_dialog_get_error (TechoShareDialog *self)
{
  return self->error;
}

gint64
techo_share_dialog_get_consent_id (TechoShareDialog *self)
{
  return self->consent_id;
}

const char *
techo_share_dialog_get_link (TechoShareDialog *self)
{
  return self->link;
}

TechoVisitWindow *
techo_share_dialog_get_visit_window (TechoShareDialog *self)
{
  return self->visit_window;
}
