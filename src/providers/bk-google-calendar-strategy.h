/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-availability-strategy.h"
#include "bk-calendar-strategy.h"
#include "bk-google-client.h"
#include "bk-http.h"
#include "bk-token-store.h"

G_BEGIN_DECLS

/* The keyring's provider name for Google accounts (BkOAuthProvider id). */
#define BK_GOOGLE_TOKEN_PROVIDER "google"

#define BK_TYPE_GOOGLE_CALENDAR_STRATEGY (bk_google_calendar_strategy_get_type ())

G_DECLARE_FINAL_TYPE (BkGoogleCalendarStrategy, bk_google_calendar_strategy,
                      BK, GOOGLE_CALENDAR_STRATEGY, BkCalendarStrategy)

/* The Google Calendar integration (a BkCalendarStrategy: connect,
 * disconnect, calendars, busy times and slots through its API): the account
 * from the primary calendar, calendarList, busy times by freeBusy or by
 * events.list when the policy lets tentative or out-of-office time through
 * (live, cached in @store), and the appointment writes over the Calendar
 * API v3. The account (the primary calendar's id) is the one
 * the store's integration names; URLs, client id and secret come from
 * @settings (bk_settings_new() when NULL). */
BkGoogleCalendarStrategy *bk_google_calendar_strategy_new          (BkStore                  *store,
                                                                    BkHttp                   *http,
                                                                    BkTokenStore             *token_store,
                                                                    GSettings                *settings);
/* The client of the connected account (NULL before one is known). */
BkGoogleClient *bk_google_calendar_strategy_get_client             (BkGoogleCalendarStrategy *self);

G_END_DECLS
