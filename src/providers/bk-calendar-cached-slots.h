/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-availability-strategy.h"
#include "bk-types.h"

G_BEGIN_DECLS

/* The Schedule's slots over [@from, @to) when a calendar source (Google,
 * Office 365: @provider, a BK_PROVIDER_*) is active, from the store alone
 * (no network, no writes, so it can run on every store change): the cached
 * busy times of the selected calendars under the tentative/oof policy;
 * windows never read block with @unread_reason, and the windows
 * @live_report (the last network read, may be NULL) could not read block
 * too — fail closed, as the strategies decide. @out_report receives what
 * blocks time. */
GArray *bk_calendar_cached_slots (BkStore                    *store,
                                  const char                 *provider,
                                  const char                 *unread_reason,
                                  const BkAvailabilityRules  *rules,
                                  const BkSlotReport         *live_report,
                                  gint64                      now,
                                  gint64                      from,
                                  gint64                      to,
                                  BkSlotReport              **out_report,
                                  GError                    **error);

G_END_DECLS
