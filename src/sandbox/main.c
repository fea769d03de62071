/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-sandbox: a local portal of the national portal's shape. */

#define G_LOG_DOMAIN "techo-sandbox"

#include "config.h"

#include <locale.h>

#include "techo-sandbox.h"
#include "techo-serve.h"

static const char description[] =
  "Serves an OAuth 2.0 authorization server and the resource API of the\n"
  "portal contract (docs/portal-api.md) on loopback, with demo data and faults\n"
  "on demand. Prints \"issuer=http://HOST:PORT\" once listening, then serves until\n"
  "killed (SIGTERM/SIGINT).\n"
  "\n"
  "Client: techo-desktop (public, PKCE S256). Redirect URIs: http://127.0.0.1/callback\n"
  "and http://[::1]/callback on any port.\n"
  "\n"
  "Demo citizens (PIN 1234 for all; 3 wrong PINs lock a card until restart):\n"
  "  yamada  山田 太郎, 58, male: 17 yearly 特定健診 with rising BP, weight and HbA1c;\n"
  "          amlodipine then metformin; a positive stomach screening cleared by a\n"
  "          detailed exam\n"
  "  sato    佐藤 花子, 45, female: employer checkups, then 特定健診; breast and\n"
  "          cervical screening every two years with one ASC-US; hay-fever drugs\n"
  "  suzuki  鈴木 一郎, 76, male: many drugs from two clinics and two pharmacies,\n"
  "          loxoprofen from both clinics with overlapping supply\n"
  "  bulk    高橋 健, 62, male: sized by --bulk-years and --bulk-dispensings-per-month\n"
  "\n"
  "Admin (with --admin, loopback only): GET /admin/faults reads the faults and the\n"
  "request count; POST /admin/faults with a JSON object of the same names sets them\n"
  "(plus \"maintenance_seconds\" and \"reset_count\":true); POST /admin/reset restores\n"
  "the faults given on the command line and zeroes the count.";

static gboolean
check_rate (const char  *name,
            double       value,
            GError     **error)
{
  if (value < 0 || value > 1)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--%s must be from 0 to 1", name);
      return FALSE;
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TechoSandbox) sandbox = NULL;
  g_autofree char *bind = NULL;
  g_autofree char *today = NULL;
  TechoSandboxOptions options;
  gint64 seed = 1;
  int port = 8443, bulk_years = 40, bulk_per_month = 110;
  int access_ttl = 300, consent_days = 90, consent_seconds = 0, code_ttl = 60;
  int result_ttl = 600, pending_polls = 1;
  int latency = 0, retry_after = 1, maintenance = 0, drip = 0, fail_request = 0;
  double error_rate = 0, throttle_rate = 0, truncate_rate = 0, malformed_rate = 0;
  gboolean admin = FALSE, verbose = FALSE, never_finish = FALSE, expire_results = FALSE;
  GOptionEntry entries[] = {
    { "bind", 0, 0, G_OPTION_ARG_STRING, &bind, "Address to listen on (default 127.0.0.1)", "ADDR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (default 8443; 0: any free port)", "PORT" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed of the demo data and fault draws (default 1)", "N" },
    { "today", 0, 0, G_OPTION_ARG_STRING, &today, "The portal's today (default: the real date)", "YYYY-MM-DD" },
    { "bulk-years", 0, 0, G_OPTION_ARG_INT, &bulk_years, "Years of data of bulk (default 40)", "N" },
    { "bulk-dispensings-per-month", 0, 0, G_OPTION_ARG_INT, &bulk_per_month,
      "Medication lines per month of bulk (default 110)", "N" },
    { "access-ttl", 0, 0, G_OPTION_ARG_INT, &access_ttl, "Access token lifetime (default 300)", "SECONDS" },
    { "consent-days", 0, 0, G_OPTION_ARG_INT, &consent_days, "Consent period (default 90)", "DAYS" },
    { "consent-seconds", 0, 0, G_OPTION_ARG_INT, &consent_seconds,
      "Consent period in seconds, for tests (overrides --consent-days)", "SECONDS" },
    { "code-ttl", 0, 0, G_OPTION_ARG_INT, &code_ttl, "Authorization code lifetime (default 60)", "SECONDS" },
    { "result-ttl", 0, 0, G_OPTION_ARG_INT, &result_ttl,
      "How long a finished result stays available (default 600)", "SECONDS" },
    { "pending-polls", 0, 0, G_OPTION_ARG_INT, &pending_polls,
      "Polls answered PENDING before SUCCESS (default 1)", "N" },
    { "admin", 0, 0, G_OPTION_ARG_NONE, &admin, "Serve the fault admin endpoint /admin/ (loopback only)", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each request to stderr (never tokens)", NULL },
    { "latency", 0, 0, G_OPTION_ARG_INT, &latency, "Fault: delay every answer", "MS" },
    { "error-rate", 0, 0, G_OPTION_ARG_DOUBLE, &error_rate, "Fault: share of requests answered 500", "0..1" },
    { "throttle-rate", 0, 0, G_OPTION_ARG_DOUBLE, &throttle_rate,
      "Fault: share of requests answered 429 with Retry-After", "0..1" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT, &retry_after,
      "Retry-After of 429 and PENDING answers (default 1)", "SECONDS" },
    { "maintenance", 0, 0, G_OPTION_ARG_INT, &maintenance,
      "Fault: answer 503 with Retry-After for this long after start", "SECONDS" },
    { "truncate-rate", 0, 0, G_OPTION_ARG_DOUBLE, &truncate_rate,
      "Fault: share of bodies cut off halfway (connection closed)", "0..1" },
    { "malformed-rate", 0, 0, G_OPTION_ARG_DOUBLE, &malformed_rate,
      "Fault: share of JSON bodies that do not parse", "0..1" },
    { "drip", 0, 0, G_OPTION_ARG_INT, &drip, "Fault: send bodies 16 bytes at a time, this far apart", "MS" },
    { "never-finish", 0, 0, G_OPTION_ARG_NONE, &never_finish, "Fault: requests stay PENDING", NULL },
    { "expire-results", 0, 0, G_OPTION_ARG_NONE, &expire_results,
      "Fault: finished results are EXPIRED at once", NULL },
    { "fail-request", 0, 0, G_OPTION_ARG_INT, &fail_request,
      "Fault: the K-th request (counted from start or admin reset) answers 500", "K" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  context = g_option_context_new ("- a local portal for Techo");
  g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("techo-sandbox: %s\n", error->message);
      return 2;
    }

  techo_sandbox_options_init (&options);
  if (bind != NULL)
    {
      g_free (options.bind_address);
      options.bind_address = g_strdup (bind);
    }
  if (port < 0 || port > 65535 || bulk_years < 0 || bulk_years > 200 || bulk_per_month < 0
      || bulk_per_month > 10000 || access_ttl < 1 || consent_days < 0 || consent_seconds < 0
      || code_ttl < 1 || result_ttl < 0 || pending_polls < 0 || latency < 0 || retry_after < 0
      || maintenance < 0 || drip < 0 || fail_request < 0)
    {
      g_printerr ("techo-sandbox: a numeric option is out of range (see --help)\n");
      return 2;
    }
  if (!check_rate ("error-rate", error_rate, &error)
      || !check_rate ("throttle-rate", throttle_rate, &error)
      || !check_rate ("truncate-rate", truncate_rate, &error)
      || !check_rate ("malformed-rate", malformed_rate, &error))
    {
      g_printerr ("techo-sandbox: %s\n", error->message);
      return 2;
    }
  if (today != NULL)
    {
      g_date_clear (&options.data.today, 1);
      g_date_set_parse (&options.data.today, today);
      if (!g_date_valid (&options.data.today) || strlen (today) != 10 || today[4] != '-')
        {
          g_printerr ("techo-sandbox: --today must be a date written YYYY-MM-DD\n");
          return 2;
        }
    }
  options.port = port;
  options.data.seed = (guint64) seed;
  options.data.bulk_years = bulk_years;
  options.data.bulk_dispensings_per_month = bulk_per_month;
  options.access_ttl = access_ttl;
  options.consent_days = consent_days;
  options.consent_seconds = consent_seconds;
  options.code_ttl = code_ttl;
  options.result_ttl = result_ttl;
  options.pending_polls = pending_polls;
  options.admin = admin;
  options.verbose = verbose;
  options.faults.latency_ms = latency;
  options.faults.error_rate = error_rate;
  options.faults.throttle_rate = throttle_rate;
  options.faults.retry_after = retry_after;
  options.faults.maintenance_until = maintenance > 0
                                     ? g_get_monotonic_time () + (gint64) maintenance * G_USEC_PER_SEC
                                     : 0;
  options.faults.truncate_rate = truncate_rate;
  options.faults.malformed_rate = malformed_rate;
  options.faults.drip_ms = drip;
  options.faults.never_finish = never_finish;
  options.faults.expire_results = expire_results;
  options.faults.fail_request = fail_request;

  sandbox = techo_sandbox_new (&options, &error);
  techo_sandbox_options_clear (&options);
  if (sandbox == NULL)
    {
      g_printerr ("techo-sandbox: %s\n", error->message);
      return 1;
    }

  techo_serve_until_signal ("issuer", techo_sandbox_get_issuer (sandbox));
  return 0;
}
