/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share-dialog.h: "Share with a doctor". The person picks what
 * (categories, period), to whom, why and how (visit mode, print, a PDF,
 * FHIR, CSV or CDA file, or an encrypted share link with expiry and an
 * optional passcode), checks a summary, and only then is the consent
 * recorded and anything sent. Cancel writes and sends nothing. */

#pragma once

#include <adwaita.h>

#include "techo-alert.h"

#include "techo-records.h"
#include "techo-share-server.h"
#include "techo-store.h"
#include "techo-visit-window.h"

G_BEGIN_DECLS

#define TECHO_TYPE_SHARE_DIALOG (techo_share_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TechoShareDialog, techo_share_dialog, TECHO, SHARE_DIALOG, AdwWindow)

/* Where a share link is served. */
typedef enum
{
  TECHO_SHARE_LINK_HOST,          /* uploaded to the share host of Preferences → Sharing:
                                   * a doctor's phone opens it, Techo may be closed */
  TECHO_SHARE_LINK_THIS_COMPUTER, /* Techo's own server on 127.0.0.1, while it runs */
} TechoShareLinkKind;

/* @servers: the share servers by address (string → TechoShareServer);
 * one is made and bound when a link is first served on an address. */
TechoShareDialog *techo_share_dialog_new          (GtkWindow         *parent,
                                                   TechoStore        *store,
                                                   TechoRecordSet    *records,
                                                   GHashTable        *servers);
/* Preselects the way. */
void              techo_share_dialog_set_method   (TechoShareDialog   *self,
                                                   TechoConsentMethod  method);
TechoConsentMethod techo_share_dialog_get_method  (TechoShareDialog   *self);
/* Fills the form as a person would (tests, and callers that know). */
void              techo_share_dialog_fill         (TechoShareDialog  *self,
                                                   const char        *recipient,
                                                   const char        *purpose,
                                                   guint              categories);
void              techo_share_dialog_set_passcode (TechoShareDialog  *self,
                                                   const char        *passcode);
/* With the share method: where the link is served. */
void              techo_share_dialog_set_link_kind (TechoShareDialog  *self,
                                                    TechoShareLinkKind kind);
/* Narrows what goes: the latest @last_checkups checkups (0: all), the
 * screenings of @cancers (NULL: all) and, when @current_medicines, only
 * the medicines whose supply runs today. */
void              techo_share_dialog_set_scope    (TechoShareDialog   *self,
                                                   guint               last_checkups,
                                                   const char * const *cancers,
                                                   gboolean            current_medicines);
/* The summary's rows as "title: value" lines (what the person confirms). */
char             *techo_share_dialog_dup_summary  (TechoShareDialog   *self);
/* Turns on exactly the trend charts of @keys (those offered). */
void              techo_share_dialog_set_analytes (TechoShareDialog  *self,
                                                   const char * const *keys);
/* Skips the file chooser and writes to @path (tests). */
void              techo_share_dialog_set_output_path (TechoShareDialog *self,
                                                      const char       *path);
/* The header's primary button: form → summary → carry out. FALSE when
 * the form is not complete (the reason is shown and returned by
 * get_error). */
gboolean          techo_share_dialog_next         (TechoShareDialog  *self);
/* "form", "summary", "busy", "link" or "done". */
const char       *techo_share_dialog_get_step     (TechoShareDialog  *self);
const char       *techo_share_dialog_get_error    (TechoShareDialog  *self);
/* The consent recorded (0 before). */
gint64            techo_share_dialog_get_consent_id (TechoShareDialog *self);
/* The shlink:/ once a link is made. */
const char       *techo_share_dialog_get_link     (TechoShareDialog  *self);
/* A hosted link's viewer URL (<host>/#shlink:/…), which the QR holds;
 * NULL for a link on this computer. */
const char       *techo_share_dialog_get_viewer_url (TechoShareDialog *self);
/* Visit mode with the keyring and no owner's PIN: the offer to set one
 * first ("set", "later" to start without, "cancel"), while it is up. */
TechoAlert       *techo_share_dialog_get_pin_dialog (TechoShareDialog *self);
/* The visit-mode window it opened, or NULL. */
TechoVisitWindow *techo_share_dialog_get_visit_window (TechoShareDialog *self);

G_END_DECLS
