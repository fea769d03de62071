/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's PIN: scrypt through libcrypto, its row in the store and
 * the count of wrong tries. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include <openssl/evp.h>

#include "techo-owner-pin.h"
#include "techo-secure.h"
#include "techo-store-private.h"

#define SALT_LENGTH 16
#define KEY_LENGTH  32
/* scrypt's memory: 128 · r · N = 32 MiB at N = 2^15, r = 8; room for that. */
#define MAX_MEMORY  (64 * 1024 * 1024)

gboolean
techo_owner_pin_is_valid (const char *pin)
{
  gsize length;

  if (pin == NULL)
    return FALSE;
  length = strlen (pin);
  if (length < TECHO_OWNER_PIN_MIN_LENGTH || length > TECHO_OWNER_PIN_MAX_LENGTH)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static gboolean
derive (const char   *pin,
        const guint8 *salt,
        gsize         salt_length,
        guint         log_n,
        guint         r,
        guint         p,
        guint8       *key)
{
  return EVP_PBE_scrypt (pin, strlen (pin), salt, salt_length, (guint64) 1 << log_n, r, p,
                         MAX_MEMORY, key, KEY_LENGTH) == 1;
}

char *
techo_owner_pin_hash (const char  *pin,
                      GError     **error)
{
  guint8 salt[SALT_LENGTH], key[KEY_LENGTH];
  g_autofree char *salt64 = NULL;
  g_autofree char *key64 = NULL;

  if (!techo_owner_pin_is_valid (pin))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "A PIN is %d to %d digits.", TECHO_OWNER_PIN_MIN_LENGTH,
                   TECHO_OWNER_PIN_MAX_LENGTH);
      return NULL;
    }
  if (!techo_random_bytes (salt, sizeof salt, error))
    return NULL;
  if (!derive (pin, salt, sizeof salt, TECHO_OWNER_PIN_LOG_N, TECHO_OWNER_PIN_R,
               TECHO_OWNER_PIN_P, key))
    {
      g_set_error_literal (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                           "The PIN could not be hashed (scrypt failed).");
      return NULL;
    }
  salt64 = techo_base64url_encode (salt, sizeof salt);
  key64 = techo_base64url_encode (key, sizeof key);
  techo_wipe (key, sizeof key);
  return g_strdup_printf ("scrypt$%u$%u$%u$%s$%s", TECHO_OWNER_PIN_LOG_N, TECHO_OWNER_PIN_R,
                          TECHO_OWNER_PIN_P, salt64, key64);
}

gboolean
techo_owner_pin_verify (const char *encoded,
                        const char *pin)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  gsize salt_length = 0, key_length = 0;
  guint64 log_n, r, p;
  guint8 key[KEY_LENGTH];
  guint8 diff = 0;

  if (encoded == NULL || pin == NULL || strlen (encoded) > 200)
    return FALSE;
  parts = g_strsplit (encoded, "$", -1);
  /* The parameters are read back, but never below what Techo sets. */
  if (g_strv_length (parts) != 6 || strcmp (parts[0], "scrypt") != 0 ||
      !g_ascii_string_to_unsigned (parts[1], 10, TECHO_OWNER_PIN_LOG_N, 20, &log_n, NULL) ||
      !g_ascii_string_to_unsigned (parts[2], 10, TECHO_OWNER_PIN_R, 16, &r, NULL) ||
      !g_ascii_string_to_unsigned (parts[3], 10, 1, 4, &p, NULL))
    return FALSE;
  salt = techo_base64url_decode (parts[4], &salt_length);
  expected = techo_base64url_decode (parts[5], &key_length);
  if (salt == NULL || expected == NULL || salt_length < 8 || key_length != KEY_LENGTH)
    return FALSE;
  if (!derive (pin, salt, salt_length, (guint) log_n, (guint) r, (guint) p, key))
    return FALSE;
  for (gsize i = 0; i < KEY_LENGTH; i++)
    diff |= key[i] ^ expected[i];
  techo_wipe (key, sizeof key);
  return diff == 0;
}

gint64
techo_owner_pin_delay (guint failures)
{
  gint64 wait = TECHO_OWNER_PIN_FIRST_WAIT;

  if (failures <= TECHO_OWNER_PIN_FREE_TRIES)
    return 0;
  for (guint i = TECHO_OWNER_PIN_FREE_TRIES + 1; i < failures && wait < TECHO_OWNER_PIN_MAX_WAIT; i++)
    wait *= 2;
  return MIN (wait, TECHO_OWNER_PIN_MAX_WAIT);
}

/* ---- jobs (store thread) --------------------------------------------------- */

static gpointer
set_job (TechoStore    *self,
         TechoSqlite   *db,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  const char *pin = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *hash = NULL;

  if (pin != NULL && (hash = techo_owner_pin_hash (pin, error)) == NULL)
    return NULL;
  if (!techo_sqlite_exec (db, "DELETE FROM owner_pin", &local_error))
    goto failed;
  if (hash == NULL)
    return TECHO_STORE_DONE;
  s = techo_sqlite_prepare (db, "INSERT INTO owner_pin (id, hash, set_at, failures) "
                                "VALUES (1, ?1, ?2, 0)", &local_error);
  if (s == NULL)
    goto failed;
  techo_sqlite_bind_text (s, 1, hash);
  techo_sqlite_bind_int64 (s, 2, techo_store_now ());
  if (!techo_sqlite_step_done (s, &local_error))
    goto failed;
  return TECHO_STORE_DONE;

failed:
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "set the PIN");
  return NULL;
}

static gboolean
write_failures (TechoSqlite  *db,
                guint         failures,
                gint64        at,
                GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  s = techo_sqlite_prepare (db, "UPDATE owner_pin SET failures = ?1, last_failure_at = ?2 "
                                "WHERE id = 1", error);
  if (s == NULL)
    return FALSE;
  techo_sqlite_bind_int64 (s, 1, failures);
  if (at > 0)
    techo_sqlite_bind_int64 (s, 2, at);
  else
    techo_sqlite_bind_null (s, 2);
  return techo_sqlite_step_done (s, error);
}

static gpointer
check_job (TechoStore    *self,
           TechoSqlite   *db,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  const char *pin = data;
  g_autoptr(TechoSqliteStatement) s = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree TechoOwnerPinResult *out = g_new0 (TechoOwnerPinResult, 1);
  g_autofree char *hash = NULL;
  gint64 last = 0, now = techo_store_now ();
  guint failures;

  s = techo_sqlite_prepare (db, "SELECT hash, failures, last_failure_at FROM owner_pin "
                                "WHERE id = 1", &local_error);
  if (s == NULL)
    goto failed;
  if (!techo_sqlite_step (s, &local_error))
    {
      if (local_error != NULL)
        goto failed;
      out->check = TECHO_OWNER_PIN_NOT_SET;
      return g_steal_pointer (&out);
    }
  hash = techo_sqlite_column_dup_text (s, 0);
  failures = (guint) techo_sqlite_column_int64 (s, 1);
  if (!techo_sqlite_column_is_null (s, 2))
    last = techo_sqlite_column_int64 (s, 2);
  g_clear_pointer (&s, techo_sqlite_statement_free);
  out->failures = failures;
  out->wait_seconds = MAX (0, last + techo_owner_pin_delay (failures) - now);
  if (pin == NULL)
    {
      out->check = TECHO_OWNER_PIN_NEEDED;
      return g_steal_pointer (&out);
    }
  if (out->wait_seconds > 0)
    {
      out->check = TECHO_OWNER_PIN_WAIT;
      return g_steal_pointer (&out);
    }
  /* Counted before the KDF runs: a try cut short stays counted. */
  if (!write_failures (db, failures + 1, now, &local_error))
    goto failed;
  if (techo_owner_pin_verify (hash, pin))
    {
      if (!write_failures (db, 0, 0, &local_error))
        goto failed;
      out->check = TECHO_OWNER_PIN_RIGHT;
      out->failures = 0;
      out->wait_seconds = 0;
      return g_steal_pointer (&out);
    }
  out->check = TECHO_OWNER_PIN_WRONG;
  out->failures = failures + 1;
  out->wait_seconds = techo_owner_pin_delay (out->failures);
  return g_steal_pointer (&out);

failed:
  techo_store_propagate_error (error, g_steal_pointer (&local_error), "check the PIN");
  return NULL;
}

/* ---- public API ----------------------------------------------------------- */

gboolean
techo_store_set_owner_pin_sync (TechoStore    *self,
                                const char    *pin,
                                GCancellable  *cancellable,
                                GError       **error)
{
  return techo_store_run_sync (self, set_job, g_strdup (pin), (GDestroyNotify) techo_wipe_free,
                               cancellable, error) != NULL;
}

void
techo_store_set_owner_pin_async (TechoStore          *self,
                                 const char          *pin,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  techo_store_run_async (self, set_job, g_strdup (pin), (GDestroyNotify) techo_wipe_free, NULL,
                         techo_store_set_owner_pin_async, cancellable, callback, user_data);
}

gboolean
techo_store_set_owner_pin_finish (TechoStore    *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  return techo_store_run_finish (self, result, techo_store_set_owner_pin_async, error) != NULL;
}

gboolean
techo_store_check_owner_pin_sync (TechoStore           *self,
                                  const char           *pin,
                                  TechoOwnerPinResult  *out,
                                  GCancellable         *cancellable,
                                  GError              **error)
{
  g_autofree TechoOwnerPinResult *result = NULL;

  result = techo_store_run_sync (self, check_job, g_strdup (pin), (GDestroyNotify) techo_wipe_free,
                                 cancellable, error);
  if (result == NULL)
    return FALSE;
  *out = *result;
  return TRUE;
}

void
techo_store_check_owner_pin_async (TechoStore          *self,
                                   const char          *pin,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  techo_store_run_async (self, check_job, g_strdup (pin), (GDestroyNotify) techo_wipe_free, g_free,
                         techo_store_check_owner_pin_async, cancellable, callback, user_data);
}

gboolean
techo_store_check_owner_pin_finish (TechoStore           *self,
                                    GAsyncResult         *result,
                                    TechoOwnerPinResult  *out,
                                    GError              **error)
{
  g_autofree TechoOwnerPinResult *r = techo_store_run_finish (self, result,
                                                              techo_store_check_owner_pin_async,
                                                              error);

  if (r == NULL)
    return FALSE;
  *out = *r;
  return TRUE;
}
