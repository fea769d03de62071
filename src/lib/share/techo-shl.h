/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-shl.h: SMART Health Links v1 (clinical-reference.md §7).
 *
 * A share package is the FHIR bundle as a JWE in compact serialisation
 * made with cjose: `alg: dir`, `enc: A256GCM`, `cty:
 * application/fhir+json`, a 32-byte key and a fresh 96-bit IV, both from
 * getrandom. The link is `shlink:/` + base64url of the minified payload
 * JSON {url, key, exp, flag, label, v}. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TECHO_SHL_ERROR (techo_shl_error_quark ())

typedef enum
{
  TECHO_SHL_ERROR_CRYPTO,  /* encryption failed (cjose) */
  TECHO_SHL_ERROR_DECRYPT, /* wrong key, or the package was changed */
  TECHO_SHL_ERROR_INVALID, /* not a link or package of the expected shape */
  TECHO_SHL_N_ERRORS /* not a code: how many codes there are */
} TechoShlError;

GQuark techo_shl_error_quark (void);

#define TECHO_SHL_KEY_BYTES      32
#define TECHO_SHL_IV_BYTES       12
#define TECHO_SHL_MAX_URL        128
#define TECHO_SHL_MAX_LABEL      80
#define TECHO_SHL_MAX_LINK_BYTES 4096
#define TECHO_SHL_CONTENT_FHIR   "application/fhir+json"

/* Encrypts @length bytes at @plaintext for @content_type (NULL: FHIR).
 * Returns the compact JWE. */
char   *techo_shl_encrypt (const guint8  *key,
                           gsize          key_length,
                           const char    *content_type,
                           const void    *plaintext,
                           gsize          length,
                           GError       **error);
/* Decrypts a compact JWE made as above (only dir/A256GCM is accepted). */
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

/* "shlink:/…". Checks the url length, the flag letters (U never with P)
 * and the label length. */
char            *techo_shl_link_encode  (const TechoShlPayload  *payload,
                                         GError                **error);
/* Accepts "shlink:/…" and a viewer URL "…#shlink:/…". */
TechoShlPayload *techo_shl_link_decode  (const char             *link,
                                         GError                **error);

/* 32 random bytes as base64url (43 characters: 256 bits), for the
 * manifest path. */
char            *techo_shl_new_path_token (GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoShlPayload, techo_shl_payload_free)

G_END_DECLS
