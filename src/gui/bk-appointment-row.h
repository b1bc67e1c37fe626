/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_APPOINTMENT_ROW (bk_appointment_row_get_type ())

/* One appointment in the Schedule's GtkListView. */
G_DECLARE_FINAL_TYPE (BkAppointmentRow, bk_appointment_row, BK, APPOINTMENT_ROW, AdwBin)

BkAppointment *bk_appointment_row_get_appointment (BkAppointmentRow *self);
void           bk_appointment_row_set_appointment (BkAppointmentRow *self,
                                                   BkAppointment    *appointment);

/* The Schedule formats each appointment once when it loads the list — its
 * times in the expert's zone, and a day heading when it is the first of its
 * day — so that binding a recycled row is only a lookup. @day_heading may be
 * NULL. */
void           bk_appointment_row_annotate        (BkAppointment    *appointment,
                                                   const char       *day_heading,
                                                   const char       *times);
/* Why the server refused the appointment's latest change (NULL: it did
 * not): the row shows "Not sent" with it. */
void           bk_appointment_row_annotate_refusal (BkAppointment *appointment,
                                                    const char    *refusal);

/* For a pending appointment with a queued reschedule to @move (NULL: none,
 * from bk_sync_list_pending_moves()): "Moving to Tue 3 Dec, 10:00" (in @tz)
 * under its name. */
void           bk_appointment_row_annotate_pending_move (BkAppointment    *appointment,
                                                         const BkInterval *move,
                                                         GTimeZone        *tz);

G_END_DECLS
