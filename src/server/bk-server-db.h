/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define BK_SERVER_DB_ERROR (bk_server_db_error_quark ())

typedef enum
{
  BK_SERVER_DB_ERROR_CONNECTION,      /* cannot reach or lost the database */
  BK_SERVER_DB_ERROR_TOO_NEW,         /* schema newer than this binary: upgrade the server */
  BK_SERVER_DB_ERROR_MIGRATION,       /* a migration failed; nothing of it was applied */
  BK_SERVER_DB_ERROR_OVERLAP,         /* exclusion violation: the time is taken */
  BK_SERVER_DB_ERROR_DUPLICATE,       /* unique violation (email, slug, …) */
  BK_SERVER_DB_ERROR_INVALID,         /* a check constraint or bad value */
  BK_SERVER_DB_ERROR_NO_SLOT,         /* booking a slot that is not published */
  BK_SERVER_DB_ERROR_NO_EXPERT,       /* no expert with that slug */
  BK_SERVER_DB_ERROR_NO_APPOINTMENT,  /* no such appointment of this expert */
  BK_SERVER_DB_ERROR_NOT_BOOKED,      /* the appointment is cancelled or moved */
  BK_SERVER_DB_ERROR_FAILED,          /* anything else */
} BkServerDbError;

#define BK_TYPE_SERVER_DB (bk_server_db_get_type ())
G_DECLARE_FINAL_TYPE (BkServerDb, bk_server_db, BK, SERVER_DB, GObject)

GQuark       bk_server_db_error_quark     (void);

/* Opens @pool_size connections to @url (a libpq connection string or URI). */
BkServerDb  *bk_server_db_new             (const char   *url,
                                           guint         pool_size,
                                           GError      **error);
/* Applies the embedded migrations not yet applied, each in its own
 * transaction, serialised between processes; refuses a newer schema. */
gboolean     bk_server_db_migrate         (BkServerDb   *self,
                                           GError      **error);
int          bk_server_db_latest_version  (void);

/* Borrows a connection (blocks while all are busy); give it back with
 * bk_server_db_release(). For worker threads only, never the main loop. */
PGconn      *bk_server_db_acquire         (BkServerDb   *self);
void         bk_server_db_release         (BkServerDb   *self,
                                           PGconn       *conn);

/* Runs @sql with text parameters (NULL = SQL NULL); NULL and @error on
 * failure, with the SQLSTATE mapped to a BkServerDbError code. */
PGresult    *bk_server_db_query           (PGconn             *conn,
                                           const char         *sql,
                                           int                 n_params,
                                           const char * const *params,
                                           GError            **error);
/* Runs a statement that returns nothing interesting. */
gboolean     bk_server_db_exec            (PGconn             *conn,
                                           const char         *sql,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
