/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-sync-engine.h"
#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_SYNC_CONTROLLER (bk_sync_controller_get_type ())

/* The app's one BkSyncEngine and everything that starts a pass: start-up,
 * the network coming back ("network-monitor"), a timer, the Sync button, a
 * local change. One pass at a time: a request during a pass runs one more
 * pass after it (a tick of the timer does not: the pass is as fresh). The timer ticks every "sync-interval-seconds" (GSettings)
 * counted from the end of the last pass, whatever started it; a tick while
 * the monitor says the network is down starts nothing (start-up and the
 * Sync button still try, and say "offline" when the server is out of
 * reach). After each pass it sends a GNotification for every new booking
 * and every client cancellation the pass brought (default action
 * "app.show-appointment" with the id).
 *
 * Construct-only properties: "store", "application" (may be NULL; sends the
 * notifications), "network-monitor" (default: g_network_monitor_get_default()).
 * Read-only: "engine" (BkSyncEngine, NULL while signed out — bind the
 * status widgets to it), "account" and "server" (NULL when signed out),
 * "account-error" (the keyring could not give the account's token: sign in
 * again), "running" (a pass is in flight), "passes" (passes finished), "notifications-sent" (the app's own record of
 * what it sent; there may be no notification server to ask). */
G_DECLARE_FINAL_TYPE (BkSyncController, bk_sync_controller, BK, SYNC_CONTROLLER, GObject)

/* @application (may be NULL) sends the notifications. */
BkSyncController *bk_sync_controller_new                (BkStore             *store,
                                                         GApplication        *application);
BkStore          *bk_sync_controller_get_store          (BkSyncController    *self);
GNetworkMonitor  *bk_sync_controller_get_network_monitor (BkSyncController  *self);
/* The timer's period in seconds (the setting, followed while running). */
guint             bk_sync_controller_get_period         (BkSyncController    *self);
BkSyncEngine     *bk_sync_controller_get_engine         (BkSyncController    *self);
const char       *bk_sync_controller_get_account        (BkSyncController    *self);
const char       *bk_sync_controller_get_server         (BkSyncController    *self);
const char       *bk_sync_controller_get_account_error  (BkSyncController    *self);
/* Signed in, but the server or the keyring no longer accepts it. */
gboolean          bk_sync_controller_get_sign_in_needed (BkSyncController    *self);
gboolean          bk_sync_controller_get_running        (BkSyncController    *self);
guint             bk_sync_controller_get_passes         (BkSyncController    *self);
guint             bk_sync_controller_get_notifications_sent (BkSyncController *self);

/* Opens the account from the keyring, syncs once, then follows the network
 * and the timer. */
void              bk_sync_controller_start              (BkSyncController    *self);
/* A pass now (or right after the running one); nothing when signed out. */
void              bk_sync_controller_sync               (BkSyncController    *self);

void              bk_sync_controller_sign_in_async      (BkSyncController    *self,
                                                         const char          *server,
                                                         const char          *email,
                                                         const char          *password,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean          bk_sync_controller_sign_in_finish     (BkSyncController    *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);
void              bk_sync_controller_sign_out_async     (BkSyncController    *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean          bk_sync_controller_sign_out_finish    (BkSyncController    *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
