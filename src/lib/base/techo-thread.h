/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-thread.h: which thread a call runs on. The app must never block
 * its main thread on the store or the consent gate: their _sync entry
 * points start with techo_assert_not_main_thread (), which in debug
 * builds (meson's `debug` option, the default debugoptimized included)
 * logs a critical — fatal in tests — when called on the main thread.
 *
 * "The main thread" is the thread that owns the default GMainContext at
 * the time of the call: the thread running a main loop and dispatching
 * its callbacks (all of a GApplication's life inside g_application_run,
 * a test's g_main_context_iteration, the CLI's share loop). Plain
 * sequential code before any loop runs (a CLI command, a test body)
 * blocks nobody's window and may call _sync; so may worker threads
 * (GTask) and the store's own thread, which never own that context. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* TRUE while the calling thread owns the default main context. */
gboolean techo_thread_is_main (void);

/* The check behind techo_assert_not_main_thread (); @func names the
 * blocking call in the message. */
void     techo_thread_check_not_main (const char *func);

#ifdef TECHO_CHECK_THREADS
#define techo_assert_not_main_thread() techo_thread_check_not_main (G_STRFUNC)
#else
#define techo_assert_not_main_thread() G_STMT_START { } G_STMT_END
#endif

/* A bounded wait for a blocking call that takes a GCancellable but has
 * no timeout of its own (libsecret waiting on a locked keyring's prompt):
 * its cancellable is cancelled when @parent is (may be NULL), or once
 * @seconds have passed, whichever comes first. */
typedef struct _TechoDeadline TechoDeadline;

TechoDeadline *techo_deadline_new             (GCancellable  *parent,
                                               guint          seconds);
GCancellable  *techo_deadline_get_cancellable (TechoDeadline *self);
/* TRUE once the time ran out (not when @parent was cancelled). */
gboolean       techo_deadline_expired         (TechoDeadline *self);
void           techo_deadline_free            (TechoDeadline *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoDeadline, techo_deadline_free)

G_END_DECLS
