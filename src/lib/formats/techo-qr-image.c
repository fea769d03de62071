/* SPDX-License-Identifier: GPL-3.0-or-later */
/* QR codes out of PNG and JPEG images: gdk-pixbuf loads (PNG and JPEG
 * loaders only, the size refused before decoding), the pixels become 8-bit
 * grey, zbar scans at the image's own size and, when it finds nothing, at
 * half and double size (phone photos are large; screenshots of small codes
 * are small). */

#define G_LOG_DOMAIN "techo-qr-image"

#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <zbar.h>

#include "techo-qr-image.h"

G_DEFINE_QUARK (techo-qr-image-error-quark, techo_qr_image_error)

static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff };

gboolean
techo_qr_image_sniff (const guint8 *data,
                      gsize         length)
{
  return (length >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0)
         || (length >= sizeof jpeg_magic && memcmp (data, jpeg_magic, sizeof jpeg_magic) == 0);
}

static gboolean
contains (const guint8 *data,
          gsize         length,
          const guint8 *needle,
          gsize         needle_length)
{
  for (gsize i = length; i-- > 0;)
    if (length - i >= needle_length && memcmp (data + i, needle, needle_length) == 0)
      return TRUE;
  return FALSE;
}

/* A PNG ends with its IEND chunk, a JPEG with its EOI marker: without
 * them the file was cut (the loaders would show what arrived). */
static gboolean
looks_whole (const guint8 *data,
             gsize         length,
             gboolean      png)
{
  static const guint8 iend[] = { 'I', 'E', 'N', 'D' };
  static const guint8 eoi[] = { 0xff, 0xd9 };

  if (png)
    return length > 12 && contains (data + 8, length - 8, iend, sizeof iend);
  return length > 4 && contains (data + 2, length - 2, eoi, sizeof eoi);
}

typedef struct
{
  gboolean too_large;
} SizeCheck;

static gboolean
too_large (gint64 width,
           gint64 height)
{
  return width <= 0 || height <= 0 || width > TECHO_QR_IMAGE_MAX_SIDE
         || height > TECHO_QR_IMAGE_MAX_SIDE || width * height > TECHO_QR_IMAGE_MAX_PIXELS;
}

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeCheck *check = user_data;

  if (too_large (width, height))
    {
      check->too_large = TRUE;
      /* Decode nothing more than one pixel. */
      gdk_pixbuf_loader_set_size (loader, 1, 1);
    }
}

static GdkPixbuf *
load (const guint8  *data,
      gsize          length,
      GError       **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean png = length >= sizeof png_magic && memcmp (data, png_magic, sizeof png_magic) == 0;
  SizeCheck check = { FALSE };
  GdkPixbuf *pixbuf;

  if (!looks_whole (data, length, png))
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_DAMAGED,
                   _("The image is damaged or cut off (its end is missing)."));
      return NULL;
    }
  /* A PNG's size is in its first chunk: checked before any loader runs.
   * A JPEG's is checked when the loader reads its frame header. */
  if (png && length >= 24 && memcmp (data + 12, "IHDR", 4) == 0)
    {
      guint32 width, height;

      memcpy (&width, data + 16, 4);
      memcpy (&height, data + 20, 4);
      check.too_large = too_large (GUINT32_FROM_BE (width), GUINT32_FROM_BE (height));
    }
  if (check.too_large)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_TOO_LARGE,
                   _("The image is larger than Techo reads (%d megapixels, %d pixels a "
                     "side)."), TECHO_QR_IMAGE_MAX_PIXELS / 1000000, TECHO_QR_IMAGE_MAX_SIDE);
      return NULL;
    }
  loader = gdk_pixbuf_loader_new_with_type (png ? "png" : "jpeg", &local_error);
  if (loader == NULL)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_DAMAGED,
                   _("This system cannot read %s images (%s)."), png ? "PNG" : "JPEG",
                   local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), &check);
  if (!gdk_pixbuf_loader_write (loader, data, length, &local_error)
      || !gdk_pixbuf_loader_close (loader, local_error == NULL ? &local_error : NULL))
    {
      if (!check.too_large)
        {
          g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_DAMAGED,
                       _("The image is damaged or cut off (%s)."),
                       local_error != NULL ? local_error->message : "?");
          return NULL;
        }
    }
  if (check.too_large)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_TOO_LARGE,
                   _("The image is larger than Techo reads (%d megapixels, %d pixels a "
                     "side)."), TECHO_QR_IMAGE_MAX_PIXELS / 1000000, TECHO_QR_IMAGE_MAX_SIDE);
      return NULL;
    }
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_DAMAGED,
                   _("The image is damaged or in a form Techo does not read."));
      return NULL;
    }
  return g_object_ref (pixbuf);
}

/* 8-bit grey (Y800), transparent pixels as white: a screenshot's code on
 * a transparent background still has its quiet zone. */
static guint8 *
to_grey (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  guint8 *grey = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (int x = 0; x < width; x++)
        {
          const guint8 *px = row + (gsize) x * channels;
          guint value = (px[0] * 299 + px[1] * 587 + px[2] * 114) / 1000;

          if (alpha)
            value = (value * px[3] + 255 * (255 - px[3])) / 255;
          grey[(gsize) y * width + x] = value;
        }
    }
  return grey;
}

static gboolean
already_found (GPtrArray    *codes,
               const char   *data,
               unsigned int  length)
{
  for (guint i = 0; i < codes->len; i++)
    {
      gsize n;
      gconstpointer d = g_bytes_get_data (g_ptr_array_index (codes, i), &n);

      if (n == length && memcmp (d, data, n) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Scans @pixbuf (scaled to @scale) and adds what zbar reads to @codes. */
static void
scan (GdkPixbuf *pixbuf,
      double     scale,
      GPtrArray *codes)
{
  g_autoptr(GdkPixbuf) scaled = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint8 *grey;
  int width, height;

  width = (int) (gdk_pixbuf_get_width (pixbuf) * scale);
  height = (int) (gdk_pixbuf_get_height (pixbuf) * scale);
  if (width < 21 || height < 21 || (gint64) width * height > TECHO_QR_IMAGE_MAX_PIXELS)
    return;
  if (scale != 1.0)
    {
      scaled = gdk_pixbuf_scale_simple (pixbuf, width, height,
                                        scale < 1.0 ? GDK_INTERP_BILINEAR : GDK_INTERP_NEAREST);
      if (scaled == NULL)
        return;
      pixbuf = scaled;
    }
  grey = to_grey (pixbuf);

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, grey, (unsigned long) width * height, zbar_image_free_data);

  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image); symbol != NULL;
         symbol = zbar_symbol_next (symbol))
      {
        const char *data = zbar_symbol_get_data (symbol);
        unsigned int length = zbar_symbol_get_data_length (symbol);

        if (zbar_symbol_get_type (symbol) != ZBAR_QRCODE || data == NULL || length == 0
            || codes->len >= TECHO_QR_IMAGE_MAX_CODES || already_found (codes, data, length))
          continue;
        g_ptr_array_add (codes, g_bytes_new (data, length));
      }
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
}

GPtrArray *
techo_qr_image_decode (const guint8  *data,
                       gsize          length,
                       GError       **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  static const double scales[] = { 1.0, 0.5, 2.0, 0.25 };

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > TECHO_QR_IMAGE_MAX_SIZE)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_TOO_LARGE,
                   _("The image file is larger than %d MiB."),
                   TECHO_QR_IMAGE_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  if (!techo_qr_image_sniff (data, length))
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_NOT_IMAGE,
                   _("This is neither a PNG nor a JPEG image."));
      return NULL;
    }
  pixbuf = load (data, length, error);
  if (pixbuf == NULL)
    return NULL;

  /* The image as it is first; other sizes only while nothing is found. */
  for (guint i = 0; i < G_N_ELEMENTS (scales) && codes->len == 0; i++)
    scan (pixbuf, scales[i], codes);
  if (codes->len == 0)
    {
      g_set_error (error, TECHO_QR_IMAGE_ERROR, TECHO_QR_IMAGE_ERROR_NO_CODE,
                   _("No QR code could be read in this image. Take the photo straight on, "
                     "in focus and with the whole code in view, or use a screenshot."));
      return NULL;
    }
  return g_steal_pointer (&codes);
}
