/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Which thread a call runs on. */

#define G_LOG_DOMAIN "techo"

#include "config.h"

#include "techo-thread.h"

gboolean
techo_thread_is_main (void)
{
  return g_main_context_is_owner (g_main_context_default ());
}

void
techo_thread_check_not_main (const char *func)
{
  if (techo_thread_is_main ())
    g_critical ("%s: a blocking call on the main thread (it owns the main loop); "
                "use the _async form", func);
}

/* ---- deadlines ------------------------------------------------------------- */

struct _TechoDeadline
{
  GCancellable *cancellable;
  GCancellable *parent;
  gulong parent_handler;
  GMutex mutex;
  GCond cond;
  gboolean done;      /* the call returned: the timer thread leaves */
  gboolean expired;
  gint64 end_time;    /* monotonic µs */
  GThread *timer;
};

static gpointer
deadline_timer (gpointer data)
{
  TechoDeadline *self = data;
  gboolean fire = FALSE;

  g_mutex_lock (&self->mutex);
  while (!self->done)
    if (!g_cond_wait_until (&self->cond, &self->mutex, self->end_time))
      {
        fire = !self->done;
        self->expired = fire;
        break;
      }
  g_mutex_unlock (&self->mutex);
  if (fire)
    g_cancellable_cancel (self->cancellable);
  return NULL;
}

static void
parent_cancelled_cb (GCancellable *parent,
                     GCancellable *child)
{
  g_cancellable_cancel (child);
}

TechoDeadline *
techo_deadline_new (GCancellable *parent,
                    guint         seconds)
{
  TechoDeadline *self = g_new0 (TechoDeadline, 1);

  self->cancellable = g_cancellable_new ();
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->end_time = g_get_monotonic_time () + (gint64) seconds * G_TIME_SPAN_SECOND;
  if (parent != NULL)
    {
      self->parent = g_object_ref (parent);
      self->parent_handler = g_cancellable_connect (parent, G_CALLBACK (parent_cancelled_cb),
                                                    g_object_ref (self->cancellable),
                                                    g_object_unref);
    }
  self->timer = g_thread_new ("techo-deadline", deadline_timer, self);
  return self;
}

GCancellable *
techo_deadline_get_cancellable (TechoDeadline *self)
{
  return self->cancellable;
}

gboolean
techo_deadline_expired (TechoDeadline *self)
{
  gboolean expired;

  g_mutex_lock (&self->mutex);
  expired = self->expired;
  g_mutex_unlock (&self->mutex);
  return expired;
}

void
techo_deadline_free (TechoDeadline *self)
{
  if (self == NULL)
    return;
  g_mutex_lock (&self->mutex);
  self->done = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_thread_join (self->timer);
  if (self->parent != NULL)
    {
      g_cancellable_disconnect (self->parent, self->parent_handler);
      g_object_unref (self->parent);
    }
  g_object_unref (self->cancellable);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}
