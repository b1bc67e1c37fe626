/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "bk-store-private.h"

#define SPAN_TRIGGERS(tbl) \
  "CREATE TRIGGER " tbl "_span_insert AFTER INSERT ON " tbl " BEGIN" \
  "  UPDATE spans SET max_span = NEW.end_at - NEW.start_at" \
  "   WHERE tbl = '" tbl "' AND max_span < NEW.end_at - NEW.start_at; END;" \
  "CREATE TRIGGER " tbl "_span_update AFTER UPDATE OF start_at, end_at ON " tbl " BEGIN" \
  "  UPDATE spans SET max_span = NEW.end_at - NEW.start_at" \
  "   WHERE tbl = '" tbl "' AND max_span < NEW.end_at - NEW.start_at; END;"

/* Version 0 (a new or empty file) → 1. Runs inside one transaction together
 * with the user_version bump, so a crash leaves version 0 or a complete 1. */
static const char schema_v1[] =
  "CREATE TABLE settings ("
  " id INTEGER PRIMARY KEY CHECK (id = 1),"
  " time_zone TEXT NOT NULL,"
  " slot_minutes INTEGER NOT NULL CHECK (slot_minutes > 0),"
  " step_minutes INTEGER NOT NULL CHECK (step_minutes > 0),"
  " buffer_before_minutes INTEGER NOT NULL CHECK (buffer_before_minutes >= 0),"
  " buffer_after_minutes INTEGER NOT NULL CHECK (buffer_after_minutes >= 0),"
  " min_notice_minutes INTEGER NOT NULL CHECK (min_notice_minutes >= 0),"
  " horizon_days INTEGER NOT NULL CHECK (horizon_days >= 0),"
  " daily_limit INTEGER NOT NULL CHECK (daily_limit >= 0));"
  "CREATE TABLE weekly_hours ("
  " weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
  " start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),"
  " end_minute INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= 1440),"
  " PRIMARY KEY (weekday, start_minute)) WITHOUT ROWID;"
  /* a closed day is an override without hours */
  "CREATE TABLE date_overrides ("
  " day TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')"
  ") WITHOUT ROWID;"
  "CREATE TABLE override_hours ("
  " day TEXT NOT NULL REFERENCES date_overrides (day) ON DELETE CASCADE,"
  " start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),"
  " end_minute INTEGER NOT NULL CHECK (end_minute > start_minute AND end_minute <= 1440),"
  " PRIMARY KEY (day, start_minute)) WITHOUT ROWID;"
  "CREATE TABLE spans (tbl TEXT PRIMARY KEY, max_span INTEGER NOT NULL) WITHOUT ROWID;"
  "INSERT INTO spans (tbl, max_span) VALUES"
  " ('blocks', 0), ('busy_intervals', 0), ('appointments', 0);"
  "CREATE TABLE blocks ("
  " id INTEGER PRIMARY KEY AUTOINCREMENT,"
  " start_at INTEGER NOT NULL,"
  " end_at INTEGER NOT NULL,"
  " title TEXT,"
  " CHECK (end_at > start_at));"
  "CREATE INDEX blocks_start ON blocks (start_at);"
  SPAN_TRIGGERS ("blocks")
  "CREATE TABLE calendars ("
  " id INTEGER PRIMARY KEY,"
  " provider TEXT NOT NULL CHECK (provider IN ('google_calendar', 'office365_calendar')),"
  " remote_id TEXT NOT NULL,"
  " name TEXT NOT NULL,"
  " color TEXT,"
  " selected INTEGER NOT NULL DEFAULT 1 CHECK (selected IN (0, 1)),"
  " destination INTEGER NOT NULL DEFAULT 0 CHECK (destination IN (0, 1)),"
  " UNIQUE (provider, remote_id));"
  "CREATE TABLE busy_intervals ("
  " id INTEGER PRIMARY KEY,"
  " calendar_id INTEGER NOT NULL REFERENCES calendars (id) ON DELETE CASCADE,"
  " start_at INTEGER NOT NULL,"
  " end_at INTEGER NOT NULL,"
  " show_as TEXT NOT NULL DEFAULT 'busy'"
  "  CHECK (show_as IN ('busy', 'oof', 'tentative', 'workingElsewhere')),"
  " CHECK (end_at > start_at));"
  "CREATE INDEX busy_intervals_start ON busy_intervals (start_at);"
  "CREATE INDEX busy_intervals_calendar ON busy_intervals (calendar_id);"
  SPAN_TRIGGERS ("busy_intervals")
  /* the slots last published to the backend */
  "CREATE TABLE slots ("
  " start_at INTEGER PRIMARY KEY,"
  " end_at INTEGER NOT NULL,"
  " CHECK (end_at > start_at));"
  "CREATE TABLE appointments ("
  " id TEXT PRIMARY KEY,"
  " start_at INTEGER NOT NULL,"
  " end_at INTEGER NOT NULL,"
  " client_name TEXT,"
  " client_email TEXT,"
  " note TEXT,"
  " status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'rescheduled')),"
  " calendar_event_id TEXT,"
  " conflict INTEGER NOT NULL DEFAULT 0 CHECK (conflict IN (0, 1)),"
  " pending INTEGER NOT NULL DEFAULT 0 CHECK (pending IN (0, 1)),"
  " updated_at INTEGER NOT NULL,"
  " CHECK (end_at > start_at));"
  "CREATE INDEX appointments_start ON appointments (start_at);"
  SPAN_TRIGGERS ("appointments")
  "CREATE TABLE sync_state (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
  "CREATE TABLE outbox ("
  " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  " idempotency_key TEXT NOT NULL UNIQUE,"
  " kind TEXT NOT NULL,"
  " payload TEXT NOT NULL CHECK (json_valid (payload)),"
  " created_at INTEGER NOT NULL,"
  " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
  " last_error TEXT);";

/* migrations[i] brings a file from version i to i + 1 */
static const char * const migrations[BK_STORE_SCHEMA_VERSION] = {
  schema_v1,
  _bk_store_schema_v2,
  _bk_store_schema_v3,
  _bk_store_schema_v4,
};

typedef enum
{
  OPEN_OK,
  OPEN_FAILED,    /* @error is set; leave the file alone */
  OPEN_CORRUPT,   /* not a database, or damaged */
  OPEN_NEWER,     /* user_version > BK_STORE_SCHEMA_VERSION */
} OpenVerdict;

struct _BkStore
{
  GObject       parent_instance;

  char         *path;
  char         *recovery_message;
  sqlite3      *db;
  GHashTable   *stmts;  /* static SQL text → prepared sqlite3_stmt */
};

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals [N_SIGNALS];

G_DEFINE_FINAL_TYPE (BkStore, bk_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (bk-store-error-quark, bk_store_error)

/* ------------------------------------------------------------------------ */
/* Helpers                                                                  */

static gboolean
is_damage (int rc)
{
  rc &= 0xff;
  return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

void
_bk_cached_stmt_release (BkCachedStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

sqlite3 *
_bk_store_get_db (BkStore *self)
{
  g_assert (BK_IS_STORE (self));

  return self->db;
}

gboolean
_bk_store_set_sql_error (BkStore  *self,
                         GError  **error)
{
  g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_SQL,
               _("The local store “%s” could not be read or updated: %s"),
               self->path, sqlite3_errmsg (self->db));
  return FALSE;
}

BkCachedStmt *
_bk_store_stmt (BkStore     *self,
                const char  *sql,
                GError     **error)
{
  sqlite3_stmt *stmt;

  g_assert (BK_IS_STORE (self));

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    return stmt;

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      _bk_store_set_sql_error (self, error);
      return NULL;
    }

  g_hash_table_insert (self->stmts, (gpointer) sql, stmt);
  return stmt;
}

gboolean
_bk_store_exec (BkStore     *self,
                const char  *sql,
                GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return _bk_store_set_sql_error (self, error);
  return TRUE;
}

/* IMMEDIATE takes the write lock up front, so a concurrent writer makes us
 * wait (busy_timeout) at BEGIN instead of failing halfway through. */
gboolean
_bk_store_begin (BkStore  *self,
                 GError  **error)
{
  return _bk_store_exec (self, "BEGIN IMMEDIATE", error);
}

void
_bk_store_rollback (BkStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
_bk_store_commit (BkStore  *self,
                  GError  **error)
{
  if (!_bk_store_exec (self, "COMMIT", error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }

  g_signal_emit (self, signals [CHANGED], 0);
  return TRUE;
}

gboolean
_bk_store_step_done (BkStore       *self,
                     sqlite3_stmt  *stmt,
                     GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return _bk_store_set_sql_error (self, error);
  return TRUE;
}

gboolean
_bk_store_change_row (BkStore     *self,
                      const char  *sql,
                      gint64       id,
                      const char  *text,
                      gboolean    *out_found,
                      GError     **error)
{
  g_autoptr(BkCachedStmt) stmt = NULL;

  *out_found = FALSE;
  if (!_bk_store_begin (self, error))
    return FALSE;
  if ((stmt = _bk_store_stmt (self, sql, error)) == NULL)
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  if (text != NULL)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  if (!_bk_store_step_done (self, stmt, error))
    {
      _bk_store_rollback (self);
      return FALSE;
    }
  if (sqlite3_changes (self->db) == 0)
    {
      _bk_store_rollback (self);
      return TRUE;
    }
  *out_found = TRUE;
  g_clear_pointer (&stmt, _bk_cached_stmt_release);
  return _bk_store_commit (self, error);
}

/* ------------------------------------------------------------------------ */
/* Opening, checking, migrating, moving aside                               */

/* Runs a one-row, one-column PRAGMA; a damaged file makes it fail with
 * SQLITE_NOTADB/SQLITE_CORRUPT, reported through @out_rc. */
static sqlite3_stmt *
pragma_row (sqlite3    *db,
            const char *sql,
            int        *out_rc)
{
  sqlite3_stmt *stmt = NULL;

  *out_rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (*out_rc == SQLITE_OK)
    *out_rc = sqlite3_step (stmt);

  return stmt;
}

static OpenVerdict
fail_open (BkStore  *self,
           GError  **error)
{
  g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_OPEN,
               _("The local store “%s” could not be opened: %s"),
               self->path, self->db ? sqlite3_errmsg (self->db) : g_strerror (ENOMEM));
  return OPEN_FAILED;
}

static OpenVerdict
check_version (BkStore  *self,
               int      *out_version,
               GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = pragma_row (self->db, "PRAGMA user_version", &rc);
  if (is_damage (rc))
    return OPEN_CORRUPT;
  if (rc != SQLITE_ROW)
    return fail_open (self, error);

  *out_version = sqlite3_column_int (stmt, 0);
  return *out_version > BK_STORE_SCHEMA_VERSION ? OPEN_NEWER : OPEN_OK;
}

static OpenVerdict
check_integrity (BkStore  *self,
                 GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = pragma_row (self->db, "PRAGMA quick_check", &rc);
  if (is_damage (rc))
    return OPEN_CORRUPT;
  if (rc != SQLITE_ROW)
    return fail_open (self, error);
  if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "ok") != 0)
    {
      g_message ("quick_check of %s: %s", self->path, sqlite3_column_text (stmt, 0));
      return OPEN_CORRUPT;
    }

  return OPEN_OK;
}

static OpenVerdict
migrate (BkStore  *self,
         int       version,
         GError  **error)
{
  if (version == BK_STORE_SCHEMA_VERSION)
    return OPEN_OK;

  if (sqlite3_exec (self->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return fail_open (self, error);

  for (int v = version; v < BK_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", v + 1);
      int rc = sqlite3_exec (self->db, migrations[v], NULL, NULL, NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_exec (self->db, bump, NULL, NULL, NULL);
      if (rc != SQLITE_OK)
        {
          OpenVerdict verdict = is_damage (rc) ? OPEN_CORRUPT : fail_open (self, error);

          _bk_store_rollback (self);
          return verdict;
        }
    }

  if (sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      OpenVerdict verdict = fail_open (self, error);

      _bk_store_rollback (self);
      return verdict;
    }

  return OPEN_OK;
}

/* Journal mode and the connection settings that are not stored in the file. */
static OpenVerdict
configure (BkStore  *self,
           GError  **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = pragma_row (self->db, "PRAGMA journal_mode = WAL", &rc);
  if (is_damage (rc))
    return OPEN_CORRUPT;
  if (rc != SQLITE_ROW)
    return fail_open (self, error);

  /* NORMAL in WAL mode survives any application crash; only a power cut
   * may lose the last commits, never consistency. */
  if (sqlite3_exec (self->db,
                    "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
                    NULL, NULL, NULL) != SQLITE_OK)
    return fail_open (self, error);

  return OPEN_OK;
}

static void
close_db (BkStore *self)
{
  /* statements first: a connection with live statements does not close */
  g_hash_table_remove_all (self->stmts);
  g_clear_pointer (&self->db, sqlite3_close_v2);
}

static OpenVerdict
try_open (BkStore  *self,
          GError  **error)
{
  OpenVerdict verdict;
  int version = 0;
  int rc;

  rc = sqlite3_open_v2 (self->path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    return fail_open (self, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);
  /* until the file has passed the checks, closing must not checkpoint: a
   * file we then move aside stays exactly as we found it */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  if ((verdict = check_version (self, &version, error)) != OPEN_OK ||
      (verdict = check_integrity (self, error)) != OPEN_OK ||
      (verdict = configure (self, error)) != OPEN_OK ||
      (verdict = migrate (self, version, error)) != OPEN_OK)
    return verdict;

  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, NULL);
  return OPEN_OK;
}

static gboolean
rename_if_exists (const char  *from,
                  const char  *to,
                  GError     **error)
{
  if (!g_file_test (from, G_FILE_TEST_EXISTS))
    return TRUE;

  if (g_rename (from, to) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_OPEN,
                   _("The damaged local store “%s” could not be moved aside: %s"),
                   from, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

/* A name next to the file that does not exist yet. */
static char *
aside_path (const char *path,
            const char *reason)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  char *candidate = g_strdup_printf ("%s.%s-%s", path, reason, stamp);

  for (guint n = 2; g_file_test (candidate, G_FILE_TEST_EXISTS); n++)
    {
      g_free (candidate);
      candidate = g_strdup_printf ("%s.%s-%s-%u", path, reason, stamp, n);
    }

  return candidate;
}

static gboolean
move_aside (BkStore      *self,
            OpenVerdict   verdict,
            GError      **error)
{
  static const char * const suffixes[] = { "-wal", "-shm" };
  g_autofree char *target = NULL;

  close_db (self);
  target = aside_path (self->path, verdict == OPEN_NEWER ? "newer" : "corrupt");

  /* the journal files first: a WAL left next to the fresh file would be
   * replayed into it */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (self->path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (!rename_if_exists (from, to, error))
        return FALSE;
    }
  if (!rename_if_exists (self->path, target, error))
    return FALSE;

  g_free (self->recovery_message);
  /* blocks and hours live only on this computer: say so rather than
   * promise that everything comes back */
  if (verdict == OPEN_NEWER)
    self->recovery_message =
      g_strdup_printf (_("The local data was written by a newer version of Bookable, "
                         "so it was set aside as “%s” and this version started afresh. "
                         "Appointments will be downloaded again; working hours and "
                         "blocks may need to be entered again."),
                       target);
  else
    self->recovery_message =
      g_strdup_printf (_("The local data could not be read, so it was set aside as “%s” "
                         "and Bookable started afresh. Appointments will be downloaded "
                         "again; working hours and blocks may need to be entered again."),
                       target);
  g_message ("%s", self->recovery_message);

  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                  */

static void
bk_store_finalize (GObject *object)
{
  BkStore *self = (BkStore *)object;

  close_db (self);
  g_clear_pointer (&self->stmts, g_hash_table_unref);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->recovery_message, g_free);

  G_OBJECT_CLASS (bk_store_parent_class)->finalize (object);
}

static void
bk_store_class_init (BkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = bk_store_finalize;

  signals [CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
bk_store_init (BkStore *self)
{
  self->stmts = g_hash_table_new_full (NULL, NULL, NULL, finalize_stmt);
}

/* ------------------------------------------------------------------------ */
/* Public API: opening                                                      */

char *
bk_store_get_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "bookable", "bookable.sqlite", NULL);
}

BkStore *
bk_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(BkStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, BK_STORE_ERROR, BK_STORE_ERROR_OPEN,
                   _("The local store “%s” could not be opened: %s"),
                   path, g_strerror (saved_errno));
      return NULL;
    }

  self = g_object_new (BK_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  /* at most one recovery: a fresh file that fails too is a real error */
  for (guint attempt = 0; ; attempt++)
    {
      OpenVerdict verdict = try_open (self, error);

      if (verdict == OPEN_OK)
        return g_steal_pointer (&self);
      if (verdict == OPEN_FAILED)
        return NULL;
      if (attempt > 0)
        {
          fail_open (self, error);
          return NULL;
        }
      if (!move_aside (self, verdict, error))
        return NULL;
    }
}

const char *
bk_store_get_path (BkStore *self)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  return self->path;
}

const char *
bk_store_get_recovery_message (BkStore *self)
{
  g_return_val_if_fail (BK_IS_STORE (self), NULL);

  return self->recovery_message;
}
