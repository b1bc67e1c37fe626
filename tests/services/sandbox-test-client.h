/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "bk-sandbox-microsoft.h"
#include "sandbox-common-test.h"

G_BEGIN_DECLS

/* A sandbox on its own thread plus a libsoup client, for the tests of the
 * sandbox itself. Requests are synchronous from the test's thread. */

typedef struct
{
  BkSandboxMicrosoft *sandbox;
  SoupSession        *session;
  const char         *url;
} SbtFixture;

typedef SbcResponse SbtResponse;

void         sbt_fixture_setup    (SbtFixture    *fixture,
                                   gconstpointer  data);
void         sbt_fixture_teardown (SbtFixture    *fixture,
                                   gconstpointer  data);
/* The generic parts live in sandbox-common-test.c. */
#define sbt_response_free sbc_response_free
#define sbt_json          sbc_json
#define sbt_pkce          sbc_pkce
#define sbt_query_value   sbc_query_value
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SbtResponse, sbc_response_free)

/* @headers: NULL-terminated name, value pairs (or NULL). */
SbtResponse *sbt_request          (SbtFixture    *fixture,
                                   const char    *method,
                                   const char    *url,
                                   const char    *content_type,
                                   const char    *body,
                                   const char *const *headers);
SbtResponse *sbt_graph            (SbtFixture    *fixture,
                                   const char    *method,
                                   const char    *path_or_url,
                                   const char    *token,
                                   const char    *prefer,
                                   const char    *json_body);
/* POST to /_sandbox/ROUTE and assert @status; returns the parsed answer. */
JsonObject  *sbt_control          (SbtFixture    *fixture,
                                   const char    *route,
                                   const char    *json_body,
                                   guint          status);
/* The whole authorize → token dance; returns the token response. */
JsonObject  *sbt_sign_in          (SbtFixture    *fixture,
                                   const char    *login_hint);
gint64       sbt_error_code       (JsonObject    *oauth_error);

G_END_DECLS
