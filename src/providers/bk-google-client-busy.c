/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-google-client-busy.c: busy times from Google Calendar.
 *
 * - freeBusy.query answers for at most 50 calendars and 90 days: the
 *   selection is cut into groups of 50 and the window into 90-day chunks,
 *   all sent at once (BkHttp keeps the account's concurrency limit).
 * - Fail closed per calendar: a per-calendar "errors" entry, or a chunk
 *   whose request failed, ends what counts as read for that calendar at the
 *   chunk's start; busy times from later chunks are dropped, so the caller
 *   blocks [complete_until, to) instead of guessing.
 * - With @detail, events.list with singleEvents=true and orderBy=startTime
 *   per calendar, so out-of-office and tentative events can be told apart;
 *   transparent, cancelled, declined and working-location entries never
 *   block. A failed page ends what counts as read at the last start seen. */

#define G_LOG_DOMAIN "bk-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-client-private.h"
#include "bk-time.h"

typedef struct
{
  gint64      from;
  gint64      to;
  GPtrArray  *reads;     /* BkGoogleBusyRead, in the order asked */
  GHashTable *by_id;     /* calendar id → BkGoogleBusyRead (borrowed) */
  guint       pending;
  GError     *cancelled;
} BusyState;

static void
busy_state_free (gpointer data)
{
  BusyState *state = data;

  g_clear_pointer (&state->by_id, g_hash_table_unref);
  g_clear_pointer (&state->reads, g_ptr_array_unref);
  g_clear_error (&state->cancelled);
  g_free (state);
}

/* [start, to) of @read could not be read: keep the earliest failure. */
static void
fail_from (BkGoogleBusyRead *read,
           gint64            start,
           const GError     *error)
{
  if (read->error != NULL && start >= read->complete_until)
    return;
  read->complete_until = start;
  g_clear_error (&read->error);
  read->error = g_error_copy (error);
}

static void
busy_step_done (GTask *task)
{
  BusyState *state = g_task_get_task_data (task);

  if (--state->pending > 0)
    {
      g_object_unref (task);
      return;
    }
  if (state->cancelled != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&state->cancelled));
      g_object_unref (task);
      return;
    }
  /* times starting after a failure may have company that was not read */
  for (guint i = 0; i < state->reads->len; i++)
    {
      BkGoogleBusyRead *read = g_ptr_array_index (state->reads, i);

      for (guint j = read->busy->len; j > 0; j--)
        {
          BkBusyTime *time = g_ptr_array_index (read->busy, j - 1);

          if (time->start >= read->complete_until)
            g_ptr_array_remove_index (read->busy, j - 1);
        }
    }
  g_task_return_pointer (task, g_ptr_array_ref (state->reads), (GDestroyNotify) g_ptr_array_unref);
  g_object_unref (task);
}

static void
note_request_error (BusyState    *state,
                    GError       *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && state->cancelled == NULL)
    state->cancelled = g_error_copy (error);
}

/* ---------------------------------------------------------------------- */
/* freeBusy                                                               */

typedef struct
{
  GTask  *task;
  GStrv   ids;
  gint64  start;
  gint64  end;
} Chunk;

static void
chunk_free (Chunk *chunk)
{
  g_strfreev (chunk->ids);
  g_free (chunk);
}

static GError *
calendar_error (JsonObject *entry)
{
  JsonArray *errors = json_object_get_array_member (entry, "errors");
  const char *reason = NULL;

  if (json_array_get_length (errors) > 0 && JSON_NODE_HOLDS_OBJECT (json_array_get_element (errors, 0)))
    reason = json_object_get_string_member_with_default (json_array_get_object_element (errors, 0),
                                                         "reason", NULL);
  if (g_strcmp0 (reason, "notFound") == 0)
    return g_error_new_literal (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_NOT_FOUND,
                               _("Google Calendar does not know this calendar (any more)."));
  return g_error_new (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_FAILED,
                      _("Google Calendar could not give this calendar’s free/busy times (%s)."),
                      reason ? reason : "unknown");
}

/* One calendar's entry of a freeBusy answer. */
static void
read_calendar_entry (BkGoogleBusyRead *read,
                     Chunk            *chunk,
                     JsonObject       *entry)
{
  g_autoptr(GError) error = NULL;
  JsonArray *busy = NULL;

  if (entry == NULL)
    error = g_error_new_literal (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                                 _("Google Calendar left this calendar out of its free/busy answer."));
  else if (json_object_has_member (entry, "errors") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (entry, "errors")) &&
           json_array_get_length (json_object_get_array_member (entry, "errors")) > 0)
    error = calendar_error (entry);
  else if (json_object_has_member (entry, "busy") &&
           JSON_NODE_HOLDS_ARRAY (json_object_get_member (entry, "busy")))
    busy = json_object_get_array_member (entry, "busy");

  for (guint i = 0; error == NULL && busy != NULL && i < json_array_get_length (busy); i++)
    {
      JsonObject *period = json_array_get_object_element (busy, i);
      gint64 start, end;

      if (period == NULL ||
          !bk_time_parse_iso8601 (json_object_get_string_member_with_default (period, "start", ""), &start, NULL) ||
          !bk_time_parse_iso8601 (json_object_get_string_member_with_default (period, "end", ""), &end, NULL))
        error = g_error_new_literal (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                                     _("Google Calendar sent a busy time Bookable cannot read."));
      else if (end > start)
        g_ptr_array_add (read->busy, bk_busy_time_new (start, end, "busy"));
    }
  if (error != NULL)
    fail_from (read, chunk->start, error);
}

static void
free_busy_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Chunk *chunk = user_data;
  GTask *task = chunk->task;
  BusyState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = _bk_google_client_call_finish (result, &error);
  JsonObject *calendars = NULL;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      json_object_has_member (json_node_get_object (node), "calendars") &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (json_node_get_object (node), "calendars")))
    calendars = json_object_get_object_member (json_node_get_object (node), "calendars");
  else if (error == NULL)
    error = g_error_new_literal (BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                                 _("Google Calendar sent a free/busy answer without calendars."));

  if (error != NULL)
    note_request_error (state, error);
  for (guint i = 0; chunk->ids[i] != NULL; i++)
    {
      BkGoogleBusyRead *read = g_hash_table_lookup (state->by_id, chunk->ids[i]);

      if (error != NULL)
        fail_from (read, chunk->start, error);
      else
        read_calendar_entry (read, chunk,
                             json_object_has_member (calendars, chunk->ids[i]) &&
                             JSON_NODE_HOLDS_OBJECT (json_object_get_member (calendars, chunk->ids[i]))
                               ? json_object_get_object_member (calendars, chunk->ids[i]) : NULL);
    }
  chunk_free (chunk);
  busy_step_done (task);
}

static void
send_free_busy (BkGoogleClient *self,
                GTask          *task,
                GStrv           ids,
                gint64          start,
                gint64          end)
{
  BusyState *state = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(BkHttpRequest) request = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *time_min = bk_google_format_instant (start);
  g_autofree char *time_max = bk_google_format_instant (end);
  g_autofree char *uri = g_strconcat (_bk_google_client_get_api_url (self), "/freeBusy", NULL);
  Chunk *chunk = g_new0 (Chunk, 1);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "timeMin");
  json_builder_add_string_value (builder, time_min);
  json_builder_set_member_name (builder, "timeMax");
  json_builder_add_string_value (builder, time_max);
  json_builder_set_member_name (builder, "timeZone");
  json_builder_add_string_value (builder, "UTC");
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, ids[i]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  request = bk_http_request_new ("POST", uri);
  bk_http_request_set_json (request, body);
  bk_http_request_set_idempotent (request, TRUE);  /* a query: safe to repeat */
  chunk->task = g_object_ref (task);
  chunk->ids = ids;
  chunk->start = start;
  chunk->end = end;
  state->pending++;
  _bk_google_client_call_async (self, request, 0, g_task_get_cancellable (task), free_busy_cb, chunk);
}

static void
read_free_busy (BkGoogleClient     *self,
                GTask              *task,
                const char * const *ids)
{
  BusyState *state = g_task_get_task_data (task);
  guint n = g_strv_length ((char **) ids);

  for (guint first = 0; first < n; first += BK_GOOGLE_FREEBUSY_MAX_CALENDARS)
    {
      guint count = MIN (BK_GOOGLE_FREEBUSY_MAX_CALENDARS, n - first);

      for (gint64 start = state->from; start < state->to; start += BK_GOOGLE_FREEBUSY_MAX_SECONDS)
        {
          GStrv group = g_new0 (char *, count + 1);

          for (guint i = 0; i < count; i++)
            group[i] = g_strdup (ids[first + i]);
          send_free_busy (self, task, group, start,
                          MIN (state->to, start + BK_GOOGLE_FREEBUSY_MAX_SECONDS));
        }
    }
}

/* ---------------------------------------------------------------------- */
/* events.list                                                            */

typedef struct
{
  GTask            *task;
  BkGoogleBusyRead *read;        /* owned by BusyState.reads */
  gint64            last_start;  /* events are in start order */
} EventsRead;

static gboolean
attendee_self_status (JsonObject *event,
                      const char *status)
{
  JsonArray *attendees;

  if (!json_object_has_member (event, "attendees") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (event, "attendees")))
    return FALSE;
  attendees = json_object_get_array_member (event, "attendees");
  for (guint i = 0; i < json_array_get_length (attendees); i++)
    {
      JsonObject *attendee = json_array_get_object_element (attendees, i);

      if (attendee != NULL && json_object_get_boolean_member_with_default (attendee, "self", FALSE))
        return g_strcmp0 (json_object_get_string_member_with_default (attendee, "responseStatus", NULL),
                          status) == 0;
    }
  return FALSE;
}

/* busy, tentative, oof, or NULL when the event does not block. */
static const char *
classify_event (JsonObject *event)
{
  const char *status = json_object_get_string_member_with_default (event, "status", "confirmed");
  const char *type = json_object_get_string_member_with_default (event, "eventType", "default");

  if (g_str_equal (status, "cancelled") ||
      g_strcmp0 (json_object_get_string_member_with_default (event, "transparency", NULL), "transparent") == 0 ||
      g_str_equal (type, "workingLocation") ||
      attendee_self_status (event, "declined"))
    return NULL;
  if (g_str_equal (type, "outOfOffice"))
    return "oof";
  if (g_str_equal (status, "tentative") || attendee_self_status (event, "tentative"))
    return "tentative";
  return "busy";
}

static gboolean
collect_event (JsonObject  *page,
               JsonObject  *event,
               gpointer     user_data,
               GError     **error)
{
  EventsRead *er = user_data;
  const char *zone = json_object_get_string_member_with_default (page, "timeZone", "UTC");
  const char *show_as = classify_event (event);
  JsonObject *start_time, *end_time;
  gint64 start, end;

  if (show_as == NULL)
    return TRUE;
  start_time = json_object_has_member (event, "start") ? json_object_get_object_member (event, "start") : NULL;
  end_time = json_object_has_member (event, "end") ? json_object_get_object_member (event, "end") : NULL;
  if (!bk_google_parse_event_time (start_time, zone, &start, error) ||
      !bk_google_parse_event_time (end_time, zone, &end, error))
    return FALSE;
  er->last_start = MAX (er->last_start, start);
  if (end > start)
    g_ptr_array_add (er->read->busy, bk_busy_time_new (start, end, show_as));
  return TRUE;
}

static void
events_listed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  EventsRead *er = user_data;
  GTask *task = er->task;
  BusyState *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      note_request_error (state, error);
      fail_from (er->read, er->last_start, error);
    }
  g_free (er);
  busy_step_done (task);
}

static void
read_events (BkGoogleClient *self,
             GTask          *task)
{
  BusyState *state = g_task_get_task_data (task);
  g_autofree char *time_min = bk_google_format_instant (state->from);
  g_autofree char *time_max = bk_google_format_instant (state->to);
  g_autofree char *min_escaped = _bk_google_client_escape (time_min);
  g_autofree char *max_escaped = _bk_google_client_escape (time_max);

  for (guint i = 0; i < state->reads->len; i++)
    {
      BkGoogleBusyRead *read = g_ptr_array_index (state->reads, i);
      g_autofree char *calendar = _bk_google_client_escape (read->calendar_id);
      EventsRead *er = g_new0 (EventsRead, 1);

      er->task = g_object_ref (task);
      er->read = read;
      er->last_start = state->from;
      state->pending++;
      _bk_google_client_list_all_async (self,
                                        g_strdup_printf ("%s/calendars/%s/events?singleEvents=true&orderBy=startTime"
                                                         "&timeMin=%s&timeMax=%s&maxResults=2500",
                                                         _bk_google_client_get_api_url (self), calendar,
                                                         min_escaped, max_escaped),
                                        collect_event, er, NULL, g_task_get_cancellable (task),
                                        events_listed_cb, er);
    }
}

/* ---------------------------------------------------------------------- */
/* Public                                                                 */

void
bk_google_client_read_busy_async (BkGoogleClient      *self,
                                  const char * const  *calendar_ids,
                                  gint64               from,
                                  gint64               to,
                                  gboolean             detail,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  BusyState *state;

  g_return_if_fail (BK_IS_GOOGLE_CLIENT (self));
  g_return_if_fail (calendar_ids != NULL);
  g_return_if_fail (from < to);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_google_client_read_busy_async);
  state = g_new0 (BusyState, 1);
  state->from = from;
  state->to = to;
  state->reads = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_google_busy_read_free);
  state->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  state->pending = 1;  /* held until every request is sent */
  g_task_set_task_data (task, state, busy_state_free);

  for (guint i = 0; calendar_ids[i] != NULL; i++)
    {
      BkGoogleBusyRead *read;

      if (g_hash_table_contains (state->by_id, calendar_ids[i]))
        continue;
      read = g_new0 (BkGoogleBusyRead, 1);
      read->calendar_id = g_strdup (calendar_ids[i]);
      read->busy = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
      read->complete_until = to;
      g_ptr_array_add (state->reads, read);
      g_hash_table_insert (state->by_id, read->calendar_id, read);
    }

  if (detail)
    read_events (self, task);
  else
    {
      g_autoptr(GPtrArray) ids = g_ptr_array_new ();

      for (guint i = 0; i < state->reads->len; i++)
        g_ptr_array_add (ids, ((BkGoogleBusyRead *) g_ptr_array_index (state->reads, i))->calendar_id);
      g_ptr_array_add (ids, NULL);
      read_free_busy (self, task, (const char * const *) ids->pdata);
    }
  busy_step_done (task);
}

GPtrArray *
bk_google_client_read_busy_finish (BkGoogleClient  *self,
                                   GAsyncResult    *result,
                                   GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
