/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-google-client.c: the Google Calendar API v3 calls Bookable makes.
 *
 * - Every call gets its bearer token from the account's BkOAuthTokenSource
 *   (a 401 refreshes once and retries there) and goes through BkHttp: 429
 *   and, through the request's retry func, 403 rateLimitExceeded /
 *   userRateLimitExceeded back off with jitter; 5xx are retried for the
 *   idempotent calls (reads, freeBusy, and an insert with a client-chosen
 *   id, whose repeat is a harmless 409). The account is the concurrency key.
 * - freeBusy takes at most 50 calendars and 90 days per request: longer
 *   selections and windows are split, and per-calendar "errors" in the
 *   answer fail that calendar's window closed, never free.
 * - Lists follow pageToken to the end. */

#define G_LOG_DOMAIN "bk-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-client-private.h"
#include "bk-time.h"
#include "bk-token-store.h"

struct _BkGoogleClient
{
  GObject             parent_instance;

  BkHttp             *http;
  BkOAuthTokenSource *tokens;        /* or: */
  char               *access_token;  /* a bare token, right after sign-in */
  char               *api_url;
  char               *http_key;
  guint64             requests;
};

G_DEFINE_QUARK (bk-google-error-quark, bk_google_error)
G_DEFINE_FINAL_TYPE (BkGoogleClient, bk_google_client, G_TYPE_OBJECT)

void
bk_google_busy_read_free (BkGoogleBusyRead *read)
{
  if (read == NULL)
    return;
  g_free (read->calendar_id);
  g_clear_pointer (&read->busy, g_ptr_array_unref);
  g_clear_error (&read->error);
  g_free (read);
}

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

char *
bk_google_format_instant (gint64 unix_seconds)
{
  return bk_time_format_iso8601_utc (unix_seconds);
}

char *
bk_google_event_id_for_appointment (const char *appointment_id)
{
  static const char alphabet[] = "0123456789abcdefghijklmnopqrstuv";
  g_autofree char *hashed = NULL;
  const guchar *data;
  GString *id;
  gsize len;
  guint64 buffer = 0;
  guint bits = 0;

  g_return_val_if_fail (appointment_id != NULL, NULL);

  len = strlen (appointment_id);
  if (len > 600)
    {
      /* ids this long do not occur; keep the result under Google's 1024 */
      hashed = g_compute_checksum_for_string (G_CHECKSUM_SHA256, appointment_id, -1);
      appointment_id = hashed;
      len = strlen (hashed);
    }
  data = (const guchar *) appointment_id;
  id = g_string_new ("bk0");
  for (gsize i = 0; i < len; i++)
    {
      buffer = (buffer << 8) | data[i];
      bits += 8;
      while (bits >= 5)
        {
          bits -= 5;
          g_string_append_c (id, alphabet[(buffer >> bits) & 31]);
        }
    }
  if (bits > 0)
    g_string_append_c (id, alphabet[(buffer << (5 - bits)) & 31]);
  return g_string_free (id, FALSE);
}

gboolean
bk_google_parse_event_time (JsonObject  *event_time,
                            const char  *zone,
                            gint64      *out_unix,
                            GError     **error)
{
  const char *date_time = NULL;
  const char *date = NULL;
  GDate day;

  g_return_val_if_fail (out_unix != NULL, FALSE);

  if (event_time != NULL)
    {
      date_time = json_object_get_string_member_with_default (event_time, "dateTime", NULL);
      date = json_object_get_string_member_with_default (event_time, "date", NULL);
    }
  if (date_time != NULL && bk_time_parse_iso8601 (date_time, out_unix, NULL))
    return TRUE;
  if (date_time == NULL && date != NULL && bk_time_parse_date (date, &day, NULL))
    {
      /* an all-day event covers that local day of the calendar's zone */
      g_autoptr(GTimeZone) tz = bk_time_zone_new (zone ? zone : "UTC", NULL);

      if (tz != NULL)
        {
          *out_unix = bk_time_local_to_unix (tz, &day, 0);
          return TRUE;
        }
    }
  g_set_error (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
               _("Google Calendar sent a time Bookable cannot read (“%s”)."),
               date_time ? date_time : date ? date : "");
  return FALSE;
}

/* The first errors[].reason of Google's {"error": {"errors": [...]}}. */
static char *
dup_error_reason (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  JsonObject *root, *inner;
  JsonArray *errors;
  gsize size = 0;
  const char *data = body ? g_bytes_get_data (body, &size) : NULL;

  if (size == 0 || !json_parser_load_from_data (parser, data, size, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  root = json_node_get_object (json_parser_get_root (parser));
  if (!json_object_has_member (root, "error") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "error")))
    return NULL;
  inner = json_object_get_object_member (root, "error");
  if (!json_object_has_member (inner, "errors") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (inner, "errors")))
    return NULL;
  errors = json_object_get_array_member (inner, "errors");
  if (json_array_get_length (errors) == 0 ||
      !JSON_NODE_HOLDS_OBJECT (json_array_get_element (errors, 0)))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_array_get_object_element (errors, 0),
                                                               "reason", NULL));
}

gboolean
bk_google_is_rate_limit (guint               status,
                         SoupMessageHeaders *headers,
                         GBytes             *body)
{
  g_autofree char *reason = NULL;

  if (status != SOUP_STATUS_FORBIDDEN)
    return FALSE;
  reason = dup_error_reason (body);
  return g_strcmp0 (reason, "rateLimitExceeded") == 0 ||
         g_strcmp0 (reason, "userRateLimitExceeded") == 0;
}

/* Errors of BkHttp, the token source and the keyring, in this domain, with
 * their (already token-free) message. */
static GError *
translate_error (const GError *error)
{
  int code = BK_GOOGLE_ERROR_FAILED;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || error->domain == BK_GOOGLE_ERROR)
    return g_error_copy (error);

  if (error->domain == BK_HTTP_ERROR)
    {
      switch (error->code)
        {
        case BK_HTTP_ERROR_NETWORK: code = BK_GOOGLE_ERROR_NETWORK; break;
        case BK_HTTP_ERROR_THROTTLED: code = BK_GOOGLE_ERROR_THROTTLED; break;
        case BK_HTTP_ERROR_BAD_RESPONSE: code = BK_GOOGLE_ERROR_BAD_RESPONSE; break;
        case BK_HTTP_ERROR_NOT_FOUND: code = BK_GOOGLE_ERROR_NOT_FOUND; break;
        case BK_HTTP_ERROR_FORBIDDEN:
        case BK_HTTP_ERROR_UNAUTHORIZED: code = BK_GOOGLE_ERROR_ACCESS_DENIED; break;
        case BK_HTTP_ERROR_GONE: code = BK_GOOGLE_ERROR_SYNC_TOKEN_GONE; break;
        default: break;
        }
    }
  else if (error->domain == BK_OAUTH_ERROR &&
           (error->code == BK_OAUTH_ERROR_RECONNECT_NEEDED || error->code == BK_OAUTH_ERROR_NOT_CONNECTED))
    code = BK_GOOGLE_ERROR_RECONNECT_NEEDED;
  else if (error->domain == BK_TOKEN_STORE_ERROR && error->code == BK_TOKEN_STORE_ERROR_NOT_FOUND)
    code = BK_GOOGLE_ERROR_RECONNECT_NEEDED;

  return g_error_new_literal (BK_GOOGLE_ERROR, code, error->message);
}

/* ---------------------------------------------------------------------- */
/* One authorised call                                                    */

static void
call_answered_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGoogleAccept accept = GPOINTER_TO_UINT (g_task_get_task_data (task));
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (BK_IS_OAUTH_TOKEN_SOURCE (object))
    node = bk_oauth_token_source_json_finish (BK_OAUTH_TOKEN_SOURCE (object), result, &error);
  else
    node = bk_http_json_finish (BK_HTTP (object), result, &error);

  if (node == NULL &&
      (((accept & ACCEPT_CONFLICT) && g_error_matches (error, BK_HTTP_ERROR, BK_HTTP_ERROR_CONFLICT)) ||
       ((accept & ACCEPT_GONE) && (g_error_matches (error, BK_HTTP_ERROR, BK_HTTP_ERROR_NOT_FOUND) ||
                                   g_error_matches (error, BK_HTTP_ERROR, BK_HTTP_ERROR_GONE)))))
    node = json_node_new (JSON_NODE_NULL);
  if (node == NULL)
    g_task_return_error (task, translate_error (error));
  else
    g_task_return_pointer (task, node, (GDestroyNotify) json_node_unref);
}

void
_bk_google_client_call_async (BkGoogleClient      *self,
            BkHttpRequest       *request,
            BkGoogleAccept       accept,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, _bk_google_client_call_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (accept), NULL);
  bk_http_request_set_key (request, self->http_key);
  bk_http_request_set_retry_func (request, bk_google_is_rate_limit);
  self->requests++;
  if (self->tokens != NULL)
    bk_oauth_token_source_json_async (self->tokens, request, cancellable, call_answered_cb, task);
  else
    {
      g_autofree char *header = g_strconcat ("Bearer ", self->access_token, NULL);

      bk_http_request_set_header (request, "Authorization", header);
      bk_http_json_async (self->http, request, cancellable, call_answered_cb, task);
    }
}

JsonNode *
_bk_google_client_call_finish (GAsyncResult  *result,
             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

#define new_request(self, method, ...) \
  bk_http_request_new_for_path ((method), (self)->api_url, __VA_ARGS__)

char *
_bk_google_client_escape (const char *text)
{
  return g_uri_escape_string (text, NULL, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Paging                                                                 */

typedef struct
{
  char           *base_uri;   /* without pageToken */
  BkGoogleCollectFunc collect;
  gpointer        collect_data;
  GDestroyNotify  collect_free;
  guint           pages;
  char           *sync_token;  /* the last page's nextSyncToken */
} Paging;

static void
paging_free (gpointer data)
{
  Paging *paging = data;

  g_free (paging->base_uri);
  g_free (paging->sync_token);
  if (paging->collect_free != NULL)
    paging->collect_free (paging->collect_data);
  g_free (paging);
}

static void page_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
request_page (GTask      *task,
              const char *page_token)
{
  BkGoogleClient *self = g_task_get_source_object (task);
  Paging *paging = g_task_get_task_data (task);
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *uri = NULL;

  if (page_token != NULL)
    {
      g_autofree char *escaped = _bk_google_client_escape (page_token);

      uri = g_strdup_printf ("%s&pageToken=%s", paging->base_uri, escaped);
    }
  request = bk_http_request_new ("GET", uri ? uri : paging->base_uri);
  bk_http_request_set_idempotent (request, TRUE);
  _bk_google_client_call_async (self, request, 0, g_task_get_cancellable (task), page_cb, task);
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  Paging *paging = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _bk_google_client_call_finish (result, &error);
  JsonObject *page;
  JsonArray *items = NULL;
  const char *next;

  if (node != NULL && !JSON_NODE_HOLDS_OBJECT (node))
    error = g_error_new_literal (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                                 _("Google Calendar sent a list that is not a JSON object."));
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  page = json_node_get_object (node);
  paging->pages++;
  if (json_object_has_member (page, "items") && JSON_NODE_HOLDS_ARRAY (json_object_get_member (page, "items")))
    items = json_object_get_array_member (page, "items");
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item) &&
          !paging->collect (page, json_node_get_object (item), paging->collect_data, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
    }
  g_free (paging->sync_token);
  paging->sync_token = g_strdup (json_object_get_string_member_with_default (page, "nextSyncToken", NULL));
  next = json_object_get_string_member_with_default (page, "nextPageToken", NULL);
  if (next != NULL && *next != '\0')
    {
      request_page (task, next);
      return;
    }
  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

/* GETs @base_uri (which has a query) and every following page, handing
 * each item to @collect. */
void
_bk_google_client_list_all_async (BkGoogleClient      *self,
                char                *base_uri,
                BkGoogleCollectFunc  collect,
                gpointer             collect_data,
                GDestroyNotify       collect_free,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Paging *paging = g_new0 (Paging, 1);

  g_task_set_source_tag (task, _bk_google_client_list_all_async);
  paging->base_uri = base_uri;
  paging->collect = collect;
  paging->collect_data = collect_data;
  paging->collect_free = collect_free;
  g_task_set_task_data (task, paging, paging_free);
  request_page (task, NULL);
}

gboolean
_bk_google_client_list_all_finish (GAsyncResult  *result,
                                   char         **out_sync_token,
                                   GError       **error)
{
  Paging *paging = g_task_get_task_data (G_TASK (result));

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (out_sync_token != NULL)
    *out_sync_token = g_strdup (paging->sync_token);
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* calendarList                                                           */

typedef struct
{
  GPtrArray *calendars;
  char      *primary_id;
} CalendarList;

static void
calendar_list_free (gpointer data)
{
  CalendarList *list = data;

  g_clear_pointer (&list->calendars, g_ptr_array_unref);
  g_free (list->primary_id);
  g_free (list);
}

static gboolean
collect_calendar (JsonObject  *page,
                  JsonObject  *item,
                  gpointer     user_data,
                  GError     **error)
{
  CalendarList *list = user_data;
  const char *id = json_object_get_string_member_with_default (item, "id", NULL);
  const char *role = json_object_get_string_member_with_default (item, "accessRole", "");
  gboolean primary = json_object_get_boolean_member_with_default (item, "primary", FALSE);
  const char *name;

  if (id == NULL)
    {
      g_set_error_literal (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                           _("Google Calendar listed a calendar without an id."));
      return FALSE;
    }
  name = json_object_get_string_member_with_default (item, "summaryOverride", NULL);
  if (name == NULL)
    name = json_object_get_string_member_with_default (item, "summary", id);
  g_ptr_array_add (list->calendars,
                   bk_calendar_new (BK_PROVIDER_GOOGLE, id, name,
                                    json_object_get_string_member_with_default (item, "backgroundColor", NULL),
                                    g_str_equal (role, "owner") || g_str_equal (role, "writer"),
                                    primary));
  if (primary && list->primary_id == NULL)
    list->primary_id = g_strdup (id);
  return TRUE;
}

static void
calendars_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
bk_google_client_list_calendars_async (BkGoogleClient      *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  GTask *task;
  CalendarList *list;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_list_calendars_async);
  list = g_new0 (CalendarList, 1);
  list->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  g_task_set_task_data (task, list, calendar_list_free);
  _bk_google_client_list_all_async (self, g_strconcat (self->api_url, "/users/me/calendarList?maxResults=250", NULL),
                  collect_calendar, list, NULL, cancellable, calendars_listed_cb, task);
}

GPtrArray *
bk_google_client_list_calendars_finish (BkGoogleClient  *self,
                                        GAsyncResult    *result,
                                        char           **out_primary_id,
                                        GError         **error)
{
  CalendarList *list;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  list = g_task_get_task_data (G_TASK (result));
  if (out_primary_id != NULL)
    *out_primary_id = g_strdup (list->primary_id);
  return g_ptr_array_ref (list->calendars);
}

/* ---------------------------------------------------------------------- */
/* Writing events                                                         */

static void
event_written_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _bk_google_client_call_finish (result, &error);

  if (node == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
bk_google_client_insert_event_async (BkGoogleClient      *self,
                                     const char          *calendar_id,
                                     JsonNode            *event,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *calendar = NULL;
  GTask *task;
  const char *id;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));
  g_return_if_fail (calendar_id != NULL);
  g_return_if_fail (event != NULL && JSON_NODE_HOLDS_OBJECT (event));

  id = json_object_get_string_member_with_default (json_node_get_object (event), "id", NULL);
  g_return_if_fail (id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_insert_event_async);
  g_task_set_task_data (task, g_strdup (id), g_free);
  calendar = _bk_google_client_escape (calendar_id);
  request = new_request (self, "POST", "/calendars/%s/events?sendUpdates=none", calendar);
  bk_http_request_set_json (request, event);
  /* the client-chosen id makes a repeat harmless (409), so 5xx are retried */
  bk_http_request_set_idempotent (request, TRUE);
  _bk_google_client_call_async (self, request, ACCEPT_CONFLICT, cancellable, event_written_cb, task);
}

char *
bk_google_client_insert_event_finish (BkGoogleClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  return g_strdup (g_task_get_task_data (G_TASK (result)));
}

void
bk_google_client_patch_event_async (BkGoogleClient      *self,
                                    const char          *calendar_id,
                                    const char          *event_id,
                                    JsonNode            *changes,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *calendar = NULL;
  g_autofree char *event = NULL;
  GTask *task;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));
  g_return_if_fail (calendar_id != NULL && event_id != NULL && changes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_patch_event_async);
  calendar = _bk_google_client_escape (calendar_id);
  event = _bk_google_client_escape (event_id);
  request = new_request (self, "PATCH", "/calendars/%s/events/%s?sendUpdates=none", calendar, event);
  bk_http_request_set_json (request, changes);
  bk_http_request_set_idempotent (request, TRUE);
  _bk_google_client_call_async (self, request, 0, cancellable, event_written_cb, task);
}

gboolean
bk_google_client_patch_event_finish (BkGoogleClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
bk_google_client_delete_event_async (BkGoogleClient      *self,
                                     const char          *calendar_id,
                                     const char          *event_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(BkHttpRequest) request = NULL;
  g_autofree char *calendar = NULL;
  g_autofree char *event = NULL;
  GTask *task;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));
  g_return_if_fail (calendar_id != NULL && event_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_delete_event_async);
  calendar = _bk_google_client_escape (calendar_id);
  event = _bk_google_client_escape (event_id);
  request = new_request (self, "DELETE", "/calendars/%s/events/%s?sendUpdates=none", calendar, event);
  bk_http_request_set_idempotent (request, TRUE);
  _bk_google_client_call_async (self, request, ACCEPT_GONE, cancellable, event_written_cb, task);
}

gboolean
bk_google_client_delete_event_finish (BkGoogleClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_google_client_finalize (GObject *object)
{
  BkGoogleClient *self = BK_GOOGLE_CLIENT (object);

  g_clear_object (&self->http);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->access_token, g_free);
  g_clear_pointer (&self->api_url, g_free);
  g_clear_pointer (&self->http_key, g_free);

  G_OBJECT_CLASS (bk_google_client_parent_class)->finalize (object);
}

static void
bk_google_client_class_init (BkGoogleClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_google_client_finalize;
}

static void
bk_google_client_init (BkGoogleClient *self)
{
}

static BkGoogleClient *
client_new (BkHttp     *http,
            const char *api_url,
            const char *key)
{
  BkGoogleClient *self = g_object_new (BK_TYPE_GOOGLE_CLIENT, NULL);
  gsize len = strlen (api_url);

  self->http = g_object_ref (http);
  self->api_url = g_strndup (api_url, len > 0 && api_url[len - 1] == '/' ? len - 1 : len);
  self->http_key = g_strconcat ("google:", key, NULL);
  return self;
}

BkGoogleClient *
bk_google_client_new (BkHttp             *http,
                      BkOAuthTokenSource *tokens,
                      const char         *api_url)
{
  BkGoogleClient *self;

  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_OAUTH_TOKEN_SOURCE (tokens), NULL);
  g_return_val_if_fail (api_url != NULL, NULL);

  self = client_new (http, api_url, bk_oauth_token_source_get_account (tokens));
  self->tokens = g_object_ref (tokens);
  return self;
}

BkGoogleClient *
bk_google_client_new_for_access_token (BkHttp     *http,
                                       const char *access_token,
                                       const char *api_url)
{
  BkGoogleClient *self;

  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (access_token != NULL, NULL);
  g_return_val_if_fail (api_url != NULL, NULL);

  self = client_new (http, api_url, "sign-in");
  self->access_token = g_strdup (access_token);
  return self;
}

guint64
bk_google_client_get_request_count (BkGoogleClient *self)
{
  g_return_val_if_fail (BK_IS_GOOGLE_CLIENT (self), 0);

  return self->requests;
}

const char *
_bk_google_client_get_api_url (BkGoogleClient *self)
{
  g_assert (BK_IS_GOOGLE_CLIENT (self));

  return self->api_url;
}
