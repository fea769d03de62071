/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The encrypted store against real SQLCipher and the real keyring of the
 * test session: keys, modes, files on disk, damage, backup and restore. */

#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "techo-secure.h"
#include "techo-store.h"
#include "techo-store-schema.h"
#include "techo-test-util.h"

#define MARKER_DRUG "MARKERDRUG-アムロジピン"
#define MARKER_NAME "MARKERNAME-山田花子"
#define MARKER_DOC  "MARKERDOC-<ClinicalDocument>"

static char *
make_data_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *base = g_dir_make_tmp ("techo-store-XXXXXX", &error);

  g_assert_no_error (error);
  return base;
}

static void
forget_dir (const char *data_dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);

  techo_vault_clear_all (vault, NULL, NULL);
  techo_test_remove_tree (data_dir);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return g_strdup ("absent");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, length);
}

static TechoStore *
open_store (const char  *data_dir,
            const char  *passphrase,
            GError     **error)
{
  TechoStore *store = techo_store_new (data_dir);

  if (!techo_store_open_sync (store, passphrase, NULL, error))
    g_clear_object (&store);
  return store;
}

static gint64
add_profile (TechoStore *store)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("citizen-1");
  profile->name = g_strdup (MARKER_NAME);
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &id, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  return id;
}

static void
add_dispensings (TechoStore *store,
                 gint64      profile_id,
                 guint       first,
                 guint       n)
{
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;

  for (guint i = first; i < first + n; i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("rx-%u", i);
      d->revision = 1;
      d->dispensed_on = g_strdup_printf ("2024-%02u-%02u", 1 + i % 12, 1 + i % 28);
      d->drug_name = g_strdup (MARKER_DRUG);
      d->pharmacy_name = g_strdup_printf ("Pharmacy %u with a long enough name to fill pages", i);
      d->quantity = 1.5;
      d->days = 14;
      g_ptr_array_add (page, d);
    }
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               page, "{\"cursor\":\"c1\"}", NULL, &error));
  g_assert_no_error (error);
}

static gint64
count_medication (TechoStore *store)
{
  g_autoptr(GError) error = NULL;
  gint64 n = techo_store_count_sync (store, 0, TECHO_STORE_COUNT_MEDICATION, NULL, &error);

  g_assert_no_error (error);
  return n;
}

static void
close_store (TechoStore **store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_close_sync (*store, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (store);
}

static void
test_create_reopen (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "techo", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);
  g_auto(TechoSecret) key = NULL;
  g_autoptr(GPtrArray) list = NULL;
  TechoStore *store;
  TechoStoreMode mode = TECHO_STORE_MODE_PASSPHRASE;
  gint64 profile_id;

  g_assert_false (techo_store_exists_at (data_dir, NULL));
  store = open_store (data_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_is_open (store));
  g_assert_cmpint (techo_store_get_mode (store), ==, TECHO_STORE_MODE_KEYRING);
  g_assert_cmpint (techo_store_get_schema_version (store), ==, TECHO_STORE_SCHEMA_VERSION);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 3);
  close_store (&store);

  g_assert_true (techo_store_exists_at (data_dir, &mode));
  g_assert_cmpint (mode, ==, TECHO_STORE_MODE_KEYRING);

  /* The key is 32 random bytes, hex, in the keyring under this dir. */
  key = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpuint (strlen (key), ==, 64);

  /* The key lives only in the keyring: not in any file of the data dir,
   * neither as hex nor as raw bytes. */
  {
    g_autoptr(GDir) files = g_dir_open (data_dir, 0, &error);
    g_autofree guint8 *raw = NULL;
    gsize raw_length = 0;
    const char *name;

    g_assert_no_error (error);
    raw = techo_hex_decode (key, &raw_length);
    g_assert_cmpuint (raw_length, ==, 32);
    while ((name = g_dir_read_name (files)) != NULL)
      {
        g_autofree char *path = g_build_filename (data_dir, name, NULL);
        g_autofree char *contents = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
        g_assert_null (memmem (contents, length, key, 64));
        g_assert_null (memmem (contents, length, raw, raw_length));
      }
  }

  store = open_store (data_dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 3);
  list = techo_store_list_dispensings_sync (store, profile_id, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((TechoDispensing *) list->pdata[0])->drug_name, ==, MARKER_DRUG);
  close_store (&store);
  forget_dir (data_dir);
  techo_test_remove_tree (dir);
}

static void
assert_mode (const char *path,
             guint       expected)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, expected);
}

static void
test_file_modes (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *data_dir = g_build_filename (dir, "techo", NULL);
  g_autofree char *db = g_build_filename (data_dir, "techo.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  g_autofree char *marker = g_build_filename (data_dir, "techo.mode", NULL);
  g_autoptr(GError) error = NULL;
  TechoStore *store;

  store = open_store (data_dir, NULL, &error);
  g_assert_no_error (error);
  add_dispensings (store, add_profile (store), 0, 2);

  assert_mode (data_dir, 0700);
  assert_mode (db, 0600);
  assert_mode (wal, 0600);
  assert_mode (shm, 0600);
  assert_mode (marker, 0600);
  close_store (&store);
  forget_dir (data_dir);
  techo_test_remove_tree (dir);
}

static void
test_wrong_key (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TechoStore *store;
  guint8 other[32];
  g_autofree char *other_hex = NULL;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  add_dispensings (store, add_profile (store), 0, 5);
  close_store (&store);
  before = file_sha256 (db);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* Another valid key in the keyring: it must fail as "wrong key". */
  g_assert_true (techo_random_bytes (other, sizeof other, NULL));
  other_hex = techo_hex_encode (other, sizeof other);
  g_assert_true (techo_vault_store_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                           other_hex, NULL, &error));
  g_assert_no_error (error);

  store = open_store (dir, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY);
  g_assert_nonnull (strstr (error->message, "key does not open"));
  after = file_sha256 (db);
  g_assert_cmpstr (before, ==, after);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  forget_dir (dir);
}

static void
test_keyring_missing (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *key = NULL;
  TechoStore *store;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  add_dispensings (store, add_profile (store), 0, 5);
  close_store (&store);
  before = file_sha256 (db);

  /* The keyring answers nothing (item gone, as with a locked or reset
   * keyring) while the database exists. */
  g_assert_true (techo_vault_clear_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                           NULL, &error));
  g_assert_no_error (error);

  store = open_store (dir, NULL, &error);
  g_assert_null (store);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_KEYRING_UNAVAILABLE);
  g_assert_nonnull (strstr (error->message, "keyring is locked or unavailable"));
  g_clear_error (&error);

  /* No new key was made over the data, and the file is as it was. */
  key = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db",
                                   NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);
  after = file_sha256 (db);
  g_assert_cmpstr (before, ==, after);
  forget_dir (dir);
}

static void
test_passphrase (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  TechoStore *store;
  TechoStoreMode mode;
  gint64 profile_id;

  store = open_store (dir, "correct horse battery", &error);
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_mode (store), ==, TECHO_STORE_MODE_PASSPHRASE);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 4);
  close_store (&store);
  g_assert_true (techo_store_exists_at (dir, &mode));
  g_assert_cmpint (mode, ==, TECHO_STORE_MODE_PASSPHRASE);

  /* No key went to the keyring in passphrase mode. */
  key = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db", NULL, NULL);
  g_assert_null (key);

  store = open_store (dir, NULL, &error);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_PASSPHRASE_REQUIRED);
  g_clear_error (&error);
  store = open_store (dir, "wrong horse", &error);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY);
  g_clear_error (&error);

  /* Change the passphrase (rekey): the old one then fails. */
  store = open_store (dir, "correct horse battery", &error);
  g_assert_no_error (error);
  g_assert_true (techo_store_change_passphrase_sync (store, "staple two", NULL, &error));
  g_assert_no_error (error);
  add_dispensings (store, profile_id, 10, 1);
  close_store (&store);

  store = open_store (dir, "correct horse battery", &error);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY);
  g_clear_error (&error);
  store = open_store (dir, "staple two", &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 5);

  /* Passphrase → keyring … */
  g_assert_true (techo_store_use_keyring_sync (store, NULL, &error));
  g_assert_no_error (error);
  close_store (&store);
  g_assert_true (techo_store_exists_at (dir, &mode));
  g_assert_cmpint (mode, ==, TECHO_STORE_MODE_KEYRING);
  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 5);

  /* … and back: the keyring item goes away. */
  g_assert_true (techo_store_change_passphrase_sync (store, "third one", NULL, &error));
  g_assert_no_error (error);
  close_store (&store);
  key = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db", NULL, NULL);
  g_assert_null (key);
  store = open_store (dir, "third one", &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 5);
  close_store (&store);
  forget_dir (dir);
}

static void
test_no_plaintext (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);
  const char *files[] = { db, wal, shm };
  const char *markers[] = { MARKER_DRUG, "MARKERDRUG", MARKER_NAME, "MARKERDOC" };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  g_autoptr(GBytes) doc = g_bytes_new_static (MARKER_DOC, strlen (MARKER_DOC));
  TechoCheckup *checkup = techo_checkup_new ();
  TechoStore *store;
  gint64 profile_id;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 20);
  checkup->id = g_strdup ("chk-1");
  checkup->revision = 1;
  checkup->performed_on = g_strdup ("2024-05-01");
  g_ptr_array_add (page, checkup);
  g_assert_true (techo_store_upsert_page_sync (store, profile_id, TECHO_CATEGORY_CHECKUP,
                                               page, NULL, NULL, &error));
  g_assert_true (techo_store_save_document_sync (store, profile_id, "chk-1", doc, NULL, &error));
  g_assert_no_error (error);

  /* While open (the WAL holds the fresh pages) and after closing. */
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  for (guint round = 0; round < 2; round++)
    {
      for (guint f = 0; f < G_N_ELEMENTS (files); f++)
        for (guint m = 0; m < G_N_ELEMENTS (markers); m++)
          g_assert_false (techo_test_file_contains (files[f], markers[m]));
      if (round == 0)
        close_store (&store);
    }
  forget_dir (dir);
}

static void
flip_byte (const char *path,
           goffset     offset)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpint (offset, <, (goffset) length);
  contents[offset] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
}

static goffset
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

static void
test_flipped_byte (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
  g_autoptr(GError) error = NULL;
  TechoStore *store;
  gint64 profile_id;
  goffset size;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 300);
  close_store (&store);

  size = file_size (db);
  g_assert_cmpint (size, >=, 8 * 4096);
  /* The middle of a page in the middle of the file. */
  flip_byte (db, (size / 4096 / 2) * 4096 + 2000);

  store = techo_store_new (dir);
  if (techo_store_open_sync (store, NULL, NULL, &error))
    {
      /* Page 1 was fine: the damage shows when the page is read. */
      g_assert_false (techo_store_check_sync (store, NULL, &error));
    }
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);
  g_clear_object (&store);
  forget_dir (dir);
}

static void
test_backup_restore (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *other_dir = make_data_dir ();
  g_autofree char *backup = g_build_filename (dir, "backup.techo", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.techo", NULL);
  g_autofree char *foreign = g_build_filename (other_dir, "foreign.techo", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  TechoStore *store;
  TechoStore *other;
  gint64 profile_id;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 200);

  g_assert_true (techo_store_backup_sync (store, backup, NULL, &error));
  g_assert_no_error (error);
  assert_mode (backup, 0600);
  g_assert_false (techo_test_file_contains (backup, "MARKERDRUG"));

  /* Never over an existing file. */
  g_assert_false (techo_store_backup_sync (store, backup, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  /* Changes after the backup are undone by the restore. */
  add_dispensings (store, profile_id, 1000, 7);
  g_assert_cmpint (count_medication (store), ==, 207);

  /* A damaged copy of the backup is refused; the store is untouched. */
  g_assert_true (g_file_get_contents (backup, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (damaged, contents, length, NULL));
  flip_byte (damaged, (length / 4096 / 2) * 4096 + 1000);
  g_assert_false (techo_store_restore_sync (store, damaged, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_clear_error (&error);
  g_assert_cmpint (count_medication (store), ==, 207);

  /* So is a backup made under another key. */
  other = open_store (other_dir, NULL, &error);
  g_assert_no_error (error);
  add_dispensings (other, add_profile (other), 0, 1);
  g_assert_true (techo_store_backup_sync (other, foreign, NULL, &error));
  g_assert_no_error (error);
  close_store (&other);
  g_assert_false (techo_store_restore_sync (store, foreign, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_WRONG_KEY);
  g_clear_error (&error);
  g_assert_cmpint (count_medication (store), ==, 207);

  /* The real backup restores, and the store stays usable. */
  g_assert_true (techo_store_restore_sync (store, backup, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 200);
  g_assert_true (techo_store_check_sync (store, NULL, &error));
  g_assert_no_error (error);
  add_dispensings (store, profile_id, 2000, 1);
  close_store (&store);

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 201);
  close_store (&store);
  forget_dir (other_dir);
  forget_dir (dir);
}

static void
test_backup_passphrase (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *backup = g_build_filename (dir, "backup.techo", NULL);
  g_autoptr(GError) error = NULL;
  TechoStore *store;
  gint64 profile_id;

  store = open_store (dir, "a passphrase", &error);
  g_assert_no_error (error);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 10);
  g_assert_true (techo_store_backup_sync (store, backup, NULL, &error));
  g_assert_no_error (error);
  add_dispensings (store, profile_id, 100, 10);
  g_assert_true (techo_store_restore_sync (store, backup, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 10);
  close_store (&store);
  forget_dir (dir);
}

static void
test_erase (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autofree char *backup = g_build_filename (dir, "cancelled.techo", NULL);
  g_autoptr(TechoVault) vault = techo_vault_new (dir);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) files = NULL;
  g_autofree char *key = NULL;
  TechoStore *store;

  store = open_store (dir, NULL, &error);
  g_assert_no_error (error);
  add_dispensings (store, add_profile (store), 0, 10);
  g_assert_true (techo_vault_store_secret (vault, "oauth", "refresh", "token", NULL, &error));

  /* A cancelled backup leaves no file behind. */
  g_cancellable_cancel (cancelled);
  g_assert_false (techo_store_backup_sync (store, backup, cancelled, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_false (g_file_test (backup, G_FILE_TEST_EXISTS));

  /* Delete everything: no file of the store, no keyring item left. */
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (techo_store_is_open (store));
  files = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (files));
  key = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db", NULL, &error);
  g_assert_null (key);
  key = techo_vault_lookup_secret (vault, "oauth", "refresh", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (key);

  /* Opening again makes a new, empty store. */
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_medication (store), ==, 0);
  close_store (&store);
  forget_dir (dir);
}

/* ---- async, on a main loop as the app uses it ---------------------------- */

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
test_async (void)
{
  g_autofree char *dir = make_data_dir ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(TechoCheckup) latest = NULL;
  Wait wait = { loop, NULL };
  TechoStore *store = techo_store_new (dir);
  gint64 profile_id;

  /* Before open: a clear error, not a crash. */
  list = techo_store_list_dispensings_sync (store, 0, NULL, NULL, NULL, &error);
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_OPEN);
  g_clear_error (&error);

  techo_store_open_async (store, NULL, NULL, wait_cb, &wait);
  g_assert_true (techo_store_open_finish (store, wait_for (&wait), &error));
  g_assert_no_error (error);
  profile_id = add_profile (store);
  add_dispensings (store, profile_id, 0, 3);

  techo_store_list_profiles_async (store, NULL, wait_cb, &wait);
  profiles = techo_store_list_profiles_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (profiles->len, ==, 1);
  g_assert_cmpstr (((TechoProfile *) profiles->pdata[0])->name, ==, MARKER_NAME);

  techo_store_list_dispensings_async (store, profile_id, "2024-02-01", "2024-03-31",
                                      NULL, wait_cb, &wait);
  list = techo_store_list_dispensings_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((TechoDispensing *) list->pdata[0])->dispensed_on, ==, "2024-03-03");
  g_clear_pointer (&list, g_ptr_array_unref);

  /* One bound alone, and every profile: 2024-01-01, 02-02 and 03-03. */
  list = techo_store_list_dispensings_sync (store, 0, "2024-02-02", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpstr (((TechoDispensing *) list->pdata[1])->dispensed_on, ==, "2024-02-02");
  g_clear_pointer (&list, g_ptr_array_unref);
  list = techo_store_list_dispensings_sync (store, profile_id, NULL, "2024-02-01", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((TechoDispensing *) list->pdata[0])->dispensed_on, ==, "2024-01-01");

  techo_store_latest_checkup_async (store, profile_id, NULL, wait_cb, &wait);
  latest = techo_store_latest_checkup_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_null (latest);

  g_cancellable_cancel (cancelled);
  techo_store_append_audit_async (store, "test", NULL, cancelled, wait_cb, &wait);
  g_assert_false (techo_store_append_audit_finish (store, wait_for (&wait), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  techo_store_append_audit_async (store, "test", "detail", NULL, wait_cb, &wait);
  g_assert_true (techo_store_append_audit_finish (store, wait_for (&wait), &error));
  g_assert_no_error (error);

  g_clear_object (&wait.result);
  /* Let the store thread drop its task references on this context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  close_store (&store);
  forget_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/create-reopen", test_create_reopen);
  g_test_add_func ("/store/file-modes", test_file_modes);
  g_test_add_func ("/store/wrong-key", test_wrong_key);
  g_test_add_func ("/store/keyring-missing", test_keyring_missing);
  g_test_add_func ("/store/passphrase", test_passphrase);
  g_test_add_func ("/store/no-plaintext", test_no_plaintext);
  g_test_add_func ("/store/flipped-byte", test_flipped_byte);
  g_test_add_func ("/store/backup-restore", test_backup_restore);
  g_test_add_func ("/store/backup-passphrase", test_backup_passphrase);
  g_test_add_func ("/store/erase", test_erase);
  g_test_add_func ("/store/async", test_async);

  return g_test_run ();
}
