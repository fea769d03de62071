/* SPDX-License-Identifier: GPL-3.0-or-later */
/* File import on a real store (SQLCipher, keyring of the test session):
 * a CP932 JAHIS file lands as dispensings with the file's name and SHA-256,
 * a new local profile is made from its patient, a second import changes
 * nothing, a failing file leaves every count as it was, a CDA file written
 * by techo_cda_write_checkup lands as a checkup with its document, the
 * profile choice, and techo-cli import's summaries and exit statuses. */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "techo-cda.h"
#include "techo-import.h"
#include "techo-jahis.h"
#include "techo-qr-image.h"
#include "techo-reference.h"
#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-test-store.h"
#include "techo-test-util.h"
#include "techo-vault.h"

typedef struct
{
  char *dir;
  TechoStore *store;
} Fixture;

static const char *const jahis_lines[] = {
  "JAHISTC08,1",
  "1,手帳 花子,2,19750402,,,,,,,テチョウ ハナコ",
  "5,20260905,1",
  "11,みなと薬局,13,4,1234567,1050001,東京都港区1-2-3,03-1111-1111,1",
  "51,千代田内科クリニック,13,1,7654321,1",
  "55,内科 一郎,内科,1",
  "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1",
  "301,1,1日1回朝食後,28,日分,1,1",
  "5,20260920,1",
  "11,さくら薬局,13,4,2345678,,,,1",
  "51,港整形外科,13,1,8765432,1",
  "201,1,ロキソプロフェンNa錠60mg,3,錠,2,620098801,1",
  "201,1,レバミピド錠100mg,3,錠,4,2329021F1021,1",
  "301,1,1日3回毎食後,7,日分,1,1",
  "4,メモ,R080901,2",
  NULL
};

/* The sample JAHIS text in CP932 with CRLF, as a pharmacy app writes it. */
static char *
write_jahis_cp932 (const char *dir,
                   const char *name,
                   char      **out_sha256)
{
  g_autofree char *utf8 = g_strjoinv ("\r\n", (char **) jahis_lines);
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *cp932 = g_convert (utf8, -1, "CP932", "UTF-8", NULL, &length, &error);

  g_assert_no_error (error);
  if (out_sha256 != NULL)
    *out_sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) cp932, length);
  return techo_test_write_file (dir, name, cp932, length);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->store = techo_test_store_open ("techo-import-XXXXXX", &f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  techo_test_store_close (g_steal_pointer (&f->store), f->dir);
  g_free (f->dir);
}

static guint
n_profiles (TechoStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, NULL, &error);

  g_assert_no_error (error);
  return profiles->len;
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

static void
test_jahis (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *sha256 = NULL;
  g_autofree char *path = write_jahis_cp932 (f->dir, "okusuri-2026-09.txt", &sha256);
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(TechoImportResult) again = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(GPtrArray) stored_again = NULL;
  g_autoptr(GError) error = NULL;
  const TechoProfile *profile;
  gboolean seen_minato = FALSE, seen_sakura = FALSE;

  g_assert_cmpuint (n_profiles (f->store), ==, 0);
  g_assert_true (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->kind, ==, TECHO_IMPORT_KIND_JAHIS);
  g_assert_cmpuint (result->n_records, ==, 3);
  g_assert_cmpuint (result->n_new, ==, 3);
  g_assert_cmpuint (result->n_skipped, ==, 0);
  g_assert_cmpuint (result->n_entries, ==, 1);
  g_assert_cmpuint (result->n_new_entries, ==, 1);
  g_assert_true (result->profile_created);
  g_assert_cmpstr (result->file_name, ==, "okusuri-2026-09.txt");
  g_assert_cmpstr (result->file_sha256, ==, sha256);

  /* The new local profile carries the file's patient. */
  profiles = techo_store_list_profiles_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  profile = g_ptr_array_index (profiles, 0);
  g_assert_cmpint (profile->id, ==, result->profile_id);
  g_assert_null (profile->subject);
  g_assert_cmpstr (profile->name, ==, "手帳 花子");
  g_assert_cmpstr (profile->name_kana, ==, "テチョウ ハナコ");
  g_assert_cmpstr (profile->sex, ==, "female");
  g_assert_cmpstr (profile->birth_date, ==, "1975-04-02");

  /* What the store returns keeps the file's name and hash. */
  stored = techo_store_list_dispensings_sync (f->store, result->profile_id, NULL, NULL, NULL,
                                              &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);
  for (guint i = 0; i < stored->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (stored, i);

      g_assert_cmpint (d->provenance.origin, ==, TECHO_ORIGIN_FILE);
      g_assert_cmpstr (d->provenance.file_name, ==, "okusuri-2026-09.txt");
      g_assert_cmpstr (d->provenance.file_sha256, ==, sha256);
      g_assert_true (g_str_has_prefix (d->id, "jahis-"));
      if (g_strcmp0 (d->pharmacy_name, "みなと薬局") == 0)
        {
          seen_minato = TRUE;
          g_assert_cmpstr (d->dispensed_on, ==, "2026-09-05");
          g_assert_cmpstr (d->yj_code, ==, "2171022F1020");
          g_assert_cmpstr (d->prescriber_name, ==, "千代田内科クリニック");
          g_assert_cmpstr (d->prescriber_department, ==, "内科");
          g_assert_cmpint (d->days, ==, 28);
        }
      else
        {
          seen_sakura = TRUE;
          g_assert_cmpstr (d->pharmacy_name, ==, "さくら薬局");
          g_assert_cmpstr (d->prescriber_name, ==, "港整形外科");
          g_assert_cmpstr (d->usage, ==, "1日3回毎食後");
          g_assert_cmpint (d->days, ==, 7);
        }
    }
  g_assert_true (seen_minato && seen_sakura);

  /* The notebook's details beside the rows, and its memo. */
  g_assert_true (techo_store_load_dispensing_details_sync (f->store, result->profile_id, stored,
                                                           NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < stored->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (stored, i);

      g_assert_cmpstr (d->dispensing_unit, ==, "日分");
      g_assert_cmpstr (d->drug_code_kind, ==, d->yj_code != NULL ? "4" : "2");
      g_assert_cmpstr (d->drug_code, ==, d->yj_code != NULL ? d->yj_code : d->receipt_code);
    }
  {
    g_autoptr(GPtrArray) entries = techo_store_list_notebook_entries_sync (
      f->store, result->profile_id, -1, NULL, &error);
    const TechoNotebookEntry *e;

    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 1);
    e = g_ptr_array_index (entries, 0);
    g_assert_cmpint (e->kind, ==, TECHO_NOTEBOOK_MEMO);
    g_assert_cmpstr (e->text, ==, "メモ");
    g_assert_cmpstr (e->started_on, ==, "2026-09-01");
    g_assert_cmpint (e->provenance.origin, ==, TECHO_ORIGIN_FILE);
    g_assert_cmpstr (e->provenance.file_sha256, ==, sha256);
  }

  /* Twice: nothing new, nothing changed. */
  g_assert_true (techo_import_file_sync (f->store, 0, path, &again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->n_new, ==, 0);
  g_assert_cmpuint (again->n_new_entries, ==, 0);
  g_assert_false (again->profile_created);
  g_assert_cmpint (again->profile_id, ==, result->profile_id);
  g_assert_cmpuint (n_profiles (f->store), ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 3);
  stored_again = techo_store_list_dispensings_sync (f->store, result->profile_id, NULL, NULL,
                                                    NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored_again->len, ==, stored->len);
  for (guint i = 0; i < stored->len; i++)
    {
      const TechoDispensing *a = g_ptr_array_index (stored, i);
      const TechoDispensing *b = g_ptr_array_index (stored_again, i);

      g_assert_cmpstr (a->id, ==, b->id);
      g_assert_cmpstr (a->drug_name, ==, b->drug_name);
      g_assert_cmpstr (a->provenance.file_sha256, ==, b->provenance.file_sha256);
    }
}

static void
assert_import_fails (Fixture    *f,
                     const char *name,
                     const char *data,
                     gsize       length,
                     GQuark      domain,
                     int         code)
{
  g_autofree char *path = techo_test_write_file (f->dir, name, data, length);
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before[TECHO_STORE_N_COUNTS];
  guint profiles_before = n_profiles (f->store);

  for (int i = 0; i < TECHO_STORE_N_COUNTS; i++)
    before[i] = count (f->store, i);
  g_assert_false (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_null (result);
  if (code >= 0)
    g_assert_error (error, domain, code);
  else
    {
      /* Any reason, but one naming the line. */
      g_assert_true (error != NULL && error->domain == domain);
      g_assert_true (g_str_has_prefix (error->message, "Line "));
    }
  g_assert_cmpstr (error->message, !=, "");
  for (int i = 0; i < TECHO_STORE_N_COUNTS; i++)
    g_assert_cmpint (count (f->store, i), ==, before[i]);
  g_assert_cmpuint (n_profiles (f->store), ==, profiles_before);
}

static void
test_failing (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *good = write_jahis_cp932 (f->dir, "good.txt", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) huge = g_string_new ("JAHISTC08,1\n");
  g_autofree char *utf8 = g_strjoinv ("\n", (char **) jahis_lines);
  static const char no_name[] = "JAHISTC08,1\n5,20261001\n201,1,,1,錠\n";
  static const char garbage[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

  /* In an empty store first: a failing file makes no profile either. */
  assert_import_fails (f, "no-name.txt", no_name, strlen (no_name),
                       TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_INVALID);
  assert_import_fails (f, "image.png", garbage, sizeof garbage - 1,
                       TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_DAMAGED);
  assert_import_fails (f, "header-only.txt", "JAHISTC08,1\n", strlen ("JAHISTC08,1\n"),
                       TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_EMPTY);
  assert_import_fails (f, "unknown.bin", "hello", 5,
                       TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_UNKNOWN_KIND);
  /* Cut off (the audit's 60–99 %): refused, nothing kept. */
  for (guint percent = 60; percent < 100; percent += 7)
    {
      gsize cut = strlen (utf8) * percent / 100;

      while ((utf8[cut] & 0xc0) == 0x80 || utf8[cut - 1] == '\n' || utf8[cut] == '\n')
        cut++;
      assert_import_fails (f, "cut.txt", utf8, cut, TECHO_JAHIS_ERROR, -1);
    }
  g_assert_cmpuint (n_profiles (f->store), ==, 0);

  g_assert_true (techo_import_file_sync (f->store, 0, good, NULL, NULL, &error));
  g_assert_no_error (error);

  /* A file over the cap, a bad CDA. */
  while (huge->len <= TECHO_IMPORT_MAX_FILE_SIZE)
    g_string_append (huge, "4,たくさんのメモ たくさんのメモ たくさんのメモ\n");
  assert_import_fails (f, "huge.txt", huge->str, huge->len,
                       TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_TOO_LARGE);
  g_string_truncate (huge, TECHO_JAHIS_MAX_SIZE + 10);
  assert_import_fails (f, "big.txt", huge->str, huge->len,
                       TECHO_JAHIS_ERROR, TECHO_JAHIS_ERROR_TOO_LARGE);
  assert_import_fails (f, "checkup.xml", "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><",
                       strlen ("<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><"),
                       TECHO_CDA_ERROR, TECHO_CDA_ERROR_MALFORMED);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 3);
}

static TechoItem *
make_item (const char *code,
           const char *value,
           const char *unit)
{
  TechoItem *item = techo_item_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (code);

  item->code = g_strdup (code);
  item->name = g_strdup (analyte != NULL ? analyte->name_ja : "項目");
  item->type = TECHO_VALUE_PQ;
  item->value = g_strdup (value);
  item->unit = g_strdup (unit);
  return item;
}

static char *
write_cda (const char *dir,
           const char *name,
           GBytes    **out_bytes)
{
  g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
  g_autoptr(TechoProfile) patient = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  gsize length = 0;

  checkup->id = g_strdup ("C-2026-0042");
  checkup->performed_on = g_strdup ("2026-06-15");
  checkup->kind = g_strdup ("010");
  checkup->report_kind = g_strdup ("10");
  checkup->institution_code = g_strdup ("1312345678");
  checkup->institution_name = g_strdup ("テスト健診センター");
  g_ptr_array_add (checkup->items, make_item ("9N001000000000001", "170.2", "cm"));
  g_ptr_array_add (checkup->items, make_item ("9A751000000000001", "142", "mmHg"));
  g_ptr_array_add (checkup->items, make_item ("3D046000001906202", "6.6", "%"));
  patient->name = g_strdup ("健診 次郎");
  patient->name_kana = g_strdup ("ケンシン ジロウ");
  patient->sex = g_strdup ("male");
  patient->birth_date = g_strdup ("1970-03-10");
  patient->insurer_number = g_strdup ("06139999");

  xml = techo_cda_write_checkup (checkup, patient, &length, &error);
  g_assert_no_error (error);
  *out_bytes = g_bytes_new (xml, length);
  return techo_test_write_file (dir, name, xml, length);
}

static void
test_cda (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *path = write_cda (f->dir, "h1312345678202606150100001.xml", &bytes);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(TechoImportResult) again = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GBytes) document = NULL;
  g_autoptr(GError) error = NULL;
  const TechoCheckup *checkup;

  g_assert_true (techo_import_file_sync (f->store, 0, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->kind, ==, TECHO_IMPORT_KIND_CDA);
  g_assert_cmpuint (result->n_new, ==, 1);
  g_assert_true (result->profile_created);
  g_assert_true (g_str_has_prefix (result->checkup_id, "cda-"));

  profiles = techo_store_list_profiles_sync (f->store, NULL, &error);
  g_assert_cmpstr (((TechoProfile *) g_ptr_array_index (profiles, 0))->name_kana, ==,
                   "ケンシン ジロウ");

  checkups = techo_store_list_checkups_sync (f->store, result->profile_id, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checkups->len, ==, 1);
  checkup = g_ptr_array_index (checkups, 0);
  g_assert_cmpstr (checkup->id, ==, result->checkup_id);
  g_assert_cmpstr (checkup->performed_on, ==, "2026-06-15");
  g_assert_cmpstr (checkup->institution_code, ==, "1312345678");
  g_assert_cmpuint (checkup->items->len, ==, 3);
  g_assert_cmpstr (techo_checkup_find_item (checkup, "9A751000000000001")->value, ==, "142");
  g_assert_cmpint (checkup->provenance.origin, ==, TECHO_ORIGIN_FILE);
  g_assert_cmpstr (checkup->provenance.file_name, ==, "h1312345678202606150100001.xml");
  g_assert_cmpstr (checkup->provenance.file_sha256, ==, sha256);

  document = techo_store_load_document_sync (f->store, result->profile_id, checkup->id,
                                             NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  g_assert_true (g_bytes_equal (document, bytes));

  g_assert_true (techo_import_file_sync (f->store, 0, path, &again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->n_new, ==, 0);
  g_assert_cmpstr (again->checkup_id, ==, result->checkup_id);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 3);
}

static void
test_profile_choice (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = write_jahis_cp932 (f->dir, "okusuri.txt", NULL);
  g_autoptr(TechoProfile) a = techo_profile_new ();
  g_autoptr(TechoProfile) b = techo_profile_new ();
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id_a = 0, id_b = 0;

  a->issuer = g_strdup ("http://127.0.0.1:1");
  a->subject = g_strdup ("person-a");
  b->issuer = g_strdup ("http://127.0.0.1:1");
  b->subject = g_strdup ("person-b");
  g_assert_true (techo_store_ensure_profile_sync (f->store, a, &id_a, NULL, &error));
  g_assert_true (techo_store_ensure_profile_sync (f->store, b, &id_b, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (techo_import_file_sync (f->store, 0, path, NULL, NULL, &error));
  g_assert_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_PROFILE);
  g_assert_nonnull (strstr (error->message, "--profile"));
  g_clear_error (&error);
  g_assert_false (techo_import_file_sync (f->store, id_b + 100, path, NULL, NULL, &error));
  g_assert_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_PROFILE);
  g_clear_error (&error);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 0);

  g_assert_true (techo_import_file_sync (f->store, id_b, path, &result, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result->profile_id, ==, id_b);
  g_assert_false (result->profile_created);
  g_assert_cmpuint (n_profiles (f->store), ==, 2);
  g_assert_cmpint (techo_store_count_sync (f->store, id_b, TECHO_STORE_COUNT_MEDICATION,
                                           NULL, &error), ==, 3);
  g_assert_cmpint (techo_store_count_sync (f->store, id_a, TECHO_STORE_COUNT_MEDICATION,
                                           NULL, &error), ==, 0);
}


/* @part (1 or 2) of the sample split in two, 911 at the end of each part,
 * in CP932 as a receipt's QR code holds it. */
static char *
write_part (const char *dir,
            const char *name,
            guint       part)
{
  static const guint starts[] = { 1, 8, 15 };
  g_autoptr(GString) utf8 = g_string_new ("JAHISTC08,1\r\n");
  g_autoptr(GError) error = NULL;
  g_autofree char *cp932 = NULL;
  gsize length = 0;

  for (guint i = starts[part - 1]; i < starts[part]; i++)
    g_string_append_printf (utf8, "%s\r\n", jahis_lines[i]);
  g_string_append_printf (utf8, "911,20260905000001,2,%u\r\n", part);
  cp932 = g_convert (utf8->str, -1, "CP932", "UTF-8", NULL, &length, &error);
  g_assert_no_error (error);
  return techo_test_write_file (dir, name, cp932, length);
}

static gint64
pending_parts (TechoStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_pending_parts_sync (store, NULL, &error);

  g_assert_no_error (error);
  return n;
}

/* Multi-part data over two imports: the first part is kept (and says
 * so), nothing else changes; the second finishes it; the kept part is
 * forgotten. The other order, and a part given twice, end the same. */
static void
test_parts_over_imports (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *first = write_part (f->dir, "qr-1.txt", 1);
  g_autofree char *second = write_part (f->dir, "qr-2.txt", 2);
  g_autofree char *whole = write_jahis_cp932 (f->dir, "whole.txt", NULL);
  g_autoptr(TechoImportResult) a = NULL;
  g_autoptr(TechoImportResult) again = NULL;
  g_autoptr(TechoImportResult) b = NULL;
  g_autoptr(TechoImportResult) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) stored = NULL;

  g_assert_true (techo_import_file_sync (f->store, 0, second, &a, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_records, ==, 0);
  g_assert_cmpuint (a->n_parts_pending, ==, 1);
  g_assert_cmpstr (a->pending_data_id, ==, "20260905000001");
  g_assert_cmpuint (a->pending_have, ==, 1);
  g_assert_cmpuint (a->pending_total, ==, 2);
  g_assert_cmpuint (n_profiles (f->store), ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 0);
  g_assert_cmpint (pending_parts (f->store), ==, 1);

  /* The same part again: still one kept. */
  g_assert_true (techo_import_file_sync (f->store, 0, second, &again, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (again->pending_have, ==, 1);
  g_assert_cmpint (pending_parts (f->store), ==, 1);

  g_assert_true (techo_import_file_sync (f->store, 0, first, &b, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (b->pending_data_id);
  g_assert_cmpuint (b->n_parts_joined, ==, 2);
  g_assert_cmpuint (b->n_records, ==, 3);
  g_assert_cmpuint (b->n_new, ==, 3);
  g_assert_cmpuint (b->n_entries, ==, 1);
  g_assert_true (b->profile_created);
  g_assert_cmpint (pending_parts (f->store), ==, 0);

  /* A part of it again, after the whole was joined: known, not kept. */
  {
    g_autoptr(TechoImportResult) late = NULL;

    g_assert_true (techo_import_file_sync (f->store, 0, second, &late, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (late->n_parts_known, ==, 1);
    g_assert_cmpuint (late->n_parts_pending, ==, 0);
    g_assert_null (late->pending_data_id);
    g_assert_cmpint (pending_parts (f->store), ==, 0);
  }

  /* The same data read whole: the same rows, nothing new. */
  g_assert_true (techo_import_file_sync (f->store, 0, whole, &c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->n_new, ==, 0);
  g_assert_cmpuint (c->n_new_entries, ==, 0);
  stored = techo_store_list_dispensings_sync (f->store, b->profile_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 3);
}

/* Not a regular file: refused at once, without waiting on a FIFO that has
 * no writer, and nothing changes. */
static void
test_not_a_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "fifo.txt", NULL);
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  start = g_get_monotonic_time ();
  g_assert_false (techo_import_file_sync (f->store, 0, fifo, &result, NULL, &error));
  g_assert_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_NOT_A_FILE);
  g_assert_nonnull (strstr (error->message, "fifo.txt"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  g_assert_false (techo_import_file_sync (f->store, 0, f->dir, &result, NULL, &error));
  g_assert_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_NOT_A_FILE);
  g_clear_error (&error);
  g_assert_false (techo_import_file_sync (f->store, 0, "/dev/zero", &result, NULL, &error));
  g_assert_error (error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_NOT_A_FILE);
  g_assert_cmpuint (n_profiles (f->store), ==, 0);
}

static int
run_cli (const char  *data_dir,
         char       **out,
         char       **err,
         ...)
{
  va_list ap;
  int status;

  va_start (ap, err);
  status = techo_test_run_cli_valist (data_dir, out, err, "import", ap);
  va_end (ap);
  return status;
}

/* The details of the "import" audit rows, read from the store file. */
static GPtrArray *
import_audit_details (const char *data_dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);
  g_auto(TechoSecret) hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                                       "techo.db", NULL, NULL);
  g_autofree char *path = g_build_filename (data_dir, "techo.db", NULL);
  g_autofree char *key = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *details = g_ptr_array_new_with_free_func (g_free);
  TechoSqlite *db;

  g_assert_nonnull (hex);
  key = g_strdup_printf ("x'%s'", hex);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  s = techo_sqlite_prepare (db, "SELECT detail FROM audit_log WHERE action = 'import'"
                                " ORDER BY id", &error);
  g_assert_no_error (error);
  while (techo_sqlite_step (s, &error))
    g_ptr_array_add (details, g_strdup (techo_sqlite_column_text (s, 0)));
  g_assert_no_error (error);
  g_clear_pointer (&s, techo_sqlite_statement_free);
  techo_sqlite_close (db);
  techo_wipe (key, strlen (key));
  return details;
}

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-cli-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *good = write_jahis_cp932 (dir, "good.txt", NULL);
  g_autoptr(GBytes) cda_bytes = NULL;
  g_autofree char *cda = write_cda (dir, "checkup.xml", &cda_bytes);
  g_autofree char *bad = techo_test_write_file (dir, "bad.txt", "JAHISTC08,1\n5,2026\n", 19);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(TechoStore) store = NULL;
  int status;

  status = run_cli (data_dir, &out, &err, good, bad, cda, NULL);
  g_assert_cmpint (status, ==, 6);
  /* The memo is kept as a notebook entry, not left out. */
  g_assert_nonnull (strstr (out, "good.txt: medication notebook (JAHIS), 3 record(s): 3 added, "
                                 "0 merged\n"));
  g_assert_nonnull (strstr (out, "good.txt: 1 notebook entry (allergies, OTC, memos …), 1 new"));
  g_assert_nonnull (strstr (err, "bad.txt: refused: Line 2: the dispensing date"));
  /* The checkup file is about someone else than the notebook: refused
   * until the profile is chosen on purpose. */
  g_assert_nonnull (strstr (err, "checkup.xml: refused: This file is about someone else"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (data_dir, &out, &err, "--profile", "1", cda, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "checkup.xml: checkup (CDA), 1 record(s): 1 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  status = run_cli (data_dir, &out, &err, good, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "3 record(s): 0 added, 0 merged, 3 skipped (already imported "
                                 "from this file)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (run_cli (data_dir, &out, &err, NULL), ==, 2);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* One audit row per imported file (none for the bad one), naming the
   * file and its hash, never a value from it. */
  {
    g_autoptr(GPtrArray) details = import_audit_details (data_dir);

    g_assert_cmpuint (details->len, ==, 3);
    g_assert_true (g_str_has_prefix (g_ptr_array_index (details, 0),
                                     "kind=jahis file=good.txt sha256="));
    g_assert_nonnull (strstr (g_ptr_array_index (details, 0), "records=3 new=3"));
    g_assert_true (g_str_has_prefix (g_ptr_array_index (details, 1), "kind=cda file=checkup.xml"));
    g_assert_nonnull (strstr (g_ptr_array_index (details, 2), "records=3 new=0"));
    for (guint i = 0; i < details->len; i++)
      {
        const char *detail = g_ptr_array_index (details, i);

        g_assert_null (strstr (detail, "アムロジピン"));
        g_assert_null (strstr (detail, "手帳 花子"));
        g_assert_null (strstr (detail, "健診センター"));
      }
  }

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_profiles (store), ==, 1);
  g_assert_cmpint (count (store, TECHO_STORE_COUNT_MEDICATION), ==, 3);
  g_assert_cmpint (count (store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  g_assert_no_error (error);
  techo_test_remove_tree (dir);
}


/* techo-cli import with the parts of one receipt in two files of one
 * import (any order), then a part alone that waits, and a FIFO refused. */
static void
test_cli_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-parts-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *first = write_part (dir, "qr-1.txt", 1);
  g_autofree char *second = write_part (dir, "qr-2.txt", 2);
  g_autofree char *fifo = g_build_filename (dir, "pipe", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(TechoStore) store = NULL;

  g_assert_cmpint (run_cli (data_dir, &out, &err, second, first, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "qr-2.txt: 1 part(s) of multi-part data 20260905000001 kept "
                                 "until the rest arrives (1 of 2 held)"));
  g_assert_nonnull (strstr (out, "qr-1.txt: medication notebook (JAHIS), 3 record(s): 3 added, "
                                 "0 merged\n"));
  g_assert_nonnull (strstr (out, "qr-1.txt: 1 notebook entry (allergies, OTC, memos …), 1 new"));
  g_assert_nonnull (strstr (out, "qr-1.txt: 2 parts of multi-part data joined"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (run_cli (data_dir, &out, &err, fifo, NULL), ==, 6);
  g_assert_nonnull (strstr (err, "pipe is not a regular file"));

  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (store, TECHO_STORE_COUNT_MEDICATION), ==, 3);
  g_assert_cmpint (pending_parts (store), ==, 0);
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  techo_test_remove_tree (dir);
}

/* A medication file of @n_groups dispensing days, @per_group drugs each. */
static char *
write_big_jahis (const char *dir,
                 guint       n_groups,
                 guint       per_group)
{
  g_autoptr(GString) text = g_string_new ("JAHISTC08,1\r\n1,健診 次郎,1,19700310\r\n");

  for (guint g = 0; g < n_groups; g++)
    {
      GDate date;
      char day[16];

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, 1, 1, 2020);
      g_date_add_days (&date, g);
      g_date_strftime (day, sizeof day, "%Y%m%d", &date);
      g_string_append_printf (text, "5,%s,1\r\n11,みなと薬局,13,4,1234567\r\n", day);
      for (guint i = 0; i < per_group; i++)
        g_string_append_printf (text, "201,%u,試験薬%u錠,1,錠,4,21710%02uF1020,1\r\n",
                                i + 1, i, i % 100);
      for (guint i = 0; i < per_group; i++)
        g_string_append_printf (text, "301,%u,1日1回朝食後,28,日分,1,1,,1\r\n", i + 1);
    }
  return techo_test_write_file (dir, "big.txt", text->str, text->len);
}

static GSubprocess *
spawn_cli_import (const char *data_dir,
                  const char *first,
                  const char *second)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  GSubprocess *proc;

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, cli, "--data-dir", data_dir, "import", first, second, NULL);
  g_assert_no_error (error);
  return proc;
}

/* The store as the killed import left it: it opens, passes
 * integrity_check and holds whole files or nothing of them. */
static void
check_after_kill (const char *data_dir,
                  gint64      n_dispensings,
                  gint64     *out_medication,
                  gint64     *out_checkups)
{
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(GError) error = NULL;

  if (!g_file_test (data_dir, G_FILE_TEST_IS_DIR))
    {
      *out_medication = *out_checkups = 0;
      return;
    }
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_profiles (store), <=, 1);
  *out_medication = count (store, TECHO_STORE_COUNT_MEDICATION);
  *out_checkups = count (store, TECHO_STORE_COUNT_CHECKUP);
  g_assert_true (*out_medication == 0 || *out_medication == n_dispensings);
  g_assert_true (*out_checkups == 0 || *out_checkups == 1);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
}

/* Writes survive crashes (security promise 16): techo-cli import is
 * SIGKILLed at random moments, 50 times (TECHO_IMPORT_KILLS overrides;
 * `build-aux/dev soak` runs more); a run to the end then converges. */
static void
test_kill (void)
{
  const guint n_groups = 150, per_group = 10;
  const char *kills_env = g_getenv ("TECHO_IMPORT_KILLS");
  guint kills = kills_env != NULL ? (guint) g_ascii_strtoull (kills_env, NULL, 10) : 50;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-kill-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *timing_dir = g_build_filename (dir, "timing", NULL);
  g_autofree char *big = write_big_jahis (dir, n_groups, per_group);
  g_autoptr(GBytes) cda_bytes = NULL;
  g_autofree char *cda = write_cda (dir, "checkup.xml", &cda_bytes);
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GBytes) document = NULL;
  g_autoptr(GPtrArray) checkups = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  gint64 medication = 0, checkups_n = 0, started, duration;
  guint whole = 0, empty = 0;

  g_assert_no_error (error);

  /* How long one import takes here, in a store of its own. */
  {
    g_autoptr(GSubprocess) proc = spawn_cli_import (timing_dir, big, cda);

    started = g_get_monotonic_time ();
    g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
    g_assert_no_error (error);
    duration = g_get_monotonic_time () - started;
    g_test_message ("one import of %u lines + a CDA: %" G_GINT64_FORMAT " ms",
                    n_groups * per_group, duration / 1000);
  }

  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GSubprocess) proc = spawn_cli_import (data_dir, big, cda);

      g_usleep (g_test_rand_int_range (0, (gint32) MAX (duration * 6 / 5, 1000)));
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      check_after_kill (data_dir, n_groups * per_group, &medication, &checkups_n);
      if (medication > 0)
        whole++;
      else
        empty++;
      /* Start from nothing now and then, so early kills are tried too. */
      if (k % 5 == 4)
        {
          store = techo_store_new (data_dir);
          if (g_file_test (data_dir, G_FILE_TEST_IS_DIR))
            {
              g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
              g_assert_true (techo_store_erase_sync (store, NULL, &error));
              g_assert_no_error (error);
            }
          g_clear_object (&store);
        }
    }
  g_test_message ("%u kills: %u after a whole page, %u before", kills, whole, empty);

  /* A run to the end converges: every row, one profile, the document. */
  {
    g_autoptr(GSubprocess) proc = spawn_cli_import (data_dir, big, cda);

    g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
    g_assert_no_error (error);
  }
  store = techo_store_new (data_dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_profiles (store), ==, 1);
  g_assert_cmpint (count (store, TECHO_STORE_COUNT_MEDICATION), ==, n_groups * per_group);
  g_assert_cmpint (count (store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  checkups = techo_store_list_checkups_sync (store, 0, 0, NULL, &error);
  g_assert_no_error (error);
  profiles = techo_store_list_profiles_sync (store, NULL, &error);
  g_assert_no_error (error);
  document = techo_store_load_document_sync (store,
                                             ((TechoProfile *) g_ptr_array_index (profiles, 0))->id,
                                             ((TechoCheckup *) g_ptr_array_index (checkups, 0))->id,
                                             NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (document);
  g_assert_true (g_bytes_equal (document, cda_bytes));
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(TechoStore) timing = techo_store_new (timing_dir);

    g_assert_true (techo_store_open_sync (timing, NULL, NULL, &error));
    g_assert_true (techo_store_erase_sync (timing, NULL, &error));
    g_assert_no_error (error);
  }
  techo_test_remove_tree (dir);
}

static void
async_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static TechoImportResult *
import_async (TechoStore    *store,
              const char    *path,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GAsyncResult) res = NULL;

  techo_import_file_async (store, 0, path, cancellable, async_done_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  return techo_import_file_finish (store, res, error);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = write_jahis_cp932 (f->dir, "async.txt", NULL);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(TechoImportResult) result = NULL;
  g_autoptr(TechoImportResult) none = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancelled before it starts: nothing written. */
  g_cancellable_cancel (cancelled);
  none = import_async (f->store, path, cancelled, &error);
  g_assert_null (none);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 0);

  result = import_async (f->store, path, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_new, ==, 3);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import/jahis", Fixture, NULL, fixture_set_up, test_jahis, fixture_tear_down);
  g_test_add ("/import/failing", Fixture, NULL, fixture_set_up, test_failing, fixture_tear_down);
  g_test_add ("/import/cda", Fixture, NULL, fixture_set_up, test_cda, fixture_tear_down);
  g_test_add ("/import/profile-choice", Fixture, NULL, fixture_set_up, test_profile_choice,
              fixture_tear_down);
  g_test_add ("/import/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/import/parts-over-imports", Fixture, NULL, fixture_set_up,
              test_parts_over_imports, fixture_tear_down);
  g_test_add ("/import/not-a-file", Fixture, NULL, fixture_set_up, test_not_a_file,
              fixture_tear_down);
  g_test_add_func ("/import/cli", test_cli);
  g_test_add_func ("/import/cli-parts", test_cli_parts);
  g_test_add_func ("/import/kill", test_kill);

  return g_test_run ();
}
