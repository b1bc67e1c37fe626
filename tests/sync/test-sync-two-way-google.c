/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Two-way calendar sync with Google Calendar, end to end: a throwaway
 * PostgreSQL and a real bookable-server, the sandbox Google service, a real
 * keyring (tests/run-with-keyring). The expert deletes or moves an
 * appointment's event in Google (the same API calls Google Calendar makes,
 * against the sandbox): the next pass cancels or reschedules it on the
 * backend. An expired sync token (410) is a full resync that sends nothing
 * twice. An event keeps its calendar: after the expert picks another
 * destination, a cancellation or a reschedule on the backend reaches the
 * event where it was written, and no copy is left behind; and the expert's
 * moves and deletions there still reach the backend (the old calendar is
 * read while it holds a booked appointment's event, and only then). */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "bk-availability-rules.h"
#include "bk-google-calendar-strategy.h"
#include "bk-google-client.h"
#include "bk-sandbox-google.h"
#include "bk-sync-engine.h"
#include "bk-time.h"
#include "sync-fixture.h"
#include "test-authority.h"

#define EMAIL "expert@sandbox.test"
#define TEAM  "team0sandbox@group.calendar.google.com"
#define HOUR 3600

static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"min_notice_minutes\": 0, \"horizon_days\": 7,"
  "  \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
  "    \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]],"
  "    \"fri\": [[\"00:00\",\"23:00\"]], \"sat\": [[\"00:00\",\"23:00\"]],"
  "    \"sun\": [[\"00:00\",\"23:00\"]] } }";

/* a second writable calendar, not chosen at first */
static const char data_json[] =
  "{ \"users\": [ { \"email\": \"" EMAIL "\", \"name\": \"Erika Expert\", \"timeZone\": \"UTC\","
  "  \"calendars\": [ { \"primary\": true, \"events\": [] },"
  "    { \"id\": \"" TEAM "\", \"summary\": \"Practice team\", \"accessRole\": \"writer\","
  "      \"events\": [] } ] } ] }";

static SoupSession *session;

typedef struct
{
  BkSandboxGoogle          *sandbox;
  GSettings                *settings;
  BkStore                  *store;
  BkHttp                   *http;
  BkTokenStore             *tokens;
  BkGoogleCalendarStrategy *strategy;
  BkBackendClient          *client;
  BkSyncEngine             *engine;
  char                     *slug;
  char                     *token;  /* the expert's, for the backend's API */
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

static BkSyncReport *
run_pass (Fixture *fixture)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BkSyncReport *report;

  bk_sync_engine_sync_async (fixture->engine, NULL, done_cb, &result);
  report = bk_sync_engine_sync_finish (fixture->engine, wait_for (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < report->messages->len; i++)
    g_test_message ("refused: %s", (char *) g_ptr_array_index (report->messages, i));
  g_assert_cmpuint (report->refused, ==, 0);
  return report;
}

/* The live (not cancelled) events of @calendar with id @id (NULL: all),
 * and in @out_start (may be NULL) the start of the last one found. */
static guint
live_events_in (Fixture     *fixture,
                const char  *calendar,
                const char  *id,
                char       **out_start)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  g_autofree char *path = g_strconcat ("/_sandbox/events?calendar=", calendar, NULL);
  JsonArray *items;
  guint status = 0, found = 0;

  answer = bk_sandbox_google_control (fixture->sandbox, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *event = json_array_get_object_element (items, i);

      if ((id == NULL || g_strcmp0 (json_object_get_string_member_with_default (event, "id", NULL), id) == 0)
          && g_strcmp0 (json_object_get_string_member_with_default (event, "status", NULL), "cancelled") != 0)
        {
          found++;
          if (out_start != NULL)
            {
              g_free (*out_start);
              *out_start = g_strdup (json_object_get_string_member (json_object_get_object_member (event, "start"),
                                                                    "dateTime"));
            }
        }
    }
  return found;
}

/* The live events of the primary calendar with id @id. */
static guint
live_events (Fixture    *fixture,
             const char *id)
{
  return live_events_in (fixture, EMAIL, id, NULL);
}

static char *
backend_column (const char *column,
                const char *id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM appointments WHERE id = '%s'", column, id);

  return bk_test_sql (sql);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GAsyncResult) connected = NULL;
  g_autofree char *api = NULL, *url = NULL, *path = NULL, *account = NULL;
  g_autofree char *email = NULL, *password = NULL;
  static guint serial;

  fixture->sandbox = bk_sandbox_google_new ();
  g_assert_true (bk_sandbox_google_start (fixture->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (bk_sandbox_google_load_data (fixture->sandbox, data_json, &error));
  g_assert_no_error (error);
  api = bk_sandbox_google_dup_api_url (fixture->sandbox);
  fixture->settings = g_settings_new (APP_ID);
  url = g_strconcat (bk_sandbox_google_get_url (fixture->sandbox), "/o/oauth2/v2/auth", NULL);
  g_settings_set_string (fixture->settings, "google-auth-url", url);
  g_free (url);
  url = g_strconcat (bk_sandbox_google_get_url (fixture->sandbox), "/token", NULL);
  g_settings_set_string (fixture->settings, "google-token-url", url);
  g_settings_set_string (fixture->settings, "google-api-url", api);
  g_settings_set_string (fixture->settings, "google-client-id", BK_SANDBOX_GOOGLE_CLIENT_ID);
  g_settings_set_string (fixture->settings, "google-client-secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET);

  path = bk_store_get_default_path ();
  fixture->store = bk_store_open (path, &error);
  g_assert_no_error (error);
  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_save_rules (fixture->store, rules, &error));
  fixture->http = bk_http_new ();
  g_object_set (fixture->http, "backoff-scale", 0.001, NULL);
  fixture->tokens = bk_token_store_new ();
  fixture->strategy = bk_google_calendar_strategy_new (fixture->store, fixture->http,
                                                       fixture->tokens, fixture->settings);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (fixture->strategy), open_uri_as_browser, NULL, NULL,
                                      done_cb, &connected);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (fixture->strategy), wait_for (&connected), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, EMAIL);

  fixture->slug = g_strdup_printf ("two-way-g-%u-%u", (guint) getpid (), serial++);
  email = g_strdup_printf ("%s@example.com", fixture->slug);
  password = bk_test_expert_add (email, "Erika", fixture->slug, "UTC");
  fixture->token = bk_test_sign_in (session, sync_server_url (), email, password);
  fixture->client = bk_backend_client_new (fixture->http, sync_server_url ());
  bk_backend_client_set_token (fixture->client, fixture->token);
  fixture->engine = bk_sync_engine_new (fixture->store, fixture->client,
                                        BK_AVAILABILITY_STRATEGY (fixture->strategy));
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  bk_sandbox_google_stop (fixture->sandbox);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->strategy);
  g_clear_object (&fixture->tokens);
  g_clear_object (&fixture->http);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->sandbox);
  g_free (fixture->slug);
  g_free (fixture->token);
}

/* Books free slot @index; a pass writes the event (the backend knows its
 * id), a second one reads it back in the calendar's changes. Returns the
 * appointment id and its event id. */
static char *
book_and_mirror (Fixture  *fixture,
                 guint     index,
                 char    **out_event)
{
  g_autofree char *id = sync_book (session, fixture->slug, index, NULL);
  g_autofree char *known = NULL;
  BkSyncReport *report;

  g_assert_nonnull (id);
  bk_sync_report_free (run_pass (fixture));
  *out_event = bk_google_event_id_for_appointment (id);
  g_assert_cmpuint (live_events (fixture, *out_event), ==, 1);
  known = backend_column ("calendar_event_id", id);
  g_assert_cmpstr (known, ==, *out_event);
  report = run_pass (fixture);
  g_assert_cmpuint (report->calendar_changes, ==, 0);
  bk_sync_report_free (report);
  return g_steal_pointer (&id);
}

static void
test_google_two_way (Fixture       *fixture,
                     gconstpointer  user_data)
{
  BkGoogleClient *google = bk_google_calendar_strategy_get_client (fixture->strategy);
  g_autoptr(BkSyncReport) deleted = NULL, moved = NULL, after = NULL, resynced = NULL;
  g_autoptr(GAsyncResult) result = NULL, patched = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) changes = NULL;
  g_autoptr(BkAppointment) booked = NULL;
  g_autofree char *b = NULL, *b_event = NULL, *c = NULL, *c_event = NULL;
  g_autofree char *status = NULL, *successor = NULL, *successor_event = NULL, *body = NULL;
  g_autofree char *s = NULL, *e = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *before = NULL, *now_link = NULL;
  gint64 c_start;

  bk_sync_report_free (run_pass (fixture));

  /* the expert deletes an appointment's event in Google: cancelled */
  b = book_and_mirror (fixture, 0, &b_event);
  bk_google_client_delete_event_async (google, EMAIL, b_event, NULL, done_cb, &result);
  g_assert_true (bk_google_client_delete_event_finish (google, wait_for (&result), &error));
  g_assert_no_error (error);
  deleted = run_pass (fixture);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = backend_column ("status", b);
  g_assert_cmpstr (status, ==, "cancelled");

  /* the expert moves one two hours later: rescheduled, the event kept */
  c = book_and_mirror (fixture, 1, &c_event);
  booked = bk_store_get_appointment (fixture->store, c, NULL);
  c_start = bk_appointment_get_start (booked);
  s = bk_google_format_instant (c_start + 2 * HOUR);
  e = bk_google_format_instant (c_start + 3 * HOUR);
  body = g_strdup_printf ("{\"start\":{\"dateTime\":\"%s\"},\"end\":{\"dateTime\":\"%s\"}}", s, e);
  changes = json_from_string (body, &error);
  g_assert_no_error (error);
  bk_google_client_patch_event_async (google, EMAIL, c_event, changes, NULL, done_cb, &patched);
  g_assert_true (bk_google_client_patch_event_finish (google, wait_for (&patched), &error));
  g_assert_no_error (error);
  moved = run_pass (fixture);
  g_assert_cmpuint (moved->calendar_changes, ==, 1);
  g_free (status);
  status = backend_column ("status", c);
  g_assert_cmpstr (status, ==, "rescheduled");
  successor = backend_column ("rescheduled_to", c);
  successor_event = backend_column ("calendar_event_id", successor);
  g_assert_cmpstr (successor_event, ==, c_event);
  after = run_pass (fixture);
  g_assert_cmpuint (after->calendar_changes, ==, 0);
  g_assert_cmpuint (live_events (fixture, c_event), ==, 1);

  /* the sync token expires (410): a full resync, nothing sent twice */
  keys = bk_store_list_sync_state_keys (fixture->store, "calendar-link/", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (keys), ==, 1);
  before = bk_store_get_sync_state (fixture->store, keys[0], NULL);
  g_free (bk_sandbox_google_control (fixture->sandbox, "POST", "/_sandbox/invalidate-sync-tokens", "{}", NULL));
  resynced = run_pass (fixture);
  g_assert_cmpuint (resynced->calendar_changes, ==, 0);
  g_assert_cmpuint (resynced->sent, ==, 0);
  now_link = bk_store_get_sync_state (fixture->store, keys[0], NULL);
  g_assert_nonnull (now_link);
  g_assert_cmpstr (now_link, !=, before);
  g_assert_cmpuint (live_events (fixture, c_event), ==, 1);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);
}

/* The expert moves appointment @id by @by seconds through the backend's
 * API (as the web or another device would); the new appointment's id. */
static char *
backend_reschedule (Fixture    *fixture,
                    const char *id,
                    gint64      by)
{
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (fixture->store, id, NULL);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/me/appointments/%s", sync_server_url (), id);
  g_autofree char *start = NULL, *end = NULL, *body = NULL;
  g_autoptr(BkTestResponse) r = NULL;

  g_assert_nonnull (appointment);
  start = bk_time_format_iso8601_utc (bk_appointment_get_start (appointment) + by);
  end = bk_time_format_iso8601_utc (bk_appointment_get_end (appointment) + by);
  body = g_strdup_printf ("{\"start\":\"%s\",\"end\":\"%s\"}", start, end);
  r = bk_test_request (session, "PATCH", url, fixture->token, NULL, body);
  g_assert_cmpuint (r->status, ==, 200);
  return g_strdup (bk_test_json_string (r, "id"));
}

static void
test_destination_changed (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) switched = NULL, settled = NULL;
  g_autoptr(BkAppointment) moved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *a_token = NULL, *a_event = NULL;
  g_autofree char *b = NULL, *b_event = NULL, *b_next = NULL, *b_start = NULL, *want = NULL;
  g_autofree char *c = NULL, *c_event = NULL, *c_known = NULL;

  bk_sync_report_free (run_pass (fixture));
  a = sync_book (session, fixture->slug, 0, &a_token);
  b = sync_book (session, fixture->slug, 1, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  bk_sync_report_free (run_pass (fixture));
  a_event = bk_google_event_id_for_appointment (a);
  b_event = bk_google_event_id_for_appointment (b);
  g_assert_cmpuint (live_events (fixture, a_event), ==, 1);
  g_assert_cmpuint (live_events (fixture, b_event), ==, 1);

  /* the expert writes new appointments to the team calendar from now on;
   * then the client cancels one, and the other moves on the backend */
  g_assert_true (bk_store_select_calendars (fixture->store, BK_PROVIDER_GOOGLE,
                                            (const char *[]) { EMAIL, TEAM, NULL }, TEAM, &error));
  g_assert_no_error (error);
  sync_client_cancel (session, a_token);
  b_next = backend_reschedule (fixture, b, 3 * HOUR);
  switched = run_pass (fixture);
  g_assert_cmpuint (switched->calendar_changes, ==, 0);

  /* both reached the primary calendar, where their events are */
  g_assert_cmpuint (live_events (fixture, a_event), ==, 0);
  g_assert_cmpuint (live_events_in (fixture, EMAIL, b_event, &b_start), ==, 1);
  moved = bk_store_get_appointment (fixture->store, b_next, &error);
  g_assert_no_error (error);
  want = bk_google_format_instant (bk_appointment_get_start (moved));
  g_assert_cmpstr (b_start, ==, want);
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (moved), ==, b_event);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (moved), ==, EMAIL);
  /* no copy, no ghost in the new destination */
  g_assert_cmpuint (live_events_in (fixture, TEAM, NULL, NULL), ==, 0);

  /* a new booking is written to the new destination */
  c = sync_book (session, fixture->slug, 0, NULL);
  g_assert_nonnull (c);
  bk_sync_report_free (run_pass (fixture));
  c_event = bk_google_event_id_for_appointment (c);
  g_assert_cmpuint (live_events_in (fixture, TEAM, c_event, NULL), ==, 1);
  g_assert_cmpuint (live_events_in (fixture, TEAM, NULL, NULL), ==, 1);
  g_assert_cmpuint (live_events (fixture, c_event), ==, 0);
  c_known = backend_column ("calendar_event_id", c);
  g_assert_cmpstr (c_known, ==, c_event);

  /* and nothing is left to do */
  settled = run_pass (fixture);
  g_assert_cmpuint (settled->calendar_changes, ==, 0);
  g_assert_cmpuint (settled->sent, ==, 0);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);
  g_assert_cmpuint (live_events_in (fixture, EMAIL, NULL, NULL), ==, 1);
}

#define EVENTS_LIST "GET /calendar/v3/calendars/{id}/events"

/* A pass with nothing to do; its Google requests, in @out_lists the
 * events.list ones among them. */
static guint64
settled_pass_requests (Fixture *fixture,
                       guint64 *out_lists)
{
  guint64 all = bk_sandbox_google_get_request_count (fixture->sandbox, NULL);
  guint64 lists = bk_sandbox_google_get_request_count (fixture->sandbox, EVENTS_LIST);
  g_autoptr(BkSyncReport) report = run_pass (fixture);

  g_assert_cmpuint (report->calendar_changes, ==, 0);
  g_assert_cmpuint (report->sent, ==, 0);
  *out_lists = bk_sandbox_google_get_request_count (fixture->sandbox, EVENTS_LIST) - lists;
  return bk_sandbox_google_get_request_count (fixture->sandbox, NULL) - all;
}

/* What the client's cancel link shows of their appointment (UTC). */
static gboolean
client_sees (Fixture    *fixture,
             const char *cancel_token,
             gint64      start)
{
  g_autofree char *url = g_strdup_printf ("%s/book/cancel?token=%s&tz=UTC", sync_server_url (), cancel_token);
  g_autoptr(BkTestResponse) r = bk_test_request (session, "GET", url, NULL, NULL, NULL);
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (start);
  g_autofree char *when = g_date_time_format (time, "%-d %B %Y, %H:%M");

  g_assert_cmpuint (r->status, ==, 200);
  return strstr (r->body, when) != NULL;
}

/* The expert moves (by @by seconds) or, @by 0, deletes event @event_id in
 * calendar @calendar, as Google Calendar would. */
static void
expert_changes_event (Fixture    *fixture,
                      const char *calendar,
                      const char *event_id,
                      gint64      start,
                      gint64      by)
{
  BkGoogleClient *google = bk_google_calendar_strategy_get_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) changes = NULL;
  g_autofree char *s = NULL, *e = NULL, *body = NULL;

  if (by == 0)
    {
      bk_google_client_delete_event_async (google, calendar, event_id, NULL, done_cb, &result);
      g_assert_true (bk_google_client_delete_event_finish (google, wait_for (&result), &error));
      g_assert_no_error (error);
      return;
    }
  s = bk_google_format_instant (start + by);
  e = bk_google_format_instant (start + by + HOUR);
  body = g_strdup_printf ("{\"start\":{\"dateTime\":\"%s\"},\"end\":{\"dateTime\":\"%s\"}}", s, e);
  changes = json_from_string (body, &error);
  g_assert_no_error (error);
  bk_google_client_patch_event_async (google, calendar, event_id, changes, NULL, done_cb, &result);
  g_assert_true (bk_google_client_patch_event_finish (google, wait_for (&result), &error));
  g_assert_no_error (error);
}

/* The expert moves appointment @id's event from the primary calendar to
 * the team one by hand, as Google Calendar does: same id and times, a
 * tombstone left behind. */
static void
move_by_hand (Fixture    *fixture,
              const char *id)
{
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (fixture->store, id, NULL);
  g_autofree char *event_id = bk_google_event_id_for_appointment (id);
  g_autofree char *start = NULL, *end = NULL, *body = NULL, *added = NULL;
  guint status = 0;

  g_assert_nonnull (appointment);
  expert_changes_event (fixture, EMAIL, event_id, 0, 0);
  start = bk_google_format_instant (bk_appointment_get_start (appointment));
  end = bk_google_format_instant (bk_appointment_get_end (appointment));
  body = g_strdup_printf ("{\"calendar\": \"" TEAM "\", \"id\": \"%s\", \"summary\": \"Moved\","
                          " \"start\": {\"dateTime\": \"%s\"}, \"end\": {\"dateTime\": \"%s\"}}",
                          event_id, start, end);
  added = bk_sandbox_google_control (fixture->sandbox, "POST", "/_sandbox/events", body, &status);
  g_assert_cmpuint (status, ==, 201);
}

static gint64
start_of (Fixture    *fixture,
          const char *id)
{
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (fixture->store, id, NULL);

  g_assert_nonnull (appointment);
  return bk_appointment_get_start (appointment);
}

#define TEAM_TOKEN_KEY "calendar-link/" BK_PROVIDER_GOOGLE "/" TEAM

/* The expert moves appointment @id's event a day later in the primary
 * calendar (free then: the other bookings are the next hours) while
 * reading the destination fails: the backend reschedules it, its client
 * sees the new time, the destination's token stays. */
static void
check_moved_in_old_calendar (Fixture    *fixture,
                             const char *id,
                             const char *cancel_token)
{
  g_autoptr(BkSyncReport) moved = NULL;
  g_autofree char *event_id = bk_google_event_id_for_appointment (id);
  g_autofree char *team_token = NULL, *team_token_after = NULL;
  g_autofree char *status = NULL, *successor = NULL, *start = NULL, *want = NULL;
  gint64 was = start_of (fixture, id);

  g_assert_true (client_sees (fixture, cancel_token, was));
  expert_changes_event (fixture, EMAIL, event_id, was, 24 * HOUR);
  team_token = bk_store_get_sync_state (fixture->store, TEAM_TOKEN_KEY, NULL);
  g_assert_nonnull (team_token);
  g_free (bk_sandbox_google_control (fixture->sandbox, "POST", "/_sandbox/faults",
                                     "{\"kind\": \"malformed\", \"count\": -1, \"method\": \"GET\","
                                     " \"path\": \"/calendar/v3/calendars/team0sandbox\"}", NULL));
  moved = run_pass (fixture);
  g_free (bk_sandbox_google_control (fixture->sandbox, "DELETE", "/_sandbox/faults", NULL, NULL));
  g_assert_cmpuint (moved->calendar_changes, ==, 1);
  team_token_after = bk_store_get_sync_state (fixture->store, TEAM_TOKEN_KEY, NULL);
  g_assert_cmpstr (team_token_after, ==, team_token);

  status = backend_column ("status", id);
  g_assert_cmpstr (status, ==, "rescheduled");
  successor = backend_column ("rescheduled_to", id);
  start = backend_column ("extract (epoch FROM start_at)::bigint", successor);
  want = g_strdup_printf ("%" G_GINT64_FORMAT, was + 24 * HOUR);
  g_assert_cmpstr (start, ==, want);
  g_assert_true (client_sees (fixture, cancel_token, was + 24 * HOUR));
  g_assert_cmpuint (live_events_in (fixture, EMAIL, event_id, NULL), ==, 1);
}

/* The expert moves appointment @id's event into the team calendar by hand
 * (Google keeps its id; the primary calendar reports it gone): it stays
 * booked, and the store knows where its event is now. */
static void
check_moved_by_hand (Fixture    *fixture,
                     const char *id)
{
  g_autoptr(BkSyncReport) report = NULL;
  g_autoptr(BkAppointment) in_team = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  move_by_hand (fixture, id);
  report = run_pass (fixture);
  g_assert_cmpuint (report->calendar_changes, ==, 0);
  status = backend_column ("status", id);
  g_assert_cmpstr (status, ==, "booked");
  in_team = bk_store_get_appointment (fixture->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (in_team), ==, TEAM);
}

/* After the expert picks another destination, the old calendar still
 * holds the events of earlier bookings: moving or deleting one there
 * reaches the backend and the client. The old calendar is read only while
 * it holds such an event: a pass with every event in the destination makes
 * no more requests than before. */
static void
test_old_calendar (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) deleted = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL, *a_token = NULL, *b = NULL, *b_event = NULL;
  g_autofree char *c = NULL, *c_token = NULL, *status = NULL;
  guint64 base, base_lists, lists;

  bk_sync_report_free (run_pass (fixture));
  a = sync_book (session, fixture->slug, 0, &a_token);
  b = sync_book (session, fixture->slug, 1, NULL);
  c = sync_book (session, fixture->slug, 2, &c_token);
  bk_sync_report_free (run_pass (fixture));
  bk_sync_report_free (run_pass (fixture));
  g_assert_cmpuint (live_events (fixture, NULL), ==, 3);

  /* every event in the destination: one events.list, as ever */
  base = settled_pass_requests (fixture, &base_lists);
  g_assert_cmpuint (base_lists, ==, 1);

  /* the team calendar takes new bookings: the primary one is read too */
  g_assert_true (bk_store_select_calendars (fixture->store, BK_PROVIDER_GOOGLE,
                                            (const char *[]) { EMAIL, TEAM, NULL }, TEAM, &error));
  g_assert_no_error (error);
  bk_sync_report_free (run_pass (fixture));
  g_assert_cmpuint (settled_pass_requests (fixture, &lists), ==, base + 1);
  g_assert_cmpuint (lists, ==, base_lists + 1);

  check_moved_in_old_calendar (fixture, a, a_token);

  /* the expert deletes b's event there: cancelled */
  b_event = bk_google_event_id_for_appointment (b);
  expert_changes_event (fixture, EMAIL, b_event, 0, 0);
  deleted = run_pass (fixture);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = backend_column ("status", b);
  g_assert_cmpstr (status, ==, "cancelled");
  g_assert_cmpuint (live_events_in (fixture, TEAM, NULL, NULL), ==, 0);

  check_moved_by_hand (fixture, c);

  /* once the primary calendar holds no booked appointment's event, it is
   * not read any more; the client's cancellation reaches the team calendar */
  sync_client_cancel (session, a_token);
  sync_client_cancel (session, c_token);
  bk_sync_report_free (run_pass (fixture));
  g_assert_cmpuint (live_events (fixture, NULL), ==, 0);
  g_assert_cmpuint (live_events_in (fixture, TEAM, NULL, NULL), ==, 0);
  g_assert_cmpuint (settled_pass_requests (fixture, &lists), ==, base);
  g_assert_cmpuint (lists, ==, base_lists);
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture->engine), ==, 0);
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

  g_test_add ("/sync/two-way/google", Fixture, NULL,
              fixture_set_up, test_google_two_way, fixture_tear_down);
  g_test_add ("/sync/two-way/google/destination-changed", Fixture, NULL,
              fixture_set_up, test_destination_changed, fixture_tear_down);
  g_test_add ("/sync/two-way/google/old-calendar", Fixture, NULL,
              fixture_set_up, test_old_calendar, fixture_tear_down);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
