/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-calendar-strategy.c: what the Office 365 and Google strategies share.
 *
 * - The cache is the single path: a live read is written to the store, then
 *   the report (and so the slots) comes from the store's query, so the
 *   tentative/oof policy is applied in one place.
 * - Fail closed: a calendar that fails part-way has its unread rest blocked
 *   with the reason; only what was read completely is used. When the
 *   provider cannot be reached at all (network, revoked grant), the cache is
 *   used for the windows it covers and the rest is blocked. */

#define G_LOG_DOMAIN "bk-calendar"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-calendar-strategy.h"
#include "bk-oauth-flow.h"
#include "bk-settings.h"

typedef struct
{
  BkStore      *store;
  BkHttp       *http;
  BkTokenStore *token_store;
  GSettings    *settings;
  gint64        now;
} BkCalendarStrategyPrivate;

static void strategy_iface_init (BkAvailabilityStrategyInterface *iface);

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (BkCalendarStrategy, bk_calendar_strategy, G_TYPE_OBJECT,
                                  G_ADD_PRIVATE (BkCalendarStrategy)
                                  G_IMPLEMENT_INTERFACE (BK_TYPE_AVAILABILITY_STRATEGY, strategy_iface_init))

#define GET_CLASS(self) BK_CALENDAR_STRATEGY_GET_CLASS (self)
#define GET_PRIV(self) ((BkCalendarStrategyPrivate *) bk_calendar_strategy_get_instance_private (self))

/* ---------------------------------------------------------------------- */
/* Connect                                                                */

typedef struct
{
  BkCalendarStrategyClass *klass;
  BkStore                 *store;
  BkTokenStore            *token_store;
  BkOAuthFlow             *flow;
  BkOAuthTokens           *tokens;
} Connect;

static void
connect_free (gpointer data)
{
  Connect *connect = data;

  g_clear_object (&connect->store);
  g_clear_object (&connect->token_store);
  g_clear_object (&connect->flow);
  g_clear_pointer (&connect->tokens, bk_oauth_tokens_free);
  g_free (connect);
}

static void
connect_refreshed_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = bk_calendar_strategy_refresh_calendars_finish (BK_CALENDAR_STRATEGY (object),
                                                                                  result, &error);

  if (calendars == NULL ||
      !bk_store_set_active_source (connect->store, connect->klass->source, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_strdup (connect->tokens->account), g_free);
}

static void
connect_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Connect *connect = g_task_get_task_data (task);
  BkCalendarStrategy *strategy = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!bk_token_store_store_finish (BK_TOKEN_STORE (object), result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* A fresh token source before the store says "connected": whoever reacts
   * to that change (the Schedule re-reading busy times) must not use the old,
   * revoked tokens and mark the account "reconnect needed" again. */
  connect->klass->forget_account (strategy);
  if (!bk_store_set_integration_account (connect->store, connect->klass->provider, connect->tokens->account,
                                         connect->tokens->display_name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  bk_calendar_strategy_refresh_calendars_async (strategy, cancellable, connect_refreshed_cb, g_steal_pointer (&task));
}

static void
connect_store_tokens (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);

  if (connect->tokens->account == NULL || *connect->tokens->account == '\0')
    {
      g_task_return_new_error (task, connect->klass->error_quark (), connect->klass->no_account_code,
                               "%s", _(connect->klass->no_account_message));
      g_object_unref (task);
      return;
    }
  bk_token_store_store_async (connect->token_store, connect->klass->token_provider, connect->tokens->account,
                              connect->tokens, g_task_get_cancellable (task), connect_stored_cb, task);
}

static void
connect_resolved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  char *account = connect->klass->resolve_account_finish (BK_CALENDAR_STRATEGY (object), result, &error);

  if (account == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_free (connect->tokens->account);
  connect->tokens->account = account;
  connect_store_tokens (task);
}

static void
connect_signed_in_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  connect->tokens = bk_oauth_flow_run_finish (BK_OAUTH_FLOW (object), result, &error);
  if (connect->tokens == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (connect->klass->resolve_account_async != NULL)
    connect->klass->resolve_account_async (g_task_get_source_object (task), connect->tokens,
                                           g_task_get_cancellable (task), connect_resolved_cb, task);
  else
    connect_store_tokens (task);
}

void
bk_calendar_strategy_connect_async (BkCalendarStrategy  *self,
                                    BkOpenUriFunc        open_uri,
                                    gpointer             open_uri_data,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  BkCalendarStrategyPrivate *priv;
  g_autoptr(BkOAuthProvider) provider = NULL;
  GTask *task;
  Connect *connect;

  g_return_if_fail (BK_IS_CALENDAR_STRATEGY (self));
  g_return_if_fail (open_uri != NULL);

  priv = GET_PRIV (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_calendar_strategy_connect_async);
  provider = GET_CLASS (self)->new_oauth_provider (self);
  connect = g_new0 (Connect, 1);
  connect->klass = GET_CLASS (self);
  connect->store = g_object_ref (priv->store);
  connect->token_store = g_object_ref (priv->token_store);
  connect->flow = bk_oauth_flow_new (priv->http, provider);
  g_task_set_task_data (task, connect, connect_free);
  bk_oauth_flow_run_async (connect->flow, cancellable, connect_signed_in_cb, task);
  /* run_async has the listener up and the URL ready when it returns */
  if (bk_oauth_flow_get_authorize_uri (connect->flow) != NULL)
    open_uri (bk_oauth_flow_get_authorize_uri (connect->flow), open_uri_data);
}

char *
bk_calendar_strategy_connect_finish (BkCalendarStrategy  *self,
                                     GAsyncResult        *result,
                                     GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GPtrArray *
bk_calendar_store_listed (BkStore     *store,
                          const char  *provider,
                          GPtrArray   *listed,
                          GError     **error)
{
  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (listed != NULL, NULL);

  if (!bk_store_sync_calendars (store, provider, listed, error))
    return NULL;
  return bk_store_list_calendars (store, provider, error);
}

/* ---------------------------------------------------------------------- */
/* Disconnect                                                             */

typedef struct
{
  BkStore  *store;
  char     *provider;
  BkSource  source;
} Disconnect;

static void
disconnect_free (gpointer data)
{
  Disconnect *disconnect = data;

  g_clear_object (&disconnect->store);
  g_free (disconnect->provider);
  g_free (disconnect);
}

static void
disconnect_cleared_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Disconnect *disconnect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bk_token_store_clear_finish (BK_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  if (!bk_store_set_integration_account (disconnect->store, disconnect->provider, NULL, NULL, &error) ||
      (bk_store_get_active_source (disconnect->store, NULL) == disconnect->source &&
       !bk_store_set_active_source (disconnect->store, BK_SOURCE_MANUAL, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
bk_calendar_strategy_disconnect_async (BkCalendarStrategy  *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  BkCalendarStrategyClass *klass;
  BkCalendarStrategyPrivate *priv;
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GError) error = NULL;
  Disconnect *disconnect;
  GTask *task;

  g_return_if_fail (BK_IS_CALENDAR_STRATEGY (self));

  klass = GET_CLASS (self);
  priv = GET_PRIV (self);
  klass->forget_account (self);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_calendar_strategy_disconnect_async);
  disconnect = g_new0 (Disconnect, 1);
  disconnect->store = g_object_ref (priv->store);
  disconnect->provider = g_strdup (klass->provider);
  disconnect->source = klass->source;
  g_task_set_task_data (task, disconnect, disconnect_free);
  integration = bk_store_get_integration (priv->store, klass->provider, &error);
  if (integration == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  bk_token_store_clear_async (priv->token_store, klass->token_provider,
                              integration->account ? integration->account : "",
                              cancellable, disconnect_cleared_cb, task);
}

gboolean
bk_calendar_strategy_disconnect_finish (BkCalendarStrategy  *self,
                                        GAsyncResult        *result,
                                        GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
bk_calendar_note_reconnect_needed (BkStore      *store,
                                   const char   *provider,
                                   const GError *error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (error != NULL);

  if (!bk_store_set_reconnect_needed (store, provider, TRUE, error->message, &local_error))
    g_warning ("Could not record that %s needs reconnecting: %s", provider, local_error->message);
}

char *
bk_calendar_dup_destination (BkStore     *store,
                             const char  *provider,
                             GError     **error)
{
  g_autoptr(GPtrArray) calendars = NULL;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);

  calendars = bk_store_list_calendars (store, provider, error);
  for (guint i = 0; calendars != NULL && i < calendars->len; i++)
    {
      const BkCalendar *calendar = g_ptr_array_index (calendars, i);

      if (calendar->destination)
        return g_strdup (calendar->remote_id);
    }
  return NULL;
}

gboolean
bk_calendar_store_event_id (BkStore        *store,
                            BkAppointment  *appointment,
                            const char     *event_id,
                            const char     *calendar_id,
                            GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  g_return_val_if_fail (BK_IS_STORE (store), FALSE);
  g_return_val_if_fail (BK_IS_APPOINTMENT (appointment), FALSE);

  /* one row write: an event id is never known without its calendar */
  bk_appointment_set_calendar_event_id (appointment, event_id);
  bk_appointment_set_calendar_event_calendar (appointment, event_id != NULL ? calendar_id : NULL);
  g_ptr_array_add (rows, appointment);
  return bk_store_upsert_appointments (store, rows, error);
}

static char *
calendar_create_finish (BkAvailabilityStrategy  *strategy,
                        GAsyncResult            *result,
                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, strategy), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
calendar_change_finish (BkAvailabilityStrategy  *strategy,
                        GAsyncResult            *result,
                        GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, strategy), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
bk_calendar_dup_appointment_title (BkAppointment *appointment)
{
  const char *name;

  g_return_val_if_fail (appointment != NULL, NULL);

  name = bk_appointment_get_client_name (appointment);
  if (name != NULL && *name != '\0')
    return g_strdup_printf (_("Appointment with %s"), name);
  return g_strdup (_("Appointment"));
}

/* ---------------------------------------------------------------------- */
/* Busy times                                                             */

struct _BkBusyCollector
{
  BkStore   *store;
  char      *provider;
  gint64     from;
  gint64     to;
  gint64     now;
  GPtrArray *failed;   /* BkBusyTime with a reason */
  gboolean   offline;
};

BkBusyCollector *
bk_busy_collector_new (BkStore    *store,
                       const char *provider,
                       gint64      from,
                       gint64      to,
                       gint64      now)
{
  BkBusyCollector *self;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (from < to, NULL);

  self = g_new0 (BkBusyCollector, 1);
  self->store = g_object_ref (store);
  self->provider = g_strdup (provider);
  self->from = from;
  self->to = to;
  self->now = now;
  self->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  return self;
}

void
bk_busy_collector_free (BkBusyCollector *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  g_free (self->provider);
  g_clear_pointer (&self->failed, g_ptr_array_unref);
  g_free (self);
}

static BkBusyTime *
new_unread (gint64            start,
            gint64            end,
            const BkCalendar *calendar,
            const char       *reason)
{
  BkBusyTime *time = bk_busy_time_new (start, end, "unknown");

  if (calendar != NULL)
    {
      time->calendar_id = g_strdup (calendar->remote_id);
      time->calendar_name = g_strdup (calendar->name);
      time->calendar_color = g_strdup (calendar->color);
    }
  time->reason = g_strdup (reason);
  return time;
}

gboolean
bk_busy_collector_add (BkBusyCollector   *self,
                       const BkCalendar  *calendar,
                       GPtrArray         *busy,
                       gint64             complete_until,
                       const GError      *read_error,
                       gboolean           unreachable,
                       GError           **error)
{
  g_autoptr(GPtrArray) complete = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (calendar != NULL, FALSE);

  complete_until = CLAMP (complete_until, self->from, self->to);
  /* events starting later may have company in what failed */
  for (guint i = 0; busy != NULL && i < busy->len; i++)
    {
      BkBusyTime *time = g_ptr_array_index (busy, i);

      if (time->start < complete_until)
        g_ptr_array_add (complete, time);
    }
  if (complete_until > self->from &&
      !bk_store_replace_busy (self->store, self->provider, calendar->remote_id, self->from,
                              complete_until, complete, self->now, error))
    return FALSE;

  if (read_error == NULL || complete_until >= self->to)
    return TRUE;
  if (unreachable)
    self->offline = TRUE;  /* the cache stands in; gaps stay blocked */
  else
    {
      g_autofree char *reason = g_strdup_printf (_("Calendar “%s” could not be read: %s"),
                                                 calendar->name, read_error->message);

      g_ptr_array_add (self->failed, new_unread (complete_until, self->to, calendar, reason));
    }
  return TRUE;
}

gint
bk_calendar_compare_busy (gconstpointer a,
                          gconstpointer b)
{
  const BkBusyTime *x = *(const BkBusyTime * const *) a;
  const BkBusyTime *y = *(const BkBusyTime * const *) b;

  g_return_val_if_fail (x != NULL && y != NULL, 0);

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

BkSlotReport *
bk_busy_collector_finish (BkBusyCollector  *self,
                          const char       *unread_reason,
                          GError          **error)
{
  g_autoptr(BkSlotReport) report = bk_slot_report_new ();
  g_autoptr(GPtrArray) busy = NULL;
  g_autoptr(GArray) gaps = NULL;
  gint64 oldest = 0;

  g_return_val_if_fail (self != NULL, NULL);

  busy = bk_store_list_calendar_busy (self->store, self->provider, self->from, self->to, error);
  if (busy == NULL)
    return NULL;
  gaps = bk_store_list_uncovered (self->store, self->provider, self->from, self->to, &oldest, error);
  if (gaps == NULL)
    return NULL;

  g_ptr_array_extend_and_steal (report->blocked, g_steal_pointer (&busy));
  for (guint i = 0; i < self->failed->len; i++)
    g_ptr_array_add (report->blocked, bk_busy_time_copy (g_ptr_array_index (self->failed, i)));
  for (guint i = 0; i < gaps->len; i++)
    {
      const BkInterval *gap = &g_array_index (gaps, BkInterval, i);

      g_ptr_array_add (report->blocked, new_unread (gap->start, gap->end, NULL, unread_reason));
    }
  g_ptr_array_sort (report->blocked, bk_calendar_compare_busy);

  report->from_cache = self->offline;
  report->read_at = self->offline ? oldest : self->now;
  if (!self->offline && self->failed->len == 0 &&
      !bk_store_set_last_sync (self->store, self->provider, self->now, error))
    return NULL;
  return g_steal_pointer (&report);
}

/* ---------------------------------------------------------------------- */
/* Slots                                                                  */

typedef struct
{
  BkStore              *store;
  gint64                now;
  gint64                from;
  gint64                to;
  BkSlotReport         *report;
} SlotsCall;

static void
slots_call_free (gpointer data)
{
  SlotsCall *call = data;

  g_clear_object (&call->store);
  g_clear_pointer (&call->report, bk_slot_report_free);
  g_free (call);
}

static void
slots_busy_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SlotsCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  GArray *slots;

  call->report = bk_calendar_strategy_read_busy_finish (BK_CALENDAR_STRATEGY (object), result, &error);
  if (call->report == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  for (guint i = 0; i < call->report->blocked->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (call->report->blocked, i);

      g_array_append_vals (busy, &(BkInterval) { time->start, time->end }, 1);
    }
  slots = bk_availability_strategy_compute_slots (call->store, busy, call->now,
                                                  call->from, call->to, &error);
  if (slots == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, slots, (GDestroyNotify) g_array_unref);
}

static void
calendar_get_available_slots_async (BkAvailabilityStrategy *strategy,
                                    gint64                  from,
                                    gint64                  to,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  BkCalendarStrategy *self = BK_CALENDAR_STRATEGY (strategy);
  BkStore *store = GET_PRIV (self)->store;
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  SlotsCall *call;
  gint64 margin;

  g_task_set_source_tag (task, calendar_get_available_slots_async);
  if ((rules = bk_store_load_rules (store, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (to <= from)
    {
      g_task_return_pointer (task, g_array_new (FALSE, FALSE, sizeof (BkInterval)),
                             (GDestroyNotify) g_array_unref);
      return;
    }

  call = g_new0 (SlotsCall, 1);
  call->store = g_object_ref (store);
  call->now = bk_calendar_strategy_get_now (self);
  call->from = from;
  call->to = to;
  g_task_set_task_data (task, call, slots_call_free);
  /* busy time just outside [from, to) still matters (buffers, the slot's
   * length, the daily limit's local day) */
  margin = bk_availability_strategy_get_margin (rules);
  bk_calendar_strategy_read_busy_async (self, from - margin, to + margin, cancellable,
                                        slots_busy_read_cb, g_steal_pointer (&task));
}

static GArray *
calendar_get_available_slots_finish (BkAvailabilityStrategy  *strategy,
                                     GAsyncResult            *result,
                                     BkSlotReport           **out_report,
                                     GError                 **error)
{
  SlotsCall *call;
  GArray *slots;

  g_return_val_if_fail (g_task_is_valid (result, strategy), NULL);

  slots = g_task_propagate_pointer (G_TASK (result), error);
  call = g_task_get_task_data (G_TASK (result));
  if (slots != NULL && out_report != NULL)
    *out_report = call && call->report ? bk_slot_report_copy (call->report) : bk_slot_report_new ();
  return slots;
}

/* ---------------------------------------------------------------------- */
/* Appointments: the subclass writes                                      */

static void
calendar_create_appointment_async (BkAvailabilityStrategy *strategy,
                                   BkAppointment          *appointment,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  BkCalendarStrategy *self = BK_CALENDAR_STRATEGY (strategy);

  GET_CLASS (self)->create_appointment_async (self, appointment, cancellable, callback, user_data);
}

static void
calendar_update_appointment_async (BkAvailabilityStrategy *strategy,
                                   BkAppointment          *appointment,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  BkCalendarStrategy *self = BK_CALENDAR_STRATEGY (strategy);

  GET_CLASS (self)->update_appointment_async (self, appointment, cancellable, callback, user_data);
}

static void
calendar_cancel_appointment_async (BkAvailabilityStrategy *strategy,
                                   BkAppointment          *appointment,
                                   GCancellable           *cancellable,
                                   GAsyncReadyCallback     callback,
                                   gpointer                user_data)
{
  BkCalendarStrategy *self = BK_CALENDAR_STRATEGY (strategy);

  GET_CLASS (self)->cancel_appointment_async (self, appointment, cancellable, callback, user_data);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
strategy_iface_init (BkAvailabilityStrategyInterface *iface)
{
  iface->get_available_slots_async = calendar_get_available_slots_async;
  iface->get_available_slots_finish = calendar_get_available_slots_finish;
  iface->create_appointment_async = calendar_create_appointment_async;
  iface->create_appointment_finish = calendar_create_finish;
  iface->update_appointment_async = calendar_update_appointment_async;
  iface->update_appointment_finish = calendar_change_finish;
  iface->cancel_appointment_async = calendar_cancel_appointment_async;
  iface->cancel_appointment_finish = calendar_change_finish;
}

static void
bk_calendar_strategy_dispose (GObject *object)
{
  BkCalendarStrategy *self = BK_CALENDAR_STRATEGY (object);

  GET_CLASS (self)->forget_account (self);

  G_OBJECT_CLASS (bk_calendar_strategy_parent_class)->dispose (object);
}

static void
bk_calendar_strategy_finalize (GObject *object)
{
  BkCalendarStrategyPrivate *priv = GET_PRIV (BK_CALENDAR_STRATEGY (object));

  g_clear_object (&priv->settings);
  g_clear_object (&priv->token_store);
  g_clear_object (&priv->http);
  g_clear_object (&priv->store);

  G_OBJECT_CLASS (bk_calendar_strategy_parent_class)->finalize (object);
}

static void
bk_calendar_strategy_class_init (BkCalendarStrategyClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = bk_calendar_strategy_dispose;
  G_OBJECT_CLASS (klass)->finalize = bk_calendar_strategy_finalize;
}

static void
bk_calendar_strategy_init (BkCalendarStrategy *self)
{
}

gpointer
_bk_calendar_strategy_new (GType         type,
                           BkStore      *store,
                           BkHttp       *http,
                           BkTokenStore *token_store,
                           GSettings    *settings)
{
  BkCalendarStrategy *self;
  BkCalendarStrategyPrivate *priv;

  g_return_val_if_fail (g_type_is_a (type, BK_TYPE_CALENDAR_STRATEGY), NULL);
  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_TOKEN_STORE (token_store), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (type, NULL);
  priv = GET_PRIV (self);
  priv->store = g_object_ref (store);
  priv->http = g_object_ref (http);
  priv->token_store = g_object_ref (token_store);
  priv->settings = settings ? g_object_ref (settings) : bk_settings_new ();
  return self;
}

BkStore *
bk_calendar_strategy_get_store (BkCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), NULL);

  return GET_PRIV (self)->store;
}

BkHttp *
bk_calendar_strategy_get_http (BkCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), NULL);

  return GET_PRIV (self)->http;
}

BkTokenStore *
bk_calendar_strategy_get_token_store (BkCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), NULL);

  return GET_PRIV (self)->token_store;
}

GSettings *
bk_calendar_strategy_get_settings (BkCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), NULL);

  return GET_PRIV (self)->settings;
}

const char *
bk_calendar_strategy_get_provider (BkCalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), NULL);

  return GET_CLASS (self)->provider;
}

void
bk_calendar_strategy_set_now (BkCalendarStrategy *self,
                              gint64              now)
{
  g_return_if_fail (BK_IS_CALENDAR_STRATEGY (self));

  GET_PRIV (self)->now = now;
}

gint64
bk_calendar_strategy_get_now (BkCalendarStrategy *self)
{
  gint64 now;

  g_return_val_if_fail (BK_IS_CALENDAR_STRATEGY (self), 0);

  now = GET_PRIV (self)->now;
  return now != 0 ? now : g_get_real_time () / G_USEC_PER_SEC;
}

/* ---------------------------------------------------------------------- */
/* The subclass's reads                                                   */

void
_bk_calendar_strategy_return_listed (GTask     *task,
                                     GPtrArray *listed,
                                     GError    *error)
{
  g_autoptr(GTask) owned = task;
  g_autoptr(GPtrArray) owned_listed = listed;
  g_autoptr(GError) owned_error = error;
  BkCalendarStrategy *self = g_task_get_source_object (task);
  GPtrArray *stored;

  g_assert (BK_IS_CALENDAR_STRATEGY (self));
  g_assert ((listed == NULL) != (error == NULL));

  if (listed == NULL ||
      (stored = bk_calendar_store_listed (GET_PRIV (self)->store, GET_CLASS (self)->provider,
                                          listed, &owned_error)) == NULL)
    {
      GET_CLASS (self)->note_error (self, owned_error);
      g_task_return_error (task, g_steal_pointer (&owned_error));
      return;
    }
  g_task_return_pointer (task, stored, (GDestroyNotify) g_ptr_array_unref);
}

void
bk_calendar_strategy_refresh_calendars_async (BkCalendarStrategy  *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (BK_IS_CALENDAR_STRATEGY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_calendar_strategy_refresh_calendars_async);
  GET_CLASS (self)->list_calendars (self, task);
}

GPtrArray *
bk_calendar_strategy_refresh_calendars_finish (BkCalendarStrategy  *self,
                                               GAsyncResult        *result,
                                               GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
bk_calendar_strategy_read_busy_async (BkCalendarStrategy  *self,
                                      gint64               from,
                                      gint64               to,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (BK_IS_CALENDAR_STRATEGY (self));
  g_return_if_fail (from < to);

  GET_CLASS (self)->read_busy_async (self, from, to, cancellable, callback, user_data);
}

BkSlotReport *
bk_calendar_strategy_read_busy_finish (BkCalendarStrategy  *self,
                                       GAsyncResult        *result,
                                       GError             **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
