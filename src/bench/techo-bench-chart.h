/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* techo-bench chart: render time of the trend chart for 1,000 and 100,000
 * points; prints chart_1k_us, chart_100k_us and chart_scaling_ratio. */
int techo_bench_chart (int    argc,
                       char **argv);
