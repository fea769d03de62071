/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-line-breaks.h: where a wrapped label may not break. Pango breaks
 * Japanese between almost any two characters (UAX #14 gives kana and kanji
 * a break opportunity each), so a narrow label ends up with 「…残りま」 on
 * one line and 「す。」 alone on the next, or splits 「と／き」. Here a
 * sentence's last word — its kanji stem (two at most) and its hiragana
 * ending (six at most) up to the closing 。、！？」） or the end of the text
 * — and every shorter run of hiragana inside a sentence with its stem (a
 * word's ending and its particles, six at most: 知らせを, 記録がないときに)
 * are kept on one line with a
 * Pango attribute (allow_breaks false over the range), which changes
 * neither the text nor what a screen reader reads. Breaks stay where a
 * kanji or katakana word begins, as a reader expects. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* The attributes that keep @text's endings whole, or NULL when there is
 * nothing to keep. */
PangoAttrList *techo_line_breaks_attributes (const char *text);

/* Applies them to @label, now and whenever its text changes; a label
 * with attributes of its own is left alone. */
void           techo_line_breaks_watch      (GtkLabel   *label);

/* Watches every label of the process when it is first mapped (an
 * emission hook on GtkWidget::map). Once is enough; later calls do
 * nothing. */
void           techo_line_breaks_install    (void);

G_END_DECLS
