/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test-store-reminders: the reminders sent today, remembered in the store
 * (keyring store, real SQLCipher): a claim returns only what was not sent
 * on that day, per person; the next day starts afresh; the rows go with
 * the store, the mark survives closing and opening it. */

#define G_LOG_DOMAIN "test-store-reminders"

#include "config.h"

#include "techo-store.h"
#include "techo-test-util.h"

static gint64
add_person (TechoStore *store,
            const char *subject)
{
  g_autoptr(TechoProfile) profile = techo_profile_new ();
  g_autoptr(GError) error = NULL;
  gint64 id = 0;

  profile->issuer = g_strdup ("https://portal.test");
  profile->subject = g_strdup (subject);
  g_assert_true (techo_store_ensure_profile_sync (store, profile, &id, NULL, &error));
  g_assert_no_error (error);
  return id;
}

static char *
claim (TechoStore         *store,
       gint64              person,
       const char         *day,
       const char * const *ids)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unsent = techo_store_claim_reminders_sync (store, person, day, ids, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (unsent);
  return g_strjoinv (",", unsent);
}

static void
test_claim (void)
{
  g_autofree char *dir = g_dir_make_tmp ("techo-store-reminders-XXXXXX", NULL);
  g_autoptr(TechoStore) store = techo_store_new (dir);
  g_autoptr(GError) error = NULL;
  const char *both[] = { "screening-stomach", "medicines-running-out", NULL };
  const char *one[] = { "screening-stomach", NULL };
  gint64 hanako, taro;
  char *got;

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  hanako = add_person (store, "hanako");
  taro = add_person (store, "taro");

  got = claim (store, hanako, "2025-09-01", both);
  g_assert_cmpstr (got, ==, "screening-stomach,medicines-running-out");
  g_free (got);
  /* The same day: nothing again, in whatever order and subset. */
  got = claim (store, hanako, "2025-09-01", one);
  g_assert_cmpstr (got, ==, "");
  g_free (got);
  /* Another person is reminded of their own. */
  got = claim (store, taro, "2025-09-01", one);
  g_assert_cmpstr (got, ==, "screening-stomach");
  g_free (got);

  /* Closed and opened again (a later run the same day): remembered. */
  g_assert_true (techo_store_close_sync (store, NULL, &error));
  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_no_error (error);
  got = claim (store, hanako, "2025-09-01", both);
  g_assert_cmpstr (got, ==, "");
  g_free (got);

  /* The next day: all of them again, and yesterday's rows are gone. */
  got = claim (store, hanako, "2025-09-02", one);
  g_assert_cmpstr (got, ==, "screening-stomach");
  g_free (got);
  got = claim (store, hanako, "2025-09-02", both);
  g_assert_cmpstr (got, ==, "medicines-running-out");
  g_free (got);

  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  g_assert_no_error (error);
  techo_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/reminders/claim", test_claim);
  return g_test_run ();
}
