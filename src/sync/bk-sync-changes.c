/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-sync-changes"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bk-appointment.h"
#include "bk-interval.h"
#include "bk-store.h"
#include "bk-sync-changes.h"
#include "bk-sync-engine.h"
#include "bk-time.h"

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

/* @id as a booked appointment with no change waiting, or NULL and @error
 * saying why (@cancel: for a cancellation, else for a reschedule — whole
 * sentences, for the translators). One change at a time: a cancellation
 * queued behind a move would reach the old appointment after the server
 * replaced it, and which of two moves wins is not the expert's to guess. */
static BkAppointment *
get_booked (BkStore     *store,
            const char  *id,
            gboolean     cancel,
            GError     **error)
{
  g_autoptr(BkAppointment) appointment = bk_store_get_appointment (store, id, error);
  const char *status;

  if (appointment == NULL)
    return NULL;
  if (bk_appointment_get_status (appointment) == BK_APPOINTMENT_STATUS_BOOKED
      && bk_appointment_get_pending (appointment))
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                   _("Appointment “%s” already has a change waiting for the server; sync first."), id);
      return NULL;
    }
  if (bk_appointment_get_status (appointment) == BK_APPOINTMENT_STATUS_BOOKED)
    return g_steal_pointer (&appointment);
  status = bk_appointment_status_to_string (bk_appointment_get_status (appointment));
  if (cancel)
    g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                 _("Appointment “%s” is not booked (it is %s); nothing to cancel."), id, status);
  else
    g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                 _("Appointment “%s” is not booked (it is %s); nothing to reschedule."), id, status);
  return NULL;
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

  if ((appointment = get_booked (store, id, TRUE, error)) == NULL)
    return FALSE;
  bk_appointment_set_status (appointment, BK_APPOINTMENT_STATUS_CANCELLED);
  bk_appointment_set_pending (appointment, TRUE);
  payload = build_cancel_payload (id, reason);
  /* a fresh key per cancellation: a retry of this one reuses it */
  uuid = g_uuid_string_random ();
  key = g_strconcat ("cancel-", uuid, NULL);
  return bk_store_queue_appointment_change (store, appointment, BK_OUTBOX_CANCEL_APPOINTMENT,
                                            payload, key, error) > 0;
}

static char *
build_move_payload (const char *id,
                    gint64      start,
                    gint64      end)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *start_text = bk_time_format_iso8601_utc (start);
  g_autofree char *end_text = bk_time_format_iso8601_utc (end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "appointment_id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start_text);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end_text);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

gboolean
bk_sync_queue_reschedule (BkStore     *store,
                          const char  *id,
                          gint64       start,
                          gint64       end,
                          GError     **error)
{
  g_autoptr(BkAppointment) appointment = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *key = NULL;

  g_return_val_if_fail (BK_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (end <= start)
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("An appointment must end after it starts."));
      return FALSE;
    }
  if ((appointment = get_booked (store, id, FALSE, error)) == NULL)
    return FALSE;
  /* the times stay until the server confirms: it may refuse the new time */
  bk_appointment_set_pending (appointment, TRUE);
  payload = build_move_payload (id, start, end);
  uuid = g_uuid_string_random ();
  key = g_strconcat ("reschedule-", uuid, NULL);
  return bk_store_queue_appointment_change (store, appointment, BK_OUTBOX_RESCHEDULE_APPOINTMENT,
                                            payload, key, error) > 0;
}

/* The appointment @payload moves and to where, or FALSE. */
static gboolean
read_move (const char  *payload,
           char       **out_id,
           BkInterval  *out_move)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  const char *id;

  if (!json_parser_load_from_data (parser, payload, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  object = json_node_get_object (json_parser_get_root (parser));
  id = json_object_get_string_member_with_default (object, "appointment_id", NULL);
  if (id == NULL
      || !bk_time_parse_iso8601 (json_object_get_string_member_with_default (object, "start", ""),
                                 &out_move->start, NULL)
      || !bk_time_parse_iso8601 (json_object_get_string_member_with_default (object, "end", ""),
                                 &out_move->end, NULL))
    return FALSE;
  *out_id = g_strdup (id);
  return TRUE;
}

GHashTable *
bk_sync_list_pending_moves (BkStore *store)
{
  GHashTable *moves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (BK_IS_STORE (store), moves);

  if ((entries = bk_store_outbox_list (store, 0, NULL)) == NULL)
    return moves;
  /* oldest first: the last queued move of an appointment replaces others */
  for (guint i = 0; i < entries->len; i++)
    {
      BkOutboxEntry *entry = g_ptr_array_index (entries, i);
      BkInterval move;
      char *id;

      if (g_str_equal (entry->kind, BK_OUTBOX_RESCHEDULE_APPOINTMENT)
          && read_move (entry->payload, &id, &move))
        g_hash_table_insert (moves, id, g_memdup2 (&move, sizeof move));
    }
  return moves;
}

gboolean
bk_sync_get_pending_move (BkStore     *store,
                          const char  *id,
                          gint64      *out_start,
                          gint64      *out_end)
{
  g_autoptr(GHashTable) moves = NULL;
  const BkInterval *move;

  g_return_val_if_fail (BK_IS_STORE (store), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (out_start != NULL && out_end != NULL, FALSE);

  moves = bk_sync_list_pending_moves (store);
  if ((move = g_hash_table_lookup (moves, id)) == NULL)
    return FALSE;
  *out_start = move->start;
  *out_end = move->end;
  return TRUE;
}
