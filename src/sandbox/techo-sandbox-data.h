/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox-data.h: the demo citizens of techo-sandbox and their
 * records, generated deterministically from a seed and a "today". Only
 * what the portal would already have published on that day is kept:
 * claims lag, late dispensing records that withdraw claims, revisions. */

#pragma once

#include <glib.h>

#include "techo-records.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 seed;
  GDate today;
  guint bulk_years;                /* default 40 */
  guint bulk_dispensings_per_month; /* default 110 */
} TechoSandboxDataOptions;

typedef struct
{
  char *id;                  /* yamada, sato, suzuki, bulk */
  TechoProfile *profile;
  /* Published records per TechoCategory, sorted by date then id; each
   * element is a TechoCheckup *, TechoDispensing * or TechoScreening *. */
  GPtrArray *records[TECHO_N_CATEGORIES];
  gboolean generated;        /* bulk is generated on first use */
  const TechoSandboxDataOptions *options;
} TechoSandboxCitizen;

void                 techo_sandbox_data_options_init (TechoSandboxDataOptions *options);

/* The four demo citizens; free with g_ptr_array_unref. @options must
 * outlive the array. */
GPtrArray           *techo_sandbox_citizens_new  (const TechoSandboxDataOptions *options);
TechoSandboxCitizen *techo_sandbox_citizens_find (GPtrArray  *citizens,
                                                  const char *id);
/* Generates the citizen's records if that has not happened yet. */
void                 techo_sandbox_citizen_ensure (TechoSandboxCitizen *citizen);

/* The YYYY-MM-DD date a record is filed under (performed_on/dispensed_on). */
const char          *techo_sandbox_record_date (TechoCategory category,
                                                gconstpointer record);

/* The published, not withdrawn checkup @id of @citizen, or NULL. */
const TechoCheckup  *techo_sandbox_citizen_find_checkup (TechoSandboxCitizen *citizen,
                                                         const char          *id);

G_END_DECLS
