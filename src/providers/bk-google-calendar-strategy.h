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
                      BK, GOOGLE_CALENDAR_STRATEGY, GObject)

/* The Google Calendar integration: connect/disconnect, the calendar choice,
 * busy times (live, cached in @store), and the four strategy operations over
 * the Calendar API v3. The account (the primary calendar's id) is the one
 * the store's integration names; URLs, client id and secret come from
 * @settings (bk_settings_new() when NULL). */
BkGoogleCalendarStrategy *bk_google_calendar_strategy_new          (BkStore                  *store,
                                                                    BkHttp                   *http,
                                                                    BkTokenStore             *token_store,
                                                                    GSettings                *settings);
/* 0 (the default): the real time. */
void          bk_google_calendar_strategy_set_now                  (BkGoogleCalendarStrategy *self,
                                                                    gint64                    now);
/* Signs in (PKCE over a loopback redirect, with the client secret; @open_uri
 * gets the authorize URL), takes the account from the primary calendar,
 * stores the tokens in the keyring, the account in the store, reads the
 * calendars and makes Google the active source. Returns the account. Also
 * what Reconnect does. */
void          bk_google_calendar_strategy_connect_async            (BkGoogleCalendarStrategy *self,
                                                                    BkOpenUriFunc             open_uri,
                                                                    gpointer                  open_uri_data,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
char         *bk_google_calendar_strategy_connect_finish           (BkGoogleCalendarStrategy *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
/* Removes the keyring entry, forgets the calendars and their busy times, and
 * returns the expert to manual scheduling. */
void          bk_google_calendar_strategy_disconnect_async         (BkGoogleCalendarStrategy *self,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
gboolean      bk_google_calendar_strategy_disconnect_finish        (BkGoogleCalendarStrategy *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
/* Reads calendarList into the store (choices kept); returns the store's
 * list (BkCalendar). */
void          bk_google_calendar_strategy_refresh_calendars_async  (BkGoogleCalendarStrategy *self,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
GPtrArray    *bk_google_calendar_strategy_refresh_calendars_finish (BkGoogleCalendarStrategy *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
/* Reads the busy times of every selected calendar over [from, to) — by
 * freeBusy, or by events.list when the policy lets tentative or
 * out-of-office time through — live, falling back to the cache when Google
 * cannot be reached, and reports what blocks time (fail closed). */
void          bk_google_calendar_strategy_read_busy_async          (BkGoogleCalendarStrategy *self,
                                                                    gint64                    from,
                                                                    gint64                    to,
                                                                    GCancellable             *cancellable,
                                                                    GAsyncReadyCallback       callback,
                                                                    gpointer                  user_data);
BkSlotReport *bk_google_calendar_strategy_read_busy_finish         (BkGoogleCalendarStrategy *self,
                                                                    GAsyncResult             *result,
                                                                    GError                  **error);
/* The client of the connected account (NULL before one is known). */
BkGoogleClient *bk_google_calendar_strategy_get_client             (BkGoogleCalendarStrategy *self);

G_END_DECLS
