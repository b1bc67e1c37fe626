/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one-shot loopback sign-in, with the test playing the browser. */
#define G_LOG_DOMAIN "test-oauth-flow"

#include "config.h"

#include <glib/gi18n.h>

#include "bk-oauth-flow.h"
#include "test-authority.h"

typedef struct
{
  TestAuthority *authority;
  BkHttp        *http;
  BkOAuthFlow   *flow;
  gboolean       done;
  BkOAuthTokens *tokens;
  GError        *error;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(BkOAuthProvider) provider = NULL;

  f->authority = test_authority_new ();
  f->http = bk_http_new ();
  provider = test_authority_dup_provider (f->authority);
  f->flow = bk_oauth_flow_new (f->http, provider);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->flow);
  g_clear_object (&f->http);
  g_clear_pointer (&f->tokens, bk_oauth_tokens_free);
  g_clear_error (&f->error);
  g_clear_pointer (&f->authority, test_authority_free);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  Fixture *f = user_data;

  f->tokens = bk_oauth_flow_run_finish (BK_OAUTH_FLOW (object), result, &f->error);
  f->done = TRUE;
}

static void
start (Fixture      *f,
       GCancellable *cancellable)
{
  bk_oauth_flow_run_async (f->flow, cancellable, run_cb, f);
  g_assert_nonnull (bk_oauth_flow_get_authorize_uri (f->flow));
  g_assert_true (g_str_has_prefix (bk_oauth_flow_get_authorize_uri (f->flow), f->authority->url));
}

static void
wait_done (Fixture *f)
{
  while (!f->done)
    g_main_context_iteration (NULL, TRUE);
}

/* The redirect URI with @query, as a forger (or a late browser) would call it. */
static char *
redirect_with (Fixture    *f,
               const char *query)
{
  return g_strconcat (bk_oauth_flow_get_redirect_uri (f->flow), "?", query, NULL);
}

static char *
state_of (Fixture *f)
{
  g_autoptr(GUri) uri = g_uri_parse (bk_oauth_flow_get_authorize_uri (f->flow), G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(GHashTable) params = g_uri_parse_params (g_uri_get_query (uri), -1, "&", G_URI_PARAMS_NONE, NULL);

  return g_strdup (g_hash_table_lookup (params, "state"));
}

static void
assert_refused (const char *uri)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (test_browser_get (uri, NULL, &error), ==, 0);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
}

static void
test_connect (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *page = NULL;
  g_autofree char *favicon = NULL;
  g_autofree char *state = NULL;
  g_autofree char *late = NULL;
  g_autofree char *challenge = NULL;
  const char *authorize;

  start (f, NULL);
  authorize = bk_oauth_flow_get_authorize_uri (f->flow);
  g_assert_true (g_str_has_prefix (bk_oauth_flow_get_redirect_uri (f->flow), "http://127.0.0.1:"));
  g_assert_nonnull (strstr (authorize, "code_challenge_method=S256"));
  g_assert_nonnull (strstr (authorize, "scope=offline_access%20Calendars.ReadWrite%20User.Read"));
  state = state_of (f);
  g_assert_cmpuint (strlen (state), ==, 43);

  /* A browser's stray request does not use up the one-shot listener. */
  favicon = g_strconcat (bk_oauth_flow_get_redirect_uri (f->flow), "favicon.ico", NULL);
  g_assert_cmpuint (test_browser_get (favicon, NULL, NULL), ==, SOUP_STATUS_NOT_FOUND);
  g_assert_false (f->done);

  g_assert_cmpuint (test_browser_get (authorize, &page, NULL), ==, SOUP_STATUS_OK);
  g_assert_nonnull (strstr (page, "Bookable is connected"));
  wait_done (f);

  g_assert_no_error (f->error);
  g_assert_nonnull (f->tokens);
  g_assert_cmpuint (f->authority->code_grants, ==, 1);
  g_assert_true (g_hash_table_contains (f->authority->access_tokens, f->tokens->access_token));
  g_assert_cmpstr (f->tokens->refresh_token, ==, f->authority->refresh_token);
  g_assert_cmpstr (f->tokens->account, ==, "ada@contoso.test");
  g_assert_cmpstr (f->tokens->display_name, ==, "Ada Lovelace");
  g_assert_cmpint (f->tokens->expires_at, >, g_get_real_time () / G_USEC_PER_SEC + 3000);

  /* The listener is gone: a replayed redirect finds nobody listening. */
  late = redirect_with (f, "code=replayed&state=x");
  assert_refused (late);
}

/* The browser waits for the code exchange, so its page never says
 * "connected" when the exchange failed. */
static void
test_exchange_fails (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *page = NULL;

  f->authority->fail_code_grant = TRUE;
  start (f, NULL);
  g_assert_cmpuint (test_browser_get (bk_oauth_flow_get_authorize_uri (f->flow), &page, NULL),
                    ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_null (strstr (page, "Bookable is connected"));
  g_assert_nonnull (strstr (page, "already used"));
  wait_done (f);

  g_assert_null (f->tokens);
  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART);
  g_assert_cmpuint (f->authority->code_grants, ==, 1);
  g_assert_false (test_authority_leaked_in (f->authority, f->error->message, strlen (f->error->message)));
  assert_refused (bk_oauth_flow_get_redirect_uri (f->flow));
}

static void
test_wrong_state (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *page = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *state = NULL;
  g_autofree char *genuine = NULL;

  start (f, NULL);
  forged = redirect_with (f, "code=forged-code-1234&state=forged-state");
  g_assert_cmpuint (test_browser_get (forged, &page, NULL), ==, SOUP_STATUS_BAD_REQUEST);
  g_assert_nonnull (strstr (page, "Bookable could not connect"));
  wait_done (f);

  g_assert_null (f->tokens);
  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_STATE_MISMATCH);
  g_assert_nonnull (strstr (f->error->message, "start Connect again"));
  g_assert_null (strstr (f->error->message, "forged-code-1234"));
  g_assert_cmpuint (f->authority->code_grants, ==, 0);

  /* Fail closed: even the genuine redirect is not accepted afterwards. */
  state = state_of (f);
  genuine = g_strdup_printf ("%s?code=real&state=%s", bk_oauth_flow_get_redirect_uri (f->flow), state);
  assert_refused (genuine);
}

static void
test_no_state (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *bare = NULL;

  start (f, NULL);
  bare = redirect_with (f, "code=abc");
  g_assert_cmpuint (test_browser_get (bare, NULL, NULL), ==, SOUP_STATUS_BAD_REQUEST);
  wait_done (f);
  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_STATE_MISMATCH);
}

static void
test_access_denied (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *page = NULL;

  f->authority->deny_consent = TRUE;
  start (f, NULL);
  g_assert_cmpuint (test_browser_get (bk_oauth_flow_get_authorize_uri (f->flow), &page, NULL),
                    ==, SOUP_STATUS_BAD_REQUEST);
  wait_done (f);

  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (f->error->message, "declined"));
  g_assert_nonnull (strstr (page, "declined"));
  g_assert_cmpuint (f->authority->code_grants, ==, 0);
}

static void
test_page_escaped (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *page = NULL;
  g_autofree char *state = NULL;
  g_autofree char *evil = NULL;

  start (f, NULL);
  state = state_of (f);
  evil = g_strdup_printf ("%s?state=%s&error=server_error&error_description=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E",
                          bk_oauth_flow_get_redirect_uri (f->flow), state);
  g_assert_cmpuint (test_browser_get (evil, &page, NULL), ==, SOUP_STATUS_BAD_REQUEST);
  wait_done (f);

  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_FAILED);
  g_assert_nonnull (strstr (f->error->message, "<script>"));
  g_assert_null (strstr (page, "<script>"));
  g_assert_nonnull (strstr (page, "&lt;script&gt;"));
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *redirect = NULL;

  bk_oauth_flow_set_timeout (f->flow, 1);
  start (f, NULL);
  redirect = g_strdup (bk_oauth_flow_get_redirect_uri (f->flow));
  wait_done (f);

  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_TIMED_OUT);
  assert_refused (redirect);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  start (f, cancellable);
  g_timeout_add (20, cancel_cb, cancellable);
  wait_done (f);

  g_assert_error (f->error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_refused (bk_oauth_flow_get_redirect_uri (f->flow));
}

static void
test_runs_once (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  start (f, cancellable);
  wait_done (f);
  g_clear_error (&f->error);

  f->done = FALSE;
  bk_oauth_flow_run_async (f->flow, NULL, run_cb, f);
  wait_done (f);
  g_assert_error (f->error, BK_OAUTH_ERROR, BK_OAUTH_ERROR_RESTART);
}

/* Bound to 127.0.0.1 itself, not to every address: on Linux all of
 * 127.0.0.0/8 is loopback, so a wildcard or 127/8 bind would answer on
 * 127.0.0.2 too; and it is IPv4 only, so not on ::1 either. */
static void
test_loopback_only (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *other = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  start (f, cancellable);
  uri = g_uri_parse (bk_oauth_flow_get_redirect_uri (f->flow), G_URI_FLAGS_NONE, NULL);
  g_assert_cmpstr (g_uri_get_host (uri), ==, "127.0.0.1");

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", g_uri_get_port (uri), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&conn);

  conn = g_socket_client_connect_to_host (client, "127.0.0.2", g_uri_get_port (uri), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_clear_error (&error);

  other = g_strdup_printf ("http://127.0.0.2:%d/?code=x&state=y", g_uri_get_port (uri));
  assert_refused (other);
  g_assert_false (f->done);

  g_cancellable_cancel (cancellable);
  wait_done (f);
}

int
main (int   argc,
      char *argv[])
{
  /* G_TEST_OPTION_ISOLATE_DIRS hides the system GSettings schemas that GIO's
   * GNOME proxy resolver reads; loopback needs no proxy anyway. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/oauth-flow/connect", test_connect);
  ADD ("/oauth-flow/exchange-fails", test_exchange_fails);
  ADD ("/oauth-flow/wrong-state", test_wrong_state);
  ADD ("/oauth-flow/no-state", test_no_state);
  ADD ("/oauth-flow/access-denied", test_access_denied);
  ADD ("/oauth-flow/page-escaped", test_page_escaped);
  ADD ("/oauth-flow/timeout", test_timeout);
  ADD ("/oauth-flow/cancel", test_cancel);
  ADD ("/oauth-flow/runs-once", test_runs_once);
  ADD ("/oauth-flow/loopback-only", test_loopback_only);
#undef ADD

  return g_test_run ();
}
