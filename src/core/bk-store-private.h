/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "bk-store.h"

G_BEGIN_DECLS

/* Shared by bk-store.c (opening, schema, transactions), bk-store-rules.c and
 * bk-store-appointments.c; not for other modules (tests and the benchmark
 * may read the SQL below to run the very same query). */

/* A statement from the cache: releasing it only resets it, so that it never
 * holds a read snapshot open (which would stall WAL checkpoints). */
typedef sqlite3_stmt BkCachedStmt;

void _bk_cached_stmt_release (BkCachedStmt *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkCachedStmt, _bk_cached_stmt_release)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3, sqlite3_close_v2)

/* "Overlapping [?1, ?2)" for a table with an index on start_at: the lower
 * bound on start_at (from minus the longest row the table ever held, kept by
 * triggers in `spans`) turns a scan from the first row into an index range. */
#define _BK_STORE_OVERLAPS(tbl) \
  " start_at < ?2 AND end_at > ?1" \
  " AND start_at >= ?1 - (SELECT max_span FROM spans WHERE tbl = '" tbl "')"

#define _BK_STORE_APPOINTMENT_COLUMNS \
  "id, start_at, end_at, client_name, client_email, note, status," \
  " calendar_event_id, conflict, pending, calendar_event_calendar"

#define _BK_STORE_LIST_APPOINTMENTS_SQL \
  "SELECT " _BK_STORE_APPOINTMENT_COLUMNS " FROM appointments" \
  " WHERE" _BK_STORE_OVERLAPS ("appointments") " ORDER BY start_at, id"

sqlite3      *_bk_store_get_db            (BkStore       *self);
/* The statement for @sql (a string with static storage: its address is the
 * cache key), prepared on first use, reset and unbound. */
BkCachedStmt *_bk_store_stmt              (BkStore       *self,
                                           const char    *sql,
                                           GError       **error);
gboolean      _bk_store_exec              (BkStore       *self,
                                           const char    *sql,
                                           GError       **error);
gboolean      _bk_store_begin             (BkStore       *self,
                                           GError       **error);
void          _bk_store_rollback          (BkStore       *self);
/* Commits and emits "changed"; rolls back on failure. */
gboolean      _bk_store_commit            (BkStore       *self,
                                           GError       **error);
/* Sets BK_STORE_ERROR_SQL from the connection's last error; returns FALSE. */
gboolean      _bk_store_set_sql_error     (BkStore       *self,
                                           GError       **error);
gboolean      _bk_store_step_done         (BkStore       *self,
                                           sqlite3_stmt  *stmt,
                                           GError       **error);
/* Runs @sql (?1 = @id, ?2 = @text unless NULL), meant to change one row,
 * in its own transaction; *@out_found says whether it matched a row
 * (nothing is committed, and "changed" not emitted, when none did). */
gboolean      _bk_store_change_row        (BkStore       *self,
                                           const char    *sql,
                                           gint64         id,
                                           const char    *text,
                                           gboolean      *out_found,
                                           GError       **error);

/* For bk-store-outbox.c: the checks and the row write of
 * bk_store_upsert_appointments(), inside a caller's transaction. */
gboolean      _bk_store_validate_appointments (GPtrArray     *appointments,
                                               GError       **error);
gboolean      _bk_store_upsert_appointment    (BkStore       *self,
                                               BkAppointment *appointment,
                                               gint64         now,
                                               GError       **error);

/* The first column of the first row of @sql with ?1 = @param, as a new
 * string; NULL when there is no row (or a NULL value), or with @error. */
char         *_bk_store_query_text        (BkStore       *self,
                                           const char    *sql,
                                           const char    *param,
                                           GError       **error);

/* Queues an outbox entry inside the caller's transaction (a key already
 * queued is not queued twice); the entry's seq, or 0 with @error. */
gint64        _bk_store_outbox_push_in_transaction (BkStore     *self,
                                                    const char  *kind,
                                                    const char  *payload_json,
                                                    const char  *idempotency_key,
                                                    GError     **error);

/* Version 1 → 2 (calendar sources), defined in bk-store-calendars.c. */
extern const char _bk_store_schema_v2[];
/* Version 2 → 3 (busy times by event id, delta links with the calendar),
 * defined in bk-store-busy-delta.c. */
extern const char _bk_store_schema_v3[];
/* Version 3 → 4 (the calendar of each appointment's event), defined in
 * bk-store-appointments.c. */
extern const char _bk_store_schema_v4[];

/* A row of "SELECT " _BK_STORE_APPOINTMENT_COLUMNS as a new BkAppointment
 * (bk-store-appointments.c). */
BkAppointment *_bk_store_appointment_from_row (sqlite3_stmt *stmt);
/* Binds parameters 1–8 of an appointment write to the first eight of
 * _BK_STORE_APPOINTMENT_COLUMNS (id … calendar_event_id) of @appointment,
 * without copies: @appointment must outlive the step. */
void           _bk_store_bind_appointment     (sqlite3_stmt  *stmt,
                                               BkAppointment *appointment);

/* bk-store-calendars.c: FALSE with BK_STORE_ERROR_INVALID unless @provider
 * is a BK_PROVIDER_*. Inside the caller's transaction: the local row id
 * of a calendar (0 with BK_STORE_ERROR_NOT_FOUND); inserting busy times
 * (with their event ids); recording [from, to) as read at @read_at. */
gboolean      _bk_store_check_provider    (const char    *provider,
                                           GError       **error);
gint64        _bk_store_find_calendar     (BkStore       *self,
                                           const char    *provider,
                                           const char    *remote_id,
                                           gboolean      *out_can_edit,
                                           GError       **error);
gboolean      _bk_store_insert_busy       (BkStore       *self,
                                           gint64         calendar_id,
                                           GPtrArray     *busy,
                                           GError       **error);
gboolean      _bk_store_record_coverage   (BkStore       *self,
                                           gint64         calendar_id,
                                           gint64         from,
                                           gint64         to,
                                           gint64         read_at,
                                           GError       **error);
/* bk-store-busy-delta.c: the local ids (gint64, ascending) of @provider's
 * selected calendars, and (for bk_store_select_calendars()) forgetting the
 * delta link of every calendar whose selection differs from @before. */
GArray       *_bk_store_list_selected_ids (BkStore       *self,
                                           const char    *provider,
                                           GError       **error);
gboolean      _bk_store_forget_changed_deltas (BkStore   *self,
                                           const char    *provider,
                                           GArray        *before,
                                           GError       **error);
/* bk-store-two-way.c: queues one calendar change (an outbox entry, its
 * appointment marked pending) inside the caller's transaction. */
gboolean      _bk_store_push_calendar_change (BkStore             *self,
                                              const BkOutboxEntry *entry,
                                              gint64               now,
                                              GError             **error);

G_END_DECLS
