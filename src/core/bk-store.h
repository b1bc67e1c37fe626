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
#define BK_STORE_SCHEMA_VERSION 1

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

G_END_DECLS
