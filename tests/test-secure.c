/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <string.h>

#include "techo-secure.h"

static void
test_random_bytes_differ (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  /* 1,000 keys of 32 bytes: any repeat would mean a broken source. */
  for (int i = 0; i < 1000; i++)
    {
      guint8 key[32] = { 0 };
      g_autoptr(GError) error = NULL;
      char *hex;

      g_assert_true (techo_random_bytes (key, sizeof key, &error));
      g_assert_no_error (error);
      hex = techo_hex_encode (key, sizeof key);
      g_assert_cmpuint (strlen (hex), ==, 64);
      g_assert_false (g_hash_table_contains (seen, hex));
      g_hash_table_add (seen, hex);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 1000);
}

static void
test_random_bytes_not_constant (void)
{
  guint8 buffer[4096] = { 0 };
  guint counts[256] = { 0 };

  g_assert_true (techo_random_bytes (buffer, sizeof buffer, NULL));
  for (gsize i = 0; i < sizeof buffer; i++)
    counts[buffer[i]]++;
  /* With 4096 uniform bytes each value appears ~16 times; a value seen 80
   * times or more would be astronomically unlikely. */
  for (int v = 0; v < 256; v++)
    g_assert_cmpuint (counts[v], <, 80);
}

static void
test_hex_round_trip (void)
{
  const guint8 data[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };
  g_autofree char *hex = techo_hex_encode (data, sizeof data);
  g_autofree guint8 *back = NULL;
  gsize length = 0;

  g_assert_cmpstr (hex, ==, "0001abff7f");
  back = techo_hex_decode (hex, &length);
  g_assert_nonnull (back);
  g_assert_cmpmem (back, length, data, sizeof data);

  g_assert_null (techo_hex_decode ("abc", NULL));
  g_assert_null (techo_hex_decode ("zz", NULL));
  g_assert_null (techo_hex_decode (NULL, NULL));
}

static void
test_base64url (void)
{
  const guint8 data[] = { 0xfb, 0xff, 0xfe, 0x01 };
  g_autofree char *text = techo_base64url_encode (data, sizeof data);
  g_autofree guint8 *back = NULL;
  gsize length = 0;

  /* Standard base64 would be "+//+AQ==". */
  g_assert_cmpstr (text, ==, "-__-AQ");
  back = techo_base64url_decode (text, &length);
  g_assert_cmpmem (back, length, data, sizeof data);
  g_assert_null (techo_base64url_decode ("a+b/", NULL));
  g_assert_null (techo_base64url_decode ("abcde", NULL));
}

static void
test_token_length (void)
{
  g_autofree char *token = techo_random_token (32, NULL);

  /* 32 bytes → 43 base64url characters, no padding. */
  g_assert_cmpuint (strlen (token), ==, 43);
  g_assert_null (strchr (token, '='));
}

static void
test_wipe (void)
{
  char secret[] = "correct horse battery staple";
  char *heap = g_strdup ("token-value");

  techo_wipe (secret, strlen (secret));
  for (gsize i = 0; i < sizeof secret - 1; i++)
    g_assert_cmpint (secret[i], ==, 0);
  techo_wipe_free (heap);
  techo_wipe_free (NULL);
}

static void
test_secure_equal (void)
{
  g_assert_true (techo_secure_equal ("abc", "abc"));
  g_assert_false (techo_secure_equal ("abc", "abd"));
  g_assert_false (techo_secure_equal ("abc", "abcd"));
  g_assert_false (techo_secure_equal (NULL, "abc"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/secure/random-bytes-differ", test_random_bytes_differ);
  g_test_add_func ("/secure/random-bytes-not-constant", test_random_bytes_not_constant);
  g_test_add_func ("/secure/hex-round-trip", test_hex_round_trip);
  g_test_add_func ("/secure/base64url", test_base64url);
  g_test_add_func ("/secure/token-length", test_token_length);
  g_test_add_func ("/secure/wipe", test_wipe);
  g_test_add_func ("/secure/secure-equal", test_secure_equal);
  return g_test_run ();
}
