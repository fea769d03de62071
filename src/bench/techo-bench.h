/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench.h: what techo-bench subcommands share. A subcommand is a
 * row in the table of techo-bench.c: a name, a summary and a function
 * that gets argv starting at its own name and prints name=value lines. */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *summary;
  int (*run) (int argc, char **argv);
} TechoBenchCommand;

/* Starts the built techo-sandbox (--port=0 --seed=1 + @extra_args) and
 * returns it with its issuer URL. */
GSubprocess *techo_bench_start_sandbox (const char * const  *extra_args,
                                        char               **out_issuer,
                                        GError             **error);

/* The yardstick of the store's writes: @records (TechoDispensing) into a
 * fresh database at @path, SQLCipher (@keyed) or plain SQLite, one table
 * with one key, one prepared statement, one transaction. */
gboolean     techo_bench_bare_insert   (const char  *path,
                                        gboolean     keyed,
                                        GPtrArray   *records,
                                        GError     **error);
/* Removes @path and everything under it (a scratch folder). */
void         techo_bench_remove_tree   (const char          *path);
/* A program of the build tree, by its path under the build root. */
char        *techo_bench_built_program (const char          *relative);
/* qsort's comparison of doubles, ascending. */
int          techo_bench_compare_double (const void         *a,
                                         const void         *b);

G_END_DECLS
