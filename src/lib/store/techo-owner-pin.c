/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The owner's PIN: scrypt (techo-scrypt.h), its row in the store and
 * the count of wrong tries. */

#define G_LOG_DOMAIN "techo-store"

#include "config.h"

#include <string.h>

#include "techo-owner-pin.h"
#include "techo-scrypt.h"
#include "techo-secure.h"
#include "techo-store-private.h"

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

char *
techo_owner_pin_hash (const char  *pin,
                      GError     **error)
{
  if (!techo_owner_pin_is_valid (pin))
    {
      g_set_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_FAILED,
                   "A PIN is %d to %d digits.", TECHO_OWNER_PIN_MIN_LENGTH,
                   TECHO_OWNER_PIN_MAX_LENGTH);
      return NULL;
    }
  return techo_scrypt_hash (pin, TECHO_OWNER_PIN_LOG_N, TECHO_OWNER_PIN_R, TECHO_OWNER_PIN_P,
                            error);
}

gboolean
techo_owner_pin_verify (const char *encoded,
                        const char *pin)
{
  /* The cost is read back, but never below what Techo sets. */
  return techo_scrypt_verify (encoded, pin, TECHO_OWNER_PIN_LOG_N, TECHO_OWNER_PIN_R);
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
