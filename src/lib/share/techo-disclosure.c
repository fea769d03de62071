/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The consent gate: record the consent, gather what it covers, hand it
 * to the caller, record what left. The only includer of the ledger's
 * writing calls. */

#define G_LOG_DOMAIN "techo-disclosure"

#include "config.h"

#include "techo-consent-ledger.h"
#include "techo-disclosure.h"
#include "techo-selection.h"
#include "techo-thread.h"

G_DEFINE_QUARK (techo-disclosure-error-quark, techo_disclosure_error)

struct _TechoDisclosure
{
  GObject parent_instance;

  TechoStore *store;
  TechoConsent *consent;   /* recorded */
  TechoRecordSet *set;
  gboolean sent;
};

G_DEFINE_FINAL_TYPE (TechoDisclosure, techo_disclosure, G_TYPE_OBJECT)

#define NO_PROFILE_MESSAGE "There is nobody's record to share yet: sign in and sync first."

/* ---- gathering ------------------------------------------------------------ */

/* Keeps the records whose date (at @date_offset in the struct) the
 * consent covers. */
static void
filter_period (GPtrArray          *records,
               const TechoConsent *consent,
               gsize               date_offset)
{
  for (guint i = records->len; i > 0; i--)
    {
      gpointer record = g_ptr_array_index (records, i - 1);
      const char *date = G_STRUCT_MEMBER (const char *, record, date_offset);

      if (!techo_consent_covers_date (consent, date))
        g_ptr_array_remove_index (records, i - 1);
    }
}

TechoRecordSet *
techo_record_set_gather_sync (TechoStore          *store,
                              gint64               profile_id,
                              const TechoConsent  *consent,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(TechoRecordSet) set = techo_record_set_new ();
  g_autoptr(GPtrArray) profiles = NULL;

  techo_assert_not_main_thread ();
  profiles = techo_store_list_profiles_sync (store, cancellable, error);
  if (profiles == NULL)
    return NULL;
  for (guint i = 0; i < profiles->len; i++)
    {
      TechoProfile *p = g_ptr_array_index (profiles, i);

      if (profile_id == 0 || p->id == profile_id)
        {
          set->profile = g_ptr_array_steal_index (profiles, i);
          break;
        }
    }
  if (set->profile == NULL)
    {
      g_set_error_literal (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_NO_PROFILE,
                           NO_PROFILE_MESSAGE);
      return NULL;
    }
  profile_id = set->profile->id;

  if (techo_consent_has_category (consent, TECHO_CATEGORY_CHECKUP))
    {
      g_clear_pointer (&set->checkups, g_ptr_array_unref);
      set->checkups = techo_store_list_checkups_sync (store, profile_id, 0, cancellable, error);
      if (set->checkups == NULL)
        return NULL;
      filter_period (set->checkups, consent, G_STRUCT_OFFSET (TechoCheckup, performed_on));
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_MEDICATION))
    {
      g_clear_pointer (&set->dispensings, g_ptr_array_unref);
      set->dispensings = techo_store_list_dispensings_sync (store, profile_id,
                                                            consent->period_from,
                                                            consent->period_to,
                                                            cancellable, error);
      if (set->dispensings == NULL)
        return NULL;
      /* What the medication notebook says a doctor must see: allergies and
       * side effects (undated facts), OTC medicines and supplements (those
       * taken in the period, or undated), and the person's own notes of
       * what each medicine is for. Memos and the rest stay. */
      {
        g_autoptr(GPtrArray) entries = techo_store_list_notebook_entries_sync (store, profile_id,
                                                                              -1, cancellable,
                                                                              error);

        if (entries == NULL)
          return NULL;
        while (entries->len > 0)
          {
            g_autoptr(TechoNotebookEntry) e = g_ptr_array_steal_index (entries, 0);

            if (e->kind != TECHO_NOTEBOOK_ALLERGY && e->kind != TECHO_NOTEBOOK_SIDE_EFFECT
                && e->kind != TECHO_NOTEBOOK_OTC && e->kind != TECHO_NOTEBOOK_PURPOSE)
              continue;
            if (e->kind == TECHO_NOTEBOOK_OTC && e->started_on != NULL
                && !techo_consent_covers_date (consent, e->started_on))
              continue;
            g_ptr_array_add (set->entries, g_steal_pointer (&e));
          }
      }
    }
  if (techo_consent_has_category (consent, TECHO_CATEGORY_SCREENING))
    {
      g_clear_pointer (&set->screenings, g_ptr_array_unref);
      set->screenings = techo_store_list_screenings_sync (store, profile_id, NULL,
                                                          cancellable, error);
      if (set->screenings == NULL)
        return NULL;
      filter_period (set->screenings, consent, G_STRUCT_OFFSET (TechoScreening, performed_on));
    }
  /* The scope (last N checkups, some cancers, current medicines): the
   * same selection the share dialog's summary lists. */
  techo_record_set_narrow (set, consent);
  return g_steal_pointer (&set);
}

/* Nobody to disclose: say so before a consent is recorded for nothing.
 * Otherwise *@out_id is whose records these are (@profile_id, or the
 * first person for 0), for the consent to name. A person no longer
 * stored is NO_PROFILE too: nothing is recorded for them. */
static gboolean
check_profile (TechoStore    *store,
               gint64         profile_id,
               gint64        *out_id,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GPtrArray) profiles = techo_store_list_profiles_sync (store, cancellable, error);

  if (profiles == NULL)
    return FALSE;
  for (guint i = 0; i < profiles->len; i++)
    {
      const TechoProfile *p = g_ptr_array_index (profiles, i);

      if (profile_id == 0 || p->id == profile_id)
        {
          *out_id = p->id;
          return TRUE;
        }
    }
  g_set_error_literal (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_NO_PROFILE,
                       NO_PROFILE_MESSAGE);
  return FALSE;
}

/* ---- the object -------------------------------------------------------------- */

static void
techo_disclosure_finalize (GObject *object)
{
  TechoDisclosure *self = TECHO_DISCLOSURE (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->consent, techo_consent_free);
  g_clear_pointer (&self->set, techo_record_set_unref);
  G_OBJECT_CLASS (techo_disclosure_parent_class)->finalize (object);
}

static void
techo_disclosure_class_init (TechoDisclosureClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = techo_disclosure_finalize;
}

static void
techo_disclosure_init (TechoDisclosure *self)
{
}

/* ---- step 1: open ------------------------------------------------------------ */

/* Any thread but the main one. */
static TechoDisclosure *
open_in_thread (TechoStore          *store,
                gint64               profile_id,
                TechoConsent        *consent,
                TechoConsentMethod   method,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(TechoDisclosure) self = NULL;

  if (consent->id != 0)
    {
      g_set_error_literal (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_RECORDED,
                           "This consent was used already: each disclosure needs its own.");
      return NULL;
    }
  if (method != TECHO_CONSENT_METHOD_NONE && consent->method != method)
    {
      g_set_error_literal (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_METHOD,
                           "The consent was given for another way of sharing.");
      return NULL;
    }
  if (!techo_consent_validate (consent, g_get_real_time () / G_USEC_PER_SEC, error) ||
      !check_profile (store, profile_id, &profile_id, cancellable, error))
    return NULL;
  /* The ledger names whose records left. */
  consent->profile_id = profile_id;
  /* The consent first: nothing is read for disclosure before it is stored. */
  if (!techo_store_record_consent_sync (store, consent, cancellable, error))
    return NULL;

  self = g_object_new (TECHO_TYPE_DISCLOSURE, NULL);
  self->store = g_object_ref (store);
  self->consent = techo_consent_copy (consent);
  self->set = techo_record_set_gather_sync (store, profile_id, consent, cancellable, error);
  if (self->set == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

TechoDisclosure *
techo_disclosure_open_sync (TechoStore          *store,
                            gint64               profile_id,
                            TechoConsent        *consent,
                            TechoConsentMethod   method,
                            GCancellable        *cancellable,
                            GError             **error)
{
  g_return_val_if_fail (TECHO_IS_STORE (store), NULL);
  g_return_val_if_fail (consent != NULL, NULL);

  techo_assert_not_main_thread ();
  return open_in_thread (store, profile_id, consent, method, cancellable, error);
}

typedef struct
{
  gint64 profile_id;
  TechoConsent *consent;
  TechoDisclosureWriter writer;  /* open: only the method */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->consent, techo_consent_free);
  if (job->writer.user_data_free != NULL)
    job->writer.user_data_free (job->writer.user_data);
  g_free (job);
}

static Job *
job_new (gint64              profile_id,
         const TechoConsent *consent,
         TechoConsentMethod  method)
{
  Job *job = g_new0 (Job, 1);

  job->profile_id = profile_id;
  job->consent = techo_consent_copy (consent);
  job->writer.method = method;
  return job;
}

/* A task of ours from @store with @tag; sets @out_consent_id (may be
 * NULL) to the consent's id, also when a step after recording failed. */
static gboolean
check_result (TechoStore    *store,
              GAsyncResult  *result,
              gpointer       tag,
              gint64        *out_consent_id)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == tag, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (out_consent_id != NULL)
    *out_consent_id = job->consent->id;
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  TechoDisclosure *self;

  self = open_in_thread (source_object, job->profile_id, job->consent, job->writer.method,
                         cancellable, &error);
  if (self != NULL)
    g_task_return_pointer (task, self, g_object_unref);
  else
    g_task_return_error (task, error);
}

void
techo_disclosure_open_async (TechoStore          *store,
                             gint64               profile_id,
                             const TechoConsent  *consent,
                             TechoConsentMethod   method,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (consent != NULL);

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_disclosure_open_async);
  g_task_set_task_data (task, job_new (profile_id, consent, method), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, open_thread);
}

TechoDisclosure *
techo_disclosure_open_finish (TechoStore    *store,
                              GAsyncResult  *result,
                              gint64        *out_consent_id,
                              GError       **error)
{
  if (!check_result (store, result, techo_disclosure_open_async, out_consent_id))
    return NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- what the caller may use ------------------------------------------------- */

TechoStore *
techo_disclosure_get_store (TechoDisclosure *self)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), NULL);
  return self->store;
}

const TechoConsent *
techo_disclosure_get_consent (TechoDisclosure *self)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), NULL);
  return self->consent;
}

gint64
techo_disclosure_get_consent_id (TechoDisclosure *self)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), 0);
  return self->consent->id;
}

TechoRecordSet *
techo_disclosure_get_record_set (TechoDisclosure *self)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), NULL);
  return self->set;
}

gboolean
techo_disclosure_is_sent (TechoDisclosure *self)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), FALSE);
  return self->sent;
}

/* ---- step 3: sent ------------------------------------------------------------ */

static gboolean
check_not_sent (TechoDisclosure  *self,
                GError          **error)
{
  if (self->sent)
    {
      g_set_error_literal (error, TECHO_DISCLOSURE_ERROR, TECHO_DISCLOSURE_ERROR_SENT,
                           "What left under this consent is recorded already.");
      return FALSE;
    }
  return TRUE;
}

gboolean
techo_disclosure_sent_sync (TechoDisclosure  *self,
                            const char       *detail,
                            GCancellable     *cancellable,
                            GError          **error)
{
  g_return_val_if_fail (TECHO_IS_DISCLOSURE (self), FALSE);

  techo_assert_not_main_thread ();
  if (!check_not_sent (self, error) ||
      !techo_store_add_consent_event_sync (self->store, self->consent->id,
                                           TECHO_CONSENT_EVENT_SENT, detail, cancellable, error))
    return FALSE;
  self->sent = TRUE;
  return TRUE;
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  TechoDisclosure *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (!techo_store_add_consent_event_finish (TECHO_STORE (source), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  self->sent = TRUE;
  g_task_return_boolean (task, TRUE);
}

void
techo_disclosure_sent_async (TechoDisclosure     *self,
                             const char          *detail,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (TECHO_IS_DISCLOSURE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, techo_disclosure_sent_async);
  if (!check_not_sent (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  techo_store_add_consent_event_async (self->store, self->consent->id, TECHO_CONSENT_EVENT_SENT,
                                       detail, cancellable, sent_cb, g_steal_pointer (&task));
}

gboolean
techo_disclosure_sent_finish (TechoDisclosure  *self,
                              GAsyncResult     *result,
                              GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- steps 1 to 3 ------------------------------------------------------------ */

gboolean
techo_disclosure_run_sync (TechoStore                   *store,
                           gint64                        profile_id,
                           TechoConsent                 *consent,
                           const TechoDisclosureWriter  *writer,
                           GCancellable                 *cancellable,
                           GError                      **error)
{
  g_autoptr(TechoDisclosure) self = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (TECHO_IS_STORE (store), FALSE);
  g_return_val_if_fail (consent != NULL && writer != NULL && writer->write != NULL, FALSE);

  techo_assert_not_main_thread ();
  self = open_in_thread (store, profile_id, consent, writer->method, cancellable, error);
  if (self == NULL)
    return FALSE;
  detail = writer->write (self, writer->user_data, cancellable, error);
  if (detail == NULL)
    return FALSE;
  return techo_disclosure_sent_sync (self, detail, cancellable, error);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (techo_disclosure_run_sync (source_object, job->profile_id, job->consent, &job->writer,
                                 cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
techo_disclosure_run_async (TechoStore                   *store,
                            gint64                        profile_id,
                            const TechoConsent           *consent,
                            const TechoDisclosureWriter  *writer,
                            GCancellable                 *cancellable,
                            GAsyncReadyCallback           callback,
                            gpointer                      callback_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (consent != NULL && writer != NULL && writer->write != NULL);

  job = job_new (profile_id, consent, writer->method);
  job->writer = *writer;
  task = g_task_new (store, cancellable, callback, callback_data);
  g_task_set_source_tag (task, techo_disclosure_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_thread);
}

gboolean
techo_disclosure_run_finish (TechoStore    *store,
                             GAsyncResult  *result,
                             gint64        *out_consent_id,
                             GError       **error)
{
  if (!check_result (store, result, techo_disclosure_run_async, out_consent_id))
    return FALSE;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- a share's answers ------------------------------------------------------- */

static void
answer_logged_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (techo_store_add_consent_event_finish (TECHO_STORE (source), result, &error))
    return;
  /* Revoked by another process a moment ago: the ledger refuses the
   * access, and the server stops answering at its next refresh. */
  if (g_error_matches (error, TECHO_CONSENT_ERROR, TECHO_CONSENT_ERROR_NOT_LIVE))
    g_message ("A share answered once after its consent ended: %s", error->message);
  else
    g_warning ("A share's answer could not be written to the consent ledger: %s",
               error->message);
}

void
techo_disclosure_log_answer (TechoStore *store,
                             gint64      consent_id,
                             const char *event,
                             const char *detail)
{
  g_return_if_fail (TECHO_IS_STORE (store));
  g_return_if_fail (g_strcmp0 (event, TECHO_CONSENT_EVENT_ACCESS) == 0 ||
                    g_strcmp0 (event, TECHO_CONSENT_EVENT_DENIED) == 0);

  techo_store_add_consent_event_async (store, consent_id, event, detail, NULL,
                                       answer_logged_cb, NULL);
}
