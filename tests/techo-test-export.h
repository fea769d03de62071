/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-export.h: a real store in a temporary folder, filled through
 * the store's API with a person, three checkups, dispensings (with a
 * duplicate ingredient from two clinics) and screenings, for the export
 * and share tests. */

#pragma once

#include "techo-export.h"
#include "techo-store.h"

G_BEGIN_DECLS

typedef struct
{
  char *dir;
  TechoStore *store;
  gint64 profile_id;
} TechoTestExport;

/* Fills the open @store with the person and records above; returns the
 * profile's id. Asserts on failure. */
gint64           techo_test_export_fill (TechoStore *store);
/* Creates and fills the store; asserts on failure. */
TechoTestExport *techo_test_export_new  (void);
/* Closes the store, removes its keyring items and the folder. */
void             techo_test_export_free (TechoTestExport *fixture);

TechoItem       *techo_test_item_new (const char *code,
                                      const char *name,
                                      const char *value,
                                      const char *unit);

/* Marker values the tests look for in outputs. */
#define TECHO_TEST_PATIENT_NAME "山田 花子"
#define TECHO_TEST_PATIENT_KANA "ヤマダ ハナコ"
#define TECHO_TEST_LATEST_HBA1C "6.6"
#define TECHO_TEST_LATEST_LDL   "142"
#define TECHO_TEST_DRUG_NAME    "アムロジピン錠５ｍｇ「サワイ」"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoTestExport, techo_test_export_free)

G_END_DECLS

G_BEGIN_DECLS

/* Field-by-field equality (asserts), for round trips. */
void techo_test_assert_item_equal       (const TechoItem       *a,
                                         const TechoItem       *b);
void techo_test_assert_checkup_equal    (const TechoCheckup    *a,
                                         const TechoCheckup    *b);
void techo_test_assert_dispensing_equal (const TechoDispensing *a,
                                         const TechoDispensing *b);
void techo_test_assert_screening_equal  (const TechoScreening  *a,
                                         const TechoScreening  *b);
/* The store's records of every category, newest first, as the export
 * gathers them (all categories, no period). */
TechoRecordSet *techo_test_export_all (TechoTestExport *fixture);
/* Runs @argv, returns its exit status; stdout/stderr into the outs. */
int  techo_test_spawn (const char * const *argv,
                       char              **out_stdout,
                       char              **out_stderr);

G_END_DECLS
