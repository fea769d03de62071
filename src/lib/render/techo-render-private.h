/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-render-private.h: what the render area's units share. */

#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

/* A cairo_write_func_t that appends what cairo writes (a PNG, a PDF) to
 * the GByteArray @closure. In techo-qr.c. */
cairo_status_t techo_render_append_cb (void                *closure,
                                       const unsigned char *data,
                                       unsigned int         length);

G_END_DECLS
