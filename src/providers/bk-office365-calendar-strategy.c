/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-office365-calendar-strategy.c: availability from Office 365 calendars.
 *
 * - Slots are the rules' slots minus the busy times of every selected
 *   calendar, read live over Graph each time and cached in the store (with
 *   the window read and when). The cache is the single path: a live read is
 *   written to it, then slots are computed from it, so the tentative/oof
 *   policy is applied in one place (the store's query).
 * - Fail closed: a calendar that fails part-way (a 5xx on page 3) has its
 *   unread rest blocked, with the reason; only what was read completely is
 *   used. When Graph cannot be reached at all (network, revoked grant), the
 *   cache is used for the windows it covers and the rest is blocked.
 * - Appointments go to the destination calendar. The event carries a
 *   transactionId derived from the appointment id (Graph returns the first
 *   event again for a repeated POST) and the appointment id in an extended
 *   property; the event id is written to the store before success is
 *   reported. An invalid_grant puts the integration in "reconnect needed";
 *   nothing queued is touched. */

#define G_LOG_DOMAIN "bk-office365"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-oauth-flow.h"
#include "bk-office365-calendar-strategy-private.h"
#include "bk-settings.h"

#define PROVIDER BK_PROVIDER_OFFICE365

struct _BkOffice365CalendarStrategy
{
  GObject             parent_instance;

  BkStore            *store;
  BkHttp             *http;
  BkTokenStore       *token_store;
  GSettings          *settings;
  gint64              now;

  /* for the account the store names; rebuilt when it changes */
  char               *account;
  BkOAuthTokenSource *tokens;
  BkGraphClient      *graph;
};

static void strategy_iface_init (BkAvailabilityStrategyInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BkOffice365CalendarStrategy, bk_office365_calendar_strategy, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (BK_TYPE_AVAILABILITY_STRATEGY, strategy_iface_init))

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static gint64
get_now (BkOffice365CalendarStrategy *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static void
use_account (BkOffice365CalendarStrategy *self,
             const char                  *account)
{
  g_autoptr(BkOAuthProvider) provider = NULL;
  g_autofree char *graph_url = NULL;

  if (self->graph != NULL && g_strcmp0 (self->account, account) == 0)
    return;

  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_free (self->account);
  self->account = g_strdup (account);

  provider = bk_settings_new_microsoft_provider (self->settings);
  graph_url = bk_settings_dup_graph_url (self->settings);
  self->tokens = bk_oauth_token_source_new (self->http, self->token_store, provider, account);
  self->graph = bk_graph_client_new (self->http, self->tokens, graph_url);
}

/* The Graph client of the account the store names, or NULL with an error
 * that says to connect. */
BkGraphClient *
_bk_office365_calendar_strategy_ensure_graph (BkOffice365CalendarStrategy  *self,
              GError                      **error)
{
  g_autoptr(BkIntegration) integration = bk_store_get_integration (self->store, PROVIDER, error);

  if (integration == NULL)
    return NULL;
  if (integration->account == NULL)
    {
      g_set_error_literal (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_RECONNECT_NEEDED,
                           _("Office 365 Calendar is not connected. Connect it on the Office 365 Calendar tab or with “bookablectl connect office365”."));
      return NULL;
    }
  use_account (self, integration->account);
  return self->graph;
}

/* A revoked grant is the integration's state, not just this call's error:
 * the tab and `bookablectl status` show it until Reconnect. */
void
_bk_office365_calendar_strategy_note_error (BkOffice365CalendarStrategy *self,
            const GError                *error)
{
  if (g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_RECONNECT_NEEDED) &&
      self->account != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      if (!bk_store_set_reconnect_needed (self->store, PROVIDER, TRUE, error->message, &local_error))
        g_warning ("Could not record that Office 365 needs reconnecting: %s", local_error->message);
    }
}

static gboolean
is_unreachable (const GError *error)
{
  return g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_NETWORK) ||
         g_error_matches (error, BK_GRAPH_ERROR, BK_GRAPH_ERROR_RECONNECT_NEEDED);
}

char *
bk_office365_calendar_strategy_dup_transaction_id (const char *appointment_id)
{
  g_autofree char *hash = NULL;

  g_return_val_if_fail (appointment_id != NULL, NULL);

  /* stable per appointment, opaque, and distinct from other apps' ids */
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, appointment_id, -1);
  return g_strdup_printf ("bookable-%.32s", hash);
}

/* ---------------------------------------------------------------------- */
/* Connect and disconnect                                                 */

typedef struct
{
  BkOAuthFlow   *flow;
  BkOAuthTokens *tokens;
  char          *account;
} Connect;

static void
connect_free (gpointer data)
{
  Connect *connect = data;

  g_clear_object (&connect->flow);
  g_clear_pointer (&connect->tokens, bk_oauth_tokens_free);
  g_free (connect->account);
  g_free (connect);
}

static void
connect_calendars_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (object);
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) calendars = NULL;

  calendars = bk_office365_calendar_strategy_refresh_calendars_finish (self, result, &error);
  if (calendars == NULL ||
      !bk_store_set_active_source (self->store, BK_SOURCE_OFFICE365_CALENDAR, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_strdup (connect->account), g_free);
}

static void
connect_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!bk_token_store_store_finish (BK_TOKEN_STORE (object), result, &error) ||
      !bk_store_set_integration_account (self->store, PROVIDER, connect->account,
                                         connect->tokens->display_name, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* a fresh token source: a reconnect must not inherit the old state */
  g_clear_object (&self->graph);
  use_account (self, connect->account);
  cancellable = g_task_get_cancellable (task);
  bk_office365_calendar_strategy_refresh_calendars_async (self, cancellable,
                                                          connect_calendars_cb, g_steal_pointer (&task));
}

static void
connect_flow_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  Connect *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  connect->tokens = bk_oauth_flow_run_finish (BK_OAUTH_FLOW (object), result, &error);
  if (connect->tokens == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (connect->tokens->account == NULL || *connect->tokens->account == '\0')
    {
      g_task_return_new_error (task, BK_GRAPH_ERROR, BK_GRAPH_ERROR_BAD_RESPONSE,
                               _("Microsoft did not say which account signed in; try connecting again."));
      return;
    }
  connect->account = g_strdup (connect->tokens->account);
  {
    GCancellable *cancellable = g_task_get_cancellable (task);

    bk_token_store_store_async (self->token_store, BK_OFFICE365_TOKEN_PROVIDER, connect->account,
                                connect->tokens, cancellable,
                                connect_stored_cb, g_steal_pointer (&task));
  }
}

void
bk_office365_calendar_strategy_connect_async (BkOffice365CalendarStrategy *self,
                                              BkOpenUriFunc                open_uri,
                                              gpointer                     open_uri_data,
                                              GCancellable                *cancellable,
                                              GAsyncReadyCallback          callback,
                                              gpointer                     user_data)
{
  g_autoptr(BkOAuthProvider) provider = NULL;
  GTask *task;
  Connect *connect;

  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));
  g_return_if_fail (open_uri != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_office365_calendar_strategy_connect_async);
  connect = g_new0 (Connect, 1);
  g_task_set_task_data (task, connect, connect_free);

  provider = bk_settings_new_microsoft_provider (self->settings);
  connect->flow = bk_oauth_flow_new (self->http, provider);
  bk_oauth_flow_run_async (connect->flow, cancellable, connect_flow_cb, task);
  /* run_async has the listener up and the URL ready when it returns */
  if (bk_oauth_flow_get_authorize_uri (connect->flow) != NULL)
    open_uri (bk_oauth_flow_get_authorize_uri (connect->flow), open_uri_data);
}

char *
bk_office365_calendar_strategy_connect_finish (BkOffice365CalendarStrategy  *self,
                                               GAsyncResult                 *result,
                                               GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
disconnect_cleared_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  if (!bk_token_store_clear_finish (BK_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);

  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->account, g_free);
  if (!bk_store_set_integration_account (self->store, PROVIDER, NULL, NULL, &error) ||
      (bk_store_get_active_source (self->store, NULL) == BK_SOURCE_OFFICE365_CALENDAR &&
       !bk_store_set_active_source (self->store, BK_SOURCE_MANUAL, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

void
bk_office365_calendar_strategy_disconnect_async (BkOffice365CalendarStrategy *self,
                                                 GCancellable                *cancellable,
                                                 GAsyncReadyCallback          callback,
                                                 gpointer                     user_data)
{
  g_autoptr(BkIntegration) integration = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_office365_calendar_strategy_disconnect_async);
  integration = bk_store_get_integration (self->store, PROVIDER, &error);
  if (integration == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  bk_token_store_clear_async (self->token_store, BK_OFFICE365_TOKEN_PROVIDER,
                              integration->account ? integration->account : "",
                              cancellable, disconnect_cleared_cb, task);
}

gboolean
bk_office365_calendar_strategy_disconnect_finish (BkOffice365CalendarStrategy  *self,
                                                  GAsyncResult                 *result,
                                                  GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Calendars                                                              */

static void
calendars_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  GPtrArray *stored;

  listed = bk_graph_client_list_calendars_finish (BK_GRAPH_CLIENT (object), result, &error);
  if (listed == NULL || !bk_store_sync_calendars (self->store, PROVIDER, listed, &error) ||
      (stored = bk_store_list_calendars (self->store, PROVIDER, &error)) == NULL)
    {
      _bk_office365_calendar_strategy_note_error (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, stored, (GDestroyNotify) g_ptr_array_unref);
}

void
bk_office365_calendar_strategy_refresh_calendars_async (BkOffice365CalendarStrategy *self,
                                                        GCancellable                *cancellable,
                                                        GAsyncReadyCallback          callback,
                                                        gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  BkGraphClient *graph;

  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_office365_calendar_strategy_refresh_calendars_async);
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bk_graph_client_list_calendars_async (graph, cancellable, calendars_listed_cb, g_steal_pointer (&task));
}

GPtrArray *
bk_office365_calendar_strategy_refresh_calendars_finish (BkOffice365CalendarStrategy  *self,
                                                         GAsyncResult                 *result,
                                                         GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

BkStore *
_bk_office365_calendar_strategy_get_store (BkOffice365CalendarStrategy *self)
{
  g_assert (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));

  return self->store;
}

BkGraphClient *
bk_office365_calendar_strategy_get_graph_client (BkOffice365CalendarStrategy *self)
{
  g_return_val_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self), NULL);

  return _bk_office365_calendar_strategy_ensure_graph (self, NULL);
}

/* ---------------------------------------------------------------------- */
/* Busy times                                                             */

typedef struct
{
  gint64     from;
  gint64     to;
  gint64     now;
  guint      pending;
  GPtrArray *calendars;  /* the selected BkCalendar */
  GPtrArray *failed;     /* BkBusyTime with a reason */
  gboolean   offline;
  GError    *fatal;
} ReadBusy;

static void
read_busy_free (gpointer data)
{
  ReadBusy *state = data;

  g_clear_pointer (&state->calendars, g_ptr_array_unref);
  g_clear_pointer (&state->failed, g_ptr_array_unref);
  g_clear_error (&state->fatal);
  g_free (state);
}

typedef struct
{
  GTask      *task;
  BkCalendar *calendar;  /* owned by ReadBusy.calendars */
} CalendarRead;

static gint
compare_busy (gconstpointer a,
              gconstpointer b)
{
  const BkBusyTime *x = *(const BkBusyTime * const *) a;
  const BkBusyTime *y = *(const BkBusyTime * const *) b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
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

/* Everything that blocks [from, to): cached busy times under the policy,
 * the windows that failed, and whatever no read (now or earlier) covers. */
static BkSlotReport *
assemble_report (BkOffice365CalendarStrategy  *self,
                 ReadBusy                     *state,
                 GError                      **error)
{
  g_autoptr(BkSlotReport) report = bk_slot_report_new ();
  g_autoptr(GPtrArray) busy = NULL;
  g_autoptr(GArray) gaps = NULL;
  gint64 oldest = 0;

  busy = bk_store_list_calendar_busy (self->store, PROVIDER, state->from, state->to, error);
  if (busy == NULL)
    return NULL;
  gaps = bk_store_list_uncovered (self->store, PROVIDER, state->from, state->to, &oldest, error);
  if (gaps == NULL)
    return NULL;

  g_ptr_array_extend_and_steal (report->blocked, g_steal_pointer (&busy));
  for (guint i = 0; i < state->failed->len; i++)
    g_ptr_array_add (report->blocked, bk_busy_time_copy (g_ptr_array_index (state->failed, i)));
  for (guint i = 0; i < gaps->len; i++)
    {
      const BkInterval *gap = &g_array_index (gaps, BkInterval, i);

      g_ptr_array_add (report->blocked,
                       new_unread (gap->start, gap->end, NULL,
                                   _("The Office 365 calendars could not be read for this time, and no earlier reading is stored.")));
    }
  g_ptr_array_sort (report->blocked, compare_busy);

  report->from_cache = state->offline;
  report->read_at = state->offline ? oldest : state->now;
  if (!state->offline && state->failed->len == 0 &&
      !bk_store_set_last_sync (self->store, PROVIDER, state->now, error))
    return NULL;
  return g_steal_pointer (&report);
}

static void
read_busy_step_done (GTask *task)
{
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  ReadBusy *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  BkSlotReport *report;

  if (--state->pending > 0)
    return;
  if (state->fatal != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&state->fatal));
      return;
    }
  report = assemble_report (self, state, &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bk_slot_report_free);
}

/* Caches what was read completely: [from, complete_until). */
static gboolean
cache_read (BkOffice365CalendarStrategy  *self,
            ReadBusy                     *state,
            const BkCalendar             *calendar,
            BkGraphBusyRead              *read,
            GError                      **error)
{
  g_autoptr(GPtrArray) complete = g_ptr_array_new ();

  if (read->complete_until <= state->from)
    return TRUE;
  /* events starting later may have company on the pages that failed */
  for (guint i = 0; i < read->busy->len; i++)
    {
      BkBusyTime *time = g_ptr_array_index (read->busy, i);

      if (time->start < read->complete_until)
        g_ptr_array_add (complete, time);
    }
  return bk_store_replace_busy (self->store, PROVIDER, calendar->remote_id, state->from,
                                read->complete_until, complete, state->now, error);
}

static void
calendar_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  CalendarRead *cr = user_data;
  g_autoptr(GTask) task = cr->task;
  BkOffice365CalendarStrategy *self = g_task_get_source_object (task);
  ReadBusy *state = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(BkGraphBusyRead) read = NULL;

  read = bk_graph_client_read_busy_finish (BK_GRAPH_CLIENT (object), result, &error);
  if (read == NULL || !cache_read (self, state, cr->calendar, read, &error))
    {
      if (state->fatal == NULL)
        state->fatal = g_steal_pointer (&error);
    }
  else if (read->error != NULL)
    {
      _bk_office365_calendar_strategy_note_error (self, read->error);
      if (is_unreachable (read->error))
        state->offline = TRUE;  /* the cache stands in; gaps stay blocked */
      else
        {
          g_autofree char *reason = g_strdup_printf (_("Calendar “%s” could not be read: %s"),
                                                     cr->calendar->name, read->error->message);

          g_ptr_array_add (state->failed, new_unread (read->complete_until, state->to,
                                                      cr->calendar, reason));
        }
    }
  g_free (cr);
  read_busy_step_done (task);
}

void
bk_office365_calendar_strategy_read_busy_async (BkOffice365CalendarStrategy *self,
                                                gint64                       from,
                                                gint64                       to,
                                                GCancellable                *cancellable,
                                                GAsyncReadyCallback          callback,
                                                gpointer                     user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GError) error = NULL;
  BkGraphClient *graph;
  ReadBusy *state;

  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));
  g_return_if_fail (from < to);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_office365_calendar_strategy_read_busy_async);
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL ||
      (calendars = bk_store_list_calendars (self->store, PROVIDER, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state = g_new0 (ReadBusy, 1);
  state->from = from;
  state->to = to;
  state->now = get_now (self);
  state->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  state->failed = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  state->pending = 1;  /* held until every read is started */
  g_task_set_task_data (task, state, read_busy_free);

  for (guint i = 0; i < calendars->len; i++)
    {
      BkCalendar *calendar = g_ptr_array_index (calendars, i);
      CalendarRead *cr;

      if (!calendar->selected)
        continue;
      g_ptr_array_add (state->calendars, bk_calendar_copy (calendar));
      cr = g_new0 (CalendarRead, 1);
      cr->task = g_object_ref (task);
      cr->calendar = g_ptr_array_index (state->calendars, state->calendars->len - 1);
      state->pending++;
      bk_graph_client_read_busy_async (graph, calendar->remote_id, from, to, cancellable,
                                       calendar_read_cb, cr);
    }
  read_busy_step_done (task);
}

BkSlotReport *
bk_office365_calendar_strategy_read_busy_finish (BkOffice365CalendarStrategy  *self,
                                                 GAsyncResult                 *result,
                                                 GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---------------------------------------------------------------------- */
/* Slots                                                                  */

typedef struct
{
  gint64        from;
  gint64        to;
  BkSlotReport *report;
} SlotsCall;

static void
slots_call_free (gpointer data)
{
  SlotsCall *call = data;

  g_clear_pointer (&call->report, bk_slot_report_free);
  g_free (call);
}

static void
slots_busy_read_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (object);
  SlotsCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) busy = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  GArray *slots;

  call->report = bk_office365_calendar_strategy_read_busy_finish (self, result, &error);
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
  slots = bk_availability_strategy_compute_slots (self->store, busy, get_now (self),
                                                  call->from, call->to, &error);
  if (slots == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, slots, (GDestroyNotify) g_array_unref);
}

static void
o365_get_available_slots_async (BkAvailabilityStrategy *strategy,
                                gint64                  from,
                                gint64                  to,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GError) error = NULL;
  SlotsCall *call;
  gint64 margin;

  g_task_set_source_tag (task, o365_get_available_slots_async);
  if ((rules = bk_store_load_rules (self->store, &error)) == NULL)
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
  call->from = from;
  call->to = to;
  g_task_set_task_data (task, call, slots_call_free);
  /* busy time just outside [from, to) still matters (buffers, the slot's
   * length, the daily limit's local day) */
  margin = bk_availability_strategy_get_margin (rules);
  bk_office365_calendar_strategy_read_busy_async (self, from - margin, to + margin, cancellable,
                                                  slots_busy_read_cb, g_steal_pointer (&task));
}

static GArray *
o365_get_available_slots_finish (BkAvailabilityStrategy  *strategy,
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
/* GObject                                                                */

static void
strategy_iface_init (BkAvailabilityStrategyInterface *iface)
{
  iface->get_available_slots_async = o365_get_available_slots_async;
  iface->get_available_slots_finish = o365_get_available_slots_finish;
  iface->create_appointment_async = _bk_office365_calendar_strategy_create_appointment_async;
  iface->create_appointment_finish = _bk_office365_calendar_strategy_create_appointment_finish;
  iface->update_appointment_async = _bk_office365_calendar_strategy_update_appointment_async;
  iface->update_appointment_finish = _bk_office365_calendar_strategy_boolean_finish;
  iface->cancel_appointment_async = _bk_office365_calendar_strategy_cancel_appointment_async;
  iface->cancel_appointment_finish = _bk_office365_calendar_strategy_boolean_finish;
}

static void
bk_office365_calendar_strategy_finalize (GObject *object)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (object);

  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->account, g_free);
  g_clear_object (&self->settings);
  g_clear_object (&self->token_store);
  g_clear_object (&self->http);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (bk_office365_calendar_strategy_parent_class)->finalize (object);
}

static void
bk_office365_calendar_strategy_class_init (BkOffice365CalendarStrategyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_office365_calendar_strategy_finalize;
}

static void
bk_office365_calendar_strategy_init (BkOffice365CalendarStrategy *self)
{
}

BkOffice365CalendarStrategy *
bk_office365_calendar_strategy_new (BkStore      *store,
                                    BkHttp       *http,
                                    BkTokenStore *token_store,
                                    GSettings    *settings)
{
  BkOffice365CalendarStrategy *self;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);
  g_return_val_if_fail (BK_IS_HTTP (http), NULL);
  g_return_val_if_fail (BK_IS_TOKEN_STORE (token_store), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (BK_TYPE_OFFICE365_CALENDAR_STRATEGY, NULL);
  self->store = g_object_ref (store);
  self->http = g_object_ref (http);
  self->token_store = g_object_ref (token_store);
  self->settings = settings ? g_object_ref (settings) : bk_settings_new ();
  return self;
}

void
bk_office365_calendar_strategy_set_now (BkOffice365CalendarStrategy *self,
                                        gint64                       now)
{
  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));

  self->now = now;
}
