/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-portal.h: what the portal tests share: a signed-in client
 * with its own store and data dir against a running techo-sandbox, a
 * snapshot of a store's records to compare stores, an independent count
 * of the sandbox's records, and the sandbox's run-time fault switch. */

#pragma once

#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-store.h"
#include "techo-sync.h"
#include "techo-test-sandbox.h"

G_BEGIN_DECLS

/* The month the test sandbox calls today (--today 2026-11-25). */
#define TEST_TODAY_MONTH "202611"

typedef struct
{
  char *data_dir;
  TechoStore *store;
  TechoOAuth *oauth;
  TechoPortalClient *client;
  gint64 profile_id;
  guint granted;
} TestClient;

/* A fresh data dir and store, signed in as @citizen granting @grant
 * (NULL: everything offered). Aborts the test on failure. */
TestClient *test_client_new     (TechoTestSandbox   *sandbox,
                                 const char         *citizen,
                                 const char * const *grant);
/* A fresh data dir and store only (not signed in). */
TestClient *test_client_new_unsigned (void);
/* Closes the store, removes the data dir and its keyring items. */
void        test_client_free    (TestClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free)

/* Signs @oauth in through @sandbox's forms; returns FALSE with @error. */
gboolean    test_sign_in        (TechoOAuth         *oauth,
                                 TechoTestSandbox   *sandbox,
                                 const char         *citizen,
                                 const char * const *grant,
                                 GError            **error);

/* As test_sign_in, asking for @scopes (NULL: Techo's default). */
gboolean    test_sign_in_full   (TechoOAuth         *oauth,
                                 TechoTestSandbox   *sandbox,
                                 const char         *citizen,
                                 const char * const *grant,
                                 const char         *scopes,
                                 GError            **error);

/* Acts as the user's browser on the sandbox's sign-in and consent pages
 * (PIN 1234; @grant NULL: everything offered). Returns the Location of
 * the final redirect, not yet followed. */
char       *test_browse         (const char         *authorize_url,
                                 const char         *citizen,
                                 const char * const *grant,
                                 GError            **error);

/* Fast retries for tests. */
void        test_client_fast_limits (TestClient *client,
                                     guint       max_attempts);

/* A sync of @categories; returns what techo_sync_run_sync returned. */
gboolean    test_client_sync    (TestClient  *client,
                                 guint        categories,
                                 GError     **error);

/* Every stored record of the profile, each as JSON, sorted, joined: two
 * stores holding the same data give the same text. */
char       *test_store_snapshot (TechoStore *store,
                                 gint64      profile_id);

/* Counts the sandbox's records of @category for the signed-in citizen by
 * fetching every page with a bare HTTP loop (highest revision per id,
 * withdrawn left out). @out_items gets the checkup items. */
gint64      test_sandbox_count  (TechoTestSandbox *sandbox,
                                 TestClient       *client,
                                 TechoCategory     category,
                                 gint64           *out_items,
                                 char            **out_some_name);

/* POSTs @json to the sandbox's admin fault endpoint. */
void        test_sandbox_set_faults (TechoTestSandbox *sandbox,
                                     const char       *json);
/* Turns every fault off and sets the request count back to 0. */
void        test_sandbox_reset_faults (TechoTestSandbox *sandbox);
/* The requests the sandbox answered since its count was last reset. */
guint       test_sandbox_request_count (TechoTestSandbox *sandbox);

/* TRUE when any file under @dir holds @needle. */
gboolean    test_dir_contains   (const char *dir,
                                 const char *needle);

G_END_DECLS
