/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-sandbox.h: runs the built techo-sandbox as a child process for
 * a test, and drives its sign-in and consent pages as a browser would.
 * Add techo-test-sandbox.c to a test's sources (or use
 * techo_test_sandbox_dep from tests/meson.build). */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct _TechoTestSandbox TechoTestSandbox;

/* Starts $TECHO_BUILD_ROOT/src/sandbox/techo-sandbox with
 * `--port 0 --seed 1 --today 2026-11-25` followed by @extra_args (NULL or a
 * NULL-terminated list; a later flag overrides an earlier one), waits (at
 * most 30 s) for its `issuer=` line and returns the running sandbox. The
 * child gets SIGTERM if the test process dies. */
TechoTestSandbox *techo_test_sandbox_start (const char * const  *extra_args,
                                            GError             **error);

/* As techo_test_sandbox_start, with the child's stderr written to
 * @stderr_path (NULL: inherited). */
TechoTestSandbox *techo_test_sandbox_start_full (const char * const  *extra_args,
                                                 const char          *stderr_path,
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

/* One blocking HTTP exchange that does not follow redirects. @bearer adds
 * "Authorization: Bearer …"; @body is sent with @content_type. Returns the
 * body (NUL-terminated; never NULL unless the transport failed, then
 * @error is set). @out_headers (nullable) receives the response headers. */
char             *techo_test_sandbox_http (const char           *method,
                                           const char           *url,
                                           const char           *bearer,
                                           const char           *content_type,
                                           const char           *body,
                                           guint                *out_status,
                                           SoupMessageHeaders  **out_headers,
                                           GError              **error);

/* A PKCE pair: a fresh 43-character verifier and its S256 challenge. */
void              techo_test_sandbox_pkce (char **out_verifier,
                                           char **out_challenge);

/* The authorize URL for @sandbox with the given parts (NULL leaves a
 * parameter out; @redirect_uri NULL means http://127.0.0.1:1/callback). */
char             *techo_test_sandbox_authorize_url (TechoTestSandbox *sandbox,
                                                    const char       *redirect_uri,
                                                    const char       *scope,
                                                    const char       *state,
                                                    const char       *challenge,
                                                    const char       *method);

/* The whole sign-in as the app and a browser would do it: PKCE, browse
 * (citizen @citizen, PIN 1234, granting @grant or everything), token
 * exchange. Returns the token response's access and refresh tokens. */
gboolean          techo_test_sandbox_sign_in (TechoTestSandbox     *sandbox,
                                              const char           *citizen,
                                              const char * const   *grant,
                                              char                **out_access,
                                              char                **out_refresh,
                                              GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoTestSandbox, techo_test_sandbox_stop)

G_END_DECLS
