/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference.h: the reference area. The clinical facts (analytes, units,
 * thresholds, screening rules, codes). Uses base and records. */

#pragma once

#include "techo-reference-tables.h"
