/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-availability-strategy.h"
#include "bk-calendar-strategy.h"
#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_CALENDAR_PANEL (bk_calendar_panel_get_type ())

G_DECLARE_FINAL_TYPE (BkCalendarPanel, bk_calendar_panel, BK, CALENDAR_PANEL, AdwBin)

/* A calendar source's tab (Google Calendar, Office 365 Calendar — one class
 * for both): connect, the calendar choice, the destination, the policy, the
 * buffer, refresh, disconnect and reconnect. The construct-only property
 * "provider" (BK_PROVIDER_GOOGLE or BK_PROVIDER_OFFICE365, set in the
 * window's template) picks the provider's names and strategy calls.
 * Signal "refreshed" (no arguments): the calendars were read again, so busy
 * times should be too. */
GtkWidget  *bk_calendar_panel_new               (const char             *provider);
const char *bk_calendar_panel_get_provider      (BkCalendarPanel        *self);
void        bk_calendar_panel_set_store         (BkCalendarPanel        *self,
                                                 BkStore                *store);
/* The provider's strategy: a BkGoogleCalendarStrategy or a
 * BkOffice365CalendarStrategy, as "provider" says; NULL to unset. */
void        bk_calendar_panel_set_strategy      (BkCalendarPanel        *self,
                                                 BkAvailabilityStrategy *strategy);
/* How the sign-in page is opened; NULL restores the default, the system's
 * browser through GIO (the OpenURI portal in Flatpak). */
void        bk_calendar_panel_set_open_uri_func (BkCalendarPanel        *self,
                                                 BkOpenUriFunc           func,
                                                 gpointer                user_data);

G_END_DECLS
