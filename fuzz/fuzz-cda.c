/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-cda: the CDA checkup reader under libFuzzer. Any input must either
 * be refused with a TECHO_CDA_ERROR or read; what is read must write back
 * and read again to the same number of items. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "techo-cda.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(TechoCheckup) checkup = NULL;
  g_autoptr(TechoCheckup) again = NULL;
  g_autofree char *xml = NULL;
  gsize length = 0;

  checkup = techo_cda_read_checkup ((const char *) data, size, &patient, &error);
  if (checkup == NULL)
    {
      if (error == NULL || error->domain != TECHO_CDA_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }

  xml = techo_cda_write_checkup (checkup, patient, &length, &error);
  if (xml == NULL)
    abort ();
  again = techo_cda_read_checkup (xml, length, NULL, &error);
  if (again == NULL || again->items->len != checkup->items->len)
    abort ();
  return 0;
}
