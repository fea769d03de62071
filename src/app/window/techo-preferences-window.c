/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-background.h"
#include "techo-error-text.h"
#include "techo-host-client.h"
#include "techo-line-breaks.h"
#include "techo-pin-dialog.h"
#include "techo-preferences-window.h"

struct _TechoPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GtkSpinButton *auto_lock_spin;
  GtkSwitch *reminders_switch;
  GtkSwitch *followups_switch;
  GtkSwitch *medicines_switch;
  GtkSwitch *new_checkups_switch;
  AdwActionRow *background_row;
  GtkSwitch *background_switch;
  GCancellable *background_cancellable;
  gboolean background_asking;   /* the desktop has not answered yet */
  GtkSwitch *era_switch;
  AdwActionRow *connection_row;
  GtkWidget *sign_out_button;
  AdwEntryRow *share_host_row;
  AdwActionRow *share_host_status;
  AdwPreferencesGroup *pin_group;
  AdwActionRow *pin_row;
  GtkButton *pin_button;
  GSettings *settings;
  TechoStore *store;
};

G_DEFINE_FINAL_TYPE (TechoPreferencesWindow, techo_preferences_window,
                     ADW_TYPE_PREFERENCES_WINDOW)

static gboolean
era_get_mapping (GValue   *value,
                 GVariant *variant,
                 gpointer  user_data)
{
  g_value_set_boolean (value, g_strcmp0 (g_variant_get_string (variant, NULL),
                                         "japanese-era") == 0);
  return TRUE;
}

static GVariant *
era_set_mapping (const GValue       *value,
                 const GVariantType *expected_type,
                 gpointer            user_data)
{
  return g_variant_new_string (g_value_get_boolean (value) ? "japanese-era" : "western");
}

/* ---- reminders while Techo is closed -------------------------------------- */

static void
set_background_subtitle (TechoPreferencesWindow *self,
                         const char             *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  adw_action_row_set_subtitle (self->background_row, escaped);
}

/* The switch as the setting says, or off and insensitive when the store
 * is protected by a passphrase (nobody is there to type it at login). */
static void
update_background_row (TechoPreferencesWindow *self)
{
  TechoStoreMode mode = TECHO_STORE_MODE_KEYRING;
  gboolean passphrase = FALSE;
  gboolean on = g_settings_get_boolean (self->settings, "remind-when-closed");

  if (self->background_asking)
    return;
  if (self->store != NULL)
    {
      if (techo_store_is_open (self->store))
        mode = techo_store_get_mode (self->store);
      else
        techo_store_exists_at (techo_store_get_data_dir (self->store), &mode);
      passphrase = mode == TECHO_STORE_MODE_PASSPHRASE;
    }
  self->background_asking = TRUE;   /* the switch moves; nothing is asked */
  gtk_switch_set_active (self->background_switch, on && !passphrase);
  gtk_switch_set_state (self->background_switch, on && !passphrase);
  self->background_asking = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->background_switch), !passphrase);
  set_background_subtitle (self, passphrase
                                 ? _("Needs the keyring: records protected by a passphrase cannot "
                                     "be opened while Techo is closed")
                                 : _("Techo starts hidden at login and sends the reminders above "
                                     "once a day"));
}

static void
background_answered_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(TechoPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean enable = gtk_switch_get_active (self->background_switch);
  gboolean allowed = FALSE;
  gboolean answered = techo_background_request_finish (result, &allowed, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->background_asking = FALSE;
  if (!enable)
    {
      /* Off is off, whatever the desktop said: the hidden start checks
       * the setting and does nothing. */
      g_settings_set_boolean (self->settings, "remind-when-closed", FALSE);
      update_background_row (self);
      if (!answered)
        set_background_subtitle (self, error->message);
      return;
    }
  if (answered && allowed)
    {
      g_settings_set_boolean (self->settings, "remind-when-closed", TRUE);
      update_background_row (self);
      return;
    }
  g_settings_set_boolean (self->settings, "remind-when-closed", FALSE);
  update_background_row (self);
  set_background_subtitle (self, answered
                                 ? _("Your desktop did not allow Techo to run in the background, "
                                     "so reminders come only while Techo is open. You can allow "
                                     "it in Settings → Apps → Techo.")
                                 : error->message);
}

/* The switch's state follows once the desktop has answered. */
static gboolean
background_state_set_cb (GtkSwitch              *sw,
                         gboolean                state,
                         TechoPreferencesWindow *self)
{
  if (self->background_asking)
    return TRUE;
  if (state == g_settings_get_boolean (self->settings, "remind-when-closed"))
    {
      gtk_switch_set_state (sw, state);
      return TRUE;
    }
  self->background_asking = TRUE;
  set_background_subtitle (self, _("Asking your desktop…"));
  techo_background_request_async (GTK_WINDOW (self), state, self->background_cancellable,
                                  background_answered_cb, g_object_ref (self));
  return TRUE;
}

/* ---- the owner's PIN ------------------------------------------------------ */

static void
pin_state_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(TechoPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  TechoOwnerPinResult answer = { 0 };

  if (!techo_store_check_owner_pin_finish (TECHO_STORE (source), result, &answer, &error))
    {
      techo_error_text_log ("Asking for the PIN", error);
      adw_action_row_set_subtitle (self->pin_row, techo_error_text (error));
      return;
    }
  adw_action_row_set_subtitle (self->pin_row, answer.check == TECHO_OWNER_PIN_NOT_SET
                                              ? _("Not set: anyone at this computer can leave visit mode")
                                              : _("Set"));
  gtk_button_set_label (self->pin_button, answer.check == TECHO_OWNER_PIN_NOT_SET
                                          ? _("_Set PIN…") : _("_Change PIN…"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_button), TRUE);
}

static void
update_pin_row (TechoPreferencesWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->pin_button), FALSE);
  if (self->store == NULL || !techo_store_is_open (self->store))
    {
      adw_action_row_set_subtitle (self->pin_row, _("Unlock your records first."));
      return;
    }
  if (techo_store_get_mode (self->store) == TECHO_STORE_MODE_PASSPHRASE)
    {
      adw_action_row_set_subtitle (self->pin_row, _("Not needed: your passphrase protects them"));
      return;
    }
  techo_store_check_owner_pin_async (self->store, NULL, NULL, pin_state_cb, g_object_ref (self));
}

static void
pin_done (gboolean pin_set,
          gboolean later,
          gpointer user_data)
{
  g_autoptr(TechoPreferencesWindow) self = user_data;

  update_pin_row (self);
}

static void
pin_clicked_cb (TechoPreferencesWindow *self)
{
  if (self->store == NULL)
    return;
  techo_pin_dialog_new (GTK_WINDOW (self), self->store, _("Set the Owner’s PIN"),
                        _("Leaving visit mode and unlocking Techo will ask for it. "
                          "After several wrong tries each try must wait longer."),
                        NULL, pin_done, g_object_ref (self));
}

/* Says where links go, or why the address typed was not taken. */
static void
update_share_host_status (TechoPreferencesWindow *self,
                          const char             *problem)
{
  g_autofree char *url = g_settings_get_string (self->settings, "share-host-url");
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;

  if (problem != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->share_host_row), "error");
      text = g_strdup (problem);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->share_host_row), "error");
      text = *url == '\0'
               ? g_strdup (_("None: a share link works only on this computer, while Techo is open"))
               : g_strdup_printf (_("Links for a doctor’s phone are kept on %s"), url);
    }
  escaped = g_markup_escape_text (text, -1);
  adw_action_row_set_subtitle (self->share_host_status, escaped);
}

static void
share_host_apply_cb (AdwEntryRow *row,
                     gpointer     user_data)
{
  TechoPreferencesWindow *self = user_data;
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  if (*typed != '\0')
    {
      url = techo_host_normalize_url (typed, &error);
      if (url == NULL)
        {
          update_share_host_status (self, error->message);
          return;
        }
      gtk_editable_set_text (GTK_EDITABLE (row), url);
    }
  g_settings_set_string (self->settings, "share-host-url", url != NULL ? url : "");
  update_share_host_status (self, NULL);
}

static void
techo_preferences_window_dispose (GObject *object)
{
  TechoPreferencesWindow *self = TECHO_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->background_cancellable);
  g_clear_object (&self->background_cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_preferences_window_parent_class)->dispose (object);
}

static void
techo_preferences_window_class_init (TechoPreferencesWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = techo_preferences_window_dispose;
  techo_line_breaks_install ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/techo/Techo/techo-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, auto_lock_spin);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, reminders_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, followups_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, medicines_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, new_checkups_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, era_switch);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, background_row);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_callback (widget_class, background_state_set_cb);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, connection_row);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, sign_out_button);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, share_host_row);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, share_host_status);
  gtk_widget_class_bind_template_callback (widget_class, share_host_apply_cb);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, pin_group);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, pin_row);
  gtk_widget_class_bind_template_child (widget_class, TechoPreferencesWindow, pin_button);
  gtk_widget_class_bind_template_callback (widget_class, pin_clicked_cb);
}

static void
techo_preferences_window_init (TechoPreferencesWindow *self)
{
  self->background_cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
techo_preferences_window_new (GtkWindow  *parent,
                              GSettings  *settings,
                              const char *connection)
{
  TechoPreferencesWindow *self = g_object_new (TECHO_TYPE_PREFERENCES_WINDOW,
                                               "transient-for", parent,
                                               "modal", TRUE,
                                               /* an application window now:
                                                * it must not outlive the
                                                * main one */
                                               "destroy-with-parent", TRUE,
                                               NULL);

  g_settings_bind (settings, "auto-lock-minutes", self->auto_lock_spin, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reminders", self->reminders_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reminder-followups", self->followups_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reminder-medicines", self->medicines_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "reminder-new-checkups", self->new_checkups_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "date-style", self->era_switch, "active",
                                G_SETTINGS_BIND_DEFAULT, era_get_mapping, era_set_mapping,
                                NULL, NULL);
  techo_preferences_window_set_connection (self, connection);
  self->settings = g_object_ref (settings);
  {
    g_autofree char *url = g_settings_get_string (settings, "share-host-url");

    gtk_editable_set_text (GTK_EDITABLE (self->share_host_row), url);
  }
  update_share_host_status (self, NULL);
  update_background_row (self);
  return GTK_WIDGET (self);
}

void
techo_preferences_window_set_store (TechoPreferencesWindow *self,
                                    TechoStore             *store)
{
  g_set_object (&self->store, store);
  update_pin_row (self);
  update_background_row (self);
}

GtkButton *
techo_preferences_window_get_pin_button (TechoPreferencesWindow *self)
{
  return self->pin_button;
}

GtkSwitch *
techo_preferences_window_get_background_switch (TechoPreferencesWindow *self)
{
  return self->background_switch;
}

const char *
techo_preferences_window_get_background_state (TechoPreferencesWindow *self)
{
  return adw_action_row_get_subtitle (self->background_row);
}

const char *
techo_preferences_window_get_pin_state (TechoPreferencesWindow *self)
{
  return adw_action_row_get_subtitle (self->pin_row);
}

void
techo_preferences_window_set_connection (TechoPreferencesWindow *self,
                                         const char             *connection)
{
  g_return_if_fail (TECHO_IS_PREFERENCES_WINDOW (self));

  adw_action_row_set_subtitle (self->connection_row,
                               connection != NULL ? connection : _("Not connected"));
  /* Nothing to sign out of until the keyring says there is a session. */
  gtk_widget_set_sensitive (self->sign_out_button, connection != NULL);
}
