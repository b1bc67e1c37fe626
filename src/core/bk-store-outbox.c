/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bk-appointment.h"
#include "bk-store-private.h"

static const char get_sync_state_sql[] =
  "SELECT value FROM sync_state WHERE key = ?1";

static const char set_sync_state_sql[] =
  "INSERT INTO sync_state (key, value) VALUES (?1, ?2)"
  " ON CONFLICT (key) DO UPDATE SET value = excluded.value";

static const char delete_sync_state_sql[] =
  "DELETE FROM sync_state WHERE key = ?1";

static const char outbox_insert_sql[] =
  "INSERT INTO outbox (idempotency_key, kind, payload, created_at) VALUES (?1, ?2, ?3, ?4)"
  " ON CONFLICT (idempotency_key) DO NOTHING";

static const char outbox_seq_sql[] =
  "SELECT seq FROM outbox WHERE idempotency_key = ?1";

static const char outbox_list_sql[] =
  "SELECT seq, idempotency_key, kind, payload, created_at, attempts, last_error"
  " FROM outbox ORDER BY seq LIMIT ?1";

static const char outbox_remove_sql[] =
  "DELETE FROM outbox WHERE seq = ?1";

static const char outbox_failure_sql[] =
  "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE seq = ?1";

G_DEFINE_BOXED_TYPE (BkOutboxEntry, bk_outbox_entry, bk_outbox_entry_copy, bk_outbox_entry_free)

BkOutboxEntry *
bk_outbox_entry_copy (const BkOutboxEntry *self)
{
  BkOutboxEntry *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->idempotency_key = g_strdup (self->idempotency_key);
  copy->kind = g_strdup (self->kind);
  copy->payload = g_strdup (self->payload);
  copy->last_error = g_strdup (self->last_error);

  return copy;
}

void
bk_outbox_entry_free (BkOutboxEntry *self)
{
  if (self == NULL)
    return;

  g_free (self->idempotency_key);
  g_free (self->kind);
  g_free (self->payload);
  g_free (self->last_error);
  g_free (self);
}

/* ------------------------------------------------------------------------ */
/* Sync state                                                               */

char *
_bk_store_query_text (BkStore     *self,
                      const char  *sql,
                      const char  *param,
                      GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, param, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    _bk_store_set_sql_error (self, error);
  return NULL;
}

char *
bk_store_get_sync_state (BkStore     *self,
                         const char  *key,
                         GError     **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _bk_store_query_text (self, get_sync_state_sql, key, error);
}

gboolean
bk_store_set_sync_state (BkStore     *self,
                         const char  *key,
                         const char  *value,
                         GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_begin (self, error))
    return FALSE;
  if ((stmt = _bk_store_stmt (self, value ? set_sync_state_sql : delete_sync_state_sql, error)) == NULL)
    {
      _bk_store_rollback (self);
      return FALSE;
    }

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (!_bk_store_step_done (self, stmt, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }

  g_clear_pointer (&stmt, _bk_cached_stmt_release);
  return _bk_store_commit (self, error);
}

/* ------------------------------------------------------------------------ */
/* Outbox                                                                   */

static gboolean
validate_entry (const char  *kind,
                const char  *payload_json,
                const char  *idempotency_key,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) json_error = NULL;

  if (kind == NULL || *kind == '\0' || idempotency_key == NULL || *idempotency_key == '\0')
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("A queued change needs a kind and an idempotency key."));
      return FALSE;
    }

  /* an empty text parses, but with no root: not a payload either */
  if (payload_json == NULL ||
      !json_parser_load_from_data (parser, payload_json, -1, &json_error) ||
      json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                   _("The queued change “%s” is not valid JSON: %s"),
                   kind, json_error ? json_error->message : _("it is empty"));
      return FALSE;
    }

  return TRUE;
}

/* Inside a transaction: inserts the entry unless its key is queued, then
 * answers the key's seq. */
gint64
_bk_store_outbox_push_in_transaction (BkStore     *self,
                                      const char  *kind,
                                      const char  *payload_json,
                                      const char  *idempotency_key,
                                      GError     **error)
{
  g_autoptr(BkCachedStmt) insert = _bk_store_stmt (self, outbox_insert_sql, error);
  g_autoptr(BkCachedStmt) lookup = NULL;

  if (insert == NULL)
    return 0;

  sqlite3_bind_text (insert, 1, idempotency_key, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 2, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (insert, 3, payload_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (insert, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (!_bk_store_step_done (self, insert, error))
    return 0;

  if ((lookup = _bk_store_stmt (self, outbox_seq_sql, error)) == NULL)
    return 0;
  sqlite3_bind_text (lookup, 1, idempotency_key, -1, SQLITE_STATIC);
  if (sqlite3_step (lookup) != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return 0;
    }

  return sqlite3_column_int64 (lookup, 0);
}

/* Runs _bk_store_outbox_push_in_transaction() after an optional appointment write, all in
 * one transaction. */
static gint64
queue (BkStore        *self,
       BkAppointment  *appointment,
       const char     *kind,
       const char     *payload_json,
       const char     *idempotency_key,
       GError        **error)
{
  gint64 seq;

  if (!_bk_store_begin (self, error))
    return 0;

  if (appointment != NULL &&
      !_bk_store_upsert_appointment (self, appointment, g_get_real_time () / G_USEC_PER_SEC, error))
    {
      _bk_store_rollback (self);
      return 0;
    }

  seq = _bk_store_outbox_push_in_transaction (self, kind, payload_json, idempotency_key, error);
  if (seq == 0)
    {
      _bk_store_rollback (self);
      return 0;
    }

  return _bk_store_commit (self, error) ? seq : 0;
}

gint64
bk_store_outbox_push (BkStore     *self,
                      const char  *kind,
                      const char  *payload_json,
                      const char  *idempotency_key,
                      GError     **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (!validate_entry (kind, payload_json, idempotency_key, error))
    return 0;

  return queue (self, NULL, kind, payload_json, idempotency_key, error);
}

gint64
bk_store_queue_appointment_change (BkStore        *self,
                                   BkAppointment  *appointment,
                                   const char     *kind,
                                   const char     *payload_json,
                                   const char     *idempotency_key,
                                   GError        **error)
{
  g_autoptr(GPtrArray) one = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), 0);
  g_return_val_if_fail (BK_IS_APPOINTMENT (appointment), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  one = g_ptr_array_new ();
  g_ptr_array_add (one, appointment);
  if (!_bk_store_validate_appointments (one, error) ||
      !validate_entry (kind, payload_json, idempotency_key, error))
    return 0;

  return queue (self, appointment, kind, payload_json, idempotency_key, error);
}

GPtrArray *
bk_store_outbox_list (BkStore  *self,
                      guint     limit,
                      GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, outbox_list_sql, error)) == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_outbox_entry_free);
  /* LIMIT -1 is SQLite's "no limit" */
  sqlite3_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : -1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BkOutboxEntry *entry = g_new0 (BkOutboxEntry, 1);

      entry->seq = sqlite3_column_int64 (stmt, 0);
      entry->idempotency_key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      entry->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      entry->payload = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      entry->created_at = sqlite3_column_int64 (stmt, 4);
      entry->attempts = sqlite3_column_int (stmt, 5);
      entry->last_error = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Runs @sql (seq as ?1, @text as ?2) on exactly one outbox row. */
static gboolean
update_entry (BkStore     *self,
              const char  *sql,
              gint64       seq,
              const char  *text,
              GError     **error)
{
  gboolean found;

  if (!_bk_store_change_row (self, sql, seq, text, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
                   _("There is no queued change with number %" G_GINT64_FORMAT "."), seq);
      return FALSE;
    }
  return TRUE;
}

gboolean
bk_store_outbox_remove (BkStore  *self,
                        gint64    seq,
                        GError  **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_entry (self, outbox_remove_sql, seq, NULL, error);
}

gboolean
bk_store_outbox_record_failure (BkStore     *self,
                                gint64       seq,
                                const char  *message,
                                GError     **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_entry (self, outbox_failure_sql, seq, message, error);
}
