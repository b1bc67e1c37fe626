/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-appointment.h"
#include "bk-block.h"
#include "bk-interval.h"
#include "bk-store-private.h"

/* Version 3 → 4. Each appointment's event remembers the calendar it was
 * written to, so a later move or removal reaches that calendar even after
 * the expert chose another destination. Events written before version 4
 * get the destination of the active source at the upgrade, the best guess
 * there is (they were written to the destination of their day); where
 * there is none (manual source, no destination) the column stays NULL and
 * the strategies use the current destination, as before version 4. The
 * index serves the lookups by event id (two-way sync, a reschedule
 * inheriting its predecessor's event). */
const char _bk_store_schema_v4[] =
  "ALTER TABLE appointments ADD COLUMN calendar_event_calendar TEXT;"
  "UPDATE appointments SET calendar_event_calendar ="
  " (SELECT c.remote_id FROM calendars c JOIN active_source s ON c.provider = s.source"
  "  WHERE c.destination = 1)"
  " WHERE calendar_event_id IS NOT NULL;"
  "CREATE INDEX appointments_event ON appointments (calendar_event_id)"
  " WHERE calendar_event_id IS NOT NULL;";

static const char add_block_sql[] =
  "INSERT INTO blocks (start_at, end_at, title) VALUES (?1, ?2, ?3)";

static const char list_blocks_sql[] =
  "SELECT id, start_at, end_at, title FROM blocks WHERE" _BK_STORE_OVERLAPS ("blocks")
  " ORDER BY start_at, id";

static const char remove_block_sql[] =
  "DELETE FROM blocks WHERE id = ?1";

static const char upsert_appointment_sql[] =
  "INSERT INTO appointments (" _BK_STORE_APPOINTMENT_COLUMNS ", updated_at)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
  " ON CONFLICT (id) DO UPDATE SET start_at = excluded.start_at,"
  " end_at = excluded.end_at, client_name = excluded.client_name,"
  " client_email = excluded.client_email, note = excluded.note,"
  " status = excluded.status, calendar_event_id = excluded.calendar_event_id,"
  " conflict = excluded.conflict, pending = excluded.pending,"
  " calendar_event_calendar = excluded.calendar_event_calendar,"
  " updated_at = excluded.updated_at";

static const char list_appointments_sql[] = _BK_STORE_LIST_APPOINTMENTS_SQL;

static const char list_busy_sql[] =
  "SELECT start_at, end_at FROM busy_intervals WHERE" _BK_STORE_OVERLAPS ("busy_intervals")
  " ORDER BY start_at";

static const char list_busy_and_blocks_sql[] =
  "SELECT start_at, end_at FROM busy_intervals WHERE" _BK_STORE_OVERLAPS ("busy_intervals")
  " UNION ALL"
  " SELECT start_at, end_at FROM blocks WHERE" _BK_STORE_OVERLAPS ("blocks")
  " ORDER BY 1, 2";

static const char list_event_calendars_sql[] =
  "SELECT DISTINCT calendar_event_calendar FROM appointments"
  " WHERE status = 'booked' AND calendar_event_id IS NOT NULL"
  " AND calendar_event_calendar IS NOT NULL AND end_at > ?1"
  " ORDER BY 1";

static const char list_booked_sql[] =
  "SELECT start_at, end_at FROM appointments WHERE status = 'booked' AND"
  _BK_STORE_OVERLAPS ("appointments") " ORDER BY start_at";

BkAppointment *
_bk_store_appointment_from_row (sqlite3_stmt *stmt)
{
  BkAppointment *appointment;
  BkAppointmentStatus status = BK_APPOINTMENT_STATUS_BOOKED;

  appointment = bk_appointment_new ((const char *) sqlite3_column_text (stmt, 0),
                                    sqlite3_column_int64 (stmt, 1),
                                    sqlite3_column_int64 (stmt, 2),
                                    (const char *) sqlite3_column_text (stmt, 3),
                                    (const char *) sqlite3_column_text (stmt, 4));
  bk_appointment_set_note (appointment, (const char *) sqlite3_column_text (stmt, 5));
  /* the CHECK constraint keeps the text one of the three */
  bk_appointment_status_from_string ((const char *) sqlite3_column_text (stmt, 6), &status);
  bk_appointment_set_status (appointment, status);
  bk_appointment_set_calendar_event_id (appointment, (const char *) sqlite3_column_text (stmt, 7));
  bk_appointment_set_conflict (appointment, sqlite3_column_int (stmt, 8) != 0);
  bk_appointment_set_pending (appointment, sqlite3_column_int (stmt, 9) != 0);
  bk_appointment_set_calendar_event_calendar (appointment, (const char *) sqlite3_column_text (stmt, 10));

  return appointment;
}

static void
bind_range (sqlite3_stmt *stmt,
            gint64        from,
            gint64        to)
{
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
}

/* Appends every (start_at, end_at) row of @stmt to @out (BkInterval). */
static gboolean
collect_intervals (BkStore       *self,
                   sqlite3_stmt  *stmt,
                   GArray        *out,
                   GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BkInterval interval = { sqlite3_column_int64 (stmt, 0), sqlite3_column_int64 (stmt, 1) };

      g_array_append_val (out, interval);
    }

  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public API: blocks                                                       */

gint64
bk_store_add_block (BkStore     *self,
                    gint64       start,
                    gint64       end,
                    const char  *title,
                    GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  gint64 id;

  g_return_val_if_fail (BK_IS_STORE (self), 0);
  g_return_val_if_fail (error == NULL || *error == NULL, 0);

  if (end <= start)
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("A block must end after it starts."));
      return 0;
    }

  if (!_bk_store_begin (self, error))
    return 0;
  if ((stmt = _bk_store_stmt (self, add_block_sql, error)) == NULL)
    {
      _bk_store_rollback (self);
      return 0;
    }

  sqlite3_bind_int64 (stmt, 1, start);
  sqlite3_bind_int64 (stmt, 2, end);
  sqlite3_bind_text (stmt, 3, title, -1, SQLITE_TRANSIENT);  /* NULL binds NULL */
  if (!_bk_store_step_done (self, stmt, error))
    {
      _bk_store_rollback (self);
      return 0;
    }

  id = sqlite3_last_insert_rowid (_bk_store_get_db (self));
  g_clear_pointer (&stmt, _bk_cached_stmt_release);

  return _bk_store_commit (self, error) ? id : 0;
}

GPtrArray *
bk_store_list_blocks (BkStore  *self,
                      gint64    from,
                      gint64    to,
                      GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) blocks = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, list_blocks_sql, error)) == NULL)
    return NULL;

  blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_block_free);
  bind_range (stmt, from, to);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (blocks,
                     bk_block_new (sqlite3_column_int64 (stmt, 0),
                                   sqlite3_column_int64 (stmt, 1),
                                   sqlite3_column_int64 (stmt, 2),
                                   (const char *) sqlite3_column_text (stmt, 3)));
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&blocks);
}

gboolean
bk_store_remove_block (BkStore  *self,
                       gint64    id,
                       GError  **error)
{
  gboolean found;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_change_row (self, remove_block_sql, id, NULL, &found, error))
    return FALSE;
  if (!found)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
                   _("There is no block with id %" G_GINT64_FORMAT "."), id);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public API: appointments                                                 */

gboolean
_bk_store_validate_appointments (GPtrArray  *appointments,
                                 GError    **error)
{
  for (guint i = 0; i < appointments->len; i++)
    {
      BkAppointment *appointment = g_ptr_array_index (appointments, i);

      if (!BK_IS_APPOINTMENT (appointment) || bk_appointment_get_id (appointment) == NULL)
        {
          g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                               _("An appointment without an id cannot be stored."));
          return FALSE;
        }
      if (bk_appointment_get_end (appointment) <= bk_appointment_get_start (appointment))
        {
          g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                       _("Appointment “%s” must end after it starts."),
                       bk_appointment_get_id (appointment));
          return FALSE;
        }
    }

  return TRUE;
}

void
_bk_store_bind_appointment (sqlite3_stmt  *stmt,
                            BkAppointment *appointment)
{
  sqlite3_bind_text (stmt, 1, bk_appointment_get_id (appointment), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, bk_appointment_get_start (appointment));
  sqlite3_bind_int64 (stmt, 3, bk_appointment_get_end (appointment));
  sqlite3_bind_text (stmt, 4, bk_appointment_get_client_name (appointment), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, bk_appointment_get_client_email (appointment), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, bk_appointment_get_note (appointment), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, bk_appointment_status_to_string (bk_appointment_get_status (appointment)),
                     -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, bk_appointment_get_calendar_event_id (appointment), -1, SQLITE_STATIC);
}

gboolean
_bk_store_upsert_appointment (BkStore        *self,
                              BkAppointment  *appointment,
                              gint64          now,
                              GError        **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, upsert_appointment_sql, error);

  if (stmt == NULL)
    return FALSE;

  /* the strings outlive the step and the release clears the bindings, so
   * no copies (which count in a bulk sync); a NULL string binds NULL */
  _bk_store_bind_appointment (stmt, appointment);
  sqlite3_bind_int (stmt, 9, bk_appointment_get_conflict (appointment));
  sqlite3_bind_int (stmt, 10, bk_appointment_get_pending (appointment));
  sqlite3_bind_text (stmt, 11, bk_appointment_get_calendar_event_calendar (appointment), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 12, now);

  return _bk_store_step_done (self, stmt, error);
}

gboolean
bk_store_upsert_appointments (BkStore    *self,
                              GPtrArray  *appointments,
                              GError    **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (appointments != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_validate_appointments (appointments, error))
    return FALSE;

  if (!_bk_store_begin (self, error))
    return FALSE;
  for (guint i = 0; i < appointments->len; i++)
    {
      if (!_bk_store_upsert_appointment (self, g_ptr_array_index (appointments, i), now, error))
        {
          _bk_store_rollback (self);
          return FALSE;
        }
    }

  return _bk_store_commit (self, error);
}

/* Reads every row of a list_appointments_sql statement; shared by the main
 * connection and the worker's. Returns the SQLite result code. */
static int
collect_appointments (sqlite3_stmt *stmt,
                      GPtrArray    *out)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (out, _bk_store_appointment_from_row (stmt));

  return rc;
}

GPtrArray *
bk_store_list_appointments (BkStore  *self,
                            gint64    from,
                            gint64    to,
                            GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) appointments = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, list_appointments_sql, error)) == NULL)
    return NULL;

  appointments = g_ptr_array_new_with_free_func (g_object_unref);
  bind_range (stmt, from, to);
  if (collect_appointments (stmt, appointments) != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }

  return g_steal_pointer (&appointments);
}

char **
bk_store_list_event_calendars (BkStore  *self,
                               gint64    since,
                               GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((stmt = _bk_store_stmt (self, list_event_calendars_sql, error)) == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  calendars = g_ptr_array_new_with_free_func (g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (calendars, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  g_ptr_array_add (calendars, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&calendars), FALSE);
}

typedef struct
{
  char   *path;
  gint64  from;
  gint64  to;
} ListData;

static void
list_data_free (ListData *data)
{
  g_free (data->path);
  g_free (data);
}

static int
cancelled_progress_cb (void *user_data)
{
  /* non-zero interrupts the running statement */
  return g_cancellable_is_cancelled (G_CANCELLABLE (user_data));
}

static void
list_appointments_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  ListData *data = task_data;
  g_autoptr(sqlite3) db = NULL;
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(GPtrArray) appointments = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  /* its own read-only connection: WAL lets it read a consistent snapshot
   * while the main connection keeps writing */
  rc = sqlite3_open_v2 (data->path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_busy_timeout (db, 5000);
      if (cancellable != NULL)
        sqlite3_progress_handler (db, 1000, cancelled_progress_cb, cancellable);
      rc = sqlite3_prepare_v2 (db, list_appointments_sql, -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    {
      bind_range (stmt, data->from, data->to);
      rc = collect_appointments (stmt, appointments);
    }

  if (g_task_return_error_if_cancelled (task))
    return;
  if (rc != SQLITE_DONE)
    {
      g_task_return_new_error (task, BK_STORE_ERROR, BK_STORE_ERROR_SQL,
                               _("The local store “%s” could not be read or updated: %s"),
                               data->path, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&appointments), (GDestroyNotify) g_ptr_array_unref);
}

void
bk_store_list_appointments_async (BkStore             *self,
                                  gint64               from,
                                  gint64               to,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ListData *data;

  g_return_if_fail (BK_IS_STORE (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (ListData, 1);
  data->path = g_strdup (bk_store_get_path (self));
  data->from = from;
  data->to = to;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bk_store_list_appointments_async);
  g_task_set_task_data (task, data, (GDestroyNotify) list_data_free);
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, list_appointments_thread);
}

GPtrArray *
bk_store_list_appointments_finish (BkStore       *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------ */
/* Public API: what the slot engine needs                                   */

static GArray *
list_intervals (BkStore  *self,
                const char *sql,
                gint64    from,
                gint64    to,
                GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql, error);
  g_autoptr(GArray) intervals = NULL;

  if (stmt == NULL)
    return NULL;

  intervals = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  bind_range (stmt, from, to);
  if (!collect_intervals (self, stmt, intervals, error))
    return NULL;

  return g_steal_pointer (&intervals);
}

GArray *
bk_store_list_busy (BkStore  *self,
                    gint64    from,
                    gint64    to,
                    GError  **error)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_intervals (self, list_busy_sql, from, to, error);
}

gboolean
bk_store_load_busy_and_booked (BkStore  *self,
                               gint64    from,
                               gint64    to,
                               GArray  **out_busy,
                               GArray  **out_booked,
                               GError  **error)
{
  g_autoptr(GArray) busy = NULL;
  g_autoptr(GArray) booked = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (out_busy != NULL, FALSE);
  g_return_val_if_fail (out_booked != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* one snapshot for both, so a sync landing in between cannot pair old
   * busy times with new bookings */
  if (!_bk_store_exec (self, "BEGIN", error))
    return FALSE;
  busy = list_intervals (self, list_busy_and_blocks_sql, from, to, error);
  if (busy != NULL)
    booked = list_intervals (self, list_booked_sql, from, to, error);
  _bk_store_rollback (self);

  if (booked == NULL)
    return FALSE;

  *out_busy = g_steal_pointer (&busy);
  *out_booked = g_steal_pointer (&booked);
  return TRUE;
}
