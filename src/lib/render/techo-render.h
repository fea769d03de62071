/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-render.h: the render area. Drawing on any cairo_t: the chart model and
 * chart, the doctor's report, QR codes. A peer of formats and store: uses
 * base, records and reference only. */

#pragma once

#include "techo-chart-model.h"
#include "techo-chart-render.h"
#include "techo-qr.h"
#include "techo-report.h"
