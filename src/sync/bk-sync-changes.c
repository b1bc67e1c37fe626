/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sync-changes"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bk-appointment.h"
#include "bk-store.h"
#include "bk-sync-changes.h"
#include "bk-sync-engine.h"

static char *
build_cancel_payload (const char *id,
                      const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointment_id");
  json_builder_add_string_value (builder, id);
  if (reason != NULL)
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
bk_sync_queue_cancel (BkStore     *store,
                      const char  *id,
                      const char  *reason,
                      GError     **error)
{
  g_autoptr(BkAppointment) appointment = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BK_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if ((appointment = bk_store_get_appointment (store, id, error)) == NULL)
    return FALSE;
  if (bk_appointment_get_status (appointment) != BK_APPOINTMENT_STATUS_BOOKED)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                   _("Appointment “%s” is not booked (it is %s); nothing to cancel."), id,
                   bk_appointment_status_to_string (bk_appointment_get_status (appointment)));
      return FALSE;
    }
  bk_appointment_set_status (appointment, BK_APPOINTMENT_STATUS_CANCELLED);
  bk_appointment_set_pending (appointment, TRUE);
  payload = build_cancel_payload (id, reason);
  /* a fresh key per cancellation: a retry of this one reuses it */
  uuid = g_uuid_string_random ();
  key = g_strconcat ("cancel-", uuid, NULL);
  return bk_store_queue_appointment_change (store, appointment, BK_OUTBOX_CANCEL_APPOINTMENT,
                                            payload, key, error) > 0;
}
