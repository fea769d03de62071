/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The vault against the real Secret Service of the test session. */

#include "config.h"

#include "techo-secure.h"
#include "techo-vault.h"

static void
test_round_trip (void)
{
  g_autoptr(TechoVault) vault = techo_vault_new ("/tmp/techo-vault-test/a/../a");
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) secret = NULL;

  /* The data dir is made absolute and canonical. */
  g_assert_cmpstr (techo_vault_get_data_dir (vault), ==, "/tmp/techo-vault-test/a");

  g_assert_true (techo_vault_store_secret (vault, "oauth", "refresh", "r1", NULL, &error));
  g_assert_no_error (error);
  secret = techo_vault_lookup_secret (vault, "oauth", "refresh", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "r1");
  g_clear_pointer (&secret, techo_wipe_free);

  /* Storing again replaces. */
  g_assert_true (techo_vault_store_secret (vault, "oauth", "refresh", "r2", NULL, &error));
  secret = techo_vault_lookup_secret (vault, "oauth", "refresh", NULL, &error);
  g_assert_cmpstr (secret, ==, "r2");
  g_clear_pointer (&secret, techo_wipe_free);

  /* Absent: NULL without an error; clearing twice is fine. */
  g_assert_true (techo_vault_clear_secret (vault, "oauth", "refresh", NULL, &error));
  g_assert_no_error (error);
  secret = techo_vault_lookup_secret (vault, "oauth", "refresh", NULL, &error);
  g_assert_no_error (error);
  g_assert_null (secret);
  g_assert_true (techo_vault_clear_secret (vault, "oauth", "refresh", NULL, &error));
  g_assert_no_error (error);
}

static void
test_isolation (void)
{
  g_autoptr(TechoVault) a = techo_vault_new ("/tmp/techo-vault-test/one");
  g_autoptr(TechoVault) b = techo_vault_new ("/tmp/techo-vault-test/two");
  g_autoptr(GError) error = NULL;
  g_auto(TechoSecret) secret = NULL;

  g_assert_true (techo_vault_store_secret (a, "oauth", "access", "from-a", NULL, &error));
  g_assert_true (techo_vault_store_secret (a, "oauth", "refresh", "from-a-2", NULL, &error));
  g_assert_true (techo_vault_store_secret (b, "oauth", "access", "from-b", NULL, &error));
  g_assert_no_error (error);

  secret = techo_vault_lookup_secret (b, "oauth", "access", NULL, &error);
  g_assert_cmpstr (secret, ==, "from-b");
  g_clear_pointer (&secret, techo_wipe_free);

  /* clear_all takes every item of one data dir, and only those. */
  g_assert_true (techo_vault_clear_all (a, NULL, &error));
  g_assert_no_error (error);
  secret = techo_vault_lookup_secret (a, "oauth", "access", NULL, &error);
  g_assert_null (secret);
  secret = techo_vault_lookup_secret (a, "oauth", "refresh", NULL, &error);
  g_assert_null (secret);
  secret = techo_vault_lookup_secret (b, "oauth", "access", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "from-b");
  g_assert_true (techo_vault_clear_all (b, NULL, &error));
}

static void
test_invalid (void)
{
  g_autoptr(TechoVault) vault = techo_vault_new ("/tmp/techo-vault-test/x");
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_assert_false (techo_vault_store_secret (vault, "", "n", "s", NULL, &error));
  g_assert_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (techo_vault_store_secret (vault, "k", "n", "", NULL, &error));
  g_assert_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (techo_vault_lookup_secret (vault, "k", NULL, NULL, &error));
  g_assert_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID);
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (techo_vault_store_secret (vault, "k", "n", "s", cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/vault/round-trip", test_round_trip);
  g_test_add_func ("/store/vault/isolation", test_isolation);
  g_test_add_func ("/store/vault/invalid", test_invalid);

  return g_test_run ();
}
