/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bk-http.h"
#include "bk-oauth-token-source.h"
#include "bk-store.h"

G_BEGIN_DECLS

#define BK_GOOGLE_ERROR (bk_google_error_quark ())

/**
 * BkGoogleError:
 * @BK_GOOGLE_ERROR_NETWORK: Google could not be reached; cached data may be
 *   used, try again when online
 * @BK_GOOGLE_ERROR_THROTTLED: Google kept answering 429 or 403 rate limit
 *   exceeded; try later
 * @BK_GOOGLE_ERROR_RECONNECT_NEEDED: the grant is gone: Connect again
 * @BK_GOOGLE_ERROR_NOT_FOUND: the calendar or event does not exist (any more)
 * @BK_GOOGLE_ERROR_ACCESS_DENIED: Google refused (e.g. a read-only calendar)
 * @BK_GOOGLE_ERROR_BAD_RESPONSE: Google's answer could not be read
 * @BK_GOOGLE_ERROR_SYNC_TOKEN_GONE: the sync token expired (410): do a full
 *   sync
 * @BK_GOOGLE_ERROR_FAILED: any other error; the message has Google's reason
 */
typedef enum
{
  BK_GOOGLE_ERROR_NETWORK,
  BK_GOOGLE_ERROR_THROTTLED,
  BK_GOOGLE_ERROR_RECONNECT_NEEDED,
  BK_GOOGLE_ERROR_NOT_FOUND,
  BK_GOOGLE_ERROR_ACCESS_DENIED,
  BK_GOOGLE_ERROR_BAD_RESPONSE,
  BK_GOOGLE_ERROR_SYNC_TOKEN_GONE,
  BK_GOOGLE_ERROR_FAILED,
} BkGoogleError;

GQuark bk_google_error_quark (void);

/* freeBusy.query's limits: calendars per request (calendarExpansionMax) and
 * the longest window Google accepts. */
#define BK_GOOGLE_FREEBUSY_MAX_CALENDARS 50
#define BK_GOOGLE_FREEBUSY_MAX_SECONDS   (90 * 24 * 3600)

/* The private extended property that carries the appointment id. */
#define BK_GOOGLE_APPOINTMENT_PROPERTY "bookableAppointmentId"

/* The outcome of reading one calendar's busy times over [from, to). */
typedef struct
{
  char      *calendar_id;
  GPtrArray *busy;            /* BkBusyTime (busy, oof, tentative) */
  gint64     complete_until;  /* [from, complete_until) was read completely */
  GError    *error;           /* why [complete_until, to) could not be read */
} BkGoogleBusyRead;

void bk_google_busy_read_free (BkGoogleBusyRead *read);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkGoogleBusyRead, bk_google_busy_read_free)

#define BK_TYPE_GOOGLE_CLIENT (bk_google_client_get_type ())

G_DECLARE_FINAL_TYPE (BkGoogleClient, bk_google_client, BK, GOOGLE_CLIENT, GObject)

/* @api_url: e.g. https://www.googleapis.com/calendar/v3
 * (bk_settings_dup_google_api_url). */
BkGoogleClient *bk_google_client_new                   (BkHttp              *http,
                                                        BkOAuthTokenSource  *tokens,
                                                        const char          *api_url);
/* With a bare access token (no refresh): used right after sign-in, before
 * the account (the primary calendar's id) is known. */
BkGoogleClient *bk_google_client_new_for_access_token  (BkHttp              *http,
                                                        const char          *access_token,
                                                        const char          *api_url);
/* API calls made since creation (BkHttp's retries not counted). */
guint64         bk_google_client_get_request_count     (BkGoogleClient      *self);

/* calendarList, every page: a GPtrArray of BkCalendar (color is
 * backgroundColor; can_edit for owner/writer; is_default for the primary).
 * @out_primary_id (may be NULL): the primary calendar's id, the account's
 * address. */
void            bk_google_client_list_calendars_async  (BkGoogleClient      *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *bk_google_client_list_calendars_finish (BkGoogleClient      *self,
                                                        GAsyncResult        *result,
                                                        char               **out_primary_id,
                                                        GError             **error);

/* Busy times of @calendar_ids over [from, to): freeBusy.query in requests
 * of at most 50 calendars and 90 days, or (@detail) events.list with
 * singleEvents per calendar, which tells tentative and out-of-office apart.
 * Returns a GPtrArray of BkGoogleBusyRead in the order of @calendar_ids;
 * only cancellation is an error here: a calendar or a chunk that fails is
 * reported in its read (fail closed). */
void            bk_google_client_read_busy_async       (BkGoogleClient      *self,
                                                        const char * const  *calendar_ids,
                                                        gint64               from,
                                                        gint64               to,
                                                        gboolean             detail,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray      *bk_google_client_read_busy_finish      (BkGoogleClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* events.insert with sendUpdates=none; @event must carry its client-chosen
 * "id": a 409 (the id exists: an earlier attempt got through) is success.
 * Returns the event id. */
void            bk_google_client_insert_event_async    (BkGoogleClient      *self,
                                                        const char          *calendar_id,
                                                        JsonNode            *event,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char           *bk_google_client_insert_event_finish   (BkGoogleClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* events.patch with sendUpdates=none. */
void            bk_google_client_patch_event_async     (BkGoogleClient      *self,
                                                        const char          *calendar_id,
                                                        const char          *event_id,
                                                        JsonNode            *changes,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        bk_google_client_patch_event_finish    (BkGoogleClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
/* events.delete with sendUpdates=none; 404 and 410 (already gone) are
 * success. */
void            bk_google_client_delete_event_async    (BkGoogleClient      *self,
                                                        const char          *calendar_id,
                                                        const char          *event_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean        bk_google_client_delete_event_finish   (BkGoogleClient      *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* What changed in one calendar since a sync token (two-way sync). */
typedef struct
{
  GPtrArray *events;           /* JsonObject: changed events, and deleted ones
                                * as {"id", "status": "cancelled", …} */
  char      *next_sync_token;  /* for the next call */
  gboolean   full_resync;      /* the token had expired (410): @events is
                                * everything; drop what was cached before */
} BkGoogleChanges;

void bk_google_changes_free (BkGoogleChanges *changes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkGoogleChanges, bk_google_changes_free)

/* events.list with singleEvents=true since @sync_token (NULL: a full sync),
 * every page; a 410 (token expired) does a full sync instead. */
void             bk_google_client_list_changes_async  (BkGoogleClient      *self,
                                                       const char          *calendar_id,
                                                       const char          *sync_token,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
BkGoogleChanges *bk_google_client_list_changes_finish (BkGoogleClient      *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* The event id Bookable gives appointment @appointment_id's event: "bk0"
 * and the id's bytes in base32hex (lowercase a–v, 0–9), so a retried
 * insert meets its first attempt (409). */
char           *bk_google_event_id_for_appointment     (const char          *appointment_id);
/* RFC 3339 UTC ("2027-03-26T08:00:00Z"). */
char           *bk_google_format_instant               (gint64               unix_seconds);
/* An EventDateTime ({"dateTime"} with an offset, or an all-day {"date"} as
 * the local day of @zone, the calendar's time zone) as an instant. */
gboolean        bk_google_parse_event_time             (JsonObject          *event_time,
                                                        const char          *zone,
                                                        gint64              *out_unix,
                                                        GError             **error);
/* Google's 403 rateLimitExceeded / userRateLimitExceeded: "slow down". */
gboolean        bk_google_is_rate_limit                (guint                status,
                                                        SoupMessageHeaders  *headers,
                                                        GBytes              *body);

G_END_DECLS
