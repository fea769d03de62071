/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference-private.h: helpers the reference units share. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Value sets whose OID is not in our sources are keyed by these names. */
#define SCREENING_OID(n) TECHO_OID_SCREENING_PREFIX "." n
#define SMOKING_ITEM "9N736000000000011"
#define FOLLOWUP_SET "followup" /* shared by the 9P5x2 follow-up items */

/* Strict YYYY-MM-DD (the only date form records carry) into @date. */
gboolean techo_reference_parse_date   (const char  *text,
                                       GDate       *date);
char    *techo_reference_format_gdate (const GDate *date);
/* A coded value as received, compared without surrounding blanks. */
gboolean techo_reference_code_equals  (const char  *value,
                                       const char  *code);

G_END_DECLS
