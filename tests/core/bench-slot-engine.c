/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bench-slot-engine"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-slot-engine.h"
#include "bk-time.h"

/* The slot engine over 90 days with 100, 1,000 and 10,000 busy intervals,
 * next to a naive reference measured in the same run: the same candidate
 * slots, each checked by a linear scan of every busy interval (slots × busy,
 * as issue 2 asks). A second reference stops each scan at the first hit,
 * which flatters it when busy times cover most of the days. The figures that
 * matter are the ratios, which do not depend on the machine. */

#define DAYS      90
#define SAMPLES   7
#define SAMPLE_US 20000   /* each sample repeats the call for at least 20 ms */

static const char rules_json[] =
  "{ \"time_zone\": \"Europe/Berlin\", \"slot_minutes\": 30, \"step_minutes\": 15,"
  "  \"buffer_before_minutes\": 5, \"buffer_after_minutes\": 5, \"horizon_days\": 730,"
  "  \"weekly\": { \"mon\": [[\"08:00\",\"12:00\"],[\"13:00\",\"18:00\"]],"
  "                \"tue\": [[\"08:00\",\"12:00\"],[\"13:00\",\"18:00\"]],"
  "                \"wed\": [[\"08:00\",\"12:00\"],[\"13:00\",\"18:00\"]],"
  "                \"thu\": [[\"08:00\",\"12:00\"],[\"13:00\",\"18:00\"]],"
  "                \"fri\": [[\"08:00\",\"12:00\"],[\"13:00\",\"18:00\"]] } }";

typedef struct
{
  const BkAvailabilityRules *rules;
  const BkInterval          *busy;
  gsize                      n_busy;
  gint64                     now;
  gint64                     from;
  gint64                     to;
} Query;

/* ------------------------------------------------------------------------ */
/* The naive reference                                                      */
/* ------------------------------------------------------------------------ */

static gboolean
naive_is_free (const Query *q,
               gint64       s,
               gboolean     early_exit)
{
  gint64 start = s - q->rules->buffer_before_minutes * 60;
  gint64 end = s + (q->rules->slot_minutes + q->rules->buffer_after_minutes) * 60;
  gsize hits = 0;

  for (gsize i = 0; i < q->n_busy; i++)
    if (q->busy[i].start < end && start < q->busy[i].end)
      {
        hits++;
        if (early_exit)
          break;
      }
  return hits == 0;
}

/* Every local day of the query, every range, every step: the same rules as
 * the engine (the horizon is far and the notice zero, so they drop out). */
static GArray *
naive_compute_full (const Query *q,
                    gboolean     early_exit)
{
  g_autoptr(GTimeZone) tz = bk_time_zone_new (q->rules->time_zone, NULL);
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  gint64 length = q->rules->slot_minutes * 60;
  gint64 step = q->rules->step_minutes * 60;
  GDate day, last;

  bk_time_get_local_date (tz, q->from, &day);
  bk_time_get_local_date (tz, q->to, &last);
  for (; g_date_compare (&day, &last) <= 0; g_date_add_days (&day, 1))
    {
      g_autoptr(GArray) ranges = bk_availability_rules_get_ranges (q->rules, &day);

      for (guint i = 0; i < ranges->len; i++)
        {
          const BkTimeRange *r = &g_array_index (ranges, BkTimeRange, i);
          gint64 end = bk_time_local_to_unix (tz, &day, r->end);

          for (gint64 s = bk_time_local_to_unix (tz, &day, r->start); s + length <= end; s += step)
            {
              BkInterval slot = { s, s + length };

              if (s >= q->from && s < q->to && naive_is_free (q, s, early_exit))
                g_array_append_val (slots, slot);
            }
        }
    }

  return slots;
}

static GArray *
naive_compute (const Query *q)
{
  return naive_compute_full (q, FALSE);
}

static GArray *
naive_early_exit_compute (const Query *q)
{
  return naive_compute_full (q, TRUE);
}

static GArray *
engine_compute (const Query *q)
{
  g_autoptr(GError) error = NULL;
  GArray *slots = bk_slot_engine_compute (q->rules, q->busy, q->n_busy, NULL, 0,
                                          q->now, q->from, q->to, &error);

  g_assert_no_error (error);
  return slots;
}

/* ------------------------------------------------------------------------ */
/* Timing                                                                   */
/* ------------------------------------------------------------------------ */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

/* Median over SAMPLES of the mean time of one call, in milliseconds. */
static double
median_ms (GArray *(*compute) (const Query *),
           const Query *q)
{
  double samples[SAMPLES];

  for (guint i = 0; i < SAMPLES; i++)
    {
      gint64 start = g_get_monotonic_time ();
      gint64 elapsed;
      guint calls = 0;

      do
        {
          g_array_unref (compute (q));
          calls++;
          elapsed = g_get_monotonic_time () - start;
        }
      while (elapsed < SAMPLE_US);

      samples[i] = (double) elapsed / 1000.0 / calls;
    }

  qsort (samples, SAMPLES, sizeof (double), compare_doubles);
  return samples[SAMPLES / 2];
}

static GArray *
random_busy (guint   n,
             gint64  from,
             gint64  to)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  GArray *busy = g_array_sized_new (FALSE, FALSE, sizeof (BkInterval), n);

  for (guint i = 0; i < n; i++)
    {
      BkInterval iv;

      iv.start = from + (gint64) (g_rand_double (rand) * (double) (to - from));
      iv.start -= iv.start % 300;
      iv.end = iv.start + 60 * g_rand_int_range (rand, 15, 121);
      g_array_append_val (busy, iv);
    }

  return busy;
}

static void
assert_same (GArray *a,
             GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, BkInterval, i).start, ==, g_array_index (b, BkInterval, i).start);
}

int
main (int   argc,
      char *argv[])
{
  static const guint sizes[] = { 100, 1000, 10000 };
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now;

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  rules = bk_availability_rules_new_from_json (rules_json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (bk_time_parse_iso8601 ("2027-01-01T00:00:00Z", &now, NULL));

  printf ("slot engine: %d days, Europe/Berlin, Mon-Fri 08:00-12:00 + 13:00-18:00,\n"
          "30-minute slots every 15 minutes, 5-minute buffers; median of %d samples\n\n",
          DAYS, SAMPLES);
  printf ("%7s %7s %12s %12s %13s %17s %10s\n", "busy", "slots", "engine ms", "naive ms",
          "naive/engine", "naive-early ms", "ratio");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GArray) busy = random_busy (sizes[i], now, now + DAYS * 86400);
      Query q = { rules, (const BkInterval *) (gpointer) busy->data, busy->len,
                  now, now, now + DAYS * 86400 };
      g_autoptr(GArray) from_engine = engine_compute (&q);
      g_autoptr(GArray) from_naive = naive_compute (&q);
      g_autoptr(GArray) from_early = naive_early_exit_compute (&q);
      double engine_ms, naive_ms, early_ms;

      /* a fast wrong answer is no result */
      assert_same (from_engine, from_naive);
      assert_same (from_engine, from_early);

      engine_ms = median_ms (engine_compute, &q);
      naive_ms = median_ms (naive_compute, &q);
      early_ms = median_ms (naive_early_exit_compute, &q);
      printf ("%7u %7u %12.3f %12.3f %12.1fx %17.3f %9.1fx\n",
              sizes[i], from_engine->len, engine_ms, naive_ms, naive_ms / engine_ms,
              early_ms, early_ms / engine_ms);
    }

  return 0;
}
