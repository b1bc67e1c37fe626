/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-google-test-client.h"

/* events.list with singleEvents (RRULE, EXDATE, moved occurrences, DST,
 * all-day days of a non-UTC zone), paging, incremental sync and 410, and
 * insert/patch/delete with Google's id rules. */

#define CAL "/calendars/expert@sandbox.test/events"

static char *
add_event (SgtFixture *fixture,
           const char *json)
{
  g_autoptr(JsonObject) answer = sgt_control (fixture, "POST", "events", json, 201);

  return g_strdup (json_object_get_string_member (answer, "id"));
}

/* "id start end" per item, from every page of a list. */
static char *
list_all (SgtFixture *fixture,
          const char *query,
          char      **out_sync_token,
          guint      *out_pages)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *page_token = NULL;
  guint pages = 0;

  do
    {
      g_autofree char *escaped = page_token != NULL ? g_uri_escape_string (page_token, NULL, FALSE) : NULL;
      g_autofree char *path = g_strdup_printf (CAL "?%s%s%s", query, escaped != NULL ? "&pageToken=" : "",
                                               escaped != NULL ? escaped : "");
      g_autoptr(SgtResponse) response = sgt_api (fixture, "GET", path, NULL);
      g_autoptr(JsonObject) list = sgt_json (response);
      JsonArray *items;

      g_assert_cmpuint (response->status, ==, 200);
      items = json_object_get_array_member (list, "items");
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);
          JsonObject *start = json_object_has_member (item, "start") ? json_object_get_object_member (item, "start") : NULL;
          const char *when = start == NULL ? json_object_get_string_member (item, "status")
                             : json_object_has_member (start, "date") ? json_object_get_string_member (start, "date")
                             : json_object_get_string_member (start, "dateTime");

          g_string_append_printf (out, "%s%s %s", out->len > 0 ? "\n" : "",
                                  json_object_get_string_member (item, "id"), when);
        }
      g_clear_pointer (&page_token, g_free);
      page_token = g_strdup (json_object_get_string_member_with_default (list, "nextPageToken", NULL));
      g_assert_cmpint (json_object_has_member (list, "nextSyncToken"), ==, page_token == NULL);
      if (page_token == NULL && out_sync_token != NULL)
        *out_sync_token = g_uri_escape_string (json_object_get_string_member (list, "nextSyncToken"), NULL, FALSE);
      pages++;
    }
  while (page_token != NULL);
  if (out_pages != NULL)
    *out_pages = pages;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_single_events (SgtFixture    *fixture,
                    gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *patch_path = NULL;
  g_autoptr(SgtResponse) patched = NULL;

  sgt_sign_in_default (fixture);
  /* Mon + Wed 09:00 Berlin from 22 March 2027; DST starts 28 March. */
  id = add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"summary\":\"Standup\","
                  "\"start\":{\"dateTime\":\"2027-03-22T09:00:00\",\"timeZone\":\"Europe/Berlin\"},"
                  "\"end\":{\"dateTime\":\"2027-03-22T09:30:00\",\"timeZone\":\"Europe/Berlin\"},"
                  "\"recurrence\":[\"RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6\","
                  "\"EXDATE;TZID=Europe/Berlin:20270324T090000\"]}");
  /* Move the 31 March occurrence to the afternoon. */
  patch_path = g_strdup_printf (CAL "/%s_20270331T070000Z?sendUpdates=none", id);
  patched = sgt_api (fixture, "PATCH", patch_path,
                     "{\"start\":{\"dateTime\":\"2027-03-31T14:00:00+02:00\"},\"end\":{\"dateTime\":\"2027-03-31T14:30:00+02:00\"}}");
  g_assert_cmpuint (patched->status, ==, 200);

  got = list_all (fixture, "singleEvents=true&orderBy=startTime&timeMin=2027-03-01T00:00:00Z"
                  "&timeMax=2027-05-01T00:00:00Z&timeZone=UTC", NULL, NULL);
  expected = g_strdup_printf ("%1$s_20270322T080000Z 2027-03-22T08:00:00Z\n"
                              "%1$s_20270329T070000Z 2027-03-29T07:00:00Z\n"
                              "%1$s_20270331T070000Z 2027-03-31T12:00:00Z\n"
                              "%1$s_20270405T070000Z 2027-04-05T07:00:00Z\n"
                              "%1$s_20270407T070000Z 2027-04-07T07:00:00Z", id);
  g_assert_cmpstr (got, ==, expected);

  /* Without singleEvents the series and its exception come as they are. */
  g_clear_pointer (&got, g_free);
  g_clear_pointer (&expected, g_free);
  got = list_all (fixture, "timeMin=2027-03-01T00:00:00Z", NULL, NULL);
  expected = g_strdup_printf ("%1$s 2027-03-22T09:00:00+01:00\n%1$s_20270331T070000Z 2027-03-31T14:00:00+02:00", id);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_all_day_across_dst (SgtFixture    *fixture,
                         gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *got = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(SgtResponse) response = NULL;
  g_autoptr(JsonObject) busy = NULL;
  JsonArray *periods;

  sgt_sign_in_default (fixture);
  /* Three all-day days in Berlin; 28 March 2027 has 23 hours. */
  id = add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"summary\":\"Conference\","
                  "\"start\":{\"date\":\"2027-03-27\"},\"end\":{\"date\":\"2027-03-28\"},"
                  "\"recurrence\":[\"RRULE:FREQ=DAILY;UNTIL=20270329\"]}");
  got = list_all (fixture, "singleEvents=true&orderBy=startTime&timeMin=2027-03-28T21:30:00Z"
                  "&timeMax=2027-04-01T00:00:00Z", NULL, NULL);
  /* 28 March ends at 22:00Z: a window from 21:30Z still sees it. */
  expected = g_strdup_printf ("%1$s_20270328 2027-03-28\n%1$s_20270329 2027-03-29", id);
  g_assert_cmpstr (got, ==, expected);
  g_clear_pointer (&got, g_free);
  g_clear_pointer (&expected, g_free);
  got = list_all (fixture, "singleEvents=true&timeMin=2027-03-28T22:00:00Z&timeMax=2027-04-01T00:00:00Z", NULL, NULL);
  expected = g_strdup_printf ("%s_20270329 2027-03-29", id);
  g_assert_cmpstr (got, ==, expected);

  /* Busy from Berlin midnight to Berlin midnight, in UTC. */
  response = sgt_api (fixture, "POST", "/freeBusy",
                      "{\"timeMin\":\"2027-03-27T12:00:00Z\",\"timeMax\":\"2027-03-29T12:00:00Z\","
                      "\"items\":[{\"id\":\"primary\"}]}");
  busy = sgt_json (response);
  periods = json_object_get_array_member (json_object_get_object_member (json_object_get_object_member (busy, "calendars"),
                                                                       "primary"), "busy");
  g_assert_cmpuint (json_array_get_length (periods), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (periods, 0), "start"), ==,
                   "2027-03-27T12:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (periods, 0), "end"), ==,
                   "2027-03-29T12:00:00Z");
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&busy, json_object_unref);
  response = sgt_api (fixture, "POST", "/freeBusy",
                      "{\"timeMin\":\"2027-03-28T00:00:00Z\",\"timeMax\":\"2027-03-31T00:00:00Z\","
                      "\"items\":[{\"id\":\"primary\"}]}");
  busy = sgt_json (response);
  periods = json_object_get_array_member (json_object_get_object_member (json_object_get_object_member (busy, "calendars"),
                                                                       "primary"), "busy");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (periods, 0), "end"), ==,
                   "2027-03-29T22:00:00Z");
}

static void
test_paging (SgtFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *got = NULL;
  guint pages = 0;

  sgt_sign_in_default (fixture);
  for (guint i = 0; i < 7; i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"calendar\":\"expert@sandbox.test\",\"id\":\"event%u0000\",\"summary\":\"e\","
                         "\"start\":{\"dateTime\":\"2027-04-0%uT10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-0%uT11:00:00Z\"}}",
                         7 - i, 7 - i, 7 - i);
      g_autofree char *id = add_event (fixture, json);
    }
  got = list_all (fixture, "singleEvents=true&orderBy=startTime&maxResults=3&timeZone=UTC", NULL, &pages);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpstr (got, ==, "event10000 2027-04-01T10:00:00Z\nevent20000 2027-04-02T10:00:00Z\n"
                   "event30000 2027-04-03T10:00:00Z\nevent40000 2027-04-04T10:00:00Z\n"
                   "event50000 2027-04-05T10:00:00Z\nevent60000 2027-04-06T10:00:00Z\n"
                   "event70000 2027-04-07T10:00:00Z");
}

static void
test_sync_token (SgtFixture    *fixture,
                 gconstpointer  data)
{
  g_autofree char *token = NULL;
  g_autofree char *next = NULL;
  g_autofree char *full = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *query = NULL;
  g_autofree char *none = NULL;
  g_autoptr(JsonObject) ok = NULL;
  g_autoptr(SgtResponse) response = NULL;
  const char *ids[] = { "keep0000", "move0000", "gone0000" };

  sgt_sign_in_default (fixture);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"calendar\":\"expert@sandbox.test\",\"id\":\"%s\",\"summary\":\"e\","
                         "\"start\":{\"dateTime\":\"2027-04-0%uT10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-0%uT11:00:00Z\"}}",
                         ids[i], i + 1, i + 1);
      g_autofree char *id = add_event (fixture, json);
    }
  full = list_all (fixture, "singleEvents=true&maxResults=2&timeZone=UTC", &token, NULL);
  g_assert_cmpstr (full, ==, "keep0000 2027-04-01T10:00:00Z\nmove0000 2027-04-02T10:00:00Z\ngone0000 2027-04-03T10:00:00Z");

  /* The expert moves one and deletes another in Google. */
  response = sgt_api (fixture, "PATCH", CAL "/move0000",
                      "{\"start\":{\"dateTime\":\"2027-04-05T10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-05T11:00:00Z\"}}");
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "DELETE", CAL "/gone0000", NULL);
  g_assert_cmpuint (response->status, ==, 204);

  query = g_strdup_printf ("singleEvents=true&timeZone=UTC&syncToken=%s", token);
  changes = list_all (fixture, query, &next, NULL);
  g_assert_cmpstr (changes, ==, "move0000 2027-04-05T10:00:00Z\ngone0000 cancelled");
  g_clear_pointer (&query, g_free);
  query = g_strdup_printf ("singleEvents=true&syncToken=%s", next);
  none = list_all (fixture, query, NULL, NULL);
  g_assert_cmpstr (none, ==, "");

  /* Once the server drops the token: 410, a full sync is required. */
  ok = sgt_control (fixture, "POST", "invalidate-sync-tokens", "{\"calendar\":\"expert@sandbox.test\"}", 200);
  {
    g_autofree char *path = g_strdup_printf (CAL "?%s", query);
    g_clear_pointer (&response, sgt_response_free);
    response = sgt_api (fixture, "GET", path, NULL);
    sgt_assert_error (response, 410, "fullSyncRequired");
  }
  /* Sync tokens take no time filters. */
  {
    g_autofree char *path = g_strdup_printf (CAL "?%s&timeMin=2027-01-01T00:00:00Z", query);
    g_clear_pointer (&response, sgt_response_free);
    response = sgt_api (fixture, "GET", path, NULL);
    g_assert_cmpuint (response->status, ==, 400);
  }
}

static void
test_insert_ids (SgtFixture    *fixture,
                 gconstpointer  data)
{
  const char *body = "{\"id\":\"bk0appointment42\",\"summary\":\"Client call\","
                     "\"start\":{\"dateTime\":\"2027-04-01T10:00:00+02:00\"},\"end\":{\"dateTime\":\"2027-04-01T11:00:00+02:00\"},"
                     "\"extendedProperties\":{\"private\":{\"bookableAppointment\":\"42\"}}}";
  const char *bad_ids[] = { "BK0APPOINTMENT42", "bkw00001", "bk0_appointment", "abcd" };
  g_autoptr(SgtResponse) first = NULL;
  g_autoptr(SgtResponse) again = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autofree char *found = NULL;

  sgt_sign_in_default (fixture);
  first = sgt_api (fixture, "POST", CAL "?sendUpdates=none", body);
  g_assert_cmpuint (first->status, ==, 200);
  event = sgt_json (first);
  g_assert_cmpstr (json_object_get_string_member (event, "id"), ==, "bk0appointment42");
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "confirmed");
  /* A retry of the same insert: 409, and still one event. */
  again = sgt_api (fixture, "POST", CAL "?sendUpdates=none", body);
  sgt_assert_error (again, 409, "duplicate");
  /* Others, without the property or with another value, are filtered out. */
  g_free (add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"summary\":\"Private\","
                     "\"start\":{\"dateTime\":\"2027-04-01T12:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-01T13:00:00Z\"}}"));
  g_free (add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"summary\":\"Other\","
                     "\"start\":{\"dateTime\":\"2027-04-01T14:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-01T15:00:00Z\"},"
                     "\"extendedProperties\":{\"private\":{\"bookableAppointment\":\"43\"}}}"));
  found = list_all (fixture, "privateExtendedProperty=bookableAppointment%3D42", NULL, NULL);
  g_assert_cmpstr (found, ==, "bk0appointment42 2027-04-01T10:00:00+02:00");

  for (guint i = 0; i < G_N_ELEMENTS (bad_ids); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"id\":\"%s\",\"start\":{\"dateTime\":\"2027-04-01T10:00:00Z\"},"
                                               "\"end\":{\"dateTime\":\"2027-04-01T11:00:00Z\"}}", bad_ids[i]);
      g_autoptr(SgtResponse) response = sgt_api (fixture, "POST", CAL, json);

      sgt_assert_error (response, 400, "invalid");
    }
  stats = sgt_control (fixture, "GET", "stats", NULL, 200);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (stats, "sendUpdates"), 0), ==,
                   "POST bk0appointment42 none");
}

static void
test_patch_delete (SgtFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(SgtResponse) response = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autofree char *id = NULL;

  sgt_sign_in_default (fixture);
  id = add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"id\":\"appt00001\",\"summary\":\"Old\","
                  "\"start\":{\"dateTime\":\"2027-04-01T10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-01T11:00:00Z\"}}");
  response = sgt_api (fixture, "PATCH", CAL "/appt00001",
                      "{\"summary\":\"New\",\"start\":{\"dateTime\":\"2027-04-02T10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-02T09:00:00Z\"}}");
  sgt_assert_error (response, 400, "timeRangeEmpty");
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "PATCH", CAL "/appt00001",
                      "{\"summary\":\"New\",\"start\":{\"dateTime\":\"2027-04-02T10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-02T11:00:00Z\"}}");
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "GET", CAL "/appt00001", NULL);
  event = sgt_json (response);
  g_assert_cmpstr (json_object_get_string_member (event, "summary"), ==, "New");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "start"), "dateTime"), ==,
                   "2027-04-02T12:00:00+02:00");

  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "DELETE", CAL "/appt00001?sendUpdates=none", NULL);
  g_assert_cmpuint (response->status, ==, 204);
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "DELETE", CAL "/appt00001", NULL);
  sgt_assert_error (response, 410, "deleted");
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "DELETE", CAL "/never00001", NULL);
  sgt_assert_error (response, 404, "notFound");
  g_clear_pointer (&response, sgt_response_free);
  g_clear_pointer (&event, json_object_unref);
  response = sgt_api (fixture, "GET", CAL "/appt00001", NULL);
  event = sgt_json (response);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "cancelled");
}

static void
test_delete_occurrence (SgtFixture    *fixture,
                        gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *with_deleted = NULL;
  g_autofree char *changes = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(SgtResponse) response = NULL;

  sgt_sign_in_default (fixture);
  id = add_event (fixture, "{\"calendar\":\"expert@sandbox.test\",\"summary\":\"Daily\","
                  "\"start\":{\"dateTime\":\"2027-05-03T08:00:00Z\"},\"end\":{\"dateTime\":\"2027-05-03T09:00:00Z\"},"
                  "\"recurrence\":[\"RRULE:FREQ=DAILY;COUNT=3\"]}");
  before = list_all (fixture, "singleEvents=true&orderBy=startTime&timeZone=UTC", &token, NULL);
  expected = g_strdup_printf ("%1$s_20270503T080000Z 2027-05-03T08:00:00Z\n%1$s_20270504T080000Z 2027-05-04T08:00:00Z\n"
                              "%1$s_20270505T080000Z 2027-05-05T08:00:00Z", id);
  g_assert_cmpstr (before, ==, expected);
  /* The expert deletes the middle occurrence in Google. */
  path = g_strdup_printf (CAL "/%s_20270504T080000Z", id);
  response = sgt_api (fixture, "DELETE", path, NULL);
  g_assert_cmpuint (response->status, ==, 204);

  after = list_all (fixture, "singleEvents=true&orderBy=startTime&timeZone=UTC", NULL, NULL);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%1$s_20270503T080000Z 2027-05-03T08:00:00Z\n%1$s_20270505T080000Z 2027-05-05T08:00:00Z", id);
  g_assert_cmpstr (after, ==, expected);
  /* A cancelled exception carries only its id, status and the occurrence it
   * replaces, as Google guarantees no more. */
  with_deleted = list_all (fixture, "singleEvents=true&orderBy=startTime&showDeleted=true&timeZone=UTC", NULL, NULL);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%1$s_20270503T080000Z 2027-05-03T08:00:00Z\n%1$s_20270504T080000Z cancelled\n"
                              "%1$s_20270505T080000Z 2027-05-05T08:00:00Z", id);
  g_assert_cmpstr (with_deleted, ==, expected);
  query = g_strdup_printf ("singleEvents=true&syncToken=%s", token);
  changes = list_all (fixture, query, NULL, NULL);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("%s_20270504T080000Z cancelled", id);
  g_assert_cmpstr (changes, ==, expected);
}

static void
test_read_only_calendar (SgtFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) calendar =
    NULL;
  g_autoptr(SgtResponse) response = NULL;

  sgt_sign_in_default (fixture);
  calendar = sgt_control (fixture, "POST", "calendars",
                          "{\"user\":\"expert@sandbox.test\",\"id\":\"holidays@group.v.calendar.google.com\",\"accessRole\":\"reader\"}", 201);
  response = sgt_api (fixture, "POST", "/calendars/holidays%40group.v.calendar.google.com/events",
                      "{\"start\":{\"dateTime\":\"2027-04-01T10:00:00Z\"},\"end\":{\"dateTime\":\"2027-04-01T11:00:00Z\"}}");
  sgt_assert_error (response, 403, "requiredAccessLevel");
  g_clear_pointer (&response, sgt_response_free);
  response = sgt_api (fixture, "GET", "/calendars/someone%40else.test/events", NULL);
  sgt_assert_error (response, 404, "notFound");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) g_test_add (path, SgtFixture, NULL, sgt_setup, func, sgt_teardown)
  ADD ("/sandbox-google/events/single-events", test_single_events);
  ADD ("/sandbox-google/events/all-day-across-dst", test_all_day_across_dst);
  ADD ("/sandbox-google/events/paging", test_paging);
  ADD ("/sandbox-google/events/sync-token", test_sync_token);
  ADD ("/sandbox-google/events/insert-ids", test_insert_ids);
  ADD ("/sandbox-google/events/patch-delete", test_patch_delete);
  ADD ("/sandbox-google/events/delete-occurrence", test_delete_occurrence);
  ADD ("/sandbox-google/events/read-only-calendar", test_read_only_calendar);
#undef ADD
  return g_test_run ();
}
