/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

/* techo-bench cipher [--rows N] [--per-month N] [--page-limit N]
 *                    [--rounds N] [--cache-kib N] [--page-size N]:
 * what SQLCipher costs the store, against plain SQLite, on the store's own
 * code and schema (techo_store_open_connection, keyed or not):
 *
 *   bare_insert  the yardstick of `techo-bench sync`: the rows into one
 *          table with one key in one transaction (upsert_over_bare_insert
 *          is write / bare_insert, both encrypted);
 *   write  the sync's work: N medication lines upserted a page (one
 *          transaction) at a time with the sync state, as
 *          techo_store_upsert_page_sync does;
 *   view   what the pages ask, on a fresh connection (a cold page cache,
 *          as after start): 3-month windows of the timeline, 100-line
 *          pages of the history from a date, the overview's counts of the
 *          last 13 months, each at 200 places spread over the history;
 *   view_warm  the same again on that connection (going back to a
 *          page: what the page cache kept is not decrypted again);
 *   scan   the whole history read once, newest first, on a fresh
 *          connection.
 *
 * Times are the CPU time of the thread doing the work (the machine's
 * other load moves them far less than the wall clock), the least of
 * --rounds rounds. It prints <workload>_cipher_seconds,
 * <workload>_plain_seconds and cipher_<workload>_ratio. --cache-kib and --page-size weigh other
 * settings than the store's (docs/store.md has the figures). */

#include <glib.h>

int      techo_bench_cipher         (int    argc,
                                     char **argv);

/* The same comparison on @rows (TechoDispensing), for `techo-bench sync`:
 * @rounds rounds of plain then encrypted, the least time of each counts.
 * @cache_kib and @page_size 0: the store's. */
gboolean techo_bench_cipher_compare (GPtrArray  *rows,
                                     guint       page_limit,
                                     guint       cache_kib,
                                     guint       page_size,
                                     guint       rounds,
                                     GError    **error);
