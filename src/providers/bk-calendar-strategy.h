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

/* ---------------------------------------------------------------------- */
/* Sign-in and disconnect                                                 */

typedef void       (*BkCalendarAsyncFunc)           (gpointer              strategy,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
typedef GPtrArray *(*BkCalendarListFinishFunc)      (gpointer              strategy,
                                                    GAsyncResult         *result,
                                                    GError              **error);
typedef void       (*BkCalendarResolveAccountFunc)  (gpointer              strategy,
                                                    BkOAuthTokens        *tokens,
                                                    GCancellable         *cancellable,
                                                    GAsyncReadyCallback   callback,
                                                    gpointer              user_data);
typedef char      *(*BkCalendarResolveFinishFunc)   (gpointer              strategy,
                                                    GAsyncResult         *result,
                                                    GError              **error);

/* What connecting needs to know of a provider's strategy. */
typedef struct
{
  const char                   *provider;        /* BK_PROVIDER_* */
  const char                   *token_provider;  /* the keyring's name */
  BkSource                      source;
  /* the account when the token answer does not name it (Google has no
   * id_token); NULL when it does (Microsoft) */
  BkCalendarResolveAccountFunc  resolve_account_async;
  BkCalendarResolveFinishFunc   resolve_account_finish;
  /* drops the previous account's client: a reconnect starts fresh */
  void                        (*forget_account) (gpointer strategy);
  /* reads the calendar list into the store */
  BkCalendarAsyncFunc           refresh_calendars_async;
  BkCalendarListFinishFunc      refresh_calendars_finish;
  /* the error when no account can be told (message translated on use) */
  GQuark                      (*error_quark) (void);
  int                           error_code;
  const char                   *no_account_message;
} BkCalendarConnectHooks;

/* Connect (and Reconnect) of any calendar strategy: the PKCE loopback
 * sign-in of @provider (@open_uri gets the URL), the account, the tokens in
 * the keyring and the account in the store, the calendars read, and the
 * source made active. The task's source object is @strategy; returns the
 * account. */
void           bk_calendar_connect_async          (gpointer                      strategy,
                                                   const BkCalendarConnectHooks *hooks,
                                                   BkStore                      *store,
                                                   BkHttp                       *http,
                                                   BkTokenStore                 *token_store,
                                                   BkOAuthProvider              *provider,
                                                   BkOpenUriFunc                 open_uri,
                                                   gpointer                      open_uri_data,
                                                   GCancellable                 *cancellable,
                                                   GAsyncReadyCallback           callback,
                                                   gpointer                      user_data);
char          *bk_calendar_connect_finish         (GAsyncResult                 *result,
                                                   GError                      **error);
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
/* Records the calendar event id of @appointment in the store: done before a
 * create reports success, so a crash right after leaves the id known. */
gboolean       bk_calendar_store_event_id         (BkStore              *store,
                                                   BkAppointment        *appointment,
                                                   const char           *event_id,
                                                   GError              **error);
/* The _finish of the strategy operations whose GTask (source object the
 * strategy) returns the event id, or a boolean. */
char          *bk_calendar_create_finish          (BkAvailabilityStrategy *strategy,
                                                   GAsyncResult         *result,
                                                   GError              **error);
gboolean       bk_calendar_change_finish          (BkAvailabilityStrategy *strategy,
                                                   GAsyncResult         *result,
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

/* ---------------------------------------------------------------------- */
/* Slots                                                                  */

typedef void           (*BkReadBusyAsyncFunc)  (gpointer              source_object,
                                                gint64                from,
                                                gint64                to,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
typedef BkSlotReport  *(*BkReadBusyFinishFunc) (gpointer              source_object,
                                                GAsyncResult         *result,
                                                GError              **error);

/* get_available_slots of a calendar strategy: reads the busy times over
 * [from, to) widened by the rules' margin with @read_async, then computes
 * the rules' slots minus everything the report blocks. */
void           bk_calendar_slots_async            (gpointer              source_object,
                                                   BkStore              *store,
                                                   gint64                now,
                                                   gint64                from,
                                                   gint64                to,
                                                   BkReadBusyAsyncFunc   read_async,
                                                   BkReadBusyFinishFunc  read_finish,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GArray        *bk_calendar_slots_finish           (GAsyncResult         *result,
                                                   BkSlotReport        **out_report,
                                                   GError              **error);

G_END_DECLS
