/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "bk-test-server.h"

G_BEGIN_DECLS

/* What the main() of a sync test does around its cases: g_test_init() with
 * isolated XDG dirs, the throwaway cluster, bookable-server; returns the
 * HTTP session of the public side. */
SoupSession *sync_test_init       (int                *argc,
                                   char             ***argv);
/* Runs the cases, then releases @session and stops the server and the
 * cluster; returns g_test_run()'s status. */
int          sync_test_run        (SoupSession        *session);

/* A bookable-server process that can be stopped and started again on the
 * same port (the app must find its server where it left it). */
void         sync_server_start    (void);
void         sync_server_stop     (gboolean kill);
const char  *sync_server_url      (void);
/* SIGSTOP / SIGCONT: a server that hangs, then wakes. Returns once it took
 * effect: every thread of the server stopped, or none stopped any more. */
void         sync_server_signal   (int                 signum);

/* One run of the real bookablectl in this test case's profile. */
typedef struct
{
  int   status;
  char *out;
  char *err;
} SyncCtl;

void         sync_ctl_free        (SyncCtl            *ctl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncCtl, sync_ctl_free)

GSubprocess *sync_ctl_spawn       (const char         *input,
                                   const char * const *args);
SyncCtl     *sync_ctl_run         (const char         *input,
                                   const char * const *args);
/* Runs and insists on exit 0; returns stdout. */
char        *sync_ctl_ok          (const char * const *args);

/* A fresh expert (unique slug; email SLUG@example.com) with open hours all
 * week, signed in from this test case's profile; returns the slug and, in
 * @out_password (may be NULL), the password. */
char        *sync_new_expert      (char              **out_password);
/* bookablectl signin for @slug's expert with @password. */
void         sync_sign_in         (const char         *slug,
                                   const char         *password);

/* The public side: the free published slots of @slug (a JSON array). */
JsonNode    *sync_public_slots    (SoupSession        *session,
                                   const char         *slug);
/* Books free slot @index of @slug; returns the appointment id and, in
 * @out_cancel_token, the token of its private cancel link. NULL when the
 * slot was taken (409). */
char        *sync_book            (SoupSession        *session,
                                   const char         *slug,
                                   guint               index,
                                   char              **out_cancel_token);
void         sync_client_cancel   (SoupSession        *session,
                                   const char         *cancel_token);

/* `bookablectl appointments --json` as id → object. */
GHashTable  *sync_local_appointments (void);
/* @column of the backend's appointment @id, as text (psql's). */
char        *sync_backend_column  (const char         *column,
                                   const char         *id);

/* `bookablectl status --json`. */
JsonObject  *sync_status          (void);

G_END_DECLS
