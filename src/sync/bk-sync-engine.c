/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-sync-engine.c: one sync pass with the backend.
 *
 * 1. Replay the outbox in order, each entry with its own Idempotency-Key;
 *    an accepted entry is removed in the same transaction that stores the
 *    backend's answer, a refused one (409/422) becomes a refusal, anything
 *    else (offline, 5xx, 401) stops the pass with the entry kept.
 * 2. Pull the change feed after the stored cursor, a page at a time; each
 *    page and its cursor are stored in one transaction.
 * 2a. The calendars' busy times and what the expert changed in them:
 *    bk-sync-rounds.c (Office 365 delta rounds), bk-sync-two-way.c.
 * 2b, 3. The calendar (and conflicts, bk-sync-conflicts.c) and the slots:
 *    bk-sync-steps.c.
 * A SIGKILL anywhere leaves the store at a step boundary: the next pass
 * replays at most one request, which the backend recognises by its key. */

#define G_LOG_DOMAIN "bk-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-availability-rules.h"
#include "bk-interval.h"
#include "bk-manual-strategy.h"
#include "bk-sync-engine-private.h"
#include "bk-time.h"

#define FEED_PAGE     500

struct _BkSyncEngine
{
  GObject                 parent_instance;

  BkStore                *store;
  BkBackendClient        *client;
  BkAvailabilityStrategy *strategy;
  gulong                  changed_id;

  BkSyncState             state;
  gint64                  last_sync;
  gboolean                offline;
  guint                   pending;
  char                   *last_error;
  gint64                  now;
  gboolean                running;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_LAST_SYNC,
  PROP_OFFLINE,
  PROP_PENDING,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];


G_DEFINE_QUARK (bk-sync-error-quark, bk_sync_error)
G_DEFINE_ENUM_TYPE (BkSyncState, bk_sync_state,
  G_DEFINE_ENUM_VALUE (BK_SYNC_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (BK_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (BK_SYNC_STATE_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (BK_SYNC_STATE_SIGN_IN_NEEDED, "sign-in-needed"))
G_DEFINE_FINAL_TYPE (BkSyncEngine, bk_sync_engine, G_TYPE_OBJECT)

static void pull_page (GTask *task, gint64 after);

void
bk_sync_report_free (BkSyncReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->messages, g_ptr_array_unref);
  g_free (report);
}

static void
pass_data_free (BkSyncPass *data)
{
  bk_sync_report_free (data->report);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_pointer (&data->slots, g_array_unref);
  g_clear_pointer (&data->cuts, g_array_unref);
  g_free (data->hash);
  g_strfreev (data->todo);
  g_clear_object (&data->current);
  g_clear_pointer (&data->rounds, g_ptr_array_unref);
  g_free (data);
}

/* ---------------------------------------------------------------------- */
/* State                                                                  */

gint64
_bk_sync_engine_get_now (BkSyncEngine *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

gboolean
_bk_sync_engine_keeps_calendar (BkSyncEngine *self)
{
  return !BK_IS_MANUAL_STRATEGY (self->strategy);
}

static void
set_state (BkSyncEngine *self,
           BkSyncState   state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_STATE]);
}

static void
set_offline (BkSyncEngine *self,
             gboolean      offline)
{
  if (self->offline == offline)
    return;
  self->offline = offline;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_OFFLINE]);
}

static void
set_last_error (BkSyncEngine *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LAST_ERROR]);
}

static void
update_pending (BkSyncEngine *self)
{
  guint pending = bk_store_outbox_count (self->store, NULL);

  if (self->pending == pending)
    return;
  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_PENDING]);
}

static void
store_changed_cb (BkStore      *store,
                  BkSyncEngine *self)
{
  update_pending (self);
}

/* Reads what earlier passes (maybe in another process) left in the store. */
static void
load_state (BkSyncEngine *self)
{
  g_autofree char *last_sync = bk_store_get_sync_state (self->store, BK_SYNC_KEY_LAST_SYNC, NULL);
  g_autofree char *offline = bk_store_get_sync_state (self->store, BK_SYNC_KEY_OFFLINE, NULL);
  g_autofree char *sign_in = bk_store_get_sync_state (self->store, BK_SYNC_KEY_SIGN_IN, NULL);

  self->last_error = bk_store_get_sync_state (self->store, BK_SYNC_KEY_LAST_ERROR, NULL);
  self->last_sync = last_sync ? g_ascii_strtoll (last_sync, NULL, 10) : 0;
  self->offline = offline != NULL;
  if (sign_in != NULL)
    self->state = BK_SYNC_STATE_SIGN_IN_NEEDED;
  else if (self->last_error != NULL)
    self->state = BK_SYNC_STATE_FAILED;
  self->pending = bk_store_outbox_count (self->store, NULL);
}

/* Records the end of a pass in the store and the properties. */
static void
record_outcome (BkSyncEngine *self,
                const GError *error)
{
  gboolean offline = g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_OFFLINE);
  gboolean sign_in = g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_UNAUTHORIZED)
                  || g_error_matches (error, BK_BACKEND_ERROR, BK_BACKEND_ERROR_NOT_SIGNED_IN);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_object_freeze_notify (G_OBJECT (self));
  if (error == NULL)
    {
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

      bk_store_set_sync_state (self->store, BK_SYNC_KEY_LAST_SYNC, now, NULL);
      self->last_sync = g_ascii_strtoll (now, NULL, 10);
      g_object_notify_by_pspec (G_OBJECT (self), properties [PROP_LAST_SYNC]);
    }
  if (!cancelled)
    {
      bk_store_set_sync_state (self->store, BK_SYNC_KEY_OFFLINE, offline ? "1" : NULL, NULL);
      bk_store_set_sync_state (self->store, BK_SYNC_KEY_SIGN_IN, sign_in ? "1" : NULL, NULL);
      bk_store_set_sync_state (self->store, BK_SYNC_KEY_LAST_ERROR,
                               error ? error->message : NULL, NULL);
      set_offline (self, offline);
      set_last_error (self, error ? error->message : NULL);
    }
  if (error == NULL)
    set_state (self, BK_SYNC_STATE_IDLE);
  else if (sign_in)
    set_state (self, BK_SYNC_STATE_SIGN_IN_NEEDED);
  else
    set_state (self, BK_SYNC_STATE_FAILED);
  update_pending (self);
  g_object_thaw_notify (G_OBJECT (self));
}

void
_bk_sync_engine_finish_pass (GTask  *task,
                             GError *error)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);

  self->running = FALSE;
  data->report->requests = bk_backend_client_get_requests (self->client) - data->requests_at_start;
  data->report->calendar_requests = _bk_sync_engine_calendar_requests (self) - data->calendar_requests_at_start;
  record_outcome (self, error);
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&data->report), (GDestroyNotify) bk_sync_report_free);
  g_object_unref (task);
}

/* ---------------------------------------------------------------------- */
/* The backend's appointments                                             */

static const char *
get_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The backend's appointment JSON as a BkAppointment, or NULL if it is not one. */
static BkAppointment *
appointment_from_json (JsonNode *node)
{
  BkAppointmentStatus status;
  BkAppointment *appointment;
  JsonObject *object;
  gint64 start, end;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  if (get_string (object, "id") == NULL || get_string (object, "start") == NULL
      || get_string (object, "end") == NULL || get_string (object, "status") == NULL
      || !bk_time_parse_iso8601 (get_string (object, "start"), &start, NULL)
      || !bk_time_parse_iso8601 (get_string (object, "end"), &end, NULL)
      || end <= start
      || !bk_appointment_status_from_string (get_string (object, "status"), &status))
    return NULL;
  appointment = bk_appointment_new (get_string (object, "id"), start, end,
                                    get_string (object, "name"), get_string (object, "email"));
  bk_appointment_set_note (appointment, get_string (object, "note"));
  bk_appointment_set_status (appointment, status);
  bk_appointment_set_calendar_event_id (appointment, get_string (object, "calendar_event_id"));
  return appointment;
}

/* ---------------------------------------------------------------------- */
/* 1. Replay the outbox                                                   */

static void
replayed_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  BkOutboxEntry *entry = g_ptr_array_index (data->entries, data->next_entry);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) store_error = NULL;

  answer = bk_backend_client_call_finish (BK_BACKEND_CLIENT (object), result, &error);
  if (answer != NULL)
    {
      g_autoptr(BkAppointment) confirmed = appointment_from_json (answer);

      if (!bk_store_outbox_complete (self->store, entry->seq, confirmed, &store_error))
        return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&store_error));
      data->report->sent++;
    }
  else if (bk_backend_error_is_permanent (error))
    {
      if (!bk_store_outbox_refuse (self->store, entry->seq, error->message, &store_error))
        return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&store_error));
      data->report->refused++;
      g_ptr_array_add (data->report->messages, g_strdup (error->message));
    }
  else
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        bk_store_outbox_record_failure (self->store, entry->seq, error->message, NULL);
      return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
    }

  data->next_entry++;
  _bk_sync_engine_replay_next (g_steal_pointer (&task));
}

/* Starts the request for @entry; FALSE if its payload makes no sense. */
static gboolean
send_entry (BkSyncEngine  *self,
            BkOutboxEntry *entry,
            GTask         *task)
{
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *id = NULL;
  JsonObject *payload;

  if (!json_parser_load_from_data (parser, entry->payload, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  payload = json_node_get_object (json_parser_get_root (parser));
  id = get_string (payload, "appointment_id");

  if (g_str_equal (entry->kind, BK_OUTBOX_CANCEL_APPOINTMENT) && id != NULL)
    bk_backend_client_cancel_appointment_async (self->client, id, get_string (payload, "reason"),
                                                entry->idempotency_key, cancellable,
                                                replayed_cb, g_object_ref (task));
  else if ((g_str_equal (entry->kind, BK_OUTBOX_RESCHEDULE_APPOINTMENT)
            || g_str_equal (entry->kind, BK_OUTBOX_CALENDAR_EVENT)) && id != NULL)
    {
      /* the payload minus appointment_id (json_node_copy() would share the
       * object, and removing the member would free @id) */
      g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) fields = json_object_new ();
      g_autoptr(GList) names = json_object_get_members (payload);

      for (GList *l = names; l != NULL; l = l->next)
        if (!g_str_equal (l->data, "appointment_id"))
          json_object_set_member (fields, l->data, json_object_dup_member (payload, l->data));
      json_node_set_object (body, fields);
      bk_backend_client_patch_appointment_async (self->client, id, body, entry->idempotency_key,
                                                 cancellable, replayed_cb, g_object_ref (task));
    }
  else if (g_str_equal (entry->kind, BK_OUTBOX_INTEGRATION) && get_string (payload, "type") != NULL)
    bk_backend_client_set_integration_async (self->client, get_string (payload, "type"),
                                             json_object_get_member (payload, "details"),
                                             entry->idempotency_key, cancellable,
                                             replayed_cb, g_object_ref (task));
  else
    return FALSE;
  return TRUE;
}

void
_bk_sync_engine_replay_next (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  while (data->next_entry < data->entries->len)
    {
      BkOutboxEntry *entry = g_ptr_array_index (data->entries, data->next_entry);
      g_autofree char *message = NULL;

      if (send_entry (self, entry, task))
        {
          g_object_unref (task);
          return;
        }
      /* written by a newer or broken version: never sendable, so not a loop */
      message = g_strdup_printf (_("Bookable does not know how to send the change “%s”."), entry->kind);
      if (!bk_store_outbox_refuse (self->store, entry->seq, message, &error))
        return _bk_sync_engine_finish_pass (task, g_steal_pointer (&error));
      data->report->refused++;
      g_ptr_array_add (data->report->messages, g_steal_pointer (&message));
      data->next_entry++;
    }

  /* after the calendar step's own entries, the feed is already read */
  if (data->reporting_events)
    _bk_sync_pass_publish_slots (task);
  else
    pull_page (task, -1);
}

/* ---------------------------------------------------------------------- */
/* 2. Pull the change feed                                                */

static gboolean
read_page (JsonNode   *answer,
           GPtrArray  *appointments,
           gint64     *out_next,
           guint      *out_count,
           GError    **error)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  JsonNode *changes = object ? json_object_get_member (object, "changes") : NULL;
  JsonNode *next = object ? json_object_get_member (object, "next") : NULL;
  JsonArray *array;

  if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes) || next == NULL
      || json_node_get_value_type (next) != G_TYPE_INT64)
    {
      g_set_error_literal (error, BK_SYNC_ERROR, BK_SYNC_ERROR_BAD_FEED,
                           _("The server sent a change feed Bookable cannot read; "
                             "it will be read again on the next sync."));
      return FALSE;
    }
  array = json_node_get_array (changes);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *change = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (change) ? json_node_get_object (change) : NULL;
      BkAppointment *appointment;

      /* profile changes matter to the window, not to the store */
      if (o == NULL || g_strcmp0 (get_string (o, "kind"), "appointment") != 0)
        continue;
      appointment = appointment_from_json (json_object_get_member (o, "appointment"));
      if (appointment != NULL)
        g_ptr_array_add (appointments, appointment);
    }
  *out_next = json_node_get_int (next);
  *out_count = json_array_get_length (array);
  return TRUE;
}

static void
page_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkSyncEngine *self = g_task_get_source_object (task);
  BkSyncPass *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  gint64 next = 0;
  guint count = 0;

  answer = bk_backend_client_call_finish (BK_BACKEND_CLIENT (object), result, &error);
  if (answer == NULL || !read_page (answer, appointments, &next, &count, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));

  cursor = g_strdup_printf ("%" G_GINT64_FORMAT, next);
  if (!bk_store_apply_feed_page (self->store, appointments, BK_SYNC_KEY_CURSOR, cursor,
                                 _bk_sync_engine_keeps_calendar (self) ? BK_SYNC_CALENDAR_TODO : NULL,
                                 &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  data->report->changes += count;
  data->report->appointments += appointments->len;

  if (count >= FEED_PAGE)
    pull_page (g_steal_pointer (&task), next);
  else
    _bk_sync_pass_read_calendar_changes (g_steal_pointer (&task));
}

/* @after < 0: from the stored cursor. */
static void
pull_page (GTask  *task,
           gint64  after)
{
  BkSyncEngine *self = g_task_get_source_object (task);

  if (after < 0)
    {
      g_autofree char *cursor = bk_store_get_sync_state (self->store, BK_SYNC_KEY_CURSOR, NULL);

      after = cursor ? MAX (g_ascii_strtoll (cursor, NULL, 10), 0) : 0;
    }
  bk_backend_client_get_changes_async (self->client, after, FEED_PAGE,
                                       g_task_get_cancellable (task), page_cb, task);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_sync_engine_dispose (GObject *object)
{
  BkSyncEngine *self = (BkSyncEngine *)object;

  if (self->store != NULL && self->changed_id != 0)
    g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->strategy);
  g_clear_object (&self->client);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bk_sync_engine_parent_class)->dispose (object);
}

static void
bk_sync_engine_finalize (GObject *object)
{
  BkSyncEngine *self = (BkSyncEngine *)object;

  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (bk_sync_engine_parent_class)->finalize (object);
}

static void
bk_sync_engine_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  BkSyncEngine *self = BK_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_LAST_SYNC:
      g_value_set_int64 (value, self->last_sync);
      break;
    case PROP_OFFLINE:
      g_value_set_boolean (value, self->offline);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, self->pending);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bk_sync_engine_class_init (BkSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = bk_sync_engine_dispose;
  object_class->finalize = bk_sync_engine_finalize;
  object_class->get_property = bk_sync_engine_get_property;

  properties [PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, BK_TYPE_SYNC_STATE, BK_SYNC_STATE_IDLE, flags);
  properties [PROP_LAST_SYNC] =
    g_param_spec_int64 ("last-sync", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties [PROP_OFFLINE] =
    g_param_spec_boolean ("offline", NULL, NULL, FALSE, flags);
  properties [PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties [PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bk_sync_engine_init (BkSyncEngine *self)
{
}

/* ---------------------------------------------------------------------- */
/* Public API                                                             */

BkSyncEngine *
bk_sync_engine_new (BkStore                *store,
                    BkBackendClient        *client,
                    BkAvailabilityStrategy *strategy)
{
  BkSyncEngine *self;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (BK_IS_BACKEND_CLIENT (client), NULL);
  g_return_val_if_fail (strategy == NULL || BK_IS_AVAILABILITY_STRATEGY (strategy), NULL);

  self = g_object_new (BK_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  if (strategy != NULL)
    self->strategy = g_object_ref (strategy);
  else
    self->strategy = BK_AVAILABILITY_STRATEGY (bk_manual_strategy_new (store));
  self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  load_state (self);
  return self;
}

BkBackendClient *
bk_sync_engine_get_client (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), NULL);
  return self->client;
}

BkSyncState
bk_sync_engine_get_state (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), BK_SYNC_STATE_IDLE);
  return self->state;
}

gint64
bk_sync_engine_get_last_sync (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), 0);
  return self->last_sync;
}

gboolean
bk_sync_engine_get_offline (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), FALSE);
  return self->offline;
}

guint
bk_sync_engine_get_pending (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), 0);
  return self->pending;
}

const char *
bk_sync_engine_get_last_error (BkSyncEngine *self)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), NULL);
  return self->last_error;
}

void
bk_sync_engine_set_now (BkSyncEngine *self,
                        gint64        now)
{
  g_return_if_fail (BK_IS_SYNC_ENGINE (self));

  self->now = now;
  if (BK_IS_MANUAL_STRATEGY (self->strategy))
    bk_manual_strategy_set_now (BK_MANUAL_STRATEGY (self->strategy), now);
}

void
bk_sync_engine_sync_async (BkSyncEngine        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  BkSyncPass *data;

  g_return_if_fail (BK_IS_SYNC_ENGINE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_sync_engine_sync_async);
  if (self->running)
    {
      g_task_return_new_error (task, BK_SYNC_ERROR, BK_SYNC_ERROR_BUSY,
                               _("A sync is already running."));
      return;
    }

  data = g_new0 (BkSyncPass, 1);
  data->report = g_new0 (BkSyncReport, 1);
  data->report->messages = g_ptr_array_new_with_free_func (g_free);
  data->requests_at_start = bk_backend_client_get_requests (self->client);
  data->calendar_requests_at_start = _bk_sync_engine_calendar_requests (self);
  g_task_set_task_data (task, data, (GDestroyNotify) pass_data_free);
  self->running = TRUE;
  set_state (self, BK_SYNC_STATE_SYNCING);

  data->entries = bk_store_outbox_list (self->store, 0, &error);
  if (data->entries == NULL)
    return _bk_sync_engine_finish_pass (g_steal_pointer (&task), g_steal_pointer (&error));
  _bk_sync_engine_replay_next (g_steal_pointer (&task));
}

BkSyncReport *
bk_sync_engine_sync_finish (BkSyncEngine  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (BK_IS_SYNC_ENGINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* For the steps in bk-sync-steps.c                                       */

BkStore *
_bk_sync_engine_get_store (BkSyncEngine *self)
{
  return self->store;
}

BkBackendClient *
_bk_sync_engine_get_client (BkSyncEngine *self)
{
  return self->client;
}

BkAvailabilityStrategy *
_bk_sync_engine_get_strategy (BkSyncEngine *self)
{
  return self->strategy;
}
