/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-oauth.h"

G_BEGIN_DECLS

#define BK_TOKEN_STORE_ERROR (bk_token_store_error_quark ())

/**
 * BkTokenStoreError:
 * @BK_TOKEN_STORE_ERROR_UNAVAILABLE: the keyring (Secret Service or the
 *   Secret portal) could not be used; start/unlock it and try again
 * @BK_TOKEN_STORE_ERROR_NOT_FOUND: nothing is stored for this account;
 *   connect it
 */
typedef enum
{
  BK_TOKEN_STORE_ERROR_UNAVAILABLE,
  BK_TOKEN_STORE_ERROR_NOT_FOUND,
} BkTokenStoreError;

GQuark bk_token_store_error_quark (void);

#define BK_TYPE_TOKEN_STORE (bk_token_store_get_type ())

G_DECLARE_FINAL_TYPE (BkTokenStore, bk_token_store, BK, TOKEN_STORE, GObject)

BkTokenStore  *bk_token_store_new           (void);
void           bk_token_store_store_async   (BkTokenStore         *self,
                                             const char           *provider,
                                             const char           *account,
                                             const BkOAuthTokens  *tokens,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       bk_token_store_store_finish  (BkTokenStore         *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void           bk_token_store_lookup_async  (BkTokenStore         *self,
                                             const char           *provider,
                                             const char           *account,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
BkOAuthTokens *bk_token_store_lookup_finish (BkTokenStore         *self,
                                             GAsyncResult         *result,
                                             GError              **error);
void           bk_token_store_clear_async   (BkTokenStore         *self,
                                             const char           *provider,
                                             const char           *account,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gboolean       bk_token_store_clear_finish  (BkTokenStore         *self,
                                             GAsyncResult         *result,
                                             GError              **error);

G_END_DECLS
