/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-export.h: the file export, through the consent gate
 * (techo-disclosure.h): the gate records the consent and gathers the
 * record set it covers; the export renders it (FHIR, CSV, CDA, PDF) and
 * writes it atomically; the gate records what left. Nothing is written
 * before the consent is in the store. */

#pragma once

#include <gio/gio.h>

#include "techo-disclosure.h"
#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_EXPORT_ERROR (techo_export_error_quark ())

typedef enum
{
  TECHO_EXPORT_ERROR_FAILED,
  TECHO_EXPORT_ERROR_NO_PROFILE, /* unused: the gate says TECHO_DISCLOSURE_ERROR_NO_PROFILE */
  TECHO_EXPORT_ERROR_NOTHING,    /* nothing to export in the chosen categories/period */
  TECHO_EXPORT_ERROR_FORMAT,     /* unknown format */
  TECHO_EXPORT_N_ERRORS /* not a code: how many codes there are */
} TechoExportError;

GQuark techo_export_error_quark (void);

typedef enum
{
  TECHO_EXPORT_FORMAT_FHIR,
  TECHO_EXPORT_FORMAT_CSV,  /* a folder of one CSV per category */
  TECHO_EXPORT_FORMAT_CDA,  /* a folder of the CDA files as received */
  TECHO_EXPORT_FORMAT_PDF,
  TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS, /* FHIR, checkups as document Bundles */
  TECHO_EXPORT_N_FORMATS
} TechoExportFormat;

/* "fhir", "csv", "cda", "pdf", "fhir-documents" (techo-cli export
 * --format, and --documents for the last). */
const char *techo_export_format_to_string   (TechoExportFormat  format);
gboolean    techo_export_format_from_string (const char        *name,
                                             TechoExportFormat *out_format);
/* The consent method of a format (FHIR for both FHIR forms). */
TechoConsentMethod techo_export_format_method (TechoExportFormat  format);

/* One file to write: its format, where, and what a PDF shows beyond the
 * records (analytes and today may be NULL). */
typedef struct
{
  TechoExportFormat format;
  const char *path;             /* a file for FHIR and PDF, a folder (created) for CSV and CDA */
  const char * const *analytes; /* the trend charts to draw; NULL: the report's default */
  const char *today;            /* YYYY-MM-DD printed as the report's date; NULL: today */
} TechoExportFile;

/* Step 2 of the gate for a file: renders @disclosure's record set in
 * @file's format and writes it atomically (0600) to its path. Any thread
 * but the main one. Returns the "sent" detail (format, counts, name), or
 * NULL with @error set. */
char       *techo_export_write (TechoDisclosure        *disclosure,
                                const TechoExportFile  *file,
                                GCancellable           *cancellable,
                                GError                **error);

/* The whole export through the gate: @consent (id 0; its method must be
 * the format's) is recorded first, then the records are gathered,
 * written as @file says, and a "sent" event names what was written. On
 * failure after the consent is recorded, the consent stays (it was
 * given) with no "sent" event; @consent->id is set then too. */
gboolean    techo_export_run_sync   (TechoStore             *store,
                                     gint64                  profile_id,
                                     TechoConsent           *consent,
                                     const TechoExportFile  *file,
                                     GCancellable           *cancellable,
                                     GError                **error);

/* The same on a worker thread; @consent and @file are copied.
 * _finish returns the recorded consent's id, or 0 with @error set
 * (@out_consent_id: the id also when a step after recording failed). */
void        techo_export_run_async  (TechoStore             *store,
                                     gint64                  profile_id,
                                     const TechoConsent     *consent,
                                     const TechoExportFile  *file,
                                     GCancellable           *cancellable,
                                     GAsyncReadyCallback     callback,
                                     gpointer                user_data);
gint64      techo_export_run_finish (TechoStore             *store,
                                     GAsyncResult           *result,
                                     gint64                 *out_consent_id,
                                     GError                **error);

G_END_DECLS
