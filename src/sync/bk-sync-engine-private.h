/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bk-appointment.h"
#include "bk-graph-client.h"
#include "bk-sync-engine.h"

G_BEGIN_DECLS

/* Shared by bk-sync-engine.c (the pass, the outbox, the feed),
 * bk-sync-rounds.c and bk-sync-two-way.c (the calendars' changes),
 * bk-sync-conflicts.c and bk-sync-steps.c (the calendar and the slots). */

/* sync state: appointments pulled but not yet written to the calendar */
#define BK_SYNC_CALENDAR_TODO "calendar-todo/"
/* sync state: Google's sync token, + provider/calendar id (Office 365's
 * delta links are kept with their calendars: bk_store_get_calendar_delta) */
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
  /* Office 365 delta rounds (bk-sync-rounds.c) */
  GPtrArray    *rounds;        /* BkCalendar: the calendars to read */
  guint         next_round;
  void        (*after_rounds) (GTask *task);
  gboolean      rounds_ok;     /* every selected calendar was read this pass:
                                * the busy cache is fresh */
  gboolean      rereading;     /* the destination, after this pass wrote to it */
  gboolean      wrote_events;  /* events created or moved this pass */
  guint64       calendar_requests_at_start;
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

/* bk-sync-two-way.c: the outbox entries the changes of a Graph delta round
 * of @calendar call for (BkOutboxEntry; NULL when the store fails), after
 * storing the ids of the app's own events the store lost */
GPtrArray              *_bk_sync_pass_graph_entries        (BkSyncEngine  *self,
                                                            BkGraphDelta  *delta,
                                                            const char    *calendar,
                                                            GError       **error);

/* bk-sync-rounds.c (Office 365): one calendarView/delta round for every
 * selected calendar and the destination — busy cache and two-way changes
 * — then @next (takes @task) */
void                    _bk_sync_pass_read_rounds           (GTask       *task,
                                                            void       (*next) (GTask *task));
/* the destination once more when this pass wrote events to it, so that a
 * round has returned them (Graph reports removals only of items a round
 * returned); then @next (takes @task) */
void                    _bk_sync_pass_reread_destination    (GTask       *task,
                                                            void       (*next) (GTask *task));
/* requests made so far to the calendar service (0 without one) */
guint64                 _bk_sync_engine_calendar_requests   (BkSyncEngine *self);

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
