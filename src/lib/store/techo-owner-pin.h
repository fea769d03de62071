/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-owner-pin.h: the owner's PIN, for a store kept in the keyring.
 * Leaving visit mode and unlocking the window ask for something only the
 * owner has: the passphrase of a passphrase store; with the keyring
 * (which opens without a secret), this PIN.
 *
 * Where: in the store itself (table owner_pin, schema v8), not in the
 * keyring. The store is encrypted, so the hash can be changed or removed
 * only by someone who can open it; it travels with a backup of the
 * records it protects; and the count of wrong tries sits beside it,
 * written in the same transaction as each try. Checking it opens the
 * store (a keyring store needs no secret for that) and reads nothing
 * else.
 *
 * How: scrypt through OpenSSL's libcrypto (EVP_PBE_scrypt), N = 2^15,
 * r = 8, p = 1, a 16-byte salt from getrandom, a 32-byte key, kept as
 * "scrypt$15$8$1$<salt>$<key>" (base64url). A try is counted before the
 * KDF runs and given back when it was right, so killing Techo mid-check
 * cannot win a free guess. From the fifth wrong try in a row each try
 * must wait, 30 s doubling to at most an hour after the last wrong one;
 * the count and the time persist across restarts. */

#pragma once

#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_OWNER_PIN_MIN_LENGTH 4
#define TECHO_OWNER_PIN_MAX_LENGTH 12
#define TECHO_OWNER_PIN_LOG_N      15
#define TECHO_OWNER_PIN_R          8
#define TECHO_OWNER_PIN_P          1
#define TECHO_OWNER_PIN_FREE_TRIES 4    /* wrong tries in a row without a wait */
#define TECHO_OWNER_PIN_FIRST_WAIT 30   /* seconds, doubling per further wrong try */
#define TECHO_OWNER_PIN_MAX_WAIT   3600

typedef enum
{
  TECHO_OWNER_PIN_NOT_SET, /* no PIN: nothing to check */
  TECHO_OWNER_PIN_NEEDED,  /* a PIN is set and none was given (not counted) */
  TECHO_OWNER_PIN_RIGHT,   /* the count goes back to zero */
  TECHO_OWNER_PIN_WRONG,   /* counted */
  TECHO_OWNER_PIN_WAIT,    /* too many wrong tries: not checked, not counted */
} TechoOwnerPinCheck;

typedef struct
{
  TechoOwnerPinCheck check;
  guint failures;       /* wrong tries in a row, after this one */
  gint64 wait_seconds;  /* before the next try is taken (0: now) */
} TechoOwnerPinResult;

/* 4 to 12 digits. */
gboolean  techo_owner_pin_is_valid (const char  *pin);
/* The KDF, for the store's row and its tests. */
char     *techo_owner_pin_hash     (const char  *pin,
                                    GError     **error);
gboolean  techo_owner_pin_verify   (const char  *encoded,
                                    const char  *pin);
/* The wait after @failures wrong tries in a row. */
gint64    techo_owner_pin_delay    (guint        failures);

/* Sets (or, with @pin NULL, removes) the PIN; the count starts at zero.
 * The KDF runs on the store's thread. */
gboolean  techo_store_set_owner_pin_sync    (TechoStore           *self,
                                             const char           *pin,
                                             GCancellable         *cancellable,
                                             GError              **error);
void      techo_store_set_owner_pin_async   (TechoStore           *self,
                                             const char           *pin,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean  techo_store_set_owner_pin_finish  (TechoStore           *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Checks @pin (NULL: only asks whether one is set). FALSE with @error
 * only when the store cannot answer. */
gboolean  techo_store_check_owner_pin_sync   (TechoStore           *self,
                                              const char           *pin,
                                              TechoOwnerPinResult  *out,
                                              GCancellable         *cancellable,
                                              GError              **error);
void      techo_store_check_owner_pin_async  (TechoStore           *self,
                                              const char           *pin,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
gboolean  techo_store_check_owner_pin_finish (TechoStore           *self,
                                              GAsyncResult         *result,
                                              TechoOwnerPinResult  *out,
                                              GError              **error);

G_END_DECLS
