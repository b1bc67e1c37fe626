/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "bk-types.h"

G_BEGIN_DECLS

#define BK_STORE_ERROR (bk_store_error_quark ())

typedef enum
{
  BK_STORE_ERROR_OPEN,       /* the file cannot be created or opened at all */
  BK_STORE_ERROR_SQL,        /* a statement failed; the transaction was rolled back */
  BK_STORE_ERROR_NOT_FOUND,  /* no row with that id */
  BK_STORE_ERROR_INVALID,    /* refused input (end before start, …) */
} BkStoreError;

/* The schema version this binary writes (PRAGMA user_version). */
#define BK_STORE_SCHEMA_VERSION 4

#define BK_TYPE_STORE (bk_store_get_type ())

/* The local SQLite cache of one profile. Signals: "changed" (no arguments),
 * emitted on the thread that made a successful write through this object. */
G_DECLARE_FINAL_TYPE (BkStore, bk_store, BK, STORE, GObject)

GQuark               bk_store_error_quark        (void);

/* $XDG_DATA_HOME/bookable/bookable.sqlite */
char                *bk_store_get_default_path   (void);

/* Opens (creating and migrating as needed). A corrupt file or one written by
 * a newer version is renamed aside (its name then in the recovery message)
 * and a fresh store is created: never a crash, never a silent wipe. */
BkStore             *bk_store_open               (const char           *path,
                                                  GError              **error);
const char          *bk_store_get_path           (BkStore              *self);
/* A translated sentence when open had to move the old file aside, else NULL. */
const char          *bk_store_get_recovery_message (BkStore            *self);

/* Rules (defaults from bk_availability_rules_new() when none were saved). */
BkAvailabilityRules *bk_store_load_rules         (BkStore              *self,
                                                  GError              **error);
gboolean             bk_store_save_rules         (BkStore              *self,
                                                  const BkAvailabilityRules *rules,
                                                  GError              **error);

/* Manual blocks. add returns the new id (> 0), or 0 with @error. */
gint64               bk_store_add_block          (BkStore              *self,
                                                  gint64                start,
                                                  gint64                end,
                                                  const char           *title,
                                                  GError              **error);
/* Blocks overlapping [from, to), sorted by start: a GPtrArray of BkBlock. */
GPtrArray           *bk_store_list_blocks        (BkStore              *self,
                                                  gint64                from,
                                                  gint64                to,
                                                  GError              **error);
gboolean             bk_store_remove_block       (BkStore              *self,
                                                  gint64                id,
                                                  GError              **error);

/* Appointments (the cache of the backend's; sync fills it). */
gboolean             bk_store_upsert_appointments (BkStore             *self,
                                                  GPtrArray            *appointments,
                                                  GError              **error);
/* Appointments overlapping [from, to) in any status, sorted by start:
 * a GPtrArray of BkAppointment. */
GPtrArray           *bk_store_list_appointments  (BkStore              *self,
                                                  gint64                from,
                                                  gint64                to,
                                                  GError              **error);
/* The same on a worker thread with its own connection, for the window. */
void                 bk_store_list_appointments_async  (BkStore              *self,
                                                        gint64                from,
                                                        gint64                to,
                                                        GCancellable         *cancellable,
                                                        GAsyncReadyCallback   callback,
                                                        gpointer              user_data);
GPtrArray           *bk_store_list_appointments_finish (BkStore              *self,
                                                        GAsyncResult         *result,
                                                        GError              **error);
/* The calendars (remote ids, sorted, no duplicates) holding the event of a
 * booked appointment that ends after @since: the ones whose changes the
 * expert may still make there. A NULL-terminated array (empty when none),
 * or NULL with @error. Events of unknown calendar are not counted. */
char               **bk_store_list_event_calendars (BkStore              *self,
                                                    gint64                since,
                                                    GError              **error);

/* Cached calendar busy times overlapping [from, to): a GArray of BkInterval
 * (empty until a calendar source is connected). */
GArray              *bk_store_list_busy          (BkStore              *self,
                                                  gint64                from,
                                                  gint64                to,
                                                  GError              **error);

/* Everything the slot engine needs over [from, to) from the cache: busy
 * times and blocks merged into @out_busy, live appointments into
 * @out_booked (both GArrays of BkInterval). */
gboolean             bk_store_load_busy_and_booked (BkStore            *self,
                                                    gint64              from,
                                                    gint64              to,
                                                    GArray            **out_busy,
                                                    GArray            **out_booked,
                                                    GError            **error);

/* Sync state: small named values the sync engine keeps between runs (delta
 * links, sync tokens, the backend cursor). Get returns NULL, without
 * @error, for a key never set; set with @value NULL removes the key. */
char                *bk_store_get_sync_state      (BkStore             *self,
                                                   const char          *key,
                                                   GError             **error);
gboolean             bk_store_set_sync_state      (BkStore             *self,
                                                   const char          *key,
                                                   const char          *value,
                                                   GError             **error);

/* The outbox: changes made on this computer, replayed to the backend in
 * order (seq) when the network is back. */
typedef struct
{
  gint64  seq;
  char   *idempotency_key;
  char   *kind;
  char   *payload;       /* JSON text */
  gint64  created_at;    /* Unix seconds */
  guint   attempts;
  char   *last_error;    /* NULL until a replay failed */
} BkOutboxEntry;

#define BK_TYPE_OUTBOX_ENTRY (bk_outbox_entry_get_type ())

GType                bk_outbox_entry_get_type     (void) G_GNUC_CONST;
BkOutboxEntry       *bk_outbox_entry_copy         (const BkOutboxEntry *self);
void                 bk_outbox_entry_free         (BkOutboxEntry       *self);

/* Queues @kind/@payload_json under @idempotency_key. A key that is already
 * queued is not queued twice: its seq is returned. Returns the seq (> 0), or
 * 0 with @error (BK_STORE_ERROR_INVALID for a payload that is not JSON). */
gint64               bk_store_outbox_push         (BkStore             *self,
                                                   const char          *kind,
                                                   const char          *payload_json,
                                                   const char          *idempotency_key,
                                                   GError             **error);
/* A local change to an appointment and its outbox entry in one transaction:
 * both are stored or neither. @appointment is stored as given (the caller
 * marks it pending). Returns the seq as bk_store_outbox_push() does. */
gint64               bk_store_queue_appointment_change (BkStore        *self,
                                                   BkAppointment       *appointment,
                                                   const char          *kind,
                                                   const char          *payload_json,
                                                   const char          *idempotency_key,
                                                   GError             **error);
/* Oldest first, at most @limit entries (0: all): a GPtrArray of BkOutboxEntry. */
GPtrArray           *bk_store_outbox_list         (BkStore             *self,
                                                   guint                limit,
                                                   GError             **error);
/* The backend confirmed entry @seq. BK_STORE_ERROR_NOT_FOUND if not queued. */
gboolean             bk_store_outbox_remove       (BkStore             *self,
                                                   gint64               seq,
                                                   GError             **error);
/* A replay of @seq failed: counts the attempt and keeps @message for the UI. */
gboolean             bk_store_outbox_record_failure (BkStore           *self,
                                                   gint64               seq,
                                                   const char          *message,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkOutboxEntry, bk_outbox_entry_free)

/* ====================================================================== */
/* Calendar sources (issue 3): the integration of each provider, its
 * calendars, and their cached busy times. Implemented in
 * bk-store-calendars.c. @provider is "office365_calendar" or
 * "google_calendar" throughout.                                           */

typedef enum
{
  BK_SOURCE_MANUAL,
  BK_SOURCE_GOOGLE_CALENDAR,
  BK_SOURCE_OFFICE365_CALENDAR,
} BkSource;

#define BK_PROVIDER_OFFICE365 "office365_calendar"
#define BK_PROVIDER_GOOGLE    "google_calendar"

/* "manual", "google_calendar", "office365_calendar" */
const char          *bk_source_to_string          (BkSource             source);
gboolean             bk_source_from_string        (const char          *text,
                                                   BkSource            *out_source);

/* One calendar of a connected account. */
typedef struct
{
  char     *provider;
  char     *remote_id;     /* the provider's id */
  char     *name;
  char     *color;         /* "#rrggbb", a provider colour name, or NULL */
  gboolean  can_edit;
  gboolean  is_default;
  gboolean  selected;      /* its busy times block slots */
  gboolean  destination;   /* appointments are written here */
  gint64    last_read_at;  /* last successful read of its busy times; 0 never */
} BkCalendar;

#define BK_TYPE_CALENDAR (bk_calendar_get_type ())

GType                bk_calendar_get_type         (void) G_GNUC_CONST;
BkCalendar          *bk_calendar_new              (const char          *provider,
                                                   const char          *remote_id,
                                                   const char          *name,
                                                   const char          *color,
                                                   gboolean             can_edit,
                                                   gboolean             is_default);
BkCalendar          *bk_calendar_copy             (const BkCalendar    *self);
void                 bk_calendar_free             (BkCalendar          *self);

/* A busy time of one calendar, with what the Schedule needs to explain it. */
typedef struct
{
  gint64  start;
  gint64  end;
  char   *show_as;          /* busy, oof, tentative, unknown (stored as busy) */
  char   *calendar_id;      /* the calendar's remote id */
  char   *calendar_name;
  char   *calendar_color;
  char   *reason;           /* set when the time is blocked because the
                             * calendar could not be read (fail closed) */
  char   *event_id;         /* the event (occurrence) it comes from, when the
                             * provider says (Office 365); NULL for Google's
                             * freeBusy */
} BkBusyTime;

#define BK_TYPE_BUSY_TIME (bk_busy_time_get_type ())

GType                bk_busy_time_get_type        (void) G_GNUC_CONST;
BkBusyTime          *bk_busy_time_new             (gint64               start,
                                                   gint64               end,
                                                   const char          *show_as);
BkBusyTime          *bk_busy_time_copy            (const BkBusyTime    *self);
void                 bk_busy_time_free            (BkBusyTime          *self);

/* The state of one provider's integration. */
typedef struct
{
  char     *provider;
  char     *account;           /* NULL when not connected */
  char     *display_name;
  gboolean  reconnect_needed;  /* the grant is gone: Reconnect */
  char     *reconnect_message; /* why, for the UI; may be NULL */
  gboolean  block_tentative;   /* default TRUE */
  gboolean  block_oof;         /* default TRUE */
  gint64    last_sync_at;      /* last complete successful read; 0 never */
} BkIntegration;

#define BK_TYPE_INTEGRATION (bk_integration_get_type ())

GType                bk_integration_get_type      (void) G_GNUC_CONST;
BkIntegration       *bk_integration_copy          (const BkIntegration *self);
void                 bk_integration_free          (BkIntegration       *self);

#define BK_STORE_OUTBOX_INTEGRATION "integration"

BkSource             bk_store_get_active_source   (BkStore             *self,
                                                   GError             **error);
/* Also queues, in the same transaction, an outbox entry of kind
 * BK_STORE_OUTBOX_INTEGRATION ({"type": source, "details": {"account"}})
 * so the backend learns of the switch (connect_… / disconnect_…). */
gboolean             bk_store_set_active_source   (BkStore             *self,
                                                   BkSource             source,
                                                   GError             **error);

BkIntegration       *bk_store_get_integration     (BkStore             *self,
                                                   const char          *provider,
                                                   GError             **error);
/* Connect (@account non-NULL: clears reconnect-needed) or disconnect
 * (@account NULL: also forgets the provider's calendars and busy times). */
gboolean             bk_store_set_integration_account (BkStore         *self,
                                                   const char          *provider,
                                                   const char          *account,
                                                   const char          *display_name,
                                                   GError             **error);
gboolean             bk_store_set_reconnect_needed (BkStore            *self,
                                                   const char          *provider,
                                                   gboolean             reconnect_needed,
                                                   const char          *message,
                                                   GError             **error);
gboolean             bk_store_set_block_policy    (BkStore             *self,
                                                   const char          *provider,
                                                   gboolean             block_tentative,
                                                   gboolean             block_oof,
                                                   GError             **error);
gboolean             bk_store_set_last_sync       (BkStore             *self,
                                                   const char          *provider,
                                                   gint64               when,
                                                   GError             **error);

/* Replaces the provider's calendar list with @calendars (BkCalendar; only
 * remote_id, name, color, can_edit, is_default are read). Known calendars
 * keep their choices; new ones start unselected, except the default
 * calendar when nothing was chosen yet, which becomes selected and (when
 * writable) the destination. Calendars no longer listed are forgotten with
 * their busy times. */
gboolean             bk_store_sync_calendars      (BkStore             *self,
                                                   const char          *provider,
                                                   GPtrArray           *calendars,
                                                   GError             **error);
/* In the provider's order: a GPtrArray of BkCalendar. */
GPtrArray           *bk_store_list_calendars      (BkStore             *self,
                                                   const char          *provider,
                                                   GError             **error);
/* Selects exactly @remote_ids (NULL-terminated; unknown ids are
 * BK_STORE_ERROR_NOT_FOUND); @destination (may be NULL: unchanged) must be
 * writable (BK_STORE_ERROR_INVALID). Nothing changes on error. */
gboolean             bk_store_select_calendars    (BkStore             *self,
                                                   const char          *provider,
                                                   const char * const  *remote_ids,
                                                   const char          *destination,
                                                   GError             **error);

/* A successful read of calendar @remote_id over [from, to) at @read_at:
 * its cached busy times overlapping the window are replaced by @busy (a
 * GPtrArray of BkBusyTime; show_as busy/oof/tentative/unknown only — free
 * times are not kept) and the window is recorded as covered. Only selected
 * calendars keep busy times: bk_store_select_calendars() forgets the times,
 * windows and delta links of the others (and the delta link of a calendar
 * selected anew). Each time's event_id (may be NULL) is kept. bk_store_list_busy() and
 * bk_store_load_busy_and_booked() count every cached time (tentative and
 * oof included whatever the policy). */
gboolean             bk_store_replace_busy        (BkStore             *self,
                                                   const char          *provider,
                                                   const char          *remote_id,
                                                   gint64               from,
                                                   gint64               to,
                                                   GPtrArray           *busy,
                                                   gint64               read_at,
                                                   GError             **error);
/* The cached busy times overlapping [from, to) of the provider's selected
 * calendars that block under its tentative/oof policy, sorted: a GPtrArray
 * of BkBusyTime with the calendar's id, name and colour. */
GPtrArray           *bk_store_list_calendar_busy  (BkStore             *self,
                                                   const char          *provider,
                                                   gint64               from,
                                                   gint64               to,
                                                   GError             **error);
/* The parts of [from, to) that some selected calendar of @provider has never
 * been read for (merged BkInterval), and in @out_oldest_read (may be NULL)
 * the oldest read time among the covering reads (0 if none). */
GArray              *bk_store_list_uncovered      (BkStore             *self,
                                                   const char          *provider,
                                                   gint64               from,
                                                   gint64               to,
                                                   gint64              *out_oldest_read,
                                                   GError             **error);

/* A calendar's delta link (Office 365 calendarView/delta) and the window
 * its rounds cover, kept with the calendar: forgotten with it and whenever
 * its selection changes (a new link must start with a full round). */
typedef struct
{
  char   *link;   /* NULL: the next round is a full one */
  gint64  from;   /* the window fixed by the round that started the link; */
  gint64  to;     /* both 0 when unknown (a link from schema version 2) */
} BkCalendarDelta;

void                 bk_calendar_delta_free       (BkCalendarDelta     *self);

/* @remote_id's delta state (never NULL; link NULL when there is none). */
BkCalendarDelta     *bk_store_get_calendar_delta  (BkStore             *self,
                                                   const char          *provider,
                                                   const char          *remote_id,
                                                   GError             **error);
/* Sets (or with @link NULL forgets) @remote_id's delta link and window. */
gboolean             bk_store_set_calendar_delta  (BkStore             *self,
                                                   const char          *provider,
                                                   const char          *remote_id,
                                                   const char          *link,
                                                   gint64               from,
                                                   gint64               to,
                                                   GError             **error);
/* One delta round of calendar @remote_id over the window [from, to), read
 * at @read_at, in one transaction:
 * - busy times (only when the calendar is selected): a @full_round replaces
 *   every cached time overlapping the window with @busy; a later round
 *   drops the cached times of the events named in @changed_ids (removed or
 *   changed: every id the round named) and adds @busy (BkBusyTime with
 *   event_id; free and cancelled events are not in it). Either way the
 *   window is recorded as covered at @read_at. Applying a round twice
 *   leaves the same cache (by event id).
 * - @entries (BkOutboxEntry, may be NULL): calendar changes for the
 *   backend, queued as bk_store_queue_calendar_changes() does;
 * - the new @link (NULL forgets it) with the window. */
gboolean             bk_store_apply_busy_round    (BkStore             *self,
                                                   const char          *provider,
                                                   const char          *remote_id,
                                                   gboolean             full_round,
                                                   gint64               from,
                                                   gint64               to,
                                                   const char * const  *changed_ids,
                                                   GPtrArray           *busy,
                                                   GPtrArray           *entries,
                                                   const char          *link,
                                                   gint64               read_at,
                                                   GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkCalendar, bk_calendar_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkBusyTime, bk_busy_time_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkCalendarDelta, bk_calendar_delta_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (BkIntegration, bk_integration_free)

/* End of the calendar sources section.                                    */
/* ====================================================================== */

/* ====================================================================== */
/* Sync with the backend (issue 5). Implemented in bk-store-sync.c. An
 * appointment is pending while an outbox entry's payload names it in
 * "appointment_id"; what the backend sends never overwrites such a row.  */

/* The appointment with @id, or NULL with BK_STORE_ERROR_NOT_FOUND. */
BkAppointment       *bk_store_get_appointment     (BkStore             *self,
                                                   const char          *id,
                                                   GError             **error);
/* One page of the backend's change feed, in one transaction: stores
 * @appointments (BkAppointment as the backend has them; rows with queued
 * local changes are left alone, the local conflict flag is kept), sets
 * the sync state @cursor_key to @cursor, so a pass cut after any page
 * resumes after it, and, when @todo_prefix is not NULL, marks each
 * appointment's calendar work as to do (sync state @todo_prefix + id, whose
 * value is the calendar event id the backend knows, or ""). */
gboolean             bk_store_apply_feed_page     (BkStore             *self,
                                                   GPtrArray           *appointments,
                                                   const char          *cursor_key,
                                                   const char          *cursor,
                                                   const char          *todo_prefix,
                                                   GError             **error);
/* The sync state keys that start with @prefix, sorted: a NULL-terminated
 * array (empty when none), or NULL with @error. */
char               **bk_store_list_sync_state_keys (BkStore            *self,
                                                   const char          *prefix,
                                                   GError             **error);
/* The backend accepted outbox entry @seq: removes it and stores
 * @confirmed (may be NULL) as the backend answered, no longer pending
 * unless another entry still names it; one transaction. */
gboolean             bk_store_outbox_complete     (BkStore             *self,
                                                   gint64               seq,
                                                   BkAppointment       *confirmed,
                                                   GError             **error);
/* The backend refused outbox entry @seq for good: removes it, keeps it with
 * @message in the refusals (bk_store_list_refusals()), and clears the
 * pending flag of the appointment it named; one transaction. */
gboolean             bk_store_outbox_refuse       (BkStore             *self,
                                                   gint64               seq,
                                                   const char          *message,
                                                   GError             **error);
/* Changes the backend refused, oldest first: a GPtrArray of BkOutboxEntry
 * whose last_error says why. */
GPtrArray           *bk_store_list_refusals       (BkStore             *self,
                                                   GError             **error);
/* The refusal of the latest change to appointment @id, or NULL. */
char                *bk_store_get_refusal         (BkStore             *self,
                                                   const char          *appointment_id,
                                                   GError             **error);
/* Queued outbox entries (refusals not counted). */
guint                bk_store_outbox_count        (BkStore             *self,
                                                   GError             **error);

/* Two-way calendar sync (bk-store-two-way.c). */
/* The appointment whose calendar event is @event_id (a booked one first),
 * or NULL (without @error when there is none). */
BkAppointment       *bk_store_find_appointment_by_event (BkStore       *self,
                                                   const char          *event_id,
                                                   GError             **error);
/* Queues @entries (BkOutboxEntry: kind, payload, idempotency_key; a key
 * already queued is skipped) and sets sync state @state_key to
 * @state_value (NULL removes it) in one transaction. */
gboolean             bk_store_queue_calendar_changes (BkStore          *self,
                                                   GPtrArray           *entries,
                                                   const char          *state_key,
                                                   const char          *state_value,
                                                   GError             **error);
/* Marks appointment @appointment_id as colliding with the calendar times
 * in @conflicts_json (a JSON array), or clears the mark (NULL). */
gboolean             bk_store_set_conflict        (BkStore             *self,
                                                   const char          *appointment_id,
                                                   const char          *conflicts_json,
                                                   GError             **error);
/* The JSON array given to bk_store_set_conflict(), or NULL. */
char                *bk_store_dup_conflicts       (BkStore             *self,
                                                   const char          *appointment_id,
                                                   GError             **error);

/* End of the sync section.                                                */
/* ====================================================================== */

G_END_DECLS
