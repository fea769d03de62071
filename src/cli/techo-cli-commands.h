/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One entry point per techo-cli command. */

#pragma once

#include "techo-cli.h"

G_BEGIN_DECLS

int techo_cli_version (TechoCliContext *context, int argc, char **argv);

G_END_DECLS
