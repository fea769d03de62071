/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-mhlw: the マイナポータル 薬剤情報 / 特定健診情報 XML reader under
 * libFuzzer. Any input must either be refused with a TECHO_MHLW_ERROR and
 * a message, or read into rows that keep the reader's promises (ids with
 * the prefix, real dates, days in range, 17-character item codes), the same
 * ids when read again; what is read goes through the clinical rules. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-mhlw-xml.h"
#include "techo-reference.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_date (const char *date)
{
  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoMhlwResult) result = NULL;
  g_autoptr(TechoMhlwResult) again = NULL;

  result = techo_mhlw_read ((const char *) data, size, &error);
  if (result == NULL)
    {
      if (error == NULL || error->domain != TECHO_MHLW_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (result->person == NULL)
    abort ();
  if (result->person->birth_date != NULL)
    check_date (result->person->birth_date);

  for (guint i = 0; i < result->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (result->dispensings, i);

      if (!g_str_has_prefix (d->id, TECHO_MHLW_ID_PREFIX) || d->days < 0 || d->days > 3650
          || d->drug_name == NULL || d->source == NULL)
        abort ();
      check_date (d->dispensed_on);
      if (d->prescribed_on != NULL)
        check_date (d->prescribed_on);
      g_free (techo_reference_format_date (d->dispensed_on, TRUE));
      if (d->yj_code != NULL)
        g_free (techo_reference_therapeutic_class (d->yj_code));
    }
  for (guint i = 0; i < result->checkups->len; i++)
    {
      const TechoCheckup *c = g_ptr_array_index (result->checkups, i);

      check_date (c->performed_on);
      for (guint j = 0; j < c->items->len; j++)
        {
          const TechoItem *item = g_ptr_array_index (c->items, j);

          if (item->code == NULL || strlen (item->code) != 17)
            abort ();
          (void) techo_reference_classify (techo_reference_analyte_for_code (item->code),
                                           item->value, result->person->sex);
          (void) techo_reference_code_display (item->value_system, item->value);
        }
      (void) techo_reference_metabolic (c, result->person->sex);
    }

  /* The same bytes read again give the same rows and ids. */
  again = techo_mhlw_read ((const char *) data, size, &error);
  if (again == NULL || again->dispensings->len != result->dispensings->len
      || again->checkups->len != result->checkups->len)
    abort ();
  for (guint i = 0; i < again->dispensings->len; i++)
    if (strcmp (((TechoDispensing *) g_ptr_array_index (again->dispensings, i))->id,
                ((TechoDispensing *) g_ptr_array_index (result->dispensings, i))->id) != 0)
      abort ();
  return 0;
}
