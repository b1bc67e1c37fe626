/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-availability-strategy.h"
#include "bk-http.h"
#include "bk-oauth.h"
#include "bk-store.h"
#include "bk-token-store.h"

G_BEGIN_DECLS

/* What the calendar strategies (Office 365, Google) share, whatever API
 * they read: the sign-in and its bookkeeping, disconnecting, the busy cache
 * with fail-closed coverage, and slots from the cache. The provider-specific
 * halves (which calls to make, how to read the answers) stay in
 * bk-office365-calendar-strategy*.c and bk-google-calendar-strategy*.c. */

/* Called with the authorize URL once the loopback listener is up: open it in
 * a browser (the app) or print it (bookablectl connect --no-browser). */
typedef void (*BkOpenUriFunc) (const char *uri,
                               gpointer    user_data);

#define BK_TYPE_CALENDAR_STRATEGY (bk_calendar_strategy_get_type ())

G_DECLARE_DERIVABLE_TYPE (BkCalendarStrategy, bk_calendar_strategy, BK, CALENDAR_STRATEGY, GObject)

/* A calendar service's strategy (BkAvailabilityStrategy): the base holds the
 * store, HTTP session, keyring and settings, does the sign-in bookkeeping,
 * disconnect and slots; a subclass says which service it is and makes the
 * service's calls. */
struct _BkCalendarStrategyClass
{
  GObjectClass parent_class;

  const char  *provider;           /* BK_PROVIDER_* */
  const char  *token_provider;     /* the keyring's name */
  BkSource     source;
  /* the error when no account can be told (message translated on use) */
  GQuark     (*error_quark)        (void);
  int          no_account_code;
  const char  *no_account_message;

  /* the sign-in's OAuth provider, from the settings */
  BkOAuthProvider *(*new_oauth_provider) (BkCalendarStrategy   *self);
  /* the account when the token answer does not name it (Google has no
   * id_token); NULL when it does (Microsoft) */
  void          (*resolve_account_async)    (BkCalendarStrategy   *self,
                                             BkOAuthTokens        *tokens,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  char         *(*resolve_account_finish)   (BkCalendarStrategy   *self,
                                             GAsyncResult         *result,
                                             GError              **error);
  /* drops the previous account's client: a reconnect starts fresh */
  void          (*forget_account)           (BkCalendarStrategy   *self);
  /* reads the service's calendar list (BkCalendar) and ends with
   * _bk_calendar_strategy_return_listed (@task, …); the base stores it */
  void          (*list_calendars)           (BkCalendarStrategy   *self,
                                             GTask                *task);
  /* records what @error says of the account (a revoked grant) */
  void          (*note_error)               (BkCalendarStrategy   *self,
                                             const GError         *error);
  /* reads the busy times of the selected calendars; GTask returning a
   * BkSlotReport */
  void          (*read_busy_async)          (BkCalendarStrategy   *self,
                                             gint64                from,
                                             gint64                to,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  /* BkAvailabilityStrategy's writes; GTasks returning the event id (create)
   * or a boolean */
  void          (*create_appointment_async) (BkCalendarStrategy   *self,
                                             BkAppointment        *appointment,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  void          (*update_appointment_async) (BkCalendarStrategy   *self,
                                             BkAppointment        *appointment,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
  void          (*cancel_appointment_async) (BkCalendarStrategy   *self,
                                             BkAppointment        *appointment,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);

  gpointer padding[8];
};

/* For the subclasses' _new(): a strategy of @type (a subclass) with the
 * parts every strategy holds (@settings NULL: bk_settings_new()). */
gpointer       _bk_calendar_strategy_new            (GType               type,
                                                     BkStore            *store,
                                                     BkHttp             *http,
                                                     BkTokenStore       *token_store,
                                                     GSettings          *settings);
/* Ends a list_calendars call: @listed (taken; NULL on failure) or @error
 * (taken). */
void           _bk_calendar_strategy_return_listed  (GTask              *task,
                                                     GPtrArray          *listed,
                                                     GError             *error);
BkStore       *bk_calendar_strategy_get_store       (BkCalendarStrategy *self);
BkHttp        *bk_calendar_strategy_get_http        (BkCalendarStrategy *self);
BkTokenStore  *bk_calendar_strategy_get_token_store (BkCalendarStrategy *self);
GSettings     *bk_calendar_strategy_get_settings    (BkCalendarStrategy *self);
const char    *bk_calendar_strategy_get_provider    (BkCalendarStrategy *self);
/* 0 (the default): the real time. */
void           bk_calendar_strategy_set_now         (BkCalendarStrategy *self,
                                                     gint64              now);
gint64         bk_calendar_strategy_get_now         (BkCalendarStrategy *self);

/* Signs in (PKCE over a loopback redirect; @open_uri gets the authorize
 * URL), tells the account, stores the tokens in the keyring, the account in
 * the store, reads the calendars and makes the service the active source.
 * Returns the account. Also what Reconnect does. */
void           bk_calendar_strategy_connect_async    (BkCalendarStrategy   *self,
                                                      BkOpenUriFunc         open_uri,
                                                      gpointer              open_uri_data,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
char          *bk_calendar_strategy_connect_finish   (BkCalendarStrategy   *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* Removes the keyring entry, forgets the account, its calendars and busy
 * times, and returns to manual scheduling when the service was active. */
void           bk_calendar_strategy_disconnect_async  (BkCalendarStrategy   *self,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
gboolean       bk_calendar_strategy_disconnect_finish (BkCalendarStrategy   *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);
/* Reads the service's calendar list into the store (choices kept); returns
 * the store's list (BkCalendar). Select with bk_store_select_calendars(). */
void           bk_calendar_strategy_refresh_calendars_async  (BkCalendarStrategy   *self,
                                                              GCancellable         *cancellable,
                                                              GAsyncReadyCallback   callback,
                                                              gpointer              user_data);
GPtrArray     *bk_calendar_strategy_refresh_calendars_finish (BkCalendarStrategy   *self,
                                                              GAsyncResult         *result,
                                                              GError              **error);
/* Reads the busy times of every selected calendar over [from, to) (live,
 * falling back to the cache when the service cannot be reached) and reports
 * what blocks time: the busy times under the tentative/oof policy, and
 * every window that could not be read, with the reason (fail closed). */
void           bk_calendar_strategy_read_busy_async   (BkCalendarStrategy   *self,
                                                       gint64                from,
                                                       gint64                to,
                                                       GCancellable         *cancellable,
                                                       GAsyncReadyCallback   callback,
                                                       gpointer              user_data);
BkSlotReport  *bk_calendar_strategy_read_busy_finish  (BkCalendarStrategy   *self,
                                                       GAsyncResult         *result,
                                                       GError              **error);

/* Stores a freshly listed calendar list (BkCalendar; choices kept) and
 * returns the store's list. */
GPtrArray     *bk_calendar_store_listed           (BkStore              *store,
                                                   const char           *provider,
                                                   GPtrArray            *listed,
                                                   GError              **error);
/* Removes the keyring entry, forgets the account, its calendars and busy
 * times, and returns to manual scheduling when @source was active. The
 * task's source object is @source_object. */
void           bk_calendar_disconnect_async       (gpointer              source_object,
                                                   BkTokenStore         *token_store,
                                                   BkStore              *store,
                                                   const char           *provider,
                                                   const char           *token_provider,
                                                   BkSource              source,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
gboolean       bk_calendar_disconnect_finish      (GAsyncResult         *result,
                                                   GError              **error);
/* Records that the grant is gone as the integration's state (the tab and
 * `bookablectl status` show it until Reconnect). */
void           bk_calendar_note_reconnect_needed  (BkStore              *store,
                                                   const char           *provider,
                                                   const GError         *error);
/* The remote id of @provider's destination calendar, or NULL. */
char          *bk_calendar_dup_destination        (BkStore              *store,
                                                   const char           *provider,
                                                   GError              **error);
/* Records the calendar event id of @appointment and the remote id of the
 * calendar it was written to (@calendar_id) in the store, in one row
 * write: done before a create reports success, so a crash right after
 * leaves both known. Later moves and removals go to that calendar, even
 * when the expert has chosen another destination since. */
gboolean       bk_calendar_store_event_id         (BkStore              *store,
                                                   BkAppointment        *appointment,
                                                   const char           *event_id,
                                                   const char           *calendar_id,
                                                   GError              **error);
/* "Appointment with NAME" (translated), the title of an appointment's
 * event in any calendar. */
char          *bk_calendar_dup_appointment_title  (BkAppointment        *appointment);

/* ---------------------------------------------------------------------- */
/* Busy times: the cache and fail-closed coverage                         */

typedef struct _BkBusyCollector BkBusyCollector;

/* Gathers one read of @provider's selected calendars over [from, to) at
 * @now. */
BkBusyCollector *bk_busy_collector_new     (BkStore          *store,
                                            const char       *provider,
                                            gint64            from,
                                            gint64            to,
                                            gint64            now);
void             bk_busy_collector_free    (BkBusyCollector  *self);
/* One calendar's read: @busy (BkBusyTime) was read completely over [from,
 * @complete_until) and is cached; the rest, when @read_error is set, is
 * blocked with the reason — unless @unreachable (offline, grant gone), when
 * the cache stands in and only what it does not cover stays blocked. */
gboolean         bk_busy_collector_add     (BkBusyCollector  *self,
                                            const BkCalendar *calendar,
                                            GPtrArray        *busy,
                                            gint64            complete_until,
                                            const GError     *read_error,
                                            gboolean          unreachable,
                                            GError          **error);
/* What blocks [from, to): cached busy times under the provider's
 * tentative/oof policy, the windows that failed, and whatever no read (now
 * or earlier) covers (blocked with @unread_reason). Records the last sync
 * when everything was read live. */
BkSlotReport    *bk_busy_collector_finish  (BkBusyCollector  *self,
                                            const char       *unread_reason,
                                            GError          **error);
/* Orders BkBusyTime pointers (a GPtrArray sort function) by start, then
 * end: the order a BkSlotReport's blocked times are kept in. */
gint             bk_calendar_compare_busy  (gconstpointer     a,
                                            gconstpointer     b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkBusyCollector, bk_busy_collector_free)

G_END_DECLS
