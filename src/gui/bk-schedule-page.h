/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-availability-strategy.h"
#include "bk-store.h"
#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_SCHEDULE_PAGE (bk_schedule_page_get_type ())

G_DECLARE_FINAL_TYPE (BkSchedulePage, bk_schedule_page, BK, SCHEDULE_PAGE, AdwBin)

BkStore *bk_schedule_page_get_store (BkSchedulePage *self);
void     bk_schedule_page_set_store (BkSchedulePage  *self,
                                     BkStore         *store);
/* With @strategy (may be NULL), the strategy of calendar source @source
 * (Google or Office 365), the slots honour that source's calendars whenever
 * it is the store's active source and an account is connected; otherwise
 * they come from the manual rules alone. */
void     bk_schedule_page_set_calendar_strategy  (BkSchedulePage              *self,
                                                  BkSource                     source,
                                                  BkAvailabilityStrategy      *strategy);
/* Reads the calendars' busy times again now (the tab's Refresh). */
void     bk_schedule_page_refresh_calendars      (BkSchedulePage              *self);
/* Scrolls the appointment list to @id (now, or once it is loaded). */
void     bk_schedule_page_show_appointment       (BkSchedulePage              *self,
                                                  const char                  *id);

G_END_DECLS
