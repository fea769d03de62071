/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sharing-page.h: the Sharing page. A primary "Share with a doctor"
 * button opens the share dialog; below it, the consent ledger, newest
 * first, each entry expandable to what left, when, to whom and every
 * access; live share links have a Stop button. The page owns the local
 * share servers (one per address), so links are served while the window
 * is open. */

#pragma once

#include <adwaita.h>

#include "techo-page.h"
#include "techo-share-dialog.h"
#include "techo-share-server.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_SHARING_PAGE (techo_sharing_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoSharingPage, techo_sharing_page, TECHO, SHARING_PAGE, GtkWidget)

void              techo_sharing_page_set_store    (TechoSharingPage *self,
                                                   TechoStore       *store);
/* Reads the ledger again (asynchronously). */
void              techo_sharing_page_reload       (TechoSharingPage *self);
gboolean          techo_sharing_page_is_loading   (TechoSharingPage *self);
/* Ledger entries shown. */
guint             techo_sharing_page_get_n_consents (TechoSharingPage *self);
/* The ids shown, newest first (0-terminated). */
gint64           *techo_sharing_page_dup_consent_ids (TechoSharingPage *self,
                                                      guint            *n_ids);
/* Whether entry @consent_id shows a Stop button (a live share). */
gboolean          techo_sharing_page_can_stop     (TechoSharingPage *self,
                                                   gint64            consent_id);
/* Opens (or closes) entry @consent_id to show its details and events. */
void              techo_sharing_page_set_expanded (TechoSharingPage *self,
                                                   gint64            consent_id,
                                                   gboolean          expanded);
/* What the Stop button does: revokes the consent and stops serving it. */
void              techo_sharing_page_stop         (TechoSharingPage *self,
                                                   gint64            consent_id);
/* Opens the share dialog, with @method (or TECHO_CONSENT_METHOD_NONE)
 * preselected. Returns it (owned by GTK). */
TechoShareDialog *techo_sharing_page_open_dialog  (TechoSharingPage   *self,
                                                   TechoConsentMethod  method);
/* How many addresses links are served on. */
guint             techo_sharing_page_get_n_servers (TechoSharingPage *self);

G_END_DECLS
