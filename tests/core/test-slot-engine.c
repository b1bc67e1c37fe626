/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-slot-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"

/* Every expected slot below is an explicit UTC instant worked out by hand
 * from the zone's offsets (in the comments); instants are parsed with GLib
 * directly, not with the code under test. */

#define MINUTE G_GINT64_CONSTANT (60)

static gint64
utc (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

static char *
show (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static BkAvailabilityRules *
rules_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  BkAvailabilityRules *rules = bk_availability_rules_new_from_json (json, -1, &error);

  g_assert_no_error (error);
  return rules;
}

static GArray *
compute (const BkAvailabilityRules *rules,
         const BkInterval          *busy,
         gsize                      n_busy,
         const BkInterval          *booked,
         gsize                      n_booked,
         const char                *now,
         const char                *from,
         const char                *to)
{
  g_autoptr(GError) error = NULL;
  GArray *slots = bk_slot_engine_compute (rules, busy, n_busy, booked, n_booked,
                                          utc (now), utc (from), utc (to), &error);

  g_assert_no_error (error);
  g_assert_nonnull (slots);
  return slots;
}

/* @expected: NULL-terminated UTC starts; every slot is @minutes long */
static void
assert_slots (GArray             *slots,
              guint               minutes,
              const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < slots->len; i++)
    {
      g_autofree char *s = show (g_array_index (slots, BkInterval, i).start);
      g_test_message ("slot %u: %s", i, s);
    }

  g_assert_cmpuint (slots->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);
      g_autofree char *got = show (slot->start);

      g_assert_cmpstr (got, ==, expected[i]);
      g_assert_cmpint (slot->end - slot->start, ==, minutes * MINUTE);
    }
}

#define SLOTS(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define NO_SLOTS   ((const char * const[]) { NULL })

static void
test_basic (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}}");
  g_autoptr(GArray) slots = NULL;

  /* a whole week, Saturday 27 March to Saturday 3 April: only Monday 29 works */
  slots = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
                   "2027-03-27T00:00:00Z", "2027-04-03T00:00:00Z");
  assert_slots (slots, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:30:00Z",
                                  "2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z"));
}

static void
test_step (void)
{
  g_autoptr(BkAvailabilityRules) overlapping =
    rules_from ("{\"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 15, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}}");
  g_autoptr(BkAvailabilityRules) uneven =
    rules_from ("{\"time_zone\": \"UTC\", \"slot_minutes\": 45, \"step_minutes\": 45, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;

  /* starts every 15 minutes while [s, s + 60) fits: the last is 10:00 */
  a = compute (overlapping, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (a, 60, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:15:00Z", "2027-03-29T09:30:00Z",
                              "2027-03-29T09:45:00Z", "2027-03-29T10:00:00Z"));

  /* 10:30 + 45 min = 11:15 would leave the range */
  b = compute (uneven, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (b, 45, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:45:00Z"));
}

static void
test_query_window (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;

  /* from ≤ s < to: 09:00 starts before from, 10:30 at to */
  a = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T09:15:00Z", "2027-03-29T10:30:00Z");
  assert_slots (a, 30, SLOTS ("2027-03-29T09:30:00Z", "2027-03-29T10:00:00Z"));

  b = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T09:00:00Z", "2027-03-29T09:00:00Z");
  assert_slots (b, 30, NO_SLOTS);
  c = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-30T00:00:00Z", "2027-03-29T00:00:00Z");
  assert_slots (c, 30, NO_SLOTS);
}

/* Europe/Berlin, Sunday 28 March 2027: at 01:00Z, 02:00 CET (+1) becomes
 * 03:00 CEST (+2). */
static void
test_berlin_spring_forward (void)
{
  g_autoptr(BkAvailabilityRules) hourly =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"01:00\", \"04:00\"]]}}");
  g_autoptr(BkAvailabilityRules) in_gap =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"02:30\", \"05:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;

  /* 01:00 CET = 00:00Z to 04:00 CEST = 02:00Z: two hours, two slots */
  a = compute (hourly, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-27T00:00:00Z", "2027-03-29T00:00:00Z");
  assert_slots (a, 60, SLOTS ("2027-03-28T00:00:00Z", "2027-03-28T01:00:00Z"));

  /* 02:30 does not exist: the range starts at the change, 01:00Z, and ends
   * at 05:00 CEST = 03:00Z */
  b = compute (in_gap, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-27T00:00:00Z", "2027-03-29T00:00:00Z");
  assert_slots (b, 60, SLOTS ("2027-03-28T01:00:00Z", "2027-03-28T02:00:00Z"));
}

/* Europe/Berlin, Sunday 31 October 2027: at 01:00Z, 03:00 CEST (+2) becomes
 * 02:00 CET (+1); 02:00–03:00 happens twice. */
static void
test_berlin_fall_back (void)
{
  g_autoptr(BkAvailabilityRules) hourly =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"01:00\", \"04:00\"]]}}");
  g_autoptr(BkAvailabilityRules) ambiguous =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"weekly\": {\"sun\": [[\"02:30\", \"04:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;

  /* 01:00 CEST = 23:00Z on the 30th to 04:00 CET = 03:00Z: four hours */
  a = compute (hourly, NULL, 0, NULL, 0, "2027-10-01T00:00:00Z",
               "2027-10-30T00:00:00Z", "2027-11-01T00:00:00Z");
  assert_slots (a, 60, SLOTS ("2027-10-30T23:00:00Z", "2027-10-31T00:00:00Z",
                              "2027-10-31T01:00:00Z", "2027-10-31T02:00:00Z"));

  /* 02:30 is taken in standard time (the later one): 02:30 CET = 01:30Z */
  b = compute (ambiguous, NULL, 0, NULL, 0, "2027-10-01T00:00:00Z",
               "2027-10-30T00:00:00Z", "2027-11-01T00:00:00Z");
  assert_slots (b, 30, SLOTS ("2027-10-31T01:30:00Z", "2027-10-31T02:00:00Z", "2027-10-31T02:30:00Z"));
}

/* America/New_York: 14 March 2027 at 07:00Z 02:00 EST (-5) → 03:00 EDT (-4);
 * 7 November at 06:00Z 02:00 EDT → 01:00 EST. */
static void
test_new_york (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"America/New_York\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"00:00\", \"03:00\"]]}}");
  g_autoptr(GArray) spring = NULL;
  g_autoptr(GArray) fall = NULL;

  /* 00:00 EST = 05:00Z to 03:00 EDT = 07:00Z */
  spring = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
                    "2027-03-14T00:00:00Z", "2027-03-15T00:00:00Z");
  assert_slots (spring, 60, SLOTS ("2027-03-14T05:00:00Z", "2027-03-14T06:00:00Z"));

  /* 00:00 EDT = 04:00Z to 03:00 EST = 08:00Z */
  fall = compute (rules, NULL, 0, NULL, 0, "2027-10-15T00:00:00Z",
                  "2027-11-07T00:00:00Z", "2027-11-08T00:00:00Z");
  assert_slots (fall, 60, SLOTS ("2027-11-07T04:00:00Z", "2027-11-07T05:00:00Z",
                                 "2027-11-07T06:00:00Z", "2027-11-07T07:00:00Z"));
}

/* Australia/Adelaide: ACST +9:30, ACDT +10:30. DST ends 4 April 2027 (03:00
 * ACDT → 02:00 ACST at 16:30Z on the 3rd) and starts 3 October (02:00 ACST
 * → 03:00 ACDT at 16:30Z on the 2nd). */
static void
test_adelaide (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"Australia/Adelaide\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"01:00\", \"04:00\"]], \"mon\": [[\"09:00\", \"10:00\"]]}}");
  g_autoptr(GArray) autumn = NULL;
  g_autoptr(GArray) spring = NULL;
  g_autoptr(GArray) monday = NULL;

  /* 01:00 ACDT = 14:30Z on the 3rd to 04:00 ACST = 18:30Z: four hours */
  autumn = compute (rules, NULL, 0, NULL, 0, "2027-03-20T00:00:00Z",
                    "2027-04-03T00:00:00Z", "2027-04-04T00:00:00Z");
  assert_slots (autumn, 60, SLOTS ("2027-04-03T14:30:00Z", "2027-04-03T15:30:00Z",
                                   "2027-04-03T16:30:00Z", "2027-04-03T17:30:00Z"));

  /* 01:00 ACST = 15:30Z on the 2nd to 04:00 ACDT = 17:30Z: two hours */
  spring = compute (rules, NULL, 0, NULL, 0, "2027-09-20T00:00:00Z",
                    "2027-10-02T00:00:00Z", "2027-10-03T00:00:00Z");
  assert_slots (spring, 60, SLOTS ("2027-10-02T15:30:00Z", "2027-10-02T16:30:00Z"));

  /* Monday 29 March 09:00 ACDT is Sunday 28 March 22:30Z */
  monday = compute (rules, NULL, 0, NULL, 0, "2027-03-20T00:00:00Z",
                    "2027-03-28T20:00:00Z", "2027-03-29T00:00:00Z");
  assert_slots (monday, 60, SLOTS ("2027-03-28T22:30:00Z"));
}

static void
test_busy_overlapping_touching (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\", \"12:00\"]]}}");
  const BkInterval busy[] = {
    { utc ("2027-03-29T11:30:00Z"), utc ("2027-03-29T12:30:00Z") },  /* blocks 11:30 only: 11:00 touches */
    { utc ("2027-03-29T09:30:00Z"), utc ("2027-03-29T10:00:00Z") },  /* these two overlap each other */
    { utc ("2027-03-29T09:45:00Z"), utc ("2027-03-29T10:20:00Z") },  /* and block 09:30 and 10:00 */
    { utc ("2027-03-29T08:00:00Z"), utc ("2027-03-29T09:00:00Z") },  /* touches 09:00: no effect */
  };
  g_autoptr(GArray) as_busy = NULL;
  g_autoptr(GArray) as_booked = NULL;

  as_busy = compute (rules, busy, G_N_ELEMENTS (busy), NULL, 0, "2027-03-01T00:00:00Z",
                     "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (as_busy, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T10:30:00Z", "2027-03-29T11:00:00Z"));

  /* booked appointments block the same way */
  as_booked = compute (rules, NULL, 0, busy, G_N_ELEMENTS (busy), "2027-03-01T00:00:00Z",
                       "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (as_booked, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T10:30:00Z", "2027-03-29T11:00:00Z"));
}

/* 15 minutes before and 10 after: slot s needs [s − 15, s + 40) free. */
static void
test_buffers (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"buffer_before_minutes\": 15, \"buffer_after_minutes\": 10, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}}");
  /* 09:00's window is [08:45, 09:40), 10:30's is [10:15, 11:10) */
  const BkInterval touching[] = {
    { utc ("2027-03-29T08:40:00Z"), utc ("2027-03-29T08:45:00Z") },
    { utc ("2027-03-29T11:10:00Z"), utc ("2027-03-29T12:00:00Z") },
  };
  const BkInterval inside[] = {
    { utc ("2027-03-29T08:40:00Z"), utc ("2027-03-29T08:46:00Z") },
    { utc ("2027-03-29T11:09:00Z"), utc ("2027-03-29T12:00:00Z") },
  };
  /* 09:30's window [09:15, 10:10) and 10:00's [09:45, 10:40) both overlap */
  const BkInterval between[] = {
    { utc ("2027-03-29T10:00:00Z"), utc ("2027-03-29T10:05:00Z") },
  };
  g_autoptr(GArray) free_day = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;

  /* buffers may reach outside working hours */
  free_day = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
                      "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (free_day, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:30:00Z",
                                     "2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z"));

  a = compute (rules, touching, 2, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (a, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:30:00Z",
                              "2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z"));

  b = compute (rules, inside, 2, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (b, 30, SLOTS ("2027-03-29T09:30:00Z", "2027-03-29T10:00:00Z"));

  c = compute (rules, between, 1, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (c, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T10:30:00Z"));
}

static void
test_min_notice (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"min_notice_minutes\": 60, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"12:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;

  /* now 08:50: s ≥ 09:50 */
  a = compute (rules, NULL, 0, NULL, 0, "2027-03-29T08:50:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (a, 30, SLOTS ("2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z",
                              "2027-03-29T11:00:00Z", "2027-03-29T11:30:00Z"));

  /* now 09:00: s ≥ 10:00, 10:00 itself included */
  b = compute (rules, NULL, 0, NULL, 0, "2027-03-29T09:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (b, 30, SLOTS ("2027-03-29T10:00:00Z", "2027-03-29T10:30:00Z",
                              "2027-03-29T11:00:00Z", "2027-03-29T11:30:00Z"));

  /* one second later, 10:00 is too soon */
  c = compute (rules, NULL, 0, NULL, 0, "2027-03-29T09:00:01Z",
               "2027-03-29T00:00:00Z", "2027-03-30T00:00:00Z");
  assert_slots (c, 30, SLOTS ("2027-03-29T10:30:00Z", "2027-03-29T11:00:00Z", "2027-03-29T11:30:00Z"));
}

#define EVERY_DAY(range) \
  "\"weekly\": {\"mon\": [" range "], \"tue\": [" range "], \"wed\": [" range "], \"thu\": [" range "], " \
  "\"fri\": [" range "], \"sat\": [" range "], \"sun\": [" range "]}"

/* "Today" is the expert's local date: Berlin is at +2 (CEST) from 28 March. */
static void
test_horizon (void)
{
  g_autoptr(BkAvailabilityRules) mornings =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"horizon_days\": 2, " EVERY_DAY ("[\"09:00\", \"10:00\"]") "}");
  g_autoptr(BkAvailabilityRules) evenings =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"horizon_days\": 1, " EVERY_DAY ("[\"22:00\", \"24:00\"]") "}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;

  /* now 21:30Z = 23:30 on the 29th: today is the 29th, the horizon is
   * 31 March 00:00 CEST = 30 March 22:00Z. The 29th's 09:00 (07:00Z) is past. */
  a = compute (mornings, NULL, 0, NULL, 0, "2027-03-29T21:30:00Z",
               "2027-03-25T00:00:00Z", "2027-04-10T00:00:00Z");
  assert_slots (a, 60, SLOTS ("2027-03-30T07:00:00Z"));

  /* now 22:30Z = 00:30 on the 30th: today is the 30th, the horizon is
   * 1 April 00:00 CEST = 31 March 22:00Z */
  b = compute (mornings, NULL, 0, NULL, 0, "2027-03-29T22:30:00Z",
               "2027-03-25T00:00:00Z", "2027-04-10T00:00:00Z");
  assert_slots (b, 60, SLOTS ("2027-03-30T07:00:00Z", "2027-03-31T07:00:00Z"));

  /* one day ahead from 14:00 CEST on the 29th: the horizon is 30 March
   * 00:00 CEST = 29 March 22:00Z; 22:00–24:00 CEST = 20:00Z–22:00Z fits,
   * the 30th's evening does not */
  c = compute (evenings, NULL, 0, NULL, 0, "2027-03-29T12:00:00Z",
               "2027-03-25T00:00:00Z", "2027-04-10T00:00:00Z");
  assert_slots (c, 60, SLOTS ("2027-03-29T20:00:00Z", "2027-03-29T21:00:00Z"));
}

static void
test_daily_limit (void)
{
  g_autoptr(BkAvailabilityRules) limited =
    rules_from ("{\"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60, \"daily_limit\": 2, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"12:00\"]], \"tue\": [[\"09:00\", \"12:00\"]]}}");
  g_autoptr(BkAvailabilityRules) unlimited =
    rules_from ("{\"time_zone\": \"UTC\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"mon\": [[\"09:00\", \"12:00\"]], \"tue\": [[\"09:00\", \"12:00\"]]}}");
  const BkInterval booked[] = {
    { utc ("2027-03-29T09:00:00Z"), utc ("2027-03-29T10:00:00Z") },
    { utc ("2027-03-29T11:00:00Z"), utc ("2027-03-29T12:00:00Z") },
    { utc ("2027-03-30T09:00:00Z"), utc ("2027-03-30T10:00:00Z") },
  };
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;

  /* Monday has its two bookings: no 10:00; Tuesday has one */
  a = compute (limited, NULL, 0, booked, 3, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-31T00:00:00Z");
  assert_slots (a, 60, SLOTS ("2027-03-30T10:00:00Z", "2027-03-30T11:00:00Z"));

  /* 0 means no limit */
  b = compute (unlimited, NULL, 0, booked, 3, "2027-03-01T00:00:00Z",
               "2027-03-29T00:00:00Z", "2027-03-31T00:00:00Z");
  assert_slots (b, 60, SLOTS ("2027-03-29T10:00:00Z", "2027-03-30T10:00:00Z", "2027-03-30T11:00:00Z"));
}

/* A booking counts on the local date of its start: 22:30Z on 29 March is
 * 00:30 CEST on the 30th in Berlin. */
static void
test_daily_limit_local_date (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"daily_limit\": 1, " EVERY_DAY ("[\"09:00\", \"10:00\"]") "}");
  const BkInterval booked[] = {
    { utc ("2027-03-29T22:30:00Z"), utc ("2027-03-29T23:00:00Z") },
  };
  g_autoptr(GArray) slots = NULL;

  /* 09:00 CEST = 07:00Z each day */
  slots = compute (rules, NULL, 0, booked, 1, "2027-03-01T00:00:00Z",
                   "2027-03-29T00:00:00Z", "2027-04-01T00:00:00Z");
  assert_slots (slots, 60, SLOTS ("2027-03-29T07:00:00Z", "2027-03-31T07:00:00Z"));
}

static void
test_end_of_day (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"weekly\": {\"sat\": [[\"23:00\", \"24:00\"]]}}");
  g_autoptr(BkAvailabilityRules) whole_day =
    rules_from ("{\"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 60, \"step_minutes\": 60, "
                "\"weekly\": {\"sun\": [[\"00:00\", \"24:00\"]]}}");
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;

  a = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-04-03T00:00:00Z", "2027-04-05T00:00:00Z");
  assert_slots (a, 30, SLOTS ("2027-04-03T23:00:00Z", "2027-04-03T23:30:00Z"));

  /* the spring-forward Sunday is 23 hours long: 00:00 CET = 27 March 23:00Z
   * to 24:00 = 29 March 00:00 CEST = 28 March 22:00Z */
  b = compute (whole_day, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
               "2027-03-27T00:00:00Z", "2027-03-29T00:00:00Z");
  g_assert_cmpuint (b->len, ==, 23);
  g_assert_cmpint (g_array_index (b, BkInterval, 0).start, ==, utc ("2027-03-27T23:00:00Z"));
  g_assert_cmpint (g_array_index (b, BkInterval, 22).end, ==, utc ("2027-03-28T22:00:00Z"));
}

static void
test_overrides (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"weekly\": {\"mon\": [[\"09:00\", \"11:00\"]]}, "
                "\"overrides\": [{\"date\": \"2027-03-29\", \"hours\": []}, "
                "{\"date\": \"2027-04-03\", \"hours\": [[\"10:00\", \"11:00\"]]}, "
                "{\"date\": \"2027-04-12\", \"hours\": [[\"14:00\", \"15:00\"]]}]}");
  g_autoptr(GArray) slots = NULL;

  /* Monday 29th closed, Saturday 3rd opened, Monday 5th as every week,
   * Monday 12th changed */
  slots = compute (rules, NULL, 0, NULL, 0, "2027-03-01T00:00:00Z",
                   "2027-03-29T00:00:00Z", "2027-04-13T00:00:00Z");
  assert_slots (slots, 30, SLOTS ("2027-04-03T10:00:00Z", "2027-04-03T10:30:00Z",
                                  "2027-04-05T09:00:00Z", "2027-04-05T09:30:00Z",
                                  "2027-04-05T10:00:00Z", "2027-04-05T10:30:00Z",
                                  "2027-04-12T14:00:00Z", "2027-04-12T14:30:00Z"));
}

static void
test_invalid_rules (void)
{
  g_autoptr(BkAvailabilityRules) rules = bk_availability_rules_new ();
  const BkTimeRange overlapping[] = { { 540, 720 }, { 600, 660 } };
  g_autoptr(GError) error = NULL;
  GArray *slots;

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("Mars/Olympus");
  slots = bk_slot_engine_compute (rules, NULL, 0, NULL, 0, 0, 0, G_MAXINT64, &error);
  g_assert_null (slots);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_UNKNOWN_TIME_ZONE);
  g_clear_error (&error);

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ("UTC");
  bk_availability_rules_set_weekly (rules, BK_WEEKDAY_MONDAY, overlapping, 2);
  slots = bk_slot_engine_compute (rules, NULL, 0, NULL, 0, 0, 0, G_MAXINT64, &error);
  g_assert_null (slots);
  g_assert_error (error, BK_RULES_ERROR, BK_RULES_ERROR_OVERLAP);
}

/* Open-ended queries are clipped by notice and horizon, not by the caller. */
static void
test_unbounded_query (void)
{
  g_autoptr(BkAvailabilityRules) rules =
    rules_from ("{\"time_zone\": \"UTC\", \"horizon_days\": 14, \"weekly\": {\"mon\": [[\"09:00\", \"10:00\"]]}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;

  /* from Wednesday 24 March: Mondays 29 March and 5 April, not 12 April
   * (the horizon is 7 April 00:00Z) */
  slots = bk_slot_engine_compute (rules, NULL, 0, NULL, 0, utc ("2027-03-24T12:00:00Z"),
                                  G_MININT64, G_MAXINT64, &error);
  g_assert_no_error (error);
  assert_slots (slots, 30, SLOTS ("2027-03-29T09:00:00Z", "2027-03-29T09:30:00Z",
                                  "2027-04-05T09:00:00Z", "2027-04-05T09:30:00Z"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/slot-engine/basic", test_basic);
  g_test_add_func ("/slot-engine/step", test_step);
  g_test_add_func ("/slot-engine/query-window", test_query_window);
  g_test_add_func ("/slot-engine/dst/berlin-spring-forward", test_berlin_spring_forward);
  g_test_add_func ("/slot-engine/dst/berlin-fall-back", test_berlin_fall_back);
  g_test_add_func ("/slot-engine/dst/new-york", test_new_york);
  g_test_add_func ("/slot-engine/dst/adelaide", test_adelaide);
  g_test_add_func ("/slot-engine/busy-overlapping-touching", test_busy_overlapping_touching);
  g_test_add_func ("/slot-engine/buffers", test_buffers);
  g_test_add_func ("/slot-engine/min-notice", test_min_notice);
  g_test_add_func ("/slot-engine/horizon", test_horizon);
  g_test_add_func ("/slot-engine/daily-limit", test_daily_limit);
  g_test_add_func ("/slot-engine/daily-limit-local-date", test_daily_limit_local_date);
  g_test_add_func ("/slot-engine/end-of-day", test_end_of_day);
  g_test_add_func ("/slot-engine/overrides", test_overrides);
  g_test_add_func ("/slot-engine/invalid-rules", test_invalid_rules);
  g_test_add_func ("/slot-engine/unbounded-query", test_unbounded_query);

  return g_test_run ();
}
