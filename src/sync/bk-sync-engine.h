/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-availability-strategy.h"
#include "bk-backend-client.h"
#include "bk-store.h"

G_BEGIN_DECLS

#define BK_SYNC_ERROR (bk_sync_error_quark ())

/**
 * BkSyncError:
 * @BK_SYNC_ERROR_BUSY: a pass is already running; its result will do
 * @BK_SYNC_ERROR_BAD_FEED: the backend's change feed could not be read;
 *   nothing was stored from it, the next pass reads it again
 */
typedef enum
{
  BK_SYNC_ERROR_BUSY,
  BK_SYNC_ERROR_BAD_FEED,
} BkSyncError;

GQuark bk_sync_error_quark (void);

/**
 * BkSyncState:
 * @BK_SYNC_STATE_IDLE: the last pass (if any) succeeded
 * @BK_SYNC_STATE_SYNCING: a pass is running
 * @BK_SYNC_STATE_FAILED: the last pass stopped (offline, server trouble);
 *   the next one resumes
 * @BK_SYNC_STATE_SIGN_IN_NEEDED: the backend refused the sign-in token
 */
typedef enum
{
  BK_SYNC_STATE_IDLE,
  BK_SYNC_STATE_SYNCING,
  BK_SYNC_STATE_FAILED,
  BK_SYNC_STATE_SIGN_IN_NEEDED,
} BkSyncState;

#define BK_TYPE_SYNC_STATE (bk_sync_state_get_type ())
GType bk_sync_state_get_type (void) G_GNUC_CONST;

/* Sync state keys the engine keeps in the store (bookablectl status and
 * signin read and reset them too). */
#define BK_SYNC_KEY_SERVER        "backend/server"
#define BK_SYNC_KEY_EMAIL         "backend/email"
#define BK_SYNC_KEY_CURSOR        "backend/cursor"
#define BK_SYNC_KEY_SLOTS_HASH    "backend/slots-hash"
#define BK_SYNC_KEY_LAST_SYNC     "backend/last-sync"
#define BK_SYNC_KEY_OFFLINE       "backend/offline"
#define BK_SYNC_KEY_LAST_ERROR    "backend/last-error"
#define BK_SYNC_KEY_SIGN_IN       "backend/sign-in-needed"

/* Outbox kinds the engine replays; every payload names "appointment_id"
 * when it changes one. */
#define BK_OUTBOX_CANCEL_APPOINTMENT     "cancel-appointment"     /* {appointment_id, reason?} */
#define BK_OUTBOX_RESCHEDULE_APPOINTMENT "reschedule-appointment" /* {appointment_id, start, end} */
#define BK_OUTBOX_CALENDAR_EVENT         "calendar-event"         /* {appointment_id, calendar_event_id} */
#define BK_OUTBOX_INTEGRATION            BK_STORE_OUTBOX_INTEGRATION /* {type, details?}, queued by the store */

/* What one pass did. */
typedef struct
{
  guint      sent;          /* outbox entries the backend accepted */
  guint      refused;       /* entries it refused for good (now refusals) */
  guint      changes;       /* change-feed entries read */
  guint      appointments;  /* appointments stored from them */
  gboolean   published;     /* the slots changed and were uploaded */
  guint      slots;         /* slots in the published window */
  guint      requests;      /* HTTP requests made */
  GPtrArray *messages;      /* char *: why entries were refused */
  guint      calendar_changes; /* cancellations and moves made in the
                                * calendar, queued for the backend */
  guint      conflicts;     /* bookings held back: they collide with the calendar */
  guint      calendar_requests; /* HTTP requests made to the calendar service
                                 * (Graph, Google), retries included */
} BkSyncReport;

void bk_sync_report_free (BkSyncReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkSyncReport, bk_sync_report_free)

#define BK_TYPE_SYNC_ENGINE (bk_sync_engine_get_type ())

/* Moves data between the store, the strategy and the backend, one pass at a
 * time: replay the outbox → pull the change feed → publish the slots when
 * they changed. Each step commits its own progress, so a pass cut anywhere
 * resumes on the next. Properties (for the window to bind): "state"
 * (BkSyncState), "last-sync" (gint64 Unix s, 0 never), "offline" (the last
 * pass could not reach the server), "pending" (queued outbox entries),
 * "last-error" (a sentence, or NULL). */
G_DECLARE_FINAL_TYPE (BkSyncEngine, bk_sync_engine, BK, SYNC_ENGINE, GObject)

/* @strategy may be NULL: the manual source over @store. */
BkSyncEngine *bk_sync_engine_new            (BkStore                *store,
                                             BkBackendClient        *client,
                                             BkAvailabilityStrategy *strategy);
BkBackendClient *bk_sync_engine_get_client  (BkSyncEngine           *self);
BkSyncState   bk_sync_engine_get_state      (BkSyncEngine           *self);
gint64        bk_sync_engine_get_last_sync  (BkSyncEngine           *self);
gboolean      bk_sync_engine_get_offline    (BkSyncEngine           *self);
guint         bk_sync_engine_get_pending    (BkSyncEngine           *self);
const char   *bk_sync_engine_get_last_error (BkSyncEngine           *self);
/* For tests and benchmarks: the "now" slots are computed for (0: real). */
void          bk_sync_engine_set_now        (BkSyncEngine           *self,
                                             gint64                  now);

void          bk_sync_engine_sync_async     (BkSyncEngine           *self,
                                             GCancellable           *cancellable,
                                             GAsyncReadyCallback     callback,
                                             gpointer                user_data);
BkSyncReport *bk_sync_engine_sync_finish    (BkSyncEngine           *self,
                                             GAsyncResult           *result,
                                             GError                **error);

G_END_DECLS
