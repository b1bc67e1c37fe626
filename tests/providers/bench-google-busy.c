/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `build-aux/dev bench`: busy times of 20 Google calendars over 90 days
 * through BkGoogleCalendarStrategy, the two ways it reads them: freeBusy
 * (the default policy; the baseline) and events.list with singleEvents per
 * calendar (when tentative or out-of-office time may be offered). Each
 * calendar holds a daily series and 60 single events. Prints requests,
 * bytes and the best of 5 times of each, and events.list's cost as a ratio
 * of freeBusy's. Runs in a real keyring (tests/run-with-keyring). */
#define G_LOG_DOMAIN "bench-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-google-calendar-strategy.h"
#include "bk-sandbox-google.h"
#include "bk-time.h"
#include "test-authority.h"

#define EMAIL       "expert@sandbox.test"
#define N_CALENDARS 20
#define N_SINGLES   60
#define ROUNDS      5
#define FROM        "2027-03-01T00:00:00Z"
#define DAYS        90

typedef struct
{
  guint64 requests;
  guint64 bytes;
  double  seconds;   /* best of ROUNDS */
  guint   busy;      /* busy times reported */
} Figures;

static void
got_result_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
control (BkSandboxGoogle *sandbox,
         const char      *path,
         const char      *body)
{
  guint status = 0;
  g_autofree char *answer = bk_sandbox_google_control (sandbox, "POST", path, body, &status);

  g_assert_cmpuint (status / 100, ==, 2);
}

static char *
seed (BkSandboxGoogle *sandbox,
      guint            index)
{
  char *id = g_strdup_printf ("bench%02u@group.calendar.google.com", index);
  g_autofree char *calendar = g_strdup_printf ("{\"user\":\"" EMAIL "\",\"id\":\"%s\",\"summary\":\"Bench %u\"}",
                                               id, index);
  g_autofree char *series = g_strdup_printf ("{\"calendar\":\"%s\",\"summary\":\"Daily\","
                                             "\"start\":{\"dateTime\":\"2027-03-01T08:00:00\",\"timeZone\":\"Europe/Berlin\"},"
                                             "\"end\":{\"dateTime\":\"2027-03-01T08:30:00\",\"timeZone\":\"Europe/Berlin\"},"
                                             "\"recurrence\":[\"RRULE:FREQ=DAILY\"]}", id);

  control (sandbox, "/_sandbox/calendars", calendar);
  control (sandbox, "/_sandbox/events", series);
  for (guint i = 0; i < N_SINGLES; i++)
    {
      g_autofree char *event = g_strdup_printf ("{\"calendar\":\"%s\",\"summary\":\"Client %u\","
                                                "\"start\":{\"dateTime\":\"2027-%02u-%02uT%02u:00:00Z\"},"
                                                "\"end\":{\"dateTime\":\"2027-%02u-%02uT%02u:45:00Z\"}}",
                                                id, i, 3 + i / 28, 1 + i % 28, 10 + i % 7,
                                                3 + i / 28, 1 + i % 28, 10 + i % 7);

      control (sandbox, "/_sandbox/events", event);
    }
  return id;
}

static Figures
measure (BkGoogleCalendarStrategy *strategy,
         BkSandboxGoogle          *sandbox,
         gint64                    from)
{
  Figures figures = { 0, 0, G_MAXDOUBLE, 0 };
  guint64 requests = bk_sandbox_google_get_request_count (sandbox, NULL);
  guint64 bytes = bk_sandbox_google_get_bytes_sent (sandbox);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(BkSlotReport) report = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();

      bk_calendar_strategy_read_busy_async (BK_CALENDAR_STRATEGY (strategy), from, from + DAYS * 86400, NULL,
                                            got_result_cb, &result);
      report = bk_calendar_strategy_read_busy_finish (BK_CALENDAR_STRATEGY (strategy), wait_result (&result), &error);
      g_assert_no_error (error);
      figures.seconds = MIN (figures.seconds, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
      figures.busy = report->blocked->len;
      for (guint i = 0; i < report->blocked->len; i++)
        g_assert_null (((BkBusyTime *) g_ptr_array_index (report->blocked, i))->reason);
    }
  figures.requests = (bk_sandbox_google_get_request_count (sandbox, NULL) - requests) / ROUNDS;
  figures.bytes = (bk_sandbox_google_get_bytes_sent (sandbox) - bytes) / ROUNDS;
  return figures;
}

static void
open_uri_as_browser (const char *uri,
                     gpointer    user_data)
{
  g_autoptr(GError) error = NULL;

  test_browser_get (uri, NULL, &error);
  g_assert_no_error (error);
}

static BkGoogleCalendarStrategy *
connect (BkSandboxGoogle *sandbox,
         BkStore         *store,
         GSettings       *settings)
{
  g_autoptr(BkHttp) http = bk_http_new ();
  g_autoptr(BkTokenStore) tokens = bk_token_store_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *account = NULL;
  g_autofree char *url = NULL;
  g_autofree char *api = bk_sandbox_google_dup_api_url (sandbox);
  BkGoogleCalendarStrategy *strategy;

  url = g_strconcat (bk_sandbox_google_get_url (sandbox), "/o/oauth2/v2/auth", NULL);
  g_settings_set_string (settings, "google-auth-url", url);
  g_free (url);
  url = g_strconcat (bk_sandbox_google_get_url (sandbox), "/token", NULL);
  g_settings_set_string (settings, "google-token-url", url);
  g_settings_set_string (settings, "google-api-url", api);
  g_settings_set_string (settings, "google-client-id", BK_SANDBOX_GOOGLE_CLIENT_ID);
  g_settings_set_string (settings, "google-client-secret", BK_SANDBOX_GOOGLE_CLIENT_SECRET);

  strategy = bk_google_calendar_strategy_new (store, http, tokens, settings);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (strategy), open_uri_as_browser, NULL, NULL, got_result_cb, &result);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (strategy), wait_result (&result), &error);
  g_assert_no_error (error);
  return strategy;
}

static void
bench_busy (void)
{
  g_autoptr(BkSandboxGoogle) sandbox = bk_sandbox_google_new ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkGoogleCalendarStrategy) strategy = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Figures free_busy, events;
  gint64 from = 0;

  g_assert_true (bk_time_parse_iso8601 (FROM, &from, NULL));

  g_assert_true (bk_sandbox_google_start (sandbox, NULL, 0, &error));
  control (sandbox, "/_sandbox/users", "{\"email\":\"" EMAIL "\",\"timeZone\":\"Europe/Berlin\"}");
  for (guint i = 0; i < N_CALENDARS; i++)
    g_ptr_array_add (ids, seed (sandbox, i));
  g_ptr_array_add (ids, NULL);

  settings = g_settings_new (APP_ID);
  path = g_build_filename (g_get_user_data_dir (), "bookable", "bookable.sqlite", NULL);
  store = bk_store_open (path, &error);
  g_assert_no_error (error);
  strategy = connect (sandbox, store, settings);
  g_assert_true (bk_store_select_calendars (store, BK_PROVIDER_GOOGLE, (const char * const *) ids->pdata,
                                            NULL, &error));

  free_busy = measure (strategy, sandbox, from);
  g_assert_true (bk_store_set_block_policy (store, BK_PROVIDER_GOOGLE, FALSE, TRUE, &error));
  events = measure (strategy, sandbox, from);

  g_print ("google-busy: %u calendars, %u days, a daily series + %u events each\n",
           N_CALENDARS, DAYS, N_SINGLES);
  g_print ("  freeBusy (baseline): %" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " bytes, %.4f s, %u busy times\n",
           free_busy.requests, free_busy.bytes, free_busy.seconds, free_busy.busy);
  g_print ("  events.list:         %" G_GUINT64_FORMAT " requests, %" G_GUINT64_FORMAT " bytes, %.4f s, %u busy times\n",
           events.requests, events.bytes, events.seconds, events.busy);
  g_print ("  events.list / freeBusy: x%.1f requests, x%.1f bytes, x%.1f time\n",
           (double) events.requests / MAX (free_busy.requests, 1),
           (double) events.bytes / MAX (free_busy.bytes, 1),
           events.seconds / MAX (free_busy.seconds, 1e-6));
  bk_sandbox_google_stop (sandbox);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  /* a case of its own, so the store and settings live in throwaway dirs */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/google/busy-bench", bench_busy);
  return g_test_run ();
}
