/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-http.h"

G_BEGIN_DECLS

BkHttpResponse *_bk_http_response_new              (BkHttpRequest  *request,
                                                    SoupMessage    *message,
                                                    GBytes         *body,
                                                    guint           attempts);
SoupMessage    *_bk_http_request_build_message     (BkHttpRequest  *request,
                                                    GError        **error);
gboolean        _bk_http_request_is_idempotent     (BkHttpRequest  *request);
char           *_bk_http_request_dup_default_key   (BkHttpRequest  *request);
BkHttpRetryFunc _bk_http_request_get_retry_func    (BkHttpRequest  *request);

G_END_DECLS
