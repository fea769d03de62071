/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-scrypt.h: secrets a person types (the owner's PIN, a share's
 * passcode) kept only as scrypt hashes, written
 * "scrypt$LOG_N$R$P$SALT$KEY": the cost, then a fresh 16-byte salt and the
 * 32-byte key in base64url. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @secret hashed at the cost 2^@log_n, @r, @p with a fresh salt; NULL with
 * @error set (TECHO_SECURE_ERROR) when there were no random bytes or
 * scrypt could not run (not enough memory). */
char     *techo_scrypt_hash   (const char  *secret,
                               guint        log_n,
                               guint        r,
                               guint        p,
                               GError     **error);

/* Reads the cost back from @encoded without the cost of using it: FALSE
 * unless it has the shape above, with @log_n from 10 to 20, @r from 1 to
 * 16, @p from 1 to 4 and a salt of 8 to 64 bytes. */
gboolean  techo_scrypt_parse  (const char  *encoded,
                               guint       *log_n,
                               guint       *r,
                               guint       *p);

/* Whether @secret is the one @encoded was made from. A hash cheaper than
 * @min_log_n or @min_r (or not of the shape) never matches. */
gboolean  techo_scrypt_verify (const char  *encoded,
                               const char  *secret,
                               guint        min_log_n,
                               guint        min_r);

G_END_DECLS
