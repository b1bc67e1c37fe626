/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-bench"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-test-client.h"

/* How the sandbox serves a year with 5,000 events on one calendar at
 * several page sizes: requests (must be ⌈5000 / page size⌉), bytes and
 * time, each against the page-size-1000 run of the same process. */

#define N_EVENTS 5000

static void
seed (SbtFixture *fixture,
      const char *calendar_id)
{
  g_autoptr(GString) json = g_string_new ("[");
  g_autoptr(JsonObject) answer = NULL;

  for (guint i = 0; i < N_EVENTS; i++)
    {
      g_autofree char *start = NULL, *end = NULL;
      g_autoptr(GDateTime) base = g_date_time_new_utc (2027, 1, 1, 8, 0, 0);
      g_autoptr(GDateTime) s = g_date_time_add_seconds (base, i * 6000.0);
      g_autoptr(GDateTime) e = g_date_time_add_minutes (s, 30);

      start = g_date_time_format (s, "%Y-%m-%dT%H:%M:%S");
      end = g_date_time_format (e, "%Y-%m-%dT%H:%M:%S");
      g_string_append_printf (json, "%s{\"calendar\":\"%s\",\"subject\":\"Event %u\",\"showAs\":\"busy\","
                              "\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                              "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}}",
                              i > 0 ? "," : "", calendar_id, i, start, end);
    }
  g_string_append (json, "]");
  answer = sbt_control (fixture, "events", json->str, 201);
}

int
main (int   argc,
      char *argv[])
{
  static const guint page_sizes[] = { 1000, 250, 50 };
  SbtFixture fixture = { 0 };
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  double base_seconds = 0;
  guint64 base_bytes = 0;
  const char *token;
  g_autofree char *calendar_id = NULL;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sbt_fixture_setup (&fixture, GUINT_TO_POINTER (1000));
  user = sbt_control (&fixture, "users", "{\"userPrincipalName\":\"expert@sandbox.test\"}", 201);
  calendar_id = g_strdup (json_object_get_string_member (user, "defaultCalendarId"));
  seed (&fixture, calendar_id);
  tokens = sbt_sign_in (&fixture, "expert@sandbox.test");
  token = json_object_get_string_member (tokens, "access_token");

  for (guint p = 0; p < G_N_ELEMENTS (page_sizes); p++)
    {
      g_autofree char *config = g_strdup_printf ("{\"pageSize\":%u}", page_sizes[p]);
      g_autoptr(JsonObject) applied = sbt_control (&fixture, "config", config, 200);
      g_autofree char *url = g_strdup_printf ("/me/calendars/%s/calendarView?startDateTime=2027-01-01T00:00:00Z"
                                              "&endDateTime=2028-01-01T00:00:00Z&%%24top=1000", calendar_id);
      gint64 started = g_get_monotonic_time ();
      guint events = 0;
      double seconds;
      guint64 requests, bytes;

      bk_sandbox_microsoft_reset_stats (fixture.sandbox);
      while (url != NULL)
        {
          g_autoptr(SbtResponse) response = sbt_graph (&fixture, "GET", url, token, "outlook.timezone=\"UTC\"", NULL);
          g_autoptr(JsonObject) page = sbt_json (response);

          g_assert_cmpuint (response->status, ==, 200);
          events += json_array_get_length (json_object_get_array_member (page, "value"));
          g_free (url);
          url = g_strdup (json_object_get_string_member_with_default (page, "@odata.nextLink", NULL));
        }
      seconds = (g_get_monotonic_time () - started) / 1e6;
      requests = bk_sandbox_microsoft_get_request_count (fixture.sandbox, NULL);
      bytes = bk_sandbox_microsoft_get_bytes_sent (fixture.sandbox);
      g_assert_cmpuint (events, ==, N_EVENTS);
      g_assert_cmpuint (requests, ==, (N_EVENTS + page_sizes[p] - 1) / page_sizes[p]);
      if (p == 0)
        {
          base_seconds = seconds;
          base_bytes = bytes;
        }
      g_print ("page size %4u: %3" G_GUINT64_FORMAT " requests, %8" G_GUINT64_FORMAT " bytes (x%.2f), "
               "%.3f s (x%.2f vs page size 1000)\n",
               page_sizes[p], requests, bytes, (double) bytes / base_bytes, seconds, seconds / base_seconds);
    }
  sbt_fixture_teardown (&fixture, NULL);
  return 0;
}
