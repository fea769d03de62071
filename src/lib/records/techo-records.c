/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-records"

#include "config.h"

#include <string.h>

#include "techo-names.h"
#include "techo-record-types.h"

static const char * const category_names[TECHO_N_CATEGORIES] = {
  "checkup", "medication", "screening",
};

static const char * const value_type_names[] = {
  "PQ", "CO", "CD", "ST",
};

const char *
techo_category_to_string (TechoCategory category)
{
  g_return_val_if_fail (category < TECHO_N_CATEGORIES, NULL);
  return category_names[category];
}

gboolean
techo_category_from_string (const char    *name,
                            TechoCategory *out_category)
{
  guint i;

  if (!techo_names_lookup (category_names, TECHO_N_CATEGORIES, name, &i))
    return FALSE;
  if (out_category != NULL)
    *out_category = i;
  return TRUE;
}

static const char * const origin_names[TECHO_N_ORIGINS] = {
  [TECHO_ORIGIN_PORTAL] = "portal",
  [TECHO_ORIGIN_FILE] = "file",
  [TECHO_ORIGIN_MANUAL] = "manual",
};

const char *
techo_origin_to_string (TechoOrigin origin)
{
  g_return_val_if_fail (origin < TECHO_N_ORIGINS, NULL);
  return origin_names[origin];
}

gboolean
techo_origin_from_string (const char  *name,
                          TechoOrigin *out_origin)
{
  guint i;

  if (!techo_names_lookup (origin_names, TECHO_N_ORIGINS, name, &i))
    return FALSE;
  if (out_origin != NULL)
    *out_origin = i;
  return TRUE;
}

const char *
techo_value_type_to_string (TechoValueType type)
{
  g_return_val_if_fail (type < G_N_ELEMENTS (value_type_names), NULL);
  return value_type_names[type];
}

gboolean
techo_value_type_from_string (const char     *name,
                              TechoValueType *out_type)
{
  guint i;

  if (!techo_names_lookup (value_type_names, G_N_ELEMENTS (value_type_names), name, &i))
    return FALSE;
  if (out_type != NULL)
    *out_type = i;
  return TRUE;
}

void
techo_provenance_clear (TechoProvenance *provenance)
{
  g_clear_pointer (&provenance->file_name, g_free);
  g_clear_pointer (&provenance->file_sha256, g_free);
}

TechoItem *
techo_item_new (void)
{
  return g_new0 (TechoItem, 1);
}

TechoItem *
techo_item_copy (const TechoItem *item)
{
  TechoItem *copy = techo_item_new ();

  copy->code = g_strdup (item->code);
  copy->name = g_strdup (item->name);
  copy->type = item->type;
  copy->value = g_strdup (item->value);
  copy->unit = g_strdup (item->unit);
  copy->value_system = g_strdup (item->value_system);
  copy->display = g_strdup (item->display);
  copy->not_performed = item->not_performed;
  copy->null_flavor = g_strdup (item->null_flavor);
  copy->interpretation = g_strdup (item->interpretation);
  copy->reference_range = g_strdup (item->reference_range);
  copy->method_code = g_strdup (item->method_code);
  copy->other_values = g_strdup (item->other_values);
  return copy;
}

void
techo_item_free (TechoItem *item)
{
  if (item == NULL)
    return;
  g_free (item->code);
  g_free (item->name);
  g_free (item->value);
  g_free (item->unit);
  g_free (item->value_system);
  g_free (item->display);
  g_free (item->null_flavor);
  g_free (item->interpretation);
  g_free (item->reference_range);
  g_free (item->method_code);
  g_free (item->other_values);
  g_free (item);
}

TechoCheckup *
techo_checkup_new (void)
{
  TechoCheckup *checkup = g_new0 (TechoCheckup, 1);

  checkup->items = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_item_free);
  return checkup;
}

void
techo_checkup_free (TechoCheckup *checkup)
{
  if (checkup == NULL)
    return;
  g_free (checkup->id);
  g_free (checkup->performed_on);
  g_free (checkup->kind);
  g_free (checkup->report_kind);
  g_free (checkup->institution_code);
  g_free (checkup->institution_name);
  g_clear_pointer (&checkup->items, g_ptr_array_unref);
  g_free (checkup->document);
  g_free (checkup->doctor_name);
  g_free (checkup->insurer_symbol);
  g_free (checkup->insurer_card_number);
  g_free (checkup->patient_address);
  techo_provenance_clear (&checkup->provenance);
  g_free (checkup);
}

const TechoItem *
techo_checkup_find_item (const TechoCheckup *checkup,
                         const char         *code)
{
  for (guint i = 0; i < checkup->items->len; i++)
    {
      const TechoItem *item = g_ptr_array_index (checkup->items, i);

      if (g_strcmp0 (item->code, code) == 0)
        return item;
    }
  return NULL;
}

TechoDispensing *
techo_dispensing_new (void)
{
  return g_new0 (TechoDispensing, 1);
}

void
techo_dispensing_free (TechoDispensing *dispensing)
{
  if (dispensing == NULL)
    return;
  g_free (dispensing->id);
  g_free (dispensing->source);
  g_free (dispensing->dispensed_on);
  g_free (dispensing->prescribed_on);
  g_free (dispensing->setting);
  g_free (dispensing->pharmacy_code);
  g_free (dispensing->pharmacy_name);
  g_free (dispensing->prescriber_code);
  g_free (dispensing->prescriber_name);
  g_free (dispensing->prescriber_department);
  g_free (dispensing->receipt_code);
  g_free (dispensing->yj_code);
  g_free (dispensing->drug_name);
  g_free (dispensing->ingredient_name);
  g_free (dispensing->unit);
  g_free (dispensing->usage);
  g_free (dispensing->dosage_form);
  g_free (dispensing->dispensing_unit);
  g_free (dispensing->drug_code);
  g_free (dispensing->drug_code_kind);
  g_free (dispensing->generic_name);
  g_free (dispensing->generic_code);
  g_free (dispensing->generic_code_kind);
  g_free (dispensing->pharmacist_name);
  g_free (dispensing->doctor_name);
  g_free (dispensing->notes);
  techo_provenance_clear (&dispensing->provenance);
  g_free (dispensing);
}

static const char *const notebook_kind_names[] = {
  "allergy", "side-effect", "history", "remark", "otc", "memo", "pharmacist",
  "purpose",
};
G_STATIC_ASSERT (G_N_ELEMENTS (notebook_kind_names) == TECHO_NOTEBOOK_N_KINDS);

const char *
techo_notebook_kind_to_string (TechoNotebookKind kind)
{
  g_return_val_if_fail (kind < TECHO_NOTEBOOK_N_KINDS, NULL);
  return notebook_kind_names[kind];
}

gboolean
techo_notebook_kind_from_string (const char        *name,
                                 TechoNotebookKind *out_kind)
{
  guint i;

  if (!techo_names_lookup (notebook_kind_names, G_N_ELEMENTS (notebook_kind_names), name, &i))
    return FALSE;
  *out_kind = i;
  return TRUE;
}

TechoNotebookEntry *
techo_notebook_entry_new (void)
{
  return g_new0 (TechoNotebookEntry, 1);
}

void
techo_notebook_entry_free (TechoNotebookEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->id);
  g_free (entry->text);
  g_free (entry->detail);
  g_free (entry->code);
  g_free (entry->started_on);
  g_free (entry->ended_on);
  g_free (entry->author);
  techo_provenance_clear (&entry->provenance);
  g_free (entry);
}

TechoScreening *
techo_screening_new (void)
{
  TechoScreening *screening = g_new0 (TechoScreening, 1);

  screening->items = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_item_free);
  return screening;
}

void
techo_screening_free (TechoScreening *screening)
{
  if (screening == NULL)
    return;
  g_free (screening->id);
  g_free (screening->performed_on);
  g_free (screening->cancer);
  g_free (screening->report_kind);
  g_free (screening->stage);
  g_free (screening->municipality_code);
  g_free (screening->municipality_name);
  g_clear_pointer (&screening->items, g_ptr_array_unref);
  g_free (screening->followup_code);
  g_free (screening->followup_value);
  g_free (screening->followup_display);
  techo_provenance_clear (&screening->provenance);
  g_free (screening);
}

TechoProfile *
techo_profile_new (void)
{
  return g_new0 (TechoProfile, 1);
}

void
techo_profile_free (TechoProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->subject);
  g_free (profile->issuer);
  g_free (profile->name);
  g_free (profile->name_kana);
  g_free (profile->birth_date);
  g_free (profile->sex);
  g_free (profile->insurer_number);
  g_free (profile);
}

TechoProfile *
techo_profile_copy (const TechoProfile *profile)
{
  TechoProfile *copy = techo_profile_new ();

  copy->id = profile->id;
  copy->subject = g_strdup (profile->subject);
  copy->issuer = g_strdup (profile->issuer);
  copy->name = g_strdup (profile->name);
  copy->name_kana = g_strdup (profile->name_kana);
  copy->birth_date = g_strdup (profile->birth_date);
  copy->sex = g_strdup (profile->sex);
  copy->insurer_number = g_strdup (profile->insurer_number);
  return copy;
}
