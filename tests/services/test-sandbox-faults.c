/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

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
#undef ADD
  return g_test_run ();
}
