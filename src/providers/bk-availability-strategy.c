/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-strategy"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-availability-rules.h"
#include "bk-availability-strategy.h"
#include "bk-block.h"
#include "bk-slot-engine.h"

G_DEFINE_INTERFACE (BkAvailabilityStrategy, bk_availability_strategy, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (BkSlotReport, bk_slot_report, bk_slot_report_copy, bk_slot_report_free)

static void
bk_availability_strategy_default_init (BkAvailabilityStrategyInterface *iface)
{
}

/* ------------------------------------------------------------------------ */
/* BkSlotReport                                                             */

BkSlotReport *
bk_slot_report_new (void)
{
  BkSlotReport *self = g_new0 (BkSlotReport, 1);

  self->blocked = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  return self;
}

BkSlotReport *
bk_slot_report_copy (const BkSlotReport *self)
{
  BkSlotReport *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = bk_slot_report_new ();
  copy->from_cache = self->from_cache;
  copy->read_at = self->read_at;
  for (guint i = 0; i < self->blocked->len; i++)
    g_ptr_array_add (copy->blocked, bk_busy_time_copy (g_ptr_array_index (self->blocked, i)));
  return copy;
}

void
bk_slot_report_free (BkSlotReport *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->blocked);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Dispatch                                                                 */

void
bk_availability_strategy_get_available_slots_async (BkAvailabilityStrategy *self,
                                                    gint64                  from,
                                                    gint64                  to,
                                                    GCancellable           *cancellable,
                                                    GAsyncReadyCallback     callback,
                                                    gpointer                user_data)
{
  g_return_if_fail (BK_IS_AVAILABILITY_STRATEGY (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->get_available_slots_async (self, from, to, cancellable,
                                                                         callback, user_data);
}

GArray *
bk_availability_strategy_get_available_slots_finish (BkAvailabilityStrategy  *self,
                                                     GAsyncResult            *result,
                                                     BkSlotReport           **out_report,
                                                     GError                 **error)
{
  g_return_val_if_fail (BK_IS_AVAILABILITY_STRATEGY (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->get_available_slots_finish (self, result,
                                                                                 out_report, error);
}

void
bk_availability_strategy_create_appointment_async (BkAvailabilityStrategy *self,
                                                   BkAppointment          *appointment,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data)
{
  g_return_if_fail (BK_IS_AVAILABILITY_STRATEGY (self));
  g_return_if_fail (BK_IS_APPOINTMENT (appointment));

  BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->create_appointment_async (self, appointment, cancellable,
                                                                        callback, user_data);
}

char *
bk_availability_strategy_create_appointment_finish (BkAvailabilityStrategy  *self,
                                                    GAsyncResult            *result,
                                                    GError                 **error)
{
  g_return_val_if_fail (BK_IS_AVAILABILITY_STRATEGY (self), NULL);

  return BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->create_appointment_finish (self, result, error);
}

void
bk_availability_strategy_update_appointment_async (BkAvailabilityStrategy *self,
                                                   BkAppointment          *appointment,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data)
{
  g_return_if_fail (BK_IS_AVAILABILITY_STRATEGY (self));
  g_return_if_fail (BK_IS_APPOINTMENT (appointment));

  BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->update_appointment_async (self, appointment, cancellable,
                                                                        callback, user_data);
}

gboolean
bk_availability_strategy_update_appointment_finish (BkAvailabilityStrategy  *self,
                                                    GAsyncResult            *result,
                                                    GError                 **error)
{
  g_return_val_if_fail (BK_IS_AVAILABILITY_STRATEGY (self), FALSE);

  return BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->update_appointment_finish (self, result, error);
}

void
bk_availability_strategy_cancel_appointment_async (BkAvailabilityStrategy *self,
                                                   BkAppointment          *appointment,
                                                   GCancellable           *cancellable,
                                                   GAsyncReadyCallback     callback,
                                                   gpointer                user_data)
{
  g_return_if_fail (BK_IS_AVAILABILITY_STRATEGY (self));
  g_return_if_fail (BK_IS_APPOINTMENT (appointment));

  BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->cancel_appointment_async (self, appointment, cancellable,
                                                                        callback, user_data);
}

gboolean
bk_availability_strategy_cancel_appointment_finish (BkAvailabilityStrategy  *self,
                                                    GAsyncResult            *result,
                                                    GError                 **error)
{
  g_return_val_if_fail (BK_IS_AVAILABILITY_STRATEGY (self), FALSE);

  return BK_AVAILABILITY_STRATEGY_GET_IFACE (self)->cancel_appointment_finish (self, result, error);
}

/* ------------------------------------------------------------------------ */
/* Shared computation                                                       */

gint64
bk_availability_strategy_get_margin (const BkAvailabilityRules *rules)
{
  gint64 reach;

  g_return_val_if_fail (rules != NULL, 0);

  /* the same reach as `bookablectl slots`: buffers and the slot itself reach
   * past [from, to), and the daily limit counts a whole local day */
  reach = (gint64) rules->slot_minutes + rules->buffer_before_minutes + rules->buffer_after_minutes;
  return 2 * 86400 + reach * 60;
}

static gboolean
append_store_times (BkStore  *store,
                    gint64    from,
                    gint64    to,
                    GArray   *busy,
                    GArray   *booked,
                    GError  **error)
{
  g_autoptr(GPtrArray) blocks = bk_store_list_blocks (store, from, to, error);
  g_autoptr(GPtrArray) appointments = NULL;

  if (blocks == NULL)
    return FALSE;
  for (guint i = 0; i < blocks->len; i++)
    {
      const BkBlock *block = g_ptr_array_index (blocks, i);

      g_array_append_vals (busy, &(BkInterval) { block->start, block->end }, 1);
    }

  appointments = bk_store_list_appointments (store, from, to, error);
  if (appointments == NULL)
    return FALSE;
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (appointments, i);

      if (bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED)
        continue;
      g_array_append_vals (booked, &(BkInterval) { bk_appointment_get_start (appointment),
                                                   bk_appointment_get_end (appointment) }, 1);
    }
  return TRUE;
}

GArray *
bk_availability_strategy_compute_slots (BkStore       *store,
                                        const GArray  *busy,
                                        gint64         now,
                                        gint64         from,
                                        gint64         to,
                                        GError       **error)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  g_autoptr(GArray) all_busy = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  g_autoptr(GArray) booked = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  gint64 margin;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);

  rules = bk_store_load_rules (store, error);
  if (rules == NULL)
    return NULL;

  margin = bk_availability_strategy_get_margin (rules);
  if (!append_store_times (store, from - margin, to + margin, all_busy, booked, error))
    return NULL;
  if (busy != NULL)
    g_array_append_vals (all_busy, busy->data, busy->len);

  return bk_slot_engine_compute (rules,
                                 (const BkInterval *) all_busy->data, all_busy->len,
                                 (const BkInterval *) booked->data, booked->len,
                                 now, from, to, error);
}
