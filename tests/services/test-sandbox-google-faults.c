/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* The fault switches: Google's rate limits and outages with their real
 * error bodies, broken bodies and dropped connections, each for as many
 * requests as asked and then gone. */

static void
arm (SgtFixture *fixture,
     const char *json)
{
  g_autoptr(JsonObject) fault = sgt_control (fixture, "POST", "faults", json, 201);
}

static void
test_error_statuses (SgtFixture    *fixture,
                     gconstpointer  data)
{
  const struct { const char *kind; guint status; const char *domain; const char *reason; } cases[] = {
    { "rateLimitExceeded", 403, "usageLimits", "rateLimitExceeded" },
    { "userRateLimitExceeded", 403, "usageLimits", "userRateLimitExceeded" },
    { "429", 429, "usageLimits", "rateLimitExceeded" },
    { "500", 500, "global", "backendError" },
    { "503", 503, "global", "backendError" },
    { "401", 401, "global", "authError" },
  };

  sgt_sign_in_default (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"kind\":\"%s\",\"count\":2}", cases[i].kind);
      g_autoptr(JsonObject) body = NULL;
      JsonObject *first;

      arm (fixture, json);
      for (guint n = 0; n < 2; n++)
        {
          g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);

          sgt_assert_error (response, cases[i].status, cases[i].reason);
          g_clear_pointer (&body, json_object_unref);
          body = sgt_json (response);
        }
      first = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (body, "error"),
                                                                           "errors"), 0);
      g_assert_cmpstr (json_object_get_string_member (first, "domain"), ==, cases[i].domain);
      {
        /* Two requests only: the third goes through. */
        g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
        g_assert_cmpuint (response->status, ==, 200);
      }
    }
}

static void
test_broken_bodies (SgtFixture    *fixture,
                    gconstpointer  data)
{
  g_autoptr(SgtResponse) good = NULL;
  g_autoptr(SgtResponse) malformed = NULL;
  g_autoptr(SgtResponse) truncated = NULL;
  g_autoptr(SgtResponse) dropped = NULL;
  g_autoptr(SgtResponse) other_route = NULL;
  g_autoptr(JsonObject) faults = NULL;
  g_autoptr(JsonObject) parsed = NULL;

  sgt_sign_in_default (fixture);
  good = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  g_assert_cmpuint (good->status, ==, 200);

  arm (fixture, "{\"kind\":\"malformed\",\"path\":\"/calendar/v3/users/me/calendarList\"}");
  /* Scoped to its path: freeBusy is unaffected. */
  other_route = sgt_api (fixture, "POST", "/freeBusy",
                         "{\"timeMin\":\"2027-03-01T00:00:00Z\",\"timeMax\":\"2027-03-02T00:00:00Z\",\"items\":[]}");
  g_assert_cmpuint (other_route->status, ==, 200);
  malformed = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  g_assert_cmpuint (malformed->status, ==, 200);
  parsed = sgt_json (malformed);
  g_assert_null (parsed);

  arm (fixture, "{\"kind\":\"truncated\"}");
  truncated = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  g_assert_cmpuint (truncated->status, ==, 200);
  g_assert_cmpuint (strlen (truncated->body), ==, strlen (good->body) / 2);
  g_clear_pointer (&parsed, json_object_unref);
  parsed = sgt_json (truncated);
  g_assert_null (parsed);

  faults = sgt_control (fixture, "GET", "faults", NULL, 200);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *fault = json_array_get_object_element (json_object_get_array_member (faults, "faults"), i);

      g_assert_cmpint (json_object_get_int_member (fault, "fired"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (fault, "count"), ==, 0);
    }

  /* libsoup resends an idempotent request once when a kept-alive
   * connection closes under it, so the connection drops twice. */
  arm (fixture, "{\"kind\":\"drop\",\"method\":\"GET\",\"count\":2}");
  dropped = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  g_assert_nonnull (dropped->error);
  g_clear_pointer (&good, sgt_response_free);
  good = sgt_api (fixture, "GET", "/users/me/calendarList", NULL);
  g_assert_cmpuint (good->status, ==, 200);
}

static void
test_statistics (SgtFixture    *fixture,
                 gconstpointer  data)
{
  g_autoptr(JsonObject) stats = NULL;

  sgt_sign_in_default (fixture);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", "/calendars/primary/events?singleEvents=true", NULL);
      g_assert_cmpuint (response->status, ==, 200);
    }
  g_assert_cmpuint (bk_sandbox_google_get_request_count (fixture->sandbox, "GET /calendar/v3/calendars/{id}/events"), ==, 3);
  g_assert_cmpuint (bk_sandbox_google_get_request_count (fixture->sandbox, "POST /token"), ==, 1);
  g_assert_cmpuint (bk_sandbox_google_get_bytes_sent (fixture->sandbox), >, 0);
  stats = sgt_control (fixture, "GET", "stats", NULL, 200);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (stats, "routes"),
                                               "GET /calendar/v3/calendars/{id}/events"), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, SgtFixture, NULL, sgt_setup, func, sgt_teardown)
  ADD ("/sandbox-google/faults/error-statuses", test_error_statuses);
  ADD ("/sandbox-google/faults/broken-bodies", test_broken_bodies);
  ADD ("/sandbox-google/faults/statistics", test_statistics);
#undef ADD
  return g_test_run ();
}
