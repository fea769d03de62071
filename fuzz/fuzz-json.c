/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz-json: the bounded JSON parser and the portal record readers under
 * libFuzzer. Any input must either be refused with a TECHO_JSON_ERROR or
 * parsed; a parsed result page is read as records of each category, and
 * every record read must write back to JSON and read again. */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "techo-json.h"
#include "techo-records-json.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_records_round_trip (TechoCategory  category,
                          GPtrArray     *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(GPtrArray) again = NULL;
      g_autoptr(GError) error = NULL;

      techo_record_to_json (category, g_ptr_array_index (records, i), builder);
      node = json_builder_get_root (builder);
      json_array_add_element (array, g_steal_pointer (&node));
      again = techo_records_from_json_array (category, array, 1, &error);
      if (again == NULL || again->len != 1)
        abort ();
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *page;
  JsonArray *records;

  root = techo_json_parse_bounded ((const char *) data, size, NULL, &error);
  if (root == NULL)
    {
      if (error == NULL || error->domain != TECHO_JSON_ERROR || error->message[0] == '\0')
        abort ();
      return 0;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return 0;

  page = json_node_get_object (root);
  if (json_object_has_member (page, "records")
      && JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "records")))
    {
      records = json_object_get_array_member (page, "records");
      for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
        {
          g_autoptr(GError) record_error = NULL;
          g_autoptr(GPtrArray) read = techo_records_from_json_array (c, records, 1000,
                                                                      &record_error);

          if (read == NULL)
            {
              if (record_error == NULL || record_error->message[0] == '\0')
                abort ();
              continue;
            }
          check_records_round_trip (c, read);
        }
    }
  else
    {
      g_autoptr(GError) profile_error = NULL;
      g_autoptr(TechoProfile) profile = techo_profile_from_json (page, &profile_error);

      if (profile == NULL && (profile_error == NULL || profile_error->message[0] == '\0'))
        abort ();
    }
  return 0;
}
