/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* calendarList paging and freeBusy: several calendars, per-calendar
 * errors, what does and does not block, and the API's limits. */

static void
add_calendar (SgtFixture *fixture,
              const char *json)
{
  g_autoptr(JsonObject) answer = sgt_control (fixture, "POST", "calendars", json, 201);
}

static void
add_event (SgtFixture *fixture,
           const char *calendar,
           const char *start,
           const char *end,
           const char *extra)
{
  g_autofree char *json =
    g_strdup_printf ("{\"calendar\":\"%s\",\"summary\":\"busy\",\"start\":{\"dateTime\":\"%s\"},"
                     "\"end\":{\"dateTime\":\"%s\"}%s}", calendar, start, end, extra != NULL ? extra : "");
  g_autoptr(JsonObject) answer = sgt_control (fixture, "POST", "events", json, 201);
}

static void
test_calendar_list_paging (SgtFixture    *fixture,
                           gconstpointer  data)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *page_token = NULL;
  guint pages = 0;

  sgt_sign_in_default (fixture);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"user\":\"expert@sandbox.test\",\"id\":\"team%u@group.calendar.google.com\","
                         "\"summary\":\"Team %u\",\"backgroundColor\":\"#16a765\",\"accessRole\":\"%s\"}",
                         i, i, i % 2 == 0 ? "reader" : "writer");
      add_calendar (fixture, json);
    }
  do
    {
      g_autofree char *path = g_strdup_printf ("/users/me/calendarList?maxResults=4%s%s",
                                               page_token != NULL ? "&pageToken=" : "",
                                               page_token != NULL ? page_token : "");
      g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", path, NULL);
      g_autoptr(JsonObject) list = sgt_json (response);
      JsonArray *items = json_object_get_array_member (list, "items");

      g_assert_cmpuint (response->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (items), <=, 4);
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *entry = json_array_get_object_element (items, i);
          const char *id = json_object_get_string_member (entry, "id");

          g_assert_true (g_hash_table_add (seen, g_strdup (id)));
          g_assert_cmpint (json_object_get_boolean_member_with_default (entry, "primary", FALSE), ==,
                           g_str_equal (id, "expert@sandbox.test"));
          if (g_str_equal (id, "team1@group.calendar.google.com"))
            {
              g_assert_cmpstr (json_object_get_string_member (entry, "accessRole"), ==, "writer");
              g_assert_cmpstr (json_object_get_string_member (entry, "backgroundColor"), ==, "#16a765");
              g_assert_cmpstr (json_object_get_string_member (entry, "timeZone"), ==, "Europe/Berlin");
            }
        }
      g_clear_pointer (&page_token, g_free);
      page_token = g_strdup (json_object_get_string_member_with_default (list, "nextPageToken", NULL));
      /* nextSyncToken only on the last page. */
      g_assert_cmpint (json_object_has_member (list, "nextSyncToken"), ==, page_token == NULL);
      if (page_token != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (page_token, NULL, FALSE);
          g_free (page_token);
          page_token = g_steal_pointer (&escaped);
        }
      pages++;
    }
  while (page_token != NULL);
  g_assert_cmpuint (pages, ==, 2);
  g_assert_cmpuint (g_hash_table_size (seen), ==, 6);
}

static JsonObject *
free_busy (SgtFixture *fixture,
           const char *time_min,
           const char *time_max,
           const char *ids_json,
           guint       status)
{
  g_autofree char *body = g_strdup_printf ("{\"timeMin\":\"%s\",\"timeMax\":\"%s\",\"items\":%s}",
                                           time_min, time_max, ids_json);
  g_autoptr(SgtResponse) response = sgt_api (fixture, "POST", "/freeBusy", body);

  g_assert_cmpuint (response->status, ==, status);
  return sgt_json (response);
}

static void
assert_busy (JsonObject *calendar,
             const char *expected)
{
  JsonArray *busy = json_object_get_array_member (calendar, "busy");
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (busy); i++)
    {
      JsonObject *period = json_array_get_object_element (busy, i);

      g_string_append_printf (got, "%s%s/%s", i > 0 ? " " : "", json_object_get_string_member (period, "start"),
                              json_object_get_string_member (period, "end"));
    }
  g_assert_cmpstr (got->str, ==, expected);
}

static const char *
error_reason (JsonObject *calendar)
{
  JsonArray *errors = json_object_has_member (calendar, "errors")
                      ? json_object_get_array_member (calendar, "errors") : NULL;

  if (errors == NULL || json_array_get_length (errors) == 0)
    return NULL;
  return json_object_get_string_member (json_array_get_object_element (errors, 0), "reason");
}

static void
test_free_busy_calendars (SgtFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) ok = NULL;
  JsonObject *calendars;

  sgt_sign_in_default (fixture);
  add_calendar (fixture, "{\"user\":\"expert@sandbox.test\",\"id\":\"work@group.calendar.google.com\"}");
  add_calendar (fixture, "{\"user\":\"expert@sandbox.test\",\"id\":\"broken@group.calendar.google.com\"}");
  /* Overlapping events merge; transparent, declined and cancelled ones do not count. */
  add_event (fixture, "expert@sandbox.test", "2027-03-01T09:00:00+01:00", "2027-03-01T10:00:00+01:00", NULL);
  add_event (fixture, "expert@sandbox.test", "2027-03-01T09:30:00+01:00", "2027-03-01T11:00:00+01:00",
             ",\"attendees\":[{\"email\":\"expert@sandbox.test\",\"self\":true,\"responseStatus\":\"tentative\"}]");
  add_event (fixture, "expert@sandbox.test", "2027-03-01T12:00:00Z", "2027-03-01T13:00:00Z", ",\"transparency\":\"transparent\"");
  add_event (fixture, "expert@sandbox.test", "2027-03-01T14:00:00Z", "2027-03-01T15:00:00Z",
             ",\"attendees\":[{\"email\":\"expert@sandbox.test\",\"self\":true,\"responseStatus\":\"declined\"}]");
  add_event (fixture, "expert@sandbox.test", "2027-03-01T16:00:00Z", "2027-03-01T17:00:00Z", ",\"status\":\"cancelled\"");
  /* Clipped to the window. */
  add_event (fixture, "work@group.calendar.google.com", "2027-03-01T22:00:00Z", "2027-03-02T02:00:00Z", NULL);
  add_event (fixture, "broken@group.calendar.google.com", "2027-03-01T08:00:00Z", "2027-03-01T09:00:00Z", NULL);
  ok = sgt_control (fixture, "POST", "freebusy-errors",
                    "{\"calendar\":\"broken@group.calendar.google.com\",\"reason\":\"internalError\"}", 200);

  answer = free_busy (fixture, "2027-03-01T00:00:00Z", "2027-03-02T00:00:00Z",
                      "[{\"id\":\"primary\"},{\"id\":\"work@group.calendar.google.com\"},"
                      "{\"id\":\"broken@group.calendar.google.com\"},{\"id\":\"nobody@elsewhere.test\"}]", 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "kind"), ==, "calendar#freeBusy");
  calendars = json_object_get_object_member (answer, "calendars");
  g_assert_cmpuint (json_object_get_size (calendars), ==, 4);
  assert_busy (json_object_get_object_member (calendars, "primary"), "2027-03-01T08:00:00Z/2027-03-01T10:00:00Z");
  g_assert_null (error_reason (json_object_get_object_member (calendars, "primary")));
  assert_busy (json_object_get_object_member (calendars, "work@group.calendar.google.com"),
               "2027-03-01T22:00:00Z/2027-03-02T00:00:00Z");
  /* A failing calendar says so: errors, not an empty "free" answer alone. */
  g_assert_cmpstr (error_reason (json_object_get_object_member (calendars, "broken@group.calendar.google.com")), ==,
                   "internalError");
  g_assert_cmpstr (error_reason (json_object_get_object_member (calendars, "nobody@elsewhere.test")), ==, "notFound");
}

static char *
many_ids (guint n)
{
  g_autoptr(GString) ids = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (ids, "%s{\"id\":\"c%u@group.calendar.google.com\"}", i > 0 ? "," : "", i);
  g_string_append_c (ids, ']');
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

static void
test_free_busy_limits (SgtFixture    *fixture,
                       gconstpointer  data)
{
  g_autofree char *fifty = many_ids (50);
  g_autofree char *fifty_one = many_ids (51);
  g_autoptr(JsonObject) ok = NULL;
  g_autoptr(SgtResponse) response = NULL;
  const char *bodies[][2] = {
    { "{\"timeMin\":\"2027-03-01T00:00:00Z\",\"timeMax\":\"2027-05-31T00:00:00Z\",\"items\":[{\"id\":\"primary\"}]}", "timeRangeTooLong" },
    { "{\"timeMin\":\"2027-03-01T00:00:00Z\",\"timeMax\":\"2027-03-01T00:00:00Z\",\"items\":[{\"id\":\"primary\"}]}", "timeRangeEmpty" },
    { "{\"timeMax\":\"2027-03-01T00:00:00Z\",\"items\":[{\"id\":\"primary\"}]}", "required" },
  };

  sgt_sign_in_default (fixture);
  ok = free_busy (fixture, "2027-03-01T00:00:00Z", "2027-03-02T00:00:00Z", fifty, 200);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (ok, "calendars")), ==, 50);
  {
    g_autofree char *body = g_strdup_printf ("{\"timeMin\":\"2027-03-01T00:00:00Z\",\"timeMax\":\"2027-03-02T00:00:00Z\",\"items\":%s}", fifty_one);
    response = sgt_api (fixture, "POST", "/freeBusy", body);
    sgt_assert_error (response, 400, "tooManyCalendarsRequested");
  }
  /* 90 days is the longest window. */
  g_clear_pointer (&ok, json_object_unref);
  ok = free_busy (fixture, "2027-03-01T00:00:00Z", "2027-05-30T00:00:00Z", "[{\"id\":\"primary\"}]", 200);
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_clear_pointer (&response, sgt_response_free);
      response = sgt_api (fixture, "POST", "/freeBusy", bodies[i][0]);
      sgt_assert_error (response, 400, bodies[i][1]);
    }
}

static void
test_free_busy_time_zone (SgtFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(SgtResponse) response = NULL;
  g_autoptr(JsonObject) answer = NULL;

  sgt_sign_in_default (fixture);
  add_event (fixture, "expert@sandbox.test", "2027-07-01T09:00:00+02:00", "2027-07-01T10:00:00+02:00", NULL);
  response = sgt_api (fixture, "POST", "/freeBusy",
                      "{\"timeMin\":\"2027-07-01T00:00:00+02:00\",\"timeMax\":\"2027-07-02T00:00:00+02:00\","
                      "\"timeZone\":\"Europe/Berlin\",\"items\":[{\"id\":\"expert@sandbox.test\"}]}");
  answer = sgt_json (response);
  g_assert_cmpuint (response->status, ==, 200);
  assert_busy (json_object_get_object_member (json_object_get_object_member (answer, "calendars"), "expert@sandbox.test"),
               "2027-07-01T09:00:00+02:00/2027-07-01T10:00:00+02:00");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, SgtFixture, NULL, sgt_setup, func, sgt_teardown)
  ADD ("/sandbox-google/calendar/list-paging", test_calendar_list_paging);
  ADD ("/sandbox-google/calendar/free-busy-calendars", test_free_busy_calendars);
  ADD ("/sandbox-google/calendar/free-busy-limits", test_free_busy_limits);
  ADD ("/sandbox-google/calendar/free-busy-time-zone", test_free_busy_time_zone);
#undef ADD
  return g_test_run ();
}
