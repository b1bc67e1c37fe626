/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-http.h"
#include "bk-oauth.h"
#include "bk-token-store.h"

G_BEGIN_DECLS

#define BK_TYPE_OAUTH_TOKEN_SOURCE (bk_oauth_token_source_get_type ())

G_DECLARE_FINAL_TYPE (BkOAuthTokenSource, bk_oauth_token_source, BK, OAUTH_TOKEN_SOURCE, GObject)

BkOAuthTokenSource *bk_oauth_token_source_new                    (BkHttp               *http,
                                                                  BkTokenStore         *store,
                                                                  BkOAuthProvider      *provider,
                                                                  const char           *account);
BkOAuthTokenSource *bk_oauth_token_source_get_for_account        (BkHttp               *http,
                                                                  BkTokenStore         *store,
                                                                  BkOAuthProvider      *provider,
                                                                  const char           *account);
const char         *bk_oauth_token_source_get_account            (BkOAuthTokenSource   *self);
gboolean            bk_oauth_token_source_get_reconnect_needed   (BkOAuthTokenSource   *self);
guint               bk_oauth_token_source_get_refresh_count      (BkOAuthTokenSource   *self);
void                bk_oauth_token_source_reset                  (BkOAuthTokenSource   *self);
void                bk_oauth_token_source_invalidate             (BkOAuthTokenSource   *self,
                                                                  const char           *access_token);
void                bk_oauth_token_source_get_access_token_async (BkOAuthTokenSource   *self,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
char               *bk_oauth_token_source_get_access_token_finish (BkOAuthTokenSource  *self,
                                                                   GAsyncResult        *result,
                                                                   GError             **error);
void                bk_oauth_token_source_json_async             (BkOAuthTokenSource   *self,
                                                                  BkHttpRequest        *request,
                                                                  GCancellable         *cancellable,
                                                                  GAsyncReadyCallback   callback,
                                                                  gpointer              user_data);
JsonNode           *bk_oauth_token_source_json_finish            (BkOAuthTokenSource   *self,
                                                                  GAsyncResult         *result,
                                                                  GError              **error);

G_END_DECLS
