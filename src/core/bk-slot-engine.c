/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-slot-engine"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"
#include "bk-time.h"

/* GDateTime covers years 1..9999; a "now" outside this window (with room for
 * the two-year horizon) cannot have slots. */
#define ENGINE_MIN_NOW  (G_GINT64_CONSTANT (-62135596800) + 7 * 86400)
#define ENGINE_MAX_NOW  (G_GINT64_CONSTANT (253402300799) - 800 * 86400)

typedef struct
{
  const BkAvailabilityRules *rules;
  GTimeZone                 *tz;
  GArray                    *blocked;      /* BkInterval, sorted and merged */
  gint64                     lo;           /* slots start in [lo, hi) */
  gint64                     hi;
  guint32                    first_julian; /* the local days that can contribute */
  guint32                    last_julian;
  guint                     *booked_per_day; /* indexed by julian - first_julian */
  GArray                    *slots;
} Computation;

static void
computation_clear (Computation *c)
{
  g_clear_pointer (&c->tz, g_time_zone_unref);
  g_clear_pointer (&c->blocked, g_array_unref);
  g_clear_pointer (&c->booked_per_day, g_free);
  g_clear_pointer (&c->slots, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Computation, computation_clear)

/* Busy times, blocks and bookings all block alike: sort and merge them once
 * so each slot costs one binary search. */
static GArray *
merge_blocked (const BkInterval *busy,
               gsize             n_busy,
               const BkInterval *booked,
               gsize             n_booked)
{
  GArray *blocked = g_array_sized_new (FALSE, FALSE, sizeof (BkInterval), n_busy + n_booked);

  if (n_busy > 0)
    g_array_append_vals (blocked, busy, n_busy);
  if (n_booked > 0)
    g_array_append_vals (blocked, booked, n_booked);
  bk_intervals_sort_merge (blocked);

  return blocked;
}

/* Narrows [from, to) to [now + notice, start of today + horizon) and picks
 * the local days whose ranges can hold such a start. Returns FALSE when no
 * slot is possible. */
static gboolean
compute_window (Computation *c,
                gint64       now,
                gint64       from,
                gint64       to)
{
  GDate today, horizon, day;
  gint64 horizon_start;

  bk_time_get_local_date (c->tz, now, &today);
  horizon = today;
  g_date_add_days (&horizon, c->rules->horizon_days);
  horizon_start = bk_time_local_to_unix (c->tz, &horizon, 0);

  c->lo = MAX (from, now + (gint64) c->rules->min_notice_minutes * 60);
  c->hi = MIN (to, horizon_start);
  if (c->lo >= c->hi)
    return FALSE;

  /* a day's ranges lie within its own local 00:00–24:00, but take one day
   * of margin each side so odd zones (midnight in a gap) lose nothing */
  bk_time_get_local_date (c->tz, c->lo, &day);
  c->first_julian = MAX (g_date_get_julian (&day) - 1, g_date_get_julian (&today));
  bk_time_get_local_date (c->tz, c->hi, &day);
  c->last_julian = MIN (g_date_get_julian (&day) + 1, g_date_get_julian (&horizon) - 1);

  return c->first_julian <= c->last_julian;
}

/* The daily limit counts bookings by the local date of their start. Only
 * bookings near the window can fall on one of its days. */
static void
count_bookings (Computation      *c,
                const BkInterval *booked,
                gsize             n_booked)
{
  guint n_days = c->last_julian - c->first_julian + 1;
  gint64 near_lo = c->lo - 3 * 86400;
  gint64 near_hi = c->hi + 3 * 86400;

  c->booked_per_day = g_new0 (guint, n_days);
  for (gsize i = 0; i < n_booked; i++)
    {
      GDate date;
      guint32 julian;

      if (booked[i].start < near_lo || booked[i].start >= near_hi)
        continue;

      bk_time_get_local_date (c->tz, booked[i].start, &date);
      julian = g_date_get_julian (&date);
      if (julian >= c->first_julian && julian <= c->last_julian)
        c->booked_per_day[julian - c->first_julian]++;
    }
}

static void
add_range_slots (Computation *c,
                 gint64       range_start,
                 gint64       range_end)
{
  const BkInterval *blocked = (const BkInterval *) (gconstpointer) c->blocked->data;
  gint64 length = (gint64) c->rules->slot_minutes * 60;
  gint64 step = (gint64) c->rules->step_minutes * 60;
  gint64 before = (gint64) c->rules->buffer_before_minutes * 60;
  gint64 after = (gint64) c->rules->buffer_after_minutes * 60;
  gint64 s = range_start;

  /* jump straight to the first start on the range's step grid ≥ lo */
  if (s < c->lo)
    s += ((c->lo - s + step - 1) / step) * step;

  for (; s + length <= range_end && s < c->hi; s += step)
    {
      BkInterval slot = { s, s + length };

      if (!bk_intervals_overlap_any (blocked, c->blocked->len, s - before, s + length + after))
        g_array_append_val (c->slots, slot);
    }
}

static void
add_day_slots (Computation *c,
               guint32      julian)
{
  g_autoptr(GArray) ranges = NULL;
  GDate date;

  g_date_clear (&date, 1);
  g_date_set_julian (&date, julian);
  ranges = bk_availability_rules_get_ranges (c->rules, &date);

  for (guint i = 0; i < ranges->len; i++)
    {
      const BkTimeRange *r = &g_array_index (ranges, BkTimeRange, i);
      gint64 start = bk_time_local_to_unix (c->tz, &date, r->start);
      gint64 end = bk_time_local_to_unix (c->tz, &date, r->end);

      /* a range wholly inside a spring-forward gap is empty */
      if (start < end)
        add_range_slots (c, start, end);
    }
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const BkInterval *sa = a;
  const BkInterval *sb = b;

  return sa->start < sb->start ? -1 : sa->start > sb->start;
}

/* Wall-clock-to-instant is monotonic, so slots already come out in order;
 * this only guards the promise (sorted, unique) against exotic zones. */
static void
ensure_sorted_unique (GArray *slots)
{
  BkInterval *v = (BkInterval *) (gpointer) slots->data;
  guint n = 0;
  gboolean sorted = TRUE;

  for (guint i = 1; i < slots->len && sorted; i++)
    sorted = v[i - 1].start < v[i].start;
  if (sorted)
    return;

  g_array_sort (slots, compare_slots);
  v = (BkInterval *) (gpointer) slots->data;
  for (guint i = 0; i < slots->len; i++)
    if (n == 0 || v[n - 1].start != v[i].start)
      v[n++] = v[i];
  g_array_set_size (slots, n);
}

GArray *
bk_slot_engine_compute (const BkAvailabilityRules *rules,
                        const BkInterval          *busy,
                        gsize                      n_busy,
                        const BkInterval          *booked,
                        gsize                      n_booked,
                        gint64                     now,
                        gint64                     from,
                        gint64                     to,
                        GError                   **error)
{
  g_auto(Computation) c = { 0, };

  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (busy != NULL || n_busy == 0, NULL);
  g_return_val_if_fail (booked != NULL || n_booked == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* the zone first: GLib shares a loaded zone while someone holds it, so
   * validating afterwards does not read the zoneinfo file a second time */
  c.rules = rules;
  c.tz = bk_time_zone_new (rules->time_zone, NULL);
  if (!bk_availability_rules_validate (rules, error))
    return NULL;
  g_assert (c.tz != NULL);
  c.slots = g_array_new (FALSE, FALSE, sizeof (BkInterval));

  if (now < ENGINE_MIN_NOW || now > ENGINE_MAX_NOW || !compute_window (&c, now, from, to))
    return g_steal_pointer (&c.slots);

  c.blocked = merge_blocked (busy, n_busy, booked, n_booked);
  count_bookings (&c, booked, n_booked);

  for (guint32 julian = c.first_julian; julian <= c.last_julian; julian++)
    {
      guint count = c.booked_per_day[julian - c.first_julian];

      if (rules->daily_limit == 0 || count < rules->daily_limit)
        add_day_slots (&c, julian);
    }

  ensure_sorted_unique (c.slots);
  return g_steal_pointer (&c.slots);
}
