/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-disclosure.h: THE consent gate. Every way records leave Techo —
 * a file export in each format, a print, visit mode, a share link, the
 * share server's answers, and later an upload to a share host — goes
 * through here, in this order:
 *
 *   1. open: check the store holds a person, validate @consent and
 *      record it in the ledger (its "created" event) BEFORE anything is
 *      read for disclosure; then gather the record set the consent
 *      covers (its categories, its period, withdrawn records left out);
 *   2. the caller writes, renders, shows or serves that record set, and
 *      only that;
 *   3. sent: record a "sent" event naming what left (format, counts,
 *      file name; never a health value).
 *
 * The ledger's writing calls are declared in the store's
 * techo-consent-ledger.h, which only this unit includes
 * (tests/check-layers.py refuses any other includer), so a path that
 * skips the gate does not build.
 *
 * Threads: the _sync calls are for the CLI, tests and worker threads and
 * check in debug builds that they are not on the main thread
 * (techo-thread.h); the app uses _async. */

#pragma once

#include <gio/gio.h>

#include "techo-consent.h"
#include "techo-records.h"
#include "techo-store.h"

G_BEGIN_DECLS

#define TECHO_DISCLOSURE_ERROR (techo_disclosure_error_quark ())

typedef enum
{
  TECHO_DISCLOSURE_ERROR_NO_PROFILE, /* the store holds nobody yet: nothing is recorded */
  TECHO_DISCLOSURE_ERROR_METHOD,     /* the consent was given for another way of sharing */
  TECHO_DISCLOSURE_ERROR_RECORDED,   /* the consent is recorded already: one consent, one disclosure */
  TECHO_DISCLOSURE_ERROR_SENT,       /* "sent" was recorded already */
  TECHO_DISCLOSURE_N_ERRORS /* not a code: how many codes there are */
} TechoDisclosureError;

GQuark techo_disclosure_error_quark (void);

#define TECHO_TYPE_DISCLOSURE (techo_disclosure_get_type ())
G_DECLARE_FINAL_TYPE (TechoDisclosure, techo_disclosure, TECHO, DISCLOSURE, GObject)

/* Step 1. @consent must not be recorded yet (id 0); @method, when not
 * NONE, is the only method it may name. @profile_id 0: the first
 * profile. On success @consent->id and created_at are set (the sync form;
 * the async form copies @consent). When a later step fails the consent
 * stays in the ledger (it was given) with no "sent" event; the sync form
 * still sets @consent->id then. */
TechoDisclosure    *techo_disclosure_open_sync   (TechoStore          *store,
                                                  gint64               profile_id,
                                                  TechoConsent        *consent,
                                                  TechoConsentMethod   method,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void                techo_disclosure_open_async  (TechoStore          *store,
                                                  gint64               profile_id,
                                                  const TechoConsent  *consent,
                                                  TechoConsentMethod   method,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
/* @out_consent_id (may be NULL): the recorded consent's id, also when a
 * step after recording failed; 0 when nothing was recorded. */
TechoDisclosure    *techo_disclosure_open_finish (TechoStore          *store,
                                                  GAsyncResult        *result,
                                                  gint64              *out_consent_id,
                                                  GError             **error);

TechoStore         *techo_disclosure_get_store      (TechoDisclosure *self);
/* The recorded consent (id > 0). */
const TechoConsent *techo_disclosure_get_consent    (TechoDisclosure *self);
gint64              techo_disclosure_get_consent_id (TechoDisclosure *self);
/* What the consent covers, and nothing else: the only records the
 * caller may let leave. */
TechoRecordSet     *techo_disclosure_get_record_set (TechoDisclosure *self);
gboolean            techo_disclosure_is_sent        (TechoDisclosure *self);

/* Step 3: a "sent" event with @detail (what left; no health value).
 * Refused once the consent is revoked or expired, and a second time. */
gboolean            techo_disclosure_sent_sync   (TechoDisclosure     *self,
                                                  const char          *detail,
                                                  GCancellable        *cancellable,
                                                  GError             **error);
void                techo_disclosure_sent_async  (TechoDisclosure     *self,
                                                  const char          *detail,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean            techo_disclosure_sent_finish (TechoDisclosure     *self,
                                                  GAsyncResult        *result,
                                                  GError             **error);

/* Step 2 for a writer that runs on any thread: writes what the
 * disclosure's record set holds and returns the "sent" detail, or NULL
 * with @error set. */
typedef char *(*TechoDisclosureWriteFunc) (TechoDisclosure  *disclosure,
                                           gpointer          user_data,
                                           GCancellable     *cancellable,
                                           GError          **error);

/* A way out for steps 1 to 3 in one: the method the consent must name,
 * step 2's @write and its @user_data (freed with @user_data_free, when
 * set, once run_async's task is done; run_sync never frees it). */
typedef struct
{
  TechoConsentMethod method;
  TechoDisclosureWriteFunc write;
  gpointer user_data;
  GDestroyNotify user_data_free;
} TechoDisclosureWriter;

/* Steps 1 to 3 in one: open, @writer's write, sent. */
gboolean            techo_disclosure_run_sync    (TechoStore                   *store,
                                                  gint64                        profile_id,
                                                  TechoConsent                 *consent,
                                                  const TechoDisclosureWriter  *writer,
                                                  GCancellable                 *cancellable,
                                                  GError                      **error);
/* The same on a worker thread (the write runs there). */
void                techo_disclosure_run_async   (TechoStore                   *store,
                                                  gint64                        profile_id,
                                                  const TechoConsent           *consent,
                                                  const TechoDisclosureWriter  *writer,
                                                  GCancellable                 *cancellable,
                                                  GAsyncReadyCallback           callback,
                                                  gpointer                      callback_data);
/* @out_consent_id as for open_finish. */
gboolean            techo_disclosure_run_finish  (TechoStore               *store,
                                                  GAsyncResult             *result,
                                                  gint64                   *out_consent_id,
                                                  GError                  **error);

/* An answer of a share already published under consent @consent_id:
 * @event is TECHO_CONSENT_EVENT_ACCESS or _DENIED. Never blocks: queued
 * to the store in order with its other jobs; a failure is logged. */
void                techo_disclosure_log_answer  (TechoStore               *store,
                                                  gint64                    consent_id,
                                                  const char               *event,
                                                  const char               *detail);

/* What a consent covers, read from the store (the gate's gathering, for
 * callers that already hold a recorded consent, such as tests). */
TechoRecordSet     *techo_record_set_gather_sync (TechoStore          *store,
                                                  gint64               profile_id,
                                                  const TechoConsent  *consent,
                                                  GCancellable        *cancellable,
                                                  GError             **error);

G_END_DECLS
