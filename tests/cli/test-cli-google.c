/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bookablectl's commands with Google Calendar as the source, end to end:
 * the real binary in subprocesses, the sandbox Google service on its own
 * thread, a real keyring (run through tests/run-with-keyring). The test
 * plays the browser for `connect google --no-browser`. connect → status →
 * calendars → select → busy → slots (worked by hand) → disconnect. */
#define G_LOG_DOMAIN "test-cli-google"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "bk-sandbox-google.h"
#include "ctl-runner.h"

#define EMAIL "expert@sandbox.test"
#define TEAM  "team0sandbox@group.calendar.google.com"
#define HOLS  "holidays0sandbox@group.calendar.google.com"

#define WINDOW_FROM "2027-03-29T00:00:00Z"
#define WINDOW_TO   "2027-03-30T00:00:00Z"
#define NOW         "2027-03-20T12:00:00Z"

static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 365, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\", \"13:00\"]], \"tue\": [], \"wed\": [], \"thu\": [],"
  "              \"fri\": [], \"sat\": [], \"sun\": [] }, \"overrides\": [] }";

/* Primary: busy 09:00–10:00 and a transparent 11:00 reminder. Team: a
 * tentative 10:00–11:00 (freeBusy counts it busy). Holidays (read-only): a
 * transparent all-day event. */
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

static const char * const slots_args[] = {
  "slots", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--now", NOW, "--json", NULL
};

typedef struct
{
  BkSandboxGoogle *sandbox;
} Fixture;

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static char *
run_ok (const char * const *args)
{
  g_autoptr(CtlResult) result = ctl_run_argv (NULL, NULL, args);

  if (result->status != 0)
    g_error ("bookablectl %s exited %d; stderr:\n%s", args[0], result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");
  return g_steal_pointer (&result->out);
}

/* Plays the browser: GET, following the sandbox's 302 to the command's
 * loopback listener; returns the final status. */
static guint
browser_get (const char *uri)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  return soup_message_get_status (msg);
}

static JsonObject *
get_status (void)
{
  const char * const args[] = { "status", "--json", NULL };
  g_autofree char *out = run_ok (args);
  g_autoptr(JsonNode) root = ctl_parse_json (out);

  return json_object_ref (json_object_get_object_member (json_node_get_object (root), "calendar"));
}

static char *
summarize_busy (const char *json)
{
  g_autoptr(JsonNode) root = ctl_parse_json (json);
  GString *summary = g_string_new (NULL);
  JsonArray *array = json_node_get_array (root);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *busy = json_array_get_object_element (array, i);

      g_string_append_printf (summary, "%s%s/%s/%s/%s", i > 0 ? "," : "",
                              json_object_get_string_member (busy, "start"),
                              json_object_get_string_member (busy, "end"),
                              json_object_get_string_member (busy, "calendar_id"),
                              json_object_get_string_member (busy, "show_as"));
    }
  return g_string_free (summary, FALSE);
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static void
set_config (const char *key,
            const char *value)
{
  const char * const args[] = { "config", "set", key, value, NULL };
  g_autofree char *out = run_ok (args);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *api = NULL;
  g_autofree char *auth = NULL;
  g_autofree char *token = NULL;

  f->sandbox = bk_sandbox_google_new ();
  g_assert_true (bk_sandbox_google_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  bk_sandbox_google_load_data (f->sandbox, data_json, &error);
  g_assert_no_error (error);

  api = bk_sandbox_google_dup_api_url (f->sandbox);
  auth = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/o/oauth2/v2/auth", NULL);
  token = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/token", NULL);
  set_config ("google-auth-url", auth);
  set_config ("google-token-url", token);
  set_config ("google-api-url", api);
  set_config ("google-client-id", BK_SANDBOX_GOOGLE_CLIENT_ID);
  set_config ("google-client-secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET);
  ctl_import_rules (rules_json);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  bk_sandbox_google_stop (f->sandbox);
  g_clear_object (&f->sandbox);
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                  */

static void
connect_google (Fixture *f)
{
  const char * const args[] = { "connect", "google", "--no-browser", "--timeout", "60", NULL };
  g_autoptr(GSubprocess) process = ctl_spawn (args);
  g_autoptr(GDataInputStream) lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) result = NULL;
  g_autofree char *prefix = g_strconcat (bk_sandbox_google_get_url (f->sandbox), "/o/oauth2/v2/auth?", NULL);
  g_autofree char *uri = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (uri);
  g_assert_true (g_str_has_prefix (uri, prefix));
  g_assert_nonnull (strstr (uri, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (uri, "access_type=offline"));
  g_assert_nonnull (strstr (uri, "prompt=consent"));
  g_assert_cmpuint (browser_get (uri), ==, 200);
  result = ctl_finish (process, lines);
  if (result->status != 0)
    g_error ("connect google exited %d; stderr:\n%s", result->status, result->err);
  g_assert_nonnull (strstr (result->out, "Connected to Google Calendar as " EMAIL));
}

static void
test_connect_to_disconnect (Fixture       *f,
                            gconstpointer  data)
{
  const char * const list[] = { "calendars", "--json", NULL };
  const char * const select[] = { "calendars", "select", EMAIL, TEAM, NULL };
  const char * const busy[] = { "busy", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--json", NULL };
  const char * const disconnect[] = { "disconnect", "google", NULL };
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(JsonNode) calendars = NULL;
  g_autofree char *listed = NULL;
  g_autofree char *selected = NULL;
  g_autofree char *busy_out = NULL;
  g_autofree char *busy_summary = NULL;
  g_autofree char *slots_out = NULL;
  g_autofree char *slots = NULL;
  g_autofree char *bye = NULL;
  JsonObject *primary, *holidays;

  connect_google (f);
  status = get_status ();
  g_assert_cmpstr (json_object_get_string_member (status, "source"), ==, "google_calendar");
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (status, "account"), ==, EMAIL);

  listed = run_ok (list);
  calendars = ctl_parse_json (listed);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (calendars)), ==, 3);
  primary = json_array_get_object_element (json_node_get_array (calendars), 0);
  holidays = json_array_get_object_element (json_node_get_array (calendars), 2);
  g_assert_cmpstr (json_object_get_string_member (primary, "id"), ==, EMAIL);
  g_assert_cmpstr (json_object_get_string_member (primary, "color"), ==, "#9fc6e7");
  g_assert_true (json_object_get_boolean_member (primary, "selected"));
  g_assert_true (json_object_get_boolean_member (primary, "destination"));
  g_assert_false (json_object_get_boolean_member (holidays, "can_edit"));

  selected = run_ok (select);
  g_assert_nonnull (strstr (selected, "Practice team"));

  /* freeBusy knows no tentative: Team's hour is plain busy */
  busy_out = run_ok (busy);
  busy_summary = summarize_busy (busy_out);
  g_assert_cmpstr (busy_summary, ==,
                   "2027-03-29T09:00:00Z/2027-03-29T10:00:00Z/" EMAIL "/busy,"
                   "2027-03-29T10:00:00Z/2027-03-29T11:00:00Z/" TEAM "/busy");

  /* Monday 09:00–13:00 minus 09:00 (primary) and 10:00 (Team); the
   * transparent reminder at 11:00 and the all-day holiday block nothing */
  slots_out = run_ok (slots_args);
  slots = ctl_summarize_slots (slots_out);
  g_assert_cmpstr (slots, ==,
                   "2027-03-29T11:00:00Z/2027-03-29T12:00:00Z,2027-03-29T12:00:00Z/2027-03-29T13:00:00Z");
  g_assert_cmpuint (bk_sandbox_google_get_request_count (f->sandbox, "POST /calendar/v3/freeBusy"), ==, 2);

  bye = run_ok (disconnect);
  g_assert_nonnull (strstr (bye, "Disconnected " EMAIL));
  g_clear_pointer (&status, json_object_unref);
  status = get_status ();
  g_assert_cmpstr (json_object_get_string_member (status, "source"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "disconnected");
  /* back to the rules alone: all four hours */
  g_clear_pointer (&slots_out, g_free);
  g_clear_pointer (&slots, g_free);
  slots_out = run_ok (slots_args);
  slots = ctl_summarize_slots (slots_out);
  g_assert_cmpstr (slots, ==,
                   "2027-03-29T09:00:00Z/2027-03-29T10:00:00Z,2027-03-29T10:00:00Z/2027-03-29T11:00:00Z,"
                   "2027-03-29T11:00:00Z/2027-03-29T12:00:00Z,2027-03-29T12:00:00Z/2027-03-29T13:00:00Z");
}

static void
test_unknown_service (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CtlResult) result = ctl_run ("connect", "yahoo", NULL);

  g_assert_cmpint (result->status, !=, 0);
  g_assert_nonnull (strstr (result->err, "yahoo"));
  g_assert_nonnull (strstr (result->err, "google"));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* settings persist from one bookablectl to the next in each case's own
   * XDG_CONFIG_HOME (memory settings would die with each process) */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  g_setenv ("BOOKABLE_BACKOFF_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/cli-google/connect-to-disconnect", Fixture, NULL, fixture_setup,
              test_connect_to_disconnect, fixture_teardown);
  g_test_add ("/cli-google/unknown-service", Fixture, NULL, fixture_setup,
              test_unknown_service, fixture_teardown);

  return g_test_run ();
}
