/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-alert.h: a question or a message over a window, on both releases
 * the app builds on. With libadwaita >= 1.5 (Debian 13) it is an
 * AdwAlertDialog shown inside the window, which adapts to narrow windows
 * and is what libadwaita 1.6 and later lay out without warnings; with
 * libadwaita 1.2 (Debian 12) it is an AdwMessageDialog, a window of its
 * own. The techo_alert_* names are the two widgets' common API. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#if ADW_CHECK_VERSION (1, 5, 0)
# define TECHO_ALERT_IN_WINDOW 1
typedef AdwAlertDialog TechoAlert;
# define TECHO_ALERT(obj)                    ADW_ALERT_DIALOG (obj)
# define TECHO_IS_ALERT(obj)                 ADW_IS_ALERT_DIALOG (obj)
# define techo_alert_add_response            adw_alert_dialog_add_response
# define techo_alert_add_responses           adw_alert_dialog_add_responses
# define techo_alert_get_body                adw_alert_dialog_get_body
# define techo_alert_set_body                adw_alert_dialog_set_body
# define techo_alert_get_heading             adw_alert_dialog_get_heading
# define techo_alert_get_extra_child         adw_alert_dialog_get_extra_child
# define techo_alert_set_extra_child         adw_alert_dialog_set_extra_child
# define techo_alert_get_response_enabled    adw_alert_dialog_get_response_enabled
# define techo_alert_set_response_enabled    adw_alert_dialog_set_response_enabled
# define techo_alert_set_response_appearance adw_alert_dialog_set_response_appearance
# define techo_alert_set_default_response    adw_alert_dialog_set_default_response
# define techo_alert_set_close_response      adw_alert_dialog_set_close_response
#else
# define TECHO_ALERT_IN_WINDOW 0
typedef AdwMessageDialog TechoAlert;
# define TECHO_ALERT(obj)                    ADW_MESSAGE_DIALOG (obj)
# define TECHO_IS_ALERT(obj)                 ADW_IS_MESSAGE_DIALOG (obj)
# define techo_alert_add_response            adw_message_dialog_add_response
# define techo_alert_add_responses           adw_message_dialog_add_responses
# define techo_alert_get_body                adw_message_dialog_get_body
# define techo_alert_set_body                adw_message_dialog_set_body
# define techo_alert_get_heading             adw_message_dialog_get_heading
# define techo_alert_get_extra_child         adw_message_dialog_get_extra_child
# define techo_alert_set_extra_child         adw_message_dialog_set_extra_child
# define techo_alert_get_response_enabled    adw_message_dialog_get_response_enabled
# define techo_alert_set_response_enabled    adw_message_dialog_set_response_enabled
# define techo_alert_set_response_appearance adw_message_dialog_set_response_appearance
# define techo_alert_set_default_response    adw_message_dialog_set_default_response
# define techo_alert_set_close_response      adw_message_dialog_set_close_response
#endif

/* A new alert for @parent with @heading and @body (either may be NULL);
 * techo_alert_present shows it. */
GtkWidget  *techo_alert_new       (GtkWindow   *parent,
                                   const char  *heading,
                                   const char  *body);
void        techo_alert_present   (TechoAlert  *alert);
/* Answers @alert with @response and closes it, as a click on that
 * button does (for the UI tests). */
void        techo_alert_response  (TechoAlert  *alert,
                                   const char  *response);
/* Closes @alert as Escape would: its close response answers. */
void        techo_alert_close     (TechoAlert  *alert);
/* The alert shown now over any of the application's windows, or NULL
 * (for the UI tests). */
TechoAlert *techo_alert_find_shown (void);

G_END_DECLS
