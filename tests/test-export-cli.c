/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli export, share and consents on a real store: no recipient or
 * purpose, no consent and no file; each format written 0600 under a
 * recorded consent; the ledger as JSON; a SIGKILL at random moments of an
 * export never leaves a truncated file at the target; `share` prints the
 * link alone on stdout, serves it, writes the QR, and Ctrl-C revokes. */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "techo-fhir.h"
#include "techo-shl.h"
#include "techo-test-export.h"
#include "techo-test-util.h"

static void
close_store (TechoTestExport *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_close_sync (f->store, NULL, &error));
  g_assert_no_error (error);
}

static void
open_store (TechoTestExport *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (techo_store_open_sync (f->store, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Runs techo-cli --data-dir DIR ARGS…; returns the exit status. */
static int
run_cli (TechoTestExport  *f,
         char            **out,
         char            **err,
         ...)
{
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, cli);
  g_ptr_array_add (argv, "--data-dir");
  g_ptr_array_add (argv, f->dir);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  return techo_test_spawn ((const char * const *) argv->pdata, out, err);
}

static GPtrArray *
list_consents (TechoTestExport *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *list;

  open_store (f);
  list = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  close_store (f);
  return list;
}

static void
assert_mode_0600 (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
test_refuse (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autofree char *out = g_build_filename (f->dir, "refused.json", NULL);
  g_autoptr(GPtrArray) consents = NULL;
  char *err = NULL;

  close_store (f);
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--format", "fhir", "--purpose", "相談",
                            "--out", out, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "recipient"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, &err, "export", "--format", "fhir", "--recipient", "田中先生",
                            "--out", out, NULL), ==, 2);
  g_assert_nonnull (strstr (err, "purpose"));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--recipient", "  ",
                            "--purpose", "相談", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "docx", "--recipient", "田中先生",
                            "--purpose", "相談", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--recipient", "田中先生",
                            "--purpose", "相談", "--categories", "genome", "--out", out, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "share", "--recipient", "田中先生", "--expires", "10m",
                            NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "share", "--recipient", "田中先生", "--purpose", "相談",
                            NULL), ==, 2);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  consents = list_consents (f);
  g_assert_cmpuint (consents->len, ==, 0);
}

static void
test_formats (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autofree char *fhir = g_build_filename (f->dir, "export.json", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "csv", NULL);
  g_autofree char *csv_medications = g_build_filename (csv, "medications.csv", NULL);
  g_autofree char *csv_checkups = g_build_filename (csv, "checkups.csv", NULL);
  g_autofree char *cda = g_build_filename (f->dir, "cda", NULL);
  g_autofree char *cda_file = g_build_filename (cda, "2025-06-15_ck-2025.xml", NULL);
  g_autofree char *pdf = g_build_filename (f->dir, "report.pdf", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) back = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *ledger;
  gsize length = 0;

  close_store (f);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir",
                            "--recipient", "みどり内科 田中先生", "--purpose", "定期受診の相談",
                            "--out", fhir, NULL), ==, 0);
  assert_mode_0600 (fhir);
  g_assert_true (g_file_get_contents (fhir, &contents, &length, NULL));
  back = techo_fhir_import (contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->profile->name, ==, TECHO_TEST_PATIENT_NAME);
  g_assert_cmpuint (back->checkups->len, ==, 3);
  g_assert_cmpuint (back->dispensings->len, ==, 3);
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&back, techo_record_set_unref);

  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--documents",
                            "--categories", "checkup", "--recipient", "田中先生",
                            "--purpose", "健診結果", "--out", fhir, NULL), ==, 0);
  g_assert_true (g_file_get_contents (fhir, &contents, &length, NULL));
  g_assert_nonnull (strstr (contents, "\"Composition\""));
  g_assert_nonnull (strstr (contents, "\"DocumentReference\""));
  back = techo_fhir_import (contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->checkups->len, ==, 3);
  g_assert_cmpuint (back->dispensings->len, ==, 0);
  g_clear_pointer (&contents, g_free);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "csv", "--documents",
                            "--recipient", "田中先生", "--purpose", "x", "--out", csv, NULL), ==, 2);

  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "csv", "--categories", "medication",
                            "--from", "2025-01-01", "--recipient", "さくら薬局",
                            "--purpose", "お薬の確認", "--out", csv, NULL), ==, 0);
  assert_mode_0600 (csv_medications);
  g_assert_false (g_file_test (csv_checkups, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (csv_medications, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "\xEF\xBB\xBF"));
  g_assert_nonnull (strstr (contents, TECHO_TEST_DRUG_NAME));
  g_assert_null (strstr (contents, "メトホルミン")); /* 2019: outside the period */
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "cda", "--categories", "checkup",
                            "--recipient", "田中先生", "--purpose", "原本の提出",
                            "--out", cda, NULL), ==, 0);
  assert_mode_0600 (cda_file);
  g_assert_true (g_file_get_contents (cda_file, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "<ClinicalDocument>ck-2025</ClinicalDocument>");
  g_clear_pointer (&contents, g_free);

  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "pdf", "--recipient", "田中先生",
                            "--purpose", "受診", "--out", pdf, NULL), ==, 0);
  assert_mode_0600 (pdf);
  g_assert_true (g_file_get_contents (pdf, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));

  /* The ledger: five consents, newest first, each with what left. */
  g_assert_cmpint (run_cli (f, &json, NULL, "consents", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  ledger = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (ledger), ==, 5);
  {
    JsonObject *newest = json_array_get_object_element (ledger, 0);
    JsonObject *oldest = json_array_get_object_element (ledger, 4);
    JsonArray *events = json_object_get_array_member (oldest, "events");
    JsonObject *csv_consent = json_array_get_object_element (ledger, 2);

    g_assert_cmpstr (json_object_get_string_member (newest, "method"), ==, "pdf");
    g_assert_cmpstr (json_object_get_string_member (oldest, "method"), ==, "fhir");
    g_assert_cmpstr (json_object_get_string_member (oldest, "recipient"), ==, "みどり内科 田中先生");
    g_assert_cmpstr (json_object_get_string_member (oldest, "purpose"), ==, "定期受診の相談");
    g_assert_cmpstr (json_object_get_string_member (oldest, "state"), ==, "active");
    /* Whose records: the store's one person (the gate names them). */
    g_assert_cmpint (json_object_get_int_member (oldest, "profile"), ==, f->profile_id);
    g_assert_cmpuint (json_array_get_length (events), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (events, 1), "event"),
                     ==, "sent");
    g_assert_nonnull (strstr (json_object_get_string_member (json_array_get_object_element (events, 1),
                                                             "detail"), "export.json"));
    g_assert_cmpstr (json_object_get_string_member (csv_consent, "period_from"), ==, "2025-01-01");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (csv_consent, "categories")),
                      ==, 1);
  }
  /* And as text. */
  {
    g_autofree char *text = NULL;

    g_assert_cmpint (run_cli (f, &text, NULL, "consents", NULL), ==, 0);
    g_assert_nonnull (strstr (text, "to: みどり内科 田中先生"));
    {
      g_autofree char *whose = g_strdup_printf ("whose: profile %" G_GINT64_FORMAT,
                                                f->profile_id);

      g_assert_nonnull (strstr (text, whose));
    }
  }
}

/* SIGKILL at random moments of `export`: the target holds the old file or
 * the whole new one, never a part. */
static void
test_kill (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(GPtrArray) many = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autofree char *target = g_build_filename (f->dir, "big.json", NULL);
  guint n_old = 0, n_new = 0;
  guint n_kills = g_getenv ("TECHO_EXPORT_KILLS") ? atoi (g_getenv ("TECHO_EXPORT_KILLS")) : 20;
  gint64 started, full_run;

  /* Enough records for the export to take a while. */
  for (guint i = 0; i < 4000; i++)
    {
      TechoDispensing *d = techo_dispensing_new ();

      d->id = g_strdup_printf ("bulk-%u", i);
      d->revision = 1;
      d->dispensed_on = g_strdup_printf ("2024-%02u-%02u", 1 + i % 12, 1 + i % 28);
      d->drug_name = g_strdup_printf ("テスト薬 %u 錠", i);
      d->yj_code = g_strdup ("2171022F1093");
      d->pharmacy_name = g_strdup_printf ("薬局 %u", i % 50);
      d->quantity = 1;
      d->days = 7;
      g_ptr_array_add (many, d);
    }
  g_assert_true (techo_store_upsert_page_sync (f->store, f->profile_id, TECHO_CATEGORY_MEDICATION,
                                               many, NULL, NULL, &error));
  g_assert_no_error (error);
  close_store (f);

  started = g_get_monotonic_time ();
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--recipient", "田中先生",
                            "--purpose", "kill test", "--out", target, NULL), ==, 0);
  full_run = g_get_monotonic_time () - started;
  g_test_message ("a full export takes %" G_GINT64_FORMAT " ms", full_run / 1000);

  for (guint round = 0; round < n_kills; round++)
    {
      const char *argv[] = { cli, "--data-dir", f->dir, "export", "--format", "fhir",
                             "--recipient", "田中先生", "--purpose", "kill test",
                             "--out", target, NULL };
      g_autoptr(GSubprocess) child = NULL;
      g_autofree char *contents = NULL;
      gsize length = 0;

      g_assert_true (g_file_set_contents (target, "OLD", 3, NULL));
      child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
      g_assert_no_error (error);
      /* From the start to past the end, so kills land in every phase. */
      g_usleep (g_test_rand_int_range (0, (gint32) MAX (full_run * 3 / 2, 2000)));
      g_subprocess_force_exit (child);
      g_subprocess_wait (child, NULL, NULL);

      g_assert_true (g_file_get_contents (target, &contents, &length, NULL));
      if (length == 3 && memcmp (contents, "OLD", 3) == 0)
        n_old++;
      else
        {
          g_autoptr(TechoRecordSet) set = techo_fhir_import (contents, length, &error);

          /* Anything else must be the complete export. */
          g_assert_no_error (error);
          g_assert_cmpuint (set->dispensings->len, ==, 4003);
          n_new++;
        }
    }
  g_test_message ("after a kill: %u times the old file, %u times the whole new one", n_old, n_new);
  g_assert_cmpuint (n_old + n_new, ==, n_kills);
  /* Nothing half-written left beside it either. */
  {
    g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
    const char *name;
    guint n_left = 0;

    while ((name = g_dir_read_name (dir)) != NULL)
      if (g_str_has_suffix (name, ".tmp"))
        {
          g_autofree char *path = g_build_filename (f->dir, name, NULL);
          g_autofree char *contents = NULL;
          gsize length = 0;
          g_autoptr(TechoRecordSet) set = NULL;

          /* Only a kill between naming and renaming leaves one: complete. */
          g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
          set = techo_fhir_import (contents, length, &error);
          g_assert_no_error (error);
          n_left++;
        }
    g_test_message ("%u complete temporary files left", n_left);
  }
}

static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_utf8 (in, NULL, NULL, &error);

  g_assert_no_error (error);
  return line;
}

static void
test_share (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cli = techo_test_program_path ("src/cli/techo-cli");
  g_autofree char *qr = g_build_filename (f->dir, "link.png", NULL);
  const char *argv[] = { cli, "--data-dir", f->dir, "share", "--categories", "checkup,medication",
                         "--recipient", "みどり内科 田中先生", "--purpose", "定期受診の相談",
                         "--expires", "5m", "--passcode", "1357", "--label", "健診と薬",
                         "--qr", qr, NULL };
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(TechoShlPayload) payload = NULL;
  g_autoptr(GPtrArray) consents = NULL;
  g_autofree char *link = NULL;
  g_autofree char *rest = NULL;
  TechoConsent *c;

  close_store (f);
  child = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
  link = read_line (out);
  g_assert_nonnull (link);
  g_assert_true (g_str_has_prefix (link, "shlink:/"));
  payload = techo_shl_link_decode (link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (payload->flag, ==, "P");
  g_assert_cmpstr (payload->label, ==, "健診と薬");
  g_assert_true (g_str_has_prefix (payload->url, "http://127.0.0.1:"));

  /* The QR holds the same link. */
  {
    const char *zbar[] = { "zbarimg", "--quiet", "--raw", qr, NULL };
    g_autofree char *decoded = NULL;

    g_assert_cmpint (techo_test_spawn (zbar, &decoded, NULL), ==, 0);
    g_assert_cmpstr (g_strchomp (decoded), ==, link);
  }

  /* A doctor's viewer: manifest, then the file, then the key. */
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autoptr(SoupMessage) msg = soup_message_new ("POST", payload->url);
    static const char text[] = "{\"recipient\":\"田中\",\"passcode\":\"1357\","
                               "\"embeddedLengthMax\":100000000}";
    g_autoptr(GBytes) body = g_bytes_new_static (text, strlen (text));
    g_autoptr(GBytes) answer = NULL;
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GBytes) opened = NULL;
    g_autoptr(TechoRecordSet) set = NULL;
    const char *jwe;

    soup_message_set_request_body_from_bytes (msg, "application/json", body);
    answer = soup_session_send_and_read (session, msg, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                               g_bytes_get_size (answer), &error));
    jwe = json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (
            json_node_get_object (json_parser_get_root (parser)), "files"), 0), "embedded");
    opened = techo_shl_decrypt (payload->key, sizeof payload->key, jwe, &error);
    g_assert_no_error (error);
    set = techo_fhir_import (g_bytes_get_data (opened, NULL), g_bytes_get_size (opened), &error);
    g_assert_no_error (error);
    g_assert_cmpuint (set->checkups->len, ==, 3);
    g_assert_cmpuint (set->screenings->len, ==, 0); /* not consented */
  }

  /* Ctrl-C: the share ends, the consent is revoked; stdout held only the link. */
  g_subprocess_send_signal (child, SIGINT);
  g_assert_true (g_subprocess_wait (child, NULL, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 7);
  rest = g_data_input_stream_read_upto (out, "", 0, NULL, NULL, NULL);
  g_assert_true (rest == NULL || *rest == '\0');

  consents = list_consents (f);
  g_assert_cmpuint (consents->len, ==, 1);
  c = g_ptr_array_index (consents, 0);
  g_assert_cmpint (c->method, ==, TECHO_CONSENT_METHOD_SHARE);
  g_assert_cmpint (c->revoked_at, >, 0);
  {
    guint n_access = 0, n_sent = 0;

    for (guint i = 0; i < c->events->len; i++)
      {
        TechoConsentEvent *e = g_ptr_array_index (c->events, i);

        n_access += g_strcmp0 (e->event, "access") == 0;
        n_sent += g_strcmp0 (e->event, "sent") == 0;
        g_assert_null (strstr (e->detail ? e->detail : "", "1357"));
      }
    g_assert_cmpuint (n_sent, ==, 1);
    g_assert_cmpuint (n_access, ==, 1);
  }
}

/* A narrower export: the latest two checkups, the colorectal screening
 * only, the medicines current on the day; the bundle holds exactly
 * those, and the consent records the scope. The same options are
 * refused when they make no sense. */
static void
test_scope (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autofree char *fhir = g_build_filename (f->dir, "narrow.json", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) back = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length = 0;

  close_store (f);
  /* On 10 June 2025 the 28 days from 1 May are over; the 30 from 20 May run. */
  g_setenv ("TECHO_TODAY", "2025-06-10", TRUE);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir",
                            "--last-checkups", "2", "--cancers", "colorectal",
                            "--current-medicines",
                            "--recipient", "みどり内科 田中先生", "--purpose", "受診",
                            "--out", fhir, NULL), ==, 0);
  g_assert_true (g_file_get_contents (fhir, &contents, &length, NULL));
  back = techo_fhir_import (contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->checkups->len, ==, 2);
  g_assert_cmpstr (((TechoCheckup *) g_ptr_array_index (back->checkups, 0))->id, ==, "ck-2025");
  g_assert_cmpstr (((TechoCheckup *) g_ptr_array_index (back->checkups, 1))->id, ==, "ck-2024");
  g_assert_cmpuint (back->dispensings->len, ==, 1);
  g_assert_cmpstr (((TechoDispensing *) g_ptr_array_index (back->dispensings, 0))->id, ==, "rx-2");
  g_assert_cmpuint (back->screenings->len, ==, 1);
  g_assert_cmpstr (((TechoScreening *) g_ptr_array_index (back->screenings, 0))->cancer, ==,
                   "colorectal");
  g_assert_null (strstr (contents, "ck-2023"));
  g_assert_null (strstr (contents, "メトホルミン"));
  g_clear_pointer (&contents, g_free);
  g_clear_pointer (&back, techo_record_set_unref);

  /* The same with the period: the last 3 checkups from 2024 on are two. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--categories", "checkup",
                            "--from", "2024-01-01", "--last-checkups", "3",
                            "--recipient", "田中先生", "--purpose", "受診", "--out", fhir, NULL), ==, 0);
  g_assert_true (g_file_get_contents (fhir, &contents, &length, NULL));
  back = techo_fhir_import (contents, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->checkups->len, ==, 2);
  g_assert_cmpuint (back->dispensings->len, ==, 0);
  g_assert_cmpuint (back->screenings->len, ==, 0);

  /* The ledger says what was chosen. */
  g_assert_cmpint (run_cli (f, &json, NULL, "consents", "--json", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  {
    JsonArray *ledger = json_node_get_array (json_parser_get_root (parser));

    g_assert_cmpuint (json_array_get_length (ledger), ==, 2);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ledger, 1), "scope"),
                     ==, "checkups=2;cancers=colorectal;medicines=current:2025-06-10");
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (ledger, 0), "scope"),
                     ==, "checkups=3");
  }

  {
    g_autofree char *text = NULL;

    g_assert_cmpint (run_cli (f, &text, NULL, "consents", NULL), ==, 0);
    g_assert_nonnull (strstr (text, "only: checkups=2;cancers=colorectal;medicines=current:2025-06-10"));
  }

  /* Refused before anything is recorded: out of range, an unknown
   * cancer, a narrowing of a category that is not shared. */
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--last-checkups", "100",
                            "--recipient", "田中先生", "--purpose", "受診", "--out", fhir, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--cancers", "liver",
                            "--recipient", "田中先生", "--purpose", "受診", "--out", fhir, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "export", "--format", "fhir", "--categories", "checkup",
                            "--current-medicines",
                            "--recipient", "田中先生", "--purpose", "受診", "--out", fhir, NULL), ==, 2);
  g_assert_cmpint (run_cli (f, NULL, NULL, "share", "--cancers", "lung", "--categories", "checkup",
                            "--expires", "1h",
                            "--recipient", "田中先生", "--purpose", "受診", NULL), ==, 2);
  {
    g_autoptr(GPtrArray) consents = list_consents (f);

    g_assert_cmpuint (consents->len, ==, 2);
  }
  g_unsetenv ("TECHO_TODAY");
  open_store (f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/export-cli/refuse", test_refuse);
  g_test_add_func ("/export-cli/formats", test_formats);
  g_test_add_func ("/export-cli/kill", test_kill);
  g_test_add_func ("/export-cli/share", test_share);
  g_test_add_func ("/export-cli/scope", test_scope);
  return g_test_run ();
}
