/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define BK_TYPE_TIME_RANGE_ROW (bk_time_range_row_get_type ())

/* One "HH:MM – HH:MM" range of a weekday in the Manual panel. Signals:
 * "changed" when either entry is edited, "remove" when the user asks to
 * drop the range. */
G_DECLARE_FINAL_TYPE (BkTimeRangeRow, bk_time_range_row, BK, TIME_RANGE_ROW, AdwActionRow)

GtkWidget  *bk_time_range_row_new            (const char     *day_name,
                                              const char     *start,
                                              const char     *end);
const char *bk_time_range_row_get_start_text (BkTimeRangeRow *self);
const char *bk_time_range_row_get_end_text   (BkTimeRangeRow *self);
/* Marks the bad entries with the "error" style and shows @message next to
 * them; (FALSE, FALSE, NULL) clears it. */
void        bk_time_range_row_set_error      (BkTimeRangeRow *self,
                                              gboolean        start_bad,
                                              gboolean        end_bad,
                                              const char     *message);

G_END_DECLS
