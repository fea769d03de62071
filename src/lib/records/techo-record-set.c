/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-record-set.c: the ref-counted bundle of one person's records. */

#define G_LOG_DOMAIN "techo-records"

#include "config.h"

#include "techo-record-set.h"

TechoRecordSet *
techo_record_set_new (void)
{
  TechoRecordSet *set = g_new0 (TechoRecordSet, 1);

  g_atomic_ref_count_init (&set->ref_count);
  set->checkups = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  set->guidance = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_checkup_free);
  set->dispensings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  set->screenings = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_screening_free);
  set->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_notebook_entry_free);
  set->documents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) g_bytes_unref);
  set->complete = TRUE;
  return set;
}

TechoRecordSet *
techo_record_set_ref (TechoRecordSet *set)
{
  g_return_val_if_fail (set != NULL, NULL);

  g_atomic_ref_count_inc (&set->ref_count);
  return set;
}

void
techo_record_set_unref (TechoRecordSet *set)
{
  if (set == NULL || !g_atomic_ref_count_dec (&set->ref_count))
    return;
  g_clear_pointer (&set->profile, techo_profile_free);
  g_clear_pointer (&set->checkups, g_ptr_array_unref);
  g_clear_pointer (&set->guidance, g_ptr_array_unref);
  g_clear_pointer (&set->dispensings, g_ptr_array_unref);
  g_clear_pointer (&set->screenings, g_ptr_array_unref);
  g_clear_pointer (&set->entries, g_ptr_array_unref);
  g_clear_pointer (&set->documents, g_hash_table_unref);
  g_free (set);
}

guint
techo_record_set_count (const TechoRecordSet *set)
{
  return set->checkups->len + set->dispensings->len + set->screenings->len;
}

gboolean
techo_record_set_is_empty (const TechoRecordSet *set)
{
  return techo_record_set_count (set) == 0;
}
