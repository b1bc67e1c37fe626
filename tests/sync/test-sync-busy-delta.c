/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The busy cache from Office 365 delta rounds, end to end: a throwaway
 * PostgreSQL and a real bookable-server, the sandbox Microsoft service with
 * three calendars, a real keyring (tests/run-with-keyring).
 *
 * - a pass with nothing new costs one Graph request per selected calendar,
 *   one backend request, and no slot upload;
 * - what the expert does in any selected calendar (a busy event, marking it
 *   free, deleting it, a recurring series) reaches the published slots on
 *   the next pass, per occurrence;
 * - an appointment's event the expert deletes right after the pass that
 *   wrote it (no pass between) still cancels the appointment;
 * - a calendar deselected and selected again is read afresh: no stale and
 *   no missing busy time;
 * - a delta link kept by schema version 2 still brings its changes. */
#define G_LOG_DOMAIN "test-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-time.h"
#include "sync-office365-fixture.h"

#define HOUR 3600
#define DAY 86400

static SoupSession *session;

/* The sandbox: the expert's three calendars, empty. */
static const char sandbox_data[] =
  "{ \"users\": [ { \"userPrincipalName\": \"" SYNC_OFFICE365_UPN "\","
  "  \"displayName\": \"Erika Expert\", \"timeZone\": \"UTC\", \"calendars\": ["
  "  { \"name\": \"Work\", \"isDefault\": true, \"canEdit\": true, \"events\": [] },"
  "  { \"name\": \"Family\", \"canEdit\": true, \"events\": [] },"
  "  { \"name\": \"Team\", \"canEdit\": true, \"events\": [] } ] } ] }";

typedef struct
{
  SyncOffice365  o365;     /* its calendar, Work: the destination */
  char          *family;
  char          *team;
} Fixture;

static char *
wall_time (gint64 instant)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (instant);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%S");
}

/* The expert adds an event of an hour at @start in @calendar (straight
 * into the sandbox); @extra adds members. */
static char *
expert_adds (Fixture    *fixture,
             const char *calendar,
             gint64      start,
             const char *extra)
{
  g_autofree char *s = wall_time (start);
  g_autofree char *e = wall_time (start + HOUR);
  g_autofree char *json = g_strdup_printf ("{\"calendar\":\"%s\",\"subject\":\"Busy\",\"showAs\":\"busy\","
                                           "\"start\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"},"
                                           "\"end\":{\"dateTime\":\"%s\",\"timeZone\":\"UTC\"}%s}",
                                           calendar, s, e, extra ? extra : "");
  g_autoptr(GError) error = NULL;
  char *id = bk_sandbox_microsoft_add_event (fixture->o365.sandbox, json, &error);

  g_assert_no_error (error);
  return id;
}

static void
select_calendars (Fixture            *fixture,
                  const char * const *ids)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (bk_store_select_calendars (fixture->o365.store, BK_PROVIDER_OFFICE365, ids,
                                            fixture->o365.calendar, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  sync_office365_connect_sandbox (&fixture->o365, sandbox_data, 3);
  fixture->family = sync_office365_dup_calendar_id (&fixture->o365, "Family");
  fixture->team = sync_office365_dup_calendar_id (&fixture->o365, "Team");
  select_calendars (fixture, (const char *[]) { fixture->o365.calendar, fixture->family, fixture->team, NULL });
  sync_office365_sign_in_backend (&fixture->o365, session, "busy-delta");
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  sync_office365_tear_down (&fixture->o365);
  g_free (fixture->family);
  g_free (fixture->team);
}

/* Tomorrow at @hour UTC. */
static gint64
tomorrow_at (guint hour)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return now - now % DAY + DAY + hour * HOUR;
}

/* (a) With three selected calendars, a pass with nothing new reads each
 * calendar's changes once and nothing else: 3 Graph requests (no
 * calendarView), the feed request, no upload. */
static void
test_no_change_requests (Fixture       *fixture,
                         gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) first = NULL, quiet = NULL;

  first = sync_pass_clean (fixture->o365.engine);
  g_assert_true (first->published);
  /* the first pass's full rounds and the slots they gave */
  g_assert_cmpuint (first->calendar_requests, ==, 3);

  bk_sandbox_microsoft_reset_stats (fixture->o365.sandbox);
  quiet = sync_pass_clean (fixture->o365.engine);
  g_assert_false (quiet->published);
  g_assert_cmpuint (quiet->requests, ==, 1);
  g_assert_cmpuint (quiet->calendar_requests, ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->o365.sandbox, NULL), ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->o365.sandbox,
                      "GET /v1.0/me/calendars/{id}/calendarView/delta"), ==, 3);
  g_assert_cmpuint (bk_sandbox_microsoft_get_request_count (fixture->o365.sandbox,
                      "GET /v1.0/me/calendars/{id}/calendarView"), ==, 0);
}

/* (b) A busy event in a calendar that is not the destination takes its
 * slot on the next pass; marked free it gives it back, busy again takes it,
 * deleted gives it back. A recurring series takes one slot per occurrence,
 * and shortening it gives the dropped occurrence's slot back. */
static void
test_busy_event (Fixture       *fixture,
                 gconstpointer  user_data)
{
  gint64 at = tomorrow_at (10);
  gint64 series_at = tomorrow_at (14);
  g_autofree char *event = NULL, *series = NULL, *extra = NULL, *shorter = NULL;
  g_autoptr(GDateTime) first_day = g_date_time_new_from_unix_utc (series_at);
  g_autofree char *start_date = g_date_time_format (first_day, "%Y-%m-%d");

  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_true (sync_published_has (session, fixture->o365.slug, at));

  event = expert_adds (fixture, fixture->family, at, NULL);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_false (sync_published_has (session, fixture->o365.slug, at));
  g_assert_true (sync_published_has (session, fixture->o365.slug, at + HOUR));

  sync_office365_expert_updates (&fixture->o365, event, "{\"showAs\":\"free\"}");
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_true (sync_published_has (session, fixture->o365.slug, at));

  sync_office365_expert_updates (&fixture->o365, event, "{\"showAs\":\"busy\"}");
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_false (sync_published_has (session, fixture->o365.slug, at));

  sync_office365_expert_deletes (&fixture->o365, event);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_true (sync_published_has (session, fixture->o365.slug, at));

  /* three daily occurrences in Team */
  extra = g_strdup_printf (",\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":1},"
                           "\"range\":{\"type\":\"numbered\",\"startDate\":\"%s\",\"numberOfOccurrences\":3}}",
                           start_date);
  series = expert_adds (fixture, fixture->team, series_at, extra);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  for (guint i = 0; i < 3; i++)
    g_assert_false (sync_published_has (session, fixture->o365.slug, series_at + i * DAY));
  g_assert_true (sync_published_has (session, fixture->o365.slug, series_at + 3 * DAY));

  shorter = g_strdup_printf ("{\"recurrence\":{\"pattern\":{\"type\":\"daily\",\"interval\":1},"
                             "\"range\":{\"type\":\"numbered\",\"startDate\":\"%s\",\"numberOfOccurrences\":2}}}",
                             start_date);
  sync_office365_expert_updates (&fixture->o365, series, shorter);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_false (sync_published_has (session, fixture->o365.slug, series_at));
  g_assert_false (sync_published_has (session, fixture->o365.slug, series_at + DAY));
  g_assert_true (sync_published_has (session, fixture->o365.slug, series_at + 2 * DAY));
}

/* (c) The pass that writes a booking's event reads the destination once
 * more, so the event has been returned by a delta round: the expert
 * deleting it right away is reported by the very next pass. */
static void
test_deleted_before_next_pass (Fixture       *fixture,
                               gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) written = NULL, deleted = NULL;
  g_autofree char *id = NULL, *event = NULL, *status = NULL;

  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  id = sync_book (session, fixture->o365.slug, 0, NULL);
  g_assert_nonnull (id);
  written = sync_pass_clean (fixture->o365.engine);
  event = sync_office365_event_of (&fixture->o365, id);

  sync_office365_expert_deletes (&fixture->o365, event);
  deleted = sync_pass_clean (fixture->o365.engine);
  g_assert_cmpuint (deleted->calendar_changes, ==, 1);
  status = sync_backend_column ("status", id);
  g_assert_cmpstr (status, ==, "cancelled");
  /* what it took: the rounds of three calendars, the event, the
   * destination once more */
  g_assert_cmpuint (written->calendar_requests, ==, 5);
}

/* (d) A deselected calendar's cache and link are forgotten; selected again
 * it is read in full: what was deleted meanwhile no longer blocks, what was
 * added does. */
static void
test_reselect (Fixture       *fixture,
               gconstpointer  user_data)
{
  gint64 at = tomorrow_at (9), later = tomorrow_at (16);
  g_autofree char *first = NULL, *second = NULL;
  g_autoptr(BkCalendarDelta) delta = NULL;
  g_autoptr(BkSyncReport) reselected = NULL;
  g_autoptr(GError) error = NULL;

  first = expert_adds (fixture, fixture->family, at, NULL);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_false (sync_published_has (session, fixture->o365.slug, at));

  select_calendars (fixture, (const char *[]) { fixture->o365.calendar, fixture->team, NULL });
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  g_assert_true (sync_published_has (session, fixture->o365.slug, at));

  /* while Family is not selected */
  sync_office365_expert_deletes (&fixture->o365, first);
  second = expert_adds (fixture, fixture->family, later, NULL);

  select_calendars (fixture, (const char *[]) { fixture->o365.calendar, fixture->family, fixture->team, NULL });
  delta = bk_store_get_calendar_delta (fixture->o365.store, BK_PROVIDER_OFFICE365, fixture->family, &error);
  g_assert_no_error (error);
  g_assert_null (delta->link);
  reselected = sync_pass_clean (fixture->o365.engine);
  g_assert_cmpuint (reselected->calendar_requests, ==, 3);
  g_assert_true (sync_published_has (session, fixture->o365.slug, at));
  g_assert_false (sync_published_has (session, fixture->o365.slug, later));
}

/* A delta link from schema version 2 (no window, a cache without event
 * ids): its round still brings the expert's changes, then a full round
 * rebuilds the cache and keeps a link with its window. */
static void
test_version_2_link (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(BkSyncReport) upgraded = NULL;
  g_autoptr(BkCalendarDelta) delta = NULL, after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL, *event = NULL, *status = NULL;

  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  id = sync_book (session, fixture->o365.slug, 0, NULL);
  g_assert_nonnull (id);
  bk_sync_report_free (sync_pass_clean (fixture->o365.engine));
  event = sync_office365_event_of (&fixture->o365, id);
  delta = bk_store_get_calendar_delta (fixture->o365.store, BK_PROVIDER_OFFICE365, fixture->o365.calendar, &error);
  g_assert_no_error (error);
  g_assert_true (bk_store_set_calendar_delta (fixture->o365.store, BK_PROVIDER_OFFICE365, fixture->o365.calendar,
                                              delta->link, 0, 0, &error));
  g_assert_no_error (error);

  sync_office365_expert_deletes (&fixture->o365, event);
  upgraded = sync_pass_clean (fixture->o365.engine);
  g_assert_cmpuint (upgraded->calendar_changes, ==, 1);
  status = sync_backend_column ("status", id);
  g_assert_cmpstr (status, ==, "cancelled");
  /* three rounds, and the destination's full one */
  g_assert_cmpuint (upgraded->calendar_requests, ==, 4);
  after = bk_store_get_calendar_delta (fixture->o365.store, BK_PROVIDER_OFFICE365, fixture->o365.calendar, &error);
  g_assert_nonnull (after->link);
  g_assert_cmpint (after->from, <, after->to);
}

int
main (int    argc,
      char **argv)
{
  session = sync_test_init (&argc, &argv);

  g_test_add ("/sync/busy-delta/no-change-requests", Fixture, NULL,
              fixture_set_up, test_no_change_requests, fixture_tear_down);
  g_test_add ("/sync/busy-delta/busy-event", Fixture, NULL,
              fixture_set_up, test_busy_event, fixture_tear_down);
  g_test_add ("/sync/busy-delta/deleted-before-next-pass", Fixture, NULL,
              fixture_set_up, test_deleted_before_next_pass, fixture_tear_down);
  g_test_add ("/sync/busy-delta/reselect", Fixture, NULL,
              fixture_set_up, test_reselect, fixture_tear_down);
  g_test_add ("/sync/busy-delta/version-2-link", Fixture, NULL,
              fixture_set_up, test_version_2_link, fixture_tear_down);

  return sync_test_run (session);
}
