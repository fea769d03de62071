/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-store-schema.h: the store's schema as a list of migrations keyed on
 * PRAGMA user_version. Migration N takes a store at version N-1 to N in
 * one transaction; a store newer than the list is refused, never touched.
 * To change the schema, append a migration; never edit an old one. */

#pragma once

#include "techo-sqlite.h"

G_BEGIN_DECLS

typedef struct
{
  int version;     /* the user_version after this step */
  const char *sql; /* one or more statements */
} TechoStoreMigration;

/* The version this build writes. */
#define TECHO_STORE_SCHEMA_VERSION 12

/* An ingredient, as the medicines page groups dispensings: the first 7
 * characters of the YJ code (the ingredient and route), else the drug
 * name. Written the same wherever SQL uses it, so that SQLite uses the
 * dispensings_by_ingredient index on this expression. */
#define TECHO_STORE_INGREDIENT_KEY \
  "(CASE WHEN length (yj_code) >= 7 THEN substr (yj_code, 1, 7) ELSE ifnull (drug_name, '') END)"

const TechoStoreMigration *techo_store_schema_migrations (guint *n_migrations);

/* Brings @db up to the last of @migrations (or this build's list when
 * @migrations is NULL). Each step runs in its own transaction; on failure
 * the store stays at the last version that completed. A store newer than
 * the list fails with TECHO_STORE_ERROR_TOO_NEW. */
gboolean techo_store_schema_migrate (TechoSqlite                *db,
                                     const TechoStoreMigration  *migrations,
                                     guint                       n_migrations,
                                     int                        *out_version,
                                     GError                    **error);

G_END_DECLS
