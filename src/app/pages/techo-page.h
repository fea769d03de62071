/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-page.h: what the window knows of a page. Every page of the main
 * window implements TechoPage: it is handed the person's TechoRecordSet
 * (or NULL: locked, deleted — show nothing): everything small whole and
 * the dispensings of a recent window only (see techo-window.c); a page
 * that shows older dispensings reads them from the store itself, a
 * window at a time. The window fills pages through this interface only,
 * never by their place in the stack. */

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
};

void            techo_page_set_records   (TechoPage      *self,
                                          TechoRecordSet *records);

/* For implementations: replaces the reference in @slot with @records
 * (either may be NULL). */
void            techo_page_replace_records (TechoRecordSet **slot,
                                            TechoRecordSet  *records);

G_END_DECLS
