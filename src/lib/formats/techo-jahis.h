/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-jahis.h: the JAHIS electronic medication notebook text (電子版お薬手帳,
 * the CSV printed as QR codes on pharmacy receipts). Reads CP932 or UTF-8,
 * joins multi-part data (record 911) and returns one TechoDispensing per
 * drug line. Bounded: every limit below is checked before parsing. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_JAHIS_ERROR (techo_jahis_error_quark ())

typedef enum
{
  TECHO_JAHIS_ERROR_TOO_LARGE,    /* over a size, line, field or record cap */
  TECHO_JAHIS_ERROR_ENCODING,     /* neither UTF-8 nor CP932, or binary data */
  TECHO_JAHIS_ERROR_NOT_JAHIS,    /* no JAHISTC header */
  TECHO_JAHIS_ERROR_VERSION,      /* a JAHISTC version this reader does not know */
  TECHO_JAHIS_ERROR_MALFORMED,    /* a line that is not a well-formed record */
  TECHO_JAHIS_ERROR_INVALID,      /* a record with a missing or wrong field */
  TECHO_JAHIS_ERROR_MISSING_PART, /* multi-part data (record 911) not whole */
  TECHO_JAHIS_N_ERRORS /* not a code: how many codes there are */
} TechoJahisError;

GQuark techo_jahis_error_quark (void);

#define TECHO_JAHIS_MAX_SIZE         (1024 * 1024) /* bytes, as given */
#define TECHO_JAHIS_MAX_LINES        20000
#define TECHO_JAHIS_MAX_FIELDS       64            /* per line */
#define TECHO_JAHIS_MAX_FIELD_LENGTH 1024          /* bytes of UTF-8 */
#define TECHO_JAHIS_MAX_DISPENSINGS  5000          /* drug lines */
#define TECHO_JAHIS_MAX_PARTS        99            /* record 911 parts */

typedef struct
{
  guint version;            /* n of JAHISTC0n */
  TechoProfile *patient;    /* from record 1; NULL when the file has none */
  GPtrArray *dispensings;   /* of TechoDispensing, in file order */
  guint n_parts;            /* 911 parts joined; 0 for single-part data */
  guint n_skipped;          /* records read and left out (notes, OTC, memos …) */
} TechoJahisResult;

void techo_jahis_result_free (TechoJahisResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoJahisResult, techo_jahis_result_free)

/* Parses @data (@length bytes, CP932 or UTF-8 with or without BOM). Each
 * dispensing gets a stable id ("jahis-" + 16 hex digits of SHA-256 over its
 * date, institutions, RP and drug line), revision 1 and source
 * "dispensing"; its provenance is left for the caller to fill in. */
TechoJahisResult *techo_jahis_parse (const char  *data,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
