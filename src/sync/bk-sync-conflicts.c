/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-sync-conflicts.c: a pulled booking that collides with the calendar.
 *
 * The slots were published before the calendar changed; a client may then
 * book time the expert has meanwhile filled. Before the calendar step writes
 * a new booking's event, the busy times over the new bookings are read again
 * (live through the strategy, which caches them; the cache when offline —
 * or, with Office 365, the cache the pass's delta rounds just updated),
 * and a booking that overlaps one of them — other than an appointment's own
 * event — is marked conflict with the times it collides with and is not
 * written: nothing is double-booked in the calendar, nothing dropped (its
 * calendar work stays to do, and is done once the collision is gone). */

#define G_LOG_DOMAIN "bk-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-sync-engine-private.h"
#include "bk-time.h"

typedef struct
{
  GTask  *task;
  void  (*next) (GTask *task);
} Refresh;

static void
refreshed_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Refresh *refresh = user_data;
  GTask *task = refresh->task;
  void (*next) (GTask *) = refresh->next;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;

  g_free (refresh);
  slots = bk_availability_strategy_get_available_slots_finish (BK_AVAILABILITY_STRATEGY (object),
                                                               result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  /* otherwise what the cache holds will do */
  next (task);
}

/* The span of the bookings the calendar step will write, or FALSE. */
static gboolean
span_of_new_bookings (BkSyncEngine *self,
                      BkSyncPass   *data,
                      gint64       *out_from,
                      gint64       *out_to)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  gint64 from = G_MAXINT64, to = G_MININT64;

  for (guint i = data->next_todo; data->todo[i] != NULL; i++)
    {
      g_autoptr(BkAppointment) appointment =
        bk_store_get_appointment (store, data->todo[i] + strlen (BK_SYNC_CALENDAR_TODO), NULL);

      if (appointment == NULL
          || bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED
          || bk_appointment_get_calendar_event_id (appointment) != NULL)
        continue;
      from = MIN (from, bk_appointment_get_start (appointment));
      to = MAX (to, bk_appointment_get_end (appointment));
    }
  *out_from = from;
  *out_to = to;
  return from < to;
}

void
_bk_sync_pass_refresh_busy (GTask  *task,
                            void  (*next) (GTask *task))
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  Refresh *refresh;
  gint64 from, to;

  /* Office 365's delta rounds have just brought the cache up to date */
  if (data->rounds_ok || !span_of_new_bookings (self, data, &from, &to))
    return next (task);
  refresh = g_new0 (Refresh, 1);
  refresh->task = task;
  refresh->next = next;
  bk_availability_strategy_get_available_slots_async (_bk_sync_engine_get_strategy (self), from, to,
                                                      g_task_get_cancellable (task),
                                                      refreshed_cb, refresh);
}

/* An appointment's own event is a busy time exactly where a booked
 * appointment with an event is, or (when the cache knows event ids) the
 * event of a booked appointment. */
static gboolean
is_own_event (GPtrArray        *appointments,
              const BkBusyTime *busy)
{
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (appointments, i);
      const char *event_id = bk_appointment_get_calendar_event_id (appointment);

      if (bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED || event_id == NULL)
        continue;
      if (g_strcmp0 (busy->event_id, event_id) == 0
          || (bk_appointment_get_start (appointment) == busy->start
              && bk_appointment_get_end (appointment) == busy->end))
        return TRUE;
    }
  return FALSE;
}

static void
add_busy (JsonBuilder      *builder,
          const BkBusyTime *busy)
{
  g_autofree char *start = bk_time_format_iso8601_utc (busy->start);
  g_autofree char *end = bk_time_format_iso8601_utc (busy->end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "calendar_id");
  json_builder_add_string_value (builder, busy->calendar_id);
  if (busy->calendar_name != NULL)
    {
      json_builder_set_member_name (builder, "calendar_name");
      json_builder_add_string_value (builder, busy->calendar_name);
    }
  json_builder_end_object (builder);
}

gboolean
_bk_sync_pass_check_conflict (BkSyncEngine   *self,
                              BkAppointment  *appointment,
                              gboolean       *out_conflict,
                              GError        **error)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  const char *provider = _bk_sync_pass_provider (self);
  gint64 start = bk_appointment_get_start (appointment);
  gint64 end = bk_appointment_get_end (appointment);
  g_autoptr(GPtrArray) busy = NULL;
  g_autoptr(GPtrArray) appointments = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  guint found = 0;

  *out_conflict = FALSE;
  if (provider == NULL)
    return TRUE;
  if ((busy = bk_store_list_calendar_busy (store, provider, start, end, error)) == NULL
      || (appointments = bk_store_list_appointments (store, start, end, error)) == NULL)
    return FALSE;
  json_builder_begin_array (builder);
  for (guint i = 0; i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);

      if (time->start >= end || time->end <= start || is_own_event (appointments, time))
        continue;
      add_busy (builder, time);
      found++;
    }
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);
  json = found > 0 ? json_to_string (root, FALSE) : NULL;
  /* only a change is written: most bookings never conflict */
  if (found == 0 && !bk_appointment_get_conflict (appointment))
    return TRUE;
  *out_conflict = found > 0;
  if (!bk_store_set_conflict (store, bk_appointment_get_id (appointment), json, error))
    return FALSE;
  /* the calendar step writes this object back with its event id */
  bk_appointment_set_conflict (appointment, *out_conflict);
  return TRUE;
}
