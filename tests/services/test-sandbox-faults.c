/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sandbox-test-client.h"

/* Each fault switch of the sandbox, as a client sees it. */

static char *
sign_in (SbtFixture *fixture)
{
  g_autoptr(JsonObject) user =
    sbt_control (fixture, "users", "{\"userPrincipalName\":\"expert@sandbox.test\",\"timeZone\":\"Europe/Berlin\"}", 201);
  g_autoptr(JsonObject) tokens = sbt_sign_in (fixture, "expert@sandbox.test");

  return g_strdup (json_object_get_string_member (tokens, "access_token"));
}

static void
arm (SbtFixture *fixture,
     const char *json)
{
  g_autoptr(JsonObject) fault = sbt_control (fixture, "faults", json, 201);
}

static const char *
error_code (SbtResponse *response)
{
  static char code[64];
  g_autoptr(JsonObject) root = sbt_json (response);

  g_assert_nonnull (root);
  g_strlcpy (code, json_object_get_string_member (json_object_get_object_member (root, "error"), "code"), sizeof code);
  return code;
}

static void
test_status_faults (SbtFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  static const struct
  {
    const char *json;
    guint       status;
    const char *code;
    const char *retry_after;
  } cases[] = {
    { "{\"kind\":\"429\",\"count\":2,\"retryAfter\":7,\"path\":\"/v1.0/me\"}", 429, "ApplicationThrottled", "7" },
    { "{\"kind\":\"503\",\"retryAfter\":3}", 503, "ServiceNotAvailable", "3" },
    { "{\"kind\":\"504\"}", 504, "UnknownError", NULL },
    { "{\"kind\":\"401\"}", 401, "InvalidAuthenticationToken", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SbtResponse) after = NULL;
      g_autoptr(JsonObject) spec = NULL;
      SbtResponse fake = { 0, (char *)cases[i].json, NULL, NULL };
      guint times;

      spec = sbt_json (&fake);
      times = json_object_get_int_member_with_default (spec, "count", 1);
      arm (fixture, cases[i].json);
      for (guint n = 0; n < times; n++)
        {
          g_autoptr(SbtResponse) faulted = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);

          g_assert_cmpuint (faulted->status, ==, cases[i].status);
          g_assert_cmpstr (error_code (faulted), ==, cases[i].code);
          g_assert_cmpstr (soup_message_headers_get_one (faulted->headers, "Retry-After"), ==, cases[i].retry_after);
        }
      /* Spent: the next request is served normally. */
      after = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
      g_assert_cmpuint (after->status, ==, 200);
    }
}

static void
test_path_prefix (SbtFixture    *fixture,
                  gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autoptr(SbtResponse) me = NULL, calendars = NULL;

  arm (fixture, "{\"kind\":\"503\",\"path\":\"/v1.0/me/calendars\"}");
  me = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_cmpuint (me->status, ==, 200);
  calendars = sbt_graph (fixture, "GET", "/me/calendars", token, NULL, NULL);
  g_assert_cmpuint (calendars->status, ==, 503);
}

static void
test_broken_bodies (SbtFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autoptr(SbtResponse) good = NULL, truncated = NULL, malformed = NULL;
  g_autoptr(JsonObject) good_object = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  good = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  good_object = sbt_json (good);
  g_assert_nonnull (good_object);

  arm (fixture, "{\"kind\":\"truncated\"}");
  truncated = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_no_error (truncated->error);
  g_assert_cmpuint (truncated->status, ==, 200);
  g_assert_cmpuint (strlen (truncated->body), ==, strlen (good->body) / 2);
  g_assert_true (g_str_has_prefix (good->body, truncated->body));
  g_assert_false (json_parser_load_from_data (parser, truncated->body, -1, NULL));

  arm (fixture, "{\"kind\":\"malformed\"}");
  malformed = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_cmpuint (malformed->status, ==, 200);
  g_assert_false (json_parser_load_from_data (parser, malformed->body, -1, NULL));
}

static void
test_dropped_connection (SbtFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autofree char *faults_url = g_strconcat (fixture->url, "/_sandbox/faults", NULL);
  g_autoptr(SbtResponse) dropped = NULL, cleared = NULL, after = NULL, listed = NULL;
  g_autoptr(JsonObject) list = NULL;

  /* Armed until cleared: libsoup may resend once on a kept-alive connection. */
  arm (fixture, "{\"kind\":\"drop\",\"count\":-1}");
  dropped = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_nonnull (dropped->error);
  g_assert_null (dropped->body);
  listed = sbt_request (fixture, "GET", faults_url, NULL, NULL, NULL);
  list = sbt_json (listed);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (json_object_get_array_member (list, "value"), 0),
                                               "fired"), >=, 1);
  cleared = sbt_request (fixture, "DELETE", faults_url, NULL, NULL, NULL);
  g_assert_cmpuint (cleared->status, ==, 200);
  after = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);
}

static void
add_events (SbtFixture *fixture,
            const char *calendar_id,
            guint       n)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(JsonObject) answer = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"calendar\":\"%s\",\"subject\":\"E%u\","
                            "\"start\":{\"dateTime\":\"2027-05-%02uT09:00:00\",\"timeZone\":\"UTC\"},"
                            "\"end\":{\"dateTime\":\"2027-05-%02uT10:00:00\",\"timeZone\":\"UTC\"}}",
                            i > 0 ? "," : "", calendar_id, i, i + 1, i + 1);
  g_string_append (json, "]");
  answer = sbt_control (fixture, "events", json->str, 201);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "value")), ==, n);
}

static SbtResponse *
view_page (SbtFixture *fixture,
           const char *token,
           const char *calendar_id,
           const char *next)
{
  g_autofree char *url = next != NULL ? g_strdup (next)
    : g_strdup_printf ("/me/calendars/%s/calendarView?startDateTime=2027-05-01T00:00:00Z&endDateTime=2027-06-01T00:00:00Z",
                       calendar_id);

  return sbt_graph (fixture, "GET", url, token, NULL, NULL);
}

static void
test_fail_from_page (SbtFixture    *fixture,
                     gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autoptr(JsonObject) a = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"A\"}", 201);
  g_autoptr(JsonObject) b = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"B\"}", 201);
  const char *a_id = json_object_get_string_member (a, "id");
  const char *b_id = json_object_get_string_member (b, "id");
  g_autofree char *fault = g_strdup_printf ("{\"kind\":\"fail-from-page\",\"calendar\":\"%s\",\"page\":2,\"status\":503}", a_id);
  g_autoptr(SbtResponse) a1 = NULL, a2 = NULL, a2_again = NULL, b1 = NULL, b2 = NULL, b3 = NULL;
  g_autoptr(JsonObject) a1_page = NULL, b1_page = NULL, b2_page = NULL;

  add_events (fixture, a_id, 5);
  add_events (fixture, b_id, 5);
  arm (fixture, fault);

  a1 = view_page (fixture, token, a_id, NULL);
  g_assert_cmpuint (a1->status, ==, 200);
  a1_page = sbt_json (a1);
  a2 = view_page (fixture, token, a_id, json_object_get_string_member (a1_page, "@odata.nextLink"));
  g_assert_cmpuint (a2->status, ==, 503);
  a2_again = view_page (fixture, token, a_id, json_object_get_string_member (a1_page, "@odata.nextLink"));
  g_assert_cmpuint (a2_again->status, ==, 503);

  b1 = view_page (fixture, token, b_id, NULL);
  b1_page = sbt_json (b1);
  b2 = view_page (fixture, token, b_id, json_object_get_string_member (b1_page, "@odata.nextLink"));
  g_assert_cmpuint (b2->status, ==, 200);
  b2_page = sbt_json (b2);
  b3 = view_page (fixture, token, b_id, json_object_get_string_member (b2_page, "@odata.nextLink"));
  g_assert_cmpuint (b3->status, ==, 200);
}

static void
test_stats (SbtFixture    *fixture,
            gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autofree char *stats_url = g_strconcat (fixture->url, "/_sandbox/stats", NULL);
  g_autoptr(SbtResponse) stats = NULL;
  g_autoptr(JsonObject) root = NULL;

  bk_sandbox_microsoft_reset_stats (fixture->sandbox);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SbtResponse) me = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);

      g_assert_cmpuint (me->status, ==, 200);
    }
  stats = sbt_request (fixture, "GET", stats_url, NULL, NULL, NULL);
  root = sbt_json (stats);
  g_assert_cmpint (json_object_get_int_member (root, "requests"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "routes"), "GET /v1.0/me"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (root, "bytesSent"), >, 300);
}

/* ------------------------------------------------------------------ delays */

/* An asynchronous request, to see what the sandbox serves while one of its
 * answers is held back. */
typedef struct
{
  SoupMessage  *msg;
  GCancellable *cancellable;
  gint64        started;
  gint64        finished;   /* 0 while in flight */
  GBytes       *body;
  GError       *error;
} Flight;

static void
flight_free (Flight *flight)
{
  g_clear_object (&flight->msg);
  g_clear_object (&flight->cancellable);
  g_clear_pointer (&flight->body, g_bytes_unref);
  g_clear_error (&flight->error);
  g_free (flight);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Flight, flight_free)

static void
flight_landed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Flight *flight = user_data;

  flight->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &flight->error);
  flight->finished = g_get_monotonic_time ();
}

static Flight *
flight_start (SbtFixture *fixture,
              const char *method,
              const char *graph_path,
              const char *token,
              const char *json_body)
{
  g_autofree char *url = g_strconcat (fixture->url, "/v1.0", graph_path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  Flight *flight = g_new0 (Flight, 1);

  flight->msg = soup_message_new (method, url);
  flight->cancellable = g_cancellable_new ();
  soup_message_headers_append (soup_message_get_request_headers (flight->msg), "Authorization", authorization);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (flight->msg, "application/json", bytes);
    }
  flight->started = g_get_monotonic_time ();
  soup_session_send_and_read_async (fixture->session, flight->msg, G_PRIORITY_DEFAULT, flight->cancellable,
                                    flight_landed_cb, flight);
  return flight;
}

static void
flight_wait (Flight *flight)
{
  while (flight->finished == 0)
    g_main_context_iteration (NULL, TRUE);
}

/* The delay fault armed @index-th, as GET /_sandbox/faults lists it. */
static JsonObject *
listed_fault (SbtFixture *fixture,
              guint       index)
{
  guint status = 0;
  g_autofree char *answer = bk_sandbox_microsoft_control (fixture->sandbox, "GET", "/_sandbox/faults", NULL, &status);
  SbtResponse fake = { 0, answer, NULL, NULL };
  g_autoptr(JsonObject) root = sbt_json (&fake);
  JsonArray *value;

  g_assert_cmpuint (status, ==, 200);
  value = json_object_get_array_member (root, "value");
  g_assert_cmpuint (json_array_get_length (value), >, index);
  return json_object_ref (json_array_get_object_element (value, index));
}

/* Runs the test thread's context until the sandbox has taken @flight's
 * request in (its delay fault fired), so the next request comes after it. */
static void
wait_until_held (SbtFixture *fixture,
                 Flight     *flight,
                 gint64      fired)
{
  for (;;)
    {
      g_autoptr(JsonObject) fault = listed_fault (fixture, 0);

      if (json_object_get_int_member (fault, "fired") >= fired)
        return;
      g_assert_cmpint (flight->finished, ==, 0);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
clear_faults (SbtFixture *fixture)
{
  guint status = 0;

  g_free (bk_sandbox_microsoft_control (fixture->sandbox, "DELETE", "/_sandbox/faults", NULL, &status));
  g_assert_cmpuint (status, ==, 200);
}

/* Delays come from the seeded generator, within [minMs, maxMs], for the
 * route kind asked for, as many times as asked; each answer takes at
 * least its delay. */
static void
test_delay_bounds (SbtFixture    *fixture,
                   gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  const char *spec = "{\"kind\":\"delay\",\"minMs\":2,\"maxMs\":9,\"seed\":42,\"only\":\"graph\",\"count\":12}";
  g_autoptr(GArray) first = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint round = 0; round < 2; round++)
    {
      g_autoptr(JsonObject) identity = NULL, fault = NULL;
      g_autoptr(GArray) elapsed = g_array_new (FALSE, FALSE, sizeof (gint64));
      JsonArray *delays;

      clear_faults (fixture);
      arm (fixture, spec);
      /* sign-in requests are identity routes, not Graph: not delayed */
      identity = sbt_sign_in (fixture, "expert@sandbox.test");
      for (guint i = 0; i < 14; i++)
        {
          gint64 start = g_get_monotonic_time ();
          g_autoptr(SbtResponse) me = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
          gint64 took = g_get_monotonic_time () - start;

          g_assert_cmpuint (me->status, ==, 200);
          g_array_append_val (elapsed, took);
        }
      fault = listed_fault (fixture, 0);
      g_assert_cmpint (json_object_get_int_member (fault, "fired"), ==, 12);
      g_assert_cmpint (json_object_get_int_member (fault, "count"), ==, 0);
      delays = json_object_get_array_member (fault, "delaysMs");
      g_assert_cmpuint (json_array_get_length (delays), ==, 12);
      for (guint i = 0; i < 12; i++)
        {
          gint64 ms = json_array_get_int_element (delays, i);

          g_assert_cmpint (ms, >=, 2);
          g_assert_cmpint (ms, <=, 9);
          g_assert_cmpint (g_array_index (elapsed, gint64, i), >=, ms * 1000);
          if (round == 0)
            g_array_append_val (first, ms);
          else   /* the same seed, the same delays: a failing run can be replayed */
            g_assert_cmpint (ms, ==, g_array_index (first, gint64, i));
        }
    }
  /* not all alike: they are drawn, not fixed */
  for (guint i = 1; i < first->len; i++)
    if (g_array_index (first, gint64, i) != g_array_index (first, gint64, 0))
      return;
  g_assert_not_reached ();
}

static void
test_delay_invalid (SbtFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) reversed =
    sbt_control (fixture, "faults", "{\"kind\":\"delay\",\"minMs\":50,\"maxMs\":10}", 400);
  g_autoptr(JsonObject) unknown =
    sbt_control (fixture, "faults", "{\"kind\":\"delay\",\"maxMs\":10,\"only\":\"everything\"}", 400);

  g_assert_nonnull (strstr (json_object_get_string_member (reversed, "error"), "minMs"));
  g_assert_nonnull (strstr (json_object_get_string_member (unknown, "error"), "calendarView"));
}

/* A held answer does not hold the sandbox: a write takes effect at once,
 * its answer comes after the delay, and a read sent later is answered
 * first. */
static void
test_delay_not_blocking (SbtFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) user =
    sbt_control (fixture, "users", "{\"userPrincipalName\":\"expert@sandbox.test\",\"timeZone\":\"UTC\"}", 201);
  g_autoptr(JsonObject) tokens = sbt_sign_in (fixture, "expert@sandbox.test");
  const char *token = json_object_get_string_member (tokens, "access_token");
  g_autofree char *path = g_strdup_printf ("/me/calendars/%s/events",
                                           json_object_get_string_member (user, "defaultCalendarId"));
  g_autoptr(Flight) slow = NULL, fast = NULL;
  g_autoptr(JsonObject) fault = NULL;
  g_autofree char *stored = NULL;
  gint64 delay_ms;

  arm (fixture, "{\"kind\":\"delay\",\"minMs\":1000,\"maxMs\":1200,\"seed\":3,\"only\":\"write\"}");
  slow = flight_start (fixture, "POST", path, token,
                       "{\"subject\":\"Slow answer\","
                       "\"start\":{\"dateTime\":\"2027-05-03T09:00:00\",\"timeZone\":\"UTC\"},"
                       "\"end\":{\"dateTime\":\"2027-05-03T10:00:00\",\"timeZone\":\"UTC\"}}");
  wait_until_held (fixture, slow, 1);
  stored = bk_sandbox_microsoft_control (fixture->sandbox, "GET", "/_sandbox/events", NULL, NULL);
  g_assert_nonnull (strstr (stored, "Slow answer"));

  fast = flight_start (fixture, "GET", "/me", token, NULL);
  flight_wait (fast);
  flight_wait (slow);
  g_assert_no_error (fast->error);
  g_assert_no_error (slow->error);
  g_assert_cmpuint (soup_message_get_status (fast->msg), ==, 200);
  g_assert_cmpuint (soup_message_get_status (slow->msg), ==, 201);
  g_assert_cmpint (fast->finished, <, slow->finished);

  fault = listed_fault (fixture, 0);
  delay_ms = json_array_get_int_element (json_object_get_array_member (fault, "delaysMs"), 0);
  g_assert_cmpint (delay_ms, >=, 1000);
  g_assert_cmpint (delay_ms, <=, 1200);
  g_assert_cmpint (slow->finished - slow->started, >=, delay_ms * 1000);
}

/* A client that hangs up while its answer is held, and a sandbox stopped
 * while one is held: nothing crashes, nothing leaks (ASan), the sandbox
 * keeps serving and stops at once. */
static void
test_delay_client_gone (SbtFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *token = sign_in (fixture);
  g_autoptr(Flight) gone = NULL, cut = NULL;
  g_autoptr(SbtResponse) after = NULL;
  gint64 stop_started;

  arm (fixture, "{\"kind\":\"delay\",\"minMs\":300,\"maxMs\":300,\"path\":\"/v1.0/me\"}");
  gone = flight_start (fixture, "GET", "/me", token, NULL);
  wait_until_held (fixture, gone, 1);
  g_cancellable_cancel (gone->cancellable);
  flight_wait (gone);
  g_assert_error (gone->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* the answer is released to a closed connection meanwhile */
  g_usleep (400 * 1000);
  clear_faults (fixture);
  after = sbt_graph (fixture, "GET", "/me", token, NULL, NULL);
  g_assert_cmpuint (after->status, ==, 200);

  arm (fixture, "{\"kind\":\"delay\",\"minMs\":20000,\"maxMs\":20000,\"path\":\"/v1.0/me\"}");
  cut = flight_start (fixture, "GET", "/me", token, NULL);
  wait_until_held (fixture, cut, 1);
  stop_started = g_get_monotonic_time ();
  bk_sandbox_microsoft_stop (fixture->sandbox);
  flight_wait (cut);
  g_assert_nonnull (cut->error);
  /* not waiting for the held answer */
  g_assert_cmpint (g_get_monotonic_time () - stop_started, <, 15 * G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox-microsoft/faults/" path, SbtFixture, GUINT_TO_POINTER (2), \
              sbt_fixture_setup, func, sbt_fixture_teardown)
  ADD ("status", test_status_faults);
  ADD ("path-prefix", test_path_prefix);
  ADD ("broken-bodies", test_broken_bodies);
  ADD ("dropped-connection", test_dropped_connection);
  ADD ("fail-from-page", test_fail_from_page);
  ADD ("stats", test_stats);
  ADD ("delay-bounds", test_delay_bounds);
  ADD ("delay-invalid", test_delay_invalid);
  ADD ("delay-not-blocking", test_delay_not_blocking);
  ADD ("delay-client-gone", test_delay_client_gone);
#undef ADD
  return g_test_run ();
}
