/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-page.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_TYPE_CHECKUPS_PAGE (techo_checkups_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoCheckupsPage, techo_checkups_page, TECHO, CHECKUPS_PAGE, GtkWidget)

/* Where "Save official file…" reads the stored CDA document (may be NULL). */
void        techo_checkups_page_set_store     (TechoCheckupsPage *self,
                                               TechoStore        *store);
guint       techo_checkups_page_get_n_rows    (TechoCheckupsPage *self);
/* 特定保健指導 (health guidance) records listed after the checkups. */
guint       techo_checkups_page_get_n_guidance_rows (TechoCheckupsPage *self);
/* Opens the detail of the @index-th checkup (newest first). */
gboolean    techo_checkups_page_show_detail   (TechoCheckupsPage *self,
                                               guint              index);
void        techo_checkups_page_show_list     (TechoCheckupsPage *self);
/* In the open detail: the value shown for analyte @key, or NULL. */
const char *techo_checkups_page_get_detail_value (TechoCheckupsPage *self,
                                                  const char        *key);
/* In the open detail, once the store answered: the names of every source
 * of the value of item @code ("My Number Portal, a.xml, b.json"), or NULL. */
const char *techo_checkups_page_get_value_sources (TechoCheckupsPage *self,
                                                   const char        *code);
/* The names of the form groups shown in the open detail, in order. */
GStrv       techo_checkups_page_dup_detail_groups (TechoCheckupsPage *self);

/* Writes the open checkup's official CDA file to @file off the main
 * thread: the portal's own document when the store keeps one, otherwise
 * one written from the stored values. A toast says how it went. */
void        techo_checkups_page_save_official_file (TechoCheckupsPage *self,
                                                    GFile             *file);
gboolean    techo_checkups_page_is_saving     (TechoCheckupsPage *self);

G_END_DECLS
