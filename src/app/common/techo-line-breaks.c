/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keeping Japanese sentence endings whole in wrapped labels. */

#define G_LOG_DOMAIN "techo-line-breaks"

#include "config.h"

#include <string.h>

#include "techo-line-breaks.h"

/* A word's kanji or katakana stem and hiragana ending, at most: enough for
 * 残ります。, 見せます。, ありません。; short enough that a narrow label
 * still finds a break. */
#define MAX_STEM 2
#define MAX_ENDING 6

/* The attribute list we set, so that a label's own is never replaced. */
static GQuark ours_quark;
static GQuark watched_quark;

static gboolean
is_hiragana (gunichar c)
{
  return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;
}

static gboolean
is_stem (gunichar c)
{
  return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC       /* katakana, ー */
         || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)
         || c == 0x3005;                                    /* 々 */
}

static gboolean
is_closing (gunichar c)
{
  return c == 0x3002 || c == 0x3001 || c == 0xFF01 || c == 0xFF1F || c == 0x300D
         || c == 0x300F || c == 0xFF09;
}

PangoAttrList *
techo_line_breaks_attributes (const char *text)
{
  PangoAttrList *list = NULL;
  g_autoptr(GArray) offsets = NULL;   /* byte offset of each character, and the end */
  g_autoptr(GArray) chars = NULL;
  guint n;

  if (text == NULL)
    return NULL;
  offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      guint offset = p - text;
      gunichar c = g_utf8_get_char (p);

      g_array_append_val (offsets, offset);
      g_array_append_val (chars, c);
    }
  n = chars->len;
  {
    guint end = strlen (text);

    g_array_append_val (offsets, end);
  }

  for (guint k = 0; k < n; k++)
    {
      guint start, stop, ending = 0, stem = 0;

      /* The last hiragana of an ending: a closing mark or the end next. */
      if (!is_hiragana (g_array_index (chars, gunichar, k))
          || (k + 1 < n && !is_closing (g_array_index (chars, gunichar, k + 1))
              && g_array_index (chars, gunichar, k + 1) != '\n'))
        continue;
      start = k + 1;
      while (start > 0 && ending < MAX_ENDING
             && is_hiragana (g_array_index (chars, gunichar, start - 1)))
        {
          start--;
          ending++;
        }
      /* The whole ending: its stem with it (a longer one is left to
       * break where Pango likes). */
      if (start == 0 || !is_hiragana (g_array_index (chars, gunichar, start - 1)))
        while (start > 0 && stem < MAX_STEM && is_stem (g_array_index (chars, gunichar, start - 1)))
          {
            start--;
            stem++;
          }
      stop = k + 1;
      while (stop < n && is_closing (g_array_index (chars, gunichar, stop)))
        stop++;
      if (stop - start < 2)
        continue;
      if (list == NULL)
        list = pango_attr_list_new ();
      {
        PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

        keep->start_index = g_array_index (offsets, guint, start);
        keep->end_index = g_array_index (offsets, guint, stop);
        pango_attr_list_insert (list, keep);
      }
      k = stop - 1;
    }
  return list;
}

static void
apply (GtkLabel *label)
{
  PangoAttrList *current = gtk_label_get_attributes (label);
  PangoAttrList *ours = g_object_get_qdata (G_OBJECT (label), ours_quark);
  g_autoptr(PangoAttrList) wanted = NULL;

  /* Attributes someone else set: theirs to keep. */
  if (current != NULL && current != ours)
    return;
  if (gtk_label_get_wrap (label))
    wanted = techo_line_breaks_attributes (gtk_label_get_text (label));
  if (wanted == NULL && current == NULL)
    return;
  gtk_label_set_attributes (label, wanted);
  /* The label holds a reference to the list it was given. */
  g_object_set_qdata (G_OBJECT (label), ours_quark, gtk_label_get_attributes (label));
}

static void
changed_cb (GtkLabel   *label,
            GParamSpec *pspec,
            gpointer    user_data)
{
  apply (label);
}

void
techo_line_breaks_watch (GtkLabel *label)
{
  g_return_if_fail (GTK_IS_LABEL (label));

  if (ours_quark == 0)
    {
      ours_quark = g_quark_from_static_string ("techo-line-breaks-ours");
      watched_quark = g_quark_from_static_string ("techo-line-breaks-watched");
    }
  if (g_object_get_qdata (G_OBJECT (label), watched_quark) != NULL)
    return;
  g_object_set_qdata (G_OBJECT (label), watched_quark, GINT_TO_POINTER (1));
  g_signal_connect (label, "notify::label", G_CALLBACK (changed_cb), NULL);
  g_signal_connect (label, "notify::wrap", G_CALLBACK (changed_cb), NULL);
  apply (label);
}

static gboolean
mapped_hook (GSignalInvocationHint *hint,
             guint                  n_values,
             const GValue          *values,
             gpointer               user_data)
{
  GObject *widget = g_value_get_object (&values[0]);

  if (GTK_IS_LABEL (widget))
    techo_line_breaks_watch (GTK_LABEL (widget));
  return TRUE;   /* stay installed */
}

void
techo_line_breaks_install (void)
{
  static gsize installed;

  if (g_once_init_enter (&installed))
    {
      guint map = g_signal_lookup ("map", GTK_TYPE_WIDGET);

      g_signal_add_emission_hook (map, 0, mapped_hook, NULL, NULL);
      g_once_init_leave (&installed, 1);
    }
}
