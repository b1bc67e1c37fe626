/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-store-two-way.c: what two-way calendar sync needs from the store —
 * finding the appointment behind a calendar event, queueing the changes the
 * expert made in the calendar together with the calendar's new delta link
 * or sync token (one transaction: a pass cut anywhere loses no change), and
 * the bookings that collide with the calendar (conflicts). */

#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-store-private.h"

/* sync state: the calendar times a conflicting booking collides with */
#define CONFLICT_PREFIX "conflict/"

/* a booked appointment first: after a reschedule the old row keeps the id */
static const char find_by_event_sql[] =
  "SELECT id FROM appointments WHERE calendar_event_id = ?1"
  " ORDER BY status = 'booked' DESC, updated_at DESC LIMIT 1";

static const char push_sql[] =
  "INSERT INTO outbox (idempotency_key, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)"
  " ON CONFLICT (idempotency_key) DO NOTHING";

static const char mark_pending_sql[] =
  "UPDATE appointments SET pending = 1 WHERE id = json_extract (?1, '$.appointment_id')";

static const char set_state_sql[] =
  "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static const char delete_state_sql[] =
  "DELETE FROM sync_state WHERE key = ?1";

static const char set_conflict_sql[] =
  "UPDATE appointments SET conflict = ?2 WHERE id = ?1";

BkAppointment *
bk_store_find_appointment_by_event (BkStore     *self,
                                    const char  *event_id,
                                    GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autofree char *id = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (event_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, find_by_event_sql, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, event_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_clear_pointer (&stmt, _bk_cached_stmt_release);
  return bk_store_get_appointment (self, id, error);
}

gboolean
_bk_store_push_calendar_change (BkStore             *self,
                                const BkOutboxEntry *entry,
                                gint64               now,
                                GError             **error)
{
  g_autoptr(BkCachedStmt) push = _bk_store_stmt (self, push_sql, error);
  g_autoptr(BkCachedStmt) mark = NULL;

  if (push == NULL)
    return FALSE;
  sqlite3_bind_text (push, 1, entry->idempotency_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (push, 2, entry->kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (push, 3, entry->payload, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (push, 4, now);
  if (!_bk_store_step_done (self, push, error)
      || (mark = _bk_store_stmt (self, mark_pending_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_text (mark, 1, entry->payload, -1, SQLITE_STATIC);
  return _bk_store_step_done (self, mark, error);
}

static gboolean
set_state (BkStore     *self,
           const char  *key,
           const char  *value,
           GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, value ? set_state_sql : delete_state_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return _bk_store_step_done (self, stmt, error);
}

gboolean
bk_store_queue_calendar_changes (BkStore     *self,
                                 GPtrArray   *entries,
                                 const char  *state_key,
                                 const char  *state_value,
                                 GError     **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (state_key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    if (!_bk_store_push_calendar_change (self, g_ptr_array_index (entries, i), now, error))
      {
        _bk_store_rollback (self);
        return FALSE;
      }
  if (!set_state (self, state_key, state_value, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

gboolean
bk_store_set_conflict (BkStore     *self,
                       const char  *appointment_id,
                       const char  *conflicts_json,
                       GError     **error)
{
  g_autofree char *key = NULL;
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (appointment_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = g_strconcat (CONFLICT_PREFIX, appointment_id, NULL);
  if (!_bk_store_begin (self, error))
    return FALSE;
  if ((stmt = _bk_store_stmt (self, set_conflict_sql, error)) == NULL)
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  sqlite3_bind_text (stmt, 1, appointment_id, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, conflicts_json != NULL);
  if (!_bk_store_step_done (self, stmt, error)
      || !set_state (self, key, conflicts_json, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

char *
bk_store_dup_conflicts (BkStore     *self,
                        const char  *appointment_id,
                        GError     **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (appointment_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = g_strconcat (CONFLICT_PREFIX, appointment_id, NULL);
  return bk_store_get_sync_state (self, key, error);
}
