/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-share-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "techo-atomic-file.h"
#include "techo-consent.h"
#include "techo-error-text.h"
#include "techo-export.h"
#include "techo-format.h"
#include "techo-print.h"
#include "techo-qr.h"
#include "techo-report.h"
#include "techo-share-dialog.h"

/* The rows of the "How" combo, in order. */
static const char * const method_names[] = {
  TECHO_CONSENT_METHOD_VISIT,
  TECHO_CONSENT_METHOD_PRINT,
  TECHO_CONSENT_METHOD_PDF,
  TECHO_CONSENT_METHOD_FHIR,
  TECHO_CONSENT_METHOD_CSV,
  TECHO_CONSENT_METHOD_CDA,
  TECHO_CONSENT_METHOD_SHARE,
};

/* Trend charts offered first, in the order a doctor asks about them. */
static const char * const trend_keys[] = {
  "hba1c", "sbp", "ldl", "bmi", "glucose_fasting", "tg_fasting", "hdl", "dbp", "waist",
  "weight", "egfr", "ast", "alt", "ggt",
};

#define DEFAULT_CHARTS 4

static const gint64 expiry_seconds[] = { 3600, 86400, 7 * 86400, 30 * 86400 };
static const int period_years[] = { 0, 1, 3, 5 };

struct _TechoShareDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkStack *stack;
  GtkSwitch *checkup_switch;
  GtkSwitch *medication_switch;
  GtkSwitch *screening_switch;
  AdwComboRow *period_row;
  AdwExpanderRow *analytes_row;
  AdwEntryRow *recipient_row;
  AdwEntryRow *purpose_row;
  AdwComboRow *method_row;
  AdwPreferencesGroup *link_group;
  AdwComboRow *expiry_row;
  AdwComboRow *address_row;
  AdwPasswordEntryRow *passcode_row;
  GtkLabel *error_label;
  AdwPreferencesGroup *summary_group;
  GtkLabel *summary_error_label;
  GtkSpinner *busy_spinner;
  GtkDrawingArea *qr_area;
  GtkLabel *link_expiry_label;
  GtkLabel *link_label;
  AdwStatusPage *done_page;

  GtkWindow *parent;
  TechoStore *store;
  TechoDataset *dataset;
  GHashTable *servers;       /* address → TechoShareServer, the page's */
  GPtrArray *addresses;      /* the address row's choices, 127.0.0.1 first */
  GPtrArray *analyte_switches; /* GtkSwitch, each with its "analyte-key" */
  GCancellable *cancellable;
  GPtrArray *summary_rows;
  char *output_path;
  char *link;
  char *error;
  gint64 consent_id;
  TechoVisitWindow *visit_window;   /* weak */
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (TechoShareDialog, techo_share_dialog, ADW_TYPE_WINDOW)

enum {
  CONSENTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- the request -------------------------------------------------------- */

static const char *
current_method (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->method_row);

  return index < G_N_ELEMENTS (method_names) ? method_names[index] : method_names[0];
}

static gboolean
method_is_file (const char *method)
{
  return g_str_equal (method, TECHO_CONSENT_METHOD_PDF)
         || g_str_equal (method, TECHO_CONSENT_METHOD_FHIR)
         || g_str_equal (method, TECHO_CONSENT_METHOD_CSV)
         || g_str_equal (method, TECHO_CONSENT_METHOD_CDA);
}

static guint
chosen_categories (TechoShareDialog *self)
{
  guint categories = 0;

  if (gtk_switch_get_active (self->checkup_switch))
    categories |= 1u << TECHO_CATEGORY_CHECKUP;
  if (gtk_switch_get_active (self->medication_switch))
    categories |= 1u << TECHO_CATEGORY_MEDICATION;
  if (gtk_switch_get_active (self->screening_switch))
    categories |= 1u << TECHO_CATEGORY_SCREENING;
  return categories;
}

static char *
period_from (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->period_row);
  g_autofree char *today = techo_format_today ();
  GDate date;

  if (index >= G_N_ELEMENTS (period_years) || period_years[index] == 0)
    return NULL;
  g_date_clear (&date, 1);
  g_date_set_parse (&date, today);
  if (!g_date_valid (&date))
    return NULL;
  g_date_subtract_years (&date, (guint) period_years[index]);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

static gint64
chosen_expiry (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->expiry_row);

  if (index >= G_N_ELEMENTS (expiry_seconds))
    index = 1;
  return g_get_real_time () / G_USEC_PER_SEC + expiry_seconds[index];
}

static TechoConsent *
build_consent (TechoShareDialog *self)
{
  g_autofree char *recipient = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->recipient_row))));
  g_autofree char *purpose = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->purpose_row))));
  const char *method = current_method (self);
  TechoConsent *consent;

  consent = techo_consent_new (recipient, purpose, chosen_categories (self), method);
  consent->period_from = period_from (self);
  if (g_str_equal (method, TECHO_CONSENT_METHOD_SHARE))
    consent->expires_at = chosen_expiry (self);
  return consent;
}

/* The trend charts chosen, as a NULL-terminated array of keys (empty
 * when none is chosen). */
static char **
chosen_analytes (TechoShareDialog *self)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **keys;

  for (guint i = 0; i < self->analyte_switches->len; i++)
    {
      GtkSwitch *sw = g_ptr_array_index (self->analyte_switches, i);

      if (gtk_switch_get_active (sw))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (sw), "analyte-key"));
    }
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

/* One switch per analyte with at least two values to draw; the first
 * few are on. */
static void
fill_analytes (TechoShareDialog *self)
{
  guint on = 0;

  for (guint k = 0; self->dataset != NULL && k < G_N_ELEMENTS (trend_keys); k++)
    {
      const TechoAnalyte *analyte = techo_reference_analyte (trend_keys[k]);
      GtkWidget *row, *sw;
      guint n = 0;

      if (analyte == NULL)
        continue;
      for (guint i = 0; i < self->dataset->checkups->len && n < 2; i++)
        {
          const TechoItem *item = techo_dataset_find_analyte (g_ptr_array_index (self->dataset->checkups, i),
                                                              analyte->key);

          if (item != NULL && !item->not_performed && item->value != NULL)
            n++;
        }
      if (n < 2)
        continue;
      row = adw_action_row_new ();
      sw = gtk_switch_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), techo_format_analyte_name (analyte));
      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (sw), on < DEFAULT_CHARTS);
      on += on < DEFAULT_CHARTS;
      g_object_set_data (G_OBJECT (sw), "analyte-key", (gpointer) analyte->key);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
      adw_expander_row_add_row (self->analytes_row, row);
      g_ptr_array_add (self->analyte_switches, sw);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->analytes_row), self->analyte_switches->len > 0);
}

static gint64
profile_id (TechoShareDialog *self)
{
  if (self->dataset != NULL && self->dataset->profile != NULL)
    return self->dataset->profile->id;
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

static char *
time_text (gint64 unix_seconds)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (unix_seconds);
  g_autofree char *iso = g_date_time_format (time, "%Y-%m-%d");
  g_autofree char *date = techo_format_date (iso);
  g_autofree char *clock = g_date_time_format (time, "%H:%M");

  return g_strdup_printf ("%s %s", date, clock);
}

/* The addresses a link can be served on: this computer only, then the
 * address of each network interface that is up (a recipient on the same
 * network reaches those). */
static void
fill_addresses (TechoShareDialog *self)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  struct ifaddrs *list = NULL;

  g_ptr_array_add (self->addresses, g_strdup ("127.0.0.1"));
  gtk_string_list_append (model, _("This computer only"));
  if (getifaddrs (&list) == 0)
    {
      for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
        {
          g_autoptr(GInetAddress) inet = NULL;
          g_autofree char *text = NULL;
          g_autofree char *label = NULL;

          if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
            continue;
          if (i->ifa_addr->sa_family == AF_INET)
            inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in *) i->ifa_addr)->sin_addr,
                                                  G_SOCKET_FAMILY_IPV4);
          else if (i->ifa_addr->sa_family == AF_INET6)
            inet = g_inet_address_new_from_bytes ((const guint8 *) &((struct sockaddr_in6 *) i->ifa_addr)->sin6_addr,
                                                  G_SOCKET_FAMILY_IPV6);
          /* Link-local IPv6 needs a scope a link cannot carry. */
          if (inet == NULL || g_inet_address_get_is_link_local (inet)
              || g_inet_address_get_is_loopback (inet) || self->addresses->len >= 16)
            continue;
          text = g_inet_address_to_string (inet);
          /* Translators: a network interface and its address, e.g. "Local network (wlan0, 192.168.1.5)". */
          label = g_strdup_printf (_("Local network (%s, %s)"), i->ifa_name, text);
          g_ptr_array_add (self->addresses, g_steal_pointer (&text));
          gtk_string_list_append (model, label);
        }
      freeifaddrs (list);
    }
  adw_combo_row_set_model (self->address_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->address_row, 0);
}

static const char *
chosen_address (TechoShareDialog *self)
{
  guint index = adw_combo_row_get_selected (self->address_row);

  return index < self->addresses->len ? g_ptr_array_index (self->addresses, index) : "127.0.0.1";
}

/* The page's server for @address, made and bound on first use. */
static TechoShareServer *
server_for (TechoShareDialog  *self,
            const char        *address,
            GError           **error)
{
  TechoShareServer *server = g_hash_table_lookup (self->servers, address);
  g_autoptr(TechoShareServer) made = NULL;

  if (server != NULL)
    return server;
  made = techo_share_server_new (self->store);
  if (!techo_share_server_listen (made, address, 0, error))
    return NULL;
  g_hash_table_insert (self->servers, g_strdup (address), g_object_ref (made));
  return made;
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
confirm_label (const char *method)
{
  if (g_str_equal (method, TECHO_CONSENT_METHOD_VISIT))
    return _("_Start Visit Mode");
  if (g_str_equal (method, TECHO_CONSENT_METHOD_PRINT))
    return _("_Print…");
  if (g_str_equal (method, TECHO_CONSENT_METHOD_SHARE))
    return _("_Create Link");
  return _("_Save…");
}

static void
show_step (TechoShareDialog *self,
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
    gtk_button_set_label (self->next_button, confirm_label (current_method (self)));
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
      && !method_is_file (consent->method))
    {
      g_auto(GStrv) keys = chosen_analytes (self);
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
  how_text = how != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (how)) : consent->method;
  add_summary_row (self, _("How"), how_text);
  if (consent->expires_at > 0)
    {
      g_autofree char *until = time_text (consent->expires_at);
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
  g_autoptr(TechoConsent) consent = build_consent (self);
  g_autoptr(GError) error = NULL;
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));

  if (!techo_consent_validate (consent, g_get_real_time () / G_USEC_PER_SEC, &error))
    {
      techo_error_text_log ("Checking the consent", error);
      set_error (self, self->error_label, techo_error_text (error));
      return FALSE;
    }
  if (g_str_equal (consent->method, TECHO_CONSENT_METHOD_SHARE)
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
  show_step (self, "summary");
  return TRUE;
}

static void
finish_done (TechoShareDialog *self,
             const char       *title,
             const char       *description)
{
  adw_status_page_set_title (self->done_page, title);
  adw_status_page_set_description (self->done_page, description);
  show_step (self, "done");
}

static void
fail (TechoShareDialog *self,
      const GError     *error)
{
  show_step (self, "summary");
  techo_error_text_log ("Sharing", error);
  set_error (self, self->summary_error_label, techo_error_text (error));
}

static void
consented (TechoShareDialog *self,
           gint64            consent_id)
{
  self->consent_id = consent_id;
  g_signal_emit (self, signals[CONSENTED], 0, consent_id);
}

/* ---- visit mode ---------------------------------------------------------- */

static void
start_visit (TechoShareDialog *self,
             TechoConsent     *consent)
{
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(TechoDataset) dataset = NULL;
  g_autoptr(GError) error = NULL;
  TechoVisitWindow *visit;

  if (!techo_store_record_consent_sync (self->store, consent, NULL, &error))
    {
      fail (self, error);
      return;
    }
  consented (self, consent->id);
  set = techo_record_set_gather_sync (self->store, profile_id (self), consent, NULL, &error);
  if (set == NULL)
    {
      fail (self, error);
      return;
    }
  if (!techo_store_add_consent_event_sync (self->store, consent->id, TECHO_CONSENT_EVENT_SENT,
                                           "shown in visit mode", NULL, &error))
    {
      fail (self, error);
      return;
    }
  dataset = techo_dataset_new (g_steal_pointer (&set->profile), set->checkups,
                               set->dispensings, set->screenings);
  {
    g_auto(GStrv) analytes = chosen_analytes (self);

    visit = techo_visit_window_new (self->parent, self->store, dataset, consent,
                                    (const char * const *) analytes);
  }
  self->visit_window = visit;
  g_object_add_weak_pointer (G_OBJECT (visit), (gpointer *) &self->visit_window);
  techo_visit_window_start (visit);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* ---- print --------------------------------------------------------------- */

static void
start_print (TechoShareDialog *self,
             TechoConsent     *consent)
{
  g_autoptr(GError) error = NULL;
  GtkPrintOperationResult result;

  /* The print dialog goes over the main window; this one steps aside. */
  gtk_widget_set_visible (GTK_WIDGET (self), self->output_path != NULL);
  {
    g_auto(GStrv) analytes = chosen_analytes (self);

    result = techo_print_run (self->store, profile_id (self), consent,
                              (const char * const *) analytes, self->parent,
                              self->output_path, &error);
  }
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
  if (consent->id != 0)
    consented (self, consent->id);
  if (result == GTK_PRINT_OPERATION_RESULT_ERROR)
    fail (self, error);
  else if (result == GTK_PRINT_OPERATION_RESULT_CANCEL)
    show_step (self, "summary");
  else
    finish_done (self, _("Sent to the Printer"),
                 _("The consent for this print is on the Sharing page."));
}

/* ---- files ------------------------------------------------------------ */

typedef struct
{
  TechoStore *store;
  gint64 profile_id;
  TechoConsent *consent;
  TechoExportFormat format;
  char *path;
  char **analytes;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->consent, techo_consent_free);
  g_free (job->path);
  g_strfreev (job->analytes);
  g_free (job);
}

/* The PDF as techo_export_run_sync writes it, with the trend charts the
 * person chose: the consent first, then the file, then "sent". */
static gboolean
export_pdf (ExportJob     *job,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *today = techo_format_today ();
  g_autofree char *base = g_path_get_basename (job->path);
  g_autofree char *detail = NULL;
  TechoReportOptions options = { 0 };

  if (!techo_store_record_consent_sync (job->store, job->consent, cancellable, error))
    return FALSE;
  set = techo_record_set_gather_sync (job->store, job->profile_id, job->consent, cancellable,
                                      error);
  if (set == NULL)
    return FALSE;
  options.consent = job->consent;
  options.today = today;
  options.analytes = (const char * const *) job->analytes;
  pdf = techo_report_render_pdf (set, &options, error);
  if (pdf == NULL || !techo_atomic_file_write_bytes (job->path, pdf, cancellable, error))
    return FALSE;
  detail = g_strdup_printf ("pdf: %u records to %s", techo_record_set_count (set), base);
  return techo_store_add_consent_event_sync (job->store, job->consent->id,
                                             TECHO_CONSENT_EVENT_SENT, detail, cancellable,
                                             error);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (job->format == TECHO_EXPORT_FORMAT_PDF)
    ok = export_pdf (job, cancellable, &error);
  else
    ok = techo_export_run_sync (job->store, job->profile_id, job->consent, job->format,
                                job->path, cancellable, &error);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  TechoShareDialog *self = TECHO_SHARE_DIALOG (source);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (job->consent->id != 0)
    consented (self, job->consent->id);
  /* Closed while the file was being written: nothing left to show. */
  if (self->stack == NULL)
    return;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fail (self, error);
      return;
    }
  {
    g_autofree char *name = g_path_get_basename (job->path);
    /* Translators: %s is a file or folder name. */
    g_autofree char *text = g_strdup_printf (_("Saved as “%s”. The consent for it is on the Sharing page."),
                                             name);

    finish_done (self, _("Saved"), text);
  }
}

static void
run_export (TechoShareDialog *self,
            TechoConsent     *consent,
            const char       *path)
{
  g_autoptr(GTask) task = NULL;
  ExportJob *job = g_new0 (ExportJob, 1);

  job->store = g_object_ref (self->store);
  job->profile_id = profile_id (self);
  job->consent = consent;
  job->path = g_strdup (path);
  techo_export_format_from_string (consent->method, &job->format);
  job->analytes = chosen_analytes (self);
  show_step (self, "busy");
  task = g_task_new (self, self->cancellable, export_done_cb, NULL);
  g_task_set_source_tag (task, run_export);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
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
      show_step (self, "summary");
      return;
    }
  run_export (self, build_consent (self), path);
}

static char *
suggested_name (const char *method)
{
  g_autofree char *today = techo_format_today ();

  if (g_str_equal (method, TECHO_CONSENT_METHOD_PDF))
    return g_strdup_printf ("techo-report-%s.pdf", today);
  if (g_str_equal (method, TECHO_CONSENT_METHOD_FHIR))
    return g_strdup_printf ("techo-fhir-%s.json", today);
  if (g_str_equal (method, TECHO_CONSENT_METHOD_CSV))
    return g_strdup_printf ("techo-csv-%s", today);
  return g_strdup_printf ("techo-cda-%s", today);
}

static void
start_file (TechoShareDialog *self,
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
  show_step (self, "busy");
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- share link ---------------------------------------------------------- */

static void
qr_draw_cb (GtkDrawingArea *area,
            cairo_t        *cr,
            int             width,
            int             height,
            gpointer        user_data)
{
  TechoShareDialog *self = user_data;
  double size = MIN (width, height);

  if (self->link == NULL)
    return;
  techo_qr_draw (cr, self->link, (width - size) / 2, (height - size) / 2, size, NULL);
}

static void
start_link (TechoShareDialog *self,
            TechoConsent     *consent)
{
  const char *passcode = gtk_editable_get_text (GTK_EDITABLE (self->passcode_row));
  TechoShareOptions options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *until = NULL;
  g_autofree char *expiry = NULL;
  TechoShareServer *server;
  char *link;

  server = server_for (self, chosen_address (self), &error);
  if (server == NULL)
    {
      techo_consent_free (consent);
      fail (self, error);
      return;
    }
  options.passcode = passcode[0] != '\0' ? passcode : NULL;
  options.label = _("Records from Techo");
  link = techo_share_publish_sync (self->store, server, profile_id (self), consent,
                                   &options, NULL, &error);
  if (consent->id != 0)
    consented (self, consent->id);
  until = time_text (consent->expires_at);
  techo_consent_free (consent);
  if (link == NULL)
    {
      fail (self, error);
      return;
    }
  g_free (self->link);
  self->link = link;
  gtk_label_set_text (self->link_label, link);
  /* Translators: %s is a date and time. */
  expiry = g_strdup_printf (_("Valid until %s, while Techo is open on this computer. Stop it any time on the Sharing page."),
                            until);
  gtk_label_set_text (self->link_expiry_label, expiry);
  gtk_widget_queue_draw (GTK_WIDGET (self->qr_area));
  show_step (self, "link");
}

/* ---- callbacks ------------------------------------------------------------ */

static void
carry_out (TechoShareDialog *self)
{
  TechoConsent *consent = build_consent (self);
  const char *method = consent->method;

  set_error (self, self->summary_error_label, NULL);
  if (g_str_equal (method, TECHO_CONSENT_METHOD_VISIT))
    {
      start_visit (self, consent);
      techo_consent_free (consent);
    }
  else if (g_str_equal (method, TECHO_CONSENT_METHOD_PRINT))
    {
      start_print (self, consent);
      techo_consent_free (consent);
    }
  else if (method_is_file (method))
    start_file (self, consent);
  else
    start_link (self, consent);
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
    show_step (self, "form");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static void
method_changed_cb (TechoShareDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->link_group),
                          g_str_equal (current_method (self), TECHO_CONSENT_METHOD_SHARE));
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
  g_clear_pointer (&self->dataset, techo_dataset_unref);
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
  fill_addresses (self);
  gtk_drawing_area_set_draw_func (self->qr_area, qr_draw_cb, self, NULL);
  show_step (self, "form");
}

/* ---- public API ---------------------------------------------------------- */

TechoShareDialog *
techo_share_dialog_new (GtkWindow        *parent,
                        TechoStore       *store,
                        TechoDataset     *dataset,
                        GHashTable       *servers)
{
  TechoShareDialog *self = g_object_new (TECHO_TYPE_SHARE_DIALOG,
                                         "transient-for", parent,
                                         NULL);

  self->parent = parent;
  self->store = store != NULL ? g_object_ref (store) : NULL;
  self->dataset = dataset != NULL ? techo_dataset_ref (dataset) : NULL;
  fill_analytes (self);
  self->servers = servers != NULL ? g_hash_table_ref (servers)
                                  : g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           g_object_unref);
  return self;
}

void
techo_share_dialog_set_method (TechoShareDialog *self,
                               const char       *method)
{
  for (guint i = 0; i < G_N_ELEMENTS (method_names); i++)
    if (g_strcmp0 (method_names[i], method) == 0)
      adw_combo_row_set_selected (self->method_row, i);
}

const char *
techo_share_dialog_get_method (TechoShareDialog *self)
{
  return current_method (self);
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
