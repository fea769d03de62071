/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TECHO_TYPE_SHARING_PAGE (techo_sharing_page_get_type ())
G_DECLARE_FINAL_TYPE (TechoSharingPage, techo_sharing_page, TECHO, SHARING_PAGE, GtkWidget)

G_END_DECLS
