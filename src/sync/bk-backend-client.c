/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-backend-client.c: the expert API of bookable-server.
 *
 * Every call goes through BkHttp (its retries of 429/503/504, and of 500/502
 * for requests we mark idempotent: reads, PUT, and writes that carry an
 * Idempotency-Key, which the server turns into a replay of its first answer).
 * The answer's status becomes a BkBackendError a caller can act on: OFFLINE
 * and SERVER mean "retry later", UNAUTHORIZED "sign in again", CONFLICT and
 * REFUSED "this change will never go through as it is". */

#define G_LOG_DOMAIN "bk-backend"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-backend-client.h"
#include "bk-interval.h"
#include "bk-time.h"

struct _BkBackendClient
{
  GObject  parent_instance;

  BkHttp  *http;
  char    *server_url;   /* without a trailing slash */
  char    *token;
  guint    requests;
};

enum {
  PROP_0,
  PROP_REQUESTS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

G_DEFINE_QUARK (bk-backend-error-quark, bk_backend_error)
G_DEFINE_FINAL_TYPE (BkBackendClient, bk_backend_client, G_TYPE_OBJECT)

gboolean
bk_backend_error_is_permanent (const GError *error)
{
  return error != NULL
    && error->domain == BK_BACKEND_ERROR
    && (error->code == BK_BACKEND_ERROR_CONFLICT || error->code == BK_BACKEND_ERROR_REFUSED);
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                 */

/* The server's {"error": {"code", "message"}}: "message (code)", and the
 * code alone in @out_code. */
static char *
dup_server_error (GBytes  *body,
                  char   **out_code)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;
  JsonObject *root, *error;
  const char *code, *message;

  *out_code = NULL;
  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "error")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    return NULL;
  error = json_object_get_object_member (root, "error");
  code = json_object_get_string_member_with_default (error, "code", "");
  message = json_object_get_string_member_with_default (error, "message", "");
  *out_code = g_strdup (code);
  return g_strdup_printf ("%s (%s)", message, code);
}

static GError *
error_from_status (BkBackendClient *self,
                   BkHttpResponse  *response)
{
  guint status = bk_http_response_get_status (response);
  g_autofree char *code = NULL;
  g_autofree char *said = dup_server_error (bk_http_response_get_body (response), &code);
  const char *detail = said != NULL ? said : "";

  if (status == 401 && g_strcmp0 (code, "invalid_credentials") == 0)
    return g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_UNAUTHORIZED,
                        _("The email address or password is not right for %s (invalid_credentials)."),
                        self->server_url);
  if (status == 401)
    return g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_UNAUTHORIZED,
                        _("The sign-in to %s has expired or was revoked. Sign in again; "
                          "your queued changes are kept."), self->server_url);
  if (status == 409)
    return g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_CONFLICT,
                        _("The server refused the change: %s"), detail);
  if (status >= 500 || status == 429)
    return g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_SERVER,
                        _("The server %s failed (HTTP %u) %s; Bookable will try again later."),
                        self->server_url, status, detail);
  return g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_REFUSED,
                      _("The server refused the request (HTTP %u): %s"), status, detail);
}

static GError *
error_from_http (BkBackendClient *self,
                 GError          *error)
{
  if (error->domain != BK_HTTP_ERROR)
    return error;   /* cancelled, or a local failure: as it is */

  if (error->code == BK_HTTP_ERROR_NETWORK)
    {
      GError *mapped = g_error_new (BK_BACKEND_ERROR, BK_BACKEND_ERROR_OFFLINE,
                                    _("Offline: %s cannot be reached. Changes are kept and "
                                      "sent when it is back."), self->server_url);
      g_error_free (error);
      return mapped;
    }
  error->domain = BK_BACKEND_ERROR;
  error->code = BK_BACKEND_ERROR_SERVER;
  return error;
}

/* ---------------------------------------------------------------------- */
/* One call                                                               */

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkBackendClient *self = g_task_get_source_object (task);
  g_autoptr(BkHttpResponse) response = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  response = bk_http_send_finish (BK_HTTP (object), result, &error);
  if (response == NULL)
    {
      g_task_return_error (task, error_from_http (self, g_steal_pointer (&error)));
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (bk_http_response_get_status (response)))
    {
      g_task_return_error (task, error_from_status (self, response));
      return;
    }
  node = bk_http_response_parse_json (response, &error);
  if (node == NULL)
    g_task_return_error (task, error_from_http (self, g_steal_pointer (&error)));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

/* @path is below /api/v1/; @key (may be NULL) becomes Idempotency-Key. */
static void
call_async (BkBackendClient     *self,
            const char          *method,
            const char          *path,
            JsonNode            *body,
            const char          *key,
            GCancellable        *cancellable,
            gpointer             source_tag,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *uri = g_strconcat (self->server_url, "/api/v1/", path, NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new (method, uri);

  g_task_set_source_tag (task, source_tag);
  if (self->token == NULL && !g_str_equal (path, "session"))
    {
      g_task_return_new_error (task, BK_BACKEND_ERROR, BK_BACKEND_ERROR_NOT_SIGNED_IN,
                               _("Not signed in to a Bookable server. Sign in first."));
      return;
    }
  if (self->token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", self->token, NULL);
      bk_http_request_set_header (request, "Authorization", auth);
    }
  if (key != NULL)
    bk_http_request_set_header (request, "Idempotency-Key", key);
  if (body != NULL)
    bk_http_request_set_json (request, body);
  /* the server replays a keyed write instead of doing it twice */
  bk_http_request_set_idempotent (request, key != NULL || g_str_equal (method, "GET")
                                           || g_str_equal (method, "PUT"));
  self->requests++;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_REQUESTS]);
  bk_http_send_async (self->http, request, cancellable, sent_cb, g_steal_pointer (&task));
}

JsonNode *
bk_backend_client_call_finish (BkBackendClient  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_backend_client_finalize (GObject *object)
{
  BkBackendClient *self = (BkBackendClient *)object;

  g_clear_object (&self->http);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (bk_backend_client_parent_class)->finalize (object);
}

static void
bk_backend_client_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  BkBackendClient *self = BK_BACKEND_CLIENT (object);

  switch (prop_id)
    {
    case PROP_REQUESTS:
      g_value_set_uint (value, self->requests);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_backend_client_class_init (BkBackendClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bk_backend_client_finalize;
  object_class->get_property = bk_backend_client_get_property;

  properties [PROP_REQUESTS] =
    g_param_spec_uint ("requests", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_backend_client_init (BkBackendClient *self)
{
}

/* ---------------------------------------------------------------------- */
/* Public API                                                             */

BkBackendClient *
bk_backend_client_new (BkHttp     *http,
                       const char *server_url)
{
  BkBackendClient *self;
  gsize len;

  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (server_url != NULL, NULL);

  self = g_object_new (BK_TYPE_BACKEND_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->server_url = g_strdup (server_url);
  len = strlen (self->server_url);
  while (len > 0 && self->server_url[len - 1] == '/')
    self->server_url[--len] = '\0';
  return self;
}

const char *
bk_backend_client_get_server_url (BkBackendClient *self)
{
  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (self), NULL);
  return self->server_url;
}

const char *
bk_backend_client_get_token (BkBackendClient *self)
{
  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (self), NULL);
  return self->token;
}

void
bk_backend_client_set_token (BkBackendClient *self,
                             const char      *token)
{
  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;
  g_free (self->token);
  self->token = g_strdup (token);
}

guint
bk_backend_client_get_requests (BkBackendClient *self)
{
  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (self), 0);
  return self->requests;
}

void
bk_backend_client_sign_in_async (BkBackendClient     *self,
                                 const char          *email,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* signing in replaces any old token */
  g_clear_pointer (&self->token, g_free);
  call_async (self, "POST", "session", body, NULL, cancellable,
              bk_backend_client_sign_in_async, callback, user_data);
}

char *
bk_backend_client_sign_in_finish (BkBackendClient  *self,
                                  GAsyncResult     *result,
                                  JsonNode        **out_expert,
                                  GError          **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  const char *token;

  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (self), NULL);

  if ((node = bk_backend_client_call_finish (self, result, error)) == NULL)
    return NULL;
  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  token = object ? json_object_get_string_member_with_default (object, "token", NULL) : NULL;
  if (token == NULL)
    {
      g_set_error (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_SERVER,
                   _("The server %s answered the sign-in without a token."), self->server_url);
      return NULL;
    }
  if (out_expert != NULL)
    {
      JsonNode *expert = json_object_get_member (object, "expert");
      *out_expert = expert ? json_node_copy (expert) : NULL;
    }
  bk_backend_client_set_token (self, token);
  return g_strdup (token);
}

void
bk_backend_client_sign_out_async (BkBackendClient     *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  call_async (self, "DELETE", "session", NULL, NULL, cancellable,
              bk_backend_client_sign_out_async, callback, user_data);
}

void
bk_backend_client_get_me_async (BkBackendClient     *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  call_async (self, "GET", "me", NULL, NULL, cancellable,
              bk_backend_client_get_me_async, callback, user_data);
}

void
bk_backend_client_set_integration_async (BkBackendClient     *self,
                                         const char          *type,
                                         JsonNode            *details,
                                         const char          *idempotency_key,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (type != NULL);
  g_return_if_fail (idempotency_key != NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  if (details != NULL)
    {
      json_builder_set_member_name (builder, "details");
      json_builder_add_value (builder, json_node_copy (details));
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  call_async (self, "POST", "me/integration", body, idempotency_key, cancellable,
              bk_backend_client_set_integration_async, callback, user_data);
}

void
bk_backend_client_put_slots_async (BkBackendClient     *self,
                                   gint64               from,
                                   gint64               to,
                                   const GArray        *slots,
                                   const char          *idempotency_key,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *from_text = bk_time_format_iso8601_utc (from);
  g_autofree char *to_text = bk_time_format_iso8601_utc (to);
  g_autofree char *path = g_strdup_printf ("me/slots?from=%s&to=%s", from_text, to_text);

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (slots != NULL);

  json_builder_begin_array (builder);
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);
      g_autofree char *start = bk_time_format_iso8601_utc (slot->start);
      g_autofree char *end = bk_time_format_iso8601_utc (slot->end);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  body = json_builder_get_root (builder);
  call_async (self, "PUT", path, body, idempotency_key, cancellable,
              bk_backend_client_put_slots_async, callback, user_data);
}

void
bk_backend_client_get_changes_async (BkBackendClient     *self,
                                     gint64               after,
                                     guint                limit,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (after >= 0);

  path = g_strdup_printf ("me/changes?after=%" G_GINT64_FORMAT "&limit=%u",
                          after, CLAMP (limit, 1u, 1000u));
  call_async (self, "GET", path, NULL, NULL, cancellable,
              bk_backend_client_get_changes_async, callback, user_data);
}

void
bk_backend_client_patch_appointment_async (BkBackendClient     *self,
                                           const char          *id,
                                           JsonNode            *body,
                                           const char          *idempotency_key,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (body != NULL);
  g_return_if_fail (idempotency_key != NULL);

  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("me/appointments/", escaped, NULL);
  call_async (self, "PATCH", path, body, idempotency_key, cancellable,
              bk_backend_client_patch_appointment_async, callback, user_data);
}

void
bk_backend_client_cancel_appointment_async (BkBackendClient     *self,
                                            const char          *id,
                                            const char          *reason,
                                            const char          *idempotency_key,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (BK_IS_BACKEND_CLIENT (self));
  g_return_if_fail (id != NULL);
  g_return_if_fail (idempotency_key != NULL);

  json_builder_begin_object (builder);
  if (reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("me/appointments/", escaped, "/cancel", NULL);
  call_async (self, "POST", path, body, idempotency_key, cancellable,
              bk_backend_client_cancel_appointment_async, callback, user_data);
}
