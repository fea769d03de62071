/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-portal-private.h: what the portal area's files share and no one
 * else sees. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Whether two issuer identifiers are the same (RFC 8414 §3.3, OpenID
 * Connect Core §3.1.3.7): compared as strings, forgiving trailing slashes.
 * NULL equals nothing. In techo-oidc.c; techo-oauth.c checks discovery
 * metadata and the authorization response's iss with it. */
gboolean techo_issuer_equal (const char *a,
                             const char *b);

G_END_DECLS
