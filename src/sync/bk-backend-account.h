/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-backend-client.h"
#include "bk-http.h"
#include "bk-types.h"

G_BEGIN_DECLS

/* The expert's account on a Bookable server, shared by the window and
 * bookablectl: the bearer token lives in the keyring (provider
 * BK_BACKEND_ACCOUNT_PROVIDER, account "EMAIL@SERVER"), the server and
 * email in the store's sync state, so the app knows offline who it is. */

#define BK_BACKEND_ACCOUNT_PROVIDER "bookable-server"

/* The keyring account name of @email on @server. */
char            *bk_backend_account_key                (const char          *email,
                                                        const char          *server);

/* POST /api/v1/session, then the token to the keyring, then the server and
 * email to @store (a different account starts the feed and the slots
 * afresh). The finish returns the signed-in client. */
void             bk_backend_account_sign_in_async      (BkStore             *store,
                                                        BkHttp              *http,
                                                        const char          *server,
                                                        const char          *email,
                                                        const char          *password,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
BkBackendClient *bk_backend_account_sign_in_finish     (GAsyncResult        *result,
                                                        GError             **error);

/* The signed-in client from the store and the keyring, with no network;
 * BK_BACKEND_ERROR_NOT_SIGNED_IN when there is no account. */
void             bk_backend_account_open_client_async  (BkStore             *store,
                                                        BkHttp              *http,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
BkBackendClient *bk_backend_account_open_client_finish (GAsyncResult        *result,
                                                        GError             **error);

/* Ends the session on the server when it can be reached (a courtesy:
 * offline, the local sign-out still happens), forgets the token and the
 * account. Queued changes stay queued for the next sign-in. */
void             bk_backend_account_sign_out_async     (BkStore             *store,
                                                        BkHttp              *http,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean         bk_backend_account_sign_out_finish    (GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
