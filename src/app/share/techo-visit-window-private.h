/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-visit-window-private.h: what the visit window's two files share:
 * techo-visit-window.c (what it shows) and techo-visit-leave.c (leaving,
 * with the unlock). Only these include it. */

#pragma once

#include "techo-visit-window.h"

G_BEGIN_DECLS

struct _TechoVisitWindow
{
  AdwWindow parent_instance;

  AdwWindowTitle *window_title;
  GtkButton *leave_button;
  GtkBox *content_box;

  GtkWindow *owner;
  TechoStore *store;
  TechoRecordSet *records;
  char *today;                /* YYYY-MM-DD, when the window was built */
  GHashTable *values;         /* analyte key → GtkLabel (the latest value) */
  GHashTable *statuses;       /* analyte key → TechoStatus */
  GPtrArray *sections;        /* section names, in order */
  GHashTable *counts;         /* section → GUINT_TO_POINTER (rows) */
  TechoAlert *leave_dialog;
  GtkPasswordEntry *passphrase_entry;
  TechoStore *check_store;    /* a second connection that proves the passphrase */
  gboolean leaving;
  int pin_state;              /* -1 until the store answered, else a TechoOwnerPinCheck */
  gboolean leave_pending;     /* asked to leave before it answered */
};

/* techo-visit-leave.c: the close request (leaving asks first) and the
 * "visit.leave" action. */
gboolean techo_visit_window_close_request (GtkWindow  *window);
void     techo_visit_window_leave_action  (GtkWidget  *widget,
                                           const char *action_name,
                                           GVariant   *parameter);
/* Asks the store whether leaving needs the owner's PIN. */
void     techo_visit_window_load_pin_state (TechoVisitWindow *self);

G_END_DECLS
