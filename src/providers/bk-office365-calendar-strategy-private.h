/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-office365-calendar-strategy.h"

G_BEGIN_DECLS

/* Shared by bk-office365-calendar-strategy.c (the integration and busy
 * times) and bk-office365-calendar-strategy-events.c (appointments). */

/* The Graph client of the account the store names, or NULL with an error
 * that says to connect. */
BkGraphClient *_bk_office365_calendar_strategy_ensure_graph (BkOffice365CalendarStrategy  *self,
                                                             GError                      **error);
/* Records a revoked grant as the integration's state. */
void           _bk_office365_calendar_strategy_note_error   (BkOffice365CalendarStrategy  *self,
                                                             const GError                 *error);

void      _bk_office365_calendar_strategy_create_appointment_async  (BkCalendarStrategy      *strategy,
                                                                     BkAppointment           *appointment,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void      _bk_office365_calendar_strategy_update_appointment_async  (BkCalendarStrategy      *strategy,
                                                                     BkAppointment           *appointment,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);
void      _bk_office365_calendar_strategy_cancel_appointment_async  (BkCalendarStrategy      *strategy,
                                                                     BkAppointment           *appointment,
                                                                     GCancellable            *cancellable,
                                                                     GAsyncReadyCallback      callback,
                                                                     gpointer                 user_data);

G_END_DECLS
