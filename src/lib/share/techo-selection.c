/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a consent lets go of a record set: categories, period, scope. */

#define G_LOG_DOMAIN "techo-selection"

#include "config.h"

#include "techo-analysis.h"
#include "techo-selection.h"

static GPtrArray *
select_checkups (const TechoRecordSet *set,
                 const TechoConsent   *consent)
{
  GPtrArray *out = g_ptr_array_new ();

  if (!techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP) || set->checkups == NULL)
    return out;
  /* Newest first: the last N of the period are the first N that fall
   * inside it. */
  for (guint i = 0; i < set->checkups->len; i++)
    {
      TechoCheckup *c = g_ptr_array_index (set->checkups, i);

      if (consent->scope.last_checkups > 0 && out->len >= consent->scope.last_checkups)
        break;
      if (!c->withdrawn && techo_consent_covers_date (consent, c->performed_on))
        g_ptr_array_add (out, c);
    }
  return out;
}

static GPtrArray *
select_dispensings (const TechoRecordSet *set,
                    const TechoConsent   *consent)
{
  GPtrArray *out = g_ptr_array_new ();

  if (!techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION) || set->dispensings == NULL)
    return out;
  for (guint i = 0; i < set->dispensings->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (set->dispensings, i);

      if (d->withdrawn || !techo_consent_covers_date (consent, d->dispensed_on))
        continue;
      if (consent->scope.current_on != NULL
          && !techo_analysis_is_current (d, consent->scope.current_on))
        continue;
      g_ptr_array_add (out, d);
    }
  return out;
}

static GPtrArray *
select_screenings (const TechoRecordSet *set,
                   const TechoConsent   *consent)
{
  GPtrArray *out = g_ptr_array_new ();

  if (!techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING) || set->screenings == NULL)
    return out;
  for (guint i = 0; i < set->screenings->len; i++)
    {
      TechoScreening *s = g_ptr_array_index (set->screenings, i);

      if (!s->withdrawn && techo_consent_covers_date (consent, s->performed_on)
          && techo_record_scope_has_cancer (&consent->scope, s->cancer))
        g_ptr_array_add (out, s);
    }
  return out;
}

void
techo_selection_init (TechoSelection       *out,
                      const TechoRecordSet *set,
                      const TechoConsent   *consent)
{
  out->checkups = select_checkups (set, consent);
  out->dispensings = select_dispensings (set, consent);
  out->screenings = select_screenings (set, consent);
}

void
techo_selection_clear (TechoSelection *selection)
{
  g_clear_pointer (&selection->checkups, g_ptr_array_unref);
  g_clear_pointer (&selection->dispensings, g_ptr_array_unref);
  g_clear_pointer (&selection->screenings, g_ptr_array_unref);
}

guint
techo_selection_count (const TechoSelection *selection)
{
  return selection->checkups->len + selection->dispensings->len + selection->screenings->len;
}

/* Keeps in @records (which owns its elements) those in @keep. */
static void
keep_only (GPtrArray *records,
           GPtrArray *keep)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < keep->len; i++)
    g_hash_table_add (wanted, g_ptr_array_index (keep, i));
  for (guint i = records->len; i > 0; i--)
    if (!g_hash_table_contains (wanted, g_ptr_array_index (records, i - 1)))
      g_ptr_array_remove_index (records, i - 1);
}

void
techo_record_set_narrow (TechoRecordSet     *set,
                         const TechoConsent *consent)
{
  g_auto(TechoSelection) selection = { 0 };

  techo_selection_init (&selection, set, consent);
  /* The CDA files of checkups that do not go stay home too. */
  for (guint i = 0; set->documents != NULL && i < set->checkups->len; i++)
    {
      TechoCheckup *c = g_ptr_array_index (set->checkups, i);
      gboolean kept = FALSE;

      for (guint k = 0; k < selection.checkups->len && !kept; k++)
        kept = g_ptr_array_index (selection.checkups, k) == c;
      if (!kept && c->id != NULL)
        g_hash_table_remove (set->documents, c->id);
    }
  keep_only (set->checkups, selection.checkups);
  keep_only (set->dispensings, selection.dispensings);
  keep_only (set->screenings, selection.screenings);
}
