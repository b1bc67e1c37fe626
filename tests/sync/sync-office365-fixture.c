/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "bk-availability-rules.h"
#include "bk-graph-client.h"
#include "bk-time.h"
#include "sync-office365-fixture.h"
#include "test-authority.h"

/* Open every day 00:00–23:00 UTC in hour slots; %u: the horizon in days. */
static const char open_rules_format[] =
  "{ \"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60,"
  "  \"min_notice_minutes\": 0, \"horizon_days\": %u,"
  "  \"weekly\": { \"mon\": [[\"00:00\",\"23:00\"]], \"tue\": [[\"00:00\",\"23:00\"]],"
  "    \"wed\": [[\"00:00\",\"23:00\"]], \"thu\": [[\"00:00\",\"23:00\"]],"
  "    \"fri\": [[\"00:00\",\"23:00\"]], \"sat\": [[\"00:00\",\"23:00\"]],"
  "    \"sun\": [[\"00:00\",\"23:00\"]] } }";

void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
sync_wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

BkSyncReport *
sync_pass_try (BkSyncEngine  *engine,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  bk_sync_engine_sync_async (engine, NULL, sync_done_cb, &result);
  return bk_sync_engine_sync_finish (engine, sync_wait_for (&result), error);
}

BkSyncReport *
sync_pass (BkSyncEngine *engine)
{
  g_autoptr(GError) error = NULL;
  BkSyncReport *report = sync_pass_try (engine, &error);

  g_assert_no_error (error);
  return report;
}

BkSyncReport *
sync_pass_clean (BkSyncEngine *engine)
{
  BkSyncReport *report = sync_pass (engine);

  for (guint i = 0; i < report->messages->len; i++)
    g_test_message ("refused: %s", (char *) g_ptr_array_index (report->messages, i));
  g_assert_cmpuint (report->refused, ==, 0);
  return report;
}

void
sync_save_open_rules (BkStore *store,
                      guint    horizon_days)
{
  g_autofree char *json = g_strdup_printf (open_rules_format, horizon_days);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;

  rules = bk_availability_rules_new_from_json (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_save_rules (store, rules, &error));
  g_assert_no_error (error);
}

gboolean
sync_published_has (SoupSession *session,
                    const char  *slug,
                    gint64       start)
{
  g_autoptr(JsonNode) slots = sync_public_slots (session, slug);
  g_autofree char *text = bk_time_format_iso8601_utc (start);
  JsonArray *array = json_node_get_array (slots);

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "start"), text))
      return TRUE;
  return FALSE;
}

/* ---------------------------------------------------------------------- */

/* The authority's sign-in page, visited as the user's browser would; the
 * sandbox consents for the test user and redirects to the app. */
static void
open_uri_as_browser (const char *uri,
                     gpointer    user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (test_browser_get (uri, NULL, &error), ==, 200);
  g_assert_no_error (error);
}

void
sync_office365_point_settings (GSettings          *settings,
                               BkSandboxMicrosoft *sandbox)
{
  g_autofree char *graph = bk_sandbox_microsoft_dup_graph_url (sandbox);

  g_settings_set_string (settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (sandbox));
  g_settings_set_string (settings, "graph-url", graph);
  g_settings_set_string (settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);
}

char *
sync_office365_connect (BkOffice365CalendarStrategy *strategy)
{
  g_autoptr(GAsyncResult) connected = NULL;
  g_autoptr(GError) error = NULL;
  char *account;

  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (strategy), open_uri_as_browser, NULL, NULL,
                                      sync_done_cb, &connected);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (strategy), sync_wait_for (&connected),
                                                 &error);
  g_assert_no_error (error);
  return account;
}

BkBackendClient *
sync_backend_client_new_expert (SoupSession *session,
                                BkHttp      *http,
                                const char  *slug,
                                const char  *name)
{
  g_autofree char *email = g_strdup_printf ("%s@example.com", slug);
  g_autofree char *password = bk_test_expert_add (email, name, slug, "UTC");
  g_autofree char *token = bk_test_sign_in (session, sync_server_url (), email, password);
  BkBackendClient *client = bk_backend_client_new (http, sync_server_url ());

  bk_backend_client_set_token (client, token);
  return client;
}

/* ---------------------------------------------------------------------- */

void
sync_office365_connect_sandbox (SyncOffice365 *fixture,
                                const char    *sandbox_data,
                                guint          n_calendars)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autofree char *path = NULL;

  fixture->sandbox = bk_sandbox_microsoft_new ();
  g_assert_true (bk_sandbox_microsoft_start (fixture->sandbox, NULL, 0, &error));
  g_assert_true (bk_sandbox_microsoft_load_data (fixture->sandbox, sandbox_data, &error));
  g_assert_no_error (error);
  fixture->settings = g_settings_new (APP_ID);
  sync_office365_point_settings (fixture->settings, fixture->sandbox);

  /* where bookablectl looks too */
  path = bk_store_get_default_path ();
  fixture->store = bk_store_open (path, &error);
  g_assert_no_error (error);
  sync_save_open_rules (fixture->store, 7);
  fixture->http = bk_http_new ();
  g_object_set (fixture->http, "backoff-scale", 0.001, NULL);
  fixture->tokens = bk_token_store_new ();
  fixture->strategy = bk_office365_calendar_strategy_new (fixture->store, fixture->http,
                                                          fixture->tokens, fixture->settings);
  fixture->account = sync_office365_connect (fixture->strategy);
  calendars = bk_store_list_calendars (fixture->store, BK_PROVIDER_OFFICE365, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (calendars->len, ==, n_calendars);
  fixture->calendar = sync_office365_dup_calendar_id (fixture, "Work");
}

void
sync_office365_sign_in_backend (SyncOffice365 *fixture,
                                SoupSession   *session,
                                const char    *slug_prefix)
{
  static guint serial;

  fixture->slug = g_strdup_printf ("%s-%u-%u", slug_prefix, (guint) getpid (), serial++);
  fixture->client = sync_backend_client_new_expert (session, fixture->http, fixture->slug, "Erika");
  fixture->engine = bk_sync_engine_new (fixture->store, fixture->client,
                                        BK_AVAILABILITY_STRATEGY (fixture->strategy));
}

void
sync_office365_set_up (SyncOffice365 *fixture,
                       SoupSession   *session,
                       const char    *sandbox_data,
                       guint          n_calendars,
                       const char    *slug_prefix)
{
  sync_office365_connect_sandbox (fixture, sandbox_data, n_calendars);
  sync_office365_sign_in_backend (fixture, session, slug_prefix);
}

void
sync_office365_tear_down (SyncOffice365 *fixture)
{
  if (fixture->sandbox != NULL)
    bk_sandbox_microsoft_stop (fixture->sandbox);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->strategy);
  g_clear_object (&fixture->tokens);
  g_clear_object (&fixture->http);
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->sandbox);
  g_clear_pointer (&fixture->account, g_free);
  g_clear_pointer (&fixture->calendar, g_free);
  g_clear_pointer (&fixture->slug, g_free);
}

char *
sync_office365_dup_calendar_id (SyncOffice365 *fixture,
                                const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = bk_store_list_calendars (fixture->store, BK_PROVIDER_OFFICE365, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (g_str_equal (calendar->name, name))
        return g_strdup (calendar->remote_id);
    }
  g_error ("no calendar named %s", name);
}

/* ---------------------------------------------------------------------- */

JsonArray *
sync_office365_sandbox_events (BkSandboxMicrosoft *sandbox,
                               const char         *calendar_id)
{
  g_autofree char *escaped = g_uri_escape_string (calendar_id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/_sandbox/events?calendar=%s", escaped);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *answer = NULL;
  guint status = 0;

  answer = bk_sandbox_microsoft_control (sandbox, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (json_parser_load_from_data (parser, answer, -1, NULL));
  return json_array_ref (json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                                      "value"));
}

GPtrArray *
sync_office365_events_of (SyncOffice365 *fixture,
                          const char    *appointment_id)
{
  g_autoptr(JsonArray) events = sync_office365_sandbox_events (fixture->sandbox, fixture->calendar);
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

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

char *
sync_office365_event_of (SyncOffice365 *fixture,
                         const char    *appointment_id)
{
  g_autoptr(GPtrArray) events = sync_office365_events_of (fixture, appointment_id);

  g_assert_cmpuint (events->len, ==, 1);
  return g_strdup (json_object_get_string_member (g_ptr_array_index (events, 0), "id"));
}

void
sync_office365_expert_deletes (SyncOffice365 *fixture,
                               const char    *event_id)
{
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bk_graph_client_delete_event_async (graph, event_id, NULL, sync_done_cb, &result);
  g_assert_true (bk_graph_client_delete_event_finish (graph, sync_wait_for (&result), &error));
  g_assert_no_error (error);
}

void
sync_office365_expert_updates (SyncOffice365 *fixture,
                               const char    *event_id,
                               const char    *json)
{
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (fixture->strategy);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) changes = json_from_string (json, &error);

  g_assert_no_error (error);
  bk_graph_client_update_event_async (graph, event_id, changes, NULL, sync_done_cb, &result);
  g_assert_true (bk_graph_client_update_event_finish (graph, sync_wait_for (&result), &error));
  g_assert_no_error (error);
}
