/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's PIN on a real keyring store: the KDF's parameters and
 * salt, a wrong PIN refused and counted, the right one accepted and the
 * count reset, the growing wait from the fifth wrong try, kept across a
 * restart, and removing the PIN. */

#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "techo-secure.h"
#include "techo-store.h"
#include "techo-test-util.h"

static void
test_kdf (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = techo_owner_pin_hash ("2468", &error);
  g_autofree char *b = techo_owner_pin_hash ("2468", NULL);
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *key = NULL;
  gsize salt_length = 0, key_length = 0;
  const char *refused[] = { NULL, "", "123", "12a4", "1234567890123", "１２３４" };

  g_assert_no_error (error);
  /* scrypt, N = 2^15, r = 8, p = 1, 16 bytes of salt, 32 of key. */
  parts = g_strsplit (a, "$", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 6);
  g_assert_cmpstr (parts[0], ==, "scrypt");
  g_assert_cmpstr (parts[1], ==, "15");
  g_assert_cmpstr (parts[2], ==, "8");
  g_assert_cmpstr (parts[3], ==, "1");
  salt = techo_base64url_decode (parts[4], &salt_length);
  key = techo_base64url_decode (parts[5], &key_length);
  g_assert_cmpuint (salt_length, ==, 16);
  g_assert_cmpuint (key_length, ==, 32);
  /* The same PIN hashes differently each time (a fresh salt), and the
   * key is scrypt's with those parameters. */
  g_assert_cmpstr (a, !=, b);
  {
    guint8 expected[32];

    g_assert_cmpint (EVP_PBE_scrypt ("2468", 4, salt, salt_length, 1 << 15, 8, 1,
                                     64 * 1024 * 1024, expected, sizeof expected), ==, 1);
    g_assert_cmpmem (expected, sizeof expected, key, key_length);
  }
  g_assert_true (techo_owner_pin_verify (a, "2468"));
  g_assert_true (techo_owner_pin_verify (b, "2468"));
  g_assert_false (techo_owner_pin_verify (a, "2469"));
  g_assert_false (techo_owner_pin_verify (a, ""));
  /* A weaker hash (N = 2^10) is not accepted even with the right PIN. */
  {
    guint8 weak[32];
    g_autofree char *salt64 = techo_base64url_encode (salt, salt_length);
    g_autofree char *key64 = NULL;
    g_autofree char *encoded = NULL;

    g_assert_cmpint (EVP_PBE_scrypt ("2468", 4, salt, salt_length, 1 << 10, 8, 1,
                                     64 * 1024 * 1024, weak, sizeof weak), ==, 1);
    key64 = techo_base64url_encode (weak, sizeof weak);
    encoded = g_strdup_printf ("scrypt$10$8$1$%s$%s", salt64, key64);
    g_assert_false (techo_owner_pin_verify (encoded, "2468"));
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_false (techo_owner_pin_is_valid (refused[i]));
      if (refused[i] != NULL)
        g_assert_null (techo_owner_pin_hash (refused[i], &e));
      g_assert_true (refused[i] == NULL || e != NULL);
    }
  /* The wait: none for four wrong tries, then 30 s doubling, at most an hour. */
  g_assert_cmpint (techo_owner_pin_delay (0), ==, 0);
  g_assert_cmpint (techo_owner_pin_delay (4), ==, 0);
  g_assert_cmpint (techo_owner_pin_delay (5), ==, 30);
  g_assert_cmpint (techo_owner_pin_delay (6), ==, 60);
  g_assert_cmpint (techo_owner_pin_delay (7), ==, 120);
  g_assert_cmpint (techo_owner_pin_delay (30), ==, 3600);
}

static TechoOwnerPinResult
check (TechoStore *store,
       const char *pin)
{
  g_autoptr(GError) error = NULL;
  TechoOwnerPinResult result = { 0 };

  g_assert_true (techo_store_check_owner_pin_sync (store, pin, &result, NULL, &error));
  g_assert_no_error (error);
  return result;
}

static void
test_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-pin-XXXXXX", &error);
  g_autoptr(TechoStore) store = techo_store_new (dir);
  TechoOwnerPinResult r;

  g_assert_no_error (error);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (techo_store_get_mode (store), ==, TECHO_STORE_MODE_KEYRING);

  /* None yet: nothing to check. */
  g_assert_cmpint (check (store, NULL).check, ==, TECHO_OWNER_PIN_NOT_SET);
  g_assert_cmpint (check (store, "1234").check, ==, TECHO_OWNER_PIN_NOT_SET);
  g_assert_false (techo_store_set_owner_pin_sync (store, "12", NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_true (techo_store_set_owner_pin_sync (store, "2468", NULL, &error));
  g_assert_no_error (error);

  /* Asked without a PIN: needed, not counted. Wrong: refused, counted. */
  r = check (store, NULL);
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_NEEDED);
  g_assert_cmpuint (r.failures, ==, 0);
  r = check (store, "1111");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_WRONG);
  g_assert_cmpuint (r.failures, ==, 1);
  r = check (store, "2469");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_WRONG);
  g_assert_cmpuint (r.failures, ==, 2);
  g_assert_cmpint (r.wait_seconds, ==, 0);
  /* Right: accepted, the count back to zero. */
  r = check (store, "2468");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_RIGHT);
  g_assert_cmpuint (r.failures, ==, 0);
  g_assert_cmpuint (check (store, NULL).failures, ==, 0);

  /* Five wrong in a row: the fifth says to wait 30 s; then even the
   * right PIN is not taken (nor counted) until the wait is over. */
  for (guint i = 1; i <= 5; i++)
    {
      r = check (store, "0000");
      g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_WRONG);
      g_assert_cmpuint (r.failures, ==, i);
    }
  g_assert_cmpint (r.wait_seconds, ==, 30);
  r = check (store, "2468");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_WAIT);
  g_assert_cmpuint (r.failures, ==, 5);
  g_assert_cmpint (r.wait_seconds, >, 0);
  g_assert_cmpint (r.wait_seconds, <=, 30);

  /* A restart changes nothing: the count and the wait are in the store. */
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_clear_object (&store);
  store = techo_store_new (dir);
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  r = check (store, "2468");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_WAIT);
  g_assert_cmpuint (r.failures, ==, 5);
  g_assert_cmpint (r.wait_seconds, >, 0);

  /* Setting a new PIN starts the count again; removing it leaves none. */
  g_assert_true (techo_store_set_owner_pin_sync (store, "13579", NULL, &error));
  r = check (store, "13579");
  g_assert_cmpint (r.check, ==, TECHO_OWNER_PIN_RIGHT);
  g_assert_true (techo_store_set_owner_pin_sync (store, NULL, NULL, &error));
  g_assert_cmpint (check (store, "13579").check, ==, TECHO_OWNER_PIN_NOT_SET);

  g_assert_true (techo_store_close_sync (store, NULL, &error));
  {
    g_autoptr(TechoVault) vault = techo_vault_new (dir);

    techo_vault_clear_all (vault, NULL, NULL);
  }
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/owner-pin/kdf", test_kdf);
  g_test_add_func ("/owner-pin/store", test_store);
  return g_test_run ();
}
