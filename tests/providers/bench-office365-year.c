/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Benchmark (meson benchmark 'office365-year', through run-with-keyring): a
 * year with 5,000 events on one calendar in the sandbox Microsoft service.
 * Prints the requests made (which must be ⌈5000 / page size⌉, read from the
 * sandbox's statistics), the bytes received, the time to slots over Graph,
 * and the time to the same slots from the cache (the sandbox stopped). Exits
 * 1 when the request count or the slots differ. */
#define G_LOG_DOMAIN "bench-office365"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-time.h"
#include "test-authority.h"

#define UPN       "expert@sandbox.test"
#define N_EVENTS  5000
#define PAGE_SIZE BK_GRAPH_MAX_PAGE_SIZE

static const char rules_json[] =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 30, \"step_minutes\": 30,"
  "  \"buffer_before_minutes\": 0, \"buffer_after_minutes\": 0, \"min_notice_minutes\": 0,"
  "  \"horizon_days\": 400, \"daily_limit\": 0,"
  "  \"weekly\": { \"mon\": [[\"09:00\", \"17:00\"]], \"tue\": [[\"09:00\", \"17:00\"]],"
  "              \"wed\": [[\"09:00\", \"17:00\"]], \"thu\": [[\"09:00\", \"17:00\"]],"
  "              \"fri\": [[\"09:00\", \"17:00\"]] } }";

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
  test_browser_get (uri, NULL, NULL);
}

static gint64
instant (const char *text)
{
  gint64 t = 0;

  if (!bk_time_parse_iso8601 (text, &t, NULL))
    g_error ("bad instant %s", text);
  return t;
}

/* 5,000 half-hour events spread evenly over 2027 (one every ~105 minutes),
 * a third of them in a Windows-named zone, as one bulk control request. */
static char *
build_events (const char *calendar)
{
  GString *json = g_string_new ("{\"value\": [");
  gint64 start = instant ("2027-01-01T00:00:00Z");
  gint64 step = (365 * 86400) / N_EVENTS;

  for (guint i = 0; i < N_EVENTS; i++)
    {
      g_autoptr(GDateTime) s = g_date_time_new_from_unix_utc (start + i * step);
      g_autoptr(GDateTime) e = g_date_time_add_minutes (s, 30);
      g_autofree char *st = g_date_time_format (s, "%Y-%m-%dT%H:%M:%S");
      g_autofree char *et = g_date_time_format (e, "%Y-%m-%dT%H:%M:%S");

      g_string_append_printf (json,
                              "%s{\"calendar\": \"%s\", \"subject\": \"Event %u\", \"showAs\": \"%s\","
                              " \"start\": {\"dateTime\": \"%s\", \"timeZone\": \"UTC\"},"
                              " \"end\": {\"dateTime\": \"%s\", \"timeZone\": \"UTC\"}}",
                              i ? "," : "", calendar, i, i % 7 == 0 ? "tentative" : "busy", st, et);
    }
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

static GArray *
slots_timed (BkOffice365CalendarStrategy  *strategy,
             gint64                        from,
             gint64                        to,
             double                       *out_seconds,
             BkSlotReport                **out_report)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  Wait wait = { FALSE, NULL };
  gint64 begin = g_get_monotonic_time ();
  GArray *slots;

  bk_availability_strategy_get_available_slots_async (BK_AVAILABILITY_STRATEGY (strategy), from, to, NULL,
                                                      got_result_cb, &wait);
  result = wait_result (&wait);
  slots = bk_availability_strategy_get_available_slots_finish (BK_AVAILABILITY_STRATEGY (strategy), result,
                                                               out_report, &error);
  *out_seconds = (g_get_monotonic_time () - begin) / 1e6;
  if (slots == NULL)
    g_error ("slots: %s", error->message);
  return slots;
}

static gboolean
same_slots (GArray *a,
            GArray *b)
{
  return a->len == b->len && memcmp (a->data, b->data, a->len * sizeof (BkInterval)) == 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(BkSandboxMicrosoft) sandbox = bk_sandbox_microsoft_new ();
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(BkStore) store = NULL;
  g_autoptr(BkHttp) http = NULL;
  g_autoptr(BkTokenStore) tokens = NULL;
  g_autoptr(BkOffice365CalendarStrategy) strategy = NULL;
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) live = NULL;
  g_autoptr(GArray) cached = NULL;
  g_autoptr(BkSlotReport) cached_report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *graph = NULL;
  g_autofree char *calendar = NULL;
  g_autofree char *events = NULL;
  g_autofree char *path = NULL;
  g_autofree char *account = NULL;
  Wait wait = { FALSE, NULL };
  gint64 from = instant ("2026-12-31T23:00:00Z");
  gint64 to = instant ("2027-12-31T23:00:00Z");
  guint64 requests, expected, bytes_sent, bytes_received;
  double live_s, cached_s;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  bk_sandbox_microsoft_set_page_size (sandbox, PAGE_SIZE);
  if (!bk_sandbox_microsoft_start (sandbox, NULL, 0, &error))
    g_error ("sandbox: %s", error->message);
  g_free (bk_sandbox_microsoft_add_user (sandbox, UPN, "Erika Expert", "Europe/Berlin", &error));
  if (error != NULL)
    g_error ("user: %s", error->message);
  calendar = bk_sandbox_microsoft_add_calendar (sandbox, UPN, "Work", "lightBlue", TRUE, TRUE, &error);
  if (calendar == NULL)
    g_error ("calendar: %s", error->message);
  events = build_events (calendar);
  g_free (bk_sandbox_microsoft_add_event (sandbox, events, &error));
  if (error != NULL)
    g_error ("events: %s", error->message);

  graph = bk_sandbox_microsoft_dup_graph_url (sandbox);
  settings = g_settings_new (APP_ID);
  g_settings_set_string (settings, "microsoft-authority-url", bk_sandbox_microsoft_get_url (sandbox));
  g_settings_set_string (settings, "graph-url", graph);
  g_settings_set_string (settings, "microsoft-client-id", BK_SANDBOX_MICROSOFT_DEFAULT_CLIENT_ID);

  path = g_build_filename (g_get_user_data_dir (), "bookable", "bench.sqlite", NULL);
  store = bk_store_open (path, &error);
  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  if (store == NULL || rules == NULL || !bk_store_save_rules (store, rules, &error))
    g_error ("store: %s", error->message);

  http = bk_http_new ();
  tokens = bk_token_store_new ();
  strategy = bk_office365_calendar_strategy_new (store, http, tokens, settings);
  bk_calendar_strategy_set_now (BK_CALENDAR_STRATEGY (strategy), from - 86400);
  bk_calendar_strategy_connect_async (BK_CALENDAR_STRATEGY (strategy), open_uri_as_browser, NULL, NULL, got_result_cb, &wait);
  result = wait_result (&wait);
  account = bk_calendar_strategy_connect_finish (BK_CALENDAR_STRATEGY (strategy), result, &error);
  if (account == NULL)
    g_error ("connect: %s", error->message);

  bk_sandbox_microsoft_reset_stats (sandbox);
  bytes_received = bk_graph_client_get_bytes_received (bk_office365_calendar_strategy_get_graph_client (strategy));
  live = slots_timed (strategy, from, to, &live_s, NULL);
  requests = bk_sandbox_microsoft_get_request_count (sandbox, "GET /v1.0/me/calendars/{id}/calendarView");
  bytes_sent = bk_sandbox_microsoft_get_bytes_sent (sandbox);
  bytes_received = bk_graph_client_get_bytes_received (bk_office365_calendar_strategy_get_graph_client (strategy))
                   - bytes_received;
  expected = (N_EVENTS + PAGE_SIZE - 1) / PAGE_SIZE;

  bk_sandbox_microsoft_stop (sandbox);
  cached = slots_timed (strategy, from, to, &cached_s, &cached_report);

  g_print ("office365-year: %u events on one calendar, page size %u\n", N_EVENTS, PAGE_SIZE);
  g_print ("  calendarView requests: %" G_GUINT64_FORMAT " (expected ceil(%u/%u) = %" G_GUINT64_FORMAT ")\n",
           requests, N_EVENTS, PAGE_SIZE, expected);
  g_print ("  bytes received: %" G_GUINT64_FORMAT " (sandbox sent %" G_GUINT64_FORMAT ", %.0f per event)\n",
           bytes_received, bytes_sent, (double) bytes_received / N_EVENTS);
  g_print ("  slots over the year: %u\n", live->len);
  g_print ("  time to slots over Graph (read, cache, compute): %.3f s\n", live_s);
  g_print ("  time to slots from the cache (offline):          %.3f s (from cache: %s)\n",
           cached_s, cached_report->from_cache ? "yes" : "NO");
  g_print ("  ratio Graph / cache: %.1fx\n", cached_s > 0 ? live_s / cached_s : 0.0);

  if (requests != expected || !same_slots (live, cached) || !cached_report->from_cache || live->len == 0)
    {
      g_printerr ("office365-year: FAILED (requests, slots or cache use differ)\n");
      return 1;
    }
  return 0;
}
