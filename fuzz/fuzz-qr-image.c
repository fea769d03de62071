/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-qr-image: the QR image reader (gdk-pixbuf's PNG and JPEG loaders,
 * zbar) under libFuzzer. Any input must either be refused with a
 * TECHO_QR_IMAGE_ERROR and a message, or give codes that are non-empty,
 * within the caps, and whose JAHIS reading (if any) holds. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "techo-jahis.h"
#include "techo-qr-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) codes = techo_qr_image_decode (data, size, &error);

  if (codes == NULL)
    {
      if (error == NULL || error->domain != TECHO_QR_IMAGE_ERROR || error->message[0] == '\0'
          || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }
  if (codes->len == 0 || codes->len > TECHO_QR_IMAGE_MAX_CODES)
    abort ();
  for (guint i = 0; i < codes->len; i++)
    {
      gsize n;
      const char *text = g_bytes_get_data (g_ptr_array_index (codes, i), &n);
      g_autoptr(GError) jahis_error = NULL;
      g_autoptr(GPtrArray) parts = NULL;

      if (n == 0)
        abort ();
      parts = techo_jahis_split (text, n, &jahis_error);
      if (parts == NULL && (jahis_error == NULL || jahis_error->domain != TECHO_JAHIS_ERROR))
        abort ();
    }
  return 0;
}
