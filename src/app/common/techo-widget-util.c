/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "techo-widget-util.h"

void
techo_widget_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}

/* Names in the tables are short: up to this many characters of Japanese
 * stay whole on one line. */
#define SHORT_NAME_CHARS 16

void
techo_label_wrap_words (GtkLabel *label)
{
  const char *text = gtk_label_get_text (label);
  gboolean wide = FALSE;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iswide (g_utf8_get_char (p)))
      {
        wide = TRUE;
        break;
      }
  if (wide && g_utf8_strlen (text, -1) <= SHORT_NAME_CHARS)
    {
      gtk_label_set_wrap (label, FALSE);
      return;
    }
  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD);
}
