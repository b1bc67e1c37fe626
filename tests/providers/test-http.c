/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BkHttp against a real libsoup server on 127.0.0.1: retries, throttling,
 * bad JSON, dead servers, the per-key limit and cancellation. */
#define G_LOG_DOMAIN "test-http"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-http.h"

typedef struct
{
  SoupServer *server;
  char       *url;
  BkHttp     *http;
  guint       requests;      /* every request the server saw */
  guint       in_flight;     /* paused /slow requests right now */
  guint       max_in_flight;
  GPtrArray  *held;          /* paused /slow requests */
  guint       release_at;    /* answer them once this many are held */
  guint       release_source;
  guint       fallback_source;
  guint       throttle_left; /* how many more 429s /retry-after sends */
  char       *retry_after;   /* its Retry-After value */
  gint64      first_request; /* monotonic µs */
  gint64      last_request;
} Fixture;

static void
answer (SoupServerMessage *msg,
        guint              status,
        const char        *body)
{
  soup_server_message_set_status (msg, status, NULL);
  if (body != NULL)
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

/* /slow holds requests and answers them a batch at a time: once release_at
 * of them are held (plus 50 ms for any extra that the limit should have
 * kept back), or after 5 s so a broken limit fails instead of hanging. */
static gboolean
release_all_cb (gpointer user_data)
{
  Fixture *f = user_data;

  g_clear_handle_id (&f->release_source, g_source_remove);
  g_clear_handle_id (&f->fallback_source, g_source_remove);
  for (guint i = 0; i < f->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (f->held, i);

      answer (msg, SOUP_STATUS_OK, "{\"ok\":true}");
      soup_server_message_unpause (msg);
    }
  f->in_flight = 0;
  g_ptr_array_set_size (f->held, 0);
  return G_SOURCE_REMOVE;
}

static void
handle_slow (Fixture           *f,
             SoupServerMessage *msg)
{
  f->in_flight++;
  f->max_in_flight = MAX (f->max_in_flight, f->in_flight);
  soup_server_message_pause (msg);
  g_ptr_array_add (f->held, g_object_ref (msg));
  if (f->fallback_source == 0)
    f->fallback_source = g_timeout_add (5000, release_all_cb, f);
  if (f->in_flight >= f->release_at && f->release_source == 0)
    f->release_source = g_timeout_add (50, release_all_cb, f);
}

static void
request_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  f->requests++;
  f->last_request = g_get_monotonic_time ();
  if (f->first_request == 0)
    f->first_request = f->last_request;

  if (g_str_equal (path, "/retry-after") && f->throttle_left > 0)
    {
      f->throttle_left--;
      soup_message_headers_replace (headers, "Retry-After", f->retry_after);
      answer (msg, 429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}");
    }
  else if (g_str_equal (path, "/retry-after"))
    answer (msg, SOUP_STATUS_OK, "{\"value\":[1,2,3]}");
  else if (g_str_equal (path, "/storm"))
    answer (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL);
  else if (g_str_equal (path, "/truncated"))
    answer (msg, SOUP_STATUS_OK, "{\"value\": [{\"id\": \"1\"}, {\"id\": ");
  else if (g_str_equal (path, "/not-json"))
    answer (msg, SOUP_STATUS_OK, "<html>Service page</html>");
  else if (g_str_equal (path, "/slow"))
    handle_slow (f, msg);
  else if (g_str_equal (path, "/unauthorized"))
    answer (msg, SOUP_STATUS_UNAUTHORIZED,
            "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token has expired.\"}}");
  else if (g_str_equal (path, "/rate-limited") && f->throttle_left > 0)
    {
      f->throttle_left--;
      answer (msg, SOUP_STATUS_FORBIDDEN,
              "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"rateLimitExceeded\"}],\"message\":\"Rate Limit Exceeded\"}}");
    }
  else if (g_str_equal (path, "/rate-limited"))
    answer (msg, SOUP_STATUS_OK, "{}");
  else if (g_str_equal (path, "/gone"))
    answer (msg, SOUP_STATUS_GONE, NULL);
  else if (g_str_equal (path, "/broken"))
    answer (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL);
  else if (g_str_equal (path, "/empty"))
    answer (msg, SOUP_STATUS_NO_CONTENT, NULL);
  else
    answer (msg, SOUP_STATUS_NOT_FOUND, "{\"error\":{\"code\":\"ErrorItemNotFound\",\"message\":\"The specified object was not found in the store.\"}}");
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, request_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* Real settings, scaled down so storms pass in milliseconds. */
  f->http = bk_http_new ();
  g_object_set (f->http, "backoff-scale", 0.01, "jitter", 0.0, NULL);
  f->held = g_ptr_array_new_with_free_func (g_object_unref);
  f->release_at = 1;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->http);
  g_clear_handle_id (&f->release_source, g_source_remove);
  g_clear_handle_id (&f->fallback_source, g_source_remove);
  g_clear_pointer (&f->held, g_ptr_array_unref);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->url);
  g_free (f->retry_after);
}

typedef struct
{
  guint     pending;
  GPtrArray *results;   /* JsonNode* or NULL, in completion order */
  GPtrArray *errors;    /* GError* or NULL */
} Calls;

static void
json_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Calls *calls = user_data;
  GError *error = NULL;
  JsonNode *node = bk_http_json_finish (BK_HTTP (object), result, &error);

  g_ptr_array_add (calls->results, node);
  g_ptr_array_add (calls->errors, error);
  calls->pending--;
}

static void
calls_init (Calls *calls)
{
  calls->pending = 0;
  calls->results = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  calls->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);
}

static void
calls_clear (Calls *calls)
{
  g_ptr_array_set_free_func (calls->results, NULL);
  for (guint i = 0; i < calls->results->len; i++)
    g_clear_pointer (&calls->results->pdata[i], json_node_unref);
  g_ptr_array_set_free_func (calls->errors, NULL);
  for (guint i = 0; i < calls->errors->len; i++)
    g_clear_error ((GError **) &calls->errors->pdata[i]);
  g_ptr_array_unref (calls->results);
  g_ptr_array_unref (calls->errors);
}

static void
send_json (Fixture      *f,
           Calls        *calls,
           const char   *method,
           const char   *path,
           const char   *key,
           GCancellable *cancellable)
{
  g_autofree char *uri = g_strconcat (f->url, path, NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new (method, uri);

  bk_http_request_set_key (request, key);
  calls->pending++;
  bk_http_json_async (f->http, request, cancellable, json_cb, calls);
}

static void
wait_calls (Calls *calls)
{
  while (calls->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

/* One call, returning its node or error. */
static JsonNode *
json_once (Fixture     *f,
           const char  *method,
           const char  *path,
           GError     **error)
{
  Calls calls;
  JsonNode *node;

  calls_init (&calls);
  send_json (f, &calls, method, path, NULL, NULL);
  wait_calls (&calls);
  node = g_steal_pointer (&calls.results->pdata[0]);
  if (calls.errors->pdata[0] != NULL)
    g_propagate_error (error, g_steal_pointer ((GError **) &calls.errors->pdata[0]));
  calls_clear (&calls);
  return node;
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Two 429s asking for 3 s each; base-delay is tiny, so only honouring
   * Retry-After (3 s · 0.01 scale = 30 ms) explains the spacing. */
  f->throttle_left = 2;
  f->retry_after = g_strdup ("3");
  g_object_set (f->http, "base-delay", 0.0001, NULL);
  node = json_once (f, "GET", "/retry-after", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (node), "value")), ==, 3);
  g_assert_cmpuint (f->requests, ==, 3);
  g_assert_cmpint (f->last_request - f->first_request, >=, 2 * 30 * 1000);
}

static void
test_retry_after_date (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 120);
  g_autoptr(GDateTime) earlier = g_date_time_add_seconds (now, -120);
  g_autofree char *later_text = g_date_time_format (later, "%a, %d %b %Y %H:%M:%S GMT");
  g_autofree char *earlier_text = g_date_time_format (earlier, "%a, %d %b %Y %H:%M:%S GMT");
  gint64 t = g_date_time_to_unix (now);
  gint64 wait;

  g_assert_cmpint (bk_http_parse_retry_after ("7", t), ==, 7);
  g_assert_cmpint (bk_http_parse_retry_after (" 0", t), ==, 0);
  wait = bk_http_parse_retry_after (later_text, t);
  g_assert_cmpint (wait, >=, 119);
  g_assert_cmpint (wait, <=, 120);
  g_assert_cmpint (bk_http_parse_retry_after (earlier_text, t), ==, 0);
  g_assert_cmpint (bk_http_parse_retry_after ("soon", t), ==, -1);
  g_assert_cmpint (bk_http_parse_retry_after ("-5", t), ==, -1);
  g_assert_cmpint (bk_http_parse_retry_after (NULL, t), ==, -1);
}

static void
test_storm_throttled (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* Backoff 1, 2, 4 s (scaled to 10, 20, 40 ms) between four attempts. */
  g_object_set (f->http, "max-attempts", 4, NULL);
  node = json_once (f, "GET", "/storm", &error);

  g_assert_null (node);
  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_THROTTLED);
  g_assert_nonnull (strstr (error->message, "4 attempts"));
  g_assert_cmpuint (f->requests, ==, 4);
  g_assert_cmpint (f->last_request - f->first_request, >=, (10 + 20 + 40) * 1000);
}

static void
test_backoff_cap (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  gint64 start = g_get_monotonic_time ();

  /* A server asking for an hour is waited for max-delay (2 s → 20 ms). */
  f->throttle_left = 1;
  f->retry_after = g_strdup ("3600");
  g_object_set (f->http, "max-delay", 2.0, NULL);
  node = json_once (f, "GET", "/retry-after", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 2);
  g_assert_cmpint (f->last_request - f->first_request, >=, 20 * 1000);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
}

/* What a Google client would pass: 403 with reason rateLimitExceeded. */
static gboolean
rate_limited (guint               status,
              SoupMessageHeaders *headers,
              GBytes             *body)
{
  g_autofree char *text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));

  return status == SOUP_STATUS_FORBIDDEN && strstr (text, "\"rateLimitExceeded\"") != NULL;
}

static JsonNode *
rate_limited_once (Fixture          *f,
                   BkHttpRetryFunc   func,
                   GError          **error)
{
  g_autofree char *uri = g_strconcat (f->url, "/rate-limited", NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new ("GET", uri);
  Calls calls;
  JsonNode *node;

  bk_http_request_set_retry_func (request, func);
  calls_init (&calls);
  calls.pending = 1;
  bk_http_json_async (f->http, request, NULL, json_cb, &calls);
  wait_calls (&calls);
  node = g_steal_pointer (&calls.results->pdata[0]);
  if (calls.errors->pdata[0] != NULL)
    g_propagate_error (error, g_steal_pointer ((GError **) &calls.errors->pdata[0]));
  calls_clear (&calls);
  return node;
}

static void
test_retry_func (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) plain = NULL;
  g_autoptr(JsonNode) exhausted = NULL;

  /* Without the API's knowledge a 403 is final … */
  f->throttle_left = 2;
  plain = rate_limited_once (f, NULL, &error);
  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_FORBIDDEN);
  g_assert_cmpuint (f->requests, ==, 1);
  g_clear_error (&error);

  /* … with it, "slow down" is waited out … */
  f->requests = 0;
  f->throttle_left = 2;
  node = rate_limited_once (f, rate_limited, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->requests, ==, 3);

  /* … and ends as THROTTLED when it never stops. */
  f->requests = 0;
  f->throttle_left = 100;
  g_object_set (f->http, "max-attempts", 3, NULL);
  exhausted = rate_limited_once (f, rate_limited, &error);
  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_THROTTLED);
  g_assert_cmpuint (f->requests, ==, 3);
}

static void
test_bad_json (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) node2 = NULL;

  node = json_once (f, "GET", "/truncated", &error);
  g_assert_null (node);
  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "could not be read"));
  g_assert_nonnull (strstr (error->message, "/truncated"));

  node2 = json_once (f, "GET", "/not-json", &error2);
  g_assert_null (node2);
  g_assert_error (error2, BK_HTTP_ERROR, BK_HTTP_ERROR_BAD_RESPONSE);
}

static void
test_connection_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  /* The same port, nobody listening any more. */
  soup_server_disconnect (f->server);
  node = json_once (f, "GET", "/retry-after", &error);

  g_assert_null (node);
  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_NETWORK);
  g_assert_nonnull (strstr (error->message, "Could not reach"));
}

static void
test_status_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct { const char *method; const char *path; int code; guint requests; } cases[] = {
    { "GET", "/missing", BK_HTTP_ERROR_NOT_FOUND, 1 },
    { "GET", "/unauthorized", BK_HTTP_ERROR_UNAUTHORIZED, 1 },
    { "GET", "/gone", BK_HTTP_ERROR_GONE, 1 },
    /* A POST may have been carried out: a 500 is not retried … */
    { "POST", "/broken", BK_HTTP_ERROR_SERVER, 1 },
    /* … a GET is, up to max-attempts (3 here). */
    { "GET", "/broken", BK_HTTP_ERROR_SERVER, 3 },
  };

  g_object_set (f->http, "max-attempts", 3, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;

      f->requests = 0;
      node = json_once (f, cases[i].method, cases[i].path, &error);
      g_assert_null (node);
      g_assert_error (error, BK_HTTP_ERROR, cases[i].code);
      g_assert_cmpuint (f->requests, ==, cases[i].requests);
    }
}

static void
test_server_message (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_once (f, "GET", "/missing", &error);
  g_autoptr(GError) error2 = NULL;
  g_autoptr(JsonNode) empty = json_once (f, "DELETE", "/empty", &error2);

  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "The specified object was not found in the store."));

  g_assert_no_error (error2);
  g_assert_true (JSON_NODE_HOLDS_NULL (empty));
}

static void
test_no_secrets_in_errors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *uri = g_strconcat (f->url, "/missing?code=SECRETCODE&access_token=SECRETTOKEN&top=5", NULL);
  g_autoptr(BkHttpRequest) request = bk_http_request_new ("GET", uri);
  Calls calls;

  bk_http_request_set_header (request, "Authorization", "Bearer SECRETBEARER");
  calls_init (&calls);
  calls.pending = 1;
  bk_http_json_async (f->http, request, NULL, json_cb, &calls);
  wait_calls (&calls);
  error = g_steal_pointer ((GError **) &calls.errors->pdata[0]);
  calls_clear (&calls);

  g_assert_error (error, BK_HTTP_ERROR, BK_HTTP_ERROR_NOT_FOUND);
  g_assert_null (strstr (error->message, "SECRET"));
  g_assert_nonnull (strstr (error->message, "code=REDACTED"));
  g_assert_nonnull (strstr (error->message, "top=5"));
}

static void
test_redact_uri (void)
{
  g_autofree char *a = bk_http_redact_uri ("http://127.0.0.1:8080/?code=abc&state=def&session_state=x");
  g_autofree char *b = bk_http_redact_uri ("https://user:pw@graph.example/v1.0/me?%24select=id#access_token=T&x=1");

  g_assert_cmpstr (a, ==, "http://127.0.0.1:8080/?code=REDACTED&state=REDACTED&session_state=REDACTED");
  g_assert_cmpstr (b, ==, "https://graph.example/v1.0/me?%24select=id#access_token=REDACTED&x=1");
}

static void
test_in_flight_limit (Fixture       *f,
                      gconstpointer  data)
{
  Calls calls;

  f->release_at = 4;
  calls_init (&calls);
  for (guint i = 0; i < 12; i++)
    send_json (f, &calls, "GET", "/slow", "mailbox-a", NULL);
  g_assert_cmpuint (bk_http_get_in_flight (f->http, "mailbox-a"), ==, 4);
  wait_calls (&calls);

  g_assert_cmpuint (f->requests, ==, 12);
  g_assert_cmpuint (f->max_in_flight, ==, 4);
  for (guint i = 0; i < 12; i++)
    g_assert_no_error ((GError *) calls.errors->pdata[i]);
  g_assert_cmpuint (bk_http_get_in_flight (f->http, "mailbox-a"), ==, 0);
  calls_clear (&calls);

  /* The limit is per key: two mailboxes run 4 + 4 side by side. */
  f->max_in_flight = 0;
  f->release_at = 8;
  calls_init (&calls);
  for (guint i = 0; i < 8; i++)
    {
      send_json (f, &calls, "GET", "/slow", "mailbox-a", NULL);
      send_json (f, &calls, "GET", "/slow", "mailbox-b", NULL);
    }
  wait_calls (&calls);
  g_assert_cmpuint (f->max_in_flight, ==, 8);
  calls_clear (&calls);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel_during_backoff (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  gint64 start;
  Calls calls;

  /* Unscaled: the server asks for 30 s; cancelling must not wait for it. */
  g_object_set (f->http, "backoff-scale", 1.0, NULL);
  f->throttle_left = 5;
  f->retry_after = g_strdup ("30");
  calls_init (&calls);
  start = g_get_monotonic_time ();
  send_json (f, &calls, "GET", "/retry-after", "k", cancellable);
  g_timeout_add (100, cancel_cb, cancellable);
  wait_calls (&calls);

  g_assert_error ((GError *) calls.errors->pdata[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (f->requests, ==, 1);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (bk_http_get_in_flight (f->http, "k"), ==, 0);
  calls_clear (&calls);
}

static void
test_cancel_queued (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Calls calls;

  g_object_set (f->http, "max-in-flight", 1, NULL);
  calls_init (&calls);
  send_json (f, &calls, "GET", "/slow", "k", NULL);
  send_json (f, &calls, "GET", "/slow", "k", cancellable);
  send_json (f, &calls, "GET", "/slow", "k", NULL);
  g_cancellable_cancel (cancellable);
  wait_calls (&calls);

  /* The queued one ended first, without ever reaching the server. */
  g_assert_error ((GError *) calls.errors->pdata[0], G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_no_error ((GError *) calls.errors->pdata[1]);
  g_assert_no_error ((GError *) calls.errors->pdata[2]);
  g_assert_cmpuint (f->requests, ==, 2);
  calls_clear (&calls);
}

int
main (int   argc,
      char *argv[])
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system GSettings schemas that GIO's
   * GNOME proxy resolver reads; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/http/retry-after", test_retry_after);
  ADD ("/http/retry-after-date", test_retry_after_date);
  ADD ("/http/storm-throttled", test_storm_throttled);
  ADD ("/http/backoff-cap", test_backoff_cap);
  ADD ("/http/retry-func", test_retry_func);
  ADD ("/http/bad-json", test_bad_json);
  ADD ("/http/connection-refused", test_connection_refused);
  ADD ("/http/status-errors", test_status_errors);
  ADD ("/http/server-message", test_server_message);
  ADD ("/http/no-secrets-in-errors", test_no_secrets_in_errors);
  ADD ("/http/in-flight-limit", test_in_flight_limit);
  ADD ("/http/cancel-during-backoff", test_cancel_during_backoff);
  ADD ("/http/cancel-queued", test_cancel_queued);
#undef ADD
  g_test_add_func ("/http/redact-uri", test_redact_uri);

  return g_test_run ();
}
