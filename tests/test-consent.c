/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent ledger on a real store: validation before anything is
 * written, events, revocation, expiry, listing and the audit rows. The
 * ledger's own unit test: the one test that includes its writing calls
 * (techo-consent-ledger.h; tests/check-layers.py allows it here). */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "techo-consent.h"
#include "techo-consent-ledger.h"
#include "techo-export.h"
#include "techo-secure.h"
#include "techo-sqlite.h"
#include "techo-test-export.h"
#include "techo-vault.h"

static TechoConsent *
file_consent (void)
{
  TechoConsent *c = techo_consent_new ("みどり内科 田中先生", "定期受診の相談",
                                       (1u << TECHO_CATEGORY_CHECKUP) |
                                       (1u << TECHO_CATEGORY_MEDICATION),
                                       TECHO_CONSENT_METHOD_FHIR);

  c->period_from = g_strdup ("2023-01-01");
  c->period_to = g_strdup ("2025-12-31");
  return c;
}

static gint64
count_audit (TechoTestExport *f,
             const char      *action)
{
  g_autoptr(TechoVault) vault = techo_vault_new (f->dir);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "techo.db", NULL);
  g_auto(TechoSecret) hex = NULL;
  g_auto(TechoSecret) key = NULL;
  g_autofree char *sql = NULL;
  TechoSqlite *db;
  gint64 n = -1;

  /* Read through a second connection: the store keeps running. */
  hex = techo_vault_lookup_secret (vault, TECHO_VAULT_KIND_DATABASE_KEY, "techo.db", NULL, &error);
  g_assert_no_error (error);
  key = g_strdup_printf ("x'%s'", hex);
  db = techo_sqlite_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (techo_sqlite_key (db, key, &error));
  g_assert_true (techo_sqlite_exec (db, "PRAGMA cipher_page_size = 4096", &error));
  sql = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);
  g_assert_true (techo_sqlite_query_int64 (db, sql, &n, &error));
  g_assert_no_error (error);
  techo_sqlite_close (db);
  return n;
}

static void
test_categories (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  guint bits = 0;

  g_assert_true (techo_consent_categories_parse ("checkup, screening", &bits, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (bits, ==, (1u << TECHO_CATEGORY_CHECKUP) | (1u << TECHO_CATEGORY_SCREENING));
  text = techo_consent_categories_to_string (bits);
  g_assert_cmpstr (text, ==, "checkup,screening");
  g_assert_true (techo_consent_categories_parse ("all", &bits, &error));
  g_assert_cmpuint (bits, ==, 7);
  g_assert_false (techo_consent_categories_parse ("checkup,genome", &bits, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (techo_consent_categories_parse (" , ", &bits, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
}

static void
test_validate (void)
{
  g_autoptr(TechoConsent) c = file_consent ();
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *long_text = NULL;

  g_assert_true (techo_consent_validate (c, now, &error));
  g_assert_no_error (error);

  g_free (c->recipient);
  c->recipient = g_strdup ("   ");
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
  g_clear_error (&error);
  g_free (c->recipient);
  c->recipient = g_strdup ("田中先生\nほか");
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_free (c->recipient);
  c->recipient = g_strdup ("田中先生");

  long_text = g_strnfill (TECHO_CONSENT_MAX_TEXT + 1, 'a');
  g_free (c->purpose);
  c->purpose = g_strdup (long_text);
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_free (c->purpose);
  c->purpose = NULL;
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
  g_clear_error (&error);
  c->purpose = g_strdup ("相談");

  g_free (c->period_to);
  c->period_to = g_strdup ("2022-02-30");
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_free (c->period_to);
  c->period_to = g_strdup ("2022-01-01");
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&c->period_to, g_free);

  /* A share needs an expiry in the future. */
  c->method = TECHO_CONSENT_METHOD_SHARE;
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
  g_clear_error (&error);
  c->expires_at = now + 3600;
  g_assert_true (techo_consent_validate (c, now, &error));
  g_assert_cmpstr (techo_consent_state (c, now), ==, "active");
  g_assert_cmpstr (techo_consent_state (c, now + 3600), ==, "expired");
  c->revoked_at = now;
  g_assert_cmpstr (techo_consent_state (c, now), ==, "revoked");

  c->categories = 0;
  g_assert_false (techo_consent_validate (c, now, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
}

static void
test_ledger (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) c = file_consent ();
  g_autoptr(TechoConsent) bad = file_consent ();
  g_autoptr(TechoConsent) read = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  const TechoConsentEvent *e;

  /* Nothing is written for an invalid consent. */
  g_clear_pointer (&bad->recipient, g_free);
  g_assert_false (techo_store_record_consent_sync (f->store, bad, NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_MISSING);
  g_clear_error (&error);
  list = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);
  g_assert_cmpint (count_audit (f, "consent"), ==, 0);

  g_assert_true (techo_store_record_consent_sync (f->store, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (c->id, >, 0);
  g_assert_true (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_SENT,
                                                     "fhir 24 resources to export.json",
                                                     NULL, &error));
  g_assert_no_error (error);

  read = techo_store_get_consent_sync (f->store, c->id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (read->recipient, ==, "みどり内科 田中先生");
  g_assert_cmpstr (read->purpose, ==, "定期受診の相談");
  g_assert_cmpuint (read->categories, ==, c->categories);
  g_assert_cmpstr (read->period_from, ==, "2023-01-01");
  g_assert_cmpint (read->method, ==, TECHO_CONSENT_METHOD_FHIR);
  g_assert_cmpstr (techo_consent_method_to_string (read->method), ==, "fhir");
  g_assert_cmpuint (read->events->len, ==, 2);
  e = g_ptr_array_index (read->events, 0);
  g_assert_cmpstr (e->event, ==, "created");
  e = g_ptr_array_index (read->events, 1);
  g_assert_cmpstr (e->event, ==, "sent");
  g_assert_cmpstr (e->detail, ==, "fhir 24 resources to export.json");
  g_assert_cmpint (count_audit (f, "consent"), ==, 1);
  g_assert_cmpint (count_audit (f, "export"), ==, 1);

  /* Revoked: nothing more may be sent; a second revoke is harmless. */
  g_assert_true (techo_store_revoke_consent_sync (f->store, c->id, NULL, &error));
  g_assert_true (techo_store_revoke_consent_sync (f->store, c->id, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_SENT,
                                                      "again", NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_LIVE);
  g_clear_error (&error);
  g_assert_cmpint (count_audit (f, "consent-revoke"), ==, 1);
  g_assert_cmpint (count_audit (f, "export"), ==, 1);

  g_assert_null (techo_store_get_consent_sync (f->store, 9999, NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (techo_store_add_consent_event_sync (f->store, 9999, "sent", NULL, NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Newest first. */
  {
    g_autoptr(TechoConsent) second = file_consent ();

    g_assert_true (techo_store_record_consent_sync (f->store, second, NULL, &error));
    list = techo_store_list_consents_sync (f->store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpint (((TechoConsent *) g_ptr_array_index (list, 0))->id, ==, second->id);
    g_assert_cmpstr (techo_consent_state (g_ptr_array_index (list, 1),
                                          g_get_real_time () / G_USEC_PER_SEC), ==, "revoked");
  }
}

static void
test_share_expiry (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) c = file_consent ();
  g_autoptr(GError) error = NULL;

  c->method = TECHO_CONSENT_METHOD_SHARE;
  c->expires_at = g_get_real_time () / G_USEC_PER_SEC + 2;
  g_assert_true (techo_store_record_consent_sync (f->store, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_ACCESS,
                                                     "manifest from 127.0.0.1", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_audit (f, "share-access"), ==, 1);
  g_usleep (3 * G_USEC_PER_SEC);
  g_assert_false (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_ACCESS,
                                                      "too late", NULL, &error));
  g_assert_error (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_LIVE);
  g_clear_error (&error);
  /* A refusal is still recorded. */
  g_assert_true (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_DENIED,
                                                     "expired", NULL, &error));
  g_assert_no_error (error);
}

/* A store that holds nobody: the export says so and records nothing. */
static void
test_empty_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("techo-empty-XXXXXX", &error);
  g_autofree char *out = g_build_filename (dir, "out.json", NULL);
  g_autoptr(TechoStore) store = techo_store_new (dir);
  g_autoptr(TechoConsent) c = file_consent ();
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(TechoVault) vault = techo_vault_new (dir);

  g_assert_true (techo_store_open_sync (store, NULL, NULL, &error));
  g_assert_false (techo_export_run_sync (store, 0, c,
                                         &(TechoExportFile) { TECHO_EXPORT_FORMAT_FHIR, out },
                                         NULL, &error));
  g_assert_error (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_NO_PROFILE);
  g_clear_error (&error);
  g_assert_cmpint (c->id, ==, 0);
  list = techo_store_list_consents_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_true (techo_store_erase_sync (store, NULL, &error));
  techo_vault_clear_all (vault, NULL, NULL);
  g_rmdir (dir);
}

/* Export formats: one spelling each (techo-cli export --format), read
 * back as written; the consent method of each is a method the consent
 * accepts. */
static void
test_export_formats (void)
{
  TechoExportFormat format = TECHO_EXPORT_N_FORMATS;

  for (guint i = 0; i < TECHO_EXPORT_N_FORMATS; i++)
    {
      const char *name = techo_export_format_to_string (i);
      g_autoptr(TechoConsent) consent = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_nonnull (name);
      g_assert_true (techo_export_format_from_string (name, &format));
      g_assert_cmpuint (format, ==, i);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (techo_export_format_to_string (j), !=, name);
      consent = techo_consent_new ("田中先生", "相談", 1u << TECHO_CATEGORY_CHECKUP,
                                   techo_export_format_method (i));
      g_assert_true (techo_consent_validate (consent, 1700000000, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpstr (techo_export_format_to_string (TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS), ==,
                   "fhir-documents");
  g_assert_cmpint (techo_export_format_method (TECHO_EXPORT_FORMAT_FHIR_DOCUMENTS), ==,
                   TECHO_CONSENT_METHOD_FHIR);
  format = TECHO_EXPORT_FORMAT_PDF;
  g_assert_false (techo_export_format_from_string ("FHIR", &format));
  g_assert_false (techo_export_format_from_string (NULL, &format));
  g_assert_cmpuint (format, ==, TECHO_EXPORT_FORMAT_PDF);
}

/* Each method has one name, and the name leads back to it. */
static void
test_method_names (void)
{
  TechoConsentMethod method = TECHO_CONSENT_METHOD_SHARE;

  for (guint i = TECHO_CONSENT_METHOD_NONE + 1; i < TECHO_CONSENT_N_METHODS; i++)
    {
      const char *name = techo_consent_method_to_string (i);

      g_assert_nonnull (name);
      for (guint j = TECHO_CONSENT_METHOD_NONE + 1; j < i; j++)
        g_assert_cmpstr (techo_consent_method_to_string (j), !=, name);
      g_assert_true (techo_consent_method_from_string (name, &method));
      g_assert_cmpint (method, ==, i);
    }
  g_assert_null (techo_consent_method_to_string (TECHO_CONSENT_METHOD_NONE));
  g_assert_null (techo_consent_method_to_string (TECHO_CONSENT_N_METHODS));
  g_assert_false (techo_consent_method_from_string ("FHIR", &method));
  g_assert_cmpint (method, ==, TECHO_CONSENT_METHOD_NONE);
  g_assert_false (techo_consent_method_from_string (NULL, &method));
  g_assert_true (techo_consent_method_is_file (TECHO_CONSENT_METHOD_CDA));
  g_assert_false (techo_consent_method_is_file (TECHO_CONSENT_METHOD_SHARE));
}

/* A restore while a share is live would erase the share's consent and
 * accesses (and a hosted share's delete token) from the ledger: refused,
 * nothing changed; once the share is stopped, the restore goes ahead. */
static void
test_restore_while_sharing (void)
{
  g_autoptr(TechoTestExport) f = techo_test_export_new ();
  g_autoptr(TechoConsent) c = file_consent ();
  g_autoptr(GPtrArray) ledger = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_build_filename (f->dir, "before-share.db", NULL);

  g_assert_true (techo_store_backup_sync (f->store, backup, NULL, &error));
  g_assert_no_error (error);
  c->method = TECHO_CONSENT_METHOD_SHARE;
  c->expires_at = g_get_real_time () / G_USEC_PER_SEC + 3600;
  g_assert_true (techo_store_record_consent_sync (f->store, c, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_add_consent_event_sync (f->store, c->id, TECHO_CONSENT_EVENT_ACCESS,
                                                     "manifest from 127.0.0.1", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (techo_store_restore_sync (f->store, backup, NULL, &error));
  g_assert_error (error, TECHO_STORE_ERROR, TECHO_STORE_ERROR_SHARING);
  g_clear_error (&error);
  ledger = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ledger->len, ==, 1);
  g_clear_pointer (&ledger, g_ptr_array_unref);

  /* Stopped: the restore brings back the store as it was before. */
  g_assert_true (techo_store_revoke_consent_sync (f->store, c->id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (techo_store_restore_sync (f->store, backup, NULL, &error));
  g_assert_no_error (error);
  ledger = techo_store_list_consents_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ledger->len, ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/consent/restore-while-sharing", test_restore_while_sharing);
  g_test_add_func ("/consent/method-names", test_method_names);
  g_test_add_func ("/consent/categories", test_categories);
  g_test_add_func ("/consent/export-formats", test_export_formats);
  g_test_add_func ("/consent/validate", test_validate);
  g_test_add_func ("/consent/ledger", test_ledger);
  g_test_add_func ("/consent/share-expiry", test_share_expiry);
  g_test_add_func ("/consent/empty-store", test_empty_store);
  return g_test_run ();
}
