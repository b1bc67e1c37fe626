/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bk-sandbox-google.h"
#include "sandbox-common.h"

G_BEGIN_DECLS

/* Internal model shared by the Google sandbox's files. Everything below is
 * guarded by BkSandboxGoogle.lock: the HTTP handlers (server thread) and
 * the C control API (test thread) both take it. */

typedef struct _SbgUser     SbgUser;
typedef struct _SbgCalendar SbgCalendar;
typedef struct _SbgEvent    SbgEvent;

struct _SbgUser
{
  char      *email;
  char      *name;
  char      *time_zone;
  char      *subject;       /* the id_token's "sub" */
  GPtrArray *calendars;     /* SbgCalendar*, owned; [0] is the primary one */
  gboolean   consented;     /* a refresh token was issued once already */
};

struct _SbgCalendar
{
  char      *id;
  SbgUser   *owner;         /* weak */
  char      *summary;
  char      *background;    /* "#9fe1e7" */
  char      *foreground;
  char      *access_role;   /* owner, writer, reader, freeBusyReader */
  char      *time_zone;
  gboolean   primary;
  guint      sync_epoch;    /* sync tokens of older epochs answer 410 */
  char      *freebusy_error; /* a reason freeBusy reports instead of busy times */
  GPtrArray *events;        /* SbgEvent*, owned, tombstones included */
};

struct _SbgEvent
{
  char         *id;
  SbgCalendar  *calendar;   /* weak */
  JsonObject   *data;       /* the Google members as stored */
  guint64       seq;        /* sandbox-wide change counter at the last change */
  gint64        created;
  gint64        updated;
  gboolean      deleted;    /* a tombstone: status "cancelled" */
  /* Parsed from data by sbg_event_parse (). */
  gboolean      all_day;
  GTimeZone    *tz;
  GDateTime    *start;      /* local time in tz (all-day: midnight) */
  GDateTime    *end;
  gboolean      recurring;
  SbcRule       rule;       /* RRULE's FREQ, INTERVAL, BYDAY, COUNT */
  gboolean      has_until;
  gint64        until;      /* RRULE's UNTIL: the last start allowed */
  GArray       *exdates;    /* gint64 original starts */
  char         *master_id;  /* an exception's recurringEventId, or NULL */
  gint64        original_start;
};

/* One expanded occurrence, or a single event / exception as it stands. */
typedef struct
{
  SbgEvent *event;
  gint64    start;
  gint64    end;
  gint64    original_start;
  gboolean  is_instance;    /* generated from a series (not stored itself) */
} SbgInstance;

typedef struct
{
  char    *user;            /* email */
  char    *client_id;
  char    *scope;
  char    *refresh_token;
  gboolean revoked;
} SbgGrant;

/* What a Calendar API call needs the token's scopes to allow. */
typedef enum
{
  SBG_NEED_CALENDAR_LIST,
  SBG_NEED_READ_EVENTS,
  SBG_NEED_WRITE_EVENTS,
  SBG_NEED_FREEBUSY,
} SbgNeed;

typedef enum
{
  SBG_FAULT_RATE_LIMIT,       /* 403 usageLimits/rateLimitExceeded */
  SBG_FAULT_USER_RATE_LIMIT,  /* 403 usageLimits/userRateLimitExceeded */
  SBG_FAULT_TOO_MANY,         /* 429 rateLimitExceeded + Retry-After */
  SBG_FAULT_BACKEND,          /* 500 backendError */
  SBG_FAULT_UNAVAILABLE,      /* 503 backendError */
  SBG_FAULT_UNAUTHORIZED,     /* 401 authError */
  SBG_FAULT_MALFORMED,        /* 200, body that is not JSON */
  SBG_FAULT_TRUNCATED,        /* body cut in half */
  SBG_FAULT_DROP,             /* socket closed without an answer */
} SbgFaultKind;

typedef struct
{
  SbgFaultKind kind;
  int          count;         /* remaining; < 0 = until cleared */
  char        *path;          /* prefix of the request path */
  char        *method;        /* NULL = any */
  guint64      fired;
} SbgFault;

typedef struct
{
  BkSandboxGoogle   *self;
  SoupServerMessage *msg;     /* NULL for the C control API */
  const char        *method;
  const char        *path;
  GHashTable        *query;
  SbgGrant          *grant;   /* the Bearer token's grant, once checked */
  guint              status;
  char              *content_type;
  GString           *body;
  gboolean           dropped;
} SbgRequest;

struct _BkSandboxGoogle
{
  GObject       parent_instance;

  GMutex        lock;
  SbcServer     http;

  guint         page_size;
  guint         startup_page_size;
  gint64        clock_offset;
  gboolean      rotate_refresh;
  gboolean      deny_consent;

  GPtrArray    *users;           /* SbgUser*, owned */
  GPtrArray    *grants;          /* SbgGrant*, owned */
  GHashTable   *codes;           /* code → SbgCode */
  GHashTable   *access_tokens;   /* token → SbgAccess */
  GPtrArray    *faults;          /* SbgFault*, owned */
  GPtrArray    *scopes_requested; /* every scope string asked for, in order */
  GPtrArray    *send_updates;    /* "METHOD id sendUpdates" of each write */
  guint64       seq;

  SbcStats      stats;
};

/* bk-sandbox-google.c: replies and requests */
gint64       sbg_now                 (BkSandboxGoogle  *self);
void         sbg_reply_text          (SbgRequest       *req,
                                      guint             status,
                                      const char       *content_type,
                                      const char       *text);
void         sbg_reply_object        (SbgRequest       *req,
                                      guint             status,
                                      JsonObject       *object);
void         sbg_reply_error         (SbgRequest       *req,
                                      guint             status,
                                      const char       *domain,
                                      const char       *reason,
                                      const char       *message);
JsonObject  *sbg_parse_object        (const char       *text,
                                      gssize            length,
                                      GError          **error);
char        *sbg_object_to_string    (JsonObject       *object);
JsonObject  *sbg_request_json        (SbgRequest       *req,
                                      GError          **error);
GHashTable  *sbg_request_form        (SbgRequest       *req);
const char  *sbg_request_header      (SbgRequest       *req,
                                      const char       *name);
void         sbg_set_header          (SbgRequest       *req,
                                      const char       *name,
                                      const char       *value);
const char  *sbg_query               (SbgRequest       *req,
                                      const char       *name);
gboolean     sbg_set_invalid         (GError          **error,
                                      const char       *message);

/* sandbox-google-store.c: users, calendars, events */
void         sbg_state_init          (BkSandboxGoogle  *self);
void         sbg_state_clear         (BkSandboxGoogle  *self);
SbgUser     *sbg_find_user           (BkSandboxGoogle  *self,
                                      const char       *email);
SbgCalendar *sbg_find_calendar       (BkSandboxGoogle  *self,
                                      const char       *id);
SbgEvent    *sbg_find_event          (SbgCalendar      *calendar,
                                      const char       *id);
SbgUser     *sbg_add_user            (BkSandboxGoogle  *self,
                                      JsonObject       *spec,
                                      GError          **error);
SbgCalendar *sbg_add_calendar        (BkSandboxGoogle  *self,
                                      SbgUser          *user,
                                      JsonObject       *spec,
                                      GError          **error);
SbgEvent    *sbg_add_event           (BkSandboxGoogle  *self,
                                      SbgCalendar      *calendar,
                                      JsonObject       *event,
                                      GError          **error);
gboolean     sbg_event_patch         (BkSandboxGoogle  *self,
                                      SbgEvent         *event,
                                      JsonObject       *patch,
                                      GError          **error);
void         sbg_event_delete        (BkSandboxGoogle  *self,
                                      SbgEvent         *event);
SbgEvent    *sbg_materialize_instance (BkSandboxGoogle *self,
                                      SbgCalendar      *calendar,
                                      const char       *instance_id);
gboolean     sbg_valid_event_id      (const char       *id);
char        *sbg_new_event_id        (void);
char        *sbg_random_token        (const char       *prefix,
                                      gsize             n_bytes);
gboolean     sbg_load_data           (BkSandboxGoogle  *self,
                                      JsonObject       *root,
                                      GError          **error);
JsonObject  *sbg_calendar_entry      (SbgCalendar      *calendar);

/* sandbox-google-time.c: RFC 3339, zones, RRULE/EXDATE, expansion */
char        *sbg_format_rfc3339      (gint64            instant,
                                      GTimeZone        *tz);
char        *sbg_format_instance_key (gint64            instant,
                                      GTimeZone        *all_day_zone);
gboolean     sbg_event_parse         (SbgEvent         *event,
                                      GError          **error);
void         sbg_expand              (SbgEvent         *event,
                                      gint64            window_start,
                                      gint64            window_end,
                                      GArray           *out_instances);
gboolean     sbg_find_occurrence     (SbgEvent         *event,
                                      gint64            original_start,
                                      SbgInstance      *out);
JsonObject  *sbg_render_instance     (const SbgInstance *instance,
                                      GTimeZone        *tz);
JsonObject  *sbg_render_event        (SbgEvent         *event,
                                      GTimeZone        *tz);

/* sandbox-google-auth.c */
gboolean     sbg_auth_dispatch       (SbgRequest       *req);
gboolean     sbg_auth_check_bearer   (SbgRequest       *req);
gboolean     sbg_auth_allows         (SbgRequest       *req,
                                      SbgNeed           need);
void         sbg_auth_revoke_user    (BkSandboxGoogle  *self,
                                      const char       *email);
void         sbg_auth_expire_access  (BkSandboxGoogle  *self);
void         sbg_auth_init           (BkSandboxGoogle  *self);

/* sandbox-google-calendar.c, sandbox-google-events.c */
gboolean     sbg_calendar_dispatch   (SbgRequest       *req);
void         sbg_events_list         (SbgRequest       *req,
                                      SbgCalendar      *calendar);
void         sbg_events_item         (SbgRequest       *req,
                                      SbgCalendar      *calendar,
                                      const char       *event_id);
void         sbg_events_insert       (SbgRequest       *req,
                                      SbgCalendar      *calendar);

/* sandbox-google-control.c: /_sandbox/ routes and faults */
void         sbg_control_handle      (SbgRequest       *req,
                                      const char       *body,
                                      gsize             length);
gboolean     sbg_faults_before       (SbgRequest       *req);
void         sbg_faults_after        (SbgRequest       *req);
void         sbg_fault_free          (gpointer          fault);

G_END_DECLS
