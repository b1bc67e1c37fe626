/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-graph-client.c: the Microsoft Graph v1.0 calls Bookable makes.
 *
 * - Every call gets its bearer token from the account's BkOAuthTokenSource
 *   and goes through BkHttp (429/503/504 with Retry-After, at most 4 in
 *   flight per mailbox: the account is the concurrency key). On a 401 the
 *   token is invalidated and the call made once more with a fresh one.
 * - Lists follow @odata.nextLink to the end, but only on the Graph server we
 *   were given, so the token never travels elsewhere.
 * - Times are read as their (dateTime, timeZone) pair, never by appending
 *   "Z": all-day events come back in their own zone, and Windows zone names
 *   are mapped to IANA ones.
 * - A Graph error body becomes "code: message"; the request's token is never
 *   part of any message.
 * - calendarView is in bk-graph-client-busy.c, calendarView/delta in
 *   bk-graph-client-delta.c (the paging and calls they share:
 *   bk-graph-client-private.h). */

#define G_LOG_DOMAIN "bk-graph"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "bk-graph-client-private.h"
#include "bk-time.h"
#include "bk-token-store.h"

struct _BkGraphClient
{
  GObject             parent_instance;

  BkHttp             *http;
  BkOAuthTokenSource *tokens;
  char               *graph_url;
  char               *http_key;
  guint               page_size;
  guint64             requests;
  guint64             bytes;
};

G_DEFINE_QUARK (bk-graph-error-quark, bk_graph_error)
G_DEFINE_FINAL_TYPE (BkGraphClient, bk_graph_client, G_TYPE_OBJECT)

/* ---------------------------------------------------------------------- */
/* Times                                                                  */

/* Windows zone names Graph may use, with CLDR's territory-001 IANA zone. */
static const struct { const char *windows; const char *iana; } windows_zones[] = {
  { "UTC", "UTC" },
  { "Coordinated Universal Time", "UTC" },
  { "GMT Standard Time", "Europe/London" },
  { "Greenwich Standard Time", "Atlantic/Reykjavik" },
  { "W. Europe Standard Time", "Europe/Berlin" },
  { "Romance Standard Time", "Europe/Paris" },
  { "Central Europe Standard Time", "Europe/Budapest" },
  { "Central European Standard Time", "Europe/Warsaw" },
  { "E. Europe Standard Time", "Europe/Chisinau" },
  { "FLE Standard Time", "Europe/Kiev" },
  { "GTB Standard Time", "Europe/Bucharest" },
  { "Turkey Standard Time", "Europe/Istanbul" },
  { "Russian Standard Time", "Europe/Moscow" },
  { "Israel Standard Time", "Asia/Jerusalem" },
  { "South Africa Standard Time", "Africa/Johannesburg" },
  { "Arabian Standard Time", "Asia/Dubai" },
  { "India Standard Time", "Asia/Kolkata" },
  { "SE Asia Standard Time", "Asia/Bangkok" },
  { "China Standard Time", "Asia/Shanghai" },
  { "Singapore Standard Time", "Asia/Singapore" },
  { "Tokyo Standard Time", "Asia/Tokyo" },
  { "Korea Standard Time", "Asia/Seoul" },
  { "AUS Eastern Standard Time", "Australia/Sydney" },
  { "New Zealand Standard Time", "Pacific/Auckland" },
  { "Atlantic Standard Time", "America/Halifax" },
  { "Eastern Standard Time", "America/New_York" },
  { "Central Standard Time", "America/Chicago" },
  { "Mountain Standard Time", "America/Denver" },
  { "US Mountain Standard Time", "America/Phoenix" },
  { "Pacific Standard Time", "America/Los_Angeles" },
  { "Alaskan Standard Time", "America/Anchorage" },
  { "Hawaiian Standard Time", "Pacific/Honolulu" },
  { "E. South America Standard Time", "America/Sao_Paulo" },
};

static GTimeZone *
lookup_zone (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (windows_zones); i++)
    if (g_ascii_strcasecmp (windows_zones[i].windows, name) == 0)
      return bk_time_zone_new (windows_zones[i].iana, NULL);
  return bk_time_zone_new (name, NULL);
}

gboolean
bk_graph_parse_date_time_zone (JsonObject  *date_time_zone,
                               gint64      *out_unix,
                               GError     **error)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;
  const char *date_time = NULL;
  const char *zone = NULL;
  int y, mo, d, h, mi, s;

  g_return_val_if_fail (out_unix != NULL, FALSE);

  if (date_time_zone != NULL)
    {
      date_time = json_object_get_string_member_with_default (date_time_zone, "dateTime", NULL);
      zone = json_object_get_string_member_with_default (date_time_zone, "timeZone", NULL);
    }
  if (date_time == NULL || zone == NULL ||
      sscanf (date_time, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 ||
      (tz = lookup_zone (zone)) == NULL ||
      (dt = g_date_time_new (tz, y, mo, d, h, mi, s)) == NULL)
    {
      g_set_error (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                   _("Microsoft Graph sent a time Bookable cannot read (“%s” in “%s”)."),
                   date_time ? date_time : "", zone ? zone : "");
      return FALSE;
    }

  *out_unix = g_date_time_to_unix (dt);
  return TRUE;
}

char *
bk_graph_format_instant (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);

  g_return_val_if_fail (dt != NULL, NULL);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S+00:00");
}

/* ---------------------------------------------------------------------- */
/* Errors                                                                 */

static const char *
error_member (JsonNode   *root,
              const char *name)
{
  JsonObject *object;
  JsonNode *inner;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  inner = json_object_get_member (json_node_get_object (root), "error");
  if (inner == NULL || !JSON_NODE_HOLDS_OBJECT (inner))
    return NULL;
  object = json_node_get_object (inner);
  return json_object_get_string_member_with_default (object, name, NULL);
}

static int
code_for_status (guint status)
{
  switch (status)
    {
    case SOUP_STATUS_NOT_FOUND:
    case SOUP_STATUS_GONE:
      return BK_GRAPH_ERROR_NOT_FOUND;
    case SOUP_STATUS_FORBIDDEN:
    case SOUP_STATUS_UNAUTHORIZED:
      return BK_GRAPH_ERROR_ACCESS_DENIED;
    case 429: /* Too Many Requests; libsoup 3.2 has no name for it */
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return BK_GRAPH_ERROR_THROTTLED;
    default:
      return BK_GRAPH_ERROR_FAILED;
    }
}

/* Graph's {"error": {"code", "message"}} as a sentence; the request line is
 * shown without its query (which may hold paging tokens). */
static GError *
error_from_response (BkHttpRequest  *request,
                     BkHttpResponse *response)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GUri) uri = g_uri_parse (bk_http_request_get_uri (request), G_URI_FLAGS_ENCODED, NULL);
  GBytes *body = bk_http_response_get_body (response);
  guint status = bk_http_response_get_status (response);
  const char *path = uri ? g_uri_get_path (uri) : "";
  const char *code = NULL;
  const char *message = NULL;
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;

  if (size > 0 && json_parser_load_from_data (parser, data, size, NULL))
    {
      code = error_member (json_parser_get_root (parser), "code");
      message = error_member (json_parser_get_root (parser), "message");
    }
  if (code != NULL)
    return g_error_new (BK_GRAPH_ERROR, code_for_status (status),
                        _("Microsoft Graph refused %s %s (HTTP %u): %s: %s"),
                        bk_http_request_get_method (request), path, status, code,
                        message ? message : "");
  return g_error_new (BK_GRAPH_ERROR, code_for_status (status),
                      _("Microsoft Graph refused %s %s (HTTP %u) without saying why."),
                      bk_http_request_get_method (request), path, status);
}

/* Errors of BkHttp, the token source and the keyring, in this domain, with
 * their (already token-free) message. */
static GError *
translate_error (GError *error)
{
  int code = BK_GRAPH_ERROR_FAILED;

  if (error->domain == G_IO_ERROR && error->code == G_IO_ERROR_CANCELLED)
    return g_error_copy (error);
  if (error->domain == BK_GRAPH_ERROR)
    return g_error_copy (error);

  if (error->domain == BK_HTTP_ERROR)
    {
      if (error->code == BK_HTTP_ERROR_NETWORK)
        code = BK_GRAPH_ERROR_NETWORK;
      else if (error->code == BK_HTTP_ERROR_THROTTLED)
        code = BK_GRAPH_ERROR_THROTTLED;
      else if (error->code == BK_HTTP_ERROR_BAD_RESPONSE)
        code = BK_GRAPH_ERROR_BAD_RESPONSE;
    }
  else if (error->domain == BK_OAUTH_ERROR &&
           (error->code == BK_OAUTH_ERROR_RECONNECT_NEEDED || error->code == BK_OAUTH_ERROR_NOT_CONNECTED))
    code = BK_GRAPH_ERROR_RECONNECT_NEEDED;
  else if (error->domain == BK_TOKEN_STORE_ERROR && error->code == BK_TOKEN_STORE_ERROR_NOT_FOUND)
    code = BK_GRAPH_ERROR_RECONNECT_NEEDED;

  return g_error_new_literal (BK_GRAPH_ERROR, code, error->message);
}

/* ---------------------------------------------------------------------- */
/* One authorised call                                                    */

typedef struct
{
  BkHttpRequest *request;
  char          *access_token;
  gboolean       retried;
  gboolean       gone_is_success;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  bk_http_request_unref (call->request);
  g_free (call->access_token);
  g_free (call);
}

static void call_token_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
call_return_response (GTask          *task,
                      BkHttpResponse *response)
{
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  guint status = bk_http_response_get_status (response);
  JsonNode *node;

  if (call->gone_is_success && (status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_GONE))
    {
      g_task_return_pointer (task, json_node_new (JSON_NODE_NULL), (GDestroyNotify) json_node_unref);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_error (task, error_from_response (call->request, response));
      return;
    }
  node = bk_http_response_parse_json (response, &error);
  if (node == NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

static void
call_sent_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGraphClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkHttpResponse) response = bk_http_send_finish (BK_HTTP (object), result, &error);
  GBytes *body;

  if (response == NULL)
    {
      self->requests++;
      g_task_return_error (task, translate_error (error));
      return;
    }

  self->requests += MAX (1, bk_http_response_get_attempts (response));
  body = bk_http_response_get_body (response);
  self->bytes += body ? g_bytes_get_size (body) : 0;

  if (bk_http_response_get_status (response) == SOUP_STATUS_UNAUTHORIZED && !call->retried)
    {
      /* expired or revoked early: refresh once and try again */
      call->retried = TRUE;
      bk_oauth_token_source_invalidate (self->tokens, call->access_token);
      {
        GCancellable *cancellable = g_task_get_cancellable (task);

        bk_oauth_token_source_get_access_token_async (self->tokens, cancellable,
                                                      call_token_cb, g_steal_pointer (&task));
      }
      return;
    }
  call_return_response (task, response);
}

static void
call_token_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGraphClient *self = g_task_get_source_object (task);
  Call *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *header = NULL;

  token = bk_oauth_token_source_get_access_token_finish (BK_OAUTH_TOKEN_SOURCE (object), result, &error);
  if (token == NULL)
    {
      g_task_return_error (task, translate_error (error));
      return;
    }

  header = g_strconcat ("Bearer ", token, NULL);
  bk_http_request_set_header (call->request, "Authorization", header);
  g_free (call->access_token);
  call->access_token = g_steal_pointer (&token);
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    bk_http_send_async (self->http, call->request, cancellable,
                        call_sent_cb, g_steal_pointer (&task));
  }
}

static void
call_async (BkGraphClient       *self,
            BkHttpRequest       *request,
            gboolean             gone_is_success,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = g_new0 (Call, 1);

  g_task_set_source_tag (task, call_async);
  call->request = bk_http_request_ref (request);
  call->gone_is_success = gone_is_success;
  g_task_set_task_data (task, call, call_free);
  bk_http_request_set_key (request, self->http_key);
  bk_oauth_token_source_get_access_token_async (self->tokens, cancellable, call_token_cb, task);
}

static JsonNode *
call_finish (BkGraphClient  *self,
             GAsyncResult   *result,
             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

#define new_request(self, method, ...) \
  bk_http_request_new_for_path ((method), (self)->graph_url, __VA_ARGS__)

char *
_bk_graph_escape_segment (const char *id)
{
  return g_uri_escape_string (id, NULL, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Paging                                                                 */

static void
pager_free (gpointer data)
{
  BkGraphPager *pager = data;

  g_free (pager->prefer);
  g_free (pager->next_url);
  g_free (pager->delta_link);
  if (pager->collect_free != NULL)
    pager->collect_free (pager->collect_data);
  g_free (pager);
}

/* A next page must come from the Graph server we were given, or the bearer
 * token would travel wherever a response pointed. */
gboolean
_bk_graph_same_origin (const char *base,
                       const char *uri)
{
  g_autoptr(GUri) a = g_uri_parse (base, G_URI_FLAGS_NONE, NULL);
  g_autoptr(GUri) b = g_uri_parse (uri, G_URI_FLAGS_ENCODED, NULL);

  return a != NULL && b != NULL &&
         g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a) ? g_uri_get_host (a) : "",
                             g_uri_get_host (b) ? g_uri_get_host (b) : "") == 0 &&
         g_uri_get_port (a) == g_uri_get_port (b);
}

static gboolean
collect_page (BkGraphClient  *self,
              BkGraphPager          *pager,
              JsonNode       *page,
              GError        **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (page) ? json_node_get_object (page) : NULL;
  JsonNode *value = object ? json_object_get_member (object, "value") : NULL;
  const char *next;
  JsonArray *array;

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                           _("Microsoft Graph sent a list without its “value”."));
      return FALSE;
    }
  array = json_node_get_array (value);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (element) &&
          !pager->collect (json_node_get_object (element), pager->collect_data, error))
        return FALSE;
    }

  g_clear_pointer (&pager->next_url, g_free);
  next = json_object_get_string_member_with_default (object, "@odata.nextLink", NULL);
  if (next != NULL && !_bk_graph_same_origin (self->graph_url, next))
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                           _("Microsoft Graph pointed the next page to another server; Bookable did not follow it."));
      return FALSE;
    }
  pager->next_url = g_strdup (next);
  g_clear_pointer (&pager->delta_link, g_free);
  pager->delta_link = g_strdup (json_object_get_string_member_with_default (object, "@odata.deltaLink", NULL));
  pager->pages++;
  if (pager->page_done != NULL)
    pager->page_done (pager->collect_data);
  return TRUE;
}

static void fetch_page (GTask *task);

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGraphClient *self = BK_GRAPH_CLIENT (object);
  BkGraphPager *pager = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) page = call_finish (self, result, &error);

  if (page == NULL || !collect_page (self, pager, page, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (pager->next_url == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  fetch_page (g_steal_pointer (&task));
}

static void
fetch_page (GTask *task)
{
  BkGraphClient *self = g_task_get_source_object (task);
  BkGraphPager *pager = g_task_get_task_data (task);
  g_autoptr(BkHttpRequest) request = bk_http_request_new ("GET", pager->next_url);

  if (pager->prefer != NULL)
    bk_http_request_set_header (request, "Prefer", pager->prefer);
  call_async (self, request, FALSE, g_task_get_cancellable (task), page_cb, task);
}

/* Fetches @first_url and every next page, calling @collect on each item.
 * The task's result is a boolean; its task data is the BkGraphPager. */
GTask *
_bk_graph_fetch_all (BkGraphClient       *self,
                     char                *first_url,
                     const char          *prefer,
                     BkGraphCollectFunc   collect,
                     gpointer             collect_data,
                     GDestroyNotify       collect_free,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  BkGraphPager *pager = g_new0 (BkGraphPager, 1);

  pager->next_url = first_url;
  pager->prefer = g_strdup (prefer);
  pager->collect = collect;
  pager->collect_data = collect_data;
  pager->collect_free = collect_free;
  g_task_set_task_data (task, pager, pager_free);
  fetch_page (g_object_ref (task));
  return task;
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_graph_client_finalize (GObject *object)
{
  BkGraphClient *self = BK_GRAPH_CLIENT (object);

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->graph_url, g_free);
  g_clear_pointer (&self->http_key, g_free);

  G_OBJECT_CLASS (bk_graph_client_parent_class)->finalize (object);
}

static void
bk_graph_client_class_init (BkGraphClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_graph_client_finalize;
}

static void
bk_graph_client_init (BkGraphClient *self)
{
  self->page_size = BK_GRAPH_MAX_PAGE_SIZE;
}

BkGraphClient *
bk_graph_client_new (BkHttp             *http,
                     BkOAuthTokenSource *tokens,
                     const char         *graph_url)
{
  BkGraphClient *self;
  gsize len;

  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (tokens), NULL);
  g_return_val_if_fail (graph_url != NULL, NULL);

  self = g_object_new (BK_TYPE_GRAPH_CLIENT, NULL);
  self->http = g_object_ref (http);
  self->tokens = g_object_ref (tokens);
  self->graph_url = g_strdup (graph_url);
  len = strlen (self->graph_url);
  while (len > 0 && self->graph_url[len - 1] == '/')
    self->graph_url[--len] = '\0';
  self->http_key = g_strconcat ("graph:", bk_oauth_token_source_get_account (tokens), NULL);
  return self;
}

const char *
bk_graph_client_get_graph_url (BkGraphClient *self)
{
  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), NULL);

  return self->graph_url;
}

const char *
_bk_graph_client_get_url (BkGraphClient *self)
{
  return self->graph_url;
}

guint
_bk_graph_client_get_page_size (BkGraphClient *self)
{
  return self->page_size;
}

guint64
bk_graph_client_get_request_count (BkGraphClient *self)
{
  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), 0);

  return self->requests;
}

guint64
bk_graph_client_get_bytes_received (BkGraphClient *self)
{
  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), 0);

  return self->bytes;
}

/* ---------------------------------------------------------------------- */
/* /me                                                                    */

void
bk_graph_client_get_me_async (BkGraphClient       *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));

  request = new_request (self, "GET", "/me?$select=%s", "displayName,userPrincipalName,mail");
  call_async (self, request, FALSE, cancellable, callback, user_data);
}

char *
bk_graph_client_get_me_finish (BkGraphClient  *self,
                               GAsyncResult   *result,
                               char          **out_display_name,
                               GError        **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *me;
  const char *account;

  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), NULL);

  node = call_finish (self, result, error);
  if (node == NULL)
    return NULL;
  me = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  account = me ? json_object_get_string_member_with_default (me, "userPrincipalName", NULL) : NULL;
  if (account == NULL && me != NULL)
    account = json_object_get_string_member_with_default (me, "mail", NULL);
  if (account == NULL)
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                           _("Microsoft Graph did not say which account is signed in."));
      return NULL;
    }
  if (out_display_name != NULL)
    *out_display_name = g_strdup (json_object_get_string_member_with_default (me, "displayName", NULL));
  return g_strdup (account);
}

/* ---------------------------------------------------------------------- */
/* /me/calendars                                                          */

static gboolean
collect_calendar (JsonObject  *item,
                  gpointer     user_data,
                  GError     **error)
{
  GPtrArray *calendars = user_data;
  const char *id = json_object_get_string_member_with_default (item, "id", NULL);
  const char *hex = json_object_get_string_member_with_default (item, "hexColor", NULL);
  const char *color = json_object_get_string_member_with_default (item, "color", NULL);

  if (id == NULL)
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                           _("Microsoft Graph sent a calendar without an id."));
      return FALSE;
    }
  /* hexColor is the colour Outlook shows; color is a named preset ("auto":
   * none chosen) */
  if (hex != NULL && *hex != '\0')
    color = hex;
  else if (g_strcmp0 (color, "auto") == 0)
    color = NULL;
  g_ptr_array_add (calendars,
                   bk_calendar_new (BK_PROVIDER_OFFICE365, id,
                                    json_object_get_string_member_with_default (item, "name", id),
                                    color,
                                    json_object_get_boolean_member_with_default (item, "canEdit", FALSE),
                                    json_object_get_boolean_member_with_default (item, "isDefaultCalendar", FALSE)));
  return TRUE;
}

void
bk_graph_client_list_calendars_async (BkGraphClient       *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *calendars;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));

  calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  task = _bk_graph_fetch_all (self,
                    g_strconcat (self->graph_url,
                                 "/me/calendars?$select=name,color,hexColor,canEdit,isDefaultCalendar",
                                 NULL),
                    NULL, collect_calendar, calendars, (GDestroyNotify) g_ptr_array_unref,
                    cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_graph_client_list_calendars_async);
}

GPtrArray *
bk_graph_client_list_calendars_finish (BkGraphClient  *self,
                                       GAsyncResult   *result,
                                       GError        **error)
{
  BkGraphPager *pager;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  pager = g_task_get_task_data (G_TASK (result));
  return g_ptr_array_ref (pager->collect_data);
}

/* ---------------------------------------------------------------------- */
/* Events                                                                 */

void
bk_graph_client_create_event_async (BkGraphClient       *self,
                                    const char          *calendar_id,
                                    JsonNode            *event,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (calendar_id != NULL);
  g_return_if_fail (event != NULL);

  id = _bk_graph_escape_segment (calendar_id);
  request = new_request (self, "POST", "/me/calendars/%s/events", id);
  bk_http_request_set_json (request, event);
  /* the event's transactionId makes Graph return the first event again
   * instead of creating a second: resending is safe */
  bk_http_request_set_idempotent (request, TRUE);
  call_async (self, request, FALSE, cancellable, callback, user_data);
}

JsonObject *
bk_graph_client_create_event_finish (BkGraphClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), NULL);

  node = call_finish (self, result, error);
  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      json_object_get_string_member_with_default (json_node_get_object (node), "id", NULL) == NULL)
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                           _("Microsoft Graph created the event but did not send back its id."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (node));
}

void
bk_graph_client_update_event_async (BkGraphClient       *self,
                                    const char          *event_id,
                                    JsonNode            *changes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (event_id != NULL);
  g_return_if_fail (changes != NULL);

  id = _bk_graph_escape_segment (event_id);
  request = new_request (self, "PATCH", "/me/events/%s", id);
  bk_http_request_set_json (request, changes);
  bk_http_request_set_idempotent (request, TRUE);
  call_async (self, request, FALSE, cancellable, callback, user_data);
}

gboolean
bk_graph_client_update_event_finish (BkGraphClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (BK_IS_GRAPH_CLIENT (self), FALSE);

  node = call_finish (self, result, error);
  return node != NULL;
}

void
bk_graph_client_delete_event_async (BkGraphClient       *self,
                                    const char          *event_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (BK_IS_GRAPH_CLIENT (self));
  g_return_if_fail (event_id != NULL);

  id = _bk_graph_escape_segment (event_id);
  request = new_request (self, "DELETE", "/me/events/%s", id);
  bk_http_request_set_idempotent (request, TRUE);
  call_async (self, request, TRUE, cancellable, callback, user_data);
}

gboolean
bk_graph_client_delete_event_finish (BkGraphClient  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  return bk_graph_client_update_event_finish (self, result, error);
}
