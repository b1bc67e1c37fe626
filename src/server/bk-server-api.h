/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "bk-server-request.h"

G_BEGIN_DECLS

/* Answers one /api/v1/… request on @conn. Runs on a worker thread. */
BkServerResponse *bk_server_api_handle          (PGconn           *conn,
                                                 BkServerRequest  *request);

/* Shared with the booking page. Each returns NULL and sets
 * *@error_response (with the API's codes) on failure. */

/* The expert's {id, display_name, slug, time_zone} as JSON text. */
char             *bk_server_api_public_expert   (PGconn           *conn,
                                                 const char       *slug,
                                                 BkServerResponse **error_response);
/* [{start, end}] of free published slots starting in [@from, @to). */
char             *bk_server_api_free_slots      (PGconn           *conn,
                                                 const char       *slug,
                                                 gint64            from,
                                                 gint64            to,
                                                 BkServerResponse **error_response);
/* Books; the appointment as JSON text, *@out_cancel_token the private token. */
char             *bk_server_api_book            (PGconn           *conn,
                                                 const char       *slug,
                                                 gint64            start,
                                                 gint64            end,
                                                 const char       *name,
                                                 const char       *email,
                                                 const char       *note,
                                                 char            **out_cancel_token,
                                                 BkServerResponse **error_response);
/* Cancels by private token; the appointment as JSON text. With @dry_run,
 * only looks it up (the cancel page's confirmation step). */
char             *bk_server_api_cancel_by_token (PGconn           *conn,
                                                 const char       *token,
                                                 gboolean          dry_run,
                                                 BkServerResponse **error_response);
char             *bk_server_api_cancel_url      (BkServerRequest  *request,
                                                 const char       *token);

G_END_DECLS
