/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-store-busy-delta.c: a calendar's busy cache kept up to date from its
 * delta rounds (Office 365 calendarView/delta), and the delta link kept with
 * the calendar.
 *
 * A round names events (occurrences) by id: a full round replaces the
 * window's cache, a later one drops the rows of every event it names and
 * adds those still busy — so applying the same round twice (a pass cut
 * before its link was stored reads it again) leaves the same cache. The
 * link, the round's busy times and the calendar changes it means for the
 * backend (two-way) are stored in one transaction: a pass cut anywhere
 * loses nothing and applies nothing twice.
 *
 * The link lives on the calendar's row, so it goes when the calendar is
 * forgotten, and it is dropped when the calendar's selection changes: the
 * cache of an unselected calendar is forgotten, so a re-selected one must
 * start again with a full round or its cache would miss events. */

#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-store-private.h"

/* Version 2 → 3. A v2 delta link (sync state, two-way only) moves to its
 * calendar without a window: the engine reads it once for the calendar's
 * changes, then starts a full round, since the v2 cache has no event ids
 * a later round could update. */
const char _bk_store_schema_v3[] =
  "ALTER TABLE busy_intervals ADD COLUMN event_id TEXT;"
  "CREATE INDEX busy_intervals_event ON busy_intervals (calendar_id, event_id)"
  " WHERE event_id IS NOT NULL;"
  "ALTER TABLE calendars ADD COLUMN delta_link TEXT;"
  "ALTER TABLE calendars ADD COLUMN delta_from INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE calendars ADD COLUMN delta_to INTEGER NOT NULL DEFAULT 0;"
  "UPDATE calendars SET delta_link = (SELECT s.value FROM sync_state s"
  "  WHERE s.key = 'calendar-link/' || calendars.provider || '/' || calendars.remote_id)"
  " WHERE provider = 'office365_calendar';"
  "DELETE FROM sync_state WHERE key GLOB 'calendar-link/office365_calendar/*';";

static const char get_delta_sql[] =
  "SELECT delta_link, delta_from, delta_to FROM calendars WHERE provider = ?1 AND remote_id = ?2";
static const char set_delta_sql[] =
  "UPDATE calendars SET delta_link = ?2, delta_from = ?3, delta_to = ?4 WHERE id = ?1";
static const char is_selected_sql[] =
  "SELECT selected FROM calendars WHERE id = ?1";
static const char list_selected_ids_sql[] =
  "SELECT id FROM calendars WHERE provider = ?1 AND selected = 1 ORDER BY id";
static const char forget_newly_selected_sql[] =
  "UPDATE calendars SET delta_link = NULL, delta_from = 0, delta_to = 0"
  " WHERE provider = ?1 AND selected = 1 AND id NOT IN (SELECT value FROM json_each (?2))";
static const char forget_newly_unselected_sql[] =
  "UPDATE calendars SET delta_link = NULL, delta_from = 0, delta_to = 0"
  " WHERE provider = ?1 AND selected = 0 AND id IN (SELECT value FROM json_each (?2))";
static const char delete_window_sql[] =
  "DELETE FROM busy_intervals WHERE calendar_id = ?3 AND start_at < ?2 AND end_at > ?1";
static const char delete_event_sql[] =
  "DELETE FROM busy_intervals WHERE calendar_id = ?1 AND event_id = ?2";

void
bk_calendar_delta_free (BkCalendarDelta *self)
{
  if (self == NULL)
    return;
  g_free (self->link);
  g_free (self);
}

BkCalendarDelta *
bk_store_get_calendar_delta (BkStore     *self,
                             const char  *provider,
                             const char  *remote_id,
                             GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  BkCalendarDelta *delta;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (remote_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!_bk_store_check_provider (provider, error) || (stmt = _bk_store_stmt (self, get_delta_sql, error)) == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, remote_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
                   _("There is no calendar “%s”; list the calendars again to see their ids."), remote_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  delta = g_new0 (BkCalendarDelta, 1);
  delta->link = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  delta->from = sqlite3_column_int64 (stmt, 1);
  delta->to = sqlite3_column_int64 (stmt, 2);
  return delta;
}

static gboolean
set_delta (BkStore     *self,
           gint64       calendar_id,
           const char  *link,
           gint64       from,
           gint64       to,
           GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, set_delta_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, calendar_id);
  if (link != NULL)
    sqlite3_bind_text (stmt, 2, link, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, link != NULL ? from : 0);
  sqlite3_bind_int64 (stmt, 4, link != NULL ? to : 0);
  return _bk_store_step_done (self, stmt, error);
}

gboolean
bk_store_set_calendar_delta (BkStore     *self,
                             const char  *provider,
                             const char  *remote_id,
                             const char  *link,
                             gint64       from,
                             gint64       to,
                             GError     **error)
{
  gint64 id;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_bk_store_check_provider (provider, error) || !_bk_store_begin (self, error))
    return FALSE;
  if ((id = _bk_store_find_calendar (self, provider, remote_id, NULL, error)) == 0
      || !set_delta (self, id, link, from, to, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

GArray *
_bk_store_list_selected_ids (BkStore     *self,
                             const char  *provider,
                             GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, list_selected_ids_sql, error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

/* Selected now but not @before, or the other way round: the link goes. */
gboolean
_bk_store_forget_changed_deltas (BkStore     *self,
                                 const char  *provider,
                                 GArray      *before,
                                 GError     **error)
{
  static const char * const sql[] = { forget_newly_selected_sql, forget_newly_unselected_sql };
  g_autoptr(GString) json = g_string_new ("[");

  for (guint i = 0; i < before->len; i++)
    g_string_append_printf (json, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", g_array_index (before, gint64, i));
  g_string_append_c (json, ']');
  for (guint i = 0; i < G_N_ELEMENTS (sql); i++)
    {
      g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql[i], error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, json->str, -1, SQLITE_TRANSIENT);
      if (!_bk_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_selected (BkStore   *self,
             gint64     calendar_id,
             gboolean  *out_selected,
             GError   **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, is_selected_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, calendar_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return _bk_store_set_sql_error (self, error);
  *out_selected = sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

static gboolean
run_delete (BkStore     *self,
            const char  *sql,
            gint64       calendar_id,
            const char  *event_id,
            gint64       from,
            gint64       to,
            GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (event_id != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, calendar_id);
      sqlite3_bind_text (stmt, 2, event_id, -1, SQLITE_TRANSIENT);
    }
  else
    {
      sqlite3_bind_int64 (stmt, 1, from);
      sqlite3_bind_int64 (stmt, 2, to);
      sqlite3_bind_int64 (stmt, 3, calendar_id);
    }
  return _bk_store_step_done (self, stmt, error);
}

/* The busy half of a round, inside the transaction. */
static gboolean
apply_busy (BkStore            *self,
            gint64              calendar_id,
            gboolean            full_round,
            gint64              from,
            gint64              to,
            const char * const *changed_ids,
            GPtrArray          *busy,
            gint64              read_at,
            GError            **error)
{
  if (full_round && !run_delete (self, delete_window_sql, calendar_id, NULL, from, to, error))
    return FALSE;
  for (guint i = 0; !full_round && changed_ids != NULL && changed_ids[i] != NULL; i++)
    if (!run_delete (self, delete_event_sql, calendar_id, changed_ids[i], 0, 0, error))
      return FALSE;
  /* a busy time whose id the caller did not name must not be added twice */
  for (guint i = 0; !full_round && i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);

      if (time->event_id != NULL
          && !run_delete (self, delete_event_sql, calendar_id, time->event_id, 0, 0, error))
        return FALSE;
    }
  return _bk_store_insert_busy (self, calendar_id, busy, error)
         && _bk_store_record_coverage (self, calendar_id, from, to, read_at, error);
}

gboolean
bk_store_apply_busy_round (BkStore            *self,
                           const char         *provider,
                           const char         *remote_id,
                           gboolean            full_round,
                           gint64              from,
                           gint64              to,
                           const char * const *changed_ids,
                           GPtrArray          *busy,
                           GPtrArray          *entries,
                           const char         *link,
                           gint64              read_at,
                           GError            **error)
{
  gint64 calendar_id;
  gboolean selected = FALSE;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);
  g_return_val_if_fail (busy != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (to <= from)
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("The window read ends before it starts."));
      return FALSE;
    }
  if (!_bk_store_check_provider (provider, error) || !_bk_store_begin (self, error))
    return FALSE;
  if ((calendar_id = _bk_store_find_calendar (self, provider, remote_id, NULL, error)) == 0
      || !is_selected (self, calendar_id, &selected, error))
    goto fail;
  /* only selected calendars keep busy times (the destination may not be) */
  if (selected && !apply_busy (self, calendar_id, full_round, from, to, changed_ids, busy, read_at, error))
    goto fail;
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    if (!_bk_store_push_calendar_change (self, g_ptr_array_index (entries, i), now, error))
      goto fail;
  if (!set_delta (self, calendar_id, link, from, to, error))
    goto fail;
  return _bk_store_commit (self, error);

fail:
  _bk_store_rollback (self);
  return FALSE;
}
