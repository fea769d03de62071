/* SPDX-License-Identifier: GPL-3.0-or-later */
/* QR codes with libqrencode, drawn with cairo. */

#define G_LOG_DOMAIN "techo-qr"

#include "config.h"

#include <string.h>

#include <qrencode.h>

#include "techo-atomic-file.h"
#include "techo-qr.h"
#include "techo-render-private.h"

G_DEFINE_QUARK (techo-qr-error-quark, techo_qr_error)

#define QUIET_ZONE 4
/* Version 40-M holds 2,331 bytes; leave room. */
#define MAX_TEXT_BYTES 2000

guint8 *
techo_qr_encode (const char  *text,
                 guint       *out_width,
                 GError     **error)
{
  QRcode *code;
  guint8 *modules;

  if (text == NULL || strlen (text) > MAX_TEXT_BYTES)
    {
      g_set_error (error, TECHO_QR_ERROR, TECHO_QR_ERROR_ENCODE,
                   "The link is too long for a QR code (over %d bytes).", MAX_TEXT_BYTES);
      return NULL;
    }
  /* 8-bit mode: a shlink is case-sensitive base64url. */
  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      g_set_error_literal (error, TECHO_QR_ERROR, TECHO_QR_ERROR_ENCODE,
                           "The QR code could not be made.");
      return NULL;
    }
  modules = g_malloc ((gsize) code->width * code->width);
  for (int i = 0; i < code->width * code->width; i++)
    modules[i] = code->data[i] & 1;
  *out_width = code->width;
  QRcode_free (code);
  return modules;
}

gboolean
techo_qr_draw (cairo_t     *cr,
               const char  *text,
               double       x,
               double       y,
               double       size,
               GError     **error)
{
  g_autofree guint8 *modules = NULL;
  guint width = 0;
  double module;

  modules = techo_qr_encode (text, &width, error);
  if (modules == NULL)
    return FALSE;
  module = size / (width + 2 * QUIET_ZONE);

  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint row = 0; row < width; row++)
    for (guint col = 0; col < width; col++)
      if (modules[row * width + col])
        cairo_rectangle (cr, x + (col + QUIET_ZONE) * module, y + (row + QUIET_ZONE) * module,
                         module, module);
  cairo_fill (cr);
  cairo_restore (cr);
  return TRUE;
}

cairo_status_t
techo_render_append_cb (void                *closure,
                        const unsigned char *data,
                        unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
techo_qr_write_png (const char  *text,
                    guint        module_pixels,
                    const char  *path,
                    GError     **error)
{
  g_autofree guint8 *modules = NULL;
  g_autoptr(GByteArray) png = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_t *cr;
  guint width = 0;
  int size;
  cairo_status_t status;

  modules = techo_qr_encode (text, &width, error);
  if (modules == NULL)
    return FALSE;
  module_pixels = CLAMP (module_pixels, 1, 32);
  size = (width + 2 * QUIET_ZONE) * module_pixels;
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, size, size);
  cr = cairo_create (surface);
  techo_qr_draw (cr, text, 0, 0, size, NULL);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png_stream (surface, techo_render_append_cb, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, TECHO_QR_ERROR, TECHO_QR_ERROR_ENCODE,
                   "The QR image could not be made: %s", cairo_status_to_string (status));
      return FALSE;
    }
  return techo_atomic_file_write (path, png->data, png->len, NULL, error);
}
