/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-jahis.h: the JAHIS electronic medication notebook text (電子版お薬手帳,
 * the CSV printed as QR codes on pharmacy receipts), JAHISTC01–JAHISTC08
 * (specification 1.0 to 2.6), read with the record layouts of 2.x. Reads
 * CP932 or UTF-8, CRLF, LF or CR, dates as YYYYMMDD or 和暦 GYYMMDD. Keeps
 * every record: one TechoDispensing per drug line (201) with its usage
 * (301) and every note of its drug, RP and dispensing; the patient (1); and
 * TechoNotebookEntry rows for allergies, side effects, history (2), OTC
 * medicines and supplements (3, 31), memos (4) and the family pharmacist
 * (701). Multi-part data (record 911) is split into parts that can be
 * joined later, whatever their order or the file they came in. Bounded:
 * every limit below is checked before parsing. */

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
  TECHO_JAHIS_ERROR_TRUNCATED,    /* records that must come together do not */
  TECHO_JAHIS_N_ERRORS /* not a code: how many codes there are */
} TechoJahisError;

GQuark techo_jahis_error_quark (void);

#define TECHO_JAHIS_MAX_SIZE         (1024 * 1024) /* bytes, as given */
#define TECHO_JAHIS_MAX_LINES        20000
#define TECHO_JAHIS_MAX_FIELDS       64            /* per line */
#define TECHO_JAHIS_MAX_FIELD_LENGTH 1024          /* bytes of UTF-8 */
#define TECHO_JAHIS_MAX_DISPENSINGS  5000          /* drug lines */
#define TECHO_JAHIS_MAX_ENTRIES      5000          /* notebook entries */
#define TECHO_JAHIS_MAX_PARTS        99            /* record 911 parts */
#define TECHO_JAHIS_MAX_WARNINGS     200           /* kept; more are counted */
#define TECHO_JAHIS_DATA_ID_LENGTH   64            /* a 911 data id, at most */

/* One part of multi-part data, or the whole of single-part data. */
typedef struct
{
  guint version;      /* n of JAHISTC0n */
  char *data_id;      /* record 911's data id; NULL for single-part data */
  guint number;       /* this part's number, 1 … total; 0 for single-part */
  guint total;        /* the number of parts; 0 for single-part */
  GPtrArray *lines;   /* of char *, UTF-8, the records (no header, no 911) */
  GArray *numbers;    /* of guint, each line's number in its source text */
} TechoJahisPart;

void  techo_jahis_part_free    (TechoJahisPart *part);
/* The part as text of its own (header, records, 911 at the end), UTF-8
 * with CRLF: what a pending part is kept as until the others arrive. */
char *techo_jahis_part_to_text (const TechoJahisPart *part);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoJahisPart, techo_jahis_part_free)

typedef struct
{
  guint version;            /* n of JAHISTC0n */
  TechoProfile *patient;    /* from record 1; NULL when the data has none */
  GPtrArray *dispensings;   /* of TechoDispensing, in file order */
  GPtrArray *entries;       /* of TechoNotebookEntry, in file order */
  GPtrArray *warnings;      /* of char *: what was read despite deviating */
  guint n_warnings;         /* all warnings, also those not kept */
  guint n_parts;            /* 911 parts joined; 0 for single-part data */
  guint n_skipped;          /* records of an unknown number, left out */
} TechoJahisResult;

void techo_jahis_result_free (TechoJahisResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoJahisResult, techo_jahis_result_free)

/* Splits @data (@length bytes, CP932 or UTF-8 with or without BOM) into its
 * parts: one TechoJahisPart with total 0 for single-part data, else one per
 * record 911, wherever the 911 stands (first line of a part or its end;
 * each part with or without its own header). Returns a GPtrArray of
 * TechoJahisPart, or NULL with an error naming the line. */
GPtrArray *techo_jahis_split (const char  *data,
                              gsize        length,
                              GError     **error);

/* Parses @parts: single-part data, or every part of one multi-part data in
 * any order (a part given twice with the same content counts once). A part
 * missing, or parts of different data, is TECHO_JAHIS_ERROR_MISSING_PART /
 * _INVALID. Each dispensing gets a stable id ("jahis-" + 16 hex digits of
 * SHA-256 over its date, institutions, RP and drug line), revision 1 and
 * source "dispensing"; provenance is left for the caller. */
TechoJahisResult *techo_jahis_parse_parts (GPtrArray  *parts,
                                           GError    **error);

/* techo_jahis_split, then techo_jahis_parse_parts on all of it. */
TechoJahisResult *techo_jahis_parse (const char  *data,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
