/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The share dialog's methods that need no server: visit mode, print and
 * a file (PDF, FHIR, CSV, CDA). Each goes through the consent gate
 * (techo-disclosure.h) with its _async API: the consent is recorded and
 * the records it covers gathered on a worker thread, and only that
 * record set is shown, printed or written. */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-disclosure.h"
#include "techo-export.h"
#include "techo-format.h"
#include "techo-pin-dialog.h"
#include "techo-print.h"
#include "techo-share-dialog-private.h"

/* ---- visit mode ---------------------------------------------------------- */

static void
visit_sent_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(TechoShareDialog) self = user_data;
  TechoDisclosure *disclosure = TECHO_DISCLOSURE (source);
  TechoRecordSet *set = techo_disclosure_get_record_set (disclosure);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) analytes = NULL;
  TechoVisitWindow *visit;

  if (!techo_disclosure_sent_finish (disclosure, result, &error))
    {
      if (self->stack != NULL)
        techo_share_dialog_fail (self, error);
      return;
    }
  if (self->stack == NULL)
    return;
  /* The visit window shows the gate's record set, and only that. */
  analytes = techo_share_dialog_chosen_analytes (self);
  visit = techo_visit_window_new (self->parent, self->store, set,
                                  techo_disclosure_get_consent (disclosure),
                                  (const char * const *) analytes);
  self->visit_window = visit;
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &self->visit_window);
  techo_visit_window_start (visit);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
visit_opened_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(TechoShareDialog) self = user_data;
  g_autoptr(TechoDisclosure) disclosure = NULL;
  g_autoptr(GError) error = NULL;
  gint64 consent_id = 0;

  disclosure = techo_disclosure_open_finish (TECHO_STORE (source), result, &consent_id, &error);
  techo_share_dialog_consented (self, consent_id);
  if (self->stack == NULL)
    return;
  if (disclosure == NULL)
    {
      techo_share_dialog_fail (self, error);
      return;
    }
  techo_disclosure_sent_async (disclosure, "shown in visit mode", self->cancellable,
                               visit_sent_cb, g_object_ref (self));
}

static void
open_visit (TechoShareDialog *self)
{
  g_autoptr(TechoConsent) consent = g_steal_pointer (&self->visit_consent);

  techo_share_dialog_show_step (self, "busy");
  techo_disclosure_open_async (self->store, techo_share_dialog_profile_id (self), consent,
                               TECHO_CONSENT_METHOD_VISIT, self->cancellable,
                               visit_opened_cb, g_object_ref (self));
}

static void
pin_offer_done (gboolean pin_set,
                gboolean later,
                gpointer user_data)
{
  g_autoptr(TechoShareDialog) self = user_data;

  if (self->pin_dialog != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->pin_dialog), (gpointer *) &self->pin_dialog);
  self->pin_dialog = NULL;
  if (self->stack == NULL)
    return;
  if (pin_set || later)
    open_visit (self);
  else
    {
      g_clear_pointer (&self->visit_consent, techo_consent_free);
      techo_share_dialog_show_step (self, "summary");
    }
}

static void
pin_state_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TechoShareDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  TechoOwnerPinResult answer = { 0 };

  if (self->stack == NULL)
    return;
  if (!techo_store_check_owner_pin_finish (TECHO_STORE (source), result, &answer, &error))
    {
      g_clear_pointer (&self->visit_consent, techo_consent_free);
      techo_share_dialog_fail (self, error);
      return;
    }
  if (answer.check != TECHO_OWNER_PIN_NOT_SET)
    {
      open_visit (self);
      return;
    }
  /* With the keyring and no PIN, anyone at the desk could leave visit
   * mode: offer to set one first. */
  self->pin_dialog = techo_pin_dialog_new (GTK_WINDOW (self), self->store, _("Set a PIN First?"),
                                           _("Without a PIN, anyone at this computer can leave "
                                             "visit mode and see all your records. Leaving will "
                                             "ask for the PIN you set here."),
                                           _("Start _Without a PIN"), pin_offer_done,
                                           g_object_ref (self));
  g_object_add_weak_pointer (G_OBJECT (self->pin_dialog), (gpointer *) &self->pin_dialog);
}

void
techo_share_dialog_start_visit (TechoShareDialog *self,
                                TechoConsent     *consent)
{
  g_clear_pointer (&self->visit_consent, techo_consent_free);
  self->visit_consent = consent;
  techo_share_dialog_show_step (self, "busy");
  if (techo_store_get_mode (self->store) == TECHO_STORE_MODE_PASSPHRASE)
    {
      /* The passphrase guards leaving. */
      open_visit (self);
      return;
    }
  techo_store_check_owner_pin_async (self->store, NULL, self->cancellable, pin_state_cb,
                                     g_object_ref (self));
}

/* ---- print --------------------------------------------------------------- */

static void
printed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TechoShareDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult outcome;
  gint64 consent_id = 0;

  outcome = techo_print_run_finish (result, &consent_id, &error);
  techo_share_dialog_consented (self, consent_id);
  if (self->stack == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  if (outcome == GTK_PRINT_OPERATION_RESULT_ERROR)
    techo_share_dialog_fail (self, error);
  else if (outcome == GTK_PRINT_OPERATION_RESULT_CANCEL)
    techo_share_dialog_show_step (self, "summary");
  else
    techo_share_dialog_finish_done (self, _("Sent to the Printer"),
                                    _("The consent for this print is on the Sharing page."));
}

void
techo_share_dialog_start_print (TechoShareDialog *self,
                                TechoConsent     *consent)
{
  g_auto(GStrv) analytes = techo_share_dialog_chosen_analytes (self);
  TechoPrintOptions options = { (const char * const *) analytes, self->parent,
                                self->output_path };

  /* The print dialog goes over the main window; this one steps aside. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->output_path != NULL);
  techo_share_dialog_show_step (self, "busy");
  techo_print_run_async (self->store, techo_share_dialog_profile_id (self), consent, &options,
                         self->cancellable, printed_cb, g_object_ref (self));
  techo_consent_free (consent);
}

/* ---- files --------------------------------------------------------------- */

typedef struct
{
  TechoShareDialog *self;
  char *path;
} Saving;

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Saving *saving = user_data;
  g_autoptr(TechoShareDialog) self = saving->self;
  g_autofree char *path = saving->path;
  g_autoptr(GError) error = NULL;
  gint64 consent_id = 0;

  g_free (saving);
  techo_export_run_finish (TECHO_STORE (source), result, &consent_id, &error);
  techo_share_dialog_consented (self, consent_id);
  /* Closed while the file was being written: nothing left to show. */
  if (self->stack == NULL)
    return;
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        techo_share_dialog_fail (self, error);
      return;
    }
  {
    g_autofree char *name = g_path_get_basename (path);
    /* Translators: %s is a file or folder name. */
    g_autofree char *text = g_strdup_printf (_("Saved as “%s”. The consent for it is on the Sharing page."),
                                             name);

    techo_share_dialog_finish_done (self, _("Saved"), text);
  }
}

/* Through the gate on a worker thread: the consent first, then the file
 * (with the trend charts chosen, for a PDF), then "sent". */
static void
run_export (TechoShareDialog *self,
            TechoConsent     *consent,
            const char       *path)
{
  g_auto(GStrv) analytes = techo_share_dialog_chosen_analytes (self);
  g_autofree char *today = techo_format_today ();
  TechoExportFile file = { TECHO_EXPORT_FORMAT_FHIR, path, (const char * const *) analytes,
                           today };
  Saving *saving = g_new0 (Saving, 1);

  techo_export_format_from_string (techo_consent_method_to_string (consent->method),
                                   &file.format);
  saving->self = g_object_ref (self);
  saving->path = g_strdup (path);
  techo_share_dialog_show_step (self, "busy");
  techo_export_run_async (self->store, techo_share_dialog_profile_id (self), consent, &file,
                          self->cancellable, saved_cb, saving);
  techo_consent_free (consent);
}

static void
chooser_response_cb (GtkNativeDialog  *chooser,
                     int               response,
                     TechoShareDialog *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    path = g_file_get_path (file);
  g_clear_object (&self->chooser);
  if (path == NULL)
    {
      /* Cancelled: nothing is recorded and nothing written. */
      techo_share_dialog_show_step (self, "summary");
      return;
    }
  run_export (self, techo_share_dialog_build_consent (self), path);
}

static char *
suggested_name (TechoConsentMethod method)
{
  g_autofree char *today = techo_format_today ();

  if (method == TECHO_CONSENT_METHOD_PDF)
    return g_strdup_printf ("techo-report-%s.pdf", today);
  if (method == TECHO_CONSENT_METHOD_FHIR)
    return g_strdup_printf ("techo-fhir-%s.json", today);
  if (method == TECHO_CONSENT_METHOD_CSV)
    return g_strdup_printf ("techo-csv-%s", today);
  return g_strdup_printf ("techo-cda-%s", today);
}

void
techo_share_dialog_start_file (TechoShareDialog *self,
                               TechoConsent     *consent)
{
  g_autofree char *name = NULL;

  if (self->output_path != NULL)
    {
      run_export (self, consent, self->output_path);
      return;
    }
  name = suggested_name (consent->method);
  techo_consent_free (consent);
  /* CSV and CDA are folders the export creates, so both ask for a new name. */
  self->chooser = gtk_file_chooser_native_new (_("Save for the Doctor"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  techo_share_dialog_show_step (self, "busy");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}
