/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-sync-two-way.c: step 2a of a sync pass — what the expert changed in the
 * calendar flows back to the backend.
 *
 * The calendars' changes since the stored delta link (Office 365,
 * calendarView/delta, read with the busy times in bk-sync-rounds.c) or sync
 * token (Google, events.list: the destination and every calendar that
 * still holds a booked appointment's event) are read;
 * the provider-specific part ends at a list of Change (event id, removed or
 * new times). The rest is shared: an event that is an appointment's event
 * (by the event id the store knows) and was deleted becomes a cancellation,
 * one that moved a reschedule — outbox entries with Idempotency-Keys, queued
 * in the same transaction that stores the new link or token, so a pass cut
 * anywhere neither loses a change nor sends one twice. A failed read only
 * leaves the link where it was: the next pass reads the same changes. */

#define G_LOG_DOMAIN "bk-sync"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-calendar-strategy.h"
#include "bk-google-calendar-strategy.h"
#include "bk-google-client.h"
#include "bk-graph-client.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-sync-engine-private.h"
#include "bk-time.h"

typedef struct
{
  char     *event_id;
  char     *appointment_id;  /* the event's own note of it, when it says */
  gboolean  removed;
  gint64    start;
  gint64    end;
} Change;

static void
change_free (Change *change)
{
  g_free (change->event_id);
  g_free (change->appointment_id);
  g_free (change);
}

const char *
_bk_sync_pass_provider (BkSyncEngine *self)
{
  BkAvailabilityStrategy *strategy = _bk_sync_engine_get_strategy (self);

  if (BK_IS_OFFICE365_CALENDAR_STRATEGY (strategy))
    return BK_PROVIDER_OFFICE365;
  if (BK_IS_GOOGLE_CALENDAR_STRATEGY (strategy))
    return BK_PROVIDER_GOOGLE;
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* Provider halves: their answers as Change                               */

static Change *
change_new (const char *event_id,
            gboolean    removed)
{
  Change *change = g_new0 (Change, 1);

  change->event_id = g_strdup (event_id);
  change->removed = removed;
  return change;
}

/* The appointments with calendar work left (BkAppointment). */
static GPtrArray *
list_todo_appointments (BkStore *store)
{
  GPtrArray *appointments = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) todo = bk_store_list_sync_state_keys (store, BK_SYNC_CALENDAR_TODO, NULL);

  for (guint i = 0; todo != NULL && todo[i] != NULL; i++)
    {
      BkAppointment *appointment =
        bk_store_get_appointment (store, todo[i] + strlen (BK_SYNC_CALENDAR_TODO), NULL);

      if (appointment != NULL)
        g_ptr_array_add (appointments, appointment);
    }
  return appointments;
}

/* The appointments whose event may be in the calendar without the store
 * knowing its id (a pass killed between Graph's answer and storing it): the
 * ones with calendar work left and no event id, by their transactionId. */
static GHashTable *
lost_events_by_transaction (BkStore *store)
{
  GHashTable *lost = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) todo = list_todo_appointments (store);

  for (guint i = 0; i < todo->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (todo, i);
      const char *id = bk_appointment_get_id (appointment);

      if (bk_appointment_get_calendar_event_id (appointment) == NULL)
        g_hash_table_insert (lost, bk_office365_calendar_strategy_dup_transaction_id (id), g_strdup (id));
    }
  return lost;
}

static GPtrArray *
changes_from_graph (BkStore      *store,
                    BkGraphDelta *delta)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);
  g_autoptr(GHashTable) lost = lost_events_by_transaction (store);

  for (guint i = 0; i < delta->items->len; i++)
    {
      JsonObject *item = g_ptr_array_index (delta->items, i);
      const char *id = json_object_get_string_member_with_default (item, "id", NULL);
      gboolean removed = json_object_has_member (item, "@removed")
                         || json_object_get_boolean_member_with_default (item, "isCancelled", FALSE);
      JsonObject *start = NULL, *end = NULL;
      Change *change;

      if (id == NULL)
        continue;
      if (!removed)
        {
          JsonNode *s = json_object_get_member (item, "start");
          JsonNode *e = json_object_get_member (item, "end");

          start = s && JSON_NODE_HOLDS_OBJECT (s) ? json_node_get_object (s) : NULL;
          end = e && JSON_NODE_HOLDS_OBJECT (e) ? json_node_get_object (e) : NULL;
        }
      change = change_new (id, removed);
      /* Graph returns the transactionId the app wrote: its own event */
      change->appointment_id =
        g_strdup (g_hash_table_lookup (lost, json_object_get_string_member_with_default (item, "transactionId", "")));
      if (!removed && (start == NULL || end == NULL
                       || !bk_graph_parse_date_time_zone (start, &change->start, NULL)
                       || !bk_graph_parse_date_time_zone (end, &change->end, NULL)))
        {
          change_free (change);
          continue;
        }
      g_ptr_array_add (changes, change);
    }
  return changes;
}

/* extendedProperties.private's appointment id (deletions carry none) */
static char *
dup_google_appointment_id (JsonObject *event)
{
  JsonNode *properties = json_object_get_member (event, "extendedProperties");
  JsonNode *private = NULL;

  if (properties != NULL && JSON_NODE_HOLDS_OBJECT (properties))
    private = json_object_get_member (json_node_get_object (properties), "private");
  if (private == NULL || !JSON_NODE_HOLDS_OBJECT (private))
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (json_node_get_object (private),
                                                               BK_GOOGLE_APPOINTMENT_PROPERTY, NULL));
}

static GPtrArray *
changes_from_google (BkGoogleChanges *listed)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) change_free);

  for (guint i = 0; i < listed->events->len; i++)
    {
      JsonObject *event = g_ptr_array_index (listed->events, i);
      const char *id = json_object_get_string_member_with_default (event, "id", NULL);
      gboolean removed = g_strcmp0 (json_object_get_string_member_with_default (event, "status", NULL),
                                    "cancelled") == 0;
      JsonNode *s = json_object_get_member (event, "start");
      JsonNode *e = json_object_get_member (event, "end");
      Change *change;

      if (id == NULL)
        continue;
      change = change_new (id, removed);
      change->appointment_id = dup_google_appointment_id (event);
      if (!removed && (s == NULL || e == NULL || !JSON_NODE_HOLDS_OBJECT (s) || !JSON_NODE_HOLDS_OBJECT (e)
                       || !bk_google_parse_event_time (json_node_get_object (s), "UTC", &change->start, NULL)
                       || !bk_google_parse_event_time (json_node_get_object (e), "UTC", &change->end, NULL)))
        {
          change_free (change);
          continue;
        }
      g_ptr_array_add (changes, change);
    }
  return changes;
}

/* ---------------------------------------------------------------------- */
/* Shared: changes of the app's own events as outbox entries              */

static BkOutboxEntry *
entry_new (const char *kind,
           JsonBuilder *builder,
           char       *key)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  BkOutboxEntry *entry = g_new0 (BkOutboxEntry, 1);

  entry->kind = g_strdup (kind);
  entry->payload = json_to_string (root, FALSE);
  entry->idempotency_key = key;
  return entry;
}

static BkOutboxEntry *
entry_for_change (BkAppointment *appointment,
                  const Change  *change)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *id = bk_appointment_get_id (appointment);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointment_id");
  json_builder_add_string_value (builder, id);
  if (change->removed)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, _("The expert removed the appointment from their calendar."));
      json_builder_end_object (builder);
      return entry_new (BK_OUTBOX_CANCEL_APPOINTMENT, builder, g_strconcat ("calendar-cancel-", id, NULL));
    }
  {
    g_autofree char *start = bk_time_format_iso8601_utc (change->start);
    g_autofree char *end = bk_time_format_iso8601_utc (change->end);

    json_builder_set_member_name (builder, "start");
    json_builder_add_string_value (builder, start);
    json_builder_set_member_name (builder, "end");
    json_builder_add_string_value (builder, end);
    json_builder_end_object (builder);
  }
  return entry_new (BK_OUTBOX_RESCHEDULE_APPOINTMENT, builder,
                    g_strdup_printf ("calendar-move-%s-%" G_GINT64_FORMAT "-%" G_GINT64_FORMAT,
                                     id, change->start, change->end));
}

/* The appointment @change is the event of: by the event id the store
 * knows, or — an event whose id the store lost (a crash between the write
 * and storing its id) — by the appointment it names, if that appointment
 * has no event: then the id is stored now, before the round's link moves
 * on, so the calendar step knows the event (no conflict with itself, a
 * cancellation deletes it). A copy the expert made keeps the note but is
 * not it. */
static BkAppointment *
own_appointment (BkStore       *store,
                 const Change  *change,
                 const char    *calendar,
                 GError       **error)
{
  g_autoptr(BkAppointment) appointment = bk_store_find_appointment_by_event (store, change->event_id, NULL);

  if (appointment != NULL || change->appointment_id == NULL
      || (appointment = bk_store_get_appointment (store, change->appointment_id, NULL)) == NULL)
    return g_steal_pointer (&appointment);
  if (bk_appointment_get_calendar_event_id (appointment) != NULL)
    return NULL;
  if (!change->removed
      && !bk_calendar_store_event_id (store, appointment, change->event_id, calendar, error))
    return NULL;
  return g_steal_pointer (&appointment);
}

/* The entry @change calls for, or NULL: not an appointment's event, not
 * booked, already changed in the app (its queued change wins), or the
 * calendar is still behind the store (its event still to be written: what
 * it shows is the old state, not the expert's move). */
static BkOutboxEntry *
entry_for_own_event (BkStore       *store,
                     const Change  *change,
                     const char    *calendar,
                     GError       **error)
{
  g_autoptr(BkAppointment) appointment = own_appointment (store, change, calendar, error);
  g_autofree char *todo = NULL;
  g_autofree char *work = NULL;

  if (appointment == NULL
      || bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED
      || bk_appointment_get_pending (appointment))
    return NULL;
  todo = g_strconcat (BK_SYNC_CALENDAR_TODO, bk_appointment_get_id (appointment), NULL);
  /* (a booked appointment whose event the backend knows has nothing to
   * write: the feed only echoed the event id reported) */
  if ((work = bk_store_get_sync_state (store, todo, NULL)) != NULL && *work == '\0')
    return NULL;
  if (!change->removed
      && change->start == bk_appointment_get_start (appointment)
      && change->end == bk_appointment_get_end (appointment))
    return NULL;
  return entry_for_change (appointment, change);
}

/* The outbox entries @changes (of @calendar) call for; a round may name an
 * event twice: its last state counts. NULL when the store fails. */
static GPtrArray *
entries_for_changes (BkStore     *store,
                     GPtrArray   *changes,
                     const char  *calendar,
                     GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_outbox_entry_free);
  g_autoptr(GHashTable) last = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < changes->len; i++)
    {
      Change *change = g_ptr_array_index (changes, i);

      g_hash_table_insert (last, change->event_id, change);
    }
  for (guint i = 0; i < changes->len; i++)
    {
      Change *change = g_ptr_array_index (changes, i);
      g_autoptr(GError) local_error = NULL;
      BkOutboxEntry *entry;

      if (g_hash_table_lookup (last, change->event_id) != change)
        continue;
      if ((entry = entry_for_own_event (store, change, calendar, &local_error)) != NULL)
        g_ptr_array_add (entries, entry);
      else if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&entries);
}

GPtrArray *
_bk_sync_pass_graph_entries (BkSyncEngine  *self,
                             BkGraphDelta  *delta,
                             const char    *calendar,
                             GError       **error)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  g_autoptr(GPtrArray) changes = changes_from_graph (store, delta);

  return entries_for_changes (store, changes, calendar, error);
}

static gboolean
queue_changes (BkSyncEngine  *self,
               BkSyncPass    *data,
               GPtrArray     *changes,
               const char    *calendar,
               const char    *key,
               const char    *link,
               GError       **error)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  g_autoptr(GPtrArray) entries = entries_for_changes (store, changes, calendar, error);

  if (entries == NULL || !bk_store_queue_calendar_changes (store, entries, key, link, error))
    return FALSE;
  data->queued_events += entries->len;
  data->report->calendar_changes += entries->len;
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* Google: which calendar an event is in                                  */

/* The events the calendar step still has to move or remove: those of the
 * appointments with calendar work that are no longer booked (a reschedule's
 * work is on the old appointment; the new one took its event along). */
static GHashTable *
events_with_work (BkStore *store)
{
  GHashTable *events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) todo = list_todo_appointments (store);

  for (guint i = 0; i < todo->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (todo, i);

      if (bk_appointment_get_calendar_event_id (appointment) != NULL
          && bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED)
        g_hash_table_add (events, g_strdup (bk_appointment_get_calendar_event_id (appointment)));
    }
  return events;
}

/* Drops from Google's @changes of @calendar what is not the expert's:
 *
 * - An event the app still has to move (the backend rescheduled it) shows
 *   its old time, not a move by the expert: Google reports the app's own
 *   writes in the next pass's read, which may come after such a reschedule.
 * - Google keeps an event's id when the expert moves it to another
 *   calendar by hand; the calendar it left reports it cancelled. So a
 *   removal counts only in the calendar the store says the event is in
 *   (NULL: the destination), and a live event seen in another calendar
 *   was moved there: that is stored now, so the removal the old calendar
 *   reports (later in this pass — the destination is read first — or in
 *   the next) is the move's, not the expert's.
 *
 * FALSE when the store fails. */
static gboolean
keep_expert_changes (BkStore     *store,
                     GPtrArray   *changes,
                     const char  *calendar,
                     const char  *destination,
                     GError     **error)
{
  g_autoptr(GHashTable) moving = NULL;

  if (changes->len == 0)
    return TRUE;
  moving = events_with_work (store);
  for (guint i = changes->len; i-- > 0;)
    {
      Change *change = g_ptr_array_index (changes, i);
      g_autoptr(BkAppointment) appointment = NULL;
      const char *known;

      if (!change->removed && g_hash_table_contains (moving, change->event_id))
        {
          g_ptr_array_remove_index (changes, i);
          continue;
        }
      appointment = bk_store_find_appointment_by_event (store, change->event_id, NULL);
      if (appointment == NULL || bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED)
        continue;
      known = bk_appointment_get_calendar_event_calendar (appointment);
      if (g_strcmp0 (known != NULL ? known : destination, calendar) == 0)
        continue;
      if (change->removed)
        g_ptr_array_remove_index (changes, i);
      else if (!bk_calendar_store_event_id (store, appointment, change->event_id, calendar, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------------- */
/* The step                                                               */

/* How long after its end an appointment's event is still read: the expert
 * may tidy up the past week's events; older ones are history. */
#define EVENT_READ_DAYS 7

/* Google: one events.list round per calendar, one after another — the
 * destination first (an event moved there by hand is seen there before
 * its old calendar reports it gone), then each other calendar that holds
 * the event of a booked, not long past appointment. Each round keeps its
 * own sync token; a calendar that holds no such event any more is not
 * read, its token stays (a later event there resumes from it). */
typedef struct
{
  GTask          *task;
  BkGoogleClient *google;
  char          **calendars;  /* destination first */
  guint           next;
  char           *key;        /* the sync token of the calendar being read */
} ReadData;

static void
read_data_free (ReadData *read)
{
  g_clear_object (&read->google);
  g_strfreev (read->calendars);
  g_free (read->key);
  g_free (read);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ReadData, read_data_free)

static void google_changes_cb (GObject *object, GAsyncResult *result, gpointer user_data);

/* Reads the next calendar's changes, or, all read, goes on to the
 * calendar work. Takes @read_. */
static void
read_next_calendar (ReadData *read_)
{
  g_autoptr(ReadData) read = read_;
  BkSyncEngine *self = g_task_get_source_object (read->task);
  BkStore *store = _bk_sync_engine_get_store (self);
  const char *calendar = read->calendars[read->next];
  GCancellable *cancellable = g_task_get_cancellable (read->task);
  BkGoogleClient *google = read->google;
  g_autofree char *link = NULL;

  if (calendar == NULL)
    return _bk_sync_pass_start_calendar_work (g_steal_pointer (&read->task));
  g_free (read->key);
  read->key = g_strconcat (BK_SYNC_CALENDAR_LINK, BK_PROVIDER_GOOGLE, "/", calendar, NULL);
  link = bk_store_get_sync_state (store, read->key, NULL);
  /* (the read, which holds @google and @calendar, lives until the answer) */
  bk_google_client_list_changes_async (google, calendar, link, cancellable,
                                       google_changes_cb, g_steal_pointer (&read));
}

/* Queues @changes with @link, or (no changes read) records why, then reads
 * the next calendar; ends the pass only when cancelled or the store fails.
 * Takes @read_. */
static void
changes_read (ReadData     *read_,
              GPtrArray    *changes,
              const char   *link,
              GError       *read_error)
{
  g_autoptr(ReadData) read = read_;
  g_autoptr(GError) error = read_error;
  BkSyncEngine *self = g_task_get_source_object (read->task);
  BkSyncPass *data = g_task_get_task_data (read->task);
  const char *calendar = read->calendars[read->next++];

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&read->task), g_steal_pointer (&error));
  if (error != NULL)
    /* its token stays: the next pass reads these changes again */
    g_debug ("Changes of calendar %s not read: %s", calendar, error->message);
  else if (!keep_expert_changes (_bk_sync_engine_get_store (self), changes, calendar,
                                 read->calendars[0], &error)
           || !queue_changes (self, data, changes, calendar, read->key, link, &error))
    return _bk_sync_engine_finish_pass (g_steal_pointer (&read->task), g_steal_pointer (&error));
  read_next_calendar (g_steal_pointer (&read));
}

static void
google_changes_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError *error = NULL;
  g_autoptr(BkGoogleChanges) listed = bk_google_client_list_changes_finish (BK_GOOGLE_CLIENT (object),
                                                                            result, &error);
  g_autoptr(GPtrArray) changes = listed ? changes_from_google (listed) : NULL;

  changes_read (user_data, changes, listed ? listed->next_sync_token : NULL, error);
}

/* @destination, then the other calendars holding the event of a booked
 * appointment that ended less than EVENT_READ_DAYS ago. */
static char **
calendars_to_read (BkSyncEngine *self,
                   const char   *destination)
{
  BkStore *store = _bk_sync_engine_get_store (self);
  gint64 since = _bk_sync_engine_get_now (self) - EVENT_READ_DAYS * 24 * 3600;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) holding = bk_store_list_event_calendars (store, since, &error);
  g_autoptr(GStrvBuilder) calendars = g_strv_builder_new ();

  /* (a store that cannot say still lets the destination be read) */
  if (error != NULL)
    g_debug ("Calendars of the appointments' events unknown: %s", error->message);
  g_strv_builder_add (calendars, destination);
  for (guint i = 0; holding != NULL && holding[i] != NULL; i++)
    if (g_strcmp0 (holding[i], destination) != 0)
      g_strv_builder_add (calendars, holding[i]);
  return g_strv_builder_end (calendars);
}

void
_bk_sync_pass_read_calendar_changes (GTask *task)
{
  BkSyncEngine *self = g_task_get_source_object (task);
  BkStore *store = _bk_sync_engine_get_store (self);
  BkAvailabilityStrategy *strategy = _bk_sync_engine_get_strategy (self);
  const char *provider = _bk_sync_pass_provider (self);
  g_autofree char *destination = NULL;
  BkGoogleClient *google;
  ReadData *read;

  /* Office 365: one delta round per calendar, busy times and changes */
  if (BK_IS_OFFICE365_CALENDAR_STRATEGY (strategy))
    return _bk_sync_pass_read_rounds (task, _bk_sync_pass_start_calendar_work);
  if (provider == NULL || (destination = bk_calendar_dup_destination (store, provider, NULL)) == NULL
      || (google = bk_google_calendar_strategy_get_client (BK_GOOGLE_CALENDAR_STRATEGY (strategy))) == NULL)
    return _bk_sync_pass_start_calendar_work (task);
  read = g_new0 (ReadData, 1);
  read->task = task;
  read->google = g_object_ref (google);
  read->calendars = calendars_to_read (self, destination);
  read_next_calendar (read);
}
