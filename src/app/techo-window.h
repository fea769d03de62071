/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <adwaita.h>

#include "techo-application.h"

G_BEGIN_DECLS

#define TECHO_TYPE_WINDOW (techo_window_get_type ())

G_DECLARE_FINAL_TYPE (TechoWindow, techo_window, TECHO, WINDOW, AdwApplicationWindow)

TechoWindow *techo_window_new (TechoApplication *application);

G_END_DECLS
