/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-bench startup: what a person feels when Techo opens on a lifetime
 * of records — the time from exec to the dashboard's first frame, the
 * memory at that frame, and the memory of a used, settled app: after the
 * first frame the app (TECHO_BENCH_FIRST_FRAME=walk) opens every page once
 * and scrolls the medicine history end to end, then idles for the settle
 * time (15 s) before its resident memory is read — against a bare
 * AdwApplicationWindow and, where Debian's gnome-text-editor is installed,
 * that app as a peer (which settle as long), all measured in the same run.
 * The app's own figures come too: where the time before its first frame
 * went (mark_*_ms, from the spawn), each page's switch (switch_*_ms) and
 * the scroll (scroll_*), as medians over the runs with an app_ prefix. */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <gio/gunixinputstream.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-bench.h"
#include "techo-bench-startup.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"

#define MAX_RUNS 15
/* How long the app may take to open every page and scroll the history. */
#define WALK_SECONDS 300

typedef struct
{
  double first_ms;       /* exec to the first frame */
  double first_rss_kb;   /* resident memory at the first frame */
  double settled_rss_kb; /* resident memory after the walk and the settle time */
  GData *figures;        /* the app's own NAME=VALUE lines (double *), or NULL */
  GPtrArray *names;      /* their names, in the order they came */
} Sample;

/* VmRSS of process @pid in kB, or 0. */
static long
rss_of (const char *pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *rss;

  if (pid == NULL || !g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  rss = strstr (status, "VmRSS:");
  return rss != NULL ? strtol (rss + 6, NULL, 10) : 0;
}

/* The next line of @lines, or NULL at the end, on an error or when none
 * came before @deadline (monotonic µs): a hung program does not hang the
 * bench. */
static char *
read_line_before (GDataInputStream  *lines,
                  GInputStream      *pipe,
                  gint64             deadline,
                  GError           **error)
{
  gsize buffered = 0;
  const char *buffer = g_buffered_input_stream_peek_buffer (G_BUFFERED_INPUT_STREAM (lines),
                                                            &buffered);

  if (buffered == 0 || memchr (buffer, '\n', buffered) == NULL)
    {
      struct pollfd fd = { g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (pipe)), POLLIN, 0 };
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;

      if (left <= 0 || poll (&fd, 1, (int) MIN (left, G_MAXINT)) <= 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "no answer in time");
          return NULL;
        }
    }
  return g_data_input_stream_read_line (lines, NULL, NULL, error);
}

static void
sample_add_figure (Sample     *out,
                   const char *name,
                   double      value)
{
  double *slot = g_new (double, 1);

  *slot = value;
  if (out->names == NULL)
    out->names = g_ptr_array_new_with_free_func (g_free);
  if (g_datalist_get_data (&out->figures, name) == NULL)
    g_ptr_array_add (out->names, g_strdup (name));
  g_datalist_set_data_full (&out->figures, name, slot, g_free);
}

static void
sample_clear (Sample *sample)
{
  g_datalist_clear (&sample->figures);
  g_clear_pointer (&sample->names, g_ptr_array_unref);
}

/* Runs @argv (which prints "first-frame" and "rss_kb=" at its first frame,
 * then its own figures up to "marks-done", and with
 * TECHO_BENCH_FIRST_FRAME=walk walks its pages, prints "walked" and goes
 * on running); fills @out. @walk FALSE: "stay", idle from the first
 * frame. */
static gboolean
measure_own (const char * const  *argv,
             const char          *data_dir,
             guint                settle_seconds,
             gboolean             walk,
             Sample              *out,
             GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *start_text = NULL;
  GInputStream *pipe;
  gboolean marks_done = FALSE, walked = FALSE;
  gint64 start, deadline;
  char *line;

  g_subprocess_launcher_setenv (launcher, "TECHO_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TECHO_BENCH_FIRST_FRAME",
                                settle_seconds == 0 ? "1" : walk ? "walk" : "stay", TRUE);
  start = g_get_monotonic_time ();
  start_text = g_strdup_printf ("%" G_GINT64_FORMAT, start);
  g_subprocess_launcher_setenv (launcher, "TECHO_BENCH_START_US", start_text, TRUE);
  deadline = start + 120 * G_USEC_PER_SEC;
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;
  pipe = g_subprocess_get_stdout_pipe (process);
  lines = g_data_input_stream_new (pipe);
  out->first_ms = -1;
  out->first_rss_kb = 0;
  out->figures = NULL;
  out->names = NULL;
  /* The first frame, the app's figures, then (walking) the walk's. */
  while ((line = read_line_before (lines, pipe, deadline, error)) != NULL)
    {
      const char *eq = strchr (line, '=');

      if (g_str_equal (line, "first-frame"))
        {
          out->first_ms = (g_get_monotonic_time () - start) / 1000.0;
          deadline = g_get_monotonic_time () + WALK_SECONDS * G_USEC_PER_SEC;
        }
      else if (g_str_has_prefix (line, "rss_kb="))
        out->first_rss_kb = strtol (line + 7, NULL, 10);
      else if (g_str_equal (line, "marks-done"))
        marks_done = TRUE;
      else if (g_str_equal (line, "walked"))
        walked = TRUE;
      else if (eq != NULL && out->first_ms >= 0)
        {
          g_autofree char *name = g_strndup (line, eq - line);

          sample_add_figure (out, name, g_ascii_strtod (eq + 1, NULL));
        }
      g_free (line);
      if (out->first_ms >= 0 && out->first_rss_kb > 0 && marks_done
          && (settle_seconds == 0 || !walk || walked))
        break;
    }
  out->settled_rss_kb = out->first_rss_kb;
  if (out->first_ms >= 0 && settle_seconds > 0)
    {
      g_usleep ((gulong) settle_seconds * G_USEC_PER_SEC);
      out->settled_rss_kb = rss_of (g_subprocess_get_identifier (process));
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  if (out->first_ms < 0 || (walk && settle_seconds > 0 && !walked))
    {
      g_autofree char *why = g_strdup (error != NULL && *error != NULL ? (*error)->message
                                       : "it ended");

      g_clear_error (error);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s %s (%s)", argv[0],
                   out->first_ms < 0 ? "never showed a frame" : "did not finish its walk", why);
      return FALSE;
    }
  g_clear_error (error);
  return TRUE;
}

/* Is a window titled @title on the X display? (xwininfo's tree of the
 * root window names every top-level window.) */
static gboolean
peer_window_mapped (const char *title)
{
  g_autofree char *out = NULL;
  const char *argv[] = { "xwininfo", "-root", "-tree", NULL };

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, NULL, NULL))
    return FALSE;
  return out != NULL && strstr (out, title) != NULL;
}

/* Debian's gnome-text-editor as a peer: exec to its window being mapped
 * (polled every 5 ms through the X server), and its memory then and after
 * the same settle time. */
static gboolean
measure_peer (const char  *program,
              guint        settle_seconds,
              Sample      *out,
              GError     **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *home = g_dir_make_tmp ("techo-bench-peer-XXXXXX", error);
  const char * const argv[] = { program, "--standalone", "--ignore-session", NULL };
  const char *pid;
  gint64 start, deadline;

  if (home == NULL)
    return FALSE;
  /* A fresh profile each run, as a first start. */
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CACHE_HOME", home, TRUE);
  start = g_get_monotonic_time ();
  deadline = start + 30 * G_USEC_PER_SEC;
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;
  pid = g_subprocess_get_identifier (process);
  out->first_ms = -1;
  while (g_get_monotonic_time () < deadline)
    {
      if (peer_window_mapped ("Text Editor") || peer_window_mapped ("New Document"))
        {
          out->first_ms = (g_get_monotonic_time () - start) / 1000.0;
          break;
        }
      g_usleep (5000);
    }
  out->first_rss_kb = rss_of (pid);
  g_usleep ((gulong) settle_seconds * G_USEC_PER_SEC);
  out->settled_rss_kb = rss_of (pid);
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  techo_bench_remove_tree (home);
  if (out->first_ms < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "%s showed no window in 30 s",
                   program);
      return FALSE;
    }
  return TRUE;
}

/* The median of one field of @samples. */
static double
median_of (const Sample *samples,
           guint         n,
           gsize         offset)
{
  double values[MAX_RUNS];

  for (guint i = 0; i < n; i++)
    values[i] = *(const double *) ((const char *) &samples[i] + offset);
  qsort (values, n, sizeof (double), techo_bench_compare_double);
  return values[n / 2];
}

/* One field of every run, as "a,b,c" (the table shows the spread). */
static void
print_runs (const char   *key,
            const Sample *samples,
            guint         n,
            gsize         offset)
{
  printf ("%s=", key);
  for (guint i = 0; i < n; i++)
    printf ("%s%.0f", i > 0 ? "," : "", *(const double *) ((const char *) &samples[i] + offset));
  printf ("\n");
}

static void
print_samples (const char   *name,
               const Sample *samples,
               guint         n)
{
  g_autofree char *first_key = g_strdup_printf ("startup_%s_ms_runs", name);
  g_autofree char *settled_key = g_strdup_printf ("rss_settled_%s_kb_runs", name);

  print_runs (first_key, samples, n, G_STRUCT_OFFSET (Sample, first_ms));
  print_runs (settled_key, samples, n, G_STRUCT_OFFSET (Sample, settled_rss_kb));
  printf ("startup_%s_ms=%.0f\n", name, median_of (samples, n, G_STRUCT_OFFSET (Sample, first_ms)));
  printf ("rss_first_frame_%s_kb=%.0f\n", name,
          median_of (samples, n, G_STRUCT_OFFSET (Sample, first_rss_kb)));
  printf ("rss_settled_%s_kb=%.0f\n", name,
          median_of (samples, n, G_STRUCT_OFFSET (Sample, settled_rss_kb)));
}

/* The median over the runs of each of a program's own figures, as
 * PREFIX_NAME=VALUE, in the order the first run printed them. */
static void
print_figures (const char   *prefix,
               const Sample *samples,
               guint         n)
{
  if (samples[0].names == NULL)
    return;
  for (guint k = 0; k < samples[0].names->len; k++)
    {
      const char *name = g_ptr_array_index (samples[0].names, k);
      double values[MAX_RUNS];
      guint m = 0;

      for (guint i = 0; i < n; i++)
        {
          double *value = g_datalist_get_data ((GData **) &samples[i].figures, name);

          if (value != NULL)
            values[m++] = *value;
        }
      qsort (values, m, sizeof (double), techo_bench_compare_double);
      printf ("%s_%s=%.1f\n", prefix, name, values[m / 2]);
    }
}

int
techo_bench_startup (int    argc,
                     char **argv)
{
  int per_month = 110, years = 40, runs = 5, settle = 15;
  gboolean no_peer = FALSE, no_walk = FALSE, no_warmup = FALSE;
  g_autofree char *compare = NULL;
  GOptionEntry entries[] = {
    /* Another build of Techo (e.g. main's) on the same store, interleaved
     * with this one: a change measured before and after in one run. */
    { "compare-app", 0, 0, G_OPTION_ARG_FILENAME, &compare,
      "Also measure this techo program, as compare_* (e.g. another build tree's src/app/techo)",
      "PATH" },
    { "per-month", 0, 0, G_OPTION_ARG_INT, &per_month,
      "Bulk dispensing lines a month (110: ~52k lines; 1100: ~525k)", "N" },
    { "years", 0, 0, G_OPTION_ARG_INT, &years, "Years of bulk history (40)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each program; medians are printed (5)", "N" },
    { "settle", 0, 0, G_OPTION_ARG_INT, &settle,
      "Seconds after the first frame before the settled memory is read (15; 0: none)", "S" },
    { "no-peer", 0, 0, G_OPTION_ARG_NONE, &no_peer, "Do not measure gnome-text-editor", NULL },
    { "no-warmup", 0, 0, G_OPTION_ARG_NONE, &no_warmup,
      "Count the first start of each program too (cold caches)", NULL },
    { "no-walk", 0, 0, G_OPTION_ARG_NONE, &no_walk,
      "Settle idle from the first frame instead of opening every page and scrolling the "
      "medicine history first", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) options = g_option_context_new ("— startup against a bare window");
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *years_arg = NULL;
  g_autofree char *per_month_arg = NULL;
  g_autofree char *app = techo_bench_built_program ("src/app/techo");
  g_autofree char *bare = techo_bench_built_program ("src/bench/techo-bench-bare-window");
  g_autofree char *peer = g_find_program_in_path ("gnome-text-editor");
  g_autofree char *lines_text = NULL;
  Sample app_s[MAX_RUNS] = { { 0 } }, bare_s[MAX_RUNS] = { { 0 } }, peer_s[MAX_RUNS] = { { 0 } };
  Sample compare_s[MAX_RUNS] = { { 0 } };
  gboolean with_peer, warmup;
  int status = 1;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error))
    goto failed;
  runs = CLAMP (runs, 1, MAX_RUNS);
  warmup = !no_warmup;
  settle = CLAMP (settle, 0, 600);
  {
    g_autofree char *xwininfo = g_find_program_in_path ("xwininfo");

    with_peer = !no_peer && peer != NULL && xwininfo != NULL;
  }

  years_arg = g_strdup_printf ("--bulk-years=%d", years);
  per_month_arg = g_strdup_printf ("--bulk-dispensings-per-month=%d", per_month);
  {
    const char * const sandbox_args[] = { years_arg, per_month_arg, NULL };

    sandbox = techo_bench_start_sandbox (sandbox_args, &issuer, &error);
  }
  if (sandbox == NULL)
    goto failed;
  data_dir = g_dir_make_tmp ("techo-bench-startup-XXXXXX", &error);
  if (data_dir == NULL)
    goto failed;
  {
    TechoCliContext context = { data_dir };
    char *login_argv[] = { (char *) "demo-login", (char *) "--issuer", issuer,
                           (char *) "--citizen", (char *) "bulk", NULL };
    char *sync_argv[] = { (char *) "sync", NULL };

    if (techo_cli_demo_login (&context, 5, login_argv) != 0
        || techo_cli_sync (&context, 1, sync_argv) != 0)
      {
        g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED, "could not fill the store");
        goto failed;
      }
  }
  g_subprocess_force_exit (sandbox);
  g_clear_object (&sandbox);

  /* One start of each, not counted, so that every counted run starts as
   * a person's second start does: the store's file and the programs in
   * the page cache, GL shaders in Mesa's cache (a first-ever start pays
   * for compiling them once). */
  if (warmup)
    {
      const char * const app_argv[] = { app, NULL };
      const char * const bare_argv[] = { bare, NULL };
      Sample ignored = { 0 };

      if (!measure_own (app_argv, data_dir, 0, FALSE, &ignored, &error))
        goto failed;
      sample_clear (&ignored);
      if (!measure_own (bare_argv, data_dir, 0, FALSE, &ignored, &error))
        goto failed;
      sample_clear (&ignored);
      if (with_peer && !measure_peer (peer, 0, &ignored, &error))
        goto failed;
      if (compare != NULL)
        {
          const char * const compare_argv[] = { compare, NULL };

          sample_clear (&ignored);
          if (!measure_own (compare_argv, data_dir, 0, FALSE, &ignored, &error))
            goto failed;
        }
      sample_clear (&ignored);
    }

  /* Interleaved, so that a slower minute of the machine hits all alike. */
  for (int i = 0; i < runs; i++)
    {
      const char * const app_argv[] = { app, NULL };
      const char * const bare_argv[] = { bare, NULL };

      if (!measure_own (app_argv, data_dir, settle, !no_walk, &app_s[i], &error)
          || !measure_own (bare_argv, data_dir, settle, FALSE, &bare_s[i], &error)
          || (with_peer && !measure_peer (peer, settle, &peer_s[i], &error)))
        goto failed;
      if (compare != NULL)
        {
          const char * const compare_argv[] = { compare, NULL };

          if (!measure_own (compare_argv, data_dir, settle, !no_walk, &compare_s[i], &error))
            goto failed;
        }
    }

  lines_text = g_strdup_printf ("%d", years * 12 * per_month);
  printf ("dispensing_lines=%s\nruns=%d\nwarmup=%d\nsettle_s=%d\nwalk=%d\n", lines_text, runs,
          warmup, settle, !no_walk && settle > 0);
  print_samples ("app", app_s, runs);
  print_figures ("app", app_s, runs);
  if (compare != NULL)
    {
      print_samples ("compare", compare_s, runs);
      print_figures ("compare", compare_s, runs);
    }
  print_samples ("bare", bare_s, runs);
  print_figures ("bare", bare_s, runs);
  if (with_peer)
    print_samples ("peer", peer_s, runs);
  {
    double a = median_of (app_s, runs, G_STRUCT_OFFSET (Sample, first_ms));
    double b = median_of (bare_s, runs, G_STRUCT_OFFSET (Sample, first_ms));
    double ra = median_of (app_s, runs, G_STRUCT_OFFSET (Sample, settled_rss_kb));
    double rb = median_of (bare_s, runs, G_STRUCT_OFFSET (Sample, settled_rss_kb));

    printf ("startup_ratio=%.2f\nrss_settled_ratio=%.2f\n", a / b, ra / rb);
    if (with_peer)
      printf ("startup_peer_ratio=%.2f\nrss_settled_peer_ratio=%.2f\n",
              median_of (peer_s, runs, G_STRUCT_OFFSET (Sample, first_ms)) / b,
              median_of (peer_s, runs, G_STRUCT_OFFSET (Sample, settled_rss_kb)) / rb);
  }
  status = 0;
  goto out;

failed:
  g_printerr ("techo-bench startup: %s\n", error != NULL ? error->message : "failed");
  if (sandbox != NULL)
    g_subprocess_force_exit (sandbox);
out:
  if (data_dir != NULL)
    techo_bench_remove_tree (data_dir);
  for (int i = 0; i < MAX_RUNS; i++)
    {
      sample_clear (&app_s[i]);
      sample_clear (&bare_s[i]);
      sample_clear (&compare_s[i]);
    }
  return status;
}
