/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The busy cache from Office 365 delta rounds, end to end: a throwaway
 * PostgreSQL and a real bookable-server, the sandbox Microsoft service with
 * three calendars, a real keyring (tests/run-with-keyring).
 *
 * - a pass with nothing new costs one Graph request per selected calendar,
 *   one backend request, and no slot upload;
 * - what the expert does in any selected calendar (a busy event, marking it
 *   free, deleting it, a recurring series) reaches the published slots on
 *   the next pass, per occurrence;
 * - an appointment's event the expert deletes right after the pass that
 *   wrote it (no pass between) still cancels the appointment;
 * - a calendar deselected and selected again is read afresh: no stale and
 *   no missing busy time;
 * - a delta link kept by schema version 2 still brings its changes. */
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
#define DAY 86400

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
  char                        *calendar;   /* Work: the destination */
  char                        *family;
  char                        *team;
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
expert_updates (Fixture    *fixture,
                const char *event_id,
                const char *json)
{
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) changes = json_from_string (json, &error);

  g_assert_no_error (error);
  bk_graph_client_update_event_async (graph, event_id, changes, NULL, done_cb, &result);
  g_assert_true (bk_graph_client_update_event_finish (graph, wait_for (&result), &error));
  g_assert_no_error (error);
}

static char *
wall_time (gint64 instant)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (instant);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
}

/* An event of an hour at @start in @calendar; @extra adds members. */
static char *
expert_adds (Fixture    *fixture,
             const char *calendar,
             gint64      start,
             const char *extra)
{
  g_autofree char *s = wall_time (start);
  g_autofree char *e = wall_time (start + HOUR);
  g_autofree char *json = g_strdup_printf ("{\"calendar\":\"%s\",\"subject\":\"Busy\",\"showAs\":\"busy\","
                                           "\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                                           "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}%s}",
                                           calendar, s, e, extra ? extra : "");
  g_autoptr(GError) error = NULL;
  char *id = bk_sandbox_microsoft_add_event (fixture->sandbox, json, &error);

  g_assert_no_error (error);
  return id;
}

static const char *
remote_id_named (GPtrArray  *calendars,
                 const char *name)
{
  for (guint i = 0; i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (g_str_equal (calendar->name, name))
        return calendar->remote_id;
    }
  g_assert_not_reached ();
}

static void
select_calendars (Fixture            *fixture,
                  const char * const *ids)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_select_calendars (fixture->store, BK_PROVIDER_OFFICE365, ids, fixture->calendar,
                                            &error));
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
    "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": [] },"
    "  { \"name\": \"Family\", \"canEdit\": true, \"events\": [] },"
    "  { \"name\": \"Team\", \"canEdit\": true, \"events\": [] } ] } ] }", &error));
  g_assert_no_error (error);
  graph = bk_sandbox_microsoft_dup_graph_url (fixture->sandbox);
  fixture->settings = g_settings_new (APP_ID);
  g_settings_set_string (fixture->settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (fixture->sandbox));
  g_settings_set_string (fixture->settings, "graph-url", graph);
  g_settings_set_string (fixture->settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

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
  g_assert_cmpuint (calendars->len, ==, 3);
  fixture->calendar = g_strdup (remote_id_named (calendars, "Work"));
  fixture->family = g_strdup (remote_id_named (calendars, "Family"));
  fixture->team = g_strdup (remote_id_named (calendars, "Team"));
  select_calendars (fixture, (const char *[]) { fixture->calendar, fixture->family, fixture->team, NULL });

  fixture->slug = g_strdup_printf ("busy-delta-%u-%u", (guint) getpid (), serial++);
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
  g_free (fixture->family);
  g_free (fixture->team);
}

/* Tomorrow at @hour UTC. */
static gint64
tomorrow_at (guint hour)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return now - now % DAY + DAY + hour * HOUR;
}

/* (a) With three selected calendars, a pass with nothing new reads each
 * calendar's changes once and nothing else: 3 Graph requests (no
 * calendarView), the feed request, no upload. */
static void
test_no_change_requests (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) first = NULL, quiet = NULL;

  first = run_pass (fixture);
  g_assert_true (first->published);
  /* the first pass's full rounds and the slots they gave */
  g_assert_cmpuint (first->calendar_requests, ==, 3);

  bk_sandbox_microsoft_reset_stats (fixture->sandbox);
  quiet = run_pass (fixture);
  g_assert_false (quiet->published);
  g_assert_cmpuint (quiet->requests, ==, 1);
  g_assert_cmpuint (quiet->calendar_requests, ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->sandbox, NULL), ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->sandbox,
                      "GET /v1.0/me/calendars/{id}/calendarView/delta"), ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->sandbox,
                      "GET /v1.0/me/calendars/{id}/calendarView"), ==, 0);
}

/* (b) A busy event in a calendar that is not the destination takes its
 * slot on the next pass; marked free it gives it back, busy again takes it,
 * deleted gives it back. A recurring series takes one slot per occurrence,
 * and shortening it gives the dropped occurrence's slot back. */
static void
test_busy_event (Fixture       *fixture,
                 gconstpointer  user_data)
{
  gint64 at = tomorrow_at (10);
  gint64 series_at = tomorrow_at (14);
  g_autofree char *event = NULL, *series = NULL, *extra = NULL, *shorter = NULL;
  g_autoptr(GDateTime) first_day = g_date_time_new_from_unix_utc (series_at);
  g_autofree char *start_date = g_date_time_format (first_day, "%Y-%m-%d");

  bk_sync_report_free (run_pass (fixture));
  g_assert_true (published_has (fixture->slug, at));

  event = expert_adds (fixture, fixture->family, at, NULL);
  bk_sync_report_free (run_pass (fixture));
  g_assert_false (published_has (fixture->slug, at));
  g_assert_true (published_has (fixture->slug, at + HOUR));

  expert_updates (fixture, event, "{\"showAs\":\"free\"}");
  bk_sync_report_free (run_pass (fixture));
  g_assert_true (published_has (fixture->slug, at));

  expert_updates (fixture, event, "{\"showAs\":\"busy\"}");
  bk_sync_report_free (run_pass (fixture));
  g_assert_false (published_has (fixture->slug, at));

  expert_deletes (fixture, event);
  bk_sync_report_free (run_pass (fixture));
  g_assert_true (published_has (fixture->slug, at));

  /* three daily occurrences in Team */
  extra = g_strdup_printf (",\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":1},"
                           "\"range\":{\"type\":\"numbered\",\"startDate\":\"%s\",\"numberOfOccurrences\":3}}",
                           start_date);
  series = expert_adds (fixture, fixture->team, series_at, extra);
  bk_sync_report_free (run_pass (fixture));
  for (guint i = 0; i < 3; i++)
    g_assert_false (published_has (fixture->slug, series_at + i * DAY));
  g_assert_true (published_has (fixture->slug, series_at + 3 * DAY));

  shorter = g_strdup_printf ("{\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":1},"
                             "\"range\":{\"type\":\"numbered\",\"startDate\":\"%s\",\"numberOfOccurrences\":2}}}",
                             start_date);
  expert_updates (fixture, series, shorter);
  bk_sync_report_free (run_pass (fixture));
  g_assert_false (published_has (fixture->slug, series_at));
  g_assert_false (published_has (fixture->slug, series_at + DAY));
  g_assert_true (published_has (fixture->slug, series_at + 2 * DAY));
}

/* (c) The pass that writes a booking's event reads the destination once
 * more, so the event has been returned by a delta round: the expert
 * deleting it right away is reported by the very next pass. */
static void
test_deleted_before_next_pass (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) written = NULL, deleted = NULL;
  g_autofree char *id = NULL, *event = NULL, *status = NULL;

  bk_sync_report_free (run_pass (fixture));
  id = sync_book (session, fixture->slug, 0, NULL);
  g_assert_nonnull (id);
  written = run_pass (fixture);
  event = event_of (fixture, id);

  expert_deletes (fixture, event);
  deleted = run_pass (fixture);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = backend_column ("status", id);
  g_assert_cmpstr (status, ==, "cancelled");
  /* what it took: the rounds of three calendars, the event, the
   * destination once more */
  g_assert_cmpuint (written->calendar_requests, ==, 5);
}

/* (d) A deselected calendar's cache and link are forgotten; selected again
 * it is read in full: what was deleted meanwhile no longer blocks, what was
 * added does. */
static void
test_reselect (Fixture       *fixture,
               gconstpointer  user_data)
{
  gint64 at = tomorrow_at (9), later = tomorrow_at (16);
  g_autofree char *first = NULL, *second = NULL;
  g_autoptr(BkCalendarDelta) delta = NULL;
  g_autoptr(BkSyncReport) reselected = NULL;
  g_autoptr(GError) error = NULL;

  first = expert_adds (fixture, fixture->family, at, NULL);
  bk_sync_report_free (run_pass (fixture));
  g_assert_false (published_has (fixture->slug, at));

  select_calendars (fixture, (const char *[]) { fixture->calendar, fixture->team, NULL });
  bk_sync_report_free (run_pass (fixture));
  g_assert_true (published_has (fixture->slug, at));

  /* while Family is not selected */
  expert_deletes (fixture, first);
  second = expert_adds (fixture, fixture->family, later, NULL);

  select_calendars (fixture, (const char *[]) { fixture->calendar, fixture->family, fixture->team, NULL });
  delta = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->family, &error);
  g_assert_no_error (error);
  g_assert_null (delta->link);
  reselected = run_pass (fixture);
  g_assert_cmpuint (reselected->calendar_requests, ==, 3);
  g_assert_true (published_has (fixture->slug, at));
  g_assert_false (published_has (fixture->slug, later));
}

/* A delta link from schema version 2 (no window, a cache without event
 * ids): its round still brings the expert's changes, then a full round
 * rebuilds the cache and keeps a link with its window. */
static void
test_version_2_link (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) upgraded = NULL;
  g_autoptr(BkCalendarDelta) delta = NULL, after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *event = NULL, *status = NULL;

  bk_sync_report_free (run_pass (fixture));
  id = sync_book (session, fixture->slug, 0, NULL);
  g_assert_nonnull (id);
  bk_sync_report_free (run_pass (fixture));
  event = event_of (fixture, id);
  delta = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_set_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar,
                                              delta->link, 0, 0, &error));
  g_assert_no_error (error);

  expert_deletes (fixture, event);
  upgraded = run_pass (fixture);
  g_assert_cmpuint (upgraded->calendar_changes, ==, 1);
  status = backend_column ("status", id);
  g_assert_cmpstr (status, ==, "cancelled");
  /* three rounds, and the destination's full one */
  g_assert_cmpuint (upgraded->calendar_requests, ==, 4);
  after = bk_store_get_calendar_delta (fixture->store, BK_PROVIDER_OFFICE365, fixture->calendar, &error);
  g_assert_nonnull (after->link);
  g_assert_cmpint (after->from, <, after->to);
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

  g_test_add ("/sync/busy-delta/no-change-requests", Fixture, NULL,
              fixture_set_up, test_no_change_requests, fixture_tear_down);
  g_test_add ("/sync/busy-delta/busy-event", Fixture, NULL,
              fixture_set_up, test_busy_event, fixture_tear_down);
  g_test_add ("/sync/busy-delta/deleted-before-next-pass", Fixture, NULL,
              fixture_set_up, test_deleted_before_next_pass, fixture_tear_down);
  g_test_add ("/sync/busy-delta/reselect", Fixture, NULL,
              fixture_set_up, test_reselect, fixture_tear_down);
  g_test_add ("/sync/busy-delta/version-2-link", Fixture, NULL,
              fixture_set_up, test_version_2_link, fixture_tear_down);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
