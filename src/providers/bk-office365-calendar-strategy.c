/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-office365-calendar-strategy.c: availability from Office 365 calendars.
 *
 * (What is not Graph-specific — the sign-in bookkeeping, disconnect, the
 * busy cache with fail-closed coverage, slots from it — is shared with
 * Google in bk-calendar-strategy.c.)
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
    bk_calendar_note_reconnect_needed (self->store, PROVIDER, error);
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

static void
forget_account (BkOffice365CalendarStrategy *self)
{
  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->account, g_free);
}

/* Microsoft's id_token names the account: no resolve step. */
static const BkCalendarConnectHooks connect_hooks = {
  .provider = PROVIDER,
  .token_provider = BK_OFFICE365_TOKEN_PROVIDER,
  .source = BK_SOURCE_OFFICE365_CALENDAR,
  .forget_account = (void (*) (gpointer)) forget_account,
  .refresh_calendars_async = (BkCalendarAsyncFunc) bk_office365_calendar_strategy_refresh_calendars_async,
  .refresh_calendars_finish = (BkCalendarListFinishFunc) bk_office365_calendar_strategy_refresh_calendars_finish,
  .error_quark = bk_graph_error_quark,
  .error_code = BK_GRAPH_ERROR_BAD_RESPONSE,
  .no_account_message = N_("Microsoft did not say which account signed in; try connecting again."),
};

void
bk_office365_calendar_strategy_connect_async (BkOffice365CalendarStrategy *self,
                                              BkOpenUriFunc                open_uri,
                                              gpointer                     open_uri_data,
                                              GCancellable                *cancellable,
                                              GAsyncReadyCallback          callback,
                                              gpointer                     user_data)
{
  g_autoptr(BkOAuthProvider) provider = NULL;

  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));
  g_return_if_fail (open_uri != NULL);

  provider = bk_settings_new_microsoft_provider (self->settings);
  bk_calendar_connect_async (self, &connect_hooks, self->store, self->http, self->token_store, provider,
                             open_uri, open_uri_data, cancellable, callback, user_data);
}

char *
bk_office365_calendar_strategy_connect_finish (BkOffice365CalendarStrategy  *self,
                                               GAsyncResult                 *result,
                                               GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return bk_calendar_connect_finish (result, error);
}

void
bk_office365_calendar_strategy_disconnect_async (BkOffice365CalendarStrategy *self,
                                                 GCancellable                *cancellable,
                                                 GAsyncReadyCallback          callback,
                                                 gpointer                     user_data)
{
  g_return_if_fail (BK_IS_OFFICE365_CALENDAR_STRATEGY (self));

  forget_account (self);
  bk_calendar_disconnect_async (self, self->token_store, self->store, PROVIDER, BK_OFFICE365_TOKEN_PROVIDER,
                                BK_SOURCE_OFFICE365_CALENDAR, cancellable, callback, user_data);
}

gboolean
bk_office365_calendar_strategy_disconnect_finish (BkOffice365CalendarStrategy  *self,
                                                  GAsyncResult                 *result,
                                                  GError                      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return bk_calendar_disconnect_finish (result, error);
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
  if (listed == NULL || (stored = bk_calendar_store_listed (self->store, PROVIDER, listed, &error)) == NULL)
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
  guint            pending;
  BkBusyCollector *collector;
  GPtrArray       *calendars;  /* the selected BkCalendar */
  GError          *fatal;
} ReadBusy;

static void
read_busy_free (gpointer data)
{
  ReadBusy *state = data;

  g_clear_pointer (&state->collector, bk_busy_collector_free);
  g_clear_pointer (&state->calendars, g_ptr_array_unref);
  g_clear_error (&state->fatal);
  g_free (state);
}

typedef struct
{
  GTask      *task;
  BkCalendar *calendar;  /* owned by ReadBusy.calendars */
} CalendarRead;

static void
read_busy_step_done (GTask *task)
{
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
  report = bk_busy_collector_finish (state->collector,
                                     _("The Office 365 calendars could not be read for this time, and no earlier reading is stored."),
                                     &error);
  if (report == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, report, (GDestroyNotify) bk_slot_report_free);
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
  if (read != NULL && read->error != NULL)
    _bk_office365_calendar_strategy_note_error (self, read->error);
  if (read == NULL ||
      !bk_busy_collector_add (state->collector, cr->calendar, read->busy, read->complete_until,
                              read->error, read->error != NULL && is_unreachable (read->error), &error))
    {
      if (state->fatal == NULL)
        state->fatal = g_steal_pointer (&error);
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
  state->collector = bk_busy_collector_new (self->store, PROVIDER, from, to, get_now (self));
  state->calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
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

static void
o365_get_available_slots_async (BkAvailabilityStrategy *strategy,
                                gint64                  from,
                                gint64                  to,
                                GCancellable           *cancellable,
                                GAsyncReadyCallback     callback,
                                gpointer                user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);

  bk_calendar_slots_async (self, self->store, get_now (self), from, to,
                           (BkReadBusyAsyncFunc) bk_office365_calendar_strategy_read_busy_async,
                           (BkReadBusyFinishFunc) bk_office365_calendar_strategy_read_busy_finish,
                           cancellable, callback, user_data);
}

static GArray *
o365_get_available_slots_finish (BkAvailabilityStrategy  *strategy,
                                 GAsyncResult            *result,
                                 BkSlotReport           **out_report,
                                 GError                 **error)
{
  return bk_calendar_slots_finish (result, out_report, error);
}

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
strategy_iface_init (BkAvailabilityStrategyInterface *iface)
{
  iface->get_available_slots_async = o365_get_available_slots_async;
  iface->get_available_slots_finish = o365_get_available_slots_finish;
  iface->create_appointment_async = _bk_office365_calendar_strategy_create_appointment_async;
  iface->create_appointment_finish = bk_calendar_create_finish;
  iface->update_appointment_async = _bk_office365_calendar_strategy_update_appointment_async;
  iface->update_appointment_finish = bk_calendar_change_finish;
  iface->cancel_appointment_async = _bk_office365_calendar_strategy_cancel_appointment_async;
  iface->cancel_appointment_finish = bk_calendar_change_finish;
}

static void
bk_office365_calendar_strategy_finalize (GObject *object)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (object);

  forget_account (self);
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
