/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent's scope: the last N checkups, some cancers, the current
 * medicines only; its one text form. */

#define G_LOG_DOMAIN "techo-records"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "techo-consent.h"
#include "techo-record-scope.h"

static const char * const cancer_keys[] = {
  "stomach", "lung", "colorectal", "cervical", "breast", NULL,
};

#define MAX_TEXT 256

static gboolean
is_iso_date (const char *text)
{
  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  return g_date_valid_dmy (atoi (text + 8), atoi (text + 5), atoi (text));
}

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID, message);
  return FALSE;
}

const char * const *
techo_record_scope_cancer_keys (void)
{
  return cancer_keys;
}

void
techo_record_scope_clear (TechoRecordScope *scope)
{
  scope->last_checkups = 0;
  g_clear_pointer (&scope->cancers, g_strfreev);
  g_clear_pointer (&scope->current_on, g_free);
}

void
techo_record_scope_copy (const TechoRecordScope *scope,
                         TechoRecordScope       *out)
{
  out->last_checkups = scope->last_checkups;
  out->cancers = g_strdupv (scope->cancers);
  out->current_on = g_strdup (scope->current_on);
}

gboolean
techo_record_scope_is_whole (const TechoRecordScope *scope)
{
  return scope->last_checkups == 0 && scope->cancers == NULL && scope->current_on == NULL;
}

gboolean
techo_record_scope_has_cancer (const TechoRecordScope *scope,
                               const char             *cancer)
{
  return scope->cancers == NULL
         || (cancer != NULL && g_strv_contains ((const char * const *) scope->cancers, cancer));
}

gboolean
techo_record_scope_validate (const TechoRecordScope  *scope,
                             GError                 **error)
{
  if (scope->last_checkups > TECHO_RECORD_SCOPE_MAX_CHECKUPS)
    return invalid (error, "Choose between 1 and 99 of the latest checkups.");
  if (scope->cancers != NULL)
    {
      if (scope->cancers[0] == NULL)
        return invalid (error, "Choose at least one cancer screening, or all of them.");
      for (guint i = 0; scope->cancers[i] != NULL; i++)
        if (!g_strv_contains (cancer_keys, scope->cancers[i]))
          return invalid (error, "Cancer screenings are named stomach, lung, colorectal, "
                                 "cervical or breast.");
    }
  if (scope->current_on != NULL && !is_iso_date (scope->current_on))
    return invalid (error, "The day of the current medicines must be written as YYYY-MM-DD.");
  return TRUE;
}

char *
techo_record_scope_to_string (const TechoRecordScope *scope)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (techo_record_scope_is_whole (scope))
    return NULL;
  if (scope->last_checkups > 0)
    g_ptr_array_add (parts, g_strdup_printf ("checkups=%u", scope->last_checkups));
  if (scope->cancers != NULL)
    {
      g_autofree char *list = g_strjoinv (",", scope->cancers);

      g_ptr_array_add (parts, g_strdup_printf ("cancers=%s", list));
    }
  if (scope->current_on != NULL)
    g_ptr_array_add (parts, g_strdup_printf ("medicines=current:%s", scope->current_on));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (";", (char **) parts->pdata);
}

gboolean
techo_record_scope_parse (const char        *text,
                          TechoRecordScope  *out,
                          GError           **error)
{
  g_auto(TechoRecordScope) scope = { 0 };
  g_auto(GStrv) parts = NULL;

  techo_record_scope_clear (out);
  if (text == NULL || text[0] == '\0')
    return TRUE;
  if (strlen (text) > MAX_TEXT || !g_utf8_validate (text, -1, NULL))
    return invalid (error, "The scope of the consent is too long or not text.");
  parts = g_strsplit (text, ";", 0);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = parts[i];

      if (g_str_has_prefix (part, "checkups=") && scope.last_checkups == 0)
        {
          const char *number = part + strlen ("checkups=");
          guint64 n = 0;

          if (!g_ascii_string_to_unsigned (number, 10, 1, TECHO_RECORD_SCOPE_MAX_CHECKUPS, &n, NULL))
            return invalid (error, "Choose between 1 and 99 of the latest checkups.");
          scope.last_checkups = (guint) n;
        }
      else if (g_str_has_prefix (part, "cancers=") && scope.cancers == NULL)
        scope.cancers = g_strsplit (part + strlen ("cancers="), ",", 0);
      else if (g_str_has_prefix (part, "medicines=current:") && scope.current_on == NULL)
        scope.current_on = g_strdup (part + strlen ("medicines=current:"));
      else
        return invalid (error, "The scope of the consent names a part Techo does not know "
                               "(checkups=N, cancers=LIST, medicines=current:DATE).");
    }
  if (!techo_record_scope_validate (&scope, error))
    return FALSE;
  *out = scope;
  memset (&scope, 0, sizeof scope);
  return TRUE;
}
