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
#include <string.h>
#include <unistd.h>

#include "bk-availability-rules.h"
#include "bk-graph-client.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-sync-engine.h"
#include "bk-time.h"
#include "sync-fixture.h"
#include "test-authority.h"

#define UPN "expert@sandbox.test"
#define HOUR 3600

static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"min_notice_minutes\": 0, \"horizon_days\": 7,"
  "  \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
  "    \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]],"
  "    \"fri\": [[\"00:00\",\"23:00\"]], \"sat\": [[\"00:00\",\"23:00\"]],"
  "    \"sun\": [[\"00:00\",\"23:00\"]] } }";

static SoupSession *session;

typedef struct
{
  BkSandboxMicrosoft          *sandbox;
  GSettings                   *settings;
  BkStore                     *store;
  BkHttp                      *http;
  BkTokenStore                *tokens;
  BkOffice365CalendarStrategy *strategy;
  BkBackendClient             *client;
  BkSyncEngine                *engine;
  char                        *slug;
  char                        *calendar;   /* the Work calendar's id */
} Fixture;

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
open_uri_as_browser (const char *uri,
                     gpointer    user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (test_browser_get (uri, NULL, &error), ==, 200);
  g_assert_no_error (error);
}

/* One pass; NULL (and the error in @out_error) when it failed. */
static BkSyncReport *
try_pass (Fixture  *fixture,
          GError  **out_error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bk_sync_engine_sync_async (fixture->engine, NULL, done_cb, &result);
  return bk_sync_engine_sync_finish (fixture->engine, wait_for (&result), out_error);
}

static BkSyncReport *
run_pass (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  BkSyncReport *report = try_pass (fixture, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < report->messages->len; i++)
    g_test_message ("refused: %s", (char *) g_ptr_array_index (report->messages, i));
  g_assert_cmpuint (report->refused, ==, 0);
  return report;
}

/* The sandbox's events (stored shape) of the Work calendar that carry
 * @appointment_id in their extended property. */
static GPtrArray *
events_of (Fixture    *fixture,
           const char *appointment_id)
{
  g_autofree char *escaped = g_uri_escape_string (fixture->calendar, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/_sandbox/events?calendar=%s", escaped);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *events;
  guint status = 0;

  answer = bk_sandbox_microsoft_control (fixture->sandbox, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  events = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "value");
  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);
      JsonArray *properties;

      if (!json_object_has_member (event, "singleValueExtendedProperties"))
        continue;
      properties = json_object_get_array_member (event, "singleValueExtendedProperties");
      for (guint j = 0; j < json_array_get_length (properties); j++)
        if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (properties, j), "value"),
                       appointment_id) == 0)
          g_ptr_array_add (found, json_object_ref (event));
    }
  return found;
}

/* The id of the one event of @appointment_id. */
static char *
event_of (Fixture    *fixture,
          const char *appointment_id)
{
  g_autoptr(GPtrArray) events = events_of (fixture, appointment_id);

  g_assert_cmpuint (events->len, ==, 1);
  return g_strdup (json_object_get_string_member (g_ptr_array_index (events, 0), "id"));
}

static char *
backend_column (const char *column,
                const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM appointments WHERE id = '%s'", column, id);

  return bk_test_sql (sql);
}

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

static gboolean
published_has (const char *slug,
               gint64      start)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  g_autofree char *text = bk_time_format_iso8601_utc (start);
  JsonArray *array = json_node_get_array (slots);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "start"), text))
      return TRUE;
  return FALSE;
}

/* What the expert does in Outlook: Graph calls with their own sign-in. */
static void
expert_deletes (Fixture    *fixture,
                const char *event_id)
{
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bk_graph_client_delete_event_async (graph, event_id, NULL, done_cb, &result);
  g_assert_true (bk_graph_client_delete_event_finish (graph, wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
expert_moves (Fixture    *fixture,
              const char *event_id,
              gint64      start,
              gint64      end)
{
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) s = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) e = g_date_time_new_from_unix_utc (end);
  g_autofree char *s_text = g_date_time_format (s, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *e_text = g_date_time_format (e, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *body = g_strdup_printf ("{\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                                           "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}}",
                                           s_text, e_text);
  g_autoptr(JsonNode) changes = json_from_string (body, &error);

  g_assert_no_error (error);
  bk_graph_client_update_event_async (graph, event_id, changes, NULL, done_cb, &result);
  g_assert_true (bk_graph_client_update_event_finish (graph, wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autofree char *graph = NULL, *path = NULL, *account = NULL;
  g_autofree char *email = NULL, *password = NULL, *token = NULL;
  static guint serial;

  fixture->sandbox = bk_sandbox_microsoft_new ();
  g_assert_true (bk_sandbox_microsoft_start (fixture->sandbox, NULL, 0, &error));
  g_assert_true (bk_sandbox_microsoft_load_data (fixture->sandbox,
    "{ \"users\": [ { \"userPrincipalName\": \"" UPN "\", \"displayName\": \"Erika Expert\","
    "  \"timeZone\": \"UTC\", \"calendars\": ["
    "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": [] } ] } ] }", &error));
  g_assert_no_error (error);
  graph = bk_sandbox_microsoft_dup_graph_url (fixture->sandbox);
  fixture->settings = g_settings_new (APP_ID);
  g_settings_set_string (fixture->settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (fixture->sandbox));
  g_settings_set_string (fixture->settings, "graph-url", graph);
  g_settings_set_string (fixture->settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

  /* where bookablectl looks too */
  path = bk_store_get_default_path ();
  fixture->store = bk_store_open (path, &error);
  g_assert_no_error (error);
  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_save_rules (fixture->store, rules, &error));
  fixture->http = bk_http_new ();
  g_object_set (fixture->http, "backoff-scale", 0.001, NULL);
  fixture->tokens = bk_token_store_new ();
  fixture->strategy = bk_office365_calendar_strategy_new (fixture->store, fixture->http,
                                                          fixture->tokens, fixture->settings);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (fixture->strategy), open_uri_as_browser, NULL, NULL,
                                      done_cb, &connected);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (fixture->strategy), wait_for (&connected), &error);
  g_assert_no_error (error);
  calendars = bk_store_list_calendars (fixture->store, BK_PROVIDER_OFFICE365, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, 1);
  fixture->calendar = g_strdup (((BkCalendar *) g_ptr_array_index (calendars, 0))->remote_id);

  fixture->slug = g_strdup_printf ("two-way-%u-%u", (guint) getpid (), serial++);
  email = g_strdup_printf ("%s@example.com", fixture->slug);
  password = bk_test_expert_add (email, "Erika", fixture->slug, "UTC");
  token = bk_test_sign_in (session, sync_server_url (), email, password);
  fixture->client = bk_backend_client_new (fixture->http, sync_server_url ());
  bk_backend_client_set_token (fixture->client, token);
  fixture->engine = bk_sync_engine_new (fixture->store, fixture->client,
                                        BK_AVAILABILITY_STRATEGY (fixture->strategy));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  bk_sandbox_microsoft_stop (fixture->sandbox);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->strategy);
  g_clear_object (&fixture->tokens);
  g_clear_object (&fixture->http);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->sandbox);
  g_free (fixture->slug);
  g_free (fixture->calendar);
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
  report = run_pass (fixture);
  event = event_of (fixture, id);
  known = backend_column ("calendar_event_id", id);
  g_assert_cmpstr (known, ==, event);
  /* a later pass reads the new event in the calendar's changes: only what
   * a delta round has shown can come back as removed (Graph's rule too) */
  g_clear_pointer (&report, bk_sync_report_free);
  report = run_pass (fixture);
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

  first = run_pass (fixture);
  g_assert_true (first->published);

  /* the client books and cancels: the event comes and goes */
  a = sync_book (session, fixture->slug, 0, &a_cancel);
  g_assert_nonnull (a);
  bk_sync_report_free (run_pass (fixture));
  g_free (event_of (fixture, a));
  sync_client_cancel (session, a_cancel);
  cancelled = run_pass (fixture);
  gone = events_of (fixture, a);
  g_assert_cmpuint (gone->len, ==, 0);

  /* the expert deletes an appointment's event in Outlook: cancelled */
  b = book_and_mirror (fixture, 1);
  b_event = event_of (fixture, b);
  expert_deletes (fixture, b_event);
  deleted = run_pass (fixture);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = backend_column ("status", b);
  g_assert_cmpstr (status, ==, "cancelled");
  local = bk_store_get_appointment (fixture->store, b, NULL);
  g_assert_cmpint (bk_appointment_get_status (local), ==, BK_APPOINTMENT_STATUS_CANCELLED);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);

  /* the expert moves one two hours later: rescheduled, the event kept */
  c = book_and_mirror (fixture, 2);
  c_event = event_of (fixture, c);
  {
    g_autoptr(BkAppointment) booked = bk_store_get_appointment (fixture->store, c, NULL);

    c_start = bk_appointment_get_start (booked);
  }
  expert_moves (fixture, c_event, c_start + 2 * HOUR, c_start + 3 * HOUR);
  moved = run_pass (fixture);
  g_assert_cmpuint (moved->calendar_changes, ==, 1);
  g_free (status);
  status = backend_column ("status", c);
  g_assert_cmpstr (status, ==, "rescheduled");
  successor = backend_column ("rescheduled_to", c);
  g_assert_nonnull (successor);
  sql = g_strdup_printf ("SELECT to_char (start_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
                         " FROM appointments WHERE id = '%s'", successor);
  successor_start = bk_test_sql (sql);
  start_text = bk_time_format_iso8601_utc (c_start + 2 * HOUR);
  g_assert_cmpstr (successor_start, ==, start_text);
  successor_event = backend_column ("calendar_event_id", successor);
  g_assert_cmpstr (successor_event, ==, c_event);
  /* the client side sees it: the new hour is taken */
  g_assert_false (published_has (fixture->slug, c_start + 2 * HOUR));

  /* the next pass learns of the reschedule and keeps the moved event */
  after = run_pass (fixture);
  g_assert_cmpuint (after->calendar_changes, ==, 0);
  follows = events_of (fixture, c);
  g_assert_cmpuint (follows->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (follows, 0), "id"), ==, c_event);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);

  /* a pass with nothing new reads the calendar's changes once, and queues
   * nothing */
  bk_sandbox_microsoft_reset_stats (fixture->sandbox);
  quiet = run_pass (fixture);
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

  bk_sync_report_free (run_pass (fixture));
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

  report = run_pass (fixture);
  g_assert_cmpuint (report->calendar_changes, ==, 0);
  after = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar, &error);
  g_assert_no_error (error);
  g_assert_nonnull (after->link);
  g_assert_cmpstr (after->link, !=, forged);
  status = backend_column ("status", a);
  g_assert_cmpstr (status, ==, "booked");
  events = events_of (fixture, a);
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

  bk_sync_report_free (run_pass (fixture));
  a = sync_book (session, fixture->slug, 0, NULL);
  g_assert_nonnull (a);
  g_assert_true (bk_sandbox_microsoft_add_fault (fixture->sandbox,
                                                 "{\"kind\":\"429\",\"count\":-1,\"retryAfter\":0}", &error));
  g_assert_no_error (error);
  stormy = try_pass (fixture, &pass_error);
  /* nothing gets through: the pass stops with the work kept */
  g_assert_null (stormy);
  g_assert_nonnull (pass_error);
  g_test_message ("pass in the storm: %s", pass_error->message);
  bk_sync_report_free (stormy);
  g_free (bk_sandbox_microsoft_control (fixture->sandbox, "DELETE", "/_sandbox/faults", NULL, NULL));

  report = run_pass (fixture);
  bk_sync_report_free (run_pass (fixture));
  event = event_of (fixture, a);
  known = backend_column ("calendar_event_id", a);
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

  bk_sync_report_free (run_pass (fixture));
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
  report = run_pass (fixture);
  g_assert_cmpuint (report->conflicts, ==, 1);
  events = events_of (fixture, a);
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
  again = run_pass (fixture);
  g_assert_cmpuint (again->conflicts, ==, 1);
  g_clear_pointer (&events, g_ptr_array_unref);
  events = events_of (fixture, a);
  g_assert_cmpuint (events->len, ==, 0);

  /* the expert clears the meeting: the booking is written, once */
  expert_deletes (fixture, busy_id);
  resolved = run_pass (fixture);
  g_assert_cmpuint (resolved->conflicts, ==, 0);
  g_free (event_of (fixture, a));
  g_hash_table_unref (local);
  local = sync_local_appointments ();
  row = g_hash_table_lookup (local, a);
  g_assert_false (json_object_get_boolean_member (row, "conflict"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (row, "conflicts_with")), ==, 0);
  bk_sync_report_free (run_pass (fixture));
  g_free (event_of (fixture, a));
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();

  g_test_add ("/sync/two-way/office365", Fixture, NULL,
              fixture_set_up, test_office365_two_way, fixture_tear_down);
  g_test_add ("/sync/two-way/invalid-delta-link", Fixture, NULL,
              fixture_set_up, test_office365_invalid_delta_link, fixture_tear_down);
  g_test_add ("/sync/two-way/throttled", Fixture, NULL,
              fixture_set_up, test_office365_throttled, fixture_tear_down);
  g_test_add ("/sync/two-way/conflict", Fixture, NULL,
              fixture_set_up, test_office365_conflict, fixture_tear_down);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
