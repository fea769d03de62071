/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-startup-trace.h: where the time before the first frame goes.
 * With TECHO_BENCH_FIRST_FRAME set (techo-bench startup), each mark
 * records the monotonic clock; at the dashboard's first frame they are
 * printed as "mark_NAME_ms=…", milliseconds since TECHO_BENCH_START_US
 * (the bench's clock when it spawned the app: CLOCK_MONOTONIC is one
 * clock for every process) or, without it, since main(). Otherwise a mark
 * costs one branch. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Records @name (a static string) once: a later mark of the same name
 * is ignored. */
void     techo_startup_mark   (const char *name);
/* Prints every mark to stdout (name=value lines), in order. */
void     techo_startup_print  (void);
/* TRUE when the marks are recorded (a bench run). */
gboolean techo_startup_traced (void);
/* This process's resident memory now, in KiB (for the benches). */
long     techo_startup_rss_kb (void);

G_END_DECLS
