/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cda.h: the HL7 CDA checkup file (特定健診 standard XML, hc08).
 * The writer makes the document the sandbox serves as the official
 * download; the reader imports such files, bounded and without entities. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_CDA_ERROR (techo_cda_error_quark ())

typedef enum
{
  TECHO_CDA_ERROR_TOO_LARGE,   /* over the size, element or depth caps */
  TECHO_CDA_ERROR_FORBIDDEN,   /* DOCTYPE, entities or a non-UTF-8 encoding */
  TECHO_CDA_ERROR_MALFORMED,   /* not well-formed XML */
  TECHO_CDA_ERROR_NOT_CHECKUP, /* well-formed, but not a CDA checkup file */
  TECHO_CDA_ERROR_INVALID,     /* a required part is missing or wrong */
  TECHO_CDA_N_ERRORS /* not a code: how many codes there are */
} TechoCdaError;

GQuark techo_cda_error_quark (void);

#define TECHO_CDA_MAX_SIZE      (4 * 1024 * 1024) /* bytes */
#define TECHO_CDA_MAX_ELEMENTS  100000
#define TECHO_CDA_MAX_DEPTH     64
#define TECHO_CDA_MAX_ITEMS     2000

/* Writes @checkup (and @patient, nullable) as a UTF-8 CDA document. The
 * output is deterministic: the same input gives the same bytes. */
char         *techo_cda_write_checkup (const TechoCheckup  *checkup,
                                       const TechoProfile  *patient,
                                       gsize               *out_length,
                                       GError             **error);

/* Reads a CDA checkup file. @out_patient (nullable) receives the person
 * of recordTarget (name_kana, name, sex, birth_date, insurer_number).
 * The checkup's provenance is left for the caller to fill in. */
TechoCheckup *techo_cda_read_checkup  (const char          *data,
                                       gsize                length,
                                       TechoProfile       **out_patient,
                                       GError             **error);

/* The same, and more: @out_notes (nullable) receives a GPtrArray of char *,
 * what the reader wants said about the file in words (an exam date taken
 * from effectiveTime/low …). A 保健指導 report (report kind 2x) is
 * TECHO_CDA_ERROR_NOT_CHECKUP; a file with no body is
 * TECHO_CDA_ERROR_INVALID ("… has no results"). Each item keeps every
 * <value> (the first quantity as its value, the others in other_values),
 * nullFlavor, interpretationCode, referenceRange and methodCode; the
 * checkup keeps the doctor, the insurer's 記号・番号 and the address. */
TechoCheckup *techo_cda_read          (const char          *data,
                                       gsize                length,
                                       TechoProfile       **out_patient,
                                       GPtrArray          **out_notes,
                                       GError             **error);

typedef enum
{
  TECHO_CDA_READ_NONE     = 0,
  TECHO_CDA_READ_GUIDANCE = 1 << 0, /* a 保健指導 report (hg08, report kind 2x) is read,
                                     * not refused: a TechoCheckup whose report_kind
                                     * starts with 2, its observations as items */
} TechoCdaReadFlags;

/* techo_cda_read with @flags. */
TechoCheckup *techo_cda_read_full     (const char          *data,
                                       gsize                length,
                                       TechoCdaReadFlags    flags,
                                       TechoProfile       **out_patient,
                                       GPtrArray          **out_notes,
                                       GError             **error);

/* Whether @checkup is a 特定保健指導 (health guidance) record: report kind
 * 2x. Such records are kept apart from checkups (TechoRecordSet.guidance). */
gboolean      techo_cda_is_guidance   (const TechoCheckup  *checkup);

G_END_DECLS
