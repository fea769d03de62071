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

G_END_DECLS
