/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One entry point per techo-cli command. */

#pragma once

#include "techo-cli.h"
#include "techo-consent.h"

G_BEGIN_DECLS

int techo_cli_version (TechoCliContext *context, int argc, char **argv);

/* store: the store's report (techo-cli-status.c). */
int techo_cli_status (TechoCliContext *context, int argc, char **argv);
/* store: backup and restore (techo-cli-backup.c). */
int techo_cli_backup (TechoCliContext *context, int argc, char **argv);
int techo_cli_restore (TechoCliContext *context, int argc, char **argv);

/* portal: sign-in, sync, sign-out (techo-cli-login.c holds the helpers). */
int techo_cli_login (TechoCliContext *context, int argc, char **argv);
int techo_cli_demo_login (TechoCliContext *context, int argc, char **argv);
int techo_cli_sync (TechoCliContext *context, int argc, char **argv);
int techo_cli_logout (TechoCliContext *context, int argc, char **argv);
int techo_cli_exit_for_error (const GError *error);
/* Prints @error and returns the exit code it calls for. */
int techo_cli_fail (const GError *error);
typedef struct _TechoStore TechoStore;
typedef struct _TechoOAuth TechoOAuth;
TechoStore *techo_cli_open_store (TechoCliContext *context, GError **error);
TechoOAuth *techo_cli_load_session (TechoStore *store, gboolean required, GError **error);
gboolean techo_cli_finish_sign_in (TechoStore *store, TechoOAuth *oauth, GError **error);

/* export: consent-gated export, share links, the consent ledger
 * (techo-cli-export.c holds the shared option helpers). */
int techo_cli_export (TechoCliContext *context, int argc, char **argv);
int techo_cli_share (TechoCliContext *context, int argc, char **argv);
int techo_cli_consents (TechoCliContext *context, int argc, char **argv);
/* The narrower share options export and share have in common:
 * --last-checkups N, --cancers LIST, --current-medicines. */
typedef struct
{
  gint last_checkups;
  char *cancers;
  gboolean current_medicines;
} TechoCliScope;
#define TECHO_CLI_SCOPE_ENTRIES(s) \
  { "last-checkups", 0, 0, G_OPTION_ARG_INT, &(s)->last_checkups, \
    "Only the latest N checkups of the period (1 to 99)", "N" }, \
  { "cancers", 0, 0, G_OPTION_ARG_STRING, &(s)->cancers, \
    "Only these cancer screenings: stomach, lung, colorectal, cervical, breast " \
    "(comma-separated)", "LIST" }, \
  { "current-medicines", 0, 0, G_OPTION_ARG_NONE, &(s)->current_medicines, \
    "Only the medicines whose supply runs today (TECHO_TODAY overrides the day)", NULL }
void techo_cli_scope_clear (TechoCliScope *scope);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TechoCliScope, techo_cli_scope_clear)
TechoConsent *techo_cli_consent_from_options (const char *recipient, const char *purpose,
                                              const char *categories, const char *from,
                                              const char *to, const TechoCliScope *scope,
                                              TechoConsentMethod method,
                                              gint64 expires_at, GError **error);
int techo_cli_exit_for_export_error (const GError *error);
gint64 techo_cli_parse_duration (const char *text);

/* import: JAHIS and CDA files into the store (techo-cli-import.c). */
int techo_cli_import (TechoCliContext *context, int argc, char **argv);

G_END_DECLS
