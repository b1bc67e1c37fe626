/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bk-sandbox-microsoft.h"
#include "sandbox-common.h"

G_BEGIN_DECLS

/* Internal model shared by the sandbox's files. Every field of the sandbox
 * is guarded by BkSandboxMicrosoft.lock: HTTP handlers (server thread) and
 * the C control API (test thread) both take it. */

typedef struct _SbUser     SbUser;
typedef struct _SbCalendar SbCalendar;
typedef struct _SbEvent    SbEvent;

struct _SbUser
{
  char      *id;            /* a GUID, Graph's user id and the token's oid */
  char      *upn;
  char      *display_name;
  char      *time_zone;
  GPtrArray *calendars;     /* SbCalendar*, owned; the first is "Calendar" */
};

struct _SbCalendar
{
  char      *id;
  SbUser    *owner;         /* weak */
  char      *name;
  char      *color;         /* Graph's calendarColor: "auto", "lightBlue", … */
  char      *hex_color;
  gboolean   can_edit;
  gboolean   is_default;
  gboolean   pristine;      /* the mailbox's own "Calendar", untouched */
  GPtrArray *events;        /* SbEvent*, owned */
};

typedef struct
{
  char       *id;
  gint64      original_start;   /* the occurrence's unscheduled start */
  gboolean    cancelled;
  JsonObject *overrides;        /* start, end, subject, showAs…; NULL when cancelled */
} SbException;

typedef enum
{
  SB_PATTERN_DAILY,
  SB_PATTERN_WEEKLY,
  SB_PATTERN_ABSOLUTE_MONTHLY,
} SbPatternType;

typedef enum
{
  SB_RANGE_NO_END,
  SB_RANGE_END_DATE,
  SB_RANGE_NUMBERED,
} SbRangeType;

typedef struct
{
  SbPatternType pattern;
  guint         interval;
  guint         days_of_week;    /* bit 0 = Sunday … bit 6 = Saturday */
  GDateWeekday  first_day_of_week;
  guint         day_of_month;
  SbRangeType   range;
  GDate         start_date;
  GDate         end_date;
  guint         count;
} SbRecurrence;

struct _SbEvent
{
  char         *id;
  SbCalendar   *calendar;       /* weak */
  JsonObject   *data;           /* the Graph members as stored */
  GPtrArray    *exceptions;     /* SbException*, owned */
  char         *ical_uid;
  char         *created;        /* "2027-03-01T10:00:00.0000000Z" */
  char         *modified;
  guint64       change_seq;
  /* Parsed from data by sb_event_parse (). */
  GTimeZone    *tz;
  char         *tz_name;
  GDateTime    *start_local;
  GDateTime    *end_local;
  gboolean      all_day;
  gboolean      recurring;
  SbRecurrence  recurrence;
};

typedef struct
{
  SbEvent     *event;
  SbException *exception;       /* NULL for a plain occurrence */
  gint64       start;
  gint64       end;
  gint64       original_start;
  gboolean     is_occurrence;
} SbInstance;

typedef enum
{
  SB_FAULT_THROTTLE,        /* 429 + Retry-After */
  SB_FAULT_UNAVAILABLE,     /* 503 + Retry-After */
  SB_FAULT_GATEWAY_TIMEOUT, /* 504 */
  SB_FAULT_EXPIRED_TOKEN,   /* 401 InvalidAuthenticationToken */
  SB_FAULT_TRUNCATED,       /* body cut in half (Content-Length matches) */
  SB_FAULT_MALFORMED,       /* body replaced by text that is not JSON */
  SB_FAULT_DROP,            /* socket closed without an answer */
  SB_FAULT_FAIL_FROM_PAGE,  /* calendarView of a calendar fails from page K on */
  SB_FAULT_DELAY,           /* the answer held back min_ms..max_ms, loop not blocked */
} SbFaultKind;

typedef struct
{
  SbFaultKind kind;
  int         count;        /* remaining; < 0 = until cleared */
  char       *path;         /* prefix of the request path */
  guint       retry_after;
  char       *calendar;     /* SB_FAULT_FAIL_FROM_PAGE: NULL = any */
  guint       page;         /* 1-based */
  guint       status;
  guint64     fired;
  /* SB_FAULT_DELAY */
  guint       min_ms;
  guint       max_ms;
  guint32     seed;
  GRand      *rand;         /* seeded: the same seed gives the same delays */
  char       *only;         /* a route kind (see README), NULL = any */
  GArray     *delays_ms;    /* guint: the latest delays chosen, oldest first */
} SbFault;

/* One request being answered. Handlers fill status/body/headers; the
 * dispatcher applies after-the-fact faults, counts and sends. */
typedef struct
{
  BkSandboxMicrosoft *self;
  SoupServerMessage  *msg;
  const char         *method;
  const char         *path;
  GHashTable         *query;
  guint               status;
  char               *content_type;
  GString            *body;
  gboolean            dropped;
} SbRequest;

struct _BkSandboxMicrosoft
{
  GObject       parent_instance;

  GMutex        lock;
  SbcServer     http;           /* http.url: "http://127.0.0.1:PORT" */
  char         *tenant_id;

  /* Configuration (reset restores the startup values). */
  guint         page_size;
  guint         startup_page_size;
  gint64        access_lifetime;
  gint64        clock_offset;
  gboolean      all_day_ignores_prefer;
  GHashTable   *clients;          /* client id set */

  /* State. */
  GPtrArray    *users;            /* SbUser*, owned */
  GHashTable   *codes;            /* code → SbCode */
  GHashTable   *refresh_tokens;   /* token → SbGrant */
  GHashTable   *access_tokens;    /* token → SbAccess */
  GHashTable   *pages;            /* $skiptoken/$deltatoken → SbPage */
  GPtrArray    *faults;           /* SbFault* */
  gboolean      deny_consent;
  char         *consent_user;
  guint64       seq;

  /* Statistics of Microsoft routes. */
  SbcStats      stats;
};

/* bk-sandbox-microsoft.c: replies */
gint64       sb_now                    (BkSandboxMicrosoft *self);
void         sb_reply_json             (SbRequest          *req,
                                        guint               status,
                                        JsonNode           *node);
void         sb_reply_object           (SbRequest          *req,
                                        guint               status,
                                        JsonObject         *object);
void         sb_reply_graph_error      (SbRequest          *req,
                                        guint               status,
                                        const char         *code,
                                        const char         *message);
void         sb_reply_text             (SbRequest          *req,
                                        guint               status,
                                        const char         *content_type,
                                        const char         *text);
JsonObject  *sb_request_body_object    (SbRequest          *req,
                                        GError            **error);
GHashTable  *sb_request_form           (SbRequest          *req);
const char  *sb_request_header         (SbRequest          *req,
                                        const char         *name);
void         sb_request_set_header     (SbRequest          *req,
                                        const char         *name,
                                        const char         *value);
void         sb_request_append_header  (SbRequest          *req,
                                        const char         *name,
                                        const char         *value);
const char  *sb_query                  (SbRequest          *req,
                                        const char         *name);
JsonObject  *sb_parse_object           (const char         *text,
                                        gssize              length,
                                        GError            **error);
char        *sb_object_to_string       (JsonObject         *object);

/* sandbox-microsoft-store.c: the mailbox model */
char        *sb_random_token           (gsize               n_bytes);
char        *sb_new_guid               (void);
char        *sb_format_utc_precise     (gint64              unix_seconds);
JsonObject  *sb_object_copy            (JsonObject         *object);
char        *sb_occurrence_id          (SbEvent            *event,
                                        gint64              original_start);
gboolean     sb_parse_occurrence_id    (const char         *id,
                                        char              **out_series_id,
                                        gint64             *out_original_start);
void         sb_state_init             (BkSandboxMicrosoft *self);
void         sb_state_clear            (BkSandboxMicrosoft *self);
void         sb_user_free              (SbUser             *user);
SbUser      *sb_find_user              (BkSandboxMicrosoft *self,
                                        const char         *upn_or_id);
SbCalendar  *sb_find_calendar          (BkSandboxMicrosoft *self,
                                        SbUser             *user,
                                        const char         *id);
SbCalendar  *sb_default_calendar       (SbUser             *user);
SbEvent     *sb_find_event             (BkSandboxMicrosoft *self,
                                        SbUser             *user,
                                        const char         *id);
SbUser      *sb_add_user               (BkSandboxMicrosoft *self,
                                        JsonObject         *spec,
                                        GError            **error);
SbCalendar  *sb_add_calendar           (BkSandboxMicrosoft *self,
                                        SbUser             *user,
                                        JsonObject         *spec,
                                        GError            **error);
SbEvent     *sb_add_event              (BkSandboxMicrosoft *self,
                                        SbCalendar         *calendar,
                                        JsonObject         *graph_event,
                                        GError            **error);
gboolean     sb_event_update           (BkSandboxMicrosoft *self,
                                        SbEvent            *event,
                                        JsonObject         *patch,
                                        GError            **error);
void         sb_event_remove           (SbEvent            *event);
gboolean     sb_event_add_exception    (BkSandboxMicrosoft *self,
                                        SbEvent            *event,
                                        JsonObject         *spec,
                                        GError            **error);
JsonObject  *sb_event_to_stored_json   (SbEvent            *event);
gboolean     sb_load_data              (BkSandboxMicrosoft *self,
                                        JsonObject         *root,
                                        GError            **error);
JsonObject  *sb_calendar_to_json       (SbCalendar         *calendar);

/* sandbox-microsoft-time.c: zones, Graph dateTime values, recurrences */
GTimeZone   *sb_time_zone_lookup       (const char         *name);
gboolean     sb_parse_local            (const char         *text,
                                        GTimeZone          *tz,
                                        GDateTime         **out);
char        *sb_format_local           (gint64              unix_seconds,
                                        GTimeZone          *tz);
gboolean     sb_event_parse            (SbEvent            *event,
                                        GError            **error);
gboolean     sb_recurrence_parse       (JsonObject         *recurrence,
                                        SbRecurrence       *out,
                                        GError            **error);
GDateTime   *sb_exception_time         (SbEvent            *event,
                                        JsonObject         *overrides,
                                        const char         *member);
void         sb_expand                 (SbEvent            *event,
                                        gint64              window_start,
                                        gint64              window_end,
                                        GArray             *out_instances);
gboolean     sb_find_occurrence        (SbEvent            *event,
                                        gint64              original_start,
                                        SbInstance         *out);

/* sandbox-microsoft-identity.c */
gboolean     sb_identity_dispatch      (SbRequest          *req);
SbUser      *sb_identity_authenticate  (SbRequest          *req);
void         sb_identity_init          (BkSandboxMicrosoft *self);
void         sb_identity_revoke        (BkSandboxMicrosoft *self,
                                        SbUser             *user,
                                        guint               aadsts);
void         sb_identity_expire_access (BkSandboxMicrosoft *self);

/* sandbox-microsoft-graph.c */
gboolean     sb_graph_dispatch         (SbRequest          *req);
JsonObject  *sb_render_instance        (SbRequest          *req,
                                        const SbInstance   *instance,
                                        GTimeZone          *tz,
                                        const char         *tz_name);
void         sb_graph_prefer_zone      (SbRequest          *req,
                                        GTimeZone         **out_tz,
                                        char              **out_name);
void         sb_select_members         (JsonObject         *object,
                                        const char         *select);
void         sb_apply_expand           (SbRequest          *req,
                                        JsonObject         *object);
char        *sb_prefer                 (SbRequest          *req,
                                        const char         *key);

/* sandbox-microsoft-view.c */
void         sb_view_handle            (SbRequest          *req,
                                        SbUser             *user,
                                        SbCalendar         *calendar,
                                        gboolean            delta);
void         sb_page_free              (gpointer            page);

/* sandbox-microsoft-faults.c */
SbFault     *sb_fault_new_from_json    (JsonObject         *spec,
                                        GError            **error);
void         sb_fault_free             (SbFault            *fault);
JsonObject  *sb_fault_to_json          (SbFault            *fault);
gboolean     sb_faults_before          (SbRequest          *req);
void         sb_faults_after           (SbRequest          *req);
gboolean     sb_faults_fail_page       (SbRequest          *req,
                                        const char         *calendar_id,
                                        guint               page_index);

/* sandbox-microsoft-control.c */
void         sb_control_handle         (BkSandboxMicrosoft *self,
                                        SbRequest          *req,
                                        const char         *body,
                                        gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbFault, sb_fault_free)

G_END_DECLS
