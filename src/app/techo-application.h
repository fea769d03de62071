/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TECHO_TYPE_APPLICATION (techo_application_get_type ())

G_DECLARE_FINAL_TYPE (TechoApplication, techo_application, TECHO, APPLICATION, AdwApplication)

TechoApplication *techo_application_new (void);

G_END_DECLS
