/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-welcome"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-error-text.h"
#include "techo-welcome.h"
#include "techo-widget-util.h"

#define MIN_PASSPHRASE_CHARS 8

struct _TechoWelcome
{
  GtkWidget parent_instance;

  GtkStack *steps;
  AdwStatusPage *welcome_status;
  GtkCheckButton *keyring_check;
  GtkCheckButton *passphrase_check;
  AdwPreferencesGroup *passphrase_group;
  AdwPasswordEntryRow *passphrase_entry;
  AdwPasswordEntryRow *repeat_entry;
  GtkLabel *strength_label;
  GtkButton *continue_button;
  GtkButton *records_button;
  GtkSpinner *connect_spinner;
  AdwActionRow *url_row;
  GtkBox *progress_box;
  GtkBox *details_slot;       /* the last error's Details expander, if any */

  const char *choice;
  gboolean protect_needed;
  char *url;
  GtkProgressBar *bars[TECHO_N_CATEGORIES];
  GtkLabel *counts[TECHO_N_CATEGORIES];
};

G_DEFINE_FINAL_TYPE (TechoWelcome, techo_welcome, GTK_TYPE_WIDGET)

enum {
  PROTECT,
  CONNECT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
category_title (TechoCategory category)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return _("Checkups");
    case TECHO_CATEGORY_MEDICATION:
      return _("Medicines");
    case TECHO_CATEGORY_SCREENING:
    case TECHO_N_CATEGORIES:
    default:
      return _("Cancer screenings");
    }
}

static void
update_continue (TechoWelcome *self)
{
  const char *a = gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry));
  const char *b = gtk_editable_get_text (GTK_EDITABLE (self->repeat_entry));
  gboolean passphrase = gtk_check_button_get_active (self->passphrase_check);
  glong length = g_utf8_strlen (a, -1);
  const char *hint = NULL;
  gboolean ok = TRUE;

  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_group), passphrase);
  if (passphrase)
    {
      if (length < MIN_PASSPHRASE_CHARS)
        {
          hint = _("Use at least 8 characters; a few unrelated words are strong and easy to remember.");
          ok = FALSE;
        }
      else if (g_strcmp0 (a, b) != 0)
        {
          hint = _("The two passphrases differ.");
          ok = FALSE;
        }
      else if (length < 14)
        hint = _("Fair. A longer passphrase is stronger.");
      else
        hint = _("Strong.");
    }
  gtk_widget_set_visible (GTK_WIDGET (self->strength_label), hint != NULL);
  gtk_label_set_text (self->strength_label, hint != NULL ? hint : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->continue_button), ok);
}

static void
choose (TechoWelcome *self,
        const char   *choice)
{
  self->choice = choice;
  if (self->protect_needed)
    gtk_stack_set_visible_child_name (self->steps, "protect");
  else
    g_signal_emit (self, signals[CONNECT], 0, choice);
}

static void
connect_clicked_cb (TechoWelcome *self)
{
  choose (self, "portal");
}

static void
demo_clicked_cb (TechoWelcome *self)
{
  choose (self, "demo");
}

static void
mode_toggled_cb (TechoWelcome *self)
{
  update_continue (self);
}

static void
passphrase_changed_cb (TechoWelcome *self)
{
  update_continue (self);
}

static void
continue_clicked_cb (TechoWelcome *self)
{
  g_autofree char *passphrase = NULL;

  if (gtk_check_button_get_active (self->passphrase_check))
    passphrase = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->passphrase_entry)));
  gtk_editable_set_text (GTK_EDITABLE (self->passphrase_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_entry), "");
  g_signal_emit (self, signals[PROTECT], 0, passphrase);
  if (passphrase != NULL)
    memset (passphrase, 0, strlen (passphrase));
}

static void
copy_clicked_cb (TechoWelcome *self)
{
  if (self->url != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), self->url);
}

static void
techo_welcome_finalize (GObject *object)
{
  g_free (TECHO_WELCOME (object)->url);
  G_OBJECT_CLASS (techo_welcome_parent_class)->finalize (object);
}

static void
techo_welcome_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), TECHO_TYPE_WELCOME);
  techo_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (techo_welcome_parent_class)->dispose (object);
}

static void
techo_welcome_class_init (TechoWelcomeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_welcome_dispose;
  object_class->finalize = techo_welcome_finalize;

  /* The person chose how to protect the store: a passphrase, or NULL for
   * the keyring. */
  signals[PROTECT] = g_signal_new ("protect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /* The store exists already: connect with "portal" or "demo". */
  signals[CONNECT] = g_signal_new ("connect", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/techo/Techo/techo-welcome.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, steps);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, welcome_status);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, keyring_check);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, passphrase_check);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, passphrase_group);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, passphrase_entry);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, repeat_entry);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, strength_label);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, continue_button);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, records_button);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, connect_spinner);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, url_row);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, progress_box);
  gtk_widget_class_bind_template_child (widget_class, TechoWelcome, details_slot);
  gtk_widget_class_bind_template_callback (widget_class, connect_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, passphrase_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, continue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
techo_welcome_init (TechoWelcome *self)
{
  GtkWidget *cancel;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->choice = "portal";
  self->protect_needed = TRUE;

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *title = gtk_label_new (category_title (c));

      self->counts[c] = GTK_LABEL (gtk_label_new (""));
      self->bars[c] = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_widget_set_hexpand (title, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (self->counts[c]), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->counts[c]), "numeric");
      gtk_box_append (GTK_BOX (head), title);
      gtk_box_append (GTK_BOX (head), GTK_WIDGET (self->counts[c]));
      gtk_box_append (GTK_BOX (row), head);
      gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->bars[c]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->bars[c]),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, category_title (c), -1);
      gtk_box_append (self->progress_box, row);
    }
  cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  gtk_widget_set_halign (cancel, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (cancel, 12);
  gtk_widget_add_css_class (cancel, "pill");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (cancel), "app.cancel-sync");
  gtk_box_append (self->progress_box, cancel);
  update_continue (self);
}

void
techo_welcome_set_protect_needed (TechoWelcome *self,
                                  gboolean      needed)
{
  self->protect_needed = needed;
  /* With a store there are records (or an empty store) to go back to. */
  gtk_widget_set_visible (GTK_WIDGET (self->records_button), !needed);
}

void
techo_welcome_reset (TechoWelcome *self)
{
  techo_welcome_set_error_details (self, NULL);
  adw_status_page_set_description (self->welcome_status,
                                   _("Techo brings your checkups, medicines and cancer screenings "
                                     "from My Number Portal and keeps them encrypted on this "
                                     "computer only."));
  gtk_stack_set_visible_child_name (self->steps, "welcome");
}

const char *
techo_welcome_get_choice (TechoWelcome *self)
{
  return self->choice;
}

const char *
techo_welcome_get_step (TechoWelcome *self)
{
  return gtk_stack_get_visible_child_name (self->steps);
}

void
techo_welcome_show_connect (TechoWelcome *self,
                            const char   *url)
{
  g_autofree char *escaped = g_markup_escape_text (url != NULL ? url : "", -1);

  g_free (self->url);
  self->url = g_strdup (url);
  /* The row's subtitle is markup; the address has ampersands. */
  adw_action_row_set_subtitle (self->url_row, escaped);
  gtk_widget_set_visible (GTK_WIDGET (self->url_row), url != NULL);
  gtk_spinner_set_spinning (self->connect_spinner, TRUE);
  gtk_stack_set_visible_child_name (self->steps, "connect");
}

void
techo_welcome_show_progress (TechoWelcome *self)
{
  gtk_spinner_set_spinning (self->connect_spinner, FALSE);
  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    {
      gtk_progress_bar_set_fraction (self->bars[c], 0);
      gtk_label_set_text (self->counts[c], "");
    }
  gtk_stack_set_visible_child_name (self->steps, "progress");
}

void
techo_welcome_set_progress (TechoWelcome  *self,
                            TechoCategory  category,
                            guint          records,
                            gboolean       finished)
{
  g_autofree char *text = NULL;

  g_return_if_fail (category < TECHO_N_CATEGORIES);
  /* The portal does not say how many records to expect, so the bar pulses
   * until the category is done. */
  if (finished)
    gtk_progress_bar_set_fraction (self->bars[category], 1.0);
  else
    gtk_progress_bar_pulse (self->bars[category]);
  text = g_strdup_printf (ngettext ("%u record", "%u records", records), records);
  gtk_label_set_text (self->counts[category], text);
}

void
techo_welcome_set_error_details (TechoWelcome *self,
                                 const char   *details)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->details_slot))) != NULL)
    gtk_box_remove (self->details_slot, child);
  if (details != NULL)
    gtk_box_append (self->details_slot, techo_error_details_new (details));
  gtk_widget_set_visible (GTK_WIDGET (self->details_slot), details != NULL);
}

void
techo_welcome_show_error (TechoWelcome *self,
                          const char   *message)
{
  techo_welcome_set_error_details (self, NULL);
  gtk_spinner_set_spinning (self->connect_spinner, FALSE);
  adw_status_page_set_description (self->welcome_status, message);
  gtk_stack_set_visible_child_name (self->steps, "welcome");
}

const char *
techo_welcome_get_url (TechoWelcome *self)
{
  return self->url != NULL ? self->url : "";
}
