/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-vault"

#include "config.h"

#include <libsecret/secret.h>

#include "techo-secure.h"
#include "techo-thread.h"
#include "techo-vault.h"

struct _TechoVault
{
  GObject parent_instance;

  char *data_dir; /* absolute */
};

G_DEFINE_FINAL_TYPE (TechoVault, techo_vault, G_TYPE_OBJECT)

G_DEFINE_QUARK (techo-vault-error-quark, techo_vault_error)

static const SecretSchema *
vault_schema (void)
{
  static const SecretSchema schema = {
    "org.techo.Techo.Vault", SECRET_SCHEMA_NONE,
    {
      { "data-dir", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "name", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static gboolean
check_names (const char  *kind,
             const char  *name,
             GError     **error)
{
  if (kind == NULL || *kind == '\0' || name == NULL || *name == '\0')
    {
      g_set_error_literal (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID,
                           "A keyring item needs a kind and a name");
      return FALSE;
    }
  return TRUE;
}

/* Keeps cancellation as it is; anything else from libsecret becomes
 * "unavailable" with a sentence of our own around it. */
/* How long a keyring call may wait (a locked keyring waits for its
 * password in a prompt; with no one to answer it, for ever): 60 s, or
 * $TECHO_KEYRING_TIMEOUT seconds. */
static guint
keyring_timeout (void)
{
  const char *env = g_getenv ("TECHO_KEYRING_TIMEOUT");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return 60;
}

static void
propagate_keyring_error (GError        **error,
                         GError         *keyring_error,
                         TechoDeadline  *deadline,
                         const char     *doing)
{
  if (techo_deadline_expired (deadline))
    {
      g_set_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_UNAVAILABLE,
                   "The keyring did not answer within %u s while trying to %s: it may be "
                   "locked and waiting for its password. Unlock it (log in to the desktop) "
                   "and try again.", keyring_timeout (), doing);
      g_error_free (keyring_error);
      return;
    }
  if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, keyring_error);
      return;
    }
  g_set_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_UNAVAILABLE,
               "The keyring could not %s: %s", doing, keyring_error->message);
  g_error_free (keyring_error);
}

/* The attributes that name this data folder's items: the one item of
 * @kind and @name, or with both NULL every item of the folder. The table
 * borrows the strings. */
static GHashTable *
item_attributes (TechoVault *self,
                 const char *kind,
                 const char *name)
{
  GHashTable *attributes = g_hash_table_new (g_str_hash, g_str_equal);

  g_hash_table_insert (attributes, (char *) "data-dir", self->data_dir);
  if (kind != NULL)
    g_hash_table_insert (attributes, (char *) "kind", (char *) kind);
  if (name != NULL)
    g_hash_table_insert (attributes, (char *) "name", (char *) name);
  return attributes;
}

/* Removes the items item_attributes() names; @what says what for an error. */
static gboolean
clear_items (TechoVault    *self,
             const char    *kind,
             const char    *name,
             const char    *what,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GHashTable) attributes = item_attributes (self, kind, name);
  g_autoptr(TechoDeadline) deadline = NULL;
  GError *local_error = NULL;

  /* libsecret removes every item matching the attributes given. */
  deadline = techo_deadline_new (cancellable, keyring_timeout ());
  secret_password_clearv_sync (vault_schema (), attributes,
                               techo_deadline_get_cancellable (deadline), &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error, deadline, what);
      return FALSE;
    }
  return TRUE;
}

static void
techo_vault_finalize (GObject *object)
{
  TechoVault *self = TECHO_VAULT (object);

  g_free (self->data_dir);
  G_OBJECT_CLASS (techo_vault_parent_class)->finalize (object);
}

static void
techo_vault_class_init (TechoVaultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_vault_finalize;
}

static void
techo_vault_init (TechoVault *self)
{
}

TechoVault *
techo_vault_new (const char *data_dir)
{
  TechoVault *self;

  g_return_val_if_fail (data_dir != NULL, NULL);

  self = g_object_new (TECHO_TYPE_VAULT, NULL);
  self->data_dir = g_canonicalize_filename (data_dir, NULL);
  return self;
}

const char *
techo_vault_get_data_dir (TechoVault *self)
{
  g_return_val_if_fail (TECHO_IS_VAULT (self), NULL);
  return self->data_dir;
}

gboolean
techo_vault_store_secret (TechoVault    *self,
                          const char    *kind,
                          const char    *name,
                          const char    *secret,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *label = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(TechoDeadline) deadline = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  if (!check_names (kind, name, error))
    return FALSE;
  if (secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID,
                           "An empty secret cannot be stored");
      return FALSE;
    }

  label = g_strdup_printf ("Techo %s (%s) for %s", kind, name, self->data_dir);
  attributes = item_attributes (self, kind, name);
  deadline = techo_deadline_new (cancellable, keyring_timeout ());
  if (!secret_password_storev_sync (vault_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                    label, secret, techo_deadline_get_cancellable (deadline),
                                    &local_error))
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, TECHO_VAULT_ERROR,
                             TECHO_VAULT_ERROR_UNAVAILABLE, "no answer");
      propagate_keyring_error (error, local_error, deadline, "store a secret");
      return FALSE;
    }
  return TRUE;
}

char *
techo_vault_lookup_secret (TechoVault    *self,
                           const char    *kind,
                           const char    *name,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(TechoDeadline) deadline = NULL;
  GError *local_error = NULL;
  char *found;
  char *secret;

  g_return_val_if_fail (TECHO_IS_VAULT (self), NULL);

  if (!check_names (kind, name, error))
    return NULL;

  attributes = item_attributes (self, kind, name);
  deadline = techo_deadline_new (cancellable, keyring_timeout ());
  found = secret_password_lookupv_sync (vault_schema (), attributes,
                                        techo_deadline_get_cancellable (deadline), &local_error);
  if (local_error != NULL)
    {
      propagate_keyring_error (error, local_error, deadline, "look up a secret");
      return NULL;
    }
  if (found == NULL)
    return NULL;

  /* Hand out memory the caller frees with techo_wipe_free; libsecret's
   * copy is wiped by secret_password_free. */
  secret = g_strdup (found);
  secret_password_free (found);
  return secret;
}

gboolean
techo_vault_clear_secret (TechoVault    *self,
                          const char    *kind,
                          const char    *name,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  if (!check_names (kind, name, error))
    return FALSE;
  return clear_items (self, kind, name, "remove a secret", cancellable, error);
}

gboolean
techo_vault_clear_all (TechoVault    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  return clear_items (self, NULL, NULL, "remove the secrets", cancellable, error);
}
