/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The マイナポータル XML files into a real store (SQLCipher, the test
 * session's keyring): detected by content whatever the name, a profile
 * made from the header, the 電子処方箋 rows superseding the claims rows of
 * the same institution and date (both kept, the older marked revised,
 * whichever file came first), re-import adds nothing, a malformed file is
 * refused naming its line and changes nothing, and techo-cli import. */

#include "config.h"

#include <string.h>

#include "techo-import.h"
#include "techo-mhlw-xml.h"
#include "techo-store.h"
#include "techo-test-store.h"
#include "techo-test-util.h"

typedef struct
{
  char *dir;
  TechoStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = techo_test_store_open ("techo-import-mhlw-XXXXXX", &f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  techo_test_store_close (g_steal_pointer (&f->store), f->dir);
  g_free (f->dir);
}

static char *
corpus_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "corpus", "mhlw", name, NULL);
}

/* A copy of a corpus file under another name (the kind comes from the
 * content, not the name). */
static char *
copy_corpus_file (const char *dir,
                  const char *name,
                  const char *as)
{
  g_autofree char *from = corpus_path (name);
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, as, NULL);
  gsize length = 0;

  g_assert_true (g_file_get_contents (from, &data, &length, &error));
  g_assert_true (g_file_set_contents (path, data, length, &error));
  g_assert_no_error (error);
  return path;
}

static char *
write_text (const char *dir,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

static GPtrArray *
shown (TechoStore *store,
       gint64      profile_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = techo_store_list_dispensings_sync (store, profile_id, NULL, NULL, NULL,
                                                       &error);

  g_assert_no_error (error);
  return list;
}

static gint64
count (TechoStore      *store,
       TechoStoreCount  what)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_sync (store, 0, what, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static guint
n_with_source (GPtrArray  *list,
               const char *source)
{
  guint n = 0;

  for (guint i = 0; i < list->len; i++)
    if (g_strcmp0 (((TechoDispensing *) g_ptr_array_index (list, i))->source, source) == 0)
      n++;
  return n;
}

static void
test_medication (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = copy_corpus_file (f->dir, "ok-medication-cp932.xml", "download.dat");
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(TechoImportResult) again = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) list_again = NULL;
  g_autoptr(GError) error = NULL;
  const TechoProfile *profile;

  g_assert_true (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->kind, ==, TECHO_IMPORT_KIND_MHLW_XML);
  g_assert_cmpint (result->category, ==, TECHO_CATEGORY_MEDICATION);
  g_assert_cmpuint (result->n_records, ==, 7);
  g_assert_cmpuint (result->n_new, ==, 7);
  g_assert_cmpuint (result->n_skipped, ==, 1);
  /* The claims rows of 2026-09-05 (みなと薬局, prescribed that day by the
   * clinic of the prescription) and of 2026-09-20 (さくら薬局, dispensed
   * again as 電子処方箋) are revised; the clinic's own 外用 stays. */
  g_assert_cmpuint (result->n_revised, ==, 3);
  g_assert_cmpuint (result->n_newly_revised, ==, 3);
  g_assert_true (result->profile_created);

  /* The person of the header made the local profile. */
  profiles = techo_store_list_profiles_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  profile = g_ptr_array_index (profiles, 0);
  g_assert_cmpstr (profile->name, ==, "手帳　太郎");
  g_assert_cmpstr (profile->name_kana, ==, "テチョウ　タロウ");
  g_assert_cmpstr (profile->birth_date, ==, "1970-04-15");
  g_assert_cmpstr (profile->sex, ==, "male");

  /* All seven rows are kept; four are shown. */
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 7);
  list = shown (f->store, result->profile_id);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpuint (n_with_source (list, "dispensing"), ==, 1);
  g_assert_cmpuint (n_with_source (list, "prescription"), ==, 2);
  g_assert_cmpuint (n_with_source (list, "claims"), ==, 1);
  for (guint i = 0; i < list->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (list, i);

      g_assert_cmpint (d->provenance.origin, ==, TECHO_ORIGIN_FILE);
      g_assert_cmpstr (d->provenance.file_name, ==, "download.dat");
      g_assert_cmpstr (d->provenance.file_sha256, ==, result->file_sha256);
      if (g_strcmp0 (d->source, "claims") == 0)
        g_assert_cmpstr (d->pharmacy_name, ==, "港整形外科");
    }

  /* The same file again (under another name) adds and revises nothing. */
  {
    g_autofree char *copy = copy_corpus_file (f->dir, "ok-medication-cp932.xml", "again.xml");

    g_assert_true (techo_import_file_sync (f->store, 0, copy, &again, NULL, &error));
  }
  g_assert_no_error (error);
  g_assert_cmpuint (again->n_new, ==, 0);
  g_assert_cmpuint (again->n_revised, ==, 3);
  g_assert_cmpuint (again->n_newly_revised, ==, 0);
  g_assert_false (again->profile_created);
  g_assert_cmpint (again->profile_id, ==, result->profile_id);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 7);
  list_again = shown (f->store, result->profile_id);
  g_assert_cmpuint (list_again->len, ==, 4);
}

#define ONE_MONTH \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
  "<XmlMsg><MessageHeader><QuaInf><Name>手帳　太郎</Name></QuaInf></MessageHeader>\n" \
  "<MessageBody>%s</MessageBody></XmlMsg>\n"

static const char claims_0920[] =
  "<MeTrMonthInf><MeTrDiHCd>1340023456</MeTrDiHCd><MeTrDiHNm>さくら薬局</MeTrDiHNm>"
  "<MeTrMonth>202609</MeTrMonth><PrlsHCd>1310054321</PrlsHCd><InOut>2</InOut>\n"
  "<DiDateInfs><DiDateInf><DiDate>20260920</DiDate><PrDate>20260920</PrDate><DrugInfs>\n"
  "<DrugInf><DrugC>612320261</DrugC><DrugN>レバミピド錠100mg</DrugN><Qua1>3</Qua1>"
  "<Times>14</Times><MeTrIdCl>21</MeTrIdCl></DrugInf>\n"
  "</DrugInfs></DiDateInf></DiDateInfs></MeTrMonthInf>\n";

static const char dispensing_0920[] =
  "<CzDiInf><CzDiMonthInf><CzMeTrDiHCd>1340023456</CzMeTrDiHCd>"
  "<CzMeTrDiHNm>さくら薬局</CzMeTrDiHNm><CzDiMonth>202609</CzDiMonth>"
  "<CzPrlsHCd>1310054321</CzPrlsHCd>\n"
  "<CzDiDateInfs><CzDiDateInf><CzDiDate>20260920</CzDiDate><CzPrDate>20260920</CzPrDate>"
  "<CzDrugInfs>\n"
  "<CzDrugInf><CzDrugC>612320261</CzDrugC><CzDrugN>レバミピド錠100mg「オーツカ」</CzDrugN>"
  "<CzQua1>3</CzQua1><CzTimes>14</CzTimes><CzUsageCl>1</CzUsageCl></CzDrugInf>\n"
  "</CzDrugInfs></CzDiDateInf></CzDiDateInfs></CzDiMonthInf></CzDiInf>\n";

/* The 電子処方箋 row arrives first (it is published within days); the
 * claims row of the same dispensing a month or two later, in another
 * download. The claims row is revised all the same. */
static void
test_twin_first (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *twin_xml = g_strdup_printf (ONE_MONTH, dispensing_0920);
  g_autofree char *claims_xml = g_strdup_printf (ONE_MONTH, claims_0920);
  g_autofree char *twin = write_text (f->dir, "yakuzai-2026-09.xml", twin_xml);
  g_autofree char *claims = write_text (f->dir, "yakuzai-2026-11.xml", claims_xml);
  g_autoptr(TechoImportResult) first = NULL;
  g_autoptr(TechoImportResult) second = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  const TechoDispensing *d;

  g_assert_true (techo_import_file_sync (f->store, 0, twin, &first, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first->n_revised, ==, 0);
  g_assert_true (techo_import_file_sync (f->store, 0, claims, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_new, ==, 1);
  g_assert_cmpuint (second->n_revised, ==, 1);
  g_assert_cmpuint (second->n_newly_revised, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 2);
  list = shown (f->store, second->profile_id);
  g_assert_cmpuint (list->len, ==, 1);
  d = g_ptr_array_index (list, 0);
  g_assert_cmpstr (d->source, ==, "dispensing");
  g_assert_cmpstr (d->drug_name, ==, "レバミピド錠100mg「オーツカ」");
  g_assert_cmpstr (d->provenance.file_name, ==, "yakuzai-2026-09.xml");
}

/* The claims row first, then its 電子処方箋 twin in another download;
 * undoing the twin's import shows the claims row again. */
static void
test_undo_twin (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *twin_xml = g_strdup_printf (ONE_MONTH, dispensing_0920);
  g_autofree char *claims_xml = g_strdup_printf (ONE_MONTH, claims_0920);
  g_autofree char *claims = write_text (f->dir, "yakuzai-2026-11.xml", claims_xml);
  g_autofree char *twin = write_text (f->dir, "yakuzai-2026-09.xml", twin_xml);
  g_autoptr(TechoImportResult) first = NULL;
  g_autoptr(TechoImportResult) second = NULL;
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_import_file_sync (f->store, 0, claims, &first, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_import_file_sync (f->store, 0, twin, &second, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->n_newly_revised, ==, 1);
  before = shown (f->store, second->profile_id);
  g_assert_cmpuint (before->len, ==, 1);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (before, 0))->source, ==,
                   "dispensing");

  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (undone);
  g_assert_cmpuint (undone->n_removed, ==, 1);
  after = shown (f->store, second->profile_id);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (after, 0))->source, ==, "claims");
}

/* A claims row of another pharmacy or another day is not superseded. */
static void
test_no_twin (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *other_day = g_strdup (claims_0920);
  g_autofree char *body = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  char *at;

  /* The same claims row on 2026-09-21 (another dispensing). */
  while ((at = strstr (other_day, "20260920")) != NULL)
    at[7] = '1';
  body = g_strconcat (other_day, dispensing_0920, NULL);
  xml = g_strdup_printf (ONE_MONTH, body);
  path = write_text (f->dir, "yakuzai.xml", xml);
  g_assert_true (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result->n_revised, ==, 0);
  list = shown (f->store, result->profile_id);
  g_assert_cmpuint (list->len, ==, 2);
}

static void
test_checkups (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = copy_corpus_file (f->dir, "ok-checkup-cp932.xml", "kenshin.xml");
  g_autofree char *utf8 = copy_corpus_file (f->dir, "ok-checkup-utf8.xml", "kenshin-utf8.xml");
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(TechoImportResult) again = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_2026 = FALSE;

  g_assert_true (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->kind, ==, TECHO_IMPORT_KIND_MHLW_XML);
  g_assert_cmpint (result->category, ==, TECHO_CATEGORY_CHECKUP);
  g_assert_cmpuint (result->n_records, ==, 2);
  g_assert_cmpuint (result->n_new, ==, 2);
  g_assert_nonnull (result->checkup_id);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 2);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 10);

  checkups = techo_store_list_checkups_sync (f->store, result->profile_id, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checkups->len, ==, 2);
  for (guint i = 0; i < checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (checkups, i);

      g_assert_cmpstr (c->provenance.file_name, ==, "kenshin.xml");
      if (g_strcmp0 (c->performed_on, "2026-06-10") == 0)
        {
          const TechoItem *hba1c = techo_checkup_find_item (c, "3D046000001906202");

          seen_2026 = TRUE;
          g_assert_cmpstr (c->id, ==, result->checkup_id);
          g_assert_nonnull (hba1c);
          g_assert_cmpstr (hba1c->value, ==, "5.9");
          g_assert_cmpstr (hba1c->unit, ==, "%");
        }
    }
  g_assert_true (seen_2026);

  /* The same checkups in UTF-8: nothing new. */
  g_assert_true (techo_import_file_sync (f->store, 0, utf8, &again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->n_new, ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 2);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 10);
}

static void
test_malformed (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *good = copy_corpus_file (f->dir, "ok-medication-cp932.xml", "good.xml");
  g_autofree char *bad = write_text (f->dir, "bad.xml",
                                     "<?xml version=\"1.0\"?>\n<XmlMsg>\n<MessageBody>\n"
                                     "<MeTrMonthInf><DiDateInfs><DiDateInf>\n"
                                     "<DiDate>20260231</DiDate>\n"
                                     "</DiDateInf></DiDateInfs></MeTrMonthInf>\n"
                                     "</MessageBody></XmlMsg>\n");
  g_autofree char *broken = write_text (f->dir, "broken.xml",
                                        "<XmlMsg>\n<MessageBody>\n<MeTrMonthInf>\n"
                                        "</MessageBody>\n</XmlMsg>\n");
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_import_file_sync (f->store, 0, good, &result, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (techo_import_file_sync (f->store, 0, bad, NULL, NULL, &error));
  g_assert_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "<DiDate>"));
  g_assert_nonnull (strstr (error->message, "line 5"));
  g_clear_error (&error);
  g_assert_false (techo_import_file_sync (f->store, 0, broken, NULL, NULL, &error));
  g_assert_error (error, TECHO_MHLW_ERROR, TECHO_MHLW_ERROR_MALFORMED);
  g_assert_nonnull (strstr (error->message, "line 4"));
  g_clear_error (&error);

  /* Nothing stored changed. */
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 7);
  {
    g_autoptr(GPtrArray) list = shown (f->store, result->profile_id);

    g_assert_cmpuint (list->len, ==, 4);
  }
}

static int
run_cli (const char  *data_dir,
         char       **out,
         char       **err,
         const char  *first,
         const char  *second)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                           &error, cli, "--data-dir", data_dir, "import", first, second, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error));
  g_assert_no_error (error);
  return g_subprocess_get_exit_status (proc);
}

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-mhlw-cli-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "data", NULL);
  g_autofree char *med = corpus_path ("ok-medication-cp932.xml");
  g_autofree char *checkup = corpus_path ("ok-checkup-cp932.xml");
  g_autofree char *bad = write_text (dir, "bad.xml", "<XmlMsg>\n<MessageBody>\n<MeTrMonthInf>\n"
                                                     "</MessageBody>\n</XmlMsg>\n");
  g_autofree char *out = NULL, *err = NULL;

  /* The two specimens are about two people: the checkup file is refused
   * (exit 6) as someone else's, the medicines go in. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, med, checkup), ==, 6);
  g_assert_nonnull (strstr (out, "ok-medication-cp932.xml: マイナポータル XML 薬剤情報, 7 "
                                 "record(s): 7 added, 0 merged, 1 treatment row(s) left out; "
                                 "the profile has 3 medicine row(s) revised by 電子処方箋 rows "
                                 "(3 by this import)"));
  g_assert_nonnull (strstr (err, "ok-checkup-cp932.xml: refused: This file is about someone "
                                 "else"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Again: nothing new; a malformed file: exit 6, named with its line. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, med, bad), ==, 6);
  g_assert_nonnull (strstr (out, "7 record(s): 0 added, 0 merged, 7 skipped"));
  g_assert_nonnull (strstr (out, "(0 by this import)"));
  g_assert_nonnull (strstr (err, "bad.xml: "));
  g_assert_nonnull (strstr (err, "line 4"));

  {
    g_autoptr(TechoStore) store = techo_store_new (data_dir);

    g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count (store, TECHO_STORE_COUNT_MEDICATION), ==, 7);
    g_assert_cmpint (count (store, TECHO_STORE_COUNT_CHECKUP), ==, 0);
    g_assert_true (techo_store_erase_sync (store, NULL, &error));
    g_assert_no_error (error);
  }
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The checkups alone, into another store: two new; its UTF-8 copy adds none. */
  {
    g_autofree char *other_dir = g_build_filename (dir, "other", NULL);
    g_autofree char *utf8 = corpus_path ("ok-checkup-utf8.xml");
    g_autoptr(TechoStore) store = NULL;

    g_assert_cmpint (run_cli (other_dir, &out, &err, checkup, utf8), ==, 0);
    g_assert_nonnull (strstr (out, "ok-checkup-cp932.xml: マイナポータル XML 特定健診情報, 2 "
                                   "record(s): 2 added"));
    g_assert_nonnull (strstr (out, "ok-checkup-utf8.xml: マイナポータル XML 特定健診情報, 2 "
                                   "record(s): 0 added"));
    store = techo_store_new (other_dir);
    g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count (store, TECHO_STORE_COUNT_CHECKUP), ==, 2);
    g_assert_true (techo_store_erase_sync (store, NULL, &error));
    g_assert_no_error (error);
  }
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import-mhlw/medication", Fixture, NULL, fixture_set_up, test_medication,
              fixture_tear_down);
  g_test_add ("/import-mhlw/twin-first", Fixture, NULL, fixture_set_up, test_twin_first,
              fixture_tear_down);
  g_test_add ("/import-mhlw/undo-twin", Fixture, NULL, fixture_set_up, test_undo_twin,
              fixture_tear_down);
  g_test_add ("/import-mhlw/no-twin", Fixture, NULL, fixture_set_up, test_no_twin,
              fixture_tear_down);
  g_test_add ("/import-mhlw/checkups", Fixture, NULL, fixture_set_up, test_checkups,
              fixture_tear_down);
  g_test_add ("/import-mhlw/malformed", Fixture, NULL, fixture_set_up, test_malformed,
              fixture_tear_down);
  g_test_add_func ("/import-mhlw/cli", test_cli);

  return g_test_run ();
}
