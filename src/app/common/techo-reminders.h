/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reminders.h: what Techo reminds a person of, as GNotifications —
 * a screening coming due, a follow-up exam still missing, medicines that
 * run out within a week, a new checkup brought by a sync. Each kind has its
 * own switch in Preferences (GSettings keys below). The facts come from
 * the one analysis (techo-analysis.h); this unit only words them. */

#pragma once

#include <gio/gio.h>

#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

typedef enum
{
  TECHO_REMINDER_FOLLOWUP,    /* "reminder-followups" */
  TECHO_REMINDER_SCREENING,   /* "reminders" (screenings due) */
  TECHO_REMINDER_MEDICINES,   /* "reminder-medicines" */
  TECHO_REMINDER_NEW_CHECKUP, /* "reminder-new-checkups" */
  TECHO_REMINDER_N_KINDS
} TechoReminderKind;

/* Days of supply left at which a medicine is said to run out. */
#define TECHO_REMINDER_DAYS_LEFT 7

typedef struct
{
  TechoReminderKind kind;
  char *id;      /* the notification id: the same fact, the same id */
  char *cancer;  /* screening and follow-up: the cancer key, else NULL */
  char *title;
  char *body;
  char *page;    /* the page its notification opens */
} TechoReminder;

void           techo_reminder_free            (TechoReminder       *reminder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoReminder, techo_reminder_free)

/* The GSettings key that switches @kind on and off. */
const char    *techo_reminder_kind_setting    (TechoReminderKind    kind);

/* The reminders @set calls for on @today (YYYY-MM-DD), in order: follow-ups
 * outstanding, screenings due, medicines running out; only the kinds
 * @settings has switched on (NULL: all). GPtrArray of TechoReminder. */
GPtrArray     *techo_reminders_collect        (const TechoRecordSet *set,
                                               const char           *today,
                                               GSettings            *settings);
/* The reminder for checkups a sync has just brought (@n_new > 0), or NULL
 * when that kind is switched off. @latest: the newest of them, or NULL
 * when not yet read. */
TechoReminder *techo_reminder_new_checkups    (guint                 n_new,
                                               const TechoCheckup   *latest,
                                               GSettings            *settings);

GNotification *techo_reminder_to_notification (const TechoReminder *reminder);
/* Sends each of @reminders once the session bus says a notification
 * service runs (or can be started); with none, nothing is sent and
 * nothing warns. Returns how many there are. */
guint          techo_reminders_send           (GApplication        *application,
                                               GPtrArray           *reminders);
/* The same, once a day: with @store, only those of @reminders that person
 * @profile_id has not been sent on @today go out, and they are marked
 * sent (techo-store-reminders.h) — the window and the background service
 * (techo --background) share the mark. Nothing is marked when no
 * notification service listens. _finish: how many were sent, -1 on
 * error. */
void           techo_reminders_send_async     (GApplication        *application,
                                               GPtrArray           *reminders,
                                               TechoStore          *store,
                                               gint64               profile_id,
                                               const char          *today,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gssize         techo_reminders_send_finish    (GApplication        *application,
                                               GAsyncResult        *result,
                                               GError             **error);

G_END_DECLS
