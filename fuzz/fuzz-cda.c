/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-cda: the CDA checkup reader under libFuzzer. Any input must either
 * be refused with a TECHO_CDA_ERROR or read (every <value>, nullFlavor, the
 * laboratory's flag and range, the notes in words); what is read goes through the
 * clinical rules, and must write back and read again to the same number of
 * items. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "techo-cda.h"
#include "techo-reference.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoProfile) patient = NULL;
  g_autoptr(TechoCheckup) checkup = NULL;
  g_autoptr(TechoCheckup) again = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autofree char *xml = NULL;
  gsize length = 0;

  /* As the import reads: a 保健指導 report (2x) read too, as a guidance record. */
  checkup = techo_cda_read_full ((const char *) data, size, TECHO_CDA_READ_GUIDANCE, &patient,
                                 &notes, &error);
  if (checkup == NULL)
    {
      if (error == NULL || error->domain != TECHO_CDA_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }

  /* Everything read also goes through the clinical rules, as the app
   * would show it. */
  for (guint i = 0; i < checkup->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, i);

      (void) techo_reference_classify (techo_reference_analyte_for_code (item->code),
                                       item->value, patient->sex);
      (void) techo_reference_item_value_display (item->code, item->value);
      (void) techo_reference_code_display (item->value_system, item->value);
    }
  for (guint i = 0; i < notes->len; i++)
    if (((const char *) g_ptr_array_index (notes, i))[0] == '\0')
      abort ();
  (void) techo_reference_metabolic (checkup, patient->sex);
  (void) techo_reference_guidance_level (checkup, patient->sex,
                                         techo_reference_age_on (patient->birth_date,
                                                                 checkup->performed_on));
  g_free (techo_reference_format_date (checkup->performed_on, TRUE));
  g_free (techo_reference_format_date (patient->birth_date, TRUE));

  xml = techo_cda_write_checkup (checkup, patient, &length, &error);
  if (xml == NULL)
    abort ();
  again = techo_cda_read_full (xml, length, TECHO_CDA_READ_GUIDANCE, NULL, NULL, &error);
  if (again == NULL || again->items->len != checkup->items->len
      || techo_cda_is_guidance (again) != techo_cda_is_guidance (checkup))
    abort ();
  return 0;
}
