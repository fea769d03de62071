/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's record writes: upserts of pages with their sync state, and
 * reading the sync state back. Every *_job function runs
 * on the store thread; the public wrappers below queue them. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"
#include "techo-store-schema.h"

#define MAX_ID_BYTES          256
#define MAX_SYNC_STATE_BYTES  (1024 * 1024)

TechoStoreRequest *
techo_store_request_new (gint64 profile_id)
{
  TechoStoreRequest *request = g_new0 (TechoStoreRequest, 1);

  request->profile_id = profile_id;
  return request;
}

void
techo_store_request_free (TechoStoreRequest *request)
{
  g_free (request->first);
  g_free (request->second);
  g_strfreev (request->codes);
  g_clear_pointer (&request->records, g_ptr_array_unref);
  g_clear_pointer (&request->bytes, g_bytes_unref);
  g_clear_pointer (&request->profile, techo_profile_free);
  g_free (request);
}

gint64
techo_store_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
profile_exists (TechoSqlite  *db,
                gint64        profile_id,
                GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare (db, "SELECT 1 FROM profiles WHERE id = ?1", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, profile_id);
      if (techo_sqlite_step (s, &local_error))
        return TRUE;
    }
  if (local_error != NULL)
    techo_store_propagate_error (error, g_steal_pointer (&local_error), "find the profile");
  else
    g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
                 "There is no profile %" G_GINT64_FORMAT " in the store.", profile_id);
  return FALSE;
}

/* ---- upsert ------------------------------------------------------------- */

/* The SQL of one record kind. Parameters ?1 profile, ?2 id, ?3 revision,
 * ?4 withdrawn, ?5 received_at, ?6 origin, ?7 file_name, ?8 file_sha256,
 * then the kind's own columns from ?9. */
typedef struct
{
  const char *insert_sql;
  const char *update_sql;
  const char *withdraw_sql;
  const char *row_sql;
  const char *items_delete_sql;
  const char *items_insert_sql;
} KindSql;

#define COMMON_COLUMNS "profile_id, id, revision, withdrawn, received_at, origin, file_name, file_sha256"
#define COMMON_SET     "revision = ?3, withdrawn = ?4, received_at = ?5, origin = ?6, file_name = ?7, file_sha256 = ?8"
#define NEWER_ONLY     " WHERE profile_id = ?1 AND id = ?2 AND revision < ?3"
#define ITEM_COLUMNS   "position, code, name, value_type, value, unit, value_system, display," \
                       " not_performed, null_flavor, interpretation, reference_range," \
                       " method_code, other_values"
#define ITEM_VALUES    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"

static const KindSql checkup_sql = {
  "INSERT OR IGNORE INTO checkups (" COMMON_COLUMNS ", performed_on, kind, report_kind,"
  " institution_code, institution_name, document_path, doctor_name, insurer_symbol,"
  " insurer_card_number, patient_address)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
  "UPDATE checkups SET " COMMON_SET ", performed_on = ?9, kind = ?10, report_kind = ?11,"
  " institution_code = ?12, institution_name = ?13, document_path = ?14, doctor_name = ?15,"
  " insurer_symbol = ?16, insurer_card_number = ?17, patient_address = ?18" NEWER_ONLY,
  "UPDATE checkups SET revision = ?3, withdrawn = 1, received_at = ?5" NEWER_ONLY,
  "SELECT row_id FROM checkups WHERE profile_id = ?1 AND id = ?2",
  "DELETE FROM checkup_items WHERE checkup_row = ?1",
  "INSERT INTO checkup_items (checkup_row, " ITEM_COLUMNS ")" ITEM_VALUES,
};

static const KindSql dispensing_sql = {
  "INSERT OR IGNORE INTO dispensings (" COMMON_COLUMNS ", source, dispensed_on,"
  " prescribed_on, setting, pharmacy_code, pharmacy_name, prescriber_code,"
  " prescriber_name, prescriber_department, receipt_code, yj_code, drug_name,"
  " ingredient_name, quantity, unit, usage, days, dosage_form)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
  " ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
  "UPDATE dispensings SET " COMMON_SET ", source = ?9, dispensed_on = ?10,"
  " prescribed_on = ?11, setting = ?12, pharmacy_code = ?13, pharmacy_name = ?14,"
  " prescriber_code = ?15, prescriber_name = ?16, prescriber_department = ?17,"
  " receipt_code = ?18, yj_code = ?19, drug_name = ?20, ingredient_name = ?21,"
  " quantity = ?22, unit = ?23, usage = ?24, days = ?25, dosage_form = ?26" NEWER_ONLY,
  "UPDATE dispensings SET revision = ?3, withdrawn = 1, received_at = ?5" NEWER_ONLY,
  "SELECT row_id FROM dispensings WHERE profile_id = ?1 AND id = ?2",
  NULL,
  NULL,
};

static const KindSql screening_sql = {
  "INSERT OR IGNORE INTO screenings (" COMMON_COLUMNS ", performed_on, cancer,"
  " report_kind, stage, municipality_code, municipality_name, followup_code,"
  " followup_value, followup_display)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
  "UPDATE screenings SET " COMMON_SET ", performed_on = ?9, cancer = ?10,"
  " report_kind = ?11, stage = ?12, municipality_code = ?13, municipality_name = ?14,"
  " followup_code = ?15, followup_value = ?16, followup_display = ?17" NEWER_ONLY,
  "UPDATE screenings SET revision = ?3, withdrawn = 1, received_at = ?5" NEWER_ONLY,
  "SELECT row_id FROM screenings WHERE profile_id = ?1 AND id = ?2",
  "DELETE FROM screening_items WHERE screening_row = ?1",
  "INSERT INTO screening_items (screening_row, " ITEM_COLUMNS ")" ITEM_VALUES,
};

/* The fields every record kind shares, wherever its struct keeps them. */
typedef struct
{
  const char *id;
  gint64 revision;
  gboolean withdrawn;
  const TechoProvenance *provenance;
  GPtrArray *items;
} Common;

static Common
common_fields (TechoCategory category,
               gconstpointer record)
{
  Common common = { NULL };

  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      {
        const TechoCheckup *c = record;
        common = (Common) { c->id, c->revision, c->withdrawn, &c->provenance, c->items };
      }
      break;
    case TECHO_CATEGORY_MEDICATION:
      {
        const TechoDispensing *d = record;
        common = (Common) { d->id, d->revision, d->withdrawn, &d->provenance, NULL };
      }
      break;
    case TECHO_CATEGORY_SCREENING:
      {
        const TechoScreening *s = record;
        common = (Common) { s->id, s->revision, s->withdrawn, &s->provenance, s->items };
      }
      break;
    case TECHO_N_CATEGORIES:
    default:
      g_assert_not_reached ();
    }
  return common;
}

static void
bind_kind_fields (TechoSqliteStatement *s,
                  TechoCategory         category,
                  gconstpointer         record)
{
  if (category == TECHO_CATEGORY_CHECKUP)
    {
      const TechoCheckup *c = record;
      const char *fields[] = { c->performed_on, c->kind, c->report_kind,
                               c->institution_code, c->institution_name, c->document,
                               c->doctor_name, c->insurer_symbol, c->insurer_card_number,
                               c->patient_address };

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        techo_sqlite_bind_text_static (s, 9 + i, fields[i]);
    }
  else if (category == TECHO_CATEGORY_MEDICATION)
    {
      const TechoDispensing *d = record;
      const char *fields[] = { d->source, d->dispensed_on, d->prescribed_on, d->setting,
                               d->pharmacy_code, d->pharmacy_name, d->prescriber_code,
                               d->prescriber_name, d->prescriber_department,
                               d->receipt_code, d->yj_code, d->drug_name,
                               d->ingredient_name };

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        techo_sqlite_bind_text_static (s, 9 + i, fields[i]);
      techo_sqlite_bind_double (s, 22, d->quantity);
      techo_sqlite_bind_text_static (s, 23, d->unit);
      techo_sqlite_bind_text_static (s, 24, d->usage);
      techo_sqlite_bind_int64 (s, 25, d->days);
      techo_sqlite_bind_text_static (s, 26, d->dosage_form);
    }
  else
    {
      const TechoScreening *r = record;
      const char *fields[] = { r->performed_on, r->cancer, r->report_kind, r->stage,
                               r->municipality_code, r->municipality_name,
                               r->followup_code, r->followup_value,
                               r->followup_display };

      for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
        techo_sqlite_bind_text_static (s, 9 + i, fields[i]);
    }
}

static void
bind_common (TechoSqliteStatement *s,
             gint64                profile_id,
             const Common         *common,
             gint64                received_at)
{
  const TechoProvenance *p = common->provenance;

  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text_static (s, 2, common->id);
  techo_sqlite_bind_int64 (s, 3, common->revision);
  techo_sqlite_bind_int64 (s, 4, common->withdrawn ? 1 : 0);
  techo_sqlite_bind_int64 (s, 5, received_at);
  techo_sqlite_bind_text_static (s, 6, techo_origin_to_string (p->origin));
  techo_sqlite_bind_text_static (s, 7, p->origin == TECHO_ORIGIN_FILE ? p->file_name : NULL);
  techo_sqlite_bind_text_static (s, 8, p->origin == TECHO_ORIGIN_FILE ? p->file_sha256 : NULL);
}

/* Limits, checked for the whole page before anything is written. */
static gboolean
check_page (TechoCategory   category,
            GPtrArray      *records,
            const char     *sync_state_json,
            GError        **error)
{
  if (records->len > TECHO_STORE_MAX_PAGE_RECORDS)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                   "A page of %u records is more than the store takes at once (%u).",
                   records->len, TECHO_STORE_MAX_PAGE_RECORDS);
      return FALSE;
    }
  if (sync_state_json != NULL && strlen (sync_state_json) > MAX_SYNC_STATE_BYTES)
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                           "The sync state is too large to keep.");
      return FALSE;
    }
  for (guint i = 0; i < records->len; i++)
    {
      gconstpointer record = g_ptr_array_index (records, i);
      Common common;

      if (record == NULL)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                       "Record %u of the page is missing.", i + 1);
          return FALSE;
        }
      common = common_fields (category, record);
      if (common.id == NULL || *common.id == '\0' || strlen (common.id) > MAX_ID_BYTES)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                       "Record %u of the page has no usable id.", i + 1);
          return FALSE;
        }
      if (common.revision < 0)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                       "Record %s has a negative revision.", common.id);
          return FALSE;
        }
      if (common.items != NULL && common.items->len > TECHO_STORE_MAX_RECORD_ITEMS)
        {
          g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                       "Record %s has %u items, more than the store takes (%u).",
                       common.id, common.items->len, TECHO_STORE_MAX_RECORD_ITEMS);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
insert_items (TechoSqlite  *db,
              const KindSql *sql,
              gint64         row_id,
              GPtrArray     *items,
              GError       **error)
{
  g_autoptr(TechoSqliteStatement) del = NULL;
  g_autoptr(TechoSqliteStatement) ins = NULL;

  if (sql->items_delete_sql == NULL)
    return TRUE;

  del = techo_sqlite_prepare_cached (db, sql->items_delete_sql, error);
  if (del == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (del, 1, row_id);
  if (!techo_sqlite_step_done (del, error))
    return FALSE;
  if (items == NULL || items->len == 0)
    return TRUE;

  ins = techo_sqlite_prepare_cached (db, sql->items_insert_sql, error);
  if (ins == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (items, i);

      techo_sqlite_statement_reset (ins, NULL);
      techo_sqlite_bind_int64 (ins, 1, row_id);
      techo_sqlite_bind_int64 (ins, 2, i);
      techo_sqlite_bind_text (ins, 3, item->code);
      techo_sqlite_bind_text (ins, 4, item->name);
      techo_sqlite_bind_text (ins, 5, techo_value_type_to_string (item->type));
      techo_sqlite_bind_text (ins, 6, item->value);
      techo_sqlite_bind_text (ins, 7, item->unit);
      techo_sqlite_bind_text (ins, 8, item->value_system);
      techo_sqlite_bind_text (ins, 9, item->display);
      techo_sqlite_bind_int64 (ins, 10, item->not_performed ? 1 : 0);
      techo_sqlite_bind_text (ins, 11, item->null_flavor);
      techo_sqlite_bind_text (ins, 12, item->interpretation);
      techo_sqlite_bind_text (ins, 13, item->reference_range);
      techo_sqlite_bind_text (ins, 14, item->method_code);
      techo_sqlite_bind_text (ins, 15, item->other_values);
      if (!techo_sqlite_step_done (ins, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
techo_store_write_items (TechoSqlite    *db,
                         TechoCategory   category,
                         gint64          row_id,
                         GPtrArray      *items,
                         GError        **error)
{
  return insert_items (db, category == TECHO_CATEGORY_CHECKUP ? &checkup_sql : &screening_sql,
                       row_id, items, error);
}

gboolean
techo_store_add_source (TechoSqlite           *db,
                        TechoCategory          category,
                        gint64                 record_row,
                        const char            *event,
                        const TechoProvenance *provenance,
                        const char            *record_id,
                        gint64                 import_id,
                        gint64                *out_source_id,
                        GError               **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  gboolean file = provenance->origin == TECHO_ORIGIN_FILE;
  gboolean implicit = category == TECHO_CATEGORY_MEDICATION
                      && provenance->origin == TECHO_ORIGIN_PORTAL
                      && g_strcmp0 (event, "source") == 0;

  if (out_source_id != NULL)
    *out_source_id = 0;
  /* A dispensing that came from the portal alone has no row here: the
   * row's own origin, id and time say it (list_sources_job reads it so).
   * Its portal source is written out when a second source arrives, and
   * from then on kept like any other. */
  if (category == TECHO_CATEGORY_MEDICATION && !implicit)
    {
      s = techo_sqlite_prepare_cached (db,
                                       "INSERT OR IGNORE INTO record_sources (category,"
                                       " record_row, event, origin, record_id, added_at)"
                                       " SELECT 'medication', row_id, 'source', 'portal', id,"
                                       " received_at FROM dispensings WHERE row_id = ?1"
                                       " AND origin = 'portal' AND NOT EXISTS (SELECT 1"
                                       " FROM record_sources WHERE category = 'medication'"
                                       " AND record_row = ?1)", error);
      if (s == NULL)
        return FALSE;
      techo_sqlite_bind_int64 (s, 1, record_row);
      if (!techo_sqlite_step_done (s, error))
        return FALSE;
      g_clear_pointer (&s, techo_sqlite_statement_free);
    }
  s = techo_sqlite_prepare_cached (db, implicit
                                   ? "INSERT OR IGNORE INTO record_sources (category, record_row,"
                                     " event, origin, record_id, file_name, file_sha256,"
                                     " import_id, added_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                                     " ?8, ?9 WHERE EXISTS (SELECT 1 FROM record_sources"
                                     " WHERE category = ?1 AND record_row = ?2)"
                                   : "INSERT OR IGNORE INTO record_sources (category, record_row,"
                                     " event, origin, record_id, file_name, file_sha256,"
                                     " import_id, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
                                     " ?8, ?9)", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_text_static (s, 1, techo_category_to_string (category));
  techo_sqlite_bind_int64 (s, 2, record_row);
  techo_sqlite_bind_text_static (s, 3, event);
  techo_sqlite_bind_text_static (s, 4, techo_origin_to_string (provenance->origin));
  techo_sqlite_bind_text_static (s, 5, record_id != NULL ? record_id : "");
  techo_sqlite_bind_text_static (s, 6, file && provenance->file_name != NULL ? provenance->file_name : "");
  techo_sqlite_bind_text_static (s, 7, file && provenance->file_sha256 != NULL
                                ? provenance->file_sha256 : "");
  if (import_id > 0)
    techo_sqlite_bind_int64 (s, 8, import_id);
  else
    techo_sqlite_bind_null (s, 8);
  techo_sqlite_bind_int64 (s, 9, techo_store_now ());
  if (!techo_sqlite_step_done (s, error))
    return FALSE;
  if (out_source_id != NULL)
    *out_source_id = techo_sqlite_changes (db) == 1 ? techo_sqlite_last_insert_rowid (db) : 0;
  return TRUE;
}

gboolean
techo_store_add_item_sources (TechoSqlite           *db,
                              gint64                 checkup_row,
                              const TechoProvenance *provenance,
                              const char            *record_id,
                              GPtrArray             *items,
                              GError               **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) add = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean file = provenance->origin == TECHO_ORIGIN_FILE;
  gint64 source_id;

  if (items == NULL || items->len == 0)
    return TRUE;
  s = techo_sqlite_prepare_cached (db,
                                   "SELECT id FROM record_sources WHERE category = 'checkup'"
                                   " AND record_row = ?1 AND event = 'source' AND origin = ?2"
                                   " AND record_id = ?3 AND file_sha256 = ?4", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, checkup_row);
  techo_sqlite_bind_text (s, 2, techo_origin_to_string (provenance->origin));
  techo_sqlite_bind_text (s, 3, record_id != NULL ? record_id : "");
  techo_sqlite_bind_text (s, 4, file && provenance->file_sha256 != NULL
                                ? provenance->file_sha256 : "");
  if (!techo_sqlite_step (s, &local_error))
    {
      if (local_error == NULL)
        return TRUE; /* no such source: nothing to say */
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  source_id = techo_sqlite_column_int64 (s, 0);
  add = techo_sqlite_prepare_cached (db,
                                     "INSERT OR IGNORE INTO checkup_item_sources (checkup_row,"
                                     " code, source_id) VALUES (?1, ?2, ?3)", error);
  if (add == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (items, i);

      if (item->code == NULL)
        continue;
      if (!techo_sqlite_statement_reset (add, error))
        return FALSE;
      techo_sqlite_bind_int64 (add, 1, checkup_row);
      techo_sqlite_bind_text (add, 2, item->code);
      techo_sqlite_bind_int64 (add, 3, source_id);
      if (!techo_sqlite_step_done (add, error))
        return FALSE;
    }
  return TRUE;
}

/* Each item code of checkup @row → its value as stored ("value\x1fnp"). */
static GHashTable *
stored_values (TechoSqlite  *db,
               gint64        row,
               GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GHashTable) values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare_cached (db, "SELECT code, ifnull (value, '') || X'1f'"
                                       " || not_performed FROM checkup_items"
                                       " WHERE checkup_row = ?1 AND code IS NOT NULL", error);
  if (s == NULL)
    return NULL;
  techo_sqlite_bind_int64 (s, 1, row);
  while (techo_sqlite_step (s, &local_error))
    g_hash_table_insert (values, techo_sqlite_column_dup_text (s, 0),
                         techo_sqlite_column_dup_text (s, 1));
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&values);
}

/* After a newer portal revision rewrote checkup @row's items: the other
 * sources of a value it changed (or dropped) no longer vouch for it. */
static gboolean
portal_replaced_values (TechoSqlite            *db,
                        gint64                  row,
                        GHashTable             *before,
                        const TechoProvenance  *provenance,
                        const char             *record_id,
                        GError                **error)
{
  g_autoptr(GHashTable) after = stored_values (db, row, error);
  g_autoptr(TechoSqliteStatement) s = NULL;
  GHashTableIter iter;
  gpointer code, value;

  if (after == NULL)
    return FALSE;
  s = techo_sqlite_prepare_cached (db,
                                   "UPDATE checkup_item_sources SET replaced_by = (SELECT id"
                                   " FROM record_sources WHERE category = 'checkup'"
                                   " AND record_row = ?1 AND event = 'source' AND origin = ?3"
                                   " AND record_id = ?4 AND file_sha256 = '')"
                                   " WHERE checkup_row = ?1 AND code = ?2"
                                   " AND replaced_by IS NULL AND source_id <> (SELECT id"
                                   " FROM record_sources WHERE category = 'checkup'"
                                   " AND record_row = ?1 AND event = 'source' AND origin = ?3"
                                   " AND record_id = ?4 AND file_sha256 = '')", error);
  if (s == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &code, &value))
    {
      if (g_strcmp0 (g_hash_table_lookup (after, code), value) == 0)
        continue;
      if (!techo_sqlite_statement_reset (s, error))
        return FALSE;
      techo_sqlite_bind_int64 (s, 1, row);
      techo_sqlite_bind_text (s, 2, code);
      techo_sqlite_bind_text (s, 3, techo_origin_to_string (provenance->origin));
      techo_sqlite_bind_text (s, 4, record_id != NULL ? record_id : "");
      if (!techo_sqlite_step_done (s, error))
        return FALSE;
    }
  return TRUE;
}

/* The ingredient of a dispensing, as TECHO_STORE_INGREDIENT_KEY says it in
 * SQL: the first 7 characters of the YJ code when it has 7, else the drug
 * name, else ''. Characters are counted as SQLite's length () and substr ()
 * count them (a byte from 0xc0 up with the continuation bytes after it),
 * so that the counts below agree with the index on that expression. */
static char *
ingredient_key (const TechoDispensing *d)
{
  if (d->yj_code != NULL)
    {
      const guchar *p = (const guchar *) d->yj_code;
      guint n = 0;

      while (*p != '\0' && n < 7)
        {
          n++;
          if (*p++ >= 0xc0)
            while ((*p & 0xc0) == 0x80)
              p++;
        }
      if (n == 7)
        return g_strndup (d->yj_code, (const char *) p - d->yj_code);
    }
  return g_strdup (d->drug_name != NULL ? d->drug_name : "");
}

/* Adds a new listed dispensing to @tally (ingredient → how many). */
static void
tally_dispensing (GHashTable            *tally,
                  const TechoDispensing *d)
{
  char *key = ingredient_key (d);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (tally, key));

  g_hash_table_replace (tally, key, GUINT_TO_POINTER (n + 1));
}

static GHashTable *
tally_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* Adds @tally, the ingredients of dispensings of @profile_id just
 * inserted, to dispensing_ingredients: since schema 12 no trigger counts
 * an insert (techo-store-schema.c says why). One update per ingredient,
 * so a sync page of a thousand lines costs a few dozen writes. */
static gboolean
add_ingredient_counts (TechoSqlite   *db,
                       gint64         profile_id,
                       GHashTable    *tally,
                       GError       **error)
{
  g_autoptr(TechoSqliteStatement) add = NULL;
  g_autoptr(TechoSqliteStatement) bump = NULL;
  GHashTableIter iter;
  gpointer key, n;

  if (g_hash_table_size (tally) == 0)
    return TRUE;
  add = techo_sqlite_prepare_cached (db,
                                     "INSERT OR IGNORE INTO dispensing_ingredients (profile_id,"
                                     " key, n) VALUES (?1, ?2, 0)", error);
  bump = add == NULL ? NULL
                     : techo_sqlite_prepare_cached (db,
                                                    "UPDATE dispensing_ingredients SET n = n + ?3"
                                                    " WHERE profile_id = ?1 AND key = ?2", error);
  if (bump == NULL)
    return FALSE;
  g_hash_table_iter_init (&iter, tally);
  while (g_hash_table_iter_next (&iter, &key, &n))
    {
      if (!techo_sqlite_statement_reset (add, error) ||
          !techo_sqlite_statement_reset (bump, error))
        return FALSE;
      techo_sqlite_bind_int64 (add, 1, profile_id);
      techo_sqlite_bind_text_static (add, 2, key);
      techo_sqlite_bind_int64 (bump, 1, profile_id);
      techo_sqlite_bind_text_static (bump, 2, key);
      techo_sqlite_bind_int64 (bump, 3, GPOINTER_TO_UINT (n));
      if (!techo_sqlite_step_done (add, error) || !techo_sqlite_step_done (bump, error))
        return FALSE;
    }
  return TRUE;
}

/* techo_store_write_record, also saying whether the row changed at all
 * (inserted, or updated to a higher revision): the sync's re-read of
 * months it already has changes nothing and is not news. A listed
 * dispensing it inserts is counted into dispensing_ingredients at once,
 * or, with @tally, added there for the caller to count with the rest of
 * its page (add_ingredient_counts). */
static gboolean
write_record (TechoSqlite    *db,
              TechoCategory   category,
              gint64          profile_id,
              gconstpointer   record,
              gint64          received_at,
              gint64          import_id,
              gint64         *out_row,
              gboolean       *out_inserted,
              gboolean       *out_changed,
              GHashTable     *tally,
              GError        **error)
{
  const KindSql *sql = category == TECHO_CATEGORY_CHECKUP ? &checkup_sql
                     : category == TECHO_CATEGORY_MEDICATION ? &dispensing_sql
                     : &screening_sql;
  static const char *const import_sql[] = {
    "UPDATE checkups SET import_id = ?2 WHERE row_id = ?1",
    "UPDATE dispensings SET import_id = ?2 WHERE row_id = ?1",
    "UPDATE screenings SET import_id = ?2 WHERE row_id = ?1",
  };
  g_autoptr(TechoSqliteStatement) s = NULL;
  Common common = common_fields (category, record);
  gint64 row_id;
  gboolean changed;

  *out_row = 0;
  *out_inserted = FALSE;
  *out_changed = FALSE;
  if (category == TECHO_CATEGORY_CHECKUP && common.provenance->origin == TECHO_ORIGIN_PORTAL
      && !techo_store_adopt_file_checkup (db, profile_id, record, error))
    return FALSE;
  /* SQLite 3.15 has no UPSERT: insert if new, else update if newer. */
  s = techo_sqlite_prepare_cached (db, sql->insert_sql, error);
  if (s == NULL)
    return FALSE;
  bind_common (s, profile_id, &common, received_at);
  bind_kind_fields (s, category, record);
  if (!techo_sqlite_step_done (s, error))
    return FALSE;
  if (techo_sqlite_changes (db) == 1)
    {
      row_id = techo_sqlite_last_insert_rowid (db);
      *out_row = row_id;
      *out_inserted = TRUE;
      *out_changed = TRUE;
      if (category == TECHO_CATEGORY_MEDICATION && !common.withdrawn)
        {
          g_autoptr(GHashTable) one = tally == NULL ? tally_new () : NULL;

          tally_dispensing (tally != NULL ? tally : one, record);
          if (one != NULL && !add_ingredient_counts (db, profile_id, one, error))
            return FALSE;
        }
      if (import_id > 0)
        {
          g_clear_pointer (&s, techo_sqlite_statement_free);
          s = techo_sqlite_prepare_cached (db, import_sql[category], error);
          if (s == NULL)
            return FALSE;
          techo_sqlite_bind_int64 (s, 1, row_id);
          techo_sqlite_bind_int64 (s, 2, import_id);
          if (!techo_sqlite_step_done (s, error))
            return FALSE;
        }
      /* A new dispensing from the portal: its source is implicit. */
      return (common.withdrawn || insert_items (db, sql, row_id, common.items, error))
             && ((category == TECHO_CATEGORY_MEDICATION
                  && common.provenance->origin == TECHO_ORIGIN_PORTAL)
                 || techo_store_add_source (db, category, row_id, "source", common.provenance,
                                            common.id, import_id, NULL, error))
             && (category != TECHO_CATEGORY_CHECKUP || common.withdrawn
                 || techo_store_add_item_sources (db, row_id, common.provenance, common.id,
                                                  common.items, error));
    }
  g_clear_pointer (&s, techo_sqlite_statement_free);

  s = techo_sqlite_prepare_cached (db, common.withdrawn ? sql->withdraw_sql : sql->update_sql,
                                   error);
  if (s == NULL)
    return FALSE;
  bind_common (s, profile_id, &common, received_at);
  if (!common.withdrawn)
    bind_kind_fields (s, category, record);
  if (!techo_sqlite_step_done (s, error))
    return FALSE;
  changed = techo_sqlite_changes (db) > 0;
  g_clear_pointer (&s, techo_sqlite_statement_free);

  s = techo_sqlite_prepare_cached (db, sql->row_sql, error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text (s, 2, common.id);
  if (!techo_sqlite_step (s, error))
    return FALSE;
  row_id = techo_sqlite_column_int64 (s, 0);
  *out_row = row_id;
  *out_changed = changed;
  if (!changed || common.withdrawn)
    return TRUE; /* not newer: nothing changes */
  if (category == TECHO_CATEGORY_CHECKUP)
    {
      /* The values as they were, to tell which the newer revision changed. */
      g_autoptr(GHashTable) before = stored_values (db, row_id, error);

      return before != NULL
             && insert_items (db, sql, row_id, common.items, error)
             && techo_store_add_source (db, category, row_id, "source", common.provenance,
                                        common.id, import_id, NULL, error)
             && portal_replaced_values (db, row_id, before, common.provenance, common.id,
                                        error)
             && techo_store_add_item_sources (db, row_id, common.provenance, common.id,
                                              common.items, error);
    }
  return insert_items (db, sql, row_id, common.items, error)
         && techo_store_add_source (db, category, row_id, "source", common.provenance,
                                    common.id, import_id, NULL, error);
}

gboolean
techo_store_write_record (TechoSqlite    *db,
                          TechoCategory   category,
                          gint64          profile_id,
                          gconstpointer   record,
                          gint64          received_at,
                          gint64          import_id,
                          gint64         *out_row,
                          gboolean       *out_inserted,
                          GError        **error)
{
  gboolean changed = FALSE;

  return write_record (db, category, profile_id, record, received_at, import_id, out_row,
                       out_inserted, &changed, NULL, error);
}

static gboolean
upsert_record (TechoSqlite   *db,
               TechoCategory  category,
               gint64         profile_id,
               gconstpointer  record,
               gint64         received_at,
               gboolean      *out_changed,
               GHashTable    *tally,
               GError       **error)
{
  gint64 row = 0;
  gboolean inserted = FALSE;

  return write_record (db, category, profile_id, record, received_at, 0, &row, &inserted,
                       out_changed, tally, error);
}

static gboolean
write_sync_state (TechoSqlite    *db,
                  gint64          profile_id,
                  TechoCategory   category,
                  const char     *state_json,
                  gint64          now,
                  GError        **error)
{
  return techo_sqlite_run (db, error,
                           "INSERT OR REPLACE INTO sync_state"
                           " (profile_id, category, state_json, last_sync_at)"
                           " VALUES (?1, ?2, ?3, ?4)",
                           "issi", profile_id, techo_category_to_string (category), state_json,
                           now);
}

static gpointer
upsert_page_job (TechoStore    *self,
                 TechoSqlite   *db,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GHashTable) tally = tally_new ();
  gint64 now = techo_store_now ();
  guint n_changed = 0;

  if (r->category >= TECHO_N_CATEGORIES)
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                           "Unknown record category.");
      return NULL;
    }
  if (!check_page (r->category, r->records, r->first, error) ||
      !profile_exists (db, r->profile_id, error))
    return NULL;

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  for (guint i = 0; i < r->records->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          techo_sqlite_rollback (db);
          return NULL;
        }
      gboolean changed = FALSE;

      if (!upsert_record (db, r->category, r->profile_id,
                          g_ptr_array_index (r->records, i), now, &changed, tally,
                          &local_error))
        goto failed;
      n_changed += changed ? 1 : 0;
    }
  if (!add_ingredient_counts (db, r->profile_id, tally, &local_error))
    goto failed;
  if (r->first != NULL &&
      !write_sync_state (db, r->profile_id, r->category, r->first, now, &local_error))
    goto failed;
  if (!techo_sqlite_commit (db, &local_error))
    goto failed;
  /* Never NULL (that is failure): the count of changed rows, plus one. */
  return GUINT_TO_POINTER (n_changed + 1);

failed:
  techo_sqlite_rollback (db);
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "save the records");
  return NULL;
}

gboolean
techo_store_upsert_page_sync (TechoStore     *self,
                              gint64          profile_id,
                              TechoCategory   category,
                              GPtrArray      *records,
                              const char     *sync_state_json,
                              GCancellable   *cancellable,
                              GError        **error)
{
  return techo_store_upsert_page_counted_sync (self, profile_id, category, records,
                                               sync_state_json, NULL, cancellable, error);
}

gboolean
techo_store_upsert_page_counted_sync (TechoStore     *self,
                                      gint64          profile_id,
                                      TechoCategory   category,
                                      GPtrArray      *records,
                                      const char     *sync_state_json,
                                      guint          *out_changed,
                                      GCancellable   *cancellable,
                                      GError        **error)
{
  TechoStoreRequest *r;
  gpointer result;

  g_return_val_if_fail (records != NULL, FALSE);

  if (out_changed != NULL)
    *out_changed = 0;
  r = techo_store_request_new (profile_id);
  r->category = category;
  r->records = g_ptr_array_ref (records);
  r->first = g_strdup (sync_state_json);
  result = techo_store_run_sync (self, upsert_page_job, r,
                                 (GDestroyNotify) techo_store_request_free, cancellable, error);
  if (result == NULL)
    return FALSE;
  if (out_changed != NULL)
    *out_changed = GPOINTER_TO_UINT (result) - 1;
  return TRUE;
}

gboolean
techo_store_upsert_page_on (TechoSqlite    *db,
                            gint64          profile_id,
                            TechoCategory   category,
                            GPtrArray      *records,
                            const char     *sync_state_json,
                            guint          *out_changed,
                            GError        **error)
{
  TechoStoreRequest *r;
  gpointer result;

  g_return_val_if_fail (db != NULL && records != NULL, FALSE);

  r = techo_store_request_new (profile_id);
  r->category = category;
  r->records = g_ptr_array_ref (records);
  r->first = g_strdup (sync_state_json);
  result = upsert_page_job (NULL, db, r, NULL, error);
  techo_store_request_free (r);
  if (out_changed != NULL)
    *out_changed = result != NULL ? GPOINTER_TO_UINT (result) - 1 : 0;
  return result != NULL;
}

/* ---- sync state ---------------------------------------------------------- */

static gpointer
get_sync_state_job (TechoStore    *self,
                    TechoSqlite   *db,
                    gpointer       data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  char **result = g_new0 (char *, 1); /* a box, so "none" is not a failure */

  s = techo_sqlite_prepare (db,
                            "SELECT state_json FROM sync_state"
                            " WHERE profile_id = ?1 AND category = ?2", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, techo_category_to_string (r->category));
      if (techo_sqlite_step (s, &local_error))
        *result = techo_sqlite_column_dup_text (s, 0);
    }
  if (local_error != NULL)
    {
      g_free (result);
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the sync state");
      return NULL;
    }
  return result;
}

char *
techo_store_get_sync_state_sync (TechoStore    *self,
                                 gint64         profile_id,
                                 TechoCategory  category,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  TechoStoreRequest *r = techo_store_request_new (profile_id);
  char **box;
  char *state;

  g_return_val_if_fail (category < TECHO_N_CATEGORIES, NULL);

  r->category = category;
  box = techo_store_run_sync (self, get_sync_state_job, r, (GDestroyNotify) techo_store_request_free,
                              cancellable, error);
  if (box == NULL)
    return NULL;
  state = *box;
  g_free (box);
  return state;
}

static gpointer
get_last_sync_job (TechoStore    *self,
                   TechoSqlite   *db,
                   gpointer       data,
                   GCancellable  *cancellable,
                   GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 *result = g_new0 (gint64, 1);

  s = techo_sqlite_prepare (db,
                            "SELECT ifnull (max (last_sync_at), 0) FROM sync_state"
                            " WHERE (?1 = 0 OR profile_id = ?1) AND category = ?2",
                            &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, techo_category_to_string (r->category));
      if (techo_sqlite_step (s, &local_error))
        *result = techo_sqlite_column_int64 (s, 0);
    }
  if (local_error != NULL)
    {
      g_free (result);
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "read the time of the last sync");
      return NULL;
    }
  return result;
}

gint64
techo_store_get_last_sync_sync (TechoStore    *self,
                                gint64         profile_id,
                                TechoCategory  category,
                                GCancellable  *cancellable,
                                GError       **error)
{
  TechoStoreRequest *r = techo_store_request_new (profile_id);
  g_autofree gint64 *value = NULL;

  g_return_val_if_fail (category < TECHO_N_CATEGORIES, -1);

  r->category = category;
  value = techo_store_run_sync (self, get_last_sync_job, r, (GDestroyNotify) techo_store_request_free,
                                cancellable, error);
  return value != NULL ? *value : -1;
}

/* ---- revised medication rows --------------------------------------------- */

/* The rank of a medication row's source: the 電子処方箋 dispensing record
 * over the prescription, both over the claims row. */
#define SOURCE_RANK(t) \
  "(CASE " t ".source WHEN 'dispensing' THEN 2 WHEN 'prescription' THEN 1 ELSE 0 END)"

/* Each row of the prefix gets the id of the highest-ranked row of the same
 * prefix that supersedes it, or NULL: two rows with a pharmacy name the
 * same pharmacy and dispensing date; otherwise (a prescription) the same
 * prescriber and prescription date. Each subquery is on an indexed date
 * ((profile_id, dispensed_on) and (profile_id, prescribed_on)), so a file
 * of thousands of rows is not compared with every other row. Recomputed
 * whole, so the order of imports does not matter and a second run changes
 * nothing. */
#define SUPERSEDER(date, code, both_pharmacies) \
  "(SELECT n.id FROM dispensings AS n" \
  "   WHERE n.profile_id = dispensings.profile_id" \
  "     AND n." date " = dispensings." date \
  "     AND n." code " = dispensings." code \
  "     AND (n.pharmacy_code IS NOT NULL AND dispensings.pharmacy_code IS NOT NULL) = " \
  both_pharmacies \
  "     AND n.withdrawn = 0 AND substr (n.id, 1, length (?2)) = ?2" \
  "     AND " SOURCE_RANK ("n") " > " SOURCE_RANK ("dispensings") \
  "   ORDER BY " SOURCE_RANK ("n") " DESC, n.row_id LIMIT 1)"

static const char revise_sql[] =
  "UPDATE dispensings SET revised_by = coalesce ("
  SUPERSEDER ("dispensed_on", "pharmacy_code", "1") ", "
  SUPERSEDER ("prescribed_on", "prescriber_code", "0") ")"
  " WHERE (?1 = 0 OR profile_id = ?1) AND substr (id, 1, length (?2)) = ?2";

gboolean
techo_store_revise_in_transaction (TechoSqlite  *db,
                                   gint64        profile_id,
                                   const char   *id_prefix,
                                   gint64       *out_before,
                                   gint64       *out_after,
                                   GError      **error)
{
  g_autoptr(TechoSqliteStatement) update = NULL;
  g_autoptr(TechoSqliteStatement) count = NULL;
  gint64 *counts[2] = { out_before, out_after };

  count = techo_sqlite_prepare (db,
                                "SELECT count(*) FROM dispensings"
                                " WHERE (?1 = 0 OR profile_id = ?1) AND withdrawn = 0"
                                " AND revised_by IS NOT NULL", error);
  if (count == NULL)
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      if (i == 1)
        {
          update = techo_sqlite_prepare (db, revise_sql, error);
          if (update == NULL)
            return FALSE;
          techo_sqlite_bind_int64 (update, 1, profile_id);
          techo_sqlite_bind_text (update, 2, id_prefix);
          if (!techo_sqlite_step_done (update, error))
            return FALSE;
        }
      techo_sqlite_bind_int64 (count, 1, profile_id);
      if (!techo_sqlite_step (count, error))
        {
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, TECHO_SQLITE_ERROR, SQLITE_ERROR, "no count");
          return FALSE;
        }
      *counts[i] = techo_sqlite_column_int64 (count, 0);
      if (!techo_sqlite_statement_reset (count, error))
        return FALSE;
    }
  return TRUE;
}

static gpointer
revise_dispensings_job (TechoStore    *self,
                        TechoSqlite   *db,
                        gpointer       data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  /* [0] revised before, [1] after. */
  g_autofree gint64 *n_revised = g_new0 (gint64, 2);

  if (!techo_sqlite_begin (db, &local_error)
      || !techo_store_revise_in_transaction (db, r->profile_id, r->first, &n_revised[0],
                                             &n_revised[1], &local_error)
      || !techo_sqlite_commit (db, &local_error))
    {
      techo_sqlite_rollback (db);
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "mark the revised medicines");
      return NULL;
    }
  return g_steal_pointer (&n_revised);
}

gboolean
techo_store_revise_dispensings_sync (TechoStore    *self,
                                     gint64         profile_id,
                                     const char    *id_prefix,
                                     guint         *out_n_revised,
                                     guint         *out_n_newly_revised,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  TechoStoreRequest *r;
  g_autofree gint64 *n_revised = NULL;

  g_return_val_if_fail (id_prefix != NULL && *id_prefix != '\0', FALSE);

  r = techo_store_request_new (profile_id);
  r->first = g_strdup (id_prefix);
  n_revised = techo_store_run_sync (self, revise_dispensings_job, r,
                                    (GDestroyNotify) techo_store_request_free, cancellable,
                                    error);
  if (n_revised == NULL)
    return FALSE;
  if (out_n_revised != NULL)
    *out_n_revised = (guint) n_revised[1];
  if (out_n_newly_revised != NULL)
    *out_n_newly_revised = n_revised[1] > n_revised[0] ? (guint) (n_revised[1] - n_revised[0]) : 0;
  return TRUE;
}
