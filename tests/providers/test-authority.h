/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A small OAuth authority for the providers tests: a libsoup server on
 * 127.0.0.1:0 with Microsoft-shaped authorize and token endpoints (PKCE S256
 * checked, single-use codes, rotating refresh tokens, revocation) and one API
 * route, /v1.0/me, that checks the bearer token. It runs on the test's own
 * main context; the test plays the browser with test_browser_get(). */
#pragma once

#include "bk-http.h"
#include "bk-oauth.h"

G_BEGIN_DECLS

typedef struct
{
  SoupServer *server;
  char       *url;               /* http://127.0.0.1:PORT */
  GHashTable *codes;             /* code → "challenge\nredirect_uri" */
  char       *refresh_token;     /* the only refresh token that works */
  GHashTable *access_tokens;     /* valid access tokens */
  GPtrArray  *issued;            /* every code and token handed out */

  /* switches */
  gboolean    deny_consent;      /* authorize answers error=access_denied */
  gboolean    revoked;           /* refresh answers invalid_grant */
  gboolean    fail_code_grant;   /* the code exchange answers invalid_grant */
  guint       expires_in;        /* seconds, for new access tokens */
  guint       token_delay_ms;    /* how long /token takes to answer */
  GCancellable *cancel_on_refresh; /* cancelled when a refresh grant arrives */

  /* counters */
  guint       authorize_requests;
  guint       code_grants;
  guint       refresh_grants;
  guint       me_requests;
  guint       me_unauthorized;
} TestAuthority;

TestAuthority   *test_authority_new               (void);
void             test_authority_free              (TestAuthority  *self);
BkOAuthProvider *test_authority_dup_provider      (TestAuthority  *self);
BkOAuthTokens   *test_authority_issue_tokens      (TestAuthority  *self,
                                                   gint64          expires_in);
gboolean         test_authority_leaked_in         (TestAuthority  *self,
                                                   const char     *text,
                                                   gsize           len);
gboolean         test_authority_leaked_in_tree    (TestAuthority  *self,
                                                   const char     *directory);

guint            test_browser_get                 (const char     *uri,
                                                   char          **body,
                                                   GError        **error);

/* Whether any of @secrets occurs in @text, or in a regular file under
 * @directory. */
gboolean         test_secrets_leaked_in           (GPtrArray      *secrets,
                                                   const char     *text,
                                                   gsize           len);
gboolean         test_secrets_leaked_in_tree      (GPtrArray      *secrets,
                                                   const char     *directory);

/* Records every log message of the process (debug ones too) from now on. */
void             test_log_capture_install         (void);
GString         *test_log_captured                (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestAuthority, test_authority_free)

G_END_DECLS
