/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox-private.h: what the sandbox's server, OAuth and API units
 * share. */

#pragma once

#include <cjose/cjose.h>
#include <libsoup/soup.h>

#include "techo-sandbox.h"

G_BEGIN_DECLS

#define SANDBOX_SCOPE_PROFILE (1u << TECHO_N_CATEGORIES)
#define SANDBOX_SCOPE_OPENID (1u << (TECHO_N_CATEGORIES + 1))
#define SANDBOX_SCOPE_OFFLINE (1u << (TECHO_N_CATEGORIES + 2))
/* Scopes that name no record category. */
#define SANDBOX_SCOPES_NOT_RECORDS (SANDBOX_SCOPE_PROFILE | SANDBOX_SCOPE_OPENID | SANDBOX_SCOPE_OFFLINE)
#define SANDBOX_ALL_SCOPES (((1u << TECHO_N_CATEGORIES) - 1) | SANDBOX_SCOPE_PROFILE)
#define SANDBOX_MAX_BODY (16 * 1024)
#define SANDBOX_MAX_PARAM 2048
#define SANDBOX_MAX_TRANSACTIONS 1000
#define SANDBOX_CLIENT_ID "techo-desktop"

typedef struct _Grant Grant;

/* One consent: a citizen, the scopes granted, when it ends. */
struct _Grant
{
  guint ref_count;
  TechoSandboxCitizen *citizen;
  guint scopes;
  gint64 consent_expires_real; /* real time, µs */
  gboolean revoked;
  char *refresh_token;         /* the current one */
};

typedef struct
{
  Grant *grant;
  gint64 expires;              /* monotonic µs */
} AccessToken;

typedef struct
{
  char *id;
  Grant *grant;
  TechoCategory category;
  guint from_month;            /* YYYYMM */
  guint to_month;
  guint polls;
  gboolean finished;
  gint64 finished_at;          /* monotonic µs */
  GPtrArray *records;          /* borrowed record pointers */
} ProcessRequest;

struct _TechoSandbox
{
  TechoSandboxOptions options;
  SoupServer *server;
  char *issuer;
  GPtrArray *citizens;

  /* OAuth */
  GHashTable *transactions;    /* id → Transaction */
  GHashTable *codes;           /* code → Code */
  GHashTable *access_tokens;   /* token → AccessToken */
  GHashTable *refresh_tokens;  /* token → Grant (current and rotated-out) */
  GHashTable *failed_pins;     /* citizen id → count */

  /* OpenID Connect: signing keys made at start (or rotation) */
  cjose_jwk_t *rsa_key;
  cjose_jwk_t *ec_key;
  char *last_nonce;            /* of the previous ID token, for the replay fault */
  guint64 jwks_requests;
  guint64 refreshes;           /* refresh_token grants answered */
  guint64 refresh_reuses;      /* rotated-out refresh tokens that came back */

  /* API */
  GHashTable *requests;        /* process id → ProcessRequest */

  /* Faults */
  TechoSandboxFaults faults;
  guint64 request_count;       /* non-admin requests since start or reset */
};

Grant *sandbox_grant_ref   (Grant *grant);
void   sandbox_grant_unref (Grant *grant);
void   sandbox_grant_revoke (TechoSandbox *self,
                             Grant        *grant);

/* Responses. */
void   sandbox_send_json   (SoupServerMessage *msg,
                            guint              status,
                            const char        *json);
void   sandbox_send_error  (SoupServerMessage *msg,
                            guint              status,
                            const char        *error,
                            const char        *description);
void   sandbox_send_html   (SoupServerMessage *msg,
                            guint              status,
                            const char        *title,
                            const char        *body_html);
/* Reads a form body (or query) into a list of name/value pairs; NULL when
 * over the caps. */
GPtrArray  *sandbox_parse_form (const char *data,
                                gsize       length);
/* The first value of @name in a parsed form, or NULL. */
const char *sandbox_form_get   (GPtrArray  *form,
                                const char *name);
guint       sandbox_scopes_from_string (const char *text,
                                        gboolean   *out_unknown);
char       *sandbox_scopes_to_string   (guint       scopes);

/* techo-sandbox-oauth.c */
void   sandbox_oauth_init   (TechoSandbox *self);
void   sandbox_oauth_clear  (TechoSandbox *self);
/* TRUE when it handled @path. */
gboolean sandbox_oauth_handle (TechoSandbox      *self,
                               SoupServerMessage *msg,
                               const char        *path);
/* The grant behind a valid Bearer token, or NULL after answering 401. */
Grant *sandbox_oauth_authenticate (TechoSandbox      *self,
                                   SoupServerMessage *msg);

/* New signing keys with new kids (the old ones leave the JWKS). */
void   sandbox_oauth_rotate_keys (TechoSandbox *self);

/* techo-sandbox-api.c */
void   sandbox_api_init   (TechoSandbox *self);
void   sandbox_api_clear  (TechoSandbox *self);
gboolean sandbox_api_handle (TechoSandbox      *self,
                             SoupServerMessage *msg,
                             const char        *path);

G_END_DECLS
