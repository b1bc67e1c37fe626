/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-types.h"

G_BEGIN_DECLS

/* The expert's own changes, shared by the window and bookablectl: each is
 * written to the store and queued in the outbox in one transaction, then
 * shown as pending until a sync pass delivers it. */

/* Cancels booked appointment @id here at once and queues the cancellation
 * (with @reason, may be NULL, which the client sees). Errors:
 * BK_STORE_ERROR_NOT_FOUND, BK_STORE_ERROR_INVALID when it is not booked. */
gboolean bk_sync_queue_cancel (BkStore     *store,
                               const char  *id,
                               const char  *reason,
                               GError     **error);

G_END_DECLS
