/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A sandbox that speaks Google's OAuth 2.0 for installed apps and the
 * Calendar API v3 on loopback, for tests and `build-aux/dev demo`.
 * The contract is documented in tests/services/README.md. */

#define BK_TYPE_SANDBOX_GOOGLE (bk_sandbox_google_get_type ())
G_DECLARE_FINAL_TYPE (BkSandboxGoogle, bk_sandbox_google, BK, SANDBOX_GOOGLE, GObject)

#define BK_SANDBOX_GOOGLE_ERROR (bk_sandbox_google_error_quark ())

typedef enum
{
  BK_SANDBOX_GOOGLE_ERROR_INVALID,    /* a control request or data file is not valid */
  BK_SANDBOX_GOOGLE_ERROR_NOT_FOUND,  /* the user, calendar or event does not exist */
  BK_SANDBOX_GOOGLE_ERROR_CONFLICT,   /* the id is already taken */
} BkSandboxGoogleError;

#define BK_SANDBOX_GOOGLE_CLIENT_ID     "bookable-sandbox-client.apps.googleusercontent.com"
#define BK_SANDBOX_GOOGLE_CLIENT_SECRET "bookable-sandbox-secret"

GQuark           bk_sandbox_google_error_quark     (void);

BkSandboxGoogle *bk_sandbox_google_new             (void);
/* The largest page events.list and calendarList return (default 250,
 * Google's default for events.list); maxResults can ask for less. */
void             bk_sandbox_google_set_page_size   (BkSandboxGoogle  *self,
                                                    guint             page_size);
/* Listens on 127.0.0.1:@port (0 = any free one). With @context NULL the
 * sandbox serves from a thread and main context of its own (in-process
 * tests); otherwise from @context, which the caller iterates. */
gboolean         bk_sandbox_google_start           (BkSandboxGoogle  *self,
                                                    GMainContext     *context,
                                                    guint             port,
                                                    GError          **error);
void             bk_sandbox_google_stop            (BkSandboxGoogle  *self);
/* "http://127.0.0.1:PORT"; auth at URL "/o/oauth2/v2/auth", token at
 * URL "/token", the Calendar API at URL "/calendar/v3". */
const char      *bk_sandbox_google_get_url         (BkSandboxGoogle  *self);
char            *bk_sandbox_google_dup_api_url     (BkSandboxGoogle  *self);

/* The control API (the /_sandbox/ routes) as a C call: @body is JSON or
 * NULL; returns the answer's JSON text (free it), its status in @out_status. */
char            *bk_sandbox_google_control         (BkSandboxGoogle  *self,
                                                    const char       *method,
                                                    const char       *path,
                                                    const char       *body,
                                                    guint            *out_status);
/* Same shape as --data FILE.json (see README.md). */
gboolean         bk_sandbox_google_load_data       (BkSandboxGoogle  *self,
                                                    const char       *json,
                                                    GError          **error);
gboolean         bk_sandbox_google_load_data_file  (BkSandboxGoogle  *self,
                                                    const char       *path,
                                                    GError          **error);
void             bk_sandbox_google_reset           (BkSandboxGoogle  *self);
/* Requests served for a route such as "GET /calendar/v3/calendars/{id}/events"
 * (NULL = all Google routes; /_sandbox/ is never counted). */
guint64          bk_sandbox_google_get_request_count (BkSandboxGoogle *self,
                                                      const char      *route);
guint64          bk_sandbox_google_get_bytes_sent  (BkSandboxGoogle  *self);

G_END_DECLS
