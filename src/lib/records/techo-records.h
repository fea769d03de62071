/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-records.h: the records area. The plain record types, the ref-counted
 * record set every path reads through, the consent as a plain type, and
 * the records' JSON. Uses base. */

#pragma once

#include "techo-record-types.h"
#include "techo-record-set.h"
#include "techo-record-scope.h"
#include "techo-consent.h"
#include "techo-records-json.h"
