/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-page"

#include "config.h"

#include "techo-page.h"

G_DEFINE_INTERFACE (TechoPage, techo_page, GTK_TYPE_WIDGET)

static void
techo_page_default_init (TechoPageInterface *iface)
{
}

void
techo_page_set_records (TechoPage      *self,
                        TechoRecordSet *records)
{
  g_return_if_fail (TECHO_IS_PAGE (self));
  g_return_if_fail (TECHO_PAGE_GET_IFACE (self)->set_records != NULL);

  TECHO_PAGE_GET_IFACE (self)->set_records (self, records);
}

void
techo_page_replace_records (TechoRecordSet **slot,
                            TechoRecordSet  *records)
{
  if (records != NULL)
    techo_record_set_ref (records);
  g_clear_pointer (slot, techo_record_set_unref);
  *slot = records;
}
