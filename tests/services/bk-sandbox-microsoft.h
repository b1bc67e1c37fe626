/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A sandbox that speaks login.microsoftonline.com (identity platform v2.0)
 * and Microsoft Graph v1.0 on loopback, for tests and `build-aux/dev demo`.
 * The contract is documented in tests/services/README.md. */

#define BK_TYPE_SANDBOX_MICROSOFT (bk_sandbox_microsoft_get_type ())
G_DECLARE_FINAL_TYPE (BkSandboxMicrosoft, bk_sandbox_microsoft, BK, SANDBOX_MICROSOFT, GObject)

#define BK_SANDBOX_MICROSOFT_ERROR (bk_sandbox_microsoft_error_quark ())

typedef enum
{
  BK_SANDBOX_MICROSOFT_ERROR_INVALID,    /* a control request or data file is not valid */
  BK_SANDBOX_MICROSOFT_ERROR_NOT_FOUND,  /* the user, calendar or event does not exist */
  BK_SANDBOX_MICROSOFT_ERROR_LISTEN,     /* the server could not listen on loopback */
} BkSandboxMicrosoftError;

#define BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID "bookable-sandbox-client"

GQuark              bk_sandbox_microsoft_error_quark       (void);

BkSandboxMicrosoft *bk_sandbox_microsoft_new               (void);
/* The largest page Graph lists return (default 10, like Graph's default). */
void                bk_sandbox_microsoft_set_page_size     (BkSandboxMicrosoft  *self,
                                                            guint                page_size);
/* Listens on 127.0.0.1:@port (0 = random). With @context NULL the sandbox
 * runs on a thread and main context of its own (for in-process tests);
 * otherwise it serves from @context, which the caller iterates. */
gboolean            bk_sandbox_microsoft_start             (BkSandboxMicrosoft  *self,
                                                            GMainContext        *context,
                                                            guint                port,
                                                            GError             **error);
void                bk_sandbox_microsoft_stop              (BkSandboxMicrosoft  *self);
/* "http://127.0.0.1:PORT": the authority base; Graph is at URL "/v1.0". */
const char         *bk_sandbox_microsoft_get_url           (BkSandboxMicrosoft  *self);
char               *bk_sandbox_microsoft_dup_graph_url     (BkSandboxMicrosoft  *self);

/* The control API (the /_sandbox/ routes) as C calls. @body is JSON or
 * NULL; the answer is JSON text (free it) and *out_status its HTTP status. */
char               *bk_sandbox_microsoft_control           (BkSandboxMicrosoft  *self,
                                                            const char          *method,
                                                            const char          *path,
                                                            const char          *body,
                                                            guint               *out_status);
/* Same shape as --data FILE.json. */
gboolean            bk_sandbox_microsoft_load_data         (BkSandboxMicrosoft  *self,
                                                            const char          *json,
                                                            GError             **error);
gboolean            bk_sandbox_microsoft_load_data_file    (BkSandboxMicrosoft  *self,
                                                            const char          *path,
                                                            GError             **error);
void                bk_sandbox_microsoft_reset             (BkSandboxMicrosoft  *self);
/* Each returns the new object's id (free it), or NULL with @error set. */
char               *bk_sandbox_microsoft_add_user          (BkSandboxMicrosoft  *self,
                                                            const char          *upn,
                                                            const char          *display_name,
                                                            const char          *time_zone,
                                                            GError             **error);
char               *bk_sandbox_microsoft_add_calendar      (BkSandboxMicrosoft  *self,
                                                            const char          *upn,
                                                            const char          *name,
                                                            const char          *color,
                                                            gboolean             can_edit,
                                                            gboolean             is_default,
                                                            GError             **error);
/* @event_json: a Graph event object, plus "calendar" (id) and optional
 * "exceptions" (see README.md). */
char               *bk_sandbox_microsoft_add_event         (BkSandboxMicrosoft  *self,
                                                            const char          *event_json,
                                                            GError             **error);
/* @fault_json: as POST /_sandbox/faults. */
gboolean            bk_sandbox_microsoft_add_fault         (BkSandboxMicrosoft  *self,
                                                            const char          *fault_json,
                                                            GError             **error);
void                bk_sandbox_microsoft_set_consent_denied (BkSandboxMicrosoft *self,
                                                            gboolean             deny);
/* Revokes every refresh token of @upn (NULL = every user); using one then
 * fails with invalid_grant and AADSTS @aadsts (0 = 70008). */
void                bk_sandbox_microsoft_revoke            (BkSandboxMicrosoft  *self,
                                                            const char          *upn,
                                                            guint                aadsts);
void                bk_sandbox_microsoft_expire_access_tokens (BkSandboxMicrosoft *self);
/* Requests served for a route such as "GET /v1.0/me/calendars/{id}/calendarView"
 * (NULL = all Microsoft routes; /_sandbox/ is never counted). */
guint64             bk_sandbox_microsoft_get_request_count (BkSandboxMicrosoft  *self,
                                                            const char          *route);
guint64             bk_sandbox_microsoft_get_bytes_sent    (BkSandboxMicrosoft  *self);
void                bk_sandbox_microsoft_reset_stats       (BkSandboxMicrosoft  *self);

G_END_DECLS
