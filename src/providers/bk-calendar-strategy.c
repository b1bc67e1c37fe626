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

/* ---------------------------------------------------------------------- */
/* Connect                                                                */

typedef struct
{
  const BkCalendarConnectHooks *hooks;
  BkStore                      *store;
  BkTokenStore                 *token_store;
  BkOAuthFlow                  *flow;
  BkOAuthTokens                *tokens;
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
  g_autoptr(GPtrArray) calendars = connect->hooks->refresh_calendars_finish (object, result, &error);

  if (calendars == NULL ||
      !bk_store_set_active_source (connect->store, connect->hooks->source, &error))
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
  gpointer strategy = g_task_get_source_object (task);
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
  connect->hooks->forget_account (strategy);
  if (!bk_store_set_integration_account (connect->store, connect->hooks->provider, connect->tokens->account,
                                         connect->tokens->display_name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cancellable = g_task_get_cancellable (task);
  connect->hooks->refresh_calendars_async (strategy, cancellable, connect_refreshed_cb, g_steal_pointer (&task));
}

static void
connect_store_tokens (GTask *task)
{
  Connect *connect = g_task_get_task_data (task);

  if (connect->tokens->account == NULL || *connect->tokens->account == '\0')
    {
      g_task_return_new_error (task, connect->hooks->error_quark (), connect->hooks->error_code,
                               "%s", _(connect->hooks->no_account_message));
      g_object_unref (task);
      return;
    }
  bk_token_store_store_async (connect->token_store, connect->hooks->token_provider, connect->tokens->account,
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
  char *account = connect->hooks->resolve_account_finish (object, result, &error);

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
  if (connect->hooks->resolve_account_async != NULL)
    connect->hooks->resolve_account_async (g_task_get_source_object (task), connect->tokens,
                                           g_task_get_cancellable (task), connect_resolved_cb, task);
  else
    connect_store_tokens (task);
}

void
bk_calendar_connect_async (gpointer                      strategy,
                           const BkCalendarConnectHooks *hooks,
                           BkStore                      *store,
                           BkHttp                       *http,
                           BkTokenStore                 *token_store,
                           BkOAuthProvider              *provider,
                           BkOpenUriFunc                 open_uri,
                           gpointer                      open_uri_data,
                           GCancellable                 *cancellable,
                           GAsyncReadyCallback           callback,
                           gpointer                      user_data)
{
  GTask *task;
  Connect *connect;

  g_return_if_fail (G_IS_OBJECT (strategy));
  g_return_if_fail (hooks != NULL);
  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (BK_IS_HTTP (http));
  g_return_if_fail (BK_IS_TOKEN_STORE (token_store));
  g_return_if_fail (provider != NULL);
  g_return_if_fail (open_uri != NULL);

  task = g_task_new (strategy, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_calendar_connect_async);
  connect = g_new0 (Connect, 1);
  connect->hooks = hooks;
  connect->store = g_object_ref (store);
  connect->token_store = g_object_ref (token_store);
  connect->flow = bk_oauth_flow_new (http, provider);
  g_task_set_task_data (task, connect, connect_free);
  bk_oauth_flow_run_async (connect->flow, cancellable, connect_signed_in_cb, task);
  /* run_async has the listener up and the URL ready when it returns */
  if (bk_oauth_flow_get_authorize_uri (connect->flow) != NULL)
    open_uri (bk_oauth_flow_get_authorize_uri (connect->flow), open_uri_data);
}

char *
bk_calendar_connect_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

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
bk_calendar_disconnect_async (gpointer             source_object,
                              BkTokenStore        *token_store,
                              BkStore             *store,
                              const char          *provider,
                              const char          *token_provider,
                              BkSource             source,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GError) error = NULL;
  Disconnect *disconnect;
  GTask *task;

  g_return_if_fail (BK_IS_TOKEN_STORE (token_store));
  g_return_if_fail (BK_IS_STORE (store));

  task = g_task_new (source_object, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_calendar_disconnect_async);
  disconnect = g_new0 (Disconnect, 1);
  disconnect->store = g_object_ref (store);
  disconnect->provider = g_strdup (provider);
  disconnect->source = source;
  g_task_set_task_data (task, disconnect, disconnect_free);
  integration = bk_store_get_integration (store, provider, &error);
  if (integration == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  bk_token_store_clear_async (token_store, token_provider,
                              integration->account ? integration->account : "",
                              cancellable, disconnect_cleared_cb, task);
}

gboolean
bk_calendar_disconnect_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

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
                            GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  g_return_val_if_fail (BK_IS_STORE (store), FALSE);
  g_return_val_if_fail (BK_IS_APPOINTMENT (appointment), FALSE);

  bk_appointment_set_calendar_event_id (appointment, event_id);
  g_ptr_array_add (rows, appointment);
  return bk_store_upsert_appointments (store, rows, error);
}

char *
bk_calendar_create_finish (BkAvailabilityStrategy  *strategy,
                           GAsyncResult            *result,
                           GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, strategy), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
bk_calendar_change_finish (BkAvailabilityStrategy  *strategy,
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
  BkReadBusyFinishFunc  read_finish;
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

  call->report = call->read_finish (object, result, &error);
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

void
bk_calendar_slots_async (gpointer              source_object,
                         BkStore              *store,
                         gint64                now,
                         gint64                from,
                         gint64                to,
                         BkReadBusyAsyncFunc   read_async,
                         BkReadBusyFinishFunc  read_finish,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  SlotsCall *call;
  gint64 margin;

  g_task_set_source_tag (task, bk_calendar_slots_async);
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
  call->now = now;
  call->from = from;
  call->to = to;
  call->read_finish = read_finish;
  g_task_set_task_data (task, call, slots_call_free);
  /* busy time just outside [from, to) still matters (buffers, the slot's
   * length, the daily limit's local day) */
  margin = bk_availability_strategy_get_margin (rules);
  read_async (source_object, from - margin, to + margin, cancellable,
              slots_busy_read_cb, g_steal_pointer (&task));
}

GArray *
bk_calendar_slots_finish (GAsyncResult  *result,
                          BkSlotReport **out_report,
                          GError       **error)
{
  SlotsCall *call;
  GArray *slots;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  slots = g_task_propagate_pointer (G_TASK (result), error);
  call = g_task_get_task_data (G_TASK (result));
  if (slots != NULL && out_report != NULL)
    *out_report = call && call->report ? bk_slot_report_copy (call->report) : bk_slot_report_new ();
  return slots;
}
