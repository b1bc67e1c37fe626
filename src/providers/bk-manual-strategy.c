/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-manual"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-manual-strategy.h"

struct _BkManualStrategy
{
  GObject  parent_instance;

  BkStore *store;
  gint64   now;
};

static void strategy_iface_init (BkAvailabilityStrategyInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BkManualStrategy, bk_manual_strategy, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (BK_TYPE_AVAILABILITY_STRATEGY,
                                                      strategy_iface_init))

static gint64
get_now (BkManualStrategy *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

/* Everything is local and quick (one SQLite read and the pure slot engine),
 * so the work happens right away; GTask still delivers the result from an
 * idle callback, as callers of an _async function expect. */
static void
manual_get_available_slots_async (BkAvailabilityStrategy *strategy,
                                  gint64                  from,
                                  gint64                  to,
                                  GCancellable           *cancellable,
                                  GAsyncReadyCallback     callback,
                                  gpointer                user_data)
{
  BkManualStrategy *self = BK_MANUAL_STRATEGY (strategy);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  GArray *slots;

  g_task_set_source_tag (task, manual_get_available_slots_async);
  if (g_task_return_error_if_cancelled (task))
    return;

  slots = bk_availability_strategy_compute_slots (self->store, NULL, get_now (self), from, to, &error);
  if (slots == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, slots, (GDestroyNotify) g_array_unref);
}

static GArray *
manual_get_available_slots_finish (BkAvailabilityStrategy  *strategy,
                                   GAsyncResult            *result,
                                   BkSlotReport           **out_report,
                                   GError                 **error)
{
  GArray *slots;

  g_return_val_if_fail (g_task_is_valid (result, strategy), NULL);

  slots = g_task_propagate_pointer (G_TASK (result), error);
  if (slots != NULL && out_report != NULL)
    *out_report = bk_slot_report_new ();
  return slots;
}

/* Manual scheduling keeps no calendar: create, update and cancel succeed
 * with nothing to do. */
static void
manual_return_nothing (BkManualStrategy    *self,
                       gpointer             source_tag,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void
manual_create_appointment_async (BkAvailabilityStrategy *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  manual_return_nothing (BK_MANUAL_STRATEGY (strategy), manual_create_appointment_async,
                         cancellable, callback, user_data);
}

static char *
manual_create_appointment_finish (BkAvailabilityStrategy  *strategy,
                                  GAsyncResult            *result,
                                  GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, strategy), NULL);

  g_task_propagate_boolean (G_TASK (result), error);
  return NULL;
}

static void
manual_update_appointment_async (BkAvailabilityStrategy *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  manual_return_nothing (BK_MANUAL_STRATEGY (strategy), manual_update_appointment_async,
                         cancellable, callback, user_data);
}

static void
manual_cancel_appointment_async (BkAvailabilityStrategy *strategy,
                                 BkAppointment          *appointment,
                                 GCancellable           *cancellable,
                                 GAsyncReadyCallback     callback,
                                 gpointer                user_data)
{
  manual_return_nothing (BK_MANUAL_STRATEGY (strategy), manual_cancel_appointment_async,
                         cancellable, callback, user_data);
}

static gboolean
manual_boolean_finish (BkAvailabilityStrategy  *strategy,
                       GAsyncResult            *result,
                       GError                 **error)
{
  g_return_val_if_fail (g_task_is_valid (result, strategy), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
strategy_iface_init (BkAvailabilityStrategyInterface *iface)
{
  iface->get_available_slots_async = manual_get_available_slots_async;
  iface->get_available_slots_finish = manual_get_available_slots_finish;
  iface->create_appointment_async = manual_create_appointment_async;
  iface->create_appointment_finish = manual_create_appointment_finish;
  iface->update_appointment_async = manual_update_appointment_async;
  iface->update_appointment_finish = manual_boolean_finish;
  iface->cancel_appointment_async = manual_cancel_appointment_async;
  iface->cancel_appointment_finish = manual_boolean_finish;
}

static void
bk_manual_strategy_finalize (GObject *object)
{
  BkManualStrategy *self = BK_MANUAL_STRATEGY (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (bk_manual_strategy_parent_class)->finalize (object);
}

static void
bk_manual_strategy_class_init (BkManualStrategyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_manual_strategy_finalize;
}

static void
bk_manual_strategy_init (BkManualStrategy *self)
{
}

BkManualStrategy *
bk_manual_strategy_new (BkStore *store)
{
  BkManualStrategy *self;

  g_return_val_if_fail (BK_IS_STORE (store), NULL);

  self = g_object_new (BK_TYPE_MANUAL_STRATEGY, NULL);
  self->store = g_object_ref (store);
  return self;
}

void
bk_manual_strategy_set_now (BkManualStrategy *self,
                            gint64            now)
{
  g_return_if_fail (BK_IS_MANUAL_STRATEGY (self));

  self->now = now;
}
