/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The Office 365 side of the sync tests, in-process and from real parts
 * only, so each test file stops carrying its own copy:
 *
 * - the sandbox Microsoft service (tests/services: identity platform v2.0
 *   and Graph v1.0 on loopback), loaded with the test's users and calendars;
 * - the app's settings pointed at it (authority, Graph URL, client id);
 * - the sign-in played by a browser (test-authority's test_browser_get()),
 *   the tokens kept in the real keyring of tests/run-with-keyring;
 * - the store where bookablectl looks too (bk_store_get_default_path ()),
 *   open every day 00:00–23:00 UTC in hour slots, a week ahead;
 * - a fresh expert on the real bookable-server of sync-fixture.h (started
 *   by the test's main() with sync_server_start ()), a backend client
 *   signed in as that expert, and the sync engine with the Office 365
 *   strategy over all of it.
 *
 * The loose parts (pointing settings at a sandbox, connecting a strategy,
 * a signed-in backend client, one pass) serve the tests that build their
 * own store or engine: the benchmark and the crash test. */
#pragma once

#include <json-glib/json-glib.h>

#include "bk-office365-calendar-strategy.h"
#include "bk-sandbox-microsoft.h"
#include "bk-sync-engine.h"
#include "sync-fixture.h"

G_BEGIN_DECLS

/* Who the sandbox data of the tests signs in as. */
#define SYNC_OFFICE365_UPN "expert@sandbox.test"

typedef struct
{
  BkSandboxMicrosoft          *sandbox;
  GSettings                   *settings;
  BkStore                     *store;
  BkHttp                      *http;
  BkTokenStore                *tokens;
  BkOffice365CalendarStrategy *strategy;
  BkBackendClient             *client;
  BkSyncEngine                *engine;
  char                        *account;    /* what connecting signed in as */
  char                        *calendar;   /* the "Work" calendar's id: the destination */
  char                        *slug;       /* the expert's, on the backend */
} SyncOffice365;

/* Both halves below, in order. */
void           sync_office365_set_up          (SyncOffice365       *fixture,
                                               SoupSession         *session,
                                               const char          *sandbox_data,
                                               guint                n_calendars,
                                               const char          *slug_prefix);
/* The sandbox started with @sandbox_data (the JSON of
 * bk_sandbox_microsoft_load_data ()), settings, store, rules, and the
 * strategy connected; insists on @n_calendars calendars, one named "Work". */
void           sync_office365_connect_sandbox (SyncOffice365       *fixture,
                                               const char          *sandbox_data,
                                               guint                n_calendars);
/* A fresh expert (slug "@slug_prefix-PID-N"), its backend client and the
 * engine. */
void           sync_office365_sign_in_backend (SyncOffice365       *fixture,
                                               SoupSession         *session,
                                               const char          *slug_prefix);
void           sync_office365_tear_down       (SyncOffice365       *fixture);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SyncOffice365, sync_office365_tear_down)

/* The remote id of the calendar named @name in the store. */
char          *sync_office365_dup_calendar_id (SyncOffice365       *fixture,
                                               const char          *name);

/* The events (stored shape) of calendar @calendar_id in @sandbox, read
 * through its control API. */
JsonArray     *sync_office365_sandbox_events  (BkSandboxMicrosoft  *sandbox,
                                               const char          *calendar_id);
/* The sandbox's events (stored shape) of the Work calendar that carry
 * @appointment_id in their extended property. */
GPtrArray     *sync_office365_events_of       (SyncOffice365       *fixture,
                                               const char          *appointment_id);
/* The id of the one such event; fails unless there is exactly one. */
char          *sync_office365_event_of        (SyncOffice365       *fixture,
                                               const char          *appointment_id);

/* What the expert does in Outlook: the Graph calls Outlook makes, with the
 * expert's own sign-in. @json: the members to change. */
void           sync_office365_expert_deletes  (SyncOffice365       *fixture,
                                               const char          *event_id);
void           sync_office365_expert_updates  (SyncOffice365       *fixture,
                                               const char          *event_id,
                                               const char          *json);

/* ---- loose parts ---- */

/* Points the Microsoft settings of @settings at @sandbox. */
void           sync_office365_point_settings  (GSettings           *settings,
                                               BkSandboxMicrosoft  *sandbox);
/* Connects @strategy, signing in through the browser; returns the account. */
char          *sync_office365_connect         (BkOffice365CalendarStrategy *strategy);
/* A fresh expert @slug (email @slug@example.com, display name @name) and a
 * backend client over @http signed in as it. */
BkBackendClient *sync_backend_client_new_expert (SoupSession       *session,
                                                 BkHttp            *http,
                                                 const char        *slug,
                                                 const char        *name);

/* A GAsyncReadyCallback that keeps the result in *@user_data (a
 * GAsyncResult *), and the main-loop wait for it. */
void           sync_done_cb                   (GObject             *object,
                                               GAsyncResult        *result,
                                               gpointer             user_data);
GAsyncResult  *sync_wait_for                  (GAsyncResult       **slot);

/* One pass of @engine: the report, or NULL and @error. */
BkSyncReport  *sync_pass_try                  (BkSyncEngine        *engine,
                                               GError             **error);
/* One pass that must succeed. */
BkSyncReport  *sync_pass                      (BkSyncEngine        *engine);
/* One pass that must succeed with no change refused by the backend (the
 * refusals are logged first, to show why). */
BkSyncReport  *sync_pass_clean                (BkSyncEngine        *engine);

/* Saves into @store open hours every day 00:00–23:00 UTC, hour slots,
 * @horizon_days ahead, no minimum notice. */
void           sync_save_open_rules           (BkStore             *store,
                                               guint                horizon_days);
/* Whether the slot starting at @start is among @slug's published slots. */
gboolean       sync_published_has             (SoupSession         *session,
                                               const char          *slug,
                                               gint64               start);

G_END_DECLS
