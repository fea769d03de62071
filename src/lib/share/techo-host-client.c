/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The desktop side of a share host. */

#define G_LOG_DOMAIN "techo-host-client"

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "techo-host-client.h"
#include "techo-json.h"

static char *
iso_time (gint64 seconds)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (seconds);

  return t != NULL ? g_date_time_format (t, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

char *
techo_host_bundle_with_consent (const char          *bundle_json,
                                const TechoConsent  *consent,
                                GError             **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) entry = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *full_url = g_strconcat ("urn:uuid:", uuid, NULL);
  g_autofree char *start = iso_time (consent->created_at > 0 ? consent->created_at
                                                             : g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *end = consent->expires_at > 0 ? iso_time (consent->expires_at) : NULL;
  JsonObject *bundle;
  JsonArray *entries;

  root = techo_json_parse_bounded (bundle_json, strlen (bundle_json), NULL, error);
  if (root == NULL)
    return NULL;
  bundle = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  entries = techo_json_get_array (bundle, "entry");
  if (entries == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "The export is not a FHIR Bundle with entries.");
      return NULL;
    }

  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "fullUrl", full_url);
  json_builder_set_member_name (b, "resource");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "resourceType", "Consent");
  techo_json_builder_add_string (b, "status", "active");
  json_builder_set_member_name (b, "scope");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system",
                                 "http://terminology.hl7.org/CodeSystem/consentscope");
  techo_json_builder_add_string (b, "code", "patient-privacy");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "category");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system", "http://loinc.org");
  techo_json_builder_add_string (b, "code", "59284-0");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  techo_json_builder_add_string (b, "dateTime", start);
  json_builder_set_member_name (b, "provision");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "type", "permit");
  json_builder_set_member_name (b, "period");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "start", start);
  techo_json_builder_add_string (b, "end", end);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "actor");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "role");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "coding");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "system",
                                 "http://terminology.hl7.org/CodeSystem/v3-ParticipationType");
  techo_json_builder_add_string (b, "code", "IRCP");
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "reference");
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "display", consent->recipient);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "purpose");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  techo_json_builder_add_string (b, "display", consent->purpose);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  entry = json_builder_get_root (b);
  json_array_add_element (entries, g_steal_pointer (&entry));
  return techo_json_node_to_string (root, FALSE);
}
