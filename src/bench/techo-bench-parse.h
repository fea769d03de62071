/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* techo-bench parse --pages DIR [--path tree|stream] [--rounds N]: parses
 * the result pages saved by `techo-bench sync --save-pages DIR` into
 * medication records, either with json-glib's tree
 * (techo_json_parse_object_bounded + techo_records_page_from_object) or
 * straight from the bytes (techo_records_page_read, what the sync uses),
 * and prints parse_<path>_seconds, records and pages. For figures that do
 * not move with the machine's load, run it under
 *   valgrind --tool=callgrind --toggle-collect=techo_bench_parse_pages_tree …
 * (or …_stream) and read the instruction count (see docs/performance.md). */
int techo_bench_parse (int    argc,
                       char **argv);

#include <glib.h>

/* The records in @pages (GBytes) read straight from the bytes, as the
 * sync reads them; 0 with @error set on failure. */
guint techo_bench_parse_pages_stream (GPtrArray  *pages,
                                      GError    **error);
