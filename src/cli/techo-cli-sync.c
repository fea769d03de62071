/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-cli sync: pulls checkups, medication history and screenings from
 * the portal into the store. Progress goes to stderr, a summary to
 * stdout; Ctrl+C stops after the page being stored, and the next sync
 * resumes from there. */

#define G_LOG_DOMAIN "techo-cli"

#include "config.h"

#include <signal.h>

#include <glib-unix.h>

#include "techo-cli.h"
#include "techo-cli-commands.h"
#include "techo-oauth.h"
#include "techo-portal-client.h"
#include "techo-store.h"
#include "techo-sync.h"

typedef struct
{
  GMainLoop *loop;
  GCancellable *cancellable;
  gboolean done;
  gboolean ok;
  GError *error;
  TechoSyncProgress progress[TECHO_N_CATEGORIES];
} SyncRun;

static void
progress_cb (TechoSync               *sync,
             const TechoSyncProgress *progress,
             SyncRun                 *run)
{
  run->progress[progress->category] = *progress;
  if (progress->finished)
    g_printerr ("%s: done, %u pages, %u records\n",
                techo_category_to_string (progress->category), progress->pages, progress->records);
  else
    g_printerr ("%s: %u pages, %u records…\n",
                techo_category_to_string (progress->category), progress->pages, progress->records);
}

static void
run_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SyncRun *run = user_data;

  run->ok = techo_sync_run_finish (TECHO_SYNC (source), result, &run->error);
  run->done = TRUE;
  g_main_loop_quit (run->loop);
}

static gboolean
interrupt_cb (gpointer user_data)
{
  SyncRun *run = user_data;

  g_printerr ("Stopping after the page being stored…\n");
  g_cancellable_cancel (run->cancellable);
  return G_SOURCE_CONTINUE;
}

int
techo_cli_sync (TechoCliContext *context,
                int              argc,
                char           **argv)
{
  g_autofree char *category = NULL;
  int max_wait = 0;
  const GOptionEntry entries[] = {
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      "Only this category: checkup, medication or screening", "CATEGORY" },
    { "max-wait", 0, 0, G_OPTION_ARG_INT, &max_wait,
      "Seconds to wait for the portal to prepare each kind of record (default 180)", "SECONDS" },
    { NULL }
  };
  g_autoptr(TechoStore) store = NULL;
  g_autoptr(TechoOAuth) oauth = NULL;
  g_autoptr(TechoPortalClient) client = NULL;
  g_autoptr(TechoSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) detail = g_string_new (NULL);
  SyncRun run = { 0 };
  guint categories = TECHO_SYNC_ALL_CATEGORIES;
  guint granted = 0;
  guint sigint_id, sigterm_id;
  gint64 profile_id;

  if (!techo_cli_parse_options (context, "sync", NULL,
                                "Fetch your checkups, medication history and cancer screenings "
                                "from the portal into the encrypted store. Each page is stored "
                                "as it arrives; an interrupted sync resumes where it stopped.",
                                entries, &argc, &argv))
    return TECHO_EXIT_USAGE;
  if (argc > 1 || max_wait < 0)
    {
      techo_cli_printerr ("sync takes no arguments (try “techo-cli sync --help”)");
      return TECHO_EXIT_USAGE;
    }
  if (category != NULL)
    {
      TechoCategory c;

      if (!techo_category_from_string (category, &c))
        {
          techo_cli_printerr ("unknown category “%s”: use checkup, medication or screening",
                              category);
          return TECHO_EXIT_USAGE;
        }
      categories = 1u << c;
    }

  store = techo_cli_open_store (context, &error);
  if (store == NULL)
    goto failed;
  oauth = techo_cli_load_session (store, TRUE, &error);
  if (oauth == NULL)
    goto failed;
  client = techo_portal_client_new (oauth, NULL);
  if (g_getenv ("TECHO_SYNC_PAGE_LIMIT") != NULL)
    {
      /* For tests and benchmarks: smaller pages, more commits. */
      TechoPortalLimits limits = *techo_portal_client_get_limits (client);

      limits.page_limit = (guint) g_ascii_strtoull (g_getenv ("TECHO_SYNC_PAGE_LIMIT"), NULL, 10);
      techo_portal_client_set_limits (client, &limits);
    }
  if (max_wait > 0)
    {
      TechoPortalLimits limits = *techo_portal_client_get_limits (client);

      limits.max_wait_seconds = (guint) max_wait;
      techo_portal_client_set_limits (client, &limits);
    }
  profile_id = techo_sync_prepare_profile (store, oauth, client, &granted, NULL, &error);
  if (profile_id == 0)
    goto failed;
  if (category == NULL)
    {
      /* Without --category, what the consent covers. */
      categories &= granted;
      if (categories == 0)
        {
          techo_cli_printerr ("your consent at the portal covers none of checkup, medication "
                              "or screening; sign in again and allow them");
          return TECHO_EXIT_NOT_SIGNED_IN;
        }
    }

  sync = techo_sync_new (store, client, profile_id);
  run.loop = g_main_loop_new (NULL, FALSE);
  run.cancellable = g_cancellable_new ();
  g_signal_connect (sync, "progress", G_CALLBACK (progress_cb), &run);
  sigint_id = g_unix_signal_add (SIGINT, interrupt_cb, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, interrupt_cb, &run);
  techo_sync_run_async (sync, categories, run.cancellable, run_done_cb, &run);
  while (!run.done)
    g_main_loop_run (run.loop);
  /* Deliver the progress emissions still queued. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  g_main_loop_unref (run.loop);
  g_object_unref (run.cancellable);

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    if (categories & (1u << c))
      g_string_append_printf (detail, "%s%s=%u", detail->len > 0 ? " " : "",
                              techo_category_to_string ((TechoCategory) c), run.progress[c].records);
  if (!run.ok)
    {
      g_autoptr(GError) audit_error = NULL;
      g_autofree char *failed_detail = g_strdup_printf ("%s stopped", detail->str);

      /* The audit row says a sync ran and stopped, never why in words
       * that could hold data. */
      techo_store_append_audit_sync (store, "sync", failed_detail, NULL, &audit_error);
      error = g_steal_pointer (&run.error);
      goto failed;
    }
  if (!techo_store_append_audit_sync (store, "sync", detail->str, NULL, &error))
    goto failed;

  for (guint c = 0; c < TECHO_N_CATEGORIES; c++)
    if (categories & (1u << c))
      g_print ("%s: %u records in %u pages, %u documents\n",
               techo_category_to_string ((TechoCategory) c), run.progress[c].records,
               run.progress[c].pages, run.progress[c].documents);
  return TECHO_EXIT_OK;

failed:
  return techo_cli_fail (error);
}
