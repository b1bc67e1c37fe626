/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two-way calendar sync and conflicts, end to end: a throwaway PostgreSQL
 * and a real bookable-server, the sandbox Microsoft service, a real keyring
 * (tests/run-with-keyring). What the expert does in Outlook (here: the same
 * Graph calls Outlook makes, against the sandbox) reaches the backend: a
 * deleted appointment event cancels the appointment, a moved one
 * reschedules it. A booking over time that became busy after the slots
 * were published is a conflict and is not written into the calendar. */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-time.h"
#include "sync-office365-fixture.h"

#define HOUR 3600

static SoupSession *session;

/* The sandbox: the expert's one calendar, Work, empty. */
static const char sandbox_data[] =
  "{ \"users\": [ { \"userPrincipalName\": \"" SYNC_OFFICE365_UPN "\","
  "  \"displayName\": \"Erika Expert\", \"timeZone\": \"UTC\", \"calendars\": ["
  "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": [] } ] } ] }";

typedef SyncOffice365 Fixture;

static gint64
slot_start (const char *slug,
            guint       index)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  JsonArray *array = json_node_get_array (slots);
  gint64 start = 0;

  g_assert_cmpuint (index, <, json_array_get_length (array));
  g_assert_true (bk_time_parse_iso8601 (json_object_get_string_member (json_array_get_object_element (array, index), "start"),
                                        &start, NULL));
  return start;
}

/* The expert moves an event in Outlook. */
static void
expert_moves (Fixture    *fixture,
              const char *event_id,
              gint64      start,
              gint64      end)
{
  g_autoptr(GDateTime) s = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) e = g_date_time_new_from_unix_utc (end);
  g_autofree char *s_text = g_date_time_format (s, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *e_text = g_date_time_format (e, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *body = g_strdup_printf ("{\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                                           "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}}",
                                           s_text, e_text);

  sync_office365_expert_updates (fixture, event_id, body);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  sync_office365_set_up (fixture, session, sandbox_data, 1, "two-way");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sync_office365_tear_down (fixture);
}

/* Books free slot @index and runs a pass: the booking's event exists and
 * the backend knows it. Returns the appointment id. */
static char *
book_and_mirror (Fixture *fixture,
                 guint    index)
{
  g_autofree char *id = sync_book (session, fixture->slug, index, NULL);
  g_autoptr(BkSyncReport) report = NULL;
  g_autofree char *event = NULL, *known = NULL;

  g_assert_nonnull (id);
  report = sync_pass_clean (fixture->engine);
  event = sync_office365_event_of (fixture, id);
  known = sync_backend_column ("calendar_event_id", id);
  g_assert_cmpstr (known, ==, event);
  /* a later pass reads the new event in the calendar's changes: only what
   * a delta round has shown can come back as removed (Graph's rule too) */
  g_clear_pointer (&report, bk_sync_report_free);
  report = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (report->calendar_changes, ==, 0);
  return g_steal_pointer (&id);
}

static void
test_office365_two_way (Fixture       *fixture,
                        gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) first = NULL, cancelled = NULL, deleted = NULL, moved = NULL, after = NULL;
  g_autoptr(BkSyncReport) quiet = NULL;
  g_autoptr(GPtrArray) gone = NULL, follows = NULL;
  g_autoptr(BkAppointment) local = NULL;
  g_autofree char *a = NULL, *a_cancel = NULL, *b = NULL, *c = NULL;
  g_autofree char *b_event = NULL, *c_event = NULL, *status = NULL, *successor = NULL, *sql = NULL;
  g_autofree char *successor_event = NULL, *successor_start = NULL, *start_text = NULL;
  gint64 c_start;

  first = sync_pass_clean (fixture->engine);
  g_assert_true (first->published);

  /* the client books and cancels: the event comes and goes */
  a = sync_book (session, fixture->slug, 0, &a_cancel);
  g_assert_nonnull (a);
  bk_sync_report_free (sync_pass_clean (fixture->engine));
  g_free (sync_office365_event_of (fixture, a));
  sync_client_cancel (session, a_cancel);
  cancelled = sync_pass_clean (fixture->engine);
  gone = sync_office365_events_of (fixture, a);
  g_assert_cmpuint (gone->len, ==, 0);

  /* the expert deletes an appointment's event in Outlook: cancelled */
  b = book_and_mirror (fixture, 1);
  b_event = sync_office365_event_of (fixture, b);
  sync_office365_expert_deletes (fixture, b_event);
  deleted = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = sync_backend_column ("status", b);
  g_assert_cmpstr (status, ==, "cancelled");
  local = bk_store_get_appointment (fixture->store, b, NULL);
  g_assert_cmpint (bk_appointment_get_status (local), ==, BK_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);

  /* the expert moves one two hours later: rescheduled, the event kept */
  c = book_and_mirror (fixture, 2);
  c_event = sync_office365_event_of (fixture, c);
  {
    g_autoptr(BkAppointment) booked = bk_store_get_appointment (fixture->store, c, NULL);

    c_start = bk_appointment_get_start (booked);
  }
  expert_moves (fixture, c_event, c_start + 2 * HOUR, c_start + 3 * HOUR);
  moved = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (moved->calendar_changes, ==, 1);
  g_free (status);
  status = sync_backend_column ("status", c);
  g_assert_cmpstr (status, ==, "rescheduled");
  successor = sync_backend_column ("rescheduled_to", c);
  g_assert_nonnull (successor);
  sql = g_strdup_printf ("SELECT to_char (start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                         " FROM appointments WHERE id = '%s'", successor);
  successor_start = bk_test_sql (sql);
  start_text = bk_time_format_iso8601_utc (c_start + 2 * HOUR);
  g_assert_cmpstr (successor_start, ==, start_text);
  successor_event = sync_backend_column ("calendar_event_id", successor);
  g_assert_cmpstr (successor_event, ==, c_event);
  /* the client side sees it: the new hour is taken */
  g_assert_false (sync_published_has (session, fixture->slug, c_start + 2 * HOUR));

  /* the next pass learns of the reschedule and keeps the moved event */
  after = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (after->calendar_changes, ==, 0);
  follows = sync_office365_events_of (fixture, c);
  g_assert_cmpuint (follows->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (follows, 0), "id"), ==, c_event);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);

  /* a pass with nothing new reads the calendar's changes once, and queues
   * nothing */
  bk_sandbox_microsoft_reset_stats (fixture->sandbox);
  quiet = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (quiet->calendar_changes, ==, 0);
  g_assert_cmpuint (quiet->sent, ==, 0);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->sandbox,
                      "GET /v1.0/me/calendars/{id}/calendarView/delta"), ==, 1);
  g_test_message ("no-change pass: %" G_GUINT64_FORMAT " Graph requests, %u backend requests",
                  bk_sandbox_microsoft_get_request_count (fixture->sandbox, NULL), quiet->requests);
}

/* A delta link Graph no longer takes: a full round, nothing sent twice. */
static void
test_office365_invalid_delta_link (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(BkCalendarDelta) before = NULL, after = NULL;
  g_autofree char *a = NULL, *graph = NULL, *forged = NULL, *status = NULL;
  g_autofree char *escaped = NULL;
  g_autoptr(GPtrArray) events = NULL;

  bk_sync_report_free (sync_pass_clean (fixture->engine));
  a = book_and_mirror (fixture, 0);
  /* the link is kept with the calendar, with the window of its rounds */
  before = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar, &error);
  g_assert_no_error (error);
  g_assert_nonnull (before->link);
  g_assert_cmpint (before->from, <, before->to);

  graph = bk_sandbox_microsoft_dup_graph_url (fixture->sandbox);
  escaped = g_uri_escape_string (fixture->calendar, NULL, FALSE);
  forged = g_strdup_printf ("%s/me/calendars/%s/calendarView/delta?$deltatoken=forged", graph, escaped);
  g_assert_true (bk_store_set_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar,
                                              forged, before->from, before->to, &error));
  g_assert_no_error (error);

  report = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (report->calendar_changes, ==, 0);
  after = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar, &error);
  g_assert_no_error (error);
  g_assert_nonnull (after->link);
  g_assert_cmpstr (after->link, !=, forged);
  status = sync_backend_column ("status", a);
  g_assert_cmpstr (status, ==, "booked");
  events = sync_office365_events_of (fixture, a);
  g_assert_cmpuint (events->len, ==, 1);
}

/* Graph throttles every request during a pass: the pass fails, the next
 * one converges — one event, the backend knows it. */
static void
test_office365_throttled (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) pass_error = NULL;
  g_autofree char *a = NULL, *event = NULL, *known = NULL;
  BkSyncReport *stormy;

  bk_sync_report_free (sync_pass_clean (fixture->engine));
  a = sync_book (session, fixture->slug, 0, NULL);
  g_assert_nonnull (a);
  g_assert_true (bk_sandbox_microsoft_add_fault (fixture->sandbox,
                                                 "{\"kind\":\"429\",\"count\":-1,\"retryAfter\":0}", &error));
  g_assert_no_error (error);
  stormy = sync_pass_try (fixture->engine, &pass_error);
  /* nothing gets through: the pass stops with the work kept */
  g_assert_null (stormy);
  g_assert_nonnull (pass_error);
  g_test_message ("pass in the storm: %s", pass_error->message);
  bk_sync_report_free (stormy);
  g_free (bk_sandbox_microsoft_control (fixture->sandbox, "DELETE", "/_sandbox/faults", NULL, NULL));

  report = sync_pass_clean (fixture->engine);
  bk_sync_report_free (sync_pass_clean (fixture->engine));
  event = sync_office365_event_of (fixture, a);
  known = sync_backend_column ("calendar_event_id", a);
  g_assert_cmpstr (known, ==, event);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);
}

/* The calendar fills a published slot, then a client books it: conflict,
 * shown by bookablectl, and no event written. */
static void
test_office365_conflict (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) report = NULL, again = NULL, resolved = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) local = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GDateTime) s = NULL, e = NULL;
  g_autofree char *a = NULL, *s_text = NULL, *e_text = NULL, *json = NULL, *busy_id = NULL;
  g_autofree char *busy_start = NULL;
  JsonObject *row;
  JsonArray *with;
  gint64 start;

  bk_sync_report_free (sync_pass_clean (fixture->engine));
  start = slot_start (fixture->slug, 3);
  s = g_date_time_new_from_unix_utc (start);
  e = g_date_time_new_from_unix_utc (start + HOUR);
  s_text = g_date_time_format (s, "%Y-%m-%dT%H:%M:%S");
  e_text = g_date_time_format (e, "%Y-%m-%dT%H:%M:%S");
  json = g_strdup_printf ("{\"calendar\":\"%s\",\"subject\":\"Board meeting\",\"showAs\":\"busy\","
                          "\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                          "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}}",
                          fixture->calendar, s_text, e_text);
  busy_id = bk_sandbox_microsoft_add_event (fixture->sandbox, json, &error);
  g_assert_no_error (error);

  /* the slot is still published: the client books it before the next pass */
  a = sync_book (session, fixture->slug, 3, NULL);
  g_assert_nonnull (a);
  report = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (report->conflicts, ==, 1);
  events = sync_office365_events_of (fixture, a);
  g_assert_cmpuint (events->len, ==, 0);

  local = sync_local_appointments ();
  row = g_hash_table_lookup (local, a);
  g_assert_nonnull (row);
  g_assert_true (json_object_get_boolean_member (row, "conflict"));
  with = json_object_get_array_member (row, "conflicts_with");
  g_assert_cmpuint (json_array_get_length (with), ==, 1);
  busy_start = bk_time_format_iso8601_utc (start);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (with, 0), "start"), ==, busy_start);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (with, 0), "calendar_id"), ==,
                   fixture->calendar);

  /* still held back on the next pass: never written twice, never dropped */
  again = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (again->conflicts, ==, 1);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = sync_office365_events_of (fixture, a);
  g_assert_cmpuint (events->len, ==, 0);

  /* the expert clears the meeting: the booking is written, once */
  sync_office365_expert_deletes (fixture, busy_id);
  resolved = sync_pass_clean (fixture->engine);
  g_assert_cmpuint (resolved->conflicts, ==, 0);
  g_free (sync_office365_event_of (fixture, a));
  g_hash_table_unref (local);
  local = sync_local_appointments ();
  row = g_hash_table_lookup (local, a);
  g_assert_false (json_object_get_boolean_member (row, "conflict"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "conflicts_with")), ==, 0);
  bk_sync_report_free (sync_pass_clean (fixture->engine));
  g_free (sync_office365_event_of (fixture, a));
}

int
main (int    argc,
      char **argv)
{
  session = sync_test_init (&argc, &argv);

  g_test_add ("/sync/two-way/office365", Fixture, NULL,
              fixture_set_up, test_office365_two_way, fixture_tear_down);
  g_test_add ("/sync/two-way/invalid-delta-link", Fixture, NULL,
              fixture_set_up, test_office365_invalid_delta_link, fixture_tear_down);
  g_test_add ("/sync/two-way/throttled", Fixture, NULL,
              fixture_set_up, test_office365_throttled, fixture_tear_down);
  g_test_add ("/sync/two-way/conflict", Fixture, NULL,
              fixture_set_up, test_office365_conflict, fixture_tear_down);

  return sync_test_run (session);
}
