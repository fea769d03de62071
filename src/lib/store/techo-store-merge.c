/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Merge, never duplicate: records read from files are matched against what
 * the store holds (a checkup on person, date, institution and items; a
 * dispensing on person, date, pharmacy and drug) and either added, or
 * merged into the row that holds them (one more source), or, for a
 * corrected re-issue, replace its values (the old ones kept for undo and
 * shown as history). One import is one transaction and one `imports` row;
 * undoing it removes what it added and puts back what it replaced. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-store.h"
#include "techo-store-private.h"

TechoMergeEntry *
techo_merge_entry_new (guint          group,
                       TechoCategory  category,
                       gpointer       record)
{
  TechoMergeEntry *entry = g_new0 (TechoMergeEntry, 1);

  entry->group = group;
  entry->category = category;
  entry->record = record;
  return entry;
}

void
techo_merge_entry_free (TechoMergeEntry *entry)
{
  if (entry == NULL)
    return;
  if (entry->record != NULL)
    {
      switch (entry->category)
        {
        case TECHO_CATEGORY_CHECKUP:
          techo_checkup_free (entry->record);
          break;
        case TECHO_CATEGORY_MEDICATION:
          techo_dispensing_free (entry->record);
          break;
        case TECHO_CATEGORY_SCREENING:
        case TECHO_N_CATEGORIES:
        default:
          techo_screening_free (entry->record);
          break;
        }
    }
  g_clear_pointer (&entry->document, g_bytes_unref);
  g_free (entry->stored_id);
  g_free (entry);
}

const char *
techo_merge_outcome_to_string (TechoMergeOutcome outcome)
{
  static const char *const names[] = { "added", "merged", "skipped", "replaced", "conflict" };

  return outcome < G_N_ELEMENTS (names) ? names[outcome] : "unknown";
}

void
techo_record_source_free (TechoRecordSource *source)
{
  if (source == NULL)
    return;
  g_free (source->event);
  g_free (source->record_id);
  g_free (source->file_name);
  g_free (source->file_sha256);
  g_free (source);
}

void
techo_undo_result_free (TechoUndoResult *result)
{
  if (result == NULL)
    return;
  g_free (result->summary);
  g_free (result);
}

/* ---- matching ------------------------------------------------------------ */

/* Whether the two item lists say the same: the same codes with the same
 * values (or both not performed), whatever their order. */
static guint
items_differing (GPtrArray *stored,
                 GPtrArray *incoming)
{
  guint n = 0;

  for (guint i = 0; i < incoming->len; i++)
    {
      const TechoItem *a = g_ptr_array_index (incoming, i);
      const TechoItem *match = NULL;

      for (guint j = 0; j < stored->len && match == NULL; j++)
        {
          const TechoItem *b = g_ptr_array_index (stored, j);

          if (g_strcmp0 (a->code, b->code) == 0)
            match = b;
        }
      if (match == NULL || g_strcmp0 (a->value, match->value) != 0
          || (a->not_performed != match->not_performed))
        n++;
    }
  for (guint j = 0; j < stored->len; j++)
    {
      const TechoItem *b = g_ptr_array_index (stored, j);
      gboolean found = FALSE;

      for (guint i = 0; i < incoming->len && !found; i++)
        found = g_strcmp0 (((TechoItem *) g_ptr_array_index (incoming, i))->code, b->code) == 0;
      if (!found)
        n++;
    }
  return n;
}

static gboolean
read_stored_items (TechoSqlite  *db,
                   gint64        row,
                   GPtrArray    *items,
                   GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;

  s = techo_sqlite_prepare_cached (db, "SELECT code, value, not_performed FROM checkup_items"
                                       " WHERE checkup_row = ?1 ORDER BY position", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, row);
  while (techo_sqlite_step (s, &local_error))
    {
      TechoItem *item = techo_item_new ();

      item->code = techo_sqlite_column_dup_text (s, 0);
      item->value = techo_sqlite_column_dup_text (s, 1);
      item->not_performed = techo_sqlite_column_int64 (s, 2) != 0;
      g_ptr_array_add (items, item);
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Steps @s for at most one (row_id, id): sets both when a row answers,
 * leaves them alone when none does. FALSE only on an error. */
static gboolean
step_row_and_id (TechoSqliteStatement  *s,
                 gint64                *out_row,
                 char                 **out_id,
                 GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  if (techo_sqlite_step (s, &local_error))
    {
      *out_row = techo_sqlite_column_int64 (s, 0);
      *out_id = techo_sqlite_column_dup_text (s, 1);
      return TRUE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* The stored row this checkup is: the same id, or the same person, date,
 * institution (and kind, when both say). 0 when none. */
static gboolean
find_checkup (TechoSqlite         *db,
              gint64               profile_id,
              const TechoCheckup  *checkup,
              gint64              *out_row,
              char               **out_id,
              GError             **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  *out_row = 0;
  s = techo_sqlite_prepare_cached (db,
                                   "SELECT row_id, id FROM checkups c WHERE profile_id = ?1"
                                   " AND withdrawn = 0"
                                   /* a guidance record (report kind 2x) is never
                                    * the same as a checkup of that day */
                                   " AND (substr (ifnull (report_kind, ''), 1, 1) = '2')"
                                   "   = (substr (ifnull (?7, ''), 1, 1) = '2')"
                                   " AND (id = ?2 OR (performed_on = ?3"
                                   " AND ifnull (institution_code, '') = ifnull (?4, '')"
                                   " AND (kind IS NULL OR ?5 IS NULL OR kind = ?5)"
                                   /* another checkup of the same file is another one */
                                   " AND NOT EXISTS (SELECT 1 FROM record_sources s"
                                   "   WHERE s.category = 'checkup'"
                                   "   AND s.record_row = c.row_id AND s.file_sha256 = ?6)))"
                                   " ORDER BY id = ?2 DESC, origin = 'portal' DESC, row_id"
                                   " LIMIT 1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text (s, 2, checkup->id);
  techo_sqlite_bind_text (s, 3, checkup->performed_on);
  techo_sqlite_bind_text (s, 4, checkup->institution_code);
  techo_sqlite_bind_text (s, 5, checkup->kind);
  techo_sqlite_bind_text (s, 6, checkup->provenance.file_sha256 != NULL
                                ? checkup->provenance.file_sha256 : "");
  techo_sqlite_bind_text (s, 7, checkup->report_kind);
  return step_row_and_id (s, out_row, out_id, error);
}

static gboolean
find_dispensing (TechoSqlite            *db,
                 gint64                  profile_id,
                 const TechoDispensing  *d,
                 gint64                 *out_row,
                 char                  **out_id,
                 GError                **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  *out_row = 0;
  s = techo_sqlite_prepare_cached (db,
                                   "SELECT row_id, id FROM dispensings d WHERE profile_id = ?1"
                                   " AND withdrawn = 0 AND (id = ?2 OR (dispensed_on = ?3"
                                   " AND ((pharmacy_code IS NOT NULL AND pharmacy_code = ?4)"
                                   "   OR (pharmacy_name IS NOT NULL AND pharmacy_name = ?5))"
                                   " AND ((yj_code IS NOT NULL AND yj_code = ?6)"
                                   "   OR (receipt_code IS NOT NULL AND receipt_code = ?7)"
                                   "   OR (drug_name IS NOT NULL AND drug_name = ?8))"
                                   /* a line of the same file is another line, never
                                    * the same one (one drug in two RPs of a day) */
                                   " AND NOT EXISTS (SELECT 1 FROM record_sources s"
                                   "   WHERE s.category = 'medication'"
                                   "   AND s.record_row = d.row_id AND s.file_sha256 = ?9)"
                                   /* マイナポータル XML rows (ids "mhlw-", the prefix
                                    * TECHO_MHLW_ID_PREFIX of records) of another
                                    * source (claims, prescription, 電子処方箋
                                    * dispensing) stay two rows: the import marks
                                    * the lower-ranked one revised_by the other */
                                   " AND NOT (substr (d.id, 1, 5) = '" TECHO_MHLW_ID_PREFIX "'"
                                   "   AND substr (?2, 1, 5) = '" TECHO_MHLW_ID_PREFIX "' AND d.source IS NOT ?10)))"
                                   " ORDER BY id = ?2 DESC, origin = 'portal' DESC, row_id"
                                   " LIMIT 1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text (s, 2, d->id);
  techo_sqlite_bind_text (s, 3, d->dispensed_on);
  techo_sqlite_bind_text (s, 4, d->pharmacy_code);
  techo_sqlite_bind_text (s, 5, d->pharmacy_name);
  techo_sqlite_bind_text (s, 6, d->yj_code);
  techo_sqlite_bind_text (s, 7, d->receipt_code);
  techo_sqlite_bind_text (s, 8, d->drug_name);
  techo_sqlite_bind_text (s, 9, d->provenance.file_sha256 != NULL ? d->provenance.file_sha256
                                                                  : "");
  techo_sqlite_bind_text (s, 10, d->source);
  return step_row_and_id (s, out_row, out_id, error);
}

gboolean
techo_store_adopt_file_checkup (TechoSqlite         *db,
                                gint64               profile_id,
                                const TechoCheckup  *checkup,
                                GError             **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) stored = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_item_free);
  g_autoptr(GError) local_error = NULL;
  gint64 row;

  if (checkup->withdrawn || checkup->performed_on == NULL)
    return TRUE;
  s = techo_sqlite_prepare_cached (db,
                                   "SELECT row_id FROM checkups WHERE profile_id = ?1"
                                   " AND origin = 'file' AND withdrawn = 0 AND performed_on = ?2"
                                   " AND ifnull (institution_code, '') = ifnull (?3, '')"
                                   " AND (kind IS NULL OR ?4 IS NULL OR kind = ?4)"
                                   " AND substr (ifnull (report_kind, ''), 1, 1) <> '2'"
                                   " AND NOT EXISTS (SELECT 1 FROM checkups WHERE"
                                   " profile_id = ?1 AND id = ?5) ORDER BY row_id LIMIT 1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, profile_id);
  techo_sqlite_bind_text (s, 2, checkup->performed_on);
  techo_sqlite_bind_text (s, 3, checkup->institution_code);
  techo_sqlite_bind_text (s, 4, checkup->kind);
  techo_sqlite_bind_text (s, 5, checkup->id);
  if (!techo_sqlite_step (s, &local_error))
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  row = techo_sqlite_column_int64 (s, 0);
  g_clear_pointer (&s, techo_sqlite_statement_free);
  if (!read_stored_items (db, row, stored, error))
    return FALSE;
  if (items_differing (stored, checkup->items) != 0)
    return TRUE; /* another checkup of that day: the portal's goes beside it */

  /* The row becomes the portal's (revision 0, so the portal's revision
   * updates it); the file stays one of its sources. Undoing the file's
   * import now takes only that source away. */
  s = techo_sqlite_prepare_cached (db,
                                   "UPDATE checkups SET id = ?2, revision = 0, origin = 'portal',"
                                   " file_name = NULL, file_sha256 = NULL, import_id = NULL"
                                   " WHERE row_id = ?1",
                                   error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, row);
  techo_sqlite_bind_text (s, 2, checkup->id);
  return techo_sqlite_step_done (s, error);
}

/* The row that this very record of this very file went into before
 * (same SHA-256, same record id); 0 when none. */
static gboolean
find_by_source (TechoSqlite    *db,
                TechoCategory   category,
                gint64          profile_id,
                const char     *sha256,
                const char     *record_id,
                gint64         *out_row,
                char          **out_id,
                GError        **error)
{
  static const char *const sql[] = {
    "SELECT t.row_id, t.id FROM record_sources s JOIN checkups t ON t.row_id = s.record_row"
    " WHERE s.category = ?1 AND s.file_sha256 = ?2 AND s.record_id = ?3 AND t.profile_id = ?4"
    " AND s.event = 'source'",
    "SELECT t.row_id, t.id FROM record_sources s JOIN dispensings t ON t.row_id = s.record_row"
    " WHERE s.category = ?1 AND s.file_sha256 = ?2 AND s.record_id = ?3 AND t.profile_id = ?4"
    " AND s.event = 'source'",
    "SELECT t.row_id, t.id FROM record_sources s JOIN screenings t ON t.row_id = s.record_row"
    " WHERE s.category = ?1 AND s.file_sha256 = ?2 AND s.record_id = ?3 AND t.profile_id = ?4"
    " AND s.event = 'source'",
  };
  g_autoptr(TechoSqliteStatement) s = NULL;

  *out_row = 0;
  if (sha256 == NULL || record_id == NULL)
    return TRUE;
  s = techo_sqlite_prepare_cached (db, sql[category], error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_text (s, 1, techo_category_to_string (category));
  techo_sqlite_bind_text (s, 2, sha256);
  techo_sqlite_bind_text (s, 3, record_id);
  techo_sqlite_bind_int64 (s, 4, profile_id);
  return step_row_and_id (s, out_row, out_id, error);
}

static gboolean
exec_bound (TechoSqlite  *db,
            const char   *sql,
            gint64        a,
            gint64        b,
            GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare_cached (db, sql, error);

  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, a);
  techo_sqlite_bind_int64 (s, 2, b);
  return techo_sqlite_step_done (s, error);
}

static gboolean
save_document (TechoSqlite  *db,
               gint64        row,
               GBytes       *document,
               gboolean      only_if_none,
               GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  gsize length;
  gconstpointer data;

  if (document == NULL)
    return TRUE;
  data = g_bytes_get_data (document, &length);
  if (length > TECHO_STORE_MAX_DOCUMENT_BYTES)
    return TRUE; /* the import caps files far below this */
  s = techo_sqlite_prepare_cached (db, only_if_none
                                   ? "INSERT OR IGNORE INTO documents (checkup_row, content,"
                                     " saved_at) VALUES (?1, ?2, ?3)"
                                   : "INSERT OR REPLACE INTO documents (checkup_row, content,"
                                     " saved_at) VALUES (?1, ?2, ?3)", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, row);
  techo_sqlite_bind_blob (s, 2, data, length);
  techo_sqlite_bind_int64 (s, 3, techo_store_now ());
  return techo_sqlite_step_done (s, error);
}

/* A merged checkup learns what the file says beyond its values: the
 * laboratory's flags and ranges, the doctor, the insurer's card. Nothing
 * already stored is overwritten. */
static gboolean
fill_in_checkup (TechoSqlite         *db,
                 gint64               row,
                 const TechoCheckup  *checkup,
                 GError             **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoSqliteStatement) items = NULL;

  s = techo_sqlite_prepare_cached (db,
                                   "UPDATE checkups SET doctor_name = ifnull (doctor_name, ?2),"
                                   " insurer_symbol = ifnull (insurer_symbol, ?3),"
                                   " insurer_card_number = ifnull (insurer_card_number, ?4),"
                                   " patient_address = ifnull (patient_address, ?5),"
                                   " institution_name = ifnull (institution_name, ?6)"
                                   " WHERE row_id = ?1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, row);
  techo_sqlite_bind_text (s, 2, checkup->doctor_name);
  techo_sqlite_bind_text (s, 3, checkup->insurer_symbol);
  techo_sqlite_bind_text (s, 4, checkup->insurer_card_number);
  techo_sqlite_bind_text (s, 5, checkup->patient_address);
  techo_sqlite_bind_text (s, 6, checkup->institution_name);
  if (!techo_sqlite_step_done (s, error))
    return FALSE;

  items = techo_sqlite_prepare_cached (db,
                                       "UPDATE checkup_items SET"
                                       " null_flavor = ifnull (null_flavor, ?3),"
                                       " interpretation = ifnull (interpretation, ?4),"
                                       " reference_range = ifnull (reference_range, ?5),"
                                       " method_code = ifnull (method_code, ?6),"
                                       " other_values = ifnull (other_values, ?7)"
                                       " WHERE checkup_row = ?1 AND code = ?2", error);
  if (items == NULL)
    return FALSE;
  for (guint i = 0; i < checkup->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, i);

      techo_sqlite_statement_reset (items, NULL);
      techo_sqlite_bind_int64 (items, 1, row);
      techo_sqlite_bind_text (items, 2, item->code);
      techo_sqlite_bind_text (items, 3, item->null_flavor);
      techo_sqlite_bind_text (items, 4, item->interpretation);
      techo_sqlite_bind_text (items, 5, item->reference_range);
      techo_sqlite_bind_text (items, 6, item->method_code);
      techo_sqlite_bind_text (items, 7, item->other_values);
      if (!techo_sqlite_step_done (items, error))
        return FALSE;
    }
  return TRUE;
}

/* A corrected re-issue: the old values and document go to the history
 * (for undo and for the checkup's detail), the new ones take their place. */
/* The sources of the values a re-issue changes (other value, or gone)
 * no longer vouch for them: marked replaced by @source_id, the re-issue's
 * "replaced" row (undoing it deletes that row, which clears the mark). */
static gboolean
mark_item_sources_replaced (TechoSqlite  *db,
                            gint64        row,
                            GPtrArray    *stored,
                            GPtrArray    *incoming,
                            gint64        source_id,
                            GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  s = techo_sqlite_prepare_cached (db,
                                   "UPDATE checkup_item_sources SET replaced_by = ?3"
                                   " WHERE checkup_row = ?1 AND code = ?2"
                                   " AND replaced_by IS NULL", error);
  if (s == NULL)
    return FALSE;
  for (guint j = 0; j < stored->len; j++)
    {
      const TechoItem *old = g_ptr_array_index (stored, j);
      const TechoItem *now = NULL;

      if (old->code == NULL)
        continue;
      for (guint i = 0; i < incoming->len && now == NULL; i++)
        if (g_strcmp0 (((TechoItem *) g_ptr_array_index (incoming, i))->code, old->code) == 0)
          now = g_ptr_array_index (incoming, i);
      if (now != NULL && g_strcmp0 (now->value, old->value) == 0
          && now->not_performed == old->not_performed)
        continue;
      if (!techo_sqlite_statement_reset (s, error))
        return FALSE;
      techo_sqlite_bind_int64 (s, 1, row);
      techo_sqlite_bind_text (s, 2, old->code);
      techo_sqlite_bind_int64 (s, 3, source_id);
      if (!techo_sqlite_step_done (s, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
replace_checkup (TechoSqlite         *db,
                 gint64               row,
                 const TechoCheckup  *checkup,
                 GPtrArray           *stored,
                 GBytes              *document,
                 guint                n_changed,
                 gint64               import_id,
                 GError             **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;
  gint64 source_id = 0;

  if (!techo_store_add_source (db, TECHO_CATEGORY_CHECKUP, row, "replaced",
                               &checkup->provenance, checkup->id, import_id, &source_id, error))
    return FALSE;
  if (source_id == 0)
    return TRUE;
  if (!exec_bound (db, "INSERT INTO checkup_replaced (source_id, checkup_row, old_document,"
                       " n_changed) SELECT ?1, ?2, (SELECT content FROM documents"
                       " WHERE checkup_row = ?2), 0", source_id, row, error)
      || !exec_bound (db, "UPDATE checkup_replaced SET n_changed = ?2 WHERE source_id = ?1",
                      source_id, n_changed, error)
      || !exec_bound (db, "INSERT INTO checkup_item_history (source_id, position, code, name,"
                          " value_type, value, unit, value_system, display, not_performed,"
                          " null_flavor, interpretation, reference_range, method_code,"
                          " other_values) SELECT ?1, position, code, name, value_type, value,"
                          " unit, value_system, display, not_performed, null_flavor,"
                          " interpretation, reference_range, method_code, other_values"
                          " FROM checkup_items WHERE checkup_row = ?2", source_id, row, error)
      || !mark_item_sources_replaced (db, row, stored, checkup->items, source_id, error))
    return FALSE;
  if (!techo_store_write_items (db, TECHO_CATEGORY_CHECKUP, row, checkup->items, error))
    return FALSE;
  s = techo_sqlite_prepare_cached (db,
                                   "UPDATE checkups SET institution_name = ifnull (?2,"
                                   " institution_name), doctor_name = ifnull (?3, doctor_name),"
                                   " insurer_symbol = ifnull (?4, insurer_symbol),"
                                   " insurer_card_number = ifnull (?5, insurer_card_number),"
                                   " patient_address = ifnull (?6, patient_address)"
                                   " WHERE row_id = ?1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, row);
  techo_sqlite_bind_text (s, 2, checkup->institution_name);
  techo_sqlite_bind_text (s, 3, checkup->doctor_name);
  techo_sqlite_bind_text (s, 4, checkup->insurer_symbol);
  techo_sqlite_bind_text (s, 5, checkup->insurer_card_number);
  techo_sqlite_bind_text (s, 6, checkup->patient_address);
  return techo_sqlite_step_done (s, error) && save_document (db, row, document, FALSE, error);
}

/* The first steps of merging a checkup or a dispensing: a record of this
 * very file that is in already is SKIPPED; one the store has no match for
 * is written as a new row (ADDED); otherwise *@out_row is the stored match
 * and entry->stored_id its id, and the caller decides (@out_outcome
 * MERGED for now). */
static gboolean
find_or_add (TechoSqlite            *db,
             TechoCategory           category,
             gint64                  profile_id,
             TechoMergeEntry        *entry,
             const TechoProvenance  *provenance,
             const char             *id,
             gint64                  import_id,
             gint64                  now,
             gint64                 *out_row,
             TechoMergeOutcome      *out_outcome,
             GError                **error)
{
  g_autofree char *stored_id = NULL;
  gint64 row = 0;
  gboolean inserted = FALSE;
  gboolean found;

  if (!find_by_source (db, category, profile_id, provenance->file_sha256, id, &row, &stored_id,
                       error))
    return FALSE;
  if (row != 0)
    {
      *out_outcome = TECHO_MERGE_SKIPPED;
      entry->stored_id = g_steal_pointer (&stored_id);
      return TRUE;
    }
  if (category == TECHO_CATEGORY_CHECKUP)
    found = find_checkup (db, profile_id, entry->record, &row, &stored_id, error);
  else
    found = find_dispensing (db, profile_id, entry->record, &row, &stored_id, error);
  if (!found)
    return FALSE;
  if (row == 0)
    {
      if (!techo_store_write_record (db, category, profile_id, entry->record, now, import_id,
                                     &row, &inserted, error))
        return FALSE;
      *out_outcome = TECHO_MERGE_ADDED;
      entry->stored_id = g_strdup (id);
    }
  else
    {
      *out_outcome = TECHO_MERGE_MERGED;
      entry->stored_id = g_steal_pointer (&stored_id);
    }
  *out_row = row;
  return TRUE;
}

static gboolean
merge_checkup (TechoSqlite      *db,
               gint64            profile_id,
               TechoMergeEntry  *entry,
               TechoMergeFlags   flags,
               gint64            import_id,
               gint64            now,
               GError          **error)
{
  const TechoCheckup *checkup = entry->record;
  g_autoptr(GPtrArray) stored = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_item_free);
  gint64 row = 0;

  if (!find_or_add (db, TECHO_CATEGORY_CHECKUP, profile_id, entry, &checkup->provenance,
                    checkup->id, import_id, now, &row, &entry->outcome, error))
    return FALSE;
  if (entry->outcome == TECHO_MERGE_SKIPPED)
    return TRUE;
  if (entry->outcome == TECHO_MERGE_ADDED)
    return save_document (db, row, entry->document, FALSE, error);
  if (!read_stored_items (db, row, stored, error))
    return FALSE;
  entry->n_changed = items_differing (stored, checkup->items);
  if (entry->n_changed == 0)
    {
      entry->outcome = TECHO_MERGE_MERGED;
      return techo_store_add_source (db, TECHO_CATEGORY_CHECKUP, row, "source",
                                     &checkup->provenance, checkup->id, import_id, NULL, error)
             && techo_store_add_item_sources (db, row, &checkup->provenance, checkup->id,
                                              checkup->items, error)
             && fill_in_checkup (db, row, checkup, error)
             && save_document (db, row, entry->document, TRUE, error);
    }
  if ((flags & TECHO_MERGE_REPLACE) == 0)
    {
      entry->outcome = TECHO_MERGE_CONFLICT;
      return TRUE;
    }
  entry->outcome = TECHO_MERGE_REPLACED;
  return techo_store_add_source (db, TECHO_CATEGORY_CHECKUP, row, "source",
                                 &checkup->provenance, checkup->id, import_id, NULL, error)
         && replace_checkup (db, row, checkup, stored, entry->document, entry->n_changed,
                             import_id, error)
         && techo_store_add_item_sources (db, row, &checkup->provenance, checkup->id,
                                          checkup->items, error);
}

static gboolean
merge_dispensing (TechoSqlite      *db,
                  gint64            profile_id,
                  TechoMergeEntry  *entry,
                  gint64            import_id,
                  gint64            now,
                  GError          **error)
{
  const TechoDispensing *d = entry->record;
  gint64 row = 0;

  if (!find_or_add (db, TECHO_CATEGORY_MEDICATION, profile_id, entry, &d->provenance, d->id,
                    import_id, now, &row, &entry->outcome, error))
    return FALSE;
  if (entry->outcome == TECHO_MERGE_SKIPPED)
    return TRUE;
  if (entry->outcome == TECHO_MERGE_MERGED
      && !techo_store_add_source (db, TECHO_CATEGORY_MEDICATION, row, "source", &d->provenance,
                                  d->id, import_id, NULL, error))
    return FALSE;
  return techo_store_notebook_write_details (db, profile_id, entry->stored_id, d, import_id,
                                             error);
}

/* Screenings come only by id (a file of Techo's own or the portal's). */
static gboolean
merge_screening (TechoSqlite      *db,
                 gint64            profile_id,
                 TechoMergeEntry  *entry,
                 gint64            import_id,
                 gint64            now,
                 GError          **error)
{
  const TechoScreening *r = entry->record;
  gint64 row = 0;
  gboolean inserted = FALSE;
  gint64 source_id = 0;

  if (!techo_store_write_record (db, TECHO_CATEGORY_SCREENING, profile_id, r, now, import_id,
                                 &row, &inserted, error))
    return FALSE;
  entry->stored_id = g_strdup (r->id);
  if (inserted)
    {
      entry->outcome = TECHO_MERGE_ADDED;
      return TRUE;
    }
  if (!techo_store_add_source (db, TECHO_CATEGORY_SCREENING, row, "source", &r->provenance,
                               r->id, import_id, &source_id, error))
    return FALSE;
  entry->outcome = source_id > 0 ? TECHO_MERGE_MERGED : TECHO_MERGE_SKIPPED;
  return TRUE;
}

typedef struct
{
  gint64 profile_id;
  TechoProfile *new_profile;
  GPtrArray *entries;
  GPtrArray *notebooks;
  TechoMergeFlags flags;
  char *summary;
  TechoMergeExtras *extras; /* the caller's, who waits for the job; nullable */
} MergeRequest;

static void
merge_request_free (MergeRequest *request)
{
  g_clear_pointer (&request->entries, g_ptr_array_unref);
  g_clear_pointer (&request->notebooks, g_ptr_array_unref);
  g_clear_pointer (&request->new_profile, techo_profile_free);
  g_free (request->summary);
  g_free (request);
}

static gboolean
savepoint (TechoSqlite  *db,
           const char   *verb,
           guint         group,
           GError      **error)
{
  g_autofree char *sql = g_strdup_printf ("%s file_%u", verb, group);

  return techo_sqlite_exec (db, sql, error);
}

/* The notebook of @group in @notebooks (in group order, from *@k on). */
static TechoMergeNotebook *
notebook_of_group (GPtrArray *notebooks,
                   guint     *k,
                   guint      group)
{
  if (notebooks == NULL)
    return NULL;
  while (*k < notebooks->len
         && ((TechoMergeNotebook *) g_ptr_array_index (notebooks, *k))->group < group)
    (*k)++;
  if (*k < notebooks->len
      && ((TechoMergeNotebook *) g_ptr_array_index (notebooks, *k))->group == group)
    return g_ptr_array_index (notebooks, *k);
  return NULL;
}

static gboolean
needs_profile (MergeRequest *r)
{
  if (r->entries->len > 0)
    return TRUE;
  for (guint k = 0; r->notebooks != NULL && k < r->notebooks->len; k++)
    if (((TechoMergeNotebook *) g_ptr_array_index (r->notebooks, k))->entries->len > 0)
      return TRUE;
  return FALSE;
}

static gpointer
merge_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  MergeRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  gint64 now = techo_store_now ();
  gint64 import_id = 0;
  gint64 *result;
  guint n_changes = 0;
  guint i = 0, k = 0;

  if (r->entries->len > TECHO_RECORD_MAX_FILE_RECORDS)
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_INVALID,
                   "An import of %u records is more than the store takes at once.",
                   r->entries->len);
      return NULL;
    }
  if (r->new_profile == NULL && (r->profile_id > 0 || needs_profile (r)))
  {
    g_autoptr(TechoSqliteStatement) p = techo_sqlite_prepare (db, "SELECT 1 FROM profiles"
                                                                  " WHERE id = ?1", error);

    if (p == NULL)
      return NULL;
    techo_sqlite_bind_int64 (p, 1, r->profile_id);
    if (!techo_sqlite_step (p, &local_error))
      {
        if (local_error == NULL)
          techo_store_set_no_profile (error, r->profile_id);
        else
          techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                       "find the profile");
        return NULL;
      }
  }

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  /* A person made from the first file, in the same transaction. */
  if (r->new_profile != NULL)
    {
      const TechoProfile *p = r->new_profile;

      s = techo_sqlite_prepare (db, "INSERT INTO profiles (issuer, subject, name, name_kana,"
                                    " birth_date, sex, insurer_number, created_at)"
                                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &local_error);
      if (s == NULL)
        goto failed;
      techo_sqlite_bind_text (s, 1, p->issuer);
      techo_sqlite_bind_text (s, 2, p->subject);
      techo_sqlite_bind_text (s, 3, p->name);
      techo_sqlite_bind_text (s, 4, p->name_kana);
      techo_sqlite_bind_text (s, 5, p->birth_date);
      techo_sqlite_bind_text (s, 6, p->sex);
      techo_sqlite_bind_text (s, 7, p->insurer_number);
      techo_sqlite_bind_int64 (s, 8, now);
      if (!techo_sqlite_step_done (s, &local_error))
        goto failed;
      r->profile_id = techo_sqlite_last_insert_rowid (db);
      n_changes++;
      g_clear_pointer (&s, techo_sqlite_statement_free);
    }
  s = techo_sqlite_prepare (db, "INSERT INTO imports (at, profile_id, summary,"
                                " created_profile) VALUES (?1, ?2, ?3, ?4)", &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, now);
  if (r->profile_id > 0)
    techo_sqlite_bind_int64 (s, 2, r->profile_id);
  else
    techo_sqlite_bind_null (s, 2); /* only parts of multi-part data, nobody's yet */
  techo_sqlite_bind_text (s, 3, r->summary);
  techo_sqlite_bind_int64 (s, 4, r->new_profile != NULL);
  if (!techo_sqlite_step_done (s, &local_error))
    goto failed;
  import_id = techo_sqlite_last_insert_rowid (db);
  g_clear_pointer (&s, techo_sqlite_statement_free);

  /* One savepoint per file (group): its records, then its notebook. */
  for (;;)
    {
      guint group = G_MAXUINT;
      guint first = i;
      gboolean conflict = FALSE;
      TechoMergeNotebook *notebook;
      guint n_file = 0;

      if (i < r->entries->len)
        group = ((TechoMergeEntry *) g_ptr_array_index (r->entries, i))->group;
      if (r->notebooks != NULL && k < r->notebooks->len)
        group = MIN (group, ((TechoMergeNotebook *) g_ptr_array_index (r->notebooks, k))->group);
      if (group == G_MAXUINT)
        break;
      notebook = notebook_of_group (r->notebooks, &k, group);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          techo_sqlite_rollback (db);
          return NULL;
        }
      if (!savepoint (db, "SAVEPOINT", group, &local_error))
        goto failed;
      for (; i < r->entries->len; i++)
        {
          TechoMergeEntry *entry = g_ptr_array_index (r->entries, i);
          gboolean ok;

          if (entry->group != group)
            break;
          if (entry->category == TECHO_CATEGORY_CHECKUP)
            ok = merge_checkup (db, r->profile_id, entry, r->flags, import_id, now,
                                &local_error);
          else if (entry->category == TECHO_CATEGORY_MEDICATION)
            ok = merge_dispensing (db, r->profile_id, entry, import_id, now, &local_error);
          else
            ok = merge_screening (db, r->profile_id, entry, import_id, now, &local_error);
          if (!ok)
            goto failed;
          conflict = conflict || entry->outcome == TECHO_MERGE_CONFLICT;
        }
      /* A file with a conflict goes in whole or not at all. */
      if (conflict)
        {
          if (!savepoint (db, "ROLLBACK TO", group, &local_error))
            goto failed;
          for (guint j = first; j < i; j++)
            {
              TechoMergeEntry *entry = g_ptr_array_index (r->entries, j);

              if (entry->outcome != TECHO_MERGE_CONFLICT)
                entry->outcome = TECHO_MERGE_SKIPPED;
            }
        }
      else
        {
          for (guint j = first; j < i; j++)
            if (((TechoMergeEntry *) g_ptr_array_index (r->entries, j))->outcome
                != TECHO_MERGE_SKIPPED)
              n_file++;
          /* The notebook's entries and parts, in the file's savepoint. */
          if (notebook != NULL
              && !techo_store_notebook_write (db, r->profile_id, notebook, import_id, &n_file,
                                              &local_error))
            goto failed;
          n_changes += n_file;
        }
      if (notebook != NULL)
        k++;
      if (!savepoint (db, "RELEASE", group, &local_error))
        goto failed;
    }

  if ((r->flags & TECHO_MERGE_DRY_RUN) != 0)
    {
      techo_sqlite_rollback (db);
      return g_new0 (gint64, 2);
    }
  /* The 電子処方箋 rows supersede the claims rows of the same institution
   * and date, whichever import brought either; and the audit rows. Both in
   * this transaction: records, marks and log are committed together. */
  if (r->extras != NULL && r->extras->revise_prefix != NULL && r->profile_id > 0)
    {
      gint64 before = 0, after = 0;

      if (!techo_store_revise_in_transaction (db, r->profile_id, r->extras->revise_prefix,
                                              &before, &after, &local_error))
        goto failed;
      r->extras->n_revised = (guint) after;
      r->extras->n_newly_revised = after > before ? (guint) (after - before) : 0;
    }
  if (r->extras != NULL && r->extras->audit != NULL)
    {
      g_autoptr(GPtrArray) details = r->extras->audit (n_changes > 0 ? import_id : 0,
                                                       r->profile_id, r->extras->audit_data);

      for (guint j = 0; details != NULL && j < details->len; j++)
        {
          g_autoptr(TechoSqliteStatement) a = NULL;

          a = techo_sqlite_prepare_cached (db, "INSERT INTO audit_log (at, action, detail)"
                                               " VALUES (?1, 'import', ?2)", &local_error);
          if (a == NULL)
            goto failed;
          techo_sqlite_bind_int64 (a, 1, now);
          techo_sqlite_bind_text (a, 2, g_ptr_array_index (details, j));
          if (!techo_sqlite_step_done (a, &local_error))
            goto failed;
        }
    }
  /* Nothing changed: no import to undo. */
  if (n_changes == 0
      && !exec_bound (db, "DELETE FROM imports WHERE id = ?1 OR ?2 = 0", import_id, 1,
                      &local_error))
    goto failed;
  if (!techo_sqlite_commit (db, &local_error))
    goto failed;
  /* The import's id, and the profile's (made here or given). */
  result = g_new0 (gint64, 2);
  result[0] = n_changes > 0 ? import_id : 0;
  result[1] = r->profile_id;
  return result;

failed:
  techo_sqlite_rollback (db);
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "save the imported records");
  return NULL;
}

gint64
techo_store_merge_sync (TechoStore          *self,
                        gint64               profile_id,
                        const TechoProfile  *new_profile,
                        GPtrArray           *entries,
                        GPtrArray           *notebooks,
                        TechoMergeFlags      flags,
                        const char          *summary,
                        TechoMergeExtras    *extras,
                        gint64              *out_profile_id,
                        GCancellable        *cancellable,
                        GError             **error)
{
  MergeRequest *r;
  g_autofree gint64 *id = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (self), -1);
  g_return_val_if_fail (entries != NULL, -1);

  r = g_new0 (MergeRequest, 1);
  r->profile_id = profile_id;
  if (new_profile != NULL)
    {
      r->new_profile = techo_profile_new ();
      r->new_profile->issuer = g_strdup (new_profile->issuer);
      r->new_profile->subject = g_strdup (new_profile->subject);
      r->new_profile->name = g_strdup (new_profile->name);
      r->new_profile->name_kana = g_strdup (new_profile->name_kana);
      r->new_profile->birth_date = g_strdup (new_profile->birth_date);
      r->new_profile->sex = g_strdup (new_profile->sex);
      r->new_profile->insurer_number = g_strdup (new_profile->insurer_number);
    }
  r->entries = g_ptr_array_ref (entries);
  r->notebooks = notebooks != NULL ? g_ptr_array_ref (notebooks) : NULL;
  r->flags = flags;
  r->summary = g_strdup (summary);
  r->extras = extras;
  id = techo_store_run_sync (self, merge_job, r, (GDestroyNotify) merge_request_free,
                             cancellable, error);
  if (id == NULL)
    return -1;
  if (out_profile_id != NULL)
    *out_profile_id = id[1] > 0 ? id[1] : profile_id;
  return id[0];
}

/* ---- undo ---------------------------------------------------------------- */

/* Deletes profile @profile_id when nothing is left in it: no record, no
 * notebook entry or detail, no sync state (a portal person), no import
 * still in force. The undone imports stay in the history, nobody's. */
static gboolean
remove_empty_profile (TechoSqlite  *db,
                      gint64        profile_id,
                      gboolean     *out_removed,
                      GError      **error)
{
  static const char held_sql[] =
    "SELECT EXISTS (SELECT 1 FROM checkups WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM dispensings WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM screenings WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM notebook_entries WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM dispensing_details WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM sync_state WHERE profile_id = ?1)"
    " OR EXISTS (SELECT 1 FROM imports WHERE profile_id = ?1 AND undone_at IS NULL)"
    " OR EXISTS (SELECT 1 FROM profiles WHERE id = ?1 AND client_id IS NOT NULL)";
  g_autoptr(TechoSqliteStatement) held = techo_sqlite_prepare (db, held_sql, error);

  *out_removed = FALSE;
  if (held == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (held, 1, profile_id);
  if (!techo_sqlite_step (held, error))
    return error == NULL || *error == NULL;
  if (techo_sqlite_column_int64 (held, 0) != 0)
    return TRUE;
  if (!exec_bound (db, "UPDATE imports SET profile_id = NULL WHERE profile_id = ?1 OR ?2 = 0",
                   profile_id, 1, error)
      || !exec_bound (db, "DELETE FROM profiles WHERE id = ?1 OR ?2 = 0", profile_id, 1, error))
    return FALSE;
  *out_removed = techo_sqlite_changes (db) > 0;
  return TRUE;
}

static gpointer
undo_job (TechoStore    *self,
          TechoSqlite   *db,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(TechoUndoResult) result = g_new0 (TechoUndoResult, 1);
  gint64 profile_id;
  gboolean created_profile;
  static const char *const remove_rows[] = {
    "DELETE FROM checkups WHERE import_id = ?1 OR ?2 = 0",
    "DELETE FROM dispensings WHERE import_id = ?1 OR ?2 = 0",
    "DELETE FROM screenings WHERE import_id = ?1 OR ?2 = 0",
  };

  if (!techo_sqlite_begin (db, &local_error))
    goto failed;
  s = techo_sqlite_prepare (db, "SELECT id, at, summary, profile_id, created_profile"
                                " FROM imports WHERE undone_at IS NULL"
                                " AND (?1 = 0 OR id = ?1) ORDER BY id DESC LIMIT 1",
                            &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, r->profile_id);
  if (!techo_sqlite_step (s, &local_error))
    {
      if (local_error != NULL)
        goto failed;
      techo_sqlite_rollback (db);
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND,
                           "There is no import to undo.");
      return NULL;
    }
  result->import_id = techo_sqlite_column_int64 (s, 0);
  result->at = techo_sqlite_column_int64 (s, 1);
  result->summary = techo_sqlite_column_dup_text (s, 2);
  profile_id = techo_sqlite_column_int64 (s, 3);
  created_profile = techo_sqlite_column_int64 (s, 4) != 0;
  g_clear_pointer (&s, techo_sqlite_statement_free);

  /* What it replaced comes back: items, then the document. */
  if (!exec_bound (db, "DELETE FROM checkup_items WHERE checkup_row IN (SELECT checkup_row"
                       " FROM checkup_replaced c JOIN record_sources s ON s.id = c.source_id"
                       " WHERE s.import_id = ?1) OR ?2 = 0", result->import_id, 1,
                   &local_error)
      || !exec_bound (db, "INSERT INTO checkup_items (checkup_row, position, code, name,"
                          " value_type, value, unit, value_system, display, not_performed,"
                          " null_flavor, interpretation, reference_range, method_code,"
                          " other_values) SELECT c.checkup_row, h.position, h.code, h.name,"
                          " h.value_type, h.value, h.unit, h.value_system, h.display,"
                          " h.not_performed, h.null_flavor, h.interpretation,"
                          " h.reference_range, h.method_code, h.other_values"
                          " FROM checkup_item_history h"
                          " JOIN checkup_replaced c ON c.source_id = h.source_id"
                          " JOIN record_sources s ON s.id = c.source_id"
                          " WHERE s.import_id = ?1 OR ?2 = 0", result->import_id, 1,
                      &local_error)
      || !exec_bound (db, "INSERT OR REPLACE INTO documents (checkup_row, content, saved_at)"
                          " SELECT c.checkup_row, c.old_document, ?2"
                          " FROM checkup_replaced c JOIN record_sources s ON s.id = c.source_id"
                          " WHERE s.import_id = ?1 AND c.old_document IS NOT NULL",
                      result->import_id, techo_store_now (), &local_error))
    goto failed;
  s = techo_sqlite_prepare (db, "SELECT count(*) FROM checkup_replaced c"
                                " JOIN record_sources s ON s.id = c.source_id"
                                " WHERE s.import_id = ?1", &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_int64 (s, 1, result->import_id);
  if (!techo_sqlite_step (s, &local_error))
    goto failed;
  result->n_restored = (guint) techo_sqlite_column_int64 (s, 0);
  g_clear_pointer (&s, techo_sqlite_statement_free);

  for (guint i = 0; i < G_N_ELEMENTS (remove_rows); i++)
    {
      if (!exec_bound (db, remove_rows[i], result->import_id, 1, &local_error))
        goto failed;
      result->n_removed += techo_sqlite_changes (db);
    }
  /* A medication row that goes (a 電子処方箋 row) no longer hides the row
   * it revised. */
  if (!techo_sqlite_exec (db, "UPDATE dispensings SET revised_by = NULL"
                              " WHERE revised_by IS NOT NULL AND NOT EXISTS (SELECT 1"
                              " FROM dispensings AS n WHERE n.profile_id = dispensings.profile_id"
                              " AND n.id = dispensings.revised_by)", &local_error))
    goto failed;
  /* What a notebook file added beside its rows: details, entries, parts. */
  if (!techo_store_notebook_undo (db, result->import_id, &result->n_entries, &result->n_parts,
                                  &local_error))
    goto failed;
  if (!exec_bound (db, "DELETE FROM record_sources WHERE import_id = ?1 OR ?2 = 0",
                   result->import_id, 1, &local_error))
    goto failed;
  result->n_sources = techo_sqlite_changes (db);
  if (!exec_bound (db, "UPDATE imports SET undone_at = ?2 WHERE id = ?1", result->import_id,
                   techo_store_now (), &local_error))
    goto failed;
  /* The person this import made goes too, unless something else is in
   * the profile now (a later import, a sync, the user's own entries). */
  if (created_profile && profile_id > 0
      && !remove_empty_profile (db, profile_id, &result->profile_removed, &local_error))
    goto failed;
  if (!techo_sqlite_commit (db, &local_error))
    goto failed;
  return g_steal_pointer (&result);

failed:
  techo_sqlite_rollback (db);
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "undo the import");
  return NULL;
}

TechoUndoResult *
techo_store_undo_import_sync (TechoStore    *self,
                              gint64         import_id,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (self), NULL);

  /* The request's profile field carries the import id. */
  return techo_store_run_sync (self, undo_job, techo_store_request_new (import_id),
                               (GDestroyNotify) techo_store_request_free, cancellable, error);
}

static void
undo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  TechoUndoResult *result = techo_store_undo_import_sync (source_object,
                                                          *(gint64 *) task_data,
                                                          cancellable, &error);

  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) techo_undo_result_free);
  else
    g_task_return_error (task, error);
}

void
techo_store_undo_import_async (TechoStore          *self,
                               gint64               import_id,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  gint64 *id = g_new (gint64, 1);

  *id = import_id;
  g_task_set_source_tag (task, techo_store_undo_import_async);
  g_task_set_task_data (task, id, g_free);
  g_task_run_in_thread (task, undo_thread);
}

TechoUndoResult *
techo_store_undo_import_finish (TechoStore    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- sources ------------------------------------------------------------- */

static gpointer
list_sources_job (TechoStore    *self,
                  TechoSqlite   *db,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  TechoStoreRequest *r = data;
  static const char *const tables[] = { "checkups", "dispensings", "screenings" };
  g_autofree char *sql = NULL;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) local_error = NULL;

  /* A dispensing from the portal alone has no row in record_sources
   * (techo_store_add_source): its one source is the portal's, as the
   * row says. */
  sql = g_strdup_printf ("SELECT s.event, s.origin, s.record_id, s.file_name, s.file_sha256,"
                         " s.added_at, ifnull ((SELECT n_changed FROM checkup_replaced"
                         " WHERE source_id = s.id), 0), s.id FROM record_sources s"
                         " JOIN %s t ON t.row_id = s.record_row"
                         " WHERE s.category = ?3 AND t.profile_id = ?1 AND t.id = ?2"
                         " UNION ALL SELECT 'source', 'portal', t.id, '', '', t.received_at, 0, 0"
                         " FROM %s t WHERE ?3 = 'medication' AND t.profile_id = ?1"
                         " AND t.id = ?2 AND t.origin = 'portal' AND NOT EXISTS (SELECT 1"
                         " FROM record_sources s WHERE s.category = ?3"
                         " AND s.record_row = t.row_id)"
                         " ORDER BY 6, 8", tables[r->category], tables[r->category]);
  sources = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_record_source_free);
  s = techo_sqlite_prepare (db, sql, &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, r->first);
      techo_sqlite_bind_text (s, 3, techo_category_to_string (r->category));
      while (techo_sqlite_step (s, &local_error))
        {
          TechoRecordSource *source = g_new0 (TechoRecordSource, 1);
          const char *origin = techo_sqlite_column_text (s, 1);

          source->event = techo_sqlite_column_dup_text (s, 0);
          source->origin = g_strcmp0 (origin, "file") == 0 ? TECHO_ORIGIN_FILE
                         : g_strcmp0 (origin, "manual") == 0 ? TECHO_ORIGIN_MANUAL
                         : TECHO_ORIGIN_PORTAL;
          source->record_id = techo_sqlite_column_dup_text (s, 2);
          source->file_name = techo_sqlite_column_dup_text (s, 3);
          source->file_sha256 = techo_sqlite_column_dup_text (s, 4);
          source->added_at = techo_sqlite_column_int64 (s, 5);
          source->n_changed = (guint) techo_sqlite_column_int64 (s, 6);
          g_ptr_array_add (sources, source);
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error), "list the sources");
      return NULL;
    }
  return g_steal_pointer (&sources);
}

static TechoStoreRequest *
sources_request (gint64         profile_id,
                 TechoCategory  category,
                 const char    *record_id)
{
  TechoStoreRequest *r = techo_store_request_new (profile_id);

  r->category = category;
  r->first = g_strdup (record_id);
  return r;
}

GPtrArray *
techo_store_list_sources_sync (TechoStore    *self,
                               gint64         profile_id,
                               TechoCategory  category,
                               const char    *record_id,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_return_val_if_fail (category < TECHO_N_CATEGORIES && record_id != NULL, NULL);
  return techo_store_run_sync (self, list_sources_job,
                               sources_request (profile_id, category, record_id),
                               (GDestroyNotify) techo_store_request_free, cancellable, error);
}

void
techo_store_list_sources_async (TechoStore          *self,
                                gint64               profile_id,
                                TechoCategory        category,
                                const char          *record_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (category < TECHO_N_CATEGORIES && record_id != NULL);
  techo_store_run_async (self, list_sources_job,
                         sources_request (profile_id, category, record_id),
                         (GDestroyNotify) techo_store_request_free,
                         (GDestroyNotify) g_ptr_array_unref, techo_store_list_sources_async,
                         cancellable, callback, user_data);
}

GPtrArray *
techo_store_list_sources_finish (TechoStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_sources_async, error);
}

/* ---- the sources of each value ------------------------------------------ */

static gpointer
list_item_sources_job (TechoStore    *self,
                       TechoSqlite   *db,
                       gpointer       data,
                       GCancellable  *cancellable,
                       GError       **error)
{
  TechoStoreRequest *r = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GHashTable) by_code = NULL;
  g_autoptr(GError) local_error = NULL;

  by_code = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                   (GDestroyNotify) g_ptr_array_unref);
  s = techo_sqlite_prepare (db,
                            "SELECT i.code, s.event, s.origin, s.record_id, s.file_name,"
                            " s.file_sha256, s.added_at FROM checkup_item_sources i"
                            " JOIN record_sources s ON s.id = i.source_id"
                            " JOIN checkups t ON t.row_id = i.checkup_row"
                            " WHERE t.profile_id = ?1 AND t.id = ?2 AND i.replaced_by IS NULL"
                            " ORDER BY i.code, s.added_at, s.id", &local_error);
  if (s != NULL)
    {
      techo_sqlite_bind_int64 (s, 1, r->profile_id);
      techo_sqlite_bind_text (s, 2, r->first);
      while (techo_sqlite_step (s, &local_error))
        {
          const char *code = techo_sqlite_column_text (s, 0);
          const char *origin = techo_sqlite_column_text (s, 2);
          TechoRecordSource *source = g_new0 (TechoRecordSource, 1);
          GPtrArray *list = g_hash_table_lookup (by_code, code);

          if (list == NULL)
            {
              list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_record_source_free);
              g_hash_table_insert (by_code, g_strdup (code), list);
            }
          source->event = techo_sqlite_column_dup_text (s, 1);
          source->origin = g_strcmp0 (origin, "file") == 0 ? TECHO_ORIGIN_FILE
                         : g_strcmp0 (origin, "manual") == 0 ? TECHO_ORIGIN_MANUAL
                         : TECHO_ORIGIN_PORTAL;
          source->record_id = techo_sqlite_column_dup_text (s, 3);
          source->file_name = techo_sqlite_column_dup_text (s, 4);
          source->file_sha256 = techo_sqlite_column_dup_text (s, 5);
          source->added_at = techo_sqlite_column_int64 (s, 6);
          g_ptr_array_add (list, source);
        }
    }
  if (local_error != NULL)
    {
      techo_store_propagate_error (error, g_steal_pointer (&local_error),
                                   "list the sources of the values");
      return NULL;
    }
  return g_steal_pointer (&by_code);
}

GHashTable *
techo_store_list_item_sources_sync (TechoStore    *self,
                                    gint64         profile_id,
                                    const char    *checkup_id,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  g_return_val_if_fail (checkup_id != NULL, NULL);
  return techo_store_run_sync (self, list_item_sources_job,
                               sources_request (profile_id, TECHO_CATEGORY_CHECKUP, checkup_id),
                               (GDestroyNotify) techo_store_request_free, cancellable, error);
}

void
techo_store_list_item_sources_async (TechoStore          *self,
                                     gint64               profile_id,
                                     const char          *checkup_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_return_if_fail (checkup_id != NULL);
  techo_store_run_async (self, list_item_sources_job,
                         sources_request (profile_id, TECHO_CATEGORY_CHECKUP, checkup_id),
                         (GDestroyNotify) techo_store_request_free,
                         (GDestroyNotify) g_hash_table_unref,
                         techo_store_list_item_sources_async, cancellable, callback, user_data);
}

GHashTable *
techo_store_list_item_sources_finish (TechoStore    *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_list_item_sources_async, error);
}
