/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "bk-availability-rules.h"
#include "bk-store-private.h"

static const char load_settings_sql[] =
  "SELECT time_zone, slot_minutes, step_minutes, buffer_before_minutes,"
  " buffer_after_minutes, min_notice_minutes, horizon_days, daily_limit"
  " FROM settings WHERE id = 1";

static const char load_weekly_sql[] =
  "SELECT weekday, start_minute, end_minute FROM weekly_hours"
  " ORDER BY weekday, start_minute";

static const char load_overrides_sql[] =
  "SELECT o.day, h.start_minute, h.end_minute FROM date_overrides AS o"
  " LEFT JOIN override_hours AS h ON h.day = o.day"
  " ORDER BY o.day, h.start_minute";

static const char save_settings_sql[] =
  "INSERT OR REPLACE INTO settings (id, time_zone, slot_minutes, step_minutes,"
  " buffer_before_minutes, buffer_after_minutes, min_notice_minutes,"
  " horizon_days, daily_limit) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

static const char insert_weekly_sql[] =
  "INSERT INTO weekly_hours (weekday, start_minute, end_minute) VALUES (?1, ?2, ?3)";

static const char insert_override_sql[] =
  "INSERT INTO date_overrides (day) VALUES (?1)";

static const char insert_override_hours_sql[] =
  "INSERT INTO override_hours (day, start_minute, end_minute) VALUES (?1, ?2, ?3)";

static char *
format_day (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u",
                          (guint) g_date_get_year (date),
                          (guint) g_date_get_month (date),
                          (guint) g_date_get_day (date));
}

static gboolean
parse_day (const char *text,
           GDate      *out_date)
{
  guint y, m, d;

  g_date_clear (out_date, 1);
  if (text == NULL || sscanf (text, "%4u-%2u-%2u", &y, &m, &d) != 3 ||
      !g_date_valid_dmy (d, m, y))
    return FALSE;

  g_date_set_dmy (out_date, d, m, y);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public API: rules                                                        */

static gboolean
load_settings (BkStore              *self,
               BkAvailabilityRules  *rules,
               GError              **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, load_settings_sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;  /* never saved: the defaults stand */
  if (rc != SQLITE_ROW)
    return _bk_store_set_sql_error (self, error);

  g_free (rules->time_zone);
  rules->time_zone = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  rules->slot_minutes = sqlite3_column_int (stmt, 1);
  rules->step_minutes = sqlite3_column_int (stmt, 2);
  rules->buffer_before_minutes = sqlite3_column_int (stmt, 3);
  rules->buffer_after_minutes = sqlite3_column_int (stmt, 4);
  rules->min_notice_minutes = sqlite3_column_int (stmt, 5);
  rules->horizon_days = sqlite3_column_int (stmt, 6);
  rules->daily_limit = sqlite3_column_int (stmt, 7);

  /* saved rules replace the default hours entirely */
  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    bk_availability_rules_set_weekly (rules, day, &(BkTimeRange) { 0, 0 }, 0);

  return TRUE;
}

static gboolean
load_weekly (BkStore              *self,
             BkAvailabilityRules  *rules,
             GError              **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, load_weekly_sql, error);
  g_autoptr(GArray) ranges = g_array_sized_new (FALSE, FALSE, sizeof (BkTimeRange), 8);
  int current = -1;
  int rc;

  if (stmt == NULL)
    return FALSE;

  /* rows come sorted by weekday: hand each day over when the next begins */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int day = sqlite3_column_int (stmt, 0);
      BkTimeRange range = { sqlite3_column_int (stmt, 1), sqlite3_column_int (stmt, 2) };

      if (day != current && current >= 0)
        {
          bk_availability_rules_set_weekly (rules, current,
                                            (const BkTimeRange *) (gpointer) ranges->data,
                                            ranges->len);
          g_array_set_size (ranges, 0);
        }
      current = day;
      g_array_append_val (ranges, range);
    }
  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);

  if (current >= 0)
    bk_availability_rules_set_weekly (rules, current,
                                      (const BkTimeRange *) (gpointer) ranges->data,
                                      ranges->len);

  return TRUE;
}

/* Hands the ranges gathered for @day (if any day) to @rules and empties them. */
static void
flush_override (BkAvailabilityRules *rules,
                const char          *day,
                GArray              *ranges)
{
  GDate date;

  /* the CHECK on the column keeps the text a date; a row that still is not
   * one is skipped rather than failing the whole load */
  if (day != NULL && parse_day (day, &date))
    bk_availability_rules_set_override (rules, &date,
                                        (const BkTimeRange *) (gpointer) ranges->data,
                                        ranges->len);
  g_array_set_size (ranges, 0);
}

static gboolean
load_overrides (BkStore              *self,
                BkAvailabilityRules  *rules,
                GError              **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, load_overrides_sql, error);
  g_autoptr(GArray) ranges = g_array_sized_new (FALSE, FALSE, sizeof (BkTimeRange), 8);
  g_autofree char *current = NULL;
  int rc;

  if (stmt == NULL)
    return FALSE;

  while (rules->overrides != NULL && rules->overrides->len > 0)
    bk_availability_rules_remove_override (rules,
                                           &g_array_index (rules->overrides, BkDateOverride, 0).date);

  /* rows come grouped by day; a day without hours has one row of NULLs */
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *day = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (day, current) != 0)
        {
          flush_override (rules, current, ranges);
          g_free (current);
          current = g_strdup (day);
        }

      if (sqlite3_column_type (stmt, 1) != SQLITE_NULL)
        {
          BkTimeRange range = { sqlite3_column_int (stmt, 1), sqlite3_column_int (stmt, 2) };

          g_array_append_val (ranges, range);
        }
    }
  if (rc != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);

  flush_override (rules, current, ranges);
  return TRUE;
}

BkAvailabilityRules *
bk_store_load_rules (BkStore  *self,
                     GError  **error)
{
  g_autoptr(BkAvailabilityRules) rules = NULL;
  gboolean ok;

  g_return_val_if_fail (BK_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rules = bk_availability_rules_new ();

  /* one read transaction, so settings, hours and overrides are one snapshot */
  if (!_bk_store_exec (self, "BEGIN", error))
    return NULL;
  ok = load_settings (self, rules, error) &&
       load_weekly (self, rules, error) &&
       load_overrides (self, rules, error);
  _bk_store_rollback (self);

  return ok ? g_steal_pointer (&rules) : NULL;
}

static gboolean
save_ranges (BkStore            *self,
             const char *sql,
             int                 key_type,
             gint64              int_key,
             const char         *text_key,
             const GArray       *ranges,
             GError            **error)
{
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      const BkTimeRange *range = &g_array_index (ranges, BkTimeRange, i);
      g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, sql, error);

      if (stmt == NULL)
        return FALSE;
      if (key_type == SQLITE_INTEGER)
        sqlite3_bind_int64 (stmt, 1, int_key);
      else
        sqlite3_bind_text (stmt, 1, text_key, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int (stmt, 2, range->start);
      sqlite3_bind_int (stmt, 3, range->end);
      if (!_bk_store_step_done (self, stmt, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
save_settings (BkStore                    *self,
               const BkAvailabilityRules  *rules,
               GError                    **error)
{
  g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, save_settings_sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, rules->time_zone, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, rules->slot_minutes);
  sqlite3_bind_int64 (stmt, 3, rules->step_minutes);
  sqlite3_bind_int64 (stmt, 4, rules->buffer_before_minutes);
  sqlite3_bind_int64 (stmt, 5, rules->buffer_after_minutes);
  sqlite3_bind_int64 (stmt, 6, rules->min_notice_minutes);
  sqlite3_bind_int64 (stmt, 7, rules->horizon_days);
  sqlite3_bind_int64 (stmt, 8, rules->daily_limit);

  return _bk_store_step_done (self, stmt, error);
}

static gboolean
save_rules_in_transaction (BkStore                    *self,
                           const BkAvailabilityRules  *rules,
                           GError                    **error)
{
  if (!save_settings (self, rules, error) ||
      !_bk_store_exec (self,
                   "DELETE FROM weekly_hours; DELETE FROM override_hours;"
                   " DELETE FROM date_overrides",
                   error))
    return FALSE;

  for (guint day = 0; day < BK_N_WEEKDAYS; day++)
    if (!save_ranges (self, insert_weekly_sql, SQLITE_INTEGER, day, NULL,
                      rules->weekly[day], error))
      return FALSE;

  for (guint i = 0; rules->overrides != NULL && i < rules->overrides->len; i++)
    {
      const BkDateOverride *override = &g_array_index (rules->overrides, BkDateOverride, i);
      g_autofree char *day = format_day (&override->date);
      g_autoptr(BkCachedStmt) stmt = _bk_store_stmt (self, insert_override_sql, error);

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
      if (!_bk_store_step_done (self, stmt, error) ||
          !save_ranges (self, insert_override_hours_sql, SQLITE_TEXT, 0, day,
                        override->ranges, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
bk_store_save_rules (BkStore                    *self,
                     const BkAvailabilityRules  *rules,
                     GError                    **error)
{
  g_autoptr(GError) invalid = NULL;

  g_return_val_if_fail (BK_IS_STORE (self), FALSE);
  g_return_val_if_fail (rules != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!bk_availability_rules_validate (rules, &invalid))
    {
      g_set_error_literal (error, BK_STORE_ERROR, BK_STORE_ERROR_INVALID, invalid->message);
      return FALSE;
    }

  if (!_bk_store_begin (self, error))
    return FALSE;
  if (!save_rules_in_transaction (self, rules, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }

  return _bk_store_commit (self, error);
}
