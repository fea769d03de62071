/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-host-client.h: the desktop side of a share host
 * (techo-share-host.h): the bundle that goes, with its consent, and the
 * upload API (create, replace, delete, accesses). */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"

G_BEGIN_DECLS

/* @bundle_json (a FHIR Bundle) with a FHIR Consent entry added that says
 * who receives it, why and until when, so the doctor's viewer shows the
 * terms beside the records. */
char *techo_host_bundle_with_consent (const char          *bundle_json,
                                      const TechoConsent  *consent,
                                      GError             **error);

G_END_DECLS
