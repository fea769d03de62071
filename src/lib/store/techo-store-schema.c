/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include "techo-store.h"
#include "techo-store-schema.h"

/* Times are Unix seconds (UTC); dates are YYYY-MM-DD text as received.
 * Every record table carries its provenance: origin (portal, file,
 * manual), the portal id + revision, or the file's name + SHA-256. */
static const char schema_v1[] =
  "CREATE TABLE profiles ("
  "  id INTEGER PRIMARY KEY,"
  "  issuer TEXT,"
  "  subject TEXT,"
  "  name TEXT,"
  "  name_kana TEXT,"
  "  birth_date TEXT,"
  "  sex TEXT,"
  "  insurer_number TEXT,"
  "  client_id TEXT,"
  "  scopes TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  UNIQUE (issuer, subject));"

  "CREATE TABLE checkups ("
  "  row_id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  id TEXT NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  withdrawn INTEGER NOT NULL DEFAULT 0,"
  "  performed_on TEXT,"
  "  kind TEXT,"
  "  report_kind TEXT,"
  "  institution_code TEXT,"
  "  institution_name TEXT,"
  "  document_path TEXT,"
  "  origin TEXT NOT NULL CHECK (origin IN ('portal', 'file', 'manual')),"
  "  file_name TEXT,"
  "  file_sha256 TEXT,"
  "  received_at INTEGER NOT NULL,"
  "  UNIQUE (profile_id, id));"
  "CREATE INDEX checkups_by_date ON checkups (profile_id, performed_on);"

  "CREATE TABLE checkup_items ("
  "  checkup_row INTEGER NOT NULL REFERENCES checkups (row_id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  code TEXT,"
  "  name TEXT,"
  "  value_type TEXT,"
  "  value TEXT,"
  "  unit TEXT,"
  "  value_system TEXT,"
  "  display TEXT,"
  "  not_performed INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (checkup_row, position));"
  "CREATE INDEX checkup_items_by_code ON checkup_items (code);"

  "CREATE TABLE dispensings ("
  "  row_id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  id TEXT NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  withdrawn INTEGER NOT NULL DEFAULT 0,"
  "  source TEXT,"
  "  dispensed_on TEXT,"
  "  prescribed_on TEXT,"
  "  setting TEXT,"
  "  pharmacy_code TEXT,"
  "  pharmacy_name TEXT,"
  "  prescriber_code TEXT,"
  "  prescriber_name TEXT,"
  "  prescriber_department TEXT,"
  "  receipt_code TEXT,"
  "  yj_code TEXT,"
  "  drug_name TEXT,"
  "  ingredient_name TEXT,"
  "  quantity REAL,"
  "  unit TEXT,"
  "  usage TEXT,"
  "  days INTEGER,"
  "  dosage_form TEXT,"
  "  origin TEXT NOT NULL CHECK (origin IN ('portal', 'file', 'manual')),"
  "  file_name TEXT,"
  "  file_sha256 TEXT,"
  "  received_at INTEGER NOT NULL,"
  "  UNIQUE (profile_id, id));"
  "CREATE INDEX dispensings_by_date ON dispensings (profile_id, dispensed_on);"

  "CREATE TABLE screenings ("
  "  row_id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  id TEXT NOT NULL,"
  "  revision INTEGER NOT NULL,"
  "  withdrawn INTEGER NOT NULL DEFAULT 0,"
  "  performed_on TEXT,"
  "  cancer TEXT,"
  "  report_kind TEXT,"
  "  stage TEXT,"
  "  municipality_code TEXT,"
  "  municipality_name TEXT,"
  "  followup_code TEXT,"
  "  followup_value TEXT,"
  "  followup_display TEXT,"
  "  origin TEXT NOT NULL CHECK (origin IN ('portal', 'file', 'manual')),"
  "  file_name TEXT,"
  "  file_sha256 TEXT,"
  "  received_at INTEGER NOT NULL,"
  "  UNIQUE (profile_id, id));"
  "CREATE INDEX screenings_by_cancer ON screenings (profile_id, cancer, performed_on);"

  "CREATE TABLE screening_items ("
  "  screening_row INTEGER NOT NULL REFERENCES screenings (row_id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  code TEXT,"
  "  name TEXT,"
  "  value_type TEXT,"
  "  value TEXT,"
  "  unit TEXT,"
  "  value_system TEXT,"
  "  display TEXT,"
  "  not_performed INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (screening_row, position));"

  /* The CDA file of a checkup, as received: encrypted like every page. */
  "CREATE TABLE documents ("
  "  checkup_row INTEGER PRIMARY KEY REFERENCES checkups (row_id) ON DELETE CASCADE,"
  "  content BLOB NOT NULL,"
  "  saved_at INTEGER NOT NULL);"

  "CREATE TABLE sync_state ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  category TEXT NOT NULL,"
  "  state_json TEXT,"
  "  last_sync_at INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, category));"

  "CREATE TABLE consents ("
  "  id INTEGER PRIMARY KEY,"
  "  created_at INTEGER NOT NULL,"
  "  recipient TEXT NOT NULL,"
  "  purpose TEXT NOT NULL,"
  "  categories TEXT NOT NULL,"
  "  period_from TEXT,"
  "  period_to TEXT,"
  "  method TEXT NOT NULL,"
  "  expires_at INTEGER,"
  "  revoked_at INTEGER,"
  "  status TEXT NOT NULL);"

  "CREATE TABLE consent_events ("
  "  id INTEGER PRIMARY KEY,"
  "  consent_id INTEGER NOT NULL REFERENCES consents (id),"
  "  at INTEGER NOT NULL,"
  "  event TEXT NOT NULL,"
  "  detail TEXT);"
  "CREATE INDEX consent_events_by_consent ON consent_events (consent_id, at);"

  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  action TEXT NOT NULL,"
  "  detail TEXT);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
  "  BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;";

/* Merge, never duplicate; undo an import; what checkup files say beyond a
 * value. Every record row lists all the sources it arrived from
 * (record_sources: the portal id, or a file's name + SHA-256, and the import
 * that added it); an import is one row of `imports` and undoing it removes
 * the rows it added (import_id) and the sources it added, and puts back the
 * values a replace took away (checkup_replaced, checkup_item_history). */
static const char schema_merge[] =
  "ALTER TABLE checkup_items ADD COLUMN null_flavor TEXT;"
  "ALTER TABLE checkup_items ADD COLUMN interpretation TEXT;"
  "ALTER TABLE checkup_items ADD COLUMN reference_range TEXT;"
  "ALTER TABLE checkup_items ADD COLUMN method_code TEXT;"
  "ALTER TABLE checkup_items ADD COLUMN other_values TEXT;"
  "ALTER TABLE screening_items ADD COLUMN null_flavor TEXT;"
  "ALTER TABLE screening_items ADD COLUMN interpretation TEXT;"
  "ALTER TABLE screening_items ADD COLUMN reference_range TEXT;"
  "ALTER TABLE screening_items ADD COLUMN method_code TEXT;"
  "ALTER TABLE screening_items ADD COLUMN other_values TEXT;"
  "ALTER TABLE checkups ADD COLUMN doctor_name TEXT;"
  "ALTER TABLE checkups ADD COLUMN insurer_symbol TEXT;"
  "ALTER TABLE checkups ADD COLUMN insurer_card_number TEXT;"
  "ALTER TABLE checkups ADD COLUMN patient_address TEXT;"
  "ALTER TABLE checkups ADD COLUMN import_id INTEGER;"
  "ALTER TABLE dispensings ADD COLUMN import_id INTEGER;"
  "ALTER TABLE screenings ADD COLUMN import_id INTEGER;"

  "CREATE TABLE imports ("
  "  id INTEGER PRIMARY KEY,"
  "  at INTEGER NOT NULL,"
  "  profile_id INTEGER REFERENCES profiles (id) ON DELETE CASCADE,"
  "  summary TEXT,"
  "  undone_at INTEGER);"

  /* event: 'source' (the record arrived this way) or 'replaced' (a
   * corrected re-issue replaced the values); record_id: the id the source
   * gave the record (the portal's, or the one made from a file's content),
   * so the same record of the same file is found again. Absent text is ''
   * so that UNIQUE holds. */
  "CREATE TABLE record_sources ("
  "  id INTEGER PRIMARY KEY,"
  "  category TEXT NOT NULL,"
  "  record_row INTEGER NOT NULL,"
  "  event TEXT NOT NULL DEFAULT 'source',"
  "  origin TEXT NOT NULL CHECK (origin IN ('portal', 'file', 'manual')),"
  "  record_id TEXT NOT NULL DEFAULT '',"
  "  file_name TEXT NOT NULL DEFAULT '',"
  "  file_sha256 TEXT NOT NULL DEFAULT '',"
  "  import_id INTEGER REFERENCES imports (id) ON DELETE SET NULL,"
  "  added_at INTEGER NOT NULL,"
  "  UNIQUE (category, record_row, event, origin, record_id, file_sha256));"
  "CREATE INDEX record_sources_by_import ON record_sources (import_id);"

  "CREATE TABLE checkup_replaced ("
  "  source_id INTEGER PRIMARY KEY REFERENCES record_sources (id) ON DELETE CASCADE,"
  "  checkup_row INTEGER NOT NULL REFERENCES checkups (row_id) ON DELETE CASCADE,"
  "  old_document BLOB,"
  "  n_changed INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE checkup_item_history ("
  "  source_id INTEGER NOT NULL REFERENCES checkup_replaced (source_id) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  code TEXT, name TEXT, value_type TEXT, value TEXT, unit TEXT, value_system TEXT,"
  "  display TEXT, not_performed INTEGER NOT NULL DEFAULT 0, null_flavor TEXT,"
  "  interpretation TEXT, reference_range TEXT, method_code TEXT, other_values TEXT,"
  "  PRIMARY KEY (source_id, position));"

  /* The rows stored so far came one way each. */
  "INSERT INTO record_sources (category, record_row, origin, record_id, file_name,"
  "  file_sha256, added_at)"
  "  SELECT 'checkup', row_id, origin, id,"
  "  ifnull (file_name, ''), ifnull (file_sha256, ''), received_at FROM checkups;"
  "INSERT INTO record_sources (category, record_row, origin, record_id, file_name,"
  "  file_sha256, added_at)"
  "  SELECT 'medication', row_id, origin, id,"
  "  ifnull (file_name, ''), ifnull (file_sha256, ''), received_at FROM dispensings;"
  "INSERT INTO record_sources (category, record_row, origin, record_id, file_name,"
  "  file_sha256, added_at)"
  "  SELECT 'screening', row_id, origin, id,"
  "  ifnull (file_name, ''), ifnull (file_sha256, ''), received_at FROM screenings;"
  "CREATE INDEX checkups_by_match ON checkups (profile_id, performed_on, institution_code);"
  /* A row that goes takes its sources along (row ids may be reused). */
  "CREATE TRIGGER checkups_sources_gone AFTER DELETE ON checkups BEGIN"
  "  DELETE FROM record_sources WHERE category = 'checkup' AND record_row = OLD.row_id; END;"
  "CREATE TRIGGER dispensings_sources_gone AFTER DELETE ON dispensings BEGIN"
  "  DELETE FROM record_sources WHERE category = 'medication' AND record_row = OLD.row_id; END;"
  "CREATE TRIGGER screenings_sources_gone AFTER DELETE ON screenings BEGIN"
  "  DELETE FROM record_sources WHERE category = 'screening' AND record_row = OLD.row_id; END;";

/* A medication row another row supersedes (a 電子処方箋 dispensing or
 * prescription row over the claims row of the same institution and date)
 * stays in the store with the id of the row that revised it; the lists
 * leave it out. */
static const char schema_dispensings_revised_by[] =
  "ALTER TABLE dispensings ADD COLUMN revised_by TEXT;"
  "CREATE INDEX dispensings_by_prescription ON dispensings (profile_id, prescribed_on);";

/* v3: what a JAHIS medication notebook carries beyond the portal's rows: each
 * dispensing's details beside its row (keyed by its id, so the portal's
 * rows and their SQL stay as they are), the notebook's entries about the
 * person, and the parts of multi-part data waiting for the rest. */
static const char schema_jahis_notebook[] =
  "CREATE TABLE dispensing_details ("
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  dispensing_id TEXT NOT NULL,"
  "  dispensing_quantity REAL,"
  "  dispensing_unit TEXT,"
  "  drug_code TEXT,"
  "  drug_code_kind TEXT,"
  "  generic_name TEXT,"
  "  generic_code TEXT,"
  "  generic_code_kind TEXT,"
  "  pharmacist_name TEXT,"
  "  doctor_name TEXT,"
  "  notes TEXT,"
  "  PRIMARY KEY (profile_id, dispensing_id));"

  "CREATE TABLE notebook_entries ("
  "  row_id INTEGER PRIMARY KEY,"
  "  profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,"
  "  id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  text TEXT,"
  "  detail TEXT,"
  "  code TEXT,"
  "  started_on TEXT,"
  "  ended_on TEXT,"
  "  author TEXT,"
  "  origin TEXT NOT NULL CHECK (origin IN ('portal', 'file', 'manual')),"
  "  file_name TEXT,"
  "  file_sha256 TEXT,"
  "  received_at INTEGER NOT NULL,"
  "  UNIQUE (profile_id, id));"
  "CREATE INDEX notebook_entries_by_kind ON notebook_entries (profile_id, kind);"

  "CREATE TABLE jahis_pending_parts ("
  "  data_id TEXT NOT NULL,"
  "  part INTEGER NOT NULL,"
  "  total INTEGER NOT NULL,"
  "  content TEXT NOT NULL,"
  "  file_name TEXT,"
  "  received_at INTEGER NOT NULL,"
  "  PRIMARY KEY (data_id, part));"

  /* Data ids whose parts were all joined: a part of one arriving again is
   * known, not kept waiting for parts that came long ago. */
  "CREATE TABLE jahis_joined ("
  "  data_id TEXT PRIMARY KEY,"
  "  joined_at INTEGER NOT NULL);";

/* v5: shares kept on a share host (techo-share-host): where, which, the
 * management token (a secret; the store is encrypted) and how much of the
 * host's access log is already in the ledger. */
static const char schema_hosted_shares[] =
  "CREATE TABLE hosted_shares ("
  "  consent_id INTEGER PRIMARY KEY REFERENCES consents (id),"
  "  host_url TEXT NOT NULL,"
  "  share_id TEXT NOT NULL,"
  "  manage_token TEXT NOT NULL,"
  "  accesses_seen INTEGER NOT NULL DEFAULT 0,"
  "  denied_seen INTEGER NOT NULL DEFAULT 0,"
  "  deleted_at INTEGER);";

/* v6 (import10): an import writes the notebook's rows in its own
 * transaction, and undo takes them back: the dispensing details, notebook
 * entries and pending parts an import added carry its id; the kept parts
 * of data an import joined stay, marked joined_by it (not listed as
 * pending), so that undoing it makes them pending again (they go with the
 * import's row: the profile's removal takes them along). Each checkup value
 * remembers every source that brought it (checkup_item_sources: the
 * item's code on the checkup, and the record_sources row; replaced_by:
 * the re-issue whose other value took its place, so that undoing the
 * re-issue makes it current again). */
static const char schema_import_undo_value_sources[] =
  "ALTER TABLE dispensing_details ADD COLUMN import_id INTEGER;"
  "ALTER TABLE notebook_entries ADD COLUMN import_id INTEGER;"
  "ALTER TABLE jahis_pending_parts ADD COLUMN import_id INTEGER;"
  "ALTER TABLE jahis_pending_parts ADD COLUMN joined_by INTEGER"
  "  REFERENCES imports (id) ON DELETE CASCADE;"
  "ALTER TABLE jahis_joined ADD COLUMN import_id INTEGER;"
  "CREATE INDEX notebook_entries_by_import ON notebook_entries (import_id);"
  "CREATE INDEX dispensing_details_by_import ON dispensing_details (import_id);"
  "CREATE TABLE checkup_item_sources ("
  "  checkup_row INTEGER NOT NULL REFERENCES checkups (row_id) ON DELETE CASCADE,"
  "  code TEXT NOT NULL,"
  "  source_id INTEGER NOT NULL REFERENCES record_sources (id) ON DELETE CASCADE,"
  "  replaced_by INTEGER REFERENCES record_sources (id) ON DELETE SET NULL,"
  "  PRIMARY KEY (checkup_row, code, source_id));"
  "CREATE INDEX checkup_item_sources_by_source ON checkup_item_sources (source_id);"
  /* The values stored so far came with their checkup's sources. */
  "INSERT OR IGNORE INTO checkup_item_sources (checkup_row, code, source_id)"
  "  SELECT i.checkup_row, i.code, s.id FROM checkup_items i"
  "  JOIN record_sources s ON s.category = 'checkup' AND s.record_row = i.checkup_row"
  "  AND s.event = 'source' WHERE i.code IS NOT NULL;";

/* v7: a consent's scope within its categories and period (the last N
 * checkups, some cancers, current medicines only), in the text form of
 * techo-record-scope.h; NULL for every consent before it (all of each
 * category). */
static const char schema_consent_scope[] =
  "ALTER TABLE consents ADD COLUMN scope TEXT;";

/* v8: the owner's PIN for a keyring store (techo-owner-pin.h): its
 * scrypt hash and the wrong tries in a row, with the time of the last. */
static const char schema_owner_pin[] =
  "CREATE TABLE owner_pin ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  hash TEXT NOT NULL,"
  "  set_at INTEGER NOT NULL,"
  "  failures INTEGER NOT NULL DEFAULT 0,"
  "  last_failure_at INTEGER);";

/* v9: whether an import made the person it went into, so that undoing it
 * removes that profile again when nothing else is left in it. */
static const char schema_import_created_profile[] =
  "ALTER TABLE imports ADD COLUMN created_profile INTEGER NOT NULL DEFAULT 0;";

/* v10: the medicines page reads only what it shows (docs/store.md). An
 * ingredient is the first 7 characters of the YJ code, else the drug name
 * (TECHO_STORE_INGREDIENT_KEY): an index on that expression over the rows
 * the lists show finds one ingredient's dispensings newest first, a second
 * one pages every dispensing newest first, and dispensing_ingredients
 * keeps each ingredient's count up to date by trigger, so the page's one
 * row per ingredient costs a read per ingredient, not a scan of decades. */
#define KEY_NEW "CASE WHEN length (NEW.yj_code) >= 7 THEN substr (NEW.yj_code, 1, 7) ELSE ifnull (NEW.drug_name, '') END"
#define KEY_OLD "CASE WHEN length (OLD.yj_code) >= 7 THEN substr (OLD.yj_code, 1, 7) ELSE ifnull (OLD.drug_name, '') END"
#define LISTED_NEW "NEW.withdrawn = 0 AND NEW.revised_by IS NULL"
#define LISTED_OLD "OLD.withdrawn = 0 AND OLD.revised_by IS NULL"
static const char schema_dispensing_views[] =
  "CREATE INDEX dispensings_by_ingredient ON dispensings"
  "  (profile_id, " TECHO_STORE_INGREDIENT_KEY ", dispensed_on)"
  "  WHERE withdrawn = 0 AND revised_by IS NULL;"
  "CREATE INDEX dispensings_listed ON dispensings (profile_id, dispensed_on)"
  "  WHERE withdrawn = 0 AND revised_by IS NULL;"
  "CREATE TABLE dispensing_ingredients ("
  "  profile_id INTEGER NOT NULL,"
  "  key TEXT NOT NULL,"
  "  n INTEGER NOT NULL,"
  "  PRIMARY KEY (profile_id, key)) WITHOUT ROWID;"
  "INSERT INTO dispensing_ingredients (profile_id, key, n)"
  "  SELECT profile_id, " TECHO_STORE_INGREDIENT_KEY ", count (*) FROM dispensings"
  "  WHERE withdrawn = 0 AND revised_by IS NULL GROUP BY 1, 2;"
  "CREATE TRIGGER dispensing_ingredients_insert AFTER INSERT ON dispensings"
  "  WHEN " LISTED_NEW " BEGIN"
  "  INSERT OR IGNORE INTO dispensing_ingredients VALUES (NEW.profile_id, " KEY_NEW ", 0);"
  "  UPDATE dispensing_ingredients SET n = n + 1"
  "    WHERE profile_id = NEW.profile_id AND key = " KEY_NEW "; END;"
  "CREATE TRIGGER dispensing_ingredients_delete AFTER DELETE ON dispensings"
  "  WHEN " LISTED_OLD " BEGIN"
  "  UPDATE dispensing_ingredients SET n = n - 1"
  "    WHERE profile_id = OLD.profile_id AND key = " KEY_OLD ";"
  "  DELETE FROM dispensing_ingredients"
  "    WHERE profile_id = OLD.profile_id AND key = " KEY_OLD " AND n <= 0; END;"
  "CREATE TRIGGER dispensing_ingredients_update"
  "  AFTER UPDATE OF profile_id, withdrawn, revised_by, yj_code, drug_name ON dispensings"
  "  WHEN (" LISTED_OLD ") IS NOT (" LISTED_NEW ")"
  "    OR OLD.profile_id IS NOT NEW.profile_id OR " KEY_OLD " IS NOT " KEY_NEW " BEGIN"
  "  UPDATE dispensing_ingredients SET n = n - 1"
  "    WHERE profile_id = OLD.profile_id AND key = " KEY_OLD " AND " LISTED_OLD ";"
  "  DELETE FROM dispensing_ingredients"
  "    WHERE profile_id = OLD.profile_id AND key = " KEY_OLD " AND n <= 0;"
  "  INSERT OR IGNORE INTO dispensing_ingredients"
  "    SELECT NEW.profile_id, " KEY_NEW ", 0 WHERE " LISTED_NEW ";"
  "  UPDATE dispensing_ingredients SET n = n + 1"
  "    WHERE profile_id = NEW.profile_id AND key = " KEY_NEW " AND " LISTED_NEW "; END;";
#undef KEY_NEW
#undef KEY_OLD
#undef LISTED_NEW
#undef LISTED_OLD

/* v11: whose records a consent let out (a store may hold a family): the
 * person's profile id, written by the consent gate; NULL for every
 * consent before it. */
static const char schema_consent_profile[] =
  "ALTER TABLE consents ADD COLUMN profile_id INTEGER;";

/* v12: the writes that insert dispensings (techo_store_write_record and
 * the sync's pages) count the new rows into dispensing_ingredients
 * themselves, a page at a time. A trigger on INSERT made every insert a
 * statement that may write many rows, and SQLite gives such a statement
 * a journal of its own in which SQLCipher encrypts each page the insert
 * touches: five times the cost of the insert itself. Updates and deletes
 * are rare and keep their triggers. The counts are made again once. */
static const char schema_ingredient_counts_by_writer[] =
  "DROP TRIGGER dispensing_ingredients_insert;"
  "DELETE FROM dispensing_ingredients;"
  "INSERT INTO dispensing_ingredients (profile_id, key, n)"
  "  SELECT profile_id, " TECHO_STORE_INGREDIENT_KEY ", count (*) FROM dispensings"
  "  WHERE withdrawn = 0 AND revised_by IS NULL GROUP BY 1, 2;";

static const TechoStoreMigration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_merge },
  { 3, schema_jahis_notebook },
  { 4, schema_dispensings_revised_by },
  { 5, schema_hosted_shares },
  { 6, schema_import_undo_value_sources },
  { 7, schema_consent_scope },
  { 8, schema_owner_pin },
  { 9, schema_import_created_profile },
  { 10, schema_dispensing_views },
  { 11, schema_consent_profile },
  { 12, schema_ingredient_counts_by_writer },
};

const TechoStoreMigration *
techo_store_schema_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (migrations);
  return migrations;
}

static gboolean
apply_migration (TechoSqlite                *db,
                 const TechoStoreMigration  *migration,
                 GError                    **error)
{
  g_autofree char *set_version = NULL;

  if (!techo_sqlite_begin (db, error))
    return FALSE;
  set_version = g_strdup_printf ("PRAGMA user_version = %d", migration->version);
  if (!techo_sqlite_exec (db, migration->sql, error) ||
      !techo_sqlite_exec (db, set_version, error) ||
      !techo_sqlite_commit (db, error))
    {
      techo_sqlite_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_store_schema_migrate (TechoSqlite                *db,
                            const TechoStoreMigration  *list,
                            guint                       n_list,
                            int                        *out_version,
                            GError                    **error)
{
  gint64 version = 0;
  int latest;

  if (list == NULL)
    list = techo_store_schema_migrations (&n_list);
  latest = n_list > 0 ? list[n_list - 1].version : 0;

  if (!techo_sqlite_query_int64 (db, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > latest)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_TOO_NEW,
                   "This store was written by a newer version of Techo "
                   "(schema %d; this version knows up to %d). Update Techo "
                   "to open it; nothing was changed.", (int) version, latest);
      return FALSE;
    }

  for (guint i = 0; i < n_list; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (list[i].version <= version)
        continue;
      if (!apply_migration (db, &list[i], &local_error))
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                       "The store could not be upgraded to schema version %d "
                       "(%s); it was left at version %d.",
                       list[i].version, local_error->message, (int) version);
          return FALSE;
        }
      version = list[i].version;
    }

  if (out_version != NULL)
    *out_version = version;
  return TRUE;
}
