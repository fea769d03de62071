/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-vault.h: secrets in the user's keyring (libsecret), and nowhere
 * else: the database key and OAuth tokens. Items use the schema
 * org.techo.Techo.Vault with the attributes data-dir (the absolute store
 * folder, so separate stores never share an item), kind and name.
 *
 * Every call blocks on D-Bus: call it from a worker thread (the store
 * thread, a GTask thread) or from a command-line program. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TECHO_VAULT_ERROR (techo_vault_error_quark ())

typedef enum
{
  TECHO_VAULT_ERROR_UNAVAILABLE, /* no Secret Service, or it refused */
  TECHO_VAULT_ERROR_INVALID,     /* an empty kind, name or secret */
  TECHO_VAULT_N_ERRORS /* not a code: how many codes there are */
} TechoVaultError;

GQuark techo_vault_error_quark (void);

/* The kind of the item holding the database key (name "techo.db"). */
#define TECHO_VAULT_KIND_DATABASE_KEY "database-key"

#define TECHO_TYPE_VAULT (techo_vault_get_type ())
G_DECLARE_FINAL_TYPE (TechoVault, techo_vault, TECHO, VAULT, GObject)

TechoVault *techo_vault_new           (const char    *data_dir);
const char *techo_vault_get_data_dir  (TechoVault    *self);

/* Stores @secret under (@kind, @name), replacing what was there. */
gboolean    techo_vault_store_secret  (TechoVault    *self,
                                       const char    *kind,
                                       const char    *name,
                                       const char    *secret,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* Returns the secret (free it with techo_wipe_free), or NULL: with @error
 * set when the keyring failed, without when there is no such item. A
 * locked keyring may answer either way. */
char       *techo_vault_lookup_secret (TechoVault    *self,
                                       const char    *kind,
                                       const char    *name,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* Removes the item; succeeds when there was none. */
gboolean    techo_vault_clear_secret  (TechoVault    *self,
                                       const char    *kind,
                                       const char    *name,
                                       GCancellable  *cancellable,
                                       GError       **error);
/* Removes every item of this data dir (for "delete everything"). */
gboolean    techo_vault_clear_all     (TechoVault    *self,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
