/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-error-text.h"
#include "techo-format.h"
#include "techo-secure.h"
#include "techo-reminders.h"
#include "techo-startup-trace.h"
#include "techo-window-private.h"

/* Seconds between the dashboard's first frame and a later start's sync. */
#define BACKGROUND_SYNC_DELAY 1

/* How far back the window's records take dispensings; nothing in the app
 * holds more. What reads them needs at most this: the overview's "taking
 * now" and the reminders (a supply rarely exceeds 90 days; a long
 * prescription 180), duplicate therapy (overlapping supplies, so current
 * ones), the visit window's current medicines, and the medicines page's
 * 12-month timeline, whose oldest bar may have started a month before
 * its left edge: 13 months (400 days) covers them all. The medicine
 * history beyond is read from the store a page at a time
 * (techo-dispensing-model.h), and every disclosure gathers what it
 * covers from the store (techo-disclosure.h). */
#define RECENT_DAYS 400

G_DEFINE_FINAL_TYPE (TechoWindow, techo_window, ADW_TYPE_APPLICATION_WINDOW)

const char * const techo_window_page_names[] = {
  "overview", "checkups", "trends", "medicines", "screenings", "sharing", NULL,
};

/* Only the overview is in the window's template: every other page is
 * built the first time it is shown or asked for (techo_window_get_page),
 * so the first frame builds, fills and lays out one page. */
static const struct
{
  const char *icon;
  const char *title;
  GType (*get_type) (void);
} page_info[TECHO_WINDOW_N_PAGES] = {
  { "view-grid-symbolic", N_("Overview"), techo_overview_page_get_type },
  { "techo-checkup-symbolic", N_("Checkups"), techo_checkups_page_get_type },
  { "techo-trends-symbolic", N_("Trends"), techo_trends_page_get_type },
  { "techo-medicine-symbolic", N_("Medicines"), techo_medicines_page_get_type },
  { "techo-screening-symbolic", N_("Screenings"), techo_screenings_page_get_type },
  { "send-to-symbolic", N_("Sharing"), techo_sharing_page_get_type },
};

static int
page_index (const char *name)
{
  for (int i = 0; i < TECHO_WINDOW_N_PAGES; i++)
    if (g_strcmp0 (techo_window_page_names[i], name) == 0)
      return i;
  return -1;
}

/* The main stack's page names, by mode. */
static const char * const mode_names[TECHO_WINDOW_N_MODES] = {
  [TECHO_WINDOW_MODE_LOADING] = "loading",
  [TECHO_WINDOW_MODE_WELCOME] = "welcome",
  [TECHO_WINDOW_MODE_LOCKED] = "locked",
  [TECHO_WINDOW_MODE_MAIN] = "main",
};

const char *
techo_window_mode_to_string (TechoWindowMode mode)
{
  g_return_val_if_fail (mode < TECHO_WINDOW_N_MODES, NULL);
  return mode_names[mode];
}

gboolean
techo_window_mode_from_string (const char      *name,
                               TechoWindowMode *out_mode)
{
  for (guint i = 0; i < TECHO_WINDOW_N_MODES; i++)
    if (g_strcmp0 (name, mode_names[i]) == 0)
      {
        if (out_mode != NULL)
          *out_mode = i;
        return TRUE;
      }
  return FALSE;
}

void
techo_window_show_mode (TechoWindow     *self,
                        TechoWindowMode  mode)
{
  const char *shown = gtk_stack_get_visible_child_name (self->main_stack);

  if (mode == TECHO_WINDOW_MODE_WELCOME)
    techo_window_ensure_welcome (self);
  gtk_spinner_set_spinning (self->loading_spinner, mode == TECHO_WINDOW_MODE_LOADING);
  /* Out of the spinner at once: the first frame with the records shows
   * them whole, not the start of a crossfade from the spinner (which
   * would also draw both pages offscreen for its frames). */
  gtk_stack_set_visible_child_full (self->main_stack, techo_window_mode_to_string (mode),
                                    g_strcmp0 (shown, "loading") == 0
                                    ? GTK_STACK_TRANSITION_TYPE_NONE
                                    : gtk_stack_get_transition_type (self->main_stack));
}

static void
show_error_toast (TechoWindow  *self,
                  const char   *what,
                  const GError *error)
{
  techo_window_show_error (self, what, error);
}

/* ---- loading the records -------------------------------------------------- */

/* Reads the shown person's records on the store's thread: everything
 * small whole, and of the dispensings of the last RECENT_DAYS only those
 * the analysis needs (techo_store_list_recent_dispensings_async: a few
 * per ingredient and month, not every line; the set's complete is then
 * FALSE). */
static void
read_records (TechoWindow         *self,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback)
{
  g_autofree char *today = techo_format_today ();   /* honours TECHO_TODAY */
  g_autofree char *from = techo_format_add_days (today, -RECENT_DAYS);

  techo_store_read_recent_records_async (self->store, self->profile_id, from, cancellable,
                                         callback, g_object_ref (self));
}

/* The records techo_store_read_recent_records_async() read, or NULL after a
 * toast saying why (none when @cancelled, which is set if not NULL). */
static TechoRecordSet *
finish_reading_records (TechoWindow  *self,
                        GObject      *source,
                        GAsyncResult *result,
                        gboolean     *cancelled)
{
  g_autoptr(GError) error = NULL;
  TechoRecordSet *records;

  records = techo_store_read_recent_records_finish (TECHO_STORE (source), result, &error);
  if (cancelled != NULL)
    *cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                 /* The person shown is gone: the first is read instead. */
                 || (records == NULL && techo_window_person_gone (self, error));
  if (cancelled != NULL && *cancelled)
    return NULL;
  if (records == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error_toast (self, _("Could not read your records."), error);
  return records;
}

static gboolean
background_sync_cb (gpointer user_data)
{
  TechoWindow *self = user_data;

  self->background_sync_id = 0;
  gtk_widget_activate_action (GTK_WIDGET (self), "app.background-sync", NULL);
  return G_SOURCE_REMOVE;
}

static void
records_loaded_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TechoWindow) self = user_data;
  g_autoptr(TechoRecordSet) records = NULL;
  gboolean cancelled;

  techo_startup_mark ("records_read");
  records = finish_reading_records (self, source, result, &cancelled);
  if (cancelled)
    return;
  /* Another person was chosen meanwhile: their read follows. */
  if (!techo_window_is_person_shown (self, records))
    return;
  if (records == NULL)
    records = techo_record_set_new ();
  techo_window_set_records (self, records);
  /* A later start: the dashboard shows what is stored, then a sync
   * fetches what is new in the background. */
  if (self->sync_when_shown)
    {
      self->sync_when_shown = FALSE;
      g_clear_handle_id (&self->background_sync_id, g_source_remove);
      /* A moment later, so the first frames get the processor. */
      self->background_sync_id = g_timeout_add_seconds (BACKGROUND_SYNC_DELAY,
                                                        background_sync_cb, self);
    }
}

void
techo_window_load_records (TechoWindow *self)
{
  if (self->store == NULL)
    return;
  techo_startup_mark ("read_started");
  read_records (self, self->cancellable, records_loaded_cb);
  /* The family for the switcher, after the records on the store's queue. */
  techo_window_load_profiles (self);
}

/* ---- filling the pages ---------------------------------------------- */

/* The page @name if it is built yet, else NULL. */
static TechoPage *
page_by_name (TechoWindow *self,
              const char  *name)
{
  GtkWidget *child = name != NULL ? gtk_stack_get_child_by_name (self->content_stack, name) : NULL;

  return child != NULL && TECHO_IS_PAGE (child) ? TECHO_PAGE (child) : NULL;
}

/* The page @name, built now if this is its first use (NULL for a name
 * that is no page). */
static TechoPage *
ensure_page (TechoWindow *self,
             const char  *name)
{
  int index = page_index (name);
  TechoPage *page = page_by_name (self, name);
  GtkWidget *widget;

  if (page != NULL || index < 0)
    return page;
  widget = g_object_new (page_info[index].get_type (), NULL);
  gtk_stack_add_named (self->content_stack, widget, name);
  page = TECHO_PAGE (widget);
  g_ptr_array_add (self->pages, page);
  if (TECHO_IS_CHECKUPS_PAGE (widget))
    {
      self->checkups_page = TECHO_CHECKUPS_PAGE (widget);
      techo_checkups_page_set_store (self->checkups_page, self->store);
    }
  else if (TECHO_IS_TRENDS_PAGE (widget))
    self->trends_page = TECHO_TRENDS_PAGE (widget);
  else if (TECHO_IS_MEDICINES_PAGE (widget))
    {
      self->medicines_page = TECHO_MEDICINES_PAGE (widget);
      techo_medicines_page_set_store (self->medicines_page, self->store);
    }
  else if (TECHO_IS_SCREENINGS_PAGE (widget))
    self->screenings_page = TECHO_SCREENINGS_PAGE (widget);
  else if (TECHO_IS_SHARING_PAGE (widget))
    {
      self->sharing_page = TECHO_SHARING_PAGE (widget);
      techo_sharing_page_set_store (self->sharing_page, self->store);
    }
  return page;
}

/* Hands the current records to @page, once per set of records. */
static void
fill_page (TechoWindow *self,
           TechoPage   *page)
{
  if (page == NULL || !g_hash_table_add (self->filled, page))
    return;
  techo_page_set_records (page, self->records);
}

/* Once a run, when the first records are on screen: what is due, missing
 * or running out, as notifications (each kind as Preferences says). */
static void
send_reminders (TechoWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GPtrArray) reminders = NULL;
  g_autofree char *today = NULL;

  if (self->reminders_sent || app == NULL || self->records == NULL
      || techo_record_set_is_empty (self->records))
    return;
  self->reminders_sent = TRUE;
  today = techo_format_today ();
  reminders = techo_reminders_collect (self->records, today, self->settings);
  techo_reminders_send (G_APPLICATION (app), reminders);
}

static gboolean
fill_idle_cb (gpointer user_data)
{
  TechoWindow *self = user_data;

  /* One page per idle turn keeps input responsive meanwhile. */
  for (guint i = 0; i < self->pages->len; i++)
    {
      TechoPage *page = g_ptr_array_index (self->pages, i);

      if (!g_hash_table_contains (self->filled, page))
        {
          fill_page (self, page);
          return G_SOURCE_CONTINUE;
        }
    }
  self->fill_idle_id = 0;
  return G_SOURCE_REMOVE;
}

/* ---- after the first frame ------------------------------------------- */

/* What the frame with the new records does not show: filling the other
 * pages built yet, and the reminders. */
static void
run_deferred (TechoWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->drawn_handler != 0 && clock != NULL)
    g_signal_handler_disconnect (clock, self->drawn_handler);
  self->drawn_handler = 0;
  g_clear_handle_id (&self->drawn_timeout_id, g_source_remove);
  if (self->records == NULL)
    return;
  techo_startup_mark ("deferred");
  send_reminders (self);
  if (self->fill_idle_id == 0)
    self->fill_idle_id = g_idle_add_full (G_PRIORITY_LOW, fill_idle_cb, self, NULL);
}

static void
drawn_cb (GdkFrameClock *clock,
          TechoWindow   *self)
{
  run_deferred (self);
}

static gboolean
drawn_timeout_cb (gpointer user_data)
{
  TechoWindow *self = user_data;

  /* A window on screen paints soon, however busy the machine: wait for
   * it (up to ten seconds); one not on screen may never paint. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && ++self->drawn_waits < 10)
    return G_SOURCE_CONTINUE;
  self->drawn_timeout_id = 0;
  run_deferred (self);
  return G_SOURCE_REMOVE;
}

/* Runs the deferred work after the next frame is painted, or, for a
 * window not on screen, after a second. */
static void
after_drawn (TechoWindow *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->drawn_handler != 0 || self->drawn_timeout_id != 0)
    return;
  if (clock == NULL)
    {
      run_deferred (self);
      return;
    }
  self->drawn_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (drawn_cb), self);
  self->drawn_waits = 0;
  self->drawn_timeout_id = g_timeout_add_seconds (1, drawn_timeout_cb, self);
}

/* ---- first run --------------------------------------------------------- */

static void
welcome_protect_cb (TechoWelcome *welcome,
                    const char   *passphrase,
                    TechoWindow  *self)
{
  /* Creating the store takes a moment (a KDF in passphrase mode) on the
   * store's own thread; the connect step follows once it is made. */
  g_free (self->pending_choice);
  self->pending_choice = g_strdup (techo_welcome_get_choice (welcome));
  techo_window_open_store (self, passphrase);
}

static void
welcome_connect_cb (TechoWelcome *welcome,
                    const char   *choice,
                    TechoWindow  *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "app.connect", "s", choice);
}

TechoWelcome *
techo_window_ensure_welcome (TechoWindow *self)
{
  if (self->welcome == NULL)
    {
      self->welcome = g_object_new (TECHO_TYPE_WELCOME, NULL);
      g_signal_connect (self->welcome, "protect", G_CALLBACK (welcome_protect_cb), self);
      g_signal_connect (self->welcome, "connect", G_CALLBACK (welcome_connect_cb), self);
      adw_bin_set_child (self->welcome_bin, GTK_WIDGET (self->welcome));
    }
  return self->welcome;
}

/* ---- navigation ------------------------------------------------------- */

static void
sidebar_row_activated_cb (GtkListBox    *list,
                          GtkListBoxRow *row,
                          TechoWindow   *self)
{
  int index = gtk_list_box_row_get_index (row);

  if (index >= 0 && index < TECHO_WINDOW_N_PAGES)
    techo_window_show_page (self, techo_window_page_names[index]);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
back_clicked_cb (TechoWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
show_trend_cb (TechoOverviewPage *page,
               const char        *key,
               TechoWindow       *self)
{
  techo_window_show_page (self, "trends");
  techo_trends_page_show_analyte (self->trends_page, key);
}

static void
build_sidebar (TechoWindow *self)
{
  for (int i = 0; i < TECHO_WINDOW_N_PAGES; i++)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *label = gtk_label_new (_(page_info[i].title));

      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (page_info[i].icon));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (box), label);
      gtk_widget_set_margin_top (box, 6);
      gtk_widget_set_margin_bottom (box, 6);
      gtk_widget_set_margin_start (box, 6);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_append (self->sidebar, row);
    }
}

/* ---- lifecycle --------------------------------------------------------- */

static void
techo_window_dispose (GObject *object)
{
  TechoWindow *self = TECHO_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_check_id, g_source_remove);
  g_clear_handle_id (&self->fill_idle_id, g_source_remove);
  g_clear_handle_id (&self->background_sync_id, g_source_remove);
  g_clear_handle_id (&self->drawn_timeout_id, g_source_remove);
  if (self->drawn_handler != 0 && gtk_widget_get_frame_clock (GTK_WIDGET (self)) != NULL)
    g_signal_handler_disconnect (gtk_widget_get_frame_clock (GTK_WIDGET (self)),
                                 self->drawn_handler);
  self->drawn_handler = 0;
  techo_window_bench_stop (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TECHO_TYPE_WINDOW);
  g_clear_pointer (&self->records, techo_record_set_unref);
  g_clear_pointer (&self->filled, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (techo_window_parent_class)->dispose (object);
}

static void
techo_window_finalize (GObject *object)
{
  TechoWindow *self = TECHO_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_free (self->pending_choice);
  techo_wipe_free (self->pending_pin);
  g_clear_error (&self->sync_error);
  g_clear_error (&self->toast_error);
  G_OBJECT_CLASS (techo_window_parent_class)->finalize (object);
}

static void
techo_window_class_init (TechoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = techo_window_dispose;
  object_class->finalize = techo_window_finalize;

  /* The other pages' classes (and their templates) load when first
   * built. */
  g_type_ensure (TECHO_TYPE_OVERVIEW_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/techo/Techo/techo-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, welcome_bin);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, locked_page);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, unlock_entry);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, unlock_button);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_stack);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_spinner);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_banner);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_banner_label);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, sync_banner_button);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, TechoWindow, overview_page);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_trend_cb);

  techo_window_class_init_actions (widget_class);
  techo_window_class_init_family (widget_class);
  techo_window_class_init_lock (widget_class);

}

static void
techo_window_init (TechoWindow *self)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());

  gtk_icon_theme_add_resource_path (theme, "/org/techo/Techo/icons");
  techo_startup_mark ("window_init");
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  /* The pages built so far, in the order they were built (every page is
   * a TechoPage): the overview, then each as it is first used. */
  self->pages = g_ptr_array_new ();
  self->filled = g_hash_table_new (NULL, NULL);
  g_ptr_array_add (self->pages, TECHO_PAGE (self->overview_page));
  build_sidebar (self);
  techo_window_init_family (self);

  techo_window_init_lock (self);
  techo_window_show_page (self, "overview");
  techo_window_show_mode (self, TECHO_WINDOW_MODE_LOADING);
  techo_startup_mark ("window_built");
}

/* ---- public API ------------------------------------------------------ */

TechoWindow *
techo_window_new (TechoApplication *application)
{
  return g_object_new (TECHO_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

/* Whose records are on screen, at all times: the person's name under
 * the page's title (also in a folded window, where the sidebar is gone). */
static void
show_person (TechoWindow *self)
{
  const TechoProfile *p = self->records != NULL ? self->records->profile : NULL;
  const char *name = p == NULL ? NULL : p->name != NULL ? p->name : p->name_kana;

  adw_window_title_set_subtitle (self->content_title, name != NULL ? name : "");
}

void
techo_window_set_records (TechoWindow    *self,
                          TechoRecordSet *records)
{
  g_return_if_fail (TECHO_IS_WINDOW (self));

  techo_page_replace_records (&self->records, records);
  show_person (self);
  techo_window_family_records_set (self);

  g_clear_handle_id (&self->fill_idle_id, g_source_remove);
  g_hash_table_remove_all (self->filled);
  fill_page (self, TECHO_PAGE (self->overview_page));
  if (records == NULL)
    {
      /* Locking or deleting: empty every page now. */
      for (guint i = 0; i < self->pages->len; i++)
        fill_page (self, g_ptr_array_index (self->pages, i));
      return;
    }

  techo_window_show_mode (self, TECHO_WINDOW_MODE_MAIN);
  /* A narrow (folded) window opens on the dashboard, not on the list of
   * pages; its back button leads there. */
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
  if (g_getenv ("TECHO_BENCH_FIRST_FRAME") != NULL && !techo_record_set_is_empty (records))
    techo_window_bench_watch (self);
  if (g_getenv ("TECHO_BENCH_SCROLL") != NULL && !techo_record_set_is_empty (records)
      && g_object_get_data (G_OBJECT (self), "bench-scroll") == NULL)
    {
      g_object_set_data (G_OBJECT (self), "bench-scroll", GINT_TO_POINTER (1));
      techo_window_bench_scroll (self, (guint) g_ascii_strtoull (g_getenv ("TECHO_BENCH_SCROLL"),
                                                                 NULL, 10));
    }
  /* The dashboard first; the other pages (those built yet) when first
   * shown or once the main loop is idle, whichever comes first. */
  fill_page (self, page_by_name (self, gtk_stack_get_visible_child_name (self->content_stack)));
  techo_startup_mark ("page_filled");
  /* What is not on screen (the other pages built yet, reminders) waits
   * until this is drawn. */
  after_drawn (self);
}

TechoRecordSet *
techo_window_get_records (TechoWindow *self)
{
  return self->records;
}

void
techo_window_reload (TechoWindow *self)
{
  if (self->store != NULL && techo_store_is_open (self->store))
    techo_window_load_records (self);
}

void
techo_window_show_page (TechoWindow *self,
                        const char  *name)
{
  int index = page_index (name);
  GtkListBoxRow *row;

  if (index < 0)
    return;
  fill_page (self, ensure_page (self, name));
  gtk_stack_set_visible_child_name (self->content_stack, name);
  adw_window_title_set_title (self->content_title, _(page_info[index].title));
  row = gtk_list_box_get_row_at_index (self->sidebar, index);
  if (row != NULL && gtk_list_box_get_selected_row (self->sidebar) != row)
    gtk_list_box_select_row (self->sidebar, row);
}

const char *
techo_window_get_visible_page (TechoWindow *self)
{
  return gtk_stack_get_visible_child_name (self->content_stack);
}

GtkWidget *
techo_window_get_page (TechoWindow *self,
                       const char  *name)
{
  TechoPage *page = ensure_page (self, name);

  fill_page (self, page);
  return GTK_WIDGET (page);
}

TechoWindowMode
techo_window_get_mode (TechoWindow *self)
{
  TechoWindowMode mode = TECHO_WINDOW_MODE_LOADING;

  techo_window_mode_from_string (gtk_stack_get_visible_child_name (self->main_stack), &mode);
  return mode;
}

const char *
techo_window_get_title_text (TechoWindow *self)
{
  return adw_window_title_get_title (self->content_title);
}

const char *
techo_window_get_person_text (TechoWindow *self)
{
  return adw_window_title_get_subtitle (self->content_title);
}

void
techo_window_add_toast (TechoWindow *self,
                        const char  *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
techo_window_present_toast (TechoWindow *self,
                            AdwToast    *toast)
{
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
techo_window_add_toast_with_action (TechoWindow *self,
                                    const char  *text,
                                    const char  *button_label,
                                    const char  *action_name,
                                    GVariant    *target)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 5);
  adw_toast_set_button_label (toast, button_label);
  adw_toast_set_action_name (toast, action_name);
  if (target != NULL)
    adw_toast_set_action_target_value (toast, target);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
techo_window_show_error (TechoWindow  *self,
                         const char   *what,
                         const GError *error)
{
  g_autofree char *text = NULL;
  AdwToast *toast;

  g_return_if_fail (TECHO_IS_WINDOW (self));
  g_return_if_fail (error != NULL);

  techo_error_text_log (what, error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_error (&self->toast_error);
  self->toast_error = g_error_copy (error);
  text = techo_error_text_dup_message (what, error);
  toast = adw_toast_new (text);
  adw_toast_set_timeout (toast, 10);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.error-details");
  adw_toast_set_action_target_value (toast, g_variant_new_string (what != NULL ? what : ""));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

GtkWidget *
techo_window_get_welcome (TechoWindow *self)
{
  return GTK_WIDGET (techo_window_ensure_welcome (self));
}
