/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's records: upsert semantics, the typed queries, documents,
 * sync state, the append-only audit log and schema migrations. Real
 * SQLCipher, real keyring. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-store-schema.h"
#include "techo-test-util.h"

typedef struct
{
  char *dir;
  TechoStore *store;
  gint64 profile_id;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->store = techo_store_new (f->dir);
  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_close (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_close_sync (f->store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&f->store);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("techo-records-XXXXXX", &error);
  g_assert_no_error (error);
  fixture_open (f);
  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("sub-1");
  profile->name = g_strdup ("山田 花子");
  profile->birth_date = g_strdup ("1970-04-01");
  g_assert_true (techo_store_ensure_profile_sync (f->store, profile, &f->profile_id,
                                                  NULL, &error));
  g_assert_no_error (error);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(TechoVault) vault = techo_vault_new (f->dir);

  if (f->store != NULL)
    fixture_close (f);
  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* A raw connection to the closed store, keyed from the keyring. */
static TechoSqlite *
open_raw (const char *dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
  g_auto(TechoSecret) hex = NULL;
  g_auto(TechoSecret) key = NULL;
  TechoSqlite *db;

  hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (hex);
  key = g_strdup_printf ("x'%s'", hex);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  g_assert_no_error (error);
  return db;
}

/* A new raw store in @dir, keyed with a new key kept in the keyring as
 * the store keeps its own, at schema version 0. */
static TechoSqlite *
create_raw (const char *dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *hex = NULL;
  g_autofree char *key = NULL;
  guint8 raw[32];
  TechoSqlite *db;

  g_assert_true (techo_random_bytes (raw, sizeof raw, NULL));
  hex = techo_hex_encode (raw, sizeof raw);
  key = g_strdup_printf ("x'%s'", hex);
  g_assert_true (techo_vault_store_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                           hex, NULL, &error));
  g_assert_no_error (error);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  g_assert_no_error (error);
  return db;
}

static TechoItem *
item_new (const char *code,
          const char *value,
          const char *unit)
{
  TechoItem *item = techo_item_new ();

  item->code = g_strdup (code);
  item->name = g_strdup (code);
  item->type = TECHO_VALUE_PQ;
  item->value = g_strdup (value);
  item->unit = g_strdup (unit);
  return item;
}

static TechoCheckup *
checkup_new (const char *id,
             gint64      revision,
             const char *date,
             const char *hba1c)
{
  TechoCheckup *c = techo_checkup_new ();

  c->id = g_strdup (id);
  c->revision = revision;
  c->performed_on = g_strdup (date);
  c->kind = g_strdup ("010");
  c->institution_name = g_strdup ("Clinic");
  g_ptr_array_add (c->items, item_new ("3D045000001906202", hba1c, "%"));
  g_ptr_array_add (c->items, item_new ("9N001000000000001", "170.2", "cm"));
  return c;
}

/* Upserts @record alone; returns how many rows the store says changed
 * (0 or 1). */
static guint
upsert_one (Fixture       *f,
            TechoCategory  category,
            gpointer       record,
            GDestroyNotify free_func,
            const char    *state)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (free_func);
  g_autoptr(GError) error = NULL;
  guint changed = G_MAXUINT;

  g_ptr_array_add (page, record);
  g_assert_true (techo_store_upsert_page_counted_sync (f->store, f->profile_id, category, page,
                                                       state, &changed, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, <=, 1);
  return changed;
}

static gint64
count (Fixture         *f,
       TechoStoreCount  what)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_sync (f->store, f->profile_id, what, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static void
test_upsert_checkups (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoCheckup) latest = NULL;
  g_autoptr(GPtrArray) list = NULL;
  TechoCheckup *c;

  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("A", 2, "2023-06-01", "5.6"),
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 2);

  /* Same revision again: nothing changes (idempotent). */
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("A", 2, "2023-06-01", "9.9"),
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 0);
  /* A lower revision is ignored. */
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("A", 1, "2023-06-01", "1.1"),
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 0);
  latest = techo_store_latest_checkup_sync (f->store, f->profile_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (latest->id, ==, "A");
  g_assert_cmpint (latest->revision, ==, 2);
  g_assert_cmpstr (techo_checkup_find_item (latest, "3D045000001906202")->value, ==, "5.6");
  g_clear_pointer (&latest, techo_checkup_free);

  /* A higher revision wins, items replaced (not appended). */
  c = checkup_new ("A", 3, "2023-06-01", "6.1");
  g_ptr_array_remove_index (c->items, 1);
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, c,
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 1);
  latest = techo_store_latest_checkup_sync (f->store, f->profile_id, NULL, &error);
  g_assert_cmpint (latest->revision, ==, 3);
  g_assert_cmpuint (latest->items->len, ==, 1);
  g_assert_cmpstr (techo_checkup_find_item (latest, "3D045000001906202")->value, ==, "6.1");
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 1);
  g_clear_pointer (&latest, techo_checkup_free);

  /* Newer checkup B; the newest comes first. */
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("B", 1, "2024-06-01", "6.4"),
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 1);
  list = techo_store_list_checkups_sync (f->store, f->profile_id, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((TechoCheckup *) list->pdata[0])->id, ==, "B");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* A withdrawal with a lower revision is ignored; with a higher one the
   * record is gone from every view and count. */
  c = techo_checkup_new ();
  c->id = g_strdup ("B");
  c->revision = 1;
  c->withdrawn = TRUE;
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, c,
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 0);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 2);
  c = techo_checkup_new ();
  c->id = g_strdup ("B");
  c->revision = 2;
  c->withdrawn = TRUE;
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, c,
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 1);
  latest = techo_store_latest_checkup_sync (f->store, f->profile_id, NULL, &error);
  g_assert_cmpstr (latest->id, ==, "A");
  /* An older copy arriving after the withdrawal does not bring it back. */
  g_assert_cmpuint (upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("B", 1, "2024-06-01", "6.4"),
                                (GDestroyNotify) techo_checkup_free, NULL), ==, 0);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_CHECKUP), ==, 1);
}

static void
test_upsert_atomic (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  TechoDispensing *d;

  for (guint i = 0; i < 3; i++)
    {
      d = techo_dispensing_new ();
      d->id = i == 2 ? NULL : g_strdup_printf ("d%u", i); /* the last is bad */
      d->revision = 1;
      g_ptr_array_add (page, d);
    }
  g_assert_false (techo_store_upsert_page_sync (f->store, f->profile_id,
                                                TECHO_CATEGORY_MEDICATION, page,
                                                "{\"page\":1}", NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 0);
  state = techo_store_get_sync_state_sync (f->store, f->profile_id,
                                           TECHO_CATEGORY_MEDICATION, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (state);

  /* Fixed, the page and its state land together. */
  d = g_ptr_array_index (page, 2);
  d->id = g_strdup ("d2");
  g_assert_true (techo_store_upsert_page_sync (f->store, f->profile_id,
                                               TECHO_CATEGORY_MEDICATION, page,
                                               "{\"page\":1}", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_MEDICATION), ==, 3);
  state = techo_store_get_sync_state_sync (f->store, f->profile_id,
                                           TECHO_CATEGORY_MEDICATION, NULL, &error);
  g_assert_cmpstr (state, ==, "{\"page\":1}");
  g_assert_cmpint (techo_store_get_last_sync_sync (f->store, 0, TECHO_CATEGORY_MEDICATION,
                                                   NULL, &error), >, 1700000000);
  g_assert_cmpint (techo_store_get_last_sync_sync (f->store, 0, TECHO_CATEGORY_SCREENING,
                                                   NULL, &error), ==, 0);

  /* An unknown profile is refused before anything is written. */
  g_assert_false (techo_store_upsert_page_sync (f->store, 999, TECHO_CATEGORY_MEDICATION,
                                                page, NULL, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
}

static void
test_queries (Fixture       *f,
              gconstpointer  data)
{
  const char *hba1c_codes[] = { "3D045000001906202", "3D045000001920402", NULL };
  g_autoptr(GPtrArray) points = NULL;
  g_autoptr(GPtrArray) screenings = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) again = techo_profile_new ();
  g_autoptr(GBytes) doc = g_bytes_new_static ("<ClinicalDocument/>", 19);
  g_autoptr(GBytes) loaded = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *scopes = NULL;
  TechoCheckup *c;
  TechoScreening *s;
  gint64 id = 0;

  upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("2022", 1, "2022-05-01", "5.5"),
              (GDestroyNotify) techo_checkup_free, NULL);
  c = checkup_new ("2023", 1, "2023-05-01", "5.9");
  ((TechoItem *) c->items->pdata[0])->code = (g_free (((TechoItem *) c->items->pdata[0])->code),
                                              g_strdup ("3D045000001920402"));
  c->provenance.origin = TECHO_ORIGIN_FILE;
  c->provenance.file_name = g_strdup ("kenshin.xml");
  c->provenance.file_sha256 = g_strdup ("ab12");
  upsert_one (f, TECHO_CATEGORY_CHECKUP, c, (GDestroyNotify) techo_checkup_free, NULL);
  c = checkup_new ("2024", 1, "2024-05-01", NULL);
  ((TechoItem *) c->items->pdata[0])->not_performed = TRUE;
  upsert_one (f, TECHO_CATEGORY_CHECKUP, c, (GDestroyNotify) techo_checkup_free, NULL);

  points = techo_store_series_sync (f->store, f->profile_id, hba1c_codes, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpstr (((TechoSeriesPoint *) points->pdata[0])->date, ==, "2022-05-01");
  g_assert_cmpstr (((TechoSeriesPoint *) points->pdata[1])->value, ==, "5.9");
  g_assert_cmpstr (((TechoSeriesPoint *) points->pdata[1])->unit, ==, "%");

  /* Provenance comes back. */
  {
    g_autoptr(GPtrArray) list = techo_store_list_checkups_sync (f->store, f->profile_id, 0,
                                                                NULL, &error);
    TechoCheckup *from_file = list->pdata[1];

    g_assert_cmpstr (from_file->id, ==, "2023");
    g_assert_cmpint (from_file->provenance.origin, ==, TECHO_ORIGIN_FILE);
    g_assert_cmpstr (from_file->provenance.file_name, ==, "kenshin.xml");
  }

  /* Screenings per cancer. */
  for (guint i = 0; i < 3; i++)
    {
      s = techo_screening_new ();
      s->id = g_strdup_printf ("s%u", i);
      s->revision = 1;
      s->cancer = g_strdup (i == 1 ? "lung" : "colorectal");
      s->performed_on = g_strdup_printf ("202%u-09-01", i);
      s->followup_value = g_strdup ("1");
      g_ptr_array_add (s->items, item_new ("9P5x2000000000011", "1", NULL));
      upsert_one (f, TECHO_CATEGORY_SCREENING, s, (GDestroyNotify) techo_screening_free, NULL);
    }
  screenings = techo_store_list_screenings_sync (f->store, f->profile_id, "colorectal",
                                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (screenings->len, ==, 2);
  g_assert_cmpstr (((TechoScreening *) screenings->pdata[0])->id, ==, "s2");
  g_assert_cmpuint (((TechoScreening *) screenings->pdata[0])->items->len, ==, 1);
  g_assert_cmpint (count (f, TECHO_STORE_COUNT_SCREENING), ==, 3);

  /* Documents: kept with the checkup, refused for an unknown one. */
  g_assert_true (techo_store_save_document_sync (f->store, f->profile_id, "2023", doc,
                                                 NULL, &error));
  g_assert_no_error (error);
  loaded = techo_store_load_document_sync (f->store, f->profile_id, "2023", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (doc, loaded));
  g_assert_false (techo_store_save_document_sync (f->store, f->profile_id, "nope", doc,
                                                  NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_clear_pointer (&loaded, g_bytes_unref);
  loaded = techo_store_load_document_sync (f->store, f->profile_id, "2022", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (loaded);

  /* Profiles match on issuer + subject and update their fields. */
  again->issuer = g_strdup ("https://portal.example");
  again->subject = g_strdup ("sub-1");
  again->name_kana = g_strdup ("ヤマダ ハナコ");
  g_assert_true (techo_store_ensure_profile_sync (f->store, again, &id, NULL, &error));
  g_assert_cmpint (id, ==, f->profile_id);
  g_assert_true (techo_store_set_profile_client_sync (f->store, id, "techo-desktop",
                                                      "checkup medication", NULL, &error));
  g_assert_true (techo_store_get_profile_client_sync (f->store, id, &client_id, &scopes,
                                                      NULL, &error));
  g_assert_cmpstr (client_id, ==, "techo-desktop");
  g_assert_cmpstr (scopes, ==, "checkup medication");
  profiles = techo_store_list_profiles_sync (f->store, NULL, &error);
  g_assert_cmpuint (profiles->len, ==, 1);
  g_assert_cmpstr (((TechoProfile *) profiles->pdata[0])->name, ==, "山田 花子");
  g_assert_cmpstr (((TechoProfile *) profiles->pdata[0])->name_kana, ==, "ヤマダ ハナコ");
}

/* One person's records in one read: everything, or the dispensings from a
 * date on only (the app's quick first read, marked incomplete); the same
 * through the async call; an unknown person is refused. */
static void
read_records_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  TechoRecordSet **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = techo_store_read_records_finish (TECHO_STORE (source), result, &error);
  g_assert_no_error (error);
}

static void
test_read_records (Fixture       *f,
                   gconstpointer  data)
{
  const char *dates[] = { "2019-01-10", "2025-01-05", "2025-05-20" };
  g_autoptr(TechoRecordSet) all = NULL;
  g_autoptr(TechoRecordSet) recent = NULL;
  g_autoptr(TechoRecordSet) async = NULL;
  g_autoptr(TechoRecordSet) nobody = NULL;
  g_autoptr(GError) error = NULL;

  upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("2024", 1, "2024-05-01", "5.9"),
              (GDestroyNotify) techo_checkup_free, NULL);
  upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("2025", 1, "2025-05-01", "6.1"),
              (GDestroyNotify) techo_checkup_free, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("d%u", i);
      d->revision = 1;
      d->dispensed_on = g_strdup (dates[i]);
      d->days = 28;
      upsert_one (f, TECHO_CATEGORY_MEDICATION, d, (GDestroyNotify) techo_dispensing_free, NULL);
    }

  all = techo_store_read_records_sync (f->store, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (all->complete);
  g_assert_nonnull (all->profile);
  g_assert_cmpint (all->profile->id, ==, f->profile_id);
  g_assert_cmpuint (all->checkups->len, ==, 2);
  g_assert_cmpstr (((TechoCheckup *) all->checkups->pdata[0])->id, ==, "2025");
  g_assert_cmpuint (((TechoCheckup *) all->checkups->pdata[0])->items->len, >, 0);
  g_assert_cmpuint (all->dispensings->len, ==, 3);
  g_assert_cmpstr (((TechoDispensing *) all->dispensings->pdata[0])->id, ==, "d2");
  g_assert_cmpuint (all->screenings->len, ==, 0);

  recent = techo_store_read_records_sync (f->store, f->profile_id, "2025-01-01", NULL, &error);
  g_assert_no_error (error);
  g_assert_false (recent->complete);
  g_assert_cmpuint (recent->checkups->len, ==, 2);
  g_assert_cmpuint (recent->dispensings->len, ==, 2);

  techo_store_read_records_async (f->store, 0, "2025-05-01", NULL, read_records_cb, &async);
  while (async == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (async->complete);
  g_assert_cmpuint (async->dispensings->len, ==, 1);

  nobody = techo_store_read_records_sync (f->store, f->profile_id + 100, NULL, NULL, &error);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
  g_assert_null (nobody);
}

static void
test_audit_append_only (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  TechoSqlite *db;
  gint64 n = 0;

  g_assert_true (techo_store_append_audit_sync (f->store, "sign-in", "issuer=x", NULL, &error));
  g_assert_true (techo_store_append_audit_sync (f->store, "sync", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (techo_store_append_audit_sync (f->store, "", NULL, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  fixture_close (f);

  db = open_raw (f->dir);
  g_assert_false (techo_sqlite_exec (db, "UPDATE audit_log SET action = 'x'", &error));
  g_assert_error (error, TECHO_SQLITE_ERROR, SQLITE_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_false (techo_sqlite_exec (db, "DELETE FROM audit_log", &error));
  g_assert_error (error, TECHO_SQLITE_ERROR, SQLITE_CONSTRAINT);
  g_clear_error (&error);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM audit_log", &n, &error));
  g_assert_cmpint (n, ==, 2);
  techo_sqlite_close (db);
}

/* The next version as a later Techo might add it (its number is set to
 * the one after this build's latest). */
static const TechoStoreMigration test_v2 = {
  0, "ALTER TABLE checkups ADD COLUMN note TEXT;"
     "UPDATE checkups SET note = 'migrated';"
};
static const TechoStoreMigration broken_v2 = {
  0, "ALTER TABLE checkups ADD COLUMN note TEXT;"
     "UPDATE no_such_table SET x = 1;"
};

static void
test_migrations (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_base = 0;
  const TechoStoreMigration *base = techo_store_schema_migrations (&n_base);
  TechoStoreMigration list[16];
  TechoSqlite *db;
  gint64 n = 0;
  int version = 0;

  g_assert_cmpuint (n_base, <, G_N_ELEMENTS (list));
  g_assert_cmpint (base[n_base - 1].version, ==, TECHO_STORE_SCHEMA_VERSION);
  memcpy (list, base, n_base * sizeof *base);
  upsert_one (f, TECHO_CATEGORY_CHECKUP, checkup_new ("A", 1, "2023-06-01", "5.6"),
              (GDestroyNotify) techo_checkup_free, NULL);
  fixture_close (f);

  /* A failing step rolls back whole: still at the latest, data kept. */
  db = open_raw (f->dir);
  list[n_base] = broken_v2;
  list[n_base].version = base[n_base - 1].version + 1;
  g_assert_false (techo_store_schema_migrate (db, list, n_base + 1, &version, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (techo_sqlite_query_int64 (db, "PRAGMA user_version", &n, &error));
  g_assert_cmpint (n, ==, base[n_base - 1].version);
  g_assert_false (techo_sqlite_exec (db, "SELECT note FROM checkups", NULL));

  /* The next step keeps the data. */
  list[n_base] = test_v2;
  list[n_base].version = base[n_base - 1].version + 1;
  g_assert_true (techo_store_schema_migrate (db, list, n_base + 1, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, base[n_base - 1].version + 1);
  g_assert_true (techo_sqlite_query_int64 (db,
                                           "SELECT count(*) FROM checkups WHERE note = 'migrated'",
                                           &n, &error));
  g_assert_cmpint (n, ==, 1);
  techo_sqlite_close (db);

  /* This build refuses the newer store instead of touching it. */
  f->store = techo_store_new (f->dir);
  g_assert_false (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_TOO_NEW);
  g_clear_object (&f->store);
}

static void
test_migrate_from_v0 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-v0-XXXXXX", &error);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(TechoStore) store = NULL;
  TechoSqlite *db;
  gint64 n = 0;

  /* A version-0 store: keyed, with a table of an early build, no marker. */
  db = create_raw (dir);
  g_assert_true (techo_sqlite_exec (db, "CREATE TABLE notes (text TEXT);"
                                        "INSERT INTO notes VALUES ('kept');", &error));
  g_assert_no_error (error);
  techo_sqlite_close (db);

  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_schema_version (store), ==, TECHO_STORE_SCHEMA_VERSION);
  g_assert_cmpint (techo_store_count_sync (store, 0, TECHO_STORE_COUNT_CHECKUP, NULL, &error),
                   ==, 0);
  g_assert_true (techo_store_close_sync (store, NULL, &error));

  db = open_raw (dir);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM notes", &n, &error));
  g_assert_cmpint (n, ==, 1);
  g_assert_true (techo_sqlite_query_int64 (db, "PRAGMA user_version", &n, &error));
  g_assert_cmpint (n, ==, TECHO_STORE_SCHEMA_VERSION);
  techo_sqlite_close (db);

  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (dir);
}

/* Rows of dispensing_ingredients that a recount of the listed
 * dispensings does not give, either way: 0 when the counts are right. */
static gint64
ingredient_count_mismatches (TechoSqlite *db)
{
  g_autoptr(GError) error = NULL;
  gint64 n = -1;

  g_assert_true (techo_sqlite_query_int64 (db,
    "SELECT count(*) FROM ("
    " SELECT * FROM (SELECT profile_id, key, n FROM dispensing_ingredients"
    "  EXCEPT SELECT profile_id, " TECHO_STORE_INGREDIENT_KEY ", count(*) FROM dispensings"
    "  WHERE withdrawn = 0 AND revised_by IS NULL GROUP BY 1, 2)"
    " UNION ALL"
    " SELECT * FROM (SELECT profile_id, " TECHO_STORE_INGREDIENT_KEY ", count(*) FROM dispensings"
    "  WHERE withdrawn = 0 AND revised_by IS NULL GROUP BY 1, 2"
    "  EXCEPT SELECT profile_id, key, n FROM dispensing_ingredients))", &n, &error));
  g_assert_no_error (error);
  return n;
}

static TechoDispensing *
counted_dispensing_new (const char *id,
                        const char *yj_code,
                        const char *drug_name,
                        gboolean    withdrawn)
{
  TechoDispensing *d = techo_dispensing_new ();

  d->id = g_strdup (id);
  d->revision = 1;
  d->withdrawn = withdrawn;
  d->dispensed_on = g_strdup ("2024-05-01");
  d->yj_code = g_strdup (yj_code);
  d->drug_name = g_strdup (drug_name);
  return d;
}

/* Schema 12 counts inserted dispensings in the writer, not by trigger: a
 * version-10 store with data upgrades with its counts right, and a sync
 * page of new rows, re-reads, withdrawals and a revision that changes a
 * row's ingredient, then deletes, keep them right after. */
static void
test_ingredient_counts_from_v10 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-v10-XXXXXX", &error);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  const TechoStoreMigration *all;
  guint n_all = 0, n_v10 = 0;
  TechoSqlite *db;
  gint64 n = 0;
  int version = 0;

  all = techo_store_schema_migrations (&n_all);
  while (n_v10 < n_all && all[n_v10].version <= 10)
    n_v10++;
  db = create_raw (dir);
  g_assert_true (techo_store_schema_migrate (db, all, n_v10, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 10);
  /* Rows of two people as version 10 wrote them (its trigger counting):
   * YJ codes, short codes and names, no name, withdrawn, revised. */
  g_assert_true (techo_sqlite_exec (db,
    "INSERT INTO profiles (id, issuer, subject, created_at) VALUES (1, 'https://portal.example', 'sub-1', 0), (2, NULL, NULL, 0);"
    "INSERT INTO dispensings (profile_id, id, revision, withdrawn, yj_code, drug_name, origin, received_at) VALUES"
    " (1, 'a', 1, 0, '2149044F1020', 'アムロジピン', 'portal', 1),"
    " (1, 'b', 1, 0, '2149044F2025', 'アムロジピンOD', 'portal', 1),"
    " (1, 'c', 1, 0, '114', '葛根湯', 'portal', 1),"
    " (1, 'd', 1, 0, NULL, NULL, 'portal', 1),"
    " (1, 'e', 1, 1, '3969007F1025', 'メトホルミン', 'portal', 1),"
    " (2, 'a', 1, 0, '2149044F1020', 'アムロジピン', 'file', 1);"
    "INSERT INTO dispensings (profile_id, id, revision, yj_code, drug_name, origin, received_at, revised_by) VALUES"
    " (1, 'f', 1, '3969007F1025', 'メトホルミン', 'portal', 1, 'a');", &error));
  g_assert_no_error (error);
  g_assert_cmpint (ingredient_count_mismatches (db), ==, 0);
  /* A count gone wrong (as by a bug of an older build) is made again. */
  g_assert_true (techo_sqlite_exec (db, "UPDATE dispensing_ingredients SET n = 7"
                                        " WHERE key = '2149044'", &error));
  g_assert_cmpint (ingredient_count_mismatches (db), >, 0);
  techo_sqlite_close (db);

  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_schema_version (store), ==, TECHO_STORE_SCHEMA_VERSION);

  /* A sync page: new rows of known and new ingredients, a withdrawn new
   * one, a re-read of a row already stored, a withdrawal of a stored one
   * and a newer revision that moves one to another ingredient. */
  g_ptr_array_add (page, counted_dispensing_new ("g", "2149044F1020", "アムロジピン", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("h", "6250002F1020", "新薬", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("i", NULL, "湿布", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("j", NULL, "湿布", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("k", "1124017F1030", "取り消し", TRUE));
  /* Characters, not bytes, as SQLite counts them: a long code of
   * multi-byte characters, a short one longer than 7 bytes, a code with a
   * broken sequence. */
  g_ptr_array_add (page, counted_dispensing_new ("l", "アムロジピン錠5mg", "アムロジピン", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("m", "ｱﾑﾛｼﾞ", "短い", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("n", "\xe3\x81" "zbcdefgh", "壊れ", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("a", "2149044F1020", "アムロジピン", FALSE));
  g_ptr_array_add (page, counted_dispensing_new ("b", "2149044F2025", "アムロジピンOD", TRUE));
  ((TechoDispensing *) g_ptr_array_index (page, 9))->revision = 2;
  g_ptr_array_add (page, counted_dispensing_new ("c", "1124017F1030", "ビタミン", FALSE));
  ((TechoDispensing *) g_ptr_array_index (page, 10))->revision = 2;
  g_assert_true (techo_store_upsert_page_sync (store, 1, TECHO_CATEGORY_MEDICATION, page, NULL,
                                               NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_clear_object (&store);

  db = open_raw (dir);
  g_assert_cmpint (ingredient_count_mismatches (db), ==, 0);
  /* Dispensings from the portal alone keep no source rows. */
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM record_sources", &n,
                                           &error));
  g_assert_cmpint (n, ==, 0);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT n FROM dispensing_ingredients"
                                               " WHERE profile_id = 1 AND key = '湿布'",
                                           &n, &error));
  g_assert_cmpint (n, ==, 2);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT n FROM dispensing_ingredients"
                                               " WHERE profile_id = 1 AND key = 'アムロジピン錠'",
                                           &n, &error));
  g_assert_cmpint (n, ==, 1);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM sqlite_master WHERE"
                                               " name = 'dispensing_ingredients_insert'",
                                           &n, &error));
  g_assert_cmpint (n, ==, 0);
  /* Deletes still count down by trigger. */
  g_assert_true (techo_sqlite_exec (db, "DELETE FROM dispensings WHERE id IN ('g', 'i')",
                                    &error));
  g_assert_cmpint (ingredient_count_mismatches (db), ==, 0);
  techo_sqlite_close (db);

  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, setup, func, teardown)

  ADD ("/store/records/upsert-checkups", test_upsert_checkups);
  ADD ("/store/records/upsert-atomic", test_upsert_atomic);
  ADD ("/store/records/queries", test_queries);
  ADD ("/store/records/read-records", test_read_records);
  ADD ("/store/records/audit-append-only", test_audit_append_only);
  ADD ("/store/records/migrations", test_migrations);
  g_test_add_func ("/store/records/migrate-from-v0", test_migrate_from_v0);
  g_test_add_func ("/store/records/ingredient-counts-from-v10", test_ingredient_counts_from_v10);

#undef ADD

  return g_test_run ();
}
