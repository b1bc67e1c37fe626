/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-google-client.h"

G_BEGIN_DECLS

/* Shared by bk-google-client.c (calls, paging, calendars, event writes) and
 * bk-google-client-busy.c (freeBusy and events.list reads). */

typedef enum
{
  BK_GOOGLE_ACCEPT_CONFLICT = 1 << 0,  /* 409: an earlier attempt already made it */
  BK_GOOGLE_ACCEPT_GONE     = 1 << 1,  /* 404 / 410: already deleted */
} BkGoogleAccept;

#define ACCEPT_CONFLICT BK_GOOGLE_ACCEPT_CONFLICT
#define ACCEPT_GONE     BK_GOOGLE_ACCEPT_GONE

/* One item of a list page; @page is the page (for its timeZone). */
typedef gboolean (*BkGoogleCollectFunc) (JsonObject  *page,
                                         JsonObject  *item,
                                         gpointer     user_data,
                                         GError     **error);

/* An authorised call: the answer's JSON (a null node for an empty body or
 * an accepted 409/404/410), or a BK_GOOGLE_ERROR. */
void        _bk_google_client_call_async     (BkGoogleClient       *self,
                                              BkHttpRequest        *request,
                                              BkGoogleAccept        accept,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
JsonNode   *_bk_google_client_call_finish    (GAsyncResult         *result,
                                              GError              **error);
/* GETs @base_uri (owned; it has a query) and every following page; finish
 * with g_task_propagate_boolean(). */
void        _bk_google_client_list_all_async (BkGoogleClient       *self,
                                              char                 *base_uri,
                                              BkGoogleCollectFunc   collect,
                                              gpointer              collect_data,
                                              GDestroyNotify        collect_free,
                                              GCancellable         *cancellable,
                                              GAsyncReadyCallback   callback,
                                              gpointer              user_data);
/* ... and the last page's nextSyncToken (may be NULL) */
gboolean    _bk_google_client_list_all_finish (GAsyncResult        *result,
                                              char                **out_sync_token,
                                              GError              **error);
char       *_bk_google_client_escape         (const char           *text);
const char *_bk_google_client_get_api_url    (BkGoogleClient       *self);

G_END_DECLS
