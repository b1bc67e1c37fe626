/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A calendar's colour as the provider gives it ("#rrggbb", or one of
 * Graph's calendarColor names such as "lightGreen") in @out_rgba; FALSE
 * (and a neutral grey) when it names no colour. */
gboolean   bk_calendar_color_parse (const char *color,
                                    GdkRGBA    *out_rgba);
/* A small round swatch of that colour, for rows that name a calendar. */
GtkWidget *bk_calendar_swatch_new  (const char *color);

G_END_DECLS
