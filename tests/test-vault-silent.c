/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A keyring that never answers — what libsecret sees while a locked
 * keyring waits for its password in a prompt no one fills in — makes the
 * vault give up after $TECHO_KEYRING_TIMEOUT seconds with "unlock the
 * keyring", instead of waiting for ever; and techo-cli status says so with
 * exit 3. The bounded wait itself (TechoDeadline) is checked first.
 *
 * The silent keyring is a name on a private D-Bus (GTestDBus) that takes
 * every method call and answers none. */

#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "techo-thread.h"
#include "techo-vault.h"

/* ---- the deadline -------------------------------------------------------- */

static void
test_deadline (void)
{
  g_autoptr(GCancellable) parent = g_cancellable_new ();
  TechoDeadline *deadline;
  gint64 start;

  /* Runs out: cancelled, and says so. */
  start = g_get_monotonic_time ();
  deadline = techo_deadline_new (NULL, 1);
  while (!g_cancellable_is_cancelled (techo_deadline_get_cancellable (deadline))
         && g_get_monotonic_time () - start < 10 * G_USEC_PER_SEC)
    g_usleep (10000);
  g_assert_true (g_cancellable_is_cancelled (techo_deadline_get_cancellable (deadline)));
  g_assert_true (techo_deadline_expired (deadline));
  g_assert_cmpint (g_get_monotonic_time () - start, >=, G_USEC_PER_SEC - 20000);
  techo_deadline_free (deadline);

  /* The caller's cancellation passes through and is not an expiry. */
  deadline = techo_deadline_new (parent, 60);
  g_cancellable_cancel (parent);
  g_assert_true (g_cancellable_is_cancelled (techo_deadline_get_cancellable (deadline)));
  g_assert_false (techo_deadline_expired (deadline));
  techo_deadline_free (deadline);

  /* Done in time: freeing it stops the timer at once, nothing cancelled. */
  start = g_get_monotonic_time ();
  deadline = techo_deadline_new (NULL, 60);
  g_assert_false (g_cancellable_is_cancelled (techo_deadline_get_cancellable (deadline)));
  techo_deadline_free (deadline);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

/* ---- a keyring that never answers ---------------------------------------- */

static GDBusMessage *
swallow_cb (GDBusConnection *connection,
            GDBusMessage    *message,
            gboolean         incoming,
            gpointer         user_data)
{
  guint *n_calls = user_data;

  if (incoming && g_dbus_message_get_message_type (message) == G_DBUS_MESSAGE_TYPE_METHOD_CALL)
    {
      g_atomic_int_inc (n_calls);
      g_object_unref (message);
      return NULL; /* taken, never answered */
    }
  return message;
}

typedef struct
{
  GError *error;
  char *secret;
  gboolean done;
} Lookup;

static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Lookup *lookup = task_data;
  g_autoptr(TechoVault) vault = techo_vault_new ("/tmp/techo-vault-silent");

  lookup->secret = techo_vault_lookup_secret (vault, "store", "key", NULL, &lookup->error);
  g_atomic_int_set (&lookup->done, TRUE);
  g_main_context_wakeup (NULL);
}

static void
test_silent_keyring (void)
{
  g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_autoptr(GDBusConnection) owner = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *cli = g_build_filename (g_getenv ("TECHO_BUILD_ROOT"), "src", "cli",
                                           "techo-cli", NULL);
  g_autofree char *dir = g_dir_make_tmp ("techo-silent-XXXXXX", NULL);
  const char *argv[] = { cli, "--data-dir", dir, "status", NULL };
  Lookup lookup = { NULL };
  guint n_calls = 0;
  int status = 0;
  gint64 start;

  /* A keyring store made through the session's real keyring first. */
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                               NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);

  /* From here on the session bus is a private one whose keyring is silent. */
  g_test_dbus_up (bus);
  owner = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                  G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                  | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                  NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_add_filter (owner, swallow_cb, &n_calls, NULL);
  reply = g_dbus_connection_call_sync (owner, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "RequestName",
                                       g_variant_new ("(su)", "org.freedesktop.secrets", 4u),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);

  g_setenv ("TECHO_KEYRING_TIMEOUT", "2", TRUE);
  start = g_get_monotonic_time ();
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_task_data (task, &lookup, NULL);
  g_task_run_in_thread (task, lookup_thread);
  while (!g_atomic_int_get (&lookup.done) && g_get_monotonic_time () - start < 60 * G_USEC_PER_SEC)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (lookup.done);
  g_assert_null (lookup.secret);
  g_assert_error (lookup.error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_UNAVAILABLE);
  g_test_message ("%s", lookup.error->message);
  g_assert_nonnull (strstr (lookup.error->message, "did not answer"));
  g_assert_cmpuint (g_atomic_int_get (&n_calls), >, 0);
  /* Two seconds, give or take the machine: not for ever. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  g_clear_error (&lookup.error);

  /* techo-cli status on a keyring store behind the same silent keyring:
   * exit 3 (store locked) with the sentence that says to unlock it. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    start = g_get_monotonic_time ();
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_no_error (error);
    g_test_message ("status: %s", err);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 3);
    g_assert_nonnull (strstr (err, "keyring"));
    g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
  }

  g_dbus_connection_close_sync (owner, NULL, NULL);
  g_test_dbus_down (bus);
  /* The store's key stays in the real keyring of the test session; the
   * folder goes (the key is harmless without it). */
  {
    g_autofree char *db = g_build_filename (dir, "techo.db", NULL);
    g_autofree char *mode = g_build_filename (dir, "techo.mode", NULL);

    g_unlink (db);
    g_unlink (mode);
    g_rmdir (dir);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vault/deadline", test_deadline);
  g_test_add_func ("/vault/silent-keyring", test_silent_keyring);
  return g_test_run ();
}
