/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BK_TYPE_GOOGLE_CALENDAR_PANEL (bk_google_calendar_panel_get_type ())

G_DECLARE_FINAL_TYPE (BkGoogleCalendarPanel, bk_google_calendar_panel, BK, GOOGLE_CALENDAR_PANEL, AdwBin)

G_END_DECLS
