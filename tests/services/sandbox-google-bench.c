/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-bench"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* Busy times for 20 calendars over 90 days, the two ways a Google client
 * can get them: one freeBusy request (the baseline), or events.list with
 * singleEvents paged per calendar. Prints requests, bytes and time of
 * each, and events.list's cost as a ratio of freeBusy's. */

#define N_CALENDARS 20
#define N_SINGLES   60

static void
seed (SgtFixture *fixture,
      guint       index)
{
  g_autofree char *id = g_strdup_printf ("bench%02u@group.calendar.google.com", index);
  g_autofree char *calendar = g_strdup_printf ("{\"user\":\"expert@sandbox.test\",\"id\":\"%s\"}", id);
  g_autofree char *series = g_strdup_printf ("{\"calendar\":\"%s\",\"summary\":\"Daily\","
                                             "\"start\":{\"dateTime\":\"2027-03-01T08:00:00\",\"timeZone\":\"Europe/Berlin\"},"
                                             "\"end\":{\"dateTime\":\"2027-03-01T08:30:00\",\"timeZone\":\"Europe/Berlin\"},"
                                             "\"recurrence\":[\"RRULE:FREQ=DAILY\"]}", id);
  g_autoptr(JsonObject) answer = sgt_control (fixture, "POST", "calendars", calendar, 201);

  json_object_unref (sgt_control (fixture, "POST", "events", series, 201));
  for (guint i = 0; i < N_SINGLES; i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"calendar\":\"%s\",\"summary\":\"Client %u\","
                         "\"start\":{\"dateTime\":\"2027-03-%02uT%02u:00:00Z\"},"
                         "\"end\":{\"dateTime\":\"2027-03-%02uT%02u:45:00Z\"}}",
                         id, i, 1 + i % 28, 10 + i % 7, 1 + i % 28, 10 + i % 7);

      json_object_unref (sgt_control (fixture, "POST", "events", json, 201));
    }
}

static char *
items_json (void)
{
  g_autoptr(GString) items = g_string_new ("[");

  for (guint i = 0; i < N_CALENDARS; i++)
    g_string_append_printf (items, "%s{\"id\":\"bench%02u@group.calendar.google.com\"}", i > 0 ? "," : "", i);
  g_string_append_c (items, ']');
  return g_string_free (g_steal_pointer (&items), FALSE);
}

static double
free_busy (SgtFixture *fixture)
{
  g_autofree char *items = items_json ();
  g_autofree char *body = g_strdup_printf ("{\"timeMin\":\"2027-03-01T00:00:00Z\",\"timeMax\":\"2027-05-30T00:00:00Z\","
                                           "\"items\":%s}", items);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SgtResponse) response = sgt_api (fixture, "POST", "/freeBusy", body);

  g_assert_cmpuint (response->status, ==, 200);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static double
events_list (SgtFixture *fixture)
{
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < N_CALENDARS; i++)
    {
      g_autofree char *page = NULL;

      do
        {
          g_autofree char *escaped = page != NULL ? g_uri_escape_string (page, NULL, FALSE) : NULL;
          g_autofree char *path =
            g_strdup_printf ("/calendars/bench%02u@group.calendar.google.com/events?singleEvents=true"
                             "&timeMin=2027-03-01T00:00:00Z&timeMax=2027-05-30T00:00:00Z&maxResults=250%s%s",
                             i, escaped != NULL ? "&pageToken=" : "", escaped != NULL ? escaped : "");
          g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", path, NULL);
          g_autoptr(JsonObject) list = sgt_json (response);

          g_assert_cmpuint (response->status, ==, 200);
          g_clear_pointer (&page, g_free);
          page = g_strdup (json_object_get_string_member_with_default (list, "nextPageToken", NULL));
        }
      while (page != NULL);
    }
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

int
main (int   argc,
      char *argv[])
{
  SgtFixture fixture = { 0 };
  double fb_seconds, list_seconds;
  guint64 fb_requests, fb_bytes, list_requests, list_bytes;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  sgt_setup (&fixture, NULL);
  sgt_sign_in_default (&fixture);
  for (guint i = 0; i < N_CALENDARS; i++)
    seed (&fixture, i);

  json_object_unref (sgt_control (&fixture, "DELETE", "stats", NULL, 200));
  fb_seconds = free_busy (&fixture);
  fb_requests = bk_sandbox_google_get_request_count (fixture.sandbox, NULL);
  fb_bytes = bk_sandbox_google_get_bytes_sent (fixture.sandbox);
  json_object_unref (sgt_control (&fixture, "DELETE", "stats", NULL, 200));
  list_seconds = events_list (&fixture);
  list_requests = bk_sandbox_google_get_request_count (fixture.sandbox, NULL);
  list_bytes = bk_sandbox_google_get_bytes_sent (fixture.sandbox);

  g_print ("busy times, %u calendars x 90 days (%u daily occurrences + %u events each)\n",
           N_CALENDARS, 90, N_SINGLES);
  g_print ("  freeBusy (baseline):     %3" G_GUINT64_FORMAT " requests %8" G_GUINT64_FORMAT " bytes %8.4f s\n",
           fb_requests, fb_bytes, fb_seconds);
  g_print ("  events.list singleEvents: %3" G_GUINT64_FORMAT " requests %8" G_GUINT64_FORMAT " bytes %8.4f s"
           "  (x%.1f requests, x%.1f bytes, x%.1f time)\n",
           list_requests, list_bytes, list_seconds, (double) list_requests / fb_requests,
           (double) list_bytes / fb_bytes, list_seconds / fb_seconds);
  sgt_teardown (&fixture, NULL);
  return 0;
}
