/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-fhir.h: FHIR R4 (4.0.1) JSON with JP Core profiles, both ways
 * (clinical-reference.md §6).
 *
 * Export: a Bundle of type "collection" holding JP_Patient (kanji name as
 * IDE, kana as SYL), an Organization per institution, pharmacy and clinic,
 * one Observation per checkup and screening item (checkup item code
 * system, UCUM units, interpretation from the national thresholds,
 * referenceRange, JP category), a DiagnosticReport per checkup and per
 * screening that lists its Observations, and a JP_MedicationDispense per
 * dispensed drug. With TECHO_FHIR_CHECKUP_DOCUMENTS each checkup is
 * instead a document Bundle (Composition of type 53576-5 first) inside
 * the collection. Every fullUrl is urn:uuid: (v4, from getrandom) and
 * every reference resolves inside its bundle.
 *
 * What FHIR has no element for (portal revision, provenance, the value
 * exactly as received) rides in extensions under TECHO_FHIR_EXTENSION, so
 * techo_fhir_import reads our own export back without loss.
 *
 * Import: bounded (size and depth checked before parsing, entry count
 * after), reads Bundles of type collection/document/searchset as written
 * above; other resources are skipped. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_FHIR_ERROR (techo_fhir_error_quark ())

typedef enum
{
  TECHO_FHIR_ERROR_INVALID,   /* not a FHIR Bundle of the shape we read */
  TECHO_FHIR_ERROR_TOO_LARGE, /* over a size, depth or count limit */
  TECHO_FHIR_N_ERRORS /* not a code: how many codes there are */
} TechoFhirError;

GQuark techo_fhir_error_quark (void);

#define TECHO_FHIR_EXTENSION "https://techo.org/fhir/StructureDefinition/"

#define TECHO_FHIR_MAX_BYTES   (64 * 1024 * 1024)
#define TECHO_FHIR_MAX_DEPTH   32
#define TECHO_FHIR_MAX_ENTRIES 200000

typedef enum
{
  TECHO_FHIR_NONE = 0,
  TECHO_FHIR_CHECKUP_DOCUMENTS = 1 << 0, /* checkups as document Bundles */
  TECHO_FHIR_PRETTY = 1 << 1,
} TechoFhirFlags;

/* The Bundle as UTF-8 JSON text. @set->profile must be set. */
char           *techo_fhir_export (const TechoRecordSet  *set,
                                   TechoFhirFlags         flags,
                                   GError               **error);

TechoRecordSet *techo_fhir_import (const char            *data,
                                   gsize                  length,
                                   GError               **error);

/* A random UUID v4 as "urn:uuid:…" (getrandom). */
char           *techo_fhir_new_urn_uuid (GError **error);

G_END_DECLS
