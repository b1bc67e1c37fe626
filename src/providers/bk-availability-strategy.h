/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-appointment.h"
#include "bk-interval.h"
#include "bk-store.h"

G_BEGIN_DECLS

/* What a slot computation found besides the slots: why time is not offered
 * (each blocking busy time with its calendar, and every window that could
 * not be read, with the reason), and how fresh the calendar data was. */
typedef struct
{
  GPtrArray *blocked;     /* BkBusyTime, sorted by start; reason != NULL for
                           * windows blocked because they could not be read */
  gboolean   from_cache;  /* the provider was unreachable: cached busy times */
  gint64     read_at;     /* when the busy times used were read (Unix s; the
                           * oldest read when cached; 0 for manual) */
} BkSlotReport;

#define BK_TYPE_SLOT_REPORT (bk_slot_report_get_type ())

GType         bk_slot_report_get_type (void) G_GNUC_CONST;
BkSlotReport *bk_slot_report_new      (void);
BkSlotReport *bk_slot_report_copy     (const BkSlotReport *self);
void          bk_slot_report_free     (BkSlotReport       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkSlotReport, bk_slot_report_free)

#define BK_TYPE_AVAILABILITY_STRATEGY (bk_availability_strategy_get_type ())

G_DECLARE_INTERFACE (BkAvailabilityStrategy, bk_availability_strategy, BK, AVAILABILITY_STRATEGY, GObject)

/* Where an expert's free time comes from, and where their appointments go.
 * Every operation is asynchronous (GTask) and cancellable, and never blocks
 * the main loop on the network. */
struct _BkAvailabilityStrategyInterface
{
  GTypeInterface parent_iface;

  void      (*get_available_slots_async)  (BkAvailabilityStrategy  *self,
                                           gint64                   from,
                                           gint64                   to,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
  GArray   *(*get_available_slots_finish) (BkAvailabilityStrategy  *self,
                                           GAsyncResult            *result,
                                           BkSlotReport           **out_report,
                                           GError                 **error);
  void      (*create_appointment_async)   (BkAvailabilityStrategy  *self,
                                           BkAppointment           *appointment,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
  char     *(*create_appointment_finish)  (BkAvailabilityStrategy  *self,
                                           GAsyncResult            *result,
                                           GError                 **error);
  void      (*update_appointment_async)   (BkAvailabilityStrategy  *self,
                                           BkAppointment           *appointment,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
  gboolean  (*update_appointment_finish)  (BkAvailabilityStrategy  *self,
                                           GAsyncResult            *result,
                                           GError                 **error);
  void      (*cancel_appointment_async)   (BkAvailabilityStrategy  *self,
                                           BkAppointment           *appointment,
                                           GCancellable            *cancellable,
                                           GAsyncReadyCallback      callback,
                                           gpointer                 user_data);
  gboolean  (*cancel_appointment_finish)  (BkAvailabilityStrategy  *self,
                                           GAsyncResult            *result,
                                           GError                 **error);
};

/* The free slots whose start lies in [from, to): a GArray of BkInterval.
 * @out_report (may be NULL) receives why other time is not offered. */
void      bk_availability_strategy_get_available_slots_async  (BkAvailabilityStrategy  *self,
                                                               gint64                   from,
                                                               gint64                   to,
                                                               GCancellable            *cancellable,
                                                               GAsyncReadyCallback      callback,
                                                               gpointer                 user_data);
GArray   *bk_availability_strategy_get_available_slots_finish (BkAvailabilityStrategy  *self,
                                                               GAsyncResult            *result,
                                                               BkSlotReport           **out_report,
                                                               GError                 **error);
/* Writes @appointment into the expert's calendar. Returns the calendar event
 * id (also stored on the appointment in the store before this returns), or
 * NULL without error when the strategy keeps no calendar (manual). Retrying
 * never creates a second event. */
void      bk_availability_strategy_create_appointment_async   (BkAvailabilityStrategy  *self,
                                                               BkAppointment           *appointment,
                                                               GCancellable            *cancellable,
                                                               GAsyncReadyCallback      callback,
                                                               gpointer                 user_data);
char     *bk_availability_strategy_create_appointment_finish  (BkAvailabilityStrategy  *self,
                                                               GAsyncResult            *result,
                                                               GError                 **error);
void      bk_availability_strategy_update_appointment_async   (BkAvailabilityStrategy  *self,
                                                               BkAppointment           *appointment,
                                                               GCancellable            *cancellable,
                                                               GAsyncReadyCallback      callback,
                                                               gpointer                 user_data);
gboolean  bk_availability_strategy_update_appointment_finish  (BkAvailabilityStrategy  *self,
                                                               GAsyncResult            *result,
                                                               GError                 **error);
/* An event already gone counts as cancelled. */
void      bk_availability_strategy_cancel_appointment_async   (BkAvailabilityStrategy  *self,
                                                               BkAppointment           *appointment,
                                                               GCancellable            *cancellable,
                                                               GAsyncReadyCallback      callback,
                                                               gpointer                 user_data);
gboolean  bk_availability_strategy_cancel_appointment_finish  (BkAvailabilityStrategy  *self,
                                                               GAsyncResult            *result,
                                                               GError                 **error);

/* Shared by the implementations: the slots of @rules over [from, to) with
 * @busy (BkInterval) and the store's blocks and live appointments, exactly as
 * `bookablectl slots` computes them; @busy may be NULL. */
GArray   *bk_availability_strategy_compute_slots              (BkStore                 *store,
                                                               const GArray            *busy,
                                                               gint64                   now,
                                                               gint64                   from,
                                                               gint64                   to,
                                                               GError                 **error);
/* How far outside [from, to) busy times still matter for @rules (buffers,
 * slot length, the daily limit's local day). */
gint64    bk_availability_strategy_get_margin                 (const BkAvailabilityRules *rules);

G_END_DECLS
