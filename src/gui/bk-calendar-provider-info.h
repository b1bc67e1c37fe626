/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-calendar-strategy.h"

G_BEGIN_DECLS

/* What differs between the calendar providers' tabs (BkCalendarPanel):
 * their names and the strategy's type; the calls are BkCalendarStrategy's. */

/* One provider's entry; static, never freed. */
typedef struct
{
  const char  *provider;   /* BK_PROVIDER_* */
  const char  *name;       /* the product, not translated */
  const char  *company;    /* whose sign-in page opens */
  GType      (*get_type) (void);   /* the strategy's */
} BkCalendarProviderInfo;

/* The entry of @provider (BK_PROVIDER_GOOGLE or BK_PROVIDER_OFFICE365), or
 * NULL when there is none. */
const BkCalendarProviderInfo *bk_calendar_provider_info_lookup (const char *provider);

G_END_DECLS
