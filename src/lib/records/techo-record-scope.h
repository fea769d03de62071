/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-record-scope.h: how much of each category a consent lets go,
 * beyond its categories and period — the last N checkups, some cancers'
 * screenings, the current medicines only. It is part of the consent
 * (TechoConsent.scope), recorded with it in the ledger, and the consent
 * gate gathers by it (techo-selection.h in the share area), so a file
 * export, a print, visit mode and a share link all hold the same
 * records. One text form, used by the store's `scope` column, the CLI's
 * --scope and the ledger's JSON:
 *
 *   checkups=3;cancers=colorectal,lung;medicines=current:2025-05-25
 *
 * Each part is optional; an empty text (or NULL) is the whole of each
 * chosen category. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TECHO_RECORD_SCOPE_MAX_CHECKUPS 99

typedef struct
{
  guint last_checkups; /* 0: every checkup in the period; N: the newest N of them */
  char **cancers;      /* NULL: every cancer; else keys of TechoScreening.cancer
                        * ("lung", "breast", "stomach", "cervical", "colorectal") */
  char *current_on;    /* NULL: every dispensing in the period; YYYY-MM-DD: only
                        * those whose supply still runs on that day */
} TechoRecordScope;

/* The five cancer keys, NULL-terminated, in the screening page's order. */
const char * const *techo_record_scope_cancer_keys (void);

void      techo_record_scope_clear     (TechoRecordScope       *scope);
void      techo_record_scope_copy      (const TechoRecordScope *scope,
                                        TechoRecordScope       *out);
/* Nothing narrowed: every record of the chosen categories. */
gboolean  techo_record_scope_is_whole  (const TechoRecordScope *scope);
gboolean  techo_record_scope_has_cancer (const TechoRecordScope *scope,
                                         const char             *cancer);
/* NULL when whole. */
char     *techo_record_scope_to_string (const TechoRecordScope *scope);
/* Parses the text form into @out (cleared first); NULL or "" is whole.
 * Unknown parts, cancers or dates are an error a person can read. */
gboolean  techo_record_scope_parse     (const char             *text,
                                        TechoRecordScope       *out,
                                        GError                **error);
/* A scope that parse would accept (the consent's validation). */
gboolean  techo_record_scope_validate  (const TechoRecordScope *scope,
                                        GError                **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TechoRecordScope, techo_record_scope_clear)

G_END_DECLS
