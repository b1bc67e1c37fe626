/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Google strategy against the sandbox Google service, in a real keyring
 * (run through tests/run-with-keyring): connect with PKCE and the client
 * secret, a forged redirect refused, refresh, revoked → reconnect needed;
 * busy times over three calendars with hand-worked slots, one failing →
 * its window blocked; a 55-calendar selection over 100 days chunked;
 * events.list when tentative time may be offered; insert retried → one
 * event; patch and delete reach the sandbox, also in the event's own
 * calendar after the destination changed; rate limits waited out. */
#define G_LOG_DOMAIN "test-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-google-calendar-strategy.h"
#include "bk-sandbox-google.h"
#include "bk-time.h"
#include "test-authority.h"

#define EMAIL "expert@sandbox.test"
#define TEAM  "team0sandbox@group.calendar.google.com"
#define HOLS  "holidays0sandbox@group.calendar.google.com"

/* Monday 2027-03-29, UTC throughout. */
#define WINDOW_FROM "2027-03-29T00:00:00Z"
#define WINDOW_TO   "2027-03-30T00:00:00Z"
#define NOW         "2027-03-20T12:00:00Z"

static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 365, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\", \"13:00\"]] } }";

/* Primary: busy 09:00–10:00, a transparent reminder 11:00–12:00, a cancelled
 * 12:00. Team: tentative 10:00–11:00. Holidays (read-only): a transparent
 * all-day event. */
static const char data_json[] =
  "{ \"users\": [ { \"email\": \"" EMAIL "\", \"name\": \"Erika Expert\", \"timeZone\": \"UTC\","
  "  \"calendars\": ["
  "  { \"primary\": true, \"backgroundColor\": \"#9fc6e7\", \"events\": ["
  "    { \"id\": \"event0900a\", \"summary\": \"Sync\","
  "      \"start\": { \"dateTime\": \"2027-03-29T09:00:00Z\" }, \"end\": { \"dateTime\": \"2027-03-29T10:00:00Z\" } },"
  "    { \"id\": \"event1100b\", \"summary\": \"Reminder\", \"transparency\": \"transparent\","
  "      \"start\": { \"dateTime\": \"2027-03-29T11:00:00Z\" }, \"end\": { \"dateTime\": \"2027-03-29T12:00:00Z\" } } ] },"
  "  { \"id\": \"" TEAM "\", \"summary\": \"Practice team\", \"backgroundColor\": \"#16a765\","
  "    \"accessRole\": \"writer\", \"events\": ["
  "    { \"id\": \"event1000c\", \"summary\": \"Maybe\", \"status\": \"tentative\","
  "      \"start\": { \"dateTime\": \"2027-03-29T10:00:00Z\" }, \"end\": { \"dateTime\": \"2027-03-29T11:00:00Z\" } } ] },"
  "  { \"id\": \"" HOLS "\", \"summary\": \"Holidays\", \"accessRole\": \"reader\", \"events\": ["
  "    { \"id\": \"event0329d\", \"summary\": \"Holiday\", \"transparency\": \"transparent\","
  "      \"start\": { \"date\": \"2027-03-29\" }, \"end\": { \"date\": \"2027-03-30\" } } ] } ] } ] }";

typedef struct
{
  BkSandboxGoogle          *sandbox;
  GSettings                *settings;
  BkStore                  *store;
  BkHttp                   *http;
  BkTokenStore             *tokens;
  BkGoogleCalendarStrategy *strategy;
} Fixture;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static gint64
instant (const char *text)
{
  gint64 t = 0;

  g_assert_true (bk_time_parse_iso8601 (text, &t, NULL));
  return t;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Wait;

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  wait->done = TRUE;
}

static GAsyncResult *
wait_result (Wait *wait)
{
  while (!wait->done)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

static void
open_uri_as_browser (const char *uri,
                     gpointer    user_data)
{
  g_autoptr(GError) error = NULL;

  test_browser_get (uri, NULL, &error);
  g_assert_no_error (error);
}

/* A redirect that did not come from this sign-in: the state is changed. */
static void
open_uri_forging_state (const char *uri,
                        gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) forged = g_string_new (uri);

  g_assert_cmpuint (g_string_replace (forged, "state=", "state=forged", 1), ==, 1);
  test_browser_get (forged->str, NULL, &error);
}

static char *
connect (Fixture       *f,
         BkOpenUriFunc  open_uri,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (f->strategy), open_uri, f, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (f->strategy), result, error);
}

static GArray *
get_slots (Fixture       *f,
           BkSlotReport **out_report,
           GError       **error)
{
  BkAvailabilityStrategy *strategy = BK_AVAILABILITY_STRATEGY (f->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_availability_strategy_get_available_slots_async (strategy, instant (WINDOW_FROM), instant (WINDOW_TO),
                                                      NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_availability_strategy_get_available_slots_finish (strategy, result, out_report, error);
}

static char *
format_slots (GArray *slots)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < slots->len; i++)
    {
      g_autofree char *start = bk_time_format_iso8601_utc (g_array_index (slots, BkInterval, i).start);

      g_string_append_printf (text, "%s%s", i ? " " : "", start);
    }
  return g_string_free (text, FALSE);
}

static JsonObject *
control (Fixture    *f,
         const char *method,
         const char *path,
         const char *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  guint status = 0;

  answer = bk_sandbox_google_control (f->sandbox, method, path, body, &status);
  g_assert_cmpuint (status / 100, ==, 2);
  if (answer == NULL || *answer == '\0')
    return json_object_new ();
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
select_calendars (Fixture            *f,
                  const char * const *ids,
                  const char         *destination)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_select_calendars (f->store, BK_PROVIDER_GOOGLE, ids, destination, &error));
  g_assert_no_error (error);
}

static guint64
count (Fixture    *f,
       const char *route)
{
  return bk_sandbox_google_get_request_count (f->sandbox, route);
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autofree char *api = NULL;
  g_autofree char *url = NULL;
  g_autofree char *path = NULL;

  f->sandbox = bk_sandbox_google_new ();
  g_assert_true (bk_sandbox_google_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  bk_sandbox_google_load_data (f->sandbox, data_json, &error);
  g_assert_no_error (error);

  api = bk_sandbox_google_dup_api_url (f->sandbox);
  f->settings = g_settings_new (APP_ID);
  url = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/o/oauth2/v2/auth", NULL);
  g_settings_set_string (f->settings, "google-auth-url", url);
  g_free (url);
  url = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/token", NULL);
  g_settings_set_string (f->settings, "google-token-url", url);
  g_settings_set_string (f->settings, "google-api-url", api);
  g_settings_set_string (f->settings, "google-client-id", BK_SANDBOX_GOOGLE_CLIENT_ID);
  g_settings_set_string (f->settings, "google-client-secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET);

  path = g_build_filename (g_get_user_data_dir (), "bookable", "bookable.sqlite", NULL);
  f->store = bk_store_open (path, &error);
  g_assert_no_error (error);
  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_save_rules (f->store, rules, &error));

  f->http = bk_http_new ();
  /* storms pass in milliseconds; the waits are still taken in order */
  g_object_set (f->http, "backoff-scale", 0.001, NULL);
  f->tokens = bk_token_store_new ();
  f->strategy = bk_google_calendar_strategy_new (f->store, f->http, f->tokens, f->settings);
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (f->strategy), instant (NOW));

  if (data == NULL)
    {
      g_autofree char *account = connect (f, open_uri_as_browser, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (account, ==, EMAIL);
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_calendar_strategy_disconnect_async (BK_CALENDAR_STRATEGY (f->strategy), NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_calendar_strategy_disconnect_finish (BK_CALENDAR_STRATEGY (f->strategy), result, NULL));
  g_clear_object (&f->strategy);
  g_clear_object (&f->tokens);
  g_clear_object (&f->http);
  g_clear_object (&f->store);
  g_clear_object (&f->settings);
  bk_sandbox_google_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                  */

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) scopes = g_string_new (NULL);
  JsonArray *requested;
  const BkCalendar *primary, *team, *holidays;

  integration = bk_store_get_integration (f->store, BK_PROVIDER_GOOGLE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (integration->account, ==, EMAIL);
  g_assert_false (integration->reconnect_needed);
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_GOOGLE_CALENDAR);

  calendars = bk_store_list_calendars (f->store, BK_PROVIDER_GOOGLE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, 3);
  primary = g_ptr_array_index (calendars, 0);
  team = g_ptr_array_index (calendars, 1);
  holidays = g_ptr_array_index (calendars, 2);
  g_assert_cmpstr (primary->remote_id, ==, EMAIL);
  g_assert_true (primary->is_default && primary->selected && primary->destination);
  g_assert_cmpstr (primary->color, ==, "#9fc6e7");
  g_assert_cmpstr (team->name, ==, "Practice team");
  g_assert_cmpstr (team->color, ==, "#16a765");
  g_assert_true (team->can_edit);
  g_assert_false (holidays->can_edit);

  /* the two calendar scopes and nothing wider */
  stats = control (f, "GET", "/_sandbox/stats", NULL);
  requested = json_object_get_array_member (stats, "scopesRequested");
  for (guint i = 0; i < json_array_get_length (requested); i++)
    g_string_append_printf (scopes, "%s ", json_array_get_string_element (requested, i));
  g_assert_cmpstr (scopes->str, ==,
                   "https://www.googleapis.com/auth/calendar.events "
                   "https://www.googleapis.com/auth/calendar.readonly ");
}

static void
test_forged_state (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *account = connect (f, open_uri_forging_state, &error);
  g_autoptr(BkIntegration) integration = NULL;

  g_assert_null (account);
  g_assert_error (error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_STATE_MISMATCH);
  integration = bk_store_get_integration (f->store, BK_PROVIDER_GOOGLE, NULL);
  g_assert_null (integration->account);
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_MANUAL);
  g_assert_cmpuint (count (f, "POST /token"), ==, 0);
}

static void
test_busy_slots (Fixture       *f,
                 gconstpointer  data)
{
  const char * const all[] = { EMAIL, TEAM, HOLS, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autofree char *got = NULL;

  select_calendars (f, all, NULL);
  slots = get_slots (f, &report, &error);
  g_assert_no_error (error);
  /* 09:00 busy, 10:00 tentative (blocks by default), 11:00 transparent
   * (free), 12:00 free; the transparent holiday blocks nothing */
  got = format_slots (slots);
  g_assert_cmpstr (got, ==, "2027-03-29T11:00:00Z 2027-03-29T12:00:00Z");
  g_assert_false (report->from_cache);
  g_assert_cmpint (report->read_at, ==, instant (NOW));
  /* one freeBusy request for the three calendars, no events.list */
  g_assert_cmpuint (count (f, "POST /calendar/v3/freeBusy"), ==, 1);
  g_assert_cmpuint (count (f, "GET /calendar/v3/calendars/{id}/events"), ==, 0);
}

static void
test_one_failing (Fixture       *f,
                  gconstpointer  data)
{
  const char * const all[] = { EMAIL, TEAM, HOLS, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(JsonObject) answer = NULL;
  gboolean blocked_team = FALSE;

  select_calendars (f, all, NULL);
  answer = control (f, "POST", "/_sandbox/freebusy-errors",
                    "{\"calendar\": \"" TEAM "\", \"reason\": \"backendError\"}");
  slots = get_slots (f, &report, &error);
  g_assert_no_error (error);
  /* Team's errors are not "free": its whole window is blocked */
  g_assert_cmpuint (slots->len, ==, 0);
  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      if (time->reason != NULL && g_strcmp0 (time->calendar_id, TEAM) == 0)
        {
          blocked_team = TRUE;
          g_assert_nonnull (strstr (time->reason, "Practice team"));
          g_assert_cmpint (time->start, <=, instant ("2027-03-29T09:00:00Z"));
          g_assert_cmpint (time->end, >=, instant ("2027-03-29T13:00:00Z"));
        }
    }
  g_assert_true (blocked_team);

  /* fixed: the slots come back */
  g_clear_pointer (&answer, json_object_unref);
  answer = control (f, "POST", "/_sandbox/freebusy-errors", "{\"calendar\": \"" TEAM "\", \"reason\": null}");
  g_clear_pointer (&slots, g_array_unref);
  slots = get_slots (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (slots->len, ==, 2);
}

static void
test_chunked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { FALSE, NULL };

  for (guint i = 0; i < 55; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"user\": \"" EMAIL "\", \"id\": \"c%02u@group.calendar.google.com\","
                                               " \"summary\": \"Calendar %u\"}", i, i);
      g_autoptr(JsonObject) answer = control (f, "POST", "/_sandbox/calendars", body);

      g_ptr_array_add (ids, g_strdup_printf ("c%02u@group.calendar.google.com", i));
    }
  bk_calendar_strategy_refresh_calendars_async (BK_CALENDAR_STRATEGY (f->strategy), NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (f->strategy), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, 58);
  g_ptr_array_add (ids, g_strdup (EMAIL));
  g_ptr_array_add (ids, NULL);
  select_calendars (f, (const char * const *) ids->pdata, NULL);

  /* 56 calendars over 100 days: 2 groups (50 + 6) × 2 chunks (90 + 10 days) */
  g_clear_object (&result);
  wait = (Wait) { FALSE, NULL };
  bk_calendar_strategy_read_busy_async (BK_CALENDAR_STRATEGY (f->strategy), instant (WINDOW_FROM),
                                        instant (WINDOW_FROM) + 100 * 86400, NULL,
                                        got_result_cb, &wait);
  result = wait_result (&wait);
  report = bk_calendar_strategy_read_busy_finish (BK_CALENDAR_STRATEGY (f->strategy), result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count (f, "POST /calendar/v3/freeBusy"), ==, 4);
  /* nothing failed: only the primary's busy hour blocks, none unread */
  g_assert_cmpuint (report->blocked->len, ==, 1);
  g_assert_null (((BkBusyTime *) g_ptr_array_index (report->blocked, 0))->reason);
}

static void
test_detail_policy (Fixture       *f,
                    gconstpointer  data)
{
  const char * const all[] = { EMAIL, TEAM, HOLS, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autofree char *got = NULL;

  select_calendars (f, all, NULL);
  g_assert_true (bk_store_set_block_policy (f->store, BK_PROVIDER_GOOGLE, FALSE, TRUE, &error));
  slots = get_slots (f, NULL, &error);
  g_assert_no_error (error);
  /* the tentative 10:00 is offered now; freeBusy could not have told */
  got = format_slots (slots);
  g_assert_cmpstr (got, ==, "2027-03-29T10:00:00Z 2027-03-29T11:00:00Z 2027-03-29T12:00:00Z");
  g_assert_cmpuint (count (f, "POST /calendar/v3/freeBusy"), ==, 0);
  g_assert_cmpuint (count (f, "GET /calendar/v3/calendars/{id}/events"), ==, 3);
}

static BkAppointment *
new_appointment (const char *id,
                 const char *start,
                 const char *end)
{
  return bk_appointment_new (id, instant (start), instant (end), "Chris Client", "chris@example.test");
}

static char *
create (Fixture       *f,
        BkAppointment *appointment,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_availability_strategy_create_appointment_async (BK_AVAILABILITY_STRATEGY (f->strategy), appointment,
                                                     NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_availability_strategy_create_appointment_finish (BK_AVAILABILITY_STRATEGY (f->strategy),
                                                             result, error);
}

static JsonObject *
find_event (Fixture    *f,
            const char *calendar,
            const char *id)
{
  g_autofree char *path = g_strdup_printf ("/_sandbox/events?calendar=%s", calendar);
  g_autoptr(JsonObject) answer = control (f, "GET", path, NULL);
  JsonArray *items = json_object_get_array_member (answer, "items");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *event = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (event, "id"), id) == 0)
        {
          g_assert_null (found);
          found = json_object_ref (event);
        }
    }
  return found;
}

static void
test_insert_retry (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-42", "2027-03-29T12:00:00Z",
                                                          "2027-03-29T13:00:00Z");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fault = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autoptr(JsonObject) stats = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  JsonObject *private;

  /* the first attempt meets a 500: retried, as the id makes it idempotent */
  fault = control (f, "POST", "/_sandbox/faults",
                   "{\"kind\": \"500\", \"count\": 1, \"method\": \"POST\", \"path\": \"/calendar/v3/calendars/\"}");
  first = create (f, appointment, &error);
  g_assert_no_error (error);
  second = create (f, appointment, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, second);
  g_assert_true (g_str_has_prefix (first, "bk0"));
  g_assert_cmpuint (strspn (first, "0123456789abcdefghijklmnopqrstuv"), ==, strlen (first));
  g_assert_cmpuint (count (f, "POST /calendar/v3/calendars/{id}/events"), ==, 3);

  event = find_event (f, EMAIL, first);
  g_assert_nonnull (event);
  private = json_object_get_object_member (json_object_get_object_member (event, "extendedProperties"), "private");
  g_assert_cmpstr (json_object_get_string_member (private, "bookableAppointmentId"), ==, "appt-42");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "start"), "dateTime"),
                   ==, "2027-03-29T12:00:00Z");
  stats = control (f, "GET", "/_sandbox/stats", NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stats, "sendUpdates")), >=, 1);
  g_assert_nonnull (strstr (json_array_get_string_element (json_object_get_array_member (stats, "sendUpdates"), 0),
                            " none"));
  /* the store knows the event id */
  {
    g_autoptr(BkAppointment) stored = bk_store_get_appointment (f->store, "appt-42", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bk_appointment_get_calendar_event_id (stored), ==, first);
  }
}

static void
test_patch_delete (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-7", "2027-03-29T12:00:00Z",
                                                          "2027-03-29T13:00:00Z");
  BkAvailabilityStrategy *strategy = BK_AVAILABILITY_STRATEGY (f->strategy);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) event = NULL;
  g_autofree char *id = create (f, appointment, &error);
  Wait wait = { FALSE, NULL };
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_no_error (error);
  bk_appointment_set_times (appointment, instant ("2027-03-29T14:00:00Z"), instant ("2027-03-29T15:00:00Z"));
  bk_availability_strategy_update_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_availability_strategy_update_appointment_finish (strategy, result, &error));
  g_assert_no_error (error);
  event = find_event (f, EMAIL, id);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (event, "start"), "dateTime"),
                   ==, "2027-03-29T14:00:00Z");

  /* delete, then delete again: already gone (410) is success */
  for (guint i = 0; i < 2; i++)
    {
      g_clear_object (&result);
      wait = (Wait) { FALSE, NULL };
      bk_availability_strategy_cancel_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
      result = wait_result (&wait);
      g_assert_true (bk_availability_strategy_cancel_appointment_finish (strategy, result, &error));
      g_assert_no_error (error);
    }
  g_clear_pointer (&event, json_object_unref);
  event = find_event (f, EMAIL, id);
  g_assert_cmpstr (json_object_get_string_member (event, "status"), ==, "cancelled");
  g_assert_cmpuint (count (f, "DELETE /calendar/v3/calendars/{id}/events/{id}"), ==, 2);
}

static gboolean
change (Fixture       *f,
        BkAppointment *appointment,
        gboolean       cancel,
        GError       **error)
{
  BkAvailabilityStrategy *strategy = BK_AVAILABILITY_STRATEGY (f->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  if (cancel)
    bk_availability_strategy_cancel_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
  else
    bk_availability_strategy_update_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  if (cancel)
    return bk_availability_strategy_cancel_appointment_finish (strategy, result, error);
  return bk_availability_strategy_update_appointment_finish (strategy, result, error);
}

static char *
event_start (Fixture    *f,
             const char *calendar,
             const char *id)
{
  g_autoptr(JsonObject) event = find_event (f, calendar, id);

  g_assert_nonnull (event);
  return g_strdup (json_object_get_string_member (json_object_get_object_member (event, "start"), "dateTime"));
}

/* The expert picks another destination after an appointment was written:
 * its event stays where it is, and its move, a retried insert and its
 * removal all reach it there; the new destination gets only new events
 * (and a delete of the same id, which finds nothing there). */
static void
test_event_keeps_calendar (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-9", "2027-03-29T12:00:00Z",
                                                          "2027-03-29T13:00:00Z");
  g_autoptr(BkAppointment) stored = NULL;
  g_autoptr(BkAppointment) later = new_appointment ("appt-10", "2027-03-30T09:00:00Z",
                                                    "2027-03-30T10:00:00Z");
  g_autoptr(BkAppointment) later_stored = NULL;
  g_autoptr(JsonObject) in_team = NULL, in_primary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, appointment, &error);
  g_autofree char *again = NULL, *later_id = NULL, *start = NULL;

  g_assert_no_error (error);
  stored = bk_store_get_appointment (f->store, "appt-9", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (stored), ==, id);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (stored), ==, EMAIL);

  select_calendars (f, (const char *[]) { EMAIL, TEAM, NULL }, TEAM);

  /* a create repeated (its report to the backend was lost) meets the
   * event where it is instead of copying it into the new destination */
  again = create (f, stored, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, id);
  in_team = find_event (f, TEAM, id);
  g_assert_null (in_team);

  bk_appointment_set_times (stored, instant ("2027-03-29T14:00:00Z"), instant ("2027-03-29T15:00:00Z"));
  g_assert_true (change (f, stored, FALSE, &error));
  g_assert_no_error (error);
  start = event_start (f, EMAIL, id);
  g_assert_cmpstr (start, ==, "2027-03-29T14:00:00Z");

  g_assert_true (change (f, stored, TRUE, &error));
  g_assert_no_error (error);
  in_primary = find_event (f, EMAIL, id);
  g_assert_cmpstr (json_object_get_string_member (in_primary, "status"), ==, "cancelled");
  g_assert_cmpuint (count (f, "PATCH /calendar/v3/calendars/{id}/events/{id}"), ==, 1);
  g_assert_cmpuint (count (f, "DELETE /calendar/v3/calendars/{id}/events/{id}"), ==, 2);
  g_clear_pointer (&in_team, json_object_unref);
  in_team = find_event (f, TEAM, id);
  g_assert_null (in_team);

  /* a new appointment goes to the new destination, and says so */
  later_id = create (f, later, &error);
  g_assert_no_error (error);
  g_clear_pointer (&start, g_free);
  start = event_start (f, TEAM, later_id);
  g_assert_cmpstr (start, ==, "2027-03-30T09:00:00Z");
  later_stored = bk_store_get_appointment (f->store, "appt-10", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (later_stored), ==, TEAM);
}

/* Moves event @id from the primary calendar to the team calendar as Google
 * Calendar's "move to" does: the same id, gone from where it was. */
static void
move_by_hand (Fixture    *f,
              const char *id,
              const char *start,
              const char *end)
{
  BkGoogleClient *client = bk_google_calendar_strategy_get_client (f->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) added = NULL;
  g_autofree char *body = NULL;
  Wait wait = { FALSE, NULL };

  bk_google_client_delete_event_async (client, EMAIL, id, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  g_assert_true (bk_google_client_delete_event_finish (client, result, &error));
  g_assert_no_error (error);
  body = g_strdup_printf ("{\"calendar\": \"" TEAM "\", \"id\": \"%s\", \"summary\": \"Moved\","
                          " \"start\": {\"dateTime\": \"%s\"}, \"end\": {\"dateTime\": \"%s\"}}",
                          id, start, end);
  added = control (f, "POST", "/_sandbox/events", body);
}

/* An event the expert moved into the new destination by hand (its id
 * kept) is found there: moved, then removed, with no ghost left. */
static void
test_event_moved_by_hand (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-11", "2027-03-29T12:00:00Z",
                                                          "2027-03-29T13:00:00Z");
  g_autoptr(BkAppointment) stored = NULL, after = NULL;
  g_autoptr(JsonObject) in_team = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, appointment, &error);
  g_autofree char *start = NULL;

  g_assert_no_error (error);
  select_calendars (f, (const char *[]) { EMAIL, TEAM, NULL }, TEAM);
  move_by_hand (f, id, "2027-03-29T12:00:00Z", "2027-03-29T13:00:00Z");

  stored = bk_store_get_appointment (f->store, "appt-11", &error);
  g_assert_no_error (error);
  bk_appointment_set_times (stored, instant ("2027-03-29T16:00:00Z"), instant ("2027-03-29T17:00:00Z"));
  g_assert_true (change (f, stored, FALSE, &error));
  g_assert_no_error (error);
  start = event_start (f, TEAM, id);
  g_assert_cmpstr (start, ==, "2027-03-29T16:00:00Z");
  after = bk_store_get_appointment (f->store, "appt-11", &error);
  g_assert_cmpstr (bk_appointment_get_calendar_event_calendar (after), ==, TEAM);

  g_assert_true (change (f, after, TRUE, &error));
  g_assert_no_error (error);
  in_team = find_event (f, TEAM, id);
  g_assert_cmpstr (json_object_get_string_member (in_team, "status"), ==, "cancelled");
}

static void
test_rate_limits (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL;

  a = control (f, "POST", "/_sandbox/faults", "{\"kind\": \"rateLimitExceeded\", \"count\": 1, \"path\": \"/calendar/v3/freeBusy\"}");
  b = control (f, "POST", "/_sandbox/faults", "{\"kind\": \"userRateLimitExceeded\", \"count\": 1, \"path\": \"/calendar/v3/freeBusy\"}");
  c = control (f, "POST", "/_sandbox/faults", "{\"kind\": \"429\", \"count\": 2, \"path\": \"/calendar/v3/freeBusy\"}");
  slots = get_slots (f, NULL, &error);
  g_assert_no_error (error);
  /* waited out: the primary's slots, from a fifth attempt */
  g_assert_cmpuint (slots->len, ==, 3);
  g_assert_cmpuint (count (f, "POST /calendar/v3/freeBusy"), ==, 5);
}

static void
test_refresh_and_revoke (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL;

  /* an expired access token: refreshed once, the call goes through */
  a = control (f, "POST", "/_sandbox/expire-access-tokens", NULL);
  slots = get_slots (f, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (slots->len, ==, 3);
  g_assert_cmpuint (count (f, "POST /token"), ==, 2);  /* code, then refresh */

  /* revoked: reconnect needed, slots only from the cache */
  b = control (f, "POST", "/_sandbox/revoke", "{}");
  g_clear_pointer (&slots, g_array_unref);
  slots = get_slots (f, &report, &error);
  g_assert_no_error (error);
  g_assert_true (report->from_cache);
  g_assert_cmpuint (slots->len, ==, 3);
  integration = bk_store_get_integration (f->store, BK_PROVIDER_GOOGLE, &error);
  g_assert_true (integration->reconnect_needed);
  g_assert_cmpstr (integration->account, ==, EMAIL);
}

static BkGoogleChanges *
list_changes (Fixture    *f,
              const char *token)
{
  BkGoogleClient *client = bk_google_calendar_strategy_get_client (f->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BkGoogleChanges *changes;
  Wait wait = { FALSE, NULL };

  bk_google_client_list_changes_async (client, EMAIL, token, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  changes = bk_google_client_list_changes_finish (client, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (changes->next_sync_token);
  return changes;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
test_sync_token (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(BkGoogleChanges) full = list_changes (f, NULL);
  g_autoptr(BkGoogleChanges) delta = NULL;
  g_autoptr(BkGoogleChanges) again = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL;
  g_autofree char *ids = NULL;

  g_assert_false (full->full_resync);
  g_assert_cmpuint (full->events->len, ==, 2);

  /* a new event: the token brings exactly it */
  a = control (f, "POST", "/_sandbox/events",
               "{\"calendar\": \"" EMAIL "\", \"id\": \"event1500e\", \"summary\": \"Late\","
               " \"start\": {\"dateTime\": \"2027-03-29T15:00:00Z\"}, \"end\": {\"dateTime\": \"2027-03-29T16:00:00Z\"}}");
  delta = list_changes (f, full->next_sync_token);
  g_assert_false (delta->full_resync);
  g_assert_cmpuint (delta->events->len, ==, 1);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (delta->events, 0), "id"), ==, "event1500e");
  g_assert_cmpstr (delta->next_sync_token, !=, full->next_sync_token);

  /* the token expires (410): a full sync, flagged so the cache is dropped */
  b = control (f, "POST", "/_sandbox/invalidate-sync-tokens", "{}");
  again = list_changes (f, delta->next_sync_token);
  g_assert_true (again->full_resync);
  {
    g_autoptr(GPtrArray) names = g_ptr_array_new ();

    for (guint i = 0; i < again->events->len; i++)
      g_ptr_array_add (names, (gpointer) json_object_get_string_member (g_ptr_array_index (again->events, i), "id"));
    g_ptr_array_sort (names, compare_strings);
    g_ptr_array_add (names, NULL);
    ids = g_strjoinv (",", (char **) names->pdata);
  }
  g_assert_cmpstr (ids, ==, "event0900a,event1100b,event1500e");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/google/connect", test_connect);
  g_test_add ("/google/forged-state", Fixture, GINT_TO_POINTER (1), fixture_setup, test_forged_state,
              fixture_teardown);
  ADD ("/google/busy-slots", test_busy_slots);
  ADD ("/google/one-calendar-failing", test_one_failing);
  ADD ("/google/chunked", test_chunked);
  ADD ("/google/detail-policy", test_detail_policy);
  ADD ("/google/insert-retry-one-event", test_insert_retry);
  ADD ("/google/patch-delete", test_patch_delete);
  ADD ("/google/event-keeps-its-calendar", test_event_keeps_calendar);
  ADD ("/google/event-moved-by-hand", test_event_moved_by_hand);
  ADD ("/google/rate-limits", test_rate_limits);
  ADD ("/google/refresh-and-revoke", test_refresh_and_revoke);
  ADD ("/google/sync-token", test_sync_token);
#undef ADD

  return g_test_run ();
}
