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
 * BK_STORE_ERROR_NOT_FOUND, BK_STORE_ERROR_INVALID when it is not booked or
 * already has a change waiting. */
gboolean bk_sync_queue_cancel (BkStore     *store,
                               const char  *id,
                               const char  *reason,
                               GError     **error);

/* Moves booked appointment @id to [@start, @end): queues the reschedule
 * and marks the appointment pending; its times in the store stay until the
 * server confirms (it may refuse: the time is taken), then the pass brings
 * the moved appointment. Errors: BK_STORE_ERROR_NOT_FOUND;
 * BK_STORE_ERROR_INVALID when it is not booked, already has a change
 * waiting, or @end is not after @start. */
gboolean bk_sync_queue_reschedule     (BkStore     *store,
                                       const char  *id,
                                       gint64       start,
                                       gint64       end,
                                       GError     **error);

/* Every queued reschedule, read from the outbox once: appointment id →
 * BkInterval (its new times; the last queued move counts). */
GHashTable *bk_sync_list_pending_moves (BkStore   *store);

/* The times a queued reschedule of @id moves it to: FALSE when none is
 * waiting. */
gboolean bk_sync_get_pending_move     (BkStore     *store,
                                       const char  *id,
                                       gint64      *out_start,
                                       gint64      *out_end);

G_END_DECLS
