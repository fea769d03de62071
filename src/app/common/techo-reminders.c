/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reminders: the facts from techo-analysis, in words, as notifications. */

#define G_LOG_DOMAIN "techo-reminders"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-analysis.h"
#include "techo-format.h"
#include "techo-reminders.h"
#include "techo-store.h"

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
  TechoStore *store;      /* remembers what was sent today, or NULL */
  gint64 profile_id;
  char *day;
} Sending;

static void
sending_free (Sending *sending)
{
  g_clear_object (&sending->application);
  g_clear_pointer (&sending->reminders, g_ptr_array_unref);
  g_clear_object (&sending->bus);
  g_clear_object (&sending->store);
  g_free (sending->day);
  g_free (sending);
}

/* Sends those of the task's reminders whose id is in @ids (NULL: all). */
static void
send_these (GTask              *task,
            const char * const *ids)
{
  Sending *sending = g_task_get_task_data (task);
  guint n = 0;

  for (guint i = 0; i < sending->reminders->len; i++)
    {
      const TechoReminder *reminder = g_ptr_array_index (sending->reminders, i);
      g_autoptr(GNotification) notification = NULL;

      if (ids != NULL && !g_strv_contains (ids, reminder->id))
        continue;
      notification = techo_reminder_to_notification (reminder);
      g_application_send_notification (sending->application, reminder->id, notification);
      n++;
    }
  g_task_return_int (task, n);
}

static void
claimed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unsent = techo_store_claim_reminders_finish (TECHO_STORE (source), result, &error);

  if (unsent == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  send_these (task, (const char * const *) unsent);
}

/* Someone shows them: with a store, only those not sent today go. */
static void
send_all (GTask *task)
{
  Sending *sending = g_task_get_task_data (task);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) ids = NULL;

  if (sending->store == NULL)
    {
      send_these (task, NULL);
      g_object_unref (task);
      return;
    }
  builder = g_strv_builder_new ();
  for (guint i = 0; i < sending->reminders->len; i++)
    g_strv_builder_add (builder, ((TechoReminder *) g_ptr_array_index (sending->reminders, i))->id);
  ids = g_strv_builder_end (builder);
  techo_store_claim_reminders_async (sending->store, sending->profile_id, sending->day,
                                     (const char * const *) ids, g_task_get_cancellable (task),
                                     claimed_cb, task);
}

static void ask_next (GTask *task);

static void
activatable_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Sending *sending = g_task_get_task_data (task);
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  g_autofree const char **names = NULL;

  if (reply != NULL)
    {
      g_variant_get (reply, "(^a&s)", &names);
      for (guint i = 0; i < G_N_ELEMENTS (notification_services); i++)
        if (names != NULL && g_strv_contains (names, notification_services[i]))
          {
            send_all (task);
            return;
          }
    }
  /* Nobody would show them (a bare session, a test, a demo on a
   * server): GLib would only warn. Nothing is marked sent. */
  g_debug ("No notification service on the session bus; %u reminders not sent",
           sending->reminders->len);
  g_task_return_int (task, 0);
  g_object_unref (task);
}

static void
has_owner_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result,
                                                             NULL);
  gboolean owned = FALSE;

  if (reply != NULL)
    g_variant_get (reply, "(b)", &owned);
  if (owned)
    {
      send_all (task);
      return;
    }
  ask_next (task);
}

/* Is a notification service running, or started on demand? Asked of the
 * bus without blocking. */
static void
ask_next (GTask *task)
{
  Sending *sending = g_task_get_task_data (task);

  if (sending->next < G_N_ELEMENTS (notification_services))
    {
      g_dbus_connection_call (sending->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                              "org.freedesktop.DBus", "NameHasOwner",
                              g_variant_new ("(s)", notification_services[sending->next++]),
                              G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                              has_owner_cb, task);
      return;
    }
  g_dbus_connection_call (sending->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "ListActivatableNames", NULL,
                          G_VARIANT_TYPE ("(as)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          activatable_cb, task);
}

void
techo_reminders_send_async (GApplication        *application,
                            GPtrArray           *reminders,
                            TechoStore          *store,
                            gint64               profile_id,
                            const char          *today,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  GDBusConnection *bus = g_application_get_dbus_connection (application);
  GTask *task = g_task_new (application, cancellable, callback, user_data);
  Sending *sending;

  g_task_set_source_tag (task, techo_reminders_send_async);
  g_return_if_fail (store == NULL || today != NULL);
  if (reminders->len == 0)
    {
      g_task_return_int (task, 0);
      g_object_unref (task);
      return;
    }
  sending = g_new0 (Sending, 1);
  sending->application = g_object_ref (application);
  sending->reminders = g_ptr_array_ref (reminders);
  sending->store = store != NULL ? g_object_ref (store) : NULL;
  sending->profile_id = profile_id;
  sending->day = g_strdup (today);
  g_task_set_task_data (task, sending, (GDestroyNotify) sending_free);
  /* In a sandbox the notification portal carries them; elsewhere only
   * when a service listens. */
  if (bus == NULL || g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    send_all (task);
  else
    {
      sending->bus = g_object_ref (bus);
      ask_next (task);
    }
}

gssize
techo_reminders_send_finish (GApplication  *application,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, application), -1);

  return g_task_propagate_int (G_TASK (result), error);
}

guint
techo_reminders_send (GApplication *application,
                      GPtrArray    *reminders)
{
  techo_reminders_send_async (application, reminders, NULL, 0, NULL, NULL, NULL, NULL);
  return reminders->len;
}
