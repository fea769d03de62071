/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-profile-switcher.c: see the header. The list shows what the
 * window gave it; choosing a person only emits ::person-chosen (the
 * window reads that person's records through the store's async API). */

#define G_LOG_DOMAIN "techo-profile-switcher"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "techo-format.h"
#include "techo-profile-switcher.h"
#include "techo-reference.h"

struct _TechoProfileSwitcher
{
  GtkWidget parent_instance;

  GtkMenuButton *button;
  AdwAvatar *avatar;
  GtkLabel *name_label;
  GtkLabel *detail_label;
  GtkPopover *popover;
  GtkListBox *list;
  GtkButton *remove_button;
  GPtrArray *profiles;       /* TechoProfile, copies, in the store's order */
  gint64 current_id;
};

G_DEFINE_FINAL_TYPE (TechoProfileSwitcher, techo_profile_switcher, GTK_TYPE_WIDGET)

enum
{
  PERSON_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static TechoProfile *
profile_copy (const TechoProfile *p)
{
  TechoProfile *copy = techo_profile_new ();

  copy->id = p->id;
  copy->subject = g_strdup (p->subject);
  copy->issuer = g_strdup (p->issuer);
  copy->name = g_strdup (p->name);
  copy->name_kana = g_strdup (p->name_kana);
  copy->birth_date = g_strdup (p->birth_date);
  copy->sex = g_strdup (p->sex);
  copy->insurer_number = g_strdup (p->insurer_number);
  return copy;
}

static const TechoProfile *
current_profile (TechoProfileSwitcher *self)
{
  for (guint i = 0; i < self->profiles->len; i++)
    {
      const TechoProfile *p = g_ptr_array_index (self->profiles, i);

      if (p->id == self->current_id)
        return p;
    }
  return NULL;
}

static GtkWidget *
make_row (TechoProfileSwitcher *self,
          const TechoProfile   *profile)
{
  g_autofree char *today = techo_format_today ();
  g_autofree char *age = techo_profile_describe_age (profile, today);
  g_autofree char *label = NULL;
  const char *name = techo_profile_display_name (profile);
  gboolean current = profile->id == self->current_id;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (name);
  GtkWidget *check = gtk_image_new_from_icon_name ("object-select-symbolic");

  gtk_box_append (GTK_BOX (box), adw_avatar_new (32, name, TRUE));
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (texts), title);
  if (age != NULL)
    {
      GtkWidget *detail = gtk_label_new (age);

      gtk_label_set_xalign (GTK_LABEL (detail), 0);
      gtk_label_set_wrap (GTK_LABEL (detail), TRUE);
      gtk_widget_add_css_class (detail, "dim-label");
      gtk_widget_add_css_class (detail, "caption");
      gtk_box_append (GTK_BOX (texts), detail);
    }
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_widget_set_opacity (check, current ? 1.0 : 0.0);
  gtk_box_append (GTK_BOX (box), check);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  if (current)
    /* TRANSLATORS: a person in the family list, and that their records are on screen. */
    label = g_strdup_printf (_("%s, shown now"), name);
  else
    label = g_strdup (name);
  if (age != NULL)
    {
      /* TRANSLATORS: a person in the family list (with "shown now" if so), and their age. */
      char *with_age = g_strdup_printf (C_("family row", "%s, %s"), label, age);

      g_free (label);
      label = with_age;
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  return row;
}

static void
update (TechoProfileSwitcher *self)
{
  const TechoProfile *current = current_profile (self);
  g_autofree char *today = techo_format_today ();
  g_autofree char *age = current != NULL ? techo_profile_describe_age (current, today) : NULL;
  g_autofree char *label = NULL;
  const char *name = current != NULL ? techo_profile_display_name (current) : "";
  GtkWidget *child;

  gtk_label_set_text (self->name_label, name);
  gtk_label_set_text (self->detail_label, age != NULL ? age : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), age != NULL);
  adw_avatar_set_text (self->avatar, name);
  /* TRANSLATORS: the accessible name of the family switcher: whose records are shown. */
  label = g_strdup_printf (_("Person shown: %s. Switch to another person"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  label, -1);
  g_free (label);
  /* TRANSLATORS: removes the person shown (and their records) from Techo. */
  label = g_strdup_printf (_("_Remove “%s”…"), name);
  gtk_button_set_label (self->remove_button, label);
  /* The only person stays: Preferences → Delete everything removes all. */
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button),
                          current != NULL && self->profiles->len > 1);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);
  for (guint i = 0; i < self->profiles->len; i++)
    gtk_list_box_append (self->list, make_row (self, g_ptr_array_index (self->profiles, i)));
}

static void
row_activated_cb (GtkListBox           *list,
                  GtkListBoxRow        *row,
                  TechoProfileSwitcher *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0)
    techo_profile_switcher_choose (self, (guint) index);
}

static void
techo_profile_switcher_dispose (GObject *object)
{
  TechoProfileSwitcher *self = TECHO_PROFILE_SWITCHER (object);

  if (self->button != NULL)
    gtk_widget_unparent (GTK_WIDGET (self->button));
  self->button = NULL;
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  G_OBJECT_CLASS (techo_profile_switcher_parent_class)->dispose (object);
}

static void
techo_profile_switcher_class_init (TechoProfileSwitcherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_profile_switcher_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "profileswitcher");

  /* The person chosen (their profile id), not yet shown. */
  signals[PERSON_CHOSEN] =
    g_signal_new ("person-chosen", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
techo_profile_switcher_init (TechoProfileSwitcher *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_Add a Person…"));
  GtkWidget *heading = gtk_label_new (_("Whose records to show"));

  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_profile_free);

  self->avatar = ADW_AVATAR (adw_avatar_new (32, NULL, TRUE));
  self->name_label = GTK_LABEL (gtk_label_new (NULL));
  self->detail_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->name_label, 0);
  gtk_label_set_ellipsize (self->name_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "heading");
  gtk_label_set_xalign (self->detail_label, 0);
  gtk_label_set_ellipsize (self->detail_label, PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "caption");
  gtk_widget_add_css_class (GTK_WIDGET (self->detail_label), "dim-label");
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->name_label));
  gtk_box_append (GTK_BOX (texts), GTK_WIDGET (self->detail_label));
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_widget_set_valign (texts, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->avatar));
  gtk_box_append (GTK_BOX (box), texts);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("pan-down-symbolic"));
  gtk_widget_set_hexpand (box, TRUE);

  /* The popover: everyone, the current person checked, then adding one. */
  self->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Family members"), -1);
  g_signal_connect (self->list, "row-activated", G_CALLBACK (row_activated_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->list));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "win.add-person");
  gtk_widget_add_css_class (add, "flat");
  gtk_box_append (GTK_BOX (content), heading);
  gtk_box_append (GTK_BOX (content), scrolled);
  gtk_box_append (GTK_BOX (content), add);
  self->remove_button = GTK_BUTTON (gtk_button_new ());
  gtk_button_set_use_underline (self->remove_button, TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (self->remove_button), "win.remove-person");
  gtk_widget_add_css_class (GTK_WIDGET (self->remove_button), "flat");
  gtk_widget_add_css_class (GTK_WIDGET (self->remove_button), "error");
  gtk_box_append (GTK_BOX (content), GTK_WIDGET (self->remove_button));
  gtk_widget_set_size_request (content, 260, -1);
  self->popover = GTK_POPOVER (gtk_popover_new ());
  gtk_popover_set_child (self->popover, content);

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_child (self->button, box);
  gtk_menu_button_set_popover (self->button, GTK_WIDGET (self->popover));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Switch Person"));
  gtk_widget_add_css_class (GTK_WIDGET (self->button), "flat");
  gtk_widget_set_hexpand (GTK_WIDGET (self->button), TRUE);
  /* The menu button centres what it holds (in a box of its own): the
   * name starts at the row's start, the arrow at its end. */
  gtk_widget_set_halign (gtk_widget_get_parent (box), GTK_ALIGN_FILL);
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));
  gtk_widget_set_margin_start (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_end (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 6);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);
  /* The buttons close the list when pressed. */
  g_signal_connect_swapped (add, "clicked", G_CALLBACK (gtk_popover_popdown), self->popover);
  g_signal_connect_swapped (self->remove_button, "clicked", G_CALLBACK (gtk_popover_popdown),
                            self->popover);
  update (self);
}

/* ---- public API ------------------------------------------------------ */

const char *
techo_profile_display_name (const TechoProfile *profile)
{
  if (profile != NULL && profile->name != NULL && profile->name[0] != '\0')
    return profile->name;
  if (profile != NULL && profile->name_kana != NULL && profile->name_kana[0] != '\0')
    return profile->name_kana;
  return _("Unnamed person");
}

char *
techo_profile_describe_age (const TechoProfile *profile,
                            const char         *today)
{
  g_autofree char *year = NULL;
  int age;

  if (profile == NULL || profile->birth_date == NULL || strlen (profile->birth_date) < 4)
    return NULL;
  year = g_strndup (profile->birth_date, 4);
  age = techo_reference_age_on (profile->birth_date, today);
  if (age < 0)
    /* TRANSLATORS: %s is a year, e.g. "Born 1960". */
    return g_strdup_printf (_("Born %s"), year);
  /* TRANSLATORS: a year of birth and the age now, e.g. "Born 1960 · 66 years old". */
  return g_strdup_printf (ngettext ("Born %s · %d year old", "Born %s · %d years old", age),
                          year, age);
}

void
techo_profile_switcher_set_profiles (TechoProfileSwitcher *self,
                                     GPtrArray            *profiles,
                                     gint64                current_id)
{
  g_return_if_fail (TECHO_IS_PROFILE_SWITCHER (self));

  g_ptr_array_set_size (self->profiles, 0);
  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    g_ptr_array_add (self->profiles, profile_copy (g_ptr_array_index (profiles, i)));
  self->current_id = current_id;
  update (self);
}

void
techo_profile_switcher_set_current (TechoProfileSwitcher *self,
                                    gint64                current_id)
{
  g_return_if_fail (TECHO_IS_PROFILE_SWITCHER (self));

  if (self->current_id == current_id)
    return;
  self->current_id = current_id;
  update (self);
}

gint64
techo_profile_switcher_get_current (TechoProfileSwitcher *self)
{
  g_return_val_if_fail (TECHO_IS_PROFILE_SWITCHER (self), 0);
  return self->current_id;
}

guint
techo_profile_switcher_get_n_profiles (TechoProfileSwitcher *self)
{
  g_return_val_if_fail (TECHO_IS_PROFILE_SWITCHER (self), 0);
  return self->profiles->len;
}

void
techo_profile_switcher_choose (TechoProfileSwitcher *self,
                               guint                 index)
{
  const TechoProfile *p;

  g_return_if_fail (TECHO_IS_PROFILE_SWITCHER (self));

  if (index >= self->profiles->len)
    return;
  p = g_ptr_array_index (self->profiles, index);
  gtk_popover_popdown (self->popover);
  g_signal_emit (self, signals[PERSON_CHOSEN], 0, p->id);
}

GtkWidget *
techo_profile_switcher_get_button (TechoProfileSwitcher *self)
{
  g_return_val_if_fail (TECHO_IS_PROFILE_SWITCHER (self), NULL);
  return GTK_WIDGET (self->button);
}

GtkListBox *
techo_profile_switcher_get_list (TechoProfileSwitcher *self)
{
  g_return_val_if_fail (TECHO_IS_PROFILE_SWITCHER (self), NULL);
  return self->list;
}
