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

/* What a JAHIS medication notebook carries beyond the portal's rows: each
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

static const TechoStoreMigration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_jahis_notebook },
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
