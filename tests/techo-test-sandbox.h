/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-sandbox.h: runs the built techo-sandbox as a child process for
 * a test, and drives its sign-in and consent pages as a browser would.
 * Add techo-test-sandbox.c to a test's sources (or use
 * techo_test_sandbox_dep from tests/meson.build). */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _TechoTestSandbox TechoTestSandbox;

/* Starts $TECHO_BUILD_ROOT/src/sandbox/techo-sandbox with
 * `--port 0 --seed 1 --today 2026-11-25` followed by @extra_args (NULL or a
 * NULL-terminated list; a later flag overrides an earlier one), waits (at
 * most 30 s) for its `issuer=` line and returns the running sandbox. The
 * child gets SIGTERM if the test process dies. */
TechoTestSandbox *techo_test_sandbox_start (const char * const  *extra_args,
                                            GError             **error);

/* As techo_test_sandbox_start with a NULL-terminated argument list;
 * aborts the test on failure. */
TechoTestSandbox *techo_test_sandbox_new   (const char *first_arg,
                                            ...) G_GNUC_NULL_TERMINATED;

/* "http://127.0.0.1:PORT", no trailing slash. */
const char       *techo_test_sandbox_get_issuer (TechoTestSandbox *sandbox);
guint16           techo_test_sandbox_get_port   (TechoTestSandbox *sandbox);
GSubprocess      *techo_test_sandbox_get_process (TechoTestSandbox *sandbox);

/* Stops the sandbox (SIGTERM, then SIGKILL after 5 s), waits for it and
 * frees @sandbox. NULL is allowed. */
void              techo_test_sandbox_stop (TechoTestSandbox *sandbox);

/* Acts as the user's browser: GETs @authorize_url, posts @citizen and @pin
 * on the sign-in page, then on the consent page grants @grant (a
 * NULL-terminated list of categories; NULL grants everything offered) with
 * decision "allow", or "deny" when @allow is FALSE. Returns the Location of
 * the final 302 (the client's redirect URI with code/state/iss or error),
 * or NULL with @error set when a page answers something else (the error
 * message then holds the HTTP status and the start of the page). */
char             *techo_test_sandbox_browse (const char          *authorize_url,
                                             const char          *citizen,
                                             const char          *pin,
                                             const char * const  *grant,
                                             gboolean             allow,
                                             GError             **error);

/* Takes the value of @name out of a URL's query (form-decoded), or NULL. */
char             *techo_test_sandbox_query_param (const char *url,
                                                  const char *name);

/* The value of the hidden `transaction` field of a sign-in or consent
 * page, or NULL. */
char             *techo_test_sandbox_find_transaction (const char *html);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoTestSandbox, techo_test_sandbox_stop)

G_END_DECLS
