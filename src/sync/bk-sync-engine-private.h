/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-appointment.h"
#include "bk-sync-engine.h"

G_BEGIN_DECLS

/* Shared by bk-sync-engine.c (the pass, the outbox, the feed) and
 * bk-sync-steps.c (the calendar and the slots). */

/* sync state: appointments pulled but not yet written to the calendar */
#define BK_SYNC_CALENDAR_TODO "calendar-todo/"
/* sync state: a calendar's delta link / sync token, + provider/calendar id */
#define BK_SYNC_CALENDAR_LINK "calendar-link/"

/* What one pass carries from step to step (GTask data). */
typedef struct
{
  BkSyncReport *report;
  GPtrArray    *entries;       /* BkOutboxEntry being replayed */
  guint         next_entry;
  guint         requests_at_start;
  gint64        from;          /* the publishing window */
  gint64        to;
  char         *hash;          /* of its slots */
  GArray       *slots;         /* BkInterval being uploaded */
  GArray       *cuts;          /* gint64: from, …, to — one PUT per part */
  guint         next_chunk;
  guint         next_slot;
  guint         chunk_first_slot;
  guint         upload_retries;
  char        **todo;          /* calendar work: sync state keys */
  guint         next_todo;
  BkAppointment *current;      /* the appointment the strategy works on */
  guint         queued_events; /* calendar-event entries queued this pass */
  gboolean      reporting_events;
} BkSyncPass;

BkStore                *_bk_sync_engine_get_store          (BkSyncEngine *self);
BkBackendClient        *_bk_sync_engine_get_client         (BkSyncEngine *self);
BkAvailabilityStrategy *_bk_sync_engine_get_strategy       (BkSyncEngine *self);
gint64                  _bk_sync_engine_get_now            (BkSyncEngine *self);
/* Manual keeps no calendar: nothing to write, nothing to report. */
gboolean                _bk_sync_engine_keeps_calendar     (BkSyncEngine *self);
/* Ends the pass with @error (taken) or the report; takes @task. */
void                    _bk_sync_engine_finish_pass        (GTask        *task,
                                                            GError       *error);
/* Replays the pass's outbox entries from next_entry; takes @task. */
void                    _bk_sync_engine_replay_next        (GTask        *task);

/* bk-sync-two-way.c: the active calendar provider (BK_PROVIDER_*), or NULL */
const char             *_bk_sync_pass_provider             (BkSyncEngine *self);
/* the expert's calendar changes into the outbox, then the calendar work;
 * takes @task */
void                    _bk_sync_pass_read_calendar_changes (GTask       *task);

/* bk-sync-conflicts.c: reads the busy times over the bookings the calendar
 * step will write, then calls @next (takes @task); marks (or clears) the
 * conflict of booked @appointment against them */
void                    _bk_sync_pass_refresh_busy          (GTask       *task,
                                                            void       (*next) (GTask *task));
gboolean                _bk_sync_pass_check_conflict        (BkSyncEngine  *self,
                                                            BkAppointment *appointment,
                                                            gboolean      *out_conflict,
                                                            GError       **error);

/* bk-sync-steps.c; each takes @task */
void                    _bk_sync_pass_start_calendar_work  (GTask        *task);
void                    _bk_sync_pass_publish_slots        (GTask        *task);

G_END_DECLS
