/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-sync-rounds.c: step 2a of a sync pass with Office 365 — one
 * calendarView/delta round for every selected calendar and the destination.
 *
 * Each round updates the calendar's busy cache (bk_store_apply_busy_round:
 * a full round replaces the window, a later one changes the events it
 * names) and, for the destination, turns changes of the app's own events
 * into outbox entries (bk-sync-two-way.c) — all in the transaction that
 * stores the new link, so a pass cut anywhere reads the same round again
 * and applies it the same way. A no-change pass thus costs one Graph
 * request per calendar, and when every selected calendar's round
 * succeeded the conflict check and the slots use the cache alone.
 *
 * The window of a link is fixed by the full round that started it (Graph's
 * rule). It reaches DELTA_BEHIND back (appointments moved into the past)
 * and at least DELTA_MIN_AHEAD ahead (an appointment the expert moves far
 * ahead must still be seen as moved, not removed), and DELTA_SLACK past
 * what the slots need (the horizon + a day + the rules' margin), so the
 * link serves for weeks before the days moving on make it fall short: then
 * it is dropped for a new full round, as when the horizon grows or Graph
 * refuses the link. A round that fails keeps the old link, and the pass
 * falls back to the strategy's live read for the slots (fail closed). */

#define G_LOG_DOMAIN "bk-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-calendar-strategy.h"
#include "bk-google-calendar-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sync-engine-private.h"

#define DAY             86400
#define DELTA_BEHIND    (7 * DAY)
#define DELTA_MIN_AHEAD (400 * DAY)
#define DELTA_SLACK     (60 * DAY)

#define PROVIDER BK_PROVIDER_OFFICE365

static void read_next_round (GTask *task);

guint64
_bk_sync_engine_calendar_requests (BkSyncEngine *self)
{
  BkAvailabilityStrategy *strategy = _bk_sync_engine_get_strategy (self);
  BkGraphClient *graph;
  BkGoogleClient *google;

  if (BK_IS_OFFICE365_CALENDAR_STRATEGY (strategy)
      && (graph = bk_office365_calendar_strategy_get_graph_client (BK_OFFICE365_CALENDAR_STRATEGY (strategy))) != NULL)
    return bk_graph_client_get_request_count (graph);
  if (BK_IS_GOOGLE_CALENDAR_STRATEGY (strategy)
      && (google = bk_google_calendar_strategy_get_client (BK_GOOGLE_CALENDAR_STRATEGY (strategy))) != NULL)
    return bk_google_client_get_request_count (google);
  return 0;
}

/* What the slots and two-way need covered now: [*out_from, *out_to). */
static gboolean
needed_window (BkSyncEngine  *self,
               gint64        *out_from,
               gint64        *out_to,
               GError       **error)
{
  g_autoptr(BkAvailabilityRules) rules = bk_store_load_rules (_bk_sync_engine_get_store (self), error);
  gint64 now = _bk_sync_engine_get_now (self);

  if (rules == NULL)
    return FALSE;
  *out_from = now - DELTA_BEHIND;
  *out_to = now - now % DAY + (gint64) (rules->horizon_days + 1) * DAY
            + bk_availability_strategy_get_margin (rules);
  return TRUE;
}

typedef struct
{
  GTask      *task;
  BkCalendar *calendar;   /* owned by the pass's rounds */
  gint64      from;
  gint64      to;
  gboolean    legacy;     /* a link from schema version 2: no window known */
} Round;

/* The round's items as the ids it names and the busy times it leaves (the
 * last state of an event named twice counts). */
static void
split_items (BkGraphDelta  *delta,
             GStrv         *out_ids,
             GPtrArray    **out_busy)
{
  g_autoptr(GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();
  GPtrArray *busy = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);

  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (delta->items, i);
      const char *id = json_object_get_string_member_with_default (item, "id", NULL);

      if (id != NULL)
        g_hash_table_insert (last, (gpointer) id, item);
    }
  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (delta->items, i);
      const char *id = json_object_get_string_member_with_default (item, "id", NULL);
      BkBusyTime *time;

      if (id == NULL || g_hash_table_lookup (last, id) != item)
        continue;
      g_strv_builder_add (ids, id);
      if ((time = bk_graph_event_to_busy (item)) != NULL)
        g_ptr_array_add (busy, time);
    }
  *out_ids = g_strv_builder_end (ids);
  *out_busy = busy;
}

/* Stores the round; FALSE with @error only when the store fails. */
static gboolean
apply_round (BkSyncEngine  *self,
             BkSyncPass    *data,
             Round         *round,
             BkGraphDelta  *delta,
             GError       **error)
{
  g_auto(GStrv) ids = NULL;
  g_autoptr(GPtrArray) busy = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  /* a v2 link's round only brings its changes: its link goes, and a full
   * round follows for the cache */
  const char *link = round->legacy && !delta->full_round ? NULL : delta->delta_link;

  split_items (delta, &ids, &busy);
  if (round->calendar->destination
      && (entries = _bk_sync_pass_graph_entries (self, delta, round->calendar->remote_id, error)) == NULL)
    return FALSE;
  if (!bk_store_apply_busy_round (_bk_sync_engine_get_store (self), PROVIDER, round->calendar->remote_id,
                                  delta->full_round, round->from, round->to,
                                  (const char * const *) ids, busy, entries, link,
                                  _bk_sync_engine_get_now (self), error))
    return FALSE;
  if (entries != NULL)
    {
      data->queued_events += entries->len;
      data->report->calendar_changes += entries->len;
    }
  return TRUE;
}

static void
round_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  Round *round = user_data;
  g_autoptr(GTask) task = round->task;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkGraphDelta) delta = bk_graph_client_read_delta_finish (BK_GRAPH_CLIENT (object), result, &error);
  gboolean again = FALSE;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_free (round);
      return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
    }
  if (delta == NULL)
    {
      /* the link stays: the next pass reads these changes again */
      g_debug ("Calendar %s not read: %s", round->calendar->remote_id, error->message);
      if (g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_RECONNECT_NEEDED))
        bk_calendar_note_reconnect_needed (_bk_sync_engine_get_store (self), PROVIDER, error);
      if (round->calendar->selected && !data->rereading)
        data->rounds_ok = FALSE;
    }
  else if (!apply_round (self, data, round, delta, &error))
    {
      g_free (round);
      return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
    }
  else
    again = round->legacy && !delta->full_round;
  g_free (round);
  if (!again)
    data->next_round++;
  read_next_round (g_steal_pointer (&task));
}

/* Starts @calendar's round; FALSE with @error when the store fails. */
static gboolean
start_round (GTask       *task,
             BkCalendar  *calendar,
             GError     **error)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkOffice365CalendarStrategy *strategy = BK_OFFICE365_CALENDAR_STRATEGY (_bk_sync_engine_get_strategy (self));
  BkGraphClient *graph = bk_office365_calendar_strategy_get_graph_client (strategy);
  g_autoptr(BkCalendarDelta) delta = NULL;
  gint64 need_from, need_to, now = _bk_sync_engine_get_now (self);
  const char *link;
  Round *round;

  if ((delta = bk_store_get_calendar_delta (_bk_sync_engine_get_store (self), PROVIDER,
                                            calendar->remote_id, error)) == NULL
      || !needed_window (self, &need_from, &need_to, error))
    return FALSE;
  round = g_new0 (Round, 1);
  round->task = task;
  round->calendar = calendar;
  round->legacy = delta->link != NULL && delta->to == 0;
  link = delta->link;
  /* a window that no longer covers what is needed: start again */
  if (link != NULL && !round->legacy && (delta->from > need_from || delta->to < need_to))
    link = NULL;
  if (link != NULL && !round->legacy)
    {
      round->from = delta->from;
      round->to = delta->to;
    }
  else
    {
      round->from = now - now % DAY - DELTA_BEHIND;
      round->to = round->from + DELTA_BEHIND + MAX (DELTA_MIN_AHEAD, need_to - now + now % DAY + DELTA_SLACK);
      round->to += (DAY - round->to % DAY) % DAY;
    }
  bk_graph_client_read_delta_async (graph, calendar->remote_id, link, round->from, round->to,
                                    g_task_get_cancellable (task), round_cb, round);
  return TRUE;
}

static void
rounds_done (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  void (*next) (GTask *) = data->after_rounds;
  g_autoptr(GError) error = NULL;

  data->after_rounds = NULL;
  /* what the Office 365 tab shows as the last complete read */
  if (!data->rereading && data->rounds_ok
      && !bk_store_set_last_sync (_bk_sync_engine_get_store (self), PROVIDER,
                                  _bk_sync_engine_get_now (self), &error))
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  next (task);
}

static void
read_next_round (GTask *task)
{
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (data->next_round >= data->rounds->len)
    return rounds_done (task);
  if (!start_round (task, g_ptr_array_index (data->rounds, data->next_round), &error))
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
}

/* Starts the rounds of the selected calendars and the destination (or the
 * destination alone), then @next. */
static void
start_rounds (GTask     *task,
              gboolean   destination_only,
              void     (*next) (GTask *task))
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  BkAvailabilityStrategy *strategy = _bk_sync_engine_get_strategy (self);
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GError) error = NULL;

  if (bk_office365_calendar_strategy_get_graph_client (BK_OFFICE365_CALENDAR_STRATEGY (strategy)) == NULL)
    {
      /* not connected: the strategy's read says why */
      if (!data->rereading)
        data->rounds_ok = FALSE;
      return next (task);
    }
  if ((calendars = bk_store_list_calendars (_bk_sync_engine_get_store (self), PROVIDER, &error)) == NULL)
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  g_clear_pointer (&data->rounds, g_ptr_array_unref);
  data->rounds = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  for (guint i = 0; i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (calendar->destination || (!destination_only && calendar->selected))
        g_ptr_array_add (data->rounds, bk_calendar_copy (calendar));
    }
  data->next_round = 0;
  data->after_rounds = next;
  read_next_round (task);
}

void
_bk_sync_pass_read_rounds (GTask  *task,
                           void  (*next) (GTask *task))
{
  BkSyncPass *data = g_task_get_task_data (task);

  data->rounds_ok = TRUE;
  start_rounds (task, FALSE, next);
}

void
_bk_sync_pass_reread_destination (GTask  *task,
                                  void  (*next) (GTask *task))
{
  BkSyncPass *data = g_task_get_task_data (task);

  data->rereading = TRUE;
  start_rounds (task, TRUE, next);
}
