/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bk-http.h"

G_BEGIN_DECLS

#define BK_BACKEND_ERROR (bk_backend_error_quark ())

/**
 * BkBackendError:
 * @BK_BACKEND_ERROR_OFFLINE: the server could not be reached; queued changes
 *   wait in the outbox and go out on the next pass
 * @BK_BACKEND_ERROR_UNAUTHORIZED: the sign-in expired or was revoked (401);
 *   sign in again — nothing queued is lost
 * @BK_BACKEND_ERROR_CONFLICT: the server refused the change for good (409:
 *   already cancelled, slot taken, …); shown on the item, never retried
 * @BK_BACKEND_ERROR_REFUSED: the server refused the request as invalid
 *   (422, 404 or another 4xx); shown on the item, never retried
 * @BK_BACKEND_ERROR_SERVER: the server failed or kept asking to wait (5xx,
 *   429) or answered something unreadable; retry later
 * @BK_BACKEND_ERROR_NOT_SIGNED_IN: no server or token; sign in first
 */
typedef enum
{
  BK_BACKEND_ERROR_OFFLINE,
  BK_BACKEND_ERROR_UNAUTHORIZED,
  BK_BACKEND_ERROR_CONFLICT,
  BK_BACKEND_ERROR_REFUSED,
  BK_BACKEND_ERROR_SERVER,
  BK_BACKEND_ERROR_NOT_SIGNED_IN,
} BkBackendError;

GQuark bk_backend_error_quark (void);

/* Whether @error means the server will never accept this request as it is
 * (so the outbox drops it and shows the reason instead of retrying). */
gboolean bk_backend_error_is_permanent (const GError *error);

#define BK_TYPE_BACKEND_CLIENT (bk_backend_client_get_type ())

/* The expert side of bookable-server's API over BkHttp. Every write takes
 * the Idempotency-Key of the outbox entry it replays, so a retry after a
 * lost answer is harmless. Property "requests": how many HTTP requests this
 * client has sent (the sync benchmark reports it). */
G_DECLARE_FINAL_TYPE (BkBackendClient, bk_backend_client, BK, BACKEND_CLIENT, GObject)

BkBackendClient *bk_backend_client_new          (BkHttp               *http,
                                                 const char           *server_url);
const char      *bk_backend_client_get_server_url (BkBackendClient    *self);
const char      *bk_backend_client_get_token    (BkBackendClient      *self);
void             bk_backend_client_set_token    (BkBackendClient      *self,
                                                 const char           *token);
guint            bk_backend_client_get_requests (BkBackendClient      *self);

/* POST /api/v1/session: the finish returns the bearer token (and sets it on
 * the client); @out_expert (may be NULL) receives the expert object. */
void             bk_backend_client_sign_in_async  (BkBackendClient     *self,
                                                   const char          *email,
                                                   const char          *password,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char            *bk_backend_client_sign_in_finish (BkBackendClient     *self,
                                                   GAsyncResult        *result,
                                                   JsonNode           **out_expert,
                                                   GError             **error);

/* The calls below all finish with bk_backend_client_call_finish(): the
 * answer's JSON (a null node for an empty body), or NULL with a
 * BK_BACKEND_ERROR. */
JsonNode        *bk_backend_client_call_finish  (BkBackendClient      *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* DELETE /api/v1/session */
void             bk_backend_client_sign_out_async (BkBackendClient     *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* GET /api/v1/me */
void             bk_backend_client_get_me_async   (BkBackendClient     *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /api/v1/me/integration {type, details} */
void             bk_backend_client_set_integration_async (BkBackendClient *self,
                                                   const char          *type,
                                                   JsonNode            *details,
                                                   const char          *idempotency_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* PUT /api/v1/me/slots?from=&to= with @slots (BkInterval) inside [from, to) */
void             bk_backend_client_put_slots_async (BkBackendClient    *self,
                                                   gint64               from,
                                                   gint64               to,
                                                   const GArray        *slots,
                                                   const char          *idempotency_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* GET /api/v1/me/changes?after=&limit= → {changes: […], next} */
void             bk_backend_client_get_changes_async (BkBackendClient  *self,
                                                   gint64               after,
                                                   guint                limit,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* PATCH /api/v1/me/appointments/{id} with @body ({start, end} or
 * {calendar_event_id}) */
void             bk_backend_client_patch_appointment_async (BkBackendClient *self,
                                                   const char          *id,
                                                   JsonNode            *body,
                                                   const char          *idempotency_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
/* POST /api/v1/me/appointments/{id}/cancel {reason?} */
void             bk_backend_client_cancel_appointment_async (BkBackendClient *self,
                                                   const char          *id,
                                                   const char          *reason,
                                                   const char          *idempotency_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);

G_END_DECLS
