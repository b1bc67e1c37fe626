/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-microsoft"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-microsoft-private.h"

/* The sandbox object: a libsoup server on loopback, its thread, the request
 * dispatcher that applies faults and counts, and the C control API. */

G_DEFINE_FINAL_TYPE (BkSandboxMicrosoft, bk_sandbox_microsoft, G_TYPE_OBJECT)
G_DEFINE_QUARK (bk-sandbox-microsoft-error-quark, bk_sandbox_microsoft_error)

/* ---------------------------------------------------------------- replies */

gint64
sb_now (BkSandboxMicrosoft *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

void
sb_reply_text (SbRequest  *req,
               guint       status,
               const char *content_type,
               const char *text)
{
  req->status = status;
  g_free (req->content_type);
  req->content_type = g_strdup (content_type);
  if (req->body != NULL)
    g_string_free (req->body, TRUE);
  req->body = text != NULL ? g_string_new (text) : NULL;
}

void
sb_reply_json (SbRequest *req,
               guint      status,
               JsonNode  *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  /* Graph's own content type, so clients that check it see the real one. */
  sb_reply_text (req, status,
                 "application/json; odata.metadata=minimal; odata.streaming=true; "
                 "IEEE754Compatible=false; charset=utf-8", text);
}

void
sb_reply_object (SbRequest  *req,
                 guint       status,
                 JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  sb_reply_json (req, status, node);
}

void
sb_reply_graph_error (SbRequest  *req,
                      guint       status,
                      const char *code,
                      const char *message)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonObject) error = json_object_new ();
  g_autoptr(JsonObject) inner = json_object_new ();
  g_autofree char *request_id = sb_new_guid ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S");

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (inner, "date", date);
  json_object_set_string_member (inner, "request-id", request_id);
  json_object_set_string_member (inner, "client-request-id", request_id);
  json_object_set_object_member (error, "innerError", g_steal_pointer (&inner));
  json_object_set_object_member (root, "error", g_steal_pointer (&error));
  sb_reply_object (req, status, root);
}

JsonObject *
sb_parse_object (const char  *text,
                 gssize       length,
                 GError     **error)
{
  return sbc_parse_object (text, length, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID, error);
}

char *
sb_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

static GBytes *
request_body_bytes (SbRequest *req)
{
  return req->msg != NULL ? sbc_request_body (req->msg) : NULL;
}

JsonObject *
sb_request_body_object (SbRequest  *req,
                        GError    **error)
{
  g_autoptr(GBytes) bytes = request_body_bytes (req);
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  return sb_parse_object (data, length, error);
}

GHashTable *
sb_request_form (SbRequest *req)
{
  g_autoptr(GBytes) bytes = request_body_bytes (req);
  g_autofree char *text = NULL;
  gsize length = 0;
  const char *data;

  if (bytes == NULL)
    return g_hash_table_new (g_str_hash, g_str_equal);
  data = g_bytes_get_data (bytes, &length);
  text = g_strndup (data, length);
  return soup_form_decode (text);
}

const char *
sb_request_header (SbRequest  *req,
                   const char *name)
{
  if (req->msg == NULL)
    return NULL;
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

void
sb_request_set_header (SbRequest  *req,
                       const char *name,
                       const char *value)
{
  if (req->msg == NULL)
    return;
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

void
sb_request_append_header (SbRequest  *req,
                          const char *name,
                          const char *value)
{
  if (req->msg == NULL)
    return;
  soup_message_headers_append (soup_server_message_get_response_headers (req->msg), name, value);
}

const char *
sb_query (SbRequest  *req,
          const char *name)
{
  if (req->query == NULL)
    return NULL;
  return g_hash_table_lookup (req->query, name);
}

/* ------------------------------------------------------------- dispatcher */

/* "GET /v1.0/me/calendars/{id}/calendarView": ids and tenants folded so the
 * benchmark can count requests per route. */
static char *
route_template (const char *method,
                const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  guint n = g_strv_length (parts);

  for (guint i = 1; i < n; i++)
    {
      if (g_strcmp0 (parts[i - 1], "calendars") == 0 || g_strcmp0 (parts[i - 1], "events") == 0)
        {
          g_free (parts[i]);
          parts[i] = g_strdup ("{id}");
        }
    }
  if (n > 2 && g_strcmp0 (parts[2], "oauth2") == 0)
    {
      g_free (parts[1]);
      parts[1] = g_strdup ("{tenant}");
    }
  {
    g_autofree char *joined = g_strjoinv ("/", parts);
    return g_strdup_printf ("%s %s", method, joined);
  }
}

static void
count_request (SbRequest *req)
{
  g_autofree char *route = route_template (req->method, req->path);

  sbc_stats_count (&req->self->stats, route);
}

static void
dispatch_microsoft (SbRequest *req)
{
  if (sb_faults_before (req))
    return;
  if (g_str_has_prefix (req->path, "/v1.0/") || g_str_equal (req->path, "/v1.0"))
    {
      if (!sb_graph_dispatch (req))
        {
          g_autofree char *message =
            g_strdup_printf ("Resource not found for the segment '%s'.",
                             strrchr (req->path, '/') + 1);
          sb_reply_graph_error (req, 400, "BadRequest", message);
        }
    }
  else if (!sb_identity_dispatch (req))
    sb_reply_text (req, 404, "text/html; charset=utf-8",
                   "<!DOCTYPE html><html><body><h1>404 - Not Found</h1></body></html>");
  sb_faults_after (req);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  BkSandboxMicrosoft *self = user_data;
  SbRequest req = { self, msg, soup_server_message_get_method (msg), path, query, 0, NULL, NULL, FALSE };

  g_mutex_lock (&self->lock);
  if (g_str_has_prefix (path, "/_sandbox/"))
    {
      g_autoptr(GBytes) bytes = request_body_bytes (&req);
      gsize length = 0;
      const char *data = g_bytes_get_data (bytes, &length);

      sb_control_handle (self, &req, data, length);
    }
  else
    {
      count_request (&req);
      dispatch_microsoft (&req);
      if (req.body != NULL && !req.dropped)
        self->stats.bytes_sent += req.body->len;
    }
  sbc_server_reply (msg, req.status, req.content_type, req.body, req.dropped);
  g_mutex_unlock (&self->lock);

  g_free (req.content_type);
  if (req.body != NULL)
    g_string_free (req.body, TRUE);
}

/* ---------------------------------------------------------------- object */

static void
bk_sandbox_microsoft_finalize (GObject *object)
{
  BkSandboxMicrosoft *self = (BkSandboxMicrosoft *)object;

  sbc_server_stop (&self->http);
  sb_state_clear (self);
  g_clear_pointer (&self->users, g_ptr_array_unref);
  g_clear_pointer (&self->codes, g_hash_table_unref);
  g_clear_pointer (&self->refresh_tokens, g_hash_table_unref);
  g_clear_pointer (&self->access_tokens, g_hash_table_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->faults, g_ptr_array_unref);
  g_clear_pointer (&self->clients, g_hash_table_unref);
  g_clear_pointer (&self->tenant_id, g_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (bk_sandbox_microsoft_parent_class)->finalize (object);
}

static void
bk_sandbox_microsoft_class_init (BkSandboxMicrosoftClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_sandbox_microsoft_finalize;
}

static void
bk_sandbox_microsoft_init (BkSandboxMicrosoft *self)
{
  g_mutex_init (&self->lock);
  self->startup_page_size = 10;
  self->tenant_id = sb_new_guid ();
  sb_state_init (self);
}

/* ------------------------------------------------------------ public API */

BkSandboxMicrosoft *
bk_sandbox_microsoft_new (void)
{
  return g_object_new (BK_TYPE_SANDBOX_MICROSOFT, NULL);
}

void
bk_sandbox_microsoft_set_page_size (BkSandboxMicrosoft *self,
                                    guint               page_size)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));
  g_return_if_fail (page_size > 0);

  g_mutex_lock (&self->lock);
  self->startup_page_size = self->page_size = page_size;
  g_mutex_unlock (&self->lock);
}

gboolean
bk_sandbox_microsoft_start (BkSandboxMicrosoft  *self,
                            GMainContext        *context,
                            guint                port,
                            GError             **error)
{
  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), FALSE);
  g_return_val_if_fail (self->http.server == NULL, FALSE);
  g_return_val_if_fail (port <= G_MAXUINT16, FALSE);

  return sbc_server_start (&self->http, "Microsoft-IIS/10.0 bookable-sandbox", context, port,
                           server_cb, self, error);
}

void
bk_sandbox_microsoft_stop (BkSandboxMicrosoft *self)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  sbc_server_stop (&self->http);
}

const char *
bk_sandbox_microsoft_get_url (BkSandboxMicrosoft *self)
{
  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);

  return self->http.url;
}

char *
bk_sandbox_microsoft_dup_graph_url (BkSandboxMicrosoft *self)
{
  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);
  g_return_val_if_fail (self->http.url != NULL, NULL);

  return g_strconcat (self->http.url, "/v1.0", NULL);
}

char *
bk_sandbox_microsoft_control (BkSandboxMicrosoft *self,
                              const char         *method,
                              const char         *path,
                              const char         *body,
                              guint              *out_status)
{
  g_autofree char *bare_path = NULL;
  g_autoptr(GHashTable) query = NULL;
  SbRequest req = { self, NULL, method, NULL, NULL, 0, NULL, NULL, FALSE };
  char *answer;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL, NULL);

  req.path = bare_path = sbc_split_path (path, &query);
  req.query = query;

  g_mutex_lock (&self->lock);
  sb_control_handle (self, &req, body, body != NULL ? strlen (body) : 0);
  g_mutex_unlock (&self->lock);

  if (out_status != NULL)
    *out_status = req.status;
  g_free (req.content_type);
  answer = req.body != NULL ? g_string_free (req.body, FALSE) : g_strdup ("");
  return answer;
}

static gboolean
load_root (BkSandboxMicrosoft  *self,
           JsonObject          *root,
           GError             **error)
{
  gboolean ok;

  if (root == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  ok = sb_load_data (self, root, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
bk_sandbox_microsoft_load_data (BkSandboxMicrosoft  *self,
                                const char          *json,
                                GError             **error)
{
  g_autoptr(JsonObject) root = NULL;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  root = sb_parse_object (json, -1, error);
  return load_root (self, root, error);
}

gboolean
bk_sandbox_microsoft_load_data_file (BkSandboxMicrosoft  *self,
                                     const char          *path,
                                     GError             **error)
{
  g_autoptr(JsonObject) root = NULL;

  g_return_val_if_fail (BK_IS_SANDBOX_MICROSOFT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  root = sbc_load_object_file (path, BK_SANDBOX_MICROSOFT_ERROR, BK_SANDBOX_MICROSOFT_ERROR_INVALID, error);
  return load_root (self, root, error);
}

void
bk_sandbox_microsoft_reset (BkSandboxMicrosoft *self)
{
  g_return_if_fail (BK_IS_SANDBOX_MICROSOFT (self));

  g_mutex_lock (&self->lock);
  sb_state_clear (self);
  sb_state_init (self);
  g_mutex_unlock (&self->lock);
}
