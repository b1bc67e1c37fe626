/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "bk-server-request.h"

G_BEGIN_DECLS

/* Longest slot / appointment, and widest window a query may span. */
#define BK_SERVER_MAX_SLOT   (24 * 3600)
#define BK_SERVER_MAX_WINDOW (G_GINT64_CONSTANT (400) * 24 * 3600)

/* The first column of the first row as a new string; NULL with no error
 * when there is no row. */
char             *_bk_server_query_text   (PGconn             *conn,
                                           const char         *sql,
                                           int                 n_params,
                                           const char * const *params,
                                           GError            **error);
/* The API answer for a database error. */
BkServerResponse *_bk_server_db_failure   (const GError       *error);
/* A JSON body assembled from pieces already serialised by PostgreSQL. */
BkServerResponse *_bk_server_json_text    (guint               status,
                                           const char         *json);
/* from/to query parameters as a window of at most BK_SERVER_MAX_WINDOW. */
gboolean          _bk_server_get_window   (BkServerRequest    *request,
                                           gint64             *from,
                                           gint64             *to,
                                           BkServerResponse  **error_response);
BkServerResponse *_bk_server_public_route (PGconn             *conn,
                                           BkServerRequest    *request,
                                           char              **parts);

G_END_DECLS
