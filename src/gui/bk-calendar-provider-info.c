/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-calendar-provider-info"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-calendar-provider-info.h"
#include "bk-google-calendar-strategy.h"
#include "bk-office365-calendar-strategy.h"
#include "bk-store.h"

static const BkCalendarProviderInfo providers [] = {
  {
    .provider = BK_PROVIDER_GOOGLE,
    .name = "Google Calendar",
    .company = "Google",
    .get_type = bk_google_calendar_strategy_get_type,
  },
  {
    .provider = BK_PROVIDER_OFFICE365,
    .name = "Office 365 Calendar",
    .company = "Microsoft",
    .get_type = bk_office365_calendar_strategy_get_type,
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
