/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bk-sandbox-google.h"
#include "sandbox-common-test.h"

G_BEGIN_DECLS

/* A Google sandbox on its own thread plus a libsoup client, for the tests
 * of the sandbox itself. Requests are synchronous from the test thread. */

#define SGT_REDIRECT "http://127.0.0.1:48123/oauth2callback"
#define SGT_SCOPES   "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly"

typedef struct
{
  BkSandboxGoogle *sandbox;
  SoupSession     *session;
  const char      *url;
  char            *token;     /* an access token, after sgt_sign_in_default () */
} SgtFixture;

typedef SbcResponse SgtResponse;

void         sgt_setup            (SgtFixture    *fixture,
                                   gconstpointer  page_size);
void         sgt_teardown         (SgtFixture    *fixture,
                                   gconstpointer  data);
/* The generic parts live in sandbox-common-test.c. */
#define sgt_response_free sbc_response_free
#define sgt_json          sbc_json
#define sgt_pkce          sbc_pkce
#define sgt_query_value   sbc_query_value
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SgtResponse, sbc_response_free)

SgtResponse *sgt_request          (SgtFixture    *fixture,
                                   const char    *method,
                                   const char    *path_or_url,
                                   const char    *content_type,
                                   const char    *body,
                                   const char    *bearer);
/* A Calendar API call with the fixture's token; @path is under /calendar/v3. */
SgtResponse *sgt_api              (SgtFixture    *fixture,
                                   const char    *method,
                                   const char    *path,
                                   const char    *json_body);
/* Asserts @status and Google's error envelope with @reason; frees nothing. */
void         sgt_assert_error     (SgtResponse   *response,
                                   guint          status,
                                   const char    *reason);
/* The control API through the C call; asserts @status, returns the answer. */
JsonObject  *sgt_control          (SgtFixture    *fixture,
                                   const char    *method,
                                   const char    *route,
                                   const char    *json_body,
                                   guint          status);
/* authorize → code (asserts the 302), NULL when the redirect carries an error. */
char        *sgt_authorize        (SgtFixture    *fixture,
                                   const char    *scope,
                                   const char    *challenge,
                                   const char    *extra_query);
/* The whole dance for expert@sandbox.test; returns the token response. */
JsonObject  *sgt_sign_in          (SgtFixture    *fixture,
                                   const char    *scope);
/* Adds expert@sandbox.test (Europe/Berlin) and signs in; sets fixture->token. */
void         sgt_sign_in_default  (SgtFixture    *fixture);

G_END_DECLS
