/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench cipher: the store's work with SQLCipher and with plain
 * SQLite (see techo-bench-cipher.h). */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "techo-bench.h"
#include "techo-bench-cipher.h"
#include "techo-records.h"
#include "techo-secure.h"
#include "techo-store.h"

/* Places in the history each view query is asked at. */
#define VIEW_PLACES 200

/* CPU time of the calling thread, which does all the work here: the
 * machine's other load moves it far less than the wall clock. Waits for
 * the disk (fsync) are left out, on both sides alike. */
static gint64
cpu_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static double
seconds_since (gint64 start)
{
  return (cpu_now () - start) / (double) G_USEC_PER_SEC;
}

static void
remove_store_files (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* A fresh connection set up as the store's; @cache_kib 0 keeps the
 * store's page cache. */
/* One store file's run: where, how it is opened, what it is given. */
typedef struct
{
  const char *path;
  const char *key_material;  /* NULL: plain SQLite */
  guint cache_kib;           /* 0: the store's */
  guint page_size;           /* 0: the store's */
  GPtrArray *rows;
  guint page_limit;
  int first_month;
  int last_month;
  guint64 sink;              /* bytes of text read, so no read is left out */
} Workload;

typedef gboolean (*WorkFunc) (TechoSqlite  *db,
                              Workload     *w,
                              GError      **error);

static TechoSqlite *
open_db (const Workload  *w,
         GError         **error)
{
  TechoSqlite *db = techo_store_open_connection (w->path, w->key_material, w->page_size, error);

  if (db != NULL && w->cache_kib != 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%u", w->cache_kib);

      if (!techo_sqlite_exec (db, sql, error))
        g_clear_pointer (&db, techo_sqlite_close);
    }
  return db;
}

static gboolean
write_rows (TechoSqlite  *db,
            Workload     *w,
            GError      **error)
{
  GPtrArray *rows = w->rows;
  guint page_limit = w->page_limit;

  if (!techo_sqlite_exec (db, "INSERT INTO profiles (id, issuer, subject, created_at)"
                              " VALUES (1, 'bench', 'bench', 0)", error))
    return FALSE;
  for (guint i = 0; i < rows->len; i += page_limit)
    {
      g_autoptr(GPtrArray) page = g_ptr_array_new ();
      g_autofree char *state = NULL;

      for (guint j = i; j < rows->len && j < i + page_limit; j++)
        g_ptr_array_add (page, g_ptr_array_index (rows, j));
      /* A state of the sync's size, as the sync writes with each page. */
      state = g_strdup_printf ("{\"watermark\":null,\"from\":\"190001\",\"to\":\"209912\","
                               "\"process_id\":\"bench\",\"cursor\":\"%u\"}", i + page_limit);
      if (!techo_store_upsert_page_on (db, 1, TECHO_CATEGORY_MEDICATION, page, state, NULL,
                                       error))
        return FALSE;
    }
  return TRUE;
}

/* Steps @s to the end, reading each row's text as a view would. */
static gboolean
drain (TechoSqliteStatement  *s,
       guint64               *sink,
       GError               **error)
{
  g_autoptr(GError) local_error = NULL;

  while (techo_sqlite_step (s, &local_error))
    {
      const char *text = techo_sqlite_column_text (s, 0);

      *sink += text != NULL ? strlen (text) : 0;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* The month @index months after 1900-01, as "YYYY-MM-01". */
static char *
month_date (int index)
{
  return g_strdup_printf ("%04d-%02d-01", 1900 + index / 12, index % 12 + 1);
}

static gboolean
view_queries (TechoSqlite  *db,
              Workload     *w,
              GError      **error)
{
  static const char *const sql[] = {
    /* the timeline's window */
    "SELECT drug_name, dispensed_on, quantity, days, pharmacy_name FROM dispensings"
    " WHERE profile_id = 1 AND dispensed_on >= ?1 AND dispensed_on < ?2"
    " AND withdrawn = 0 ORDER BY dispensed_on DESC",
    /* a page of the history from a date */
    "SELECT drug_name, dispensed_on, quantity, days, pharmacy_name, usage FROM dispensings"
    " WHERE profile_id = 1 AND dispensed_on < ?2 AND withdrawn = 0"
    " ORDER BY dispensed_on DESC LIMIT 100",
    /* the overview's months */
    "SELECT substr (dispensed_on, 1, 7), count(*) FROM dispensings"
    " WHERE profile_id = 1 AND dispensed_on >= ?1 AND dispensed_on < ?2"
    " AND withdrawn = 0 GROUP BY 1",
  };
  int span = MAX (w->last_month - w->first_month, 1);

  for (guint place = 0; place < VIEW_PLACES; place++)
    {
      /* Spread over the history, not in order. */
      int month = w->first_month + (int) ((place * 7919u) % (guint) span);

      for (guint q = 0; q < G_N_ELEMENTS (sql); q++)
        {
          g_autoptr(TechoSqliteStatement) s = techo_sqlite_prepare_cached (db, sql[q], error);
          g_autofree char *from = month_date (q == 2 ? month - 12 : month - 2);
          g_autofree char *to = month_date (month + 1);

          if (s == NULL)
            return FALSE;
          techo_sqlite_bind_text (s, 1, from);
          techo_sqlite_bind_text (s, 2, to);
          if (!drain (s, &w->sink, error))
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
scan_query (TechoSqlite  *db,
            Workload     *w,
            GError      **error)
{
  g_autoptr(TechoSqliteStatement) s = NULL;

  s = techo_sqlite_prepare (db, "SELECT drug_name, dispensed_on, quantity, days, pharmacy_name,"
                                " usage, yj_code, prescriber_name FROM dispensings"
                                " WHERE profile_id = 1 ORDER BY dispensed_on DESC", error);
  return s != NULL && drain (s, &w->sink, error);
}

/* Seconds, and only those: keep_least walks them as an array. */
typedef struct
{
  double insert;
  double write;
  double view;
  double view_warm;
  double scan;
} Figures;

/* @func on a connection of its own, so the page cache starts empty (the
 * file itself is in the OS's cache for both), timed into @seconds; with
 * @again, once more on the same connection, as when the person goes back
 * to a page: what the page cache keeps is not decrypted again. */
static gboolean
timed (Workload  *w,
       WorkFunc   func,
       double    *seconds,
       double    *again,
       GError   **error)
{
  TechoSqlite *db = open_db (w, error);
  gint64 start;
  gboolean ok;

  if (db == NULL)
    return FALSE;
  start = cpu_now ();
  ok = func (db, w, error);
  *seconds = seconds_since (start);
  if (ok && again != NULL)
    {
      start = cpu_now ();
      ok = func (db, w, error);
      *again = seconds_since (start);
    }
  techo_sqlite_close (db);
  return ok;
}

static gboolean
run_workloads (Workload  *w,
               Figures   *out,
               GError   **error)
{
  gint64 start;

  w->sink = 0;
  /* The yardstick: the same rows, one table, one key, one transaction. */
  remove_store_files (w->path);
  start = cpu_now ();
  if (!techo_bench_bare_insert (w->path, w->key_material != NULL, w->rows, error))
    return FALSE;
  out->insert = seconds_since (start);

  remove_store_files (w->path);
  if (!timed (w, write_rows, &out->write, NULL, error) ||
      !timed (w, view_queries, &out->view, &out->view_warm, error) ||
      !timed (w, scan_query, &out->scan, NULL, error))
    return FALSE;
  g_debug ("read %" G_GUINT64_FORMAT " bytes of text", w->sink);
  return TRUE;
}

/* Keeps in @least the least of each figure over the rounds. */
static void
keep_least (Figures       *least,
            const Figures *f,
            guint          round)
{
  double *to = (double *) least;
  const double *from = (const double *) f;

  for (guint i = 0; i < sizeof (Figures) / sizeof (double); i++)
    to[i] = round == 0 ? from[i] : MIN (to[i], from[i]);
}

static int
month_of (const char *date)
{
  if (date == NULL || strlen (date) < 7)
    return 0;
  return ((int) g_ascii_strtoll (date, NULL, 10) - 1900) * 12 +
         (int) g_ascii_strtoll (date + 5, NULL, 10) - 1;
}

gboolean
techo_bench_cipher_compare (GPtrArray  *rows,
                            guint       page_limit,
                            guint       cache_kib,
                            guint       page_size,
                            guint       rounds,
                            GError    **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *cipher_path = NULL;
  g_autofree char *plain_path = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *key_material = NULL;
  guint8 key[32];
  Figures cipher = { 0 }, plain = { 0 };
  Workload w = { NULL, NULL, cache_kib, page_size, rows, page_limit };
  int first_month = G_MAXINT, last_month = 0;
  gboolean ok;

  for (guint i = 0; i < rows->len; i++)
    {
      const TechoDispensing *d = g_ptr_array_index (rows, i);
      int month = month_of (d->dispensed_on);

      first_month = MIN (first_month, month);
      last_month = MAX (last_month, month);
    }
  if (first_month > last_month)
    first_month = last_month;
  w.first_month = first_month;
  w.last_month = last_month;

  dir = g_dir_make_tmp ("techo-bench-cipher-XXXXXX", error);
  if (dir == NULL || !techo_random_bytes (key, sizeof key, error))
    return FALSE;
  hex = techo_hex_encode (key, sizeof key);
  techo_wipe (key, sizeof key);
  key_material = g_strdup_printf ("x'%s'", hex);
  techo_wipe (hex, strlen (hex));
  cipher_path = g_build_filename (dir, "cipher.db", NULL);
  plain_path = g_build_filename (dir, "plain.db", NULL);

  /* Plain and encrypted in turn, @rounds times; the least of each. */
  ok = TRUE;
  for (guint round = 0; ok && round < MAX (rounds, 1); round++)
    {
      Figures p = { 0 }, c = { 0 };

      w.path = plain_path;
      w.key_material = NULL;
      ok = run_workloads (&w, &p, error);
      w.path = cipher_path;
      w.key_material = key_material;
      ok = ok && run_workloads (&w, &c, error);
      if (ok)
        {
          keep_least (&plain, &p, round);
          keep_least (&cipher, &c, round);
        }
    }
  techo_wipe (key_material, strlen (key_material));
  remove_store_files (cipher_path);
  remove_store_files (plain_path);
  g_rmdir (dir);
  if (!ok)
    return FALSE;

  if (cache_kib != 0)
    g_print ("cipher_cache_kib=%u\n", cache_kib);
  else
    g_print ("cipher_cache_kib=store\n");
  if (page_size != 0)
    g_print ("cipher_page_size=%u\n", page_size);
  else
    g_print ("cipher_page_size=store\n");
  g_print ("cipher_rounds=%u\n", MAX (rounds, 1));
  g_print ("bare_insert_plain_seconds=%.3f\n", plain.insert);
  g_print ("bare_insert_cipher_seconds=%.3f\n", cipher.insert);
  g_print ("cipher_bare_insert_ratio=%.2f\n", cipher.insert / plain.insert);
  g_print ("upsert_over_bare_insert=%.2f\n", cipher.write / cipher.insert);
  g_print ("write_plain_seconds=%.3f\n", plain.write);
  g_print ("write_cipher_seconds=%.3f\n", cipher.write);
  g_print ("cipher_write_ratio=%.2f\n", cipher.write / plain.write);
  g_print ("view_plain_seconds=%.3f\n", plain.view);
  g_print ("view_cipher_seconds=%.3f\n", cipher.view);
  g_print ("cipher_view_ratio=%.2f\n", cipher.view / plain.view);
  g_print ("view_warm_plain_seconds=%.3f\n", plain.view_warm);
  g_print ("view_warm_cipher_seconds=%.3f\n", cipher.view_warm);
  g_print ("cipher_view_warm_ratio=%.2f\n", cipher.view_warm / plain.view_warm);
  g_print ("scan_plain_seconds=%.3f\n", plain.scan);
  g_print ("scan_cipher_seconds=%.3f\n", cipher.scan);
  g_print ("cipher_scan_ratio=%.2f\n", cipher.scan / plain.scan);
  return TRUE;
}

/* Medication lines like the sandbox's bulk citizen's: @per_month a month
 * for as many months as it takes, ids in date order. */
static GPtrArray *
make_rows (guint rows,
           guint per_month)
{
  static const char *const drugs[][3] = {
    { "620000001", "アムロジピン錠5mg「サワイ」", "アムロジピンベシル酸塩" },
    { "620000002", "メトホルミン塩酸塩錠250mgMT「トーワ」", "メトホルミン塩酸塩" },
    { "620000003", "ロスバスタチン錠2.5mg「DSEP」", "ロスバスタチンカルシウム" },
    { "620000004", "ファモチジン錠20mg「サワイ」", "ファモチジン" },
  };
  GPtrArray *out = g_ptr_array_new_full (rows, (GDestroyNotify) techo_dispensing_free);
  guint32 seed = 1;

  per_month = MAX (per_month, 1);
  for (guint i = 0; i < rows; i++)
    {
      TechoDispensing *d = techo_dispensing_new ();
      guint month = i / per_month;
      guint pick;

      seed = seed * 1103515245u + 12345u;
      pick = (seed >> 16) % G_N_ELEMENTS (drugs);
      d->dispensed_on = g_strdup_printf ("%04u-%02u-%02u", 1986 + month / 12, month % 12 + 1,
                                         1 + (seed >> 8) % 28);
      d->prescribed_on = g_strdup (d->dispensed_on);
      d->id = g_strdup_printf ("med-bench-c-%s-%u-%u", d->dispensed_on, i % 2, i);
      d->revision = 1;
      d->source = g_strdup ("claims");
      d->setting = g_strdup ("outpatient");
      d->pharmacy_code = g_strdup (i % 2 == 0 ? "1312345678" : "1312345679");
      d->pharmacy_name = g_strdup (i % 2 == 0 ? "さくら薬局 本店" : "みどり薬局");
      d->prescriber_code = g_strdup ("1311111111");
      d->prescriber_name = g_strdup ("山田内科クリニック");
      d->prescriber_department = g_strdup ("内科");
      d->receipt_code = g_strdup (drugs[pick][0]);
      d->yj_code = g_strdup_printf ("2149%03u F1%03u", pick, pick);
      d->drug_name = g_strdup (drugs[pick][1]);
      d->ingredient_name = g_strdup (drugs[pick][2]);
      d->quantity = 28;
      d->unit = g_strdup ("錠");
      d->usage = g_strdup ("1日1回朝食後");
      d->days = 28;
      d->dosage_form = g_strdup ("内服");
      d->provenance.origin = TECHO_ORIGIN_PORTAL;
      g_ptr_array_add (out, d);
    }
  return out;
}

int
techo_bench_cipher (int    argc,
                    char **argv)
{
  int rows = 52580, per_month = 110, page_limit = 1000, cache_kib = 0, page_size = 0;
  int rounds = 3;
  const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, "Medication lines (default 52580)", "N" },
    { "per-month", 0, 0, G_OPTION_ARG_INT, &per_month, "Lines per month (default 110)", "N" },
    { "page-limit", 0, 0, G_OPTION_ARG_INT, &page_limit, "Lines per page (default 1000)", "N" },
    { "cache-kib", 0, 0, G_OPTION_ARG_INT, &cache_kib,
      "Page cache in KiB (default: the store's)", "N" },
    { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Rounds; the least time counts (default 3)",
      "N" },
    { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size,
      "Page size (default: the store's, 4096)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("cipher");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) made = NULL;

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_set_summary (options, "The store's writes and view-like reads with SQLCipher "
                                         "and with plain SQLite.");
  if (!g_option_context_parse (options, &argc, &argv, &error))
    {
      g_printerr ("techo-bench cipher: %s\n", error->message);
      return 2;
    }
  if (rows < 1 || rounds < 1 || rounds > 100 || per_month < 1 || page_limit < 1 || page_limit > TECHO_STORE_MAX_PAGE_RECORDS ||
      cache_kib < 0 || (page_size != 0 && (page_size < 512 || page_size > 65536 ||
                                           (page_size & (page_size - 1)) != 0)))
    {
      g_printerr ("techo-bench cipher: an option is out of range\n");
      return 2;
    }
  made = make_rows (rows, per_month);
  g_print ("rows=%d\n", rows);
  g_print ("page_limit=%d\n", page_limit);
  if (!techo_bench_cipher_compare (made, page_limit, cache_kib, page_size, rounds, &error))
    {
      g_printerr ("techo-bench cipher: %s\n", error->message);
      return 1;
    }
  return 0;
}
