/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-store-sync.c: what the sync engine needs from the store beyond the
 * outbox primitives — applying the backend's change feed and settling
 * outbox entries — each in one transaction, so a sync pass killed at any
 * moment leaves either the old state or the new one. */

#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bk-appointment.h"
#include "bk-store-private.h"

/* An outbox entry names the appointment it changes in its payload. */
#define NAMED_IN_OUTBOX(id) \
  "EXISTS (SELECT 1 FROM outbox WHERE json_extract (payload, '$.appointment_id') = " id ")"

static const char get_appointment_sql[] =
  "SELECT " _BK_STORE_APPOINTMENT_COLUMNS " FROM appointments WHERE id = ?1";

/* The backend's view, except on rows with queued local changes; the
 * conflict flag is ours (the calendar check), the pending flag the outbox's.
 * An event id the store knows and the backend does not yet (its report not
 * delivered, or the appointment cancelled before it was) is kept: the
 * calendar step needs it to delete the event, and the backend never takes
 * an event id back.
 * The backend does not know which calendar an event is in, only the store
 * does: a row keeps its calendar while its event stays the same, and a row
 * that takes over another's event (the new appointment of a reschedule)
 * takes that row's calendar with it. */
static const char feed_upsert_sql[] =
  "INSERT INTO appointments (" _BK_STORE_APPOINTMENT_COLUMNS ", updated_at)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, 0,"
  "  (SELECT a.calendar_event_calendar FROM appointments a WHERE a.calendar_event_id = ?8"
  "   AND a.calendar_event_calendar IS NOT NULL ORDER BY a.updated_at DESC LIMIT 1), ?9)"
  " ON CONFLICT (id) DO UPDATE SET start_at = excluded.start_at,"
  " end_at = excluded.end_at, client_name = excluded.client_name,"
  " client_email = excluded.client_email, note = excluded.note,"
  " status = excluded.status,"
  " calendar_event_id = coalesce (excluded.calendar_event_id, appointments.calendar_event_id),"
  " calendar_event_calendar = CASE WHEN excluded.calendar_event_id IS NULL"
  "  OR appointments.calendar_event_id IS excluded.calendar_event_id"
  "  THEN coalesce (appointments.calendar_event_calendar, excluded.calendar_event_calendar)"
  "  ELSE excluded.calendar_event_calendar END,"
  " updated_at = excluded.updated_at"
  " WHERE NOT " NAMED_IN_OUTBOX ("excluded.id");

static const char set_state_sql[] =
  "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static const char take_entry_sql[] =
  "DELETE FROM outbox WHERE seq = ?1"
  " RETURNING idempotency_key, kind, payload, created_at, attempts,"
  " json_extract (payload, '$.appointment_id')";

static const char clear_pending_sql[] =
  "UPDATE appointments SET pending = 0 WHERE id = ?1 AND NOT " NAMED_IN_OUTBOX ("?1");

static const char forget_refusals_sql[] =
  "DELETE FROM sync_state WHERE key GLOB 'refused/*'"
  " AND json_extract (value, '$.appointment_id') = ?1";

static const char list_refusals_sql[] =
  "SELECT value FROM sync_state WHERE key GLOB 'refused/*' ORDER BY key";

static const char get_refusal_sql[] =
  "SELECT json_extract (value, '$.message') FROM sync_state WHERE key GLOB 'refused/*'"
  " AND json_extract (value, '$.appointment_id') = ?1 ORDER BY key DESC LIMIT 1";

static const char list_keys_sql[] =
  "SELECT key FROM sync_state WHERE substr (key, 1, length (?1)) = ?1 ORDER BY key";

static const char count_outbox_sql[] =
  "SELECT count(*) FROM outbox";

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static gboolean
run_text (BkStore     *self,
          const char  *sql,
          const char  *first,
          const char  *second,
          GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, first, -1, SQLITE_STATIC);
  if (second != NULL)
    sqlite3_bind_text (stmt, 2, second, -1, SQLITE_STATIC);
  return _bk_store_step_done (self, stmt, error);
}

static gboolean
feed_upsert (BkStore        *self,
             BkAppointment  *appointment,
             gint64          now,
             GError        **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, feed_upsert_sql, error);

  if (stmt == NULL)
    return FALSE;
  _bk_store_bind_appointment (stmt, appointment);
  sqlite3_bind_int64 (stmt, 9, now);
  return _bk_store_step_done (self, stmt, error);
}

/* Inside a transaction: deletes entry @seq, returning it and the id of the
 * appointment it named (may be NULL), or NULL with NOT_FOUND. */
static BkOutboxEntry *
take_entry (BkStore     *self,
            gint64       seq,
            char       **out_appointment_id,
            GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, take_entry_sql, error);
  BkOutboxEntry *entry;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, seq);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
                     _("There is no queued change with number %" G_GINT64_FORMAT "."), seq);
      else
        _bk_store_set_sql_error (self, error);
      return NULL;
    }
  entry = g_new0 (BkOutboxEntry, 1);
  entry->seq = seq;
  entry->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  entry->created_at = sqlite3_column_int64 (stmt, 3);
  entry->attempts = sqlite3_column_int (stmt, 4);
  *out_appointment_id = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  /* RETURNING rows must be stepped to the end for the DELETE to finish */
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      bk_outbox_entry_free (entry);
      g_clear_pointer (out_appointment_id, g_free);
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return entry;
}

static char *
refusal_to_json (const BkOutboxEntry *entry,
                 const char          *appointment_id,
                 const char          *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "seq");
  json_builder_add_int_value (builder, entry->seq);
  json_builder_set_member_name (builder, "idempotency_key");
  json_builder_add_string_value (builder, entry->idempotency_key);
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, entry->kind);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_string_value (builder, entry->payload);
  json_builder_set_member_name (builder, "created_at");
  json_builder_add_int_value (builder, entry->created_at);
  json_builder_set_member_name (builder, "attempts");
  json_builder_add_int_value (builder, entry->attempts + 1);
  json_builder_set_member_name (builder, "appointment_id");
  if (appointment_id != NULL)
    json_builder_add_string_value (builder, appointment_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static BkOutboxEntry *
refusal_from_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  BkOutboxEntry *entry;
  JsonObject *o;

  if (!json_parser_load_from_data (parser, text, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  o = json_node_get_object (json_parser_get_root (parser));
  entry = g_new0 (BkOutboxEntry, 1);
  entry->seq = json_object_get_int_member_with_default (o, "seq", 0);
  entry->idempotency_key = g_strdup (json_object_get_string_member_with_default (o, "idempotency_key", ""));
  entry->kind = g_strdup (json_object_get_string_member_with_default (o, "kind", ""));
  entry->payload = g_strdup (json_object_get_string_member_with_default (o, "payload", "{}"));
  entry->created_at = json_object_get_int_member_with_default (o, "created_at", 0);
  entry->attempts = json_object_get_int_member_with_default (o, "attempts", 0);
  entry->last_error = g_strdup (json_object_get_string_member_with_default (o, "message", ""));
  return entry;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                               */

BkAppointment *
bk_store_get_appointment (BkStore     *self,
                          const char  *id,
                          GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, get_appointment_sql, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc == SQLITE_DONE)
        g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
                     _("There is no appointment “%s” in this profile."), id);
      else
        _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return _bk_store_appointment_from_row (stmt);
}

gboolean
bk_store_apply_feed_page (BkStore     *self,
                          GPtrArray   *appointments,
                          const char  *cursor_key,
                          const char  *cursor,
                          const char  *todo_prefix,
                          GError     **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (appointments != NULL, FALSE);
  g_return_val_if_fail (cursor_key != NULL && cursor != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_validate_appointments (appointments, error) || !_bk_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (appointments, i);
      g_autofree char *todo = NULL;

      if (todo_prefix != NULL)
        todo = g_strconcat (todo_prefix, bk_appointment_get_id (appointment), NULL);
      if (!feed_upsert (self, appointment, now, error)
          || (todo != NULL
              && !run_text (self, set_state_sql, todo,
                            bk_appointment_get_calendar_event_id (appointment)
                              ? bk_appointment_get_calendar_event_id (appointment) : "",
                            error)))
        {
          _bk_store_rollback (self);
          return FALSE;
        }
    }
  if (!run_text (self, set_state_sql, cursor_key, cursor, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

gboolean
bk_store_outbox_complete (BkStore        *self,
                          gint64          seq,
                          BkAppointment  *confirmed,
                          GError        **error)
{
  g_autoptr(BkOutboxEntry) entry = NULL;
  g_autofree char *appointment_id = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (confirmed == NULL || BK_IS_APPOINTMENT (confirmed), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_begin (self, error))
    return FALSE;
  if ((entry = take_entry (self, seq, &appointment_id, error)) == NULL
      || (confirmed != NULL
          && !feed_upsert (self, confirmed, g_get_real_time () / G_USEC_PER_SEC, error))
      || (appointment_id != NULL
          && (!run_text (self, clear_pending_sql, appointment_id, NULL, error)
              || !run_text (self, forget_refusals_sql, appointment_id, NULL, error))))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

gboolean
bk_store_outbox_refuse (BkStore     *self,
                        gint64       seq,
                        const char  *message,
                        GError     **error)
{
  g_autoptr(BkOutboxEntry) entry = NULL;
  g_autofree char *appointment_id = NULL;
  g_autofree char *key = NULL;
  g_autofree char *value = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_begin (self, error))
    return FALSE;
  if ((entry = take_entry (self, seq, &appointment_id, error)) == NULL)
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  /* zero-padded, so the keys sort like the seqs */
  key = g_strdup_printf ("refused/%020" G_GINT64_FORMAT, seq);
  value = refusal_to_json (entry, appointment_id, message);
  if (!run_text (self, set_state_sql, key, value, error)
      || (appointment_id != NULL && !run_text (self, clear_pending_sql, appointment_id, NULL, error)))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

GPtrArray *
bk_store_list_refusals (BkStore  *self,
                        GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, list_refusals_sql, error)) == NULL)
    return NULL;
  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_outbox_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BkOutboxEntry *entry = refusal_from_json ((const char *) sqlite3_column_text (stmt, 0));

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

char *
bk_store_get_refusal (BkStore     *self,
                      const char  *appointment_id,
                      GError     **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (appointment_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _bk_store_query_text (self, get_refusal_sql, appointment_id, error);
}

guint
bk_store_outbox_count (BkStore  *self,
                       GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if ((stmt = _bk_store_stmt (self, count_outbox_sql, error)) == NULL)
    return 0;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return 0;
    }
  return (guint) sqlite3_column_int64 (stmt, 0);
}

char **
bk_store_list_sync_state_keys (BkStore     *self,
                               const char  *prefix,
                               GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (prefix != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, list_keys_sql, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_STATIC);
  keys = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&keys), FALSE);
}
