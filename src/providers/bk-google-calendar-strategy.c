/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-google-calendar-strategy.c: availability from Google calendars.
 *
 * The provider-specific half; the sign-in bookkeeping, disconnect, the busy
 * cache with fail-closed coverage and slots from it are shared with Office
 * 365 (bk-calendar-strategy.c).
 *
 * - With only the two calendar scopes Google sends no id_token: the account
 *   is the primary calendar's id, read from calendarList right after the
 *   code exchange with the fresh access token.
 * - Busy times come from freeBusy (one request per 50 calendars and 90
 *   days) unless the expert lets tentative or out-of-office time through,
 *   which freeBusy cannot tell apart: then events.list per calendar.
 * - Appointments go to the destination calendar with a client-chosen event
 *   id derived from the appointment id (a retried insert meets a 409, which
 *   counts as success) and the appointment id in extendedProperties.private;
 *   the event id and its calendar are stored before success is reported.
 *   Patch and delete go to the calendar the event was written to (the
 *   destination for an event stored before the store kept its calendar);
 *   when the expert has chosen another destination since, they also reach
 *   the event there if it was moved by hand (a patch that met a 404, every
 *   delete); 404/410 on delete mean already gone. */

#define G_LOG_DOMAIN "bk-google"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-google-calendar-strategy.h"
#include "bk-settings.h"

#define PROVIDER BK_PROVIDER_GOOGLE

struct _BkGoogleCalendarStrategy
{
  BkCalendarStrategy  parent_instance;

  /* for the account the store names; rebuilt when it changes */
  char               *account;
  BkOAuthTokenSource *tokens;
  BkGoogleClient     *client;
};

G_DEFINE_FINAL_TYPE (BkGoogleCalendarStrategy, bk_google_calendar_strategy, BK_TYPE_CALENDAR_STRATEGY)

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static BkStore *
get_store (BkGoogleCalendarStrategy *self)
{
  return bk_calendar_strategy_get_store (BK_CALENDAR_STRATEGY (self));
}

static void
forget_account (BkCalendarStrategy *strategy)
{
  BkGoogleCalendarStrategy *self = BK_GOOGLE_CALENDAR_STRATEGY (strategy);

  g_clear_object (&self->client);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->account, g_free);
}

static BkGoogleClient *
ensure_client (BkGoogleCalendarStrategy  *self,
               GError                   **error)
{
  BkCalendarStrategy *base = BK_CALENDAR_STRATEGY (self);
  g_autoptr(BkIntegration) integration = bk_store_get_integration (get_store (self), PROVIDER, error);
  g_autoptr(BkOAuthProvider) provider = NULL;
  g_autofree char *api_url = NULL;

  if (integration == NULL)
    return NULL;
  if (integration->account == NULL)
    {
      g_set_error_literal (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_RECONNECT_NEEDED,
                           _("Google Calendar is not connected. Connect it on the Google Calendar tab or with “bookablectl connect google”."));
      return NULL;
    }
  if (self->client != NULL && g_strcmp0 (self->account, integration->account) == 0)
    return self->client;

  forget_account (base);
  self->account = g_strdup (integration->account);
  provider = bk_settings_new_google_provider (bk_calendar_strategy_get_settings (base));
  api_url = bk_settings_dup_google_api_url (bk_calendar_strategy_get_settings (base));
  self->tokens = bk_oauth_token_source_new (bk_calendar_strategy_get_http (base),
                                            bk_calendar_strategy_get_token_store (base), provider, self->account);
  self->client = bk_google_client_new (bk_calendar_strategy_get_http (base), self->tokens, api_url);
  return self->client;
}

static void
note_error (BkGoogleCalendarStrategy *self,
            const GError             *error)
{
  g_assert (BK_IS_GOOGLE_CALENDAR_STRATEGY (self));

  if (g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_RECONNECT_NEEDED) && self->account != NULL)
    bk_calendar_note_reconnect_needed (get_store (self), PROVIDER, error);
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_NETWORK) ||
         g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_RECONNECT_NEEDED);
}

/* ---------------------------------------------------------------------- */
/* Connect and disconnect                                                 */

static void
account_listed_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  char *primary = NULL;

  calendars = bk_google_client_list_calendars_finish (BK_GOOGLE_CLIENT (object), result, &primary, &error);
  if (calendars == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else if (primary == NULL)
    g_task_return_new_error (task, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_BAD_RESPONSE,
                             _("Google did not say which account signed in (no primary calendar); try connecting again."));
  else
    g_task_return_pointer (task, primary, g_free);
}

/* No id_token with the two calendar scopes: the primary calendar's id,
 * read with the fresh access token, is the account. */
static void
resolve_account_async (BkCalendarStrategy  *self,
                       BkOAuthTokens       *tokens,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autofree char *api_url = bk_settings_dup_google_api_url (bk_calendar_strategy_get_settings (self));
  g_autoptr(BkGoogleClient) client = bk_google_client_new_for_access_token (bk_calendar_strategy_get_http (self),
                                                                           tokens->access_token, api_url);
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, resolve_account_async);
  bk_google_client_list_calendars_async (client, cancellable, account_listed_cb, task);
}

static char *
resolve_account_finish (BkCalendarStrategy  *self,
                        GAsyncResult        *result,
                        GError             **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static BkOAuthProvider *
new_oauth_provider (BkCalendarStrategy *self)
{
  return bk_settings_new_google_provider (bk_calendar_strategy_get_settings (self));
}

/* ---------------------------------------------------------------------- */
/* Calendars                                                              */

static void
calendars_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError *error = NULL;
  GPtrArray *listed = bk_google_client_list_calendars_finish (BK_GOOGLE_CLIENT (object), result, NULL, &error);

  _bk_calendar_strategy_return_listed (user_data, listed, error);
}

static void
google_list_calendars (BkCalendarStrategy *strategy,
                       GTask              *task)
{
  GError *error = NULL;
  BkGoogleClient *client = ensure_client (BK_GOOGLE_CALENDAR_STRATEGY (strategy), &error);

  if (client == NULL)
    _bk_calendar_strategy_return_listed (task, NULL, error);
  else
    bk_google_client_list_calendars_async (client, g_task_get_cancellable (task), calendars_listed_cb, task);
}

BkGoogleClient *
bk_google_calendar_strategy_get_client (BkGoogleCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_GOOGLE_CALENDAR_STRATEGY (self), NULL);

  return ensure_client (self, NULL);
}

/* ---------------------------------------------------------------------- */
/* Busy times                                                             */

typedef struct
{
  BkBusyCollector *collector;
  GPtrArray       *calendars;  /* the selected BkCalendar */
} ReadBusy;

static void
read_busy_free (gpointer data)
{
  ReadBusy *state = data;

  g_clear_pointer (&state->collector, bk_busy_collector_free);
  g_clear_pointer (&state->calendars, g_ptr_array_unref);
  g_free (state);
}

static void
busy_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGoogleCalendarStrategy *self = g_task_get_source_object (task);
  ReadBusy *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) reads = NULL;
  BkSlotReport *report;

  reads = bk_google_client_read_busy_finish (BK_GOOGLE_CLIENT (object), result, &error);
  for (guint i = 0; reads != NULL && i < reads->len && error == NULL; i++)
    {
      BkGoogleBusyRead *read = g_ptr_array_index (reads, i);

      note_error (self, read->error);
      bk_busy_collector_add (state->collector, g_ptr_array_index (state->calendars, i), read->busy,
                             read->complete_until, read->error,
                             read->error != NULL && is_unreachable (read->error), &error);
    }
  report = error ? NULL : bk_busy_collector_finish (state->collector,
                                                    _("The Google calendars could not be read for this time, and no earlier reading is stored."),
                                                    &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bk_slot_report_free);
}

static void
google_read_busy_async (BkCalendarStrategy  *strategy,
                        gint64               from,
                        gint64               to,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  BkGoogleCalendarStrategy *self = BK_GOOGLE_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  BkGoogleClient *client;
  ReadBusy *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, google_read_busy_async);
  if ((client = ensure_client (self, &error)) == NULL ||
      (integration = bk_store_get_integration (get_store (self), PROVIDER, &error)) == NULL ||
      (calendars = bk_store_list_calendars (get_store (self), PROVIDER, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state = g_new0 (ReadBusy, 1);
  state->collector = bk_busy_collector_new (get_store (self), PROVIDER, from, to, bk_calendar_strategy_get_now (BK_CALENDAR_STRATEGY (self)));
  state->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  g_task_set_task_data (task, state, read_busy_free);
  for (guint i = 0; i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (!calendar->selected)
        continue;
      g_ptr_array_add (state->calendars, bk_calendar_copy (calendar));
      g_ptr_array_add (ids, calendar->remote_id);
    }
  g_ptr_array_add (ids, NULL);
  /* freeBusy counts tentative and out-of-office time as busy; only events
   * tell them apart */
  bk_google_client_read_busy_async (client, (const char * const *) ids->pdata, from, to,
                                    !integration->block_tentative || !integration->block_oof,
                                    cancellable, busy_read_cb, g_steal_pointer (&task));
}

/* ---------------------------------------------------------------------- */
/* Appointments                                                           */

/* The members both insert and patch send: summary, times, description. */
static void
add_event_members (JsonBuilder   *builder,
                   BkAppointment *appointment)
{
  g_autofree char *summary = bk_calendar_dup_appointment_title (appointment);
  g_autofree char *start = bk_google_format_instant (bk_appointment_get_start (appointment));
  g_autofree char *end = bk_google_format_instant (bk_appointment_get_end (appointment));
  const char *note = bk_appointment_get_note (appointment);

  json_builder_set_member_name (builder, "summary");
  json_builder_add_string_value (builder, summary);
  json_builder_set_member_name (builder, "description");
  json_builder_add_string_value (builder, note ? note : "");
  json_builder_set_member_name (builder, "start");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dateTime");
  json_builder_add_string_value (builder, start);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "end");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "dateTime");
  json_builder_add_string_value (builder, end);
  json_builder_end_object (builder);
}

static JsonNode *
build_event (BkAppointment *appointment,
             gboolean       new_event)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *id = bk_appointment_get_id (appointment);

  json_builder_begin_object (builder);
  add_event_members (builder, appointment);
  if (new_event)
    {
      g_autofree char *event_id = bk_google_event_id_for_appointment (id);

      json_builder_set_member_name (builder, "id");
      json_builder_add_string_value (builder, event_id);
      json_builder_set_member_name (builder, "extendedProperties");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "private");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, BK_GOOGLE_APPOINTMENT_PROPERTY);
      json_builder_add_string_value (builder, id);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* An insert's state once Google answered: the appointment, and the
 * calendar its event went to. */
typedef struct
{
  BkAppointment *appointment;
  char          *calendar;
} InsertData;

static void
insert_data_free (InsertData *data)
{
  g_clear_object (&data->appointment);
  g_free (data->calendar);
  g_free (data);
}

/* The client and the calendar @appointment's event is written to: the one
 * the store says it is in when @known_event is that event (so a move or a
 * removal follows an event the expert's change of destination left in
 * another calendar, and a retried insert never copies it into the new
 * destination), else the destination; NULL with an error. */
static BkGoogleClient *
prepare_write (BkGoogleCalendarStrategy  *self,
               BkAppointment             *appointment,
               const char                *known_event,
               char                     **out_calendar,
               GError                   **error)
{
  BkGoogleClient *client = ensure_client (self, error);
  const char *known_calendar = bk_appointment_get_calendar_event_calendar (appointment);
  g_autoptr(GError) local_error = NULL;

  if (client == NULL)
    return NULL;
  if (known_calendar != NULL && known_event != NULL
      && g_strcmp0 (bk_appointment_get_calendar_event_id (appointment), known_event) == 0)
    {
      *out_calendar = g_strdup (known_calendar);
      return client;
    }
  *out_calendar = bk_calendar_dup_destination (get_store (self), PROVIDER, &local_error);
  if (*out_calendar == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error_literal (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_ACCESS_DENIED,
                             _("No Google calendar is chosen for new appointments. Choose a destination calendar you can edit."));
      return NULL;
    }
  return client;
}

static void
event_inserted_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGoogleCalendarStrategy *self = g_task_get_source_object (task);
  InsertData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *event_id = NULL;

  event_id = bk_google_client_insert_event_finish (BK_GOOGLE_CLIENT (object), result, &error);
  if (event_id == NULL)
    {
      note_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* stored before success is reported; a retry meets the same id anyway */
  if (!bk_calendar_store_event_id (get_store (self), data->appointment, event_id, data->calendar, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&event_id), g_free);
}

static void
google_create_appointment_async (BkCalendarStrategy     *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  BkGoogleCalendarStrategy *self = BK_GOOGLE_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autofree char *event_id = bk_google_event_id_for_appointment (bk_appointment_get_id (appointment));
  InsertData *data = g_new0 (InsertData, 1);
  BkGoogleClient *client;

  g_task_set_source_tag (task, google_create_appointment_async);
  data->appointment = g_object_ref (appointment);
  g_task_set_task_data (task, data, (GDestroyNotify) insert_data_free);
  if ((client = prepare_write (self, appointment, event_id, &data->calendar, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  event = build_event (appointment, TRUE);
  bk_google_client_insert_event_async (client, data->calendar, event, cancellable,
                                       event_inserted_cb, g_steal_pointer (&task));
}

/* A move or removal of an event: the event, and the other calendar it may
 * be in — the destination, when the expert chose another one after the
 * event was written (moving an event between calendars by hand in Google
 * Calendar keeps its id, so it may have followed). */
typedef struct
{
  BkAppointment *appointment;
  char          *event_id;
  char          *fallback;   /* NULL: nowhere else to look */
  char          *moved_to;   /* set once the fallback is tried */
  JsonNode      *changes;    /* NULL: a removal */
} ChangeData;

static void
change_data_free (ChangeData *data)
{
  g_clear_object (&data->appointment);
  g_free (data->event_id);
  g_free (data->fallback);
  g_free (data->moved_to);
  g_clear_pointer (&data->changes, json_node_unref);
  g_free (data);
}

static void event_changed_cb (GObject *object, GAsyncResult *result, gpointer user_data);

static void
send_change (BkGoogleClient *client,
             GTask          *task,
             const char     *calendar)
{
  ChangeData *data = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (data->changes == NULL)
    bk_google_client_delete_event_async (client, calendar, data->event_id, cancellable,
                                         event_changed_cb, task);
  else
    bk_google_client_patch_event_async (client, calendar, data->event_id, data->changes, cancellable,
                                        event_changed_cb, task);
}

/* Tries the fallback calendar next: for a patch the event's calendar no
 * longer has the event for (404, or 410 for one deleted or moved out
 * there), and for every removal — a delete of an id that is not there
 * counts as done. FALSE when there is none. */
static gboolean
try_fallback (BkGoogleClient *client,
              GTask          *task,
              const GError   *error)
{
  ChangeData *data = g_task_get_task_data (task);
  gboolean missing = g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_NOT_FOUND)
                     || g_error_matches (error, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_SYNC_TOKEN_GONE);

  if (data->fallback == NULL
      || (data->changes != NULL && !missing)
      || (data->changes == NULL && error != NULL))
    return FALSE;
  data->moved_to = g_steal_pointer (&data->fallback);
  send_change (client, task, data->moved_to);
  return TRUE;
}

static void
event_changed_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkGoogleCalendarStrategy *self = g_task_get_source_object (task);
  ChangeData *data = g_task_get_task_data (task);
  BkGoogleClient *client = BK_GOOGLE_CLIENT (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (data->changes == NULL)
    ok = bk_google_client_delete_event_finish (client, result, &error);
  else
    ok = bk_google_client_patch_event_finish (client, result, &error);
  if (try_fallback (client, task, error))
    {
      /* the next request holds the task now */
      g_steal_pointer (&task);
      return;
    }
  if (!ok)
    {
      note_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* a moved event was found in the destination: it lives there now */
  if (data->changes != NULL && data->moved_to != NULL
      && !bk_calendar_store_event_id (get_store (self), data->appointment, data->event_id,
                                      data->moved_to, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
google_change_appointment_async (BkCalendarStrategy     *strategy,
                                 BkAppointment          *appointment,
                                 gboolean                cancel,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  BkGoogleCalendarStrategy *self = BK_GOOGLE_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *calendar = NULL;
  const char *event_id = bk_appointment_get_calendar_event_id (appointment);
  BkGoogleClient *client;
  ChangeData *data;

  g_task_set_source_tag (task, cancel ? (gpointer) bk_availability_strategy_cancel_appointment_async
                                      : (gpointer) bk_availability_strategy_update_appointment_async);
  if (event_id == NULL && cancel)
    {
      /* never written to the calendar: nothing to remove */
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (event_id == NULL)
    {
      g_task_return_new_error (task, BK_GOOGLE_ERROR, BK_GOOGLE_ERROR_NOT_FOUND,
                               _("This appointment is not in the Google calendar yet; it is written there first."));
      return;
    }
  if ((client = prepare_write (self, appointment, event_id, &calendar, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data = g_new0 (ChangeData, 1);
  data->appointment = g_object_ref (appointment);
  data->event_id = g_strdup (event_id);
  data->fallback = bk_calendar_dup_destination (get_store (self), PROVIDER, NULL);
  if (g_strcmp0 (data->fallback, calendar) == 0)
    g_clear_pointer (&data->fallback, g_free);
  data->changes = cancel ? NULL : build_event (appointment, FALSE);
  g_task_set_task_data (task, data, (GDestroyNotify) change_data_free);
  send_change (client, g_steal_pointer (&task), calendar);
}

static void
google_update_appointment_async (BkCalendarStrategy     *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  google_change_appointment_async (strategy, appointment, FALSE, cancellable, callback, user_data);
}

static void
google_cancel_appointment_async (BkCalendarStrategy     *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  google_change_appointment_async (strategy, appointment, TRUE, cancellable, callback, user_data);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_google_calendar_strategy_class_init (BkGoogleCalendarStrategyClass *klass)
{
  BkCalendarStrategyClass *strategy_class = BK_CALENDAR_STRATEGY_CLASS (klass);

  strategy_class->provider = PROVIDER;
  strategy_class->token_provider = BK_GOOGLE_TOKEN_PROVIDER;
  strategy_class->source = BK_SOURCE_GOOGLE_CALENDAR;
  strategy_class->error_quark = bk_google_error_quark;
  strategy_class->no_account_code = BK_GOOGLE_ERROR_BAD_RESPONSE;
  strategy_class->no_account_message = N_("Google did not say which account signed in; try connecting again.");
  strategy_class->new_oauth_provider = new_oauth_provider;
  strategy_class->resolve_account_async = resolve_account_async;
  strategy_class->resolve_account_finish = resolve_account_finish;
  strategy_class->forget_account = forget_account;
  strategy_class->list_calendars = google_list_calendars;
  strategy_class->note_error = (void (*) (BkCalendarStrategy *, const GError *)) note_error;
  strategy_class->read_busy_async = google_read_busy_async;
  strategy_class->create_appointment_async = google_create_appointment_async;
  strategy_class->update_appointment_async = google_update_appointment_async;
  strategy_class->cancel_appointment_async = google_cancel_appointment_async;
}

static void
bk_google_calendar_strategy_init (BkGoogleCalendarStrategy *self)
{
}

BkGoogleCalendarStrategy *
bk_google_calendar_strategy_new (BkStore      *store,
                                 BkHttp       *http,
                                 BkTokenStore *token_store,
                                 GSettings    *settings)
{
  return _bk_calendar_strategy_new (BK_TYPE_GOOGLE_CALENDAR_STRATEGY, store, http, token_store, settings);
}
