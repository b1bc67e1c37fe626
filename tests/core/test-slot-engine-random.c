/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-slot-engine-random"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"

/* Random rules, busy times, bookings and queries around DST changes, with
 * fixed seeds. A brute-force checker applies the plain rules of issue 2 to
 * every minute of the query, scanning every interval linearly and resolving
 * wall times with g_date_time_new() itself; the engine must agree exactly. */

#define N_ROUNDS 1000
#define MINUTE   G_GINT64_CONSTANT (60)
#define DAY      G_GINT64_CONSTANT (86400)

static const char * const zones[] = {
  "UTC", "Europe/Berlin", "America/New_York", "Australia/Adelaide",
  "Australia/Lord_Howe",  /* DST moves the clock by 30 minutes */
  "Asia/Kathmandu",       /* +5:45 */
  "America/Santiago",     /* changes at midnight: 00:00 is missing or doubled */
  "Pacific/Chatham",      /* +12:45 / +13:45 */
};

/* 2027 dates near the changes of those zones */
static const char * const around[] = {
  "2027-03-10T00:00:00Z", "2027-03-25T00:00:00Z", "2027-04-01T00:00:00Z",
  "2027-09-01T00:00:00Z", "2027-09-21T00:00:00Z", "2027-09-30T00:00:00Z",
  "2027-10-28T00:00:00Z", "2027-11-04T00:00:00Z", "2027-06-15T00:00:00Z",
};

typedef struct
{
  BkAvailabilityRules *rules;
  GArray              *busy;    /* BkInterval */
  GArray              *booked;  /* BkInterval */
  gint64               now;
  gint64               from;
  gint64               to;
} Scenario;

static void
scenario_clear (Scenario *s)
{
  g_clear_pointer (&s->rules, bk_availability_rules_free);
  g_clear_pointer (&s->busy, g_array_unref);
  g_clear_pointer (&s->booked, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Scenario, scenario_clear)

/* ------------------------------------------------------------------------ */
/* Generating                                                               */
/* ------------------------------------------------------------------------ */

/* 0–3 non-overlapping ranges (they may touch, may end at 24:00) */
static GArray *
random_ranges (GRand *rand)
{
  GArray *ranges = g_array_new (FALSE, FALSE, sizeof (BkTimeRange));
  guint n = g_rand_int_range (rand, 0, 5) == 0 ? 0 : g_rand_int_range (rand, 1, 4);
  guint cursor = 0;

  for (guint i = 0; i < n && cursor < 1440; i++)
    {
      BkTimeRange r;

      r.start = cursor + 5 * g_rand_int_range (rand, 0, (1440 - cursor) / 5 / (n - i) + 1);
      r.end = r.start + 5 * g_rand_int_range (rand, 1, 120);
      if (r.start >= 1440)
        break;
      r.end = MIN (r.end, 1440);
      g_array_append_val (ranges, r);
      cursor = r.end + (g_rand_boolean (rand) ? 0 : 5 * g_rand_int_range (rand, 1, 24));
    }

  return ranges;
}

static void
random_rules (GRand    *rand,
              Scenario *s)
{
  static const guint lengths[] = { 5, 10, 15, 20, 25, 30, 45, 60, 90, 120 };
  BkAvailabilityRules *rules = bk_availability_rules_new ();

  g_free (rules->time_zone);
  rules->time_zone = g_strdup (zones[g_rand_int_range (rand, 0, G_N_ELEMENTS (zones))]);
  rules->slot_minutes = lengths[g_rand_int_range (rand, 0, G_N_ELEMENTS (lengths))];
  rules->step_minutes = g_rand_boolean (rand) ? rules->slot_minutes : 5 * (guint) g_rand_int_range (rand, 1, 25);
  rules->buffer_before_minutes = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 46);
  rules->buffer_after_minutes = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 46);
  rules->min_notice_minutes = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 0, 721);
  rules->horizon_days = g_rand_int_range (rand, 1, 15);
  rules->daily_limit = g_rand_boolean (rand) ? 0 : g_rand_int_range (rand, 1, 4);

  for (guint d = 0; d < BK_N_WEEKDAYS; d++)
    {
      g_autoptr(GArray) r = random_ranges (rand);
      bk_availability_rules_set_weekly (rules, d, (BkTimeRange *) (gpointer) r->data, r->len);
    }

  for (guint i = g_rand_int_range (rand, 0, 4); i > 0; i--)
    {
      g_autoptr(GArray) r = random_ranges (rand);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (s->now + g_rand_int_range (rand, -1, 8) * DAY);
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_dmy (&date, g_date_time_get_day_of_month (dt), g_date_time_get_month (dt),
                      g_date_time_get_year (dt));
      bk_availability_rules_set_override (rules, &date, (BkTimeRange *) (gpointer) r->data, r->len);
    }

  s->rules = rules;
}

static GArray *
random_intervals (GRand  *rand,
                  gint64  lo,
                  gint64  hi,
                  guint   max_n,
                  guint   max_minutes,
                  gboolean aligned)
{
  GArray *intervals = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  guint n = g_rand_int_range (rand, 0, max_n + 1);

  for (guint i = 0; i < n; i++)
    {
      BkInterval iv;

      iv.start = lo + (gint64) (g_rand_double (rand) * (double) (hi - lo));
      if (aligned)
        iv.start -= iv.start % (5 * MINUTE);
      iv.end = iv.start + g_rand_int_range (rand, 1, max_minutes + 1) * (aligned ? MINUTE * 5 : 53);
      g_array_append_val (intervals, iv);
    }

  return intervals;
}

static void
random_scenario (guint32   seed,
                 Scenario *s)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GDateTime) base = g_date_time_new_from_iso8601 (around[g_rand_int_range (rand, 0, G_N_ELEMENTS (around))], NULL);

  s->now = g_date_time_to_unix (base) + g_rand_int_range (rand, 0, 7 * 86400);
  s->from = s->now + g_rand_int_range (rand, -86400, 2 * 86400);
  s->to = s->from + g_rand_int_range (rand, 3600, 6 * 86400);
  random_rules (rand, s);
  s->busy = random_intervals (rand, s->from - DAY, s->to + DAY, 30, 240, FALSE);
  s->booked = random_intervals (rand, s->from - DAY, s->to + DAY, 8, 24, TRUE);
}

/* ------------------------------------------------------------------------ */
/* The brute-force checker                                                  */
/* ------------------------------------------------------------------------ */

typedef struct
{
  gint64  start;
  gint64  end;
  guint32 julian;   /* the local date whose hours these are */
} WorkRange;

typedef struct
{
  const Scenario *s;
  GTimeZone      *tz;
  GArray         *work;            /* WorkRange */
  GArray         *booked_julians;  /* guint32: local date of each booking's start */
  gint64          horizon_start;
} Checker;

static void
checker_clear (Checker *c)
{
  g_clear_pointer (&c->tz, g_time_zone_unref);
  g_clear_pointer (&c->work, g_array_unref);
  g_clear_pointer (&c->booked_julians, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Checker, checker_clear)

static guint32
local_julian (GTimeZone *tz,
              gint64     t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                  g_date_time_get_year (local));
  return g_date_get_julian (&date);
}

static gint64
wall_time (GTimeZone *tz,
           guint32    julian,
           guint      minutes)
{
  g_autoptr(GDateTime) dt = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian + minutes / 1440);
  minutes %= 1440;
  dt = g_date_time_new (tz, g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date),
                        minutes / 60, minutes % 60, 0);
  return g_date_time_to_unix (dt);
}

static const GArray *
hours_of_day (const BkAvailabilityRules *rules,
              guint32                    julian)
{
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  for (guint i = 0; i < rules->overrides->len; i++)
    {
      const BkDateOverride *o = &g_array_index (rules->overrides, BkDateOverride, i);
      if (g_date_get_julian (&o->date) == julian)
        return o->ranges;
    }
  return rules->weekly[g_date_get_weekday (&date) - G_DATE_MONDAY];
}

static void
checker_init (Checker        *c,
              const Scenario *s)
{
  guint32 first, last;

  c->s = s;
  c->tz = g_time_zone_new_identifier (s->rules->time_zone);
  c->work = g_array_new (FALSE, FALSE, sizeof (WorkRange));
  c->booked_julians = g_array_new (FALSE, FALSE, sizeof (guint32));
  c->horizon_start = wall_time (c->tz, local_julian (c->tz, s->now) + s->rules->horizon_days, 0);

  /* generously more days than can matter */
  first = local_julian (c->tz, s->from) - 3;
  last = local_julian (c->tz, s->to) + 3;
  for (guint32 j = first; j <= last; j++)
    {
      const GArray *hours = hours_of_day (s->rules, j);

      for (guint i = 0; i < hours->len; i++)
        {
          const BkTimeRange *r = &g_array_index (hours, BkTimeRange, i);
          WorkRange w = { wall_time (c->tz, j, r->start), wall_time (c->tz, j, r->end), j };
          g_array_append_val (c->work, w);
        }
    }

  for (guint i = 0; i < s->booked->len; i++)
    {
      guint32 j = local_julian (c->tz, g_array_index (s->booked, BkInterval, i).start);
      g_array_append_val (c->booked_julians, j);
    }
}

static gboolean
overlaps_any_linear (const GArray *intervals,
                     gint64        start,
                     gint64        end)
{
  for (guint i = 0; i < intervals->len; i++)
    {
      const BkInterval *iv = &g_array_index (intervals, BkInterval, i);
      if (iv->start < end && start < iv->end)
        return TRUE;
    }
  return FALSE;
}

static guint
bookings_on (const Checker *c,
             guint32        julian)
{
  guint n = 0;

  for (guint i = 0; i < c->booked_julians->len; i++)
    n += g_array_index (c->booked_julians, guint32, i) == julian;
  return n;
}

/* The plain rules, one candidate start at a time. */
static gboolean
is_free_slot (const Checker *c,
              gint64         s)
{
  const BkAvailabilityRules *r = c->s->rules;
  gint64 length = r->slot_minutes * MINUTE;
  gint64 step = r->step_minutes * MINUTE;
  gboolean on_grid = FALSE;

  if (s < c->s->from || s >= c->s->to)
    return FALSE;
  if (s < c->s->now + r->min_notice_minutes * MINUTE || s >= c->horizon_start)
    return FALSE;

  for (guint i = 0; i < c->work->len && !on_grid; i++)
    {
      const WorkRange *w = &g_array_index (c->work, WorkRange, i);

      on_grid = s >= w->start && s + length <= w->end && (s - w->start) % step == 0 &&
                (r->daily_limit == 0 || bookings_on (c, w->julian) < r->daily_limit);
    }
  if (!on_grid)
    return FALSE;

  return !overlaps_any_linear (c->s->busy, s - r->buffer_before_minutes * MINUTE,
                               s + length + r->buffer_after_minutes * MINUTE) &&
         !overlaps_any_linear (c->s->booked, s - r->buffer_before_minutes * MINUTE,
                               s + length + r->buffer_after_minutes * MINUTE);
}

static gboolean
contains_start (GArray *slots,
                gint64  s)
{
  guint lo = 0, hi = slots->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 v = g_array_index (slots, BkInterval, mid).start;

      if (v == s)
        return TRUE;
      if (v < s)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static guint
check_round (guint32 seed)
{
  g_auto(Scenario) s = { 0, };
  g_auto(Checker) c = { 0, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  gint64 length;
  guint n_expected = 0;

  random_scenario (seed, &s);
  checker_init (&c, &s);
  length = s.rules->slot_minutes * MINUTE;

  slots = bk_slot_engine_compute (s.rules, (BkInterval *) (gpointer) s.busy->data, s.busy->len,
                                  (BkInterval *) (gpointer) s.booked->data, s.booked->len,
                                  s.now, s.from, s.to, &error);
  g_assert_no_error (error);

  /* every emitted slot is sorted, unique and satisfies the rules */
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);

      if (i > 0)
        g_assert_cmpint (g_array_index (slots, BkInterval, i - 1).start, <, slot->start);
      g_assert_cmpint (slot->end - slot->start, ==, length);
      if (!is_free_slot (&c, slot->start))
        g_error ("seed %u: slot at %" G_GINT64_FORMAT " breaks the rules", seed, slot->start);
    }

  /* every free start the brute force finds, minute by minute, is there */
  for (gint64 t = s.from + (MINUTE - s.from % MINUTE) % MINUTE; t < s.to; t += MINUTE)
    {
      if (!is_free_slot (&c, t))
        continue;
      n_expected++;
      if (!contains_start (slots, t))
        g_error ("seed %u (%s): free start %" G_GINT64_FORMAT " is missing", seed, s.rules->time_zone, t);
    }

  g_assert_cmpuint (n_expected, ==, slots->len);
  return slots->len;
}

/* BK_SLOT_ENGINE_ROUNDS=100000 runs a longer soak with the same seeds first */
static void
test_random (void)
{
  const char *env = g_getenv ("BK_SLOT_ENGINE_ROUNDS");
  guint n_rounds = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : N_ROUNDS;
  guint total = 0;
  guint empty = 0;

  n_rounds = MAX (n_rounds, N_ROUNDS);
  for (guint32 seed = 1; seed <= n_rounds; seed++)
    {
      guint n = check_round (seed);

      total += n;
      empty += n == 0;
    }

  g_test_message ("%u rounds, %u slots, %u rounds without slots", n_rounds, total, empty);
  /* the generator must exercise the engine, not just agree on nothing */
  g_assert_cmpuint (total, >, n_rounds * 10);
  g_assert_cmpuint (empty, <, n_rounds / 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/slot-engine/random", test_random);

  return g_test_run ();
}
