/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-sync-steps.c: the later steps of a sync pass.
 *
 * 2b. Calendar strategies only: write each pulled booking into the
 *     expert's calendar and report the event id to the backend (an outbox
 *     entry, sent in the same pass); delete the event of an appointment no
 *     longer booked. What is left to do is kept in the store (sync state
 *     BK_SYNC_CALENDAR_TODO + id, written with the feed page), so a pass cut
 *     here resumes; the strategy's writes are idempotent.
 * 3.  Compute the slots of the publishing window (from the busy cache
 *     alone when the pass's Office 365 delta rounds all succeeded, else
 *     through the strategy's live read) and upload them, in parts
 *     the server accepts, only when their hash differs from the last
 *     complete upload's. */

#define G_LOG_DOMAIN "bk-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-calendar-cached-slots.h"
#include "bk-interval.h"
#include "bk-sync-engine-private.h"

#define DAY           86400
/* the backend takes windows of at most 400 days */
#define MAX_WINDOW    (400 * DAY)
/* slots per PUT: about 45 bytes each against the server's 64 KiB limit */
#define MAX_CHUNK     1000
#define MAX_UPLOAD_RETRIES 3

static void uploaded_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* ---------------------------------------------------------------------- */
/* 2b. Mirror pulled appointments into the calendar (calendar strategies)  */

static void calendar_next (GTask *task);

static gboolean
clear_todo (BkSyncEngine  *self,
            BkSyncPass    *data,
            GError       **error)
{
  BkStore *store = _bk_sync_engine_get_store (self);

  return bk_store_set_sync_state (store, data->todo[data->next_todo++], NULL, error);
}

/* Queues the event id for the backend; the key names the event, so a
 * repeat after a crash is the same entry (or the same harmless replay). */
static gboolean
queue_event_report (BkSyncEngine  *self,
                    const char    *appointment_id,
                    const char    *event_id,
                    GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *digest = g_compute_checksum_for_string (G_CHECKSUM_SHA256, event_id, -1);
  g_autofree char *key = g_strdup_printf ("calendar-event-%s-%.16s", appointment_id, digest);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointment_id");
  json_builder_add_string_value (builder, appointment_id);
  json_builder_set_member_name (builder, "calendar_event_id");
  json_builder_add_string_value (builder, event_id);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  payload = json_to_string (root, FALSE);
  return bk_store_outbox_push (_bk_sync_engine_get_store (self), BK_OUTBOX_CALENDAR_EVENT,
                               payload, key, error) > 0;
}

static void
created_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *event_id = NULL;

  event_id = bk_availability_strategy_create_appointment_finish (BK_AVAILABILITY_STRATEGY (object),
                                                                 result, &error);
  if (error != NULL)
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  data->wrote_events = TRUE;
  if (event_id != NULL)
    {
      if (!queue_event_report (self, bk_appointment_get_id (data->current), event_id, &error))
        return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
      data->queued_events++;
    }
  if (!clear_todo (self, data, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  calendar_next (g_steal_pointer (&task));
}

static void
removed_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bk_availability_strategy_cancel_appointment_finish (BK_AVAILABILITY_STRATEGY (object),
                                                           result, &error)
      || !clear_todo (self, data, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  calendar_next (g_steal_pointer (&task));
}

static void
updated_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bk_availability_strategy_update_appointment_finish (BK_AVAILABILITY_STRATEGY (object),
                                                           result, &error)
      || !clear_todo (self, data, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  data->wrote_events = TRUE;
  calendar_next (g_steal_pointer (&task));
}

/* After a reschedule the new appointment keeps the old one's event: the
 * booked appointment that now owns @appointment's event, or NULL. */
static BkAppointment *
successor_of (BkStore       *store,
              BkAppointment *appointment)
{
  const char *event_id = bk_appointment_get_calendar_event_id (appointment);
  g_autoptr(BkAppointment) owner = NULL;

  if (event_id == NULL
      || bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_RESCHEDULED
      || (owner = bk_store_find_appointment_by_event (store, event_id, NULL)) == NULL
      || bk_appointment_get_status (owner) != BK_APPOINTMENT_STATUS_BOOKED
      || g_str_equal (bk_appointment_get_id (owner), bk_appointment_get_id (appointment)))
    return NULL;
  return g_steal_pointer (&owner);
}

/* The next appointment with calendar work, started; FALSE when none is left.
 * The backend never moves an appointment in place (a reschedule is a new
 * appointment), so the work is: create the event of a booking the backend
 * has no event for (unless it collides with the calendar: a conflict, kept
 * to do), move the event along with a reschedule (the new appointment keeps
 * the event id), delete the event of one no longer booked. */
static gboolean
start_next_todo (BkSyncEngine  *self,
                 BkSyncPass    *data,
                 GTask         *task,
                 GError       **error)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  BkAvailabilityStrategy *strategy = _bk_sync_engine_get_strategy (self);
  GCancellable *cancellable = g_task_get_cancellable (task);

  while (data->todo[data->next_todo] != NULL)
    {
      const char *key = data->todo[data->next_todo];
      const char *id = key + strlen (BK_SYNC_CALENDAR_TODO);
      g_autofree char *known = bk_store_get_sync_state (store, key, NULL);
      g_autoptr(BkAppointment) appointment = bk_store_get_appointment (store, id, NULL);
      g_autoptr(BkAppointment) successor = NULL;
      gboolean booked = appointment != NULL
                        && bk_appointment_get_status (appointment) == BK_APPOINTMENT_STATUS_BOOKED;
      gboolean conflict = FALSE;

      g_set_object (&data->current, appointment);
      if (booked && (known == NULL || *known == '\0'))
        {
          /* held back, not dropped: its work stays to do for a later pass */
          if (!_bk_sync_pass_check_conflict (self, appointment, &conflict, error))
            return FALSE;
          if (conflict)
            {
              data->report->conflicts++;
              data->next_todo++;
              continue;
            }
          bk_availability_strategy_create_appointment_async (strategy, appointment, cancellable,
                                                             created_cb, g_object_ref (task));
        }
      else if (appointment != NULL && (successor = successor_of (store, appointment)) != NULL)
        /* moved, not gone: the event follows (a no-op when the expert moved it) */
        bk_availability_strategy_update_appointment_async (strategy, successor, cancellable,
                                                           updated_cb, g_object_ref (task));
      else if (appointment != NULL && !booked
               && bk_appointment_get_calendar_event_id (appointment) != NULL)
        bk_availability_strategy_cancel_appointment_async (strategy, appointment, cancellable,
                                                           removed_cb, g_object_ref (task));
      else if ((appointment != NULL && !booked && bk_appointment_get_conflict (appointment)
                && !bk_store_set_conflict (store, id, NULL, error))
               || !clear_todo (self, data, error))
        return FALSE;
      else
        continue;
      return TRUE;
    }
  return FALSE;
}

static void
calendar_next (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (start_next_todo (self, data, task, &error))
    {
      g_object_unref (task);
      return;
    }
  if (error != NULL)
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  /* the app's new events must be returned by a delta round, or the expert
   * deleting one before the next pass would never be reported */
  if (data->wrote_events && !data->rereading && data->rounds != NULL)
    return _bk_sync_pass_reread_destination (task, calendar_next);
  if (data->queued_events == 0)
    return _bk_sync_pass_publish_slots (task);

  /* report the new event ids now rather than on the next pass */
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  if ((data->entries = bk_store_outbox_list (_bk_sync_engine_get_store (self), 0, &error)) == NULL)
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  data->next_entry = 0;
  data->reporting_events = TRUE;
  _bk_sync_engine_replay_next (task);
}

void
_bk_sync_pass_start_calendar_work (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!_bk_sync_engine_keeps_calendar (self))
    return _bk_sync_pass_publish_slots (task);
  /* also what an earlier, interrupted pass left to do */
  data->todo = bk_store_list_sync_state_keys (_bk_sync_engine_get_store (self),
                                              BK_SYNC_CALENDAR_TODO, &error);
  if (data->todo == NULL)
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  _bk_sync_pass_refresh_busy (task, calendar_next);
}

/* ---------------------------------------------------------------------- */
/* 3. Publish the slots when they changed                                 */

static char *
hash_slots (gint64        from,
            gint64        to,
            const GArray *slots)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (sum, (const guchar *) &from, sizeof from);
  g_checksum_update (sum, (const guchar *) &to, sizeof to);
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);

      g_checksum_update (sum, (const guchar *) &slot->start, sizeof slot->start);
      g_checksum_update (sum, (const guchar *) &slot->end, sizeof slot->end);
    }
  return g_strdup (g_checksum_get_string (sum));
}

/* Where to split the upload: the server takes at most 64 KiB a request, so
 * about MAX_CHUNK slots; a cut lies where no slot straddles it. Returns the
 * boundaries from, …, to (gint64). */
static GArray *
cut_window (gint64        from,
            gint64        to,
            const GArray *slots)
{
  GArray *cuts = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 max_end = from;
  guint in_chunk = 0;

  g_array_append_val (cuts, from);
  for (guint i = 0; i < slots->len; i++)
    {
      const BkInterval *slot = &g_array_index (slots, BkInterval, i);

      if (in_chunk >= MAX_CHUNK && max_end <= slot->start)
        {
          g_array_append_val (cuts, slot->start);
          in_chunk = 0;
        }
      in_chunk++;
      max_end = MAX (max_end, slot->end);
    }
  g_array_append_val (cuts, to);
  return cuts;
}

static void
upload_next_chunk (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  gint64 from = g_array_index (data->cuts, gint64, data->next_chunk);
  gint64 to = g_array_index (data->cuts, gint64, data->next_chunk + 1);
  g_autoptr(GArray) chunk = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  g_autofree char *uuid = g_uuid_string_random ();
  /* a fresh key: the same slots may come back later and must be re-sent */
  g_autofree char *key = g_strconcat ("slots-", uuid, NULL);

  data->chunk_first_slot = data->next_slot;
  while (data->next_slot < data->slots->len
         && g_array_index (data->slots, BkInterval, data->next_slot).start < to)
    {
      g_array_append_val (chunk, g_array_index (data->slots, BkInterval, data->next_slot));
      data->next_slot++;
    }
  bk_backend_client_put_slots_async (_bk_sync_engine_get_client (self), from, to, chunk, key,
                                     g_task_get_cancellable (task), uploaded_cb, task);
}

/* (a cancelled pass ends in BkHttp, which checks before sending) */
static void
retry_upload_cb (gpointer user_data)
{
  upload_next_chunk (user_data);
}

static void
uploaded_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = bk_backend_client_call_finish (BK_BACKEND_CLIENT (object), result, &error);
  if (answer == NULL && g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_CONFLICT)
      && data->upload_retries < MAX_UPLOAD_RETRIES)
    {
      /* another upload of ours (from a process killed a moment ago) is
       * still replacing the same slots on the server: wait, send again */
      data->upload_retries++;
      data->next_slot = data->chunk_first_slot;
      g_timeout_add_once (50 * data->upload_retries, retry_upload_cb, g_steal_pointer (&task));
      return;
    }
  if (answer == NULL)
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  data->next_chunk++;
  if (data->next_chunk + 1 < data->cuts->len)
    return upload_next_chunk (g_steal_pointer (&task));

  /* only a complete upload counts: a pass cut halfway uploads again */
  if (!bk_store_set_sync_state (_bk_sync_engine_get_store (self), BK_SYNC_KEY_SLOTS_HASH, data->hash, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  data->report->published = TRUE;
  _bk_sync_engine_finish_pass (g_steal_pointer (&task), NULL);
}

/* Uploads @slots_ (taken; NULL: @error_, taken) when they changed. */
static void
slots_ready (GTask  *task_,
             GArray *slots_,
             GError *error_)
{
  g_autoptr(GTask) task = task_;
  g_autoptr(GArray) slots = slots_;
  g_autoptr(GError) error = error_;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autofree char *stored = NULL;

  if (slots == NULL)
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  /* a slot starting just before the window's end would stick out of it */
  while (slots->len > 0 && g_array_index (slots, BkInterval, slots->len - 1).end > data->to)
    g_array_set_size (slots, slots->len - 1);
  data->report->slots = slots->len;

  data->hash = hash_slots (data->from, data->to, slots);
  stored = bk_store_get_sync_state (_bk_sync_engine_get_store (self), BK_SYNC_KEY_SLOTS_HASH, NULL);
  if (g_strcmp0 (data->hash, stored) == 0)
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), NULL);

  data->cuts = cut_window (data->from, data->to, slots);
  data->slots = g_steal_pointer (&slots);
  upload_next_chunk (g_steal_pointer (&task));
}

static void
slots_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GError *error = NULL;
  GArray *slots = bk_availability_strategy_get_available_slots_finish (BK_AVAILABILITY_STRATEGY (object),
                                                                       result, NULL, &error);

  slots_ready (user_data, slots, error);
}

/* Office 365 after every selected calendar's round succeeded: the cache is
 * as fresh as a live read, so the slots come from it alone. */
static void
slots_from_cache (GTask               *task,
                  BkAvailabilityRules *rules)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(BkSlotReport) report = NULL;
  GError *error = NULL;
  GArray *slots;

  slots = bk_calendar_cached_slots (_bk_sync_engine_get_store (self), BK_PROVIDER_OFFICE365,
                                    _("The Office 365 calendars could not be read for this time, and no earlier reading is stored."),
                                    rules, NULL, _bk_sync_engine_get_now (self), data->from, data->to,
                                    &report, &error);
  slots_ready (task, slots, error);
}

void
_bk_sync_pass_publish_slots (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = _bk_sync_engine_get_now (self);

  if ((rules = bk_store_load_rules (_bk_sync_engine_get_store (self), &error)) == NULL)
    return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
  /* from the start of the UTC day, so the window (and its hash) moves once
   * a day, not on every pass */
  data->from = now - now % DAY;
  data->to = data->from + MIN ((gint64) (rules->horizon_days + 1) * DAY,
                               MAX_WINDOW);
  if (data->rounds_ok)
    return slots_from_cache (task, rules);
  bk_availability_strategy_get_available_slots_async (_bk_sync_engine_get_strategy (self),
                                                      data->from, data->to,
                                                      g_task_get_cancellable (task),
                                                      slots_cb, task);
}

