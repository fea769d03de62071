/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-shl-payload.h: the SMART Health Links v1 payload format
 * (clinical-reference.md §7), both the link and the encrypted file.
 *
 * A link is `shlink:/` + base64url of the minified payload JSON {url, key,
 * exp, flag, label, v} (also found after `#` in a viewer URL). A file is a
 * JWE in compact serialisation, `alg: dir`, `enc: A256GCM`, with or without
 * `cty`, and with or without `zip: DEF` (raw DEFLATE, RFC 1951, as the SHL
 * spec says). Reading both lives here so the import can open links people
 * receive; making packages (encryption) stays with share. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TECHO_SHL_ERROR (techo_shl_error_quark ())

typedef enum
{
  TECHO_SHL_ERROR_CRYPTO,  /* encryption failed (cjose) */
  TECHO_SHL_ERROR_DECRYPT, /* wrong key, or the package was changed */
  TECHO_SHL_ERROR_INVALID, /* not a link or package of the expected shape */
  TECHO_SHL_ERROR_TOO_LARGE, /* over a size limit */
  TECHO_SHL_N_ERRORS /* not a code: how many codes there are */
} TechoShlError;

GQuark techo_shl_error_quark (void);

#define TECHO_SHL_KEY_BYTES      32
#define TECHO_SHL_IV_BYTES       12
#define TECHO_SHL_MAX_URL        128
#define TECHO_SHL_MAX_LABEL      80
#define TECHO_SHL_MAX_LINK_BYTES 4096
/* A package (and what it inflates to) larger than this is not opened. */
#define TECHO_SHL_MAX_JWE_BYTES   (24 * 1024 * 1024)
#define TECHO_SHL_MAX_PLAIN_BYTES (16 * 1024 * 1024)
#define TECHO_SHL_CONTENT_FHIR   "application/fhir+json"

/* cjose's key for @key (TECHO_SHL_KEY_BYTES bytes), for sealing and
 * opening alike; release it with cjose_jwk_release. */
struct _cjose_jwk_int *techo_shl_key_new (const guint8  *key,
                                          gsize          key_length,
                                          GError       **error);

/* Decrypts a compact JWE (only dir/A256GCM is accepted; `zip: DEF` is
 * inflated, capped at TECHO_SHL_MAX_PLAIN_BYTES). */
GBytes *techo_shl_decrypt (const guint8  *key,
                           gsize          key_length,
                           const char    *jwe,
                           GError       **error);

typedef struct
{
  char *url;       /* manifest (or, with U, file) URL */
  guint8 key[TECHO_SHL_KEY_BYTES];
  gint64 exp;      /* Unix seconds; 0: none */
  char *flag;      /* letters of L, P, U in that order; NULL or "" for none */
  char *label;     /* ≤ 80 characters, may be NULL */
} TechoShlPayload;

TechoShlPayload *techo_shl_payload_new  (void);
void             techo_shl_payload_free (TechoShlPayload *payload);
gboolean         techo_shl_payload_has_flag (const TechoShlPayload *payload,
                                             char                   flag);

/* "shlink:/…". Checks the url length, the flag letters (U never with P)
 * and the label length. */
char            *techo_shl_link_encode  (const TechoShlPayload  *payload,
                                         GError                **error);
/* Accepts "shlink:/…" and a viewer URL "…#shlink:/…"; `v` may be absent
 * (version 1). */
TechoShlPayload *techo_shl_link_decode  (const char             *link,
                                         GError                **error);
/* Whether @text is a link techo_shl_link_decode would try. */
gboolean         techo_shl_link_looks_like (const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoShlPayload, techo_shl_payload_free)

G_END_DECLS
