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
#include "techo-selection.h"
#include "techo-share-dialog-private.h"

G_DEFINE_FINAL_TYPE (TechoShareDialog, techo_share_dialog, ADW_TYPE_WINDOW)

enum {
  CONSENTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the request -------------------------------------------------------- */

#define NO_HOST_TEXT N_("No share host is set, so a doctor’s phone could not open a link. " \
                        "Set one in Preferences → Sharing (a share host you, your family or " \
                        "your clinic runs), or show your records on this screen with visit mode.")


gint64
techo_share_dialog_profile_id (TechoShareDialog *self)
{
  if (self->records != NULL && self->records->profile != NULL)
    return self->records->profile->id;
  return 0;
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
  g_object_set_data (G_OBJECT (row), "value-label", label);
  adw_preferences_group_add (self->summary_group, row);
  g_ptr_array_add (self->summary_rows, row);
}

/* "a, b, c" in the language's list separator. */
static char *
join_list (GPtrArray *texts)
{
  g_ptr_array_add (texts, NULL);
  /* Translators: the separator between items of a list. */
  return g_strjoinv (_(", "), (char **) texts->pdata);
}

/* The medicines row of the summary: @n dispensings (current ones when
 * @current), from @first to @last, of @names. */
static char *
medicines_text (gboolean    current,
                guint       n,
                const char *first,
                const char *last,
                GPtrArray  *names)
{
  g_autofree char *list = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;

  if (n == 0)
    return g_strdup (current ? _("No current medicines") : _("None in the chosen period"));
  list = join_list (names);
  if (current)
    /* Translators: how many current medicines go, then their names. */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u current medicine: %s",
                                         "%u current medicines: %s", n), n, list);
  from = techo_format_date (first);
  to = techo_format_date (last);
  /* Translators: how many dispensings go, from when to when, then the medicines' names. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u dispensing, %s to %s: %s",
                                       "%u dispensings, %s to %s: %s", n),
                          n, from != NULL ? from : "", to != NULL ? to : "", list);
}

static void
medicines_counted_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GtkLabel) label = user_data;
  g_autoptr(TechoDispensingSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  summary = techo_store_summarize_dispensings_finish (TECHO_STORE (source), result, &error);
  if (summary == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (label, _("Could not read your records."));
      return;
    }
  text = medicines_text (FALSE, summary->n, summary->first, summary->last,
                         summary->names);
  gtk_label_set_text (label, text);
}

/* Exactly what will go, category by category: the one selection the
 * consent gate gathers by (techo-selection.h), listed. */
static void
add_what_rows (TechoShareDialog   *self,
               const TechoConsent *consent)
{
  g_auto(TechoSelection) selection = { 0 };

  if (self->records == NULL)
    {
      g_autofree char *what = techo_format_categories (consent->categories);

      add_summary_row (self, _("What"), what);
      return;
    }
  techo_selection_init (&selection, self->records, consent);
  if (techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP))
    {
      g_autoptr(GPtrArray) dates = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *list = NULL;
      g_autofree char *text = NULL;
      guint n = selection.checkups->len;

      for (guint i = 0; i < n; i++)
        {
          const TechoCheckup *c = g_ptr_array_index (selection.checkups, i);

          g_ptr_array_add (dates, techo_format_date (c->performed_on));
        }
      list = join_list (dates);
      /* Translators: how many checkups go, then their dates. */
      text = n > 0 ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u checkup: %s",
                                                   "%u checkups: %s", n), n, list)
                   : g_strdup (_("None in the chosen period"));
      add_summary_row (self, _("Checkups"), text);
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION))
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
      g_autofree char *text = NULL;
      guint n = selection.dispensings->len;

      /* The window's records hold recent dispensings only: a period
       * reaching further back is counted by the store, as the gate will
       * gather it. */
      if (consent->scope.current_on == NULL && !self->records->complete
          && self->store != NULL && techo_store_is_open (self->store)
          && self->records->profile != NULL)
        {
          GtkLabel *label;

          add_summary_row (self, _("Medicines"), _("Counting…"));
          label = g_object_get_data (g_ptr_array_index (self->summary_rows,
                                                        self->summary_rows->len - 1),
                                     "value-label");
          TechoDispensingQuery query = {
            .profile_id = self->records->profile->id,
            .from = consent->period_from,
            .to = consent->period_to,
          };

          techo_store_summarize_dispensings_async (self->store, &query, self->cancellable,
                                                   medicines_counted_cb, g_object_ref (label));
        }
      else
        {
          const TechoDispensing *newest = n > 0 ? g_ptr_array_index (selection.dispensings, 0) : NULL;
          const TechoDispensing *oldest = n > 0 ? g_ptr_array_index (selection.dispensings, n - 1)
                                                : NULL;

          for (guint i = 0; i < n; i++)
            {
              const TechoDispensing *d = g_ptr_array_index (selection.dispensings, i);

              if (d->drug_name != NULL && g_hash_table_add (seen, d->drug_name))
                g_ptr_array_add (names, d->drug_name);
            }
          text = medicines_text (consent->scope.current_on != NULL, n,
                                 oldest != NULL ? oldest->dispensed_on : NULL,
                                 newest != NULL ? newest->dispensed_on : NULL, names);
          add_summary_row (self, _("Medicines"), text);
        }
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING))
    {
      g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *text = NULL;

      for (guint i = 0; i < selection.screenings->len; i++)
        {
          const TechoScreening *sc = g_ptr_array_index (selection.screenings, i);
          const TechoCancerInfo *info = techo_reference_cancer_for_key (sc->cancer);
          g_autofree char *date = techo_format_date (sc->performed_on);

          /* Translators: a screening and its date, e.g. "Lung cancer screening (1 Sep 2024)". */
          g_ptr_array_add (items, g_strdup_printf (_("%s (%s)"),
                                                   info != NULL ? techo_format_cancer_name (info)
                                                                : sc->cancer, date));
        }
      text = items->len > 0 ? join_list (items) : g_strdup (_("None in the chosen period"));
      add_summary_row (self, _("Cancer screenings"), text);
    }
}

/* Where the records will be, and until when, in words. */
static void
add_where_rows (TechoShareDialog   *self,
                const TechoConsent *consent)
{
  g_autofree char *until = NULL;
  g_autofree char *where = NULL;
  g_autofree char *valid = NULL;

  switch (consent->method)
    {
    case TECHO_CONSENT_METHOD_VISIT:
      add_summary_row (self, _("Where"), _("On this screen, until you leave visit mode"));
      return;
    case TECHO_CONSENT_METHOD_PRINT:
      add_summary_row (self, _("Where"), _("On paper, for whoever holds it"));
      return;
    case TECHO_CONSENT_METHOD_SHARE:
      break;
    default:
      add_summary_row (self, _("Where"),
                       _("In a file you save, not encrypted: whoever has the file can read it"));
      return;
    }
  until = techo_share_time_text (consent->expires_at);
  if (techo_share_dialog_current_link_kind (self) == TECHO_SHARE_LINK_HOST)
    {
      g_autofree char *host = techo_share_dialog_host_url (self, NULL);

      if (host != NULL && techo_share_host_is_loopback (host))
        /* Translators: %s is the share host's address. */
        where = g_strdup_printf (_("On the share host %s, encrypted. That host is this computer: "
                                   "only this computer can open the link."), host);
      else
        /* Translators: %s is the share host's address. */
        where = g_strdup_printf (_("On the share host %s, encrypted: any device with the link "
                                   "(and the passcode, if you set one) can open it."),
                                 host != NULL ? host : "");
      /* Translators: %s is a date and time. */
      valid = g_strdup_printf (_("%s, also while this computer is off"), until);
    }
  else
    {
      where = g_strdup (_("This computer only (127.0.0.1), while Techo is open"));
      /* Translators: %s is a date and time. */
      valid = g_strdup_printf (_("%s, or until Techo is closed"), until);
    }
  add_summary_row (self, _("Reachable from"), where);
  add_summary_row (self, _("Valid until"), valid);
}

static void
fill_summary (TechoShareDialog   *self,
              const TechoConsent *consent)
{
  g_autoptr(GObject) how = NULL;
  const char *how_text;

  for (guint i = 0; i < self->summary_rows->len; i++)
    adw_preferences_group_remove (self->summary_group, g_ptr_array_index (self->summary_rows, i));
  g_ptr_array_set_size (self->summary_rows, 0);

  add_what_rows (self, consent);
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
      && !techo_consent_method_is_file (consent->method)
      && consent->method != TECHO_CONSENT_METHOD_SHARE)
    {
      /* Charts are drawn on screen and paper; a link carries the values. */
      g_auto(GStrv) keys = techo_share_dialog_chosen_analytes (self);
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autofree char *text = NULL;

      for (guint i = 0; keys[i] != NULL; i++)
        g_ptr_array_add (names, (gpointer) techo_format_analyte_name (techo_reference_analyte (keys[i])));
      text = join_list (names);
      add_summary_row (self, _("Trend charts"), text[0] != '\0' ? text : _("None"));
    }
  add_summary_row (self, _("To whom"), consent->recipient);
  add_summary_row (self, _("Why"), consent->purpose);
  how = g_list_model_get_item (adw_combo_row_get_model (self->method_row),
                               adw_combo_row_get_selected (self->method_row));
  how_text = how != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (how))
                         : techo_consent_method_to_string (consent->method);
  add_summary_row (self, _("How"), how_text);
  add_where_rows (self, consent);
  if (consent->expires_at > 0)
    {
      const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));

      add_summary_row (self, _("Passcode"), passcode[0] != '\0' ? _("Required") : _("None"));
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
  /* A link for a doctor's phone needs a share host the phone can reach:
   * without one, say so and how to set one, rather than make a link
   * that cannot work. */
  if (consent->method == TECHO_CONSENT_METHOD_SHARE
      && techo_share_dialog_current_link_kind (self) == TECHO_SHARE_LINK_HOST)
    {
      g_autofree char *host = techo_share_dialog_host_url (self, &error);

      if (host == NULL)
        {
          if (error != NULL)
            g_message ("Share host: %s", error->message);
          set_error (self, self->error_label, _(NO_HOST_TEXT));
          return FALSE;
        }
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

/* The link group says where the link will be served before anything is
 * chosen further. */
static void
method_changed_cb (TechoShareDialog *self)
{
  gboolean share = techo_share_dialog_current_method (self) == TECHO_CONSENT_METHOD_SHARE;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->link_group), share);
  if (!share)
    return;
  if (techo_share_dialog_current_link_kind (self) == TECHO_SHARE_LINK_HOST)
    {
      g_autofree char *host = techo_share_dialog_host_url (self, NULL);

      if (host == NULL)
        text = g_strdup (_(NO_HOST_TEXT));
      else if (techo_share_host_is_loopback (host))
        /* Translators: %s is the share host's address. */
        text = g_strdup_printf (_("The records are encrypted here and uploaded to the share host "
                                  "%s; the key stays in the link. That host is this computer, so "
                                  "only this computer can open the link."), host);
      else
        /* Translators: %s is the share host's address. */
        text = g_strdup_printf (_("The records are encrypted here and uploaded to the share host "
                                  "%s; the key stays in the link. The doctor’s phone opens it there "
                                  "until it expires, even while this computer is off."), host);
    }
  else
    text = g_strdup (_("Techo serves the link itself at 127.0.0.1 while it is open: only this "
                       "computer can open it. For a doctor’s phone, set a share host in "
                       "Preferences → Sharing."));
  adw_preferences_group_set_description (self->link_group, text);
}

static void
copy_clicked_cb (TechoShareDialog *self)
{
  if (self->link == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          self->viewer_url != NULL ? self->viewer_url : self->link);
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
  g_clear_object (&self->settings);
  g_clear_pointer (&self->cancer_switches, g_ptr_array_unref);
  g_clear_pointer (&self->analyte_switches, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_pointer (&self->summary_rows, g_ptr_array_unref);
  g_free (self->output_path);
  g_free (self->link);
  g_free (self->viewer_url);
  g_clear_pointer (&self->visit_consent, techo_consent_free);
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
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, latest_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, latest_spin);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, latest_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, current_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, current_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, cancers_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, period_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, analytes_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, recipient_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, purpose_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, method_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_group);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, expiry_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, passcode_row);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, summary_group);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, summary_error_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, qr_area);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_expiry_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_label);
  gtk_widget_class_bind_template_child (widget_class, TechoShareDialog, link_title_label);
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
  self->settings = g_settings_new (APP_ID);
  self->cancer_switches = g_ptr_array_new ();
  self->analyte_switches = g_ptr_array_new ();
  /* Charts come from checkups: offered only while checkups are chosen;
   * each narrowing only while its category is. */
  g_object_bind_property (self->checkup_switch, "active", self->analytes_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->checkup_switch, "active", self->latest_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->latest_switch, "active", self->latest_spin, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->medication_switch, "active", self->current_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->screening_switch, "active", self->cancers_row, "sensitive",
                          G_BINDING_SYNC_CREATE);
  techo_share_dialog_fill_cancers (self);
  g_signal_connect_object (self->settings, "changed::share-host-url",
                           G_CALLBACK (method_changed_cb), self, G_CONNECT_SWAPPED);
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

const char *
techo_share_dialog_get_viewer_url (TechoShareDialog *self)
{
  return self->viewer_url;
}

char *
techo_share_dialog_dup_summary (TechoShareDialog *self)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < self->summary_rows->len; i++)
    {
      AdwActionRow *row = g_ptr_array_index (self->summary_rows, i);
      GtkWidget *suffix = g_object_get_data (G_OBJECT (row), "value-label");

      g_string_append_printf (text, "%s: %s\n",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                              suffix != NULL ? gtk_label_get_text (GTK_LABEL (suffix)) : "");
    }
  return g_string_free (text, FALSE);
}

TechoVisitWindow *
techo_share_dialog_get_visit_window (TechoShareDialog *self)
{
  return self->visit_window;
}

TechoAlert *
techo_share_dialog_get_pin_dialog (TechoShareDialog *self)
{
  return self->pin_dialog;
}
