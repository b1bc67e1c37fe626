/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-office365-calendar-strategy-events.c: the appointment half of
 * BkOffice365CalendarStrategy — events written to the destination calendar.
 *
 * The event carries a transactionId derived from the appointment id (Graph
 * answers a repeated POST with the first event instead of a second one) and
 * the appointment id in an extended property, so the app can find its own
 * events again; the event id and the calendar it went to are stored in
 * SQLite before success is reported. PATCH and DELETE are idempotent, and a
 * DELETE of an event that is already gone counts as done; both address the
 * event mailbox-wide (/me/events/{id}), so they reach it in whichever
 * calendar it is — the stored calendar is for showing, not for the URL. */

#define G_LOG_DOMAIN "bk-office365"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-office365-calendar-strategy-private.h"

#define PROVIDER BK_PROVIDER_OFFICE365

/* ---------------------------------------------------------------------- */
/* Appointments                                                           */

static JsonNode *
build_date_time (gint64 unix_seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_seconds);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dateTime");
  json_builder_add_string_value (builder, text);
  json_builder_set_member_name (builder, "timeZone");
  json_builder_add_string_value (builder, "UTC");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The members both POST and PATCH send: subject, times, body. */
static void
add_event_members (JsonBuilder   *builder,
                   BkAppointment *appointment)
{
  const char *note = bk_appointment_get_note (appointment);
  g_autofree char *subject = bk_calendar_dup_appointment_title (appointment);

  json_builder_set_member_name (builder, "subject");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "start");
  json_builder_add_value (builder, build_date_time (bk_appointment_get_start (appointment)));
  json_builder_set_member_name (builder, "end");
  json_builder_add_value (builder, build_date_time (bk_appointment_get_end (appointment)));
  json_builder_set_member_name (builder, "body");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contentType");
  json_builder_add_string_value (builder, "text");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, note ? note : "");
  json_builder_end_object (builder);
}

static JsonNode *
build_new_event (BkAppointment *appointment)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *id = bk_appointment_get_id (appointment);
  g_autofree char *transaction_id = bk_office365_calendar_strategy_dup_transaction_id (id);

  json_builder_begin_object (builder);
  add_event_members (builder, appointment);
  json_builder_set_member_name (builder, "showAs");
  json_builder_add_string_value (builder, "busy");
  json_builder_set_member_name (builder, "transactionId");
  json_builder_add_string_value (builder, transaction_id);
  json_builder_set_member_name (builder, "singleValueExtendedProperties");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, BK_GRAPH_APPOINTMENT_PROPERTY_ID);
  json_builder_set_member_name (builder, "value");
  json_builder_add_string_value (builder, id);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static char *
dup_destination (BkOffice365CalendarStrategy  *self,
                 GError                      **error)
{
  g_autoptr(GError) local_error = NULL;
  char *destination = bk_calendar_dup_destination (bk_calendar_strategy_get_store (BK_CALENDAR_STRATEGY (self)),
                                                   PROVIDER, &local_error);

  if (destination != NULL)
    return destination;
  if (local_error != NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_ACCESS_DENIED,
                         _("No Office 365 calendar is chosen for new appointments. Choose a destination calendar you can edit."));
  return NULL;
}

/* A create's state once Graph answered: the appointment, and the calendar
 * its event went to. */
typedef struct
{
  BkAppointment *appointment;
  char          *calendar;
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_object (&data->appointment);
  g_free (data->calendar);
  g_free (data);
}

static void
event_created_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) event = NULL;
  const char *event_id;

  event = bk_graph_client_create_event_finish (BK_GRAPH_CLIENT (object), result, &error);
  if (event == NULL)
    {
      _bk_office365_calendar_strategy_note_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* stored before success is reported: a crash now leaves the id known,
   * and a retry returns the same event anyway (transactionId) */
  event_id = json_object_get_string_member (event, "id");
  if (!bk_calendar_store_event_id (bk_calendar_strategy_get_store (BK_CALENDAR_STRATEGY (self)),
                                   data->appointment, event_id, data->calendar, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (event_id), g_free);
}

void
_bk_office365_calendar_strategy_create_appointment_async (BkCalendarStrategy     *strategy,
                               BkAppointment          *appointment,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) event = NULL;
  CreateData *data = g_new0 (CreateData, 1);
  BkGraphClient *graph;

  g_task_set_source_tag (task, _bk_office365_calendar_strategy_create_appointment_async);
  data->appointment = g_object_ref (appointment);
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL ||
      (data->calendar = dup_destination (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  event = build_new_event (appointment);
  bk_graph_client_create_event_async (graph, data->calendar, event, cancellable,
                                      event_created_cb, g_steal_pointer (&task));
}

static void
event_changed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (task) == (gpointer) bk_availability_strategy_cancel_appointment_async)
    ok = bk_graph_client_delete_event_finish (BK_GRAPH_CLIENT (object), result, &error);
  else
    ok = bk_graph_client_update_event_finish (BK_GRAPH_CLIENT (object), result, &error);
  if (!ok)
    {
      _bk_office365_calendar_strategy_note_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
_bk_office365_calendar_strategy_update_appointment_async (BkCalendarStrategy     *strategy,
                               BkAppointment          *appointment,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) changes = NULL;
  g_autoptr(GError) error = NULL;
  const char *event_id = bk_appointment_get_calendar_event_id (appointment);
  BkGraphClient *graph;

  g_task_set_source_tag (task, bk_availability_strategy_update_appointment_async);
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (event_id == NULL)
    {
      g_task_return_new_error (task, BK_GRAPH_ERROR, BK_GRAPH_ERROR_NOT_FOUND,
                               _("This appointment is not in the Office 365 calendar yet; it is written there first."));
      return;
    }
  json_builder_begin_object (builder);
  add_event_members (builder, appointment);
  json_builder_end_object (builder);
  changes = json_builder_get_root (builder);
  bk_graph_client_update_event_async (graph, event_id, changes, cancellable,
                                      event_changed_cb, g_steal_pointer (&task));
}

void
_bk_office365_calendar_strategy_cancel_appointment_async (BkCalendarStrategy     *strategy,
                               BkAppointment          *appointment,
                               GCancellable           *cancellable,
                               GAsyncReadyCallback     callback,
                               gpointer                user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  const char *event_id = bk_appointment_get_calendar_event_id (appointment);
  BkGraphClient *graph;

  g_task_set_source_tag (task, bk_availability_strategy_cancel_appointment_async);
  if (event_id == NULL)
    {
      /* never written to the calendar: nothing to remove */
      g_task_return_boolean (task, TRUE);
      return;
    }
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bk_graph_client_delete_event_async (graph, event_id, cancellable,
                                      event_changed_cb, g_steal_pointer (&task));
}
