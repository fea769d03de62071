/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The doctor's PDF: read back with pdftotext it holds the patient's name,
 * the latest values, the flags' legend, the medicines with the duplicate
 * warning, screening status, page numbers and the consent; its first page
 * is saved as PNG (pdftoppm) into meson-logs/screenshots to look at. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-atomic-file.h"
#include "techo-disclosure.h"
#include "techo-report.h"
#include "techo-test-export.h"

static char *
pdf_to_text (const char *pdf_path)
{
  const char *argv[] = { "pdftotext", "-layout", pdf_path, "-", NULL };
  g_autofree char *err = NULL;
  char *out = NULL;

  g_assert_cmpint (techo_test_spawn (argv, &out, &err), ==, 0);
  return out;
}

static char *
screenshot_dir (void)
{
  const char *build = g_getenv ("TECHO_BUILD_ROOT");
  char *dir = g_build_filename (build != NULL ? build : ".", "meson-logs", "screenshots", NULL);

  g_mkdir_with_parents (dir, 0755);
  return dir;
}

static void
test_pdf (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(TechoConsent) consent = techo_consent_new ("みどり内科 田中先生", "定期受診の相談", 7,
                                                       TECHO_CONSENT_METHOD_PDF);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *path = g_build_filename (f->dir, "report.pdf", NULL);
  g_autofree char *text = NULL;
  g_autofree char *flat = NULL;
  g_autofree char *shots = screenshot_dir ();
  g_autofree char *prefix = g_build_filename (shots, "report-page", NULL);
  TechoReportOptions options = { 0 };
  g_autoptr(TechoDisclosure) disclosure = NULL;

  /* An earlier dispensing of the first current drug: the report lists
   * each drug once, at its latest dispensing. */
  {
    const TechoDispensing *latest_rx = NULL;
    TechoDispensing *again;

    for (guint i = 0; i < set->dispensings->len && latest_rx == NULL; i++)
      if (g_strcmp0 (((TechoDispensing *) g_ptr_array_index (set->dispensings, i))->dispensed_on,
                     "2025-05-01") == 0)
        latest_rx = g_ptr_array_index (set->dispensings, i);
    g_assert_nonnull (latest_rx);
    again = techo_dispensing_new ();
    again->id = g_strdup ("rx-again");
    again->dispensed_on = g_strdup ("2025-04-03");
    again->drug_name = g_strdup (latest_rx->drug_name);
    again->yj_code = g_strdup (latest_rx->yj_code);
    again->prescriber_name = g_strdup (latest_rx->prescriber_name);
    again->usage = g_strdup (latest_rx->usage);
    again->days = 28;
    g_ptr_array_add (set->dispensings, again);
  }

  /* The consent through the gate, as a print would record it. */
  disclosure = techo_disclosure_open_sync (f->store, 0, consent, TECHO_CONSENT_METHOD_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (consent->id, >, 0);
  options.consent = consent;
  options.today = "2025-07-01";
  options.qr_text = "shlink:/eyJ1cmwiOiJodHRwOi8vMTI3LjAuMC4xL3Rlc3QiLCJ2IjoxfQ";
  pdf = techo_report_render_pdf (set, &options, &error);
  g_assert_no_error (error);
  g_assert_true (techo_atomic_file_write_bytes (path, pdf, NULL, &error));
  g_assert_no_error (error);

  text = pdf_to_text (path);
  g_test_message ("%s", text);
  /* pdftotext may split runs of text: look with spaces taken out too. */
  flat = g_strdup (text);
  {
    char *w = flat;

    for (const char *p = text; *p != '\0'; p++)
      if (*p != ' ' && *p != '\n')
        *w++ = *p;
    *w = '\0';
  }
  g_assert_nonnull (strstr (flat, "山田花子"));
  g_assert_nonnull (strstr (flat, "ヤマダハナコ"));
  g_assert_nonnull (strstr (flat, "1968年4月1日（57歳）"));
  g_assert_nonnull (strstr (flat, "2025年6月15日"));
  g_assert_nonnull (strstr (flat, "2024年6月12日"));
  g_assert_nonnull (strstr (flat, "2023年6月10日"));
  g_assert_nonnull (strstr (flat, "6.6%▲"));      /* latest HbA1c, see a doctor */
  g_assert_nonnull (strstr (flat, "142mg/dL▲"));  /* latest LDL */
  g_assert_nonnull (strstr (flat, "5.9%△"));      /* 2023's HbA1c, guidance */
  g_assert_nonnull (strstr (flat, "アムロジピン錠５ｍｇ「サワイ」"));
  g_assert_nonnull (strstr (flat, "同一成分の重複："));
  /* Japanese text with Japanese colons, dates in Japanese, one line per
   * drug (its latest dispensing), the app's words for a screening due. */
  g_assert_null (strstr (flat, "重複:"));
  g_assert_nonnull (strstr (flat, "2025年5月1日"));
  g_assert_null (strstr (flat, "2025-05-01"));
  g_assert_null (strstr (flat, "2025年4月3日"));
  g_assert_null (strstr (flat, "受診の時期"));
  g_assert_nonnull (strstr (flat, "精密検査不要"));
  g_assert_null (strstr (flat, "メトホルミン"));  /* 2019: not current */
  g_assert_nonnull (strstr (flat, "大腸がん検診"));
  g_assert_nonnull (strstr (flat, "要精密検査（精密検査の記録なし）"));
  g_assert_nonnull (strstr (flat, "経過グラフ"));
  /* The doctor's opinion whole, with its date, below the table (a cell
   * cut it off), and the Medical ID on the first page. */
  g_assert_nonnull (strstr (flat, "医師の判断（2025年6月15日）：経過観察,\"要注意\"次回も受診"));
  g_assert_null (strstr (flat, "次回も…"));
  g_assert_nonnull (strstr (flat, "お薬手帳の基本"));
  g_assert_nonnull (strstr (flat, "アレルギー：記録なし"));
  g_assert_nonnull (strstr (flat, "作成日2025年7月1日"));
  g_assert_nonnull (strstr (flat, "みどり内科田中先生"));
  g_assert_nonnull (strstr (flat, "定期受診の相談"));
  {
    g_autofree char *consent_ref = g_strdup_printf ("同意#%" G_GINT64_FORMAT, consent->id);
    g_autoptr(TechoReport) report = techo_report_new (set, &options);
    g_autofree char *last_page = g_strdup_printf ("%u/%uページ", techo_report_get_n_pages (report),
                                                  techo_report_get_n_pages (report));

    g_assert_nonnull (strstr (flat, consent_ref));
    g_assert_nonnull (strstr (flat, "1/"));
    g_assert_nonnull (strstr (flat, last_page));
  }

  /* The first page as an image, for a person to look at. */
  {
    const char *argv[] = { "pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                           path, prefix, NULL };
    g_autofree char *png = g_strconcat (prefix, ".png", NULL);

    g_assert_cmpint (techo_test_spawn (argv, NULL, NULL), ==, 0);
    g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
    g_test_message ("first page: %s", png);
  }
  {
    g_autofree char *prefix2 = g_build_filename (shots, "report-page-2", NULL);
    const char *argv[] = { "pdftoppm", "-png", "-r", "80", "-f", "2", "-l", "2", "-singlefile",
                           path, prefix2, NULL };

    g_assert_cmpint (techo_test_spawn (argv, NULL, NULL), ==, 0);
  }
}

static void
test_no_consent (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoRecordSet) set = techo_test_export_all (f);
  g_autoptr(GError) error = NULL;
  TechoReportOptions options = { 0 };

  g_assert_null (techo_report_render_pdf (set, &options, &error));
  g_assert_error (error, TECHO_REPORT_ERROR, TECHO_REPORT_ERROR_FAILED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/report/pdf", test_pdf);
  g_test_add_func ("/report/no-consent", test_no_consent);
  return g_test_run ();
}
