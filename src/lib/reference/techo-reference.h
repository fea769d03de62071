/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-reference.h: the reference area. The clinical facts (analytes, units,
 * thresholds, screening rules, codes) and the analysis that applies them to
 * one person's records (the one analyte finder, statuses, supplies,
 * duplicate therapy, summaries, chart series). Uses base and records. */

#pragma once

#include "techo-reference-tables.h"
#include "techo-analysis.h"
