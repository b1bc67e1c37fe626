/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-interval"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-interval.h"

static GArray *
intervals (const gint64 *pairs,
           guint         n_pairs)
{
  GArray *array = g_array_new (FALSE, FALSE, sizeof (BkInterval));

  for (guint i = 0; i < n_pairs; i++)
    {
      BkInterval iv = { pairs[2 * i], pairs[2 * i + 1] };
      g_array_append_val (array, iv);
    }
  return array;
}

static void
assert_intervals (GArray       *array,
                  const gint64 *pairs,
                  guint         n_pairs)
{
  g_assert_cmpuint (array->len, ==, n_pairs);
  for (guint i = 0; i < n_pairs; i++)
    {
      g_assert_cmpint (g_array_index (array, BkInterval, i).start, ==, pairs[2 * i]);
      g_assert_cmpint (g_array_index (array, BkInterval, i).end, ==, pairs[2 * i + 1]);
    }
}

static void
test_sort_merge (void)
{
  /* unsorted; [10,20) and [15,30) overlap; [30,35) touches; [50,50) is
   * empty and [70,60) inverted (both dropped); [40,45) stands alone */
  const gint64 in[] = { 40, 45, 15, 30, 50, 50, 10, 20, 30, 35, 70, 60, 100, 200, 120, 130 };
  const gint64 out[] = { 10, 35, 40, 45, 100, 200 };
  g_autoptr(GArray) array = intervals (in, G_N_ELEMENTS (in) / 2);

  bk_intervals_sort_merge (array);
  assert_intervals (array, out, G_N_ELEMENTS (out) / 2);

  /* already merged input is left as it is */
  bk_intervals_sort_merge (array);
  assert_intervals (array, out, G_N_ELEMENTS (out) / 2);
}

static void
test_sort_merge_empty (void)
{
  const gint64 in[] = { 5, 5, 9, 1 };
  g_autoptr(GArray) none = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  g_autoptr(GArray) degenerate = intervals (in, 2);

  bk_intervals_sort_merge (none);
  g_assert_cmpuint (none->len, ==, 0);
  bk_intervals_sort_merge (degenerate);
  g_assert_cmpuint (degenerate->len, ==, 0);
}

static void
test_overlap_any (void)
{
  const gint64 in[] = { 10, 20, 30, 40 };
  g_autoptr(GArray) array = intervals (in, 2);
  const BkInterval *v = (const BkInterval *) (gconstpointer) array->data;

  g_assert_false (bk_intervals_overlap_any (v, 2, 0, 10));   /* touches the first */
  g_assert_true (bk_intervals_overlap_any (v, 2, 0, 11));
  g_assert_false (bk_intervals_overlap_any (v, 2, 20, 30));  /* between, touching both */
  g_assert_true (bk_intervals_overlap_any (v, 2, 19, 30));
  g_assert_true (bk_intervals_overlap_any (v, 2, 20, 31));
  g_assert_true (bk_intervals_overlap_any (v, 2, 12, 15));   /* inside */
  g_assert_true (bk_intervals_overlap_any (v, 2, 0, 100));   /* around both */
  g_assert_false (bk_intervals_overlap_any (v, 2, 40, 100)); /* after the last */
  g_assert_false (bk_intervals_overlap_any (NULL, 0, 0, 100));
}

/* The binary search against the plain definition, on random sets. */
static void
test_overlap_random (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20270328);

  for (guint round = 0; round < 200; round++)
    {
      g_autoptr(GArray) raw = g_array_new (FALSE, FALSE, sizeof (BkInterval));
      g_autoptr(GArray) merged = NULL;
      guint n = g_rand_int_range (rand, 0, 40);

      for (guint i = 0; i < n; i++)
        {
          gint64 s = g_rand_int_range (rand, 0, 1000);
          BkInterval iv = { s, s + g_rand_int_range (rand, -5, 60) };
          g_array_append_val (raw, iv);
        }
      merged = g_array_copy (raw);
      bk_intervals_sort_merge (merged);

      for (guint i = 1; i < merged->len; i++)
        g_assert_cmpint (g_array_index (merged, BkInterval, i - 1).end, <,
                         g_array_index (merged, BkInterval, i).start);

      for (guint q = 0; q < 50; q++)
        {
          gint64 s = g_rand_int_range (rand, -10, 1100);
          BkInterval query = { s, s + g_rand_int_range (rand, 1, 80) };
          gboolean expected = FALSE;

          for (guint i = 0; i < raw->len; i++)
            {
              const BkInterval *iv = &g_array_index (raw, BkInterval, i);
              if (iv->start < iv->end && bk_interval_overlaps (iv, &query))
                expected = TRUE;
            }

          g_assert_cmpint (bk_intervals_overlap_any ((const BkInterval *) (gconstpointer) merged->data,
                                                     merged->len, query.start, query.end),
                           ==, expected);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/interval/sort-merge", test_sort_merge);
  g_test_add_func ("/interval/sort-merge-empty", test_sort_merge_empty);
  g_test_add_func ("/interval/overlap-any", test_overlap_any);
  g_test_add_func ("/interval/overlap-random", test_overlap_random);

  return g_test_run ();
}
