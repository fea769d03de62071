/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-bench"

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "techo-bench.h"
#include "techo-bench-startup.h"
#include "techo-cli.h"
#include "techo-cli-commands.h"

#define RUNS 5

static char *
built_program (const char *relative)
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

/* Runs @argv until it prints "first-frame"; returns the milliseconds
 * from the spawn and the RSS it reported then, or FALSE. */
static gboolean
time_first_frame (const char * const  *argv,
                  const char          *data_dir,
                  double              *out_ms,
                  long                *out_rss_kb,
                  GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  gint64 start;
  char *line;

  g_subprocess_launcher_setenv (launcher, "TECHO_DATA_DIR", data_dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "TECHO_BENCH_FIRST_FRAME", "1", TRUE);
  start = g_get_monotonic_time ();
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return FALSE;
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  *out_ms = -1;
  *out_rss_kb = 0;
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, error)) != NULL)
    {
      if (g_str_equal (line, "first-frame"))
        *out_ms = (g_get_monotonic_time () - start) / 1000.0;
      else if (g_str_has_prefix (line, "rss_kb="))
        *out_rss_kb = strtol (line + 7, NULL, 10);
      g_free (line);
      if (*out_ms >= 0 && *out_rss_kb > 0)
        break;
    }
  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);
  if (*out_ms < 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s never showed a frame", argv[0]);
      return FALSE;
    }
  return TRUE;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), (int (*) (const void *, const void *)) compare_double);
  return values[n / 2];
}

int
techo_bench_startup (int    argc,
                     char **argv)
{
  const char * const sandbox_args[] = { "--bulk-years=40", "--bulk-dispensings-per-month=110", NULL };
  g_autoptr(GSubprocess) sandbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *app = built_program ("src/app/techo");
  g_autofree char *bare = built_program ("src/bench/techo-bench-bare-window");
  double app_ms[RUNS], bare_ms[RUNS], app_rss[RUNS], bare_rss[RUNS];

  sandbox = techo_bench_start_sandbox (sandbox_args, &issuer, &error);
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

  for (guint i = 0; i < RUNS; i++)
    {
      const char * const app_argv[] = { app, NULL };
      const char * const bare_argv[] = { bare, NULL };
      long rss = 0;

      if (!time_first_frame (app_argv, data_dir, &app_ms[i], &rss, &error))
        goto failed;
      app_rss[i] = rss;
      if (!time_first_frame (bare_argv, data_dir, &bare_ms[i], &rss, &error))
        goto failed;
      bare_rss[i] = rss;
    }

  {
    double a = median (app_ms, RUNS), b = median (bare_ms, RUNS);
    double ra = median (app_rss, RUNS), rb = median (bare_rss, RUNS);

    printf ("startup_app_ms=%.0f\nstartup_bare_ms=%.0f\nstartup_ratio=%.2f\n", a, b, a / b);
    printf ("rss_app_kb=%.0f\nrss_bare_kb=%.0f\nrss_ratio=%.2f\n", ra, rb, ra / rb);
  }
  g_subprocess_force_exit (sandbox);
  return 0;

failed:
  g_printerr ("techo-bench startup: %s\n", error != NULL ? error->message : "failed");
  if (sandbox != NULL)
    g_subprocess_force_exit (sandbox);
  return 1;
}
