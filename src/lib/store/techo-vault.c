/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-vault"

#include "config.h"

#include <libsecret/secret.h>

#include "techo-secure.h"
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
propagate_keyring_error (GError     **error,
                         GError      *keyring_error,
                         const char  *doing)
{
  if (g_error_matches (keyring_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, keyring_error);
      return;
    }
  g_set_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_UNAVAILABLE,
               "The keyring could not %s: %s", doing,
               keyring_error != NULL ? keyring_error->message : "no answer");
  g_clear_error (&keyring_error);
}

/* ---- bounded keyring calls ----------------------------------------------- */

/* libsecret's calls wait as long as a locked keyring's prompt stays open,
 * and cancelling one while its prompt is up leaves it hanging (libsecret
 * 0.20 returns its task without an error). So each call runs on a thread
 * of its own, and the caller waits for it at most keyring_timeout ()
 * seconds; a call still waiting then is left to finish (or not) alone,
 * holding its own copy of what it needs. */
typedef enum
{
  CALL_STORE,
  CALL_LOOKUP,
  CALL_CLEAR,
  CALL_CLEAR_ALL,
} CallKind;

typedef struct
{
  gint refs;
  GMutex mutex;
  GCond cond;
  gboolean done;
  CallKind kind;
  char *data_dir;
  char *item_kind;
  char *name;
  char *label;
  char *secret;             /* wiped when freed */
  GCancellable *cancellable;
  gboolean ok;
  char *found;              /* libsecret's copy: secret_password_free */
  GError *error;
} KeyringCall;

static void
keyring_call_unref (KeyringCall *call)
{
  if (!g_atomic_int_dec_and_test (&call->refs))
    return;
  g_free (call->data_dir);
  g_free (call->item_kind);
  g_free (call->name);
  g_free (call->label);
  if (call->secret != NULL)
    techo_wipe_free (call->secret);
  if (call->found != NULL)
    secret_password_free (call->found);
  g_clear_object (&call->cancellable);
  g_clear_error (&call->error);
  g_mutex_clear (&call->mutex);
  g_cond_clear (&call->cond);
  g_free (call);
}

static gpointer
keyring_call_thread (gpointer data)
{
  KeyringCall *call = data;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  GError *error = NULL;
  char *found = NULL;
  gboolean ok = FALSE;

  /* An item is named by its folder, kind and name; CLEAR_ALL gives the
   * folder only, and libsecret removes every item matching what is given. */
  g_hash_table_insert (attributes, (gpointer) "data-dir", call->data_dir);
  if (call->kind != CALL_CLEAR_ALL)
    {
      g_hash_table_insert (attributes, (gpointer) "kind", call->item_kind);
      g_hash_table_insert (attributes, (gpointer) "name", call->name);
    }
  switch (call->kind)
    {
    case CALL_STORE:
      ok = secret_password_storev_sync (vault_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                                        call->label, call->secret, call->cancellable, &error);
      break;
    case CALL_LOOKUP:
      found = secret_password_lookupv_sync (vault_schema (), attributes, call->cancellable,
                                            &error);
      ok = error == NULL;
      break;
    case CALL_CLEAR:
    case CALL_CLEAR_ALL:
    default:
      secret_password_clearv_sync (vault_schema (), attributes, call->cancellable, &error);
      ok = error == NULL;
      break;
    }
  g_mutex_lock (&call->mutex);
  call->ok = ok;
  call->found = found;
  call->error = error;
  call->done = TRUE;
  g_cond_signal (&call->cond);
  g_mutex_unlock (&call->mutex);
  keyring_call_unref (call);
  return NULL;
}

/* A call about the item @item_kind/@name (NULL, NULL for CLEAR_ALL), or
 * NULL with @error set when those are not names the vault keeps. */
static KeyringCall *
keyring_call_new (CallKind       kind,
                  TechoVault    *self,
                  const char    *item_kind,
                  const char    *name,
                  GCancellable  *cancellable,
                  GError       **error)
{
  KeyringCall *call;

  if (kind != CALL_CLEAR_ALL && !check_names (item_kind, name, error))
    return NULL;
  call = g_new0 (KeyringCall, 1);
  call->refs = 1;
  g_mutex_init (&call->mutex);
  g_cond_init (&call->cond);
  call->kind = kind;
  call->data_dir = g_strdup (self->data_dir);
  call->item_kind = g_strdup (item_kind);
  call->name = g_strdup (name);
  call->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  return call;
}

/* Runs @call and waits for it; FALSE with @error set when the keyring did
 * not answer in time or the call failed. */
static gboolean
keyring_call_run (KeyringCall  *call,
                  const char   *doing,
                  GError      **error)
{
  gint64 end = g_get_monotonic_time () + (gint64) keyring_timeout () * G_TIME_SPAN_SECOND;
  gboolean done;

  g_atomic_int_inc (&call->refs);
  g_thread_unref (g_thread_new ("techo-keyring", keyring_call_thread, call));
  g_mutex_lock (&call->mutex);
  while (!call->done)
    if (!g_cond_wait_until (&call->cond, &call->mutex, end))
      break;
  done = call->done;
  g_mutex_unlock (&call->mutex);
  if (!done)
    {
      g_set_error (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_UNAVAILABLE,
                   "The keyring did not answer within %u s while trying to %s: it may be "
                   "locked and waiting for its password. Unlock it (log in to the desktop) "
                   "and try again.", keyring_timeout (), doing);
      return FALSE;
    }
  if (!call->ok)
    {
      propagate_keyring_error (error, g_steal_pointer (&call->error), doing);
      return FALSE;
    }
  return TRUE;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringCall, keyring_call_unref)

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
  g_autoptr(KeyringCall) call = NULL;

  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  call = keyring_call_new (CALL_STORE, self, kind, name, cancellable, error);
  if (call == NULL)
    return FALSE;
  if (secret == NULL || *secret == '\0')
    {
      g_set_error_literal (error, TECHO_VAULT_ERROR, TECHO_VAULT_ERROR_INVALID,
                           "An empty secret cannot be stored");
      return FALSE;
    }
  call->label = g_strdup_printf ("Techo %s (%s) for %s", kind, name, self->data_dir);
  call->secret = g_strdup (secret);
  return keyring_call_run (call, "store a secret", error);
}

char *
techo_vault_lookup_secret (TechoVault    *self,
                           const char    *kind,
                           const char    *name,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(KeyringCall) call = NULL;

  g_return_val_if_fail (TECHO_IS_VAULT (self), NULL);

  call = keyring_call_new (CALL_LOOKUP, self, kind, name, cancellable, error);
  if (call == NULL || !keyring_call_run (call, "look up a secret", error) || call->found == NULL)
    return NULL;
  /* Hand out memory the caller frees with techo_wipe_free; libsecret's
   * copy is wiped by secret_password_free with the call. */
  return g_strdup (call->found);
}

gboolean
techo_vault_clear_secret (TechoVault    *self,
                          const char    *kind,
                          const char    *name,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(KeyringCall) call = NULL;

  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  call = keyring_call_new (CALL_CLEAR, self, kind, name, cancellable, error);
  return call != NULL && keyring_call_run (call, "remove a secret", error);
}

gboolean
techo_vault_clear_all (TechoVault    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(KeyringCall) call = NULL;

  g_return_val_if_fail (TECHO_IS_VAULT (self), FALSE);

  call = keyring_call_new (CALL_CLEAR_ALL, self, NULL, NULL, cancellable, NULL);
  return keyring_call_run (call, "remove the secrets", error);
}
