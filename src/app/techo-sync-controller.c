/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-sync-controller"

#include "config.h"

#include <glib/gi18n.h>

#include "techo-sync-controller.h"

struct _TechoSyncController
{
  GObject parent_instance;

  TechoStore *store;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (TechoSyncController, techo_sync_controller, G_TYPE_OBJECT)

static void
techo_sync_controller_dispose (GObject *object)
{
  TechoSyncController *self = TECHO_SYNC_CONTROLLER (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (techo_sync_controller_parent_class)->dispose (object);
}

static void
techo_sync_controller_class_init (TechoSyncControllerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = techo_sync_controller_dispose;
}

static void
techo_sync_controller_init (TechoSyncController *self)
{
}

TechoSyncController *
techo_sync_controller_new (TechoStore *store)
{
  TechoSyncController *self = g_object_new (TECHO_TYPE_SYNC_CONTROLLER, NULL);

  self->store = g_object_ref (store);
  return self;
}

void
techo_sync_controller_sync (TechoSyncController *self,
                            TechoWindow         *window,
                            const char          *choice)
{
  if (window == NULL)
    return;
  /* Not wired to the portal client yet: say so rather than pretend. */
  techo_window_add_toast (window, _("Syncing with My Number Portal is not available in this build yet."));
}

void
techo_sync_controller_cancel (TechoSyncController *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

gboolean
techo_sync_controller_is_busy (TechoSyncController *self)
{
  return self->cancellable != NULL && !g_cancellable_is_cancelled (self->cancellable);
}

char *
techo_sync_controller_dup_connection (TechoSyncController *self)
{
  return NULL;
}

gboolean
techo_sync_controller_sign_out (TechoSyncController *self,
                                GError             **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                       _("Techo is not signed in to My Number Portal."));
  return FALSE;
}
