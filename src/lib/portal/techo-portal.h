/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-portal.h: the portal area. Sign-in (OAuth for native apps), the
 * portal client and incremental sync into the store. Uses store. */

#pragma once

#include "techo-http.h"
#include "techo-loopback-redirect.h"
#include "techo-oauth.h"
#include "techo-oidc.h"
#include "techo-portal-client.h"
#include "techo-sync.h"
