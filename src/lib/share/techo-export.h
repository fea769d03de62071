/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-export.h: what an export carries (a TechoRecordSet: the person and
 * the records a consent covers) and the consent-gated export itself:
 * record the consent, gather, render (FHIR, CSV, CDA, PDF), write
 * atomically, then record what left. Nothing is written or sent before
 * the consent is in the store. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_EXPORT_ERROR (techo_export_error_quark ())

typedef enum
{
  TECHO_EXPORT_ERROR_FAILED,
  TECHO_EXPORT_ERROR_NO_PROFILE, /* the store holds no person yet */
  TECHO_EXPORT_ERROR_NOTHING,    /* nothing to export in the chosen categories/period */
  TECHO_EXPORT_ERROR_FORMAT,     /* unknown format */
  TECHO_EXPORT_N_ERRORS /* not a code: how many codes there are */
} TechoExportError;

GQuark techo_export_error_quark (void);


/* Reads from the store what @consent covers: its categories, withdrawn
 * records left out, only dates inside its period. @profile_id 0: the
 * first profile. */
TechoRecordSet *techo_record_set_gather_sync (TechoStore          *store,
                                              gint64               profile_id,
                                              const TechoConsent  *consent,
                                              GCancellable        *cancellable,
                                              GError             **error);

/* TECHO_EXPORT_ERROR_NO_PROFILE when the store holds nobody yet (checked
 * before a consent is recorded). */
gboolean        techo_export_check_profile_sync (TechoStore     *store,
                                                 GCancellable   *cancellable,
                                                 GError        **error);

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
/* The consent method of a format ("fhir" for both FHIR forms). */
const char *techo_export_format_method      (TechoExportFormat  format);

/* The whole export: @consent (id 0) is recorded first (its method must be
 * the format's), then the records are gathered, rendered and written
 * atomically (0600) to @path (a file for FHIR and PDF, a folder that is
 * created for CSV and CDA), then a "sent" event names what was written.
 * On failure after the consent is recorded, the consent stays (it was
 * given) with no "sent" event. */
gboolean    techo_export_run_sync (TechoStore         *store,
                                   gint64              profile_id,
                                   TechoConsent       *consent,
                                   TechoExportFormat   format,
                                   const char         *path,
                                   GCancellable       *cancellable,
                                   GError            **error);

/* The same on a worker thread (the store's _sync calls are made from
 * there); @consent is copied. _finish returns the recorded consent's id,
 * or 0 with @error set (check the ledger: the consent may have been
 * recorded before a later step failed). */
void        techo_export_run_async  (TechoStore          *store,
                                     gint64               profile_id,
                                     const TechoConsent  *consent,
                                     TechoExportFormat    format,
                                     const char          *path,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gint64      techo_export_run_finish (TechoStore          *store,
                                     GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
