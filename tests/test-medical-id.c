/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Medical ID's entries in a real store: the person's own allergies,
 * OTC medicines and notes of what a medicine is for are saved, changed
 * and removed through the store; what a file brought is refused there;
 * they survive the same file imported again, another file, undoing that
 * import and a reopening of the store; the consent gate gathers them and
 * the doctor's PDF shows them on its first page (read back with
 * pdftotext). */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"
#include "techo-disclosure.h"
#include "techo-import.h"
#include "techo-report.h"
#include "techo-test-export.h"
#include "techo-test-util.h"

#define TODAY "2026-10-20"

/* An allergy, a side effect and an OTC medicine from the pharmacy, and two
 * drugs still being taken on TODAY. */
static const char notebook[] =
  "JAHISTC08,1\n"
  "1,手帳 花子,2,19580303\n"
  "2,1,卵,1\n"
  "2,2,セフェム系抗菌薬で発疹,1\n"
  "3,ビタミンC錠,,,2,1,4900000000001\n"
  "5,20261001,1\n"
  "11,みなと薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1\n"
  "51,千代田内科クリニック,13,1,7654321,1\n"
  "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n"
  "301,1,1日1回朝食後,28,日分,1,1,,1\n"
  "201,2,まだ分類のない薬,1,錠,1,,1\n"
  "301,2,1日1回朝食後,28,日分,1,1,,1\n";

/* Another pharmacy's notebook, later: one more dispensing. */
static const char notebook2[] =
  "JAHISTC08,1\n"
  "1,手帳 花子,2,19580303\n"
  "5,20261010,1\n"
  "11,さくら薬局,13,4,2345678,,,,1\n"
  "51,港整形外科,13,1,8765432,1\n"
  "201,1,セレコキシブ錠100mg,2,錠,4,1149037F1020,1\n"
  "301,1,1日2回朝夕食後,14,日分,1,1,,1\n";

typedef struct
{
  char *dir;
  char *data_dir;
  TechoStore *store;
  gint64 profile_id;
} Fixture;

static char *
write_file (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static TechoImportReport *
import (Fixture    *f,
        const char *path)
{
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  TechoImportReport *report = techo_import_paths_sync (f->store, f->profile_id, paths,
                                                       TECHO_IMPORT_FLAGS_NONE, NULL, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < report->files->len; i++)
    {
      TechoImportFile *file = g_ptr_array_index (report->files, i);

      g_assert_no_error (file->error);
    }
  g_assert_true (techo_import_report_all_read (report));
  return report;
}

static GPtrArray *
list_entries (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *entries = techo_store_list_notebook_entries_sync (f->store, f->profile_id, -1, NULL,
                                                               &error);

  g_assert_no_error (error);
  return entries;
}

static const TechoNotebookEntry *
find_entry (GPtrArray  *entries,
            const char *text)
{
  for (guint i = 0; i < entries->len; i++)
    {
      const TechoNotebookEntry *e = g_ptr_array_index (entries, i);

      if (g_strcmp0 (e->text, text) == 0)
        return e;
    }
  return NULL;
}

static guint
count_origin (GPtrArray   *entries,
              TechoOrigin  origin)
{
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    n += ((TechoNotebookEntry *) g_ptr_array_index (entries, i))->provenance.origin == origin;
  return n;
}

static char *
save (Fixture           *f,
      TechoNotebookKind  kind,
      const char        *id,
      const char        *code,
      const char        *text)
{
  TechoNotebookEntry entry = { 0 };
  g_autoptr(GError) error = NULL;
  char *saved;

  entry.kind = kind;
  entry.id = (char *) id;
  entry.code = (char *) code;
  entry.text = (char *) text;
  saved = techo_store_save_notebook_entry_sync (f->store, f->profile_id, &entry, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (saved);
  return saved;
}

static void
expect_refused (Fixture           *f,
                TechoNotebookKind  kind,
                const char        *id,
                const char        *text,
                int                code)
{
  TechoNotebookEntry entry = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;

  entry.kind = kind;
  entry.id = (char *) id;
  entry.text = (char *) text;
  saved = techo_store_save_notebook_entry_sync (f->store, f->profile_id, &entry, NULL, &error);
  g_assert_null (saved);
  g_assert_error (error, TECHO_STORE_ERROR, code);
}

static void
reopen (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_close_sync (f->store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
  f->store = techo_store_new (f->data_dir);
  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);
}

static char *
pdf_first_page_text (const char *pdf_path)
{
  const char *argv[] = { "pdftotext", "-f", "1", "-l", "1", pdf_path, "-", NULL };
  g_autofree char *out = NULL;
  char *flat, *w;

  g_assert_cmpint (techo_test_spawn (argv, &out, NULL), ==, 0);
  /* pdftotext may split runs of text: look with spaces taken out. */
  flat = g_strdup (out);
  w = flat;
  for (const char *p = out; *p != '\0'; p++)
    if (*p != ' ' && *p != '\n')
      *w++ = *p;
  *w = '\0';
  return flat;
}

static void
test_medical_id (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *path2 = NULL;
  g_autofree char *allergy_id = NULL;
  g_autofree char *otc_id = NULL;
  g_autofree char *purpose_id = NULL;
  g_autofree char *gone_id = NULL;
  g_autoptr(TechoImportReport) first = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  const TechoNotebookEntry *imported, *own;

  f->dir = g_dir_make_tmp ("techo-medical-id-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "store", NULL);
  f->store = techo_store_new (f->data_dir);
  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);
  path = write_file (f, "okusuri.txt", notebook);
  path2 = write_file (f, "okusuri2.txt", notebook2);
  first = import (f, path);
  f->profile_id = first->profile_id;
  g_assert_cmpint (f->profile_id, >, 0);

  /* The person's own: an allergy, an OTC supplement, a note of what the
   * amlodipine is for (under its ingredient's key), and one to remove. */
  allergy_id = save (f, TECHO_NOTEBOOK_ALLERGY, NULL, NULL, "  ペニシリン  ");
  g_assert_true (g_str_has_prefix (allergy_id, "manual:"));
  otc_id = save (f, TECHO_NOTEBOOK_OTC, NULL, NULL, "DHAサプリ");
  {
    g_autoptr(TechoDispensing) d = techo_dispensing_new ();
    g_autofree char *key = NULL;

    d->yj_code = g_strdup ("2171022F1020");
    key = techo_analysis_medicine_key (d);
    g_assert_cmpstr (key, ==, "2171022");
    purpose_id = save (f, TECHO_NOTEBOOK_PURPOSE, "manual:purpose:2171022", key, "朝の血圧");
    g_assert_cmpstr (purpose_id, ==, "manual:purpose:2171022");
  }
  gone_id = save (f, TECHO_NOTEBOOK_SIDE_EFFECT, NULL, NULL, "消す予定");

  entries = list_entries (f);
  g_assert_cmpuint (entries->len, ==, 7);
  own = find_entry (entries, "ペニシリン");   /* stripped */
  g_assert_nonnull (own);
  g_assert_cmpint (own->provenance.origin, ==, TECHO_ORIGIN_MANUAL);
  g_assert_cmpstr (own->author, ==, "2");
  imported = find_entry (entries, "卵");
  g_assert_nonnull (imported);
  g_assert_cmpint (imported->provenance.origin, ==, TECHO_ORIGIN_FILE);
  g_assert_cmpstr (imported->provenance.file_name, ==, "okusuri.txt");

  /* What the pharmacy wrote is not changed or removed here; an empty or
   * overlong note, or nobody, is refused with the store unchanged. */
  expect_refused (f, TECHO_NOTEBOOK_ALLERGY, imported->id, "卵白", TECHO_STORE_ERROR_INVALID);
  g_assert_false (techo_store_remove_notebook_entry_sync (f->store, f->profile_id, imported->id,
                                                          NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  expect_refused (f, TECHO_NOTEBOOK_ALLERGY, NULL, "   ", TECHO_STORE_ERROR_INVALID);
  {
    g_autoptr(GString) longer = g_string_new (NULL);

    for (guint i = 0; i <= TECHO_NOTEBOOK_ENTRY_MAX_TEXT; i++)
      g_string_append (longer, "あ");
    expect_refused (f, TECHO_NOTEBOOK_ALLERGY, NULL, longer->str, TECHO_STORE_ERROR_INVALID);
  }
  {
    TechoNotebookEntry entry = { .kind = TECHO_NOTEBOOK_ALLERGY, .text = (char *) "猫" };

    g_assert_null (techo_store_save_notebook_entry_sync (f->store, f->profile_id + 100, &entry,
                                                         NULL, &error));
    g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  g_assert_false (techo_store_remove_notebook_entry_sync (f->store, f->profile_id,
                                                          "manual:nothing", NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = list_entries (f);
  g_assert_nonnull (find_entry (entries, "卵"));
  g_assert_cmpuint (entries->len, ==, 7);

  /* Changed in place (same id), and one removed. */
  g_free (save (f, TECHO_NOTEBOOK_ALLERGY, allergy_id, NULL, "ペニシリン系抗菌薬"));
  g_assert_true (techo_store_remove_notebook_entry_sync (f->store, f->profile_id, gone_id, NULL,
                                                         &error));
  g_assert_no_error (error);

  /* The same file again, another file, and undoing that import: the
   * person's entries stay as they are. */
  {
    g_autoptr(TechoImportReport) again = import (f, path);
    g_autoptr(TechoImportReport) other = import (f, path2);
    g_autoptr(TechoUndoResult) undone = NULL;

    g_assert_cmpint (other->import_id, >, 0);
    undone = techo_store_undo_import_sync (f->store, other->import_id, NULL, &error);
    g_assert_no_error (error);
  }
  /* … and a restart. */
  reopen (f);
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = list_entries (f);
  g_assert_cmpuint (entries->len, ==, 6);
  g_assert_cmpuint (count_origin (entries, TECHO_ORIGIN_MANUAL), ==, 3);
  g_assert_cmpuint (count_origin (entries, TECHO_ORIGIN_FILE), ==, 3);
  g_assert_nonnull (find_entry (entries, "ペニシリン系抗菌薬"));
  g_assert_null (find_entry (entries, "ペニシリン"));
  g_assert_null (find_entry (entries, "消す予定"));
  g_assert_nonnull (find_entry (entries, "DHAサプリ"));
  g_assert_nonnull (find_entry (entries, "朝の血圧"));

  /* Gathered for a doctor under a medicines consent, and on the first
   * page of the PDF: allergies in the warning, the person's own marked,
   * each current medicine with its class and the note. */
  {
    g_autoptr(TechoConsent) consent = techo_consent_new ("みどり内科", "受診のため",
                                                         1u << TECHO_CATEGORY_MEDICATION,
                                                         TECHO_CONSENT_METHOD_PDF);
    g_autoptr(TechoRecordSet) set = techo_record_set_gather_sync (f->store, f->profile_id,
                                                                  consent, NULL, &error);
    g_autoptr(GBytes) pdf = NULL;
    g_autofree char *pdf_path = g_build_filename (f->dir, "report.pdf", NULL);
    g_autofree char *text = NULL;
    g_autofree char *class_text = NULL;
    TechoReportOptions options = { 0 };
    const TechoDrugClass *drug_class = techo_reference_drug_class ("2171022F1020");

    g_assert_no_error (error);
    g_assert_cmpuint (set->entries->len, ==, 6);
    g_assert_nonnull (drug_class);
    consent->id = 1;
    options.consent = consent;
    options.today = TODAY;
    pdf = techo_report_render_pdf (set, &options, &error);
    g_assert_no_error (error);
    g_assert_true (techo_atomic_file_write_bytes (pdf_path, pdf, NULL, &error));
    g_assert_no_error (error);
    text = pdf_first_page_text (pdf_path);
    g_test_message ("%s", text);
    g_assert_nonnull (strstr (text, "お薬手帳の基本"));
    g_assert_true (strstr (text, "アレルギー：卵、ペニシリン系抗菌薬（本人記入）") != NULL
                   || strstr (text, "アレルギー：ペニシリン系抗菌薬（本人記入）、卵") != NULL);
    g_assert_nonnull (strstr (text, "副作用歴：セフェム系抗菌薬で発疹"));
    g_assert_nonnull (strstr (text, "DHAサプリ（本人記入）"));
    g_assert_nonnull (strstr (text, "ビタミンC錠"));
    class_text = g_strdup_printf ("%s：%s", drug_class->name_ja, drug_class->purpose_ja);
    g_assert_nonnull (strstr (text, "アムロジピン錠5mg"));
    g_assert_nonnull (strstr (text, class_text));
    g_assert_nonnull (strstr (text, "朝の血圧"));
    g_assert_nonnull (strstr (text, "まだ分類のない薬"));
    /* The first page as an image, for a person to look at. */
    {
      const char *build = g_getenv ("TECHO_BUILD_ROOT");
      g_autofree char *shots = g_build_filename (build != NULL ? build : ".", "meson-logs",
                                                 "screenshots", NULL);
      g_autofree char *prefix = g_build_filename (shots, "report-medical-id", NULL);
      const char *argv[] = { "pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1",
                             "-singlefile", pdf_path, prefix, NULL };

      g_mkdir_with_parents (shots, 0755);
      g_assert_cmpint (techo_test_spawn (argv, NULL, NULL), ==, 0);
    }
  }

  g_assert_true (techo_store_erase_sync (f->store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
  techo_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/medical-id/store-import-report", test_medical_id);
  return g_test_run ();
}
