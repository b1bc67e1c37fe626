/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-calendar-cached-slots"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-calendar-cached-slots.h"
#include "bk-calendar-strategy.h"
#include "bk-store.h"

/* Everything that blocks [from, to) in @report, sorted; the oldest read of
 * the cache in report->read_at. */
static gboolean
collect_blocked (BkStore             *store,
                 const char          *provider,
                 const char          *unread_reason,
                 const BkSlotReport  *live_report,
                 gint64               from,
                 gint64               to,
                 BkSlotReport        *report,
                 GError             **error)
{
  g_autoptr(GPtrArray) busy = NULL;
  g_autoptr(GArray) gaps = NULL;

  if ((busy = bk_store_list_calendar_busy (store, provider, from, to, error)) == NULL ||
      (gaps = bk_store_list_uncovered (store, provider, from, to,
                                       &report->read_at, error)) == NULL)
    return FALSE;

  g_ptr_array_extend_and_steal (report->blocked, g_steal_pointer (&busy));
  for (guint i = 0; i < gaps->len; i++)
    {
      const BkInterval *gap = &g_array_index (gaps, BkInterval, i);
      BkBusyTime *time = bk_busy_time_new (gap->start, gap->end, "unknown");

      time->reason = g_strdup (unread_reason);
      g_ptr_array_add (report->blocked, time);
    }
  /* what the last read could not read stays blocked, even where an older
   * reading is cached: never slots from partial data */
  for (guint i = 0; live_report != NULL && i < live_report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (live_report->blocked, i);

      if (time->reason != NULL && time->calendar_id != NULL)
        g_ptr_array_add (report->blocked, bk_busy_time_copy (time));
    }
  g_ptr_array_sort (report->blocked, bk_calendar_compare_busy);
  report->from_cache = live_report != NULL && live_report->from_cache;
  return TRUE;
}

GArray *
bk_calendar_cached_slots (BkStore                    *store,
                          const char                 *provider,
                          const char                 *unread_reason,
                          const BkAvailabilityRules  *rules,
                          const BkSlotReport         *live_report,
                          gint64                      now,
                          gint64                      from,
                          gint64                      to,
                          BkSlotReport              **out_report,
                          GError                    **error)
{
  g_autoptr(BkSlotReport) report = bk_slot_report_new ();
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  gint64 margin;
  GArray *slots;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (provider != NULL, NULL);
  g_return_val_if_fail (unread_reason != NULL, NULL);
  g_return_val_if_fail (rules != NULL, NULL);
  g_return_val_if_fail (out_report != NULL, NULL);

  /* busy time just outside [from, to) still matters, as in the strategy */
  margin = bk_availability_strategy_get_margin (rules);
  if (!collect_blocked (store, provider, unread_reason, live_report, from - margin, to + margin,
                        report, error))
    return NULL;
  for (guint i = 0; i < report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (report->blocked, i);

      g_array_append_vals (intervals, &(BkInterval) { time->start, time->end }, 1);
    }

  slots = bk_availability_strategy_compute_slots (store, intervals, now, from, to, error);
  if (slots != NULL)
    *out_report = g_steal_pointer (&report);
  return slots;
}
