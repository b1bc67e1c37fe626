/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bk-http.h"
#include "bk-oauth-token-source.h"
#include "bk-store.h"

G_BEGIN_DECLS

#define BK_GRAPH_ERROR (bk_graph_error_quark ())

/**
 * BkGraphError:
 * @BK_GRAPH_ERROR_NETWORK: Graph (or the sign-in service) could not be
 *   reached; cached data may be used, try again when online
 * @BK_GRAPH_ERROR_THROTTLED: Graph kept answering 429/503/504; try later
 * @BK_GRAPH_ERROR_RECONNECT_NEEDED: the grant is gone: Connect again
 * @BK_GRAPH_ERROR_NOT_FOUND: the calendar or event does not exist (any more)
 * @BK_GRAPH_ERROR_ACCESS_DENIED: Graph refused (e.g. a read-only calendar)
 * @BK_GRAPH_ERROR_BAD_RESPONSE: Graph's answer could not be read
 * @BK_GRAPH_ERROR_FAILED: any other error; the message has Graph's code and
 *   message
 */
typedef enum
{
  BK_GRAPH_ERROR_NETWORK,
  BK_GRAPH_ERROR_THROTTLED,
  BK_GRAPH_ERROR_RECONNECT_NEEDED,
  BK_GRAPH_ERROR_NOT_FOUND,
  BK_GRAPH_ERROR_ACCESS_DENIED,
  BK_GRAPH_ERROR_BAD_RESPONSE,
  BK_GRAPH_ERROR_FAILED,
} BkGraphError;

GQuark bk_graph_error_quark (void);

/* The largest page Graph serves for Outlook items (calendarView, events):
 * asked for with Prefer: odata.maxpagesize on every page. */
#define BK_GRAPH_MAX_PAGE_SIZE 1000

/* The extended property that carries the appointment id on each event. */
#define BK_GRAPH_APPOINTMENT_PROPERTY_ID \
  "String {6f1c8a52-3d4e-4b7a-9c21-b00cab1e0365} Name BookableAppointmentId"

/* The outcome of reading one calendar's busy times over [from, to). */
typedef struct
{
  GPtrArray *busy;            /* BkBusyTime (busy, oof, tentative, unknown) */
  gint64     complete_until;  /* [from, complete_until) was read completely */
  guint      pages;
  GError    *error;           /* why [complete_until, to) could not be read;
                               * NULL when complete_until == to */
} BkGraphBusyRead;

void bk_graph_busy_read_free (BkGraphBusyRead *read);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkGraphBusyRead, bk_graph_busy_read_free)

#define BK_TYPE_GRAPH_CLIENT (bk_graph_client_get_type ())

G_DECLARE_FINAL_TYPE (BkGraphClient, bk_graph_client, BK, GRAPH_CLIENT, GObject)

/* @graph_url: e.g. https://graph.microsoft.com/v1.0 (bk_settings_dup_graph_url).
 * Requests of one mailbox share a BkHttp key, so at most max-in-flight (4)
 * run at once. */
BkGraphClient   *bk_graph_client_new                 (BkHttp               *http,
                                                      BkOAuthTokenSource   *tokens,
                                                      const char           *graph_url);
const char      *bk_graph_client_get_graph_url       (BkGraphClient        *self);
/* Statistics since creation: requests sent (retries included) and bytes
 * of response bodies received. */
guint64          bk_graph_client_get_request_count   (BkGraphClient        *self);
guint64          bk_graph_client_get_bytes_received  (BkGraphClient        *self);

/* GET /me: the signed-in mailbox. Sets *out_display_name (may be NULL). */
void             bk_graph_client_get_me_async        (BkGraphClient        *self,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
char            *bk_graph_client_get_me_finish       (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      char                **out_display_name,
                                                      GError              **error);

/* GET /me/calendars, every page: a GPtrArray of BkCalendar. */
void             bk_graph_client_list_calendars_async  (BkGraphClient      *self,
                                                        GCancellable       *cancellable,
                                                        GAsyncReadyCallback callback,
                                                        gpointer            user_data);
GPtrArray       *bk_graph_client_list_calendars_finish (BkGraphClient      *self,
                                                        GAsyncResult       *result,
                                                        GError            **error);

/* GET /me/calendars/{id}/calendarView over [from, to), every page. Only
 * cancellation is an error here; any other failure is reported in the
 * result's error together with what was read completely before it. */
void             bk_graph_client_read_busy_async     (BkGraphClient        *self,
                                                      const char           *calendar_id,
                                                      gint64                from,
                                                      gint64                to,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
BkGraphBusyRead *bk_graph_client_read_busy_finish    (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* POST /me/calendars/{id}/events; @event is Graph's event JSON. Returns the
 * event object. */
void             bk_graph_client_create_event_async  (BkGraphClient        *self,
                                                      const char           *calendar_id,
                                                      JsonNode             *event,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
JsonObject      *bk_graph_client_create_event_finish (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* PATCH /me/events/{id} */
void             bk_graph_client_update_event_async  (BkGraphClient        *self,
                                                      const char           *event_id,
                                                      JsonNode             *changes,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         bk_graph_client_update_event_finish (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* DELETE /me/events/{id}; an event already gone (404) is success. */
void             bk_graph_client_delete_event_async  (BkGraphClient        *self,
                                                      const char           *event_id,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean         bk_graph_client_delete_event_finish (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* What changed in a calendar since a delta link (bk-graph-client-delta.c:
 * the busy cache and two-way sync). */
typedef struct
{
  GPtrArray *items;        /* JsonObject: events, or {"id", "@removed"} */
  char      *delta_link;   /* for the next read */
  gboolean   full_round;   /* no (valid) link: @items is the whole window */
} BkGraphDelta;

void bk_graph_delta_free (BkGraphDelta *delta);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkGraphDelta, bk_graph_delta_free)

/* GET /me/calendars/{id}/calendarView/delta over [from, to) (@delta_link
 * NULL), or @delta_link, every page. A link Graph no longer takes (410,
 * SyncStateNotFound, an invalid token) is dropped for a full round. */
void             bk_graph_client_read_delta_async    (BkGraphClient        *self,
                                                      const char           *calendar_id,
                                                      const char           *delta_link,
                                                      gint64                from,
                                                      gint64                to,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
BkGraphDelta    *bk_graph_client_read_delta_finish   (BkGraphClient        *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);

/* A delta item (or calendarView event) as a busy time with its event id,
 * or NULL when it does not block: removed, cancelled, free or
 * workingElsewhere, or times that cannot be read. */
BkBusyTime      *bk_graph_event_to_busy              (JsonObject           *item);

/* Graph's dateTimeTimeZone ({"dateTime": "2027-03-26T08:00:00.0000000",
 * "timeZone": "W. Europe Standard Time"}) as an instant: the wall time read
 * in the zone named (IANA, UTC, or a Windows name), never by appending Z. */
gboolean         bk_graph_parse_date_time_zone       (JsonObject           *date_time_zone,
                                                      gint64               *out_unix,
                                                      GError              **error);
/* An ISO 8601 instant with an explicit offset, for startDateTime/endDateTime. */
char            *bk_graph_format_instant             (gint64                unix_seconds);

G_END_DECLS
