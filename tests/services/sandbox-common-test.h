/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What the tests of every sandbox service share: synchronous HTTP from the
 * test thread, JSON answers, PKCE pairs, and starting a sandbox program as
 * build-aux/dev demo does. */

typedef struct
{
  guint               status;
  char               *body;
  SoupMessageHeaders *headers;
  GError             *error;
} SbcResponse;

void         sbc_response_free  (SbcResponse        *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbcResponse, sbc_response_free)

/* A session for loopback (no proxy resolver, whatever GIO would pick). */
SoupSession *sbc_session_new    (void);
/* @headers: NULL-terminated name, value pairs (a NULL value skips one), or NULL.
 * Redirects are not followed. */
SbcResponse *sbc_request        (SoupSession        *session,
                                 const char         *method,
                                 const char         *url,
                                 const char         *content_type,
                                 const char         *body,
                                 const char *const  *headers);
/* The body as a JSON object (a new reference), or NULL. */
JsonObject  *sbc_json           (SbcResponse        *response);
/* A random RFC 7636 verifier and its S256 challenge. */
void         sbc_pkce           (char              **out_verifier,
                                 char              **out_challenge);
char        *sbc_query_value    (const char         *url,
                                 const char         *name);
/* Starts BK_BUILD_ROOT/tests/services/@name with the NULL-terminated
 * arguments and reads its first line; *out_url is the sandbox's URL. */
GSubprocess *sbc_spawn_program  (const char         *name,
                                 char              **out_url,
                                 ...) G_GNUC_NULL_TERMINATED;
/* Runs the program to its end (output silenced); returns its exit status. */
int          sbc_run_program    (const char         *name,
                                 ...) G_GNUC_NULL_TERMINATED;
/* SIGTERM, then asserts a clean exit 0. */
void         sbc_stop_program   (GSubprocess        *process);

G_END_DECLS
