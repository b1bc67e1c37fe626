/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Graph's (dateTime, timeZone) pairs read in the zone they name — IANA,
 * UTC or Windows names — across the Berlin DST change, never as UTC by
 * appending Z; explicit-offset window bounds; and the store's calendar
 * list, busy cache and coverage that the Office 365 strategy relies on. */
#define G_LOG_DOMAIN "test-graph"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-graph-client.h"
#include "bk-interval.h"
#include "bk-settings.h"
#include "bk-store.h"
#include "bk-time.h"

static gint64
instant (const char *text)
{
  gint64 t = 0;

  g_assert_true (bk_time_parse_iso8601 (text, &t, NULL));
  return t;
}

static gboolean
parse_pair (const char  *date_time,
            const char  *zone,
            gint64      *out,
            GError     **error)
{
  g_autoptr(JsonObject) object = json_object_new ();

  if (date_time != NULL)
    json_object_set_string_member (object, "dateTime", date_time);
  if (zone != NULL)
    json_object_set_string_member (object, "timeZone", zone);
  return bk_graph_parse_date_time_zone (object, out, error);
}

static void
test_time_zones (void)
{
  static const struct
  {
    const char *date_time;
    const char *zone;
    const char *expected;
  } cases[] = {
    { "2027-03-26T08:00:00.0000000", "UTC", "2027-03-26T08:00:00Z" },
    /* local midnights around the change: 23 hours apart */
    { "2027-03-28T00:00:00.0000000", "Europe/Berlin", "2027-03-27T23:00:00Z" },
    { "2027-03-29T00:00:00.0000000", "Europe/Berlin", "2027-03-28T22:00:00Z" },
    { "2027-03-29T11:00:00.0000000", "W. Europe Standard Time", "2027-03-29T09:00:00Z" },
    { "2027-01-15T09:00:00", "Eastern Standard Time", "2027-01-15T14:00:00Z" },
    { "2027-07-15T09:00:00", "Pacific Standard Time", "2027-07-15T16:00:00Z" },
    { "2027-07-15T09:00:00", "Tokyo Standard Time", "2027-07-15T00:00:00Z" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *got = NULL;
      gint64 t = 0;

      g_assert_true (parse_pair (cases[i].date_time, cases[i].zone, &t, &error));
      g_assert_no_error (error);
      got = bk_time_format_iso8601_utc (t);
      g_assert_cmpstr (got, ==, cases[i].expected);
    }
}

static void
test_bad_times (void)
{
  static const char * const pairs[][2] = {
    { "2027-03-26T08:00:00", "Mars/Olympus_Mons" },
    { "yesterday", "UTC" },
    { NULL, "UTC" },
    { "2027-03-26T08:00:00", NULL },
    { "2027-02-30T08:00:00", "UTC" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t = 0;

      g_assert_false (parse_pair (pairs[i][0], pairs[i][1], &t, &error));
      g_assert_error (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE);
      g_assert_nonnull (strstr (error->message, "Microsoft Graph"));
    }
}

static void
test_format_instant (void)
{
  g_autofree char *text = bk_graph_format_instant (instant ("2027-03-28T01:30:00Z"));

  g_assert_cmpstr (text, ==, "2027-03-28T01:30:00+00:00");
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = bk_settings_new ();
  g_autoptr(BkOAuthProvider) provider = NULL;
  g_autofree char *client = NULL;
  g_autofree char *graph = NULL;

  /* '' stands for the build's default client id */
  client = bk_settings_dup_microsoft_client_id (settings);
  g_assert_cmpstr (client, ==, BK_MICROSOFT_CLIENT_ID);
  g_assert_cmpstr (client, !=, "");

  g_settings_set_string (settings, "graph-url", "http://127.0.0.1:9/v1.0/");
  graph = bk_settings_dup_graph_url (settings);
  g_assert_cmpstr (graph, ==, "http://127.0.0.1:9/v1.0");

  g_settings_set_string (settings, "microsoft-authority-url", "https://login.microsoftonline.us");
  g_settings_set_string (settings, "microsoft-tenant", "contoso.onmicrosoft.com");
  g_settings_set_string (settings, "microsoft-client-id", "my-client");
  provider = bk_settings_new_microsoft_provider (settings);
  g_assert_cmpstr (bk_oauth_provider_get_authorize_url (provider), ==,
                   "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/authorize");
  g_assert_cmpstr (bk_oauth_provider_get_token_url (provider), ==,
                   "https://login.microsoftonline.us/contoso.onmicrosoft.com/oauth2/v2.0/token");
  g_assert_cmpstr (bk_oauth_provider_get_client_id (provider), ==, "my-client");
  g_assert_cmpstr (bk_oauth_provider_get_scopes (provider), ==, "offline_access Calendars.ReadWrite User.Read");
}

/* ---------------------------------------------------------------------- */
/* The store side                                                         */

static BkStore *
open_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "bookable", "bookable.sqlite", NULL);
  BkStore *store = bk_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
sync_two (BkStore *store)
{
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (listed, bk_calendar_new (BK_PROVIDER_OFFICE365, "cal-a", "Work", "#112233", TRUE, TRUE));
  g_ptr_array_add (listed, bk_calendar_new (BK_PROVIDER_OFFICE365, "cal-b", "Holidays", NULL, FALSE, FALSE));
  g_assert_true (bk_store_sync_calendars (store, BK_PROVIDER_OFFICE365, listed, &error));
  g_assert_no_error (error);
}

static void
test_store_calendars (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  g_autoptr(GError) error = NULL;
  const char * const both[] = { "cal-a", "cal-b", NULL };
  const char * const unknown[] = { "cal-z", NULL };
  BkCalendar *a, *b;

  sync_two (store);
  calendars = bk_store_list_calendars (store, BK_PROVIDER_OFFICE365, &error);
  g_assert_cmpuint (calendars->len, ==, 2);
  a = g_ptr_array_index (calendars, 0);
  b = g_ptr_array_index (calendars, 1);
  /* the default calendar is chosen to start with */
  g_assert_true (a->selected && a->destination && a->can_edit && a->is_default);
  g_assert_false (b->selected || b->destination);

  g_assert_false (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365, both, "cal-b", &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID);   /* read-only destination */
  g_clear_error (&error);
  g_assert_false (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365, unknown, NULL, &error));
  g_assert_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365, both, NULL, &error));

  /* a new listing keeps the choices and forgets what is gone */
  sync_two (store);
  g_ptr_array_add (one, bk_calendar_new (BK_PROVIDER_OFFICE365, "cal-b", "Holidays 2", NULL, FALSE, FALSE));
  g_assert_true (bk_store_sync_calendars (store, BK_PROVIDER_OFFICE365, one, &error));
  again = bk_store_list_calendars (store, BK_PROVIDER_OFFICE365, &error);
  g_assert_cmpuint (again->len, ==, 1);
  b = g_ptr_array_index (again, 0);
  g_assert_cmpstr (b->name, ==, "Holidays 2");
  g_assert_true (b->selected);
}

static void
add_busy (GPtrArray  *busy,
          const char *start,
          const char *end,
          const char *show_as)
{
  g_ptr_array_add (busy, bk_busy_time_new (instant (start), instant (end), show_as));
}

static void
test_store_busy_cache (void)
{
  g_autoptr(BkStore) store = open_store ();
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) relaxed = NULL;
  g_autoptr(GArray) gaps = NULL;
  g_autoptr(GArray) plain = NULL;
  g_autoptr(GError) error = NULL;
  gint64 oldest = 0;

  sync_two (store);
  add_busy (first, "2027-03-01T09:00:00Z", "2027-03-01T10:00:00Z", "busy");
  add_busy (first, "2027-03-02T09:00:00Z", "2027-03-02T10:00:00Z", "tentative");
  add_busy (first, "2027-03-03T09:00:00Z", "2027-03-03T10:00:00Z", "unknown");
  g_assert_true (bk_store_replace_busy (store, BK_PROVIDER_OFFICE365, "cal-a", instant ("2027-03-01T00:00:00Z"),
                                        instant ("2027-03-08T00:00:00Z"), first, 1000, &error));
  g_assert_no_error (error);

  /* a later read of the middle replaces it there and only there */
  add_busy (second, "2027-03-02T12:00:00Z", "2027-03-02T13:00:00Z", "oof");
  g_assert_true (bk_store_replace_busy (store, BK_PROVIDER_OFFICE365, "cal-a", instant ("2027-03-02T00:00:00Z"),
                                        instant ("2027-03-03T00:00:00Z"), second, 2000, &error));
  listed = bk_store_list_calendar_busy (store, BK_PROVIDER_OFFICE365, instant ("2027-03-01T00:00:00Z"),
                                        instant ("2027-03-08T00:00:00Z"), &error);
  g_assert_cmpuint (listed->len, ==, 3);
  g_assert_cmpstr (((BkBusyTime *) g_ptr_array_index (listed, 1))->show_as, ==, "oof");
  g_assert_cmpstr (((BkBusyTime *) g_ptr_array_index (listed, 1))->calendar_name, ==, "Work");
  g_assert_cmpstr (((BkBusyTime *) g_ptr_array_index (listed, 2))->show_as, ==, "busy");

  g_assert_true (bk_store_set_block_policy (store, BK_PROVIDER_OFFICE365, TRUE, FALSE, &error));
  relaxed = bk_store_list_calendar_busy (store, BK_PROVIDER_OFFICE365, instant ("2027-03-01T00:00:00Z"),
                                         instant ("2027-03-08T00:00:00Z"), &error);
  g_assert_cmpuint (relaxed->len, ==, 2);

  gaps = bk_store_list_uncovered (store, BK_PROVIDER_OFFICE365, instant ("2027-02-28T00:00:00Z"),
                                  instant ("2027-03-10T00:00:00Z"), &oldest, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (gaps->len, ==, 2);
  g_assert_cmpint (g_array_index (gaps, BkInterval, 0).end, ==, instant ("2027-03-01T00:00:00Z"));
  g_assert_cmpint (g_array_index (gaps, BkInterval, 1).start, ==, instant ("2027-03-08T00:00:00Z"));
  g_assert_cmpint (oldest, ==, 1000);

  /* the plain query of the slots sees the selected calendars' times */
  plain = bk_store_list_busy (store, instant ("2027-03-01T00:00:00Z"), instant ("2027-03-08T00:00:00Z"), &error);
  g_assert_cmpuint (plain->len, ==, 3);

  /* disconnecting forgets calendars and busy times */
  g_assert_true (bk_store_set_integration_account (store, BK_PROVIDER_OFFICE365, "a@b.test", "A", &error));
  g_assert_true (bk_store_set_integration_account (store, BK_PROVIDER_OFFICE365, NULL, NULL, &error));
  g_clear_pointer (&plain, g_array_unref);
  plain = bk_store_list_busy (store, instant ("2027-03-01T00:00:00Z"), instant ("2027-03-08T00:00:00Z"), &error);
  g_assert_cmpuint (plain->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/graph/time-zones", test_time_zones);
  g_test_add_func ("/graph/bad-times", test_bad_times);
  g_test_add_func ("/graph/format-instant", test_format_instant);
  g_test_add_func ("/graph/settings", test_settings);
  g_test_add_func ("/graph/store-calendars", test_store_calendars);
  g_test_add_func ("/graph/store-busy-cache", test_store_busy_cache);

  return g_test_run ();
}
