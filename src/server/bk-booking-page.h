/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <libpq-fe.h>

#include "bk-server-request.h"

G_BEGIN_DECLS

/* Answers GET/POST /book/… (the server-rendered booking page). Runs on a
 * worker thread. */
BkServerResponse *bk_booking_page_handle (PGconn          *conn,
                                          BkServerRequest *request);

G_END_DECLS
