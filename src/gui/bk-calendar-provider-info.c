/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-calendar-provider-info"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-calendar-provider-info.h"
#include "bk-google-calendar-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-store.h"

/* Any pointer parameter matches any other for these casts (the strategy's
 * own type stands where the table says gpointer). */
#define PROVIDER_CALLS(prefix)                                                        \
  .get_type = prefix##_get_type,                                                      \
  .connect_async = (BkCalendarConnectAsyncFunc) prefix##_connect_async,               \
  .connect_finish = (BkCalendarConnectFinishFunc) prefix##_connect_finish,            \
  .refresh_async = (BkCalendarAsyncFunc) prefix##_refresh_calendars_async,            \
  .refresh_finish = (BkCalendarListFinishFunc) prefix##_refresh_calendars_finish,     \
  .disconnect_async = (BkCalendarAsyncFunc) prefix##_disconnect_async,                \
  .disconnect_finish = (BkCalendarBoolFinishFunc) prefix##_disconnect_finish

static const BkCalendarProviderInfo providers [] = {
  {
    .provider = BK_PROVIDER_GOOGLE,
    .name = "Google Calendar",
    .company = "Google",
    PROVIDER_CALLS (bk_google_calendar_strategy),
  },
  {
    .provider = BK_PROVIDER_OFFICE365,
    .name = "Office 365 Calendar",
    .company = "Microsoft",
    PROVIDER_CALLS (bk_office365_calendar_strategy),
  },
};

const BkCalendarProviderInfo *
bk_calendar_provider_info_lookup (const char *provider)
{
  g_return_val_if_fail (provider != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (g_str_equal (provider, providers [i].provider))
      return &providers [i];
  return NULL;
}
