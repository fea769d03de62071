/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Import Files…: every chosen file in one import (one transaction, merged
 * with what is stored), a toast with what came in and an Undo button, a
 * dialog naming each refused file, and a question for the files that need
 * a decision (a corrected re-issue, a file about someone else). */

#define G_LOG_DOMAIN "techo-file-import"

#include "config.h"

#include "techo-alert.h"
#include <glib/gi18n.h>

#include "techo-error-text.h"
#include "techo-file-import.h"
#include "techo-import.h"

/* More than this in one go is refused before anything is read. */
#define MAX_FILES 64

typedef struct
{
  GWeakRef window;           /* TechoWindow: closed meanwhile, no report */
  TechoStore *store;
  gint64 profile_id;
  GStrv paths;
  TechoImportFlags flags;
} ImportRun;

static void
import_run_free (ImportRun *run)
{
  g_weak_ref_clear (&run->window);
  g_clear_object (&run->store);
  g_strfreev (run->paths);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRun, import_run_free)

static void start_run (TechoWindow        *window,
                       TechoStore         *store,
                       gint64              profile_id,
                       const char * const *paths,
                       TechoImportFlags    flags);

static char *
summary_text (guint n_medicines,
              guint n_checkups)
{
  g_autofree char *medicines = NULL;
  g_autofree char *checkups = NULL;

  if (n_medicines == 0 && n_checkups == 0)
    return g_strdup (_("Nothing new: these records are already in Techo"));
  medicines = g_strdup_printf (ngettext ("%u medicine", "%u medicines", n_medicines),
                               n_medicines);
  checkups = g_strdup_printf (ngettext ("%u checkup", "%u checkups", n_checkups), n_checkups);
  if (n_checkups == 0)
    /* TRANSLATORS: %s is "3 medicines" or "1 checkup". */
    return g_strdup_printf (_("Imported %s"), medicines);
  if (n_medicines == 0)
    return g_strdup_printf (_("Imported %s"), checkups);
  /* TRANSLATORS: "Imported 3 medicines and 1 checkup". */
  return g_strdup_printf (_("Imported %s and %s"), medicines, checkups);
}

static void
show_failures (TechoWindow *window,
               GPtrArray   *failures)
{
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (failures->len == 1)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (failures, 0), "\n", 2);

      heading = g_strdup_printf (_("Could not import “%s”"), parts[0]);
      g_string_append (body, parts[1]);
    }
  else
    {
      heading = g_strdup (_("Some files could not be imported"));
      for (guint i = 0; i < failures->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (failures, i), "\n", 2);

          /* TRANSLATORS: a file name and why it was refused. */
          g_string_append_printf (body, _("%s: %s"), parts[0], parts[1]);
          g_string_append_c (body, '\n');
        }
    }
  g_string_append (body, "\n");
  g_string_append (body, failures->len == 1
                         ? _("Nothing was changed by this file.")
                         : _("Nothing was changed by these files."));
  dialog = techo_alert_new (GTK_WINDOW (window), heading, body->str);
  techo_alert_add_response (TECHO_ALERT (dialog), "close", _("_Close"));
  techo_alert_set_default_response (TECHO_ALERT (dialog), "close");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "close");
  techo_alert_present (TECHO_ALERT (dialog));
}

/* ---- asking: a corrected re-issue, a file about someone else ------------- */

typedef struct
{
  TechoWindow *window;
  TechoStore *store;
  gint64 profile_id;
  GStrv paths;
  TechoImportFlags flags;
} Ask;

static void
ask_free (gpointer  data,
          GClosure *closure)
{
  Ask *ask = data;

  g_clear_object (&ask->window);
  g_clear_object (&ask->store);
  g_strfreev (ask->paths);
  g_free (ask);
}

static void
ask_response_cb (TechoAlert *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  Ask *ask = user_data;

  if (g_strcmp0 (response, "import") == 0)
    start_run (ask->window, ask->store, ask->profile_id, (const char * const *) ask->paths,
               ask->flags);
}

static void
ask_anyway (TechoWindow *window,
            ImportRun   *run,
            gint64       profile_id,
            GPtrArray   *paths,
            GPtrArray   *reasons,
            gboolean     any_reissue,
            gboolean     any_other)
{
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;
  Ask *ask;

  for (guint i = 0; i < reasons->len; i++)
    g_string_append_printf (body, "%s\n", (const char *) g_ptr_array_index (reasons, i));
  if (any_reissue)
    g_string_append_printf (body, "\n%s", _("Importing a corrected checkup replaces the values "
                                            "stored for it; the old ones stay in its history "
                                            "and the import can be undone."));
  if (any_other)
    g_string_append_printf (body, "\n%s", _("Importing a file about someone else adds it to "
                                            "the records on screen."));
  dialog = techo_alert_new (GTK_WINDOW (window), _("Import Anyway?"), body->str);
  techo_alert_add_responses (TECHO_ALERT (dialog),
                                    "cancel", _("_Cancel"),
                                    "import", _("_Import Anyway"), NULL);
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "import",
                                              ADW_RESPONSE_SUGGESTED);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "cancel");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  ask = g_new0 (Ask, 1);
  ask->window = g_object_ref (window);
  ask->store = g_object_ref (run->store);
  ask->profile_id = profile_id;
  g_ptr_array_add (paths, NULL);
  ask->paths = g_strdupv ((char **) paths->pdata);
  ask->flags = (any_reissue ? TECHO_IMPORT_REPLACE : 0)
               | (any_other ? TECHO_IMPORT_PROFILE_GIVEN : 0)
               /* Adding a person whom no file made yet: still a new one. */
               | (profile_id == 0 ? (run->flags & TECHO_IMPORT_NEW_PROFILE) : 0);
  g_signal_connect_data (dialog, "response", G_CALLBACK (ask_response_cb), ask,
                         ask_free, 0);
  techo_alert_present (TECHO_ALERT (dialog));
}

/* ---- the toast and its Undo ---------------------------------------------- */

static void
undone_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(TechoWindow) window = g_weak_ref_get (ref);
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autoptr(GError) error = NULL;

  undone = techo_store_undo_import_finish (TECHO_STORE (source), result, &error);
  g_weak_ref_clear (ref);
  g_free (ref);
  if (window == NULL)
    return;
  if (undone == NULL)
    {
      techo_window_add_toast (window, _("The import could not be undone."));
      return;
    }
  techo_window_reload (window);
  techo_window_add_toast (window, undone->profile_removed
                                    ? _("Import undone, with the person it had added")
                                    : _("Import undone"));
}

static void
undo_clicked_cb (AdwToast *toast,
                 gpointer  user_data)
{
  TechoWindow *window = user_data;
  gint64 import_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (toast), "import-id"));
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, window);
  techo_store_undo_import_async (g_object_get_data (G_OBJECT (toast), "store"), import_id, NULL,
                                 undone_cb, ref);
}

/* What a medication notebook brought beyond medicines: its notes, and the
 * QR codes of a receipt still missing. */
static void
notebook_toasts (TechoWindow             *window,
                 const TechoImportReport *report)
{
  guint n_entries = 0, pending_have = 0, pending_total = 0;

  for (guint i = 0; i < report->files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (report->files, i);

      if (file->status != TECHO_IMPORT_FILE_READ || file->notebook == NULL)
        continue;
      n_entries += file->notebook->n_new_entries;
      /* A later file of this import may bring the rest. */
      if (file->notebook->pending_data_id != NULL)
        {
          pending_have = file->notebook->pending_have;
          pending_total = file->notebook->pending_total;
        }
      else if (file->notebook->n_parts_joined > 0)
        pending_total = 0;
    }
  if (n_entries > 0)
    {
      g_autofree char *entries = g_strdup_printf (
        ngettext ("Imported %u note from the medication notebook (allergies, OTC "
                  "medicines, memos)",
                  "Imported %u notes from the medication notebook (allergies, OTC "
                  "medicines, memos)", n_entries), n_entries);

      techo_window_add_toast (window, entries);
    }
  if (pending_total > 0)
    {
      /* TRANSLATORS: a receipt's medication data printed as several QR codes. */
      g_autofree char *pending = g_strdup_printf (
        _("%u of %u QR codes of this receipt are in; import the others to finish it"),
        pending_have, pending_total);

      techo_window_add_toast (window, pending);
    }
}

/* Who the first file read is about (the person a NEW_PROFILE import made). */
static const TechoProfile *
new_person (const TechoImportReport *report)
{
  for (guint i = 0; i < report->files->len; i++)
    {
      const TechoImportFile *file = g_ptr_array_index (report->files, i);

      if (file->status == TECHO_IMPORT_FILE_READ && file->patient != NULL)
        return file->patient;
    }
  return NULL;
}

static void
finish_run (ImportRun         *run,
            TechoImportReport *report)
{
  g_autoptr(TechoWindow) window = g_weak_ref_get (&run->window);
  g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ask_paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) ask_reasons = g_ptr_array_new_with_free_func (g_free);
  gboolean any_reissue = FALSE, any_other = FALSE;

  /* Closed meanwhile (destroyed, kept alive only by a reference): the
   * records are in the store; there is nobody to tell. */
  if (window == NULL || !gtk_widget_get_realized (GTK_WIDGET (window)))
    return;
  for (guint i = 0; i < report->files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (report->files, i);
      g_autofree char *name = NULL;

      if (file->status == TECHO_IMPORT_FILE_READ)
        continue;
      name = g_filename_display_basename (file->path);
      if (g_error_matches (file->error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_REISSUE)
          || g_error_matches (file->error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_OTHER_PERSON))
        {
          any_reissue = any_reissue || file->error->code == TECHO_IMPORT_ERROR_REISSUE;
          any_other = any_other || file->error->code == TECHO_IMPORT_ERROR_OTHER_PERSON;
          g_ptr_array_add (ask_paths, g_strdup (file->path));
          /* TRANSLATORS: a file name and why it was refused. */
          g_ptr_array_add (ask_reasons, g_strdup_printf (_("%s: %s"), name,
                                                         file->error->message));
          continue;
        }
      g_ptr_array_add (failures, g_strdup_printf ("%s\n%s", name, file->error->message));
    }
  if (report->files->len > failures->len + ask_paths->len)
    {
      guint n_medicines = techo_import_report_count (report, TECHO_MERGE_ADDED,
                                                     TECHO_CATEGORY_MEDICATION);
      g_autofree char *text = NULL;

      /* Rows a 電子処方箋 row supersedes are kept but not listed: count
       * what the Medicines page shows more. */
      n_medicines = n_medicines > report->n_newly_revised
                    ? n_medicines - report->n_newly_revised : 0;
      text =
        summary_text (n_medicines,
                      techo_import_report_count (report, TECHO_MERGE_ADDED,
                                                 TECHO_CATEGORY_CHECKUP)
                      + techo_import_report_count (report, TECHO_MERGE_REPLACED,
                                                   TECHO_CATEGORY_CHECKUP));

      /* A new family member: their records on screen now. */
      if (report->profile_created && report->profile_id > 0)
        techo_window_show_person (window, report->profile_id);
      else
        techo_window_reload (window);
      if (report->profile_created && (run->flags & TECHO_IMPORT_NEW_PROFILE) != 0)
        {
          const TechoProfile *patient = new_person (report);

          g_free (text);
          /* TRANSLATORS: %s is the name of the family member just added. */
          text = g_strdup_printf (_("Added %s"), patient != NULL && patient->name != NULL
                                                 ? patient->name : _("a person"));
        }
      if (report->import_id > 0)
        {
          AdwToast *toast = adw_toast_new (text);

          adw_toast_set_timeout (toast, 8);
          adw_toast_set_button_label (toast, _("_Undo"));
          g_object_set_data (G_OBJECT (toast), "import-id",
                             GSIZE_TO_POINTER ((gsize) report->import_id));
          g_object_set_data_full (G_OBJECT (toast), "store", g_object_ref (run->store),
                                  g_object_unref);
          g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb),
                                   window, 0);
          techo_window_present_toast (window, toast);
        }
      else
        techo_window_add_toast (window, text);
      notebook_toasts (window, report);
    }
  if (failures->len > 0)
    show_failures (window, failures);
  if (ask_paths->len > 0)
    ask_anyway (window, run, report->profile_created || (run->flags & TECHO_IMPORT_NEW_PROFILE) == 0
                             ? (report->profile_id > 0 ? report->profile_id : run->profile_id)
                             : 0,
                ask_paths, ask_reasons, any_reissue, any_other);
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ImportRun) run = user_data;
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  report = techo_import_paths_finish (TECHO_STORE (source), result, &error);
  if (report == NULL)
    {
      g_autoptr(TechoWindow) window = g_weak_ref_get (&run->window);
      g_autoptr(GPtrArray) failures = g_ptr_array_new_with_free_func (g_free);

      if (window == NULL || !gtk_widget_get_realized (GTK_WIDGET (window)))
        return;
      for (guint i = 0; run->paths[i] != NULL; i++)
        {
          g_autofree char *name = g_filename_display_basename (run->paths[i]);

          g_ptr_array_add (failures, g_strdup_printf ("%s\n%s", name, techo_error_text (error)));
        }
      show_failures (window, failures);
      return;
    }
  finish_run (run, report);
}

static void
start_run (TechoWindow        *window,
           TechoStore         *store,
           gint64              profile_id,
           const char * const *paths,
           TechoImportFlags    flags)
{
  ImportRun *run = g_new0 (ImportRun, 1);

  g_weak_ref_init (&run->window, window);
  run->store = g_object_ref (store);
  run->profile_id = profile_id;
  run->paths = g_strdupv ((char **) paths);
  run->flags = flags;
  /* The files go to the window's person; one that names someone else
   * is asked about first (see ask_anyway). */
  techo_import_paths_async (store, profile_id, paths, flags, NULL, imported_cb, run);
}

static void
import_paths (TechoWindow        *window,
              TechoStore         *store,
              gint64              profile_id,
              const char * const *paths,
              TechoImportFlags    flags)
{
  guint n;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (paths != NULL);

  n = g_strv_length ((char **) paths);
  if (n == 0)
    return;
  if (n > MAX_FILES)
    {
      g_autofree char *message = g_strdup_printf (_("Choose at most %u files at a time."),
                                                  (guint) MAX_FILES);

      techo_window_add_toast (window, message);
      return;
    }
  start_run (window, store, profile_id, paths, flags);
}

void
techo_file_import_paths (TechoWindow        *window,
                         TechoStore         *store,
                         gint64              profile_id,
                         const char * const *paths)
{
  import_paths (window, store, profile_id, paths, TECHO_IMPORT_FLAGS_NONE);
}

void
techo_file_import_new_person_paths (TechoWindow        *window,
                                    TechoStore         *store,
                                    const char * const *paths)
{
  import_paths (window, store, 0, paths, TECHO_IMPORT_NEW_PROFILE);
}

/* ---- the chooser ------------------------------------------------------- */

typedef struct
{
  TechoWindow *window;
  TechoStore *store;
  gint64 profile_id;
  TechoImportFlags flags;
} ChooserData;

static void
chooser_data_free (gpointer data)
{
  ChooserData *chooser_data = data;

  g_clear_object (&chooser_data->window);
  g_clear_object (&chooser_data->store);
  g_free (chooser_data);
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     gpointer         user_data)
{
  ChooserData *data = g_object_get_data (G_OBJECT (dialog), "techo-import");
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GListModel) files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (dialog));
      guint n_missing = 0;

      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        {
          g_autoptr(GFile) file = g_list_model_get_item (files, i);
          char *path = g_file_get_path (file);

          if (path != NULL)
            g_ptr_array_add (paths, path);
          else
            n_missing++;
        }
      if (n_missing > 0)
        techo_window_add_toast (data->window, _("Only files on this computer can be imported."));
    }
  g_ptr_array_add (paths, NULL);
  if (paths->len > 1)
    import_paths (data->window, data->store, data->profile_id,
                  (const char * const *) paths->pdata, data->flags);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static GtkFileFilter *
make_filter (const char         *name,
             const char * const *patterns)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; patterns[i] != NULL; i++)
    gtk_file_filter_add_pattern (filter, patterns[i]);
  return filter;
}

static void
choose (TechoWindow      *window,
        TechoStore       *store,
        gint64            profile_id,
        TechoImportFlags  flags)
{
  static const char * const all_patterns[] = {
    "*.txt", "*.TXT", "*.csv", "*.CSV", "*.xml", "*.XML", "*.json", "*.JSON",
    "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG", NULL,
  };
  static const char * const image_patterns[] = {
    "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG", NULL,
  };
  static const char * const fhir_patterns[] = { "*.json", "*.JSON", NULL };
  static const char * const jahis_patterns[] = { "*.txt", "*.TXT", "*.csv", "*.CSV", NULL };
  static const char * const cda_patterns[] = { "*.xml", "*.XML", NULL };
  /* マイナポータル's 薬剤情報 and 特定健診情報 downloads: XML too, told
   * apart from CDA by their content. */
  static const char * const portal_patterns[] = { "*.xml", "*.XML", NULL };
  static const char * const any_patterns[] = { "*", NULL };
  GtkFileChooserNative *chooser;
  ChooserData *data;
  g_autoptr(GtkFileFilter) supported = NULL;
  g_autoptr(GtkFileFilter) jahis = NULL;
  g_autoptr(GtkFileFilter) cda = NULL;
  g_autoptr(GtkFileFilter) fhir = NULL;
  g_autoptr(GtkFileFilter) portal = NULL;
  g_autoptr(GtkFileFilter) images = NULL;
  g_autoptr(GtkFileFilter) any = NULL;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));

  chooser = gtk_file_chooser_native_new ((flags & TECHO_IMPORT_NEW_PROFILE)
                                         ? _("Files of the Person to Add")
                                         : _("Import Files"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  supported = make_filter (_("Medication notebooks and checkups"), all_patterns);
  jahis = make_filter (_("Medication notebook (JAHIS text)"), jahis_patterns);
  cda = make_filter (_("Checkup (CDA XML)"), cda_patterns);
  fhir = make_filter (_("FHIR bundle (JSON)"), fhir_patterns);
  portal = make_filter (_("Medicines and checkups saved from Mynaportal (XML)"),
                        portal_patterns);
  images = make_filter (_("Photos of medication notebook QR codes (PNG, JPEG)"),
                        image_patterns);
  any = make_filter (_("All files"), any_patterns);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), supported);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), jahis);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), cda);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), fhir);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), portal);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), any);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), supported);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  data = g_new0 (ChooserData, 1);
  data->window = g_object_ref (window);
  data->store = g_object_ref (store);
  data->profile_id = profile_id;
  data->flags = flags;
  g_object_set_data_full (G_OBJECT (chooser), "techo-import", data, chooser_data_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
techo_file_import_choose (TechoWindow *window,
                          TechoStore  *store,
                          gint64       profile_id)
{
  choose (window, store, profile_id, TECHO_IMPORT_FLAGS_NONE);
}

void
techo_file_import_choose_new_person (TechoWindow *window,
                                     TechoStore  *store)
{
  choose (window, store, 0, TECHO_IMPORT_NEW_PROFILE);
}
