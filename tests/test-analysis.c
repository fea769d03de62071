/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one analyte finder: for every demo citizen of the sandbox and every
 * analyte, the value, status and date that the chart series (what the
 * Trends page and the visit window draw), the latest-checkup summary
 * (what the overview and the visit window list), the PDF report's table
 * and charts, and the FHIR and CSV exports carry are the same. Each
 * citizen also gets a checkup of the kind the demo data lacks: a
 * not-performed item beside a measured one of the same analyte, a
 * nullFlavor (missing) value, a blank value, another JDS method; concrete
 * values are asserted for it, so a second finder with another rule fails
 * here. */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-csv.h"
#include "techo-fhir.h"
#include "techo-reference.h"
#include "techo-render.h"
#include "techo-sandbox-data.h"

/* ---- building record sets ------------------------------------------------ */

static TechoItem *
item_new (const char *code,
          const char *value,
          gboolean    not_performed)
{
  TechoItem *item = techo_item_new ();
  const TechoAnalyte *analyte = techo_reference_analyte_for_code (code);

  item->code = g_strdup (code);
  item->name = g_strdup (analyte != NULL ? analyte->name_ja : code);
  item->type = analyte != NULL ? analyte->value_type : TECHO_VALUE_ST;
  item->value = g_strdup (value);
  item->unit = g_strdup (analyte != NULL ? analyte->unit : NULL);
  item->value_system = g_strdup (analyte != NULL ? analyte->value_system : NULL);
  item->not_performed = not_performed;
  return item;
}

/* A checkup with the cases the demo data lacks. */
static TechoCheckup *
awkward_checkup (const char *id,
                 const char *date)
{
  TechoCheckup *c = techo_checkup_new ();

  c->id = g_strdup (id);
  c->revision = 1;
  c->performed_on = g_strdup (date);
  c->kind = g_strdup ("010");
  c->report_kind = g_strdup ("10");
  c->institution_name = g_strdup ("みなと健診センター");
  /* HbA1c: the preferred method not performed, the second one measured. */
  g_ptr_array_add (c->items, item_new ("3D046000001906202", NULL, TRUE));
  g_ptr_array_add (c->items, item_new ("3D046000001920402", "7.1", FALSE));
  /* LDL: a nullFlavor value (read as not performed, no value) only. */
  g_ptr_array_add (c->items, item_new ("3F077000002327101", NULL, TRUE));
  /* Systolic: the first reading blank, the second one there. */
  g_ptr_array_add (c->items, item_new ("9A751000000000001", " ", FALSE));
  g_ptr_array_add (c->items, item_new ("9A752000000000001", "150", FALSE));
  /* Weight: a value that is missing without being marked so. */
  g_ptr_array_add (c->items, item_new ("9N006000000000001", NULL, FALSE));
  /* HDL low: below the guidance value (a "lower is worse" analyte). */
  g_ptr_array_add (c->items, item_new ("3F070000002327101", "36", FALSE));
  /* A JDS HbA1c method the table does not list by code. */
  g_ptr_array_add (c->items, item_new ("3D045000001999999", "6.0", FALSE));
  return c;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const TechoCheckup *ca = *(const TechoCheckup * const *) a;
  const TechoCheckup *cb = *(const TechoCheckup * const *) b;
  int by_date = g_strcmp0 (cb->performed_on, ca->performed_on);

  return by_date != 0 ? by_date : g_strcmp0 (cb->id, ca->id);
}

/* @citizen's checkups (not withdrawn, newest first, borrowed) plus
 * @extra (owned by the set's caller, may be NULL), as the store would
 * hand them to the app. */
static TechoRecordSet *
citizen_records (TechoSandboxCitizen *citizen,
                 TechoCheckup        *extra)
{
  TechoRecordSet *set = techo_record_set_new ();
  GPtrArray *checkups = citizen->records[TECHO_CATEGORY_CHECKUP];

  set->profile = techo_profile_new ();
  set->profile->id = 1;
  set->profile->name = g_strdup (citizen->profile->name);
  set->profile->name_kana = g_strdup (citizen->profile->name_kana);
  set->profile->birth_date = g_strdup (citizen->profile->birth_date);
  set->profile->sex = g_strdup (citizen->profile->sex);
  /* Borrowed: the citizens outlive the set. */
  g_ptr_array_set_free_func (set->checkups, NULL);
  for (guint i = 0; i < checkups->len; i++)
    {
      TechoCheckup *c = g_ptr_array_index (checkups, i);

      if (!c->withdrawn)
        g_ptr_array_add (set->checkups, c);
    }
  if (extra != NULL)
    g_ptr_array_add (set->checkups, extra);
  g_ptr_array_sort (set->checkups, compare_newest_first);
  return set;
}

static gint64
julian (const char *iso)
{
  GDate date;
  int y, m, d;

  g_assert_cmpint (sscanf (iso, "%4d-%2d-%2d", &y, &m, &d), ==, 3);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  return g_date_get_julian (&date);
}

/* ---- the exports, indexed ---------------------------------------------------- */

/* FHIR: "date|code" → GPtrArray of Observation objects. */
static GHashTable *
index_fhir (const TechoRecordSet *set,
            JsonParser          **out_parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = techo_fhir_export (set, TECHO_FHIR_NONE, &error);
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) g_ptr_array_unref);
  JsonParser *parser = json_parser_new ();
  JsonArray *entries;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  entries = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "entry");
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *resource = json_object_get_object_member (json_array_get_object_element (entries, i),
                                                            "resource");
      JsonObject *coding;
      g_autofree char *key = NULL;
      GPtrArray *list;

      if (g_strcmp0 (json_object_get_string_member (resource, "resourceType"), "Observation") != 0)
        continue;
      coding = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (resource, "code"),
                                                                            "coding"), 0);
      key = g_strdup_printf ("%s|%s", json_object_get_string_member (resource, "effectiveDateTime"),
                             json_object_get_string_member (coding, "code"));
      list = g_hash_table_lookup (index, key);
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (index, g_steal_pointer (&key), list);
        }
      g_ptr_array_add (list, resource);
    }
  *out_parser = parser;
  return index;
}

static const char *
first_code (JsonObject *object,
            const char *member)
{
  JsonObject *concept;
  JsonArray *codings;

  if (!json_object_has_member (object, member))
    return NULL;
  if (JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    concept = json_array_get_object_element (json_object_get_array_member (object, member), 0);
  else
    concept = json_object_get_object_member (object, member);
  codings = json_object_get_array_member (concept, "coding");
  return json_object_get_string_member (json_array_get_object_element (codings, 0), "code");
}

/* The status an Observation's interpretation says. */
static TechoStatus
fhir_status (JsonObject *observation)
{
  const char *code = first_code (observation, "interpretation");

  if (code == NULL)
    return TECHO_STATUS_UNKNOWN;
  if (g_str_equal (code, "N"))
    return TECHO_STATUS_NORMAL;
  if (g_str_equal (code, "H") || g_str_equal (code, "L"))
    return TECHO_STATUS_GUIDANCE;
  if (g_str_equal (code, "HU") || g_str_equal (code, "LU"))
    return TECHO_STATUS_SEE_DOCTOR;
  g_assert_not_reached ();
}

/* TRUE when an Observation in @list carries @reading's value and status. */
static gboolean
fhir_carries (GPtrArray          *list,
              const TechoReading *reading)
{
  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      JsonObject *o = g_ptr_array_index (list, i);
      gboolean same_value;

      if (json_object_has_member (o, "dataAbsentReason"))
        continue;
      if (json_object_has_member (o, "valueQuantity"))
        same_value = reading->numeric
                     && fabs (json_object_get_double_member (json_object_get_object_member (o, "valueQuantity"),
                                                             "value") - reading->number) < 1e-9;
      else if (json_object_has_member (o, "valueCodeableConcept"))
        same_value = g_strcmp0 (first_code (o, "valueCodeableConcept"), reading->item->value) == 0;
      else
        same_value = g_strcmp0 (json_object_get_string_member (o, "valueString"),
                                reading->item->value) == 0;
      if (same_value && fhir_status (o) == reading->status)
        return TRUE;
    }
  return FALSE;
}

/* CSV: "checkup id|code" → the row (GStrv, borrowed from @rows). */
static GHashTable *
index_csv (const TechoRecordSet *set,
           GPtrArray           **out_rows)
{
  g_autoptr(GBytes) bytes = techo_csv_render (set, TECHO_CATEGORY_CHECKUP);
  g_autoptr(GError) error = NULL;
  GHashTable *index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *rows;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  rows = techo_csv_parse (data, size, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((char **) g_ptr_array_index (rows, 0))[19], ==, "status");
  for (guint i = 1; i < rows->len; i++)
    {
      char **row = g_ptr_array_index (rows, i);

      g_hash_table_insert (index, g_strdup_printf ("%s|%s", row[0], row[11]), row);
    }
  *out_rows = rows;
  return index;
}

/* ---- the check ------------------------------------------------------------ */

typedef struct
{
  guint readings;      /* analyte values checked across all paths */
  guint absent;        /* items with no value that every path left out */
} Counts;

static void
check_set (TechoRecordSet *set,
           Counts         *counts)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GHashTable) fhir = index_fhir (set, &parser);
  g_autoptr(GPtrArray) csv_rows = NULL;
  g_autoptr(GHashTable) csv = index_csv (set, &csv_rows);
  g_autoptr(TechoConsent) consent = techo_consent_new ("みどり内科", "定期受診", 7,
                                                       TECHO_CONSENT_METHOD_PDF);
  g_autoptr(GPtrArray) chart_keys = g_ptr_array_new ();
  g_autoptr(TechoReport) report = NULL;
  TechoReportOptions options = { 0 };
  const char *sex = techo_analysis_sex (set);
  guint n_analytes;
  const TechoAnalyte *analytes = techo_reference_analytes (&n_analytes);

  for (guint a = 0; a < n_analytes; a++)
    if (analytes[a].value_type == TECHO_VALUE_PQ)
      g_ptr_array_add (chart_keys, (gpointer) analytes[a].key);
  g_ptr_array_add (chart_keys, NULL);
  consent->id = 1;
  consent->created_at = 1750000000;
  options.consent = consent;
  options.today = "2026-11-25";
  options.analytes = (const char * const *) chart_keys->pdata;
  report = techo_report_new (set, &options);

  for (guint a = 0; a < n_analytes; a++)
    {
      const TechoAnalyte *analyte = &analytes[a];
      g_autoptr(GArray) series = techo_analysis_series (set, analyte);
      g_autoptr(TechoChartModel) chart = techo_chart_model_new_for_analyte (set, analyte,
                                                                             analyte->name,
                                                                             analyte->unit);
      TechoChartModel *report_chart = techo_report_get_chart (report, analyte->key);
      const TechoChartPoint *points = NULL, *report_points = NULL;
      guint n_points = 0, n_report_points = 0, n_numeric = 0;
      TechoReading latest, previous;
      gboolean has_latest;

      points = techo_chart_model_get_points (chart, &n_points);
      if (report_chart != NULL)
        report_points = techo_chart_model_get_points (report_chart, &n_report_points);

      /* (a) The series: one reading per checkup with a value, oldest first,
       * each the finder's item; the chart draws exactly the numeric ones,
       * the report's chart the same points. */
      for (guint i = 0; i < series->len; i++)
        {
          const TechoReading *r = &g_array_index (series, TechoReading, i);
          g_autofree char *csv_key = g_strdup_printf ("%s|%s", r->checkup->id, r->item->code);
          g_autofree char *fhir_key = g_strdup_printf ("%s|%s", r->date, r->item->code);
          char **row = g_hash_table_lookup (csv, csv_key);

          g_assert_true (r->item == techo_analysis_find (r->checkup, analyte));
          g_assert_true (techo_analysis_item_has_value (r->item));
          g_assert_cmpstr (r->date, ==, r->checkup->performed_on);
          g_assert_cmpint (r->status, ==, techo_analysis_item_status (r->item, sex));
          if (i > 0)
            g_assert_cmpstr (g_array_index (series, TechoReading, i - 1).date, <=, r->date);
          if (r->numeric)
            {
              g_assert_cmpuint (n_numeric, <, n_points);
              g_assert_cmpint (points[n_numeric].day, ==, julian (r->date));
              g_assert_cmpfloat (points[n_numeric].value, ==, r->number);
              if (analyte->value_type == TECHO_VALUE_PQ)
                {
                  g_assert_nonnull (report_chart);
                  g_assert_cmpuint (n_numeric, <, n_report_points);
                  g_assert_cmpint (report_points[n_numeric].day, ==, julian (r->date));
                  g_assert_cmpfloat (report_points[n_numeric].value, ==, r->number);
                }
              n_numeric++;
            }

          /* (d) CSV: the same item, value and status on the checkup's row. */
          g_assert_nonnull (row);
          g_assert_cmpstr (row[2], ==, r->date);
          g_assert_cmpstr (row[14][0] == '\'' ? row[14] + 1 : row[14], ==, r->item->value);
          g_assert_cmpstr (row[18], ==, "0");
          g_assert_cmpstr (row[19], ==, r->status == TECHO_STATUS_UNKNOWN
                                          ? "" : techo_status_to_string (r->status));
          /* (d) FHIR: an Observation of that date and code with the value
           * and the interpretation of that status. */
          g_assert_true (fhir_carries (g_hash_table_lookup (fhir, fhir_key), r));
          counts->readings++;
        }
      g_assert_cmpuint (n_numeric, ==, n_points);
      g_assert_cmpuint (n_points, ==, techo_analysis_count_numeric (set, analyte, 0));
      if (report_chart != NULL)
        g_assert_cmpuint (n_report_points, ==, n_points);
      else
        g_assert_true (n_points == 0 || analyte->value_type != TECHO_VALUE_PQ);

      /* (b) The latest checkup (overview, visit window) is the newest
       * checkup's reading, and (c) the report's table shows the same
       * value and status in its columns of the newest three checkups. */
      has_latest = techo_analysis_latest (set, analyte, &latest, &previous);
      if (set->checkups->len > 0)
        {
          const TechoCheckup *newest = g_ptr_array_index (set->checkups, 0);

          g_assert_true (has_latest == (techo_analysis_find (newest, analyte) != NULL));
          if (has_latest)
            {
              const TechoReading *last = &g_array_index (series, TechoReading, series->len - 1);

              g_assert_cmpstr (latest.date, ==, last->date);
              g_assert_cmpstr (latest.item->value, ==, last->item->value);
              g_assert_cmpint (latest.status, ==, last->status);
            }
        }
      for (guint col = 0; col < MIN (set->checkups->len, 3); col++)
        {
          TechoReading reading;
          TechoStatus status = TECHO_STATUS_UNKNOWN;
          const char *cell = techo_report_get_checkup_cell (report, analyte->key, col, &status);
          gboolean has = techo_analysis_reading (g_ptr_array_index (set->checkups, col), analyte,
                                                 sex, &reading);

          if (analyte->group == TECHO_FORM_GROUP_QUESTIONNAIRE)
            continue;
          /* Free text (医師の判断) follows the report's table whole, in no
           * cell (test-report reads it back). */
          if (analyte->value_type == TECHO_VALUE_ST)
            {
              g_assert_null (cell);
              continue;
            }
          g_assert_true ((cell != NULL) == has);
          if (!has)
            continue;
          g_assert_cmpint (status, ==, reading.status);
          if (reading.item->type == TECHO_VALUE_PQ)
            g_assert_true (g_str_has_prefix (cell, reading.item->value));
          if (col == 0)
            g_assert_cmpint (status, ==, latest.status);
        }
    }

  /* Items without a value are nowhere a value: the exports keep them as
   * absent, with no status. */
  for (guint i = 0; i < set->checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (set->checkups, i);

      for (guint j = 0; j < c->items->len; j++)
        {
          const TechoItem *item = g_ptr_array_index (c->items, j);
          g_autofree char *csv_key = g_strdup_printf ("%s|%s", c->id, item->code);
          char **row = g_hash_table_lookup (csv, csv_key);

          if (techo_analysis_item_has_value (item))
            continue;
          g_assert_cmpint (techo_analysis_item_status (item, sex), ==, TECHO_STATUS_UNKNOWN);
          g_assert_nonnull (row);
          g_assert_cmpstr (row[19], ==, "");
          counts->absent++;
        }
    }
}

/* ---- tests ---------------------------------------------------------------- */

/* The finder's rule on the awkward checkup, value by value. */
static void
test_finder (void)
{
  g_autoptr(TechoCheckup) c = awkward_checkup ("awkward", "2026-11-01");
  const TechoItem *item;
  TechoReading r;

  item = techo_analysis_find_key (c, "hba1c");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->value, ==, "7.1");
  g_assert_cmpstr (item->code, ==, "3D046000001920402");
  g_assert_null (techo_analysis_find_key (c, "ldl"));
  item = techo_analysis_find_key (c, "sbp");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->value, ==, "150");
  g_assert_null (techo_analysis_find_key (c, "weight"));
  item = techo_analysis_find_key (c, "hba1c_jds");
  g_assert_nonnull (item);
  g_assert_cmpstr (item->code, ==, "3D045000001999999");
  g_assert_null (techo_analysis_find_key (c, "no-such-analyte"));

  g_assert_true (techo_analysis_reading (c, techo_reference_analyte ("hba1c"), "male", &r));
  g_assert_cmpint (r.status, ==, TECHO_STATUS_SEE_DOCTOR);
  g_assert_true (r.numeric);
  g_assert_cmpfloat (r.number, ==, 7.1);
  g_assert_cmpstr (r.date, ==, "2026-11-01");
  g_assert_true (techo_analysis_reading (c, techo_reference_analyte ("hdl"), "female", &r));
  g_assert_cmpint (r.status, ==, TECHO_STATUS_GUIDANCE);
  g_assert_false (techo_analysis_reading (c, techo_reference_analyte ("ldl"), "male", &r));
  g_assert_null (r.item);

  /* The not-performed item and the blank one have no status. */
  g_assert_cmpint (techo_analysis_item_status (g_ptr_array_index (c->items, 0), "male"), ==,
                   TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_analysis_item_status (g_ptr_array_index (c->items, 3), "male"), ==,
                   TECHO_STATUS_UNKNOWN);
  g_assert_cmpint (techo_analysis_item_status (g_ptr_array_index (c->items, 4), "male"), ==,
                   TECHO_STATUS_SEE_DOCTOR);
}

/* Every demo citizen, with and without the awkward checkup. */
static void
test_citizens (void)
{
  TechoSandboxDataOptions options;
  g_autoptr(GPtrArray) citizens = NULL;
  Counts counts = { 0 };

  techo_sandbox_data_options_init (&options);
  g_date_set_dmy (&options.today, 25, G_DATE_NOVEMBER, 2026);
  /* The bulk citizen's checkups are what matter here; fewer dispensings
   * keep the generation quick. */
  options.bulk_dispensings_per_month = 4;
  citizens = techo_sandbox_citizens_new (&options);
  g_assert_cmpuint (citizens->len, ==, 4);

  for (guint i = 0; i < citizens->len; i++)
    {
      TechoSandboxCitizen *citizen = g_ptr_array_index (citizens, i);
      g_autoptr(TechoCheckup) extra = awkward_checkup ("awkward", "2026-11-20");
      Counts before = counts;

      techo_sandbox_citizen_ensure (citizen);
      {
        g_autoptr(TechoRecordSet) set = citizen_records (citizen, NULL);

        check_set (set, &counts);
        g_test_message ("%s: %u checkups, %u readings agree", citizen->id, set->checkups->len,
                        counts.readings - before.readings);
        /* A citizen with checkups has readings to compare. */
        g_assert_true (set->checkups->len == 0 || counts.readings > before.readings);
      }
      {
        g_autoptr(TechoRecordSet) set = citizen_records (citizen, extra);
        TechoReading latest, previous;

        check_set (set, &counts);
        /* The awkward checkup is the newest: every path shows 7.1 %
         * (see the doctor) for HbA1c, the second reading for systolic
         * pressure, and no LDL or weight for that day. */
        g_assert_true (techo_analysis_latest (set, techo_reference_analyte ("hba1c"), &latest,
                                              &previous));
        g_assert_cmpstr (latest.item->value, ==, "7.1");
        g_assert_cmpstr (latest.date, ==, "2026-11-20");
        g_assert_cmpint (latest.status, ==, TECHO_STATUS_SEE_DOCTOR);
        g_assert_true (techo_analysis_latest (set, techo_reference_analyte ("sbp"), &latest, NULL));
        g_assert_cmpstr (latest.item->value, ==, "150");
        g_assert_false (techo_analysis_latest (set, techo_reference_analyte ("ldl"), &latest, NULL));
        g_assert_false (techo_analysis_latest (set, techo_reference_analyte ("weight"), &latest, NULL));
        {
          g_autoptr(GArray) series = techo_analysis_series (set, techo_reference_analyte ("hba1c"));
          const TechoReading *last = &g_array_index (series, TechoReading, series->len - 1);

          g_assert_cmpstr (last->date, ==, "2026-11-20");
          g_assert_cmpfloat (last->number, ==, 7.1);
        }
      }
    }
  g_test_message ("%u readings and %u absent items agree across every path", counts.readings,
                  counts.absent);
  g_assert_cmpuint (counts.readings, >, 100);
  /* The awkward checkup's not-performed, nullFlavor and blank items,
   * once per citizen. */
  g_assert_cmpuint (counts.absent, >=, 4 * 4);
}

/* Days left and duplicates against a fixed day. */
static void
test_supply (void)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GPtrArray) pairs = NULL;
  g_autoptr(GHashTable) flagged = g_hash_table_new (NULL, NULL);
  const char *clinics[] = { "1310000001", "1310000002", "1310000001" };
  const char *dates[] = { "2026-11-01", "2026-11-10", "2026-06-01" };

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("rx-%u", i);
      d->dispensed_on = g_strdup (dates[i]);
      d->yj_code = g_strdup ("2189016F1020");
      d->drug_name = g_strdup ("ロスバスタチン錠");
      d->prescriber_code = g_strdup (clinics[i]);
      d->days = 28;
      g_ptr_array_add (list, d);
    }
  g_assert_cmpint (techo_analysis_days_between ("2026-11-01", "2026-11-25"), ==, 24);
  g_assert_cmpint (techo_analysis_days_between ("2026-11-01", "not a date"), ==, G_MININT);
  g_assert_cmpint (techo_analysis_days_left (g_ptr_array_index (list, 0), "2026-11-25"), ==, 4);
  g_assert_cmpint (techo_analysis_days_left (g_ptr_array_index (list, 1), "2026-11-25"), ==, 13);
  g_assert_false (techo_analysis_is_current (g_ptr_array_index (list, 2), "2026-11-25"));
  g_assert_true (techo_analysis_is_current (g_ptr_array_index (list, 0), "2026-11-28"));
  g_assert_false (techo_analysis_is_current (g_ptr_array_index (list, 0), "2026-11-29"));

  pairs = techo_analysis_duplicates (list, "2026-11-25", flagged);
  g_assert_cmpuint (pairs->len, ==, 2);
  g_assert_cmpuint (g_hash_table_size (flagged), ==, 2);
  g_assert_false (g_hash_table_contains (flagged, g_ptr_array_index (list, 2)));
  g_clear_pointer (&pairs, g_ptr_array_unref);
  /* After the first supply ran out, nothing overlaps any more. */
  pairs = techo_analysis_duplicates (list, "2026-12-01", NULL);
  g_assert_cmpuint (pairs->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/analysis/finder", test_finder);
  g_test_add_func ("/analysis/supply", test_supply);
  g_test_add_func ("/analysis/citizens", test_citizens);
  return g_test_run ();
}
