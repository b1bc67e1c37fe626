/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BK_TYPE_OFFICE365_CALENDAR_PANEL (bk_office365_calendar_panel_get_type ())

G_DECLARE_FINAL_TYPE (BkOffice365CalendarPanel, bk_office365_calendar_panel, BK, OFFICE365_CALENDAR_PANEL, AdwBin)

G_END_DECLS
