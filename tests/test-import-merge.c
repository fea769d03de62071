/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CDA checkup files as issued, and merge-never-duplicate, on a real store:
 * CDA files the test writes from the hc08 layout (several <value>s of one
 * observation, nullFlavor, interpretationCode with referenceRange,
 * methodCode, the judging doctor, the insurer's 記号・番号 and address, a
 * 保健指導 report, no body, an exam date given as low/high, a corrected
 * re-issue, a file about someone else); the sandbox's portal checkup then
 * its CDA document (one row, two sources); a JAHIS file twice by different
 * names (one row per drug line); undo, dry run, and techo-cli import's
 * --json, --replace, --profile and --undo. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-cda.h"
#include "techo-fhir.h"
#include "techo-import.h"
#include "techo-sandbox-data.h"
#include "techo-sqlite.h"
#include "techo-store.h"
#include "techo-store-schema.h"
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

  f->store = techo_test_store_open ("techo-merge-XXXXXX", &f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  techo_test_store_close (g_steal_pointer (&f->store), f->dir);
  g_free (f->dir);
}

/* The options of one hand-made hc08 file. */
typedef struct
{
  const char *report_kind;  /* 10 特定健診; 2x 保健指導 */
  const char *time;         /* the serviceEvent's effectiveTime element */
  const char *name;         /* kanji */
  const char *birth;        /* YYYYMMDD */
  const char *hba1c;        /* HbA1c value */
  gboolean body;
} Layout;

static const Layout standard = {
  "10", "<effectiveTime value=\"20260615\"/>", "健診 太郎", "19700310", "6.6", TRUE
};

/* A 特定健診 CDA document as the hc08 layout writes it (clinical
 * reference §5), with what the wild adds: a coded H beside the number,
 * nullFlavor, the laboratory's flag and range, a method code. */
static char *
cda_text (const Layout *l)
{
  GString *xml = g_string_new (NULL);

  g_string_append_printf (xml,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ClinicalDocument xmlns=\"urn:hl7-org:v3\""
    " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
    " <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>\n"
    " <id root=\"1.2.392.200119.6.1.1312345678\" extension=\"H-2026-0615-001\"/>\n"
    " <code code=\"%s\" codeSystem=\"1.2.392.200119.6.1001\"/>\n"
    " <effectiveTime value=\"20260620\"/>\n"
    " <recordTarget><patientRole>\n"
    "  <id root=\"1.2.392.200119.6.101\" extension=\"06139999\"/>\n"
    "  <id root=\"1.2.392.200119.6.204\" extension=\"記号12\"/>\n"
    "  <id root=\"1.2.392.200119.6.205\" extension=\"3456\"/>\n"
    "  <addr><postalCode>100-0001</postalCode>\n"
    "   <streetAddressLine>東京都千代田区千代田1-1</streetAddressLine></addr>\n"
    "  <patient>\n"
    "   <name use=\"IDE\">%s</name>\n"
    "   <name use=\"SYL\">ケンシン タロウ</name>\n"
    "   <administrativeGenderCode code=\"1\" codeSystem=\"1.2.392.200119.6.1104\"/>\n"
    "   <birthTime value=\"%s\"/>\n"
    "  </patient>\n"
    " </patientRole></recordTarget>\n"
    " <author><time value=\"20260620\"/><assignedAuthor>\n"
    "  <id nullFlavor=\"NI\"/>\n"
    "  <representedOrganization>\n"
    "   <id root=\"1.2.392.200119.6.102\" extension=\"1312345678\"/>\n"
    "   <name>テスト健診センター</name>\n"
    "  </representedOrganization>\n"
    " </assignedAuthor></author>\n"
    " <legalAuthenticator><time value=\"20260620\"/><signatureCode code=\"S\"/>\n"
    "  <assignedEntity><id nullFlavor=\"NI\"/><assignedPerson><name>\n"
    "   <family>判定</family><given>医師</given></name></assignedPerson>\n"
    "  </assignedEntity></legalAuthenticator>\n"
    " <documentationOf><serviceEvent>\n"
    "  <code code=\"010\" codeSystem=\"1.2.392.200119.6.1002\"/>\n"
    "  %s\n"
    " </serviceEvent></documentationOf>\n",
    l->report_kind, l->name, l->birth, l->time);
  if (l->body)
    g_string_append_printf (xml,
      " <component><structuredBody><component><section>\n"
      "  <code code=\"01010\" codeSystem=\"1.2.392.200119.6.1010\"/>\n"
      "  <entry><observation classCode=\"OBS\" moodCode=\"EVN\">\n"
      "   <code code=\"9N001000000000001\" codeSystem=\"1.2.392.200119.6.1005\""
      " displayName=\"身長\"/>\n"
      "   <value xsi:type=\"PQ\" value=\"170.2\" unit=\"cm\"/>\n"
      "  </observation></entry>\n"
      /* The coded H first, the number after it: both are kept. */
      "  <entry><observation classCode=\"OBS\" moodCode=\"EVN\">\n"
      "   <code code=\"3D046000001906202\" codeSystem=\"1.2.392.200119.6.1005\""
      " displayName=\"HbA1c\"/>\n"
      "   <methodCode code=\"1\" codeSystem=\"1.2.392.200119.6.1005\"/>\n"
      "   <value xsi:type=\"CD\" code=\"H\" codeSystem=\"2.16.840.1.113883.5.83\"/>\n"
      "   <value xsi:type=\"PQ\" value=\"%s\" unit=\"%%\"/>\n"
      "   <referenceRange><observationRange><value xsi:type=\"IVL_PQ\">\n"
      "    <low value=\"4.6\" unit=\"%%\"/><high value=\"6.2\" unit=\"%%\"/>\n"
      "   </value></observationRange></referenceRange>\n"
      "  </observation></entry>\n"
      /* The laboratory flags N where the national threshold says high. */
      "  <entry><observation classCode=\"OBS\" moodCode=\"EVN\">\n"
      "   <code code=\"9A751000000000001\" codeSystem=\"1.2.392.200119.6.1005\""
      " displayName=\"収縮期血圧(その他)\"/>\n"
      "   <value xsi:type=\"PQ\" value=\"142\" unit=\"mmHg\"/>\n"
      "   <interpretationCode code=\"N\" codeSystem=\"2.16.840.1.113883.5.83\"/>\n"
      "   <referenceRange><observationRange><text>〜139</text></observationRange>"
      "</referenceRange>\n"
      "  </observation></entry>\n"
      /* No information, which is not "not performed". */
      "  <entry><observation classCode=\"OBS\" moodCode=\"EVN\">\n"
      "   <code code=\"3F015000002327101\" codeSystem=\"1.2.392.200119.6.1005\""
      " displayName=\"中性脂肪\"/>\n"
      "   <value xsi:type=\"PQ\" nullFlavor=\"NI\"/>\n"
      "  </observation></entry>\n"
      "  <entry><observation classCode=\"OBS\" moodCode=\"EVN\" negationInd=\"true\">\n"
      "   <code code=\"3F070000002327101\" codeSystem=\"1.2.392.200119.6.1005\""
      " displayName=\"HDLコレステロール\"/>\n"
      "  </observation></entry>\n"
      " </section></component></structuredBody></component>\n", l->hba1c);
  g_string_append (xml, "</ClinicalDocument>\n");
  return g_string_free (xml, FALSE);
}

static char *
write_cda (Fixture      *f,
           const char   *name,
           const Layout *layout)
{
  g_autofree char *text = cda_text (layout);

  return techo_test_write_file (f->dir, name, text, -1);
}

static TechoImportReport *
import_one (Fixture          *f,
            const char       *path,
            gint64            profile_id,
            TechoImportFlags  flags)
{
  const char *paths[] = { path, NULL };
  g_autoptr(GError) error = NULL;
  TechoImportReport *report;

  report = techo_import_paths_sync (f->store, profile_id, paths, flags, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->files->len, ==, 1);
  return report;
}

static TechoImportFile *
first_file (TechoImportReport *report)
{
  return g_ptr_array_index (report->files, 0);
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

static GPtrArray *
checkups (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list = techo_store_list_checkups_sync (f->store, 0, 0, NULL, &error);

  g_assert_no_error (error);
  return list;
}

static void
test_cda_as_issued (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = write_cda (f, "h1312345678202606150100001.xml", &standard);
  g_autoptr(TechoImportReport) report = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_autoptr(GPtrArray) list = NULL;
  const TechoCheckup *checkup;
  const TechoItem *item;

  g_assert_cmpint (first_file (report)->status, ==, TECHO_IMPORT_FILE_READ);
  g_assert_cmpuint (first_file (report)->n_added, ==, 1);
  g_assert_cmpuint (first_file (report)->notes->len, ==, 0);
  g_assert_cmpint (report->import_id, >, 0);

  list = checkups (f);
  g_assert_cmpuint (list->len, ==, 1);
  checkup = g_ptr_array_index (list, 0);
  g_assert_cmpstr (checkup->doctor_name, ==, "判定 医師");
  g_assert_cmpstr (checkup->insurer_symbol, ==, "記号12");
  g_assert_cmpstr (checkup->insurer_card_number, ==, "3456");
  g_assert_cmpstr (checkup->patient_address, ==, "100-0001 東京都千代田区千代田1-1");
  g_assert_cmpuint (checkup->items->len, ==, 5);

  /* The number beside the coded H is the value; the H is kept too. */
  item = techo_checkup_find_item (checkup, "3D046000001906202");
  g_assert_cmpstr (item->value, ==, "6.6");
  g_assert_cmpstr (item->unit, ==, "%");
  g_assert_cmpstr (item->interpretation, ==, "H");
  g_assert_cmpstr (item->reference_range, ==, "4.6-6.2 %");
  g_assert_cmpstr (item->method_code, ==, "1");
  g_assert_nonnull (item->other_values);
  g_assert_true (g_str_has_prefix (item->other_values, "CD\tH\t2.16.840.1.113883.5.83"));

  item = techo_checkup_find_item (checkup, "9A751000000000001");
  g_assert_cmpstr (item->value, ==, "142");
  g_assert_cmpstr (item->interpretation, ==, "N");
  g_assert_cmpstr (item->reference_range, ==, "〜139");

  /* nullFlavor is not "not performed", and negationInd is. */
  item = techo_checkup_find_item (checkup, "3F015000002327101");
  g_assert_null (item->value);
  g_assert_cmpstr (item->null_flavor, ==, "NI");
  g_assert_false (item->not_performed);
  item = techo_checkup_find_item (checkup, "3F070000002327101");
  g_assert_true (item->not_performed);
  g_assert_null (item->null_flavor);

  /* Written back (Save Official File…) and read again, NI stays NI. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TechoCheckup) again = NULL;
    g_autofree char *xml = NULL;
    gsize length = 0;

    xml = techo_cda_write_checkup (checkup, NULL, &length, &error);
    g_assert_no_error (error);
    again = techo_cda_read (xml, length, NULL, NULL, &error);
    g_assert_no_error (error);
    item = techo_checkup_find_item (again, "3F015000002327101");
    g_assert_cmpstr (item->null_flavor, ==, "NI");
    g_assert_false (item->not_performed);
    g_assert_true (techo_checkup_find_item (again, "3F070000002327101")->not_performed);
  }
}

static void
assert_refused (Fixture     *f,
                const char  *name,
                const Layout *layout,
                GQuark       domain,
                int          code,
                const char  *words)
{
  g_autofree char *path = write_cda (f, name, layout);
  g_autoptr(TechoImportReport) report = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  TechoImportFile *file = first_file (report);

  g_assert_cmpint (file->status, ==, TECHO_IMPORT_FILE_REFUSED);
  g_assert_error (file->error, domain, code);
  g_assert_nonnull (strstr (file->error->message, words));
  g_assert_cmpint (report->import_id, ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 0);
}

/* A 保健指導 report (hg08, report kind 2x) is kept as a guidance record:
 * not a checkup (not counted, not listed, not analysed, never merged with
 * the checkup of that day and institution), in the record set's guidance;
 * undone like any import. */
static void
test_guidance (Fixture       *f,
               gconstpointer  data)
{
  Layout guidance = standard;
  g_autofree char *hg08 = NULL;
  g_autofree char *checkup = write_cda (f, "checkup.xml", &standard);
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(TechoImportReport) second = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autoptr(GError) error = NULL;
  const TechoCheckup *record;

  guidance.report_kind = "20";
  hg08 = write_cda (f, "hg08.xml", &guidance);
  report = import_one (f, hg08, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpint (first_file (report)->status, ==, TECHO_IMPORT_FILE_READ);
  g_assert_cmpuint (first_file (report)->n_added, ==, 1);
  g_assert_cmpuint (first_file (report)->notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (first_file (report)->notes, 0), "特定保健指導"));
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 0);

  /* The checkup of the same day and institution: a row of its own. */
  second = import_one (f, checkup, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (first_file (second)->n_added, ==, 1);
  g_assert_cmpuint (first_file (second)->n_merged, ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);

  set = techo_store_read_records_sync (f->store, report->profile_id, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (set->checkups->len, ==, 1);
  g_assert_cmpstr (((TechoCheckup *) g_ptr_array_index (set->checkups, 0))->report_kind, ==,
                   "10");
  g_assert_cmpuint (set->guidance->len, ==, 1);
  record = g_ptr_array_index (set->guidance, 0);
  g_assert_cmpstr (record->report_kind, ==, "20");
  g_assert_true (techo_cda_is_guidance (record));
  g_assert_cmpuint (record->items->len, >, 0);
  g_assert_cmpstr (record->provenance.file_name, ==, "hg08.xml");

  /* Undo both: nothing left, of either kind. */
  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&undone, techo_undo_result_free);
  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->n_removed, ==, 1);
  /* The first import had made the person: with nothing left, it goes too. */
  g_assert_true (undone->profile_removed);
  g_clear_pointer (&set, techo_record_set_unref);
  set = techo_store_read_records_sync (f->store, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (set->profile);
  g_assert_cmpuint (set->guidance->len + set->checkups->len, ==, 0);
}

static void
test_cda_refused (Fixture       *f,
                  gconstpointer  data)
{
  Layout empty = standard, low = standard, high = standard;
  g_autoptr(TechoImportReport) report = NULL;
  g_autofree char *low_path = NULL;
  g_autofree char *high_path = NULL;
  g_autoptr(GPtrArray) list = NULL;

  empty.body = FALSE;
  assert_refused (f, "empty.xml", &empty, TECHO_CDA_ERROR, TECHO_CDA_ERROR_INVALID,
                  "has no results");

  /* A period instead of a day: the date from low, and the file says so. */
  low.time = "<effectiveTime><low value=\"20260601\"/><high value=\"20260630\"/></effectiveTime>";
  low_path = write_cda (f, "low.xml", &low);
  report = import_one (f, low_path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpint (first_file (report)->status, ==, TECHO_IMPORT_FILE_READ);
  g_assert_cmpuint (first_file (report)->notes->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (first_file (report)->notes, 0),
                            "effectiveTime/low"));
  list = checkups (f);
  g_assert_cmpstr (((TechoCheckup *) g_ptr_array_index (list, 0))->performed_on, ==,
                   "2026-06-01");
  g_clear_pointer (&report, techo_import_report_free);

  high.time = "<effectiveTime><high value=\"20260702\"/></effectiveTime>";
  high_path = write_cda (f, "high.xml", &high);
  report = import_one (f, high_path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_nonnull (strstr (g_ptr_array_index (first_file (report)->notes, 0),
                            "effectiveTime/high"));
}

static const TechoRecordSource *
find_source (GPtrArray  *sources,
             const char *event,
             TechoOrigin origin)
{
  for (guint i = 0; i < sources->len; i++)
    {
      const TechoRecordSource *s = g_ptr_array_index (sources, i);

      if (g_strcmp0 (s->event, event) == 0 && s->origin == origin)
        return s;
    }
  return NULL;
}

/* The portal's checkup, then the portal's CDA of it: one row, two sources. */
static void
test_portal_then_cda (Fixture       *f,
                      gconstpointer  data)
{
  TechoSandboxDataOptions options;
  g_autoptr(GPtrArray) citizens = NULL;
  TechoSandboxCitizen *citizen;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(TechoImportReport) again = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  const TechoCheckup *checkup;
  gint64 profile_id = 0, before;
  gsize length = 0;

  techo_sandbox_data_options_init (&options);
  citizens = techo_sandbox_citizens_new (&options);
  citizen = techo_sandbox_citizens_find (citizens, "yamada");
  g_assert_nonnull (citizen);
  techo_sandbox_citizen_ensure (citizen);
  g_assert_true (techo_store_ensure_profile_sync (f->store, citizen->profile, &profile_id, NULL,
                                                  &error));
  g_assert_no_error (error);

  /* What a sync stores: every published checkup, from the portal. */
  page = g_ptr_array_new ();
  for (guint i = 0; i < citizen->records[TECHO_CATEGORY_CHECKUP]->len; i++)
    g_ptr_array_add (page, g_ptr_array_index (citizen->records[TECHO_CATEGORY_CHECKUP], i));
  g_assert_cmpuint (page->len, >, 0);
  g_assert_true (techo_store_upsert_page_sync (f->store, profile_id, TECHO_CATEGORY_CHECKUP,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
  before = count (f->store, TECHO_STORE_COUNT_CHECKUP);

  /* The document the sandbox serves for the newest one, saved as a file. */
  checkup = g_ptr_array_index (page, page->len - 1);
  xml = techo_cda_write_checkup (checkup, citizen->profile, &length, &error);
  g_assert_no_error (error);
  path = techo_test_write_file (f->dir, "portal-download.xml", xml, -1);

  report = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpint (first_file (report)->status, ==, TECHO_IMPORT_FILE_READ);
  g_assert_cmpuint (first_file (report)->n_added, ==, 0);
  g_assert_cmpuint (first_file (report)->n_merged, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, before);

  sources = techo_store_list_sources_sync (f->store, profile_id, TECHO_CATEGORY_CHECKUP,
                                           checkup->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 2);
  g_assert_cmpstr (find_source (sources, "source", TECHO_ORIGIN_PORTAL)->record_id, ==,
                   checkup->id);
  g_assert_cmpstr (find_source (sources, "source", TECHO_ORIGIN_FILE)->file_name, ==,
                   "portal-download.xml");

  /* The same file again: skipped, nothing new. */
  again = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (first_file (again)->n_skipped, ==, 1);
  g_assert_cmpint (again->import_id, ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, before);

  /* The same checkups as a FHIR bundle (Techo's own export of them): still
   * one row each, and every value of the one that came three ways lists
   * its three sources (the portal, the CDA file, the FHIR bundle). */
  {
    g_autoptr(TechoRecordSet) set = techo_store_read_records_sync (f->store, profile_id, NULL,
                                                                   NULL, &error);
    g_autofree char *json = NULL;
    g_autofree char *bundle = NULL;
    g_autoptr(TechoImportReport) fhir = NULL;
    g_autoptr(GHashTable) by_code = NULL;
    g_autoptr(TechoUndoResult) undone = NULL;

    g_assert_no_error (error);
    json = techo_fhir_export (set, TECHO_FHIR_NONE, &error);
    g_assert_no_error (error);
    bundle = techo_test_write_file (f->dir, "bundle.json", json, -1);
    fhir = import_one (f, bundle, 0, TECHO_IMPORT_FLAGS_NONE);
    g_assert_cmpint (first_file (fhir)->status, ==, TECHO_IMPORT_FILE_READ);
    g_assert_cmpuint (first_file (fhir)->n_added, ==, 0);
    g_assert_cmpuint (first_file (fhir)->n_merged, ==, (guint) before);
    g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, before);

    by_code = techo_store_list_item_sources_sync (f->store, profile_id, checkup->id, NULL,
                                                  &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (by_code), >, 0);
    for (guint i = 0; i < checkup->items->len; i++)
      {
        const TechoItem *item = g_ptr_array_index (checkup->items, i);
        GPtrArray *list = g_hash_table_lookup (by_code, item->code);
        gboolean portal = FALSE, cda = FALSE, json_file = FALSE;

        g_assert_nonnull (list);
        g_assert_cmpuint (list->len, ==, 3);
        for (guint j = 0; j < list->len; j++)
          {
            const TechoRecordSource *source = g_ptr_array_index (list, j);

            portal = portal || source->origin == TECHO_ORIGIN_PORTAL;
            cda = cda || g_strcmp0 (source->file_name, "portal-download.xml") == 0;
            json_file = json_file || g_strcmp0 (source->file_name, "bundle.json") == 0;
          }
        g_assert_true (portal && cda && json_file);
      }

    /* Undoing the bundle's import takes its source off every value. */
    undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
    g_assert_no_error (error);
    g_clear_pointer (&by_code, g_hash_table_unref);
    by_code = techo_store_list_item_sources_sync (f->store, profile_id, checkup->id, NULL,
                                                  &error);
    g_assert_no_error (error);
    for (guint i = 0; i < checkup->items->len; i++)
      g_assert_cmpuint (((GPtrArray *) g_hash_table_lookup (
                          by_code, ((TechoItem *) g_ptr_array_index (checkup->items, i))->code))
                        ->len, ==, 2);

    /* A newer portal revision that changes one value: the file no longer
     * vouches for that value; the others keep both sources. */
    {
      TechoCheckup *revised = (TechoCheckup *) checkup;
      TechoItem *changed = NULL;
      g_autoptr(GPtrArray) one = g_ptr_array_new ();

      for (guint i = 0; i < revised->items->len && changed == NULL; i++)
        {
          TechoItem *item = g_ptr_array_index (revised->items, i);

          if (item->value != NULL && item->type == TECHO_VALUE_PQ)
            changed = item;
        }
      g_assert_nonnull (changed);
      g_free (changed->value);
      changed->value = g_strdup ("999");
      revised->revision++;
      g_ptr_array_add (one, revised);
      g_assert_true (techo_store_upsert_page_sync (f->store, profile_id, TECHO_CATEGORY_CHECKUP,
                                                   one, NULL, NULL, &error));
      g_assert_no_error (error);
      g_clear_pointer (&by_code, g_hash_table_unref);
      by_code = techo_store_list_item_sources_sync (f->store, profile_id, checkup->id, NULL,
                                                    &error);
      g_assert_no_error (error);
      for (guint i = 0; i < revised->items->len; i++)
        {
          const TechoItem *item = g_ptr_array_index (revised->items, i);
          GPtrArray *list = g_hash_table_lookup (by_code, item->code);

          g_assert_nonnull (list);
          g_assert_cmpuint (list->len, ==, item == changed ? 1 : 2);
          if (item == changed)
            g_assert_cmpint (((TechoRecordSource *) g_ptr_array_index (list, 0))->origin, ==,
                             TECHO_ORIGIN_PORTAL);
        }
    }
  }
}

/* The other way round: the CDA file first, then the portal's sync of the
 * same checkup: still one row, and undoing the file keeps it. */
static void
test_cda_then_portal (Fixture       *f,
                      gconstpointer  data)
{
  TechoSandboxDataOptions options;
  g_autoptr(GPtrArray) citizens = NULL;
  TechoSandboxCitizen *citizen;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) page = g_ptr_array_new ();
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *path = NULL;
  const TechoCheckup *checkup;
  gint64 profile_id = 0;
  gsize length = 0;

  techo_sandbox_data_options_init (&options);
  citizens = techo_sandbox_citizens_new (&options);
  citizen = techo_sandbox_citizens_find (citizens, "yamada");
  techo_sandbox_citizen_ensure (citizen);
  g_assert_true (techo_store_ensure_profile_sync (f->store, citizen->profile, &profile_id, NULL,
                                                  &error));
  g_assert_no_error (error);
  checkup = g_ptr_array_index (citizen->records[TECHO_CATEGORY_CHECKUP], 0);
  xml = techo_cda_write_checkup (checkup, citizen->profile, &length, &error);
  g_assert_no_error (error);
  path = techo_test_write_file (f->dir, "downloaded.xml", xml, -1);
  report = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (first_file (report)->n_added, ==, 1);

  g_ptr_array_add (page, (gpointer) checkup);
  g_assert_true (techo_store_upsert_page_sync (f->store, profile_id, TECHO_CATEGORY_CHECKUP,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  list = checkups (f);
  g_assert_cmpstr (((TechoCheckup *) g_ptr_array_index (list, 0))->id, ==, checkup->id);
  sources = techo_store_list_sources_sync (f->store, profile_id, TECHO_CATEGORY_CHECKUP,
                                           checkup->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 2);
  g_assert_nonnull (find_source (sources, "source", TECHO_ORIGIN_FILE));
  g_assert_nonnull (find_source (sources, "source", TECHO_ORIGIN_PORTAL));

  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->n_removed, ==, 0);
  g_assert_cmpuint (undone->n_sources, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
}

/* A JAHIS file, then a copy under another name with one more line:
 * the known lines merge, the new one is added. */
static void
test_dispensing_merge (Fixture       *f,
                       gconstpointer  data)
{
  static const char first[] =
    "JAHISTC08,1\n1,手帳 花子,2,19750402\n5,20260905,1\n"
    "11,みなと薬局,13,4,1234567\n201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n"
    "301,1,1日1回朝食後,28,日分,1,1,,1\n";
  static const char second[] =
    "JAHISTC08,1\n1,手帳 花子,2,19750402\n5,20260905,1\n"
    "11,みなと薬局,13,4,1234567\n201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n"
    "301,1,1日1回朝食後,28,日分,1,1,,1\n"
    "5,20261003,1\n11,みなと薬局,13,4,1234567\n"
    "201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n301,1,1日1回朝食後,28,日分,1,1,,1\n";
  g_autofree char *a = techo_test_write_file (f->dir, "okusuri.txt", first, -1);
  g_autofree char *b = techo_test_write_file (f->dir, "okusuri-copy.txt", second, -1);
  g_autoptr(TechoImportReport) ra = import_one (f, a, 0, TECHO_IMPORT_FLAGS_NONE);
  g_autoptr(TechoImportReport) rb = import_one (f, b, 0, TECHO_IMPORT_FLAGS_NONE);

  g_assert_cmpuint (first_file (ra)->n_added, ==, 1);
  g_assert_cmpuint (first_file (rb)->n_added, ==, 1);
  g_assert_cmpuint (first_file (rb)->n_merged, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 2);

  /* The copy again: both lines found as this file's, nothing new. */
  {
    g_autoptr(TechoImportReport) rc = import_one (f, b, 0, TECHO_IMPORT_FLAGS_NONE);

    g_assert_cmpuint (first_file (rc)->n_skipped, ==, 2);
    g_assert_cmpint (rc->import_id, ==, 0);
    g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 2);
  }
}

/* A dispensing from the portal alone keeps no source row (the row says
 * it came from the portal); the sources list still shows the portal, a
 * file that merges into it adds itself beside the portal, and undoing
 * that file leaves the portal's. */
static void
test_dispensing_portal_source (Fixture       *f,
                               gconstpointer  data)
{
  static const char text[] =
    "JAHISTC08,1\n1,手帳 花子,2,19750402\n5,20260905,1\n"
    "11,みなと薬局,13,4,1234567\n201,1,アムロジピン錠5mg,1,錠,4,2171022F1020,1\n"
    "301,1,1日1回朝食後,28,日分,1,1,,1\n";
  g_autofree char *path = techo_test_write_file (f->dir, "okusuri.txt", text, -1);
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(TechoImportReport) report = NULL;
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autoptr(GError) error = NULL;
  TechoDispensing *d = techo_dispensing_new ();
  const TechoRecordSource *portal;
  gint64 profile_id = 0;

  profile->issuer = g_strdup ("https://portal.example");
  profile->subject = g_strdup ("sub-portal-source");
  profile->name = g_strdup ("手帳 花子");
  profile->birth_date = g_strdup ("1975-04-02");
  g_assert_true (techo_store_ensure_profile_sync (f->store, profile, &profile_id, NULL, &error));
  g_assert_no_error (error);
  d->id = g_strdup ("med-portal-1");
  d->revision = 1;
  d->dispensed_on = g_strdup ("2026-09-05");
  d->pharmacy_name = g_strdup ("みなと薬局");
  d->yj_code = g_strdup ("2171022F1020");
  d->drug_name = g_strdup ("アムロジピン錠5mg");
  g_ptr_array_add (page, d);
  g_assert_true (techo_store_upsert_page_sync (f->store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);
  /* A newer revision from the portal writes no source row either. */
  d->revision = 2;
  d->days = 28;
  g_assert_true (techo_store_upsert_page_sync (f->store, profile_id, TECHO_CATEGORY_MEDICATION,
                                               page, NULL, NULL, &error));
  g_assert_no_error (error);

  sources = techo_store_list_sources_sync (f->store, profile_id, TECHO_CATEGORY_MEDICATION,
                                           "med-portal-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 1);
  portal = find_source (sources, "source", TECHO_ORIGIN_PORTAL);
  g_assert_nonnull (portal);
  g_assert_cmpstr (portal->record_id, ==, "med-portal-1");
  g_assert_cmpint (portal->added_at, >, 0);
  g_clear_pointer (&sources, g_ptr_array_unref);

  report = import_one (f, path, profile_id, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (first_file (report)->n_merged, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 1);
  sources = techo_store_list_sources_sync (f->store, profile_id, TECHO_CATEGORY_MEDICATION,
                                           "med-portal-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 2);
  g_assert_nonnull (find_source (sources, "source", TECHO_ORIGIN_PORTAL));
  g_assert_cmpstr (find_source (sources, "source", TECHO_ORIGIN_FILE)->file_name, ==,
                   "okusuri.txt");
  /* The portal's source, now written, is listed first (it came first). */
  g_assert_cmpint (((TechoRecordSource *) g_ptr_array_index (sources, 0))->origin, ==,
                   TECHO_ORIGIN_PORTAL);
  g_clear_pointer (&sources, g_ptr_array_unref);

  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (undone->n_removed, ==, 0);
  g_assert_cmpuint (undone->n_sources, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 1);
  sources = techo_store_list_sources_sync (f->store, profile_id, TECHO_CATEGORY_MEDICATION,
                                           "med-portal-1", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_nonnull (find_source (sources, "source", TECHO_ORIGIN_PORTAL));
}

/* One drug in two RPs of one day is two lines, not one merged. */
static void
test_dispensing_same_drug_twice (Fixture       *f,
                                 gconstpointer  data)
{
  static const char text[] =
    "JAHISTC08,1\n1,手帳 花子,2,19750402\n5,20260905,1\n"
    "11,みなと薬局,13,4,1234567\n"
    "201,1,ロキソプロフェンNa錠60mg,3,錠,2,620098801,1\n301,1,1日3回毎食後,7,日分,1,1,,1\n"
    "201,2,ロキソプロフェンNa錠60mg,1,錠,2,620098801,1\n301,2,疼痛時,5,回分,1,1,,1\n";
  g_autofree char *path = techo_test_write_file (f->dir, "two-rps.txt", text, -1);
  g_autoptr(TechoImportReport) report = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);
  g_autoptr(TechoImportReport) again = import_one (f, path, 0, TECHO_IMPORT_FLAGS_NONE);

  g_assert_cmpuint (first_file (report)->n_added, ==, 2);
  g_assert_cmpuint (first_file (report)->n_merged, ==, 0);
  g_assert_cmpuint (first_file (again)->n_skipped, ==, 2);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_MEDICATION), ==, 2);
}

static char *
item_value (Fixture    *f,
            const char *code)
{
  g_autoptr(GPtrArray) list = checkups (f);

  g_assert_cmpuint (list->len, ==, 1);
  return g_strdup (techo_checkup_find_item (g_ptr_array_index (list, 0), code)->value);
}

/* A corrected re-issue: refused without REPLACE, replaces with it (kept in
 * the history), and undo puts the old value back. */
static void
test_reissue_and_undo (Fixture       *f,
                       gconstpointer  data)
{
  Layout corrected = standard;
  g_autofree char *original = write_cda (f, "original.xml", &standard);
  g_autofree char *reissue = NULL;
  g_autoptr(TechoImportReport) r1 = NULL;
  g_autoptr(TechoImportReport) r2 = NULL;
  g_autoptr(TechoImportReport) dry = NULL;
  g_autoptr(TechoImportReport) r3 = NULL;
  g_autoptr(TechoUndoResult) undone = NULL;
  g_autoptr(TechoUndoResult) undone_first = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;
  const TechoRecordSource *replaced;

  corrected.hba1c = "6.1";
  reissue = write_cda (f, "corrected.xml", &corrected);
  r1 = import_one (f, original, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (first_file (r1)->n_added, ==, 1);

  r2 = import_one (f, reissue, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpint (first_file (r2)->status, ==, TECHO_IMPORT_FILE_REFUSED);
  g_assert_error (first_file (r2)->error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_REISSUE);
  value = item_value (f, "3D046000001906202");
  g_assert_cmpstr (value, ==, "6.6");
  g_clear_pointer (&value, g_free);

  /* A dry run says "replaced" and changes nothing. */
  dry = import_one (f, reissue, 0, TECHO_IMPORT_REPLACE | TECHO_IMPORT_DRY_RUN);
  g_assert_cmpuint (first_file (dry)->n_replaced, ==, 1);
  g_assert_true (dry->dry_run);
  value = item_value (f, "3D046000001906202");
  g_assert_cmpstr (value, ==, "6.6");
  g_clear_pointer (&value, g_free);

  r3 = import_one (f, reissue, 0, TECHO_IMPORT_REPLACE);
  g_assert_cmpuint (first_file (r3)->n_replaced, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);
  value = item_value (f, "3D046000001906202");
  g_assert_cmpstr (value, ==, "6.1");
  g_clear_pointer (&value, g_free);
  sources = techo_store_list_sources_sync (f->store, first_file (r1)->entries->len > 0
                                           ? r1->profile_id : 0, TECHO_CATEGORY_CHECKUP,
                                           ((TechoMergeEntry *) g_ptr_array_index (
                                              first_file (r1)->entries, 0))->stored_id,
                                           NULL, &error);
  g_assert_no_error (error);
  replaced = find_source (sources, "replaced", TECHO_ORIGIN_FILE);
  g_assert_nonnull (replaced);
  g_assert_cmpstr (replaced->file_name, ==, "corrected.xml");
  g_assert_cmpuint (replaced->n_changed, ==, 1);

  /* The changed value has the re-issue as its only source; a value both
   * files give, both. */
  {
    const char *id = ((TechoMergeEntry *) g_ptr_array_index (first_file (r1)->entries,
                                                             0))->stored_id;
    g_autoptr(GHashTable) by_code = techo_store_list_item_sources_sync (f->store,
                                                                        r1->profile_id, id,
                                                                        NULL, &error);
    GHashTableIter iter;
    gpointer code, list;

    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (by_code), >, 1);
    g_hash_table_iter_init (&iter, by_code);
    while (g_hash_table_iter_next (&iter, &code, &list))
      {
        const TechoRecordSource *last = g_ptr_array_index ((GPtrArray *) list,
                                                           ((GPtrArray *) list)->len - 1);

        g_assert_cmpstr (last->file_name, ==, "corrected.xml");
        g_assert_cmpuint (((GPtrArray *) list)->len, ==,
                          g_str_equal (code, "3D046000001906202") ? 1 : 2);
      }
  }

  /* Undo the re-issue: the old value is back, the row stays. */
  undone = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (undone->import_id, ==, r3->import_id);
  g_assert_cmpuint (undone->n_restored, ==, 1);
  g_assert_cmpuint (undone->n_removed, ==, 0);
  value = item_value (f, "3D046000001906202");
  g_assert_cmpstr (value, ==, "6.6");
  g_clear_pointer (&value, g_free);
  {
    const char *id = ((TechoMergeEntry *) g_ptr_array_index (first_file (r1)->entries,
                                                             0))->stored_id;
    g_autoptr(GHashTable) by_code = techo_store_list_item_sources_sync (f->store,
                                                                        r1->profile_id, id,
                                                                        NULL, &error);
    GPtrArray *list = g_hash_table_lookup (by_code, "3D046000001906202");

    g_assert_no_error (error);
    g_assert_nonnull (list);
    g_assert_cmpuint (list->len, ==, 1);
    g_assert_cmpstr (((TechoRecordSource *) g_ptr_array_index (list, 0))->file_name, ==,
                     "original.xml");
  }

  /* Undo the first import: the checkup is gone. */
  undone_first = techo_store_undo_import_sync (f->store, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (undone_first->import_id, ==, r1->import_id);
  g_assert_cmpuint (undone_first->n_removed, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 0);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP_ITEM), ==, 0);
  g_assert_null (techo_store_undo_import_sync (f->store, 0, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND);
}

/* A file about someone else never goes in silently. */
static void
test_other_person (Fixture       *f,
                   gconstpointer  data)
{
  Layout someone = standard;
  g_autofree char *mine = write_cda (f, "mine.xml", &standard);
  g_autofree char *theirs = NULL;
  g_autoptr(TechoImportReport) r1 = import_one (f, mine, 0, TECHO_IMPORT_FLAGS_NONE);
  g_autoptr(TechoImportReport) r2 = NULL;
  g_autoptr(TechoImportReport) r3 = NULL;

  someone.name = "別人 花子";
  someone.birth = "19801111";
  someone.time = "<effectiveTime value=\"20260701\"/>";
  theirs = write_cda (f, "theirs.xml", &someone);
  r2 = import_one (f, theirs, 0, TECHO_IMPORT_FLAGS_NONE);
  g_assert_cmpint (first_file (r2)->status, ==, TECHO_IMPORT_FILE_REFUSED);
  g_assert_error (first_file (r2)->error, TECHO_IMPORT_ERROR, TECHO_IMPORT_ERROR_OTHER_PERSON);
  g_assert_nonnull (strstr (first_file (r2)->error->message, "birth date"));
  g_assert_nonnull (strstr (first_file (r2)->error->message, "健診 太郎’s profile"));
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 1);

  /* Chosen on purpose: it goes in. */
  r3 = import_one (f, theirs, r1->profile_id, TECHO_IMPORT_PROFILE_GIVEN);
  g_assert_cmpuint (first_file (r3)->n_added, ==, 1);
  g_assert_cmpint (count (f->store, TECHO_STORE_COUNT_CHECKUP), ==, 2);
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

static void
test_cli (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-merge-cli-XXXXXX", &error);
  g_autofree char *data_dir = g_build_filename (dir, "store", NULL);
  Layout corrected = standard, guidance = standard;
  g_autofree char *original = NULL;
  g_autofree char *reissue = NULL;
  g_autofree char *hg08 = NULL;
  g_autofree char *text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *files;

  text = cda_text (&standard);
  original = techo_test_write_file (dir, "original.xml", text, -1);
  g_free (text);
  corrected.hba1c = "6.1";
  text = cda_text (&corrected);
  reissue = techo_test_write_file (dir, "corrected.xml", text, -1);
  g_free (text);
  guidance.report_kind = "21";
  text = cda_text (&guidance);
  hg08 = techo_test_write_file (dir, "guidance.xml", text, -1);

  /* A dry run into an empty store: says "would be added", writes nothing
   * (the store holds only the profile made for it). */
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--dry-run", original, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "original.xml: checkup (CDA), 1 record(s): would be 1 added"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Every file read: 0. The JSON says what happened to each; the 保健指導
   * file is kept as a guidance record, and says so. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--json", original, hg08, NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_false (json_object_get_boolean_member (root, "dry_run"));
  g_assert_cmpint (json_object_get_int_member (root, "import"), >, 0);
  files = json_object_get_array_member (root, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 0),
                                                  "status"), ==, "read");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, 0),
                                               "added"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (files, 1),
                                                  "status"), ==, "read");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, 1),
                                               "added"), ==, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (
                              json_object_get_array_member (json_array_get_object_element (files,
                                                                                           1),
                                                            "notes"), 0), "特定保健指導"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A re-issue: 6 and a message without --replace, 0 with it. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, reissue, NULL), ==, 6);
  g_assert_nonnull (strstr (err, "corrected.xml: refused: This is a corrected re-issue"));
  g_assert_nonnull (strstr (err, "with --replace"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--replace", reissue, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 replaced (a corrected re-issue)"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* --undo takes the replace back; a second undo the first import; a
   * third finds nothing. */
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--undo", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "1 replaced value set(s) restored"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--undo", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "2 record(s) removed"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (data_dir, &out, &err, "--undo", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "There is no import to undo"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  {
    g_autoptr(TechoStore) store = techo_store_new (data_dir);

    g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count (store, TECHO_STORE_COUNT_CHECKUP), ==, 0);
    g_assert_true (techo_store_erase_sync (store, NULL, &error));
  }
  techo_test_remove_tree (dir);
}

/* A store written before sources existed: migrating gives every row its
 * one source, and a row that goes takes its sources along. */
static void
test_migration (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-merge-migrate-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "plain.db", NULL);
  guint n = 0;
  const TechoStoreMigration *all = techo_store_schema_migrations (&n);
  TechoSqlite *db = techo_sqlite_open (path, &error);
  gint64 count = 0;
  int version = 0;

  g_assert_no_error (error);
  g_assert_true (techo_store_schema_migrate (db, all, 1, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 1);
  g_assert_true (techo_sqlite_exec (db,
    "INSERT INTO profiles (id, created_at) VALUES (1, 0);"
    "INSERT INTO checkups (profile_id, id, revision, performed_on, origin, received_at)"
    " VALUES (1, 'portal-1', 1, '2025-06-01', 'portal', 10);"
    "INSERT INTO checkups (profile_id, id, revision, performed_on, origin, file_name,"
    " file_sha256, received_at) VALUES (1, 'cda-1', 1, '2024-06-01', 'file', 'a.xml', 'ab', 20);"
    "INSERT INTO dispensings (profile_id, id, revision, origin, file_name, file_sha256,"
    " received_at) VALUES (1, 'jahis-1', 1, 'file', 'b.txt', 'cd', 30);", &error));
  g_assert_no_error (error);

  g_assert_true (techo_store_schema_migrate (db, NULL, 0, &version, &error));
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, TECHO_STORE_SCHEMA_VERSION);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM record_sources", &count,
                                           &error));
  g_assert_cmpint (count, ==, 3);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM record_sources WHERE"
                                               " origin = 'portal' AND record_id = 'portal-1'",
                                           &count, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM record_sources WHERE"
                                               " category = 'medication' AND file_name = 'b.txt'"
                                               " AND file_sha256 = 'cd'", &count, &error));
  g_assert_cmpint (count, ==, 1);
  g_assert_true (techo_sqlite_exec (db, "DELETE FROM checkups WHERE id = 'cda-1'", &error));
  g_assert_true (techo_sqlite_query_int64 (db, "SELECT count(*) FROM record_sources", &count,
                                           &error));
  g_assert_cmpint (count, ==, 2);
  g_assert_no_error (error);
  techo_sqlite_close (db);
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import-merge/cda-as-issued", Fixture, NULL, fixture_set_up, test_cda_as_issued,
              fixture_tear_down);
  g_test_add ("/import-merge/cda-refused", Fixture, NULL, fixture_set_up, test_cda_refused,
              fixture_tear_down);
  g_test_add ("/import-merge/portal-then-cda", Fixture, NULL, fixture_set_up,
              test_portal_then_cda, fixture_tear_down);
  g_test_add ("/import-merge/guidance", Fixture, NULL, fixture_set_up, test_guidance,
              fixture_tear_down);
  g_test_add ("/import-merge/cda-then-portal", Fixture, NULL, fixture_set_up,
              test_cda_then_portal, fixture_tear_down);
  g_test_add ("/import-merge/dispensing", Fixture, NULL, fixture_set_up, test_dispensing_merge,
              fixture_tear_down);
  g_test_add ("/import-merge/dispensing-portal-source", Fixture, NULL, fixture_set_up,
              test_dispensing_portal_source, fixture_tear_down);
  g_test_add ("/import-merge/dispensing-same-drug-twice", Fixture, NULL, fixture_set_up,
              test_dispensing_same_drug_twice, fixture_tear_down);
  g_test_add ("/import-merge/reissue-undo", Fixture, NULL, fixture_set_up,
              test_reissue_and_undo, fixture_tear_down);
  g_test_add ("/import-merge/other-person", Fixture, NULL, fixture_set_up, test_other_person,
              fixture_tear_down);
  g_test_add_func ("/import-merge/cli", test_cli);
  g_test_add_func ("/import-merge/migration", test_migration);
  return g_test_run ();
}
