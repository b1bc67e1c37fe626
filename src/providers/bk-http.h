/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define BK_HTTP_ERROR (bk_http_error_quark ())

/**
 * BkHttpError:
 * @BK_HTTP_ERROR_NETWORK: the server could not be reached, or the connection
 *   dropped; try again when the network is back
 * @BK_HTTP_ERROR_THROTTLED: the server kept answering 429/503/504 until the
 *   retry budget ran out; try again later
 * @BK_HTTP_ERROR_UNAUTHORIZED: 401; refresh the access token once and retry
 * @BK_HTTP_ERROR_FORBIDDEN: 403
 * @BK_HTTP_ERROR_NOT_FOUND: 404
 * @BK_HTTP_ERROR_CONFLICT: 409
 * @BK_HTTP_ERROR_GONE: 410 (e.g. a sync token to drop)
 * @BK_HTTP_ERROR_BAD_RESPONSE: the answer could not be read (bad JSON)
 * @BK_HTTP_ERROR_SERVER: a 5xx that retrying did not cure
 * @BK_HTTP_ERROR_FAILED: any other 4xx
 */
typedef enum
{
  BK_HTTP_ERROR_NETWORK,
  BK_HTTP_ERROR_THROTTLED,
  BK_HTTP_ERROR_UNAUTHORIZED,
  BK_HTTP_ERROR_FORBIDDEN,
  BK_HTTP_ERROR_NOT_FOUND,
  BK_HTTP_ERROR_CONFLICT,
  BK_HTTP_ERROR_GONE,
  BK_HTTP_ERROR_BAD_RESPONSE,
  BK_HTTP_ERROR_SERVER,
  BK_HTTP_ERROR_FAILED,
} BkHttpError;

GQuark bk_http_error_quark (void);

/* ---------------------------------------------------------------------- */
/* BkHttpRequest: what to send. A description rather than a SoupMessage, so a
 * retry builds a fresh message with the same method, headers and body. */

#define BK_TYPE_HTTP_REQUEST (bk_http_request_get_type ())

typedef struct _BkHttpRequest BkHttpRequest;

/**
 * BkHttpRetryFunc:
 * @status: the HTTP status of an answer that is not a success
 * @headers: its headers
 * @body: its body
 *
 * Says whether an answer BkHttp would not retry by itself means "slow down"
 * for this API (e.g. Google's 403 rateLimitExceeded): it is then retried
 * like a 429, and ends in BK_HTTP_ERROR_THROTTLED when the attempts run out.
 */
typedef gboolean (*BkHttpRetryFunc) (guint               status,
                                     SoupMessageHeaders *headers,
                                     GBytes             *body);

GType          bk_http_request_get_type       (void) G_GNUC_CONST;
BkHttpRequest *bk_http_request_new            (const char     *method,
                                               const char     *uri);
/* @method on @base_url followed by the printf-formatted path (the API
 * clients' "{graph}/me/events/%s"). */
BkHttpRequest *bk_http_request_new_for_path   (const char     *method,
                                               const char     *base_url,
                                               const char     *path_format,
                                               ...) G_GNUC_PRINTF (3, 4);
BkHttpRequest *bk_http_request_ref            (BkHttpRequest  *request);
void           bk_http_request_unref          (BkHttpRequest  *request);
const char    *bk_http_request_get_method     (BkHttpRequest  *request);
const char    *bk_http_request_get_uri        (BkHttpRequest  *request);
void           bk_http_request_set_header     (BkHttpRequest  *request,
                                               const char     *name,
                                               const char     *value);
const char    *bk_http_request_get_header     (BkHttpRequest  *request,
                                               const char     *name);
void           bk_http_request_set_body       (BkHttpRequest  *request,
                                               const char     *content_type,
                                               GBytes         *body);
void           bk_http_request_set_form       (BkHttpRequest  *request,
                                               GHashTable     *fields);
void           bk_http_request_set_json       (BkHttpRequest  *request,
                                               JsonNode       *node);
void           bk_http_request_set_key        (BkHttpRequest  *request,
                                               const char     *key);
const char    *bk_http_request_get_key        (BkHttpRequest  *request);
void           bk_http_request_set_idempotent (BkHttpRequest  *request,
                                               gboolean        idempotent);
void           bk_http_request_set_retry_func (BkHttpRequest  *request,
                                               BkHttpRetryFunc func);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkHttpRequest, bk_http_request_unref)

/* ---------------------------------------------------------------------- */
/* BkHttpResponse: the final answer (after retries). */

#define BK_TYPE_HTTP_RESPONSE (bk_http_response_get_type ())

typedef struct _BkHttpResponse BkHttpResponse;

GType               bk_http_response_get_type     (void) G_GNUC_CONST;
BkHttpResponse     *bk_http_response_ref          (BkHttpResponse  *response);
void                bk_http_response_unref        (BkHttpResponse  *response);
guint               bk_http_response_get_status   (BkHttpResponse  *response);
SoupMessageHeaders *bk_http_response_get_headers  (BkHttpResponse  *response);
GBytes             *bk_http_response_get_body     (BkHttpResponse  *response);
guint               bk_http_response_get_attempts (BkHttpResponse  *response);
gboolean            bk_http_response_check        (BkHttpResponse  *response,
                                                   GError         **error);
JsonNode           *bk_http_response_parse_json   (BkHttpResponse  *response,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkHttpResponse, bk_http_response_unref)

/* ---------------------------------------------------------------------- */
/* BkHttp: one SoupSession, retries, per-key concurrency limit. */

#define BK_TYPE_HTTP (bk_http_get_type ())

G_DECLARE_FINAL_TYPE (BkHttp, bk_http, BK, HTTP, GObject)

BkHttp         *bk_http_new             (void);
SoupSession    *bk_http_get_session     (BkHttp               *self);
void            bk_http_send_async      (BkHttp               *self,
                                         BkHttpRequest        *request,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
BkHttpResponse *bk_http_send_finish     (BkHttp               *self,
                                         GAsyncResult         *result,
                                         GError              **error);
void            bk_http_json_async      (BkHttp               *self,
                                         BkHttpRequest        *request,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
JsonNode       *bk_http_json_finish     (BkHttp               *self,
                                         GAsyncResult         *result,
                                         GError              **error);
guint           bk_http_get_in_flight   (BkHttp               *self,
                                         const char           *key);

char           *bk_http_redact_uri      (const char           *uri);
gint64          bk_http_parse_retry_after (const char         *value,
                                           gint64              now);

G_END_DECLS
