/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-shl.h: SMART Health Links v1, the sending side
 * (clinical-reference.md §7).
 *
 * A share package is the FHIR bundle as a JWE in compact serialisation
 * made with cjose: `alg: dir`, `enc: A256GCM`, `cty:
 * application/fhir+json`, a 32-byte key and a fresh 96-bit IV, both from
 * getrandom. The link and opening a package are the payload format, in
 * the formats area (techo-shl-payload.h), which the import uses too. */

#pragma once

#include <gio/gio.h>

#include "techo-shl-payload.h"

G_BEGIN_DECLS

/* Encrypts @length bytes at @plaintext for @content_type (NULL: FHIR).
 * Returns the compact JWE. */
char   *techo_shl_encrypt (const guint8  *key,
                           gsize          key_length,
                           const char    *content_type,
                           const void    *plaintext,
                           gsize          length,
                           GError       **error);

/* 32 random bytes as base64url (43 characters: 256 bits), for the
 * manifest path. */
char   *techo_shl_new_path_token (GError **error);

G_END_DECLS
