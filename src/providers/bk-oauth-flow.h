/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-http.h"
#include "bk-oauth.h"

G_BEGIN_DECLS

#define BK_TYPE_OAUTH_FLOW (bk_oauth_flow_get_type ())

G_DECLARE_FINAL_TYPE (BkOAuthFlow, bk_oauth_flow, BK, OAUTH_FLOW, GObject)

BkOAuthFlow   *bk_oauth_flow_new               (BkHttp               *http,
                                                BkOAuthProvider      *provider);
const char    *bk_oauth_flow_get_authorize_uri (BkOAuthFlow          *self);
const char    *bk_oauth_flow_get_redirect_uri  (BkOAuthFlow          *self);
guint          bk_oauth_flow_get_timeout       (BkOAuthFlow          *self);
void           bk_oauth_flow_set_timeout       (BkOAuthFlow          *self,
                                                guint                 seconds);
void           bk_oauth_flow_run_async         (BkOAuthFlow          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
BkOAuthTokens *bk_oauth_flow_run_finish        (BkOAuthFlow          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
