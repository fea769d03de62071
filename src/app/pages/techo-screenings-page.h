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
/* Sends a GNotification per reminder; returns how many. */
guint  techo_screenings_page_send_reminders    (TechoScreeningsPage *self,
                                                GApplication        *application,
                                                gboolean             enabled);

G_END_DECLS
