/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-availability-strategy.h"
#include "bk-calendar-strategy.h"
#include "bk-graph-client.h"
#include "bk-http.h"
#include "bk-oauth-token-source.h"
#include "bk-token-store.h"

G_BEGIN_DECLS

/* The keyring's provider name for Microsoft accounts (BkOAuthProvider id). */
#define BK_OFFICE365_TOKEN_PROVIDER "office365"

/* BkOpenUriFunc is in bk-calendar-strategy.h, shared with Google. */

#define BK_TYPE_OFFICE365_CALENDAR_STRATEGY (bk_office365_calendar_strategy_get_type ())

G_DECLARE_FINAL_TYPE (BkOffice365CalendarStrategy, bk_office365_calendar_strategy,
                      BK, OFFICE365_CALENDAR_STRATEGY, GObject)

/* The Office 365 Calendar integration: connect/disconnect, the calendar
 * choice, busy times (live, cached in @store), and the four strategy
 * operations over Microsoft Graph. The account is the one the store's
 * integration names; URLs and the client id come from @settings
 * (bk_settings_new() when NULL). */
BkOffice365CalendarStrategy *bk_office365_calendar_strategy_new          (BkStore                     *store,
                                                                          BkHttp                      *http,
                                                                          BkTokenStore                *token_store,
                                                                          GSettings                   *settings);
/* 0 (the default): the real time. */
void                bk_office365_calendar_strategy_set_now               (BkOffice365CalendarStrategy *self,
                                                                          gint64                       now);
/* Signs in (PKCE over a loopback redirect; @open_uri gets the authorize
 * URL), stores the tokens in the keyring, the account in the store, reads
 * the calendars and makes Office 365 the active source. Returns the
 * account. Also what Reconnect does. */
void                bk_office365_calendar_strategy_connect_async         (BkOffice365CalendarStrategy *self,
                                                                          BkOpenUriFunc                open_uri,
                                                                          gpointer                     open_uri_data,
                                                                          GCancellable                *cancellable,
                                                                          GAsyncReadyCallback          callback,
                                                                          gpointer                     user_data);
char               *bk_office365_calendar_strategy_connect_finish        (BkOffice365CalendarStrategy *self,
                                                                          GAsyncResult                *result,
                                                                          GError                     **error);
/* Removes the keyring entry, forgets the calendars and their busy times, and
 * returns the expert to manual scheduling. */
void                bk_office365_calendar_strategy_disconnect_async      (BkOffice365CalendarStrategy *self,
                                                                          GCancellable                *cancellable,
                                                                          GAsyncReadyCallback          callback,
                                                                          gpointer                     user_data);
gboolean            bk_office365_calendar_strategy_disconnect_finish     (BkOffice365CalendarStrategy *self,
                                                                          GAsyncResult                *result,
                                                                          GError                     **error);
/* Reads /me/calendars into the store (choices kept); returns the store's
 * list (BkCalendar). Select with bk_store_select_calendars(). */
void                bk_office365_calendar_strategy_refresh_calendars_async  (BkOffice365CalendarStrategy *self,
                                                                             GCancellable                *cancellable,
                                                                             GAsyncReadyCallback          callback,
                                                                             gpointer                     user_data);
GPtrArray          *bk_office365_calendar_strategy_refresh_calendars_finish (BkOffice365CalendarStrategy *self,
                                                                             GAsyncResult                *result,
                                                                             GError                     **error);
/* Reads the busy times of every selected calendar over [from, to) (live,
 * falling back to the cache when Graph cannot be reached) and reports what
 * blocks time: the busy times under the tentative/oof policy, and every
 * window that could not be read, with the reason (fail closed). */
void                bk_office365_calendar_strategy_read_busy_async       (BkOffice365CalendarStrategy *self,
                                                                          gint64                       from,
                                                                          gint64                       to,
                                                                          GCancellable                *cancellable,
                                                                          GAsyncReadyCallback          callback,
                                                                          gpointer                     user_data);
BkSlotReport       *bk_office365_calendar_strategy_read_busy_finish      (BkOffice365CalendarStrategy *self,
                                                                          GAsyncResult                *result,
                                                                          GError                     **error);
/* The Graph client of the connected account (NULL before one is known): its
 * request and byte counts. */
BkGraphClient      *bk_office365_calendar_strategy_get_graph_client      (BkOffice365CalendarStrategy *self);
/* The extended property value / transactionId Bookable gives the event of
 * appointment @appointment_id. */
char               *bk_office365_calendar_strategy_dup_transaction_id    (const char                  *appointment_id);

G_END_DECLS
