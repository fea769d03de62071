/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-share.h: the share area. Everything through which records leave:
 * the consent gate (techo-disclosure.h) every way out passes, export
 * (FHIR, CSV, CDA, PDF), the SMART Health Link and its server. The last
 * area: it may use every other. */

#pragma once

#include "techo-disclosure.h"
#include "techo-selection.h"
#include "techo-export.h"
#include "techo-shl.h"
#include "techo-share-server.h"
#include "techo-share-host.h"
#include "techo-host-client.h"
