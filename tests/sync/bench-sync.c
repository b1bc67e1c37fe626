/* SPDX-License-Identifier: GPL-3.0-or-later */
/* build-aux/dev bench: sync passes against a real bookable-server.
 *
 * - a no-change pass: the requests it makes (1 feed request, no upload)
 *   and its time, next to one bare GET of the same feed page (baseline);
 * - a no-change pass with Office 365 (the sandbox Microsoft service) and 1
 *   and 5 selected calendars: Graph requests (one delta round per
 *   calendar), backend requests, whether slots were uploaded, and the
 *   median time, next to the manual source's median in the same run;
 * - a pass pulling 1,000 new bookings: its time, next to storing the same
 *   1,000 appointments straight into the store (baseline). */
#define G_LOG_DOMAIN "bench-sync"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "bk-appointment.h"
#include "sync-office365-fixture.h"

#define NO_CHANGE_PASSES 30
/* open hours every day, this far ahead: many slots to publish */
#define HORIZON_DAYS 60

/* One pass that must succeed, and in @out_ms its time. */
static BkSyncReport *
timed_pass (BkSyncEngine *engine,
            double       *out_ms)
{
  gint64 start = g_get_monotonic_time ();
  BkSyncReport *report = sync_pass (engine);

  *out_ms = (g_get_monotonic_time () - start) / 1000.0;
  return report;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (GArray *times)
{
  g_array_sort (times, compare_double);
  return g_array_index (times, double, times->len / 2);
}

/* The sandbox's data: @n calendars, each with a dozen single events and a
 * daily series over the coming weeks (what a delta round has to carry). */
static char *
office365_data (guint n)
{
  g_autoptr(GString) json = g_string_new ("{ \"users\": [ { \"userPrincipalName\": \"" SYNC_OFFICE365_UPN "\","
                                          " \"displayName\": \"Bench\", \"timeZone\": \"UTC\","
                                          " \"calendars\": [");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 day = now - now % 86400 + 86400;

  for (guint c = 0; c < n; c++)
    {
      g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (day);
      g_autofree char *date = g_date_time_format (first, "%Y-%m-%d");

      g_string_append_printf (json, "%s{ \"name\": \"Calendar %u\", \"isDefault\": %s, \"canEdit\": true,"
                              " \"events\": [", c > 0 ? "," : "", c, c == 0 ? "true" : "false");
      for (guint e = 0; e < 12; e++)
        {
          g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (day + e * 86400 * 3 + (8 + c) * 3600);
          g_autoptr(GDateTime) end = g_date_time_add_hours (start, 1);
          g_autofree char *s = g_date_time_format (start, "%Y-%m-%dT%H:%M:%S");
          g_autofree char *t = g_date_time_format (end, "%Y-%m-%dT%H:%M:%S");

          g_string_append_printf (json, "{ \"subject\": \"Meeting\", \"start\": { \"dateTime\": \"%s\","
                                  " \"timeZone\": \"UTC\" }, \"end\": { \"dateTime\": \"%s\","
                                  " \"timeZone\": \"UTC\" } },", s, t);
        }
      g_string_append_printf (json, "{ \"subject\": \"Stand-up\","
                              " \"start\": { \"dateTime\": \"%sT07:00:00\", \"timeZone\": \"UTC\" },"
                              " \"end\": { \"dateTime\": \"%sT07:15:00\", \"timeZone\": \"UTC\" },"
                              " \"recurrence\": { \"pattern\": { \"type\": \"daily\", \"interval\": 1 },"
                              " \"range\": { \"type\": \"numbered\", \"startDate\": \"%s\","
                              " \"numberOfOccurrences\": 60 } } } ] }", date, date, date);
    }
  g_string_append (json, "] } ] }");
  return g_string_free (g_steal_pointer (&json), FALSE);
}

static void
remove_store (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", NULL };

  for (guint i = 0; suffixes[i] != NULL; i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}

static char *tmp_dir;

/* No-change passes with Office 365 and @n selected calendars, printed next
 * to @manual_ms (the manual source's median no-change pass). */
static void
bench_office365 (SoupSession *session,
                 guint        n,
                 double       manual_ms)
{
  g_autoptr(BkSandboxMicrosoft) sandbox = bk_sandbox_microsoft_new ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkTokenStore) tokens = bk_token_store_new ();
  g_autoptr(BkOffice365CalendarStrategy) strategy = NULL;
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(BkSyncEngine) engine = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ids = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(BkSyncReport) first = NULL;
  g_autofree char *data = office365_data (n), *path = NULL, *account = NULL;
  g_autofree char *slug = g_strdup_printf ("bench%u-o365-%u", (guint) getpid (), n);
  guint64 graph_requests = 0;
  guint backend_requests = 0, uploads = 0;
  double ms;

  g_assert_true (bk_sandbox_microsoft_start (sandbox, NULL, 0, &error));
  g_assert_true (bk_sandbox_microsoft_load_data (sandbox, data, &error));
  g_assert_no_error (error);
  sync_office365_point_settings (settings, sandbox);

  path = g_strdup_printf ("%s/office365-%u.sqlite", tmp_dir, n);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  sync_save_open_rules (store, HORIZON_DAYS);
  strategy = bk_office365_calendar_strategy_new (store, http, tokens, settings);
  account = sync_office365_connect (strategy);
  calendars = bk_store_list_calendars (store, BK_PROVIDER_OFFICE365, &error);
  g_assert_cmpuint (calendars->len, ==, n);
  for (guint i = 0; i < calendars->len; i++)
    g_strv_builder_add (builder, ((BkCalendar *) g_ptr_array_index (calendars, i))->remote_id);
  ids = g_strv_builder_end (builder);
  g_assert_true (bk_store_select_calendars (store, BK_PROVIDER_OFFICE365, (const char * const *) ids, NULL, &error));
  g_assert_no_error (error);

  client = sync_backend_client_new_expert (session, http, slug, "Bench");
  engine = bk_sync_engine_new (store, client, BK_AVAILABILITY_STRATEGY (strategy));

  /* the first pass reads every calendar in full and publishes */
  first = timed_pass (engine, &ms);
  g_assert_true (first->published);
  g_print ("first pass, Office 365, N=%u: %u Graph requests, %u backend requests, %.1f ms\n",
           n, first->calendar_requests, first->requests, ms);
  for (guint i = 0; i < NO_CHANGE_PASSES; i++)
    {
      g_autoptr(BkSyncReport) report = timed_pass (engine, &ms);

      g_array_append_val (times, ms);
      graph_requests += report->calendar_requests;
      backend_requests += report->requests;
      uploads += report->published;
    }
  ms = median (times);
  g_print ("no-change pass, Office 365, N=%u selected calendars: %.2f Graph requests,"
           " %.2f backend requests, slot upload %s, median %.2f ms;"
           " manual source median %.2f ms; ratio %.2f\n",
           n, (double) graph_requests / NO_CHANGE_PASSES, (double) backend_requests / NO_CHANGE_PASSES,
           uploads > 0 ? "yes" : "no", ms, manual_ms, ms / manual_ms);
  g_clear_object (&engine);
  g_clear_object (&store);
  remove_store (path);
  bk_sandbox_microsoft_stop (sandbox);
}

static double
bare_feed_get (SoupSession *session,
               const char  *token)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/me/changes?after=%s&limit=500", sync_server_url (),
                                          "999999999");
  gint64 start = g_get_monotonic_time ();
  g_autoptr(BkTestResponse) r = bk_test_request (session, "GET", url, token, NULL, NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* 1,000 bookings of @email's expert, one hour each, straight in the database. */
static void
book_thousand (const char *email)
{
  g_autofree char *sql = g_strdup_printf (
    "INSERT INTO appointments (expert_id, start_at, end_at, client_name, client_email)"
    " SELECT e.id, date_trunc ('hour', now ()) + make_interval (hours => 2 + 3 * g),"
    "        date_trunc ('hour', now ()) + make_interval (hours => 3 + 3 * g),"
    "        'Client ' || g, 'client' || g || '@example.org'"
    " FROM experts e, generate_series (1, 1000) g WHERE e.email = '%s'", email);

  g_free (bk_test_sql (sql));
}

static double
store_baseline (void)
{
  g_autofree char *path = g_build_filename (tmp_dir, "baseline.sqlite", NULL);
  g_autoptr(BkStore) store = bk_store_open (path, NULL);
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  gint64 start;

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *id = g_uuid_string_random ();

      g_ptr_array_add (appointments, bk_appointment_new (id, 3600 * (i + 1000), 3600 * (i + 1001),
                                                         "Client", "client@example.org"));
    }
  start = g_get_monotonic_time ();
  g_assert_true (bk_store_upsert_appointments (store, appointments, &error));
  return (g_get_monotonic_time () - start) / 1000.0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(BkBackendClient) client = NULL;
  g_autoptr(BkSyncEngine) engine = NULL;
  g_autoptr(BkSyncReport) first = NULL, pulled = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *email = g_strdup_printf ("bench%u@example.com", (guint) getpid ());
  g_autofree char *slug = g_strdup_printf ("bench%u", (guint) getpid ());
  g_autofree char *password = NULL, *token = NULL, *path = NULL;
  double ms, total = 0, bare = 0, pull_ms, baseline_ms, manual_ms;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  guint requests = 0;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  bk_test_cluster_url ();
  sync_server_start ();
  session = bk_test_session_new ();
  password = bk_test_expert_add (email, "Bench", slug, "UTC");
  token = bk_test_sign_in (session, sync_server_url (), email, password);

  tmp_dir = g_dir_make_tmp ("bench-sync-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (tmp_dir, "bench.sqlite", NULL);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  sync_save_open_rules (store, HORIZON_DAYS);
  http = bk_http_new ();
  client = bk_backend_client_new (http, sync_server_url ());
  bk_backend_client_set_token (client, token);
  engine = bk_sync_engine_new (store, client, NULL);

  first = timed_pass (engine, &ms);
  g_assert_true (first->published);
  g_print ("first pass: %u slots published, %u requests, %.1f ms\n", first->slots, first->requests, ms);

  for (guint i = 0; i < NO_CHANGE_PASSES; i++)
    {
      g_autoptr(BkSyncReport) report = timed_pass (engine, &ms);

      g_assert_false (report->published);
      g_array_append_val (times, ms);
      total += ms;
      requests += report->requests;
      bare += bare_feed_get (session, token);
    }
  g_print ("no-change pass: %.2f requests (1 feed request, 0 slot uploads), %.2f ms;"
           " a bare feed GET %.2f ms; ratio %.2f\n",
           (double) requests / NO_CHANGE_PASSES, total / NO_CHANGE_PASSES,
           bare / NO_CHANGE_PASSES, total / bare);
  manual_ms = median (times);
  g_print ("no-change pass, manual source: median %.2f ms\n", manual_ms);
  bench_office365 (session, 1, manual_ms);
  bench_office365 (session, 5, manual_ms);

  book_thousand (email);
  pulled = timed_pass (engine, &pull_ms);
  g_assert_cmpuint (pulled->appointments, ==, 1000);
  baseline_ms = store_baseline ();
  g_print ("pass pulling 1000 new bookings: %.1f ms, %u requests (%u changes, slots %s);"
           " storing 1000 appointments directly %.1f ms; ratio %.1f\n",
           pull_ms, pulled->requests, pulled->changes, pulled->published ? "republished" : "unchanged",
           baseline_ms, pull_ms / baseline_ms);

  g_clear_object (&engine);
  g_clear_object (&store);
  remove_store (path);
  {
    g_autofree char *baseline = g_build_filename (tmp_dir, "baseline.sqlite", NULL);
    remove_store (baseline);
  }
  g_rmdir (tmp_dir);
  g_free (tmp_dir);
  sync_server_stop (FALSE);
  bk_test_cluster_stop ();
  return 0;
}
