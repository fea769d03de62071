/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench scale: each view's query at ~5k, ~52k and ~525k dispensing
 * lines, and the app's scroll of the medicine history. */

#pragma once

int techo_bench_scale (int    argc,
                       char **argv);
