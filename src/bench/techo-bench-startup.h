/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* techo-bench startup: exec to the dashboard's first frame with the bulk
 * citizen's data in the store, against a bare AdwApplicationWindow run
 * alternately; prints startup_*_ms, startup_ratio, rss_*_kb, rss_ratio.
 * Needs a display (run it through `build-aux/dev run`). */
int techo_bench_startup (int    argc,
                         char **argv);
