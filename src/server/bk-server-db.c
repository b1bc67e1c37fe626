/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bk-server-db"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "bk-server-db.h"
#include "bk-server-resources.h"

#define MIGRATIONS_PATH "/io/github/bookable/Server/sql"
/* pg_advisory_xact_lock key that serialises migrations between processes */
#define MIGRATION_LOCK_KEY "7311832001"

struct _BkServerDb
{
  GObject      parent_instance;
  GAsyncQueue *idle;   /* PGconn* ready for use */
  GPtrArray   *all;    /* every PGconn, for finalize */
};

G_DEFINE_FINAL_TYPE (BkServerDb, bk_server_db, G_TYPE_OBJECT)
G_DEFINE_QUARK (bk-server-db-error-quark, bk_server_db_error)

static int
code_for_sqlstate (const char *state)
{
  static const struct { const char *state; int code; } map[] = {
    { "23P01", BK_SERVER_DB_ERROR_OVERLAP },
    { "23505", BK_SERVER_DB_ERROR_DUPLICATE },
    { "23514", BK_SERVER_DB_ERROR_INVALID },
    { "23502", BK_SERVER_DB_ERROR_INVALID },
    { "P0002", BK_SERVER_DB_ERROR_NO_SLOT },
    { "P0003", BK_SERVER_DB_ERROR_NO_EXPERT },
    { "P0004", BK_SERVER_DB_ERROR_NO_APPOINTMENT },
    { "P0005", BK_SERVER_DB_ERROR_NOT_BOOKED },
  };

  if (state == NULL)
    return BK_SERVER_DB_ERROR_CONNECTION;
  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (state, map[i].state) == 0)
      return map[i].code;
  if (g_str_has_prefix (state, "22"))
    return BK_SERVER_DB_ERROR_INVALID;
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57"))
    return BK_SERVER_DB_ERROR_CONNECTION;
  return BK_SERVER_DB_ERROR_FAILED;
}

PGresult *
bk_server_db_query (PGconn             *conn,
                    const char         *sql,
                    int                 n_params,
                    const char * const *params,
                    GError            **error)
{
  g_autoptr(PGresult) res = NULL;
  ExecStatusType st;

  g_return_val_if_fail (conn != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);

  res = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  st = res != NULL ? PQresultStatus (res) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return g_steal_pointer (&res);

  {
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage (res) : PQerrorMessage (conn);
    g_autofree char *clean = g_strstrip (g_strdup (msg ? msg : ""));

    g_set_error (error, BK_SERVER_DB_ERROR, code_for_sqlstate (state),
                 "%s", clean);
  }
  return NULL;
}

gboolean
bk_server_db_exec (PGconn      *conn,
                   const char  *sql,
                   GError     **error)
{
  /* PQexec, unlike PQexecParams, runs several statements (migrations). */
  g_autoptr(PGresult) res = PQexec (conn, sql);
  ExecStatusType st = res != NULL ? PQresultStatus (res) : PGRES_FATAL_ERROR;

  g_return_val_if_fail (conn != NULL, FALSE);

  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
    return TRUE;
  {
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage (res) : PQerrorMessage (conn);
    g_autofree char *clean = g_strstrip (g_strdup (msg ? msg : ""));

    g_set_error (error, BK_SERVER_DB_ERROR, code_for_sqlstate (state), "%s", clean);
  }
  return FALSE;
}

static void
bk_server_db_finalize (GObject *object)
{
  BkServerDb *self = (BkServerDb *)object;

  g_clear_pointer (&self->idle, g_async_queue_unref);
  g_clear_pointer (&self->all, g_ptr_array_unref);

  G_OBJECT_CLASS (bk_server_db_parent_class)->finalize (object);
}

static void
bk_server_db_class_init (BkServerDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bk_server_db_finalize;
}

static void
bk_server_db_init (BkServerDb *self)
{
  self->idle = g_async_queue_new ();
  self->all = g_ptr_array_new_with_free_func ((GDestroyNotify) PQfinish);
}

static PGconn *
connect_one (const char  *url,
             GError     **error)
{
  PGconn *conn = PQconnectdb (url);

  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *msg = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_CONNECTION,
                   _("Cannot connect to the database: %s"), msg);
      PQfinish (conn);
      return NULL;
    }
  /* Quiet NOTICEs ("extension already exists") and pin UTC for to_char(). */
  PQclear (PQexec (conn, "SET client_min_messages = warning; SET TIME ZONE 'UTC'"));
  return conn;
}

BkServerDb *
bk_server_db_new (const char  *url,
                  guint        pool_size,
                  GError     **error)
{
  g_autoptr(BkServerDb) self = NULL;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (pool_size > 0, NULL);

  self = g_object_new (BK_TYPE_SERVER_DB, NULL);
  for (guint i = 0; i < pool_size; i++)
    {
      PGconn *conn = connect_one (url, error);

      if (conn == NULL)
        return NULL;
      g_ptr_array_add (self->all, conn);
      g_async_queue_push (self->idle, conn);
    }
  return g_steal_pointer (&self);
}

PGconn *
bk_server_db_acquire (BkServerDb *self)
{
  g_return_val_if_fail (BK_IS_SERVER_DB (self), NULL);

  return g_async_queue_pop (self->idle);
}

void
bk_server_db_release (BkServerDb *self,
                      PGconn     *conn)
{
  g_return_if_fail (BK_IS_SERVER_DB (self));
  g_return_if_fail (conn != NULL);

  /* A connection left inside a transaction or broken must not leak into
   * the next request. */
  if (PQstatus (conn) != CONNECTION_OK)
    PQreset (conn);
  else if (PQtransactionStatus (conn) != PQTRANS_IDLE)
    PQclear (PQexec (conn, "ROLLBACK"));
  g_async_queue_push (self->idle, conn);
}

/* ---- migrations ---------------------------------------------------- */

static GResource *
server_resource (void)
{
  static gsize once;

  if (g_once_init_enter (&once))
    {
      bk_server_register_resource ();
      g_once_init_leave (&once, 1);
    }
  return bk_server_get_resource ();
}

static int
version_of (const char *name)
{
  return (int) g_ascii_strtoll (name, NULL, 10);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return version_of (*(const char **) a) - version_of (*(const char **) b);
}

static char **
migration_names (void)
{
  g_auto(GStrv) names = g_resource_enumerate_children (server_resource (), MIGRATIONS_PATH, 0, NULL);
  guint n = names ? g_strv_length (names) : 0;

  if (names != NULL)
    qsort (names, n, sizeof (char *), compare_names);
  return g_steal_pointer (&names);
}

int
bk_server_db_latest_version (void)
{
  g_auto(GStrv) names = migration_names ();
  guint n = names ? g_strv_length (names) : 0;

  return n > 0 ? version_of (names[n - 1]) : 0;
}

static int
applied_version (PGconn  *conn,
                 GError **error)
{
  g_autoptr(PGresult) res = NULL;

  if (!bk_server_db_exec (conn,
                          "CREATE TABLE IF NOT EXISTS schema_version ("
                          " version integer PRIMARY KEY,"
                          " applied_at timestamptz NOT NULL DEFAULT now ())", error))
    return -1;
  res = bk_server_db_query (conn, "SELECT coalesce (max (version), 0) FROM schema_version",
                            0, NULL, error);
  if (res == NULL)
    return -1;
  return atoi (PQgetvalue (res, 0, 0));
}

/* One migration in one transaction; the advisory lock makes concurrent
 * starting servers apply it once. */
static gboolean
apply_one (PGconn      *conn,
           const char  *name,
           GError     **error)
{
  g_autofree char *path = g_strconcat (MIGRATIONS_PATH "/", name, NULL);
  g_autoptr(GBytes) sql = g_resource_lookup_data (server_resource (), path, 0, error);
  g_autofree char *version = g_strdup_printf ("%d", version_of (name));
  const char *params[] = { version };
  g_autoptr(GError) local = NULL;
  g_autofree char *text = NULL;
  int current;

  if (sql == NULL)
    return FALSE;
  text = g_strndup (g_bytes_get_data (sql, NULL), g_bytes_get_size (sql));

  if (!bk_server_db_exec (conn, "BEGIN; SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ")",
                          error))
    return FALSE;
  current = applied_version (conn, &local);
  if (current >= 0 && current < version_of (name))
    {
      g_autoptr(PGresult) r = NULL;

      if (bk_server_db_exec (conn, text, &local))
        r = bk_server_db_query (conn, "INSERT INTO schema_version (version) VALUES ($1)",
                                1, params, &local);
    }
  if (local != NULL)
    {
      PQclear (PQexec (conn, "ROLLBACK"));
      g_set_error (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_MIGRATION,
                   _("Migration %s failed: %s"), name, local->message);
      return FALSE;
    }
  return bk_server_db_exec (conn, "COMMIT", error);
}

gboolean
bk_server_db_migrate (BkServerDb  *self,
                      GError     **error)
{
  g_auto(GStrv) names = migration_names ();
  PGconn *conn;
  gboolean ok = TRUE;
  int current;

  g_return_val_if_fail (BK_IS_SERVER_DB (self), FALSE);

  conn = bk_server_db_acquire (self);
  if (bk_server_db_exec (conn, "BEGIN; SELECT pg_advisory_xact_lock (" MIGRATION_LOCK_KEY ")",
                         error))
    {
      current = applied_version (conn, error);
      if (!bk_server_db_exec (conn, current >= 0 ? "COMMIT" : "ROLLBACK", current >= 0 ? error : NULL))
        current = -1;
    }
  else
    current = -1;
  if (current < 0)
    ok = FALSE;
  else if (current > bk_server_db_latest_version ())
    {
      g_set_error (error, BK_SERVER_DB_ERROR, BK_SERVER_DB_ERROR_TOO_NEW,
                   _("The database schema is version %d but this bookable-server knows only "
                     "up to %d; upgrade bookable-server"),
                   current, bk_server_db_latest_version ());
      ok = FALSE;
    }
  for (guint i = 0; ok && names != NULL && names[i] != NULL; i++)
    if (version_of (names[i]) > current)
      ok = apply_one (conn, names[i], error);
  bk_server_db_release (self, conn);
  return ok;
}
