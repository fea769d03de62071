/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent record itself: validation, categories, state, JSON. */

#define G_LOG_DOMAIN "techo-consent"

#include "config.h"

#include <string.h>

#include "techo-consent.h"
#include "techo-names.h"

G_DEFINE_QUARK (techo-consent-error-quark, techo_consent_error)

static const char * const method_names[TECHO_CONSENT_N_METHODS] = {
  [TECHO_CONSENT_METHOD_FHIR] = "fhir",
  [TECHO_CONSENT_METHOD_CSV] = "csv",
  [TECHO_CONSENT_METHOD_CDA] = "cda",
  [TECHO_CONSENT_METHOD_PDF] = "pdf",
  [TECHO_CONSENT_METHOD_PRINT] = "print",
  [TECHO_CONSENT_METHOD_VISIT] = "visit",
  [TECHO_CONSENT_METHOD_SHARE] = "share",
};

const char *
techo_consent_method_to_string (TechoConsentMethod method)
{
  if ((guint) method >= TECHO_CONSENT_N_METHODS)
    return NULL;
  return method_names[method];
}

gboolean
techo_consent_method_from_string (const char         *name,
                                  TechoConsentMethod *out_method)
{
  guint i;

  /* method_names[TECHO_CONSENT_METHOD_NONE] is NULL: "none" is no name. */
  *out_method = TECHO_CONSENT_METHOD_NONE;
  if (!techo_names_lookup (method_names, TECHO_CONSENT_N_METHODS, name, &i))
    return FALSE;
  *out_method = i;
  return TRUE;
}

gboolean
techo_consent_method_is_file (TechoConsentMethod method)
{
  return method == TECHO_CONSENT_METHOD_PDF || method == TECHO_CONSENT_METHOD_FHIR
         || method == TECHO_CONSENT_METHOD_CSV || method == TECHO_CONSENT_METHOD_CDA;
}

static gboolean
is_iso_date (const char *text)
{
  int y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  y = atoi (text);
  m = atoi (text + 5);
  d = atoi (text + 8);
  return g_date_valid_dmy (d, m, y);
}

static gboolean
check_text (const char  *text,
            const char  *what,
            GError     **error)
{
  g_autofree char *stripped = text != NULL ? g_strstrip (g_strdup (text)) : NULL;

  if (stripped == NULL || *stripped == '\0')
    {
      g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING,
                   "Say %s before anything is shared.", what);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) ||
      g_utf8_strlen (text, -1) > TECHO_CONSENT_MAX_TEXT)
    {
      g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                   "The %s must be text of at most %d characters.",
                   what, TECHO_CONSENT_MAX_TEXT);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      {
        g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                     "The %s must be one line of text.", what);
        return FALSE;
      }
  return TRUE;
}

void
techo_consent_event_free (TechoConsentEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->event);
  g_free (event->detail);
  g_free (event);
}

TechoConsent *
techo_consent_new (const char         *recipient,
                   const char         *purpose,
                   guint               categories,
                   TechoConsentMethod  method)
{
  TechoConsent *consent = g_new0 (TechoConsent, 1);

  consent->recipient = g_strdup (recipient);
  consent->purpose = g_strdup (purpose);
  consent->categories = categories;
  consent->method = method;
  consent->events = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_consent_event_free);
  return consent;
}

void
techo_consent_free (TechoConsent *consent)
{
  if (consent == NULL)
    return;
  g_free (consent->recipient);
  g_free (consent->purpose);
  g_free (consent->period_from);
  g_free (consent->period_to);
  techo_record_scope_clear (&consent->scope);
  g_clear_pointer (&consent->events, g_ptr_array_unref);
  g_free (consent);
}

TechoConsent *
techo_consent_copy (const TechoConsent *consent)
{
  TechoConsent *copy = techo_consent_new (consent->recipient, consent->purpose,
                                          consent->categories, consent->method);

  copy->id = consent->id;
  copy->created_at = consent->created_at;
  copy->period_from = g_strdup (consent->period_from);
  copy->period_to = g_strdup (consent->period_to);
  techo_record_scope_copy (&consent->scope, &copy->scope);
  copy->expires_at = consent->expires_at;
  copy->revoked_at = consent->revoked_at;
  copy->profile_id = consent->profile_id;
  for (guint i = 0; consent->events != NULL && i < consent->events->len; i++)
    {
      const TechoConsentEvent *e = g_ptr_array_index (consent->events, i);
      TechoConsentEvent *c = g_new0 (TechoConsentEvent, 1);

      c->id = e->id;
      c->at = e->at;
      c->event = g_strdup (e->event);
      c->detail = g_strdup (e->detail);
      g_ptr_array_add (copy->events, c);
    }
  return copy;
}

char *
techo_consent_categories_to_string (guint categories)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    if (categories & (1u << i))
      {
        if (text->len > 0)
          g_string_append_c (text, ',');
        g_string_append (text, techo_category_to_string (i));
      }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

gboolean
techo_consent_categories_parse (const char  *text,
                                guint       *out_categories,
                                GError     **error)
{
  g_auto(GStrv) names = NULL;
  guint categories = 0;

  if (text == NULL || strlen (text) > 256)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "Name the categories as checkup, medication or screening, "
                           "separated by commas.");
      return FALSE;
    }
  names = g_strsplit (text, ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      TechoCategory category;
      const char *name = g_strstrip (names[i]);

      if (*name == '\0')
        continue;
      if (g_strcmp0 (name, "all") == 0)
        categories |= (1u << TECHO_N_CATEGORIES) - 1;
      else if (techo_category_from_string (name, &category))
        categories |= 1u << category;
      else
        {
          g_set_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                       "“%s” is not a category; use checkup, medication or screening.",
                       name);
          return FALSE;
        }
    }
  if (categories == 0)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING,
                           "Choose at least one category to share.");
      return FALSE;
    }
  *out_categories = categories;
  return TRUE;
}

gboolean
techo_consent_has_category (const TechoConsent *consent,
                            TechoCategory       category)
{
  return (consent->categories & (1u << category)) != 0;
}

gboolean
techo_consent_validate (const TechoConsent  *consent,
                        gint64               now,
                        GError             **error)
{
  if (!check_text (consent->recipient, "who receives it (the recipient)", error) ||
      !check_text (consent->purpose, "what it is for (the purpose)", error))
    return FALSE;
  if ((consent->categories & ((1u << TECHO_N_CATEGORIES) - 1)) == 0 ||
      (consent->categories >> TECHO_N_CATEGORIES) != 0)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING,
                           "Choose at least one category to share.");
      return FALSE;
    }
  if ((consent->period_from != NULL && !is_iso_date (consent->period_from)) ||
      (consent->period_to != NULL && !is_iso_date (consent->period_to)))
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "Dates of the period must be written as YYYY-MM-DD.");
      return FALSE;
    }
  if (consent->period_from != NULL && consent->period_to != NULL &&
      strcmp (consent->period_from, consent->period_to) > 0)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "The period ends before it starts.");
      return FALSE;
    }
  if (!techo_record_scope_validate (&consent->scope, error))
    return FALSE;
  if (techo_consent_method_to_string (consent->method) == NULL)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID,
                           "Choose how the records are shared (file, PDF, print, "
                           "visit mode or share link).");
      return FALSE;
    }
  if (consent->method == TECHO_CONSENT_METHOD_SHARE &&
      consent->expires_at <= now)
    {
      g_set_error_literal (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING,
                           "A share link needs an expiry in the future.");
      return FALSE;
    }
  return TRUE;
}

const char *
techo_consent_state (const TechoConsent *consent,
                     gint64              now)
{
  if (consent->revoked_at != 0)
    return "revoked";
  if (consent->expires_at != 0 && now >= consent->expires_at)
    return "expired";
  return "active";
}

gboolean
techo_consent_is_live (const TechoConsent *consent,
                       gint64              now)
{
  return strcmp (techo_consent_state (consent, now), "active") == 0;
}

gboolean
techo_consent_covers_date (const TechoConsent *consent,
                           const char         *date)
{
  if (date == NULL)
    return consent->period_from == NULL && consent->period_to == NULL;
  if (consent->period_from != NULL && strcmp (date, consent->period_from) < 0)
    return FALSE;
  if (consent->period_to != NULL && strcmp (date, consent->period_to) > 0)
    return FALSE;
  return TRUE;
}

static void
add_time (JsonBuilder *builder,
          const char  *member,
          gint64       unix_time)
{
  g_autoptr(GDateTime) time = NULL;
  g_autofree char *text = NULL;

  json_builder_set_member_name (builder, member);
  if (unix_time > 0)
    time = g_date_time_new_from_unix_utc (unix_time);
  if (time != NULL)
    text = g_date_time_format_iso8601 (time);
  if (text != NULL)
    json_builder_add_string_value (builder, text);
  else
    json_builder_add_null_value (builder);
}

static void
add_nullable (JsonBuilder *builder,
              const char  *member,
              const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
techo_consent_to_json (const TechoConsent *consent,
                       gint64              now,
                       JsonBuilder        *builder)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, consent->id);
  add_time (builder, "created_at", consent->created_at);
  add_nullable (builder, "recipient", consent->recipient);
  add_nullable (builder, "purpose", consent->purpose);
  json_builder_set_member_name (builder, "categories");
  json_builder_begin_array (builder);
  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    if (consent->categories & (1u << i))
      json_builder_add_string_value (builder, techo_category_to_string (i));
  json_builder_end_array (builder);
  add_nullable (builder, "period_from", consent->period_from);
  add_nullable (builder, "period_to", consent->period_to);
  {
    g_autofree char *scope = techo_record_scope_to_string (&consent->scope);

    add_nullable (builder, "scope", scope);
  }
  add_nullable (builder, "method", techo_consent_method_to_string (consent->method));
  /* Whose records (the store's profile id); null before schema 11. */
  json_builder_set_member_name (builder, "profile");
  if (consent->profile_id > 0)
    json_builder_add_int_value (builder, consent->profile_id);
  else
    json_builder_add_null_value (builder);
  add_time (builder, "expires_at", consent->expires_at);
  add_time (builder, "revoked_at", consent->revoked_at);
  add_nullable (builder, "state", techo_consent_state (consent, now));
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; consent->events != NULL && i < consent->events->len; i++)
    {
      const TechoConsentEvent *e = g_ptr_array_index (consent->events, i);

      json_builder_begin_object (builder);
      add_time (builder, "at", e->at);
      add_nullable (builder, "event", e->event);
      add_nullable (builder, "detail", e->detail);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
}
