/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

/* A half-open interval [start, end) of Unix seconds. Also what a slot is. */
struct _BkInterval
{
  gint64 start;
  gint64 end;
};

static inline gboolean
bk_interval_overlaps (const BkInterval *a,
                      const BkInterval *b)
{
  /* touching ends do not overlap */
  return a->start < b->end && b->start < a->end;
}

/* Sorts @intervals (a GArray of BkInterval) by start and merges those that
 * overlap or touch, in place; empty and inverted intervals are dropped. */
void     bk_intervals_sort_merge   (GArray           *intervals);

/* Whether [start, end) overlaps any interval of @merged (the output of
 * bk_intervals_sort_merge()); O(log n). */
gboolean bk_intervals_overlap_any  (const BkInterval *merged,
                                    gsize             n_merged,
                                    gint64            start,
                                    gint64            end);

G_END_DECLS
