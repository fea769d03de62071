/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-consent.h: the consent ledger. Before any byte leaves Techo (a
 * file export, a print, visit mode, a share link) a consent is recorded:
 * what (categories, period), to whom (free text such as
 * 「みどり内科 田中先生」), why, how, and for a share until when. Every
 * byte that then leaves, and every access to a share, is an event of that
 * consent; each also adds a row to the append-only audit log. Details in
 * events name files, formats and counts, never a health value.
 *
 * This is the plain type (records area); the store side
 * (techo_store_*_consent*) is declared in the store area's
 * techo-store-consents.h and runs on the store's thread. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "techo-record-scope.h"
#include "techo-record-types.h"

G_BEGIN_DECLS

#define TECHO_CONSENT_ERROR (techo_consent_error_quark ())

typedef enum
{
  TECHO_CONSENT_ERROR_MISSING,   /* no recipient, purpose or category */
  TECHO_CONSENT_ERROR_INVALID,   /* a field is malformed or too long */
  TECHO_CONSENT_ERROR_NOT_FOUND, /* no such consent */
  TECHO_CONSENT_ERROR_NOT_LIVE,  /* revoked or expired */
  TECHO_CONSENT_N_ERRORS /* not a code: how many codes there are */
} TechoConsentError;

GQuark techo_consent_error_quark (void);

#define TECHO_CONSENT_MAX_TEXT   200  /* characters of recipient or purpose */
#define TECHO_CONSENT_MAX_DETAIL 1024 /* bytes of an event's detail */

/* How the records leave. Stored (the `method` column, JSON, the CLI) as
 * the names techo_consent_method_to_string() gives: "fhir", "csv", "cda",
 * "pdf", "print", "visit", "share". */
typedef enum
{
  TECHO_CONSENT_METHOD_NONE,  /* not chosen; as the gate's argument: any */
  TECHO_CONSENT_METHOD_FHIR,
  TECHO_CONSENT_METHOD_CSV,
  TECHO_CONSENT_METHOD_CDA,
  TECHO_CONSENT_METHOD_PDF,
  TECHO_CONSENT_METHOD_PRINT,
  TECHO_CONSENT_METHOD_VISIT,
  TECHO_CONSENT_METHOD_SHARE,
  TECHO_CONSENT_N_METHODS /* not a method: how many there are */
} TechoConsentMethod;

/* NULL for NONE or a value out of range. */
const char *techo_consent_method_to_string   (TechoConsentMethod  method);
/* FALSE (and *out_method NONE) for NULL or an unknown name. */
gboolean    techo_consent_method_from_string (const char         *name,
                                              TechoConsentMethod *out_method);
/* A file written to disk: PDF, FHIR, CSV or CDA. */
gboolean    techo_consent_method_is_file     (TechoConsentMethod  method);

/* Event names. */
#define TECHO_CONSENT_EVENT_CREATED "created"
#define TECHO_CONSENT_EVENT_SENT    "sent"     /* a file written, a page printed, a share published */
#define TECHO_CONSENT_EVENT_ACCESS  "access"   /* a share answered a request */
#define TECHO_CONSENT_EVENT_DENIED  "denied"   /* a share refused one (passcode, expiry) */
#define TECHO_CONSENT_EVENT_REVOKED "revoked"

typedef struct
{
  gint64 id;
  gint64 at;       /* Unix seconds */
  char *event;
  char *detail;
} TechoConsentEvent;

void techo_consent_event_free (TechoConsentEvent *event);

typedef struct _TechoConsent
{
  gint64 id;           /* 0 until recorded */
  gint64 created_at;   /* Unix seconds; set when recorded */
  char *recipient;
  char *purpose;
  guint categories;    /* a bit per TechoCategory */
  char *period_from;   /* YYYY-MM-DD or NULL (open) */
  char *period_to;     /* YYYY-MM-DD or NULL (open) */
  TechoConsentMethod method;
  TechoRecordScope scope; /* within the categories and period: the last N
                           * checkups, some cancers, current medicines only */
  gint64 expires_at;   /* Unix seconds; 0: no expiry (only files) */
  gint64 revoked_at;   /* 0: not revoked */
  gint64 profile_id;   /* whose records (the store's person); set by the
                        * consent gate when recorded; 0 in consents
                        * recorded before schema 11 */
  GPtrArray *events;   /* of TechoConsentEvent, oldest first; filled by the store */
} TechoConsent;

TechoConsent *techo_consent_new  (const char         *recipient,
                                  const char         *purpose,
                                  guint               categories,
                                  TechoConsentMethod  method);
void          techo_consent_free (TechoConsent *consent);
/* A copy with events. */
TechoConsent *techo_consent_copy (const TechoConsent *consent);

/* "checkup,medication" ↔ bits. Unknown names are an error; "all" is
 * every category. */
char     *techo_consent_categories_to_string (guint        categories);
gboolean  techo_consent_categories_parse     (const char  *text,
                                              guint       *out_categories,
                                              GError     **error);
gboolean  techo_consent_has_category         (const TechoConsent *consent,
                                              TechoCategory       category);

/* Checks everything before a consent is recorded: recipient and purpose
 * present and short, at least one category, dates YYYY-MM-DD in order,
 * a known method; a share needs an expiry in the future. */
gboolean  techo_consent_validate (const TechoConsent  *consent,
                                  gint64               now,
                                  GError             **error);

/* "active", "expired" or "revoked" at @now. */
const char *techo_consent_state   (const TechoConsent *consent,
                                   gint64              now);
gboolean    techo_consent_is_live (const TechoConsent *consent,
                                   gint64              now);
/* TRUE when @date (YYYY-MM-DD) falls inside the consent's period. */
gboolean    techo_consent_covers_date (const TechoConsent *consent,
                                       const char         *date);

/* {"id":…,"created_at":"ISO","recipient":…,"purpose":…,"categories":[…],
 *  "period_from":…,"period_to":…,"scope":"checkups=3;…"|null,"method":…,"expires_at":…,"revoked_at":…,
 *  "state":…,"events":[{"at":…,"event":…,"detail":…}]} */
void        techo_consent_to_json (const TechoConsent *consent,
                                   gint64              now,
                                   JsonBuilder        *builder);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoConsentEvent, techo_consent_event_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoConsent, techo_consent_free)

G_END_DECLS
