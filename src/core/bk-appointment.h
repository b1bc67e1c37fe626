/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-types.h"

G_BEGIN_DECLS

typedef enum
{
  BK_APPOINTMENT_STATUS_BOOKED,
  BK_APPOINTMENT_STATUS_CANCELLED,
  BK_APPOINTMENT_STATUS_RESCHEDULED,
} BkAppointmentStatus;

#define BK_TYPE_APPOINTMENT_STATUS (bk_appointment_status_get_type ())

GType bk_appointment_status_get_type (void) G_GNUC_CONST;

#define BK_TYPE_APPOINTMENT (bk_appointment_get_type ())

/* A GObject (not plain data) because it has identity — the backend's id —
 * and because the Schedule lists it in a GtkListView. Properties: id, start,
 * end, client-name, client-email, note, status, calendar-event-id,
 * calendar-event-calendar, conflict, pending. */
G_DECLARE_FINAL_TYPE (BkAppointment, bk_appointment, BK, APPOINTMENT, GObject)

BkAppointment       *bk_appointment_new                   (const char          *id,
                                                           gint64               start,
                                                           gint64               end,
                                                           const char          *client_name,
                                                           const char          *client_email);
const char          *bk_appointment_get_id                (BkAppointment       *self);
gint64               bk_appointment_get_start             (BkAppointment       *self);
gint64               bk_appointment_get_end               (BkAppointment       *self);
void                 bk_appointment_set_times             (BkAppointment       *self,
                                                           gint64               start,
                                                           gint64               end);
const char          *bk_appointment_get_client_name       (BkAppointment       *self);
const char          *bk_appointment_get_client_email      (BkAppointment       *self);
const char          *bk_appointment_get_note              (BkAppointment       *self);
void                 bk_appointment_set_note              (BkAppointment       *self,
                                                           const char          *note);
BkAppointmentStatus  bk_appointment_get_status            (BkAppointment       *self);
void                 bk_appointment_set_status            (BkAppointment       *self,
                                                           BkAppointmentStatus  status);
const char          *bk_appointment_get_calendar_event_id (BkAppointment       *self);
void                 bk_appointment_set_calendar_event_id (BkAppointment       *self,
                                                           const char          *event_id);
/* The remote id of the calendar the event was written to; NULL when not
 * known (no event, or one written before the store kept it: then it is
 * taken to be in the current destination calendar). */
const char          *bk_appointment_get_calendar_event_calendar (BkAppointment *self);
void                 bk_appointment_set_calendar_event_calendar (BkAppointment *self,
                                                                 const char    *calendar_id);
gboolean             bk_appointment_get_conflict          (BkAppointment       *self);
void                 bk_appointment_set_conflict          (BkAppointment       *self,
                                                           gboolean             conflict);
/* A local change not yet confirmed by the backend (the outbox holds it). */
gboolean             bk_appointment_get_pending           (BkAppointment       *self);
void                 bk_appointment_set_pending           (BkAppointment       *self,
                                                           gboolean             pending);

const char          *bk_appointment_status_to_string      (BkAppointmentStatus  status);
gboolean             bk_appointment_status_from_string    (const char          *text,
                                                           BkAppointmentStatus *out_status);

G_END_DECLS
