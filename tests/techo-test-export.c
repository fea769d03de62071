/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A filled store for the export and share tests. */

#include "config.h"

#include <sys/wait.h>

#include <glib/gstdio.h>

#include "techo-test-export.h"
#include "techo-test-util.h"

TechoItem *
techo_test_item_new (const char *code,
                     const char *name,
                     const char *value,
                     const char *unit)
{
  TechoItem *item = techo_item_new ();

  item->code = g_strdup (code);
  item->name = g_strdup (name);
  item->type = unit != NULL ? TECHO_VALUE_PQ : TECHO_VALUE_ST;
  item->value = g_strdup (value);
  item->unit = g_strdup (unit);
  return item;
}

static TechoItem *
coded_item_new (const char *code,
                const char *name,
                const char *value,
                const char *system,
                const char *display)
{
  TechoItem *item = techo_item_new ();

  item->code = g_strdup (code);
  item->name = g_strdup (name);
  item->type = TECHO_VALUE_CO;
  item->value = g_strdup (value);
  item->value_system = g_strdup (system);
  item->display = g_strdup (display);
  return item;
}

static TechoCheckup *
checkup_new (const char *id,
             const char *date,
             const char *hba1c,
             const char *ldl,
             const char *sbp,
             const char *weight)
{
  TechoCheckup *c = techo_checkup_new ();

  c->id = g_strdup (id);
  c->revision = 2;
  c->performed_on = g_strdup (date);
  c->kind = g_strdup ("010");
  c->report_kind = g_strdup ("10");
  c->institution_code = g_strdup ("1312345678");
  c->institution_name = g_strdup ("みどり健診センター");
  g_ptr_array_add (c->items, techo_test_item_new ("9N001000000000001", "身長", "158.2", "cm"));
  g_ptr_array_add (c->items, techo_test_item_new ("9N006000000000001", "体重", weight, "kg"));
  g_ptr_array_add (c->items, techo_test_item_new ("9A751000000000001", "収縮期血圧(1回目)", sbp, "mmHg"));
  g_ptr_array_add (c->items, techo_test_item_new ("3D046000001906202", "HbA1c(NGSP値)", hba1c, "%"));
  g_ptr_array_add (c->items, techo_test_item_new ("3F077000002327101", "LDLコレステロール", ldl, "mg/dL"));
  g_ptr_array_add (c->items, coded_item_new ("1A020000000191111", "尿糖", "1",
                                             "1.2.392.200119.6.2102", "−"));
  g_ptr_array_add (c->items, techo_test_item_new ("9N511000000000049", "医師の判断",
                                                  "経過観察, \"要注意\"\n次回も受診", NULL));
  {
    TechoItem *skipped = techo_test_item_new ("3F015000002327101", "中性脂肪", NULL, "mg/dL");

    skipped->not_performed = TRUE;
    g_ptr_array_add (c->items, skipped);
  }
  return c;
}

static TechoDispensing *
dispensing_new (const char *id,
                const char *date,
                const char *yj,
                const char *drug,
                const char *clinic,
                int         days)
{
  TechoDispensing *d = techo_dispensing_new ();

  d->id = g_strdup (id);
  d->revision = 1;
  d->source = g_strdup ("dispensing");
  d->dispensed_on = g_strdup (date);
  d->prescribed_on = g_strdup (date);
  d->setting = g_strdup ("outpatient");
  d->pharmacy_code = g_strdup ("1347654321");
  d->pharmacy_name = g_strdup ("さくら薬局");
  /* Each clinic its own institution code, as in life. */
  d->prescriber_code = g_strdup (g_str_equal (clinic, "みどり内科") ? "1311111111" : "1312222222");
  d->prescriber_name = g_strdup (clinic);
  d->prescriber_department = g_strdup ("内科");
  d->receipt_code = g_strdup ("610463147");
  d->yj_code = g_strdup (yj);
  d->drug_name = g_strdup (drug);
  d->ingredient_name = g_strdup ("アムロジピンベシル酸塩");
  d->quantity = 1.5;
  d->unit = g_strdup ("錠");
  d->usage = g_strdup ("1日1回朝食後");
  d->days = days;
  d->dosage_form = g_strdup ("1");
  return d;
}

static TechoScreening *
screening_new (const char *id,
               const char *date,
               const char *cancer,
               const char *kind,
               const char *followup)
{
  TechoScreening *s = techo_screening_new ();

  s->id = g_strdup (id);
  s->revision = 1;
  s->performed_on = g_strdup (date);
  s->cancer = g_strdup (cancer);
  s->report_kind = g_strdup (kind);
  s->stage = g_strdup ("primary");
  s->municipality_code = g_strdup ("131016");
  s->municipality_name = g_strdup ("千代田区");
  s->followup_code = g_strdup ("9P502000000000011");
  s->followup_value = g_strdup (followup);
  s->followup_display = g_strdup (g_strcmp0 (followup, "2") == 0 ? "要精密検査" : "不要");
  g_ptr_array_add (s->items, coded_item_new ("9P501000000000011", "判定", followup,
                                             "1.2.392.100495.100.1001", s->followup_display));
  return s;
}

static void
upsert (TechoTestExport *f,
        TechoCategory    category,
        GPtrArray       *records)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_upsert_page_sync (f->store, f->profile_id, category, records,
                                               NULL, NULL, &error));
  g_assert_no_error (error);
}

TechoTestExport *
techo_test_export_new (void)
{
  TechoTestExport *f = g_new0 (TechoTestExport, 1);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) checkups = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  g_autoptr(GPtrArray) dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GPtrArray) screenings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);

  f->dir = g_dir_make_tmp ("techo-export-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = techo_store_new (f->dir);
  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);

  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("sub-export");
  profile->name = g_strdup (TECHO_TEST_PATIENT_NAME);
  profile->name_kana = g_strdup (TECHO_TEST_PATIENT_KANA);
  profile->birth_date = g_strdup ("1968-04-01");
  profile->sex = g_strdup ("female");
  profile->insurer_number = g_strdup ("06139999");
  g_assert_true (techo_store_ensure_profile_sync (f->store, profile, &f->profile_id,
                                                  NULL, &error));
  g_assert_no_error (error);

  g_ptr_array_add (checkups, checkup_new ("ck-2023", "2023-06-10", "5.9", "128", "128", "60.1"));
  g_ptr_array_add (checkups, checkup_new ("ck-2024", "2024-06-12", "6.2", "135", "134", "61.4"));
  g_ptr_array_add (checkups, checkup_new ("ck-2025", "2025-06-15", TECHO_TEST_LATEST_HBA1C,
                                          TECHO_TEST_LATEST_LDL, "142", "62.0"));
  upsert (f, TECHO_CATEGORY_CHECKUP, checkups);

  g_ptr_array_add (dispensings, dispensing_new ("rx-1", "2025-05-01", "2171022F1093",
                                                TECHO_TEST_DRUG_NAME, "みどり内科", 28));
  g_ptr_array_add (dispensings, dispensing_new ("rx-2", "2025-05-20", "2171022F2022",
                                                "アムロジピンOD錠5mg「トーワ」", "あおば循環器クリニック", 30));
  g_ptr_array_add (dispensings, dispensing_new ("rx-3", "2019-01-10", "3969010F1020",
                                                "メトホルミン塩酸塩錠250mg", "みどり内科", 14));
  upsert (f, TECHO_CATEGORY_MEDICATION, dispensings);

  g_ptr_array_add (screenings, screening_new ("sc-1", "2024-09-01", "stomach", "53", "1"));
  g_ptr_array_add (screenings, screening_new ("sc-2", "2025-02-01", "colorectal", "55", "2"));
  upsert (f, TECHO_CATEGORY_SCREENING, screenings);

  {
    g_autoptr(GBytes) cda = g_bytes_new_static ("<ClinicalDocument>ck-2025</ClinicalDocument>", 45);

    g_assert_true (techo_store_save_document_sync (f->store, f->profile_id, "ck-2025", cda,
                                                   NULL, &error));
    g_assert_no_error (error);
  }
  return f;
}

void
techo_test_export_free (TechoTestExport *f)
{
  g_autoptr(TechoVault) vault = NULL;

  if (f == NULL)
    return;
  vault = techo_vault_new (f->dir);
  if (f->store != NULL)
    techo_store_close_sync (f->store, NULL, NULL);
  g_clear_object (&f->store);
  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f);
}

void
techo_test_assert_item_equal (const TechoItem *a,
                              const TechoItem *b)
{
  g_assert_cmpstr (a->code, ==, b->code);
  g_assert_cmpstr (a->name, ==, b->name);
  g_assert_cmpint (a->type, ==, b->type);
  g_assert_cmpstr (a->value, ==, b->value);
  g_assert_cmpstr (a->unit, ==, b->unit);
  g_assert_cmpstr (a->value_system, ==, b->value_system);
  g_assert_cmpstr (a->display, ==, b->display);
  g_assert_cmpint (a->not_performed, ==, b->not_performed);
}

static void
assert_provenance_equal (const TechoProvenance *a,
                         const TechoProvenance *b)
{
  g_assert_cmpint (a->origin, ==, b->origin);
  g_assert_cmpstr (a->file_name, ==, b->file_name);
  g_assert_cmpstr (a->file_sha256, ==, b->file_sha256);
}

void
techo_test_assert_checkup_equal (const TechoCheckup *a,
                                 const TechoCheckup *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpint (a->revision, ==, b->revision);
  g_assert_cmpstr (a->performed_on, ==, b->performed_on);
  g_assert_cmpstr (a->kind, ==, b->kind);
  g_assert_cmpstr (a->report_kind, ==, b->report_kind);
  g_assert_cmpstr (a->institution_code, ==, b->institution_code);
  g_assert_cmpstr (a->institution_name, ==, b->institution_name);
  g_assert_cmpstr (a->document, ==, b->document);
  assert_provenance_equal (&a->provenance, &b->provenance);
  g_assert_cmpuint (a->items->len, ==, b->items->len);
  for (guint i = 0; i < a->items->len; i++)
    techo_test_assert_item_equal (g_ptr_array_index (a->items, i), g_ptr_array_index (b->items, i));
}

void
techo_test_assert_dispensing_equal (const TechoDispensing *a,
                                    const TechoDispensing *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpint (a->revision, ==, b->revision);
  g_assert_cmpstr (a->source, ==, b->source);
  g_assert_cmpstr (a->dispensed_on, ==, b->dispensed_on);
  g_assert_cmpstr (a->prescribed_on, ==, b->prescribed_on);
  g_assert_cmpstr (a->setting, ==, b->setting);
  g_assert_cmpstr (a->pharmacy_code, ==, b->pharmacy_code);
  g_assert_cmpstr (a->pharmacy_name, ==, b->pharmacy_name);
  g_assert_cmpstr (a->prescriber_code, ==, b->prescriber_code);
  g_assert_cmpstr (a->prescriber_name, ==, b->prescriber_name);
  g_assert_cmpstr (a->prescriber_department, ==, b->prescriber_department);
  g_assert_cmpstr (a->receipt_code, ==, b->receipt_code);
  g_assert_cmpstr (a->yj_code, ==, b->yj_code);
  g_assert_cmpstr (a->drug_name, ==, b->drug_name);
  g_assert_cmpstr (a->ingredient_name, ==, b->ingredient_name);
  g_assert_cmpfloat (a->quantity, ==, b->quantity);
  g_assert_cmpstr (a->unit, ==, b->unit);
  g_assert_cmpstr (a->usage, ==, b->usage);
  g_assert_cmpint (a->days, ==, b->days);
  g_assert_cmpstr (a->dosage_form, ==, b->dosage_form);
  assert_provenance_equal (&a->provenance, &b->provenance);
}

void
techo_test_assert_screening_equal (const TechoScreening *a,
                                   const TechoScreening *b)
{
  g_assert_cmpstr (a->id, ==, b->id);
  g_assert_cmpint (a->revision, ==, b->revision);
  g_assert_cmpstr (a->performed_on, ==, b->performed_on);
  g_assert_cmpstr (a->cancer, ==, b->cancer);
  g_assert_cmpstr (a->report_kind, ==, b->report_kind);
  g_assert_cmpstr (a->stage, ==, b->stage);
  g_assert_cmpstr (a->municipality_code, ==, b->municipality_code);
  g_assert_cmpstr (a->municipality_name, ==, b->municipality_name);
  g_assert_cmpstr (a->followup_code, ==, b->followup_code);
  g_assert_cmpstr (a->followup_value, ==, b->followup_value);
  g_assert_cmpstr (a->followup_display, ==, b->followup_display);
  assert_provenance_equal (&a->provenance, &b->provenance);
  g_assert_cmpuint (a->items->len, ==, b->items->len);
  for (guint i = 0; i < a->items->len; i++)
    techo_test_assert_item_equal (g_ptr_array_index (a->items, i), g_ptr_array_index (b->items, i));
}

TechoRecordSet *
techo_test_export_all (TechoTestExport *f)
{
  g_autoptr(TechoConsent) consent = techo_consent_new ("test", "test", 7, TECHO_CONSENT_METHOD_FHIR);
  g_autoptr(GError) error = NULL;
  TechoRecordSet *set;

  set = techo_record_set_gather_sync (f->store, f->profile_id, consent, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (set);
  return set;
}

int
techo_test_spawn (const char * const *argv,
                  char              **out_stdout,
                  char              **out_stderr)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               out_stdout, out_stderr, &status, &error));
  g_assert_no_error (error);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return -1;
}
