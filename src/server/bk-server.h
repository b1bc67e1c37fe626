/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-server-db.h"

G_BEGIN_DECLS

#define BK_TYPE_SERVER (bk_server_get_type ())
G_DECLARE_FINAL_TYPE (BkServer, bk_server, BK, SERVER, GObject)

/* Serves the API and the booking page from @db. Requests are read on the
 * thread-default main context; database work runs on @n_workers threads.
 * @public_url (no trailing '/') prefixes the links handed out, or NULL for
 * the address listened on. */
BkServer   *bk_server_new      (BkServerDb   *db,
                                guint         n_workers,
                                const char   *public_url);
/* @address: "HOST:PORT" (PORT 0 picks a free one). */
gboolean    bk_server_listen   (BkServer     *self,
                                const char   *address,
                                GError      **error);
/* "http://127.0.0.1:PORT" once listening. */
const char *bk_server_get_url  (BkServer     *self);
/* Stops accepting and waits for the requests in flight. */
void        bk_server_shutdown (BkServer     *self);

G_END_DECLS
