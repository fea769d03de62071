/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An import is one transaction, and undo takes back exactly what it added:
 * a medication notebook with every record type (entries, dispensing
 * details), parts of multi-part data kept and joined, imported into a real
 * store and undone leave every table as it was, row for row (the store
 * file is read here with its key from the test session's keyring). A
 * failure injected at each notebook table (a trigger that aborts) and
 * techo-cli SIGKILLed mid-import leave the store as before. A dry run joins
 * parts across its files and writes nothing; --json carries the notebook. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-import.h"
#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-test-util.h"
#include "techo-vault.h"

/* A first import that makes the profile (one dispensing, one allergy). */
static const char base_text[] =
  "JAHISTC08,1\r\n"
  "1,手帳 花子,2,S330303,,,,,,,テチョウ ハナコ\r\n"
  "2,1,そば,1\r\n"
  "5,R060301,1\r\n"
  "11,さくら薬局,13,4,1234567,,,,1\r\n"
  "201,1,アムロジピン錠5mg「テスト」,1,錠,2,620000001,1\r\n"
  "301,1,1日1回朝食後,14,日分,1,1,,1\r\n";

static char *
write_notebook (const char *dir)
{
  g_autofree char *utf8 = g_strjoinv ("\r\n", (char **) techo_test_jahis_notebook);
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *cp932 = g_convert (utf8, -1, "CP932", "UTF-8", NULL, &length, &error);

  g_assert_no_error (error);
  return techo_test_write_file (dir, "notebook.txt", cp932, length);
}

/* Part @part of 2 of data @data_id (911 at the end), one dispensing day. */
static char *
write_part (const char *dir,
            const char *data_id,
            guint       part)
{
  g_autofree char *name = g_strdup_printf ("qr-%s-%u.txt", data_id, part);
  g_autofree char *text = NULL;

  if (part == 1)
    text = g_strdup_printf ("JAHISTC08,1\r\n5,R060501,1\r\n11,みなと薬局,13,4,7654321,,,,1\r\n"
                            "911,%s,2,1\r\n", data_id);
  else
    text = g_strdup_printf ("JAHISTC08,1\r\n201,1,レバミピド錠100mg,3,錠,4,2329021F1021,1\r\n"
                            "301,1,1日3回毎食後,7,日分,1,1,,1\r\n911,%s,2,2\r\n", data_id);
  return techo_test_write_file (dir, name, text, strlen (text));
}

/* ---- the store file, read here ------------------------------------------ */

static TechoSqlite *
open_raw (const char *data_dir)
{
  g_autoptr(TechoVault) vault = techo_vault_new (data_dir);
  g_auto(TechoSecret) hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY,
                                                       "techo.db", NULL, NULL);
  g_autofree char *path = g_build_filename (data_dir, "techo.db", NULL);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;
  TechoSqlite *db;

  g_assert_nonnull (hex);
  key = g_strdup_printf ("x'%s'", hex);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  g_assert_no_error (error);
  techo_wipe (key, strlen (key));
  return db;
}

static void
raw_exec (const char *data_dir,
          const char *sql)
{
  TechoSqlite *db = open_raw (data_dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_sqlite_exec (db, sql, &error));
  g_assert_no_error (error);
  techo_sqlite_close (db);
}

static GPtrArray *
strings_of (TechoSqlite *db,
            const char  *sql)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *list = g_ptr_array_new_with_free_func (g_free);

  s = techo_sqlite_prepare (db, sql, &error);
  g_assert_no_error (error);
  while (techo_sqlite_step (s, &error))
    g_ptr_array_add (list, techo_sqlite_column_dup_text (s, 0));
  g_assert_no_error (error);
  return list;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every table but the audit log (append-only by design), row by row with
 * every column quoted, rows sorted: "table|row". The imports table leaves
 * out imports marked undone (kept, by design, with undone_at). */
static GHashTable *
snapshot (const char *data_dir)
{
  TechoSqlite *db = open_raw (data_dir);
  g_autoptr(GPtrArray) tables = strings_of (db, "SELECT name FROM sqlite_master"
                                                " WHERE type = 'table'"
                                                " AND name NOT LIKE 'sqlite_%'"
                                                " AND name <> 'audit_log' ORDER BY name");
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                            (GDestroyNotify) g_ptr_array_unref);

  for (guint t = 0; t < tables->len; t++)
    {
      const char *table = g_ptr_array_index (tables, t);
      g_autoptr(GPtrArray) columns = NULL;
      g_autoptr(GString) sql = g_string_new ("SELECT ");
      GPtrArray *list;

      {
        g_autofree char *pragma = g_strdup_printf ("PRAGMA table_info ('%s')", table);
        g_autoptr(TechoSqliteStatement) s = NULL;
        g_autoptr(GError) error = NULL;

        columns = g_ptr_array_new_with_free_func (g_free);
        s = techo_sqlite_prepare (db, pragma, &error);
        g_assert_no_error (error);
        while (techo_sqlite_step (s, &error))
          g_ptr_array_add (columns, techo_sqlite_column_dup_text (s, 1));
        g_assert_no_error (error);
      }
      for (guint c = 0; c < columns->len; c++)
        g_string_append_printf (sql, "%squote (\"%s\")", c > 0 ? " || '|' || " : "",
                                (const char *) g_ptr_array_index (columns, c));
      g_string_append_printf (sql, " FROM \"%s\"", table);
      if (g_str_equal (table, "imports"))
        g_string_append (sql, " WHERE undone_at IS NULL");
      list = strings_of (db, sql->str);
      g_ptr_array_sort (list, compare_strings);
      g_hash_table_insert (rows, g_strdup (table), list);
    }
  techo_sqlite_close (db);
  return rows;
}

static guint
table_rows (GHashTable *snap,
            const char *table)
{
  GPtrArray *list = g_hash_table_lookup (snap, table);

  g_assert_nonnull (list);
  return list->len;
}

/* Every table of @a holds the same rows in @b; names the first that does not. */
static void
assert_same_store (GHashTable *a,
                   GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GPtrArray *before = value;
      GPtrArray *after = g_hash_table_lookup (b, key);

      g_assert_nonnull (after);
      if (before->len != after->len)
        g_error ("table %s: %u rows before, %u after", (const char *) key, before->len,
                 after->len);
      for (guint i = 0; i < before->len; i++)
        if (g_strcmp0 (g_ptr_array_index (before, i), g_ptr_array_index (after, i)) != 0)
          g_error ("table %s differs: %s / %s", (const char *) key,
                   (const char *) g_ptr_array_index (before, i),
                   (const char *) g_ptr_array_index (after, i));
    }
}

/* ---- the store, through its API ------------------------------------------ */

static TechoStore *
open_store (const char *data_dir)
{
  TechoStore *store = techo_store_new (data_dir);
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  return store;
}

static void
close_store (TechoStore *store)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_assert_no_error (error);
  g_object_unref (store);
}

static TechoImportReport *
import_paths (const char        *data_dir,
              const char *const *paths,
              TechoImportFlags   flags,
              GError           **error)
{
  TechoStore *store = open_store (data_dir);
  TechoImportReport *report = techo_import_paths_sync (store, 0, paths, flags, NULL, error);

  close_store (store);
  return report;
}

/* Undoes the last import; returns whether it removed the profile too. */
static gboolean
undo_last (const char *data_dir,
           guint      *n_entries,
           guint      *n_parts)
{
  TechoStore *store = open_store (data_dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoUndoResult) undone = techo_store_undo_import_sync (store, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (undone);
  *n_entries = undone->n_entries;
  *n_parts = undone->n_parts;
  close_store (store);
  return undone->profile_removed;
}

/* The rows of the audit log (left out of snapshot()). */
static guint
audit_rows (const char *data_dir)
{
  TechoSqlite *db = open_raw (data_dir);
  g_autoptr(GPtrArray) rows = strings_of (db, "SELECT action || ' ' || detail FROM audit_log");

  techo_sqlite_close (db);
  return rows->len;
}

typedef struct
{
  char *dir;
  char *data_dir;
  char *notebook;
  char *a1, *a2, *b1;
  GHashTable *before;   /* the store before the import under test */
} Fixture;

/* A store with a profile (and one dispensing, one allergy) and part 2 of
 * data A kept pending. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  f->dir = g_dir_make_tmp ("techo-import-undo-XXXXXX", &error);
  g_assert_no_error (error);
  f->data_dir = g_build_filename (f->dir, "store", NULL);
  f->notebook = write_notebook (f->dir);
  f->a1 = write_part (f->dir, "20260501000001", 1);
  f->a2 = write_part (f->dir, "20260501000001", 2);
  f->b1 = write_part (f->dir, "20260502000002", 1);
  base = techo_test_write_file (f->dir, "base.txt", base_text, strlen (base_text));
  {
    const char *paths[] = { base, NULL };
    g_autoptr(TechoImportReport) report = import_paths (f->data_dir, paths, 0, &error);

    g_assert_no_error (error);
    g_assert_true (techo_import_report_all_read (report));
    g_assert_true (report->profile_created);
  }
  {
    const char *paths[] = { f->a2, NULL };
    g_autoptr(TechoImportReport) report = import_paths (f->data_dir, paths, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (((TechoImportFile *) g_ptr_array_index (report->files, 0))
                      ->notebook->n_parts_pending, ==, 1);
  }
  f->before = snapshot (f->data_dir);
  g_assert_cmpuint (table_rows (f->before, "dispensings"), ==, 1);
  g_assert_cmpuint (table_rows (f->before, "notebook_entries"), ==, 1);
  g_assert_cmpuint (table_rows (f->before, "jahis_pending_parts"), ==, 1);
  g_assert_cmpuint (table_rows (f->before, "jahis_joined"), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (g_file_test (f->data_dir, G_FILE_TEST_IS_DIR))
    {
      TechoStore *store = open_store (f->data_dir);

      techo_store_erase_sync (store, NULL, NULL);
      g_object_unref (store);
    }
  g_clear_pointer (&f->before, g_hash_table_unref);
  techo_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->data_dir);
  g_free (f->notebook);
  g_free (f->a1);
  g_free (f->a2);
  g_free (f->b1);
}

/* The notebook (every record type), part 1 of A (joins the kept part 2)
 * and part 1 of B (kept): everything lands; undo puts every table back. */
static void
test_undo_exact (Fixture       *f,
                 gconstpointer  data)
{
  const char *paths[] = { f->notebook, f->a1, f->b1, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoImportReport) report = import_paths (f->data_dir, paths, 0, &error);
  g_autoptr(GHashTable) during = NULL;
  g_autoptr(GHashTable) after = NULL;
  const TechoImportFile *notebook, *a1, *b1;
  guint n_entries = 0, n_parts = 0;

  g_assert_no_error (error);
  g_assert_true (techo_import_report_all_read (report));
  g_assert_cmpint (report->import_id, >, 0);
  notebook = g_ptr_array_index (report->files, 0);
  a1 = g_ptr_array_index (report->files, 1);
  b1 = g_ptr_array_index (report->files, 2);
  /* 2 ×4 kinds, 3, 4, 701 */
  g_assert_cmpuint (notebook->notebook->n_entries, ==, 7);
  g_assert_cmpuint (notebook->notebook->n_new_entries, ==, 7);
  g_assert_cmpuint (notebook->n_added, ==, 3);
  g_assert_cmpuint (a1->notebook->n_parts_joined, ==, 2);
  g_assert_cmpuint (a1->n_added, ==, 1);
  g_assert_cmpuint (b1->notebook->n_parts_pending, ==, 1);

  during = snapshot (f->data_dir);
  g_assert_cmpuint (table_rows (during, "dispensings"), ==, 1 + 3 + 1);
  g_assert_cmpuint (table_rows (during, "notebook_entries"), ==, 1 + 7);
  /* The notebook's three drugs and the joined one carry details. */
  g_assert_cmpuint (table_rows (during, "dispensing_details"), ==,
                    table_rows (f->before, "dispensing_details") + 4);
  /* A's part 2 stays, joined (not pending); B's part 1 waits; A's part 1,
   * joined at once, was never kept. */
  g_assert_cmpuint (table_rows (during, "jahis_pending_parts"), ==, 2);
  g_assert_cmpuint (table_rows (during, "jahis_joined"), ==, 1);
  {
    TechoStore *store = open_store (f->data_dir);

    g_assert_cmpint (techo_store_count_pending_parts_sync (store, NULL, &error), ==, 1);
    g_assert_no_error (error);
    close_store (store);
  }

  undo_last (f->data_dir, &n_entries, &n_parts);
  g_assert_cmpuint (n_entries, ==, 7);
  g_assert_cmpuint (n_parts, ==, 2); /* B1 gone, A2 pending again */
  after = snapshot (f->data_dir);
  assert_same_store (f->before, after);

  /* And the same import again goes in as the first time. */
  {
    g_autoptr(TechoImportReport) again = import_paths (f->data_dir, paths, 0, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (((TechoImportFile *) g_ptr_array_index (again->files, 0))
                      ->notebook->n_new_entries, ==, 7);
    g_assert_cmpuint (((TechoImportFile *) g_ptr_array_index (again->files, 1))
                      ->notebook->n_parts_joined, ==, 2);
  }
}

/* A failure at each notebook table, in the middle of the import's
 * transaction (after the dispensings were written), leaves every table as
 * it was; without the failure the same import goes in. */
static void
test_failure_injected (Fixture       *f,
                       gconstpointer  data)
{
  static const char *const tables[] = {
    "dispensing_details", "notebook_entries", "jahis_pending_parts", "jahis_joined",
    "audit_log",
  };
  guint n_audit = audit_rows (f->data_dir);
  const char *paths[] = { f->notebook, f->a1, f->b1, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *trigger = g_strdup_printf ("CREATE TRIGGER inject_failure BEFORE INSERT"
                                                  " ON %s BEGIN SELECT RAISE (ABORT,"
                                                  " 'injected failure'); END", tables[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TechoImportReport) report = NULL;
      g_autoptr(GHashTable) after = NULL;

      raw_exec (f->data_dir, trigger);
      report = import_paths (f->data_dir, paths, 0, &error);
      g_assert_null (report);
      g_assert_nonnull (error);
      g_test_message ("failure at %s: %s", tables[i], error->message);
      raw_exec (f->data_dir, "DROP TRIGGER inject_failure");
      after = snapshot (f->data_dir);
      assert_same_store (f->before, after);
      /* The audit rows are written in the import's transaction: none for
       * an import that did not happen, and no import without its rows. */
      g_assert_cmpuint (audit_rows (f->data_dir), ==, n_audit);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TechoImportReport) report = import_paths (f->data_dir, paths, 0, &error);

    g_assert_no_error (error);
    g_assert_true (techo_import_report_all_read (report));
    g_assert_cmpint (report->import_id, >, 0);
    /* One row per file read. */
    g_assert_cmpuint (audit_rows (f->data_dir), ==, n_audit + 3);
  }
}

/* An import that made the person: undoing it removes the profile again,
 * unless something else is in it by then. */
static void
test_created_profile (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-made-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *notebook = write_notebook (dir);
  g_autofree char *base = techo_test_write_file (dir, "base.txt", base_text, strlen (base_text));
  const char *first[] = { notebook, NULL };
  const char *second[] = { base, NULL };
  g_autoptr(GHashTable) empty = NULL;
  guint n_entries, n_parts;

  close_store (open_store (data_dir));
  empty = snapshot (data_dir);
  g_assert_cmpuint (table_rows (empty, "profiles"), ==, 0);

  /* Made, then undone: the store is empty again. */
  {
    g_autoptr(TechoImportReport) report = import_paths (data_dir, first, 0, &error);
    g_autoptr(GHashTable) after = NULL;

    g_assert_no_error (error);
    g_assert_true (report->profile_created);
    g_assert_true (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    assert_same_store (empty, after);
  }

  /* Made by the first import, added to by a second: undoing the second
   * keeps the person; undoing the first as well removes it. */
  {
    g_autoptr(TechoImportReport) a = import_paths (data_dir, first, 0, &error);
    g_autoptr(TechoImportReport) b = NULL;
    g_autoptr(GHashTable) after = NULL;

    g_assert_no_error (error);
    g_assert_true (a->profile_created);
    b = import_paths (data_dir, second, 0, &error);
    g_assert_no_error (error);
    g_assert_false (b->profile_created);
    g_assert_cmpint (b->profile_id, ==, a->profile_id);
    g_assert_false (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    g_assert_cmpuint (table_rows (after, "profiles"), ==, 1);
    g_assert_cmpuint (table_rows (after, "notebook_entries"), ==, 7);
    g_clear_pointer (&after, g_hash_table_unref);
    g_assert_true (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    assert_same_store (empty, after);
  }

  /* A family member (TECHO_IMPORT_NEW_PROFILE) beside a person already
   * stored: a second person, made from the file whoever else is there;
   * undone, only they go, and the first person is as before. */
  {
    g_autoptr(TechoImportReport) a = import_paths (data_dir, second, 0, &error);
    g_autoptr(TechoImportReport) b = NULL;
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;

    g_assert_no_error (error);
    g_assert_true (a->profile_created);
    before = snapshot (data_dir);
    b = import_paths (data_dir, first, TECHO_IMPORT_NEW_PROFILE, &error);
    g_assert_no_error (error);
    g_assert_true (b->profile_created);
    g_assert_cmpint (b->profile_id, >, a->profile_id);
    g_assert_true (techo_import_report_all_read (b));
    after = snapshot (data_dir);
    g_assert_cmpuint (table_rows (after, "profiles"), ==, 2);
    g_assert_cmpuint (table_rows (after, "notebook_entries"), >,
                      table_rows (before, "notebook_entries"));
    g_clear_pointer (&after, g_hash_table_unref);
    g_assert_true (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    assert_same_store (before, after);
    g_clear_pointer (&after, g_hash_table_unref);
    g_assert_true (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    assert_same_store (empty, after);
  }

  /* A family member removed (techo_store_remove_profile_sync): every row
   * of theirs in every table goes, the other person's stay as they were. */
  {
    g_autoptr(TechoImportReport) a = import_paths (data_dir, second, 0, &error);
    g_autoptr(TechoImportReport) b = NULL;
    g_autoptr(GHashTable) before = NULL;
    g_autoptr(GHashTable) after = NULL;
    TechoStore *store;

    g_assert_no_error (error);
    before = snapshot (data_dir);
    b = import_paths (data_dir, first, TECHO_IMPORT_NEW_PROFILE, &error);
    g_assert_no_error (error);
    store = open_store (data_dir);
    g_assert_true (techo_store_remove_profile_sync (store, b->profile_id, NULL, &error));
    g_assert_no_error (error);
    g_assert_false (techo_store_remove_profile_sync (store, b->profile_id, NULL, &error));
    g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
    close_store (store);
    after = snapshot (data_dir);
    assert_same_store (before, after);
    g_clear_pointer (&after, g_hash_table_unref);
    g_assert_true (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    assert_same_store (empty, after);
  }

  /* A person the user signed in as (a client id) stays, whatever made it. */
  {
    g_autoptr(TechoImportReport) report = import_paths (data_dir, first, 0, &error);
    g_autoptr(GHashTable) after = NULL;

    g_assert_no_error (error);
    raw_exec (data_dir, "UPDATE profiles SET client_id = 'techo-desktop'");
    g_assert_false (undo_last (data_dir, &n_entries, &n_parts));
    after = snapshot (data_dir);
    g_assert_cmpuint (table_rows (after, "profiles"), ==, 1);
    g_assert_cmpuint (table_rows (after, "dispensings"), ==, 0);
  }
  {
    TechoStore *store = open_store (data_dir);

    g_assert_true (techo_store_erase_sync (store, NULL, &error));
    g_object_unref (store);
  }
  techo_test_remove_tree (dir);
}

/* techo-cli import SIGKILLed at random moments: the store holds the whole
 * import or nothing of it; a whole one undone is the store before. */
static void
test_kill (Fixture       *f,
           gconstpointer  data)
{
  const char *kills_env = g_getenv ("TECHO_IMPORT_KILLS");
  guint kills = kills_env != NULL ? (guint) g_ascii_strtoull (kills_env, NULL, 10) : 12;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GError) error = NULL;
  gint64 started, duration;
  guint whole = 0, none = 0;

  /* How long one import takes here (then undone). */
  {
    g_autoptr(GSubprocess) proc = NULL;
    guint n_entries, n_parts;

    proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli, "--data-dir",
                             f->data_dir, "import", f->notebook, f->a1, f->b1, NULL);
    g_assert_no_error (error);
    started = g_get_monotonic_time ();
    g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
    g_assert_no_error (error);
    duration = g_get_monotonic_time () - started;
    undo_last (f->data_dir, &n_entries, &n_parts);
    g_assert_cmpuint (n_entries, ==, 7);
  }
  for (guint k = 0; k < kills; k++)
    {
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GHashTable) after = NULL;

      proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                               | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, cli, "--data-dir",
                               f->data_dir, "import", f->notebook, f->a1, f->b1, NULL);
      g_assert_no_error (error);
      g_usleep (g_test_rand_int_range (0, (gint32) MAX (duration * 6 / 5, 1000)));
      g_subprocess_force_exit (proc);
      g_subprocess_wait (proc, NULL, NULL);
      after = snapshot (f->data_dir);
      if (table_rows (after, "dispensings") == table_rows (f->before, "dispensings"))
        {
          assert_same_store (f->before, after);
          none++;
          continue;
        }
      /* The whole import: every row of it, then undone to the store before. */
      g_assert_cmpuint (table_rows (after, "dispensings"), ==, 5);
      g_assert_cmpuint (table_rows (after, "notebook_entries"), ==, 8);
      g_assert_cmpuint (table_rows (after, "jahis_joined"), ==, 1);
      g_assert_cmpuint (table_rows (after, "jahis_pending_parts"), ==, 2);
      whole++;
      {
        g_autoptr(GHashTable) undone = NULL;
        guint n_entries, n_parts;

        undo_last (f->data_dir, &n_entries, &n_parts);
        undone = snapshot (f->data_dir);
        assert_same_store (f->before, undone);
      }
    }
  g_test_message ("%u kills: %u left nothing, %u the whole import", kills, none, whole);
}

/* The first import into an empty store makes the profile in its own
 * transaction: a failure half-way leaves no profile behind. */
static void
test_first_import_failure (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-import-first-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *notebook = write_notebook (dir);
  const char *paths[] = { notebook, NULL };
  g_autoptr(GHashTable) empty = NULL;
  g_autoptr(GHashTable) after = NULL;

  close_store (open_store (data_dir));
  empty = snapshot (data_dir);
  g_assert_cmpuint (table_rows (empty, "profiles"), ==, 0);
  raw_exec (data_dir, "CREATE TRIGGER inject_failure BEFORE INSERT ON notebook_entries"
                      " BEGIN SELECT RAISE (ABORT, 'injected failure'); END");
  {
    g_autoptr(TechoImportReport) report = import_paths (data_dir, paths, 0, &error);

    g_assert_null (report);
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  raw_exec (data_dir, "DROP TRIGGER inject_failure");
  after = snapshot (data_dir);
  assert_same_store (empty, after);
  {
    g_autoptr(TechoImportReport) report = import_paths (data_dir, paths, 0, &error);
    g_autoptr(GHashTable) done = NULL;

    g_assert_no_error (error);
    g_assert_true (report->profile_created);
    g_assert_cmpint (report->profile_id, >, 0);
    done = snapshot (data_dir);
    g_assert_cmpuint (table_rows (done, "profiles"), ==, 1);
    g_assert_cmpuint (table_rows (done, "notebook_entries"), ==, 7);
  }
  {
    TechoStore *store = open_store (data_dir);

    g_assert_true (techo_store_erase_sync (store, NULL, &error));
    g_object_unref (store);
  }
  techo_test_remove_tree (dir);
}

static JsonObject *
file_json (JsonNode *root,
           guint     index)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (root), "files");

  g_assert_cmpuint (json_array_get_length (files), >, index);
  return json_array_get_object_element (files, index);
}

static JsonNode *
run_json (const char *data_dir,
          ...)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *arg;
  va_list ap;

  g_ptr_array_add (args, cli);
  g_ptr_array_add (args, (gpointer) "--data-dir");
  g_ptr_array_add (args, (gpointer) data_dir);
  g_ptr_array_add (args, (gpointer) "import");
  g_ptr_array_add (args, (gpointer) "--json");
  va_start (ap, data_dir);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                            &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  return json_from_string (out, &error);
}

/* --dry-run joins the parts of its files (reported, nothing written);
 * --json lists the notebook's allergies, side effects, OTC and parts. */
static void
test_dry_run_json (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *c1 = write_part (f->dir, "20260503000003", 1);
  g_autofree char *c2 = write_part (f->dir, "20260503000003", 2);
  g_autoptr(JsonNode) dry = NULL;
  g_autoptr(JsonNode) real = NULL;
  g_autoptr(GHashTable) after = NULL;
  JsonObject *nb;
  JsonArray *list;

  dry = run_json (f->data_dir, "--dry-run", c2, f->notebook, c1, NULL);
  g_assert_nonnull (dry);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (dry), "dry_run"));
  nb = json_object_get_object_member (file_json (dry, 0), "notebook");
  g_assert_cmpint (json_object_get_int_member (nb, "parts_pending"), ==, 1);
  nb = json_object_get_object_member (file_json (dry, 2), "notebook");
  g_assert_cmpint (json_object_get_int_member (nb, "parts_joined"), ==, 2);
  g_assert_true (json_object_get_null_member (nb, "pending"));
  g_assert_cmpint (json_object_get_int_member (file_json (dry, 2), "added"), ==, 1);
  nb = json_object_get_object_member (file_json (dry, 1), "notebook");
  g_assert_cmpint (json_object_get_int_member (nb, "new_entries"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (file_json (dry, 1), "added"), ==, 3);
  after = snapshot (f->data_dir);
  assert_same_store (f->before, after);

  /* The real import: the same counts, and the notebook in the JSON. */
  real = run_json (f->data_dir, f->notebook, f->b1, NULL);
  nb = json_object_get_object_member (file_json (real, 0), "notebook");
  g_assert_cmpint (json_object_get_int_member (nb, "entries"), ==, 7);
  list = json_object_get_array_member (nb, "allergies");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "text"), ==, "卵");
  list = json_object_get_array_member (nb, "side_effects");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "text"), ==, "セフェム系抗菌薬で発疹");
  list = json_object_get_array_member (nb, "otc");
  g_assert_cmpuint (json_array_get_length (list), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "text"), ==, "ビタミンC錠");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "code"), ==, "4900000000001");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0),
                                                  "started_on"), ==, "2024-04-01");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (nb, "pharmacists")),
                    ==, 1);
  nb = json_object_get_object_member (file_json (real, 1), "notebook");
  g_assert_cmpint (json_object_get_int_member (nb, "parts_pending"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (nb, "pending"),
                                                  "data_id"), ==, "20260502000002");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (nb, "pending"),
                                               "total"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/import-undo/exact", Fixture, NULL, fixture_set_up, test_undo_exact,
              fixture_tear_down);
  g_test_add ("/import-undo/failure-injected", Fixture, NULL, fixture_set_up,
              test_failure_injected, fixture_tear_down);
  g_test_add ("/import-undo/kill", Fixture, NULL, fixture_set_up, test_kill, fixture_tear_down);
  g_test_add ("/import-undo/dry-run-json", Fixture, NULL, fixture_set_up, test_dry_run_json,
              fixture_tear_down);
  g_test_add_func ("/import-undo/first-import-failure", test_first_import_failure);
  g_test_add_func ("/import-undo/created-profile", test_created_profile);
  return g_test_run ();
}
