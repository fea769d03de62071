/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-family.c: a store may hold a family. Which person the
 * window shows (remembered in GSettings "profile": which of the people
 * is on screen is a view setting of this computer, like the window's
 * size, not a fact about anyone's health, so it needs no schema change
 * and no write to the encrypted store; an id no longer in the store
 * falls back to the first person), the switcher at the top of the
 * sidebar (shown with two or more people), and "Add a Person…". Every
 * page gets the person through the window's records (TechoPage), so a
 * page built later gets the person then shown. */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-alert.h"
#include "techo-file-import.h"
#include "techo-window-private.h"

#define PROFILE_KEY "profile"

static void
person_chosen_cb (TechoProfileSwitcher *switcher,
                  gint64                profile_id,
                  TechoWindow          *self)
{
  techo_window_show_person (self, profile_id);
}

static void
profiles_listed_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(TechoWindow) self = user_data;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(GError) error = NULL;
  gint64 current;

  profiles = techo_store_list_profiles_finish (TECHO_STORE (source), result, &error);
  if (profiles == NULL)
    {
      /* Only the switcher misses it; the records say why if the store fails. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Could not list the people in the store: %s", error->message);
      return;
    }
  current = self->records != NULL && self->records->profile != NULL
            ? self->records->profile->id : self->profile_id;
  techo_profile_switcher_set_profiles (self->profile_switcher, profiles, current);
  gtk_widget_set_visible (GTK_WIDGET (self->profile_switcher), profiles->len > 1);
}

static void
add_person_response_cb (TechoAlert  *dialog,
                        const char  *response,
                        TechoWindow *self)
{
  if (g_strcmp0 (response, "files") == 0 && self->store != NULL
      && techo_store_is_open (self->store))
    techo_file_import_choose_new_person (self, self->store);
}

static void
add_person_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);
  GtkWidget *dialog;

  if (self->store == NULL || !techo_store_is_open (self->store)
      || techo_window_get_mode (self) != TECHO_WINDOW_MODE_MAIN)
    return;
  dialog = techo_alert_new (GTK_WINDOW (self), _("Add a Person"),
                            _("Keep the records of someone you look after, such as a parent "
                              "or a child, apart from yours. Choose their files: a medication "
                              "notebook (JAHIS text or photos of its QR codes), checkup results "
                              "(XML) or what you saved from My Number Portal. Techo makes the "
                              "person from the name and birth date in the first file; undoing "
                              "the import removes them again."));
  techo_alert_add_responses (TECHO_ALERT (dialog),
                             "cancel", _("_Cancel"),
                             "files", _("Choose _Files…"), NULL);
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "files", ADW_RESPONSE_SUGGESTED);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "files");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (add_person_response_cb), self, 0);
  g_set_weak_pointer (&self->family_alert, dialog);
  techo_alert_present (TECHO_ALERT (dialog));
}

typedef struct
{
  TechoWindow *window;
  gint64 profile_id;
  char *name;
} Removal;

static void
removal_free (Removal *removal)
{
  g_clear_object (&removal->window);
  g_free (removal->name);
  g_free (removal);
}

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Removal *removal = user_data;
  TechoWindow *self = removal->window;
  g_autoptr(GError) error = NULL;

  if (!techo_store_remove_profile_finish (TECHO_STORE (source), result, &error))
    techo_window_show_error (self, _("Could not remove the person."), error);
  else
    {
      g_autofree char *text = NULL;

      /* TRANSLATORS: %s is the name of the family member just removed. */
      text = g_strdup_printf (_("Removed %s"), removal->name);
      techo_window_add_toast (self, text);
      /* The first person now. */
      if (self->profile_id == removal->profile_id || self->profile_id == 0)
        {
          self->profile_id = 0;
          g_settings_set_int64 (self->settings, PROFILE_KEY, 0);
        }
      techo_window_load_records (self);
    }
  removal_free (removal);
}

/* @asked belongs to the question; the removal gets a copy. */
static void
remove_person_response_cb (TechoAlert  *dialog,
                           const char  *response,
                           Removal     *asked)
{
  TechoWindow *self = asked->window;
  Removal *removal;

  if (g_strcmp0 (response, "remove") != 0 || self->store == NULL
      || !techo_store_is_open (self->store))
    return;
  removal = g_new0 (Removal, 1);
  removal->window = g_object_ref (self);
  removal->profile_id = asked->profile_id;
  removal->name = g_strdup (asked->name);
  techo_store_remove_profile_async (self->store, removal->profile_id, self->cancellable,
                                    removed_cb, removal);
}

static void
removal_closure_free (gpointer  data,
                      GClosure *closure)
{
  removal_free (data);
}

/* Removing the person shown, after asking (never the only person:
 * Preferences → Delete everything is for that). */
static void
remove_person_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TechoWindow *self = TECHO_WINDOW (widget);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  Removal *removal;

  if (self->store == NULL || !techo_store_is_open (self->store)
      || techo_window_get_mode (self) != TECHO_WINDOW_MODE_MAIN
      || self->records == NULL || self->records->profile == NULL
      || techo_profile_switcher_get_n_profiles (self->profile_switcher) < 2)
    return;
  removal = g_new0 (Removal, 1);
  removal->window = g_object_ref (self);
  removal->profile_id = self->records->profile->id;
  removal->name = g_strdup (techo_profile_display_name (self->records->profile));
  /* TRANSLATORS: %s is the name of a family member. */
  heading = g_strdup_printf (_("Remove %s?"), removal->name);
  dialog = techo_alert_new (GTK_WINDOW (self), heading,
                            _("Their checkups, medicines, screenings and notes are deleted "
                              "from this computer and cannot be brought back. The sharing "
                              "record keeps what was shared; a link already given works "
                              "until it ends or you stop it on the Sharing page."));
  techo_alert_add_responses (TECHO_ALERT (dialog),
                             "cancel", _("_Cancel"),
                             "remove", _("_Remove"), NULL);
  techo_alert_set_response_appearance (TECHO_ALERT (dialog), "remove",
                                       ADW_RESPONSE_DESTRUCTIVE);
  techo_alert_set_default_response (TECHO_ALERT (dialog), "cancel");
  techo_alert_set_close_response (TECHO_ALERT (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (remove_person_response_cb),
                         removal, removal_closure_free, 0);
  g_set_weak_pointer (&self->family_alert, dialog);
  techo_alert_present (TECHO_ALERT (dialog));
}

/* ---- for the window's other files ------------------------------------- */

void
techo_window_init_family (TechoWindow *self)
{
  self->profile_id = g_settings_get_int64 (self->settings, PROFILE_KEY);
  if (self->profile_id < 0)
    self->profile_id = 0;
  g_signal_connect (self->profile_switcher, "person-chosen", G_CALLBACK (person_chosen_cb), self);
}

void
techo_window_class_init_family (GtkWidgetClass *widget_class)
{
  g_type_ensure (TECHO_TYPE_PROFILE_SWITCHER);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, profile_switcher);
  gtk_widget_class_install_action (widget_class, "win.add-person", NULL, add_person_action);
  gtk_widget_class_install_action (widget_class, "win.remove-person", NULL,
                                   remove_person_action);
}

void
techo_window_load_profiles (TechoWindow *self)
{
  if (self->store == NULL)
    return;
  techo_store_list_profiles_async (self->store, self->cancellable, profiles_listed_cb,
                                   g_object_ref (self));
}

gboolean
techo_window_person_gone (TechoWindow  *self,
                          const GError *error)
{
  if (self->profile_id == 0
      || !g_error_matches (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_NOT_FOUND))
    return FALSE;
  g_message ("Person %" G_GINT64_FORMAT " is no longer in the store; showing the first",
             self->profile_id);
  self->profile_id = 0;
  g_settings_set_int64 (self->settings, PROFILE_KEY, 0);
  techo_window_load_records (self);
  return TRUE;
}

gboolean
techo_window_is_person_shown (TechoWindow    *self,
                              TechoRecordSet *records)
{
  return self->profile_id == 0 || records == NULL || records->profile == NULL
         || records->profile->id == self->profile_id;
}

void
techo_window_family_records_set (TechoWindow *self)
{
  if (self->records != NULL && self->records->profile != NULL)
    techo_profile_switcher_set_current (self->profile_switcher, self->records->profile->id);
}

/* ---- public API ------------------------------------------------------ */

gint64
techo_window_get_profile_id (TechoWindow *self)
{
  g_return_val_if_fail (TECHO_IS_WINDOW (self), 0);

  if (self->records != NULL && self->records->profile != NULL)
    return self->records->profile->id;
  return self->profile_id;
}

void
techo_window_show_person (TechoWindow *self,
                          gint64       profile_id)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));
  g_return_if_fail (profile_id > 0);

  self->profile_id = profile_id;
  g_settings_set_int64 (self->settings, PROFILE_KEY, profile_id);
  techo_profile_switcher_set_current (self->profile_switcher, profile_id);
  if (self->store != NULL && techo_store_is_open (self->store))
    techo_window_load_records (self);
}

GtkWidget *
techo_window_get_profile_switcher (TechoWindow *self)
{
  g_return_val_if_fail (TECHO_IS_WINDOW (self), NULL);
  return GTK_WIDGET (self->profile_switcher);
}

void
techo_window_add_person_paths (TechoWindow        *self,
                               const char * const *paths)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));

  if (self->store != NULL && techo_store_is_open (self->store)
      && techo_window_get_mode (self) == TECHO_WINDOW_MODE_MAIN)
    techo_file_import_new_person_paths (self, self->store, paths);
}

GtkWidget *
techo_window_get_family_alert (TechoWindow *self)
{
  g_return_val_if_fail (TECHO_IS_WINDOW (self), NULL);
  return self->family_alert;
}
