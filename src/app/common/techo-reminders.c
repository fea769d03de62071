/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reminders: the facts from techo-analysis, in words, as notifications. */

#define G_LOG_DOMAIN "techo-reminders"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-analysis.h"
#include "techo-format.h"
#include "techo-reminders.h"

static const char * const kind_settings[TECHO_REMINDER_N_KINDS] = {
  [TECHO_REMINDER_FOLLOWUP] = "reminder-followups",
  [TECHO_REMINDER_SCREENING] = "reminders",
  [TECHO_REMINDER_MEDICINES] = "reminder-medicines",
  [TECHO_REMINDER_NEW_CHECKUP] = "reminder-new-checkups",
};

const char *
techo_reminder_kind_setting (TechoReminderKind kind)
{
  g_return_val_if_fail (kind < TECHO_REMINDER_N_KINDS, NULL);
  return kind_settings[kind];
}

static gboolean
kind_on (GSettings         *settings,
         TechoReminderKind  kind)
{
  return settings == NULL || g_settings_get_boolean (settings, kind_settings[kind]);
}

void
techo_reminder_free (TechoReminder *reminder)
{
  if (reminder == NULL)
    return;
  g_free (reminder->id);
  g_free (reminder->cancer);
  g_free (reminder->title);
  g_free (reminder->body);
  g_free (reminder->page);
  g_free (reminder);
}

static TechoReminder *
reminder_new (TechoReminderKind  kind,
              char              *id,
              const char        *page)
{
  TechoReminder *reminder = g_new0 (TechoReminder, 1);

  reminder->kind = kind;
  reminder->id = id;
  reminder->page = g_strdup (page);
  return reminder;
}

/* Follow-ups and screenings due, a cancer each, in the reference order. */
static void
collect_screenings (const TechoRecordSet *set,
                    const char           *today,
                    GSettings            *settings,
                    GPtrArray            *followups,
                    GPtrArray            *due)
{
  for (guint c = 0; c < TECHO_N_CANCERS; c++)
    {
      g_auto(TechoScreeningSummary) summary = { NULL };
      const TechoCancerInfo *info;
      TechoReminder *reminder;

      techo_analysis_screening (set, c, today, &summary);
      info = summary.info;
      if (summary.followup_outstanding && kind_on (settings, TECHO_REMINDER_FOLLOWUP))
        {
          reminder = reminder_new (TECHO_REMINDER_FOLLOWUP,
                                   g_strdup_printf ("screening-%s", info->key), "screenings");
          /* Translators: a notification title, e.g. "Stomach cancer screening: follow-up needed". */
          reminder->title = g_strdup_printf (_("%s: follow-up needed"), techo_format_cancer_name (info));
          reminder->body = g_strdup (_("A detailed examination is recommended and none is recorded."));
          reminder->cancer = g_strdup (info->key);
          g_ptr_array_add (followups, reminder);
        }
      else if ((summary.due == TECHO_SCREENING_DUE || summary.due == TECHO_SCREENING_OVERDUE)
               && kind_on (settings, TECHO_REMINDER_SCREENING))
        {
          reminder = reminder_new (TECHO_REMINDER_SCREENING,
                                   g_strdup_printf ("screening-%s", info->key), "screenings");
          reminder->title = g_strdup_printf (_("%s is due"), techo_format_cancer_name (info));
          reminder->body = g_strdup (_("Your municipality offers this screening. Open Techo for the details."));
          reminder->cancer = g_strdup (info->key);
          g_ptr_array_add (due, reminder);
        }
    }
}

/* One reminder for every medicine whose supply runs out within a week:
 * per drug, the dispensing that lasts longest (a refill already collected
 * means it does not run out). */
static TechoReminder *
collect_medicines (const TechoRecordSet *set,
                   const char           *today)
{
  g_autoptr(GHashTable) left = g_hash_table_new (g_str_hash, g_str_equal); /* name → days + 1 */
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GString) body = g_string_new (NULL);
  TechoReminder *reminder;
  guint n = 0;

  for (guint i = 0; set->dispensings != NULL && i < set->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (set->dispensings, i);
      const char *name = d->drug_name != NULL ? d->drug_name : d->ingredient_name;
      int days;

      if (name == NULL || d->days <= 0 || !techo_analysis_is_current (d, today))
        continue;
      days = techo_analysis_days_left (d, today);
      if (!g_hash_table_contains (left, name))
        g_ptr_array_add (names, (gpointer) name);
      if (GPOINTER_TO_INT (g_hash_table_lookup (left, name)) < days + 1)
        g_hash_table_insert (left, (gpointer) name, GINT_TO_POINTER (days + 1));
    }
  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      int days = GPOINTER_TO_INT (g_hash_table_lookup (left, name)) - 1;

      if (days > TECHO_REMINDER_DAYS_LEFT)
        continue;
      if (body->len > 0)
        g_string_append_c (body, '\n');
      /* Translators: a line of a notification: a medicine and the days its
       * supply lasts, e.g. "アムロジピン錠5mg: 3 days left". */
      g_string_append_printf (body, ngettext ("%s: %d day left", "%s: %d days left",
                                                 days),
                              name, days);
      n++;
    }
  if (n == 0)
    return NULL;
  reminder = reminder_new (TECHO_REMINDER_MEDICINES, g_strdup ("medicines-running-out"),
                           "medicines");
  reminder->title = g_strdup_printf (ngettext ("%u medicine runs out within a week",
                                                  "%u medicines run out within a week", n),
                                     n);
  reminder->body = g_string_free (g_steal_pointer (&body), FALSE);
  return reminder;
}

GPtrArray *
techo_reminders_collect (const TechoRecordSet *set,
                         const char           *today,
                         GSettings            *settings)
{
  GPtrArray *reminders = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_reminder_free);
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_reminder_free);

  g_return_val_if_fail (set != NULL && today != NULL, reminders);

  collect_screenings (set, today, settings, reminders, due);
  for (guint i = 0; i < due->len; i++)
    g_ptr_array_add (reminders, g_ptr_array_steal_index (due, i--));
  if (kind_on (settings, TECHO_REMINDER_MEDICINES))
    {
      TechoReminder *medicines = collect_medicines (set, today);

      if (medicines != NULL)
        g_ptr_array_add (reminders, medicines);
    }
  return reminders;
}

TechoReminder *
techo_reminder_new_checkups (guint               n_new,
                             const TechoCheckup *latest,
                             GSettings          *settings)
{
  TechoReminder *reminder;
  g_autofree char *date = NULL;

  if (n_new == 0 || !kind_on (settings, TECHO_REMINDER_NEW_CHECKUP))
    return NULL;
  reminder = reminder_new (TECHO_REMINDER_NEW_CHECKUP, g_strdup ("new-checkups"), "checkups");
  reminder->title = g_strdup (ngettext ("A new checkup result", "New checkup results",
                                           n_new));
  if (latest == NULL || latest->performed_on == NULL)
    {
      reminder->body = g_strdup (_("Open Techo to see them."));
      return reminder;
    }
  date = techo_format_date (latest->performed_on);
  /* Translators: %s is the date of the newest checkup brought by a sync. */
  reminder->body = g_strdup_printf (_("The results of your checkup of %s are in Techo."), date);
  return reminder;
}

GNotification *
techo_reminder_to_notification (const TechoReminder *reminder)
{
  GNotification *notification = g_notification_new (reminder->title);

  g_notification_set_body (notification, reminder->body);
  g_notification_set_default_action_and_target (notification, "app.show-page", "s",
                                                reminder->page);
  g_notification_set_priority (notification,
                               reminder->kind == TECHO_REMINDER_FOLLOWUP
                               ? G_NOTIFICATION_PRIORITY_HIGH : G_NOTIFICATION_PRIORITY_NORMAL);
  return notification;
}

/* ---- sending, when someone listens ------------------------------------ */

/* The names a desktop's notification service owns (GNOME Shell the first,
 * most others the second). */
static const char * const notification_services[] = {
  "org.gtk.Notifications",
  "org.freedesktop.Notifications",
};

typedef struct
{
  GApplication *application;
  GPtrArray *reminders;   /* of TechoReminder */
  GDBusConnection *bus;
  guint next;             /* the service NameHasOwner asks about next */
} Sending;

static void
sending_free (Sending *sending)
{
  g_clear_object (&sending->application);
  g_clear_pointer (&sending->reminders, g_ptr_array_unref);
  g_clear_object (&sending->bus);
  g_free (sending);
}

static void
send_all (Sending *sending)
{
  for (guint i = 0; i < sending->reminders->len; i++)
    {
      const TechoReminder *reminder = g_ptr_array_index (sending->reminders, i);
      g_autoptr(GNotification) notification = techo_reminder_to_notification (reminder);

      g_application_send_notification (sending->application, reminder->id, notification);
    }
  sending_free (sending);
}

static void ask_next (Sending *sending);

static void
activatable_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  g_autofree const char **names = NULL;

  if (reply != NULL)
    {
      g_variant_get (reply, "(^a&s)", &names);
      for (guint i = 0; i < G_N_ELEMENTS (notification_services); i++)
        if (names != NULL && g_strv_contains (names, notification_services[i]))
          {
            send_all (sending);
            return;
          }
    }
  /* Nobody would show them (a bare session, a test, a demo on a
   * server): GLib would only warn. */
  g_debug ("No notification service on the session bus; %u reminders not sent",
           sending->reminders->len);
  sending_free (sending);
}

static void
has_owner_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Sending *sending = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  if (owned)
    {
      send_all (sending);
      return;
    }
  ask_next (sending);
}

/* Is a notification service running, or started on demand? Asked of the
 * bus without blocking. */
static void
ask_next (Sending *sending)
{
  if (sending->next < G_N_ELEMENTS (notification_services))
    {
      g_dbus_connection_call (sending->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner",
                              g_variant_new ("(s)", notification_services[sending->next++]),
                              G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                              has_owner_cb, sending);
      return;
    }
  g_dbus_connection_call (sending->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          activatable_cb, sending);
}

guint
techo_reminders_send (GApplication *application,
                      GPtrArray    *reminders)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  Sending *sending;

  if (reminders->len == 0)
    return 0;
  sending = g_new0 (Sending, 1);
  sending->application = g_object_ref (application);
  sending->reminders = g_ptr_array_ref (reminders);
  /* In a sandbox the notification portal carries them; elsewhere only
   * when a service listens. */
  if (bus == NULL || g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    send_all (sending);
  else
    {
      sending->bus = g_object_ref (bus);
      ask_next (sending);
    }
  return reminders->len;
}
