/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-interval"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-interval.h"

static int
compare_intervals (gconstpointer a,
                   gconstpointer b)
{
  const BkInterval *ia = a;
  const BkInterval *ib = b;

  if (ia->start != ib->start)
    return ia->start < ib->start ? -1 : 1;
  if (ia->end != ib->end)
    return ia->end < ib->end ? -1 : 1;
  return 0;
}

void
bk_intervals_sort_merge (GArray *intervals)
{
  BkInterval *v;
  guint n = 0;

  g_return_if_fail (intervals != NULL);
  g_return_if_fail (g_array_get_element_size (intervals) == sizeof (BkInterval));

  v = (BkInterval *) (gpointer) intervals->data;

  /* drop empty and inverted intervals first: they block nothing */
  for (guint i = 0; i < intervals->len; i++)
    {
      if (v[i].start < v[i].end)
        v[n++] = v[i];
    }
  g_array_set_size (intervals, n);
  if (n == 0)
    return;

  g_array_sort (intervals, compare_intervals);
  v = (BkInterval *) (gpointer) intervals->data;

  /* touching intervals merge too, so the ends end up strictly increasing and
   * the overlap query can binary-search on them */
  n = 0;
  for (guint i = 1; i < intervals->len; i++)
    {
      if (v[i].start <= v[n].end)
        v[n].end = MAX (v[n].end, v[i].end);
      else
        v[++n] = v[i];
    }
  g_array_set_size (intervals, n + 1);
}

gboolean
bk_intervals_overlap_any (const BkInterval *merged,
                          gsize             n_merged,
                          gint64            start,
                          gint64            end)
{
  gsize lo = 0;
  gsize hi = n_merged;

  g_return_val_if_fail (merged != NULL || n_merged == 0, FALSE);

  /* the first interval that ends after @start is the only candidate: every
   * later one starts after it ends */
  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (merged[mid].end > start)
        hi = mid;
      else
        lo = mid + 1;
    }

  return lo < n_merged && merged[lo].start < end;
}
