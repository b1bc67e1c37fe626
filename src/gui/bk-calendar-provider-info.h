/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-calendar-strategy.h"

G_BEGIN_DECLS

/* What differs between the calendar providers' tabs (BkCalendarPanel):
 * their names, and which strategy calls to make — the Google and Office 365
 * strategies' connect, refresh and disconnect calls have the same
 * signatures, their own strategy type aside (passed as gpointer here). */

typedef void     (*BkCalendarConnectAsyncFunc)  (gpointer             strategy,
                                               BkOpenUriFunc        open_uri,
                                               gpointer             open_uri_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
typedef char    *(*BkCalendarConnectFinishFunc) (gpointer             strategy,
                                               GAsyncResult        *result,
                                               GError             **error);
typedef gboolean (*BkCalendarBoolFinishFunc)    (gpointer             strategy,
                                               GAsyncResult        *result,
                                               GError             **error);

/* One provider's entry; static, never freed. */
typedef struct
{
  const char                   *provider;   /* BK_PROVIDER_* */
  const char                   *name;       /* the product, not translated */
  const char                   *company;    /* whose sign-in page opens */
  GType                       (*get_type) (void);   /* the strategy's */
  BkCalendarConnectAsyncFunc    connect_async;
  BkCalendarConnectFinishFunc   connect_finish;
  BkCalendarAsyncFunc           refresh_async;
  BkCalendarListFinishFunc      refresh_finish;
  BkCalendarAsyncFunc           disconnect_async;
  BkCalendarBoolFinishFunc      disconnect_finish;
} BkCalendarProviderInfo;

/* The entry of @provider (BK_PROVIDER_GOOGLE or BK_PROVIDER_OFFICE365), or
 * NULL when there is none. */
const BkCalendarProviderInfo *bk_calendar_provider_info_lookup (const char *provider);

G_END_DECLS
