/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-window-private.h: the window's parts, for its own files only:
 * techo-window.c (the pages, the records, toasts), techo-window-actions.c
 * (win.* actions and shortcuts), techo-window-lock.c (opening, locking and
 * unlocking the store) and techo-window-sync.c (what a sync shows). */

#pragma once

#include "techo-checkups-page.h"
#include "techo-medicines-page.h"
#include "techo-overview-page.h"
#include "techo-profile-switcher.h"
#include "techo-screenings-page.h"
#include "techo-sharing-page.h"
#include "techo-trends-page.h"
#include "techo-welcome.h"
#include "techo-window.h"

G_BEGIN_DECLS

struct _TechoWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  GtkStack *main_stack;
  GtkSpinner *loading_spinner;
  AdwBin *welcome_bin;
  TechoWelcome *welcome;    /* built on first use: techo_window_ensure_welcome */
  AdwStatusPage *locked_page;
  GtkPasswordEntry *unlock_entry;
  GtkButton *unlock_button;
  AdwLeaflet *leaflet;
  GtkListBox *sidebar;
  TechoProfileSwitcher *profile_switcher; /* shown with more than one person */
  GtkWidget *family_alert;  /* weak: the last Add/Remove a Person question */
  AdwWindowTitle *content_title;
  GtkStack *sync_stack;
  GtkSpinner *sync_spinner;
  GtkButton *sync_button;
  GtkRevealer *sync_banner;
  GtkLabel *sync_banner_label;
  GtkButton *sync_banner_button;
  GtkStack *content_stack;
  TechoOverviewPage *overview_page;
  /* Built on first use (techo-window.c: ensure_page); NULL until then. */
  TechoCheckupsPage *checkups_page;
  TechoTrendsPage *trends_page;
  TechoMedicinesPage *medicines_page;
  TechoScreeningsPage *screenings_page;
  TechoSharingPage *sharing_page;

  TechoStore *store;
  gint64 profile_id;        /* the person shown (techo-window-family.c); 0: the first */
  TechoRecordSet *records;
  GPtrArray *pages;         /* TechoPage, in the stack's order */
  GHashTable *filled;       /* TechoPage set: handed the current records */
  GCancellable *cancellable;
  GSettings *settings;
  gboolean reminders_sent;
  char *pending_choice;     /* first run: "portal" or "demo" once the store is made */
  char *pending_pin;        /* the owner's PIN typed on the locked page (keyring store) */
  gboolean pin_required;    /* the keyring store has an owner's PIN: the locked page asks */
  gint64 last_activity;     /* monotonic µs of the last input event */
  guint idle_check_id;
  guint fill_idle_id;
  gulong drawn_handler;         /* after-paint: start what the first frame does not show */
  guint drawn_timeout_id;       /* … or after a second if no frame comes */
  guint drawn_waits;            /* seconds waited for it while on screen */
  gboolean sync_when_shown;     /* a later start: sync once the dashboard shows */
  guint background_sync_id;
  GError *sync_error;           /* the failed sync the banner shows */
  GError *toast_error;          /* the error the last error toast names */
  struct TechoWindowBench *bench; /* techo-window-bench.c, in a bench run only */
};

/* techo-window-family.c: whose records are shown, the switcher, adding a
 * person. */
void     techo_window_class_init_family  (GtkWidgetClass *widget_class);
void     techo_window_init_family        (TechoWindow    *self);
/* Lists the store's people for the switcher (async). */
void     techo_window_load_profiles      (TechoWindow    *self);
/* A read of the person shown failed with @error: when they are gone
 * (undone, deleted), forgets them and reads the first person instead;
 * TRUE then (the caller says nothing). */
gboolean techo_window_person_gone        (TechoWindow    *self,
                                          const GError   *error);
/* Whether @records are of the person shown (a read for the person shown
 * before a switch comes back stale). */
gboolean techo_window_is_person_shown    (TechoWindow    *self,
                                          TechoRecordSet *records);
/* The records on screen changed: the switcher marks their person. */
void     techo_window_family_records_set (TechoWindow    *self);

/* techo-window-scroll-bench.c: TECHO_BENCH_SCROLL (techo-bench scale) opens
 * every page, scrolls the medicine history @rows rows and prints figures. */
void techo_window_bench_scroll (TechoWindow *self,
                                guint        rows);

/* techo-window.c */
/* The first run's steps, built now if this is their first use. */
TechoWelcome *techo_window_ensure_welcome (TechoWindow *self);
void techo_window_show_mode          (TechoWindow     *self,
                                      TechoWindowMode  mode);
/* Reads the records again (the first person's), recent ones first. */
void techo_window_load_records       (TechoWindow     *self);

/* techo-window-bench.c: TECHO_BENCH_FIRST_FRAME (techo-bench startup).
 * Reports the next frame (called once the records are set), then, with
 * "walk", opens every page and scrolls the medicine history end to end. */
void techo_window_bench_watch        (TechoWindow     *self);
void techo_window_bench_stop         (TechoWindow     *self);

/* techo-window-actions.c */
void techo_window_class_init_actions (GtkWidgetClass  *widget_class);

/* techo-window-lock.c */
void techo_window_class_init_lock    (GtkWidgetClass  *widget_class);
void techo_window_init_lock          (TechoWindow     *self);
/* Opens the store on its thread (@passphrase: NULL for the keyring); the
 * records follow, or the locked page with the reason. */
void techo_window_open_store         (TechoWindow     *self,
                                      const char      *passphrase);
void techo_window_show_locked        (TechoWindow     *self,
                                      const GError    *error);

/* techo-window-sync.c */

void techo_window_set_syncing        (TechoWindow   *self,
                                      gboolean       syncing);
void techo_window_show_connect       (TechoWindow   *self,
                                      const char    *url);
void techo_window_show_sync_progress (TechoWindow   *self);
void techo_window_set_sync_progress  (TechoWindow   *self,
                                      TechoCategory  category,
                                      guint          records,
                                      gboolean       finished);
void techo_window_show_welcome_error (TechoWindow   *self,
                                      const char    *message);
/* The welcome's error for @error: its sentence, and Details. */
void techo_window_show_welcome_failure (TechoWindow  *self,
                                        const GError *error);
/* The banner for a failed sync: its sentence, Details, and the next step
 * (Retry or Sign In Again) as a button; it stays until hidden. */
void techo_window_show_sync_error    (TechoWindow   *self,
                                      const GError  *error);
void techo_window_hide_sync_error    (TechoWindow   *self);
/* The sync button's tooltip names when the last sync ended well. */
void techo_window_set_last_sync      (TechoWindow   *self,
                                      GDateTime     *when);

G_END_DECLS
