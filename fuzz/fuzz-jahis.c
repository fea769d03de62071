/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-jahis: the JAHIS medication notebook reader under libFuzzer. Any
 * input must either be refused with a TECHO_JAHIS_ERROR and a message, or
 * read into dispensings and notebook entries that are whole (id, date,
 * name, valid UTF-8, days only for 日分) and the same when read again; its
 * parts, kept as text and split again, are the same parts. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "techo-jahis.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static gboolean
text_ok (const char *text)
{
  return text == NULL || (g_utf8_validate (text, -1, NULL)
                          && strlen (text) <= TECHO_JAHIS_MAX_FIELD_LENGTH);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoJahisResult) result = NULL;
  g_autoptr(TechoJahisResult) again = NULL;

  result = techo_jahis_parse ((const char *) data, size, &error);
  if (result == NULL)
    {
      if (error == NULL || error->domain != TECHO_JAHIS_ERROR || error->message[0] == '\0'
          || !g_utf8_validate (error->message, -1, NULL))
        abort ();
      return 0;
    }
  if (result->version < 1 || result->version > 8
      || result->dispensings->len > TECHO_JAHIS_MAX_DISPENSINGS)
    abort ();
  if (result->patient != NULL
      && (!text_ok (result->patient->name) || !text_ok (result->patient->name_kana)))
    abort ();
  for (guint i = 0; i < result->dispensings->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (result->dispensings, i);

      if (d->id == NULL || !g_str_has_prefix (d->id, "jahis-") || strlen (d->id) != 22
          || d->dispensed_on == NULL || strlen (d->dispensed_on) != 10
          || d->drug_name == NULL || d->drug_name[0] == '\0' || !text_ok (d->drug_name)
          || !text_ok (d->usage) || !text_ok (d->pharmacy_name) || !text_ok (d->prescriber_name)
          || d->days < 0 || d->days > 3650 || !(d->quantity >= 0)
          || (d->days > 0 && g_strcmp0 (d->dispensing_unit, "日分") != 0)
          || !text_ok (d->generic_name) || !text_ok (d->drug_code))
        abort ();
    }
  if (result->entries->len > TECHO_JAHIS_MAX_ENTRIES
      || result->warnings->len > TECHO_JAHIS_MAX_WARNINGS
      || result->n_warnings < result->warnings->len)
    abort ();
  for (guint i = 0; i < result->entries->len; i++)
    {
      const TechoNotebookEntry *e = g_ptr_array_index (result->entries, i);

      if (e->id == NULL || !g_str_has_prefix (e->id, "jahis-note-") || e->text == NULL
          || !g_utf8_validate (e->text, -1, NULL)
          || (e->started_on != NULL && strlen (e->started_on) != 10))
        abort ();
    }
  for (guint i = 0; i < result->warnings->len; i++)
    if (!g_utf8_validate (g_ptr_array_index (result->warnings, i), -1, NULL))
      abort ();

  /* Each part kept as text splits back into the same part. */
  {
    g_autoptr(GPtrArray) parts = techo_jahis_split ((const char *) data, size, &error);

    if (parts == NULL)
      abort ();
    for (guint i = 0; i < parts->len; i++)
      {
        const TechoJahisPart *part = g_ptr_array_index (parts, i);
        g_autofree char *text = techo_jahis_part_to_text (part);
        g_autoptr(GPtrArray) again_parts = techo_jahis_split (text, strlen (text), &error);

        if (again_parts == NULL || again_parts->len != 1
            || ((TechoJahisPart *) g_ptr_array_index (again_parts, 0))->number != part->number
            || ((TechoJahisPart *) g_ptr_array_index (again_parts, 0))->lines->len
               != part->lines->len)
          abort ();
      }
  }

  again = techo_jahis_parse ((const char *) data, size, &error);
  if (again == NULL || again->dispensings->len != result->dispensings->len)
    abort ();
  for (guint i = 0; i < result->dispensings->len; i++)
    if (strcmp (((TechoDispensing *) g_ptr_array_index (result->dispensings, i))->id,
                ((TechoDispensing *) g_ptr_array_index (again->dispensings, i))->id) != 0)
      abort ();
  return 0;
}
