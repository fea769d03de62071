/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-page.h"

G_BEGIN_DECLS

#define TECHO_TYPE_SCREENINGS_PAGE (techo_screenings_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoScreeningsPage, techo_screenings_page, TECHO, SCREENINGS_PAGE, GtkWidget)

/* Cancers shown (eligible, or with records). */
guint  techo_screenings_page_get_n_cancers     (TechoScreeningsPage *self);
/* Cancers with a follow-up outstanding. */
guint  techo_screenings_page_get_n_followups   (TechoScreeningsPage *self);
/* What the page says about @cancer ("lung" …): "Next due: …", or NULL
 * when the cancer is not shown. */
const char *techo_screenings_page_get_state    (TechoScreeningsPage *self,
                                                const char          *cancer);
/* A screening reminder: a follow-up outstanding or a screening due. */
typedef struct
{
  char *id;           /* the notification id, "screening-CANCER" */
  char *cancer;       /* "stomach" … */
  gboolean followup;  /* TRUE: a detailed exam is recommended, none recorded */
  char *title;
  char *body;
} TechoReminder;

void           techo_reminder_free                  (TechoReminder       *reminder);
GNotification *techo_reminder_to_notification       (const TechoReminder *reminder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoReminder, techo_reminder_free)

/* The reminders the page would send for its dataset: follow-ups
 * outstanding first, then screenings due or overdue; none when
 * @enabled (the reminders preference) is FALSE. GPtrArray of
 * TechoReminder. */
GPtrArray     *techo_screenings_page_get_reminders  (TechoScreeningsPage *self,
                                                     gboolean             enabled);
/* Sends a GNotification per reminder once the session bus says a
 * notification service runs (or can be started); with none, nothing is
 * sent and nothing warns. Returns how many reminders there are. */
guint  techo_screenings_page_send_reminders    (TechoScreeningsPage *self,
                                                GApplication        *application,
                                                gboolean             enabled);

G_END_DECLS
