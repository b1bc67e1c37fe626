/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What every sandbox service (Microsoft, Google) shares: the loopback HTTP
 * plumbing — a libsoup server on 127.0.0.1 served from a caller's main
 * context or from a thread and context of its own, and the last step of
 * answering a request —, request helpers, and the programs' main(). */

typedef struct
{
  SoupServer   *server;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  char         *url;      /* "http://127.0.0.1:PORT" while listening */
} SbcServer;

gboolean sbc_server_start (SbcServer           *server,
                           const char          *server_header,
                           GMainContext        *context,
                           guint                port,
                           SoupServerCallback   callback,
                           gpointer             user_data,
                           GError             **error);
void     sbc_server_stop  (SbcServer           *server);
/* Sends @body (may be NULL) with @status; @drop closes the socket without
 * an answer instead, as a crashed front end would. */
void     sbc_server_reply (SoupServerMessage   *msg,
                           guint                status,
                           const char          *content_type,
                           GString             *body,
                           gboolean             drop);
/* The request's body (empty bytes when there is none). */
GBytes  *sbc_request_body (SoupServerMessage   *msg);

/* Requests served per route ("GET /v1.0/me/calendars/{id}/calendarView")
 * and bytes of response bodies sent; the control API is never counted. */
typedef struct
{
  GHashTable *routes;       /* route → guint64* */
  guint64     requests;
  guint64     bytes_sent;
} SbcStats;

void        sbc_stats_init     (SbcStats            *stats);
void        sbc_stats_clear    (SbcStats            *stats);
void        sbc_stats_reset    (SbcStats            *stats);
void        sbc_stats_count    (SbcStats            *stats,
                                const char          *route);
/* Requests for @route, or all of them when @route is NULL. */
guint64     sbc_stats_get      (SbcStats            *stats,
                                const char          *route);
/* Sets "requests", "bytesSent" and "routes" in @object. */
void        sbc_stats_to_json  (SbcStats            *stats,
                                JsonObject          *object);
/* Reads @path as a JSON object (a new reference). */
JsonObject *sbc_load_object_file (const char        *path,
                                GQuark               domain,
                                gint                 code,
                                GError             **error);

/* A recurrence as both APIs describe it (Graph's pattern + range, Google's
 * RRULE), walked date by date in the series' own calendar. */
typedef enum
{
  SBC_FREQ_DAILY,
  SBC_FREQ_WEEKLY,
  SBC_FREQ_MONTHLY_BY_DAY,    /* the same day of the month (clamped to short months) */
} SbcFreq;

typedef struct
{
  SbcFreq      freq;
  guint        interval;      /* ≥ 1 */
  guint        days_of_week;  /* weekly: bit (GDateWeekday % 7), bit 0 = Sunday */
  GDateWeekday week_start;    /* weekly: the first day of a week */
  guint        day_of_month;  /* monthly: 1..31 */
  GDate        first;         /* the series' first day; earlier dates never count */
  guint        count;         /* 0 = no limit */
  gboolean     has_last;
  GDate        last;          /* inclusive */
} SbcRule;

/* FALSE ends the walk. */
typedef gboolean (*SbcDateVisit) (const GDate *date,
                                  gpointer     data);

/* Visits each occurrence's date in order until @visit says stop, COUNT
 * dates were visited, a date is past @last, or a guard of 100000. */
void        sbc_rule_walk      (const SbcRule       *rule,
                                SbcDateVisit         visit,
                                gpointer             data);

/* Fault switches: an armed fault fires for requests under its path while
 * its count lasts (< 0: until cleared). TRUE when it fires (counted). */
gboolean    sbc_fault_fire     (int                 *count,
                                guint64             *fired,
                                const char          *fault_path,
                                const char          *request_path);
/* A fault as the control API lists it: a new object with kind, count,
 * path and fired. */
JsonObject *sbc_fault_describe (const char          *kind,
                                int                  count,
                                const char          *path,
                                guint64              fired);

/* "YYYY-MM-DD" → a valid date. */
gboolean    sbc_parse_date     (const char          *text,
                                GDate               *out);
/* Whether [start, end) meets [window_start, window_end); an instant
 * (start == end) meets it when it lies inside. */
gboolean    sbc_overlaps       (gint64               start,
                                gint64               end,
                                gint64               window_start,
                                gint64               window_end);

/* An RFC 3339 / ISO 8601 instant with an offset or "Z"; an unescaped "+"
 * that arrived form-decoded as a space is taken back. */
gboolean    sbc_parse_instant  (const char          *text,
                                gint64              *out);
/* A JSON object (a new reference), or NULL with @error in @domain/@code. */
JsonObject *sbc_parse_object   (const char          *text,
                                gssize               length,
                                GQuark               domain,
                                gint                 code,
                                GError             **error);
/* "/_sandbox/x?a=b" → "/_sandbox/x" (free it) and its decoded query (or NULL). */
char       *sbc_split_path     (const char          *path,
                                GHashTable         **out_query);

/* Builds a sandbox with the page size and data file given and starts it on
 * the default main context at @port; returns it (a GObject whose finalize
 * stops it) or NULL with @error set. */
typedef gpointer    (*SbcCreateFunc) (guint        page_size,
                                      const char  *data_file,
                                      guint        port,
                                      GError     **error);
typedef const char *(*SbcUrlFunc)    (gpointer     sandbox);

/* NAME [--port N] [--page-size N] [--data FILE.json]: prints
 * BOOKABLE_SANDBOX_URL=URL as the first line, serves until SIGTERM or
 * SIGINT. Exit 0, 1 (cannot load or listen) or 2 (bad options). */
int         sbc_program_main   (int                  argc,
                                char               **argv,
                                const char          *name,
                                const char          *summary,
                                guint                default_page_size,
                                SbcCreateFunc        create,
                                SbcUrlFunc           get_url);

G_END_DECLS
