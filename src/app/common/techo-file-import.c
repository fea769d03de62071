/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-file-import"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-file-import.h"
#include "techo-import.h"

/* More than this in one go is refused before anything is read. */
#define MAX_FILES 64

typedef struct
{
  GWeakRef window;           /* TechoWindow: closed meanwhile, no report */
  TechoStore *store;
  gint64 profile_id;
  GPtrArray *paths;          /* char * */
  guint next;
  guint n_medicines;         /* new dispensing rows */
  guint n_checkups;          /* new checkups */
  guint n_imported;          /* files that went in */
  guint n_entries;           /* new notebook entries (allergies, OTC …) */
  guint pending_have;        /* multi-part data still incomplete: parts held … */
  guint pending_total;       /* … of its total, 0 when nothing waits */
  GPtrArray *failures;       /* char *: "name\nmessage" */
} ImportRun;

static void
import_run_free (ImportRun *run)
{
  g_weak_ref_clear (&run->window);
  g_clear_object (&run->store);
  g_clear_pointer (&run->paths, g_ptr_array_unref);
  g_clear_pointer (&run->failures, g_ptr_array_unref);
  g_free (run);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ImportRun, import_run_free)

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
show_failures (ImportRun   *run,
               TechoWindow *window)
{
  g_autofree char *heading = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  GtkWidget *dialog;

  if (run->failures->len == 1)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (run->failures, 0), "\n", 2);

      heading = g_strdup_printf (_("Could not import “%s”"), parts[0]);
      g_string_append (body, parts[1]);
    }
  else
    {
      heading = g_strdup (_("Some files could not be imported"));
      for (guint i = 0; i < run->failures->len; i++)
        {
          g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (run->failures, i), "\n", 2);

          /* TRANSLATORS: a file name and why it was refused. */
          g_string_append_printf (body, _("%s: %s"), parts[0], parts[1]);
          g_string_append_c (body, '\n');
        }
    }
  g_string_append (body, "\n");
  g_string_append (body, run->failures->len == 1
                         ? _("Nothing was changed by this file.")
                         : _("Nothing was changed by these files."));
  dialog = adw_message_dialog_new (GTK_WINDOW (window), heading, body->str);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
finish_run (ImportRun *run)
{
  g_autoptr(TechoWindow) window = g_weak_ref_get (&run->window);

  /* Closed meanwhile (destroyed, kept alive only by a reference): the
   * records are in the store; there is nobody to tell. */
  if (window == NULL || !gtk_widget_get_realized (GTK_WIDGET (window)))
    return;
  if (run->n_imported > 0)
    {
      g_autofree char *text = summary_text (run->n_medicines, run->n_checkups);

      techo_window_reload (window);
      if (run->n_medicines > 0 || run->n_checkups > 0 || run->pending_total == 0)
        techo_window_add_toast (window, text);
      if (run->n_entries > 0)
        {
          g_autofree char *entries = g_strdup_printf (
            ngettext ("Imported %u note from the medication notebook (allergies, OTC "
                      "medicines, memos)",
                      "Imported %u notes from the medication notebook (allergies, OTC "
                      "medicines, memos)", run->n_entries), run->n_entries);

          techo_window_add_toast (window, entries);
        }
      if (run->pending_total > 0)
        {
          /* TRANSLATORS: a receipt's medication data printed as several QR codes. */
          g_autofree char *pending = g_strdup_printf (
            _("%u of %u QR codes of this receipt are in; import the others to finish it"),
            run->pending_have, run->pending_total);

          techo_window_add_toast (window, pending);
        }
    }
  if (run->failures->len > 0)
    show_failures (run, window);
}

static void import_next (ImportRun *run);

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportRun *run = user_data;
  g_autoptr(TechoImportResult) imported = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_ptr_array_index (run->paths, run->next - 1);

  imported = techo_import_file_finish (TECHO_STORE (source), result, &error);
  if (imported == NULL)
    {
      g_autofree char *name = g_filename_display_basename (path);

      g_ptr_array_add (run->failures, g_strdup_printf ("%s\n%s", name, error->message));
    }
  else
    {
      run->n_imported++;
      if (imported->kind == TECHO_IMPORT_KIND_CDA)
        run->n_checkups += imported->n_new;
      else
        {
          run->n_medicines += imported->n_new;
          run->n_entries += imported->n_new_entries;
        }
      /* Parts of multi-part data wait for the rest (a later file of this
       * run may bring it). */
      if (imported->pending_data_id != NULL)
        {
          run->pending_have = imported->pending_have;
          run->pending_total = imported->pending_total;
        }
      else if (imported->n_parts_joined > 0)
        run->pending_total = 0;
      /* The next file goes to the person this one went to (one made
       * from the first file of an empty store). */
      if (imported->profile_id > 0)
        run->profile_id = imported->profile_id;
    }
  import_next (run);
}

static void
import_next (ImportRun *run)
{
  if (run->next >= run->paths->len)
    {
      finish_run (run);
      import_run_free (run);
      return;
    }
  techo_import_file_async (run->store, run->profile_id, g_ptr_array_index (run->paths, run->next++),
                           NULL, imported_cb, run);
}

void
techo_file_import_paths (TechoWindow        *window,
                         TechoStore         *store,
                         gint64              profile_id,
                         const char * const *paths)
{
  g_autoptr(ImportRun) run = NULL;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (paths != NULL);

  run = g_new0 (ImportRun, 1);
  g_weak_ref_init (&run->window, window);
  run->store = g_object_ref (store);
  run->profile_id = profile_id;
  run->paths = g_ptr_array_new_with_free_func (g_free);
  run->failures = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; paths[i] != NULL; i++)
    g_ptr_array_add (run->paths, g_strdup (paths[i]));
  if (run->paths->len == 0)
    return;
  if (run->paths->len > MAX_FILES)
    {
      g_autofree char *message = g_strdup_printf (_("Choose at most %u files at a time."),
                                                  (guint) MAX_FILES);

      techo_window_add_toast (window, message);
      return;
    }
  import_next (g_steal_pointer (&run));
}

/* ---- the chooser ------------------------------------------------------- */

typedef struct
{
  TechoWindow *window;
  TechoStore *store;
  gint64 profile_id;
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
    techo_file_import_paths (data->window, data->store, data->profile_id,
                             (const char * const *) paths->pdata);
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

void
techo_file_import_choose (TechoWindow *window,
                          TechoStore  *store,
                          gint64       profile_id)
{
  static const char * const all_patterns[] = {
    "*.txt", "*.TXT", "*.csv", "*.CSV", "*.xml", "*.XML",
    "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG", NULL,
  };
  static const char * const image_patterns[] = {
    "*.png", "*.PNG", "*.jpg", "*.JPG", "*.jpeg", "*.JPEG", NULL,
  };
  static const char * const jahis_patterns[] = { "*.txt", "*.TXT", "*.csv", "*.CSV", NULL };
  static const char * const cda_patterns[] = { "*.xml", "*.XML", NULL };
  static const char * const any_patterns[] = { "*", NULL };
  GtkFileChooserNative *chooser;
  ChooserData *data;
  g_autoptr(GtkFileFilter) supported = NULL;
  g_autoptr(GtkFileFilter) jahis = NULL;
  g_autoptr(GtkFileFilter) cda = NULL;
  g_autoptr(GtkFileFilter) images = NULL;
  g_autoptr(GtkFileFilter) any = NULL;

  g_return_if_fail (TECHO_IS_WINDOW (window));
  g_return_if_fail (TECHO_IS_STORE (store));

  chooser = gtk_file_chooser_native_new (_("Import Files"), GTK_WINDOW (window),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  supported = make_filter (_("Medication notebooks and checkups"), all_patterns);
  jahis = make_filter (_("Medication notebook (JAHIS text)"), jahis_patterns);
  cda = make_filter (_("Checkup (CDA XML)"), cda_patterns);
  images = make_filter (_("Photos of medication notebook QR codes (PNG, JPEG)"),
                        image_patterns);
  any = make_filter (_("All files"), any_patterns);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), supported);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), jahis);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), images);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), cda);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), any);
  gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (chooser), supported);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);

  data = g_new0 (ChooserData, 1);
  data->window = g_object_ref (window);
  data->store = g_object_ref (store);
  data->profile_id = profile_id;
  g_object_set_data_full (G_OBJECT (chooser), "techo-import", data, chooser_data_free);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
