/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-qr.h: a QR code of a share link (libqrencode, error correction
 * level M), drawn with cairo: as a PNG file, or onto any cairo_t (the PDF
 * report, the app's share dialog). */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define TECHO_QR_ERROR (techo_qr_error_quark ())

typedef enum
{
  TECHO_QR_ERROR_ENCODE, /* too long, or libqrencode failed */
  TECHO_QR_N_ERRORS /* not a code: how many codes there are */
} TechoQrError;

GQuark    techo_qr_error_quark (void);

/* The symbol as modules: @out_width × @out_width bytes, 1 = dark. */
guint8   *techo_qr_encode     (const char  *text,
                               guint       *out_width,
                               GError     **error);

/* Draws the symbol with its 4-module quiet zone into the square
 * (@x, @y, @size) of @cr, black on white. */
gboolean  techo_qr_draw       (cairo_t     *cr,
                               const char  *text,
                               double       x,
                               double       y,
                               double       size,
                               GError     **error);

/* A PNG of @module_pixels per module (quiet zone included), written
 * atomically (0600) to @path. */
gboolean  techo_qr_write_png  (const char  *text,
                               guint        module_pixels,
                               const char  *path,
                               GError     **error);

G_END_DECLS
