/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-google"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-private.h"

/* The sandbox object: the loopback server, the dispatcher that applies
 * faults and counts requests per route, and the C control API. */

G_DEFINE_FINAL_TYPE (BkSandboxGoogle, bk_sandbox_google, G_TYPE_OBJECT)
G_DEFINE_QUARK (bk-sandbox-google-error-quark, bk_sandbox_google_error)

/* ---------------------------------------------------------------- replies */

gint64
sbg_now (BkSandboxGoogle *self)
{
  return g_get_real_time () / G_USEC_PER_SEC + self->clock_offset;
}

gboolean
sbg_set_invalid (GError     **error,
                 const char  *message)
{
  g_set_error_literal (error, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_INVALID, message);
  return FALSE;
}

void
sbg_reply_text (SbgRequest *req,
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
sbg_reply_object (SbgRequest *req,
                  guint       status,
                  JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, object);
  text = json_to_string (node, TRUE);
  sbg_reply_text (req, status, "application/json; charset=UTF-8", text);
}

/* Google's JSON error envelope: {"error": {"errors": [{domain, reason,
 * message}], "code", "message"}}; 401 also carries location and status. */
void
sbg_reply_error (SbgRequest *req,
                 guint       status,
                 const char *domain,
                 const char *reason,
                 const char *message)
{
  g_autoptr(JsonObject) root = json_object_new ();
  JsonObject *error = json_object_new ();
  JsonObject *item = json_object_new ();
  JsonArray *errors = json_array_new ();

  json_object_set_string_member (item, "domain", domain);
  json_object_set_string_member (item, "reason", reason);
  json_object_set_string_member (item, "message", status == 401 ? "Invalid Credentials" : message);
  if (status == 401)
    {
      json_object_set_string_member (item, "locationType", "header");
      json_object_set_string_member (item, "location", "Authorization");
      json_object_set_string_member (error, "status", "UNAUTHENTICATED");
    }
  json_array_add_object_element (errors, item);
  json_object_set_array_member (error, "errors", errors);
  json_object_set_int_member (error, "code", status);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", error);
  sbg_reply_object (req, status, root);
  if (status == 401)
    sbg_set_header (req, "WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\"");
}

JsonObject *
sbg_parse_object (const char  *text,
                  gssize       length,
                  GError     **error)
{
  return sbc_parse_object (text, length, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_INVALID, error);
}

char *
sbg_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

JsonObject *
sbg_request_json (SbgRequest  *req,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = req->msg != NULL ? sbc_request_body (req->msg) : NULL;
  gsize length = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &length) : NULL;

  return sbg_parse_object (data, length, error);
}

GHashTable *
sbg_request_form (SbgRequest *req)
{
  g_autoptr(GBytes) bytes = req->msg != NULL ? sbc_request_body (req->msg) : NULL;
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
sbg_request_header (SbgRequest *req,
                    const char *name)
{
  if (req->msg == NULL)
    return NULL;
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

void
sbg_set_header (SbgRequest *req,
                const char *name,
                const char *value)
{
  if (req->msg != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), name, value);
}

const char *
sbg_query (SbgRequest *req,
           const char *name)
{
  return req->query != NULL ? g_hash_table_lookup (req->query, name) : NULL;
}

/* ------------------------------------------------------------- dispatcher */

/* "GET /calendar/v3/calendars/{id}/events/{id}": ids folded so requests can
 * be counted per route. */
static char *
route_template (const char *method,
                const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);
  g_autofree char *joined = NULL;

  for (guint i = 1; parts[i] != NULL; i++)
    if (g_str_equal (parts[i - 1], "calendars") || g_str_equal (parts[i - 1], "events")
        || g_str_equal (parts[i - 1], "calendarList"))
      {
        g_free (parts[i]);
        parts[i] = g_strdup ("{id}");
      }
  joined = g_strjoinv ("/", parts);
  return g_strdup_printf ("%s %s", method, joined);
}

static void
count_request (SbgRequest *req)
{
  g_autofree char *route = route_template (req->method, req->path);

  sbc_stats_count (&req->self->stats, route);
}

static void
dispatch_google (SbgRequest *req)
{
  if (sbg_faults_before (req))
    return;
  if (g_str_has_prefix (req->path, "/calendar/v3/"))
    {
      if (!sbg_calendar_dispatch (req))
        sbg_reply_error (req, 404, "global", "notFound", "Not Found");
    }
  else if (!sbg_auth_dispatch (req))
    sbg_reply_text (req, 404, "text/html; charset=UTF-8",
                    "<!DOCTYPE html><html><body><p><b>404.</b> That’s an error.</p></body></html>");
  sbg_faults_after (req);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  BkSandboxGoogle *self = user_data;
  SbgRequest req = { .self = self, .msg = msg, .method = soup_server_message_get_method (msg),
                     .path = path, .query = query };

  g_mutex_lock (&self->lock);
  if (g_str_has_prefix (path, "/_sandbox/"))
    {
      g_autoptr(GBytes) bytes = sbc_request_body (msg);
      gsize length = 0;
      const char *data = g_bytes_get_data (bytes, &length);

      sbg_control_handle (&req, data, length);
    }
  else
    {
      count_request (&req);
      dispatch_google (&req);
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
bk_sandbox_google_finalize (GObject *object)
{
  BkSandboxGoogle *self = (BkSandboxGoogle *)object;

  sbc_server_stop (&self->http);
  sbg_state_clear (self);
  sbc_stats_clear (&self->stats);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (bk_sandbox_google_parent_class)->finalize (object);
}

static void
bk_sandbox_google_class_init (BkSandboxGoogleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_sandbox_google_finalize;
}

static void
bk_sandbox_google_init (BkSandboxGoogle *self)
{
  g_mutex_init (&self->lock);
  self->startup_page_size = 250;
  sbc_stats_init (&self->stats);
  sbg_state_init (self);
}

/* ------------------------------------------------------------ public API */

BkSandboxGoogle *
bk_sandbox_google_new (void)
{
  return g_object_new (BK_TYPE_SANDBOX_GOOGLE, NULL);
}

void
bk_sandbox_google_set_page_size (BkSandboxGoogle *self,
                                 guint            page_size)
{
  g_return_if_fail (BK_IS_SANDBOX_GOOGLE (self));
  g_return_if_fail (page_size > 0);

  g_mutex_lock (&self->lock);
  self->startup_page_size = self->page_size = page_size;
  g_mutex_unlock (&self->lock);
}

gboolean
bk_sandbox_google_start (BkSandboxGoogle  *self,
                         GMainContext     *context,
                         guint             port,
                         GError          **error)
{
  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return sbc_server_start (&self->http, "ESF bookable-sandbox", context, port,
                           server_cb, self, error);
}

void
bk_sandbox_google_stop (BkSandboxGoogle *self)
{
  g_return_if_fail (BK_IS_SANDBOX_GOOGLE (self));

  sbc_server_stop (&self->http);
}

const char *
bk_sandbox_google_get_url (BkSandboxGoogle *self)
{
  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), NULL);

  return self->http.url;
}

char *
bk_sandbox_google_dup_api_url (BkSandboxGoogle *self)
{
  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), NULL);
  g_return_val_if_fail (self->http.url != NULL, NULL);

  return g_strconcat (self->http.url, "/calendar/v3", NULL);
}

char *
bk_sandbox_google_control (BkSandboxGoogle *self,
                           const char      *method,
                           const char      *path,
                           const char      *body,
                           guint           *out_status)
{
  g_autofree char *bare_path = NULL;
  g_autoptr(GHashTable) query = NULL;
  SbgRequest req = { .self = self, .method = method };

  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), NULL);
  g_return_val_if_fail (method != NULL && path != NULL, NULL);

  req.path = bare_path = sbc_split_path (path, &query);
  req.query = query;

  g_mutex_lock (&self->lock);
  sbg_control_handle (&req, body, body != NULL ? strlen (body) : 0);
  g_mutex_unlock (&self->lock);

  if (out_status != NULL)
    *out_status = req.status;
  g_free (req.content_type);
  return req.body != NULL ? g_string_free (req.body, FALSE) : g_strdup ("");
}

static gboolean
load_root (BkSandboxGoogle  *self,
           JsonObject       *root,
           GError          **error)
{
  gboolean ok;

  if (root == NULL)
    return FALSE;
  g_mutex_lock (&self->lock);
  ok = sbg_load_data (self, root, error);
  g_mutex_unlock (&self->lock);
  return ok;
}

gboolean
bk_sandbox_google_load_data (BkSandboxGoogle  *self,
                             const char       *json,
                             GError          **error)
{
  g_autoptr(JsonObject) root = NULL;

  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);

  root = sbg_parse_object (json, -1, error);
  return load_root (self, root, error);
}

gboolean
bk_sandbox_google_load_data_file (BkSandboxGoogle  *self,
                                  const char       *path,
                                  GError          **error)
{
  g_autoptr(JsonObject) root = NULL;

  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  root = sbc_load_object_file (path, BK_SANDBOX_GOOGLE_ERROR, BK_SANDBOX_GOOGLE_ERROR_INVALID, error);
  return load_root (self, root, error);
}

void
bk_sandbox_google_reset (BkSandboxGoogle *self)
{
  g_return_if_fail (BK_IS_SANDBOX_GOOGLE (self));

  g_mutex_lock (&self->lock);
  sbg_state_clear (self);
  sbg_state_init (self);
  g_mutex_unlock (&self->lock);
}

guint64
bk_sandbox_google_get_request_count (BkSandboxGoogle *self,
                                     const char      *route)
{
  guint64 count;

  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), 0);

  g_mutex_lock (&self->lock);
  count = sbc_stats_get (&self->stats, route);
  g_mutex_unlock (&self->lock);
  return count;
}

guint64
bk_sandbox_google_get_bytes_sent (BkSandboxGoogle *self)
{
  guint64 bytes;

  g_return_val_if_fail (BK_IS_SANDBOX_GOOGLE (self), 0);

  g_mutex_lock (&self->lock);
  bytes = self->stats.bytes_sent;
  g_mutex_unlock (&self->lock);
  return bytes;
}
