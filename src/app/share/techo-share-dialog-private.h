/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share-dialog-private.h: what the parts of the share dialog share.
 * The wizard (techo-share-dialog.c: the form, the summary, the steps)
 * builds the consent; the methods carry it out, each through the consent
 * gate and never blocking on the store: file export, print and visit
 * mode (techo-share-methods.c), the share link — uploaded to the share
 * host set in Preferences, or served on this computer only — with its
 * QR code (techo-share-link.c). Only these files
 * include this header. */

#pragma once

#include "techo-share-dialog.h"

G_BEGIN_DECLS

struct _TechoShareDialog
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkButton *back_button;
  GtkButton *next_button;
  GtkStack *stack;
  GtkSwitch *checkup_switch;
  GtkSwitch *medication_switch;
  GtkSwitch *screening_switch;
  AdwActionRow *latest_row;
  GtkSpinButton *latest_spin;
  GtkSwitch *latest_switch;
  AdwActionRow *current_row;
  GtkSwitch *current_switch;
  AdwExpanderRow *cancers_row;
  AdwComboRow *period_row;
  AdwExpanderRow *analytes_row;
  AdwEntryRow *recipient_row;
  AdwEntryRow *purpose_row;
  AdwComboRow *method_row;
  AdwPreferencesGroup *link_group;
  AdwComboRow *expiry_row;
  AdwPasswordEntryRow *passcode_row;
  GtkLabel *error_label;
  AdwPreferencesGroup *summary_group;
  GtkLabel *summary_error_label;
  GtkSpinner *busy_spinner;
  GtkDrawingArea *qr_area;
  GtkLabel *link_expiry_label;
  GtkLabel *link_label;
  GtkLabel *link_title_label;
  AdwStatusPage *done_page;

  GtkWindow *parent;
  TechoStore *store;
  TechoRecordSet *records;
  GHashTable *servers;       /* address → TechoShareServer, the page's */
  GSettings *settings;       /* share-host-url */
  GPtrArray *cancer_switches; /* GtkSwitch, each with its "cancer-key" */
  GPtrArray *analyte_switches; /* GtkSwitch, each with its "analyte-key" */
  GCancellable *cancellable;
  GPtrArray *summary_rows;
  char *output_path;
  char *link;
  char *viewer_url;          /* a hosted link's <host>/#shlink:/…, the QR's text */
  char *error;
  gint64 consent_id;
  TechoVisitWindow *visit_window;   /* weak */
  TechoConsent *visit_consent;      /* visit mode's, while the PIN offer is up */
  TechoAlert       *pin_dialog;     /* "Set a PIN first?", while up */
  GtkFileChooserNative *chooser;
};

/* ---- the form (techo-share-form.c) ----------------------------------------- */

/* The TECHO_CONSENT_METHOD_* the "How" row shows. */
TechoConsentMethod techo_share_dialog_current_method (TechoShareDialog *self);
/* The consent the form describes (not recorded). */
TechoConsent *techo_share_dialog_build_consent    (TechoShareDialog   *self);
/* The trend charts chosen, NULL-terminated (empty when none). */
char        **techo_share_dialog_chosen_analytes  (TechoShareDialog   *self);
/* One switch per analyte with two values or more to draw. */
void          techo_share_dialog_fill_analytes    (TechoShareDialog   *self);
/* One switch per cancer, all on. */
void          techo_share_dialog_fill_cancers     (TechoShareDialog   *self);
/* For a share link: on a share host or on this computer only. */
TechoShareLinkKind techo_share_dialog_current_link_kind (TechoShareDialog *self);
/* A moment as the person reads it: date and hh:mm. */
char         *techo_share_time_text               (gint64              unix_seconds);

/* ---- the wizard (techo-share-dialog.c) ------------------------------------ */

/* "form", "summary", "busy", "link" or "done". */
void          techo_share_dialog_show_step        (TechoShareDialog   *self,
                                                   const char         *step);
/* Back to the summary with @error's message. */
void          techo_share_dialog_fail             (TechoShareDialog   *self,
                                                   const GError       *error);
void          techo_share_dialog_finish_done      (TechoShareDialog   *self,
                                                   const char         *title,
                                                   const char         *description);
/* The gate recorded consent @consent_id: remembered and announced
 * ("consented"). 0 does nothing. */
void          techo_share_dialog_consented        (TechoShareDialog   *self,
                                                   gint64              consent_id);
gint64        techo_share_dialog_profile_id       (TechoShareDialog   *self);

/* ---- the methods (techo-share-methods.c) ---------------------------------- */

/* Each takes @consent, built from the form and not yet recorded. */
void          techo_share_dialog_start_visit      (TechoShareDialog   *self,
                                                   TechoConsent       *consent);
void          techo_share_dialog_start_print      (TechoShareDialog   *self,
                                                   TechoConsent       *consent);
void          techo_share_dialog_start_file       (TechoShareDialog   *self,
                                                   TechoConsent       *consent);

/* ---- the link (techo-share-link.c) ----------------------------------------- */

/* The share host set in Preferences → Sharing, checked and without a
 * trailing slash; NULL (and @error) when none is set or it is not
 * usable. */
char         *techo_share_dialog_host_url         (TechoShareDialog   *self,
                                                   GError            **error);
/* Whether @url's host is this computer (loopback): then only this
 * computer reaches it. */
gboolean      techo_share_host_is_loopback        (const char         *url);
void          techo_share_dialog_start_link       (TechoShareDialog   *self,
                                                   TechoConsent       *consent);
void          techo_share_dialog_draw_qr          (GtkDrawingArea     *area,
                                                   cairo_t            *cr,
                                                   int                 width,
                                                   int                 height,
                                                   gpointer            user_data);

G_END_DECLS
