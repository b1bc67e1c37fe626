/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Office 365 strategy against the sandbox Microsoft service, in a real
 * keyring (run through tests/run-with-keyring): connect, busy times over
 * three pages with a recurring series and an all-day event across the Berlin
 * DST change giving hand-worked slots, fail closed when a calendar breaks
 * mid-paging, 429 storms, idempotent event writes, expired and revoked
 * grants, offline slots from the cache, and no token anywhere it must not
 * be. Also: the manual strategy gives the slot engine's slots. */
#define G_LOG_DOMAIN "test-office365"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bk-availability-rules.h"
#include "bk-block.h"
#include "bk-manual-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-slot-engine.h"
#include "bk-time.h"
#include "test-authority.h"

#define UPN "expert@sandbox.test"

/* Friday 2027-03-26 00:00 to Tuesday 2027-03-30 00:00, Berlin; Berlin moves
 * from CET to CEST on Sunday 2027-03-28 at 02:00. */
#define WINDOW_FROM "2027-03-25T23:00:00Z"
#define WINDOW_TO   "2027-03-29T22:00:00Z"
#define NOW         "2027-03-20T12:00:00Z"

static const char rules_json[] =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 365, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\", \"12:00\"]], \"fri\": [[\"09:00\", \"12:00\"]],"
  "              \"sat\": [[\"22:00\", \"24:00\"]], \"sun\": [[\"00:00\", \"04:00\"]] } }";

/* Work (default): a weekly Monday+Friday 09:00 series whose 2027-03-26
 * occurrence moved to 10:00, an all-day out-of-office on the DST Sunday, a
 * tentative, a free, a workingElsewhere and a cancelled event. Family: one
 * busy half hour. */
static const char data_json[] =
  "{ \"users\": [ { \"userPrincipalName\": \"" UPN "\", \"displayName\": \"Erika Expert\","
  "  \"timeZone\": \"Europe/Berlin\", \"calendars\": ["
  "  { \"name\": \"Work\", \"isDefault\": true, \"hexColor\": \"#3a87ad\", \"events\": ["
  "    { \"subject\": \"Sync\", \"showAs\": \"busy\","
  "      \"start\": { \"dateTime\": \"2027-03-05T09:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-05T10:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"recurrence\": { \"pattern\": { \"type\": \"weekly\", \"interval\": 1,"
  "                                    \"daysOfWeek\": [\"monday\", \"friday\"], \"firstDayOfWeek\": \"monday\" },"
  "                      \"range\": { \"type\": \"noEnd\", \"startDate\": \"2027-03-05\" } },"
  "      \"exceptions\": [ { \"originalStart\": \"2027-03-26T09:00:00\","
  "        \"start\": { \"dateTime\": \"2027-03-26T10:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "        \"end\": { \"dateTime\": \"2027-03-26T11:00:00\", \"timeZone\": \"Europe/Berlin\" } } ] },"
  "    { \"subject\": \"Conference\", \"showAs\": \"oof\", \"isAllDay\": true,"
  "      \"start\": { \"dateTime\": \"2027-03-28T00:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-29T00:00:00\", \"timeZone\": \"Europe/Berlin\" } },"
  "    { \"subject\": \"Maybe\", \"showAs\": \"tentative\","
  "      \"start\": { \"dateTime\": \"2027-03-29T11:00:00\", \"timeZone\": \"W. Europe Standard Time\" },"
  "      \"end\": { \"dateTime\": \"2027-03-29T12:00:00\", \"timeZone\": \"W. Europe Standard Time\" } },"
  "    { \"subject\": \"Lunch\", \"showAs\": \"free\","
  "      \"start\": { \"dateTime\": \"2027-03-26T11:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-26T12:00:00\", \"timeZone\": \"Europe/Berlin\" } },"
  "    { \"subject\": \"Remote\", \"showAs\": \"workingElsewhere\","
  "      \"start\": { \"dateTime\": \"2027-03-29T10:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-29T11:00:00\", \"timeZone\": \"Europe/Berlin\" } },"
  "    { \"subject\": \"Called off\", \"showAs\": \"busy\", \"isCancelled\": true,"
  "      \"start\": { \"dateTime\": \"2027-03-27T22:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-27T23:00:00\", \"timeZone\": \"Europe/Berlin\" } } ] },"
  "  { \"name\": \"Family\", \"color\": \"lightGreen\", \"canEdit\": true, \"events\": ["
  "    { \"subject\": \"Call\", \"showAs\": \"busy\","
  "      \"start\": { \"dateTime\": \"2027-03-27T23:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-27T23:30:00\", \"timeZone\": \"Europe/Berlin\" } } ] } ] } ] }";

/* Hand-worked from the data above (UTC):
 * Fri 26 (CET): 09:00 free (the series moved to 10:00), 10:00 busy, 11:00
 *   free (a free event does not block) → 08:00Z, 10:00Z.
 * Sat 27 (CET): 22:00 free (the cancelled event does not block), 23:00
 *   blocked by Family → 21:00Z.
 * Sun 28: out of office all (local) day, 00:00–24:00 → nothing; read as
 *   UTC midnight it would wrongly leave 00:00 open.
 * Mon 29 (CEST): 09:00 series, 10:00 workingElsewhere (free), 11:00
 *   tentative → 08:00Z. */
static const char * const expected_slots[] = {
  "2027-03-26T08:00:00Z", "2027-03-26T10:00:00Z", "2027-03-27T21:00:00Z", "2027-03-29T08:00:00Z", NULL
};

static char *keyring_root;

typedef struct
{
  BkSandboxMicrosoft          *sandbox;
  GSettings                   *settings;
  BkStore                     *store;
  BkHttp                      *http;
  BkTokenStore                *tokens;
  BkOffice365CalendarStrategy *strategy;
  char                        *work_id;
  char                        *family_id;
  GString                     *messages;   /* every error text shown */
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
  guint status = test_browser_get (uri, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
}

static void
remember_error (Fixture      *f,
                const GError *error)
{
  if (error != NULL)
    g_string_append_printf (f->messages, "%s\n", error->message);
}

static char *
connect (Fixture  *f,
         GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (f->strategy), open_uri_as_browser, f, NULL,
                                      got_result_cb, &wait);
  result = wait_result (&wait);
  return bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (f->strategy), result, error);
}

static GArray *
get_slots (Fixture       *f,
           BkAvailabilityStrategy *strategy,
           const char    *from,
           const char    *to,
           BkSlotReport **out_report,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };
  GArray *slots;

  bk_availability_strategy_get_available_slots_async (strategy, instant (from), instant (to), NULL,
                                                      got_result_cb, &wait);
  result = wait_result (&wait);
  slots = bk_availability_strategy_get_available_slots_finish (strategy, result, out_report, error);
  if (error != NULL)
    remember_error (f, *error);
  return slots;
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

static void
assert_slots (GArray             *slots,
              const char * const *expected)
{
  g_autofree char *want = g_strjoinv (" ", (char **) expected);
  g_autofree char *got = format_slots (slots);

  g_assert_cmpstr (got, ==, want);
  for (guint i = 0; i < slots->len; i++)
    g_assert_cmpint (g_array_index (slots, BkInterval, i).end - g_array_index (slots, BkInterval, i).start,
                     ==, 3600);
}

static char *
calendar_id (Fixture    *f,
             const char *name)
{
  g_autoptr(GPtrArray) calendars = bk_store_list_calendars (f->store, BK_PROVIDER_OFFICE365, NULL);

  for (guint i = 0; calendars != NULL && i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (g_str_equal (calendar->name, name))
        return g_strdup (calendar->remote_id);
    }
  g_assert_not_reached ();
  return NULL;
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

  answer = bk_sandbox_microsoft_control (f->sandbox, method, path, body, &status);
  g_assert_cmpuint (status / 100, ==, 2);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static JsonArray *
sandbox_events (Fixture    *f,
                const char *calendar)
{
  g_autofree char *escaped = g_uri_escape_string (calendar, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/_sandbox/events?calendar=%s", escaped);
  g_autoptr(JsonObject) answer = control (f, "GET", path, NULL);

  return json_array_ref (json_object_get_array_member (answer, "value"));
}

/* The stored events of @calendar whose @member is @value (the calendar also
 * holds the fixture's six). */
static GPtrArray *
events_where (Fixture    *f,
              const char *calendar,
              const char *member,
              const char *value)
{
  g_autoptr(JsonArray) events = sandbox_events (f, calendar);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (events); i++)
    {
      JsonObject *event = json_array_get_object_element (events, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (event, member, NULL), value) == 0)
        g_ptr_array_add (found, json_object_ref (event));
    }
  return found;
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autofree char *graph = NULL;
  g_autofree char *path = NULL;
  g_autofree char *account = NULL;
  guint page_size = GPOINTER_TO_UINT (data);

  f->messages = g_string_new (NULL);
  f->sandbox = bk_sandbox_microsoft_new ();
  bk_sandbox_microsoft_set_page_size (f->sandbox, page_size ? page_size : 3);
  g_assert_true (bk_sandbox_microsoft_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (bk_sandbox_microsoft_load_data (f->sandbox, data_json, &error));
  g_assert_no_error (error);

  graph = bk_sandbox_microsoft_dup_graph_url (f->sandbox);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (f->sandbox));
  g_settings_set_string (f->settings, "graph-url", graph);
  g_settings_set_string (f->settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

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
  f->strategy = bk_office365_calendar_strategy_new (f->store, f->http, f->tokens, f->settings);
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (f->strategy), instant (NOW));

  account = connect (f, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, UPN);
  f->work_id = calendar_id (f, "Work");
  f->family_id = calendar_id (f, "Family");
  {
    const char * const both[] = { f->work_id, f->family_id, NULL };

    g_assert_true (bk_store_select_calendars (f->store, BK_PROVIDER_OFFICE365, both, f->work_id, &error));
    g_assert_no_error (error);
  }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->strategy);
  g_clear_object (&f->tokens);
  g_clear_object (&f->http);
  g_clear_object (&f->store);
  g_clear_object (&f->settings);
  bk_sandbox_microsoft_stop (f->sandbox);
  g_clear_object (&f->sandbox);
  g_clear_pointer (&f->work_id, g_free);
  g_clear_pointer (&f->family_id, g_free);
  g_string_free (f->messages, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                  */

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(BkIntegration) integration = bk_store_get_integration (f->store, BK_PROVIDER_OFFICE365, NULL);
  g_autoptr(GPtrArray) calendars = bk_store_list_calendars (f->store, BK_PROVIDER_OFFICE365, NULL);
  const BkCalendar *work;

  g_assert_cmpstr (integration->account, ==, UPN);
  g_assert_cmpstr (integration->display_name, ==, "Erika Expert");
  g_assert_false (integration->reconnect_needed);
  g_assert_cmpint (bk_store_get_active_source (f->store, NULL), ==, BK_SOURCE_OFFICE365_CALENDAR);
  g_assert_cmpuint (calendars->len, ==, 2);
  work = g_ptr_array_index (calendars, 0);
  g_assert_cmpstr (work->name, ==, "Work");
  g_assert_cmpstr (work->color, ==, "#3a87ad");
  g_assert_true (work->is_default && work->can_edit && work->selected && work->destination);
}

static void
test_busy_three_pages (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GArray) relaxed = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  gboolean saw_oof = FALSE;

  bk_sandbox_microsoft_reset_stats (f->sandbox);
  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, &report, &error);
  g_assert_no_error (error);
  assert_slots (slots, expected_slots);

  /* seven items of Work at 3 a page: three pages, plus Family's one */
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "GET /v1.0/me/calendars/{id}/calendarView"),
                    ==, 4);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "GET /v1.0/me/events"), ==, 0);
  g_assert_false (report->from_cache);
  g_assert_cmpint (report->read_at, ==, instant (NOW));
  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      g_assert_null (time->reason);
      if (g_strcmp0 (time->show_as, "oof") == 0)
        {
          /* the whole local Sunday: 23 hours */
          g_assert_cmpint (time->start, ==, instant ("2027-03-27T23:00:00Z"));
          g_assert_cmpint (time->end, ==, instant ("2027-03-28T22:00:00Z"));
          g_assert_cmpstr (time->calendar_name, ==, "Work");
          saw_oof = TRUE;
        }
    }
  g_assert_true (saw_oof);

  /* the expert lets tentative events through: Monday 11:00 opens */
  g_assert_true (bk_store_set_block_policy (f->store, BK_PROVIDER_OFFICE365, FALSE, TRUE, &error));
  relaxed = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);
  {
    const char * const want[] = { "2027-03-26T08:00:00Z", "2027-03-26T10:00:00Z", "2027-03-27T21:00:00Z",
                                  "2027-03-29T08:00:00Z", "2027-03-29T09:00:00Z", NULL };
    assert_slots (relaxed, want);
  }
}

static void
test_fail_mid_paging (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autofree char *fault = NULL;
  const BkBusyTime *unread = NULL;
  const char * const want[] = { "2027-03-26T08:00:00Z", "2027-03-26T10:00:00Z", NULL };

  fault = g_strdup_printf ("{\"kind\": \"fail-from-page\", \"calendar\": \"%s\", \"page\": 2, \"status\": 500}",
                           f->work_id);
  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox, fault, &error));

  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, &report, &error);
  g_assert_no_error (error);
  /* page 1 of Work ends with Saturday's 21:00Z event: Friday was read
   * completely and keeps its slots; from a day before that on, Work is
   * unknown, so Saturday and Monday offer nothing */
  assert_slots (slots, want);
  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      /* the failed window names its calendar (a window no read ever
       * covered is reported too, without one) */
      if (time->reason != NULL && time->calendar_name != NULL)
        unread = time;
    }
  g_assert_nonnull (unread);
  g_assert_cmpint (unread->start, ==, instant ("2027-03-26T21:00:00Z"));
  g_assert_cmpstr (unread->calendar_name, ==, "Work");
  g_assert_nonnull (strstr (unread->reason, "Work"));
  g_assert_nonnull (strstr (unread->reason, "500"));
}

static void
test_throttle_storm (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(JsonObject) faults = NULL;
  JsonArray *list;

  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox,
                                                 "{\"kind\": \"429\", \"count\": 4, \"retryAfter\": 2,"
                                                 " \"path\": \"/v1.0/me/calendars\"}", &error));
  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);
  assert_slots (slots, expected_slots);

  faults = control (f, "GET", "/_sandbox/faults", NULL);
  list = json_object_get_array_member (faults, "value");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (list, 0), "fired"), ==, 4);
}

static BkAppointment *
new_appointment (const char *id)
{
  BkAppointment *appointment = bk_appointment_new (id, instant ("2027-03-26T08:00:00Z"),
                                                   instant ("2027-03-26T09:00:00Z"),
                                                   "Chris Client", "chris@example.test");

  bk_appointment_set_note (appointment, "First visit");
  return appointment;
}

static char *
create (Fixture        *f,
        BkAppointment  *appointment,
        GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };
  char *id;

  bk_availability_strategy_create_appointment_async (BK_AVAILABILITY_STRATEGY (f->strategy), appointment,
                                                     NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  id = bk_availability_strategy_create_appointment_finish (BK_AVAILABILITY_STRATEGY (f->strategy), result, error);
  remember_error (f, error ? *error : NULL);
  return id;
}

static gboolean
change (Fixture        *f,
        BkAppointment  *appointment,
        gboolean        cancel,
        GError        **error)
{
  BkAvailabilityStrategy *strategy = BK_AVAILABILITY_STRATEGY (f->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };
  gboolean ok;

  if (cancel)
    bk_availability_strategy_cancel_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
  else
    bk_availability_strategy_update_appointment_async (strategy, appointment, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  if (cancel)
    ok = bk_availability_strategy_cancel_appointment_finish (strategy, result, error);
  else
    ok = bk_availability_strategy_update_appointment_finish (strategy, result, error);
  remember_error (f, error ? *error : NULL);
  return ok;
}

static void
test_create_retry_one_event (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAppointment) first = new_appointment ("appt-42");
  g_autoptr(BkAppointment) again = new_appointment ("appt-42");
  g_autoptr(GPtrArray) stored = NULL;
  g_autoptr(JsonArray) events = NULL;
  g_autofree char *id = NULL;
  g_autofree char *retried = NULL;
  g_autofree char *transaction = bk_office365_calendar_strategy_dup_transaction_id ("appt-42");
  g_autoptr(GPtrArray) mine = NULL;
  JsonObject *event;
  JsonArray *properties;

  /* the event is created but its answer arrives cut in half */
  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox,
                                                 "{\"kind\": \"truncated\", \"path\": \"/v1.0/me/calendars\"}",
                                                 &error));
  id = create (f, first, &error);
  g_assert_null (id);
  g_assert_error (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "could not be read"));
  g_clear_error (&error);

  retried = create (f, again, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retried);

  events = sandbox_events (f, f->work_id);
  g_assert_cmpuint (json_array_get_length (events), ==, 6 + 1);
  mine = events_where (f, f->work_id, "transactionId", transaction);
  g_assert_cmpuint (mine->len, ==, 1);
  event = g_ptr_array_index (mine, 0);
  g_assert_cmpstr (json_object_get_string_member (event, "id"), ==, retried);
  properties = json_object_get_array_member (event, "singleValueExtendedProperties");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (properties, 0), "value"),
                   ==, "appt-42");

  /* the id is in SQLite */
  stored = bk_store_list_appointments (f->store, instant (WINDOW_FROM), instant (WINDOW_TO), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (bk_appointment_get_calendar_event_id (g_ptr_array_index (stored, 0)), ==, retried);
}

static void
test_update_and_cancel (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-7");
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autofree char *id = NULL;
  JsonObject *start;

  id = create (f, appointment, &error);
  g_assert_no_error (error);

  bk_appointment_set_times (appointment, instant ("2027-03-29T08:00:00Z"), instant ("2027-03-29T09:00:00Z"));
  g_assert_true (change (f, appointment, FALSE, &error));
  g_assert_no_error (error);
  events = events_where (f, f->work_id, "id", id);
  g_assert_cmpuint (events->len, ==, 1);
  start = json_object_get_object_member (g_ptr_array_index (events, 0), "start");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (start, "dateTime"), "2027-03-29T08:00:00"));

  g_assert_true (change (f, appointment, TRUE, &error));
  g_assert_no_error (error);
  after = events_where (f, f->work_id, "id", id);
  g_assert_cmpuint (after->len, ==, 0);

  /* already gone: still success */
  g_assert_true (change (f, appointment, TRUE, &error));
  g_assert_no_error (error);
}

static void
test_bad_json (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  Wait wait = { FALSE, NULL };

  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox,
                                                 "{\"kind\": \"malformed\", \"path\": \"/v1.0/me/calendars\"}",
                                                 &error));
  bk_calendar_strategy_refresh_calendars_async (BK_CALENDAR_STRATEGY (f->strategy), NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (f->strategy), result, &error);
  g_assert_null (calendars);
  g_assert_error (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE);
  g_assert_nonnull (strstr (error->message, "could not be read"));
  remember_error (f, error);
}

static guint64
token_requests (Fixture *f)
{
  return bk_sandbox_microsoft_get_request_count (f->sandbox, "POST /{tenant}/oauth2/v2.0/token");
}

static void
test_expired_token (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  guint64 before = token_requests (f);

  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);
  assert_slots (slots, expected_slots);
  /* both calendars' first pages got 401 with the same token: one refresh */
  g_assert_cmpuint (token_requests (f) - before, ==, 1);
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GArray) cached = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(BkAppointment) appointment = new_appointment ("appt-9");
  g_autoptr(GPtrArray) queued = NULL;
  g_autofree char *id = NULL;

  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (bk_store_outbox_push (f->store, "appointment.cancel", "{\"id\": \"appt-1\"}", "k-1", &error),
                   >, 0);

  bk_sandbox_microsoft_revoke (f->sandbox, UPN, 700082);
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (f->strategy), instant (NOW) + 3600);

  id = create (f, appointment, &error);
  g_assert_null (id);
  g_assert_error (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_RECONNECT_NEEDED);
  g_clear_error (&error);

  integration = bk_store_get_integration (f->store, BK_PROVIDER_OFFICE365, &error);
  g_assert_true (integration->reconnect_needed);
  g_assert_nonnull (integration->reconnect_message);
  g_assert_cmpstr (integration->account, ==, UPN);

  /* nothing lost: the queue, the calendars, and the cached busy times that
   * still give the same slots, marked as read an hour ago */
  queued = bk_store_outbox_list (f->store, 0, &error);
  g_assert_cmpuint (queued->len, ==, 2);   /* connecting (for the backend), then ours */
  g_assert_cmpstr (((BkOutboxEntry *) g_ptr_array_index (queued, 0))->kind, ==, BK_STORE_OUTBOX_INTEGRATION);
  g_assert_cmpstr (((BkOutboxEntry *) g_ptr_array_index (queued, 1))->idempotency_key, ==, "k-1");
  cached = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, &report, &error);
  g_assert_no_error (error);
  assert_slots (cached, expected_slots);
  g_assert_true (report->from_cache);
  g_assert_cmpint (report->read_at, ==, instant (NOW));
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) online = NULL;
  g_autoptr(GArray) offline = NULL;
  g_autoptr(GArray) unknown = NULL;
  g_autoptr(BkSlotReport) report = NULL;
  g_autoptr(BkSlotReport) unknown_report = NULL;
  g_autoptr(GPtrArray) secrets = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(BkOAuthTokens) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  online = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);

  bk_token_store_lookup_async (f->tokens, BK_OFFICE365_TOKEN_PROVIDER, UPN, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  tokens = bk_token_store_lookup_finish (f->tokens, result, &error);
  g_assert_no_error (error);
  g_ptr_array_add (secrets, g_strdup (tokens->access_token));
  g_ptr_array_add (secrets, g_strdup (tokens->refresh_token));

  bk_sandbox_microsoft_stop (f->sandbox);
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (f->strategy), instant (NOW) + 7200);
  offline = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, &report, &error);
  g_assert_no_error (error);
  assert_slots (offline, expected_slots);
  g_assert_true (report->from_cache);
  g_assert_cmpint (report->read_at, ==, instant (NOW));

  /* a week never read: fail closed, and say why */
  unknown = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), "2027-04-15T22:00:00Z",
                       "2027-04-19T22:00:00Z", &unknown_report, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unknown->len, ==, 0);
  g_assert_cmpuint (unknown_report->blocked->len, >, 0);
  g_assert_nonnull (((BkBusyTime *) g_ptr_array_index (unknown_report->blocked, 0))->reason);

  /* no token in the SQLite file (and WAL), the keyring aside, or any
   * error text shown during the whole run */
  g_assert_false (test_secrets_leaked_in_tree (secrets, g_get_user_data_dir ()));
  g_assert_false (test_secrets_leaked_in (secrets, f->messages->str, f->messages->len));
  g_assert_false (test_secrets_leaked_in (secrets, test_log_captured ()->str, test_log_captured ()->len));
}

typedef struct
{
  BkHttp *http;
  guint   most;
} InFlight;

static gboolean
sample_in_flight_cb (gpointer user_data)
{
  InFlight *sample = user_data;

  sample->most = MAX (sample->most, bk_http_get_in_flight (sample->http, "graph:" UPN));
  return G_SOURCE_CONTINUE;
}

static void
test_four_in_flight (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  InFlight sample = { f->http, 0 };
  guint source;

  /* eight calendars, each one page: eight reads asked for at once */
  g_ptr_array_add (ids, g_strdup (f->work_id));
  g_ptr_array_add (ids, g_strdup (f->family_id));
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("Extra %u", i);

      g_ptr_array_add (ids, bk_sandbox_microsoft_add_calendar (f->sandbox, UPN, name, "auto", TRUE, FALSE, &error));
      g_assert_no_error (error);
    }
  g_ptr_array_add (ids, NULL);
  bk_sandbox_microsoft_set_page_size (f->sandbox, 50);
  {
    g_autoptr(GAsyncResult) result = NULL;
    g_autoptr(GPtrArray) calendars = NULL;
    Wait wait = { FALSE, NULL };

    bk_calendar_strategy_refresh_calendars_async (BK_CALENDAR_STRATEGY (f->strategy), NULL, got_result_cb, &wait);
    result = wait_result (&wait);
    calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (f->strategy), result, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (calendars->len, ==, 8);
  }
  g_assert_true (bk_store_select_calendars (f->store, BK_PROVIDER_OFFICE365,
                                            (const char * const *) ids->pdata, NULL, &error));

  /* every read is throttled once and backs off 50 ms holding its place,
   * so the limit is reached and held long enough to be seen */
  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox, "{\"kind\": \"429\", \"count\": 8, \"retryAfter\": 1}",
                                                 &error));
  g_object_set (f->http, "backoff-scale", 0.05, NULL);
  source = g_timeout_add (1, sample_in_flight_cb, &sample);
  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (f->strategy), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_source_remove (source);
  g_assert_no_error (error);
  assert_slots (slots, expected_slots);
  g_assert_cmpuint (sample.most, ==, 4);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  Wait wait = { FALSE, NULL };

  /* a slow Graph: every answer waits out a long Retry-After */
  g_assert_true (bk_sandbox_microsoft_add_fault (f->sandbox,
                                                 "{\"kind\": \"429\", \"count\": -1, \"retryAfter\": 3600}",
                                                 &error));
  g_object_set (f->http, "backoff-scale", 1.0, NULL);
  bk_availability_strategy_get_available_slots_async (BK_AVAILABILITY_STRATEGY (f->strategy),
                                                      instant (WINDOW_FROM), instant (WINDOW_TO),
                                                      cancellable, got_result_cb, &wait);
  g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  result = wait_result (&wait);
  slots = bk_availability_strategy_get_available_slots_finish (BK_AVAILABILITY_STRATEGY (f->strategy),
                                                               result, NULL, &error);
  g_assert_null (slots);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_manual_equals_engine (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(BkManualStrategy) manual = bk_manual_strategy_new (f->store);
  g_autoptr(BkAvailabilityRules) rules = bk_store_load_rules (f->store, NULL);
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GArray) engine = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *id = NULL;
  g_autofree char *got = NULL;
  g_autofree char *want = NULL;
  const BkInterval block = { instant ("2027-03-26T08:00:00Z"), instant ("2027-03-26T08:30:00Z") };
  const BkInterval booked = { instant ("2027-03-29T09:00:00Z"), instant ("2027-03-29T10:00:00Z") };
  g_autoptr(GAsyncResult) result = NULL;
  Wait wait = { FALSE, NULL };

  g_assert_cmpint (bk_store_add_block (f->store, block.start, block.end, "Dentist", &error), >, 0);
  g_ptr_array_add (rows, bk_appointment_new ("appt-m", booked.start, booked.end, "Chris", "c@example.test"));
  g_assert_true (bk_store_upsert_appointments (f->store, rows, &error));

  bk_manual_strategy_set_now (manual, instant (NOW));
  slots = get_slots (f, BK_AVAILABILITY_STRATEGY (manual), WINDOW_FROM, WINDOW_TO, NULL, &error);
  g_assert_no_error (error);
  engine = bk_slot_engine_compute (rules, &block, 1, &booked, 1, instant (NOW),
                                   instant (WINDOW_FROM), instant (WINDOW_TO), &error);
  g_assert_no_error (error);
  got = format_slots (slots);
  want = format_slots (engine);
  g_assert_cmpstr (got, ==, want);
  /* the inputs mattered: Friday 09:00 and Monday 11:00 are gone */
  g_assert_null (strstr (got, "2027-03-26T08:00:00Z"));
  g_assert_null (strstr (got, "2027-03-29T09:00:00Z"));
  g_assert_nonnull (strstr (got, "2027-03-26T09:00:00Z"));

  bk_availability_strategy_create_appointment_async (BK_AVAILABILITY_STRATEGY (manual),
                                                     g_ptr_array_index (rows, 0), NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  id = bk_availability_strategy_create_appointment_finish (BK_AVAILABILITY_STRATEGY (manual), result, &error);
  g_assert_no_error (error);
  g_assert_null (id);
}

int
main (int   argc,
      char *argv[])
{
  keyring_root = g_strdup (g_getenv ("BK_KEYRING_DIR"));
  /* GSETTINGS_SCHEMA_DIR holds only our schema, not the one the GNOME proxy
   * resolver reads; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  test_log_capture_install ();
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/office365/connect", test_connect);
  ADD ("/office365/busy-three-pages", test_busy_three_pages);
  ADD ("/office365/fail-mid-paging", test_fail_mid_paging);
  ADD ("/office365/throttle-storm", test_throttle_storm);
  ADD ("/office365/create-retry-one-event", test_create_retry_one_event);
  ADD ("/office365/update-and-cancel", test_update_and_cancel);
  ADD ("/office365/bad-json", test_bad_json);
  ADD ("/office365/expired-token", test_expired_token);
  ADD ("/office365/revoked", test_revoked);
  ADD ("/office365/offline", test_offline);
  ADD ("/office365/four-in-flight", test_four_in_flight);
  ADD ("/office365/cancel", test_cancel);
  ADD ("/office365/manual-equals-engine", test_manual_equals_engine);
#undef ADD

  return g_test_run ();
}
