/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-csv.h: CSV per category for spreadsheets: UTF-8 with a BOM (so
 * spreadsheet apps show Japanese right), CRLF line ends, one header row,
 * ISO dates, RFC 4180 quoting. A cell that would start with = + @ or a
 * control character gets a leading ' so no spreadsheet runs it as a
 * formula; the reader takes it off again.
 *
 * checkups.csv and screenings.csv have one row per item, repeating the
 * record's columns; medications.csv one row per drug line. The reader
 * reads these files back into records (bounded: size, rows, fields). */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_CSV_ERROR (techo_csv_error_quark ())

typedef enum
{
  TECHO_CSV_ERROR_INVALID,   /* not CSV, or not one of our layouts */
  TECHO_CSV_ERROR_TOO_LARGE, /* over a size, row or field limit */
  TECHO_CSV_N_ERRORS /* not a code: how many codes there are */
} TechoCsvError;

GQuark techo_csv_error_quark (void);

#define TECHO_CSV_MAX_BYTES  (64 * 1024 * 1024)
#define TECHO_CSV_MAX_ROWS   1000000
#define TECHO_CSV_MAX_FIELDS 64
#define TECHO_CSV_MAX_FIELD_BYTES (64 * 1024)

/* The file name of a category's CSV: checkups.csv, medications.csv,
 * screenings.csv. */
const char *techo_csv_file_name (TechoCategory category);

/* The whole file (BOM, header, rows) for one category of @set. */
GBytes     *techo_csv_render    (const TechoRecordSet *set,
                                 TechoCategory         category);

/* Writes one CSV per non-empty category of @set into @dir (atomically,
 * 0600). @out_n_files: how many were written. */
gboolean    techo_csv_export_dir (const TechoRecordSet  *set,
                                  const char            *dir,
                                  guint                 *out_n_files,
                                  GCancellable          *cancellable,
                                  GError               **error);

/* Splits RFC 4180 text into rows (GPtrArray of GStrv), a leading BOM
 * skipped. */
GPtrArray  *techo_csv_parse     (const char  *data,
                                 gsize        length,
                                 GError     **error);

/* Reads a file written by techo_csv_render back into records of
 * @category (TechoCheckup, TechoDispensing or TechoScreening). */
GPtrArray  *techo_csv_read_records (TechoCategory   category,
                                    const char     *data,
                                    gsize           length,
                                    GError        **error);

G_END_DECLS
