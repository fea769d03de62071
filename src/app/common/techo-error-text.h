/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-error-text.h: what the app tells the user when something fails.
 * Each library error domain's codes are the contract: one table turns
 * (domain, code) into a translated sentence that ends with the next step
 * (retry, sign in again, unlock the keyring, free disk space …). The
 * library's own message is kept for the log and a "Details" expander
 * only. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* What the user can do next; the sync banner offers it as a button. */
typedef enum
{
  TECHO_ERROR_NEXT_NONE,
  TECHO_ERROR_NEXT_RETRY,
  TECHO_ERROR_NEXT_SIGN_IN,
  TECHO_ERROR_NEXT_UNLOCK,
  TECHO_ERROR_NEXT_FREE_SPACE,
} TechoErrorNext;

/* Errors the app itself makes (its messages are translated already). */
#define TECHO_APP_ERROR (techo_app_error_quark ())
GQuark techo_app_error_quark (void);

typedef enum
{
  TECHO_APP_ERROR_NO_ISSUER,          /* the portal's sign-in address is not known */
  TECHO_APP_ERROR_NO_DEMO_PORTAL,     /* techo-sandbox is not installed */
  TECHO_APP_ERROR_DEMO_PORTAL_FAILED, /* techo-sandbox did not start */
  TECHO_APP_N_ERRORS /* not a code: how many codes there are */
} TechoAppError;

/* The translated sentence for @error, ending with what to do next; never
 * NULL (a domain or code the table does not know gets a general one). */
const char     *techo_error_text             (const GError *error);
TechoErrorNext  techo_error_text_next        (const GError *error);
/* The untranslated sentence for (@domain, @code), or NULL when the table
 * has none (for the test that every code has one). */
const char     *techo_error_text_lookup      (GQuark        domain,
                                              int           code);
/* The button for @next ("_Retry", "_Sign In Again" …), or NULL. */
const char     *techo_error_text_next_label  (TechoErrorNext next);
/* The library's own words, for the details expander: the message plus
 * its domain and code. */
char           *techo_error_text_dup_details (const GError *error);
/* Logs @error (the raw message) under @what, as a warning. */
void            techo_error_text_log         (const char   *what,
                                              const GError *error);
/* "@what sentence", for a toast or label; @what may be NULL. */
char           *techo_error_text_dup_message (const char   *what,
                                              const GError *error);
/* A "Details" expander holding @details (the library's words, from
 * techo_error_text_dup_details()), selectable. */
GtkWidget      *techo_error_details_new      (const char   *details);
/* An TechoAlert: @heading, the sentence as its body, and the
 * details expander; logs @error too. Presented at once. */
GtkWidget      *techo_error_dialog_show      (GtkWindow    *parent,
                                              const char   *heading,
                                              const GError *error);

G_END_DECLS
