/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bookablectl's Office 365 commands end to end: the real binary in
 * subprocesses, the sandbox Microsoft service on its own thread, a real
 * keyring (run through tests/run-with-keyring). The test plays the browser
 * for `connect office365 --no-browser`: it reads the printed address, GETs
 * it and follows the sandbox's redirect to the command's loopback listener.
 * Settings persist between commands through GLib's keyfile backend in each
 * case's own XDG_CONFIG_HOME. */
#define G_LOG_DOMAIN "test-cli-office365"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-token-store.h"
#include "ctl-runner.h"

#define UPN "expert@sandbox.test"

/* Friday 2027-03-26 00:00 to Tuesday 2027-03-30 00:00 in Berlin, which moves
 * from CET to CEST on Sunday 2027-03-28 at 02:00. */
#define WINDOW_FROM "2027-03-25T23:00:00Z"
#define WINDOW_TO   "2027-03-29T22:00:00Z"
#define NOW         "2027-03-20T12:00:00Z"

static const char rules_json[] =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 365, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\", \"12:00\"]], \"tue\": [], \"wed\": [], \"thu\": [],"
  "              \"fri\": [[\"09:00\", \"12:00\"]], \"sat\": [[\"22:00\", \"24:00\"]],"
  "              \"sun\": [[\"00:00\", \"04:00\"]] },"
  "  \"overrides\": [] }";

/* Work (default): a weekly Monday+Friday 09:00 Berlin series whose
 * 2027-03-26 occurrence moved to 10:00, an all-day out-of-office on the DST
 * Sunday, a tentative hour in a Windows-named zone, and a free, a
 * workingElsewhere and a cancelled event that must not block. Family: one
 * busy half hour on Saturday night. Holidays: read-only. */
static const char data_json[] =
  "{ \"users\": [ { \"userPrincipalName\": \"" UPN "\", \"displayName\": \"Erika Expert\","
  "  \"timeZone\": \"Europe/Berlin\", \"calendars\": ["
  "  { \"id\": \"cal-work\", \"name\": \"Work\", \"isDefault\": true, \"hexColor\": \"#3a87ad\", \"events\": ["
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
  "  { \"id\": \"cal-family\", \"name\": \"Family\", \"hexColor\": \"#87d28e\", \"events\": ["
  "    { \"subject\": \"Call\", \"showAs\": \"busy\","
  "      \"start\": { \"dateTime\": \"2027-03-27T23:00:00\", \"timeZone\": \"Europe/Berlin\" },"
  "      \"end\": { \"dateTime\": \"2027-03-27T23:30:00\", \"timeZone\": \"Europe/Berlin\" } } ] },"
  "  { \"id\": \"cal-holidays\", \"name\": \"Holidays\", \"hexColor\": \"#c0c0c0\", \"canEdit\": false,"
  "    \"events\": [] } ] } ] }";

/* Work's busy times in the window, worked by hand (UTC): the moved Friday
 * occurrence 10:00 CET; the all-day out-of-office over Berlin's 23-hour
 * Sunday; Monday's occurrence 09:00 CEST; the tentative 11:00 CEST (blocks
 * by default). Free, workingElsewhere and cancelled events are absent. */
static const char expected_busy[] =
  "2027-03-26T09:00:00Z/2027-03-26T10:00:00Z/cal-work/busy,"
  "2027-03-27T23:00:00Z/2027-03-28T22:00:00Z/cal-work/oof,"
  "2027-03-29T07:00:00Z/2027-03-29T08:00:00Z/cal-work/busy,"
  "2027-03-29T09:00:00Z/2027-03-29T10:00:00Z/cal-work/tentative";

/* Slots with Work alone (the default calendar, selected on connect):
 * Fri 26 (CET) 09:00 and 11:00 (10:00 moved in, the free lunch does not
 * block) → 08:00Z, 10:00Z; Sat 27 22:00 and 23:00 CET (the cancelled event
 * does not block) → 21:00Z, 22:00Z; Sun 28 out of office all local day (read
 * as UTC midnights it would leave 00:00 open); Mon 29 (CEST) 09:00 series,
 * 10:00 workingElsewhere is free, 11:00 tentative → 08:00Z. */
static const char expected_work_slots[] =
  "2027-03-26T08:00:00Z/2027-03-26T09:00:00Z,2027-03-26T10:00:00Z/2027-03-26T11:00:00Z,"
  "2027-03-27T21:00:00Z/2027-03-27T22:00:00Z,2027-03-27T22:00:00Z/2027-03-27T23:00:00Z,"
  "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z";
/* With Family too, its Saturday 23:00 CET call takes 22:00Z away. */
static const char expected_both_slots[] =
  "2027-03-26T08:00:00Z/2027-03-26T09:00:00Z,2027-03-26T10:00:00Z/2027-03-26T11:00:00Z,"
  "2027-03-27T21:00:00Z/2027-03-27T22:00:00Z,"
  "2027-03-29T08:00:00Z/2027-03-29T09:00:00Z";

static const char * const slots_args[] = {
  "slots", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--now", NOW, "--json", NULL
};

typedef struct
{
  BkSandboxMicrosoft *sandbox;
  GString            *output;   /* everything every command printed */
} Fixture;

/* ---------------------------------------------------------------------- */
/* Running bookablectl                                                    */

static CtlResult *
run (Fixture            *f,
     const char * const *args)
{
  CtlResult *result = ctl_run_argv (NULL, NULL, args);

  g_string_append_printf (f->output, "%s\n%s\n", result->out, result->err);
  return result;
}

static char *
run_ok (Fixture            *f,
        const char * const *args)
{
  g_autoptr(CtlResult) result = run (f, args);

  if (result->status != 0)
    g_error ("bookablectl %s exited %d; stderr:\n%s", args[0], result->status, result->err);
  g_assert_cmpstr (result->err, ==, "");
  return g_steal_pointer (&result->out);
}

/* Waits for @process; its remaining stdout (after what @out_lines read)
 * and its stderr go to @result. */
static CtlResult *
finish_ctl (Fixture          *f,
            GSubprocess      *process,
            GDataInputStream *out_lines)
{
  CtlResult *result = ctl_finish (process, out_lines);

  g_string_append_printf (f->output, "%s\n%s\n", result->out, result->err);
  return result;
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

static char *
start_connect (Fixture           *f,
               const char * const *args,
               GSubprocess      **out_process,
               GDataInputStream **out_lines)
{
  g_autoptr(GError) error = NULL;
  char *uri;

  *out_process = ctl_spawn (args);
  *out_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*out_process));
  /* the address is the first line, printed before the command waits */
  uri = g_data_input_stream_read_line_utf8 (*out_lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (uri);
  g_string_append_printf (f->output, "%s\n", uri);
  return uri;
}

static CtlResult *
connect (Fixture *f)
{
  const char * const args[] = { "connect", "office365", "--no-browser", "--timeout", "60", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *uri = start_connect (f, args, &process, &lines);
  g_autofree char *expected_prefix = g_strdup_printf ("%s/common/oauth2/v2.0/authorize?",
                                                      bk_sandbox_microsoft_get_url (f->sandbox));

  g_assert_true (g_str_has_prefix (uri, expected_prefix));
  g_assert_nonnull (strstr (uri, "code_challenge_method=S256"));
  g_assert_cmpuint (browser_get (uri), ==, 200);
  return finish_ctl (f, process, lines);
}

static void
connect_ok (Fixture *f)
{
  g_autoptr(CtlResult) result = connect (f);

  g_assert_cmpint (result->status, ==, 0);
  g_assert_nonnull (strstr (result->out, "Connected to Office 365 Calendar as " UPN));
}

/* ---------------------------------------------------------------------- */
/* JSON                                                                   */

static JsonObject *
get_status (Fixture *f)
{
  const char * const args[] = { "status", "--json", NULL };
  g_autofree char *out = run_ok (f, args);
  g_autoptr(JsonNode) root = ctl_parse_json (out);
  JsonObject *calendar;

  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  calendar = json_object_get_object_member (json_node_get_object (root), "calendar");
  g_assert_nonnull (calendar);
  return json_object_ref (calendar);
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
      g_autofree char *keys = ctl_get_sorted_keys (busy);

      g_assert_cmpstr (keys, ==, "calendar_id,end,show_as,start");
      g_string_append_printf (summary, "%s%s/%s/%s/%s", i > 0 ? "," : "",
                              json_object_get_string_member (busy, "start"),
                              json_object_get_string_member (busy, "end"),
                              json_object_get_string_member (busy, "calendar_id"),
                              json_object_get_string_member (busy, "show_as"));
    }
  return g_string_free (summary, FALSE);
}

static char *
get_slots (Fixture *f)
{
  g_autofree char *out = run_ok (f, slots_args);

  return ctl_summarize_slots (out);
}

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

/* What the keyring holds for the account (NULL: nothing), looked up in the
 * same private session bus the commands use. */
static BkOAuthTokens *
lookup_tokens (GError **error)
{
  g_autoptr(BkTokenStore) store = bk_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;

  bk_token_store_lookup_async (store, BK_OFFICE365_TOKEN_PROVIDER, UPN, NULL, got_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return bk_token_store_lookup_finish (store, result, error);
}

static gboolean
leaked_in_tree (const char *directory,
                const char *secret)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          if (leaked_in_tree (path, secret))
            return TRUE;
        }
      else if (g_file_get_contents (path, &contents, &length, NULL) &&
               g_strstr_len (contents, length, secret) != NULL)
        {
          g_test_message ("a token is in %s", path);
          return TRUE;
        }
    }
  return FALSE;
}

/* ---------------------------------------------------------------------- */
/* Fixture                                                                */

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *graph = NULL;

  f->output = g_string_new (NULL);
  f->sandbox = bk_sandbox_microsoft_new ();
  /* three pages for the window's events */
  bk_sandbox_microsoft_set_page_size (f->sandbox, 2);
  g_assert_true (bk_sandbox_microsoft_start (f->sandbox, NULL, 0, &error));
  g_assert_no_error (error);
  g_assert_true (bk_sandbox_microsoft_load_data (f->sandbox, data_json, &error));
  g_assert_no_error (error);

  graph = bk_sandbox_microsoft_dup_graph_url (f->sandbox);
  {
    const char * const authority[] = { "config", "set", "microsoft-authority-url",
                                       bk_sandbox_microsoft_get_url (f->sandbox), NULL };
    const char * const graph_url[] = { "config", "set", "graph-url", graph, NULL };
    const char * const client[] = { "config", "set", "microsoft-client-id",
                                    BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID, NULL };
    g_autofree char *a = run_ok (f, authority);
    g_autofree char *b = run_ok (f, graph_url);
    g_autofree char *c = run_ok (f, client);
  }
  ctl_import_rules (rules_json);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->sandbox);
  g_string_free (f->output, TRUE);
}

/* ---------------------------------------------------------------------- */
/* Cases                                                                  */

static void
test_config (Fixture       *f,
             gconstpointer  data)
{
  const char * const get[] = { "config", "get", "graph-url", NULL };
  const char * const bad_url[] = { "config", "set", "graph-url", "notaurl", NULL };
  const char * const ftp[] = { "config", "set", "microsoft-authority-url", "ftp://127.0.0.1/", NULL };
  const char * const unknown[] = { "config", "get", "graph", NULL };
  const char * const list[] = { "config", "list", NULL };
  g_autofree char *graph = bk_sandbox_microsoft_dup_graph_url (f->sandbox);
  g_autofree char *want = g_strdup_printf ("%s\n", graph);
  g_autofree char *got = run_ok (f, get);
  g_autofree char *listed = run_ok (f, list);
  g_autoptr(CtlResult) refused = run (f, bad_url);
  g_autoptr(CtlResult) refused_ftp = run (f, ftp);
  g_autoptr(CtlResult) not_a_key = run (f, unknown);
  g_autofree char *after = run_ok (f, get);

  /* the value set in setup persisted across processes */
  g_assert_cmpstr (got, ==, want);
  g_assert_nonnull (strstr (listed, "microsoft-tenant"));
  g_assert_nonnull (strstr (listed, "common"));
  g_assert_nonnull (strstr (listed, "google-api-url"));

  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "notaurl"));
  g_assert_cmpint (refused_ftp->status, ==, 1);
  {
    const char * const tenant[] = { "config", "set", "microsoft-tenant", "contoso.com/evil", NULL };
    const char * const get_tenant[] = { "config", "get", "microsoft-tenant", NULL };
    g_autoptr(CtlResult) bad_tenant = run (f, tenant);
    g_autofree char *kept = run_ok (f, get_tenant);

    g_assert_cmpint (bad_tenant->status, ==, 1);
    g_assert_cmpstr (kept, ==, "common\n");
  }
  /* nothing changed */
  g_assert_cmpstr (after, ==, want);

  g_assert_cmpint (not_a_key->status, ==, 1);
  g_assert_nonnull (strstr (not_a_key->err, "microsoft-authority-url"));
  g_assert_nonnull (strstr (not_a_key->err, "google-client-secret"));
}

static void
test_connect_and_read (Fixture       *f,
                       gconstpointer  data)
{
  const char * const calendars_json[] = { "calendars", "--json", NULL };
  const char * const busy_json[] = { "busy", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--json", NULL };
  const char * const to_holidays[] = { "calendars", "select", "cal-work", "--destination", "cal-holidays", NULL };
  const char * const both[] = { "calendars", "select", "cal-work", "cal-family", "--destination", "cal-family", NULL };
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(BkOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *calendars = NULL;
  g_autofree char *busy = NULL;
  g_autofree char *busy_out = NULL;
  g_autofree char *slots = NULL;
  g_autofree char *both_slots = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CtlResult) refused = NULL;

  connect_ok (f);

  status = get_status (f);
  g_assert_cmpstr (json_object_get_string_member (status, "source"), ==, "office365_calendar");
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "connected");
  g_assert_cmpstr (json_object_get_string_member (status, "account"), ==, UPN);

  /* exact shape and values, in the sandbox's order; the default calendar
   * starts selected and, being writable, as the destination */
  calendars = run_ok (f, calendars_json);
  g_assert_cmpstr (g_strstrip (calendars), ==,
                   "[{\"id\":\"cal-work\",\"name\":\"Work\",\"color\":\"#3a87ad\",\"can_edit\":true,"
                   "\"is_default\":true,\"selected\":true,\"destination\":true},"
                   "{\"id\":\"cal-family\",\"name\":\"Family\",\"color\":\"#87d28e\",\"can_edit\":true,"
                   "\"is_default\":false,\"selected\":false,\"destination\":false},"
                   "{\"id\":\"cal-holidays\",\"name\":\"Holidays\",\"color\":\"#c0c0c0\",\"can_edit\":false,"
                   "\"is_default\":false,\"selected\":false,\"destination\":false}]");

  busy_out = run_ok (f, busy_json);
  busy = summarize_busy (busy_out);
  g_assert_cmpstr (busy, ==, expected_busy);
  /* read live, over more than one page */
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (f->sandbox, "GET /v1.0/me/calendars/{id}/calendarView"),
                    >=, 3);

  slots = get_slots (f);
  g_assert_cmpstr (slots, ==, expected_work_slots);

  /* the table says the times were read live, and names the calendar */
  {
    const char * const busy_table[] = { "busy", "--from", WINDOW_FROM, "--to", WINDOW_TO, NULL };
    g_autoptr(CtlResult) table = run (f, busy_table);

    g_assert_cmpint (table->status, ==, 0);
    g_assert_true (g_str_has_prefix (table->err, "Read live from Office 365 at "));
    g_assert_nonnull (strstr (table->out, "oof"));
    g_assert_nonnull (strstr (table->out, "Work"));
  }

  /* a read-only destination is refused, and nothing changes */
  refused = run (f, to_holidays);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_nonnull (strstr (refused->err, "read-only"));
  after = run_ok (f, calendars_json);
  g_assert_cmpstr (g_strstrip (after), ==, calendars);

  /* Family's Saturday call now blocks too */
  g_free (run_ok (f, both));
  both_slots = get_slots (f);
  g_assert_cmpstr (both_slots, ==, expected_both_slots);

  /* the tokens are in the keyring, and nowhere else: not in the profile
   * (SQLite file and WAL), the settings, or anything printed */
  tokens = lookup_tokens (&error);
  g_assert_no_error (error);
  g_assert_nonnull (tokens->access_token);
  g_assert_nonnull (tokens->refresh_token);
  g_assert_false (leaked_in_tree (g_get_user_data_dir (), tokens->access_token));
  g_assert_false (leaked_in_tree (g_get_user_data_dir (), tokens->refresh_token));
  g_assert_false (leaked_in_tree (g_get_user_config_dir (), tokens->refresh_token));
  g_assert_null (strstr (f->output->str, tokens->access_token));
  g_assert_null (strstr (f->output->str, tokens->refresh_token));
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  const char * const table[] = { "slots", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--now", NOW, NULL };
  const char * const unread[] = { "slots", "--from", "2027-04-15T22:00:00Z", "--to", "2027-04-19T22:00:00Z",
                                  "--now", NOW, NULL };
  g_autofree char *online = NULL;
  g_autofree char *offline = NULL;
  const char * const calendars_json[] = { "calendars", "--json", NULL };
  g_autoptr(CtlResult) table_run = NULL;
  g_autoptr(CtlResult) unread_run = NULL;
  g_autoptr(CtlResult) listed = NULL;
  g_autofree char *calendars = NULL;

  connect_ok (f);
  online = get_slots (f);
  g_assert_cmpstr (online, ==, expected_work_slots);

  calendars = run_ok (f, calendars_json);
  bk_sandbox_microsoft_stop (f->sandbox);

  /* the calendars as last read, saying so on stderr */
  listed = run (f, calendars_json);
  g_assert_cmpint (listed->status, ==, 0);
  g_assert_cmpstr (listed->out, ==, calendars);
  g_assert_nonnull (strstr (listed->err, "as last read"));

  /* the same answer from the cache; --json stays the bare array */
  offline = get_slots (f);
  g_assert_cmpstr (offline, ==, expected_work_slots);

  /* the table says where the busy times came from */
  table_run = run (f, table);
  g_assert_cmpint (table_run->status, ==, 0);
  g_assert_nonnull (strstr (table_run->err, "from the cache, read at"));
  g_assert_nonnull (strstr (table_run->out, "Friday 2027-03-26"));

  /* a week never read offers nothing, and says why */
  unread_run = run (f, unread);
  g_assert_cmpint (unread_run->status, ==, 0);
  g_assert_nonnull (strstr (unread_run->out, "No free slots"));
  g_assert_nonnull (strstr (unread_run->err, "could not be read"));
}

static void
test_revoked (Fixture       *f,
              gconstpointer  data)
{
  const char * const busy[] = { "busy", "--from", WINDOW_FROM, "--to", WINDOW_TO, "--json", NULL };
  g_autoptr(CtlResult) refused = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *slots = NULL;

  connect_ok (f);
  g_free (get_slots (f));

  /* the grant is gone, and the access token must be refreshed */
  bk_sandbox_microsoft_revoke (f->sandbox, UPN, 0);
  bk_sandbox_microsoft_expire_access_tokens (f->sandbox);

  refused = run (f, busy);
  g_assert_cmpint (refused->status, ==, 1);
  g_assert_cmpstr (refused->out, ==, "");
  g_assert_nonnull (strstr (refused->err, "bookablectl connect office365"));

  status = get_status (f);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "reconnect_needed");
  g_assert_cmpstr (json_object_get_string_member (status, "account"), ==, UPN);
  {
    const char * const text[] = { "status", NULL };
    g_autofree char *out = run_ok (f, text);

    g_assert_nonnull (strstr (out, "Reconnect needed: "));
    g_assert_nonnull (strstr (out, "AADSTS70008"));
  }

  /* slots still answer, from what was read before */
  slots = get_slots (f);
  g_assert_cmpstr (slots, ==, expected_work_slots);
}

static void
test_disconnect (Fixture       *f,
                 gconstpointer  data)
{
  const char * const disconnect[] = { "disconnect", "office365", NULL };
  const char * const export[] = { "rules", "export", NULL };
  const char * const busy[] = { "busy", "--json", NULL };
  g_autoptr(JsonObject) status = NULL;
  g_autoptr(BkOAuthTokens) before = NULL;
  g_autoptr(BkOAuthTokens) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CtlResult) not_connected = NULL;
  g_autofree char *rules_before = NULL;
  g_autofree char *rules_after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *slots = NULL;

  connect_ok (f);
  before = lookup_tokens (&error);
  g_assert_no_error (error);
  rules_before = run_ok (f, export);

  out = run_ok (f, disconnect);
  g_assert_nonnull (strstr (out, UPN));

  status = get_status (f);
  g_assert_cmpstr (json_object_get_string_member (status, "source"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "disconnected");
  g_assert_true (json_object_get_null_member (status, "account"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (status, "calendars")), ==, 0);

  /* the keyring entry is gone */
  after = lookup_tokens (&error);
  g_assert_null (after);
  g_assert_error (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND);

  /* the rules are kept, and slots come from them alone again: the Friday
   * 10:00 CET occurrence and the Sunday out-of-office no longer block */
  rules_after = run_ok (f, export);
  g_assert_cmpstr (rules_after, ==, rules_before);
  slots = get_slots (f);
  g_assert_nonnull (strstr (slots, "2027-03-26T09:00:00Z/"));
  g_assert_nonnull (strstr (slots, "2027-03-27T23:00:00Z/"));

  not_connected = run (f, busy);
  g_assert_cmpint (not_connected->status, ==, 1);
  g_assert_nonnull (strstr (not_connected->err, "connect office365"));
}

static void
test_connect_timeout_and_cancel (Fixture       *f,
                                 gconstpointer  data)
{
  const char * const quick[] = { "connect", "office365", "--no-browser", "--timeout", "1", NULL };
  const char * const slow[] = { "connect", "office365", "--no-browser", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(CtlResult) timed_out = NULL;
  g_autoptr(CtlResult) interrupted = NULL;
  g_autoptr(JsonObject) status = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *uri2 = NULL;

  /* nobody signs in */
  uri = start_connect (f, quick, &process, &lines);
  timed_out = finish_ctl (f, process, lines);
  g_assert_cmpint (timed_out->status, ==, 1);
  g_assert_nonnull (strstr (timed_out->err, "No sign-in arrived within 1 second"));
  g_clear_object (&process);
  g_clear_object (&lines);

  /* Ctrl-C while waiting */
  uri2 = start_connect (f, slow, &process, &lines);
  g_subprocess_send_signal (process, SIGINT);
  interrupted = finish_ctl (f, process, lines);
  g_assert_cmpint (interrupted->status, ==, 1);
  g_assert_nonnull (strstr (interrupted->err, "Cancelled"));

  status = get_status (f);
  g_assert_cmpstr (json_object_get_string_member (status, "state"), ==, "disconnected");
  g_assert_cmpstr (json_object_get_string_member (status, "source"), ==, "manual");
}

int
main (int   argc,
      char *argv[])
{
  /* settings persist from one bookablectl to the next in each case's own
   * XDG_CONFIG_HOME (memory settings would die with each process) */
  g_setenv ("GSETTINGS_BACKEND", "keyfile", TRUE);
  /* retries against a stopped sandbox take milliseconds */
  g_setenv ("BOOKABLE_BACKOFF_SCALE", "0.001", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli-office365/config", test_config);
  ADD ("/cli-office365/connect-and-read", test_connect_and_read);
  ADD ("/cli-office365/offline", test_offline);
  ADD ("/cli-office365/revoked", test_revoked);
  ADD ("/cli-office365/disconnect", test_disconnect);
  ADD ("/cli-office365/connect-timeout-and-cancel", test_connect_timeout_and_cancel);
#undef ADD

  return g_test_run ();
}
