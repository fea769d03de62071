/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-oidc.h: who signed in, as an OpenID provider says it (OpenID
 * Connect Core 1.0): the provider's signing keys (a JWKS), the checks of
 * an ID token — its signature through cjose by the key its `kid` names
 * (RS256/384/512, PS256/384/512, ES256/384/512; never `none` or a shared
 * secret), `iss`, `aud` and `azp`, `exp`, `iat` within a window, the
 * `nonce` of this sign-in — and the identity claims it and `userinfo`
 * carry. Nothing here touches the network or blocks. */

#pragma once

#include <json-glib/json-glib.h>

#include "techo-http.h"
#include "techo-records.h"

G_BEGIN_DECLS

/* An ID token or a JWKS longer than this is refused unread. */
#define TECHO_OIDC_MAX_ID_TOKEN (16 * 1024)
#define TECHO_OIDC_MAX_JWKS     (64 * 1024)
#define TECHO_OIDC_MAX_KEYS     32
/* Clocks may differ this much (seconds). */
#define TECHO_OIDC_CLOCK_SKEW   120
/* An ID token issued longer ago than this is not fresh (seconds). */
#define TECHO_OIDC_IAT_WINDOW   (10 * 60)

typedef struct _TechoJwks TechoJwks;

/* Reads a JWK Set document ({"keys": [...]}); keys Techo cannot use are
 * skipped, not refused. */
TechoJwks  *techo_jwks_parse      (GBytes     *json,
                                   GError    **error);
void        techo_jwks_free       (TechoJwks  *jwks);
guint       techo_jwks_get_n_keys (TechoJwks  *jwks);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoJwks, techo_jwks_free)

typedef struct
{
  const char *issuer;          /* the provider's issuer (its metadata's) */
  const char *client_id;       /* must be in aud */
  const char *nonce;           /* sent with this sign-in; NULL: not checked
                                * (a refresh), but then it may be absent */
  const char * const *algs;    /* the provider's id_token_signing_alg_values_supported
                                * (NULL: RS256, the default of the spec) */
  gint64 now;                  /* unix seconds */
} TechoIdTokenCheck;

/* Checks @id_token and returns its claims. @out_unknown_key (nullable) is
 * set when the token names a key @jwks does not hold, so that the caller
 * may fetch the JWKS once more. Every failure is
 * TECHO_PORTAL_ERROR_ID_TOKEN with a sentence that names the check. */
JsonObject *techo_id_token_verify (const char              *id_token,
                                   TechoJwks               *jwks,
                                   const TechoIdTokenCheck *check,
                                   gboolean                *out_unknown_key,
                                   GError                 **error);

/* The claims Techo keeps of a person (sub, name, name#ja-Kana-JP, birthdate,
 * gender), from @claims; NULL when sub is missing or malformed. */
JsonObject *techo_oidc_identity_from_claims (JsonObject *claims);

/* Adds what @userinfo knows and @identity lacks. FALSE with @error
 * (TECHO_PORTAL_ERROR_ID_TOKEN) when userinfo's sub is another person's
 * (OpenID Connect Core §5.3.2). */
gboolean    techo_oidc_identity_merge_userinfo (JsonObject  *identity,
                                                JsonObject  *userinfo,
                                                GError     **error);

/* A profile of @issuer's person as @identity describes them. */
TechoProfile *techo_oidc_identity_to_profile (JsonObject *identity,
                                              const char *issuer);

G_END_DECLS
