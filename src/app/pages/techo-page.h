/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-page.h: what the window knows of a page. Every page of the main
 * window implements TechoPage: it is handed the person's TechoRecordSet
 * (or NULL: locked, deleted — show nothing) and says whether it needs the
 * whole history, so the window can fill it from the quick first read or
 * wait for the complete one. The window fills pages through this
 * interface only, never by their place in the stack. */

#pragma once

#include <gtk/gtk.h>

#include "techo-records.h"

G_BEGIN_DECLS

#define TECHO_TYPE_PAGE (techo_page_get_type ())
G_DECLARE_INTERFACE (TechoPage, techo_page, TECHO, PAGE, GtkWidget)

struct _TechoPageInterface
{
  GTypeInterface parent_iface;

  /* Shows @records (a reference is kept) or nothing (NULL). */
  void     (*set_records)   (TechoPage      *self,
                             TechoRecordSet *records);
  /* TRUE when what a first, recent read holds (dispensings of the last
   * months) is not enough: the page shows the whole history. Default
   * FALSE. */
  gboolean (*needs_history) (TechoPage      *self);
};

void            techo_page_set_records   (TechoPage      *self,
                                          TechoRecordSet *records);
gboolean        techo_page_needs_history (TechoPage      *self);

/* For implementations: replaces the reference in @slot with @records
 * (either may be NULL). */
void            techo_page_replace_records (TechoRecordSet **slot,
                                            TechoRecordSet  *records);

G_END_DECLS
