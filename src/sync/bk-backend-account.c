/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-backend-account"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-backend-account.h"
#include "bk-oauth.h"
#include "bk-store.h"
#include "bk-sync-engine.h"
#include "bk-token-store.h"

/* Per-call state of the three operations (GTask data). */
typedef struct
{
  BkStore         *store;
  BkTokenStore    *keyring;
  BkBackendClient *client;
  char            *server;
  char            *email;
} AccountCall;

static void
account_call_free (AccountCall *call)
{
  g_clear_object (&call->store);
  g_clear_object (&call->keyring);
  g_clear_object (&call->client);
  g_free (call->server);
  g_free (call->email);
  g_free (call);
}

static GTask *
new_call_task (BkStore             *store,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  AccountCall *call = g_new0 (AccountCall, 1);

  call->store = g_object_ref (store);
  call->keyring = bk_token_store_new ();
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, call, (GDestroyNotify) account_call_free);
  return task;
}

char *
bk_backend_account_key (const char *email,
                        const char *server)
{
  g_return_val_if_fail (email != NULL, NULL);
  g_return_val_if_fail (server != NULL, NULL);

  return g_strdup_printf ("%s@%s", email, server);
}

/* A different server or account starts the feed and the slots afresh. */
static gboolean
remember_account (BkStore     *store,
                  const char  *server,
                  const char  *email,
                  GError     **error)
{
  g_autofree char *old_server = bk_store_get_sync_state (store, BK_SYNC_KEY_SERVER, NULL);
  g_autofree char *old_email = bk_store_get_sync_state (store, BK_SYNC_KEY_EMAIL, NULL);
  static const char * const reset[] = {
    BK_SYNC_KEY_CURSOR, BK_SYNC_KEY_SLOTS_HASH, BK_SYNC_KEY_LAST_SYNC, BK_SYNC_KEY_OFFLINE,
    BK_SYNC_KEY_LAST_ERROR, NULL
  };

  if (g_strcmp0 (old_server, server) != 0 || g_strcmp0 (old_email, email) != 0)
    for (guint i = 0; reset[i] != NULL; i++)
      if (!bk_store_set_sync_state (store, reset[i], NULL, error))
        return FALSE;
  return bk_store_set_sync_state (store, BK_SYNC_KEY_SERVER, server, error)
      && bk_store_set_sync_state (store, BK_SYNC_KEY_EMAIL, email, error)
      && bk_store_set_sync_state (store, BK_SYNC_KEY_SIGN_IN, NULL, error);
}

/* --- sign in ----------------------------------------------------------- */

static void
token_stored_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bk_token_store_store_finish (BK_TOKEN_STORE (object), result, &error) ||
      !remember_account (call->store, call->server, call->email, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_object_ref (call->client), g_object_unref);
}

static void
signed_in_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountCall *call = g_task_get_task_data (task);
  g_autoptr(BkOAuthTokens) tokens = bk_oauth_tokens_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *account = NULL;

  token = bk_backend_client_sign_in_finish (call->client, result, NULL, &error);
  if (token == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* the client normalises the URL; keep its form everywhere */
  g_free (call->server);
  call->server = g_strdup (bk_backend_client_get_server_url (call->client));
  account = bk_backend_account_key (call->email, call->server);
  tokens->access_token = g_steal_pointer (&token);
  tokens->account = g_strdup (call->email);
  bk_token_store_store_async (call->keyring, BK_BACKEND_ACCOUNT_PROVIDER, account, tokens,
                              g_task_get_cancellable (task), token_stored_cb,
                              g_object_ref (task));
}

void
bk_backend_account_sign_in_async (BkStore             *store,
                                  BkHttp              *http,
                                  const char          *server,
                                  const char          *email,
                                  const char          *password,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccountCall *call;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (BK_IS_HTTP (http));
  g_return_if_fail (server != NULL && email != NULL && password != NULL);

  task = new_call_task (store, cancellable, callback, user_data, bk_backend_account_sign_in_async);
  call = g_task_get_task_data (task);
  call->server = g_strdup (server);
  call->email = g_strdup (email);
  call->client = bk_backend_client_new (http, server);
  bk_backend_client_sign_in_async (call->client, email, password, cancellable,
                                   signed_in_cb, g_object_ref (task));
}

BkBackendClient *
bk_backend_account_sign_in_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- open the signed-in client ----------------------------------------- */

static void
token_found_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountCall *call = g_task_get_task_data (task);
  g_autoptr(BkOAuthTokens) tokens = NULL;
  g_autoptr(GError) error = NULL;

  tokens = bk_token_store_lookup_finish (BK_TOKEN_STORE (object), result, &error);
  if (tokens == NULL)
    {
      if (g_error_matches (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND))
        g_task_return_new_error (task, BK_BACKEND_ERROR, BK_BACKEND_ERROR_NOT_SIGNED_IN,
                                 _("The sign-in for %s is missing from the keyring. Sign in again."),
                                 call->email);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  bk_backend_client_set_token (call->client, tokens->access_token);
  g_task_return_pointer (task, g_object_ref (call->client), g_object_unref);
}

void
bk_backend_account_open_client_async (BkStore             *store,
                                      BkHttp              *http,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *account = NULL;
  AccountCall *call;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (BK_IS_HTTP (http));

  task = new_call_task (store, cancellable, callback, user_data, bk_backend_account_open_client_async);
  call = g_task_get_task_data (task);
  call->server = bk_store_get_sync_state (store, BK_SYNC_KEY_SERVER, NULL);
  call->email = bk_store_get_sync_state (store, BK_SYNC_KEY_EMAIL, NULL);
  if (call->server == NULL || call->email == NULL)
    {
      g_task_return_new_error (task, BK_BACKEND_ERROR, BK_BACKEND_ERROR_NOT_SIGNED_IN, "%s",
                               _("Not signed in to a Bookable server. Sign in from Preferences "
                                 "or with “bookablectl signin --server URL --email EMAIL”."));
      return;
    }
  call->client = bk_backend_client_new (http, call->server);
  account = bk_backend_account_key (call->email, call->server);
  bk_token_store_lookup_async (call->keyring, BK_BACKEND_ACCOUNT_PROVIDER, account, cancellable,
                               token_found_cb, g_object_ref (task));
}

BkBackendClient *
bk_backend_account_open_client_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- sign out ---------------------------------------------------------- */

static void
token_cleared_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AccountCall *call = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!bk_token_store_clear_finish (BK_TOKEN_STORE (object), result, &error) &&
      !g_error_matches (error, BK_TOKEN_STORE_ERROR, BK_TOKEN_STORE_ERROR_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_clear_error (&error);
  if (!bk_store_set_sync_state (call->store, BK_SYNC_KEY_SERVER, NULL, &error) ||
      !bk_store_set_sync_state (call->store, BK_SYNC_KEY_EMAIL, NULL, &error) ||
      !bk_store_set_sync_state (call->store, BK_SYNC_KEY_SIGN_IN, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
clear_token (GTask *task)
{
  AccountCall *call = g_task_get_task_data (task);
  g_autofree char *account = bk_backend_account_key (call->email, call->server);

  bk_token_store_clear_async (call->keyring, BK_BACKEND_ACCOUNT_PROVIDER, account,
                              g_task_get_cancellable (task), token_cleared_cb,
                              g_object_ref (task));
}

static void
session_ended_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = bk_backend_client_call_finish (BK_BACKEND_CLIENT (object), result, &error);
  if (answer == NULL)
    g_debug ("Signing out locally only: %s", error->message);
  clear_token (task);
}

static void
sign_out_client_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(BkBackendClient) client = NULL;

  client = bk_backend_account_open_client_finish (result, NULL);
  if (client == NULL)
    {
      clear_token (task);
      return;
    }
  bk_backend_client_sign_out_async (client, g_task_get_cancellable (task),
                                    session_ended_cb, g_object_ref (task));
}

void
bk_backend_account_sign_out_async (BkStore             *store,
                                   BkHttp              *http,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  AccountCall *call;

  g_return_if_fail (BK_IS_STORE (store));
  g_return_if_fail (BK_IS_HTTP (http));

  task = new_call_task (store, cancellable, callback, user_data, bk_backend_account_sign_out_async);
  call = g_task_get_task_data (task);
  call->server = bk_store_get_sync_state (store, BK_SYNC_KEY_SERVER, NULL);
  call->email = bk_store_get_sync_state (store, BK_SYNC_KEY_EMAIL, NULL);
  if (call->server == NULL || call->email == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  bk_backend_account_open_client_async (store, http, cancellable, sign_out_client_cb,
                                        g_object_ref (task));
}

gboolean
bk_backend_account_sign_out_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
