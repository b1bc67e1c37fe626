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

#include "bk-manual-strategy.h"
#include "sync-office365-fixture.h"

static SoupSession *session;

static char *
sandbox_data (gint64 busy_start)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (busy_start);
  g_autoptr(GDateTime) end = g_date_time_add_hours (start, 1);
  g_autofree char *s = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S");
  g_autofree char *e = g_date_time_format (end, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf (
    "{ \"users\": [ { \"userPrincipalName\": \"" SYNC_OFFICE365_UPN "\", \"displayName\": \"Erika Expert\","
    "  \"timeZone\": \"UTC\", \"calendars\": ["
    "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": ["
    "    { \"subject\": \"Dentist\", \"showAs\": \"busy\","
    "      \"start\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" },"
    "      \"end\": { \"dateTime\": \"%s\", \"timeZone\": \"UTC\" } } ] } ] } ] }", s, e);
}

static void
test_office365_mirror (void)
{
  g_auto(SyncOffice365) fixture = { 0 };
  g_autoptr(BkManualStrategy) manual = NULL;
  g_autoptr(GAsyncResult) disconnected = NULL;
  g_autoptr(BkSyncReport) first = NULL, booked = NULL, cancelled = NULL, after = NULL;
  g_autoptr(GPtrArray) events = NULL, gone = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL, *id = NULL, *cancel_token = NULL;
  g_autofree char *remote_event = NULL, *profile = NULL, *profile_sql = NULL;
  /* tomorrow 10:00 UTC is taken in Outlook */
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 busy = now - now % 86400 + 86400 + 10 * 3600;

  data = sandbox_data (busy);
  sync_office365_set_up (&fixture, session, data, 1, "o365");
  g_assert_cmpstr (fixture.account, ==, SYNC_OFFICE365_UPN);

  /* the calendar's busy hour is not offered; the hour after it is */
  first = sync_pass (fixture.engine);
  g_assert_true (first->published);
  g_assert_false (sync_published_has (session, fixture.slug, busy));
  g_assert_true (sync_published_has (session, fixture.slug, busy + 3600));
  /* connecting was queued for the backend with the account, never a token */
  profile_sql = g_strdup_printf ("SELECT p.integration_type || ' ' || (p.office365_calendar_credentials ->> 'account')"
                                 " FROM expert_profiles p JOIN experts e ON e.id = p.expert_id"
                                 " WHERE e.slug = '%s'", fixture.slug);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "office365_calendar " SYNC_OFFICE365_UPN);

  id = sync_book (session, fixture.slug, 0, &cancel_token);
  g_assert_nonnull (id);
  booked = sync_pass_clean (fixture.engine);
  g_assert_cmpuint (booked->sent, ==, 1);
  g_assert_cmpuint (booked->appointments, >=, 1);
  events = sync_office365_events_of (&fixture, id);
  g_assert_cmpuint (events->len, ==, 1);
  /* the backend knows the event: the pass reported it */
  remote_event = sync_backend_column ("calendar_event_id", id);
  g_assert_cmpstr (remote_event, ==,
                   json_object_get_string_member (g_ptr_array_index (events, 0), "id"));
  g_assert_cmpuint (bk_sync_engine_get_pending (fixture.engine), ==, 0);

  sync_client_cancel (session, cancel_token);
  cancelled = sync_pass (fixture.engine);
  gone = sync_office365_events_of (&fixture, id);
  g_assert_cmpuint (gone->len, ==, 0);

  /* disconnecting goes back to manual on the backend too */
  bk_calendar_strategy_disconnect_async (BK_CALENDAR_STRATEGY (fixture.strategy), NULL, sync_done_cb, &disconnected);
  g_assert_true (bk_calendar_strategy_disconnect_finish (BK_CALENDAR_STRATEGY (fixture.strategy),
                                                         sync_wait_for (&disconnected), &error));
  g_assert_no_error (error);
  /* the app and bookablectl pick the strategy of the active source anew */
  g_clear_object (&fixture.engine);
  manual = bk_manual_strategy_new (fixture.store);
  fixture.engine = bk_sync_engine_new (fixture.store, fixture.client, BK_AVAILABILITY_STRATEGY (manual));
  after = sync_pass (fixture.engine);
  g_free (profile);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "");   /* the account forgotten: NULL || … is NULL */
  g_free (profile_sql);
  profile_sql = g_strdup_printf ("SELECT p.integration_type FROM expert_profiles p JOIN experts e"
                                 " ON e.id = p.expert_id WHERE e.slug = '%s'", fixture.slug);
  g_free (profile);
  profile = bk_test_sql (profile_sql);
  g_assert_cmpstr (profile, ==, "manual");
}

int
main (int    argc,
      char **argv)
{
  session = sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/office365-mirror", test_office365_mirror);

  return sync_test_run (session);
}
