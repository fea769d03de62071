/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-app-wrap: no word broken across lines at 360 px. The window (real
 * store and keyring, the sandbox's demo citizen synced in, Xvfb) at
 * 360×800 and Preferences at 360 px: on every page, every wrapped label
 * that is on screen is laid out as GTK lays it out (gtk_label_get_layout,
 * the lines' start indices) and no line may start
 *
 *   - (Japanese) with one to three hiragana closed by 。、！？」） when the
 *     line before ends in a kana or kanji: a predicate's ending split off,
 *     as in 「残りま／す。」;
 *   - (Japanese) as a line of fewer than three characters ending in 。 (an
 *     orphaned 「す。」);
 *   - (Japanese) with a run of at most six hiragana that continues the
 *     word the line before ends with (hiragana, kanji or katakana): a
 *     word, its ending or its particles split (「と／き」, 「お知／らせを」;
 *     a polite お or ご before a kanji begins a word);
 *   - (any language) with a lower-case Latin letter when the line before
 *     ends in a Latin letter: a word broken in two ("choleste／rol").
 *
 * Each page is saved as a screenshot (app-LANG-wrap-PAGE.png). */

#define G_LOG_DOMAIN "test-app-wrap"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "techo-line-breaks.h"
#include "techo-medicines-page.h"
#include "techo-preferences-window.h"
#include "techo-store.h"
#include "techo-vault.h"
#include "techo-window.h"
#include "techo-test-app.h"
#include "techo-test-sandbox.h"
#include "techo-test-util.h"

#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#include <X11/Xlib.h>
#endif

static gboolean
is_hiragana (gunichar c)
{
  return c >= 0x3041 && c <= 0x309F;
}

/* Kana, kanji and the long-vowel mark: the letters of a Japanese word. */
static gboolean
is_japanese_letter (gunichar c)
{
  return is_hiragana (c) || (c >= 0x30A0 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF)
         || (c >= 0x4E00 && c <= 0x9FFF);
}

static gboolean
is_closing (gunichar c)
{
  return c == 0x3002 /* 。 */ || c == 0x3001 /* 、 */ || c == 0xFF01 /* ！ */
         || c == 0xFF1F /* ？ */ || c == 0x300D /* 」 */ || c == 0xFF09 /* ） */;
}

static gboolean
is_latin_letter (gunichar c)
{
  return c < 0x80 && g_ascii_isalpha ((char) c);
}

/* The characters of @line, without invisible joiners. */
static GArray *
line_chars (const char *text,
            int         start,
            int         length)
{
  GArray *chars = g_array_new (FALSE, FALSE, sizeof (gunichar));
  const char *end = text + start + length;

  for (const char *p = text + start; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != 0x2060 && c != 0x200B)
        g_array_append_val (chars, c);
    }
  return chars;
}

/* How many of @chars come before their trailing spaces and newline. */
static guint
trimmed_length (GArray *chars)
{
  guint n = chars->len;

  while (n > 0 && g_unichar_isspace (g_array_index (chars, gunichar, n - 1)))
    n--;
  return n;
}

/* What is wrong with the line break between @previous and @line, or
 * NULL. */
static const char *
bad_break (GArray *previous,
           GArray *line)
{
  guint n_previous = trimmed_length (previous);
  guint n_line = trimmed_length (line);
  gunichar last, first;
  guint n_kana = 0;

  if (n_previous == 0 || n_line == 0)
    return NULL;
  last = g_array_index (previous, gunichar, n_previous - 1);
  first = g_array_index (line, gunichar, 0);
  while (n_kana < n_line && is_hiragana (g_array_index (line, gunichar, n_kana)))
    n_kana++;
  if (n_kana >= 1 && n_kana <= 3 && n_kana < n_line
      && is_closing (g_array_index (line, gunichar, n_kana)) && is_japanese_letter (last))
    return "a Japanese predicate's ending split off";
  if (n_line < 3 && g_array_index (line, gunichar, n_line - 1) == 0x3002)
    return "a line of fewer than three characters ending in 。";
  /* お and ご before a kanji begin the next word (お知らせ, ご自身). */
  if (n_kana > 0 && is_japanese_letter (last)
      && !(n_kana == 1 && (first == 0x304A || first == 0x3054) && n_line > 1
           && is_japanese_letter (g_array_index (line, gunichar, 1))))
    {
      guint run = n_kana;

      for (guint i = n_previous; i > 0 && is_hiragana (g_array_index (previous, gunichar, i - 1)); i--)
        run++;
      if (run <= 6)
        return "a word or its ending split";
    }
  /* A word ends at a space (or a hyphen in the text); a line that ends in
   * a letter and a next that goes on in lower case split a word. */
  if (n_previous == previous->len && is_latin_letter (last)
      && first < 0x80 && g_ascii_islower ((char) first))
    return "a word broken in two";
  return NULL;
}

typedef struct
{
  guint n_labels;
  guint n_lines;
  GString *problems;
} Checked;

static void
check_label (GtkLabel   *label,
             const char *where,
             Checked    *checked)
{
  PangoLayout *layout = gtk_label_get_layout (label);
  const char *text = pango_layout_get_text (layout);
  int n = pango_layout_get_line_count (layout);
  g_autoptr(GArray) previous = NULL;

  checked->n_labels++;
  checked->n_lines += n;
  for (int i = 0; i < n; i++)
    {
      PangoLayoutLine *line = pango_layout_get_line_readonly (layout, i);
      g_autoptr(GArray) chars = line_chars (text, line->start_index, line->length);
      /* A line the text itself starts (after a newline) is not a wrap. */
      gboolean wrapped = i > 0 && line->start_index > 0 && text[line->start_index - 1] != '\n';
      const char *problem = wrapped ? bad_break (previous, chars) : NULL;

      if (problem != NULL)
        {
          g_autofree char *shown = g_strndup (text + line->start_index, line->length);

          g_string_append_printf (checked->problems, "%s: %s at line %d “%s” of “%s”\n",
                                  where, problem, i + 1, shown, text);
        }
      g_clear_pointer (&previous, g_array_unref);
      previous = g_steal_pointer (&chars);
    }
}

/* For a failure's message: the wrapped labels that ask for more than
 * @limit px. */
static void
print_wide_labels (GtkWidget *widget,
                   int        limit)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    {
      int min = 0;

      gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
      if (min > limit)
        g_test_message ("label asking %d px: “%s” (wrap %d)", min,
                        gtk_label_get_text (GTK_LABEL (widget)),
                        gtk_label_get_wrap (GTK_LABEL (widget)));
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    print_wide_labels (child, limit);
}

static void
assert_fits (GtkWidget  *window,
             const char *where)
{
  if (gtk_widget_get_width (window) <= 400)
    return;
  print_wide_labels (window, 250);
  g_error ("%s is %d px wide at 360 px", where, gtk_widget_get_width (window));
}

static void
walk (GtkWidget  *widget,
      const char *where,
      Checked    *checked)
{
  if (!gtk_widget_get_mapped (widget) || !gtk_widget_get_child_visible (widget))
    return;
  if (GTK_IS_LABEL (widget) && gtk_label_get_wrap (GTK_LABEL (widget))
      && gtk_widget_get_width (widget) > 0)
    check_label (GTK_LABEL (widget), where, checked);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    walk (child, where, checked);
}

/* How many of the widths from 120 to 480 px break @text badly, with or
 * without the attributes of techo-line-breaks. */
static guint
count_bad_widths (const char *text,
                  gboolean    kept)
{
  GtkWidget *label = gtk_label_new (NULL);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (label, text);
  g_autoptr(PangoAttrList) attributes = kept ? techo_line_breaks_attributes (text) : NULL;
  guint bad = 0;

  g_object_ref_sink (label);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_attributes (layout, attributes);
  for (int width = 120; width <= 480; width += 2)
    {
      g_autoptr(GArray) previous = NULL;

      pango_layout_set_width (layout, width * PANGO_SCALE);
      for (int i = 0; i < pango_layout_get_line_count (layout); i++)
        {
          PangoLayoutLine *line = pango_layout_get_line_readonly (layout, i);
          g_autoptr(GArray) chars = line_chars (text, line->start_index, line->length);

          if (i > 0 && text[line->start_index - 1] != '\n' && bad_break (previous, chars) != NULL)
            {
              bad++;
              break;
            }
          g_clear_pointer (&previous, g_array_unref);
          previous = g_steal_pointer (&chars);
        }
    }
  g_object_unref (label);
  return bad;
}

/* The rule itself, independent of what the demo person's pages say: at
 * some width Pango alone splits these endings; with the attributes, at
 * none. The text is not changed. */
static void
test_endings_kept (void)
{
  const char * const sentences[] = {
    "医師には、あなたが選んだものだけを見せます。Techo から記録が出ていくたびに、同意の記録がここに残ります。",
    "アムロジピン錠5mgは残り3日分です。次の受診の前になくなります。",
    "精密検査をすすめられていて、受けた記録がありません。",
    "精密検査をすすめられていて、受けた記録がないときに通知します",
  };

  for (guint i = 0; i < G_N_ELEMENTS (sentences); i++)
    {
      g_autoptr(PangoAttrList) attributes = techo_line_breaks_attributes (sentences[i]);
      guint bare = count_bad_widths (sentences[i], FALSE);
      guint kept = count_bad_widths (sentences[i], TRUE);

      g_test_message ("“%s”: %u bad widths alone, %u kept", sentences[i], bare, kept);
      g_assert_nonnull (attributes);
      g_assert_cmpuint (bare, >, 0);
      g_assert_cmpuint (kept, ==, 0);
    }
  /* In a label, with markup too (GtkLabel 4.8 merges its attributes
   * with the markup's, joining equal ranges that touch): kept words side
   * by side still break between them, so the label asks for no more than
   * its longest word. */
  for (int markup = 0; markup < 2; markup++)
    {
      const char *sentence = "記録を見せたり渡したりすると、そのときの同意がここに表示されます。";
      GtkWidget *label = g_object_ref_sink (gtk_label_new (sentence));
      g_autoptr(PangoAttrList) attributes = techo_line_breaks_attributes (sentence);
      int plain = 0, kept = 0, natural = 0;

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_use_markup (GTK_LABEL (label), markup);
      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &plain, &natural, NULL, NULL);
      gtk_label_set_attributes (GTK_LABEL (label), attributes);
      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &kept, NULL, NULL, NULL);
      g_test_message ("markup %d: %d px at least alone, %d kept, %d natural", markup, plain,
                      kept, natural);
      g_assert_cmpint (kept, >, plain);
      g_assert_cmpint (kept, <, natural / 3);
      g_object_unref (label);
    }
  /* Latin text and text without endings: nothing to keep. */
  g_assert_null (techo_line_breaks_attributes ("Cholesterol 149 mg/dL"));
  g_assert_null (techo_line_breaks_attributes ("HbA1c 6.8 %"));
}

static void
test_narrow_pages (void)
{
  const char *data_dir = g_getenv ("TECHO_DATA_DIR");
  TechoTestSandbox *sandbox = techo_test_sandbox_new ("--seed", "1", NULL);
  g_autoptr(TechoStore) store = techo_store_new (data_dir);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  Checked checked = { 0, 0, g_string_new (NULL) };
  GtkWidget *preferences;
  TechoWindow *window;
  gint64 end;

  g_assert_cmpint (techo_test_run_cli (data_dir, "demo-login", "--issuer",
                                       techo_test_sandbox_get_issuer (sandbox), "--citizen",
                                       "yamada", NULL), ==, 0);
  g_assert_cmpint (techo_test_run_cli (data_dir, "sync", NULL), ==, 0);
  techo_test_sandbox_stop (sandbox);

  window = techo_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 800);
  gtk_window_present (GTK_WINDOW (window));
  techo_window_set_store (window, store);
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((techo_window_get_mode (window) != TECHO_WINDOW_MODE_MAIN
          || techo_window_get_records (window) == NULL)
         && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (techo_window_get_records (window));
  techo_test_app_pump (300);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 400);

  for (guint p = 0; techo_window_page_names[p] != NULL; p++)
    {
      const char *name = techo_window_page_names[p];

      techo_window_show_page (window, name);
      techo_test_app_pump (400);
      walk (GTK_WIDGET (window), name, &checked);
      techo_test_app_save_screenshot_as (GTK_WIDGET (window), "wrap", name, 100);
      /* Words kept whole must not make any label wider than the window. */
      assert_fits (GTK_WIDGET (window), name);
    }
  /* The medicines page's other views: the history and お薬手帳の基本. */
  {
    const char * const views[] = { "history", "medical-id" };
    GtkWidget *page;

    techo_window_show_page (window, "medicines");
    page = techo_window_get_page (window, "medicines");
    for (guint v = 0; v < G_N_ELEMENTS (views); v++)
      {
        g_autofree char *where = g_strdup_printf ("medicines-%s", views[v]);

        techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (page), views[v]);
        techo_test_app_pump (400);
        walk (GTK_WIDGET (window), where, &checked);
        techo_test_app_save_screenshot_as (GTK_WIDGET (window), "wrap", where, 100);
        assert_fits (GTK_WIDGET (window), where);
      }
    techo_medicines_page_show_view (TECHO_MEDICINES_PAGE (page), "now");
  }

  preferences = techo_preferences_window_new (GTK_WINDOW (window), settings, NULL);
  gtk_window_set_default_size (GTK_WINDOW (preferences), 360, 800);
  gtk_window_present (GTK_WINDOW (preferences));
  techo_test_app_pump (400);
  walk (preferences, "preferences", &checked);
  assert_fits (preferences, "preferences");
  techo_test_app_save_screenshot_as (preferences, "wrap", "preferences", 100);
  gtk_window_destroy (GTK_WINDOW (preferences));

  g_test_message ("%u wrapped labels, %u lines checked", checked.n_labels, checked.n_lines);
  g_assert_cmpuint (checked.n_labels, >, 20);
  if (checked.problems->len > 0)
    g_error ("Lines broken badly at 360 px:\n%s", checked.problems->str);
  g_string_free (checked.problems, TRUE);

  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (50);
  techo_store_close_sync (store, NULL, NULL);
  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
}

/* The tooltip GTK shows for @widget (a child of its window named
 * "tooltip" in CSS), after the pointer is moved onto it as a mouse does. */
static GtkWidget *
find_tooltip (GtkWidget *widget)
{
  if (g_strcmp0 (gtk_widget_get_css_name (widget), "tooltip") == 0 && gtk_widget_get_mapped (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_tooltip (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
point_at (GtkWidget *window,
          GtkWidget *widget)
{
#ifdef GDK_WINDOWING_X11
  GdkDisplay *display = gtk_widget_get_display (window);
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  graphene_point_t centre;

  g_assert_true (gtk_widget_compute_point (widget, window,
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                                 gtk_widget_get_height (widget) / 2.f),
                                           &centre));
  g_assert_true (GDK_IS_X11_DISPLAY (display));
  XWarpPointer (gdk_x11_display_get_xdisplay (display), None,
                gdk_x11_surface_get_xid (surface), 0, 0, 0, 0, (int) centre.x, (int) centre.y);
  XFlush (gdk_x11_display_get_xdisplay (display));
#endif
}

static GtkWidget *
show_tooltip (GtkWidget *window,
              GtkWidget *widget)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  GtkWidget *tooltip = NULL;

  /* Off and on again: a tooltip is a hover's. */
  point_at (window, gtk_widget_get_first_child (window));
  techo_test_app_pump (100);
  point_at (window, widget);
  while ((tooltip = find_tooltip (window)) == NULL && g_get_monotonic_time () < end)
    techo_test_app_pump (50);
  techo_test_app_pump (200);
  return tooltip;
}

/* Shows @text as the tooltip of a small chip and measures it: lines,
 * characters a line and width. */
static void
measure_tooltip (const char *text,
                 int        *out_lines,
                 int        *out_width)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *chip = gtk_label_new ("H");
  GtkWidget *tooltip, *label;

  gtk_widget_set_tooltip_text (chip, text);
  gtk_widget_set_size_request (chip, 60, 40);
  gtk_widget_set_halign (chip, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (chip, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), gtk_label_new (" "));
  gtk_box_append (GTK_BOX (box), chip);
  gtk_window_set_child (GTK_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 300);
  gtk_window_present (GTK_WINDOW (window));
  techo_test_app_pump (400);

  tooltip = show_tooltip (window, chip);
  g_assert_nonnull (tooltip);
  label = techo_test_app_find_widget (tooltip, GTK_TYPE_LABEL);
  g_assert_nonnull (label);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, text);
  *out_lines = pango_layout_get_line_count (gtk_label_get_layout (GTK_LABEL (label)));
  *out_width = gtk_widget_get_width (label);
  techo_test_app_save_screenshot_as (tooltip, "wrap",
                                     g_utf8_strlen (text, -1) < 60 ? "tooltip" : "tooltip-long", 0);
  gtk_window_destroy (GTK_WINDOW (window));
  techo_test_app_pump (100);
}

/* Tooltips in Japanese are readable blocks, not a narrow column: GTK 4.8's
 * tooltip label wraps (max-width-chars), and Japanese has a break
 * opportunity at nearly every character, so a too small natural width
 * would stack a sentence a few characters a line. Measured on the real
 * tooltip shown by hovering (the pointer moved with XWarpPointer): the
 * checkups page's note on a laboratory's flag, and a paragraph of three
 * of the app's sentences; each line holds at least 15 characters, and the
 * tooltip stays within 480 px. */
static void
test_tooltip (void)
{
  const char *flag = _("The laboratory’s own flag differs from the national checkup threshold "
                       "shown beside it.");
  g_autofree char *paragraph = g_strconcat (flag, " ",
                                            _("A detailed examination is recommended and none is recorded."),
                                            " ",
                                            _("Your municipality offers this screening. Open Techo for the details."),
                                            NULL);
  const char * const texts[] = { flag, paragraph };

  if (!GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("the pointer is moved with X11");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      int chars = g_utf8_strlen (texts[i], -1);
      int lines = 0, width = 0;

      measure_tooltip (texts[i], &lines, &width);
      g_test_message ("tooltip of %d characters: %d lines, %d px wide", chars, lines, width);
      g_assert_cmpint (lines, >=, 1);
      g_assert_cmpint (chars / lines, >=, 15);
      g_assert_cmpint (width, <=, 480);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("techo-app-wrap-XXXXXX", NULL);
  g_autofree char *data_dir = g_build_filename (home, "data", NULL);
  int status;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("TECHO_DATA_DIR", data_dir, TRUE);
  g_setenv ("TECHO_NO_BROWSER", "1", TRUE);
  techo_test_app_init_locale ();
  techo_test_app_init_gtk (&argc, &argv);

  g_test_add_func ("/app-wrap/endings-kept", test_endings_kept);
  g_test_add_func ("/app-wrap/narrow-pages", test_narrow_pages);
  g_test_add_func ("/app-wrap/tooltip", test_tooltip);
  status = g_test_run ();
  techo_test_remove_tree (home);
  return status;
}
