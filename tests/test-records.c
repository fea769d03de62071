/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include "techo-records.h"

static void
test_categories (void)
{
  TechoCategory category = TECHO_N_CATEGORIES;

  for (guint i = 0; i < TECHO_N_CATEGORIES; i++)
    {
      const char *name = techo_category_to_string (i);

      g_assert_true (techo_category_from_string (name, &category));
      g_assert_cmpuint (category, ==, i);
    }
  g_assert_cmpstr (techo_category_to_string (TECHO_CATEGORY_MEDICATION), ==, "medication");
  g_assert_false (techo_category_from_string ("prescriptions", &category));
  g_assert_false (techo_category_from_string (NULL, &category));
}

static void
test_value_types (void)
{
  TechoValueType type = TECHO_VALUE_ST;

  g_assert_true (techo_value_type_from_string ("PQ", &type));
  g_assert_cmpint (type, ==, TECHO_VALUE_PQ);
  g_assert_true (techo_value_type_from_string ("CO", &type));
  g_assert_cmpint (type, ==, TECHO_VALUE_CO);
  g_assert_false (techo_value_type_from_string ("pq", &type));
}

/* Origins: one spelling, read back as written; the store, FHIR and CSV
 * all go through this pair. */
static void
test_origins (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  TechoOrigin origin = TECHO_N_ORIGINS;

  for (guint i = 0; i < TECHO_N_ORIGINS; i++)
    {
      const char *name = techo_origin_to_string (i);

      g_assert_nonnull (name);
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, (gpointer) name);
      g_assert_true (techo_origin_from_string (name, &origin));
      g_assert_cmpuint (origin, ==, i);
    }
  g_assert_cmpstr (techo_origin_to_string (TECHO_ORIGIN_PORTAL), ==, "portal");
  g_assert_cmpstr (techo_origin_to_string (TECHO_ORIGIN_FILE), ==, "file");
  g_assert_cmpstr (techo_origin_to_string (TECHO_ORIGIN_MANUAL), ==, "manual");
  origin = TECHO_ORIGIN_FILE;
  g_assert_false (techo_origin_from_string ("Portal", &origin));
  g_assert_false (techo_origin_from_string ("", &origin));
  g_assert_false (techo_origin_from_string (NULL, &origin));
  g_assert_cmpuint (origin, ==, TECHO_ORIGIN_FILE);
}

static void
test_checkup_find_item (void)
{
  g_autoptr(TechoCheckup) checkup = techo_checkup_new ();
  TechoItem *item = techo_item_new ();
  g_autoptr(TechoItem) copy = NULL;

  item->code = g_strdup ("3D046000001906202");
  item->type = TECHO_VALUE_PQ;
  item->value = g_strdup ("6.6");
  item->unit = g_strdup ("%");
  g_ptr_array_add (checkup->items, item);

  g_assert_true (techo_checkup_find_item (checkup, "3D046000001906202") == item);
  g_assert_null (techo_checkup_find_item (checkup, "9N001000000000001"));

  copy = techo_item_copy (item);
  g_assert_cmpstr (copy->value, ==, "6.6");
  g_assert_true (copy->value != item->value);
}

/* The consent's scope: one text form, read back as written; anything
 * else refused with a reason. */
static void
test_scope (void)
{
  g_auto(TechoRecordScope) scope = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *refused[] = {
    "checkups=0", "checkups=100", "checkups=x", "cancers=", "cancers=liver",
    "medicines=current:2025-02-30", "medicines=all", "checkups=2;checkups=3", "colour=red",
  };

  g_assert_true (techo_record_scope_parse (NULL, &scope, &error));
  g_assert_true (techo_record_scope_is_whole (&scope));
  g_assert_null (techo_record_scope_to_string (&scope));
  g_assert_true (techo_record_scope_parse ("checkups=3;cancers=colorectal,lung;"
                                           "medicines=current:2025-05-25", &scope, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (scope.last_checkups, ==, 3);
  g_assert_true (techo_record_scope_has_cancer (&scope, "lung"));
  g_assert_false (techo_record_scope_has_cancer (&scope, "stomach"));
  g_assert_cmpstr (scope.current_on, ==, "2025-05-25");
  text = techo_record_scope_to_string (&scope);
  g_assert_cmpstr (text, ==, "checkups=3;cancers=colorectal,lung;medicines=current:2025-05-25");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_clear_error (&error);
      g_assert_false (techo_record_scope_parse (refused[i], &scope, &error));
      g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
      g_assert_true (techo_record_scope_is_whole (&scope));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/records/categories", test_categories);
  g_test_add_func ("/records/scope", test_scope);
  g_test_add_func ("/records/value-types", test_value_types);
  g_test_add_func ("/records/origins", test_origins);
  g_test_add_func ("/records/checkup-find-item", test_checkup_find_item);
  return g_test_run ();
}
