/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-office365-calendar-strategy.c: availability from Office 365 calendars.
 *
 * (What is not Graph-specific — the sign-in bookkeeping, disconnect, the
 * busy cache with fail-closed coverage, slots from it — is shared with
 * Google in bk-calendar-strategy.c.)
 *
 * - Slots are the rules' slots minus the busy times of every selected
 *   calendar, read live over Graph (calendarView) each time and cached in
 *   the store (with the window read and when, and each event's id). The
 *   sync pass keeps the same cache up to date from calendarView/delta
 *   rounds instead (bk-sync-rounds.c) and then needs no live read. The cache is the single path: a live read is
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
  BkCalendarStrategy  parent_instance;

  /* for the account the store names; rebuilt when it changes */
  char               *account;
  BkOAuthTokenSource *tokens;
  BkGraphClient      *graph;
};

G_DEFINE_FINAL_TYPE (BkOffice365CalendarStrategy, bk_office365_calendar_strategy, BK_TYPE_CALENDAR_STRATEGY)

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static BkStore *
get_store (BkOffice365CalendarStrategy *self)
{
  return bk_calendar_strategy_get_store (BK_CALENDAR_STRATEGY (self));
}

static void
use_account (BkOffice365CalendarStrategy *self,
             const char                  *account)
{
  BkCalendarStrategy *base = BK_CALENDAR_STRATEGY (self);
  g_autoptr(BkOAuthProvider) provider = NULL;
  g_autofree char *graph_url = NULL;

  if (self->graph != NULL && g_strcmp0 (self->account, account) == 0)
    return;

  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_free (self->account);
  self->account = g_strdup (account);

  provider = bk_settings_new_microsoft_provider (bk_calendar_strategy_get_settings (base));
  graph_url = bk_settings_dup_graph_url (bk_calendar_strategy_get_settings (base));
  self->tokens = bk_oauth_token_source_new (bk_calendar_strategy_get_http (base),
                                            bk_calendar_strategy_get_token_store (base), provider, account);
  self->graph = bk_graph_client_new (bk_calendar_strategy_get_http (base), self->tokens, graph_url);
}

/* The Graph client of the account the store names, or NULL with an error
 * that says to connect. */
BkGraphClient *
_bk_office365_calendar_strategy_ensure_graph (BkOffice365CalendarStrategy  *self,
              GError                      **error)
{
  g_autoptr(BkIntegration) integration = bk_store_get_integration (get_store (self), PROVIDER, error);

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
    bk_calendar_note_reconnect_needed (get_store (self), PROVIDER, error);
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
forget_account (BkCalendarStrategy *strategy)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);

  g_clear_object (&self->graph);
  g_clear_object (&self->tokens);
  g_clear_pointer (&self->account, g_free);
}

static BkOAuthProvider *
new_oauth_provider (BkCalendarStrategy *self)
{
  return bk_settings_new_microsoft_provider (bk_calendar_strategy_get_settings (self));
}

/* ---------------------------------------------------------------------- */
/* Calendars                                                              */

static void
calendars_listed_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GError *error = NULL;
  GPtrArray *listed = bk_graph_client_list_calendars_finish (BK_GRAPH_CLIENT (object), result, &error);

  _bk_calendar_strategy_return_listed (user_data, listed, error);
}

static void
o365_list_calendars (BkCalendarStrategy *strategy,
                     GTask              *task)
{
  GError *error = NULL;
  BkGraphClient *graph = _bk_office365_calendar_strategy_ensure_graph (BK_OFFICE365_CALENDAR_STRATEGY (strategy),
                                                                       &error);

  if (graph == NULL)
    _bk_calendar_strategy_return_listed (task, NULL, error);
  else
    bk_graph_client_list_calendars_async (graph, g_task_get_cancellable (task), calendars_listed_cb, task);
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

static void
o365_read_busy_async (BkCalendarStrategy  *strategy,
                      gint64               from,
                      gint64               to,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  BkOffice365CalendarStrategy *self = BK_OFFICE365_CALENDAR_STRATEGY (strategy);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  g_autoptr(GError) error = NULL;
  BkGraphClient *graph;
  ReadBusy *state;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, o365_read_busy_async);
  if ((graph = _bk_office365_calendar_strategy_ensure_graph (self, &error)) == NULL ||
      (calendars = bk_store_list_calendars (get_store (self), PROVIDER, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  state = g_new0 (ReadBusy, 1);
  state->collector = bk_busy_collector_new (get_store (self), PROVIDER, from, to, bk_calendar_strategy_get_now (BK_CALENDAR_STRATEGY (self)));
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

/* ---------------------------------------------------------------------- */
/* GObject                                                                */

static void
bk_office365_calendar_strategy_class_init (BkOffice365CalendarStrategyClass *klass)
{
  BkCalendarStrategyClass *strategy_class = BK_CALENDAR_STRATEGY_CLASS (klass);

  /* Microsoft's id_token names the account: no resolve step. */
  strategy_class->provider = PROVIDER;
  strategy_class->token_provider = BK_OFFICE365_TOKEN_PROVIDER;
  strategy_class->source = BK_SOURCE_OFFICE365_CALENDAR;
  strategy_class->error_quark = bk_graph_error_quark;
  strategy_class->no_account_code = BK_GRAPH_ERROR_BAD_RESPONSE;
  strategy_class->no_account_message = N_("Microsoft did not say which account signed in; try connecting again.");
  strategy_class->new_oauth_provider = new_oauth_provider;
  strategy_class->forget_account = forget_account;
  strategy_class->list_calendars = o365_list_calendars;
  strategy_class->note_error = (void (*) (BkCalendarStrategy *, const GError *)) _bk_office365_calendar_strategy_note_error;
  strategy_class->read_busy_async = o365_read_busy_async;
  strategy_class->create_appointment_async = _bk_office365_calendar_strategy_create_appointment_async;
  strategy_class->update_appointment_async = _bk_office365_calendar_strategy_update_appointment_async;
  strategy_class->cancel_appointment_async = _bk_office365_calendar_strategy_cancel_appointment_async;
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
  return _bk_calendar_strategy_new (BK_TYPE_OFFICE365_CALENDAR_STRATEGY, store, http, token_store, settings);
}
