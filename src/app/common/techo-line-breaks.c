/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Keeping Japanese sentence endings whole in wrapped labels. */

#define G_LOG_DOMAIN "techo-line-breaks"

#include "config.h"

#include <string.h>

#include "techo-line-breaks.h"

/* A word's kanji or katakana stem and hiragana ending, at most: enough for
 * 残ります。, 見せます。, ありません。, がないときに; short enough that a
 * narrow label still finds a break (nine characters, about 130 px). */
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

/* The polite prefixes お and ご go with the word after them (お知らせ,
 * ご自身), not with the particles before. */
static gboolean
is_prefix (gunichar c)
{
  return c == 0x304A || c == 0x3054;
}

/* @start moved back over a word's stem (MAX_STEM at most) and its polite
 * prefix. */
static guint
take_stem (GArray *chars,
           guint   start)
{
  guint stem = 0;

  while (start > 0 && stem < MAX_STEM && is_stem (g_array_index (chars, gunichar, start - 1)))
    {
      start--;
      stem++;
    }
  if (stem > 0 && start > 0 && is_prefix (g_array_index (chars, gunichar, start - 1)))
    start--;
  return start;
}

static gboolean
is_closing (gunichar c)
{
  return c == 0x3002 || c == 0x3001 || c == 0xFF01 || c == 0xFF1F || c == 0x300D
         || c == 0x300F || c == 0xFF09;
}

static gboolean
is_katakana (gunichar c)
{
  return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC;
}

/* No break between the characters @start … @stop - 1 (two at least, the
 * last a CJK one). */
static void
add_kept (PangoAttrList **list,
          GArray         *offsets,
          guint           start,
          guint           stop)
{
  PangoAttribute *keep = pango_attr_allow_breaks_new (FALSE);

  if (*list == NULL)
    *list = pango_attr_list_new ();
  /* Pango suppresses the breaks between the characters of the range;
   * those before and after it stay. The range ends a byte inside its last
   * character (a CJK one, three bytes; Pango counts a character begun as
   * covered): GtkLabel merges a markup label's attributes with
   * pango_attr_list_change, which joins equal ranges that touch, and two
   * words side by side would become one. */
  keep->start_index = g_array_index (offsets, guint, start);
  keep->end_index = g_array_index (offsets, guint, stop) - 1;
  pango_attr_list_insert (*list, keep);
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

  /* Each maximal run of hiragana [a, b), and of katakana. */
  for (guint a = 0; a < n; a++)
    {
      guint b = a, start, stop;

      if (is_katakana (g_array_index (chars, gunichar, a)))
        {
          /* A short katakana word (ログイン, サプリメント) stays whole; a
           * long drug name breaks where Pango likes. */
          while (b < n && is_katakana (g_array_index (chars, gunichar, b)))
            b++;
          if (b - a >= 2 && b - a <= MAX_ENDING)
            add_kept (&list, offsets, a, b);
          a = b - 1;
          continue;
        }
      if (!is_hiragana (g_array_index (chars, gunichar, a)))
        continue;
      while (b < n && is_hiragana (g_array_index (chars, gunichar, b)))
        b++;
      if (b == n || is_closing (g_array_index (chars, gunichar, b))
          || g_array_index (chars, gunichar, b) == '\n')
        {
          /* A sentence's ending: its last MAX_ENDING kana, with the stem
           * when the whole run fits, and the closing marks. */
          start = b - a > MAX_ENDING ? b - MAX_ENDING : a;
          if (start == a)
            start = take_stem (chars, start);
          stop = b;
          while (stop < n && is_closing (g_array_index (chars, gunichar, stop)))
            stop++;
        }
      else if (b - a <= MAX_ENDING)
        {
          /* A short run inside a sentence (がないときに, を, には) and its
           * stem (知らせを): one word and its particles, never split. */
          start = take_stem (chars, a);
          stop = b;
          /* A prefix at its end belongs to the next word. */
          if (is_prefix (g_array_index (chars, gunichar, b - 1))
              && is_stem (g_array_index (chars, gunichar, b)))
            stop = b - 1;
        }
      else
        {
          a = b - 1;
          continue;
        }
      if (stop - start >= 2)
        add_kept (&list, offsets, start, stop);
      a = MAX (b, stop) - 1;
    }
  return list;
}

/* Japanese text, not an English sentence quoting Japanese names: more
 * kana and kanji than Latin letters. The rules are for Japanese
 * sentences; an English one that names a clinic or a drug breaks where
 * Pango likes. (With the ranges inside "2 current medicines:
 * アムロジピンOD錠5mg「トーワ」, …", GTK 4.18 measured the label's box at a
 * minimum height above its natural one, and warned.) */
static gboolean
is_japanese_text (const char *text)
{
  guint japanese = 0, latin = 0;

  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x80 && g_ascii_isalpha (c))
        latin++;
      else if (is_hiragana (c) || is_katakana (c) || is_stem (c))
        japanese++;
    }
  return japanese > 0 && japanese > latin;
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
  if (gtk_label_get_wrap (label) && is_japanese_text (gtk_label_get_text (label)))
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
