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
                      BK, OFFICE365_CALENDAR_STRATEGY, BkCalendarStrategy)

/* The Office 365 Calendar integration (a BkCalendarStrategy: connect,
 * disconnect, calendars, busy times and slots through its API): the calendar
 * list (/me/calendars), busy times (live, cached in @store), and the
 * appointment writes over Microsoft Graph. The account is the one the store's
 * integration names; URLs and the client id come from @settings
 * (bk_settings_new() when NULL). */
BkOffice365CalendarStrategy *bk_office365_calendar_strategy_new          (BkStore                     *store,
                                                                          BkHttp                      *http,
                                                                          BkTokenStore                *token_store,
                                                                          GSettings                   *settings);
/* The Graph client of the connected account (NULL before one is known): its
 * request and byte counts. */
BkGraphClient      *bk_office365_calendar_strategy_get_graph_client      (BkOffice365CalendarStrategy *self);
/* The extended property value / transactionId Bookable gives the event of
 * appointment @appointment_id. */
char               *bk_office365_calendar_strategy_dup_transaction_id    (const char                  *appointment_id);

G_END_DECLS
