/* SPDX-License-Identifier: GPL-3.0-or-later */
/* techo-records-json.h: the record JSON of the portal API (docs/portal-api.md
 * §2) both ways, for checkups, medication lines (TechoDispensing),
 * screenings and the /me profile. The readers validate every field they
 * keep: required members, YYYY-MM-DD dates, value types, lengths and
 * counts; their errors (TECHO_JSON_ERROR_INVALID / _TOO_MANY) name the
 * record and the field. The writers emit one complete JSON object each. */

#pragma once

#include <json-glib/json-glib.h>

#include "techo-json.h"
#include "techo-record-types.h"

G_BEGIN_DECLS

/* Limits the readers enforce. */
#define TECHO_RECORD_MAX_ID        128   /* characters of an id */
#define TECHO_RECORD_MAX_TEXT      4096  /* characters of a free-text value */
#define TECHO_RECORD_MAX_NAME      512   /* characters of a name */
#define TECHO_RECORD_MAX_ITEMS     1000  /* items of one checkup/screening */

TechoCheckup    *techo_checkup_from_json    (JsonObject             *object,
                                             GError                **error);
void             techo_checkup_to_json      (const TechoCheckup     *checkup,
                                             JsonBuilder            *builder);

TechoDispensing *techo_dispensing_from_json (JsonObject             *object,
                                             GError                **error);
void             techo_dispensing_to_json   (const TechoDispensing  *dispensing,
                                             JsonBuilder            *builder);

TechoScreening  *techo_screening_from_json  (JsonObject             *object,
                                             GError                **error);
void             techo_screening_to_json    (const TechoScreening   *screening,
                                             JsonBuilder            *builder);

/* The person fields of /api/v1/me (subject, name, name_kana, birth_date,
 * sex, insurer_number). `granted` and `consent_expires_at` are read by
 * techo_profile_grants_from_json. The profile's issuer and id are not
 * part of the JSON. */
TechoProfile    *techo_profile_from_json    (JsonObject             *object,
                                             GError                **error);
void             techo_profile_to_json      (const TechoProfile     *profile,
                                             JsonBuilder            *builder);
/* Reads /me's `granted` (into @out_granted, a bit per TechoCategory; unknown
 * names are ignored) and `consent_expires_at` (ISO 8601, may be absent:
 * then *@out_expires_at is NULL). */
gboolean         techo_profile_grants_from_json (JsonObject  *object,
                                                 guint       *out_granted,
                                                 char       **out_expires_at,
                                                 GError     **error);

/* Reads an array of records of @category: a GPtrArray of TechoCheckup,
 * TechoDispensing or TechoScreening with the matching free function.
 * More than @max_records elements is TECHO_JSON_ERROR_TOO_MANY. */
GPtrArray       *techo_records_from_json_array (TechoCategory   category,
                                                JsonArray      *array,
                                                guint           max_records,
                                                GError        **error);
/* Writes one record of @category (a TechoCheckup *, TechoDispensing * or
 * TechoScreening *) as a JSON object. */
void             techo_record_to_json          (TechoCategory   category,
                                                gconstpointer   record,
                                                JsonBuilder    *builder);

/* One page of GET /api/v1/requests/{id}/result (docs/portal-api.md §3):
 * what the portal client checks, read either from a parsed tree or
 * straight from the bytes. Checks the client makes on it, in its order:
 * page_category, has_records, n_records against its limit, records_error,
 * next_cursor. */
typedef struct
{
  TechoCategory category;  /* the category asked for */
  char *page_category;     /* the page's "category" when it is text, else NULL */
  gboolean has_records;    /* "records" is a list */
  guint n_records;         /* its length */
  GPtrArray *records;      /* the records, or NULL (records_error says why) */
  GError *records_error;   /* as techo_records_from_json_array would report it */
  gboolean has_next_cursor; /* "next_cursor" is present and not null */
  char *next_cursor;       /* its text, NULL when it is not text */
} TechoRecordsPage;

TechoRecordsPage *techo_records_page_new         (TechoCategory    category);
void              techo_records_page_free        (TechoRecordsPage *page);

/* From a page parsed into a tree (the reference path). */
TechoRecordsPage *techo_records_page_from_object (JsonObject      *object,
                                                  TechoCategory    category,
                                                  guint            max_records);

/* Straight from the @length bytes at @data with the streaming reader,
 * building no tree: the same result as techo_json_parse_object_bounded
 * followed by techo_records_page_from_object, with the same error codes
 * (the same limits, checked in the same order, and the same record
 * validation and messages). Records past @max_records are not built, only
 * counted. */
TechoRecordsPage *techo_records_page_read        (const char             *data,
                                                  gsize                   length,
                                                  const TechoJsonLimits  *limits,
                                                  TechoCategory           category,
                                                  guint                   max_records,
                                                  GError                **error);

/* TRUE when @text is a valid calendar date written YYYY-MM-DD. */
gboolean         techo_json_is_date            (const char     *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TechoRecordsPage, techo_records_page_free)

G_END_DECLS
