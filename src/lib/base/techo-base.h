/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-base.h: the base area. Secure random and wiping, atomic files, bounded JSON and a
 * streaming JSON reader, the main-thread check of blocking calls, what servers do alike.
 * Uses nothing of Techo; every other area may use it. */

#pragma once

#include "techo-secure.h"
#include "techo-scrypt.h"
#include "techo-atomic-file.h"
#include "techo-json.h"
#include "techo-json-reader.h"
#include "techo-thread.h"
#include "techo-serve.h"
#include "techo-names.h"
