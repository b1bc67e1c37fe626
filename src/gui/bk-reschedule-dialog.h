/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_TYPE_RESCHEDULE_DIALOG (bk_reschedule_dialog_get_type ())

/* Asks the expert for an appointment's new start — a day and a wall time
 * in the expert's zone — keeping its length. The "reschedule" response is
 * enabled only while the choice is one the app would send: in the future,
 * ending by the chosen day's midnight, and not the current time; otherwise
 * the dialog says why. Responses: "cancel", "reschedule". */
G_DECLARE_FINAL_TYPE (BkRescheduleDialog, bk_reschedule_dialog, BK, RESCHEDULE_DIALOG, AdwMessageDialog)

BkRescheduleDialog *bk_reschedule_dialog_new                (GtkWindow          *parent,
                                                             BkAppointment      *appointment,
                                                             GTimeZone          *tz);
const char         *bk_reschedule_dialog_get_appointment_id (BkRescheduleDialog *self);
/* The chosen [start, end); FALSE (and nothing set) while the choice is
 * invalid. */
gboolean            bk_reschedule_dialog_get_times          (BkRescheduleDialog *self,
                                                             gint64             *out_start,
                                                             gint64             *out_end);

G_END_DECLS
