/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-test-util.h: small helpers every test may use. Compiled into each
 * test by the foreach in tests/meson.build. */

#pragma once

#include <stdarg.h>

#include <gio/gio.h>

G_BEGIN_DECLS

/* The path of a program built in this tree, e.g. "src/cli/techo-cli",
 * under $TECHO_BUILD_ROOT (set by tests/meson.build). */
char     *techo_test_program_path (const char *relative_path);

/* Deletes @path and everything below it; a missing path is fine. */
void      techo_test_remove_tree  (const char *path);

/* TRUE when the bytes of the file at @path hold @needle anywhere
 * (binary-safe); FALSE when they do not or the file cannot be read. */
gboolean  techo_test_file_contains (const char *path,
                                    const char *needle);

/* Runs src/cli/techo-cli --data-dir @data_dir and the arguments after it
 * (NULL-terminated), its output silenced; returns its exit status. */
int       techo_test_run_cli      (const char *data_dir,
                                   const char *first_arg,
                                   ...) G_GNUC_NULL_TERMINATED;
/* The same with the arguments in @ap after @first_arg; with @out or @err
 * non-NULL, its output and errors are read into them (both piped). */
int       techo_test_run_cli_valist (const char  *data_dir,
                                     char       **out,
                                     char       **err,
                                     const char  *first_arg,
                                     va_list      ap);

/* Writes @length bytes of @data (-1: all of the text @data) to @dir/@name,
 * asserting it worked; returns the path. */
char     *techo_test_write_file   (const char *dir,
                                   const char *name,
                                   const char *data,
                                   gssize      length);

/* One file of a fuzz corpus: its name (ok-* files must read) and bytes. */
typedef void (*TechoTestCorpusFunc) (const char *name,
                                     const char *data,
                                     gsize       length,
                                     gpointer    user_data);

/* Replays tests/corpus/@parser: @func is called with every file in it,
 * read whole. Returns how many files there were. */
guint     techo_test_corpus_foreach (const char          *parser,
                                     TechoTestCorpusFunc  func,
                                     gpointer             user_data);

/* A medication notebook with every record type of the JAHIS 2.x layouts
 * (made up): its lines without line ends, NULL-terminated, the header
 * first. test-jahis splits it into parts by line number. */
extern const char *const techo_test_jahis_notebook[];

/* The real techo-share-host on loopback (--port 0, a data dir of its
 * own, the tree's viewer page), read up to its url= line. */
typedef struct
{
  GSubprocess *process;
  char *url;
  char *data_dir;
} TechoTestHost;

TechoTestHost *techo_test_host_start (void);
void           techo_test_host_stop  (TechoTestHost *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoTestHost, techo_test_host_stop)

G_END_DECLS
