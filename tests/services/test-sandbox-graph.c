/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sandbox-test"

#include "config.h"

#include <glib/gi18n.h>

#include "sandbox-test-client.h"

/* The sandbox's Graph: calendars, calendarView with recurrences across the
 * Europe/Berlin DST change of 2027-03-28, paging, Prefer, event writes. */

#define WINDOW "startDateTime=2027-03-20T00:00:00%2B01:00&endDateTime=2027-04-20T00:00:00%2B02:00"
#define PREFER_UTC "outlook.timezone=\"UTC\""

typedef struct
{
  char *token;
  char *series_id;
  char *calendar_id;
} Seeded;

static void
seeded_clear (Seeded *seeded)
{
  g_free (seeded->token);
  g_free (seeded->series_id);
  g_free (seeded->calendar_id);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Seeded, seeded_clear)

static char *
add_event (SbtFixture *fixture,
           const char *json)
{
  g_autoptr(JsonObject) answer = sbt_control (fixture, "events", json, 201);

  return g_strdup (json_object_get_string_member (answer, "id"));
}

/* Fridays 09:00–10:00 Berlin from 2027-03-12, six of them; 04-02 moved to
 * 14:00, 04-09 cancelled; an all-day out-of-office on 2027-03-28 (the DST
 * day, 23 hours long); a tentative 04-05 and a cancelled 04-06 meeting. */
static void
seed (SbtFixture *fixture,
      Seeded     *seeded)
{
  g_autoptr(JsonObject) user = NULL;
  g_autoptr(JsonObject) tokens = NULL;
  g_autofree char *all_day = NULL, *tentative = NULL, *cancelled = NULL;

  user = sbt_control (fixture, "users", "{\"userPrincipalName\":\"expert@sandbox.test\",\"timeZone\":\"Europe/Berlin\"}", 201);
  seeded->calendar_id = g_strdup (json_object_get_string_member (user, "defaultCalendarId"));
  seeded->series_id = add_event (fixture,
    "{\"user\":\"expert@sandbox.test\",\"subject\":\"Team sync\",\"showAs\":\"busy\","
    "\"start\":{\"dateTime\":\"2027-03-12T09:00:00\",\"timeZone\":\"Europe/Berlin\"},"
    "\"end\":{\"dateTime\":\"2027-03-12T10:00:00\",\"timeZone\":\"Europe/Berlin\"},"
    "\"recurrence\":{\"pattern\":{\"type\":\"weekly\",\"interval\":1,\"daysOfWeek\":[\"friday\"]},"
    "\"range\":{\"type\":\"numbered\",\"startDate\":\"2027-03-12\",\"numberOfOccurrences\":6}},"
    "\"exceptions\":[{\"originalStart\":\"2027-04-02T09:00:00\",\"start\":{\"dateTime\":\"2027-04-02T14:00:00\",\"timeZone\":\"Europe/Berlin\"},"
    "\"end\":{\"dateTime\":\"2027-04-02T15:00:00\",\"timeZone\":\"Europe/Berlin\"}},"
    "{\"originalStart\":\"2027-04-09T09:00:00\",\"isCancelled\":true}]}");
  all_day = add_event (fixture,
    "{\"user\":\"expert@sandbox.test\",\"subject\":\"Away\",\"showAs\":\"oof\",\"isAllDay\":true,"
    "\"start\":{\"dateTime\":\"2027-03-28T00:00:00\",\"timeZone\":\"Europe/Berlin\"},"
    "\"end\":{\"dateTime\":\"2027-03-29T00:00:00\",\"timeZone\":\"Europe/Berlin\"}}");
  tentative = add_event (fixture,
    "{\"user\":\"expert@sandbox.test\",\"subject\":\"Maybe\",\"showAs\":\"tentative\","
    "\"start\":{\"dateTime\":\"2027-04-05T10:00:00\",\"timeZone\":\"W. Europe Standard Time\"},"
    "\"end\":{\"dateTime\":\"2027-04-05T11:00:00\",\"timeZone\":\"W. Europe Standard Time\"}}");
  cancelled = add_event (fixture,
    "{\"user\":\"expert@sandbox.test\",\"subject\":\"Off\",\"isCancelled\":true,"
    "\"start\":{\"dateTime\":\"2027-04-06T08:00:00\",\"timeZone\":\"UTC\"},"
    "\"end\":{\"dateTime\":\"2027-04-06T09:00:00\",\"timeZone\":\"UTC\"}}");
  tokens = sbt_sign_in (fixture, "expert@sandbox.test");
  seeded->token = g_strdup (json_object_get_string_member (tokens, "access_token"));
}

/* Follows @odata.nextLink to the end; returns every event. */
static JsonArray *
read_view (SbtFixture *fixture,
           const char *token,
           const char *path,
           const char *prefer,
           guint      *out_pages)
{
  g_autofree char *url = g_strdup (path);
  JsonArray *all = json_array_new ();

  *out_pages = 0;
  while (url != NULL)
    {
      g_autoptr(SbtResponse) response = sbt_graph (fixture, "GET", url, token, prefer, NULL);
      g_autoptr(JsonObject) page = NULL;
      JsonArray *value;

      g_assert_cmpuint (response->status, ==, 200);
      page = sbt_json (response);
      g_assert_nonnull (page);
      value = json_object_get_array_member (page, "value");
      for (guint i = 0; i < json_array_get_length (value); i++)
        json_array_add_object_element (all, json_object_ref (json_array_get_object_element (value, i)));
      g_free (url);
      url = g_strdup (json_object_get_string_member_with_default (page, "@odata.nextLink", NULL));
      (*out_pages)++;
    }
  return all;
}

static void
assert_time (JsonObject *event,
             const char *member,
             const char *date_time,
             const char *time_zone)
{
  JsonObject *value = json_object_get_object_member (event, member);

  g_assert_cmpstr (json_object_get_string_member (value, "dateTime"), ==, date_time);
  g_assert_cmpstr (json_object_get_string_member (value, "timeZone"), ==, time_zone);
}

typedef struct
{
  const char *subject, *type, *start, *end, *zone, *show_as;
  gboolean    all_day, cancelled;
} Expected;

static void
test_calendar_view_pages (SbtFixture    *fixture,
                          gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(JsonArray) events = NULL;
  g_autoptr(JsonObject) stats = NULL;
  guint pages;
  /* Worked out by hand: CET is UTC+1 until 2027-03-28 02:00, then CEST UTC+2. */
  static const Expected expected[] = {
    { "Team sync", "occurrence", "2027-03-26T08:00:00.0000000", "2027-03-26T09:00:00.0000000", "UTC", "busy", FALSE, FALSE },
    { "Away", "singleInstance", "2027-03-28T00:00:00.0000000", "2027-03-29T00:00:00.0000000", "Europe/Berlin", "oof", TRUE, FALSE },
    { "Team sync", "exception", "2027-04-02T12:00:00.0000000", "2027-04-02T13:00:00.0000000", "UTC", "busy", FALSE, FALSE },
    { "Maybe", "singleInstance", "2027-04-05T08:00:00.0000000", "2027-04-05T09:00:00.0000000", "UTC", "tentative", FALSE, FALSE },
    { "Off", "singleInstance", "2027-04-06T08:00:00.0000000", "2027-04-06T09:00:00.0000000", "UTC", "busy", FALSE, TRUE },
    { "Team sync", "occurrence", "2027-04-16T07:00:00.0000000", "2027-04-16T08:00:00.0000000", "UTC", "busy", FALSE, FALSE },
  };

  seed (fixture, &seeded);
  bk_sandbox_microsoft_reset_stats (fixture->sandbox);
  events = read_view (fixture, seeded.token, "/me/calendar/calendarView?" WINDOW, PREFER_UTC, &pages);
  g_assert_cmpuint (pages, ==, 3);
  g_assert_cmpuint (json_array_get_length (events), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      const char *type = json_object_get_string_member (event, "type");

      g_test_message ("instance %u: %s", i, json_object_get_string_member (event, "subject"));
      g_assert_cmpstr (json_object_get_string_member (event, "subject"), ==, expected[i].subject);
      g_assert_cmpstr (type, ==, expected[i].type);
      assert_time (event, "start", expected[i].start, expected[i].zone);
      assert_time (event, "end", expected[i].end, expected[i].zone);
      g_assert_cmpstr (json_object_get_string_member (event, "showAs"), ==, expected[i].show_as);
      g_assert_cmpint (json_object_get_boolean_member (event, "isAllDay"), ==, expected[i].all_day);
      g_assert_cmpint (json_object_get_boolean_member (event, "isCancelled"), ==, expected[i].cancelled);
      if (g_str_equal (type, "occurrence") || g_str_equal (type, "exception"))
        g_assert_cmpstr (json_object_get_string_member (event, "seriesMasterId"), ==, seeded.series_id);
      g_assert_nonnull (json_object_get_string_member (event, "iCalUId"));
    }
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->sandbox, "GET /v1.0/me/calendar/calendarView"), ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_bytes_sent (fixture->sandbox), >, 1000);

  /* The same through a calendar id, and the all-day event in UTC when the
   * Exchange quirk is switched off: a 23-hour day. */
  {
    g_autofree char *path = g_strdup_printf ("/me/calendars/%s/calendarView?%s", seeded.calendar_id, WINDOW);
    g_autoptr(JsonArray) again = NULL;
    g_autoptr(JsonObject) config = sbt_control (fixture, "config", "{\"allDayIgnoresPrefer\":false}", 200);

    again = read_view (fixture, seeded.token, path, PREFER_UTC, &pages);
    g_assert_cmpuint (json_array_get_length (again), ==, G_N_ELEMENTS (expected));
    assert_time (json_array_get_object_element (again, 1), "start", "2027-03-27T23:00:00.0000000", "UTC");
    assert_time (json_array_get_object_element (again, 1), "end", "2027-03-28T22:00:00.0000000", "UTC");
  }
}

static void
test_prefer_zone (SbtFixture    *fixture,
                  gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(JsonArray) plain = NULL, local = NULL, berlin = NULL;
  g_autoptr(SbtResponse) response = NULL;
  guint pages;

  seed (fixture, &seeded);
  /* Graph's default is UTC. */
  plain = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW, NULL, &pages);
  assert_time (json_array_get_object_element (plain, 0), "start", "2027-03-26T08:00:00.0000000", "UTC");
  local = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW,
                     "outlook.timezone=\"W. Europe Standard Time\"", &pages);
  assert_time (json_array_get_object_element (local, 0), "start", "2027-03-26T09:00:00.0000000", "W. Europe Standard Time");
  assert_time (json_array_get_object_element (local, 5), "start", "2027-04-16T09:00:00.0000000", "W. Europe Standard Time");
  berlin = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW, "outlook.timezone=\"Europe/Berlin\"", &pages);
  assert_time (json_array_get_object_element (berlin, 2), "start", "2027-04-02T14:00:00.0000000", "Europe/Berlin");

  response = sbt_graph (fixture, "GET", "/me/calendarView?" WINDOW, seeded.token,
                        "outlook.timezone=\"Europe/Berlin\", odata.maxpagesize=1", NULL);
  g_assert_nonnull (strstr (soup_message_headers_get_list (response->headers, "Preference-Applied"),
                            "outlook.timezone=\"Europe/Berlin\""));
  g_assert_nonnull (strstr (soup_message_headers_get_list (response->headers, "Preference-Applied"),
                            "odata.maxpagesize=1"));
}

static void
test_view_parameters (SbtFixture    *fixture,
                      gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(SbtResponse) missing = NULL, backwards = NULL, bad_token = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonArray) one = NULL, capped = NULL, selected = NULL;
  guint pages;

  seed (fixture, &seeded);
  missing = sbt_graph (fixture, "GET", "/me/calendarView?startDateTime=2027-03-20T00:00:00Z", seeded.token, NULL, NULL);
  g_assert_cmpuint (missing->status, ==, 400);
  error = sbt_json (missing);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (error, "error"), "code"), ==,
                   "ErrorInvalidParameter");
  backwards = sbt_graph (fixture, "GET", "/me/calendarView?startDateTime=2027-03-20T00:00:00Z&endDateTime=2027-03-19T00:00:00Z",
                         seeded.token, NULL, NULL);
  g_assert_cmpuint (backwards->status, ==, 400);
  bad_token = sbt_graph (fixture, "GET", "/me/calendarView?" WINDOW "&%24skiptoken=forged", seeded.token, NULL, NULL);
  g_assert_cmpuint (bad_token->status, ==, 400);

  one = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW "&%24top=1", NULL, &pages);
  g_assert_cmpuint (pages, ==, 6);
  /* The page size (2 here) is the most a page ever holds. */
  capped = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW "&%24top=1000", NULL, &pages);
  g_assert_cmpuint (pages, ==, 3);
  selected = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW "&%24select=start,end,showAs", NULL, &pages);
  g_assert_cmpuint (json_array_get_length (selected), ==, 6);
  g_assert_true (json_object_has_member (json_array_get_object_element (selected, 0), "showAs"));
  g_assert_true (json_object_has_member (json_array_get_object_element (selected, 5), "id"));
  g_assert_false (json_object_has_member (json_array_get_object_element (selected, 5), "subject"));
}

static void
test_calendars (SbtFixture    *fixture,
                gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(SbtResponse) first = NULL, second = NULL;
  g_autoptr(JsonObject) page1 = NULL, page2 = NULL;
  g_autoptr(JsonObject) added = NULL, readonly = NULL;
  JsonObject *calendar;

  seed (fixture, &seeded);
  added = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"Private\",\"color\":\"lightGreen\"}", 201);
  readonly = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"Holidays\",\"canEdit\":false}", 201);
  first = sbt_graph (fixture, "GET", "/me/calendars", seeded.token, NULL, NULL);
  g_assert_cmpuint (first->status, ==, 200);
  page1 = sbt_json (first);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (page1, "value")), ==, 2);
  calendar = json_array_get_object_element (json_object_get_array_member (page1, "value"), 0);
  g_assert_cmpstr (json_object_get_string_member (calendar, "id"), ==, seeded.calendar_id);
  g_assert_true (json_object_get_boolean_member (calendar, "isDefaultCalendar"));
  g_assert_true (json_object_get_boolean_member (calendar, "canEdit"));
  calendar = json_array_get_object_element (json_object_get_array_member (page1, "value"), 1);
  g_assert_cmpstr (json_object_get_string_member (calendar, "name"), ==, "Private");
  g_assert_cmpstr (json_object_get_string_member (calendar, "color"), ==, "lightGreen");
  g_assert_cmpstr (json_object_get_string_member (calendar, "hexColor"), ==, "#87d28e");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (calendar, "owner"), "address"), ==,
                   "expert@sandbox.test");

  second = sbt_graph (fixture, "GET", json_object_get_string_member (page1, "@odata.nextLink"), seeded.token, NULL, NULL);
  page2 = sbt_json (second);
  calendar = json_array_get_object_element (json_object_get_array_member (page2, "value"), 0);
  g_assert_cmpstr (json_object_get_string_member (calendar, "name"), ==, "Holidays");
  g_assert_false (json_object_get_boolean_member (calendar, "canEdit"));
  g_assert_false (json_object_has_member (page2, "@odata.nextLink"));
}

static guint
stored_count (SbtFixture *fixture,
              const char *calendar_id)
{
  g_autofree char *url = g_strdup_printf ("%s/_sandbox/events?calendar=%s", fixture->url, calendar_id);
  g_autoptr(SbtResponse) response = sbt_request (fixture, "GET", url, NULL, NULL, NULL);
  g_autoptr(JsonObject) root = sbt_json (response);

  return json_array_get_length (json_object_get_array_member (root, "value"));
}

#define NEW_EVENT \
  "{\"subject\":\"Appointment\",\"transactionId\":\"bk-7f1c\",\"showAs\":\"busy\"," \
  "\"start\":{\"dateTime\":\"2027-04-07T10:00:00\",\"timeZone\":\"UTC\"}," \
  "\"end\":{\"dateTime\":\"2027-04-07T10:30:00\",\"timeZone\":\"UTC\"}," \
  "\"singleValueExtendedProperties\":[{\"id\":\"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name BookableId\",\"value\":\"42\"}]}"

static void
test_event_writes (SbtFixture    *fixture,
                   gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autofree char *path = NULL, *event_path = NULL, *expand_path = NULL;
  g_autoptr(SbtResponse) created = NULL, retried = NULL, patched = NULL, deleted = NULL, again = NULL, gone = NULL, expanded = NULL;
  g_autoptr(SbtResponse) forbidden = NULL;
  g_autoptr(JsonObject) first = NULL, second = NULL, patched_object = NULL, expanded_object = NULL, readonly = NULL;
  g_autoptr(JsonObject) missing = NULL;
  JsonArray *properties;
  guint before;

  seed (fixture, &seeded);
  before = stored_count (fixture, seeded.calendar_id);
  path = g_strdup_printf ("/me/calendars/%s/events", seeded.calendar_id);
  created = sbt_graph (fixture, "POST", path, seeded.token, NULL, NEW_EVENT);
  g_assert_cmpuint (created->status, ==, 201);
  first = sbt_json (created);
  g_assert_false (json_object_has_member (first, "singleValueExtendedProperties"));
  /* A retry with the same transactionId: the same event, no duplicate. */
  retried = sbt_graph (fixture, "POST", "/me/events", seeded.token, NULL, NEW_EVENT);
  g_assert_cmpuint (retried->status, ==, 201);
  second = sbt_json (retried);
  g_assert_cmpstr (json_object_get_string_member (first, "id"), ==, json_object_get_string_member (second, "id"));
  g_assert_cmpuint (stored_count (fixture, seeded.calendar_id), ==, before + 1);

  event_path = g_strdup_printf ("/me/events/%s", json_object_get_string_member (first, "id"));
  expand_path = g_strdup_printf ("%s?$expand=singleValueExtendedProperties($filter=id%%20eq%%20'String%%20{66f5a359-4659-4830-9070-00047ec6ac6e}%%20Name%%20BookableId')",
                                 event_path);
  expanded = sbt_graph (fixture, "GET", expand_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (expanded->status, ==, 200);
  expanded_object = sbt_json (expanded);
  properties = json_object_get_array_member (expanded_object, "singleValueExtendedProperties");
  g_assert_cmpuint (json_array_get_length (properties), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (properties, 0), "value"), ==, "42");

  patched = sbt_graph (fixture, "PATCH", event_path, seeded.token, PREFER_UTC,
                       "{\"start\":{\"dateTime\":\"2027-04-07T11:00:00\",\"timeZone\":\"UTC\"},"
                       "\"end\":{\"dateTime\":\"2027-04-07T11:30:00\",\"timeZone\":\"UTC\"}}");
  g_assert_cmpuint (patched->status, ==, 200);
  patched_object = sbt_json (patched);
  assert_time (patched_object, "start", "2027-04-07T11:00:00.0000000", "UTC");
  g_assert_cmpstr (json_object_get_string_member (patched_object, "subject"), ==, "Appointment");

  deleted = sbt_graph (fixture, "DELETE", event_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  again = sbt_graph (fixture, "DELETE", event_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (again->status, ==, 404);
  missing = sbt_json (again);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (missing, "error"), "code"), ==,
                   "ErrorItemNotFound");
  gone = sbt_graph (fixture, "GET", event_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (gone->status, ==, 404);
  g_assert_cmpuint (stored_count (fixture, seeded.calendar_id), ==, before);

  readonly = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"Holidays\",\"canEdit\":false}", 201);
  g_free (path);
  path = g_strdup_printf ("/me/calendars/%s/events", json_object_get_string_member (readonly, "id"));
  forbidden = sbt_graph (fixture, "POST", path, seeded.token, NULL, NEW_EVENT);
  g_assert_cmpuint (forbidden->status, ==, 403);
}

static void
test_occurrence_writes (SbtFixture    *fixture,
                        gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(JsonArray) before = NULL, after = NULL;
  g_autofree char *moved_path = NULL, *cancel_path = NULL;
  g_autoptr(SbtResponse) moved = NULL, cancelled = NULL;
  guint pages;

  seed (fixture, &seeded);
  before = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW, PREFER_UTC, &pages);
  /* Move the 03-26 occurrence one hour later; cancel the 04-16 one. */
  moved_path = g_strdup_printf ("/me/events/%s", json_object_get_string_member (json_array_get_object_element (before, 0), "id"));
  cancel_path = g_strdup_printf ("/me/events/%s", json_object_get_string_member (json_array_get_object_element (before, 5), "id"));
  moved = sbt_graph (fixture, "PATCH", moved_path, seeded.token, PREFER_UTC,
                     "{\"start\":{\"dateTime\":\"2027-03-26T10:00:00\",\"timeZone\":\"Europe/Berlin\"},"
                     "\"end\":{\"dateTime\":\"2027-03-26T11:00:00\",\"timeZone\":\"Europe/Berlin\"}}");
  g_assert_cmpuint (moved->status, ==, 200);
  cancelled = sbt_graph (fixture, "DELETE", cancel_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (cancelled->status, ==, 204);

  after = read_view (fixture, seeded.token, "/me/calendarView?" WINDOW, PREFER_UTC, &pages);
  g_assert_cmpuint (json_array_get_length (after), ==, 5);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, 0), "type"), ==, "exception");
  assert_time (json_array_get_object_element (after, 0), "start", "2027-03-26T09:00:00.0000000", "UTC");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (after, 4), "subject"), ==, "Off");
}

static void
test_delta (SbtFixture    *fixture,
            gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autofree char *url = g_strdup ("/me/calendarView/delta?" WINDOW);
  g_autofree char *delta_link = NULL;
  g_autoptr(SbtResponse) created = NULL, deleted = NULL, round2 = NULL, round3 = NULL;
  g_autoptr(JsonObject) event = NULL, changes = NULL, removals = NULL;
  g_autofree char *event_path = NULL;
  JsonArray *value;
  guint total = 0;

  seed (fixture, &seeded);
  while (url != NULL)
    {
      g_autoptr(SbtResponse) response = sbt_graph (fixture, "GET", url, seeded.token, PREFER_UTC, NULL);
      g_autoptr(JsonObject) page = sbt_json (response);

      g_assert_cmpuint (response->status, ==, 200);
      total += json_array_get_length (json_object_get_array_member (page, "value"));
      g_free (url);
      url = g_strdup (json_object_get_string_member_with_default (page, "@odata.nextLink", NULL));
      if (url == NULL)
        delta_link = g_strdup (json_object_get_string_member (page, "@odata.deltaLink"));
    }
  g_assert_cmpuint (total, ==, 6);
  g_assert_nonnull (delta_link);

  created = sbt_graph (fixture, "POST", "/me/events", seeded.token, NULL, NEW_EVENT);
  event = sbt_json (created);
  round2 = sbt_graph (fixture, "GET", delta_link, seeded.token, PREFER_UTC, NULL);
  g_assert_cmpuint (round2->status, ==, 200);
  changes = sbt_json (round2);
  value = json_object_get_array_member (changes, "value");
  g_assert_cmpuint (json_array_get_length (value), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (value, 0), "id"), ==,
                   json_object_get_string_member (event, "id"));

  /* A deletion comes back as @removed. */
  event_path = g_strdup_printf ("/me/events/%s", json_object_get_string_member (event, "id"));
  deleted = sbt_graph (fixture, "DELETE", event_path, seeded.token, NULL, NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  round3 = sbt_graph (fixture, "GET", json_object_get_string_member (changes, "@odata.deltaLink"),
                      seeded.token, PREFER_UTC, NULL);
  removals = sbt_json (round3);
  value = json_object_get_array_member (removals, "value");
  g_assert_cmpuint (json_array_get_length (value), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (value, 0), "id"), ==,
                   json_object_get_string_member (event, "id"));
  g_assert_true (json_object_has_member (json_array_get_object_element (value, 0), "@removed"));
}

static void
test_recurrence_patterns (SbtFixture    *fixture,
                          gconstpointer  data)
{
  g_auto(Seeded) seeded = { 0 };
  g_autoptr(JsonObject) calendar = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autofree char *json = NULL, *path = NULL;
  guint pages;
  /* By hand: every other day 03-01..03-09; every other week Mon+Wed from
   * Wed 03-03 (Mon 03-01 is before the start and does not count), four of
   * them; the 31st of each month, three of them, February on its last day. */
  static const char *const expected[] = {
    "2027-01-31T08:00:00.0000000", "2027-02-28T08:00:00.0000000",
    "2027-03-01T07:00:00.0000000", "2027-03-03T06:00:00.0000000", "2027-03-03T07:00:00.0000000",
    "2027-03-05T07:00:00.0000000", "2027-03-07T07:00:00.0000000", "2027-03-09T07:00:00.0000000",
    "2027-03-15T06:00:00.0000000", "2027-03-17T06:00:00.0000000", "2027-03-29T06:00:00.0000000",
    "2027-03-31T08:00:00.0000000",
  };
  static const char *const patterns[] = {
    "\"pattern\":{\"type\":\"daily\",\"interval\":2},\"range\":{\"type\":\"endDate\",\"startDate\":\"2027-03-01\",\"endDate\":\"2027-03-09\"}",
    "\"pattern\":{\"type\":\"weekly\",\"interval\":2,\"daysOfWeek\":[\"wednesday\",\"monday\"],\"firstDayOfWeek\":\"monday\"},"
    "\"range\":{\"type\":\"numbered\",\"startDate\":\"2027-03-03\",\"numberOfOccurrences\":4}",
    "\"pattern\":{\"type\":\"absoluteMonthly\",\"interval\":1,\"dayOfMonth\":31},\"range\":{\"type\":\"numbered\",\"startDate\":\"2027-01-31\",\"numberOfOccurrences\":3}",
  };
  static const char *const times[] = { "07:00", "06:00", "08:00" };
  static const char *const zones[] = { "UTC", "UTC", "Asia/Tokyo" };

  seed (fixture, &seeded);
  calendar = sbt_control (fixture, "calendars", "{\"user\":\"expert@sandbox.test\",\"name\":\"Patterns\"}", 201);
  for (guint i = 0; i < G_N_ELEMENTS (patterns); i++)
    {
      g_autofree char *first_day = g_strndup (strstr (patterns[i], "startDate") + 12, 10);
      g_autofree char *id = NULL;
      /* The monthly series is at 17:00 Tokyo, 08:00 UTC. */
      const char *time = g_str_equal (zones[i], "UTC") ? times[i] : "17:00";

      g_free (json);
      json = g_strdup_printf ("{\"calendar\":\"%s\",\"subject\":\"P%u\","
                              "\"start\":{\"dateTime\":\"%sT%s:00\",\"timeZone\":\"%s\"},"
                              "\"end\":{\"dateTime\":\"%sT%s:30\",\"timeZone\":\"%s\"},"
                              "\"recurrence\":{%s}}",
                              json_object_get_string_member (calendar, "id"), i,
                              first_day, time, zones[i], first_day, time, zones[i], patterns[i]);
      id = add_event (fixture, json);
    }
  path = g_strdup_printf ("/me/calendars/%s/calendarView?startDateTime=2027-01-01T00:00:00Z&endDateTime=2027-06-01T00:00:00Z",
                          json_object_get_string_member (calendar, "id"));
  events = read_view (fixture, seeded.token, path, NULL, &pages);
  g_assert_cmpuint (json_array_get_length (events), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    assert_time (json_array_get_object_element (events, i), "start", expected[i], "UTC");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/sandbox-microsoft/graph/" path, SbtFixture, GUINT_TO_POINTER (2), \
              sbt_fixture_setup, func, sbt_fixture_teardown)
  ADD ("calendar-view-pages", test_calendar_view_pages);
  ADD ("prefer-zone", test_prefer_zone);
  ADD ("view-parameters", test_view_parameters);
  ADD ("calendars", test_calendars);
  ADD ("event-writes", test_event_writes);
  ADD ("occurrence-writes", test_occurrence_writes);
  ADD ("delta", test_delta);
  ADD ("recurrence-patterns", test_recurrence_patterns);
#undef ADD
  return g_test_run ();
}
