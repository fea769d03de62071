/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench: benchmarks that print name=value lines.
 *
 *   techo-bench sync [--years N] [--per-month N] [--page-limit N] [--save-pages DIR]
 *   techo-bench parse --pages DIR [--path tree|stream|both] [--rounds N]
 *   techo-bench cipher [--rows N] [--cache-kib N] [--page-size N]
 *
 * Subcommands live in the table at the end of this file; add a row (and
 * a techo-bench-<name>.c if it is large) to add one. */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "techo-bench.h"
#include "techo-bench-chart.h"
#include "techo-bench-cipher.h"
#include "techo-bench-parse.h"
#include "techo-bench-startup.h"
#include "techo-bench-scale.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-json.h"
#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-records-json.h"
#include "techo-secure.h"
#include "techo-store.h"
#include "techo-sync.h"
#include "techo-vault.h"

/* ---- helpers shared by subcommands --------------------------------------- */

GSubprocess *
techo_bench_start_sandbox (const char * const  *extra_args,
                           char               **out_issuer,
                           GError             **error)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  const char *root = g_getenv ("TECHO_BUILD_ROOT");
  g_autofree char *self_dir = NULL;

  if (root != NULL)
    g_ptr_array_add (argv, g_build_filename (root, "src", "sandbox", "techo-sandbox", NULL));
  else
    {
      g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);

      self_dir = g_path_get_dirname (exe != NULL ? exe : ".");
      g_ptr_array_add (argv, g_build_filename (self_dir, "..", "sandbox", "techo-sandbox", NULL));
    }
  g_ptr_array_add (argv, g_strdup ("--port=0"));
  g_ptr_array_add (argv, g_strdup ("--seed=1"));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra_args[i]));
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               error);
  if (process == NULL)
    return NULL;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (guint i = 0; i < 16; i++)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, error);

      if (line == NULL)
        break;
      if (g_str_has_prefix (line, "issuer="))
        {
          *out_issuer = g_strdup (line + strlen ("issuer="));
          return g_steal_pointer (&process);
        }
    }
  g_subprocess_force_exit (process);
  if (error != NULL && *error == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "techo-sandbox printed no issuer");
  return NULL;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* A program of the build tree: under $TECHO_BUILD_ROOT, else beside this
 * one (src/bench/techo-bench → the build root two levels up). */
char *
techo_bench_built_program (const char *relative)
{
  const char *root = g_getenv ("TECHO_BUILD_ROOT");
  g_autofree char *exe = NULL;
  g_autofree char *dir = NULL;

  if (root != NULL)
    return g_build_filename (root, relative, NULL);
  exe = g_file_read_link ("/proc/self/exe", NULL);
  dir = g_path_get_dirname (exe != NULL ? exe : ".");
  return g_build_filename (dir, "..", "..", relative, NULL);
}

int
techo_bench_compare_double (const void *a,
                            const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

void
techo_bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        techo_bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---- sync ---------------------------------------------------------------- */

/* The bare loop: request, poll, pages; no parsing beyond finding the
 * next cursor, no storage. Returns the page bodies. */
static GPtrArray *
bare_fetch (const char  *issuer,
            const char  *token,
            guint        page_limit,
            GError     **error)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  g_autofree char *requests = g_strconcat (issuer, "/api/v1/requests", NULL);
  g_autofree char *process_id = NULL;
  g_autofree char *cursor = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *month = g_date_time_format (now, "%Y%m");
  g_autofree char *body = g_strdup_printf ("{\"category\":\"medication\",\"from\":\"190001\","
                                           "\"to\":\"%s\"}", month);

  {
    g_autoptr(SoupMessage) message = soup_message_new ("POST", requests);
    g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
    g_autoptr(GBytes) answer = NULL;
    const char *at, *end;

    soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    soup_message_set_request_body_from_bytes (message, "application/json", request);
    answer = soup_session_send_and_read (session, message, NULL, error);
    if (answer == NULL)
      return NULL;
    at = g_strstr_len (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "\"process_id\":\"");
    if (at == NULL || (end = strchr (at + 14, '"')) == NULL)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no process id");
        return NULL;
      }
    process_id = g_strndup (at + 14, end - (at + 14));
  }
  for (;;)
    {
      g_autofree char *url = g_strdup_printf ("%s/%s", requests, process_id);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      g_autoptr(GBytes) answer = NULL;

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
      answer = soup_session_send_and_read (session, message, NULL, error);
      if (answer == NULL)
        return NULL;
      if (g_strstr_len (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), "SUCCESS") != NULL)
        break;
      g_usleep (G_USEC_PER_SEC * 1);
    }
  for (;;)
    {
      g_autofree char *url = cursor == NULL
        ? g_strdup_printf ("%s/%s/result?limit=%u", requests, process_id, page_limit)
        : g_strdup_printf ("%s/%s/result?limit=%u&cursor=%s", requests, process_id, page_limit, cursor);
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      GBytes *answer;
      const char *data, *at, *end;
      gsize size;

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
      answer = soup_session_send_and_read (session, message, NULL, error);
      if (answer == NULL)
        return NULL;
      g_ptr_array_add (pages, answer);
      data = g_bytes_get_data (answer, &size);
      g_clear_pointer (&cursor, g_free);
      /* The cursor is the last member; look for it from the end. */
      at = g_strrstr_len (data, size, "\"next_cursor\":\"");
      if (at == NULL)
        break;
      end = memchr (at + 15, '"', size - (at + 15 - data));
      if (end == NULL)
        break;
      cursor = g_strndup (at + 15, end - (at + 15));
    }
  return g_steal_pointer (&pages);
}

/* The bare insert: the same rows into a fresh SQLCipher database (or,
 * with @keyed FALSE, a plain SQLite one) with one prepared statement in
 * one transaction. */
gboolean
techo_bench_bare_insert (const char  *path,
                         gboolean     keyed,
                         GPtrArray   *records,
                         GError     **error)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *insert = NULL;
  guint8 key[32];
  g_autofree char *hex = NULL;
  g_autofree char *pragma = NULL;
  gboolean ok = FALSE;

  if (!techo_random_bytes (key, sizeof key, error))
    return FALSE;
  hex = techo_hex_encode (key, sizeof key);
  if (keyed)
    pragma = g_strdup_printf ("PRAGMA key = \"x'%s'\"; PRAGMA cipher_page_size = 4096; "
                              "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", hex);
  else
    pragma = g_strdup ("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; "
                       "PRAGMA synchronous = FULL;");
  if (sqlite3_open (path, &db) != SQLITE_OK ||
      sqlite3_exec (db, pragma, NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "CREATE TABLE dispensings (id TEXT PRIMARY KEY, revision INTEGER, "
                        "withdrawn INTEGER, source TEXT, dispensed_on TEXT, prescribed_on TEXT, "
                        "setting TEXT, pharmacy_code TEXT, pharmacy_name TEXT, prescriber_code TEXT, "
                        "prescriber_name TEXT, prescriber_department TEXT, receipt_code TEXT, "
                        "yj_code TEXT, drug_name TEXT, ingredient_name TEXT, quantity REAL, "
                        "unit TEXT, usage TEXT, days INTEGER, dosage_form TEXT)",
                    NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO dispensings VALUES "
                              "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    goto out;
  for (guint i = 0; i < records->len; i++)
    {
      TechoDispensing *d = g_ptr_array_index (records, i);
      const char *texts[] = { d->source, d->dispensed_on, d->prescribed_on, d->setting,
                              d->pharmacy_code, d->pharmacy_name, d->prescriber_code,
                              d->prescriber_name, d->prescriber_department, d->receipt_code,
                              d->yj_code, d->drug_name, d->ingredient_name };

      sqlite3_bind_text (insert, 1, d->id, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 2, d->revision);
      sqlite3_bind_int (insert, 3, d->withdrawn);
      for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
        sqlite3_bind_text (insert, 4 + t, texts[t], -1, SQLITE_STATIC);
      sqlite3_bind_double (insert, 17, d->quantity);
      sqlite3_bind_text (insert, 18, d->unit, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 19, d->usage, -1, SQLITE_STATIC);
      sqlite3_bind_int (insert, 20, d->days);
      sqlite3_bind_text (insert, 21, d->dosage_form, -1, SQLITE_STATIC);
      if (sqlite3_step (insert) != SQLITE_DONE)
        goto out;
      sqlite3_reset (insert);
    }
  ok = sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;

out:
  if (!ok)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "bare insert failed: %s",
                 db != NULL ? sqlite3_errmsg (db) : "no database");
  sqlite3_finalize (insert);
  sqlite3_close (db);
  techo_wipe (key, sizeof key);
  return ok;
}

/* Parses the pages with json-glib's tree (as the sync did before it read
 * pages straight from the bytes), timing the JSON parse (limits, strict
 * check, json-glib) apart from reading the records out of it. */
static GPtrArray *
parse_pages (GPtrArray  *pages,
             double     *out_json_seconds,
             GError    **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) techo_dispensing_free);
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < pages->len; i++)
    {
      GBytes *page = g_ptr_array_index (pages, i);
      JsonObject *object = techo_json_parse_object_bounded (g_bytes_get_data (page, NULL),
                                                            g_bytes_get_size (page), NULL, error);

      if (object == NULL)
        return NULL;
      g_ptr_array_add (objects, object);
    }
  *out_json_seconds = seconds_since (start);
  for (guint i = 0; i < objects->len; i++)
    {
      g_autoptr(GPtrArray) records = NULL;

      records = techo_records_from_json_array (TECHO_CATEGORY_MEDICATION,
                                               techo_json_get_array (g_ptr_array_index (objects, i),
                                                                     "records"),
                                               1000, error);
      if (records == NULL)
        return NULL;
      g_ptr_array_set_free_func (records, NULL);
      g_ptr_array_extend_and_steal (all, g_steal_pointer (&records));
    }
  return g_steal_pointer (&all);
}

static int
bench_sync (int    argc,
            char **argv)
{
  int years = 40, per_month = 110, page_limit = 1000;
  gboolean cipher = FALSE;
  g_autofree char *save_pages = NULL;
  const GOptionEntry entries[] = {
    { "cipher", 0, 0, G_OPTION_ARG_NONE, &cipher,
      "Also weigh SQLCipher against plain SQLite on the same rows (as `techo-bench cipher`)",
      NULL },
    { "save-pages", 0, 0, G_OPTION_ARG_FILENAME, &save_pages,
      "Also write the fetched pages to DIR/page-NNNNN.json (for `techo-bench parse`)", "DIR" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, "Years of the bulk citizen (default 40)", "N" },
    { "per-month", 0, 0, G_OPTION_ARG_INT, &per_month, "Dispensings per month (default 110)", "N" },
    { "page-limit", 0, 0, G_OPTION_ARG_INT, &page_limit, "Records per page (default 1000)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("sync");
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *years_arg = NULL;
  g_autofree char *per_month_arg = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *bare_path = NULL;
  g_autofree char *plain_path = NULL;
  g_autofree char *bare_dir = NULL;
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoOAuth) oauth = NULL;
  g_autoptr(TechoPortalClient) client = NULL;
  g_autoptr(TechoSync) sync = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_auto(TechoSecret) token = NULL;
  TechoPortalLimits limits;
  TechoSyncProgress progress[TECHO_N_CATEGORIES] = { { 0 } };
  gint64 profile_id, start, stored;
  double sync_s, fetch_s, parse_s, json_s = 0, stream_s, insert_s, plain_insert_s, upsert_s;
  const char *sandbox_args[4];

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options, "Sync the sandbox's bulk citizen's medication history and "
                                         "compare with a bare HTTP fetch and a bare SQLCipher insert.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("techo-bench sync: %s\n", error->message);
      return 2;
    }

  years_arg = g_strdup_printf ("--bulk-years=%d", years);
  per_month_arg = g_strdup_printf ("--bulk-dispensings-per-month=%d", per_month);
  sandbox_args[0] = years_arg;
  sandbox_args[1] = per_month_arg;
  sandbox_args[2] = NULL;
  sandbox = techo_bench_start_sandbox (sandbox_args, &issuer, &error);
  if (sandbox == NULL)
    goto failed;

  /* Sign in as `bulk` through the same code as `techo-cli demo-login`. */
  data_dir = g_dir_make_tmp ("techo-bench-XXXXXX", &error);
  if (data_dir == NULL)
    goto failed;
  {
    TechoCliContext context = { g_strdup (data_dir) };
    char *login_argv[] = { (char *) "techo-bench demo-login", (char *) "--issuer", issuer,
                           (char *) "--citizen", (char *) "bulk", NULL };
    int status = techo_cli_demo_login (&context, G_N_ELEMENTS (login_argv) - 1, login_argv);

    g_free (context.data_dir);
    if (status != 0)
      {
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "demo-login failed (%d)", status);
        goto failed;
      }
  }

  store = techo_store_new (data_dir);
  if (!techo_store_open_sync (store, NULL, NULL, &error))
    goto failed;
  oauth = techo_oauth_new (techo_store_get_vault (store));
  if (!techo_oauth_load_sync (oauth, NULL, &error))
    goto failed;
  client = techo_portal_client_new (oauth, NULL);
  techo_portal_limits_init_default (&limits);
  limits.page_limit = page_limit;
  techo_portal_client_set_limits (client, &limits);
  profile_id = techo_sync_prepare_profile (store, oauth, client, NULL, NULL, &error);
  if (profile_id == 0)
    goto failed;

  /* 1. The sync, as the app and the CLI run it. */
  sync = techo_sync_new (store, client, profile_id);
  start = g_get_monotonic_time ();
  if (!techo_sync_run_sync (sync, 1u << TECHO_CATEGORY_MEDICATION, progress, NULL, &error))
    goto failed;
  sync_s = seconds_since (start);
  stored = techo_store_count_sync (store, profile_id, TECHO_STORE_COUNT_MEDICATION, NULL, NULL);

  /* 2. The same pages with a bare HTTP loop. */
  token = techo_oauth_get_access_token (oauth, NULL, &error);
  if (token == NULL)
    goto failed;
  start = g_get_monotonic_time ();
  pages = bare_fetch (issuer, token, page_limit, &error);
  if (pages == NULL)
    goto failed;
  fetch_s = seconds_since (start);
  if (save_pages != NULL)
    {
      if (g_mkdir_with_parents (save_pages, 0700) != 0)
        {
          g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot create %s", save_pages);
          goto failed;
        }
      for (guint i = 0; i < pages->len; i++)
        {
          g_autofree char *name = g_strdup_printf ("page-%05u.json", i);
          g_autofree char *file = g_build_filename (save_pages, name, NULL);
          GBytes *page = g_ptr_array_index (pages, i);

          if (!g_file_set_contents (file, g_bytes_get_data (page, NULL),
                                    (gssize) g_bytes_get_size (page), &error))
            goto failed;
        }
    }

  /* Where the sync's time goes: parsing, and our store's upserts. */
  start = g_get_monotonic_time ();
  rows = parse_pages (pages, &json_s, &error);
  if (rows == NULL)
    goto failed;
  parse_s = seconds_since (start);
  /* The sync itself reads pages straight from the bytes (no tree). */
  start = g_get_monotonic_time ();
  if (techo_bench_parse_pages_stream (pages, &error) != rows->len)
    goto failed;
  stream_s = seconds_since (start);

  /* 3. The same rows into a fresh SQLCipher database. */
  bare_dir = g_dir_make_tmp ("techo-bench-bare-XXXXXX", &error);
  if (bare_dir == NULL)
    goto failed;
  bare_path = g_build_filename (bare_dir, "bare.db", NULL);
  start = g_get_monotonic_time ();
  if (!techo_bench_bare_insert (bare_path, TRUE, rows, &error))
    goto failed;
  insert_s = seconds_since (start);
  /* … and into a plain SQLite one: what the encryption costs. */
  plain_path = g_build_filename (bare_dir, "plain.db", NULL);
  start = g_get_monotonic_time ();
  if (!techo_bench_bare_insert (plain_path, FALSE, rows, &error))
    goto failed;
  plain_insert_s = seconds_since (start);

  {
    g_autofree char *upsert_dir = g_dir_make_tmp ("techo-bench-upsert-XXXXXX", NULL);
    g_autoptr(TechoStore) fresh = techo_store_new (upsert_dir);
    g_autoptr(TechoProfile) profile = techo_profile_new ();
    gint64 fresh_id = 0;

    profile->issuer = g_strdup (issuer);
    profile->subject = g_strdup ("bench");
    if (!techo_store_open_sync (fresh, NULL, NULL, &error) ||
        !techo_store_ensure_profile_sync (fresh, profile, &fresh_id, NULL, &error))
      goto failed;
    start = g_get_monotonic_time ();
    for (guint i = 0; i < rows->len; i += page_limit)
      {
        g_autoptr(GPtrArray) page = g_ptr_array_new ();

        for (guint j = i; j < rows->len && j < i + (guint) page_limit; j++)
          g_ptr_array_add (page, g_ptr_array_index (rows, j));
        if (!techo_store_upsert_page_sync (fresh, fresh_id, TECHO_CATEGORY_MEDICATION, page,
                                           "{}", NULL, &error))
          goto failed;
      }
    upsert_s = seconds_since (start);
    techo_vault_clear_all (techo_store_get_vault (fresh), NULL, NULL);
    techo_store_close_sync (fresh, NULL, NULL);
    techo_bench_remove_tree (upsert_dir);
  }

  g_print ("citizen=bulk\n");
  g_print ("bulk_years=%d\n", years);
  g_print ("page_limit=%d\n", page_limit);
  g_print ("records=%u\n", progress[TECHO_CATEGORY_MEDICATION].records);
  g_print ("records_stored=%" G_GINT64_FORMAT "\n", stored);
  g_print ("pages=%u\n", progress[TECHO_CATEGORY_MEDICATION].pages);
  g_print ("http_requests=%u\n", techo_portal_client_get_n_requests (client));
  g_print ("sync_seconds=%.3f\n", sync_s);
  g_print ("sync_records_per_second=%.0f\n", progress[TECHO_CATEGORY_MEDICATION].records / sync_s);
  g_print ("fetch_seconds=%.3f\n", fetch_s);
  g_print ("parse_seconds=%.3f\n", parse_s);
  g_print ("parse_json_seconds=%.3f\n", json_s);
  g_print ("parse_stream_seconds=%.3f\n", stream_s);
  g_print ("store_upsert_seconds=%.3f\n", upsert_s);
  g_print ("insert_seconds=%.3f\n", insert_s);
  g_print ("insert_rows=%u\n", rows->len);
  g_print ("plain_insert_seconds=%.3f\n", plain_insert_s);
  g_print ("cipher_insert_ratio=%.2f\n", insert_s / plain_insert_s);
  g_print ("sync_ratio=%.2f\n", sync_s / (fetch_s + insert_s));
  if (cipher && !techo_bench_cipher_compare (rows, page_limit, 0, 0, 1, &error))
    goto failed;

  techo_vault_clear_all (techo_store_get_vault (store), NULL, NULL);
  techo_store_close_sync (store, NULL, NULL);
  techo_bench_remove_tree (data_dir);
  techo_bench_remove_tree (bare_dir);
  g_subprocess_force_exit (sandbox);
  return 0;

failed:
  g_printerr ("techo-bench sync: %s\n", error != NULL ? error->message : "failed");
  if (sandbox != NULL)
    g_subprocess_force_exit (sandbox);
  if (data_dir != NULL)
    techo_bench_remove_tree (data_dir);
  if (bare_dir != NULL)
    techo_bench_remove_tree (bare_dir);
  return 1;
}

/* ---- the table ------------------------------------------------------------ */

static const TechoBenchCommand commands[] = {
  { "sync", "Sync the bulk citizen and compare with bare fetch + insert", bench_sync },
  { "parse", "Parse saved pages with json-glib's tree and with the streaming reader", techo_bench_parse },
  { "chart", "Render the trend chart with 1,000 and 100,000 points", techo_bench_chart },
  { "startup", "Exec to the dashboard's first frame (bulk store) vs a bare window", techo_bench_startup },
  { "cipher", "The store's writes and view-like reads, SQLCipher vs plain SQLite", techo_bench_cipher },
  { "scale", "Each view's query at 5k, 52k and 525k lines; the app's history scroll", techo_bench_scale },
};

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (g_str_equal (argv[1], commands[i].name))
        return commands[i].run (argc - 1, argv + 1);

  g_print ("Usage: techo-bench COMMAND [OPTIONS…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, commands[i].summary);
  g_print ("\nEach prints name=value lines on stdout.\n");
  return argc >= 2 && (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h")) ? 0 : 2;
}
