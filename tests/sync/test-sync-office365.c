/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The sync engine with the Office 365 strategy: a throwaway PostgreSQL and a
 * real bookable-server, the sandbox Microsoft service (identity + Graph), a
 * real keyring (tests/run-with-keyring). A client books over HTTP → a pass
 * writes the event into the expert's calendar with the appointment id and
 * reports its id to the backend → the client cancels → the next pass
 * deletes the event. Busy calendar time is never published. */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "bk-availability-rules.h"
#include "bk-manual-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-sync-engine.h"
#include "bk-time.h"
#include "sync-fixture.h"
#include "test-authority.h"

#define UPN "expert@sandbox.test"

static const char rules_json[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"min_notice_minutes\": 0, \"horizon_days\": 7,"
  "  \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
  "    \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]],"
  "    \"fri\": [[\"00:00\",\"23:00\"]], \"sat\": [[\"00:00\",\"23:00\"]],"
  "    \"sun\": [[\"00:00\",\"23:00\"]] } }";

static SoupSession *session;

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
run_pass (BkSyncEngine *engine)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BkSyncReport *report;

  bk_sync_engine_sync_async (engine, NULL, done_cb, &result);
  report = bk_sync_engine_sync_finish (engine, wait_for (&result), &error);
  g_assert_no_error (error);
  return report;
}

/* The sandbox's events of the calendar @calendar_id with the appointment
 * id @appointment_id in their extended property. */
static GPtrArray *
events_of (BkSandboxMicrosoft *sandbox,
           const char         *calendar_id,
           const char         *appointment_id)
{
  g_autofree char *escaped = g_uri_escape_string (calendar_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/_sandbox/events?calendar=%s", escaped);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *events;
  guint status = 0;

  answer = bk_sandbox_microsoft_control (sandbox, "GET", path, NULL, &status);
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

static char *
sandbox_data (gint64 busy_start)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (busy_start);
  g_autoptr(GDateTime) end = g_date_time_add_hours (start, 1);
  g_autofree char *s = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *e = g_date_time_format (end, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf (
    "{ \"users\": [ { \"userPrincipalName\": \"" UPN "\", \"displayName\": \"Erika Expert\","
    "  \"timeZone\": \"UTC\", \"calendars\": ["
    "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": ["
    "    { \"subject\": \"Dentist\", \"showAs\": \"busy\","
    "      \"start\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" },"
    "      \"end\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" } } ] } ] } ] }", s, e);
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

static void
test_office365_mirror (void)
{
  g_autoptr(BkSandboxMicrosoft) sandbox = bk_sandbox_microsoft_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkTokenStore) tokens = bk_token_store_new ();
  g_autoptr(BkOffice365CalendarStrategy) strategy = NULL;
  g_autoptr(BkManualStrategy) manual = NULL;
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(BkSyncEngine) engine = NULL;
  g_autoptr(GAsyncResult) connected = NULL, disconnected = NULL;
  g_autoptr(BkSyncReport) first = NULL, booked = NULL, cancelled = NULL, after = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GPtrArray) events = NULL, gone = NULL;
  g_autofree char *graph = NULL, *data = NULL, *path = NULL, *account = NULL;
  g_autofree char *slug = g_strdup_printf ("o365-%u", (guint) getpid ());
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *password = NULL, *token = NULL, *id = NULL, *cancel_token = NULL;
  g_autofree char *sql = NULL, *remote_event = NULL, *profile = NULL, *profile_sql = NULL;
  /* tomorrow 10:00 UTC is taken in Outlook */
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 busy = now - now % 86400 + 86400 + 10 * 3600;
  const char *work_id;

  g_assert_true (bk_sandbox_microsoft_start (sandbox, NULL, 0, &error));
  data = sandbox_data (busy);
  g_assert_true (bk_sandbox_microsoft_load_data (sandbox, data, &error));
  g_assert_no_error (error);
  graph = bk_sandbox_microsoft_dup_graph_url (sandbox);
  g_settings_set_string (settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (sandbox));
  g_settings_set_string (settings, "graph-url", graph);
  g_settings_set_string (settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

  path = g_build_filename (g_get_user_data_dir (), "bookable.sqlite", NULL);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_save_rules (store, rules, &error));
  g_object_set (http, "backoff-scale", 0.001, NULL);
  strategy = bk_office365_calendar_strategy_new (store, http, tokens, settings);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (strategy), open_uri_as_browser, NULL, NULL,
                                      done_cb, &connected);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (strategy), wait_for (&connected), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (account, ==, UPN);
  calendars = bk_store_list_calendars (store, BK_PROVIDER_OFFICE365, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, 1);
  work_id = ((BkCalendar *) g_ptr_array_index (calendars, 0))->remote_id;

  password = bk_test_expert_add (email, "Erika", slug, "UTC");
  token = bk_test_sign_in (session, sync_server_url (), email, password);
  client = bk_backend_client_new (http, sync_server_url ());
  bk_backend_client_set_token (client, token);
  engine = bk_sync_engine_new (store, client, BK_AVAILABILITY_STRATEGY (strategy));

  /* the calendar's busy hour is not offered; the hour after it is */
  first = run_pass (engine);
  g_assert_true (first->published);
  g_assert_false (published_has (slug, busy));
  g_assert_true (published_has (slug, busy + 3600));
  /* connecting was queued for the backend with the account, never a token */
  profile_sql = g_strdup_printf ("SELECT p.integration_type || ' ' || (p.office365_calendar_credentials ->> 'account')"
                                 " FROM expert_profiles p JOIN experts e ON e.id = p.expert_id"
                                 " WHERE e.slug = '%s'", slug);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "office365_calendar " UPN);

  id = sync_book (session, slug, 0, &cancel_token);
  g_assert_nonnull (id);
  booked = run_pass (engine);
  for (guint i = 0; i < booked->messages->len; i++)
    g_test_message ("refused: %s", (char *) g_ptr_array_index (booked->messages, i));
  g_assert_cmpuint (booked->refused, ==, 0);
  g_assert_cmpuint (booked->sent, ==, 1);
  g_assert_cmpuint (booked->appointments, >=, 1);
  events = events_of (sandbox, work_id, id);
  g_assert_cmpuint (events->len, ==, 1);
  /* the backend knows the event: the pass reported it */
  sql = g_strdup_printf ("SELECT calendar_event_id FROM appointments WHERE id = '%s'", id);
  remote_event = bk_test_sql (sql);
  g_assert_cmpstr (remote_event, ==,
                   json_object_get_string_member (g_ptr_array_index (events, 0), "id"));
  g_assert_cmpuint (bk_sync_engine_get_pending (engine), ==, 0);

  sync_client_cancel (session, cancel_token);
  cancelled = run_pass (engine);
  gone = events_of (sandbox, work_id, id);
  g_assert_cmpuint (gone->len, ==, 0);

  /* disconnecting goes back to manual on the backend too */
  bk_calendar_strategy_disconnect_async (BK_CALENDAR_STRATEGY (strategy), NULL, done_cb, &disconnected);
  g_assert_true (bk_calendar_strategy_disconnect_finish (BK_CALENDAR_STRATEGY (strategy), wait_for (&disconnected), &error));
  g_assert_no_error (error);
  /* the app and bookablectl pick the strategy of the active source anew */
  g_clear_object (&engine);
  manual = bk_manual_strategy_new (store);
  engine = bk_sync_engine_new (store, client, BK_AVAILABILITY_STRATEGY (manual));
  after = run_pass (engine);
  g_free (profile);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "");   /* the account forgotten: NULL || … is NULL */
  g_free (profile_sql);
  profile_sql = g_strdup_printf ("SELECT p.integration_type FROM expert_profiles p JOIN experts e"
                                 " ON e.id = p.expert_id WHERE e.slug = '%s'", slug);
  g_free (profile);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "manual");

  bk_sandbox_microsoft_stop (sandbox);
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

  g_test_add_func ("/sync/office365-mirror", test_office365_mirror);

  status = g_test_run ();
  g_object_unref (session);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return status;
}
