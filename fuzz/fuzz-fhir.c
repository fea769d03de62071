/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-fhir: the FHIR Bundle importer under libFuzzer. Any input must be
 * refused with a TECHO_FHIR_ERROR (and a message) or read; what is read
 * must export and import again to the same records. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-fhir.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoRecordSet) set = NULL;
  g_autoptr(TechoRecordSet) again = NULL;
  g_autofree char *json = NULL;

  set = techo_fhir_import ((const char *) data, size, &error);
  if (set == NULL)
    {
      if (error == NULL || error->domain != TECHO_FHIR_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  json = techo_fhir_export (set, TECHO_FHIR_NONE, &error);
  if (json == NULL)
    abort ();
  again = techo_fhir_import (json, strlen (json), &error);
  if (again == NULL ||
      again->checkups->len != set->checkups->len ||
      again->dispensings->len != set->dispensings->len ||
      again->screenings->len != set->screenings->len)
    abort ();
  for (guint i = 0; i < set->checkups->len; i++)
    if (((TechoCheckup *) g_ptr_array_index (again->checkups, i))->items->len !=
        ((TechoCheckup *) g_ptr_array_index (set->checkups, i))->items->len)
      abort ();
  return 0;
}
