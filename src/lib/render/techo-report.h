/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-report.h: the A4 report for the doctor, drawn with cairo and
 * pango (Noto Sans CJK JP): patient header; the latest checkup beside the
 * previous two with flags; trend charts (techo-chart-render, the same
 * drawing as the app); current medications with duplicate warnings;
 * screening status; on every page the generation date, the consent it
 * was made under and "page n / N"; optionally the share link's QR code.
 *
 * techo_report_draw_page draws one page on any cairo_t, so the app's
 * GtkPrintOperation prints with the same code. Values, statuses and
 * charts come from techo-analysis (the same finder and series as the
 * app's pages), never from a lookup of the report's own. */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "techo-chart-model.h"
#include "techo-records.h"
#include "techo-reference.h"

G_BEGIN_DECLS

#define TECHO_REPORT_ERROR (techo_report_error_quark ())

typedef enum
{
  TECHO_REPORT_ERROR_FAILED,
  TECHO_REPORT_N_ERRORS /* not a code: how many codes there are */
} TechoReportError;

GQuark techo_report_error_quark (void);

/* A4 in points. */
#define TECHO_REPORT_PAGE_WIDTH  595.276
#define TECHO_REPORT_PAGE_HEIGHT 841.890

typedef struct
{
  const TechoConsent *consent;   /* named in the footer; required */
  const char *today;             /* YYYY-MM-DD; NULL: today (local) */
  const char * const *analytes;  /* chart keys; NULL: hba1c, ldl, sbp, weight */
  const char *qr_text;           /* a shlink:/ to print as a QR code, or NULL */
} TechoReportOptions;

typedef struct _TechoReport TechoReport;

/* Lays the report out (nothing is drawn yet). */
TechoReport *techo_report_new            (const TechoRecordSet      *set,
                                          const TechoReportOptions  *options);
void         techo_report_free           (TechoReport               *report);
guint        techo_report_get_n_pages    (TechoReport               *report);
/* Draws page @page (from 0) in A4 points; scale @cr first for other
 * sizes. */
void         techo_report_draw_page      (TechoReport               *report,
                                          cairo_t                   *cr,
                                          guint                      page);

/* What was laid out, for a reader that checks it against the app: the
 * text of analyte @key's cell in the checkups table at column @column
 * (0: the latest checkup) and its status (nullable), or NULL when the
 * cell is empty or the row is not shown; the chart of @key, or NULL. */
const char      *techo_report_get_checkup_cell (TechoReport *report,
                                                const char  *key,
                                                guint        column,
                                                TechoStatus *out_status);
TechoChartModel *techo_report_get_chart        (TechoReport *report,
                                                const char  *key);

/* The whole report as PDF bytes. */
GBytes      *techo_report_render_pdf     (const TechoRecordSet      *set,
                                          const TechoReportOptions  *options,
                                          GError                   **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoReport, techo_report_free)

G_END_DECLS
