/* SPDX-License-Identifier: GPL-3.0-or-later */

#define G_LOG_DOMAIN "techo-portal"

#include "config.h"

#include <string.h>

#include "techo-json.h"
#include "techo-portal-client.h"
#include "techo-records-json.h"
#include "techo-secure.h"

/* /me, request and poll answers are small. */
#define MAX_SMALL_BODY (64 * 1024)
#define DEFAULT_POLL_MS 1000

struct _TechoPortalClient
{
  GObject parent_instance;

  TechoOAuth *oauth;
  char *api_base;          /* without a trailing slash */
  TechoPortalLimits limits;
  SoupSession *session;    /* of the thread that made the client */
  guint n_requests;        /* atomic */
};

G_DEFINE_FINAL_TYPE (TechoPortalClient, techo_portal_client, G_TYPE_OBJECT)

void
techo_portal_limits_init_default (TechoPortalLimits *limits)
{
  limits->max_attempts = 8;
  limits->backoff_base_ms = 250;
  limits->backoff_cap_ms = 30000;
  limits->max_wait_seconds = 180;
  limits->page_limit = 500;
  limits->max_records = 1000;
  limits->max_body = TECHO_HTTP_DEFAULT_MAX_BODY;
  limits->max_document = 4 * 1024 * 1024;
  limits->io_timeout_seconds = 30;
  limits->deadline_seconds = 120;
}

void
techo_portal_page_free (TechoPortalPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->records, g_ptr_array_unref);
  g_free (page->next_cursor);
  g_free (page);
}

void
techo_portal_me_free (TechoPortalMe *me)
{
  if (me == NULL)
    return;
  g_clear_pointer (&me->profile, techo_profile_free);
  g_free (me->consent_expires_at);
  g_free (me);
}

/* A wait before try number @attempt (0-based) of an exchange: the server's
 * Retry-After when it sent one, else base·2^attempt; both capped; plus
 * jitter so that many clients do not come back in step. */
static guint
backoff_ms (const TechoPortalLimits *limits,
            guint                    attempt,
            gint64                   retry_after)
{
  guint64 delay;

  if (retry_after >= 0)
    {
      delay = MIN ((guint64) retry_after * 1000, limits->backoff_cap_ms);
      return delay + techo_http_jitter (MIN (250, limits->backoff_base_ms) + 1);
    }
  delay = (guint64) limits->backoff_base_ms << MIN (attempt, 16);
  delay = MIN (delay, limits->backoff_cap_ms);
  /* "Equal jitter": half fixed, half random. */
  return delay / 2 + techo_http_jitter (delay / 2 + 1);
}

static gboolean
is_transient (const GError *error)
{
  return g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NETWORK) ||
         g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_REFUSED) ||
         g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT) ||
         g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA) ||
         g_error_matches (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE);
}

/* The temporary-failure decision: a transient @local_error becomes the
 * one to report if the attempts run out (TRUE: wait and try again);
 * any other goes to @error (FALSE: give up now). */
static gboolean
keep_if_transient (GError **local_error,
                   GError **last_error,
                   GError **error)
{
  if (!is_transient (*local_error))
    {
      g_propagate_error (error, g_steal_pointer (local_error));
      return FALSE;
    }
  g_clear_error (last_error);
  *last_error = g_steal_pointer (local_error);
  return TRUE;
}

static const char *
category_label (TechoCategory category)
{
  switch (category)
    {
    case TECHO_CATEGORY_CHECKUP:
      return "checkups (checkup)";
    case TECHO_CATEGORY_MEDICATION:
      return "medication history (medication)";
    case TECHO_CATEGORY_SCREENING:
      return "cancer screenings (screening)";
    case TECHO_N_CATEGORIES:
    default:
      return "this information";
    }
}

/* What one exchange returns: the status and, when asked for, the body
 * parsed as a JSON object within the limits. */
typedef struct
{
  guint status;
  gint64 retry_after;
  GBytes *body;
  JsonObject *object;
  TechoRecordsPage *page; /* PARSE_PAGE: read straight from the bytes */
} Answer;

/* What exchange() makes of a successful body. */
enum
{
  PARSE_NONE = FALSE,
  PARSE_OBJECT = TRUE,  /* a JSON object tree */
  PARSE_PAGE,           /* a page of records of the category, no tree */
};

static void
answer_clear (Answer *answer)
{
  g_clear_pointer (&answer->body, g_bytes_unref);
  g_clear_pointer (&answer->object, json_object_unref);
  g_clear_pointer (&answer->page, techo_records_page_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Answer, answer_clear)

/* One API exchange with every retry rule of the portal. Statuses 2xx,
 * 404 and 410 come back in @answer; with @parse_json a 2xx body must be a
 * JSON object within the limits (a cut-short or broken body counts as a
 * transient failure and is asked for again). @category names the consent
 * a 403 is about (TECHO_N_CATEGORIES: none). */
static gboolean
exchange (TechoPortalClient  *self,
          const char         *method,
          const char         *path,
          const char         *json_body,
          gsize               max_body,
          guint               parse_json,
          TechoCategory       category,
          const char         *what,
          Answer             *answer,
          GCancellable       *cancellable,
          GError            **error)
{
  g_autofree char *url = NULL;
  g_auto(TechoSecret) token = NULL;
  g_autoptr(GError) last_error = NULL;
  gboolean refreshed = FALSE;
  guint attempt = 0;

  if (g_str_has_prefix (path, "https://") || g_str_has_prefix (path, "http://"))
    url = g_strdup (path);
  else
    url = g_strconcat (self->api_base, path, NULL);
  /* Only a same-origin path may receive the token. */
  if (!g_str_has_prefix (url, self->api_base))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The portal pointed to another site for %s; Techo did not follow.", what);
      return FALSE;
    }

  while (attempt < self->limits.max_attempts)
    {
      g_autoptr(SoupMessage) message = soup_message_new (method, url);
      g_autoptr(TechoHttpResponse) response = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *authorization = NULL;
      gint64 retry_after = -1;

      if (token == NULL)
        {
          /* A token endpoint down for maintenance is waited out too. */
          token = techo_oauth_get_access_token (self->oauth, cancellable, &local_error);
          if (token == NULL)
            {
              if (!keep_if_transient (&local_error, &last_error, error))
                return FALSE;
              goto wait;
            }
        }
      if (message == NULL)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                       "The portal gave an address Techo cannot use for %s.", what);
          return FALSE;
        }
      authorization = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Authorization", authorization);
      techo_wipe (authorization, strlen (authorization));
      soup_message_headers_replace (soup_message_get_request_headers (message),
                                    "Accept", parse_json ? "application/json" : "*/*");
      if (json_body != NULL)
        {
          g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

          soup_message_set_request_body_from_bytes (message, "application/json", bytes);
        }

      g_atomic_int_inc (&self->n_requests);
      response = techo_http_send (self->session, message, max_body,
                                  self->limits.deadline_seconds, what, cancellable, &local_error);
      if (response == NULL)
        {
          if (!keep_if_transient (&local_error, &last_error, error))
            return FALSE;
          g_debug ("%s: %s; trying again", what, last_error->message);
        }
      else if (response->status == 401)
        {
          char *fresh;

          if (refreshed)
            {
              g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_SIGN_IN,
                           "The portal does not accept this sign-in any more; please sign in again.");
              return FALSE;
            }
          /* One refresh and one retry, which is not counted as an attempt. */
          fresh = techo_oauth_refresh_sync (self->oauth, token, cancellable, &local_error);
          refreshed = TRUE;
          g_clear_pointer (&token, techo_wipe_free);
          if (fresh == NULL)
            {
              if (!keep_if_transient (&local_error, &last_error, error))
                return FALSE;
              goto wait;
            }
          token = fresh;
          continue;
        }
      else if (response->status == 403)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_CONSENT,
                       "Your consent at the portal does not include %s. Sign in again and "
                       "allow it on the consent page to fetch it.", category_label (category));
          return FALSE;
        }
      else if (response->status == 429 || response->status >= 500)
        {
          g_debug ("%s: HTTP %u; trying again", what, response->status);
          retry_after = response->retry_after;
          g_clear_error (&last_error);
          if (response->status == 429)
            last_error = g_error_new (TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE,
                                      "The portal asked Techo to slow down and kept refusing "
                                      "%s; please try again later.", what);
          else
            last_error = g_error_new (TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_UNAVAILABLE,
                                      "The portal is unavailable or under maintenance "
                                      "(HTTP %u) for %s; please try again later.",
                                      response->status, what);
        }
      else if ((response->status >= 200 && response->status < 300) ||
               response->status == 404 || response->status == 410)
        {
          answer->status = response->status;
          answer->retry_after = response->retry_after;
          answer->body = g_bytes_ref (response->body);
          if (!parse_json || response->status >= 300)
            return TRUE;
          {
            TechoJsonLimits limits = { max_body, TECHO_JSON_DEFAULT_MAX_DEPTH };

            if (parse_json == PARSE_PAGE)
              answer->page = techo_records_page_read (g_bytes_get_data (response->body, NULL),
                                                      g_bytes_get_size (response->body),
                                                      &limits, category,
                                                      self->limits.max_records, &local_error);
            else
              answer->object = techo_json_parse_object_bounded (g_bytes_get_data (response->body, NULL),
                                                                g_bytes_get_size (response->body),
                                                                &limits, &local_error);
          }
          if (answer->object != NULL || answer->page != NULL)
            return TRUE;
          if (g_error_matches (local_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_LARGE) ||
              g_error_matches (local_error, TECHO_JSON_ERROR, TECHO_JSON_ERROR_TOO_DEEP))
            {
              g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TOO_LARGE,
                           "The portal's answer to %s is over Techo's limits: %s",
                           what, local_error->message);
              return FALSE;
            }
          g_clear_pointer (&answer->body, g_bytes_unref);
          g_clear_error (&last_error);
          /* The parser's own message may quote the data: leave it out. */
          last_error = g_error_new (TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                                    "The portal's answer to %s was damaged or cut short "
                                    "(it is not valid JSON); nothing from it was stored.", what);
        }
      else
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                       "The portal refused %s (HTTP %u).", what, response->status);
          return FALSE;
        }

    wait:
      attempt++;
      if (attempt >= self->limits.max_attempts)
        break;
      if (!techo_http_sleep (backoff_ms (&self->limits, attempt - 1, retry_after), cancellable, error))
        return FALSE;
    }

  g_propagate_error (error, g_steal_pointer (&last_error));
  return FALSE;
}

static void
techo_portal_client_finalize (GObject *object)
{
  TechoPortalClient *self = (TechoPortalClient *) object;

  g_clear_object (&self->oauth);
  g_clear_object (&self->session);
  g_free (self->api_base);
  G_OBJECT_CLASS (techo_portal_client_parent_class)->finalize (object);
}

static void
techo_portal_client_class_init (TechoPortalClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_portal_client_finalize;
}

static void
techo_portal_client_init (TechoPortalClient *self)
{
  techo_portal_limits_init_default (&self->limits);
}

TechoPortalClient *
techo_portal_client_new (TechoOAuth *oauth,
                         const char *api_base)
{
  TechoPortalClient *self = g_object_new (TECHO_TYPE_PORTAL_CLIENT, NULL);
  gsize len;

  self->oauth = g_object_ref (oauth);
  self->api_base = g_strdup (api_base != NULL ? api_base : techo_oauth_get_issuer (oauth));
  if (self->api_base == NULL)
    self->api_base = g_strdup ("");
  len = strlen (self->api_base);
  while (len > 0 && self->api_base[len - 1] == '/')
    self->api_base[--len] = '\0';
  self->session = techo_http_session_new (self->limits.io_timeout_seconds);
  return self;
}

void
techo_portal_client_set_limits (TechoPortalClient       *self,
                                const TechoPortalLimits *limits)
{
  self->limits = *limits;
  self->limits.max_attempts = MAX (self->limits.max_attempts, 1);
  self->limits.page_limit = CLAMP (self->limits.page_limit, 1, 1000);
  soup_session_set_timeout (self->session, self->limits.io_timeout_seconds);
}

const TechoPortalLimits *
techo_portal_client_get_limits (TechoPortalClient *self)
{
  return &self->limits;
}

guint
techo_portal_client_get_n_requests (TechoPortalClient *self)
{
  return g_atomic_int_get (&self->n_requests);
}

TechoPortalMe *
techo_portal_client_get_me (TechoPortalClient  *self,
                            GCancellable       *cancellable,
                            GError            **error)
{
  g_auto(Answer) answer = { 0 };
  g_autoptr(TechoPortalMe) me = g_new0 (TechoPortalMe, 1);
  g_autoptr(GError) local_error = NULL;

  if (!exchange (self, "GET", "/api/v1/me", NULL, MAX_SMALL_BODY, TRUE, TECHO_N_CATEGORIES,
                 "your profile", &answer, cancellable, error))
    return NULL;
  if (answer.status == 404 || answer.status == 410)
    {
      /* A provider with no profile resource of its own (any OpenID
       * provider): the sign-in's identity stands in for it. */
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NOT_FOUND,
                   "The portal has no profile resource (HTTP %u).", answer.status);
      return NULL;
    }
  if (answer.status != 200)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The portal did not return your profile (HTTP %u).", answer.status);
      return NULL;
    }
  me->profile = techo_profile_from_json (answer.object, &local_error);
  if (me->profile == NULL ||
      !techo_profile_grants_from_json (answer.object, &me->granted, &me->consent_expires_at,
                                       &local_error))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "The portal's profile could not be read: %s", local_error->message);
      return NULL;
    }
  g_free (me->profile->issuer);
  me->profile->issuer = g_strdup (techo_oauth_get_issuer (self->oauth));
  return g_steal_pointer (&me);
}

char *
techo_portal_client_request (TechoPortalClient  *self,
                             TechoCategory       category,
                             const char         *from,
                             const char         *to,
                             GCancellable       *cancellable,
                             GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *body = NULL;
  g_auto(Answer) answer = { 0 };
  const char *process_id;

  json_builder_begin_object (builder);
  techo_json_builder_add_string (builder, "category", techo_category_to_string (category));
  techo_json_builder_add_string (builder, "from", from);
  techo_json_builder_add_string (builder, "to", to);
  json_builder_end_object (builder);
  body = techo_json_builder_to_string (builder);

  if (!exchange (self, "POST", "/api/v1/requests", body, MAX_SMALL_BODY, TRUE, category,
                 "the data request", &answer, cancellable, error))
    return NULL;
  process_id = techo_json_get_string (answer.object, "process_id");
  if (answer.status >= 300 || process_id == NULL || *process_id == '\0' ||
      strlen (process_id) > 256 || strchr (process_id, '/') != NULL || strchr (process_id, '?') != NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_PROTOCOL,
                   "The portal did not accept the data request (HTTP %u).", answer.status);
      return NULL;
    }
  return g_strdup (process_id);
}

gboolean
techo_portal_client_wait (TechoPortalClient  *self,
                          const char         *process_id,
                          gint64             *out_record_count,
                          GCancellable       *cancellable,
                          GError            **error)
{
  g_autofree char *escaped = g_uri_escape_string (process_id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/v1/requests/", escaped, NULL);
  gint64 give_up = g_get_monotonic_time () + (gint64) self->limits.max_wait_seconds * G_TIME_SPAN_SECOND;

  for (;;)
    {
      g_auto(Answer) answer = { 0 };
      const char *status;
      guint wait_ms;

      if (!exchange (self, "GET", path, NULL, MAX_SMALL_BODY, TRUE, TECHO_N_CATEGORIES,
                     "the request status", &answer, cancellable, error))
        return FALSE;
      if (answer.status == 404 || answer.status == 410)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_EXPIRED,
                       "The portal no longer knows this data request.");
          return FALSE;
        }
      status = techo_json_get_string (answer.object, "status");
      if (g_strcmp0 (status, "SUCCESS") == 0)
        {
          if (out_record_count != NULL && !techo_json_get_int64 (answer.object, "record_count", out_record_count))
            *out_record_count = -1;
          return TRUE;
        }
      if (g_strcmp0 (status, "EXPIRED") == 0)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_EXPIRED,
                       "The portal's prepared data expired before Techo fetched it.");
          return FALSE;
        }
      if (g_strcmp0 (status, "PENDING") != 0)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_FAILED,
                       "The portal could not prepare the data (%s).",
                       status != NULL && g_str_equal (status, "ERROR") ? "it reported an error"
                                                                     : "unexpected status");
          return FALSE;
        }
      if (g_get_monotonic_time () >= give_up)
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TIMEOUT,
                       "The portal was still preparing the data after %u seconds; Techo stopped "
                       "waiting. Please try again later.", self->limits.max_wait_seconds);
          return FALSE;
        }
      /* PENDING carries Retry-After; without it, poll every second. Never
       * past the overall deadline. */
      wait_ms = answer.retry_after >= 0
                ? (guint) MIN (answer.retry_after * 1000, self->limits.backoff_cap_ms)
                : DEFAULT_POLL_MS;
      wait_ms = (guint) MIN ((gint64) wait_ms,
                             MAX ((give_up - g_get_monotonic_time ()) / 1000, 0) + 1);
      if (!techo_http_sleep (wait_ms, cancellable, error))
        return FALSE;
    }
}

TechoPortalPage *
techo_portal_client_fetch_page (TechoPortalClient  *self,
                                TechoCategory       category,
                                const char         *process_id,
                                const char         *cursor,
                                GCancellable       *cancellable,
                                GError            **error)
{
  g_autofree char *escaped = g_uri_escape_string (process_id, NULL, FALSE);
  g_autofree char *path = NULL;
  g_autoptr(TechoPortalPage) page = g_new0 (TechoPortalPage, 1);
  g_auto(Answer) answer = { 0 };
  TechoRecordsPage *read;

  if (cursor != NULL)
    {
      g_autofree char *escaped_cursor = g_uri_escape_string (cursor, NULL, FALSE);

      path = g_strdup_printf ("/api/v1/requests/%s/result?limit=%u&cursor=%s", escaped,
                              self->limits.page_limit, escaped_cursor);
    }
  else
    path = g_strdup_printf ("/api/v1/requests/%s/result?limit=%u", escaped, self->limits.page_limit);

  if (!exchange (self, "GET", path, NULL, self->limits.max_body, PARSE_PAGE, category,
                 "a page of results", &answer, cancellable, error))
    return NULL;
  if (answer.status == 404 || answer.status == 410)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_EXPIRED,
                   "The portal's prepared data expired before Techo fetched all of it.");
      return NULL;
    }

  /* The page was read straight from the bytes (techo_records_page_read);
   * the checks are those the tree path made, in the same order. */
  read = answer.page;
  page->category = category;
  if (read->page_category != NULL
      && g_strcmp0 (read->page_category, techo_category_to_string (category)) != 0)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "The portal answered with %s records where %s were asked for.",
                   read->page_category, techo_category_to_string (category));
      return NULL;
    }
  if (!read->has_records)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "A page from the portal had no records list; nothing from it was stored.");
      return NULL;
    }
  /* Counted before any record is read. */
  if (read->n_records > self->limits.max_records)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_TOO_LARGE,
                   "A page from the portal held %u records, more than Techo accepts (%u); "
                   "nothing from it was stored.",
                   read->n_records, self->limits.max_records);
      return NULL;
    }
  if (read->records == NULL)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "A page from the portal held a record Techo cannot read (%s); nothing "
                   "from that page was stored.", read->records_error->message);
      return NULL;
    }
  page->records = g_steal_pointer (&read->records);
  if (read->has_next_cursor)
    {
      const char *text = read->next_cursor;

      if (text == NULL || *text == '\0' || strlen (text) > 1024 ||
          (cursor != NULL && g_str_equal (text, cursor)))
        {
          g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                       "A page from the portal pointed to an invalid next page.");
          return NULL;
        }
      page->next_cursor = g_strdup (text);
    }
  return g_steal_pointer (&page);
}

GBytes *
techo_portal_client_fetch_document (TechoPortalClient  *self,
                                    const char         *path,
                                    GCancellable       *cancellable,
                                    GError            **error)
{
  g_auto(Answer) answer = { 0 };

  if (path == NULL || (path[0] != '/' && !g_str_has_prefix (path, self->api_base)))
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_BAD_DATA,
                   "A checkup names its document at an address Techo will not use.");
      return NULL;
    }
  if (!exchange (self, "GET", path, NULL, self->limits.max_document, FALSE,
                 TECHO_CATEGORY_CHECKUP, "a checkup document", &answer, cancellable, error))
    return NULL;
  if (answer.status != 200)
    {
      g_set_error (error, TECHO_PORTAL_ERROR, TECHO_PORTAL_ERROR_NOT_FOUND,
                   "The portal did not provide a checkup's document (HTTP %u).", answer.status);
      return NULL;
    }
  return g_steal_pointer (&answer.body);
}
