/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-formats.h: the formats area. Readers and writers of the files people
 * hold and send: CDA, JAHIS, FHIR (both ways), CSV, and the
 * SMART Health Link payload (link and encrypted file). A peer of render and
 * hold and send: CDA, JAHIS, FHIR (both ways), CSV, the
 * portal's 薬剤情報 and 特定健診情報 XML. A peer of render and
 * store: uses base, records and reference, never those two. */

#pragma once

#include "techo-cda.h"
#include "techo-jahis.h"
#include "techo-fhir.h"
#include "techo-csv.h"
#include "techo-shl-payload.h"
#include "techo-mhlw-xml.h"
#include "techo-qr-image.h"
