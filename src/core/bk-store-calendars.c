/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bk-store-calendars.c: calendar sources in the local store (issue 3).
 *
 * Busy times are cached per calendar, together with the windows that were
 * read successfully (calendar_coverage), so that slots can still be computed
 * offline for a window that was read — and refused (fail closed) for one
 * that never was. Only times that can block are kept: free and
 * workingElsewhere never block, so caching them would only cost space.
 *
 * busy_intervals holds the times of selected calendars only (deselecting
 * forgets a calendar's times and windows), so the plain queries of
 * bk-store-appointments.c see what blocks. They do not know the
 * tentative/oof policy and count those times too, which errs on the safe
 * side; bk_store_list_calendar_busy() applies the policy.
 *
 * Busy times carry the event (occurrence) id when the provider gives one
 * (Office 365), so that delta rounds (bk-store-busy-delta.c) can update the
 * cache event by event. */
#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "bk-interval.h"
#include "bk-store-private.h"

#define BLOCKS_UNDER_POLICY \
  " (b.show_as = 'busy'" \
  "  OR (b.show_as = 'tentative' AND i.block_tentative = 1)" \
  "  OR (b.show_as = 'oof' AND i.block_oof = 1))"

/* Version 1 already had calendars and busy_intervals (which the queries of
 * bk-store-appointments.c read); version 2 adds what the calendar choice
 * needs, the integrations, and the windows read. */
const char _bk_store_schema_v2[] =
  "ALTER TABLE calendars ADD COLUMN can_edit INTEGER NOT NULL DEFAULT 0 CHECK (can_edit IN (0, 1));"
  "ALTER TABLE calendars ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));"
  "ALTER TABLE calendars ADD COLUMN position INTEGER NOT NULL DEFAULT 0;"
  "CREATE UNIQUE INDEX calendars_one_destination ON calendars (provider) WHERE destination = 1;"
  "CREATE INDEX busy_intervals_calendar_start ON busy_intervals (calendar_id, start_at);"
  "CREATE TABLE integrations ("
  " provider TEXT PRIMARY KEY CHECK (provider IN ('google_calendar', 'office365_calendar')),"
  " account TEXT,"
  " display_name TEXT,"
  " reconnect_needed INTEGER NOT NULL DEFAULT 0 CHECK (reconnect_needed IN (0, 1)),"
  " reconnect_message TEXT,"
  " block_tentative INTEGER NOT NULL DEFAULT 1 CHECK (block_tentative IN (0, 1)),"
  " block_oof INTEGER NOT NULL DEFAULT 1 CHECK (block_oof IN (0, 1)),"
  " last_sync_at INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "INSERT INTO integrations (provider) VALUES ('google_calendar'), ('office365_calendar');"
  "CREATE TABLE active_source ("
  " id INTEGER PRIMARY KEY CHECK (id = 1),"
  " source TEXT NOT NULL DEFAULT 'manual'"
  "  CHECK (source IN ('manual', 'google_calendar', 'office365_calendar')));"
  "INSERT INTO active_source (id) VALUES (1);"
  "CREATE TABLE calendar_coverage ("
  " calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,"
  " start_at INTEGER NOT NULL,"
  " end_at INTEGER NOT NULL,"
  " read_at INTEGER NOT NULL,"
  " CHECK (end_at > start_at));"
  "CREATE INDEX calendar_coverage_calendar ON calendar_coverage (calendar_id, start_at);";

static const char get_source_sql[] =
  "SELECT source FROM active_source WHERE id = 1";
static const char set_source_sql[] =
  "UPDATE active_source SET source = ?1 WHERE id = 1";
static const char get_integration_sql[] =
  "SELECT account, display_name, reconnect_needed, reconnect_message,"
  " block_tentative, block_oof, last_sync_at FROM integrations WHERE provider = ?1";
static const char set_account_sql[] =
  "UPDATE integrations SET account = ?2, display_name = ?3, reconnect_needed = 0,"
  " reconnect_message = NULL WHERE provider = ?1";
static const char forget_calendars_sql[] =
  "DELETE FROM calendars WHERE provider = ?1";
static const char set_reconnect_sql[] =
  "UPDATE integrations SET reconnect_needed = ?2, reconnect_message = ?3 WHERE provider = ?1";
static const char set_policy_sql[] =
  "UPDATE integrations SET block_tentative = ?2, block_oof = ?3 WHERE provider = ?1";
static const char set_last_sync_sql[] =
  "UPDATE integrations SET last_sync_at = ?2 WHERE provider = ?1";
static const char upsert_calendar_sql[] =
  "INSERT INTO calendars (provider, remote_id, name, color, can_edit, is_default, position, selected)"
  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0)"
  " ON CONFLICT (provider, remote_id) DO UPDATE SET name = excluded.name,"
  " color = excluded.color, can_edit = excluded.can_edit,"
  " is_default = excluded.is_default, position = excluded.position";
static const char mark_listed_sql[] =
  "UPDATE calendars SET position = -1 WHERE provider = ?1";
static const char forget_unlisted_sql[] =
  "DELETE FROM calendars WHERE provider = ?1 AND position < 0";
static const char count_selected_sql[] =
  "SELECT count(*) FROM calendars WHERE provider = ?1 AND (selected = 1 OR destination = 1)";
static const char select_default_sql[] =
  "UPDATE calendars SET selected = 1, destination = can_edit"
  " WHERE provider = ?1 AND is_default = 1";
/* a destination that lost write access is no destination */
static const char drop_readonly_destination_sql[] =
  "UPDATE calendars SET destination = 0 WHERE provider = ?1 AND can_edit = 0";
static const char list_calendars_sql[] =
  "SELECT c.remote_id, c.name, c.color, c.can_edit, c.is_default, c.selected, c.destination,"
  " (SELECT coalesce (max (read_at), 0) FROM calendar_coverage v WHERE v.calendar_id = c.id)"
  " FROM calendars c WHERE c.provider = ?1 ORDER BY c.position, c.id";
static const char find_calendar_sql[] =
  "SELECT id, can_edit FROM calendars WHERE provider = ?1 AND remote_id = ?2";
static const char unselect_all_sql[] =
  "UPDATE calendars SET selected = 0 WHERE provider = ?1";
static const char select_one_sql[] =
  "UPDATE calendars SET selected = 1 WHERE id = ?1";
static const char clear_destination_sql[] =
  "UPDATE calendars SET destination = 0 WHERE provider = ?1";
static const char set_destination_sql[] =
  "UPDATE calendars SET destination = 1 WHERE id = ?1";
static const char delete_busy_sql[] =
  "DELETE FROM busy_intervals WHERE calendar_id = ?3 AND start_at < ?2 AND end_at > ?1";
static const char insert_busy_sql[] =
  "INSERT INTO busy_intervals (calendar_id, start_at, end_at, show_as, event_id)"
  " VALUES (?1, ?2, ?3, ?4, ?5)";
/* a calendar that no longer blocks keeps no busy times, so the plain
 * queries of bk-store-appointments.c see only selected calendars */
static const char forget_unselected_busy_sql[] =
  "DELETE FROM busy_intervals WHERE calendar_id IN"
  " (SELECT id FROM calendars WHERE provider = ?1 AND selected = 0)";
static const char forget_unselected_coverage_sql[] =
  "DELETE FROM calendar_coverage WHERE calendar_id IN"
  " (SELECT id FROM calendars WHERE provider = ?1 AND selected = 0)";
static const char list_coverage_sql[] =
  "SELECT start_at, end_at, read_at FROM calendar_coverage"
  " WHERE calendar_id = ?3 AND start_at < ?2 AND end_at > ?1 ORDER BY start_at";
static const char delete_coverage_sql[] =
  "DELETE FROM calendar_coverage WHERE calendar_id = ?3 AND start_at < ?2 AND end_at > ?1";
static const char insert_coverage_sql[] =
  "INSERT INTO calendar_coverage (calendar_id, start_at, end_at, read_at) VALUES (?1, ?2, ?3, ?4)";
static const char list_calendar_busy_sql[] =
  "SELECT b.start_at, b.end_at, b.show_as, c.remote_id, c.name, c.color, b.event_id"
  " FROM busy_intervals b"
  " JOIN calendars c ON c.id = b.calendar_id"
  " JOIN integrations i ON i.provider = c.provider"
  " WHERE c.provider = ?3 AND c.selected = 1 AND" BLOCKS_UNDER_POLICY
  " AND b.start_at < ?2 AND b.end_at > ?1"
  " AND b.start_at >= ?1 - (SELECT max_span FROM spans WHERE tbl = 'busy_intervals')"
  " ORDER BY b.start_at, b.end_at, c.position";

static const char * const source_names[] = {
  [BK_SOURCE_MANUAL] = "manual",
  [BK_SOURCE_GOOGLE_CALENDAR] = "google_calendar",
  [BK_SOURCE_OFFICE365_CALENDAR] = "office365_calendar",
};

/* ------------------------------------------------------------------------ */
/* Plain data                                                               */

G_DEFINE_BOXED_TYPE (BkCalendar, bk_calendar, bk_calendar_copy, bk_calendar_free)
G_DEFINE_BOXED_TYPE (BkBusyTime, bk_busy_time, bk_busy_time_copy, bk_busy_time_free)
G_DEFINE_BOXED_TYPE (BkIntegration, bk_integration, bk_integration_copy, bk_integration_free)

BkCalendar *
bk_calendar_new (const char *provider,
                 const char *remote_id,
                 const char *name,
                 const char *color,
                 gboolean    can_edit,
                 gboolean    is_default)
{
  BkCalendar *self = g_new0 (BkCalendar, 1);

  self->provider = g_strdup (provider);
  self->remote_id = g_strdup (remote_id);
  self->name = g_strdup (name);
  self->color = g_strdup (color);
  self->can_edit = !!can_edit;
  self->is_default = !!is_default;
  return self;
}

BkCalendar *
bk_calendar_copy (const BkCalendar *self)
{
  BkCalendar *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->provider = g_strdup (self->provider);
  copy->remote_id = g_strdup (self->remote_id);
  copy->name = g_strdup (self->name);
  copy->color = g_strdup (self->color);
  return copy;
}

void
bk_calendar_free (BkCalendar *self)
{
  if (self == NULL)
    return;
  g_free (self->provider);
  g_free (self->remote_id);
  g_free (self->name);
  g_free (self->color);
  g_free (self);
}

BkBusyTime *
bk_busy_time_new (gint64      start,
                  gint64      end,
                  const char *show_as)
{
  BkBusyTime *self = g_new0 (BkBusyTime, 1);

  self->start = start;
  self->end = end;
  self->show_as = g_strdup (show_as ? show_as : "busy");
  return self;
}

BkBusyTime *
bk_busy_time_copy (const BkBusyTime *self)
{
  BkBusyTime *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->show_as = g_strdup (self->show_as);
  copy->calendar_id = g_strdup (self->calendar_id);
  copy->calendar_name = g_strdup (self->calendar_name);
  copy->calendar_color = g_strdup (self->calendar_color);
  copy->reason = g_strdup (self->reason);
  copy->event_id = g_strdup (self->event_id);
  return copy;
}

void
bk_busy_time_free (BkBusyTime *self)
{
  if (self == NULL)
    return;
  g_free (self->show_as);
  g_free (self->calendar_id);
  g_free (self->calendar_name);
  g_free (self->calendar_color);
  g_free (self->reason);
  g_free (self->event_id);
  g_free (self);
}

BkIntegration *
bk_integration_copy (const BkIntegration *self)
{
  BkIntegration *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->provider = g_strdup (self->provider);
  copy->account = g_strdup (self->account);
  copy->display_name = g_strdup (self->display_name);
  copy->reconnect_message = g_strdup (self->reconnect_message);
  return copy;
}

void
bk_integration_free (BkIntegration *self)
{
  if (self == NULL)
    return;
  g_free (self->provider);
  g_free (self->account);
  g_free (self->display_name);
  g_free (self->reconnect_message);
  g_free (self);
}

const char *
bk_source_to_string (BkSource source)
{
  g_return_val_if_fail (source <= BK_SOURCE_OFFICE365_CALENDAR, NULL);

  return source_names[source];
}

gboolean
bk_source_from_string (const char *text,
                       BkSource   *out_source)
{
  g_return_val_if_fail (out_source != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (source_names); i++)
    if (g_strcmp0 (text, source_names[i]) == 0)
      {
        *out_source = i;
        return TRUE;
      }
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

gboolean
_bk_store_check_provider (const char  *provider,
                          GError     **error)
{
  if (g_strcmp0 (provider, BK_PROVIDER_OFFICE365) == 0 ||
      g_strcmp0 (provider, BK_PROVIDER_GOOGLE) == 0)
    return TRUE;

  g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
               _("“%s” is not a calendar provider Bookable knows."), provider ? provider : "");
  return FALSE;
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

/* Runs a statement of the form "UPDATE … WHERE provider = ?1" with extra
 * bindings already made, outside any transaction. */
static gboolean
run_provider_stmt (BkStore       *self,
                   sqlite3_stmt  *stmt,
                   const char    *provider,
                   GError       **error)
{
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  return _bk_store_step_done (self, stmt, error);
}

static gboolean
exec_in_transaction (BkStore       *self,
                     sqlite3_stmt  *stmt,
                     const char    *provider,
                     GError       **error)
{
  if (!_bk_store_begin (self, error))
    return FALSE;
  if (!run_provider_stmt (self, stmt, provider, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

gint64
_bk_store_find_calendar (BkStore     *self,
                         const char  *provider,
                         const char  *remote_id,
                         gboolean    *out_can_edit,
                         GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, find_calendar_sql, error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, remote_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (out_can_edit != NULL)
        *out_can_edit = sqlite3_column_int (stmt, 1) != 0;
      return sqlite3_column_int64 (stmt, 0);
    }
  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);

  g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_NOT_FOUND,
               _("There is no calendar “%s”; list the calendars again to see their ids."),
               remote_id);
  return 0;
}

/* ------------------------------------------------------------------------ */
/* The integration                                                          */

BkSource
bk_store_get_active_source (BkStore  *self,
                            GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  BkSource source = BK_SOURCE_MANUAL;

  g_return_val_if_fail (BK_IS_STORE (self), BK_SOURCE_MANUAL);

  stmt = _bk_store_stmt (self, get_source_sql, error);
  if (stmt == NULL)
    return BK_SOURCE_MANUAL;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return BK_SOURCE_MANUAL;
    }
  /* the CHECK constraint keeps the text one of the three */
  bk_source_from_string (column_text (stmt, 0), &source);
  return source;
}

/* The backend keeps which source an expert uses (and only non-secret facts
 * about it): tell it through the outbox, in the caller's transaction. */
static gboolean
queue_integration_change (BkStore   *self,
                          BkSource   source,
                          GError   **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *key = g_strconcat ("integration-", uuid, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, source_names[source]);
  if (source != BK_SOURCE_MANUAL)
    {
      g_autoptr(BkIntegration) integration = bk_store_get_integration (self, source_names[source], error);

      if (integration == NULL)
        return FALSE;
      json_builder_set_member_name (builder, "details");
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "account");
      json_builder_add_string_value (builder, integration->account);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  payload = json_to_string (root, FALSE);

  return _bk_store_outbox_push_in_transaction (self, BK_STORE_OUTBOX_INTEGRATION, payload, key, error) > 0;
}

gboolean
bk_store_set_active_source (BkStore   *self,
                            BkSource   source,
                            GError   **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (source <= BK_SOURCE_OFFICE365_CALENDAR, FALSE);

  stmt = _bk_store_stmt (self, set_source_sql, error);
  if (stmt == NULL || !_bk_store_begin (self, error))
    return FALSE;
  if (!run_provider_stmt (self, stmt, source_names[source], error) ||
      !queue_integration_change (self, source, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  return _bk_store_commit (self, error);
}

BkIntegration *
bk_store_get_integration (BkStore     *self,
                          const char  *provider,
                          GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  BkIntegration *integration;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  if (!_bk_store_check_provider (provider, error))
    return NULL;
  stmt = _bk_store_stmt (self, get_integration_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }

  integration = g_new0 (BkIntegration, 1);
  integration->provider = g_strdup (provider);
  integration->account = g_strdup (column_text (stmt, 0));
  integration->display_name = g_strdup (column_text (stmt, 1));
  integration->reconnect_needed = sqlite3_column_int (stmt, 2) != 0;
  integration->reconnect_message = g_strdup (column_text (stmt, 3));
  integration->block_tentative = sqlite3_column_int (stmt, 4) != 0;
  integration->block_oof = sqlite3_column_int (stmt, 5) != 0;
  integration->last_sync_at = sqlite3_column_int64 (stmt, 6);
  return integration;
}

gboolean
bk_store_set_integration_account (BkStore     *self,
                                  const char  *provider,
                                  const char  *account,
                                  const char  *display_name,
                                  GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, set_account_sql, error)) == NULL ||
      !_bk_store_begin (self, error))
    return FALSE;

  sqlite3_bind_text (stmt, 2, account, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, account ? display_name : NULL, -1, SQLITE_TRANSIENT);
  if (!run_provider_stmt (self, stmt, provider, error))
    goto fail;

  if (account == NULL)
    {
      g_autoptr(BkCachedStmt) forget = _bk_store_stmt (self, forget_calendars_sql, error);

      if (forget == NULL || !run_provider_stmt (self, forget, provider, error))
        goto fail;
    }
  return _bk_store_commit (self, error);

fail:
  _bk_store_rollback (self);
  return FALSE;
}

gboolean
bk_store_set_reconnect_needed (BkStore     *self,
                               const char  *provider,
                               gboolean     reconnect_needed,
                               const char  *message,
                               GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, set_reconnect_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 2, !!reconnect_needed);
  sqlite3_bind_text (stmt, 3, reconnect_needed ? message : NULL, -1, SQLITE_TRANSIENT);
  return exec_in_transaction (self, stmt, provider, error);
}

gboolean
bk_store_set_block_policy (BkStore     *self,
                           const char  *provider,
                           gboolean     block_tentative,
                           gboolean     block_oof,
                           GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, set_policy_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int (stmt, 2, !!block_tentative);
  sqlite3_bind_int (stmt, 3, !!block_oof);
  return exec_in_transaction (self, stmt, provider, error);
}

gboolean
bk_store_set_last_sync (BkStore     *self,
                        const char  *provider,
                        gint64       when,
                        GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, set_last_sync_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 2, when);
  return exec_in_transaction (self, stmt, provider, error);
}

/* ------------------------------------------------------------------------ */
/* Calendars                                                                */

static gboolean
upsert_calendar (BkStore          *self,
                 const char       *provider,
                 const BkCalendar *calendar,
                 guint             position,
                 GError          **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, upsert_calendar_sql, error);

  if (stmt == NULL)
    return FALSE;
  if (calendar->remote_id == NULL || calendar->name == NULL)
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("A calendar without an id or a name cannot be stored."));
      return FALSE;
    }
  sqlite3_bind_text (stmt, 2, calendar->remote_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, calendar->name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, calendar->color, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 5, !!calendar->can_edit);
  sqlite3_bind_int (stmt, 6, !!calendar->is_default);
  sqlite3_bind_int (stmt, 7, position);
  return run_provider_stmt (self, stmt, provider, error);
}

static gboolean
choose_defaults (BkStore     *self,
                 const char  *provider,
                 GError     **error)
{
  g_autoptr(BkCachedStmt) count = _bk_store_stmt (self, count_selected_sql, error);
  gint64 n;

  if (count == NULL)
    return FALSE;
  sqlite3_bind_text (count, 1, provider, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (count) != SQLITE_ROW)
    return _bk_store_set_sql_error (self, error);
  n = sqlite3_column_int64 (count, 0);
  g_clear_pointer (&count, _bk_cached_stmt_release);

  if (n == 0)
    {
      g_autoptr(BkCachedStmt) select = _bk_store_stmt (self, select_default_sql, error);

      if (select == NULL || !run_provider_stmt (self, select, provider, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
bk_store_sync_calendars (BkStore     *self,
                         const char  *provider,
                         GPtrArray   *calendars,
                         GError     **error)
{
  g_autoptr(BkCachedStmt) mark = NULL;
  g_autoptr(BkCachedStmt) forget = NULL;
  g_autoptr(BkCachedStmt) readonly = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (calendars != NULL, FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (mark = _bk_store_stmt (self, mark_listed_sql, error)) == NULL ||
      (forget = _bk_store_stmt (self, forget_unlisted_sql, error)) == NULL ||
      (readonly = _bk_store_stmt (self, drop_readonly_destination_sql, error)) == NULL ||
      !_bk_store_begin (self, error))
    return FALSE;

  if (!run_provider_stmt (self, mark, provider, error))
    goto fail;
  for (guint i = 0; i < calendars->len; i++)
    if (!upsert_calendar (self, provider, g_ptr_array_index (calendars, i), i, error))
      goto fail;
  if (!run_provider_stmt (self, forget, provider, error) ||
      !run_provider_stmt (self, readonly, provider, error) ||
      !choose_defaults (self, provider, error))
    goto fail;

  return _bk_store_commit (self, error);

fail:
  _bk_store_rollback (self);
  return FALSE;
}

GPtrArray *
bk_store_list_calendars (BkStore     *self,
                         const char  *provider,
                         GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) calendars = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, list_calendars_sql, error)) == NULL)
    return NULL;

  calendars = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_calendar_free);
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BkCalendar *calendar = bk_calendar_new (provider, column_text (stmt, 0),
                                              column_text (stmt, 1), column_text (stmt, 2),
                                              sqlite3_column_int (stmt, 3),
                                              sqlite3_column_int (stmt, 4));

      calendar->selected = sqlite3_column_int (stmt, 5) != 0;
      calendar->destination = sqlite3_column_int (stmt, 6) != 0;
      calendar->last_read_at = sqlite3_column_int64 (stmt, 7);
      g_ptr_array_add (calendars, calendar);
    }
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&calendars);
}

static gboolean
set_destination (BkStore     *self,
                 const char  *provider,
                 const char  *destination,
                 GError     **error)
{
  g_autoptr(BkCachedStmt) clear = NULL;
  g_autoptr(BkCachedStmt) set = NULL;
  gboolean can_edit = FALSE;
  gint64 id;

  if ((id = _bk_store_find_calendar (self, provider, destination, &can_edit, error)) == 0)
    return FALSE;
  if (!can_edit)
    {
      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                   _("Appointments cannot be written to calendar “%s”: it is read-only. Choose a calendar you can edit."),
                   destination);
      return FALSE;
    }
  if ((clear = _bk_store_stmt (self, clear_destination_sql, error)) == NULL ||
      !run_provider_stmt (self, clear, provider, error) ||
      (set = _bk_store_stmt (self, set_destination_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (set, 1, id);
  return _bk_store_step_done (self, set, error);
}

gboolean
bk_store_select_calendars (BkStore            *self,
                           const char         *provider,
                           const char * const *remote_ids,
                           const char         *destination,
                           GError            **error)
{
  g_autoptr(BkCachedStmt) unselect = NULL;
  g_autoptr(BkCachedStmt) forget = NULL;
  g_autoptr(GArray) before = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote_ids != NULL, FALSE);

  if (!_bk_store_check_provider (provider, error) ||
      (unselect = _bk_store_stmt (self, unselect_all_sql, error)) == NULL ||
      !_bk_store_begin (self, error))
    return FALSE;

  if ((before = _bk_store_list_selected_ids (self, provider, error)) == NULL ||
      !run_provider_stmt (self, unselect, provider, error))
    goto fail;
  for (guint i = 0; remote_ids[i] != NULL; i++)
    {
      g_autoptr(BkCachedStmt) select = NULL;
      gint64 id = _bk_store_find_calendar (self, provider, remote_ids[i], NULL, error);

      if (id == 0 || (select = _bk_store_stmt (self, select_one_sql, error)) == NULL)
        goto fail;
      sqlite3_bind_int64 (select, 1, id);
      if (!_bk_store_step_done (self, select, error))
        goto fail;
    }
  if (destination != NULL && !set_destination (self, provider, destination, error))
    goto fail;
  if ((forget = _bk_store_stmt (self, forget_unselected_busy_sql, error)) == NULL ||
      !run_provider_stmt (self, forget, provider, error))
    goto fail;
  g_clear_pointer (&forget, _bk_cached_stmt_release);
  if ((forget = _bk_store_stmt (self, forget_unselected_coverage_sql, error)) == NULL ||
      !run_provider_stmt (self, forget, provider, error) ||
      !_bk_store_forget_changed_deltas (self, provider, before, error))
    goto fail;

  return _bk_store_commit (self, error);

fail:
  _bk_store_rollback (self);
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Busy times and coverage                                                  */

static gboolean
insert_coverage (BkStore  *self,
                 gint64    calendar_id,
                 gint64    start,
                 gint64    end,
                 gint64    read_at,
                 GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, insert_coverage_sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, calendar_id);
  sqlite3_bind_int64 (stmt, 2, start);
  sqlite3_bind_int64 (stmt, 3, end);
  sqlite3_bind_int64 (stmt, 4, read_at);
  return _bk_store_step_done (self, stmt, error);
}

/* Older reads keep only the parts outside [from, to); the new read covers
 * the window. */
gboolean
_bk_store_record_coverage (BkStore  *self,
                           gint64    calendar_id,
                           gint64    from,
                           gint64    to,
                           gint64    read_at,
                           GError  **error)
{
  g_autoptr(GArray) old = g_array_new (FALSE, FALSE, sizeof (gint64) * 3);
  g_autoptr(BkCachedStmt) list = _bk_store_stmt (self, list_coverage_sql, error);
  g_autoptr(BkCachedStmt) del = NULL;
  int rc;

  if (list == NULL)
    return FALSE;
  sqlite3_bind_int64 (list, 1, from);
  sqlite3_bind_int64 (list, 2, to);
  sqlite3_bind_int64 (list, 3, calendar_id);
  while ((rc = sqlite3_step (list)) == SQLITE_ROW)
    {
      gint64 row[3] = { sqlite3_column_int64 (list, 0), sqlite3_column_int64 (list, 1),
                        sqlite3_column_int64 (list, 2) };
      g_array_append_vals (old, row, 1);
    }
  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);
  g_clear_pointer (&list, _bk_cached_stmt_release);

  if ((del = _bk_store_stmt (self, delete_coverage_sql, error)) == NULL)
    return FALSE;
  sqlite3_bind_int64 (del, 1, from);
  sqlite3_bind_int64 (del, 2, to);
  sqlite3_bind_int64 (del, 3, calendar_id);
  if (!_bk_store_step_done (self, del, error))
    return FALSE;

  for (guint i = 0; i < old->len; i++)
    {
      const gint64 *row = &g_array_index (old, gint64, i * 3);

      if (row[0] < from && !insert_coverage (self, calendar_id, row[0], from, row[2], error))
        return FALSE;
      if (row[1] > to && !insert_coverage (self, calendar_id, to, row[1], row[2], error))
        return FALSE;
    }
  return insert_coverage (self, calendar_id, from, to, read_at, error);
}

gboolean
_bk_store_insert_busy (BkStore     *self,
                       gint64       calendar_id,
                       GPtrArray   *busy,
                       GError     **error)
{
  for (guint i = 0; i < busy->len; i++)
    {
      const BkBusyTime *time = g_ptr_array_index (busy, i);
      g_autoptr(BkCachedStmt) stmt = NULL;

      if (time->end <= time->start)
        continue;
      if ((stmt = _bk_store_stmt (self, insert_busy_sql, error)) == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, calendar_id);
      sqlite3_bind_int64 (stmt, 2, time->start);
      sqlite3_bind_int64 (stmt, 3, time->end);
      /* the v1 column knows no "unknown"; it blocks exactly like busy */
      sqlite3_bind_text (stmt, 4, g_strcmp0 (time->show_as, "unknown") == 0 ? "busy" : time->show_as,
                         -1, SQLITE_TRANSIENT);
      if (time->event_id != NULL)
        sqlite3_bind_text (stmt, 5, time->event_id, -1, SQLITE_TRANSIENT);
      if (!_bk_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
bk_store_replace_busy (BkStore     *self,
                       const char  *provider,
                       const char  *remote_id,
                       gint64       from,
                       gint64       to,
                       GPtrArray   *busy,
                       gint64       read_at,
                       GError     **error)
{
  g_autoptr(BkCachedStmt) del = NULL;
  gint64 calendar_id;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (remote_id != NULL, FALSE);
  g_return_val_if_fail (busy != NULL, FALSE);

  if (to <= from)
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID,
                           _("The window read ends before it starts."));
      return FALSE;
    }
  if (!_bk_store_check_provider (provider, error) || !_bk_store_begin (self, error))
    return FALSE;

  if ((calendar_id = _bk_store_find_calendar (self, provider, remote_id, NULL, error)) == 0 ||
      (del = _bk_store_stmt (self, delete_busy_sql, error)) == NULL)
    goto fail;
  sqlite3_bind_int64 (del, 1, from);
  sqlite3_bind_int64 (del, 2, to);
  sqlite3_bind_int64 (del, 3, calendar_id);
  if (!_bk_store_step_done (self, del, error) ||
      !_bk_store_insert_busy (self, calendar_id, busy, error) ||
      !_bk_store_record_coverage (self, calendar_id, from, to, read_at, error))
    goto fail;

  return _bk_store_commit (self, error);

fail:
  _bk_store_rollback (self);
  return FALSE;
}

GPtrArray *
bk_store_list_calendar_busy (BkStore     *self,
                             const char  *provider,
                             gint64       from,
                             gint64       to,
                             GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;
  g_autoptr(GPtrArray) busy = NULL;
  int rc;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  if (!_bk_store_check_provider (provider, error) ||
      (stmt = _bk_store_stmt (self, list_calendar_busy_sql, error)) == NULL)
    return NULL;

  busy = g_ptr_array_new_with_free_func ((GDestroyNotify) bk_busy_time_free);
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_text (stmt, 3, provider, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      BkBusyTime *time = bk_busy_time_new (sqlite3_column_int64 (stmt, 0),
                                           sqlite3_column_int64 (stmt, 1),
                                           column_text (stmt, 2));

      time->calendar_id = g_strdup (column_text (stmt, 3));
      time->calendar_name = g_strdup (column_text (stmt, 4));
      time->calendar_color = g_strdup (column_text (stmt, 5));
      time->event_id = g_strdup (column_text (stmt, 6));
      g_ptr_array_add (busy, time);
    }
  if (rc != SQLITE_DONE)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&busy);
}

/* Appends the parts of [from, to) that calendar @calendar_id's coverage
 * leaves open to @gaps. */
static gboolean
append_gaps (BkStore  *self,
             gint64    calendar_id,
             gint64    from,
             gint64    to,
             GArray   *gaps,
             gint64   *oldest,
             GError  **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, list_coverage_sql, error);
  gint64 cursor = from;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  sqlite3_bind_int64 (stmt, 3, calendar_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 start = sqlite3_column_int64 (stmt, 0);
      gint64 end = sqlite3_column_int64 (stmt, 1);
      gint64 read_at = sqlite3_column_int64 (stmt, 2);

      if (start > cursor)
        g_array_append_vals (gaps, &(BkInterval) { cursor, start }, 1);
      cursor = MAX (cursor, end);
      if (*oldest == 0 || read_at < *oldest)
        *oldest = read_at;
    }
  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);
  if (cursor < to)
    g_array_append_vals (gaps, &(BkInterval) { cursor, to }, 1);
  return TRUE;
}

GArray *
bk_store_list_uncovered (BkStore     *self,
                         const char  *provider,
                         gint64       from,
                         gint64       to,
                         gint64      *out_oldest_read,
                         GError     **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (BkInterval));
  gint64 oldest = 0;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  if (!_bk_store_check_provider (provider, error)
      || (ids = _bk_store_list_selected_ids (self, provider, error)) == NULL)
    return NULL;
  for (guint i = 0; i < ids->len && from < to; i++)
    if (!append_gaps (self, g_array_index (ids, gint64, i), from, to, gaps, &oldest, error))
      return NULL;

  bk_intervals_sort_merge (gaps);
  if (out_oldest_read != NULL)
    *out_oldest_read = oldest;
  return g_steal_pointer (&gaps);
}
