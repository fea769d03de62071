/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-qr-image.h: the QR codes in a photo or screenshot (PNG or JPEG),
 * decoded with libzbar. The image is loaded with gdk-pixbuf (GTK-free, in
 * Debian and in the GNOME runtime) restricted to its PNG and JPEG loaders,
 * its size checked before a pixel is decoded. Each code's bytes come back
 * as they are (zbar's binary mode): the JAHIS reader decodes CP932. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TECHO_QR_IMAGE_ERROR (techo_qr_image_error_quark ())

typedef enum
{
  TECHO_QR_IMAGE_ERROR_TOO_LARGE,  /* over the byte or pixel cap */
  TECHO_QR_IMAGE_ERROR_NOT_IMAGE,  /* neither PNG nor JPEG */
  TECHO_QR_IMAGE_ERROR_DAMAGED,    /* a PNG or JPEG that does not decode */
  TECHO_QR_IMAGE_ERROR_NO_CODE,    /* an image, but no QR code could be read */
  TECHO_QR_IMAGE_N_ERRORS /* not a code: how many codes there are */
} TechoQrImageError;

GQuark techo_qr_image_error_quark (void);

#define TECHO_QR_IMAGE_MAX_SIZE   (32 * 1024 * 1024) /* bytes of the file */
#define TECHO_QR_IMAGE_MAX_PIXELS (50 * 1000 * 1000) /* width × height */
#define TECHO_QR_IMAGE_MAX_SIDE   20000              /* pixels */
#define TECHO_QR_IMAGE_MAX_CODES  64                 /* codes per image */

/* TRUE when @data starts like a PNG or a JPEG file. */
gboolean   techo_qr_image_sniff  (const guint8 *data,
                                  gsize         length);

/* Every QR code in the image, in the order zbar found them, as GBytes (a
 * code read twice counts once). NULL with an error when the image cannot
 * be read or holds no code zbar can read. */
GPtrArray *techo_qr_image_decode (const guint8  *data,
                                  gsize          length,
                                  GError       **error);

G_END_DECLS
