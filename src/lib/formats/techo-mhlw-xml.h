/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-mhlw-xml.h: the 医療保険情報 XML files a citizen saves from
 * マイナポータル, in the layouts 医療機関 receive through オンライン資格確認:
 * 薬剤情報 (YZK-IF-002: claims rows MeTrMonthInf and the 電子処方箋 twins
 * CzDiInf/CzDiMonthInf and ShPrInf/ShPrMonthInf) and 特定健診情報
 * (SpecificHealthCheckupInfo). Shift_JIS/CP932 or UTF-8; bounded, no
 * network, no DTD, no entities. The reader makes the record types the rest
 * of Techo uses, with ids that come from the content. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_MHLW_ERROR (techo_mhlw_error_quark ())

typedef enum
{
  TECHO_MHLW_ERROR_TOO_LARGE,  /* over the size, element, depth or record caps */
  TECHO_MHLW_ERROR_FORBIDDEN,  /* DOCTYPE or entities */
  TECHO_MHLW_ERROR_ENCODING,   /* neither UTF-8 nor Shift_JIS (CP932), or binary */
  TECHO_MHLW_ERROR_MALFORMED,  /* not well-formed XML */
  TECHO_MHLW_ERROR_NOT_PORTAL, /* well-formed, but not one of these files */
  TECHO_MHLW_ERROR_INVALID,    /* a required element is missing or wrong */
  TECHO_MHLW_N_ERRORS /* not a code: how many codes there are */
} TechoMhlwError;

GQuark techo_mhlw_error_quark (void);

/* Every id the reader makes starts with TECHO_MHLW_ID_PREFIX (records). */

#define TECHO_MHLW_MAX_SIZE         (4 * 1024 * 1024) /* bytes, as given */
#define TECHO_MHLW_MAX_ELEMENTS     200000
#define TECHO_MHLW_MAX_DEPTH        32
#define TECHO_MHLW_MAX_DISPENSINGS  20000  /* drug lines of one file */
#define TECHO_MHLW_MAX_CHECKUPS     100    /* checkups of one file */
#define TECHO_MHLW_MAX_ITEMS        2000   /* items of one checkup */
#define TECHO_MHLW_MAX_VALUE_LENGTH 4096   /* bytes of one element's text */

typedef enum
{
  TECHO_MHLW_KIND_MEDICATION, /* 薬剤情報 */
  TECHO_MHLW_KIND_CHECKUP,    /* 特定健診情報 */
} TechoMhlwKind;

typedef struct
{
  TechoMhlwKind kind;
  /* The person of the header (QuaInf or QualificationsInfo): name,
   * name_kana, birth_date (YYYY-MM-DD), sex (male | female), each NULL
   * when the file leaves it out. Never NULL itself. For import to compare
   * with the profile. */
  TechoProfile *person;
  GPtrArray *dispensings;  /* of TechoDispensing (MEDICATION), revision 1 */
  GPtrArray *checkups;     /* of TechoCheckup (CHECKUP), revision 1 */
  guint n_left_out;        /* read, not kept: MeTrInf (treatment) rows */
} TechoMhlwResult;

void techo_mhlw_result_free (TechoMhlwResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoMhlwResult, techo_mhlw_result_free)

/* TRUE when @data looks like one of these files (root element XmlMsg),
 * from the first bytes only, whatever the encoding. */
gboolean         techo_mhlw_sniff (const char  *data,
                                   gsize        length);

/* Reads the whole file. Dispensing and checkup ids are "mhlw-" + 16 hex
 * digits of SHA-256 over what identifies the row, so the same file, or a
 * later download holding the same rows, gives the same ids. A refused
 * file's message names the element and its line. */
TechoMhlwResult *techo_mhlw_read  (const char  *data,
                                   gsize        length,
                                   GError     **error);

G_END_DECLS
